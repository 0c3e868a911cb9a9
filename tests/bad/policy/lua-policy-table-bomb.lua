-- a table bomb: 2^40 references to one table, as an alias bomb in YAML
local t = {"x"}
for i = 1, 40 do t = {t, t} end
return {
  policy = "hostile",
  format = 1,
  kinds = { saved = { when = { ["vm.state"] = "saved" } } },
  x = t,
}
