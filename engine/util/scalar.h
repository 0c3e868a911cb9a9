/* SPDX-License-Identifier: MIT */
/*
 * scalar.h - integers and booleans written as text: what the YAML loader
 * resolves plain scalars with, and what a field's declared type coerces
 * text with (value.h). Neither allocates nor reports.
 */
#ifndef MC_SCALAR_H
#define MC_SCALAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parses an integer in decimal, 0x hex or 0o octal, with an optional sign.
 * Returns 1, 0 when s is not an integer, -1 when it does not fit 64 bits. */
int mc_text_to_int(const char *s, size_t len, int64_t *out);

/* Parses true/false, yes/no, on/off, 1/0 in any case. Returns 1 or 0. */
int mc_text_to_bool(const char *s, size_t len, bool *out);

#endif
