/* SPDX-License-Identifier: MIT */
/*
 * report_fleet.c - `migcheck report fleet`: one self-contained HTML file
 * about a fleet under a policy, for its admins: a summary; per kind, the
 * compatibility classes drawn as an SVG graph of the transitively reduced
 * matrix, with the same moves in a table; a heat map of which host (or
 * class) can take VMs from which; each cluster's baseline; the VMs no host
 * can take and why; and, for a host to empty, the evacuation plan.
 *
 * Every part comes from the public API the other commands use: mc_matrix
 * and mc_matrix_reduce (matrix), mc_plan (plan), mc_baseline (baseline)
 * and mc_assignment_make (plan --assign).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report_fleet.h"
#include "report_html.h"
#include "report_layout.h"

/* Up to this many hosts, the heat map is hosts x hosts; above, classes x
 * classes per kind. */
#define HEAT_MAX_HOSTS 40

/* A kind of more classes than this gets a sentence rather than a table
 * (a table of 4,096 x 4,096 cells is no page anyone reads). */
#define HEAT_MAX_CLASSES 100

/* A class's node: its first line, then at most this many values that set
 * it apart, each cut to LABEL_MAX characters. */
#define NODE_VALUES 6
#define LABEL_MAX 40

/* A kind of more classes than this gets no graph (its table of moves
 * stays): a drawing of hundreds of boxes is no page anyone reads. */
#define GRAPH_MAX_CLASSES 100

/* A class's box, in SVG user units: its width and the height of a line
 * of its text (report_layout.c spaces the boxes). */
#define NODE_W 260
#define LINE_H 16

typedef struct host_ix {
	const char *name;
	size_t i;               /* in inventory order */
} host_ix;

typedef struct fleet_report {
	const report_fleet_req *req;
	mc_diag *diag;
	mc_policy *pol;
	mc_inventory *inv;
	mc_fleet *fleet;
	mc_matrix_result *matrix;
	mc_matrix_edge **kept;  /* per kind, the reduction */
	size_t *nkept;
	size_t nhosts;
	host_ix *byname;        /* the hosts sorted by name */
	size_t **cls;           /* per kind, each host's class */
	mc_plan_result *plan;
	mc_baseline_result *all;        /* every host: their clusters */
	const char **clusters;          /* in inventory order of first host */
	size_t nclusters, unclustered;
	mc_baseline_result **base;      /* per cluster */
	mc_assignment *assign;
	bool no_placement;
} fleet_report;

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const host_ix *)a)->name, ((const host_ix *)b)->name);
}

/* The index of the host named name, in inventory order. */
static size_t
host_index(const fleet_report *r, const char *name)
{
	host_ix key = {name, 0}, *hit;

	hit = bsearch(&key, r->byname, r->nhosts, sizeof(*r->byname), by_name);
	return hit ? hit->i : SIZE_MAX;
}

/* ------------------------------------------------------------------------
 * Gathering
 */

/* Each kind's reduction (a kind that shares an earlier kind's edges
 * shares its reduction too: computed again, as cheap as it is) and each
 * host's class. False when memory runs out. */
static bool
gather_matrix(fleet_report *r)
{
	size_t nk = r->matrix->nkinds;

	if (!(r->kept = calloc(nk + 1, sizeof(*r->kept))) ||
	    !(r->nkept = calloc(nk + 1, sizeof(*r->nkept))) ||
	    !(r->cls = calloc(nk + 1, sizeof(*r->cls))))
		return false;
	for (size_t k = 0; k < nk; k++) {
		const mc_matrix_kind *mk = &r->matrix->kinds[k];

		if (mc_matrix_reduce(&r->kept[k], &r->nkept[k], mk) != MC_OK ||
		    !(r->cls[k] = malloc((r->nhosts + 1) * sizeof(**r->cls))))
			return false;
		for (size_t h = 0; h < r->nhosts; h++)
			r->cls[k][h] = SIZE_MAX;
		for (size_t c = 0; c < mk->nclasses; c++) {
			for (size_t h = 0; h < mk->classes[c].nhosts; h++) {
				size_t i = host_index(r, mk->classes[c].hosts[h]);

				if (i != SIZE_MAX)
					r->cls[k][i] = c;
			}
		}
	}
	return true;
}

/* The clusters, in the order of their first host, and the baseline of
 * each. */
