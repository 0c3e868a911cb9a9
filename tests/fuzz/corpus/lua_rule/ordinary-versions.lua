local ok, err = pcall(version.ge, target.hv, source.hv)
local t = {}
for k, v in pairs(target.cpu) do t[#t + 1] = tostring(k) .. "=" .. tostring(v) end
table.sort(t)
return ok and err, table.concat(t, ";")
