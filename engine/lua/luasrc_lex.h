/* SPDX-License-Identifier: MIT */
/*
 * luasrc_lex.h - the tokenizer of the Lua source scanner (luasrc.c), as
 * Lua 5.4's llex.h is lparser.c's: tokens of Lua 5.4 with their bytes and
 * their 1-based line and column, and the value of a string literal.
 * Internal to lua/.
 */
#ifndef MC_LUASRC_LEX_H
#define MC_LUASRC_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Tokens: single characters stand for themselves. */
enum {
	TK_EOF = 256,
	TK_NAME, TK_NUMBER, TK_STRING, TK_BAD,
	/* reserved words, in the order of `keywords` */
	TK_AND, TK_BREAK, TK_DO, TK_ELSE, TK_ELSEIF, TK_END, TK_FALSE,
	TK_FOR, TK_FUNCTION, TK_GOTO, TK_IF, TK_IN, TK_LOCAL, TK_NIL,
	TK_NOT, TK_OR, TK_REPEAT, TK_RETURN, TK_THEN, TK_TRUE, TK_UNTIL,
	TK_WHILE,
	/* operators of more than one character */
	TK_IDIV, TK_CONCAT, TK_DOTS, TK_EQ, TK_GE, TK_LE, TK_NE, TK_SHL,
	TK_SHR, TK_DBCOLON
};

typedef struct mc_ltoken {
	int kind;
	size_t off, end;       /* its bytes */
	size_t cstart, cend;   /* strings: the bytes between the delimiters */
	bool is_long;          /* a long string [[...]] */
	uint32_t line, col;
} mc_ltoken;

typedef struct mc_llexer {
	const unsigned char *s;
	size_t len;
	size_t pos;            /* where the next token is looked for */
	size_t mpos;           /* the position below is that of byte mpos */
	uint32_t mline, mcol;
} mc_llexer;

/* Sets up lx for len bytes at s: past a UTF-8 byte order mark (not a
 * column) and a first line starting with '#'. s must outlive lx. */
void mc_llex_init(mc_llexer *lx, const char *s, size_t len);

/* Reads the next token into t, skipping white space and comments. At the
 * end of the source, and after it, gives TK_EOF. */
void mc_llex(mc_llexer *lx, mc_ltoken *t);

/* Writes the value of string token t of lx's source, decoded as Lua does,
 * into out (t->cend - t->cstart + 1 bytes at least: a string's value is
 * never longer than its source text), NUL-terminated; returns its
 * length. */
size_t mc_llex_string(const mc_llexer *lx, const mc_ltoken *t, char *out);

#endif
