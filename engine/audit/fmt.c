/* SPDX-License-Identifier: MIT */
/*
 * fmt.c - a YAML policy in its canonical layout (mc_policy_format of
 * migcheck.h, `migcheck fmt`), every comment kept; docs/fmt.md gives the
 * rules.
 *
 * libyaml's parser drops comments, so the formatter works on tokens:
 * yaml_parser_scan gives each token with its start and end marks, the
 * token's own bytes are copied (scalars keep their text and style), and
 * what lies between two tokens -- spaces, line breaks, comments -- is read
 * from the source and written again in the canonical layout. Line breaks
 * stay where the source has them: a token that starts a line in the source
 * starts one in the output, indented by its place in the block structure
 * (two spaces a level), not by its column in the source.
 *
 * The file is loaded first by the YAML loader (load/node.h), so that what
 * fmt refuses is what every command refuses, at the same FILE:LINE:COL and
 * within the same limits. Then, as a safety net, the output is parsed again
 * and its events compared with the source's: a result that would read
 * otherwise is never returned (fail closed).
 */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "load/node.h"
#include "util/buf.h"
#include "util/grow.h"
#include "util/source.h"

/* A block collection open at the token being formatted. */
enum { COLL_MAP, COLL_SEQ, COLL_ISEQ /* an indentless sequence */ };

typedef struct coll {
	int kind;
	size_t src_col;   /* its column in the source */
	size_t out;       /* its indentation in the output */
} coll;

/* What lies between two tokens: line breaks, blank lines, comments. */
enum { GAP_BLANK, GAP_COMMENT };

typedef struct gap_item {
	int type;
	size_t off, len;  /* a comment: its text, '#' on, trailing blanks off */
	size_t col;       /* a comment: its column in the source */
} gap_item;

/* A flow collection open at the token being formatted. Its lines after
 * the first line up with its first item when that item follows the
 * opening bracket on its line (the closing bracket under the opening
 * one), else they hang two spaces past the line the bracket is on. */
typedef struct flowc {
	size_t opener_col;   /* the opening bracket's column in the output */
	size_t base;         /* the indentation of its line */
	size_t item_col, close_col;
	bool pending;        /* no item yet: how lines line up is not known */
} flowc;

/* Token kinds for spacing that libyaml has no token for. */
#define TOK_LINE_START (-1)

typedef struct fmt {
	const char *src;
	size_t len;
	size_t *lines;     /* byte offset of each line's start */
	size_t nlines, caplines;
	/* The last mark turned into an offset: the next is found from it. */
	size_t cur_line, cur_col, cur_off;

	mc_buf out;
	size_t line_indent;   /* of the output's current line */
	int prev;             /* the last token written on the current line */
	bool any;             /* a token has been written */
	bool fresh;           /* the source's next token starts a line,
	                         whatever the gap says (after a block scalar) */
	bool no_final_break;  /* the file ends in a block scalar's last line,
	                         whose line break is part of no value */
	size_t pos;           /* source bytes consumed */

	coll *stack;
	size_t depth, hw, capstack;   /* hw: the depth before the pops since
	                                 the last token (for comments) */
	flowc *fl;            /* the open flow collections */
	size_t flow, capfl;
	/* The output's current line: where it starts, and a column found in
	 * it (counted in characters), to count the next from. */
	size_t line_start, col_off, col;

	gap_item *items;
	size_t nitems, capitems;
	bool nomem;
	bool bad;             /* the source is not as libyaml said: fail closed */
} fmt;

/* ------------------------------------------------------------------------
 * Positions
 */

static bool
is_break(char c)
{
	return c == '\n' || c == '\r';
}

/* The length of the line break at i (CR LF is one), or 0. */
static size_t
break_len(const char *s, size_t len, size_t i)
{
	if (i >= len)
		return 0;
	if (s[i] == '\r')
		return i + 1 < len && s[i + 1] == '\n' ? 2 : 1;
	return s[i] == '\n';
}

