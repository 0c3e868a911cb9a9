/* SPDX-License-Identifier: MIT */
/*
 * opt.h - one table per command that drives parsing its options, its usage
 * line and its --help (as libgit2's cli_opt_spec): an option is written
 * once, with its name, its value, its place in the usage and its help.
 *
 * A command's options are a cli_opt array ending in an entry of id 0 and
 * no usage; cli_opt_next() hands them over one at a time, by id, and
 * cli_help() prints the help from the same table.
 */
#ifndef MC_CLI_OPT_H
#define MC_CLI_OPT_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

enum {
	CLI_OPT_VALUE = 1,   /* the option takes a value */
	CLI_OPT_BREAK = 2,   /* its usage starts a new line */
	CLI_OPT_MANY = 4     /* it may be given more than once (an option
	                        with a value is refused the second time
	                        otherwise) */
};

/* One option, or (id 0, name NULL) an argument shown in the usage only. */
typedef struct cli_opt {
	int id;             /* what cli_opt_next returns: a short option's
	                       letter, or a number from 256 up */
	const char *name;   /* the long name, without "--" */
	const char *value;  /* the value's name in the help ("FILE"), or NULL */
	const char *usage;  /* in the usage line ("[-o FILE]"), or NULL */
	const char *help;   /* in the options list, lines apart by '\n'; NULL:
	                       not listed; with help_arg, a format of one %s */
	unsigned flags;
	const char *(*help_arg)(void);
} cli_opt;

/* A command: its name, options, what its help says before the options
 * (the description, ending in '\n') and after them (the exit status). */
typedef struct cli_spec {
	const char *name;
	const cli_opt *opts;
	const char *about;
	const char *status;
	bool in_order;      /* arguments come back in order (CLI_OPT_ARG) rather
	                       than after every option */
	int indent;         /* of the usage's next lines; 0: under its first
	                       item */
} cli_spec;

/* What cli_opt_next returns besides an option's id. */
enum {
	CLI_OPT_END = -1,    /* no more options: optind is the first argument */
	CLI_OPT_HELP = -2,   /* -h: the help is printed on stdout */
	CLI_OPT_ERROR = -3,  /* a usage error is printed on stderr */
	CLI_OPT_ARG = 1      /* an argument (in_order only), in *value */
};

/* The most options a command has, --help included. */
#define CLI_OPT_MAX 16

/* A command's option parser (getopt_long underneath: one at a time). */
typedef struct cli_parser {
	const cli_spec *spec;
	int argc;
	char **argv;
	struct option longs[CLI_OPT_MAX + 1];
	char shorts[2 * CLI_OPT_MAX + 4];
	bool seen[2 * CLI_OPT_MAX];  /* per entry of spec->opts: given already */
} cli_parser;

void cli_opt_init(cli_parser *p, const cli_spec *spec, int argc, char **argv);

/* The next option's id, with its value in *value (NULL for a switch), or
 * one of CLI_OPT_END, CLI_OPT_HELP, CLI_OPT_ERROR, CLI_OPT_ARG. */
int cli_opt_next(cli_parser *p, char **value);

/* Prints the command's help: usage, description, options, exit status. */
void cli_help(FILE *out, const cli_spec *spec);

/* The options most commands share: -o FILE and --limit NAME=N
 * (cli_shared_option takes them), with flags for their usage. */
enum { CLI_OPT_LIMIT = 1000 };
#define CLI_OPT_OUTPUT_HELP \
	"write the report to FILE instead of stdout\n" \
	"(- is stdout);\n" \
	"a file is replaced whole (a FIFO or a device\n" \
	"written in place), or left as it was when\n" \
	"the command fails"
#define CLI_OPT_SHARED(out_flags, limit_flags) \
	{'o', "output", "FILE", "[-o FILE]", CLI_OPT_OUTPUT_HELP, \
	 CLI_OPT_VALUE | (out_flags), NULL}, \
	{CLI_OPT_LIMIT, "limit", "NAME=N", "[--limit NAME=N]...", \
	 "change a limit on input, e.g. depth=128,\n" \
	 "file-size=1G (see docs/limits.md)", \
	 CLI_OPT_VALUE | CLI_OPT_MANY | (limit_flags), NULL}

/* The policy and inventories of the commands that answer about a fleet
 * (cli_fleet_option takes them). */
#define CLI_OPT_POLICY \
	{'p', "policy", "FILE", "[-p POLICY]", \
	 "the policy (default: the shipped scvmm-2008.yaml)", CLI_OPT_VALUE, NULL}
#define CLI_OPT_INVENTORY(flags) \
	{'i', "inventory", "FILE", "-i INVENTORY...", \
	 "an inventory file; repeat to merge several", \
	 CLI_OPT_VALUE | CLI_OPT_MANY | (flags), NULL}

/* --compact, for commands with --format json (see cli_compact_usage). */
#define CLI_OPT_COMPACT(id) \
	{(id), "compact", NULL, "[--compact]", \
	 "with --format json: the document on one line", 0, NULL}

#define CLI_OPT_LAST {0, NULL, NULL, NULL, NULL, 0, NULL}

#endif
