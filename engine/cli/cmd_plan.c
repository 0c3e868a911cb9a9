/*
 * cmd_plan.c - `migcheck plan`: the best hosts for every VM at once, or for
 * every VM of one host, as text, JSON or CSV.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"

/* ------------------------------------------------------------------------
 * Reports
 */

static void
location(FILE *out, const mc_location *at)
{
	fputs("(", out);
	cli_location(out, at);
	fputs(")", out);
}

static char *
plan_text(const mc_plan_result *res, size_t *len)
{
	cli_text report;
	FILE *out;

	if (!cli_text_open(&report))
		return NULL;
	out = report.out;
	cli_printf(out, "Policy  %s (%s)\n", res->policy_name, res->policy_file);
	cli_printf(out, "Digest  %s\n", res->policy_digest);
	if (res->host)
		cli_printf(out, "Host    %s: %zu VMs to move\n", res->host, res->nvms);
	fputc('\n', out);
	for (size_t i = 0; i < res->nvms; i++) {
		const mc_plan_vm *v = &res->vms[i];

		cli_printf(out, "%s (on %s, %s", v->name, v->host, v->state);
		if (v->kind)
			cli_printf(out, ", %s", v->kind);
		cli_printf(out, "): ");
		if (v->error) {
			cli_printf(out, "no target\n    %s\n", v->error);
			continue;
		}
		if (!v->allowed) {
			cli_printf(out, "no host can take it\n");
			for (size_t r = 0; r < v->nreasons; r++) {
				const mc_plan_reason *x = &v->reasons[r];

				cli_printf(out, "    %6zu host%s  %s: %s ", x->hosts,
					   x->hosts == 1 ? " " : "s", x->rule, x->says);
				location(out, &x->at);
				fputc('\n', out);
			}
			continue;
		}
		cli_printf(out, "%zu host%s can take it\n", v->allowed,
			   v->allowed == 1 ? "" : "s");
		for (size_t t = 0; t < v->ntargets; t++) {
			char rating[16];

			cli_rating(rating, sizeof(rating), v->targets[t].rating_halves);
			fputs("    ", out);
			cli_stars(out, v->targets[t].rating_halves);
			cli_printf(out, " %-3s  %s\n", rating, v->targets[t].host);
		}
	}
	cli_printf(out, "\n%zu of %zu VMs have a target; %zu have none.\n",
		   res->nvms - res->nunplaced, res->nvms, res->nunplaced);
	return cli_text_close(&report, len);
}

static json_t *
vm_json(jctx *j, const mc_plan_vm *v)
{
	json_t *o = json_object(), *ts = json_array(), *rs = json_array();

	jset(j, o, "name", json_string(v->name));
	jset(j, o, "host", json_string(v->host));
	jset(j, o, "state", json_string(v->state));
	jset(j, o, "kind", v->kind ? json_string(v->kind) : json_null());
	if (v->error)
		jset(j, o, "error", json_string(v->error));
	jset(j, o, "allowed_hosts", json_integer((json_int_t)v->allowed));
	for (size_t i = 0; i < v->ntargets; i++) {
		json_t *t = json_object();

		jset(j, t, "host", json_string(v->targets[i].host));
		jstr(j, t, "cluster", v->targets[i].cluster);
		jset(j, t, "rating", jrating(v->targets[i].rating_halves));
		jpush(j, ts, t);
	}
	jset(j, o, "targets", ts);
	for (size_t i = 0; i < v->nreasons; i++) {
		const mc_plan_reason *x = &v->reasons[i];
		json_t *r = json_object();

		jset(j, r, "rule", json_string(x->rule));
		jstr(j, r, "field", x->field);
		jset(j, r, "says", json_string(x->says));
		jset(j, r, "hosts", json_integer((json_int_t)x->hosts));
		jset(j, r, "at", jlocation(&x->at));
		jpush(j, rs, r);
	}
	jset(j, o, "reasons", rs);
	return o;
}

/* Appends the JSON text of o (released) to out, every line after the
 * first indented by `indent` spaces; false when it fails. */
static bool
put_json(FILE *out, json_t *o, int indent)
{
	char *text = o ? json_dumps(o, JSON_INDENT(2) | JSON_ENCODE_ANY) : NULL;

	json_decref(o);
	if (!text)
		return false;
	for (const char *p = text; *p; p++) {
		fputc(*p, out);
		if (*p == '\n')
			fprintf(out, "%*s", indent, "");
	}
	free(text);
	return true;
}

