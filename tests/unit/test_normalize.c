/* SPDX-License-Identifier: MIT */
/*
 * test_normalize.c - the normalize suite: a policy's declared fields read
 * from every host when a fleet is bound (engine/eval/fleet.h): normalize
 * patterns, type coercion, sets, and the load errors of bad patterns.
 */
#include <stdio.h>
#include <string.h>

#include "eval/fleet.h"
#include "helpers.h"

/* ------------------------------------------------------------------------
 * Fixture
 */

static struct {
	mc_diag *diag;
	mc_limits limits;
	mc_policy *policy;
	mc_inventory *inv;
	mc_fleet *fleet;
} F;

static void
setup(void)
{
	memset(&F, 0, sizeof(F));
	F.diag = mc_diag_new();
	ck_assert_ptr_nonnull(F.diag);
	mc_limits_default(&F.limits);
}

static void
teardown(void)
{
	mc_fleet_free(F.fleet);
	mc_inventory_free(F.inv);
	mc_policy_free(F.policy);
	mc_diag_free(F.diag);
}

/* A policy with one kind and the given `fields:` section (its lines
 * indented by two spaces), starting on line 5. */
#define POLICY_HEAD "policy: t\nkinds:\n  any:\nfields:\n"

/* Loads a policy made of POLICY_HEAD and fields, an inventory of hosts
 * (the text of its `hosts:` list), and binds them under F.limits. */
static void
bind(const char *fields, const char *hosts)
{
	char ptext[4096], itext[4096];
	fleet_fixture x;

	snprintf(ptext, sizeof(ptext), "%s%s", POLICY_HEAD, fields);
	snprintf(itext, sizeof(itext), "hosts:\n%s", hosts);
	x = fleet_from("policy.yaml", ptext, itext, &F.limits);
	mc_diag_free(F.diag);
	F.policy = x.policy;
	F.inv = x.inv;
	F.fleet = x.fleet;
	F.diag = x.diag;
	ck_assert_uint_eq(mc_diag_count(F.diag), 0);
}

/* A policy that must not load; returns its first error, which must be at
 * line:col of policy.yaml and contain text. */
static const mc_diag_item *
load_error(const char *fields, unsigned line, unsigned col, const char *text)
{
	char ptext[4096];
	const mc_diag_item *it;
	int rc;

	snprintf(ptext, sizeof(ptext), "%s%s", POLICY_HEAD, fields);
	rc = mc_policy_load_buffer(&F.policy, "policy.yaml", ptext, strlen(ptext),
				   &F.limits, F.diag);
	ck_assert_int_eq(rc, MC_EINPUT);
	ck_assert_ptr_null(F.policy);
	ck_assert_uint_ge(mc_diag_error_count(F.diag), 1);
	it = mc_diag_get(F.diag, 0);
	ck_assert_str_eq(it->at.file, "policy.yaml");
	ck_assert_msg(it->at.line == line && it->at.column == col,
		      "error at %u:%u, expected %u:%u (%s)", it->at.line,
		      it->at.column, line, col, it->message);
	ck_assert_msg(strstr(it->message, text) != NULL,
		      "message '%s' lacks '%s'", it->message, text);
	return it;
}

/* Host `host`'s value of field `field`. */
static const mc_fval *
fv(const char *host, const char *field)
{
	long h = mc_inventory_find_host(F.inv, host);
	size_t f;

	ck_assert_msg(h >= 0, "no host '%s'", host);
	for (f = 0; f < F.policy->nfields; f++) {
		if (strcmp(F.policy->fields[f].name, field) == 0)
			break;
	}
	ck_assert_msg(f < F.policy->nfields, "no field '%s'", field);
	return mc_fleet_field(F.fleet, (size_t)h, f);
}

#define assert_status(v, want) \
	ck_assert_msg((v)->status == (want), "status %d, expected %d", \
		      (int)(v)->status, (int)(want))

static void
assert_text(const mc_fval *v, const char *text)
{
	assert_status(v, MC_FV_OK);
	ck_assert_ptr_nonnull(v->text);
	ck_assert_uint_eq(v->len, strlen(text));
	ck_assert_msg(memcmp(v->text, text, v->len) == 0, "'%.*s', expected '%s'",
		      (int)v->len, v->text, text);
}

static void
assert_num(const mc_fval *v, int64_t num)
{
	assert_status(v, MC_FV_OK);
	ck_assert_int_eq(v->num, num);
}

/* True when the set holds a member with this text. */
static bool
set_has(const mc_fval *v, const char *member)
{
	for (size_t i = 0; i < v->count; i++) {
		if (strcmp(v->items[i], member) == 0)
			return true;
	}
	return false;
}

static const char manufacturer_field[] =
	"  manufacturer:\n"
	"    from: cpu.manufacturer\n"
	"    normalize:\n"
	"      - { pattern: '^(GenuineIntel|Intel\\b.*)$', to: Intel, caseless: true }\n"
	"      - { pattern: '^(AuthenticAMD|AMD\\b.*)$', to: AMD, caseless: true }\n";

/* ------------------------------------------------------------------------
 * Patterns
 */