static int
gather_baselines(fleet_report *r)
{
	mc_baseline_request req;
	const char **names = NULL;
	int rc;

	if (!(names = calloc(r->nhosts + 1, sizeof(*names))))
		return MC_ENOMEM;
	for (size_t i = 0; i < r->nhosts; i++)
		names[i] = mc_inventory_host_name(r->inv, i);
	memset(&req, 0, sizeof(req));
	req.hosts = names;
	req.nhosts = r->nhosts;
	rc = r->nhosts ? mc_baseline(&r->all, r->fleet, &req, r->diag) : MC_OK;
	free(names);
	if (rc != MC_OK)
		return rc;
	if (!(r->clusters = calloc(r->nhosts + 1, sizeof(*r->clusters))) ||
	    !(r->base = calloc(r->nhosts + 1, sizeof(*r->base))))
		return MC_ENOMEM;
	for (size_t i = 0; r->all && i < r->all->nhosts; i++) {
		const char *c = r->all->hosts[i].cluster;
		size_t k = 0;

		if (!c) {
			r->unclustered++;
			continue;
		}
		while (k < r->nclusters && strcmp(r->clusters[k], c) != 0)
			k++;
		if (k == r->nclusters)
			r->clusters[r->nclusters++] = c;
	}
	for (size_t k = 0; k < r->nclusters; k++) {
		memset(&req, 0, sizeof(req));
		req.cluster = r->clusters[k];
		if ((rc = mc_baseline(&r->base[k], r->fleet, &req, r->diag)) != MC_OK)
			return rc;
	}
	return MC_OK;
}

static int
gather(fleet_report *r)
{
	const report_fleet_req *q = r->req;
	mc_matrix_request mreq;
	mc_plan_request preq;
	mc_assignment_request areq;
	mc_diag *quiet = NULL;
	int rc;

	if (!(r->diag = mc_diag_new()))
		return cli_fail(MC_ENOMEM, NULL);
	if (!(r->pol = cli_load_policy(q->policy_path, q->limits, r->diag)) ||
	    !(r->inv = cli_load_inventory(q->inventories, q->ninv, q->limits, r->diag)))
		return CLI_ERROR;
	if ((rc = mc_fleet_new(&r->fleet, r->pol, r->inv, q->limits, r->diag)) != MC_OK)
		return cli_fail(rc, r->diag);
	r->nhosts = mc_inventory_host_count(r->inv);
	if (!(r->byname = calloc(r->nhosts + 1, sizeof(*r->byname))))
		return cli_fail(MC_ENOMEM, NULL);
	for (size_t i = 0; i < r->nhosts; i++) {
		r->byname[i].name = mc_inventory_host_name(r->inv, i);
		r->byname[i].i = i;
	}
	qsort(r->byname, r->nhosts, sizeof(*r->byname), by_name);
	if (q->host && host_index(r, q->host) == SIZE_MAX) {
		fputs("migcheck report: error: --host: no host '", stderr);
		cli_put(stderr, q->host);
		fputs("' in the inventory\n", stderr);
		return CLI_ERROR;
	}
	memset(&mreq, 0, sizeof(mreq));
	memset(&preq, 0, sizeof(preq));
	if ((rc = mc_matrix(&r->matrix, r->fleet, &mreq, r->diag)) != MC_OK)
		return cli_fail(rc, r->diag);
	if (!gather_matrix(r))
		return cli_fail(MC_ENOMEM, NULL);
	if ((rc = mc_plan(&r->plan, r->fleet, &preq, r->diag)) != MC_OK ||
	    (rc = gather_baselines(r)) != MC_OK)
		return cli_fail(rc, r->diag);
	if (!q->host)
		return CLI_YES;
	/* The host is known: MC_EUSAGE can only say that the policy has no
	 * placement, which the section says in its place. */
	if (!(quiet = mc_diag_new()))
		return cli_fail(MC_ENOMEM, NULL);
	memset(&areq, 0, sizeof(areq));
	areq.host = q->host;
	rc = mc_assignment_make(&r->assign, r->fleet, &areq, quiet);
	if (rc == MC_EUSAGE) {
		r->no_placement = true;
		rc = MC_OK;
	}
	if (rc != MC_OK)
		cli_fail(rc, quiet);
	mc_diag_free(quiet);
	return rc == MC_OK ? CLI_YES : CLI_ERROR;
}

/* ------------------------------------------------------------------------
 * The summary
 */

static void
write_summary(html *h, const fleet_report *r)
{
	const report_fleet_req *q = r->req;

	html_section(h, "summary", "Summary");
	html_start(h, "dl", "summary");
	html_dl_item(h, "Policy", NULL, mc_policy_name(r->pol));
	html_dl_item(h, "File", NULL, mc_policy_file(r->pol));
	html_elem(h, "dt", NULL, "Digest");
	html_elem(h, "dd", "digest", mc_policy_digest(r->pol));
	html_elem(h, "dt", NULL, "Inventories");
	html_start(h, "dd", NULL);
	html_text_list(h, (const char *const *)q->inventories, q->ninv, NULL);
	html_end(h);
	html_elem(h, "dt", NULL, "Hosts");
	html_start(h, "dd", NULL);
	html_textf(h, "%zu, in %zu cluster%s", r->nhosts, r->nclusters,
		   r->nclusters == 1 ? "" : "s");
	if (r->unclustered)
		html_textf(h, " (%zu in none)", r->unclustered);
	html_end(h);
	html_elem(h, "dt", NULL, "VMs");
	html_start(h, "dd", NULL);
	html_textf(h, "%zu, of which no host can take %zu",
		   mc_inventory_vm_count(r->inv), r->plan->nunplaced);
	html_end(h);
	html_elem(h, "dt", NULL, "Kinds of move");
	html_start(h, "dd", NULL);
	html_textf(h, "%zu", r->matrix->nkinds);
	html_end(h);
	html_dl_item(h, "Made (UTC)", NULL, q->made);
	html_dl_item(h, "migcheck version", NULL, mc_version());
	html_end(h);
	html_end(h);
}

