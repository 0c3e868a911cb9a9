local t = {} for _, k in ipairs({'delta', 'alpha', 10, 'charlie', 2, true, 'bravo', 2.5}) do t[k] = 1 end local s = '' for k in pairs(t) do s = s .. tostring(k) .. ',' end return false, s
