table.insert(string, 1) return true
