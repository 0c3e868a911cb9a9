/* SPDX-License-Identifier: MIT */
/*
 * test_luasrc.c - the luasrc suite: positions of the table constructors of
 * Lua policies (engine/lua/luasrc.h). Every position is asserted exactly, as
 * the diagnostics will print it: 1-based line and column, columns counted
 * in characters.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "lua/luasrc.h"

/* ------------------------------------------------------------------------
 * Fixture: one arena per test; scans allocate from it
 */

static mc_arena arena;

static void
setup(void)
{
	mc_arena_init(&arena);
}

static void
teardown(void)
{
	mc_arena_release(&arena);
}

/* Scans len bytes, which must scan with MC_OK. */
static const mc_lsrc *
scann(const char *src, size_t len)
{
	mc_lsrc *s = NULL;
	int rc = mc_lsrc_scan(&s, &arena, src, len);

	ck_assert_int_eq(rc, MC_OK);
	ck_assert_ptr_nonnull(s);
	return s;
}

static const mc_lsrc *
scan(const char *src)
{
	return scann(src, strlen(src));
}

/* The table the chunk src returns, which must be known and complete. */
static const mc_lsrc_table *
returned(const char *src)
{
	const mc_lsrc_table *t = mc_lsrc_returned(scan(src));

	ck_assert_ptr_nonnull(t);
	ck_assert(t->complete);
	return t;
}

/* The entry with key `key` in t, which must exist. */
static const mc_lsrc_entry *
get(const mc_lsrc_table *t, const char *key)
{
	const mc_lsrc_entry *e = mc_lsrc_get(t, key, strlen(key));

	ck_assert_msg(e != NULL, "no entry '%s'", key);
	ck_assert_uint_eq(e->key_len, strlen(key));
	ck_assert_str_eq(e->key, key);
	return e;
}

/* The positional entry `index` of t, which must exist. */
static const mc_lsrc_entry *
item(const mc_lsrc_table *t, size_t index)
{
	const mc_lsrc_entry *e = mc_lsrc_item(t, index);

	ck_assert_msg(e != NULL, "no item %zu", index);
	ck_assert_int_eq(e->key_kind, MC_LSRC_KEY_INDEX);
	ck_assert_uint_eq(e->index, index);
	return e;
}

/* The constructor that is the value of `key` in t. */
static const mc_lsrc_table *
sub(const mc_lsrc_table *t, const char *key)
{
	const mc_lsrc_entry *e = get(t, key);

	ck_assert_int_eq(e->value_kind, MC_LSRC_VALUE_TABLE);
	ck_assert_ptr_nonnull(e->table);
	return e->table;
}

static void
assert_key_at(const mc_lsrc_entry *e, unsigned line, unsigned col)
{
	ck_assert_ptr_nonnull(e);
	ck_assert_msg(e->line == line && e->col == col,
		      "key '%s' at %u:%u, expected %u:%u",
		      e->key ? e->key : "(none)", (unsigned)e->line,
		      (unsigned)e->col, line, col);
}

static void
assert_value_at(const mc_lsrc_entry *e, unsigned line, unsigned col)
{
	ck_assert_ptr_nonnull(e);
	ck_assert_msg(e->value_line == line && e->value_col == col,
		      "value of '%s' at %u:%u, expected %u:%u",
		      e->key ? e->key : "(item)", (unsigned)e->value_line,
		      (unsigned)e->value_col, line, col);
}

/* An entry with key and value both at the given places. */
static void
assert_entry(const mc_lsrc_entry *e, unsigned kl, unsigned kc, unsigned vl,
	     unsigned vc)
{
	assert_key_at(e, kl, kc);
	assert_value_at(e, vl, vc);
}

static void
assert_table_at(const mc_lsrc_table *t, unsigned line, unsigned col)
{
	ck_assert_ptr_nonnull(t);
	ck_assert_msg(t->line == line && t->col == col,
		      "table at %u:%u, expected %u:%u", (unsigned)t->line,
		      (unsigned)t->col, line, col);
}

static void
assert_text(const mc_lsrc_entry *e, mc_lsrc_value_kind kind, const char *text)
{
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->value_kind, kind);
	ck_assert_ptr_nonnull(e->text);
	ck_assert_str_eq(e->text, text);
	ck_assert_uint_eq(e->text_len, strlen(text));
}

/* A positional string item: its position and its decoded text. */
static void
assert_item(const mc_lsrc_table *t, size_t index, unsigned line, unsigned col,
	    const char *text)
{
	const mc_lsrc_entry *e = item(t, index);

	assert_entry(e, line, col, line, col);
	assert_text(e, MC_LSRC_VALUE_STRING, text);
}

/* ------------------------------------------------------------------------
 * The example of the brief, key by key
 */

static const char *EXAMPLE =
	"-- a comment\n"                                                  /* 1 */
	"local features = { \"sse4_2\", \"avx\" }\n"                      /* 2 */
	"local base = {\n"                                                /* 3 */
	"  manufacturer = { from = \"cpu.manufacturer\" },\n"             /* 4 */
	"}\n"                                                             /* 5 */
	"return {\n"                                                      /* 6 */
	"  policy = \"feature-aware\",\n"                                 /* 7 */
	"  fields = {\n"                                                  /* 8 */
	"    manufacturer = base.manufacturer,\n"                         /* 9 */
	"    features = { from = \"cpu.features\", type = \"set\" },\n"   /* 10 */
	"  },\n"                                                          /* 11 */
	"  kinds = { live = { when = { [\"vm.state\"] = \"running\" } } },\n" /* 12 */
	"  match = { live = { \"manufacturer\" } },\n"                    /* 13 */
	"  rules = {\n"                                                   /* 14 */
	"    { id = \"r1\", lua = function(vm, source, target) return true end },\n" /* 15 */
	"  },\n"                                                          /* 16 */
	"}\n";                                                            /* 17 */

START_TEST(example_top_level_keys)
{
	const mc_lsrc *s = scan(EXAMPLE);
	const mc_lsrc_table *t = mc_lsrc_returned(s);
	const mc_lsrc_entry *ret = mc_lsrc_return_value(s);

	assert_entry(ret, 6, 8, 6, 8);
	ck_assert_int_eq(ret->value_kind, MC_LSRC_VALUE_TABLE);
	assert_table_at(t, 6, 8);
	ck_assert(t->complete);
	ck_assert_uint_eq(t->nentries, 5);
	ck_assert_uint_eq(t->nitems, 0);
	/* In source order. */
	ck_assert_str_eq(t->entries[0].key, "policy");
	ck_assert_str_eq(t->entries[1].key, "fields");
	ck_assert_str_eq(t->entries[2].key, "kinds");
	ck_assert_str_eq(t->entries[3].key, "match");
	ck_assert_str_eq(t->entries[4].key, "rules");
	for (size_t i = 0; i < 5; i++)
		ck_assert_int_eq(t->entries[i].key_kind, MC_LSRC_KEY_NAME);

	assert_entry(get(t, "policy"), 7, 3, 7, 12);
	assert_text(get(t, "policy"), MC_LSRC_VALUE_STRING, "feature-aware");
	assert_entry(get(t, "fields"), 8, 3, 8, 12);
	assert_entry(get(t, "kinds"), 12, 3, 12, 11);
	assert_entry(get(t, "match"), 13, 3, 13, 11);
	assert_entry(get(t, "rules"), 14, 3, 14, 11);
	ck_assert_ptr_null(mc_lsrc_get(t, "manufacturer", 12));
	ck_assert_ptr_null(mc_lsrc_get(t, "polic", 5));
	ck_assert_ptr_null(mc_lsrc_item(t, 1));
}
END_TEST

