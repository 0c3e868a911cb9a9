/* SPDX-License-Identifier: MIT */
/*
 * test_order.c - one answer, whatever the order and however often asked.
 *
 * A verdict must not depend on which hosts were evaluated before it, nor
 * on anything that differs from run to run (a heap address, Lua's hash
 * seed). Each case here is checked with the inventory's hosts in several
 * orders -- as written, reversed, and shuffled -- and again in the same
 * order, and the whole answer (every host's verdict, rating, violations
 * with their messages and details, and remedies) must be the same text,
 * byte for byte, every time: for every shipped policy with Lua, for every
 * hostile rule of the escape suite, and for a Lua policy whose functions
 * try to keep state from one evaluation to the next.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "hostile.h"
#include "load/node.h"

/* ------------------------------------------------------------------------
 * Inventories in other orders
 */

/* Appends node n as YAML flow text (JSON-like: every string quoted). */
static void
emit(mc_buf *b, const mc_node *n)
{
	switch (n->kind) {
	case MC_NODE_SEQ:
		mc_buf_addc(b, '[');
		for (size_t i = 0; i < n->len; i++) {
			if (i)
				mc_buf_adds(b, ", ");
			emit(b, n->u.items[i]);
		}
		mc_buf_addc(b, ']');
		return;
	case MC_NODE_MAP:
		mc_buf_addc(b, '{');
		for (size_t i = 0; i < n->len; i++) {
			if (i)
				mc_buf_adds(b, ", ");
			emit(b, n->u.pairs[i].key);
			mc_buf_adds(b, ": ");
			emit(b, n->u.pairs[i].value);
		}
		mc_buf_addc(b, '}');
		return;
	default:
		break;
	}
	if (n->type != MC_SCALAR_STR) {
		mc_buf_add(b, n->u.text, n->len);
		return;
	}
	mc_buf_addc(b, '"');
	for (size_t i = 0; i < n->len; i++) {
		unsigned char c = (unsigned char)n->u.text[i];

		if (c == '"' || c == '\\')
			mc_buf_addf(b, "\\%c", c);
		else if (c < 0x20)
			mc_buf_addf(b, "\\x%02x", c);
		else
			mc_buf_addc(b, (char)c);
	}
	mc_buf_addc(b, '"');
}

/* An inventory's hosts one by one, and its VMs, as texts to load. */
typedef struct split {
	mc_doc *doc;
	char **hosts;
	size_t nhosts;
	char *vms;
} split;

static split
split_inventory(const char *name, const char *text)
{
	split s;
	mc_diag *d = mc_diag_new();
	const mc_node *hosts, *vms;
	mc_buf b = MC_BUF_INIT;

	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(mc_doc_load_buffer(&s.doc, name, text, strlen(text), NULL,
					    d), MC_OK);
	hosts = mc_node_get(s.doc->root, "hosts");
	vms = mc_node_get(s.doc->root, "vms");
	ck_assert_ptr_nonnull(hosts);
	s.nhosts = hosts->len;
	s.hosts = calloc(s.nhosts, sizeof(*s.hosts));
	for (size_t i = 0; i < s.nhosts; i++) {
		mc_buf_reset(&b);
		mc_buf_adds(&b, "hosts:\n  - ");
		emit(&b, hosts->u.items[i]);
		mc_buf_addc(&b, '\n');
		s.hosts[i] = strdup(mc_buf_str(&b));
	}
	mc_buf_reset(&b);
	mc_buf_adds(&b, "vms:\n");
	for (size_t i = 0; vms && i < vms->len; i++) {
		mc_buf_adds(&b, "  - ");
		emit(&b, vms->u.items[i]);
		mc_buf_addc(&b, '\n');
	}
	s.vms = strdup(mc_buf_str(&b));
	mc_buf_free(&b);
	mc_diag_free(d);
	return s;
}

static void
split_free(split *s)
{
	for (size_t i = 0; i < s->nhosts; i++)
		free(s->hosts[i]);
	free(s->hosts);
	free(s->vms);
	mc_doc_free(s->doc);
}

/* The hosts in order `ord` (0: as written, 1: reversed, 2 and up: shuffled
 * with that seed), then the VMs, as one inventory. */
static mc_inventory *
inventory_in_order(const split *s, unsigned ord)
{
	mc_inventory *inv;
	mc_diag *d = mc_diag_new();
	size_t *at = calloc(s->nhosts + 1, sizeof(*at));
	unsigned long seed = ord * 2654435761u + 1;

	for (size_t i = 0; i < s->nhosts; i++)
		at[i] = ord == 1 ? s->nhosts - 1 - i : i;
	for (size_t i = s->nhosts; ord >= 2 && i > 1; i--) {
		size_t j, t;

		seed = seed * 6364136223846793005ul + 1442695040888963407ul;
		j = (size_t)(seed >> 33) % i;
		t = at[i - 1];
		at[i - 1] = at[j];
		at[j] = t;
	}
	ck_assert_int_eq(mc_inventory_new(&inv, NULL), MC_OK);
	for (size_t i = 0; i < s->nhosts; i++) {
		const char *h = s->hosts[at[i]];
		ck_assert_int_eq(mc_inventory_add_buffer(inv, "hosts.yaml", h, strlen(h),
							 d), MC_OK);
	}
	ck_assert_int_eq(mc_inventory_add_buffer(inv, "vms.yaml", s->vms,
						 strlen(s->vms), d), MC_OK);
	ck_assert_int_eq(mc_inventory_finish(inv, d), MC_OK);
	free(at);
	mc_diag_free(d);
	return inv;
}

