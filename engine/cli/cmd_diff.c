/* SPDX-License-Identifier: MIT */
/*
 * cmd_diff.c - `migcheck diff`: what changes between two policies, move by
 * move, on an inventory; and its reports.
 *
 * Both policies rate every VM against every host but its own (mc_diff(),
 * by classes). A move is reported when its verdict (allowed, refused, or
 * no verdict when no kind covers the VM) or its rating differs, with the
 * violations it gained and lost.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "jwrite.h"

typedef struct diff {
	mc_policy *pol[2];
	mc_diff_result *res;
} diff;

/* Calls fn for each rule id of ids (n of them). */
static void
each_rule(const char *const *ids, size_t n,
	  void (*fn)(void *arg, const char *rule), void *arg)
{
	for (size_t i = 0; i < n; i++)
		fn(arg, ids[i]);
}

/* ------------------------------------------------------------------------
 * Text
 */

/* Adds s escaped as the report escapes it: as cli_printf's %s does (a
 * newline too), or, with keep_newlines, as text written directly. */
static void
buf_escaped(cli_buf *b, const char *s, bool keep_newlines)
{
	size_t n = 0;
	char *text = NULL;
	size_t len = 0;

	while (s[n] >= 0x20 && s[n] < 0x7f)
		n++;
	if (!s[n]) {
		cli_buf_add(b, s, n);
		return;
	}
	if (mc_text_printable(&text, &len, s, strlen(s), keep_newlines) != MC_OK) {
		b->failed = true;
		return;
	}
	cli_buf_add(b, text, len);
	free(text);
}

static void
buf_verdict(cli_buf *b, const mc_diff_verdict *s)
{
	char r[16];

	if (!s->kind) {
		cli_buf_puts(b, "no verdict");
		return;
	}
	cli_rating(r, sizeof(r), s->rating_halves);
	cli_buf_puts(b, s->allowed ? "allowed, rating " : "refused, rating ");
	cli_buf_puts(b, r);
}

static void
buf_rules(cli_buf *b, const char *const *ids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			cli_buf_puts(b, ", ");
		buf_escaped(b, ids[i], true);
	}
	if (!n)
		cli_buf_puts(b, "-");
}

/* The lines of a change after its first: the same for every change that
 * changes alike (moves are shared), so each is written once. */
static const char *
move_text(cli_buf *b, const mc_diff_move *m)
{
	b->len = 0;
	cli_buf_puts(b, "    kind    ");
	buf_escaped(b, m->before.kind ? m->before.kind : "(none)", false);
	cli_buf_puts(b, " -> ");
	buf_escaped(b, m->after.kind ? m->after.kind : "(none)", false);
	cli_buf_puts(b, "\n    verdict ");
	buf_verdict(b, &m->before);
	cli_buf_puts(b, " -> ");
	buf_verdict(b, &m->after);
	cli_buf_puts(b, "\n    gained  ");
	buf_rules(b, m->gained, m->ngained);
	cli_buf_puts(b, "\n    lost    ");
	buf_rules(b, m->lost, m->nlost);
	cli_buf_puts(b, "\n");
	return b->failed ? NULL : b->data;
}

/* The text of each move, by the move's address. */
typedef struct move_cache {
	const mc_diff_move **keys;
	char **texts;
	size_t n, cap;
} move_cache;

static size_t
move_slot(const move_cache *c, const mc_diff_move *m)
{
	size_t s = (size_t)(((uintptr_t)m >> 4) * 0x9E3779B97F4A7C15u) & (c->cap - 1);

	while (c->keys[s] && c->keys[s] != m)
		s = (s + 1) & (c->cap - 1);
	return s;
}

