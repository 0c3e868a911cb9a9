/* SPDX-License-Identifier: MIT */
/*
 * cond.c - compiling and evaluating conditions.
 */
#include "policy/cond.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "load/value.h"

/* A list comparison in a condition (superset, subset) is a nested loop;
 * past this many member comparisons it is refused as too large. Set fields
 * (`type: set`) compare sorted sets and have no such bound. */
#define MAX_LIST_WORK 1000000

/* ------------------------------------------------------------------------
 * Compiling
 */

static mc_cond *
new_cond(mc_cond_ctx *ctx, mc_cond_type type, const mc_node *at)
{
	mc_cond *c = mc_arena_calloc(ctx->arena, 1, sizeof(*c));

	if (!c) {
		ctx->nomem = true;
		return NULL;
	}
	c->type = (uint8_t)type;
	c->at = at;
	return c;
}

/* Reports an error at a node and counts it. */
#define cerror_id(ctx, id, at, ...) \
	do { \
		if (mc_node_error_counted((ctx)->diag, &(ctx)->errors, (at), \
					  __VA_ARGS__) == 0) \
			mc_diag_set_code((ctx)->diag, (id)); \
	} while (0)
#define cerror(ctx, at, ...) cerror_id((ctx), "bad-value", (at), __VA_ARGS__)

void
mc_cond_ctx_release(mc_cond_ctx *ctx)
{
	mc_strmap_free(&ctx->pattern_index[0]);
	mc_strmap_free(&ctx->pattern_index[1]);
	mc_strmap_free(&ctx->pattern_nodes);
	free(ctx->patterns);
	ctx->patterns = NULL;
	ctx->npatterns = ctx->cappatterns = 0;
}

/* Compiles the text of v into a new entry of ctx->patterns. */
static int
compile_pattern(mc_cond_ctx *ctx, const mc_node *v, bool caseless,
		mc_cond_pat *e)
{
	char err[256];
	mc_regex *re;
	int rc;

	memset(e, 0, sizeof(*e));
	rc = mc_regex_compile(&re, v->u.text, v->len, caseless, err, sizeof(err),
			      &e->offset);
	if (rc == MC_ENOMEM)
		return -1;
	if (rc < 0)
		return (e->err = mc_arena_strdup(ctx->arena, err)) ? 0 : -1;
	if (mc_regex_set_add(ctx->regexes, re) < 0)
		return -1;
	e->re = re;
	return 0;
}

/* The key of a node's text in ctx->pattern_nodes: its address and its
 * caselessness. */
typedef struct pattern_node {
	const char *text;
	size_t caseless;
} pattern_node;

const mc_regex *
mc_cond_pattern(mc_cond_ctx *ctx, const mc_node *v, bool caseless)
{
	mc_strmap *index = &ctx->pattern_index[caseless];
	pattern_node key = {v->u.text, caseless}, *kept;
	mc_cond_pat *grown, *e;
	size_t idx;

	if (mc_strmap_get(&ctx->pattern_nodes, (const char *)&key, sizeof(key),
			  &idx))
		goto found;
	if (!mc_strmap_get(index, v->u.text, v->len, &idx)) {
		grown = mc_grow(ctx->patterns, &ctx->cappatterns, ctx->npatterns + 1,
				sizeof(*grown));
		if (!grown)
			goto nomem;
		ctx->patterns = grown;
		/* The text is the node's, which lives as long as the policy. */
		if (compile_pattern(ctx, v, caseless, &grown[ctx->npatterns]) < 0 ||
		    mc_strmap_put(index, v->u.text, v->len, ctx->npatterns, NULL) < 0)
			goto nomem;
		idx = ctx->npatterns++;
	}
	/* The map keeps its keys where they are: in the arena. */
	if (!(kept = mc_arena_alloc(ctx->arena, sizeof(*kept))))
		goto nomem;
	*kept = key;
	if (mc_strmap_put(&ctx->pattern_nodes, (const char *)kept, sizeof(*kept),
			  idx, NULL) < 0)
		goto nomem;
found:
	e = &ctx->patterns[idx];
	if (e->err) {
		cerror_id(ctx, "bad-pattern", v, "bad pattern at offset %zu: %s",
			  e->offset, e->err);
		return NULL;
	}
	return e->re;
nomem:
	ctx->nomem = true;
	return NULL;
}

