/* SPDX-License-Identifier: MIT */
/*
 * cmd_fmt.c - `migcheck fmt`: YAML policies in their canonical layout
 * (mc_policy_format, docs/fmt.md), printed, listed, diffed or rewritten in
 * place, as `opa fmt` does for Rego.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "udiff.h"

enum { OPT_FAIL = 256 };

static const cli_opt fmt_opts[] = {
	{0, NULL, NULL, "POLICY...", NULL, 0, NULL},
	{'l', "list", NULL, "[--list]",
	 "print the names of the files whose layout\n"
	 "differs, not the files", 0, NULL},
	{'d', "diff", NULL, "[--diff]",
	 "print what would change as a unified diff,\n"
	 "not the files", 0, NULL},
	{OPT_FAIL, "fail", NULL, "[--fail]",
	 "exit 1 when a file's layout differs", 0, NULL},
	{'w', "write", NULL, "[-w]",
	 "rewrite each file whose layout differs, in\n"
	 "place (regular files only)", 0, NULL},
	CLI_OPT_SHARED(CLI_OPT_BREAK, 0),
	CLI_OPT_LAST,
};

const cli_spec cli_fmt_spec = {
	"fmt", fmt_opts,
	"Lays out each YAML policy file in the canonical layout (docs/fmt.md):\n"
	"two spaces a level, one space after ':' and '-', at most one blank\n"
	"line in a row, every comment and every scalar kept as it is written.\n"
	"Without an option, prints the files laid out; a file named - is read\n"
	"from standard input. A Lua policy is refused: fmt lays out YAML.\n",
	"Exit status: 0 when every file was laid out (with --fail: and none\n"
	"differed); 1 with --fail when a file's layout differs; 2 on bad usage\n"
	"or bad input (a file that cannot be read, is not YAML, or with -w is\n"
	"not a regular file): nothing is printed on standard output then, and\n"
	"-w rewrites only the files that were laid out.\n",
	false,
	0,
};

void
cli_fmt_help(FILE *out)
{
	cli_help(out, &cli_fmt_spec);
}

typedef struct fmt_run {
	bool list, diff, fail, write;
	const mc_limits *limits;
	cli_buf out;
	bool differs;
	bool error;
} fmt_run;

static void
file_error(const char *path, const char *what, int err)
{
	fputs("migcheck fmt: error: ", stderr);
	cli_put(stderr, path);
	fputs(": ", stderr);
	fputs(what, stderr);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
}

/* What -w refuses to replace, or NULL for a regular file. */
static const char *
not_regular(mode_t mode)
{
	if (S_ISREG(mode))
		return NULL;
	if (S_ISLNK(mode))
		return "-w rewrites regular files only, and this is a symbolic link";
	if (S_ISDIR(mode))
		return "-w rewrites regular files only, and this is a directory";
	if (S_ISFIFO(mode))
		return "-w rewrites regular files only, and this is a FIFO";
	return "-w rewrites regular files only, and this is a device or a socket";
}

/*
 * Reads the file at path whole, up to one byte past the file-size limit
 * (which the loader then reports). With regular_only, anything but a
 * regular file is refused unread. Reports what goes wrong; returns
 * MC_OK, MC_EINPUT or MC_ENOMEM.
 */
static int
read_file(const char *path, const mc_limits *limits, bool regular_only,
	  char **data, size_t *len)
{
	struct stat st;
	int fd, rc = MC_EINPUT;

	*data = NULL;
	*len = 0;
	if (regular_only) {
		const char *why;

		if (lstat(path, &st) < 0) {
			file_error(path, "cannot read the file", errno);
			return MC_EINPUT;
		}
		if ((why = not_regular(st.st_mode)) != NULL) {
			file_error(path, why, 0);
			return MC_EINPUT;
		}
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
		  (regular_only ? O_NOFOLLOW | O_NONBLOCK : 0));
	if (fd < 0) {
		file_error(path, "cannot read the file", errno);
		return MC_EINPUT;
	}
	if (fstat(fd, &st) < 0) {
		file_error(path, "cannot read the file", errno);
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		file_error(path, "cannot read the file", EISDIR);
		goto out;
	}
	if (regular_only && !S_ISREG(st.st_mode)) {
		file_error(path, not_regular(st.st_mode), 0);
		goto out;
	}
	if ((rc = cli_read_fd(fd, limits, data, len)) == MC_EINPUT)
		file_error(path, "cannot read the file", errno);
out:
	close(fd);
	return rc;
}

