local a = {} setmetatable(a, {__call = a}) return a()