int
mc_cond_compile_path(mc_cond_ctx *ctx, const mc_node *at, const char *s,
		     size_t len, mc_ref *ref)
{
	mc_scope scope;
	const char *rel;
	size_t rellen;
	long idx;

	if (mc_path_split(s, len, &scope, &rel, &rellen) < 0) {
		cerror(ctx, at, "'%.*s' is not a path: it must start with 'vm.', "
		       "'source.' or 'target.' and have no empty part",
		       (int)(len > 200 ? 200 : len), s);
		return -1;
	}
	if (!(ctx->scopes & (1u << scope))) {
		cerror(ctx, at, "%s cannot use '%s.' paths", ctx->where,
		       mc_scope_name(scope));
		return -1;
	}
	idx = mc_pathtab_intern(scope == MC_SCOPE_VM ? ctx->vm_paths
				: ctx->host_paths, ctx->arena, rel, rellen);
	if (idx < 0) {
		ctx->nomem = true;
		return -1;
	}
	ref->scope = (uint8_t)scope;
	ref->index = (uint32_t)idx;
	return 0;
}

/* A `$path` operand, or a literal (with `$$` unescaped). */
static int
compile_operand(mc_cond_ctx *ctx, mc_cond *leaf, const mc_node *v)
{
	leaf->operand = v;
	if (!mc_node_is_str(v) || v->u.text[0] != '$')
		return 0;
	if (v->len > 1 && v->u.text[1] == '$') {
		mc_node *lit = mc_arena_memdup(ctx->arena, v, 1, sizeof(*v));
		if (!lit) {
			ctx->nomem = true;
			return -1;
		}
		lit->u.text = v->u.text + 1;
		lit->len = v->len - 1;
		leaf->operand = lit;
		return 0;
	}
	leaf->operand_is_ref = true;
	return mc_cond_compile_path(ctx, v, v->u.text + 1, v->len - 1,
				    &leaf->operand_ref);
}

/* Checks the operand v of operator op as its row says, and keeps it. */
static const mc_cond *
compile_leaf(mc_cond_ctx *ctx, const mc_node *key, mc_ref subject, mc_op op,
	     const mc_node *opnode, const mc_node *v)
{
	mc_cond *c = new_cond(ctx, MC_COND_LEAF, opnode ? opnode : key);

	if (!c)
		return NULL;
	c->op = (uint8_t)op;
	c->subject = subject;
	c->subject_text = key->u.text;
	switch (mc_ops[op].operand) {
	case MC_OPERAND_BOOL:
		if (v->kind != MC_NODE_SCALAR || v->type != MC_SCALAR_BOOL) {
			cerror(ctx, v, "'%s' takes true or false, not %s",
			       mc_op_name(op), mc_node_describe(v));
			return NULL;
		}
		c->operand = v;
		return c;
	case MC_OPERAND_PATTERN:
		if (!mc_node_is_str(v)) {
			cerror(ctx, v, "'%s' takes a pattern string, not %s",
			       mc_op_name(op), mc_node_describe(v));
			return NULL;
		}
		if (!(c->re = mc_cond_pattern(ctx, v, false)))
			return NULL;
		c->operand = v;
		return c;
	case MC_OPERAND_LIST:
		if (compile_operand(ctx, c, v) < 0)
			return NULL;
		if (c->operand_is_ref)
			return c;
		if (!mc_node_is_seq(v)) {
			cerror(ctx, v, "'%s' takes a list or a $path, not %s",
			       mc_op_name(op), mc_node_describe(v));
			return NULL;
		}
		for (size_t i = 0; i < v->len; i++) {
			if (v->u.items[i]->kind != MC_NODE_SCALAR) {
				cerror(ctx, v->u.items[i], "the list of '%s' holds only "
				       "scalars, not %s", mc_op_name(op),
				       mc_node_describe(v->u.items[i]));
				return NULL;
			}
		}
		return c;
	default:
		if (v->kind != MC_NODE_SCALAR || v->type == MC_SCALAR_NULL) {
			cerror(ctx, v, "'%s' takes a value or a $path, not %s",
			       mc_op_name(op), mc_node_describe(v));
			return NULL;
		}
		if (compile_operand(ctx, c, v) < 0)
			return NULL;
		return c;
	}
}

