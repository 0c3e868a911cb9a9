/* SPDX-License-Identifier: MIT */
/*
 * report_lint.c - the reports of `migcheck lint`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_lint.h"
#include "cli.h"
#include "json.h"

/* Every id lint reports, with its level and what it means (docs/lint.md
 * says more); SARIF lists them as the tool's rules. */
static const struct rule {
	const char *id;
	const char *level;
	const char *text;
} rules[] = {
	{"yaml", "error", "The file is not valid YAML."},
	{"duplicate-key", "error", "A mapping has the same key twice."},
	{"limit", "error", "An input exceeds a limit on untrusted input."},
	{"unknown-key", "error", "A key that the policy format does not know."},
	{"unknown-field", "error", "A field name that the policy does not declare."},
	{"unknown-kind", "error", "A kind name that the policy does not declare."},
	{"op-type", "error", "A compare operator that does not fit the field's type."},
	{"bad-pattern", "error", "A regular expression that does not compile."},
	{"duplicate-id", "error", "An id used twice in one list of a file."},
	{"bad-value", "error", "A value of the wrong shape or out of range."},
	{"invalid", "error", "The policy cannot be read or compiled."},
	{"kind-checks-nothing", "warning",
	 "A kind with no host requirement, match, compare, rule or placement: every host can take "
	 "such a VM."},
	{"kind-shadowed", "warning",
	 "A kind that can never be chosen because an earlier kind always applies first."},
	{"relax-drops-identity", "warning",
	 "A relaxation that stops checking the processor's manufacturer or architecture."},
	{"relax-says-nothing", "warning",
	 "A relaxation that drops nothing and has no note: it does nothing."},
	{"remedy-drops-identity", "warning",
	 "A remedy that makes a relaxation dropping manufacturer or architecture apply."},
	{"rule-no-kind", "warning", "A rule whose 'kinds' list is empty: it applies to nothing."},
	{"placement-no-kind", "warning",
	 "A 'placement' whose 'kinds' list is empty: it rates no move."},
	{"field-unused", "warning", "A declared field that no check, relaxation or preference uses."},
	{"remedy-no-effect", "warning", "A remedy that changes nothing the policy reads."},
	{"normalize-unreachable", "warning",
	 "A normalize pattern that never applies because an earlier one matches first."},
};

#define NRULES (sizeof(rules) / sizeof(*rules))

const char *
report_lint_id(const mc_diag_item *it)
{
	return it->code ? it->code : "invalid";
}

static const char *
severity_name(mc_severity s)
{
	return s == MC_SEVERITY_ERROR ? "error"
	       : s == MC_SEVERITY_WARNING ? "warning" : "note";
}

static void
count(const lint_file *files, size_t n, size_t *errors, size_t *warnings)
{
	*errors = *warnings = 0;
	for (size_t f = 0; f < n; f++) {
		for (size_t i = 0; i < files[f].nitems; i++) {
			mc_severity s = files[f].items[i]->severity;
			*errors += s == MC_SEVERITY_ERROR;
			*warnings += s == MC_SEVERITY_WARNING;
		}
	}
}

/* The file of a finding: its own, or the policy named on the command line
 * for a finding about no file in particular. */
static const char *
finding_file(const lint_file *f, const mc_diag_item *it)
{
	return it->at.file ? it->at.file : f->path;
}

/* A finding and its place in the order found. */
typedef struct found {
	const mc_diag_item *it;
	size_t at;
	const char *file;
} found;

static int
found_cmp(const void *a, const void *b)
{
	const found *x = a, *y = b;
	int c = strcmp(x->file, y->file);

	if (c)
		return c;
	if (x->it->at.line != y->it->at.line)
		return x->it->at.line < y->it->at.line ? -1 : 1;
	if (x->it->at.column != y->it->at.column)
		return x->it->at.column < y->it->at.column ? -1 : 1;
	return (x->at > y->at) - (x->at < y->at);
}

bool
lint_sort(lint_file *f)
{
	size_t n = mc_diag_count(f->diag);
	found *all = calloc(n + 1, sizeof(*all));

	f->items = calloc(n + 1, sizeof(*f->items));
	if (!all || !f->items) {
		free(all);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		all[i].it = mc_diag_get(f->diag, i);
		all[i].at = i;
		all[i].file = finding_file(f, all[i].it);
	}
	qsort(all, n, sizeof(*all), found_cmp);
	for (size_t i = 0; i < n; i++)
		f->items[i] = all[i].it;
	f->nitems = n;
	free(all);
	return true;
}

/* ------------------------------------------------------------------------
 * Text
 */

static const char *
plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

char *
report_lint_text(const lint_file *files, size_t n, bool color, size_t *len)
{
	size_t errors, warnings;
	cli_text report;
	FILE *out;

	if (!cli_text_open(&report))
		return NULL;
	out = report.out;
	for (size_t f = 0; f < n; f++) {
		for (size_t i = 0; i < files[f].nitems; i++) {
			const mc_diag_item *it = files[f].items[i];
			const char *on = "", *off = "";

			if (color) {
				on = it->severity == MC_SEVERITY_ERROR ? "\033[1;31m"
				     : "\033[1;35m";
				off = "\033[0m";
			}
			cli_put(out, finding_file(&files[f], it));
			if (it->at.line)
				cli_printf(out, ":%u:%u", it->at.line, it->at.column);
			fputs(": ", out);
			cli_text_style(&report, on);
			cli_printf(out, "%s[%s]:", severity_name(it->severity),
				   report_lint_id(it));
			cli_text_style(&report, off);
			fputc(' ', out);
			cli_put(out, it->message);
			fputc('\n', out);
			if (it->source_line && *it->source_line)
				cli_source_line(out, it->source_line, it->at.line,
						it->at.column);
		}
	}
	count(files, n, &errors, &warnings);
	cli_printf(out, "%zu %s checked: %zu %s, %zu %s\n", n,
		   plural(n, "policy", "policies"), errors,
		   plural(errors, "error", "errors"), warnings,
		   plural(warnings, "warning", "warnings"));
	return cli_text_close(&report, len);
}

