/* SPDX-License-Identifier: MIT */
/*
 * cmd_explain.c - `migcheck explain`: a policy in plain words, as text an
 * auditor can paste into a review or as one JSON document, both made from
 * mc_policy_explain().
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"

/* ------------------------------------------------------------------------
 * Text
 */

static void
at_text(FILE *out, const mc_location *at)
{
	if (at->file)
		cli_printf(out, "  (%s:%u:%u)", at->file, at->line, at->column);
}

static void
join(FILE *out, const char *const *items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cli_printf(out, "%s%s", i ? ", " : "", items[i]);
}

static size_t
widest(size_t w, const char *s)
{
	size_t n = strlen(s);

	return n > w ? n : w;
}

/* The table of kinds × fields: a column per kind. A relaxed cell is
 * marked [N], N numbering the distinct relaxations below the table. */
static void
table_text(FILE *out, const mc_explanation *e)
{
	const char **notes = calloc(e->nkinds * e->nfields + 1, sizeof(*notes));
	size_t nnotes = 0, fw = 5;
	size_t *cw = calloc(e->nkinds + 1, sizeof(*cw));
	char **cell = calloc(e->nkinds * e->nfields + 1, sizeof(*cell));

	if (!notes || !cw || !cell)
		goto out;
	for (size_t f = 0; f < e->nfields; f++)
		fw = widest(fw, e->fields[f].name);
	for (size_t k = 0; k < e->nkinds; k++) {
		cw[k] = strlen(e->kinds[k].name);
		for (size_t f = 0; f < e->nfields; f++) {
			const mc_explain_cell *c = &e->cells[k * e->nfields + f];
			size_t note = 0, n;

			if (c->relaxed) {
				while (note < nnotes && strcmp(notes[note], c->relaxed) != 0)
					note++;
				if (note == nnotes)
					notes[nnotes++] = c->relaxed;
				note++;
			}
			n = strlen(c->check) + 16;
			cell[k * e->nfields + f] = malloc(n);
			if (!cell[k * e->nfields + f])
				goto out;
			if (note)
				snprintf(cell[k * e->nfields + f], n, "%s [%zu]", c->check, note);
			else
				snprintf(cell[k * e->nfields + f], n, "%s", c->check);
			cw[k] = widest(cw[k], cell[k * e->nfields + f]);
		}
	}
	cli_printf(out, "  %-*s", (int)fw, "field");
	for (size_t k = 0; k < e->nkinds; k++)
		cli_printf(out, "  %-*s", k + 1 < e->nkinds ? (int)cw[k] : 0, e->kinds[k].name);
	fputc('\n', out);
	for (size_t f = 0; f < e->nfields; f++) {
		cli_printf(out, "  %-*s", (int)fw, e->fields[f].name);
		for (size_t k = 0; k < e->nkinds; k++)
			cli_printf(out, "  %-*s", k + 1 < e->nkinds ? (int)cw[k] : 0,
				   cell[k * e->nfields + f]);
		fputc('\n', out);
	}
	for (size_t i = 0; i < nnotes; i++)
		cli_printf(out, "  [%zu] %s\n", i + 1, notes[i]);
out:
	for (size_t i = 0; cell && i < e->nkinds * e->nfields; i++)
		free(cell[i]);
	free(cell);
	free(cw);
	free(notes);
}

