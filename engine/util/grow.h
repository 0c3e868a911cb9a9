/* SPDX-License-Identifier: MIT */
/*
 * grow.h - growing arrays: the one place where an array's capacity is
 * doubled and the size in bytes checked for overflow (as Lua's
 * luaM_growvector does for Lua).
 */
#ifndef MC_GROW_H
#define MC_GROW_H

#include <stddef.h>

/*
 * Makes room for `need` elements of `size` bytes in items, an array of
 * *cap elements from malloc (or NULL): returns items itself when it is
 * large enough, else the array reallocated to twice its capacity (at least
 * 8, at least need) with *cap updated. Returns NULL, leaving items and
 * *cap as they were, when memory runs out or the size does not fit in a
 * size_t.
 */
void *mc_grow(void *items, size_t *cap, size_t need, size_t size);

/*
 * MC_GROW(items, cap, need): mc_grow for an array held in the lvalues
 * items (a pointer to its elements, whose size it takes from the type)
 * and cap (a size_t), both updated in place. Returns 0, or -1 when memory
 * runs out or the size overflows, leaving both as they were.
 */
#define MC_GROW(items, cap, need) \
	mc_grow_in((void *)&(items), &(cap), (need), sizeof(*(items)))

/* MC_GROW's work: *items_at is the array's pointer, whatever its type. */
int mc_grow_in(void *items_at, size_t *cap, size_t need, size_t size);

#endif
