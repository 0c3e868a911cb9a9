local f, e = load('return 1', 'x', 'b') return false, e
