/* SPDX-License-Identifier: MIT */
/*
 * text.h - what the library's text helpers (text.c) offer its own stages
 * beyond the public mc_text_* of migcheck.h.
 */
#ifndef MC_TEXT_H
#define MC_TEXT_H

#include <stddef.h>

/* The longest word the distances are taken of (longer: never near). */
#define MC_TEXT_NEAR_MAX 63

/* The edit distance of a and b (insertions, deletions, substitutions and
 * transpositions of neighbours), or max + 1 when it is more than max or a
 * word is longer than MC_TEXT_NEAR_MAX. */
size_t mc_text_distance(const char *a, const char *b, size_t max);

#endif
