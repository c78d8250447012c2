/* SPDX-License-Identifier: GPL-2.0-or-later */
/* source: the backport's source package (see source.h). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "changelog.h"
#include "dsc.h"
#include "fsutil.h"
#include "hash.h"
#include "index.h"
#include "json.h"
#include "log.h"
#include "patch.h"
#include "policy.h"
#include "proc.h"
#include "source.h"
#include "srcpkg.h"
#include "version.h"

/* Longest time dpkg-source / dpkg-genchanges may take. */
#define SOURCE_TOOL_TIMEOUT 3600

void bpo_source_result_init(struct bpo_source_result *res)
{
	memset(res, 0, sizeof(*res));
}

/* Free everything res owns (see source.h). */
void bpo_source_result_destroy(struct bpo_source_result *res)
{
	if (!res)
		return;
	free(res->source);
	free(res->old_version);
	free(res->version);
	free(res->since);
	free(res->format);
	free(res->tree);
	free(res->dsc);
	free(res->changes);
	bpo_strv_destroy(&res->files);
	bpo_strv_destroy(&res->orig_sha256);
	for (size_t i = 0; i < res->n_patches; i++) {
		free(res->patches[i].name);
		free(res->patches[i].description);
	}
	free(res->patches);
	bpo_fixes_destroy(&res->fixes);
	bpo_source_result_init(res);
}

/* The first line of a DEP-3 Description or Subject in header (see source.h). */
char *bpo_source_dep3_description(const char *header)
{
	char *subject = NULL;
	const char *p = header;
	while (p && *p) {
		size_t n = strcspn(p, "\n");
		const char *v = NULL;
		if (n > 12 && strncasecmp(p, "Description:", 12) == 0)
			v = p + 12;
		else if (n > 8 && strncasecmp(p, "Subject:", 8) == 0 && !subject)
			v = p + 8;
		if (v) {
			const char *e = p + n;
			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			if (strncasecmp(p, "Subject:", 8) == 0 && *v == '[') {
				const char *close = memchr(v, ']', (size_t)(e - v));
				if (close) {
					v = close + 1;
					while (v < e && *v == ' ')
						v++;
				}
			}
			while (e > v && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
				e--;
			if (e > v) {
				char *s = bpo_xstrndup(v, (size_t)(e - v));
				if (strncasecmp(p, "Description:", 12) == 0) {
					free(subject);
					return s;
				}
				subject = s;
			}
		}
		if (n > 0 && (strncmp(p, "---", 3) == 0 || strncmp(p, "diff ", 5) == 0))
			break;
		p += n + (p[n] ? 1 : 0);
	}
	return subject;
}

/* Upstream part of a version: no epoch, no revision (owned). */
static char *upstream_of(const char *v)
{
	const char *colon = strchr(v, ':');
	if (colon)
		v = colon + 1;
	const char *dash = strrchr(v, '-');
	return dash ? bpo_xstrndup(v, (size_t)(dash - v)) : bpo_xstrdup(v);
}

/* Version without epoch, as in file names (borrowed pointer into v). */
static const char *no_epoch(const char *v)
{
	const char *colon = strchr(v, ':');
	return colon ? colon + 1 : v;
}

/* A path after stripping n leading components, or NULL when it has fewer. */
static const char *strip_path(const char *path, int n)
{
	while (n-- > 0) {
		const char *slash = strchr(path, '/');
		if (!slash)
			return NULL;
		path = slash + 1;
		while (*path == '/')
			path++;
	}
	return path;
}

static bool is_debian_path(const char *p)
{
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	return strcmp(p, "debian") == 0 || strncmp(p, "debian/", 7) == 0;
}

/* Which side of the tree a patch touches: bit 1 upstream, bit 2 debian/. */
static int patch_sides(const struct bpo_patch *p, const char **example_up,
		       const char **example_deb)
{
	int sides = 0;
	for (size_t i = 0; i < p->n_files; i++) {
		const struct bpo_patch_file *f = &p->files[i];
		const char *paths[2] = {f->old_path, f->new_path};
		for (int k = 0; k < 2; k++) {
			if (!paths[k])
				continue;
			const char *s = strip_path(paths[k], p->strip);
			if (!s)
				s = paths[k];
			if (is_debian_path(s)) {
				sides |= 2;
				*example_deb = s;
			} else {
				sides |= 1;
				*example_up = s;
			}
		}
	}
	return sides;
}

static bool is_orig_name(const char *name)
{
	return strstr(name, ".orig.tar.") != NULL || strstr(name, ".orig-") != NULL;
}

/* Run a tool in dir; its stdout is shown with --verbose, stderr goes through. */
static int run_tool(const char *const argv[], const char *dir, struct bpo_error *err)
{
	struct bpo_buf out;
	bpo_buf_init(&out, 1u << 24);
	struct bpo_proc_opts po = {.cwd = dir, .out = &out, .log_fd = -1,
				   .timeout = SOURCE_TOOL_TIMEOUT};
	int r = bpo_proc_run_ok(argv, &po, err);
	if (out.len)
		bpo_verbose("%s", out.data);
	if (r < 0 && out.len)
		fprintf(stderr, "%s", out.data);
	bpo_buf_destroy(&out);
	return r;
}

static char *host_arch(struct bpo_error *err)
{
	const char *argv[] = {"dpkg", "--print-architecture", NULL};
	struct bpo_buf out;
	char *arch = NULL;
	bpo_buf_init(&out, 4096);
	struct bpo_proc_opts po = {.out = &out, .log_fd = -1, .timeout = 60};
	if (bpo_proc_run_ok(argv, &po, err) == 0) {
		out.data[strcspn(out.data, " \t\r\n")] = '\0';
		if (out.data[0])
			arch = bpo_xstrdup(out.data);
		else
			bpo_error_set(err, BPO_E_FAIL, "dpkg --print-architecture printed nothing");
	}
	bpo_buf_destroy(&out);
	return arch;
}

/* Versions seen in the target release, with where they were seen. */
struct found {
	char *version, *suite, *what;
};

struct found_list {
	struct found *v;
	size_t n, cap;
};

static void found_add(struct found_list *l, const char *version, const char *suite,
		      const char *kind, const char *pkg)
{
	BPO_GROW(l->v, l->cap, l->n + 1);
	l->v[l->n].version = bpo_xstrdup(version);
	l->v[l->n].suite = bpo_xstrdup(suite);
	l->v[l->n].what = bpo_xasprintf("%s %s", kind, pkg);
	l->n++;
}

static void found_destroy(struct found_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].version);
		free(l->v[i].suite);
		free(l->v[i].what);
	}
	free(l->v);
}

