/*
 * cli.h - what the commands of the migcheck program share: exit statuses,
 * printing diagnostics, finding the default policy, loading inputs, and
 * writing output all at once (a failed command prints nothing on stdout).
 */
#ifndef MC_CLI_H
#define MC_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "migcheck.h"

enum {
	CLI_YES = 0,    /* the answer is yes */
	CLI_NO = 1,     /* the answer is no */
	CLI_ERROR = 2   /* no answer: bad usage or bad input */
};

/* One command: `migcheck NAME ...`. */
typedef struct cli_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
	void (*help)(FILE *out);
} cli_command;

int cli_check(int argc, char **argv);
void cli_check_help(FILE *out);
int cli_plan(int argc, char **argv);
void cli_plan_help(FILE *out);
int cli_matrix(int argc, char **argv);
void cli_matrix_help(FILE *out);
int cli_baseline(int argc, char **argv);
void cli_baseline_help(FILE *out);
int cli_diff(int argc, char **argv);
void cli_diff_help(FILE *out);
int cli_explain(int argc, char **argv);
void cli_explain_help(FILE *out);
int cli_import(int argc, char **argv);
void cli_import_help(FILE *out);
int cli_lint(int argc, char **argv);
void cli_lint_help(FILE *out);
int cli_test(int argc, char **argv);
void cli_test_help(FILE *out);
int cli_probe(int argc, char **argv);
void cli_probe_help(FILE *out);

/* True when colors may be written to the stream (a terminal, and NO_COLOR
 * unset). */
bool cli_color(FILE *stream);

/* Prints every item of diag on stderr as FILE:LINE:COL: severity: message,
 * with the source line and a caret under the column. */
void cli_print_diags(const mc_diag *diag);

/* Prints "migcheck CMD: error: ..." and a hint to --help; returns
 * CLI_ERROR. */
int cli_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* CLI_YES when format is one of names ("text, json"), else a usage error
 * that lists them. */
int cli_format(const char *cmd, const char *format, const char *names);

/* The usage error for what getopt_long returned as c for arg: a missing
 * value (':') or an unknown option. Returns CLI_ERROR. */
int cli_bad_option(const char *cmd, int c, const char *arg);

/*
 * The default policy: policies/scvmm-2008.yaml under share/migcheck next to
 * the program (the build tree and an installation look alike), else under
 * the installation's data directory. Returns a malloc'd path or NULL.
 */
char *cli_default_policy(void);

/* Loads the policy at path (NULL: the default) within limits. Prints
 * diagnostics and returns NULL on failure. */
mc_policy *cli_load_policy(const char *path, const mc_limits *limits,
			   mc_diag *diag);

/* Loads and merges the inventory files within limits, and finishes the
 * inventory. */
mc_inventory *cli_load_inventory(char *const *paths, size_t n,
				 const mc_limits *limits, mc_diag *diag);

/*
 * The options shared by every command that reads input and writes a report:
 * `-o FILE` and `--limit NAME=VALUE`. A command lists CLI_SHARED_OPTIONS in
 * its getopt_long table and "o:" in its short options, and hands both
 * options to cli_shared_option().
 */
enum { CLI_OPT_LIMIT = 1000 };
#define CLI_SHARED_OPTIONS \
	{"output", required_argument, NULL, 'o'}, \
	{"limit", required_argument, NULL, CLI_OPT_LIMIT}

/* What the shared options set; cli_shared_init() gives the defaults. */
typedef struct cli_shared {
	const char *output;  /* -o FILE, or NULL for stdout */
	mc_limits limits;
} cli_shared;

void cli_shared_init(cli_shared *sh);

/* Takes option c (-o or --limit) with its argument for command cmd.
 * Returns CLI_YES, or CLI_ERROR after printing a usage error. */
int cli_shared_option(cli_shared *sh, const char *cmd, int c, const char *arg);

/* The help lines of the shared options. */
void cli_shared_help(FILE *out);

/* Writes the report to sh->output (see cli_write_file) or to stdout. */
int cli_output(const cli_shared *sh, const char *text, size_t len);

/*
 * The policy, inventory and fleet of a command that answers about a fleet
 * (check, plan, matrix, baseline): cli_fleet_option() takes -p POLICY
 * (once) and -i FILE (repeated), cli_fleet_open() loads and binds them.
 */
typedef struct cli_fleet {
	const char *policy_path;   /* NULL: the default policy */
	char **inventories;
	size_t ninv;
	mc_diag *diag;
	mc_policy *policy;
	mc_inventory *inv;
	mc_fleet *fleet;
} cli_fleet;

/* Makes room for the inventories of argc arguments; CLI_ERROR when memory
 * runs out. */
int cli_fleet_init(cli_fleet *cf, int argc);

/* Takes option c ('p' or 'i'); CLI_ERROR after a usage error. */
int cli_fleet_option(cli_fleet *cf, const char *cmd, int c, char *arg);

/* CLI_YES when an inventory was named, else a usage error. */
int cli_fleet_named(const cli_fleet *cf, const char *cmd);

/* Loads the policy and the inventories within sh's limits and binds them,
 * printing diagnostics; CLI_YES or CLI_ERROR. */
int cli_fleet_open(cli_fleet *cf, const cli_shared *sh);

void cli_fleet_close(cli_fleet *cf);

/* After an engine call failed with rc: says so when memory ran out, and
 * prints the diagnostics. Returns CLI_ERROR. */
int cli_fail(int rc, const mc_diag *diag);

/* Writes the caret line under a source line: the line's tabs kept, every
 * other character before the column as a space. */
void cli_caret(FILE *out, const char *line, unsigned column);

/* A rating in half stars as five stars: "★★★½☆". */
void cli_stars(FILE *out, unsigned halves);

/* A rating in half stars as text: "3.5", "5". */
void cli_rating(char *buf, size_t size, unsigned halves);

/* Writes FILE:LINE:COL (nothing for a location without a file). */
void cli_location(FILE *out, const mc_location *at);

/* Writes len bytes at text to stdout and flushes; CLI_ERROR on failure. */
int cli_emit(const char *text, size_t len);

/*
 * Writes len bytes at text to path, never replacing what is not a regular
 * file. A regular file (or a new path) gets a new file next to it, renamed
 * over it: a reader sees what path held or all of the new text, never
 * half, and a failure leaves path as it was. A new file gets 0666 less the
 * umask; a replaced one keeps its mode, owner and group. A FIFO or a
 * character device is written in place, as a shell's `>` would; a symbolic
 * link is kept and what it points at written. A directory, a block device,
 * a socket and a link to nothing are refused. Reports a failure on stderr;
 * returns CLI_YES or CLI_ERROR.
 */
int cli_write_file(const char *path, const char *text, size_t len);

#endif
