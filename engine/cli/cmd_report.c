/* SPDX-License-Identifier: MIT */
/*
 * cmd_report.c - `migcheck report policy`: one self-contained HTML file
 * about a policy, for an auditor to review and sign off: what it is (name,
 * file, digest, when the report was made), the policy in words, every
 * check with the comment written beside it, the table of kinds x fields,
 * its own tests and their coverage, its lint findings, and -- against an
 * older policy on an inventory -- what the change does to the fleet.
 *
 * Every part comes from the public API the other commands use:
 * mc_policy_explain (explain), mc_policy_test (test), mc_policy_lint
 * (lint) and mc_diff (diff). The comments beside each check are read from
 * the policy's files (the file, then each file it extends) when the
 * report is made.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "report_fleet.h"
#include "report_html.h"
#include "report_lint.h"

/* The changes of the fleet-impact section listed one by one, at most; the
 * counts per kind cover every change. */
#define REPORT_MAX_CHANGES 1000

/* A file of the policy, read again for the comments beside its items. */
typedef struct src_file {
	const char *name;
	char *data;
	size_t len;
	size_t *lines;      /* the offset of each line's start */
	size_t nlines;
	bool lua;           /* a Lua policy: comments start with "--" */
} src_file;

typedef struct report {
	const char *policy_path, *against, *fleet_policy, *host;
	bool fleet_report;          /* report fleet */
	char **inventories;
	size_t ninv;
	cli_shared sh;
	mc_diag *diag;
	mc_policy *pol, *old;
	mc_explanation *e;
	mc_test_report *tests;
	lint_file lint;
	mc_inventory *inv;
	mc_fleet *fleet[2];     /* the old policy's, the new one's */
	mc_diff_result *diff;
	src_file *src;
	size_t nsrc;
	char made[32];
} report;

/* ------------------------------------------------------------------------
 * When the report is made: now, or SOURCE_DATE_EPOCH
 */

/* The latest time SOURCE_DATE_EPOCH may give: 9999-12-31T23:59:59Z. */
#define MAX_EPOCH 253402300799LL

/*
 * Writes the time the report is made as UTC ISO 8601 ("2026-12-03T20:09:30Z"):
 * SOURCE_DATE_EPOCH's when it is set (the reproducible-builds convention:
 * seconds since 1970-01-01 UTC), else now. A value that is not such a
 * number is an error, as the convention asks.
 */
static int
made_at(char *buf, size_t size)
{
	const char *env = getenv("SOURCE_DATE_EPOCH");
	long long secs = 0;
	struct tm tm;
	time_t t;

	if (env) {
		const char *p = env;

		for (; *p >= '0' && *p <= '9' && secs <= MAX_EPOCH; p++)
			secs = secs * 10 + (*p - '0');
		if (p == env || *p || secs > MAX_EPOCH) {
			fputs("migcheck report: error: SOURCE_DATE_EPOCH must be a whole "
			      "number of seconds since 1970-01-01 UTC, not '", stderr);
			cli_put(stderr, env);
			fputs("'\n", stderr);
			return CLI_ERROR;
		}
		t = (time_t)secs;
	} else {
		t = time(NULL);
	}
	if (!gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
		fputs("migcheck report: error: cannot tell the time\n", stderr);
		return CLI_ERROR;
	}
	return CLI_YES;
}

/* ------------------------------------------------------------------------
 * The comments beside a policy's items
 */

/* Reads the policy's files that are regular files, each once, and indexes
 * their lines. One that cannot be read has no comments. False when memory
 * runs out. */
static bool
src_load(report *r)
{
	const mc_explanation *e = r->e;

	if (!(r->src = calloc(e->nfiles + 1, sizeof(*r->src))))
		return false;
	for (size_t i = 0; i < e->nfiles; i++) {
		src_file *f = &r->src[r->nsrc++];
		size_t namelen = strlen(e->files[i]), n = 1;
		struct stat st;
		int fd;

		f->name = e->files[i];
		f->lua = namelen > 4 && strcmp(f->name + namelen - 4, ".lua") == 0;
		if (strcmp(f->name, CLI_STDIN_NAME) == 0)
			continue;
		fd = open(f->name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    cli_read_fd(fd, &r->sh.limits, &f->data, &f->len) == MC_ENOMEM) {
			close(fd);
			return false;
		}
		close(fd);
		if (!f->data)
			continue;
		for (size_t k = 0; k < f->len; k++)
			n += f->data[k] == '\n';
		if (!(f->lines = malloc(n * sizeof(*f->lines))))
			return false;
		f->lines[f->nlines++] = 0;
		for (size_t k = 0; k < f->len; k++) {
			if (f->data[k] == '\n')
				f->lines[f->nlines++] = k + 1;
		}
	}
	return true;
}

static const src_file *
src_find(const report *r, const char *name)
{
	for (size_t i = 0; name && i < r->nsrc; i++) {
		if (r->src[i].data && strcmp(r->src[i].name, name) == 0)
			return &r->src[i];
	}
	return NULL;
}

/* Line number k (1-based) of f, without its line break. */
static const char *
src_line(const src_file *f, size_t k, size_t *len)
{
	size_t start = f->lines[k - 1];
	size_t end = k < f->nlines ? f->lines[k] - 1 : f->len;

	if (end > start && f->data[end - 1] == '\r')
		end--;
	*len = end - start;
	return f->data + start;
}

/* The spaces before a line's content, or SIZE_MAX for a blank line. */
static size_t
indent_of(const char *l, size_t len)
{
	size_t i = 0;

	while (i < len && (l[i] == ' ' || l[i] == '\t'))
		i++;
	return i < len ? i : SIZE_MAX;
}

