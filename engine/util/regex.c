/* SPDX-License-Identifier: MIT */
/*
 * regex.c - the pcre2 wrapper.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "util/regex.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/budget.h"
#include "util/grow.h"

/* The limit a match is first tried under (see mc_regex_match). */
#define FIRST_STEPS 64

/* Enough capture pairs for any pattern a policy needs; a match with more
 * groups still reports the match (pcre2 returns 0). */
#define OVECTOR_PAIRS 32

struct mc_regex {
	pcre2_code *code;
	uint32_t captures;
};

int
mc_regex_compile(mc_regex **out, const char *pattern, size_t len,
		 bool caseless, char *err, size_t errsize, size_t *offset)
{
	uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_NEVER_BACKSLASH_C;
	PCRE2_SIZE erroff = 0;
	int errcode = 0;
	mc_regex *re;

	*out = NULL;
	if (caseless)
		opts |= PCRE2_CASELESS;
	re = calloc(1, sizeof(*re));
	if (!re) {
		snprintf(err, errsize, "out of memory");
		*offset = 0;
		return MC_ENOMEM;
	}
	re->code = pcre2_compile((PCRE2_SPTR)pattern, len, opts, &errcode,
				 &erroff, NULL);
	if (!re->code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(errcode, msg, sizeof(msg));
		snprintf(err, errsize, "%s", (const char *)msg);
		*offset = erroff;
		free(re);
		return errcode == PCRE2_ERROR_HEAP_FAILED ? MC_ENOMEM : -1;
	}
	/* Without JIT support pcre2 interprets the pattern, under the same
	 * limits; a JIT failure is not an error. */
	(void)pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
	pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &re->captures);
	*out = re;
	return 0;
}

void
mc_regex_free(mc_regex *re)
{
	if (!re)
		return;
	pcre2_code_free(re->code);
	free(re);
}

int
mc_regex_check_replacement(const mc_regex *re, const char *to, char *err,
			   size_t errsize)
{
	for (const char *p = to; *p; p++) {
		if (*p != '$')
			continue;
		p++;
		if (*p == '$')
			continue;
		if (*p >= '0' && *p <= '9') {
			/* pcre2 reads every digit: $10 is group 10, not $1 and 0 */
			unsigned long n = 0;
			const char *start = p;
			while (p[1] >= '0' && p[1] <= '9' && n < 100000)
				n = n * 10 + (unsigned long)(*p++ - '0');
			n = n * 10 + (unsigned long)(*p - '0');
			if (n > re->captures) {
				snprintf(err, errsize, "'$%.*s' names a group the pattern "
					 "does not have", (int)(p - start + 1), start);
				return -1;
			}
			continue;
		}
		if (*p == '{') {
			const char *e = strchr(p, '}');
			char name[64];
			size_t n;

			if (!e || (n = (size_t)(e - p - 1)) == 0 || n >= sizeof(name)) {
				snprintf(err, errsize, "'${' without a group and '}'");
				return -1;
			}
			memcpy(name, p + 1, n);
			name[n] = '\0';
			if (strspn(name, "0123456789") == n) {
				if ((unsigned long)strtoul(name, NULL, 10) > re->captures) {
					snprintf(err, errsize, "'${%s}' names a group the "
						 "pattern does not have", name);
					return -1;
				}
			} else if (pcre2_substring_number_from_name(
					   re->code, (PCRE2_SPTR)name) < 0) {
				snprintf(err, errsize, "'${%s}' names a group the pattern "
					 "does not have", name);
				return -1;
			}
			p = e;
			continue;
		}
		snprintf(err, errsize, "'$' must be followed by a group number, "
			 "'{name}' or another '$'");
		return -1;
	}
	return 0;
}