START_TEST(normalize_spec_manufacturers)
{
	bind(manufacturer_field,
	     "  - { name: h1, cpu: { manufacturer: GenuineIntel } }\n"
	     "  - { name: h2, cpu: { manufacturer: 'Intel(R) Corporation' } }\n"
	     "  - { name: h3, cpu: { manufacturer: AuthenticAMD } }\n"
	     "  - { name: h4, cpu: { manufacturer: AMD } }\n");
	assert_text(fv("h1", "manufacturer"), "Intel");
	assert_text(fv("h2", "manufacturer"), "Intel");
	assert_text(fv("h3", "manufacturer"), "AMD");
	assert_text(fv("h4", "manufacturer"), "AMD");
}
END_TEST

START_TEST(normalize_first_matching_pattern_wins)
{
	bind("  f:\n"
	     "    from: v\n"
	     "    normalize:\n"
	     "      - { pattern: '^Gen', to: first }\n"
	     "      - { pattern: 'Intel', to: second }\n"
	     "      - { pattern: '.*', to: third }\n",
	     "  - { name: h1, v: GenuineIntel }\n"
	     "  - { name: h2, v: Intel Xeon }\n"
	     "  - { name: h3, v: Other }\n");
	assert_text(fv("h1", "f"), "first");
	assert_text(fv("h2", "f"), "second");
	assert_text(fv("h3", "f"), "third");
}
END_TEST

START_TEST(normalize_caseless)
{
	bind(manufacturer_field,
	     "  - { name: h1, cpu: { manufacturer: genuineintel } }\n"
	     "  - { name: h2, cpu: { manufacturer: AUTHENTICAMD } }\n"
	     "  - { name: h3, cpu: { manufacturer: amd ryzen } }\n");
	assert_text(fv("h1", "manufacturer"), "Intel");
	assert_text(fv("h2", "manufacturer"), "AMD");
	assert_text(fv("h3", "manufacturer"), "AMD");
}
END_TEST

START_TEST(normalize_is_case_sensitive_without_caseless)
{
	bind("  f:\n"
	     "    from: v\n"
	     "    normalize:\n"
	     "      - { pattern: '^GenuineIntel$', to: Intel }\n"
	     "      - { pattern: '^x64$', to: x64, caseless: false }\n",
	     "  - { name: h1, v: genuineintel }\n"
	     "  - { name: h2, v: GenuineIntel }\n"
	     "  - { name: h3, v: X64 }\n");
	assert_text(fv("h1", "f"), "genuineintel");
	assert_text(fv("h2", "f"), "Intel");
	assert_text(fv("h3", "f"), "X64");
}
END_TEST

START_TEST(normalize_to_with_numbered_groups)
{
	bind("  f:\n"
	     "    from: v\n"
	     "    normalize:\n"
	     "      - { pattern: '^(\\d+)\\.(\\d+)\\.', to: 'v$1-${2}' }\n",
	     "  - { name: h1, v: 6.3.9600 }\n");
	assert_text(fv("h1", "f"), "v6-3");
}
END_TEST

START_TEST(normalize_to_with_named_groups)
{
	bind("  f:\n"
	     "    from: v\n"
	     "    normalize:\n"
	     "      - { pattern: '^(?<vendor>\\w+) (?<model>\\w+)$', to: '${model} by ${vendor}' }\n",
	     "  - { name: h1, v: Intel Xeon }\n");
	assert_text(fv("h1", "f"), "Xeon by Intel");
}
END_TEST

START_TEST(normalize_to_with_a_literal_dollar)
{
	bind("  f:\n"
	     "    from: v\n"
	     "    normalize:\n"
	     "      - { pattern: '^(\\d+)$', to: '$$$1' }\n",
	     "  - { name: h1, v: '42' }\n");
	assert_text(fv("h1", "f"), "$42");
}
END_TEST

/*
 * A `to` that refers to a group which took no part in the match (an
 * alternative not taken) reads it as empty, not as a failed match.
 */
START_TEST(normalize_unset_group_is_empty)
{
	bind("  f:\n"
	     "    from: v\n"
	     "    normalize:\n"
	     "      - { pattern: '^(?:x(\\d+)|y)$', to: 'v$1' }\n",
	     "  - { name: h1, v: x12 }\n"
	     "  - { name: h2, v: y }\n");
	assert_text(fv("h1", "f"), "v12");
	assert_text(fv("h2", "f"), "v");
}
END_TEST

START_TEST(normalize_replaces_the_whole_value)
{
	/* An unanchored pattern that matches part of the value: the value
	 * becomes `to`, not the value with the part replaced. */
	bind("  f:\n"
	     "    from: v\n"
	     "    normalize:\n"
	     "      - { pattern: 'Xeon', to: server }\n",
	     "  - { name: h1, v: Intel Xeon Gold }\n");
	assert_text(fv("h1", "f"), "server");
}
END_TEST

START_TEST(normalize_no_match_leaves_the_value)
{
	bind(manufacturer_field,
	     "  - { name: h1, cpu: { manufacturer: HygonGenuine } }\n");
	assert_text(fv("h1", "manufacturer"), "HygonGenuine");
	ck_assert_ptr_nonnull(fv("h1", "manufacturer")->node);
	ck_assert_str_eq(fv("h1", "manufacturer")->node->u.text, "HygonGenuine");
}
END_TEST