/* True when the text at c (len bytes) starts a comment of f's language:
 * '#' in YAML, "--" in Lua. */
static bool
is_comment(const src_file *f, const char *c, size_t len)
{
	return f->lua ? len >= 2 && c[0] == '-' && c[1] == '-' : len >= 1 && c[0] == '#';
}

/* Where a comment starts on a line, outside quotes: its '#' (after a blank
 * or at the start, as YAML wants) or its "--", or len when it has none. */
static size_t
comment_start(const src_file *f, const char *l, size_t len)
{
	char quote = 0;

	for (size_t i = 0; i < len; i++) {
		if (quote && l[i] == '\\' && (f->lua || quote == '"')) {
			i++;
		} else if (quote) {
			quote = l[i] == quote ? 0 : quote;
		} else if (l[i] == '"' || l[i] == '\'') {
			quote = l[i];
		} else if (is_comment(f, l + i, len - i) &&
			   (f->lua || i == 0 || l[i - 1] == ' ' || l[i - 1] == '\t')) {
			return i;
		}
	}
	return len;
}

/* Adds a comment's words, its marker and the blanks around them off. */
static void
add_comment(cli_buf *b, const src_file *f, const char *c, size_t len)
{
	size_t mark = f->lua ? 2 : 1;

	c += mark;
	len -= mark;
	while (len && (*c == ' ' || *c == '\t')) {
		c++;
		len--;
	}
	while (len && (c[len - 1] == ' ' || c[len - 1] == '\t'))
		len--;
	if (!len)
		return;
	if (b->len)
		cli_buf_add(b, " ", 1);
	cli_buf_add(b, c, len);
}

/*
 * The comment written beside the item at `at`, its lines joined: the block
 * of comment lines right above it, or above the keys that hold it (a list
 * item is held by its list, past the one-line items before it), then a
 * comment at the end of its own line. NULL when there is none (or its file
 * could not be read again); *nomem when memory runs out.
 */
static char *
cite(const report *r, const mc_location *at, bool *nomem)
{
	const src_file *f = src_find(r, at->file);
	cli_buf b = {NULL, 0, 0, false, NULL};
	size_t len, ind, k, first = 0, last = 0, c;
	const char *l;
	bool item;

	if (!f || at->line < 1 || at->line > f->nlines)
		return NULL;
	l = src_line(f, at->line, &len);
	if ((ind = indent_of(l, len)) == SIZE_MAX)
		return NULL;
	item = l[ind] == (f->lua ? '{' : '-');
	for (k = at->line - 1; k >= 1; k--) {
		size_t pl, pi;
		const char *p = src_line(f, k, &pl);

		if ((pi = indent_of(p, pl)) == SIZE_MAX)
			break;
		if (is_comment(f, p + pi, pl - pi)) {
			last = k;
			for (first = k; first > 1; first--) {
				const char *q = src_line(f, first - 1, &pl);
				size_t qi = indent_of(q, pl);

				if (qi == SIZE_MAX || !is_comment(f, q + qi, pl - qi))
					break;
			}
			break;
		}
		if (pi < ind) {
			ind = pi;
			item = p[pi] == (f->lua ? '{' : '-');
		} else if (!(pi == ind && item && p[pi] == (f->lua ? '{' : '-'))) {
			break;
		}
	}
	for (k = first; last && k <= last; k++) {
		size_t i;

		l = src_line(f, k, &len);
		i = indent_of(l, len);  /* a comment line: not blank */
		add_comment(&b, f, l + i, len - i);
	}
	l = src_line(f, at->line, &len);
	if ((c = comment_start(f, l, len)) < len)
		add_comment(&b, f, l + c, len - c);
	if (b.failed) {
		*nomem = true;
		free(b.data);
		return NULL;
	}
	return b.data;
}

/* ------------------------------------------------------------------------
 * The sections
 */

static void
td_at(html *h, const mc_location *at)
{
	html_start(h, "td", NULL);
	html_location(h, at);
	html_end(h);
}


static void
write_summary(html *h, const report *r)
{
	const mc_explanation *e = r->e;

	html_section(h, "summary", "Summary");
	html_start(h, "dl", "summary");
	html_dl_item(h, "Policy", NULL, e->name);
	html_dl_item(h, "File", NULL, e->file);
	html_elem(h, "dt", NULL, "Extends");
	html_start(h, "dd", NULL);
	html_text_list(h, e->files + 1, e->nfiles ? e->nfiles - 1 : 0, "nothing");
	html_end(h);
	html_dl_item(h, "Digest", "digest", e->digest);
	html_dl_item(h, "Made (UTC)", NULL, r->made);
	html_dl_item(h, "migcheck version", NULL, mc_version());
	html_end(h);
	html_elem(h, "p", NULL,
		  "The digest is the SHA-256 of the policy's bytes followed by those of "
		  "every file it extends: it ties this report to the exact policy text.");
	html_end(h);
}

/* ------------------------------------------------------------------------
 * The policy in words (mc_policy_explain, as `migcheck explain`)
 */

