/* SPDX-License-Identifier: MIT */
/*
 * explain.c - a compiled policy described in plain words (mc_policy_explain
 * of migcheck.h), for auditors and for `migcheck explain`.
 *
 * Everything is copied into one arena that the explanation owns, so that it
 * outlives the policy. Memory running out is remembered in the builder and
 * checked once at the end.
 */
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "policy/cond.h"
#include "policy/policy.h"
#include "eval/fit.h"
#include "load/value.h"

typedef struct builder {
	const mc_policy *p;
	mc_arena *arena;
	mc_buf buf;
	bool nomem;
} builder;

static const char *
dup(builder *b, const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = mc_arena_strdup(b->arena, s);
	if (!d)
		b->nomem = true;
	return d;
}

/* The buffer's text, copied, and the buffer emptied. */
static const char *
take(builder *b)
{
	const char *s;

	if (mc_buf_failed(&b->buf))
		b->nomem = true;
	s = dup(b, mc_buf_str(&b->buf));
	mc_buf_reset(&b->buf);
	return s;
}

static void *
array(builder *b, size_t n, size_t size)
{
	void *a = mc_arena_calloc(b->arena, n ? n : 1, size);

	if (!a)
		b->nomem = true;
	return a;
}

static mc_location
loc(builder *b, const mc_node *n)
{
	mc_location l = {NULL, 0, 0};

	if (n && n->file) {
		l.file = dup(b, n->file->name);
		l.line = n->line;
		l.column = n->col;
	}
	return l;
}

static const char *
cond_words(builder *b, const mc_cond *c)
{
	if (!c)
		return NULL;
	mc_cond_words(&b->buf, c);
	return take(b);
}

static const char *
path_text(builder *b, mc_ref r)
{
	const mc_pathtab *t = r.scope == MC_SCOPE_VM ? &b->p->vm_paths
			      : &b->p->host_paths;

	mc_buf_addf(&b->buf, "%s.%s", mc_scope_name((mc_scope)r.scope),
		    t->paths[r.index].text);
	return take(b);
}

/* A message as written; a built-in one rebuilt from its parts. */
static const char *
template_text(builder *b, const mc_template *t)
{
	if (!t)
		return NULL;
	if (t->at && t->at->kind == MC_NODE_SCALAR)
		return dup(b, t->at->u.text);
	for (size_t i = 0; i < t->nparts; i++) {
		const mc_tpl_part *pt = &t->parts[i];
		const mc_pathtab *tab = pt->ref.scope == MC_SCOPE_VM
			? &b->p->vm_paths : &b->p->host_paths;

		switch (pt->kind) {
		case MC_TPL_TEXT:
			mc_buf_add(&b->buf, pt->text, pt->len);
			break;
		case MC_TPL_REF:
			mc_buf_addf(&b->buf, "{%s.%s}",
				    mc_scope_name((mc_scope)pt->ref.scope),
				    tab->paths[pt->ref.index].text);
			break;
		case MC_TPL_FIELD:
			mc_buf_adds(&b->buf, "{field}");
			break;
		case MC_TPL_SOURCE_VALUE:
			mc_buf_adds(&b->buf, "{source_value}");
			break;
		default:
			mc_buf_adds(&b->buf, "{target_value}");
			break;
		}
	}
	return take(b);
}

static void
fields(builder *b, mc_explanation *e)
{
	const mc_policy *p = b->p;
	mc_explain_field *f = array(b, p->nfields, sizeof(*f));

	if (!f)
		return;
	for (size_t i = 0; i < p->nfields; i++) {
		const mc_field *x = &p->fields[i];
		const char **norm = array(b, x->nnorm, sizeof(*norm));

		f[i].name = dup(b, x->name);
		f[i].from = dup(b, x->from.text);
		f[i].type = mc_ftype_name(x->type);
		f[i].description = dup(b, x->description);
		f[i].at = loc(b, x->at);
		f[i].source_cluster = x->source_cluster;
		if (!norm)
			continue;
		for (size_t j = 0; j < x->nnorm; j++) {
			const mc_node *pat = mc_node_get(x->norm[j].at, "pattern");

			mc_buf_addf(&b->buf, "%s -> %s",
				    pat && pat->kind == MC_NODE_SCALAR ? pat->u.text : "?",
				    x->norm[j].to);
			norm[j] = take(b);
		}
		f[i].normalize = norm;
		f[i].nnormalize = x->nnorm;
	}
	e->fields = f;
	e->nfields = p->nfields;
}