/* Query one verified suite for the source's and binaries' versions. */
static int query_suite(const char *archive, const char *suite, const char *keyring,
		       const struct bpo_config *cfg, const char *component, const char *arch,
		       const char *source, const struct bpo_strv *binaries, bool optional,
		       struct found_list *found, struct bpo_error *err)
{
	struct bpo_release rel;
	struct bpo_strv vs = {0};
	int ret = -1;
	bpo_release_init(&rel);
	if (bpo_index_fetch_release(archive, suite, keyring, cfg, &rel, err) < 0) {
		if (optional && err && err->kind == BPO_E_NOTFOUND) {
			bpo_warn("suite %s not found in %s; not checked (%s)", suite, archive,
				 err->msg);
			ret = 0;
		}
		goto out;
	}
	/* The index sorts what it pushed with qsort(vs.v + before, ...), which must
	 * not see a NULL array even when nothing matched: give it one. */
	BPO_GROW(vs.v, vs.cap, 1);
	if (bpo_index_source_versions(&rel, component, source, &vs, err) < 0)
		goto out;
	for (size_t i = 0; i < vs.n; i++)
		found_add(found, vs.v[i], suite, "source", source);
	for (size_t b = 0; b < binaries->n; b++) {
		bpo_strv_destroy(&vs);
		BPO_GROW(vs.v, vs.cap, 1);
		if (bpo_index_binary_versions(&rel, component, arch, binaries->v[b], &vs, err) < 0)
			goto out;
		for (size_t i = 0; i < vs.n; i++)
			found_add(found, vs.v[i], suite, "binary", binaries->v[b]);
	}
	ret = 0;
out:
	bpo_strv_destroy(&vs);
	bpo_release_destroy(&rel);
	return ret;
}

/* Split a comma/space separated list into sv. */
static void split_list(const char *s, struct bpo_strv *sv)
{
	while (s && *s) {
		s += strspn(s, ", \t\n");
		size_t n = strcspn(s, ", \t\n");
		if (n) {
			char *item = bpo_xstrndup(s, n);
			bpo_strv_push_owned(sv, item);
		}
		s += n;
	}
}

/* Collect the target release's versions (see source.h for the suites). */
static int collect_target(const struct bpo_recipe *r, const struct bpo_config *cfg,
			  const struct bpo_source_opts *o, const char *distribution,
			  const char *source, const struct bpo_strv *binaries,
			  struct found_list *found, struct bpo_error *err)
{
	int ret = -1;
	struct bpo_strv suites = {0};
	char *arch = NULL;
	const char *archive = o->target_archive ? o->target_archive : cfg->mirror;
	const char *keyring = o->target_keyring ? o->target_keyring : cfg->keyring;
	const char *component = r->source.component ? r->source.component : "main";

	if (!archive || !*archive)
		return bpo_error_set(err, BPO_E_USAGE,
				     "no target archive: configure a mirror or give "
				     "--target-archive (or --no-index-check)");
	if (!r->target.release)
		return bpo_error_set(err, BPO_E_USAGE, "%s: target.release is not set", r->file);
	if (o->arch)
		arch = bpo_xstrdup(o->arch);
	else if (r->build.arch)
		arch = bpo_xstrdup(r->build.arch);
	else if (!(arch = host_arch(err)))
		goto out;
	if (o->target_suites) {
		split_list(o->target_suites, &suites);
		if (suites.n == 0) {
			bpo_error_set(err, BPO_E_USAGE, "--target-suites: no suite given");
			goto out;
		}
	} else {
		bpo_strv_push(&suites, r->target.release);
		bpo_strv_push_owned(&suites, bpo_xasprintf("%s-updates", r->target.release));
		bpo_strv_push(&suites, distribution);
	}
	for (size_t i = 0; i < suites.n; i++) {
		bool optional = !o->target_suites && strcmp(suites.v[i], r->target.release) != 0;
		if (i > 0 && strcmp(suites.v[i], suites.v[0]) == 0)
			continue;
		if (query_suite(archive, suites.v[i], keyring, cfg, component, arch, source,
				binaries, optional, found, err) < 0)
			goto out;
	}
	if (!o->target_suites) {
		/* An explicit target archive is expected to carry every suite of the
		 * release (a local mirror); else the security mirror has -security. */
		const char *sec_archive = o->target_archive ? o->target_archive
					  : cfg->security_mirror;
		char *sec = bpo_xasprintf("%s-security", r->target.release);
		if (sec_archive && *sec_archive) {
			int q = query_suite(sec_archive, sec, keyring, cfg, component, arch,
					    source, binaries, true, found, err);
			free(sec);
			if (q < 0)
				goto out;
		} else {
			bpo_warn("no security mirror configured: %s not checked", sec);
			free(sec);
		}
	}
	ret = 0;
out:
	free(arch);
	bpo_strv_destroy(&suites);
	return ret;
}

