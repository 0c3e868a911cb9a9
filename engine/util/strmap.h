/* SPDX-License-Identifier: MIT */
/*
 * strmap.h - a hash map from byte strings to indexes.
 *
 * Keys are not copied: the caller keeps them alive as long as the map.
 * The hash is seeded per map (XXH3 with a random seed), so that names in
 * a hostile inventory cannot be chosen to collide.
 */
#ifndef MC_STRMAP_H
#define MC_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct mc_strmap_slot mc_strmap_slot;

typedef struct mc_strmap {
	mc_strmap_slot *slots;
	size_t cap;    /* power of two, or 0 */
	size_t count;
	uint64_t seed;
} mc_strmap;

/* Sets up an empty map. */
void mc_strmap_init(mc_strmap *m);

/* Frees the map's table (not the keys). */
void mc_strmap_free(mc_strmap *m);

/* Makes room for n keys in all, so that adding up to that many does not
 * grow the table again; -1 when memory runs out. */
int mc_strmap_reserve(mc_strmap *m, size_t n);

/* Looks key up: returns 1 and sets *value when present, else 0. */
int mc_strmap_get(const mc_strmap *m, const char *key, size_t len, size_t *value);

/*
 * Inserts key with value unless it is present. Returns 1 when inserted,
 * 0 when the key was present (and *existing, if given, is set to its
 * value), -1 when memory runs out or the key's length or the value does
 * not fit in 32 bits (no map holds 4 GiB keys or 4 billion entries).
 */
int mc_strmap_put(mc_strmap *m, const char *key, size_t len, size_t value,
		  size_t *existing);

#endif
