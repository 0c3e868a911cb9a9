-- a table that contains itself
local t = {}
t.self = t
return {
  policy = "hostile",
  format = 1,
  kinds = { saved = { when = { ["vm.state"] = "saved" } } },
  x = t,
}
