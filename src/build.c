/* SPDX-License-Identifier: GPL-2.0-or-later */
/* build: a .dsc built in a fresh namespaced root (see build.h). */
#include "config.h"
#include "build.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bpoconf.h"
#include "buf.h"
#include "chroot.h"
#include "dsc.h"
#include "fsutil.h"
#include "hash.h"
#include "log.h"
#include "root.h"
#include "version.h"

#define SRC_IN_ROOT "/srv/bpo-src"
#define DEPS_TIMEOUT 3600u

static const char *const phase_names[] = {"setup", "deps", "build", "collect", "done"};

const char *bpo_build_phase_name(enum bpo_build_phase p)
{
	return (unsigned)p <= BPO_BUILD_DONE ? phase_names[p] : "?";
}

void bpo_build_result_init(struct bpo_build_result *r)
{
	memset(r, 0, sizeof(*r));
}

void bpo_build_result_destroy(struct bpo_build_result *r)
{
	if (!r)
		return;
	free(r->source);
	free(r->version);
	free(r->arch);
	free(r->result_dir);
	free(r->log_path);
	free(r->detail);
	for (size_t i = 0; i < r->n_artifacts; i++)
		free(r->artifacts[i].name);
	free(r->artifacts);
	memset(r, 0, sizeof(*r));
}

/* The host directory of an extra source's file: URI (owned), or NULL when the
 * line's URI is not file:. Such a directory is bind-mounted read-only at the
 * same path while apt runs (a repository bpo publishes to, for example). */
static char *file_uri_dir(const char *line)
{
	const char *p = line + (bpo_str_has_prefix(line, "deb ") ? 4 : 0);
	while (*p == ' ')
		p++;
	if (*p == '[') {
		const char *e = strchr(p, ']');
		if (!e)
			return NULL;
		p = e + 1;
		while (*p == ' ')
			p++;
	}
	if (!bpo_str_has_prefix(p, "file:"))
		return NULL;
	p += 5;
	size_t n = strcspn(p, " ");
	while (n > 1 && p[n - 1] == '/')
		n--;
	return bpo_xstrndup(p, n);
}

static int strp_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void bpo_build_cache_key(const char *image_sha256, const char *arch, enum bpo_build_type type,
			 const char *profiles, const char *const *extra_sources, size_t n_extra,
			 const char *const *build_depends, size_t n_bd, char out[65])
{
	struct bpo_buf b;
	char hex[BPO_HASH_HEX_MAX];
	const char **ex = bpo_xcalloc(n_extra + 1, sizeof(*ex));

	bpo_buf_init(&b, BPO_MAX_CONTROL * 2u);
	bpo_buf_printf(&b, NULL, "bpo-deps-layer 2\nimage %s\narch %s\ntype %d\nprofiles %s\n",
		       image_sha256, arch, (int)type, profiles ? profiles : "");
	for (size_t i = 0; i < n_extra; i++)
		ex[i] = extra_sources[i];
	if (n_extra)
		qsort(ex, n_extra, sizeof(*ex), strp_cmp);
	for (size_t i = 0; i < n_extra; i++) {
		char *dir = file_uri_dir(ex[i]);
		bpo_buf_printf(&b, NULL, "source %s\n", ex[i]);
		if (dir) {
			/* a local repository changes under the same line: its Release
			 * files say what it holds now */
			const char *q = ex[i] + strcspn(ex[i], "]");
			q = q[0] ? q + 1 : ex[i] + 4;
			while (*q == ' ')
				q++;
			q += strcspn(q, " ");
			while (*q == ' ')
				q++;
			char *suite = bpo_xstrndup(q, strcspn(q, " "));
			char *rel = bpo_xasprintf("%s/dists/%s/InRelease", dir, suite);
			char h[BPO_HASH_HEX_MAX];
			if (bpo_hash_file(rel, BPO_HASH_SHA256, h, NULL, NULL) == 0)
				bpo_buf_printf(&b, NULL, "release %s\n", h);
			free(rel);
			free(suite);
			free(dir);
		}
	}
	/* the dependencies, each relation trimmed, sorted */
	struct bpo_strv rel = {0};
	for (size_t i = 0; i < n_bd; i++) {
		const char *p = build_depends[i];
		while (p && *p) {
			size_t n = strcspn(p, ",");
			char *one = bpo_xstrndup(p, n), *s = one, *e;
			while (isspace((unsigned char)*s))
				s++;
			e = s + strlen(s);
			while (e > s && isspace((unsigned char)e[-1]))
				*--e = '\0';
			/* fold inner white space */
			char *w = s, *q = s;
			bool sp = false;
			for (; *q; q++) {
				if (isspace((unsigned char)*q)) {
					sp = true;
					continue;
				}
				if (sp && w != s)
					*w++ = ' ';
				sp = false;
				*w++ = *q;
			}
			*w = '\0';
			if (*s)
				bpo_strv_push(&rel, s);
			free(one);
			p += n;
			if (*p == ',')
				p++;
		}
	}
	if (rel.n)
		qsort(rel.v, rel.n, sizeof(*rel.v), strp_cmp);
	for (size_t i = 0; i < rel.n; i++)
		bpo_buf_printf(&b, NULL, "dep %s\n", rel.v[i]);
	bpo_sha256_hex_buf(b.data, b.len, hex);
	memcpy(out, hex, 64);
	out[64] = '\0';
	bpo_strv_destroy(&rel);
	bpo_buf_destroy(&b);
	free(ex);
}