/* ------------------------------------------------------------------------
 * The classes of each kind, as a graph
 */

/* A value as `matrix --format text` writes it: a set by its size. */
static void
value_label(char *buf, size_t size, const mc_matrix_value *v)
{
	char num[32];

	snprintf(buf, size, "%s %s", v->name, cli_matrix_value(v, num));
	if (strlen(buf) > LABEL_MAX)
		strcpy(buf + LABEL_MAX - 3, "...");
}

static void
attr_num(html *h, const char *name, long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", v);
	html_attr(h, name, buf);
}

/* The lines of class c's node: "C1: 3 hosts", then the values that set it
 * apart (at most NODE_VALUES). */
static size_t
node_lines(const mc_matrix_kind *mk, const bool *common, size_t c,
	   char lines[][LABEL_MAX + 8], size_t max)
{
	const mc_matrix_class *cl = &mk->classes[c];
	size_t n = 1, more = 0;

	snprintf(lines[0], LABEL_MAX + 8, "C%zu: %zu host%s", c + 1, cl->nhosts,
		 cl->nhosts == 1 ? "" : "s");
	for (size_t i = 0; i < cl->nvalues; i++) {
		if (common[i])
			continue;
		if (n < max)
			value_label(lines[n++], LABEL_MAX + 8, &cl->values[i]);
		else
			more++;
	}
	if (more)
		snprintf(lines[max - 1], LABEL_MAX + 8, "... and %zu more", more + 1);
	return n;
}

/* The points of a polyline, "x,y x,y ...", in buf (size: 48 a point). */
static void
points_text(char *buf, const rl_point *p, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(buf + len, "%s%ld,%ld", i ? " " : "", p[i].x, p[i].y);
}

static bool
write_svg(html *h, const fleet_report *r, size_t k, const bool *common,
	  size_t nlines)
{
	const mc_matrix_kind *mk = &r->matrix->kinds[k];
	const mc_matrix_edge *e = r->kept[k];
	long nh = (long)nlines * LINE_H + 10;
	char id[40], url[48], vb[64], lines[NODE_VALUES + 1][LABEL_MAX + 8], *pts;
	size_t most = 0;
	rl_layout L;

	if (!rl_layout_make(&L, mk->nclasses, e, r->nkept[k], NODE_W, nh))
		return false;
	for (size_t i = 0; i < r->nkept[k]; i++) {
		if (L.first[i + 1] - L.first[i] > most)
			most = L.first[i + 1] - L.first[i];
	}
	if (!(pts = malloc(most * 48 + 1))) {
		rl_layout_free(&L);
		return false;
	}
	snprintf(id, sizeof(id), "arrow-%zu", k);
	snprintf(url, sizeof(url), "url(#%s)", id);
	html_start(h, "svg", "graph");
	html_attr(h, "xmlns", "http://www.w3.org/2000/svg");
	html_attr(h, "role", "img");
	attr_num(h, "width", L.width);
	attr_num(h, "height", L.height);
	snprintf(vb, sizeof(vb), "0 0 %ld %ld", L.width, L.height);
	html_attr(h, "viewBox", vb);
	html_start(h, "title", NULL);
	html_textf(h, "Compatibility classes of kind %s", mk->kind);
	html_end(h);
	html_start(h, "desc", NULL);
	html_textf(h, "%zu classes of hosts in %zu columns; %zu moves between them "
		   "after the transitive reduction, listed in the table below. "
		   "A move between columns goes from left to right; a move "
		   "within a column is drawn beside it; a line with two "
		   "arrowheads goes both ways.",
		   mk->nclasses, L.ncolumns, r->nkept[k]);
	html_end(h);
	html_start(h, "defs", NULL);
	html_start(h, "marker", NULL);
	html_attr(h, "id", id);
	html_attr(h, "viewBox", "0 0 10 10");
	html_attr(h, "refX", "10");
	html_attr(h, "refY", "5");
	html_attr(h, "markerWidth", "8");
	html_attr(h, "markerHeight", "8");
	html_attr(h, "orient", "auto-start-reverse");
	html_start(h, "path", NULL);
	html_attr(h, "d", "M0,0 L10,5 L0,10 z");
	html_attr(h, "fill", "#333");
	html_end(h);
	html_end(h);
	html_end(h);
	for (size_t i = 0; i < r->nkept[k]; i++) {
		char c[32];

		if (L.first[i + 1] == L.first[i])
			continue;
		html_start(h, "polyline", "move");
		snprintf(c, sizeof(c), "C%" PRIu32, e[i].from + 1);
		html_attr(h, "data-from", c);
		snprintf(c, sizeof(c), "C%" PRIu32, e[i].to + 1);
		html_attr(h, "data-to", c);
		html_attr(h, "data-ways", e[i].both_ways ? "both" : "one");
		points_text(pts, L.point + L.first[i], L.first[i + 1] - L.first[i]);
		html_attr(h, "points", pts);
		html_attr(h, "fill", "none");
		html_attr(h, "stroke", "#333");
		html_attr(h, "marker-end", url);
		if (e[i].both_ways)
			html_attr(h, "marker-start", url);
		html_end(h);
	}
	for (size_t c = 0; c < mk->nclasses; c++) {
		long x = L.box[c].x, y = L.box[c].y;
		size_t n = node_lines(mk, common, c, lines, NODE_VALUES + 1);
		char cid[32];

		html_start(h, "g", "class");
		snprintf(cid, sizeof(cid), "C%zu", c + 1);
		html_attr(h, "data-class", cid);
		html_start(h, "rect", NULL);
		attr_num(h, "x", x);
		attr_num(h, "y", y);
		attr_num(h, "width", NODE_W);
		attr_num(h, "height", nh);
		html_attr(h, "fill", "#fff");
		html_attr(h, "stroke", "#333");
		html_end(h);
		for (size_t l = 0; l < n; l++) {
			html_start(h, "text", NULL);
			attr_num(h, "x", x + 6);
			attr_num(h, "y", y + 5 + (long)(l + 1) * LINE_H - 3);
			html_attr(h, "font-size", "12");
			if (!l)
				html_attr(h, "font-weight", "bold");
			html_text(h, lines[l]);
			html_end(h);
		}
		html_end(h);
	}
	html_end(h);  /* svg */
	free(pts);
	rl_layout_free(&L);
	return true;
}

