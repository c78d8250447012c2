/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for bpoconf: apt sources parsing on committed sample trees,
 * bpo.conf layering and origins, environment fallbacks, bad files. */
#include "config.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "bpoconf.h"
#include "buf.h"
#include "err.h"
#include "fsutil.h"
#include "xmem.h"

static const char *const env_vars[] = {
	"BPO_MIRROR", "BPO_CACHE_DIR", "BPO_APT_DIR", "DEBFULLNAME", "DEBEMAIL",
	"NAME",	      "EMAIL",	       "XDG_CACHE_HOME", NULL,
};

static char *data(const char *sub)
{
	const char *src = getenv("BPO_SRCDIR");
	return bpo_xasprintf("%s/tests/data/%s", src ? src : ".", sub);
}

static int clean_env(void **state)
{
	(void)state;
	for (size_t i = 0; env_vars[i]; i++)
		unsetenv(env_vars[i]);
	setenv("HOME", "/home/tester", 1);
	return 0;
}

static void check_apt(const char *tree, const char *want_mirror, const char *want_file,
		      const char *want_security)
{
	char *dir = data(tree), *where = NULL, *sec = NULL, *m;
	struct bpo_error err;
	bpo_error_init(&err);
	m = bpo_config_apt_mirror_in(dir, &where, &sec, &err);
	if (!want_mirror) {
		assert_null(m);
		assert_null(where);
	} else {
		char *file = bpo_xasprintf("%s/%s", dir, want_file);
		if (!m)
			fail_msg("%s: no mirror found", tree);
		assert_string_equal(m, want_mirror);
		assert_string_equal(where, file);
		free(file);
	}
	if (want_security) {
		assert_non_null(sec);
		assert_string_equal(sec, want_security);
	} else {
		assert_null(sec);
	}
	free(m);
	free(where);
	free(sec);
	free(dir);
}

static void test_apt_deb822(void **state)
{
	(void)state;
	check_apt("apt/deb822", "http://mirror.example/debian", "sources.list.d/debian.sources",
		  "http://security.example/debian-security");
}

static void test_apt_oneline(void **state)
{
	(void)state;
	check_apt("apt/oneline", "http://mirror.example/debian", "sources.list",
		  "http://security.example/debian-security");
}

static void test_apt_prefer_release(void **state)
{
	(void)state;
	check_apt("apt/prefer", "http://mirror.example/debian", "sources.list.d/b-main.sources",
		  "http://security.example/debian-security");
}

static void test_apt_none(void **state)
{
	(void)state;
	check_apt("apt/none", NULL, NULL, NULL);
	check_apt("apt/does-not-exist", NULL, NULL, NULL);
}

static void test_apt_mirror_env_dir(void **state)
{
	char *dir = data("apt/oneline"), *m;
	(void)state;
	setenv("BPO_APT_DIR", dir, 1);
	m = bpo_config_apt_mirror(NULL);
	assert_non_null(m);
	assert_string_equal(m, "http://mirror.example/debian");
	free(m);
	free(dir);
}

/* No files: defaults, the apt mirror, and where each came from. */
static void test_defaults(void **state)
{
	char *apt = data("apt/deb822");
	struct bpo_config c;
	struct bpo_error err;
	(void)state;
	setenv("XDG_CACHE_HOME", "/tmp/xdg-cache", 1);
	assert_int_equal(bpo_config_load_paths(&c, NULL, NULL, NULL, apt, &err), 0);
	assert_string_equal(c.mirror, "http://mirror.example/debian");
	assert_non_null(strstr(c.origin[BPO_CONF_MIRROR], "apt sources ("));
	assert_string_equal(c.security_mirror, "http://security.example/debian-security");
	if (geteuid() == 0) {
		assert_string_equal(c.cache_dir, "/var/cache/bpo");
		assert_string_equal(c.work_dir, "/var/cache/bpo/work");
	} else {
		assert_string_equal(c.cache_dir, "/tmp/xdg-cache/bpo");
		assert_string_equal(c.origin[BPO_CONF_CACHE_DIR], "$XDG_CACHE_HOME");
	}
	assert_string_equal(c.keyring, "/usr/share/keyrings/debian-archive-keyring.gpg");
	assert_int_equal(c.build_timeout, 14400);
	assert_string_equal(c.build_user, "bpo-build");
	assert_null(c.maintainer_name);
	assert_null(c.maintainer_email);
	assert_null(c.loaded_from);
	assert_string_equal(c.origin[BPO_CONF_BUILD_USER], "default");
	for (int k = 0; k < BPO_CONF_N_KEYS; k++)
		assert_non_null(c.origin[k]);
	bpo_config_destroy(&c);
	bpo_config_destroy(&c);
	free(apt);
}