static void
words_fields(html *h, const mc_explanation *e)
{
	static const char *const cols[] = {"Field", "Read from", "Type",
					   "Description", "Normalized", "Written at"};

	html_elem(h, "h3", NULL, "Fields");
	html_table(h, "Fields read on the VM's host and on the target", cols, 6);
	for (size_t i = 0; i < e->nfields; i++) {
		const mc_explain_field *f = &e->fields[i];

		html_start(h, "tr", NULL);
		html_th(h, "row", f->name);
		html_start(h, "td", NULL);
		html_elem(h, "code", NULL, f->from);
		if (f->source_cluster)
			html_text(h, " (on the VM's host: the members every host of its cluster has)");
		html_end(h);
		html_td(h, f->type);
		html_td(h, f->description ? f->description : "");
		html_start(h, "td", NULL);
		if (f->nnormalize) {
			html_start(h, "ul", NULL);
			for (size_t k = 0; k < f->nnormalize; k++) {
				html_start(h, "li", NULL);
				html_elem(h, "code", NULL, f->normalize[k]);
				html_end(h);
			}
			html_end(h);
		} else {
			html_text(h, "as read");
		}
		html_end(h);
		td_at(h, &f->at);
		html_end(h);
	}
	html_table_end(h);
}

static void
words_kinds(html *h, const mc_explanation *e)
{
	html_elem(h, "h3", NULL, "Kinds of move (the first that applies to the VM)");
	html_start(h, "ol", NULL);
	for (size_t i = 0; i < e->nkinds; i++) {
		const mc_explain_kind *k = &e->kinds[i];

		html_start(h, "li", NULL);
		html_elem(h, "strong", NULL, k->name);
		html_text(h, k->when ? ": when " : ": every VM");
		html_text(h, k->when);
		html_text(h, " (");
		html_location(h, &k->at);
		html_text(h, ")");
		if (k->description)
			html_elem(h, "p", NULL, k->description);
		html_end(h);
	}
	html_end(h);
}

static void
words_host(html *h, const mc_explanation *e)
{
	html_elem(h, "h3", NULL, "Host requirements (a target failing one is refused)");
	if (!e->nhost_require) {
		html_elem(h, "p", NULL, "None.");
		return;
	}
	html_start(h, "ul", NULL);
	for (size_t i = 0; i < e->nhost_require; i++) {
		html_start(h, "li", NULL);
		html_textf(h, "host.%zu: ", i + 1);
		html_text(h, e->host_require[i].text);
		html_text(h, " (");
		html_location(h, &e->host_require[i].at);
		html_text(h, ")");
		html_end(h);
	}
	html_end(h);
	if (e->host_message) {
		html_start(h, "p", NULL);
		html_text(h, "A refused host gets the message: ");
		html_elem(h, "q", NULL, e->host_message);
		html_end(h);
	}
}

static void
words_relax(html *h, const mc_explanation *e)
{
	html_elem(h, "h3", NULL, "Relaxations (checks dropped while a condition holds)");
	if (!e->nrelax) {
		html_elem(h, "p", NULL, "None.");
		return;
	}
	html_start(h, "ul", NULL);
	for (size_t i = 0; i < e->nrelax; i++) {
		const mc_explain_relax *x = &e->relax[i];

		html_start(h, "li", NULL);
		if (x->id)
			html_elem(h, "strong", NULL, x->id);
		else
			html_textf(h, "relax.%zu", i + 1);
		html_text(h, ": when ");
		html_text(h, x->when);
		html_text(h, ", not checked: ");
		html_text_list(h, x->dropped, x->ndropped, "nothing");
		html_text(h, " (");
		html_location(h, &x->at);
		html_text(h, ")");
		if (x->note)
			html_elem(h, "p", NULL, x->note);
		html_end(h);
	}
	html_end(h);
}

static void
words_rules(html *h, const mc_explanation *e)
{
	html_elem(h, "h3", NULL, "Rules");
	if (!e->nrules) {
		html_elem(h, "p", NULL, "None.");
		return;
	}
	html_start(h, "ul", NULL);
	for (size_t i = 0; i < e->nrules; i++) {
		const mc_explain_rule *u = &e->rules[i];

		html_start(h, "li", NULL);
		html_elem(h, "strong", NULL, u->id);
		html_text(h, " (");
		html_text_list(h, u->kinds, u->nkinds, "every kind");
		html_text(h, "): ");
		if (u->lua) {
			html_textf(h, "Lua, lines %u to %u", u->lua_first_line, u->lua_last_line);
			if (u->nuses) {
				html_text(h, ", reads ");
				html_text_list(h, u->uses, u->nuses, "");
			}
		} else {
			html_text(h, u->condition);
		}
		html_text(h, " (");
		html_location(h, &u->at);
		html_text(h, ")");
		html_start(h, "p", NULL);
		html_text(h, "Message: ");
		html_elem(h, "q", NULL, u->message);
		html_end(h);
		if (u->description)
			html_elem(h, "p", NULL, u->description);
		html_end(h);
	}
	html_end(h);
}

static void
words_rest(html *h, const mc_explanation *e)
{
	html_elem(h, "h3", NULL, "Preferences (grade the allowed hosts)");
	if (!e->nprefer) {
		html_elem(h, "p", NULL, "None.");
	} else {
		html_start(h, "ul", NULL);
		for (size_t i = 0; i < e->nprefer; i++) {
			html_start(h, "li", NULL);
			html_text(h, e->prefer[i].text);
			html_textf(h, ", weight %u of %u (", e->prefer[i].weight,
				   e->prefer_total);
			html_location(h, &e->prefer[i].at);
			html_text(h, ")");
			html_end(h);
		}
		html_end(h);
	}
	html_elem(h, "h3", NULL, "Placement (rates the allowed hosts from their resources)");
	if (!e->placement) {
		html_elem(h, "p", NULL, "None.");
	} else {
		html_start(h, "p", NULL);
		html_text(h, e->placement);
		html_text(h, " (");
		html_location(h, &e->placement_at);
		html_text(h, ")");
		html_end(h);
	}
	html_elem(h, "h3", NULL, "Remedies (tried in this order on a refused move)");
	if (!e->nremedies) {
		html_elem(h, "p", NULL, "None.");
		return;
	}
	html_start(h, "ul", NULL);
	for (size_t i = 0; i < e->nremedies; i++) {
		const mc_explain_remedy *m = &e->remedies[i];

		html_start(h, "li", NULL);
		html_elem(h, "strong", NULL, m->id);
		html_text(h, ": sets ");
		html_text_list(h, m->set, m->nset, "nothing");
		html_text(h, " (");
		html_location(h, &m->at);
		html_text(h, ")");
		html_elem(h, "p", NULL, m->says);
		if (m->warning) {
			html_start(h, "p", NULL);
			html_verdict(h, "warn", "Warning:");
			html_text(h, " ");
			html_text(h, m->warning);
			html_end(h);
		}
		html_end(h);
	}
	html_end(h);
}

