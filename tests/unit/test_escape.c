/* SPDX-License-Identifier: MIT */
/*
 * test_escape.c - hostile Lua rules. Each tries to get out of the sandbox,
 * to hang, to grow without bound, or to change what another rule sees;
 * each must end as a violation of that rule with a clear message, while
 * the process stays up and the other rules keep working.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helpers.h"
#include "hostile.h"

const hostile HOSTILE[] = {
	/* files and commands */
	{"io-open", "return io.open('/etc/passwd') ~= nil", "global 'io'"},
	{"os-execute", "return os.execute('true')", "global 'os'"},
	{"os-exit", "os.exit(3)", "global 'os'"},
	{"require", "local os = require('os') return os ~= nil", "global 'require'"},
	{"dofile", "return dofile('/etc/passwd')", "global 'dofile'"},
	{"loadfile", "return loadfile('/etc/passwd')", "global 'loadfile'"},
	{"print", "print('on stdout') return true", "global 'print'"},
	/* code loading */
	{"string-dump", "return load(string.dump(function() return true end))()",
	 "field 'dump'"},
	{"load-bytecode", "local f, e = load('\\27LuaT\\0\\25\\147') if not f then error(e) end return f()",
	 "binary chunk"},
	{"load-reader", "return load(function() return nil end)", "where true or false"},
	/* a chunk cannot borrow another file's name for its errors */
	{"load-name", "local f = load('error(\"forged\")', '@policies/scvmm-2008.yaml') return f()",
	 "(load):1: forged"},
	{"load-binary-mode", "local f, e = load('return 1', 'x', 'b') return false, e",
	 "attempt to load a text chunk (mode is 'b')"},
	{"debug", "return debug.getinfo(1) ~= nil", "global 'debug'"},
	{"collectgarbage", "collectgarbage('stop') return true", "global 'collectgarbage'"},
	{"package", "return package.loaded ~= nil", "global 'package'"},
	/* shared tables, metatables, globals, the data */
	{"global-write", "x = 1 return true", "globals are read-only"},
	{"global-table-key", "_ENV[{}] = 1 return true", "attempt to set global 'table'"},
	{"global-rawset", "rawset(_G, 'x', 1) return true", "global 'rawset'"},
	{"env-write", "local e = _ENV e.y = 2 return true", "globals are read-only"},
	{"load-global", "load('z = 3')() return true", "globals are read-only"},
	{"library-write", "string.upper = function() return 'pwned' end return true",
	 "read-only table"},
	{"library-nested", "table.insert(string, 1) return true", "read-only table"},
	{"helper-write", "sets.has = function() return true end return true",
	 "read-only table"},
	{"string-metatable", "local mt = getmetatable('') mt.__index = {} return true",
	 "attempt to index a string value"},
	{"string-setmetatable", "setmetatable(string, {}) return true",
	 "protected metatable"},
	{"env-metatable", "local mt = getmetatable(_G) return type(mt) == 'table', 'its metatable is a ' .. type(mt)",
	 "its metatable is a string"},
	{"data-metatable", "local mt = getmetatable(vm) return type(mt) == 'table', 'its metatable is a ' .. type(mt)",
	 "its metatable is a string"},
	{"data-write", "vm.state = 'stopped' return true", "vm is read-only"},
	{"data-nested-write", "target.cpu.family = 6 return true", "target is read-only"},
	{"data-setmetatable", "setmetatable(vm, {}) return true", "table expected"},
	{"data-insert", "table.insert(source, 1) return true", "source is read-only"},
	{"data-next", "return next(vm) ~= nil", "table expected"},
	/* hanging */
	{"loop", "while true do end", "budget of"},
	/* the Lua stack grows until the budget (growing it allocates, and
	 * allocating is charged) or the memory limit stops it */
	{"recursion", "local function f(n) return 1 + f(n + 1) end return f(1)",
	 "ran past its"},
	{"coroutine-loop", "coroutine.wrap(function() while true do end end)() return true",
	 "budget of"},
	{"coroutine-resume-loop", "while true do coroutine.resume(coroutine.create(function() while true do end end)) end",
	 "budget of"},
	{"pcall-loop", "while true do pcall(function() while true do end end) end",
	 "budget of"},
	{"pcall-nested", "local function f() return pcall(f) end while true do f() end",
	 "budget of"},
	{"xpcall-handler", "xpcall(function() while true do end end, function() while true do end end) return true",
	 "budget of"},
	{"error-loop", "while true do pcall(error, 'x') end", "budget of"},
	/* errors cost more than their instructions: each caught one is
	 * charged (this one took 150 ns a unit before) */
	{"error-message-loop", "while true do pcall(fend) end", "budget of"},
	{"load-error-loop", "while true do load('x x') end", "budget of"},
	{"float-text-loop", "while true do local s = tostring(1.5) .. string.format('%g', 2.5) end",
	 "budget of"},
	/* Lua runs no hook while a hook's error unwinds: handlers and __close
	 * of coroutines that died at the budget must not run unbounded */
	{"close-dead-coroutine",
	 "local co = coroutine.create(function() local x <close> = setmetatable({}, {__close = function() while true do end end}) while true do end end) coroutine.resume(co) coroutine.close(co) return true",
	 "budget of"},
	{"wrap-dead-coroutine",
	 "local f = coroutine.wrap(function() local x <close> = setmetatable({}, {__close = function() while true do end end}) while true do end end) pcall(f) return true",
	 "budget of"},
	/* coroutines in use are never reset under their own frames */
	{"wrap-calls-itself",
	 "local f f = coroutine.wrap(function() return f() end) return f()",
	 "cannot resume non-suspended coroutine"},
	{"wrap-resumes-caller",
	 "local outer local inner = coroutine.wrap(function() return outer() end) outer = coroutine.wrap(function() return inner() end) return outer()",
	 "cannot resume non-suspended coroutine"},
	{"wrap-reuse-after-error",
	 "local f f = coroutine.wrap(function() return f() end) pcall(f) for i = 1, 100 do pcall(f) end local t = {} for i = 1, 1000 do t[i] = {i} end return f()",
	 "cannot resume dead coroutine"},
	/* xpcall passes any number of arguments, as Lua's does */
	{"xpcall-many-arguments",
	 "local t = {} for i = 1, 7900 do t[i] = i end local ok, n = xpcall(function(...) return select('#', ...) end, function(e) return e end, table.unpack(t, 1, 7900)) return false, 'xpcall passed ' .. tostring(n)",
	 "xpcall passed 7900"},
	{"xpcall-too-many-arguments",
	 "local t = {} for i = 1, 9900 do t[i] = i end return xpcall(function() return true end, print, table.unpack(t, 1, 9900))",
	 "a call passed 9900 values; rules pass at most 8000"},
	{"gsub-callback-loop", "string.gsub('aaa', 'a', function() while true do end end) return true",
	 "budget of"},
	{"sort-comparator-loop", "table.sort({3, 2, 1}, function() while true do end end) return true",
	 "budget of"},
	/* patterns that backtrack for minutes in stock Lua */
	{"find-backtrack", "return string.find(string.rep('a', 600) .. 'b', string.rep('a-', 20) .. 'c') ~= nil",
	 "budget of"},
	{"match-backtrack", "return string.match(string.rep('a', 600), '(.-)(.-)(.-)(.-)(.-)$x') ~= nil",
	 "budget of"},
	{"gmatch-backtrack", "for m in string.gmatch(string.rep('a', 400), string.rep('a*', 12) .. 'b') do end return true",
	 "budget of"},
	{"method-backtrack", "return (string.rep('a', 600)):find(string.rep('a-', 20) .. 'c') ~= nil",
	 "budget of"},
	/* one instruction, bounded work: each of these is one call or one
	 * operation that stock Lua runs for seconds or for ever */
	{"table-move-huge", "table.move({}, 1, math.maxinteger - 1, 2) return true",
	 "budget of"},
	{"table-insert-front", "local t = {} for i = 1, 100000 do t[i] = i end while true do table.insert(t, 1, 0) end",
	 "budget of"},
	{"table-remove-front", "local t = {} for i = 1, 100000 do t[i] = i end while true do table.remove(t, 1) t[#t + 1] = 0 end",
	 "budget of"},
	{"table-concat-empties", "local t = {} for i = 1, 100000 do t[i] = '' end while true do table.concat(t) end",
	 "budget of"},
	{"table-unpack-huge", "return table.unpack({}, 1, 1e8)", "too many results"},
	{"sort-one-long-string", "local s = string.rep('x', 4000) local t = {} for i = 1, 50000 do t[i] = s end table.sort(t) return true",
	 "budget of"},
	{"len-of-huge-length", "local t = setmetatable({}, {__len = function() return math.maxinteger - 1 end}) table.insert(t, 1, 0) return true",
	 "budget of"},
	{"equal-long-strings", "local a = string.rep('x', 4096) local b = string.rep('x', 4095) .. 'x' while true do local e = a == b end",
	 "budget of"},
	{"less-long-strings", "local a = string.rep('x', 4096) local b = string.rep('x', 4095) .. 'y' while true do local e = a < b end",
	 "budget of"},
	{"utf8-len-loop", "local s = string.rep('\\u{e9}', 2000) while true do utf8.len(s) end",
	 "budget of"},
	{"utf8-offset-loop", "local s = string.rep('\\u{e9}', 2000) while true do utf8.offset(s, 2000) end",
	 "budget of"},
	{"byte-loop", "local s = string.rep('a', 4000) while true do s:byte(1, -1) end",
	 "budget of"},
	{"tonumber-loop", "local s = string.rep('1', 4000) while true do tonumber(s) end",
	 "budget of"},
	{"version-valid-loop", "local s = string.rep('1.', 2000) .. '1' while true do version.valid(s) end",
	 "budget of"},
	{"varargs-passed-on", "local t = {} for i = 1, 9000 do t[i] = i end local function id(...) return ... end local function loop(...) while true do id(...) end end loop(table.unpack(t))",
	 "a call passed 9000 values; rules pass at most 8000"},
	{"varargs-passed-on-8000", "local t = {} for i = 1, 8000 do t[i] = i end local function id(...) return ... end local function loop(...) while true do id(...) end end loop(table.unpack(t))",
	 "budget of"},
	{"varargs-grown-by-tail-calls", "local function grow(n, ...) if n == 0 then return select('#', ...) end return grow(n - 1, n, ...) end return false, tostring(grow(100000))",
	 "budget of"},
	{"results-grown-by-returns", "local function r(n) if n == 0 then return end return n, r(n - 1) end return false, tostring(select('#', r(30000)))",
	 "ran past its"},
	{"index-chain", "local t = {} for i = 1, 2000 do t = setmetatable({}, {__index = t}) end return t.x == nil",
	 "__index chain through more than 4 tables"},
	{"index-chain-after", "local a, b = {}, {} local c = setmetatable({}, {__index = a}) setmetatable(a, {__index = b}) return true",
	 "cannot change the metatable of a table that is another metatable's __index"},
	{"metatable-changed-after", "local mt = {} local t = setmetatable({}, mt) mt.__index = function() return 1 end return false, 'later change ' .. (t.x == nil and 'ignored' or 'applied') .. ', ' .. (getmetatable(t) == mt and 'same' or 'other') .. ' metatable'",
	 "later change ignored, same metatable"},
	{"call-chain", "local a = {} setmetatable(a, {__call = a}) return a()",
	 "__call metamethod must be a function"},
	{"weak-table", "setmetatable({}, {__mode = 'k'}) return true",
	 "weak tables (__mode) are not allowed"},
	/* strings stay short, so that comparing two is cheap */
	{"string-too-long", "local s = string.rep('x', 4096) .. 'y' return #s > 0",
	 "needed a string of 4097 bytes, longer than the 4096 bytes"},
	{"concat-doubling", "local s = 'x' while true do s = s .. s end",
	 "needed a string of 8192 bytes"},
	{"table-concat-long", "local t = {} for i = 1, 100 do t[i] = string.rep('y', 100) end return #table.concat(t) > 0",
	 "needed a string of 4100 bytes"},
	{"gsub-amplified", "local s = string.rep('a', 4000) return #s:gsub('a+', string.rep('%0', 100)) > 0",
	 "needed a string of 400000 bytes"},
	/* memory */
	{"rep-bomb", "local s = string.rep('x', 1e9) return #s > 0", "needed a string of 1000000000 bytes"},
	{"rep-empty", "return #string.rep('', 1 << 62) == 0 and false, 'made at once'",
	 "made at once"},
	{"table-growth", "local t = {} for i = 1, 1e8 do t[i] = i end return true",
	 "ran past its"},
	{"memory-caught", "local t = {} pcall(function() for i = 1, 1e8 do t[i] = {} end end) return false, 'went on after the limit'",
	 "ran past its"},
	{"pairs-big-repeated", "local t = {} for i = 1, 20000 do t['k' .. i] = i end while true do for k in pairs(t) do end end",
	 "ran past its"},
	/* errors of every shape */
	{"huge-error", "error(string.rep('e', 4000))", "eeeeeeee..."},
	{"table-error", "error({})", "error that is a table"},
	{"tostring-error", "error(setmetatable({}, {__tostring = function() while true do end end}))",
	 "error that is a table"},
	{"index-metamethod", "local t = setmetatable({}, {__index = function() error('in __index') end}) return t.x",
	 "in __index"},
	{"gc-metamethod", "setmetatable({}, {__gc = function() while true do end end}) return true",
	 "__gc metamethods are not allowed"},
	{"close-metamethod", "do local x <close> = setmetatable({}, {__close = function() error('in __close') end}) end return true",
	 "in __close"},
	{"wrong-type", "return 'yes'", "a string where true or false"},
	{"nothing", "local x = 1", "nothing where true or false"},
	{"bad-message", "return false, {}", "false with a table"},
	/* one answer every time: no addresses, no random order */
	{"nondeterminism", "return math.random() < 2", "field 'random'"},
	{"tostring-address", "return false, tostring({}) .. ' ' .. tostring(tostring) .. ' ' .. tostring(coroutine.running())",
	 "table function thread"},
	{"format-address", "return false, string.format('%p', {})", "invalid conversion '%p'"},
	{"format-table", "return false, string.format('%s %5s|', {}, true)", "table  true|"},
	{"pairs-order", "local t = {} for _, k in ipairs({'delta', 'alpha', 10, 'charlie', 2, true, 'bravo', 2.5}) do t[k] = 1 end local s = '' for k in pairs(t) do s = s .. tostring(k) .. ',' end return false, s",
	 "2,2.5,10,alpha,bravo,charlie,delta,true,"},
	{"pairs-table-keys", "local t = {[{}] = 1} for k in pairs(t) do end return true",
	 "a table with a table as a key has no order"},
	{"sort-ties", "local t = {} for i = 1, 300 do t[i] = {k = i % 3, i = i} end table.sort(t, function(a, b) return a.k < b.k end) return false, t[1].i .. ',' .. t[2].i .. ',' .. t[101].i .. ',' .. t[300].i",
	 "3,6,1,299"},
};

