/* SPDX-License-Identifier: MIT */
/*
 * walk.c - allocation-failure injection: every allocation of a job may fail.
 *
 * The method (Lua's ltests.c, libgit2's failing allocator): the program is
 * linked with -Wl,--wrap=malloc,... (aligned_alloc too: the large buffers
 * of util/arena.h) so that every allocation made by the
 * engine's static library -- and by Lua, whose allocator in engine/lua/sandbox.c
 * calls realloc -- goes through the wrappers below. A job (load a policy and
 * an inventory, check every VM against every host with its remedies, run
 * the importers...) is first run with no failure, to learn how many
 * allocations it makes and what each step returns. Then, for N = 1, 2, ...
 * the counter is reset, allocation N fails, and the whole job runs again:
 * each step must return what it returned in the clean run, or MC_ENOMEM with
 * a NULL out-parameter and a sane diagnostic list; the job then frees
 * everything. The walk ends at the first N that the job never reaches.
 * Crashes, leaks and double frees are caught by the sanitizer build
 * (ASAN_OPTIONS=detect_leaks=1) that CI runs.
 *
 * Frees are never failed: realloc(p, 0) and free() pass through (Lua frees
 * with free(), see sandbox.c). libyaml, pcre2, libxml2 and jansson are shared
 * libraries whose allocations do not go through the wrappers, so they are
 * not failed here; their failures reach the engine as their own error codes,
 * which the same cleanup paths handle.
 *
 * Usage, from the source tree: alloc_walk [JOB...] walks the jobs named,
 * every job when none is; alloc_walk --except JOB... walks every job but
 * those (so that CTest can run the longest jobs beside the rest, on two
 * cores, each test within its time). A name that is no job's is an error.
 * Long jobs are walked with a stride (see MC_WALK_ALL).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sources/cpumap.h"
#include "sources/import.h"
#include "migcheck.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__real_aligned_alloc(size_t align, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
void *__wrap_aligned_alloc(size_t align, size_t size);

/* The counter: the test program's own state, not the library's. */
static bool armed;          /* count (and fail) allocations */
static unsigned long count; /* allocations since the counter was reset */
static unsigned long fail_at; /* the allocation to fail; 0: none */
static bool hit;            /* allocation fail_at was reached */

static bool
fail_now(void)
{
	if (!armed)
		return false;
	count++;
	if (count == fail_at) {
		hit = true;
		errno = ENOMEM;  /* as malloc would: mc_read_path relies on it */
		return true;
	}
	return false;
}

void *
__wrap_malloc(size_t size)
{
	return fail_now() ? NULL : __real_malloc(size);
}

void *
__wrap_calloc(size_t n, size_t size)
{
	return fail_now() ? NULL : __real_calloc(n, size);
}

void *
__wrap_realloc(void *p, size_t size)
{
	/* realloc(p, 0) frees p: never fail it. */
	if (p && size == 0)
		return __real_realloc(p, size);
	return fail_now() ? NULL : __real_realloc(p, size);
}

char *
__wrap_strdup(const char *s)
{
	return fail_now() ? NULL : __real_strdup(s);
}

char *
__wrap_strndup(const char *s, size_t n)
{
	return fail_now() ? NULL : __real_strndup(s, n);
}

void *
__wrap_aligned_alloc(size_t align, size_t size)
{
	return fail_now() ? NULL : __real_aligned_alloc(align, size);
}

/* ------------------------------------------------------------------------
 * Steps: each status is recorded in the clean run and compared after.
 */

#define MAX_STEPS 4096

static int baseline[MAX_STEPS];
static unsigned long long baseline_hash[MAX_STEPS];
static size_t nbaseline;
static size_t nsteps;
static bool recording;
static int failures;