/* system.conf, then user.conf over it; the environment over both. */
static void test_layering(void **state)
{
	char *sys = data("bpoconf/system.conf"), *user = data("bpoconf/user.conf");
	char *apt = data("apt/none"), *origin;
	struct bpo_config c;
	struct bpo_error err;
	(void)state;
	setenv("DEBFULLNAME", "Not Used", 1);
	setenv("DEBEMAIL", "not-used@example.org", 1);
	assert_int_equal(bpo_config_load_paths(&c, sys, user, NULL, apt, &err), 0);
	assert_string_equal(c.mirror, "http://mirror.example/debian");
	origin = bpo_xasprintf("%s:2:9", sys);
	assert_string_equal(c.origin[BPO_CONF_MIRROR], origin);
	free(origin);
	assert_string_equal(c.security_mirror, "http://security.example/debian-security");
	assert_string_equal(c.cache_dir, "/home/tester/cache/bpo");
	origin = bpo_xasprintf("%s:2:12", user);
	assert_string_equal(c.origin[BPO_CONF_CACHE_DIR], origin);
	free(origin);
	assert_string_equal(c.work_dir, "/srv/bpo-work");
	assert_string_equal(c.maintainer_name, "Jane Doe");
	assert_string_equal(c.maintainer_email, "jane@example.org");
	assert_int_equal(c.build_timeout, 7200);
	assert_string_equal(c.build_user, "builder");
	origin = bpo_xasprintf("%s, %s", sys, user);
	assert_string_equal(c.loaded_from, origin);
	free(origin);
	bpo_config_destroy(&c);

	/* the environment wins over the files */
	setenv("BPO_MIRROR", "https://env.example/debian/", 1);
	setenv("BPO_CACHE_DIR", "/tmp/env-cache", 1);
	assert_int_equal(bpo_config_load_paths(&c, sys, user, NULL, apt, &err), 0);
	assert_string_equal(c.mirror, "https://env.example/debian");
	assert_string_equal(c.origin[BPO_CONF_MIRROR], "$BPO_MIRROR");
	assert_string_equal(c.cache_dir, "/tmp/env-cache");
	assert_string_equal(c.work_dir, "/srv/bpo-work"); /* set by a file: stays */
	bpo_config_destroy(&c);

	/* --config FILE: only that file */
	unsetenv("BPO_MIRROR");
	unsetenv("BPO_CACHE_DIR");
	assert_int_equal(bpo_config_load_paths(&c, sys, NULL, user, apt, &err), 0);
	assert_null(c.mirror);
	assert_non_null(strstr(c.origin[BPO_CONF_MIRROR], "unset"));
	assert_string_equal(c.work_dir, "/home/tester/cache/bpo/work");
	assert_string_equal(c.loaded_from, user);
	bpo_config_destroy(&c);

	setenv("BPO_MIRROR", "ftp://bad.example/", 1);
	assert_int_equal(bpo_config_load_paths(&c, NULL, NULL, NULL, apt, &err), -1);
	assert_string_equal(err.msg, "$BPO_MIRROR: expected an http:// or https:// URL");
	assert_int_equal(bpo_error_exit_code(&err), 2);
	free(sys);
	free(user);
	free(apt);
}

static void test_missing_files(void **state)
{
	char *apt = data("apt/none"), *empty = data("bpoconf/empty.conf");
	struct bpo_config c;
	struct bpo_error err;
	(void)state;
	/* default places may be missing */
	assert_int_equal(bpo_config_load_paths(&c, "/nonexistent/bpo.conf", "/nonexistent/u.conf",
					       NULL, apt, &err),
			 0);
	assert_null(c.loaded_from);
	bpo_config_destroy(&c);
	/* an explicit one may not */
	assert_int_equal(bpo_config_load_paths(&c, NULL, NULL, "/nonexistent/x.conf", apt, &err),
			 -1);
	assert_int_equal(bpo_error_exit_code(&err), 2);
	assert_non_null(strstr(err.msg, "/nonexistent/x.conf"));
	/* an empty file is fine and counts as read */
	assert_int_equal(bpo_config_load_paths(&c, NULL, NULL, empty, apt, &err), 0);
	assert_string_equal(c.loaded_from, empty);
	assert_int_equal(c.build_timeout, 14400);
	bpo_config_destroy(&c);
	free(apt);
	free(empty);
}