static int
index_lines(fmt *f, size_t start)
{
	if (MC_GROW(f->lines, f->caplines, 1) < 0)
		return -1;
	f->lines[f->nlines++] = start;
	for (size_t i = start; i < f->len; i++) {
		size_t b = break_len(f->src, f->len, i);

		if (!b)
			continue;
		i += b - 1;
		if (MC_GROW(f->lines, f->caplines, f->nlines + 1) < 0)
			return -1;
		f->lines[f->nlines++] = i + 1;
	}
	return 0;
}

/* The end of line `line`'s text (before its break). */
static size_t
line_end(const fmt *f, size_t line)
{
	size_t e = line + 1 < f->nlines ? f->lines[line + 1] : f->len;

	while (e > f->lines[line] && is_break(f->src[e - 1]))
		e--;
	return e;
}

/* The byte offset of a libyaml mark: its line, then its column counted in
 * characters (UTF-8). Marks come mostly in order, so each search starts
 * from the last one on the same line. */
static size_t
mark_off(fmt *f, const yaml_mark_t *m)
{
	size_t line = m->line, col = m->column, off, c, end;

	if (line >= f->nlines)
		return f->len;  /* the stream's end, on a line libyaml adds */
	if (line == f->cur_line && col >= f->cur_col) {
		off = f->cur_off;
		c = f->cur_col;
	} else {
		off = f->lines[line];
		c = 0;
	}
	end = line + 1 < f->nlines ? f->lines[line + 1] : f->len;
	while (c < col && off < end) {
		off++;
		while (off < end && ((unsigned char)f->src[off] & 0xC0) == 0x80)
			off++;
		c++;
	}
	if (c < col)
		f->bad = true;
	f->cur_line = line;
	f->cur_col = c;
	f->cur_off = off;
	return off;
}

/* ------------------------------------------------------------------------
 * Output
 */

static void
put(fmt *f, const char *s, size_t n)
{
	mc_buf_add(&f->out, s, n);
}

static void
spaces(fmt *f, size_t n)
{
	static const char sp[] = "                                ";

	while (n > 0) {
		size_t k = n < sizeof(sp) - 1 ? n : sizeof(sp) - 1;

		put(f, sp, k);
		n -= k;
	}
}

/* Ends the current line and starts one. (No line gets trailing blanks
 * but the content lines of block scalars, whose blanks are their value's.) */
static void
new_line(fmt *f, size_t indent)
{
	if (f->any)
		mc_buf_addc(&f->out, '\n');
	f->line_start = f->out.len;
	spaces(f, indent);
	f->line_indent = indent;
	f->prev = TOK_LINE_START;
}

/* Ends the current line: the next starts empty. */
static void
blank_line(fmt *f)
{
	mc_buf_addc(&f->out, '\n');
	f->line_start = f->out.len;
	f->prev = TOK_LINE_START;
}

/* Spaces between two tokens on one line. */
static size_t
spacing(int prev, int next)
{
	if (prev == TOK_LINE_START)
		return 0;
	switch (next) {
	case YAML_FLOW_ENTRY_TOKEN:
	case YAML_FLOW_SEQUENCE_END_TOKEN:
		return 0;
	case YAML_FLOW_MAPPING_END_TOKEN:
		return prev == YAML_FLOW_MAPPING_START_TOKEN ? 0 : 1;
	case YAML_VALUE_TOKEN:
		/* `*a :`: libyaml ends an alias at ':', other readers do not. */
		return prev == YAML_SCALAR_TOKEN ||
		       prev == YAML_FLOW_SEQUENCE_END_TOKEN ||
		       prev == YAML_FLOW_MAPPING_END_TOKEN ? 0 : 1;
	default:
		break;
	}
	return prev == YAML_FLOW_SEQUENCE_START_TOKEN ? 0 : 1;
}

/* ------------------------------------------------------------------------
 * Gaps: what lies between tokens
 */