/* Copy the orig tarball(s) next to the tree, byte for byte; record their sha256. */
static int place_origs(const struct bpo_fetched *f, const char *dest,
		       struct bpo_source_result *res, struct bpo_error *err)
{
	for (size_t i = 0; i < f->n_files; i++) {
		const struct bpo_fetched_file *ff = &f->files[i];
		if (!is_orig_name(ff->name))
			continue;
		char *to = bpo_path_join(dest, ff->name);
		int r = 0;
		if (bpo_path_exists(to)) {
			char hex[BPO_HASH_HEX_MAX];
			r = bpo_hash_file(to, BPO_HASH_SHA256, hex, NULL, err);
			if (r == 0 && strcmp(hex, ff->sha256) != 0)
				r = bpo_error_set(err, BPO_E_VERIFY,
						  "%s exists and differs from the verified %s "
						  "(sha256 %s, expected %s)",
						  to, ff->name, hex, ff->sha256);
		} else {
			r = bpo_file_copy(ff->path, to, 0644, err);
		}
		free(to);
		if (r < 0)
			return -1;
		bpo_strv_push_owned(&res->orig_sha256, bpo_xasprintf("%s %s", ff->name, ff->sha256));
	}
	return 0;
}

/* Check that the orig tarballs in dest still have the fetched sha256. */
static int check_origs(const struct bpo_fetched *f, const char *dest, struct bpo_error *err)
{
	for (size_t i = 0; i < f->n_files; i++) {
		const struct bpo_fetched_file *ff = &f->files[i];
		char hex[BPO_HASH_HEX_MAX];
		if (!is_orig_name(ff->name))
			continue;
		char *p = bpo_path_join(dest, ff->name);
		int r = bpo_hash_file(p, BPO_HASH_SHA256, hex, NULL, err);
		if (r == 0 && strcmp(hex, ff->sha256) != 0)
			r = bpo_error_set(err, BPO_E_VERIFY,
					  "%s changed while building the source package "
					  "(sha256 %s, fetched %s)", p, hex, ff->sha256);
		free(p);
		if (r < 0)
			return -1;
	}
	return 0;
}

/* Append name to the quilt series file (created when missing). */
static int series_append(const char *tree, const char *name, struct bpo_error *err)
{
	int ret = -1;
	struct bpo_buf b;
	char *dir = bpo_path_join(tree, "debian/patches");
	char *series = bpo_path_join(dir, "series");
	bpo_buf_init(&b, BPO_MAX_CONTROL);
	if (bpo_mkdir_p(dir, 0755, err) < 0)
		goto out;
	if (bpo_path_exists(series) && bpo_file_read(series, BPO_MAX_CONTROL, &b, err) < 0)
		goto out;
	if (b.len > 0 && b.data[b.len - 1] != '\n' && bpo_buf_puts(&b, "\n", err) < 0)
		goto out;
	if (bpo_buf_printf(&b, err, "%s\n", name) < 0)
		goto out;
	if (bpo_file_write_atomic(series, b.data, b.len, 0644, err) < 0)
		goto out;
	ret = 0;
out:
	bpo_buf_destroy(&b);
	free(series);
	free(dir);
	return ret;
}

/* One alternative of a relation with the rules of build.relax applied:
 * NULL when a drop rule removes it; *hit[i] counts the rules that matched. */
static char *relax_alt(const struct bpo_recipe *r, const char *alt, unsigned *hit,
		       struct bpo_buf *note)
{
	size_t n = strcspn(alt, " :([<");
	char *out = bpo_xstrdup(alt);
	for (size_t i = 0; i < r->build.n_relax; i++) {
		const struct bpo_recipe_relax *x = &r->build.relax[i];
		if (strlen(x->name) != n || strncmp(alt, x->name, n) != 0)
			continue;
		hit[i]++;
		if (x->drop) {
			bpo_buf_printf(note, NULL, "%sdrop %s", note->len ? "; " : "", out);
			free(out);
			return NULL;
		}
		/* the version constraint "(...)": removed, or replaced */
		char *open = strchr(out, '('), *close = open ? strchr(open, ')') : NULL;
		char *head = open ? bpo_xstrndup(out, (size_t)(open - out)) : bpo_xstrdup(out);
		const char *tail = close ? close + 1 : (open ? "" : "");
		size_t hl = strlen(head);
		while (hl && head[hl - 1] == ' ')
			head[--hl] = '\0';
		if (!open) {
			/* no version yet: the name (and qualifiers) then the rest */
			size_t nn = strcspn(out, " [<");
			free(head);
			head = bpo_xstrndup(out, nn);
			tail = out + nn;
		}
		char *neu = x->op ? bpo_xasprintf("%s (%s %s)%s", head, x->op, x->version, tail)
				  : bpo_xasprintf("%s%s", head, tail);
		if (strcmp(neu, out) != 0)
			bpo_buf_printf(note, NULL, "%s%s -> %s", note->len ? "; " : "", out, neu);
		free(head);
		free(out);
		out = neu;
	}
	return out;
}

/* build.relax: the recipe's rules applied to debian/control's
 * Build-Depends, -Arch and -Indep (the source paragraph), each changed field
 * rewritten one relation a line; note says what changed ("a (>= 2) -> a;
 * drop b"). A rule that matches nothing is an error at its line:col. */
