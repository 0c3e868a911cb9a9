local mt = getmetatable(vm) return type(mt) == 'table', 'its metatable is a ' .. type(mt)