/* ------------------------------------------------------------------------
 * JSON and SARIF
 */

char *
report_lint_json(const lint_file *files, size_t n, size_t *len)
{
	jctx j = {true};
	json_t *root = json_object(), *pols = json_array(), *finds = json_array();
	size_t errors, warnings;

	jset(&j, root, "schema", json_string(CLI_SCHEMA("lint", 1)));
	for (size_t f = 0; f < n; f++) {
		json_t *pol = json_object();
		size_t e = 0, w = 0;

		jset(&j, pol, "file", json_string(files[f].path));
		jset(&j, pol, "loaded", json_boolean(files[f].policy != NULL));
		if (files[f].policy) {
			jset(&j, pol, "name", json_string(mc_policy_name(files[f].policy)));
			jset(&j, pol, "digest",
			     json_string(mc_policy_digest(files[f].policy)));
		}
		for (size_t i = 0; i < files[f].nitems; i++) {
			const mc_diag_item *it = files[f].items[i];
			json_t *fd = json_object();

			e += it->severity == MC_SEVERITY_ERROR;
			w += it->severity == MC_SEVERITY_WARNING;
			jset(&j, fd, "id", json_string(report_lint_id(it)));
			jset(&j, fd, "severity", json_string(severity_name(it->severity)));
			jset(&j, fd, "policy", json_string(files[f].path));
			jset(&j, fd, "at", it->at.line
			     ? jplace(finding_file(&files[f], it), it->at.line,
				      it->at.column)
			     : json_null());
			jset(&j, fd, "message", json_string(it->message));
			jpush(&j, finds, fd);
		}
		jset(&j, pol, "errors", json_integer((json_int_t)e));
		jset(&j, pol, "warnings", json_integer((json_int_t)w));
		jpush(&j, pols, pol);
	}
	count(files, n, &errors, &warnings);
	jset(&j, root, "policies", pols);
	jset(&j, root, "findings", finds);
	jset(&j, root, "errors", json_integer((json_int_t)errors));
	jset(&j, root, "warnings", json_integer((json_int_t)warnings));
	return jdump(&j, root, len);
}

/* A path as a URI reference: bytes other than unreserved ones and '/'
 * percent-encoded. */
static json_t *
uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(path);
	char *s = malloc(3 * n + 1), *o = s;
	json_t *v;

	if (!s)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p)) {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	v = json_string(s);
	free(s);
	return v;
}

static size_t
rule_index(const char *id)
{
	for (size_t i = 0; i < NRULES; i++) {
		if (strcmp(rules[i].id, id) == 0)
			return i;
	}
	return NRULES;
}

static json_t *
sarif_result(jctx *j, const lint_file *f, const mc_diag_item *it)
{
	json_t *r = json_object(), *msg = json_object(), *locs = json_array(),
	       *loc = json_object(), *phys = json_object(), *art = json_object();
	const char *id = report_lint_id(it);
	size_t ri = rule_index(id);

	jset(j, r, "ruleId", json_string(id));
	if (ri < NRULES)
		jset(j, r, "ruleIndex", json_integer((json_int_t)ri));
	jset(j, r, "level", json_string(it->severity == MC_SEVERITY_ERROR ? "error"
				       : it->severity == MC_SEVERITY_WARNING
				       ? "warning" : "note"));
	jset(j, msg, "text", json_string(it->message));
	jset(j, r, "message", msg);
	jset(j, art, "uri", uri(finding_file(f, it)));
	jset(j, phys, "artifactLocation", art);
	if (it->at.line) {
		json_t *region = json_object();
		jset(j, region, "startLine", json_integer(it->at.line));
		if (it->at.column)
			jset(j, region, "startColumn", json_integer(it->at.column));
		jset(j, phys, "region", region);
	}
	jset(j, loc, "physicalLocation", phys);
	jpush(j, locs, loc);
	jset(j, r, "locations", locs);
	return r;
}

char *
report_lint_sarif(const lint_file *files, size_t n, size_t *len)
{
	jctx j = {true};
	json_t *root = json_object(), *runs = json_array(), *run = json_object(),
	       *tool = json_object(), *driver = json_object(),
	       *rlist = json_array(), *results = json_array();

	jset(&j, root, "$schema",
	     json_string("https://json.schemastore.org/sarif-2.1.0.json"));
	jset(&j, root, "version", json_string("2.1.0"));
	jset(&j, driver, "name", json_string("migcheck"));
	jset(&j, driver, "version", json_string(mc_version()));
	for (size_t i = 0; i < NRULES; i++) {
		json_t *r = json_object(), *d = json_object(), *cfg = json_object();
		jset(&j, r, "id", json_string(rules[i].id));
		jset(&j, d, "text", json_string(rules[i].text));
		jset(&j, r, "shortDescription", d);
		jset(&j, cfg, "level", json_string(rules[i].level));
		jset(&j, r, "defaultConfiguration", cfg);
		jpush(&j, rlist, r);
	}
	jset(&j, driver, "rules", rlist);
	jset(&j, tool, "driver", driver);
	jset(&j, run, "tool", tool);
	for (size_t f = 0; f < n; f++) {
		for (size_t i = 0; i < files[f].nitems; i++)
			jpush(&j, results, sarif_result(&j, &files[f], files[f].items[i]));
	}
	jset(&j, run, "results", results);
	jpush(&j, runs, run);
	jset(&j, root, "runs", runs);
	return jdump(&j, root, len);
}
