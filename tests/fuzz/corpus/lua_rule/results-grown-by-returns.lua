local function r(n) if n == 0 then return end return n, r(n - 1) end return false, tostring(select('#', r(30000)))