/*
 * The fixes the backport carries (fixes.h): each recipe fix (its patch is one
 * the series applied: all-or-nothing, so every recipe patch is), then the CVE
 * ids of the changelog entries above since (the target release's version);
 * written to debian/control as XSC-Bpo-Fixes so that the .dsc and the
 * .changes say them; beside it XSC-Bpo-Recipe, what the backport is made of
 * (the source's version and bpo_recipe_digest), which bpo check compares.
 */
static int collect_fixes(const struct bpo_recipe *r, const char *version, const char *tree,
			 const char *since, struct bpo_source_result *res, struct bpo_error *err)
{
	char *cl = bpo_path_join(tree, "debian/changelog");
	char *ctl = bpo_path_join(tree, "debian/control");
	char *value = NULL;
	struct bpo_buf b, out;
	int rc = -1;

	bpo_buf_init(&b, BPO_MAX_CONTROL);
	bpo_buf_init(&out, BPO_MAX_CONTROL + 4096);
	for (size_t i = 0; i < r->n_fixes; i++) {
		const struct bpo_recipe_fix *fx = &r->fixes[i];
		bool applied = false;
		for (size_t k = 0; fx->patch && k < res->n_patches; k++)
			applied |= strcmp(res->patches[k].name, fx->patch) == 0;
		if (fx->patch && !applied) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s:%u:%u: fixes: %s claims the patch %s, "
				      "which the series did not apply", r->file, fx->line,
				      fx->column, fx->id, fx->patch);
			goto out;
		}
		bpo_fixes_add(&res->fixes, fx->id, fx->patch ? BPO_FIX_PATCH : BPO_FIX_UPSTREAM,
			      fx->patch, fx->patch ? NULL : version);
	}
	if (bpo_file_read(cl, BPO_MAX_CONTROL, &b, err) < 0)
		goto out;
	bpo_fixes_from_changelog(b.data ? b.data : "", b.len, since, &res->fixes);
	for (size_t i = 0; i < res->fixes.n; i++) {
		const struct bpo_fix *x = &res->fixes.v[i];
		bpo_info("fixes %s (%s %s)", x->id, bpo_fix_via_name(x->via),
			 x->patch ? x->patch : x->version ? x->version : "");
	}
	bpo_buf_reset(&b);
	if (bpo_file_read(ctl, BPO_MAX_CONTROL, &b, err) < 0)
		goto out;
	value = bpo_fixes_field(&res->fixes);
	if (bpo_fixes_control_set(b.data ? b.data : "", b.len, value, &out, err) < 0)
		goto out;
	/* what the backport is made of (Bpo-Recipe): bpo check compares it */
	{
		char digest[65];
		if (bpo_recipe_digest(r, digest, err) < 0)
			goto out;
		free(value);
		value = bpo_xasprintf("%s sha256:%s", version, digest);
		bpo_buf_reset(&b);
		if (bpo_control_set_field(out.data, out.len, BPO_RECIPE_FIELD, value, &b, err) < 0)
			goto out;
	}
	if (bpo_file_write_atomic(ctl, b.data, b.len, 0644, err) < 0)
		goto out;
	rc = 0;
out:
	free(value);
	free(cl);
	free(ctl);
	bpo_buf_destroy(&b);
	bpo_buf_destroy(&out);
	return rc;
}

static int relax_build_depends(const struct bpo_recipe *r, const char *tree, const char *source,
			       struct bpo_buf *note, struct bpo_error *err)
{
	static const char *const fields[] = {"Build-Depends", "Build-Depends-Arch",
					     "Build-Depends-Indep"};
	char *path = NULL;
	struct bpo_buf in, out;
	unsigned *hit = NULL;
	int rc = -1;

	if (r->build.n_relax == 0)
		return 0;
	path = bpo_path_join(tree, "debian/control");
	hit = bpo_xcalloc(r->build.n_relax, sizeof(*hit));
	bpo_buf_init(&in, BPO_MAX_CONTROL);
	bpo_buf_init(&out, BPO_MAX_CONTROL * 2u);
	if (bpo_file_read(path, BPO_MAX_CONTROL, &in, err) < 0)
		goto out;
	const char *p = in.data ? in.data : "", *end = p + in.len;
	bool first_para = true;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
		const char *field = NULL;
		if (n == 0 || (n == strspn(p, " \t") && p[0] != '#'))
			first_para = false;
		for (size_t f = 0; first_para && f < 3 && !field; f++) {
			size_t fl = strlen(fields[f]);
			if (n > fl && strncasecmp(p, fields[f], fl) == 0 && p[fl] == ':')
				field = fields[f];
		}
		if (!field) {
			bpo_buf_append(&out, p, n + (eol ? 1 : 0), NULL);
			p += n + (eol ? 1 : 0);
			continue;
		}
		/* the value: this line's rest and its continuation lines */
		struct bpo_buf val;
		bpo_buf_init(&val, BPO_MAX_CONTROL);
		bpo_buf_append(&val, p + strlen(field) + 1, n - strlen(field) - 1, NULL);
		p += n + (eol ? 1 : 0);
		while (p < end && (*p == ' ' || *p == '\t' || *p == '#')) {
			const char *e2 = memchr(p, '\n', (size_t)(end - p));
			size_t n2 = e2 ? (size_t)(e2 - p) : (size_t)(end - p);
			if (*p != '#') {
				bpo_buf_puts(&val, " ", NULL);
				bpo_buf_append(&val, p, n2, NULL);
			}
			p += n2 + (e2 ? 1 : 0);
		}
		bpo_buf_printf(&out, NULL, "%s:\n", field);
		for (const char *g = val.data ? val.data : ""; *g;) {
			size_t gl = strcspn(g, ",");
			char *group = bpo_xstrndup(g, gl);
			struct bpo_buf ng;
			bpo_buf_init(&ng, 1u << 16);
			for (const char *a = group; *a;) {
				size_t al = strcspn(a, "|");
				char *alt = bpo_xstrndup(a, al), *t = alt;
				while (*t == ' ' || *t == '\t')
					t++;
				size_t tl = strlen(t);
				while (tl && (t[tl - 1] == ' ' || t[tl - 1] == '\t'))
					t[--tl] = '\0';
				char *kept = *t ? relax_alt(r, t, hit, note) : NULL;
				if (kept)
					bpo_buf_printf(&ng, NULL, "%s%s", ng.len ? " | " : "", kept);
				free(kept);
				free(alt);
				a += al + (a[al] == '|');
			}
			if (ng.len)
				bpo_buf_printf(&out, NULL, " %s,\n", ng.data);
			bpo_buf_destroy(&ng);
			free(group);
			g += gl + (g[gl] == ',');
		}
		bpo_buf_destroy(&val);
	}
	for (size_t i = 0; i < r->build.n_relax; i++)
		if (!hit[i]) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s:%u:%u: build.relax: '%s' matches no "
				      "build dependency of %s (debian/control's Build-Depends, "
				      "-Arch, -Indep)", r->file, r->build.relax[i].line,
				      r->build.relax[i].column, r->build.relax[i].name, source);
			goto out;
		}
	if (bpo_file_write_atomic(path, out.data, out.len, 0644, err) < 0)
		goto out;
	if (note->len)
		bpo_info("relaxed the build dependencies: %s", note->data);
	rc = 0;