START_TEST(example_nested_constructors)
{
	const mc_lsrc_table *t = returned(EXAMPLE);
	const mc_lsrc_table *fields = sub(t, "fields");
	const mc_lsrc_table *features = sub(fields, "features");
	const mc_lsrc_table *live = sub(sub(t, "kinds"), "live");
	const mc_lsrc_table *when = sub(live, "when");
	const mc_lsrc_table *rules = sub(t, "rules");
	const mc_lsrc_table *r1;

	assert_table_at(fields, 8, 12);
	ck_assert_uint_eq(fields->nentries, 2);
	assert_entry(get(fields, "features"), 10, 5, 10, 16);
	assert_table_at(features, 10, 16);
	assert_entry(get(features, "from"), 10, 18, 10, 25);
	assert_text(get(features, "from"), MC_LSRC_VALUE_STRING, "cpu.features");
	assert_entry(get(features, "type"), 10, 41, 10, 48);
	assert_text(get(features, "type"), MC_LSRC_VALUE_STRING, "set");

	assert_entry(get(sub(t, "kinds"), "live"), 12, 13, 12, 20);
	assert_table_at(live, 12, 20);
	assert_entry(get(live, "when"), 12, 22, 12, 29);
	assert_table_at(when, 12, 29);

	/* Rules: a positional constructor whose entries include a function. */
	assert_table_at(rules, 14, 11);
	ck_assert_uint_eq(rules->nitems, 1);
	ck_assert_int_eq(item(rules, 1)->value_kind, MC_LSRC_VALUE_TABLE);
	assert_entry(item(rules, 1), 15, 5, 15, 5);
	r1 = item(rules, 1)->table;
	assert_table_at(r1, 15, 5);
	assert_entry(get(r1, "id"), 15, 7, 15, 12);
	assert_entry(get(r1, "lua"), 15, 18, 15, 24);
	ck_assert_int_eq(get(r1, "lua")->value_kind, MC_LSRC_VALUE_FUNCTION);
	ck_assert_ptr_null(mc_lsrc_item(rules, 2));
	ck_assert_ptr_null(mc_lsrc_item(rules, 0));
}
END_TEST

START_TEST(example_bracketed_key)
{
	const mc_lsrc_table *t = returned(EXAMPLE);
	const mc_lsrc_table *when = sub(sub(sub(t, "kinds"), "live"), "when");
	const mc_lsrc_entry *e = get(when, "vm.state");

	ck_assert_uint_eq(when->nentries, 1);
	ck_assert_int_eq(e->key_kind, MC_LSRC_KEY_STRING);
	/* The key is the string inside the brackets. */
	assert_entry(e, 12, 32, 12, 46);
	assert_text(e, MC_LSRC_VALUE_STRING, "running");
}
END_TEST

START_TEST(example_positional_entries)
{
	const mc_lsrc *s = scan(EXAMPLE);
	const mc_lsrc_table *t = mc_lsrc_returned(s);
	const mc_lsrc_table *live = sub(sub(t, "match"), "live");
	const mc_lsrc_table *features;

	assert_table_at(live, 13, 20);
	ck_assert_uint_eq(live->nitems, 1);
	assert_item(live, 1, 13, 22, "manufacturer");
	ck_assert_ptr_null(mc_lsrc_item(live, 2));

	/* The list assigned to a local. */
	features = mc_lsrc_lookup(s, "features", 8, SIZE_MAX);
	assert_table_at(features, 2, 18);
	ck_assert_uint_eq(features->nitems, 2);
	assert_item(features, 1, 2, 20, "sse4_2");
	assert_item(features, 2, 2, 30, "avx");
}
END_TEST

START_TEST(example_names_and_dotted_names_resolve)
{
	const mc_lsrc *s = scan(EXAMPLE);
	const mc_lsrc_table *fields = sub(mc_lsrc_returned(s), "fields");
	const mc_lsrc_entry *m = get(fields, "manufacturer");
	const mc_lsrc_entry *base = mc_lsrc_find(s, "base", 4, SIZE_MAX);
	const mc_lsrc_table *mt, *bt;

	/* The entry is where it is written; its value is a dotted name. */
	assert_entry(m, 9, 5, 9, 20);
	assert_text(m, MC_LSRC_VALUE_NAME, "base.manufacturer");
	ck_assert_ptr_null(m->table);

	/* It resolves to the constructor written in base. */
	mt = mc_lsrc_value_table(s, m);
	assert_table_at(mt, 4, 18);
	assert_entry(get(mt, "from"), 4, 20, 4, 27);
	assert_text(get(mt, "from"), MC_LSRC_VALUE_STRING, "cpu.manufacturer");

	/* The top-level name: where it was assigned, and its constructor. */
	ck_assert_ptr_nonnull(base);
	ck_assert_int_eq(base->key_kind, MC_LSRC_KEY_NAME);
	ck_assert_str_eq(base->key, "base");
	assert_entry(base, 3, 7, 3, 14);
	bt = mc_lsrc_value_table(s, base);
	assert_table_at(bt, 3, 14);
	assert_entry(get(bt, "manufacturer"), 4, 3, 4, 18);

	/* A dotted path through constructors gives the same. */
	ck_assert_ptr_eq(mc_lsrc_lookup(s, "base.manufacturer", 17, SIZE_MAX), mt);
	ck_assert_ptr_eq(mc_lsrc_find(s, "base.manufacturer", 17, SIZE_MAX),
			 get(bt, "manufacturer"));
	ck_assert_ptr_null(mc_lsrc_lookup(s, "base.model", 10, SIZE_MAX));
	ck_assert_ptr_null(mc_lsrc_lookup(s, "nobody", 6, SIZE_MAX));
	/* A path through something that is not a table. */
	ck_assert_ptr_null(mc_lsrc_lookup(s, "base.manufacturer.from.x", 24,
					  SIZE_MAX));
	/* Before its assignment took effect, the name is not known. */
	ck_assert_ptr_null(mc_lsrc_find(s, "base", 4, bt->off));
}
END_TEST

/* ------------------------------------------------------------------------
 * What the chunk returns
 */

START_TEST(return_of_a_local_name)
{
	const mc_lsrc *s = scan(
		"local policy = {\n"
		"  policy = 'p',\n"
		"  fields = { f = { from = 'x' } },\n"
		"}\n"
		"return policy\n");
	const mc_lsrc_table *t = mc_lsrc_returned(s);
	const mc_lsrc_entry *ret = mc_lsrc_return_value(s);

	assert_value_at(ret, 5, 8);
	assert_text(ret, MC_LSRC_VALUE_NAME, "policy");
	assert_table_at(t, 1, 16);
	assert_entry(get(t, "policy"), 2, 3, 2, 12);
	assert_entry(get(sub(t, "fields"), "f"), 3, 14, 3, 18);
}
END_TEST