int bpo_build_extra_source_parse(const char *line, char **keyfile, struct bpo_error *err)
{
	const char *p = line, *opt_end = NULL, *kf;
	size_t words = 0;

	*keyfile = NULL;
	if (strpbrk(line, "\n\r") || strlen(line) > 4096)
		return bpo_error_set(err, BPO_E_USAGE, "--extra-source: one line expected");
	if (!bpo_str_has_prefix(line, "deb "))
		return bpo_error_set(err, BPO_E_USAGE, "--extra-source \"%.200s\": expected "
				     "\"deb [signed-by=KEYFILE] URI SUITE COMPONENT...\"", line);
	p += 4;
	while (*p == ' ')
		p++;
	if (*p == '[') {
		opt_end = strchr(p, ']');
		if (!opt_end)
			return bpo_error_set(err, BPO_E_USAGE, "--extra-source \"%.200s\": "
					     "unterminated [options]", line);
		kf = strstr(p, "signed-by=");
		if (kf && kf < opt_end) {
			kf += strlen("signed-by=");
			size_t n = strcspn(kf, " ]");
			*keyfile = bpo_xstrndup(kf, n);
			if ((*keyfile)[0] != '/' || !bpo_path_exists(*keyfile)) {
				bpo_error_set(err, BPO_E_USAGE, "--extra-source: signed-by key file "
					      "%s: expected an existing absolute path", *keyfile);
				free(*keyfile);
				*keyfile = NULL;
				return -1;
			}
		}
		p = opt_end + 1;
	}
	for (;;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		/* a file: URI names a host directory, bind-mounted at the same path */
		if (words == 0 && bpo_str_has_prefix(p, "file:")) {
			char *dir = file_uri_dir(line);
			bool ok = dir && dir[0] == '/' && !strstr(dir, "/..") && bpo_is_dir(dir);
			free(dir);
			if (!ok) {
				free(*keyfile);
				*keyfile = NULL;
				return bpo_error_set(err, BPO_E_USAGE, "--extra-source \"%.200s\": a "
						     "file: URI must name an existing absolute "
						     "directory", line);
			}
		} else if (words == 0 && !bpo_str_has_prefix(p, "http://") &&
			   !bpo_str_has_prefix(p, "https://")) {
			free(*keyfile);
			*keyfile = NULL;
			return bpo_error_set(err, BPO_E_USAGE, "--extra-source \"%.200s\": the URI "
					     "must be http://, https:// or file:/DIR", line);
		}
		p += strcspn(p, " ");
		words++;
	}
	if (words < 2) {
		free(*keyfile);
		*keyfile = NULL;
		return bpo_error_set(err, BPO_E_USAGE, "--extra-source \"%.200s\": expected "
				     "URI SUITE [COMPONENT...]", line);
	}
	if (!*keyfile) {
		return bpo_error_set(err, BPO_E_USAGE, "--extra-source \"%.200s\": needs "
				     "[signed-by=KEYFILE] (bpo does not trust unsigned sources)",
				     line);
	}
	return 0;
}

char *bpo_build_unmet_deps(const char *out)
{
	/* apt says, e.g.:
	 *  builddeps:./x.dsc : Depends: nosuch but it is not installable
	 *  builddeps:x : Depends: libfoo-dev (>= 9) but 1.2-3 is to be installed
	 *  builddeps:x : Depends: libfoo-dev (>= 9)    (a version only a pin gives)
	 *  E: Unable to locate package nosuch
	 * (the first line's "Depends:" part can be continued on indented lines) */
	struct bpo_buf b;
	const char *p = out;

	bpo_buf_init(&b, 65536);
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = bpo_xstrndup(p, len), *d;

		if ((d = strstr(line, "Depends: ")) && (strstr(line, " but ") || line[0] == ' ')) {
			bpo_buf_printf(&b, NULL, "%s\n", d + strlen("Depends: "));
		} else if ((d = strstr(line, "Unable to locate package "))) {
			bpo_buf_printf(&b, NULL, "%s but it does not exist\n",
				       d + strlen("Unable to locate package "));
		} else if ((d = strstr(line, "dependency for ")) && strstr(line, "cannot be satisfied")) {
			bpo_buf_printf(&b, NULL, "%s\n", line);
		}
		free(line);
		p = nl ? nl + 1 : NULL;
	}
	if (b.len == 0) {
		bpo_buf_destroy(&b);
		return NULL;
	}
	return bpo_buf_steal(&b, NULL);
}

/* --------------------------------------------------------------- helpers */

static const char *const base_env[] = {
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"LANG=C.UTF-8", "LC_ALL=C.UTF-8", "SHELL=/bin/sh", "TMPDIR=/tmp", "TERM=dumb",
};

struct ctx {
	const struct bpo_config *cfg;
	const struct bpo_build_opts *o;
	struct bpo_build_result *r;
	struct bpo_ns ns;
	int log_fd;
	char *tmp;          /* private temporary dir, removed at the end */
	char *srcdir;       /* tmp/src: the .dsc and its files */
	char *dsc_name;
	char *unpacked;     /* the image */
	char *layer;        /* the deps layer (upper dir) */
	struct bpo_strv env;
};

