/* SPDX-License-Identifier: MIT */
/*
 * test_eval.c - the ten steps of evaluating a VM against a host, rating
 * and remedies, through mc_check().
 */
#include <malloc.h>
#include <string.h>

#include "eval/eval.h"
#include "helpers.h"

/* A policy in the shape of the spec's example, small enough to reason
 * about: three kinds, host requirements, match, compare, relax, rules,
 * preferences and remedies. */
static const char *POLICY =
	"policy: test\n"
	"fields:\n"
	"  manufacturer:\n"
	"    from: cpu.manufacturer\n"
	"    normalize:\n"
	"      - { pattern: '^(GenuineIntel|Intel\\b.*)$', to: Intel, caseless: true }\n"
	"      - { pattern: '^(AuthenticAMD|AMD\\b.*)$', to: AMD, caseless: true }\n"
	"  family: { from: cpu.family, type: integer }\n"
	"  model: { from: cpu.model, type: integer }\n"
	"  features: { from: cpu.features, type: set }\n"
	"  hypervisor: { from: hypervisor.version, type: version }\n"
	"kinds:\n"
	"  saved-state:\n"
	"    when: { any: [ { vm.state: { in: [saved, paused] } }, { vm.checkpoints: { gt: 0 } } ] }\n"
	"  live:\n"
	"    when: { vm.state: running }\n"
	"  stopped:\n"
	"    when: { vm.state: stopped }\n"
	"host:\n"
	"  require:\n"
	"    - { target.status.connection: responding }\n"
	"    - { target.status.available_for_placement: true }\n"
	"  message: \"Host {target.name} is not available for placement.\"\n"
	"match:\n"
	"  saved-state: [manufacturer, family, hypervisor]\n"
	"  live: [manufacturer, family]\n"
	"  stopped: []\n"
	"  message: \"Unable to migrate {vm.name}: processor of {target.name} differs.\"\n"
	"compare:\n"
	"  live:\n"
	"    - { field: hypervisor, op: ge }\n"
	"    - { field: features, op: superset }\n"
	"relax:\n"
	"  - when: { vm.processor_compatibility: true }\n"
	"    drop: [family, model, features]\n"
	"    note: Reduced feature set.\n"
	"rules:\n"
	"  - id: memory-fits\n"
	"    kinds: [live]\n"
	"    require: { target.memory.free_mb: { ge: $vm.memory_mb } }\n"
	"    message: \"{target.name} has {target.memory.free_mb} MB free; {vm.name} needs {vm.memory_mb} MB.\"\n"
	"prefer:\n"
	"  - { match: model, weight: 2 }\n"
	"  - { when: { target.cluster: $source.cluster }, weight: 1 }\n"
	"remedies:\n"
	"  - id: allow-different-processor\n"
	"    says: Turn on processor compatibility.\n"
	"    warning: Fewer features.\n"
	"    set: { vm.processor_compatibility: true }\n"
	"  - id: discard-saved-state\n"
	"    says: Shut it down.\n"
	"    set: { vm.state: stopped, vm.checkpoints: 0 }\n";

#define STATUS_OK "    status: { connection: responding, available_for_placement: true }\n"
#define MEM(n) "    memory: { free_mb: " #n " }\n"

