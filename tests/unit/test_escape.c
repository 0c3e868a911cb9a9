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

typedef struct hostile {
	const char *id;
	const char *body;     /* a YAML block: each line indented by 6 */
	const char *expect;   /* in the violation's message */
} hostile;

static const hostile HOSTILE[] = {
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
	{"debug", "return debug.getinfo(1) ~= nil", "global 'debug'"},
	{"collectgarbage", "collectgarbage('stop') return true", "global 'collectgarbage'"},
	{"package", "return package.loaded ~= nil", "global 'package'"},
	/* shared tables, metatables, globals, the data */
	{"global-write", "x = 1 return true", "globals are read-only"},
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
	/* Lua runs no hook while a hook's error unwinds: handlers and __close
	 * of coroutines that died at the budget must not run unbounded */
	{"close-dead-coroutine",
	 "local co = coroutine.create(function() local x <close> = setmetatable({}, {__close = function() while true do end end}) while true do end end) coroutine.resume(co) coroutine.close(co) return true",
	 "budget of"},
	{"wrap-dead-coroutine",
	 "local f = coroutine.wrap(function() local x <close> = setmetatable({}, {__close = function() while true do end end}) while true do end end) pcall(f) return true",
	 "budget of"},
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
	/* memory */
	{"rep-bomb", "local s = string.rep('x', 1e9) return #s > 0", "memory limit"},
	{"rep-empty", "return #string.rep('', 1 << 62) == 0 and false, 'made at once'",
	 "made at once"},
	{"table-growth", "local t = {} for i = 1, 1e8 do t[i] = i end return true",
	 "ran past its"},
	{"concat-loop", "local s = 'x' while true do s = s .. s end", "memory limit"},
	/* 64 MiB held in strings: allocating is charged against the budget
	 * (and string.rep by what it makes), so the budget or the memory limit
	 * stops it, whichever the sizes reach first */
	{"table-concat", "local t = {} for i = 1, 64 do t[i] = string.rep('y', 1 << 20) end return #table.concat(t) > 0",
	 "ran past its"},
	/* errors of every shape */
	{"huge-error", "error(string.rep('e', 1000000))", "eeeeeeee..."},
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
	{"nondeterminism", "return math.random() < 2", "field 'random'"},
};

#define NHOSTILE (sizeof(HOSTILE) / sizeof(*HOSTILE))

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

/* The policy: every hostile rule, then the stash and benign rules. */
static char *
policy_text(void)
{
	size_t cap = 65536, off = 0;
	char *text = malloc(cap);

	ck_assert_ptr_nonnull(text);
	off += (size_t)snprintf(text + off, cap - off,
				"policy: hostile\nkinds: { any: }\nrules:\n");
	for (size_t i = 0; i < NHOSTILE; i++)
		off += (size_t)snprintf(text + off, cap - off,
					"  - id: %s\n    lua: |\n      %s\n",
					HOSTILE[i].id, HOSTILE[i].body);
	off += (size_t)snprintf(text + off, cap - off, "%s%s", STASH, BENIGN);
	ck_assert_uint_lt(off, cap);
	return text;
}

START_TEST(every_attempt_is_a_violation)
{
	char *text = policy_text();
	check_run r = run_check(text, INVENTORY, "v", NULL, NULL);
	struct timespec t0, t1;

	ck_assert_int_eq(r.status, MC_OK);
	ck_assert_uint_eq(r.res->nhosts, 2);
	for (size_t h = 0; h < 2; h++) {
		const mc_host_verdict *v = &r.res->hosts[h];
		bool t2 = strcmp(v->name, "t2") == 0;

		ck_assert(!v->allowed);
		/* every hostile rule, never stash; benign only where it fails */
		ck_assert_uint_eq(v->nviolations, NHOSTILE + t2);
		ck_assert_ptr_null(violation(v, "rule.stash"));
		for (size_t i = 0; i < NHOSTILE; i++) {
			char rule[80];
			const mc_violation *x;

			snprintf(rule, sizeof(rule), "rule.%s", HOSTILE[i].id);
			x = violation(v, rule);
			ck_assert_msg(x != NULL, "%s: no violation", rule);
			ck_assert_msg(strstr(x->message, HOSTILE[i].expect) != NULL,
				      "%s on %s: '%s' does not say '%s'", rule, v->name,
				      x->message, HOSTILE[i].expect);
			/* messages stay readable, however large the error */
			ck_assert_uint_lt(strlen(x->message), 700);
		}
	}
	check_done(&r);
	free(text);

	/* and the whole run is bounded: every hostile call stops at its
	 * budget or memory limit */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	text = policy_text();
	r = run_check(text, INVENTORY, "v", "t1", NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_int_eq(r.status, MC_OK);
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

Suite *
escape_suite(void)
{
	Suite *s = suite_create("escape");
	TCase *t = tcase_create("escape");

	tcase_set_timeout(t, 120);
	tcase_add_test(t, every_attempt_is_a_violation);
	tcase_add_test(t, nothing_survives_an_evaluation);
	suite_add_tcase(s, t);
	return s;
}
