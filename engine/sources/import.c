/*
 * import.c - the importers: what Windows, Linux and spreadsheets say about a
 * machine's processors, turned into host records (import.h).
 *
 * Every importer builds its records aside and appends them to the caller's
 * list only when the whole input was read without an error, so that a bad
 * input adds nothing. JSON inputs are parsed with the YAML loader (JSON is
 * YAML's flow style), which gives every value its FILE:LINE:COL; the text
 * formats are read line by line and report FILE:LINE:1 (CSV: the column
 * where the cell starts).
 */
#include "sources/import.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/grow.h"
#include "load/node.h"
#include "util/strmap.h"

/* ------------------------------------------------------------------------
 * Lists and the table of formats
 */

int
mc_hostlist_add(mc_hostlist *l, mc_hostrec *h)
{
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		mc_hostrec **p = realloc(l->hosts, cap * sizeof(*p));

		if (!p) {
			mc_hostrec_free(h);
			return -1;
		}
		l->hosts = p;
		l->cap = cap;
	}
	l->hosts[l->count++] = h;
	return 0;
}

void
mc_hostlist_free(mc_hostlist *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->count; i++)
		mc_hostrec_free(l->hosts[i]);
	free(l->hosts);
	l->hosts = NULL;
	l->count = l->cap = 0;
}

/* Moves every record of from to the end of to, all or none: room is made
 * first. from is left empty either way (its records freed on failure). */
static int
hostlist_move(mc_hostlist *to, mc_hostlist *from)
{
	size_t need = to->count + from->count;

	if (need > to->cap) {
		mc_hostrec **p = realloc(to->hosts, need * sizeof(*p));

		if (!p) {
			mc_hostlist_free(from);
			return -1;
		}
		to->hosts = p;
		to->cap = need;
	}
	for (size_t i = 0; i < from->count; i++)
		to->hosts[to->count++] = from->hosts[i];
	from->count = 0;
	mc_hostlist_free(from);
	return 0;
}

static const struct {
	const char *name;
	mc_importer import;
} formats[] = {
	{"win32", mc_import_win32},
	{"lscpu", mc_import_lscpu},
	{"cpuinfo", mc_import_cpuinfo},
	{"libvirt", mc_import_libvirt},
	{"csv", mc_import_csv},
};

#define NFORMATS (sizeof(formats) / sizeof(*formats))

void
mc_import_limits(mc_limits *lim, const mc_limits *given)
{
	if (given)
		*lim = *given;
	else
		mc_limits_default(lim);
}

mc_importer
mc_import_find(const char *format)
{
	for (size_t i = 0; i < NFORMATS; i++) {
		if (strcmp(formats[i].name, format) == 0)
			return formats[i].import;
	}
	return NULL;
}

const char *
mc_import_formats(void)
{
	return "win32, lscpu, cpuinfo, libvirt, csv";
}

/* ------------------------------------------------------------------------
 * Helpers shared by the importers
 */

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

/* Narrows [*s, *s + *len) to its text without surrounding white space. */
static void
trim(const char **s, size_t *len)
{
	while (*len && is_space(**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && is_space((*s)[*len - 1]))
		(*len)--;
}

/* Sets *field to the trimmed text, or leaves it NULL when that is empty. */
static int
set_trimmed(char **field, const char *s, size_t len)
{
	trim(&s, &len);
	if (!len)
		return 0;
	return mc_hostrec_set(field, s, len);
}

/* A decimal integer, white space around it allowed; -1 when it is not one
 * (or does not fit in 32 bits: no family, model or count is that large). */
static int
parse_int(const char *s, size_t len, int64_t *out)
{
	int64_t v = 0;
	bool neg = false;

	trim(&s, &len);
	if (len && (*s == '-' || *s == '+')) {
		neg = *s == '-';
		s++;
		len--;
	}
	if (!len)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
		if (v > INT32_MAX)
			return -1;
	}
	*out = neg ? -v : v;
	return 0;
}

/* The inventory's name for what a platform calls an architecture, or NULL
 * to keep its own word. */
static const char *
arch_name(const char *s, size_t len)
{
	static const struct {
		const char *from, *to;
	} names[] = {
		{"x86_64", "x64"}, {"amd64", "x64"}, {"x64", "x64"},
		{"i386", "x86"}, {"i486", "x86"}, {"i586", "x86"}, {"i686", "x86"},
		{"x86", "x86"},
		{"aarch64", "arm64"}, {"arm64", "arm64"},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		if (strlen(names[i].from) == len &&
		    strncasecmp(names[i].from, s, len) == 0)
			return names[i].to;
	}
	return NULL;
}

static int
set_arch(mc_hostrec *h, const char *s, size_t len)
{
	const char *to;

	trim(&s, &len);
	to = arch_name(s, len);
	if (to)
		return mc_hostrec_set(&h->architecture, to, strlen(to));
	return set_trimmed(&h->architecture, s, len);
}

/*
 * What the importers write is an inventory, which the loader reads under
 * its limits: a value or a list it would refuse is refused where it is
 * read, before it takes memory. Values that go past a limit are reported
 * by limit_error; these say which limit.
 */
enum {
	FITS = 0,
	TOO_LONG = 1,    /* a scalar past max_scalar_bytes */
	TOO_MANY = 2,    /* a list past max_items */
};

/* Reports that the value at line and col of f goes past a limit (`past`,
 * TOO_LONG or TOO_MANY; len is the value's length, `what` what the list
 * holds). */
static void
limit_error(mc_diag *diag, const mc_file *f, unsigned line, unsigned col,
	    int past, size_t len, const char *what, const mc_limits *lim)
{
	int rc;

	if (past == TOO_LONG)
		rc = mc_file_diag(diag, MC_SEVERITY_ERROR, f, line, col, "a value of "
				  "%zu bytes exceeds the limit of %zu bytes (raise "
				  "it with --limit scalar-size=N)", len,
				  lim->max_scalar_bytes);
	else
		rc = mc_file_diag(diag, MC_SEVERITY_ERROR, f, line, col, "more than "
				  "%zu %s in one list (limit; raise it with --limit "
				  "items=N)", lim->max_items, what);
	if (rc == 0)
		mc_diag_set_code(diag, "limit");
}

