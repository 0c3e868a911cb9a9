/* SPDX-License-Identifier: MIT */
/*
 * test_lpattern.c - the lpattern suite: the bounded string.find, match,
 * gmatch and gsub (engine/lua/lpattern.h) against Lua's own.
 *
 * Every case runs twice, in a state with the stock string library and in
 * one where mc_lpattern_open() replaced the four functions, and the two
 * results must be the same text: a Lua helper (HELPER) serializes what a
 * call returns or the error it raises. Cases are (subject, pattern) pairs,
 * each run through all four functions with several extra arguments
 * (all()), Lua expressions for what pairs cannot say, and random pairs from
 * a pattern grammar. The last test case checks the budget: hostile
 * patterns stop with "instruction budget exceeded", ordinary ones cost
 * little.
 */
#include <lauxlib.h>
#include <lualib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helpers.h"
#include "lua/lbudget.h"
#include "lua/lpattern.h"

/* ------------------------------------------------------------------------
 * Two states and the helper they share
 */

static const char HELPER[] =
	"local fmt, concat, mtype = string.format, table.concat, math.type\n"
	"local pack, unpack, select = table.pack, table.unpack, select\n"
	"local function ser(...)\n"
	"  local out = {}\n"
	"  for i = 1, select('#', ...) do\n"
	"    local v = select(i, ...)\n"
	"    if type(v) == 'string' then out[i] = fmt('%q', v)\n"
	"    elseif type(v) == 'number' then out[i] = mtype(v) .. ' ' .. tostring(v)\n"
	"    elseif type(v) == 'function' then out[i] = 'function'\n"
	"    else out[i] = tostring(v) end\n"
	"  end\n"
	"  return select('#', ...) .. '{' .. concat(out, ', ') .. '}'\n"
	"end\n"
	"_G.ser = ser\n"
	"function run(f, ...) return ser(pcall(f, ...)) end\n"
	"function gm(s, p, init)\n"
	"  local it, out = string.gmatch(s, p, init), {}\n"
	"  for _ = 1, #s + 3 do\n"
	"    local r = pack(it())\n"
	"    out[#out + 1] = ser(unpack(r, 1, r.n))\n"
	"    if r.n == 0 then break end\n"
	"  end\n"
	"  return concat(out, ' ')\n"
	"end\n"
	"local function rep(...) return '<' .. ser(...) .. '>' end\n"
	"local tab = {a = 'A', b = false, [1] = 'one', ab = 1.5}\n"
	"function all(s, p)\n"
	"  return concat({\n"
	"    run(string.find, s, p),\n"
	"    run(string.find, s, p, 2),\n"
	"    run(string.find, s, p, -2),\n"
	"    run(string.match, s, p),\n"
	"    run(string.match, s, p, 3),\n"
	"    run(gm, s, p),\n"
	"    run(gm, s, p, 2),\n"
	"    run(string.gsub, s, p, '[%0|%1]'),\n"
	"    run(string.gsub, s, p, rep),\n"
	"    run(string.gsub, s, p, tab),\n"
	"    run(string.gsub, s, p, '%%', 2),\n"
	"  }, '\\n')\n"
	"end\n";

/* A state with the standard libraries, no budget, and the helper; with
 * bounded set, the four pattern functions replaced. The extra space is
 * not initialised by Lua, so the budget pointer is set to NULL here. */
static lua_State *
new_state(bool bounded)
{
	lua_State *L = luaL_newstate();

	ck_assert_ptr_nonnull(L);
	mc_lbudget_set(L, NULL);
	luaL_openlibs(L);
	if (bounded) {
		lua_getglobal(L, "string");
		mc_lpattern_open(L, -1);
		lua_pop(L, 1);
	}
	if (luaL_loadbuffer(L, HELPER, sizeof(HELPER) - 1, "=helper") != LUA_OK ||
	    lua_pcall(L, 0, 0, 0) != LUA_OK)
		ck_abort_msg("helper: %s", lua_tostring(L, -1));
	return L;
}

static struct {
	lua_State *stock, *bounded;
	int failures;
} F;

static void
setup(void)
{
	F.stock = new_state(false);
	F.bounded = new_state(true);
	F.failures = 0;
}

static void
teardown(void)
{
	lua_close(F.stock);
	lua_close(F.bounded);
}

/* The string on top of L, copied (the caller frees); pops it. */
static char *
pop_text(lua_State *L)
{
	size_t len;
	const char *s = lua_tolstring(L, -1, &len);
	char *copy;

	ck_assert_ptr_nonnull(s);
	copy = malloc(len + 1);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, s, len + 1);
	lua_pop(L, 1);
	return copy;
}

/* all(s, p) in L. */
static char *
run_pair(lua_State *L, const char *s, size_t ls, const char *p, size_t lp)
{
	lua_getglobal(L, "all");
	lua_pushlstring(L, s, ls);
	lua_pushlstring(L, p, lp);
	if (lua_pcall(L, 2, 1, 0) != LUA_OK)
		ck_abort_msg("all() failed: %s", lua_tostring(L, -1));
	return pop_text(L);
}

/* The value of `return <chunk>` in L, loaded as "=case". */
static char *
run_chunk(lua_State *L, const char *chunk)
{
	luaL_Buffer b;

	luaL_buffinit(L, &b);
	luaL_addstring(&b, "return ");
	luaL_addstring(&b, chunk);
	luaL_pushresult(&b);
	if (luaL_loadbuffer(L, lua_tostring(L, -1), lua_rawlen(L, -1),
			    "=case") != LUA_OK)
		ck_abort_msg("case does not compile: %s: %s", chunk,
			     lua_tostring(L, -1));
	lua_remove(L, -2);
	if (lua_pcall(L, 0, 1, 0) != LUA_OK)
		ck_abort_msg("case failed outside pcall: %s: %s", chunk,
			     lua_tostring(L, -1));
	return pop_text(L);
}

