/* SPDX-License-Identifier: MIT */
/*
 * import_csv.c - the csv importer: a table of hosts or of VMs (RFC 4180), a
 * record a row, its header naming each column's inventory path, with errors
 * at the column where the cell starts.
 */
#include "sources/importer.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/grow.h"
#include "util/strmap.h"


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
	mc_strmap names;  /* record name -> index of its record in the file's list */
	mc_limits lim;
	char delim;       /* between cells: ',' unless told otherwise */
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
			if (!bad && r->p < r->end && *r->p != r->delim && *r->p != '\n' &&
			    !(*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n') &&
			    !(*r->p == '\r' && r->p + 1 == r->end)) {
				mc_file_diag(r->diag, MC_SEVERITY_ERROR, &r->file, r->line,
					     r->col, "text after the closing quote of a "
					     "cell (write \"\" for a quote inside one)");
				r->errors++;
				bad = true;
			}
		} else {
			while (r->p < r->end && *r->p != r->delim && *r->p != '\n') {
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
			mc_import_limit_error(r->diag, &r->file, c.line, c.col,
				    row->n >= r->lim.max_items ? MC_IMPORT_TOO_MANY : MC_IMPORT_TOO_LONG,
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
		csv_advance(r);  /* the delimiter */
	}
	mc_buf_free(&cell);
	return 1;
nomem:
	mc_buf_free(&cell);
	return -1;
}

/* ------------------------------------------------------------------------
 * Columns: inventory paths
 */

/* What a column's cells hold. */
typedef enum col_kind {
	K_STR, K_INT, K_BOOL, K_SET,
	K_ANY,     /* a path platforms.md does not name: typed by its text */
} col_kind;

/* Where a column's value goes: a member of the record, or its extra
 * fields (T_EXTRA). */
typedef enum col_target {
	T_EXTRA, T_NAME, T_CLUSTER, T_MANUFACTURER, T_ARCH, T_FAMILY, T_MODEL,
	T_STEPPING, T_SIGNATURE, T_CPUNAME, T_MODELNAME, T_SOCKETS,
	T_FEATURES, T_MIGRATABLE, T_HVPRODUCT, T_HVVERSION, T_VM_HOST,
	T_VM_STATE,
} col_target;

typedef struct col_path {
	const char *path;
	col_kind kind;
	col_target target;
} col_path;

/* The paths of ../shared/spec/platforms.md and their types. Under cpu.,
 * only these: a host's or a VM's processor is what policies compare, and
 * a misspelt key there must not pass unnoticed. */
static const col_path host_paths[] = {
	{"name", K_STR, T_NAME},
	{"cluster", K_STR, T_CLUSTER},
	{"cpu.manufacturer", K_STR, T_MANUFACTURER},
	{"cpu.architecture", K_STR, T_ARCH},
	{"cpu.family", K_INT, T_FAMILY},
	{"cpu.model", K_INT, T_MODEL},
	{"cpu.stepping", K_INT, T_STEPPING},
	{"cpu.signature", K_STR, T_SIGNATURE},
	{"cpu.name", K_STR, T_CPUNAME},
	{"cpu.model_name", K_STR, T_MODELNAME},
	{"cpu.sockets", K_INT, T_SOCKETS},
	{"cpu.features", K_SET, T_FEATURES},
	{"cpu.migratable_features", K_SET, T_MIGRATABLE},
	{"hypervisor.product", K_STR, T_HVPRODUCT},
	{"hypervisor.version", K_STR, T_HVVERSION},
	{"hypervisor.max_evc_mode", K_STR, T_EXTRA},
	{"hypervisor.cpu_models", K_SET, T_EXTRA},
	{"status.connection", K_STR, T_EXTRA},
	{"status.agent", K_STR, T_EXTRA},
	{"status.agent_version", K_STR, T_EXTRA},
	{"status.virtualization_service", K_STR, T_EXTRA},
	{"status.virtualization_service_version", K_STR, T_EXTRA},
	{"status.available_for_placement", K_BOOL, T_EXTRA},
	{"status.maintenance", K_BOOL, T_EXTRA},
	{"resources.cpus", K_INT, T_EXTRA},
	{"resources.memory_mb", K_INT, T_EXTRA},
	{"resources.disk_iops", K_INT, T_EXTRA},
	{"resources.network_mbps", K_INT, T_EXTRA},
	{"usage.cpu_percent", K_INT, T_EXTRA},
	{"usage.memory_mb", K_INT, T_EXTRA},
	{"usage.disk_iops", K_INT, T_EXTRA},
	{"usage.network_mbps", K_INT, T_EXTRA},
	{"virtualization.supported", K_BOOL, T_EXTRA},
	{"virtualization.running_under", K_STR, T_EXTRA},
};

/* A VM table's, without their "vm." */
static const col_path vm_paths[] = {
	{"name", K_STR, T_NAME},
	{"host", K_STR, T_VM_HOST},
	{"state", K_STR, T_VM_STATE},
	{"checkpoints", K_INT, T_EXTRA},
	{"resources.vcpus", K_INT, T_EXTRA},
	{"resources.memory_mb", K_INT, T_EXTRA},
	{"load.cpu_percent", K_INT, T_EXTRA},
	{"load.disk_iops", K_INT, T_EXTRA},
	{"load.network_mbps", K_INT, T_EXTRA},
	{"processor_compatibility", K_BOOL, T_EXTRA},
	{"processor_compatibility_mode", K_STR, T_EXTRA},
	{"configuration_version", K_STR, T_EXTRA},
	{"evc_mode", K_STR, T_EXTRA},
	{"evc_scope", K_STR, T_EXTRA},
	{"hardware_version", K_INT, T_EXTRA},
	{"cpu.mode", K_STR, T_EXTRA},
	{"cpu.match", K_STR, T_EXTRA},
	{"cpu.check", K_STR, T_EXTRA},
	{"cpu.model", K_STR, T_EXTRA},
	{"cpu.vendor", K_STR, T_EXTRA},
	{"cpu.architecture", K_STR, T_EXTRA},
	{"cpu.features", K_SET, T_EXTRA},
	{"cpu.force", K_SET, T_EXTRA},
	{"cpu.optional", K_SET, T_EXTRA},
	{"cpu.disable", K_SET, T_EXTRA},
	{"cpu.forbid", K_SET, T_EXTRA},
};

#define NPATHS(t) (sizeof(t) / sizeof(*(t)))

/* A column as its header names it. */
typedef struct csv_col {
	char *path;        /* the inventory path ("vm." and "[]" removed) */
	const char *label; /* the header's cell, for messages */
	col_kind kind;
	col_target target;
} csv_col;

/* True for a path of keys of letters, digits, '_' and '-', joined by
 * single dots. */
static bool
valid_path(const char *p, size_t n)
{
	bool key = false;

	for (size_t i = 0; i < n; i++) {
		char c = p[i];

		if (c == '.') {
			if (!key)
				return false;
			key = false;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || c == '_' || c == '-') {
			key = true;
		} else {
			return false;
		}
	}
	return key;
}

/*
 * Reads header cell c into *col for a table of VMs (vms) or hosts. 0, or
 * 1 after reporting a bad name; -1 when memory runs out.
 */
static int
header_col(csv_reader *r, const csv_cell *c, bool vms, csv_col *col)
{
	const col_path *known = vms ? vm_paths : host_paths;
	size_t nknown = vms ? NPATHS(vm_paths) : NPATHS(host_paths);
	const char *t = c->text;
	size_t n = strlen(t);
	bool set = false;

	mc_import_trim(&t, &n);
	if (vms) {
		if (n < 3 || strncmp(t, "vm.", 3) != 0) {
			mc_file_diag(r->diag, MC_SEVERITY_ERROR, &r->file, c->line,
				     c->col, "column '%s' in a table of VMs (its "
				     "columns start with 'vm.'): hosts and VMs go "
				     "in separate files", c->text);
			return 1;
		}
		t += 3;
		n -= 3;
	}
	if (n > 2 && strncmp(t + n - 2, "[]", 2) == 0) {
		set = true;
		n -= 2;
	}
	if (!valid_path(t, n)) {
		mc_file_diag(r->diag, MC_SEVERITY_ERROR, &r->file, c->line, c->col,
			     "column '%s' is not an inventory path (keys of "
			     "letters, digits, '_' and '-' joined by dots, such "
			     "as status.connection)", c->text);
		return 1;
	}
	if (!(col->path = malloc(n + 1)))
		return -1;
	memcpy(col->path, t, n);
	col->path[n] = '\0';
	col->kind = set ? K_SET : K_ANY;
	col->target = T_EXTRA;
	for (size_t k = 0; k < nknown; k++) {
		if (strcmp(known[k].path, col->path) != 0)
			continue;
		if (set && known[k].kind != K_SET) {
			mc_file_diag(r->diag, MC_SEVERITY_ERROR, &r->file, c->line,
				     c->col, "column '%s': '%s' is not a list",
				     c->text, col->path);
			return 1;
		}
		col->kind = known[k].kind;
		col->target = known[k].target;
		return 0;
	}
	if (strncmp(col->path, "cpu.", 4) == 0 || strcmp(col->path, "cpu") == 0) {
		mc_file_diag(r->diag, MC_SEVERITY_ERROR, &r->file, c->line, c->col,
			     "unknown column '%s': not a processor key of the "
			     "inventory (docs/import/csv.md lists them)", c->text);
		return 1;
	}
	return 0;
}

/* The words of a set cell, separated by white space or semicolons. */
static int
add_words(mc_strlist *l, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t start;

		while (i < n && (mc_import_is_space(s[i]) || s[i] == ';'))
			i++;
		start = i;
		while (i < n && !mc_import_is_space(s[i]) && s[i] != ';')
			i++;
		if (i > start && !mc_strlist_has_n(l, s + start, i - start) &&
		    mc_strlist_add(l, s + start, i - start) < 0)
			return -1;
	}
	return 0;
}

