-- a policy file whose every instruction allocates: it runs its whole budget of 10,000,000 instructions
local t = {}
local i = 0
while true do i = i + 1 t[i] = string.rep("x", 1000) .. i end