/* PATH: TEST -> one leaf, or all of several operators' leaves. */
static const mc_cond *
compile_test(mc_cond_ctx *ctx, const mc_node *key, const mc_node *test)
{
	mc_ref subject;
	mc_cond *all;

	if (mc_cond_compile_path(ctx, key, key->u.text, key->len, &subject) < 0)
		return NULL;
	if (test->kind == MC_NODE_SCALAR)
		return compile_leaf(ctx, key, subject, MC_OP_EQ, NULL, test);
	if (test->kind == MC_NODE_SEQ) {
		cerror(ctx, test, "a test is a value or a mapping of operators; "
		       "for a list of values write { in: [...] }");
		return NULL;
	}
	if (test->len == 0) {
		cerror(ctx, test, "an empty test: name at least one operator");
		return NULL;
	}
	all = new_cond(ctx, MC_COND_ALL, key);
	if (!all)
		return NULL;
	all->kids = mc_arena_calloc(ctx->arena, test->len, sizeof(*all->kids));
	if (!all->kids) {
		ctx->nomem = true;
		return NULL;
	}
	bool ok = true;
	for (size_t i = 0; i < test->len; i++) {
		const mc_pair *p = &test->u.pairs[i];
		const mc_cond *leaf;
		mc_op op;

		if (!mc_op_lookup(p->key->u.text, &op) ||
		    mc_ops[op].operand == MC_OPERAND_NONE) {
			char names[128];

			cerror(ctx, p->key, "unknown operator '%.64s' (operators: %s)",
			       p->key->u.text, mc_op_names(names, sizeof(names),
							   MC_OP_USE_COND, " "));
			ok = false;
			continue;
		}
		leaf = compile_leaf(ctx, key, subject, op, p->key, p->value);
		if (!leaf)
			ok = false;
		else
			all->kids[all->nkids++] = leaf;
	}
	if (!ok)
		return NULL;
	return all->nkids == 1 ? all->kids[0] : all;
}

static const mc_cond *
compile_list(mc_cond_ctx *ctx, mc_cond_type type, const mc_node *key,
	     const mc_node *list)
{
	mc_cond *c;
	bool ok = true;

	if (!mc_node_is_seq(list)) {
		cerror(ctx, list, "'%s' takes a list of conditions, not %s",
		       key->u.text, mc_node_describe(list));
		return NULL;
	}
	c = new_cond(ctx, type, key);
	if (!c)
		return NULL;
	c->kids = mc_arena_calloc(ctx->arena, list->len ? list->len : 1,
				  sizeof(*c->kids));
	if (!c->kids) {
		ctx->nomem = true;
		return NULL;
	}
	for (size_t i = 0; i < list->len; i++) {
		const mc_cond *k = mc_cond_compile(ctx, list->u.items[i]);
		if (!k)
			ok = false;
		else
			c->kids[c->nkids++] = k;
	}
	return ok ? c : NULL;
}

const mc_cond *
mc_cond_compile(mc_cond_ctx *ctx, const mc_node *n)
{
	mc_cond *all;
	bool ok = true;

	if (n->kind != MC_NODE_MAP || n->len == 0) {
		cerror(ctx, n, "a condition is a mapping such as "
		       "{ vm.state: running }, not %s", n->kind == MC_NODE_MAP
		       ? "an empty mapping" : mc_node_describe(n));
		return NULL;
	}
	all = new_cond(ctx, MC_COND_ALL, n);
	if (!all)
		return NULL;
	all->kids = mc_arena_calloc(ctx->arena, n->len, sizeof(*all->kids));
	if (!all->kids) {
		ctx->nomem = true;
		return NULL;
	}
	for (size_t i = 0; i < n->len; i++) {
		const mc_node *k = n->u.pairs[i].key, *v = n->u.pairs[i].value;
		const mc_cond *c;

		if (strcmp(k->u.text, "all") == 0) {
			c = compile_list(ctx, MC_COND_ALL, k, v);
		} else if (strcmp(k->u.text, "any") == 0) {
			c = compile_list(ctx, MC_COND_ANY, k, v);
		} else if (strcmp(k->u.text, "not") == 0) {
			mc_cond *neg = new_cond(ctx, MC_COND_NOT, k);
			const mc_cond *kid = mc_cond_compile(ctx, v);
			c = NULL;
			if (neg && kid) {
				neg->kids = mc_arena_calloc(ctx->arena, 1, sizeof(*neg->kids));
				if (neg->kids) {
					neg->kids[0] = kid;
					neg->nkids = 1;
					c = neg;
				} else {
					ctx->nomem = true;
				}
			}
		} else {
			c = compile_test(ctx, k, v);
		}
		if (!c)
			ok = false;
		else
			all->kids[all->nkids++] = c;
	}
	if (!ok)
		return NULL;
	return all->nkids == 1 ? all->kids[0] : all;
}

