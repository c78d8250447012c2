/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * err: the error object every fallible function fills.
 *
 * Functions return 0 (or a count) on success and -1 on failure; on failure they
 * fill the caller's struct bpo_error (which may be NULL) with a kind and a
 * one-line message: `return bpo_error_set(err, BPO_E_SYNTAX, "%s:%u:%u: ...", ...)`.
 * The kind decides the exit code; only main.c turns it into one.
 */
#ifndef BPO_ERR_H
#define BPO_ERR_H

#include <stddef.h>

enum bpo_errkind {
	BPO_E_NONE = 0,
	BPO_E_FAIL,     /* the work failed (build, patch, apply): exit 1 */
	BPO_E_IO,       /* file system or network trouble: exit 1 */
	BPO_E_NOTFOUND, /* a thing asked for does not exist: exit 1 */
	BPO_E_USAGE,    /* command line misuse: exit 2 */
	BPO_E_SYNTAX,   /* bad input file (recipe, control data, version): exit 2 */
	BPO_E_VERIFY,   /* signature, checksum or size did not verify: exit 3 */
};

/* Exit codes, documented in bpo(1). */
enum {
	BPO_EXIT_OK = 0,
	BPO_EXIT_FAIL = 1,
	BPO_EXIT_USAGE = 2,
	BPO_EXIT_VERIFY = 3,
	BPO_EXIT_OUTDATED = 10,
};

#define BPO_ERROR_MSG_MAX 2048

struct bpo_error {
	enum bpo_errkind kind;
	/* the failure class (bpo(1) FAILURE CLASSES: "timeout", "patch-conflict",
	   ...) where the failing code knows it, or NULL; bpo_error_set clears it */
	const char *cls;
	char msg[BPO_ERROR_MSG_MAX];
};

void bpo_error_init(struct bpo_error *err);
/* Fill err (if not NULL) and return -1. */
int bpo_error_set(struct bpo_error *err, enum bpo_errkind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Set err's failure class (a string literal); returns -1, so that
 * `return bpo_error_class(err, "timeout")` follows a bpo_error_set. */
int bpo_error_class(struct bpo_error *err, const char *cls);
/* err's failure class: the one set, else "verify" for BPO_E_VERIFY, "usage"
 * for BPO_E_USAGE and BPO_E_SYNTAX, else otherwise. */
const char *bpo_error_class_of(const struct bpo_error *err, const char *otherwise);
/* Put "prefix: " in front of the message already in err; returns -1. */
int bpo_error_prefix(struct bpo_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Add one's message to err as a further line (err's kind is kept, or one's
 * when err has none): several mistakes of one input reported together. A
 * message that no longer fits is dropped with a "..." line. Returns -1. */
int bpo_error_add(struct bpo_error *err, const struct bpo_error *one);
/* Map an error kind to the process exit code. */
int bpo_error_exit_code(const struct bpo_error *err);
const char *bpo_error_kind_name(enum bpo_errkind kind);

#endif
