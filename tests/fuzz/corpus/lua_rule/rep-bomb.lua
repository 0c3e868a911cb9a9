local s = string.rep('x', 1e9) return #s > 0