/* true or false, in any case; -1 for another word. */
static int
parse_bool(const char *s, size_t n)
{
	if (n == 4 && strncasecmp(s, "true", 4) == 0)
		return 1;
	if (n == 5 && strncasecmp(s, "false", 5) == 0)
		return 0;
	return -1;
}

/* A cell's error: "'PATH' WHAT, not 'TEXT'". */
static void
cell_error(csv_reader *r, const csv_cell *c, const csv_col *col,
	   const char *what)
{
	mc_file_diag(r->diag, MC_SEVERITY_ERROR, &r->file, c->line, c->col,
		     "'%s' %s, not '%s'", col->label, what, c->text);
	r->errors++;
}

/* Sets an integer member and its "known" flag. */
static void
set_int(int64_t *member, bool *has, int64_t v)
{
	*member = v;
	if (has)
		*has = true;
}

/*
 * Puts cell c of column col into host h or VM vm (one of them). An empty
 * cell says nothing. -1 when memory runs out; a bad value is an error
 * counted in r->errors.
 */
static int
put_cell(csv_reader *r, const csv_cell *c, const csv_col *col, mc_hostrec *h,
	 mc_vmrec *vm)
{
	mc_fields *extra = h ? &h->extra : &vm->extra;
	const char *t = c->text;
	size_t n = strlen(t);
	col_kind kind = col->kind;
	int64_t v = 0;
	int b = -1;

	mc_import_trim(&t, &n);
	if (!n)
		return 0;
	if (kind == K_ANY) {
		/* typed as YAML would type the plain scalar */
		if (mc_import_parse_int(t, n, &v) == 0)
			kind = K_INT;
		else
			kind = parse_bool(t, n) >= 0 ? K_BOOL : K_STR;
	} else if (kind == K_INT && (mc_import_parse_int(t, n, &v) < 0 || v < 0)) {
		cell_error(r, c, col, "must be a whole number (0 or more)");
		return 0;
	} else if (kind == K_BOOL && parse_bool(t, n) < 0) {
		cell_error(r, c, col, "must be true or false");
		return 0;
	}
	if (kind == K_INT)
		mc_import_parse_int(t, n, &v);
	if (kind == K_BOOL)
		b = parse_bool(t, n);
	switch (col->target) {
	case T_NAME:
		return mc_hostrec_set(h ? &h->name : &vm->name, t, n);
	case T_CLUSTER:
		return mc_hostrec_set(&h->cluster, t, n);
	case T_MANUFACTURER:
		return mc_hostrec_set(&h->manufacturer, t, n);
	case T_ARCH:
		return mc_import_set_arch(h, t, n);
	case T_SIGNATURE:
		return mc_hostrec_set(&h->signature, t, n);
	case T_CPUNAME:
		return mc_hostrec_set(&h->cpu_name, t, n);
	case T_MODELNAME:
		return mc_hostrec_set(&h->model_name, t, n);
	case T_HVPRODUCT:
		return mc_hostrec_set(&h->hypervisor_product, t, n);
	case T_HVVERSION:
		return mc_hostrec_set(&h->hypervisor_version, t, n);
	case T_VM_HOST:
		return mc_hostrec_set(&vm->host, t, n);
	case T_VM_STATE:
		if (!mc_import_known_state(t, n)) {
			cell_error(r, c, col, "must be running, saved, paused or "
				   "stopped");
			return 0;
		}
		return mc_hostrec_set(&vm->state, t, n);
	case T_FAMILY:
		set_int(&h->family, &h->has_family, v);
		return 0;
	case T_MODEL:
		set_int(&h->model, &h->has_model, v);
		return 0;
	case T_STEPPING:
		set_int(&h->stepping, &h->has_stepping, v);
		return 0;
	case T_SOCKETS:
		set_int(&h->sockets, NULL, v);
		return 0;
	case T_FEATURES: {
		size_t at, atlen;
		int rc = mc_import_add_features(h, t, n, true, &r->lim, &at, &atlen);

		if (rc > 0) {
			/* the cell: a quoted one's text is not the file's */
			mc_import_limit_error(r->diag, &r->file, c->line, c->col, rc,
					      atlen, "features", &r->lim);
			r->errors++;
			rc = 0;
		}
		return rc;
	}
	case T_MIGRATABLE:
		h->has_migratable = true;
		return add_words(&h->migratable_features, t, n);
	case T_EXTRA:
		break;
	}
	switch (kind) {
	case K_INT:
		return mc_fields_int(extra, col->path, v);
	case K_BOOL:
		return mc_fields_bool(extra, col->path, b == 1);
	case K_SET: {
		mc_strlist *l = mc_fields_set(extra, col->path);

		return l ? add_words(l, t, n) : -1;
	}
	default:
		return mc_fields_str(extra, col->path, t, n);
	}
}