static const char *INVENTORY =
	"hosts:\n"
	"  - name: src\n"
	"    cluster: east\n"
	"    cpu: { manufacturer: GenuineIntel, family: 6, model: 85, features: [sse4_2, avx, avx2] }\n"
	"    hypervisor: { version: '10.0.17763' }\n"
	STATUS_OK MEM(8000)
	/* same cluster, same model: every preference holds */
	"  - name: twin\n"
	"    cluster: east\n"
	"    cpu: { manufacturer: Intel Xeon, family: 6, model: 85, features: [avx, avx2, sse4_2, avx512f] }\n"
	"    hypervisor: { version: '10.0.20348' }\n"
	STATUS_OK MEM(8000)
	/* other cluster, other model: allowed with no preference held */
	"  - name: other\n"
	"    cluster: west\n"
	"    cpu: { manufacturer: GenuineIntel, family: 6, model: 106, features: [sse4_2, avx, avx2] }\n"
	"    hypervisor: { version: '10.0.17763.0' }\n"
	STATUS_OK MEM(8000)
	/* AMD: manufacturer and family differ */
	"  - name: amd\n"
	"    cluster: east\n"
	"    cpu: { manufacturer: AuthenticAMD, family: 25, model: 1, features: [sse4_2, avx, avx2] }\n"
	"    hypervisor: { version: '10.0.17763' }\n"
	STATUS_OK MEM(8000)
	/* older hypervisor, missing a feature, too little memory */
	"  - name: old\n"
	"    cluster: east\n"
	"    cpu: { manufacturer: GenuineIntel, family: 6, model: 85, features: [sse4_2, avx] }\n"
	"    hypervisor: { version: '6.3.9600' }\n"
	STATUS_OK MEM(100)
	/* unavailable */
	"  - name: down\n"
	"    cluster: east\n"
	"    cpu: { manufacturer: GenuineIntel, family: 6, model: 85, features: [sse4_2, avx, avx2] }\n"
	"    hypervisor: { version: '10.0.17763' }\n"
	"    status: { connection: not-responding, available_for_placement: true }\n"
	MEM(8000)
	/* no family, no status */
	"  - name: bare\n"
	"    cpu: { manufacturer: GenuineIntel, model: 85, features: [sse4_2, avx, avx2] }\n"
	"    hypervisor: { version: '10.0.17763' }\n"
	/* a family that is no integer */
	"  - name: odd\n"
	"    cluster: east\n"
	"    cpu: { manufacturer: GenuineIntel, family: six, model: 85, features: [sse4_2, avx, avx2] }\n"
	"    hypervisor: { version: '10.0.17763' }\n"
	STATUS_OK MEM(8000)
	"vms:\n"
	"  - { name: saved-vm, host: src, state: saved, checkpoints: 0, memory_mb: 1024 }\n"
	"  - { name: live-vm, host: src, state: running, memory_mb: 1024 }\n"
	"  - { name: big-vm, host: src, state: running, memory_mb: 4096 }\n"
	"  - { name: compat-vm, host: src, state: running, processor_compatibility: true, memory_mb: 1024 }\n"
	"  - { name: cp-vm, host: src, state: stopped, checkpoints: 2, memory_mb: 1024 }\n"
	"  - { name: off-vm, host: src, state: stopped, memory_mb: 1024 }\n"
	"  - { name: odd-vm, host: src, state: suspended }\n"
	"  - { name: nomem-vm, host: src, state: running }\n";

static check_run
run(const char *vm, const char *to, const char *kind)
{
	return run_check(POLICY, INVENTORY, vm, to, kind);
}

/* A run that must answer. */
static check_run
ok(const char *vm, const char *to, const char *kind)
{
	check_run r = run(vm, to, kind);

	ck_assert_msg(r.status == MC_OK, "mc_check failed: %s", first_diag(r.fx.diag));
	return r;
}

/* Step 1: the first kind whose `when` holds. */
START_TEST(kind_first_match)
{
	check_run r = ok("cp-vm", "twin", NULL);

	ck_assert_int_eq(r.status, MC_OK);
	/* stopped, but with checkpoints: saved-state comes first and holds */
	ck_assert_str_eq(r.res->kind, "saved-state");
	ck_assert(!r.res->kind_given);
	check_done(&r);

	r = ok("off-vm", "twin", NULL);
	ck_assert_str_eq(r.res->kind, "stopped");
	check_done(&r);
}
END_TEST

START_TEST(kind_given_overrides)
{
	check_run r = ok("off-vm", "amd", "saved-state");

	ck_assert_int_eq(r.status, MC_OK);
	ck_assert_str_eq(r.res->kind, "saved-state");
	ck_assert(r.res->kind_given);
	ck_assert_str_eq(rule_ids(verdict(r.res, "amd")),
			 "match.manufacturer match.family");
	check_done(&r);
}
END_TEST

START_TEST(kind_unknown_name)
{
	check_run r = run("off-vm", NULL, "teleport");

	ck_assert_int_eq(r.status, MC_EUSAGE);
	ck_assert_ptr_null(r.res);
	ck_assert_str_eq(first_diag(r.fx.diag), "policy 'test' has no kind 'teleport' "
			 "(kinds: saved-state, live, stopped)");
	check_done(&r);
}
END_TEST

START_TEST(kind_none_covers_state)
{
	check_run r = run("odd-vm", NULL, NULL);

	ck_assert_int_eq(r.status, MC_EINPUT);
	ck_assert_ptr_null(r.res);
	/* at the VM's record in the inventory */
	ck_assert_str_eq(first_diag(r.fx.diag), "inv.yaml:54:5: VM 'odd-vm' is in "
			 "state 'suspended', which no kind of policy 'test' covers "
			 "(kinds: saved-state, live, stopped)");
	check_done(&r);
}
END_TEST

