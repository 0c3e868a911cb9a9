local s = string.rep('\u{e9}', 2000) while true do utf8.len(s) end
