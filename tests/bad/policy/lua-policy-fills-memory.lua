-- a policy file that fills its whole memory limit (16 MiB) with small tables
local t = {}
local i = 0
while true do i = i + 1 t[i] = {i, i, i, i} end
