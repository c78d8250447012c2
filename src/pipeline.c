/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "pipeline.h"

#include <ctype.h>
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "chroot.h"
#include "deb822.h"
#include "depcheck.h"
#include "dsc.h"
#include "fixes.h"
#include "fsutil.h"
#include "hash.h"
#include "index.h"
#include "json.h"
#include "log.h"
#include "root.h"
#include "qa.h"
#include "repo.h"
#include "source.h"
#include "upload.h"
#include "version.h"

const char *bpo_stage_name(enum bpo_stage s)
{
	switch (s) {
	case BPO_STAGE_RESOLVE: return "resolve";
	case BPO_STAGE_SOURCE: return "source";
	case BPO_STAGE_DEPS: return "deps";
	case BPO_STAGE_BUILD: return "build";
	case BPO_STAGE_QA: return "qa";
	case BPO_STAGE_PUBLISH: return "publish";
	case BPO_STAGE_DONE: return "done";
	}
	return "?";
}

void bpo_resolved_init(struct bpo_resolved *res)
{
	memset(res, 0, sizeof(*res));
}

void bpo_resolved_destroy(struct bpo_resolved *res)
{
	if (!res)
		return;
	free(res->source);
	free(res->version);
	free(res->published_base);
	free(res->published_recipe);
	bpo_strv_destroy(&res->published_fixes);
	bpo_strv_destroy(&res->binaries);
	bpo_strv_destroy(&res->published);
	bpo_deps_destroy(&res->build_deps);
	memset(res, 0, sizeof(*res));
}


/* Split a comma-separated (possibly folded) Binary field. */
static void split_binaries(const char *field, struct bpo_strv *out)
{
	const char *p = field;
	while (p && *p) {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		size_t n = strcspn(p, ", \t\n");
		if (n)
			bpo_strv_push_owned(out, bpo_xstrndup(p, n));
		p += n;
	}
}

static int merge_build_deps(const char *bd, const char *bda, const char *bdi, const char *what,
			    struct bpo_deps *out, struct bpo_error *err)
{
	char *all = bpo_xasprintf("%s%s%s%s%s", bd ? bd : "", bd && (bda || bdi) ? ", " : "",
				  bda ? bda : "", bda && bdi ? ", " : "", bdi ? bdi : "");
	int rc = bpo_deps_parse(out, all, what, err);
	free(all);
	return rc;
}

char *bpo_pipeline_base_version(const struct bpo_recipe *r, const char *v)
{
	size_t len = strlen(v);

	if (r->target.policy == BPO_POLICY_BPO) {
		/* ...~bpoN+M */
		const char *t = strstr(v, "~bpo");
		while (t) {
			const char *p = t + 4;
			if (isdigit((unsigned char)*p)) {
				while (isdigit((unsigned char)*p))
					p++;
				if (*p == '+' && isdigit((unsigned char)p[1])) {
					p++;
					while (isdigit((unsigned char)*p))
						p++;
					if (*p == '\0')
						return bpo_xstrndup(v, (size_t)(t - v));
				}
			}
			t = strstr(t + 1, "~bpo");
		}
		return bpo_xstrdup(v);
	}
	/* local: the suffix without its trailing number, e.g. "+acme" of "+acme1" */
	const char *suffix = r->target.local_suffix ? r->target.local_suffix : "";
	size_t sl = strlen(suffix);
	while (sl > 0 && isdigit((unsigned char)suffix[sl - 1]))
		sl--;
	for (size_t i = len; sl > 0 && i-- > 0;) {
		if (i + sl <= len && strncmp(v + i, suffix, sl) == 0) {
			const char *p = v + i + sl;
			while (isdigit((unsigned char)*p))
				p++;
			if (*p == '\0')
				return bpo_xstrndup(v, i);
		}
	}
	return bpo_xstrdup(v);
}

int bpo_pipeline_repo_versions(const struct bpo_recipe *r, const char *repo,
			       const char *source, struct bpo_strv *out, struct bpo_error *err)
{
	struct bpo_strv fixes = {0};
	int rc = bpo_repo_published(repo, r->publish.suite ? r->publish.suite : r->target.distribution,
				r->publish.component ? r->publish.component : "main", source, out,
				&fixes, NULL, err);
	bpo_strv_destroy(&fixes);
	return rc;
}

static int resolve_archive(const struct bpo_recipe *r, const struct bpo_config *cfg,
			   struct bpo_resolved *res, struct bpo_error *err)
{
	struct bpo_release rel;
	struct bpo_deb822_para stanza;
	const char *archive = bpo_index_source_archive(r, cfg);
	const char *keyring = r->source.keyring ? r->source.keyring : cfg->keyring;
	int rc = -1;

	bpo_release_init(&rel);
	bpo_deb822_para_init(&stanza);
	if (!archive) {
		bpo_error_set(err, BPO_E_USAGE, "%s: no mirror configured for source.archive "
			      "\"mirror\" (set mirror in bpo.conf or $BPO_MIRROR)", r->file);
		goto out;
	}
	if (bpo_index_fetch_release(archive, r->source.suite, keyring, cfg, &rel, err) < 0 ||
	    bpo_index_find_source(&rel, r->source.component ? r->source.component : "main",
				  r->source.package, r->source.version, &stanza, err) < 0)
		goto out;
	res->source = bpo_xstrdup(r->source.package);
	res->version = bpo_xstrdup(bpo_deb822_get(&stanza, "Version"));
	split_binaries(bpo_deb822_get(&stanza, "Binary"), &res->binaries);
	rc = merge_build_deps(bpo_deb822_get(&stanza, "Build-Depends"),
			      bpo_deb822_get(&stanza, "Build-Depends-Arch"),
			      bpo_deb822_get(&stanza, "Build-Depends-Indep"), r->source.package,
			      &res->build_deps, err);
out:
	bpo_deb822_para_destroy(&stanza);
	bpo_release_destroy(&rel);
	return rc;
}

static int resolve_dsc(const struct bpo_recipe *r, const struct bpo_config *cfg,
		       struct bpo_resolved *res, struct bpo_error *err)
{
	struct bpo_fetched f;
	struct bpo_dsc d;
	char *dir = bpo_mkdtemp(NULL, "bpo-resolve", err);
	int rc = -1;

	if (!dir)
		return -1;
	bpo_fetched_init(&f);
	bpo_dsc_init(&d);
	char *dest = bpo_path_join(dir, "src");
	if (bpo_fetch_recipe(r, cfg, dest, &f, err) < 0 || bpo_dsc_load(&d, f.dsc_path, err) < 0)
		goto out;
	res->source = bpo_xstrdup(d.source);
	res->version = bpo_xstrdup(d.version);
	split_binaries(d.binary, &res->binaries);
	rc = merge_build_deps(d.build_depends, d.build_depends_arch, d.build_depends_indep,
			      d.source, &res->build_deps, err);
out:
	bpo_dsc_destroy(&d);
	bpo_fetched_destroy(&f);
	bpo_rm_rf(dir, NULL);
	free(dest);
	free(dir);
	return rc;
}

