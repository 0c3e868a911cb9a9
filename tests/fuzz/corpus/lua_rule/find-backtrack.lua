return string.find(string.rep('a', 600) .. 'b', string.rep('a-', 20) .. 'c') ~= nil
