/* SPDX-License-Identifier: MIT */
/*
 * cmd_matrix.c - `migcheck matrix`: compatibility classes of hosts per kind
 * and which class can take VMs from which, as text, JSON or a Graphviz dot
 * graph.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"

/* ------------------------------------------------------------------------
 * Reports
 */

/* A value in a line of text: a set by its size, the rest as it is. */
static void
short_value(FILE *out, const mc_matrix_value *v)
{
	char num[32];

	cli_printf(out, "%s %s", v->name, cli_matrix_value(v, num));
}

/* Values every class shares are written once, above the classes; under
 * each class, the values that set it apart. */
static void
kind_classes(FILE *out, const mc_matrix_kind *k)
{
	const cli_glyphs *g = cli_glyphs_get();
	size_t nvalues = k->nclasses ? k->classes[0].nvalues : 0, n = 0;
	bool *common = calloc(nvalues + 1, sizeof(*common));

	cli_printf(out, "Kind %s: %zu class%s\n", k->kind, k->nclasses,
		   k->nclasses == 1 ? "" : "es");
	for (size_t i = 0; common && k->nclasses > 1 && i < nvalues; i++) {
		if (!(common[i] = cli_matrix_shared(k, i)))
			continue;
		if (n++)
			cli_printf(out, " %s ", g->dot);
		else
			fputs("  Every class: ", out);
		short_value(out, &k->classes[0].values[i]);
	}
	if (n)
		fputc('\n', out);
	for (size_t c = 0; c < k->nclasses; c++) {
		const mc_matrix_class *cl = &k->classes[c];

		cli_printf(out, "  C%zu  %zu host%s:", c + 1, cl->nhosts,
			   cl->nhosts == 1 ? "" : "s");
		for (size_t h = 0; h < cl->nhosts; h++)
			cli_printf(out, "%s %s", h ? "," : "", cl->hosts[h]);
		n = 0;
		for (size_t i = 0; i < cl->nvalues; i++) {
			if (common && common[i])
				continue;
			if (n++)
				cli_printf(out, " %s ", g->dot);
			else
				fputs("\n      ", out);
			short_value(out, &cl->values[i]);
		}
		if (cl->nhosts > 1)
			cli_printf(out, "\n      %s", cl->exchange
				   ? "its hosts can exchange VMs"
				   : "its hosts cannot exchange VMs");
		fputc('\n', out);
	}
	free(common);
	fputs("  Moves between classes:\n", out);
	if (!k->nedges)
		fputs("    none\n", out);
}

static void
kind_left_out(FILE *out, const mc_matrix_kind *k)
{
	if (k->nleft_out) {
		fputs("  Left out (they read the VM):", out);
		for (size_t i = 0; i < k->nleft_out; i++)
			cli_printf(out, "%s %s", i ? "," : "", k->left_out[i]);
		fputc('\n', out);
	}
}

/* Adds what write writes of kind k (or of the result's head, k NULL),
 * escaped as every report is (cli_text). */
static void
report_part(cli_buf *r, const mc_matrix_result *res, const mc_matrix_kind *k,
	    void (*write)(FILE *out, const mc_matrix_result *res,
			  const mc_matrix_kind *k))
{
	cli_text part;

	if (r->failed)
		return;
	if (!cli_text_open(&part)) {
		r->failed = true;
		return;
	}
	write(part.out, res, k);
	cli_buf_text(r, &part);
}

static void
head_part(FILE *out, const mc_matrix_result *res, const mc_matrix_kind *k)
{
	(void)k;
	cli_printf(out, "Policy  %s (%s)\n", res->policy_name, res->policy_file);
	cli_printf(out, "Digest  %s\n", res->policy_digest);
}

static void
classes_part(FILE *out, const mc_matrix_result *res, const mc_matrix_kind *k)
{
	(void)res;
	fputc('\n', out);
	kind_classes(out, k);
}

static void
left_out_part(FILE *out, const mc_matrix_result *res, const mc_matrix_kind *k)
{
	(void)res;
	kind_left_out(out, k);
}

