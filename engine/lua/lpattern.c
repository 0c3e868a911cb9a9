/* SPDX-License-Identifier: MIT */
/*
 * lpattern.c - Lua 5.4's pattern matching, written from the reference
 * manual (section 6.4.1) and checked against the real string library by
 * tests/unit/test_lpattern.c, with every step charged to the budget.
 *
 * The matcher interprets the pattern as it goes, like Lua's: an item is
 * decoded only when the match reaches it, so a malformed pattern is an
 * error only when a match gets that far (string.find("abc", "x[") is nil,
 * not an error), and "pattern too complex" comes at the same nesting as in
 * Lua, because the matcher recurses at the same points (captures, '?'
 * after a match, each try of '*', '+' and '-') and loops elsewhere.
 *
 * Nothing here allocates: the match state lives on the C stack, gmatch's
 * position in a userdata of its closure, gsub's result in a luaL_Buffer.
 * Subject and pattern are Lua strings, held on the Lua stack or as upvalues
 * for as long as the pointers into them are used.
 */
#include "lua/lpattern.h"

#include <lauxlib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lua/lbudget.h"

#define ESC '%'
#define MAX_CAPTURES 32   /* LUA_MAXCAPTURES */
#define MAX_DEPTH 200     /* nested match calls Lua allows (MAXCCALLS) */

/* Steps are counted locally and charged in batches of at least this many:
 * a call into the budget per step would cost more than the step. */
#define CHARGE_EVERY 256

/* Capture lengths that are not lengths. */
#define CAP_OPEN (-1)     /* '(' seen, ')' not yet */
#define CAP_POSITION (-2) /* "()" */

typedef const unsigned char *uptr;

typedef struct matcher {
	lua_State *L;
	uptr src, src_end;        /* the subject */
	uptr pat_end;             /* the end of the pattern */
	int depth_left;           /* nested match calls still allowed */
	int ncap;                 /* captures opened so far */
	uint64_t steps;           /* work not yet charged */
	struct {
		uptr at;
		ptrdiff_t len;    /* or CAP_OPEN, CAP_POSITION */
	} cap[MAX_CAPTURES];
} matcher;

static uptr match_here(matcher *m, uptr s, uptr p);

/* ------------------------------------------------------------------------
 * Budget
 */

/* Charges the steps counted so far; raises the budget's error when it is
 * spent (and does nothing outside a sandbox). */
static void
charge_now(matcher *m)
{
	uint64_t n = m->steps;

	m->steps = 0;
	if (n)
		mc_lbudget_charge(m->L, n);
}

/* Counts n steps, charging them once there are enough. */
static inline void
spend(matcher *m, uint64_t n)
{
	m->steps += n;
	if (m->steps >= CHARGE_EVERY)
		charge_now(m);
}

static void
matcher_init(matcher *m, lua_State *L, const char *s, size_t ls,
	     const char *p, size_t lp)
{
	m->L = L;
	m->src = (uptr)s;
	m->src_end = (uptr)s + ls;
	m->pat_end = (uptr)p + lp;
	m->steps = 0;
}

/* Every attempt starts with no captures and the whole depth. */
static void
matcher_reset(matcher *m)
{
	m->depth_left = MAX_DEPTH;
	m->ncap = 0;
}

/* ------------------------------------------------------------------------
 * Single characters, classes and sets
 */

/* Whether c is in the class named by letter cl (%a, %D, ...), in the C
 * locale. A byte that names no class stands for itself. */
static bool
class_has(unsigned char cl, unsigned char c)
{
	bool upper = cl >= 'A' && cl <= 'Z';
	bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
	bool digit = c >= '0' && c <= '9';
	bool in;

	switch (upper ? cl + ('a' - 'A') : cl) {
	case 'a': in = alpha; break;
	case 'c': in = c < 32 || c == 127; break;
	case 'd': in = digit; break;
	case 'g': in = c > 32 && c < 127; break;
	case 'l': in = c >= 'a' && c <= 'z'; break;
	case 'p': in = c > 32 && c < 127 && !alpha && !digit; break;
	case 's': in = c == ' ' || (c >= '\t' && c <= '\r'); break;
	case 'u': in = c >= 'A' && c <= 'Z'; break;
	case 'w': in = alpha || digit; break;
	case 'x': in = digit || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); break;
	case 'z': in = c == 0; break;  /* kept by Lua 5.4, though deprecated */
	default: return cl == c;
	}
	return upper ? !in : in;
}

