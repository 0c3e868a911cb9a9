/* SPDX-License-Identifier: MIT */
/*
 * threads.c - one compiled policy, one inventory and one fleet, shared by
 * several threads.
 *
 * The contract (migcheck.h, docs/library.md "Threads"): loaded policies,
 * finished inventories and fleets are immutable, and any number of threads
 * may call mc_check, mc_plan, mc_matrix, mc_fleet_new, mc_policy_explain,
 * mc_policy_test and mc_policy_lint on them at once; each call makes its own
 * scratch space and, for Lua rules, its own sandbox. What a thread owns
 * alone: its mc_diag, its results.
 *
 * The test: each job's policy and inventory are loaded and bound into a
 * fleet once, on the main thread. A single-threaded reference is computed
 * first: every VM checked (with and without a trace), the explanation, the
 * policy's own tests and its lint warnings, each written out as text. Then
 * NTHREADS threads, released together by a barrier, each bind a fleet of
 * their own to the shared policy and inventory, and load and bind a policy
 * and inventory of their own, once; then they repeat everything on the
 * shared objects ITERATIONS times, in an order that differs per thread. Any
 * text that differs from the reference is a failure. Built with -DMC_TSAN=ON, ThreadSanitizer
 * reports any data race in the library as well.
 *
 * Usage: threads_test [ITERATIONS [all|half]] (from the source tree).
 * With `half` each thread checks half of each job's VMs (see mine()):
 * every VM is still checked by two threads at once, one with a trace and
 * one without, and every other call is made by every thread; the
 * sanitizer builds run it so (tests/threads/CMakeLists.txt).
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migcheck.h"

#define NTHREADS 4 /* a multiple of 4: see mine() */
#if NTHREADS % 4 != 0
#error "NTHREADS must be a multiple of 4"
#endif
#define ITERATIONS 4

typedef struct job {
	const char *name;
	const char *policy;
	const char *inventory;
	mc_policy *p;
	mc_inventory *inv;
	mc_fleet *fleet;
	size_t nvm;
	char **check_ref;   /* VM v, trace t: check_ref[2 * v + t] */
	char *explain_ref;
	char *test_ref;
	char *lint_ref;
	char *plan_ref;
} job;

static job jobs[] = {
	/* YAML, with `extends` and its own tests */
	{ "scvmm-2008-r2", "policies/scvmm-2008-r2.yaml", "examples/kb969726.yaml",
	  NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL },
	/* a Lua policy: rules are functions of the file, upvalues put back */
	{ "hyperv-features", "policies/hyperv-features.lua", "examples/fleet.yaml",
	  NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL },
	/* YAML with a Lua rule, and tests that run it */
	{ "vmware-evc", "policies/vmware-evc.yaml", "examples/vmware-fleet.yaml",
	  NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL },
};
#define NJOBS (sizeof(jobs) / sizeof(jobs[0]))

/* One run's budget, spent by every check of every thread (with no bound
 * that a check could reach: the verdicts are compared with the reference). */
static mc_budget *shared_budget;
/*
 * A policy with lint warnings, each shown with its source line: a file's
 * lines are indexed by the first diagnostic that needs one, and every
 * thread lints this policy first, at once, so that they race to index it.
 * The reference is the lint of a copy loaded apart.
 */
static const char warned_text[] =
	"policy: warned\nformat: 1\nkinds:\n  a: {}\n  b: {}\n"
	"  c: { when: { vm.state: saved } }\n";
static job warned = { "warned", NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL,
		      NULL, NULL, NULL };

static unsigned iterations = ITERATIONS;
static bool half; /* each thread checks half of the VMs (see mine()) */
static pthread_barrier_t start;

static const char *
str(const char *s)
{
	return s ? s : "(null)";
}

static void
write_loc(FILE *f, const mc_location *at)
{
	fprintf(f, " @%s:%u:%u", str(at->file), at->line, at->column);
}

