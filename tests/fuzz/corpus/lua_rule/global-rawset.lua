rawset(_G, 'x', 1) return true
