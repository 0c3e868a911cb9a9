/*
 * value.h - comparing scalar values: equality by type, order by integer
 * or version, and the coercions a field's declared type asks for.
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

/* True when two scalars have the same type and value; collections are
 * never equal to anything. */
bool mc_node_equal(const mc_node *a, const mc_node *b);

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
