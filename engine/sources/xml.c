/* SPDX-License-Identifier: MIT */
/*
 * xml.c - libvirt's XML read safely (see xml.h).
 */
#include "sources/xml.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "util/diag.h"
#include "sources/import.h"

/* The 1-based column of "<name" on line `line`, or 1 when it is not there
 * (libxml2 keeps lines of elements, not columns). */
static unsigned
element_col(const mc_file *f, unsigned line, const char *name)
{
	size_t len = 0, nlen = strlen(name);
	const char *text = mc_file_line(f, line, &len);

	if (!text)
		return 1;
	for (size_t i = 0; i + 1 + nlen <= len; i++) {
		if (text[i] == '<' && memcmp(text + i + 1, name, nlen) == 0)
			return (unsigned)i + 1;
	}
	return 1;
}

/*
 * libxml2 keeps an element's line in 16 bits (65535 for every line past
 * it), and even with XML_PARSE_BIG_LINES keeps the full line of text nodes
 * only, from which xmlGetLineNo guesses an element's. The parser is given
 * this start-element handler, which keeps the element's line, as libxml2
 * counts it, in its psvi (which nothing uses without schema validation).
 */
static void
start_element(void *ctx, const xmlChar *localname, const xmlChar *prefix,
	      const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
	      int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	xmlParserCtxt *ctxt = ctx;

	xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_namespaces,
			      namespaces, nb_attributes, nb_defaulted, attributes);
	if (ctxt->node && ctxt->input)
		ctxt->node->psvi = (void *)(intptr_t)ctxt->input->line;
}

unsigned
mc_xml_line(const xmlNode *n)
{
	long line = n->type == XML_ELEMENT_NODE && n->psvi
		    ? (long)(intptr_t)n->psvi : xmlGetLineNo(n);

	return line > 0 && line <= (long)UINT_MAX ? (unsigned)line : 1;
}

/* Reports msg at element n, with the id code (NULL: none). */
void
mc_xml_error_id(mc_xml *x, const xmlNode *n, const char *code,
	      const char *msg)
{
	unsigned line = mc_xml_line(n);

	x->errors++;
	if (mc_file_diag(x->diag, MC_SEVERITY_ERROR, &x->file, line,
			 element_col(&x->file, line, (const char *)n->name),
			 "%s", msg) < 0)
		x->nomem = 1;
	else if (code)
		mc_diag_set_code(x->diag, code);
}

void
mc_xml_error(mc_xml *x, const xmlNode *n, const char *msg)
{
	mc_xml_error_id(x, n, NULL, msg);
}

void
mc_xml_warning(mc_xml *x, const xmlNode *n, const char *msg)
{
	unsigned line = mc_xml_line(n);

	if (mc_file_diag(x->diag, MC_SEVERITY_WARNING, &x->file, line,
			 element_col(&x->file, line, (const char *)n->name),
			 "%s", msg) < 0)
		x->nomem = 1;
}

/* False, after reporting at n, for a value of len bytes that the loader
 * would refuse in the inventory written. */
bool
mc_xml_value_fits(mc_xml *x, const xmlNode *n, size_t len)
{
	char msg[160];

	if (len <= x->lim.max_scalar_bytes)
		return true;
	snprintf(msg, sizeof(msg), "a value of %zu bytes exceeds the limit of %zu "
		 "bytes (raise it with --limit scalar-size=N)", len,
		 x->lim.max_scalar_bytes);
	mc_xml_error_id(x, n, "limit", msg);
	return false;
}

/* The first element child of parent named name, or NULL. */
xmlNode *
mc_xml_child(const xmlNode *parent, const char *name)
{
	for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

/*
 * The text of element n, trimmed, in a malloc'd string (*out; NULL when the
 * element is absent). Only text and CDATA children count: an entity
 * reference is an error, never expanded. Returns -1 on error.
 */
int
mc_xml_text(mc_xml *x, const xmlNode *n, char **out)
{
	size_t len = 0, start = 0;
	char *s = NULL;

	*out = NULL;
	if (!n)
		return 0;
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (c->type == XML_ENTITY_REF_NODE) {
			char msg[160];

			snprintf(msg, sizeof(msg), "<%.64s> holds an entity "
				 "reference; entities are not expanded",
				 (const char *)n->name);
			mc_xml_error(x, n, msg);
			free(s);
			return -1;
		}
		if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE)
			continue;
		size_t add = c->content ? strlen((const char *)c->content) : 0;
		char *grown = realloc(s, len + add + 1);

		if (!grown) {
			free(s);
			x->nomem = 1;
			return -1;
		}
		s = grown;
		memcpy(s + len, c->content, add);
		len += add;
		s[len] = '\0';
	}
	if (!s)
		return 0;
	while (start < len && strchr(" \t\r\n", s[start]))
		start++;
	while (len > start && strchr(" \t\r\n", s[len - 1]))
		len--;
	memmove(s, s + start, len - start);
	s[len - start] = '\0';
	if (!*s) {
		free(s);
		return 0;
	}
	if (!mc_xml_value_fits(x, n, len - start)) {
		free(s);
		return -1;
	}
	*out = s;
	return 0;
}