static void
write_words(html *h, const report *r)
{
	const mc_explanation *e = r->e;

	html_section(h, "words", "The policy in words");
	if (e->description)
		html_elem(h, "p", NULL, e->description);
	html_start(h, "p", NULL);
	html_textf(h, "%zu fields, %zu kinds of move, %zu host requirements, "
		   "%zu relaxations, %zu rules, %zu remedies; %zu tests in its own file.",
		   e->nfields, e->nkinds, e->nhost_require, e->nrelax, e->nrules,
		   e->nremedies, e->ntests);
	html_end(h);
	words_fields(h, e);
	words_kinds(h, e);
	words_host(h, e);
	words_relax(h, e);
	words_rules(h, e);
	words_rest(h, e);
	html_end(h);
}

/* ------------------------------------------------------------------------
 * Every check and its source
 */

/* A row's start: the check's id (PREFIX.NAME, or PREFIX.N when name is
 * NULL) and its kinds (NULL: every kind). The caller writes the cell of
 * what it checks; row_end() the comment and the place. */
static void
row_start(html *h, const char *prefix, const char *name, size_t n,
	  const char *const *kinds, size_t nkinds)
{
	html_start(h, "tr", NULL);
	html_start(h, "th", NULL);
	html_attr(h, "scope", "row");
	html_text(h, prefix);
	if (name) {
		html_text(h, ".");
		html_text(h, name);
	} else if (n) {
		html_textf(h, ".%zu", n);
	}
	html_end(h);
	html_start(h, "td", NULL);
	html_text_list(h, kinds, nkinds, "every kind");
	html_end(h);
	html_start(h, "td", "what");
}

/* Ends the row row_start() began: its source (the comment beside it) and
 * its place. False when memory runs out. */
static bool
row_end(html *h, const report *r, const mc_location *at)
{
	bool nomem = false;
	char *c = cite(r, at, &nomem);

	html_end(h);
	if (c)
		html_elem(h, "td", "cite", c);
	else
		html_elem(h, "td", "none", "no comment in the policy");
	td_at(h, at);
	html_end(h);
	free(c);
	return !nomem;
}

static bool
write_rules(html *h, const report *r)
{
	static const char *const cols[] = {"Check", "Kinds", "What it checks",
					   "Source (the comment beside it in the policy)",
					   "Written at"};
	const mc_explanation *e = r->e;
	bool ok = true;

	html_section(h, "rules", "Rules and their sources");
	html_elem(h, "p", NULL,
		  "Every check of the policy as its violations name it, with the comment "
		  "written right above it (or above the keys that hold it) or at the end "
		  "of its line: the policy's citation of its source.");
	html_table(h, "Checks, their kinds, sources and places", cols, 5);
	for (size_t i = 0; i < e->nhost_require && ok; i++) {
		row_start(h, "host", NULL, i + 1, NULL, 0);
		html_text(h, e->host_require[i].text);
		ok = row_end(h, r, &e->host_require[i].at);
	}
	for (size_t k = 0; k < e->nkinds && ok; k++) {
		for (size_t f = 0; f < e->nfields && ok; f++) {
			const mc_explain_cell *c = &e->cells[k * e->nfields + f];
			bool match = strcmp(c->check, "match") == 0;

			if (!c->at.file)
				continue;
			row_start(h, match ? "match" : "compare", e->fields[f].name, 0,
				  &e->kinds[k].name, 1);
			if (match) {
				html_text(h, e->fields[f].name);
				html_text(h, " equal on the VM's host and the target");
			} else {
				html_text(h, "the target's ");
				html_text(h, e->fields[f].name);
				html_text(h, " ");
				html_text(h, c->check);
				html_text(h, " the source's");
			}
			ok = row_end(h, r, &c->at);
		}
	}
	for (size_t i = 0; i < e->nrelax && ok; i++) {
		const mc_explain_relax *x = &e->relax[i];

		row_start(h, "relax", x->id, i + 1, NULL, 0);
		html_text(h, "when ");
		html_text(h, x->when);
		html_text(h, ", not checked: ");
		html_text_list(h, x->dropped, x->ndropped, "nothing");
		ok = row_end(h, r, &x->at);
	}
	for (size_t i = 0; i < e->nrules && ok; i++) {
		const mc_explain_rule *u = &e->rules[i];

		row_start(h, "rule", u->id, 0, u->kinds, u->nkinds);
		html_text(h, u->lua ? "Lua" : u->condition);
		ok = row_end(h, r, &u->at);
	}
	if (e->placement && ok) {
		static const char *const named[] = {"the kinds its words name"};

		row_start(h, "placement", NULL, 0, named, 1);
		html_text(h, e->placement);
		ok = row_end(h, r, &e->placement_at);
	}
	for (size_t i = 0; i < e->nremedies && ok; i++) {
		row_start(h, "remedy", e->remedies[i].id, 0, NULL, 0);
		html_text(h, e->remedies[i].says);
		ok = row_end(h, r, &e->remedies[i].at);
	}
	html_table_end(h);
	html_end(h);
	return ok;
}