static void
gap_add(fmt *f, int type, size_t off, size_t len, size_t col)
{
	if (MC_GROW(f->items, f->capitems, f->nitems + 1) < 0) {
		f->nomem = true;
		return;
	}
	f->items[f->nitems++] = (gap_item){type, off, len, col};
}

/*
 * Reads the source from f->pos to end, which holds only blanks, line
 * breaks and comments: the comment on the current line (*eol, or none),
 * and after the first line break each blank line and comment line.
 * Returns whether a line break was crossed.
 */
static bool
read_gap(fmt *f, size_t end, size_t *eol_off, size_t *eol_len)
{
	bool crossed = f->fresh;
	bool line_empty = true;
	size_t col = 0, i = f->pos;

	f->nitems = 0;
	*eol_len = 0;
	*eol_off = 0;
	while (i < end) {
		size_t b = break_len(f->src, end, i);

		if (b) {
			if (crossed && line_empty)
				gap_add(f, GAP_BLANK, i, 0, 0);
			crossed = true;
			line_empty = true;
			col = 0;
			i += b;
		} else if (f->src[i] == ' ' || f->src[i] == '\t') {
			i++;
			col++;
		} else if (f->src[i] == '#') {
			size_t s = i, e;

			while (i < end && !break_len(f->src, end, i))
				i++;
			e = i;
			while (e > s && (f->src[e - 1] == ' ' || f->src[e - 1] == '\t'))
				e--;
			if (!crossed) {
				*eol_off = s;
				*eol_len = e - s;
			} else {
				gap_add(f, GAP_COMMENT, s, e - s, col);
			}
			line_empty = false;
		} else {
			/* Not a blank, a break or a comment: the marks are not
			 * what this code expects. */
			f->bad = true;
			return crossed;
		}
	}
	return crossed;
}

/* The deepest collection open since the last token whose source column
 * is at most col, or NULL. */
static const coll *
coll_at(const fmt *f, size_t col)
{
	for (size_t i = f->hw; i-- > 0;) {
		if (f->stack[i].src_col <= col)
			return &f->stack[i];
	}
	return NULL;
}

/* The indentation of a line that token type starts, in block context. */
static size_t
block_indent(const fmt *f, int type)
{
	const coll *top = f->depth ? &f->stack[f->depth - 1] : NULL;

	switch (type) {
	case YAML_KEY_TOKEN:
	case YAML_VALUE_TOKEN:
	case YAML_BLOCK_ENTRY_TOKEN:
		return top ? top->out : 0;
	case YAML_STREAM_END_TOKEN:
	case YAML_DOCUMENT_START_TOKEN:
	case YAML_DOCUMENT_END_TOKEN:
	case YAML_VERSION_DIRECTIVE_TOKEN:
	case YAML_TAG_DIRECTIVE_TOKEN:
		return 0;
	default:
		/* a node on a line of its own, under its collection */
		return top ? top->out + 2 : 0;
	}
}

/* The column the output's next character goes to. */
static size_t
out_col(fmt *f)
{
	if (f->col_off < f->line_start || f->col_off > f->out.len) {
		f->col_off = f->line_start;
		f->col = 0;
	}
	for (; f->col_off < f->out.len; f->col_off++)
		f->col += ((unsigned char)f->out.data[f->col_off] & 0xC0) != 0x80;
	return f->col;
}

/* The indentation of a line inside a flow collection that starts with a
 * token of type type. */
static size_t
flow_indent(fmt *f, int type)
{
	flowc *c = &f->fl[f->flow - 1];

	if (c->pending) {
		c->item_col = c->close_col = c->base + 2;
		c->pending = false;
	}
	if (type == YAML_FLOW_SEQUENCE_END_TOKEN ||
	    type == YAML_FLOW_MAPPING_END_TOKEN)
		return c->close_col;
	return c->item_col;
}

/* A token is written after the opening bracket, on its line. */
static void
flow_item(fmt *f)
{
	flowc *c;

	if (!f->flow || !f->fl[f->flow - 1].pending)
		return;
	c = &f->fl[f->flow - 1];
	c->item_col = out_col(f);
	c->close_col = c->opener_col;
	c->pending = false;
}

