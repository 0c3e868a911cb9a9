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

#endif
