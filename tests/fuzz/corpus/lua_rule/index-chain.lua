local t = {} for i = 1, 2000 do t = setmetatable({}, {__index = t}) end return t.x == nil
