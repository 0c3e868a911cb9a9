/* SPDX-License-Identifier: MIT */
/*
 * cmd_test.c - `migcheck test`: run the `tests:` of policies.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report_test.h"

static char *
test_junit(const mc_test_report *const *reps, size_t n, bool coverage,
	   bool color, size_t *len)
{
	(void)coverage;
	(void)color;
	return report_test_junit(reps, n, len);
}

static char *
test_json(const mc_test_report *const *reps, size_t n, bool coverage,
	  bool color, size_t *len)
{
	(void)color;
	return report_test_json(reps, n, coverage, len);
}

/* The formats of `migcheck test`, the default first. */
static const struct test_format {
	const char *name;
	char *(*write)(const mc_test_report *const *reps, size_t n,
		       bool coverage, bool color, size_t *len);
} test_formats[] = {
	{"text", report_test_text},
	{"json", test_json},
	{"junit", test_junit},
};

enum { OPT_FORMAT = 256, OPT_COVERAGE };

static const cli_opt test_opts[] = {
	{0, NULL, NULL, "POLICY...", NULL, 0, NULL},
	{OPT_FORMAT, "format", "FORMAT", "[--format text|json|junit]",
	 "text (default), json, or junit (JUnit XML)", CLI_OPT_VALUE, NULL},
	{OPT_COVERAGE, "coverage", NULL, "[--coverage]",
	 "list the policy's checks that no test\n"
	 "exercises (text; json: every check)", 0, NULL},
	CLI_OPT_SHARED(CLI_OPT_BREAK, 0),
	CLI_OPT_LAST,
};

const cli_spec cli_test_spec = {
	"test", test_opts,
	"Runs the tests each policy file declares under 'tests:' (a VM of an\n"
	"inventory, a move, and the verdict expected) and shows, for each\n"
	"failing test, where it is written and what it expected and got.\n",
	"Exit status: 0 when every test of every policy passes; 1 when some\n"
	"test fails; 2 on bad usage or a policy that does not load.\n",
	false,
	0,
};

void
cli_test_help(FILE *out)
{
	cli_help(out, &cli_test_spec);
}

int
cli_test(int argc, char **argv)
{
	const char *format = "text";
	int f;
	cli_shared sh;
	bool coverage = false;
	size_t npol = 0, failed = 0;
	mc_diag *diag = NULL;
	mc_policy **policies = NULL;
	mc_test_report **reps = NULL;
	char *text = NULL;
	size_t len = 0;
	cli_parser parser;
	char *arg;
	int c, status = CLI_ERROR;

	cli_shared_init(&sh);
	cli_opt_init(&parser, &cli_test_spec, argc, argv);
	while ((c = cli_next_option(&parser, &sh, NULL, &arg)) > CLI_OPT_END) {
		switch (c) {
		case OPT_FORMAT:
			format = arg;
			break;
		case OPT_COVERAGE:
			coverage = true;
			break;
		}
	}
	if (c != CLI_OPT_END)
		return cli_opt_status(c);
	if ((f = cli_format("test", format, CLI_FORMATS(test_formats))) < 0)
		return CLI_ERROR;
	if (optind >= argc)
		return cli_usage("test", "name at least one policy file");
	npol = (size_t)(argc - optind);
	policies = calloc(npol, sizeof(*policies));
	reps = calloc(npol, sizeof(*reps));
	if (!policies || !reps || !(diag = mc_diag_new())) {
		fprintf(stderr, "migcheck: error: out of memory\n");
		goto out;
	}
	/* Every policy loads before any test runs: a policy that does not
	 * load is an error of the command, not a failed test. */
	for (size_t i = 0; i < npol; i++) {
		if (!(policies[i] = cli_load_policy(argv[optind + (int)i], &sh.limits,
						      diag)))
			goto out;
	}
	for (size_t i = 0; i < npol; i++) {
		if (mc_policy_test(&reps[i], policies[i], &sh.limits, diag) != MC_OK) {
			cli_print_diags(diag);
			goto out;
		}
		failed += reps[i]->nfailed;
	}
	text = test_formats[f].write((const mc_test_report *const *)reps, npol,
				     coverage, cli_color(stdout), &len);
	if (!text) {
		fprintf(stderr, "migcheck: error: out of memory\n");
		goto out;
	}
	status = cli_output(&sh, text, len);
	if (status == CLI_YES && failed)
		status = CLI_NO;
out:
	free(text);
	for (size_t i = 0; i < npol; i++) {
		if (reps)
			mc_test_report_free(reps[i]);
		if (policies)
			mc_policy_free(policies[i]);
	}
	free(reps);
	free(policies);
	mc_diag_free(diag);
	return status;
}