static bool
is_lua(const char *path)
{
	size_t n = strlen(path);

	return n > 4 && strcmp(path + n - 4, ".lua") == 0;
}

/* Lays out one file and does with it what the options say. False when
 * memory ran out. */
static bool
fmt_one(fmt_run *r, const char *path)
{
	bool in = cli_is_stdin(path);
	const char *name = in ? CLI_STDIN_NAME : path;
	char *data = NULL, *laid = NULL;
	size_t len = 0, laidlen = 0;
	mc_diag *diag = mc_diag_new();
	bool changed, ok = true;
	int rc;

	if (!diag)
		return false;
	if (is_lua(path)) {
		file_error(path, "a Lua policy: fmt lays out YAML policies only", 0);
		r->error = true;
		goto out;
	}
	rc = in ? cli_read_stdin(r->limits, &data, &len)
		: read_file(path, r->limits, r->write, &data, &len);
	if (rc == MC_OK)
		rc = mc_policy_format(&laid, &laidlen, name, data, len, r->limits,
				      diag);
	if (rc == MC_ENOMEM) {
		ok = false;
		goto out;
	}
	if (rc != MC_OK) {
		cli_print_diags(diag);
		r->error = true;
		goto out;
	}
	changed = laidlen != len || memcmp(laid, data, len) != 0;
	r->differs |= changed;
	if (!r->list && !r->diff && !r->write)
		cli_buf_add(&r->out, laid, laidlen);
	if (changed && r->list) {
		cli_buf_puts(&r->out, name);
		cli_buf_puts(&r->out, "\n");
	}
	if (changed && r->diff)
		ok = cli_udiff(&r->out, name, data, len, name, laid, laidlen);
	if (changed && r->write && cli_write_file(path, laid, laidlen) != CLI_YES)
		r->error = true;
out:
	free(data);
	free(laid);
	mc_diag_free(diag);
	return ok;
}

int
cli_fmt(int argc, char **argv)
{
	fmt_run r;
	cli_shared sh;
	cli_parser parser;
	char *arg;
	int c, status;

	memset(&r, 0, sizeof(r));
	cli_shared_init(&sh);
	cli_opt_init(&parser, &cli_fmt_spec, argc, argv);
	while ((c = cli_next_option(&parser, &sh, NULL, &arg)) > CLI_OPT_END) {
		switch (c) {
		case 'l':
			r.list = true;
			break;
		case 'd':
			r.diff = true;
			break;
		case OPT_FAIL:
			r.fail = true;
			break;
		case 'w':
			r.write = true;
			break;
		}
	}
	if (c != CLI_OPT_END)
		return cli_opt_status(c);
	if (optind >= argc)
		return cli_usage("fmt", "name at least one policy file (- for "
				 "standard input)");
	for (int i = optind; i < argc; i++) {
		if (r.write && cli_is_stdin(argv[i]))
			return cli_usage("fmt", "-w rewrites files, not standard input");
	}
	r.limits = &sh.limits;
	for (int i = optind; i < argc; i++) {
		if (!fmt_one(&r, argv[i])) {
			fprintf(stderr, "migcheck: error: out of memory\n");
			free(r.out.data);
			return CLI_ERROR;
		}
	}
	if (r.out.failed) {
		fprintf(stderr, "migcheck: error: out of memory\n");
		free(r.out.data);
		return CLI_ERROR;
	}
	/* A failed run prints nothing on standard output. */
	if (r.error)
		status = CLI_ERROR;
	else if (r.out.len || sh.output)
		status = cli_output(&sh, r.out.data ? r.out.data : "", r.out.len);
	else
		status = CLI_YES;
	free(r.out.data);
	if (status == CLI_YES && r.fail && r.differs)
		status = CLI_NO;
	return status;
}
