/* SPDX-License-Identifier: MIT */
/*
 * import.c - what the importers share: the list of records, the table of
 * formats, the JSON importers' skeleton and the helpers of importer.h.
 * Each format is a file of its own: what Windows (import_win32.c), Linux
 * (import_lscpu.c, import_cpuinfo.c, import_libvirt.c) and spreadsheets
 * (import_csv.c) say about a machine's processors, turned into host
 * records (import.h).
 *
 * Every importer builds its records aside and appends them to the caller's
 * list only when the whole input was read without an error, so that a bad
 * input adds nothing. JSON inputs are parsed by the JSON loader
 * (load/json.h: jansson), which gives every value its FILE:LINE:COL; the
 * text formats are read line by line and report FILE:LINE:1 (CSV: the
 * column where the cell starts).
 */
#include "sources/importer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/grow.h"

/* ------------------------------------------------------------------------
 * Lists and the table of formats
 */

int
mc_hostlist_add(mc_hostlist *l, mc_hostrec *h)
{
	mc_hostrec **p = mc_grow(l->hosts, &l->cap, l->count + 1, sizeof(*p));

	if (!p) {
		mc_hostrec_free(h);
		return -1;
	}
	l->hosts = p;
	l->hosts[l->count++] = h;
	return 0;
}

int
mc_hostlist_add_vm(mc_hostlist *l, mc_vmrec *vm)
{
	mc_vmrec **p = mc_grow(l->vms, &l->vcap, l->nvms + 1, sizeof(*p));

	if (!p) {
		mc_vmrec_free(vm);
		return -1;
	}
	l->vms = p;
	l->vms[l->nvms++] = vm;
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
	for (size_t i = 0; i < l->nvms; i++)
		mc_vmrec_free(l->vms[i]);
	free(l->vms);
	*l = (mc_hostlist){0};
}

/* Makes room in *v (cap *cap) for n more records of size size. */
static int
room(void *pv, size_t *cap, size_t need, size_t size)
{
	void **v = pv;

	if (need > *cap) {
		void *p = realloc(*v, need * size);

		if (!p)
			return -1;
		*v = p;
		*cap = need;
	}
	return 0;
}

/* Moves every record of from to the end of to, all or none: room is made
 * first. from is left empty either way (its records freed on failure). */
int
mc_hostlist_move(mc_hostlist *to, mc_hostlist *from)
{
	if (room(&to->hosts, &to->cap, to->count + from->count,
		 sizeof(*to->hosts)) < 0 ||
	    room(&to->vms, &to->vcap, to->nvms + from->nvms,
		 sizeof(*to->vms)) < 0) {
		mc_hostlist_free(from);
		return -1;
	}
	for (size_t i = 0; i < from->count; i++)
		to->hosts[to->count++] = from->hosts[i];
	for (size_t i = 0; i < from->nvms; i++)
		to->vms[to->nvms++] = from->vms[i];
	from->count = from->nvms = 0;
	mc_hostlist_free(from);
	return 0;
}

const char *
mc_import_win32_arch(int64_t code)
{
	switch (code) {
	case 0: return "x86";
	case 5: return "arm";
	case 9: return "x64";
	case 12: return "arm64";
	default: return NULL;
	}
}

bool
mc_import_known_state(const char *s, size_t len)
{
	static const char *const states[] = {"running", "paused", "saved",
					     "stopped"};

	for (size_t i = 0; i < sizeof(states) / sizeof(*states); i++)
		if (strlen(states[i]) == len && strncmp(states[i], s, len) == 0)
			return true;
	return false;
}

static const struct {
	const char *name;
	mc_importer import;
} formats[] = {
	{"win32", mc_import_win32},
	{"lscpu", mc_import_lscpu},
	{"cpuinfo", mc_import_cpuinfo},
	{"libvirt", mc_import_libvirt},
	{"libvirt-domain", mc_import_libvirt_domain},
	{"csv", mc_import_csv},
	{"hyperv", mc_import_hyperv},
	{"scvmm", mc_import_scvmm},
	{"vsphere", mc_import_vsphere},
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
	return "win32, lscpu, cpuinfo, libvirt, libvirt-domain, csv, hyperv, "
	       "scvmm, vsphere";
}


