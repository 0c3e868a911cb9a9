/* SPDX-License-Identifier: MIT */
/*
 * report_fleet.h - `migcheck report fleet`: one self-contained HTML file
 * about a fleet under a policy, for its admins (docs/report.md).
 */
#ifndef MC_REPORT_FLEET_H
#define MC_REPORT_FLEET_H

#include <stddef.h>

#include "migcheck.h"

typedef struct report_fleet_req {
	const char *policy_path;
	char *const *inventories;
	size_t ninv;
	const char *host;         /* the host to empty (--host), or NULL */
	const mc_limits *limits;
	const char *made;         /* when the report is made, UTC ISO 8601 */
} report_fleet_req;

/*
 * Loads the policy and the inventories, runs the matrix, the plan, the
 * baselines and (with a host) the assignment, and writes the document:
 * CLI_YES with *text malloc'd (its length in *len), or CLI_ERROR after
 * saying why on stderr.
 */
int report_fleet(const report_fleet_req *req, char **text, size_t *len);

#endif