void bpo_build_options(const char *caller, const char *profiles, struct bpo_buf *out)
{
	struct bpo_strv seen = {0};
	char *all = bpo_xasprintf("%s %s%s", caller ? caller : "",
				  profiles && strstr(profiles, "nocheck") ? "nocheck " : "",
				  profiles && strstr(profiles, "nodoc") ? "nodoc" : "");
	char *save = NULL;
	for (char *w = strtok_r(all, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
		bool ok = *w != '\0' && *w != '=';
		for (const char *q = w; *q && ok; q++)
			ok = (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
			     (*q >= '0' && *q <= '9') || strchr("=_.,+-:", *q);
		size_t kl = strcspn(w, "=");
		bool dup = false;
		for (size_t i = 0; i < seen.n && !dup; i++)
			dup = strlen(seen.v[i]) == kl && strncmp(seen.v[i], w, kl) == 0;
		if (!ok) {
			bpo_warn("DEB_BUILD_OPTIONS: '%s' is not an option; left out", w);
			continue;
		}
		if (dup)
			continue;
		bpo_strv_push_owned(&seen, bpo_xstrndup(w, kl));
		bpo_buf_printf(out, NULL, "%s%s", out->len ? " " : "", w);
	}
	bpo_strv_destroy(&seen);
	free(all);
}

static void env_build(struct ctx *c, bool as_build, const char *sde)
{
	bpo_strv_destroy(&c->env);
	for (size_t i = 0; i < sizeof(base_env) / sizeof(base_env[0]); i++)
		bpo_strv_push(&c->env, base_env[i]);
	if (as_build) {
		bpo_strv_push(&c->env, "HOME=/build");
		bpo_strv_push(&c->env, "USER=build");
		bpo_strv_push(&c->env, "LOGNAME=build");
	} else {
		bpo_strv_push(&c->env, "HOME=/root");
		bpo_strv_push(&c->env, "DEBIAN_FRONTEND=noninteractive");
	}
	if (c->o->profiles && *c->o->profiles) {
		char *p = bpo_xasprintf("DEB_BUILD_PROFILES=%s", c->o->profiles);
		for (char *q = p; *q; q++)
			if (*q == ',')
				*q = ' ';
		bpo_strv_push_owned(&c->env, p);
	}
	/* DEB_BUILD_OPTIONS: the caller's (parallel=N, nocheck, noopt ...), as
	   sbuild passes it on, and the profiles' nocheck and nodoc */
	{
		struct bpo_buf opts;
		bpo_buf_init(&opts, 4096);
		bpo_build_options(getenv("DEB_BUILD_OPTIONS"), c->o->profiles, &opts);
		if (opts.len)
			bpo_strv_push_owned(&c->env, bpo_xasprintf("DEB_BUILD_OPTIONS=%s", opts.data));
		bpo_buf_destroy(&opts);
	}
	if (sde)
		bpo_strv_push_owned(&c->env, bpo_xasprintf("SOURCE_DATE_EPOCH=%s", sde));
}

/* Run argv in a root over lower layers; *status as bpo_chroot_run. */
static int in_root(struct ctx *c, const char *const *lower, size_t n_lower, const char *upper,
		   bool net, bool as_build, const char *cwd, const char *const *argv,
		   const struct bpo_chroot_file *files, size_t n_files, struct bpo_buf *out,
		   unsigned timeout, int *status, struct bpo_error *err)
{
	char *merged = bpo_path_join(c->tmp, "root");
	struct bpo_chroot_bind *binds = bpo_xcalloc(c->o->n_extra_sources + 1, sizeof(*binds));
	struct bpo_strv bind_dirs = {0};
	size_t n_binds = 0;
	binds[n_binds++] = (struct bpo_chroot_bind){c->srcdir, SRC_IN_ROOT, true};
	for (size_t i = 0; net && i < c->o->n_extra_sources; i++) {
		char *dir = file_uri_dir(c->o->extra_sources[i]);
		if (!dir)
			continue;
		bpo_strv_push_owned(&bind_dirs, dir);
		binds[n_binds++] = (struct bpo_chroot_bind){dir, dir, true};
	}
	struct bpo_root_cmd rc_cmd = {
		.ns = &c->ns, .lower = lower, .n_lower = n_lower, .upper = upper,
		.merged = merged, .net = net, .as_build = as_build, .cwd = cwd, .argv = argv,
		.env = (const char *const *)c->env.v, .binds = binds, .n_binds = n_binds,
		.files = files, .n_files = n_files, .log_fd = c->log_fd, .log_tag = "bpo",
		.echo = c->o->verbose, .out = out, .timeout = timeout,
	};
	int rc = bpo_root_run(&rc_cmd, status, err);
	free(merged);
	free(binds);
	bpo_strv_destroy(&bind_dirs);
	return rc;
}

static char *sde_digits(struct bpo_buf *b)
{
	const char *s = b->data ? b->data : "";
	size_t n = strspn(s, "0123456789");
	if (n == 0 || n > 19)
		return NULL;
	return bpo_xstrndup(s, n);
}

/* Copy the .dsc and its files to c->srcdir, checking sizes and sha256. */
static int stage_source(struct ctx *c, const struct bpo_dsc *d, struct bpo_error *err)
{
	char *dir = bpo_xstrdup(c->o->dsc), *slash = strrchr(dir, '/');
	char *dst = NULL, *src = NULL;
	int rc = -1;

	if (slash)
		*slash = '\0';
	else {
		free(dir);
		dir = bpo_xstrdup(".");
	}
	if (bpo_mkdir_p(c->srcdir, 0755, err) < 0)
		goto out;
	dst = bpo_path_join(c->srcdir, c->dsc_name);
	if (bpo_file_copy(c->o->dsc, dst, 0644, err) < 0)
		goto out;
	for (size_t i = 0; i < d->n_files; i++) {
		char hex[BPO_HASH_HEX_MAX];
		uint64_t size = 0;
		free(src);
		free(dst);
		src = bpo_path_join(dir, d->files[i].name);
		dst = bpo_path_join(c->srcdir, d->files[i].name);
		if (!bpo_path_exists(src)) {
			bpo_error_set(err, BPO_E_NOTFOUND, "%s: lists %s, which is not next to it",
				      c->o->dsc, d->files[i].name);
			goto out;
		}
		if (bpo_file_copy(src, dst, 0644, err) < 0 ||
		    bpo_hash_file(dst, BPO_HASH_SHA256, hex, &size, err) < 0)
			goto out;
		if (size != d->files[i].size || strcmp(hex, d->files[i].sha256) != 0) {
			bpo_error_set(err, BPO_E_VERIFY, "%s: size %llu sha256 %s, but %s says "
				      "size %llu sha256 %s", src, (unsigned long long)size, hex,
				      c->o->dsc, (unsigned long long)d->files[i].size,
				      d->files[i].sha256);
			goto out;
		}
	}
	rc = 0;
out:
	free(src);
	free(dst);
	free(dir);
	return rc;
}

/* The apt sources for the deps phase and key files they name. */
static int apt_files(struct ctx *c, const struct bpo_chroot_conf *conf, struct bpo_chroot_file **fv,
		     size_t *nf, struct bpo_strv *owned, struct bpo_error *err)
{
	struct bpo_buf list;
	char *base = bpo_chroot_sources_list(conf, c->cfg->mirror, c->cfg->security_mirror, c->cfg);
	size_t cap = 0;
	int rc = -1;

	*fv = NULL;
	*nf = 0;
	bpo_buf_init(&list, 1u << 20);
	bpo_buf_puts(&list, base, NULL);
	for (size_t i = 0; i < c->o->n_extra_sources; i++) {
		const char *line = c->o->extra_sources[i];
		char *kf = NULL, *inroot;
		struct bpo_buf key;
		if (bpo_build_extra_source_parse(line, &kf, err) < 0)
			goto out;
		inroot = bpo_xasprintf("/etc/apt/keyrings/bpo-extra-%zu.%s", i,
				       bpo_str_has_suffix(kf, ".asc") ? "asc" : "gpg");
		bpo_buf_init(&key, BPO_MAX_SIGNATURE * 8u);
		if (bpo_file_read(kf, BPO_MAX_SIGNATURE * 8u, &key, err) < 0) {
			free(kf);
			free(inroot);
			bpo_buf_destroy(&key);
			goto out;
		}
		/* rewrite signed-by=HOSTPATH to the copy inside the root */
		const char *at = strstr(line, kf);
		char vopts[64];
		bpo_buf_printf(&list, NULL, "%.*s%s%s%s\n", (int)(at - line), line, inroot,
			       bpo_config_apt_line_valid_until(c->cfg, line, vopts, sizeof(vopts)),
			       at + strlen(kf));
		BPO_GROW(*fv, cap, *nf + 1);
		size_t klen = 0;
		char *kdata = bpo_buf_steal(&key, &klen);
		bpo_strv_push_owned(owned, kdata);
		bpo_strv_push_owned(owned, inroot);
		(*fv)[(*nf)++] = (struct bpo_chroot_file){inroot, kdata, klen, 0644};
		free(kf);
	}
	BPO_GROW(*fv, cap, *nf + 2);
	size_t llen = 0;
	char *ldata = bpo_buf_steal(&list, &llen);
	bpo_strv_push_owned(owned, ldata);
	(*fv)[(*nf)++] = (struct bpo_chroot_file){"/etc/apt/sources.list", ldata, llen, 0644};
	static const char aptconf[] =
		"// written by bpo for build-dependency installation\n"
		"APT::Install-Recommends \"false\";\nAPT::Install-Suggests \"false\";\n"
		"Acquire::Retries \"3\";\nDpkg::Use-Pty \"false\";\n";
	(*fv)[(*nf)++] = (struct bpo_chroot_file){"/etc/apt/apt.conf.d/90bpo", aptconf,
						  sizeof(aptconf) - 1, 0644};
	rc = 0;
out:
	free(base);
	bpo_buf_destroy(&list);
	return rc;
}

/* installed into every build root after the source's build dependencies */
static const char *const base_packages[] = {"build-essential", "fakeroot", NULL};

static const char *type_flag(enum bpo_build_type t)
{
	switch (t) {
	case BPO_BUILD_ANY:
		return "-B";
	case BPO_BUILD_ALL:
		return "-A";
	case BPO_BUILD_FULL:
		return "-F";
	default:
		return "-b";
	}
}

bool bpo_build_unmet_relation(const char *line, char *name, size_t name_size, char op[3],
			      char *ver, size_t ver_size)
{
	const char *p = line, *d = strstr(line, "dependency for ");
	size_t n;

	name[0] = op[0] = ver[0] = '\0';
	if (d) {
		/* "Build-Depends dependency for X : rel cannot be satisfied ..." */
		const char *q = strstr(d, " : ");
		if (!q)
			return false;
		p = q + 3;
	}
	while (*p == ' ')
		p++;
	n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789+-.");
	if (n == 0 || n >= name_size)
		return false;
	memcpy(name, p, n);
	name[n] = '\0';
	p += n;
	p += strcspn(p, " (|,");
	while (*p == ' ')
		p++;
	if (*p != '(')
		return true;
	p++;
	while (*p == ' ')
		p++;
	n = strspn(p, "<>=");
	if (n > 2)
		return false;
	memcpy(op, p, n);
	op[n] = '\0';
	p += n;
	while (*p == ' ')
		p++;
	n = strcspn(p, " )");
	if (n == 0 || n >= ver_size || !op[0])
		return false;
	memcpy(ver, p, n);
	ver[n] = '\0';
	return true;
}

bool bpo_build_relation_holds(const char *version, const char *op, const char *want)
{
	if (!op || !*op)
		return true;
	int c = bpo_version_compare_str(version, want);
	if (strcmp(op, ">=") == 0)
		return c >= 0;
	if (strcmp(op, "<=") == 0 || strcmp(op, "<") == 0)
		return c <= 0;
	if (strcmp(op, ">>") == 0)
		return c > 0;
	if (strcmp(op, "<<") == 0)
		return c < 0;
	if (strcmp(op, ">") == 0)
		return c >= 0;
	return c == 0;
}

size_t bpo_build_policy_table(const char *pol, struct bpo_build_policy_version *v, size_t max)
{
	const char *p = pol ? strstr(pol, "Version table:") : NULL;
	size_t n = 0;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = bpo_xstrndup(p, len), *t = line;
		size_t ind = strspn(t, " ");
		char a[256], b[256], suite[256];
		t += ind;
		if (bpo_str_has_prefix(t, "*** ")) {
			t += 4;
			ind = 5;
		}
		int k = sscanf(t, "%255s %255s %255s", a, b, suite);
		bool num_a = a[0] && strspn(a, "-0123456789") == strlen(a);
		bool num_b = k >= 2 && strspn(b, "-0123456789") == strlen(b);
		if (k == 2 && num_b && ind <= 6 && n < max) {
			v[n].version = bpo_xstrdup(a);
			v[n].suite = NULL;
			n++;
		} else if (k >= 2 && num_a && ind >= 7 && n > 0 && !v[n - 1].suite) {
			suite[strcspn(suite, "/")] = '\0';
			v[n - 1].suite = bpo_xstrdup(k >= 3 ? suite : "installed");
		}
		free(line);
		p = nl ? nl + 1 : NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (!v[i].suite)
			v[i].suite = bpo_xstrdup("?");
	return n;
}

static void policy_table_free(struct bpo_build_policy_version *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].version);
		free(v[i].suite);
	}
}