/* Step 2: the VM's own host is no candidate. */
START_TEST(own_host_excluded)
{
	check_run r = ok("off-vm", NULL, NULL);

	ck_assert_uint_eq(r.res->nhosts, 7);
	ck_assert_ptr_null(verdict(r.res, "src"));
	check_done(&r);

	r = run("off-vm", "src", NULL);
	ck_assert_int_eq(r.status, MC_EUSAGE);
	ck_assert_str_eq(first_diag(r.fx.diag), "VM 'off-vm' is already on host 'src'");
	check_done(&r);
}
END_TEST

START_TEST(unknown_vm_and_host)
{
	check_run r = run("nope", NULL, NULL);

	ck_assert_int_eq(r.status, MC_EUSAGE);
	ck_assert_str_eq(first_diag(r.fx.diag), "no VM named 'nope' in the inventory");
	check_done(&r);
	r = run("off-vm", "nowhere", NULL);
	ck_assert_int_eq(r.status, MC_EUSAGE);
	ck_assert_str_eq(first_diag(r.fx.diag), "no host named 'nowhere' in the inventory");
	check_done(&r);
}
END_TEST

/* Step 3: each failing requirement is host.N, with what was found. */
START_TEST(host_requirements)
{
	check_run r = ok("off-vm", "down", NULL);
	const mc_host_verdict *h = verdict(r.res, "down");
	const mc_violation *v;

	ck_assert(!h->allowed);
	ck_assert_str_eq(rule_ids(h), "host.1");
	v = violation(h, "host.1");
	ck_assert_str_eq(v->message, "Host down is not available for placement.");
	ck_assert_str_eq(v->detail, "target.status.connection is 'not-responding', "
			 "expected 'responding'");
	ck_assert_ptr_null(v->field);
	ck_assert_int_eq(v->source.type, MC_VALUE_NONE);
	ck_assert_int_eq(v->target.type, MC_VALUE_NONE);
	ck_assert_str_eq(v->at.file, "policy.yaml");
	ck_assert_uint_eq(v->at.line, 21);
	ck_assert_uint_eq(v->at.column, 7);
	check_done(&r);
}
END_TEST

/* A missing status fails closed, with both requirements reported. */
START_TEST(host_requirements_missing_fail_closed)
{
	check_run r = ok("off-vm", "bare", NULL);
	const mc_host_verdict *h = verdict(r.res, "bare");
	const mc_violation *v = violation(h, "host.2");

	ck_assert(!h->allowed);
	ck_assert_str_eq(rule_ids(h), "host.1 host.2");
	ck_assert_str_eq(v->detail, "target.status.available_for_placement is missing");
	ck_assert_str_eq(v->message, "Cannot tell whether host bare can take the VM: "
			 "target.status.available_for_placement is missing.");
	check_done(&r);
}
END_TEST

/* Step 5: match, with both normalized values. */
START_TEST(match_values)
{
	check_run r = ok("saved-vm", "amd", NULL);
	const mc_host_verdict *h = verdict(r.res, "amd");
	const mc_violation *v = violation(h, "match.manufacturer");

	ck_assert_str_eq(rule_ids(h), "match.manufacturer match.family");
	ck_assert_str_eq(v->field, "manufacturer");
	ck_assert_int_eq(v->source.type, MC_VALUE_STRING);
	ck_assert_str_eq(v->source.text, "Intel");
	ck_assert_str_eq(v->target.text, "AMD");
	ck_assert_str_eq(v->message, "Unable to migrate saved-vm: processor of amd differs.");
	ck_assert_uint_eq(v->at.line, 25);
	ck_assert_uint_eq(v->at.column, 17);
	v = violation(h, "match.family");
	ck_assert_int_eq(v->source.type, MC_VALUE_INTEGER);
	ck_assert_int_eq(v->source.integer, 6);
	ck_assert_int_eq(v->target.integer, 25);
	ck_assert_uint_eq(v->at.column, 31);
	check_done(&r);
}
END_TEST

/* Normalization makes "Intel Xeon" and "GenuineIntel" equal, and versions
 * compare as versions: 10.0.17763.0 equals 10.0.17763. */
