/*
 * import_libvirt.c - host records from `virsh capabilities` XML.
 *
 * Reads /capabilities/host/cpu: arch, vendor, model, signature, topology
 * and the <feature name=.../> elements. The features of the named model
 * (libvirt's cpu_map) are not expanded: the record holds only the features
 * the XML lists. The host's name is the file's name without its directory
 * and extension: the capabilities carry none.
 *
 * The XML is parsed without network access, without loading a DTD and
 * without substituting entities; libxml2 refuses entity loops and
 * amplification, and a value that holds an entity reference is an error
 * (it is never expanded). Inputs past MC_LIBVIRT_MAX_BYTES are refused
 * before parsing.
 */
#include "sources/import.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "util/diag.h"
#include "load/node.h"

/* `virsh capabilities` of a large host is some tens of kilobytes. */
#define MC_LIBVIRT_MAX_BYTES ((size_t)16 << 20)

typedef struct lv_reader {
	mc_file file;
	mc_diag *diag;
	int errors;
	int nomem;
	mc_limits lim;   /* what the inventory written is read under */
} lv_reader;

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

static unsigned
node_line(const xmlNode *n)
{
	long line = n->type == XML_ELEMENT_NODE && n->psvi
		    ? (long)(intptr_t)n->psvi : xmlGetLineNo(n);

	return line > 0 && line <= (long)UINT_MAX ? (unsigned)line : 1;
}

/* Reports msg at element n, with the id code (NULL: none). */
static void
node_error_id(lv_reader *r, const xmlNode *n, const char *code,
	      const char *msg)
{
	unsigned line = node_line(n);

	r->errors++;
	if (mc_file_diag(r->diag, MC_SEVERITY_ERROR, &r->file, line,
			 element_col(&r->file, line, (const char *)n->name),
			 "%s", msg) < 0)
		r->nomem = 1;
	else if (code)
		mc_diag_set_code(r->diag, code);
}

static void
node_error(lv_reader *r, const xmlNode *n, const char *msg)
{
	node_error_id(r, n, NULL, msg);
}

/* False, after reporting at n, for a value of len bytes that the loader
 * would refuse in the inventory written. */
static bool
value_fits(lv_reader *r, const xmlNode *n, size_t len)
{
	char msg[160];

	if (len <= r->lim.max_scalar_bytes)
		return true;
	snprintf(msg, sizeof(msg), "a value of %zu bytes exceeds the limit of %zu "
		 "bytes (raise it with --limit scalar-size=N)", len,
		 r->lim.max_scalar_bytes);
	node_error_id(r, n, "limit", msg);
	return false;
}

/* The first element child of parent named name, or NULL. */
static xmlNode *
child(const xmlNode *parent, const char *name)
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
static int
text_of(lv_reader *r, const xmlNode *n, char **out)
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
			node_error(r, n, msg);
			free(s);
			return -1;
		}
		if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE)
			continue;
		size_t add = c->content ? strlen((const char *)c->content) : 0;
		char *grown = realloc(s, len + add + 1);

		if (!grown) {
			free(s);
			r->nomem = 1;
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
	if (!value_fits(r, n, len - start)) {
		free(s);
		return -1;
	}
	*out = s;
	return 0;
}

/* Reads attribute attr of n as a non-negative decimal integer into *v.
 * Returns 1 when read, 0 when absent, -1 (reported) when malformed. */
static int
int_attr(lv_reader *r, const xmlNode *n, const char *attr, int64_t *v)
{
	xmlChar *s = xmlGetNoNsProp(n, (const xmlChar *)attr);
	char *end = NULL;
	long long x;
	int rc = 1;

	if (!s)
		return 0;
	errno = 0;
	x = strtoll((const char *)s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end || errno || x < 0) {
		char msg[200];

		snprintf(msg, sizeof(msg), "<%.64s %s='%.40s'>: not a whole number",
			 (const char *)n->name, attr, (const char *)s);
		node_error(r, n, msg);
		rc = -1;
	} else {
		*v = x;
	}
	xmlFree(s);
	return rc;
}

/* libvirt's names for architectures and vendors, as migcheck's records
 * write them; a name not listed is kept as libvirt writes it. */
static const char *const ARCHES[][2] = {
	{"x86_64", "x64"}, {"aarch64", "arm64"}, {"i686", "x86"},
	{"i586", "x86"}, {"i486", "x86"}, {"i386", "x86"},
};
static const char *const VENDORS[][2] = {
	{"Intel", "GenuineIntel"}, {"AMD", "AuthenticAMD"},
	{"Hygon", "HygonGenuine"},
};

static const char *
lookup(const char *const (*table)[2], size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i][0], name) == 0)
			return table[i][1];
	return name;
}