static void test_maintainer_env(void **state)
{
	static const struct {
		const char *debfullname, *debemail, *name, *email;
		const char *want_name, *want_email, *want_origin;
	} t[] = {
		{"Jane Doe", "jane@example.org", NULL, NULL, "Jane Doe", "jane@example.org",
		 "$DEBFULLNAME and $DEBEMAIL"},
		{NULL, "Jane Doe <jane@example.org>", NULL, NULL, "Jane Doe", "jane@example.org",
		 "$DEBEMAIL"},
		{"Other Name", "Jane Doe <jane@example.org>", NULL, NULL, "Other Name",
		 "jane@example.org", "$DEBFULLNAME and $DEBEMAIL"},
		{NULL, NULL, "Nm", "nm@example.org", "Nm", "nm@example.org", "$NAME and $EMAIL"},
		{NULL, "d@example.org", "Nm", "nm@example.org", "Nm", "d@example.org",
		 "$NAME and $DEBEMAIL"},
		{NULL, "not an address", NULL, NULL, NULL, NULL, NULL},
		{NULL, NULL, NULL, NULL, NULL, NULL, NULL},
	};
	char *apt = data("apt/none");
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct bpo_config c;
		struct bpo_error err;
		clean_env(NULL);
		if (t[i].debfullname)
			setenv("DEBFULLNAME", t[i].debfullname, 1);
		if (t[i].debemail)
			setenv("DEBEMAIL", t[i].debemail, 1);
		if (t[i].name)
			setenv("NAME", t[i].name, 1);
		if (t[i].email)
			setenv("EMAIL", t[i].email, 1);
		assert_int_equal(bpo_config_load_paths(&c, NULL, NULL, NULL, apt, &err), 0);
		if (t[i].want_name)
			assert_string_equal(c.maintainer_name, t[i].want_name);
		else
			assert_null(c.maintainer_name);
		if (t[i].want_email)
			assert_string_equal(c.maintainer_email, t[i].want_email);
		else
			assert_null(c.maintainer_email);
		if (t[i].want_origin)
			assert_string_equal(c.origin[BPO_CONF_MAINTAINER], t[i].want_origin);
		else
			assert_non_null(strstr(c.origin[BPO_CONF_MAINTAINER], "unset"));
		bpo_config_destroy(&c);
	}
	free(apt);
}

/* Each bad/NAME.conf fails with exactly bad/NAME.err. */
static void test_bad_files(void **state)
{
	char *dir = data("bpoconf/bad"), *apt = data("apt/none");
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;
	(void)state;
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		char *path, *errpath, *want;
		struct bpo_buf b;
		struct bpo_config c;
		struct bpo_error err;
		if (!bpo_str_has_suffix(de->d_name, ".conf"))
			continue;
		path = bpo_xasprintf("%s/%s", dir, de->d_name);
		errpath = bpo_xasprintf("%s/%.*s.err", dir, (int)(strlen(de->d_name) - 5),
					de->d_name);
		bpo_buf_init(&b, 65536);
		assert_int_equal(bpo_file_read(errpath, 65536, &b, &err), 0);
		while (b.len && b.data[b.len - 1] == '\n')
			b.data[--b.len] = '\0';
		want = bpo_xasprintf("%s/%s", dir, b.data);
		if (bpo_config_load_paths(&c, NULL, NULL, path, apt, &err) == 0)
			fail_msg("%s loaded; want %s", path, want);
		if (strcmp(err.msg, want) != 0)
			fail_msg("\n got: %s\nwant: %s", err.msg, want);
		assert_int_equal(bpo_error_exit_code(&err), 2);
		assert_null(c.mirror); /* nothing left behind */
		bpo_buf_destroy(&b);
		free(path);
		free(errpath);
		free(want);
		n++;
	}
	closedir(d);
	assert_true(n >= 10);
	free(dir);
	free(apt);
}