int
mc_matcher_init(mc_matcher *m, const mc_limits *limits)
{
	pcre2_match_context *ctx;

	m->match_data = pcre2_match_data_create(OVECTOR_PAIRS, NULL);
	ctx = pcre2_match_context_create(NULL);
	m->context = ctx;
	if (!m->match_data || !ctx) {
		mc_matcher_release(m);
		return -1;
	}
	m->limit = limits->regex_match_limit;
	m->budget = NULL;
	m->run_out = false;
	pcre2_set_match_limit(ctx, m->limit);
	pcre2_set_depth_limit(ctx, limits->regex_depth_limit);
	return 0;
}

void
mc_matcher_release(mc_matcher *m)
{
	pcre2_match_data_free(m->match_data);
	pcre2_match_context_free(m->context);
	m->match_data = NULL;
	m->context = NULL;
}

/* One pcre2 call: a match, or a substitution into out. */
typedef struct attempt {
	const mc_regex *re;
	const char *s;
	size_t len;
	const char *to;      /* a substitution's template, or NULL */
	char *out;
	PCRE2_SIZE outlen;
} attempt;

static int
try_once(mc_matcher *m, attempt *a, PCRE2_SIZE *outlen)
{
	if (!a->to)
		return pcre2_match(a->re->code, (PCRE2_SPTR)a->s, a->len, 0, 0,
				   m->match_data, m->context);
	*outlen = a->outlen;
	return pcre2_substitute(a->re->code, (PCRE2_SPTR)a->s, a->len, 0,
				PCRE2_SUBSTITUTE_REPLACEMENT_ONLY |
				PCRE2_SUBSTITUTE_OVERFLOW_LENGTH |
				PCRE2_SUBSTITUTE_UNSET_EMPTY,
				m->match_data, m->context, (PCRE2_SPTR)a->to,
				PCRE2_ZERO_TERMINATED, (PCRE2_UCHAR *)a->out, outlen);
}

/* Runs the attempt under growing limits, each charged to the budget (see
 * regex.h); returns pcre2's result. */
static int
run(mc_matcher *m, attempt *a, PCRE2_SIZE *outlen)
{
	uint64_t want = FIRST_STEPS < m->limit ? FIRST_STEPS : m->limit;
	int rc;

	m->run_out = false;
	if (!m->budget)
		return try_once(m, a, outlen);
	for (;;) {
		uint64_t got = mc_budget_take_regex(m->budget, want);

		if (!got) {
			m->run_out = true;
			return PCRE2_ERROR_MATCHLIMIT;
		}
		pcre2_set_match_limit(m->context, (uint32_t)got);
		rc = try_once(m, a, outlen);
		if (rc != PCRE2_ERROR_MATCHLIMIT)
			break;
		if (got < want) {
			m->run_out = true;
			break;
		}
		if (want >= m->limit)
			break;
		want = want * 4 < m->limit ? want * 4 : m->limit;
	}
	pcre2_set_match_limit(m->context, m->limit);
	return rc;
}

int
mc_regex_match(const mc_regex *re, mc_matcher *m, const char *s, size_t len)
{
	attempt a = {re, s, len, NULL, NULL, 0};
	int rc = run(m, &a, NULL);

	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	return -1;
}

int
mc_regex_replace(const mc_regex *re, mc_matcher *m, const char *s, size_t len,
		 const char *to, char *out, size_t *outlen)
{
	attempt a = {re, s, len, to, out, *outlen};
	PCRE2_SIZE n = *outlen;
	int rc = run(m, &a, &n);

	*outlen = n;
	if (rc > 0)
		return 1;
	if (rc == 0)
		return 0;
	if (rc == PCRE2_ERROR_NOMEMORY)
		return -2;
	return -1;
}

int
mc_regex_set_add(mc_regex_set *set, mc_regex *re)
{
	if (MC_GROW(set->items, set->cap, set->count + 1) < 0) {
		mc_regex_free(re);
		return -1;
	}
	set->items[set->count++] = re;
	return 0;
}

void
mc_regex_set_free(mc_regex_set *set)
{
	for (size_t i = 0; i < set->count; i++)
		mc_regex_free(set->items[i]);
	free(set->items);
	set->items = NULL;
	set->count = set->cap = 0;
}
