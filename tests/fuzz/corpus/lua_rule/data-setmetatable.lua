setmetatable(vm, {}) return true
