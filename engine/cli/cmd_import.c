/*
 * cmd_import.c - `migcheck import`: host records from what the platforms
 * print about their processors (import.h), written as an inventory.
 *
 * Every input is read and checked before anything is written: a bad input
 * prints its errors and the command writes nothing, neither on stdout nor
 * to the -o file, which is replaced only by a complete new inventory.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "cli.h"
#include "util/diag.h"
#include "sources/import.h"
#include "load/node.h"

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
		mc_import_formats());
}

/* Reads and imports one file, adding what went wrong to diag. */
static int
import_file(mc_importer import, const char *path, const mc_limits *limits,
	    mc_hostlist *hosts, mc_diag *diag)
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	rc = mc_file_read(path, NULL, limits, diag, &data, &len);
	if (rc != MC_OK)
		return rc;
	rc = import(hosts, path, data, len, limits, diag);
	free(data);
	return rc;
}

/* A host's name and its place in the import, for finding names twice. */
typedef struct named {
	const char *name;
	size_t at;
} named;

static int
by_name(const void *a, const void *b)
{
	const named *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->at > y->at) - (x->at < y->at);
}

/* Two hosts of one name would make an inventory that does not load: each
 * host imported again is an error naming both places (sorting, not
 * comparing every pair: a CMDB export may hold thousands). */
static void
check_names(const mc_hostlist *hosts, mc_diag *diag)
{
	size_t n = hosts->count;
	named *by = calloc(n + 1, sizeof(*by));
	size_t *first = calloc(n + 1, sizeof(*first));

	if (!by || !first) {
		mc_diag_error(diag, "out of memory checking the host names");
		goto out;
	}
	/* sorted by name, then by import order: each run of one name starts
	 * at its first place */
	for (size_t i = 0; i < n; i++) {
		by[i].name = hosts->hosts[i]->name;
		by[i].at = i;
		first[i] = i;
	}
	qsort(by, n, sizeof(*by), by_name);
	for (size_t i = 1, start = 0; i < n; i++) {
		if (strcmp(by[i].name, by[start].name) != 0)
			start = i;
		else
			first[by[i].at] = by[start].at;
	}
	/* one error for each host imported again, in import order */
	for (size_t i = 0; i < n; i++) {
		if (first[i] != i)
			mc_diag_error(diag, "host '%s' is imported twice: from %s and "
				      "from %s", hosts->hosts[i]->name,
				      hosts->hosts[first[i]]->source,
				      hosts->hosts[i]->source);
	}
out:
	free(by);
	free(first);
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
	mc_importer import;
	mc_hostlist hosts = {NULL, 0, 0};
	mc_buf text = MC_BUF_INIT;
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
				 "(%s)", mc_import_formats());
	import = mc_import_find(from);
	if (!import)
		return cli_usage("import", "unknown input format '%s' (formats: %s)",
				 from, mc_import_formats());
	if (strcmp(format, "yaml") != 0)
		return cli_usage("import", "unknown output format '%s' (formats: "
				 "yaml)", format);
	if (cluster && !*cluster)
		return cli_usage("import", "--cluster needs a name");
	if (optind >= argc)
		return cli_usage("import", "name at least one file to import");

	diag = mc_diag_new();
	if (!diag)
		goto nomem;
	for (int i = optind; i < argc; i++) {
		int rc = import_file(import, argv[i], &sh.limits, &hosts, diag);

		if (rc == MC_ENOMEM)
			goto nomem;
	}
	if (!mc_diag_error_count(diag))
		check_names(&hosts, diag);
	if (mc_diag_error_count(diag)) {
		cli_print_diags(diag);
		goto out;
	}
	for (size_t i = 0; cluster && i < hosts.count; i++) {
		if (mc_hostrec_set(&hosts.hosts[i]->cluster, cluster,
				   strlen(cluster)) < 0)
			goto nomem;
	}
	mc_hostrec_yaml(&text, hosts.hosts, hosts.count);
	if (mc_buf_failed(&text))
		goto nomem;
	status = cli_output(&sh, mc_buf_str(&text), text.len);
	goto out;
nomem:
	nomem = true;
out:
	if (nomem) {
		fprintf(stderr, "migcheck: error: out of memory\n");
		status = CLI_ERROR;
	}
	mc_buf_free(&text);
	mc_hostlist_free(&hosts);
	mc_diag_free(diag);
	return status;
}
