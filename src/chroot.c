/* SPDX-License-Identifier: GPL-2.0-or-later */
/* chroot: images and namespaced roots (see chroot.h). */
#define _GNU_SOURCE
#include "config.h"
#include "chroot.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

#include "bpoconf.h"
#include "fsutil.h"
#include "hash.h"
#include "log.h"
#include "proc.h"

/* the host name of every root (its own UTS namespace), as sbuild's "sbuild" */
#define ROOT_HOSTNAME "bpo"

/* ------------------------------------------------------------------ config */

void bpo_chroot_conf_init(struct bpo_chroot_conf *c)
{
	memset(c, 0, sizeof(*c));
}

void bpo_chroot_conf_destroy(struct bpo_chroot_conf *c)
{
	if (!c)
		return;
	free(c->release);
	free(c->suite);
	bpo_strv_destroy(&c->components);
	free(c->keyring);
	bpo_strv_destroy(&c->extra_suites);
	free(c->security_suite);
	memset(c, 0, sizeof(*c));
}

bool bpo_chroot_name_ok(const char *name)
{
	if (!name || !*name || strlen(name) > 64 || name[0] == '.' || name[0] == '-')
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.' && *p != '_')
			return false;
	return true;
}

/* A suite or component: same character set as a name. */
static bool word_ok(const char *s)
{
	return bpo_chroot_name_ok(s);
}

static int yerr(struct bpo_error *err, const char *name, const yaml_event_t *ev, const char *what)
{
	return bpo_error_set(err, BPO_E_SYNTAX, "%s:%zu:%zu: %s", name,
			     (size_t)ev->start_mark.line + 1, (size_t)ev->start_mark.column + 1,
			     what);
}

static int next_event(yaml_parser_t *p, yaml_event_t *ev, const char *name,
		      struct bpo_error *err)
{
	if (!yaml_parser_parse(p, ev))
		return bpo_error_set(err, BPO_E_SYNTAX, "%s:%zu:%zu: %s", name,
				     (size_t)p->problem_mark.line + 1,
				     (size_t)p->problem_mark.column + 1,
				     p->problem ? p->problem : "YAML syntax error");
	return 0;
}

/* A scalar or a flow/block sequence of scalars into sv. */
static int parse_list(yaml_parser_t *p, yaml_event_t *first, struct bpo_strv *sv,
		      const char *name, const char *key, struct bpo_error *err)
{
	yaml_event_t ev;
	char what[128];

	if (first->type == YAML_SCALAR_EVENT) {
		const char *v = (const char *)first->data.scalar.value;
		snprintf(what, sizeof(what), "%s: expected a name, got \"%.40s\"", key, v);
		if (!word_ok(v))
			return yerr(err, name, first, what);
		bpo_strv_push(sv, v);
		return 0;
	}
	if (first->type != YAML_SEQUENCE_START_EVENT) {
		snprintf(what, sizeof(what), "%s: expected a list of names", key);
		return yerr(err, name, first, what);
	}
	for (;;) {
		if (next_event(p, &ev, name, err) < 0)
			return -1;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		if (ev.type != YAML_SCALAR_EVENT ||
		    !word_ok((const char *)ev.data.scalar.value) || sv->n >= 32) {
			snprintf(what, sizeof(what), "%s: expected a list of names (at most 32)",
				 key);
			yerr(err, name, &ev, what);
			yaml_event_delete(&ev);
			return -1;
		}
		bpo_strv_push(sv, (const char *)ev.data.scalar.value);
		yaml_event_delete(&ev);
	}
}

int bpo_chroot_conf_parse(struct bpo_chroot_conf *c, const char *text, size_t len,
			  const char *name, struct bpo_error *err)
{
	yaml_parser_t p;
	yaml_event_t ev, val;
	int rc = -1, depth = 0;
	bool have_ev = false, have_val = false, in_map = false;

	bpo_chroot_conf_init(c);
	if (len > BPO_CHROOT_MAX_CONF)
		return bpo_error_set(err, BPO_E_SYNTAX, "%s: larger than %u bytes", name,
				     BPO_CHROOT_MAX_CONF);
	if (!yaml_parser_initialize(&p))
		return bpo_error_set(err, BPO_E_FAIL, "%s: cannot initialise the YAML parser", name);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	for (;;) {
		if (next_event(&p, &ev, name, err) < 0)
			goto out;
		have_ev = true;
		if (ev.type == YAML_STREAM_END_EVENT)
			break;
		if (ev.type == YAML_MAPPING_START_EVENT && !in_map && depth == 0) {
			in_map = true;
			depth = 1;
		} else if (ev.type == YAML_MAPPING_END_EVENT && depth == 1) {
			depth = 0;
		} else if (ev.type == YAML_SCALAR_EVENT && depth == 1) {
			const char *k = (const char *)ev.data.scalar.value;
			char **slot = NULL;
			bool path = false;

			if (next_event(&p, &val, name, err) < 0)
				goto out;
			have_val = true;
			if (strcmp(k, "components") == 0 || strcmp(k, "extra_suites") == 0) {
				struct bpo_strv *sv = k[0] == 'c' ? &c->components : &c->extra_suites;
				if (sv->n) {
					yerr(err, name, &ev, "duplicate key");
					goto out;
				}
				if (parse_list(&p, &val, sv, name, k, err) < 0)
					goto out;
			} else {
				if (strcmp(k, "release") == 0)
					slot = &c->release;
				else if (strcmp(k, "suite") == 0)
					slot = &c->suite;
				else if (strcmp(k, "security_suite") == 0)
					slot = &c->security_suite;
				else if (strcmp(k, "keyring") == 0) {
					slot = &c->keyring;
					path = true;
				} else {
					char what[160];
					snprintf(what, sizeof(what),
						 "unknown key \"%.40s\" (expected release, suite, "
						 "components, keyring, extra_suites, security_suite)", k);
					yerr(err, name, &ev, what);
					goto out;
				}
				if (*slot) {
					yerr(err, name, &ev, "duplicate key");
					goto out;
				}
				if (val.type != YAML_SCALAR_EVENT) {
					yerr(err, name, &val, "expected a single value");
					goto out;
				}
				const char *v = (const char *)val.data.scalar.value;
				if (path ? (v[0] != '/' || strstr(v, "/../") || strchr(v, ','))
					 : !word_ok(v)) {
					yerr(err, name, &val,
					     path ? "expected an absolute file path"
						  : "expected a name (letters, digits, - . _)");
					goto out;
				}
				*slot = bpo_xstrdup(v);
			}
			yaml_event_delete(&val);
			have_val = false;
		} else if (ev.type == YAML_STREAM_START_EVENT || ev.type == YAML_DOCUMENT_START_EVENT ||
			   ev.type == YAML_DOCUMENT_END_EVENT) {
			/* structure */
		} else {
			yerr(err, name, &ev, "expected \"key: value\" lines at the top level");
			goto out;
		}
		yaml_event_delete(&ev);
		have_ev = false;
	}
	if (!c->release || !c->suite) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: \"release\" and \"suite\" are required", name);
		goto out;
	}
	if (!c->components.n)
		bpo_strv_push(&c->components, "main");
	if (!c->keyring)
		c->keyring = bpo_xstrdup("/usr/share/keyrings/debian-archive-keyring.gpg");
	rc = 0;
out:
	if (have_val)
		yaml_event_delete(&val);
	if (have_ev)
		yaml_event_delete(&ev);
	yaml_parser_delete(&p);
	if (rc < 0)
		bpo_chroot_conf_destroy(c);
	return rc;
}

