local t = {} for i = 1, 100 do t[i] = string.rep('y', 100) end return #table.concat(t) > 0
