/* SPDX-License-Identifier: MIT */
/*
 * cmd_baseline.c - `migcheck baseline`: what a group of hosts has in
 * common, and what each host offers beyond it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"

/* Text lines are wrapped at this width where a set runs long. */
#define WIDTH 79

/* What the group is, for the header. */
typedef enum scope {
	SCOPE_ALL,
	SCOPE_CLUSTER,
	SCOPE_HOSTS
} scope;

/* ------------------------------------------------------------------------
 * Text
 */

/*
 * Writes the members of a set after `col` columns already on the line,
 * wrapping at WIDTH with continuation lines indented to `indent`.
 */
static void
wrap_items(FILE *out, const mc_value *v, size_t col, size_t indent)
{
	for (size_t i = 0; i < v->count; i++) {
		size_t w = strlen(v->items[i]) + (i + 1 < v->count ? 1 : 0);

		if (i && col + 1 + w > WIDTH && col > indent) {
			cli_printf(out, "\n%*s", (int)indent, "");
			col = indent;
		} else if (i) {
			fputc(' ', out);
			col++;
		}
		cli_printf(out, "%s%s", v->items[i], i + 1 < v->count ? "," : "");
		col += w;
	}
	fputc('\n', out);
}

static void
text_field(FILE *out, const mc_baseline_field *fd, int fw, int rw)
{
	size_t col = 2 + (size_t)fw + 2 + (size_t)rw + 2;

	cli_printf(out, "  %-*s  %-*s  ", fw, fd->name, rw, fd->rule);
	if (fd->value.type == MC_VALUE_NONE) {
		cli_printf(out, "none: %s\n", fd->reason ? fd->reason : "");
	} else if (fd->value.type == MC_VALUE_SET) {
		int n = cli_printf(out, "%zu in common%s", fd->value.count,
				   fd->value.count ? ":" : "");
		if (fd->value.count) {
			fputc(' ', out);
			wrap_items(out, &fd->value, col + (size_t)n + 1, col);
		} else {
			fputc('\n', out);
		}
	} else {
		cli_printf(out, "%s\n", fd->value.text);
	}
}

static bool
same_value(const mc_value *a, const mc_value *b)
{
	if (a->type != b->type)
		return false;
	if (a->type == MC_VALUE_SET) {
		if (a->count != b->count)
			return false;
		for (size_t i = 0; i < a->count; i++) {
			if (strcmp(a->items[i], b->items[i]) != 0)
				return false;
		}
		return true;
	}
	return a->type == MC_VALUE_NONE || (a->text && b->text && strcmp(a->text, b->text) == 0);
}

/* An earlier field that reads the same path and came to the same common
 * value as field i (a field read over the cluster beside the plain one),
 * or -1: the text says so instead of repeating it. */
static long
repeats(const mc_baseline_result *res, size_t i)
{
	const mc_baseline_field *f = &res->fields[i];

	for (size_t j = 0; j < i; j++) {
		const mc_baseline_field *g = &res->fields[j];

		if (strcmp(f->from, g->from) == 0 && strcmp(f->rule, g->rule) == 0 &&
		    f->value.type != MC_VALUE_NONE && same_value(&f->value, &g->value))
			return (long)j;
	}
	return -1;
}

