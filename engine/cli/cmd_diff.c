/*
 * cmd_diff.c - `migcheck diff`: what changes between two policies, move by
 * move, on an inventory; and its reports.
 *
 * Both policies rate every VM against every host but its own (one
 * mc_check() per VM and policy). A move is reported when its verdict
 * (allowed, refused, or no verdict when no kind covers the VM) or its
 * rating differs, with the violations it gained and lost.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"

/* One side of a move: the verdict of one policy. */
typedef struct side {
	const char *kind;               /* NULL: no verdict */
	const mc_host_verdict *h;       /* NULL: no verdict */
} side;

typedef struct change {
	const char *vm, *host;
	side old, new;
} change;

/* The changes counted for one kind. */
typedef struct tally {
	const char *kind;
	size_t now_refused, now_allowed, rating_changed, verdict_changed;
} tally;

typedef struct diff {
	mc_policy *pol[2];
	const char *path[2];
	mc_check_result **res[2];  /* per VM; NULL: no verdict */
	change *changes;
	size_t nchanges;
	tally *tallies;
	size_t ntallies;
	size_t moves;              /* moves evaluated */
} diff;

static const mc_host_verdict *
find_host(const mc_check_result *r, const char *name)
{
	if (!r)
		return NULL;
	for (size_t i = 0; i < r->nhosts; i++) {
		if (strcmp(r->hosts[i].name, name) == 0)
			return &r->hosts[i];
	}
	return NULL;
}

static bool
differs(const side *a, const side *b)
{
	if (!a->h || !b->h)
		return !a->h != !b->h;
	return a->h->allowed != b->h->allowed ||
	       a->h->rating_halves != b->h->rating_halves;
}

static bool
allowed(const side *s)
{
	return s->h && s->h->allowed;
}

static int
count_change(diff *d, const change *c)
{
	const char *kind = c->new.kind ? c->new.kind : c->old.kind;
	tally *t = NULL;

	for (size_t i = 0; i < d->ntallies; i++) {
		if (strcmp(d->tallies[i].kind, kind) == 0)
			t = &d->tallies[i];
	}
	if (!t) {
		tally *n = realloc(d->tallies, (d->ntallies + 1) * sizeof(*n));
		if (!n)
			return -1;
		d->tallies = n;
		t = &n[d->ntallies++];
		memset(t, 0, sizeof(*t));
		t->kind = kind;
	}
	if (allowed(&c->old) && !allowed(&c->new))
		t->now_refused++;
	else if (!allowed(&c->old) && allowed(&c->new))
		t->now_allowed++;
	else if (allowed(&c->old))
		t->rating_changed++;
	else
		t->verdict_changed++;   /* refused <-> no verdict */
	return 0;
}

static int
by_kind(const void *a, const void *b)
{
	return strcmp(((const tally *)a)->kind, ((const tally *)b)->kind);
}

