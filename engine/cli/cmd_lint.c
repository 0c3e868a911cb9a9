/* SPDX-License-Identifier: MIT */
/*
 * cmd_lint.c - `migcheck lint`: every error and warning in policy files.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "report_lint.h"

static char *
lint_json(const lint_file *files, size_t n, bool color, size_t *len)
{
	(void)color;
	return report_lint_json(files, n, len);
}

static char *
lint_sarif(const lint_file *files, size_t n, bool color, size_t *len)
{
	(void)color;
	return report_lint_sarif(files, n, len);
}

/* The formats of `migcheck lint`, the default first. */
static const struct lint_format {
	const char *name;
	char *(*write)(const lint_file *files, size_t n, bool color, size_t *len);
} lint_formats[] = {
	{"text", report_lint_text},
	{"json", lint_json},
	{"sarif", lint_sarif},
};

enum { OPT_FORMAT = 256, OPT_STRICT };

static const cli_opt lint_opts[] = {
	{0, NULL, NULL, "POLICY...", NULL, 0, NULL},
	{OPT_FORMAT, "format", "FORMAT", "[--format text|json|sarif]",
	 "text (default), json or sarif (SARIF 2.1.0)", CLI_OPT_VALUE, NULL},
	{OPT_STRICT, "strict", NULL, "[--strict]",
	 "warnings fail the run too", 0, NULL},
	CLI_OPT_SHARED(CLI_OPT_BREAK, 0),
	CLI_OPT_LAST,
};

const cli_spec cli_lint_spec = {
	"lint", lint_opts,
	"Loads each policy file and reports every error that keeps it from\n"
	"loading, and for a policy that loads every warning: a kind that\n"
	"checks nothing or can never be chosen, a relaxation or remedy that\n"
	"gives up the processor's manufacturer or architecture, a rule that\n"
	"applies to no kind, a field, remedy or normalize pattern that does\n"
	"nothing. Each finding is at FILE:LINE:COL with its id (docs/lint.md).\n",
	"Exit status: 0 when no policy has an error (with --strict: nor a\n"
	"warning); 1 when one has; 2 on bad usage, or when a file cannot be\n"
	"read (the report names it).\n",
	false,
	0,
};

void
cli_lint_help(FILE *out)
{
	cli_help(out, &cli_lint_spec);
}

int
cli_lint(int argc, char **argv)
{
	const char *format = "text";
	int fmt;
	cli_shared sh;
	bool strict = false, nomem = false, unreadable = false;
	lint_file *files = NULL;
	size_t nfiles = 0, errors = 0, warnings = 0, len = 0;
	char *text = NULL;
	cli_parser parser;
	char *arg;
	int c, status = CLI_ERROR;

	cli_shared_init(&sh);
	cli_opt_init(&parser, &cli_lint_spec, argc, argv);
	while ((c = cli_next_option(&parser, &sh, NULL, &arg)) > CLI_OPT_END) {
		switch (c) {
		case OPT_FORMAT:
			format = arg;
			break;
		case OPT_STRICT:
			strict = true;
			break;
		}
	}
	if (c != CLI_OPT_END)
		return cli_opt_status(c);
	if ((fmt = cli_format("lint", format, CLI_FORMATS(lint_formats))) < 0)
		return CLI_ERROR;
	if (optind >= argc)
		return cli_usage("lint", "name at least one policy file");
	files = calloc((size_t)(argc - optind), sizeof(*files));
	if (!files)
		goto nomem;
	for (int i = optind; i < argc; i++) {
		lint_file *f = &files[nfiles++];
		mc_policy *p = NULL;
		mc_diag *diag = mc_diag_new();
		int rc;

		f->path = argv[i];
		f->diag = diag;
		if (!diag) {
			nomem = true;
			break;
		}
		rc = cli_policy_load(&p, argv[i], &sh.limits, diag);
		f->policy = p;
		/* As every command: input that cannot be read is not an answer. */
		if (rc != MC_OK && !cli_is_stdin(argv[i]) && access(argv[i], R_OK) != 0)
			unreadable = true;
		if (rc == MC_OK)
			rc = mc_policy_lint(p, diag);
		if (rc == MC_ENOMEM) {
			nomem = true;
			break;
		}
		if (!lint_sort(f)) {
			nomem = true;
			break;
		}
		for (size_t k = 0; k < mc_diag_count(diag); k++) {
			mc_severity s = mc_diag_get(diag, k)->severity;
			errors += s == MC_SEVERITY_ERROR;
			warnings += s == MC_SEVERITY_WARNING;
		}
	}
	if (nomem)
		goto nomem;
	text = lint_formats[fmt].write(files, nfiles, cli_color(stdout), &len);
	if (!text)
		goto nomem;
	status = cli_output(&sh, text, len);
	if (status == CLI_YES && (errors || (strict && warnings)))
		status = CLI_NO;
	if (status != CLI_ERROR && unreadable)
		status = CLI_ERROR;
	goto out;
nomem:
	fprintf(stderr, "migcheck: error: out of memory\n");
	status = CLI_ERROR;
out:
	for (size_t i = 0; i < nfiles; i++) {
		mc_policy_free(files[i].policy);
		mc_diag_free(files[i].diag);
		free(files[i].items);
	}
	free(files);
	free(text);
	return status;
}