static char *
explain_text(const mc_explanation *e, size_t *len)
{
	cli_text report;
	FILE *out;

	if (!cli_text_open(&report))
		return NULL;
	out = report.out;
	cli_printf(out, "Policy       %s\n", e->name);
	cli_printf(out, "File         %s\n", e->file);
	for (size_t i = 1; i < e->nfiles; i++)
		cli_printf(out, "Extends      %s\n", e->files[i]);
	cli_printf(out, "Digest       %s\n", e->digest);
	cli_printf(out, "Tests        %zu\n", e->ntests);
	if (e->description)
		cli_printf(out, "\n%s\n", e->description);

	fputs("\nFields (read on the VM's host and on the target)\n", out);
	for (size_t i = 0; i < e->nfields; i++) {
		const mc_explain_field *f = &e->fields[i];

		cli_printf(out, "  %s: %s (%s%s)", f->name, f->from, f->type,
			   f->source_cluster ? "; on the VM's host, the members "
			   "every host of its cluster has" : "");
		if (f->description)
			cli_printf(out, " -- %s", f->description);
		at_text(out, &f->at);
		fputc('\n', out);
		for (size_t j = 0; j < f->nnormalize; j++)
			cli_printf(out, "      normalize %s\n", f->normalize[j]);
	}

	fputs("\nKinds of move (the first that applies to the VM)\n", out);
	for (size_t i = 0; i < e->nkinds; i++) {
		const mc_explain_kind *k = &e->kinds[i];

		cli_printf(out, "  %s: when %s", k->name, k->when ? k->when : "always");
		at_text(out, &k->at);
		fputc('\n', out);
		if (k->description)
			cli_printf(out, "      %s\n", k->description);
	}

	fputs("\nChecks by kind (match: equal on both hosts; an operator: the target's\n"
	      "value against the source's)\n", out);
	table_text(out, e);

	fputs("\nHost requirements (a target failing one is refused)\n", out);
	if (!e->nhost_require)
		fputs("  none\n", out);
	for (size_t i = 0; i < e->nhost_require; i++) {
		cli_printf(out, "  host.%zu: %s", i + 1, e->host_require[i].text);
		at_text(out, &e->host_require[i].at);
		fputc('\n', out);
	}
	if (e->nhost_require && e->host_message)
		cli_printf(out, "  message: %s\n", e->host_message);

	fputs("\nRelaxations (checks dropped while a condition on the VM holds)\n", out);
	if (!e->nrelax)
		fputs("  none\n", out);
	for (size_t i = 0; i < e->nrelax; i++) {
		const mc_explain_relax *r = &e->relax[i];

		cli_printf(out, "  %s: when %s", r->id ? r->id : "(no id)",
			   r->when);
		if (r->ndropped) {
			fputs(", not checked: ", out);
			join(out, r->dropped, r->ndropped);
		}
		at_text(out, &r->at);
		fputc('\n', out);
		if (r->note)
			cli_printf(out, "      %s\n", r->note);
	}

	fputs("\nRules\n", out);
	if (!e->nrules)
		fputs("  none\n", out);
	for (size_t i = 0; i < e->nrules; i++) {
		const mc_explain_rule *r = &e->rules[i];

		cli_printf(out, "  rule.%s, for ", r->id);
		if (r->nkinds)
			join(out, r->kinds, r->nkinds);
		else
			fputs("every kind", out);
		at_text(out, &r->at);
		fputc('\n', out);
		if (r->description)
			cli_printf(out, "      %s\n", r->description);
		if (r->lua) {
			cli_printf(out, "      requires: Lua, lines %u-%u", r->lua_first_line,
				   r->lua_last_line);
			if (r->nuses) {
				fputs(", reads ", out);
				join(out, r->uses, r->nuses);
			}
			fputc('\n', out);
		} else {
			cli_printf(out, "      requires: %s\n", r->condition);
		}
		if (r->message)
			cli_printf(out, "      message: %s\n", r->message);
	}

	fputs("\nPreferences (grade the allowed hosts)\n", out);
	if (!e->nprefer)
		fputs(e->placement ? "  none: placement alone rates the allowed hosts\n"
		      : "  none: every allowed host gets 5 stars\n", out);
	for (size_t i = 0; i < e->nprefer; i++) {
		cli_printf(out, "  weight %u of %u: %s", e->prefer[i].weight, e->prefer_total,
			   e->prefer[i].text);
		at_text(out, &e->prefer[i].at);
		fputc('\n', out);
	}

	fputs("\nPlacement (rates the allowed hosts from their resources)\n", out);
	if (!e->placement) {
		fputs("  none\n", out);
	} else {
		cli_printf(out, "  %s", e->placement);
		at_text(out, &e->placement_at);
		fputc('\n', out);
	}

	fputs("\nRemedies (tried in this order on a refused move)\n", out);
	if (!e->nremedies)
		fputs("  none\n", out);
	for (size_t i = 0; i < e->nremedies; i++) {
		const mc_explain_remedy *r = &e->remedies[i];

		cli_printf(out, "  %s: sets ", r->id);
		join(out, r->set, r->nset);
		at_text(out, &r->at);
		fputc('\n', out);
		cli_printf(out, "      %s\n", r->says);
		if (r->warning)
			cli_printf(out, "      warning: %s\n", r->warning);
	}
	return cli_text_close(&report, len);
}

/* ------------------------------------------------------------------------
 * JSON
 */

static json_t *
strings(jctx *j, const char *const *s, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		jpush(j, a, json_string(s[i]));
	return a;
}