/* ------------------------------------------------------------------------
 * The whole answer as text
 */

static int
by_name(const void *a, const void *b)
{
	return strcmp((*(const mc_host_verdict *const *)a)->name,
		      (*(const mc_host_verdict *const *)b)->name);
}

/* Every VM checked against every host, each host's verdict in full, the
 * hosts by name. */
static char *
answer(const mc_policy *p, mc_inventory *inv, mc_budget *budget)
{
	mc_buf b = MC_BUF_INIT;
	mc_diag *d = mc_diag_new();
	mc_fleet *f = NULL;

	ck_assert_int_eq(mc_fleet_new(&f, p, inv, NULL, d), MC_OK);
	for (size_t v = 0; v < mc_inventory_vm_count(inv); v++) {
		mc_check_request req = {mc_inventory_vm_name(inv, v), NULL, NULL,
					false, budget};
		mc_check_result *res = NULL;
		int rc = mc_check(&res, f, &req, d);

		mc_buf_addf(&b, "VM %s: %d\n", req.vm, rc);
		if (rc != MC_OK) {
			mc_diag_clear(d);
			continue;
		}
		const mc_host_verdict **hv = calloc(res->nhosts + 1, sizeof(*hv));
		for (size_t i = 0; i < res->nhosts; i++)
			hv[i] = &res->hosts[i];
		qsort(hv, res->nhosts, sizeof(*hv), by_name);
		for (size_t i = 0; i < res->nhosts; i++) {
			const mc_host_verdict *h = hv[i];

			mc_buf_addf(&b, "  %s %d %u\n", h->name, h->allowed,
				    h->rating_halves);
			for (size_t k = 0; k < h->nviolations; k++)
				mc_buf_addf(&b, "    %s: %s [%s]\n", h->violations[k].rule,
					    h->violations[k].message,
					    h->violations[k].detail ? h->violations[k].detail
					    : "");
			for (size_t k = 0; k < h->nremedies; k++)
				mc_buf_addf(&b, "    remedy %s\n", h->remedies[k].id);
		}
		free(hv);
		mc_check_result_free(res);
	}
	mc_fleet_free(f);
	mc_diag_free(d);
	ck_assert(!mc_buf_failed(&b));
	char *out = strdup(mc_buf_str(&b));
	mc_buf_free(&b);
	return out;
}

/* Checks policy p on the inventory text in `orders` orders and then again
 * in the first, and requires one answer; returns it (caller frees). */
static char *
same_every_time(const mc_policy *p, const char *inventory, unsigned orders)
{
	split s = split_inventory("inventory.yaml", inventory);
	char *first = NULL;
	mc_limits lim;

	mc_limits_default(&lim);
	lim.lua_run_instructions = UINT64_MAX;
	for (unsigned k = 0; k <= orders; k++) {
		mc_budget *budget;
		mc_inventory *inv = inventory_in_order(&s, k == orders ? 0 : k);
		char *text;

		ck_assert_int_eq(mc_budget_new(&budget, &lim), MC_OK);
		text = answer(p, inv, budget);
		mc_budget_free(budget);
		mc_inventory_free(inv);
		if (!first) {
			first = text;
			continue;
		}
		if (strcmp(first, text) != 0) {
			size_t i = 0;
			while (first[i] && first[i] == text[i])
				i++;
			while (i > 0 && first[i - 1] != '\n')
				i--;
			ck_abort_msg("%s: order %u gives another answer from:\n%.300s\n"
				     "instead of:\n%.300s", mc_policy_name(p), k,
				     text + i, first + i);
		}
		free(text);
	}
	split_free(&s);
	return first;
}

static char *
read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static mc_policy *
policy_file(const char *path)
{
	mc_policy *p = NULL;
	mc_diag *d = mc_diag_new();

	ck_assert_msg(mc_policy_load(&p, path, NULL, d) == MC_OK, "%s: %s", path,
		      first_diag(d));
	mc_diag_free(d);
	return p;
}

/* ------------------------------------------------------------------------
 * The cases
 */

/* How many orders besides the inventory's own: under valgrind (which runs
 * code 20 to 50 times slower) one, reversed. */
static unsigned
orders(unsigned native)
{
	return test_time_scale() > 1 ? 1 : native;
}