/* Runs both policies over the inventory and collects the changes. */
static int
run_diff(diff *d, const mc_inventory *inv, const mc_limits *limits,
	 mc_diag *diag)
{
	size_t nvms = mc_inventory_vm_count(inv), nhosts = mc_inventory_host_count(inv);
	mc_fleet *fleet[2] = {NULL, NULL};
	/* Each policy's checks of every VM spend one budget: the work of the
	 * whole comparison is bounded, and neither policy pays for the other. */
	mc_budget *budget[2] = {NULL, NULL};
	int rc = MC_OK;

	for (int k = 0; k < 2 && rc == MC_OK; k++) {
		d->res[k] = calloc(nvms ? nvms : 1, sizeof(*d->res[k]));
		if (!d->res[k])
			rc = MC_ENOMEM;
		else if ((rc = mc_budget_new(&budget[k], limits)) == MC_OK)
			rc = mc_fleet_new(&fleet[k], d->pol[k], inv, limits, diag);
	}
	for (size_t v = 0; v < nvms && rc == MC_OK; v++) {
		mc_check_request req;

		memset(&req, 0, sizeof(req));
		req.vm = mc_inventory_vm_name(inv, v);

		for (int k = 0; k < 2 && rc == MC_OK; k++) {
			req.budget = budget[k];
			rc = mc_check(&d->res[k][v], fleet[k], &req, diag);
			if (rc == MC_EINPUT) {
				/* No kind covers the VM: no verdict. */
				mc_diag_clear(diag);
				rc = MC_OK;
			}
		}
	}
	d->changes = calloc(nvms * nhosts + 1, sizeof(*d->changes));
	if (!d->changes && rc == MC_OK)
		rc = MC_ENOMEM;
	for (size_t v = 0; v < nvms && rc == MC_OK; v++) {
		const mc_check_result *o = d->res[0][v], *n = d->res[1][v];
		const char *own = o ? o->vm_host : n ? n->vm_host : NULL;

		for (size_t h = 0; h < nhosts && rc == MC_OK; h++) {
			const char *name = mc_inventory_host_name(inv, h);
			change c = {mc_inventory_vm_name(inv, v), name,
				    {o ? o->kind : NULL, find_host(o, name)},
				    {n ? n->kind : NULL, find_host(n, name)}};

			if (own && strcmp(own, name) == 0)
				continue;
			d->moves++;
			if (!differs(&c.old, &c.new))
				continue;
			d->changes[d->nchanges++] = c;
			if (count_change(d, &c) < 0)
				rc = MC_ENOMEM;
		}
	}
	if (d->ntallies)
		qsort(d->tallies, d->ntallies, sizeof(*d->tallies), by_kind);
	mc_fleet_free(fleet[0]);
	mc_fleet_free(fleet[1]);
	mc_budget_free(budget[0]);
	mc_budget_free(budget[1]);
	return rc;
}

/* True when verdict h has a violation with rule id `rule`. */
static bool
has_rule(const mc_host_verdict *h, const char *rule)
{
	for (size_t i = 0; h && i < h->nviolations; i++) {
		if (strcmp(h->violations[i].rule, rule) == 0)
			return true;
	}
	return false;
}

/* Calls fn for each rule id of a that b lacks (once per id). */
static void
rules_not_in(const mc_host_verdict *a, const mc_host_verdict *b,
	     void (*fn)(void *arg, const char *rule), void *arg)
{
	for (size_t i = 0; a && i < a->nviolations; i++) {
		const char *r = a->violations[i].rule;
		bool seen = false;

		for (size_t j = 0; j < i; j++)
			seen |= strcmp(a->violations[j].rule, r) == 0;
		if (!seen && !has_rule(b, r))
			fn(arg, r);
	}
}

/* ------------------------------------------------------------------------
 * Text
 */

static void
verdict_text(FILE *out, const side *s)
{
	char r[16];

	if (!s->h) {
		fputs("no verdict", out);
		return;
	}
	cli_rating(r, sizeof(r), s->h->rating_halves);
	cli_printf(out, "%s, rating %s", s->h->allowed ? "allowed" : "refused", r);
}

typedef struct list_arg {
	FILE *out;
	size_t n;
} list_arg;

static void
list_rule(void *arg, const char *rule)
{
	list_arg *a = arg;

	fprintf(a->out, "%s%s", a->n++ ? ", " : "", rule);
}

