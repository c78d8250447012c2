/* SPDX-License-Identifier: GPL-2.0-or-later */
/* osv: security data in the OSV format (see osv.h). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "fixes.h"
#include "fsutil.h"
#include "json.h"
#include "osv.h"
#include "recipe.h"
#include "version.h"

/* at most this much JSON per file (Debian's own records are a few kB) */
#define MAX_OSV_FILE (16u << 20)
#define MAX_DEPTH 6

char *bpo_osv_ecosystem(const char *suite)
{
	/* the release is the suite name up to its first '-' (bookworm-backports) */
	char *codename = bpo_xstrndup(suite, strcspn(suite, "-/"));
	unsigned n = bpo_recipe_release_number(codename);
	free(codename);
	return n ? bpo_xasprintf("Debian:%u", n) : bpo_xstrdup("Debian");
}

static void rfc3339(time_t t, char *out, size_t n)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ------------------------------------------------------------------ writing */

struct pair {
	const char *source, *vuln;
	struct bpo_strv versions; /* carrying it, ascending */
};

static int vcmp(const void *a, const void *b)
{
	return bpo_version_compare_str(*(char *const *)a, *(char *const *)b);
}

static int pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	int c = strcmp(x->source, y->source);
	return c ? c : strcmp(x->vuln, y->vuln);
}

/* The string member key of a JSON file's top object, or NULL (owned). */
static char *old_member(const char *text, size_t len, const char *key)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o = tok ? json_tokener_parse_ex(tok, text, (int)len) : NULL, *v;
	char *r = NULL;
	if (o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
		r = bpo_xstrdup(json_object_get_string(v));
	json_object_put(o);
	if (tok)
		json_tokener_free(tok);
	return r;
}

static void record_text(struct bpo_buf *b, const char *suite, const char *eco,
			const struct pair *p, const char *id, const char *published,
			const char *modified)
{
	const char *fixed = p->versions.v[0];
	char *purl = bpo_xasprintf("pkg:deb/debian/%s?arch=source", p->source);
	char *summary = bpo_xasprintf("%s fixed in %s %s (%s)", p->vuln, p->source, fixed, suite);
	char *details = bpo_xasprintf(
		"The backport %s %s published in the suite %s of this repository carries the "
		"fix for %s (recorded by bpo from the package's Bpo-Fixes field).",
		p->source, fixed, suite, p->vuln);

	char *up[] = {(char *)p->vuln};
	bpo_buf_printf(b, NULL, "{\n  \"schema_version\": \"%s\"", BPO_OSV_SCHEMA_VERSION);
	bpo_json_lit_str(b, ",\n  \"id\": ", id, NULL);
	bpo_json_lit_str(b, ",\n  \"modified\": ", modified, NULL);
	bpo_json_lit_str(b, ",\n  \"published\": ", published, NULL);
	bpo_buf_puts(b, ",\n  \"upstream\": ", NULL);
	bpo_json_strv(b, up, 1, ", ", NULL);
	bpo_json_lit_str(b, ",\n  \"summary\": ", summary, NULL);
	bpo_json_lit_str(b, ",\n  \"details\": ", details, NULL);
	bpo_json_lit_str(b, ",\n  \"affected\": [\n    {\n      \"package\": {\"ecosystem\": ", eco,
			 NULL);
	bpo_json_lit_str(b, ", \"name\": ", p->source, NULL);
	bpo_json_lit_str(b, ", \"purl\": ", purl, NULL);
	bpo_json_lit_str(b, "},\n      \"ranges\": [{\"type\": \"ECOSYSTEM\", \"events\": "
			 "[{\"introduced\": \"0\"}, {\"fixed\": ", fixed, NULL);
	bpo_json_lit_str(b, "}]}],\n      \"database_specific\": {\"bpo\": {\"suite\": ", suite, NULL);
	bpo_buf_puts(b, ", \"versions\": ", NULL);
	bpo_json_strv(b, p->versions.v, p->versions.n, ", ", NULL);
	bpo_buf_puts(b, "}}\n    }\n  ]\n}\n", NULL);
	free(purl);
	free(summary);
	free(details);
}

int bpo_osv_suite_write(const char *suite, const struct bpo_osv_pkg *pkgs, size_t n,
			const char *old_dir, time_t now, bpo_osv_put_fn put, void *ud,
			struct bpo_error *err)
{
	struct pair *pairs = NULL;
	size_t n_pairs = 0, cap = 0;
	char *eco = bpo_osv_ecosystem(suite);
	char nows[32];
	struct bpo_buf idx, rec;
	int rc = -1;

