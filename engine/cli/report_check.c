/* SPDX-License-Identifier: MIT */
/*
 * report_check.c - the reports of `migcheck check`.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "cli.h"
#include "json.h"

/* ------------------------------------------------------------------------
 * Text
 */

/* The terminal styles of the report ("" each without colors), and the
 * report they are written to. */
typedef struct style {
	const char *ok, *bad, *dim, *bold, *off;
	cli_text *report;
	const cli_glyphs *g;
} style;

/* Switches to a style of st (one of its members). */
static void
use(const style *st, const char *sgr)
{
	cli_text_style(st->report, sgr);
}

/* A violation's evidence: what a condition found (unless the message
 * already says it), or the two values. */
static void
evidence(FILE *out, const mc_violation *v)
{
	if (v->detail && !strstr(v->message, v->detail))
		cli_printf(out, ": %s", v->detail);
	else if (!v->detail && v->source.type != MC_VALUE_NONE &&
		 v->target.type != MC_VALUE_NONE)
		cli_printf(out, ": source %s, target %s", v->source.text, v->target.text);
}

/* "(FILE:LINE:COL)" dimmed, and the end of the line. */
static void
location(FILE *out, const mc_location *at, const style *st)
{
	use(st, st->dim);
	fputc('(', out);
	cli_location(out, at);
	fputc(')', out);
	use(st, st->off);
	fputc('\n', out);
}

static void
explain(FILE *out, const mc_host_verdict *h, const style *st)
{
	const char *last = NULL;

	for (size_t i = 0; i < h->nviolations; i++) {
		const mc_violation *v = &h->violations[i];

		/* Violations that share a message (several match fields) are
		 * listed under it once. */
		if (!last || strcmp(last, v->message) != 0) {
			fputs("    ", out);
			use(st, st->bad);
			fputs(st->g->cross, out);
			use(st, st->off);
			cli_printf(out, " %s\n", v->message);
		}
		last = v->message;
		cli_printf(out, "        %s", v->rule);
		evidence(out, v);
		fputs("  ", out);
		location(out, &v->at, st);
	}
	if (h->nremedies) {
		fputs("    ", out);
		use(st, st->bold);
		fputs("Would pass with:", out);
		use(st, st->off);
		fputc('\n', out);
		for (size_t i = 0; i < h->nremedies; i++) {
			const mc_remedy_hit *r = &h->remedies[i];
			cli_printf(out, "      %s %s: %s\n", st->g->bullet, r->id, r->says);
			if (r->warning)
				cli_printf(out, "        warning: %s\n", r->warning);
		}
	} else {
		fputs("    ", out);
		use(st, st->dim);
		fputs("No remedy of the policy makes this move pass.", out);
		use(st, st->off);
		fputc('\n', out);
	}
}

static void
relaxed(FILE *out, const mc_host_verdict *h, const char *indent,
	const style *st)
{
	for (size_t i = 0; i < h->nrelaxed; i++) {
		const mc_relax_hit *r = &h->relaxed[i];

		fputs(indent, out);
		use(st, st->dim);
		if (r->ndropped) {
			fputs("not checked:", out);
			for (size_t j = 0; j < r->ndropped; j++)
				cli_printf(out, "%s %s", j ? "," : "", r->dropped[j]);
			if (r->note)
				cli_printf(out, " (%s)", r->note);
		} else {
			/* a relaxation that drops nothing only says something */
			cli_printf(out, "note: %s", r->note ? r->note
				   : "a relaxation applied");
		}
		use(st, st->off);
		fputc('\n', out);
	}
}

static bool
same_relaxed(const mc_host_verdict *a, const mc_host_verdict *b)
{
	if (a->nrelaxed != b->nrelaxed)
		return false;
	for (size_t i = 0; i < a->nrelaxed; i++) {
		const mc_relax_hit *x = &a->relaxed[i], *y = &b->relaxed[i];
		if (x->at.line != y->at.line || x->at.column != y->at.column ||
		    strcmp(x->at.file, y->at.file) != 0)
			return false;
	}
	return true;
}

/* True when every host has the same relaxations (they depend on the VM
 * alone, as they usually do): they are then shown once, at the top. */
static bool
relaxed_for_all(const mc_check_result *res)
{
	for (size_t i = 1; i < res->nhosts; i++) {
		if (!same_relaxed(&res->hosts[0], &res->hosts[i]))
			return false;
	}
	return res->nhosts > 0 && res->hosts[0].nrelaxed > 0;
}

