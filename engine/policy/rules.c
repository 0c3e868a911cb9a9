/* SPDX-License-Identifier: MIT */
/*
 * rules.c - compiling a policy's rules (conditions or Lua), its remedies,
 * and checking the shape of its tests.
 */
#include "policy/loader.h"

#include <stdio.h>
#include <string.h>

/* The Lua of a rule: text to compile, or a function of a Lua policy file;
 * and the paths it declares it reads. */
static int
compile_lua(loader *L, mc_rule *x, const mc_node *rule, const mc_node *lua,
	    const mc_node *uses)
{
	mc_policy *p = L->p;

	(void)rule;
	if (lua->kind == MC_NODE_SCALAR && lua->type == MC_SCALAR_FUNC) {
		for (x->lua_doc = 0; x->lua_doc < p->ndocs; x->lua_doc++) {
			if (&p->docs[x->lua_doc]->file == lua->file)
				break;
		}
		x->lua_func = (size_t)lua->num;
	} else {
		mc_policy_luastate *st;
		int rc;

		if (!want_str(L, lua, "'lua'"))
			return -1;
		if (!(st = mc_policy__lua(L, lua->file->name, lua->line, lua->col)))
			return -1;
		rc = L->lua->compile_rule(st, p, x, lua, L->diag);
		if (rc == -2)
			L->cc.nomem = true;
		if (rc < 0) {
			L->cc.errors++;
			return -1;
		}
	}
	x->lua_at = lua;
	p->has_lua = true;
	if (!uses)
		return 0;
	if (!want_list(L, uses, "'uses'"))
		return -1;
	if (uses->len > 64) {
		lerror_id(L, "limit", uses, "more than 64 paths in 'uses' (limit)");
		return -1;
	}
	mc_ref *refs = alloc_array(L, uses->len, sizeof(*refs));
	if (!refs)
		return -1;
	L->cc.scopes = ALL_SCOPES;
	L->cc.where = "'uses'";
	for (size_t i = 0; i < uses->len; i++) {
		const mc_node *u = uses->u.items[i];
		if (!want_str(L, u, "a path in 'uses'") ||
		    mc_cond_compile_path(&L->cc, u, u->u.text, u->len, &refs[i]) < 0)
			return -1;
	}
	x->uses = refs;
	x->nuses = uses->len;
	x->has_uses = true;
	return 0;
}

static const mc_key rule_keys[] = {
	{"id",          MC_KEY_NAME, true,  "rule id"},
	{"kinds",       MC_KEY_ANY,  false, NULL},
	{"require",     MC_KEY_ANY,  false, NULL},
	{"lua",         MC_KEY_ANY,  false, NULL},
	{"uses",        MC_KEY_ANY,  false, NULL},
	{"message",     MC_KEY_ANY,  false, NULL},
	{"description", MC_KEY_ANY,  false, NULL},
	{NULL,          MC_KEY_ANY,  false, NULL}
};
static const mc_schema rule_schema = {"a rule", rule_keys};