static void
write_value(FILE *f, const char *label, const mc_value *v)
{
	fprintf(f, " %s=%d:%s", label, (int)v->type, str(v->text));
	for (size_t i = 0; i < v->count; i++)
		fprintf(f, "%s%s", i ? "," : "[", v->items[i]);
	if (v->count)
		fputc(']', f);
}

static void
write_diag(FILE *f, const mc_diag *diag)
{
	for (size_t i = 0; i < mc_diag_count(diag); i++) {
		const mc_diag_item *it = mc_diag_get(diag, i);

		fprintf(f, "diag %d %s %s", (int)it->severity, str(it->code),
			str(it->message));
		write_loc(f, &it->at);
		fprintf(f, " | %s\n", str(it->source_line));
	}
}

/* Everything a check says, as text: the status, the diagnostics, and each
 * verdict with its violations, remedies, relaxations and trace. */
static void
write_check(FILE *f, int rc, const mc_check_result *res, const mc_diag *diag)
{
	fprintf(f, "rc %d\n", rc);
	write_diag(f, diag);
	if (!res)
		return;
	fprintf(f, "%s %s %s vm=%s host=%s state=%s kind=%s\n", res->policy_name,
		res->policy_file, res->policy_digest, res->vm, res->vm_host,
		res->vm_state, res->kind);
	for (size_t h = 0; h < res->nhosts; h++) {
		const mc_host_verdict *hv = &res->hosts[h];

		fprintf(f, "host %s cluster=%s allowed=%d rating=%u\n", hv->name,
			str(hv->cluster), hv->allowed, hv->rating_halves);
		for (size_t i = 0; i < hv->nviolations; i++) {
			const mc_violation *v = &hv->violations[i];

			fprintf(f, "  violation %s field=%s", v->rule, str(v->field));
			write_value(f, "source", &v->source);
			write_value(f, "target", &v->target);
			fprintf(f, " message=%s detail=%s", str(v->message), str(v->detail));
			write_loc(f, &v->at);
			fputc('\n', f);
		}
		for (size_t i = 0; i < hv->nremedies; i++)
			fprintf(f, "  remedy %s %s %s\n", hv->remedies[i].id,
				str(hv->remedies[i].says), str(hv->remedies[i].warning));
		for (size_t i = 0; i < hv->nrelaxed; i++) {
			fprintf(f, "  relaxed %s", str(hv->relaxed[i].note));
			for (size_t d = 0; d < hv->relaxed[i].ndropped; d++)
				fprintf(f, " %s", hv->relaxed[i].dropped[d]);
			fputc('\n', f);
		}
		for (size_t i = 0; i < hv->ntrace; i++) {
			const mc_trace_entry *t = &hv->trace[i];

			fprintf(f, "  trace %s %d", t->check, (int)t->outcome);
			write_value(f, "source", &t->source);
			write_value(f, "target", &t->target);
			fprintf(f, " detail=%s\n", str(t->detail));
		}
	}
}

static void
write_explain(FILE *f, int rc, const mc_explanation *e)
{
	fprintf(f, "rc %d\n", rc);
	if (!e)
		return;
	fprintf(f, "%s %s %s files=%zu tests=%zu\n", e->name, e->file, e->digest,
		e->nfiles, e->ntests);
	for (size_t i = 0; i < e->nfields; i++) {
		fprintf(f, "field %s %s %s", e->fields[i].name, e->fields[i].from,
			e->fields[i].type);
		for (size_t n = 0; n < e->fields[i].nnormalize; n++)
			fprintf(f, " [%s]", e->fields[i].normalize[n]);
		fputc('\n', f);
	}
	for (size_t k = 0; k < e->nkinds; k++) {
		fprintf(f, "kind %s when=%s:", e->kinds[k].name, str(e->kinds[k].when));
		for (size_t i = 0; i < e->nfields; i++) {
			const mc_explain_cell *c = &e->cells[k * e->nfields + i];
			fprintf(f, " %s/%s", c->check, str(c->relaxed));
		}
		fputc('\n', f);
	}
	for (size_t i = 0; i < e->nhost_require; i++)
		fprintf(f, "require %s\n", e->host_require[i].text);
	for (size_t i = 0; i < e->nrelax; i++)
		fprintf(f, "relax %s %s\n", str(e->relax[i].id), e->relax[i].when);
	for (size_t i = 0; i < e->nrules; i++)
		fprintf(f, "rule %s %s lua=%d %u-%u %s\n", e->rules[i].id,
			e->rules[i].condition, e->rules[i].lua, e->rules[i].lua_first_line,
			e->rules[i].lua_last_line, e->rules[i].message);
	for (size_t i = 0; i < e->nprefer; i++)
		fprintf(f, "prefer %s %u\n", e->prefer[i].text, e->prefer[i].weight);
	for (size_t i = 0; i < e->nremedies; i++)
		fprintf(f, "remedy %s %s\n", e->remedies[i].id, e->remedies[i].says);
}

