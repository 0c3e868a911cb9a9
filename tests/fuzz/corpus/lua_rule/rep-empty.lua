return #string.rep('', 1 << 62) == 0 and false, 'made at once'
