/* SPDX-License-Identifier: MIT */
/*
 * lint.c - warnings about a compiled policy: kinds that check nothing or
 * can never be chosen, relaxations and remedies that give up the
 * processor's identity, rules that apply to no kind, fields, remedies and
 * normalize patterns that do nothing.
 *
 * Every check reads the compiled policy only; each warning is placed at the
 * policy text it is about and carries its id (lint.h).
 */
#include "audit/lint.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "load/value.h"
#include "policy/policy.h"

typedef struct linter {
	const mc_policy *p;
	mc_diag *diag;
	mc_matcher matcher;
	bool nomem;
} linter;

static void warn(linter *l, const char *code, const mc_node *at,
		 const char *fmt, ...) MC_PRINTF(4, 5);

static void
warn(linter *l, const char *code, const mc_node *at, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (mc_node_diag(l->diag, MC_SEVERITY_WARNING, at, "%s", msg) < 0)
		l->nomem = true;
	else
		mc_diag_set_code(l->diag, code);
}

/* ------------------------------------------------------------------------
 * Kinds
 */

static void
kinds_checking_nothing(linter *l)
{
	const mc_policy *p = l->p;

	if (p->nhost_require)
		return;  /* host requirements apply to every kind */
	for (size_t k = 0; k < p->nkinds; k++) {
		bool ruled = false;

		if (p->checks[k].nmatch || p->checks[k].ncompare)
			continue;
		/* Placement checks that the VM fits in a host's memory. */
		if (p->placement.on && (p->placement.kinds & (1u << k)))
			continue;
		for (size_t r = 0; r < p->nrules && !ruled; r++)
			ruled = (p->rules[r].kinds & (1u << k)) != 0;
		if (!ruled)
			warn(l, MC_LINT_KIND_CHECKS_NOTHING, p->kinds[k].at,
			     "kind '%s' checks nothing: no host requirement, match, "
			     "compare, rule or placement applies to it, so every host "
			     "can take such a VM", p->kinds[k].name);
	}
}

/* A condition with its single-part `all`s taken off. */
static const mc_cond *
unwrap(const mc_cond *c)
{
	while (c->type == MC_COND_ALL && c->nkids == 1)
		c = c->kids[0];
	return c;
}

static bool
ref_equal(mc_ref a, mc_ref b)
{
	return a.scope == b.scope && a.index == b.index;
}

/* Whether two conditions are written alike (after unwrapping). */
static bool
cond_equal(const mc_cond *a, const mc_cond *b)
{
	a = unwrap(a);
	b = unwrap(b);
	if (a->type != b->type)
		return false;
	if (a->type == MC_COND_LEAF)
		return a->op == b->op && ref_equal(a->subject, b->subject) &&
		       a->operand_is_ref == b->operand_is_ref &&
		       (a->operand_is_ref ? ref_equal(a->operand_ref, b->operand_ref)
			: mc_value_equal(a->operand, b->operand, MC_EQ_DEEP));
	if (a->nkids != b->nkids)
		return false;
	for (size_t i = 0; i < a->nkids; i++) {
		if (!cond_equal(a->kids[i], b->kids[i]))
			return false;
	}
	return true;
}

/* Whether the single test `early` holds wherever the single test `late`
 * does: both on the same path, `late` an equality or `in` whose values
 * the earlier `in` (or equality) all takes, or `early` an `exists: true`. */
static bool
test_covers(const mc_cond *early, const mc_cond *late)
{
	early = unwrap(early);
	late = unwrap(late);
	if (early->type != MC_COND_LEAF || late->type != MC_COND_LEAF ||
	    !ref_equal(early->subject, late->subject) || late->operand_is_ref)
		return false;
	if (early->op == MC_OP_EXISTS)
		return early->operand->num == 1 && late->op != MC_OP_EXISTS &&
		       late->op != MC_OP_NE && late->op != MC_OP_NOT_IN;
	if (early->operand_is_ref)
		return false;
	if (late->op == MC_OP_EQ) {
		if (early->op == MC_OP_EQ)
			return mc_node_equal(early->operand, late->operand);
		return early->op == MC_OP_IN &&
		       mc_value_in(late->operand, early->operand);
	}
	if (late->op == MC_OP_IN && late->operand->kind == MC_NODE_SEQ) {
		for (size_t i = 0; i < late->operand->len; i++) {
			const mc_node *v = late->operand->u.items[i];
			if (early->op == MC_OP_EQ ? !mc_node_equal(early->operand, v)
			    : early->op != MC_OP_IN || !mc_value_in(v, early->operand))
				return false;
		}
		return late->operand->len > 0;
	}
	return false;
}

