/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recipe: backport recipes (YAML) to struct bpo_recipe; see recipe.h and bpo-recipe(5). */
#include "config.h"
#include "recipe.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixes.h"
#include "json.h"
#include "fsutil.h"
#include "hash.h"
#include "version.h"
#include "xmem.h"
#include "yamldoc.h"

/* Caps on list lengths: aliases may repeat a list, so each is bounded. */
#define MAX_PATCHES 1000
#define MAX_CVES 1000
#define MAX_PACKAGES 1000
#define MAX_PROFILES 64
#define MAX_XSOURCES 64
#define MAX_COMPONENTS 64
#define MAX_TEXT 4096
#define MAX_FIELD 4096 /* any string; most checks are tighter */
#define MAX_TIMEOUT (7UL * 86400)
#define MAX_FUZZ 3

static const struct {
	const char *codename;
	unsigned number;
} releases[] = {
	{"buster", 10}, {"bullseye", 11}, {"bookworm", 12}, {"trixie", 13}, {"forky", 14},
};

static const char *const top_keys[] = {"source", "target", "changelog", "patches", "fixes",
				       "fuzz", "build", "publish", "qa", "limits", NULL};
/* source.max-valid-time: at most 20 years */
#define MAX_VALID_TIME (20ul * 366 * 86400)

static const char *const source_keys[] = {"package", "archive", "suite", "component", "keyring",
					  "version", "dsc", "allow-unsigned", "check-valid-until",
					  "max-valid-time", NULL};
static const char *const target_keys[] = {"release", "policy", "local-suffix", "distribution",
					  NULL};
static const char *const changelog_keys[] = {"text", "cves", "maintainer", NULL};
static const char *const patch_keys[] = {"path", "url", "sha256", NULL};
static const char *const fix_keys[] = {"id", "patch", "upstream", NULL};
#define MAX_FIXES 512
static const char *const build_keys[] = {"profiles", "extra-packages", "timeout", "arch",
					 "extra-sources", "relax", NULL};
static const char *const relax_keys[] = {"drop", NULL};
#define MAX_RELAX 64
static const char *const xsource_keys[] = {"uri", "suite", "components", "keyring", NULL};
static const char *const publish_keys[] = {"repo", "suite", "component", "key", NULL};
static const char *const qa_keys[] = {"install", "upgrade", "lintian", "autopkgtest",
				      "regression", "newer-archive", "newer-suite", "newer-keyring",
				      NULL};

/* The Debian release number of a codename (12 for bookworm), or 0 if unknown. */
unsigned bpo_recipe_release_number(const char *codename)
{
	for (size_t i = 0; i < sizeof(releases) / sizeof(releases[0]); i++)
		if (strcmp(releases[i].codename, codename) == 0)
			return releases[i].number;
	return 0;
}

static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* Zero a recipe. */
void bpo_recipe_init(struct bpo_recipe *r)
{
	memset(r, 0, sizeof(*r));
	r->fuzz = 2;
	r->source.check_valid_until = true;
}

/* Free everything the recipe owns and zero it (safe to call twice). */
void bpo_recipe_destroy(struct bpo_recipe *r)
{
	if (!r)
		return;
	free(r->file);
	free(r->dir);
	free(r->name);
	free(r->source.package);
	free(r->source.archive);
	free(r->source.suite);
	free(r->source.component);
	free(r->source.keyring);
	free(r->source.dsc);
	free(r->source.version);
	free(r->target.release);
	free(r->target.local_suffix);
	free(r->target.distribution);
	free(r->changelog.text);
	strv_free(r->changelog.cves);
	free(r->changelog.maintainer);
	for (size_t i = 0; i < r->n_patches; i++) {
		free(r->patches[i].path);
		free(r->patches[i].url);
		free(r->patches[i].sha256);
		free(r->patches[i].name);
	}
	free(r->patches);
	for (size_t i = 0; i < r->n_fixes; i++) {
		free(r->fixes[i].id);
		free(r->fixes[i].patch);
	}
	free(r->fixes);
	strv_free(r->build.profiles);
	strv_free(r->build.extra_packages);
	free(r->build.arch);
	for (size_t i = 0; i < r->build.n_extra_sources; i++) {
		free(r->build.extra_sources[i].uri);
		free(r->build.extra_sources[i].suite);
		strv_free(r->build.extra_sources[i].components);
		free(r->build.extra_sources[i].keyring);
	}
	free(r->build.extra_sources);
	for (size_t i = 0; i < r->build.n_relax; i++) {
		free(r->build.relax[i].name);
		free(r->build.relax[i].op);
		free(r->build.relax[i].version);
	}
	free(r->build.relax);
	free(r->publish.repo);
	free(r->publish.suite);
	free(r->publish.component);
	free(r->publish.key);
	for (size_t i = 0; i < sizeof(r->qa) / sizeof(r->qa[0]); i++)
		free(r->qa[i]);
	free(r->newer.archive);
	free(r->newer.suite);
	free(r->newer.keyring);
	bpo_recipe_init(r);
}

/* ---- value checks (each true when s is acceptable) ---- */

static bool all_in(const char *s, const char *extra, bool lower_only)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 'a' && c <= 'z')
			continue;
		if (c >= '0' && c <= '9')
			continue;
		if (!lower_only && c >= 'A' && c <= 'Z')
			continue;
		if (c && strchr(extra, c))
			continue;
		return false;
	}
	return true;
}

