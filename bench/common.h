/*
 * common.h - what the benchmarks share: CPU and wall clocks, peak memory,
 * and printing diagnostics.
 *
 * Times are CPU time of the process (the benchmarks are single-threaded),
 * so that other work on a shared machine does not count; wall time is shown
 * beside it where it differs in kind (loading reads files).
 */
#ifndef MC_BENCH_COMMON_H
#define MC_BENCH_COMMON_H

#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

#include "migcheck.h"

static inline double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static inline double
wall(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static inline double
peak_rss_mb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0;  /* Linux: kilobytes */
}

static inline void
print_diag(const mc_diag *d)
{
	for (size_t i = 0; i < mc_diag_count(d); i++) {
		const mc_diag_item *it = mc_diag_get(d, i);
		fprintf(stderr, "%s:%u:%u: %s\n", it->at.file ? it->at.file : "-",
			it->at.line, it->at.column, it->message);
	}
}

#endif