/* A trace line's mark and outcome, nine columns: "✓ passed ". */
static void
outcome_mark(FILE *out, mc_trace_outcome o, const cli_glyphs *g)
{
	switch (o) {
	case MC_TRACE_PASSED:
		cli_printf(out, "%s passed ", g->tick);
		break;
	case MC_TRACE_FAILED:
		cli_printf(out, "%s failed ", g->cross);
		break;
	case MC_TRACE_UNDECIDED:
		fputs("? unknown", out);
		break;
	case MC_TRACE_DROPPED:
		fputs("- dropped", out);
		break;
	case MC_TRACE_APPLIED:
		fputs("+ applied", out);
		break;
	default:
		fputs("  no     ", out);
		break;
	}
}

static const char *
outcome_word(mc_trace_outcome o)
{
	static const char *const words[] = {"passed", "failed", "undecided",
					    "dropped", "applied", "not-applied"};

	return words[o];
}

/* Every check evaluated for the host, in order. */
static void
trace(FILE *out, const mc_host_verdict *h, const style *st)
{
	size_t width = 0;

	for (size_t i = 0; i < h->ntrace; i++) {
		size_t w = strlen(h->trace[i].check);
		if (w > width)
			width = w;
	}
	fputs("    ", out);
	use(st, st->bold);
	fputs("trace:", out);
	use(st, st->off);
	fputc('\n', out);
	for (size_t i = 0; i < h->ntrace; i++) {
		const mc_trace_entry *e = &h->trace[i];

		fputs("      ", out);
		outcome_mark(out, e->outcome, st->g);
		cli_printf(out, "  %-*s", (int)width, e->check);
		if (e->detail)
			cli_printf(out, "  %s", e->detail);
		else if (e->source.type != MC_VALUE_NONE || e->target.type != MC_VALUE_NONE)
			cli_printf(out, "  source %s, target %s",
				   e->source.type != MC_VALUE_NONE ? e->source.text : "(none)",
				   e->target.type != MC_VALUE_NONE ? e->target.text : "(none)");
		fputs("  ", out);
		location(out, &e->at, st);
	}
}

char *
report_check_text(const mc_check_result *res, bool color, size_t *len)
{
	style plain = {"", "", "", "", "", NULL, cli_glyphs_get()};
	style ansi = {"\033[32m", "\033[31m", "\033[2m", "\033[1m", "\033[0m",
		      NULL, plain.g};
	style *st = color ? &ansi : &plain;
	size_t width = 4;
	cli_text report;
	FILE *out;

	if (!cli_text_open(&report))
		return NULL;
	st->report = &report;
	out = report.out;
	cli_printf(out, "Policy  %s (%s)\n", res->policy_name, res->policy_file);
	cli_printf(out, "Digest  %s\n", res->policy_digest);
	cli_printf(out, "VM      %s on %s, %s\n", res->vm, res->vm_host, res->vm_state);
	cli_printf(out, "Kind    %s%s\n", res->kind,
		   res->kind_given ? " (as asked)" : "");
	bool shared = relaxed_for_all(res);
	if (shared)
		relaxed(out, &res->hosts[0], "        ", st);
	fputc('\n', out);
	if (res->nhosts == 0)
		fputs("No other host to move to.\n", out);
	for (size_t i = 0; i < res->nhosts; i++) {
		size_t w = strlen(res->hosts[i].name);
		if (w > width)
			width = w;
	}
	for (size_t i = 0; i < res->nhosts; i++) {
		const mc_host_verdict *h = &res->hosts[i];
		char rating[16];

		cli_rating(rating, sizeof(rating), h->rating_halves);
		cli_stars(out, h->rating_halves, st->g);
		cli_printf(out, " %-3s  %-*s  ", rating, (int)width, h->name);
		use(st, h->allowed ? st->ok : st->bad);
		fputs(h->allowed ? "allowed" : "refused", out);
		use(st, st->off);
		fputc('\n', out);
		if (h->placement)
			cli_printf(out, "    placement: %s\n", h->placement);
		if (!shared)
			relaxed(out, h, "    ", st);
		if (!h->allowed)
			explain(out, h, st);
		if (h->trace)
			trace(out, h, st);
	}
	return cli_text_close(&report, len);
}

/* ------------------------------------------------------------------------
 * JSON
 */

