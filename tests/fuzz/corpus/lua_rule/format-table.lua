return false, string.format('%s %5s|', {}, true)