static bool hex_n(const char *s, size_t n)
{
	size_t i;
	for (i = 0; s[i]; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return i == n;
}

static bool valid_package(const char *s)
{
	return strlen(s) >= 2 && isalnum((unsigned char)s[0]) && all_in(s, "+.-", true);
}

static bool valid_name(const char *s)
{
	return strlen(s) <= 100 && all_in(s, "._+-", false);
}

static bool valid_url(const char *s)
{
	const char *host;
	if (bpo_str_has_prefix(s, "http://"))
		host = s + 7;
	else if (bpo_str_has_prefix(s, "https://"))
		host = s + 8;
	else
		return false;
	if (!*host || *host == '/')
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return false;
	return true;
}

static bool valid_url_or_mirror(const char *s)
{
	return strcmp(s, "mirror") == 0 || valid_url(s);
}

static bool valid_path(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* dpkg's version syntax: [epoch:]upstream[-revision], upstream starts with a digit. */
static bool valid_version(const char *s)
{
	const char *colon = strchr(s, ':'), *up = s;
	if (strlen(s) > 200)
		return false;
	if (colon) {
		if (colon == s)
			return false;
		for (const char *p = s; p < colon; p++)
			if (!isdigit((unsigned char)*p))
				return false;
		up = colon + 1;
	}
	if (!isdigit((unsigned char)*up))
		return false;
	if (!all_in(up, ".+~-:", false))
		return false;
	if (up[strlen(up) - 1] == '-')
		return false;
	return true;
}

static bool valid_cve(const char *s)
{
	size_t n;
	if (!bpo_str_has_prefix(s, "CVE-"))
		return false;
	s += 4;
	for (n = 0; isdigit((unsigned char)s[n]); n++)
		;
	if (n != 4 || s[4] != '-')
		return false;
	s += 5;
	for (n = 0; isdigit((unsigned char)s[n]); n++)
		;
	return n >= 4 && n <= 19 && s[n] == '\0';
}

/* "Name <user@host>". */
static bool valid_maintainer(const char *s)
{
	const char *lt = strchr(s, '<'), *at, *gt;
	if (!lt || lt == s || lt[-1] != ' ' || strlen(s) > 200)
		return false;
	at = strchr(lt, '@');
	gt = strchr(lt, '>');
	if (!at || !gt || at > gt || at == lt + 1 || gt == at + 1 || gt[1] != '\0')
		return false;
	if (strchr(lt + 1, '<') || strchr(s, '>') != gt)
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	for (const char *p = lt + 1; p < gt; p++)
		if (*p == ' ')
			return false;
	return !isspace((unsigned char)s[0]);
}

static bool valid_text(const char *s)
{
	if (!*s || strlen(s) > MAX_TEXT)
		return false;
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t') || *s == 0x7f)
			return false;
	return true;
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static void upper(char *s)
{
	for (; *s; s++)
		*s = (char)toupper((unsigned char)*s);
}

/* ---- parsing ---- */

struct parse {
	struct bpo_yaml y;
	struct bpo_recipe *r;
	struct bpo_error *err; /* the check at hand writes here */
	struct bpo_error all;  /* the recipe's mistakes so far, one line each */
};

/* One check of a section done: when it failed (rc < 0), its message joins the
 * recipe's mistakes and the section goes on with its next check, so that a
 * run reports every mistake (as compilers do). Returns 1 for a failure. */
static int note(struct parse *p, int rc)
{
	if (rc >= 0)
		return 0;
	if (p->err && p->err->msg[0]) {
		bpo_error_add(&p->all, p->err);
		bpo_error_init(p->err);
	}
	return 1;
}

/* The value of a required key, or an error at the mapping. */
static yaml_node_t *require(struct parse *p, const yaml_node_t *map, const char *key,
			    const char *where)
{
	yaml_node_t *v = bpo_yaml_get(&p->y, map, key);
	if (!v || bpo_yaml_is_null(v)) {
		bpo_yaml_error(&p->y, v ? v : map, p->err, "%s: missing required key '%s'", where,
			       key);
		return NULL;
	}
	return v;
}

/* A string field checked by ok(); expect says what a valid value looks like. */
static int field(struct parse *p, const yaml_node_t *map, const char *key, const char *where,
		 bool (*ok)(const char *), const char *expect, char **out)
{
	yaml_node_t *v = bpo_yaml_get(&p->y, map, key);
	char what[128];

	snprintf(what, sizeof(what), "%s.%s", where, key);
	if (!v)
		return 0;
	if (bpo_yaml_string(&p->y, v, what, out, p->err) < 0)
		return -1;
	if (!*out)
		return 0;
	if (strlen(*out) > MAX_FIELD)
		return bpo_yaml_error(&p->y, v, p->err, "%s: longer than %d bytes", what, MAX_FIELD);
	if (ok && !ok(*out)) {
		char shown[64];
		snprintf(shown, sizeof(shown), "%.40s%s", *out, strlen(*out) > 40 ? "..." : "");
		for (char *c = shown; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = '?';
		return bpo_yaml_error(&p->y, v, p->err, "%s: expected %s, found '%s'", what, expect,
				      shown);
	}
	return 0;
}

/* Make path absolute against the recipe directory. */
static char *resolve(const struct bpo_recipe *r, const char *path)
{
	if (path[0] == '/')
		return bpo_xstrdup(path);
	return bpo_path_join(r->dir, path);
}

static void resolve_in_place(const struct bpo_recipe *r, char **path)
{
	char *abs;
	if (!*path)
		return;
	abs = resolve(r, *path);
	free(*path);
	*path = abs;
}

static int parse_source(struct parse *p, const yaml_node_t *m)
{
	struct bpo_recipe *r = p->r;
	const struct bpo_yaml *y = &p->y;
	yaml_node_t *pkg, *dsc;

	int bad = 0;

	if (bpo_yaml_expect_mapping(y, m, "source", p->err) < 0)
		return -1;
	bad += note(p, bpo_yaml_check_keys(&p->y, m, source_keys, "source", p->err));
	/* a null value is the same as a missing key */
	pkg = bpo_yaml_get(&p->y, m, "package");
	dsc = bpo_yaml_get(&p->y, m, "dsc");
	if (bpo_yaml_is_null(pkg))
		pkg = NULL;
	if (bpo_yaml_is_null(dsc))
		dsc = NULL;
	if (pkg && dsc)
		bad += note(p, bpo_yaml_error(y, dsc, p->err,
					      "source: give either 'package' (an archive source) "
					      "or 'dsc' (a .dsc URL or file), not both"));
	if (!pkg && !dsc)
		bad += note(p, bpo_yaml_error(y, m, p->err,
					      "source: missing 'package' (an archive source) or "
					      "'dsc' (a .dsc URL or file); give exactly one"));
	bad += note(p, field(p, m, "package", "source", valid_package,
			     "a Debian source package name (a-z, 0-9, '+', '-', '.')",
			     &r->source.package));
	bad += note(p, field(p, m, "archive", "source", NULL, NULL, &r->source.archive));
	bad += note(p, field(p, m, "suite", "source", valid_name, "a suite name like trixie",
			     &r->source.suite));
	bad += note(p, field(p, m, "component", "source", valid_name,
			     "a component name like main", &r->source.component));
	bad += note(p, field(p, m, "keyring", "source", valid_path, "a keyring file path",
			     &r->source.keyring));
	bad += note(p, field(p, m, "version", "source", NULL, NULL, &r->source.version));
	bad += note(p, field(p, m, "dsc", "source", valid_path, "a .dsc URL or file",
			     &r->source.dsc));
	bad += note(p, bpo_yaml_bool(y, bpo_yaml_get(&p->y, m, "allow-unsigned"),
				     "source.allow-unsigned", &r->source.allow_unsigned, p->err));
	bad += note(p, bpo_yaml_bool(y, bpo_yaml_get(&p->y, m, "check-valid-until"),
				     "source.check-valid-until", &r->source.check_valid_until,
				     p->err));
	bad += note(p, bpo_yaml_duration(y, bpo_yaml_get(&p->y, m, "max-valid-time"),
					 "source.max-valid-time", MAX_VALID_TIME,
					 &r->source.max_valid_time, p->err));
	if (bad || (!pkg && !dsc))
		return -1;
	if (r->source.version) {
		/* dpkg's rules first (their reason is the clearest), then ours: no
		 * white space or sign that dpkg's strtol would let through */
		struct bpo_version v;
		struct bpo_error verr;
		yaml_node_t *vn = bpo_yaml_get(&p->y, m, "version");
		if (bpo_version_parse(&v, r->source.version, &verr) < 0)
			return bpo_yaml_error(y, vn, p->err, "source.version: %s", verr.msg);
		bpo_version_destroy(&v);
		if (!valid_version(r->source.version))
			return bpo_yaml_error(y, vn, p->err,
					      "source.version: expected a Debian version like 2.10-3 "
					      "or 1:2.0-1, found '%.40s'",
					      r->source.version);
	}
	if (r->source.package) {
		r->source.kind = BPO_SOURCE_ARCHIVE;
		if (r->source.allow_unsigned)
			return bpo_yaml_error(y, bpo_yaml_get(&p->y, m, "allow-unsigned"), p->err,
					      "source.allow-unsigned: only for 'dsc' sources; "
					      "an archive is always verified");
		if (!require(p, m, "suite", "source"))
			return -1;
		if (!r->source.archive)
			r->source.archive = bpo_xstrdup("mirror");
		if (strcmp(r->source.archive, "mirror") != 0) {
			yaml_node_t *a = bpo_yaml_get(&p->y, m, "archive");
			if (!valid_url(r->source.archive))
				return bpo_yaml_error(y, a, p->err,
						      "source.archive: expected \"mirror\" or an "
						      "http:// or https:// URL");
			while (bpo_str_has_suffix(r->source.archive, "/") &&
			       strlen(r->source.archive) > 8)
				r->source.archive[strlen(r->source.archive) - 1] = '\0';
			if (!r->source.keyring)
				return bpo_yaml_error(y, m, p->err,
						      "source: missing required key 'keyring' "
						      "(an archive other than the mirror needs its keyring)");
		}
		if (!r->source.component)
			r->source.component = bpo_xstrdup("main");
	} else {
		static const char *const archive_only[] = {"archive", "suite", "component",
							   "version", "check-valid-until",
							   "max-valid-time", NULL};
		r->source.kind = BPO_SOURCE_DSC;
		for (size_t i = 0; archive_only[i]; i++) {
			yaml_node_t *v = bpo_yaml_get(&p->y, m, archive_only[i]);
			if (v && !bpo_yaml_is_null(v))
				return bpo_yaml_error(y, v, p->err,
						      "source.%s: only for archive sources "
						      "('package'), not with 'dsc'",
						      archive_only[i]);
		}
		if (!bpo_str_has_suffix(r->source.dsc, ".dsc"))
			return bpo_yaml_error(y, dsc, p->err,
					      "source.dsc: expected a URL or file name ending in .dsc");
		if (bpo_str_has_prefix(r->source.dsc, "http://") ||
		    bpo_str_has_prefix(r->source.dsc, "https://")) {
			if (!valid_url(r->source.dsc))
				return bpo_yaml_error(y, dsc, p->err,
						      "source.dsc: malformed URL");
		} else if (strstr(r->source.dsc, "://")) {
			return bpo_yaml_error(y, dsc, p->err,
					      "source.dsc: expected an http:// or https:// URL or a "
					      "file path");
		} else {
			resolve_in_place(r, &r->source.dsc);
		}
		if (r->source.keyring && r->source.allow_unsigned)
			return bpo_yaml_error(y, bpo_yaml_get(&p->y, m, "allow-unsigned"), p->err,
					      "source: 'keyring' and 'allow-unsigned: true' "
					      "contradict each other; give one");
		if (!r->source.keyring && !r->source.allow_unsigned)
			return bpo_yaml_error(y, m, p->err,
					      "source: missing required key 'keyring' (the key that "
					      "signs the .dsc), or say 'allow-unsigned: true'");
	}
	resolve_in_place(r, &r->source.keyring);
	return 0;
}

static bool valid_suffix(const char *s)
{
	return s[0] == '+' && strlen(s) >= 2 && strlen(s) <= 32 && all_in(s + 1, ".+~", false);
}

static int parse_target(struct parse *p, const yaml_node_t *m)
{
	struct bpo_recipe *r = p->r;
	const struct bpo_yaml *y = &p->y;
	yaml_node_t *rel, *pol;
	char *policy = NULL;
	int rc = -1;

	int bad = 0, rel_bad;

	if (bpo_yaml_expect_mapping(y, m, "target", p->err) < 0)
		return -1;
	bad += note(p, bpo_yaml_check_keys(&p->y, m, target_keys, "target", p->err));
	if (!(rel = require(p, m, "release", "target")))
		return -1;
	rel_bad = note(p, field(p, m, "release", "target", valid_name, "a release codename",
				&r->target.release));
	bad += rel_bad;
	bad += note(p, field(p, m, "policy", "target", NULL, NULL, &policy));
	bad += note(p, field(p, m, "local-suffix", "target", valid_suffix,
			     "'+' and letters, digits, '.', '+' or '~' (like +acme1)",
			     &r->target.local_suffix));
	bad += note(p, field(p, m, "distribution", "target", valid_name,
			     "a distribution name like bookworm-backports",
			     &r->target.distribution));
	if (rel_bad || !r->target.release)
		goto out; /* the checks below need it */
	r->target.release_number = bpo_recipe_release_number(r->target.release);
	if (!r->target.release_number) {
		char known[256] = "";
		size_t used = 0;
		for (size_t i = 0; i < sizeof(releases) / sizeof(releases[0]); i++) {
			int n = snprintf(known + used, sizeof(known) - used, "%s%s (%u)",
					 i ? ", " : "", releases[i].codename, releases[i].number);
			if (n > 0 && (size_t)n < sizeof(known) - used)
				used += (size_t)n;
		}
		bad += note(p, bpo_yaml_error(y, rel, p->err,
					      "target.release: unknown release '%s'; known: %s",
					      r->target.release, known));
	}
	pol = bpo_yaml_get(&p->y, m, "policy");
	if (!policy || strcmp(policy, "bpo") == 0) {
		r->target.policy = BPO_POLICY_BPO;
	} else if (strcmp(policy, "local") == 0) {
		r->target.policy = BPO_POLICY_LOCAL;
	} else {
		bad += note(p, bpo_yaml_error(y, pol, p->err,
					      "target.policy: expected bpo or local, found '%.40s'",
					      policy));
	}
	if (bad)
		goto out;
	if (r->target.policy == BPO_POLICY_LOCAL && !r->target.local_suffix) {
		bpo_yaml_error(y, m, p->err,
			       "target: missing required key 'local-suffix' (policy: local)");
		goto out;
	}
	if (r->target.local_suffix && strncmp(r->target.local_suffix, "+deb", 4) == 0 &&
	    r->target.local_suffix[4] >= '0' && r->target.local_suffix[4] <= '9') {
		/* +debNNuM is Debian's own: a later stable or security update of
		   the release would take the same or a lower version */
		bpo_yaml_error(y, bpo_yaml_get(&p->y, m, "local-suffix"), p->err,
			       "target.local-suffix: '%s' collides with Debian's stable-update "
			       "versions (+debNNuM, as in 2.10-3+deb12u1): a stable update of the "
			       "release would sort with it; choose your own, like +acme1",
			       r->target.local_suffix);
		goto out;
	}
	if (r->target.policy == BPO_POLICY_BPO && r->target.local_suffix) {
		bpo_yaml_error(y, bpo_yaml_get(&p->y, m, "local-suffix"), p->err,
			       "target.local-suffix: only with 'policy: local'");
		goto out;
	}
	if (!r->target.distribution)
		r->target.distribution = bpo_xasprintf("%s-backports", r->target.release);
	rc = 0;
out:
	free(policy);
	return rc;
}

static int parse_changelog(struct parse *p, const yaml_node_t *m)
{
	struct bpo_recipe *r = p->r;
	const struct bpo_yaml *y = &p->y;
	yaml_node_t *cves;

	if (m && !bpo_yaml_is_null(m)) {
		int bad = 0;
		if (bpo_yaml_expect_mapping(y, m, "changelog", p->err) < 0)
			return -1;
		bad += note(p, bpo_yaml_check_keys(&p->y, m, changelog_keys, "changelog", p->err));
		bad += note(p, field(p, m, "text", "changelog", valid_text,
				     "non-empty text without control characters (but newlines "
				     "and tabs)", &r->changelog.text));
		bad += note(p, field(p, m, "maintainer", "changelog", valid_maintainer,
				     "\"Full Name <user@example.org>\"",
				     &r->changelog.maintainer));
		cves = bpo_yaml_get(&p->y, m, "cves");
		if (note(p, bpo_yaml_strlist(y, cves, "changelog.cves", MAX_CVES,
					     &r->changelog.cves, p->err)))
			return -1;
		for (size_t i = 0; r->changelog.cves[i]; i++) {
			yaml_node_t *item = yaml_document_get_node(
				&p->y.doc, cves->data.sequence.items.start[i]);
			if (!valid_cve(r->changelog.cves[i]))
				bad += note(p, bpo_yaml_error(y, item, p->err,
							      "changelog.cves: expected a CVE id "
							      "like CVE-2024-12345, found '%.40s'",
							      r->changelog.cves[i]));
		}
		if (bad)
			return -1;
	} else {
		r->changelog.cves = bpo_xcalloc(1, sizeof(char *));
	}
	if (!r->changelog.text)
		r->changelog.text = bpo_xasprintf("Rebuild for %s.", r->target.distribution);
	return 0;
}

/* The file name a patch gets in debian/patches. */
static char *patch_name(const char *pathurl, bool is_url)
{
	size_t n = strlen(pathurl);
	const char *base, *start = pathurl;
	if (is_url) {
		n = strcspn(pathurl, "?#");
		start = strstr(pathurl, "://"); /* valid_url() made sure of it */
		start = start ? start + 3 : pathurl;
		start += strcspn(start, "/"); /* the name comes from the path, never the host */
		if ((size_t)(start - pathurl) > n)
			start = pathurl + n;
	}
	base = pathurl + n;
	while (base > start && base[-1] != '/')
		base--;
	return bpo_xstrndup(base, (size_t)(pathurl + n - base));
}

static int parse_patch(struct parse *p, const yaml_node_t *item, struct bpo_recipe_patch *pt)
{
	struct bpo_recipe *r = p->r;
	const struct bpo_yaml *y = &p->y;
	struct stat st;
	char *written = NULL;
	int rc = -1;

	pt->line = (unsigned)item->start_mark.line + 1;
	pt->column = (unsigned)item->start_mark.column + 1;
	if (item->type == YAML_SCALAR_NODE && !bpo_yaml_is_null(item)) {
		if (bpo_yaml_string(y, item, "patches", &pt->path, p->err) < 0)
			goto out;
		if (!valid_path(pt->path)) {
			bpo_yaml_error(y, item, p->err, "patches: expected a file path");
			goto out;
		}
	} else if (item->type == YAML_MAPPING_NODE) {
		if (bpo_yaml_check_keys(&p->y, item, patch_keys, "a patch", p->err) < 0)
			goto out;
		if (field(p, item, "path", "patches", valid_path, "a file path", &pt->path) < 0 ||
		    field(p, item, "url", "patches", valid_url, "an http:// or https:// URL",
			  &pt->url) < 0 ||
		    field(p, item, "sha256", "patches", NULL, NULL, &pt->sha256) < 0)
			goto out;
		if (pt->path && pt->url) {
			bpo_yaml_error(y, item, p->err,
				       "a patch: give either 'path' or 'url', not both");
			goto out;
		}
		if (!pt->path && !pt->url) {
			bpo_yaml_error(y, item, p->err,
				       "a patch: missing required key 'path' or 'url'");
			goto out;
		}
		if (pt->url && !pt->sha256) {
			bpo_yaml_error(y, item, p->err,
				       "a patch: missing required key 'sha256' (a patch from a URL "
				       "must be pinned)");
			goto out;
		}
		if (pt->sha256) {
			if (!hex_n(pt->sha256, 64)) {
				bpo_yaml_error(y, bpo_yaml_get(&p->y, item, "sha256"), p->err,
					       "patches.sha256: expected 64 hexadecimal digits, "
					       "found '%.70s'",
					       pt->sha256);
				goto out;
			}
			lower(pt->sha256);
		}
	} else {
		bpo_yaml_error(y, item, p->err,
			       "patches: expected a file path or a mapping with path/url, found %s",
			       bpo_yaml_node_kind(item));
		goto out;
	}
	pt->name = patch_name(pt->url ? pt->url : pt->path, pt->url != NULL);
	if (!bpo_path_component_ok(pt->name) || strcmp(pt->name, "series") == 0 ||
	    pt->name[0] == '.') {
		bpo_yaml_error(y, item, p->err,
			       "patches: '%.60s' does not give a usable patch file name",
			       pt->url ? pt->url : pt->path);
		goto out;
	}
	for (size_t i = 0; i < r->n_patches; i++)
		if (r->patches[i].name && strcmp(r->patches[i].name, pt->name) == 0) {
			bpo_yaml_error(y, item, p->err,
				       "patches: a second patch named '%.60s' (first at %u:%u)",
				       pt->name, r->patches[i].line, r->patches[i].column);
			goto out;
		}
	if (pt->path) {
		written = pt->path;
		pt->path = resolve(r, written);
		if (stat(pt->path, &st) < 0) {
			bpo_yaml_error(y, item, p->err, "patch file '%.200s' %s%s", written,
				       errno == ENOENT ? "does not exist" : strerror(errno),
				       written[0] == '/' ? "" : " (relative to the recipe's directory)");
			goto out;
		}
		if (!S_ISREG(st.st_mode)) {
			bpo_yaml_error(y, item, p->err, "patch file '%.200s' is not a regular file",
				       written);
			goto out;
		}
	}
	rc = 0;
out:
	free(written);
	return rc;
}

static int parse_patches(struct parse *p, const yaml_node_t *list)
{
	struct bpo_recipe *r = p->r;
	const struct bpo_yaml *y = &p->y;
	yaml_node_item_t *it;
	size_t n;
	int bad = 0;

	if (!list || bpo_yaml_is_null(list))
		return 0;
	if (list->type != YAML_SEQUENCE_NODE)
		return bpo_yaml_error(y, list, p->err, "patches: expected a list, found %s",
				      bpo_yaml_node_kind(list));
	n = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
	if (n > MAX_PATCHES)
		return bpo_yaml_error(y, list, p->err, "patches: more than %d patches", MAX_PATCHES);
	r->patches = bpo_xcalloc(n ? n : 1, sizeof(*r->patches));
	for (it = list->data.sequence.items.start; it < list->data.sequence.items.top; it++) {
		yaml_node_t *item = yaml_document_get_node(&p->y.doc, *it);
		struct bpo_recipe_patch *pt = &r->patches[r->n_patches];
		bad += note(p, parse_patch(p, item, pt));
		r->n_patches++; /* counted even on failure so destroy frees it */
	}
	return bad ? -1 : 0;
}

static bool valid_fix_id(const char *s)
{
	return bpo_fix_id_ok(s);
}

/* One item of fixes: {id, patch: NAME} or {id, upstream: true}. */
static int parse_fix(struct parse *p, const yaml_node_t *item, size_t idx, struct bpo_recipe_fix *fx)
{
	struct bpo_recipe *r = p->r;
	const struct bpo_yaml *y = &p->y;
	char where[32];
	yaml_node_t *pv, *uv;

	snprintf(where, sizeof(where), "fixes[%zu]", idx);
	fx->line = (unsigned)item->start_mark.line + 1;
	fx->column = (unsigned)item->start_mark.column + 1;
	if (bpo_yaml_expect_mapping(y, item, where, p->err) < 0 ||
	    bpo_yaml_check_keys(&p->y, item, fix_keys, where, p->err) < 0 ||
	    !require(p, item, "id", where))
		return -1;
	if (field(p, item, "id", where, valid_fix_id,
		  "an advisory id (CVE-2026-1234, DSA-5555-1, DLA-3333-1, GHSA-..., OSV-...)",
		  &fx->id) < 0 ||
	    field(p, item, "patch", where, NULL, NULL, &fx->patch) < 0)
		return -1;
	pv = bpo_yaml_get(&p->y, item, "patch");
	uv = bpo_yaml_get(&p->y, item, "upstream");
	if (uv && bpo_yaml_bool(y, uv, "fixes.upstream", &fx->upstream, p->err) < 0)
		return -1;
	if (fx->patch && fx->upstream)
		return bpo_yaml_error(y, item, p->err,
				      "%s: give either 'patch' or 'upstream: true', not both", where);
	if (!fx->patch && !fx->upstream)
		return bpo_yaml_error(y, item, p->err,
				      "%s: %s is claimed without 'patch: NAME' (the series patch that "
				      "fixes it) or 'upstream: true' (the backported version "
				      "includes it)", where, fx->id);
	for (size_t i = 0; i < idx; i++)
		if (r->fixes[i].id && strcmp(r->fixes[i].id, fx->id) == 0)
			return bpo_yaml_error(y, item, p->err, "%s: %s is listed twice (first at "
					      "line %u)", where, fx->id, r->fixes[i].line);
	if (fx->patch) {
		/* the patch's name, or the path or URL as the series gives it */
		const char *base = strrchr(fx->patch, '/');
		base = base ? base + 1 : fx->patch;
		for (size_t i = 0; i < r->n_patches; i++)
			if (strcmp(r->patches[i].name, base) == 0) {
				free(fx->patch);
				fx->patch = bpo_xstrdup(r->patches[i].name);
				return 0;
			}
		struct bpo_buf names;
		bpo_buf_init(&names, 1u << 16);
		for (size_t i = 0; i < r->n_patches; i++)
			bpo_buf_printf(&names, NULL, "%s%s", i ? ", " : "", r->patches[i].name);
		int rc = bpo_yaml_error(y, pv, p->err,
					"%s.patch: %s claims the patch '%.80s', which is not in the "
					"recipe's series (%s)", where, fx->id, fx->patch,
					names.len ? names.data : "it has no patches");
		bpo_buf_destroy(&names);
		return rc;
	}
	return 0;
}

static int parse_fixes(struct parse *p, const yaml_node_t *list)
{
	struct bpo_recipe *r = p->r;
	const struct bpo_yaml *y = &p->y;
	size_t n;
	int bad = 0;

	if (!list || bpo_yaml_is_null(list))
		return 0;
	if (list->type != YAML_SEQUENCE_NODE)
		return bpo_yaml_error(y, list, p->err, "fixes: expected a list, found %s",
				      bpo_yaml_node_kind(list));
	n = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
	if (n > MAX_FIXES)
		return bpo_yaml_error(y, list, p->err, "fixes: more than %d fixes", MAX_FIXES);
	r->fixes = bpo_xcalloc(n ? n : 1, sizeof(*r->fixes));
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *item = yaml_document_get_node(&p->y.doc,
							   list->data.sequence.items.start[i]);
		bad += note(p, parse_fix(p, item, i, &r->fixes[i]));
		r->n_fixes++; /* counted even on failure so destroy frees it */
	}
	return bad ? -1 : 0;
}

static bool valid_arch(const char *s)
{
	return strlen(s) <= 64 && all_in(s, "-", true);
}

static bool valid_profile(const char *s)
{
	return strlen(s) <= 64 && all_in(s, ".+-", true);
}

static int check_list(struct parse *p, const yaml_node_t *list, char **v, bool (*ok)(const char *),
		      const char *what, const char *expect)
{
	for (size_t i = 0; v && v[i]; i++)
		if (!ok(v[i]))
			return bpo_yaml_error(&p->y,
					      yaml_document_get_node(
						      &p->y.doc, list->data.sequence.items.start[i]),
					      p->err, "%s: expected %s, found '%.40s'", what, expect,
					      v[i]);
	return 0;
}

static int parse_xsource(struct parse *p, const yaml_node_t *m, struct bpo_recipe_apt_source *s)
{
	struct bpo_recipe *r = p->r;
	const struct bpo_yaml *y = &p->y;
	yaml_node_t *comps;

	if (bpo_yaml_expect_mapping(y, m, "an extra source", p->err) < 0 ||
	    bpo_yaml_check_keys(&p->y, m, xsource_keys, "an extra source", p->err) < 0)
		return -1;
	if (!require(p, m, "uri", "an extra source") || !require(p, m, "suite", "an extra source"))
		return -1;
	if (field(p, m, "uri", "build.extra-sources", valid_url_or_mirror,
		  "\"mirror\" or an http:// or https:// URL", &s->uri) < 0)
		return -1;
	/* the configured mirror is verified with bpo.conf's keyring unless one is given */
	if ((!s->uri || strcmp(s->uri, "mirror") != 0) &&
	    !require(p, m, "keyring", "an extra source"))
		return -1;
	if (field(p, m, "suite", "build.extra-sources", valid_name, "a suite name", &s->suite) < 0 ||
	    field(p, m, "keyring", "build.extra-sources", valid_path, "a keyring file path",
		  &s->keyring) < 0)
		return -1;
	comps = bpo_yaml_get(&p->y, m, "components");
	if (bpo_yaml_strlist(y, comps, "build.extra-sources.components", MAX_COMPONENTS,
			     &s->components, p->err) < 0 ||
	    check_list(p, comps, s->components, valid_name, "build.extra-sources.components",
		       "a component name") < 0)
		return -1;
	if (!s->components[0]) {
		free(s->components);
		s->components = bpo_xcalloc(2, sizeof(char *));
		s->components[0] = bpo_xstrdup("main");
	}
	resolve_in_place(r, &s->keyring);
	return 0;
}

/* build.relax: ["NAME", "NAME (OP VERSION)", {drop: NAME}] */
static int parse_relax(struct parse *p, const yaml_node_t *list)
{
	const struct bpo_yaml *y = &p->y;
	struct bpo_recipe *r = p->r;
	if (!list || bpo_yaml_is_null(list))
		return 0;
	if (list->type != YAML_SEQUENCE_NODE)
		return bpo_yaml_error(y, list, p->err, "build.relax: expected a list, found %s",
				      bpo_yaml_node_kind(list));
	size_t n = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
	if (n > MAX_RELAX)
		return bpo_yaml_error(y, list, p->err, "build.relax: more than %d rules", MAX_RELAX);
	r->build.relax = bpo_xcalloc(n + 1, sizeof(*r->build.relax));
	for (yaml_node_item_t *it = list->data.sequence.items.start;
	     it < list->data.sequence.items.top; it++) {
		yaml_node_t *item = yaml_document_get_node(&p->y.doc, *it);
		struct bpo_recipe_relax *x = &r->build.relax[r->build.n_relax++];
		const char *s;
		x->line = (unsigned)item->start_mark.line + 1;
		x->column = (unsigned)item->start_mark.column + 1;
		if (item->type == YAML_MAPPING_NODE) {
			if (bpo_yaml_check_keys(&p->y, item, relax_keys, "a build.relax rule",
						p->err) < 0 ||
			    !require(p, item, "drop", "a build.relax rule") ||
			    field(p, item, "drop", "build.relax", valid_package, "a package name",
				  &x->name) < 0)
				return -1;
			x->drop = true;
			continue;
		}
		s = bpo_yaml_scalar(item);
		if (!s)
			return bpo_yaml_error(y, item, p->err, "build.relax: expected \"NAME\", "
					      "\"NAME (OP VERSION)\" or {drop: NAME}, found %s",
					      bpo_yaml_node_kind(item));
		size_t nl = strcspn(s, " (");
		x->name = bpo_xstrndup(s, nl);
		const char *q = s + nl;
		q += strspn(q, " ");
		if (*q == '(') {
			q++;
			q += strspn(q, " ");
			size_t on = strspn(q, "<>=");
			x->op = bpo_xstrndup(q, on);
			q += on;
			q += strspn(q, " ");
			size_t vn = strcspn(q, " )");
			x->version = bpo_xstrndup(q, vn);
			q += vn;
			q += strspn(q, " ");
			if (*q == ')')
				q++;
		}
		if (!valid_package(x->name) || *q ||
		    (x->op && (!bpo_version_op_valid(x->op) || !valid_version(x->version))))
			return bpo_yaml_error(y, item, p->err, "build.relax: expected \"NAME\", "
					      "\"NAME (OP VERSION)\" (OP one of << <= = >= >>) or "
					      "{drop: NAME}, found '%.80s'", s);
	}
	return 0;
}

static int parse_build(struct parse *p, const yaml_node_t *m)
{
	struct bpo_recipe *r = p->r;
	const struct bpo_yaml *y = &p->y;
	yaml_node_t *prof = NULL, *pkgs = NULL, *xs = NULL;
	yaml_node_item_t *it;
	int bad = 0;

	if (m && !bpo_yaml_is_null(m)) {
		if (bpo_yaml_expect_mapping(y, m, "build", p->err) < 0)
			return -1;
		bad += note(p, bpo_yaml_check_keys(&p->y, m, build_keys, "build", p->err));
		prof = bpo_yaml_get(&p->y, m, "profiles");
		pkgs = bpo_yaml_get(&p->y, m, "extra-packages");
		xs = bpo_yaml_get(&p->y, m, "extra-sources");
		bad += note(p, bpo_yaml_duration(y, bpo_yaml_get(&p->y, m, "timeout"),
						 "build.timeout", MAX_TIMEOUT, &r->build.timeout,
						 p->err));
		bad += note(p, field(p, m, "arch", "build", valid_arch,
				     "a Debian architecture like amd64", &r->build.arch));
	}
	if (!note(p, bpo_yaml_strlist(y, prof, "build.profiles", MAX_PROFILES,
				      &r->build.profiles, p->err)))
		bad += note(p, check_list(p, prof, r->build.profiles, valid_profile,
					  "build.profiles", "a build profile name like nocheck"));
	else
		bad++;
	if (!note(p, bpo_yaml_strlist(y, pkgs, "build.extra-packages", MAX_PACKAGES,
				      &r->build.extra_packages, p->err)))
		bad += note(p, check_list(p, pkgs, r->build.extra_packages, valid_package,
					  "build.extra-packages", "a package name"));
	else
		bad++;
	bad += note(p, parse_relax(p, m && !bpo_yaml_is_null(m) ? bpo_yaml_get(&p->y, m, "relax")
							       : NULL));
	if (!xs || bpo_yaml_is_null(xs))
		return bad ? -1 : 0;
	if (xs->type != YAML_SEQUENCE_NODE)
		return bpo_yaml_error(y, xs, p->err,
				      "build.extra-sources: expected a list, found %s",
				      bpo_yaml_node_kind(xs));
	if (xs->data.sequence.items.top - xs->data.sequence.items.start > MAX_XSOURCES)
		return bpo_yaml_error(y, xs, p->err, "build.extra-sources: more than %d entries",
				      MAX_XSOURCES);
	r->build.extra_sources =
		bpo_xcalloc((size_t)(xs->data.sequence.items.top - xs->data.sequence.items.start) + 1,
			    sizeof(*r->build.extra_sources));
	for (it = xs->data.sequence.items.start; it < xs->data.sequence.items.top; it++) {
		struct bpo_recipe_apt_source *s = &r->build.extra_sources[r->build.n_extra_sources++];
		bad += note(p, parse_xsource(p, yaml_document_get_node(&p->y.doc, *it), s));
	}
	return bad ? -1 : 0;
}

static bool valid_fingerprint(const char *s)
{
	return hex_n(s, 40) || hex_n(s, 64);
}

static int parse_publish(struct parse *p, const yaml_node_t *m)
{
	struct bpo_recipe *r = p->r;
	const struct bpo_yaml *y = &p->y;

	if (m && !bpo_yaml_is_null(m)) {
		int bad = 0;
		if (bpo_yaml_expect_mapping(y, m, "publish", p->err) < 0)
			return -1;
		bad += note(p, bpo_yaml_check_keys(&p->y, m, publish_keys, "publish", p->err));
		bad += note(p, field(p, m, "repo", "publish", valid_path, "a repository directory",
				     &r->publish.repo));
		bad += note(p, field(p, m, "suite", "publish", valid_name, "a suite name",
				     &r->publish.suite));
		bad += note(p, field(p, m, "component", "publish", valid_name,
				     "a component name", &r->publish.component));
		bad += note(p, field(p, m, "key", "publish", valid_fingerprint,
				     "a full OpenPGP fingerprint (40 or 64 hexadecimal digits, "
				     "no spaces)", &r->publish.key));
		if (bad)
			return -1;
	}
	resolve_in_place(r, &r->publish.repo);
	if (r->publish.key)
		upper(r->publish.key);
	if (!r->publish.suite)
		r->publish.suite = bpo_xstrdup(r->target.distribution);
	if (!r->publish.component)
		r->publish.component = bpo_xstrdup("main");
	return 0;
}

static bool valid_qa_policy(const char *s)
{
	return strcmp(s, "fail") == 0 || strcmp(s, "warn") == 0 || strcmp(s, "skip") == 0;
}

/* qa: {install, upgrade, lintian, autopkgtest, regression: fail|warn|skip} */
static int parse_qa(struct parse *p, const yaml_node_t *m)
{
	static const char *const keys[] = BPO_RECIPE_QA_KEYS;
	const struct bpo_yaml *y = &p->y;
	int bad = 0;

	if (!m || bpo_yaml_is_null(m))
		return 0;
	if (bpo_yaml_expect_mapping(y, m, "qa", p->err) < 0)
		return -1;
	bad += note(p, bpo_yaml_check_keys(&p->y, m, qa_keys, "qa", p->err));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		bad += note(p, field(p, m, keys[i], "qa", valid_qa_policy, "fail, warn or skip",
				     &p->r->qa[i]));
	/* the newer release for the regression check: archive and suite go
	   together; a keyring unless the archive is the configured mirror */
	bad += note(p, field(p, m, "newer-archive", "qa", valid_url_or_mirror,
			     "\"mirror\" or an http:// or https:// URL", &p->r->newer.archive));
	bad += note(p, field(p, m, "newer-suite", "qa", valid_name, "a suite name",
			     &p->r->newer.suite));
	bad += note(p, field(p, m, "newer-keyring", "qa", valid_path, "a keyring file path",
			     &p->r->newer.keyring));
	if (bad)
		return -1;
	if (p->r->newer.archive && !require(p, m, "newer-suite", "qa with newer-archive"))
		return -1;
	if ((p->r->newer.suite || p->r->newer.keyring) &&
	    !require(p, m, "newer-archive", "qa with newer-suite or newer-keyring"))
		return -1;
	if (p->r->newer.archive && strcmp(p->r->newer.archive, "mirror") != 0 &&
	    !require(p, m, "newer-keyring", "qa with a newer-archive URL"))
		return -1;
	resolve_in_place(p->r, &p->r->newer.keyring);
	return 0;
}

int bpo_recipe_set_newer(struct bpo_recipe *r, const char *archive, const char *suite,
			 const char *keyring, struct bpo_error *err)
{
	char cwd[4096];
	if (!archive && !suite && !keyring)
		return 0;
	if (!archive || !suite)
		return bpo_error_set(err, BPO_E_USAGE, "--newer-archive and --newer-suite go "
				     "together (and --newer-keyring unless the archive is "
				     "'mirror')");
	if (!valid_url_or_mirror(archive))
		return bpo_error_set(err, BPO_E_USAGE, "--newer-archive: expected \"mirror\" or an "
				     "http:// or https:// URL, got '%s'", archive);
	if (!valid_name(suite))
		return bpo_error_set(err, BPO_E_USAGE, "--newer-suite: expected a suite name, got "
				     "'%s'", suite);
	if (!keyring && strcmp(archive, "mirror") != 0)
		return bpo_error_set(err, BPO_E_USAGE, "--newer-keyring: required with a "
				     "--newer-archive URL");
	if (keyring && !valid_path(keyring))
		return bpo_error_set(err, BPO_E_USAGE, "--newer-keyring: expected a keyring file "
				     "path, got '%s'", keyring);
	free(r->newer.archive);
	free(r->newer.suite);
	free(r->newer.keyring);
	r->newer.archive = bpo_xstrdup(archive);
	r->newer.suite = bpo_xstrdup(suite);
	r->newer.keyring = !keyring ? NULL
			   : keyring[0] == '/' || !getcwd(cwd, sizeof(cwd))
				   ? bpo_xstrdup(keyring)
				   : bpo_xasprintf("%s/%s", cwd, keyring);
	return 0;
}

/* file name and absolute directory of the recipe */
static void set_names(struct bpo_recipe *r, const char *name)
{
	const char *slash = strrchr(name, '/');
	const char *base = slash ? slash + 1 : name;
	char *dir = slash ? bpo_xstrndup(name, (size_t)(slash - name) + (slash == name)) : bpo_xstrdup(".");
	char *real;

	r->file = bpo_xstrdup(name);
	r->name = bpo_xstrdup(base);
	if (bpo_str_has_suffix(r->name, ".yaml") && strlen(r->name) > 5)
		r->name[strlen(r->name) - 5] = '\0';
	else if (bpo_str_has_suffix(r->name, ".yml") && strlen(r->name) > 4)
		r->name[strlen(r->name) - 4] = '\0';
	real = realpath(dir, NULL);
	if (real) {
		r->dir = real;
	} else if (dir[0] == '/') {
		r->dir = bpo_xstrdup(dir);
	} else {
		char *cwd = getcwd(NULL, 0);
		r->dir = bpo_path_join(cwd ? cwd : "/", dir);
		free(cwd);
	}
	free(dir);
}

/* Parse recipe text; on failure r is left empty (as after bpo_recipe_init). */
int bpo_recipe_parse(struct bpo_recipe *r, const char *data, size_t len, const char *name,
		     struct bpo_error *err)
{
	struct parse p = {.r = r, .err = err};
	yaml_node_t *root;
	int rc = -1;

	bpo_recipe_init(r);
	set_names(r, name);
	if (bpo_yaml_load(&p.y, data, len, name, err) < 0)
		goto out;
	root = bpo_yaml_root(&p.y);
	if (!root) {
		bpo_yaml_error(&p.y, NULL, err,
			       "empty recipe; expected a mapping with 'source' and 'target'");
		goto out;
	}
	if (bpo_yaml_expect_mapping(&p.y, root, "the recipe", err) < 0 ||
	    bpo_yaml_check_keys(&p.y, root, top_keys, "the recipe", err) < 0)
		goto out;
	if (!require(&p, root, "source", "the recipe") || !require(&p, root, "target", "the recipe"))
		goto out;
	/* every section, and within a section every check that does not depend
	   on an earlier one, so that one run reports every mistake (one line
	   each, in the order of the file, as compilers do) */
	{
		struct bpo_error one;
		bpo_error_init(&p.all);
		p.err = &one;
		for (int k = 0; k < 9; k++) {
			int x = 0;
			bpo_error_init(&one);
			switch (k) {
			case 0: x = parse_source(&p, bpo_yaml_get(&p.y, root, "source")); break;
			case 1: x = parse_target(&p, bpo_yaml_get(&p.y, root, "target")); break;
			case 2: x = parse_changelog(&p, bpo_yaml_get(&p.y, root, "changelog")); break;
			case 3:
				/* the fixes name patches of the series: checked once it parsed */
				x = parse_patches(&p, bpo_yaml_get(&p.y, root, "patches"));
				if (x == 0)
					x = parse_fixes(&p, bpo_yaml_get(&p.y, root, "fixes"));
				break;
			case 4:
				x = bpo_yaml_uint(&p.y, bpo_yaml_get(&p.y, root, "fuzz"), "fuzz",
						  MAX_FUZZ, &r->fuzz, &one);
				break;
			case 5: x = parse_build(&p, bpo_yaml_get(&p.y, root, "build")); break;
			case 6: x = parse_publish(&p, bpo_yaml_get(&p.y, root, "publish")); break;
			case 7: x = parse_qa(&p, bpo_yaml_get(&p.y, root, "qa")); break;
			default:
				x = bpo_limits_yaml(&p.y, bpo_yaml_get(&p.y, root, "limits"), "limits",
						    &r->limits, &one);
			}
			note(&p, x);
		}
		p.err = err;
		if (p.all.msg[0]) {
			bpo_yaml_sort_errors(&p.y, &p.all);
			if (err)
				*err = p.all;
			goto out;
		}
	}
	rc = 0;
out:
	bpo_yaml_destroy(&p.y);
	if (rc < 0)
		bpo_recipe_destroy(r);
	return rc;
}

/* Read and parse a recipe file (at most BPO_MAX_RECIPE bytes). */
int bpo_recipe_load(struct bpo_recipe *r, const char *path, struct bpo_error *err)
{
	struct bpo_buf b;
	int rc;

	bpo_recipe_init(r);
	bpo_buf_init(&b, BPO_MAX_RECIPE);
	rc = bpo_file_read(path, BPO_MAX_RECIPE, &b, err);
	if (rc < 0 && err && err->kind == BPO_E_NOTFOUND)
		err->kind = BPO_E_SYNTAX; /* a missing recipe is bad input: exit 2 */
	if (rc == 0)
		rc = bpo_recipe_parse(r, b.data ? b.data : "", b.len, path, err);
	bpo_buf_destroy(&b);
	return rc;
}

/* ---- writing ---- */

static void write_recipe(struct bpo_ywriter *w, const struct bpo_recipe *r, bool extra)
{
	bpo_ywriter_map_begin(w);
	if (extra) {
		bpo_ywriter_key(w, "schema_version");
		bpo_ywriter_uint(w, BPO_JSON_SCHEMA_VERSION);
		bpo_ywriter_kv(w, "name", r->name);
		bpo_ywriter_kv(w, "file", r->file);
	}
	bpo_ywriter_key(w, "source");
	bpo_ywriter_map_begin(w);
	if (extra)
		bpo_ywriter_kv(w, "kind", r->source.kind == BPO_SOURCE_DSC ? "dsc" : "archive");
	if (r->source.kind == BPO_SOURCE_ARCHIVE) {
		bpo_ywriter_kv(w, "package", r->source.package);
		bpo_ywriter_kv(w, "archive", r->source.archive);
		bpo_ywriter_kv(w, "suite", r->source.suite);
		bpo_ywriter_kv(w, "component", r->source.component);
		bpo_ywriter_kv(w, "keyring", r->source.keyring);
		bpo_ywriter_kv(w, "version", r->source.version);
		bpo_ywriter_key(w, "check-valid-until");
		bpo_ywriter_bool(w, r->source.check_valid_until);
		if (r->source.max_valid_time) {
			bpo_ywriter_key(w, "max-valid-time");
			bpo_ywriter_uint(w, r->source.max_valid_time);
		} else {
			bpo_ywriter_kv(w, "max-valid-time", NULL);
		}
	} else {
		bpo_ywriter_kv(w, "dsc", r->source.dsc);
		bpo_ywriter_kv(w, "keyring", r->source.keyring);
		bpo_ywriter_key(w, "allow-unsigned");
		bpo_ywriter_bool(w, r->source.allow_unsigned);
	}
	bpo_ywriter_map_end(w);

	bpo_ywriter_key(w, "target");
	bpo_ywriter_map_begin(w);
	bpo_ywriter_kv(w, "release", r->target.release);
	if (extra) {
		bpo_ywriter_key(w, "release-number");
		bpo_ywriter_uint(w, r->target.release_number);
	}
	bpo_ywriter_kv(w, "policy", r->target.policy == BPO_POLICY_LOCAL ? "local" : "bpo");
	if (r->target.policy == BPO_POLICY_LOCAL || extra)
		bpo_ywriter_kv(w, "local-suffix", r->target.local_suffix);
	bpo_ywriter_kv(w, "distribution", r->target.distribution);
	bpo_ywriter_map_end(w);

	bpo_ywriter_key(w, "changelog");
	bpo_ywriter_map_begin(w);
	bpo_ywriter_kv(w, "text", r->changelog.text);
	bpo_ywriter_kstrv(w, "cves", r->changelog.cves);
	bpo_ywriter_kv(w, "maintainer", r->changelog.maintainer);
	bpo_ywriter_map_end(w);

	bpo_ywriter_key(w, "patches");
	bpo_ywriter_seq_begin(w, r->n_patches == 0);
	for (size_t i = 0; i < r->n_patches; i++) {
		const struct bpo_recipe_patch *pt = &r->patches[i];
		bpo_ywriter_map_begin(w);
		if (pt->url)
			bpo_ywriter_kv(w, "url", pt->url);
		else
			bpo_ywriter_kv(w, "path", pt->path);
		bpo_ywriter_kv(w, "sha256", pt->sha256);
		if (extra)
			bpo_ywriter_kv(w, "name", pt->name);
		bpo_ywriter_map_end(w);
	}
	bpo_ywriter_seq_end(w);

	bpo_ywriter_key(w, "fixes");
	bpo_ywriter_seq_begin(w, r->n_fixes == 0);
	for (size_t i = 0; i < r->n_fixes; i++) {
		const struct bpo_recipe_fix *fx = &r->fixes[i];
		bpo_ywriter_map_begin(w);
		bpo_ywriter_kv(w, "id", fx->id);
		if (fx->patch) {
			bpo_ywriter_kv(w, "patch", fx->patch);
		} else {
			bpo_ywriter_key(w, "upstream");
			bpo_ywriter_bool(w, true);
		}
		bpo_ywriter_map_end(w);
	}
	bpo_ywriter_seq_end(w);

	bpo_ywriter_key(w, "fuzz");
	bpo_ywriter_uint(w, r->fuzz);

	{
		bool any = false;
		for (int k = 0; k < BPO_LIMIT_N; k++)
			any = any || r->limits.v[k];
		if (any) {
			bpo_ywriter_key(w, "limits");
			bpo_ywriter_map_begin(w);
			for (int k = 0; k < BPO_LIMIT_N; k++) {
				if (!r->limits.v[k])
					continue;
				bpo_ywriter_key(w, bpo_limit_name((enum bpo_limit)k));
				bpo_ywriter_uint(w, (unsigned long)r->limits.v[k]);
			}
			bpo_ywriter_map_end(w);
		}
	}

	bpo_ywriter_key(w, "build");
	bpo_ywriter_map_begin(w);
	bpo_ywriter_kstrv(w, "profiles", r->build.profiles);
	bpo_ywriter_kstrv(w, "extra-packages", r->build.extra_packages);
	bpo_ywriter_key(w, "timeout");
	bpo_ywriter_uint(w, r->build.timeout);
	bpo_ywriter_kv(w, "arch", r->build.arch);
	bpo_ywriter_key(w, "extra-sources");
	bpo_ywriter_seq_begin(w, r->build.n_extra_sources == 0);
	for (size_t i = 0; i < r->build.n_extra_sources; i++) {
		const struct bpo_recipe_apt_source *s = &r->build.extra_sources[i];
		bpo_ywriter_map_begin(w);
		bpo_ywriter_kv(w, "uri", s->uri);
		bpo_ywriter_kv(w, "suite", s->suite);
		bpo_ywriter_kstrv(w, "components", s->components);
		bpo_ywriter_kv(w, "keyring", s->keyring);
		bpo_ywriter_map_end(w);
	}
	bpo_ywriter_seq_end(w);
	bpo_ywriter_key(w, "relax");
	bpo_ywriter_seq_begin(w, r->build.n_relax == 0);
	for (size_t i = 0; i < r->build.n_relax; i++) {
		const struct bpo_recipe_relax *x = &r->build.relax[i];
		if (x->drop) {
			bpo_ywriter_map_begin(w);
			bpo_ywriter_kv(w, "drop", x->name);
			bpo_ywriter_map_end(w);
		} else if (x->op) {
			char *t = bpo_xasprintf("%s (%s %s)", x->name, x->op, x->version);
			bpo_ywriter_str(w, t);
			free(t);
		} else {
			bpo_ywriter_str(w, x->name);
		}
	}
	bpo_ywriter_seq_end(w);
	bpo_ywriter_map_end(w);

	bpo_ywriter_key(w, "publish");
	bpo_ywriter_map_begin(w);
	bpo_ywriter_kv(w, "repo", r->publish.repo);
	bpo_ywriter_kv(w, "suite", r->publish.suite);
	bpo_ywriter_kv(w, "component", r->publish.component);
	bpo_ywriter_kv(w, "key", r->publish.key);
	bpo_ywriter_map_end(w);

	{
		static const char *const keys[] = BPO_RECIPE_QA_KEYS;
		bpo_ywriter_key(w, "qa");
		bpo_ywriter_map_begin(w);
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			bpo_ywriter_kv(w, keys[i], r->qa[i]);
		bpo_ywriter_kv(w, "newer-archive", r->newer.archive);
		bpo_ywriter_kv(w, "newer-suite", r->newer.suite);
		bpo_ywriter_kv(w, "newer-keyring", r->newer.keyring);
		bpo_ywriter_map_end(w);
	}
	bpo_ywriter_map_end(w);
}

/* Normalised YAML: every key with its default filled in; reads back to the same recipe. */
int bpo_recipe_write_yaml(const struct bpo_recipe *r, struct bpo_buf *out, struct bpo_error *err)
{
	struct bpo_ywriter w;
	bpo_ywriter_init(&w, BPO_YW_YAML, out, true, err);
	write_recipe(&w, r, false);
	return bpo_ywriter_finish(&w);
}

/* One line of JSON: the normalised recipe plus name, file, source.kind,
 * target.release-number and each patch's name. */
int bpo_recipe_write_json(const struct bpo_recipe *r, struct bpo_buf *out, struct bpo_error *err)
{
	struct bpo_ywriter w;
	bpo_ywriter_init(&w, BPO_YW_JSON, out, false, err);
	write_recipe(&w, r, true);
	return bpo_ywriter_finish(&w);
}

/*
 * The digest of what a backport is made of (recipe.h): the normalised recipe
 * without what only says where the source comes from or how it is checked,
 * built and published, each patch by its name and its content's sha256.
 */
int bpo_recipe_digest(const struct bpo_recipe *r, char hex[65], struct bpo_error *err)
{
	struct bpo_recipe c = *r;
	struct bpo_recipe_patch *pt = bpo_xcalloc(r->n_patches ? r->n_patches : 1, sizeof(*pt));
	char (*sums)[BPO_HASH_HEX_MAX] = bpo_xcalloc(r->n_patches ? r->n_patches : 1,
						       sizeof(*sums));
	struct bpo_ywriter w;
	struct bpo_buf out;
	int rc = -1;

	for (size_t i = 0; i < r->n_patches; i++) {
		const struct bpo_recipe_patch *p = &r->patches[i];
		if (p->path) {
			if (bpo_hash_file(p->path, BPO_HASH_SHA256, sums[i], NULL, err) < 0)
				goto out;
		} else {
			snprintf(sums[i], sizeof(sums[i]), "%s", p->sha256 ? p->sha256 : "");
		}
		pt[i] = (struct bpo_recipe_patch){.path = p->name, .sha256 = sums[i], .name = p->name};
	}
	c.patches = pt;
	/* where the source comes from and how it is verified: the version it
	   gives is recorded beside the digest (Bpo-Recipe) */
	c.source.archive = c.source.suite = c.source.component = c.source.keyring = NULL;
	c.source.dsc = NULL;
	c.source.allow_unsigned = false;
	c.source.check_valid_until = true;
	c.source.max_valid_time = 0;
	memset(&c.limits, 0, sizeof(c.limits));
	c.build.timeout = 0;
	memset(&c.publish, 0, sizeof(c.publish));
	memset(c.qa, 0, sizeof(c.qa));
	memset(&c.newer, 0, sizeof(c.newer));
	bpo_buf_init(&out, BPO_MAX_RECIPE * 4);
	bpo_ywriter_init(&w, BPO_YW_YAML, &out, true, err);
	write_recipe(&w, &c, false);
	if (bpo_ywriter_finish(&w) < 0) {
		bpo_buf_destroy(&out);
		goto out;
	}
	{
		char full[BPO_HASH_HEX_MAX];
		bpo_sha256_hex_buf(out.data ? out.data : "", out.len, full);
		memcpy(hex, full, 65);
		hex[64] = '\0';
	}
	bpo_buf_destroy(&out);
	rc = 0;
out:
	free(sums);
	free(pt);
	return rc;
}
