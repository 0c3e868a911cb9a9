-- a string with a NUL byte written as an escape
return {
  policy = "hostile",
  format = 1,
  kinds = { saved = { when = { ["vm.state"] = "saved" } } },
  description = "a NUL\0 escape",
}
