local s = string.rep('x', 4096) .. 'y' return #s > 0
