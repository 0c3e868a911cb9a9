/* SPDX-License-Identifier: MIT */
/*
 * lsafe_int.h - what the files of the safe library (lsafe.c,
 * lsafe_table.c) share. Internal to lua/.
 */
#ifndef MC_LSAFE_INT_H
#define MC_LSAFE_INT_H

#include <lua.h>

#include "lua/lsafe.h"

/* Bytes a library function may read or write for one unit of budget. */
#define MC_LSAFE_BYTES_PER_UNIT 8

/* Replaces the functions of the opened table library of L that move,
 * join or sort elements (lsafe_table.c); mc_lsafe_open calls it. */
void mc_lsafe_open_table(lua_State *L);

#endif