/* libvirt's feature names that differ from Linux's beyond '.' and '-'. */
static const char *const FEATURES[][2] = {
	{"pclmuldq", "pclmulqdq"},
	{"tsc-deadline", "tsc_deadline_timer"},
	{"avx512vnni", "avx512_vnni"},
	{"avx512bitalg", "avx512_bitalg"},
	{"avx512-vbmi2", "avx512_vbmi2"},
	{"avx512-vpopcntdq", "avx512_vpopcntdq"},
	{"avx512-bf16", "avx512_bf16"},
	{"avx512-fp16", "avx512_fp16"},
	{"cmt", "cqm_occup_llc"},
	{"mbm_total", "cqm_mbm_total"},
	{"mbm_local", "cqm_mbm_local"},
};

/* Adds feature name as Linux's /proc/cpuinfo writes it: the table above,
 * else '.' and '-' become '_' (sse4.2 -> sse4_2, md-clear -> md_clear).
 * There is room for it (read_cpu reserved it). */
static int
add_feature(mc_hostrec *h, const char *name)
{
	const char *mapped = lookup(FEATURES, sizeof(FEATURES) / sizeof(*FEATURES), name);
	size_t len = strlen(mapped);
	char *copy;
	int rc;

	if (mapped != name)
		return mc_import_add_feature(h, mapped, len);
	copy = malloc(len + 1);
	if (!copy)
		return -1;
	for (size_t i = 0; i <= len; i++)
		copy[i] = (mapped[i] == '.' || mapped[i] == '-') ? '_' : mapped[i];
	rc = mc_import_add_feature(h, copy, len);
	free(copy);
	return rc;
}

/* The CPUID leaf 1 EAX of a display family, model and stepping, when they
 * fit its fields ("0x50657"); 0 written otherwise. */
static void
signature_of(char *buf, size_t size, int64_t family, int64_t model,
	     int64_t stepping)
{
	uint32_t base_fam, ext_fam, base_model, ext_model;

	buf[0] = '\0';
	if (family < 0 || family > 15 + 255 || model < 0 || model > 255 ||
	    stepping < 0 || stepping > 15)
		return;
	base_fam = family >= 15 ? 15 : (uint32_t)family;
	ext_fam = family >= 15 ? (uint32_t)family - 15 : 0;
	if (base_fam != 6 && base_fam != 15 && model > 15)
		return;
	base_model = (uint32_t)model & 0xf;
	ext_model = (uint32_t)model >> 4;
	snprintf(buf, size, "0x%X", ext_fam << 20 | ext_model << 16 |
		 base_fam << 8 | base_model << 4 | (uint32_t)stepping);
}

/* The file name without directory and extension. */
static int
host_name(mc_hostrec *h, const char *name)
{
	const char *base = strrchr(name, '/');
	const char *dot;

	base = base ? base + 1 : name;
	dot = strrchr(base, '.');
	return mc_hostrec_set(&h->name, base,
			      dot && dot != base ? (size_t)(dot - base) : strlen(base));
}

/* Fills h from <cpu>; errors are counted in r. */
static int
read_cpu(lv_reader *r, const xmlNode *cpu, mc_hostrec *h)
{
	char *s = NULL;
	const xmlNode *n;
	int64_t v = 0;
	size_t nfeatures = 0;

	if (text_of(r, child(cpu, "arch"), &s) == 0 && s) {
		const char *a = lookup(ARCHES, sizeof(ARCHES) / sizeof(*ARCHES), s);

		if (mc_hostrec_set(&h->architecture, a, strlen(a)) < 0)
			r->nomem = 1;
	}
	free(s);
	if (text_of(r, child(cpu, "vendor"), &s) == 0 && s) {
		const char *a = lookup(VENDORS, sizeof(VENDORS) / sizeof(*VENDORS), s);

		if (mc_hostrec_set(&h->manufacturer, a, strlen(a)) < 0)
			r->nomem = 1;
	}
	free(s);
	if (text_of(r, child(cpu, "model"), &s) == 0 && s) {
		if (mc_hostrec_set(&h->cpu_name, s, strlen(s)) < 0)
			r->nomem = 1;
	}
	free(s);
	s = NULL;

	if ((n = child(cpu, "signature")) != NULL) {
		if (int_attr(r, n, "family", &h->family) > 0)
			h->has_family = true;
		if (int_attr(r, n, "model", &h->model) > 0)
			h->has_model = true;
		if (int_attr(r, n, "stepping", &h->stepping) > 0)
			h->has_stepping = true;
		if (h->has_family && h->has_model && h->has_stepping) {
			char sig[16];

			signature_of(sig, sizeof(sig), h->family, h->model,
				     h->stepping);
			if (sig[0] && mc_hostrec_set(&h->signature, sig,
						     strlen(sig)) < 0)
				r->nomem = 1;
		}
	}
	if ((n = child(cpu, "topology")) != NULL &&
	    int_attr(r, n, "sockets", &v) > 0)
		h->sockets = v;

	/* Room for them all first (see mc_import_reserve_features). */
	for (const xmlNode *c = cpu->children; c; c = c->next)
		nfeatures += c->type == XML_ELEMENT_NODE &&
			     strcmp((const char *)c->name, "feature") == 0;
	if (mc_import_reserve_features(h, nfeatures) < 0)
		r->nomem = 1;
	for (const xmlNode *c = cpu->children; c && !r->nomem; c = c->next) {
		xmlChar *fname;

		if (c->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)c->name, "feature") != 0)
			continue;
		/* No more than max_items of them: markup_fits counted their
		 * '<'. */
		fname = xmlGetNoNsProp(c, (const xmlChar *)"name");
		if (!fname || !fname[0])
			node_error(r, c, "a <feature> without a name");
		else if (value_fits(r, c, strlen((const char *)fname)) &&
			 add_feature(h, (const char *)fname) < 0)
			r->nomem = 1;
		xmlFree(fname);
	}
	return 0;
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
markup_fits(lv_reader *r)
{
	const char *d = r->file.data, *line = d;
	size_t n = 0;
	unsigned lineno = 1;

	for (size_t i = 0; i < r->file.len; i++) {
		if (d[i] == '\n') {
			lineno++;
			line = d + i + 1;
		} else if ((d[i] == '<' || d[i] == '&' || d[i] == '=') &&
			   ++n > r->lim.max_items) {
			const char *p = line;
			unsigned col = 1;

			for (; p < d + i; p++)
				col += ((unsigned char)*p & 0xC0) != 0x80;
			r->errors++;
			if (mc_file_diag(r->diag, MC_SEVERITY_ERROR, &r->file, lineno,
					 col, "more than %zu elements, attributes and "
					 "references (limit; raise it with --limit "
					 "items=N)", r->lim.max_items) == 0)
				mc_diag_set_code(r->diag, "limit");
			return false;
		}
	}
	return true;
}

