/* SPDX-License-Identifier: MIT */
/*
 * measure.c - a command's wall time, CPU time and peak memory, best of N:
 *
 *   bench_measure [--repeat N] [--mem-limit MB] [--timeout S]
 *                 [--once-over S] -- COMMAND [ARG]...
 *
 * Runs COMMAND (found on PATH) up to N times [3], one after the other,
 * its standard streams those of bench_measure, and prints one line after
 * the last run, for bench/fleet.sh:
 *
 *   MEASURE status=… runs=… wall_ms=… cpu_ms=… rss_mb=… [timed_out=1]
 *
 * wall_ms is the least wall time of the runs and cpu_ms (user and system)
 * that of the same run; rss_mb is the largest peak resident set of the
 * runs (ru_maxrss of getrusage(RUSAGE_CHILDREN): the largest of the
 * children waited for); status is the last run's exit status, 128 + N when
 * signal N ended it. The repetition stops early when a run exits with 2 or
 * more or is killed (migcheck's "could not answer": its times are not
 * those of an answer), or when a run took longer than --once-over seconds
 * [30], whose time the spread of a few runs would not change. --mem-limit caps the address space of each run (setrlimit
 * RLIMIT_AS, as `ulimit -v` does): an allocation beyond it fails, and
 * migcheck ends with "out of memory", status 2. --timeout kills a run
 * (SIGKILL) that is still going after S seconds and sets timed_out=1.
 *
 * It stands in for GNU time (`/usr/bin/time -f "%e %M"`), which is not
 * everywhere, and adds the limits a benchmark of a slow command needs so
 * that one run never takes the machine.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

typedef struct {
	int status;       /* exit status, or 128 + signal */
	bool timed_out;
	double wall_s, cpu_s;
} run_result;

static void
usage(void)
{
	fputs("usage: bench_measure [--repeat N] [--mem-limit MB] [--timeout S] "
	      "[--once-over S] -- COMMAND [ARG]...\n", stderr);
	exit(2);
}

/* CPU time, user and system, of the children waited for so far. */
static double
children_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_CHILDREN, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/*
 * Runs ARGV once. SIGCHLD is blocked in the caller, so that the child's end
 * is waited for with sigtimedwait, which also gives the timeout. -1 when
 * it could not be run or waited for (fork or waitpid failed).
 */
static int
run_once(char **argv, long mem_mb, double timeout_s, const sigset_t *chld,
	 const sigset_t *old_mask, run_result *r)
{
	struct timespec limit;
	double w0, c0;
	pid_t pid, got;
	int ws = 0;

	memset(r, 0, sizeof(*r));
	fflush(NULL);
	c0 = children_cpu();
	w0 = wall();
	pid = fork();
	if (pid < 0) {
		perror("bench_measure: fork");
		return -1;
	}
	if (pid == 0) {
		if (mem_mb > 0) {
			struct rlimit rl;

			rl.rlim_cur = rl.rlim_max = (rlim_t)mem_mb << 20;
			if (setrlimit(RLIMIT_AS, &rl) != 0) {
				perror("bench_measure: setrlimit");
				_exit(127);
			}
		}
		sigprocmask(SIG_SETMASK, old_mask, NULL);
		execvp(argv[0], argv);
		fprintf(stderr, "bench_measure: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	for (;;) {
		got = waitpid(pid, &ws, WNOHANG);
		if (got == pid)
			break;
		if (got < 0 && errno != EINTR) {
			perror("bench_measure: waitpid");
			return -1;
		}
		if (timeout_s > 0) {
			double left = timeout_s - (wall() - w0);

			if (left <= 0) {
				kill(pid, SIGKILL);
				r->timed_out = true;
				while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
					;
				break;
			}
			limit.tv_sec = (time_t)left;
			limit.tv_nsec = (long)((left - (double)limit.tv_sec) * 1e9);
			sigtimedwait(chld, NULL, &limit);
		} else {
			sigwaitinfo(chld, NULL);
		}
	}
	r->wall_s = wall() - w0;
	r->cpu_s = children_cpu() - c0;
	r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	return 0;
}

int
main(int argc, char **argv)
{
	long repeat = 3, mem_mb = 0;
	double timeout_s = 0, once_over_s = 30;
	run_result best, r;
	sigset_t chld, old_mask;
	struct rusage ru;
	long runs = 0;
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i += 2) {
		char *end = NULL;
		double v;

		if (i + 1 >= argc)
			usage();
		v = strtod(argv[i + 1], &end);
		if (end == argv[i + 1] || *end || v < 0)
			usage();
		if (strcmp(argv[i], "--repeat") == 0 && v >= 1)
			repeat = (long)v;
		else if (strcmp(argv[i], "--mem-limit") == 0)
			mem_mb = (long)v;
		else if (strcmp(argv[i], "--timeout") == 0)
			timeout_s = v;
		else if (strcmp(argv[i], "--once-over") == 0)
			once_over_s = v;
		else
			usage();
	}
	if (i + 1 >= argc)
		usage();
	argv += i + 1;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &chld, &old_mask) != 0) {
		perror("bench_measure: sigprocmask");
		return 2;
	}
	memset(&best, 0, sizeof(best));
	while (runs < repeat) {
		if (run_once(argv, mem_mb, timeout_s, &chld, &old_mask, &r) != 0)
			return 2;
		runs++;
		if (runs == 1 || r.wall_s < best.wall_s)
			best = r;
		best.status = r.status;
		best.timed_out = r.timed_out;
		if (r.status >= 2 || r.timed_out || r.wall_s > once_over_s)
			break;
	}
	getrusage(RUSAGE_CHILDREN, &ru);
	printf("MEASURE status=%d runs=%ld wall_ms=%.1f cpu_ms=%.1f rss_mb=%.1f%s\n",
	       best.status, runs, best.wall_s * 1e3, best.cpu_s * 1e3,
	       (double)ru.ru_maxrss / 1024.0,  /* Linux: kilobytes */
	       best.timed_out ? " timed_out=1" : "");
	return 0;
}