/* ------------------------------------------------------------------------
 * Kinds x fields
 */

static bool
write_table(html *h, const report *r)
{
	const mc_explanation *e = r->e;
	const char **notes = calloc(e->nkinds * e->nfields + 1, sizeof(*notes));
	size_t nnotes = 0;

	if (!notes)
		return false;
	html_section(h, "kinds-fields", "Kinds \u00d7 fields");
	html_elem(h, "p", NULL,
		  "match: equal on the VM's host and on the target; an operator: the "
		  "target's value against the source's; [N]: not checked while note N "
		  "below holds.");
	html_table_head(h, NULL, "What each kind of move checks of each field");
	html_th(h, "col", "Field");
	for (size_t k = 0; k < e->nkinds; k++)
		html_th(h, "col", e->kinds[k].name);
	html_table_body(h);
	for (size_t f = 0; f < e->nfields; f++) {
		html_start(h, "tr", NULL);
		html_th(h, "row", e->fields[f].name);
		for (size_t k = 0; k < e->nkinds; k++) {
			const mc_explain_cell *c = &e->cells[k * e->nfields + f];
			size_t note = 0;

			html_start(h, "td", c->at.file ? NULL : "none");
			html_text(h, c->check);
			if (c->relaxed) {
				while (note < nnotes && strcmp(notes[note], c->relaxed) != 0)
					note++;
				if (note == nnotes)
					notes[nnotes++] = c->relaxed;
				html_textf(h, " [%zu]", note + 1);
			}
			html_end(h);
		}
		html_end(h);
	}
	html_table_end(h);
	if (nnotes) {
		html_start(h, "ul", NULL);
		for (size_t i = 0; i < nnotes; i++) {
			html_start(h, "li", NULL);
			html_textf(h, "[%zu] ", i + 1);
			html_text(h, notes[i]);
			html_end(h);
		}
		html_end(h);
	}
	html_end(h);
	free(notes);
	return true;
}

/* ------------------------------------------------------------------------
 * Tests and coverage (mc_policy_test, as `migcheck test --coverage`)
 */

static void
write_tests(html *h, const report *r)
{
	static const char *const cols[] = {"Result", "Test", "Written at",
					   "Expected", "Actual"};
	static const char *const ccols[] = {"Check", "Exercised", "Written at"};
	const mc_test_report *t = r->tests;

	html_section(h, "tests", "Tests");
	html_elem(h, "p", NULL, t->nfailed ? "Some tests fail." : "Every test passes.");
	html_start(h, "p", NULL);
	html_textf(h, "%zu tests: %zu passed, %zu failed", t->ntests,
		   t->ntests - t->nfailed, t->nfailed);
	if (t->nerrors)
		html_textf(h, " (%zu of them could not run)", t->nerrors);
	html_text(h, ".");
	html_end(h);
	if (t->ntests) {
		html_table(h, "The policy's own tests, in file order", cols, 5);
		for (size_t i = 0; i < t->ntests; i++) {
			const mc_test_case *c = &t->tests[i];

			html_start(h, "tr", NULL);
			html_start(h, "td", NULL);
			html_verdict(h, c->passed ? "ok" : c->error ? "warn" : "bad",
				     c->passed ? "passed" : c->error ? "error" : "failed");
			html_end(h);
			html_th(h, "row", c->name);
			td_at(h, &c->at);
			html_td(h, c->passed ? "" : c->expected);
			html_td(h, c->passed ? "" : c->actual);
			html_end(h);
		}
		html_table_end(h);
	}
	html_elem(h, "h3", NULL, "Coverage");
	html_start(h, "p", NULL);
	html_textf(h, "%zu of %zu checks exercised.", t->nexercised, t->ncoverage);
	html_end(h);
	if (!t->ncoverage) {
		html_end(h);
		return;
	}
	html_table(h, "Every check, and whether a test exercises it", ccols, 3);
	for (size_t i = 0; i < t->ncoverage; i++) {
		const mc_coverage_item *c = &t->coverage[i];

		html_start(h, "tr", NULL);
		html_th(h, "row", c->name);
		html_start(h, "td", NULL);
		html_verdict(h, c->exercised ? "ok" : "bad",
			     c->exercised ? "exercised" : "not exercised");
		html_end(h);
		td_at(h, &c->at);
		html_end(h);
	}
	html_table_end(h);
	html_end(h);
}

/* ------------------------------------------------------------------------
 * Lint (mc_policy_lint, as `migcheck lint`)
 */

static void
write_lint(html *h, const report *r)
{
	static const char *const cols[] = {"Severity", "Id", "Written at", "Finding"};
	const lint_file *l = &r->lint;
	size_t errors = 0, warnings = 0;

	html_section(h, "lint", "Lint");
	if (!l->nitems) {
		html_elem(h, "p", NULL, "No findings.");
		html_end(h);
		return;
	}
	for (size_t i = 0; i < l->nitems; i++) {
		errors += l->items[i]->severity == MC_SEVERITY_ERROR;
		warnings += l->items[i]->severity == MC_SEVERITY_WARNING;
	}
	html_start(h, "p", NULL);
	html_textf(h, "%zu errors, %zu warnings.", errors, warnings);
	html_end(h);
	html_table(h, "Findings, by file, line and column", cols, 4);
	for (size_t i = 0; i < l->nitems; i++) {
		const mc_diag_item *it = l->items[i];

		html_start(h, "tr", NULL);
		html_start(h, "td", NULL);
		html_verdict(h, it->severity == MC_SEVERITY_ERROR ? "bad" : "warn",
			     it->severity == MC_SEVERITY_ERROR ? "error"
			     : it->severity == MC_SEVERITY_WARNING ? "warning" : "note");
		html_end(h);
		html_th(h, "row", report_lint_id(it));
		td_at(h, &it->at);
		html_td(h, it->message);
		html_end(h);
	}
	html_table_end(h);
	html_end(h);
}