/* Reads attribute attr of n as a non-negative decimal integer into *v.
 * Returns 1 when read, 0 when absent, -1 (reported) when malformed. */
int
mc_xml_int_attr(mc_xml *x, const xmlNode *n, const char *attr, int64_t *v)
{
	xmlChar *s = xmlGetNoNsProp(n, (const xmlChar *)attr);
	char *end = NULL;
	long long num;
	int rc = 1;

	if (!s)
		return 0;
	errno = 0;
	num = strtoll((const char *)s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end || errno || num < 0) {
		char msg[200];

		snprintf(msg, sizeof(msg), "<%.64s %s='%.40s'>: not a whole number",
			 (const char *)n->name, attr, (const char *)s);
		mc_xml_error(x, n, msg);
		rc = -1;
	} else {
		*v = num;
	}
	xmlFree(s);
	return rc;
}

/* Reports that the text s of element n is not a whole number (why). */
static void
not_whole(mc_xml *x, const xmlNode *n, const char *s, const char *why)
{
	char msg[240];

	snprintf(msg, sizeof(msg), "<%.64s>%.40s</%.64s>: %s",
		 (const char *)n->name, s, (const char *)n->name, why);
	mc_xml_error(x, n, msg);
}

int
mc_xml_int_text(mc_xml *x, const xmlNode *n, int64_t *v)
{
	char *s = NULL, *end = NULL;
	long long num;
	int rc;

	if ((rc = mc_xml_text(x, n, &s)) < 0 || !s)
		return rc < 0 ? -1 : 0;
	errno = 0;
	num = strtoll(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end || num < 0) {
		not_whole(x, n, s, "not a whole number");
		rc = -1;
	} else if (errno) {
		not_whole(x, n, s, "a number past 64 bits");
		rc = -1;
	} else {
		*v = num;
		rc = 1;
	}
	free(s);
	return rc;
}

/* The bytes in one of unit, as virScaleInteger reads it (see xml.h); 0
 * when the unit is not one. */
static int64_t
unit_scale(const char *u)
{
	static const char prefixes[] = "kmgtpe";
	const char *p;
	int64_t base, scale = 1;

	if (strcasecmp(u, "b") == 0 || strcasecmp(u, "byte") == 0 ||
	    strcasecmp(u, "bytes") == 0)
		return 1;
	if (!u[0] || !(p = strchr(prefixes, tolower((unsigned char)u[0]))))
		return 0;
	if (!u[1] || strcasecmp(u + 1, "iB") == 0)
		base = 1024;
	else if ((u[1] == 'b' || u[1] == 'B') && !u[2])
		base = 1000;
	else
		return 0;
	/* e: 1024^6 = 2^60 and 1000^6 = 10^18, both within 63 bits */
	for (const char *q = prefixes; q <= p; q++)
		scale *= base;
	return scale;
}

int
mc_xml_bytes(mc_xml *x, const xmlNode *n, int64_t *bytes)
{
	xmlChar *unit = NULL;
	int64_t v = 0, scale = 1024;
	int rc;

	if ((rc = mc_xml_int_text(x, n, &v)) <= 0)
		return rc;
	if (mc_xml_attr(x, n, "unit", &unit) < 0)
		return -1;
	if (unit && !(scale = unit_scale((const char *)unit))) {
		char msg[200];

		snprintf(msg, sizeof(msg), "<%.64s unit='%.40s'>: not a unit "
			 "libvirt knows (b, KiB, KB, MiB, MB, GiB, GB, TiB, TB, "
			 "...)", (const char *)n->name, (const char *)unit);
		mc_xml_error(x, n, msg);
		xmlFree(unit);
		return -1;
	}
	xmlFree(unit);
	if (v > INT64_MAX / scale) {
		mc_xml_error(x, n, "a quantity of memory past 64 bits of bytes");
		return -1;
	}
	*bytes = v * scale;
	return 1;
}

