/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * version: Debian version strings, parsed and compared as dpkg 1.21 does
 * (lib/dpkg/parsehelp.c parseversion(), lib/dpkg/version.c verrevcmp()).
 * Character classes are ASCII-only (dpkg's c_ctype), never the locale's.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "version.h"
#include "xmem.h"

/* Longest version string accepted at all (dpkg has no limit; hostile input does). */
#define VERSION_MAX 1024

static bool c_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

static bool c_isalpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool c_isblank(int c)
{
	return c == ' ' || c == '\t';
}

/*
 * Escape s for an error message: printable ASCII as is, other bytes as \xNN,
 * at most 64 input bytes (then "...").
 */
static void quote(char *out, size_t outsz, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i;

	for (i = 0; s[i] && i < 64 && o + 5 < outsz; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			out[o++] = (char)c;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	if (s[i] && o + 4 < outsz) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/*
 * The core of dpkg's parseversion(). Fills v (always, even on failure, so that
 * a warning-level result can still be compared) and returns 0 (valid),
 * 1 (dpkg warns but accepts: *why says why) or -1 (dpkg rejects: *why).
 */
static int parse_core(struct bpo_version *v, const char *string, const char **why)
{
	const char *end, *ptr, *colon, *hyphen;
	char *copy = NULL;
	size_t n;

	v->epoch = 0;
	v->upstream = NULL;
	v->revision = NULL;
	*why = NULL;

	while (*string && c_isblank((unsigned char)*string))
		string++;
	if (*string == '\0') {
		*why = "version string is empty";
		goto fail;
	}
	end = string;
	while (*end && !c_isblank((unsigned char)*end))
		end++;
	ptr = end;
	while (*ptr && c_isblank((unsigned char)*ptr))
		ptr++;
	if (*ptr) {
		*why = "version string has embedded spaces";
		goto fail;
	}
	if ((size_t)(end - string) > VERSION_MAX) {
		*why = "version string is longer than 1024 bytes";
		goto fail;
	}
	copy = bpo_xstrndup(string, (size_t)(end - string));
	colon = strchr(copy, ':');
	if (colon) {
		char *eepoch;
		long epoch;

		/* strtol as dpkg: accepts a sign and leading white space. */
		errno = 0;
		epoch = strtol(copy, &eepoch, 10);
		if (eepoch == copy) {
			*why = "epoch in version is empty";
			goto fail;
		}
		if (eepoch != colon) {
			*why = "epoch in version is not number";
			goto fail;
		}
		if (epoch < 0) {
			*why = "epoch in version is negative";
			goto fail;
		}
		if (epoch > INT_MAX || errno == ERANGE) {
			*why = "epoch in version is too big";
			goto fail;
		}
		if (colon[1] == '\0') {
			*why = "nothing after colon in version number";
			goto fail;
		}
		v->epoch = (unsigned int)epoch;
		ptr = colon + 1;
	} else {
		ptr = copy;
	}
	hyphen = strrchr(ptr, '-');
	n = hyphen ? (size_t)(hyphen - ptr) : strlen(ptr);
	v->upstream = bpo_xstrndup(ptr, n);
	v->revision = bpo_xstrdup(hyphen ? hyphen + 1 : "");
	free(copy);
	copy = NULL;
	if (hyphen && v->revision[0] == '\0') {
		*why = "revision number is empty";
		return -1;
	}
	if (v->upstream[0] == '\0') {
		*why = "version number is empty";
		return -1;
	}
	if (!c_isdigit((unsigned char)v->upstream[0])) {
		*why = "version number does not start with digit";
		return 1;
	}
	for (ptr = v->upstream; *ptr; ptr++)
		if (!c_isdigit((unsigned char)*ptr) && !c_isalpha((unsigned char)*ptr) &&
		    strchr(".-+~:", *ptr) == NULL) {
			*why = "invalid character in version number";
			return 1;
		}
	for (ptr = v->revision; *ptr; ptr++)
		if (!c_isdigit((unsigned char)*ptr) && !c_isalpha((unsigned char)*ptr) &&
		    strchr(".+~", *ptr) == NULL) {
			*why = "invalid character in revision number";
			return 1;
		}
	return 0;
fail:
	free(copy);
	if (!v->upstream)
		v->upstream = bpo_xstrdup("");
	if (!v->revision)
		v->revision = bpo_xstrdup("");
	return -1;
}

static int report(struct bpo_error *err, const char *s, const char *why)
{
	char q[300];
	quote(q, sizeof(q), s);
	return bpo_error_set(err, BPO_E_SYNTAX, "invalid version '%s': %s", q, why);
}

/* Parse s strictly: anything dpkg rejects or warns about is an error. */
int bpo_version_parse(struct bpo_version *v, const char *s, struct bpo_error *err)
{
	const char *why;
	if (parse_core(v, s, &why) != 0) {
		bpo_version_destroy(v);
		return report(err, s, why);
	}
	return 0;
}

/* Parse s as dpkg does: 0 valid, 1 accepted with a warning (err holds it), -1 invalid. */
int bpo_version_parse_lax(struct bpo_version *v, const char *s, struct bpo_error *err)
{
	const char *why;
	int rc = parse_core(v, s, &why);
	if (rc < 0) {
		bpo_version_destroy(v);
		return report(err, s, why);
	}
	if (rc > 0) {
		char q[300];
		quote(q, sizeof(q), s);
		bpo_error_set(err, BPO_E_SYNTAX, "version '%s' has bad syntax: %s", q, why);
		return 1;
	}
	return 0;
}

/* Free the strings of v (v itself is the caller's); safe on a destroyed version. */
void bpo_version_destroy(struct bpo_version *v)
{
	if (!v)
		return;
	free(v->upstream);
	free(v->revision);
	v->upstream = v->revision = NULL;
	v->epoch = 0;
}

/*
 * dpkg's order(): digits 0, letters their value, '~' -1, the end 0, anything
 * else its value + 256. dpkg passes a plain char, signed on amd64, so bytes
 * >= 0x80 count as (c - 256) + 256; we reproduce the amd64 result everywhere.
 */
static int order(int c)
{
	if (c_isdigit(c))
		return 0;
	if (c_isalpha(c))
		return c;
	if (c == '~')
		return -1;
	if (c)
		return (int)(signed char)c + 256;
	return 0;
}

static int verrevcmp(const char *a, const char *b)
{
	if (!a)
		a = "";
	if (!b)
		b = "";
	while (*a || *b) {
		int first_diff = 0;

		while ((*a && !c_isdigit((unsigned char)*a)) ||
		       (*b && !c_isdigit((unsigned char)*b))) {
			int ac = order((unsigned char)*a);
			int bc = order((unsigned char)*b);
			if (ac != bc)
				return ac - bc;
			a++;
			b++;
		}
		while (*a == '0')
			a++;
		while (*b == '0')
			b++;
		while (c_isdigit((unsigned char)*a) && c_isdigit((unsigned char)*b)) {
			if (!first_diff)
				first_diff = *a - *b;
			a++;
			b++;
		}
		if (c_isdigit((unsigned char)*a))
			return 1;
		if (c_isdigit((unsigned char)*b))
			return -1;
		if (first_diff)
			return first_diff;
	}
	return 0;
}

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

/* dpkg_version_compare(): epoch, then upstream, then revision. Returns -1, 0 or 1. */
int bpo_version_compare(const struct bpo_version *a, const struct bpo_version *b)
{
	int rc;
	if (a->epoch != b->epoch)
		return a->epoch > b->epoch ? 1 : -1;
	rc = verrevcmp(a->upstream, b->upstream);
	if (rc)
		return sign(rc);
	return sign(verrevcmp(a->revision, b->revision));
}

/*
 * Compare two strings. Versions dpkg only warns about compare as dpkg does;
 * ones dpkg rejects fall back to epoch 0, the whole (trimmed) string as upstream
 * part and no revision, so the result is still a total order.
 */
int bpo_version_compare_str(const char *a, const char *b)
{
	struct bpo_version va, vb;
	const char *why;
	int rc;

	if (parse_core(&va, a, &why) < 0) {
		free(va.upstream);
		va.upstream = bpo_xstrdup(a);
		va.epoch = 0;
		va.revision[0] = '\0';
	}
	if (parse_core(&vb, b, &why) < 0) {
		free(vb.upstream);
		vb.upstream = bpo_xstrdup(b);
		vb.epoch = 0;
		vb.revision[0] = '\0';
	}
	rc = bpo_version_compare(&va, &vb);
	bpo_version_destroy(&va);
	bpo_version_destroy(&vb);
	return rc;
}

static const struct {
	const char *name, *alias;
	bool if_less, if_equal, if_greater;
} relations[] = {
	{"lt", "<<", true, false, false}, {"le", "<=", true, true, false},
	{"eq", "=", false, true, false},  {"ne", NULL, true, false, true},
	{"ge", ">=", false, true, true},  {"gt", ">>", false, false, true},
};

/* True if op is one of the operators bpo_version_relation() knows. */
bool bpo_version_op_valid(const char *op)
{
	for (size_t i = 0; i < sizeof(relations) / sizeof(relations[0]); i++)
		if (strcmp(op, relations[i].name) == 0 ||
		    (relations[i].alias && strcmp(op, relations[i].alias) == 0))
			return true;
	return false;
}

/*
 * a OP b as `dpkg --compare-versions`: versions dpkg only warns about are
 * accepted, invalid ones are an error (BPO_E_SYNTAX); unlike dpkg, an empty
 * string is invalid rather than "no version".
 */
int bpo_version_relation(const char *a, const char *op, const char *b, bool *result,
			 struct bpo_error *err)
{
	struct bpo_version va = {0}, vb = {0};
	int rc = -1, cmp;
	size_t i;

	for (i = 0; i < sizeof(relations) / sizeof(relations[0]); i++)
		if (strcmp(op, relations[i].name) == 0 ||
		    (relations[i].alias && strcmp(op, relations[i].alias) == 0))
			break;
	if (i == sizeof(relations) / sizeof(relations[0])) {
		char q[300];
		quote(q, sizeof(q), op);
		return bpo_error_set(err, BPO_E_USAGE,
				     "unknown operator '%s' (expected lt le eq ne ge gt "
				     "<< <= = >= >>)",
				     q);
	}
	if (bpo_version_parse_lax(&va, a, err) < 0)
		goto out;
	if (bpo_version_parse_lax(&vb, b, err) < 0)
		goto out;
	cmp = bpo_version_compare(&va, &vb);
	*result = cmp < 0 ? relations[i].if_less
			  : cmp == 0 ? relations[i].if_equal : relations[i].if_greater;
	if (err) {
		err->kind = BPO_E_NONE;
		err->msg[0] = '\0';
	}
	rc = 0;
out:
	bpo_version_destroy(&va);
	bpo_version_destroy(&vb);
	return rc;
}

/*
 * "[epoch:]upstream[-revision]", owned by the caller. The epoch is written when
 * it is not 0, or when a ':' follows (else the string would not parse back);
 * an upstream part with a '-' but no revision (only possible in a struct built
 * by hand) gets "-0", which compares equal to no revision.
 */
char *bpo_version_format(const struct bpo_version *v)
{
	const char *up = v->upstream ? v->upstream : "";
	const char *rev = v->revision ? v->revision : "";
	bool epoch = v->epoch || strchr(up, ':') || strchr(rev, ':');

	if (!rev[0] && strchr(up, '-'))
		rev = "0";
	if (epoch)
		return bpo_xasprintf("%u:%s%s%s", v->epoch, up, rev[0] ? "-" : "", rev);
	return bpo_xasprintf("%s%s%s", up, rev[0] ? "-" : "", rev);
}
