-- sets: set operations on lists of names, such as processor feature lists.
--
-- Every function takes lists: Lua sequences or the read-only views of lists
-- that rules get from vm, source and target (target.cpu.features). Members
-- compare as strings. Lists that come back are new, sorted and without
-- repeats.
--
--   sets.has(list, x)            true when x is a member
--   sets.superset(a, b)          a holds every member of b
--   sets.subset(a, b)            every member of a is in b
--   sets.disjoint(a, b)          no member in common
--   sets.missing(a, b)           the members of b that a lacks
--   sets.difference(a, b)        the members of a that b lacks
--   sets.intersection(a, b), sets.union(a, b)
--   sets.size(list)              the number of distinct members
--   sets.sorted(list)            the distinct members, sorted
local sets = {}

-- The library functions, taken while the module loads.
local sort = table.sort
local tostring, type, ipairs, pairs, error = tostring, type, ipairs, pairs, error

local function members(list)
	local t = type(list)
	if t ~= "table" and t ~= "userdata" then
		error("sets take lists, not a " .. t, 3)
	end
	local m = {}
	for _, x in ipairs(list) do
		m[tostring(x)] = true
	end
	return m
end

local function sorted(m)
	local out = {}
	for x in pairs(m) do
		out[#out + 1] = x
	end
	sort(out)
	return out
end

function sets.has(list, x)
	return members(list)[tostring(x)] == true
end

function sets.superset(a, b)
	local ma = members(a)
	for x in pairs(members(b)) do
		if not ma[x] then
			return false
		end
	end
	return true
end

function sets.subset(a, b)
	return sets.superset(b, a)
end

function sets.disjoint(a, b)
	local ma = members(a)
	for x in pairs(members(b)) do
		if ma[x] then
			return false
		end
	end
	return true
end

function sets.difference(a, b)
	local ma, mb = members(a), members(b)
	for x in pairs(mb) do
		ma[x] = nil
	end
	return sorted(ma)
end

function sets.missing(a, b)
	return sets.difference(b, a)
end

function sets.intersection(a, b)
	local ma, mb, both = members(a), members(b), {}
	for x in pairs(ma) do
		if mb[x] then
			both[x] = true
		end
	end
	return sorted(both)
end

function sets.union(a, b)
	local m = members(a)
	for x in pairs(members(b)) do
		m[x] = true
	end
	return sorted(m)
end

function sets.size(list)
	local n = 0
	for _ in pairs(members(list)) do
		n = n + 1
	end
	return n
end

function sets.sorted(list)
	return sorted(members(list))
end

return sets
