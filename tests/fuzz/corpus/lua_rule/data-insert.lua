table.insert(source, 1) return true
