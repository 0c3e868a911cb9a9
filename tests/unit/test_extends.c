/* SPDX-License-Identifier: MIT */
/*
 * test_extends.c - policy composition: what a file's keys replace in its
 * base, paths relative to the naming file, cycles, limits, errors in base
 * files, and the digest over the chain.
 */
#include <nettle/sha2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "policy/policy.h"

static temp_dir tmp;

static mc_policy *
load_ok(const char *name)
{
	char path[256];
	mc_diag *d = mc_diag_new();
	mc_policy *p = NULL;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", tmp.path, name);
	rc = mc_policy_load(&p, path, NULL, d);
	ck_assert_msg(rc == MC_OK, "%s", first_diag(d));
	mc_diag_free(d);
	return p;
}

static mc_diag *
load_fails(const char *name)
{
	char path[256];
	mc_diag *d = mc_diag_new();
	mc_policy *p = NULL;

	snprintf(path, sizeof(path), "%s/%s", tmp.path, name);
	ck_assert_int_ne(mc_policy_load(&p, path, NULL, d), MC_OK);
	ck_assert_ptr_null(p);
	return d;
}

static const char *BASE =
	"policy: base\n"
	"fields:\n"
	"  a: { from: cpu.a }\n"
	"  b: { from: cpu.b, type: integer }\n"
	"kinds:\n"
	"  live: { when: { vm.state: running } }\n"
	"  stopped: { when: { vm.state: stopped } }\n"
	"host:\n"
	"  require: [ { target.up: true }, { target.open: true } ]\n"
	"match:\n"
	"  live: [a, b]\n"
	"  stopped: [a]\n"
	"  message: base message\n"
	"rules:\n"
	"  - { id: r1, require: { vm.x: 1 } }\n"
	"  - { id: r2, require: { vm.y: 1 } }\n"
	"prefer:\n"
	"  - { match: a, weight: 1 }\n"
	"remedies:\n"
	"  - { id: m1, says: one, set: { vm.x: 1 } }\n"
	"tests:\n"
	"  - { name: t, inventory: i.yaml, vm: v, expect: { allowed: true } }\n";

static size_t
rule_index(const mc_policy *p, const char *id)
{
	for (size_t i = 0; i < p->nrules; i++) {
		if (strcmp(p->rules[i].id, id) == 0)
			return i;
	}
	ck_abort_msg("no rule %s", id);
	return 0;
}

START_TEST(own_keys_replace_base)
{
	mc_policy *p;

	temp_dir_make(&tmp, "mc-extends");
	temp_dir_put(&tmp, "base.yaml", BASE);
	temp_dir_put(&tmp, "child.yaml",
	    "policy: child\n"
	    "extends: base.yaml\n"
	    "fields:\n"
	    "  b: { from: cpu.bb, type: version }\n"   /* replaced by name */
	    "  c: { from: cpu.c }\n"                   /* added */
	    "kinds:\n"
	    "  saved: { when: { vm.state: saved } }\n"
	    "match:\n"
	    "  live: [c]\n"                            /* replaced per kind */
	    "  saved: [a]\n"
	    "rules:\n"
	    "  - { id: r2, require: { vm.z: 2 }, message: two }\n"  /* by id */
	    "  - { id: r3, require: { vm.w: 3 } }\n"  /* appended */
	    "host:\n"
	    "  require: [ { target.ok: true } ]\n");   /* whole */
	p = load_ok("child.yaml");
	ck_assert_str_eq(mc_policy_name(p), "child");
	/* fields: base order, then new ones */
	ck_assert_uint_eq(p->nfields, 3);
	ck_assert_str_eq(p->fields[1].name, "b");
	ck_assert_int_eq(p->fields[1].type, MC_FT_VERSION);
	ck_assert_str_eq(p->fields[1].from.text, "cpu.bb");
	ck_assert_str_eq(p->fields[2].name, "c");
	/* kinds: base order kept, new kinds after (first match still wins) */
	ck_assert_uint_eq(p->nkinds, 3);
	ck_assert_str_eq(p->kinds[2].name, "saved");
	/* match: live replaced, stopped kept, message kept */
	ck_assert_uint_eq(p->checks[0].nmatch, 1);
	ck_assert_uint_eq(p->checks[0].match[0].field, 2);
	ck_assert_uint_eq(p->checks[1].nmatch, 1);
	ck_assert_uint_eq(p->checks[1].match[0].field, 0);
	ck_assert_uint_eq(p->checks[2].nmatch, 1);
	ck_assert_str_eq(p->match_message->parts[0].text, "base message");
	/* rules: r2 replaced in place, r3 appended */
	ck_assert_uint_eq(p->nrules, 3);
	ck_assert_uint_eq(rule_index(p, "r1"), 0);
	ck_assert_uint_eq(rule_index(p, "r2"), 1);
	ck_assert_uint_eq(rule_index(p, "r3"), 2);
	ck_assert_ptr_nonnull(p->rules[1].message);
	ck_assert_str_eq(p->rules[1].at->file->name + strlen(tmp.path) + 1, "child.yaml");
	/* host replaced whole; prefer and remedies inherited */
	ck_assert_uint_eq(p->nhost_require, 1);
	ck_assert_uint_eq(p->nprefer, 1);
	ck_assert_uint_eq(p->nremedies, 1);
	/* tests belong to the file that declares them */
	ck_assert_ptr_null(p->tests);
	mc_policy_free(p);
	temp_dir_remove(&tmp);
}
END_TEST