static char *
diff_text(const diff *d, size_t *len)
{
	cli_text report;
	FILE *out;

	if (!cli_text_open(&report))
		return NULL;
	out = report.out;
	for (int k = 0; k < 2; k++) {
		cli_printf(out, "%s  %s (%s)\n", k ? "New" : "Old",
			   mc_policy_name(d->pol[k]), mc_policy_file(d->pol[k]));
		cli_printf(out, "     %s\n", mc_policy_digest(d->pol[k]));
	}
	cli_printf(out, "\n%zu move%s evaluated, %zu changed.\n", d->moves,
		   d->moves == 1 ? "" : "s", d->nchanges);
	for (size_t i = 0; i < d->nchanges; i++) {
		const change *c = &d->changes[i];
		list_arg a = {out, 0};

		cli_printf(out, "\n%s -> %s\n", c->vm, c->host);
		cli_printf(out, "    kind    %s -> %s\n", c->old.kind ? c->old.kind : "(none)",
			   c->new.kind ? c->new.kind : "(none)");
		fputs("    verdict ", out);
		verdict_text(out, &c->old);
		fputs(" -> ", out);
		verdict_text(out, &c->new);
		fputc('\n', out);
		fputs("    gained  ", out);
		rules_not_in(c->new.h, c->old.h, list_rule, &a);
		cli_printf(out, "%s\n", a.n ? "" : "-");
		a.n = 0;
		fputs("    lost    ", out);
		rules_not_in(c->old.h, c->new.h, list_rule, &a);
		cli_printf(out, "%s\n", a.n ? "" : "-");
	}
	if (d->ntallies) {
		size_t w = 4;

		for (size_t i = 0; i < d->ntallies; i++) {
			if (strlen(d->tallies[i].kind) > w)
				w = strlen(d->tallies[i].kind);
		}
		cli_printf(out, "\n%-*s  now refused  now allowed  rating changed  "
			   "other\n", (int)w, "Kind");
		for (size_t i = 0; i < d->ntallies; i++) {
			const tally *t = &d->tallies[i];
			cli_printf(out, "%-*s  %11zu  %11zu  %14zu  %5zu\n", (int)w, t->kind,
				   t->now_refused, t->now_allowed, t->rating_changed,
				   t->verdict_changed);
		}
	}
	return cli_text_close(&report, len);
}

/* ------------------------------------------------------------------------
 * JSON
 */

static json_t *
side_json(jctx *j, const side *s)
{
	json_t *o = json_object();

	jset(j, o, "kind", s->kind ? json_string(s->kind) : json_null());
	jset(j, o, "verdict", json_string(!s->h ? "none"
					  : s->h->allowed ? "allowed" : "refused"));
	if (!s->h)
		jset(j, o, "rating", json_null());
	else if (s->h->rating_halves % 2)
		jset(j, o, "rating", json_real(s->h->rating_halves / 2.0));
	else
		jset(j, o, "rating", json_integer(s->h->rating_halves / 2));
	return o;
}

typedef struct jlist_arg {
	jctx *j;
	json_t *a;
} jlist_arg;

static void
jlist_rule(void *arg, const char *rule)
{
	jlist_arg *a = arg;

	jpush(a->j, a->a, json_string(rule));
}

static json_t *
policy_json(jctx *j, const mc_policy *p)
{
	json_t *o = json_object();

	jset(j, o, "name", json_string(mc_policy_name(p)));
	jset(j, o, "file", json_string(mc_policy_file(p)));
	jset(j, o, "digest", json_string(mc_policy_digest(p)));
	return o;
}

static char *
diff_json(const diff *d, size_t *len)
{
	jctx j = {true};
	json_t *root = json_object(), *changes = json_array(), *summary = json_array();

	jset(&j, root, "old", policy_json(&j, d->pol[0]));
	jset(&j, root, "new", policy_json(&j, d->pol[1]));
	jset(&j, root, "moves", json_integer((json_int_t)d->moves));
	for (size_t i = 0; i < d->nchanges; i++) {
		const change *c = &d->changes[i];
		json_t *o = json_object();
		jlist_arg g = {&j, json_array()}, l = {&j, json_array()};

		jset(&j, o, "vm", json_string(c->vm));
		jset(&j, o, "host", json_string(c->host));
		jset(&j, o, "old", side_json(&j, &c->old));
		jset(&j, o, "new", side_json(&j, &c->new));
		rules_not_in(c->new.h, c->old.h, jlist_rule, &g);
		rules_not_in(c->old.h, c->new.h, jlist_rule, &l);
		jset(&j, o, "gained", g.a);
		jset(&j, o, "lost", l.a);
		jpush(&j, changes, o);
	}
	jset(&j, root, "changes", changes);
	for (size_t i = 0; i < d->ntallies; i++) {
		const tally *t = &d->tallies[i];
		json_t *o = json_object();

		jset(&j, o, "kind", json_string(t->kind));
		jset(&j, o, "now_refused", json_integer((json_int_t)t->now_refused));
		jset(&j, o, "now_allowed", json_integer((json_int_t)t->now_allowed));
		jset(&j, o, "rating_changed", json_integer((json_int_t)t->rating_changed));
		jset(&j, o, "other", json_integer((json_int_t)t->verdict_changed));
		jpush(&j, summary, o);
	}
	jset(&j, root, "summary", summary);
	return jdump(&j, root, len);
}