static void
eol_comment(fmt *f, size_t off, size_t len)
{
	if (!len)
		return;
	if (f->prev != TOK_LINE_START)
		spaces(f, 2);
	put(f, f->src + off, len);
	f->prev = YAML_NO_TOKEN;  /* something: a comment */
}

/*
 * Writes what lies between the last token and the one at source offset
 * start (of type type, at source column src_col), and places the
 * output where that token goes: after the right spacing on the current
 * line, or at the start of a new line. Returns whether it starts a line.
 */
static bool
gap(fmt *f, size_t start, int type, size_t src_col, bool zero_width)
{
	size_t eol_off, eol_len, indent, next_col = src_col;
	bool crossed, pending_blank = false;

	if (start < f->pos) {
		f->bad = true;
		return false;
	}
	crossed = read_gap(f, start, &eol_off, &eol_len);
	if (f->bad || f->nomem)
		return false;
	f->fresh = false;
	if (type == YAML_STREAM_END_TOKEN)
		next_col = 0;
	if (!crossed) {
		if (f->any && !zero_width)
			spaces(f, spacing(f->prev, type));
		f->pos = start;
		return false;
	}
	eol_comment(f, eol_off, eol_len);
	indent = f->flow ? flow_indent(f, type) : block_indent(f, type);
	for (size_t i = 0; i < f->nitems; i++) {
		const gap_item *it = &f->items[i];
		size_t at = indent;

		if (it->type == GAP_BLANK) {
			pending_blank = f->any;
			continue;
		}
		if (pending_blank)
			blank_line(f);
		pending_blank = false;
		if (!f->flow && it->col > next_col) {
			const coll *c = coll_at(f, it->col);

			if (c)
				at = c->out;
		}
		new_line(f, at);
		put(f, f->src + it->off, it->len);
		f->any = true;
		f->prev = YAML_NO_TOKEN;
	}
	if (type == YAML_STREAM_END_TOKEN) {
		f->pos = start;
		return true;
	}
	if (pending_blank)
		blank_line(f);
	new_line(f, indent);
	f->pos = start;
	return true;
}

/* ------------------------------------------------------------------------
 * Scalars
 */

static void
trim_blanks(const char *s, size_t b, size_t *e, bool keep_escaped)
{
	size_t end = *e;

	while (end > b && (s[end - 1] == ' ' || s[end - 1] == '\t'))
		end--;
	/* In double quotes, `\ ` and `\<TAB>` are escapes: the blanks after
	 * a backslash stay. */
	if (keep_escaped && end < *e && end > b && s[end - 1] == '\\')
		return;
	*e = end;
}

/* A plain or quoted scalar over several lines: each line after the first
 * indented by `indent`, blank lines empty. Folding drops the blanks around
 * line breaks, so the value is the same. */
static void
flow_scalar(fmt *f, size_t s, size_t e, size_t line0, size_t line1,
	    yaml_scalar_style_t style, size_t indent)
{
	bool dq = style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;

	for (size_t l = line0; l <= line1; l++) {
		size_t b = l == line0 ? s : f->lines[l];
		size_t end = l == line1 ? e : line_end(f, l);

		if (l != line0)
			while (b < end && (f->src[b] == ' ' || f->src[b] == '\t'))
				b++;
		if (l != line1)
			trim_blanks(f->src, b, &end, dq);
		if (l != line0) {
			if (b == end) {
				blank_line(f);
				continue;
			}
			blank_line(f);
			spaces(f, indent);
		}
		put(f, f->src + b, end - b);
	}
}

/* libyaml's indentation of the innermost block collection in the source
 * (an indentless sequence has none of its own), or -1. */
static long
src_ref(const fmt *f)
{
	for (size_t i = f->depth; i-- > 0;) {
		if (f->stack[i].kind != COLL_ISEQ)
			return (long)f->stack[i].src_col;
	}
	return -1;
}

