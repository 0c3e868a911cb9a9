/* SPDX-License-Identifier: MIT */
/*
 * cmd_probe.c - `migcheck probe`: this machine's fingerprint as an
 * inventory host record, in YAML that `migcheck check -i` reads as it is,
 * or as JSON with the same keys.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"

enum { OPT_NAME = 256, OPT_CLUSTER, OPT_FORMAT };

static const cli_opt probe_opts[] = {
	{OPT_NAME, "name", "NAME", "[--name NAME]",
	 "the host's name (default: the host name)", CLI_OPT_VALUE, NULL},
	{OPT_CLUSTER, "cluster", "NAME", "[--cluster NAME]", "the host's cluster",
	 CLI_OPT_VALUE, NULL},
	{OPT_FORMAT, "format", "FORMAT", "[--format yaml|json]",
	 "yaml (default) or json", CLI_OPT_VALUE | CLI_OPT_BREAK, NULL},
	{'o', "output", "FILE", "[-o FILE]",
	 "write to FILE (replaced only when all is written)", CLI_OPT_VALUE, NULL},
	CLI_OPT_LAST,
};

const cli_spec cli_probe_spec = {
	"probe", probe_opts,
	"Prints this machine's fingerprint as an inventory host record: the\n"
	"processor's vendor, architecture, family, model, stepping, CPUID\n"
	"signature, name and feature flags (named as in /proc/cpuinfo), whether\n"
	"it supports hardware virtualization, and the hypervisor it runs under.\n"
	"The YAML is an inventory that 'migcheck check -i' reads as it is.\n",
	"Exit status: 0, or 2 on bad usage or when the output cannot be written.\n",
	true,
	0,
};

void
cli_probe_help(FILE *out)
{
	cli_help(out, &cli_probe_spec);
}

static char *
probe_json(const mc_host_record *h, size_t *len)
{
	jctx j = {true};
	json_t *root = json_object(), *hosts = json_array(), *host = json_object();
	json_t *cpu = json_object();

	jset(&j, root, "hosts", hosts);
	jpush(&j, hosts, host);
	jstr(&j, host, "name", h->name ? h->name : "unnamed");
	jstr(&j, host, "cluster", h->cluster);
	jset(&j, host, "cpu", cpu);
	jstr(&j, cpu, "manufacturer", h->manufacturer);
	jstr(&j, cpu, "architecture", h->architecture);
	if (h->has_family)
		jset(&j, cpu, "family", json_integer(h->family));
	if (h->has_model)
		jset(&j, cpu, "model", json_integer(h->model));
	if (h->has_stepping)
		jset(&j, cpu, "stepping", json_integer(h->stepping));
	jstr(&j, cpu, "signature", h->signature);
	jstr(&j, cpu, "name", h->cpu_name);
	if (h->sockets > 0)
		jset(&j, cpu, "sockets", json_integer(h->sockets));
	if (h->nfeatures) {
		json_t *features = json_array();

		jset(&j, cpu, "features", features);
		for (size_t i = 0; i < h->nfeatures; i++)
			jpush(&j, features, json_string(h->features[i]));
	}
	if (h->hypervisor_product || h->hypervisor_version) {
		json_t *hv = json_object();

		jset(&j, host, "hypervisor", hv);
		jstr(&j, hv, "product", h->hypervisor_product);
		jstr(&j, hv, "version", h->hypervisor_version);
	}
	if (h->has_virt || h->running_under) {
		json_t *virt = json_object();

		jset(&j, host, "virtualization", virt);
		if (h->has_virt)
			jset(&j, virt, "supported", json_boolean(h->virt_supported));
		jstr(&j, virt, "running_under", h->running_under);
	}
	return jdump(&j, root, len);
}

static char *
probe_yaml(const mc_hostset *set, size_t *len)
{
	char *text = NULL;

	return mc_hostset_yaml(&text, len, set) == MC_OK ? text : NULL;
}

static char *
probe_record_json(const mc_hostset *set, size_t *len)
{
	mc_host_record h;

	mc_hostset_get(set, 0, &h);
	return probe_json(&h, len);
}

/* The formats of `migcheck probe`, the default first. */
static const struct probe_format {
	const char *name;
	char *(*write)(const mc_hostset *set, size_t *len);
} probe_formats[] = {
	{"yaml", probe_yaml},
	{"json", probe_record_json},
};

int
cli_probe(int argc, char **argv)
{
	const char *name = NULL, *cluster = NULL, *format = "yaml", *output = NULL;
	int f;
	mc_hostset *set = NULL;
	char *text = NULL;
	size_t len = 0;
	cli_parser parser;
	char *arg;
	int c, status = CLI_ERROR;

	cli_opt_init(&parser, &cli_probe_spec, argc, argv);
	while ((c = cli_next_option(&parser, NULL, NULL, &arg)) > CLI_OPT_END) {
		switch (c) {
		case CLI_OPT_ARG:
			return cli_usage("probe", "unexpected argument '%s'", arg);
		case OPT_NAME:
			name = arg;
			break;
		case OPT_CLUSTER:
			cluster = arg;
			break;
		case OPT_FORMAT:
			format = arg;
			break;
		case 'o':
			output = arg;
			break;
		}
	}
	if (c != CLI_OPT_END)
		return cli_opt_status(c);
	if (optind < argc)
		return cli_usage("probe", "unexpected argument '%s'", argv[optind]);
	if ((f = cli_format("probe", format, CLI_FORMATS(probe_formats))) < 0)
		return CLI_ERROR;
	if (name && !*name)
		return cli_usage("probe", "the name is empty");
	if (output && !*output)
		return cli_usage("probe", "the output file name is empty");
	if (mc_hostset_new(&set) != MC_OK ||
	    mc_hostset_probe(set, name, cluster) != MC_OK) {
		fprintf(stderr, "migcheck: error: out of memory\n");
		goto out;
	}
	text = probe_formats[f].write(set, &len);
	if (!text) {
		fprintf(stderr, "migcheck: error: out of memory\n");
		goto out;
	}
	status = output ? cli_write_file(output, text, len) : cli_emit(text, len);
out:
	free(text);
	mc_hostset_free(set);
	return status;
}