/* ------------------------------------------------------------------------
 * The command
 */

/* The formats of `migcheck diff`, the default first. */
static const struct diff_format {
	const char *name;
	char *(*write)(const diff *d, size_t *len);
} diff_formats[] = {
	{"text", diff_text},
	{"json", diff_json},
};

enum { OPT_FORMAT = 256 };

static const cli_opt diff_opts[] = {
	{0, NULL, NULL, "OLD_POLICY NEW_POLICY", NULL, 0, NULL},
	CLI_OPT_INVENTORY(0),
	{OPT_FORMAT, "format", "FORMAT", "[--format text|json]",
	 "text (default) or json", CLI_OPT_VALUE | CLI_OPT_BREAK, NULL},
	CLI_OPT_SHARED(0, 0),
	CLI_OPT_LAST,
};

static const cli_spec diff_spec = {
	"diff", diff_opts,
	"Evaluates both policies on every VM and every host but its own, and\n"
	"lists the moves whose verdict or rating changes: the kind of move under\n"
	"each policy, the old and new verdict and rating, and the violations\n"
	"gained and lost. A VM that no kind of a policy covers has no verdict\n"
	"under that policy. Ends with the changes counted per kind.\n",
	"Exit status: 0 when no move changes; 1 when some move does; 2 on bad\n"
	"usage or bad input.\n",
	true,
	0,
};

void
cli_diff_help(FILE *out)
{
	cli_help(out, &diff_spec);
}

int
cli_diff(int argc, char **argv)
{
	const char *format = "text";
	int f;
	cli_shared sh;
	char **inventories = NULL, **args = NULL;
	size_t ninv = 0, nargs = 0;
	mc_diag *diag = NULL;
	mc_inventory *inv = NULL;
	diff d;
	char *text = NULL;
	size_t len = 0, nvms = 0;
	cli_parser parser;
	char *arg;
	int c, status = CLI_ERROR;

	memset(&d, 0, sizeof(d));
	inventories = calloc((size_t)argc + 1, sizeof(*inventories));
	args = calloc((size_t)argc + 1, sizeof(*args));
	if (!inventories || !args)
		goto out;
	cli_shared_init(&sh);
	cli_opt_init(&parser, &diff_spec, argc, argv);
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
		}
	}
	if (c != CLI_OPT_END) {
		status = cli_opt_status(c);
		goto out;
	}
	for (; optind < argc; optind++)
		args[nargs++] = argv[optind];
	if ((f = cli_format("diff", format, CLI_FORMATS(diff_formats))) < 0)
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
	d.path[0] = args[0];
	d.path[1] = args[1];
	if (!(diag = mc_diag_new()))
		goto out;
	if (!(d.pol[0] = cli_load_policy(args[0], &sh.limits, diag)) ||
	    !(d.pol[1] = cli_load_policy(args[1], &sh.limits, diag)) ||
	    !(inv = cli_load_inventory(inventories, ninv, &sh.limits, diag)))
		goto out;
	nvms = mc_inventory_vm_count(inv);
	c = run_diff(&d, inv, &sh.limits, diag);
	if (c != MC_OK) {
		if (c == MC_ENOMEM)
			fprintf(stderr, "migcheck: error: out of memory\n");
		cli_print_diags(diag);
		goto out;
	}
	text = diff_formats[f].write(&d, &len);
	if (!text) {
		fprintf(stderr, "migcheck: error: out of memory\n");
		goto out;
	}
	status = cli_output(&sh, text, len);
	if (status == CLI_YES && d.nchanges)
		status = CLI_NO;
out:
	free(text);
	for (int k = 0; k < 2; k++) {
		for (size_t v = 0; d.res[k] && v < nvms; v++)
			mc_check_result_free(d.res[k][v]);
		free(d.res[k]);
		mc_policy_free(d.pol[k]);
	}
	free(d.changes);
	free(d.tallies);
	mc_inventory_free(inv);
	mc_diag_free(diag);
	free(inventories);
	free(args);
	return status;
}
