/*
 * policy.c - loading policy files, following `extends`, and compiling.
 *
 * Loading happens in two steps. First every file of the chain is parsed and
 * its sections are laid over those of its base into a `layer` of named
 * entries (nodes, still uncompiled). Then the layer is compiled once. Every
 * error is reported at its own file, line and column, and compiling goes on
 * after an error to report the others.
 */
#include "policy/policy.h"

#include <errno.h>
#include <limits.h>
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua/luapolicy.h"
#include "lua/luarule.h"
#include "lua/sandbox.h"
#include "util/strmap.h"
#include "load/value.h"

/* ------------------------------------------------------------------------
 * Named entries, laid over one another
 */

typedef struct entry {
	const char *name;     /* NULL: an entry without a name (appended) */
	const mc_node *key;   /* the name's node, or the entry itself */
	const mc_node *value;
} entry;

typedef struct entries {
	entry *items;
	size_t count, cap;
	mc_strmap index;  /* name -> its item: a policy may have 10^5 rules */
} entries;

typedef struct layer {
	const mc_node *root;  /* of the file being compiled */
	const mc_node *name, *description, *format, *tests;
	const mc_node *host, *prefer, *match_message, *limits;
	const mc_node *kinds_node;  /* the last `kinds:` laid over, for errors */
	entries fields, kinds, match, compare, relax, rules, remedies;
} layer;

typedef struct loader {
	mc_policy *p;
	const mc_limits *lim;
	mc_diag *diag;
	mc_cond_ctx cc;       /* arena, paths and error count for compiling */
	mc_kind_checks *checks;  /* p->checks, writable while compiling */
	uint64_t broken_fields;  /* fields with errors: no more errors about
	                            their type */
	mc_sandbox *sandbox;     /* Lua is compiled here, made when needed */
	mc_luachunks chunks;     /* the Lua texts compiled so far */
	bool sandbox_failed;     /* it could not be made (and that was said) */
	char **chain;         /* real paths of the files being loaded */
	size_t nchain;
	bool chain_failed;    /* a file of the chain could not be read */
	int status;
} loader;

/* Reports an error at a node, gives it a stable id (mc_diag_item.code) and
 * counts it; lerror is for the errors without an id of their own. */
#define lerror_id(L, id, at, ...) \
	do { \
		if (mc_node_error_counted((L)->diag, &(L)->cc.errors, (at), \
					  __VA_ARGS__) == 0) \
			mc_diag_set_code((L)->diag, (id)); \
	} while (0)
#define lerror(L, at, ...) lerror_id((L), "bad-value", (at), __VA_ARGS__)

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
	if (e->count == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 8;
		entry *items = realloc(e->items, cap * sizeof(*items));
		if (!items)
			return -1;
		e->items = items;
		e->cap = cap;
	}
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
 * Shape checks shared by every section
 */

/* Edit distance, for "did you mean" (short words only). */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[32];

	if (la >= 31 || lb >= 31)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[lb];
}

static const char *
suggest(const char *word, const char *const *choices)
{
	const char *best = NULL;
	size_t bestd = 3;

	for (; *choices; choices++) {
		size_t d = distance(word, *choices);
		if (d < bestd) {
			bestd = d;
			best = *choices;
		}
	}
	return best;
}

static void
list_words(char *buf, size_t size, const char *const *words)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; words[i] && off < size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%s%s", i ? ", " : "",
					words[i]);
}

/* Reports every key of map that is not in allowed; returns how many. */
static int
check_keys(loader *L, const mc_node *map, const char *what,
	   const char *const *allowed)
{
	int bad = 0;

	for (size_t i = 0; i < map->len; i++) {
		const mc_node *k = map->u.pairs[i].key;
		const char *const *a;
		char words[256];

		for (a = allowed; *a; a++) {
			if (strcmp(*a, k->u.text) == 0)
				break;
		}
		if (*a)
			continue;
		const char *s = suggest(k->u.text, allowed);
		if (s) {
			lerror_id(L, "unknown-key", k, "unknown key '%.64s' in %s; "
				  "did you mean '%s'?", k->u.text, what, s);
		} else {
			list_words(words, sizeof(words), allowed);
			lerror_id(L, "unknown-key", k, "unknown key '%.64s' in %s "
				  "(known keys: %s)", k->u.text, what, words);
		}
		bad++;
	}
	return bad;
}

