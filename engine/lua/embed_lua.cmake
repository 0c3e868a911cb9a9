# SPDX-License-Identifier: MIT
# Writes OUTPUT, a C file defining mc_lua_modules from the Lua files MODULES
# (separated by |), each as a byte array:
#   cmake -DOUTPUT=... -DMODULES=a.lua|b.lua -P embed_lua.cmake
set(body "/* Generated from the modules of lua/ by engine/lua/embed_lua.cmake. */\n#include \"lua/luamodules.h\"\n\n")
set(table "")
set(n 0)
string(REPLACE "|" ";" MODULES "${MODULES}")
foreach(file ${MODULES})
  get_filename_component(name ${file} NAME_WE)
  file(READ ${file} hex HEX)
  string(LENGTH "${hex}" hexlen)
  math(EXPR len "${hexlen} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND body "static const char src_${name}[] = {${bytes} 0};\n")
  string(APPEND table "\t{\"${name}\", src_${name}, ${len}},\n")
  math(EXPR n "${n} + 1")
endforeach()
string(APPEND body "\nconst mc_lua_module mc_lua_modules[] = {\n${table}};\n")
string(APPEND body "const size_t mc_lua_nmodules = ${n};\n")
file(WRITE ${OUTPUT}.tmp "${body}")
file(RENAME ${OUTPUT}.tmp ${OUTPUT})
