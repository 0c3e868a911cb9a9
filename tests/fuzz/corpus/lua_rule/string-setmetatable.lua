setmetatable(string, {}) return true
