/* SPDX-License-Identifier: MIT */
/*
 * load.c - reading a policy: every file of its `extends` chain, laid over
 * its base.
 *
 * Loading happens in two steps. First every file of the chain is parsed and
 * its sections are laid over those of its base into a `layer` of named
 * entries (nodes, still uncompiled): fields and kinds by name, match and
 * compare per kind, rules and remedies by id, relaxations by id or
 * appended, host, prefer and placement whole. Then the layer is compiled once
 * (compile.c). Every error is reported at its own file, line and column.
 * Lua policy files are read through the mc_policy_lua the caller passes.
 */
#include "policy/loader.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "load/value.h"


static int
entries_set(entries *e, const char *name, const mc_node *key,
	    const mc_node *value)
{
	size_t i;

	if (name && mc_strmap_get(&e->index, name, strlen(name), &i)) {
		e->items[i].key = key;
		e->items[i].value = value;
		return 0;
	}
	entry *items = mc_grow(e->items, &e->cap, e->count + 1, sizeof(*items));
	if (!items)
		return -1;
	e->items = items;
	if (name && mc_strmap_put(&e->index, name, strlen(name), e->count, NULL) < 0)
		return -1;
	e->items[e->count].name = name;
	e->items[e->count].key = key;
	e->items[e->count++].value = value;
	return 0;
}

static void
layer_free(layer *l)
{
	entries *all[] = {&l->fields, &l->kinds, &l->match, &l->compare,
			  &l->relax, &l->rules, &l->remedies};

	for (size_t i = 0; i < sizeof(all) / sizeof(*all); i++) {
		free(all[i]->items);
		mc_strmap_free(&all[i]->index);
	}
}

/* ------------------------------------------------------------------------
 * Reading the chain of files into a layer
 */

static const mc_key top_keys[] = {
	{"policy",      MC_KEY_ANY, false, NULL},
	{"description", MC_KEY_ANY, false, NULL},
	{"format",      MC_KEY_ANY, false, NULL},
	{"extends",     MC_KEY_ANY, false, NULL},
	{"fields",      MC_KEY_ANY, false, NULL},
	{"kinds",       MC_KEY_ANY, false, NULL},
	{"host",        MC_KEY_ANY, false, NULL},
	{"match",       MC_KEY_ANY, false, NULL},
	{"compare",     MC_KEY_ANY, false, NULL},
	{"relax",       MC_KEY_ANY, false, NULL},
	{"rules",       MC_KEY_ANY, false, NULL},
	{"prefer",      MC_KEY_ANY, false, NULL},
	{"remedies",    MC_KEY_ANY, false, NULL},
	{"tests",       MC_KEY_ANY, false, NULL},
	{"limits",      MC_KEY_ANY, false, NULL},
	{"placement",   MC_KEY_ANY, false, NULL},
	{NULL,          MC_KEY_ANY, false, NULL}
};
static const mc_schema top_schema = {"a policy", top_keys};

/* The `id` of a list entry, for overlaying by id. */
static const char *
entry_id(const mc_node *item)
{
	const mc_node *id = mc_node_get(item, "id");

	return mc_node_is_str(id) ? id->u.text : NULL;
}

static int
overlay_map(loader *L, entries *e, const mc_node *map, const char *what)
{
	if (!want_map(L, map, what))
		return 0;
	for (size_t i = 0; i < map->len; i++) {
		const mc_pair *pr = &map->u.pairs[i];
		if (entries_set(e, pr->key->u.text, pr->key, pr->value) < 0)
			return -1;
	}
	return 0;
}

/* Lays a list of entries with ids over the base's: an id the base has
 * replaces the base's entry; an id used twice in one file is an error. */
static int
overlay_list(loader *L, entries *e, const mc_node *list, const char *what)
{
	if (!want_list(L, list, what))
		return 0;
	for (size_t i = 0; i < list->len; i++) {
		const mc_node *item = list->u.items[i];
		const char *id = entry_id(item);
		bool twice = false;
		size_t j;

		if (id && mc_strmap_get(&e->index, id, strlen(id), &j) &&
		    e->items[j].value->file == item->file) {
			const mc_node *first = mc_node_get(e->items[j].value, "id");
			lerror_id(L, "duplicate-id", mc_node_get(item, "id"),
				  "id '%s' is used twice in %s (first at "
				  "%s:%u:%u)", id, what, first->file->name,
				  (unsigned)first->line, (unsigned)first->col);
			twice = true;
		}
		if (!twice && entries_set(e, id, item, item) < 0)
			return -1;
	}
	return 0;
}

