/*
 * grow.c - growing arrays.
 */
#include "util/grow.h"

#include <stdint.h>
#include <stdlib.h>

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
