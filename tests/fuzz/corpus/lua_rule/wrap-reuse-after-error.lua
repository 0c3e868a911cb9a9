local f f = coroutine.wrap(function() return f() end) pcall(f) for i = 1, 100 do pcall(f) end local t = {} for i = 1, 1000 do t[i] = {i} end return f()
