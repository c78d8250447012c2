/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench_deb822: parse a control file (an uncompressed Sources or Packages
 * index) with bpo's deb822 parser and report paragraphs, fields, time and
 * MB/s. With --roundtrip also write every paragraph back and check that the
 * output equals the input byte for byte (exit 1 if not).
 * Usage: bench_deb822 [--roundtrip] [--repeat N] FILE
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "deb822.h"
#include "err.h"
#include "fsutil.h"
#include "xmem.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct bpo_error err;
	struct bpo_buf out;
	bool roundtrip = false;
	const char *path = NULL;
	unsigned long repeat = 1;
	struct bpo_buf in;
	const char *data;
	size_t len, paras = 0, fields = 0;
	double t0, t1;
	int rc = 1;

	bpo_error_init(&err);
	bpo_buf_init(&out, BPO_MAX_INDEX);
	bpo_buf_init(&in, BPO_MAX_INDEX);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--roundtrip") == 0) {
			roundtrip = true;
		} else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
			repeat = strtoul(argv[++i], NULL, 10);
			if (repeat == 0)
				repeat = 1;
		} else if (!path) {
			path = argv[i];
		} else {
			fprintf(stderr, "usage: bench_deb822 [--roundtrip] [--repeat N] FILE\n");
			return 2;
		}
	}
	if (!path) {
		fprintf(stderr, "usage: bench_deb822 [--roundtrip] [--repeat N] FILE\n");
		return 2;
	}
	if (bpo_file_read(path, BPO_MAX_INDEX, &in, &err) < 0) {
		fprintf(stderr, "bench_deb822: %s\n", err.msg);
		goto out;
	}
	data = in.data ? in.data : "";
	len = in.len;
	t0 = now();
	for (unsigned long r = 0; r < repeat; r++) {
		struct bpo_deb822_parser p;
		struct bpo_deb822_para para;
		int n;

		paras = fields = 0;
		bpo_buf_reset(&out);
		bpo_deb822_parser_init(&p, data, len, path, 0);
		while ((n = bpo_deb822_next(&p, &para, &err)) == 1) {
			paras++;
			fields += para.n;
			if (roundtrip && bpo_deb822_write(&para, &out, &err) < 0) {
				bpo_deb822_para_destroy(&para);
				fprintf(stderr, "bench_deb822: %s\n", err.msg);
				goto out;
			}
			bpo_deb822_para_destroy(&para);
		}
		if (n < 0) {
			fprintf(stderr, "bench_deb822: %s\n", err.msg);
			goto out;
		}
		if (roundtrip) {
			size_t tl;
			const char *t = bpo_deb822_trailer(&p, &tl);
			if (bpo_buf_append(&out, t, tl, &err) < 0) {
				fprintf(stderr, "bench_deb822: %s\n", err.msg);
				goto out;
			}
		}
	}
	t1 = now();
	if (roundtrip && (out.len != len || memcmp(out.data, data, len) != 0)) {
		fprintf(stderr, "bench_deb822: %s: round trip differs from the input\n", path);
		goto out;
	}
	printf("bpo-deb822 %s: %zu paragraphs, %zu fields, %.3f s, %.1f MB/s%s\n", path, paras,
	       fields, (t1 - t0) / (double)repeat,
	       (double)len * (double)repeat / 1e6 / (t1 - t0),
	       roundtrip ? " (parse + write, round trip identical)" : "");
	rc = 0;
out:
	bpo_buf_destroy(&in);
	bpo_buf_destroy(&out);
	return rc;
}
