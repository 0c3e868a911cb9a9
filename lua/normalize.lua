-- SPDX-License-Identifier: MIT
-- normalize: the names inventories write in many ways, made comparable.
--
--   normalize.trim(s)              s without surrounding white space
--   normalize.manufacturer(s)      "Intel" for GenuineIntel, "Intel Xeon ...";
--                                  "AMD" for AuthenticAMD, "AMD EPYC ...";
--                                  otherwise s trimmed
--   normalize.architecture(s)      "x64" (x64, x86_64, amd64, em64t, 9),
--                                  "x86" (x86, i386-i686, 0),
--                                  "arm64" (arm64, aarch64, 12),
--                                  otherwise s trimmed and lower-cased;
--                                  numbers are Win32_Processor codes
--   normalize.feature(s)           a processor flag as Linux names it:
--                                  lower case, '.' as '_' (SSE4.2 -> sse4_2),
--                                  and the few flags other tools name
--                                  differently (sse3 -> pni, as Linux writes it)
--   normalize.features(list)       every flag normalized, without repeats,
--                                  in the order first met
local normalize = {}

-- The library functions, taken while the module loads.
local lower, match, find, gsub = string.lower, string.match, string.find,
	string.gsub
local tostring, type, ipairs, error = tostring, type, ipairs, error

local aliases = {
	sse3 = "pni",
	["sse4a"] = "sse4a",
	avx512vnni = "avx512_vnni",
	avx512bf16 = "avx512_bf16",
	avx512vbmi2 = "avx512_vbmi2",
	avx512bitalg = "avx512_bitalg",
	avx512vpopcntdq = "avx512_vpopcntdq",
	avx512fp16 = "avx512_fp16",
	sha = "sha_ni",
	amxtile = "amx_tile",
	amxbf16 = "amx_bf16",
	amxint8 = "amx_int8",
}

function normalize.trim(s)
	return match(tostring(s), "^%s*(.*%S)") or ""
end

function normalize.manufacturer(s)
	local t = normalize.trim(s)
	local l = lower(t)
	if l == "genuineintel" or match(l, "^intel%f[%W]") then
		return "Intel"
	elseif l == "authenticamd" or match(l, "^amd%f[%W]") then
		return "AMD"
	end
	return t
end

local architectures = {
	x64 = "x64", x86_64 = "x64", ["x86-64"] = "x64", amd64 = "x64",
	em64t = "x64", ["9"] = "x64",
	x86 = "x86", i386 = "x86", i486 = "x86", i586 = "x86", i686 = "x86",
	["0"] = "x86",
	arm64 = "arm64", aarch64 = "arm64", ["12"] = "arm64",
}

function normalize.architecture(s)
	local l = lower(normalize.trim(s))
	return architectures[l] or l
end

function normalize.feature(s)
	s = tostring(s)
	-- Most flags are written as Linux writes them already.
	if not find(s, "[^%l%d_]") then
		return aliases[s] or s
	end
	local l = lower(normalize.trim(s))
	if find(l, ".", 1, true) then
		l = gsub(l, "%.", "_")
	end
	return aliases[l] or l
end

function normalize.features(list)
	local t = type(list)
	if t ~= "table" and t ~= "userdata" then
		error("normalize.features takes a list, not a " .. t, 2)
	end
	local seen, out = {}, {}
	for _, f in ipairs(list) do
		local n = normalize.feature(f)
		if not seen[n] then
			seen[n] = true
			out[#out + 1] = n
		end
	end
	return out
end

return normalize
