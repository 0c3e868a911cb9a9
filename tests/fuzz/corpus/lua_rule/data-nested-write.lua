target.cpu.family = 6 return true