START_TEST(return_of_a_global_name_after_reassignment)
{
	/* The last assignment before the return counts; a `local` of the
	 * same name inside a block does not. */
	const mc_lsrc_table *t = returned(
		"policy = { a = 1 }\n"
		"do local policy = { b = 2 } end\n"
		"policy = { c = 3 }\n"
		"return policy;\n");

	assert_table_at(t, 3, 10);
	assert_entry(get(t, "c"), 3, 12, 3, 16);
	assert_text(get(t, "c"), MC_LSRC_VALUE_LITERAL, "3");
}
END_TEST

START_TEST(return_of_a_name_through_another_name)
{
	const mc_lsrc *s = scan(
		"local common = { x = 1 }\n"
		"local policy = common\n"
		"return policy\n");

	assert_table_at(mc_lsrc_returned(s), 1, 16);
}
END_TEST

START_TEST(return_of_other_values_gives_no_table)
{
	static const char *const srcs[] = {
		"return make_policy()\n",
		"return (setmetatable({ a = 1 }, {}))\n",
		"local p = f()\nreturn p\n",
		"return 'x'\n",
		"return\n",
		"return;",
		"local p = { a = 1 }\n",
		"",
		"-- only a comment",
	};

	for (size_t i = 0; i < sizeof(srcs) / sizeof(*srcs); i++) {
		const mc_lsrc *s = scan(srcs[i]);
		ck_assert_msg(mc_lsrc_returned(s) == NULL, "'%s' returns a table",
			      srcs[i]);
	}
	ck_assert_ptr_null(mc_lsrc_return_value(scan("local p = {}\n")));
	assert_text(mc_lsrc_return_value(scan("return 'x'")),
		    MC_LSRC_VALUE_STRING, "x");
}
END_TEST

START_TEST(return_of_several_values_gives_the_first)
{
	const mc_lsrc_table *t = returned("return { a = 1 }, { b = 2 }\n");

	assert_entry(get(t, "a"), 1, 10, 1, 14);
	ck_assert_ptr_null(mc_lsrc_get(t, "b", 1));
}
END_TEST

START_TEST(return_inside_nested_functions_is_not_the_chunks)
{
	const mc_lsrc_table *t = returned(
		"local function helper()\n"                          /* 1 */
		"  return { wrong = 1 }\n"                          /* 2 */
		"end\n"                                             /* 3 */
		"function g(x) if x then return { wrong = 2 } end end\n" /* 4 */
		"local h = function() return { wrong = 3 } end\n"   /* 5 */
		"if cond then return { wrong = 4 } end\n"           /* 6 */
		"do return { wrong = 5 } end\n"                     /* 7 */
		"while false do local t = { wrong = 6 } end\n"      /* 8 */
		"for i = 1, 2 do end\n"                             /* 9 */
		"for k, v in pairs({}) do if v then end end\n"     /* 10 */
		"repeat local z = 1 until z == 1\n"                 /* 11 */
		"return {\n"                                        /* 12 */
		"  rules = {\n"                                     /* 13 */
		"    { id = 'a', lua = function(vm)\n"              /* 14 */
		"        if vm then return { wrong = 7 } end\n"     /* 15 */
		"        return { wrong = 8 }\n"                    /* 16 */
		"      end },\n"                                    /* 17 */
		"    { id = 'b' },\n"                               /* 18 */
		"  },\n"                                            /* 19 */
		"  right = true,\n"                                 /* 20 */
		"}\n");                                             /* 21 */

	assert_table_at(t, 12, 8);
	ck_assert_uint_eq(t->nentries, 2);
	ck_assert_ptr_null(mc_lsrc_get(t, "wrong", 5));
	assert_entry(get(t, "right"), 20, 3, 20, 11);
	assert_text(get(t, "right"), MC_LSRC_VALUE_LITERAL, "true");
	assert_entry(get(item(sub(t, "rules"), 1)->table, "lua"), 14, 17, 14, 23);
	assert_entry(get(item(sub(t, "rules"), 2)->table, "id"), 18, 7, 18, 12);
}
END_TEST

/* ------------------------------------------------------------------------
 * Separators, strings and comments
 */

START_TEST(trailing_and_semicolon_separators)
{
	const mc_lsrc_table *t = returned(
		"return { a = 1; b = 2, 'x'; 'y', ['c'] = 3;\n"
		"  d = { 1, 2, 3, }, e = { f = 1; }; }\n");

	ck_assert_uint_eq(t->nentries, 7);
	assert_entry(get(t, "a"), 1, 10, 1, 14);
	assert_entry(get(t, "b"), 1, 17, 1, 21);
	assert_item(t, 1, 1, 24, "x");
	assert_item(t, 2, 1, 29, "y");
	assert_entry(get(t, "c"), 1, 35, 1, 42);
	assert_entry(get(t, "d"), 2, 3, 2, 7);
	ck_assert_uint_eq(sub(t, "d")->nitems, 3);
	assert_entry(item(sub(t, "d"), 3), 2, 15, 2, 15);
	assert_text(item(sub(t, "d"), 3), MC_LSRC_VALUE_LITERAL, "3");
	assert_entry(get(t, "e"), 2, 21, 2, 25);
	assert_entry(get(sub(t, "e"), "f"), 2, 27, 2, 31);
	ck_assert(sub(t, "e")->complete);
}
END_TEST

START_TEST(positional_values_count_as_lua_counts)
{
	/* Named fields between positional values do not take an index. */
	const mc_lsrc_table *t = returned(
		"return { 'a', k = 'v', 'b', [\"s\"] = 1, nil, 'c' }");

	ck_assert_uint_eq(t->nitems, 4);
	assert_item(t, 1, 1, 10, "a");
	assert_item(t, 2, 1, 24, "b");
	assert_entry(item(t, 3), 1, 40, 1, 40);
	assert_text(item(t, 3), MC_LSRC_VALUE_LITERAL, "nil");
	assert_item(t, 4, 1, 45, "c");
	ck_assert_ptr_null(mc_lsrc_item(t, 5));
}
END_TEST

START_TEST(strings_with_braces_and_quotes)
{
	const mc_lsrc_table *t = returned(
		"return { a = \"}{\\\"}\", b = '}\\'{', c = \"'}'\", d = '\"{\"',\n"
		"  e = \"\\\\\", f = 1 }\n");

	assert_entry(get(t, "a"), 1, 10, 1, 14);
	assert_text(get(t, "a"), MC_LSRC_VALUE_STRING, "}{\"}");
	assert_entry(get(t, "b"), 1, 23, 1, 27);
	assert_text(get(t, "b"), MC_LSRC_VALUE_STRING, "}'{");
	assert_entry(get(t, "c"), 1, 35, 1, 39);
	assert_text(get(t, "c"), MC_LSRC_VALUE_STRING, "'}'");
	assert_entry(get(t, "d"), 1, 46, 1, 50);
	assert_text(get(t, "d"), MC_LSRC_VALUE_STRING, "\"{\"");
	assert_entry(get(t, "e"), 2, 3, 2, 7);
	assert_text(get(t, "e"), MC_LSRC_VALUE_STRING, "\\");
	assert_entry(get(t, "f"), 2, 13, 2, 17);
	ck_assert_uint_eq(t->nentries, 6);
}
END_TEST

