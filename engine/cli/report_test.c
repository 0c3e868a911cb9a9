/* SPDX-License-Identifier: MIT */
/*
 * report_test.c - the reports of `migcheck test`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_test.h"
#include "cli.h"

/* ------------------------------------------------------------------------
 * Text
 */

char *
report_test_text(const mc_test_report *const *reps, size_t n, bool coverage,
		 bool color, size_t *len)
{
	const char *ok = color ? "\033[32m" : "", *bad = color ? "\033[31m" : "";
	const char *dim = color ? "\033[2m" : "", *off = color ? "\033[0m" : "";
	size_t passed = 0, failed = 0;
	cli_text report;
	FILE *out;

	if (!cli_text_open(&report))
		return NULL;
	out = report.out;
	for (size_t r = 0; r < n; r++) {
		const mc_test_report *rep = reps[r];

		for (size_t i = 0; i < rep->ntests; i++) {
			const mc_test_case *tc = &rep->tests[i];

			cli_text_style(&report, tc->passed ? ok : bad);
			fputs(tc->passed ? "PASS" : "FAIL", out);
			cli_text_style(&report, off);
			cli_printf(out, "  %s  %s\n", rep->policy_name, tc->name);
			if (tc->passed) {
				passed++;
				continue;
			}
			failed++;
			fputs("      ", out);
			cli_text_style(&report, dim);
			cli_location(out, &tc->at);
			cli_text_style(&report, off);
			cli_printf(out, "\n      expected  %s\n", tc->expected);
			cli_printf(out, "      %s  %s\n", tc->error ? "error   " : "actual  ",
				   tc->actual);
		}
	}
	for (size_t r = 0; coverage && r < n; r++) {
		const mc_test_report *rep = reps[r];

		cli_printf(out, "\nCoverage  %s (%s): %zu of %zu checks exercised\n",
			   rep->policy_name, rep->policy_file, rep->nexercised,
			   rep->ncoverage);
		for (size_t i = 0; i < rep->ncoverage; i++) {
			const mc_coverage_item *c = &rep->coverage[i];

			if (c->exercised)
				continue;
			cli_printf(out, "  not exercised  %s  ", c->name);
			cli_text_style(&report, dim);
			fputc('(', out);
			cli_location(out, &c->at);
			fputc(')', out);
			cli_text_style(&report, off);
			fputc('\n', out);
		}
	}
	cli_printf(out, "\n%zu passed, %zu failed\n", passed, failed);
	return cli_text_close(&report, len);
}

/* ------------------------------------------------------------------------
 * JUnit XML (the Ant/Jenkins shape; tests/schemas/junit.xsd)
 */

/* True for a character XML 1.0 allows in a document. */
static bool
xml_char(uint32_t c)
{
	return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
	       (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

/*
 * Writes s escaped for an attribute value or character data, so that any
 * string makes well-formed XML: markup characters as entities; tabs, line
 * breaks, DEL and C1 controls as character references (kept, and not raw
 * on a terminal); what XML 1.0 does not allow (other C0 controls, U+FFFE,
 * U+FFFF) and bytes that are not UTF-8 as U+FFFD.
 */
static void
xml(FILE *out, const char *s)
{
	size_t len = s ? strlen(s) : 0, n;
	uint32_t c;

	for (size_t i = 0; i < len; i += n ? n : 1) {
		n = mc_text_utf8_char(s + i, len - i, &c);
		if (!n || !xml_char(c))
			fputs("\xEF\xBF\xBD", out);
		else if (c == '&')
			fputs("&amp;", out);
		else if (c == '<')
			fputs("&lt;", out);
		else if (c == '>')
			fputs("&gt;", out);
		else if (c == '"')
			fputs("&quot;", out);
		else if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
			fprintf(out, "&#%u;", (unsigned)c);
		else
			fwrite(s + i, 1, n, out);
	}
}

char *
report_test_junit(const mc_test_report *const *reps, size_t n, size_t *len)
{
	size_t tests = 0, failures = 0, errors = 0;
	char *text = NULL;
	FILE *out = open_memstream(&text, len);

	if (!out)
		return NULL;
	for (size_t r = 0; r < n; r++) {
		tests += reps[r]->ntests;
		failures += reps[r]->nfailed - reps[r]->nerrors;
		errors += reps[r]->nerrors;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fprintf(out, "<testsuites name=\"migcheck test\" tests=\"%zu\" "
		"failures=\"%zu\" errors=\"%zu\">\n", tests, failures, errors);
	for (size_t r = 0; r < n; r++) {
		const mc_test_report *rep = reps[r];

		fputs("  <testsuite name=\"", out);
		xml(out, rep->policy_name);
		fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
			"skipped=\"0\" file=\"", rep->ntests,
			rep->nfailed - rep->nerrors, rep->nerrors);
		xml(out, rep->policy_file);
		fputs("\">\n", out);
		for (size_t i = 0; i < rep->ntests; i++) {
			const mc_test_case *t = &rep->tests[i];
			const char *what = t->error ? "error" : "failure";

			fputs("    <testcase name=\"", out);
			xml(out, t->name);
			fputs("\" classname=\"", out);
			xml(out, rep->policy_name);
			fputs("\" file=\"", out);
			xml(out, t->at.file);
			fprintf(out, "\" line=\"%u\"", t->at.line);
			if (t->passed) {
				fputs("/>\n", out);
				continue;
			}
			fprintf(out, ">\n      <%s message=\"", what);
			if (t->error) {
				xml(out, t->actual);
			} else {
				fputs("expected ", out);
				xml(out, t->expected);
				fputs("; actual ", out);
				xml(out, t->actual);
			}
			fprintf(out, "\" type=\"%s\">", t->error ? "error" : "expectation");
			fputs("expected: ", out);
			xml(out, t->expected);
			fputs("\nactual: ", out);
			xml(out, t->actual);
			fprintf(out, "</%s>\n    </testcase>\n", what);
		}
		fputs("  </testsuite>\n", out);
	}
	fputs("</testsuites>\n", out);
	if (fclose(out) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
