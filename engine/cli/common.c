/* SPDX-License-Identifier: MIT */
/*
 * common.c - shared command-line plumbing.
 */
#define _GNU_SOURCE  /* fopencookie, sync_file_range (a report's writeback), strcasestr */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define DEFAULT_POLICY "policies/scvmm-2008.yaml"

bool
cli_dumb(void)
{
	const char *term = getenv("TERM");

	return !term || !*term || strcmp(term, "dumb") == 0;
}

const char *const cli_color_whens[3] = {"auto", "always", "never"};

bool
cli_color(FILE *stream)
{
	const char *nc = getenv("NO_COLOR"), *when = getenv(CLI_COLOR_ENV);

	if (when && strcmp(when, "always") == 0)
		return true;
	if (when && strcmp(when, "never") == 0)
		return false;
	return isatty(fileno(stream)) && !(nc && *nc) && !cli_dumb();
}

void
cli_put(FILE *out, const char *s)
{
	char *text = NULL;
	size_t len = 0;

	if (mc_text_printable(&text, &len, s, strlen(s), false) != MC_OK) {
		fputs("(out of memory)", out);
		return;
	}
	fwrite(text, 1, len, out);
	free(text);
}

/* A string argument of cli_printf: at most prec bytes (prec < 0: all of
 * it), escaped as one line into *text. */
static int
printf_string(char **text, size_t *len, const char *s, int prec)
{
	size_t n = prec < 0 ? strlen(s) : strnlen(s, (size_t)prec);

	return mc_text_printable(text, len, s, n, false);
}

/* An integer argument of cli_printf, by its length modifier and
 * conversion, into buf. */
static size_t
printf_number(char *buf, size_t size, va_list *ap, int lng, char conv)
{
	if (conv == 'd' || conv == 'i') {
		intmax_t v = lng == 0 ? va_arg(*ap, int) : lng == 1 ? va_arg(*ap, long)
			     : lng == 2 ? va_arg(*ap, long long)
			     : (intmax_t)va_arg(*ap, size_t);

		return (size_t)snprintf(buf, size, "%jd", v);
	}
	uintmax_t v = lng == 0 ? va_arg(*ap, unsigned) : lng == 1
		      ? va_arg(*ap, unsigned long) : lng == 2
		      ? va_arg(*ap, unsigned long long) : va_arg(*ap, size_t);

	return (size_t)snprintf(buf, size, conv == 'x' ? "%jx" : "%ju", v);
}

int
cli_printf(FILE *out, const char *fmt, ...)
{
	char number[64];
	va_list ap;
	int written = 0;

	va_start(ap, fmt);
	for (const char *p = fmt; *p; p++) {
		size_t lit = strcspn(p, "%");
		bool left = false;
		int width = 0, prec = -1, lng = 0;
		const char *arg = "(out of memory)";
		char *text = NULL;
		size_t len = strlen(arg);

		if (lit) {
			fwrite(p, 1, lit, out);
			written += (int)lit;
			p += lit - 1;
			continue;
		}
		if (*++p == '%') {
			fputc('%', out);
			written++;
			continue;
		}
		for (; *p == '-'; p++)
			left = true;
		if (*p == '*') {
			width = va_arg(ap, int);
			p++;
		}
		for (; *p >= '0' && *p <= '9'; p++)
			width = width * 10 + (*p - '0');
		if (width < 0) {
			left = true;
			width = -width;
		}
		if (*p == '.') {
			prec = 0;
			if (*++p == '*') {
				prec = va_arg(ap, int);
				p++;
			}
			for (; *p >= '0' && *p <= '9'; p++)
				prec = prec * 10 + (*p - '0');
		}
		for (; *p == 'l'; p++)
			lng++;
		if (*p == 'z') {
			lng = 3;
			p++;
		}
		if (*p == 's') {
			if (printf_string(&text, &len, va_arg(ap, const char *),
					  prec) == MC_OK)
				arg = text;
			else
				len = strlen(arg);
		} else if (*p && strchr("diux", *p)) {
			len = printf_number(number, sizeof(number), &ap, lng, *p);
			arg = number;
		} else {
			assert(!"a conversion cli_printf does not take");
			break;
		}
		for (int k = (int)len; !left && k < width; k++)
			fputc(' ', out);
		fputs(arg, out);
		for (int k = (int)len; left && k < width; k++)
			fputc(' ', out);
		written += (int)len > width ? (int)len : width;
		free(text);
	}
	va_end(ap);
	return written;
}

