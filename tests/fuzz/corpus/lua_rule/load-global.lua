load('z = 3')() return true