void
mc_policy__compile_rules(loader *L, const layer *l)
{
	mc_policy *p = L->p;
	mc_rule *r = alloc_array(L, l->rules.count, sizeof(*r));

	if (!r)
		return;
	p->rules = r;
	for (size_t i = 0; i < l->rules.count; i++) {
		const mc_node *it = l->rules.items[i].value, *id, *kinds, *req, *lua,
			      *msg;
		mc_rule *x = &r[p->nrules];

		if (!check_schema(L, &rule_schema, it, NULL))
			continue;
		id = mc_node_get(it, "id");
		kinds = mc_node_get(it, "kinds");
		req = mc_node_get(it, "require");
		lua = mc_node_get(it, "lua");
		msg = mc_node_get(it, "message");
		if (!req == !lua) {
			lerror(L, it, "rule '%s' needs either 'require' (a condition) or "
			       "'lua' (code), and not both", id->u.text);
			continue;
		}
		/* Without `kinds` a rule applies to every kind; `kinds: []` to
		 * none (lint warns about it). */
		x->kinds = kinds ? 0 : (uint32_t)((1ull << p->nkinds) - 1);
		x->kinds_listed = kinds != NULL;
		if (kinds) {
			bool ok = want_list(L, kinds, "'kinds'");
			for (size_t j = 0; ok && j < kinds->len; j++) {
				int k = mc_policy__kind_ref(L, kinds->u.items[j],
							    "a kind");
				if (k < 0)
					ok = false;
				else
					x->kinds |= 1u << k;
			}
			if (!ok)
				continue;
		}
		if (req) {
			x->require = condition(L, req, ALL_SCOPES, "a rule");
			if (!x->require)
				continue;
		} else if (compile_lua(L, x, it, lua, mc_node_get(it, "uses")) < 0) {
			continue;
		}
		if (mc_node_get(it, "uses") && !lua) {
			lerror(L, mc_node_get(it, "uses"), "'uses' is for Lua rules: a "
			       "condition's paths are known already");
			continue;
		}
		if (msg) {
			x->message = message(L, msg, ALL_SCOPES, false);
			if (!x->message)
				continue;
		} else {
			char text[160];
			snprintf(text, sizeof(text), "Rule %s does not hold for host "
				 "{target.name}.", id->u.text);
			const char *copy = mc_arena_strdup(&p->arena, text);
			if (!copy) {
				L->cc.nomem = true;
				return;
			}
			L->cc.scopes = ALL_SCOPES;
			x->message = mc_template_builtin(&L->cc, copy, false);
		}
		x->id = id->u.text;
		x->description = str_or_null(L, mc_node_get(it, "description"),
					     "'description'");
		x->at = it;
		p->nrules++;
	}
}

static const mc_key remedy_keys[] = {
	{"id",      MC_KEY_NAME, true,  "remedy id"},
	{"says",    MC_KEY_STR,  true,  NULL},
	{"warning", MC_KEY_ANY,  false, NULL},
	{"set",     MC_KEY_MAP,  true,  NULL},
	{NULL,      MC_KEY_ANY,  false, NULL}
};
static const mc_schema remedy_schema = {"a remedy", remedy_keys};

void
mc_policy__compile_remedies(loader *L, const layer *l)
{
	mc_policy *p = L->p;
	mc_remedy *r = alloc_array(L, l->remedies.count, sizeof(*r));

	if (!r)
		return;
	p->remedies = r;
	for (size_t i = 0; i < l->remedies.count; i++) {
		const mc_node *it = l->remedies.items[i].value, *id, *says, *set;
		mc_remedy *x = &r[p->nremedies];
		mc_assign *as;

		if (!check_schema(L, &remedy_schema, it, NULL))
			continue;
		id = mc_node_get(it, "id");
		says = mc_node_get(it, "says");
		set = mc_node_get(it, "set");
		if (set->len == 0) {
			lerror(L, set, "'set' changes nothing: name at least one vm path");
			continue;
		}
		if (set->len > 64) {
			lerror_id(L, "limit", set, "more than 64 paths in 'set' (limit)");
			continue;
		}
		as = alloc_array(L, set->len, sizeof(*as));
		if (!as)
			return;
		/* A remedy refused above may have left its half-filled entry in
		 * this slot; the next one starts from nothing. */
		*x = (mc_remedy){0};
		bool ok = true;
		for (size_t j = 0; j < set->len; j++) {
			const mc_pair *pr = &set->u.pairs[j];
			mc_ref ref;

			L->cc.scopes = 1u << MC_SCOPE_VM;
			L->cc.where = "a remedy's 'set'";
			if (mc_cond_compile_path(&L->cc, pr->key, pr->key->u.text,
						 pr->key->len, &ref) < 0) {
				ok = false;
				continue;
			}
			if (pr->value->kind != MC_NODE_SCALAR ||
			    pr->value->type == MC_SCALAR_NULL) {
				lerror(L, pr->value, "a remedy sets a value, not %s",
				       mc_node_describe(pr->value));
				ok = false;
				continue;
			}
			as[x->nset].vm_path = ref.index;
			as[x->nset].value = pr->value;
			as[x->nset++].at = pr->key;
			for (size_t k = 0; k < p->nkinds; k++) {
				if (p->kinds[k].when &&
				    mc_cond_reads(p->kinds[k].when, MC_SCOPE_VM, ref.index))
					x->reselects_kind = true;
			}
		}
		if (!ok)
			continue;
		x->id = id->u.text;
		x->says = says->u.text;
		x->warning = str_or_null(L, mc_node_get(it, "warning"), "'warning'");
		x->set = as;
		x->at = it;
		p->nremedies++;
	}
}

