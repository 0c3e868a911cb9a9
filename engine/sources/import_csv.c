/*
 * import_csv.c - the csv importer: a table of hosts (RFC 4180), a host a row,
 * with errors at the column where the cell starts.
 */
#include "sources/importer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
			rc = mc_import_set_trimmed(&h->name, t, n);
			break;
		case COL_CLUSTER:
			rc = mc_import_set_trimmed(&h->cluster, t, n);
			break;
		case COL_MANUFACTURER:
			rc = mc_import_set_trimmed(&h->manufacturer, t, n);
			break;
		case COL_ARCH:
			rc = mc_import_set_arch(h, t, n);
			break;
		case COL_SIGNATURE:
			rc = mc_import_set_trimmed(&h->signature, t, n);
			break;
		case COL_CPUNAME:
			rc = mc_import_set_trimmed(&h->cpu_name, t, n);
			break;
		case COL_FEATURES: {
			size_t at, atlen;

			rc = mc_import_add_features(h, t, n, true, &r->lim, &at, &atlen);
			if (rc > 0) {
				/* the cell: a quoted one's text is not the file's */
				mc_import_limit_error(r->diag, &r->file, c->line, c->col, rc,
					    atlen, "features", &r->lim);
				r->errors++;
				rc = 0;
			}
			break;
		}
		case COL_HVPRODUCT:
			rc = mc_import_set_trimmed(&h->hypervisor_product, t, n);
			break;
		case COL_HVVERSION:
			rc = mc_import_set_trimmed(&h->hypervisor_version, t, n);
			break;
		case COL_FAMILY:
		case COL_MODEL:
		case COL_STEPPING:
		case COL_SOCKETS: {
			const char *s = t;
			size_t sl = n;

			mc_import_trim(&s, &sl);
			if (!sl)
				break;
			if (mc_import_parse_int(s, sl, &v) < 0 || v < 0) {
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
	mc_import_virt_from_features(h);
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
	      size_t len, const mc_import_ctx *ctx,
		mc_diag *diag)
{
	csv_reader r = {{name, data, len, NULL}, data, data + len, 1, 1, diag, 0,
			{NULL, 0, 0, 0}, {0}, 3 /* mapping, hosts, list */};
	csv_row header = {NULL, 0, 0, 0}, row = {NULL, 0, 0, 0};
	mc_hostlist local = {0};
	size_t named[NCSVCOLS] = {0}, seen[NCSVCOLS] = {0};
	int *map = NULL;
	bool nomem = false, has_name = false;
	int rc;

	mc_import_limits(&r.lim, ctx->limits);
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

		mc_import_trim(&t, &n);
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
			mc_import_limit_error(diag, &r.file, row.line, 1, MC_IMPORT_TOO_MANY, 0, "hosts",
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
		if (mc_import_set_source(local.hosts[local.count - 1], "csv", name) < 0)
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
	if (mc_hostlist_move(out, &local) < 0)
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
	return MC_IMPORT_FAIL(nomem);
}
