local a = string.rep('x', 4096) local b = string.rep('x', 4095) .. 'y' while true do local e = a < b end
