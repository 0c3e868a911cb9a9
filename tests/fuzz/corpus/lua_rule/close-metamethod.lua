do local x <close> = setmetatable({}, {__close = function() error('in __close') end}) end return true