START_TEST(string_escapes_are_decoded)
{
	const mc_lsrc *s = scan(
		"return { '\\a\\b\\f\\n\\r\\t\\v\\\\\\\"\\'', '\\x41\\65\\066\\0z',\n"
		"  '\\u{48}\\u{e9}\\u{20AC}\\u{1F600}\\u{7FFFFFFF}', 'a\\z  \n"
		"    b', 'c\\\nd', 'e' }\n");
	const mc_lsrc_table *t = mc_lsrc_returned(s);
	const mc_lsrc_entry *e;

	ck_assert_ptr_nonnull(t);
	assert_text(item(t, 1), MC_LSRC_VALUE_STRING, "\a\b\f\n\r\t\v\\\"'");
	e = item(t, 2);
	ck_assert_uint_eq(e->text_len, 5);
	ck_assert_int_eq(memcmp(e->text, "AAB\0z", 5), 0);
	assert_text(item(t, 3), MC_LSRC_VALUE_STRING,
		    "H\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xFD\xBF\xBF\xBF\xBF\xBF");
	/* \z skips the line break and the spaces after it. */
	assert_item(t, 4, 2, 48, "ab");
	/* A backslash before a line break is a line break. */
	assert_item(t, 5, 3, 9, "c\nd");
	assert_item(t, 6, 4, 5, "e");
}
END_TEST

START_TEST(long_strings_and_comments_with_braces)
{
	const mc_lsrc_table *t = returned(
		"--[[ return { wrong = 1 } ]]\n"                 /* 1 */
		"--[==[ }}} ]] ]=] {{{\n"                        /* 2 */
		"]==] return {\n"                                /* 3 */
		"  a = [[ } { ]], -- } {\n"                      /* 4 */
		"  b = [==[\n"                                   /* 5 */
		"]] } ]=] {]==], c = --[[ { ]] 'x',\n"           /* 6 */
		"  d = [[\n"                                     /* 7 */
		"first\r\nsecond]],\n"                           /* 8, 9 */
		"  --[=[ e = 1, ]=] f = 2,\n"                    /* 10 */
		"}\n");                                          /* 11 */

	assert_table_at(t, 3, 13);
	ck_assert_uint_eq(t->nentries, 5);
	assert_entry(get(t, "a"), 4, 3, 4, 7);
	assert_text(get(t, "a"), MC_LSRC_VALUE_STRING, " } { ");
	assert_entry(get(t, "b"), 5, 3, 5, 7);
	/* The line break after the opening bracket is not part of it. */
	assert_text(get(t, "b"), MC_LSRC_VALUE_STRING, "]] } ]=] {");
	assert_entry(get(t, "c"), 6, 17, 6, 31);
	assert_entry(get(t, "d"), 7, 3, 7, 7);
	assert_text(get(t, "d"), MC_LSRC_VALUE_STRING, "first\nsecond");
	ck_assert_ptr_null(mc_lsrc_get(t, "e", 1));
	assert_entry(get(t, "f"), 10, 20, 10, 24);
}
END_TEST

START_TEST(numbers_in_every_form)
{
	/* Each is one token: the entries after them keep their places. */
	const mc_lsrc_table *t = returned(
		"return { 3, 3.0, 3.1416, 314.16e-2, 0.31416E1, 34e1, 0x0.1E,\n"
		"  0xA23p-4, 0X1.921FB54442D18P+1, .5, 5., 0xff, 1e+5, -7, - 8,\n"
		"  last = 1 }\n");
	static const char *const texts[] = {
		"3", "3.0", "3.1416", "314.16e-2", "0.31416E1", "34e1", "0x0.1E",
		"0xA23p-4", "0X1.921FB54442D18P+1", ".5", "5.", "0xff", "1e+5",
		"-7", "-8",
	};

	ck_assert_uint_eq(t->nitems, 15);
	for (size_t i = 0; i < 15; i++)
		assert_text(item(t, i + 1), MC_LSRC_VALUE_LITERAL, texts[i]);
	assert_entry(item(t, 7), 1, 54, 1, 54);
	assert_entry(item(t, 8), 2, 3, 2, 3);
	assert_entry(item(t, 9), 2, 13, 2, 13);
	assert_entry(item(t, 10), 2, 35, 2, 35);
	assert_entry(item(t, 15), 2, 59, 2, 59);
	assert_entry(get(t, "last"), 3, 3, 3, 10);
}
END_TEST

START_TEST(operators_are_tokens)
{
	/* Every operator in a computed value; the entries stay in place. */
	const mc_lsrc_table *t = returned(
		"return { a = 1 + 2 - 3 * 4 / 5 // 6 % 7 ^ 8, b = x .. y,\n"
		"  c = 1 == 2 or 1 ~= 2 and 1 <= 2 or 1 >= 2 or 1 < 2 or 1 > 2,\n"
		"  d = 1 & 2 | 3 ~ 4 << 5 >> 6, e = ~1, f = not x, g = #t,\n"
		"  h = -x, i = ..., j = {...} }\n");

	assert_entry(get(t, "a"), 1, 10, 1, 14);
	ck_assert_int_eq(get(t, "a")->value_kind, MC_LSRC_VALUE_OTHER);
	assert_entry(get(t, "b"), 1, 46, 1, 50);
	assert_entry(get(t, "c"), 2, 3, 2, 7);
	assert_entry(get(t, "d"), 3, 3, 3, 7);
	assert_entry(get(t, "e"), 3, 32, 3, 36);
	assert_entry(get(t, "f"), 3, 40, 3, 44);
	assert_entry(get(t, "g"), 3, 51, 3, 55);
	assert_entry(get(t, "h"), 4, 3, 4, 7);
	ck_assert_int_eq(get(t, "h")->value_kind, MC_LSRC_VALUE_OTHER);
	assert_entry(get(t, "i"), 4, 11, 4, 15);
	assert_entry(get(t, "j"), 4, 20, 4, 24);
	ck_assert_int_eq(get(t, "j")->value_kind, MC_LSRC_VALUE_TABLE);
}
END_TEST

/* ------------------------------------------------------------------------
 * Computed values
 */