/*
 * Whether c is in the set [...] that starts at open ('[') and ends at
 * close (its ']'). Members are escapes (%a, %]), ranges x-y (a '-' first
 * or last is itself) and single bytes; '^' right after '[' complements.
 */
static bool
set_has(uptr open, uptr close, unsigned char c)
{
	uptr p = open + 1;
	bool found = true;

	if (*p == '^') {
		found = false;
		p++;
	}
	for (; p < close; p++) {
		if (*p == ESC) {
			p++;
			if (class_has(*p, c))
				return found;
		} else if (p[1] == '-' && p + 2 < close) {
			if (p[0] <= c && c <= p[2])
				return found;
			p += 2;
		} else if (*p == c) {
			return found;
		}
	}
	return !found;
}

/*
 * The end of the single-character class at p: past "%x", past "[...]" or
 * past one byte. The first byte of a set (after any '^') is a member even
 * when it is ']'. Raises Lua's errors for a '%' ending the pattern and for
 * a set without its ']'.
 */
static uptr
class_end(matcher *m, uptr p)
{
	unsigned char c = *p++;

	if (c == ESC) {
		if (p == m->pat_end)
			luaL_error(m->L, "malformed pattern (ends with '%%')");
		return p + 1;
	}
	if (c != '[')
		return p;
	if (p < m->pat_end && *p == '^')
		p++;
	do {
		if (p == m->pat_end)
			luaL_error(m->L, "malformed pattern (missing ']')");
		c = *p++;
		if (c == ESC && p < m->pat_end)
			p++;
	} while (p == m->pat_end || *p != ']');
	return p + 1;
}

/* What testing one byte against the class from p to ep costs: one step,
 * and one more per 16 bytes of a set, which is scanned byte by byte (so
 * that a set of a megabyte cannot pass for one step). */
static inline uint64_t
class_cost(uptr p, uptr ep)
{
	return *p == '[' ? 1 + (uint64_t)(ep - p) / 16 : 1;
}

/* Whether the subject byte at s (before the end) matches the class from p
 * to ep. */
static inline bool
single(uptr s, uptr p, uptr ep)
{
	switch (*p) {
	case '.':
		return true;
	case ESC:
		return class_has(p[1], *s);
	case '[':
		return set_has(p, ep - 1, *s);
	default:
		return *p == *s;
	}
}

/* ------------------------------------------------------------------------
 * Items that backtrack or compare many bytes
 */

/* "%bxy" with x and y at p: from an x at s to the y that balances it. */
static uptr
balanced(matcher *m, uptr s, uptr p)
{
	int open = 1;
	uptr q;

	if (p + 1 >= m->pat_end)
		luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
	if (s >= m->src_end || *s != p[0])
		return NULL;
	for (q = s + 1; q < m->src_end; q++) {
		if (*q == p[1]) {
			if (--open == 0) {
				spend(m, (uint64_t)(q - s));
				return q + 1;
			}
		} else if (*q == p[0]) {
			open++;
		}
	}
	spend(m, (uint64_t)(q - s));
	return NULL;
}

/* "%f[set]" with the set at p: matches at s when the byte before s is not
 * in the set and the byte at s is ('\0' before the start and at the end
 * of the subject). Returns the end of the set, or NULL. */
static uptr
frontier(matcher *m, uptr s, uptr p)
{
	unsigned char before, here;
	uptr ep;

	if (p == m->pat_end || *p != '[')
		luaL_error(m->L, "missing '[' after '%%f' in pattern");
	ep = class_end(m, p);
	spend(m, 2 * class_cost(p, ep) - 1);
	before = s == m->src ? 0 : s[-1];
	here = s < m->src_end ? *s : 0;
	if (set_has(p, ep - 1, before) || !set_has(p, ep - 1, here))
		return NULL;
	return ep;
}

/* "%1" to "%9" (digit d) at s: the same bytes as that capture. A position
 * capture never matches; %0, a capture not opened yet or still open is an
 * error. */
static uptr
backref(matcher *m, uptr s, unsigned char d)
{
	int i = d - '1';
	ptrdiff_t len;

	if (i < 0 || i >= m->ncap || m->cap[i].len == CAP_OPEN)
		luaL_error(m->L, "invalid capture index %%%d", i + 1);
	len = m->cap[i].len;
	if (len == CAP_POSITION || m->src_end - s < len)
		return NULL;
	spend(m, (uint64_t)len);
	return memcmp(s, m->cap[i].at, (size_t)len) == 0 ? s + len : NULL;
}