/* The classes of a kind in a table: hosts and values that set it apart. */
static void
class_table(html *h, const mc_matrix_kind *mk, const bool *common)
{
	static const char *const cols[] = {"Class", "Hosts", "Values that set it apart",
					   "Hosts exchange VMs"};
	char buf[LABEL_MAX + 8];

	html_table(h, "Classes, largest first", cols, 4);
	for (size_t c = 0; c < mk->nclasses; c++) {
		const mc_matrix_class *cl = &mk->classes[c];
		size_t n = 0;

		html_start(h, "tr", NULL);
		html_start(h, "th", NULL);
		html_attr(h, "scope", "row");
		html_textf(h, "C%zu", c + 1);
		html_end(h);
		html_start(h, "td", NULL);
		html_text_list(h, cl->hosts, cl->nhosts, NULL);
		html_end(h);
		html_start(h, "td", NULL);
		for (size_t i = 0; i < cl->nvalues; i++) {
			if (common[i])
				continue;
			if (n++)
				html_text(h, "; ");
			value_label(buf, sizeof(buf), &cl->values[i]);
			html_text(h, buf);
		}
		if (!n)
			html_text(h, "-");
		html_end(h);
		html_start(h, "td", NULL);
		if (cl->nhosts < 2)
			html_verdict(h, "none", "one host");
		else
			html_verdict(h, cl->exchange ? "ok" : "bad", cl->exchange ? "yes" : "no");
		html_end(h);
		html_end(h);
	}
	html_table_end(h);
}

