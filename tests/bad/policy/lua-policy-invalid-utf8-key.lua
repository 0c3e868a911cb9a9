-- a key that is not UTF-8
return {
  policy = "hostile",
  format = 1,
  kinds = { saved = { when = { ["vm.state"] = "saved" } } },
  ["descr\255ption"] = "x",
}