static void
jat(jctx *j, json_t *o, const mc_location *at)
{
	if (at->file)
		jset(j, o, "at", jlocation(at));
}

static char *
explain_json(const mc_explanation *e, size_t *len)
{
	jctx j = {true};
	json_t *root = json_object(), *pol = json_object(), *a, *o, *t;

	jset(&j, root, "schema", json_string(CLI_SCHEMA("explain", 1)));
	jstr(&j, pol, "name", e->name);
	jstr(&j, pol, "description", e->description);
	jstr(&j, pol, "file", e->file);
	jstr(&j, pol, "digest", e->digest);
	jset(&j, pol, "files", strings(&j, e->files, e->nfiles));
	jset(&j, pol, "tests", json_integer((json_int_t)e->ntests));
	jset(&j, root, "policy", pol);

	a = json_array();
	for (size_t i = 0; i < e->nfields; i++) {
		const mc_explain_field *f = &e->fields[i];
		o = json_object();
		jstr(&j, o, "name", f->name);
		jstr(&j, o, "from", f->from);
		jstr(&j, o, "type", f->type);
		jstr(&j, o, "source", f->source_cluster ? "cluster" : "host");
		jstr(&j, o, "description", f->description);
		jset(&j, o, "normalize", strings(&j, f->normalize, f->nnormalize));
		jat(&j, o, &f->at);
		jpush(&j, a, o);
	}
	jset(&j, root, "fields", a);

	a = json_array();
	for (size_t i = 0; i < e->nkinds; i++) {
		const mc_explain_kind *k = &e->kinds[i];
		o = json_object();
		jstr(&j, o, "name", k->name);
		jstr(&j, o, "description", k->description);
		jset(&j, o, "when", json_string(k->when ? k->when : "always"));
		jat(&j, o, &k->at);
		jpush(&j, a, o);
	}
	jset(&j, root, "kinds", a);

	/* table: kind -> field -> cell */
	t = json_object();
	for (size_t k = 0; k < e->nkinds; k++) {
		json_t *row = json_object();
		for (size_t f = 0; f < e->nfields; f++) {
			const mc_explain_cell *c = &e->cells[k * e->nfields + f];
			o = json_object();
			jstr(&j, o, "check", c->check);
			jstr(&j, o, "relaxed", c->relaxed);
			jat(&j, o, &c->at);
			jset(&j, row, e->fields[f].name, o);
		}
		jset(&j, t, e->kinds[k].name, row);
	}
	jset(&j, root, "table", t);

	o = json_object();
	a = json_array();
	for (size_t i = 0; i < e->nhost_require; i++) {
		json_t *r = json_object();
		char id[32];
		snprintf(id, sizeof(id), "host.%zu", i + 1);
		jstr(&j, r, "rule", id);
		jstr(&j, r, "requires", e->host_require[i].text);
		jat(&j, r, &e->host_require[i].at);
		jpush(&j, a, r);
	}
	jset(&j, o, "require", a);
	jstr(&j, o, "message", e->host_message);
	jset(&j, root, "host", o);

	a = json_array();
	for (size_t i = 0; i < e->nrelax; i++) {
		const mc_explain_relax *r = &e->relax[i];
		o = json_object();
		jstr(&j, o, "id", r->id);
		jstr(&j, o, "when", r->when);
		jset(&j, o, "drop", strings(&j, r->dropped, r->ndropped));
		jstr(&j, o, "note", r->note);
		jat(&j, o, &r->at);
		jpush(&j, a, o);
	}
	jset(&j, root, "relax", a);

	a = json_array();
	for (size_t i = 0; i < e->nrules; i++) {
		const mc_explain_rule *r = &e->rules[i];
		o = json_object();
		jstr(&j, o, "id", r->id);
		jset(&j, o, "kinds", strings(&j, r->kinds, r->nkinds));
		jstr(&j, o, "requires", r->condition);
		if (r->lua) {
			json_t *lines = json_array();
			jpush(&j, lines, json_integer(r->lua_first_line));
			jpush(&j, lines, json_integer(r->lua_last_line));
			jset(&j, o, "lua_lines", lines);
			jset(&j, o, "uses", strings(&j, r->uses, r->nuses));
		}
		jstr(&j, o, "message", r->message);
		jstr(&j, o, "description", r->description);
		jat(&j, o, &r->at);
		jpush(&j, a, o);
	}
	jset(&j, root, "rules", a);

	a = json_array();
	for (size_t i = 0; i < e->nprefer; i++) {
		o = json_object();
		jstr(&j, o, "when", e->prefer[i].text);
		jset(&j, o, "weight", json_integer(e->prefer[i].weight));
		jat(&j, o, &e->prefer[i].at);
		jpush(&j, a, o);
	}
	jset(&j, root, "prefer", a);
	jset(&j, root, "prefer_total", json_integer(e->prefer_total));
	if (e->placement) {
		o = json_object();
		jstr(&j, o, "says", e->placement);
		jat(&j, o, &e->placement_at);
		jset(&j, root, "placement", o);
	}

	a = json_array();
	for (size_t i = 0; i < e->nremedies; i++) {
		const mc_explain_remedy *r = &e->remedies[i];
		o = json_object();
		jstr(&j, o, "id", r->id);
		jstr(&j, o, "says", r->says);
		jstr(&j, o, "warning", r->warning);
		jset(&j, o, "set", strings(&j, r->set, r->nset));
		jat(&j, o, &r->at);
		jpush(&j, a, o);
	}
	jset(&j, root, "remedies", a);

	return jdump(&j, root, len);
}