/* "x*" (and "x+" after its first x): the longest run of x from s, then
 * shorter ones, until the rest of the pattern (after ep) matches. */
static uptr
greedy(matcher *m, uptr s, uptr p, uptr ep)
{
	uint64_t cost = class_cost(p, ep);
	ptrdiff_t n = 0;
	uptr r;

	while (s + n < m->src_end && single(s + n, p, ep)) {
		n++;
		spend(m, cost);
	}
	spend(m, cost);
	for (;;) {
		r = match_here(m, s + n, ep + 1);
		if (r || n == 0)
			return r;
		n--;
	}
}

/* "x-": the shortest run of x from s after which the rest matches. */
static uptr
lazy(matcher *m, uptr s, uptr p, uptr ep)
{
	uptr r;

	for (;;) {
		r = match_here(m, s, ep + 1);
		if (r)
			return r;
		spend(m, class_cost(p, ep));
		if (s >= m->src_end || !single(s, p, ep))
			return NULL;
		s++;
	}
}

/* '(' (or "()" when kind is CAP_POSITION): opens capture number ncap at s
 * and matches the rest from p; the capture is dropped if that fails. */
static uptr
open_capture(matcher *m, uptr s, uptr p, ptrdiff_t kind)
{
	uptr r;

	if (m->ncap >= MAX_CAPTURES)
		luaL_error(m->L, "too many captures");
	m->cap[m->ncap].at = s;
	m->cap[m->ncap].len = kind;
	m->ncap++;
	r = match_here(m, s, p);
	if (!r)
		m->ncap--;
	return r;
}

/* ')': closes the innermost open capture at s and matches the rest. */
static uptr
close_capture(matcher *m, uptr s, uptr p)
{
	int i = m->ncap - 1;
	uptr r;

	while (i >= 0 && m->cap[i].len != CAP_OPEN)
		i--;
	if (i < 0)
		luaL_error(m->L, "invalid pattern capture");
	m->cap[i].len = s - m->cap[i].at;
	r = match_here(m, s, p);
	if (!r)
		m->cap[i].len = CAP_OPEN;
	return r;
}

/* ------------------------------------------------------------------------
 * The matcher
 */

/*
 * Matches the pattern from p against the subject from s: the end of the
 * match, or NULL. Each call is one of the MAX_DEPTH nested calls Lua
 * allows; items that cannot backtrack (a plain class, "%b", "%f", a
 * back-reference, an optional or starred class that matches nothing) are
 * taken in the loop, the others recurse through the helpers above. Each
 * item tried is one step of the budget (more for a long set).
 */
static uptr
match_here(matcher *m, uptr s, uptr p)
{
	uptr r = NULL, ep;
	bool ok;

	if (m->depth_left-- == 0)
		luaL_error(m->L, "pattern too complex");
	for (;;) {
		if (p == m->pat_end) {
			r = s;
			break;
		}
		spend(m, 1);
		if (*p == '(') {
			if (p + 1 < m->pat_end && p[1] == ')')
				r = open_capture(m, s, p + 2, CAP_POSITION);
			else
				r = open_capture(m, s, p + 1, CAP_OPEN);
			break;
		}
		if (*p == ')') {
			r = close_capture(m, s, p + 1);
			break;
		}
		if (*p == '$' && p + 1 == m->pat_end) {
			r = s == m->src_end ? s : NULL;
			break;
		}
		if (*p == ESC && p + 1 < m->pat_end) {
			unsigned char c = p[1];

			if (c == 'b') {
				s = balanced(m, s, p + 2);
				if (!s)
					break;
				p += 4;
				continue;
			}
			if (c == 'f') {
				p = frontier(m, s, p + 2);
				if (!p)
					break;
				continue;
			}
			if (c >= '0' && c <= '9') {
				s = backref(m, s, c);
				if (!s)
					break;
				p += 2;
				continue;
			}
		}

		/* A single-character class, perhaps with a quantifier. */
		ep = class_end(m, p);
		spend(m, class_cost(p, ep) - 1);
		ok = s < m->src_end && single(s, p, ep);
		if (!ok) {
			if (ep < m->pat_end &&
			    (*ep == '*' || *ep == '?' || *ep == '-')) {
				p = ep + 1;
				continue;
			}
			break;
		}
		switch (ep < m->pat_end ? *ep : 0) {
		case '?':
			r = match_here(m, s + 1, ep + 1);
			if (r)
				goto out;
			p = ep + 1;
			continue;
		case '+':
			r = greedy(m, s + 1, p, ep);
			goto out;
		case '*':
			r = greedy(m, s, p, ep);
			goto out;
		case '-':
			r = lazy(m, s, p, ep);
			goto out;
		default:
			s++;
			p = ep;
			continue;
		}
	}
out:
	m->depth_left++;
	return r;
}