/*
 * Makes the host or VM of a row and appends it to l. A row without a name,
 * a VM without its host or state, and a name an earlier row has are
 * errors. -1 when memory runs out.
 */
static int
csv_record(csv_reader *r, const csv_row *row, const csv_col *cols, bool vms,
	   mc_hostlist *l)
{
	mc_hostrec *h = vms ? NULL : mc_hostrec_new();
	mc_vmrec *vm = vms ? mc_vmrec_new() : NULL;
	const csv_cell *namecell = NULL;
	const char *name;
	size_t first, count = vms ? l->nvms : l->count;
	int put, before = r->errors;

	if (!h && !vm)
		return -1;
	for (size_t i = 0; i < row->n; i++) {
		if (cols[i].target == T_NAME)
			namecell = &row->cells[i];
		if (put_cell(r, &row->cells[i], &cols[i], h, vm) < 0)
			goto nomem;
	}
	name = h ? h->name : vm->name;
	if (!name) {
		mc_file_diag(r->diag, MC_SEVERITY_ERROR, &r->file, row->line,
			     namecell ? namecell->col : 1, "a %s without a name",
			     vms ? "VM" : "host");
		r->errors++;
	} else if (vm && (!vm->host || !vm->state) && r->errors == before) {
		mc_file_diag(r->diag, MC_SEVERITY_ERROR, &r->file, row->line, 1,
			     "VM '%s' needs %s", name, !vm->host ? "its host "
			     "(vm.host)" : "its state (vm.state)");
		r->errors++;
	}
	if (h)
		mc_import_virt_from_features(h);
	if (name) {
		put = mc_strmap_put(&r->names, name, strlen(name), count, &first);
		if (put < 0)
			goto nomem;
		if (put == 0) {
			mc_file_diag(r->diag, MC_SEVERITY_ERROR, &r->file, row->line,
				     namecell->col, "%s '%s' is named twice (see %s)",
				     vms ? "VM" : "host", name, vms
				     ? l->vms[first]->source : l->hosts[first]->source);
			r->errors++;
		}
	}
	if (h) {
		h->line = row->line;
		h->col = 1;
		return mc_hostlist_add(l, h);
	}
	vm->line = row->line;
	vm->col = 1;
	return mc_hostlist_add_vm(l, vm);
nomem:
	mc_hostrec_free(h);
	mc_vmrec_free(vm);
	return -1;
}
/* The YAML nodes a record takes in the inventory hostrec.c and vmrec.c
 * write, as the loader counts them (a host's cluster always: --cluster
 * may add one). */
