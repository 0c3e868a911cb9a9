/* SPDX-License-Identifier: MIT */
/*
 * yaml_parse.c - the least a YAML loader built on libyaml can cost:
 *
 *   bench_yaml_parse FILE
 *
 * Reads FILE into memory, runs libyaml's event parser over it
 * (yaml_parser_parse until the end of the stream, each event deleted as
 * soon as it is read: no tree, no strings kept) and prints the events
 * counted, the time the read and the parse took (CPU; wall beside it) and
 * the peak memory of the process. This is the baseline bench/fleet.sh sets
 * migcheck's commands beside: everything they do beyond it is the engine's.
 * No limit of docs/limits.md applies. A file libyaml rejects is reported
 * as FILE:LINE:COL: error: WHAT, exit 2. The last line is for
 * bench/fleet.sh:
 *
 *   RESULT bytes=… events=… read_ms=… parse_ms=… parse_wall_ms=… rss_mb=…
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "clock.h"

/* Reads the whole of PATH into a new buffer; NULL with errno set on failure. */
static unsigned char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL, *grown;
	size_t n = 0, cap = 0, got;
	int err = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1 << 20;
			grown = realloc(buf, cap);
			if (!grown) {
				err = ENOMEM;
				goto out;
			}
			buf = grown;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0) {
			if (ferror(f))
				err = EIO;
			break;
		}
	}
out:
	fclose(f);
	if (err) {
		free(buf);
		errno = err;
		return NULL;
	}
	*len = n;
	return buf;
}

int
main(int argc, char **argv)
{
	yaml_parser_t parser;
	yaml_event_t event;
	unsigned char *buf = NULL;
	size_t len = 0, events = 0;
	double t0, w0, t_read, t_parse, w_parse;
	int status = 2;

	if (argc != 2) {
		fputs("usage: bench_yaml_parse FILE\n", stderr);
		return 2;
	}
	t0 = now();
	buf = read_file(argv[1], &len);
	if (!buf) {
		fprintf(stderr, "%s: error: %s\n", argv[1], strerror(errno));
		return 2;
	}
	t_read = now() - t0;
	if (!yaml_parser_initialize(&parser)) {
		fprintf(stderr, "%s: error: out of memory\n", argv[1]);
		free(buf);
		return 2;
	}
	yaml_parser_set_input_string(&parser, buf, len);
	w0 = wall();
	t0 = now();
	for (;;) {
		yaml_event_type_t type;

		if (!yaml_parser_parse(&parser, &event)) {
			/* libyaml's marks count from zero. */
			fprintf(stderr, "%s:%zu:%zu: error: %s\n", argv[1],
				parser.problem_mark.line + 1,
				parser.problem_mark.column + 1,
				parser.problem ? parser.problem : "not YAML");
			goto out;
		}
		type = event.type;
		yaml_event_delete(&event);
		events++;
		if (type == YAML_STREAM_END_EVENT)
			break;
	}
	t_parse = now() - t0;
	w_parse = wall() - w0;
	printf("bench_yaml_parse: %s, %zu bytes: %zu events\n", argv[1], len,
	       events);
	printf("  read %.1f ms, parse %.1f ms (wall %.1f ms): %.1f MB/s; "
	       "peak RSS %.1f MB\n", t_read * 1e3, t_parse * 1e3, w_parse * 1e3,
	       t_parse > 0 ? (double)len / 1e6 / t_parse : 0.0, peak_rss_mb());
	printf("RESULT bytes=%zu events=%zu read_ms=%.1f parse_ms=%.1f "
	       "parse_wall_ms=%.1f rss_mb=%.1f\n", len, events, t_read * 1e3,
	       t_parse * 1e3, w_parse * 1e3, peak_rss_mb());
	status = 0;
out:
	yaml_parser_delete(&parser);
	free(buf);
	return status;
}
