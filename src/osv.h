/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * osv: security data in the OSV format (https://ossf.github.io/osv-schema/),
 * written for a repository's suites and read for `bpo audit` and `bpo check`.
 *
 * Writing: each suite of a bpo repository publishes, under dists/<suite>/osv/,
 * one record per vulnerability and source package that a published version
 * fixes (from the Sources field Bpo-Fixes, fixes.h):
 *
 *   id        x_bpo-<source>-<vulnerability id>   (OSV's prefix for private databases)
 *   upstream  [<vulnerability id>]
 *   affected  [{package: {ecosystem: "Debian:12", name: <source>,
 *                         purl: "pkg:deb/debian/<source>?arch=source"},
 *               ranges: [{type: ECOSYSTEM, events: [{introduced: "0"},
 *                                                   {fixed: <lowest version that carries it>}]}],
 *               database_specific: {bpo: {suite, versions}}}]
 *
 * and index.json: every source version of the suite with the fixes it claims
 * (also none), and the records. All are listed in the suite's signed Release.
 * A record that did not change keeps its published/modified times.
 *
 * Reading: a database is loaded from files and directories of OSV records
 * (a local copy of a distribution's data, a bpo repository or one suite's
 * osv/ directory); bpo's index.json files are recognised and kept as the
 * list of what bpo published. Ranges are evaluated with dpkg's version order.
 *
 * Ownership: a struct bpo_osv_db owns everything in it.
 */
#ifndef BPO_OSV_H
#define BPO_OSV_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "err.h"
#include "xmem.h"

#define BPO_OSV_SCHEMA_VERSION "1.6.0"
#define BPO_OSV_ID_PREFIX "x_bpo-"

/* ---- writing a suite's data ---- */

struct bpo_osv_pkg {
	const char *source, *version;
	const char *fixes; /* the Bpo-Fixes value, or NULL */
};

/* Called for each file, rel relative to the suite directory ("osv/..."). */
typedef int (*bpo_osv_put_fn)(void *ud, const char *rel, const void *data, size_t len,
			      struct bpo_error *err);

/* "Debian:12" for a suite named after a known release ("bookworm-backports"),
 * else "Debian". Owned result. */
char *bpo_osv_ecosystem(const char *suite);

/* Write the suite's records and index.json through put. old_dir: the current
 * dists/<suite> (its osv/ gives the times of unchanged records), or NULL. */
int bpo_osv_suite_write(const char *suite, const struct bpo_osv_pkg *pkgs, size_t n,
			const char *old_dir, time_t now, bpo_osv_put_fn put, void *ud,
			struct bpo_error *err);

/* ---- reading ---- */

enum bpo_osv_verdict { BPO_OSV_NONE, BPO_OSV_AFFECTED, BPO_OSV_FIXED };

struct bpo_osv_event {
	int kind; /* 'i' introduced, 'f' fixed, 'l' last_affected */
	char *version;
};

struct bpo_osv_affected {
	char *ecosystem, *name;
	struct bpo_osv_event *ev;
	size_t n_ev;
	struct bpo_strv versions; /* listed affected versions */
	struct bpo_strv bpo_versions; /* bpo records: the versions that carry the fix */
};

struct bpo_osv_record {
	char *id;
	char *vuln;  /* the vulnerability it is about: its CVE (id, upstream or aliases), else id */
	char *file;  /* where it was read */
	bool bpo;    /* published by bpo (id prefix x_bpo-) */
	struct bpo_osv_affected *aff;
	size_t n_aff;
};

/* One source version a bpo suite published (index.json). */
struct bpo_osv_published {
	char *suite, *source, *version;
	struct bpo_strv fixes;
};

struct bpo_osv_db {
	struct bpo_osv_record *rec;
	size_t n_rec, cap_rec;
	struct bpo_osv_published *pub;
	size_t n_pub, cap_pub;
	size_t n_files;
};

void bpo_osv_db_destroy(struct bpo_osv_db *db);
/* Add a file (a record, an array of records, or a bpo index.json) or a
 * directory (every *.json under it, 6 levels deep). A file that is not JSON,
 * or a record without id or affected, is BPO_E_SYNTAX naming it. */
int bpo_osv_db_load(struct bpo_osv_db *db, const char *path, struct bpo_error *err);

/* What record r says of source name at version in ecosystem (NULL: any
 * Debian ecosystem): AFFECTED or FIXED when it has ranges for that package
 * (fixed: the fixed version of the range that applies, or NULL), NONE when
 * it does not cover the package. ecosystem "Debian:12" matches records for
 * "Debian:12" and "Debian". */
enum bpo_osv_verdict bpo_osv_eval(const struct bpo_osv_record *r, const char *ecosystem,
				  const char *name, const char *version, const char **fixed);

/* Whether bpo record r names version of source as one that carries the fix. */
bool bpo_osv_carries(const struct bpo_osv_record *r, const char *name, const char *version);

/* The bpo index entry for source at version, or NULL. */
const struct bpo_osv_published *bpo_osv_find_published(const struct bpo_osv_db *db,
							const char *source,
							const char *version);

#endif