	rfc3339(now, nows, sizeof(nows));
	bpo_buf_init(&idx, 256u << 20);
	bpo_buf_init(&rec, MAX_OSV_FILE);
	for (size_t i = 0; i < n; i++) {
		struct bpo_strv ids = {0};
		bpo_fixes_parse_field(pkgs[i].fixes, &ids);
		for (size_t k = 0; k < ids.n; k++) {
			struct pair *p = NULL;
			for (size_t j = 0; j < n_pairs && !p; j++)
				if (strcmp(pairs[j].source, pkgs[i].source) == 0 &&
				    strcmp(pairs[j].vuln, ids.v[k]) == 0)
					p = &pairs[j];
			if (!p) {
				BPO_GROW(pairs, cap, n_pairs + 1);
				p = &pairs[n_pairs++];
				memset(p, 0, sizeof(*p));
				p->source = pkgs[i].source;
				p->vuln = NULL;
				bpo_strv_push(&p->versions, pkgs[i].version);
				p->vuln = bpo_xstrdup(ids.v[k]);
			} else {
				bpo_strv_push(&p->versions, pkgs[i].version);
			}
		}
		bpo_strv_destroy(&ids);
	}
	if (n_pairs > 1)
		qsort(pairs, n_pairs, sizeof(*pairs), pair_cmp);

	bpo_json_lit_str(&idx, "{\n  \"bpo_osv_index\": 1,\n  \"suite\": ", suite, NULL);
	bpo_json_lit_str(&idx, ",\n  \"ecosystem\": ", eco, NULL);
	bpo_buf_puts(&idx, ",\n  \"packages\": [", NULL);
	for (size_t i = 0; i < n; i++) {
		struct bpo_strv ids = {0};
		bpo_fixes_parse_field(pkgs[i].fixes, &ids);
		bpo_json_lit_str(&idx, i ? ",\n    {\"source\": " : "\n    {\"source\": ",
				 pkgs[i].source, NULL);
		bpo_json_lit_str(&idx, ", \"version\": ", pkgs[i].version, NULL);
		bpo_buf_puts(&idx, ", \"fixes\": ", NULL);
		bpo_json_strv(&idx, ids.v, ids.n, ", ", NULL);
		bpo_buf_puts(&idx, "}", NULL);
		bpo_strv_destroy(&ids);
	}
	bpo_buf_puts(&idx, n ? "\n  ],\n  \"records\": [" : "],\n  \"records\": [", NULL);

	for (size_t i = 0; i < n_pairs; i++) {
		struct pair *p = &pairs[i];
		char *id = bpo_xasprintf("%s%s-%s", BPO_OSV_ID_PREFIX, p->source, p->vuln);
		char *rel = bpo_xasprintf("osv/%s.json", id);
		char *published = NULL, *modified = NULL;
		struct bpo_buf old;

		if (p->versions.n > 1)
			qsort(p->versions.v, p->versions.n, sizeof(char *), vcmp);
		bpo_buf_init(&old, MAX_OSV_FILE);
		if (old_dir) {
			char *op = bpo_path_join(old_dir, rel);
			if (bpo_file_read(op, MAX_OSV_FILE, &old, NULL) == 0 && old.len) {
				published = old_member(old.data, old.len, "published");
				modified = old_member(old.data, old.len, "modified");
			}
			free(op);
		}
		bpo_buf_reset(&rec);
		if (published && modified) {
			/* unchanged but for the time: keep the record as it was */
			record_text(&rec, suite, eco, p, id, published, modified);
			if (rec.len != old.len || memcmp(rec.data, old.data, rec.len) != 0) {
				bpo_buf_reset(&rec);
				record_text(&rec, suite, eco, p, id, published, nows);
				free(modified);
				modified = bpo_xstrdup(nows);
			}
		} else {
			free(modified);
			modified = bpo_xstrdup(nows);
			record_text(&rec, suite, eco, p, id, published ? published : nows, nows);
		}
		int x = put(ud, rel, rec.data, rec.len, err);
		bpo_json_lit_str(&idx, i ? ",\n    {\"id\": " : "\n    {\"id\": ", id, NULL);
		bpo_json_lit_str(&idx, ", \"vulnerability\": ", p->vuln, NULL);
		bpo_json_lit_str(&idx, ", \"source\": ", p->source, NULL);
		bpo_json_lit_str(&idx, ", \"fixed\": ", p->versions.v[0], NULL);
		bpo_json_lit_str(&idx, ", \"file\": ", rel + 4, NULL);
		bpo_json_lit_str(&idx, ", \"modified\": ", modified, NULL);
		bpo_buf_puts(&idx, "}", NULL);
		bpo_buf_destroy(&old);
		free(published);
		free(modified);
		free(id);
		free(rel);
		if (x < 0)
			goto out;
	}
	if (bpo_buf_puts(&idx, n_pairs ? "\n  ]\n}\n" : "]\n}\n", err) < 0)
		goto out;
	rc = put(ud, "osv/index.json", idx.data, idx.len, err);
out:
	for (size_t i = 0; i < n_pairs; i++) {
		free((char *)pairs[i].vuln);
		bpo_strv_destroy(&pairs[i].versions);
	}
	free(pairs);
	free(eco);
	bpo_buf_destroy(&idx);
	bpo_buf_destroy(&rec);
	return rc;
}

