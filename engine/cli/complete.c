/* SPDX-License-Identifier: MIT */
/*
 * complete.c - `migcheck complete WORD...`: the words a shell may complete
 * the last of WORD... with, one a line, for the completion scripts of
 * completion/ (bash, zsh, fish). WORD... is the command line after
 * `migcheck`, the word being completed last (empty when it is a new one):
 *
 *   migcheck complete ch            ->  check
 *   migcheck complete check --f     ->  --format
 *   migcheck complete check --format ''   ->  text, json, ndjson
 *   migcheck complete check -i inv.yaml --vm ''  ->  the inventory's VMs
 *
 * The commands, options, formats and import formats come from the
 * commands' own option tables; kinds from the policy named by -p (else the default one); VM
 * and host names from the inventories named by -i. Where a file name is
 * wanted (or nothing is known), the one line `:file` asks the shell for
 * its own file completion. Nothing is printed on stderr: a policy or an
 * inventory that does not load offers no names.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* What the shell completes by itself. */
#define FILES ":file"

static bool
prefixed(const char *word, const char *prefix)
{
	return strncmp(word, prefix, strlen(prefix)) == 0;
}

static void
offer(const char *word, const char *prefix)
{
	if (word && prefixed(word, prefix))
		printf("%s\n", word);
}

/* The option of spec that word names (--name or -x), or NULL. */
static const cli_opt *
option_named(const cli_spec *spec, const char *word)
{
	for (const cli_opt *o = spec->opts; o->id || o->usage; o++) {
		if (!o->name)
			continue;
		if ((strncmp(word, "--", 2) == 0 && strcmp(word + 2, o->name) == 0) ||
		    (o->id < 128 && word[0] == '-' && word[1] == o->id && !word[2]))
			return o;
	}
	return NULL;
}

/* The values of --format, as its usage lists them: "[--format a|b|c]". */
static void
offer_formats(const cli_opt *o, const char *prefix)
{
	const char *p = o->usage ? strchr(o->usage, ' ') : NULL;

	while (p && *p && *p != ']') {
		size_t n;
		char value[32];

		p++;
		n = strcspn(p, "|]");
		if (n < sizeof(value)) {
			memcpy(value, p, n);
			value[n] = '\0';
			offer(value, prefix);
		}
		p += n;
	}
}

/* The values of the options before the last word that o takes (-p, -i),
 * in words[0 .. n). */
static size_t
values_of(char **words, size_t n, int id, const cli_spec *spec, char **out)
{
	size_t k = 0;

	for (size_t i = 1; i + 1 < n; i++) {
		const cli_opt *o = option_named(spec, words[i]);

		if (o && (o->flags & CLI_OPT_VALUE)) {
			if (o->id == id)
				out[k++] = words[i + 1];
			i++;
		}
	}
	return k;
}

/* The values an option's help lists through help_arg: "a, b, c". */
static void
offer_listed(const cli_opt *o, const char *prefix)
{
	const char *p = o->help_arg();

	while (*p) {
		size_t n = strcspn(p, ", ");
		char value[32];

		if (n && n < sizeof(value)) {
			memcpy(value, p, n);
			value[n] = '\0';
			offer(value, prefix);
		}
		p += n;
		p += strspn(p, ", ");
	}
}

static void
offer_kinds(char **words, size_t n, const cli_spec *spec, const char *prefix)
{
	char **paths = calloc(n + 1, sizeof(*paths));
	char *fallback = NULL;
	mc_diag *diag = mc_diag_new();
	mc_policy *p = NULL;
	size_t k;

	if (!paths || !diag)
		goto out;
	k = values_of(words, n, 'p', spec, paths);
	if (!k && !(paths[k++] = fallback = cli_default_policy()))
		goto out;
	if (strcmp(paths[k - 1], "-") != 0 &&
	    mc_policy_load(&p, paths[k - 1], NULL, diag) == MC_OK) {
		for (size_t i = 0; i < mc_policy_kind_count(p); i++)
			offer(mc_policy_kind_name(p, i), prefix);
	}
out:
	mc_policy_free(p);
	mc_diag_free(diag);
	free(fallback);
	free(paths);
}