/* ------------------------------------------------------------------------
 * The JSON importers' skeleton
 */

int
mc_import_json(mc_hostlist *out, const char *name, const char *data,
	       size_t len, const mc_limits *limits, mc_diag *diag,
	       const char *expected, mc_json_host host)
{
	mc_doc *doc = NULL;
	mc_hostrec *h = NULL;
	mc_limits lim;
	int rc;

	mc_import_limits(&lim, limits);
	rc = mc_json_load_buffer(&doc, name, data, len, limits, diag);
	if (rc != MC_OK)
		return rc;
	if (!doc->root) {
		mc_file_diag(diag, MC_SEVERITY_ERROR, &doc->file, 1, 1,
			     "the file is empty; expected %s", expected);
		rc = MC_EINPUT;
	} else if (!(h = mc_hostrec_new())) {
		rc = MC_ENOMEM;
	} else if ((rc = host(h, doc, name, &lim, diag)) == MC_OK) {
		rc = mc_hostlist_add(out, h) < 0 ? MC_ENOMEM : MC_OK;
		h = NULL;  /* the list's, or freed when it could not take it */
	}
	mc_hostrec_free(h);
	mc_doc_free(doc);
	return rc;
}

/* ------------------------------------------------------------------------
 * Helpers shared by the importers
 */

bool
mc_import_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