/* Locations point into the file that wrote each check. */
START_TEST(locations_in_their_files)
{
	mc_policy *p;

	temp_dir_make(&tmp, "mc-extends");
	temp_dir_put(&tmp, "base.yaml", BASE);
	temp_dir_put(&tmp, "child.yaml", "policy: child\nextends: base.yaml\n"
	    "rules:\n  - { id: r9, require: { vm.q: 1 } }\n");
	p = load_ok("child.yaml");
	ck_assert_str_eq(p->checks[0].match[0].at->file->name + strlen(tmp.path) + 1,
			 "base.yaml");
	ck_assert_uint_eq(p->checks[0].match[0].at->line, 11);
	ck_assert_str_eq(p->rules[2].at->file->name + strlen(tmp.path) + 1, "child.yaml");
	ck_assert_uint_eq(p->rules[2].at->line, 4);
	ck_assert_str_eq(mc_policy_file(p) + strlen(tmp.path) + 1, "child.yaml");
	mc_policy_free(p);
	temp_dir_remove(&tmp);
}
END_TEST

/* A relative `extends` is relative to the file naming it, at every level. */
START_TEST(paths_relative_to_naming_file)
{
	char path[256];
	mc_policy *p;

	temp_dir_make(&tmp, "mc-extends");
	snprintf(path, sizeof(path), "%s/sub", tmp.path);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	temp_dir_put(&tmp, "base.yaml", BASE);
	temp_dir_put(&tmp, "sub/mid.yaml", "policy: mid\nextends: ../base.yaml\n");
	temp_dir_put(&tmp, "top.yaml", "policy: top\nextends: sub/mid.yaml\n");
	p = load_ok("top.yaml");
	ck_assert_str_eq(mc_policy_name(p), "top");
	ck_assert_uint_eq(p->nfields, 2);
	ck_assert_uint_eq(p->ndocs, 3);
	mc_policy_free(p);
	temp_dir_remove(&tmp);
}
END_TEST

/* The digest covers the file and then every file it extends. */
START_TEST(digest_covers_chain)
{
	static const char *child = "policy: child\nextends: base.yaml\n";
	struct sha256_ctx ctx;
	uint8_t md[SHA256_DIGEST_SIZE];
	char want[80] = "sha256:";
	mc_policy *p;

	temp_dir_make(&tmp, "mc-extends");
	temp_dir_put(&tmp, "base.yaml", BASE);
	temp_dir_put(&tmp, "child.yaml", child);
	p = load_ok("child.yaml");
	sha256_init(&ctx);
	sha256_update(&ctx, strlen(child), (const uint8_t *)child);
	sha256_update(&ctx, strlen(BASE), (const uint8_t *)BASE);
	sha256_digest(&ctx, sizeof(md), md);
	for (size_t i = 0; i < sizeof(md); i++)
		snprintf(want + 7 + 2 * i, 3, "%02x", md[i]);
	ck_assert_str_eq(mc_policy_digest(p), want);
	mc_policy_free(p);

	/* changing the base changes the child's digest */
	temp_dir_put(&tmp, "base.yaml", "# a comment\n");
	{
		FILE *f;
		char b[256];
		snprintf(b, sizeof(b), "%s/base.yaml", tmp.path);
		f = fopen(b, "a");
		fputs(BASE, f);
		fclose(f);
	}
	p = load_ok("child.yaml");
	ck_assert_str_ne(mc_policy_digest(p), want);
	mc_policy_free(p);
	temp_dir_remove(&tmp);
}
END_TEST