START_TEST(match_normalized_equal)
{
	check_run r = ok("saved-vm", "other", NULL);
	const mc_host_verdict *h = verdict(r.res, "other");

	ck_assert_msg(h->allowed, "refused: %s", rule_ids(h));
	check_done(&r);
	r = ok("saved-vm", "twin", NULL);
	h = verdict(r.res, "twin");
	/* twin runs 10.0.20348: saved-state matches the hypervisor version */
	ck_assert_str_eq(rule_ids(h), "match.hypervisor");
	check_done(&r);
}
END_TEST

/* A missing or malformed value fails the check, naming host and path. */
START_TEST(match_missing_and_malformed)
{
	check_run r = ok("saved-vm", NULL, NULL);
	const mc_violation *v = violation(verdict(r.res, "bare"), "match.family");

	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v->message, "Host bare has no value at cpu.family (field family).");
	ck_assert_int_eq(v->target.type, MC_VALUE_NONE);
	ck_assert_int_eq(v->source.type, MC_VALUE_INTEGER);
	v = violation(verdict(r.res, "odd"), "match.family");
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v->message, "Host odd has cpu.family = 'six', which is not "
			 "a whole number (field family).");
	ck_assert(!verdict(r.res, "odd")->allowed);
	check_done(&r);
}
END_TEST

/* Step 6: compare reads target OP source. */
START_TEST(compare_ge_and_superset)
{
	check_run r = ok("live-vm", "old", NULL);
	const mc_host_verdict *h = verdict(r.res, "old");
	const mc_violation *v;

	ck_assert_str_eq(rule_ids(h), "compare.hypervisor compare.features rule.memory-fits");
	v = violation(h, "compare.hypervisor");
	ck_assert_int_eq(v->target.type, MC_VALUE_VERSION);
	ck_assert_str_eq(v->target.text, "6.3.9600");
	ck_assert_str_eq(v->source.text, "10.0.17763");
	v = violation(h, "compare.features");
	ck_assert_int_eq(v->source.type, MC_VALUE_SET);
	ck_assert_uint_eq(v->source.count, 3);
	ck_assert_str_eq(v->source.items[0], "avx");
	ck_assert_str_eq(v->source.items[1], "avx2");
	ck_assert_str_eq(v->detail, "missing on the target: avx2");
	ck_assert_str_eq(v->message, "old lacks features that the VM's host src has.");
	check_done(&r);

	/* a newer hypervisor and a feature superset pass */
	r = ok("live-vm", "twin", NULL);
	ck_assert(verdict(r.res, "twin")->allowed);
	check_done(&r);
}
END_TEST

/* A refused set check names the members that make the difference:
 * what the target lacks (superset), what only it has (subset), what both
 * have (disjoint), each in text order. */
START_TEST(set_details_name_the_members)
{
	static const char *policy =
		"policy: sets\n"
		"format: 1\n"
		"fields:\n"
		"  f: { from: f, type: set }\n"
		"kinds: { any: }\n"
		"compare:\n"
		"  any:\n"
		"    - { field: f, op: superset }\n"
		"    - { field: f, op: subset }\n"
		"    - { field: f, op: disjoint }\n";
	static const char *inventory =
		"hosts:\n"
		"  - { name: s, f: [d, b, a] }\n"
		"  - { name: t, f: [c, b, e, a] }\n"
		"vms:\n"
		"  - { name: v, host: s, state: running }\n";
	check_run r = run_check(policy, inventory, "v", "t", NULL);
	const mc_host_verdict *h;

	ck_assert_int_eq(r.status, MC_OK);
	h = verdict(r.res, "t");
	ck_assert_uint_eq(h->nviolations, 3);
	ck_assert_str_eq(h->violations[0].detail, "missing on the target: d");
	ck_assert_str_eq(h->violations[1].detail, "only on the target: c, e");
	ck_assert_str_eq(h->violations[2].detail, "on both: a, b");
	check_done(&r);
}
END_TEST

/* Step 4: relaxations drop checks while their condition holds. */
START_TEST(relax_drops_checks)
{
	check_run r = ok("compat-vm", "old", NULL);
	const mc_host_verdict *h = verdict(r.res, "old");

	/* features dropped; hypervisor still compared, memory still checked */
	ck_assert_str_eq(rule_ids(h), "compare.hypervisor rule.memory-fits");
	ck_assert_uint_eq(h->nrelaxed, 1);
	ck_assert_str_eq(h->relaxed[0].note, "Reduced feature set.");
	ck_assert_uint_eq(h->relaxed[0].ndropped, 3);
	ck_assert_str_eq(h->relaxed[0].dropped[0], "family");
	ck_assert_str_eq(h->relaxed[0].dropped[2], "features");
	check_done(&r);

	/* never manufacturer: AMD is still refused, family is not checked */
	r = ok("compat-vm", "amd", NULL);
	ck_assert_str_eq(rule_ids(verdict(r.res, "amd")), "match.manufacturer");
	check_done(&r);
}
END_TEST