static const char *
cached_move_text(move_cache *c, cli_buf *scratch, const mc_diff_move *m)
{
	size_t s;

	if (2 * (c->n + 1) > c->cap) {
		move_cache g = {NULL, NULL, 0, c->cap ? 2 * c->cap : 256};

		g.keys = calloc(g.cap, sizeof(*g.keys));
		g.texts = calloc(g.cap, sizeof(*g.texts));
		if (!g.keys || !g.texts) {
			free(g.keys);
			free(g.texts);
			return NULL;
		}
		for (size_t i = 0; i < c->cap; i++) {
			if (c->keys[i]) {
				s = move_slot(&g, c->keys[i]);
				g.keys[s] = c->keys[i];
				g.texts[s] = c->texts[i];
			}
		}
		free(c->keys);
		free(c->texts);
		g.n = c->n;
		*c = g;
	}
	s = move_slot(c, m);
	if (!c->keys[s]) {
		const char *t = move_text(scratch, m);

		if (!t || !(c->texts[s] = strdup(t)))
			return NULL;
		c->keys[s] = m;
		c->n++;
	}
	return c->texts[s];
}

/* A change of a VM's, by its lines (the text of its move) and its place
 * among the VM's changes. */
typedef struct alike {
	const char *text;
	size_t at;
} alike;

static int
alike_cmp(const void *a, const void *b)
{
	const alike *x = a, *y = b;
	int c = x->text == y->text ? 0 : strcmp(x->text, y->text);

	return c ? c : (x->at > y->at) - (x->at < y->at);
}

/* A paragraph: its changes' run in the sorted array, first by place. */
typedef struct para {
	size_t first, start, n;
} para;

static int
para_cmp(const void *a, const void *b)
{
	const para *x = a, *y = b;

	return (x->first > y->first) - (x->first < y->first);
}

/* One paragraph per way a VM's moves change: the VM and its hosts that
 * change alike, then the lines of the change. vm's changes are ch[0..n),
 * by host; ls and ps have room for n. Paragraphs come in the order of their
 * first host, their hosts in inventory order. */
static bool
vm_paragraphs(cli_buf *b, move_cache *cache, cli_buf *scratch,
	      const mc_diff_change *ch, size_t n, alike *ls, para *ps)
{
	size_t np = 0;
	bool one = true;

	for (size_t i = 0; i < n; i++) {
		ls[i].text = cached_move_text(cache, scratch, ch[i].move);
		ls[i].at = i;
		if (!ls[i].text)
			return false;
		one = one && ls[i].text == ls[0].text;
	}
	if (!one)
		qsort(ls, n, sizeof(*ls), alike_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i && (ls[i].text == ls[i - 1].text ||
			  strcmp(ls[i].text, ls[i - 1].text) == 0)) {
			ps[np - 1].n++;
			continue;
		}
		ps[np++] = (para){ls[i].at, i, 1};
	}
	if (np > 1)
		qsort(ps, np, sizeof(*ps), para_cmp);
	for (size_t p = 0; p < np && !b->failed; p++) {
		cli_buf_puts(b, "\n");
		buf_escaped(b, ch[0].vm, false);
		for (size_t i = 0; i < ps[p].n; i++) {
			cli_buf_puts(b, i ? ", " : " -> ");
			buf_escaped(b, ch[ls[ps[p].start + i].at].host, false);
		}
		cli_buf_puts(b, "\n");
		cli_buf_puts(b, ls[ps[p].start].text);
	}
	return !b->failed;
}

/* The text report, written to dest as it is made: a diff of millions of
 * changed moves would be a gigabyte of text a move at a time; the moves of
 * a VM that change alike share a paragraph. */
