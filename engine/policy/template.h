/* SPDX-License-Identifier: MIT */
/*
 * template.h - messages with placeholders, compiled once.
 *
 * "Host {target.name} has {target.memory.free_mb} MB free" reads paths of
 * the VM, the source or the target; in match and compare messages
 * {field}, {source_value} and {target_value} stand for the field checked
 * and its two values. `{{` and `}}` write a brace.
 */
#ifndef MC_TEMPLATE_H
#define MC_TEMPLATE_H

#include "util/buf.h"
#include "policy/cond.h"

typedef enum mc_tpl_kind {
	MC_TPL_TEXT,
	MC_TPL_REF,
	MC_TPL_FIELD,
	MC_TPL_SOURCE_VALUE,
	MC_TPL_TARGET_VALUE
} mc_tpl_kind;

typedef struct mc_tpl_part {
	uint8_t kind;  /* mc_tpl_kind */
	const char *text;
	size_t len;
	mc_ref ref;
} mc_tpl_part;

typedef struct mc_template {
	const mc_node *at;
	const mc_tpl_part *parts;
	size_t nparts;
} mc_template;

/* Compiles a message (a string node); field_values allows the field
 * placeholders. Reports errors through ctx and returns NULL. */
const mc_template *mc_template_compile(mc_cond_ctx *ctx, const mc_node *n,
				       bool field_values);

/* Compiles a built-in message (which must be valid). */
const mc_template *mc_template_builtin(mc_cond_ctx *ctx, const char *text,
				       bool field_values);

/* Writes the message; a missing value is written as "(none)". */
void mc_template_render(mc_buf *out, const mc_template *t, const mc_env *env,
			const char *field, const char *source_value,
			const char *target_value);

#endif