static bool
want_map(loader *L, const mc_node *n, const char *what)
{
	if (n->kind == MC_NODE_MAP)
		return true;
	lerror(L, n, "%s must be a mapping, not %s", what, mc_node_describe(n));
	return false;
}

static bool
want_list(loader *L, const mc_node *n, const char *what)
{
	if (mc_node_is_seq(n))
		return true;
	lerror(L, n, "%s must be a list, not %s", what, mc_node_describe(n));
	return false;
}

static bool
want_str(loader *L, const mc_node *n, const char *what)
{
	if (mc_node_is_str(n) && n->len > 0)
		return true;
	lerror(L, n, "%s must be a non-empty string, not %s", what,
	       mc_node_is_str(n) ? "an empty string" : mc_node_describe(n));
	return false;
}

/* Names of fields, kinds, rules and remedies: a letter, then letters,
 * digits, '_', '-' or '.'. */
static bool
want_name(loader *L, const mc_node *n, const char *what)
{
	if (!want_str(L, n, what))
		return false;
	const char *s = n->u.text;
	bool ok = (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z');
	for (size_t i = 1; ok && i < n->len; i++) {
		char c = s[i];
		ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		     (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
	}
	if (!ok || n->len > 64)
		lerror(L, n, "'%.64s' is not a valid %s: use a letter, then letters, "
		       "digits, '_', '-' or '.' (at most 64)", s, what);
	return ok && n->len <= 64;
}

static const char *
str_or_null(loader *L, const mc_node *n, const char *what)
{
	if (!n)
		return NULL;
	if (!want_str(L, n, what))
		return NULL;
	return n->u.text;
}

/* ------------------------------------------------------------------------
 * Reading the chain of files into a layer
 */

static const char *const top_keys[] = {
	"policy", "description", "format", "extends", "fields", "kinds", "host",
	"match", "compare", "relax", "rules", "prefer", "remedies", "tests",
	"limits", NULL
};

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
	mc_doc **docs = realloc(L->p->docs, (L->p->ndocs + 1) * sizeof(*docs));

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
static mc_sandbox *load_sandbox(loader *L, const char *file, unsigned line,
				unsigned col);

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
	mc_sandbox *sb;
	int rc;

	*out = NULL;
	if (!mc_luapolicy_is(path)) {
		if (buf)
			return mc_doc_load_buffer(out, path, buf, len, L->lim, L->diag);
		if (ext)
			return mc_doc_load_named(out, path, &named, L->lim, L->diag);
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
	if (!(sb = load_sandbox(L, path, 1, 1))) {
		free(data);
		return L->cc.nomem ? MC_ENOMEM : MC_ELIMIT;
	}
	return mc_luapolicy_load(out, path, data, len, sb, L->lim, L->diag);
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
	char **chain = realloc(L->chain, (L->nchain + 1) * sizeof(*chain));
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
	check_keys(L, root, "a policy", top_keys);
	const mc_node *ext = mc_node_get(root, "extends");
	if (ext && load_base(L, l, doc, ext, depth) < 0)
		return -1;
	return overlay(L, l, root);
}

/* ------------------------------------------------------------------------
 * Compiling the layer
 */

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

static void *
alloc_array(loader *L, size_t n, size_t size)
{
	void *a = mc_arena_calloc(&L->p->arena, n ? n : 1, size);

	if (!a)
		L->cc.nomem = true;
	return a;
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
		const char *s = suggest(n->u.text, names);
		if (s)
			lerror_id(L, "unknown-field", n, "unknown field '%.64s'; "
				  "did you mean '%s'?", n->u.text, s);
		else
			lerror_id(L, "unknown-field", n, "unknown field '%.64s': "
				  "declare it under 'fields'", n->u.text);
	}
	return f;
}

static int
kind_ref(loader *L, const mc_node *n, const char *what)
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
		const char *s = suggest(n->u.text, names);
		if (s)
			lerror_id(L, "unknown-kind", n, "unknown kind '%.64s'; "
				  "did you mean '%s'?", n->u.text, s);
		else
			lerror_id(L, "unknown-kind", n, "unknown kind '%.64s': "
				  "declare it under 'kinds'", n->u.text);
	}
	return k;
}

static const mc_cond *
condition(loader *L, const mc_node *n, unsigned scopes, const char *where)
{
	L->cc.scopes = scopes;
	L->cc.where = where;
	return mc_cond_compile(&L->cc, n);
}

