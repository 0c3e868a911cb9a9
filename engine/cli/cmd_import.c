/*
 * cmd_import.c - `migcheck import`: host records from what the platforms
 * print about their processors (mc_hostset_import_file), written as an
 * inventory.
 *
 * Every input is read and checked before anything is written: a bad input
 * prints its errors and the command writes nothing, neither on stdout nor
 * to the -o file, which is replaced only by a complete new inventory.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void
cli_import_help(FILE *out)
{
	fprintf(out,
		"Usage: migcheck import --from FORMAT FILE... [-o FILE] [--cluster NAME]\n"
		"                      [--format yaml] [--limit NAME=N]...\n"
		"\n"
		"Reads what a platform prints about a machine's processors and writes\n"
		"the hosts as an inventory (hosts:). One host per FILE, except for csv,\n"
		"which holds one host per row. The lscpu, cpuinfo and libvirt formats\n"
		"carry no host name: the host is named after its file, without\n"
		"directories and extension.\n"
		"\n"
		"Formats (docs/import/):\n"
		"  win32     Get-CimInstance Win32_Processor | ConvertTo-Json\n"
		"  lscpu     lscpu -J (flat, or nested with \"children\")\n"
		"  cpuinfo   the text of /proc/cpuinfo\n"
		"  libvirt   virsh capabilities (XML)\n"
		"  csv       a header row of inventory paths, one host per row\n"
		"\n"
		"Options:\n"
		"      --from FORMAT     the format of every FILE (%s)\n"
		"  -o, --output FILE     write the inventory to FILE (replaced only when\n"
		"                        every input imports) instead of stdout\n"
		"      --cluster NAME    put every imported host in cluster NAME\n"
		"      --format FORMAT   yaml (the only one)\n"
		"      --limit NAME=N    change a limit on input, e.g. file-size=1G\n"
		"                        (see docs/limits.md)\n"
		"  -h, --help            show this help\n"
		"\n"
		"Exit status: 0, or 2 on bad usage or when an input does not import\n"
		"(FILE:LINE:COL: error: ... on stderr, nothing written).\n",
		mc_import_format_names());
}

enum { OPT_FROM = 256, OPT_CLUSTER, OPT_FORMAT };

int
cli_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{"from", required_argument, NULL, OPT_FROM},
		{"cluster", required_argument, NULL, OPT_CLUSTER},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"help", no_argument, NULL, 'h'},
		CLI_SHARED_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	const char *from = NULL, *cluster = NULL;
	const char *format = "yaml";
	mc_hostset *hosts = NULL;
	char *text = NULL;
	size_t len = 0;
	cli_shared sh;
	mc_diag *diag = NULL;
	bool nomem = false;
	int c, status = CLI_ERROR;

	cli_shared_init(&sh);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		switch (c) {
		case OPT_FROM:
			from = optarg;
			break;
		case 'o':
		case CLI_OPT_LIMIT:
			if (cli_shared_option(&sh, "import", c, optarg) != CLI_YES)
				return CLI_ERROR;
			break;
		case OPT_CLUSTER:
			cluster = optarg;
			break;
		case OPT_FORMAT:
			format = optarg;
			break;
		case 'h':
			cli_import_help(stdout);
			return CLI_YES;
		default:
			return cli_bad_option("import", c, argv[optind - 1]);
		}
	}
	if (!from)
		return cli_usage("import", "name the input format with --from "
				 "(%s)", mc_import_format_names());
	if (!mc_import_format_known(from))
		return cli_usage("import", "unknown input format '%s' (formats: %s)",
				 from, mc_import_format_names());
	if (strcmp(format, "yaml") != 0)
		return cli_usage("import", "unknown output format '%s' (formats: "
				 "yaml)", format);
	if (cluster && !*cluster)
		return cli_usage("import", "--cluster needs a name");
	if (optind >= argc)
		return cli_usage("import", "name at least one file to import");

	diag = mc_diag_new();
	if (!diag || mc_hostset_new(&hosts) != MC_OK)
		goto nomem;
	for (int i = optind; i < argc; i++) {
		int rc = mc_hostset_import_file(hosts, from, argv[i], &sh.limits,
						diag);

		if (rc == MC_ENOMEM)
			goto nomem;
	}
	if (!mc_diag_error_count(diag))
		mc_hostset_check_names(hosts, diag);
	if (mc_diag_error_count(diag)) {
		cli_print_diags(diag);
		goto out;
	}
	if (cluster && mc_hostset_set_cluster(hosts, cluster) != MC_OK)
		goto nomem;
	if (mc_hostset_yaml(&text, &len, hosts) != MC_OK)
		goto nomem;
	status = cli_output(&sh, text, len);
	goto out;
nomem:
	nomem = true;
out:
	if (nomem) {
		fprintf(stderr, "migcheck: error: out of memory\n");
		status = CLI_ERROR;
	}
	free(text);
	mc_hostset_free(hosts);
	mc_diag_free(diag);
	return status;
}