/* Prints a byte string readably, for failure reports. */
static void
print_bytes(const char *what, const char *s, size_t len)
{
	fprintf(stderr, "  %s: \"", what);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 32 && c < 127 && c != '"' && c != '\\')
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fprintf(stderr, "\"\n");
}

/* Compares one pair in both states; reports and counts a difference. */
static void
same_pair(const char *s, size_t ls, const char *p, size_t lp)
{
	char *a = run_pair(F.stock, s, ls, p, lp);
	char *b = run_pair(F.bounded, s, ls, p, lp);

	if (strcmp(a, b) != 0) {
		fprintf(stderr, "lpattern: results differ\n");
		print_bytes("subject", s, ls);
		print_bytes("pattern", p, lp);
		fprintf(stderr, "stock:\n%s\nbounded:\n%s\n", a, b);
		F.failures++;
	}
	free(a);
	free(b);
}

/* Compares one expression in both states. */
static void
same_chunk(const char *chunk)
{
	char *a = run_chunk(F.stock, chunk);
	char *b = run_chunk(F.bounded, chunk);

	if (strcmp(a, b) != 0) {
		fprintf(stderr, "lpattern: results differ for %s\n  stock:   %s\n"
			"  bounded: %s\n", chunk, a, b);
		F.failures++;
	}
	free(a);
	free(b);
}

/* ------------------------------------------------------------------------
 * Registration
 */

/* The four functions are replaced, in the table given by a relative index,
 * and the string metatable (whose __index is that table) reaches them;
 * the rest of the library is left alone. */
START_TEST(open_replaces_the_four_functions)
{
	static const char *const names[] = {"find", "match", "gmatch", "gsub",
					    "rep", "format", "byte"};
	lua_State *L = F.bounded;

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		lua_CFunction stock, bounded;

		lua_getglobal(F.stock, "string");
		lua_getfield(F.stock, -1, names[i]);
		stock = lua_tocfunction(F.stock, -1);
		lua_pop(F.stock, 2);
		lua_getglobal(L, "string");
		lua_getfield(L, -1, names[i]);
		bounded = lua_tocfunction(L, -1);
		lua_pop(L, 2);
		ck_assert_ptr_nonnull(stock);
		ck_assert_ptr_nonnull(bounded);
		if (i < 4)
			ck_assert_msg(stock != bounded, "%s", names[i]);
		else
			ck_assert_msg(stock == bounded, "%s", names[i]);
	}
	lua_newtable(L);
	lua_pushinteger(L, 1);
	mc_lpattern_open(L, -2);
	lua_pop(L, 1);
	lua_getfield(L, -1, "gsub");
	ck_assert(lua_iscfunction(L, -1));
	lua_pop(L, 2);
	lua_pushliteral(L, "");
	lua_getmetatable(L, -1);
	lua_getfield(L, -1, "__index");
	lua_getfield(L, -1, "find");
	lua_getglobal(L, "string");
	lua_getfield(L, -1, "find");
	ck_assert(lua_rawequal(L, -1, -3));
	lua_pop(L, 6);
}
END_TEST

/* ------------------------------------------------------------------------
 * Fixed cases
 */

