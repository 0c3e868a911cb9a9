/* SPDX-License-Identifier: MIT */
/*
 * report.h - results as text and as JSON. Each report is built whole in
 * memory and handed back, so that a command prints all of it or nothing.
 */
#ifndef MC_REPORT_H
#define MC_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "migcheck.h"

/* The placement-wizard view: a line per host with its stars and verdict,
 * and under each refused host why, where, and what would fix it. Returns a
 * malloc'd string (its length in *len), or NULL when memory runs out. */
char *report_check_text(const mc_check_result *res, bool color, size_t *len);

/* One JSON document, as cli.md describes it. */
char *report_check_json(const mc_check_result *res, bool compact, size_t *len);

#endif