START_TEST(cycle_refused)
{
	mc_diag *d;
	char want[256];

	temp_dir_make(&tmp, "mc-extends");
	temp_dir_put(&tmp, "a.yaml", "policy: a\nextends: b.yaml\nkinds: { k: }\n");
	temp_dir_put(&tmp, "b.yaml", "policy: b\nextends: a.yaml\n");
	d = load_fails("a.yaml");
	snprintf(want, sizeof(want), "%s/b.yaml:2:10: 'extends' makes a cycle: "
		 "'%s/a.yaml' extends itself through this file", tmp.path, tmp.path);
	ck_assert_str_eq(first_diag(d), want);
	mc_diag_free(d);

	temp_dir_put(&tmp, "self.yaml", "policy: s\nextends: self.yaml\nkinds: { k: }\n");
	d = load_fails("self.yaml");
	ck_assert(has_diag(d, "self.yaml:2:10: 'extends' makes a cycle"));
	mc_diag_free(d);
	temp_dir_remove(&tmp);
}
END_TEST

START_TEST(missing_base)
{
	mc_diag *d;
	char want[256];

	temp_dir_make(&tmp, "mc-extends");
	temp_dir_put(&tmp, "a.yaml", "policy: a\nextends: nothere.yaml\nkinds: { k: }\n");
	d = load_fails("a.yaml");
	snprintf(want, sizeof(want), "%s/a.yaml:2:10: extends: %s/nothere.yaml "
		 "cannot be read: No such file or directory", tmp.path, tmp.path);
	ck_assert_str_eq(first_diag(d), want);
	mc_diag_free(d);
	temp_dir_remove(&tmp);
}
END_TEST

/* An error in a base file is reported at the base file's position. */
START_TEST(error_in_base_file)
{
	mc_diag *d;

	temp_dir_make(&tmp, "mc-extends");
	temp_dir_put(&tmp, "base.yaml", "policy: base\nkinds: { k: }\nfields: { a: { form: x } }\n");
	temp_dir_put(&tmp, "child.yaml", "policy: child\nextends: base.yaml\n");
	d = load_fails("child.yaml");
	ck_assert(has_diag(d, "base.yaml:3:16: unknown key 'form' in a field; did "
			   "you mean 'from'?"));
	mc_diag_free(d);

	/* and a YAML error in the base stops there, without errors caused by
	 * the base's sections being missing; a file that is not YAML has not
	 * shown that it is a policy, and is reported at the `extends` */
	temp_dir_put(&tmp, "base.yaml", "policy: [\n");
	d = load_fails("child.yaml");
	ck_assert_uint_eq(mc_diag_error_count(d), 1);
	ck_assert(has_diag(d, "child.yaml:2:10: extends: "));
	ck_assert(has_diag(d, "/base.yaml is not a policy: it is not valid YAML "
			   "(line 2, column 1)"));
	mc_diag_free(d);
	temp_dir_remove(&tmp);
}
END_TEST

/* A base must be a regular file: a FIFO would block the load until some
 * writer opened it (for ever), a directory or a device is no policy. Each
 * is an error at the `extends` that names it, and nothing is read. */
START_TEST(base_must_be_a_regular_file)
{
	static const struct {
		const char *base, *says;
	} cases[] = {
		{"fifo", "fifo is not a regular file (a FIFO)"},
		{"fifo.lua", "fifo.lua is not a regular file (a FIFO)"},
		{".", ". is not a regular file (a directory)"},
		{"sub/", "sub/ is not a regular file (a directory)"},
	};
	char path[256], text[128], want[512];
	mc_diag *d;

	temp_dir_make(&tmp, "mc-extends");
	snprintf(path, sizeof(path), "%s/fifo", tmp.path);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	snprintf(path, sizeof(path), "%s/fifo.lua", tmp.path);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	snprintf(path, sizeof(path), "%s/sub", tmp.path);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "policy: a\nextends: %s\nkinds: { k: }\n",
			 cases[i].base);
		temp_dir_put(&tmp, "a.yaml", text);
		d = load_fails("a.yaml");
		snprintf(want, sizeof(want), "%s/a.yaml:2:10: extends: %s/%s", tmp.path,
			 tmp.path, cases[i].says);
		ck_assert_str_eq(first_diag(d), want);
		ck_assert_uint_eq(mc_diag_error_count(d), 1);
		mc_diag_free(d);
	}
	temp_dir_remove(&tmp);
}
END_TEST