/* ------------------------------------------------------------------------
 * Fleet impact (mc_diff, as `migcheck diff OLD POLICY`)
 */

static void
verdict_cell(html *h, const mc_diff_verdict *v)
{
	char rating[16];

	html_start(h, "td", NULL);
	if (!v->kind) {
		html_verdict(h, "none", "no verdict");
	} else if (v->allowed) {
		cli_rating(rating, sizeof(rating), v->rating_halves);
		html_verdict(h, "ok", "allowed");
		html_textf(h, ", rating %s", rating);
	} else {
		html_verdict(h, "bad", "refused");
	}
	html_end(h);
}

static void
count_cell(html *h, size_t n)
{
	html_start(h, "td", NULL);
	html_textf(h, "%zu", n);
	html_end(h);
}

static void
policy_item(html *h, const char *term, const mc_policy *p)
{
	html_elem(h, "dt", NULL, term);
	html_start(h, "dd", NULL);
	html_text(h, mc_policy_name(p));
	html_text(h, " (");
	html_elem(h, "code", NULL, mc_policy_file(p));
	html_text(h, "), ");
	html_elem(h, "span", "digest", mc_policy_digest(p));
	html_end(h);
}

static void
write_impact(html *h, const report *r)
{
	static const char *const tcols[] = {"Kind", "Now refused", "Now allowed",
					    "Rating changed", "Other"};
	static const char *const ccols[] = {"VM", "Host", "Kind (old \u2192 new)",
					    "Old policy", "New policy", "Violations gained",
					    "Violations lost"};
	const mc_diff_result *d = r->diff;
	size_t shown;

	html_section(h, "impact", "Fleet impact");
	if (!d) {
		html_elem(h, "p", NULL,
			  "Not requested: with --against OLD and -i INVENTORY, this section "
			  "lists the moves of the inventory whose verdict changes from the "
			  "old policy to this one.");
		html_end(h);
		return;
	}
	html_start(h, "dl", "summary");
	policy_item(h, "Old policy", r->old);
	policy_item(h, "New policy", r->pol);
	html_elem(h, "dt", NULL, "Inventory");
	html_start(h, "dd", NULL);
	html_text_list(h, (const char *const *)r->inventories, r->ninv, "");
	html_end(h);
	html_end(h);
	html_start(h, "p", NULL);
	html_textf(h, "%zu moves compared (every VM to every host but its own); "
		   "%zu change.", d->moves, d->nchanges);
	html_end(h);
	html_table(h, "Changed moves per kind (the new policy's kind, else the old one's)",
	      tcols, 5);
	for (size_t i = 0; i < d->ntallies; i++) {
		const mc_diff_tally *t = &d->tallies[i];

		html_start(h, "tr", NULL);
		html_th(h, "row", t->kind);
		count_cell(h, t->now_refused);
		count_cell(h, t->now_allowed);
		count_cell(h, t->rating_changed);
		count_cell(h, t->other);
		html_end(h);
	}
	html_table_end(h);
	if (!d->nchanges) {
		html_end(h);
		return;
	}
	shown = d->nchanges < REPORT_MAX_CHANGES ? d->nchanges : REPORT_MAX_CHANGES;
	html_table(h, "Every changed move, by VM then host, in inventory order", ccols, 7);
	for (size_t i = 0; i < shown; i++) {
		const mc_diff_change *c = &d->changes[i];
		const mc_diff_move *m = c->move;

		html_start(h, "tr", NULL);
		html_th(h, "row", c->vm);
		html_td(h, c->host);
		html_start(h, "td", NULL);
		html_text(h, m->before.kind ? m->before.kind : "(none)");
		html_text(h, " \u2192 ");
		html_text(h, m->after.kind ? m->after.kind : "(none)");
		html_end(h);
		verdict_cell(h, &m->before);
		verdict_cell(h, &m->after);
		html_start(h, "td", NULL);
		html_text_list(h, m->gained, m->ngained, "-");
		html_end(h);
		html_start(h, "td", NULL);
		html_text_list(h, m->lost, m->nlost, "-");
		html_end(h);
		html_end(h);
	}
	html_table_end(h);
	if (shown < d->nchanges) {
		html_start(h, "p", NULL);
		html_textf(h, "%zu more changed moves are not listed here; "
			   "migcheck diff lists them all.", d->nchanges - shown);
		html_end(h);
	}
	html_end(h);
}

/* The whole document, or NULL when memory runs out. */
static char *
write_report(const report *r, size_t *len)
{
	html h;
	bool ok;
	char *title = malloc(strlen(r->e->name) + sizeof("Policy report: "));

	if (!title)
		return NULL;
	strcpy(title, "Policy report: ");
	strcat(title, r->e->name);
	if (!html_open(&h, title)) {
		free(title);
		return html_close(&h, len);
	}
	html_start(&h, "header", NULL);
	html_elem(&h, "h1", NULL, title);
	free(title);
	html_start(&h, "p", NULL);
	html_text(&h, "For review and sign-off. Made by migcheck ");
	html_text(&h, mc_version());
	html_text(&h, " on ");
	html_text(&h, r->made);
	html_text(&h, ".");
	html_end(&h);
	html_end(&h);
	html_start(&h, "main", NULL);
	write_summary(&h, r);
	write_words(&h, r);
	ok = write_rules(&h, r) && write_table(&h, r);
	write_tests(&h, r);
	write_lint(&h, r);
	write_impact(&h, r);
	if (!ok)
		h.failed = true;
	return html_close(&h, len);
}