int bpo_pipeline_resolve(const struct bpo_recipe *r, const struct bpo_config *cfg,
			 const char *repo_override, struct bpo_resolved *res,
			 struct bpo_error *err)
{
	/* the recipe's Valid-Until override, for every index this run reads */
	struct bpo_config eff = *cfg;
	struct bpo_valid_until vu[BPO_VALID_UNTIL_MAX];
	bpo_index_recipe_valid_until(r, &eff, vu);
	cfg = &eff;
	const char *repo = repo_override ? repo_override : r->publish.repo;
	char *recorded = NULL;

	bpo_resolved_init(res);
	if ((r->source.kind == BPO_SOURCE_ARCHIVE ? resolve_archive(r, cfg, res, err)
						   : resolve_dsc(r, cfg, res, err)) < 0)
		goto fail;
	if (repo) {
		const char *suite = r->publish.suite ? r->publish.suite : r->target.distribution;
		const char *comp = r->publish.component ? r->publish.component : "main";
		if (bpo_repo_published(repo, suite, comp, res->source, &res->published,
				   &res->published_fixes, &recorded, err) < 0)
			goto fail;
	}
	if (bpo_recipe_digest(r, res->recipe_digest, err) < 0)
		goto fail;
	res->outdated = true;
	if (res->published.n > 0) {
		res->published_base = bpo_pipeline_base_version(r, res->published.v[0]);
		res->outdated = bpo_version_compare_str(res->published_base, res->version) < 0;
	}
	/* Bpo-Recipe: "VERSION sha256:HEX"; the same source version made from
	   another recipe (a patch added, changed, a build setting) is out of date */
	if (recorded) {
		const char *sp = strchr(recorded, ' ');
		const char *hex = sp && strncmp(sp + 1, "sha256:", 7) == 0 ? sp + 8 : NULL;
		if (hex && strlen(hex) == 64) {
			res->published_recipe = bpo_xstrdup(hex);
			if (!res->outdated && (size_t)(sp - recorded) == strlen(res->version) &&
			    strncmp(recorded, res->version, (size_t)(sp - recorded)) == 0 &&
			    strcmp(hex, res->recipe_digest) != 0)
				res->recipe_changed = res->outdated = true;
		}
		free(recorded);
	}
	return 0;
fail:
	free(recorded);
	bpo_resolved_destroy(res);
	return -1;
}

void bpo_pipeline_result_init(struct bpo_pipeline_result *res)
{
	memset(res, 0, sizeof(*res));
}

void bpo_pipeline_result_destroy(struct bpo_pipeline_result *res)
{
	if (!res)
		return;
	free(res->recipe);
	bpo_strv_destroy(&res->build_warnings);
	bpo_strv_destroy(&res->explain);
	if (res->deps) {
		bpo_depcheck_result_destroy(res->deps);
		free(res->deps);
	}
	free(res->source);
	free(res->upstream_version);
	free(res->version);
	free(res->work_dir);
	free(res->log_path);
	free(res->build_log);
	free(res->repo);
	free(res->suite);
	free(res->upload);
	free(res->error);
	free(res->qa_json);
	free(res->valid_until_json);
	free(res->deps_json);
	free(res->fixes_json);
	for (size_t i = 0; i < res->n_artifacts; i++)
		free(res->artifacts[i].path);
	free(res->artifacts);
	memset(res, 0, sizeof(*res));
}

static void add_artifact(struct bpo_pipeline_result *res, const char *path)
{
	size_t cap = res->n_artifacts;
	struct bpo_pipeline_artifact *a;
	BPO_GROW(res->artifacts, cap, res->n_artifacts + 1);
	a = &res->artifacts[res->n_artifacts++];
	char hex[BPO_HASH_HEX_MAX];
	a->path = bpo_xstrdup(path);
	a->sha256[0] = '\0';
	if (bpo_hash_file(path, BPO_HASH_SHA256, hex, NULL, NULL) == 0)
		snprintf(a->sha256, sizeof(a->sha256), "%.64s", hex);
}

/* The failure class of an error at stage (bpo(1) FAILURE CLASSES): the one
 * the failing code set, else by the stage and the error's kind. */
static const char *failure_class(enum bpo_stage stage, const struct bpo_error *err)
{
	static const char *const by_stage[BPO_STAGE_DONE] = {
		[BPO_STAGE_RESOLVE] = "fetch", [BPO_STAGE_SOURCE] = "source",
		[BPO_STAGE_DEPS] = "dep-wait", [BPO_STAGE_BUILD] = "ftbfs",
		[BPO_STAGE_QA] = "qa-setup", [BPO_STAGE_PUBLISH] = "publish"};
	if (bpo_chroot_interrupted())
		return "interrupted";
	if (stage == BPO_STAGE_SOURCE && err->kind != BPO_E_FAIL)
		return bpo_error_class_of(err, "fetch");
	return bpo_error_class_of(err, stage < BPO_STAGE_DONE ? by_stage[stage] : "publish");
}

/* The last n non-blank lines of the file at path, pushed to out. */
static void log_tail(const char *path, size_t n, struct bpo_strv *out)
{
	struct bpo_buf b;
	const char *start[BPO_EXPLAIN_LINES + 1];
	size_t len[BPO_EXPLAIN_LINES + 1], k = 0;

	if (n > BPO_EXPLAIN_LINES)
		n = BPO_EXPLAIN_LINES;
	bpo_buf_init(&b, 1u << 30);
	if (!path || bpo_file_read(path, 1u << 30, &b, NULL) < 0 || !b.data) {
		bpo_buf_destroy(&b);
		return;
	}
	/* backwards from the end: the last n lines with something on them */
	for (size_t e = b.len; e > 0 && k < n;) {
		size_t s = e;
		while (s > 0 && b.data[s - 1] != '\n')
			s--;
		size_t l = e - s;
		while (l && (b.data[s + l - 1] == '\r' || b.data[s + l - 1] == ' '))
			l--;
		if (l) {
			start[k] = b.data + s;
			len[k++] = l;
		}
		e = s ? s - 1 : 0;
	}
	while (k--)
		bpo_strv_push_owned(out, bpo_xstrndup(start[k], len[k]));
	bpo_buf_destroy(&b);
}