START_TEST(computed_values_keep_their_entries)
{
	const mc_lsrc *s = scan(
		"local prefix = 'cpu.'\n"                                    /* 1 */
		"local base = { x = 1 }\n"                                   /* 2 */
		"return {\n"                                                 /* 3 */
		"  a = prefix .. 'family',\n"                                /* 4 */
		"  b = tostring(1 + 2) .. \"}\",\n"                          /* 5 */
		"  c = (1 + 2) * 3,\n"                                       /* 6 */
		"  d = string.format('%s', { nested = '}' }),\n"             /* 7 */
		"  e = base.x + 1,\n"                                        /* 8 */
		"  f = obj:method { 1, 2 } ,\n"                              /* 9 */
		"  g = t[1][k].y,\n"                                         /* 10 */
		"  h = f 'str',\n"                                           /* 11 */
		"  i = function(a, b) return { a, b } end,\n"                /* 12 */
		"  j = { from = prefix .. 'model' },\n"                      /* 13 */
		"  k = cond and { 1 } or { 2 },\n"                           /* 14 */
		"  l = f(){},\n"                                             /* 15 */
		"  m = f[[long]]:g'x'(y),\n"                                 /* 16 */
		"  n = (base),\n"                                            /* 17 */
		"  o = 'end',\n"                                             /* 18 */
		"}\n");                                                      /* 19 */
	const mc_lsrc_table *t = mc_lsrc_returned(s);
	static const char keys[] = "abcdefghijklmno";

	ck_assert_ptr_nonnull(t);
	ck_assert(t->complete);
	ck_assert_uint_eq(t->nentries, 15);
	for (size_t i = 0; i < 15; i++) {
		const mc_lsrc_entry *e = get(t, (char[]){keys[i], '\0'});
		assert_key_at(e, 4 + (unsigned)i, 3);
		assert_value_at(e, 4 + (unsigned)i, 7);
		ck_assert_ptr_eq(e, &t->entries[i]);
	}
	for (size_t i = 0; i < 14; i++) {
		if (i != 8 && i != 9 && i != 12)
			ck_assert_int_eq(t->entries[i].value_kind, MC_LSRC_VALUE_OTHER);
	}
	ck_assert_int_eq(get(t, "i")->value_kind, MC_LSRC_VALUE_FUNCTION);
	assert_table_at(sub(t, "j"), 13, 7);
	assert_entry(get(sub(t, "j"), "from"), 13, 9, 13, 16);
	assert_text(get(t, "o"), MC_LSRC_VALUE_STRING, "end");
	/* A computed value is not a name to follow. */
	ck_assert_ptr_null(mc_lsrc_value_table(s, get(t, "e")));
	ck_assert_ptr_null(mc_lsrc_value_table(s, get(t, "n")));
}
END_TEST

START_TEST(other_keys_hide_what_they_may_replace)
{
	const mc_lsrc_table *t = returned(
		"return { a = 1, 'x', [k] = 2, b = 3, [1 + 1] = 4, c = 5 }");

	ck_assert_uint_eq(t->nentries, 6);
	ck_assert_int_eq(t->entries[2].key_kind, MC_LSRC_KEY_OTHER);
	assert_key_at(&t->entries[2], 1, 23);
	assert_value_at(&t->entries[2], 1, 28);
	ck_assert_int_eq(t->entries[4].key_kind, MC_LSRC_KEY_OTHER);
	assert_key_at(&t->entries[4], 1, 39);
	/* `a` and `b` may have been replaced by [k] or [1 + 1]; `c` may not.
	 * Any index may have been. */
	ck_assert_ptr_null(mc_lsrc_get(t, "a", 1));
	ck_assert_ptr_null(mc_lsrc_get(t, "b", 1));
	assert_entry(get(t, "c"), 1, 51, 1, 55);
	ck_assert_ptr_null(mc_lsrc_item(t, 1));
}
END_TEST

START_TEST(duplicate_keys_give_the_last)
{
	const mc_lsrc_table *t = returned(
		"return { a = 1, [\"a\"] = 2, b = 0, a = 3, ['b'] = 4 }");

	assert_entry(get(t, "a"), 1, 35, 1, 39);
	ck_assert_int_eq(get(t, "b")->key_kind, MC_LSRC_KEY_STRING);
	assert_entry(get(t, "b"), 1, 43, 1, 50);
}
END_TEST

START_TEST(keys_with_nul_bytes_and_empty_keys)
{
	static const char src[] = "return { ['a\\0b'] = 1, [''] = 2, a = 3 }";
	const mc_lsrc_table *t = mc_lsrc_returned(scan(src));
	const mc_lsrc_entry *e;

	ck_assert_ptr_nonnull(t);
	e = mc_lsrc_get(t, "a\0b", 3);
	assert_entry(e, 1, 11, 1, 21);
	ck_assert_uint_eq(e->key_len, 3);
	assert_entry(mc_lsrc_get(t, "", 0), 1, 25, 1, 31);
	assert_entry(mc_lsrc_get(t, "a", 1), 1, 34, 1, 38);
}
END_TEST

/* ------------------------------------------------------------------------
 * Names: where they are read decides what they hold
 */

START_TEST(names_resolve_to_the_assignment_before_them)
{
	const mc_lsrc *s = scan(
		"local base = { m = { v = 1 } }\n"                      /* 1 */
		"local first = { m = base.m }\n"                        /* 2 */
		"local base = { m = { v = 2 } }\n"                      /* 3 */
		"return { a = first.m, b = base.m, c = base }\n");      /* 4 */
	const mc_lsrc_table *t = mc_lsrc_returned(s);

	ck_assert_ptr_nonnull(t);
	/* first.m is base.m as it was on line 2. */
	assert_table_at(mc_lsrc_value_table(s, get(t, "a")), 1, 20);
	assert_table_at(mc_lsrc_value_table(s, get(t, "b")), 3, 20);
	assert_table_at(mc_lsrc_value_table(s, get(t, "c")), 3, 14);
	assert_table_at(mc_lsrc_lookup(s, "base.m", 6, SIZE_MAX), 3, 20);
	assert_table_at(mc_lsrc_lookup(s, "base.m", 6, 31), 1, 20);
}
END_TEST

START_TEST(a_name_in_its_own_assignment_is_the_previous_one)
{
	const mc_lsrc *s = scan(
		"local t = { x = { 1 } }\n"
		"local t = { y = t.x }\n"
		"local u = { z = u }\n"
		"return { t = t, u = u }\n");
	const mc_lsrc_table *t = mc_lsrc_returned(s), *tt, *ut;

	ck_assert_ptr_nonnull(t);
	tt = mc_lsrc_value_table(s, get(t, "t"));
	assert_table_at(tt, 2, 11);
	assert_table_at(mc_lsrc_value_table(s, get(tt, "y")), 1, 17);
	ut = mc_lsrc_value_table(s, get(t, "u"));
	assert_table_at(ut, 3, 11);
	ck_assert_ptr_null(mc_lsrc_value_table(s, get(ut, "z")));
}
END_TEST

START_TEST(several_names_in_one_assignment)
{
	const mc_lsrc *s = scan(
		"local a, b <const>, c = { 1 }, { 2 }\n"
		"x, y = { 3 }, f()\n"
		"return { a, b, c, x, y }\n");

	assert_table_at(mc_lsrc_lookup(s, "a", 1, SIZE_MAX), 1, 25);
	assert_table_at(mc_lsrc_lookup(s, "b", 1, SIZE_MAX), 1, 32);
	ck_assert_ptr_null(mc_lsrc_lookup(s, "c", 1, SIZE_MAX));
	ck_assert_ptr_nonnull(mc_lsrc_find(s, "c", 1, SIZE_MAX));
	assert_table_at(mc_lsrc_lookup(s, "x", 1, SIZE_MAX), 2, 8);
	ck_assert_ptr_null(mc_lsrc_lookup(s, "y", 1, SIZE_MAX));
	assert_table_at(mc_lsrc_value_table(s, item(mc_lsrc_returned(s), 4)), 2, 8);
}
END_TEST