/*
 * libxml2 builds a tree of the whole document, of a hundred bytes and more
 * per element, attribute, text or reference: 16 MiB of "<x/>" took 550 MiB.
 * Each of those begins at a '<', an '&' or an '=' (or follows one, as the
 * text after a tag does), so that counting these bytes first bounds the
 * tree: more than the items limit of them is refused at the first one past
 * it. Real capabilities hold a few thousand.
 */
static bool
markup_fits(mc_xml *x)
{
	const char *d = x->file.data, *line = d;
	size_t n = 0;
	unsigned lineno = 1;

	for (size_t i = 0; i < x->file.len; i++) {
		if (d[i] == '\n') {
			lineno++;
			line = d + i + 1;
		} else if ((d[i] == '<' || d[i] == '&' || d[i] == '=') &&
			   ++n > x->lim.max_items) {
			const char *p = line;
			unsigned col = 1;

			for (; p < d + i; p++)
				col += ((unsigned char)*p & 0xC0) != 0x80;
			x->errors++;
			if (mc_file_diag(x->diag, MC_SEVERITY_ERROR, &x->file, lineno,
					 col, "more than %zu elements, attributes and "
					 "references (limit; raise it with --limit "
					 "items=N)", x->lim.max_items) == 0)
				mc_diag_set_code(x->diag, "limit");
			return false;
		}
	}
	return true;
}

/* Reports libxml2's error (its line, and its column where it gives one). */
static void
parse_error(mc_xml *x, const xmlError *e)
{
	unsigned line = e && e->line > 0 ? (unsigned)e->line : 1;
	unsigned col = e && e->int2 > 0 ? (unsigned)e->int2 : 1;
	const char *msg = e && e->message ? e->message : "not well-formed XML";
	size_t len = strlen(msg);

	while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		len--;
	x->errors++;
	if (mc_file_diag(x->diag, MC_SEVERITY_ERROR, &x->file, line, col,
			 "%.*s", (int)len, msg) < 0)
		x->nomem = 1;
}


bool
mc_xml_is(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE &&
	       strcmp((const char *)n->name, name) == 0;
}

int
mc_xml_attr(mc_xml *x, const xmlNode *n, const char *attr, xmlChar **out)
{
	*out = xmlGetNoNsProp(n, (const xmlChar *)attr);
	if (*out && !mc_xml_value_fits(x, n, strlen((const char *)*out))) {
		xmlFree(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

xmlNode *
mc_xml_open(mc_xml *x, const char *name, const char *data, size_t len,
	    const mc_limits *limits, mc_diag *diag, const char *what,
	    int *status)
{
	xmlNode *root;

	*x = (mc_xml){{name, data, len, NULL}, diag, 0, 0, {0}, NULL, NULL};
	*status = MC_EINPUT;
	if (len > MC_XML_MAX_BYTES) {
		if (mc_file_diag(diag, MC_SEVERITY_ERROR, &x->file, 1, 1,
				 "the file is %zu bytes; %s of more than %zu "
				 "bytes is not read", len, what,
				 MC_XML_MAX_BYTES) == 0)
			mc_diag_set_code(diag, "limit");
		x->errors++;
		*status = MC_ELIMIT;
		return NULL;
	}
	mc_import_limits(&x->lim, limits);
	if (mc_import_refuse_nul(&x->file, diag) < 0) {
		x->errors++;
		return NULL;
	}
	if (!markup_fits(x))
		return NULL;
	x->ctxt = xmlNewParserCtxt();
	if (!x->ctxt) {
		x->nomem = 1;
		*status = MC_ENOMEM;
		return NULL;
	}
	x->ctxt->sax->startElementNs = start_element;
	/* No XML_PARSE_NOENT, DTDLOAD or HUGE: entities stay references, no
	 * external subset is fetched, libxml2's own size limits hold. */
	x->doc = xmlCtxtReadMemory(x->ctxt, data, (int)len, name, NULL,
				   XML_PARSE_NONET | XML_PARSE_NOERROR |
				   XML_PARSE_NOWARNING);
	if (!x->doc || !x->ctxt->wellFormed) {
		parse_error(x, xmlCtxtGetLastError(x->ctxt));
		return NULL;
	}
	root = xmlDocGetRootElement(x->doc);
	if (!root)
		parse_error(x, NULL);
	if (x->nomem)
		*status = MC_ENOMEM;
	return root;
}

void
mc_xml_close(mc_xml *x)
{
	xmlFreeDoc(x->doc);
	xmlFreeParserCtxt(x->ctxt);
	mc_file_release(&x->file);
	x->doc = NULL;
	x->ctxt = NULL;
}

int
mc_xml_status(const mc_xml *x)
{
	return x->nomem ? MC_ENOMEM : x->errors ? MC_EINPUT : MC_OK;
}