/* ------------------------------------------------------------------ reading */

static void record_destroy(struct bpo_osv_record *r)
{
	free(r->id);
	free(r->vuln);
	free(r->file);
	for (size_t i = 0; i < r->n_aff; i++) {
		struct bpo_osv_affected *a = &r->aff[i];
		free(a->ecosystem);
		free(a->name);
		for (size_t k = 0; k < a->n_ev; k++)
			free(a->ev[k].version);
		free(a->ev);
		bpo_strv_destroy(&a->versions);
		bpo_strv_destroy(&a->bpo_versions);
	}
	free(r->aff);
}

void bpo_osv_db_destroy(struct bpo_osv_db *db)
{
	for (size_t i = 0; i < db->n_rec; i++)
		record_destroy(&db->rec[i]);
	free(db->rec);
	for (size_t i = 0; i < db->n_pub; i++) {
		free(db->pub[i].suite);
		free(db->pub[i].source);
		free(db->pub[i].version);
		bpo_strv_destroy(&db->pub[i].fixes);
	}
	free(db->pub);
	memset(db, 0, sizeof(*db));
}

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return NULL;
}

static struct json_object *jarr(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_array))
		return v;
	return NULL;
}

/* The first CVE id of a string array member, or NULL. */
static const char *first_cve(struct json_object *o, const char *key)
{
	struct json_object *a = jarr(o, key);
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		struct json_object *s = json_object_array_get_idx(a, i);
		if (json_object_is_type(s, json_type_string) &&
		    strncmp(json_object_get_string(s), "CVE-", 4) == 0)
			return json_object_get_string(s);
	}
	return NULL;
}

static int add_record(struct bpo_osv_db *db, struct json_object *o, const char *file,
		      struct bpo_error *err)
{
	const char *id = jstr(o, "id"), *vuln;
	struct json_object *aff = jarr(o, "affected");
	struct bpo_osv_record *r;

	if (!id || !*id)
		return bpo_error_set(err, BPO_E_SYNTAX, "%s: an OSV record needs a string 'id'",
				     file);
	if (!jstr(o, "modified"))
		return bpo_error_set(err, BPO_E_SYNTAX,
				     "%s: OSV record %s has no 'modified' (required)", file, id);
	if (!aff)
		return 0; /* withdrawn or about no package: nothing to evaluate */
	vuln = strncmp(id, "CVE-", 4) == 0 ? id : NULL;
	if (!vuln)
		vuln = first_cve(o, "upstream");
	if (!vuln)
		vuln = first_cve(o, "aliases");
	if (!vuln && strncmp(id, "DEBIAN-", 7) == 0)
		vuln = id + 7;
	if (!vuln)
		vuln = id;
	BPO_GROW(db->rec, db->cap_rec, db->n_rec + 1);
	r = &db->rec[db->n_rec++];
	memset(r, 0, sizeof(*r));
	r->id = bpo_xstrdup(id);
	r->vuln = bpo_xstrdup(vuln);
	r->file = bpo_xstrdup(file);
	r->bpo = strncmp(id, BPO_OSV_ID_PREFIX, strlen(BPO_OSV_ID_PREFIX)) == 0;
	r->aff = bpo_xcalloc(json_object_array_length(aff) + 1, sizeof(*r->aff));
	for (size_t i = 0; i < json_object_array_length(aff); i++) {
		struct json_object *a = json_object_array_get_idx(aff, i), *pkg, *ranges, *vers;
		struct bpo_osv_affected *x;
		const char *eco, *name;
		if (!json_object_object_get_ex(a, "package", &pkg))
			continue;
		eco = jstr(pkg, "ecosystem");
		name = jstr(pkg, "name");
		if (!eco || !name)
			continue;
		x = &r->aff[r->n_aff++];
		x->ecosystem = bpo_xstrdup(eco);
		x->name = bpo_xstrdup(name);
		ranges = jarr(a, "ranges");
		for (size_t k = 0; ranges && k < json_object_array_length(ranges); k++) {
			struct json_object *rg = json_object_array_get_idx(ranges, k);
			struct json_object *evs = jarr(rg, "events");
			const char *type = jstr(rg, "type");
			if (!type || strcmp(type, "ECOSYSTEM") != 0 || !evs)
				continue;
			size_t ne = json_object_array_length(evs);
			x->ev = bpo_xreallocarray(x->ev, x->n_ev + ne + 1, sizeof(*x->ev));
			for (size_t e = 0; e < ne; e++) {
				struct json_object *ev = json_object_array_get_idx(evs, e);
				const char *v;
				int kind = 0;
				if ((v = jstr(ev, "introduced")))
					kind = 'i';
				else if ((v = jstr(ev, "fixed")))
					kind = 'f';
				else if ((v = jstr(ev, "last_affected")))
					kind = 'l';
				if (kind)
					x->ev[x->n_ev++] = (struct bpo_osv_event){kind, bpo_xstrdup(v)};
			}
		}
		{
			struct json_object *ds, *bp, *bv;
			if (json_object_object_get_ex(a, "database_specific", &ds) &&
			    json_object_object_get_ex(ds, "bpo", &bp) && (bv = jarr(bp, "versions")))
				for (size_t k = 0; k < json_object_array_length(bv); k++) {
					struct json_object *s = json_object_array_get_idx(bv, k);
					if (json_object_is_type(s, json_type_string))
						bpo_strv_push(&x->bpo_versions,
							      json_object_get_string(s));
				}
		}
		vers = jarr(a, "versions");
		for (size_t k = 0; vers && k < json_object_array_length(vers); k++) {
			struct json_object *s = json_object_array_get_idx(vers, k);
			if (json_object_is_type(s, json_type_string))
				bpo_strv_push(&x->versions, json_object_get_string(s));
		}
	}
	return 0;
}