/* True when no diagnostic of d shows `text`, in its message or its source
 * line. */
static bool
shows_nothing_of(const mc_diag *d, const char *text)
{
	for (size_t i = 0; i < mc_diag_count(d); i++) {
		const mc_diag_item *it = mc_diag_get(d, i);

		if (strstr(it->message, text) ||
		    (it->source_line && strstr(it->source_line, text)))
			return false;
	}
	return true;
}

/* A file named by `extends` is shown in diagnostics only once it reads as
 * a policy: YAML whose top level is a mapping with `policy`. Anything else
 * -- a password file, a list, someone's configuration, bytes that are not
 * YAML -- is one error at the `extends`, which quotes nothing of it. */
START_TEST(base_that_is_not_a_policy_is_not_shown)
{
	static const struct {
		const char *text, *says;
	} cases[] = {
		{"root:x:0:0:SECRET:/root:/bin/sh\n", "it is a string, not a mapping"},
		{"- SECRET\n", "it is a list, not a mapping"},
		{"SECRET: 1\nkinds: { k: }\n", "a mapping without 'policy'"},
		{"# SECRET\n", "it is empty"},
		{"a: [SECRET\n", "it is not valid YAML (line 2, column 1)"},
		{"SECRET: 1\nSECRET: 2\n", "it is not valid YAML (line 2, column 1)"},
		{"a: !SECRET x\n", "it is not valid YAML (line 1, column 4)"},
		{"a: *SECRET\n", "it is not valid YAML (line 1, column 4)"},
		{"SECRET: \xff\n", "it is not valid YAML (line 1, column 9)"},
	};
	char want[512];
	mc_diag *d;

	temp_dir_make(&tmp, "mc-extends");
	temp_dir_put(&tmp, "child.yaml", "policy: child\nextends: base.txt\nkinds: { k: }\n");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		temp_dir_put(&tmp, "base.txt", cases[i].text);
		d = load_fails("child.yaml");
		snprintf(want, sizeof(want), "%s/child.yaml:2:10: extends: "
			 "%s/base.txt is not a policy: %s", tmp.path, tmp.path, cases[i].says);
		ck_assert_str_eq(first_diag(d), want);
		ck_assert_uint_eq(mc_diag_error_count(d), 1);
		ck_assert_msg(shows_nothing_of(d, "SECRET"), "case %zu shows it", i);
		mc_diag_free(d);
	}
	temp_dir_remove(&tmp);
}
END_TEST

/* A limit hit in a base that has not yet read as a policy is reported at
 * the `extends` too, with the limit and where in the base it was hit. */
START_TEST(base_past_a_limit_is_reported_at_the_extends)
{
	mc_limits lim;
	mc_policy *p = NULL;
	mc_diag *d = mc_diag_new();
	char path[256], want[512];

	temp_dir_make(&tmp, "mc-extends");
	temp_dir_put(&tmp, "b.yaml", "policy: SECRET-NAME\n");
	/* names of 8 bytes at most in the file naming it */
	temp_dir_put(&tmp, "c.yaml", "policy: c\nextends: b.yaml\nkinds: { k: }\n");
	mc_limits_default(&lim);
	lim.max_scalar_bytes = 8;
	snprintf(path, sizeof(path), "%s/c.yaml", tmp.path);
	ck_assert_int_ne(mc_policy_load(&p, path, &lim, d), MC_OK);
	snprintf(want, sizeof(want), "%s/c.yaml:2:10: extends: %s/b.yaml "
		 "is not a policy within the limits: line 1, column 9: a scalar "
		 "longer than 8 bytes (raise it with --limit scalar-size=N)", tmp.path, tmp.path);
	ck_assert_str_eq(first_diag(d), want);
	ck_assert(shows_nothing_of(d, "SECRET"));
	ck_assert_str_eq(mc_diag_get(d, 0)->code, "limit");
	mc_diag_clear(d);

	temp_dir_put(&tmp, "b.yaml", "policy: b\n# a comment that makes the base longer than c.yaml\n");
	lim.max_scalar_bytes = 1024;
	lim.max_file_bytes = 48;  /* c.yaml has 39 bytes */
	ck_assert_int_ne(mc_policy_load(&p, path, &lim, d), MC_OK);
	snprintf(want, sizeof(want), "%s/c.yaml:2:10: extends: %s/b.yaml "
		 "is larger than 48 bytes (raise it with --limit file-size=N)", tmp.path,
		 tmp.path);
	ck_assert_str_eq(first_diag(d), want);
	mc_diag_free(d);
	temp_dir_remove(&tmp);
}
END_TEST