/* `tests:` entries are run by `migcheck test`; here their shape is checked
 * so that a broken test never waits for that command to be found. */
static const mc_key test_keys[] = {
	{"name",      MC_KEY_ANY, true,  NULL},
	{"inventory", MC_KEY_ANY, true,  NULL},
	{"vm",        MC_KEY_ANY, true,  NULL},
	{"to",        MC_KEY_ANY, false, NULL},
	{"kind",      MC_KEY_ANY, false, NULL},
	{"expect",    MC_KEY_ANY, true,  NULL},
	{NULL,        MC_KEY_ANY, false, NULL}
};
static const mc_schema test_schema = {"a test", test_keys};
static const mc_key expect_keys[] = {
	{"allowed",    MC_KEY_ANY, false, NULL},
	{"rating",     MC_KEY_ANY, false, NULL},
	{"violations", MC_KEY_ANY, false, NULL},
	{"remedies",   MC_KEY_ANY, false, NULL},
	{NULL,         MC_KEY_ANY, false, NULL}
};
static const mc_schema expect_schema = {"'expect'", expect_keys};

void
mc_policy__check_tests(loader *L, const layer *l)
{
	const mc_node *list = l->tests;

	L->p->tests = list;
	if (!list || !want_list(L, list, "'tests'"))
		return;
	for (size_t i = 0; i < list->len; i++) {
		const mc_node *t = list->u.items[i], *n, *ex;

		if (!check_schema(L, &test_schema, t, NULL))
			continue;
		want_str(L, mc_node_get(t, "name"), "a test's 'name'");
		want_str(L, mc_node_get(t, "inventory"), "a test's 'inventory'");
		want_str(L, mc_node_get(t, "vm"), "a test's 'vm'");
		if ((n = mc_node_get(t, "to")))
			want_str(L, n, "a test's 'to'");
		if ((n = mc_node_get(t, "kind")))
			mc_policy__kind_ref(L, n, "a test's 'kind'");
		ex = mc_node_get(t, "expect");
		if (!check_schema(L, &expect_schema, ex, NULL))
			continue;
		if ((n = mc_node_get(ex, "allowed")) &&
		    (n->kind != MC_NODE_SCALAR || n->type != MC_SCALAR_BOOL))
			lerror(L, n, "'allowed' must be true or false");
		if ((n = mc_node_get(ex, "rating"))) {
			bool ok = n->kind == MC_NODE_SCALAR &&
				  ((n->type == MC_SCALAR_INT && n->num >= 0 && n->num <= 5) ||
				   (n->type == MC_SCALAR_STR && n->len == 3 &&
				    n->u.text[0] >= '0' && n->u.text[0] <= '4' &&
				    n->u.text[1] == '.' &&
				    (n->u.text[2] == '0' || n->u.text[2] == '5')));
			if (!ok)
				lerror(L, n, "'rating' must be 0 to 5 in half stars (such as 4.5)");
		}
		const char *lists[] = {"violations", "remedies"};
		for (size_t j = 0; j < 2; j++) {
			if (!(n = mc_node_get(ex, lists[j])))
				continue;
			if (!want_list(L, n, lists[j]))
				continue;
			for (size_t k = 0; k < n->len; k++)
				want_str(L, n->u.items[k], "an id");
		}
	}
}
