local s = string.rep('1.', 2000) .. '1' while true do version.valid(s) end
