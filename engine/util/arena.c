/* SPDX-License-Identifier: MIT */
/*
 * arena.c - bump allocator in chained blocks.
 */
#define _DEFAULT_SOURCE  /* madvise's MADV_HUGEPAGE, beside _XOPEN_SOURCE */
#include "util/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define ALIGN alignof(max_align_t)
#define BLOCK_SIZE ((size_t)64 * 1024)
/* An arena that has handed out this much (an inventory of thousands of
 * hosts) takes blocks of LARGE_BLOCK, aligned to and backed by huge pages
 * where the system has them: a page fault per 2 MiB instead of per 4 KiB,
 * which is most of the cost of filling fresh memory. */
#define LARGE_AFTER ((size_t)4 * 1024 * 1024)
#define LARGE_BLOCK ((size_t)4 * 1024 * 1024)
#define HUGE_PAGE ((size_t)2 * 1024 * 1024)

struct mc_arena_block {
	mc_arena_block *next;
	size_t size;  /* usable bytes after the header */
	size_t off;   /* bytes used */
	alignas(max_align_t) unsigned char data[];
};

void
mc_arena_init(mc_arena *a)
{
	a->head = NULL;
	a->used = 0;
}

void
mc_arena_release(mc_arena *a)
{
	mc_arena_block *b = a->head;

	while (b) {
		mc_arena_block *next = b->next;
		free(b);
		b = next;
	}
	mc_arena_init(a);
}

void *
mc_large_alloc(size_t size)
{
	void *p;

	if (size < HUGE_PAGE)
		return malloc(size);
	if (size > SIZE_MAX - HUGE_PAGE)
		return NULL;
	p = aligned_alloc(HUGE_PAGE, (size + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1));
#ifdef MADV_HUGEPAGE
	if (p)
		(void)madvise(p, size, MADV_HUGEPAGE);  /* a hint */
#endif
	return p;
}

void *
mc_large_calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	if (n * size < HUGE_PAGE)
		return calloc(n, size);
	p = mc_large_alloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

static mc_arena_block *
block_new(size_t size)
{
	mc_arena_block *b;

	if (size > SIZE_MAX - sizeof(*b))
		return NULL;
	b = mc_large_alloc(sizeof(*b) + size);
	if (!b)
		return NULL;
	b->next = NULL;
	b->size = size;
	b->off = 0;
	return b;
}

void *
mc_arena_alloc(mc_arena *a, size_t size)
{
	mc_arena_block *b;
	size_t need;

	if (size == 0)
		size = 1;
	if (size > SIZE_MAX - ALIGN)
		return NULL;
	need = (size + ALIGN - 1) & ~(ALIGN - 1);
#ifdef MC_ARENA_MALLOC
	b = block_new(need);
	if (!b)
		return NULL;
	b->off = need;
	b->next = a->head;
	a->head = b;
	a->used += need;
	return b->data;
#else
	b = a->head;
	if (!b || b->size - b->off < need) {
		/* Large requests get a block of their own behind the current
		 * one, so the current block's free space is not wasted. */
		if (need > BLOCK_SIZE / 4 && b) {
			mc_arena_block *big = block_new(need);
			if (!big)
				return NULL;
			big->off = need;
			big->next = b->next;
			b->next = big;
			a->used += need;
			return big->data;
		}
		size_t bsize = a->used >= LARGE_AFTER ? LARGE_BLOCK - sizeof(*b)
						     : BLOCK_SIZE;
		b = block_new(need > bsize ? need : bsize);
		if (!b)
			return NULL;
		b->next = a->head;
		a->head = b;
	}
	void *p = b->data + b->off;
	b->off += need;
	a->used += need;
	return p;
#endif
}

void *
mc_arena_calloc(mc_arena *a, size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	p = mc_arena_alloc(a, n * size);
	if (p)
		memset(p, 0, n * size > 0 ? n * size : 1);
	return p;
}

char *
mc_arena_strndup(mc_arena *a, const char *s, size_t len)
{
	char *p;

	if (len == SIZE_MAX)
		return NULL;
	p = mc_arena_alloc(a, len + 1);
	if (!p)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
mc_arena_strdup(mc_arena *a, const char *s)
{
	return mc_arena_strndup(a, s, strlen(s));
}

void *
mc_arena_memdup(mc_arena *a, const void *src, size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	p = mc_arena_alloc(a, n * size);
	if (p && n * size > 0)
		memcpy(p, src, n * size);
	return p;
}

void *
mc_owned_new(size_t size)
{
	mc_owner *o;

	if (size > SIZE_MAX - sizeof(*o) || !(o = calloc(1, sizeof(*o) + size)))
		return NULL;
	mc_arena_init(&o->arena);
	return o + 1;
}

void
mc_owned_free(void *result)
{
	mc_owner *o;

	if (!result)
		return;
	o = (mc_owner *)result - 1;
	mc_arena_release(&o->arena);
	free(o);
}
