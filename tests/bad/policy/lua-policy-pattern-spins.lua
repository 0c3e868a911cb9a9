-- a policy file that backtracks with a Lua pattern over 100,000 characters
local s = string.rep("a", 100000)
local found = string.find(s, ".-.-.-.-.-b")
return {
  policy = "hostile",
  format = 1,
  kinds = { saved = { when = { ["vm.state"] = "saved" } } },
}