/* Step 7: rules apply to their kinds; messages fill placeholders. */
START_TEST(rules_kinds_and_message)
{
	check_run r = ok("big-vm", "old", NULL);
	const mc_violation *v = violation(verdict(r.res, "old"), "rule.memory-fits");

	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v->message, "old has 100 MB free; big-vm needs 4096 MB.");
	ck_assert_str_eq(v->detail, "target.memory.free_mb is 100, expected at least "
			 "4096 (vm.memory_mb)");
	check_done(&r);

	/* memory-fits is for live moves only */
	r = ok("saved-vm", "old", NULL);
	ck_assert_ptr_null(violation(verdict(r.res, "old"), "rule.memory-fits"));
	check_done(&r);
}
END_TEST

START_TEST(rules_missing_operand_fail_closed)
{
	check_run r = ok("nomem-vm", "twin", NULL);
	const mc_violation *v = violation(verdict(r.res, "twin"), "rule.memory-fits");

	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v->message, "Cannot check rule memory-fits on host twin: "
			 "target.memory.free_mb cannot be compared: vm.memory_mb is missing.");
	check_done(&r);
}
END_TEST

/* Steps 8 and 9: allowed hosts are rated; refused hosts get zero. */
/* `source: cluster`: the source side of a set field holds the members
 * every host of the source's cluster has; the target side its own. */
static const char *CLUSTER_POLICY =
	"policy: cluster\n"
	"fields:\n"
	"  common: { from: cpu.features, type: set, source: cluster }\n"
	"kinds: { live: { when: { vm.state: running } } }\n"
	"compare: { live: [ { field: common, op: superset } ] }\n";

static const char *CLUSTER_INVENTORY =
	"hosts:\n"
	"  - { name: a1, cluster: a, cpu: { features: [x, y, z] } }\n"
	"  - { name: a2, cluster: a, cpu: { features: [y, x, w] } }\n"
	"  - { name: b1, cluster: b, cpu: { features: [x, y, z] } }\n"
	"  - { name: b2, cluster: b }\n"
	"  - { name: lone, cpu: { features: [x, z] } }\n"
	"  - { name: onlyx, cpu: { features: [x] } }\n"
	"vms:\n"
	"  - { name: in-a, host: a1, state: running }\n"
	"  - { name: in-b, host: b1, state: running }\n"
	"  - { name: alone, host: lone, state: running }\n";

START_TEST(source_cluster_reads_common_members)
{
	check_run r = run_check(CLUSTER_POLICY, CLUSTER_INVENTORY, "in-a", NULL, NULL);
	const mc_violation *v;

	ck_assert_int_eq(r.status, MC_OK);
	/* a's common members are x and y: lone (x, z) lacks y, a2 and b1 have
	 * both although a1's own z is not on a2 */
	ck_assert_str_eq(rule_ids(verdict(r.res, "a2")), "");
	ck_assert_str_eq(rule_ids(verdict(r.res, "b1")), "");
	v = violation(verdict(r.res, "lone"), "compare.common");
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(v->source.count, 2);
	ck_assert_str_eq(v->source.items[0], "x");
	ck_assert_str_eq(v->source.items[1], "y");
	ck_assert_uint_eq(v->target.count, 2);
	ck_assert_str_eq(v->detail, "missing on the target: y");
	check_done(&r);

	/* a host of no cluster is a cluster of its own: x and z */
	r = run_check(CLUSTER_POLICY, CLUSTER_INVENTORY, "alone", NULL, NULL);
	ck_assert_str_eq(rule_ids(verdict(r.res, "a1")), "");
	ck_assert_str_eq(rule_ids(verdict(r.res, "a2")), "compare.common");
	ck_assert_str_eq(rule_ids(verdict(r.res, "onlyx")), "compare.common");
	check_done(&r);
}
END_TEST

