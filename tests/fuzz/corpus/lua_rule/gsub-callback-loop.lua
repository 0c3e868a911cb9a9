string.gsub('aaa', 'a', function() while true do end end) return true
