/* SPDX-License-Identifier: MIT */
/*
 * arena.h - bump allocation for everything a loaded file or compiled
 * policy owns, released in one call.
 *
 * Built with MC_ARENA_MALLOC, every allocation is a separate malloc block
 * so that AddressSanitizer sees each object's bounds.
 */
#ifndef MC_ARENA_H
#define MC_ARENA_H

#include <stddef.h>

typedef struct mc_arena_block mc_arena_block;

typedef struct mc_arena {
	mc_arena_block *head;
	size_t used;  /* bytes handed out, for memory accounting */
} mc_arena;

/* Sets up an empty arena; nothing is allocated until the first use. */
void mc_arena_init(mc_arena *a);

/* Releases every allocation made from the arena; the arena stays usable. */
void mc_arena_release(mc_arena *a);

/* As malloc (free it with free), for a buffer of megabytes that is filled
 * at once (a file read whole, an arena's large block): backed by huge
 * pages where the system has them, so that filling it takes a page fault
 * per 2 MiB rather than per 4 KiB. */
void *mc_large_alloc(size_t size);

/* As calloc, backed by huge pages as mc_large_alloc is when n * size bytes
 * fill one at least (a large hash table); free it with free. */
void *mc_large_calloc(size_t n, size_t size);

/* Returns size bytes aligned for any object, or NULL when memory runs out. */
void *mc_arena_alloc(mc_arena *a, size_t size);

/* As mc_arena_alloc, for n objects of size bytes each, zero-filled;
 * NULL on overflow or when memory runs out. */
void *mc_arena_calloc(mc_arena *a, size_t n, size_t size);

/* Copies len bytes of s and a terminating NUL into the arena. */
char *mc_arena_strndup(mc_arena *a, const char *s, size_t len);

/* Copies the NUL-terminated string s into the arena. */
char *mc_arena_strdup(mc_arena *a, const char *s);

/* Copies n objects of size bytes from src into the arena (NULL src or
 * n == 0 gives a valid pointer to nothing). */
void *mc_arena_memdup(mc_arena *a, const void *src, size_t n, size_t size);

/*
 * Owned results: a result handed to a caller (mc_check_result, ...) is
 * allocated together with the arena that owns everything it points to, so
 * that the caller holds one pointer and frees it all in one call. The
 * owner sits just before the result.
 */
typedef union mc_owner {
	mc_arena arena;
	max_align_t align;   /* the result after it is aligned for anything */
} mc_owner;

/* Returns size bytes, zero-filled, with an empty arena of their own, or
 * NULL when memory runs out. */
void *mc_owned_new(size_t size);

/* The arena of a result from mc_owned_new. */
static inline mc_arena *
mc_owned_arena(void *result)
{
	return &((mc_owner *)result - 1)->arena;
}

/* Releases a result from mc_owned_new and its arena; NULL is allowed. */
void mc_owned_free(void *result);

#endif
