/* SPDX-License-Identifier: MIT */
/*
 * ops.c - the operator table: one row per operator of the policy language.
 */
#include "policy/ops.h"

#include <string.h>

#define ORDERED (MC_FT_BIT(MC_FT_INTEGER) | MC_FT_BIT(MC_FT_VERSION))
#define ANY_TYPE (MC_FT_BIT(MC_FT_STRING) | ORDERED | \
		  MC_FT_BIT(MC_FT_BOOLEAN) | MC_FT_BIT(MC_FT_SET))
#define SET MC_FT_BIT(MC_FT_SET)
#define NEEDS_ORDER " (it needs an integer or a version)"
#define NEEDS_SET " (it needs a set)"

const mc_op_info mc_ops[MC_OP_COUNT] = {
	[MC_OP_EQ] = {
		"eq", MC_OPERAND_VALUE, MC_EVAL_EQUAL, false, MC_ORDER_SAME,
		ANY_TYPE, NULL,
		"expected ", "is", "equals", "equal to",
		"{target.name} has {field} {target_value}, not {source_value} "
		"as on the VM's host {source.name}.", NULL,
	},
	[MC_OP_NE] = {
		"ne", MC_OPERAND_VALUE, MC_EVAL_EQUAL, true,
		MC_ORDER_LESS | MC_ORDER_MORE, ANY_TYPE, NULL,
		"expected anything but ", "is not", "differs from", "different from",
		"{target.name} has the same {field} {target_value} as the VM's "
		"host {source.name}.", NULL,
	},
	[MC_OP_LT] = {
		"lt", MC_OPERAND_VALUE, MC_EVAL_ORDER, false, MC_ORDER_LESS,
		ORDERED, NEEDS_ORDER,
		"expected less than ", "is less than", "is less than", "lower than",
		"{target.name} has {field} {target_value}, not less than "
		"{source_value} on the VM's host {source.name}.", NULL,
	},
	[MC_OP_LE] = {
		"le", MC_OPERAND_VALUE, MC_EVAL_ORDER, false,
		MC_ORDER_LESS | MC_ORDER_SAME, ORDERED, NEEDS_ORDER,
		"expected at most ", "is at most", "is at most", "at most",
		"{target.name} has {field} {target_value}, more than "
		"{source_value} on the VM's host {source.name}.", NULL,
	},
	[MC_OP_GT] = {
		"gt", MC_OPERAND_VALUE, MC_EVAL_ORDER, false, MC_ORDER_MORE,
		ORDERED, NEEDS_ORDER,
		"expected more than ", "is more than", "is more than", "higher than",
		"{target.name} has {field} {target_value}, not more than "
		"{source_value} on the VM's host {source.name}.", NULL,
	},
	[MC_OP_GE] = {
		"ge", MC_OPERAND_VALUE, MC_EVAL_ORDER, false,
		MC_ORDER_MORE | MC_ORDER_SAME, ORDERED, NEEDS_ORDER,
		"expected at least ", "is at least", "is at least", "at least",
		"{target.name} has {field} {target_value}, older or lower than "
		"{source_value} on the VM's host {source.name}.", NULL,
	},
	[MC_OP_IN] = {
		"in", MC_OPERAND_LIST, MC_EVAL_MEMBER, false, 0, 0, NULL,
		"expected one of ", "is one of", "is one of the members of",
		NULL, NULL, NULL,
	},
	[MC_OP_NOT_IN] = {
		"not_in", MC_OPERAND_LIST, MC_EVAL_MEMBER, true, 0, 0, NULL,
		"expected none of ", "is none of", "is none of the members of",
		NULL, NULL, NULL,
	},
	[MC_OP_MATCHES] = {
		"matches", MC_OPERAND_PATTERN, MC_EVAL_MATCH, false, 0, 0, NULL,
		"expected to match ", "matches", "matches", NULL, NULL, NULL,
	},
	[MC_OP_EXISTS] = {
		"exists", MC_OPERAND_BOOL, MC_EVAL_EXISTS, false, 0, 0, NULL,
		"", "exists", "exists", NULL, NULL, NULL,
	},
	[MC_OP_SUPERSET] = {
		"superset", MC_OPERAND_LIST, MC_EVAL_SUPERSET, false, 0, SET,
		NEEDS_SET,
		"expected every member of ", "has every one of",
		"has every member of", "a superset of",
		"{target.name} lacks {field} that the VM's host {source.name} has.",
		"missing on the target: ",
	},
	[MC_OP_SUBSET] = {
		"subset", MC_OPERAND_LIST, MC_EVAL_SUBSET, false, 0, SET, NEEDS_SET,
		"expected only members of ", "has only members among",
		"has only members of", "a subset of",
		"{target.name} has {field} that the VM's host {source.name} lacks.",
		"only on the target: ",
	},
	[MC_OP_DISJOINT] = {
		"disjoint", MC_OPERAND_NONE, MC_EVAL_DISJOINT, false, 0, SET,
		NEEDS_SET,
		"", NULL, NULL, "disjoint from",
		"{target.name} shares {field} with the VM's host {source.name}.",
		"on both: ",
	},
};

const char *
mc_op_name(unsigned op)
{
	return op < MC_OP_COUNT ? mc_ops[op].name : "?";
}

bool
mc_op_lookup(const char *name, mc_op *op)
{
	for (unsigned i = 0; i < MC_OP_COUNT; i++) {
		if (strcmp(name, mc_ops[i].name) == 0) {
			*op = (mc_op)i;
			return true;
		}
	}
	return false;
}

char *
mc_op_names(char *out, size_t size, mc_op_use use, const char *sep)
{
	size_t len = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < MC_OP_COUNT; i++) {
		const mc_op_info *o = &mc_ops[i];
		size_t n = strlen(o->name), s = len ? strlen(sep) : 0;

		if (use == MC_OP_USE_COND ? o->operand == MC_OPERAND_NONE
		    : o->fits == 0)
			continue;
		if (len + s + n >= size)
			break;
		memcpy(out + len, sep, s);
		memcpy(out + len + s, o->name, n);
		len += s + n;
		out[len] = '\0';
	}
	return out;
}
