/* SPDX-License-Identifier: MIT */
/*
 * fields.c - a record's values by inventory path: lists of strings, typed
 * fields, their comparison and merging, and the nested inventory YAML
 * they are written as.
 */
#include "sources/fields.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/grow.h"

static char *
copy_text(const char *s, size_t len)
{
	char *c = malloc(len + 1);

	if (c) {
		memcpy(c, s, len);
		c[len] = '\0';
	}
	return c;
}

int
mc_strlist_add(mc_strlist *l, const char *s, size_t len)
{
	char **v = mc_grow(l->v, &l->cap, l->n + 1, sizeof(*v));

	if (!v)
		return -1;
	l->v = v;
	if (!(l->v[l->n] = copy_text(s, len)))
		return -1;
	l->n++;
	return 0;
}

bool
mc_strlist_has(const mc_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return true;
	return false;
}

bool
mc_strlist_has_n(const mc_strlist *l, const char *s, size_t len)
{
	for (size_t i = 0; i < l->n; i++)
		if (strncmp(l->v[i], s, len) == 0 && l->v[i][len] == '\0')
			return true;
	return false;
}

void
mc_strlist_free(mc_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	*l = (mc_strlist){0};
}

/* ------------------------------------------------------------------------
 * Fields
 */

static void
field_clear(mc_field *f)
{
	free(f->text);
	f->text = NULL;
	mc_strlist_free(&f->set);
	f->num = 0;
}

/* The index of the field at path, or f->n. */
static size_t
index_of(const mc_fields *f, const char *path)
{
	size_t i = 0;

	while (i < f->n && strcmp(f->v[i].path, path) != 0)
		i++;
	return i;
}

const mc_field *
mc_fields_get(const mc_fields *f, const char *path)
{
	size_t i = index_of(f, path);

	return i < f->n ? &f->v[i] : NULL;
}

/* The field at path, emptied, or a new one at the end; NULL when memory
 * runs out. */
static mc_field *
field_at(mc_fields *f, const char *path, mc_field_kind kind)
{
	size_t i = index_of(f, path);
	mc_field *at = i < f->n ? &f->v[i] : NULL;

	if (!at) {
		mc_field *v = mc_grow(f->v, &f->cap, f->n + 1, sizeof(*v));
		char *p = copy_text(path, strlen(path));

		if (!v || !p) {
			free(p);
			if (v)
				f->v = v;
			return NULL;
		}
		f->v = v;
		at = &f->v[f->n++];
		*at = (mc_field){.path = p};
	}
	field_clear(at);
	at->kind = kind;
	return at;
}

int
mc_fields_str(mc_fields *f, const char *path, const char *s, size_t len)
{
	char *c = copy_text(s, len);
	mc_field *at = c ? field_at(f, path, MC_FIELD_STRING) : NULL;

	if (!at) {
		free(c);
		return -1;
	}
	at->text = c;
	return 0;
}

int
mc_fields_int(mc_fields *f, const char *path, int64_t v)
{
	mc_field *at = field_at(f, path, MC_FIELD_INT);

	if (!at)
		return -1;
	at->num = v;
	return 0;
}

int
mc_fields_bool(mc_fields *f, const char *path, bool v)
{
	mc_field *at = field_at(f, path, MC_FIELD_BOOL);

	if (!at)
		return -1;
	at->num = v;
	return 0;
}

mc_strlist *
mc_fields_set(mc_fields *f, const char *path)
{
	size_t i = index_of(f, path);
	mc_field *at;

	if (i < f->n && f->v[i].kind == MC_FIELD_SET)
		return &f->v[i].set;
	at = field_at(f, path, MC_FIELD_SET);
	return at ? &at->set : NULL;
}

/* True when a is b's parent path ("cpu" of "cpu.family"). */
static bool
parent_of(const char *a, const char *b)
{
	size_t n = strlen(a);

	return strncmp(a, b, n) == 0 && b[n] == '.';
}

const mc_field *
mc_fields_clash(const mc_fields *f, const char *path)
{
	for (size_t i = 0; i < f->n; i++)
		if (parent_of(f->v[i].path, path) || parent_of(path, f->v[i].path))
			return &f->v[i];
	return NULL;
}

void
mc_fields_free(mc_fields *f)
{
	for (size_t i = 0; i < f->n; i++) {
		field_clear(&f->v[i]);
		free(f->v[i].path);
	}
	free(f->v);
	*f = (mc_fields){0};
}

size_t
mc_fields_nodes(const mc_fields *f)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++) {
		const char *p = f->v[i].path, *dot;

		n += 2 + (f->v[i].kind == MC_FIELD_SET ? f->v[i].set.n : 0);
		/* each parent, once: at the first field under it */
		for (dot = strchr(p, '.'); dot; dot = strchr(dot + 1, '.')) {
			size_t k = (size_t)(dot - p) + 1, j = 0;

			while (j < i && strncmp(f->v[j].path, p, k) != 0)
				j++;
			n += j == i ? 2 : 0;
		}
	}
	return n;
}