/* Writes a string literal at p and moves p past it. */
#define PUT_TEXT(p, lit) \
	do { \
		memcpy((p), (lit), sizeof(lit) - 1); \
		(p) += sizeof(lit) - 1; \
	} while (0)

/* More than any piece of an edge's written at once, in any format. */
#define PIECE_MAX 256

/* Writes n in decimal at p; returns where it ends. */
static char *
put_decimal(char *p, size_t n)
{
	char digits[24], *d = digits + sizeof(digits);
	size_t len;

	do {
		*--d = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	len = (size_t)(digits + sizeof(digits) - d);
	memcpy(p, d, len);
	return p + len;
}

/* The classes after "C<from> <-> " (two-way, to after from: a pair is
 * shown once, from its lower class) or "C<from> --> " (one-way) on one
 * line, of the edges of one class, ed[0 .. n); nothing when none. */
static void
edge_line(cli_buf *r, const mc_matrix_edge *ed, size_t n, bool both_ways)
{
	bool first = true;
	char *p;

	for (size_t e = 0; e < n; e++) {
		if (ed[e].both_ways != both_ways || (both_ways && ed[e].to < ed[e].from))
			continue;
		if (!(p = cli_buf_room(r, PIECE_MAX)))
			return;
		if (first) {
			PUT_TEXT(p, "    C");
			p = put_decimal(p, ed[e].from + 1);
			if (both_ways)
				PUT_TEXT(p, " <-> C");
			else
				PUT_TEXT(p, " --> C");
			first = false;
		} else {
			PUT_TEXT(p, ", C");
		}
		p = put_decimal(p, ed[e].to + 1);
		cli_buf_commit(r, p);
	}
	if (!first)
		cli_buf_add(r, "\n", 1);
}

/* The edges of kind k, a class's on two lines, "    C1 <-> C2, C5" and
 * "    C1 --> C3": a large matrix has millions of edges between a few
 * thousand classes. Digits and ASCII only: nothing to escape. */
static void
kind_edges(cli_buf *r, const mc_matrix_kind *k)
{
	for (size_t e = 0, f; e < k->nedges && !r->failed; e = f) {
		for (f = e + 1; f < k->nedges && k->edges[f].from == k->edges[e].from; f++)
			;
		edge_line(r, &k->edges[e], f - e, true);
		edge_line(r, &k->edges[e], f - e, false);
	}
}

/* Written into one buffer that grows by doubling: the classes through
 * cli_text, escaped, and the edges, which are most of a large matrix,
 * formatted directly. */
static bool
matrix_text(FILE *dest, const mc_matrix_result *res, bool all_edges)
{
	cli_buf r = {NULL, 0, 0, false, dest};

	(void)all_edges;
	report_part(&r, res, NULL, head_part);
	for (size_t k = 0; k < res->nkinds; k++) {
		report_part(&r, res, &res->kinds[k], classes_part);
		kind_edges(&r, &res->kinds[k]);
		report_part(&r, res, &res->kinds[k], left_out_part);
	}
	return cli_buf_end(&r);
}

/* Where the document holds a kind's edges: the kind's key "edges" (each
 * kind's object is at depth 3, its keys indented by 6 spaces, and no string
 * holds a line break) with the number 0 in their place. */
#define EDGES_AT "\n      \"edges\": 0"

static json_t *
kind_json(jctx *j, const mc_matrix_kind *k)
{
	json_t *o = json_object(), *cs = json_array(), *lo = json_array();

	jset(j, o, "kind", json_string(k->kind));
	for (size_t c = 0; c < k->nclasses; c++) {
		const mc_matrix_class *cl = &k->classes[c];
		json_t *co = json_object(), *hs = json_array(), *fs = json_object(),
		       *ps = json_object();

		jset(j, co, "id", json_integer((json_int_t)c + 1));
		for (size_t h = 0; h < cl->nhosts; h++)
			jpush(j, hs, json_string(cl->hosts[h]));
		jset(j, co, "hosts", hs);
		for (size_t i = 0; i < cl->nvalues; i++) {
			const mc_matrix_value *v = &cl->values[i];

			jset(j, v->field ? fs : ps, v->name, jvalue(j, &v->value));
		}
		jset(j, co, "fields", fs);
		jset(j, co, "paths", ps);
		jset(j, co, "exchange", json_boolean(cl->exchange));
		jpush(j, cs, co);
	}
	jset(j, o, "classes", cs);
	/* A place for the edges, written by matrix_json (EDGES_AT). */
	jset(j, o, "edges", json_integer(0));
	for (size_t i = 0; i < k->nleft_out; i++)
		jpush(j, lo, json_string(k->left_out[i]));
	jset(j, o, "left_out", lo);
	return o;
}

/* The edges of kind k as the array jansson would write at their place
 * (JSON_INDENT(2)), a few million of them written without a node each. */
static void
kind_edges_json(cli_buf *r, const mc_matrix_kind *k)
{
	if (!k->nedges) {
		cli_buf_add(r, "[]", 2);
		return;
	}
	cli_buf_add(r, "[\n", 2);
	for (size_t e = 0; e < k->nedges; e++) {
		const mc_matrix_edge *ed = &k->edges[e];
		char *p = cli_buf_room(r, PIECE_MAX);

		if (!p)
			return;

		PUT_TEXT(p, "        {\n          \"from\": ");
		p = put_decimal(p, ed->from + 1);
		PUT_TEXT(p, ",\n          \"to\": ");
		p = put_decimal(p, ed->to + 1);
		if (ed->both_ways)
			PUT_TEXT(p, ",\n          \"both_ways\": true\n        }");
		else
			PUT_TEXT(p, ",\n          \"both_ways\": false\n        }");
		if (e + 1 < k->nedges)
			PUT_TEXT(p, ",\n");
		cli_buf_commit(r, p);
	}
	cli_buf_add(r, "\n      ]", 8);
}

/* The document built with jansson but for the edges, which are most of a
 * large matrix: written at their places in the text. */
static bool
matrix_json(FILE *dest, const mc_matrix_result *res, bool all_edges)
{
	jctx j = {true};
	json_t *root = json_object(), *pol = json_object(), *ks = json_array();
	cli_buf r = {NULL, 0, 0, false, dest};
	const char *at, *place;
	size_t dlen = 0;
	char *doc;

	(void)all_edges;
	jset(&j, root, "schema", json_string(CLI_SCHEMA("matrix", 1)));
	jset(&j, pol, "name", json_string(res->policy_name));
	jset(&j, pol, "file", json_string(res->policy_file));
	jset(&j, pol, "digest", json_string(res->policy_digest));
	jset(&j, root, "policy", pol);
	for (size_t k = 0; k < res->nkinds; k++)
		jpush(&j, ks, kind_json(&j, &res->kinds[k]));
	jset(&j, root, "kinds", ks);
	if (!(doc = jdump(&j, root, &dlen)))
		return false;
	at = doc;
	for (size_t k = 0; k < res->nkinds; k++) {
		place = strstr(at, EDGES_AT);
		if (!place) {
			r.failed = true;
			break;
		}
		place += strlen(EDGES_AT) - 1;   /* at the 0 */
		cli_buf_add(&r, at, (size_t)(place - at));
		kind_edges_json(&r, &res->kinds[k]);
		at = place + 1;
	}
	cli_buf_add(&r, at, dlen - (size_t)(at - doc));
	free(doc);
	return cli_buf_end(&r);
}

/* A string in a dot file: quoted, with quotes and backslashes escaped. */
static void
dot_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

/* Moves what was written to *out, a memstream over *text, into r, and
 * opens another when reopen is set. */
static void
dot_drain(cli_buf *r, FILE **out, char **text, size_t *tlen, bool reopen)
{
	if (*out && fclose(*out) != 0)
		r->failed = true;
	*out = NULL;
	cli_buf_add(r, *text ? *text : "", *tlen);
	free(*text);
	*text = NULL;
	*tlen = 0;
	if (reopen && !r->failed && !(*out = open_memstream(text, tlen)))
		r->failed = true;
}

/* The edges ed[0 .. n) of the k-th kind as dot edges, a line each. */
static void
dot_edges(cli_buf *r, size_t k, const mc_matrix_edge *edges, size_t n)
{
	for (size_t e = 0; e < n; e++) {
		const mc_matrix_edge *ed = &edges[e];
		char *p;

		if (ed->both_ways && ed->from > ed->to)
			continue;
		if (!(p = cli_buf_room(r, PIECE_MAX)))
			return;
		PUT_TEXT(p, "    k");
		p = put_decimal(p, k);
		PUT_TEXT(p, "_c");
		p = put_decimal(p, ed->from + 1);
		PUT_TEXT(p, " -> k");
		p = put_decimal(p, k);
		PUT_TEXT(p, "_c");
		p = put_decimal(p, ed->to + 1);
		if (ed->both_ways)
			PUT_TEXT(p, " [dir=both];\n");
		else
			PUT_TEXT(p, ";\n");
		cli_buf_commit(r, p);
	}
}

/* One cluster of nodes per kind; a two-way pair is one edge with arrows
 * at both ends, a one-way move a plain arrow. Of the moves, those of the
 * transitive reduction (mc_matrix_reduce), or every one with all_edges;
 * a kind that shares an earlier kind's edges (same_as), reduced once.
 * The nodes are written through stdio, the edges, most of a large
 * matrix, directly. */
static bool
matrix_dot(FILE *dest, const mc_matrix_result *res, bool all_edges)
{
	cli_buf r = {NULL, 0, 0, false, dest};
	char *text = NULL, *label = NULL;
	size_t tlen = 0, llen, nkept = 0;
	mc_matrix_edge *kept = NULL;
	const mc_matrix_edge *kept_of = NULL;   /* the edges kept reduces */
	FILE *out = open_memstream(&text, &tlen);

	if (!out)
		return false;
	fputs("digraph migcheck {\n  rankdir=LR;\n  node [shape=box];\n  label=", out);
	dot_string(out, res->policy_name);
	fputs(";\n", out);
	for (size_t k = 0; k < res->nkinds && out; k++) {
		const mc_matrix_kind *mk = &res->kinds[k];

		fprintf(out, "  subgraph cluster_%zu {\n    label=", k);
		dot_string(out, mk->kind);
		fputs(";\n", out);
		for (size_t c = 0; c < mk->nclasses; c++) {
			const mc_matrix_class *cl = &mk->classes[c];
			FILE *l = open_memstream(&label, &llen);

			if (!l)
				break;
			fprintf(l, "C%zu: %zu host%s", c + 1, cl->nhosts,
				cl->nhosts == 1 ? "" : "s");
			for (size_t h = 0; h < cl->nhosts && h < 4; h++)
				fprintf(l, "%s%s", h ? ", " : "\n", cl->hosts[h]);
			if (cl->nhosts > 4)
				fputs(", ...", l);
			for (size_t i = 0; i < cl->nvalues; i++) {
				fputc('\n', l);
				short_value(l, &cl->values[i]);
			}
			fclose(l);
			fprintf(out, "    k%zu_c%zu [label=", k, c + 1);
			dot_string(out, label ? label : "");
			fputs("];\n", out);
			free(label);
			label = NULL;
		}
		dot_drain(&r, &out, &text, &tlen, true);
		if (all_edges) {
			dot_edges(&r, k, mk->edges, mk->nedges);
		} else if (mk->edges == kept_of) {
			dot_edges(&r, k, kept, nkept);
		} else {
			free(kept);
			kept_of = NULL;
			if (mc_matrix_reduce(&kept, &nkept, mk) != MC_OK)
				r.failed = true;
			else
				kept_of = mk->edges;
			dot_edges(&r, k, kept, kept_of ? nkept : 0);
		}
		if (out)
			fputs("  }\n", out);
	}
	if (out)
		fputs("}\n", out);
	free(kept);
	dot_drain(&r, &out, &text, &tlen, false);
	return cli_buf_end(&r);
}

/* ------------------------------------------------------------------------
 * The command
 */

/* The formats of `migcheck matrix`, the default first. */
static const struct matrix_format {
	const char *name;
	bool (*write)(FILE *dest, const mc_matrix_result *res, bool all_edges);
} matrix_formats[] = {
	{"text", matrix_text},
	{"json", matrix_json},
	{"dot", matrix_dot},
};

enum { OPT_KIND = 256, OPT_FORMAT, OPT_ALL_EDGES };

static const cli_opt matrix_opts[] = {
	CLI_OPT_POLICY,
	CLI_OPT_INVENTORY(0),
	{OPT_KIND, "kind", "KIND", "[--kind KIND]", "only this kind of move",
	 CLI_OPT_VALUE, NULL},
	{OPT_FORMAT, "format", "FORMAT", "[--format text|json|dot]",
	 "text (default), json or dot (Graphviz)",
	 CLI_OPT_VALUE | CLI_OPT_BREAK, NULL},
	{OPT_ALL_EDGES, "all-edges", NULL, "[--all-edges]",
	 "dot: draw every move, also those a path of\n"
	 "others implies", 0, NULL},
	CLI_OPT_SHARED(0, CLI_OPT_BREAK),
	CLI_OPT_LAST,
};

const cli_spec cli_matrix_spec = {
	"matrix", matrix_opts,
	"Groups the hosts into compatibility classes for each kind of move\n"
	"(hosts equal on everything the kind's checks read of two hosts) and\n"
	"shows which class can take VMs from which: both ways, or one way\n"
	"only. Checks that read the VM are left out and named; the moves are\n"
	"those of a VM with no settings, so a relaxation applies only where\n"
	"its condition holds for such a VM (docs/matrix.md). The dot graph\n"
	"leaves out a move where a path of other moves leads from its class\n"
	"to its target's (the transitive reduction); --all-edges draws every\n"
	"move.\n",
	"Exit status: 0, or 2 on bad usage or bad input.\n",
	false,
	0,
};

void
cli_matrix_help(FILE *out)
{
	cli_help(out, &cli_matrix_spec);
}

int
cli_matrix(int argc, char **argv)
{
	const char *format = "text";
	int f;
	cli_shared sh;
	mc_matrix_request req = {NULL, NULL, false};
	cli_fleet cf;
	mc_matrix_result *res = NULL;
	cli_sink sink;
	bool ok, all_edges = false;
	cli_parser parser;
	char *arg;
	int c, status = CLI_ERROR;

	if (cli_fleet_init(&cf, argc) != CLI_YES)
		return CLI_ERROR;
	cli_shared_init(&sh);
	cli_opt_init(&parser, &cli_matrix_spec, argc, argv);
	while ((c = cli_next_option(&parser, &sh, &cf, &arg)) > CLI_OPT_END) {
		switch (c) {
		case OPT_KIND:
			req.kind = arg;
			break;
		case OPT_FORMAT:
			format = arg;
			break;
		case OPT_ALL_EDGES:
			all_edges = true;
			break;
		}
	}
	if (c != CLI_OPT_END) {
		status = cli_opt_status(c);
		goto out;
	}
	if (optind < argc) {
		status = cli_usage("matrix", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if ((f = cli_format("matrix", format, CLI_FORMATS(matrix_formats))) < 0)
		goto out;
	if (all_edges && matrix_formats[f].write != matrix_dot) {
		status = cli_usage("matrix", "--all-edges is for --format dot, not '%s'",
				   format);
		goto out;
	}
	if (cli_fleet_named(&cf, "matrix") != CLI_YES)
		goto out;
	if (cli_fleet_open(&cf, &sh) != CLI_YES)
		goto out;
	if ((c = mc_matrix(&res, cf.fleet, &req, cf.diag)) != MC_OK) {
		cli_fail(c, cf.diag);
		goto out;
	}
	/* Streamed: written as it is made. Should memory run out midway, a
	 * file is left as it was; standard output has what was written
	 * before. */
	if (cli_sink_open(&sink, sh.output) != CLI_YES)
		goto out;
	ok = matrix_formats[f].write(sink.f, res, all_edges);
	if (!ok)
		fprintf(stderr, "migcheck: error: out of memory\n");
	status = cli_sink_close(&sink, ok);
out:
	mc_matrix_result_free(res);
	cli_fleet_close(&cf);
	return status;
}