static void
kinds_shadowed(linter *l)
{
	const mc_policy *p = l->p;

	for (size_t j = 1; j < p->nkinds; j++) {
		const mc_kind *late = &p->kinds[j];

		for (size_t i = 0; i < j; i++) {
			const mc_kind *early = &p->kinds[i];
			const char *why = NULL;

			if (!early->when)
				why = "has no 'when', so it applies to every VM";
			else if (late->when && cond_equal(early->when, late->when))
				why = "has the same 'when'";
			else if (late->when && test_covers(early->when, late->when))
				why = "has a 'when' that holds wherever this one does";
			if (why) {
				warn(l, MC_LINT_KIND_SHADOWED, late->at, "kind '%s' can never "
				     "be chosen: the earlier kind '%s' (line %u) %s",
				     late->name, early->name, (unsigned)early->at->line, why);
				break;
			}
		}
	}
}

/* ------------------------------------------------------------------------
 * Relaxations and remedies
 */

static bool
ends_with_word(const char *s, const char *word)
{
	size_t n = strlen(s), w = strlen(word);

	return n >= w && strcmp(s + n - w, word) == 0 &&
	       (n == w || s[n - w - 1] == '.');
}

/* Whether a field says who made the processor or what architecture it
 * has: what no relaxation should stop checking. */
static bool
identity_field(const mc_field *f)
{
	static const char *const names[] = {"manufacturer", "vendor",
					    "architecture", "arch", NULL};

	for (size_t i = 0; names[i]; i++) {
		if (strcmp(f->name, names[i]) == 0)
			return true;
	}
	return f->from.text && (ends_with_word(f->from.text, "manufacturer") ||
				ends_with_word(f->from.text, "vendor") ||
				ends_with_word(f->from.text, "architecture"));
}

/* The first identity field a relaxation drops, or -1. */
static int
drops_identity(const mc_policy *p, const mc_relax *r)
{
	for (size_t f = 0; f < p->nfields; f++) {
		if ((r->drop & ((uint64_t)1 << f)) && identity_field(&p->fields[f]))
			return (int)f;
	}
	return -1;
}

/* The node naming field f in a relaxation's `drop`, or the relaxation. */
static const mc_node *
drop_node(const mc_relax *r, const char *field)
{
	const mc_node *drop = mc_node_get(r->at, "drop");

	for (size_t i = 0; drop && drop->kind == MC_NODE_SEQ && i < drop->len; i++) {
		const mc_node *n = drop->u.items[i];
		if (mc_node_is_str(n) && strcmp(n->u.text, field) == 0)
			return n;
	}
	return r->at;
}

static const char *
relax_name(const mc_relax *r, char *buf, size_t size)
{
	if (r->id)
		snprintf(buf, size, "'%s'", r->id);
	else
		snprintf(buf, size, "at line %u", (unsigned)r->at->line);
	return buf;
}

static void
relax_identity(linter *l)
{
	const mc_policy *p = l->p;

	for (size_t i = 0; i < p->nrelax; i++) {
		const mc_relax *r = &p->relax[i];
		int f = drops_identity(p, r);
		char name[96];

		if (f < 0)
			continue;
		warn(l, MC_LINT_RELAX_DROPS_IDENTITY, drop_node(r, p->fields[f].name),
		     "relaxation %s drops '%s': a saved state never moves between "
		     "processors of another manufacturer or architecture",
		     relax_name(r, name, sizeof(name)), p->fields[f].name);
	}
	for (size_t i = 0; i < p->nremedies; i++) {
		const mc_remedy *m = &p->remedies[i];

		for (size_t s = 0; s < m->nset; s++) {
			size_t r;
			int f = -1;

			for (r = 0; r < p->nrelax; r++) {
				if (mc_cond_reads(p->relax[r].when, MC_SCOPE_VM,
						  m->set[s].vm_path) &&
				    (f = drops_identity(p, &p->relax[r])) >= 0)
					break;
			}
			if (f >= 0) {
				char name[96];
				warn(l, MC_LINT_REMEDY_DROPS_IDENTITY, m->set[s].at,
				     "remedy '%s' sets '%s', which can make relaxation %s "
				     "apply and drop '%s'", m->id, m->set[s].at->u.text,
				     relax_name(&p->relax[r], name, sizeof(name)),
				     p->fields[f].name);
				break;
			}
		}
	}
}