static bool
diff_text(FILE *dest, const diff *d, bool compact)
{
	const mc_diff_result *r = d->res;
	cli_text report;
	cli_buf b = {NULL, 0, 0, false, dest}, scratch = {NULL, 0, 0, false, NULL};
	move_cache cache = {NULL, NULL, 0, 0};
	alike *ls = NULL;
	para *ps = NULL;
	const mc_diff_change *ch;
	size_t cap = 0;
	FILE *out;

	(void)compact;
	if (!cli_text_open(&report))
		return false;
	out = report.out;
	for (int k = 0; k < 2; k++) {
		cli_printf(out, "%s  %s (%s)\n", k ? "New" : "Old",
			   mc_policy_name(d->pol[k]), mc_policy_file(d->pol[k]));
		cli_printf(out, "     %s\n", mc_policy_digest(d->pol[k]));
	}
	cli_printf(out, "\n%zu move%s evaluated, %zu changed.\n", r->moves,
		   r->moves == 1 ? "" : "s", r->nchanges);
	cli_buf_text(&b, &report);
	/* A VM at a time. */
	for (size_t cur = 0, n; !b.failed && (n = mc_diff_next(d->res, &cur, &ch));) {
		if (n > cap) {
			free(ls);
			free(ps);
			cap = n;
			ls = malloc(cap * sizeof(*ls));
			ps = malloc(cap * sizeof(*ps));
		}
		if (!ls || !ps || !vm_paragraphs(&b, &cache, &scratch, ch, n, ls, ps))
			b.failed = true;
	}
	if (r->ntallies && !b.failed) {
		size_t w = 4;

		if (!cli_text_open(&report)) {
			b.failed = true;
			goto out;
		}
		out = report.out;
		for (size_t i = 0; i < r->ntallies; i++) {
			if (strlen(r->tallies[i].kind) > w)
				w = strlen(r->tallies[i].kind);
		}
		cli_printf(out, "\n%-*s  now refused  now allowed  rating changed  "
			   "other\n", (int)w, "Kind");
		for (size_t i = 0; i < r->ntallies; i++) {
			const mc_diff_tally *t = &r->tallies[i];
			cli_printf(out, "%-*s  %11zu  %11zu  %14zu  %5zu\n", (int)w, t->kind,
				   t->now_refused, t->now_allowed, t->rating_changed,
				   t->other);
		}
		cli_buf_text(&b, &report);
	}
out:
	free(ls);
	free(ps);
	for (size_t i = 0; i < cache.cap; i++)
		free(cache.texts[i]);
	free(cache.keys);
	free(cache.texts);
	cli_buf_end(&scratch);
	return cli_buf_end(&b);
}

/* ------------------------------------------------------------------------
 * JSON
 */

static void
side_json(jw *w, const mc_diff_verdict *s)
{
	jw_object(w);
	jw_key(w, "kind");
	jw_string(w, s->kind);
	jw_key(w, "verdict");
	jw_string(w, !s->kind ? "none" : s->allowed ? "allowed" : "refused");
	jw_key(w, "rating");
	if (!s->kind)
		jw_null(w);
	else
		jw_rating(w, s->rating_halves);
	jw_end(w);
}

static void
jlist_rule(void *arg, const char *rule)
{
	jw_string(arg, rule);
}

static void
policy_json(jw *w, const mc_policy *p)
{
	jw_object(w);
	jw_key_string(w, "name", mc_policy_name(p));
	jw_key_string(w, "file", mc_policy_file(p));
	jw_key_string(w, "digest", mc_policy_digest(p));
	jw_end(w);
}

static void
change_json(jw *w, const mc_diff_change *c)
{
	const mc_diff_move *m = c->move;

	jw_object(w);
	jw_key_string(w, "vm", c->vm);
	jw_key_string(w, "host", c->host);
	jw_key(w, "old");
	side_json(w, &m->before);
	jw_key(w, "new");
	side_json(w, &m->after);
	jw_key(w, "gained");
	jw_array(w);
	each_rule(m->gained, m->ngained, jlist_rule, w);
	jw_end(w);
	jw_key(w, "lost");
	jw_array(w);
	each_rule(m->lost, m->nlost, jlist_rule, w);
	jw_end(w);
	jw_end(w);
}

static void
tally_json(jw *w, const mc_diff_tally *t)
{
	jw_object(w);
	jw_key_string(w, "kind", t->kind);
	jw_key(w, "now_refused");
	jw_uint(w, t->now_refused);
	jw_key(w, "now_allowed");
	jw_uint(w, t->now_allowed);
	jw_key(w, "rating_changed");
	jw_uint(w, t->rating_changed);
	jw_key(w, "other");
	jw_uint(w, t->other);
	jw_end(w);
}

