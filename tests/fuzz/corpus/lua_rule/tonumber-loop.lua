local s = string.rep('1', 4000) while true do tonumber(s) end