static void add_index(struct bpo_osv_db *db, struct json_object *o)
{
	const char *suite = jstr(o, "suite");
	struct json_object *pk = jarr(o, "packages");
	for (size_t i = 0; pk && i < json_object_array_length(pk); i++) {
		struct json_object *p = json_object_array_get_idx(pk, i), *fx;
		const char *src = jstr(p, "source"), *ver = jstr(p, "version");
		struct bpo_osv_published *x;
		if (!src || !ver)
			continue;
		BPO_GROW(db->pub, db->cap_pub, db->n_pub + 1);
		x = &db->pub[db->n_pub++];
		memset(x, 0, sizeof(*x));
		x->suite = bpo_xstrdup(suite ? suite : "");
		x->source = bpo_xstrdup(src);
		x->version = bpo_xstrdup(ver);
		fx = jarr(p, "fixes");
		for (size_t k = 0; fx && k < json_object_array_length(fx); k++) {
			struct json_object *s = json_object_array_get_idx(fx, k);
			if (json_object_is_type(s, json_type_string))
				bpo_strv_push(&x->fixes, json_object_get_string(s));
		}
	}
}

static int load_file(struct bpo_osv_db *db, const char *path, struct bpo_error *err)
{
	struct bpo_buf b;
	struct json_tokener *tok;
	struct json_object *o;
	int rc = -1;

	bpo_buf_init(&b, MAX_OSV_FILE);
	if (bpo_file_read(path, MAX_OSV_FILE, &b, err) < 0) {
		bpo_buf_destroy(&b);
		return -1;
	}
	tok = json_tokener_new();
	o = json_tokener_parse_ex(tok, b.data ? b.data : "", (int)b.len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: not JSON (%s)", path,
			      json_tokener_error_desc(json_tokener_get_error(tok)));
		goto out;
	}
	db->n_files++;
	if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++)
			if (add_record(db, json_object_array_get_idx(o, i), path, err) < 0)
				goto out;
	} else if (json_object_is_type(o, json_type_object)) {
		struct json_object *v;
		if (json_object_object_get_ex(o, "bpo_osv_index", &v))
			add_index(db, o);
		else if (add_record(db, o, path, err) < 0)
			goto out;
	} else {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: expected an OSV record (a JSON object)", path);
		goto out;
	}
	rc = 0;
out:
	json_object_put(o);
	json_tokener_free(tok);
	bpo_buf_destroy(&b);
	return rc;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_dir(struct bpo_osv_db *db, const char *path, unsigned depth,
		    struct bpo_error *err)
{
	DIR *d = opendir(path);
	struct dirent *de;
	struct bpo_strv names = {0};
	int rc = 0;