/* ------------------------------------------------------------------------
 * Rules, fields and remedies that do nothing
 */

/* A relaxation that drops nothing is there for its note; one without a
 * note does nothing at all. */
static void
relax_says_nothing(linter *l)
{
	const mc_policy *p = l->p;

	for (size_t i = 0; i < p->nrelax; i++) {
		const mc_relax *r = &p->relax[i];
		char name[96];

		if (r->drop || r->note)
			continue;
		warn(l, MC_LINT_RELAX_SAYS_NOTHING, r->at, "relaxation %s drops "
		     "nothing and has no note: it does nothing",
		     relax_name(r, name, sizeof(name)));
	}
}

static void
rules_without_kind(linter *l)
{
	const mc_policy *p = l->p;

	for (size_t i = 0; i < p->nrules; i++) {
		const mc_rule *r = &p->rules[i];
		const mc_node *k;

		if (!r->kinds_listed || r->kinds)
			continue;
		k = mc_node_get(r->at, "kinds");
		warn(l, MC_LINT_RULE_NO_KIND, k ? k : r->at, "rule '%s' applies to "
		     "no kind: its 'kinds' list is empty (leave 'kinds' out for "
		     "every kind)", r->id);
	}
}

static void
placement_without_kind(linter *l)
{
	const mc_placement *pl = &l->p->placement;
	const mc_node *k;

	if (!pl->on || pl->kinds)
		return;
	k = mc_node_get(pl->at, "kinds");
	warn(l, MC_LINT_PLACEMENT_NO_KIND, k ? k : pl->at, "'placement' rates no "
	     "kind: its 'kinds' list is empty (leave 'kinds' out for every kind)");
}

static void
fields_unused(linter *l)
{
	const mc_policy *p = l->p;
	uint64_t used = 0;

	for (size_t k = 0; k < p->nkinds; k++) {
		for (size_t i = 0; i < p->checks[k].nmatch; i++)
			used |= (uint64_t)1 << p->checks[k].match[i].field;
		for (size_t i = 0; i < p->checks[k].ncompare; i++)
			used |= (uint64_t)1 << p->checks[k].compare[i].field;
	}
	for (size_t i = 0; i < p->nrelax; i++)
		used |= p->relax[i].drop;
	for (size_t i = 0; i < p->nprefer; i++) {
		if (p->prefer[i].field >= 0)
			used |= (uint64_t)1 << p->prefer[i].field;
	}
	for (size_t f = 0; f < p->nfields; f++) {
		if (!(used & ((uint64_t)1 << f)))
			warn(l, MC_LINT_FIELD_UNUSED, p->fields[f].at, "field '%s' is "
			     "declared but no match, compare, relaxation or preference "
			     "uses it", p->fields[f].name);
	}
}

static bool
template_reads(const mc_template *t, uint32_t index)
{
	for (size_t i = 0; t && i < t->nparts; i++) {
		if (t->parts[i].kind == MC_TPL_REF &&
		    t->parts[i].ref.scope == MC_SCOPE_VM &&
		    t->parts[i].ref.index == index)
			return true;
	}
	return false;
}