static void
kinds(builder *b, mc_explanation *e)
{
	const mc_policy *p = b->p;
	mc_explain_kind *k = array(b, p->nkinds, sizeof(*k));

	if (!k)
		return;
	for (size_t i = 0; i < p->nkinds; i++) {
		k[i].name = dup(b, p->kinds[i].name);
		k[i].description = dup(b, p->kinds[i].description);
		k[i].when = cond_words(b, p->kinds[i].when);
		k[i].at = loc(b, p->kinds[i].at);
	}
	e->kinds = k;
	e->nkinds = p->nkinds;
}

/* The kinds × fields table: what each kind checks of each field, and the
 * relaxations that drop it. */
static void
cells(builder *b, mc_explanation *e)
{
	const mc_policy *p = b->p;
	mc_explain_cell *c = array(b, p->nkinds * p->nfields, sizeof(*c));

	if (!c)
		return;
	for (size_t k = 0; k < p->nkinds; k++) {
		const mc_kind_checks *kc = &p->checks[k];

		for (size_t f = 0; f < p->nfields; f++) {
			mc_explain_cell *cell = &c[k * p->nfields + f];
			const mc_node *at = NULL;

			for (size_t i = 0; i < kc->nmatch; i++) {
				if (kc->match[i].field == f) {
					mc_buf_adds(&b->buf, "match");
					at = kc->match[i].at;
				}
			}
			for (size_t i = 0; i < kc->ncompare; i++) {
				if (kc->compare[i].field != f)
					continue;
				if (b->buf.len)
					mc_buf_adds(&b->buf, ", ");
				mc_buf_adds(&b->buf, mc_op_name(kc->compare[i].op));
				if (!at)
					at = kc->compare[i].at;
			}
			if (!b->buf.len) {
				cell->check = "not checked";
				continue;
			}
			cell->check = take(b);
			cell->at = loc(b, at);
			for (size_t r = 0; r < p->nrelax; r++) {
				if (!(p->relax[r].drop & ((uint64_t)1 << f)))
					continue;
				mc_buf_adds(&b->buf, b->buf.len ? ", or when " : "relaxed when ");
				mc_cond_words(&b->buf, p->relax[r].when);
			}
			if (b->buf.len)
				cell->relaxed = take(b);
		}
	}
	e->cells = c;
}

static void
host(builder *b, mc_explanation *e)
{
	const mc_policy *p = b->p;
	mc_explain_item *h = array(b, p->nhost_require, sizeof(*h));

	if (!h)
		return;
	for (size_t i = 0; i < p->nhost_require; i++) {
		h[i].text = cond_words(b, p->host_require[i].cond);
		h[i].at = loc(b, p->host_require[i].at);
	}
	e->host_require = h;
	e->nhost_require = p->nhost_require;
	e->host_message = template_text(b, p->host_message);
}

/* The names of the fields in a bit set, in field order. */
static const char *const *
field_names(builder *b, uint64_t bits, size_t *n)
{
	const char **names = array(b, b->p->nfields, sizeof(*names));

	*n = 0;
	if (!names)
		return NULL;
	for (size_t f = 0; f < b->p->nfields; f++) {
		if (bits & ((uint64_t)1 << f))
			names[(*n)++] = dup(b, b->p->fields[f].name);
	}
	return names;
}

