-- returns the wrong thing
return "a policy"