bool
mc_cond_reads(const mc_cond *c, mc_scope scope, uint32_t index)
{
	if (c->type == MC_COND_LEAF)
		return (c->subject.scope == scope && c->subject.index == index) ||
		       (c->operand_is_ref && c->operand_ref.scope == scope &&
			c->operand_ref.index == index);
	for (size_t i = 0; i < c->nkids; i++) {
		if (mc_cond_reads(c->kids[i], scope, index))
			return true;
	}
	return false;
}

/* ------------------------------------------------------------------------
 * Evaluating
 */

static mc_tv
decide(const mc_cond *leaf, mc_why *why, mc_tv tv, mc_why_reason reason)
{
	if (why) {
		why->leaf = leaf;
		why->reason = (uint8_t)reason;
	}
	return tv;
}

static mc_tv
truth(const mc_cond *leaf, mc_why *why, bool held)
{
	return held ? decide(leaf, why, MC_TRUE, MC_WHY_HELD)
		    : decide(leaf, why, MC_FALSE, MC_WHY_FAILED);
}

/* Every member of sub is in sup. */
static bool
list_within(const mc_node *sub, const mc_node *sup)
{
	for (size_t i = 0; i < sub->len; i++) {
		if (!mc_value_in(sub->u.items[i], sup))
			return false;
	}
	return true;
}

static mc_tv
eval_leaf(const mc_cond *c, const mc_env *env, mc_why *why)
{
	const mc_op_info *op = mc_op_info_of(c->op);
	const mc_node *v = mc_env_get(env, c->subject);
	const mc_node *o = c->operand;
	int cmp;

	if (op->eval == MC_EVAL_EXISTS)
		return truth(c, why, (v != NULL) == (o->num != 0));
	if (!v)
		return decide(c, why, MC_UNKNOWN, MC_WHY_MISSING);
	if (c->operand_is_ref) {
		o = mc_env_get(env, c->operand_ref);
		if (!o)
			return decide(c, why, MC_UNKNOWN, MC_WHY_MISSING_OPERAND);
	}
	switch (op->eval) {
	case MC_EVAL_EQUAL:
		return truth(c, why, mc_node_equal(v, o) != op->negated);
	case MC_EVAL_ORDER:
		if (mc_node_order(v, o, &cmp) < 0)
			return decide(c, why, MC_UNKNOWN, MC_WHY_MALFORMED);
		return truth(c, why, mc_op_orders(op, cmp));
	case MC_EVAL_MEMBER:
		if (!mc_node_is_seq(o))
			return decide(c, why, MC_UNKNOWN, MC_WHY_MALFORMED);
		return truth(c, why, mc_value_in(v, o) != op->negated);
	case MC_EVAL_MATCH: {
		int r;

		if (v->kind != MC_NODE_SCALAR)
			return decide(c, why, MC_UNKNOWN, MC_WHY_MALFORMED);
		if (v->type == MC_SCALAR_BOOL)
			r = mc_regex_match(c->re, env->matcher, v->num ? "true" : "false",
					   v->num ? 4 : 5);
		else
			r = mc_regex_match(c->re, env->matcher, v->u.text, v->len);
		if (r < 0)
			return decide(c, why, MC_UNKNOWN, env->matcher->run_out
				      ? MC_WHY_REGEX_RUN : MC_WHY_REGEX_LIMIT);
		return truth(c, why, r == 1);
	}
	case MC_EVAL_SUPERSET:
	case MC_EVAL_SUBSET:
		if (!mc_node_is_seq(v) || !mc_node_is_seq(o))
			return decide(c, why, MC_UNKNOWN, MC_WHY_MALFORMED);
		if (v->len && o->len > MAX_LIST_WORK / v->len)
			return decide(c, why, MC_UNKNOWN, MC_WHY_TOO_LARGE);
		return truth(c, why, op->eval == MC_EVAL_SUPERSET ? list_within(o, v)
			     : list_within(v, o));
	default:
		return decide(c, why, MC_UNKNOWN, MC_WHY_MALFORMED);
	}
}

