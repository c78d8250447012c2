/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bpoconf: bpo.conf (YAML), the environment and apt's sources; see bpoconf.h, bpo.conf(5). */
#include "config.h"
#include "bpoconf.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "changelog.h"
#include "json.h"
#include "fsutil.h"
#include "sign.h"
#include "xmem.h"
#include "yamldoc.h"

#define SYSTEM_CONFIG "/etc/bpo/bpo.conf"
#define DEFAULT_KEYRING "/usr/share/keyrings/debian-archive-keyring.gpg"
#define DEFAULT_TIMEOUT 14400u
#define DEFAULT_BUILD_USER "bpo-build"
#define MAX_TIMEOUT (7UL * 86400)
#define MAX_APT_FILE (1u << 20)
#define MAX_APT_FILES 256

static const char *const key_names[BPO_CONF_N_KEYS + 1] = {
	"mirror", "security-mirror", "cache-dir", "work-dir",
	"keyring", "maintainer", "build-timeout", "build-user", "sign-key", "qa", "archives",
	"limits", NULL,
};
/* bpo.conf's archives entries; max-valid-time at most 20 years */
static const char *const archive_keys[] = {"uri", "check-valid-until", "max-valid-time", NULL};
#define MAX_VALID_TIME (20ul * 366 * 86400)

/* The bpo.conf name of a key. */
const char *bpo_config_key_name(enum bpo_config_key k)
{
	return (unsigned)k < BPO_CONF_N_KEYS ? key_names[k] : "?";
}

/* Zero a configuration. */
void bpo_config_init(struct bpo_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
}

/* Free what cfg owns and zero it. */
void bpo_config_destroy(struct bpo_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->mirror);
	free(cfg->security_mirror);
	free(cfg->cache_dir);
	free(cfg->work_dir);
	free(cfg->keyring);
	free(cfg->maintainer_name);
	free(cfg->maintainer_email);
	free(cfg->build_user);
	free(cfg->sign_key);
	free(cfg->loaded_from);
	for (size_t i = 0; i < sizeof(cfg->qa) / sizeof(cfg->qa[0]); i++)
		free(cfg->qa[i]);
	bpo_strv_destroy(&cfg->archive_strings);
	for (int i = 0; i < BPO_CONF_N_KEYS; i++)
		free(cfg->origin[i]);
	bpo_config_init(cfg);
}

static void set_str(char **field, char *owned_value)
{
	free(*field);
	*field = owned_value;
}

static void set_origin(struct bpo_config *cfg, enum bpo_config_key k, char *owned)
{
	set_str(&cfg->origin[k], owned);
}

static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

static void strip_slashes(char *url)
{
	size_t n = strlen(url);
	while (n > 0 && url[n - 1] == '/')
		url[--n] = '\0';
}

static bool is_http_url(const char *s)
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

/* ---- apt sources ---- */

static const char *const release_names[] = {
	"buster", "bullseye", "bookworm", "trixie", "forky", "duke", "sid",
	"stable", "testing", "unstable", "oldstable", "oldoldstable", "experimental", NULL,
};

/* 3: a Debian release itself; 2: release-based (bookworm-updates), not
 * security; 1: security (bookworm-security, buster/updates); 0: other. */
static int suite_score(const char *suite)
{
	size_t base = strcspn(suite, "-/");
	bool release = false;
	for (size_t i = 0; release_names[i]; i++)
		release = release || (strlen(release_names[i]) == base &&
				      strncmp(release_names[i], suite, base) == 0);
	if (!release)
		return 0;
	if (suite[base] == '\0')
		return 3;
	if (strcmp(suite + base, "-security") == 0 || strcmp(suite + base, "/updates") == 0)
		return 1;
	return 2;
}

struct apt_pick {
	char *mirror, *mirror_file;
	int mirror_score;
	char *security, *security_file;
};