const size_t NHOSTILE_RULES = sizeof(HOSTILE) / sizeof(*HOSTILE);

/* A rule that tries to leave something for the next evaluation, and one
 * that checks that nothing was left. */
#define STASH \
	"  - id: stash\n" \
	"    lua: |\n" \
	"      pcall(function() string.seen = true end)\n" \
	"      pcall(function() _G.seen = true end)\n" \
	"      pcall(function() vm.seen = true end)\n" \
	"      return string.seen == nil and seen == nil and vm.seen == nil\n"

#define BENIGN \
	"  - id: benign\n" \
	"    lua: |\n" \
	"      return sets.superset(target.cpu.features, source.cpu.features)\n" \
	"         and version.ge(target.hv, source.hv), 'benign failed'\n"

static const char *INVENTORY =
	"hosts:\n"
	"  - { name: s, hv: '10.0', cpu: { family: 6, features: [a, b] } }\n"
	"  - { name: t1, hv: '10.0', cpu: { family: 6, features: [a, b, c] } }\n"
	"  - { name: t2, hv: '10.1', cpu: { family: 6, features: [a] } }\n"
	"vms:\n"
	"  - { name: v, host: s, state: running }\n";

char *
hostile_policy(const char *limits)
{
	size_t cap = 65536, off = 0;
	char *text = malloc(cap);

	ck_assert_ptr_nonnull(text);
	off += (size_t)snprintf(text + off, cap - off,
				"policy: hostile\nkinds: { any: }\n%s%srules:\n",
				limits ? limits : "", limits ? "\n" : "");
	for (size_t i = 0; i < NHOSTILE; i++)
		off += (size_t)snprintf(text + off, cap - off,
					"  - id: %s\n    lua: |\n      %s\n",
					HOSTILE[i].id, HOSTILE[i].body);
	off += (size_t)snprintf(text + off, cap - off, "%s%s", STASH, BENIGN);
	ck_assert_uint_lt(off, cap);
	return text;
}