static size_t
leading_spaces(const fmt *f, size_t l, size_t *end)
{
	size_t b = f->lines[l], e = line_end(f, l), n = 0;

	while (b + n < e && f->src[b + n] == ' ')
		n++;
	*end = e;
	return n;
}

/*
 * A literal or folded scalar from source offset s: its header (indicators,
 * and a comment) and its content lines, moved to the indentation its
 * collection has in the output. Its lines keep their bytes after the
 * content indentation, so the value is the same.
 */
static void
block_scalar(fmt *f, size_t s, size_t line0)
{
	size_t i = s + 1, hend = line_end(f, line0), explicit = 0, content;
	size_t last = line0, stop, new_indent;
	char chomp = 0;
	long ref = src_ref(f);
	long new_ref = f->depth ? (long)f->stack[f->depth - 1].out : -1;

	put(f, f->src + s, 1);
	for (int k = 0; k < 2 && i < hend; k++, i++) {
		if (f->src[i] == '+' || f->src[i] == '-')
			chomp = f->src[i];
		else if (f->src[i] >= '1' && f->src[i] <= '9')
			explicit = (size_t)(f->src[i] - '0');
		else
			break;
		put(f, f->src + i, 1);
	}
	while (i < hend && (f->src[i] == ' ' || f->src[i] == '\t'))
		i++;
	if (i < hend && f->src[i] == '#') {
		size_t e = hend;

		trim_blanks(f->src, i, &e, false);
		spaces(f, 2);
		put(f, f->src + i, e - i);
	} else if (i < hend) {
		f->bad = true;
		return;
	}
	/* The content's indentation in the source, as libyaml finds it. */
	if (explicit) {
		content = (size_t)(ref < 0 ? 0 : ref) + explicit;
		new_indent = (size_t)(new_ref < 0 ? 0 : new_ref) + explicit;
	} else {
		size_t most = 0, end;

		for (size_t l = line0 + 1; l < f->nlines; l++) {
			size_t n = leading_spaces(f, l, &end);

			if (n > most)
				most = n;
			if (f->lines[l] + n < end)
				break;  /* the first line with text */
		}
		content = most;
		if ((long)content < ref + 1)
			content = (size_t)(ref + 1);
		if (content < 1)
			content = 1;
		new_indent = (size_t)(new_ref < 0 ? 0 : new_ref) + 2;
	}
	/* Its lines: up to the first with text indented less. */
	stop = line0 + 1;
	for (; stop < f->nlines; stop++) {
		size_t end, n = leading_spaces(f, stop, &end);

		if (f->lines[stop] + n == end && n <= content) {
			if (f->lines[stop] == f->len)
				break;  /* the empty "line" after a final break */
			continue;   /* empty */
		}
		if (n < content)
			break;
		last = stop;
	}
	for (size_t l = line0 + 1; l <= last; l++) {
		size_t end, n = leading_spaces(f, l, &end);

		if (f->lines[l] + n == end && n <= content) {
			blank_line(f);
			continue;
		}
		blank_line(f);
		spaces(f, new_indent);
		put(f, f->src + f->lines[l] + content,
		    end - f->lines[l] - content);
	}
	if (chomp == '+') {
		/* kept: the trailing empty lines are the value's */
		for (size_t l = last + 1; l < stop; l++)
			blank_line(f);
		last = stop - 1;
	}
	/* The source from the line after the last written: trailing empty
	 * lines are blank lines between items, unless kept. */
	f->pos = last + 1 < f->nlines ? f->lines[last + 1] : f->len;
	if (f->pos == f->len && line_end(f, last) == f->len && chomp != '-' &&
	    last > line0)
		f->no_final_break = true;
	f->fresh = true;
	f->prev = TOK_LINE_START;
}

/* ------------------------------------------------------------------------
 * Tokens
 */

static void
push(fmt *f, int kind, size_t src_col)
{
	size_t out = f->depth ? f->stack[f->depth - 1].out + 2 : 0;

	if (MC_GROW(f->stack, f->capstack, f->depth + 1) < 0) {
		f->nomem = true;
		return;
	}
	f->stack[f->depth++] = (coll){kind, src_col, out};
	if (f->hw < f->depth)
		f->hw = f->depth;
}