/* ------------------------------------------------------------------------
 * The command
 */

enum { OPT_AGAINST = 256, OPT_HOST };

/* What `report` reports on: its first argument. */
const char *const cli_report_subjects[] = {"policy", "fleet", NULL};

static const cli_opt report_opts[] = {
	{0, NULL, NULL, "policy POLICY", NULL, 0, NULL},
	{OPT_AGAINST, "against", "OLD",
	 "[--against OLD -i INVENTORY...]",
	 "the fleet impact: the moves whose verdict\n"
	 "changes from the policy OLD to POLICY (as\n"
	 "migcheck diff OLD POLICY); needs -i",
	 CLI_OPT_VALUE, NULL},
	{'i', "inventory", "FILE", NULL,
	 "an inventory file for --against, or the\n"
	 "fleet of report fleet; repeat to merge\n"
	 "several",
	 CLI_OPT_VALUE | CLI_OPT_MANY, NULL},
	{'p', "policy", "FILE", "| fleet -p POLICY -i INVENTORY... [--host HOST]",
	 "report fleet: the policy of the fleet",
	 CLI_OPT_VALUE | CLI_OPT_BREAK, NULL},
	{OPT_HOST, "host", "HOST", NULL,
	 "report fleet: the evacuation plan of HOST\n"
	 "(as plan --assign --host HOST)",
	 CLI_OPT_VALUE, NULL},
	{'o', "output", "FILE", "-o FILE.html",
	 "write the report to FILE (required): a\n"
	 "regular file, replaced whole, or left as it\n"
	 "was when the command fails; never a FIFO,\n"
	 "a device or standard output",
	 CLI_OPT_VALUE | CLI_OPT_BREAK, NULL},
	{CLI_OPT_LIMIT, "limit", "NAME=N", "[--limit NAME=N]...",
	 "change a limit on input, e.g. depth=128,\n"
	 "file-size=1G (see docs/limits.md)",
	 CLI_OPT_VALUE | CLI_OPT_MANY, NULL},
	CLI_OPT_LAST,
};

const cli_spec cli_report_spec = {
	"report", report_opts,
	"Writes one self-contained HTML file about POLICY for an auditor: its\n"
	"name, file, digest, and when the report was made (UTC; the time in\n"
	"SOURCE_DATE_EPOCH when it is set); the policy in words; every check\n"
	"with its kinds, the comment beside it in the policy (its source) and\n"
	"its place; the table of kinds x fields; the policy's tests and their\n"
	"coverage; its lint findings; and with --against OLD -i INVENTORY, the\n"
	"moves of the fleet now refused and now allowed, per kind\n"
	"(docs/report.md).\n"
	"\n"
	"report fleet writes one self-contained HTML file about the fleet of\n"
	"the inventories under POLICY for its admins: a summary; per kind, the\n"
	"compatibility classes as a graph of the transitively reduced matrix\n"
	"and a table of its moves; a heat map of the moves between hosts (or\n"
	"classes, past 40 hosts); each cluster's baseline; the VMs no host can\n"
	"take and why; and with --host HOST, the moves that empty HOST in\n"
	"order, and the VMs that stay.\n",
	"Exit status: 0 when the report is written (whatever its tests and\n"
	"findings say); 2 on bad usage or bad input.\n",
	true,
	0,
};

void
cli_report_help(FILE *out)
{
	cli_help(out, &cli_report_spec);
}

/* The arguments of report fleet, once the options are read. */
static int
fleet_args(report *r, char **args, size_t nargs)
{
	r->fleet_report = true;
	if (nargs > 1)
		return cli_usage("report", "unexpected argument '%s': report fleet "
				 "takes -p POLICY -i INVENTORY...", args[1]);
	if (r->against)
		return cli_usage("report", "--against is for report policy");
	if (!r->fleet_policy)
		return cli_usage("report", "name the fleet's policy: report fleet "
				 "-p POLICY -i INVENTORY...");
	if (!r->ninv)
		return cli_usage("report", "name the fleet's inventory: report fleet "
				 "-p POLICY -i INVENTORY...");
	if (!r->sh.output)
		return cli_usage("report", "name the HTML file to write with -o FILE");
	if (cli_is_stdin(r->sh.output))
		return cli_usage("report", "the report is written to a file, not to "
				 "standard output (-o -)");
	return CLI_YES;
}

/* The arguments and options; CLI_YES, or the status of a usage error or
 * --help (in *done). */
