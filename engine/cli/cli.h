/* SPDX-License-Identifier: MIT */
/*
 * cli.h - what the commands of the migcheck program share: exit statuses,
 * printing diagnostics, finding the default policy, loading inputs, and
 * writing output all at once (a failed command prints nothing on stdout).
 */
#ifndef MC_CLI_H
#define MC_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "migcheck.h"
#include "opt.h"

enum {
	CLI_YES = 0,    /* the answer is yes */
	CLI_NO = 1,     /* the answer is no */
	CLI_ERROR = 2   /* no answer: bad usage or bad input */
};

/* One command: `migcheck NAME ...`. */
typedef struct cli_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
	void (*help)(FILE *out);
	const cli_spec *spec;   /* its options, or NULL (help, version) */
	const char *const *subjects;  /* the words its first argument may be
	                                 (NULL-terminated), or NULL: any */
} cli_command;

/* The options of each command (cmd_*.c), for its parser, its help and
 * shell completion. */
extern const cli_spec cli_baseline_spec, cli_check_spec, cli_diff_spec,
	cli_explain_spec, cli_fmt_spec, cli_import_spec, cli_lint_spec, cli_matrix_spec,
	cli_plan_spec, cli_probe_spec, cli_report_spec, cli_test_spec;

/* What `migcheck report` reports on, its first argument: "policy". */
extern const char *const cli_report_subjects[];

/* `migcheck complete WORD...`: what a shell may complete the last word
 * of the command line WORD... with (complete.c). */
int cli_complete(const cli_command *commands, size_t n, int argc, char **argv);

int cli_check(int argc, char **argv);
void cli_check_help(FILE *out);
int cli_plan(int argc, char **argv);
void cli_plan_help(FILE *out);
int cli_matrix(int argc, char **argv);
void cli_matrix_help(FILE *out);
int cli_baseline(int argc, char **argv);
void cli_baseline_help(FILE *out);
int cli_diff(int argc, char **argv);
void cli_diff_help(FILE *out);
int cli_explain(int argc, char **argv);
void cli_explain_help(FILE *out);
int cli_import(int argc, char **argv);
void cli_import_help(FILE *out);
int cli_lint(int argc, char **argv);
void cli_lint_help(FILE *out);
int cli_fmt(int argc, char **argv);
void cli_fmt_help(FILE *out);
int cli_test(int argc, char **argv);
void cli_test_help(FILE *out);
int cli_probe(int argc, char **argv);
void cli_probe_help(FILE *out);
int cli_report(int argc, char **argv);
void cli_report_help(FILE *out);

/* Is the terminal one that takes no escape sequences (TERM unset or
 * "dumb")? Then no colors, and no progress line redrawn in place. */
bool cli_dumb(void);

/* Where --color=WHEN is kept for the commands (main.c sets it from the
 * command line, so that every report and diagnostic sees it). */
#define CLI_COLOR_ENV "MIGCHECK_COLOR"

/* The values of --color, the default first. */
extern const char *const cli_color_whens[3];

/* True when colors may be written to the stream: with --color=always;
 * never with --color=never; else (auto) on a terminal that is not dumb,
 * NO_COLOR unset. */
bool cli_color(FILE *stream);

/* Prints every item of diag on stderr as FILE:LINE:COL: severity: message,
 * with the source line and a caret under the column. */
void cli_print_diags(const mc_diag *diag);

/* Prints "migcheck CMD: error: ..." and a hint to --help; returns
 * CLI_ERROR. */
int cli_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A command's formats are a table of entries whose first member is the
 * format's name (`const char *name`, the default first) and the others
 * its writer. cli_format() finds format in the table given as
 * CLI_FORMATS(table): its index, or -1 after a usage error that lists the
 * names ("unknown format 'x' (formats: text, json)").
 */
#define CLI_FORMATS(table) \
	&(table)[0].name, sizeof(table) / sizeof((table)[0]), sizeof((table)[0])
int cli_format(const char *cmd, const char *format, const char *const *names,
	       size_t n, size_t stride);

/* CLI_YES, or a usage error when --compact is given with a format other
 * than json (the other formats have one layout only). */
