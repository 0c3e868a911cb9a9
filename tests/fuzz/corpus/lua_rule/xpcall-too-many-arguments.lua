local t = {} for i = 1, 9900 do t[i] = i end return xpcall(function() return true end, print, table.unpack(t, 1, 9900))
