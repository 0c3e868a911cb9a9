/*
 * cmd_import.c - `migcheck import`: host records from what the platforms
 * print about their processors (mc_hostset_import_file), written as an
 * inventory.
 *
 * Every input is read and checked before anything is written: a bad input
 * prints its errors and the command writes nothing, neither on stdout nor
 * to the -o file, which is replaced only by a complete new inventory.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

enum { OPT_FROM = 256, OPT_CLUSTER, OPT_FORMAT, OPT_CPU_MAP, OPT_HOST,
       OPT_STATE };

static const cli_opt import_opts[] = {
	{OPT_FROM, "from", "FORMAT", "--from FORMAT",
	 "the format of every FILE (%s)", CLI_OPT_VALUE, mc_import_format_names},
	{0, NULL, NULL, "FILE...", NULL, 0, NULL},
	{'o', "output", "FILE", "[-o FILE]",
	 "write the inventory to FILE (replaced only when\n"
	 "every input imports) instead of stdout", CLI_OPT_VALUE, NULL},
	{OPT_CLUSTER, "cluster", "NAME", "[--cluster NAME]",
	 "put every imported host in cluster NAME", CLI_OPT_VALUE, NULL},
	{OPT_CPU_MAP, "cpu-map", "DIR", "[--cpu-map DIR]",
	 "libvirt formats: libvirt's CPU map (default:\n"
	 "$MIGCHECK_CPU_MAP, else " MC_CPU_MAP_DIR ")",
	 CLI_OPT_VALUE | CLI_OPT_BREAK, NULL},
	{OPT_HOST, "host", "NAME", "[--host NAME]",
	 "libvirt-domain: the host the VMs are on (required)", CLI_OPT_VALUE,
	 NULL},
	{OPT_STATE, "state", "STATE", "[--state STATE]",
	 "libvirt-domain: the VMs' state (running, paused,\n"
	 "saved, stopped) instead of what the XML says", CLI_OPT_VALUE, NULL},
	{OPT_FORMAT, "format", "FORMAT", "[--format yaml]", "yaml (the only one)",
	 CLI_OPT_VALUE | CLI_OPT_BREAK, NULL},
	{CLI_OPT_LIMIT, "limit", "NAME=N", "[--limit NAME=N]...",
	 "change a limit on input, e.g. file-size=1G\n"
	 "(see docs/limits.md)", CLI_OPT_VALUE, NULL},
	CLI_OPT_LAST,
};

static const cli_spec import_spec = {
	"import", import_opts,
	"Reads what a platform prints about a machine's processors and writes\n"
	"the hosts as an inventory (hosts:). One host per FILE, except for csv,\n"
	"which holds one host per row. The lscpu, cpuinfo and libvirt formats\n"
	"carry no host name: the host is named after its file, without\n"
	"directories and extension.\n"
	"\n"
	"libvirt-domain writes VMs (vms:) instead, one per FILE, named by its\n"
	"<name>, on the host --host names: running when the XML has an id=\n"
	"(a running domain's does), else stopped; say --state saved for a\n"
	"managed-saved one. Their CPU models are expanded into features by\n"
	"libvirt's CPU map, as the hosts' are.\n"
	"\n"
	"Formats (docs/import/):\n"
	"  win32     Get-CimInstance Win32_Processor | ConvertTo-Json\n"
	"  lscpu     lscpu -J (flat, or nested with \"children\")\n"
	"  cpuinfo   the text of /proc/cpuinfo\n"
	"  libvirt   virsh capabilities (XML), or a host <cpu>\n"
	"  libvirt-domain  virsh dumpxml (XML), or a guest <cpu>: VMs\n"
	"  csv       a header row of inventory paths, one host per row\n"
	"  hyperv    Hyper-V: Get-VMHost, Get-VM | ConvertTo-Json: hosts, VMs\n"
	"  scvmm     VMM: Get-SCVMHost, Get-SCVirtualMachine | ConvertTo-Json\n"
	"  vsphere   govc host.info/vm.info -json, PowerCLI, pyVmomi JSON\n",
	"Exit status: 0, or 2 on bad usage or when an input does not import\n"
	"(FILE:LINE:COL: error: ... on stderr, nothing written).\n",
	false,
	22,
};

static bool
known_state(const char *state)
{
	static const char *const states[] = {"running", "paused", "saved",
					     "stopped"};

	for (size_t i = 0; i < sizeof(states) / sizeof(*states); i++)
		if (strcmp(states[i], state) == 0)
			return true;
	return false;
}

/*
 * Loads libvirt's CPU map: from --cpu-map DIR, else $MIGCHECK_CPU_MAP, else
 * the default directory. A map named by the user must read; without one
 * named, a missing default directory is no error: models are then imported
 * unexpanded, which the importers say.
 */
