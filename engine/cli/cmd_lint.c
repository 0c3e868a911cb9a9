/*
 * cmd_lint.c - `migcheck lint`: every error and warning in policy files.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report_lint.h"

void
cli_lint_help(FILE *out)
{
	fputs("Usage: migcheck lint POLICY... [--format text|json|sarif] [--strict]\n"
	      "                     [-o FILE] [--limit NAME=N]...\n"
	      "\n"
	      "Loads each policy file and reports every error that keeps it from\n"
	      "loading, and for a policy that loads every warning: a kind that\n"
	      "checks nothing or can never be chosen, a relaxation or remedy that\n"
	      "gives up the processor's manufacturer or architecture, a rule that\n"
	      "applies to no kind, a field, remedy or normalize pattern that does\n"
	      "nothing. Each finding is at FILE:LINE:COL with its id (docs/lint.md).\n"
	      "\n"
	      "Options:\n"
	      "      --format FORMAT   text (default), json or sarif (SARIF 2.1.0)\n"
	      "      --strict          warnings fail the run too\n", out);
	cli_shared_help(out);
	fputs("  -h, --help            show this help\n"
	      "\n"
	      "Exit status: 0 when no policy has an error (with --strict: nor a\n"
	      "warning); 1 when one has; 2 on bad usage.\n", out);
}

enum { OPT_FORMAT = 256, OPT_STRICT };

int
cli_lint(int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, OPT_FORMAT},
		{"strict", no_argument, NULL, OPT_STRICT},
		{"help", no_argument, NULL, 'h'},
		CLI_SHARED_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	const char *format = "text";
	cli_shared sh;
	bool strict = false, nomem = false;
	lint_file *files = NULL;
	size_t nfiles = 0, errors = 0, warnings = 0, len = 0;
	char *text = NULL;
	int c, status = CLI_ERROR;

	cli_shared_init(&sh);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			format = optarg;
			break;
		case OPT_STRICT:
			strict = true;
			break;
		case 'o':
		case CLI_OPT_LIMIT:
			if (cli_shared_option(&sh, "lint", c, optarg) != CLI_YES)
				return CLI_ERROR;
			break;
		case 'h':
			cli_lint_help(stdout);
			return CLI_YES;
		default:
			return cli_bad_option("lint", c, argv[optind - 1]);
		}
	}
	if (cli_format("lint", format, "text, json, sarif") != CLI_YES)
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
		rc = mc_policy_load(&p, argv[i], &sh.limits, diag);
		f->policy = p;
		if (rc == MC_OK)
			rc = mc_policy_lint(p, diag);
		if (rc == MC_ENOMEM) {
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
	if (strcmp(format, "json") == 0)
		text = report_lint_json(files, nfiles, &len);
	else if (strcmp(format, "sarif") == 0)
		text = report_lint_sarif(files, nfiles, &len);
	else
		text = report_lint_text(files, nfiles, cli_color(stdout), &len);
	if (!text)
		goto nomem;
	status = cli_output(&sh, text, len);
	if (status == CLI_YES && (errors || (strict && warnings)))
		status = CLI_NO;
	goto out;
nomem:
	fprintf(stderr, "migcheck: error: out of memory\n");
	status = CLI_ERROR;
out:
	for (size_t i = 0; i < nfiles; i++) {
		mc_policy_free(files[i].policy);
		mc_diag_free(files[i].diag);
	}
	free(files);
	free(text);
	return status;
}
