/* SPDX-License-Identifier: MIT */
/*
 * main.c - `migcheck COMMAND ...`: finds the command and runs it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int run_version(int argc, char **argv);
static void version_help(FILE *out);
static int run_help(int argc, char **argv);
static void help_help(FILE *out);

static const cli_command commands[] = {
	{"check", "rate the hosts for moving one VM", cli_check, cli_check_help, &cli_check_spec, NULL},
	{"plan", "find the best hosts for every VM, or every VM of a host", cli_plan, cli_plan_help, &cli_plan_spec, NULL},
	{"matrix", "group hosts into classes and show which can take VMs from which", cli_matrix, cli_matrix_help, &cli_matrix_spec, NULL},
	{"baseline", "show what a group of hosts has in common", cli_baseline, cli_baseline_help, &cli_baseline_spec, NULL},
	{"diff", "list the moves whose verdict changes between two policies", cli_diff, cli_diff_help, &cli_diff_spec, NULL},
	{"explain", "describe a policy in plain words", cli_explain, cli_explain_help, &cli_explain_spec, NULL},
	{"import", "write an inventory from what hosts report about their processors", cli_import, cli_import_help, &cli_import_spec, NULL},
	{"lint", "report errors and likely mistakes in policy files", cli_lint, cli_lint_help, &cli_lint_spec, NULL},
	{"fmt", "lay out YAML policy files canonically, every comment kept", cli_fmt, cli_fmt_help, &cli_fmt_spec, NULL},
	{"test", "run the tests of policies", cli_test, cli_test_help, &cli_test_spec, NULL},
	{"probe", "print this machine's fingerprint as an inventory host", cli_probe, cli_probe_help, &cli_probe_spec, NULL},
	{"report", "write an HTML report on a policy for review and sign-off", cli_report, cli_report_help, &cli_report_spec, cli_report_subjects},
	{"version", "print the version", run_version, version_help, NULL, NULL},
	{"help", "describe migcheck or one of its commands", run_help, help_help, NULL, NULL},
};

#define NCOMMANDS (sizeof(commands) / sizeof(*commands))

static const cli_command *
find(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	}
	return NULL;
}

/* Says that name is no command, and which it may have been meant to be. */
static void
unknown_command(const char *name)
{
	const char *near = mc_text_nearest(name, &commands[0].name, NCOMMANDS,
				       sizeof(commands[0]));

	fputs("migcheck: error: unknown command '", stderr);
	cli_put(stderr, name);
	if (near)
		fprintf(stderr, "': did you mean '%s'?\n", near);
	else
		fputs("'\n", stderr);
	fputs("Run 'migcheck help' for the commands.\n", stderr);
}

/* A command's status, once what it wrote on stdout is out: a command that
 * answered but whose answer could not be written did not answer (a report
 * written through -o says so itself). */
static int
written(int status)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return status;
	if (status != CLI_ERROR)
		fprintf(stderr, "migcheck: error: cannot write the output: %s\n",
			strerror(errno ? errno : EIO));
	return CLI_ERROR;
}

static bool
known_when(const char *when)
{
	for (size_t i = 0; i < 3; i++) {
		if (strcmp(when, cli_color_whens[i]) == 0)
			return true;
	}
	return false;
}

/*
 * Takes --color=WHEN (or --color WHEN) out of argv, wherever it is before
 * a "--": every command's colors follow it (cli_color). Returns false
 * after a usage error.
 */
static bool
take_color(int *argc, char **argv)
{
	int out = 1;

	for (int i = 1; i < *argc; i++) {
		const char *when = NULL, *near;

		if (strcmp(argv[i], "--") == 0) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if (strncmp(argv[i], "--color=", 8) == 0)
			when = argv[i] + 8;
		else if (strcmp(argv[i], "--color") == 0 && i + 1 < *argc)
			when = argv[++i];
		if (!when) {
			argv[out++] = argv[i];
			continue;
		}
		if (!known_when(when)) {
			near = mc_text_nearest(when, cli_color_whens, 3,
					       sizeof(*cli_color_whens));
			fprintf(stderr, "migcheck: error: --color takes auto, always or never, "
				"not '%s'%s%s%s\n", when, near ? " (did you mean '" : "",
				near ? near : "", near ? "'?)" : "");
			return false;
		}
		if (setenv(CLI_COLOR_ENV, when, 1) != 0)
			return false;
	}
	argv[out] = NULL;
	*argc = out;
	return true;
}

static void
usage(FILE *out)
{
	fputs("Usage: migcheck COMMAND [OPTIONS]\n"
	      "\n"
	      "Can this VM move to that host, and if not, why not and what would\n"
	      "make it possible? migcheck evaluates migration policies against host\n"
	      "inventories.\n"
	      "\n"
	      "Commands:\n", out);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fputs("\n"
	      "Run 'migcheck COMMAND --help' for a command's options. Every command\n"
	      "also takes --color=WHEN: auto (the default: on a terminal, unless\n"
	      "NO_COLOR is set or TERM is dumb), always or never.\n"
	      "Exit status: 0 yes, 1 no, 2 the command could not answer.\n", out);
}

static bool
wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
		if (strcmp(argv[i], "--") == 0)
			break;
	}
	return false;
}

static void
version_help(FILE *out)
{
	fputs("Usage: migcheck version\n\nPrints the version of migcheck.\n", out);
}

static int
run_version(int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return cli_usage("version", "unexpected argument '%s'", argv[1]);
	printf("migcheck %s\n", mc_version());
	return CLI_YES;
}

static void
help_help(FILE *out)
{
	fputs("Usage: migcheck help [COMMAND]\n\n"
	      "Describes migcheck, or one of its commands.\n", out);
}

static int
run_help(int argc, char **argv)
{
	const cli_command *c;

	if (argc < 2) {
		usage(stdout);
		return CLI_YES;
	}
	if (argc > 2)
		return cli_usage("help", "unexpected argument '%s'", argv[2]);
	c = find(argv[1]);
	if (!c) {
		unknown_command(argv[1]);
		return CLI_ERROR;
	}
	c->help(stdout);
	return CLI_YES;
}

int
main(int argc, char **argv)
{
	const cli_command *c;

	if (!take_color(&argc, argv))
		return CLI_ERROR;
	if (argc < 2) {
		usage(stderr);
		return CLI_ERROR;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return written(CLI_YES);
	}
	if (strcmp(argv[1], "--version") == 0)
		return written(run_version(1, argv));
	/* For the shell completion scripts (completion/): not a command a
	 * user types, and not listed. */
	if (strcmp(argv[1], "complete") == 0)
		return written(cli_complete(commands, NCOMMANDS, argc - 1, argv + 1));
	c = find(argv[1]);
	if (!c) {
		unknown_command(argv[1]);
		return CLI_ERROR;
	}
	if (wants_help(argc - 1, argv + 1)) {
		c->help(stdout);
		return written(CLI_YES);
	}
	return written(c->run(argc - 1, argv + 1));
}