/* True when every member of a is in b. */
static bool
subset(const mc_strlist *a, const mc_strlist *b)
{
	for (size_t i = 0; i < a->n; i++)
		if (!mc_strlist_has(b, a->v[i]))
			return false;
	return true;
}

bool
mc_field_equal(const mc_field *a, const mc_field *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case MC_FIELD_STRING:
		return strcmp(a->text, b->text) == 0;
	case MC_FIELD_INT:
	case MC_FIELD_BOOL:
		return a->num == b->num;
	case MC_FIELD_SET:
		return subset(&a->set, &b->set) && subset(&b->set, &a->set);
	}
	return false;
}

void
mc_field_describe(mc_buf *out, const mc_field *f)
{
	switch (f->kind) {
	case MC_FIELD_STRING:
		mc_yaml_quote(out, f->text);
		break;
	case MC_FIELD_INT:
		mc_buf_addf(out, "%" PRId64, f->num);
		break;
	case MC_FIELD_BOOL:
		mc_buf_adds(out, f->num ? "true" : "false");
		break;
	case MC_FIELD_SET:
		mc_buf_addc(out, '[');
		for (size_t i = 0; i < f->set.n; i++) {
			if (i)
				mc_buf_adds(out, ", ");
			mc_yaml_quote(out, f->set.v[i]);
		}
		mc_buf_addc(out, ']');
		break;
	}
}