/* One JSON document, written as it is made: millions of changes would
 * take gigabytes as one tree of jansson values. */
static bool
diff_json(FILE *out, const diff *d, bool compact)
{
	const mc_diff_result *r = d->res;
	const mc_diff_change *ch;
	jw w;

	jw_init(&w, out, compact);
	jw_object(&w);
	jw_key_string(&w, "schema", CLI_SCHEMA("diff", 1));
	jw_key(&w, "old");
	policy_json(&w, d->pol[0]);
	jw_key(&w, "new");
	policy_json(&w, d->pol[1]);
	jw_key(&w, "moves");
	jw_uint(&w, r->moves);
	jw_key(&w, "changes");
	jw_array(&w);
	for (size_t cur = 0, n; (n = mc_diff_next(d->res, &cur, &ch));) {
		for (size_t i = 0; i < n; i++)
			change_json(&w, &ch[i]);
	}
	jw_end(&w);
	jw_key(&w, "summary");
	jw_array(&w);
	for (size_t i = 0; i < r->ntallies; i++)
		tally_json(&w, &r->tallies[i]);
	jw_end(&w);
	jw_end(&w);
	jw_raw(&w, "\n", 1);
	return jw_ok(&w);
}

/* A line of JSON per VM whose moves change: the VM and its changes, each
 * as in diff_json's `changes`. */
static bool
diff_ndjson(FILE *out, const diff *d, bool compact)
{
	const mc_diff_change *ch;
	jw w;

	(void)compact;
	jw_init(&w, out, true);
	for (size_t cur = 0, n; (n = mc_diff_next(d->res, &cur, &ch));) {
		jw_object(&w);
		jw_key_string(&w, "vm", ch[0].vm);
		jw_key(&w, "changes");
		jw_array(&w);
		for (size_t i = 0; i < n; i++)
			change_json(&w, &ch[i]);
		jw_end(&w);
		jw_end(&w);
		jw_raw(&w, "\n", 1);
	}
	return jw_ok(&w);
}

/* ------------------------------------------------------------------------
 * The command
 */

/* Shows how far the diff is, on a terminal. */
static void
progress(void *arg, size_t done, size_t total)
{
	(void)arg;
	fprintf(stderr, "\rdiff: %3zu%% of %zu classes of VMs", total ? done * 100 / total
		: 100, total);
	if (done == total)
		fputs("\r\033[K", stderr);
}

/* The formats of `migcheck diff`, the default first. */
static const struct diff_format {
	const char *name;
	bool (*write)(FILE *out, const diff *d, bool compact);
} diff_formats[] = {
	{"text", diff_text},
	{"json", diff_json},
	{"ndjson", diff_ndjson},
};

enum { OPT_FORMAT = 256, OPT_COMPACT };

static const cli_opt diff_opts[] = {
	{0, NULL, NULL, "OLD_POLICY NEW_POLICY", NULL, 0, NULL},
	CLI_OPT_INVENTORY(0),
	{OPT_FORMAT, "format", "FORMAT", "[--format text|json|ndjson]",
	 "text (default), json or ndjson (a line of JSON\n"
	 "per VM whose moves change)", CLI_OPT_VALUE | CLI_OPT_BREAK, NULL},
	CLI_OPT_COMPACT(OPT_COMPACT),
	CLI_OPT_SHARED(CLI_OPT_BREAK, 0),
	CLI_OPT_LAST,
};

const cli_spec cli_diff_spec = {
	"diff", diff_opts,
	"Evaluates both policies on every VM and every host but its own, and\n"
	"lists the moves whose verdict or rating changes: the kind of move under\n"
	"each policy, the old and new verdict and rating, and the violations\n"
	"gained and lost; a VM's moves that change alike share a paragraph. A VM\n"
	"that no kind of a policy covers has no verdict under that policy. Ends\n"
	"with the changes counted per kind.\n",
	"Exit status: 0 when no move changes; 1 when some move does; 2 on bad\n"
	"usage or bad input.\n",
	true,
	0,
};

