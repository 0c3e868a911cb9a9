/* SPDX-License-Identifier: MIT */
/*
 * template.c - message templates.
 */
#include "policy/template.h"

#include <string.h>

#include "load/value.h"

/* Reports an error in a message; its id is "bad-value". */
#define terror(ctx, at, ...) \
	do { \
		if (mc_node_error_counted((ctx)->diag, &(ctx)->errors, (at), \
					  __VA_ARGS__) == 0) \
			mc_diag_set_code((ctx)->diag, "bad-value"); \
	} while (0)

static const mc_template *
compile(mc_cond_ctx *ctx, const mc_node *at, const char *s, size_t len,
	bool field_values)
{
	mc_tpl_part *parts;
	mc_template *t;
	size_t n = 0, cap = 1;

	/* At most one part per brace, plus one. */
	for (size_t i = 0; i < len; i++)
		cap += s[i] == '{' || s[i] == '}';
	cap = cap * 2 + 1;
	t = mc_arena_calloc(ctx->arena, 1, sizeof(*t));
	parts = mc_arena_calloc(ctx->arena, cap, sizeof(*parts));
	if (!t || !parts) {
		ctx->nomem = true;
		return NULL;
	}
	for (size_t i = 0; i < len;) {
		if ((s[i] == '{' || s[i] == '}') && i + 1 < len && s[i + 1] == s[i]) {
			parts[n].kind = MC_TPL_TEXT;
			parts[n].text = s + i;
			parts[n++].len = 1;
			i += 2;
			continue;
		}
		if (s[i] == '}') {
			terror(ctx, at, "a '}' without '{' in a message (write '}}' "
			       "for a brace)");
			return NULL;
		}
		if (s[i] != '{') {
			size_t j = i;
			while (j < len && s[j] != '{' && s[j] != '}')
				j++;
			parts[n].kind = MC_TPL_TEXT;
			parts[n].text = s + i;
			parts[n++].len = j - i;
			i = j;
			continue;
		}
		const char *close = memchr(s + i, '}', len - i);
		if (!close) {
			terror(ctx, at, "a '{' without '}' in a message (write '{{' "
			       "for a brace)");
			return NULL;
		}
		const char *name = s + i + 1;
		size_t nlen = (size_t)(close - name);
		mc_tpl_part *p = &parts[n++];
		if (field_values && nlen == 5 && memcmp(name, "field", 5) == 0) {
			p->kind = MC_TPL_FIELD;
		} else if (field_values && nlen == 12 &&
			   memcmp(name, "source_value", 12) == 0) {
			p->kind = MC_TPL_SOURCE_VALUE;
		} else if (field_values && nlen == 12 &&
			   memcmp(name, "target_value", 12) == 0) {
			p->kind = MC_TPL_TARGET_VALUE;
		} else {
			p->kind = MC_TPL_REF;
			if (mc_cond_compile_path(ctx, at, name, nlen, &p->ref) < 0)
				return NULL;
		}
		i = (size_t)(close - s) + 1;
	}
	t->at = at;
	t->parts = parts;
	t->nparts = n;
	return t;
}

const mc_template *
mc_template_compile(mc_cond_ctx *ctx, const mc_node *n, bool field_values)
{
	if (!mc_node_is_str(n)) {
		terror(ctx, n, "a message is a string, not %s",
		       mc_node_describe(n));
		return NULL;
	}
	return compile(ctx, n, n->u.text, n->len, field_values);
}

const mc_template *
mc_template_builtin(mc_cond_ctx *ctx, const char *text, bool field_values)
{
	return compile(ctx, NULL, text, strlen(text), field_values);
}

void
mc_template_render(mc_buf *out, const mc_template *t, const mc_env *env,
		   const char *field, const char *source_value,
		   const char *target_value)
{
	for (size_t i = 0; i < t->nparts; i++) {
		const mc_tpl_part *p = &t->parts[i];
		const mc_node *v;

		switch (p->kind) {
		case MC_TPL_TEXT:
			mc_buf_add(out, p->text, p->len);
			break;
		case MC_TPL_FIELD:
			mc_buf_adds(out, field ? field : "(none)");
			break;
		case MC_TPL_SOURCE_VALUE:
			mc_buf_adds(out, source_value ? source_value : "(none)");
			break;
		case MC_TPL_TARGET_VALUE:
			mc_buf_adds(out, target_value ? target_value : "(none)");
			break;
		default:
			v = mc_env_get(env, p->ref);
			if (v)
				mc_value_write(out, v, false);
			else
				mc_buf_adds(out, "(none)");
			break;
		}
	}
}