/* Whether anything in the policy reads the VM path `index`. */
static bool
vm_path_read(const mc_policy *p, uint32_t index)
{
#define READS(c) ((c) && mc_cond_reads((c), MC_SCOPE_VM, index))
	for (size_t i = 0; i < p->nkinds; i++) {
		if (READS(p->kinds[i].when))
			return true;
		for (size_t j = 0; j < p->checks[i].ncompare; j++) {
			if (template_reads(p->checks[i].compare[j].message, index))
				return true;
		}
	}
	for (size_t i = 0; i < p->nhost_require; i++) {
		if (READS(p->host_require[i].cond))
			return true;
	}
	for (size_t i = 0; i < p->nrelax; i++) {
		if (READS(p->relax[i].when))
			return true;
	}
	for (size_t i = 0; i < p->nrules; i++) {
		const mc_rule *r = &p->rules[i];
		if (READS(r->require) || template_reads(r->message, index))
			return true;
		for (size_t j = 0; j < r->nuses; j++) {
			if (r->uses[j].scope == MC_SCOPE_VM && r->uses[j].index == index)
				return true;
		}
	}
	for (size_t i = 0; i < p->nprefer; i++) {
		if (READS(p->prefer[i].when))
			return true;
	}
	for (size_t i = 0; p->placement.on && i < MC_NPV; i++) {
		if (p->placement.vm_path[i] == index)
			return true;
	}
	return template_reads(p->host_message, index) ||
	       template_reads(p->match_message, index);
#undef READS
}

static void
remedies_without_effect(linter *l)
{
	const mc_policy *p = l->p;

	/* A Lua rule that does not say what it reads may read anything. */
	for (size_t i = 0; i < p->nrules; i++) {
		if (!p->rules[i].require && !p->rules[i].has_uses)
			return;
	}
	for (size_t i = 0; i < p->nremedies; i++) {
		const mc_remedy *m = &p->remedies[i];
		bool read = false;

		for (size_t s = 0; s < m->nset && !read; s++)
			read = vm_path_read(p, m->set[s].vm_path);
		if (!read) {
			const mc_node *id = mc_node_get(m->at, "id");
			warn(l, MC_LINT_REMEDY_NO_EFFECT, id ? id : m->at, "remedy '%s' "
			     "changes nothing the policy reads: no condition or message "
			     "reads what its 'set' changes", m->id);
		}
	}
}

/* ------------------------------------------------------------------------
 * Normalize patterns
 */

/* Strings of many shapes: a pattern that matches all of them is taken to
 * match anything. */
static const char *const probes[] = {
	"", "x", "Z", "0", "9", "GenuineIntel", "AuthenticAMD", "x86_64",
	"Intel(R) Xeon(R) CPU E5-2670 0 @ 2.60GHz", "-", " ", "!@#%&*()[]{}",
	"line one\nline two", "\xc3\xa9t\xc3\xa9",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	NULL
};

static bool
matches(linter *l, const mc_regex *re, const char *s, size_t len)
{
	return mc_regex_match(re, &l->matcher, s, len) == 1;
}

static bool
matches_anything(linter *l, const mc_regex *re)
{
	for (size_t i = 0; probes[i]; i++) {
		if (!matches(l, re, probes[i], strlen(probes[i])))
			return false;
	}
	return true;
}

static bool
literal_char(char c)
{
	return c != '\0' && !strchr(".^$*+?()[]{}|\\", c);
}

/*
 * Splits a pattern that is a literal, `^literal$`, or `^(a|b|c)$` (also
 * with `(?:`) into its literals, written NUL-separated into buf; returns
 * how many, or 0 when the pattern is none of those. *anchored says whether
 * the literals are the whole value.
 */
static size_t
literals(const char *pat, char *buf, size_t size, bool *anchored)
{
	size_t n = strlen(pat), count = 0, o = 0;
	const char *s = pat, *end = pat + n;
	bool group = false;

	*anchored = n >= 2 && pat[0] == '^' && pat[n - 1] == '$';
	if (*anchored) {
		s++;
		end--;
		if (end - s >= 2 && *s == '(' && end[-1] == ')') {
			s += strncmp(s, "(?:", 3) == 0 ? 3 : 1;
			end--;
			group = true;
		}
	}
	if (s >= end || size < 2)
		return 0;
	for (; s < end; s++) {
		char c = *s;
		if (c == '|' && group) {
			if (o == 0 || buf[o - 1] == '\0')
				return 0;
			buf[o++] = '\0';
			count++;
		} else if (c == '\\' && s + 1 < end && !literal_char(s[1])) {
			buf[o++] = *++s;
		} else if (literal_char(c)) {
			buf[o++] = c;
		} else {
			return 0;
		}
		if (o + 2 >= size)
			return 0;
	}
	if (o == 0 || buf[o - 1] == '\0')
		return 0;
	buf[o++] = '\0';
	return count + 1;
}