/*
 * A pattern text is compiled once per policy: its aliases, a copy of it,
 * and a 'matches' test of the same text share one compiled pattern; the
 * same text caseless is another. (An alias of a 470 KB pattern used
 * 10,000 times was compiled 10,000 times.)
 */
START_TEST(normalize_pattern_text_compiled_once)
{
	const char *text =
		"policy: t\nkinds:\n  any:\nfields:\n"
		"  f:\n"
		"    from: v\n"
		"    normalize:\n"
		"      - { pattern: &p '^x(.*)$', to: 'a$1' }\n"
		"      - { pattern: *p, to: 'b$1' }\n"
		"      - { pattern: '^x(.*)$', to: 'c$1' }\n"
		"      - { pattern: *p, to: 'd$1', caseless: true }\n"
		"rules:\n"
		"  - id: r\n"
		"    require: { target.v: { matches: *p } }\n";
	const mc_field *f;
	int rc;

	rc = mc_policy_load_buffer(&F.policy, "policy.yaml", text, strlen(text),
				   &F.limits, F.diag);
	ck_assert_msg(rc == MC_OK, "policy did not load: %s", first_diag(F.diag));
	f = &F.policy->fields[0];
	ck_assert_uint_eq(f->nnorm, 4);
	ck_assert_ptr_eq(f->norm[0].re, f->norm[1].re);
	ck_assert_ptr_eq(f->norm[0].re, f->norm[2].re);
	ck_assert_ptr_ne(f->norm[0].re, f->norm[3].re);
	ck_assert_ptr_eq(F.policy->rules[0].require->re, f->norm[0].re);
	ck_assert_uint_eq(F.policy->regexes.count, 2);
}
END_TEST

/* A pattern that does not compile, used through an alias, is compiled
 * once and reported at each use. */
START_TEST(bad_pattern_used_twice_is_reported_twice)
{
	const char *text =
		"policy: t\nkinds:\n  any:\nfields:\n"
		"  f:\n"
		"    from: v\n"
		"    normalize:\n"
		"      - { pattern: &p '^(x', to: a }\n"
		"      - { pattern: *p, to: b }\n";
	int rc;

	rc = mc_policy_load_buffer(&F.policy, "policy.yaml", text, strlen(text),
				   &F.limits, F.diag);
	ck_assert_int_eq(rc, MC_EINPUT);
	ck_assert_uint_eq(mc_diag_error_count(F.diag), 2);
	ck_assert(has_diag(F.diag, "policy.yaml:8:20: bad pattern at offset 3"));
	ck_assert(has_diag(F.diag, "policy.yaml:9:20: bad pattern at offset 3"));
}
END_TEST

/*
 * Hosts that share a long value (an alias of it) share its binding: one
 * normalized text, one set of members, whatever the number of hosts.
 */
