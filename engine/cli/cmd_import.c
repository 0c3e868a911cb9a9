/* SPDX-License-Identifier: MIT */
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
#include "json.h"

enum { OPT_FROM = 256, OPT_CLUSTER, OPT_FORMAT, OPT_CPU_MAP, OPT_HOST,
       OPT_STATE, OPT_NAME, OPT_DELIMITER };

static const cli_opt import_opts[] = {
	{OPT_FROM, "from", "FORMAT", "--from FORMAT",
	 "the format of every FILE (%s)", CLI_OPT_VALUE, mc_import_format_names},
	{0, NULL, NULL, "FILE...", NULL, 0, NULL},
	{'o', "output", "FILE", "[-o FILE]",
	 "write the inventory to FILE (replaced only when\n"
	 "every input imports) instead of stdout", CLI_OPT_VALUE, NULL},
	{OPT_NAME, "name", "NAME", "[--name NAME]",
	 "the host's name, for one FILE of one host (else\n"
	 "its name in FILE, or FILE's name)", CLI_OPT_VALUE, NULL},
	{OPT_CLUSTER, "cluster", "NAME", "[--cluster NAME]",
	 "put every imported host in cluster NAME", CLI_OPT_VALUE | CLI_OPT_BREAK,
	 NULL},
	{OPT_CPU_MAP, "cpu-map", "DIR", "[--cpu-map DIR]",
	 "libvirt formats: libvirt's CPU map (default:\n"
	 "$MIGCHECK_CPU_MAP, else " MC_CPU_MAP_DIR ")",
	 CLI_OPT_VALUE, NULL},
	{OPT_HOST, "host", "NAME", "[--host NAME]",
	 "libvirt-domain: the host the VMs are on (required)", CLI_OPT_VALUE,
	 NULL},
	{OPT_STATE, "state", "STATE", "[--state STATE]",
	 "libvirt-domain: the VMs' state (running, paused,\n"
	 "saved, stopped) instead of what the XML says", CLI_OPT_VALUE, NULL},
	{OPT_DELIMITER, "delimiter", "C", "[--delimiter C]",
	 "csv: the character between cells (default ',';\n"
	 "';' or 'tab' for other exports)", CLI_OPT_VALUE | CLI_OPT_BREAK, NULL},
	{OPT_FORMAT, "format", "FORMAT", "[--format yaml|json]",
	 "yaml (default) or json", CLI_OPT_VALUE, NULL},
	{CLI_OPT_LIMIT, "limit", "NAME=N", "[--limit NAME=N]...",
	 "change a limit on input, e.g. file-size=1G\n"
	 "(see docs/limits.md)", CLI_OPT_VALUE | CLI_OPT_MANY, NULL},
	CLI_OPT_LAST,
};

const cli_spec cli_import_spec = {
	"import", import_opts,
	"Reads what a platform prints about its machines and VMs and writes\n"
	"them as an inventory (hosts:, vms:). The lscpu, cpuinfo and libvirt\n"
	"formats carry no host name: the host is named after its file, without\n"
	"directories and extension, or --name. FILE - is standard input.\n"
	"Records of one name from several FILEs are one record: their facts\n"
	"are merged, and a fact with two values is an error.\n"
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
	"  csv       a header row of inventory paths, one host (or VM) a row\n"
	"  hyperv    Hyper-V: Get-VMHost, Get-VM | ConvertTo-Json: hosts, VMs\n"
	"  scvmm     VMM: Get-SCVMHost, Get-SCVirtualMachine | ConvertTo-Json\n"
	"  vsphere   govc host.info/vm.info -json, PowerCLI, pyVmomi JSON\n",
	"Exit status: 0, or 2 on bad usage or when an input does not import\n"
	"(FILE:LINE:COL: error: ... on stderr, nothing written).\n",
	false,
	22,
};

/* The states a VM imported with --state may be in. */
static const char *const states[] = {"running", "paused", "saved", "stopped"};

#define NSTATES (sizeof(states) / sizeof(*states))

