/* SPDX-License-Identifier: MIT */
/*
 * opt.c - parsing a command's options, and printing its usage and help,
 * from its one cli_spec.
 */
#include <assert.h>
#include <string.h>

#include "cli.h"

/* The column where an option's help starts. */
#define HELP_COLUMN 24

static const cli_opt help_opt = {
	'h', "help", NULL, NULL, "show this help", 0, NULL
};

void
cli_opt_init(cli_parser *p, const cli_spec *spec, int argc, char **argv)
{
	size_t n = 0;
	char *s = p->shorts;

	memset(p, 0, sizeof(*p));
	p->spec = spec;
	p->argc = argc;
	p->argv = argv;
	if (spec->in_order)
		*s++ = '-';
	*s++ = ':';
	for (const cli_opt *o = spec->opts; o->id || o->usage; o++) {
		bool value = o->flags & CLI_OPT_VALUE;

		if (!o->name)
			continue;
		assert(n < CLI_OPT_MAX);
		p->longs[n++] = (struct option){o->name,
			value ? required_argument : no_argument, NULL, o->id};
		if (o->id < 128) {
			*s++ = (char)o->id;
			if (value)
				*s++ = ':';
		}
	}
	p->longs[n] = (struct option){"help", no_argument, NULL, 'h'};
	*s++ = 'h';
	*s = '\0';
	opterr = 0;
	optind = 1;
}

/* An option getopt does not know, arg as given: named, with the option
 * of the command it was most likely meant to be. */
static void
unknown_option(const cli_parser *p, const char *arg)
{
	char name[64];
	const char *near = NULL;
	size_t n = 0, len;

	if (strncmp(arg, "--", 2) == 0) {
		len = strcspn(arg + 2, "=");
		if (len < sizeof(name)) {
			memcpy(name, arg + 2, len);
			name[len] = '\0';
			while (p->longs[n].name)
				n++;
			near = mc_text_nearest(name, &p->longs[0].name, n,
					       sizeof(p->longs[0]));
		}
	}
	if (near)
		cli_usage(p->spec->name, "unknown option '%s': did you mean '--%s'?", arg,
			  near);
	else
		cli_bad_option(p->spec->name, '?', arg);
}

/* Option c given: refused when it takes one value and has one already. */
static int
take(cli_parser *p, int c)
{
	size_t i = 0;

	for (const cli_opt *o = p->spec->opts; o->id || o->usage; o++, i++) {
		if (o->id != c || !o->name || i >= sizeof(p->seen))
			continue;
		if ((o->flags & CLI_OPT_VALUE) && !(o->flags & CLI_OPT_MANY) && p->seen[i]) {
			cli_usage(p->spec->name, "option '--%s' given twice: it takes one "
				  "value", o->name);
			return CLI_OPT_ERROR;
		}
		p->seen[i] = true;
		break;
	}
	return c;
}

int
cli_opt_next(cli_parser *p, char **value)
{
	int c = getopt_long(p->argc, p->argv, p->shorts, p->longs, NULL);

	*value = optarg;
	switch (c) {
	case -1:
		return CLI_OPT_END;
	case 1:
		return CLI_OPT_ARG;
	case 'h':
		cli_help(stdout, p->spec);
		return CLI_OPT_HELP;
	case ':':
		cli_bad_option(p->spec->name, c, p->argv[optind - 1]);
		return CLI_OPT_ERROR;
	case '?':
		unknown_option(p, p->argv[optind - 1]);
		return CLI_OPT_ERROR;
	default:
		return take(p, c);
	}
}

/* The usage line: each item's usage after "Usage: migcheck NAME", a new
 * line under the first item where an item asks for one. */
static void
print_usage(FILE *out, const cli_spec *spec)
{
	int indent = fprintf(out, "Usage: migcheck %s", spec->name) + 1;

	if (spec->indent)
		indent = spec->indent;

	for (const cli_opt *o = spec->opts; o->id || o->usage; o++) {
		if (!o->usage)
			continue;
		if (o->flags & CLI_OPT_BREAK)
			fprintf(out, "\n%*s", indent, "");
		else
			fputc(' ', out);
		fputs(o->usage, out);
	}
	fputc('\n', out);
}

/* One option of the list: "  -o, --output FILE", then its help lines at
 * HELP_COLUMN. */
static void
print_option(FILE *out, const cli_opt *o)
{
	char text[512];
	int n;

	n = fprintf(out, "  %c%c%s--%s%s%s", o->id < 128 ? '-' : ' ',
		    o->id < 128 ? o->id : ' ', o->id < 128 ? ", " : "  ",
		    o->name, o->value ? " " : "", o->value ? o->value : "");
	if (o->help_arg) {
		const char *at = strstr(o->help, "%s");

		assert(at);
		snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - o->help),
			 o->help, o->help_arg(), at + 2);
	} else {
		snprintf(text, sizeof(text), "%s", o->help);
	}
	for (const char *line = text; *line;) {
		size_t len = strcspn(line, "\n");

		fprintf(out, "%*s%.*s\n", HELP_COLUMN - n, "", (int)len, line);
		n = 0;
		line += len + (line[len] == '\n');
	}
}

void
cli_help(FILE *out, const cli_spec *spec)
{
	print_usage(out, spec);
	fprintf(out, "\n%s\nOptions:\n", spec->about);
	for (const cli_opt *o = spec->opts; o->id || o->usage; o++) {
		if (o->name && o->help)
			print_option(out, o);
	}
	print_option(out, &help_opt);
	fprintf(out, "\n%s", spec->status);
}