static void
offer_names(char **words, size_t n, const cli_spec *spec, bool vms,
	    const char *prefix)
{
	char **paths = calloc(n + 1, sizeof(*paths));
	mc_diag *diag = mc_diag_new();
	mc_inventory *inv = NULL;
	size_t k;
	int rc;

	if (!paths || !diag || mc_inventory_new(&inv, NULL) != MC_OK)
		goto out;
	k = values_of(words, n, 'i', spec, paths);
	rc = MC_OK;
	for (size_t i = 0; i < k && rc == MC_OK; i++) {
		if (strcmp(paths[i], "-") != 0)
			rc = mc_inventory_add_file(inv, paths[i], diag);
	}
	if (rc != MC_OK || mc_inventory_finish(inv, diag) != MC_OK)
		goto out;
	if (vms) {
		for (size_t i = 0; i < mc_inventory_vm_count(inv); i++)
			offer(mc_inventory_vm_name(inv, i), prefix);
	} else {
		for (size_t i = 0; i < mc_inventory_host_count(inv); i++)
			offer(mc_inventory_host_name(inv, i), prefix);
	}
out:
	mc_inventory_free(inv);
	mc_diag_free(diag);
	free(paths);
}

int
cli_complete(const cli_command *commands, size_t ncommands, int argc, char **argv)
{
	char **words = argv + 1;
	size_t n = argc > 1 ? (size_t)argc - 1 : 0;
	const cli_command *c = NULL;
	const cli_opt *o;
	const char *cur, *prev;

	if (n && strcmp(words[0], "--") == 0) {
		words++;
		n--;
	}
	/* --color WHEN, which every command takes, is no part of any. */
	for (size_t i = 0, k = 0; i < n; i++) {
		if (i + 2 == n && strcmp(words[i], "--color") == 0) {
			for (size_t w = 0; w < 3; w++)
				offer(cli_color_whens[w], words[n - 1]);
			return CLI_YES;
		}
		if (i + 1 < n && (strcmp(words[i], "--color") == 0 ||
				  strncmp(words[i], "--color=", 8) == 0)) {
			i += words[i][7] != '=';
			continue;
		}
		words[k++] = words[i];
		if (i + 1 == n)
			n = k;
	}
	cur = n ? words[n - 1] : "";
	if (n <= 1 || (n == 2 && strcmp(words[0], "help") == 0)) {
		for (size_t i = 0; i < ncommands; i++)
			offer(commands[i].name, cur);
		return CLI_YES;
	}
	for (size_t i = 0; i < ncommands && !c; i++) {
		if (strcmp(commands[i].name, words[0]) == 0)
			c = &commands[i];
	}
	if (!c || !c->spec)
		return CLI_YES;
	if (n == 2 && c->subjects) {
		for (const char *const *w = c->subjects; *w; w++)
			offer(*w, cur);
		return CLI_YES;
	}
	prev = words[n - 2];
	if ((o = option_named(c->spec, prev)) && (o->flags & CLI_OPT_VALUE)) {
		if (strcmp(o->name, "format") == 0)
			offer_formats(o, cur);
		else if (o->help_arg)
			offer_listed(o, cur);
		else if (strcmp(o->name, "kind") == 0)
			offer_kinds(words, n, c->spec, cur);
		else if (strcmp(o->name, "vm") == 0)
			offer_names(words, n, c->spec, true, cur);
		else if (strcmp(o->name, "to") == 0 || strcmp(o->name, "host") == 0)
			offer_names(words, n, c->spec, false, cur);
		else
			puts(FILES);
		return CLI_YES;
	}
	if (cur[0] == '-') {
		for (const cli_opt *p = c->spec->opts; p->id || p->usage; p++) {
			char name[64];

			if (p->name && (size_t)snprintf(name, sizeof(name), "--%s",
							 p->name) < sizeof(name))
				offer(name, cur);
		}
		offer("--help", cur);
		return CLI_YES;
	}
	puts(FILES);
	return CLI_YES;
}