/* ------------------------------------------------------------------------
 * Results
 */

/* Pushes capture i of a match from s to e; with no captures, "capture 0"
 * is the whole match. */
static void
push_capture(matcher *m, int i, uptr s, uptr e)
{
	if (i >= m->ncap) {
		if (i != 0)
			luaL_error(m->L, "invalid capture index %%%d", i + 1);
		lua_pushlstring(m->L, (const char *)s, (size_t)(e - s));
		return;
	}
	if (m->cap[i].len == CAP_OPEN)
		luaL_error(m->L, "unfinished capture");
	if (m->cap[i].len == CAP_POSITION)
		lua_pushinteger(m->L, m->cap[i].at - m->src + 1);
	else
		lua_pushlstring(m->L, (const char *)m->cap[i].at,
				(size_t)m->cap[i].len);
}

/* Pushes every capture (or the whole match when there is none and s is not
 * NULL); returns how many. */
static int
push_captures(matcher *m, uptr s, uptr e)
{
	int n = (m->ncap == 0 && s) ? 1 : m->ncap;

	luaL_checkstack(m->L, n, "too many captures");
	for (int i = 0; i < n; i++)
		push_capture(m, i, s, e);
	return n;
}

/* ------------------------------------------------------------------------
 * string.find and string.match
 */

/* The 0-based offset at which a search given Lua's init starts: negative
 * counts from the end, 0 and anything before the start mean 1. May be past
 * the end, which the callers check. */
static size_t
start_offset(lua_Integer init, size_t len)
{
	if (init > 0)
		return (size_t)init - 1;
	if (init == 0 || init < -(lua_Integer)len)
		return 0;
	return len - (size_t)(-init);
}

/* Whether the pattern has a byte that means more than itself, '^' '$' '*'
 * '+' '?' '.' '(' '[' '%' '-' (a lone ')' or ']' does not count). */
static bool
has_specials(const char *p, size_t lp)
{
	for (size_t i = 0; i < lp; i++) {
		switch (p[i]) {
		case '^': case '$': case '*': case '+': case '?':
		case '.': case '(': case '[': case ESC: case '-':
			return true;
		default:
			break;
		}
	}
	return false;
}

/* The first occurrence of p in the subject from offset init, or NULL. Each
 * byte passed over and each byte compared is a step. */
static uptr
find_plain(matcher *m, size_t init, const char *p, size_t lp)
{
	uptr h = m->src + init, last, c;
	size_t k;

	if (lp == 0)
		return h;
	if (lp > (size_t)(m->src_end - h))
		return NULL;
	last = m->src_end - lp;
	while (h <= last) {
		c = memchr(h, p[0], (size_t)(last - h) + 1);
		if (!c) {
			spend(m, (uint64_t)(last - h) + 1);
			break;
		}
		for (k = 1; k < lp && c[k] == (unsigned char)p[k]; k++)
			;
		spend(m, (uint64_t)(c - h) + k);
		if (k == lp)
			return c;
		h = c + 1;
	}
	return NULL;
}

/*
 * string.find (find set) and string.match: tries the pattern at each
 * position from init (only there when it starts with '^'). find returns
 * the match's bounds and its captures, match its captures or the whole
 * match; both return fail when nothing matches. find takes the plain
 * flag, and searches plainly anyway for a pattern with no special byte.
 */