static bool
write_kind_graph(html *h, const fleet_report *r, size_t k)
{
	static const char *const cols[] = {"From", "To", "Direction"};
	const mc_matrix_kind *mk = &r->matrix->kinds[k];
	size_t nvalues = mk->nclasses ? mk->classes[0].nvalues : 0, nlines = 1, n = 0;
	bool *common = calloc(nvalues + 1, sizeof(*common));
	char buf[LABEL_MAX + 8], lines[NODE_VALUES + 1][LABEL_MAX + 8];

	if (!common)
		return false;
	html_start(h, "h3", NULL);
	html_textf(h, "Kind %s", mk->kind);
	html_end(h);
	if (mk->same_as) {
		html_start(h, "p", NULL);
		html_textf(h, "The same classes and moves as kind %s.", mk->same_as);
		html_end(h);
	}
	for (size_t i = 0; mk->nclasses > 1 && i < nvalues; i++) {
		if (!(common[i] = cli_matrix_shared(mk, i)))
			continue;
		if (!n++) {
			html_start(h, "p", NULL);
			html_text(h, "Every class: ");
		} else {
			html_text(h, "; ");
		}
		value_label(buf, sizeof(buf), &mk->classes[0].values[i]);
		html_text(h, buf);
	}
	if (n) {
		html_text(h, ".");
		html_end(h);
	}
	html_start(h, "p", NULL);
	html_textf(h, "%zu class%s; %zu moves between classes, %zu drawn after the "
		   "transitive reduction (a move implied by a path of others is left "
		   "out).", mk->nclasses, mk->nclasses == 1 ? "" : "es", mk->nedges,
		   r->nkept[k]);
	html_end(h);
	if (mk->nleft_out) {
		html_start(h, "p", NULL);
		html_text(h, "Checks that read the VM, left out: ");
		html_text_list(h, mk->left_out, mk->nleft_out, NULL);
		html_text(h, ".");
		html_end(h);
	}
	for (size_t c = 0; c < mk->nclasses; c++) {
		size_t l = node_lines(mk, common, c, lines, NODE_VALUES + 1);

		if (l > nlines)
			nlines = l;
	}
	if (mk->nclasses > GRAPH_MAX_CLASSES) {
		html_start(h, "p", NULL);
		html_textf(h, "No graph: kind %s has more than %d classes. The table "
			   "of moves below lists the moves it would draw.", mk->kind,
			   GRAPH_MAX_CLASSES);
		html_end(h);
	} else if (mk->nclasses) {
		bool ok;

		/* Scrolled on a screen, scaled to the page in print. */
		html_start(h, "div", "graph");
		ok = write_svg(h, r, k, common, nlines);
		html_end(h);
		if (!ok) {
			free(common);
			return false;
		}
	}
	class_table(h, mk, common);
	html_table_head(h, "moves", "Moves drawn (the transitive reduction)");
	for (size_t i = 0; i < 3; i++)
		html_th(h, "col", cols[i]);
	html_table_body(h);
	for (size_t i = 0; i < r->nkept[k]; i++) {
		const mc_matrix_edge *ed = &r->kept[k][i];

		if (ed->both_ways && ed->from > ed->to)
			continue;
		html_start(h, "tr", NULL);
		html_start(h, "td", NULL);
		html_textf(h, "C%u", (unsigned)ed->from + 1);
		html_end(h);
		html_start(h, "td", NULL);
		html_textf(h, "C%u", (unsigned)ed->to + 1);
		html_end(h);
		html_td(h, ed->both_ways ? "both ways" : "one way");
		html_end(h);
	}
	if (!r->nkept[k]) {
		html_start(h, "tr", NULL);
		html_td(h, "none");
		html_td(h, "");
		html_td(h, "");
		html_end(h);
	}
	html_table_end(h);
	free(common);
	return true;
}

static bool
write_graphs(html *h, const fleet_report *r)
{
	bool ok = true;

	html_section(h, "classes", "Compatibility classes");
	html_elem(h, "p", NULL,
		  "Per kind of move, hosts equal on everything the kind's checks read "
		  "of two hosts form a class; an arrow from one class to another says "
		  "that a VM may move from any host of the first to any host of the "
		  "second (a VM with no settings: checks that read the VM are left "
		  "out, as in migcheck matrix).");
	for (size_t k = 0; ok && k < r->matrix->nkinds; k++)
		ok = write_kind_graph(h, r, k);
	html_end(h);
	return ok;
}

/* ------------------------------------------------------------------------
 * The heat map
 */

/* The full moves of a kind as an n x n bit matrix: from * n + to. */
static unsigned char *
move_bits(const mc_matrix_kind *mk)
{
	size_t n = mk->nclasses;
	unsigned char *bits = calloc(n * n / 8 + 1, 1);

	for (size_t i = 0; bits && i < mk->nedges; i++) {
		size_t a = mk->edges[i].from, b = mk->edges[i].to;

		bits[(a * n + b) / 8] |= (unsigned char)(1u << ((a * n + b) % 8));
		if (mk->edges[i].both_ways)
			bits[(b * n + a) / 8] |= (unsigned char)(1u << ((b * n + a) % 8));
	}
	return bits;
}

static bool
bit(const unsigned char *bits, size_t n, size_t a, size_t b)
{
	return bits[(a * n + b) / 8] >> ((a * n + b) % 8) & 1;
}

/* The mark of kind k in a cell: its letter (A, B, ...; k1, k2, ... past
 * 26 kinds). */
static void
kind_mark(char *buf, size_t size, size_t k, size_t nkinds)
{
	if (nkinds <= 26)
		snprintf(buf, size, "%c", (char)('A' + k));
	else
		snprintf(buf, size, "k%zu", k + 1);
}

static void
mark_cell(html *h, bool allowed, const char *mark, const char *kind)
{
	char title[256];

	html_start(h, "span", allowed ? "ok" : "bad");
	snprintf(title, sizeof(title), "%s: %s", kind, allowed ? "allowed" : "refused");
	html_attr(h, "title", title);
	html_text(h, allowed ? "\u2713" : "\u2717");
	html_text(h, mark);
	html_end(h);
}