static void
pop(fmt *f)
{
	if (f->depth)
		f->depth--;
	else
		f->bad = true;
}

/* Ends an indentless sequence before what belongs to its mapping. */
static void
end_indentless(fmt *f)
{
	if (f->depth && f->stack[f->depth - 1].kind == COLL_ISEQ)
		pop(f);
}

static void
token(fmt *f, const yaml_token_t *t)
{
	size_t s = mark_off(f, &t->start_mark), e;
	size_t line0 = t->start_mark.line, line1 = t->end_mark.line;
	size_t col = t->start_mark.column;
	int type = (int)t->type;
	bool at_start;

	switch (t->type) {
	case YAML_STREAM_START_TOKEN:
		return;
	case YAML_BLOCK_MAPPING_START_TOKEN:
		push(f, COLL_MAP, col);
		return;
	case YAML_BLOCK_SEQUENCE_START_TOKEN:
		push(f, COLL_SEQ, col);
		return;
	case YAML_BLOCK_END_TOKEN:
		end_indentless(f);
		pop(f);
		return;
	case YAML_BLOCK_ENTRY_TOKEN:
		if (!f->depth || f->stack[f->depth - 1].kind == COLL_MAP)
			push(f, COLL_ISEQ, col);
		break;
	case YAML_KEY_TOKEN:
	case YAML_VALUE_TOKEN:
		if (!f->flow)
			end_indentless(f);
		break;
	default:
		break;
	}
	e = mark_off(f, &t->end_mark);
	if (f->bad || f->nomem)
		return;
	at_start = gap(f, s, type, col, e == s);
	if (f->bad || f->nomem || t->type == YAML_STREAM_END_TOKEN)
		return;
	f->hw = f->depth;
	if (e == s) {
		/* an implicit key: nothing to write, no spacing used up */
		f->pos = e;
		f->any = true;
		return;
	}
	if (!at_start)
		flow_item(f);
	switch (t->type) {
	case YAML_FLOW_SEQUENCE_START_TOKEN:
	case YAML_FLOW_MAPPING_START_TOKEN:
		if (MC_GROW(f->fl, f->capfl, f->flow + 1) < 0) {
			f->nomem = true;
			return;
		}
		f->fl[f->flow++] = (flowc){out_col(f), f->line_indent, 0, 0, true};
		put(f, f->src + s, e - s);
		break;
	case YAML_FLOW_SEQUENCE_END_TOKEN:
	case YAML_FLOW_MAPPING_END_TOKEN:
		if (f->flow)
			f->flow--;
		put(f, f->src + s, e - s);
		break;
	case YAML_SCALAR_TOKEN:
		if (t->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
		    t->data.scalar.style == YAML_FOLDED_SCALAR_STYLE) {
			block_scalar(f, s, line0);
			f->any = true;
			return;
		}
		if (line1 > line0) {
			size_t indent;

			if (f->flow)
				indent = flow_indent(f, YAML_SCALAR_TOKEN);
			else if (at_start)
				indent = f->line_indent;
			else
				indent = f->depth ? f->stack[f->depth - 1].out + 2 : 2;
			flow_scalar(f, s, e, line0, line1, t->data.scalar.style,
				    indent);
			break;
		}
		put(f, f->src + s, e - s);
		break;
	default:
		if (line1 != line0) {
			f->bad = true;  /* only scalars span lines */
			return;
		}
		put(f, f->src + s, e - s);
		break;
	}
	f->prev = type;
	f->pos = e;
	f->any = true;
}

/* ------------------------------------------------------------------------
 * The safety net: the output reads as the same events as the source
 */

static bool
same_str(const yaml_char_t *a, const yaml_char_t *b)
{
	if (!a || !b)
		return a == b;
	return strcmp((const char *)a, (const char *)b) == 0;
}