/* Writes the caret line under a source line as cli_put shows it: a space
 * for every character that the escaped text before the column holds. */
static void
caret(FILE *out, const char *line, unsigned column)
{
	size_t n = strlen(line);
	char *before = NULL;
	size_t len = 0;

	if (mc_text_printable(&before, &len, line,
			      mc_text_column_offset(line, n, column),
			      false) == MC_OK) {
		for (size_t k = 0; k < len; k++) {
			if ((before[k] & 0xC0) != 0x80)
				fputc(' ', out);
		}
	}
	fputc('^', out);
	free(before);
}

void
cli_source_line(FILE *out, const char *line, unsigned lineno, unsigned column)
{
	fprintf(out, "%5u | ", lineno);
	cli_put(out, line);
	fputs("\n      | ", out);
	caret(out, line, column);
	fputc('\n', out);
}

void
cli_print_diags(const mc_diag *diag)
{
	bool color = cli_color(stderr);
	size_t n = mc_diag_count(diag), errors = mc_diag_error_count(diag);

	for (size_t i = 0; i < n; i++) {
		const mc_diag_item *it = mc_diag_get(diag, i);
		const char *sev = it->severity == MC_SEVERITY_ERROR ? "error"
				  : it->severity == MC_SEVERITY_WARNING ? "warning" : "note";
		const char *on = "", *off = "";

		if (color) {
			on = it->severity == MC_SEVERITY_ERROR ? "\033[1;31m" : "\033[1;35m";
			off = "\033[0m";
		}
		if (it->at.file) {
			cli_put(stderr, it->at.file);
			fprintf(stderr, ":%u:%u: ", it->at.line, it->at.column);
		} else {
			fputs("migcheck: ", stderr);
		}
		fprintf(stderr, "%s%s:%s ", on, sev, off);
		cli_put(stderr, it->message);
		fputc('\n', stderr);
		if (it->source_line && *it->source_line)
			cli_source_line(stderr, it->source_line, it->at.line,
					it->at.column);
	}
	if (errors > 1)
		fprintf(stderr, "migcheck: %zu errors\n", errors);
}

int
cli_usage(const char *cmd, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "migcheck %s: error: ", cmd);
	cli_put(stderr, msg);
	fprintf(stderr, "\nTry 'migcheck %s --help'.\n", cmd);
	return CLI_ERROR;
}

bool
cli_text_open(cli_text *t)
{
	memset(t, 0, sizeof(*t));
	t->out = open_memstream(&t->raw, &t->rawlen);
	if (!t->out)
		return false;
	t->esc = open_memstream(&t->text, &t->textlen);
	if (!t->esc) {
		fclose(t->out);
		free(t->raw);
		return false;
	}
	return true;
}

/* Escapes what was written since the last call into t->esc. */
static void
text_escape(cli_text *t)
{
	char *text = NULL;
	size_t len = 0;

	if (mc_text_printable(&text, &len, t->raw + t->done,
			      t->rawlen - t->done, true) != MC_OK) {
		t->failed = true;
		return;
	}
	fwrite(text, 1, len, t->esc);
	free(text);
	t->done = t->rawlen;
}

void
cli_text_style(cli_text *t, const char *sgr)
{
	if (!*sgr)
		return;
	if (fflush(t->out) != 0)
		t->failed = true;
	text_escape(t);
	fputs(sgr, t->esc);
}

char *
cli_text_close(cli_text *t, size_t *len)
{
	char *text = NULL;

	if (fclose(t->out) != 0)
		t->failed = true;
	else
		text_escape(t);
	free(t->raw);
	if (fclose(t->esc) != 0)
		t->failed = true;
	if (!t->failed) {
		text = t->text;
		t->text = NULL;
		*len = t->textlen;
	}
	free(t->text);
	return text;
}