/* As set_trimmed, or TOO_LONG (nothing set) for a value the loader would
 * refuse. */
static int
set_value(char **field, const char *s, size_t len, const mc_limits *lim)
{
	trim(&s, &len);
	if (len > lim->max_scalar_bytes)
		return TOO_LONG;
	return set_trimmed(field, s, len);
}

/* The next flag of a list separated by white space (and by semicolons
 * when semis) from *i: false at the end, else its start and length. */
static bool
next_flag(const char *s, size_t len, bool semis, size_t *i, size_t *start,
	  size_t *flen)
{
	while (*i < len && (is_space(s[*i]) || (semis && s[*i] == ';')))
		(*i)++;
	*start = *i;
	while (*i < len && !is_space(s[*i]) && !(semis && s[*i] == ';'))
		(*i)++;
	*flen = *i - *start;
	return *flen > 0;
}

int
mc_import_reserve_features(mc_hostrec *h, size_t more)
{
	char **f;

	if (!more)
		return 0;
	if (more > SIZE_MAX / sizeof(*f) - h->nfeatures)
		return -1;
	f = realloc(h->features, (h->nfeatures + more) * sizeof(*f));
	if (!f)
		return -1;
	h->features = f;
	return 0;
}

int
mc_import_add_feature(mc_hostrec *h, const char *s, size_t len)
{
	h->features[h->nfeatures] = NULL;
	if (mc_hostrec_set(&h->features[h->nfeatures], s, len) < 0)
		return -1;
	h->nfeatures++;
	return 0;
}

/*
 * Adds the flags of a list separated by white space (and by semicolons
 * when semis). Returns 0, -1 when memory runs out, or TOO_LONG or
 * TOO_MANY (and adds none) with *at and *atlen the offset in s and the
 * length of the flag past a limit.
 */
static int
add_features(mc_hostrec *h, const char *s, size_t len, bool semis,
	     const mc_limits *lim, size_t *at, size_t *atlen)
{
	size_t i = 0, start, flen, n = h->nfeatures;

	while (next_flag(s, len, semis, &i, &start, &flen)) {
		*at = start;
		*atlen = flen;
		if (flen > lim->max_scalar_bytes)
			return TOO_LONG;
		if (n++ >= lim->max_items)
			return TOO_MANY;
	}
	if (mc_import_reserve_features(h, n - h->nfeatures) < 0)
		return -1;
	for (i = 0; next_flag(s, len, semis, &i, &start, &flen);) {
		if (mc_import_add_feature(h, s + start, flen) < 0)
			return -1;
	}
	return 0;
}

/* The 1-based column of p on a line that starts at start: its characters
 * (UTF-8 lead bytes) before it, plus one. */
static unsigned
column_of(const char *start, const char *p)
{
	unsigned col = 1;

	for (; start < p; start++)
		col += ((unsigned char)*start & 0xC0) != 0x80;
	return col;
}

int
mc_import_refuse_nul(const mc_file *f, mc_diag *diag)
{
	const char *nul = memchr(f->data, '\0', f->len), *line = f->data;
	unsigned n = 1;

	if (!nul)
		return 0;
	for (const char *p = f->data; p < nul; p++) {
		if (*p == '\n') {
			n++;
			line = p + 1;
		}
	}
	mc_file_diag(diag, MC_SEVERITY_ERROR, f, n, column_of(line, nul),
		     "NUL bytes are not allowed (byte 0x00)");
	return -1;
}

/* vmx (Intel VT-x) or svm (AMD-V) among the flags: the processor can run
 * virtual machines. */
static void
virt_from_features(mc_hostrec *h)
{
	for (size_t i = 0; i < h->nfeatures; i++) {
		if (strcmp(h->features[i], "vmx") == 0 ||
		    strcmp(h->features[i], "svm") == 0) {
			h->has_virt = true;
			h->virt_supported = true;
		}
	}
}

/* The host name the per-machine text formats have none of: the input's
 * file name without its directories and its extension. */
static int
name_from_file(mc_hostrec *h, const char *name)
{
	const char *base = strrchr(name, '/');
	const char *dot;
	size_t len;

	base = base ? base + 1 : name;
	dot = strrchr(base, '.');
	len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	if (!len)
		return mc_hostrec_set(&h->name, "unnamed", 7);
	return mc_hostrec_set(&h->name, base, len);
}

static int
set_source(mc_hostrec *h, const char *format, const char *name)
{
	size_t n = strlen(format) + 1 + strlen(name) + 1;
	char *s = malloc(n);

	if (!s)
		return -1;
	snprintf(s, n, "%s %s", format, name);
	free(h->source);
	h->source = s;
	return 0;
}

/* The status an importer returns when something went wrong: memory, or
 * else the input. */
#define FAIL_STATUS(nomem) ((nomem) ? MC_ENOMEM : MC_EINPUT)

/* ------------------------------------------------------------------------
 * win32: Get-CimInstance Win32_Processor | ConvertTo-Json
 */

/* The value under key when it is a string, else NULL (null and absent
 * alike: PowerShell writes null for what WMI does not know). */
static const mc_node *
json_str(const mc_node *obj, const char *key)
{
	const mc_node *n = mc_node_get(obj, key);

	if (!n || n->kind != MC_NODE_SCALAR || n->type == MC_SCALAR_NULL)
		return NULL;
	return n;
}

static bool
same_text(const mc_node *a, const mc_node *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a->u.text, b->u.text) == 0;
}

/* "Intel64 Family 6 Model 85 Stepping 4": the numbers after the words
 * Family, Model and Stepping. Family and Model are required. */
static int
parse_caption(mc_hostrec *h, const char *s)
{
	const char *prev = NULL;
	size_t prevlen = 0;

	while (*s) {
		const char *w;
		size_t n;
		int64_t v;

		while (*s && is_space(*s))
			s++;
		w = s;
		while (*s && !is_space(*s))
			s++;
		n = (size_t)(s - w);
		if (!n)
			break;
		if (prev && parse_int(w, n, &v) == 0) {
			if (prevlen == 6 && strncmp(prev, "Family", 6) == 0) {
				h->family = v;
				h->has_family = true;
			} else if (prevlen == 5 && strncmp(prev, "Model", 5) == 0) {
				h->model = v;
				h->has_model = true;
			} else if (prevlen == 8 && strncmp(prev, "Stepping", 8) == 0) {
				h->stepping = v;
				h->has_stepping = true;
			}
		}
		prev = w;
		prevlen = n;
	}
	return h->has_family && h->has_model ? 0 : -1;
}

