/* SPDX-License-Identifier: MIT */
/*
 * compile.c - compiling a policy's layer (load.c) into the flat arrays of
 * mc_policy: field accessors resolved to path indexes, conditions into
 * trees, patterns compiled, messages into templates. Each section's keys
 * are declared as data (schema.h); compiling goes on after an error to
 * report the others. Rules, remedies and tests are in rules.c.
 */
#include "policy/loader.h"

#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const ftype_names[] = {
	"string", "integer", "boolean", "version", "set", NULL
};

const char *
mc_ftype_name(mc_ftype t)
{
	return ftype_names[t];
}

static int
find_field(const mc_policy *p, const char *name)
{
	for (size_t i = 0; i < p->nfields; i++) {
		if (strcmp(p->fields[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

int
mc_policy_find_kind(const mc_policy *p, const char *name)
{
	for (size_t i = 0; i < p->nkinds; i++) {
		if (strcmp(p->kinds[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

void
mc_policy_no_kind(const mc_policy *p, const char *name, mc_diag *diag)
{
	mc_buf kinds = MC_BUF_INIT;
	const char *near = p->nkinds ? mc_text_nearest(name, &p->kinds[0].name,
							p->nkinds, sizeof(p->kinds[0]))
				     : NULL;

	for (size_t k = 0; k < p->nkinds; k++)
		mc_buf_addf(&kinds, "%s%s", k ? ", " : "", p->kinds[k].name);
	if (near)
		mc_diag_error(diag, "policy '%s' has no kind '%s': did you mean '%s'? "
			      "(kinds: %s)", p->name, name, near, mc_buf_str(&kinds));
	else
		mc_diag_error(diag, "policy '%s' has no kind '%s' (kinds: %s)", p->name,
			      name, mc_buf_str(&kinds));
	mc_buf_free(&kinds);
}

/* Reports n, which names no field or kind of the policy ("field" or "kind"
 * as `what`, one of `names`), with the name it is nearest to. */
static void
unknown_ref(loader *L, const mc_node *n, const char *id, const char *what,
	    const char *const *names)
{
	const char *s = mc_schema_suggest(n->u.text, names);

	if (s)
		lerror_id(L, id, n, "unknown %s '%.64s'; did you mean '%s'?", what,
			  n->u.text, s);
	else
		lerror_id(L, id, n, "unknown %s '%.64s': declare it under '%ss'",
			  what, n->u.text, what);
}

/* A field name in match, compare, relax or prefer: reports and returns -1
 * when the policy declares no such field. */
static int
field_ref(loader *L, const mc_node *n, const char *what)
{
	int f;

	if (!want_str(L, n, what))
		return -1;
	f = find_field(L->p, n->u.text);
	if (f < 0) {
		const char *names[MC_MAX_FIELDS + 1];
		for (size_t i = 0; i < L->p->nfields; i++)
			names[i] = L->p->fields[i].name;
		names[L->p->nfields] = NULL;
		unknown_ref(L, n, "unknown-field", "field", names);
	}
	return f;
}

int
mc_policy__kind_ref(loader *L, const mc_node *n, const char *what)
{
	int k;

	if (!want_str(L, n, what))
		return -1;
	k = mc_policy_find_kind(L->p, n->u.text);
	if (k < 0) {
		const char *names[MC_MAX_KINDS + 1];
		for (size_t i = 0; i < L->p->nkinds; i++)
			names[i] = L->p->kinds[i].name;
		names[L->p->nkinds] = NULL;
		unknown_ref(L, n, "unknown-kind", "kind", names);
	}
	return k;
}

static const mc_key normalize_keys[] = {
	{"pattern",  MC_KEY_STR,   true,  NULL},
	{"to",       MC_KEY_VALUE, true,  NULL},
	{"caseless", MC_KEY_BOOL,  false, NULL},
	{NULL,       MC_KEY_ANY,   false, NULL}
};
static const mc_schema normalize_schema = {"a 'normalize' entry",
					   normalize_keys};

static void
compile_normalize(loader *L, mc_field *f, const mc_node *list)
{
	mc_normalize *norm;

	if (!want_list(L, list, "'normalize'"))
		return;
	norm = alloc_array(L, list->len, sizeof(*norm));
	if (!norm)
		return;
	for (size_t i = 0; i < list->len; i++) {
		const mc_node *it = list->u.items[i], *v[3];
		char err[256];
		const mc_regex *re;

		if (!check_schema(L, &normalize_schema, it, v))
			continue;
		const mc_node *pat = v[0], *to = v[1], *cl = v[2];
		if (!(re = mc_cond_pattern(&L->cc, pat, cl && cl->num))) {
			if (L->cc.nomem)
				return;
			continue;
		}
		if (mc_regex_check_replacement(re, to->u.text, err, sizeof(err)) < 0) {
			lerror(L, to, "%s", err);
			continue;
		}
		norm[f->nnorm].re = re;
		norm[f->nnorm].to = to->u.text;
		norm[f->nnorm++].at = it;
	}
	f->norm = norm;
}

/* Compiles one field's definition into f: 1 when it compiled, 0 after
 * reporting errors, -1 when memory runs out. */
static int
compile_field(loader *L, mc_field *f, const entry *e, const mc_node *v)
{
	const mc_node *from = mc_node_get(v, "from");
	const mc_node *type = mc_node_get(v, "type");
	const mc_node *norm = mc_node_get(v, "normalize");
	const mc_node *side = mc_node_get(v, "source");
	mc_scope sc;
	const char *rel;
	size_t rl;

	if (!from) {
		lerror(L, v, "field '%s' needs 'from': the path of its value in "
		       "a host record, such as cpu.family", e->name);
		return 0;
	}
	if (!want_str(L, from, "'from'"))
		return 0;
	if (mc_path_split(from->u.text, from->len, &sc, &rel, &rl) == 0) {
		lerror(L, from, "'from' is a path inside a host record, such as "
		       "cpu.family; leave out '%s.'", mc_scope_name(sc));
		return 0;
	}
	if (from->u.text[0] == '.' || from->u.text[from->len - 1] == '.' ||
	    strstr(from->u.text, "..")) {
		lerror(L, from, "'%s' is not a path: it has an empty part",
		       from->u.text);
		return 0;
	}
	f->type = MC_FT_STRING;
	if (type) {
		size_t t;
		for (t = 0; ftype_names[t]; t++) {
			if (mc_node_is_str(type) && strcmp(type->u.text, ftype_names[t]) == 0)
				break;
		}
		if (!ftype_names[t]) {
			lerror(L, type, "unknown type '%.64s' (types: string, integer, "
			       "boolean, version, set)",
			       type->kind == MC_NODE_SCALAR ? type->u.text : "?");
			return 0;
		}
		f->type = (mc_ftype)t;
	}
	if (mc_path_make(&L->p->arena, from->u.text, from->len, &f->from) < 0) {
		L->cc.nomem = true;
		return -1;
	}
	if (side) {
		if (!want_str(L, side, "'source'"))
			return 0;
		if (strcmp(side->u.text, "cluster") == 0)
			f->source_cluster = true;
		else if (strcmp(side->u.text, "host") != 0) {
			lerror(L, side, "'source' is 'host' (the VM's host's own "
			       "value, the default) or 'cluster' (the members "
			       "every host of its cluster has), not '%.64s'",
			       side->u.text);
			return 0;
		}
		if (f->source_cluster && f->type != MC_FT_SET) {
			lerror(L, side, "'source: cluster' reads the members every "
			       "host of the cluster has: field '%s' needs "
			       "'type: set'", e->name);
			return 0;
		}
	}
	int errors = L->cc.errors;
	if (norm)
		compile_normalize(L, f, norm);
	f->description = str_or_null(L, mc_node_get(v, "description"),
				     "'description'");
	return L->cc.nomem ? -1 : L->cc.errors == errors;
}

static const mc_key field_keys[] = {
	{"from",        MC_KEY_ANY, false, NULL},
	{"type",        MC_KEY_ANY, false, NULL},
	{"normalize",   MC_KEY_ANY, false, NULL},
	{"description", MC_KEY_ANY, false, NULL},
	{"source",      MC_KEY_ANY, false, NULL},
	{NULL,          MC_KEY_ANY, false, NULL}
};
static const mc_schema field_schema = {"a field", field_keys};

static void
compile_fields(loader *L, const layer *l)
{
	mc_policy *p = L->p;
	mc_field *fields;

	if (l->fields.count > MC_MAX_FIELDS) {
		lerror_id(L, "limit", l->fields.items[MC_MAX_FIELDS].key,
		       "more than %d fields (limit)", MC_MAX_FIELDS);
		return;
	}
	fields = alloc_array(L, l->fields.count, sizeof(*fields));
	if (!fields)
		return;
	p->fields = fields;
	for (size_t i = 0; i < l->fields.count; i++) {
		const entry *e = &l->fields.items[i];
		const mc_node *v = e->value;
		mc_field *f = &fields[p->nfields];

		/* A field with an error keeps its name, so that the checks that
		 * name it are compiled (and their own errors found) too. */
		if (!want_name(L, e->key, "field name"))
			continue;
		f->name = e->name;
		f->at = e->key;
		p->nfields++;
		int r = check_schema(L, &field_schema, v, NULL)
			? compile_field(L, f, e, v) : 0;
		if (r < 0)
			return;
		if (r == 0)
			L->broken_fields |= (uint64_t)1 << (p->nfields - 1);
	}
}

static const mc_key kind_keys[] = {
	{"when",        MC_KEY_ANY, false, NULL},
	{"description", MC_KEY_ANY, false, NULL},
	{NULL,          MC_KEY_ANY, false, NULL}
};
static const mc_schema kind_schema = {"a kind", kind_keys};

static void
compile_kinds(loader *L, const layer *l)
{
	mc_policy *p = L->p;
	mc_kind *kinds;
	mc_kind_checks *checks;

	if (l->kinds.count == 0) {
		lerror(L, l->kinds_node ? l->kinds_node : l->root,
		       "the policy declares no kinds of move: add "
		       "'kinds', such as live, saved-state and stopped");
		return;
	}
	if (l->kinds.count > MC_MAX_KINDS) {
		lerror_id(L, "limit", l->kinds.items[MC_MAX_KINDS].key,
		       "more than %d kinds (limit)", MC_MAX_KINDS);
		return;
	}
	kinds = alloc_array(L, l->kinds.count, sizeof(*kinds));
	checks = alloc_array(L, l->kinds.count, sizeof(*checks));
	if (!kinds || !checks)
		return;
	p->kinds = kinds;
	p->checks = checks;
	L->checks = checks;
	for (size_t i = 0; i < l->kinds.count; i++) {
		const entry *e = &l->kinds.items[i];
		const mc_node *v = e->value, *when;
		mc_kind *k = &kinds[p->nkinds];

		if (!want_name(L, e->key, "kind name"))
			continue;
		if (strcmp(e->name, "message") == 0) {
			lerror(L, e->key, "'message' cannot name a kind: 'match.message' "
			       "uses it");
			continue;
		}
		/* As with fields, a kind with an error keeps its name. */
		k->name = e->name;
		k->at = e->key;
		p->nkinds++;
		if (v->kind == MC_NODE_SCALAR && v->type == MC_SCALAR_NULL)
			continue;  /* `stopped:` alone: a kind that always applies */
		if (!check_schema(L, &kind_schema, v, NULL))
			continue;
		when = mc_node_get(v, "when");
		if (when)
			k->when = condition(L, when, (1u << MC_SCOPE_VM) |
					    (1u << MC_SCOPE_SOURCE), "a kind's 'when'");
		k->description = str_or_null(L, mc_node_get(v, "description"),
					     "'description'");
	}
}

static const mc_key host_keys[] = {
	{"require", MC_KEY_ANY, false, NULL},
	{"message", MC_KEY_ANY, false, NULL},
	{NULL,      MC_KEY_ANY, false, NULL}
};
static const mc_schema host_schema = {"'host'", host_keys};

static void
compile_host(loader *L, const layer *l)
{
	mc_policy *p = L->p;
	const mc_node *h = l->host, *req, *msg;
	mc_host_req *reqs;

	if (h) {
		if (!check_schema(L, &host_schema, h, NULL))
			return;
		req = mc_node_get(h, "require");
		msg = mc_node_get(h, "message");
		if (req && want_list(L, req, "'host.require'")) {
			reqs = alloc_array(L, req->len, sizeof(*reqs));
			if (!reqs)
				return;
			for (size_t i = 0; i < req->len; i++) {
				const mc_cond *c = condition(L, req->u.items[i], ALL_SCOPES,
							     "a host requirement");
				if (c) {
					reqs[p->nhost_require].cond = c;
					reqs[p->nhost_require++].at = req->u.items[i];
				}
			}
			p->host_require = reqs;
		}
		if (msg) {
			p->host_message = message(L, msg, ALL_SCOPES, false);
			return;
		}
	}
	L->cc.scopes = ALL_SCOPES;
	p->host_message = mc_template_builtin(&L->cc,
		"Host {target.name} is not available for placement.", false);
}

/* Collects the entries of `match` or `compare` per kind. */
static const entry *
per_kind(loader *L, const entries *e, size_t i, int *kind)
{
	*kind = mc_policy__kind_ref(L, e->items[i].key, "a kind");
	return *kind < 0 ? NULL : &e->items[i];
}

static void
compile_match(loader *L, const layer *l)
{
	mc_policy *p = L->p;

	for (size_t i = 0; i < l->match.count; i++) {
		int k;
		const entry *e = per_kind(L, &l->match, i, &k);
		mc_match_check *m;
		uint64_t seen = 0;

		if (!e || !want_list(L, e->value, "a kind's 'match' list"))
			continue;
		m = alloc_array(L, e->value->len, sizeof(*m));
		if (!m)
			return;
		mc_kind_checks *kc = &L->checks[k];
		kc->match = m;
		for (size_t j = 0; j < e->value->len; j++) {
			const mc_node *fn = e->value->u.items[j];
			int f = field_ref(L, fn, "a field name");
			if (f < 0)
				continue;
			if (seen & ((uint64_t)1 << f)) {
				lerror(L, fn, "field '%s' is listed twice", fn->u.text);
				continue;
			}
			seen |= (uint64_t)1 << f;
			m[kc->nmatch].field = (uint32_t)f;
			m[kc->nmatch++].at = fn;
		}
	}
	if (l->match_message)
		p->match_message = message(L, l->match_message, ALL_SCOPES, true);
	else {
		L->cc.scopes = ALL_SCOPES;
		p->match_message = mc_template_builtin(&L->cc,
			"{target.name} has {field} {target_value}; the VM's host "
			"{source.name} has {source_value}.", true);
	}
}

static const mc_key compare_keys[] = {
	{"field",   MC_KEY_ANY, true,  NULL},
	{"op",      MC_KEY_ANY, true,  NULL},
	{"message", MC_KEY_ANY, false, NULL},
	{NULL,      MC_KEY_ANY, false, NULL}
};
static const mc_schema compare_schema = {"a 'compare' entry", compare_keys};

static void
compile_compare(loader *L, const layer *l)
{
	mc_policy *p = L->p;
	char names[128];

	for (size_t i = 0; i < l->compare.count; i++) {
		int k;
		const entry *e = per_kind(L, &l->compare, i, &k);
		mc_compare_check *c;

		if (!e || !want_list(L, e->value, "a kind's 'compare' list"))
			continue;
		c = alloc_array(L, e->value->len, sizeof(*c));
		if (!c)
			return;
		mc_kind_checks *kc = &L->checks[k];
		kc->compare = c;
		for (size_t j = 0; j < e->value->len; j++) {
			const mc_node *it = e->value->u.items[j], *fn, *opn, *msg;
			const mc_op_info *oi;
			mc_op o;
			int f;

			if (!check_schema(L, &compare_schema, it, NULL))
				continue;
			fn = mc_node_get(it, "field");
			opn = mc_node_get(it, "op");
			msg = mc_node_get(it, "message");
			if ((f = field_ref(L, fn, "'field'")) < 0)
				continue;
			if (!mc_node_is_str(opn) || !mc_op_lookup(opn->u.text, &o) ||
			    !mc_ops[o].fits) {
				lerror(L, opn, "unknown compare operator (operators: %s)",
				       mc_op_names(names, sizeof(names),
						   MC_OP_USE_COMPARE, ", "));
				continue;
			}
			oi = &mc_ops[o];
			if (!(L->broken_fields & ((uint64_t)1 << f)) &&
			    !(oi->fits & MC_FT_BIT(p->fields[f].type))) {
				lerror_id(L, "op-type", opn, "'%s' does not apply to field "
					  "'%s' of type %s%s", oi->name, p->fields[f].name,
					  mc_ftype_name(p->fields[f].type), oi->needs);
				continue;
			}
			if (msg) {
				c[kc->ncompare].message = message(L, msg, ALL_SCOPES, true);
				if (!c[kc->ncompare].message)
					continue;
			} else {
				L->cc.scopes = ALL_SCOPES;
				c[kc->ncompare].message = mc_template_builtin(&L->cc,
					oi->message, true);
			}
			c[kc->ncompare].field = (uint32_t)f;
			c[kc->ncompare].op = (uint8_t)o;
			c[kc->ncompare++].at = it;
		}
	}
}

/* A list of field names, as bits. */
static bool
field_bits(loader *L, const mc_node *list, uint64_t *bits)
{
	bool ok = true;

	*bits = 0;
	if (!want_list(L, list, "'drop'"))
		return false;
	for (size_t i = 0; i < list->len; i++) {
		int f = field_ref(L, list->u.items[i], "a field name");
		if (f < 0)
			ok = false;
		else
			*bits |= (uint64_t)1 << f;
	}
	return ok;
}

static const mc_key relax_keys[] = {
	{"id",   MC_KEY_NAME, false, "relaxation id"},
	{"when", MC_KEY_ANY,  true,  NULL},
	{"drop", MC_KEY_ANY,  true,  NULL},
	{"note", MC_KEY_ANY,  false, NULL},
	{NULL,   MC_KEY_ANY,  false, NULL}
};
static const mc_schema relax_schema = {"a 'relax' entry", relax_keys};

static void
compile_relax(loader *L, const layer *l)
{
	mc_policy *p = L->p;
	mc_relax *r;

	if (l->relax.count > 64) {
		lerror_id(L, "limit", l->relax.items[64].value,
			  "more than 64 relaxations (limit)");
		return;
	}
	r = alloc_array(L, l->relax.count, sizeof(*r));
	if (!r)
		return;
	p->relax = r;
	for (size_t i = 0; i < l->relax.count; i++) {
		const mc_node *it = l->relax.items[i].value, *v[4];
		mc_relax *x = &r[p->nrelax];

		if (!check_schema(L, &relax_schema, it, v))
			continue;
		const mc_node *id = v[0], *when = v[1], *drop = v[2];
		x->when = condition(L, when, ALL_SCOPES, "a relaxation's 'when'");
		if (!x->when || !field_bits(L, drop, &x->drop))
			continue;
		x->id = id ? id->u.text : NULL;
		x->note = str_or_null(L, mc_node_get(it, "note"), "'note'");
		x->at = it;
		p->nrelax++;
	}
}

static const mc_key prefer_keys[] = {
	{"match",  MC_KEY_ANY, false, NULL},
	{"when",   MC_KEY_ANY, false, NULL},
	{"weight", MC_KEY_ANY, false, NULL},
	{NULL,     MC_KEY_ANY, false, NULL}
};
static const mc_schema prefer_schema = {"a 'prefer' entry", prefer_keys};

static void
compile_prefer(loader *L, const layer *l)
{
	mc_policy *p = L->p;
	const mc_node *list = l->prefer;
	mc_prefer *pr;

	if (!list || !want_list(L, list, "'prefer'"))
		return;
	pr = alloc_array(L, list->len, sizeof(*pr));
	if (!pr)
		return;
	p->prefer = pr;
	for (size_t i = 0; i < list->len; i++) {
		const mc_node *it = list->u.items[i], *m, *w, *wt;
		mc_prefer *x = &pr[p->nprefer];

		if (!check_schema(L, &prefer_schema, it, NULL))
			continue;
		m = mc_node_get(it, "match");
		w = mc_node_get(it, "when");
		wt = mc_node_get(it, "weight");
		if (!m == !w || !wt) {
			lerror(L, it, "a 'prefer' entry needs 'weight' and either 'match' "
			       "(a field) or 'when' (a condition)");
			continue;
		}
		if (wt->kind != MC_NODE_SCALAR || wt->type != MC_SCALAR_INT ||
		    wt->num < 1 || wt->num > 1000000) {
			lerror(L, wt, "'weight' must be a whole number from 1 to 1000000");
			continue;
		}
		x->field = -1;
		if (m) {
			int f = field_ref(L, m, "'match'");
			if (f < 0)
				continue;
			x->field = f;
		} else {
			x->when = condition(L, w, ALL_SCOPES, "a preference");
			if (!x->when)
				continue;
		}
		x->weight = (uint32_t)wt->num;
		x->at = it;
		p->prefer_total += x->weight;
		p->nprefer++;
	}
}

/* `limits:` what a Lua rule may use per call, within the caps of
 * mc_limits. */
static const mc_key limits_keys[] = {
	{"lua_instructions", MC_KEY_ANY, false, NULL},
	{"lua_memory_mb",    MC_KEY_ANY, false, NULL},
	{NULL,               MC_KEY_ANY, false, NULL}
};
static const mc_schema limits_schema = {"'limits'", limits_keys};

static void
compile_limits(loader *L, const layer *l)
{
	mc_policy *p = L->p;
	const mc_node *n;

	p->lua_instructions = MC_LUA_DEFAULT_INSTRUCTIONS;
	p->lua_memory = MC_LUA_DEFAULT_MEMORY;
	if (p->lua_instructions > L->lim->lua_max_instructions)
		p->lua_instructions = L->lim->lua_max_instructions;
	if (p->lua_memory > L->lim->lua_max_memory)
		p->lua_memory = L->lim->lua_max_memory;
	p->lua_state_memory = L->lim->lua_max_memory;
	p->lua_string_cap = L->lua->string_cap(L->lim->lua_max_string);
	if (!l->limits || !want_map(L, l->limits, "'limits'"))
		return;
	check_schema(L, &limits_schema, l->limits, NULL);
	if ((n = mc_node_get(l->limits, "lua_instructions"))) {
		if (n->kind != MC_NODE_SCALAR || n->type != MC_SCALAR_INT ||
		    n->num < 1000 || (uint64_t)n->num > L->lim->lua_max_instructions)
			lerror(L, n, "'lua_instructions' must be a whole number from "
			       "1000 to %llu " MC_LIMIT_HINT("lua-instructions"),
			       (unsigned long long)L->lim->lua_max_instructions);
		else
			p->lua_instructions = (uint64_t)n->num;
	}
	if ((n = mc_node_get(l->limits, "lua_memory_mb"))) {
		size_t cap = L->lim->lua_max_memory >> 20;
		if (n->kind != MC_NODE_SCALAR || n->type != MC_SCALAR_INT ||
		    n->num < 1 || (uint64_t)n->num > cap)
			lerror(L, n, "'lua_memory_mb' must be a whole number from 1 "
			       "to %zu " MC_LIMIT_HINT("lua-memory"), cap);
		else
			p->lua_memory = (size_t)n->num << 20;
	}
}

static void
compile_top(loader *L, const layer *l)
{
	mc_policy *p = L->p;

	if (!l->name) {
		lerror(L, l->root, "the policy needs a name: add 'policy: NAME'");
	} else if (want_name(L, l->name, "policy name")) {
		p->name = l->name->u.text;
	}
	p->description = str_or_null(L, l->description, "'description'");
	if (l->format && (l->format->kind != MC_NODE_SCALAR ||
			  l->format->type != MC_SCALAR_INT || l->format->num != 1))
		lerror(L, l->format, "unsupported policy format: this migcheck reads "
		       "format 1");
}

static void
compute_max_violations(mc_policy *p)
{
	size_t most = 0;

	for (size_t k = 0; k < p->nkinds; k++) {
		size_t n = p->checks[k].nmatch + p->checks[k].ncompare;
		if (n > most)
			most = n;
	}
	p->max_violations = p->nhost_require + most + p->nrules +
			    (p->placement.on ? MC_NRES : 0);
}

static int
digest(mc_policy *p)
{
	static const char hex[] = "0123456789abcdef";
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_init(&ctx);
	for (size_t i = 0; i < p->ndocs; i++)
		sha256_update(&ctx, p->docs[i]->file.len,
			      (const uint8_t *)p->docs[i]->file.data);
	sha256_digest(&ctx, sizeof(d), d);
	memcpy(p->digest, "sha256:", 7);
	for (size_t i = 0; i < sizeof(d); i++) {
		p->digest[7 + 2 * i] = hex[d[i] >> 4];
		p->digest[8 + 2 * i] = hex[d[i] & 15];
	}
	p->digest[7 + 64] = '\0';
	return 0;
}

/* Compiles the sections in an order where each finds what it names: the
 * fields and kinds before the checks that name them. */
void
mc_policy__compile(loader *L, const layer *l)
{
	mc_policy *p = L->p;

	compile_top(L, l);
	compile_limits(L, l);
	compile_fields(L, l);
	compile_kinds(L, l);
	if (p->nkinds) {
		compile_host(L, l);
		compile_match(L, l);
		compile_compare(L, l);
		compile_relax(L, l);
		mc_policy__compile_rules(L, l);
		compile_prefer(L, l);
		mc_policy__compile_placement(L, l);
		mc_policy__compile_remedies(L, l);
		mc_policy__check_tests(L, l);
	}
	compute_max_violations(p);
	digest(p);
}
