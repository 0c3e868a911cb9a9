local t = {} pcall(function() for i = 1, 1e8 do t[i] = {} end end) return false, 'went on after the limit'