static const char *
arch_code(int64_t code)
{
	switch (code) {
	case 0: return "x86";
	case 5: return "arm";
	case 9: return "x64";
	case 12: return "arm64";
	default: return NULL;
	}
}

static int
win32_socket_differs(mc_diag *diag, const mc_node *obj, const mc_node *a,
		     const mc_node *b, const char *key, size_t socket)
{
	return mc_node_error(diag, b ? b : obj,
			     "socket %zu has %s '%s', socket 1 '%s': the sockets of "
			     "one host must agree", socket, key,
			     b ? b->u.text : "(none)", a ? a->u.text : "(none)");
}

int
mc_import_win32(mc_hostlist *out, const char *name, const char *data,
		size_t len, const mc_limits *limits,
		mc_diag *diag)
{
	mc_doc *doc = NULL;
	mc_hostrec *h = NULL;
	const mc_node *root, *first, *sys, *cap, *man, *n;
	const mc_node *const *objs;
	size_t nobjs;
	bool nomem = false;
	int rc, errors = 0;

	rc = mc_doc_load_buffer(&doc, name, data, len, limits, diag);
	if (rc != MC_OK)
		return rc;
	root = doc->root;
	if (!root) {
		mc_file_diag(diag, MC_SEVERITY_ERROR, &doc->file, 1, 1,
			     "the file is empty; expected the JSON of "
			     "'Get-CimInstance Win32_Processor | ConvertTo-Json'");
		goto fail;
	}
	if (root->kind == MC_NODE_MAP) {
		objs = &root;
		nobjs = 1;
	} else if (root->kind == MC_NODE_SEQ && root->len > 0) {
		objs = root->u.items;
		nobjs = root->len;
	} else {
		mc_node_error(diag, root, "expected a Win32_Processor object or an "
			      "array of them (one per socket), not %s",
			      root->kind == MC_NODE_SEQ ? "an empty array"
			      : mc_node_describe(root));
		goto fail;
	}
	for (size_t i = 0; i < nobjs; i++) {
		if (objs[i]->kind != MC_NODE_MAP) {
			mc_node_error(diag, objs[i], "expected a Win32_Processor "
				      "object, not %s", mc_node_describe(objs[i]));
			goto fail;
		}
	}
	first = objs[0];
	sys = json_str(first, "SystemName");
	cap = json_str(first, "Caption");
	man = json_str(first, "Manufacturer");
	if (!sys)
		mc_node_error_counted(diag, &errors, first,
				      "a Win32_Processor object without SystemName");
	if (!cap)
		mc_node_error_counted(diag, &errors, first,
				      "a Win32_Processor object without Caption");
	if (errors)
		goto fail;
	for (size_t i = 1; i < nobjs; i++) {
		const mc_node *o = objs[i];
		const mc_node *s2 = json_str(o, "SystemName");
		const mc_node *c2 = json_str(o, "Caption");
		const mc_node *m2 = json_str(o, "Manufacturer");

		if (s2 && !same_text(sys, s2))
			errors += win32_socket_differs(diag, o, sys, s2,
						       "SystemName", i + 1) == 0;
		if (!same_text(man, m2))
			errors += win32_socket_differs(diag, o, man, m2,
						       "Manufacturer", i + 1) == 0;
		if (!same_text(cap, c2))
			errors += win32_socket_differs(diag, o, cap, c2,
						       "Caption", i + 1) == 0;
	}
	if (errors)
		goto fail;

	h = mc_hostrec_new();
	if (!h || set_trimmed(&h->name, sys->u.text, sys->len) < 0 ||
	    set_source(h, "win32", name) < 0)
		goto nomem;
	if (!h->name) {
		mc_node_error(diag, sys, "SystemName is empty");
		goto fail;
	}
	if (man && set_trimmed(&h->manufacturer, man->u.text, man->len) < 0)
		goto nomem;
	if (parse_caption(h, cap->u.text) < 0)
		mc_node_error_counted(diag, &errors, cap, "Caption '%s' does not "
				      "read as 'ARCH Family N Model N Stepping N'",
				      cap->u.text);
	n = mc_node_get(first, "Architecture");
	if (n && !(n->kind == MC_NODE_SCALAR && n->type == MC_SCALAR_NULL)) {
		const char *arch = n->kind == MC_NODE_SCALAR &&
				   n->type == MC_SCALAR_INT ? arch_code(n->num) : NULL;

		if (n->kind != MC_NODE_SCALAR || n->type != MC_SCALAR_INT)
			mc_node_error_counted(diag, &errors, n, "Architecture should "
					      "be a number, not %s",
					      mc_node_describe(n));
		else if (!arch)
			mc_node_error_counted(diag, &errors, n, "unsupported "
					      "Architecture code %" PRId64 " (known: "
					      "0 x86, 5 arm, 9 x64, 12 arm64)", n->num);
		else if (mc_hostrec_set(&h->architecture, arch, strlen(arch)) < 0)
			goto nomem;
	}
	n = json_str(first, "Name");
	if (n && set_trimmed(&h->cpu_name, n->u.text, n->len) < 0)
		goto nomem;
	n = json_str(first, "ProcessorId");
	if (n) {
		const char *id = n->u.text;
		size_t idlen = n->len;
		bool ok = idlen == 16;

		for (size_t i = 0; ok && i < idlen; i++)
			ok = isxdigit((unsigned char)id[i]) != 0;
		if (!ok) {
			mc_node_error_counted(diag, &errors, n, "ProcessorId '%s' is "
					      "not 16 hexadecimal digits", id);
		} else {
			char sig[16];

			snprintf(sig, sizeof(sig), "0x%lX",
				 strtoul(id + 8, NULL, 16));
			if (mc_hostrec_set(&h->signature, sig, strlen(sig)) < 0)
				goto nomem;
		}
	}
	{
		const char *keys[] = {"VirtualizationFirmwareEnabled",
				      "VMMonitorModeExtensions"};

		for (size_t i = 0; i < 2; i++) {
			n = mc_node_get(first, keys[i]);
			if (!n || n->kind != MC_NODE_SCALAR ||
			    n->type != MC_SCALAR_BOOL)
				continue;
			h->virt_supported = h->has_virt ? h->virt_supported && n->num
							: n->num != 0;
			h->has_virt = true;
		}
	}
	h->sockets = (int64_t)nobjs;
	if (errors)
		goto fail;
	rc = mc_hostlist_add(out, h);	/* frees h when it fails */
	mc_doc_free(doc);
	return rc < 0 ? MC_ENOMEM : MC_OK;
nomem:
	nomem = true;
fail:
	mc_hostrec_free(h);
	mc_doc_free(doc);
	return FAIL_STATUS(nomem);
}

