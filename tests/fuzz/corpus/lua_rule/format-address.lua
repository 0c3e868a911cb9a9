return false, string.format('%p', {})
