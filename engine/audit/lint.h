/* SPDX-License-Identifier: MIT */
/*
 * lint.h - warnings about a policy that compiles (mc_policy_lint of
 * migcheck.h): what is legal but most likely a mistake. docs/lint.md lists
 * every warning, its id and why it matters.
 */
#ifndef MC_LINT_H
#define MC_LINT_H

#include "migcheck.h"

/* The ids of the warnings, in the order mc_policy_lint checks them. */
#define MC_LINT_KIND_CHECKS_NOTHING "kind-checks-nothing"
#define MC_LINT_KIND_SHADOWED "kind-shadowed"
#define MC_LINT_RELAX_DROPS_IDENTITY "relax-drops-identity"
#define MC_LINT_RELAX_SAYS_NOTHING "relax-says-nothing"
#define MC_LINT_REMEDY_DROPS_IDENTITY "remedy-drops-identity"
#define MC_LINT_RULE_NO_KIND "rule-no-kind"
#define MC_LINT_FIELD_UNUSED "field-unused"
#define MC_LINT_REMEDY_NO_EFFECT "remedy-no-effect"
#define MC_LINT_NORMALIZE_UNREACHABLE "normalize-unreachable"
#define MC_LINT_PLACEMENT_NO_KIND "placement-no-kind"

#endif