/* Narrows [*s, *s + *len) to its text without surrounding white space. */
void
mc_import_trim(const char **s, size_t *len)
{
	while (*len && mc_import_is_space(**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && mc_import_is_space((*s)[*len - 1]))
		(*len)--;
}

/* Sets *field to the trimmed text, or leaves it NULL when that is empty. */
int
mc_import_set_trimmed(char **field, const char *s, size_t len)
{
	mc_import_trim(&s, &len);
	if (!len)
		return 0;
	return mc_hostrec_set(field, s, len);
}

/* A decimal integer, white space around it allowed; -1 when it is not one
 * (or does not fit in 32 bits: no family, model or count is that large). */
int
mc_import_parse_int(const char *s, size_t len, int64_t *out)
{
	int64_t v = 0;
	bool neg = false;

	mc_import_trim(&s, &len);
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

/*
 * The inventory's word for what a platform calls an architecture (uname -m,
 * lscpu's Architecture, libvirt's <arch>, Debian's and Windows' names), or
 * NULL to keep its own word. One vocabulary for every importer
 * (docs/import.md): every 32-bit Arm is arm, every 64-bit one arm64;
 * endianness is kept only where the platform's own word keeps it
 * (ppc64 / ppc64le), as uname -m does.
 */
static const char *
arch_name(const char *s, size_t len)
{
	static const struct {
		const char *from, *to;
	} names[] = {
		{"x86_64", "x64"}, {"amd64", "x64"}, {"x64", "x64"},
		{"x86-64", "x64"}, {"em64t", "x64"},
		{"i386", "x86"}, {"i486", "x86"}, {"i586", "x86"}, {"i686", "x86"},
		{"i86pc", "x86"}, {"x86", "x86"},
		{"aarch64", "arm64"}, {"aarch64_be", "arm64"}, {"arm64", "arm64"},
		{"arm64e", "arm64"},
		{"ppc", "ppc"}, {"powerpc", "ppc"},
		{"ppc64", "ppc64"}, {"powerpc64", "ppc64"},
		{"ppc64le", "ppc64le"}, {"powerpc64le", "ppc64le"},
		{"ppc64el", "ppc64le"},
		{"s390", "s390"}, {"s390x", "s390x"},
		{"riscv32", "riscv32"}, {"riscv64", "riscv64"},
		{"loongarch64", "loongarch64"}, {"loong64", "loongarch64"},
		{"mips", "mips"}, {"mipsel", "mips"},
		{"mips64", "mips64"}, {"mips64el", "mips64"},
		{"sparc", "sparc"}, {"sparc64", "sparc64"},
		{"alpha", "alpha"}, {"ia64", "ia64"},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		if (strlen(names[i].from) == len &&
		    strncasecmp(names[i].from, s, len) == 0)
			return names[i].to;
	}
	/* 32-bit Arm by any of its names: arm, armel, armhf, armeb, armv5tel,
	 * armv6l, armv7l, armv7hl, armv8l (an AArch32 kernel on an ARMv8
	 * core)... */
	if (len >= 3 && strncasecmp(s, "arm", 3) == 0)
		return "arm";
	return NULL;
}

const char *
mc_import_arch_word(const char *s)
{
	const char *to = arch_name(s, strlen(s));

	return to ? to : s;
}

int
mc_import_set_arch(mc_hostrec *h, const char *s, size_t len)
{
	const char *to;

	mc_import_trim(&s, &len);
	to = arch_name(s, len);
	if (to)
		return mc_hostrec_set(&h->architecture, to, strlen(to));
	return mc_import_set_trimmed(&h->architecture, s, len);
}

/* Reports that the value at line and col of f goes past a limit (`past`,
 * MC_IMPORT_TOO_LONG or MC_IMPORT_TOO_MANY; len is the value's length, `what` what the list
 * holds). */
void
mc_import_limit_error(mc_diag *diag, const mc_file *f, unsigned line, unsigned col,
	    int past, size_t len, const char *what, const mc_limits *lim)
{
	int rc;

	if (past == MC_IMPORT_TOO_LONG)
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

/* As mc_import_set_trimmed, or MC_IMPORT_TOO_LONG (nothing set) for a value the loader would
 * refuse. */
int
mc_import_set_value(char **field, const char *s, size_t len, const mc_limits *lim)
{
	mc_import_trim(&s, &len);
	if (len > lim->max_scalar_bytes)
		return MC_IMPORT_TOO_LONG;
	return mc_import_set_trimmed(field, s, len);
}

/* The next flag of a list separated by white space (and by semicolons
 * when semis) from *i: false at the end, else its start and length. */
static bool
next_flag(const char *s, size_t len, bool semis, size_t *i, size_t *start,
	  size_t *flen)
{
	while (*i < len && (mc_import_is_space(s[*i]) || (semis && s[*i] == ';')))
		(*i)++;
	*start = *i;
	while (*i < len && !mc_import_is_space(s[*i]) && !(semis && s[*i] == ';'))
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
 * when semis). Returns 0, -1 when memory runs out, or MC_IMPORT_TOO_LONG or
 * MC_IMPORT_TOO_MANY (and adds none) with *at and *atlen the offset in s and the
 * length of the flag past a limit.
 */
int
mc_import_add_features(mc_hostrec *h, const char *s, size_t len, bool semis,
	     const mc_limits *lim, size_t *at, size_t *atlen)
{
	size_t i = 0, start, flen, n = h->nfeatures;

	while (next_flag(s, len, semis, &i, &start, &flen)) {
		*at = start;
		*atlen = flen;
		if (flen > lim->max_scalar_bytes)
			return MC_IMPORT_TOO_LONG;
		if (n++ >= lim->max_items)
			return MC_IMPORT_TOO_MANY;
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
unsigned
mc_import_column_of(const char *start, const char *p)
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
	mc_file_diag(diag, MC_SEVERITY_ERROR, f, n, mc_import_column_of(line, nul),
		     "NUL bytes are not allowed (byte 0x00)");
	return -1;
}

/* vmx (Intel VT-x) or svm (AMD-V) among the flags: the processor can run
 * virtual machines. */
void
mc_import_virt_from_features(mc_hostrec *h)
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
const char *
mc_import_file_stem(const char *name, size_t *len)
{
	const char *base = strrchr(name, '/');
	const char *dot;

	base = base ? base + 1 : name;
	dot = strrchr(base, '.');
	*len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	return base;
}

int
mc_import_name_from_file(mc_hostrec *h, const char *name)
{
	size_t len;
	const char *base = mc_import_file_stem(name, &len);

	if (!len)
		return mc_hostrec_set(&h->name, "unnamed", 7);
	return mc_hostrec_set(&h->name, base, len);
}

int
mc_import_set_source(mc_hostrec *h, const char *format, const char *name)
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