int bpo_chroot_conf_load(struct bpo_chroot_conf *c, const char *release, struct bpo_error *err)
{
	const char *env = getenv("BPO_CHROOT_DIR");
	const char *dirs[] = {env && *env ? env : NULL, SYSCONFDIR "/bpo/chroot", PKGDATADIR "/chroot"};
	struct bpo_buf b;
	char *path = NULL, *looked = NULL;
	int rc = -1;

	bpo_chroot_conf_init(c);
	if (!bpo_chroot_name_ok(release))
		return bpo_error_set(err, BPO_E_USAGE, "bad release name \"%.64s\"", release);
	bpo_buf_init(&b, BPO_CHROOT_MAX_CONF);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char *old = looked;
		if (!dirs[i])
			continue;
		free(path);
		path = bpo_xasprintf("%s/%s.yaml", dirs[i], release);
		looked = bpo_xasprintf("%s%s%s", old ? old : "", old ? ", " : "", dirs[i]);
		free(old);
		if (!bpo_path_exists(path))
			continue;
		if (bpo_file_read(path, BPO_CHROOT_MAX_CONF, &b, err) < 0)
			goto out;
		if (bpo_chroot_conf_parse(c, b.data, b.len, path, err) < 0)
			goto out;
		if (strcmp(c->release, release) != 0) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s: release is \"%s\", expected \"%s\"",
				      path, c->release, release);
			bpo_chroot_conf_destroy(c);
			goto out;
		}
		rc = 0;
		goto out;
	}
	bpo_error_set(err, BPO_E_NOTFOUND, "no chroot configuration %s.yaml (looked in %s)",
		      release, looked ? looked : "nowhere");
out:
	free(path);
	free(looked);
	bpo_buf_destroy(&b);
	return rc;
}

/* "deb " and, when cfg relaxes uri's Valid-Until, "[OPTIONS] " */
static void deb_prefix(struct bpo_buf *b, const struct bpo_config *cfg, const char *uri)
{
	char opts[64];
	const char *o = cfg ? bpo_config_apt_valid_until(cfg, uri, opts, sizeof(opts)) : "";
	bpo_buf_printf(b, NULL, *o ? "deb [%s] " : "deb ", o + (*o == ' '));
}

char *bpo_chroot_sources_list(const struct bpo_chroot_conf *c, const char *mirror,
			      const char *security_mirror, const struct bpo_config *cfg)
{
	struct bpo_buf b;
	char *comps = NULL;

	bpo_buf_init(&b, 1u << 20);
	for (size_t i = 0; i < c->components.n; i++) {
		char *o = comps;
		comps = bpo_xasprintf("%s%s%s", o ? o : "", o ? " " : "", c->components.v[i]);
		free(o);
	}
	deb_prefix(&b, cfg, mirror);
	bpo_buf_printf(&b, NULL, "%s %s %s\n", mirror, c->suite, comps);
	for (size_t i = 0; i < c->extra_suites.n; i++) {
		deb_prefix(&b, cfg, mirror);
		bpo_buf_printf(&b, NULL, "%s %s %s\n", mirror, c->extra_suites.v[i], comps);
	}
	if (c->security_suite && security_mirror) {
		deb_prefix(&b, cfg, security_mirror);
		bpo_buf_printf(&b, NULL, "%s %s %s\n", security_mirror, c->security_suite, comps);
	}
	free(comps);
	return bpo_buf_steal(&b, NULL);
}

/* ---------------------------------------------------------------- metadata */

void bpo_chroot_meta_init(struct bpo_chroot_meta *m)
{
	memset(m, 0, sizeof(*m));
}

void bpo_chroot_meta_destroy(struct bpo_chroot_meta *m)
{
	if (!m)
		return;
	free(m->release);
	free(m->arch);
	free(m->suite);
	free(m->mirror_sha256);
	free(m->created);
	free(m->tarball);
	memset(m, 0, sizeof(*m));
}

int bpo_chroot_meta_parse(struct bpo_chroot_meta *m, const char *text, size_t len,
			  const char *name, struct bpo_error *err)
{
	const char *p = text, *end = text + len;
	unsigned line = 0;
	bool have_sha = false, have_size = false;
	int rc = -1;

	bpo_chroot_meta_init(m);
	if (len > BPO_CHROOT_MAX_CONF)
		return bpo_error_set(err, BPO_E_SYNTAX, "%s: too large", name);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *colon;
		char *key = NULL, *val = NULL, **slot = NULL;

		line++;
		if (le == p || *p == '#') {
			p = le + 1;
			continue;
		}
		colon = memchr(p, ':', (size_t)(le - p));
		if (!colon || colon == p || colon + 1 >= le || colon[1] != ' ') {
			bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: expected \"Key: value\"", name, line);
			goto out;
		}
		key = bpo_xstrndup(p, (size_t)(colon - p));
		val = bpo_xstrndup(colon + 2, (size_t)(le - colon - 2));
		if (memchr(val, '\0', (size_t)(le - colon - 2)) || !*val) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: empty value", name, line);
			free(key);
			free(val);
			goto out;
		}
		if (strcmp(key, "Release") == 0)
			slot = &m->release;
		else if (strcmp(key, "Architecture") == 0)
			slot = &m->arch;
		else if (strcmp(key, "Suite") == 0)
			slot = &m->suite;
		else if (strcmp(key, "Mirror-SHA256") == 0)
			slot = &m->mirror_sha256;
		else if (strcmp(key, "Created") == 0)
			slot = &m->created;
		else if (strcmp(key, "Tarball") == 0)
			slot = &m->tarball;
		else if (strcmp(key, "SHA256") == 0) {
			if (!bpo_sha256_hex_valid(val)) {
				bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: SHA256: expected 64 hex digits",
					      name, line);
				free(key);
				free(val);
				goto out;
			}
			for (size_t i = 0; i < 64; i++)
				m->sha256[i] = (char)tolower((unsigned char)val[i]);
			m->sha256[64] = '\0';
			have_sha = true;
		} else if (strcmp(key, "Size") == 0) {
			char *e = NULL;
			errno = 0;
			unsigned long long v = strtoull(val, &e, 10);
			if (errno || !e || *e || !isdigit((unsigned char)val[0])) {
				bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: Size: expected a number",
					      name, line);
				free(key);
				free(val);
				goto out;
			}
			m->size = v;
			have_size = true;
		}
		/* unknown keys are ignored: newer bpo may add some */
		if (slot) {
			free(*slot);
			*slot = val;
			val = NULL;
		}
		free(key);
		free(val);
		p = le + 1;
	}
	if (!m->release || !m->arch || !m->suite || !m->created || !m->tarball || !have_sha ||
	    !have_size || !m->mirror_sha256) {
		bpo_error_set(err, BPO_E_SYNTAX,
			      "%s: incomplete (needs Release, Architecture, Suite, Mirror-SHA256, "
			      "Created, Tarball, SHA256, Size)", name);
		goto out;
	}
	if (!bpo_chroot_name_ok(m->release) || !bpo_chroot_name_ok(m->arch) ||
	    !bpo_path_component_ok(m->tarball)) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: bad Release, Architecture or Tarball name",
			      name);
		goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		bpo_chroot_meta_destroy(m);
	return rc;
}

char *bpo_chroot_meta_format(const struct bpo_chroot_meta *m)
{
	return bpo_xasprintf("Release: %s\nArchitecture: %s\nSuite: %s\nMirror-SHA256: %s\n"
			     "Created: %s\nTarball: %s\nSHA256: %s\nSize: %llu\n",
			     m->release, m->arch, m->suite, m->mirror_sha256, m->created,
			     m->tarball, m->sha256, (unsigned long long)m->size);
}

static char *chroots_dir(const char *cache_dir)
{
	return bpo_path_join(cache_dir, "chroots");
}

int bpo_chroot_meta_load(struct bpo_chroot_meta *m, const char *cache_dir, const char *release,
			 const char *arch, struct bpo_error *err)
{
	char *dir = chroots_dir(cache_dir);
	char *path = bpo_xasprintf("%s/%s-%s.meta", dir, release, arch);
	struct bpo_buf b;
	int rc = -1;

	bpo_chroot_meta_init(m);
	bpo_buf_init(&b, BPO_CHROOT_MAX_CONF);
	if (!bpo_chroot_name_ok(release) || !bpo_chroot_name_ok(arch)) {
		bpo_error_set(err, BPO_E_USAGE, "bad release or architecture name");
		goto out;
	}
	if (!bpo_path_exists(path)) {
		bpo_error_set(err, BPO_E_NOTFOUND,
			      "no %s/%s chroot image in %s (run: bpo chroot create %s --arch %s)",
			      release, arch, dir, release, arch);
		goto out;
	}
	if (bpo_file_read(path, BPO_CHROOT_MAX_CONF, &b, err) < 0 ||
	    bpo_chroot_meta_parse(m, b.data, b.len, path, err) < 0)
		goto out;
	if (strcmp(m->release, release) != 0 || strcmp(m->arch, arch) != 0) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: describes %s/%s, expected %s/%s", path,
			      m->release, m->arch, release, arch);
		bpo_chroot_meta_destroy(m);
		goto out;
	}
	rc = 0;
