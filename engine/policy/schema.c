/* SPDX-License-Identifier: MIT */
/*
 * schema.c - checking a mapping against the keys its section declares.
 */
#include "policy/schema.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/diag.h"
#include "util/text.h"

/* Reports an error at a node with the stable id `code`, and counts it. */
#define serror(diag, errors, code, at, ...) \
	do { \
		if (mc_node_error_counted((diag), (errors), (at), \
					  __VA_ARGS__) == 0) \
			mc_diag_set_code((diag), (code)); \
	} while (0)

const char *
mc_schema_suggest(const char *word, const char *const *choices)
{
	const char *best = NULL;
	size_t bestd = 3;

	for (; *choices; choices++) {
		size_t d = mc_text_distance(word, *choices, 2);
		if (d < bestd) {
			bestd = d;
			best = *choices;
		}
	}
	return best;
}

/* The words, joined: "a, b, c" (sep ", ") or "'a', 'b' and 'c'". */
static void
list_words(char *buf, size_t size, const char *const *words, bool quoted)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; words[i] && off < size; i++) {
		const char *sep = i == 0 ? "" : !quoted || words[i + 1] ? ", "
				  : " and ";
		off += (size_t)snprintf(buf + off, size - off,
					quoted ? "%s'%s'" : "%s%s", sep, words[i]);
	}
}

/* Names of fields, kinds, rules and remedies: a letter, then letters,
 * digits, '_', '-' or '.'. */
static bool
is_name(const mc_node *n)
{
	const char *s = n->u.text;
	bool ok = (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z');

	for (size_t i = 1; ok && i < n->len; i++) {
		char c = s[i];
		ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		     (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
	}
	return ok && n->len <= 64;
}

bool
mc_schema_want(const mc_node *n, mc_key_type t, const char *what,
	       mc_diag *diag, int *errors)
{
	switch (t) {
	case MC_KEY_ANY:
		return true;
	case MC_KEY_MAP:
		if (n->kind == MC_NODE_MAP)
			return true;
		serror(diag, errors, "bad-value", n, "%s must be a mapping, not %s",
		       what, mc_node_describe(n));
		return false;
	case MC_KEY_LIST:
		if (mc_node_is_seq(n))
			return true;
		serror(diag, errors, "bad-value", n, "%s must be a list, not %s",
		       what, mc_node_describe(n));
		return false;
	case MC_KEY_BOOL:
		if (n->kind == MC_NODE_SCALAR && n->type == MC_SCALAR_BOOL)
			return true;
		serror(diag, errors, "bad-value", n, "%s must be true or false", what);
		return false;
	case MC_KEY_VALUE:
		if (n->kind == MC_NODE_SCALAR && n->type != MC_SCALAR_NULL)
			return true;
		serror(diag, errors, "bad-value", n, "%s must be a value, not %s",
		       what, mc_node_describe(n));
		return false;
	case MC_KEY_STR:
	case MC_KEY_NAME:
		break;
	}
	if (!mc_node_is_str(n) || n->len == 0) {
		serror(diag, errors, "bad-value", n, "%s must be a non-empty "
		       "string, not %s", what,
		       mc_node_is_str(n) ? "an empty string" : mc_node_describe(n));
		return false;
	}
	if (t == MC_KEY_STR || is_name(n))
		return true;
	serror(diag, errors, "bad-value", n, "'%.64s' is not a valid %s: use a "
	       "letter, then letters, digits, '_', '-' or '.' (at most 64)",
	       n->u.text, what);
	return false;
}

/* Reports every key of map that s does not declare; returns how many. */
static int
unknown_keys(const mc_schema *s, const char *const *names, const mc_node *map,
	     mc_diag *diag, int *errors)
{
	int bad = 0;

	for (size_t i = 0; i < map->len; i++) {
		const mc_node *k = map->u.pairs[i].key;
		const char *const *a;
		char words[256];

		for (a = names; *a; a++) {
			if (strcmp(*a, k->u.text) == 0)
				break;
		}
		if (*a)
			continue;
		const char *sug = mc_schema_suggest(k->u.text, names);
		if (sug) {
			serror(diag, errors, "unknown-key", k, "unknown key '%.64s' in "
			       "%s; did you mean '%s'?", k->u.text, s->what, sug);
		} else {
			list_words(words, sizeof(words), names, false);
			serror(diag, errors, "unknown-key", k, "unknown key '%.64s' in "
			       "%s (known keys: %s)", k->u.text, s->what, words);
		}
		bad++;
	}
	return bad;
}

/* Reports, once, the required keys when one of them is missing. */
static bool
required_keys(const mc_schema *s, const mc_node *map, mc_diag *diag,
	      int *errors)
{
	const char *req[MC_SCHEMA_MAX_KEYS + 1];
	size_t n = 0;
	bool missing = false;
	char words[256];

	for (const mc_key *k = s->keys; k->name; k++) {
		if (!k->required)
			continue;
		req[n++] = k->name;
		missing |= !mc_node_get(map, k->name);
	}
	req[n] = NULL;
	if (!missing)
		return true;
	list_words(words, sizeof(words), req, true);
	serror(diag, errors, "bad-value", map, "%s needs %s%s", s->what,
	       n > 1 ? "" : strchr("aeiou", req[0][0]) ? "an " : "a ", words);
	return false;
}

bool
mc_schema_check(const mc_schema *s, const mc_node *n, const mc_node **vals,
		mc_diag *diag, int *errors)
{
	const char *names[MC_SCHEMA_MAX_KEYS + 1];
	size_t nk = 0;
	char what[64];

	for (const mc_key *k = s->keys; k->name; k++) {
		assert(nk < MC_SCHEMA_MAX_KEYS);
		if (vals)
			vals[nk] = NULL;
		names[nk++] = k->name;
	}
	names[nk] = NULL;
	if (!mc_schema_want(n, MC_KEY_MAP, s->what, diag, errors) ||
	    unknown_keys(s, names, n, diag, errors) ||
	    !required_keys(s, n, diag, errors))
		return false;
	for (size_t i = 0; i < nk; i++) {
		const mc_key *k = &s->keys[i];
		const mc_node *v = mc_node_get(n, k->name);

		if (vals)
			vals[i] = v;
		if (!v)
			continue;
		if (!k->what)
			snprintf(what, sizeof(what), "'%s'", k->name);
		if (!mc_schema_want(v, k->type, k->what ? k->what : what, diag,
				    errors))
			return false;
	}
	return true;
}