/* One JSON document, written a VM at a time: a plan of 100,000 VMs would
 * take gigabytes as one tree of jansson values. */
static char *
plan_json(const mc_plan_result *res, size_t *len)
{
	jctx j = {true};
	json_t *pol = json_object(), *sum = json_object();
	char *text = NULL;
	FILE *out = open_memstream(&text, len);
	bool ok = out != NULL;

	if (!out) {
		json_decref(pol);
		json_decref(sum);
		return NULL;
	}
	jset(&j, pol, "name", json_string(res->policy_name));
	jset(&j, pol, "file", json_string(res->policy_file));
	jset(&j, pol, "digest", json_string(res->policy_digest));
	fputs("{\n  \"policy\": ", out);
	ok = put_json(out, pol, 2) && ok;
	fputs(",\n  \"host\": ", out);
	ok = put_json(out, res->host ? json_string(res->host) : json_null(), 2) && ok;
	fprintf(out, ",\n  \"top\": %zu,\n  \"vms\": [", res->top);
	for (size_t i = 0; i < res->nvms && ok; i++) {
		fputs(i ? ",\n    " : "\n    ", out);
		ok = put_json(out, vm_json(&j, &res->vms[i]), 4);
	}
	fputs(res->nvms ? "\n  ],\n  \"summary\": " : "],\n  \"summary\": ", out);
	jset(&j, sum, "vms", json_integer((json_int_t)res->nvms));
	jset(&j, sum, "placed", json_integer((json_int_t)(res->nvms - res->nunplaced)));
	jset(&j, sum, "unplaced", json_integer((json_int_t)res->nunplaced));
	jset(&j, sum, "hosts", json_integer((json_int_t)res->nhosts));
	jset(&j, sum, "pairs", json_integer((json_int_t)res->pairs));
	jset(&j, sum, "evaluations", json_integer((json_int_t)res->evaluations));
	jset(&j, sum, "host_classes", json_integer((json_int_t)res->host_classes));
	jset(&j, sum, "vm_classes", json_integer((json_int_t)res->vm_classes));
	ok = put_json(out, sum, 2) && ok;
	fputs("\n}\n", out);
	if (fclose(out) != 0 || !ok || !j.ok) {
		free(text);
		return NULL;
	}
	return text;
}

