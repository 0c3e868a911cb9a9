collectgarbage('stop') return true