int bpo_pipeline_result_fail(struct bpo_pipeline_result *res, enum bpo_stage stage,
			     const struct bpo_error *err)
{
	res->stage = stage;
	if (!res->failure_class)
		res->failure_class = failure_class(stage, err);
	if (!res->explain.n) {
		/* the error's lines, and for a build the end of its log */
		const char *p = err->msg;
		while (*p) {
			size_t l = strcspn(p, "\n");
			if (l)
				bpo_strv_push_owned(&res->explain, bpo_xstrndup(p, l));
			p += l + (p[l] == '\n');
		}
		if (stage == BPO_STAGE_BUILD)
			log_tail(res->build_log, BPO_EXPLAIN_LINES, &res->explain);
	}
	/* the failed stage's time too, up to the failure */
	if (stage < BPO_STAGE_DONE && res->stage_start > 0 && res->seconds[stage] == 0)
		res->seconds[stage] = bpo_now_s() - res->stage_start;
	res->exit_code = bpo_error_exit_code(err);
	if (res->exit_code == 0)
		res->exit_code = BPO_EXIT_FAIL;
	free(res->error);
	res->error = bpo_xstrdup(err->msg);
	return res->exit_code;
}

/* Progress: one line per stage (a TTY shows it; otherwise the same line). */
static void progress(struct bpo_pipeline_result *res, enum bpo_stage stage)
{
	res->stage_start = bpo_now_s();
	bpo_info("[%s] %s ...", res->recipe, bpo_stage_name(stage));
}

/* The publish target: --repo, else the recipe's publish.repo, made absolute
 * (the build root sees it at the same path); owned, or NULL when none. */
static char *target_repo(const struct bpo_recipe *r, const struct bpo_pipeline_opts *o)
{
	const char *repo = o->repo ? o->repo : r->publish.repo;
	char cwd[4096];

	if (!repo)
		return NULL;
	if (repo[0] != '/' && getcwd(cwd, sizeof(cwd)))
		return bpo_path_join(cwd, repo);
	return bpo_xstrdup(repo);
}

/* The apt sources of a build and its checks: the recipe's extra sources, and
 * the target repository (a file: source) once it has the suite. Returns
 * whether the repository was added. */
static bool extra_sources(const struct bpo_recipe *r, const struct bpo_config *cfg,
			  const char *repo, const char *suite, const char *comp,
			  struct bpo_strv *extra)
{
	bool added = false;
	for (size_t i = 0; i < r->build.n_extra_sources; i++) {
		const struct bpo_recipe_apt_source *s = &r->build.extra_sources[i];
		/* uri: mirror is the configured mirror, with bpo.conf's keyring by default */
		bool mirror = strcmp(s->uri, "mirror") == 0;
		const char *uri = mirror ? cfg->mirror : s->uri;
		const char *key = s->keyring ? s->keyring : cfg->keyring;
		struct bpo_buf line;
		if (!uri || !key) {
			bpo_warn("%s: build.extra-sources: %s has no %s configured: source %s "
				 "left out", r->file, s->uri, !uri ? "mirror" : "keyring", s->suite);
			continue;
		}
		bpo_buf_init(&line, 8192);
		bpo_buf_printf(&line, NULL, "deb [signed-by=%s] %s %s", key, uri, s->suite);
		for (char **c = s->components; c && *c; c++)
			bpo_buf_printf(&line, NULL, " %s", *c);
		bpo_strv_push_owned(extra, bpo_buf_steal(&line, NULL));
	}
	if (repo) {
		char *line = bpo_repo_apt_line(repo, suite, comp);
		if (line) {
			bpo_strv_push_owned(extra, line);
			added = true;
		}
	}
	return added;
}

/* The checks on the build (qa.h): policies from the recipe, else bpo.conf,
 * else qa.h's defaults; the regression diff against the recipe's source suite
 * when it is an archive. 0 when they ran (res->qa_fatal says whether a fatal
 * one failed), -1 when they could not. */
static int run_qa(const struct bpo_recipe *r, const struct bpo_config *cfg,
		  const struct bpo_pipeline_opts *o, const char *changes,
		  const struct bpo_strv *extra, const char *bind_dir,
		  struct bpo_pipeline_result *res, struct bpo_error *err)
{
	struct bpo_qa_opts qo;
	struct bpo_qa_report rep;
	struct bpo_buf out;
	const char *binds[1] = {bind_dir};
	int rc = -1;

	memset(&qo, 0, sizeof(qo));
	qo.changes_path = changes;
	qo.release = r->target.release;
	qo.arch = r->build.arch;
	qo.extra_sources = (const char *const *)extra->v;
	qo.n_extra = extra->n;
	qo.bind_dirs = binds;
	qo.n_bind = bind_dir ? 1 : 0;
	qo.verbose = o->verbose;
	qo.relaxed = r->build.n_relax > 0;
	for (int c = 0; c < BPO_QA_N; c++) {
		const char *p = r->qa[c] ? r->qa[c] : cfg->qa[c];
		qo.policy[c] = BPO_QA_POLICY_DEFAULT;
		if (o->no_qa)
			qo.policy[c] = BPO_QA_POLICY_SKIP;
		else if (p && bpo_qa_policy_parse(p, &qo.policy[c]) < 0)
			return bpo_error_set(err, BPO_E_USAGE, "%s: qa.%s: expected fail, warn or "
					     "skip, got \"%s\"", r->file,
					     bpo_qa_check_name((enum bpo_qa_check)c), p);
	}
	if (r->newer.archive) {
		/* qa.newer-* of the recipe (or --newer-* of the command line) */
		qo.newer_url = strcmp(r->newer.archive, "mirror") == 0 ? cfg->mirror
								       : r->newer.archive;
		qo.newer_suite = r->newer.suite;
		qo.newer_keyring = r->newer.keyring ? r->newer.keyring : cfg->keyring;
	} else if (r->source.kind == BPO_SOURCE_ARCHIVE && r->source.suite) {
		qo.newer_url = bpo_index_source_archive(r, cfg);
		qo.newer_suite = r->source.suite;
		qo.newer_keyring = r->source.keyring ? r->source.keyring : cfg->keyring;
	}
	bpo_qa_report_init(&rep);
	bpo_buf_init(&out, 1u << 24);
	if (bpo_qa_run(cfg, &qo, &rep, err) < 0)
		goto out;
	bpo_qa_report_text(&rep, &out);
	if (out.len)
		bpo_info("%.*s", (int)(out.len && out.data[out.len - 1] == '\n' ? out.len - 1 : out.len),
			 out.data);
	out.len = 0;
	if (bpo_qa_report_json(&rep, &out, err) < 0)
		goto out;
	res->qa_json = bpo_xstrndup(out.data ? out.data : "null", out.data ? out.len : 4);
	res->qa_fatal = bpo_qa_report_fatal(&rep) != 0;
	/* the class and the lines of the first check that stops the publish */
	for (int c = 0; res->qa_fatal && !res->failure_class && c < BPO_QA_N; c++) {
		static const char *const cls[BPO_QA_N] = {"qa-install", "qa-upgrade", "lintian",
							  "qa-test", "regression"};
		const struct bpo_qa_result *q = &rep.r[c];
		if (q->policy != BPO_QA_POLICY_FAIL ||
		    (q->status != BPO_QA_FAILED && q->status != BPO_QA_ERROR))
			continue;
		res->failure_class = cls[c];
		if (q->summary)
			bpo_strv_push_owned(&res->explain, bpo_xasprintf("%s: %s",
					    bpo_qa_check_name((enum bpo_qa_check)c), q->summary));
		for (size_t i = 0; i < q->n_items && i < BPO_EXPLAIN_LINES; i++)
			if (!q->items[i].info)
				bpo_strv_push_owned(&res->explain, bpo_xasprintf(
					"%s %s: %s", q->items[i].name ? q->items[i].name : "",
					q->items[i].what ? q->items[i].what : "",
					q->items[i].message ? q->items[i].message : ""));
	}
	rc = 0;
out:
	bpo_buf_destroy(&out);
	bpo_qa_report_free(&rep);
	return rc;
}

