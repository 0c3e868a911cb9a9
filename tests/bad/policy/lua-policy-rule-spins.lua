-- a rule function that loops for ever: a fail-closed verdict
return {
  policy = "hostile",
  format = 1,
  kinds = { saved = { when = { ["vm.state"] = "saved" } } },
  rules = { { id = "spins", lua = function(vm, source, target) while true do end end } },
}
