sets.has = function() return true end return true