/* The recipe's build profiles, comma-separated (owned), or NULL. */
static char *profiles_csv(const struct bpo_recipe *r)
{
	struct bpo_buf pb;
	if (!r->build.profiles || !r->build.profiles[0])
		return NULL;
	bpo_buf_init(&pb, 4096);
	for (char **p = r->build.profiles; *p; p++)
		bpo_buf_printf(&pb, NULL, "%s%s", p == r->build.profiles ? "" : ",", *p);
	return bpo_buf_steal(&pb, NULL);
}

/* The deps stage: dose-builddebcheck on the source package's build
 * dependencies against the suites of the build root's apt (the release's
 * lines of its chroot config, then the extra lines). Unsatisfiable: -1 with
 * res->failure_class "dep-wait" (exit 1), every relation explained. A check
 * that cannot run is a warning: apt in the root decides then. */
static int deps_stage(const struct bpo_recipe *r, const struct bpo_config *cfg, const char *dsc,
		      const struct bpo_strv *extra, struct bpo_pipeline_result *res,
		      struct bpo_error *err)
{
	struct bpo_chroot_conf conf;
	struct bpo_dsc d;
	struct bpo_depcheck_result dr;
	struct bpo_strv lines = {0};
	struct bpo_error e;
	struct bpo_buf j;
	char *base = NULL, *arch = NULL, *profiles = NULL;
	int rc = 0;
	bool decided = false;

	bpo_chroot_conf_init(&conf);
	bpo_dsc_init(&d);
	bpo_depcheck_result_init(&dr);
	bpo_error_init(&e);
	if (!cfg->mirror || bpo_chroot_conf_load(&conf, r->target.release, &e) < 0 ||
	    bpo_dsc_load(&d, dsc, &e) < 0 ||
	    !(arch = r->build.arch ? bpo_xstrdup(r->build.arch) : bpo_chroot_host_arch(&e))) {
		bpo_warn("[deps] the build-dependency check cannot run (%s): apt in the root "
			 "decides", cfg->mirror ? e.msg : "no mirror configured");
		goto out;
	}
	base = bpo_chroot_sources_list(&conf, cfg->mirror, cfg->security_mirror, cfg);
	for (const char *p = base; *p;) {
		size_t n = strcspn(p, "\n");
		if (n)
			bpo_strv_push_owned(&lines, bpo_xstrndup(p, n));
		p += n + (p[n] == '\n');
	}
	size_t n_base = lines.n;
	for (size_t i = 0; i < extra->n; i++)
		bpo_strv_push(&lines, extra->v[i]);
	profiles = profiles_csv(r);
	struct bpo_depcheck_opts dop = {
		.dsc = &d, .arch = arch, .profiles = profiles,
		.apt_lines = (const char *const *)lines.v, .n_lines = lines.n,
		.n_base_lines = n_base, .default_keyring = conf.keyring,
	};
	/* where a satisfying version lives: the target's backports suite on the
	   mirror when the build does not use it, the newer release (as qa's
	   regression compares with) */
	char *bpo_suite = bpo_xasprintf("%s-backports", conf.suite);
	char *enable = bpo_xasprintf("enable it: build.extra-sources: [{uri: mirror, suite: %s}]",
				     bpo_suite);
	bool uses_bpo = false;
	for (size_t i = 0; i < lines.n && !uses_bpo; i++) {
		char *want = bpo_xasprintf("%s %s ", cfg->mirror, bpo_suite);
		uses_bpo = strstr(lines.v[i], want) != NULL;
		free(want);
	}
	if (!uses_bpo)
		dop.hints[dop.n_hints++] = (struct bpo_depcheck_hint){cfg->mirror, bpo_suite,
								      cfg->keyring, enable, false};
	if (r->newer.archive)
		dop.hints[dop.n_hints++] = (struct bpo_depcheck_hint){
			strcmp(r->newer.archive, "mirror") == 0 ? cfg->mirror : r->newer.archive,
			r->newer.suite, r->newer.keyring ? r->newer.keyring : cfg->keyring,
			"backport it first, or relax the relation", true};
	else if (r->source.kind == BPO_SOURCE_ARCHIVE && r->source.suite)
		dop.hints[dop.n_hints++] = (struct bpo_depcheck_hint){
			bpo_index_source_archive(r, cfg), r->source.suite,
			r->source.keyring ? r->source.keyring : cfg->keyring,
			"backport it first, or relax the relation", true};
	int drc = bpo_depcheck_run(cfg, &dop, &dr, &e);
	free(bpo_suite);
	free(enable);
	if (drc < 0) {
		bpo_warn("[deps] the build-dependency check cannot run: %s; apt in the root "
			 "decides", e.msg);
		goto out;
	}
	bpo_buf_init(&j, 1u << 20);
	bpo_depcheck_json(&dr, &j);
	free(res->deps_json);
	res->deps_json = bpo_buf_steal(&j, NULL);
	bpo_buf_destroy(&j);
	decided = true;
	if (dr.satisfiable) {
		bpo_info("[deps] %s %s: build dependencies satisfiable for %s from %zu suite(s) "
			 "(dose-builddebcheck, %.1f s)", d.source, d.version, r->target.release,
			 dr.suites.n, dr.seconds);
		for (size_t i = 0; i < dr.n_pins; i++)
			bpo_info("[deps] %s: %s cannot satisfy it; %s has %s %s: pinned",
				 dr.pins[i].relation, r->target.release, dr.pins[i].suite,
				 dr.pins[i].package, dr.pins[i].version);
		if (!dr.pins_decided && extra->n)
			bpo_verbose("[deps] the pins of the extra suites were not decided: apt's "
				    "simulation decides");
		goto out;
	}
	for (size_t i = 0; i < dr.n_unmet; i++)
		bpo_error("[deps] %s", dr.unmet[i].explanation);
	res->failure_class = "dep-wait";
	rc = bpo_error_set(err, BPO_E_FAIL, "dep-wait: %zu build dependenc%s of %s %s cannot be "
			   "satisfied for %s from its suites (listed above; bpo deps explains)",
			   dr.n_unmet, dr.n_unmet == 1 ? "y" : "ies", d.source, d.version,
			   r->target.release);
out:
	if (decided) {
		/* the caller's: the pins go on to the build, the unmet to a plan */
		if (res->deps)
			bpo_depcheck_result_destroy(res->deps);
		else
			res->deps = bpo_xmalloc(sizeof(*res->deps));
		*res->deps = dr;
	} else {
		bpo_depcheck_result_destroy(&dr);
	}
	bpo_chroot_conf_destroy(&conf);
	bpo_dsc_destroy(&d);
	bpo_strv_destroy(&lines);
	free(base);
	free(arch);
	free(profiles);
	return rc;
}