static char *
join(const char *dir, size_t dirlen, const char *rest)
{
	size_t n = dirlen + 1 + strlen(rest) + 1;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%.*s/%s", (int)dirlen, dir, rest);
	return p;
}

/* Shortens an absolute path under the working directory to a relative
 * one, as a user would write it. */
static char *
relative(char *path)
{
	char cwd[PATH_MAX];
	size_t n;

	if (!getcwd(cwd, sizeof(cwd)))
		return path;
	n = strlen(cwd);
	if (strncmp(path, cwd, n) == 0 && path[n] == '/')
		memmove(path, path + n + 1, strlen(path + n + 1) + 1);
	return path;
}

/* The name of entry i of a format table. */
static const char *
format_name(const char *const *names, size_t stride, size_t i)
{
	return *(const char *const *)(const void *)((const char *)names + i * stride);
}

int
cli_format(const char *cmd, const char *format, const char *const *names,
	   size_t n, size_t stride)
{
	char list[256] = "";
	size_t used = 0;
	const char *near;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(format_name(names, stride, i), format) == 0)
			return (int)i;
	}
	for (size_t i = 0; i < n && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
					 i ? ", " : "", format_name(names, stride, i));
	if ((near = mc_text_nearest(format, names, n, stride)))
		cli_usage(cmd, "unknown format '%s': did you mean '%s'? (formats: %s)",
			  format, near, list);
	else
		cli_usage(cmd, "unknown format '%s' (formats: %s)", format, list);
	return -1;
}

int
cli_compact_usage(const char *cmd, bool compact, const char *format)
{
	if (compact && strcmp(format, "json") != 0)
		return cli_usage(cmd, "--compact is for --format json, not '%s'", format);
	return CLI_YES;
}

int
cli_bad_option(const char *cmd, int c, const char *arg)
{
	return c == ':' ? cli_usage(cmd, "option '%s' needs a value", arg)
			: cli_usage(cmd, "unknown option '%s'", arg);
}

char *
cli_default_policy(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *path;

	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			path = join(exe, strlen(exe), "../share/migcheck/" DEFAULT_POLICY);
			if (path && access(path, R_OK) == 0) {
				char *real = realpath(path, NULL);
				if (real) {
					free(path);
					return relative(real);
				}
				return path;
			}
			free(path);
		}
	}
	path = join(MC_INSTALL_DATADIR, strlen(MC_INSTALL_DATADIR), DEFAULT_POLICY);
	return path;
}

bool
cli_is_stdin(const char *path)
{
	return strcmp(path, "-") == 0;
}

int
cli_read_fd(int fd, const mc_limits *limits, char **data, size_t *len)
{
	size_t cap = 0, n = 0, most = limits->max_file_bytes + 1;
	char *buf = NULL;

	*data = NULL;
	*len = 0;
	for (;;) {
		ssize_t got;

		if (n + 1 >= cap) {
			size_t want = cap ? cap * 2 : 65536;
			char *more = realloc(buf, want);

			if (!more) {
				free(buf);
				return MC_ENOMEM;
			}
			buf = more;
			cap = want;
		}
		got = read(fd, buf + n, cap - 1 - n < most - n ? cap - 1 - n
							 : most - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			free(buf);
			return MC_EINPUT;
		}
		n += (size_t)got;
		if (n >= most || got == 0)
			break;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return MC_OK;
}

int
cli_read_stdin(const mc_limits *limits, char **data, size_t *len)
{
	int rc = cli_read_fd(STDIN_FILENO, limits, data, len);

	if (rc == MC_EINPUT)
		fprintf(stderr, "migcheck: error: reading standard input: %s\n",
			strerror(errno));
	return rc;
}

int
cli_policy_load(mc_policy **out, const char *path, const mc_limits *limits,
		mc_diag *diag)
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	if (!cli_is_stdin(path))
		return mc_policy_load(out, path, limits, diag);
	*out = NULL;
	if ((rc = cli_read_stdin(limits, &data, &len)) != MC_OK)
		return rc;
	rc = mc_policy_load_buffer(out, CLI_STDIN_NAME, data, len, limits, diag);
	free(data);
	return rc;
}

