local f f = coroutine.wrap(function() return f() end) return f()