static void
relax(builder *b, mc_explanation *e)
{
	const mc_policy *p = b->p;
	mc_explain_relax *r = array(b, p->nrelax, sizeof(*r));

	if (!r)
		return;
	for (size_t i = 0; i < p->nrelax; i++) {
		r[i].id = dup(b, p->relax[i].id);
		r[i].when = cond_words(b, p->relax[i].when);
		r[i].dropped = field_names(b, p->relax[i].drop, &r[i].ndropped);
		r[i].note = dup(b, p->relax[i].note);
		r[i].at = loc(b, p->relax[i].at);
	}
	e->relax = r;
	e->nrelax = p->nrelax;
}

/* Skips a Lua long bracket ([[...]], [==[...]==]) starting at s[i] == '[';
 * returns the index after it, or i when there is none. Counts lines. */
static size_t
long_bracket(const char *s, size_t len, size_t i, unsigned *line)
{
	size_t j = i + 1, level = 0;

	while (j < len && s[j] == '=') {
		level++;
		j++;
	}
	if (j >= len || s[j] != '[')
		return i;
	for (j++; j < len; j++) {
		if (s[j] == '\n')
			(*line)++;
		if (s[j] == ']') {
			size_t k = j + 1, l = 0;
			while (k < len && s[k] == '=') {
				l++;
				k++;
			}
			if (l == level && k < len && s[k] == ']')
				return k + 1;
		}
	}
	return len;
}

/*
 * The last line of the Lua function whose `function` keyword starts at
 * line:col of the file: its `end`, found by counting the block keywords
 * (function, if, do, repeat open; end, until close) outside strings and
 * comments. 0 when the source does not say.
 */
static unsigned
function_end(const mc_file *f, unsigned line, unsigned col)
{
	const char *s = f->data;
	size_t len = f->len, i = 0;
	unsigned l = 1, c = 1;
	int depth = 0;

	while (i < len && (l < line || c < col)) {
		if (s[i] == '\n') {
			l++;
			c = 1;
		} else if (((unsigned char)s[i] & 0xC0) != 0x80) {
			c++;
		}
		i++;
	}
	while (i < len) {
		char ch = s[i];

		if (ch == '\n') {
			l++;
			i++;
		} else if (ch == '-' && i + 1 < len && s[i + 1] == '-') {
			size_t j = i + 2;
			if (j < len && s[j] == '[' && (j = long_bracket(s, len, j, &l)) != i + 2) {
				i = j;
				continue;
			}
			while (i < len && s[i] != '\n')
				i++;
		} else if (ch == '[') {
			size_t j = long_bracket(s, len, i, &l);
			i = j == i ? i + 1 : j;
		} else if (ch == '"' || ch == '\'') {
			for (i++; i < len && s[i] != ch && s[i] != '\n'; i++) {
				if (s[i] == '\\' && i + 1 < len)
					i++;
			}
			i++;
		} else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_') {
			size_t j = i;
			while (j < len && ((s[j] >= 'a' && s[j] <= 'z') ||
					   (s[j] >= 'A' && s[j] <= 'Z') ||
					   (s[j] >= '0' && s[j] <= '9') || s[j] == '_'))
				j++;
#define KW(w) (j - i == sizeof(w) - 1 && memcmp(s + i, w, j - i) == 0)
			if (KW("function") || KW("if") || KW("do") || KW("repeat"))
				depth++;
			else if (KW("end") || KW("until")) {
				if (--depth == 0)
					return l;
			}
#undef KW
			i = j;
		} else {
			i++;
		}
	}
	return 0;
}

/* The lines of a rule's Lua in its policy file. */
static void
lua_lines(const mc_rule *x, mc_explain_rule *r)
{
	const mc_node *n = x->lua_at;
	unsigned nl = 0;

	if (n->type == MC_SCALAR_FUNC) {
		r->lua_first_line = n->line;
		r->lua_last_line = function_end(n->file, n->line, n->col);
		if (!r->lua_last_line)
			r->lua_last_line = n->line;
		return;
	}
	for (size_t i = 0; i + 1 < n->len; i++)
		nl += n->u.text[i] == '\n';
	/* A block scalar's text starts on the line after its indicator. */
	r->lua_first_line = n->line + ((n->flags & MC_NODE_BLOCK) ? 1 : 0);
	r->lua_last_line = r->lua_first_line + nl;
}

