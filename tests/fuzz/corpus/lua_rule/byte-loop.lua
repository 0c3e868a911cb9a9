local s = string.rep('a', 4000) while true do s:byte(1, -1) end
