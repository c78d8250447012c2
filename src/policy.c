/* SPDX-License-Identifier: GPL-2.0-or-later */
/* policy: backport version numbers and their ordering checks (see policy.h). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "policy.h"
#include "version.h"
#include "xmem.h"

/* Longest version string we accept (dpkg has no limit; ours keeps messages sane). */
#define POLICY_VERSION_MAX 256

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Parse a run of digits [s, end) into *n; false when empty, not all digits or too big. */
static bool parse_uint(const char *s, size_t len, unsigned long *n)
{
	unsigned long v = 0;
	if (len == 0 || len > 9)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!is_digit(s[i]))
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	*n = v;
	return true;
}

/* Drop a "0:" epoch, which dpkg treats as no epoch. */
static const char *skip_zero_epoch(const char *v)
{
	return strncmp(v, "0:", 2) == 0 ? v + 2 : v;
}

/* Returns the offset of a trailing "~bpoK+J" in v, or -1 (see policy.h). */
long bpo_policy_bpo_suffix(const char *v)
{
	const char *p = NULL;
	for (const char *q = strstr(v, "~bpo"); q; q = strstr(q + 1, "~bpo"))
		p = q;
	if (!p)
		return -1;
	const char *s = p + 4;
	size_t n = strspn(s, "0123456789");
	if (n == 0 || s[n] != '+')
		return -1;
	s += n + 1;
	n = strspn(s, "0123456789");
	if (n == 0 || s[n] != '\0')
		return -1;
	return (long)(p - v);
}

/* Returns the highest of vs[0..n) by dpkg order, or NULL (see policy.h). */
const char *bpo_policy_max(const char *const *vs, size_t n)
{
	const char *best = NULL;
	for (size_t i = 0; i < n; i++)
		if (vs[i] && (!best || bpo_version_compare_str(vs[i], best) > 0))
			best = vs[i];
	return best;
}

static int check_version(const char *what, const char *v, struct bpo_error *err)
{
	struct bpo_version pv = {0};
	if (!v || !*v)
		return bpo_error_set(err, BPO_E_USAGE, "%s: no version given", what);
	if (strlen(v) > POLICY_VERSION_MAX)
		return bpo_error_set(err, BPO_E_SYNTAX, "%s: version is longer than %d characters",
				     what, POLICY_VERSION_MAX);
	if (bpo_version_parse(&pv, v, err) < 0)
		return bpo_error_prefix(err, "%s", what);
	bpo_version_destroy(&pv);
	return 0;
}

/* If p is prefix followed by digits only, put the number in *n. */
static bool match_counter(const char *p, const char *prefix, unsigned long *n)
{
	size_t pl = strlen(prefix);
	p = skip_zero_epoch(p);
	if (strncmp(p, prefix, pl) != 0)
		return false;
	return parse_uint(p + pl, strlen(p + pl), n);
}

static int backport_version(const struct bpo_policy_in *in, char **out, struct bpo_error *err)
{
	int ret = -1;
	char *base = NULL, *prefix = NULL;
	unsigned long m = 0;

	if (in->release_number == 0)
		return bpo_error_set(err, BPO_E_USAGE,
				     "backport policy: the target release number is unknown "
				     "(set target.release_number in the recipe)");
	base = bpo_xstrdup(skip_zero_epoch(in->version));
	long off = bpo_policy_bpo_suffix(base);
	if (off >= 0) {
		bpo_verbose("version %s is already a backport; using %.*s as its base",
			    in->version, (int)off, base);
		base[off] = '\0';
	}
	prefix = bpo_xasprintf("%s~bpo%u+", base, in->release_number);
	for (const char *const *p = in->published; p && *p; p++) {
		unsigned long k;
		if (match_counter(*p, prefix, &k) && k > m)
			m = k;
	}
	if (m >= 999999999) {
		bpo_error_set(err, BPO_E_FAIL, "%s: too many rebuilds already published", prefix);
		goto out;
	}
	*out = bpo_xasprintf("%s%lu", prefix, m + 1);
	ret = 0;
out:
	free(base);
	free(prefix);
	return ret;
}