static char *
report_text(const mc_baseline_result *res, scope sc, size_t nall, size_t *len)
{
	cli_text report;
	FILE *out;
	int fw = 5, rw = 4, hw = 4;
	size_t missing = 0;
	long *rep = malloc((res->nfields + 1) * sizeof(*rep));  /* repeats() */
	char *text;

	if (!rep || !cli_text_open(&report)) {
		free(rep);
		return NULL;
	}
	out = report.out;
	for (size_t i = 0; i < res->nfields; i++) {
		int w = (int)strlen(res->fields[i].name), r = (int)strlen(res->fields[i].rule);

		fw = w > fw ? w : fw;
		rw = r > rw ? r : rw;
		missing += res->fields[i].value.type == MC_VALUE_NONE;
		rep[i] = repeats(res, i);
	}
	for (size_t i = 0; i < res->nhosts; i++) {
		int w = (int)strlen(res->hosts[i].name);

		hw = w > hw ? w : hw;
	}
	cli_printf(out, "Policy  %s (%s)\n", res->policy_name, res->policy_file);
	cli_printf(out, "Digest  %s\n", res->policy_digest);
	if (sc == SCOPE_CLUSTER)
		cli_printf(out, "Hosts   cluster %s: %zu host%s\n", res->cluster, res->nhosts,
			   res->nhosts == 1 ? "" : "s");
	else if (sc == SCOPE_ALL)
		cli_printf(out, "Hosts   all %zu host%s of the inventory\n", nall,
			   nall == 1 ? "" : "s");
	else
		cli_printf(out, "Hosts   %zu named\n", res->nhosts);
	fputc('\n', out);
	cli_printf(out, "Baseline\n");
	for (size_t i = 0; i < res->nfields; i++) {
		long j = rep[i];

		if (j < 0)
			text_field(out, &res->fields[i], fw, rw);
		else
			cli_printf(out, "  %-*s  %-*s  as %s\n", fw, res->fields[i].name,
				   rw, res->fields[i].rule, res->fields[j].name);
	}
	if (res->nfields == 0)
		fputs("  (the policy has no fields)\n", out);
	if (missing) {
		cli_printf(out, "\nNo common value for %zu of %zu field%s:", missing,
			   res->nfields, res->nfields == 1 ? "" : "s");
		for (size_t i = 0, k = 0; i < res->nfields; i++) {
			if (res->fields[i].value.type == MC_VALUE_NONE)
				cli_printf(out, "%s %s", k++ ? "," : "", res->fields[i].name);
		}
		fputs(".\n", out);
	} else {
		fputs("\nEvery field has a common value.\n", out);
	}
	fputs("\nHidden from a VM started on the baseline\n", out);
	for (size_t h = 0; h < res->nhosts; h++) {
		const mc_baseline_host *host = &res->hosts[h];
		bool any = false;

		cli_printf(out, "  %-*s", hw, host->name);
		for (size_t i = 0; i < res->nfields; i++) {
			const mc_value *v = &host->hidden[i];
			size_t col = 2 + (size_t)hw + 2 + (size_t)fw + 2;
			long j = rep[i];

			if (v->type == MC_VALUE_NONE ||
			    (j >= 0 && same_value(v, &host->hidden[j])))
				continue;
			if (any)
				cli_printf(out, "  %-*s", hw, "");
			cli_printf(out, "  %-*s  ", fw, res->fields[i].name);
			any = true;
			if (v->type == MC_VALUE_SET) {
				int n = cli_printf(out, "+%zu:", v->count);
				fputc(' ', out);
				wrap_items(out, v, col + (size_t)n + 1, col);
			} else {
				cli_printf(out, "%s\n", v->text);
			}
		}
		if (!any)
			fputs("  nothing\n", out);
	}
	text = cli_text_close(&report, len);
	free(rep);
	return text;
}

/* ------------------------------------------------------------------------
 * JSON
 */

static json_t *
at_json(const mc_location *at)
{
	char buf[4096];

	if (!at->file)
		return json_null();
	snprintf(buf, sizeof(buf), "%s:%u:%u", at->file, at->line, at->column);
	return json_string(buf);
}