static void builddep_argv(struct ctx *c, const char *dsc_in, bool simulate,
			  struct bpo_strv *argv);

#define MAX_POLICY_VERSIONS 32
#define MAX_PIN_ROUNDS 8

/* apt-cache policy NAME in the root into pol; false when it did not run. */
static bool root_policy(struct ctx *c, const char *const *lower, const char *upper,
			const char *name, struct bpo_buf *pol)
{
	const char *argv[] = {"/usr/bin/apt-cache", "policy", name, NULL};
	int st = 0;
	return in_root(c, lower, 1, upper, false, false, NULL, argv, NULL, 0, pol, 60, &st,
		       NULL) == 0 && st == 0;
}

/* The pins so far into the root's /etc/apt/preferences.d/bpo-extra. */
static int write_prefs(struct ctx *c, const char *const *lower, const char *upper,
		       const struct bpo_buf *prefs, struct bpo_error *err)
{
	const struct bpo_chroot_file f = {"/etc/apt/preferences.d/bpo-extra", prefs->data,
					  prefs->len, 0644};
	const char *t[] = {"/bin/true", NULL};
	int st = 0;
	return in_root(c, lower, 1, upper, false, false, NULL, t, &f, 1, NULL, 60, &st, err);
}

/* Extra suites that apt does not choose by itself (NotAutomatic, like a
 * backports suite: priority 1 or 100 against the release's 500): for each
 * build dependency apt's simulation says the release cannot satisfy, pin the
 * highest version of an extra suite that satisfies it (Pin-Priority 990,
 * /etc/apt/preferences.d/bpo-extra), and simulate again, up to
 * MAX_PIN_ROUNDS (a pinned package's own dependencies may need pins too).
 * What the release satisfies stays the release's. */