START_TEST(names_that_may_have_changed_do_not_resolve)
{
	/* Each of these may change the table between its constructor and
	 * the return: positions from the constructor could be wrong. */
	static const char *const changes[] = {
		"base.m = { 9 }\n",
		"base['m'] = { 9 }\n",
		"table.insert(base, 1, 'x')\n",
		"setmetatable(base, mt)\n",
		"base:add('x')\n",
		"local n = #base\n",
		"function base.f() end\n",
		"function base:g() end\n",
		"if x then base.m = nil end\n",
		"for _, v in ipairs(extra) do base[#base + 1] = v end\n",
		"local other = f(base)\n",
		"x, base.m = 1, 2\n",
		"base = nil\n",
		"base = f()\n",
		"local copy = base\ncopy.m = nil\n",
		"local m = base.m\nm[1] = 2\n",
		/* A function that assigns it, and a call that may run it. */
		"local function f() base.m = nil end\nf()\n",
		"local function g(x) base = x end\nprint(1)\n",
		"local t = { go = function() base.m[1] = 0 end }\nt.go()\n",
		"function h() base['m'] = 0 end\nlocal v = ('x'):rep(2)\n",
		"local function k() base.m = 0 end\nif x then end\n",
	};
	char src[512];

	for (size_t i = 0; i < sizeof(changes) / sizeof(*changes); i++) {
		const mc_lsrc *s;

		snprintf(src, sizeof(src),
			 "local base = { m = { 1 } }\n%sreturn { m = base.m, b = base }\n",
			 changes[i]);
		s = scan(src);
		ck_assert_ptr_nonnull(mc_lsrc_returned(s));
		ck_assert_msg(mc_lsrc_value_table(s, get(mc_lsrc_returned(s), "m")) == NULL,
			      "base.m resolves after %s", changes[i]);
		ck_assert_msg(mc_lsrc_value_table(s, get(mc_lsrc_returned(s), "b")) == NULL,
			      "base resolves after %s", changes[i]);
		/* Before the change, it still does. */
		assert_table_at(mc_lsrc_lookup(s, "base.m", 6, 27), 1, 20);
	}
	/* Reading a name or a field of it in a constructor changes nothing;
	 * nor does a function that assigns it and is not called at the top
	 * level (a rule), nor a call when no function assigns it, nor a change
	 * to another name. A copy still resolves to what it copied. */
	{
		const mc_lsrc *s = scan(
			"local base = { m = { 1 } }\n"
			"local t = { b = base, m = base.m }\n"
			"print(other)\n"
			"local function f() local base = 1; return base.m end\n"
			"other.m = 1\n"
			"local m = base.m\n"
			"return { m = base.m, n = m, b = base }\n");
		const mc_lsrc_table *t = mc_lsrc_returned(s);

		ck_assert_ptr_nonnull(t);
		ck_assert_ptr_null(mc_lsrc_value_table(s, get(t, "m")));
		assert_table_at(mc_lsrc_value_table(s, get(t, "n")), 1, 20);
		ck_assert_ptr_null(mc_lsrc_value_table(s, get(t, "b")));
		s = scan(
			"local base = { m = { 1 } }\n"
			"local t = { b = base, m = base.m }\n"
			"local function f() base.m = nil end\n"
			"other.m = 1\n"
			"return { m = base.m, b = base, t = t.m,\n"
			"  rule = function() base.m = 2 end }\n");
		t = mc_lsrc_returned(s);
		assert_table_at(mc_lsrc_value_table(s, get(t, "m")), 1, 20);
		assert_table_at(mc_lsrc_value_table(s, get(t, "b")), 1, 14);
		assert_table_at(mc_lsrc_value_table(s, get(t, "t")), 1, 20);
	}
}
END_TEST

START_TEST(long_chains_of_names_are_bounded)
{
	/* m50 is m49 is ... m0, and n299 is ... n0: names are followed up to
	 * a bound (100), then not known. */
	size_t cap = 400 * 40 + 100, n = 0;
	char *src = malloc(cap);
	const mc_lsrc *s;

	ck_assert_ptr_nonnull(src);
	n += (size_t)snprintf(src + n, cap - n, "local m0 = { x = 1 }\n");
	for (int i = 1; i <= 50; i++)
		n += (size_t)snprintf(src + n, cap - n, "local m%d = m%d\n", i, i - 1);
	n += (size_t)snprintf(src + n, cap - n, "local n0 = { x = 1 }\n");
	for (int i = 1; i < 300; i++)
		n += (size_t)snprintf(src + n, cap - n, "local n%d = n%d\n", i, i - 1);
	n += (size_t)snprintf(src + n, cap - n, "return { a = m50, b = n299 }\n");
	s = scann(src, n);
	free(src);
	assert_table_at(mc_lsrc_value_table(s, get(mc_lsrc_returned(s), "a")), 1, 12);
	ck_assert_ptr_null(mc_lsrc_value_table(s, get(mc_lsrc_returned(s), "b")));
	/* A copied name itself is no longer followed. */
	ck_assert_ptr_null(mc_lsrc_lookup(s, "m0", 2, SIZE_MAX));
}
END_TEST

/* ------------------------------------------------------------------------
 * Columns and lines
 */

START_TEST(unicode_before_a_key_counts_characters)
{
	/* é is 2 bytes, € 3, 😀 4: each one column. A tab is one column. */
	const mc_lsrc_table *t = returned(
		"return { d = '\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80', e = 1,\n"
		"\t-- \xC3\xA9t\xC3\xA9\n"
		"\tf = --[[ \xE2\x82\xAC ]] 2, [\"\xC3\xA9\"] = 3 }\n");

	assert_entry(get(t, "d"), 1, 10, 1, 14);
	assert_entry(get(t, "e"), 1, 21, 1, 25);
	assert_entry(get(t, "f"), 3, 2, 3, 16);
	assert_entry(get(t, "\xC3\xA9"), 3, 20, 3, 27);

	/* Bytes that are not valid UTF-8 (Lua strings may hold any) count
	 * one column each. */
	t = returned("return { a = '\x80\xC3', c = '\xE2\x82', b = 1 }");
	assert_entry(get(t, "c"), 1, 20, 1, 24);
	assert_entry(get(t, "b"), 1, 30, 1, 34);
}
END_TEST

START_TEST(byte_order_mark_is_not_a_column)
{
	const mc_lsrc_table *t = returned("\xEF\xBB\xBFreturn { a = 1 }");

	assert_table_at(t, 1, 8);
	assert_entry(get(t, "a"), 1, 10, 1, 14);
}
END_TEST

START_TEST(crlf_line_endings)
{
	const mc_lsrc_table *t = returned(
		"-- c\r\nlocal x = 1\r\nreturn {\r\n  a = 1,\r\n\r\n  b = [[\r\n"
		"x\r\ny]], c = 'z\\\r\n', d = 2 }\r\n");

	assert_table_at(t, 3, 8);
	assert_entry(get(t, "a"), 4, 3, 4, 7);
	assert_entry(get(t, "b"), 6, 3, 6, 7);
	assert_text(get(t, "b"), MC_LSRC_VALUE_STRING, "x\ny");
	assert_entry(get(t, "c"), 8, 6, 8, 10);
	assert_text(get(t, "c"), MC_LSRC_VALUE_STRING, "z\n");
	assert_entry(get(t, "d"), 9, 4, 9, 8);
}
END_TEST

START_TEST(cr_line_endings)
{
	const mc_lsrc_table *t = returned(
		"-- c\rreturn {\r  a = 1,\r\r  b = --[[\r]] 2,\n\r  c = 3 }\r");

	assert_table_at(t, 2, 8);
	assert_entry(get(t, "a"), 3, 3, 3, 7);
	assert_entry(get(t, "b"), 5, 3, 6, 4);
	/* LF then CR: two line breaks. */
	assert_entry(get(t, "c"), 8, 3, 8, 7);
}
END_TEST

