return (string.rep('a', 600)):find(string.rep('a-', 20) .. 'c') ~= nil