static void
write_test(FILE *f, int rc, const mc_test_report *r, const mc_diag *diag)
{
	fprintf(f, "rc %d\n", rc);
	write_diag(f, diag);
	if (!r)
		return;
	fprintf(f, "tests=%zu failed=%zu errors=%zu exercised=%zu/%zu\n", r->ntests,
		r->nfailed, r->nerrors, r->nexercised, r->ncoverage);
	for (size_t i = 0; i < r->ntests; i++)
		fprintf(f, "test %s passed=%d error=%d expected=%s actual=%s\n",
			r->tests[i].name, r->tests[i].passed, r->tests[i].error,
			str(r->tests[i].expected), str(r->tests[i].actual));
	for (size_t i = 0; i < r->ncoverage; i++)
		fprintf(f, "cover %s %d\n", r->coverage[i].name, r->coverage[i].exercised);
}

/* A memory stream; the text is NULL when memory ran out. */
typedef struct text {
	FILE *f;
	char *s;
	size_t len;
} text;

static bool
text_open(text *t)
{
	t->s = NULL;
	t->len = 0;
	t->f = open_memstream(&t->s, &t->len);
	return t->f != NULL;
}

static char *
text_close(text *t)
{
	if (fclose(t->f) != 0) {
		free(t->s);
		return NULL;
	}
	return t->s;
}

static char *
check_text(const job *j, const mc_fleet *fleet, size_t vm, bool trace)
{
	mc_check_request req = {.vm = mc_inventory_vm_name(j->inv, vm),
				.to = NULL, .kind = NULL, .trace = trace,
				.budget = shared_budget};
	mc_check_result *res = NULL;
	mc_diag *diag = mc_diag_new();
	text t;
	int rc;

	if (!diag || !text_open(&t)) {
		mc_diag_free(diag);
		return NULL;
	}
	rc = mc_check(&res, fleet, &req, diag);
	write_check(t.f, rc, res, diag);
	mc_check_result_free(res);
	mc_diag_free(diag);
	return text_close(&t);
}

static char *
explain_text(const job *j)
{
	mc_explanation *e = NULL;
	text t;
	int rc;

	if (!text_open(&t))
		return NULL;
	rc = mc_policy_explain(&e, j->p);
	write_explain(t.f, rc, e);
	mc_explanation_free(e);
	return text_close(&t);
}

static char *
test_text(const job *j)
{
	mc_test_report *r = NULL;
	mc_diag *diag = mc_diag_new();
	text t;
	int rc;

	if (!diag || !text_open(&t)) {
		mc_diag_free(diag);
		return NULL;
	}
	rc = mc_policy_test(&r, j->p, NULL, diag);
	write_test(t.f, rc, r, diag);
	mc_test_report_free(r);
	mc_diag_free(diag);
	return text_close(&t);
}

static char *
lint_text(const job *j)
{
	mc_diag *diag = mc_diag_new();
	text t;
	int rc;

	if (!diag || !text_open(&t)) {
		mc_diag_free(diag);
		return NULL;
	}
	rc = mc_policy_lint(j->p, diag);
	fprintf(t.f, "rc %d\n", rc);
	write_diag(t.f, diag);
	mc_diag_free(diag);
	return text_close(&t);
}