START_TEST(shebang_line_is_skipped)
{
	const mc_lsrc_table *t = returned(
		"#!/usr/bin/env lua { return { wrong = 1 } \n"
		"return { a = 1 }\n");

	assert_table_at(t, 2, 8);
	assert_entry(get(t, "a"), 2, 10, 2, 14);

	/* Only on the first line. */
	ck_assert_ptr_null(mc_lsrc_returned(scan("\n#!x\nreturn { a = 1 }")));
	t = returned("#!x\rreturn { a = 1 }");
	assert_table_at(t, 2, 8);
}
END_TEST

/* ------------------------------------------------------------------------
 * Hostile input
 */

/* Nested constructors, `levels` deep, each holding the next as `a`. */
static char *
nested(size_t levels, size_t *len)
{
	char *src = malloc(levels * 7 + 16);
	size_t n = 0;

	ck_assert_ptr_nonnull(src);
	memcpy(src, "return ", 7);
	n = 7;
	for (size_t i = 0; i < levels; i++) {
		memcpy(src + n, i + 1 < levels ? "{ a = " : "{ a = 1", i + 1 < levels ? 6 : 7);
		n += i + 1 < levels ? 6 : 7;
	}
	for (size_t i = 0; i < levels; i++)
		src[n++] = '}';
	*len = n;
	return src;
}

START_TEST(nesting_up_to_the_limit)
{
	size_t len;
	char *src = nested(MC_LSRC_MAX_DEPTH, &len);
	const mc_lsrc_table *t = mc_lsrc_returned(scann(src, len));

	free(src);
	for (size_t i = 0; i + 1 < MC_LSRC_MAX_DEPTH; i++) {
		assert_table_at(t, 1, 8 + 6 * (unsigned)i);
		t = sub(t, "a");
	}
	assert_entry(get(t, "a"), 1, 8 + 6 * (MC_LSRC_MAX_DEPTH - 1) + 2,
		     1, 8 + 6 * (MC_LSRC_MAX_DEPTH - 1) + 6);
}
END_TEST

START_TEST(nesting_beyond_the_limit_fails)
{
	size_t len;
	char *src = nested(MC_LSRC_MAX_DEPTH + 1, &len);
	static char sentinel;
	mc_lsrc *s = (mc_lsrc *)(void *)&sentinel;  /* must be reset */
	int rc = mc_lsrc_scan(&s, &arena, src, len);

	ck_assert_int_eq(rc, MC_ELIMIT);
	ck_assert_ptr_null(s);
	free(src);

	/* Far deeper, and unclosed: the same, without deep recursion. */
	len = 1000000;
	src = malloc(len);
	ck_assert_ptr_nonnull(src);
	memset(src, '{', len);
	memcpy(src, "return ", 7);
	ck_assert_int_eq(mc_lsrc_scan(&s, &arena, src, len), MC_ELIMIT);
	/* Brackets skipped rather than parsed have no limit. */
	memcpy(src, "return f", 8);
	ck_assert_int_eq(mc_lsrc_scan(&s, &arena, src, len), MC_OK);
	ck_assert_ptr_null(mc_lsrc_returned(s));
	memset(src, '(', len);
	memcpy(src, "x = ", 4);
	ck_assert_int_eq(mc_lsrc_scan(&s, &arena, src, len), MC_OK);
	free(src);
}
END_TEST

START_TEST(deep_blocks_are_bounded)
{
	size_t len = 3 * 10000;
	char *src = malloc(len + 64);
	size_t n = 0;
	const mc_lsrc *s;

	ck_assert_ptr_nonnull(src);
	for (size_t i = 0; i < 10000; i++) {
		memcpy(src + n, "do ", 3);
		n += 3;
	}
	s = scann(src, n);
	ck_assert_ptr_null(mc_lsrc_returned(s));
	free(src);
}
END_TEST

START_TEST(every_prefix_of_the_example_is_safe)
{
	size_t len = strlen(EXAMPLE);

	for (size_t n = 0; n <= len; n++) {
		/* A copy of exactly n bytes, so that ASan sees any read past it. */
		char *src = malloc(n ? n : 1);
		mc_lsrc *s = NULL;
		const mc_lsrc_table *t;

		ck_assert_ptr_nonnull(src);
		memcpy(src, EXAMPLE, n);
		ck_assert_int_eq(mc_lsrc_scan(&s, &arena, src, n), MC_OK);
		free(src);
		t = mc_lsrc_returned(s);
		/* Until the last '}' the returned table is unknown or
		 * incomplete, and an incomplete one answers nothing. */
		if (n < len - 1) {
			ck_assert(t == NULL || !t->complete);
			ck_assert_ptr_null(mc_lsrc_get(t, "policy", 6));
		} else {
			ck_assert_ptr_nonnull(t);
			assert_entry(get(t, "policy"), 7, 3, 7, 12);
		}
		mc_arena_release(&arena);
	}
}
END_TEST

START_TEST(garbage_is_safe)
{
	static const char *const srcs[] = {
		"return { a = }", "return { = 1 }", "return { [ }", "return { ['a' }",
		"return { ['a'] 1 }", "return { a = 1 b = 2 }", "return { a = ) }",
		"return { 'unfinished }", "return { [[unfinished }",
		"return { --[[unfinished }", "return { '\\", "return { '\\x",
		"return { '\\u{", "return { '\\u{FFFFFFFFFFFF}' }", "return { '\\z",
		"return {\"\\", "}}}}", ")))", "]]]", "end end until",
		"return { a = function() }", "return { a = function() end",
		"local", "local =", "local function", "local a <", "local a <const",
		"function", "function a.", "function a:", "goto", "::", ":: a",
		"x.", "x:", "x:y", "x[", "x(", "x = ", "x, = 1", "return 1 2",
		"return { a = 1 } x = 2", "@", "$ return {}", "\\", "0x", "1e",
		"1e+", ".", "..", "...", "[=", "[==[", "--[=", "return {;}",
		"return { a = b.c.d. }", "return { a = b:c }", "return { a = -- }",
		"\xFF\xFE\xFD", "return { \xC3 = 1 }", "return { a = '\xC3' }",
		"return { a = 1 }\xC3", "#", "#!", "\xEF\xBB", "\xEF\xBB\xBF#x",
		"repeat until", "repeat", "while x do", "for", "if", "do",
		"return { a = not }", "return { a = 1 + }", "return { [{}] = 1 }",
	};

	for (size_t i = 0; i < sizeof(srcs) / sizeof(*srcs); i++) {
		size_t n = strlen(srcs[i]);
		char *src = malloc(n ? n : 1);
		mc_lsrc *s = NULL;
		const mc_lsrc_table *t;

		ck_assert_ptr_nonnull(src);
		memcpy(src, srcs[i], n);
		ck_assert_msg(mc_lsrc_scan(&s, &arena, src, n) == MC_OK, "'%s'",
			      srcs[i]);
		free(src);
		t = mc_lsrc_returned(s);
		if (t) {
			for (size_t k = 0; k < t->nentries; k++)
				(void)mc_lsrc_value_table(s, &t->entries[k]);
		}
	}
	/* Every byte value, in a few places. */
	for (int c = 0; c < 256; c++) {
		char src[] = "return { a = ?, ['?'] = 1, [[?]], ?? }";
		mc_lsrc *s = NULL;

		for (char *q = src; (q = strchr(q, '?')) != NULL; q++)
			*q = (char)c;
		ck_assert_int_eq(mc_lsrc_scan(&s, &arena, src, sizeof(src) - 1), MC_OK);
	}
}
END_TEST

