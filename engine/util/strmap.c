/* SPDX-License-Identifier: MIT */
/*
 * strmap.c - open addressing with linear probing; the table keeps at most
 * half of its slots used. A slot is 16 bytes (no hash kept: a key's length
 * is compared before its bytes, and growing hashes the keys again), so
 * that the maps of a large inventory's names stay small.
 */
#include "util/strmap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
/* Inlined: most keys are a few bytes, which a call would cost more than. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "util/arena.h"

struct mc_strmap_slot {
	const char *key;  /* NULL: empty */
	uint32_t len;
	uint32_t value;
};

void
mc_strmap_init(mc_strmap *m)
{
	m->slots = NULL;
	m->cap = 0;
	m->count = 0;
	m->seed = 0;
}

void
mc_strmap_free(mc_strmap *m)
{
	free(m->slots);
	mc_strmap_init(m);
}

static uint64_t
hash_key(const mc_strmap *m, const char *key, size_t len)
{
	return XXH3_64bits_withSeed(key, len, m->seed);
}

static mc_strmap_slot *
find(const mc_strmap *m, const char *key, size_t len, uint64_t h)
{
	size_t mask = m->cap - 1;
	size_t i = (size_t)h & mask;

	for (;;) {
		mc_strmap_slot *s = &m->slots[i];
		if (!s->key)
			return s;
		if (s->len == len && memcmp(s->key, key, len) == 0)
			return s;
		i = (i + 1) & mask;
	}
}

int
mc_strmap_get(const mc_strmap *m, const char *key, size_t len, size_t *value)
{
	const mc_strmap_slot *s;

	if (!m->cap)
		return 0;
	s = find(m, key, len, hash_key(m, key, len));
	if (!s->key)
		return 0;
	*value = s->value;
	return 1;
}

/* Moves the map to a table of cap slots. */
static int
rehash(mc_strmap *m, size_t cap)
{
	mc_strmap_slot *old = m->slots;
	size_t oldcap = m->cap;

	if (cap > SIZE_MAX / sizeof(*old))
		return -1;
	m->slots = mc_large_calloc(cap, sizeof(*old));
	if (!m->slots) {
		m->slots = old;
		return -1;
	}
	m->cap = cap;
	for (size_t i = 0; i < oldcap; i++) {
		if (old[i].key)
			*find(m, old[i].key, old[i].len,
			      hash_key(m, old[i].key, old[i].len)) = old[i];
	}
	free(old);
	return 0;
}

int
mc_strmap_reserve(mc_strmap *m, size_t n)
{
	size_t cap = m->cap ? m->cap : 16;

	while (cap / 2 < n) {
		if (cap > SIZE_MAX / 4)
			return -1;
		cap *= 2;
	}
	if (cap == m->cap)
		return 0;
	if (!m->cap && getrandom(&m->seed, sizeof(m->seed), 0) != sizeof(m->seed))
		m->seed = (uint64_t)(uintptr_t)m ^ 0x9e3779b97f4a7c15u;
	return rehash(m, cap);
}

int
mc_strmap_put(mc_strmap *m, const char *key, size_t len, size_t value,
	      size_t *existing)
{
	mc_strmap_slot *s;
	uint64_t h;

	if (len > UINT32_MAX || value > UINT32_MAX)
		return -1;
	if ((m->count + 1) * 2 > m->cap && mc_strmap_reserve(m, m->count + 1) < 0)
		return -1;
	h = hash_key(m, key, len);
	s = find(m, key, len, h);
	if (s->key) {
		if (existing)
			*existing = s->value;
		return 0;
	}
	s->key = key;
	s->len = (uint32_t)len;
	s->value = (uint32_t)value;
	m->count++;
	return 1;
}