static int
report_args(report *r, int argc, char **argv, bool *done)
{
	cli_parser parser;
	char *args[3] = {NULL, NULL, NULL}, *arg;
	size_t nargs = 0;
	int c;

	cli_opt_init(&parser, &cli_report_spec, argc, argv);
	while ((c = cli_next_option(&parser, &r->sh, NULL, &arg)) > CLI_OPT_END) {
		switch (c) {
		case CLI_OPT_ARG:
			if (nargs < 3)
				args[nargs++] = arg;
			break;
		case 'i':
			r->inventories[r->ninv++] = arg;
			break;
		case OPT_AGAINST:
			r->against = arg;
			break;
		case 'p':
			r->fleet_policy = arg;
			break;
		case OPT_HOST:
			r->host = arg;
			break;
		}
	}
	if (c != CLI_OPT_END) {
		*done = true;
		return cli_opt_status(c);
	}
	for (; optind < argc && nargs < 3; optind++)
		args[nargs++] = argv[optind];
	if (!nargs)
		return cli_usage("report", "name what to report on: policy POLICY, "
				 "or fleet -p POLICY -i INVENTORY...");
	if (strcmp(args[0], "fleet") == 0)
		return fleet_args(r, args, nargs);
	if (strcmp(args[0], "policy") != 0)
		return cli_usage("report", "unknown report '%s': the reports are "
				 "'policy' and 'fleet'", args[0]);
	if (r->fleet_policy || r->host)
		return cli_usage("report", "%s is for report fleet",
				 r->host ? "--host" : "-p");
	if (nargs < 2)
		return cli_usage("report", "name the policy file: report policy POLICY");
	if (nargs > 2)
		return cli_usage("report", "unexpected argument '%s'", args[2]);
	r->policy_path = args[1];
	if (!r->sh.output)
		return cli_usage("report", "name the HTML file to write with -o FILE");
	if (cli_is_stdin(r->sh.output))
		return cli_usage("report", "the report is written to a file, not to "
				 "standard output (-o -)");
	if (r->against && !r->ninv)
		return cli_usage("report", "--against needs the inventory to compare "
				 "on: -i INVENTORY");
	if (r->ninv && !r->against)
		return cli_usage("report", "-i is for --against: name the old policy "
				 "with --against OLD");
	return CLI_YES;
}

/* Loads and runs everything the report shows; CLI_YES or CLI_ERROR (said
 * on stderr). */
static int
report_gather(report *r)
{
	mc_diff_request req;
	int rc;

	if (!(r->diag = mc_diag_new()) || !(r->lint.diag = mc_diag_new()))
		return cli_fail(MC_ENOMEM, NULL);
	/* The policy loads into the lint findings: a warning of the loader
	 * is one of them, an error stops the report. */
	r->lint.path = r->policy_path;
	if (cli_policy_load(&r->pol, r->policy_path, &r->sh.limits, r->lint.diag) != MC_OK) {
		cli_print_diags(r->lint.diag);
		return CLI_ERROR;
	}
	if (r->against &&
	    (!(r->old = cli_load_policy(r->against, &r->sh.limits, r->diag)) ||
	     !(r->inv = cli_load_inventory(r->inventories, r->ninv, &r->sh.limits,
					   r->diag))))
		return CLI_ERROR;
	if ((rc = mc_policy_explain(&r->e, r->pol)) != MC_OK ||
	    (rc = mc_policy_lint(r->pol, r->lint.diag)) != MC_OK)
		return cli_fail(rc, r->diag);
	if (!lint_sort(&r->lint) || !src_load(r))
		return cli_fail(MC_ENOMEM, NULL);
	if ((rc = mc_policy_test(&r->tests, r->pol, &r->sh.limits, r->diag)) != MC_OK)
		return cli_fail(rc, r->diag);
	if (!r->against)
		return CLI_YES;
	memset(&req, 0, sizeof(req));
	if ((rc = mc_fleet_new(&r->fleet[0], r->old, r->inv, &r->sh.limits, r->diag)) != MC_OK ||
	    (rc = mc_fleet_new(&r->fleet[1], r->pol, r->inv, &r->sh.limits, r->diag)) != MC_OK ||
	    (rc = mc_diff(&r->diff, r->fleet[0], r->fleet[1], &req, r->diag)) != MC_OK)
		return cli_fail(rc, r->diag);
	return CLI_YES;
}

int
cli_report(int argc, char **argv)
{
	report r;
	cli_sink sink;
	bool done = false;
	char *text = NULL;
	size_t len = 0;
	int status = CLI_ERROR;

	memset(&r, 0, sizeof(r));
	cli_shared_init(&r.sh);
	if (!(r.inventories = calloc((size_t)argc + 1, sizeof(*r.inventories)))) {
		status = cli_fail(MC_ENOMEM, NULL);
		goto out;
	}
	if ((status = report_args(&r, argc, argv, &done)) != CLI_YES || done)
		goto out;
	status = CLI_ERROR;
	if (made_at(r.made, sizeof(r.made)) != CLI_YES)
		goto out;
	if (r.fleet_report) {
		report_fleet_req fq = {r.fleet_policy, r.inventories, r.ninv, r.host,
				       &r.sh.limits, r.made};

		if (report_fleet(&fq, &text, &len) != CLI_YES)
			goto out;
	} else if (report_gather(&r) != CLI_YES) {
		goto out;
	} else if (!(text = write_report(&r, &len))) {
		status = cli_fail(MC_ENOMEM, NULL);
		goto out;
	}
	if (cli_sink_open_file(&sink, r.sh.output) != CLI_YES)
		goto out;
	fwrite(text, 1, len, sink.f);
	status = cli_sink_close(&sink, true);
out:
	free(text);
	mc_diff_result_free(r.diff);
	mc_fleet_free(r.fleet[0]);
	mc_fleet_free(r.fleet[1]);
	mc_inventory_free(r.inv);
	mc_test_report_free(r.tests);
	mc_explanation_free(r.e);
	mc_policy_free(r.old);
	mc_policy_free(r.pol);
	mc_diag_free(r.lint.diag);
	free(r.lint.items);
	mc_diag_free(r.diag);
	for (size_t i = 0; i < r.nsrc; i++) {
		free(r.src[i].data);
		free(r.src[i].lines);
	}
	free(r.src);
	free(r.inventories);
	return status;
}