mc_tv
mc_cond_eval(const mc_cond *c, const mc_env *env, mc_why *why)
{
	mc_why first = {NULL, 0}, w;
	mc_tv result;

	switch (c->type) {
	case MC_COND_LEAF:
		return eval_leaf(c, env, why);
	case MC_COND_NOT:
		result = mc_cond_eval(c->kids[0], env, why);
		return result == MC_UNKNOWN ? MC_UNKNOWN
		       : result == MC_TRUE ? MC_FALSE : MC_TRUE;
	case MC_COND_ALL:
		/* FALSE as soon as a part is; else UNKNOWN if a part was. */
		result = MC_TRUE;
		for (size_t i = 0; i < c->nkids; i++) {
			mc_tv r = mc_cond_eval(c->kids[i], env, &w);
			if (r == MC_FALSE) {
				first = w;
				result = MC_FALSE;
				break;
			}
			if (r == MC_UNKNOWN && result == MC_TRUE) {
				first = w;
				result = MC_UNKNOWN;
			} else if (i == 0 && result == MC_TRUE) {
				first = w;
			}
		}
		break;
	default:
		/* any: TRUE as soon as a part is; else UNKNOWN if a part was. */
		result = MC_FALSE;
		for (size_t i = 0; i < c->nkids; i++) {
			mc_tv r = mc_cond_eval(c->kids[i], env, &w);
			if (r == MC_TRUE) {
				first = w;
				result = MC_TRUE;
				break;
			}
			if (r == MC_UNKNOWN && result == MC_FALSE) {
				first = w;
				result = MC_UNKNOWN;
			} else if (i == 0 && result == MC_FALSE) {
				first = w;
			}
		}
		/* no part held: no one part says why, the alternatives do */
		if (result == MC_FALSE && c->nkids > 1)
			first = (mc_why){c, MC_WHY_FAILED};
		break;
	}
	if (why)
		*why = first;
	return result;
}

/* ------------------------------------------------------------------------
 * Describing
 */

static void
write_operand(mc_buf *out, const mc_cond *c, const mc_env *env)
{
	if (c->operand_is_ref) {
		const mc_node *o = mc_env_get(env, c->operand_ref);
		if (o) {
			mc_value_write(out, o, true);
			mc_buf_addf(out, " (%s)", c->operand->u.text + 1);
		} else {
			mc_buf_adds(out, c->operand->u.text + 1);
		}
		return;
	}
	if (c->op == MC_OP_MATCHES) {
		mc_buf_addc(out, '/');
		mc_buf_add(out, c->operand->u.text, c->operand->len);
		mc_buf_addc(out, '/');
		return;
	}
	mc_value_write(out, c->operand, true);
}

void
mc_cond_describe(mc_buf *out, const mc_why *why, const mc_env *env)
{
	const mc_cond *c = why->leaf;
	const mc_node *v;

	if (!c) {
		mc_buf_adds(out, "no condition part decided");
		return;
	}
	if (c->type == MC_COND_ANY) {
		mc_buf_addf(out, "none of %zu alternatives holds", c->nkids);
		return;
	}
	v = mc_env_get(env, c->subject);
	mc_buf_adds(out, c->subject_text);
	if (c->op == MC_OP_EXISTS) {
		mc_buf_adds(out, v ? " exists" : " is missing");
		if ((v != NULL) == (c->operand->num != 0))
			mc_buf_adds(out, ", as required");
		else
			mc_buf_adds(out, c->operand->num ? ", expected to exist"
				    : ", expected to be absent");
		return;
	}
	switch (why->reason) {
	case MC_WHY_MISSING:
		mc_buf_adds(out, " is missing");
		return;
	case MC_WHY_MISSING_OPERAND:
		mc_buf_addf(out, " cannot be compared: %s is missing",
			    c->operand->u.text + 1);
		return;
	default:
		break;
	}
	mc_buf_adds(out, " is ");
	mc_value_write(out, v, true);
	switch (why->reason) {
	case MC_WHY_MALFORMED:
		mc_buf_addf(out, ", which '%s' cannot compare with ", mc_op_name(c->op));
		write_operand(out, c, env);
		return;
	case MC_WHY_TOO_LARGE:
		mc_buf_adds(out, ", too long a list to compare in a condition "
			    "(declare a set field)");
		return;
	case MC_WHY_REGEX_LIMIT:
		mc_buf_adds(out, ", and matching it against ");
		write_operand(out, c, env);
		mc_buf_adds(out, " exceeded the pattern match limit (--limit "
			    "regex-match)");
		return;
	case MC_WHY_REGEX_RUN:
		mc_buf_adds(out, ", and matching it against ");
		write_operand(out, c, env);
		mc_buf_adds(out, " stopped: the run's budget of pattern steps "
			    "is spent (--limit regex-run)");
		return;
	case MC_WHY_HELD:
		mc_buf_adds(out, ", as '");
		mc_buf_adds(out, mc_op_name(c->op));
		mc_buf_adds(out, "' ");
		write_operand(out, c, env);
		mc_buf_adds(out, " requires");
		return;
	default:
		mc_buf_adds(out, ", ");
		mc_buf_adds(out, mc_op_info_of(c->op)->expected);
		write_operand(out, c, env);
		return;
	}
}