static const struct {
	const char *s, *p;
} PAIRS[] = {
	/* literals, '.', empty subjects and patterns */
	{"hello world", "o"}, {"hello world", "o w"}, {"hello world", "l"},
	{"hello world", "xyz"}, {"hello world", ""}, {"", ""}, {"", "a"},
	{"", ".*"}, {"", ".-"}, {"", "()"}, {"", "^$"}, {"", "$"},
	{"abc", "."}, {"abc", ".."}, {"abc", "...."}, {"abc", "a.c"},
	{"abc", "abc"}, {"abc", "abcd"}, {"a.b", "."}, {"a.b", "%."},
	{"a+b", "a+b"}, {"a+b", "a%+b"}, {"a)b", ")"}, {"a]b", "]"},
	{"x^y", "^y"}, {"x^y", "x^y"}, {"x$y", "x$y"}, {"x$y", "$y"},
	{"a*b", "*"}, {"a*b", "a**"}, {"++", "+"}, {"-?", "?"}, {"--", "-"},
	/* quantifiers */
	{"aaa", "a*"}, {"aaa", "a+"}, {"aaa", "a-"}, {"aaa", "a?"},
	{"baaac", "a*"}, {"baaac", "a+"}, {"baaac", "ba*c"}, {"baaac", "ba-c"},
	{"baaac", "ba?c"}, {"bac", "ba?c"}, {"bc", "ba?c"}, {"bc", "ba+c"},
	{"hello", "l+"}, {"hello", "l*"}, {"hello", "l-"}, {"hello", "l-o"},
	{"hello", "h.-l"}, {"hello", "h.*l"}, {"hello", ".-"}, {"hello", ".*"},
	{"hello", ".+"}, {"hello", ".?"}, {"hello", "x*"}, {"hello", "x-"},
	{"hello", "x?"}, {"hello", "x+"}, {"<a><b>", "<.->"}, {"<a><b>", "<.*>"},
	{"aaab", "a-b"}, {"aaab", "a*ab"}, {"aaab", "a+ab"}, {"aaab", "a?a?a?b"},
	{"one two  three", "%S+"}, {"one two  three", "%s*"},
	{"one two  three", "%a+%s+%a+"}, {"x = 10, y = 20", "(%w+)%s*=%s*(%w+)"},
	/* anchors */
	{"hello", "^h"}, {"hello", "^e"}, {"hello", "o$"}, {"hello", "l$"},
	{"hello", "^hello$"}, {"hello", "^"}, {"hello", "$"}, {"hello", "^$"},
	{"hello", "^.-$"}, {"hello", "^(.-)l*o$"}, {"hello", "^^"},
	{"^hello", "^^h"}, {"hello$", "o$$"}, {"a$b", "a$b"}, {"hello", "$h"},
	{"aaa", "^a"}, {"aaa", "^a*"}, {"aaa", "a*$"}, {"aaa", "^a-$"},
	/* sets */
	{"hello world", "[aeiou]"}, {"hello world", "[aeiou]+"},
	{"hello world", "[^aeiou]+"}, {"hello world", "[a-f]"},
	{"hello world", "[^a-f ]+"}, {"a_b-c1", "[%a_]+"}, {"a_b-c1", "[%w-]+"},
	{"a_b-c1", "[a-]+"}, {"a_b-c1", "[-a]+"}, {"a-z", "[a%-z]+"},
	{"abz-", "[%a-z]+"}, {"x]y", "[]]"}, {"x]y", "[^]]"}, {"x]y", "[]x]+"},
	{"x]y", "[^]x]+"}, {"a]", "[%]]"}, {"a^b", "[%^]"}, {"a^b", "[b^]"},
	{"a^b", "[^^]+"}, {"abc", "[z-a]"}, {"abc", "[c-c]"}, {"abc", "[.]"},
	{"a.c", "[.]"}, {"a.c", "[%.]"}, {"a%c", "[%%]"}, {"a-c", "[a-c-e]+"},
	{"\x80\xff\x7f", "[\x80-\xff]+"}, {"\x80\xff\x7f", "[^\x80-\xff]"},
	{"abc", "[]"}, {"abc", "[^]"}, {"abc", "[a"}, {"abc", "[^a"},
	{"abc", "[a%"}, {"abc", "[%"}, {"abc", "["}, {"abc", "x["},
	{"abc", "[%]"}, {"abc", "[a-"}, {"]", "[]"}, {"]]", "[]]]"},
	/* classes and escapes */
	{"Hello, World! 123", "%a+"}, {"Hello, World! 123", "%A+"},
	{"Hello, World! 123", "%d+"}, {"Hello, World! 123", "%p"},
	{"Hello, World! 123", "%u%l+"}, {"Hello, World! 123", "%x+"},
	{"a.b%c(d)e[f]g-h", "%.%a%%"}, {"a(b)c", "%(%a%)"},
	{"a[b]c", "%[(.)%]"}, {"a-b", "%-"}, {"a?*+b", "%?%*%+"},
	{"a^$b", "%^%$"}, {"tab\there", "%c"}, {"tab\there", "%C+"},
	{"abz", "%z"}, {"abz", "%Z+"}, {"q", "%q"}, {"Q", "%Q"}, {"_", "%_"},
	/* captures */
	{"hello", "(h)(e)"}, {"hello", "(l+)"}, {"hello", "()ll()"},
	{"hello", "(h(e)(l))"}, {"hello", "((l)(l))"}, {"hello", "()"},
	{"hello", "(()l)"}, {"hello", "(.)(.)(.)(.)(.)"}, {"hello", "(x*)"},
	{"hello", "(l*)o"}, {"hello", "(.-)l"}, {"hello", "(h?)(x?)"},
	{"ab", "(a)(b)()"}, {"key=val", "(%w+)=(%w*)"}, {"key=", "(%w+)=(%w*)"},
	{"hello", "("}, {"hello", "(x"}, {"hello", "(()"}, {"hello", "(h"},
	{"hello", ")"}, {"hello", "h)"}, {"hello", "x)"}, {"hello", "(h))"},
	{"hello", "%)"}, {"hello", "())"},
	/* back-references */
	{"hello", "(.)%1"}, {"hello", "(l)%1"}, {"abba", "(a)(b)%2%1"},
	{"say hi hi there", "(%w+) %1"}, {"aa", "()a%1"}, {"aaaa", "(a*)%1"},
	{"abcabc", "(a(b)c)%1"}, {"abab", "(ab)%1"}, {"x\"q\"y", "([\"'])(.-)%1"},
	{"hello", "%1"}, {"hello", "(h)%2"}, {"hello", "(h%1)"}, {"hello", "%0"},
	{"hello", "x%1"}, {"hello", "(l)%9"},
	/* %b */
	{"f(a(b)c)d(e", "%b()"}, {"f(a(b)c)d(e", "%b)("}, {"[[x]]", "%b[]"},
	{"xaay", "%baa"}, {"((", "%b(("}, {"if x then y end", "%bxy"},
	{"f(a(b)c)d(e", "(%b())"}, {"f()", "%b()"}, {"(", "%b()"},
	{"abc", "%b"}, {"abc", "%ba"}, {"abc", "x%b"}, {"", "%b()"},
	/* %f */
	{"THE (quick) fox", "%f[%a]%a+"}, {"THE (quick) fox", "%f[%A]"},
	{"hello world", "%f[%w]%w+%f[%W]"}, {"aaa", "%f[a]"},
	{"aaa", "%f[^a]"}, {"abc", "%f[%z]"}, {"abc", "%f[%Z]"}, {"", "%f[%z]"},
	{"x]y", "%f[]]"}, {"abc", "%f"}, {"abc", "%fa"}, {"abc", "%f[a"},
	{"abc", "x%f"},
	/* other malformed patterns */
	{"abc", "%"}, {"abc", "a%"}, {"abc", "x%"}, {"abc", "a(%"},
	{"aaa", "a?a?a?%"},
};

/* Expressions: `return` is put before each; run(f, ...) serializes what a
 * protected call of f returns. */