mc_policy *
cli_load_policy(const char *path, const mc_limits *limits, mc_diag *diag)
{
	char *def = NULL;
	mc_policy *p = NULL;
	int rc;

	if (!path) {
		def = cli_default_policy();
		if (!def) {
			fprintf(stderr, "migcheck: error: out of memory\n");
			return NULL;
		}
		path = def;
	}
	rc = cli_policy_load(&p, path, limits, diag);
	if (rc == MC_ENOMEM)
		fprintf(stderr, "migcheck: error: out of memory loading %s\n", path);
	cli_print_diags(diag);
	mc_diag_clear(diag);
	free(def);
	return p;
}

mc_inventory *
cli_load_inventory(char *const *paths, size_t n, const mc_limits *limits,
		   mc_diag *diag)
{
	mc_inventory *inv = NULL;
	int rc = mc_inventory_new(&inv, limits);

	for (size_t i = 0; i < n && rc == MC_OK; i++) {
		char *data = NULL;
		size_t len = 0;

		if (!cli_is_stdin(paths[i])) {
			rc = mc_inventory_add_file(inv, paths[i], diag);
		} else if ((rc = cli_read_stdin(limits, &data, &len)) == MC_OK) {
			rc = mc_inventory_add_buffer(inv, CLI_STDIN_NAME, data, len,
						     diag);
			free(data);
		}
	}
	if (rc == MC_OK)
		rc = mc_inventory_finish(inv, diag);
	if (rc == MC_ENOMEM)
		fprintf(stderr, "migcheck: error: out of memory loading the inventory\n");
	cli_print_diags(diag);
	mc_diag_clear(diag);
	if (rc != MC_OK) {
		mc_inventory_free(inv);
		return NULL;
	}
	return inv;
}

/* The limits --limit can change: a name, where the member lives in
 * mc_limits, its size, and the most it may be (0: what the member holds). */
static const struct cli_limit {
	const char *name;
	size_t offset;
	size_t size;   /* of the member: 4 or 8 bytes */
	uint64_t min;  /* the least value taken */
	uint64_t max;  /* the most, or 0: what the member holds */
} cli_limits[] = {
#define LIMIT(name, member, min, max) \
	{name, offsetof(mc_limits, member), sizeof(((mc_limits *)0)->member), \
	 min, max}
	LIMIT("file-size", max_file_bytes, 1, 0),
	LIMIT("scalar-size", max_scalar_bytes, 1, 0),
	LIMIT("nodes", max_nodes, 1, 0),
	LIMIT("depth", max_depth, 1, MC_MAX_DEPTH),
	LIMIT("items", max_items, 1, 0),
	LIMIT("alias-nodes", max_alias_nodes, 1, 0),
	LIMIT("extends", max_extends, 1, 0),
	LIMIT("regex-match", regex_match_limit, 1, 0),
	LIMIT("regex-depth", regex_depth_limit, 1, 0),
	LIMIT("regex-run", regex_run_steps, 1, 0),
	LIMIT("lua-instructions", lua_max_instructions, 1, 0),
	LIMIT("lua-memory", lua_max_memory, 1, 0),
	LIMIT("lua-string", lua_max_string, MC_MIN_LUA_STRING, 0),
	LIMIT("lua-run", lua_run_instructions, 1, 0),
#undef LIMIT
};

void
cli_shared_init(cli_shared *sh)
{
	sh->output = NULL;
	mc_limits_default(&sh->limits);
}

/* Parses a positive count with an optional binary suffix: 4096, 64k, 16M,
 * 1G. Returns false when text is not one, or is 0 or above max. */
static bool
parse_count(const char *text, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (*text < '0' || *text > '9')
		return false;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno == ERANGE)
		return false;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	if (*end || v == 0 || v > (max >> shift))
		return false;
	*out = (uint64_t)v << shift;
	return true;
}