static int
load_cpu_map(mc_hostset *hosts, const char *dir, mc_diag *diag)
{
	const char *env = getenv("MIGCHECK_CPU_MAP");

	if (!dir && env && *env)
		dir = env;
	if (!dir && access(MC_CPU_MAP_DIR "/index.xml", F_OK) != 0)
		return MC_OK;
	return mc_hostset_load_cpu_map(hosts, dir, diag);
}

void
cli_import_help(FILE *out)
{
	cli_help(out, &import_spec);
}

int
cli_import(int argc, char **argv)
{
	const char *from = NULL, *cluster = NULL, *cpu_map = NULL;
	const char *vm_host = NULL, *vm_state = NULL;
	const char *format = "yaml";
	mc_hostset *hosts = NULL;
	char *text = NULL;
	size_t len = 0;
	cli_shared sh;
	mc_diag *diag = NULL;
	bool nomem = false;
	cli_parser parser;
	char *arg;
	int c, status = CLI_ERROR;

	cli_shared_init(&sh);
	cli_opt_init(&parser, &import_spec, argc, argv);
	while ((c = cli_next_option(&parser, &sh, NULL, &arg)) > CLI_OPT_END) {
		switch (c) {
		case OPT_FROM:
			from = arg;
			break;
		case OPT_CLUSTER:
			cluster = arg;
			break;
		case OPT_FORMAT:
			format = arg;
			break;
		case OPT_CPU_MAP:
			cpu_map = arg;
			break;
		case OPT_HOST:
			vm_host = arg;
			break;
		case OPT_STATE:
			vm_state = arg;
			break;
		}
	}
	if (c != CLI_OPT_END)
		return cli_opt_status(c);
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
	if ((vm_host || vm_state) && strcmp(from, "libvirt-domain") != 0)
		return cli_usage("import", "--host and --state are for "
				 "--from libvirt-domain");
	if (strcmp(from, "libvirt-domain") == 0 && (!vm_host || !*vm_host))
		return cli_usage("import", "name the host the VMs are on with "
				 "--host NAME");
	if (vm_state && !known_state(vm_state))
		return cli_usage("import", "unknown state '%s' (states: running, "
				 "paused, saved, stopped)", vm_state);
	if (cpu_map && strncmp(from, "libvirt", 7) != 0)
		return cli_usage("import", "--cpu-map is for the libvirt formats");

	diag = mc_diag_new();
	if (!diag || mc_hostset_new(&hosts) != MC_OK ||
	    mc_hostset_set_vm_place(hosts, vm_host, vm_state) != MC_OK)
		goto nomem;
	if (strncmp(from, "libvirt", 7) == 0) {
		int rc = load_cpu_map(hosts, cpu_map, diag);

		if (rc == MC_ENOMEM)
			goto nomem;
		if (rc != MC_OK) {
			cli_print_diags(diag);
			goto out;
		}
	}
	for (int i = optind; i < argc; i++) {
		int rc = mc_hostset_import_file(hosts, from, argv[i], &sh.limits,
						diag);

		if (rc == MC_ENOMEM)
			goto nomem;
	}
	if (!mc_diag_error_count(diag) &&
	    mc_hostset_merge(hosts, diag) == MC_ENOMEM)
		goto nomem;
	/* warnings (models not expanded) too */
	if (mc_diag_count(diag))
		cli_print_diags(diag);
	if (mc_diag_error_count(diag))
		goto out;
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