static const char *const EXPRS[] = {
	/* find: init and plain */
	"run(string.find, 'hello', 'l', 1)",
	"run(string.find, 'hello', 'l', 4)",
	"run(string.find, 'hello', 'l', 5)",
	"run(string.find, 'hello', 'l', 0)",
	"run(string.find, 'hello', 'l', -1)",
	"run(string.find, 'hello', 'l', -2)",
	"run(string.find, 'hello', 'l', -5)",
	"run(string.find, 'hello', 'l', -100)",
	"run(string.find, 'hello', '', 5)",
	"run(string.find, 'hello', '', 6)",
	"run(string.find, 'hello', '', 7)",
	"run(string.find, 'hello', '()', 6)",
	"run(string.find, 'hello', '', -1)",
	"run(string.find, 'hello', 'l', math.maxinteger)",
	"run(string.find, 'hello', 'l', math.mininteger)",
	"run(string.find, 'hello', 'h', 1.0)",
	"run(string.find, 'hello', 'h', 1.5)",
	"run(string.find, 'hello', 'h', '2')",
	"run(string.find, 'hello', 'h', 'x')",
	"run(string.find, 'hello', '^l', 3)",
	"run(string.find, 'hello', '^l', 4)",
	"run(string.find, 'a.b', '.', 1, true)",
	"run(string.find, 'a.b', '.', 2, true)",
	"run(string.find, 'a.b', '.', 3, true)",
	"run(string.find, 'a.b', '%.', 1, true)",
	"run(string.find, 'a(b', '(', 1, true)",
	"run(string.find, 'a(b', '(', 1, 1)",
	"run(string.find, 'a(b', '(', 1, false)",
	"run(string.find, 'a(b', '(', 1, nil)",
	"run(string.find, 'a[b', '[', 1, {})",
	"run(string.find, 'abc', '', 1, true)",
	"run(string.find, 'abc', '', 4, true)",
	"run(string.find, 'abc', '', 5, true)",
	"run(string.find, 'abc', 'abcd', 1, true)",
	"run(string.find, 'abcabc', 'cab', 1, true)",
	"run(string.find, 'abcabc', 'bc', -2, true)",
	"run(string.find, 'aab', 'ab', 1, true)",
	"run(string.find, 'a)b', ')', 1)",
	"run(string.find, 'a)b', 'a)')",
	"run(string.find, 'a]b', ']b')",
	"run(string.find, 'a\\0b', '\\0')",
	"run(string.find, 'a\\0b', '\\0b')",
	"run(string.find, 'a\\0b', '%z')",
	"run(string.find, 'a\\0b', '[\\0]')",
	"run(string.find, 'a\\0b', '[^\\0]+', 2)",
	"run(string.find, 'a\\0b\\0', '.\\0$')",
	"run(string.find, 'a\\0b', 'b\\0')",
	"run(string.find, 'x\\0y', '%b\\0y')",
	"run(string.find, 'x\\0(y', '\\0%(')",
	"run(string.find, 'abc', '%f[\\0a]')",
	"run(string.find, 12345, 3)",
	"run(string.find, 12345, 3.0)",
	"run(string.find, 1.5, '%.')",
	"run(string.find, 'abc')",
	"run(string.find, nil, 'a')",
	"run(string.find, {}, 'a')",
	"run(string.find)",
	"run(function() return ('hello'):find('l+') end)",
	"run(function() return ('hello'):match('l+') end)",
	"run(function() return ('hello'):gsub('l', 'L') end)",
	/* match: init */
	"run(string.match, 'hello', '.', 2)",
	"run(string.match, 'hello', '.', -1)",
	"run(string.match, 'hello', '.', 6)",
	"run(string.match, 'hello', '()', 6)",
	"run(string.match, 'hello', '.', 7)",
	"run(string.match, 'hello', '^l+', 3)",
	"run(string.match, 'hello', 'l', 'x')",
	"run(string.match, 'a)b', ')')",
	"run(string.match, 'abc')",
	"run(string.match, '  trim me  ', '^%s*(.-)%s*$')",
	"run(string.match, '2024-01-15', '(%d+)-(%d+)-(%d+)')",
	"run(string.match, 'now is the time', '%f[%w]%w+', 5)",
	/* gmatch: init, anchors, empty matches, state */
	"run(gm, 'hello world', '%a+')",
	"run(gm, 'hello world', '%a+', 3)",
	"run(gm, 'hello world', '%a+', -3)",
	"run(gm, 'hello world', '%a+', 100)",
	"run(gm, 'hello world', '%a+', -100)",
	"run(gm, 'hello world', '%a+', 0)",
	"run(gm, 'abc', '', 2)",
	"run(gm, 'abc', '', 4)",
	"run(gm, 'abc', '', 5)",
	"run(gm, 'abc', '()', -1)",
	"run(gm, 'abc', '%w*')",
	"run(gm, 'abc', 'x*')",
	"run(gm, 'abc', 'b*')",
	"run(gm, 'a^b^', '^b')",
	"run(gm, 'aaa', '^a')",
	"run(gm, 'k1=v1, k2=v2', '(%w+)=(%w+)')",
	"run(gm, 'a,b,,c', '([^,]*)')",
	"run(gm, 'abc', '%')",
	"run(gm, 'abc', '(')",
	"run(gm, 'abc', '[a')",
	"run(string.gmatch, 'abc')",
	"run(string.gmatch, 'abc', 'a', 'x')",
	"run(function() local it = string.gmatch('a1b2', '%d')"
	" return it(), it(), it(), it() end)",
	"run(function() local it = string.gmatch('ab', '.')"
	" return it('ignored', 99), it() end)",
	"run(function() local it = string.gmatch('ab', '%')"
	" return coroutine.wrap(function() return pcall(it) end)() end)",
	"run(function() local it = string.gmatch('abc', '.')"
	" local co = coroutine.wrap(function() coroutine.yield(it())"
	" return it() end) return co(), co(), it() end)",
	"run(function() local n = 0 for a, b in ('x=1 y=2'):gmatch('(%w)=(%w)')"
	" do n = n + 1 end return n end)",
	/* gsub: string replacements */
	"run(string.gsub, 'hello world', 'o', '0')",
	"run(string.gsub, 'hello world', '(o)', '[%1]')",
	"run(string.gsub, 'hello world', '%w+', '%0 %0')",
	"run(string.gsub, 'hello world', '%w+', '%0 %0', 1)",
	"run(string.gsub, 'hello world', '%w+', '%0 %0', 0)",
	"run(string.gsub, 'hello world', '%w+', '%0 %0', -1)",
	"run(string.gsub, 'hello world', '%w+', '%0 %0', 2.0)",
	"run(string.gsub, 'hello world', '%w+', '%0 %0', 2.5)",
	"run(string.gsub, 'hello world', '%w+', '%0 %0', '1')",
	"run(string.gsub, 'hello world', '%w+', '%0 %0', 'x')",
	"run(string.gsub, 'hello world', '%w+', '%0', math.mininteger)",
	"run(string.gsub, 'hello world', '%w+', '%0', math.maxinteger)",
	"run(string.gsub, 'hello world', '(%w+) (%w+)', '%2 %1')",
	"run(string.gsub, 'hello world', '%w+', '%1')",
	"run(string.gsub, 'hello world', '%w+', '%2')",
	"run(string.gsub, 'hello world', '(%w+)', '%2')",
	"run(string.gsub, 'hello world', '(%w+)', '%9')",
	"run(string.gsub, 'hello world', '()', '%1')",
	"run(string.gsub, 'hello world', '()o()', '%2-%1')",
	"run(string.gsub, 'hello world', 'o', '%%')",
	"run(string.gsub, 'hello world', 'o', '%%%%')",
	"run(string.gsub, 'hello world', 'o', '%')",
	"run(string.gsub, 'hello world', 'o', 'x%')",
	"run(string.gsub, 'hello world', 'o', '%x')",
	"run(string.gsub, 'hello world', 'o', '%a')",
	"run(string.gsub, 'hello world', 'o', '%\\0')",
	"run(string.gsub, 'hello world', 'x', '%')",
	"run(string.gsub, 'hello world', 'o', 'a\\0b')",
	"run(string.gsub, 'hello world', 'o', '')",
	"run(string.gsub, 'hello world', '', '-')",
	"run(string.gsub, 'hello world', '', '-', 3)",
	"run(string.gsub, 'hello world', 'x*', '-')",
	"run(string.gsub, 'hello world', 'l*', '-')",
	"run(string.gsub, 'hello world', 'o*', '<%0>')",
	"run(string.gsub, 'abc', '^', 'x')",
	"run(string.gsub, 'abc', '$', 'x')",
	"run(string.gsub, 'abc', '^$', 'x')",
	"run(string.gsub, '', '^$', 'x')",
	"run(string.gsub, '', '', 'x')",
	"run(string.gsub, 'abc', 'b*$', 'x')",
	"run(string.gsub, 'aaa', '^a', 'b')",
	"run(string.gsub, 'aaa', '^a*', 'b')",
	"run(string.gsub, 'aaa', '^x', 'b')",
	"run(string.gsub, 'abc', '%w', 7)",
	"run(string.gsub, 'abc', '%w', 7.5)",
	"run(string.gsub, 'abc', '%w', 2^63)",
	"run(string.gsub, 123, 2, 9)",
	"run(string.gsub, 'abc', '(', 'x')",
	"run(string.gsub, 'abc', '(', '%1')",
	"run(string.gsub, 'abc', '(', true)",
	"run(string.gsub, 'abc', 'b', true, 'x')",
	"run(string.gsub, 'abc', 'b')",
	"run(string.gsub, 'abc', 'b', nil)",
	"run(string.gsub, 'abc')",
	/* gsub: tables */
	"run(string.gsub, 'hello world', '%w+', {hello = 'HI'})",
	"run(string.gsub, 'hello world', '%w+', {hello = false})",
	"run(string.gsub, 'hello world', '%w+', {hello = 42})",
	"run(string.gsub, 'hello world', '%w+', {hello = 4.25})",
	"run(string.gsub, 'hello world', '%w+', {hello = true})",
	"run(string.gsub, 'hello world', '%w+', {hello = {}})",
	"run(string.gsub, 'hello world', '(%w)%w*', {h = 'H', w = 'W'})",
	"run(string.gsub, 'hello world', '()%w+', {[1] = 'first', [7] = 'x'})",
	"run(string.gsub, '$x and $y', '%$(%w+)', {x = 'X'})",
	"run(string.gsub, 'abc', '%w', setmetatable({}, {__index ="
	" function(_, k) return k:upper() end}))",
	"run(string.gsub, 'abc', '%w', setmetatable({}, {__index ="
	" function(_, k) error('boom ' .. k) end}))",
	"run(string.gsub, 'abc', '(', {})",
	/* gsub: functions */
	"run(string.gsub, 'hello world', '%w+', string.upper)",
	"run(string.gsub, 'hello world', '%w+', function() end)",
	"run(string.gsub, 'hello world', '%w+', function() return false end)",
	"run(string.gsub, 'hello world', '%w+', function() return 1 end)",
	"run(string.gsub, 'hello world', '%w+', function() return {} end)",
	"run(string.gsub, 'hello world', '%w+', function() return print end)",
	"run(string.gsub, 'hello world', '%w+', function(...) return"
	" select('#', ...) end)",
	"run(string.gsub, 'hello world', '(%w)(%w)', function(a, b) return"
	" b .. a end)",
	"run(string.gsub, 'hello world', '()(%w+)()', function(a, w, b)"
	" return a .. w .. b end)",
	"run(string.gsub, 'hello world', '%w+', function(w) error('no ' .. w)"
	" end)",
	"run(string.gsub, 'hello', '', function(...) return"
	" '[' .. select('#', ...) .. ']' end)",
	"run(string.gsub, 'abc', '%w', function(c) return"
	" c:gsub('.', '%0%0') end)",
	"run(string.gsub, 'x=1, y=2', '(%w+)=(%w+)', function(k, v) return"
	" v .. '=' .. k end, 1)",
	"run(string.gsub, 'abc', '(', function() return 'x' end)",
	/* captures: limits */
	"run(string.find, 'abc', ('()'):rep(32))",
	"run(string.find, 'abc', ('()'):rep(33))",
	"run(string.match, ('a'):rep(40), ('(a)'):rep(32))",
	"run(string.match, ('a'):rep(40), ('(a)'):rep(33))",
	"run(string.gsub, ('a'):rep(40), ('(a)'):rep(32), '%9%1')",
	"run(string.gsub, 'abc', ('()'):rep(32), function(...) return"
	" select('#', ...) end)",
	"run(string.find, 'abc', ('('):rep(33))",
	"run(string.find, 'abc', ('(x'):rep(33))",
	/* depth */
	"run(string.find, ('a'):rep(300), ('a?'):rep(199))",
	"run(string.find, ('a'):rep(300), ('a?'):rep(200))",
	"run(string.find, ('a'):rep(300), ('a?'):rep(300))",
	"run(string.find, 'abc', ('a?'):rep(300))",
	"run(string.find, ('a'):rep(300), ('a*'):rep(199))",
	"run(string.find, ('a'):rep(300), ('a*'):rep(200))",
	"run(string.find, ('a'):rep(300), ('.-'):rep(199))",
	"run(string.find, ('a'):rep(300), ('.-'):rep(200))",
	"run(string.find, ('ab'):rep(300), ('ab+'):rep(199))",
	"run(string.find, ('ab'):rep(300), ('ab+'):rep(200))",
	"run(string.find, 'b', ('a*'):rep(300) .. 'b')",
	"run(string.find, 'b', ('a-'):rep(300) .. 'b')",
	"run(string.find, ('a'):rep(300), ('(a)'):rep(20) .. ('a?'):rep(170))",
	"run(string.find, ('a'):rep(300), ('(a)'):rep(20) .. ('a?'):rep(180))",
	"run(string.find, ('a'):rep(300), ('%f[a]a?'):rep(199))",
	"run(string.find, ('a'):rep(300), ('a'):rep(500))",
	"run(string.match, ('a'):rep(300), ('a'):rep(300))",
	"run(string.match, ('ab'):rep(300), ('%bab'):rep(300))",
	"run(string.gsub, ('a'):rep(300), ('a?'):rep(200), '')",
	"run(gm, ('a'):rep(210), ('a?'):rep(200))",
	/* long subjects */
	"run(string.find, ('x'):rep(1000) .. 'needle', 'needle')",
	"run(string.find, ('x'):rep(1000) .. 'needle', 'n(e+)dle')",
	"run(string.gsub, ('ab'):rep(500), 'b', 'c')",
	"run(string.match, ('a'):rep(1000), '^(a*)(a-)$')",
	"run(string.match, ('(x)'):rep(200), '%b()$')",
};

