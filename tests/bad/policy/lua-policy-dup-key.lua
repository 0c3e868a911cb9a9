-- a key written twice: Lua keeps the last silently
return {
  policy = "hostile",
  format = 1,
  kinds = { saved = { when = { ["vm.state"] = "saved" } } },
  policy = "other-name",
}
