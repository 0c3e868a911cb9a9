/* SPDX-License-Identifier: MIT */
/*
 * clock.h - the clocks and the peak memory every benchmark reports, for
 * benchmarks with or without the engine (bench/yaml_parse.c links libyaml
 * alone).
 *
 * Times are CPU time of the process (the benchmarks are single-threaded),
 * so that other work on a shared machine does not count; wall time is shown
 * beside it where it differs in kind (loading reads files).
 */
#ifndef MC_BENCH_CLOCK_H
#define MC_BENCH_CLOCK_H

#include <sys/resource.h>
#include <time.h>

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

#endif
