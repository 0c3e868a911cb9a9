/* SPDX-License-Identifier: MIT */
/*
 * xml.h - reading libvirt's XML safely, for the importers of `virsh
 * capabilities` and `virsh dumpxml` (and libvirt's CPU map).
 *
 * The XML is parsed without network access, without loading a DTD and
 * without substituting entities; libxml2 refuses entity loops and
 * amplification, and a value that holds an entity reference is an error
 * (it is never expanded). Inputs past MC_XML_MAX_BYTES, or of more
 * elements, attributes and references than the items limit, are refused
 * before parsing. Every error is reported at the element's FILE:LINE:COL.
 */
#ifndef MC_XML_H
#define MC_XML_H

#include <stdbool.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "load/node.h"

/* libvirt's XML of a large host is some tens of kilobytes. */
#define MC_XML_MAX_BYTES ((size_t)16 << 20)

typedef struct mc_xml {
	mc_file file;
	mc_diag *diag;
	int errors;     /* errors reported */
	int nomem;      /* memory ran out */
	mc_limits lim;  /* what the inventory written is read under */
	xmlParserCtxt *ctxt;
	xmlDoc *doc;
} mc_xml;

/*
 * Parses len bytes at data (named name in diagnostics; `what` names the
 * kind of document in the message of a file too large: "capabilities
 * XML") under limits (NULL: the defaults). Returns the root element, or
 * NULL after reporting (x->errors) or when memory ran out (x->nomem);
 * *status is the MC_ status to return then. mc_xml_close frees it all,
 * either way.
 */
xmlNode *mc_xml_open(mc_xml *x, const char *name, const char *data,
		     size_t len, const mc_limits *limits, mc_diag *diag,
		     const char *what, int *status);

void mc_xml_close(mc_xml *x);

/* The MC_ status of a document read: MC_ENOMEM, MC_EINPUT after errors,
 * else MC_OK. */
int mc_xml_status(const mc_xml *x);

/* The first element child of parent (may be NULL) named name, or NULL. */
xmlNode *mc_xml_child(const xmlNode *parent, const char *name);

/* True when n is an element named name. */
bool mc_xml_is(const xmlNode *n, const char *name);

/* The line of element n, as the input counts it. */
unsigned mc_xml_line(const xmlNode *n);

/* Reports msg at element n, with the diagnostic code `code` (NULL: none). */
void mc_xml_error_id(mc_xml *x, const xmlNode *n, const char *code,
		     const char *msg);
void mc_xml_error(mc_xml *x, const xmlNode *n, const char *msg);

/* Reports msg at element n as a warning (not counted in x->errors). */
void mc_xml_warning(mc_xml *x, const xmlNode *n, const char *msg);

/* False, after reporting at n, for a value of len bytes that the loader
 * would refuse in the inventory written. */
bool mc_xml_value_fits(mc_xml *x, const xmlNode *n, size_t len);

/*
 * The text of element n, trimmed, in a malloc'd string (*out; NULL when
 * the element is absent or empty). Only text and CDATA children count: an
 * entity reference is an error, never expanded. Returns -1 on error.
 */
int mc_xml_text(mc_xml *x, const xmlNode *n, char **out);

/* Attribute attr of n in a string from libxml2 (xmlFree it), NULL when
 * absent; -1 (reported) when longer than the loader takes. */
int mc_xml_attr(mc_xml *x, const xmlNode *n, const char *attr,
		xmlChar **out);

/* Reads attribute attr of n as a non-negative decimal integer into *v.
 * Returns 1 when read, 0 when absent, -1 (reported) when malformed. */
int mc_xml_int_attr(mc_xml *x, const xmlNode *n, const char *attr,
		    int64_t *v);

/* Reads the text of element n (may be NULL) as a non-negative decimal
 * integer into *v. Returns 1 when read, 0 when n is absent or empty, -1
 * (reported) when malformed or past 64 bits. */
int mc_xml_int_text(mc_xml *x, const xmlNode *n, int64_t *v);

/*
 * Reads the text of element n (may be NULL), a quantity of memory, into
 * *bytes: a non-negative decimal integer in the unit of its unit=
 * attribute, as libvirt scales it (virScaleInteger): b, byte, bytes; k, m,
 * g, t, p, e alone or with iB (powers of 1024); KB, MB, GB, TB, PB, EB
 * (powers of 1000); any case. Without unit=, KiB. Returns 1 when read, 0
 * when n is absent or empty, -1 (reported) for a malformed value, an
 * unknown unit, or bytes past 64 bits.
 */
int mc_xml_bytes(mc_xml *x, const xmlNode *n, int64_t *bytes);

#endif
