/*
 * cmd_check.c - `migcheck check`: rate the hosts for moving one VM.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"

void
cli_check_help(FILE *out)
{
	fputs("Usage: migcheck check [-p POLICY] -i INVENTORY... --vm NAME\n"
	      "                      [--to HOST] [--kind KIND] [--format text|json]\n"
	      "                      [--trace] [-o FILE] [--limit NAME=N]...\n"
	      "\n"
	      "Rates every other host (or only --to HOST) for moving the VM, as a\n"
	      "placement wizard does: 0 to 5 stars, allowed or refused, and for each\n"
	      "refused host every violation with its policy line and the remedies\n"
	      "that would make the move pass.\n"
	      "\n"
	      "Options:\n"
	      "  -p, --policy FILE     the policy (default: the shipped scvmm-2008.yaml)\n"
	      "  -i, --inventory FILE  an inventory file; repeat to merge several\n"
	      "      --vm NAME         the VM to move\n"
	      "      --to HOST         rate only this host\n"
	      "      --kind KIND       evaluate as this kind of move instead of the\n"
	      "                        one the VM's state selects\n"
	      "      --format FORMAT   text (default) or json\n"
	      "      --trace           list every check evaluated for each host,\n"
	      "                        passed or not, with its values and location\n", out);
	cli_shared_help(out);
	fputs("  -h, --help            show this help\n"
	      "\n"
	      "Exit status: 0 when the move is allowed (with --to) or some host can\n"
	      "take the VM; 1 when not; 2 on bad usage or bad input.\n", out);
}

enum { OPT_VM = 256, OPT_TO, OPT_KIND, OPT_FORMAT, OPT_TRACE };

int
cli_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{"policy", required_argument, NULL, 'p'},
		{"inventory", required_argument, NULL, 'i'},
		{"vm", required_argument, NULL, OPT_VM},
		{"to", required_argument, NULL, OPT_TO},
		{"kind", required_argument, NULL, OPT_KIND},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"trace", no_argument, NULL, OPT_TRACE},
		{"help", no_argument, NULL, 'h'},
		CLI_SHARED_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	const char *format = "text";
	cli_shared sh;
	cli_fleet cf;
	mc_check_request req = {NULL, NULL, NULL, false, NULL};
	mc_check_result *res = NULL;
	char *text = NULL;
	size_t len = 0;
	int c, status = CLI_ERROR;

	if (cli_fleet_init(&cf, argc) != CLI_YES)
		return CLI_ERROR;
	cli_shared_init(&sh);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":p:i:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
		case 'i':
			if (cli_fleet_option(&cf, "check", c, optarg) != CLI_YES)
				goto out;
			break;
		case OPT_VM:
			req.vm = optarg;
			break;
		case OPT_TO:
			req.to = optarg;
			break;
		case OPT_KIND:
			req.kind = optarg;
			break;
		case OPT_FORMAT:
			format = optarg;
			break;
		case OPT_TRACE:
			req.trace = true;
			break;
		case 'o':
		case CLI_OPT_LIMIT:
			if (cli_shared_option(&sh, "check", c, optarg) != CLI_YES)
				goto out;
			break;
		case 'h':
			cli_check_help(stdout);
			status = CLI_YES;
			goto out;
		default:
			status = cli_bad_option("check", c, argv[optind - 1]);
			goto out;
		}
	}
	if (optind < argc) {
		status = cli_usage("check", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (cli_format("check", format, "text, json") != CLI_YES)
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
	if (strcmp(format, "json") == 0)
		text = report_check_json(res, &len);
	else
		text = report_check_text(res, cli_color(stdout), &len);
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
