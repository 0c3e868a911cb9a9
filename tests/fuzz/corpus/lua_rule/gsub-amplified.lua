local s = string.rep('a', 4000) return #s:gsub('a+', string.rep('%0', 100)) > 0