/* ------------------------------------------------------------------------
 * lscpu: lscpu -J, flat or nested ("children")
 */

typedef struct lscpu_fields {
	const mc_node *arch, *vendor, *family, *model, *stepping, *mname,
		      *flags, *sockets, *hv, *virt;
} lscpu_fields;

/* Records the data of the fields read, the first of each name winning,
 * through every level of children. */
static int
lscpu_walk(const mc_node *seq, lscpu_fields *f, mc_diag *diag)
{
	static const struct {
		const char *field;
		size_t off;
	} wanted[] = {
		{"Architecture", offsetof(lscpu_fields, arch)},
		{"Vendor ID", offsetof(lscpu_fields, vendor)},
		{"CPU family", offsetof(lscpu_fields, family)},
		{"Model", offsetof(lscpu_fields, model)},
		{"Stepping", offsetof(lscpu_fields, stepping)},
		{"Model name", offsetof(lscpu_fields, mname)},
		{"Flags", offsetof(lscpu_fields, flags)},
		{"Socket(s)", offsetof(lscpu_fields, sockets)},
		{"Hypervisor vendor", offsetof(lscpu_fields, hv)},
		{"Virtualization", offsetof(lscpu_fields, virt)},
	};

	for (size_t i = 0; i < seq->len; i++) {
		const mc_node *e = seq->u.items[i], *field, *d, *kids;
		const char *key;
		size_t klen;

		field = e->kind == MC_NODE_MAP ? mc_node_get(e, "field") : NULL;
		if (!field || !mc_node_is_str(field)) {
			mc_node_error(diag, e, "expected an lscpu entry "
				      "{\"field\": ..., \"data\": ...}, not %s",
				      e->kind == MC_NODE_MAP ? "an object without "
				      "a field" : mc_node_describe(e));
			return -1;
		}
		key = field->u.text;
		klen = field->len;
		trim(&key, &klen);
		if (klen && key[klen - 1] == ':')
			klen--;
		d = mc_node_get(e, "data");
		if (d && d->kind == MC_NODE_SCALAR && d->type != MC_SCALAR_NULL) {
			for (size_t w = 0; w < sizeof(wanted) / sizeof(*wanted); w++) {
				const mc_node **slot = (const mc_node **)(void *)
					((char *)f + wanted[w].off);

				if (strlen(wanted[w].field) == klen &&
				    strncmp(wanted[w].field, key, klen) == 0 && !*slot)
					*slot = d;
			}
		} else if (d && d->kind != MC_NODE_SCALAR) {
			mc_node_error(diag, d, "the data of '%s' should be a string, "
				      "not %s", field->u.text, mc_node_describe(d));
			return -1;
		}
		kids = mc_node_get(e, "children");
		if (kids) {
			if (kids->kind != MC_NODE_SEQ) {
				mc_node_error(diag, kids, "children should be an array, "
					      "not %s", mc_node_describe(kids));
				return -1;
			}
			if (lscpu_walk(kids, f, diag) < 0)
				return -1;
		}
	}
	return 0;
}

/* Sets an integer field from an lscpu value; an error at the value when it
 * is not an integer. */
static int
lscpu_int(const mc_node *d, const char *what, bool *has, int64_t *v,
	  mc_diag *diag, int *errors)
{
	if (!d)
		return 0;
	if (parse_int(d->u.text, d->len, v) < 0)
		return mc_node_error_counted(diag, errors, d, "%s '%s' is not an "
					     "integer", what, d->u.text);
	*has = true;
	return 0;
}

int
mc_import_lscpu(mc_hostlist *out, const char *name, const char *data,
		size_t len, const mc_limits *limits,
		mc_diag *diag)
{
	mc_doc *doc = NULL;
	mc_hostrec *h = NULL;
	lscpu_fields f;
	const mc_node *root, *list;
	mc_limits lim;
	bool nomem = false;
	int rc, errors = 0;

	memset(&f, 0, sizeof(f));
	mc_import_limits(&lim, limits);
	rc = mc_doc_load_buffer(&doc, name, data, len, limits, diag);
	if (rc != MC_OK)
		return rc;
	root = doc->root;
	if (!root) {
		mc_file_diag(diag, MC_SEVERITY_ERROR, &doc->file, 1, 1,
			     "the file is empty; expected the output of 'lscpu -J'");
		goto fail;
	}
	list = mc_node_get(root, "lscpu");
	if (!list || list->kind != MC_NODE_SEQ) {
		mc_node_error(diag, list ? list : root, "expected the output of "
			      "'lscpu -J': an object whose \"lscpu\" is an array");
		goto fail;
	}
	if (lscpu_walk(list, &f, diag) < 0)
		goto fail;

	h = mc_hostrec_new();
	if (!h || name_from_file(h, name) < 0 || set_source(h, "lscpu", name) < 0)
		goto nomem;
	if (f.arch && set_arch(h, f.arch->u.text, f.arch->len) < 0)
		goto nomem;
	if (f.vendor && set_trimmed(&h->manufacturer, f.vendor->u.text,
				    f.vendor->len) < 0)
		goto nomem;
	if (f.mname && set_trimmed(&h->cpu_name, f.mname->u.text,
				   f.mname->len) < 0)
		goto nomem;
	lscpu_int(f.family, "CPU family", &h->has_family, &h->family, diag,
		  &errors);
	/* On ARM, lscpu has no family, and its "Model" and "Stepping" are the
	 * revision and variant of the core (Stepping: r3p1), not an x86
	 * display model: they are read only next to a family. */
	if (f.family) {
		lscpu_int(f.model, "Model", &h->has_model, &h->model, diag,
			  &errors);
		lscpu_int(f.stepping, "Stepping", &h->has_stepping, &h->stepping,
			  diag, &errors);
	}
	if (f.sockets) {
		int64_t s;

		/* Some machines print "-" when the kernel does not know. */
		if (parse_int(f.sockets->u.text, f.sockets->len, &s) == 0 && s > 0)
			h->sockets = s;
	}
	if (f.flags) {
		size_t at, atlen;

		rc = add_features(h, f.flags->u.text, f.flags->len, false, &lim,
				  &at, &atlen);
		if (rc < 0)
			goto nomem;
		if (rc != FITS) {
			/* the position of the JSON string: the flags are in it */
			limit_error(diag, &doc->file, f.flags->line, f.flags->col, rc,
				    atlen, "flags", &lim);
			errors++;
		}
	}
	virt_from_features(h);
	if (f.virt) {
		h->has_virt = true;
		h->virt_supported = true;
	}
	if (f.hv && set_trimmed(&h->running_under, f.hv->u.text, f.hv->len) < 0)
		goto nomem;
	if (errors)
		goto fail;
	rc = mc_hostlist_add(out, h);	/* frees h when it fails */
	mc_doc_free(doc);
	return rc < 0 ? MC_ENOMEM : MC_OK;
nomem:
	nomem = true;
fail:
	mc_hostrec_free(h);
	mc_doc_free(doc);
	return FAIL_STATUS(nomem);
}