static bool
heat_hosts(html *h, const fleet_report *r)
{
	const mc_matrix_result *m = r->matrix;
	unsigned char **bits = calloc(m->nkinds + 1, sizeof(*bits));
	bool ok = bits != NULL;
	char mark[32];

	for (size_t k = 0; ok && k < m->nkinds; k++)
		ok = (bits[k] = move_bits(&m->kinds[k])) != NULL;
	if (ok) {
		html_start(h, "div", "wide");
		html_table_head(h, "heat", "Moves between hosts: a row is the VM's "
				"host, a column the target");
		html_th(h, "col", "From \\ to");
		for (size_t j = 0; j < r->nhosts; j++)
			html_th(h, "col", mc_inventory_host_name(r->inv, j));
		html_table_body(h);
		for (size_t i = 0; i < r->nhosts; i++) {
			html_start(h, "tr", NULL);
			html_th(h, "row", mc_inventory_host_name(r->inv, i));
			for (size_t j = 0; j < r->nhosts; j++) {
				html_start(h, "td", NULL);
				if (i == j)
					html_elem(h, "span", "none", "\u2013");
				for (size_t k = 0; i != j && k < m->nkinds; k++) {
					const mc_matrix_kind *mk = &m->kinds[k];
					size_t a = r->cls[k][i], b = r->cls[k][j];
					bool allowed = a == SIZE_MAX || b == SIZE_MAX ? false
						     : a == b ? mk->classes[a].exchange
						     : bit(bits[k], mk->nclasses, a, b);

					if (k)
						html_text(h, " ");
					kind_mark(mark, sizeof(mark), k, m->nkinds);
					mark_cell(h, allowed, mark, mk->kind);
				}
				html_end(h);
			}
			html_end(h);
		}
		html_table_end(h);
		html_end(h);  /* div.wide */
	}
	for (size_t k = 0; bits && k < m->nkinds; k++)
		free(bits[k]);
	free(bits);
	return ok;
}

static bool
heat_classes(html *h, const fleet_report *r)
{
	const mc_matrix_result *m = r->matrix;

	for (size_t k = 0; k < m->nkinds; k++) {
		const mc_matrix_kind *mk = &m->kinds[k];
		unsigned char *bits;
		char mark[32], cap[256];

		if (mk->nclasses > HEAT_MAX_CLASSES) {
			html_start(h, "p", NULL);
			html_textf(h, "Kind %s: %zu classes, more than %d: too many for a "
				   "table here; migcheck matrix --kind %s --format json lists "
				   "every move.", mk->kind, mk->nclasses, HEAT_MAX_CLASSES,
				   mk->kind);
			html_end(h);
			continue;
		}
		if (!(bits = move_bits(mk)))
			return false;
		html_start(h, "div", "wide");
		snprintf(cap, sizeof(cap), "Kind %s: moves between classes (a row is "
			 "the VM's host's class, a column the target's)", mk->kind);
		html_table_head(h, "heat", cap);
		html_th(h, "col", "From \\ to");
		for (size_t j = 0; j < mk->nclasses; j++) {
			html_start(h, "th", NULL);
			html_attr(h, "scope", "col");
			html_textf(h, "C%zu", j + 1);
			html_end(h);
		}
		html_table_body(h);
		kind_mark(mark, sizeof(mark), k, m->nkinds);
		for (size_t i = 0; i < mk->nclasses; i++) {
			html_start(h, "tr", NULL);
			html_start(h, "th", NULL);
			html_attr(h, "scope", "row");
			html_textf(h, "C%zu", i + 1);
			html_end(h);
			for (size_t j = 0; j < mk->nclasses; j++) {
				html_start(h, "td", NULL);
				mark_cell(h, i == j ? mk->classes[i].exchange
					  : bit(bits, mk->nclasses, i, j), mark, mk->kind);
				html_end(h);
			}
			html_end(h);
		}
		html_table_end(h);
		html_end(h);  /* div.wide */
		free(bits);
	}
	return true;
}

static bool
write_heat(html *h, const fleet_report *r)
{
	const mc_matrix_result *m = r->matrix;
	bool by_hosts = r->nhosts <= HEAT_MAX_HOSTS, ok;
	char mark[32];

	html_section(h, "heat", "Heat map");
	html_start(h, "p", NULL);
	if (by_hosts)
		html_textf(h, "Host by host (%zu hosts): in each cell, per kind of move, ",
			   r->nhosts);
	else
		html_textf(h, "Class by class, a table per kind (%zu hosts, more than %d): "
			   "in each cell, ", r->nhosts, HEAT_MAX_HOSTS);
	html_text(h, "\u2713 and the kind's letter where the move is allowed, \u2717 "
		  "and the letter where it is refused; \u2013 on a host itself. Kinds: ");
	for (size_t k = 0; k < m->nkinds; k++) {
		if (k)
			html_text(h, ", ");
		kind_mark(mark, sizeof(mark), k, m->nkinds);
		html_elem(h, "strong", NULL, mark);
		html_text(h, " = ");
		html_text(h, m->kinds[k].kind);
	}
	html_text(h, ".");
	html_end(h);
	ok = by_hosts ? heat_hosts(h, r) : heat_classes(h, r);
	html_end(h);
	return ok;
}

