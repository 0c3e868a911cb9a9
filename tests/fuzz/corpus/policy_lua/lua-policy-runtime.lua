local t = {}
local bad = t.missing.field
return { policy = "x" }