static void
rules(builder *b, mc_explanation *e)
{
	const mc_policy *p = b->p;
	mc_explain_rule *r = array(b, p->nrules, sizeof(*r));

	if (!r)
		return;
	for (size_t i = 0; i < p->nrules; i++) {
		const mc_rule *x = &p->rules[i];
		const char **ks = array(b, p->nkinds, sizeof(*ks));
		const char **uses = array(b, x->nuses, sizeof(*uses));

		r[i].id = dup(b, x->id);
		/* A rule for every kind lists none (whether it names them all
		 * or none). */
		uint32_t every = (uint32_t)((1ull << p->nkinds) - 1);
		if (ks && x->kinds != 0 && (x->kinds & every) != every) {
			for (size_t k = 0; k < p->nkinds; k++) {
				if (x->kinds & ((uint32_t)1 << k))
					ks[r[i].nkinds++] = dup(b, p->kinds[k].name);
			}
			r[i].kinds = ks;
		}
		if (x->require) {
			r[i].condition = cond_words(b, x->require);
		} else {
			r[i].condition = "Lua";
			r[i].lua = true;
			lua_lines(x, &r[i]);
		}
		if (uses) {
			for (size_t u = 0; u < x->nuses; u++)
				uses[u] = path_text(b, x->uses[u]);
			r[i].uses = uses;
			r[i].nuses = x->nuses;
		}
		r[i].message = template_text(b, x->message);
		r[i].description = dup(b, x->description);
		r[i].at = loc(b, x->at);
	}
	e->rules = r;
	e->nrules = p->nrules;
}

static void
prefer(builder *b, mc_explanation *e)
{
	const mc_policy *p = b->p;
	mc_explain_prefer *x = array(b, p->nprefer, sizeof(*x));

	if (!x)
		return;
	for (size_t i = 0; i < p->nprefer; i++) {
		if (p->prefer[i].field >= 0) {
			mc_buf_addf(&b->buf, "%s is equal on source and target",
				    p->fields[p->prefer[i].field].name);
			x[i].text = take(b);
		} else {
			x[i].text = cond_words(b, p->prefer[i].when);
		}
		x[i].weight = p->prefer[i].weight;
		x[i].at = loc(b, p->prefer[i].at);
	}
	e->prefer = x;
	e->nprefer = p->nprefer;
	e->prefer_total = p->prefer_total;
}

static void
remedies(builder *b, mc_explanation *e)
{
	const mc_policy *p = b->p;
	mc_explain_remedy *r = array(b, p->nremedies, sizeof(*r));

	if (!r)
		return;
	for (size_t i = 0; i < p->nremedies; i++) {
		const mc_remedy *x = &p->remedies[i];
		const char **set = array(b, x->nset, sizeof(*set));

		r[i].id = dup(b, x->id);
		r[i].says = dup(b, x->says);
		r[i].warning = dup(b, x->warning);
		r[i].at = loc(b, x->at);
		if (!set)
			continue;
		for (size_t j = 0; j < x->nset; j++) {
			mc_buf_addf(&b->buf, "vm.%s = ",
				    p->vm_paths.paths[x->set[j].vm_path].text);
			mc_value_write(&b->buf, x->set[j].value, false);
			set[j] = take(b);
		}
		r[i].set = set;
		r[i].nset = x->nset;
	}
	e->remedies = r;
	e->nremedies = p->nremedies;
}

