/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * patch: the patch series engine. Parses unified diffs (diff -u, quilt,
 * git format-patch with its extended headers, DEP-3 headers kept) and applies
 * a whole series ALL OR NOTHING: every result is computed in memory first;
 * nothing is written until every hunk of every patch has applied; then each
 * changed file is written atomically (temp file + rename in the same
 * directory). A failure leaves the tree byte for byte as it was.
 *
 * Matching follows GNU patch: a hunk is tried at its stated line (plus the
 * offset of the file's earlier hunks), then at growing offsets both ways;
 * fuzz N ignores up to N outer context lines. Lines are compared as bytes,
 * line endings included (CRLF never normalised). A hunk that does not apply
 * but whose reverse applies (tried, as GNU patch does, after the hunk at each
 * fuzz level: so with fuzz 0, only cleanly) is reported "already applied"
 * and skipped.
 *
 * Without git headers, as `diff -N` and dpkg-source 1.0 diffs say it, a
 * single "@@ -0,0 +1,N @@" hunk for a missing file creates it, and a file
 * whose last hunk ends "+0,0" is removed (dpkg-source runs patch -E).
 *
 * Paths in patches are hostile: absolute paths, ".." components, paths
 * through symlinks (every component is checked with openat(O_NOFOLLOW)
 * under the tree's directory fd), symlink targets, non-regular files and
 * git binary patches are refused.
 *
 * Ownership: a struct bpo_patch owns a copy of the patch text and all its
 * strings; free with bpo_patch_destroy(). A report owns its strings; free
 * with bpo_patch_report_destroy().
 */
#ifndef BPO_PATCH_H
#define BPO_PATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "xmem.h"

/* Largest file in a tree that a patch may change. */
#define BPO_MAX_PATCHED_FILE (256u << 20)
/* Most patches in one series file, files in one patch, hunks in one file. */
#define BPO_MAX_SERIES 10000u
#define BPO_MAX_PATCH_FILES 100000u
#define BPO_MAX_PATCH_HUNKS 1000000u

enum bpo_patch_op {
	BPO_PATCH_MODIFY,
	BPO_PATCH_CREATE, /* --- /dev/null or git "new file mode" */
	BPO_PATCH_DELETE, /* +++ /dev/null or git "deleted file mode" */
	BPO_PATCH_RENAME, /* git rename from/to (with or without hunks) */
	BPO_PATCH_COPY,   /* git copy from/to */
};

/* One line of a hunk: op is ' ', '-' or '+'; text is the line as it is in the
 * file, its line ending included ("\r\n" stays), without the final '\n' when
 * the patch says "\ No newline at end of file". Points into bpo_patch.text. */
struct bpo_patch_line {
	char op;
	const char *text;
	size_t len;
};

struct bpo_patch_hunk {
	unsigned long old_start, old_count, new_start, new_count; /* as in "@@ -a,b +c,d @@" */
	struct bpo_patch_line *lines;
	size_t n_lines;
	unsigned line; /* line of the "@@" in the patch file */
};

struct bpo_patch_file {
	enum bpo_patch_op op;
	char *old_path;  /* from the headers, unstripped, NULL for /dev/null */
	char *new_path;  /* idem */
	unsigned old_mode, new_mode; /* git modes (e.g. 0100644), 0 when not given */
	bool git;        /* has a "diff --git" header (paths are a/ b/ prefixed) */
	struct bpo_patch_hunk *hunks;
	size_t n_hunks;
	unsigned line;   /* line where this file's header starts */
};

struct bpo_patch {
	char *name;   /* for messages: the file name given to parse */
	char *text;   /* owned copy of the patch text */
	size_t len;
	char *header; /* everything before the first file (DEP-3 / mail header), may be "" */
	struct bpo_patch_file *files;
	size_t n_files;
	int strip;    /* strip level detected: 1 for a/ b/ style and dir/ prefixed paths, 0 when
			 paths have no directory part; the series may override it */
};

/*
 * Parse a unified diff of len bytes (at most BPO_MAX_PATCH). name is used in
 * messages ("name:line: ..."). Garbage between files is ignored, as GNU patch
 * does; a malformed or truncated hunk, a git binary patch, a symlink mode, or
 * a patch without any file is a BPO_E_SYNTAX error. out is initialised here;
 * call bpo_patch_destroy(out) afterwards, after a failure too.
 */
int bpo_patch_parse(const char *text, size_t len, const char *name, struct bpo_patch *out,
		    struct bpo_error *err);
/* Read and parse a patch file (capped at BPO_MAX_PATCH); name is its basename. */
int bpo_patch_load(const char *path, struct bpo_patch *out, struct bpo_error *err);
void bpo_patch_destroy(struct bpo_patch *p);

enum bpo_hunk_status {
	BPO_HUNK_CLEAN,   /* at the stated line, all context */
	BPO_HUNK_OFFSET,  /* all context, at another line */
	BPO_HUNK_FUZZ,    /* with fuzz (and maybe an offset) */
	BPO_HUNK_FAILED,
	BPO_HUNK_ALREADY, /* already applied: its reverse applies cleanly; skipped */
};

struct bpo_patch_hunk_result {
	enum bpo_hunk_status status;
	long offset;    /* lines away from the stated place (cumulative, as GNU patch says) */
	unsigned fuzz;  /* context lines ignored */
	unsigned long line; /* where it applied (1-based, old file), or was expected if failed */
};

struct bpo_patch_file_result {
	char *path;        /* stripped path in the tree (the new name for renames) */
	enum bpo_patch_op op;
	struct bpo_patch_hunk_result *hunks;
	size_t n_hunks;
	char *error;       /* a file-level failure (missing file, file exists ...), or NULL */
};

struct bpo_patch_result {
	char *name;
	struct bpo_patch_file_result *files;
	size_t n_files;
	bool failed;       /* a hunk failed or a file-level error */
	bool already;      /* every hunk was already applied */
	bool inexact;      /* some hunk needed an offset or fuzz */
	char *refit;       /* with opts.refit: the patch regenerated against the tree (applies at
			      fuzz 0 and offset 0), DEP-3 header kept; NULL otherwise */
	size_t refit_len;
};

struct bpo_patch_report {
	struct bpo_patch_result *patches;
	size_t n;
	bool failed;
};

struct bpo_patch_opts {
	unsigned fuzz;   /* max fuzz (dpkg-source uses 0; GNU patch's default is 2) */
	int strip;       /* -pN for every patch; -1: each patch's own (detected or from series) */
	bool dry_run;    /* compute and report, write nothing */
	bool refit;      /* fill bpo_patch_result.refit (see bpo_patch_refit) */
	/* --edit: apply the series up to and including the first failing patch, of that patch
	 * the hunks that apply, and write the failed hunks as FILE.rej files (unified, with
	 * "--- a/FILE" "+++ b/FILE" headers); stop there. apply_series then returns 0 when the
	 * tree was written: the report says what failed (rep->failed). */
	bool partial_rejects;
};

void bpo_patch_report_init(struct bpo_patch_report *rep);
void bpo_patch_report_destroy(struct bpo_patch_report *rep);

/*
 * Apply patches[0..n) in order to the tree (a directory), all or nothing.
 * strips[i] (or NULL: all -1) gives each patch's strip level from the series
 * (-1: opts->strip or, if that is -1 too, the patch's detected level).
 * rep (may be NULL) gets every patch/file/hunk's result, even on failure.
 * On any failure (BPO_E_FAIL) nothing is written and err names the first:
 * "patch 0003-fix.patch: src/x.c: hunk 2 of 3 fails at line 120".
 * Hostile paths are BPO_E_SYNTAX; I/O trouble BPO_E_IO. Already applied
 * hunks are not failures (the report says BPO_HUNK_ALREADY, and
 * bpo_patch_result.already when the whole patch was). Writing: every changed
 * file goes to a temp file in its own directory, one syncfs, then renames
 * and removals, one syncfs; if a temp file cannot be written, the temp files
 * and directories made so far are removed and the tree is as it was.
 */
int bpo_patch_apply_series(const char *tree, struct bpo_patch *const *patches, const int *strips,
			   size_t n, const struct bpo_patch_opts *opts,
			   struct bpo_patch_report *rep, struct bpo_error *err);

/*
 * Refit: the series regenerated against the tree it is applied to, so that
 * each patch applies at fuzz 0 and offset 0 (as dpkg-source needs). A dry
 * run of bpo_patch_apply_series with opts.refit: texts[i] (malloc'd, caller
 * frees) is patch i's DEP-3 header followed by its diff (a/ b/ prefixes,
 * -p1, 3 lines of context, renames written as delete + create). A patch whose
 * hunks were all already applied gets just its header (rep->patches[i].already:
 * leave such a patch out of debian/patches, as patch(1) rejects a patch
 * without a diff). Files emptied by a patch are written as removals (what
 * dpkg-source's patch -E does anyway); mode changes are not carried over.
 * Fails like apply.
 */
int bpo_patch_refit(const char *tree, struct bpo_patch *const *patches, const int *strips,
		    size_t n, unsigned fuzz, char **texts, struct bpo_patch_report *rep,
		    struct bpo_error *err);

/* One entry of a quilt series file. */
struct bpo_patch_series_entry {
	char *name;  /* relative to the patches directory */
	int strip;   /* from "-pN", or 1 (quilt's default) */
	unsigned line;
};

struct bpo_patch_series {
	struct bpo_patch_series_entry *v;
	size_t n;
};

/*
 * Parse a quilt series file: one patch a line, '#' starts a comment (whole
 * line, or after whitespace), options after the name: -pN (others are an
 * error, as dpkg-source allows only -p). Names must be relative paths
 * without ".." (BPO_E_SYNTAX "name:line: ..."). On failure out is left empty.
 */
int bpo_patch_series_parse(const char *text, size_t len, const char *name,
			   struct bpo_patch_series *out, struct bpo_error *err);
void bpo_patch_series_destroy(struct bpo_patch_series *s);

/*
 * Apply the tree's own debian/patches/series (what dpkg-source -x does for a
 * 3.0 (quilt) package) with max fuzz `fuzz` (use 0), all or nothing. No
 * series file, or an empty one, is success with nothing applied. Patch files
 * are read through the tree fd without following symlinks. rep may be NULL.
 * Does not create .pc/ (the caller may).
 */
int bpo_patch_apply_quilt(const char *tree, unsigned fuzz, struct bpo_patch_report *rep,
			  struct bpo_error *err);
/* The same as a dry run: report only, nothing written. */
int bpo_patch_check_quilt(const char *tree, unsigned fuzz, struct bpo_patch_report *rep,
			  struct bpo_error *err);

/* The report as a text table (one line a hunk) and as JSON. */
int bpo_patch_report_text(const struct bpo_patch_report *rep, struct bpo_buf *out,
			  struct bpo_error *err);
int bpo_patch_report_json(const struct bpo_patch_report *rep, struct bpo_buf *out,
			  struct bpo_error *err);
const char *bpo_patch_hunk_status_name(enum bpo_hunk_status s);

/*
 * A unified diff (a/ b/ headers, -p1, 3 lines of context) of one file from
 * old to new content, appended to out; the Myers algorithm, in C. old or new
 * NULL means the file does not exist on that side (/dev/null). Nothing is
 * appended when both are equal.
 */
int bpo_patch_diff(const char *path, const char *old, size_t old_len, const char *new_,
		   size_t new_len, struct bpo_buf *out, struct bpo_error *err);

/*
 * Diff two trees (old_tree: before, new_tree: after) into out: a unified diff
 * (as bpo_patch_diff) per changed regular file, in path order. Relative paths
 * listed in skip (NULL-terminated, may be NULL; a directory skips all below
 * it), and files ending in .rej or .orig, are left out; symlinks are neither
 * followed nor diffed; with only (NULL-terminated), just those paths. This is `quilt refresh` for `bpo patch --refresh`.
 */
int bpo_patch_diff_trees(const char *old_tree, const char *new_tree, const char *const *skip,
			 const char *const *only, struct bpo_buf *out, struct bpo_error *err);
/* The tree-relative paths a patch touches (either side, -p strip, git
 * patches -p1), pushed to out once each. */
int bpo_patch_touched(const struct bpo_patch *p, int strip, struct bpo_strv *out,
		      struct bpo_error *err);

#endif
