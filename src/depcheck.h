/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * depcheck: can a source package's build dependencies be satisfied for the
 * target release, from the suites its build will use, decided from the
 * verified indices alone, before any chroot time is spent?
 *
 * The solver is dose-builddebcheck (dose3), what Debian's build daemons use
 * to decide dep-wait: it reads the binary Packages indices of every suite the
 * build's apt will see (the same "deb [signed-by=K] URI SUITE COMP..." lines)
 * and a Sources stanza with the source's Build-Depends(-Arch/-Indep) and
 * Build-Conflicts*, plus build-essential and fakeroot, which every build root
 * gets. Each index is fetched and verified as apt does (index.h: signed
 * Release, sha256). apt's simulated build-dep in the root stays the final
 * word (build.h); this is the verdict in seconds.
 *
 * An unsatisfiable relation is explained from the same indices: what each
 * suite has of the package, and, from the newer release (informational, not
 * used to solve), which version and source package would satisfy it.
 */
#ifndef BPO_DEPCHECK_H
#define BPO_DEPCHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "bpoconf.h"
#include "buf.h"
#include "dsc.h"
#include "err.h"
#include "xmem.h"

struct bpo_depcheck_opts {
	const struct bpo_dsc *dsc;    /* the source package (its Build-* fields) */
	const char *arch;             /* host architecture, e.g. amd64 */
	const char *profiles;         /* comma-separated build profiles, or NULL */
	/* the apt source lines of the build: "deb [signed-by=K ...] URI SUITE COMP..."
	   (a line without signed-by is verified with default_keyring); URI is
	   http(s):// or file:/DIR */
	const char *const *apt_lines;
	size_t n_lines;
	/* the first n_base_lines are what apt takes by itself (the release, its
	   -updates and -security); the rest are extra suites, whose versions apt
	   takes (NotAutomatic ones, like a backports suite) only when pinned.
	   When 0 < n_base_lines < n_lines and the verdict is satisfiable, the
	   pins are decided (res->pins). */
	size_t n_base_lines;
	const char *default_keyring;
	/* suites for the explanation only, not used to solve: the newer release,
	   the target's backports suite when the build does not use it; each
	   with the advice given when it has a satisfying version */
	struct bpo_depcheck_hint {
		const char *url, *suite, *keyring, *advice;
		bool newer; /* the newer release (backport from it), else a suite to
			       enable (the target's backports) */
	} hints[2];
	size_t n_hints;
	const char *tmp_base;         /* where the temporary directory goes (NULL: $TMPDIR) */
};

struct bpo_depcheck_unmet {
	char *relation;    /* as dose gives it: "debhelper:amd64 (>= 13.11.6~)" */
	char *needed_by;   /* NULL: a build dependency itself; else the binary package
			      whose dependency it is */
	char *explanation; /* "debhelper (>= 13.11.6~): bookworm has 13.11.4; trixie has
			      13.24.2 (source debhelper)" */
	/* per hint (opts.hints): the highest satisfying version of the first
	   alternative that hint has, with its binary and source package; NULL
	   when the hint has none */
	char *hint_package[2], *hint_version[2], *hint_source[2];
};

/* A version of an extra suite the build must take: the release (the base
 * lines) cannot satisfy relation without it. */
struct bpo_depcheck_pin {
	char *package, *version;
	char *suite;     /* the extra suite that has it */
	char *relation;  /* the relation the release alone cannot satisfy */
};

struct bpo_depcheck_result {
	bool satisfiable;
	struct bpo_depcheck_unmet *unmet;
	size_t n_unmet;
	/* the pins, when asked (n_base_lines) and decided: the solver run on the
	   base suites plus what apt would take of the extra suites (packages
	   only they have, and the pinned versions), a pin added for each
	   relation it finds unmet (the highest satisfying version of an extra
	   suite), until nothing is unmet */
	struct bpo_depcheck_pin *pins;
	size_t n_pins;
	bool pins_decided; /* false: the pins could not be decided (apt's rounds do) */
	/* the hints of the opts, in order: suite and kind (the unmet's hint_*) */
	char *hint_suite[2];
	bool hint_newer[2];
	size_t n_hints;
	struct bpo_strv suites;  /* "SUITE" of each line checked, in order */
	double seconds;
};

void bpo_depcheck_result_init(struct bpo_depcheck_result *res);
void bpo_depcheck_result_destroy(struct bpo_depcheck_result *res);
/* Run the check. -1 when it could not be decided (a suite's index did not
 * verify, dose-builddebcheck is missing or failed): err says which; BPO_E_NOTFOUND
 * when dose-builddebcheck is not installed. */
int bpo_depcheck_run(const struct bpo_config *cfg, const struct bpo_depcheck_opts *o,
		     struct bpo_depcheck_result *res, struct bpo_error *err);
/* One JSON object: satisfiable, suites, seconds, unmet [{relation, needed_by,
 * explanation}], pins [{package, version, suite, relation}]. */
void bpo_depcheck_json(const struct bpo_depcheck_result *res, struct bpo_buf *out);
/* dose-builddebcheck's YAML report: the unsatisfied relations (unit-tested). */
void bpo_depcheck_parse_dose(const char *yaml, const char *source,
			     struct bpo_depcheck_result *res);
/* Write the stanzas of the extra suites' Packages files that apt would take
 * with the pins: a package no base file has, or the pinned version (unit-
 * tested). base_names: sorted package names of the base files. */
void bpo_depcheck_view(const char *const *extra_data, size_t n_extra,
		       const struct bpo_strv *base_names, const struct bpo_depcheck_pin *pins,
		       size_t n_pins, struct bpo_buf *out);
/* The stanzas of the Packages texts that the relations in roots can reach
 * (by Package or Provides name, over Depends and Pre-Depends, every
 * alternative, every version), appended to out[i] for data[i] in their
 * order: what the solver needs to decide (what cannot be reached cannot be
 * installed by them), a fraction of a release's index (unit-tested). */
void bpo_depcheck_closure(const char *const *data, size_t n_files, const char *roots,
			  struct bpo_buf *out);
/* The sorted, unique package names of a Packages text, appended to names. */
void bpo_depcheck_names(const char *data, struct bpo_strv *names);

#endif
