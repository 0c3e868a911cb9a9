return {
  policy = "syntax",
  kinds = { any = {} 
}
