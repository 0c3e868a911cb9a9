/* SPDX-License-Identifier: MIT */
/*
 * xml.c - strings made safe for XML documents (xml.h).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "migcheck.h"
#include "xml.h"

/* True for a character XML 1.0 allows in a document. */
static bool
xml_char(uint32_t c)
{
	return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
	       (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

int
cli_xml_text(xmlTextWriterPtr w, const char *s)
{
	size_t len = s ? strlen(s) : 0, run = 0, n;
	char ref[16];
	uint32_t c;
	int rc = 0;

	for (size_t i = 0; i <= len && rc >= 0; i += n ? n : 1) {
		const char *raw = NULL;

		n = i < len ? mc_text_utf8_char(s + i, len - i, &c) : 0;
		if (i < len && n && xml_char(c) && c != '\t' && c != '\r' &&
		    !(c >= 0x7F && c <= 0x9F))
			continue;
		/* The plain run before this character, then the character. */
		if (i > run) {
			xmlChar *part = xmlStrndup((const xmlChar *)s + run, (int)(i - run));

			rc = part ? xmlTextWriterWriteString(w, part) : -1;
			xmlFree(part);
		}
		if (i < len && rc >= 0) {
			if (!n || !xml_char(c)) {
				raw = "\xEF\xBF\xBD";
			} else {
				snprintf(ref, sizeof(ref), "&#%u;", (unsigned)c);
				raw = ref;
			}
			rc = xmlTextWriterWriteRaw(w, (const xmlChar *)raw);
		}
		run = i + (n ? n : 1);
	}
	return rc;
}

int
cli_xml_attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	if (xmlTextWriterStartAttribute(w, (const xmlChar *)name) < 0 ||
	    cli_xml_text(w, value) < 0)
		return -1;
	return xmlTextWriterEndAttribute(w);
}
