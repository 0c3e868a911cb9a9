-- a string that is not UTF-8 (byte 0xE9 alone)
return {
  policy = "hostile",
  format = 1,
  kinds = { saved = { when = { ["vm.state"] = "saved" } } },
  description = "caf\233 au lait",
}
