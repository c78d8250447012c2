/* SPDX-License-Identifier: GPL-2.0-or-later */
/* depplan: the closure of a backport's build dependencies (see depplan.h). */
#include "config.h"
#include "depplan.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "depcheck.h"
#include "fsutil.h"
#include "json.h"
#include "log.h"
#include "yamldoc.h"

/* the sources never proposed for an automatic backport */
static const char *const default_toolchain[] = {"dpkg", "gcc-*", "gcc-defaults", "glibc",
						"binutils"};

void bpo_depplan_result_init(struct bpo_depplan_result *res)
{
	memset(res, 0, sizeof(*res));
}

void bpo_depplan_result_destroy(struct bpo_depplan_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->n_nodes; i++) {
		free(res->nodes[i].source);
		free(res->nodes[i].version);
		free(res->nodes[i].recipe);
		free(res->nodes[i].relation);
	}
	free(res->nodes);
	for (size_t i = 0; i < res->n_issues; i++)
		free(res->issues[i].message);
	free(res->issues);
	memset(res, 0, sizeof(*res));
}

bool bpo_depplan_is_toolchain(const char *source, const char *const *more, size_t n_more)
{
	for (size_t i = 0; i < sizeof(default_toolchain) / sizeof(default_toolchain[0]); i++)
		if (fnmatch(default_toolchain[i], source, 0) == 0)
			return true;
	for (size_t i = 0; i < n_more; i++)
		if (more[i] && fnmatch(more[i], source, 0) == 0)
			return true;
	return false;
}

struct plan {
	struct bpo_depplan_result *res;
	size_t cap_nodes, cap_issues;
	size_t (*edges)[2];
	size_t n_edges, cap_edges;
};