void bpo_pipeline_build_warnings(const char *log, struct bpo_strv *out)
{
	static const char subst[] = "substitution variable ${", subst_end[] = "} used, but is not defined";
	static const char feat[] = " feature in ", feat_mid[] = " variable: ";
	for (const char *l = log ? log : ""; *l;) {
		size_t n = strcspn(l, "\n");
		char *line = bpo_xstrndup(l, n), *w = NULL, *a, *b;
		l += n + (l[n] == '\n');
		if ((a = strstr(line, subst)) && (b = strstr(a, subst_end))) {
			/* "dpkg-gencontrol: warning: package foo: substitution ..." */
			char *pkg = strstr(line, "package ");
			size_t pl = pkg && pkg < a ? strcspn(pkg + 8, ":") : 0;
			w = bpo_xasprintf("undefined substitution variable ${%.*s}%s%.*s (dpkg-gencontrol: "
					  "an empty field in the package)",
					  (int)(b - a - (int)strlen(subst)), a + strlen(subst),
					  pl ? " in package " : "", (int)pl, pl ? pkg + 8 : "");
		} else if ((a = strstr(line, "unknown ")) && (b = strstr(a, feat)) &&
			   strstr(b, feat_mid)) {
			/* "dpkg-buildflags: warning: unknown hardening feature in
			   DEB_BUILD_MAINT_OPTIONS variable: foo" */
			w = bpo_xasprintf("%s (the release's dpkg-buildflags ignores it)", a);
		}
		if (w) {
			bool dup = false;
			for (size_t i = 0; i < out->n && !dup; i++)
				dup = strcmp(out->v[i], w) == 0;
			if (dup || out->n >= 100)
				free(w);
			else
				bpo_strv_push_owned(out, w);
		}
		free(line);
	}
}

/* The record of the build: which expired suites an override let through
 * (res->valid_until_json); the mirror is named "mirror". */
