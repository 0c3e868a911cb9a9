-- a policy file that backtracks with a Lua pattern over 4,000 characters
-- (the longest string a policy may hold is 4 KiB): it would run for days
local s = string.rep("a", 4000)
local found = string.find(s, ".-.-.-.-.-b")
return {
  policy = "hostile",
  format = 1,
  kinds = { saved = { when = { ["vm.state"] = "saved" } } },
}