static bool
same_event(const yaml_event_t *a, const yaml_event_t *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case YAML_DOCUMENT_START_EVENT:
		return a->data.document_start.implicit ==
			       b->data.document_start.implicit &&
		       !a->data.document_start.version_directive ==
			       !b->data.document_start.version_directive;
	case YAML_DOCUMENT_END_EVENT:
		return a->data.document_end.implicit == b->data.document_end.implicit;
	case YAML_ALIAS_EVENT:
		return same_str(a->data.alias.anchor, b->data.alias.anchor);
	case YAML_SCALAR_EVENT:
		return same_str(a->data.scalar.anchor, b->data.scalar.anchor) &&
		       same_str(a->data.scalar.tag, b->data.scalar.tag) &&
		       a->data.scalar.length == b->data.scalar.length &&
		       memcmp(a->data.scalar.value, b->data.scalar.value,
			      a->data.scalar.length) == 0 &&
		       a->data.scalar.plain_implicit == b->data.scalar.plain_implicit &&
		       a->data.scalar.quoted_implicit == b->data.scalar.quoted_implicit &&
		       a->data.scalar.style == b->data.scalar.style;
	case YAML_SEQUENCE_START_EVENT:
		return same_str(a->data.sequence_start.anchor,
				b->data.sequence_start.anchor) &&
		       same_str(a->data.sequence_start.tag, b->data.sequence_start.tag) &&
		       a->data.sequence_start.implicit == b->data.sequence_start.implicit &&
		       a->data.sequence_start.style == b->data.sequence_start.style;
	case YAML_MAPPING_START_EVENT:
		return same_str(a->data.mapping_start.anchor,
				b->data.mapping_start.anchor) &&
		       same_str(a->data.mapping_start.tag, b->data.mapping_start.tag) &&
		       a->data.mapping_start.implicit == b->data.mapping_start.implicit &&
		       a->data.mapping_start.style == b->data.mapping_start.style;
	default:
		return true;
	}
}

/* 1: a and b read as the same events; 0: they do not (or b does not
 * read); -1: memory ran out. */
static int
same_events(const char *a, size_t alen, const char *b, size_t blen)
{
	yaml_parser_t pa, pb;
	int rc = -1;

	if (!yaml_parser_initialize(&pa))
		return -1;
	if (!yaml_parser_initialize(&pb)) {
		yaml_parser_delete(&pa);
		return -1;
	}
	yaml_parser_set_input_string(&pa, (const unsigned char *)a, alen);
	yaml_parser_set_input_string(&pb, (const unsigned char *)b, blen);
	for (;;) {
		yaml_event_t ea, eb;
		bool same, end;

		if (!yaml_parser_parse(&pa, &ea)) {
			rc = pa.error == YAML_MEMORY_ERROR ? -1 : 0;
			break;
		}
		if (!yaml_parser_parse(&pb, &eb)) {
			yaml_event_delete(&ea);
			rc = pb.error == YAML_MEMORY_ERROR ? -1 : 0;
			break;
		}
		same = same_event(&ea, &eb);
		end = ea.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ea);
		yaml_event_delete(&eb);
		if (!same || end) {
			rc = same;
			break;
		}
	}
	yaml_parser_delete(&pa);
	yaml_parser_delete(&pb);
	return rc;
}

/* ------------------------------------------------------------------------
 * The public function
 */

/* Refuses what the formatter does not read: other encodings than UTF-8,
 * and the line breaks of YAML 1.1 that are not ASCII. */