/* The `placement` section in words, every default said. */
static void
placement(builder *b, mc_explanation *e)
{
	static const char *const units[MC_NRES] = {"%", " MB", " IOPS", "%"};
	static const char *const load_units[MC_NRES] = {"%", "", " IOPS",
							" Mbit/s"};
	const mc_policy *p = b->p;
	const mc_placement *pl = &p->placement;
	const char *sep = "";

	if (!pl->on)
		return;
	mc_buf_adds(&b->buf, pl->goal == MC_GOAL_LOAD_BALANCING
		    ? "load balancing (the least loaded host rates best)"
		    : "resource maximization (the fullest host the VM fits on "
		      "rates best)");
	mc_buf_adds(&b->buf, " for ");
	for (size_t k = 0; k < p->nkinds; k++) {
		if (pl->kinds & (1u << k)) {
			mc_buf_addf(&b->buf, "%s%s", sep, p->kinds[k].name);
			sep = ", ";
		}
	}
	if (!*sep)
		mc_buf_adds(&b->buf, "no kind");
	mc_buf_adds(&b->buf, "; importance");
	sep = " ";
	for (int r = 0; r < MC_NRES; r++) {
		mc_buf_addf(&b->buf, "%s%s %u", sep, mc_resource_name((mc_resource)r),
			    pl->importance[r]);
		sep = ", ";
	}
	mc_buf_adds(&b->buf, " (0: not considered); reserves");
	sep = " ";
	for (int r = 0; r < MC_NRES; r++) {
		mc_buf_addf(&b->buf, "%s%s %lld%s", sep,
			    mc_resource_name((mc_resource)r),
			    (long long)pl->reserve[r], units[r]);
		sep = ", ";
	}
	mc_buf_adds(&b->buf, "; a VM's load where it gives none");
	sep = " ";
	for (int r = 0; r < MC_NRES; r++) {
		if (r == MC_RES_MEMORY)
			continue;
		mc_buf_addf(&b->buf, "%s%s %lld%s", sep,
			    mc_resource_name((mc_resource)r),
			    (long long)pl->vm_load[r], load_units[r]);
		sep = ", ";
	}
	mc_buf_addf(&b->buf, "; a VM that does not fit in a host's free memory "
		    "is %s", pl->refuse ? "refused" : "rated 0 stars");
	if (p->nprefer)
		mc_buf_addf(&b->buf, "; weight %u against the preferences' %u",
			    pl->weight, p->prefer_total);
	e->placement = take(b);
	e->placement_at = loc(b, pl->at);
}

int
mc_policy_explain(mc_explanation **out, const mc_policy *p)
{
	mc_explanation *e = mc_owned_new(sizeof(*e));
	builder b = {p, NULL, MC_BUF_INIT, false};
	const char **files;
	const mc_node *tests;

	*out = NULL;
	if (!e)
		return MC_ENOMEM;
	b.arena = mc_owned_arena(e);
	e->name = dup(&b, p->name);
	e->description = dup(&b, p->description);
	e->file = dup(&b, p->file);
	e->digest = dup(&b, p->digest);
	files = array(&b, p->ndocs, sizeof(*files));
	if (files) {
		for (size_t i = 0; i < p->ndocs; i++)
			files[i] = dup(&b, p->docs[i]->file.name);
		e->files = files;
		e->nfiles = p->ndocs;
	}
	fields(&b, e);
	kinds(&b, e);
	cells(&b, e);
	host(&b, e);
	relax(&b, e);
	rules(&b, e);
	prefer(&b, e);
	placement(&b, e);
	remedies(&b, e);
	/* The tests of the policy's own file, never of its base. */
	tests = p->tests ? p->tests
		: p->ndocs && p->docs[0]->root ? mc_node_get(p->docs[0]->root, "tests")
		: NULL;
	if (tests && tests->kind == MC_NODE_SEQ)
		e->ntests = tests->len;
	mc_buf_free(&b.buf);
	if (b.nomem) {
		mc_explanation_free(e);
		return MC_ENOMEM;
	}
	*out = e;
	return MC_OK;
}

void
mc_explanation_free(mc_explanation *e)
{
	mc_owned_free(e);
}
