local a, b = {}, {} local c = setmetatable({}, {__index = a}) setmetatable(a, {__index = b}) return true
