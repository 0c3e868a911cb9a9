_ENV[{}] = 1 return true