static int
set_limit(mc_limits *limits, const char *cmd, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : strlen(arg);

	for (size_t i = 0; i < sizeof(cli_limits) / sizeof(cli_limits[0]); i++) {
		const struct cli_limit *l = &cli_limits[i];
		uint64_t max = l->max ? l->max : l->size == 4 ? UINT32_MAX : UINT64_MAX;
		char *at = (char *)limits + l->offset;
		uint64_t v;

		if (strlen(l->name) != n || strncmp(l->name, arg, n) != 0)
			continue;
		if (!eq || !parse_count(eq + 1, max, &v) || v < l->min)
			return cli_usage(cmd, "--limit %s needs a whole number from %llu "
					 "to %llu (k, M or G multiply by 1024, 1024^2, "
					 "1024^3)", l->name, (unsigned long long)l->min,
					 (unsigned long long)max);
		if (l->size == 4) {
			uint32_t v32 = (uint32_t)v;

			memcpy(at, &v32, sizeof(v32));
		} else {
			memcpy(at, &v, sizeof(v));
		}
		return CLI_YES;
	}
	return cli_usage(cmd, "unknown limit '%.*s' (limits: file-size, "
			 "scalar-size, nodes, depth, items, alias-nodes, extends, "
			 "regex-match, regex-depth, regex-run, lua-instructions, "
			 "lua-memory, lua-string, lua-run)",
			 (int)n, arg);
}

int
cli_shared_option(cli_shared *sh, const char *cmd, int c, const char *arg)
{
	if (c == 'o') {
		if (sh->output)
			return cli_usage(cmd, "give one output file (-o) only");
		if (!*arg)
			return cli_usage(cmd, "the output file name is empty");
		sh->output = arg;
		return CLI_YES;
	}
	return set_limit(&sh->limits, cmd, arg);
}

int
cli_output(const cli_shared *sh, const char *text, size_t len)
{
	return sh->output ? cli_write_file(sh->output, text, len) :
			    cli_emit(text, len);
}

int
cli_fleet_init(cli_fleet *cf, int argc)
{
	memset(cf, 0, sizeof(*cf));
	cf->inventories = calloc((size_t)argc + 1, sizeof(*cf->inventories));
	if (!cf->inventories) {
		fprintf(stderr, "migcheck: error: out of memory\n");
		return CLI_ERROR;
	}
	return CLI_YES;
}

void
cli_fleet_option(cli_fleet *cf, int c, char *arg)
{
	if (c == 'i')
		cf->inventories[cf->ninv++] = arg;
	else
		cf->policy_path = arg;
}

int
cli_fleet_named(const cli_fleet *cf, const char *cmd)
{
	return cf->ninv ? CLI_YES : cli_usage(cmd, "name an inventory with -i FILE");
}

int
cli_next_option(cli_parser *p, cli_shared *sh, cli_fleet *cf, char **arg)
{
	const char *cmd = p->spec->name;
	int c;

	while ((c = cli_opt_next(p, arg)) > CLI_OPT_END) {
		if (sh && (c == 'o' || c == CLI_OPT_LIMIT)) {
			if (cli_shared_option(sh, cmd, c, *arg) != CLI_YES)
				return CLI_OPT_ERROR;
		} else if (cf && (c == 'p' || c == 'i')) {
			cli_fleet_option(cf, c, *arg);
		} else {
			return c;
		}
	}
	return c;
}

int
cli_opt_status(int c)
{
	return c == CLI_OPT_HELP ? CLI_YES : CLI_ERROR;
}

int
cli_fleet_open(cli_fleet *cf, const cli_shared *sh)
{
	int rc;

	if (!(cf->diag = mc_diag_new())) {
		fprintf(stderr, "migcheck: error: out of memory\n");
		return CLI_ERROR;
	}
	if (!(cf->policy = cli_load_policy(cf->policy_path, &sh->limits, cf->diag)) ||
	    !(cf->inv = cli_load_inventory(cf->inventories, cf->ninv, &sh->limits,
					   cf->diag)))
		return CLI_ERROR;
	rc = mc_fleet_new(&cf->fleet, cf->policy, cf->inv, &sh->limits, cf->diag);
	return rc == MC_OK ? CLI_YES : cli_fail(rc, cf->diag);
}