out:
	bpo_buf_destroy(&b);
	free(path);
	free(dir);
	return rc;
}

int bpo_chroot_meta_verify(const struct bpo_chroot_meta *m, const char *cache_dir,
			   struct bpo_error *err)
{
	char *dir = chroots_dir(cache_dir), *path = bpo_path_join(dir, m->tarball);
	char hex[BPO_HASH_HEX_MAX];
	uint64_t size = 0;
	int rc = -1;

	if (bpo_hash_file(path, BPO_HASH_SHA256, hex, &size, err) < 0)
		goto out;
	if (size != m->size || strcmp(hex, m->sha256) != 0) {
		bpo_error_set(err, BPO_E_VERIFY,
			      "%s: size %llu sha256 %s, but the metadata says size %llu sha256 %s "
			      "(recreate it: bpo chroot update %s)",
			      path, (unsigned long long)size, hex, (unsigned long long)m->size,
			      m->sha256, m->release);
		goto out;
	}
	rc = 0;
out:
	free(path);
	free(dir);
	return rc;
}

static int meta_cmp(const void *a, const void *b)
{
	const struct bpo_chroot_meta *x = a, *y = b;
	int c = strcmp(x->release, y->release);
	return c ? c : strcmp(x->arch, y->arch);
}

int bpo_chroot_list(const char *cache_dir, struct bpo_chroot_meta **out, size_t *n,
		    struct bpo_error *err)
{
	char *dir = chroots_dir(cache_dir);
	DIR *d = NULL;
	struct dirent *de;
	struct bpo_chroot_meta *v = NULL;
	size_t cap = 0, cnt = 0;
	int rc = -1;

	*out = NULL;
	*n = 0;
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT) {
			rc = 0;
			goto out;
		}
		bpo_error_set(err, BPO_E_IO, "%s: %s", dir, strerror(errno));
		goto out;
	}
	while ((de = readdir(d))) {
		struct bpo_buf b;
		char *path;
		if (!bpo_str_has_suffix(de->d_name, ".meta") || de->d_name[0] == '.')
			continue;
		path = bpo_path_join(dir, de->d_name);
		bpo_buf_init(&b, BPO_CHROOT_MAX_CONF);
		BPO_GROW(v, cap, cnt + 1);
		if (bpo_file_read(path, BPO_CHROOT_MAX_CONF, &b, err) < 0 ||
		    bpo_chroot_meta_parse(&v[cnt], b.data, b.len, path, err) < 0) {
			bpo_buf_destroy(&b);
			free(path);
			goto out;
		}
		cnt++;
		bpo_buf_destroy(&b);
		free(path);
	}
	if (cnt)
		qsort(v, cnt, sizeof(*v), meta_cmp);
	*out = v;
	*n = cnt;
	v = NULL;
	rc = 0;
out:
	if (v)
		bpo_chroot_list_free(v, cnt);
	if (d)
		closedir(d);
	free(dir);
	return rc;
}

void bpo_chroot_list_free(struct bpo_chroot_meta *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		bpo_chroot_meta_destroy(&v[i]);
	free(v);
}

char *bpo_chroot_host_arch(struct bpo_error *err)
{
	const char *argv[] = {"dpkg", "--print-architecture", NULL};
	struct bpo_buf b;
	struct bpo_proc_opts o = {.out = &b, .log_fd = -1};
	char *s;

	bpo_buf_init(&b, 4096);
	if (bpo_proc_run_ok(argv, &o, err) < 0) {
		bpo_buf_destroy(&b);
		return NULL;
	}
	s = bpo_buf_steal(&b, NULL);
	s[strcspn(s, "\n")] = '\0';
	if (!bpo_chroot_name_ok(s)) {
		free(s);
		bpo_error_set(err, BPO_E_FAIL, "dpkg --print-architecture: unexpected output");
		return NULL;
	}
	return s;
}

/* -------------------------------------------------------------- namespaces */

int bpo_ns_subid_find(const char *text, const char *user, uid_t uid, unsigned long need,
		      unsigned long *start, unsigned long *count, struct bpo_error *err)
{
	char uidstr[32];
	const char *p = text;

	snprintf(uidstr, sizeof(uidstr), "%lu", (unsigned long)uid);
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[512];

		if (len < sizeof(line)) {
			char *c1, *c2, *e1 = NULL, *e2 = NULL;
			memcpy(line, p, len);
			line[len] = '\0';
			c1 = strchr(line, ':');
			c2 = c1 ? strchr(c1 + 1, ':') : NULL;
			if (c2 && line[0] != '#') {
				*c1 = '\0';
				*c2 = '\0';
				if ((user && strcmp(line, user) == 0) || strcmp(line, uidstr) == 0) {
					errno = 0;
					unsigned long s = strtoul(c1 + 1, &e1, 10);
					unsigned long n = strtoul(c2 + 1, &e2, 10);
					if (!errno && e1 && !*e1 && e2 && !*e2 && c1[1] && c2[1] &&
					    n >= need && s > 0 && s <= ULONG_MAX - n) {
						*start = s;
						*count = n;
						return 0;
					}
				}
			}
		}
		p = nl ? nl + 1 : NULL;
	}
	return bpo_error_set(err, BPO_E_NOTFOUND, "no range of %lu ids", need);
}

static int userns_allowed(struct bpo_error *err)
{
	int st = 0;
	pid_t pid = fork();

	if (pid < 0)
		return bpo_error_set(err, BPO_E_IO, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) == 0 ? 0 : (errno == ENOSPC ? 2 : 1));
	waitpid(pid, &st, 0);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (bpo_path_exists("/proc/sys/kernel/apparmor_restrict_unprivileged_userns"))
		return bpo_error_set(err, BPO_E_FAIL,
				     "user namespaces are blocked for ordinary users: run as root, "
				     "or allow them: sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 "
				     "(or an AppArmor profile for bpo with \"userns,\"), "
				     "and kernel.unprivileged_userns_clone=1, user.max_user_namespaces > 0");
	return bpo_error_set(err, BPO_E_FAIL,
			     "user namespaces are blocked for ordinary users: run as root, or "
			     "allow them: sysctl -w kernel.unprivileged_userns_clone=1 "
			     "and sysctl -w user.max_user_namespaces=15000");
}

int bpo_ns_init(struct bpo_ns *ns, struct bpo_error *err)
{
	struct passwd *pw;
	struct bpo_buf b;
	const char *name;
	int rc = -1;

	memset(ns, 0, sizeof(*ns));
	ns->uid = getuid();
	ns->gid = getgid();
	if (geteuid() == 0)
		return 0;
	ns->rootless = true;
	pw = getpwuid(ns->uid);
	name = pw ? pw->pw_name : NULL;
	bpo_buf_init(&b, 1u << 20);
	if (bpo_file_read("/etc/subuid", 1u << 20, &b, NULL) < 0 ||
	    bpo_ns_subid_find(b.data, name, ns->uid, BPO_CHROOT_SUBID_COUNT, &ns->subuid,
			      &ns->subuid_n, NULL) < 0) {
		bpo_error_set(err, BPO_E_FAIL,
			      "/etc/subuid has no range of %u subordinate uids for %s: add the line "
			      "\"%s:100000:65536\" to /etc/subuid and to /etc/subgid (as root: "
			      "usermod --add-subuids 100000-165535 --add-subgids 100000-165535 %s), "
			      "or run bpo as root",
			      BPO_CHROOT_SUBID_COUNT, name ? name : "this user",
			      name ? name : "USER", name ? name : "USER");
		goto out;
	}
	bpo_buf_reset(&b);
	if (bpo_file_read("/etc/subgid", 1u << 20, &b, NULL) < 0 ||
	    bpo_ns_subid_find(b.data, name, ns->uid, BPO_CHROOT_SUBID_COUNT, &ns->subgid,
			      &ns->subgid_n, NULL) < 0) {
		bpo_error_set(err, BPO_E_FAIL,
			      "/etc/subgid has no range of %u subordinate gids for %s: add the line "
			      "\"%s:100000:65536\" to /etc/subgid (as root: usermod --add-subgids "
			      "100000-165535 %s), or run bpo as root",
			      BPO_CHROOT_SUBID_COUNT, name ? name : "this user",
			      name ? name : "USER", name ? name : "USER");
		goto out;
	}
	ns->subuid_n = BPO_CHROOT_SUBID_COUNT;
	ns->subgid_n = BPO_CHROOT_SUBID_COUNT;
	if (userns_allowed(err) < 0)
		goto out;
	rc = 0;
out:
	bpo_buf_destroy(&b);
	return rc;
}

