x = 1 return true
