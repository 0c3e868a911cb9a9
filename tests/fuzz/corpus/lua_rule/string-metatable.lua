local mt = getmetatable('') mt.__index = {} return true
