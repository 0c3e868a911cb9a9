-- a raw byte 0xFF inside a string literal
return {
  policy = "hostile",
  format = 1,
  kinds = { saved = { when = { ["vm.state"] = "saved" } } },
  description = "raw ÿ byte",
}