/* ------------------------------------------------------------------------
 * Baselines, VMs no host can take, the evacuation
 */

static void
value_text(html *h, const mc_value *v)
{
	if (v->type == MC_VALUE_NONE) {
		html_elem(h, "span", "none", "none");
	} else if (v->type == MC_VALUE_SET) {
		html_textf(h, "%zu in common", v->count);
		if (v->count)
			html_text(h, ": ");
		html_text_list(h, v->items, v->count, NULL);
	} else {
		html_text(h, v->text);
	}
}

static void
write_baselines(html *h, const fleet_report *r)
{
	static const char *const cols[] = {"Field", "Rule", "Common value", "Why none"};

	html_section(h, "baselines", "Cluster baselines");
	html_elem(h, "p", NULL,
		  "Per cluster, the value of each field that every host of the cluster "
		  "offers (as migcheck baseline --cluster): what a VM started on the "
		  "baseline may rely on anywhere in the cluster.");
	if (!r->nclusters)
		html_elem(h, "p", NULL, "No host is in a cluster.");
	if (r->unclustered) {
		html_start(h, "p", NULL);
		html_textf(h, "%zu host%s in no cluster.", r->unclustered,
			   r->unclustered == 1 ? " is" : "s are");
		html_end(h);
	}
	for (size_t c = 0; c < r->nclusters; c++) {
		const mc_baseline_result *b = r->base[c];
		char cap[256];

		html_start(h, "h3", NULL);
		html_textf(h, "Cluster %s: %zu host%s, %s", b->cluster, b->nhosts,
			   b->nhosts == 1 ? "" : "s",
			   mc_baseline_result_complete(b) ? "every field has a common value"
			   : "some fields have no common value");
		html_end(h);
		snprintf(cap, sizeof(cap), "The baseline of cluster %s", b->cluster);
		html_table(h, cap, cols, 4);
		for (size_t f = 0; f < b->nfields; f++) {
			const mc_baseline_field *fd = &b->fields[f];

			html_start(h, "tr", NULL);
			html_th(h, "row", fd->name);
			html_td(h, fd->rule);
			html_start(h, "td", NULL);
			value_text(h, &fd->value);
			html_end(h);
			html_td(h, fd->reason ? fd->reason : "-");
			html_end(h);
		}
		html_table_end(h);
	}
	html_end(h);
}

static void
write_unplaced(html *h, const fleet_report *r)
{
	static const char *const cols[] = {"VM", "On host", "State", "Kind", "Reasons"};
	const mc_plan_result *p = r->plan;

	html_section(h, "unplaced", "VMs no host can take");
	html_start(h, "p", NULL);
	html_textf(h, "%zu of %zu VMs (as migcheck plan).", p->nunplaced, p->nvms);
	html_end(h);
	if (!p->nunplaced) {
		html_end(h);
		return;
	}
	html_table(h, "Each VM no host can take, and what refuses it (hosts refusing "
		   "it for each reason)", cols, 5);
	for (size_t i = 0; i < p->nvms; i++) {
		const mc_plan_vm *v = &p->vms[i];

		if (v->allowed)
			continue;
		html_start(h, "tr", NULL);
		html_th(h, "row", v->name);
		html_td(h, v->host);
		html_td(h, v->state);
		html_td(h, v->kind ? v->kind : "(none)");
		html_start(h, "td", NULL);
		if (v->error)
			html_text(h, v->error);
		if (v->nreasons) {
			html_start(h, "ul", NULL);
			for (size_t k = 0; k < v->nreasons; k++) {
				const mc_plan_reason *x = &v->reasons[k];

				html_start(h, "li", NULL);
				html_elem(h, "code", NULL, x->rule);
				html_textf(h, " (%zu host%s): ", x->hosts, x->hosts == 1 ? "" : "s");
				html_text(h, x->says);
				html_end(h);
			}
			html_end(h);
		}
		html_end(h);
		html_end(h);
	}
	html_table_end(h);
	html_end(h);
}

/* A rating as five stars, whatever the locale: the document is UTF-8. */
static void
rating_stars(html *h, unsigned halves)
{
	for (unsigned i = 0; i < 5; i++)
		html_text(h, halves >= 2 * i + 2 ? "\u2605" : halves == 2 * i + 1 ? "\u00bd"
			  : "\u2606");
}

