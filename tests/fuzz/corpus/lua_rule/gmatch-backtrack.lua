for m in string.gmatch(string.rep('a', 400), string.rep('a*', 12) .. 'b') do end return true