static int pin_extra_suites(struct ctx *c, const char *const *lower, const char *upper,
			    const char *dsc_in, struct bpo_error *err)
{
	struct bpo_buf prefs;
	struct bpo_strv pinned = {0};
	int rc = -1;

	bpo_buf_init(&prefs, 1u << 20);
	/* the deps stage's decision (the solver on the indices) first */
	for (size_t i = 0; i < c->o->n_pins; i++) {
		const struct bpo_build_pin *pn = &c->o->pins[i];
		bpo_buf_printf(&prefs, NULL, "%sExplanation: bpo: %s cannot satisfy %s "
			       "(dose-builddebcheck)\nPackage: %s\nPin: version %s\n"
			       "Pin-Priority: 990\n", prefs.len ? "\n" : "", c->o->release,
			       pn->relation, pn->package, pn->version);
		bpo_logf(c->log_fd, "== bpo: pinned %s %s from %s (Pin-Priority 990): %s cannot "
			  "satisfy %s\n", pn->package, pn->version, pn->suite, c->o->release,
			  pn->relation);
		bpo_strv_push(&pinned, pn->package);
	}
	if (prefs.len && write_prefs(c, lower, upper, &prefs, err) < 0)
		goto out;
	for (int round = 0; round < MAX_PIN_ROUNDS; round++) {
		struct bpo_buf sim;
		struct bpo_strv argv = {0};
		int st = 0;
		bool added = false;

		builddep_argv(c, dsc_in, true, &argv);
		bpo_buf_init(&sim, 1u << 20);
		if (in_root(c, lower, 1, upper, false, false, NULL, (const char *const *)argv.v, NULL,
			    0, &sim, 600, &st, err) < 0) {
			bpo_strv_destroy(&argv);
			bpo_buf_destroy(&sim);
			goto out;
		}
		bpo_strv_destroy(&argv);
		char *unmet = st == 0 ? NULL : bpo_build_unmet_deps(sim.data ? sim.data : "");
		bpo_buf_destroy(&sim);
		for (const char *p = unmet; p && *p;) {
			const char *nl = strchr(p, '\n');
			char *line = bpo_xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
			char name[128], op[3], ver[128];
			p = nl ? nl + 1 : NULL;
			bool seen = false;
			if (!bpo_build_unmet_relation(line, name, sizeof(name), op, ver, sizeof(ver))) {
				free(line);
				continue;
			}
			for (size_t i = 0; i < pinned.n && !seen; i++)
				seen = strcmp(pinned.v[i], name) == 0;
			struct bpo_buf pol;
			bpo_buf_init(&pol, 65536);
			if (!seen && root_policy(c, lower, upper, name, &pol)) {
				struct bpo_build_policy_version v[MAX_POLICY_VERSIONS];
				size_t nv = bpo_build_policy_table(pol.data, v, MAX_POLICY_VERSIONS);
				const struct bpo_build_policy_version *best = NULL;
				const char *cand = strstr(pol.data, "Candidate: ");
				size_t cl = cand ? strcspn(cand + 11, "\n") : 0;
				for (size_t i = 0; i < nv; i++) {
					bool is_cand = cand && strlen(v[i].version) == cl &&
						       strncmp(v[i].version, cand + 11, cl) == 0;
					if (is_cand || strcmp(v[i].suite, "installed") == 0 ||
					    !bpo_build_relation_holds(v[i].version, op, ver))
						continue;
					if (!best || bpo_version_compare_str(v[i].version,
									     best->version) > 0)
						best = &v[i];
				}
				if (best) {
					bpo_buf_printf(&prefs, NULL, "%sExplanation: bpo: a build "
						       "dependency %s cannot satisfy\nPackage: %s\n"
						       "Pin: version %s\nPin-Priority: 990\n",
						       prefs.len ? "\n" : "", c->o->release, name,
						       best->version);
					bpo_info("[deps] %s%s%s%s%s%s: %s has %.*s; %s has %s: pinned",
						 name, op[0] ? " (" : "", op, op[0] ? " " : "", op[0] ?
						 ver : "", op[0] ? ")" : "", c->o->release, cand ? (int)cl : 4,
						 cand ? cand + 11 : "none", best->suite, best->version);
					bpo_logf(c->log_fd, "== bpo: pinned %s %s from %s (Pin-Priority "
						  "990)\n", name, best->version, best->suite);
					bpo_strv_push(&pinned, name);
					added = true;
				}
				policy_table_free(v, nv);
			}
			bpo_buf_destroy(&pol);
			free(line);
		}
		free(unmet);
		if (!added)
			break;
		if (write_prefs(c, lower, upper, &prefs, err) < 0)
			goto out;
	}
	rc = 0;
out:
	bpo_strv_destroy(&pinned);
	bpo_buf_destroy(&prefs);
	return rc;
}

/* Explain unmet build dependencies: apt's lines plus what the release has. */
static void explain_deps(struct ctx *c, const char *const *lower, const char *upper,
			 const char *apt_out, struct bpo_buf *why)
{
	char *unmet = bpo_build_unmet_deps(apt_out);
	const char *p = unmet;

	if (!unmet) {
		bpo_buf_puts(why, "apt could not install the build dependencies", NULL);
		return;
	}
	bpo_buf_puts(why, "unsatisfiable build dependencies:", NULL);
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = bpo_xstrndup(p, len);
		char name[128];
		size_t n = strcspn(line, " :(");
		struct bpo_buf pol;
		int st = 0;

		bpo_buf_printf(why, NULL, "\n  %s", line);
		if (n > 0 && n < sizeof(name)) {
			memcpy(name, line, n);
			name[n] = '\0';
			bool ok = true;
			for (char *q = name; *q; q++)
				ok = ok && (isalnum((unsigned char)*q) || strchr("+-.", *q));
			if (ok) {
				const char *argv[] = {"/usr/bin/apt-cache", "policy", name, NULL};
				bpo_buf_init(&pol, 65536);
				if (in_root(c, lower, 1, upper, false, false, NULL, argv, NULL, 0, &pol,
					    60, &st, NULL) == 0) {
					const char *cand = pol.data ? strstr(pol.data, "Candidate: ") : NULL;
					if (cand) {
						size_t cl = strcspn(cand + 11, "\n");
						bpo_buf_printf(why, NULL, "\n    %s in %s: %.*s", name,
							       c->o->release, (int)cl, cand + 11);
						/* and what every other suite has */
						struct bpo_build_policy_version v[MAX_POLICY_VERSIONS];
						size_t nv = bpo_build_policy_table(pol.data, v,
										   MAX_POLICY_VERSIONS);
						for (size_t i = 0; i < nv; i++)
							if (strcmp(v[i].suite, "installed") != 0 &&
							    (strlen(v[i].version) != cl ||
							     strncmp(v[i].version, cand + 11, cl) != 0))
								bpo_buf_printf(why, NULL, "\n    %s in "
									       "%s: %s", name,
									       v[i].suite,
									       v[i].version);
						policy_table_free(v, nv);
					} else {
						bpo_buf_printf(why, NULL, "\n    %s: %s offers no "
							       "package of that name", name,
							       c->o->release);
					}
				}
				bpo_buf_destroy(&pol);
			}
		}
		free(line);
		p = nl ? nl + 1 : NULL;
	}
	free(unmet);
}

/* apt-get build-dep for the build type and profiles; simulate: -q -s (apt's
 * explanation of unmet dependencies, no download), else -qq (no URLs in the log). */
static void builddep_argv(struct ctx *c, const char *dsc_in, bool simulate, struct bpo_strv *argv)
{
	bpo_strv_push(argv, "/usr/bin/apt-get");
	bpo_strv_push(argv, simulate ? "-q" : "-qq");
	bpo_strv_push(argv, simulate ? "-s" : "-y");
	bpo_strv_push(argv, "--no-install-recommends");
	if (c->o->type == BPO_BUILD_ANY)
		bpo_strv_push(argv, "--arch-only");
	else if (c->o->type == BPO_BUILD_ALL)
		bpo_strv_push(argv, "--indep-only");
	if (c->o->profiles && *c->o->profiles) {
		char *prof = bpo_xasprintf("-P%s", c->o->profiles);
		for (char *q = prof; *q; q++)
			if (*q == ' ')
				*q = ',';
		bpo_strv_push_owned(argv, prof);
	}
	bpo_strv_push(argv, "build-dep");
	bpo_strv_push(argv, dsc_in);
}

