-- a normalize pattern with catastrophic backtracking, in a Lua policy
return {
  policy = "hostile",
  format = 1,
  kinds = { saved = { when = { ["vm.state"] = "saved" } } },
  fields = { manufacturer = { from = "cpu.manufacturer", normalize = { { pattern = "^(a+)+$", to = "A" } } } },
  match = { saved = { "manufacturer" } },
}