/* The limits of the hostile policy: the default budget of a million
 * units a call, or a tenth of it under valgrind (which runs code 20 to 50
 * times slower): what stops a hostile rule stops it at either. */
static const char *
hostile_limits(void)
{
	return test_time_scale() > 1 ? "limits: { lua_instructions: 100000 }" : NULL;
}

/* A budget for a run of every hostile rule, each of which may spend its
 * whole budget of a million instructions on every host. */
static mc_budget *
big_budget(void)
{
	mc_limits lim;
	mc_budget *b;

	mc_limits_default(&lim);
	lim.lua_run_instructions = (uint64_t)4 * NHOSTILE * 1000000;
	ck_assert_int_eq(mc_budget_new(&b, &lim), MC_OK);
	return b;
}

START_TEST(every_attempt_is_a_violation)
{
	char *text = hostile_policy(hostile_limits());
	mc_budget *budget = big_budget();
	check_run r = run_check_budget(text, INVENTORY, "v", NULL, NULL, budget);
	struct timespec t0, t1;

	size_t wrong = 0;

	ck_assert_int_eq(r.status, MC_OK);
	ck_assert_uint_eq(r.res->nhosts, 2);
	for (size_t h = 0; h < 2; h++) {
		const mc_host_verdict *v = &r.res->hosts[h];
		bool t2 = strcmp(v->name, "t2") == 0;

		ck_assert(!v->allowed);
		/* every hostile rule, never stash; benign only where it fails */
		wrong += v->nviolations != NHOSTILE + t2;
		ck_assert_ptr_null(violation(v, "rule.stash"));
		for (size_t i = 0; i < NHOSTILE; i++) {
			char rule[80];
			const mc_violation *x;

			snprintf(rule, sizeof(rule), "rule.%s", HOSTILE[i].id);
			x = violation(v, rule);
			if (!x) {
				fprintf(stderr, "%s on %s: no violation\n", rule, v->name);
				wrong++;
			} else if (!strstr(x->message, HOSTILE[i].expect)) {
				fprintf(stderr, "%s on %s: '%s' does not say '%s'\n", rule,
					v->name, x->message, HOSTILE[i].expect);
				wrong++;
			}
			/* messages stay readable, however large the error */
			ck_assert_uint_lt(x ? strlen(x->message) : 0, 700);
		}
	}
	ck_assert_uint_eq(wrong, 0);
	check_done(&r);
	free(text);

	/* and the whole run is bounded: every hostile call stops at its
	 * budget or memory limit */
	mc_budget_free(budget);
	budget = big_budget();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	text = hostile_policy(hostile_limits());
	r = run_check_budget(text, INVENTORY, "v", "t1", NULL, budget);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_int_eq(r.status, MC_OK);
	mc_budget_free(budget);
	ck_assert_uint_lt((uint64_t)(t1.tv_sec - t0.tv_sec),
			  (uint64_t)(60 * test_time_scale()));
	check_done(&r);
	free(text);
}
END_TEST

