/* SPDX-License-Identifier: MIT */
/*
 * report_test.c - the reports of `migcheck test`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_test.h"
#include "cli.h"
#include "json.h"
#include "xml.h"

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
 * JSON
 */

static json_t *
test_json(jctx *j, const mc_test_case *t)
{
	json_t *o = json_object();

	jset(j, o, "name", json_string(t->name));
	jset(j, o, "at", jlocation(&t->at));
	jset(j, o, "outcome", json_string(t->passed ? "passed" : t->error ? "error"
					  : "failed"));
	if (!t->passed) {
		jset(j, o, "expected", t->expected ? json_string(t->expected) : json_null());
		jset(j, o, t->error ? "error" : "actual",
		     t->actual ? json_string(t->actual) : json_null());
	}
	return o;
}

char *
report_test_json(const mc_test_report *const *reps, size_t n, bool coverage,
		 size_t *len)
{
	jctx j = {true};
	json_t *root = json_object(), *pols = json_array();
	size_t passed = 0, failed = 0;

	jset(&j, root, "schema", json_string(CLI_SCHEMA("test", 1)));
	for (size_t r = 0; r < n; r++) {
		const mc_test_report *rep = reps[r];
		json_t *pol = json_object(), *tests = json_array();

		jset(&j, pol, "name", json_string(rep->policy_name));
		jset(&j, pol, "file", json_string(rep->policy_file));
		for (size_t i = 0; i < rep->ntests; i++)
			jpush(&j, tests, test_json(&j, &rep->tests[i]));
		jset(&j, pol, "tests", tests);
		if (coverage) {
			json_t *cov = json_array();

			for (size_t i = 0; i < rep->ncoverage; i++) {
				json_t *c = json_object();

				jset(&j, c, "check", json_string(rep->coverage[i].name));
				jset(&j, c, "at", jlocation(&rep->coverage[i].at));
				jset(&j, c, "exercised", json_boolean(rep->coverage[i].exercised));
				jpush(&j, cov, c);
			}
			jset(&j, pol, "coverage", cov);
		}
		jpush(&j, pols, pol);
		passed += rep->ntests - rep->nfailed;
		failed += rep->nfailed;
	}
	jset(&j, root, "policies", pols);
	jset(&j, root, "passed", json_integer((json_int_t)passed));
	jset(&j, root, "failed", json_integer((json_int_t)failed));
	return jdump(&j, root, len);
}

/* ------------------------------------------------------------------------
 * JUnit XML (the Ant/Jenkins shape; tests/schemas/junit.xsd), written by
 * libxml2's xmlTextWriter, which escapes markup and quotes as each place
 * needs (xml.h makes any string fit).
 */

static int
xml_attr_num(xmlTextWriterPtr w, const char *name, size_t value)
{
	return xmlTextWriterWriteFormatAttribute(w, (const xmlChar *)name, "%zu", value);
}

/* One test case: a passing one empty, a failing one with its failure or
 * error. */
static int
junit_case(xmlTextWriterPtr w, const mc_test_report *rep, const mc_test_case *t)
{
	const char *what = t->error ? "error" : "failure";
	int rc;

	if (xmlTextWriterStartElement(w, BAD_CAST "testcase") < 0 ||
	    cli_xml_attr(w, "name", t->name) < 0 ||
	    cli_xml_attr(w, "classname", rep->policy_name) < 0 ||
	    cli_xml_attr(w, "file", t->at.file) < 0 ||
	    xml_attr_num(w, "line", t->at.line) < 0)
		return -1;
	if (!t->passed) {
		if (xmlTextWriterStartElement(w, (const xmlChar *)what) < 0 ||
		    xmlTextWriterStartAttribute(w, BAD_CAST "message") < 0)
			return -1;
		rc = t->error ? cli_xml_text(w, t->actual)
		     : cli_xml_text(w, "expected ") < 0 || cli_xml_text(w, t->expected) < 0 ||
		       cli_xml_text(w, "; actual ") < 0 ? -1 : cli_xml_text(w, t->actual);
		if (rc < 0 || xmlTextWriterEndAttribute(w) < 0 ||
		    cli_xml_attr(w, "type", t->error ? "error" : "expectation") < 0 ||
		    cli_xml_text(w, "expected: ") < 0 || cli_xml_text(w, t->expected) < 0 ||
		    cli_xml_text(w, "\nactual: ") < 0 || cli_xml_text(w, t->actual) < 0 ||
		    xmlTextWriterEndElement(w) < 0)
			return -1;
	}
	return xmlTextWriterEndElement(w);
}

char *
report_test_junit(const mc_test_report *const *reps, size_t n, size_t *len)
{
	size_t tests = 0, failures = 0, errors = 0;
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
	char *text = NULL;
	bool ok;

	if (!w) {
		xmlBufferFree(buf);
		return NULL;
	}
	for (size_t r = 0; r < n; r++) {
		tests += reps[r]->ntests;
		failures += reps[r]->nfailed - reps[r]->nerrors;
		errors += reps[r]->nerrors;
	}
	ok = xmlTextWriterSetIndent(w, 1) >= 0 &&
	     xmlTextWriterSetIndentString(w, BAD_CAST "  ") >= 0 &&
	     xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) >= 0 &&
	     xmlTextWriterStartElement(w, BAD_CAST "testsuites") >= 0 &&
	     cli_xml_attr(w, "name", "migcheck test") >= 0 &&
	     xml_attr_num(w, "tests", tests) >= 0 &&
	     xml_attr_num(w, "failures", failures) >= 0 &&
	     xml_attr_num(w, "errors", errors) >= 0;
	for (size_t r = 0; r < n && ok; r++) {
		const mc_test_report *rep = reps[r];

		ok = xmlTextWriterStartElement(w, BAD_CAST "testsuite") >= 0 &&
		     cli_xml_attr(w, "name", rep->policy_name) >= 0 &&
		     xml_attr_num(w, "tests", rep->ntests) >= 0 &&
		     xml_attr_num(w, "failures", rep->nfailed - rep->nerrors) >= 0 &&
		     xml_attr_num(w, "errors", rep->nerrors) >= 0 &&
		     xml_attr_num(w, "skipped", 0) >= 0 &&
		     cli_xml_attr(w, "file", rep->policy_file) >= 0;
		for (size_t i = 0; i < rep->ntests && ok; i++)
			ok = junit_case(w, rep, &rep->tests[i]) >= 0;
		ok = ok && xmlTextWriterEndElement(w) >= 0;
	}
	ok = ok && xmlTextWriterEndDocument(w) >= 0;
	xmlFreeTextWriter(w);
	if (ok && (text = malloc((size_t)xmlBufferLength(buf) + 1))) {
		*len = (size_t)xmlBufferLength(buf);
		memcpy(text, xmlBufferContent(buf), *len);
		text[*len] = '\0';
	}
	xmlBufferFree(buf);
	return text;
}