/* A CSV field, quoted when it holds a comma, a quote or a line break. */
static void
csv_field(FILE *out, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/* One row per VM and target; a VM without one has a row with the first
 * reason (or the error) instead. */
static char *
plan_csv(const mc_plan_result *res, size_t *len)
{
	char *text = NULL;
	FILE *out = open_memstream(&text, len);

	if (!out)
		return NULL;
	fputs("vm,vm_host,state,kind,allowed_hosts,rank,target,cluster,rating,"
	      "reason\r\n", out);
	for (size_t i = 0; i < res->nvms; i++) {
		const mc_plan_vm *v = &res->vms[i];
		size_t rows = v->ntargets ? v->ntargets : 1;

		for (size_t t = 0; t < rows; t++) {
			csv_field(out, v->name);
			fputc(',', out);
			csv_field(out, v->host);
			fputc(',', out);
			csv_field(out, v->state);
			fputc(',', out);
			csv_field(out, v->kind);
			fprintf(out, ",%zu,", v->allowed);
			if (v->ntargets) {
				char rating[16];

				cli_rating(rating, sizeof(rating),
					   v->targets[t].rating_halves);
				fprintf(out, "%zu,", t + 1);
				csv_field(out, v->targets[t].host);
				fputc(',', out);
				csv_field(out, v->targets[t].cluster);
				fprintf(out, ",%s,", rating);
			} else {
				fputs(",,,,", out);
				csv_field(out, v->error ? v->error
					  : v->nreasons ? v->reasons[0].says : NULL);
			}
			fputs("\r\n", out);
		}
	}
	if (fclose(out) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* ------------------------------------------------------------------------
 * The command
 */

/* Progress on stderr, on a terminal only: "plan: 41% of 9657 classes of
 * VMs". */
static void
progress(void *arg, size_t done, size_t total)
{
	(void)arg;
	fprintf(stderr, "\rplan: %3zu%% of %zu classes of VMs", total ? done * 100 / total
		: 100, total);
	if (done == total)
		fputs("\r\033[K", stderr);
}

/* The formats of `migcheck plan`, the default first. */
static const struct plan_format {
	const char *name;
	char *(*write)(const mc_plan_result *res, size_t *len);
} plan_formats[] = {
	{"text", plan_text},
	{"json", plan_json},
	{"csv", plan_csv},
};

enum { OPT_HOST = 256, OPT_TOP, OPT_FORMAT, OPT_BY_PAIRS };

static const cli_opt plan_opts[] = {
	CLI_OPT_POLICY,
	CLI_OPT_INVENTORY(0),
	{OPT_HOST, "host", "HOST", "[--host HOST]",
	 "only the VMs on this host", CLI_OPT_VALUE, NULL},
	{OPT_TOP, "top", "N", "[--top N]", "hosts listed per VM (default 3)",
	 CLI_OPT_VALUE | CLI_OPT_BREAK, NULL},
	{OPT_FORMAT, "format", "FORMAT", "[--format text|json|csv]",
	 "text (default), json or csv", CLI_OPT_VALUE, NULL},
	{OPT_BY_PAIRS, "by-pairs", NULL, "[--by-pairs]",
	 "evaluate every VM and host pair, without\n"
	 "classes (the same answer, slower)", 0, NULL},
	CLI_OPT_SHARED(CLI_OPT_BREAK, 0),
	CLI_OPT_LAST,
};

static const cli_spec plan_spec = {
	"plan", plan_opts,
	"For every VM (or every VM on --host HOST, to empty it for\n"
	"maintenance), the best N hosts that can take it with their ratings,\n"
	"and for each VM that no host can take, the reasons with the number\n"
	"of hosts refusing for each. Hosts and VMs that a kind of move cannot\n"
	"tell apart are evaluated once, as a class (docs/plan.md).\n",
	"Exit status: 0 when every VM has a target; 1 when some VM has none;\n"
	"2 on bad usage or bad input.\n",
	false,
	0,
};

void
cli_plan_help(FILE *out)
{
	cli_help(out, &plan_spec);
}

int
cli_plan(int argc, char **argv)
{
	const char *format = "text";
	int f;
	cli_shared sh;
	mc_plan_request req;
	cli_fleet cf;
	char *end;
	size_t len = 0;
	mc_plan_result *res = NULL;
	char *text = NULL;
	unsigned long top;
	cli_parser parser;
	char *arg;
	int c, status = CLI_ERROR;

	memset(&req, 0, sizeof(req));
	if (cli_fleet_init(&cf, argc) != CLI_YES)
		return CLI_ERROR;
	cli_shared_init(&sh);
	cli_opt_init(&parser, &plan_spec, argc, argv);
	while ((c = cli_next_option(&parser, &sh, &cf, &arg)) > CLI_OPT_END) {
		switch (c) {
		case OPT_HOST:
			req.host = arg;
			break;
		case OPT_TOP:
			top = strtoul(arg, &end, 10);
			if (*arg < '1' || *arg > '9' || *end || top > 1000000) {
				status = cli_usage("plan", "--top needs a number from 1 to "
						   "1000000, not '%s'", arg);
				goto out;
			}
			req.top = top;
			break;
		case OPT_FORMAT:
			format = arg;
			break;
		case OPT_BY_PAIRS:
			req.by_pairs = true;
			break;
		}
	}
	if (c != CLI_OPT_END) {
		status = cli_opt_status(c);
		goto out;
	}
	if (optind < argc) {
		status = cli_usage("plan", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if ((f = cli_format("plan", format, CLI_FORMATS(plan_formats))) < 0)
		goto out;
	if (cli_fleet_named(&cf, "plan") != CLI_YES)
		goto out;
	if (isatty(fileno(stderr)))
		req.progress = progress;
	if (cli_fleet_open(&cf, &sh) != CLI_YES)
		goto out;
	if ((c = mc_plan(&res, cf.fleet, &req, cf.diag)) != MC_OK) {
		cli_fail(c, cf.diag);
		goto out;
	}
	text = plan_formats[f].write(res, &len);
	if (!text) {
		fprintf(stderr, "migcheck: error: out of memory\n");
		goto out;
	}
	status = cli_output(&sh, text, len);
	if (status == CLI_YES && res->nunplaced)
		status = CLI_NO;
out:
	free(text);
	mc_plan_result_free(res);
	cli_fleet_close(&cf);
	return status;
}
