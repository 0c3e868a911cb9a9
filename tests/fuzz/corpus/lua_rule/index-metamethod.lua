local t = setmetatable({}, {__index = function() error('in __index') end}) return t.x
