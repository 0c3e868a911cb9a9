local t = {} for i = 1, 300 do t[i] = {k = i % 3, i = i} end table.sort(t, function(a, b) return a.k < b.k end) return false, t[1].i .. ',' .. t[2].i .. ',' .. t[101].i .. ',' .. t[300].i
