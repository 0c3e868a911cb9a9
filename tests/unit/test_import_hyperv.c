/* SPDX-License-Identifier: MIT */
/*
 * test_import_hyperv.c - `import --from hyperv`: records are appended after
 * what the list holds, and not at all when the input fails; processor and
 * checkpoint objects join their VM by VMId before its name; a VM's host is
 * written as the host object spells it; values past the limits are errors.
 */
#include <string.h>

#include "helpers.h"
#include "sources/import.h"

static const char TABLE[] =
	"{\"VMHost\": {\"Name\": \"HV-01\", \"LogicalProcessorCount\": 8,\n"
	"             \"MemoryCapacity\": 34359738368},\n"
	" \"VM\": [{\"VMName\": \"web-01\", \"VMId\": \"A1\", \"ComputerName\": \"hv-01\",\n"
	"          \"State\": 2, \"Version\": \"9.0\"},\n"
	"        {\"VMName\": \"web-02\", \"VMId\": \"A2\", \"ComputerName\": \"HV-01\",\n"
	"          \"State\": 3, \"ParentSnapshotId\": \"B7\"}],\n"
	" \"VMProcessor\": {\"VMName\": \"old-name\", \"VMId\": \"a1\",\n"
	"                  \"ComputerName\": \"HV-01\",\n"
	"                  \"CompatibilityForMigrationEnabled\": true},\n"
	" \"VMSnapshot\": [{\"VMName\": \"web-02\", \"VMId\": \"A2\", \"SnapshotType\": 5},\n"
	"                {\"VMName\": \"web-02\", \"VMId\": \"A2\", \"SnapshotType\": 5}]}\n";

static const char BAD[] =
	"[{\"VMName\": \"web-09\", \"ComputerName\": \"HV-09\", \"State\": 2},\n"
	" {\"VMName\": \"web-10\", \"ComputerName\": \"HV-09\", \"State\": 10}]\n";

static const mc_field *
field(const mc_vmrec *vm, const char *path)
{
	const mc_field *f = mc_fields_get(&vm->extra, path);

	ck_assert_msg(f != NULL, "VM '%s' has no %s", vm->name, path);
	return f;
}

START_TEST(records_of_a_table)
{
	mc_hostlist list = {0};
	mc_import_ctx ctx = {0};
	mc_diag *diag = mc_diag_new();

	ck_assert_int_eq(mc_import_hyperv(&list, "t.json", TABLE, strlen(TABLE),
					  &ctx, diag), MC_OK);
	ck_assert_uint_eq(mc_diag_count(diag), 0);
	ck_assert_uint_eq(list.count, 1);
	ck_assert_uint_eq(list.nvms, 2);
	ck_assert_str_eq(list.hosts[0]->name, "HV-01");
	ck_assert_uint_eq(list.hosts[0]->line, 1);
	/* the VM's ComputerName in another case: the host's spelling */
	ck_assert_str_eq(list.vms[0]->host, "HV-01");
	ck_assert_str_eq(list.vms[0]->state, "running");
	ck_assert_uint_eq(list.vms[0]->line, 3);
	/* the processor joined web-01 by VMId (case ignored), not by name */
	ck_assert_int_eq(field(list.vms[0], "processor_compatibility")->num, 1);
	ck_assert_ptr_null(mc_fields_get(&list.vms[1]->extra,
					 "processor_compatibility"));
	ck_assert_int_eq(field(list.vms[0], "checkpoints")->num, 0);
	ck_assert_int_eq(field(list.vms[1], "checkpoints")->num, 2);
	ck_assert_str_eq(field(list.vms[0], "configuration_version")->text, "9.0");
	ck_assert_str_eq(list.vms[1]->state, "stopped");
	mc_hostlist_free(&list);
	mc_diag_free(diag);
}
END_TEST

START_TEST(appended_after_or_not_at_all)
{
	mc_hostlist list = {0};
	mc_import_ctx ctx = {0};
	mc_diag *diag = mc_diag_new();

	ck_assert_int_eq(mc_import_hyperv(&list, "t.json", TABLE, strlen(TABLE),
					  &ctx, diag), MC_OK);
	ck_assert_int_eq(mc_import_hyperv(&list, "bad.json", BAD, strlen(BAD),
					  &ctx, diag), MC_EINPUT);
	ck_assert_uint_eq(list.count, 1);
	ck_assert_uint_eq(list.nvms, 2);
	ck_assert_str_eq(first_diag(diag), "bad.json:2:57: VM 'web-10' is "
			 "Starting (State 10) and is between two states; export "
			 "again once it is running, off, saved or paused");
	ck_assert_int_eq(mc_import_hyperv(&list, "t2.json", TABLE, strlen(TABLE),
					  &ctx, diag), MC_OK);
	ck_assert_uint_eq(list.count, 2);
	ck_assert_uint_eq(list.nvms, 4);
	ck_assert_str_eq(list.vms[2]->name, "web-01");
	ck_assert_str_eq(list.vms[2]->source, "hyperv t2.json");
	mc_hostlist_free(&list);
	mc_diag_free(diag);
}
END_TEST

/* The loader refuses a value past the limits before the importer reads
 * it: nothing is appended. */
START_TEST(past_the_scalar_limit)
{
	mc_hostlist list = {0};
	mc_limits lim;
	mc_import_ctx ctx = {.limits = &lim};
	mc_diag *diag = mc_diag_new();

	mc_limits_default(&lim);
	lim.max_scalar_bytes = 5;
	ck_assert_int_eq(mc_import_hyperv(&list, "t.json", TABLE, strlen(TABLE),
					  &ctx, diag), MC_ELIMIT);
	ck_assert_uint_eq(list.count + list.nvms, 0);
	ck_assert_str_eq(first_diag(diag), "t.json:1:2: a scalar longer than 5 "
			 "bytes (raise it with --limit scalar-size=N)");
	mc_hostlist_free(&list);
	mc_diag_free(diag);
}
END_TEST

Suite *
import_hyperv_suite(void)
{
	Suite *s = suite_create("import_hyperv");
	TCase *tc = tcase_create("import_hyperv");

	tcase_add_test(tc, records_of_a_table);
	tcase_add_test(tc, appended_after_or_not_at_all);
	tcase_add_test(tc, past_the_scalar_limit);
	suite_add_tcase(s, tc);
	return s;
}