START_TEST(source_cluster_missing_member_fails_closed)
{
	/* b2 has no features: b's common members are unknown, and the
	 * message names b2, not the VM's own host */
	check_run r = run_check(CLUSTER_POLICY, CLUSTER_INVENTORY, "in-b", NULL, NULL);
	const mc_violation *v = violation(verdict(r.res, "a1"), "compare.common");

	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v->message, "Host b2, of the cluster of the VM's host b1, "
			 "has no value at cpu.features (field common).");
	ck_assert_int_eq(verdict(r.res, "a1")->allowed, false);
	check_done(&r);
}
END_TEST

START_TEST(source_cluster_needs_a_set)
{
	mc_diag *d = policy_errors("p.yaml",
		"policy: p\n"
		"fields: { f: { from: cpu.family, type: integer, source: cluster } }\n"
		"kinds: { live: {} }\n");

	ck_assert(has_diag(d, "field 'f' needs 'type: set'"));
	mc_diag_free(d);
	d = policy_errors("p.yaml",
		"policy: p\n"
		"fields: { f: { from: cpu.features, type: set, source: rack } }\n"
		"kinds: { live: {} }\n");
	ck_assert(has_diag(d, "'source' is 'host'"));
	mc_diag_free(d);
}
END_TEST

START_TEST(rating_from_preferences)
{
	check_run r = ok("off-vm", NULL, NULL);

	/* model (2) and cluster (1) both hold: 5 stars */
	ck_assert_uint_eq(verdict(r.res, "twin")->rating_halves, 10);
	/* neither holds: 1 star */
	ck_assert_uint_eq(verdict(r.res, "other")->rating_halves, 2);
	/* cluster only: 1 + 4/3 = 2.33 -> 2.5 */
	ck_assert_uint_eq(verdict(r.res, "amd")->rating_halves, 5);
	/* a stopped VM does not check the family: odd is allowed, 5 stars */
	ck_assert_uint_eq(verdict(r.res, "odd")->rating_halves, 10);
	ck_assert_uint_eq(verdict(r.res, "down")->rating_halves, 0);
	check_done(&r);
}
END_TEST

/* Sorted by rating, then by name. */
START_TEST(hosts_sorted)
{
	check_run r = ok("off-vm", NULL, NULL);
	const char *order[] = {"odd", "old", "twin", "amd", "other", "bare", "down"};

	ck_assert_uint_eq(r.res->nhosts, 7);
	for (size_t i = 0; i < 7; i++)
		ck_assert_str_eq(r.res->hosts[i].name, order[i]);
	check_done(&r);
}
END_TEST

START_TEST(rating_rounding)
{
	/* weights 1 and 15: only the weight-1 preference holds on `b`: 1 + 4/16
	 * = 1.25 stars, which rounds half up to 1.5 */
	static const char *policy =
		"policy: r\n"
		"fields: { m: { from: m } }\n"
		"kinds: { any: }\n"
		"prefer:\n"
		"  - { when: { target.a: 1 }, weight: 1 }\n"
		"  - { when: { target.b: 1 }, weight: 15 }\n";
	static const char *inv =
		"hosts:\n"
		"  - { name: s }\n"
		"  - { name: a, a: 1 }\n"
		"  - { name: b, b: 1 }\n"
		"  - { name: c, a: 1, b: 1 }\n"
		"  - { name: d }\n"
		"vms: [ { name: v, host: s, state: running } ]\n";
	check_run r = run_check(policy, inv, "v", NULL, NULL);

	ck_assert_int_eq(r.status, MC_OK);
	ck_assert_uint_eq(verdict(r.res, "a")->rating_halves, 3);   /* 1.25 -> 1.5 */
	ck_assert_uint_eq(verdict(r.res, "b")->rating_halves, 10);  /* 4.75 -> 5 */
	ck_assert_uint_eq(verdict(r.res, "c")->rating_halves, 10);
	ck_assert_uint_eq(verdict(r.res, "d")->rating_halves, 2);
	check_done(&r);
}
END_TEST

START_TEST(rating_without_prefer_is_five)
{
	static const char *policy =
		"policy: r\nfields: { m: { from: m } }\nkinds: { any: }\n";
	static const char *inv =
		"hosts: [ { name: s }, { name: t } ]\n"
		"vms: [ { name: v, host: s, state: running } ]\n";
	check_run r = run_check(policy, inv, "v", NULL, NULL);

	ck_assert_uint_eq(verdict(r.res, "t")->rating_halves, 10);
	ck_assert(verdict(r.res, "t")->allowed);
	check_done(&r);
}
END_TEST

