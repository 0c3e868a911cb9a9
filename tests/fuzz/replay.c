/* SPDX-License-Identifier: MIT */
/*
 * replay.c - runs a fuzz target, built without libFuzzer, on each file
 * named on the command line, so that the seed corpus and every past finding
 * (tests/fuzz/regress/) are replayed by ordinary CTest runs, with or without
 * the sanitizers. Directories are walked one level deep.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Weak, so that targets without set-up still link. */
__attribute__((weak)) int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* Runs the target on the file at path; returns 0, or -1 when unreadable. */
static int
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t len = 0, cap = 0, n;
	int rc = -1;

	if (!f)
		goto out;
	do {
		if (len == cap) {
			uint8_t *p = realloc(data, cap = cap ? 2 * cap : 4096);
			if (!p)
				goto out;
			data = p;
		}
		n = fread(data + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f))
		goto out;
	LLVMFuzzerTestOneInput(data, len);
	rc = 0;
out:
	if (rc < 0)
		fprintf(stderr, "replay: cannot read %s\n", path);
	if (f)
		fclose(f);
	free(data);
	return rc;
}

int
main(int argc, char **argv)
{
	int failed = 0;
	size_t runs = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		struct stat st;
		DIR *d;
		struct dirent *e;

		if (stat(argv[i], &st) < 0 || !S_ISDIR(st.st_mode)) {
			failed |= replay_file(argv[i]) < 0;
			runs++;
			continue;
		}
		if (!(d = opendir(argv[i]))) {
			fprintf(stderr, "replay: cannot open %s\n", argv[i]);
			failed = 1;
			continue;
		}
		while ((e = readdir(d))) {
			char path[4096];
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
			failed |= replay_file(path) < 0;
			runs++;
		}
		closedir(d);
	}
	printf("replay: %zu inputs\n", runs);
	return failed;
}
