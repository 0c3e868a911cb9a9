return string.match(string.rep('a', 600), '(.-)(.-)(.-)(.-)(.-)$x') ~= nil