static json_t *
violation_json(jctx *j, const mc_violation *v)
{
	json_t *o = json_object();

	jset(j, o, "rule", json_string(v->rule));
	if (v->field)
		jset(j, o, "field", json_string(v->field));
	if (v->source.type != MC_VALUE_NONE)
		jset(j, o, "source", jvalue(j, &v->source));
	if (v->target.type != MC_VALUE_NONE)
		jset(j, o, "target", jvalue(j, &v->target));
	jset(j, o, "message", json_string(v->message));
	if (v->detail)
		jset(j, o, "detail", json_string(v->detail));
	jset(j, o, "at", jlocation(&v->at));
	return o;
}

static json_t *
remedy_json(jctx *j, const mc_remedy_hit *r)
{
	json_t *o = json_object();

	jset(j, o, "id", json_string(r->id));
	jset(j, o, "says", json_string(r->says));
	if (r->warning)
		jset(j, o, "warning", json_string(r->warning));
	jset(j, o, "at", jlocation(&r->at));
	return o;
}

static json_t *
relaxed_json(jctx *j, const mc_relax_hit *r)
{
	json_t *o = json_object(), *d = json_array();

	for (size_t k = 0; k < r->ndropped; k++)
		jpush(j, d, json_string(r->dropped[k]));
	jset(j, o, "dropped", d);
	if (r->note)
		jset(j, o, "note", json_string(r->note));
	jset(j, o, "at", jlocation(&r->at));
	return o;
}

static json_t *
host_json(jctx *j, const mc_host_verdict *h)
{
	json_t *o = json_object(), *vs = json_array(), *rs = json_array(),
	       *xs = json_array();

	jset(j, o, "name", json_string(h->name));
	if (h->cluster)
		jset(j, o, "cluster", json_string(h->cluster));
	jset(j, o, "allowed", json_boolean(h->allowed));
	jset(j, o, "rating", jrating(h->rating_halves));
	if (h->placement)
		jset(j, o, "placement", json_string(h->placement));
	for (size_t i = 0; i < h->nviolations; i++)
		jpush(j, vs, violation_json(j, &h->violations[i]));
	jset(j, o, "violations", vs);
	for (size_t i = 0; i < h->nremedies; i++)
		jpush(j, rs, remedy_json(j, &h->remedies[i]));
	jset(j, o, "remedies", rs);
	for (size_t i = 0; i < h->nrelaxed; i++)
		jpush(j, xs, relaxed_json(j, &h->relaxed[i]));
	jset(j, o, "relaxed", xs);
	if (h->trace) {
		json_t *ts = json_array();

		for (size_t i = 0; i < h->ntrace; i++) {
			const mc_trace_entry *e = &h->trace[i];
			json_t *t = json_object();

			jset(j, t, "check", json_string(e->check));
			jset(j, t, "outcome", json_string(outcome_word(e->outcome)));
			if (e->source.type != MC_VALUE_NONE)
				jset(j, t, "source", jvalue(j, &e->source));
			if (e->target.type != MC_VALUE_NONE)
				jset(j, t, "target", jvalue(j, &e->target));
			if (e->detail)
				jset(j, t, "detail", json_string(e->detail));
			jset(j, t, "at", jlocation(&e->at));
			jpush(j, ts, t);
		}
		jset(j, o, "trace", ts);
	}
	return o;
}

char *
report_check_json(const mc_check_result *res, bool compact, size_t *len)
{
	jctx j = {true};
	json_t *root = json_object(), *pol = json_object(), *vm = json_object(),
	       *hosts = json_array();

	jset(&j, root, "schema", json_string(CLI_SCHEMA("check", 1)));
	jset(&j, pol, "name", json_string(res->policy_name));
	jset(&j, pol, "file", json_string(res->policy_file));
	jset(&j, pol, "digest", json_string(res->policy_digest));
	jset(&j, root, "policy", pol);
	jset(&j, vm, "name", json_string(res->vm));
	jset(&j, vm, "host", json_string(res->vm_host));
	jset(&j, vm, "state", json_string(res->vm_state));
	jset(&j, root, "vm", vm);
	jset(&j, root, "kind", json_string(res->kind));
	for (size_t i = 0; i < res->nhosts; i++)
		jpush(&j, hosts, host_json(&j, &res->hosts[i]));
	jset(&j, root, "hosts", hosts);
	return jdump_as(&j, root, compact, len);
}