/* Signal state: the one piece of process-wide mutable state, as a signal
 * handler can only talk to the main flow through a sig_atomic_t. */
static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

void bpo_chroot_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: waits return EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int bpo_chroot_interrupted(void)
{
	return got_signal;
}

/* Child-side failure: message to the error pipe, then exit. */
static void __attribute__((noreturn, format(printf, 2, 3))) die(int efd, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int n, e = errno;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(msg))
		n = (int)sizeof(msg) - 1;
	if (e && (size_t)n + 64 < sizeof(msg))
		n += snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s", strerror(e));
	if (efd >= 0 && write(efd, msg, (size_t)n) < 0)
		_exit(125);
	_exit(125);
}

static int write_map(pid_t pid, const char *prog, unsigned long inside_id, unsigned long host_id,
		     unsigned long sub, unsigned long subn, struct bpo_error *err)
{
	char a[7][32];
	const char *argv[9];

	snprintf(a[0], sizeof(a[0]), "%ld", (long)pid);
	snprintf(a[1], sizeof(a[1]), "%lu", inside_id);
	snprintf(a[2], sizeof(a[2]), "%lu", host_id);
	snprintf(a[3], sizeof(a[3]), "1");
	snprintf(a[4], sizeof(a[4]), "1");
	snprintf(a[5], sizeof(a[5]), "%lu", sub);
	snprintf(a[6], sizeof(a[6]), "%lu", subn - 1);
	argv[0] = prog;
	for (int i = 0; i < 7; i++)
		argv[i + 1] = a[i];
	argv[8] = NULL;
	struct bpo_proc_opts o = {.log_fd = -1};
	if (bpo_proc_run_ok(argv, &o, err) < 0)
		return bpo_error_prefix(err, "mapping ids into the user namespace (is the uidmap "
					"package installed?)");
	return 0;
}

/* Parent side of the user namespace handshake: wait for "u", map, answer. */
static int map_child(const struct bpo_ns *ns, pid_t pid, int rd, int wr, struct bpo_error *err)
{
	char c;
	ssize_t n;

	do
		n = read(rd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return bpo_error_set(err, BPO_E_FAIL, "the namespace child died before mapping");
	if (write_map(pid, "newuidmap", 0, ns->uid, ns->subuid, ns->subuid_n, err) < 0 ||
	    write_map(pid, "newgidmap", 0, ns->gid, ns->subgid, ns->subgid_n, err) < 0)
		return -1;
	if (write(wr, "m", 1) != 1)
		return bpo_error_set(err, BPO_E_FAIL, "namespace handshake: %s", strerror(errno));
	return 0;
}

/* Child side: enter a user namespace and wait for the parent to map it. */
static void enter_userns(int rd, int wr, int efd)
{
	char c;

	if (unshare(CLONE_NEWUSER) < 0)
		die(efd, "unshare(CLONE_NEWUSER)");
	if (write(wr, "u", 1) != 1)
		die(efd, "namespace handshake");
	if (read(rd, &c, 1) != 1)
		_exit(125);
	if (setresgid(0, 0, 0) < 0 || setgroups(0, NULL) < 0 || setresuid(0, 0, 0) < 0)
		die(efd, "becoming root in the user namespace");
}

static void lo_up(int efd)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		die(efd, "socket");
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, "lo", 3);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		die(efd, "SIOCGIFFLAGS lo");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		die(efd, "bringing lo up");
	close(s);
}

static char *in_root(const char *merged, const char *path)
{
	return bpo_xasprintf("%s%s%s", merged, path[0] == '/' ? "" : "/", path);
}

/* Create a file or directory mount point inside the new root (no symlinks followed
 * at the last component; parents come from the image or were made by us). */
static void make_target(int efd, const char *path, bool dir)
{
	struct stat st;

	if (lstat(path, &st) == 0) {
		if (S_ISLNK(st.st_mode))
			die(efd, "%s: is a symbolic link, will not mount on it", path);
		return;
	}
	if (dir) {
		struct bpo_error e;
		bpo_error_init(&e);
		if (bpo_mkdir_p(path, 0755, &e) < 0)
			die(efd, "%s", e.msg);
	} else {
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0)
			die(efd, "%s", path);
		close(fd);
	}
}

static void mount_or_die(int efd, const char *src, const char *dst, const char *type,
			 unsigned long flags, const char *data)
{
	if (mount(src, dst, type, flags, data) < 0)
		die(efd, "mount %s on %s", type ? type : (src ? src : "(remount)"), dst);
}

static void setup_dev(int efd, const char *merged, bool rootless)
{
	static const char *const nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
	char *dev = in_root(merged, "/dev");

	make_target(efd, dev, true);
	mount_or_die(efd, "tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=65536k");
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		char *host = bpo_xasprintf("/dev/%s", nodes[i]);
		char *t = bpo_xasprintf("%s/%s", dev, nodes[i]);
		make_target(efd, t, false);
		mount_or_die(efd, host, t, NULL, MS_BIND, NULL);
		free(host);
		free(t);
	}
	char *pts = bpo_xasprintf("%s/pts", dev), *shm = bpo_xasprintf("%s/shm", dev);
	make_target(efd, pts, true);
	mount_or_die(efd, "devpts", pts, "devpts", MS_NOSUID | MS_NOEXEC,
		     rootless ? "newinstance,ptmxmode=0666,mode=0620"
			      : "newinstance,ptmxmode=0666,mode=0620,gid=5");
	make_target(efd, shm, true);
	mount_or_die(efd, "tmpfs", shm, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	static const char *const links[][2] = {{"pts/ptmx", "ptmx"}, {"/proc/self/fd", "fd"},
		{"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
		{"/proc/self/fd/2", "stderr"}};
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		char *l = bpo_xasprintf("%s/%s", dev, links[i][1]);
		if (symlink(links[i][0], l) < 0)
			die(efd, "symlink %s", l);
		free(l);
	}
	free(pts);
	free(shm);
	free(dev);
}

static void write_root_file(int efd, const char *merged, const struct bpo_chroot_file *f)
{
	char *p = in_root(merged, f->path);
	char *dir = bpo_xstrdup(p);
	struct bpo_error e;
	int fd;

	bpo_error_init(&e);
	*strrchr(dir, '/') = '\0';
	if (bpo_mkdir_p(dir, 0755, &e) < 0)
		die(efd, "%s", e.msg);
	if (unlink(p) < 0 && errno != ENOENT)
		die(efd, "unlink %s", p);
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, f->mode);
	if (fd < 0)
		die(efd, "create %s", p);
	for (size_t off = 0; off < f->len;) {
		ssize_t n = write(fd, f->data + off, f->len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die(efd, "write %s", p);
		}
		off += (size_t)n;
	}
	if (fchmod(fd, f->mode) < 0)
		die(efd, "chmod %s", p);
	close(fd);
	free(dir);
	free(p);
}

/* The root's host name resolves, as on a buildd and in sbuild's unshare
 * mode ("127.0.1.1 sbuild" in /etc/hosts): test suites that look up their
 * own host name (lsof's LTsock, anything calling gethostbyname(hostname))
 * fail otherwise. The image's /etc/hosts is kept, the line added to the
 * root's writable layer when it is missing. */