static char *
report_json(const mc_baseline_result *res, size_t *len)
{
	jctx j = {true};
	json_t *root = json_object(), *pol = json_object(), *fields = json_array(),
	       *hosts = json_array();

	jset(&j, root, "schema", json_string(CLI_SCHEMA("baseline", 1)));
	jset(&j, pol, "name", json_string(res->policy_name));
	jset(&j, pol, "file", json_string(res->policy_file));
	jset(&j, pol, "digest", json_string(res->policy_digest));
	jset(&j, root, "policy", pol);
	jset(&j, root, "cluster", res->cluster ? json_string(res->cluster)
					       : json_null());
	jset(&j, root, "complete", json_boolean(mc_baseline_result_complete(res)));
	for (size_t i = 0; i < res->nfields; i++) {
		const mc_baseline_field *fd = &res->fields[i];
		json_t *o = json_object();

		jset(&j, o, "field", json_string(fd->name));
		jset(&j, o, "from", json_string(fd->from));
		jset(&j, o, "rule", json_string(fd->rule));
		jset(&j, o, "value", jvalue(&j, &fd->value));
		if (fd->reason)
			jset(&j, o, "reason", json_string(fd->reason));
		jset(&j, o, "at", at_json(&fd->at));
		jpush(&j, fields, o);
	}
	jset(&j, root, "fields", fields);
	for (size_t h = 0; h < res->nhosts; h++) {
		const mc_baseline_host *host = &res->hosts[h];
		json_t *o = json_object(), *hidden = json_object();

		jset(&j, o, "name", json_string(host->name));
		if (host->cluster)
			jset(&j, o, "cluster", json_string(host->cluster));
		for (size_t i = 0; i < res->nfields; i++) {
			if (host->hidden[i].type != MC_VALUE_NONE)
				jset(&j, hidden, res->fields[i].name,
				     jvalue(&j, &host->hidden[i]));
		}
		jset(&j, o, "hidden", hidden);
		jpush(&j, hosts, o);
	}
	jset(&j, root, "hosts", hosts);
	return jdump(&j, root, len);
}

/* ------------------------------------------------------------------------
 * The command
 */

/* Appends the comma-separated names of list to *names (growing it);
 * false on an empty name or when memory runs out (*nomem). */
static bool
add_hosts(const char ***names, size_t *n, size_t *cap, char *list, bool *nomem)
{
	char *p = list;

	for (;;) {
		char *comma = strchr(p, ',');

		if (comma)
			*comma = '\0';
		if (!*p)
			return false;
		if (*n == *cap) {
			size_t c = *cap ? *cap * 2 : 8;
			const char **grown = realloc(*names, c * sizeof(*grown));

			if (!grown) {
				*nomem = true;
				return false;
			}
			*names = grown;
			*cap = c;
		}
		(*names)[(*n)++] = p;
		if (!comma)
			return true;
		p = comma + 1;
	}
}

static char *
baseline_json(const mc_baseline_result *res, scope sc, size_t nall, size_t *len)
{
	(void)sc;
	(void)nall;
	return report_json(res, len);
}

/* The formats of `migcheck baseline`, the default first. */
static const struct baseline_format {
	const char *name;
	char *(*write)(const mc_baseline_result *res, scope sc, size_t nall,
		       size_t *len);
} baseline_formats[] = {
	{"text", report_text},
	{"json", baseline_json},
};

enum { OPT_HOSTS = 256, OPT_CLUSTER, OPT_FORMAT };

static const cli_opt baseline_opts[] = {
	CLI_OPT_POLICY,
	CLI_OPT_INVENTORY(0),
	{OPT_HOSTS, "hosts", "LIST", "[--hosts H1,H2...|--cluster NAME]",
	 "these hosts, separated by commas (repeatable)",
	 CLI_OPT_VALUE | CLI_OPT_MANY | CLI_OPT_BREAK, NULL},
	{OPT_CLUSTER, "cluster", "NAME", NULL, "the hosts of this cluster",
	 CLI_OPT_VALUE, NULL},
	{OPT_FORMAT, "format", "FORMAT", "[--format text|json]",
	 "text (default) or json", CLI_OPT_VALUE | CLI_OPT_BREAK, NULL},
	CLI_OPT_SHARED(0, 0),
	CLI_OPT_LAST,
};

const cli_spec cli_baseline_spec = {
	"baseline", baseline_opts,
	"The common fingerprint of a group of hosts: for each field of the\n"
	"policy, the value every host offers -- the intersection of a set,\n"
	"the lowest version or number the policy compares with ge or gt (the\n"
	"highest with le or lt), else the one value all share -- or why there\n"
	"is none; and for each host what a VM started on that baseline would\n"
	"not see. Without --hosts or --cluster, the group is every host of the\n"
	"inventory.\n",
	"Exit status: 0 when every field has a common value; 1 when some field\n"
	"has none; 2 on bad usage or bad input.\n",
	false,
	0,
};

void
cli_baseline_help(FILE *out)
{
	cli_help(out, &cli_baseline_spec);
}