/* A plan of every VM (by classes) and the matrix of every kind. */
static char *
plan_text(const job *j, const mc_fleet *fleet)
{
	mc_plan_request req = {.host = NULL, .top = 5, .by_pairs = false,
			       .progress = NULL, .progress_arg = NULL};
	mc_matrix_request mreq = {NULL};
	mc_plan_result *pr = NULL;
	mc_matrix_result *mr = NULL;
	mc_diag *diag = mc_diag_new();
	text t;
	int rc;

	(void)j;
	if (!diag || !text_open(&t)) {
		mc_diag_free(diag);
		return NULL;
	}
	rc = mc_plan(&pr, fleet, &req, diag);
	fprintf(t.f, "plan rc %d\n", rc);
	for (size_t v = 0; pr && v < pr->nvms; v++) {
		const mc_plan_vm *vm = &pr->vms[v];

		fprintf(t.f, "%s %s %zu:", vm->name, str(vm->kind), vm->allowed);
		for (size_t i = 0; i < vm->ntargets; i++)
			fprintf(t.f, " %s/%u", vm->targets[i].host, vm->targets[i].rating_halves);
		for (size_t i = 0; i < vm->nreasons; i++)
			fprintf(t.f, " [%s %zu %s]", vm->reasons[i].rule, vm->reasons[i].hosts,
				vm->reasons[i].says);
		fprintf(t.f, " %s\n", str(vm->error));
	}
	rc = mc_matrix(&mr, fleet, &mreq, diag);
	fprintf(t.f, "matrix rc %d\n", rc);
	for (size_t k = 0; mr && k < mr->nkinds; k++) {
		const mc_matrix_kind *mk = &mr->kinds[k];

		fprintf(t.f, "%s %zu classes:", mk->kind, mk->nclasses);
		for (size_t e = 0; e < mk->nedges; e++)
			fprintf(t.f, " %" PRIu32 ">%" PRIu32, mk->edges[e].from,
				mk->edges[e].to);
		fputc('\n', t.f);
	}
	write_diag(t.f, diag);
	mc_plan_result_free(pr);
	mc_matrix_result_free(mr);
	mc_diag_free(diag);
	return text_close(&t);
}

/* Loads the job's policy and inventory and binds them, printing every
 * diagnostic on failure. */
static int
load(job *j)
{
	mc_diag *diag = mc_diag_new();
	int rc = diag ? MC_OK : MC_ENOMEM;

	if (rc == MC_OK)
		rc = mc_policy_load(&j->p, j->policy, NULL, diag);
	if (rc == MC_OK)
		rc = mc_inventory_new(&j->inv, NULL);
	if (rc == MC_OK)
		rc = mc_inventory_add_file(j->inv, j->inventory, diag);
	if (rc == MC_OK)
		rc = mc_inventory_finish(j->inv, diag);
	if (rc == MC_OK)
		rc = mc_fleet_new(&j->fleet, j->p, j->inv, NULL, diag);
	if (rc != MC_OK) {
		fprintf(stderr, "%s: cannot load (%d)\n", j->name, rc);
		if (diag)
			write_diag(stderr, diag);
	}
	mc_diag_free(diag);
	return rc;
}

/* The single-threaded reference. */
static int
reference(job *j)
{
	j->nvm = mc_inventory_vm_count(j->inv);
	j->check_ref = calloc(2 * j->nvm + 1, sizeof(*j->check_ref));
	if (!j->check_ref)
		return -1;
	for (size_t v = 0; v < j->nvm; v++) {
		for (int tr = 0; tr < 2; tr++) {
			if (!(j->check_ref[2 * v + tr] = check_text(j, j->fleet, v, tr)))
				return -1;
		}
	}
	j->explain_ref = explain_text(j);
	j->test_ref = test_text(j);
	j->lint_ref = lint_text(j);
	j->plan_ref = plan_text(j, j->fleet);
	if (!j->explain_ref || !j->test_ref || !j->lint_ref || !j->plan_ref)
		return -1;
	return 0;
}