static bool
known_state(const char *state)
{
	for (size_t i = 0; i < NSTATES; i++)
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

/* Sets the value at path v->path (keys joined by dots) under object o. */
static int
put_value(void *ctx, const mc_record_value *v)
{
	jctx *j = ((void **)ctx)[0];
	json_t *o = ((void **)ctx)[1], *val = NULL;
	char key[1024];
	const char *p = v->path, *dot;

	/* down to the last key's object, making each on the way */
	while ((dot = strchr(p, '.')) != NULL) {
		size_t n = (size_t)(dot - p);
		json_t *sub;

		if (n >= sizeof(key))
		{
			j->ok = false;
			return 0;
		}
		memcpy(key, p, n);
		key[n] = '\0';
		if (!(sub = json_object_get(o, key))) {
			sub = json_object();
			jset(j, o, key, sub);
			if (!j->ok)
				return 0;
		}
		o = sub;
		p = dot + 1;
	}
	switch (v->type) {
	case MC_RECORD_STRING:
		val = jtext(v->text);
		break;
	case MC_RECORD_INTEGER:
		val = json_integer(v->number);
		break;
	case MC_RECORD_BOOLEAN:
		val = json_boolean(v->number);
		break;
	case MC_RECORD_LIST:
		val = json_array();
		for (size_t i = 0; i < v->nitems; i++)
			jpush(j, val, jtext(v->items[i]));
		break;
	}
	jset(j, o, p, val);
	return 0;
}

/* The set as a JSON inventory: {"hosts": [...], "vms": [...]}, the same
 * records and values as the YAML. */
static int
import_json(char **text, size_t *len, const mc_hostset *set)
{
	jctx j = {true};
	json_t *root = json_object();
	size_t nh = mc_hostset_count(set), nv = mc_hostset_vm_count(set);

	for (int vm = 0; vm < 2; vm++) {
		size_t n = vm ? nv : nh;
		json_t *list;

		if (vm ? !nv : !nh && nv)
			continue;  /* as the YAML: hosts unless only VMs */
		list = json_array();
		jset(&j, root, vm ? "vms" : "hosts", list);
		for (size_t i = 0; i < n && j.ok; i++) {
			json_t *rec = json_object();
			void *ctx[2] = {&j, rec};

			jpush(&j, list, rec);
			if (j.ok && mc_hostset_each_value(set, vm, i, put_value,
							  ctx) != MC_OK)
				j.ok = false;
		}
	}
	*text = jdump(&j, root, len);
	return *text ? MC_OK : MC_ENOMEM;
}

void
cli_import_help(FILE *out)
{
	cli_help(out, &cli_import_spec);
}

int
cli_import(int argc, char **argv)
{
	const char *from = NULL, *cluster = NULL, *cpu_map = NULL;
	const char *vm_host = NULL, *vm_state = NULL, *host_name = NULL;
	const char *format = "yaml", *delimiter = NULL;
	char delim = 0;
	bool json = false;
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
	cli_opt_init(&parser, &cli_import_spec, argc, argv);
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
		case OPT_NAME:
			host_name = arg;
			break;
		case OPT_DELIMITER:
			delimiter = arg;
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
	json = strcmp(format, "json") == 0;
	if (!json && strcmp(format, "yaml") != 0)
		return cli_usage("import", "unknown output format '%s' (formats: "
				 "yaml, json)", format);
	if (delimiter && strcmp(from, "csv") != 0)
		return cli_usage("import", "--delimiter is for --from csv");
	if (delimiter && strcmp(delimiter, "tab") == 0)
		delim = '\t';
	else if (delimiter && strlen(delimiter) == 1 && delimiter[0] != '"' &&
		 delimiter[0] != '\n' && delimiter[0] != '\r')
		delim = delimiter[0];
	else if (delimiter)
		return cli_usage("import", "--delimiter takes one character "
				 "(not a quote or a line break), or 'tab'");
	if (host_name && !*host_name)
		return cli_usage("import", "--name needs a name");
	if (cluster && !*cluster)
		return cli_usage("import", "--cluster needs a name");
	if (optind >= argc)
		return cli_usage("import", "name at least one file to import");
	if (host_name && argc - optind != 1)
		return cli_usage("import", "--name names the host of one FILE");
	for (int i = optind; i < argc; i++) {
		if (!cli_is_stdin(argv[i]) || host_name)
			continue;
		if (strcmp(from, "lscpu") == 0 || strcmp(from, "cpuinfo") == 0 ||
		    strcmp(from, "libvirt") == 0)
			return cli_usage("import", "standard input has no file name "
					 "to name its host after: give --name NAME");
	}
	if ((vm_host || vm_state) && strcmp(from, "libvirt-domain") != 0)
		return cli_usage("import", "--host and --state are for "
				 "--from libvirt-domain");
	if (strcmp(from, "libvirt-domain") == 0 && (!vm_host || !*vm_host))
		return cli_usage("import", "name the host the VMs are on with "
				 "--host NAME");
	if (vm_state && !known_state(vm_state)) {
		const char *near = mc_text_nearest(vm_state, states, NSTATES,
						   sizeof(*states));

		return near ? cli_usage("import", "unknown state '%s': did you mean "
					"'%s'? (states: running, paused, saved, "
					"stopped)", vm_state, near)
			    : cli_usage("import", "unknown state '%s' (states: running, "
					"paused, saved, stopped)", vm_state);
	}
	if (cpu_map && strncmp(from, "libvirt", 7) != 0)
		return cli_usage("import", "--cpu-map is for the libvirt formats");

	diag = mc_diag_new();
	if (!diag || mc_hostset_new(&hosts) != MC_OK ||
	    mc_hostset_set_vm_place(hosts, vm_host, vm_state) != MC_OK ||
	    mc_hostset_set_name(hosts, host_name) != MC_OK)
		goto nomem;
	mc_hostset_set_delimiter(hosts, delim);
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
		char *data = NULL;
		size_t dlen = 0;
		int rc;

		if (!cli_is_stdin(argv[i])) {
			rc = mc_hostset_import_file(hosts, from, argv[i], &sh.limits,
						    diag);
		} else if ((rc = cli_read_stdin(&sh.limits, &data, &dlen)) == MC_OK) {
			rc = mc_hostset_import_buffer(hosts, from, CLI_STDIN_NAME,
						      data, dlen, &sh.limits, diag);
			free(data);
		}
		if (rc == MC_ENOMEM)
			goto nomem;
		if (rc == MC_EINPUT && !mc_diag_count(diag))
			goto out;  /* standard input did not read: said */
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
	if ((json ? import_json(&text, &len, hosts)
		  : mc_hostset_yaml(&text, &len, hosts)) != MC_OK)
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
