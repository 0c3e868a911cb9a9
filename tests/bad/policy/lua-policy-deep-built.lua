-- tables nested 100,000 deep, built by a loop
local t = {}
local c = t
for i = 1, 100000 do c.a = {} c = c.a end
return {
  policy = "hostile",
  format = 1,
  kinds = { saved = { when = { ["vm.state"] = "saved" } } },
  x = t,
}