static int
refuse_unsupported(const mc_file *file, mc_diag *diag)
{
	const unsigned char *s = (const unsigned char *)file->data;
	size_t len = file->len;

	if (len >= 2 && ((s[0] == 0xFE && s[1] == 0xFF) ||
			 (s[0] == 0xFF && s[1] == 0xFE))) {
		mc_file_diag(diag, MC_SEVERITY_ERROR, file, 1, 1,
			     "fmt reads UTF-8 only, and this file is UTF-16");
		return MC_EINPUT;
	}
	for (size_t i = 0; i + 1 < len; i++) {
		if ((s[i] == 0xC2 && s[i + 1] == 0x85) ||
		    (i + 2 < len && s[i] == 0xE2 && s[i + 1] == 0x80 &&
		     (s[i + 2] == 0xA8 || s[i + 2] == 0xA9))) {
			size_t line, col;

			mc_text_offset_pos(file->data, len, i, &line, &col);
			mc_file_diag(diag, MC_SEVERITY_ERROR, file,
				     (unsigned)line + 1, (unsigned)col + 1,
				     "fmt does not format a file with a NEL, "
				     "line separator or paragraph separator "
				     "character (U+0085, U+2028, U+2029)");
			return MC_EINPUT;
		}
	}
	return MC_OK;
}

static int
format(fmt *f, mc_diag *diag, const mc_file *file)
{
	yaml_parser_t parser;
	yaml_token_t t;
	size_t bom = f->len >= 3 && memcmp(f->src, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	bool done = false;

	if (index_lines(f, bom) < 0)
		return MC_ENOMEM;
	f->pos = bom;
	f->cur_off = bom;
	if (bom)
		put(f, f->src, bom);
	f->line_start = f->col_off = bom;
	if (!yaml_parser_initialize(&parser))
		return MC_ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)f->src,
				     f->len);
	while (!done && !f->bad && !f->nomem) {
		if (!yaml_parser_scan(&parser, &t)) {
			if (parser.error == YAML_MEMORY_ERROR)
				f->nomem = true;
			else
				f->bad = true;  /* the loader read it */
			break;
		}
		done = t.type == YAML_STREAM_END_TOKEN;
		token(f, &t);
		yaml_token_delete(&t);
	}
	yaml_parser_delete(&parser);
	if (f->nomem || mc_buf_failed(&f->out))
		return MC_ENOMEM;
	if (!f->bad) {
		/* One line break at the end, unless the last block scalar's
		 * value does without. */
		if (f->out.len > bom && !f->no_final_break)
			mc_buf_addc(&f->out, '\n');
		if (mc_buf_failed(&f->out))
			return MC_ENOMEM;
	}
	if (!f->bad) {
		int same = same_events(f->src, f->len, f->out.data ? f->out.data : "",
				       f->out.len);

		if (same < 0)
			return MC_ENOMEM;
		f->bad = !same;
	}
	if (f->bad) {
		mc_file_diag(diag, MC_SEVERITY_ERROR, file, 1, 1,
			     "fmt cannot lay this file out without changing what "
			     "it says (a bug in migcheck: please report it); "
			     "the file is left as it is");
		mc_diag_set_code(diag, "fmt-internal");
		return MC_EINPUT;
	}
	return MC_OK;
}

int
mc_policy_format(char **out, size_t *outlen, const char *name,
		 const char *buf, size_t len, const mc_limits *limits,
		 mc_diag *diag)
{
	mc_doc *doc = NULL;
	mc_file file = {name, buf, len, NULL};
	fmt f;
	int rc;

	*out = NULL;
	*outlen = 0;
	/* What every command refuses, fmt refuses at the same place. */
	rc = mc_doc_load_buffer(&doc, name, buf, len, limits, diag);
	mc_doc_free(doc);
	if (rc != MC_OK)
		return rc;
	if ((rc = refuse_unsupported(&file, diag)) != MC_OK)
		goto out;
	memset(&f, 0, sizeof(f));
	f.src = buf;
	f.len = len;
	f.out = (mc_buf)MC_BUF_INIT;
	f.prev = TOK_LINE_START;
	f.fresh = true;  /* the first comment is on a line of its own */
	rc = format(&f, diag, &file);
	if (rc == MC_OK)
		rc = mc_buf_take(&f.out, out, outlen);
	mc_buf_free(&f.out);
	free(f.lines);
	free(f.stack);
	free(f.items);
	free(f.fl);
out:
	mc_file_release(&file);
	return rc;
}
