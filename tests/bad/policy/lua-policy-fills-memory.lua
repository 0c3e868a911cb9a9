-- a policy file that fills its whole Lua memory limit (256 MiB) with strings of 100 kB
local t = {}
local i = 0
while true do i = i + 1 t[i] = string.rep("x", 100000) .. i end
