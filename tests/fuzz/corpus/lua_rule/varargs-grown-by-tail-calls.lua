local function grow(n, ...) if n == 0 then return select('#', ...) end return grow(n - 1, n, ...) end return false, tostring(grow(100000))