/* Alone, the stash and benign rules pass on every host: nothing a rule did
 * in one evaluation shows in the next. */
START_TEST(nothing_survives_an_evaluation)
{
	static const char *policy =
		"policy: calm\nkinds: { any: }\nrules:\n" STASH BENIGN;
	check_run r = run_check(policy, INVENTORY, "v", NULL, NULL);

	ck_assert_int_eq(r.status, MC_OK);
	ck_assert_msg(verdict(r.res, "t1")->allowed, "%s",
		      rule_ids(verdict(r.res, "t1")));
	ck_assert_str_eq(rule_ids(verdict(r.res, "t2")), "rule.benign");
	ck_assert_str_eq(violation(verdict(r.res, "t2"), "rule.benign")->message,
			 "benign failed");
	check_done(&r);
}
END_TEST

/* 60 hosts, each a class of its own, and 10 VMs. */
static char *
many_hosts(void)
{
	mc_buf b = MC_BUF_INIT;

	mc_buf_adds(&b, "hosts:\n");
	for (int i = 1; i <= 60; i++)
		mc_buf_addf(&b, "  - { name: h%d, cpu: { family: %d } }\n", i, i);
	mc_buf_adds(&b, "vms:\n");
	for (int i = 1; i <= 10; i++)
		mc_buf_addf(&b, "  - { name: v%d, host: h%d, state: running }\n", i, i);
	char *text = strdup(mc_buf_str(&b));
	mc_buf_free(&b);
	return text;
}