START_TEST(fixed_pairs_agree)
{
	for (size_t i = 0; i < sizeof(PAIRS) / sizeof(*PAIRS); i++)
		same_pair(PAIRS[i].s, strlen(PAIRS[i].s), PAIRS[i].p,
			  strlen(PAIRS[i].p));
	ck_assert_int_eq(F.failures, 0);
}
END_TEST

START_TEST(fixed_expressions_agree)
{
	for (size_t i = 0; i < sizeof(EXPRS) / sizeof(*EXPRS); i++)
		same_chunk(EXPRS[i]);
	ck_assert_int_eq(F.failures, 0);
}
END_TEST

/* Every class and its complement, alone, repeated and in sets, on a subject
 * holding every byte: which bytes a class holds in the C locale. */
START_TEST(classes_agree_on_every_byte)
{
	static const char letters[] = "acdglpsuwxzACDGLPSUWXZbqB!";
	/* X stands for the class letter */
	static const char *const forms[] = {"%X", "%X+", "[%X]", "[^%X]+",
					    "[x%X-]", "%f[%X]"};
	char all[256], pat[16];

	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	for (size_t i = 0; letters[i]; i++) {
		for (size_t f = 0; f < sizeof(forms) / sizeof(*forms); f++) {
			snprintf(pat, sizeof(pat), "%s", forms[f]);
			*strchr(pat, 'X') = letters[i];
			same_pair(all, sizeof(all), pat, strlen(pat));
			same_pair("Hello, World!\t123_x\x7f", 20, pat,
				  strlen(pat));
		}
	}
	same_pair(all, sizeof(all), "[\x01-\x7f]+", 7);
	same_pair(all, sizeof(all), "[^\x01-\x7f]+", 8);
	ck_assert_int_eq(F.failures, 0);
}
END_TEST

