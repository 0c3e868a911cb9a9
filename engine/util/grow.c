/* SPDX-License-Identifier: MIT */
/*
 * grow.c - growing arrays.
 */
#include "util/grow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *
mc_grow(void *items, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap;
	void *p;

	if (need <= ncap && items)
		return items;
	if (ncap < 8)
		ncap = 8;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if (size && ncap > SIZE_MAX / size)
		return NULL;
	p = realloc(items, ncap * size);
	if (p)
		*cap = ncap;
	return p;
}

int
mc_grow_in(void *items_at, size_t *cap, size_t need, size_t size)
{
	void *items, *p;

	/* Copied, not cast: the pointer may be of any object type. */
	memcpy(&items, items_at, sizeof(items));
	if (!(p = mc_grow(items, cap, need, size)))
		return -1;
	memcpy(items_at, &p, sizeof(p));
	return 0;
}