static void
write_evacuation(html *h, const fleet_report *r)
{
	static const char *const mcols[] = {"Order", "VM", "From", "To", "Cluster",
					    "Rating"};
	static const char *const ucols[] = {"VM", "State", "Kind", "Hosts allowed",
					    "Of them full", "Why it stays"};
	const mc_assignment *a = r->assign;

	html_section(h, "evacuation", "Evacuation");
	if (!r->req->host) {
		html_elem(h, "p", NULL,
			  "None asked for: with --host HOST, this section gives the moves "
			  "that empty HOST, in order, within every host's room (as "
			  "migcheck plan --assign --host HOST).");
		html_end(h);
		return;
	}
	if (r->no_placement) {
		html_start(h, "p", NULL);
		html_text(h, "The evacuation of ");
		html_elem(h, "strong", NULL, r->req->host);
		html_text(h, " was asked for, but the policy has no placement: without "
			  "it there is no room to count, so no plan that keeps every host "
			  "within its room can be made (docs/placement.md). The best hosts "
			  "of each VM are in migcheck plan --host.");
		html_end(h);
		html_end(h);
		return;
	}
	html_start(h, "p", NULL);
	html_textf(h, "Emptying %s: %zu VM%s, %zu moved, %zu stay%s. Make the moves "
		   "in their order: each takes its room from its target before the "
		   "next.", a->host, a->nvms, a->nvms == 1 ? "" : "s", a->nmoves,
		   a->nunplaced, a->nunplaced == 1 ? "s" : "");
	html_end(h);
	if (a->nmoves) {
		html_table(h, "Moves, in the order to make them", mcols, 6);
		for (size_t i = 0; i < a->nmoves; i++) {
			const mc_assignment_move *m = &a->moves[i];
			char rating[32];

			html_start(h, "tr", NULL);
			html_start(h, "td", NULL);
			html_textf(h, "%zu", i + 1);
			html_end(h);
			html_th(h, "row", m->vm);
			html_td(h, m->from);
			html_td(h, m->to);
			html_td(h, m->cluster ? m->cluster : "-");
			cli_rating(rating, sizeof(rating), m->rating_halves);
			html_start(h, "td", NULL);
			rating_stars(h, m->rating_halves);
			html_textf(h, " %s", rating);
			html_end(h);
			html_end(h);
		}
		html_table_end(h);
	}
	if (a->nunplaced) {
		html_table(h, "VMs that stay, and why", ucols, 6);
		for (size_t i = 0; i < a->nunplaced; i++) {
			const mc_assignment_unplaced *u = &a->unplaced[i];

			html_start(h, "tr", NULL);
			html_th(h, "row", u->vm);
			html_td(h, u->state);
			html_td(h, u->kind ? u->kind : "(none)");
			html_start(h, "td", NULL);
			html_textf(h, "%zu", u->compatible);
			html_end(h);
			html_start(h, "td", NULL);
			html_textf(h, "%zu", u->full);
			html_end(h);
			html_td(h, u->why);
			html_end(h);
		}
		html_table_end(h);
	}
	html_end(h);
}

static char *
write_report(const fleet_report *r, size_t *len)
{
	html h;
	bool ok;
	const char *name = mc_policy_name(r->pol);
	char *title = malloc(strlen(name) + sizeof("Fleet report: "));

	if (!title)
		return NULL;
	strcpy(title, "Fleet report: ");
	strcat(title, name);
	if (!html_open(&h, title)) {
		free(title);
		return html_close(&h, len);
	}
	html_start(&h, "header", NULL);
	html_elem(&h, "h1", NULL, title);
	free(title);
	html_start(&h, "p", NULL);
	html_text(&h, "For the fleet's admins. Made by migcheck ");
	html_text(&h, mc_version());
	html_text(&h, " on ");
	html_text(&h, r->req->made);
	html_text(&h, ".");
	html_end(&h);
	html_end(&h);
	html_start(&h, "main", NULL);
	write_summary(&h, r);
	ok = write_graphs(&h, r) && write_heat(&h, r);
	write_baselines(&h, r);
	write_unplaced(&h, r);
	write_evacuation(&h, r);
	if (!ok)
		h.failed = true;
	return html_close(&h, len);
}

int
report_fleet(const report_fleet_req *req, char **text, size_t *len)
{
	fleet_report r;
	int status;

	memset(&r, 0, sizeof(r));
	r.req = req;
	*text = NULL;
	if ((status = gather(&r)) == CLI_YES && !(*text = write_report(&r, len)))
		status = cli_fail(MC_ENOMEM, NULL);
	mc_assignment_free(r.assign);
	for (size_t c = 0; r.base && c < r.nclusters; c++)
		mc_baseline_result_free(r.base[c]);
	free(r.base);
	free(r.clusters);
	mc_baseline_result_free(r.all);
	mc_plan_result_free(r.plan);
	for (size_t k = 0; r.matrix && k < r.matrix->nkinds; k++) {
		if (r.kept)
			free(r.kept[k]);
		if (r.cls)
			free(r.cls[k]);
	}
	free(r.kept);
	free(r.nkept);
	free(r.cls);
	mc_matrix_result_free(r.matrix);
	free(r.byname);
	mc_fleet_free(r.fleet);
	mc_inventory_free(r.inv);
	mc_policy_free(r.pol);
	mc_diag_free(r.diag);
	return status;
}