out:
	free(path);
	free(hit);
	bpo_buf_destroy(&in);
	bpo_buf_destroy(&out);
	return rc;
}

/* Apply the recipe's patches to the tree (see source.h for the rules). */
static int apply_patches(const struct bpo_recipe *r, const struct bpo_fetched *f,
			 const char *tree, bool quilt, struct bpo_source_result *res,
			 struct bpo_error *err)
{
	int ret = -1;
	size_t n = r->n_patches;
	struct bpo_patch **ps = NULL, **direct = NULL;
	char **texts = NULL;
	bool *up = NULL;
	size_t n_direct = 0, loaded = 0;
	struct bpo_patch_report rep;

	bpo_patch_report_init(&rep);
	if (n == 0)
		return 0;
	ps = bpo_xcalloc(n, sizeof(*ps));
	direct = bpo_xcalloc(n, sizeof(*direct));
	texts = bpo_xcalloc(n, sizeof(*texts));
	up = bpo_xcalloc(n, sizeof(*up));
	res->patches = bpo_xcalloc(n, sizeof(*res->patches));
	for (size_t i = 0; i < n; i++) {
		const char *path = f->patch_paths ? f->patch_paths[i] : NULL;
		const char *name = r->patches[i].name;
		const char *eu = NULL, *ed = NULL;
		if (!path) {
			bpo_error_set(err, BPO_E_FAIL, "patch %zu (%s) was not fetched", i + 1, name);
			goto out;
		}
		ps[i] = bpo_xcalloc(1, sizeof(*ps[i]));
		if (bpo_patch_load(path, ps[i], err) < 0) {
			free(ps[i]);
			ps[i] = NULL;
			goto out;
		}
		loaded = i + 1;
		res->patches[i].name = bpo_xstrdup(name);
		res->patches[i].description = bpo_source_dep3_description(ps[i]->header);
		res->n_patches = i + 1;
		int sides = patch_sides(ps[i], &eu, &ed);
		if (quilt && sides == 3) {
			bpo_error_set(err, BPO_E_FAIL,
				      "%s:%u:%u: patch %s changes both upstream files (%s) and "
				      "debian/ (%s); for a 3.0 (quilt) source split it in two",
				      r->file, r->patches[i].line, r->patches[i].column, name, eu, ed);
			goto out;
		}
		up[i] = quilt && sides == 1;
		res->patches[i].in_series = up[i];
		if (!up[i])
			direct[n_direct++] = ps[i];
	}
	/* All or nothing: a dry run of the whole series that also refits it. */
	if (bpo_patch_refit(tree, ps, NULL, n, r->fuzz, texts, &rep, err) < 0) {
		bpo_error_prefix(err, "%s", r->file);
		if (err && err->kind == BPO_E_FAIL)
			bpo_error_class(err, "patch-conflict");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (!up[i])
			continue;
		char *rel = bpo_xasprintf("debian/patches/%s", r->patches[i].name);
		char *dst = bpo_path_join(tree, rel);
		int e = 0;
		if (!bpo_path_component_ok(r->patches[i].name))
			e = bpo_error_set(err, BPO_E_SYNTAX, "patch name '%s' is not a file name",
					  r->patches[i].name);
		else if (bpo_path_exists(dst))
			e = bpo_error_set(err, BPO_E_FAIL,
					  "%s already exists in the source package; rename the "
					  "recipe's patch", rel);
		free(rel);
		free(dst);
		if (e < 0)
			goto out;
	}
	if (n_direct > 0) {
		struct bpo_patch_opts po = {.fuzz = r->fuzz, .strip = -1};
		if (bpo_patch_apply_series(tree, direct, NULL, n_direct, &po, NULL, err) < 0) {
			if (err && err->kind == BPO_E_FAIL)
				bpo_error_class(err, "patch-conflict");
			goto out;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!up[i])
			continue;
		char *rel = bpo_xasprintf("debian/patches/%s", r->patches[i].name);
		char *dst = bpo_path_join(tree, rel);
		char *dir = bpo_path_join(tree, "debian/patches");
		int e = bpo_mkdir_p(dir, 0755, err);
		if (e == 0)
			e = bpo_file_write_atomic(dst, texts[i], strlen(texts[i]), 0644, err);
		if (e == 0)
			e = series_append(tree, r->patches[i].name, err);
		if (e == 0)
			bpo_info("added %s (refitted to fuzz 0) to debian/patches/series", rel);
		free(rel);
		free(dst);
		free(dir);
		if (e < 0)
			goto out;
	}
	ret = 0;
out:
	for (size_t i = 0; i < loaded; i++) {
		if (ps[i])
			bpo_patch_destroy(ps[i]);
		free(ps[i]);
	}
	for (size_t i = 0; i < n; i++)
		free(texts[i]);
	free(texts);
	free(ps);
	free(direct);
	free(up);
	bpo_patch_report_destroy(&rep);
	return ret;
}

