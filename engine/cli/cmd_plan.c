/* SPDX-License-Identifier: MIT */
/*
 * cmd_plan.c - `migcheck plan`: the best hosts for every VM at once, or for
 * every VM of one host, as text, JSON or CSV; with --assign, one target
 * for each within every host's room.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "jwrite.h"

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
	const cli_glyphs *g = cli_glyphs_get();
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
			cli_stars(out, v->targets[t].rating_halves, g);
			cli_printf(out, " %-3s  %s\n", rating, v->targets[t].host);
		}
	}
	cli_printf(out, "\n%zu of %zu VMs have a target; %zu have none.\n",
		   res->nvms - res->nunplaced, res->nvms, res->nunplaced);
	return cli_text_close(&report, len);
}

static void
vm_json(jw *w, const mc_plan_vm *v)
{
	jw_object(w);
	jw_key_string(w, "name", v->name);
	jw_key_string(w, "host", v->host);
	jw_key_string(w, "state", v->state);
	jw_key(w, "kind");
	jw_string(w, v->kind);
	jw_key_string(w, "error", v->error);
	jw_key(w, "allowed_hosts");
	jw_uint(w, v->allowed);
	jw_key(w, "targets");
	jw_array(w);
	for (size_t i = 0; i < v->ntargets; i++) {
		jw_object(w);
		jw_key_string(w, "host", v->targets[i].host);
		jw_key_string(w, "cluster", v->targets[i].cluster);
		jw_key(w, "rating");
		jw_rating(w, v->targets[i].rating_halves);
		jw_end(w);
	}
	jw_end(w);
	jw_key(w, "reasons");
	jw_array(w);
	for (size_t i = 0; i < v->nreasons; i++) {
		const mc_plan_reason *x = &v->reasons[i];

		jw_object(w);
		jw_key_string(w, "rule", x->rule);
		jw_key_string(w, "field", x->field);
		jw_key_string(w, "says", x->says);
		jw_key(w, "hosts");
		jw_uint(w, x->hosts);
		jw_key(w, "at");
		jw_location(w, &x->at);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
}

/* Opens a report's document: its schema, the policy, the host emptied. */
static void
json_head(jw *w, const char *schema, const char *name, const char *file,
	  const char *digest, const char *host)
{
	jw_object(w);
	jw_key_string(w, "schema", schema);
	jw_key(w, "policy");
	jw_object(w);
	jw_key_string(w, "name", name);
	jw_key_string(w, "file", file);
	jw_key_string(w, "digest", digest);
	jw_end(w);
	jw_key(w, "host");
	jw_string(w, host);
}

/* One JSON document, written as it is made: a plan of 100,000 VMs would
 * take gigabytes as one tree of jansson values. */
static bool
plan_json(FILE *out, const mc_plan_result *res, bool compact)
{
	jw w;

	jw_init(&w, out, compact);
	json_head(&w, CLI_SCHEMA("plan", 1), res->policy_name, res->policy_file,
		  res->policy_digest, res->host);
	jw_key(&w, "top");
	jw_uint(&w, res->top);
	jw_key(&w, "vms");
	jw_array(&w);
	for (size_t i = 0; i < res->nvms; i++)
		vm_json(&w, &res->vms[i]);
	jw_end(&w);
	jw_key(&w, "summary");
	jw_object(&w);
	jw_key(&w, "vms");
	jw_uint(&w, res->nvms);
	jw_key(&w, "placed");
	jw_uint(&w, res->nvms - res->nunplaced);
	jw_key(&w, "unplaced");
	jw_uint(&w, res->nunplaced);
	jw_key(&w, "hosts");
	jw_uint(&w, res->nhosts);
	jw_key(&w, "pairs");
	jw_uint(&w, res->pairs);
	jw_key(&w, "evaluations");
	jw_uint(&w, res->evaluations);
	jw_key(&w, "host_classes");
	jw_uint(&w, res->host_classes);
	jw_key(&w, "vm_classes");
	jw_uint(&w, res->vm_classes);
	jw_end(&w);
	jw_end(&w);
	jw_raw(&w, "\n", 1);
	return jw_ok(&w);
}