static size_t
record_nodes(const csv_reader *r, const mc_hostlist *l, bool vms, bool *nomem)
{
	mc_fields f = {0};
	size_t n;
	int rc = vms ? mc_vmrec_fields(l->vms[l->nvms - 1], &f)
		     : mc_hostrec_fields(l->hosts[l->count - 1], &f);

	(void)r;
	*nomem = rc < 0;
	n = 1 + 2 + (vms ? 0 : 2) + mc_fields_nodes(&f);
	mc_fields_free(&f);
	return n;
}

/* Sets source to "csv FILE:LINE", so that a duplicate can point at it. */
static int
set_row_source(char **source, const char *name, unsigned line)
{
	size_t n = strlen(name) + 32;
	char *s = malloc(n);

	if (!s)
		return -1;
	snprintf(s, n, "csv %s:%u", name, line);
	free(*source);
	*source = s;
	return 0;
}

/*
 * Reads the header into cols: hosts, or VMs when a column starts with
 * "vm." (*vms). Errors at the cells: a bad path, a column twice, a path
 * and one inside it (cpu and cpu.family), no name column.
 */
static int
read_header(csv_reader *r, const csv_row *header, csv_col *cols, bool *vms)
{
	mc_fields seen = {0};   /* path -> how many columns name it */

	*vms = false;
	for (size_t i = 0; i < header->n; i++) {
		const char *t = header->cells[i].text;

		while (mc_import_is_space(*t))
			t++;
		if (strncmp(t, "vm.", 3) == 0)
			*vms = true;
	}
	for (size_t i = 0; i < header->n; i++) {
		const mc_field *f;
		int rc = header_col(r, &header->cells[i], *vms, &cols[i]);

		if (rc < 0)
			goto nomem;
		if (rc > 0) {
			free(cols[i].path);
			cols[i].path = NULL;
			r->errors++;
			continue;
		}
		cols[i].label = header->cells[i].text;
		f = mc_fields_get(&seen, cols[i].path);
		if (mc_fields_int(&seen, cols[i].path, f ? f->num + 1 : 1) < 0)
			goto nomem;
	}
	/* A column named more than once is one error, at its second name;
	 * one inside another (cpu, cpu.family), at the later. */
	for (size_t i = 0; i < header->n; i++) {
		const csv_cell *c = &header->cells[i];
		const mc_field *f;
		size_t before = 0;

		if (!cols[i].path)
			continue;
		for (size_t k = 0; k < i; k++) {
			if (!cols[k].path)
				continue;
			if (strcmp(cols[k].path, cols[i].path) == 0) {
				before++;
			} else if (!before && (f = mc_fields_clash(&seen,
								   cols[i].path)) &&
				   strcmp(f->path, cols[k].path) == 0) {
				mc_file_diag(r->diag, MC_SEVERITY_ERROR, &r->file,
					     c->line, c->col, "column '%s' and "
					     "column '%s': one path holds the other",
					     cols[k].path, cols[i].path);
				r->errors++;
				break;
			}
		}
		if (before != 1)
			continue;
		f = mc_fields_get(&seen, cols[i].path);
		if (f->num == 2)
			mc_file_diag(r->diag, MC_SEVERITY_ERROR, &r->file, c->line,
				     c->col, "column '%s' is named twice",
				     cols[i].path);
		else
			mc_file_diag(r->diag, MC_SEVERITY_ERROR, &r->file, c->line,
				     c->col, "column '%s' is named %" PRId64
				     " times", cols[i].path, f->num);
		r->errors++;
	}
	if (!r->errors && !mc_fields_get(&seen, "name")) {
		mc_file_diag(r->diag, MC_SEVERITY_ERROR, &r->file, header->line, 1,
			     "the header has no '%s' column", *vms ? "vm.name"
			     : "name");
		r->errors++;
	}
	mc_fields_free(&seen);
	return 0;
nomem:
	mc_fields_free(&seen);
	return -1;
}