/* Lays the sections of one file over the layer. */
static int
overlay(loader *L, layer *l, const mc_node *root)
{
	/* These belong to the file itself, never to its base. */
	l->root = root;
	l->name = mc_node_get(root, "policy");
	l->description = mc_node_get(root, "description");
	l->format = mc_node_get(root, "format");
	l->tests = mc_node_get(root, "tests");
	for (size_t i = 0; i < root->len; i++) {
		const char *k = root->u.pairs[i].key->u.text;
		const mc_node *v = root->u.pairs[i].value;
		int rc = 0;

		if (strcmp(k, "fields") == 0) {
			rc = overlay_map(L, &l->fields, v, "'fields'");
		} else if (strcmp(k, "kinds") == 0) {
			l->kinds_node = v;
			rc = overlay_map(L, &l->kinds, v, "'kinds'");
		} else if (strcmp(k, "host") == 0) {
			l->host = v;
		} else if (strcmp(k, "prefer") == 0) {
			l->prefer = v;
		} else if (strcmp(k, "limits") == 0) {
			l->limits = v;
		} else if (strcmp(k, "placement") == 0) {
			l->placement = v;
		} else if (strcmp(k, "match") == 0) {
			if (!want_map(L, v, "'match'"))
				continue;
			for (size_t j = 0; j < v->len; j++) {
				const mc_pair *pr = &v->u.pairs[j];
				if (strcmp(pr->key->u.text, "message") == 0)
					l->match_message = pr->value;
				else if (entries_set(&l->match, pr->key->u.text, pr->key,
						     pr->value) < 0)
					rc = -1;
			}
		} else if (strcmp(k, "compare") == 0) {
			rc = overlay_map(L, &l->compare, v, "'compare'");
		} else if (strcmp(k, "relax") == 0) {
			rc = overlay_list(L, &l->relax, v, "'relax'");
		} else if (strcmp(k, "rules") == 0) {
			rc = overlay_list(L, &l->rules, v, "'rules'");
		} else if (strcmp(k, "remedies") == 0) {
			rc = overlay_list(L, &l->remedies, v, "'remedies'");
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int
add_doc(loader *L, mc_doc *doc)
{
	mc_doc **docs = mc_grow(L->p->docs, &L->p->capdocs, L->p->ndocs + 1,
				sizeof(*docs));

	if (!docs) {
		mc_doc_free(doc);
		return -1;
	}
	L->p->docs = docs;
	docs[L->p->ndocs++] = doc;
	return 0;
}

/* The directory part of a path, with its slash ("" for none). */
static size_t
dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? (size_t)(slash - path) + 1 : 0;
}

static int load_chain(loader *L, layer *l, mc_doc *doc, size_t depth);

/* What a file that `extends` names must be to be shown in diagnostics. */
static const char *const policy_marks[] = {"policy", NULL};

/*
 * Reads a policy file — YAML, or Lua when its name ends in ".lua" — from
 * path, or from len bytes at buf when buf is not NULL. A base is named by
 * the `extends` node ext (NULL for the file loaded first): it must be a
 * regular file, and what keeps it from loading is reported there. Returns
 * an MC_ status; errors are in the diagnostics.
 */
static int
read_doc(loader *L, const char *path, const char *buf, size_t len,
	 const mc_node *ext, mc_doc **out)
{
	const mc_named named = {ext, "extends", "a policy", policy_marks};
	char *data;
	mc_policy_luastate *st;
	int rc;

	*out = NULL;
	if (!L->lua->is_file(path)) {
		if (buf)
			return mc_doc_load_buffer(out, path, buf, len, L->lim, L->diag);
		if (ext)
			return mc_doc_load_named(out, path, &named, L->lim, MC_DOC_TREE, L->diag);
		return mc_doc_load_file(out, path, L->lim, L->diag);
	}
	if (buf) {
		if (len > L->lim->max_file_bytes)
			return mc_file_too_large(path, NULL, L->lim, L->diag);
		if (!(data = malloc(len + 1)))
			return MC_ENOMEM;
		memcpy(data, buf, len);
		data[len] = '\0';
	} else {
		rc = mc_file_read(path, ext ? &named : NULL, L->lim, L->diag, &data,
				  &len);
		if (rc != MC_OK)
			return rc;
	}
	if (!(st = mc_policy__lua(L, path, 1, 1))) {
		free(data);
		return L->cc.nomem ? MC_ENOMEM : MC_ELIMIT;
	}
	return L->lua->load_file(st, out, path, data, len, L->lim, L->diag);
}

/* Loads the base named by `extends` (relative to the file naming it). */
static int
load_base(loader *L, layer *l, const mc_doc *doc, const mc_node *ext,
	  size_t depth)
{
	char *path = NULL, *real = NULL;
	mc_doc *base = NULL;
	int rc = 0;

	if (!want_str(L, ext, "'extends'"))
		return 0;
	if (depth + 1 > L->lim->max_extends) {
		lerror_id(L, "limit", ext, "more than %zu 'extends' in a chain "
			  MC_LIMIT_HINT("extends"), L->lim->max_extends);
		return 0;
	}
	if (ext->u.text[0] == '/') {
		path = strdup(ext->u.text);
	} else {
		size_t dl = dir_len(doc->file.name);
		path = malloc(dl + ext->len + 1);
		if (path) {
			memcpy(path, doc->file.name, dl);
			memcpy(path + dl, ext->u.text, ext->len + 1);
		}
	}
	if (!path)
		return -1;
	real = realpath(path, NULL);
	if (!real) {
		const mc_named named = {ext, "extends", "a policy", policy_marks};

		if (mc_file_read_error(path, &named, errno, L->diag) == MC_ENOMEM)
			rc = -1;
		L->cc.errors++;
		L->chain_failed = true;
		goto out;
	}
	for (size_t i = 0; i < L->nchain; i++) {
		if (strcmp(L->chain[i], real) == 0) {
			lerror(L, ext, "'extends' makes a cycle: '%s' extends itself "
			       "through this file", path);
			goto out;
		}
	}
	int lrc = read_doc(L, path, NULL, 0, ext, &base);
	if (lrc == MC_ENOMEM) {
		rc = -1;
		goto out;
	}
	if (lrc != MC_OK) {
		L->cc.errors++;
		L->chain_failed = true;
		goto out;
	}
	char **chain = mc_grow(L->chain, &L->capchain, L->nchain + 1,
			       sizeof(*chain));
	if (!chain) {
		mc_doc_free(base);
		rc = -1;
		goto out;
	}
	L->chain = chain;
	L->chain[L->nchain++] = real;
	real = NULL;
	rc = load_chain(L, l, base, depth + 1);
	free(L->chain[--L->nchain]);
out:
	free(path);
	free(real);
	return rc;
}

/* Takes over doc: checks its top level, loads its base into the layer,
 * then lays the file over it. */
static int
load_chain(loader *L, layer *l, mc_doc *doc, size_t depth)
{
	const mc_node *root;

	if (add_doc(L, doc) < 0)
		return -1;
	root = doc->root;
	if (!root || root->kind != MC_NODE_MAP) {
		int rc;
		if (!root)
			rc = mc_file_diag(L->diag, MC_SEVERITY_ERROR, &doc->file, 1, 1,
					  "the policy file is empty; it must be a "
					  "mapping with at least 'policy' and 'kinds'");
		else
			rc = mc_node_error(L->diag, root, "a policy must be a mapping, "
					   "not %s", mc_node_describe(root));
		if (rc == 0)
			mc_diag_set_code(L->diag, "bad-value");
		L->cc.errors++;
		L->chain_failed = true;
		return 0;
	}
	check_schema(L, &top_schema, root, NULL);
	const mc_node *ext = mc_node_get(root, "extends");
	if (ext && load_base(L, l, doc, ext, depth) < 0)
		return -1;
	return overlay(L, l, root);
}

/* ------------------------------------------------------------------------
 * Compiling the layer
 */

mc_policy_luastate *
mc_policy__lua(loader *L, const char *file, unsigned line, unsigned col)
{
	int rc;

	if (L->luast || L->lua_failed)
		return L->luast;
	rc = L->lua->open(&L->luast, L->lim->lua_max_memory,
			  L->lim->lua_max_string);
	L->lua_failed = rc != MC_OK;
	if (rc == MC_ELIMIT) {
		if (mc_diag_add(L->diag, MC_SEVERITY_ERROR, file, line, col, NULL, 0,
				"Lua needs more memory to start than --limit "
				"lua-memory=%zu allows", L->lim->lua_max_memory) == 0)
			mc_diag_set_code(L->diag, "limit");
		L->cc.errors++;
	} else if (rc != MC_OK) {
		L->cc.nomem = true;
	}
	return L->luast;
}

/* ------------------------------------------------------------------------
 * Public entry points
 */

int
mc_policy_read(mc_policy **out, const char *path, const char *buf,
	       size_t len, const mc_limits *limits, const mc_policy_lua *lua,
	       mc_diag *diag)
{
	mc_doc *doc = NULL;
	mc_limits defaults;
	mc_policy *p;
	loader L;
	layer l;
	int rc = MC_OK;

	if (!limits) {
		mc_limits_default(&defaults);
		limits = &defaults;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return MC_ENOMEM;
	mc_arena_init(&p->arena);
	mc_pathtab_init(&p->vm_paths);
	mc_pathtab_init(&p->host_paths);
	memset(&L, 0, sizeof(L));
	memset(&l, 0, sizeof(l));
	L.p = p;
	L.lua = lua;
	L.lim = limits;
	L.diag = diag;
	L.cc.arena = &p->arena;
	L.cc.diag = diag;
	L.cc.limits = limits;
	L.cc.vm_paths = &p->vm_paths;
	L.cc.host_paths = &p->host_paths;
	L.cc.regexes = &p->regexes;

	rc = read_doc(&L, path, buf, len, NULL, &doc);
	if (rc != MC_OK)
		goto out;
	char *real = realpath(path, NULL);
	if (real) {
		L.chain = mc_grow(NULL, &L.capchain, 1, sizeof(*L.chain));
		if (!L.chain) {
			free(real);
			rc = MC_ENOMEM;
			mc_doc_free(doc);
			goto out;
		}
		L.chain[L.nchain++] = real;
	}
	if (load_chain(&L, &l, doc, 0) < 0) {
		rc = MC_ENOMEM;
		goto out;
	}
	p->file = p->docs[0]->file.name;
	if (!L.chain_failed && l.root)
		mc_policy__compile(&L, &l);
	if (L.cc.nomem)
		rc = MC_ENOMEM;
	else if (L.cc.errors)
		rc = MC_EINPUT;
out:
	for (size_t i = 0; i < L.nchain; i++)
		free(L.chain[i]);
	free(L.chain);
	mc_cond_ctx_release(&L.cc);
	layer_free(&l);
	if (L.luast)
		lua->close(L.luast);
	if (rc != MC_OK) {
		mc_policy_free(p);
		return rc;
	}
	*out = p;
	return MC_OK;
}

void
mc_policy_free(mc_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->ndocs; i++)
		mc_doc_free(p->docs[i]);
	free(p->docs);
	mc_regex_set_free(&p->regexes);
	mc_pathtab_free(&p->vm_paths);
	mc_pathtab_free(&p->host_paths);
	mc_arena_release(&p->arena);
	free(p);
}

const char *
mc_policy_name(const mc_policy *p)
{
	return p->name;
}

const char *
mc_policy_file(const mc_policy *p)
{
	return p->file;
}

const char *
mc_policy_digest(const mc_policy *p)
{
	return p->digest;
}

size_t
mc_policy_kind_count(const mc_policy *p)
{
	return p->nkinds;
}

const char *
mc_policy_kind_name(const mc_policy *p, size_t i)
{
	return i < p->nkinds ? p->kinds[i].name : NULL;
}
