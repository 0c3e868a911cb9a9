/* SPDX-License-Identifier: MIT */
/*
 * fuzz_lua_rule.c - random Lua rule bodies in the sandbox.
 *
 * The input is the text of a rule's `lua:` (any bytes: they are written
 * into the policy as a double-quoted YAML scalar, escaped). The policy
 * holds it beside an ordinary rule, under small limits so that each input
 * runs quickly; it is checked for one VM against three hosts, twice, with
 * the hosts in two orders. Besides what the sanitizers catch, the two
 * answers must be the same, host by host, verdicts and messages alike: a
 * rule that reaches state from an earlier evaluation, an address, or
 * Lua's random hash order makes this target abort.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "migcheck.h"

static const char HEAD[] =
	"policy: fuzz\n"
	"limits: { lua_instructions: 20000, lua_memory_mb: 2 }\n"
	"kinds: { any: }\n"
	"rules:\n"
	"  - id: witness\n"
	"    lua: return sets.superset(target.cpu.features, source.cpu.features)\n"
	"  - id: fuzzed\n"
	"    lua: \"";

static const char *const HOSTS[] = {
	"hosts:\n  - {name: s, hv: '10.0', cpu: {family: 6, features: [a, b]}}\n",
	"hosts:\n  - {name: t1, hv: '10.0', cpu: {family: 6, features: [a, b, c]}}\n",
	"hosts:\n  - {name: t2, hv: '10.1', cpu: {family: 15, features: [a]}}\n",
	"hosts:\n  - {name: t3, hv: '9.0', cpu: {family: 6, features: [b, a]}}\n",
};
#define NHOSTS (sizeof(HOSTS) / sizeof(*HOSTS))

static const char VMS[] = "vms:\n  - {name: v, host: s, state: running}\n";

/* The policy text with the body escaped into its last scalar; NULL when
 * memory runs out. */
static char *
policy_text(const uint8_t *data, size_t size)
{
	size_t cap = sizeof(HEAD) + 4 * size + 8, n = sizeof(HEAD) - 1;
	char *text = malloc(cap);

	if (!text)
		return NULL;
	memcpy(text, HEAD, n);
	for (size_t i = 0; i < size; i++) {
		uint8_t c = data[i];

		if (c == '"' || c == '\\') {
			text[n++] = '\\';
			text[n++] = (char)c;
		} else if (c == '\n') {
			text[n++] = '\\';
			text[n++] = 'n';
		} else if (c >= 0x20 && c < 0x7F) {
			text[n++] = (char)c;
		} else {
			n += (size_t)snprintf(text + n, cap - n, "\\x%02X", c);
		}
	}
	memcpy(text + n, "\"\n", 3);
	return text;
}

/* The answer for VM v with the hosts added in `order`, one line a host,
 * sorted by host name; NULL when something could not be made. */
static char *
answer(const mc_policy *p, const size_t *order, const mc_limits *lim)
{
	mc_inventory *inv = NULL;
	mc_fleet *fleet = NULL;
	mc_check_result *res = NULL;
	mc_diag *diag = mc_diag_new();
	mc_check_request req = {"v", NULL, NULL, false, NULL};
	char *lines[NHOSTS] = {NULL}, *out = NULL;
	size_t len = 1;

	if (!diag || mc_inventory_new(&inv, lim) != MC_OK)
		goto out;
	for (size_t i = 0; i < NHOSTS; i++) {
		const char *h = HOSTS[order[i]];
		if (mc_inventory_add_buffer(inv, "hosts.yaml", h, strlen(h), diag))
			goto out;
	}
	if (mc_inventory_add_buffer(inv, "vms.yaml", VMS, strlen(VMS), diag) ||
	    mc_inventory_finish(inv, diag) ||
	    mc_fleet_new(&fleet, p, inv, lim, diag) ||
	    mc_check(&res, fleet, &req, diag))
		goto out;
	for (size_t i = 0; i < res->nhosts; i++) {
		const mc_host_verdict *h = &res->hosts[i];
		size_t n = 64 + strlen(h->name), k = 0, at = 0;

		for (size_t v = 0; v < h->nviolations; v++)
			n += strlen(h->violations[v].rule) + strlen(h->violations[v].message) + 4;
		if (!(lines[i] = malloc(n)))
			goto out;
		at = (size_t)snprintf(lines[i], n, "%s %d %u", h->name, h->allowed,
				      h->rating_halves);
		for (k = 0; k < h->nviolations; k++)
			at += (size_t)snprintf(lines[i] + at, n - at, " | %s %s",
					       h->violations[k].rule,
					       h->violations[k].message);
		len += at + 1;
	}
	/* the result is sorted by rating, then name: put it by name */
	for (size_t i = 1; i < res->nhosts; i++) {
		for (size_t j = i; j > 0 && strcmp(lines[j - 1], lines[j]) > 0; j--) {
			char *t = lines[j];
			lines[j] = lines[j - 1];
			lines[j - 1] = t;
		}
	}
	if (!(out = malloc(len)))
		goto out;
	out[0] = '\0';
	for (size_t i = 0; i < res->nhosts; i++) {
		strcat(out, lines[i]);
		strcat(out, "\n");
	}
out:
	for (size_t i = 0; i < NHOSTS; i++)
		free(lines[i]);
	mc_check_result_free(res);
	mc_fleet_free(fleet);
	mc_inventory_free(inv);
	mc_diag_free(diag);
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t forward[NHOSTS] = {0, 1, 2, 3};
	static const size_t backward[NHOSTS] = {3, 2, 1, 0};
	char *text = policy_text(data, size);
	mc_diag *diag = mc_diag_new();
	mc_policy *p = NULL;
	mc_limits lim;
	char *a = NULL, *b = NULL;

	/* A sandbox of 8 MiB: libFuzzer's 256 MB bound is then about the
	 * engine, not about what one rule may hold. */
	mc_limits_default(&lim);
	lim.lua_max_memory = (size_t)8 << 20;
	if (!text || !diag)
		goto out;
	if (mc_policy_load_buffer(&p, "fuzz.yaml", text, strlen(text), &lim,
				  diag) != MC_OK)
		goto out;
	a = answer(p, forward, &lim);
	b = answer(p, backward, &lim);
	if (a && b && strcmp(a, b) != 0) {
		fprintf(stderr, "the hosts' order changed the answer:\n%s---\n%s", a, b);
		abort();
	}
out:
	free(a);
	free(b);
	mc_policy_free(p);
	mc_diag_free(diag);
	free(text);
	return 0;
}
