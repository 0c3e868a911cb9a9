return {
  policy = "keys",
  kinds = { any = {} },
  rulez = {},
}