static void hosts_entry(int efd, const char *merged)
{
	static const char base[] = "127.0.0.1\tlocalhost\n"
				   "::1\t\tlocalhost ip6-localhost ip6-loopback\n";
	static const char line[] = "127.0.1.1\t" ROOT_HOSTNAME "\n";
	char *p = in_root(merged, "/etc/hosts");
	struct bpo_buf b;
	bool have = false;

	bpo_buf_init(&b, 1u << 20);
	struct stat st;
	/* a symlink (a package's, in a layer) is not followed out of the root */
	if (lstat(p, &st) < 0 || !S_ISREG(st.st_mode) || bpo_file_read(p, 1u << 20, &b, NULL) < 0) {
		b.len = 0;
		bpo_buf_append(&b, base, sizeof(base) - 1, NULL);
	}
	for (const char *q = b.data ? b.data : ""; *q && !have;) {
		size_t n = strcspn(q, "\n");
		char *l = bpo_xstrndup(q, n), *save = NULL;
		char *w = strtok_r(l, " \t", &save);
		if (w && *w != '#')
			while ((w = strtok_r(NULL, " \t", &save)) && !have)
				have = strcmp(w, ROOT_HOSTNAME) == 0;
		free(l);
		q += n + (q[n] == '\n');
	}
	if (!have) {
		if (b.len && b.data[b.len - 1] != '\n')
			bpo_buf_append(&b, "\n", 1, NULL);
		bpo_buf_append(&b, line, sizeof(line) - 1, NULL);
		struct bpo_chroot_file f = {"/etc/hosts", b.data, b.len, 0644};
		write_root_file(efd, merged, &f);
	}
	bpo_buf_destroy(&b);
	free(p);
}