START_TEST(random_bytes_are_safe)
{
	static const char alphabet[] = "{}[]()=,;.:'\"\\-\n\r \tabz019xe+#~<>[[]]";
	uint32_t state = 12345;
	char src[200];

	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)(round % 200);
		mc_lsrc *s = NULL;
		const mc_lsrc_table *t;

		for (size_t i = 0; i < n; i++) {
			state = state * 1103515245u + 12345u;
			src[i] = alphabet[(state >> 16) % (sizeof(alphabet) - 1)];
		}
		memcpy(src, "return {", n < 8 ? n : 8);
		ck_assert_int_eq(mc_lsrc_scan(&s, &arena, src, n), MC_OK);
		t = mc_lsrc_returned(s);
		if (t && t->nentries)
			(void)mc_lsrc_value_table(s, &t->entries[t->nentries - 1]);
		if (round % 1000 == 0)
			mc_arena_release(&arena);
	}
}
END_TEST

START_TEST(large_tables_scan_in_linear_time)
{
	/* 200,000 entries on one line, then every key looked up. */
	size_t count = 200000, cap = count * 24 + 64, n = 0;
	char *src = malloc(cap);
	const mc_lsrc_table *t;
	char key[32];

	ck_assert_ptr_nonnull(src);
	n += (size_t)snprintf(src, cap, "return {");
	for (size_t i = 0; i < count; i++)
		n += (size_t)snprintf(src + n, cap - n, " k%zu = { %zu },", i, i);
	n += (size_t)snprintf(src + n, cap - n, " }");
	t = mc_lsrc_returned(scann(src, n));
	free(src);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->nentries, count);
	for (size_t i = 0; i < count; i++) {
		int len = snprintf(key, sizeof(key), "k%zu", i);
		const mc_lsrc_entry *e = mc_lsrc_get(t, key, (size_t)len);
		ck_assert_ptr_eq(e, &t->entries[i]);
	}
	assert_entry(mc_lsrc_get(t, "k3", 2), 1, 46, 1, 51);
}
END_TEST

/* ------------------------------------------------------------------------
 * The API's edges
 */

START_TEST(null_arguments_give_null)
{
	ck_assert_ptr_null(mc_lsrc_return_value(NULL));
	ck_assert_ptr_null(mc_lsrc_returned(NULL));
	ck_assert_ptr_null(mc_lsrc_get(NULL, "a", 1));
	ck_assert_ptr_null(mc_lsrc_item(NULL, 1));
	ck_assert_ptr_null(mc_lsrc_value_table(NULL, NULL));
	ck_assert_ptr_null(mc_lsrc_value_table(scan("return {}"), NULL));
	ck_assert_ptr_null(mc_lsrc_find(NULL, "a", 1, SIZE_MAX));
	ck_assert_ptr_null(mc_lsrc_lookup(NULL, "a", 1, SIZE_MAX));
	ck_assert_uint_eq(returned("return {}")->nentries, 0);
}
END_TEST

START_TEST(unparsed_syntax_inside_a_table_marks_it_incomplete)
{
	/* `a = 1 b = 2` is not Lua; the constructor is kept as far as it was
	 * read, and answers nothing; the one around it still does. */
	const mc_lsrc *s = scan(
		"return { x = 1, bad = { a = 1 b = 2 }, y = { c = 3 } }");
	const mc_lsrc_table *t = mc_lsrc_returned(s), *bad;

	ck_assert_ptr_nonnull(t);
	ck_assert(t->complete);
	bad = get(t, "bad")->table;
	ck_assert_ptr_nonnull(bad);
	ck_assert(!bad->complete);
	ck_assert_uint_eq(bad->nentries, 1);
	ck_assert_ptr_null(mc_lsrc_get(bad, "a", 1));
	assert_entry(get(sub(t, "y"), "c"), 1, 46, 1, 50);
	/* At the top level, nothing is known after what is not understood. */
	ck_assert_ptr_null(mc_lsrc_returned(scan("x = = 1\nreturn { a = 1 }")));
}
END_TEST

Suite *
luasrc_suite(void)
{
	Suite *s = suite_create("luasrc");
	TCase *tc;

	tc = tcase_create("example");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, example_top_level_keys);
	tcase_add_test(tc, example_nested_constructors);
	tcase_add_test(tc, example_bracketed_key);
	tcase_add_test(tc, example_positional_entries);
	tcase_add_test(tc, example_names_and_dotted_names_resolve);
	suite_add_tcase(s, tc);

	tc = tcase_create("return");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, return_of_a_local_name);
	tcase_add_test(tc, return_of_a_global_name_after_reassignment);
	tcase_add_test(tc, return_of_a_name_through_another_name);
	tcase_add_test(tc, return_of_other_values_gives_no_table);
	tcase_add_test(tc, return_of_several_values_gives_the_first);
	tcase_add_test(tc, return_inside_nested_functions_is_not_the_chunks);
	suite_add_tcase(s, tc);

	tc = tcase_create("tokens");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, trailing_and_semicolon_separators);
	tcase_add_test(tc, positional_values_count_as_lua_counts);
	tcase_add_test(tc, strings_with_braces_and_quotes);
	tcase_add_test(tc, string_escapes_are_decoded);
	tcase_add_test(tc, long_strings_and_comments_with_braces);
	tcase_add_test(tc, numbers_in_every_form);
	tcase_add_test(tc, operators_are_tokens);
	tcase_add_test(tc, computed_values_keep_their_entries);
	tcase_add_test(tc, other_keys_hide_what_they_may_replace);
	tcase_add_test(tc, duplicate_keys_give_the_last);
	tcase_add_test(tc, keys_with_nul_bytes_and_empty_keys);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, names_resolve_to_the_assignment_before_them);
	tcase_add_test(tc, a_name_in_its_own_assignment_is_the_previous_one);
	tcase_add_test(tc, several_names_in_one_assignment);
	tcase_add_test(tc, names_that_may_have_changed_do_not_resolve);
	tcase_add_test(tc, long_chains_of_names_are_bounded);
	suite_add_tcase(s, tc);

	tc = tcase_create("positions");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, unicode_before_a_key_counts_characters);
	tcase_add_test(tc, byte_order_mark_is_not_a_column);
	tcase_add_test(tc, crlf_line_endings);
	tcase_add_test(tc, cr_line_endings);
	tcase_add_test(tc, shebang_line_is_skipped);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, nesting_up_to_the_limit);
	tcase_add_test(tc, nesting_beyond_the_limit_fails);
	tcase_add_test(tc, deep_blocks_are_bounded);
	tcase_add_test(tc, every_prefix_of_the_example_is_safe);
	tcase_add_test(tc, garbage_is_safe);
	tcase_add_test(tc, random_bytes_are_safe);
	tcase_add_test(tc, large_tables_scan_in_linear_time);
	tcase_add_test(tc, null_arguments_give_null);
	tcase_add_test(tc, unparsed_syntax_inside_a_table_marks_it_incomplete);
	suite_add_tcase(s, tc);

	return s;
}