void
cli_fleet_close(cli_fleet *cf)
{
	mc_fleet_free(cf->fleet);
	mc_inventory_free(cf->inv);
	mc_policy_free(cf->policy);
	mc_diag_free(cf->diag);
	free(cf->inventories);
}

int
cli_fail(int rc, const mc_diag *diag)
{
	if (rc == MC_ENOMEM)
		fprintf(stderr, "migcheck: error: out of memory\n");
	cli_print_diags(diag);
	return CLI_ERROR;
}

int
cli_emit(const char *text, size_t len)
{
	if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
		fprintf(stderr, "migcheck: error: cannot write the output: %s\n",
			strerror(errno));
		return CLI_ERROR;
	}
	return CLI_YES;
}

/*
 * Opens a temporary file next to path, to be renamed over it, for s. old
 * is path's stat, or NULL for a new file, which gets 0666 less the umask;
 * a replaced one keeps its mode, and its owner and group where we may give
 * them (root replacing a user's file leaves it the user's). Returns the
 * descriptor, or -1 with errno set.
 */
static int
replacement(cli_sink *s, const char *path, const struct stat *old)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	size_t n = strlen(path) + 16;
	mode_t mode, mask;
	int fd, saved;

	if (!(s->tmp = malloc(n)) || !(s->target = strdup(path))) {
		errno = ENOMEM;
		return -1;
	}
	snprintf(s->tmp, n, "%.*s.%s.XXXXXX", (int)dirlen, path, path + dirlen);
	fd = mkstemp(s->tmp);
	if (fd < 0) {
		free(s->tmp);
		s->tmp = NULL;
		return -1;
	}
	if (old) {
		mode = old->st_mode & 07777;
		if ((old->st_uid != geteuid() || old->st_gid != getegid()) &&
		    fchown(fd, old->st_uid, old->st_gid) < 0 && errno != EPERM)
			goto fail;
	} else {
		mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	}
	if (fchmod(fd, mode) < 0)
		goto fail;
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/*
 * The file that replaces a report's target is synced to disk before it is
 * renamed over the target. So that the sync waits for little, the kernel is
 * asked to start writing the file back every WRITEBACK_STEP bytes while it
 * is written (a matrix or a diff of a large fleet is a hundred megabytes).
 */
#define WRITEBACK_STEP ((off_t)8 << 20)

typedef struct sink_file {
	int fd;
	off_t written, started;  /* bytes written; written back from 0 */
} sink_file;