/* One line of JSON per VM, each as the `vms` items of plan_json. */
static bool
plan_ndjson(FILE *out, const mc_plan_result *res, bool compact)
{
	jw w;

	(void)compact;
	jw_init(&w, out, true);
	for (size_t i = 0; i < res->nvms; i++) {
		vm_json(&w, &res->vms[i]);
		jw_raw(&w, "\n", 1);
	}
	return jw_ok(&w);
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
static bool
plan_csv(FILE *out, const mc_plan_result *res, bool compact)
{
	(void)compact;
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
	return true;
}

/* ------------------------------------------------------------------------
 * Assignments (--assign)
 */

static bool
assign_text(FILE *to, const mc_assignment *res, bool compact)
{
	const cli_glyphs *g = cli_glyphs_get();
	size_t width = 2, len = 0;
	cli_text report;
	FILE *out;
	char *text;

	(void)compact;
	if (!cli_text_open(&report))
		return false;
	out = report.out;
	cli_printf(out, "Policy  %s (%s)\n", res->policy_name, res->policy_file);
	cli_printf(out, "Digest  %s\n", res->policy_digest);
	if (res->host)
		cli_printf(out, "Host    %s: %zu VMs to move\n", res->host, res->nvms);
	for (size_t i = 0; i < res->nmoves; i++) {
		size_t w = strlen(res->moves[i].vm);
		if (w > width)
			width = w;
	}
	if (res->nmoves)
		fputs("\nMoves, in this order:\n", out);
	for (size_t i = 0; i < res->nmoves; i++) {
		const mc_assignment_move *m = &res->moves[i];
		char rating[16];

		cli_rating(rating, sizeof(rating), m->rating_halves);
		cli_printf(out, "  %4zu  %-*s  %s -> %s  ", i + 1, (int)width, m->vm,
			   m->from, m->to);
		cli_stars(out, m->rating_halves, g);
		cli_printf(out, " %s\n", rating);
	}
	if (res->nunplaced)
		fputs("\nLeft where they are:\n", out);
	for (size_t i = 0; i < res->nunplaced; i++) {
		const mc_assignment_unplaced *u = &res->unplaced[i];

		cli_printf(out, "  %s (on %s, %s", u->vm, u->host, u->state);
		if (u->kind)
			cli_printf(out, ", %s", u->kind);
		cli_printf(out, "): %s\n", u->why);
	}
	cli_printf(out, "\n%zu of %zu VMs placed; %zu left where they are.\n",
		   res->nmoves, res->nvms, res->nunplaced);
	text = cli_text_close(&report, &len);
	if (!text)
		return false;
	fwrite(text, 1, len, to);
	free(text);
	return true;
}

static bool
assign_json(FILE *out, const mc_assignment *res, bool compact)
{
	jw w;

	jw_init(&w, out, compact);
	json_head(&w, CLI_SCHEMA("assign", 1), res->policy_name, res->policy_file,
		  res->policy_digest, res->host);
	jw_key(&w, "moves");
	jw_array(&w);
	for (size_t i = 0; i < res->nmoves; i++) {
		const mc_assignment_move *m = &res->moves[i];

		jw_object(&w);
		jw_key(&w, "order");
		jw_uint(&w, i + 1);
		jw_key_string(&w, "vm", m->vm);
		jw_key_string(&w, "from", m->from);
		jw_key_string(&w, "to", m->to);
		jw_key(&w, "cluster");
		jw_string(&w, m->cluster);
		jw_key(&w, "rating");
		jw_rating(&w, m->rating_halves);
		jw_end(&w);
	}
	jw_end(&w);
	jw_key(&w, "unplaced");
	jw_array(&w);
	for (size_t i = 0; i < res->nunplaced; i++) {
		const mc_assignment_unplaced *u = &res->unplaced[i];

		jw_object(&w);
		jw_key_string(&w, "vm", u->vm);
		jw_key_string(&w, "host", u->host);
		jw_key_string(&w, "state", u->state);
		jw_key(&w, "kind");
		jw_string(&w, u->kind);
		jw_key(&w, "compatible_hosts");
		jw_uint(&w, u->compatible);
		jw_key(&w, "full_hosts");
		jw_uint(&w, u->full);
		jw_key_string(&w, "why", u->why);
		jw_end(&w);
	}
	jw_end(&w);
	jw_key(&w, "summary");
	jw_object(&w);
	jw_key(&w, "vms");
	jw_uint(&w, res->nvms);
	jw_key(&w, "placed");
	jw_uint(&w, res->nmoves);
	jw_key(&w, "unplaced");
	jw_uint(&w, res->nunplaced);
	jw_key(&w, "hosts");
	jw_uint(&w, res->nhosts);
	jw_end(&w);
	jw_end(&w);
	jw_raw(&w, "\n", 1);
	return jw_ok(&w);
}

/* One row per move, in order, then one per VM left where it is. */
static bool
assign_csv(FILE *out, const mc_assignment *res, bool compact)
{
	(void)compact;
	fputs("order,vm,from,to,cluster,rating,why\r\n", out);
	for (size_t i = 0; i < res->nmoves; i++) {
		const mc_assignment_move *m = &res->moves[i];
		char rating[16];

		cli_rating(rating, sizeof(rating), m->rating_halves);
		fprintf(out, "%zu,", i + 1);
		csv_field(out, m->vm);
		fputc(',', out);
		csv_field(out, m->from);
		fputc(',', out);
		csv_field(out, m->to);
		fputc(',', out);
		csv_field(out, m->cluster);
		fprintf(out, ",%s,\r\n", rating);
	}
	for (size_t i = 0; i < res->nunplaced; i++) {
		const mc_assignment_unplaced *u = &res->unplaced[i];

		fputc(',', out);
		csv_field(out, u->vm);
		fputc(',', out);
		csv_field(out, u->host);
		fputs(",,,,", out);
		csv_field(out, u->why);
		fputs("\r\n", out);
	}
	return true;
}

/* The formats of `migcheck plan --assign`, the default first. */
static const struct assign_format {
	const char *name;
	bool (*write)(FILE *out, const mc_assignment *res, bool compact);
} assign_formats[] = {
	{"text", assign_text},
	{"json", assign_json},
	{"csv", assign_csv},
};

/* Assigns and writes the report; the command's status. */
static int
run_assign(cli_fleet *cf, cli_shared *sh, const char *host, const char *format,
	   bool compact)
{
	mc_assignment_request req = {host, NULL};
	mc_assignment *res = NULL;
	cli_sink sink;
	int f, rc, status = CLI_ERROR;
	bool ok;

	if (strcmp(format, "ndjson") == 0)
		return cli_usage("plan", "--assign writes text, json or csv, not "
				 "ndjson");
	if ((f = cli_format("plan", format, CLI_FORMATS(assign_formats))) < 0 ||
	    cli_compact_usage("plan", compact, format) != CLI_YES)
		return CLI_ERROR;
	if (cli_fleet_named(cf, "plan") != CLI_YES ||
	    cli_fleet_open(cf, sh) != CLI_YES)
		return CLI_ERROR;
	if ((rc = mc_assignment_make(&res, cf->fleet, &req, cf->diag)) != MC_OK) {
		cli_fail(rc, cf->diag);
		return CLI_ERROR;
	}
	if (cli_sink_open(&sink, sh->output) == CLI_YES) {
		ok = assign_formats[f].write(sink.f, res, compact);
		if (!ok)
			fprintf(stderr, "migcheck: error: out of memory\n");
		status = cli_sink_close(&sink, ok);
		if (status == CLI_YES && res->nunplaced)
			status = CLI_NO;
	}
	mc_assignment_free(res);
	return status;
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

static bool
plan_text_to(FILE *out, const mc_plan_result *res, bool compact)
{
	size_t len = 0;
	char *text = plan_text(res, &len);

	(void)compact;
	if (!text)
		return false;
	fwrite(text, 1, len, out);
	free(text);
	return true;
}

/* The formats of `migcheck plan`, the default first. */
static const struct plan_format {
	const char *name;
	bool (*write)(FILE *out, const mc_plan_result *res, bool compact);
} plan_formats[] = {
	{"text", plan_text_to},
	{"json", plan_json},
	{"ndjson", plan_ndjson},
	{"csv", plan_csv},
};

enum { OPT_HOST = 256, OPT_TOP, OPT_FORMAT, OPT_COMPACT, OPT_BY_PAIRS,
       OPT_ASSIGN };

static const cli_opt plan_opts[] = {
	CLI_OPT_POLICY,
	CLI_OPT_INVENTORY(0),
	{OPT_HOST, "host", "HOST", "[--host HOST]",
	 "only the VMs on this host", CLI_OPT_VALUE, NULL},
	{OPT_TOP, "top", "N", "[--top N]", "hosts listed per VM (default 3)",
	 CLI_OPT_VALUE | CLI_OPT_BREAK, NULL},
	{OPT_FORMAT, "format", "FORMAT", "[--format text|json|ndjson|csv]",
	 "text (default), json, ndjson (a line of JSON\n"
	 "per VM) or csv", CLI_OPT_VALUE, NULL},
	CLI_OPT_COMPACT(OPT_COMPACT),
	{OPT_BY_PAIRS, "by-pairs", NULL, "[--by-pairs]",
	 "evaluate every VM and host pair, without\n"
	 "classes (the same answer, slower)", 0, NULL},
	{OPT_ASSIGN, "assign", NULL, "[--assign]",
	 "one target for every VM, within every host's\n"
	 "room, in the order to move them (text, json\n"
	 "or csv; the policy needs a 'placement')", CLI_OPT_BREAK, NULL},
	CLI_OPT_SHARED(0, 0),
	CLI_OPT_LAST,
};

const cli_spec cli_plan_spec = {
	"plan", plan_opts,
	"For every VM (or every VM on --host HOST, to empty it for\n"
	"maintenance), the best N hosts that can take it with their ratings,\n"
	"and for each VM that no host can take, the reasons with the number\n"
	"of hosts refusing for each. Hosts and VMs that a kind of move cannot\n"
	"tell apart are evaluated once, as a class (docs/plan.md). With\n"
	"--assign, every VM gets one target, and what it takes of a host's\n"
	"room is gone for the VMs placed after it: the moves, in order, and\n"
	"the VMs that stay, with why.\n",
	"Exit status: 0 when every VM has a target; 1 when some VM has none;\n"
	"2 on bad usage or bad input.\n",
	false,
	0,
};

void
cli_plan_help(FILE *out)
{
	cli_help(out, &cli_plan_spec);
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
	mc_plan_result *res = NULL;
	cli_sink sink;
	bool compact = false, ok, assign = false, top_given = false;
	unsigned long top;
	cli_parser parser;
	char *arg;
	int c, status = CLI_ERROR;

	memset(&req, 0, sizeof(req));
	if (cli_fleet_init(&cf, argc) != CLI_YES)
		return CLI_ERROR;
	cli_shared_init(&sh);
	cli_opt_init(&parser, &cli_plan_spec, argc, argv);
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
			top_given = true;
			break;
		case OPT_FORMAT:
			format = arg;
			break;
		case OPT_COMPACT:
			compact = true;
			break;
		case OPT_BY_PAIRS:
			req.by_pairs = true;
			break;
		case OPT_ASSIGN:
			assign = true;
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
	if (assign && (top_given || req.by_pairs)) {
		status = cli_usage("plan", "--assign gives one target per VM: "
				   "it takes no %s", top_given ? "--top" : "--by-pairs");
		goto out;
	}
	if (assign) {
		status = run_assign(&cf, &sh, req.host, format, compact);
		goto out;
	}
	if ((f = cli_format("plan", format, CLI_FORMATS(plan_formats))) < 0 ||
	    cli_compact_usage("plan", compact, format) != CLI_YES)
		goto out;
	if (cli_fleet_named(&cf, "plan") != CLI_YES)
		goto out;
	if (isatty(fileno(stderr)) && !cli_dumb())
		req.progress = progress;
	if (cli_fleet_open(&cf, &sh) != CLI_YES)
		goto out;
	if ((c = mc_plan(&res, cf.fleet, &req, cf.diag)) != MC_OK) {
		cli_fail(c, cf.diag);
		goto out;
	}
	/* Streamed: nothing below fails but for memory before the text
	 * report's first byte, and the writes themselves. */
	if (cli_sink_open(&sink, sh.output) != CLI_YES)
		goto out;
	ok = plan_formats[f].write(sink.f, res, compact);
	if (!ok)
		fprintf(stderr, "migcheck: error: out of memory\n");
	status = cli_sink_close(&sink, ok);
	if (status == CLI_YES && res->nunplaced)
		status = CLI_NO;
out:
	mc_plan_result_free(res);
	cli_fleet_close(&cf);
	return status;
}
