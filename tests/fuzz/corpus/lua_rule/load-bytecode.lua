local f, e = load('\27LuaT\0\25\147') if not f then error(e) end return f()