int
mc_import_csv(mc_hostlist *out, const char *name, const char *data,
	      size_t len, const mc_import_ctx *ctx, mc_diag *diag)
{
	csv_reader r = {{name, data, len, NULL}, data, data + len, 1, 1, diag, 0,
			{NULL, 0, 0, 0}, {0}, ',', 3 /* mapping, hosts, list */};
	csv_row header = {NULL, 0, 0, 0}, row = {NULL, 0, 0, 0};
	mc_hostlist local = {0};
	csv_col *cols = NULL;
	bool nomem = false, vms = false;
	int rc, status;

	mc_import_limits(&r.lim, ctx->limits);
	if (ctx->delimiter)
		r.delim = ctx->delimiter;
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
	if (!(cols = calloc(header.n, sizeof(*cols))))
		goto nomem;
	if (read_header(&r, &header, cols, &vms) < 0)
		goto nomem;
	if (r.errors)
		goto fail;
	for (;;) {
		int before = r.errors;
		size_t count;

		rc = csv_read_row(&r, &row);
		if (rc < 0)
			goto nomem;
		if (rc == 0)
			break;
		if (r.errors != before)
			continue;
		/* A blank line (the last line's break, too) holds no record. */
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
		count = vms ? local.nvms : local.count;
		if (count >= r.lim.max_items) {
			mc_import_limit_error(diag, &r.file, row.line, 1,
					      MC_IMPORT_TOO_MANY, 0,
					      vms ? "VMs" : "hosts", &r.lim);
			goto fail;
		}
		if (csv_record(&r, &row, cols, vms, &local) < 0)
			goto nomem;
		r.nodes += record_nodes(&r, &local, vms, &nomem);
		if (nomem)
			goto nomem;
		if (r.nodes > r.lim.max_nodes) {
			if (mc_file_diag(diag, MC_SEVERITY_ERROR, &r.file, row.line, 1,
					 "the %s up to this row make an inventory of "
					 "more than %zu YAML nodes (limit; raise it with "
					 "--limit nodes=N)", vms ? "VMs" : "hosts",
					 r.lim.max_nodes) == 0)
				mc_diag_set_code(diag, "limit");
			goto fail;
		}
		if (set_row_source(vms ? &local.vms[local.nvms - 1]->source
				   : &local.hosts[local.count - 1]->source, name,
				   row.line) < 0)
			goto nomem;
	}
	if (r.errors)
		goto fail;
	if (!local.count && !local.nvms) {
		mc_file_diag(diag, MC_SEVERITY_ERROR, &r.file, header.line, 1,
			     "a header and no %s", vms ? "VM" : "host");
		goto fail;
	}
	if (mc_hostlist_move(out, &local) < 0)
		goto nomem;
	status = MC_OK;
	goto out;
nomem:
	nomem = true;
fail:
	mc_hostlist_free(&local);
	status = MC_IMPORT_FAIL(nomem);
out:
	for (size_t i = 0; cols && i < header.n; i++)
		free(cols[i].path);
	free(cols);
	csv_row_clear(&header);
	csv_row_clear(&row);
	free(header.cells);
	free(row.cells);
	mc_strmap_free(&r.names);
	mc_file_release(&r.file);
	return status;
}