typedef struct worker {
	pthread_t thread;
	unsigned id;
	unsigned failures;
	unsigned calls;
} worker;

/* Compares a text with its reference; shows where it differs. */
static void
expect(worker *w, const char *what, const job *j, const char *vm, char *got,
       const char *want)
{
	w->calls++;
	if (got && strcmp(got, want) == 0) {
		free(got);
		return;
	}
	w->failures++;
	if (!got) {
		fprintf(stderr, "thread %u: %s %s %s: out of memory\n", w->id,
			j->name, what, str(vm));
		return;
	}
	size_t at = 0;
	while (got[at] && got[at] == want[at])
		at++;
	fprintf(stderr, "thread %u: %s %s %s differs from the reference at byte "
		"%zu:\n  want: %.200s\n  got:  %.200s\n", w->id, j->name, what, str(vm),
		at, want + at, got + at);
	free(got);
}

/*
 * Whether thread w checks VM v: every VM, or with `half` threads 0 and 1
 * the even VMs, threads 2 and 3 the odd ones. Each VM is then checked by
 * two threads at once, and in run() once with a trace and once without
 * ((v + it + id) % 2 differs between ids 2k and 2k + 1).
 */
static bool
mine(const worker *w, size_t v)
{
	return !half || v % 2 == (w->id / 2) % 2;
}

/* Compares every VM's check on a fleet (those of mine()) with the
 * reference. */
static void
expect_checks(worker *w, const char *what, const job *j, const mc_fleet *fleet)
{
	for (size_t v = 0; v < j->nvm; v++) {
		if (mine(w, v))
			expect(w, what, j, mc_inventory_vm_name(j->inv, v),
			       check_text(j, fleet, v, false), j->check_ref[2 * v]);
	}
}

/*
 * What a thread makes for itself, at the same time as the others: a fleet
 * bound to the shared policy and inventory (binding only reads them), and a
 * policy, inventory and fleet of its own (loading shares nothing either).
 */
static void
own_objects(worker *w, const job *j)
{
	job own = *j;
	mc_fleet *fleet = NULL;
	mc_diag *diag = mc_diag_new();
	int rc = diag ? mc_fleet_new(&fleet, j->p, j->inv, NULL, diag) : MC_ENOMEM;

	if (rc == MC_OK) {
		expect_checks(w, "check (own fleet)", j, fleet);
	} else {
		fprintf(stderr, "thread %u: %s: mc_fleet_new: %d\n", w->id, j->name, rc);
		w->failures++;
	}
	mc_fleet_free(fleet);
	mc_diag_free(diag);

	own.p = NULL;
	own.inv = NULL;
	own.fleet = NULL;
	if (load(&own) == MC_OK)
		expect_checks(w, "check (own policy)", &own, own.fleet);
	else
		w->failures++;
	mc_fleet_free(own.fleet);
	mc_inventory_free(own.inv);
	mc_policy_free(own.p);
}

static void *
run(void *arg)
{
	worker *w = arg;

	pthread_barrier_wait(&start);
	expect(w, "lint (first, by every thread at once)", &warned, NULL,
	       lint_text(&warned), warned.lint_ref);
	for (size_t ji = 0; ji < NJOBS; ji++)
		own_objects(w, &jobs[(ji + w->id) % NJOBS]);
	for (unsigned it = 0; it < iterations; it++) {
		for (size_t ji = 0; ji < NJOBS; ji++) {
			const job *j = &jobs[(ji + w->id + it) % NJOBS];

			/* Each thread starts at another VM, and alternates traces. */
			for (size_t n = 0; n < j->nvm; n++) {
				size_t v = (n + w->id * j->nvm / NTHREADS) % j->nvm;
				int tr = (int)((v + it + w->id) % 2);

				if (!mine(w, v))
					continue;
				expect(w, tr ? "check (trace)" : "check", j,
				       mc_inventory_vm_name(j->inv, v),
				       check_text(j, j->fleet, v, tr), j->check_ref[2 * v + tr]);
			}
			expect(w, "explain", j, NULL, explain_text(j), j->explain_ref);
			expect(w, "plan and matrix", j, NULL, plan_text(j, j->fleet),
			       j->plan_ref);
			expect(w, "lint", j, NULL, lint_text(j), j->lint_ref);
			if ((it + w->id) % 2 == 0)
				expect(w, "test", j, NULL, test_text(j), j->test_ref);
		}
	}
	return NULL;
}