/* ------------------------------------------------------------------------
 * cpuinfo: /proc/cpuinfo
 */

/* ARM's "CPU implementer" codes (the MIDR register), as Linux's lscpu
 * names them. */
static const char *
arm_implementer(int64_t code)
{
	switch (code) {
	case 0x41: return "ARM";
	case 0x42: return "Broadcom";
	case 0x43: return "Cavium";
	case 0x46: return "Fujitsu";
	case 0x48: return "HiSilicon";
	case 0x4e: return "NVIDIA";
	case 0x50: return "APM";
	case 0x51: return "Qualcomm";
	case 0x61: return "Apple";
	case 0xc0: return "Ampere";
	default: return NULL;
	}
}

static bool
key_is(const char *k, size_t klen, const char *want)
{
	return strlen(want) == klen && strncmp(k, want, klen) == 0;
}

int
mc_import_cpuinfo(mc_hostlist *out, const char *name, const char *data,
		  size_t len, const mc_limits *limits,
		mc_diag *diag)
{
	mc_file file = {name, data, len, NULL};
	mc_limits lim;
	mc_hostrec *h = NULL;
	char **ids = NULL;          /* the distinct physical ids */
	size_t nids = 0, capids = 0;
	mc_strmap idmap;            /* id -> its index in ids */
	size_t processors = 0;      /* processor blocks begun */
	bool in_block = false, nomem = false, arm = false;
	int errors = 0;
	unsigned line = 0;
	const char *p = data, *end = data + len;

	mc_strmap_init(&idmap);
	mc_import_limits(&lim, limits);
	if (mc_import_refuse_nul(&file, diag) < 0)
		goto fail;
	h = mc_hostrec_new();
	if (!h || name_from_file(h, name) < 0 || set_source(h, "cpuinfo", name) < 0)
		goto nomem;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *s = p, *start = p, *colon, *k, *v;
		size_t n, klen, vlen, at = 0, atlen = 0;
		int64_t num;
		int past = FITS;

		if (!eol)
			eol = end;
		n = (size_t)(eol - p);
		p = eol < end ? eol + 1 : end;
		line++;
		trim(&s, &n);
		if (!n) {
			in_block = false;
			continue;
		}
		colon = memchr(s, ':', n);
		if (!colon) {
			mc_file_diag(diag, MC_SEVERITY_ERROR, &file, line, 1,
				     "expected 'key : value' (a line of /proc/cpuinfo)");
			errors++;
			continue;
		}
		k = s;
		klen = (size_t)(colon - s);
		v = colon + 1;
		vlen = n - klen - 1;
		trim(&k, &klen);
		trim(&v, &vlen);
		atlen = vlen;  /* a value past a limit: all of it, or one flag */
		if (key_is(k, klen, "processor")) {
			processors++;
			in_block = true;
			continue;
		}
		if (key_is(k, klen, "physical id")) {
			size_t idx;
			char **more;
			int r;

			/* Every processor repeats its socket's id: count them
			 * through a hash, not a search. */
			if (mc_strmap_get(&idmap, v, vlen, &idx))
				continue;
			if (!(more = mc_grow(ids, &capids, nids + 1, sizeof(*ids))))
				goto nomem;
			ids = more;
			ids[nids] = NULL;
			if (mc_hostrec_set(&ids[nids], v, vlen) < 0)
				goto nomem;
			r = mc_strmap_put(&idmap, ids[nids], vlen, nids, NULL);
			nids++;
			if (r < 0)
				goto nomem;
			continue;
		}
		/* ARM kernels end with machine-wide lines (Hardware, Revision,
		 * Serial) after the last block; only the first block's fields
		 * describe the processor. */
		if (!in_block || processors != 1)
			continue;
		if (key_is(k, klen, "vendor_id")) {
			if ((past = set_value(&h->manufacturer, v, vlen, &lim)) < 0)
				goto nomem;
		} else if (key_is(k, klen, "model name")) {
			if ((past = set_value(&h->cpu_name, v, vlen, &lim)) < 0)
				goto nomem;
		} else if (key_is(k, klen, "cpu family") || key_is(k, klen, "model") ||
			   key_is(k, klen, "stepping")) {
			if (parse_int(v, vlen, &num) < 0) {
				/* Some hypervisors show "stepping : unknown". */
				if (key_is(k, klen, "stepping") &&
				    key_is(v, vlen, "unknown"))
					continue;
				mc_file_diag(diag, MC_SEVERITY_ERROR, &file, line, 1,
					     "%.*s '%.*s' is not an integer", (int)klen,
					     k, (int)vlen, v);
				errors++;
			} else if (k[0] == 'c') {
				h->family = num;
				h->has_family = true;
			} else if (k[0] == 'm') {
				h->model = num;
				h->has_model = true;
			} else {
				h->stepping = num;
				h->has_stepping = true;
			}
		} else if (key_is(k, klen, "flags") || key_is(k, klen, "Features")) {
			if ((past = add_features(h, v, vlen, false, &lim, &at,
						 &atlen)) < 0)
				goto nomem;
		} else if (key_is(k, klen, "CPU implementer")) {
			char *endp = NULL;
			char buf[32];
			const char *who;

			arm = true;
			snprintf(buf, sizeof(buf), "%.*s", (int)vlen, v);
			num = (int64_t)strtol(buf, &endp, 0);
			who = endp && *endp == '\0' && endp != buf ? arm_implementer(num)
								   : NULL;
			if (who ? mc_hostrec_set(&h->manufacturer, who, strlen(who)) < 0
				: (past = set_value(&h->manufacturer, v, vlen, &lim)) < 0)
				goto nomem;
		} else if (key_is(k, klen, "CPU architecture")) {
			arm = true;
			if (parse_int(v, vlen, &num) == 0 && num >= 8) {
				if (mc_hostrec_set(&h->architecture, "arm64", 5) < 0)
					goto nomem;
			} else if (mc_hostrec_set(&h->architecture, "arm", 3) < 0) {
				goto nomem;
			}
		}
		if (past != FITS) {
			limit_error(diag, &file, line, column_of(start, v + at), past,
				    atlen, "flags", &lim);
			errors++;
		}
	}
	if (!errors && !processors) {
		mc_file_diag(diag, MC_SEVERITY_ERROR, &file, 1, 1,
			     "no 'processor' line: not the text of /proc/cpuinfo");
		errors++;
	}
	if (errors)
		goto fail;
	if (!arm && !h->architecture) {
		bool lm = false;

		/* x86: the long-mode flag says the processor runs 64-bit code. */
		for (size_t i = 0; i < h->nfeatures && !lm; i++)
			lm = strcmp(h->features[i], "lm") == 0;
		if (h->manufacturer &&
		    mc_hostrec_set(&h->architecture, lm ? "x64" : "x86", 3) < 0)
			goto nomem;
	}
	virt_from_features(h);
	h->sockets = (int64_t)nids;
	for (size_t i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	mc_strmap_free(&idmap);
	mc_file_release(&file);
	return mc_hostlist_add(out, h) < 0 ? MC_ENOMEM : MC_OK;
nomem:
	nomem = true;
fail:
	for (size_t i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	mc_strmap_free(&idmap);
	mc_file_release(&file);
	mc_hostrec_free(h);
	return FAIL_STATUS(nomem);
}

/* ------------------------------------------------------------------------
 * csv: a table of hosts, RFC 4180
 */

typedef struct csv_cell {
	char *text;
	unsigned line, col;
	bool quoted;
} csv_cell;

typedef struct csv_row {
	csv_cell *cells;
	size_t n, cap;
	unsigned line;
} csv_row;

typedef struct csv_reader {
	mc_file file;
	const char *p, *end;
	unsigned line, col;
	mc_diag *diag;
	int errors;
	mc_strmap names;  /* host name -> index of its record in the file's list */
	mc_limits lim;
	size_t nodes;     /* in the inventory the records so far make */
} csv_reader;

static void
csv_row_clear(csv_row *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->cells[i].text);
	r->n = 0;
}

