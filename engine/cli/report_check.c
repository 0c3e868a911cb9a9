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

typedef struct style {
	const char *ok, *bad, *dim, *bold, *off;
} style;

/* A violation's evidence: what a condition found (unless the message
 * already says it), or the two values. */
static void
evidence(FILE *out, const mc_violation *v)
{
	if (v->detail && !strstr(v->message, v->detail))
		fprintf(out, ": %s", v->detail);
	else if (!v->detail && v->source.type != MC_VALUE_NONE &&
		 v->target.type != MC_VALUE_NONE)
		fprintf(out, ": source %s, target %s", v->source.text, v->target.text);
}

static void
explain(FILE *out, const mc_host_verdict *h, const style *st)
{
	const char *last = NULL;

	for (size_t i = 0; i < h->nviolations; i++) {
		const mc_violation *v = &h->violations[i];

		/* Violations that share a message (several match fields) are
		 * listed under it once. */
		if (!last || strcmp(last, v->message) != 0)
			fprintf(out, "    %s✗%s %s\n", st->bad, st->off, v->message);
		last = v->message;
		fprintf(out, "        %s", v->rule);
		evidence(out, v);
		fprintf(out, "  %s(", st->dim);
		cli_location(out, &v->at);
		fprintf(out, ")%s\n", st->off);
	}
	if (h->nremedies) {
		fprintf(out, "    %sWould pass with:%s\n", st->bold, st->off);
		for (size_t i = 0; i < h->nremedies; i++) {
			const mc_remedy_hit *r = &h->remedies[i];
			fprintf(out, "      • %s: %s\n", r->id, r->says);
			if (r->warning)
				fprintf(out, "        warning: %s\n", r->warning);
		}
	} else {
		fprintf(out, "    %sNo remedy of the policy makes this move pass.%s\n",
			st->dim, st->off);
	}
}

static void
relaxed(FILE *out, const mc_host_verdict *h, const char *indent,
	const style *st)
{
	for (size_t i = 0; i < h->nrelaxed; i++) {
		const mc_relax_hit *r = &h->relaxed[i];

		fprintf(out, "%s%snot checked:", indent, st->dim);
		for (size_t j = 0; j < r->ndropped; j++)
			fprintf(out, "%s %s", j ? "," : "", r->dropped[j]);
		if (r->note)
			fprintf(out, " (%s)", r->note);
		fprintf(out, "%s\n", st->off);
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

static const char *
outcome_mark(mc_trace_outcome o)
{
	switch (o) {
	case MC_TRACE_PASSED:
		return "✓ passed ";
	case MC_TRACE_FAILED:
		return "✗ failed ";
	case MC_TRACE_UNDECIDED:
		return "? unknown";
	case MC_TRACE_DROPPED:
		return "- dropped";
	case MC_TRACE_APPLIED:
		return "+ applied";
	default:
		return "  no     ";
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
	fprintf(out, "    %strace:%s\n", st->bold, st->off);
	for (size_t i = 0; i < h->ntrace; i++) {
		const mc_trace_entry *e = &h->trace[i];

		fprintf(out, "      %s  %-*s", outcome_mark(e->outcome), (int)width,
			e->check);
		if (e->detail)
			fprintf(out, "  %s", e->detail);
		else if (e->source.type != MC_VALUE_NONE || e->target.type != MC_VALUE_NONE)
			fprintf(out, "  source %s, target %s",
				e->source.type != MC_VALUE_NONE ? e->source.text : "(none)",
				e->target.type != MC_VALUE_NONE ? e->target.text : "(none)");
		fprintf(out, "  %s(", st->dim);
		cli_location(out, &e->at);
		fprintf(out, ")%s\n", st->off);
	}
}

char *
report_check_text(const mc_check_result *res, bool color, size_t *len)
{
	static const style plain = {"", "", "", "", ""};
	static const style ansi = {"\033[32m", "\033[31m", "\033[2m", "\033[1m",
				   "\033[0m"};
	const style *st = color ? &ansi : &plain;
	char *text = NULL;
	size_t width = 4;
	FILE *out = open_memstream(&text, len);

	if (!out)
		return NULL;
	fprintf(out, "Policy  %s (%s)\n", res->policy_name, res->policy_file);
	fprintf(out, "Digest  %s\n", res->policy_digest);
	fprintf(out, "VM      %s on %s, %s\n", res->vm, res->vm_host, res->vm_state);
	fprintf(out, "Kind    %s%s\n", res->kind,
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
		cli_stars(out, h->rating_halves);
		fprintf(out, " %-3s  %-*s  %s%s%s\n", rating, (int)width, h->name,
			h->allowed ? st->ok : st->bad, h->allowed ? "allowed" : "refused",
			st->off);
		if (!shared)
			relaxed(out, h, "    ", st);
		if (!h->allowed)
			explain(out, h, st);
		if (h->trace)
			trace(out, h, st);
	}
	if (fclose(out) != 0) {
		free(text);
		return NULL;
	}
	return text;
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
report_check_json(const mc_check_result *res, size_t *len)
{
	jctx j = {true};
	json_t *root = json_object(), *pol = json_object(), *vm = json_object(),
	       *hosts = json_array();

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
	return jdump(&j, root, len);
}