static void
release(job *j)
{
	if (j->check_ref) {
		for (size_t i = 0; i < 2 * j->nvm; i++)
			free(j->check_ref[i]);
	}
	free(j->check_ref);
	free(j->explain_ref);
	free(j->test_ref);
	free(j->lint_ref);
	free(j->plan_ref);
	mc_fleet_free(j->fleet);
	mc_inventory_free(j->inv);
	mc_policy_free(j->p);
}

int
main(int argc, char **argv)
{
	worker workers[NTHREADS];
	unsigned failures = 0, calls = 0, started = 0;
	int status = 2;

	if (argc > 1) {
		char *end;
		unsigned long n = strtoul(argv[1], &end, 10);
		if (*end || n == 0 || n > 100000 || argc > 3 ||
		    (argc == 3 && strcmp(argv[2], "all") != 0 &&
		     strcmp(argv[2], "half") != 0)) {
			fprintf(stderr, "usage: threads_test [ITERATIONS [all|half]]\n");
			return 2;
		}
		iterations = (unsigned)n;
		half = argc == 3 && strcmp(argv[2], "half") == 0;
	}
	mc_limits lim;
	mc_limits_default(&lim);
	lim.lua_run_instructions = lim.regex_run_steps = UINT64_MAX;
	if (mc_budget_new(&shared_budget, &lim) != MC_OK)
		goto out;
	for (size_t i = 0; i < NJOBS; i++) {
		if (load(&jobs[i]) != MC_OK)
			goto out;
		if (reference(&jobs[i]) != 0) {
			fprintf(stderr, "%s: out of memory making the reference\n",
				jobs[i].name);
			goto out;
		}
		if (jobs[i].nvm == 0) {
			fprintf(stderr, "%s: the inventory has no VM\n", jobs[i].name);
			goto out;
		}
	}
	{
		job copy = warned;
		mc_diag *diag = mc_diag_new();

		if (!diag || mc_policy_load_buffer(&copy.p, "warned.yaml", warned_text,
						   strlen(warned_text), NULL,
						   diag) != MC_OK ||
		    mc_policy_load_buffer(&warned.p, "warned.yaml", warned_text,
					  strlen(warned_text), NULL, diag) != MC_OK ||
		    !(warned.lint_ref = lint_text(&copy)) ||
		    !strstr(warned.lint_ref, "  a: {}")) {
			fprintf(stderr, "warned.yaml: no lint warning with its line\n");
			mc_policy_free(copy.p);
			mc_diag_free(diag);
			goto out;
		}
		mc_policy_free(copy.p);
		mc_diag_free(diag);
	}
	if (pthread_barrier_init(&start, NULL, NTHREADS) != 0)
		goto out;
	for (unsigned t = 0; t < NTHREADS; t++) {
		memset(&workers[t], 0, sizeof(workers[t]));
		workers[t].id = t;
		if (pthread_create(&workers[t].thread, NULL, run, &workers[t]) != 0) {
			fprintf(stderr, "cannot start thread %u\n", t);
			/* the barrier would never open: give up */
			abort();
		}
		started++;
	}
	for (unsigned t = 0; t < started; t++) {
		pthread_join(workers[t].thread, NULL);
		failures += workers[t].failures;
		calls += workers[t].calls;
	}
	pthread_barrier_destroy(&start);
	printf("%u threads, %u iterations, %s of the VMs each: %u results "
	       "compared, %u differ\n", NTHREADS, iterations, half ? "half" : "all",
	       calls, failures);
	status = failures ? 1 : 0;
out:
	for (size_t i = 0; i < NJOBS; i++)
		release(&jobs[i]);
	mc_budget_free(shared_budget);
	release(&warned);
	return status;
}