/* ------------------------------------------------------------------------
 * In words
 */

/* A literal as written: scalars plainly, lists as "a, b, c". */
static void
words_literal(mc_buf *out, const mc_node *n)
{
	if (n->kind == MC_NODE_SCALAR) {
		mc_value_write(out, n, false);
		return;
	}
	if (!mc_node_is_seq(n)) {
		mc_value_write(out, n, false);
		return;
	}
	if (n->len == 0) {
		mc_buf_adds(out, "nothing");
		return;
	}
	for (size_t i = 0; i < n->len; i++) {
		if (i)
			mc_buf_adds(out, ", ");
		mc_value_write(out, n->u.items[i], false);
	}
}

static void
words_leaf(mc_buf *out, const mc_cond *c)
{
	const mc_op_info *op = mc_op_info_of(c->op);

	mc_buf_adds(out, c->subject_text);
	if (c->op == MC_OP_EXISTS) {
		mc_buf_adds(out, c->operand->num ? " exists" : " is missing");
		return;
	}
	if (!op->words) {
		mc_buf_addf(out, " %s ?", op->name);
		return;
	}
	mc_buf_addc(out, ' ');
	mc_buf_adds(out, c->operand_is_ref ? op->words_ref : op->words);
	mc_buf_addc(out, ' ');
	if (c->operand_is_ref) {
		mc_buf_adds(out, c->operand->u.text + 1);
	} else if (c->op == MC_OP_MATCHES) {
		mc_buf_addc(out, '/');
		mc_buf_add(out, c->operand->u.text, c->operand->len);
		mc_buf_addc(out, '/');
	} else {
		words_literal(out, c->operand);
	}
}

static void
words(mc_buf *out, const mc_cond *c, bool nested)
{
	bool list = (c->type == MC_COND_ALL || c->type == MC_COND_ANY) &&
		    c->nkids > 1;

	if (list && nested)
		mc_buf_addc(out, '(');
	switch (c->type) {
	case MC_COND_LEAF:
		words_leaf(out, c);
		break;
	case MC_COND_NOT:
		mc_buf_adds(out, "not ");
		words(out, c->kids[0], true);
		break;
	case MC_COND_ANY:
		if (c->nkids == 2) {
			mc_buf_adds(out, "either ");
			words(out, c->kids[0], true);
			mc_buf_adds(out, " or ");
			words(out, c->kids[1], true);
			break;
		}
		/* fall through */
	default:
		if (c->nkids == 1) {
			words(out, c->kids[0], nested);
			break;
		}
		mc_buf_adds(out, c->type == MC_COND_ANY ? "any of: " : "all of: ");
		if (c->nkids == 0)
			mc_buf_adds(out, "nothing");
		for (size_t i = 0; i < c->nkids; i++) {
			if (i)
				mc_buf_adds(out, "; ");
			words(out, c->kids[i], true);
		}
		break;
	}
	if (list && nested)
		mc_buf_addc(out, ')');
}

void
mc_cond_words(mc_buf *out, const mc_cond *c)
{
	words(out, c, false);
}