/* The shipped policies that hold Lua, on their example fleets. */
START_TEST(shipped_policies_answer_alike)
{
	static const char *const cases[][2] = {
		{SRC("policies/hyperv-features.lua"), SRC("examples/fleet.yaml")},
		{SRC("policies/vmware-evc.yaml"), SRC("examples/vmware-fleet.yaml")},
	};
	const char *policy = cases[_i][0], *inventory = cases[_i][1];
	mc_policy *p = policy_file(policy);
	char *inv = read_text(inventory);
	/* Under valgrind the fleet is checked once: the second pass over the
	 * immutable policy (a new inventory, fleet and budget, a sandbox per
	 * call) runs the same code on the same data, and was most of this
	 * suite's four minutes under memcheck. The comparisons run natively
	 * and under ASan, in five passes. */
	char *text = same_every_time(p, inv, test_time_scale() > 1 ? 0 : orders(4));

	/* the answer is a real one: some move allowed, some refused */
	ck_assert_msg(strstr(text, " 1 ") && strstr(text, " 0 0\n"), "%s", text);
	free(text);
	free(inv);
	mc_policy_free(p);
}
END_TEST

static const char *HOSTS =
	"hosts:\n"
	"  - { name: s, hv: '10.0', cpu: { family: 6, features: [a, b] } }\n"
	"  - { name: t1, hv: '10.0', cpu: { family: 6, features: [a, b, c] } }\n"
	"  - { name: t2, hv: '10.1', cpu: { family: 6, features: [a] } }\n"
	"  - { name: t3, hv: '9.0', cpu: { family: 6, features: [b, a] } }\n"
	"  - { name: t4, hv: '10.2', cpu: { family: 6, features: [c, b, a] } }\n"
	"vms:\n"
	"  - { name: v, host: s, state: running }\n"
	"  - { name: w, host: t2, state: running }\n";

/* Every hostile rule of the escape suite (with a tenth of the default
 * budget, or a fiftieth under valgrind, for speed: what stops them stops
 * them alike). */
START_TEST(hostile_rules_answer_alike)
{
	char *text = hostile_policy(test_time_scale() > 1
				    ? "limits: { lua_instructions: 20000 }"
				    : "limits: { lua_instructions: 100000 }");
	mc_policy *p = policy_from("hostile.yaml", text);
	char *answer_text = same_every_time(p, HOSTS, orders(3));

	/* each hostile rule is a violation of its own on every host */
	for (size_t i = 0; i < NHOSTILE; i++) {
		char rule[80];
		size_t n = 0;

		snprintf(rule, sizeof(rule), "    rule.%s: ", HOSTILE[i].id);
		for (const char *at = answer_text; (at = strstr(at, rule)); at++)
			n++;
		ck_assert_msg(n == 8, "%s: %zu violations", HOSTILE[i].id, n);
	}
	free(answer_text);
	mc_policy_free(p);
	free(text);
}
END_TEST

/* A Lua policy whose functions try to keep state: every host gets the
 * message of a first call. */
START_TEST(lua_state_does_not_survive)
{
	static const struct {
		const char *rule;
		const char *says;
	} expect[] = {
		{"count-through-table", "call 1"},
		{"log-targets", "read-only table"},
		{"count-through-metatable", "index 1"},
		{"count-through-nesting", "nested 1"},
		{"count-through-key", "a table with a function as a key has no order"},
		{"coroutine-counter", "reaches a coroutine or userdata"},
		{"iterator-counter", "reaches an iterator"},
		{"pairs-position", "reaches an iterator"},
		{"dead-coroutine", "reaches a coroutine or userdata"},
		{"park-memory", "parked false"},
	};
	mc_policy *p = policy_file(SRC("tests/fixtures/hostile-state.lua"));
	char *text = same_every_time(p, HOSTS, orders(3));

	for (size_t i = 0; i < sizeof(expect) / sizeof(*expect); i++) {
		char rule[80];
		size_t n = 0;

		snprintf(rule, sizeof(rule), "    rule.%s: ", expect[i].rule);
		for (const char *at = text; (at = strstr(at, rule)); at++) {
			const char *eol = strchr(at, '\n');
			const char *says = strstr(at, expect[i].says);

			ck_assert_msg(says && says < eol, "%s: %.*s", expect[i].rule,
				      (int)(eol - at), at);
			n++;
		}
		/* two VMs, four targets each */
		ck_assert_msg(n == 8, "%s: %zu violations", expect[i].rule, n);
	}
	free(text);
	mc_policy_free(p);
}
END_TEST

Suite *
order_suite(void)
{
	Suite *s = suite_create("order");
	TCase *t = tcase_create("order");

	tcase_set_timeout(t, 600);
	tcase_add_loop_test(t, shipped_policies_answer_alike, 0, 2);
	tcase_add_test(t, hostile_rules_answer_alike);
	tcase_add_test(t, lua_state_does_not_survive);
	suite_add_tcase(s, t);
	return s;
}