int cli_compact_usage(const char *cmd, bool compact, const char *format);

/* The usage error for what getopt_long returned as c for arg: a missing
 * value (':') or an unknown option. Returns CLI_ERROR. */
int cli_bad_option(const char *cmd, int c, const char *arg);


/*
 * The default policy: policies/scvmm-2008.yaml under share/migcheck next to
 * the program (the build tree and an installation look alike), else under
 * the installation's data directory. Returns a malloc'd path or NULL.
 */
char *cli_default_policy(void);

/* What a JSON document of the commands says it is: "schema" names the
 * file of schemas/ (installed in share/migcheck/schemas) that describes
 * it, NAME-VERSION.json; the version goes up when a key changes its
 * meaning or goes away (docs/schemas.md). */
#define CLI_SCHEMA(name, version) "schemas/" name "-" #version ".json"

/* The name standard input goes by in messages, read for a FILE "-". */
#define CLI_STDIN_NAME "<stdin>"

/* True for a FILE argument that stands for standard input: "-". */
bool cli_is_stdin(const char *path);

/*
 * Reads the open file fd to its end, or to one byte past the file-size
 * limit (which the loaders then report as the limit's error): *data is
 * malloc'd and NUL-terminated. Returns MC_OK, MC_EINPUT with errno set
 * when a read fails (nothing printed), or MC_ENOMEM.
 */
int cli_read_fd(int fd, const mc_limits *limits, char **data, size_t *len);

/*
 * Reads standard input to its end, or to one byte past the file-size limit
 * (which the loaders then report as the limit's error): *data is malloc'd
 * and NUL-terminated. Returns MC_OK, MC_EINPUT after printing a read
 * error, or MC_ENOMEM.
 */
int cli_read_stdin(const mc_limits *limits, char **data, size_t *len);

/* mc_policy_load, from standard input when path is "-". */
int cli_policy_load(mc_policy **out, const char *path, const mc_limits *limits,
		    mc_diag *diag);

/* Loads the policy at path (NULL: the default; "-": standard input) within
 * limits. Prints diagnostics and returns NULL on failure. */
mc_policy *cli_load_policy(const char *path, const mc_limits *limits,
			   mc_diag *diag);

/* Loads and merges the inventory files ("-": standard input) within
 * limits, and finishes the inventory. */
mc_inventory *cli_load_inventory(char *const *paths, size_t n,
				 const mc_limits *limits, mc_diag *diag);

/*
 * The options shared by every command that reads input and writes a report:
 * `-o FILE` and `--limit NAME=N`. A command lists CLI_OPT_SHARED in its
 * spec (opt.h) and hands both options to cli_shared_option().
 */
/* What the shared options set; cli_shared_init() gives the defaults. */
typedef struct cli_shared {
	const char *output;  /* -o FILE, or NULL for stdout */
	mc_limits limits;
} cli_shared;

void cli_shared_init(cli_shared *sh);

/* Takes option c (-o or --limit) with its argument for command cmd.
 * Returns CLI_YES, or CLI_ERROR after printing a usage error. */
int cli_shared_option(cli_shared *sh, const char *cmd, int c, const char *arg);

/* Writes the report to sh->output (see cli_write_file) or to stdout. */
int cli_output(const cli_shared *sh, const char *text, size_t len);

/*
 * The policy, inventory and fleet of a command that answers about a fleet
 * (check, plan, matrix, baseline): cli_fleet_option() takes -p POLICY
 * (once) and -i FILE (repeated), cli_fleet_open() loads and binds them.
 */
typedef struct cli_fleet {
	const char *policy_path;   /* NULL: the default policy */
	char **inventories;
	size_t ninv;
	mc_diag *diag;
	mc_policy *policy;
	mc_inventory *inv;
	mc_fleet *fleet;
} cli_fleet;

/* Makes room for the inventories of argc arguments; CLI_ERROR when memory
 * runs out. */
int cli_fleet_init(cli_fleet *cf, int argc);

/* Takes option c ('p' or 'i'); the parser has refused a second -p. */
void cli_fleet_option(cli_fleet *cf, int c, char *arg);