/* Consider one entry: type, uris and suites (whitespace-separated). */
static void consider(struct apt_pick *pk, const char *types, const char *uris, const char *suites,
		     const char *file)
{
	char *tv = bpo_xstrdup(types), *uv, *sv;
	bool deb = false;
	int best = 0;
	char *save = NULL, *tok;

	for (tok = strtok_r(tv, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save))
		deb = deb || strcmp(tok, "deb") == 0;
	free(tv);
	if (!deb)
		return;
	sv = bpo_xstrdup(suites);
	for (tok = strtok_r(sv, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		int s = suite_score(tok);
		if (s == 1 && !pk->security) {
			/* remember the security archive for security_mirror */
			char *u2 = bpo_xstrdup(uris), *save2 = NULL;
			for (char *u = strtok_r(u2, " \t", &save2); u && !pk->security;
			     u = strtok_r(NULL, " \t", &save2))
				if (is_http_url(u)) {
					pk->security = bpo_xstrdup(u);
					strip_slashes(pk->security);
					pk->security_file = bpo_xstrdup(file);
				}
			free(u2);
		}
		if (s > best && s != 1)
			best = s;
	}
	free(sv);
	if (best <= pk->mirror_score)
		return;
	uv = bpo_xstrdup(uris);
	for (tok = strtok_r(uv, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (!is_http_url(tok))
			continue;
		set_str(&pk->mirror, bpo_xstrdup(tok));
		strip_slashes(pk->mirror);
		set_str(&pk->mirror_file, bpo_xstrdup(file));
		pk->mirror_score = best;
		break;
	}
	free(uv);
}

/* One-line format: deb [opt=val ...] uri suite [component...] # comment */
static void parse_list(struct apt_pick *pk, char *text, const char *file)
{
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *hash = strchr(line, '#'), *p, *type, *uri, *suite;
		char *tsave = NULL;
		if (hash)
			*hash = '\0';
		type = strtok_r(line, " \t\r", &tsave);
		if (!type)
			continue;
		p = strtok_r(NULL, " \t\r", &tsave);
		if (p && p[0] == '[') {
			/* options: up to the token that ends with ']' */
			while (p && p[strlen(p) - 1] != ']')
				p = strtok_r(NULL, " \t\r", &tsave);
			p = p ? strtok_r(NULL, " \t\r", &tsave) : NULL;
		}
		uri = p;
		suite = uri ? strtok_r(NULL, " \t\r", &tsave) : NULL;
		if (uri && suite)
			consider(pk, type, uri, suite, file);
	}
}

/* deb822 format: stanzas of "Field: value" with continuation lines. */
static void parse_sources(struct apt_pick *pk, char *text, const char *file)
{
	char *types = NULL, *uris = NULL, *suites = NULL, **cur = NULL;
	bool enabled = true;
	char *p = text;

	for (;;) {
		char *nl = strchr(p, '\n'), *line = p, *colon;
		bool end = nl == NULL;
		if (nl)
			*nl = '\0';
		if (line[0] == '#') {
			/* a comment line; does not end a stanza */
		} else if (line[strspn(line, " \t\r")] == '\0') {
			if (types && uris && suites && enabled)
				consider(pk, types, uris, suites, file);
			set_str(&types, NULL);
			set_str(&uris, NULL);
			set_str(&suites, NULL);
			enabled = true;
			cur = NULL;
		} else if (line[0] == ' ' || line[0] == '\t') {
			if (cur && *cur) {
				char *joined = bpo_xasprintf("%s %s", *cur, line);
				set_str(cur, joined);
			}
		} else if ((colon = strchr(line, ':'))) {
			char *val = colon + 1;
			size_t n;
			*colon = '\0';
			val += strspn(val, " \t");
			n = strlen(val);
			while (n > 0 && (val[n - 1] == '\r' || val[n - 1] == ' ' || val[n - 1] == '\t'))
				val[--n] = '\0';
			cur = NULL;
			if (strcasecmp(line, "Types") == 0)
				cur = &types;
			else if (strcasecmp(line, "URIs") == 0)
				cur = &uris;
			else if (strcasecmp(line, "Suites") == 0)
				cur = &suites;
			else if (strcasecmp(line, "Enabled") == 0)
				enabled = strcasecmp(val, "no") != 0 && strcasecmp(val, "false") != 0;
			if (cur)
				set_str(cur, bpo_xstrdup(val));
		}
		if (end)
			break;
		p = nl + 1;
	}
	if (types && uris && suites && enabled)
		consider(pk, types, uris, suites, file);
	free(types);
	free(uris);
	free(suites);
}

static void read_apt_file(struct apt_pick *pk, const char *path, bool deb822)
{
	struct bpo_buf b;
	bpo_buf_init(&b, MAX_APT_FILE);
	if (bpo_file_read(path, MAX_APT_FILE, &b, NULL) == 0 && b.data) {
		if (memchr(b.data, '\0', b.len) == NULL) {
			if (deb822)
				parse_sources(pk, b.data, path);
			else
				parse_list(pk, b.data, path);
		}
	}
	bpo_buf_destroy(&b);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* apt's rule for sources.list.d names: [A-Za-z0-9_.-]+ ending in .list or .sources. */
static bool apt_part_name(const char *n)
{
	for (const char *c = n; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("_.-", *c))
			return false;
	return n[0] != '.' && (bpo_str_has_suffix(n, ".list") || bpo_str_has_suffix(n, ".sources"));
}

/* See bpoconf.h. */
char *bpo_config_apt_mirror_in(const char *apt_dir, char **where, char **security,
			       struct bpo_error *err)
{
	struct apt_pick pk = {0};
	struct bpo_strv names = {0};
	char *list = bpo_path_join(apt_dir, "sources.list");
	char *partdir = bpo_path_join(apt_dir, "sources.list.d");
	DIR *d;
	struct dirent *de;

	(void)err;
	read_apt_file(&pk, list, false);
	d = opendir(partdir);
	if (d) {
		while ((de = readdir(d)) != NULL && names.n < MAX_APT_FILES)
			if (apt_part_name(de->d_name))
				bpo_strv_push(&names, de->d_name);
		closedir(d);
	}
	if (names.n)
		qsort(names.v, names.n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < names.n; i++) {
		char *path = bpo_path_join(partdir, names.v[i]);
		read_apt_file(&pk, path, bpo_str_has_suffix(names.v[i], ".sources"));
		free(path);
	}
	bpo_strv_destroy(&names);
	free(list);
	free(partdir);
	if (where) {
		*where = pk.mirror_file; /* set exactly when mirror is */
		pk.mirror_file = NULL;
	}
	free(pk.mirror_file);
	if (security)
		*security = pk.security;
	else
		free(pk.security);
	free(pk.security_file);
	return pk.mirror;
}

static const char *apt_dir_default(void)
{
	const char *d = env("BPO_APT_DIR");
	return d ? d : "/etc/apt";
}

/* See bpoconf.h. */
char *bpo_config_apt_mirror(struct bpo_error *err)
{
	return bpo_config_apt_mirror_in(apt_dir_default(), NULL, NULL, err);
}

/* ---- bpo.conf ---- */

static bool valid_user(const char *s)
{
	if (!*s || strlen(s) > 32 || !(islower((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && !strchr("_-", *s))
			return false;
	return true;
}

/* "Name <mail>" into its parts; false if it is not of that shape. */
static bool split_maintainer(const char *s, char **name, char **email)
{
	const char *lt = strrchr(s, '<'), *gt;
	size_t n;
	if (!lt || !(gt = strchr(lt, '>')) || gt[1] != '\0' || gt == lt + 1)
		return false;
	n = (size_t)(lt - s);
	while (n > 0 && s[n - 1] == ' ')
		n--;
	if (n == 0)
		return false;
	*name = bpo_xstrndup(s, n);
	*email = bpo_xstrndup(lt + 1, (size_t)(gt - lt - 1));
	return true;
}

static bool valid_email(const char *s)
{
	const char *at = strchr(s, '@');
	if (!at || at == s || !at[1] || strlen(s) > 254)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || strchr("<>\"", *s) || *s == 0x7f)
			return false;
	return true;
}

static bool valid_display_name(const char *s)
{
	if (!*s || strlen(s) > 200)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || strchr("<>", *s) || *s == 0x7f)
			return false;
	return true;
}

/* An absolute path, or ~/... expanded with $HOME. */
static char *expand_path(const char *s)
{
	if (s[0] == '/')
		return bpo_xstrdup(s);
	if (s[0] == '~' && (s[1] == '/' || s[1] == '\0')) {
		const char *home = env("HOME");
		if (!home || home[0] != '/')
			return NULL;
		return bpo_path_join(home, s[1] ? s + 2 : "");
	}
	return NULL;
}

static char *where_of(const struct bpo_yaml *y, const yaml_node_t *n)
{
	return bpo_xasprintf("%s:%lu:%lu", y->name, (unsigned long)n->start_mark.line + 1,
			     (unsigned long)n->start_mark.column + 1);
}

static int conf_maintainer(struct bpo_config *cfg, struct bpo_yaml *y, yaml_node_t *v,
			   struct bpo_error *err)
{
	static const char *const keys[] = {"name", "email", NULL};
	char *name = NULL, *email = NULL, *s = NULL;
	int rc = -1;

	if (v->type == YAML_MAPPING_NODE) {
		if (bpo_yaml_check_keys(y, v, keys, "maintainer", err) < 0 ||
		    bpo_yaml_string(y, bpo_yaml_get(y, v, "name"), "maintainer.name", &name, err) < 0 ||
		    bpo_yaml_string(y, bpo_yaml_get(y, v, "email"), "maintainer.email", &email, err) < 0)
			goto out;
		if (!name || !email) {
			bpo_yaml_error(y, v, err, "maintainer: missing required key '%s'",
				       name ? "email" : "name");
			goto out;
		}
	} else {
		if (bpo_yaml_string(y, v, "maintainer", &s, err) < 0)
			goto out;
		if (!s) {
			rc = 0;
			goto out;
		}
		if (!split_maintainer(s, &name, &email)) {
			bpo_yaml_error(y, v, err,
				       "maintainer: expected \"Full Name <user@example.org>\" or a "
				       "mapping with name and email");
			goto out;
		}
	}
	if (!valid_display_name(name)) {
		bpo_yaml_error(y, v, err, "maintainer: the name must be non-empty and without <, > "
					  "or control characters");
		goto out;
	}
	if (!valid_email(email)) {
		bpo_yaml_error(y, v, err, "maintainer: expected an e-mail address like "
					  "user@example.org, found '%.60s'", email);
		goto out;
	}
	set_str(&cfg->maintainer_name, name);
	set_str(&cfg->maintainer_email, email);
	name = email = NULL;
	set_origin(cfg, BPO_CONF_MAINTAINER, where_of(y, v));
	rc = 0;
out:
	free(name);
	free(email);
	free(s);
	return rc;
}

/* qa: {install, upgrade, lintian, autopkgtest, regression: fail|warn|skip};
 * each key set overrides the same key of an earlier file. */
static int conf_qa(struct bpo_config *cfg, struct bpo_yaml *y, yaml_node_t *v,
		   struct bpo_error *err)
{
	static const char *const qa_keys[] = {"install", "upgrade", "lintian", "autopkgtest",
					      "regression", NULL};
	static const char *const order[] = BPO_CONF_QA_KEYS;
	_Static_assert(sizeof(order) / sizeof(order[0]) == sizeof(cfg->qa) / sizeof(cfg->qa[0]),
		       "one policy per qa key");

	if (bpo_yaml_is_null(v))
		return 0;
	if (bpo_yaml_expect_mapping(y, v, "qa", err) < 0 ||
	    bpo_yaml_check_keys(y, v, qa_keys, "qa", err) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		char what[32], *s = NULL;
		yaml_node_t *x = bpo_yaml_get(y, v, order[i]);
		if (!x)
			continue;
		snprintf(what, sizeof(what), "qa.%s", order[i]);
		if (bpo_yaml_string(y, x, what, &s, err) < 0)
			return -1;
		if (!s)
			continue;
		if (strcmp(s, "fail") != 0 && strcmp(s, "warn") != 0 && strcmp(s, "skip") != 0) {
			bpo_yaml_error(y, x, err, "%s: expected fail, warn or skip, found '%.40s'",
				       what, s);
			free(s);
			return -1;
		}
		set_str(&cfg->qa[i], s);
	}
	set_origin(cfg, BPO_CONF_QA, where_of(y, v));
	return 0;
}

/* archives: [{uri: mirror|URL, check-valid-until: BOOL, max-valid-time: D}]:
 * a later file's list replaces an earlier one's. */
static int conf_archives(struct bpo_config *cfg, struct bpo_yaml *y, yaml_node_t *v,
			 struct bpo_error *err)
{
	struct bpo_valid_until a[BPO_MAX_CONF_ARCHIVES];
	struct bpo_strv strs = {0};
	size_t n = 0;

	if (bpo_yaml_is_null(v))
		return 0;
	if (v->type != YAML_SEQUENCE_NODE)
		return bpo_yaml_error(y, v, err, "archives: expected a list, found %s",
				      bpo_yaml_node_kind(v));
	if (v->data.sequence.items.top - v->data.sequence.items.start > BPO_MAX_CONF_ARCHIVES)
		return bpo_yaml_error(y, v, err, "archives: more than %d entries",
				      BPO_MAX_CONF_ARCHIVES);
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		yaml_node_t *m = yaml_document_get_node(&y->doc, *it), *u;
		char *uri = NULL, *where;
		bool check = true;
		unsigned max = 0;
		if (bpo_yaml_expect_mapping(y, m, "an archives entry", err) < 0 ||
		    bpo_yaml_check_keys(y, m, archive_keys, "an archives entry", err) < 0)
			goto fail;
		u = bpo_yaml_get(y, m, "uri");
		if (!u || bpo_yaml_is_null(u)) {
			bpo_yaml_error(y, m, err, "an archives entry: missing required key 'uri'");
			goto fail;
		}
		if (bpo_yaml_string(y, u, "archives.uri", &uri, err) < 0)
			goto fail;
		if (strcmp(uri, "mirror") != 0 && !is_http_url(uri)) {
			bpo_yaml_error(y, u, err, "archives.uri: expected \"mirror\" or an http:// or "
				       "https:// URL, found '%.80s'", uri);
			free(uri);
			goto fail;
		}
		strip_slashes(uri);
		if (bpo_yaml_bool(y, bpo_yaml_get(y, m, "check-valid-until"),
				  "archives.check-valid-until", &check, err) < 0 ||
		    bpo_yaml_duration(y, bpo_yaml_get(y, m, "max-valid-time"), "archives.max-valid-time",
				      MAX_VALID_TIME, &max, err) < 0) {
			free(uri);
			goto fail;
		}
		{
			char *at = where_of(y, m);
			where = bpo_xasprintf("archives entry %zu of bpo.conf (%s)", n + 1, at);
			free(at);
		}
		bpo_strv_push_owned(&strs, uri);
		bpo_strv_push_owned(&strs, where);
		a[n++] = (struct bpo_valid_until){.archive = uri, .check = check,
						  .max_valid_time = max, .origin = where};
	}
	bpo_strv_destroy(&cfg->archive_strings);
	cfg->archive_strings = strs;
	memcpy(cfg->archives, a, n * sizeof(a[0]));
	cfg->n_archives = n;
	cfg->valid_until = cfg->archives;
	cfg->n_valid_until = n;
	set_origin(cfg, BPO_CONF_ARCHIVES, where_of(y, v));
	return 0;
fail:
	bpo_strv_destroy(&strs);
	return -1;
}

/* Apply one file's settings over cfg. */
/* Free a key's scratch string and pass rc on. */
static int conf_key_done(char **s, int rc)
{
	free(*s);
	*s = NULL;
	return rc;
}

/* One top-level key k of a file, whose value is v. */
static int conf_key(struct bpo_config *cfg, struct bpo_yaml *y, int k, yaml_node_t *v,
		    struct bpo_error *err)
{
	char *s = NULL;

	if (k == BPO_CONF_MAINTAINER)
		return conf_maintainer(cfg, y, v, err);
	if (k == BPO_CONF_QA)
		return conf_qa(cfg, y, v, err);
	if (k == BPO_CONF_ARCHIVES)
		return conf_archives(cfg, y, v, err);
	if (k == BPO_CONF_LIMITS) {
		if (bpo_limits_yaml(y, v, "limits", &cfg->limits, err) < 0)
			return -1;
		if (!bpo_yaml_is_null(v))
			set_origin(cfg, BPO_CONF_LIMITS, where_of(y, v));
		return 0;
	}
	if (k == BPO_CONF_BUILD_TIMEOUT) {
		unsigned t = cfg->build_timeout;
		if (bpo_yaml_duration(y, v, "build-timeout", MAX_TIMEOUT, &t, err) < 0)
			return -1;
		if (!bpo_yaml_is_null(v)) {
			cfg->build_timeout = t;
			set_origin(cfg, (enum bpo_config_key)k, where_of(y, v));
		}
		return 0;
	}
	set_str(&s, NULL);
	if (bpo_yaml_string(y, v, key_names[k], &s, err) < 0)
		return conf_key_done(&s, -1);
	if (!s)
		return conf_key_done(&s, 0); /* null: keep the default */
	switch (k) {
	case BPO_CONF_MIRROR:
	case BPO_CONF_SECURITY_MIRROR:
		if (!is_http_url(s)) {
			bpo_yaml_error(y, v, err, "%s: expected an http:// or https:// URL",
				       key_names[k]);
			return conf_key_done(&s, -1);
		}
		strip_slashes(s);
		set_str(k == BPO_CONF_MIRROR ? &cfg->mirror : &cfg->security_mirror, s);
		s = NULL;
		break;
	case BPO_CONF_CACHE_DIR:
	case BPO_CONF_WORK_DIR:
	case BPO_CONF_KEYRING: {
		char *abs = expand_path(s);
		if (!abs) {
			bpo_yaml_error(y, v, err,
				       "%s: expected an absolute path or one starting with ~/",
				       key_names[k]);
			return conf_key_done(&s, -1);
		}
		set_str(k == BPO_CONF_CACHE_DIR  ? &cfg->cache_dir
			: k == BPO_CONF_WORK_DIR ? &cfg->work_dir
						 : &cfg->keyring,
			abs);
		break;
	}
	case BPO_CONF_BUILD_USER:
		if (!valid_user(s)) {
			bpo_yaml_error(y, v, err,
				       "build-user: expected a user name like bpo-build, "
				       "found '%.40s'", s);
			return conf_key_done(&s, -1);
		}
		set_str(&cfg->build_user, s);
		s = NULL;
		break;
	case BPO_CONF_SIGN_KEY: {
		char fpr[BPO_FPR_MAX];
		if (!bpo_sign_fpr_normalise(s, fpr)) {
			bpo_yaml_error(y, v, err,
				       "sign-key: expected a full OpenPGP fingerprint (40 or 64 "
				       "hexadecimal digits), found '%.70s'", s);
			return conf_key_done(&s, -1);
		}
		set_str(&cfg->sign_key, bpo_xstrdup(fpr));
		break;
	}
	default:
		break;
	}
	set_origin(cfg, (enum bpo_config_key)k, where_of(y, v));
	return conf_key_done(&s, 0);
}

static int conf_parse(struct bpo_config *cfg, const char *data, size_t len, const char *name,
		      struct bpo_error *err)
{
	struct bpo_yaml y;
	struct bpo_error one, all;
	yaml_node_t *root, *v;
	int rc = -1;

	if (bpo_yaml_load(&y, data, len, name, err) < 0)
		return -1;
	root = bpo_yaml_root(&y);
	if (!root || bpo_yaml_is_null(root)) {
		rc = 0; /* an empty file sets nothing */
		goto out;
	}
	if (bpo_yaml_expect_mapping(&y, root, "the configuration", err) < 0)
		goto out;
	/* every key, so that one run reports every mistake (one line each, in
	   the order of the file) */
	bpo_error_init(&all);
	bpo_yaml_check_keys(&y, root, key_names, "the configuration", &all);
	{
		for (int k = 0; k < BPO_CONF_N_KEYS; k++) {
			v = bpo_yaml_get(&y, root, key_names[k]);
			if (!v)
				continue;
			bpo_error_init(&one);
			if (conf_key(cfg, &y, k, v, &one) < 0)
				bpo_error_add(&all, &one);
		}
		if (all.msg[0]) {
			bpo_yaml_sort_errors(&y, &all);
			if (err)
				*err = all;
			goto out;
		}
	}
	rc = 0;
out:
	bpo_yaml_destroy(&y);
	return rc;
}

/* Read one file over cfg; a missing file is skipped unless must_exist. */
static int conf_file(struct bpo_config *cfg, const char *path, bool must_exist,
		     struct bpo_error *err)
{
	struct bpo_buf b;
	struct bpo_error e;
	int rc = -1;

	bpo_error_init(&e);
	bpo_buf_init(&b, BPO_MAX_RECIPE);
	if (bpo_file_read(path, BPO_MAX_RECIPE, &b, &e) < 0) {
		if (e.kind == BPO_E_NOTFOUND && !must_exist) {
			rc = 0;
			goto out;
		}
		bpo_error_set(err, e.kind == BPO_E_NOTFOUND ? BPO_E_USAGE : e.kind,
			      "configuration %s", e.msg);
		goto out;
	}
	if (conf_parse(cfg, b.data ? b.data : "", b.len, path, err) < 0)
		goto out;
	if (cfg->loaded_from) {
		char *j = bpo_xasprintf("%s, %s", cfg->loaded_from, path);
		set_str(&cfg->loaded_from, j);
	} else {
		cfg->loaded_from = bpo_xstrdup(path);
	}
	rc = 0;
out:
	bpo_buf_destroy(&b);
	return rc;
}

static void defaults(struct bpo_config *cfg, const char *apt_dir)
{
	char *where = NULL, *security = NULL;
	const char *xdg = env("XDG_CACHE_HOME"), *home = env("HOME");

	cfg->mirror = bpo_config_apt_mirror_in(apt_dir, &where, &security, NULL);
	if (cfg->mirror)
		set_origin(cfg, BPO_CONF_MIRROR, bpo_xasprintf("apt sources (%s)", where));
	else
		set_origin(cfg, BPO_CONF_MIRROR,
			   bpo_xasprintf("unset: no Debian mirror in the apt sources under %s",
					 apt_dir));
	free(where);
	cfg->security_mirror = security;
	set_origin(cfg, BPO_CONF_SECURITY_MIRROR,
		   security ? bpo_xasprintf("apt sources under %s", apt_dir)
			    : bpo_xstrdup("unset: no -security suite in the apt sources"));
	if (geteuid() == 0) {
		cfg->cache_dir = bpo_xstrdup("/var/cache/bpo");
		set_origin(cfg, BPO_CONF_CACHE_DIR, bpo_xstrdup("default for root"));
	} else if (xdg && xdg[0] == '/') {
		cfg->cache_dir = bpo_path_join(xdg, "bpo");
		set_origin(cfg, BPO_CONF_CACHE_DIR, bpo_xstrdup("$XDG_CACHE_HOME"));
	} else if (home && home[0] == '/') {
		cfg->cache_dir = bpo_path_join(home, ".cache/bpo");
		set_origin(cfg, BPO_CONF_CACHE_DIR, bpo_xstrdup("default ($HOME/.cache/bpo)"));
	} else {
		cfg->cache_dir = bpo_xstrdup("/var/cache/bpo");
		set_origin(cfg, BPO_CONF_CACHE_DIR, bpo_xstrdup("default (no $HOME)"));
	}
	cfg->keyring = bpo_xstrdup(DEFAULT_KEYRING);
	set_origin(cfg, BPO_CONF_KEYRING, bpo_xstrdup("default"));
	cfg->build_timeout = DEFAULT_TIMEOUT;
	set_origin(cfg, BPO_CONF_BUILD_TIMEOUT, bpo_xstrdup("default"));
	cfg->build_user = bpo_xstrdup(DEFAULT_BUILD_USER);
	set_origin(cfg, BPO_CONF_BUILD_USER, bpo_xstrdup("default"));
	set_origin(cfg, BPO_CONF_SIGN_KEY, bpo_xstrdup("unset"));
	set_origin(cfg, BPO_CONF_QA, bpo_xstrdup("default"));
	set_origin(cfg, BPO_CONF_ARCHIVES, bpo_xstrdup("default"));
	set_origin(cfg, BPO_CONF_LIMITS, bpo_xstrdup("default"));
}

/* The maintainer from the environment as dch finds it. */
static void maintainer_from_env(struct bpo_config *cfg)
{
	const char *name = env("DEBFULLNAME"), *name_var = "$DEBFULLNAME";
	const char *email = env("DEBEMAIL"), *email_var = "$DEBEMAIL";
	char *n = NULL, *e = NULL;

	if (!email) {
		email = env("EMAIL");
		email_var = "$EMAIL";
	}
	if (!name) {
		name = env("NAME");
		name_var = "$NAME";
	}
	if (email && split_maintainer(email, &n, &e)) {
		/* DEBEMAIL="Name <mail>": its name counts when no *NAME says */
		if (name) {
			free(n);
			n = bpo_xstrdup(name);
		} else {
			name_var = email_var;
		}
	} else if (email) {
		e = bpo_xstrdup(email);
		n = name ? bpo_xstrdup(name) : NULL;
	}
	if (e && !valid_email(e)) {
		set_str(&e, NULL);
	}
	if (n && !valid_display_name(n))
		set_str(&n, NULL);
	if (!n && !e) {
		set_origin(cfg, BPO_CONF_MAINTAINER,
			   bpo_xstrdup("unset: no maintainer in the files or $DEBFULLNAME/$DEBEMAIL"));
		return;
	}
	cfg->maintainer_name = n;
	cfg->maintainer_email = e;
	set_origin(cfg, BPO_CONF_MAINTAINER,
		   n && e && strcmp(name_var, email_var) != 0
			   ? bpo_xasprintf("%s and %s", name_var, email_var)
			   : bpo_xstrdup(e ? email_var : name_var));
}

/* The uploader's key as debsign finds it: DEBSIGN_KEYID of the devscripts
 * files; taken only when it is a full fingerprint (a short id or a user id
 * could name another key). */
static void sign_key_from_devscripts(struct bpo_config *cfg)
{
	char *v = bpo_changelog_devscripts_var("DEBSIGN_KEYID");
	char fpr[BPO_FPR_MAX];

	if (!v)
		return;
	if (bpo_sign_fpr_normalise(v, fpr)) {
		cfg->sign_key = bpo_xstrdup(fpr);
		set_origin(cfg, BPO_CONF_SIGN_KEY, bpo_xstrdup("DEBSIGN_KEYID (devscripts)"));
	} else {
		set_origin(cfg, BPO_CONF_SIGN_KEY,
			   bpo_xasprintf("unset: DEBSIGN_KEYID '%.60s' (devscripts) is not a full "
					 "fingerprint", v));
	}
	free(v);
}

/* See bpoconf.h. */
int bpo_config_load_paths(struct bpo_config *cfg, const char *system_path,
			  const char *user_path, const char *explicit_path, const char *apt_dir,
			  struct bpo_error *err)
{
	const char *v;

	bpo_config_init(cfg);
	defaults(cfg, apt_dir ? apt_dir : apt_dir_default());
	if (explicit_path) {
		if (conf_file(cfg, explicit_path, true, err) < 0)
			goto fail;
	} else {
		if (system_path && conf_file(cfg, system_path, false, err) < 0)
			goto fail;
		if (user_path && conf_file(cfg, user_path, false, err) < 0)
			goto fail;
	}
	if ((v = env("BPO_MIRROR"))) {
		if (!is_http_url(v)) {
			bpo_error_set(err, BPO_E_USAGE,
				      "$BPO_MIRROR: expected an http:// or https:// URL");
			goto fail;
		}
		set_str(&cfg->mirror, bpo_xstrdup(v));
		strip_slashes(cfg->mirror);
		set_origin(cfg, BPO_CONF_MIRROR, bpo_xstrdup("$BPO_MIRROR"));
	}
	if ((v = env("BPO_CACHE_DIR"))) {
		if (v[0] != '/') {
			bpo_error_set(err, BPO_E_USAGE, "$BPO_CACHE_DIR: expected an absolute path");
			goto fail;
		}
		set_str(&cfg->cache_dir, bpo_xstrdup(v));
		set_origin(cfg, BPO_CONF_CACHE_DIR, bpo_xstrdup("$BPO_CACHE_DIR"));
	}
	if (!cfg->work_dir) {
		cfg->work_dir = bpo_path_join(cfg->cache_dir, "work");
		set_origin(cfg, BPO_CONF_WORK_DIR, bpo_xstrdup("default (<cache-dir>/work)"));
	}
	if (!cfg->maintainer_name && !cfg->maintainer_email)
		maintainer_from_env(cfg);
	if (!cfg->sign_key)
		sign_key_from_devscripts(cfg);
	return 0;
fail:
	bpo_config_destroy(cfg);
	return -1;
}

/* Load the configuration from the default places (or only explicit_path). */
int bpo_config_load(struct bpo_config *cfg, const char *explicit_path, struct bpo_error *err)
{
	const char *xdg = env("XDG_CONFIG_HOME"), *home = env("HOME");
	char *user = NULL;
	int rc;

	if (xdg && xdg[0] == '/')
		user = bpo_path_join(xdg, "bpo/bpo.conf");
	else if (home && home[0] == '/')
		user = bpo_path_join(home, ".config/bpo/bpo.conf");
	rc = bpo_config_load_paths(cfg, SYSTEM_CONFIG, user, explicit_path, NULL, err);
	free(user);
	return rc;
}

/* See bpoconf.h. */
int bpo_config_write(const struct bpo_config *cfg, bool json, struct bpo_buf *out,
		     struct bpo_error *err)
{
	struct bpo_ywriter w;
	char *maint = NULL;

	if (cfg->maintainer_name && cfg->maintainer_email)
		maint = bpo_xasprintf("%s <%s>", cfg->maintainer_name, cfg->maintainer_email);
	else if (cfg->maintainer_email)
		maint = bpo_xasprintf("<%s>", cfg->maintainer_email);
	else if (cfg->maintainer_name)
		maint = bpo_xstrdup(cfg->maintainer_name);
	bpo_ywriter_init(&w, json ? BPO_YW_JSON : BPO_YW_YAML, out, false, err);
	bpo_ywriter_map_begin(&w);
	if (json) {
		bpo_ywriter_key(&w, "schema_version");
		bpo_ywriter_uint(&w, BPO_JSON_SCHEMA_VERSION);
	}
	bpo_ywriter_key(&w, "config");
	bpo_ywriter_map_begin(&w);
	bpo_ywriter_kv(&w, "mirror", cfg->mirror);
	bpo_ywriter_kv(&w, "security-mirror", cfg->security_mirror);
	bpo_ywriter_kv(&w, "cache-dir", cfg->cache_dir);
	bpo_ywriter_kv(&w, "work-dir", cfg->work_dir);
	bpo_ywriter_kv(&w, "keyring", cfg->keyring);
	bpo_ywriter_kv(&w, "maintainer", maint);
	bpo_ywriter_key(&w, "build-timeout");
	bpo_ywriter_uint(&w, cfg->build_timeout);
	bpo_ywriter_kv(&w, "build-user", cfg->build_user);
	bpo_ywriter_kv(&w, "sign-key", cfg->sign_key);
	{
		static const char *const order[] = BPO_CONF_QA_KEYS;
		bpo_ywriter_key(&w, "qa");
		bpo_ywriter_map_begin(&w);
		for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
			bpo_ywriter_kv(&w, order[i], cfg->qa[i]);
		bpo_ywriter_map_end(&w);
	}
	bpo_ywriter_key(&w, "archives");
	bpo_ywriter_seq_begin(&w, cfg->n_archives == 0);
	for (size_t i = 0; i < cfg->n_archives; i++) {
		bpo_ywriter_map_begin(&w);
		bpo_ywriter_kv(&w, "uri", cfg->archives[i].archive);
		bpo_ywriter_key(&w, "check-valid-until");
		bpo_ywriter_bool(&w, cfg->archives[i].check);
		if (cfg->archives[i].max_valid_time) {
			bpo_ywriter_key(&w, "max-valid-time");
			bpo_ywriter_uint(&w, cfg->archives[i].max_valid_time);
		} else {
			bpo_ywriter_kv(&w, "max-valid-time", NULL);
		}
		bpo_ywriter_map_end(&w);
	}
	bpo_ywriter_seq_end(&w);
	{
		struct bpo_limits eff;
		bpo_limits_effective(&cfg->limits, NULL, &eff);
		bpo_ywriter_key(&w, "limits");
		bpo_ywriter_map_begin(&w);
		for (int k = 0; k < BPO_LIMIT_N; k++) {
			bpo_ywriter_key(&w, bpo_limit_name((enum bpo_limit)k));
			bpo_ywriter_uint(&w, (unsigned long)eff.v[k]);
		}
		bpo_ywriter_map_end(&w);
	}
	bpo_ywriter_map_end(&w);
	bpo_ywriter_key(&w, "origin");
	bpo_ywriter_map_begin(&w);
	for (int k = 0; k < BPO_CONF_N_KEYS; k++)
		bpo_ywriter_kv(&w, key_names[k], cfg->origin[k]);
	bpo_ywriter_map_end(&w);
	bpo_ywriter_kv(&w, "files", cfg->loaded_from);
	bpo_ywriter_map_end(&w);
	free(maint);
	return bpo_ywriter_finish(&w);
}

/* See bpoconf.h. */
struct bpo_valid_until *bpo_config_valid_until_of(const struct bpo_config *cfg, const char *base)
{
	for (size_t i = 0; i < cfg->n_valid_until; i++) {
		const char *a = cfg->valid_until[i].archive;
		if (a && strcmp(a, "mirror") == 0)
			a = cfg->mirror;
		if (a && strcmp(a, base) == 0)
			return &cfg->valid_until[i];
	}
	return NULL;
}

/* See bpoconf.h. */
const char *bpo_config_apt_valid_until(const struct bpo_config *cfg, const char *base,
				      char *buf, size_t size)
{
	const struct bpo_valid_until *vu = base ? bpo_config_valid_until_of(cfg, base) : NULL;
	if (!vu || (vu->check && !vu->max_valid_time))
		return "";
	if (!vu->check)
		snprintf(buf, size, " check-valid-until=no");
	else
		snprintf(buf, size, " valid-until-min=%u", vu->max_valid_time);
	return buf;
}

/* See bpoconf.h. */
const char *bpo_config_apt_line_valid_until(const struct bpo_config *cfg, const char *line,
					    char *buf, size_t size)
{
	const char *close = strchr(line, ']'), *u;
	char uri[2048];
	size_t n;
	if (!close || strstr(line, "check-valid-until=") || strstr(line, "valid-until-min="))
		return "";
	u = close + 1 + strspn(close + 1, " ");
	n = strcspn(u, " ");
	while (n > 0 && u[n - 1] == '/')
		n--;
	if (n == 0 || n >= sizeof(uri))
		return "";
	memcpy(uri, u, n);
	uri[n] = '\0';
	return bpo_config_apt_valid_until(cfg, uri, buf, size);
}