/* Step 10: the remedies that make the move pass, in file order. */
START_TEST(remedies_in_order)
{
	check_run r = ok("saved-vm", NULL, NULL);

	/* different family: compat relaxes family (saved-state still matches
	 * manufacturer and hypervisor); shutting down always works */
	ck_assert_str_eq(remedy_ids(verdict(r.res, "odd")),
			 "allow-different-processor discard-saved-state");
	/* AMD: only shutting down helps */
	ck_assert_str_eq(remedy_ids(verdict(r.res, "amd")), "discard-saved-state");
	ck_assert_str_eq(verdict(r.res, "amd")->remedies[0].says, "Shut it down.");
	ck_assert_ptr_null(verdict(r.res, "amd")->remedies[0].warning);
	/* an unavailable host: nothing about the VM helps */
	ck_assert_str_eq(remedy_ids(verdict(r.res, "down")), "");
	check_done(&r);
}
END_TEST

START_TEST(remedy_reselects_kind)
{
	/* a stopped VM asked about as saved-state: discarding the saved state
	 * sets what the kinds read, so the changed VM is a stopped move again,
	 * which passes; processor compatibility changes nothing the kinds read,
	 * so it is tried as the saved-state move that was asked about, and the
	 * hypervisor versions still differ */
	check_run r = ok("off-vm", "twin", "saved-state");
	const mc_host_verdict *h = verdict(r.res, "twin");

	ck_assert_str_eq(rule_ids(h), "match.hypervisor");
	ck_assert_str_eq(remedy_ids(h), "discard-saved-state");
	check_done(&r);

	/* asked as saved-state towards AMD: compatibility never crosses
	 * manufacturers, whatever the VM's own state selects */
	r = ok("off-vm", "amd", "saved-state");
	h = verdict(r.res, "amd");
	ck_assert_str_eq(rule_ids(h), "match.manufacturer match.family");
	ck_assert_str_eq(remedy_ids(h), "discard-saved-state");
	check_done(&r);
}
END_TEST

START_TEST(allowed_hosts_have_no_remedies)
{
	check_run r = ok("off-vm", "twin", NULL);
	const mc_host_verdict *h = verdict(r.res, "twin");

	ck_assert(h->allowed);
	ck_assert_uint_eq(h->nviolations, 0);
	ck_assert_uint_eq(h->nremedies, 0);
	ck_assert(mc_check_result_any_allowed(r.res));
	check_done(&r);
}
END_TEST

/* A Lua rule that cannot be decided fails closed. */
START_TEST(lua_rule_fails_closed)
{
	static const char *policy =
		"policy: l\nfields: { m: { from: m } }\nkinds: { any: }\n"
		"rules:\n  - id: code\n    lua: error('boom')\n";
	static const char *inv =
		"hosts: [ { name: s }, { name: t } ]\n"
		"vms: [ { name: v, host: s, state: running } ]\n";
	check_run r = run_check(policy, inv, "v", NULL, NULL);
	const mc_host_verdict *h = verdict(r.res, "t");

	ck_assert(!h->allowed);
	ck_assert_str_eq(rule_ids(h), "rule.code");
	ck_assert_str_eq(h->violations[0].message, "Cannot check rule code on host "
			 "t: policy.yaml:6: boom.");
	ck_assert(!mc_check_result_any_allowed(r.res));
	check_done(&r);
}
END_TEST

/* A `when` that cannot be decided stops kind selection (fail closed)
 * rather than falling through to a later, laxer kind. */
START_TEST(kind_undecidable_is_an_error)
{
	static const char *policy =
		"policy: k\nfields: { m: { from: m } }\n"
		"kinds:\n"
		"  strict: { when: { vm.level: { gt: 2 } } }\n"
		"  lax: {}\n";
	static const char *inv =
		"hosts: [ { name: s }, { name: t } ]\n"
		"vms: [ { name: v, host: s, state: running, level: high } ]\n";
	check_run r = run_check(policy, inv, "v", NULL, NULL);

	ck_assert_int_eq(r.status, MC_EINPUT);
	ck_assert_str_eq(first_diag(r.fx.diag), "inv.yaml:2:8: cannot tell whether "
			 "kind 'strict' of policy 'k' applies to VM 'v': vm.level is "
			 "'high', which 'gt' cannot compare with 2");
	check_done(&r);
}
END_TEST

/* The result owns its strings: it outlives the fleet, inventory and
 * policy it came from. */