static int phase_deps(struct ctx *c, const struct bpo_chroot_conf *conf, const struct bpo_dsc *d,
		      const char *image_sha, struct bpo_error *err)
{
	const char *bd[5];
	size_t nbd = 0;
	char key[65];
	char *layers = NULL, *layer = NULL, *dupper = NULL, *dsc_in = NULL;
	struct bpo_chroot_file *files = NULL;
	size_t nfiles = 0;
	struct bpo_strv owned = {0};
	struct bpo_buf pk;
	int rc = -1, st = 0;
	const char *lower[1] = {c->unpacked};

	bpo_buf_init(&pk, 16u << 20);
	if (d->build_depends)
		bd[nbd++] = d->build_depends;
	if (d->build_depends_arch)
		bd[nbd++] = d->build_depends_arch;
	if (d->build_depends_indep)
		bd[nbd++] = d->build_depends_indep;
	/* extra packages count as more build dependencies for the layer's key */
	struct bpo_buf xp;
	bpo_buf_init(&xp, 65536);
	for (const char *const *x = c->o->extra_packages; x && *x; x++)
		bpo_buf_printf(&xp, NULL, "%s%s", xp.len ? ", " : "", *x);
	if (xp.len)
		bd[nbd++] = xp.data;
	/* so do the pins: the same sources with other pins are another layer */
	struct bpo_buf pn;
	bpo_buf_init(&pn, 65536);
	for (size_t i = 0; i < c->o->n_pins; i++)
		bpo_buf_printf(&pn, NULL, "%spin %s (= %s)", pn.len ? ", " : "",
			       c->o->pins[i].package, c->o->pins[i].version);
	if (pn.len)
		bd[nbd++] = pn.data;
	bpo_build_cache_key(image_sha, c->r->arch, c->o->type, c->o->profiles,
			    c->o->extra_sources, c->o->n_extra_sources, bd, nbd, key);
	layers = bpo_xasprintf("%s/chroots/layers", c->cfg->cache_dir);
	layer = bpo_xasprintf("%s/%s", layers, key);
	if (!c->o->no_cache) {
		char *complete = bpo_path_join(layer, "complete");
		bool ok = bpo_path_exists(complete);
		free(complete);
		if (ok) {
			c->layer = bpo_path_join(layer, "upper");
			c->r->deps_cached = true;
			bpo_info("[deps] reusing the cached build-dependency layer %.12s", key);
			bpo_logf(c->log_fd, "== bpo: build dependencies from the cached layer %s\n",
				  layer);
			rc = 0;
			goto out;
		}
	}
	if (!c->cfg->mirror) {
		bpo_error_set(err, BPO_E_FAIL, "no Debian mirror configured and none found in the "
			      "apt sources (set mirror in bpo.conf or $BPO_MIRROR)");
		goto out;
	}
	if (apt_files(c, conf, &files, &nfiles, &owned, err) < 0)
		goto out;
	dupper = bpo_path_join(c->tmp, "deps");
	dsc_in = bpo_xasprintf(SRC_IN_ROOT "/%s", c->dsc_name);
	env_build(c, false, NULL);
	bpo_info("[deps] installing build dependencies with apt");
	{
		const char *argv[] = {"/usr/bin/apt-get", "-qq", "update", NULL};
		if (in_root(c, lower, 1, dupper, true, false, NULL, argv, files, nfiles, NULL,
			    DEPS_TIMEOUT, &st, err) < 0)
			goto out;
		if (st != 0) {
			bpo_error_set(err, BPO_E_FAIL, "apt-get update failed (status %d) in the %s "
				      "root", st, c->o->release);
			goto out;
		}
	}
	if (c->o->n_extra_sources > 0 && pin_extra_suites(c, lower, dupper, dsc_in, err) < 0)
		goto out;
	{
		struct bpo_strv argv = {0};
		builddep_argv(c, dsc_in, false, &argv);
		int r = in_root(c, lower, 1, dupper, true, false, NULL, (const char *const *)argv.v,
				NULL, 0, NULL, DEPS_TIMEOUT, &st, err);
		bpo_strv_destroy(&argv);
		if (r < 0)
			goto out;
	}
	if (st == 0) {
		/* what every Debian builder has in its build root, whatever the
		   source declares (sbuild: build-essential and fakeroot; dpkg-
		   buildpackage needs fakeroot without Rules-Requires-Root: no) */
		struct bpo_strv argv = {0};
		bpo_strv_push(&argv, "/usr/bin/apt-get");
		bpo_strv_push(&argv, "-q");
		bpo_strv_push(&argv, "-y");
		bpo_strv_push(&argv, "--no-install-recommends");
		bpo_strv_push(&argv, "install");
		bpo_strv_push(&argv, "--");
		for (const char *const *x = base_packages; *x; x++)
			bpo_strv_push(&argv, *x);
		for (const char *const *x = c->o->extra_packages; x && *x; x++)
			bpo_strv_push(&argv, *x);
		if (xp.len)
			bpo_info("[deps] installing the extra packages: %s", xp.data);
		int r = in_root(c, lower, 1, dupper, true, false, NULL, (const char *const *)argv.v,
				NULL, 0, NULL, DEPS_TIMEOUT, &st, err);
		bpo_strv_destroy(&argv);
		if (r < 0)
			goto out;
		if (st != 0) {
			bpo_error_set(err, BPO_E_FAIL, "apt-get install of %s%s%s failed (status %d): "
				      "see the log", "build-essential, fakeroot", xp.len ? ", " : "",
				      xp.len ? xp.data : "", st);
			goto out;
		}
	}
	if (st != 0) {
		/* ask again, simulating, for apt's explanation (-qq keeps mirror
		   URLs out of the log, but also the list of unmet dependencies) */
		struct bpo_buf sim, why;
		struct bpo_strv argv = {0};
		builddep_argv(c, dsc_in, true, &argv);
		bpo_buf_init(&sim, 1u << 20);
		bpo_buf_init(&why, 65536);
		in_root(c, lower, 1, dupper, false, false, NULL, (const char *const *)argv.v, NULL, 0,
			&sim, 600, &st, NULL);
		bpo_strv_destroy(&argv);
		bpo_logf(c->log_fd, "%s", sim.data ? sim.data : "");
		explain_deps(c, lower, dupper, sim.data ? sim.data : "", &why);
		bpo_buf_destroy(&sim);
		bpo_error_set(err, BPO_E_FAIL, "%s", why.data);
		c->r->detail = bpo_buf_steal(&why, NULL);
		goto out;
	}
	{
		const char *argv[] = {"/usr/bin/apt-get", "clean", NULL};
		in_root(c, lower, 1, dupper, true, false, NULL, argv, NULL, 0, NULL, 600, &st, NULL);
	}
	{
		const char *argv[] = {"/usr/bin/dpkg-query", "-W", "-f", "${Package} ${Version}\\n",
				      NULL};
		if (in_root(c, lower, 1, dupper, false, false, NULL, argv, NULL, 0, &pk, 600, &st,
			    err) < 0)
			goto out;
	}
	if (c->o->no_cache) {
		c->layer = dupper;
		dupper = NULL;
		rc = 0;
		goto out;
	}
	/* keep the layer: made aside, renamed into place once complete */
	{
		char *meta = bpo_xasprintf("Image-SHA256: %s\nArchitecture: %s\n", image_sha,
					   c->r->arch);
		const char *names[] = {"packages"}, *datas[] = {pk.data ? pk.data : ""};
		int r = bpo_chroot_layer_commit(&c->ns, layers, key, dupper, names, datas, 1, meta,
						&c->layer, err);
		free(meta);
		if (r < 0)
			goto out;
	}
	rc = 0;
out:
	if (dupper && bpo_path_exists(dupper))
		bpo_ns_rm_rf(&c->ns, dupper, NULL);
	bpo_strv_destroy(&owned);
	bpo_buf_destroy(&pk);
	bpo_buf_destroy(&xp);
	bpo_buf_destroy(&pn);
	free(files);
	free(dsc_in);
	free(dupper);
	free(layer);
	free(layers);
	return rc;
}