static void record_valid_until(const struct bpo_config *cfg, struct bpo_pipeline_result *res)
{
	struct bpo_buf b;
	size_t n = 0;
	bpo_buf_init(&b, 1u << 16);
	bpo_buf_puts(&b, "[", NULL);
	for (size_t i = 0; i < cfg->n_valid_until; i++) {
		const struct bpo_valid_until *vu = &cfg->valid_until[i];
		char when[32];
		struct tm tm;
		if (!vu->expired)
			continue;
		gmtime_r(&vu->expired, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		bpo_buf_puts(&b, n++ ? ",{\"archive\":" : "{\"archive\":", NULL);
		bpo_json_str(&b, cfg->mirror && strcmp(vu->archive, cfg->mirror) == 0 ? "mirror"
											: vu->archive,
			     NULL);
		bpo_buf_puts(&b, ",\"suite\":", NULL);
		bpo_json_str(&b, vu->used_suite, NULL);
		bpo_buf_printf(&b, NULL, ",\"valid_until\":\"%s\",\"accepted_by\":", when);
		bpo_json_str(&b, vu->origin, NULL);
		bpo_buf_puts(&b, "}", NULL);
	}
	bpo_buf_puts(&b, "]", NULL);
	free(res->valid_until_json);
	res->valid_until_json = n ? bpo_buf_steal(&b, NULL) : NULL;
	bpo_buf_destroy(&b);
}

/* A recipe's work directory: --work-dir, else WORKDIR/RECIPE/SOURCE_VERSION
 * (two recipes of one source version never share one). */
static char *recipe_work_dir(const struct bpo_recipe *r, const struct bpo_config *cfg,
			     const struct bpo_pipeline_opts *o, const char *source,
			     const char *version)
{
	if (o->work_dir)
		return bpo_xstrdup(o->work_dir);
	return bpo_xasprintf("%s/%s/%s_%s", cfg->work_dir, r->name, source, version);
}

/* Lock WORK/.lock for this run (flock, held until the fd closes): a second
 * bpo on the same recipe and version waits, so `run --jobs` and `make -j`
 * never work in one directory at once. -1 on error. */
static int lock_work(const char *work, struct bpo_error *err)
{
	char *path = bpo_path_join(work, ".lock");
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		bpo_error_set(err, BPO_E_IO, "%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		bpo_info("waiting for %s: another bpo works in %s", path, work);
		while (flock(fd, LOCK_EX) < 0) {
			if (errno == EINTR && !bpo_chroot_interrupted())
				continue;
			bpo_error_set(err, BPO_E_IO, "%s: flock: %s", path, strerror(errno));
			close(fd);
			free(path);
			return -1;
		}
	}
	free(path);
	return fd;
}

int bpo_pipeline_build(const struct bpo_recipe *r, const struct bpo_config *cfg,
		       const struct bpo_pipeline_opts *o, struct bpo_pipeline_result *res)
{
	/* the recipe's Valid-Until override, for every index this run reads */
	struct bpo_config eff = *cfg;
	struct bpo_valid_until vu[BPO_VALID_UNTIL_MAX];
	bpo_index_recipe_valid_until(r, &eff, vu);
	cfg = &eff;
	struct bpo_error err;
	struct bpo_resolved rv;
	struct bpo_source_result src;
	struct bpo_build_result br;
	struct bpo_repo *repo_h = NULL;
	char *work = NULL, *src_dir = NULL, *result_dir = NULL;
	struct bpo_strv extra;
	double t;
	char *repo_abs = target_repo(r, o);
	const char *repo = repo_abs;
	const char *suite = r->publish.suite ? r->publish.suite : r->target.distribution;
	const char *comp = r->publish.component ? r->publish.component : "main";
	int log_fd = -1, work_lock = -1;
	bool repo_line = false;

	bpo_error_init(&err);
	bpo_resolved_init(&rv);
	bpo_source_result_init(&src);
	bpo_build_result_init(&br);
	memset(&extra, 0, sizeof(extra));
	res->recipe = bpo_xstrdup(r->file);
	/* an upload goes to a queue: the repository, when it is here, only
	   says what is published and is an apt source of the build */
	res->repo = repo && !o->no_publish && (!o->upload_dir || bpo_is_dir(repo))
			    ? bpo_xstrdup(repo) : NULL;
	res->suite = bpo_xstrdup(suite);

	/* resolve */
	progress(res, BPO_STAGE_RESOLVE);
	t = bpo_now_s();
	if (bpo_pipeline_resolve(r, cfg, o->no_publish ? NULL : repo, &rv, &err) < 0) {
		bpo_pipeline_result_fail(res, BPO_STAGE_RESOLVE, &err);
		goto out;
	}
	res->seconds[BPO_STAGE_RESOLVE] = bpo_now_s() - t;
	res->source = bpo_xstrdup(rv.source);
	res->upstream_version = bpo_xstrdup(rv.version);
	work = recipe_work_dir(r, cfg, o, rv.source, rv.version);
	res->work_dir = bpo_xstrdup(work);
	if (bpo_mkdir_p(work, 0755, &err) < 0 || (work_lock = lock_work(work, &err)) < 0) {
		bpo_pipeline_result_fail(res, BPO_STAGE_RESOLVE, &err);
		goto out;
	}
	/* WORK/bpo.log: every message of this build (the build's own log is
	 * WORK/result/SOURCE_VERSION_ARCH.build) */
	res->log_path = bpo_path_join(work, "bpo.log");
	log_fd = open(res->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (log_fd >= 0) {
		dprintf(log_fd, "bpo: %s: %s %s, resolved in %.2f s\n", r->file, rv.source,
			rv.version, res->seconds[BPO_STAGE_RESOLVE]);
		/* what resolve warned before the log existed */
		for (size_t i = 0; i < cfg->n_valid_until; i++)
			if (cfg->valid_until[i].expired)
				dprintf(log_fd, "bpo: warning: %s\n", cfg->valid_until[i].warning);
		bpo_log_set_copy_fd(log_fd);
	}
	if (res->repo && rv.recipe_changed)
		bpo_info("%s: recipe changed since %s was published: building the next version",
			 r->file, rv.published.v[0]);
	if (res->repo && !rv.outdated && !o->rebuild && !o->deps_only) {
		res->skipped = true;
		res->version = bpo_xstrdup(rv.published.v[0]);
		res->stage = BPO_STAGE_DONE;
		bpo_info("%s %s is already published in %s (%s) as %s: nothing to do "
			 "(--rebuild builds it again)", rv.source, rv.version, repo, suite,
			 rv.published.v[0]);
		goto out;
	}

	/* source: a fresh directory each time, so a re-run never mixes old files in */
	progress(res, BPO_STAGE_SOURCE);
	t = bpo_now_s();
	src_dir = bpo_path_join(work, "source");
	result_dir = bpo_path_join(work, "result");
	if (bpo_rm_rf(src_dir, &err) < 0 || bpo_rm_rf(result_dir, &err) < 0) {
		bpo_pipeline_result_fail(res, BPO_STAGE_SOURCE, &err);
		goto out;
	}
	struct bpo_source_opts so = {
		.dest = src_dir,
		.force_version = o->force_version,
		.no_index_check = o->no_index_check,
		.target_archive = o->target_archive,
		.target_keyring = o->target_keyring,
		.target_suites = o->target_suites,
		.arch = r->build.arch,
		.published = (const char *const *)rv.published.v,
		.orig_by_published = res->repo != NULL,
	};
	if (bpo_source_make(r, cfg, &so, &src, &err) < 0) {
		bpo_pipeline_result_fail(res, BPO_STAGE_SOURCE, &err);
		goto out;
	}
	res->seconds[BPO_STAGE_SOURCE] = bpo_now_s() - t;
	res->version = bpo_xstrdup(src.version);
	add_artifact(res, src.dsc);
	{
		struct bpo_buf fb;
		bpo_buf_init(&fb, 1u << 24);
		if (bpo_fixes_json(&src.fixes, &fb, NULL) == 0)
			res->fixes_json = bpo_buf_steal(&fb, NULL);
		bpo_buf_destroy(&fb);
	}

	/* deps: can the build dependencies be satisfied, from the suites the
	   build will use? (the target repository, when there is one, is an
	   extra apt source) */
	progress(res, BPO_STAGE_DEPS);
	t = bpo_now_s();
	repo_line = extra_sources(r, cfg, res->repo ? repo : NULL, suite, comp, &extra);
	if (deps_stage(r, cfg, src.dsc, &extra, res, &err) < 0) {
		bpo_pipeline_result_fail(res, BPO_STAGE_DEPS, &err);
		goto out;
	}
	res->seconds[BPO_STAGE_DEPS] = bpo_now_s() - t;
	/* the indices resolve, source and deps read are not needed by the build */
	bpo_index_forget();
	if (o->deps_only) {
		res->stage = BPO_STAGE_DONE;
		res->exit_code = BPO_EXIT_OK;
		goto out;
	}

	/* build */
	progress(res, BPO_STAGE_BUILD);
	t = bpo_now_s();
	char *profiles = profiles_csv(r);
	struct bpo_build_opts bo = {
		.dsc = src.dsc,
		.release = r->target.release,
		.arch = r->build.arch,
		.result_dir = result_dir,
		.profiles = profiles,
		.timeout = r->build.timeout,
		.type = BPO_BUILD_BINARY,
		.extra_sources = (const char *const *)extra.v,
		.n_extra_sources = extra.n,
		.extra_packages = (const char *const *)r->build.extra_packages,
		.verbose = o->verbose,
	};
	size_t n_pins = res->deps ? res->deps->n_pins : 0;
	struct bpo_build_pin *pins = bpo_xcalloc(n_pins + 1, sizeof(*pins));
	for (size_t i = 0; i < n_pins; i++) {
		const struct bpo_depcheck_pin *dp = &res->deps->pins[i];
		pins[i] = (struct bpo_build_pin){dp->package, dp->version, dp->suite, dp->relation};
	}
	bo.pins = pins;
	bo.n_pins = n_pins;
	int brc = bpo_build_run(cfg, &bo, &br, &err);
	free(pins);
	free(profiles);
	if (br.log_path) {
		free(res->build_log);
		res->build_log = bpo_xstrdup(br.log_path);
	}
	if (brc < 0) {
		bpo_pipeline_result_fail(res, BPO_STAGE_BUILD, &err);
		goto out;
	}
	res->seconds[BPO_STAGE_BUILD] = bpo_now_s() - t;
	if (br.log_path) {
		struct bpo_buf lb;
		bpo_buf_init(&lb, 1u << 30);
		if (bpo_file_read(br.log_path, 1u << 30, &lb, NULL) == 0 && lb.data)
			bpo_pipeline_build_warnings(lb.data, &res->build_warnings);
		bpo_buf_destroy(&lb);
		for (size_t i = 0; i < res->build_warnings.n; i++)
			bpo_warn("[build] %s%s", res->build_warnings.v[i],
				 r->build.n_relax ? "; the recipe relaxes build dependencies "
						    "(build.relax): check this one" : "");
	}
	for (size_t i = 0; i < br.n_artifacts; i++) {
		char *p = bpo_path_join(br.result_dir, br.artifacts[i].name);
		add_artifact(res, p);
		free(p);
	}

	/* qa: nothing is published unless every fatal check passed */
	progress(res, BPO_STAGE_QA);
	t = bpo_now_s();
	{
		char *changes = NULL;
		for (size_t i = 0; i < br.n_artifacts && !changes; i++)
			if (bpo_str_has_suffix(br.artifacts[i].name, ".changes"))
				changes = bpo_path_join(br.result_dir, br.artifacts[i].name);
		int qrc = changes ? run_qa(r, cfg, o, changes, &extra, repo_line ? repo : NULL,
					   res, &err)
				  : bpo_error_set(&err, BPO_E_FAIL, "the build left no .changes");
		free(changes);
		res->seconds[BPO_STAGE_QA] = bpo_now_s() - t;
		if (qrc < 0) {
			bpo_pipeline_result_fail(res, BPO_STAGE_QA, &err);
			goto out;
		}
		if (res->qa_fatal) {
			bpo_error_set(&err, BPO_E_FAIL, "a check whose policy is fail failed%s "
				      "(the report is above and in the result)",
				      res->repo ? ": nothing published" : "");
			bpo_pipeline_result_fail(res, BPO_STAGE_QA, &err);
			res->exit_code = BPO_EXIT_FAIL;
			goto out;
		}
	}

	/* publish, or upload to a queue: the binary and the source .changes */
	res->stage = BPO_STAGE_PUBLISH;
	struct bpo_strv changes = {0};
	for (size_t i = 0; i < br.n_artifacts; i++)
		if (bpo_str_has_suffix(br.artifacts[i].name, ".changes"))
			bpo_strv_push_owned(&changes, bpo_path_join(br.result_dir, br.artifacts[i].name));
	if (src.changes)
		bpo_strv_push(&changes, src.changes);
	if (o->upload_dir) {
		progress(res, BPO_STAGE_PUBLISH);
		t = bpo_now_s();
		struct bpo_upload_opts uo = {
			.key = o->upload_key     ? o->upload_key
			       : r->publish.key ? r->publish.key
						: cfg->sign_key,
			.gnupghome = o->upload_gnupghome,
		};
		int urc = bpo_upload_make(changes.v, changes.n, &uo, o->upload_dir, &res->upload,
					  &err);
		if (urc < 0) {
			bpo_strv_destroy(&changes);
			bpo_pipeline_result_fail(res, BPO_STAGE_PUBLISH, &err);
			goto out;
		}
		res->seconds[BPO_STAGE_PUBLISH] = bpo_now_s() - t;
	} else if (res->repo) {
		progress(res, BPO_STAGE_PUBLISH);
		t = bpo_now_s();
		int prc = bpo_repo_open(&repo_h, repo, true, BPO_REPO_LOCK_TIMEOUT, &err);
		if (prc == 0)
			prc = bpo_repo_publish(repo_h, changes.v, changes.n, suite, comp, -1, &err);
		if (prc < 0) {
			bpo_strv_destroy(&changes);
			bpo_pipeline_result_fail(res, BPO_STAGE_PUBLISH, &err);
			goto out;
		}
		res->seconds[BPO_STAGE_PUBLISH] = bpo_now_s() - t;
	}
	bpo_strv_destroy(&changes);
	res->stage = BPO_STAGE_DONE;
	res->exit_code = BPO_EXIT_OK;
out:
	record_valid_until(&eff, res);
	if (res->error && log_fd >= 0)
		dprintf(log_fd, "bpo: error: %s failed: %s\n", bpo_stage_name(res->stage), res->error);
	bpo_log_set_copy_fd(-1);
	if (log_fd >= 0)
		close(log_fd);
	if (work_lock >= 0)
		close(work_lock);
	bpo_repo_close(repo_h);
	bpo_strv_destroy(&extra);
	free(repo_abs);
	free(src_dir);
	free(result_dir);
	free(work);
	bpo_build_result_destroy(&br);
	bpo_source_result_destroy(&src);
	bpo_resolved_destroy(&rv);
	return res->exit_code;
}

int bpo_pipeline_qa(const struct bpo_recipe *r, const struct bpo_config *cfg,
		    const struct bpo_pipeline_opts *o, struct bpo_pipeline_result *res)
{
	/* the recipe's Valid-Until override, for every index this run reads */
	struct bpo_config eff = *cfg;
	struct bpo_valid_until vu[BPO_VALID_UNTIL_MAX];
	bpo_index_recipe_valid_until(r, &eff, vu);
	cfg = &eff;
	struct bpo_error err;
	struct bpo_resolved rv;
	struct bpo_strv extra = {0};
	char *work = NULL, *result = NULL, *changes = NULL, *repo_abs = target_repo(r, o);
	const char *repo = repo_abs;
	const char *suite = r->publish.suite ? r->publish.suite : r->target.distribution;
	const char *comp = r->publish.component ? r->publish.component : "main";
	double t = bpo_now_s();

	bpo_error_init(&err);
	bpo_resolved_init(&rv);
	res->recipe = bpo_xstrdup(r->file);
	res->stage = BPO_STAGE_RESOLVE;
	if (bpo_pipeline_resolve(r, cfg, NULL, &rv, &err) < 0) {
		bpo_pipeline_result_fail(res, BPO_STAGE_RESOLVE, &err);
		goto out;
	}
	res->source = bpo_xstrdup(rv.source);
	res->upstream_version = bpo_xstrdup(rv.version);
	work = recipe_work_dir(r, cfg, o, rv.source, rv.version);
	res->work_dir = bpo_xstrdup(work);
	result = bpo_path_join(work, "result");
	DIR *d = opendir(result);
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL)
		if (bpo_str_has_suffix(de->d_name, ".changes") &&
		    !bpo_str_has_suffix(de->d_name, "_source.changes") && !changes)
			changes = bpo_path_join(result, de->d_name);
	if (d)
		closedir(d);
	if (!changes) {
		bpo_error_set(&err, BPO_E_NOTFOUND, "%s: no build of %s %s in %s (bpo build %s "
			      "makes it)", r->file, rv.source, rv.version, result, r->file);
		bpo_pipeline_result_fail(res, BPO_STAGE_QA, &err);
		goto out;
	}
	add_artifact(res, changes);
	extra_sources(r, cfg, repo, suite, comp, &extra);
	progress(res, BPO_STAGE_QA);
	if (run_qa(r, cfg, o, changes, &extra, repo, res, &err) < 0) {
		res->seconds[BPO_STAGE_QA] = bpo_now_s() - t;
		bpo_pipeline_result_fail(res, BPO_STAGE_QA, &err);
		goto out;
	}
	res->seconds[BPO_STAGE_QA] = bpo_now_s() - t;
	res->stage = BPO_STAGE_DONE;
	res->exit_code = res->qa_fatal ? BPO_EXIT_FAIL : BPO_EXIT_OK;
	if (res->qa_fatal) {
		res->stage = BPO_STAGE_QA;
		res->error = bpo_xstrdup("a check whose policy is fail failed");
	}
out:
	bpo_strv_destroy(&extra);
	bpo_resolved_destroy(&rv);
	free(work);
	free(result);
	free(changes);
	free(repo_abs);
	return res->exit_code;
}

int bpo_pipeline_result_json(const struct bpo_pipeline_result *res, struct bpo_buf *out,
			     struct bpo_error *err)
{
	struct bpo_buf *b = out;
#define S(key, val) (bpo_buf_puts(b, ",\"" key "\":", err) < 0 || bpo_json_str(b, (val), err) < 0)
	if (bpo_buf_printf(b, err, "{\"schema_version\":%d,\"recipe\":",
			   BPO_JSON_SCHEMA_VERSION) < 0 ||
	    bpo_json_str(b, res->recipe, err) < 0 ||
	    S("stage", bpo_stage_name(res->stage)) ||
	    bpo_buf_printf(b, err, ",\"exit\":%d,\"skipped\":%s", res->exit_code,
			   res->skipped ? "true" : "false") < 0 ||
	    S("source", res->source) || S("upstream_version", res->upstream_version) ||
	    S("version", res->version) || S("work_dir", res->work_dir) ||
	    S("log", res->log_path) || S("build_log", res->build_log) || S("repo", res->repo) || S("suite", res->suite) || S("upload", res->upload) ||
	    S("error", res->error) || bpo_buf_puts(b, ",\"seconds\":{", err) < 0)
		return -1;
#undef S
	for (int s = 0; s < BPO_STAGE_DONE; s++)
		if (bpo_buf_printf(b, err, "%s\"%s\":%.2f", s ? "," : "",
				   bpo_stage_name((enum bpo_stage)s), res->seconds[s]) < 0)
			return -1;
	if (bpo_buf_puts(b, "},\"qa\":", err) < 0 ||
	    bpo_buf_puts(b, res->qa_json ? res->qa_json : "null", err) < 0 ||
	    bpo_buf_puts(b, ",\"class\":", err) < 0 ||
	    bpo_json_str(b, res->failure_class, err) < 0 ||
	    bpo_buf_puts(b, ",\"explain\":[", err) < 0)
		return -1;
	for (size_t i = 0; i < res->explain.n; i++)
		if ((i && bpo_buf_puts(b, ",", err) < 0) ||
		    bpo_json_str(b, res->explain.v[i], err) < 0)
			return -1;
	if (bpo_buf_puts(b, "]", err) < 0 ||
	    bpo_buf_puts(b, ",\"deps\":", err) < 0 ||
	    bpo_buf_puts(b, res->deps_json ? res->deps_json : "null", err) < 0 ||
	    bpo_buf_puts(b, ",\"fixes\":", err) < 0 ||
	    bpo_buf_puts(b, res->fixes_json ? res->fixes_json : "null", err) < 0 ||
	    bpo_buf_puts(b, ",\"build_warnings\":[", err) < 0)
		return -1;
	for (size_t i = 0; i < res->build_warnings.n; i++)
		if ((i && bpo_buf_puts(b, ",", err) < 0) ||
		    bpo_json_str(b, res->build_warnings.v[i], err) < 0)
			return -1;
	if (bpo_buf_puts(b, "]", err) < 0 ||
	    bpo_buf_puts(b, ",\"valid_until_overrides\":", err) < 0 ||
	    bpo_buf_puts(b, res->valid_until_json ? res->valid_until_json : "[]", err) < 0 ||
	    bpo_buf_puts(b, ",\"artifacts\":[", err) < 0)
		return -1;
	for (size_t i = 0; i < res->n_artifacts; i++)
		if (bpo_buf_puts(b, i ? ",{\"path\":" : "{\"path\":", err) < 0 ||
		    bpo_json_str(b, res->artifacts[i].path, err) < 0 ||
		    bpo_buf_puts(b, ",\"sha256\":", err) < 0 ||
		    bpo_json_str(b, res->artifacts[i].sha256, err) < 0 ||
		    bpo_buf_puts(b, "}", err) < 0)
			return -1;
	return bpo_buf_puts(b, "]}", err);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int bpo_pipeline_collect(char *const *args, size_t n, struct bpo_strv *files,
			 struct bpo_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (!bpo_is_dir(args[i])) {
			if (!bpo_path_exists(args[i]))
				return bpo_error_set(err, BPO_E_USAGE, "%s: no such recipe file or "
						     "directory", args[i]);
			bpo_strv_push(files, args[i]);
			continue;
		}
		DIR *d = opendir(args[i]);
		struct dirent *de;
		size_t first = files->n;
		if (!d)
			return bpo_error_set(err, BPO_E_IO, "%s: cannot read directory", args[i]);
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.' || !(bpo_str_has_suffix(de->d_name, ".yaml") ||
						      bpo_str_has_suffix(de->d_name, ".yml")))
				continue;
			bpo_strv_push_owned(files, bpo_path_join(args[i], de->d_name));
		}
		closedir(d);
		qsort(files->v + first, files->n - first, sizeof(char *), cmp_str);
	}
	if (files->n == 0)
		return bpo_error_set(err, BPO_E_USAGE, "no recipes found in %s%s", n ? args[0] : "",
				     n > 1 ? " ..." : "");
	return 0;
}