static int
find_or_match(lua_State *L, bool find)
{
	size_t ls, lp, init;
	const char *s = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	matcher m;
	uptr at, e = NULL;
	bool anchored;

	init = start_offset(luaL_optinteger(L, 3, 1), ls);
	if (init > ls) {
		luaL_pushfail(L);
		return 1;
	}
	matcher_init(&m, L, s, ls, p, lp);
	if (find && (lua_toboolean(L, 4) || !has_specials(p, lp))) {
		at = find_plain(&m, init, p, lp);
		charge_now(&m);
		if (!at) {
			luaL_pushfail(L);
			return 1;
		}
		lua_pushinteger(L, (lua_Integer)(at - m.src) + 1);
		lua_pushinteger(L, (lua_Integer)(at - m.src) + (lua_Integer)lp);
		return 2;
	}
	anchored = lp > 0 && p[0] == '^';
	for (at = m.src + init;; at++) {
		matcher_reset(&m);
		e = match_here(&m, at, (uptr)p + anchored);
		if (e || anchored || at == m.src_end)
			break;
	}
	charge_now(&m);
	if (!e) {
		luaL_pushfail(L);
		return 1;
	}
	if (!find)
		return push_captures(&m, at, e);
	lua_pushinteger(L, (lua_Integer)(at - m.src) + 1);
	lua_pushinteger(L, (lua_Integer)(e - m.src));
	return push_captures(&m, NULL, NULL) + 2;
}

static int
lp_find(lua_State *L)
{
	return find_or_match(L, true);
}

static int
lp_match(lua_State *L)
{
	return find_or_match(L, false);
}

/* ------------------------------------------------------------------------
 * string.gmatch
 */

/* Where a gmatch iteration stands, as offsets into its subject (kept as
 * upvalue 1, with the pattern as upvalue 2). */
typedef struct gmatch_pos {
	size_t next;  /* where the next search starts */
	size_t last;  /* end of the last match; SIZE_MAX before the first */
} gmatch_pos;

/*
 * The iterator: the next match from where the last one ended, skipping an
 * empty match at that very end (Lua 5.4). '^' is no anchor here. Returns
 * the captures, or nothing once the subject is exhausted.
 */
static int
gmatch_next(lua_State *L)
{
	size_t ls, lp, at;
	const char *s = lua_tolstring(L, lua_upvalueindex(1), &ls);
	const char *p = lua_tolstring(L, lua_upvalueindex(2), &lp);
	gmatch_pos *g = lua_touserdata(L, lua_upvalueindex(3));
	matcher m;
	uptr e;

	matcher_init(&m, L, s, ls, p, lp);
	for (at = g->next; at <= ls; at++) {
		matcher_reset(&m);
		e = match_here(&m, m.src + at, (uptr)p);
		if (e && (size_t)(e - m.src) != g->last) {
			g->next = g->last = (size_t)(e - m.src);
			charge_now(&m);
			return push_captures(&m, m.src + at, e);
		}
	}
	charge_now(&m);
	return 0;
}

/* string.gmatch(s, pattern [, init]): the iterator, a closure over the
 * subject, the pattern and its position. */
static int
lp_gmatch(lua_State *L)
{
	size_t ls, lp;
	gmatch_pos *g;
	size_t init;

	luaL_checklstring(L, 1, &ls);
	luaL_checklstring(L, 2, &lp);
	init = start_offset(luaL_optinteger(L, 3, 1), ls);
	lua_settop(L, 2);
	g = lua_newuserdatauv(L, sizeof(*g), 0);
	g->next = init > ls ? ls + 1 : init;
	g->last = SIZE_MAX;
	lua_pushcclosure(L, gmatch_next, 3);
	return 1;
}

/* ------------------------------------------------------------------------
 * string.gsub
 */

/* Adds the replacement string (argument 3) for the match from s to e:
 * "%0" is the match, "%1"-"%9" its captures, "%%" a '%'. Costs a step per
 * escape and per 16 bytes, since a long template of empty captures makes
 * much work and no output. */
static void
add_template(matcher *m, luaL_Buffer *b, uptr s, uptr e)
{
	lua_State *L = m->L;
	size_t len;
	const char *t = lua_tolstring(L, 3, &len);
	const char *end = t + len, *q;
	unsigned char c;

	spend(m, 1 + len / 16);
	while ((q = memchr(t, ESC, (size_t)(end - t))) != NULL) {
		luaL_addlstring(b, t, (size_t)(q - t));
		spend(m, 1);
		c = q + 1 < end ? (unsigned char)q[1] : 0;
		if (c == ESC) {
			luaL_addchar(b, ESC);
		} else if (c == '0') {
			spend(m, (uint64_t)(e - s) / 16);
			luaL_addlstring(b, (const char *)s, (size_t)(e - s));
		} else if (c >= '1' && c <= '9') {
			size_t cl;

			push_capture(m, c - '1', s, e);
			luaL_tolstring(L, -1, &cl);
			lua_remove(L, -2);
			spend(m, cl / 16);
			luaL_addvalue(b);
		} else {
			luaL_error(L, "invalid use of '%c' in replacement string",
				   ESC);
		}
		t = q + 2;
	}
	luaL_addlstring(b, t, (size_t)(end - t));
}

