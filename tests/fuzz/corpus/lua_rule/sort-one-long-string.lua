local s = string.rep('x', 4000) local t = {} for i = 1, 50000 do t[i] = s end table.sort(t) return true
