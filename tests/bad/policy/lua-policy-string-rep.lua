-- a policy file that asks for a string of a terabyte
local s = string.rep("x", 2^40)
return {
  policy = "hostile",
  format = 1,
  kinds = { saved = { when = { ["vm.state"] = "saved" } } },
}