/* pid 1 of the new pid namespace: build the root, run the command, reap. */
static void __attribute__((noreturn)) ns_init(const struct bpo_ns *ns,
					      const struct bpo_chroot_spec *s, int efd, int outfd,
					      int capfd)
{
	const char *merged = s->merged;
	char *opts = NULL, *lowers = NULL, *old = NULL;
	pid_t w;
	int st = 0;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die(efd, "making / private");
	for (size_t i = 0; i < s->n_lower; i++) {
		char *o = lowers;
		lowers = bpo_xasprintf("%s%s%s", o ? o : "", o ? ":" : "", s->lower[i]);
		free(o);
	}
	opts = bpo_xasprintf("lowerdir=%s,upperdir=%s,workdir=%s%s", lowers, s->upper, s->work,
			     ns->rootless ? ",userxattr" : "");
	mount_or_die(efd, "overlay", merged, "overlay", 0, opts);
	char *proc = in_root(merged, "/proc");
	make_target(efd, proc, true);
	mount_or_die(efd, "proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	setup_dev(efd, merged, ns->rootless);
	char *tmp = in_root(merged, "/tmp");
	make_target(efd, tmp, true);
	mount_or_die(efd, "tmpfs", tmp, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	for (size_t i = 0; i < s->n_binds; i++) {
		char *t = in_root(merged, s->binds[i].dst);
		struct stat st_src;
		if (stat(s->binds[i].src, &st_src) < 0)
			die(efd, "bind source %s", s->binds[i].src);
		make_target(efd, t, S_ISDIR(st_src.st_mode));
		mount_or_die(efd, s->binds[i].src, t, NULL, MS_BIND | MS_REC, NULL);
		if (s->binds[i].ro)
			mount_or_die(efd, NULL, t, NULL,
				     MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL);
		free(t);
	}
	if (s->copy_resolv) {
		struct bpo_buf rb;
		bpo_buf_init(&rb, 65536);
		if (bpo_file_read("/etc/resolv.conf", 65536, &rb, NULL) == 0) {
			struct bpo_chroot_file f = {"/etc/resolv.conf", rb.data, rb.len, 0644};
			write_root_file(efd, merged, &f);
		}
		bpo_buf_destroy(&rb);
	}
	hosts_entry(efd, merged);
	for (size_t i = 0; i < s->n_files; i++)
		write_root_file(efd, merged, &s->files[i]);
	if (sethostname(ROOT_HOSTNAME, strlen(ROOT_HOSTNAME)) < 0)
		die(efd, "sethostname");
	old = in_root(merged, "/.bpo-oldroot");
	if (mkdir(old, 0700) < 0 && errno != EEXIST)
		die(efd, "mkdir %s", old);
	if (syscall(SYS_pivot_root, merged, old) < 0)
		die(efd, "pivot_root %s", merged);
	if (chdir("/") < 0)
		die(efd, "chdir /");
	if (umount2("/.bpo-oldroot", MNT_DETACH) < 0)
		die(efd, "unmounting the old root");
	if (rmdir("/.bpo-oldroot") < 0)
		die(efd, "rmdir /.bpo-oldroot");
	if (!s->net)
		lo_up(efd);
	w = fork();
	if (w < 0)
		die(efd, "fork");
	if (w == 0) {
		if (!s->interactive) {
			int dn = open("/dev/null", O_RDONLY | O_CLOEXEC);
			if (dn < 0 || dup2(dn, 0) < 0)
				die(efd, "/dev/null");
			if (outfd >= 0 && (dup2(outfd, 1) < 0 || dup2(outfd, 2) < 0))
				die(efd, "dup2");
			if (capfd >= 0 && dup2(capfd, 1) < 0)
				die(efd, "dup2");
		}
		if (s->uid != 0) {
			if (setgroups(0, NULL) < 0 || setresgid(s->gid, s->gid, s->gid) < 0 ||
			    setresuid(s->uid, s->uid, s->uid) < 0)
				die(efd, "dropping to uid %lu", (unsigned long)s->uid);
		}
		umask(022);
		if (chdir(s->cwd ? s->cwd : "/") < 0)
			die(efd, "chdir %s", s->cwd ? s->cwd : "/");
		signal(SIGPIPE, SIG_DFL);
		execve(s->argv[0], (char *const *)s->argv, (char *const *)s->env);
		die(efd, "running %s in the root", s->argv[0]);
	}
	if (outfd >= 0)
		close(outfd);
	if (capfd >= 0)
		close(capfd);
	/* reap everything (orphans re-parent to us) until the command ends */
	for (;;) {
		int ws;
		pid_t r = wait(&ws);
		if (r == w) {
			st = ws;
			break;
		}
		if (r < 0 && errno != EINTR)
			_exit(125);
	}
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

/* Read what is there on fd into the log/echo/capture; false at EOF. */
static bool pump(int fd, int log_fd, bool echo, struct bpo_buf *cap)
{
	char chunk[16384];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	if (n == 0)
		return false;
	if (cap) {
		bpo_buf_append(cap, chunk, (size_t)n, NULL);
		if (!echo)
			bpo_status_feed(chunk, (size_t)n);
		return true;
	}
	if (log_fd >= 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t m = write(log_fd, chunk + off, (size_t)(n - off));
			if (m <= 0)
				break;
			off += m;
		}
		if (!echo)
			bpo_status_feed(chunk, (size_t)n);
	}
	if (echo && write(STDERR_FILENO, chunk, (size_t)n) < 0) {
		/* nothing to do about a closed stderr */
	}
	return true;
}

int bpo_chroot_run(const struct bpo_ns *ns, const struct bpo_chroot_spec *s, int *status,
		   struct bpo_error *err)
{
	int errp[2] = {-1, -1}, outp[2] = {-1, -1}, capp[2] = {-1, -1};
	int up[2] = {-1, -1}, down[2] = {-1, -1}, pidp[2] = {-1, -1};
	int rc = -1, wst = 0;
	pid_t child = -1, init_pid = -1;
	bool timed_out = false, reaped = false;
	time_t deadline = s->timeout ? time(NULL) + s->timeout : 0;
	/* a status line while the output is logged or captured, not echoed */
	const bool status_line = (s->log_fd >= 0 || s->out) && !s->echo;
	char emsg[1100];
	ssize_t elen = 0;

	*status = -1;
	if (!s->n_lower || !s->upper || !s->work || !s->merged || !s->argv || !s->argv[0])
		return bpo_error_set(err, BPO_E_FAIL, "bpo_chroot_run: incomplete spec");
	for (size_t i = 0; i < s->n_lower; i++)
		if (strpbrk(s->lower[i], ",:\\"))
			return bpo_error_set(err, BPO_E_FAIL, "%s: ',', ':' and '\\' cannot be used "
					     "in overlay paths", s->lower[i]);
	if (strpbrk(s->upper, ",:\\") || strpbrk(s->work, ",:\\"))
		return bpo_error_set(err, BPO_E_FAIL, "%s: ',', ':' and '\\' cannot be used in "
				     "overlay paths", s->upper);
	if (pipe2(errp, O_CLOEXEC) < 0 || pipe2(pidp, O_CLOEXEC) < 0 ||
	    (!s->interactive && pipe2(outp, O_CLOEXEC) < 0) ||
	    (s->out && pipe2(capp, O_CLOEXEC) < 0) ||
	    (ns->rootless && (pipe2(up, O_CLOEXEC) < 0 || pipe2(down, O_CLOEXEC) < 0))) {
		bpo_error_set(err, BPO_E_IO, "pipe: %s", strerror(errno));
		goto out;
	}
	fflush(NULL);
	child = fork();
	if (child < 0) {
		bpo_error_set(err, BPO_E_IO, "fork: %s", strerror(errno));
		goto out;
	}
	if (child == 0) {
		pid_t ppid = getppid(), in;
		int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS;
		close(errp[0]);
		close(pidp[0]);
		if (outp[0] >= 0)
			close(outp[0]);
		if (capp[0] >= 0)
			close(capp[0]);
		if (ns->rootless)
			enter_userns(down[0], up[1], errp[1]);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != ppid)
			_exit(125);
		if (!s->net)
			flags |= CLONE_NEWNET;
		if (unshare(flags) < 0)
			die(errp[1], "unshare(mount, pid, ipc, uts%s)", s->net ? "" : ", net");
		in = fork();
		if (in < 0)
			die(errp[1], "fork");
		if (in == 0) {
			if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
				_exit(125);
			ns_init(ns, s, errp[1], outp[1], capp[1]);
		}
		/* tell the parent who to kill */
		if (write(pidp[1], &in, sizeof(in)) != sizeof(in))
			_exit(125);
		close(pidp[1]);
		if (outp[1] >= 0)
			close(outp[1]);
		if (capp[1] >= 0)
			close(capp[1]);
		for (;;) {
			int ws;
			pid_t r = waitpid(in, &ws, 0);
			if (r == in)
				_exit(WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws));
			if (r < 0 && errno != EINTR)
				_exit(125);
		}
	}
	close(errp[1]);
	errp[1] = -1;
	close(pidp[1]);
	pidp[1] = -1;
	if (outp[1] >= 0) {
		close(outp[1]);
		outp[1] = -1;
	}
	if (capp[1] >= 0) {
		close(capp[1]);
		capp[1] = -1;
	}
	if (ns->rootless) {
		close(up[1]);
		up[1] = -1;
		close(down[0]);
		down[0] = -1;
		if (map_child(ns, child, up[0], down[1], err) < 0) {
			kill(child, SIGKILL);
			goto out;
		}
	}
	{
		ssize_t n;
		do
			n = read(pidp[0], &init_pid, sizeof(init_pid));
		while (n < 0 && errno == EINTR && !got_signal);
		if (n != sizeof(init_pid))
			init_pid = -1;
	}
	/* pump output until the child is gone; kill on timeout or signal */
	while (!reaped) {
		struct pollfd pf[2];
		int np = 0;
		if (outp[0] >= 0)
			pf[np++] = (struct pollfd){.fd = outp[0], .events = POLLIN};
		if (capp[0] >= 0)
			pf[np++] = (struct pollfd){.fd = capp[0], .events = POLLIN};
		if (np && poll(pf, (nfds_t)np, 100) > 0) {
			for (int i = 0; i < np; i++) {
				if (!pf[i].revents)
					continue;
				bool cap = pf[i].fd == capp[0];
				if (!pump(pf[i].fd, s->log_fd, s->echo, cap ? s->out : NULL)) {
					close(pf[i].fd);
					if (cap)
						capp[0] = -1;
					else
						outp[0] = -1;
				}
			}
		} else if (!np) {
			struct timespec ts = {0, 100 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
		if (status_line)
			bpo_status_tick();
		pid_t r = waitpid(child, &wst, WNOHANG);
		if (r == child) {
			reaped = true;
			break;
		}
		if (got_signal || (deadline && time(NULL) >= deadline)) {
			timed_out = !got_signal;
			if (init_pid > 0)
				kill(init_pid, SIGKILL);
			kill(child, SIGKILL);
			while (waitpid(child, &wst, 0) < 0 && errno == EINTR)
				;
			reaped = true;
			/* the init's death waits for every process of its namespace,
			   and the child waited for it unless it was killed itself:
			   wait until the init is really gone */
			if (init_pid > 0)
				for (int i = 0; i < 100 && kill(init_pid, 0) == 0; i++) {
					struct timespec ts = {0, 50 * 1000 * 1000};
					nanosleep(&ts, NULL);
				}
			if (timed_out) {
				bpo_error_set(err, BPO_E_FAIL, "%s: timed out after %u s, killed",
					      s->argv[0], s->timeout);
				bpo_error_class(err, "timeout");
			} else {
				bpo_error_set(err, BPO_E_FAIL, "%s: interrupted by signal %d, killed",
					      s->argv[0], (int)got_signal);
				bpo_error_class(err, "interrupted");
			}
			goto out;
		}
	}
	/* drain */
	for (int i = 0; i < 2; i++) {
		int *fdp = i ? &capp[0] : &outp[0];
		if (*fdp < 0)
			continue;
		fcntl(*fdp, F_SETFL, O_NONBLOCK);
		while (pump(*fdp, s->log_fd, s->echo, i ? s->out : NULL))
			if (errno == EAGAIN)
				break;
	}
	do
		elen = read(errp[0], emsg, sizeof(emsg) - 1);
	while (elen < 0 && errno == EINTR);
	if (elen > 0) {
		emsg[elen] = '\0';
		bpo_error_set(err, BPO_E_FAIL, "setting up the root: %s", emsg);
		goto out;
	}
	*status = WIFEXITED(wst) ? WEXITSTATUS(wst) : 128 + WTERMSIG(wst);
	rc = 0;
out:
	if (status_line)
		bpo_status_done();
	if (child > 0 && !reaped) {
		if (init_pid > 0)
			kill(init_pid, SIGKILL);
		kill(child, SIGKILL);
		while (waitpid(child, &wst, 0) < 0 && errno == EINTR)
			;
	}
	int *fds[] = {&errp[0], &errp[1], &outp[0], &outp[1], &capp[0], &capp[1],
		      &up[0], &up[1], &down[0], &down[1], &pidp[0], &pidp[1]};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0)
			close(*fds[i]);
	return rc;
}

int bpo_ns_exec(const struct bpo_ns *ns, const char *const argv[], int log_fd,
		struct bpo_error *err)
{
	int up[2] = {-1, -1}, down[2] = {-1, -1}, errp[2] = {-1, -1};
	int rc = -1, st = 0;
	pid_t pid;
	char emsg[1100];
	ssize_t n;

	if (!ns->rootless) {
		struct bpo_proc_opts o = {.log_fd = log_fd};
		return bpo_proc_run_ok(argv, &o, err);
	}
	if (pipe2(up, O_CLOEXEC) < 0 || pipe2(down, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		bpo_error_set(err, BPO_E_IO, "pipe: %s", strerror(errno));
		goto out;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		bpo_error_set(err, BPO_E_IO, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		enter_userns(down[0], up[1], errp[1]);
		if (log_fd >= 0) {
			dup2(log_fd, 1);
			dup2(log_fd, 2);
		}
		execvp(argv[0], (char *const *)argv);
		die(errp[1], "cannot run %s", argv[0]);
	}
	close(up[1]);
	up[1] = -1;
	close(down[0]);
	down[0] = -1;
	close(errp[1]);
	errp[1] = -1;
	if (map_child(ns, pid, up[0], down[1], err) < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		goto out;
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	n = read(errp[0], emsg, sizeof(emsg) - 1);
	if (n > 0) {
		emsg[n] = '\0';
		bpo_error_set(err, BPO_E_FAIL, "%s", emsg);
		goto out;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		bpo_error_set(err, BPO_E_FAIL, "%s (in a user namespace) failed with status %d",
			      argv[0], WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		goto out;
	}
	rc = 0;
out:;
	int *fds[] = {&up[0], &up[1], &down[0], &down[1], &errp[0], &errp[1]};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0)
			close(*fds[i]);
	return rc;
}

int bpo_ns_rm_rf(const struct bpo_ns *ns, const char *path, struct bpo_error *err)
{
	const char *argv[] = {"rm", "-rf", "--one-file-system", "--", path, NULL};

	if (!bpo_path_exists(path))
		return 0;
	if (!ns->rootless)
		return bpo_rm_rf(path, err);
	return bpo_ns_exec(ns, argv, -1, err);
}

char *bpo_chroot_tmp_new(const struct bpo_ns *ns, const char *cache_dir, const char *prefix,
			 struct bpo_error *err)
{
	char *base = bpo_xasprintf("%s/chroots/tmp", cache_dir), *tmp = NULL, *pidf = NULL;
	char pidtext[32];
	DIR *d;
	struct dirent *de;

	if (bpo_mkdir_p(base, 0755, err) < 0)
		goto out;
	d = opendir(base);
	while (d && (de = readdir(d))) {
		struct bpo_buf b;
		char *dir, *pf;
		if (de->d_name[0] == '.')
			continue;
		dir = bpo_path_join(base, de->d_name);
		pf = bpo_path_join(dir, "pid");
		bpo_buf_init(&b, 64);
		if (bpo_file_read(pf, 64, &b, NULL) == 0 && b.data) {
			char *e = NULL;
			long pid = strtol(b.data, &e, 10);
			if (e && *e == '\n' && pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH) {
				bpo_verbose("removing %s, left by process %ld", dir, pid);
				bpo_ns_rm_rf(ns, dir, NULL);
			}
		}
		bpo_buf_destroy(&b);
		free(pf);
		free(dir);
	}
	if (d)
		closedir(d);
	tmp = bpo_mkdtemp(base, prefix, err);
	if (!tmp)
		goto out;
	if (chmod(tmp, 0755) < 0) {
		bpo_error_set(err, BPO_E_IO, "%s: %s", tmp, strerror(errno));
		goto fail;
	}
	pidf = bpo_path_join(tmp, "pid");
	snprintf(pidtext, sizeof(pidtext), "%ld\n", (long)getpid());
	if (bpo_file_write_atomic(pidf, pidtext, strlen(pidtext), 0644, err) < 0)
		goto fail;
	goto out;
fail:
	bpo_rm_rf(tmp, NULL);
	free(tmp);
	tmp = NULL;
out:
	free(pidf);
	free(base);
	return tmp;
}

char *bpo_chroot_unpacked(const struct bpo_ns *ns, const struct bpo_chroot_meta *m,
			  const char *cache_dir, struct bpo_error *err)
{
	char *dir = chroots_dir(cache_dir), *base = bpo_path_join(dir, "unpacked");
	char *dest = bpo_path_join(base, m->sha256), *tmp = NULL, *tarball = NULL;
	char *result = NULL;

	if (bpo_is_dir(dest)) {
		result = dest;
		dest = NULL;
		goto out;
	}
	if (bpo_mkdir_p(base, 0755, err) < 0)
		goto out;
	tmp = bpo_mkdtemp(base, ".unpack", err);
	if (!tmp)
		goto out;
	if (chmod(tmp, 0755) < 0) {
		bpo_error_set(err, BPO_E_IO, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	tarball = bpo_path_join(dir, m->tarball);
	/* the first use of the image by any command: nothing unverified is
	   unpacked, and the copy is named by the hash it was checked against */
	if (bpo_chroot_meta_verify(m, cache_dir, err) < 0) {
		rmdir(tmp);
		goto out;
	}
	bpo_info("unpacking the %s/%s image (once per image)", m->release, m->arch);
	{
		/* device nodes are left out: the root gets its own /dev (and a
		   user namespace could not make them) */
		const char *argv[] = {"tar", "--numeric-owner", "--exclude=./dev/*", "-xpf",
				      tarball, "-C", tmp, NULL};
		if (bpo_ns_exec(ns, argv, -1, err) < 0) {
			bpo_error_prefix(err, "unpacking %s", tarball);
			bpo_ns_rm_rf(ns, tmp, NULL);
			goto out;
		}
	}
	if (rename(tmp, dest) < 0) {
		if (bpo_is_dir(dest)) { /* someone else was faster */
			bpo_ns_rm_rf(ns, tmp, NULL);
		} else {
			bpo_error_set(err, BPO_E_IO, "rename %s: %s", dest, strerror(errno));
			bpo_ns_rm_rf(ns, tmp, NULL);
			goto out;
		}
	}
	result = dest;
	dest = NULL;
out:
	free(tarball);
	free(tmp);
	free(dest);
	free(base);
	free(dir);
	return result;
}

/* ------------------------------------------------------------ create etc. */

static char *utc_now(void)
{
	char s[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return bpo_xstrdup(s);
}

/* Remove the build-dependency layers (build.h) made over the image sha256. */
static void prune_layers(const struct bpo_ns *ns, const char *dir, const char *sha256)
{
	char *layers = bpo_path_join(dir, "layers"), *want;
	DIR *d = opendir(layers);
	struct dirent *de;

	want = bpo_xasprintf("Image-SHA256: %s\n", sha256);
	while (d && (de = readdir(d))) {
		struct bpo_buf b;
		char *complete;
		if (!bpo_sha256_hex_valid(de->d_name))
			continue;
		complete = bpo_xasprintf("%s/%s/complete", layers, de->d_name);
		bpo_buf_init(&b, 4096);
		if (bpo_file_read(complete, 4096, &b, NULL) == 0 && b.data &&
		    bpo_str_has_prefix(b.data, want)) {
			char *l = bpo_path_join(layers, de->d_name);
			bpo_ns_rm_rf(ns, l, NULL);
			free(l);
		}
		bpo_buf_destroy(&b);
		free(complete);
	}
	if (d)
		closedir(d);
	free(want);
	free(layers);
}

int bpo_chroot_create(const struct bpo_config *cfg, const struct bpo_chroot_conf *conf,
		      const struct bpo_chroot_create_opts *o, struct bpo_chroot_meta *out,
		      struct bpo_error *err)
{
	char *dir = chroots_dir(cfg->cache_dir), *name = NULL, *tmp_tar = NULL, *final_tar = NULL;
	char *meta_path = NULL, *meta_text = NULL, *sources = NULL, *comps = NULL;
	char *arch_opt = NULL, *keyring_opt = NULL, *comp_opt = NULL, *old_unpacked = NULL;
	struct bpo_chroot_meta m, old;
	struct bpo_strv argv = {0};
	char hex[BPO_HASH_HEX_MAX];
	uint64_t size = 0;
	int rc = -1;

	bpo_chroot_meta_init(&m);
	bpo_chroot_meta_init(&old);
	meta_path = bpo_xasprintf("%s/%s-%s.meta", dir, conf->release, o->arch);
	if (bpo_path_exists(meta_path) && !o->update) {
		bpo_error_set(err, BPO_E_USAGE, "the %s/%s image exists already (%s); use "
			      "`bpo chroot update %s` to replace it", conf->release, o->arch,
			      meta_path, conf->release);
		goto out;
	}
	if (!cfg->mirror) {
		bpo_error_set(err, BPO_E_FAIL, "no Debian mirror configured and none found in the "
			      "apt sources (set mirror in bpo.conf or $BPO_MIRROR)");
		goto out;
	}
	if (!bpo_chroot_name_ok(o->arch)) {
		bpo_error_set(err, BPO_E_USAGE, "bad architecture \"%.64s\"", o->arch);
		goto out;
	}
	if (!bpo_path_exists(conf->keyring)) {
		bpo_error_set(err, BPO_E_FAIL, "keyring %s does not exist (install "
			      "debian-archive-keyring)", conf->keyring);
		goto out;
	}
	if (bpo_mkdir_p(dir, 0755, err) < 0)
		goto out;
	name = bpo_xasprintf("%s-%s.tar.zst", conf->release, o->arch);
	final_tar = bpo_path_join(dir, name);
	tmp_tar = bpo_xasprintf("%s/.%s.new.%ld.tar.zst", dir, name, (long)getpid());
	sources = bpo_chroot_sources_list(conf, cfg->mirror, cfg->security_mirror, cfg);
	for (size_t i = 0; i < conf->components.n; i++) {
		char *p = comps;
		comps = bpo_xasprintf("%s%s%s", p ? p : "", p ? "," : "", conf->components.v[i]);
		free(p);
	}
	arch_opt = bpo_xasprintf("--architectures=%s", o->arch);
	keyring_opt = bpo_xasprintf("--keyring=%s", conf->keyring);
	comp_opt = bpo_xasprintf("--components=%s", comps);
	bpo_strv_push(&argv, "mmdebstrap");
	bpo_strv_push(&argv, "--variant=buildd");
	bpo_strv_push(&argv, geteuid() == 0 ? "--mode=root" : "--mode=unshare");
	bpo_strv_push(&argv, arch_opt);
	bpo_strv_push(&argv, keyring_opt);
	bpo_strv_push(&argv, comp_opt);
	bpo_strv_push(&argv, "--include=ca-certificates");
	/* the unprivileged build user, home /build, as sbuild's unshare mode */
	bpo_strv_push(&argv, "--customize-hook=chroot \"$1\" useradd -u 1000 -U -m -d /build "
			     "-s /bin/sh build && chmod 0755 \"$1/build\"");
	bpo_strv_push(&argv, conf->suite);
	bpo_strv_push(&argv, tmp_tar);
	bpo_strv_push(&argv, "-"); /* sources.list on stdin */
	{
		struct bpo_proc_opts po = {.log_fd = o->log_fd, .input = sources};
		int st = 0;
		bpo_info("creating the %s/%s image with mmdebstrap", conf->release, o->arch);
		if (bpo_proc_run((const char *const *)argv.v, &po, &st, err) < 0)
			goto out;
		if (st != 0) {
			bpo_error_set(err, BPO_E_FAIL, "mmdebstrap failed (status %d) for %s/%s",
				      st, conf->release, o->arch);
			goto out;
		}
	}
	if (bpo_hash_file(tmp_tar, BPO_HASH_SHA256, hex, &size, err) < 0)
		goto out;
	m.release = bpo_xstrdup(conf->release);
	m.arch = bpo_xstrdup(o->arch);
	m.suite = bpo_xstrdup(conf->suite);
	{
		char mh[BPO_HASH_HEX_MAX];
		bpo_sha256_hex_buf(cfg->mirror, strlen(cfg->mirror), mh);
		m.mirror_sha256 = bpo_xstrdup(mh);
	}
	m.created = utc_now();
	m.tarball = bpo_xstrdup(name);
	memcpy(m.sha256, hex, 65);
	m.size = size;
	meta_text = bpo_chroot_meta_format(&m);
	/* remember the old image's unpacked tree, removed once the new one is in place */
	if (o->update && bpo_chroot_meta_load(&old, cfg->cache_dir, conf->release, o->arch, NULL) == 0 &&
	    strcmp(old.sha256, m.sha256) != 0)
		old_unpacked = bpo_xasprintf("%s/unpacked/%s", dir, old.sha256);
	if (rename(tmp_tar, final_tar) < 0) {
		bpo_error_set(err, BPO_E_IO, "rename %s: %s", final_tar, strerror(errno));
		goto out;
	}
	if (bpo_fsync_parent(final_tar, err) < 0 ||
	    bpo_file_write_atomic(meta_path, meta_text, strlen(meta_text), 0644, err) < 0)
		goto out;
	if (old_unpacked) {
		struct bpo_ns ns;
		if (bpo_ns_init(&ns, NULL) == 0) {
			bpo_ns_rm_rf(&ns, old_unpacked, NULL);
			prune_layers(&ns, dir, old.sha256);
		}
	}
	if (out) {
		*out = m;
		bpo_chroot_meta_init(&m);
	}
	rc = 0;
out:
	if (tmp_tar && bpo_path_exists(tmp_tar))
		unlink(tmp_tar);
	bpo_chroot_meta_destroy(&m);
	bpo_chroot_meta_destroy(&old);
	bpo_strv_destroy(&argv);
	free(old_unpacked);
	free(arch_opt);
	free(keyring_opt);
	free(comp_opt);
	free(comps);
	free(sources);
	free(meta_text);
	free(meta_path);
	free(tmp_tar);
	free(final_tar);
	free(name);
	free(dir);
	return rc;
}

int bpo_chroot_remove(const struct bpo_ns *ns, const char *cache_dir, const char *release,
		      const char *arch, struct bpo_error *err)
{
	struct bpo_chroot_meta m;
	char *dir = chroots_dir(cache_dir), *meta = NULL, *tar = NULL, *unp = NULL;
	int rc = -1;

	if (bpo_chroot_meta_load(&m, cache_dir, release, arch, err) < 0) {
		free(dir);
		return -1;
	}
	meta = bpo_xasprintf("%s/%s-%s.meta", dir, release, arch);
	tar = bpo_path_join(dir, m.tarball);
	unp = bpo_xasprintf("%s/unpacked/%s", dir, m.sha256);
	/* metadata first: a half-removed image is then simply absent */
	if (unlink(meta) < 0) {
		bpo_error_set(err, BPO_E_IO, "%s: %s", meta, strerror(errno));
		goto out;
	}
	if (unlink(tar) < 0 && errno != ENOENT) {
		bpo_error_set(err, BPO_E_IO, "%s: %s", tar, strerror(errno));
		goto out;
	}
	if (bpo_ns_rm_rf(ns, unp, err) < 0)
		goto out;
	rc = 0;
out:
	bpo_chroot_meta_destroy(&m);
	free(meta);
	free(tar);
	free(unp);
	free(dir);
	return rc;
}

int bpo_chroot_layer_commit(const struct bpo_ns *ns, const char *layers, const char *key,
			    const char *upper, const char *const *names,
			    const char *const *datas, size_t n, const char *complete,
			    char **layer_upper, struct bpo_error *err)
{
	char *layer = bpo_path_join(layers, key);
	char *ltmp = bpo_xasprintf("%s/.new-%s-%ld", layers, key, (long)getpid());
	char *up = bpo_path_join(ltmp, "upper"), *cf = bpo_path_join(ltmp, "complete");
	int rc = -1;

	*layer_upper = NULL;
	if (bpo_mkdir_p(layers, 0755, err) < 0 || bpo_mkdir_p(ltmp, 0755, err) < 0)
		goto out;
	if (rename(upper, up) < 0) {
		bpo_error_set(err, BPO_E_IO, "rename %s: %s", up, strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		char *f = bpo_path_join(ltmp, names[i]);
		int w = bpo_file_write_atomic(f, datas[i], strlen(datas[i]), 0644, err);
		free(f);
		if (w < 0)
			goto out;
	}
	if (bpo_file_write_atomic(cf, complete, strlen(complete), 0644, err) < 0)
		goto out;
	if (rename(ltmp, layer) < 0) {
		/* another process made the same layer meanwhile: use theirs */
		if (!bpo_is_dir(layer)) {
			bpo_error_set(err, BPO_E_IO, "rename %s: %s", layer, strerror(errno));
			goto out;
		}
		bpo_ns_rm_rf(ns, ltmp, NULL);
	}
	*layer_upper = bpo_path_join(layer, "upper");
	rc = 0;
out:
	if (bpo_path_exists(ltmp))
		bpo_ns_rm_rf(ns, ltmp, NULL);
	free(layer);
	free(ltmp);
	free(up);
	free(cf);
	return rc;
}