static void issue(struct plan *p, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void issue(struct plan *p, const char *kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = bpo_xvasprintf(fmt, ap);
	va_end(ap);
	BPO_GROW(p->res->issues, p->cap_issues, p->res->n_issues + 1);
	p->res->issues[p->res->n_issues++] = (struct bpo_depplan_issue){kind, m};
	p->res->complete = false;
	bpo_warn("[plan] %s", m);
}

static void edge(struct plan *p, size_t from, size_t to)
{
	for (size_t i = 0; i < p->n_edges; i++)
		if (p->edges[i][0] == from && p->edges[i][1] == to)
			return;
	BPO_GROW(p->edges, p->cap_edges, p->n_edges + 1);
	p->edges[p->n_edges][0] = from;
	p->edges[p->n_edges][1] = to;
	p->n_edges++;
}

/* The recipe of a source to backport first: from the root's newer archive
 * and suite, for its release, with its extra sources. */
static int write_recipe(const struct bpo_recipe *root, const char *path, const char *source,
			const char *for_source, const char *relation, struct bpo_error *err)
{
	struct bpo_buf b;
	const char *archive, *suite, *keyring;
	bool own_archive = !root->newer.suite;

	if (own_archive) {
		archive = root->source.archive;
		suite = root->source.suite;
		keyring = root->source.keyring;
	} else {
		archive = root->newer.archive;
		suite = root->newer.suite;
		keyring = root->newer.keyring;
	}
	bpo_buf_init(&b, 1u << 20);
	bpo_buf_printf(&b, NULL, "# written by bpo deps --plan: backport %s first, for %s (%s)\n",
		       source, for_source, relation);
	bpo_buf_printf(&b, NULL, "source:\n  package: %s\n", source);
	if (archive) {
		bpo_buf_puts(&b, "  archive: ", NULL);
		bpo_yaml_quoted(&b, archive);
		bpo_buf_puts(&b, "\n", NULL);
	}
	bpo_buf_puts(&b, "  suite: ", NULL);
	bpo_yaml_quoted(&b, suite);
	bpo_buf_puts(&b, "\n", NULL);
	if (keyring) {
		bpo_buf_puts(&b, "  keyring: ", NULL);
		bpo_yaml_quoted(&b, keyring);
		bpo_buf_puts(&b, "\n", NULL);
	}
	if (own_archive && !root->source.check_valid_until)
		bpo_buf_puts(&b, "  check-valid-until: false\n", NULL);
	if (own_archive && root->source.max_valid_time)
		bpo_buf_printf(&b, NULL, "  max-valid-time: %u\n", root->source.max_valid_time);
	bpo_buf_printf(&b, NULL, "target:\n  release: %s\n", root->target.release);
	if (root->build.n_extra_sources)
		bpo_buf_puts(&b, "build:\n  extra-sources:\n", NULL);
	for (size_t i = 0; i < root->build.n_extra_sources; i++) {
		const struct bpo_recipe_apt_source *x = &root->build.extra_sources[i];
		bpo_buf_puts(&b, "    - uri: ", NULL);
		bpo_yaml_quoted(&b, x->uri);
		bpo_buf_puts(&b, "\n      suite: ", NULL);
		bpo_yaml_quoted(&b, x->suite);
		bpo_buf_puts(&b, "\n", NULL);
		if (x->components && x->components[0]) {
			bpo_buf_puts(&b, "      components: [", NULL);
			for (size_t k = 0; x->components[k]; k++) {
				if (k)
					bpo_buf_puts(&b, ", ", NULL);
				bpo_yaml_quoted(&b, x->components[k]);
			}
			bpo_buf_puts(&b, "]\n", NULL);
		}
		if (x->keyring) {
			bpo_buf_puts(&b, "      keyring: ", NULL);
			bpo_yaml_quoted(&b, x->keyring);
			bpo_buf_puts(&b, "\n", NULL);
		}
	}
	int rc = bpo_file_write_atomic(path, b.data, b.len, 0644, err);
	bpo_buf_destroy(&b);
	return rc;
}

static size_t find_node(const struct bpo_depplan_result *res, const char *source)
{
	for (size_t i = 0; i < res->n_nodes; i++)
		if (res->nodes[i].source && strcmp(res->nodes[i].source, source) == 0)
			return i;
	return (size_t)-1;
}

/* Every unmet relation of node i: covered by a new or known node, or an issue. */
static void expand(struct plan *p, const struct bpo_recipe *root, const struct bpo_depplan_opts *o,
		   size_t i, const struct bpo_depcheck_result *dr)
{
	unsigned max_depth = o->max_depth ? o->max_depth : BPO_DEPPLAN_MAX_DEPTH;
	for (size_t u = 0; u < dr->n_unmet; u++) {
		const struct bpo_depcheck_unmet *m = &dr->unmet[u];
		struct bpo_depplan_node *n = &p->res->nodes[i];
		int kb = -1, kn = -1;
		for (size_t k = 0; k < dr->n_hints && k < 2; k++) {
			if (!m->hint_version[k])
				continue;
			if (dr->hint_newer[k] && kn < 0)
				kn = (int)k;
			else if (!dr->hint_newer[k] && kb < 0)
				kb = (int)k;
		}
		if (strncmp(m->relation, "conflict: ", 10) == 0) {
			issue(p, "nowhere", "%s: %s: a build conflict; patch the source or relax it",
			      n->source, m->relation);
		} else if (kb >= 0) {
			issue(p, "enable", "%s: %s: %s has %s %s: enable it (build.extra-sources: "
			      "[{uri: mirror, suite: %s}])", n->source, m->relation,
			      dr->hint_suite[kb], m->hint_package[kb], m->hint_version[kb],
			      dr->hint_suite[kb]);
		} else if (kn < 0) {
			issue(p, "nowhere", "%s: %s: no suite has a satisfying version; relax it "
			      "(build.relax) or patch the source", n->source, m->relation);
		} else {
			const char *src = m->hint_source[kn];
			size_t j = find_node(p->res, src);
			if (bpo_depplan_is_toolchain(src, o->toolchain, o->n_toolchain)) {
				issue(p, "toolchain", "%s: %s: %s has %s from source %s, which is "
				      "toolchain: not backported automatically; relax the relation "
				      "(build.relax: [%s])", n->source, m->relation, dr->hint_suite[kn],
				      m->hint_version[kn], src, m->hint_package[kn]);
			} else if (j != (size_t)-1) {
				edge(p, i, j);
			} else if (n->depth + 1 > max_depth) {
				issue(p, "depth", "%s: %s: source %s would be %u levels deep (limit %u): "
				      "not planned", n->source, m->relation, src, n->depth + 1,
				      max_depth);
			} else {
				char *file = bpo_xasprintf("%s/%s.yaml", o->dir, src);
				struct bpo_error e;
				bpo_error_init(&e);
				if (write_recipe(root, file, src, n->source, m->relation, &e) < 0) {
					issue(p, "failed", "%s: %s", file, e.msg);
					free(file);
					continue;
				}
				bpo_info("[plan] %s: %s: backport %s %s from %s first: %s", n->source,
					 m->relation, src, m->hint_version[kn], dr->hint_suite[kn], file);
				BPO_GROW(p->res->nodes, p->cap_nodes, p->res->n_nodes + 1);
				n = &p->res->nodes[i];
				p->res->nodes[p->res->n_nodes++] = (struct bpo_depplan_node){
					.source = bpo_xstrdup(src), .recipe = file, .parent = i,
					.relation = bpo_xstrdup(m->relation), .depth = n->depth + 1};
				edge(p, i, p->res->n_nodes - 1);
			}
		}
	}
}

/* Whether `to` reaches `target` over the edges; the path in path[]. */
static bool reaches(const struct plan *p, size_t from, size_t target, bool *seen, size_t *path,
		    size_t *len)
{
	if (from == target)
		return true;
	if (seen[from])
		return false;
	seen[from] = true;
	for (size_t e = 0; e < p->n_edges; e++) {
		if (p->edges[e][0] != from)
			continue;
		path[(*len)++] = p->edges[e][1];
		if (reaches(p, p->edges[e][1], target, seen, path, len))
			return true;
		(*len)--;
	}
	return false;
}

/* Each cycle once: for an edge a -> b where b reaches a, reported from the
 * cycle's lowest node. */
static void cycles(struct plan *p)
{
	size_t n = p->res->n_nodes;
	struct bpo_strv reported = {0};
	for (size_t e = 0; e < p->n_edges; e++) {
		size_t a = p->edges[e][0], b = p->edges[e][1], len = 1;
		bool *seen = bpo_xcalloc(n, sizeof(bool));
		size_t *path = bpo_xcalloc(n + 1, sizeof(size_t));
		path[0] = b;
		if (reaches(p, b, a, seen, path, &len)) {
			/* the members, sorted, name the cycle */
			size_t lo = a;
			for (size_t k = 0; k < len; k++)
				lo = path[k] < lo ? path[k] : lo;
			struct bpo_buf key, msg;
			bpo_buf_init(&key, 1u << 16);
			bpo_buf_init(&msg, 1u << 16);
			bool *in = bpo_xcalloc(n, sizeof(bool));
			in[a] = true;
			for (size_t k = 0; k < len; k++)
				in[path[k]] = true;
			for (size_t k = 0; k < n; k++)
				if (in[k])
					bpo_buf_printf(&key, NULL, "%zu,", k);
			bool dup = false;
			for (size_t k = 0; k < reported.n && !dup; k++)
				dup = strcmp(reported.v[k], key.data) == 0;
			if (!dup && a == lo) {
				bpo_buf_printf(&msg, NULL, "%s", p->res->nodes[a].source);
				for (size_t k = 0; k < len; k++)
					bpo_buf_printf(&msg, NULL, " -> %s",
						       p->res->nodes[path[k]].source);
				issue(p, "cycle", "a cycle: %s (each needs the next to be built "
				      "first): break it by relaxing a relation (build.relax) or with "
				      "a build profile", msg.data);
				bpo_strv_push(&reported, key.data);
			}
			free(in);
			bpo_buf_destroy(&key);
			bpo_buf_destroy(&msg);
		}
		free(seen);
		free(path);
	}
	bpo_strv_destroy(&reported);
}

int bpo_depplan_run(const struct bpo_recipe *root, const struct bpo_config *cfg,
		    const struct bpo_depplan_opts *o, struct bpo_depplan_result *res,
		    struct bpo_error *err)
{
	struct plan p = {.res = res};
	int rc = -1;

	if (bpo_mkdir_p(o->dir, 0755, err) < 0)
		return -1;
	if (root->source.kind != BPO_SOURCE_ARCHIVE && !root->newer.suite)
		bpo_warn("[plan] %s names a .dsc: without qa.newer-archive/newer-suite there is "
			 "no newer release to take the build dependencies from", root->file);
	res->complete = true;
	BPO_GROW(res->nodes, p.cap_nodes, 1);
	res->nodes[res->n_nodes++] = (struct bpo_depplan_node){.recipe = bpo_xstrdup(root->file)};
	for (size_t i = 0; i < res->n_nodes; i++) {
		struct bpo_recipe loaded;
		const struct bpo_recipe *r = root;
		struct bpo_pipeline_result pr;
		struct bpo_pipeline_opts po = o->po;
		char *work = NULL;
		struct bpo_error e;

		bpo_error_init(&e);
		bpo_recipe_init(&loaded);
		bpo_pipeline_result_init(&pr);
		po.deps_only = true;
		if (i > 0) {
			if (bpo_recipe_load(&loaded, res->nodes[i].recipe, &e) < 0) {
				issue(&p, "failed", "%s", e.msg);
				goto next;
			}
			r = &loaded;
			if (o->po.work_dir)
				po.work_dir = work = bpo_xasprintf("%s/plan-%s", o->po.work_dir,
								   res->nodes[i].source);
		}
		bpo_info("[plan] checking %s", res->nodes[i].recipe);
		int prc = bpo_pipeline_build(r, cfg, &po, &pr);
		if (pr.source && !res->nodes[i].source)
			res->nodes[i].source = bpo_xstrdup(pr.source);
		if (pr.version)
			res->nodes[i].version = bpo_xstrdup(pr.version);
		if (prc != BPO_EXIT_OK && !pr.failure_class) {
			if (i == 0) {
				bpo_error_set(err, BPO_E_FAIL, "%s: %s failed: %s", root->file,
					      bpo_stage_name(pr.stage), pr.error ? pr.error : "?");
				bpo_pipeline_result_destroy(&pr);
				bpo_recipe_destroy(&loaded);
				goto out;
			}
			issue(&p, "failed", "%s: %s failed: %s", res->nodes[i].recipe,
			      bpo_stage_name(pr.stage), pr.error ? pr.error : "?");
		} else if (!pr.deps) {
			issue(&p, "failed", "%s: the build-dependency check could not run",
			      res->nodes[i].recipe);
		} else {
			res->nodes[i].satisfiable = pr.deps->satisfiable;
			if (!pr.deps->satisfiable)
				expand(&p, root, o, i, pr.deps);
		}
	next:
		free(work);
		bpo_pipeline_result_destroy(&pr);
		bpo_recipe_destroy(&loaded);
	}
	cycles(&p);
	rc = 0;
out:
	free(p.edges);
	return rc;
}

void bpo_depplan_json(const struct bpo_depplan_result *res, struct bpo_buf *out)
{
	bpo_buf_printf(out, NULL, "{" BPO_JSON_SV ",\"complete\":%s,\"recipes\":[", res->complete ? "true" : "false");
	for (size_t i = 0; i < res->n_nodes; i++) {
		const struct bpo_depplan_node *n = &res->nodes[i];
		bpo_buf_puts(out, i ? ",{\"source\":" : "{\"source\":", NULL);
		bpo_json_str(out, n->source, NULL);
		bpo_buf_puts(out, ",\"version\":", NULL);
		bpo_json_str(out, n->version, NULL);
		bpo_buf_puts(out, ",\"recipe\":", NULL);
		bpo_json_str(out, n->recipe, NULL);
		bpo_buf_puts(out, ",\"needed_by\":", NULL);
		bpo_json_str(out, i ? res->nodes[n->parent].source : NULL, NULL);
		bpo_buf_puts(out, ",\"relation\":", NULL);
		bpo_json_str(out, n->relation, NULL);
		bpo_buf_printf(out, NULL, ",\"depth\":%u,\"satisfiable\":%s}", n->depth,
			       n->satisfiable ? "true" : "false");
	}
	bpo_buf_puts(out, "],\"issues\":[", NULL);
	for (size_t i = 0; i < res->n_issues; i++) {
		bpo_buf_puts(out, i ? ",{\"kind\":" : "{\"kind\":", NULL);
		bpo_json_str(out, res->issues[i].kind, NULL);
		bpo_buf_puts(out, ",\"message\":", NULL);
		bpo_json_str(out, res->issues[i].message, NULL);
		bpo_buf_puts(out, "}", NULL);
	}
	bpo_buf_puts(out, "]}", NULL);
}