static int local_version(const struct bpo_policy_in *in, char **out, struct bpo_error *err)
{
	char *stem = NULL, *prefix = NULL;
	const char *sfx = in->local_suffix;
	unsigned long start = 1, m = 0;

	if (!sfx || !*sfx)
		return bpo_error_set(err, BPO_E_USAGE,
				     "local version policy needs target.local_suffix (e.g. +acme1)");
	size_t len = strlen(sfx);
	if ((sfx[0] != '+' && sfx[0] != '~') || len > 64)
		return bpo_error_set(err, BPO_E_SYNTAX,
				     "local suffix '%s': expected '+' or '~' then letters and digits",
				     sfx);
	for (size_t i = 1; i < len; i++)
		if (!is_alnum(sfx[i]) && sfx[i] != '.' && sfx[i] != '+' && sfx[i] != '~')
			return bpo_error_set(err, BPO_E_SYNTAX,
					     "local suffix '%s': character '%c' is not allowed "
					     "in a Debian revision", sfx, sfx[i]);
	size_t digits = 0;
	while (digits < len && is_digit(sfx[len - 1 - digits]))
		digits++;
	if (digits > 0 && !parse_uint(sfx + len - digits, digits, &start))
		return bpo_error_set(err, BPO_E_SYNTAX, "local suffix '%s': number too large", sfx);
	if (digits == len - 1)
		return bpo_error_set(err, BPO_E_SYNTAX,
				     "local suffix '%s': expected a name before the number", sfx);
	stem = bpo_xstrndup(sfx, len - digits);
	prefix = bpo_xasprintf("%s%s", skip_zero_epoch(in->version), stem);
	for (const char *const *p = in->published; p && *p; p++) {
		unsigned long k;
		if (match_counter(*p, prefix, &k) && k + 1 > m)
			m = k + 1;
	}
	if (m < start)
		m = start;
	*out = bpo_xasprintf("%s%lu", prefix, m);
	free(stem);
	free(prefix);
	return 0;
}

/* Compute the new version for in (see policy.h). */
int bpo_policy_version(const struct bpo_policy_in *in, char **out, struct bpo_error *err)
{
	char *v = NULL;
	*out = NULL;
	if (check_version("source version", in->version, err) < 0)
		return -1;
	if (in->policy == BPO_POLICY_LOCAL) {
		if (local_version(in, &v, err) < 0)
			return -1;
	} else if (backport_version(in, &v, err) < 0) {
		return -1;
	}
	if (check_version("new version", v, err) < 0) {
		free(v);
		return -1;
	}
	*out = v;
	return 0;
}

static void describe(char *buf, size_t size, const char *version, const char *rel,
		     const struct bpo_policy_ref *r)
{
	int n = snprintf(buf, size, "%s is not %s than %s in %s%s%s%s", version, rel, r->version,
			 r->suite ? r->suite : "(unnamed suite)", r->what ? " (" : "",
			 r->what ? r->what : "", r->what ? ")" : "");
	if (n < 0 && size > 0)
		buf[0] = '\0';
}

/* Check version against the older and newer release's versions (see policy.h). */
int bpo_policy_check(const char *version, const struct bpo_policy_ref *older, size_t n_older,
		     const struct bpo_policy_ref *newer, size_t n_newer, bool force,
		     struct bpo_error *err)
{
	char first[1024] = "", msg[1024];
	size_t bad = 0;
	bool first_older = false;

	if (check_version("new version", version, err) < 0)
		return -1;
	for (size_t i = 0; i < n_older + n_newer; i++) {
		bool is_older = i < n_older;
		const struct bpo_policy_ref *r = is_older ? &older[i] : &newer[i - n_older];
		if (!r->version)
			continue;
		int c = bpo_version_compare_str(version, r->version);
		if (is_older ? c > 0 : c < 0)
			continue;
		describe(msg, sizeof(msg), version, is_older ? "higher" : "lower", r);
		if (force)
			bpo_warn("%s (ignored: --force-version)", msg);
		else if (bad++ == 0) {
			memcpy(first, msg, sizeof(first));
			first_older = is_older;
		}
	}
	/* not above the old release's own version: a local rebuild of it is
	   what policy local is for; forcing gives a version apt may never
	   upgrade from */
	const char *hint = first_older ? "; for a rebuild of the release's own version use "
					 "target.policy: local (a +SUFFIX version); "
					 "--force-version overrides (risky: apt may keep the "
					 "release's version or never upgrade from this one)"
				       : "; --force-version overrides";
	if (bad == 1)
		return bpo_error_set(err, BPO_E_FAIL, "%s%s", first, hint);
	if (bad > 1)
		return bpo_error_set(err, BPO_E_FAIL, "%s (and %zu more)%s", first, bad - 1, hint);
	return 0;
}