	if (!d)
		return bpo_error_set(err, BPO_E_IO, "%s: %s", path, strerror(errno));
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && strcmp(de->d_name, "by-hash") != 0)
			bpo_strv_push(&names, de->d_name);
	closedir(d);
	if (names.n > 1)
		qsort(names.v, names.n, sizeof(char *), name_cmp);
	for (size_t i = 0; i < names.n && rc == 0; i++) {
		char *p = bpo_path_join(path, names.v[i]);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode) && depth < MAX_DEPTH)
			rc = load_dir(db, p, depth + 1, err);
		else if (S_ISREG(st.st_mode) && bpo_str_has_suffix(names.v[i], ".json"))
			rc = load_file(db, p, err);
		free(p);
	}
	bpo_strv_destroy(&names);
	return rc;
}

int bpo_osv_db_load(struct bpo_osv_db *db, const char *path, struct bpo_error *err)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return bpo_error_set(err, errno == ENOENT ? BPO_E_NOTFOUND : BPO_E_IO, "%s: %s",
				     path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return load_dir(db, path, 0, err);
	return load_file(db, path, err);
}

static bool eco_match(const char *rec_eco, const char *want)
{
	if (strncmp(rec_eco, "Debian", 6) != 0 || (rec_eco[6] != '\0' && rec_eco[6] != ':'))
		return false;
	if (!want || rec_eco[6] == '\0')
		return true;
	return strcmp(rec_eco, want) == 0;
}

static int ev_cmp(const void *a, const void *b)
{
	const struct bpo_osv_event *x = a, *y = b;
	/* "0" is below every version */
	bool x0 = strcmp(x->version, "0") == 0, y0 = strcmp(y->version, "0") == 0;
	if (x0 || y0)
		return x0 == y0 ? 0 : x0 ? -1 : 1;
	return bpo_version_compare_str(x->version, y->version);
}

enum bpo_osv_verdict bpo_osv_eval(const struct bpo_osv_record *r, const char *ecosystem,
				  const char *name, const char *version, const char **fixed)
{
	enum bpo_osv_verdict verdict = BPO_OSV_NONE;
	if (fixed)
		*fixed = NULL;
	for (size_t i = 0; i < r->n_aff; i++) {
		const struct bpo_osv_affected *a = &r->aff[i];
		bool affected = false;
		const char *fx = NULL;
		if (strcmp(a->name, name) != 0 || !eco_match(a->ecosystem, ecosystem))
			continue;
		if (!a->n_ev && !a->versions.n)
			continue;
		struct bpo_osv_event *ev = bpo_xcalloc(a->n_ev + 1, sizeof(*ev));
		memcpy(ev, a->ev, a->n_ev * sizeof(*ev));
		if (a->n_ev > 1)
			qsort(ev, a->n_ev, sizeof(*ev), ev_cmp);
		for (size_t k = 0; k < a->n_ev; k++) {
			bool zero = strcmp(ev[k].version, "0") == 0;
			int c = zero ? 1 : bpo_version_compare_str(version, ev[k].version);
			if (ev[k].kind == 'i') {
				if (c < 0)
					break;
				affected = true;
				fx = NULL;
			} else if (ev[k].kind == 'f') {
				fx = ev[k].version; /* what fixed it, or what would */
				if (c < 0)
					break;
				affected = false;
			} else {
				if (c <= 0)
					break;
				affected = false;
			}
		}
		free(ev);
		for (size_t k = 0; k < a->versions.n; k++)
			if (bpo_version_compare_str(version, a->versions.v[k]) == 0)
				affected = true;
		if (affected) {
			if (fixed)
				*fixed = fx;
			return BPO_OSV_AFFECTED;
		}
		verdict = BPO_OSV_FIXED;
		if (fixed && fx)
			*fixed = fx;
	}
	return verdict;
}

bool bpo_osv_carries(const struct bpo_osv_record *r, const char *name, const char *version)
{
	for (size_t i = 0; r->bpo && i < r->n_aff; i++)
		for (size_t k = 0; strcmp(r->aff[i].name, name) == 0 && k < r->aff[i].bpo_versions.n; k++)
			if (bpo_version_compare_str(r->aff[i].bpo_versions.v[k], version) == 0)
				return true;
	return false;
}

const struct bpo_osv_published *bpo_osv_find_published(const struct bpo_osv_db *db,
							const char *source, const char *version)
{
	for (size_t i = 0; i < db->n_pub; i++)
		if (strcmp(db->pub[i].source, source) == 0 &&
		    bpo_version_compare_str(db->pub[i].version, version) == 0)
			return &db->pub[i];
	return NULL;
}