/*
 * The next of a command's own options, as cli_opt_next() gives them, once
 * the options it shares are taken: -o and --limit into sh, and -p and -i
 * into cf (each skipped when NULL). Returns an option's id or CLI_OPT_ARG
 * (both above CLI_OPT_END), or CLI_OPT_END, CLI_OPT_HELP or CLI_OPT_ERROR
 * (a shared option's error is printed); cli_opt_status() turns the last
 * two into the command's exit status.
 */
int cli_next_option(cli_parser *p, cli_shared *sh, cli_fleet *cf, char **arg);

/* CLI_YES after --help, CLI_ERROR after a usage error. */
int cli_opt_status(int c);

/* CLI_YES when an inventory was named, else a usage error. */
int cli_fleet_named(const cli_fleet *cf, const char *cmd);

/* Loads the policy and the inventories within sh's limits and binds them,
 * printing diagnostics; CLI_YES or CLI_ERROR. */
int cli_fleet_open(cli_fleet *cf, const cli_shared *sh);

void cli_fleet_close(cli_fleet *cf);

/* After an engine call failed with rc: says so when memory ran out, and
 * prints the diagnostics. Returns CLI_ERROR. */
int cli_fail(int rc, const mc_diag *diag);

/* Writes s as one line of text for a terminal: every control character,
 * newlines too, escaped (mc_text_printable). For what commands print
 * on stderr. */
void cli_put(FILE *out, const char *s);

/*
 * As fprintf, but every string argument (%s) is written as one line, as
 * cli_put writes it: its newlines escaped too, so that the only line breaks
 * of a report are its own. Text reports print with it. It takes what they
 * use: s, d, i, u and x, with '-', a width and a precision (digits or *) and
 * the length modifiers l, ll and z; anything else is a programmer error.
 * Returns the number of bytes written, as fprintf.
 */
