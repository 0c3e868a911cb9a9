local mt = getmetatable(_G) return type(mt) == 'table', 'its metatable is a ' .. type(mt)