static ssize_t
sink_write(void *cookie, const char *buf, size_t n)
{
	sink_file *sf = cookie;
	size_t done = 0;

	while (done < n) {
		ssize_t w = write(sf->fd, buf + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return done ? (ssize_t)done : -1;
		done += (size_t)w;
	}
	sf->written += (off_t)done;
	if (sf->written - sf->started >= WRITEBACK_STEP) {
		/* A hint: where it fails, the sync at the end does it all. */
		(void)sync_file_range(sf->fd, sf->started, sf->written - sf->started,
				      SYNC_FILE_RANGE_WRITE);
		sf->started = sf->written;
	}
	return (ssize_t)done;
}

static int
sink_file_close(void *cookie)
{
	sink_file *sf = cookie;
	int rc = close(sf->fd);

	free(sf);
	return rc;
}

/* The stream of a replacement file fd, or NULL (fd left open). */
static FILE *
sink_stream(int fd)
{
	static const cookie_io_functions_t io = {NULL, sink_write, NULL,
						 sink_file_close};
	sink_file *sf = calloc(1, sizeof(*sf));
	FILE *f;

	if (!sf)
		return NULL;
	sf->fd = fd;
	if (!(f = fopencookie(sf, "w", io)))
		free(sf);
	return f;
}

/* Reports that path cannot be written: why, or errno's word. */
static void
cannot_write(const char *path, const char *why, int err)
{
	fputs("migcheck: error: cannot write ", stderr);
	cli_put(stderr, path);
	fprintf(stderr, ": %s\n", why ? why : strerror(err));
}

static void
sink_release(cli_sink *s)
{
	if (s->tmp)
		unlink(s->tmp);
	free(s->tmp);
	free(s->target);
	s->tmp = s->target = NULL;
	s->f = NULL;
}

/* cli_sink_open, or with only_files cli_sink_open_file. */
static int
sink_open(cli_sink *s, const char *path, bool only_files)
{
	struct stat st;
	char *real = NULL;
	const char *why = NULL;
	bool link;
	int fd = -1, saved;

	memset(s, 0, sizeof(*s));
	s->path = path;
	if (!path || cli_is_stdin(path)) {
		s->f = stdout;
		return CLI_YES;
	}
	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			fd = replacement(s, path, NULL);
		goto out;
	}
	/* A symbolic link is kept: what it points at is written. */
	link = S_ISLNK(st.st_mode);
	if (link && stat(path, &st) < 0) {
		if (errno == ENOENT)
			why = "a symbolic link to nothing";
		goto out;
	}
	if (only_files && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		why = S_ISFIFO(st.st_mode) ? "a FIFO (this report is written to a regular file only)"
		      : S_ISCHR(st.st_mode) ? "a character device (this report is written to a regular file only)"
		      : S_ISBLK(st.st_mode) ? "a block device (a report is never written over a disk)"
		      : "not a regular file (this report is written to a regular file only)";
		goto out;
	}
	if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
		/* Written in place, as a shell's `>` would (on a FIFO, once a
		 * reader comes), never replaced. */
		fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			goto out;
		if (fstat(fd, &st) < 0) {
			saved = errno;
			close(fd);
			fd = -1;
			errno = saved;
			goto out;
		}
		if (!S_ISREG(st.st_mode))
			goto out;
		close(fd);  /* it became a regular file: replaced below */
		fd = -1;
	}
	if (S_ISREG(st.st_mode)) {
		/* Through a link, the link's target is replaced, in its own
		 * directory. */
		if (link && !(real = realpath(path, NULL)))
			goto out;
		fd = replacement(s, real ? real : path, &st);
	} else if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
	} else if (S_ISBLK(st.st_mode)) {
		why = "a block device (a report is never written over a disk)";
	} else if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
		why = "it changed while it was being written";
	} else {
		why = "neither a file, a FIFO nor a character device";
	}
out:
	saved = errno;
	free(real);
	if (fd >= 0 && !why) {
		s->fd = fd;
		if ((s->f = s->tmp ? sink_stream(fd) : fdopen(fd, "w")) != NULL) {
			setvbuf(s->f, NULL, _IOFBF, 64 * 1024);
			return CLI_YES;
		}
		saved = errno;
	}
	if (fd >= 0)
		close(fd);
	sink_release(s);
	cannot_write(path, why, saved);
	return CLI_ERROR;
}

int
cli_sink_open(cli_sink *s, const char *path)
{
	return sink_open(s, path, false);
}

int
cli_sink_open_file(cli_sink *s, const char *path)
{
	return sink_open(s, path, true);
}

int
cli_sink_close(cli_sink *s, bool ok)
{
	int err = 0;

	if (!s->f)
		return CLI_ERROR;
	/* Standard output's write errors are main's to report (written()),
	 * for every command alike. */
	if (s->f == stdout) {
		s->f = NULL;
		return ok ? CLI_YES : CLI_ERROR;
	}
	if (ok && (fflush(s->f) != 0 || ferror(s->f) ||
		   (s->tmp && fsync(s->fd) < 0))) {
		err = errno;
		ok = false;
	}
	if (fclose(s->f) != 0 && ok) {
		err = errno;
		ok = false;
	}
	if (ok && s->tmp) {
		if (rename(s->tmp, s->target) < 0) {
			err = errno;
			ok = false;
		} else {
			free(s->tmp);
			s->tmp = NULL;  /* renamed: nothing to remove */
		}
	}
	if (!ok && err)
		cannot_write(s->path, NULL, err);
	sink_release(s);
	return ok ? CLI_YES : CLI_ERROR;
}