int cli_printf(FILE *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Writes a diagnostic's source line as cli_put does, after its number,
 * and a caret under the column on the next line. */
void cli_source_line(FILE *out, const char *line, unsigned lineno,
		     unsigned column);

/*
 * A text report being built: what is written to `out` is kept with every
 * control character escaped but newlines (mc_text_printable), so that
 * no text from a file, a host or a rule reaches the terminal raw; the
 * report's own terminal styles go through cli_text_style. Every report in
 * text, CSV or DOT is written through one. JSON escapes on its own.
 */
typedef struct cli_text {
	FILE *out;
	char *raw;      /* what was written to out, unescaped */
	size_t rawlen;
	size_t done;    /* bytes of raw escaped into text */
	FILE *esc;      /* the escaped report, written to text */
	char *text;
	size_t textlen;
	bool failed;    /* memory ran out */
} cli_text;

/* Opens t; false when memory runs out. */
bool cli_text_open(cli_text *t);

/* Writes a terminal style (an SGR sequence, or "" for none) as it is. */
void cli_text_style(cli_text *t, const char *sgr);

/* Closes t and returns the report (malloc'd, its length in *len), or NULL
 * when memory ran out. */
char *cli_text_close(cli_text *t, size_t *len);

/* The marks text reports draw: UTF-8 ones, or ASCII under a locale whose
 * character set is not UTF-8. */
typedef struct cli_glyphs {
	const char *star, *half, *empty;   /* a rating's five: "★★★½☆", "***+." */
	const char *cross, *tick;          /* a violation, a check that passed */
	const char *bullet, *dot;          /* a remedy; between values */
} cli_glyphs;

/* The glyphs for the environment's locale (LC_ALL, else LC_CTYPE, else
 * LANG, as setlocale would choose): UTF-8 when it names UTF-8. One of two
 * constant tables; a report asks once. */
const cli_glyphs *cli_glyphs_get(void);

/* A rating in half stars as five stars: "★★★½☆". */
void cli_stars(FILE *out, unsigned halves, const cli_glyphs *g);

/* A rating in half stars as text: "3.5", "5". */
void cli_rating(char *buf, size_t size, unsigned halves);

/* Is value i the same in every class of k? (matrix --format text writes
 * such values once, above the classes; report fleet likewise.) */
bool cli_matrix_shared(const mc_matrix_kind *k, size_t i);

/* A class's value as matrix's text and report fleet write it after its
 * name: "(none)", a set by its size ("(96)", in num), the rest as it is. */
const char *cli_matrix_value(const mc_matrix_value *v, char num[32]);

/* Writes FILE:LINE:COL (nothing for a location without a file). */
void cli_location(FILE *out, const mc_location *at);

/* Writes len bytes at text to stdout and flushes; CLI_ERROR on failure. */
int cli_emit(const char *text, size_t len);

/*
 * Writes len bytes at text to path, never replacing what is not a regular
 * file. A regular file (or a new path) gets a new file next to it, renamed
 * over it: a reader sees what path held or all of the new text, never
 * half, and a failure leaves path as it was. A new file gets 0666 less the
 * umask; a replaced one keeps its mode, owner and group. A FIFO or a
 * character device is written in place, as a shell's `>` would; a symbolic
 * link is kept and what it points at written. A directory, a block device,
 * a socket and a link to nothing are refused. Reports a failure on stderr;
 * returns CLI_YES or CLI_ERROR.
 */
int cli_write_file(const char *path, const char *text, size_t len);

/*
 * A report written as it is made, to a file as cli_write_file writes it
 * (into the file that will replace path, or in place) or to stdout when
 * path is NULL. cli_sink_open reports why it cannot and returns
 * CLI_ERROR; otherwise write to s->f, then cli_sink_close: with ok, the
 * file is flushed, synced and renamed over path (a write error is
 * reported); without, it is removed and path left as it was. Returns
 * CLI_YES or CLI_ERROR. What goes to stdout cannot be taken back: write
 * there only what can no longer fail but for the writes themselves.
 */
typedef struct cli_sink {
	FILE *f;
	int fd;             /* f's file descriptor, for a file */
	const char *path;   /* NULL: stdout */
	char *tmp;          /* the file that replaces target, until renamed */
	char *target;
} cli_sink;

int cli_sink_open(cli_sink *s, const char *path);

/* As cli_sink_open, for a report that is a document kept as a file
 * (`migcheck report`): path (NULL or "-" is a programmer error) must be a
 * regular file, a link to one, or a new path. A FIFO, a device or a socket
 * is refused before anything is opened, so nothing is written to it. */
int cli_sink_open_file(cli_sink *s, const char *path);
int cli_sink_close(cli_sink *s, bool ok);

/*
 * A report's text gathered in one buffer that grows by doubling: with a
 * destination, handed to it whenever CLI_BUF_FLUSH bytes are there (a
 * report of millions of lines is never held whole); without one, kept,
 * NUL-terminated (data, len). A buffer whose memory ran out remembers it
 * (failed) and takes nothing more.
 */
typedef struct cli_buf {
	char *data;
	size_t len, cap;
	bool failed;
	FILE *dest;   /* or NULL */
} cli_buf;

#define CLI_BUF_FLUSH 65536

/* Makes room for n more bytes; NULL when memory runs out (failed). */
char *cli_buf_grow(cli_buf *b, size_t n);

/* Hands the bytes gathered to the destination. */
void cli_buf_flush(cli_buf *b);

/* Where up to n more bytes may be written, to be kept by cli_buf_commit;
 * NULL once memory ran out. For reports made of millions of short pieces,
 * formatted in place. */
static inline char *
cli_buf_room(cli_buf *b, size_t n)
{
	return !b->failed && n < b->cap - b->len ? b->data + b->len
						 : cli_buf_grow(b, n);
}

/* Keeps what was written from cli_buf_room's pointer up to end. */
static inline void
cli_buf_commit(cli_buf *b, char *end)
{
	*end = '\0';
	b->len = (size_t)(end - b->data);
	if (b->dest && b->len >= CLI_BUF_FLUSH)
		cli_buf_flush(b);
}

void cli_buf_add(cli_buf *b, const char *s, size_t n);
void cli_buf_puts(cli_buf *b, const char *s);

/* Closes t and adds what it wrote (escaped, as every text report is). */
void cli_buf_text(cli_buf *b, cli_text *t);

/* Hands what is left to the destination and frees the buffer; false when
 * memory ran out on the way. */
bool cli_buf_end(cli_buf *b);

#endif
