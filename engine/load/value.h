/* SPDX-License-Identifier: MIT */
/*
 * value.h - comparing values: the engine's one equality and hash, order
 * by integer or version, and the coercions a field's declared type asks
 * for.
 *
 * Versions compare segment by segment ('.', '-' and '_' separate them):
 * numeric segments as numbers of any length, others as strings, a missing
 * segment as zero, so 6.3 == 6.3.0 < 6.3.9600 < 10.0. A version starts with
 * a digit and holds only letters, digits and separators, with no empty
 * segment.
 */
#ifndef MC_VALUE_H
#define MC_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/scalar.h"
#include "load/node.h"

/* True when len bytes at s form a version. */
bool mc_version_valid(const char *s, size_t len);

/* Compares two versions (both valid): <0, 0 or >0. */
int mc_version_cmp(const char *a, size_t alen, const char *b, size_t blen);

/*
 * The engine's one equality of values (as Lua has one luaV_equalobj), in
 * the strengths its users need; `how` is a set of MC_EQ_* flags:
 *
 *  0            as conditions compare (eq, ne, in): two scalars of the same
 *               type and value, integers and booleans by number (0x1 == 1),
 *               strings by their bytes, never across types (1 != "1"); a
 *               list or mapping equals nothing, not even itself.
 *  MC_EQ_DEEP   lists too, member by member, and mappings pair by pair.
 *  MC_EQ_TEXT   integers and booleans also written alike (0x1 != 1), for
 *               what a pattern or a message sees of them.
 *
 * NULL and a null scalar both mean "no value" and are equal.
 */
enum {
	MC_EQ_DEEP = 1,
	MC_EQ_TEXT = 2
};
bool mc_value_equal(const mc_node *a, const mc_node *b, unsigned how);

/* Equal as conditions compare: mc_value_equal(a, b, 0). */
static inline bool
mc_node_equal(const mc_node *a, const mc_node *b)
{
	return mc_value_equal(a, b, 0);
}

/* True when list is a list (a sequence; NULL is none) with a member equal
 * to v as conditions compare. */
bool mc_value_in(const mc_node *v, const mc_node *list);

/* Mixes v into the hash h. */
static inline uint64_t
mc_hash_mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdull;
}

/* Mixes the value n (NULL: no value) into h; values equal under any
 * strength of mc_value_equal hash alike. */
uint64_t mc_value_hash(const mc_node *n, uint64_t h);

/*
 * Orders two scalars: two integers as integers; integers and strings that
 * are versions as versions. Returns 0 and sets *cmp, or -1 when the two
 * cannot be ordered (a boolean, a collection, or text that is no version).
 */
int mc_node_order(const mc_node *a, const mc_node *b, int *cmp);

/*
 * Writes a node for a message: strings plain, or in single quotes when
 * quoted; lists as [a, b] (the first few members); mappings as {...}.
 * Long text is cut with "...".
 */
struct mc_buf;
void mc_value_write(struct mc_buf *b, const mc_node *n, bool quoted);

#endif
