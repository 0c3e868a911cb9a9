-- SPDX-License-Identifier: MIT
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
local tostring, type, ipairs, error = tostring, type, ipairs, error

-- Checks that list is a list (a table or a data view) and returns it.
local function list_of(list)
	local t = type(list)
	if t ~= "table" and t ~= "userdata" then
		error("sets take lists, not a " .. t, 4)
	end
	return list
end

-- The distinct members of a list, as text: a map (member -> true), and a
-- list of them in the order they come. Lists are walked in order, never a
-- map: a map's keys have no order of their own to walk them in.
local function members(list)
	local m, order = {}, {}
	for _, x in ipairs(list_of(list)) do
		local s = tostring(x)
		if not m[s] then
			m[s] = true
			order[#order + 1] = s
		end
	end
	return m, order
end

-- The distinct members of a that `keep` says to keep, sorted.
local function filtered(a, keep)
	local seen, out = {}, {}
	for _, x in ipairs(list_of(a)) do
		local s = tostring(x)
		if not seen[s] and keep(s) then
			seen[s] = true
			out[#out + 1] = s
		end
	end
	sort(out)
	return out
end

function sets.has(list, x)
	return members(list)[tostring(x)] == true
end

function sets.superset(a, b)
	local ma = members(a)
	for _, x in ipairs(list_of(b)) do
		if not ma[tostring(x)] then
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
	for _, x in ipairs(list_of(b)) do
		if ma[tostring(x)] then
			return false
		end
	end
	return true
end

function sets.difference(a, b)
	local mb = members(b)
	return filtered(a, function(s) return not mb[s] end)
end

function sets.missing(a, b)
	return sets.difference(b, a)
end

function sets.intersection(a, b)
	local mb = members(b)
	return filtered(a, function(s) return mb[s] end)
end

function sets.union(a, b)
	local m, order = members(a)
	for _, x in ipairs(list_of(b)) do
		local s = tostring(x)
		if not m[s] then
			m[s] = true
			order[#order + 1] = s
		end
	end
	sort(order)
	return order
end

function sets.size(list)
	local _, order = members(list)
	return #order
end

function sets.sorted(list)
	local _, order = members(list)
	sort(order)
	return order
end

return sets
