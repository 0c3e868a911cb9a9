/* SPDX-License-Identifier: MIT */
/*
 * luamodules.h - the helper modules of lua/, compiled into the library.
 *
 * The build turns each lua/NAME.lua into an entry of mc_lua_modules (see
 * engine/embed_lua.cmake), so that the engine never reads them from disk.
 * A sandbox runs each once, with a table of C primitives as its argument,
 * and offers what it returns as the read-only global NAME.
 */
#ifndef MC_LUAMODULES_H
#define MC_LUAMODULES_H

#include <stddef.h>

typedef struct mc_lua_module {
	const char *name;
	const char *source;
	size_t len;
} mc_lua_module;

extern const mc_lua_module mc_lua_modules[];
extern const size_t mc_lua_nmodules;

#endif
