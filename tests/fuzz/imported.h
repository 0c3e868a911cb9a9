/* SPDX-License-Identifier: MIT */
/*
 * imported.h - what the fuzz targets of the importers share: the records
 * an import wrote must load back as an inventory.
 */
#ifndef MC_FUZZ_IMPORTED_H
#define MC_FUZZ_IMPORTED_H

#include <stdbool.h>

#include "sources/import.h"

/* True when the records can load as an inventory of their own: no name is
 * there twice (that is for the merge of imports), and every VM has its host
 * and its state (a partial record is for merging with other files). */
bool fuzz_stands_alone(const mc_hostlist *l);

/* Writes the records as an inventory, with a host of each VM's host's name
 * that l does not hold, and loads and finishes it; aborts when it does not
 * load: an importer writes only what the loader reads back. */
void fuzz_must_load(const mc_hostlist *l);

#endif