START_TEST(chain_length_limit)
{
	char name[32], text[128];
	mc_limits lim;
	mc_policy *p = NULL;
	mc_diag *d = mc_diag_new();
	char path[256];

	temp_dir_make(&tmp, "mc-extends");
	/* p0 extends p1 ... extends p3, which has the kinds */
	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "p%d.yaml", i);
		snprintf(text, sizeof(text), "policy: p%d\nextends: p%d.yaml\n", i, i + 1);
		temp_dir_put(&tmp, name, text);
	}
	temp_dir_put(&tmp, "p3.yaml", "policy: p3\nkinds: { k: }\n");
	mc_limits_default(&lim);
	lim.max_extends = 3;
	snprintf(path, sizeof(path), "%s/p0.yaml", tmp.path);
	ck_assert_int_eq(mc_policy_load(&p, path, &lim, d), MC_OK);
	mc_policy_free(p);
	lim.max_extends = 2;
	ck_assert_int_ne(mc_policy_load(&p, path, &lim, d), MC_OK);
	ck_assert(has_diag(d, "p2.yaml:2:10: more than 2 'extends' in a chain "
			   "(raise it with --limit extends=N)"));
	mc_diag_free(d);
	temp_dir_remove(&tmp);
}
END_TEST

/* The shipped R2 policy extends the default one and adds its setting and
 * the relaxations that follow the target's platform. */
START_TEST(shipped_r2_extends_default)
{
	mc_diag *d = mc_diag_new();
	mc_policy *p = NULL;

	ck_assert_int_eq(mc_policy_load(&p, SRC("policies/scvmm-2008-r2.yaml"), NULL, d),
			 MC_OK);
	ck_assert_str_eq(mc_policy_name(p), "scvmm-2008-r2");
	ck_assert_uint_eq(p->ndocs, 2);
	ck_assert_uint_eq(p->nrelax, 4);
	ck_assert_str_eq(p->relax[0].id, "processor-compatibility");
	ck_assert_str_eq(p->relax[1].id, "virtual-server-target");
	ck_assert_str_eq(p->relax[2].id, "no-hyper-v-target");
	ck_assert_str_eq(p->relax[3].id, "hyper-v-target");
	ck_assert_uint_eq(p->nremedies, 2);
	ck_assert_str_eq(p->remedies[0].id, "discard-saved-state");
	ck_assert_str_eq(p->remedies[1].id, "allow-different-processor");
	ck_assert_uint_eq(p->nhost_require, 6);
	mc_policy_free(p);
	mc_diag_free(d);
}
END_TEST

Suite *
extends_suite(void)
{
	Suite *s = suite_create("extends");
	TCase *t = tcase_create("extends");

	tcase_add_test(t, own_keys_replace_base);
	tcase_add_test(t, locations_in_their_files);
	tcase_add_test(t, paths_relative_to_naming_file);
	tcase_add_test(t, digest_covers_chain);
	tcase_add_test(t, cycle_refused);
	tcase_add_test(t, missing_base);
	tcase_add_test(t, error_in_base_file);
	tcase_add_test(t, base_must_be_a_regular_file);
	tcase_add_test(t, base_that_is_not_a_policy_is_not_shown);
	tcase_add_test(t, base_past_a_limit_is_reported_at_the_extends);
	tcase_add_test(t, chain_length_limit);
	tcase_add_test(t, shipped_r2_extends_default);
	suite_add_tcase(s, t);
	return s;
}
