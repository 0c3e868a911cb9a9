return debug.getinfo(1) ~= nil
