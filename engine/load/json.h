/* SPDX-License-Identifier: MIT */
/*
 * json.h - JSON files as the same trees of marked nodes as YAML files
 * (node.h), for the inputs that are JSON: what platforms print
 * (ConvertTo-Json, lscpu -J, govc -json).
 *
 * jansson decides what is JSON, and its errors are reported where it
 * stopped. It keeps no positions, so a second pass over the same bytes,
 * which jansson has validated, gives each value and key its line and
 * column, counted as the YAML loader counts them (1-based characters, a
 * tab one column, the byte order mark none, CR LF, CR, LF and, inside
 * strings, NEL, LS and PS as line breaks). The tree is built from
 * jansson's decoded strings and from the text of numbers, true, false
 * and null, typed as the YAML loader types plain scalars: so an input
 * reads as it read when the YAML loader parsed it as YAML's flow style,
 * within the same limits, reported with the same words.
 */
#ifndef MC_JSON_H
#define MC_JSON_H

#include <stddef.h>

#include "load/node.h"

/*
 * Parses len bytes at buf (copied), named name in diagnostics: UTF-8,
 * with or without a byte order mark, or UTF-16 of either order with one
 * (as Windows PowerShell 5.1 writes files), read as the UTF-8 it is
 * converted to. Duplicate keys are refused, as PowerShell's
 * ConvertFrom-Json refuses them, with the place of the first as the YAML
 * loader gives it. An input of white space alone has a NULL
 * root. The document's file holds the bytes as given, or for UTF-16 the
 * UTF-8 they were converted to (diagnostics show its lines); every
 * mc_limits limit applies as in mc_doc_load_buffer, the file size to the
 * bytes as given.
 * Returns MC_OK, MC_EINPUT or MC_ELIMIT after reporting, or MC_ENOMEM.
 */
int mc_json_load_buffer(mc_doc **out, const char *name, const char *buf,
			size_t len, const mc_limits *limits, mc_diag *diag);

#endif