START_TEST(result_outlives_inputs)
{
	check_run r = ok("saved-vm", "amd", NULL);
	mc_check_result *res = r.res;

	r.res = NULL;
	check_done(&r);
	ck_assert_str_eq(res->policy_name, "test");
	ck_assert_str_eq(res->hosts[0].name, "amd");
	ck_assert_str_eq(res->hosts[0].violations[0].at.file, "policy.yaml");
	ck_assert_str_eq(res->hosts[0].remedies[0].id, "discard-saved-state");
	mc_check_result_free(res);

	/* set members too */
	r = ok("live-vm", "old", NULL);
	res = r.res;
	r.res = NULL;
	check_done(&r);
	ck_assert_str_eq(res->hosts[0].violations[1].rule, "compare.features");
	ck_assert_str_eq(res->hosts[0].violations[1].source.items[2], "sse4_2");
	ck_assert_str_eq(res->hosts[0].violations[1].target.items[0], "avx");
	mc_check_result_free(res);
}
END_TEST

/* A pair's evaluation allocates nothing: heap use is the same before and
 * after many evaluations (with remedies, which re-evaluate). */
START_TEST(pair_evaluation_allocates_nothing)
{
	check_run r = ok("saved-vm", NULL, NULL);
	const mc_inventory *inv = r.fx.inv;
	mc_ctx ctx;
	mc_pair_result pr;
	mc_vio vio[32];
	bool passes[8];
	long vm = mc_inventory_find_vm(inv, "live-vm");
	size_t before, after;

	ck_assert_int_eq(mc_ctx_init(&ctx, r.fx.fleet, NULL), MC_OK);
	ck_assert_uint_le(r.fx.policy->max_violations, 32);
	pr.vio = vio;
	mc_vmview vmv = mc_ctx_vm(&ctx, (size_t)vm);

	/* one round first, so that lazily made pcre2 JIT stacks exist */
	mc_eval_pair(&ctx, &vmv, 0, 1, 1, &pr);
	before = mallinfo2().uordblks;
	for (int round = 0; round < 100; round++) {
		for (size_t t = 1; t < mc_inventory_host_count(inv); t++) {
			mc_eval_pair(&ctx, &vmv, 0, t, 1, &pr);
			mc_eval_remedies(&ctx, (size_t)vm, t, 1, passes);
		}
	}
	after = mallinfo2().uordblks;
	ck_assert_uint_eq(before, after);
	mc_ctx_release(&ctx);
	check_done(&r);
}
END_TEST

Suite *
eval_suite(void)
{
	Suite *s = suite_create("eval");
	TCase *t = tcase_create("steps");

	tcase_add_test(t, kind_first_match);
	tcase_add_test(t, kind_given_overrides);
	tcase_add_test(t, kind_unknown_name);
	tcase_add_test(t, kind_none_covers_state);
	tcase_add_test(t, kind_undecidable_is_an_error);
	tcase_add_test(t, own_host_excluded);
	tcase_add_test(t, unknown_vm_and_host);
	tcase_add_test(t, host_requirements);
	tcase_add_test(t, host_requirements_missing_fail_closed);
	tcase_add_test(t, match_values);
	tcase_add_test(t, match_normalized_equal);
	tcase_add_test(t, match_missing_and_malformed);
	tcase_add_test(t, compare_ge_and_superset);
	tcase_add_test(t, set_details_name_the_members);
	tcase_add_test(t, relax_drops_checks);
	tcase_add_test(t, rules_kinds_and_message);
	tcase_add_test(t, rules_missing_operand_fail_closed);
	tcase_add_test(t, lua_rule_fails_closed);
	tcase_add_test(t, source_cluster_reads_common_members);
	tcase_add_test(t, source_cluster_missing_member_fails_closed);
	tcase_add_test(t, source_cluster_needs_a_set);
	suite_add_tcase(s, t);

	t = tcase_create("rating");
	tcase_add_test(t, rating_from_preferences);
	tcase_add_test(t, rating_rounding);
	tcase_add_test(t, rating_without_prefer_is_five);
	tcase_add_test(t, hosts_sorted);
	suite_add_tcase(s, t);

	t = tcase_create("remedies");
	tcase_add_test(t, remedies_in_order);
	tcase_add_test(t, remedy_reselects_kind);
	tcase_add_test(t, allowed_hosts_have_no_remedies);
	tcase_add_test(t, result_outlives_inputs);
	tcase_add_test(t, pair_evaluation_allocates_nothing);
	suite_add_tcase(s, t);
	return s;
}