/* Make the source package (see source.h). */
int bpo_source_make(const struct bpo_recipe *r, const struct bpo_config *cfg,
		    const struct bpo_source_opts *o, struct bpo_source_result *res,
		    struct bpo_error *err)
{
	int ret = -1;
	struct bpo_fetched f;
	struct bpo_dsc dsc;
	struct found_list found = {0}, newer_found = {0};
	struct bpo_strv binaries = {0}, published = {0};
	struct bpo_policy_ref *older = NULL;
	size_t n_older = 0, n_older_cap = 0;
	char *work = NULL, *fetch_dir = NULL, *upstream = NULL, *tree_name = NULL;
	char *distribution = NULL, *maintainer = NULL, *changelog = NULL, *tmp = NULL;
	struct bpo_changelog_patch *clp = NULL;
	const char *since = NULL;
	bool tree_made = false;
	struct bpo_buf relaxed;
	char *relax_text = NULL;

	bpo_fetched_init(&f);
	bpo_dsc_init(&dsc);
	bpo_buf_init(&relaxed, 1u << 16);
	if (!o->dest || !*o->dest)
		return bpo_error_set(err, BPO_E_USAGE, "no destination directory");
	if (bpo_mkdir_p(o->dest, 0755, err) < 0)
		return -1;
	if (!(work = bpo_mkdtemp(o->dest, ".bpo-source", err)))
		goto out;
	fetch_dir = bpo_path_join(work, "fetched");

	/* 1. Fetch and verify. */
	if (bpo_fetch_recipe(r, cfg, fetch_dir, &f, err) < 0)
		goto out;
	if (bpo_dsc_load(&dsc, f.dsc_path, err) < 0)
		goto out;
	res->source = bpo_xstrdup(f.source);
	res->old_version = bpo_xstrdup(f.version);
	res->format = bpo_xstrdup(f.format ? f.format : "1.0");
	bool quilt = strcmp(res->format, "3.0 (quilt)") == 0;
	if (strcmp(res->format, "3.0 (quilt)") != 0 && strcmp(res->format, "3.0 (native)") != 0 &&
	    strcmp(res->format, "1.0") != 0) {
		bpo_error_set(err, BPO_E_FAIL, "%s: source format '%s' is not supported", f.dsc_path,
			      res->format);
		goto out;
	}

	/* 2. Version (before any work on the tree). */
	distribution = r->target.distribution ? bpo_xstrdup(r->target.distribution)
		       : bpo_xasprintf("%s-backports", r->target.release ? r->target.release : "");
	split_list(dsc.binary, &binaries);
	if (o->no_index_check) {
		bpo_warn("--no-index-check: the new version is not checked against %s",
			 r->target.release ? r->target.release : "the target release");
	} else {
		if (collect_target(r, cfg, o, distribution, f.source, &binaries, &found, err) < 0)
			goto out;
		/* -v: the highest source version of the release's own suites; when the
		 * distribution is the release itself (local fixes), of that suite. */
		const char *since_dist = NULL;
		n_older_cap = found.n + 1;
		older = bpo_xcalloc(n_older_cap, sizeof(*older));
		for (size_t i = 0; i < found.n; i++) {
			const struct found *fv = &found.v[i];
			bool in_dist = strcmp(fv->suite, distribution) == 0;
			const char **best = in_dist ? &since_dist : &since;
			older[n_older++] = (struct bpo_policy_ref){fv->version, fv->suite, fv->what};
			if (in_dist)
				bpo_strv_push(&published, fv->version);
			if (bpo_str_has_prefix(fv->what, "source ") &&
			    (!*best || bpo_version_compare_str(fv->version, *best) > 0))
				*best = fv->version;
		}
		if (!since)
			since = since_dist;
	}
	for (const char *const *pv = o->published; pv && *pv; pv++) {
		/* the publish target's own versions: the new one must be above them */
		BPO_GROW(older, n_older_cap, n_older + 1);
		older[n_older++] = (struct bpo_policy_ref){*pv, "the target repository", "source"};
		bpo_strv_push(&published, *pv);
	}
	{
		struct bpo_policy_in in = {
			.policy = r->target.policy,
			.version = f.version,
			.release_number = r->target.release_number,
			.local_suffix = r->target.local_suffix,
			.published = (const char *const *)published.v,
		};
		if (bpo_policy_version(&in, &res->version, err) < 0)
			goto out;
	}
	{
		/* Below the newer release: the highest version of the source in the
		 * suite it comes from (re-read from its verified, cached index; a
		 * pinned older V must stay below it), else V itself. */
		struct bpo_policy_ref newer = {f.version, r->source.suite ? r->source.suite
						: "the source's suite", NULL};
		tmp = bpo_xasprintf("source %s", f.source);
		newer.what = tmp;
		if (!o->no_index_check && r->target.policy == BPO_POLICY_BPO &&
		    r->source.kind == BPO_SOURCE_ARCHIVE && r->source.suite) {
			struct bpo_strv none = {0};
			if (query_suite(bpo_index_source_archive(r, cfg), r->source.suite,
					r->source.keyring ? r->source.keyring : cfg->keyring, cfg,
					r->source.component ? r->source.component : "main", "",
					f.source, &none, false, &newer_found, err) < 0)
				goto out;
			for (size_t i = 0; i < newer_found.n; i++)
				if (bpo_version_compare_str(newer_found.v[i].version,
							    newer.version) > 0)
					newer.version = newer_found.v[i].version;
		}
		size_t n_newer = r->target.policy == BPO_POLICY_BPO ? 1 : 0;
		if (bpo_policy_check(res->version, older, n_older, &newer, n_newer,
				     o->force_version, err) < 0) {
			if (err && err->kind == BPO_E_FAIL)
				bpo_error_class(err, "version");
			goto out;
		}
	}
	if (since)
		res->since = bpo_xstrdup(since);