int
mc_fields_merge(mc_fields *into, mc_fields *from, const mc_field **clash,
		const mc_field **theirs)
{
	for (size_t i = 0; i < from->n; i++) {
		mc_field *f = &from->v[i];
		const mc_field *had = mc_fields_get(into, f->path);
		const mc_field *other = had ? NULL : mc_fields_clash(into, f->path);
		mc_field *v;

		if (had && mc_field_equal(had, f))
			continue;
		if (had || other) {
			*clash = f;
			*theirs = had ? had : other;
			return 1;
		}
		if (!(v = mc_grow(into->v, &into->cap, into->n + 1, sizeof(*v))))
			return -1;
		into->v = v;
		into->v[into->n++] = *f;
		/* moved: from keeps an empty field at that path */
		*f = (mc_field){.path = copy_text(f->path, strlen(f->path)),
				.kind = f->kind};
		if (!f->path)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * YAML
 */

/* True for a character YAML does not take raw in a double-quoted scalar,
 * or would read as a line break (and fold): C0 controls, DEL, C1 controls
 * (NEL among them), U+2028, U+2029, U+FFFE and U+FFFF. */
static bool
yaml_escaped(uint32_t c)
{
	return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 ||
	       c == 0x2029 || c == 0xFFFE || c == 0xFFFF;
}

void
mc_yaml_quote(mc_buf *out, const char *s)
{
	size_t len = strlen(s), n;
	uint32_t c;

	mc_buf_addc(out, '"');
	for (size_t i = 0; i < len; i += n ? n : 1) {
		n = mc_utf8_char(s + i, len - i, &c);
		if (!n)
			mc_buf_adds(out, "\xEF\xBF\xBD");  /* not UTF-8: U+FFFD */
		else if (c == '"' || c == '\\')
			mc_buf_addf(out, "\\%c", (char)c);
		else if (yaml_escaped(c) && c <= 0xFF)
			mc_buf_addf(out, "\\x%02x", (unsigned)c);
		else if (yaml_escaped(c))
			mc_buf_addf(out, "\\u%04x", (unsigned)c);
		else
			mc_buf_add(out, s + i, n);
	}
	mc_buf_addc(out, '"');
}

/* The length of path's key at offset off (up to the next dot or the end). */
static size_t
key_len(const char *path, size_t off)
{
	const char *dot = strchr(path + off, '.');

	return dot ? (size_t)(dot - path) - off : strlen(path + off);
}

/* True for a key YAML reads back as the same string when written plain: a
 * letter or '_' and then letters, digits, '_' and '-', and not one of the
 * words YAML 1.1 reads as null or a boolean. */
static bool
plain_key(const char *k, size_t n)
{
	static const char *const words[] = {
		"null", "true", "false", "yes", "no", "on", "off", "y", "n",
	};

	if (!n || !((k[0] >= 'a' && k[0] <= 'z') || (k[0] >= 'A' && k[0] <= 'Z') ||
		    k[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' && k[i] <= 'Z') ||
		      (k[i] >= '0' && k[i] <= '9') || k[i] == '_' || k[i] == '-'))
			return false;
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strlen(words[i]) == n && strncasecmp(words[i], k, n) == 0)
			return false;
	return true;
}

/* Writes the n bytes at k as a mapping key: plain when YAML reads that
 * back as the same string, else quoted. */
static void
write_key(mc_buf *out, const char *k, size_t n)
{
	char *copy;

	if (plain_key(k, n)) {
		mc_buf_add(out, k, n);
		return;
	}
	if (!(copy = malloc(n + 1))) {
		out->failed = true;
		return;
	}
	memcpy(copy, k, n);
	copy[n] = '\0';
	mc_yaml_quote(out, copy);
	free(copy);
}

/*
 * Writes the fields from index i on whose paths start with the first off
 * bytes of v[i]'s path (each key under that prefix once, at its first
 * field's place), marking them done.
 */
static void
write_level(mc_buf *out, const mc_fields *f, bool *done, size_t first,
	    size_t off, unsigned indent)
{
	const char *prefix = f->v[first].path;

	for (size_t i = first; i < f->n; i++) {
		const mc_field *v = &f->v[i];
		size_t k;

		if (done[i] || strncmp(v->path, prefix, off) != 0)
			continue;
		k = key_len(v->path, off);
		mc_buf_addf(out, "%*s", (int)indent, "");
		write_key(out, v->path + off, k);
		mc_buf_addc(out, ':');
		if (v->path[off + k] == '.') {
			mc_buf_addc(out, '\n');
			write_level(out, f, done, i, off + k + 1, indent + 2);
			continue;
		}
		done[i] = true;
		mc_buf_addc(out, ' ');
		mc_field_describe(out, v);
		mc_buf_addc(out, '\n');
	}
}

void
mc_fields_yaml(mc_buf *out, const mc_fields *f, unsigned indent)
{
	bool *done = calloc(f->n + 1, sizeof(*done));

	if (!done) {
		out->failed = true;
		return;
	}
	if (f->n)
		write_level(out, f, done, 0, 0, indent);
	free(done);
}

/* ------------------------------------------------------------------------
 * Records laid out as slots
 */

/* The member at offset off of rec, as a pointer to type; CAT for a const
 * record. */
#define AT(rec, off, type) ((type *)(void *)((char *)(rec) + (off)))
#define CAT(rec, off, type) \
	((type const *)(const void *)((const char *)(rec) + (off)))

static bool
slot_known(const void *rec, const mc_slot *s)
{
	bool has = s->has != MC_SLOT_NONE && *CAT(rec, s->has, bool);

	switch (s->kind) {
	case MC_SLOT_STR:
		return *CAT(rec, s->off, char *) != NULL;
	case MC_SLOT_INT:
	case MC_SLOT_BOOL:
		return has;
	case MC_SLOT_COUNT:
		return *CAT(rec, s->off, int64_t) > 0;
	case MC_SLOT_FALSE:
		return *CAT(rec, s->off, bool);
	case MC_SLOT_LIST:
		return s->has == MC_SLOT_NONE
			? CAT(rec, s->off, mc_strlist)->n > 0 : has;
	case MC_SLOT_ARRAY:
		return *CAT(rec, s->count, size_t) > 0 || has;
	}
	return false;
}

/* Appends rec's member at slot s to out. */
static int
slot_field(const void *rec, const mc_slot *s, mc_fields *out)
{
	char *const *v;
	size_t n;
	mc_strlist *set;

	switch (s->kind) {
	case MC_SLOT_STR: {
		const char *t = *CAT(rec, s->off, char *);

		return mc_fields_str(out, s->path, t, strlen(t));
	}
	case MC_SLOT_INT:
	case MC_SLOT_COUNT:
		return mc_fields_int(out, s->path, *CAT(rec, s->off, int64_t));
	case MC_SLOT_BOOL:
		return mc_fields_bool(out, s->path, *CAT(rec, s->off, bool));
	case MC_SLOT_FALSE:
		return mc_fields_bool(out, s->path, false);
	case MC_SLOT_LIST:
		v = CAT(rec, s->off, mc_strlist)->v;
		n = CAT(rec, s->off, mc_strlist)->n;
		break;
	case MC_SLOT_ARRAY:
		v = *CAT(rec, s->off, char *const *);
		n = *CAT(rec, s->count, size_t);
		break;
	default:
		return 0;
	}
	if (!(set = mc_fields_set(out, s->path)))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (mc_strlist_add(set, v[i], strlen(v[i])) < 0)
			return -1;
	return 0;
}

int
mc_slots_fields(const void *rec, const mc_slot *slots, size_t n,
		const mc_fields *extra, mc_fields *out)
{
	for (size_t i = 0; i < n; i++)
		if (slot_known(rec, &slots[i]) && slot_field(rec, &slots[i], out) < 0)
			return -1;
	for (size_t i = 0; extra && i < extra->n; i++) {
		const mc_field *f = &extra->v[i];
		mc_strlist *set;
		int rc = 0;

		switch (f->kind) {
		case MC_FIELD_STRING:
			rc = mc_fields_str(out, f->path, f->text, strlen(f->text));
			break;
		case MC_FIELD_INT:
			rc = mc_fields_int(out, f->path, f->num);
			break;
		case MC_FIELD_BOOL:
			rc = mc_fields_bool(out, f->path, f->num != 0);
			break;
		case MC_FIELD_SET:
			if (!(set = mc_fields_set(out, f->path)))
				return -1;
			for (size_t k = 0; k < f->set.n && rc == 0; k++)
				rc = mc_strlist_add(set, f->set.v[k],
						    strlen(f->set.v[k]));
			break;
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Swaps size bytes at a and b. */
static void
swap_bytes(void *a, void *b, size_t size)
{
	unsigned char t[sizeof(mc_strlist)];

	memcpy(t, a, size);
	memcpy(a, b, size);
	memcpy(b, t, size);
}

void
mc_slots_absorb(void *into, void *from, const mc_slot *slots, size_t n)
{
	static const size_t size[] = {
		[MC_SLOT_STR] = sizeof(char *), [MC_SLOT_INT] = sizeof(int64_t),
		[MC_SLOT_COUNT] = sizeof(int64_t), [MC_SLOT_BOOL] = sizeof(bool),
		[MC_SLOT_FALSE] = sizeof(bool), [MC_SLOT_LIST] = sizeof(mc_strlist),
		[MC_SLOT_ARRAY] = sizeof(char **),
	};

	for (size_t i = 0; i < n; i++) {
		const mc_slot *s = &slots[i];

		if (slot_known(into, s) || !slot_known(from, s))
			continue;
		swap_bytes(AT(into, s->off, char), AT(from, s->off, char),
			   size[s->kind]);
		if (s->has != MC_SLOT_NONE)
			swap_bytes(AT(into, s->has, char), AT(from, s->has, char),
				   sizeof(bool));
		if (s->kind == MC_SLOT_ARRAY)
			swap_bytes(AT(into, s->count, char),
				   AT(from, s->count, char), sizeof(size_t));
	}
}

/* ------------------------------------------------------------------------
 * Records
 */

void
mc_record_yaml(mc_buf *out, const char *source, const char *name,
	       const mc_fields *fields)
{
	if (source) {
		/* A comment ends at a line break: the source is written on
		 * one line, escaped. */
		mc_buf_adds(out, "  # from ");
		mc_buf_add_printable(out, source, strlen(source), false);
		mc_buf_addc(out, '\n');
	}
	mc_buf_adds(out, "  - name: ");
	mc_yaml_quote(out, name ? name : "unnamed");
	mc_buf_addc(out, '\n');
	mc_fields_yaml(out, fields, 4);
}

int
mc_fields_conflict(const mc_fields *a, const mc_fields *b, mc_buf *why)
{
	for (size_t i = 0; i < b->n; i++) {
		const mc_field *f = &b->v[i], *had = mc_fields_get(a, f->path);

		if (had && mc_field_equal(had, f))
			continue;
		if (!had && !(had = mc_fields_clash(a, f->path)))
			continue;
		mc_buf_addf(why, "'%s' is ", f->path);
		if (strcmp(had->path, f->path) != 0)
			mc_buf_adds(why, "a value");
		else
			mc_field_describe(why, f);
		mc_buf_adds(why, " here but ");
		if (strcmp(had->path, f->path) != 0)
			mc_buf_addf(why, "'%s' is ", had->path);
		mc_field_describe(why, had);
		return 1;
	}
	return 0;
}

/*
 * Merges two records laid out as slots (their extra fields at extra_off):
 * compares all their fields first, so that a conflict leaves into as it
 * was. The one merge of hosts and VMs alike.
 */
int
mc_slots_merge(void *into, void *from, const mc_slot *slots, size_t n,
	       size_t extra_off, mc_buf *why)
{
	mc_fields a = {0}, b = {0};
	mc_fields *ex_into = (mc_fields *)(void *)((char *)into + extra_off);
	mc_fields *ex_from = (mc_fields *)(void *)((char *)from + extra_off);
	const mc_field *clash, *theirs;
	int rc = -1;

	if (mc_slots_fields(into, slots, n, ex_into, &a) < 0 ||
	    mc_slots_fields(from, slots, n, ex_from, &b) < 0)
		goto out;
	if ((rc = mc_fields_conflict(&a, &b, why)) != 0)
		goto out;
	mc_slots_absorb(into, from, slots, n);
	rc = mc_fields_merge(ex_into, ex_from, &clash, &theirs) < 0 ? -1 : 0;
out:
	mc_fields_free(&a);
	mc_fields_free(&b);
	return rc;
}
