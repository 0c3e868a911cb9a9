/* SPDX-License-Identifier: MIT */
/*
 * test_import_arch.c - one architecture vocabulary for every importer: the
 * words platforms use (uname -m, lscpu, libvirt, Debian, Windows) and the
 * inventory's word for each (docs/import.md, "Architectures").
 */
#include <string.h>

#include "helpers.h"
#include "sources/hostrec.h"
#include "sources/importer.h"

static const struct {
	const char *from, *to;
} words[] = {
	{"x86_64", "x64"}, {"AMD64", "x64"}, {"x64", "x64"}, {"x86-64", "x64"},
	{"i386", "x86"}, {"i686", "x86"}, {"i86pc", "x86"}, {"x86", "x86"},
	{"aarch64", "arm64"}, {"AArch64", "arm64"}, {"arm64", "arm64"},
	{"aarch64_be", "arm64"},
	{"arm", "arm"}, {"armel", "arm"}, {"armhf", "arm"}, {"armv5tel", "arm"},
	{"armv6l", "arm"}, {"armv7l", "arm"}, {"ARMv7", "arm"}, {"armv8l", "arm"},
	{"ppc", "ppc"}, {"powerpc", "ppc"}, {"ppc64", "ppc64"},
	{"ppc64le", "ppc64le"}, {"ppc64el", "ppc64le"},
	{"s390", "s390"}, {"s390x", "s390x"},
	{"riscv64", "riscv64"}, {"riscv32", "riscv32"},
	{"loongarch64", "loongarch64"}, {"loong64", "loongarch64"},
	{"mips", "mips"}, {"mipsel", "mips"}, {"mips64", "mips64"},
	{"mips64el", "mips64"}, {"sparc", "sparc"}, {"sparc64", "sparc64"},
	{"alpha", "alpha"}, {"ia64", "ia64"},
	/* not in the vocabulary: kept as written */
	{"hppa", "hppa"}, {"m68k", "m68k"},
};

START_TEST(every_word_to_the_inventory_word)
{
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		ck_assert_msg(strcmp(mc_import_arch_word(words[i].from), words[i].to) == 0,
			      "%s gave %s, not %s", words[i].from,
			      mc_import_arch_word(words[i].from), words[i].to);
}
END_TEST

/* mc_import_set_arch: the same words, white space around them ignored,
 * and an empty one leaves the architecture out. */
START_TEST(set_arch_trims_and_maps)
{
	mc_hostrec *h = mc_hostrec_new();

	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(mc_import_set_arch(h, " armv7l\n", 8), 0);
	ck_assert_str_eq(h->architecture, "arm");
	ck_assert_int_eq(mc_import_set_arch(h, "aarch64", 7), 0);
	ck_assert_str_eq(h->architecture, "arm64");
	mc_hostrec_free(h);
	h = mc_hostrec_new();
	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(mc_import_set_arch(h, "  ", 2), 0);
	ck_assert_ptr_null(h->architecture);
	mc_hostrec_free(h);
}
END_TEST

Suite *
import_arch_suite(void)
{
	Suite *s = suite_create("import_arch");
	TCase *tc = tcase_create("vocabulary");

	tcase_add_test(tc, every_word_to_the_inventory_word);
	tcase_add_test(tc, set_arch_trims_and_maps);
	suite_add_tcase(s, tc);
	return s;
}