/* ------------------------------------------------------------------------
 * Random cases
 */

#define RANDOM_PATTERNS 4000  /* from the grammar */
#define RANDOM_SOUPS 2000     /* any bytes that matter to patterns */

static uint64_t
rnd(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

static unsigned
pick(uint64_t *state, unsigned n)
{
	return (unsigned)(rnd(state) % n);
}

typedef struct gen {
	uint64_t seed;
	char p[256];
	size_t len;
	int closed;  /* captures closed so far */
	int opened;  /* captures opened so far */
} gen;

static void
put(gen *g, const char *s)
{
	size_t n = strlen(s);

	if (g->len + n < sizeof(g->p)) {
		memcpy(g->p + g->len, s, n);
		g->len += n;
	}
}

/* One single-character class: a literal, '.', an escape or a set. */
static void
gen_class(gen *g)
{
	static const char *const singles[] = {
		"a", "b", "c", "a", "b", " ", ".", "%a", "%d", "%s", "%w",
		"%p", "%l", "%u", "%x", "%A", "%S", "%W", "%(", "%)", "%.",
		"%%", "%-", "%]", "%z", "]", "^",
	};
	static const char *const members[] = {
		"a", "b", "c", "a-b", "b-c", "%a", "%s", "%d", "(", ")", "%]",
		"-", ".", "%%",
	};
	unsigned n;

	if (pick(&g->seed, 4) != 0) {
		put(g, singles[pick(&g->seed, sizeof(singles) / sizeof(*singles))]);
		return;
	}
	put(g, "[");
	if (pick(&g->seed, 3) == 0)
		put(g, "^");
	if (pick(&g->seed, 8) == 0)
		put(g, "]");
	n = 1 + pick(&g->seed, 3);
	while (n--)
		put(g, members[pick(&g->seed, sizeof(members) / sizeof(*members))]);
	put(g, "]");
}

/* A sequence of up to max items; depth limits nested captures. */
static void
gen_seq(gen *g, unsigned max, int depth)
{
	static const char *const quant[] = {"", "", "", "*", "+", "-", "?"};
	static const char *const pairs[] = {"()", "ab", "ba", "aa", "(("};
	unsigned n = pick(&g->seed, max + 1);
	char ref[16];

	while (n--) {
		switch (pick(&g->seed, 12)) {
		case 0:
			if (depth < 3 && g->opened < 30) {
				g->opened++;
				put(g, "(");
				gen_seq(g, 3, depth + 1);
				put(g, ")");
				g->closed++;
				break;
			}
			/* fall through */
		case 1:
			if (pick(&g->seed, 2) == 0 && g->opened < 30) {
				g->opened++;
				g->closed++;
				put(g, "()");
				break;
			}
			/* fall through */
		case 2:
			if (g->closed > 0) {
				snprintf(ref, sizeof(ref), "%%%u",
					 1 + pick(&g->seed, (unsigned)g->closed));
				put(g, ref);
				break;
			}
			/* fall through */
		case 3:
			if (pick(&g->seed, 2) == 0) {
				put(g, "%b");
				put(g, pairs[pick(&g->seed, 5)]);
			} else {
				put(g, "%f");
				if (pick(&g->seed, 2) == 0) {
					put(g, "[%a]");
				} else {
					size_t at = g->len;
					gen_class(g);
					if (g->p[at] != '[')
						put(g, "[a]");
				}
			}
			break;
		default:
			gen_class(g);
			put(g, quant[pick(&g->seed, sizeof(quant) / sizeof(*quant))]);
			break;
		}
	}
}

/* A random pattern: mostly valid, sometimes with a malformed tail. */
static void
gen_pattern(gen *g)
{
	static const char *const bad[] = {"%", "[a", "(", ")", "%f", "%b",
					  "%9", "[^"};

	g->len = 0;
	g->closed = g->opened = 0;
	if (pick(&g->seed, 5) == 0)
		put(g, "^");
	gen_seq(g, 6, 0);
	if (pick(&g->seed, 5) == 0)
		put(g, "$");
	if (pick(&g->seed, 20) == 0)
		put(g, bad[pick(&g->seed, sizeof(bad) / sizeof(*bad))]);
}

/* A random subject of up to 16 bytes from a small alphabet; returns its
 * length. */
static size_t
gen_subject(gen *g, char *subject)
{
	static const char alphabet[] = "aaabbbc  ()[]%-.x\0";
	size_t len = pick(&g->seed, 17);

	for (size_t k = 0; k < len; k++)
		subject[k] = alphabet[pick(&g->seed, sizeof(alphabet) - 1)];
	return len;
}

START_TEST(random_patterns_agree)
{
	gen g = {.seed = 0x9e3779b97f4a7c15ULL};
	char subject[16];
	size_t ls;

	for (int i = 0; i < RANDOM_PATTERNS && F.failures < 10; i++) {
		ls = gen_subject(&g, subject);
		gen_pattern(&g);
		same_pair(subject, ls, g.p, g.len);
	}
	ck_assert_int_eq(F.failures, 0);
}
END_TEST

/* Patterns of random special bytes, mostly malformed: the errors, and
 * where a match meets them (or never does), are Lua's. */
START_TEST(random_byte_soups_agree)
{
	static const char soup[] = "()%[]^$*+-?.ab1f0\0";
	gen g = {.seed = 0x2545f4914f6cdd1dULL};
	char subject[16];
	size_t ls;

	for (int i = 0; i < RANDOM_SOUPS && F.failures < 10; i++) {
		ls = gen_subject(&g, subject);
		g.len = pick(&g.seed, 12);
		for (size_t k = 0; k < g.len; k++)
			g.p[k] = soup[pick(&g.seed, sizeof(soup) - 1)];
		same_pair(subject, ls, g.p, g.len);
	}
	ck_assert_int_eq(F.failures, 0);
}
END_TEST

/* ------------------------------------------------------------------------
 * The budget
 */

#define LIMIT 1000000

/* Runs `return <chunk>` in the bounded state under a fresh budget of
 * LIMIT; returns what run() made of it (caller frees), the budget in *b
 * and the time taken in *secs. */
static char *
budgeted(const char *chunk, mc_lbudget *b, double *secs)
{
	struct timespec t0, t1;
	char *out;

	memset(b, 0, sizeof(*b));
	b->limit = LIMIT;
	mc_lbudget_set(F.bounded, b);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	out = run_chunk(F.bounded, chunk);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	mc_lbudget_set(F.bounded, NULL);
	*secs = (double)(t1.tv_sec - t0.tv_sec) +
		(double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return out;
}

static const char *const HOSTILE[] = {
	"run(string.find, ('a'):rep(600) .. 'b', ('a-'):rep(20) .. 'c')",
	"run(string.match, ('a'):rep(600), '(.-)(.-)(.-)(.-)(.-)$x')",
	"run(string.gsub, ('a'):rep(600), '(.-)(.-)(.-)(.-)(.-)$x', '')",
	"run(gm, ('a'):rep(600), '(.-)(.-)(.-)(.-)(.-)$x')",
	"run(string.find, ('a'):rep(600), ('a*'):rep(30) .. 'b')",
	"run(string.find, ('a'):rep(600), ('a?'):rep(150) .. 'b')",
	"run(string.find, ('('):rep(5000), '%b()')",
	"run(string.find, ('a'):rep(3000), '(a*)%1b')",
	"run(string.find, ('a'):rep(100000), ('a'):rep(5000) .. 'b', 1, true)",
	"run(string.find, ('a'):rep(100000), ('a'):rep(5000) .. 'b')",
	"run(string.gsub, ('a'):rep(3000), '.-b', 'x')",
	/* work that one step per item would hide: long sets, long templates */
	"run(string.find, ('c'):rep(100000), '[' .. ('a'):rep(100000) .. ']x')",
	"run(string.find, ('c'):rep(100000), '[^' .. ('c'):rep(100000) .. ']')",
	"run(string.find, ('c'):rep(100000), '%f[' .. ('a'):rep(100000) .. ']')",
	"run(string.find, ('c'):rep(1000), ('[' .. ('c'):rep(50000) .. ']*'):rep(2) .. 'x')",
	"run(string.gsub, ('a'):rep(100000), '(x*)a', ('%1'):rep(100000))",
};

START_TEST(hostile_patterns_stop_within_the_budget)
{
	for (size_t i = 0; i < sizeof(HOSTILE) / sizeof(*HOSTILE); i++) {
		mc_lbudget b;
		double secs;
		char *out = budgeted(HOSTILE[i], &b, &secs);

		ck_assert_msg(strstr(out, "instruction budget exceeded"),
			      "%s: %s", HOSTILE[i], out);
		ck_assert_msg(strncmp(out, "2{false, ", 9) == 0, "%s: %s",
			      HOSTILE[i], out);
		ck_assert(b.ended == MC_LEND_BUDGET);
		ck_assert_msg(b.used > LIMIT && b.used < LIMIT + 10000,
			      "%s: used %llu", HOSTILE[i],
			      (unsigned long long)b.used);
		/* the budget is what stops it; the clock is a backstop */
		ck_assert_msg(secs < 2.0 * test_time_scale(), "%s: %.3f s",
			      HOSTILE[i], secs);
		free(out);
	}
}
END_TEST

/* An ordinary match charges a few steps per subject byte and item: little,
 * but not nothing, and the result is the unbounded one. */
START_TEST(ordinary_matches_cost_little)
{
	static const struct {
		const char *chunk;
		uint64_t most;
	} cases[] = {
		{"run(string.find, 'hello world', 'o w')", 40},
		{"run(string.find, 'hello world', 'o w', 1, true)", 40},
		{"run(string.match, 'key=value', '^(%w+)=(%w+)$')", 60},
		{"run(string.gsub, 'hello world', 'o', '0')", 60},
		{"run(gm, 'a b c', '%a')", 60},
		{"run(string.match, '  padded  ', '^%s*(.-)%s*$')", 120},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		mc_lbudget b;
		double secs;
		char *out = budgeted(cases[i].chunk, &b, &secs);
		char *plain = run_chunk(F.stock, cases[i].chunk);

		ck_assert_str_eq(out, plain);
		ck_assert(!b.ended);
		ck_assert_msg(b.used > 0 && b.used <= cases[i].most,
			      "%s: used %llu", cases[i].chunk,
			      (unsigned long long)b.used);
		free(out);
		free(plain);
	}
}
END_TEST

/* Once spent, the budget stays spent: the next call fails too, even a
 * cheap one. */
START_TEST(spent_budget_fails_the_next_call)
{
	mc_lbudget b = {.limit = 100};
	char *out;

	mc_lbudget_set(F.bounded, &b);
	out = run_chunk(F.bounded, "run(string.find, ('a'):rep(1000), 'b')");
	ck_assert_ptr_nonnull(strstr(out, "instruction budget exceeded"));
	free(out);
	out = run_chunk(F.bounded, "run(string.find, 'abc', 'c')");
	ck_assert_ptr_nonnull(strstr(out, "instruction budget exceeded"));
	free(out);
	mc_lbudget_set(F.bounded, NULL);
	out = run_chunk(F.bounded, "run(string.find, 'abc', 'c')");
	ck_assert_str_eq(out, "3{true, integer 3, integer 3}");
	free(out);
}
END_TEST

/* The cost grows with the work: a longer subject costs more. */
START_TEST(cost_grows_with_the_subject)
{
	mc_lbudget b;
	double secs;
	uint64_t short_cost;
	char *out;

	out = budgeted("run(string.find, ('x'):rep(100) .. 'y', 'x*y')", &b,
		       &secs);
	free(out);
	short_cost = b.used;
	out = budgeted("run(string.find, ('x'):rep(1000) .. 'y', 'x*y')", &b,
		       &secs);
	free(out);
	ck_assert_uint_gt(short_cost, 100);
	ck_assert_uint_gt(b.used, 5 * short_cost);
}
END_TEST

Suite *
lpattern_suite(void)
{
	Suite *s = suite_create("lpattern");
	TCase *tc;

	tc = tcase_create("differential");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, open_replaces_the_four_functions);
	tcase_add_test(tc, fixed_pairs_agree);
	tcase_add_test(tc, fixed_expressions_agree);
	tcase_add_test(tc, classes_agree_on_every_byte);
	tcase_add_test(tc, random_patterns_agree);
	tcase_add_test(tc, random_byte_soups_agree);
	suite_add_tcase(s, tc);

	tc = tcase_create("budget");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, hostile_patterns_stop_within_the_budget);
	tcase_add_test(tc, ordinary_matches_cost_little);
	tcase_add_test(tc, spent_budget_fails_the_next_call);
	tcase_add_test(tc, cost_grows_with_the_subject);
	suite_add_tcase(s, tc);
	return s;
}