int
cli_baseline(int argc, char **argv)
{
	const char *format = "text";
	int f;
	cli_shared sh;
	cli_fleet cf;
	mc_baseline_request req = {NULL, NULL, 0};
	char **copies = NULL;
	const char **hosts = NULL;
	size_t nhosts = 0, caphosts = 0, ncopies = 0, nall = 0;
	mc_baseline_result *res = NULL;
	char *text = NULL;
	size_t len = 0;
	bool nomem = false;
	scope sc = SCOPE_ALL;
	cli_parser parser;
	char *arg;
	int c, status = CLI_ERROR;

	if (cli_fleet_init(&cf, argc) != CLI_YES)
		return CLI_ERROR;
	if (!(copies = calloc((size_t)argc + 1, sizeof(*copies)))) {
		fprintf(stderr, "migcheck: error: out of memory\n");
		goto out;
	}
	cli_shared_init(&sh);
	cli_opt_init(&parser, &cli_baseline_spec, argc, argv);
	while ((c = cli_next_option(&parser, &sh, &cf, &arg)) > CLI_OPT_END) {
		switch (c) {
		case OPT_HOSTS:
			/* The names are cut out of a copy of the argument. */
			if (!(copies[ncopies] = strdup(arg))) {
				fprintf(stderr, "migcheck: error: out of memory\n");
				goto out;
			}
			if (!add_hosts(&hosts, &nhosts, &caphosts, copies[ncopies++],
				       &nomem)) {
				if (nomem)
					fprintf(stderr, "migcheck: error: out of memory\n");
				else
					status = cli_usage("baseline", "--hosts '%s' has an "
							   "empty host name", arg);
				goto out;
			}
			break;
		case OPT_CLUSTER:
			if (req.cluster) {
				status = cli_usage("baseline", "give one cluster (--cluster) "
						   "only");
				goto out;
			}
			req.cluster = arg;
			break;
		case OPT_FORMAT:
			format = arg;
			break;
		}
	}
	if (c != CLI_OPT_END) {
		status = cli_opt_status(c);
		goto out;
	}
	if (optind < argc) {
		status = cli_usage("baseline", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if ((f = cli_format("baseline", format, CLI_FORMATS(baseline_formats))) < 0)
		goto out;
	if (cli_fleet_named(&cf, "baseline") != CLI_YES)
		goto out;
	if (req.cluster && nhosts) {
		status = cli_usage("baseline", "give --hosts or --cluster, not both");
		goto out;
	}
	if (cli_fleet_open(&cf, &sh) != CLI_YES)
		goto out;
	if (req.cluster) {
		sc = SCOPE_CLUSTER;
	} else if (nhosts) {
		sc = SCOPE_HOSTS;
	} else {
		/* No group named: every host of the inventory. */
		nall = mc_inventory_host_count(cf.inv);
		if (nall == 0) {
			fprintf(stderr, "migcheck: error: the inventory has no hosts\n");
			goto out;
		}
		hosts = calloc(nall, sizeof(*hosts));
		if (!hosts) {
			fprintf(stderr, "migcheck: error: out of memory\n");
			goto out;
		}
		for (size_t i = 0; i < nall; i++)
			hosts[i] = mc_inventory_host_name(cf.inv, i);
		nhosts = nall;
	}
	req.hosts = hosts;
	req.nhosts = nhosts;
	if ((c = mc_baseline(&res, cf.fleet, &req, cf.diag)) != MC_OK) {
		cli_fail(c, cf.diag);
		goto out;
	}
	text = baseline_formats[f].write(res, sc, nall, &len);
	if (!text) {
		fprintf(stderr, "migcheck: error: out of memory\n");
		goto out;
	}
	status = cli_output(&sh, text, len);
	if (status == CLI_YES)
		status = mc_baseline_result_complete(res) ? CLI_YES : CLI_NO;
out:
	free(text);
	mc_baseline_result_free(res);
	cli_fleet_close(&cf);
	for (size_t i = 0; i < ncopies; i++)
		free(copies[i]);
	free(copies);
	free((void *)hosts);
	return status;
}
