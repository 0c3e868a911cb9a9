setmetatable({}, {__mode = 'k'}) return true
