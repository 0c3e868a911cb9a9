-- SPDX-License-Identifier: MIT
-- version: comparing versions as the policy language does.
--
-- A version starts with a digit and holds letters, digits and the
-- separators '.', '-' and '_'. Versions compare segment by segment: numeric
-- segments as numbers, others as text, a missing segment as zero, so that
-- 6.3 == 6.3.0 < 6.3.9600 < 10.0. The comparison itself is the engine's
-- (the same code the `version` field type uses); this module adds the
-- conveniences around it.
--
--   version.compare(a, b)      -1, 0 or 1; an error when either is no version
--   version.eq/ne/lt/le/gt/ge(a, b)
--   version.valid(v)           true when v is a version
--   version.parse(v)           the segments: { 10, 0, 17763 } (numbers where numeric)
--   version.segment(v, i)      segment i (1-based), 0 when missing
--   version.major(v), version.minor(v)
local prim = ...

local version = {}

-- The library functions, taken while the module loads.
local gmatch, match = string.gmatch, string.match
local tostring, tonumber, type, error = tostring, tonumber, type, error

local function text(v)
	local t = type(v)
	if t == "number" or t == "string" then
		return tostring(v)
	end
	error("a version is a string or a number, not a " .. t, 3)
end

function version.compare(a, b)
	local c, err = prim.version_compare(text(a), text(b))
	if not c then
		error(err, 2)
	end
	return c
end

function version.valid(v)
	local t = type(v)
	return (t == "string" or t == "number") and prim.version_valid(tostring(v))
end

function version.eq(a, b) return version.compare(a, b) == 0 end
function version.ne(a, b) return version.compare(a, b) ~= 0 end
function version.lt(a, b) return version.compare(a, b) < 0 end
function version.le(a, b) return version.compare(a, b) <= 0 end
function version.gt(a, b) return version.compare(a, b) > 0 end
function version.ge(a, b) return version.compare(a, b) >= 0 end

function version.parse(v)
	local s = text(v)
	if not prim.version_valid(s) then
		error("'" .. s .. "' is not a version", 2)
	end
	local segments = {}
	for seg in gmatch(s, "[^._-]+") do
		segments[#segments + 1] = match(seg, "^%d+$") and tonumber(seg)
			or seg
	end
	return segments
end

function version.segment(v, i)
	local seg = version.parse(v)[i]
	if seg == nil then
		return 0
	end
	return seg
end

function version.major(v) return version.segment(v, 1) end
function version.minor(v) return version.segment(v, 2) end

return version
