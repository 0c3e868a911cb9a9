/* SPDX-License-Identifier: MIT */
/*
 * xml.h - text and attribute values for libxml2's xmlTextWriter that make
 * well-formed XML whatever the string holds: the JUnit report of
 * `migcheck test` and the HTML of `migcheck report` write through them.
 */
#ifndef MC_CLI_XML_H
#define MC_CLI_XML_H

#include <libxml/xmlwriter.h>

/*
 * Writes s (NULL: nothing) as (part of) the text or attribute value being
 * written: a character XML 1.0 does not allow (C0 controls but tab, line
 * feed and carriage return; U+FFFE, U+FFFF) or a byte that is not UTF-8
 * as U+FFFD; tabs, carriage returns, DEL and C1 controls as character
 * references; the rest through the writer, which escapes what markup
 * needs. Returns a negative number when the writer fails.
 */
int cli_xml_text(xmlTextWriterPtr w, const char *s);

/* An attribute name="value", value written as cli_xml_text writes it. */
int cli_xml_attr(xmlTextWriterPtr w, const char *name, const char *value);

#endif
