/* SPDX-License-Identifier: MIT */
/*
 * report_html.c - HTML documents written by libxml2's xmlTextWriter
 * (report_html.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "report_html.h"
#include "xml.h"

#define W(h) ((xmlTextWriterPtr)(h)->w)

/* Latches a writer's failure (a negative return). */
static void
check(html *h, int rc)
{
	if (rc < 0)
		h->failed = true;
}

bool
html_open(html *h, const char *title)
{
	memset(h, 0, sizeof(*h));
	if (!(h->buf = xmlBufferCreate()) ||
	    !(h->w = xmlNewTextWriterMemory(h->buf, 0))) {
		xmlBufferFree(h->buf);
		h->buf = NULL;
		return false;
	}
	/* No XML declaration: an HTML parser would read it as a comment at
	 * best. The doctype is what HTML wants, and XML parsers take it. */
	check(h, xmlTextWriterWriteRaw(W(h), BAD_CAST "<!DOCTYPE html>\n"));
	html_start(h, "html", NULL);
	html_attr(h, "xmlns", "http://www.w3.org/1999/xhtml");
	html_attr(h, "lang", "en");
	html_start(h, "head", NULL);
	if (!h->failed) {
		check(h, xmlTextWriterStartElement(W(h), BAD_CAST "meta"));
		html_attr(h, "charset", "utf-8");
		check(h, xmlTextWriterEndElement(W(h)));
	}
	html_elem(h, "title", NULL, title);
	html_start(h, "style", NULL);
	if (!h->failed)
		check(h, xmlTextWriterWriteRaw(W(h), BAD_CAST report_html_css));
	html_end(h);
	html_end(h);
	html_start(h, "body", NULL);
	return !h->failed;
}

void
html_start(html *h, const char *tag, const char *cls)
{
	if (h->failed)
		return;
	check(h, xmlTextWriterStartElement(W(h), (const xmlChar *)tag));
	if (cls)
		html_attr(h, "class", cls);
}

void
html_end(html *h)
{
	if (!h->failed)
		check(h, xmlTextWriterFullEndElement(W(h)));
}

void
html_attr(html *h, const char *name, const char *value)
{
	if (!h->failed)
		check(h, cli_xml_attr(W(h), name, value));
}

void
html_text(html *h, const char *s)
{
	if (!h->failed && s)
		check(h, cli_xml_text(W(h), s));
}

void
html_textf(html *h, const char *fmt, ...)
{
	va_list ap;
	char small[256], *s = small;
	int n;

	if (h->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(small) && (s = malloc((size_t)n + 1)) != NULL) {
		va_start(ap, fmt);
		vsnprintf(s, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	if (n < 0 || !s) {
		h->failed = true;
		return;
	}
	html_text(h, s);
	if (s != small)
		free(s);
}

void
html_elem(html *h, const char *tag, const char *cls, const char *text)
{
	html_start(h, tag, cls);
	html_text(h, text);
	html_end(h);
}

void
html_location(html *h, const mc_location *at)
{
	if (!at || !at->file) {
		html_elem(h, "span", "none", "-");
		return;
	}
	html_start(h, "code", "at");
	html_text(h, at->file);
	html_textf(h, ":%u:%u", at->line, at->column);
	html_end(h);
}

void
html_verdict(html *h, const char *cls, const char *word)
{
	const char *mark = strcmp(cls, "ok") == 0 ? "\u2713 "
			   : strcmp(cls, "bad") == 0 ? "\u2717 "
			   : strcmp(cls, "warn") == 0 ? "! " : "\u2013 ";

	html_start(h, "span", cls);
	html_text(h, mark);
	html_text(h, word);
	html_end(h);
}

void
html_section(html *h, const char *id, const char *title)
{
	html_start(h, "section", NULL);
	html_attr(h, "id", id);
	html_elem(h, "h2", NULL, title);
}

void
html_th(html *h, const char *scope, const char *text)
{
	html_start(h, "th", NULL);
	html_attr(h, "scope", scope);
	html_text(h, text);
	html_end(h);
}

void
html_td(html *h, const char *text)
{
	html_elem(h, "td", NULL, text);
}

void
html_text_list(html *h, const char *const *items, size_t n, const char *none)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			html_text(h, ", ");
		html_text(h, items[i]);
	}
	if (!n)
		html_text(h, none);
}

void
html_dl_item(html *h, const char *term, const char *cls, const char *value)
{
	html_elem(h, "dt", NULL, term);
	html_elem(h, "dd", cls, value);
}

void
html_table_head(html *h, const char *cls, const char *caption)
{
	html_start(h, "table", cls);
	html_elem(h, "caption", NULL, caption);
	html_start(h, "thead", NULL);
	html_start(h, "tr", NULL);
}

void
html_table_body(html *h)
{
	html_end(h);  /* tr */
	html_end(h);  /* thead */
	html_start(h, "tbody", NULL);
}

void
html_table(html *h, const char *caption, const char *const *cols, size_t n)
{
	html_table_head(h, NULL, caption);
	for (size_t i = 0; i < n; i++)
		html_th(h, "col", cols[i]);
	html_table_body(h);
}

void
html_table_end(html *h)
{
	html_end(h);  /* tbody */
	html_end(h);  /* table */
}

char *
html_close(html *h, size_t *len)
{
	char *text = NULL;
	bool ok = !h->failed && xmlTextWriterEndDocument(W(h)) >= 0;

	xmlFreeTextWriter(W(h));
	if (ok && (text = malloc((size_t)xmlBufferLength(h->buf) + 2))) {
		*len = (size_t)xmlBufferLength(h->buf);
		memcpy(text, xmlBufferContent(h->buf), *len);
		/* The document ends its last line. */
		if (!*len || text[*len - 1] != '\n')
			text[(*len)++] = '\n';
		text[*len] = '\0';
	}
	xmlBufferFree(h->buf);
	memset(h, 0, sizeof(*h));
	return text;
}
