error(string.rep('e', 4000))
