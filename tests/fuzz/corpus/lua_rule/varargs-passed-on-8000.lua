local t = {} for i = 1, 8000 do t[i] = i end local function id(...) return ... end local function loop(...) while true do id(...) end end loop(table.unpack(t))
