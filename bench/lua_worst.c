/* SPDX-License-Identifier: MIT */
/*
 * lua_worst.c - what a unit of a Lua rule's budget costs at worst.
 *
 *   build/bench/bench_lua_worst [ROUNDS]
 *
 * A rule's budget counts instructions and the work library functions do
 * (docs/lua.md, "What a call costs"); a run's budget (--limit lua-run)
 * sums them. What bounds the time of a run is the most a unit can cost.
 * This runs rules built to make each unit as dear as they can -- long
 * string comparisons, lookups through metatable chains, sorting, table
 * walks, values passed by the thousand, pattern matching -- each on one
 * pair of examples/fleet.yaml until its budget of 1,000,000 units stops it,
 * and prints the processor time per call and per unit, beside an ordinary
 * rule and a rule that only loops. The figures in docs/lua.md come from it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lua_common.h"

static const char *const RULES[][2] = {
	{"loop", "while true do end"},
	{"ordinary (feature sets)",
	 "local m = sets.missing(normalize.features(target.cpu.features),\n"
	 "                       normalize.features(source.cpu.features))\n"
	 "return #m == 0"},
	{"4 KiB strings ==",
	 "local a = string.rep('x', 4096) local b = string.rep('x', 4095) .. 'x'\n"
	 "while true do local e = a == b end"},
	{"4 KiB strings <",
	 "local a = string.rep('x', 4096) local b = string.rep('x', 4095) .. 'y'\n"
	 "while true do local e = a < b end"},
	{"__index chain",
	 "local t = {x = 1}\n"
	 "while true do\n"
	 "  local ok = pcall(function() t = setmetatable({}, {__index = t}) end)\n"
	 "  if not ok then break end\n"
	 "end\n"
	 "while true do local v = t.x end"},
	{"table.sort 4 KiB strings",
	 "local s = string.rep('x', 4000) local t = {}\n"
	 "for i = 1, 2000 do t[i] = s end\n"
	 "while true do table.sort(t) end"},
	{"pairs over 20,000 keys",
	 "local t = {} for i = 1, 20000 do t['k' .. i] = i end\n"
	 "while true do for k in pairs(t) do end end"},
	{"next over 20,000 keys",
	 "local t = {} for i = 1, 20000 do t['k' .. i] = i end\n"
	 "while true do local k = next(t) while k do k = next(t, k) end end"},
	{"100,000 values passed",
	 "local t = {} for i = 1, 100000 do t[i] = i end\n"
	 "local function id(...) return ... end\n"
	 "local function loop(...) while true do id(...) end end\n"
	 "loop(table.unpack(t))"},
	{"results grown by returns",
	 "local function r(n) if n == 0 then return end return n, r(n - 1) end\n"
	 "while true do r(2000) end"},
	{"table.insert at the front",
	 "local t = {} for i = 1, 100000 do t[i] = i end\n"
	 "while true do table.insert(t, 1, 0) end"},
	{"string.byte of 4 KiB",
	 "local s = string.rep('a', 4000) while true do s:byte(1, -1) end"},
	{"gsub over 4 KiB",
	 "local s = string.rep('a', 4000) while true do s:gsub('a', 'b') end"},
	{"find backtracking",
	 "local s = string.rep('a', 4000)\n"
	 "while true do s:find(string.rep('a-', 20) .. 'c') end"},
	{"concat of 4 KiB",
	 "local t = {} for i = 1, 1000 do t[i] = 'yyyy' end\n"
	 "while true do table.concat(t) end"},
	{"utf8.len of 4 KiB",
	 "local s = string.rep('\\u{e9}', 2000) while true do utf8.len(s) end"},
	{"tonumber of 4 KiB",
	 "local s = string.rep('1', 4000) while true do tonumber(s) end"},
	{"errors caught",
	 "while true do pcall(fend) end"},
	{"chunks that do not compile",
	 "while true do load('x x') end"},
	{"coroutines made and killed",
	 "while true do coroutine.resume(coroutine.create(error)) end"},
	{"tostring of a fraction",
	 "while true do local s = tostring(1.5) end"},
	{"a fraction concatenated",
	 "local x = 0.1 while true do x = x + 1.1 local s = x .. '' end"},
};

static double
cpu_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 20;
	double worst = 0;

	printf("%-28s %8s %14s %12s %10s\n", "rule", "calls", "units per call",
	       "us per call", "ns per unit");
	for (size_t k = 0; k < sizeof(RULES) / sizeof(*RULES); k++) {
		lua_bench b;
		mc_pair_result pr;
		mc_vio vio[16];
		char text[4096];

		snprintf(text, sizeof(text),
			 "policy: worst\nkinds: { any: }\nrules:\n  - id: r\n"
			 "    lua: |\n      %s\n", RULES[k][1]);
		/* indent every line of the body as the block needs */
		for (char *nl = strchr(text + 60, '\n'); nl && nl[1]; nl = strchr(nl + 1, '\n')) {
			memmove(nl + 7, nl + 1, strlen(nl + 1) + 1);
			memset(nl + 1, ' ', 6);
		}
		if (lua_bench_open(&b, RULES[k][0], text) < 0)
			return 2;
		size_t dst = b.src == 0 ? 1 : 0;
		pr.vio = vio;
		double t0 = cpu_now();
		for (int r = 0; r < rounds; r++)
			mc_eval_pair(&b.ctx, &b.vm, b.src, dst, 0, &pr);
		double us = (cpu_now() - t0) * 1e6 / rounds;
		double units = (double)mc_budget_lua_spent(b.budget) / rounds;
		double per = us * 1000 / units;
		if (k > 1 && per > worst)
			worst = per;
		printf("%-28s %8d %14.0f %12.1f %10.1f\n", RULES[k][0], rounds, units,
		       us, per);
		lua_bench_close(&b);
	}
	printf("\nworst: %.1f ns per unit; a run's default budget of 100,000,000 "
	       "units: %.1f s\n", worst, worst * 0.1);
	return 0;
}