/*
 * A rule that spins on every class pair of a plan, every pair of hosts of
 * a matrix, every host of a check: whatever the command, its evaluations
 * together spend no more than the run's budget, and what comes after it
 * fails closed.
 */
START_TEST(a_run_spends_its_budget_and_no_more)
{
	static const char *policy =
		"policy: spins\nkinds: { any: }\nrules:\n"
		"  - id: spins\n"
		"    uses: [source.cpu.family, target.cpu.family]\n"
		"    lua: while true do end\n";
	char *hosts = many_hosts();
	fleet_fixture x;
	mc_limits lim;
	mc_budget *b;

	mc_limits_default(&lim);
	lim.lua_run_instructions = 5000000;  /* five calls' worth */
	x = fleet_from("spins.yaml", policy, hosts, &lim);
	mc_fleet *f = x.fleet;
	mc_diag *d = x.diag;

	/* check: 59 hosts, five of them spin */
	ck_assert_int_eq(mc_budget_new(&b, &lim), MC_OK);
	mc_check_request creq = {"v1", NULL, NULL, false, b};
	mc_check_result *cres = NULL;
	ck_assert_int_eq(mc_check(&cres, f, &creq, d), MC_OK);
	ck_assert_uint_le(mc_budget_lua_spent(b), lim.lua_run_instructions);
	ck_assert_uint_ge(mc_budget_lua_spent(b), lim.lua_run_instructions - 10000);
	ck_assert_ptr_nonnull(strstr(violation(verdict(cres, "h60"), "rule.spins")->message,
				     "the run's budget of 5000000 Lua instructions is spent"));
	mc_check_result_free(cres);
	mc_budget_free(b);

	/* plan: 10 VMs x 59 hosts */
	ck_assert_int_eq(mc_budget_new(&b, &lim), MC_OK);
	mc_plan_request preq;
	memset(&preq, 0, sizeof(preq));
	preq.budget = b;
	mc_plan_result *pres = NULL;
	ck_assert_int_eq(mc_plan(&pres, f, &preq, d), MC_OK);
	ck_assert_uint_eq(pres->nunplaced, 10);
	ck_assert_uint_le(mc_budget_lua_spent(b), lim.lua_run_instructions);
	mc_plan_result_free(pres);
	mc_budget_free(b);

	/* matrix: 60 x 59 host pairs */
	ck_assert_int_eq(mc_budget_new(&b, &lim), MC_OK);
	mc_matrix_request mreq = {NULL, b, false};
	mc_matrix_result *mres = NULL;
	ck_assert_int_eq(mc_matrix(&mres, f, &mreq, d), MC_OK);
	ck_assert_uint_eq(mres->kinds[0].nedges, 0);
	ck_assert_uint_le(mc_budget_lua_spent(b), lim.lua_run_instructions);
	ck_assert_uint_ge(mc_budget_lua_spent(b), lim.lua_run_instructions - 10000);
	mc_matrix_result_free(mres);
	mc_budget_free(b);

	fleet_done(&x);
	free(hosts);
}
END_TEST

Suite *
escape_suite(void)
{
	Suite *s = suite_create("escape");
	TCase *t = tcase_create("escape");

	tcase_set_timeout(t, 120);
	tcase_add_test(t, every_attempt_is_a_violation);
	tcase_add_test(t, nothing_survives_an_evaluation);
	tcase_add_test(t, a_run_spends_its_budget_and_no_more);
	suite_add_tcase(s, t);
	return s;
}