	/* 3. Unpack next to the orig tarball(s). */
	upstream = upstream_of(f.version);
	tree_name = bpo_xasprintf("%s-%s", f.source, upstream);
	if (!bpo_path_component_ok(tree_name)) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: bad source name or version", f.dsc_path);
		goto out;
	}
	res->tree = bpo_path_join(o->dest, tree_name);
	if (bpo_path_exists(res->tree)) {
		bpo_error_set(err, BPO_E_FAIL, "%s already exists: remove it or use another --dest",
			      res->tree);
		goto out;
	}
	if (place_origs(&f, o->dest, res, err) < 0)
		goto out;
	/* As dpkg-source -x (with .pc/ for 3.0 (quilt)); bpo_fetch_recipe verified
	 * the signature, srcpkg checks every file's sha256 again. */
	{
		struct bpo_srcpkg_opts so;
		struct bpo_limits eff;
		bpo_srcpkg_opts_init(&so);
		bpo_limits_effective(&cfg->limits, &r->limits, &eff);
		bpo_limits_archive(&eff, &so.limits);
		if (bpo_srcpkg_unpack(f.dsc_path, res->tree, &so, err) < 0)
			goto out;
	}
	tree_made = true;

	/* 4. Patches, then build.relax on debian/control. */
	if (apply_patches(r, &f, res->tree, quilt, res, err) < 0)
		goto out;
	if (relax_build_depends(r, res->tree, f.source, &relaxed, err) < 0)
		goto out;

	/* 4b. The security fixes: the recipe's, then those the newer changelog names. */
	if (collect_fixes(r, f.version, res->tree, since, res, err) < 0)
		goto out;

	/* 5. Changelog. */
	{
		time_t now;
		if (bpo_changelog_maintainer(r->changelog.maintainer, cfg->maintainer_name,
					     cfg->maintainer_email, &maintainer, err) < 0)
			goto out;
		if (bpo_changelog_now(&now, err) < 0)
			goto out;
		clp = bpo_xcalloc(res->n_patches + 1, sizeof(*clp));
		for (size_t i = 0; i < res->n_patches; i++)
			clp[i] = (struct bpo_changelog_patch){res->patches[i].name,
							      res->patches[i].description,
							      res->patches[i].in_series};
		/* the relaxed relations are a bullet of their own (the recipe's
		   text has its default from recipe.c) */
		if (relaxed.len)
			relax_text = bpo_xasprintf("%s\nRelax the build dependencies for %s: %s.",
						   r->changelog.text ? r->changelog.text : "",
						   r->target.release, relaxed.data);
		struct bpo_changelog_entry e = {
			.source = f.source,
			.version = res->version,
			.distribution = distribution,
			.text = relax_text ? relax_text : r->changelog.text,
			.patches = clp,
			.n_patches = res->n_patches,
			.cves = (const char *const *)r->changelog.cves,
			.fixes = &res->fixes,
			.maintainer = maintainer,
			.date = now,
		};
		changelog = bpo_path_join(res->tree, "debian/changelog");
		if (bpo_changelog_prepend(changelog, &e, err) < 0)
			goto out;
	}

	/* 6. dpkg-source -b, then the orig tarball(s) must be what was fetched. */
	{
		const char *argv[] = {"dpkg-source", "-b", tree_name, NULL};
		if (run_tool(argv, o->dest, err) < 0)
			goto out;
		if (check_origs(&f, o->dest, err) < 0)
			goto out;
	}
	res->dsc = bpo_xasprintf("%s/%s_%s.dsc", o->dest, f.source, no_epoch(res->version));
	if (!bpo_path_exists(res->dsc)) {
		bpo_error_set(err, BPO_E_FAIL, "dpkg-source -b did not write %s", res->dsc);
		goto out;
	}

	/* 7. The source .changes, -v covering everything since the target release. */
	{
		/* a -v version the changelog has (dpkg warns about one it lacks) */
		char *cl_since = NULL;
		if (since) {
			char *clp_path = bpo_xasprintf("%s/debian/changelog", res->tree);
			struct bpo_buf cb;
			bpo_buf_init(&cb, BPO_MAX_CONTROL);
			if (bpo_file_read(clp_path, BPO_MAX_CONTROL, &cb, NULL) == 0)
				cl_since = bpo_changelog_since_version(cb.data, cb.len, since);
			bpo_buf_destroy(&cb);
			free(clp_path);
			if (!cl_since)
				/* every entry is newer: dpkg then covers them all (after
				   its warning), which no version of the changelog does */
				cl_since = bpo_xstrdup(since);
			else if (strcmp(cl_since, since) != 0)
				bpo_info("%s %s is not in the changelog: the .changes covers the "
					 "entries above %s", f.source, since, cl_since);
		}
		char *vopt = cl_since ? bpo_xasprintf("-v%s", cl_since) : NULL;
		free(cl_since);
		char *changes_name = bpo_xasprintf("%s_%s_source.changes", f.source,
						   no_epoch(res->version));
		char *oopt = bpo_xasprintf("-O../%s", changes_name);
		bool new_upstream = true;
		char *up_new = upstream_of(res->version);
		if (o->orig_by_published) {
			for (const char *const *pv = o->published; pv && *pv; pv++) {
				char *u = upstream_of(*pv);
				if (strcmp(u, up_new) == 0)
					new_upstream = false;
				free(u);
			}
		} else {
			for (size_t i = 0; i < published.n; i++) {
				char *u = upstream_of(published.v[i]);
				if (strcmp(u, up_new) == 0)
					new_upstream = false;
				free(u);
			}
		}
		const char *argv[6];
		size_t k = 0;
		argv[k++] = "dpkg-genchanges";
		argv[k++] = "-S";
		if (new_upstream)
			argv[k++] = "-sa";
		if (vopt)
			argv[k++] = vopt;
		argv[k++] = oopt;
		argv[k] = NULL;
		if (!since)
			bpo_warn("%s has no version of %s: the .changes has no -v",
				 r->target.release ? r->target.release : "the target release",
				 f.source);
		int e = run_tool(argv, res->tree, err);
		res->changes = bpo_path_join(o->dest, changes_name);
		free(vopt);
		free(oopt);
		free(changes_name);
		free(up_new);
		if (e < 0)
			goto out;
	}
	{
		struct bpo_dsc nd;
		bpo_dsc_init(&nd);
		if (bpo_dsc_load(&nd, res->dsc, err) < 0) {
			bpo_dsc_destroy(&nd);
			goto out;
		}
		for (size_t i = 0; i < nd.n_files; i++)
			bpo_strv_push(&res->files, nd.files[i].name);
		bpo_dsc_destroy(&nd);
	}
	ret = 0;