static const mc_template *
message(loader *L, const mc_node *n, unsigned scopes, bool field_values)
{
	L->cc.scopes = scopes;
	L->cc.where = "a message";
	return mc_template_compile(&L->cc, n, field_values);
}

#define ALL_SCOPES ((1u << MC_SCOPE_VM) | (1u << MC_SCOPE_SOURCE) | \
		    (1u << MC_SCOPE_TARGET))

static void
compile_normalize(loader *L, mc_field *f, const mc_node *list)
{
	static const char *const keys[] = {"pattern", "to", "caseless", NULL};
	mc_normalize *norm;

	if (!want_list(L, list, "'normalize'"))
		return;
	norm = alloc_array(L, list->len, sizeof(*norm));
	if (!norm)
		return;
	for (size_t i = 0; i < list->len; i++) {
		const mc_node *it = list->u.items[i], *pat, *to, *cl;
		char err[256];
		const mc_regex *re;

		if (!want_map(L, it, "a 'normalize' entry") ||
		    check_keys(L, it, "a 'normalize' entry", keys))
			continue;
		pat = mc_node_get(it, "pattern");
		to = mc_node_get(it, "to");
		cl = mc_node_get(it, "caseless");
		if (!pat || !to) {
			lerror(L, it, "a 'normalize' entry needs 'pattern' and 'to'");
			continue;
		}
		if (!want_str(L, pat, "'pattern'"))
			continue;
		if (to->kind != MC_NODE_SCALAR || to->type == MC_SCALAR_NULL) {
			lerror(L, to, "'to' must be a value, not %s", mc_node_describe(to));
			continue;
		}
		if (cl && (cl->kind != MC_NODE_SCALAR || cl->type != MC_SCALAR_BOOL)) {
			lerror(L, cl, "'caseless' must be true or false");
			continue;
		}
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
	int errors = L->cc.errors;
	if (norm)
		compile_normalize(L, f, norm);
	f->description = str_or_null(L, mc_node_get(v, "description"),
				     "'description'");
	return L->cc.nomem ? -1 : L->cc.errors == errors;
}

static void
compile_fields(loader *L, const layer *l)
{
	static const char *const keys[] = {"from", "type", "normalize",
					   "description", NULL};
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
		int r = want_map(L, v, "a field") && !check_keys(L, v, "a field", keys)
			? compile_field(L, f, e, v) : 0;
		if (r < 0)
			return;
		if (r == 0)
			L->broken_fields |= (uint64_t)1 << (p->nfields - 1);
	}
}

static void
compile_kinds(loader *L, const layer *l)
{
	static const char *const keys[] = {"when", "description", NULL};
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
		if (!want_map(L, v, "a kind") || check_keys(L, v, "a kind", keys))
			continue;
		when = mc_node_get(v, "when");
		if (when)
			k->when = condition(L, when, (1u << MC_SCOPE_VM) |
					    (1u << MC_SCOPE_SOURCE), "a kind's 'when'");
		k->description = str_or_null(L, mc_node_get(v, "description"),
					     "'description'");
	}
}