/* Whether the earlier pattern matches every value that the later pattern,
 * a literal or alternation of literals, matches. */
static bool
covers_literals(linter *l, const mc_regex *early, const char *pat,
		bool caseless)
{
	char buf[1024], v[1100];
	bool anchored;
	size_t n = literals(pat, buf, sizeof(buf), &anchored);
	const char *lit = buf;

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++, lit += strlen(lit) + 1) {
		/* An unanchored literal matches it inside other text too; a
		 * caseless one in any case. */
		static const char *const before[] = {"", "x ", "", "x "};
		static const char *const after[] = {"", "", " x", " x"};
		size_t nshapes = anchored ? 1 : 4;

		for (size_t sh = 0; sh < nshapes; sh++) {
			for (int cs = 0; cs < (caseless ? 3 : 1); cs++) {
				size_t len = (size_t)snprintf(v, sizeof(v), "%s%s%s",
							      before[sh], lit, after[sh]);
				for (size_t k = 0; cs && k < len; k++) {
					if (v[k] >= 'a' && v[k] <= 'z' && cs == 1)
						v[k] = (char)(v[k] - 'a' + 'A');
					else if (v[k] >= 'A' && v[k] <= 'Z' && cs == 2)
						v[k] = (char)(v[k] - 'A' + 'a');
				}
				if (!matches(l, early, v, len))
					return false;
			}
		}
	}
	return true;
}

/* How many earlier entries a pattern of literals is compared with: a
 * field with thousands of entries would otherwise cost their square. */
#define COVER_WINDOW 256

static void
normalize_unreachable(linter *l)
{
	const mc_policy *p = l->p;

	for (size_t f = 0; f < p->nfields; f++) {
		const mc_field *fd = &p->fields[f];
		size_t any = SIZE_MAX;  /* the first entry that matches anything */

		for (size_t j = 0; j < fd->nnorm; j++) {
			const mc_node *pat = mc_node_get(fd->norm[j].at, "pattern");
			const mc_node *cl = mc_node_get(fd->norm[j].at, "caseless");
			bool caseless = cl && cl->num;
			size_t hit = SIZE_MAX;

			/* the first earlier entry that covers it: one that
			 * matches anything, or one before that covering its
			 * literals */
			for (size_t i = j > COVER_WINDOW ? j - COVER_WINDOW : 0;
			     hit == SIZE_MAX && pat && i < j && i < any; i++) {
				if (covers_literals(l, fd->norm[i].re, pat->u.text, caseless))
					hit = i;
			}
			if (hit == SIZE_MAX)
				hit = any;
			if (hit != SIZE_MAX)
				warn(l, MC_LINT_NORMALIZE_UNREACHABLE, pat ? pat
				     : fd->norm[j].at, "this pattern of field '%s' never "
				     "applies: the earlier pattern at line %u matches "
				     "everything it would", fd->name,
				     (unsigned)fd->norm[hit].at->line);
			if (any == SIZE_MAX && matches_anything(l, fd->norm[j].re))
				any = j;
		}
	}
}

/* ------------------------------------------------------------------------
 * Entry point
 */

int
mc_policy_lint(const mc_policy *p, mc_diag *diag)
{
	mc_limits lim;
	linter l;

	memset(&l, 0, sizeof(l));
	l.p = p;
	l.diag = diag;
	mc_limits_default(&lim);
	if (mc_matcher_init(&l.matcher, &lim) < 0)
		return MC_ENOMEM;
	kinds_checking_nothing(&l);
	kinds_shadowed(&l);
	relax_identity(&l);
	relax_says_nothing(&l);
	rules_without_kind(&l);
	placement_without_kind(&l);
	fields_unused(&l);
	remedies_without_effect(&l);
	normalize_unreachable(&l);
	mc_matcher_release(&l.matcher);
	return l.nomem ? MC_ENOMEM : MC_OK;
}