START_TEST(shared_long_values_are_bound_once)
{
	char hosts[4096], fields[1024], longv[600];
	int n;

	memset(longv, 'z', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	snprintf(fields, sizeof(fields),
		 "  v:\n"
		 "    from: v\n"
		 "    type: version\n"
		 "    normalize:\n"
		 "      - { pattern: '^V(.*)$', to: '$1' }\n"
		 "  s: { from: s, type: set }\n");
	n = snprintf(hosts, sizeof(hosts),
		     "  - { name: h1, v: &v 'V1.%s', s: &s '%s a b' }\n"
		     "  - { name: h2, v: *v, s: *s }\n"
		     "  - { name: h3, v: *v, s: *s }\n"
		     "  - { name: h4, v: 'V1.%s', s: x }\n", longv, longv, longv);
	ck_assert_int_lt(n, (int)sizeof(hosts));
	bind(fields, hosts);
	assert_status(fv("h1", "v"), MC_FV_OK);
	ck_assert_uint_eq(fv("h1", "v")->len, 2 + strlen(longv));
	ck_assert_ptr_eq(fv("h1", "v")->text, fv("h2", "v")->text);
	ck_assert_ptr_eq(fv("h1", "v")->text, fv("h3", "v")->text);
	ck_assert_ptr_eq(fv("h1", "s")->items, fv("h3", "s")->items);
	ck_assert_uint_eq(fv("h2", "s")->count, 3);
	/* the same text, not shared: bound on its own, to the same value */
	ck_assert_ptr_ne(fv("h4", "v")->text, fv("h1", "v")->text);
	ck_assert_uint_eq(fv("h4", "v")->len, fv("h1", "v")->len);
	/* each host keeps its own node, for the positions of messages */
	ck_assert_ptr_ne(fv("h1", "v")->node, fv("h2", "v")->node);
	ck_assert_uint_eq(fv("h2", "v")->node->line, 3);
}
END_TEST

/*
 * A fleet's values (hosts times fields, host and VM paths, the members of
 * sets split from strings) count against the node limit: past it, binding
 * stops at the record that went past.
 */
START_TEST(fleet_values_count_against_the_node_limit)
{
	const char *ptext = POLICY_HEAD
		"  a: { from: a }\n"
		"  b: { from: b }\n"
		"  s: { from: s, type: set }\n";
	const char *itext = "hosts:\n"
		"  - { name: h1, a: 1, b: 2, s: 'x y z' }\n"
		"  - { name: h2, a: 1, b: 2, s: 'x y z' }\n"
		"  - { name: h3, a: 1, b: 2, s: 'x y z w' }\n";
	char want[256];
	size_t per_host;
	int rc;

	rc = mc_policy_load_buffer(&F.policy, "policy.yaml", ptext, strlen(ptext),
				   &F.limits, F.diag);
	ck_assert_msg(rc == MC_OK, "policy did not load: %s", first_diag(F.diag));
	ck_assert_int_eq(mc_inventory_new(&F.inv, &F.limits), MC_OK);
	ck_assert_int_eq(mc_inventory_add_buffer(F.inv, "inv.yaml", itext,
						 strlen(itext), F.diag), MC_OK);
	ck_assert_int_eq(mc_inventory_finish(F.inv, F.diag), MC_OK);
	/* per host, its 3 fields and the host paths; 3 + 3 + 4 members */
	per_host = 3 + F.policy->host_paths.count;
	F.limits.max_nodes = 3 * per_host + 10;
	ck_assert_int_eq(mc_fleet_new(&F.fleet, F.policy, F.inv, &F.limits, F.diag),
			 MC_OK);
	mc_fleet_free(F.fleet);
	F.fleet = NULL;
	F.limits.max_nodes = 3 * per_host + 9;
	ck_assert_int_eq(mc_fleet_new(&F.fleet, F.policy, F.inv, &F.limits, F.diag),
			 MC_ELIMIT);
	ck_assert_ptr_null(F.fleet);
	ck_assert(has_diag(F.diag, "inv.yaml:4:5: binding the policy to the "
			   "records up to this one takes more than"));
	ck_assert_str_eq(mc_diag_get(F.diag, 0)->code, "limit");
	/* the tables alone, past the limit at the third host */
	mc_diag_clear(F.diag);
	F.limits.max_nodes = 2 * per_host;
	ck_assert_int_eq(mc_fleet_new(&F.fleet, F.policy, F.inv, &F.limits, F.diag),
			 MC_ELIMIT);
	snprintf(want, sizeof(want), "inv.yaml:4:5: binding the policy to the "
		 "records up to this one takes more than %zu values (limit; raise "
		 "it with --limit nodes=N)", 2 * per_host);
	ck_assert_str_eq(first_diag(F.diag), want);
}
END_TEST

START_TEST(normalize_long_output)
{
	/* An output longer than the value (and than any first buffer). */
	char fields[1024];
	char want[600];

	memset(want, 'x', 512);
	want[512] = '\0';
	snprintf(fields, sizeof(fields),
		 "  f:\n    from: v\n    normalize:\n"
		 "      - { pattern: '^a$', to: '%s' }\n", want);
	bind(fields, "  - { name: h1, v: a }\n  - { name: h2, v: a }\n");
	assert_text(fv("h1", "f"), want);
	assert_text(fv("h2", "f"), want);
}
END_TEST

START_TEST(normalize_string_field_keeps_scalar_text)
{
	bind("  f: { from: v }\n",
	     "  - { name: h1, v: 85 }\n"
	     "  - { name: h2, v: 0x1F }\n"
	     "  - { name: h3, v: true }\n");
	assert_text(fv("h1", "f"), "85");
	assert_text(fv("h2", "f"), "0x1F");
	assert_text(fv("h3", "f"), "true");
}
END_TEST

/* ------------------------------------------------------------------------
 * Types
 */

START_TEST(integer_field_from_integers)
{
	bind("  family: { from: cpu.family, type: integer }\n",
	     "  - { name: h1, cpu: { family: 6 } }\n"
	     "  - { name: h2, cpu: { family: -3 } }\n"
	     "  - { name: h3, cpu: { family: 0x19 } }\n");
	assert_num(fv("h1", "family"), 6);
	assert_num(fv("h2", "family"), -3);
	assert_num(fv("h3", "family"), 25);
}
END_TEST

START_TEST(integer_field_from_digit_strings)
{
	bind("  family: { from: cpu.family, type: integer }\n",
	     "  - { name: h1, cpu: { family: '6' } }\n"
	     "  - { name: h2, cpu: { family: \"175\" } }\n");
	assert_num(fv("h1", "family"), 6);
	assert_num(fv("h2", "family"), 175);
}
END_TEST

START_TEST(integer_field_from_hex_strings)
{
	bind("  family: { from: cpu.family, type: integer }\n",
	     "  - { name: h1, cpu: { family: '0x1F' } }\n"
	     "  - { name: h2, cpu: { family: '0o17' } }\n");
	assert_num(fv("h1", "family"), 31);
	assert_num(fv("h2", "family"), 15);
}
END_TEST

START_TEST(integer_field_after_normalize)
{
	bind("  family:\n"
	     "    from: cpu.family\n"
	     "    type: integer\n"
	     "    normalize:\n"
	     "      - { pattern: '^Family (\\d+)$', to: '$1' }\n",
	     "  - { name: h1, cpu: { family: Family 6 } }\n"
	     "  - { name: h2, cpu: { family: 23 } }\n");
	assert_num(fv("h1", "family"), 6);
	assert_num(fv("h2", "family"), 23);
}
END_TEST

START_TEST(integer_field_uncoercible_is_malformed)
{
	bind("  family: { from: cpu.family, type: integer }\n",
	     "  - { name: h1, cpu: { family: six } }\n"
	     "  - { name: h2, cpu: { family: true } }\n"
	     "  - { name: h3, cpu: { family: [6] } }\n"
	     "  - { name: h4, cpu: { family: 1.5 } }\n"
	     "  - { name: h5, cpu: { family: 99999999999999999999 } }\n"
	     "  - { name: h6, cpu: { family: { x: 6 } } }\n");
	for (int i = 1; i <= 6; i++) {
		char host[8];
		snprintf(host, sizeof(host), "h%d", i);
		ck_assert_msg(fv(host, "family")->status == MC_FV_MALFORMED,
			      "%s: status %d", host, fv(host, "family")->status);
		/* The raw value is kept, for the message. */
		ck_assert_ptr_nonnull(fv(host, "family")->node);
	}
}
END_TEST

START_TEST(field_missing_value_is_missing)
{
	bind("  family: { from: cpu.family, type: integer }\n"
	     "  name: { from: cpu.name }\n",
	     "  - { name: h1, cpu: { model: 85 } }\n"
	     "  - { name: h2 }\n"
	     "  - { name: h3, cpu: 5 }\n");
	for (int i = 1; i <= 3; i++) {
		char host[8];
		snprintf(host, sizeof(host), "h%d", i);
		assert_status(fv(host, "family"), MC_FV_MISSING);
		ck_assert_ptr_null(fv(host, "family")->node);
		assert_status(fv(host, "name"), MC_FV_MISSING);
	}
}
END_TEST

START_TEST(field_null_value_is_missing)
{
	bind("  family: { from: cpu.family, type: integer }\n"
	     "  name: { from: cpu.name }\n"
	     "  features: { from: cpu.features, type: set }\n",
	     "  - { name: h1, cpu: { family: ~, name: null, features: ~ } }\n"
	     "  - name: h2\n"
	     "    cpu:\n"
	     "      family:\n"
	     "      name:\n"
	     "      features:\n");
	assert_status(fv("h1", "family"), MC_FV_MISSING);
	assert_status(fv("h1", "name"), MC_FV_MISSING);
	assert_status(fv("h1", "features"), MC_FV_MISSING);
	assert_status(fv("h2", "family"), MC_FV_MISSING);
	assert_status(fv("h2", "name"), MC_FV_MISSING);
	assert_status(fv("h2", "features"), MC_FV_MISSING);
}
END_TEST

START_TEST(version_field)
{
	bind("  hv: { from: hypervisor.version, type: version }\n",
	     "  - { name: h1, hypervisor: { version: '1.1.603.0' } }\n"
	     "  - { name: h2, hypervisor: { version: 6.3.9600 } }\n"
	     "  - { name: h3, hypervisor: { version: 10 } }\n"
	     "  - { name: h4, hypervisor: { version: 2.0-rc1 } }\n");
	assert_text(fv("h1", "hv"), "1.1.603.0");
	assert_text(fv("h2", "hv"), "6.3.9600");
	assert_text(fv("h3", "hv"), "10");
	assert_text(fv("h4", "hv"), "2.0-rc1");
}
END_TEST

START_TEST(version_field_invalid_is_malformed)
{
	bind("  hv: { from: hypervisor.version, type: version }\n",
	     "  - { name: h1, hypervisor: { version: v1.2 } }\n"
	     "  - { name: h2, hypervisor: { version: '1..2' } }\n"
	     "  - { name: h3, hypervisor: { version: true } }\n"
	     "  - { name: h4, hypervisor: { version: '1.2 ' } }\n"
	     "  - { name: h5, hypervisor: { version: [1, 2] } }\n");
	assert_status(fv("h1", "hv"), MC_FV_MALFORMED);
	assert_status(fv("h2", "hv"), MC_FV_MALFORMED);
	assert_status(fv("h3", "hv"), MC_FV_MALFORMED);
	assert_status(fv("h4", "hv"), MC_FV_MALFORMED);
	assert_status(fv("h5", "hv"), MC_FV_MALFORMED);
}
END_TEST

START_TEST(version_field_after_normalize)
{
	bind("  hv:\n"
	     "    from: hypervisor.product\n"
	     "    type: version\n"
	     "    normalize:\n"
	     "      - { pattern: '^Virtual Server (\\d+) R2', to: '$1.2' }\n"
	     "      - { pattern: '^Virtual Server (\\d+)', to: '$1.0' }\n",
	     "  - { name: h1, hypervisor: { product: Virtual Server 2005 R2 SP1 } }\n"
	     "  - { name: h2, hypervisor: { product: Virtual Server 2005 } }\n");
	assert_text(fv("h1", "hv"), "2005.2");
	assert_text(fv("h2", "hv"), "2005.0");
}
END_TEST

START_TEST(boolean_field)
{
	bind("  placeable: { from: status.available, type: boolean }\n",
	     "  - { name: h1, status: { available: true } }\n"
	     "  - { name: h2, status: { available: 'no' } }\n"
	     "  - { name: h3, status: { available: On } }\n"
	     "  - { name: h4, status: { available: maybe } }\n");
	assert_num(fv("h1", "placeable"), 1);
	assert_num(fv("h2", "placeable"), 0);
	assert_num(fv("h3", "placeable"), 1);
	assert_status(fv("h4", "placeable"), MC_FV_MALFORMED);
}
END_TEST

/* ------------------------------------------------------------------------
 * Sets
 */

START_TEST(set_from_a_list)
{
	const mc_fval *v;

	bind("  features: { from: cpu.features, type: set }\n",
	     "  - { name: h1, cpu: { features: [sse4_2, avx, avx2] } }\n");
	v = fv("h1", "features");
	assert_status(v, MC_FV_OK);
	ck_assert_uint_eq(v->count, 3);
	ck_assert(set_has(v, "sse4_2"));
	ck_assert(set_has(v, "avx"));
	ck_assert(set_has(v, "avx2"));
	ck_assert(!set_has(v, "avx512f"));
}
END_TEST

START_TEST(set_from_a_separated_string)
{
	const mc_fval *v;

	bind("  features: { from: cpu.flags, type: set }\n",
	     "  - { name: h1, cpu: { flags: 'fpu vme,de  pse, ,tsc' } }\n");
	v = fv("h1", "features");
	assert_status(v, MC_FV_OK);
	ck_assert_uint_eq(v->count, 5);
	ck_assert(set_has(v, "fpu"));
	ck_assert(set_has(v, "vme"));
	ck_assert(set_has(v, "de"));
	ck_assert(set_has(v, "pse"));
	ck_assert(set_has(v, "tsc"));
	ck_assert(!set_has(v, ""));
}
END_TEST

START_TEST(set_is_deduplicated)
{
	const mc_fval *v;

	bind("  features: { from: cpu.features, type: set }\n",
	     "  - { name: h1, cpu: { features: [avx, sse, avx, avx] } }\n"
	     "  - { name: h2, cpu: { features: 'avx avx,sse' } }\n");
	v = fv("h1", "features");
	ck_assert_uint_eq(v->count, 2);
	ck_assert(set_has(v, "avx"));
	ck_assert(set_has(v, "sse"));
	ck_assert_uint_eq(fv("h2", "features")->count, 2);
}
END_TEST

START_TEST(set_members_are_normalized_then_deduplicated)
{
	const mc_fval *v;

	bind("  features:\n"
	     "    from: cpu.features\n"
	     "    type: set\n"
	     "    normalize:\n"
	     "      - { pattern: '^sse4[._]2$', to: sse4_2, caseless: true }\n",
	     "  - { name: h1, cpu: { features: [SSE4.2, sse4_2, avx] } }\n"
	     "  - { name: h2, cpu: { features: 'SSE4.2 Sse4_2' } }\n");
	v = fv("h1", "features");
	assert_status(v, MC_FV_OK);
	ck_assert_uint_eq(v->count, 2);
	ck_assert(set_has(v, "sse4_2"));
	ck_assert(set_has(v, "avx"));
	ck_assert(!set_has(v, "SSE4.2"));
	v = fv("h2", "features");
	ck_assert_uint_eq(v->count, 1);
	ck_assert(set_has(v, "sse4_2"));
}
END_TEST

/* A member a pattern rewrites to nothing is left out; an empty member
 * no pattern touched stays. */
START_TEST(set_members_normalized_to_nothing_are_left_out)
{
	const mc_fval *v;

	bind("  features:\n"
	     "    from: cpu.features\n"
	     "    type: set\n"
	     "    normalize:\n"
	     "      - { pattern: '^invtsc$', to: '' }\n",
	     "  - { name: h1, cpu: { features: [invtsc, avx, ''] } }\n"
	     "  - { name: h2, cpu: { features: 'invtsc' } }\n");
	v = fv("h1", "features");
	assert_status(v, MC_FV_OK);
	ck_assert_uint_eq(v->count, 2);
	ck_assert(set_has(v, "avx"));
	ck_assert(set_has(v, ""));
	ck_assert(!set_has(v, "invtsc"));
	v = fv("h2", "features");
	assert_status(v, MC_FV_OK);
	ck_assert_uint_eq(v->count, 0);
}
END_TEST

START_TEST(set_members_are_interned_across_hosts)
{
	const mc_fval *a, *b;

	bind("  features: { from: cpu.features, type: set }\n",
	     "  - { name: h1, cpu: { features: [avx] } }\n"
	     "  - { name: h2, cpu: { features: avx } }\n");
	a = fv("h1", "features");
	b = fv("h2", "features");
	ck_assert_uint_eq(a->count, 1);
	ck_assert_uint_eq(b->count, 1);
	/* One copy of each member text, so sets compare by pointer. */
	ck_assert_ptr_eq(a->items[0], b->items[0]);
}
END_TEST

START_TEST(set_items_are_sorted_by_address)
{
	const mc_fval *v;

	bind("  features: { from: cpu.features, type: set }\n",
	     "  - { name: h1, cpu: { features: [e, d, c, b, a, c] } }\n");
	v = fv("h1", "features");
	ck_assert_uint_eq(v->count, 5);
	for (size_t i = 1; i < v->count; i++)
		ck_assert((uintptr_t)v->items[i - 1] < (uintptr_t)v->items[i]);
}
END_TEST

/*
 * The first set bound may be empty: an empty set, status OK (and no
 * qsort of a NULL array, which UBSan would stop).
 */
START_TEST(set_empty_list_is_an_empty_set)
{
	bind("  features: { from: cpu.features, type: set }\n",
	     "  - { name: h1, cpu: { features: [] } }\n"
	     "  - { name: h2, cpu: { features: '' } }\n");
	assert_status(fv("h1", "features"), MC_FV_OK);
	ck_assert_uint_eq(fv("h1", "features")->count, 0);
	assert_status(fv("h2", "features"), MC_FV_OK);
	ck_assert_uint_eq(fv("h2", "features")->count, 0);
}
END_TEST

START_TEST(set_with_a_nested_member_is_malformed)
{
	bind("  features: { from: cpu.features, type: set }\n",
	     "  - { name: h1, cpu: { features: [avx, [sse]] } }\n"
	     "  - { name: h2, cpu: { features: { avx: true } } }\n"
	     "  - { name: h3, cpu: { features: [avx, ~] } }\n");
	assert_status(fv("h1", "features"), MC_FV_MALFORMED);
	assert_status(fv("h2", "features"), MC_FV_MALFORMED);
	assert_status(fv("h3", "features"), MC_FV_MALFORMED);
}
END_TEST

/* ------------------------------------------------------------------------
 * Load errors
 */

START_TEST(error_to_names_a_missing_group)
{
	/* line 8: "      - { pattern: '^(a)$', to: '$2' }": `to` value at 33 */
	load_error("  f:\n"
		   "    from: v\n"
		   "    normalize:\n"
		   "      - { pattern: '^(a)$', to: '$2' }\n",
		   8, 33, "'$2' names a group the pattern does not have");
}
END_TEST

START_TEST(error_to_names_a_missing_named_group)
{
	load_error("  f:\n"
		   "    from: v\n"
		   "    normalize:\n"
		   "      - { pattern: '^(?<x>a)$', to: '${y}' }\n",
		   8, 37, "'${y}' names a group the pattern does not have");
}
END_TEST

/*
 * '$10' names group 10, as pcre2 reads it (every digit after '$'), so a
 * pattern with one group and `to: '$10'` is a load error at the `to`.
 */
START_TEST(error_to_names_a_missing_multi_digit_group)
{
	load_error("  f:\n"
		   "    from: v\n"
		   "    normalize:\n"
		   "      - { pattern: '^(a)$', to: '$10' }\n",
		   8, 33, "names a group the pattern does not have");
}
END_TEST

START_TEST(multi_digit_group_reference_is_a_group_number)
{
	/* Twelve groups: '$12' is the twelfth, not the first and a "2". */
	bind("  f:\n"
	     "    from: v\n"
	     "    normalize:\n"
	     "      - { pattern: '^(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)(l)$', to: '$12$1' }\n",
	     "  - { name: h1, v: abcdefghijkl }\n");
	assert_text(fv("h1", "f"), "la");
}
END_TEST

START_TEST(error_to_with_a_lone_dollar)
{
	load_error("  f:\n"
		   "    from: v\n"
		   "    normalize:\n"
		   "      - { pattern: '^(a)$', to: 'x$' }\n",
		   8, 33, "'$' must be followed by");
}
END_TEST

START_TEST(error_invalid_pattern_at_its_position)
{
	/* line 8: "      - { pattern: '^(abc', to: x }": the pattern at 20 */
	const mc_diag_item *it = load_error(
		"  f:\n"
		"    from: v\n"
		"    normalize:\n"
		"      - { pattern: '^(abc', to: x }\n",
		8, 20, "offset 5");

	ck_assert_ptr_nonnull(strstr(it->message, "bad pattern"));
	ck_assert_str_eq(it->source_line, "      - { pattern: '^(abc', to: x }");
}
END_TEST

START_TEST(error_invalid_pattern_in_block_style)
{
	/* The pattern scalar on line 9, column 18. */
	load_error("  f:\n"
		   "    from: v\n"
		   "    normalize:\n"
		   "      - to: x\n"
		   "        pattern: 'a[b'\n",
		   9, 18, "offset 3");
}
END_TEST

START_TEST(error_every_bad_pattern_is_reported)
{
	char ptext[1024];
	int rc;

	snprintf(ptext, sizeof(ptext), "%s%s", POLICY_HEAD,
		 "  f:\n"
		 "    from: v\n"
		 "    normalize:\n"
		 "      - { pattern: '(', to: x }\n"
		 "      - { pattern: 'ok', to: '$1' }\n"
		 "  g:\n"
		 "    from: w\n"
		 "    normalize:\n"
		 "      - { pattern: '*', to: x }\n");
	rc = mc_policy_load_buffer(&F.policy, "policy.yaml", ptext, strlen(ptext),
				   NULL, F.diag);
	ck_assert_int_eq(rc, MC_EINPUT);
	ck_assert_uint_eq(mc_diag_error_count(F.diag), 3);
	ck_assert(has_diag(F.diag, "policy.yaml:8:20: bad pattern at offset 1"));
	ck_assert(has_diag(F.diag, "policy.yaml:9:30: '$1' names a group"));
	ck_assert(has_diag(F.diag, "policy.yaml:13:20: bad pattern at offset 0"));
}
END_TEST

START_TEST(error_normalize_entry_needs_pattern_and_to)
{
	load_error("  f:\n"
		   "    from: v\n"
		   "    normalize:\n"
		   "      - { pattern: 'a' }\n",
		   8, 9, "needs 'pattern' and 'to'");
}
END_TEST

/* ------------------------------------------------------------------------
 * Pattern limits
 */

START_TEST(catastrophic_pattern_gives_limit)
{
	F.limits.regex_match_limit = 10000;
	bind("  f:\n"
	     "    from: v\n"
	     "    normalize:\n"
	     "      - { pattern: '^(a+)+$', to: x }\n",
	     "  - { name: h1, v: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaab }\n"
	     "  - { name: h2, v: aaaa }\n"
	     "  - { name: h3, v: bbb }\n");
	assert_status(fv("h1", "f"), MC_FV_LIMIT);
	/* The others are untouched by h1's failure. */
	assert_text(fv("h2", "f"), "x");
	assert_text(fv("h3", "f"), "bbb");
}
END_TEST

START_TEST(catastrophic_pattern_in_a_set_member_gives_limit)
{
	F.limits.regex_match_limit = 10000;
	bind("  features:\n"
	     "    from: cpu.features\n"
	     "    type: set\n"
	     "    normalize:\n"
	     "      - { pattern: '^(a+)+$', to: x }\n",
	     "  - { name: h1, cpu: { features: [avx, aaaaaaaaaaaaaaaaaaaaaaaaaaaaaab] } }\n"
	     "  - { name: h2, cpu: { features: [avx, aaa] } }\n");
	assert_status(fv("h1", "features"), MC_FV_LIMIT);
	assert_status(fv("h2", "features"), MC_FV_OK);
	ck_assert(set_has(fv("h2", "features"), "x"));
	ck_assert(set_has(fv("h2", "features"), "avx"));
}
END_TEST

Suite *
normalize_suite(void)
{
	Suite *s = suite_create("normalize");
	TCase *tc;

	tc = tcase_create("patterns");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, normalize_spec_manufacturers);
	tcase_add_test(tc, normalize_first_matching_pattern_wins);
	tcase_add_test(tc, normalize_caseless);
	tcase_add_test(tc, normalize_is_case_sensitive_without_caseless);
	tcase_add_test(tc, normalize_to_with_numbered_groups);
	tcase_add_test(tc, normalize_to_with_named_groups);
	tcase_add_test(tc, normalize_to_with_a_literal_dollar);
	tcase_add_test(tc, normalize_unset_group_is_empty);
	tcase_add_test(tc, normalize_replaces_the_whole_value);
	tcase_add_test(tc, normalize_no_match_leaves_the_value);
	tcase_add_test(tc, normalize_long_output);
	tcase_add_test(tc, fleet_values_count_against_the_node_limit);
	tcase_add_test(tc, normalize_pattern_text_compiled_once);
	tcase_add_test(tc, bad_pattern_used_twice_is_reported_twice);
	tcase_add_test(tc, shared_long_values_are_bound_once);
	tcase_add_test(tc, normalize_string_field_keeps_scalar_text);
	tcase_add_test(tc, multi_digit_group_reference_is_a_group_number);
	suite_add_tcase(s, tc);

	tc = tcase_create("types");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, integer_field_from_integers);
	tcase_add_test(tc, integer_field_from_digit_strings);
	tcase_add_test(tc, integer_field_from_hex_strings);
	tcase_add_test(tc, integer_field_after_normalize);
	tcase_add_test(tc, integer_field_uncoercible_is_malformed);
	tcase_add_test(tc, field_missing_value_is_missing);
	tcase_add_test(tc, field_null_value_is_missing);
	tcase_add_test(tc, version_field);
	tcase_add_test(tc, version_field_invalid_is_malformed);
	tcase_add_test(tc, version_field_after_normalize);
	tcase_add_test(tc, boolean_field);
	suite_add_tcase(s, tc);

	tc = tcase_create("sets");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, set_from_a_list);
	tcase_add_test(tc, set_from_a_separated_string);
	tcase_add_test(tc, set_is_deduplicated);
	tcase_add_test(tc, set_members_are_normalized_then_deduplicated);
	tcase_add_test(tc, set_members_normalized_to_nothing_are_left_out);
	tcase_add_test(tc, set_members_are_interned_across_hosts);
	tcase_add_test(tc, set_items_are_sorted_by_address);
	tcase_add_test(tc, set_empty_list_is_an_empty_set);
	tcase_add_test(tc, set_with_a_nested_member_is_malformed);
	suite_add_tcase(s, tc);

	tc = tcase_create("load_errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, error_to_names_a_missing_group);
	tcase_add_test(tc, error_to_names_a_missing_named_group);
	tcase_add_test(tc, error_to_names_a_missing_multi_digit_group);
	tcase_add_test(tc, error_to_with_a_lone_dollar);
	tcase_add_test(tc, error_invalid_pattern_at_its_position);
	tcase_add_test(tc, error_invalid_pattern_in_block_style);
	tcase_add_test(tc, error_every_bad_pattern_is_reported);
	tcase_add_test(tc, error_normalize_entry_needs_pattern_and_to);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, catastrophic_pattern_gives_limit);
	tcase_add_test(tc, catastrophic_pattern_in_a_set_member_gives_limit);
	suite_add_tcase(s, tc);

	return s;
}