static void
csv_advance(csv_reader *r)
{
	if (*r->p == '\n') {
		r->line++;
		r->col = 1;
	} else if (((unsigned char)*r->p & 0xC0) != 0x80) {
		r->col++;
	}
	r->p++;
}

/* Reads one record into row. Returns 1 for a record, 0 at the end of the
 * input, -1 when memory runs out; a malformed cell is an error counted in
 * r->errors, and the rest of its record is skipped. */
static int
csv_read_row(csv_reader *r, csv_row *row)
{
	mc_buf cell = MC_BUF_INIT;

	csv_row_clear(row);
	if (r->p >= r->end)
		return 0;
	row->line = r->line;
	for (;;) {
		csv_cell c = {NULL, r->line, r->col, false};
		bool bad = false;

		mc_buf_reset(&cell);
		if (r->p < r->end && *r->p == '"') {
			c.quoted = true;
			csv_advance(r);
			for (;;) {
				if (r->p >= r->end) {
					mc_file_diag(r->diag, MC_SEVERITY_ERROR, &r->file,
						     c.line, c.col, "a quoted cell is not "
						     "closed");
					r->errors++;
					bad = true;
					break;
				}
				if (*r->p == '"') {
					csv_advance(r);
					if (r->p < r->end && *r->p == '"') {
						mc_buf_addc(&cell, '"');
						csv_advance(r);
						continue;
					}
					break;
				}
				if (*r->p != '\r')
					mc_buf_addc(&cell, *r->p);
				csv_advance(r);
			}
			if (!bad && r->p < r->end && *r->p != ',' && *r->p != '\n' &&
			    !(*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n') &&
			    !(*r->p == '\r' && r->p + 1 == r->end)) {
				mc_file_diag(r->diag, MC_SEVERITY_ERROR, &r->file, r->line,
					     r->col, "text after the closing quote of a "
					     "cell (write \"\" for a quote inside one)");
				r->errors++;
				bad = true;
			}
		} else {
			while (r->p < r->end && *r->p != ',' && *r->p != '\n') {
				if (*r->p == '"' && !bad) {
					mc_file_diag(r->diag, MC_SEVERITY_ERROR, &r->file,
						     r->line, r->col, "a quote inside a "
						     "cell that does not begin with one");
					r->errors++;
					bad = true;
				}
				if (*r->p != '\r')
					mc_buf_addc(&cell, *r->p);
				csv_advance(r);
			}
		}
		if (!bad && (cell.len > r->lim.max_scalar_bytes ||
			     row->n >= r->lim.max_items)) {
			limit_error(r->diag, &r->file, c.line, c.col,
				    row->n >= r->lim.max_items ? TOO_MANY : TOO_LONG,
				    cell.len, "cells", &r->lim);
			r->errors++;
			bad = true;
		}
		if (bad) {
			/* Skip to the end of the line. */
			while (r->p < r->end && *r->p != '\n')
				csv_advance(r);
		}
		if (row->n == row->cap) {
			csv_cell *more = mc_grow(row->cells, &row->cap, row->n + 1,
						 sizeof(*more));

			if (!more)
				goto nomem;
			row->cells = more;
		}
		c.text = strdup(mc_buf_str(&cell));
		if (!c.text || mc_buf_failed(&cell)) {
			free(c.text);
			goto nomem;
		}
		row->cells[row->n++] = c;
		if (r->p < r->end && *r->p == '\r')
			csv_advance(r);
		if (r->p >= r->end)
			break;
		if (*r->p == '\n') {
			csv_advance(r);
			break;
		}
		csv_advance(r);  /* the comma */
	}
	mc_buf_free(&cell);
	return 1;
nomem:
	mc_buf_free(&cell);
	return -1;
}

enum csv_col {
	COL_NAME, COL_CLUSTER, COL_MANUFACTURER, COL_ARCH, COL_FAMILY, COL_MODEL,
	COL_STEPPING, COL_SIGNATURE, COL_CPUNAME, COL_SOCKETS, COL_FEATURES,
	COL_HVPRODUCT, COL_HVVERSION
};

static const char *const csv_columns[] = {
	"name", "cluster", "cpu.manufacturer", "cpu.architecture", "cpu.family",
	"cpu.model", "cpu.stepping", "cpu.signature", "cpu.name", "cpu.sockets",
	"cpu.features", "hypervisor.product", "hypervisor.version",
};

#define NCSVCOLS (sizeof(csv_columns) / sizeof(*csv_columns))

static int
csv_host(csv_reader *r, const csv_row *row, const int *map, mc_hostlist *l)
{
	mc_hostrec *h = mc_hostrec_new();
	const csv_cell *namecell = NULL;

	if (!h)
		return -1;
	for (size_t i = 0; i < row->n; i++) {
		const csv_cell *c = &row->cells[i];
		const char *t = c->text;
		size_t n = strlen(t);
		int64_t v;
		int rc = 0;

		switch (map[i]) {
		case COL_NAME:
			namecell = c;
			rc = set_trimmed(&h->name, t, n);
			break;
		case COL_CLUSTER:
			rc = set_trimmed(&h->cluster, t, n);
			break;
		case COL_MANUFACTURER:
			rc = set_trimmed(&h->manufacturer, t, n);
			break;
		case COL_ARCH:
			rc = set_arch(h, t, n);
			break;
		case COL_SIGNATURE:
			rc = set_trimmed(&h->signature, t, n);
			break;
		case COL_CPUNAME:
			rc = set_trimmed(&h->cpu_name, t, n);
			break;
		case COL_FEATURES: {
			size_t at, atlen;

			rc = add_features(h, t, n, true, &r->lim, &at, &atlen);
			if (rc > 0) {
				/* the cell: a quoted one's text is not the file's */
				limit_error(r->diag, &r->file, c->line, c->col, rc,
					    atlen, "features", &r->lim);
				r->errors++;
				rc = 0;
			}
			break;
		}
		case COL_HVPRODUCT:
			rc = set_trimmed(&h->hypervisor_product, t, n);
			break;
		case COL_HVVERSION:
			rc = set_trimmed(&h->hypervisor_version, t, n);
			break;
		case COL_FAMILY:
		case COL_MODEL:
		case COL_STEPPING:
		case COL_SOCKETS: {
			const char *s = t;
			size_t sl = n;

			trim(&s, &sl);
			if (!sl)
				break;
			if (parse_int(s, sl, &v) < 0 || v < 0) {
				mc_file_diag(r->diag, MC_SEVERITY_ERROR, &r->file,
					     c->line, c->col, "%s '%s' is not an "
					     "integer", csv_columns[map[i]], t);
				r->errors++;
			} else if (map[i] == COL_FAMILY) {
				h->family = v;
				h->has_family = true;
			} else if (map[i] == COL_MODEL) {
				h->model = v;
				h->has_model = true;
			} else if (map[i] == COL_STEPPING) {
				h->stepping = v;
				h->has_stepping = true;
			} else {
				h->sockets = v;
			}
			break;
		}
		default:
			break;
		}
		if (rc < 0) {
			mc_hostrec_free(h);
			return -1;
		}
	}
	if (!h->name) {
		unsigned col = namecell ? namecell->col : 1;

		mc_file_diag(r->diag, MC_SEVERITY_ERROR, &r->file, row->line,
			     col, "a host without a name");
		r->errors++;
	}
	virt_from_features(h);
	if (h->name) {
		size_t first;
		int put = mc_strmap_put(&r->names, h->name, strlen(h->name),
					l->count, &first);

		if (put < 0) {
			mc_hostrec_free(h);
			return -1;
		}
		if (put == 0) {
			mc_file_diag(r->diag, MC_SEVERITY_ERROR, &r->file, row->line,
				     namecell->col, "host '%s' is named twice (see %s)",
				     h->name, l->hosts[first]->source);
			r->errors++;
		}
	}
	return mc_hostlist_add(l, h);
}

/*
 * The YAML nodes a record takes in the inventory mc_hostrec_yaml writes
 * (hostrec.c), as the loader counts them: the host's mapping; a key and a
 * value for each field, a cluster always (--cluster may add one); a key
 * and a mapping for cpu and for each other group of fields present; and
 * the features' list and items.
 */
static size_t
record_nodes(const mc_hostrec *h)
{
	const char *const strs[] = {h->manufacturer, h->architecture,
				    h->signature, h->cpu_name,
				    h->hypervisor_product, h->hypervisor_version,
				    h->running_under};
	size_t n = 1 + 2 + 2 + 2;   /* mapping, name, cluster, cpu */

	for (size_t i = 0; i < sizeof(strs) / sizeof(*strs); i++)
		n += strs[i] ? 2 : 0;
	n += 2 * ((size_t)h->has_family + h->has_model + h->has_stepping +
		  (h->sockets > 0) + h->has_virt);
	if (h->nfeatures)
		n += 2 + h->nfeatures;
	if (h->hypervisor_product || h->hypervisor_version)
		n += 2;
	if (h->has_virt || h->running_under)
		n += 2;
	return n;
}

int
mc_import_csv(mc_hostlist *out, const char *name, const char *data,
	      size_t len, const mc_limits *limits,
		mc_diag *diag)
{
	csv_reader r = {{name, data, len, NULL}, data, data + len, 1, 1, diag, 0,
			{NULL, 0, 0, 0}, {0}, 3 /* mapping, hosts, list */};
	csv_row header = {NULL, 0, 0, 0}, row = {NULL, 0, 0, 0};
	mc_hostlist local = {NULL, 0, 0};
	size_t named[NCSVCOLS] = {0}, seen[NCSVCOLS] = {0};
	int *map = NULL;
	bool nomem = false, has_name = false;
	int rc;

	mc_import_limits(&r.lim, limits);
	if (mc_import_refuse_nul(&r.file, diag) < 0)
		goto fail;
	/* Spreadsheets save UTF-8 with a byte order mark. */
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		r.p += 3;
	rc = csv_read_row(&r, &header);
	if (rc < 0)
		goto nomem;
	if (rc == 0) {
		mc_file_diag(diag, MC_SEVERITY_ERROR, &r.file, 1, 1, "the file is "
			     "empty; expected a header row naming the columns");
		goto fail;
	}
	if (r.errors)
		goto fail;
	map = calloc(header.n, sizeof(*map));
	if (!map)
		goto nomem;
	for (size_t i = 0; i < header.n; i++) {
		const csv_cell *c = &header.cells[i];
		const char *t = c->text;
		size_t n = strlen(t);

		trim(&t, &n);
		map[i] = -1;
		for (size_t k = 0; k < NCSVCOLS; k++) {
			if (strlen(csv_columns[k]) == n &&
			    strncmp(csv_columns[k], t, n) == 0)
				map[i] = (int)k;
		}
		if (map[i] < 0) {
			mc_file_diag(diag, MC_SEVERITY_ERROR, &r.file, c->line, c->col,
				     "unknown column '%s' (columns: name, cluster, "
				     "cpu.manufacturer, cpu.architecture, cpu.family, "
				     "cpu.model, cpu.stepping, cpu.signature, cpu.name, "
				     "cpu.sockets, cpu.features, hypervisor.product, "
				     "hypervisor.version)", c->text);
			r.errors++;
			continue;
		}
		named[map[i]]++;
		if (map[i] == COL_NAME)
			has_name = true;
	}
	/* A column named more than once is one error, at its second name. */
	for (size_t i = 0; i < header.n; i++) {
		const csv_cell *c = &header.cells[i];
		int k = map[i];

		if (k < 0 || named[k] < 2)
			continue;
		if (seen[k]++ != 1)
			continue;
		if (named[k] == 2)
			mc_file_diag(diag, MC_SEVERITY_ERROR, &r.file, c->line, c->col,
				     "column '%s' is named twice", csv_columns[k]);
		else
			mc_file_diag(diag, MC_SEVERITY_ERROR, &r.file, c->line, c->col,
				     "column '%s' is named %zu times", csv_columns[k],
				     named[k]);
		r.errors++;
	}
	if (!r.errors && !has_name) {
		mc_file_diag(diag, MC_SEVERITY_ERROR, &r.file, header.line, 1,
			     "the header has no 'name' column");
		r.errors++;
	}
	if (r.errors)
		goto fail;
	for (;;) {
		int before = r.errors;

		rc = csv_read_row(&r, &row);
		if (rc < 0)
			goto nomem;
		if (rc == 0)
			break;
		if (r.errors != before)
			continue;
		/* A blank line (the last line's break, too) holds no host. */
		if (row.n == 1 && !row.cells[0].quoted && !row.cells[0].text[0])
			continue;
		if (row.n != header.n) {
			const csv_cell *c = row.n > header.n ? &row.cells[header.n]
							     : &row.cells[0];

			mc_file_diag(diag, MC_SEVERITY_ERROR, &r.file, c->line, c->col,
				     "a row of %zu cells; the header has %zu", row.n,
				     header.n);
			r.errors++;
			continue;
		}
		if (local.count >= r.lim.max_items) {
			limit_error(diag, &r.file, row.line, 1, TOO_MANY, 0, "hosts",
				    &r.lim);
			goto fail;
		}
		if (csv_host(&r, &row, map, &local) < 0)
			goto nomem;
		r.nodes += record_nodes(local.hosts[local.count - 1]);
		if (r.nodes > r.lim.max_nodes) {
			if (mc_file_diag(diag, MC_SEVERITY_ERROR, &r.file, row.line, 1,
					 "the hosts up to this row make an inventory of "
					 "more than %zu YAML nodes (limit; raise it with "
					 "--limit nodes=N)", r.lim.max_nodes) == 0)
				mc_diag_set_code(diag, "limit");
			goto fail;
		}
		if (set_source(local.hosts[local.count - 1], "csv", name) < 0)
			goto nomem;
		{
			/* "csv FILE:LINE", so that a duplicate can point at it. */
			mc_hostrec *h = local.hosts[local.count - 1];
			size_t n = strlen(h->source) + 16;
			char *s = malloc(n);

			if (!s)
				goto nomem;
			snprintf(s, n, "%s:%u", h->source, row.line);
			free(h->source);
			h->source = s;
		}
	}
	if (r.errors)
		goto fail;
	if (!local.count) {
		mc_file_diag(diag, MC_SEVERITY_ERROR, &r.file, header.line, 1,
			     "a header and no host");
		goto fail;
	}
	if (hostlist_move(out, &local) < 0)
		goto nomem;
	csv_row_clear(&header);
	csv_row_clear(&row);
	free(header.cells);
	free(row.cells);
	free(map);
	mc_strmap_free(&r.names);
	mc_file_release(&r.file);
	return MC_OK;
nomem:
	nomem = true;
fail:
	csv_row_clear(&header);
	csv_row_clear(&row);
	free(header.cells);
	free(row.cells);
	free(map);
	mc_hostlist_free(&local);
	mc_strmap_free(&r.names);
	mc_file_release(&r.file);
	return FAIL_STATUS(nomem);
}
