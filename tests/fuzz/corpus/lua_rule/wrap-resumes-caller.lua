local outer local inner = coroutine.wrap(function() return outer() end) outer = coroutine.wrap(function() return inner() end) return outer()