void
cli_diff_help(FILE *out)
{
	cli_help(out, &cli_diff_spec);
}

int
cli_diff(int argc, char **argv)
{
	const char *format = "text";
	bool compact = false, ok;
	cli_sink sink;
	int f;
	cli_shared sh;
	char **inventories = NULL, **args = NULL;
	size_t ninv = 0, nargs = 0;
	mc_diag *diag = NULL;
	mc_inventory *inv = NULL;
	diff d;
	mc_fleet *fleet[2] = {NULL, NULL};
	mc_diff_request req;
	cli_parser parser;
	char *arg;
	int c, status = CLI_ERROR;

	memset(&d, 0, sizeof(d));
	memset(&req, 0, sizeof(req));
	inventories = calloc((size_t)argc + 1, sizeof(*inventories));
	args = calloc((size_t)argc + 1, sizeof(*args));
	if (!inventories || !args)
		goto out;
	cli_shared_init(&sh);
	cli_opt_init(&parser, &cli_diff_spec, argc, argv);
	while ((c = cli_next_option(&parser, &sh, NULL, &arg)) > CLI_OPT_END) {
		switch (c) {
		case CLI_OPT_ARG:
			args[nargs++] = arg;
			break;
		case 'i':
			inventories[ninv++] = arg;
			break;
		case OPT_FORMAT:
			format = arg;
			break;
		case OPT_COMPACT:
			compact = true;
			break;
		}
	}
	if (c != CLI_OPT_END) {
		status = cli_opt_status(c);
		goto out;
	}
	for (; optind < argc; optind++)
		args[nargs++] = argv[optind];
	if ((f = cli_format("diff", format, CLI_FORMATS(diff_formats))) < 0 ||
	    cli_compact_usage("diff", compact, format) != CLI_YES)
		goto out;
	if (nargs != 2) {
		status = nargs < 2
			? cli_usage("diff", "name the old and the new policy")
			: cli_usage("diff", "unexpected argument '%s'", args[2]);
		goto out;
	}
	if (!ninv) {
		status = cli_usage("diff", "name an inventory with -i FILE");
		goto out;
	}
	if (!(diag = mc_diag_new()))
		goto out;
	if (!(d.pol[0] = cli_load_policy(args[0], &sh.limits, diag)) ||
	    !(d.pol[1] = cli_load_policy(args[1], &sh.limits, diag)) ||
	    !(inv = cli_load_inventory(inventories, ninv, &sh.limits, diag)))
		goto out;
	if (isatty(fileno(stderr)) && !cli_dumb())
		req.progress = progress;
	req.by_vm = true;
	c = MC_OK;
	for (int k = 0; k < 2 && c == MC_OK; k++)
		c = mc_fleet_new(&fleet[k], d.pol[k], inv, &sh.limits, diag);
	if (c == MC_OK)
		c = mc_diff(&d.res, fleet[0], fleet[1], &req, diag);
	if (c != MC_OK) {
		if (c == MC_ENOMEM)
			fprintf(stderr, "migcheck: error: out of memory\n");
		cli_print_diags(diag);
		goto out;
	}
	/* Streamed: written as it is made. Should memory run out midway
	 * (the text report keeps each way a move changes), a file is left as
	 * it was; standard output has what was written before. */
	if (cli_sink_open(&sink, sh.output) != CLI_YES)
		goto out;
	ok = diff_formats[f].write(sink.f, &d, compact);
	if (!ok)
		fprintf(stderr, "migcheck: error: out of memory\n");
	status = cli_sink_close(&sink, ok);
	if (status == CLI_YES && d.res->nchanges)
		status = CLI_NO;
out:
	mc_diff_result_free(d.res);
	for (int k = 0; k < 2; k++) {
		mc_fleet_free(fleet[k]);
		mc_policy_free(d.pol[k]);
	}
	mc_inventory_free(inv);
	mc_diag_free(diag);
	free(inventories);
	free(args);
	return status;
}