/* ------------------------------------------------------------------------
 * The command
 */

/* The formats of `migcheck explain`, the default first. */
static const struct explain_format {
	const char *name;
	char *(*write)(const mc_explanation *e, size_t *len);
} explain_formats[] = {
	{"text", explain_text},
	{"json", explain_json},
};

enum { OPT_FORMAT = 256 };

static const cli_opt explain_opts[] = {
	{0, NULL, NULL, "POLICY", NULL, 0, NULL},
	{OPT_FORMAT, "format", "FORMAT", "[--format text|json]",
	 "text (default) or json", CLI_OPT_VALUE, NULL},
	CLI_OPT_SHARED(0, CLI_OPT_BREAK),
	CLI_OPT_LAST,
};

const cli_spec cli_explain_spec = {
	"explain", explain_opts,
	"Describes the policy in plain words: its files and digest, the fields\n"
	"it reads, the kinds of move and when each applies, the table of kinds\n"
	"by fields (which must match, which compare and how, which are relaxed\n"
	"and when), the host requirements, relaxations, rules, preferences and\n"
	"remedies, each with its place in the policy.\n",
	"Exit status: 0, or 2 on bad usage or when the policy does not load.\n",
	true,
	23,
};

void
cli_explain_help(FILE *out)
{
	cli_help(out, &cli_explain_spec);
}

int
cli_explain(int argc, char **argv)
{
	const char *format = "text", *path = NULL;
	int f;
	cli_shared sh;
	mc_diag *diag = NULL;
	mc_policy *policy = NULL;
	mc_explanation *e = NULL;
	char *text = NULL;
	size_t len = 0;
	cli_parser parser;
	char *arg;
	int c, status = CLI_ERROR;

	cli_shared_init(&sh);
	cli_opt_init(&parser, &cli_explain_spec, argc, argv);
	while ((c = cli_next_option(&parser, &sh, NULL, &arg)) > CLI_OPT_END) {
		switch (c) {
		case CLI_OPT_ARG:
			if (path)
				return cli_usage("explain", "unexpected argument '%s'", arg);
			path = arg;
			break;
		case OPT_FORMAT:
			format = arg;
			break;
		}
	}
	if (c != CLI_OPT_END)
		return cli_opt_status(c);
	if (optind < argc) {
		if (path || optind + 1 < argc)
			return cli_usage("explain", "unexpected argument '%s'",
					 argv[path ? optind : optind + 1]);
		path = argv[optind];
	}
	if ((f = cli_format("explain", format, CLI_FORMATS(explain_formats))) < 0)
		return CLI_ERROR;
	if (!path)
		return cli_usage("explain", "name the policy to explain");
	if (!(diag = mc_diag_new()))
		goto out;
	if (!(policy = cli_load_policy(path, &sh.limits, diag)))
		goto out;
	if (mc_policy_explain(&e, policy) != MC_OK) {
		fprintf(stderr, "migcheck: error: out of memory\n");
		goto out;
	}
	text = explain_formats[f].write(e, &len);
	if (!text) {
		fprintf(stderr, "migcheck: error: out of memory\n");
		goto out;
	}
	status = cli_output(&sh, text, len);
out:
	free(text);
	mc_explanation_free(e);
	mc_policy_free(policy);
	mc_diag_free(diag);
	return status;
}