static char *upstream_dir(const struct bpo_dsc *d)
{
	const char *v = d->version, *colon = strchr(v, ':');
	char *up, *dash;

	if (colon)
		v = colon + 1;
	up = bpo_xstrdup(v);
	dash = strrchr(up, '-');
	if (dash && d->format && !strstr(d->format, "native"))
		*dash = '\0';
	char *r = bpo_xasprintf("/build/%s-%s", d->source, up);
	free(up);
	return r;
}

static int phase_build(struct ctx *c, const struct bpo_dsc *d, struct bpo_error *err)
{
	const char *lower[2] = {c->layer, c->unpacked};
	char *bupper = bpo_path_join(c->tmp, "build"), *pkgdir = upstream_dir(d);
	char *dsc_in = bpo_xasprintf(SRC_IN_ROOT "/%s", c->dsc_name), *sde = NULL;
	struct bpo_buf ts;
	int rc = -1, st = 0;
	unsigned timeout = c->o->timeout ? c->o->timeout : c->cfg->build_timeout;

	bpo_buf_init(&ts, 4096);
	env_build(c, true, NULL);
	{
		const char *argv[] = {"/usr/bin/dpkg-source", "-x", dsc_in, pkgdir, NULL};
		if (in_root(c, lower, 2, bupper, false, true, "/build", argv, NULL, 0, NULL, 600,
			    &st, err) < 0)
			goto out;
		if (st != 0) {
			bpo_error_set(err, BPO_E_FAIL, "dpkg-source -x failed (status %d)", st);
			goto out;
		}
	}
	{
		const char *argv[] = {"/usr/bin/dpkg-parsechangelog", "-STimestamp", NULL};
		if (in_root(c, lower, 2, bupper, false, true, pkgdir, argv, NULL, 0, &ts, 60, &st,
			    err) < 0)
			goto out;
		sde = st == 0 ? sde_digits(&ts) : NULL;
		if (!sde) {
			bpo_error_set(err, BPO_E_FAIL, "dpkg-parsechangelog -STimestamp gave no "
				      "timestamp for debian/changelog (status %d)", st);
			goto out;
		}
	}
	env_build(c, true, sde);
	bpo_info("[build] dpkg-buildpackage %s (SOURCE_DATE_EPOCH=%s, timeout %u s)",
		 type_flag(c->o->type), sde, timeout);
	{
		const char *argv[] = {"/usr/bin/dpkg-buildpackage", "-us", "-uc",
				      type_flag(c->o->type), NULL};
		if (in_root(c, lower, 2, bupper, false, true, pkgdir, argv, NULL, 0, NULL, timeout,
			    &st, err) < 0)
			goto out;
		if (st != 0) {
			bpo_error_set(err, BPO_E_FAIL, "dpkg-buildpackage failed (status %d)", st);
			goto out;
		}
	}
	rc = 0;
out:
	bpo_buf_destroy(&ts);
	free(sde);
	free(dsc_in);
	free(pkgdir);
	free(bupper);
	return rc;
}

static bool is_artifact(const char *name, bool full)
{
	static const char *const bin[] = {".deb", ".udeb", ".ddeb", ".changes", ".buildinfo"};
	for (size_t i = 0; i < sizeof(bin) / sizeof(bin[0]); i++)
		if (bpo_str_has_suffix(name, bin[i]))
			return true;
	if (full && (bpo_str_has_suffix(name, ".dsc") || strstr(name, ".tar.") ||
		     bpo_str_has_suffix(name, ".diff.gz")))
		return true;
	return false;
}

static int add_artifact(struct ctx *c, const char *from, const char *name, size_t *cap,
			struct bpo_error *err)
{
	char *to = bpo_path_join(c->r->result_dir, name);
	struct bpo_build_artifact a = {0};
	struct stat st;
	int rc = -1;

	for (size_t i = 0; i < c->r->n_artifacts; i++)
		if (strcmp(c->r->artifacts[i].name, name) == 0) {
			rc = 0;
			goto out;
		}
	if (lstat(from, &st) < 0 || !S_ISREG(st.st_mode)) {
		bpo_error_set(err, BPO_E_FAIL, "%s: not a regular file", from);
		goto out;
	}
	char hex[BPO_HASH_HEX_MAX];
	if (bpo_file_copy(from, to, 0644, err) < 0 ||
	    bpo_hash_file(to, BPO_HASH_SHA256, hex, &a.size, err) < 0)
		goto out;
	memcpy(a.sha256, hex, 64);
	a.sha256[64] = '\0';
	a.name = bpo_xstrdup(name);
	BPO_GROW(c->r->artifacts, *cap, c->r->n_artifacts + 1);
	c->r->artifacts[c->r->n_artifacts++] = a;
	rc = 0;
out:
	free(to);
	return rc;
}

