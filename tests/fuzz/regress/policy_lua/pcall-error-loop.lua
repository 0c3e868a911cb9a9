-- a policy file that catches the error its@ budget raises and loops again
while true do pcall(fend) end
