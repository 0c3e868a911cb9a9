/* SPDX-License-Identifier: MIT */
/*
 * cmd_check.c - `migcheck check`: rate the hosts for moving one VM.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"

static char *
check_text(const mc_check_result *res, bool color, bool compact, size_t *len)
{
	(void)compact;
	return report_check_text(res, color, len);
}

static char *
check_json(const mc_check_result *res, bool color, bool compact, size_t *len)
{
	(void)color;
	return report_check_json(res, compact, len);
}

/* The one VM's result on one line: what a scheduler that reads a line of
 * JSON per VM takes from plan and diff too. */
static char *
check_ndjson(const mc_check_result *res, bool color, bool compact, size_t *len)
{
	(void)color;
	(void)compact;
	return report_check_json(res, true, len);
}

/* The formats of `migcheck check`, the default first. */
static const struct check_format {
	const char *name;
	char *(*write)(const mc_check_result *res, bool color, bool compact,
		       size_t *len);
} check_formats[] = {
	{"text", check_text},
	{"json", check_json},
	{"ndjson", check_ndjson},
};

enum { OPT_VM = 256, OPT_TO, OPT_KIND, OPT_FORMAT, OPT_COMPACT, OPT_TRACE };

static const cli_opt check_opts[] = {
	CLI_OPT_POLICY,
	CLI_OPT_INVENTORY(0),
	{OPT_VM, "vm", "NAME", "--vm NAME", "the VM to move", CLI_OPT_VALUE, NULL},
	{OPT_TO, "to", "HOST", "[--to HOST]", "rate only this host",
	 CLI_OPT_VALUE | CLI_OPT_BREAK, NULL},
	{OPT_KIND, "kind", "KIND", "[--kind KIND]",
	 "evaluate as this kind of move instead of the\n"
	 "one the VM's state selects", CLI_OPT_VALUE, NULL},
	{OPT_FORMAT, "format", "FORMAT", "[--format text|json|ndjson]",
	 "text (default), json or ndjson (the JSON on\n"
	 "one line)", CLI_OPT_VALUE | CLI_OPT_BREAK, NULL},
	CLI_OPT_COMPACT(OPT_COMPACT),
	{OPT_TRACE, "trace", NULL, "[--trace]",
	 "list every check evaluated for each host,\n"
	 "passed or not, with its values and location", 0, NULL},
	CLI_OPT_SHARED(CLI_OPT_BREAK, 0),
	CLI_OPT_LAST,
};

const cli_spec cli_check_spec = {
	"check", check_opts,
	"Rates every other host (or only --to HOST) for moving the VM, as a\n"
	"placement wizard does: 0 to 5 stars, allowed or refused, and for each\n"
	"refused host every violation with its policy line and the remedies\n"
	"that would make the move pass.\n",
	"Exit status: 0 when the move is allowed (with --to) or some host can\n"
	"take the VM; 1 when not; 2 on bad usage or bad input.\n",
	false,
	0,
};

void
cli_check_help(FILE *out)
{
	cli_help(out, &cli_check_spec);
}

int
cli_check(int argc, char **argv)
{
	const char *format = "text";
	bool compact = false;
	int f;
	cli_shared sh;
	cli_fleet cf;
	mc_check_request req = {NULL, NULL, NULL, false, NULL};
	mc_check_result *res = NULL;
	char *text = NULL;
	size_t len = 0;
	cli_parser parser;
	char *arg;
	int c, status = CLI_ERROR;

	if (cli_fleet_init(&cf, argc) != CLI_YES)
		return CLI_ERROR;
	cli_shared_init(&sh);
	cli_opt_init(&parser, &cli_check_spec, argc, argv);
	while ((c = cli_next_option(&parser, &sh, &cf, &arg)) > CLI_OPT_END) {
		switch (c) {
		case OPT_VM:
			req.vm = arg;
			break;
		case OPT_TO:
			req.to = arg;
			break;
		case OPT_KIND:
			req.kind = arg;
			break;
		case OPT_FORMAT:
			format = arg;
			break;
		case OPT_COMPACT:
			compact = true;
			break;
		case OPT_TRACE:
			req.trace = true;
			break;
		}
	}
	if (c != CLI_OPT_END) {
		status = cli_opt_status(c);
		goto out;
	}
	if (optind < argc) {
		status = cli_usage("check", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if ((f = cli_format("check", format, CLI_FORMATS(check_formats))) < 0 ||
	    cli_compact_usage("check", compact, format) != CLI_YES)
		goto out;
	if (cli_fleet_named(&cf, "check") != CLI_YES)
		goto out;
	if (!req.vm) {
		status = cli_usage("check", "name the VM to move with --vm NAME");
		goto out;
	}
	if (cli_fleet_open(&cf, &sh) != CLI_YES)
		goto out;
	if ((c = mc_check(&res, cf.fleet, &req, cf.diag)) != MC_OK) {
		cli_fail(c, cf.diag);
		goto out;
	}
	text = check_formats[f].write(res, cli_color(stdout), compact, &len);
	if (!text) {
		fprintf(stderr, "migcheck: error: out of memory\n");
		goto out;
	}
	status = cli_output(&sh, text, len);
	if (status == CLI_YES)
		status = mc_check_result_any_allowed(res) ? CLI_YES : CLI_NO;
out:
	free(text);
	mc_check_result_free(res);
	cli_fleet_close(&cf);
	return status;
}
