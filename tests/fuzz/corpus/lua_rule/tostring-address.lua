return false, tostring({}) .. ' ' .. tostring(tostring) .. ' ' .. tostring(coroutine.running())