/* Checks a step's status; false when the job must stop (it failed). */
static bool
step(int rc, const void *out, bool has_out, const mc_diag *diag,
     const char *what)
{
	size_t i = nsteps++;

	if (diag) {
		for (size_t k = 0; k < mc_diag_count(diag); k++) {
			const mc_diag_item *d = mc_diag_get(diag, k);

			if (!d || !d->message) {
				fprintf(stderr, "N=%lu %s: diagnostic %zu has no message\n",
					fail_at, what, k);
				failures++;
			}
		}
	}
	if (recording) {
		if (i < MAX_STEPS)
			baseline[i] = rc;
		nbaseline = nsteps;
		return rc == MC_OK;
	}
	if (i >= nbaseline) {
		fprintf(stderr, "N=%lu %s: a step the clean run did not take\n",
			fail_at, what);
		failures++;
		return false;
	}
	if (rc == baseline[i])
		return rc == MC_OK;
	if (rc != MC_ENOMEM) {
		fprintf(stderr, "N=%lu %s: status %d, clean run %d, want it or MC_ENOMEM (%s)\n",
			fail_at, what, rc, baseline[i],
			diag && mc_diag_count(diag) ?
			mc_diag_get(diag, mc_diag_count(diag) - 1)->message : "");
		failures++;
		return false;
	}
	if (!hit) {
		fprintf(stderr, "N=%lu %s: MC_ENOMEM with no allocation failed\n",
			fail_at, what);
		failures++;
	}
	if (has_out && out) {
		fprintf(stderr, "N=%lu %s: MC_ENOMEM but the out-parameter is set\n",
			fail_at, what);
		failures++;
	}
	return false;
}

/* After a step that succeeded: what it gave, as a hash, must be what it
 * gave in the clean run -- a success must not be a partial result. */
static void
same(unsigned long long hash, const char *what)
{
	size_t i = nsteps - 1;

	if (i >= MAX_STEPS)
		return;
	if (recording) {
		baseline_hash[i] = hash;
		return;
	}
	if (hash != baseline_hash[i]) {
		fprintf(stderr, "N=%lu %s: MC_OK, but not what the clean run gave\n",
			fail_at, what);
		failures++;
	}
}

