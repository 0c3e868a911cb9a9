/* SPDX-License-Identifier: MIT */
/*
 * report_html.h - one self-contained HTML document, written as
 * well-formed XHTML-compatible markup by libxml2's xmlTextWriter: no
 * script, no external resource, the style sheet inline (report_css.c).
 *
 * Each call writes into the document being built; the first failure (the
 * writer's, or memory) is remembered, every later call does nothing, and
 * html_close() says so by returning NULL. Elements that are not void are
 * always closed with an end tag (<td></td>, never <td/>), so that an HTML
 * parser reads what an XML parser reads.
 */
#ifndef MC_REPORT_HTML_H
#define MC_REPORT_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include "migcheck.h"

typedef struct html {
	void *buf;      /* xmlBufferPtr */
	void *w;        /* xmlTextWriterPtr */
	bool failed;
} html;

/* The style sheet every report carries, in a <style> element (CSS that
 * holds no '<' or '&', so it is the same in HTML and in XML). */
extern const char report_html_css[];

/* Starts the document: <!DOCTYPE html>, <html lang="en">, the head (charset,
 * title, style) and <body>. False when memory runs out. */
bool html_open(html *h, const char *title);

/* <tag class="cls"> (no class when cls is NULL); html_end() closes it. */
void html_start(html *h, const char *tag, const char *cls);
void html_end(html *h);

/* An attribute of the element just started. */
void html_attr(html *h, const char *name, const char *value);

/* Text, escaped as markup needs (any string makes well-formed XML: see
 * xml.h); NULL writes nothing. */
void html_text(html *h, const char *s);
void html_textf(html *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* <tag class="cls">text</tag> */
void html_elem(html *h, const char *tag, const char *cls, const char *text);

/* The n items joined with ", ", or `none` (may be NULL) when n is 0. */
void html_text_list(html *h, const char *const *items, size_t n, const char *none);

/* <dt>term</dt><dd class="cls">value</dd> */
void html_dl_item(html *h, const char *term, const char *cls, const char *value);

/* FILE:LINE:COL in a <code class="at">, or "-" for no place. */
void html_location(html *h, const mc_location *at);

/* A verdict as it reads without colour: a mark and a word in a span whose
 * class gives the colour ("ok" ✓, "bad" ✗, "warn" !, "none" –). */
void html_verdict(html *h, const char *cls, const char *word);

/* <section id="id"> and its <h2>title</h2>; html_end() closes it. */
void html_section(html *h, const char *id, const char *title);

/* <th scope="scope">text</th>, <td>text</td> */
void html_th(html *h, const char *scope, const char *text);
void html_td(html *h, const char *text);

/* A table's start: its caption, its head row of n columns, and <tbody>;
 * html_table_end() closes the body and the table. */
void html_table(html *h, const char *caption, const char *const *cols, size_t n);
void html_table_end(html *h);

/* The same in steps, for a head row the caller writes: html_table_head()
 * opens <table class="cls">, its caption and the head row; the caller adds
 * each <th scope="col">; html_table_body() closes the head, opens <tbody>. */
void html_table_head(html *h, const char *cls, const char *caption);
void html_table_body(html *h);

/* Ends every open element and the document; returns it (malloc'd, its
 * length in *len), or NULL when anything failed. Frees h either way. */
char *html_close(html *h, size_t *len);

#endif