char *
cli_buf_grow(cli_buf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 4096;
	char *data;

	if (b->failed)
		return NULL;
	while (n >= cap - b->len) {
		if (cap > SIZE_MAX / 2) {
			b->failed = true;
			return NULL;
		}
		cap *= 2;
	}
	if (cap != b->cap) {
		if (!(data = realloc(b->data, cap))) {
			b->failed = true;
			return NULL;
		}
		b->data = data;
		b->cap = cap;
	}
	return b->data + b->len;
}

void
cli_buf_flush(cli_buf *b)
{
	if (b->dest && b->len) {
		fwrite(b->data, 1, b->len, b->dest);
		b->len = 0;
	}
}

void
cli_buf_add(cli_buf *b, const char *s, size_t n)
{
	char *p = cli_buf_room(b, n);

	if (!p)
		return;
	memcpy(p, s, n);
	cli_buf_commit(b, p + n);
}

void
cli_buf_puts(cli_buf *b, const char *s)
{
	cli_buf_add(b, s, strlen(s));
}

void
cli_buf_text(cli_buf *b, cli_text *t)
{
	size_t len = 0;
	char *text = cli_text_close(t, &len);

	if (!text) {
		b->failed = true;
		return;
	}
	cli_buf_add(b, text, len);
	free(text);
}

bool
cli_buf_end(cli_buf *b)
{
	if (!b->failed && b->len && b->dest)
		fwrite(b->data, 1, b->len, b->dest);
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	return !b->failed;
}

int
cli_write_file(const char *path, const char *text, size_t len)
{
	cli_sink s;

	if (cli_sink_open(&s, path) != CLI_YES)
		return CLI_ERROR;
	fwrite(text, 1, len, s.f);
	return cli_sink_close(&s, true);
}

const cli_glyphs *
cli_glyphs_get(void)
{
	static const cli_glyphs utf8 = {"★", "½", "☆", "✗", "✓", "•", "·"};
	static const cli_glyphs ascii = {"*", "+", ".", "x", "v", "-", "|"};
	const char *names[] = {"LC_ALL", "LC_CTYPE", "LANG"}, *loc = NULL;

	for (size_t i = 0; i < 3 && !loc; i++) {
		loc = getenv(names[i]);
		if (loc && !*loc)
			loc = NULL;
	}
	if (loc && (strcasestr(loc, "utf-8") || strcasestr(loc, "utf8")))
		return &utf8;
	return &ascii;
}

void
cli_stars(FILE *out, unsigned halves, const cli_glyphs *g)
{
	for (unsigned i = 0; i < 5; i++) {
		if (halves >= 2 * i + 2)
			fputs(g->star, out);
		else if (halves == 2 * i + 1)
			fputs(g->half, out);
		else
			fputs(g->empty, out);
	}
}

void
cli_rating(char *buf, size_t size, unsigned halves)
{
	if (halves % 2)
		snprintf(buf, size, "%u.5", halves / 2);
	else
		snprintf(buf, size, "%u", halves / 2);
}

void
cli_location(FILE *out, const mc_location *at)
{
	if (at->file)
		cli_printf(out, "%s:%u:%u", at->file, at->line, at->column);
}

const char *
cli_matrix_value(const mc_matrix_value *v, char num[32])
{
	if (v->value.type == MC_VALUE_NONE)
		return "(none)";
	if (v->value.type != MC_VALUE_SET)
		return v->value.text;
	snprintf(num, 32, "(%zu)", v->value.count);
	return num;
}

/* Is value i the same in every class of k? (Every class of a kind lists the
 * same values in the same order.) */
bool
cli_matrix_shared(const mc_matrix_kind *k, size_t i)
{
	const mc_value *a = &k->classes[0].values[i].value;

	for (size_t c = 1; c < k->nclasses; c++) {
		const mc_value *b = &k->classes[c].values[i].value;

		if (a->type != b->type ||
		    (a->text && b->text && strcmp(a->text, b->text) != 0))
			return false;
	}
	return true;
}