/* bpo config's output: YAML and JSON with values and origins. */
static void test_write(void **state)
{
	char *sys = data("bpoconf/system.conf"), *apt = data("apt/none");
	struct bpo_config c;
	struct bpo_error err;
	struct bpo_buf b;
	char *want;
	(void)state;
	assert_int_equal(bpo_config_load_paths(&c, NULL, NULL, sys, apt, &err), 0);
	bpo_buf_init(&b, 1u << 20);
	assert_int_equal(bpo_config_write(&c, false, &b, &err), 0);
	assert_non_null(strstr(b.data, "config:\n  mirror: http://mirror.example/debian\n"));
	assert_non_null(strstr(b.data, "  maintainer: Build Daemon <buildd@example.org>\n"));
	assert_non_null(strstr(b.data, "  build-timeout: 7200\n"));
	want = bpo_xasprintf("origin:\n  mirror: %s:2:9\n", sys);
	assert_non_null(strstr(b.data, want));
	free(want);
	bpo_buf_reset(&b);
	assert_int_equal(bpo_config_write(&c, true, &b, &err), 0);
	assert_non_null(strstr(b.data, "{\"schema_version\":1,\"config\":{\"mirror\":\"http://mirror.example/debian\","));
	assert_non_null(strstr(b.data, "\"build-timeout\":7200,"));
	assert_int_equal(b.data[b.len - 1], '\n');
	assert_ptr_equal(strchr(b.data, '\n'), b.data + b.len - 1);
	bpo_buf_destroy(&b);
	bpo_config_destroy(&c);
	free(sys);
	free(apt);
}

/* archives: each archive's Valid-Until override ("mirror" the configured
 * one), and the apt options the roots' source lines get from it. */
static void test_archives(void **state)
{
	char *sys = data("bpoconf/system.conf"), *apt = data("apt/none");
	struct bpo_config c;
	struct bpo_error err;
	struct bpo_buf b;
	char buf[64];
	(void)state;
	assert_int_equal(bpo_config_load_paths(&c, NULL, NULL, sys, apt, &err), 0);
	assert_int_equal(c.n_archives, 2);
	assert_int_equal(c.n_valid_until, 2);
	assert_string_equal(c.archives[0].archive, "mirror");
	assert_true(c.archives[0].check);
	assert_int_equal(c.archives[0].max_valid_time, 30 * 86400);
	assert_string_equal(c.archives[1].archive,
			    "http://snapshot.example/archive/debian/20240101T000000Z");
	assert_false(c.archives[1].check);
	assert_non_null(strstr(c.archives[1].origin, "archives entry 2 of bpo.conf ("));
	/* "mirror" is the configured mirror */
	assert_ptr_equal(bpo_config_valid_until_of(&c, "http://mirror.example/debian"),
			 &c.archives[0]);
	assert_null(bpo_config_valid_until_of(&c, "http://other.example/debian"));
	assert_string_equal(bpo_config_apt_valid_until(&c, "http://mirror.example/debian", buf,
						       sizeof(buf)),
			    " valid-until-min=2592000");
	assert_string_equal(bpo_config_apt_line_valid_until(
				    &c, "deb [signed-by=/k.gpg] "
					"http://snapshot.example/archive/debian/20240101T000000Z/ "
					"bookworm main",
				    buf, sizeof(buf)),
			    " check-valid-until=no");
	assert_string_equal(bpo_config_apt_line_valid_until(
				    &c, "deb [signed-by=/k.gpg] http://other.example/debian sid main",
				    buf, sizeof(buf)),
			    "");
	/* a line that says it itself is left alone */
	assert_string_equal(bpo_config_apt_line_valid_until(
				    &c, "deb [signed-by=/k.gpg check-valid-until=yes] "
					"http://mirror.example/debian sid main",
				    buf, sizeof(buf)),
			    "");
	bpo_buf_init(&b, 1u << 20);
	assert_int_equal(bpo_config_write(&c, false, &b, &err), 0);
	assert_non_null(strstr(b.data, "  archives:\n  - uri: mirror\n    check-valid-until: true\n"
				       "    max-valid-time: 2592000\n"));
	bpo_buf_destroy(&b);
	bpo_config_destroy(&c);
	free(sys);
	free(apt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_apt_deb822, clean_env),
		cmocka_unit_test_setup(test_apt_oneline, clean_env),
		cmocka_unit_test_setup(test_apt_prefer_release, clean_env),
		cmocka_unit_test_setup(test_apt_none, clean_env),
		cmocka_unit_test_setup(test_apt_mirror_env_dir, clean_env),
		cmocka_unit_test_setup(test_defaults, clean_env),
		cmocka_unit_test_setup(test_layering, clean_env),
		cmocka_unit_test_setup(test_missing_files, clean_env),
		cmocka_unit_test_setup(test_maintainer_env, clean_env),
		cmocka_unit_test_setup(test_bad_files, clean_env),
		cmocka_unit_test_setup(test_write, clean_env),
		cmocka_unit_test_setup(test_archives, clean_env),
	};
	return cmocka_run_group_tests_name("bpoconf", tests, NULL, NULL);
}
