-- an invalid pcre2 pattern in a Lua policy
return {
  policy = "hostile",
  format = 1,
  kinds = { saved = { when = { ["vm.state"] = "saved" } } },
  fields = { manufacturer = { from = "cpu.manufacturer", normalize = { { pattern = "^(Intel", to = "Intel" } } } },
}