/* FNV-1a, over strings (NULL hashes apart from "") and numbers. */
static unsigned long long
hash_bytes(unsigned long long h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

static unsigned long long
hash_str(unsigned long long h, const char *s)
{
	return s ? hash_bytes(h, s, strlen(s) + 1) : hash_bytes(h, "\377", 1);
}

static unsigned long long
hash_num(unsigned long long h, unsigned long long n)
{
	return hash_bytes(h, &n, sizeof(n));
}

static unsigned long long
hash_at(unsigned long long h, mc_location at)
{
	return hash_num(hash_num(hash_str(h, at.file), at.line), at.column);
}

static unsigned long long
hash_strs(unsigned long long h, const char *const *v, size_t n)
{
	h = hash_num(h, n);
	for (size_t i = 0; i < n; i++)
		h = hash_str(h, v[i]);
	return h;
}

/* Every string, count and position of an explanation. */
static unsigned long long
hash_explanation(const mc_explanation *e)
{
	unsigned long long h = 0xcbf29ce484222325ULL;

	h = hash_str(hash_str(hash_str(h, e->name), e->description), e->file);
	h = hash_strs(hash_str(h, e->digest), e->files, e->nfiles);
	h = hash_num(h, e->nfields);
	for (size_t i = 0; i < e->nfields; i++) {
		const mc_explain_field *f = &e->fields[i];

		h = hash_str(hash_str(hash_str(h, f->name), f->from), f->type);
		h = hash_strs(hash_str(h, f->description), f->normalize,
			      f->nnormalize);
		h = hash_at(h, f->at);
	}
	h = hash_num(h, e->nkinds);
	for (size_t i = 0; i < e->nkinds; i++) {
		const mc_explain_kind *k = &e->kinds[i];

		h = hash_str(hash_str(hash_str(h, k->name), k->description), k->when);
		h = hash_at(h, k->at);
	}
	for (size_t i = 0; i < e->nkinds * e->nfields; i++) {
		const mc_explain_cell *c = &e->cells[i];

		h = hash_at(hash_str(hash_str(h, c->check), c->relaxed), c->at);
	}
	h = hash_num(h, e->nhost_require);
	for (size_t i = 0; i < e->nhost_require; i++)
		h = hash_at(hash_str(h, e->host_require[i].text),
			    e->host_require[i].at);
	h = hash_str(h, e->host_message);
	h = hash_num(h, e->nrelax);
	for (size_t i = 0; i < e->nrelax; i++) {
		const mc_explain_relax *r = &e->relax[i];

		h = hash_str(hash_str(h, r->id), r->when);
		h = hash_strs(h, r->dropped, r->ndropped);
		h = hash_at(hash_str(h, r->note), r->at);
	}
	h = hash_num(h, e->nrules);
	for (size_t i = 0; i < e->nrules; i++) {
		const mc_explain_rule *r = &e->rules[i];

		h = hash_strs(hash_str(h, r->id), r->kinds, r->nkinds);
		h = hash_num(hash_str(h, r->condition), r->lua);
		h = hash_num(hash_num(h, r->lua_first_line), r->lua_last_line);
		h = hash_strs(h, r->uses, r->nuses);
		h = hash_str(hash_str(h, r->message), r->description);
		h = hash_at(h, r->at);
	}
	h = hash_num(h, e->nprefer);
	for (size_t i = 0; i < e->nprefer; i++)
		h = hash_at(hash_num(hash_str(h, e->prefer[i].text),
				     e->prefer[i].weight), e->prefer[i].at);
	h = hash_num(h, e->prefer_total);
	h = hash_num(h, e->nremedies);
	for (size_t i = 0; i < e->nremedies; i++) {
		const mc_explain_remedy *r = &e->remedies[i];

		h = hash_str(hash_str(hash_str(h, r->id), r->says), r->warning);
		h = hash_at(hash_strs(h, r->set, r->nset), r->at);
	}
	return hash_num(h, e->ntests);
}

/* Every diagnostic of a list, from the first'th. */
static unsigned long long
hash_diags(const mc_diag *diag, size_t first)
{
	unsigned long long h = 0xcbf29ce484222325ULL;
	size_t n = mc_diag_count(diag);

	h = hash_num(h, n - first);
	for (size_t k = first; k < n; k++) {
		const mc_diag_item *d = mc_diag_get(diag, k);

		h = hash_num(hash_at(h, d->at), d->severity);
		h = hash_str(hash_str(hash_str(h, d->message), d->source_line),
			     d->code);
	}
	return h;
}

/* Every VM's targets, ratings and reasons of a plan. */
static unsigned long long
hash_plan(const mc_plan_result *r)
{
	unsigned long long h = hash_num(0xcbf29ce484222325ULL, r->nunplaced);

	for (size_t v = 0; v < r->nvms; v++) {
		const mc_plan_vm *vm = &r->vms[v];

		h = hash_str(hash_str(hash_num(h, vm->allowed), vm->name), vm->error);
		for (size_t t = 0; t < vm->ntargets; t++)
			h = hash_num(hash_str(h, vm->targets[t].host),
				     vm->targets[t].rating_halves);
		for (size_t i = 0; i < vm->nreasons; i++)
			h = hash_num(hash_str(hash_str(h, vm->reasons[i].rule),
					      vm->reasons[i].says), vm->reasons[i].hosts);
	}
	return h;
}

/* Every move of an assignment, in order, and every VM left. */
static unsigned long long
hash_assignment(const mc_assignment *r)
{
	unsigned long long h = hash_num(0xcbf29ce484222325ULL, r->nvms);

	for (size_t i = 0; i < r->nmoves; i++)
		h = hash_num(hash_str(hash_str(h, r->moves[i].vm), r->moves[i].to),
			     r->moves[i].rating_halves);
	for (size_t i = 0; i < r->nunplaced; i++)
		h = hash_num(hash_str(hash_str(h, r->unplaced[i].vm),
				      r->unplaced[i].why), r->unplaced[i].full);
	return h;
}

/* Every change of a diff, a VM at a time (as kept, or made by_vm), and
 * its moves. */
static unsigned long long
hash_diff(mc_diff_result *r)
{
	unsigned long long h = hash_num(hash_num(0xcbf29ce484222325ULL, r->moves),
					r->nchanges);
	const mc_diff_change *ch;

	for (size_t cur = 0, n; (n = mc_diff_next(r, &cur, &ch));) {
		for (size_t i = 0; i < n; i++) {
			const mc_diff_move *m = ch[i].move;

			h = hash_str(hash_str(h, ch[i].vm), ch[i].host);
			h = hash_num(hash_str(h, m->before.kind), m->before.rating_halves);
			h = hash_num(hash_str(h, m->after.kind), m->after.rating_halves);
			h = hash_strs(hash_strs(h, m->gained, m->ngained), m->lost,
				      m->nlost);
		}
	}
	for (size_t i = 0; i < r->ntallies; i++)
		h = hash_num(hash_num(hash_str(h, r->tallies[i].kind),
				      r->tallies[i].now_refused),
			     r->tallies[i].now_allowed);
	return h;
}

/* Both policies of a diff on one inventory: by classes, its changes kept
 * and then made a VM at a time, and by pairs; false when one failed. */
static bool
run_diff(const mc_fleet *fleet, const mc_inventory *inv, const char *path,
	 mc_diag *diag)
{
	mc_policy *p = NULL;
	mc_fleet *other = NULL;
	mc_diff_request req;
	mc_diff_result *res = NULL;
	bool ok = false;
	int rc;

	memset(&req, 0, sizeof(req));
	rc = mc_policy_load(&p, path, NULL, diag);
	if (!step(rc, p, true, diag, "mc_policy_load"))
		goto out;
	rc = mc_fleet_new(&other, p, inv, NULL, diag);
	if (!step(rc, other, true, diag, "mc_fleet_new"))
		goto out;
	for (int way = 0; way < 3; way++) {
		req.by_vm = way == 1;
		req.by_pairs = way == 2;
		rc = mc_diff(&res, fleet, other, &req, diag);
		if (!step(rc, res, true, diag, "mc_diff"))
			goto out;
		same(hash_diff(res), "mc_diff");
		mc_diff_result_free(res);
		res = NULL;
	}
	ok = true;
out:
	mc_fleet_free(other);
	mc_policy_free(p);
	return ok;
}

/* Every class, value and edge of a matrix. */
static unsigned long long
hash_matrix(const mc_matrix_result *r)
{
	unsigned long long h = hash_num(0xcbf29ce484222325ULL, r->nkinds);

	for (size_t k = 0; k < r->nkinds; k++) {
		const mc_matrix_kind *mk = &r->kinds[k];

		h = hash_strs(hash_str(h, mk->kind), mk->left_out, mk->nleft_out);
		for (size_t c = 0; c < mk->nclasses; c++) {
			h = hash_strs(h, mk->classes[c].hosts, mk->classes[c].nhosts);
			for (size_t i = 0; i < mk->classes[c].nvalues; i++)
				h = hash_str(hash_str(h, mk->classes[c].values[i].name),
					     mk->classes[c].values[i].value.text);
		}
		for (size_t e = 0; e < mk->nedges; e++)
			h = hash_num(hash_num(hash_num(h, mk->edges[e].from),
					      mk->edges[e].to), mk->edges[e].both_ways);
	}
	return h;
}

/* Every field and hidden value of a baseline. */
static unsigned long long
hash_baseline(const mc_baseline_result *r)
{
	unsigned long long h = hash_num(0xcbf29ce484222325ULL, r->nfields);

	for (size_t f = 0; f < r->nfields; f++)
		h = hash_str(hash_str(hash_str(h, r->fields[f].name),
				      r->fields[f].value.text), r->fields[f].reason);
	for (size_t i = 0; i < r->nhosts; i++) {
		h = hash_str(h, r->hosts[i].name);
		for (size_t f = 0; f < r->nfields; f++)
			h = hash_str(h, r->hosts[i].hidden[f].text);
	}
	return h;
}

/* ------------------------------------------------------------------------
 * Jobs
 */

typedef struct job {
	const char *name;
	const char *policy;
	const char *inventory;
	const char *const *more;  /* more inventory files, NULL-terminated */
	bool tests;   /* also run the policy's own tests (mc_policy_test) */
	bool explain; /* also describe the policy (mc_policy_explain) */
	bool lint;    /* also lint it (mc_policy_lint) */
	bool fleet;   /* also plan every VM (by classes, then by pairs), build
	                 the matrix (by checks apart, then by class pairs) and
	                 the baseline of every host */
	const char *diff_with;  /* also diff the policy and this one on the
	                           inventory (by classes, then by pairs) */
	size_t maxvm; /* check only the first VMs (0: all), to keep it short */
	bool cpumap;  /* load libvirt's CPU map, import libvirt hosts and VMs
			 with it */
	bool strided; /* walked with a stride, however few its allocations:
			 each run is costly (it reads a whole CPU map) */
	bool format;  /* lay out the files of fmt_files (mc_policy_format) */
	bool assign;  /* with fleet: also assign every VM (mc_assignment_make) */
} job;

/* The fleet commands on a bound fleet; false when one failed. */
static bool
run_fleet(const mc_fleet *fleet, mc_diag *diag, bool assign)
{
	mc_plan_request preq;
	mc_matrix_request mreq = {NULL};
	mc_baseline_request breq = {NULL, NULL, 0};
	mc_plan_result *plan = NULL;
	mc_matrix_result *matrix = NULL;
	mc_baseline_result *base = NULL;
	int rc;

	memset(&preq, 0, sizeof(preq));
	for (int pairs = 0; pairs < 2; pairs++) {
		preq.by_pairs = pairs;
		rc = mc_plan(&plan, fleet, &preq, diag);
		if (!step(rc, plan, true, diag, "mc_plan"))
			return false;
		same(hash_plan(plan), "mc_plan");
		mc_plan_result_free(plan);
		plan = NULL;
	}
	for (int pairs = 0; pairs < 2; pairs++) {
		mreq.by_pairs = pairs;
		rc = mc_matrix(&matrix, fleet, &mreq, diag);
		if (!step(rc, matrix, true, diag, "mc_matrix"))
			return false;
		same(hash_matrix(matrix), "mc_matrix");
		/* Each kind's edges reduced, for a drawing. */
		for (size_t k = 0; pairs && k < matrix->nkinds; k++) {
			mc_matrix_edge *kept = NULL;
			size_t nkept = 0;
			unsigned long long h = 0xcbf29ce484222325ULL;

			rc = mc_matrix_reduce(&kept, &nkept, &matrix->kinds[k]);
			if (!step(rc, kept, true, NULL, "mc_matrix_reduce")) {
				mc_matrix_result_free(matrix);
				return false;
			}
			for (size_t e = 0; e < nkept; e++)
				h = hash_num(hash_num(hash_num(h, kept[e].from), kept[e].to),
					     kept[e].both_ways);
			same(h, "mc_matrix_reduce");
			free(kept);
		}
		mc_matrix_result_free(matrix);
		matrix = NULL;
	}
	rc = mc_baseline(&base, fleet, &breq, diag);
	if (!step(rc, base, true, diag, "mc_baseline"))
		return false;
	same(hash_baseline(base), "mc_baseline");
	mc_baseline_result_free(base);
	if (assign) {
		mc_assignment_request areq = {NULL, NULL};
		mc_assignment *as = NULL;

		rc = mc_assignment_make(&as, fleet, &areq, diag);
		if (!step(rc, as, true, diag, "mc_assignment_make"))
			return false;
		same(hash_assignment(as), "mc_assignment_make");
		mc_assignment_free(as);
	}
	return true;
}

/* Load; explain, lint, run the tests as the job says; bind, check every VM
 * against every host, run the fleet commands as the job says; free. */
static void
run_check_job(const job *j)
{
	mc_diag *diag = mc_diag_new();
	mc_policy *p = NULL;
	mc_inventory *inv = NULL;
	mc_fleet *fleet = NULL;
	mc_test_report *report = NULL;
	mc_explanation *expl = NULL;
	int rc;

	if (!diag)
		return;
	rc = mc_policy_load(&p, j->policy, NULL, diag);
	if (!step(rc, p, true, diag, "mc_policy_load"))
		goto out;
	if (j->explain) {
		rc = mc_policy_explain(&expl, p);
		if (!step(rc, expl, true, NULL, "mc_policy_explain"))
			goto out;
		same(hash_explanation(expl), "mc_policy_explain");
		mc_explanation_free(expl);
		expl = NULL;
	}
	if (j->lint) {
		size_t before = mc_diag_count(diag);

		rc = mc_policy_lint(p, diag);
		if (!step(rc, NULL, false, diag, "mc_policy_lint"))
			goto out;
		same(hash_diags(diag, before), "mc_policy_lint");
	}
	if (j->tests) {
		rc = mc_policy_test(&report, p, NULL, diag);
		if (!step(rc, report, true, diag, "mc_policy_test"))
			goto out;
	}
	if (!j->inventory)
		goto out;
	rc = mc_inventory_new(&inv, NULL);
	if (!step(rc, inv, true, NULL, "mc_inventory_new"))
		goto out;
	rc = mc_inventory_add_file(inv, j->inventory, diag);
	if (!step(rc, NULL, false, diag, "mc_inventory_add_file"))
		goto out;
	for (size_t i = 0; j->more && j->more[i]; i++) {
		rc = mc_inventory_add_file(inv, j->more[i], diag);
		if (!step(rc, NULL, false, diag, "mc_inventory_add_file"))
			goto out;
	}
	rc = mc_inventory_finish(inv, diag);
	if (!step(rc, NULL, false, diag, "mc_inventory_finish"))
		goto out;
	rc = mc_fleet_new(&fleet, p, inv, NULL, diag);
	if (!step(rc, fleet, true, diag, "mc_fleet_new"))
		goto out;
	for (size_t v = 0; v < mc_inventory_vm_count(inv) &&
	     (!j->maxvm || v < j->maxvm); v++) {
		mc_check_request req = {
			.vm = mc_inventory_vm_name(inv, v),
			.trace = v % 2 == 1,
		};
		mc_check_result *r = NULL;

		rc = mc_check(&r, fleet, &req, diag);
		mc_check_result_free(r);
		/* A VM no kind covers (MC_EINPUT) does not end the job. */
		if (!step(rc, rc == MC_ENOMEM ? r : NULL, false, diag, "mc_check") &&
		    rc == MC_ENOMEM)
			goto out;
	}
	if (j->diff_with && !run_diff(fleet, inv, j->diff_with, diag))
		goto out;
	if (j->fleet)
		run_fleet(fleet, diag, j->assign);
out:
	mc_explanation_free(expl);
	mc_test_report_free(report);
	mc_fleet_free(fleet);
	mc_inventory_free(inv);
	mc_policy_free(p);
	mc_diag_free(diag);
}

/* The importers, on fixtures read before the counter is armed. */
static const struct {
	const char *format;
	const char *path;
} imports[] = {
	{ "win32", "tests/import/win32/hv-gold-01.json" },
	{ "lscpu", "tests/import/lscpu/hv-icx-01.json" },
	{ "cpuinfo", "tests/import/cpuinfo/hv-skl-02.txt" },
	{ "csv", "tests/import/csv/fleet.csv" },
	{ "libvirt", "tests/import/libvirt/kvm-skylake-07.xml" },
	{ "libvirt", "tests/import/libvirt/caps-qemu-kvm.xml" },
	{ "libvirt-domain", "tests/import/libvirt-domain/web-01.xml" },
	{ "libvirt-domain", "tests/import/libvirt-domain/x86_64-guest.xml" },
	{ "scvmm", "tests/import/scvmm/walkthrough/vmm-fleet.json" },
	{ "scvmm", "tests/import/scvmm/hosts.json" },
	{ "hyperv", "tests/import/hyperv/cluster-east.json" },
	{ "hyperv", "tests/import/hyperv/standalone-lab-utf16.json" },
};
#define NIMPORTS (sizeof(imports) / sizeof(imports[0]))
static char *import_data[NIMPORTS];
static size_t import_len[NIMPORTS];
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) &&
	    fread(buf, 1, (size_t)n, f) == (size_t)n) {
		buf[n] = '\0';
		*len = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static void
run_import_job(const job *j)
{
	(void)j;
	for (size_t i = 0; i < NIMPORTS; i++) {
		mc_diag *diag = mc_diag_new();
		mc_hostlist list = { 0 };
		mc_import_ctx ctx = { .vm_host = "kvm-01" };
		int rc;

		if (!diag)
			return;
		rc = mc_import_find(imports[i].format)(&list, imports[i].path,
			import_data[i], import_len[i], &ctx, diag);
		if (rc == MC_ENOMEM && (list.count || list.nvms)) {
			fprintf(stderr, "N=%lu %s: MC_ENOMEM but records appended\n",
				fail_at, imports[i].format);
			failures++;
		}
		mc_hostlist_free(&list);
		step(rc, NULL, false, diag, imports[i].format);
		mc_diag_free(diag);
	}
}

/* libvirt's CPU map as installed (MC_CPUMAP_DIR), then libvirt hosts and
 * VMs imported with their models expanded from it. */
static void
run_cpumap_job(const job *j)
{
	mc_diag *diag = mc_diag_new();
	mc_cpumap *map = NULL;
	int rc;

	(void)j;
	if (!diag)
		return;
	rc = mc_cpumap_load(&map, MC_CPUMAP_DIR, NULL, diag);
	if (step(rc, map, true, diag, "mc_cpumap_load")) {
		for (size_t i = 0; i < NIMPORTS; i++) {
			mc_hostlist list = { 0 };
			mc_import_ctx ctx = { .cpu_map = map, .vm_host = "kvm-01" };
			unsigned long long h = 0;

			if (strncmp(imports[i].format, "libvirt", 7) != 0)
				continue;
			rc = mc_import_find(imports[i].format)(&list,
				imports[i].path, import_data[i], import_len[i],
				&ctx, diag);
			if (step(rc, NULL, false, diag, imports[i].format)) {
				for (size_t k = 0; k < list.count; k++)
					h = h * 31 + list.hosts[k]->nfeatures;
				for (size_t k = 0; k < list.nvms; k++)
					h = h * 31 + list.vms[k]->cpu_features.n;
				same(h, imports[i].format);
			}
			mc_hostlist_free(&list);
		}
	}
	mc_cpumap_free(map);
	mc_diag_free(diag);
}

/* The files the fmt job lays out: a messy one and a shipped policy. */
static const char *const fmt_files[] = {
	"tests/fmt/messy.yaml",
	"policies/hyperv.yaml",
};
#define NFMT (sizeof(fmt_files) / sizeof(fmt_files[0]))
static char *fmt_data[NFMT];
static size_t fmt_len[NFMT];

static void
run_format_job(const job *j)
{
	(void)j;
	for (size_t i = 0; i < NFMT; i++) {
		mc_diag *diag = mc_diag_new();
		char *out = NULL;
		size_t len = 0;
		int rc;

		if (!diag)
			return;
		rc = mc_policy_format(&out, &len, fmt_files[i], fmt_data[i],
				      fmt_len[i], NULL, diag);
		if (step(rc, out, true, diag, "mc_policy_format"))
			same(hash_bytes(0, out, len), "mc_policy_format");
		free(out);
		mc_diag_free(diag);
	}
}

/* One host from several files, merged (tests/files/merge). */
static const char *const merge_parts[] = {
	"tests/files/merge/hv-01.status.yaml",
	"tests/files/merge/hv-01.hypervisor.yaml",
	"tests/files/merge/hv-01.combined.yaml",
	"tests/files/merge/hv-01.features-reordered.yaml",
	"tests/files/merge/fleet.yaml",
	"tests/files/merge/db-01.state.yaml",
	NULL,
};

static const job jobs[] = {
	{ .name = "scvmm-2008", .policy = "policies/scvmm-2008.yaml",
	  .inventory = "examples/kb969726.yaml", .fleet = true,
	  .diff_with = "tests/fixtures/weakened-scvmm.yaml" },
	{ .name = "scvmm-2008-r2", .policy = "policies/scvmm-2008-r2.yaml",
	  .inventory = "examples/kb969726.yaml" },
	{ .name = "hyperv", .policy = "policies/hyperv.yaml",
	  .inventory = "examples/fleet.yaml", .fleet = true },
	{ .name = "libvirt-kvm", .policy = "policies/libvirt-kvm.yaml",
	  .inventory = "examples/kvm-fleet.yaml", .maxvm = 4 },
	/* Lua policy and Lua rules: every host, for the first VMs only (a
	 * whole fleet makes 10^5..10^6 allocations a run). */
	{ .name = "hyperv-features", .policy = "policies/hyperv-features.lua",
	  .inventory = "examples/fleet.yaml", .maxvm = 4 },
	{ .name = "vmware-evc", .policy = "policies/vmware-evc.yaml",
	  .inventory = "examples/vmware-fleet.yaml", .maxvm = 3 },
	{ .name = "merge", .policy = "policies/hyperv.yaml",
	  .inventory = "tests/files/merge/hv-01.probe.yaml", .more = merge_parts },
	/* Lua-rule heavy: the EVC policy's own tests, each a Lua-rule check. */
	{ .name = "vmware-evc-tests", .policy = "policies/vmware-evc.yaml",
	  .tests = true },
	/* explain and lint, on every shipped policy */
	{ .name = "explain-lint-scvmm-2008", .policy = "policies/scvmm-2008.yaml",
	  .explain = true, .lint = true },
	{ .name = "explain-lint-scvmm-2008-r2",
	  .policy = "policies/scvmm-2008-r2.yaml", .explain = true, .lint = true },
	{ .name = "explain-lint-hyperv", .policy = "policies/hyperv.yaml",
	  .explain = true, .lint = true },
	{ .name = "explain-lint-libvirt-kvm", .policy = "policies/libvirt-kvm.yaml",
	  .explain = true, .lint = true },
	{ .name = "explain-lint-hyperv-features",
	  .policy = "policies/hyperv-features.lua", .explain = true, .lint = true },
	{ .name = "explain-lint-vmware-evc", .policy = "policies/vmware-evc.yaml",
	  .explain = true, .lint = true },
	/* placement: ratings from resources, with a preference */
	{ .name = "placement", .policy = "tests/placement/prefer.yaml",
	  .inventory = "tests/placement/evacuate.yaml", .fleet = true,
	  .assign = true,
	  .diff_with = "tests/placement/resource-maximization.yaml",
	  .explain = true, .lint = true },
	{ .name = "import" },
	{ .name = "cpumap", .cpumap = true, .strided = true },
	{ .name = "format", .format = true },
};
#define NJOBS (sizeof(jobs) / sizeof(jobs[0]))

/* A job of up to MC_WALK_ALL allocations is walked at every N; a longer one
 * (a Lua policy checking a whole fleet makes 10^5), or one marked strided,
 * at every N up to MC_WALK_DENSE, then with a stride, in about
 * MC_WALK_POINTS runs. */
#define MC_WALK_ALL 4000
#define MC_WALK_DENSE 100
#define MC_WALK_POINTS 200

/* Lua seeds its string hashes per state (with the time and addresses), so
 * a table may be resized an allocation earlier or later: a job that runs
 * Lua makes a few allocations more or fewer from one run to the next, and
 * its walk may end that much before the clean run's count. */
#define MC_WALK_SLACK(total) ((total) / 500 + 16)

static void
run(const job *j, unsigned long n)
{
	count = 0;
	fail_at = n;
	hit = false;
	nsteps = 0;
	armed = true;
	if (j->policy)
		run_check_job(j);
	else if (j->format)
		run_format_job(j);
	else if (j->cpumap)
		run_cpumap_job(j);
	else
		run_import_job(j);
	armed = false;
}

static int
walk(const job *j)
{
	clock_t t0 = clock();
	unsigned long total, stride = 1, runs = 0, n;
	int before = failures;

	recording = true;
	run(j, 0);
	recording = false;
	total = count;
	if (total > MC_WALK_ALL || j->strided)
		stride = (total - MC_WALK_DENSE) / (MC_WALK_POINTS - MC_WALK_DENSE) + 1;
	for (n = 1;; n += n < MC_WALK_DENSE ? 1 : stride) {
		run(j, n);
		runs++;
		if (!hit)
			break;
	}
	printf("%-28s %7lu allocations, %5lu runs (stride %lu), %d failures, %.1f s\n",
	       j->name, total, runs, stride, failures - before,
	       (double)(clock() - t0) / CLOCKS_PER_SEC);
	fflush(stdout);
	if (n + MC_WALK_SLACK(total) <= total) {
		fprintf(stderr, "%s: the walk ended at N=%lu of %lu allocations\n",
			j->name, n, total);
		failures++;
	}
	return failures - before;
}

int
main(int argc, char **argv)
{
	for (size_t i = 0; i < NIMPORTS; i++) {
		import_data[i] = slurp(imports[i].path, &import_len[i]);
		if (!import_data[i]) {
			fprintf(stderr, "cannot read %s\n", imports[i].path);
			return 2;
		}
	}
	for (size_t i = 0; i < NFMT; i++) {
		fmt_data[i] = slurp(fmt_files[i], &fmt_len[i]);
		if (!fmt_data[i]) {
			fprintf(stderr, "cannot read %s\n", fmt_files[i]);
			return 2;
		}
	}
	bool except = argc > 1 && strcmp(argv[1], "--except") == 0;
	int first = except ? 2 : 1;

	for (int a = first; a < argc; a++) {
		size_t i = 0;

		while (i < NJOBS && strcmp(argv[a], jobs[i].name) != 0)
			i++;
		if (i == NJOBS) {
			fprintf(stderr, "no job is named %s\n", argv[a]);
			return 2;
		}
	}
	for (size_t i = 0; i < NJOBS; i++) {
		bool named = false;

		for (int a = first; a < argc; a++)
			named = named || strcmp(argv[a], jobs[i].name) == 0;
		if (argc > first && named == except)
			continue;
		walk(&jobs[i]);
	}
	for (size_t i = 0; i < NIMPORTS; i++)
		free(import_data[i]);
	for (size_t i = 0; i < NFMT; i++)
		free(fmt_data[i]);
	return failures ? 1 : 0;
}
