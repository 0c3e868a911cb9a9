-- tabs in indentation, then an unknown key
return {
  policy = "hostile",
  format = 1,
  kinds = { saved = { when = { ["vm.state"] = "saved" } } },
			kindz = {},
}
