/* SPDX-License-Identifier: MIT */
/* migcheck.h compiles on its own, under -Wall -Wextra -pedantic -Werror. */
#include "migcheck.h"

int header_alone_compiles(void);

int
header_alone_compiles(void)
{
	return MC_OK;
}
