/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fsutil: files the safe way: capped reads, atomic writes (temp + fsync +
 * rename, as dpkg's atomic-file), recursive mkdir and removal, path joins.
 */
#ifndef BPO_FSUTIL_H
#define BPO_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "err.h"

/* Read a whole regular file (not following a final symlink when nofollow)
 * into out (appending); fails when it is larger than max. */
int bpo_file_read(const char *path, size_t max, struct bpo_buf *out, struct bpo_error *err);
/* Write all of data to fd: short writes continued, EINTR retried; a write
 * that writes nothing is a full disk (ENOSPC). The error names what (a
 * path) and the cause, e.g. "X: write error: No space left on device". */
int bpo_write_all(int fd, const void *data, size_t len, const char *what,
		  struct bpo_error *err);
/* Write data to path atomically: path.tmp-XXXXXX, fsync, rename, fsync dir. */
int bpo_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
			  struct bpo_error *err);
/* fsync the directory that holds path (after a rename into it). */
int bpo_fsync_parent(const char *path, struct bpo_error *err);
/* mkdir -p with mode for each created component. */
int bpo_mkdir_p(const char *path, mode_t mode, struct bpo_error *err);
/* rm -rf that never follows symlinks and stays on one file system. */
int bpo_rm_rf(const char *path, struct bpo_error *err);
/* Copy a regular file (atomically at dst). */
int bpo_file_copy(const char *src, const char *dst, mode_t mode, struct bpo_error *err);
bool bpo_path_exists(const char *path);
bool bpo_is_dir(const char *path);
/* Join two path pieces with exactly one '/'. Returns a new string. */
char *bpo_path_join(const char *a, const char *b);
/* The directory that holds path, as dirname(1) says it: "a/b/" -> "a",
 * "/a" -> "/", "a" -> ".". Returns a new string. */
char *bpo_path_dirname(const char *path);
/* A path component a hostile input may name: no '/', not "." or "..", not empty. */
bool bpo_path_component_ok(const char *name);
/* A relative path inside a tree: not absolute, no ".." component, no empty path. */
bool bpo_path_relative_ok(const char *path);
/* Make a fresh private directory under base (or $TMPDIR) named prefix.XXXXXX. */
char *bpo_mkdtemp(const char *base, const char *prefix, struct bpo_error *err);

#endif