static void
compile_host(loader *L, const layer *l)
{
	static const char *const keys[] = {"require", "message", NULL};
	mc_policy *p = L->p;
	const mc_node *h = l->host, *req, *msg;
	mc_host_req *reqs;

	if (h) {
		if (!want_map(L, h, "'host'") || check_keys(L, h, "'host'", keys))
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
	*kind = kind_ref(L, e->items[i].key, "a kind");
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

static void
compile_compare(loader *L, const layer *l)
{
	static const char *const keys[] = {"field", "op", "message", NULL};
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

			if (!want_map(L, it, "a 'compare' entry") ||
			    check_keys(L, it, "a 'compare' entry", keys))
				continue;
			fn = mc_node_get(it, "field");
			opn = mc_node_get(it, "op");
			msg = mc_node_get(it, "message");
			if (!fn || !opn) {
				lerror(L, it, "a 'compare' entry needs 'field' and 'op'");
				continue;
			}
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

static void
compile_relax(loader *L, const layer *l)
{
	static const char *const keys[] = {"id", "when", "drop", "note", NULL};
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
		const mc_node *it = l->relax.items[i].value, *when, *drop, *id;
		mc_relax *x = &r[p->nrelax];

		if (!want_map(L, it, "a 'relax' entry") ||
		    check_keys(L, it, "a 'relax' entry", keys))
			continue;
		id = mc_node_get(it, "id");
		when = mc_node_get(it, "when");
		drop = mc_node_get(it, "drop");
		if (!when || !drop) {
			lerror(L, it, "a 'relax' entry needs 'when' and 'drop'");
			continue;
		}
		if (id && !want_name(L, id, "relaxation id"))
			continue;
		x->when = condition(L, when, ALL_SCOPES, "a relaxation's 'when'");
		if (!x->when || !field_bits(L, drop, &x->drop))
			continue;
		x->id = id ? id->u.text : NULL;
		x->note = str_or_null(L, mc_node_get(it, "note"), "'note'");
		x->at = it;
		p->nrelax++;
	}
}

/* The sandbox a policy's Lua is compiled in while it loads, made when the
 * first Lua is met (at file:line:col, where a limit too small for Lua
 * to start is reported). */
static mc_sandbox *
load_sandbox(loader *L, const char *file, unsigned line, unsigned col)
{
	int rc;

	if (L->sandbox || L->sandbox_failed)
		return L->sandbox;
	rc = mc_sandbox_new(&L->sandbox, L->lim->lua_max_memory,
			    L->lim->lua_max_string);
	L->sandbox_failed = rc != MC_OK;
	if (rc == MC_ELIMIT) {
		if (mc_diag_add(L->diag, MC_SEVERITY_ERROR, file, line, col, NULL, 0,
				"Lua needs more memory to start than --limit "
				"lua-memory=%zu allows", L->lim->lua_max_memory) == 0)
			mc_diag_set_code(L->diag, "limit");
		L->cc.errors++;
	} else if (rc != MC_OK) {
		L->cc.nomem = true;
	}
	return L->sandbox;
}

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
		mc_sandbox *sb;
		int rc;

		if (!want_str(L, lua, "'lua'"))
			return -1;
		if (!(sb = load_sandbox(L, lua->file->name, lua->line, lua->col)))
			return -1;
		rc = mc_luarule_compile(sb, &L->chunks, p, x, lua, L->diag);
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

static void
compile_rules(loader *L, const layer *l)
{
	static const char *const keys[] = {"id", "kinds", "require", "lua",
					   "uses", "message", "description", NULL};
	mc_policy *p = L->p;
	mc_rule *r = alloc_array(L, l->rules.count, sizeof(*r));

	if (!r)
		return;
	p->rules = r;
	for (size_t i = 0; i < l->rules.count; i++) {
		const mc_node *it = l->rules.items[i].value, *id, *kinds, *req, *lua,
			      *msg;
		mc_rule *x = &r[p->nrules];

		if (!want_map(L, it, "a rule") || check_keys(L, it, "a rule", keys))
			continue;
		id = mc_node_get(it, "id");
		kinds = mc_node_get(it, "kinds");
		req = mc_node_get(it, "require");
		lua = mc_node_get(it, "lua");
		msg = mc_node_get(it, "message");
		if (!id) {
			lerror(L, it, "a rule needs an 'id'");
			continue;
		}
		if (!want_name(L, id, "rule id"))
			continue;
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
				int k = kind_ref(L, kinds->u.items[j], "a kind");
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

static void
compile_prefer(loader *L, const layer *l)
{
	static const char *const keys[] = {"match", "when", "weight", NULL};
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

		if (!want_map(L, it, "a 'prefer' entry") ||
		    check_keys(L, it, "a 'prefer' entry", keys))
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

static void
compile_remedies(loader *L, const layer *l)
{
	static const char *const keys[] = {"id", "says", "warning", "set", NULL};
	mc_policy *p = L->p;
	mc_remedy *r = alloc_array(L, l->remedies.count, sizeof(*r));

	if (!r)
		return;
	p->remedies = r;
	for (size_t i = 0; i < l->remedies.count; i++) {
		const mc_node *it = l->remedies.items[i].value, *id, *says, *set;
		mc_remedy *x = &r[p->nremedies];
		mc_assign *as;

		if (!want_map(L, it, "a remedy") || check_keys(L, it, "a remedy", keys))
			continue;
		id = mc_node_get(it, "id");
		says = mc_node_get(it, "says");
		set = mc_node_get(it, "set");
		if (!id || !says || !set) {
			lerror(L, it, "a remedy needs 'id', 'says' and 'set'");
			continue;
		}
		if (!want_name(L, id, "remedy id") || !want_str(L, says, "'says'") ||
		    !want_map(L, set, "'set'"))
			continue;
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
static void
check_tests(loader *L, const layer *l)
{
	static const char *const keys[] = {"name", "inventory", "vm", "to", "kind",
					   "expect", NULL};
	static const char *const expect_keys[] = {"allowed", "rating",
						  "violations", "remedies", NULL};
	const mc_node *list = l->tests;

	L->p->tests = list;
	if (!list || !want_list(L, list, "'tests'"))
		return;
	for (size_t i = 0; i < list->len; i++) {
		const mc_node *t = list->u.items[i], *n, *ex;

		if (!want_map(L, t, "a test") || check_keys(L, t, "a test", keys))
			continue;
		if (!mc_node_get(t, "name") || !mc_node_get(t, "inventory") ||
		    !mc_node_get(t, "vm") || !mc_node_get(t, "expect")) {
			lerror(L, t, "a test needs 'name', 'inventory', 'vm' and 'expect'");
			continue;
		}
		want_str(L, mc_node_get(t, "name"), "a test's 'name'");
		want_str(L, mc_node_get(t, "inventory"), "a test's 'inventory'");
		want_str(L, mc_node_get(t, "vm"), "a test's 'vm'");
		if ((n = mc_node_get(t, "to")))
			want_str(L, n, "a test's 'to'");
		if ((n = mc_node_get(t, "kind")))
			kind_ref(L, n, "a test's 'kind'");
		ex = mc_node_get(t, "expect");
		if (!want_map(L, ex, "'expect'") ||
		    check_keys(L, ex, "'expect'", expect_keys))
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

/* `limits:` what a Lua rule may use per call, within the caps of
 * mc_limits. */
static void
compile_limits(loader *L, const layer *l)
{
	static const char *const keys[] = {"lua_instructions", "lua_memory_mb",
					   NULL};
	mc_policy *p = L->p;
	const mc_node *n;

	p->lua_instructions = MC_LUA_DEFAULT_INSTRUCTIONS;
	p->lua_memory = MC_LUA_DEFAULT_MEMORY;
	if (p->lua_instructions > L->lim->lua_max_instructions)
		p->lua_instructions = L->lim->lua_max_instructions;
	if (p->lua_memory > L->lim->lua_max_memory)
		p->lua_memory = L->lim->lua_max_memory;
	p->lua_state_memory = L->lim->lua_max_memory;
	p->lua_string_cap = mc_sandbox_string_cap(L->lim->lua_max_string);
	if (!l->limits || !want_map(L, l->limits, "'limits'"))
		return;
	check_keys(L, l->limits, "'limits'", keys);
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
	p->max_violations = p->nhost_require + most + p->nrules;
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

/* ------------------------------------------------------------------------
 * Public entry points
 */

static int
load(mc_policy **out, const char *path, const char *buf, size_t len,
     const mc_limits *limits, mc_diag *diag)
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
		L.chain = malloc(sizeof(*L.chain));
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
	if (!L.chain_failed && l.root) {
		compile_top(&L, &l);
		compile_limits(&L, &l);
		compile_fields(&L, &l);
		compile_kinds(&L, &l);
		if (p->nkinds) {
			compile_host(&L, &l);
			compile_match(&L, &l);
			compile_compare(&L, &l);
			compile_relax(&L, &l);
			compile_rules(&L, &l);
			compile_prefer(&L, &l);
			compile_remedies(&L, &l);
			check_tests(&L, &l);
		}
		compute_max_violations(p);
		digest(p);
	}
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
	mc_sandbox_free(L.sandbox);
	mc_luachunks_free(&L.chunks);
	if (rc != MC_OK) {
		mc_policy_free(p);
		return rc;
	}
	*out = p;
	return MC_OK;
}

int
mc_policy_load(mc_policy **out, const char *path, const mc_limits *limits,
	       mc_diag *diag)
{
	*out = NULL;
	return load(out, path, NULL, 0, limits, diag);
}

int
mc_policy_load_buffer(mc_policy **out, const char *name, const char *buf,
		      size_t len, const mc_limits *limits, mc_diag *diag)
{
	*out = NULL;
	return load(out, name, buf ? buf : "", len, limits, diag);
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