out:
	if (ret < 0 && tree_made) {
		/* Leave nothing half-made behind: the tree is ours (it did not exist). */
		struct bpo_error e2;
		bpo_error_init(&e2);
		if (bpo_rm_rf(res->tree, &e2) < 0)
			bpo_warn("%s", e2.msg);
	}
	if (work) {
		struct bpo_error e2;
		bpo_error_init(&e2);
		if (bpo_rm_rf(work, &e2) < 0)
			bpo_warn("%s", e2.msg);
	}
	free(work);
	free(fetch_dir);
	free(upstream);
	free(tree_name);
	free(distribution);
	free(maintainer);
	free(changelog);
	free(relax_text);
	bpo_buf_destroy(&relaxed);
	free(tmp);
	free(clp);
	free(older);
	found_destroy(&found);
	found_destroy(&newer_found);
	bpo_strv_destroy(&binaries);
	bpo_strv_destroy(&published);
	bpo_dsc_destroy(&dsc);
	bpo_fetched_destroy(&f);
	return ret;
}

/* The result as one JSON object (see source.h). */
int bpo_source_result_json(const struct bpo_source_result *res, struct bpo_buf *out,
			   struct bpo_error *err)
{
	if (bpo_buf_puts(out, "{" BPO_JSON_SV, err) < 0 ||
	    bpo_json_member(out, false, "source", res->source, err) < 0 ||
	    bpo_json_member(out, false, "old_version", res->old_version, err) < 0 ||
	    bpo_json_member(out, false, "version", res->version, err) < 0 ||
	    bpo_json_member(out, false, "since", res->since, err) < 0 ||
	    bpo_json_member(out, false, "format", res->format, err) < 0 ||
	    bpo_json_member(out, false, "tree", res->tree, err) < 0 ||
	    bpo_json_member(out, false, "dsc", res->dsc, err) < 0 ||
	    bpo_json_member(out, false, "changes", res->changes, err) < 0 ||
	    bpo_buf_puts(out, ",\"files\":[", err) < 0)
		return -1;
	for (size_t i = 0; i < res->files.n; i++)
		if ((i && bpo_buf_puts(out, ",", err) < 0) ||
		    bpo_json_str(out, res->files.v[i], err) < 0)
			return -1;
	if (bpo_buf_puts(out, "],\"orig\":[", err) < 0)
		return -1;
	for (size_t i = 0; i < res->orig_sha256.n; i++) {
		const char *s = res->orig_sha256.v[i];
		const char *sp = strchr(s, ' ');
		char *name = bpo_xstrndup(s, sp ? (size_t)(sp - s) : strlen(s));
		int r = bpo_buf_puts(out, i ? ",{" : "{", err);
		if (r == 0)
			r = bpo_json_member(out, true, "name", name, err);
		if (r == 0)
			r = bpo_json_member(out, false, "sha256", sp ? sp + 1 : "", err);
		if (r == 0)
			r = bpo_buf_puts(out, "}", err);
		free(name);
		if (r < 0)
			return -1;
	}
	if (bpo_buf_puts(out, "],\"patches\":[", err) < 0)
		return -1;
	for (size_t i = 0; i < res->n_patches; i++) {
		const struct bpo_source_patch *p = &res->patches[i];
		if (bpo_buf_puts(out, i ? ",{" : "{", err) < 0 ||
		    bpo_json_member(out, true, "name", p->name, err) < 0 ||
		    bpo_json_member(out, false, "description", p->description, err) < 0 ||
		    bpo_buf_printf(out, err, ",\"in_series\":%s}", p->in_series ? "true" : "false") < 0)
			return -1;
	}
	if (bpo_buf_puts(out, "],\"fixes\":", err) < 0 || bpo_fixes_json(&res->fixes, out, err) < 0)
		return -1;
	return bpo_buf_puts(out, "}\n", err);
}