/*
 * Adds the replacement for the match from s to e, made as argument 3 says
 * (type kind): a template string (or number), the value of a table at the
 * first capture, or the result of a function called with the captures.
 * A false or nil value keeps the match as it was. Returns whether it
 * changed anything.
 */
static bool
add_replacement(matcher *m, luaL_Buffer *b, uptr s, uptr e, int kind)
{
	lua_State *L = m->L;

	if (kind == LUA_TSTRING || kind == LUA_TNUMBER) {
		add_template(m, b, s, e);
		return true;
	}
	if (kind == LUA_TFUNCTION) {
		int n;

		lua_pushvalue(L, 3);
		n = push_captures(m, s, e);
		lua_call(L, n, 1);
	} else {
		push_capture(m, 0, s, e);
		lua_gettable(L, 3);
	}
	if (!lua_toboolean(L, -1)) {
		lua_pop(L, 1);
		luaL_addlstring(b, (const char *)s, (size_t)(e - s));
		return false;
	}
	if (!lua_isstring(L, -1))
		luaL_error(L, "invalid replacement value (a %s)",
			   luaL_typename(L, -1));
	spend(m, lua_rawlen(L, -1) / 16);
	luaL_addvalue(b);
	return true;
}

/*
 * string.gsub: replaces up to max (argument 4) matches, each tried where
 * the last one ended (or, after a failure, one byte further), skipping an
 * empty match at the very end of the previous one. Returns the new string
 * (the subject itself when nothing changed) and the number of matches.
 */
static int
lp_gsub(lua_State *L)
{
	size_t ls, lp;
	const char *s = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	int kind = lua_type(L, 3);
	lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
	bool anchored = lp > 0 && p[0] == '^';
	lua_Integer n = 0;
	bool changed = false;
	const mc_lbudget *bud = mc_lbudget_of(L);
	luaL_Buffer b;
	matcher m;
	uptr at, e, last = NULL;

	luaL_argexpected(L, kind == LUA_TNUMBER || kind == LUA_TSTRING ||
			 kind == LUA_TFUNCTION || kind == LUA_TTABLE, 3,
			 "string/function/table");
	luaL_buffinit(L, &b);
	matcher_init(&m, L, s, ls, p, lp);
	at = m.src;
	while (n < max) {
		matcher_reset(&m);
		e = match_here(&m, at, (uptr)p + anchored);
		if (e && e != last) {
			n++;
			if (add_replacement(&m, &b, at, e, kind))
				changed = true;
			at = last = e;
		} else if (at < m.src_end) {
			luaL_addchar(&b, (char)*at++);
		} else {
			break;
		}
		/* a result past the sandbox's strings is refused as soon as
		 * it is known to be */
		if (bud && bud->string_cap && luaL_bufflen(&b) > bud->string_cap) {
			charge_now(&m);
			return mc_lbudget_long_string(L, luaL_bufflen(&b));
		}
		if (anchored)
			break;
	}
	charge_now(&m);
	if (!changed) {
		lua_pushvalue(L, 1);
	} else {
		luaL_addlstring(&b, (const char *)at, (size_t)(m.src_end - at));
		luaL_pushresult(&b);
	}
	lua_pushinteger(L, n);
	return 2;
}

/* ------------------------------------------------------------------------
 * Registration
 */

void
mc_lpattern_open(lua_State *L, int idx)
{
	static const luaL_Reg funcs[] = {
		{"find", lp_find},
		{"match", lp_match},
		{"gmatch", lp_gmatch},
		{"gsub", lp_gsub},
	};

	idx = lua_absindex(L, idx);
	for (size_t i = 0; i < sizeof(funcs) / sizeof(*funcs); i++) {
		lua_pushcfunction(L, funcs[i].func);
		lua_setfield(L, idx, funcs[i].name);
	}
}
