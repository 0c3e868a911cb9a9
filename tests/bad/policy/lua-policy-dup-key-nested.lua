-- a key written twice in a nested table, once as ["string"]
return {
  policy = "hostile",
  format = 1,
  kinds = { saved = { when = { ["vm.state"] = "saved" } } },
  fields = { model = { from = "cpu.model", type = "integer", ["type"] = "string" } },
}