/* Reports libxml2's error (its line, and its column where it gives one). */
static void
parse_error(lv_reader *r, const xmlError *e)
{
	unsigned line = e && e->line > 0 ? (unsigned)e->line : 1;
	unsigned col = e && e->int2 > 0 ? (unsigned)e->int2 : 1;
	const char *msg = e && e->message ? e->message : "not well-formed XML";
	size_t len = strlen(msg);

	while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		len--;
	r->errors++;
	if (mc_file_diag(r->diag, MC_SEVERITY_ERROR, &r->file, line, col,
			 "%.*s", (int)len, msg) < 0)
		r->nomem = 1;
}

int
mc_import_libvirt(mc_hostlist *out, const char *name, const char *data,
		  size_t len, const mc_limits *limits,
		  mc_diag *diag)
{
	lv_reader r = {{name, data, len, NULL}, diag, 0, 0, {0}};
	xmlParserCtxt *ctxt = NULL;
	xmlDoc *doc = NULL;
	xmlNode *root, *host, *cpu;
	mc_hostrec *h = NULL;
	int rc = MC_EINPUT;

	if (len > MC_LIBVIRT_MAX_BYTES) {
		if (mc_file_diag(diag, MC_SEVERITY_ERROR, &r.file, 1, 1,
				 "the file is %zu bytes; capabilities XML of more "
				 "than %zu bytes is not read", len,
				 MC_LIBVIRT_MAX_BYTES) == 0)
			mc_diag_set_code(diag, "limit");
		mc_file_release(&r.file);
		return MC_ELIMIT;
	}
	mc_import_limits(&r.lim, limits);
	if (mc_import_refuse_nul(&r.file, diag) < 0 || !markup_fits(&r))
		goto out;
	ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		rc = MC_ENOMEM;
		goto out;
	}
	ctxt->sax->startElementNs = start_element;
	/* No XML_PARSE_NOENT, DTDLOAD or HUGE: entities stay references, no
	 * external subset is fetched, libxml2's own size limits hold. */
	doc = xmlCtxtReadMemory(ctxt, data, (int)len, name, NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR |
				XML_PARSE_NOWARNING);
	if (!doc || !ctxt->wellFormed) {
		parse_error(&r, xmlCtxtGetLastError(ctxt));
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (!root) {
		parse_error(&r, NULL);
		goto out;
	}
	host = strcmp((const char *)root->name, "capabilities") == 0
		       ? child(root, "host") : NULL;
	cpu = child(host, "cpu");
	if (!cpu) {
		node_error(&r, root, strcmp((const char *)root->name,
						  "capabilities") != 0
			   ? "not libvirt capabilities XML: the root element "
			     "is not <capabilities> (virsh capabilities writes it)"
			   : "no <host><cpu> in the capabilities");
		goto out;
	}
	h = mc_hostrec_new();
	if (!h || host_name(h, name) < 0 ||
	    mc_hostrec_set(&h->source, "virsh capabilities", 18) < 0) {
		rc = MC_ENOMEM;
		goto out;
	}
	read_cpu(&r, cpu, h);
	if (r.nomem) {
		rc = MC_ENOMEM;
		goto out;
	}
	if (r.errors)
		goto out;
	rc = mc_hostlist_add(out, h) < 0 ? MC_ENOMEM : MC_OK;
	h = NULL;   /* taken over by the list, even when it fails */
out:
	if (r.nomem)
		rc = MC_ENOMEM;
	mc_hostrec_free(h);
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	mc_file_release(&r.file);
	return rc;
}