static int phase_collect(struct ctx *c, const struct bpo_dsc *d, struct bpo_error *err)
{
	char *dir = bpo_xasprintf("%s/build/build", c->tmp);
	DIR *dh = opendir(dir);
	struct dirent *de;
	size_t cap = 0;
	int rc = -1, nbin = 0;
	bool full = c->o->type == BPO_BUILD_FULL;

	if (!dh) {
		bpo_error_set(err, BPO_E_FAIL, "%s: %s (nothing was built)", dir, strerror(errno));
		goto out;
	}
	while ((de = readdir(dh))) {
		if (!bpo_path_component_ok(de->d_name) || !is_artifact(de->d_name, full))
			continue;
		char *from = bpo_path_join(dir, de->d_name);
		int r = add_artifact(c, from, de->d_name, &cap, err);
		free(from);
		if (r < 0)
			goto out;
		if (bpo_str_has_suffix(de->d_name, "deb"))
			nbin++;
	}
	/* the source package the binaries came from */
	{
		char *from = bpo_path_join(c->srcdir, c->dsc_name);
		int r = add_artifact(c, from, c->dsc_name, &cap, err);
		free(from);
		if (r < 0)
			goto out;
		for (size_t i = 0; i < d->n_files; i++) {
			from = bpo_path_join(c->srcdir, d->files[i].name);
			r = add_artifact(c, from, d->files[i].name, &cap, err);
			free(from);
			if (r < 0)
				goto out;
		}
	}
	if (nbin == 0 && c->o->type != BPO_BUILD_FULL) {
		bpo_error_set(err, BPO_E_FAIL, "dpkg-buildpackage succeeded but made no .deb");
		goto out;
	}
	rc = 0;
out:
	if (dh)
		closedir(dh);
	free(dir);
	return rc;
}

static bool name_ok(const char *s)
{
	if (!s || !*s || strlen(s) > 200)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("+-.:~_", *s))
			return false;
	return true;
}

int bpo_build_run(const struct bpo_config *cfg, const struct bpo_build_opts *o,
		  struct bpo_build_result *r, struct bpo_error *err)
{
	struct ctx c = {.cfg = cfg, .o = o, .r = r, .log_fd = -1};
	struct bpo_dsc d;
	struct bpo_chroot_meta m;
	struct bpo_chroot_conf conf;
	char *ver_noepoch = NULL;
	double t0 = bpo_now_s(), t = t0;
	int rc = -1;

	bpo_build_result_init(r);
	bpo_dsc_init(&d);
	bpo_chroot_meta_init(&m);
	bpo_chroot_conf_init(&conf);
	r->phase = BPO_BUILD_SETUP;
	if (bpo_ns_init(&c.ns, err) < 0)
		goto out;
	r->arch = o->arch ? bpo_xstrdup(o->arch) : bpo_chroot_host_arch(err);
	if (!r->arch)
		goto out;
	if (bpo_dsc_load(&d, o->dsc, err) < 0)
		goto out;
	if (!name_ok(d.source) || !name_ok(d.version) || !bpo_path_component_ok(d.source)) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: bad Source or Version", o->dsc);
		goto out;
	}
	r->source = bpo_xstrdup(d.source);
	r->version = bpo_xstrdup(d.version);
	{
		const char *slash = strrchr(o->dsc, '/');
		c.dsc_name = bpo_xstrdup(slash ? slash + 1 : o->dsc);
		if (!bpo_path_component_ok(c.dsc_name) || !bpo_str_has_suffix(c.dsc_name, ".dsc")) {
			bpo_error_set(err, BPO_E_USAGE, "%s: expected a .dsc file", o->dsc);
			goto out;
		}
	}
	if (bpo_chroot_conf_load(&conf, o->release, err) < 0)
		goto out;
	if (bpo_chroot_meta_load(&m, cfg->cache_dir, o->release, r->arch, err) < 0 ||
	    bpo_chroot_meta_verify(&m, cfg->cache_dir, err) < 0)
		goto out;
	{
		const char *colon = strchr(d.version, ':');
		ver_noepoch = bpo_xstrdup(colon ? colon + 1 : d.version);
	}
	r->result_dir = o->result_dir ? bpo_xstrdup(o->result_dir)
				      : bpo_xasprintf("%s/%s_%s", cfg->work_dir, d.source, ver_noepoch);
	if (bpo_mkdir_p(r->result_dir, 0755, err) < 0)
		goto out;
	r->log_path = bpo_xasprintf("%s/%s_%s_%s.build", r->result_dir, d.source, ver_noepoch,
				    r->arch);
	c.log_fd = open(r->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (c.log_fd < 0) {
		bpo_error_set(err, BPO_E_IO, "%s: %s", r->log_path, strerror(errno));
		goto out;
	}
	bpo_logf(c.log_fd, "== bpo build %s %s for %s/%s (%s)\n", d.source, d.version,
		  o->release, r->arch, c.ns.rootless ? "rootless, user namespace" : "as root");
	c.tmp = bpo_chroot_tmp_new(&c.ns, cfg->cache_dir, "build", err);
	if (!c.tmp)
		goto out;
	c.srcdir = bpo_path_join(c.tmp, "src");
	if (stage_source(&c, &d, err) < 0)
		goto out;
	c.unpacked = bpo_chroot_unpacked(&c.ns, &m, cfg->cache_dir, err);
	if (!c.unpacked)
		goto out;
	r->seconds[BPO_BUILD_SETUP] = bpo_now_s() - t;

	t = bpo_now_s();
	r->phase = BPO_BUILD_DEPS;
	if (phase_deps(&c, &conf, &d, m.sha256, err) < 0)
		goto out;
	r->seconds[BPO_BUILD_DEPS] = bpo_now_s() - t;

	t = bpo_now_s();
	r->phase = BPO_BUILD_BUILD;
	if (phase_build(&c, &d, err) < 0)
		goto out;
	r->seconds[BPO_BUILD_BUILD] = bpo_now_s() - t;

	t = bpo_now_s();
	r->phase = BPO_BUILD_COLLECT;
	if (phase_collect(&c, &d, err) < 0)
		goto out;
	r->seconds[BPO_BUILD_COLLECT] = bpo_now_s() - t;
	r->phase = BPO_BUILD_DONE;
	r->ok = true;
	rc = 0;
out:
	if (rc < 0 && r->phase < BPO_BUILD_DONE && r->seconds[r->phase] == 0)
		r->seconds[r->phase] = bpo_now_s() - t;
	if (rc < 0 && c.log_fd >= 0)
		bpo_logf(c.log_fd, "\n== bpo: FAILED in phase %s: %s\n", bpo_build_phase_name(r->phase),
			  err ? err->msg : "");
	if (c.tmp) {
		struct bpo_error e2;
		bpo_error_init(&e2);
		if (bpo_ns_rm_rf(&c.ns, c.tmp, &e2) < 0)
			bpo_warn("could not remove %s: %s", c.tmp, e2.msg);
	}
	if (c.log_fd >= 0)
		close(c.log_fd);
	bpo_strv_destroy(&c.env);
	free(c.tmp);
	free(c.srcdir);
	free(c.dsc_name);
	free(c.unpacked);
	free(c.layer);
	free(ver_noepoch);
	bpo_dsc_destroy(&d);
	bpo_chroot_meta_destroy(&m);
	bpo_chroot_conf_destroy(&conf);
	return rc;
}
