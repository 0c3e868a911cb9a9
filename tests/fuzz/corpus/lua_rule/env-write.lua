local e = _ENV e.y = 2 return true
