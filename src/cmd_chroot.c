/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_chroot: `bpo chroot create|update|list|remove|shell|exec`. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpoconf.h"
#include "chroot.h"
#include "cmd.h"
#include "fsutil.h"
#include "json.h"
#include "log.h"
#include "xmem.h"

static int run(struct bpo_ctx *ctx, int argc, char **argv);

static const struct bpo_cmd cmd_chroot = {
	.name = "chroot",
	.summary = "create, update, list, remove chroot images; open a shell",
	.usage =
		"Usage: bpo chroot create RELEASE [--arch ARCH]\n"
		"       bpo chroot update RELEASE [--arch ARCH]\n"
		"       bpo chroot list [--json]\n"
		"       bpo chroot remove RELEASE [--arch ARCH]\n"
		"       bpo chroot shell RELEASE [--arch ARCH] [--bind DIR[:PATH]]... [--no-network]\n"
		"                        [--cwd PATH] [-- COMMAND [ARG...]]\n"
		"       bpo chroot exec RELEASE [same options as shell] -- COMMAND [ARG...]\n"
		"\n"
		"Images of the old releases that `bpo build` builds in.\n"
		"\n"
		"create   make RELEASE's image with `mmdebstrap --variant=buildd` (plus\n"
		"         ca-certificates and a user `build`, uid 1000, home /build) from the\n"
		"         configured mirror (bpo.conf mirror, $BPO_MIRROR, else the machine's apt\n"
		"         sources), verified with the keyring named in RELEASE's configuration\n"
		"         chroot/RELEASE.yaml (looked up in $BPO_CHROOT_DIR, /etc/bpo/chroot,\n"
		"         then the installed data directory). Stored in CACHE/chroots/ as\n"
		"         RELEASE-ARCH.tar.zst (a tarball with numeric owners) and RELEASE-ARCH.meta\n"
		"         (Release, Architecture, Suite, Mirror-SHA256, Created, Tarball, SHA256,\n"
		"         Size). CACHE is bpo.conf's cache-dir ($BPO_CACHE_DIR overrides it).\n"
		"update   make a new image the same way (so with every current package) aside,\n"
		"         and replace the old one only once the new one is complete; the old\n"
		"         image's unpacked copy and build-dependency layers are then removed.\n"
		"list     the images: release, architecture, creation date, size, sha256;\n"
		"         --json prints one JSON array of objects with the metadata fields.\n"
		"remove   delete an image, its metadata and its unpacked copy.\n"
		"shell    an interactive shell (or COMMAND) as root in a throwaway copy of the\n"
		"         image: an overlay over the unpacked image, removed afterwards, entered\n"
		"         with new mount, pid, ipc and uts namespaces (plus a user namespace\n"
		"         with the ids from /etc/subuid and /etc/subgid when not run as root);\n"
		"         /proc, a minimal /dev and a tmpfs /tmp are mounted; the host's\n"
		"         network and resolv.conf are used unless --no-network (then only lo).\n"
		"exec     the same, non-interactive: COMMAND is required; its exit status is\n"
		"         bpo's. COMMAND is an absolute path inside the root, or a name\n"
		"         looked up in the root's PATH. This is how other tools run stock apt\n"
		"         of the old release, e.g.\n"
		"           bpo chroot exec bookworm --bind /srv/repo:/repo -- apt-get update\n"
		"\n"
		"Options:\n"
		"  --arch ARCH         the image's architecture (default: the host's)\n"
		"  --bind DIR[:PATH]   bind-mount host directory DIR at PATH (default: the same\n"
		"                      path) inside the root, read-write; may be repeated\n"
		"  --no-network        a new network namespace with only lo up\n"
		"  --cwd PATH          start COMMAND in PATH inside the root (default /)\n"
		"  --json              (list) JSON output\n"
		"  -h, --help          show this help\n"
		"\n"
		"Exit status: 0 done (exec/shell: COMMAND's status), 1 the work failed\n"
		"(mmdebstrap, namespaces, a missing image), 2 bad usage or configuration,\n"
		"3 the image's tarball does not match its recorded sha256.\n",
	.run = run,
};
BPO_REGISTER_COMMAND(cmd_chroot)

struct args {
	const char *release, *arch, *cwd;
	bool json, no_network;
	struct bpo_strv binds;
	int cmd_argc;
	char **cmd_argv;
};

/* Options may come before or after RELEASE; "--" ends them (COMMAND follows). */
static int parse(int argc, char **argv, struct args *a, bool want_release)
{
	static const struct {
		const char *name;
		bool arg;
	} known[] = {{"--arch", true}, {"--bind", true}, {"--cwd", true}, {"--json", false},
		     {"--no-network", false}};
	int i = 1;

	for (; i < argc; i++) {
		const char *s = argv[i], *val = NULL;
		size_t k;
		if (strcmp(s, "--") == 0) {
			i++;
			break;
		}
		if (s[0] != '-') {
			if (want_release && !a->release) {
				a->release = s;
				continue;
			}
			break; /* COMMAND without "--" */
		}
		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
			size_t n = strlen(known[k].name);
			if (strncmp(s, known[k].name, n) == 0 && (s[n] == '\0' || s[n] == '='))
				break;
		}
		if (k == sizeof(known) / sizeof(known[0]))
			return bpo_cmd_usage_error(&cmd_chroot, "%s: unknown option \"%s\"", argv[0], s);
		if (known[k].arg) {
			const char *eq = strchr(s, '=');
			if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else
				return bpo_cmd_usage_error(&cmd_chroot, "%s needs a value", s);
		} else if (strchr(s, '=')) {
			return bpo_cmd_usage_error(&cmd_chroot, "%s takes no value", known[k].name);
		}
		switch (known[k].name[2]) {
		case 'a':
			a->arch = val;
			break;
		case 'b':
			bpo_strv_push(&a->binds, val);
			break;
		case 'c':
			a->cwd = val;
			break;
		case 'j':
			a->json = true;
			break;
		default:
			a->no_network = true;
			break;
		}
	}
	if (want_release) {
		if (!a->release)
			return bpo_cmd_usage_error(&cmd_chroot, "%s: no RELEASE given", argv[0]);
		if (!bpo_chroot_name_ok(a->release))
			return bpo_cmd_usage_error(&cmd_chroot, "bad release name \"%.64s\"",
						   a->release);
	}
	if (a->arch && !bpo_chroot_name_ok(a->arch))
		return bpo_cmd_usage_error(&cmd_chroot, "bad architecture \"%.64s\"", a->arch);
	a->cmd_argc = argc - i;
	a->cmd_argv = argv + i;
	return 0;
}

static int load_config(struct bpo_ctx *ctx, struct bpo_config *cfg)
{
	struct bpo_error err;

	bpo_error_init(&err);
	bpo_config_init(cfg);
	if (bpo_config_load(cfg, ctx->config_path, &err) < 0)
		return bpo_cmd_fail(&err);
	return 0;
}

static char *arch_or_host(const char *arch, struct bpo_error *err)
{
	return arch ? bpo_xstrdup(arch) : bpo_chroot_host_arch(err);
}

static int do_create(struct bpo_ctx *ctx, struct args *a, bool update)
{
	struct bpo_config cfg;
	struct bpo_chroot_conf conf;
	struct bpo_chroot_meta m;
	struct bpo_error err;
	char *arch = NULL;
	int rc;

	bpo_error_init(&err);
	bpo_chroot_conf_init(&conf);
	bpo_chroot_meta_init(&m);
	if ((rc = load_config(ctx, &cfg)) != 0)
		return rc;
	rc = BPO_EXIT_OK;
	if (a->cmd_argc) {
		rc = bpo_cmd_usage_error(&cmd_chroot, "unexpected argument \"%s\"", a->cmd_argv[0]);
		goto out;
	}
	if (!(arch = arch_or_host(a->arch, &err)) ||
	    bpo_chroot_conf_load(&conf, a->release, &err) < 0) {
		rc = bpo_cmd_fail(&err);
		goto out;
	}
	struct bpo_chroot_create_opts o = {.release = a->release, .arch = arch, .update = update,
					   .log_fd = -1 /* mmdebstrap reports on stderr */};
	if (bpo_chroot_create(&cfg, &conf, &o, &m, &err) < 0) {
		rc = bpo_cmd_fail(&err);
		goto out;
	}
	printf("%s/%s: %s/chroots/%s (sha256 %s, %llu bytes)\n", m.release, m.arch, cfg.cache_dir,
	       m.tarball, m.sha256, (unsigned long long)m.size);
out:
	free(arch);
	bpo_chroot_meta_destroy(&m);
	bpo_chroot_conf_destroy(&conf);
	bpo_config_destroy(&cfg);
	return rc;
}

static int do_list(struct bpo_ctx *ctx, struct args *a)
{
	struct bpo_config cfg;
	struct bpo_chroot_meta *v = NULL;
	struct bpo_error err;
	size_t n = 0;
	int rc;

	bpo_error_init(&err);
	if ((rc = load_config(ctx, &cfg)) != 0)
		return rc;
	if (bpo_chroot_list(cfg.cache_dir, &v, &n, &err) < 0) {
		rc = bpo_cmd_fail(&err);
		goto out;
	}
	if (a->json) {
		fputc('[', stdout);
		for (size_t i = 0; i < n; i++) {
			char *tar = bpo_xasprintf("%s/chroots/%s", cfg.cache_dir, v[i].tarball);
			fputs(i ? ",{" BPO_JSON_SV ",\"release\":" : "{" BPO_JSON_SV ",\"release\":", stdout);
			bpo_json_fputs(stdout, v[i].release);
			fputs(",\"arch\":", stdout);
			bpo_json_fputs(stdout, v[i].arch);
			fputs(",\"suite\":", stdout);
			bpo_json_fputs(stdout, v[i].suite);
			fputs(",\"created\":", stdout);
			bpo_json_fputs(stdout, v[i].created);
			fputs(",\"tarball\":", stdout);
			bpo_json_fputs(stdout, tar);
			fputs(",\"sha256\":", stdout);
			bpo_json_fputs(stdout, v[i].sha256);
			printf(",\"size\":%llu,\"mirror_sha256\":", (unsigned long long)v[i].size);
			bpo_json_fputs(stdout, v[i].mirror_sha256);
			fputc('}', stdout);
			free(tar);
		}
		fputs("]\n", stdout);
	} else {
		printf("%-12s %-8s %-20s %10s  %s\n", "RELEASE", "ARCH", "CREATED", "SIZE", "SHA256");
		for (size_t i = 0; i < n; i++)
			printf("%-12s %-8s %-20s %9.1fM  %.16s\n", v[i].release, v[i].arch,
			       v[i].created, (double)v[i].size / 1048576.0, v[i].sha256);
	}
	if (fflush(stdout) != 0)
		rc = BPO_EXIT_FAIL;
out:
	bpo_chroot_list_free(v, n);
	bpo_config_destroy(&cfg);
	return rc;
}

static int do_remove(struct bpo_ctx *ctx, struct args *a)
{
	struct bpo_config cfg;
	struct bpo_error err;
	struct bpo_ns ns;
	char *arch = NULL;
	int rc;

	bpo_error_init(&err);
	if ((rc = load_config(ctx, &cfg)) != 0)
		return rc;
	if (!(arch = arch_or_host(a->arch, &err)) || bpo_ns_init(&ns, &err) < 0 ||
	    bpo_chroot_remove(&ns, cfg.cache_dir, a->release, arch, &err) < 0)
		rc = bpo_cmd_fail(&err);
	else
		bpo_info("removed the %s/%s image", a->release, arch);
	free(arch);
	bpo_config_destroy(&cfg);
	return rc;
}

static int do_shell(struct bpo_ctx *ctx, struct args *a, bool exec_mode)
{
	struct bpo_config cfg;
	struct bpo_error err;
	struct bpo_ns ns;
	struct bpo_chroot_meta m;
	struct bpo_chroot_bind *binds = NULL;
	struct bpo_strv env = {0}, bsrc = {0}, bdst = {0}, cmdv = {0};
	char *arch = NULL, *unpacked = NULL, *tmp = NULL;
	char *upper = NULL, *work = NULL, *merged = NULL;
	int rc, status = 0;
	static const char *const shell_argv[] = {"/bin/bash", "-i", NULL};

	bpo_error_init(&err);
	bpo_chroot_meta_init(&m);
	if ((rc = load_config(ctx, &cfg)) != 0)
		return rc;
	if (exec_mode && a->cmd_argc == 0) {
		rc = bpo_cmd_usage_error(&cmd_chroot, "exec: no COMMAND given (bpo chroot exec "
					 "RELEASE -- COMMAND...)");
		goto out;
	}
	if (a->cmd_argc && a->cmd_argv[0][0] != '/' && strchr(a->cmd_argv[0], '/')) {
		rc = bpo_cmd_usage_error(&cmd_chroot, "COMMAND must be a name looked up in the "
					 "root's PATH or an absolute path inside the root, not "
					 "\"%s\"", a->cmd_argv[0]);
		goto out;
	}
	if (a->cmd_argc && a->cmd_argv[0][0] != '/') {
		/* a bare name: env(1) looks it up in the root's PATH (set below) */
		bpo_strv_push(&cmdv, "/usr/bin/env");
		bpo_strv_push(&cmdv, "--");
	}
	for (int i = 0; i < a->cmd_argc; i++)
		bpo_strv_push(&cmdv, a->cmd_argv[i]);
	binds = bpo_xcalloc(a->binds.n + 1, sizeof(*binds));
	for (size_t i = 0; i < a->binds.n; i++) {
		const char *spec = a->binds.v[i], *colon = strchr(spec, ':');
		char *src = colon ? bpo_xstrndup(spec, (size_t)(colon - spec)) : bpo_xstrdup(spec);
		char *dst = bpo_xstrdup(colon ? colon + 1 : spec);
		bpo_strv_push_owned(&bsrc, src);
		bpo_strv_push_owned(&bdst, dst);
		if (src[0] != '/' || dst[0] != '/' || strstr(dst, "/..") || !bpo_is_dir(src)) {
			rc = bpo_cmd_usage_error(&cmd_chroot, "--bind %s: expected an existing "
						 "absolute host directory and an absolute path", spec);
			goto out;
		}
		binds[i] = (struct bpo_chroot_bind){src, dst, false};
	}
	if (!(arch = arch_or_host(a->arch, &err)) || bpo_ns_init(&ns, &err) < 0 ||
	    bpo_chroot_meta_load(&m, cfg.cache_dir, a->release, arch, &err) < 0 ||
	    !(unpacked = bpo_chroot_unpacked(&ns, &m, cfg.cache_dir, &err))) {
		rc = bpo_cmd_fail(&err);
		goto out;
	}
	if (!(tmp = bpo_chroot_tmp_new(&ns, cfg.cache_dir, "shell", &err))) {
		rc = bpo_cmd_fail(&err);
		goto out;
	}
	upper = bpo_path_join(tmp, "upper");
	work = bpo_path_join(tmp, "work");
	merged = bpo_path_join(tmp, "root");
	if (bpo_mkdir_p(upper, 0755, &err) < 0 || bpo_mkdir_p(work, 0700, &err) < 0 ||
	    bpo_mkdir_p(merged, 0755, &err) < 0) {
		rc = bpo_cmd_fail(&err);
		goto out;
	}
	bpo_strv_push(&env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	bpo_strv_push(&env, "HOME=/root");
	bpo_strv_push(&env, "LANG=C.UTF-8");
	bpo_strv_push(&env, "DEBIAN_FRONTEND=noninteractive");
	{
		const char *term = getenv("TERM");
		if (term && strlen(term) < 64 && !strchr(term, '\n'))
			bpo_strv_push_owned(&env, bpo_xasprintf("TERM=%s", term));
	}
	const char *lower[1] = {unpacked};
	struct bpo_chroot_spec s = {
		.lower = lower, .n_lower = 1, .upper = upper, .work = work, .merged = merged,
		.net = !a->no_network, .uid = 0, .gid = 0, .cwd = a->cwd,
		.argv = a->cmd_argc ? (const char *const *)cmdv.v : shell_argv,
		.env = (const char *const *)env.v, .binds = binds, .n_binds = a->binds.n,
		.copy_resolv = !a->no_network, .interactive = true, .log_fd = -1,
	};
	if (exec_mode)
		bpo_chroot_signals_install();
	if (bpo_chroot_run(&ns, &s, &status, &err) < 0) {
		rc = bpo_cmd_fail(&err);
		goto out;
	}
	rc = status;
out:
	if (tmp && bpo_ns_rm_rf(&ns, tmp, &err) < 0)
		bpo_warn("could not remove %s: %s", tmp, err.msg);
	free(binds);
	bpo_strv_destroy(&bsrc);
	bpo_strv_destroy(&bdst);
	bpo_strv_destroy(&cmdv);
	bpo_strv_destroy(&env);
	free(upper);
	free(work);
	free(merged);
	free(tmp);
	free(unpacked);
	free(arch);
	bpo_chroot_meta_destroy(&m);
	bpo_config_destroy(&cfg);
	return rc;
}

static int run(struct bpo_ctx *ctx, int argc, char **argv)
{
	struct args a;
	const char *sub;
	int rc;

	if (argc < 2) {
		fputs(cmd_chroot.usage, stderr);
		return BPO_EXIT_USAGE;
	}
	if (bpo_cmd_wants_help(argc, argv)) {
		fputs(cmd_chroot.usage, stdout);
		return BPO_EXIT_OK;
	}
	memset(&a, 0, sizeof(a));
	sub = argv[1];
	if (strcmp(sub, "list") == 0) {
		rc = parse(argc - 1, argv + 1, &a, false);
		if (rc == 0 && a.cmd_argc)
			rc = bpo_cmd_usage_error(&cmd_chroot, "list takes no arguments");
		if (rc == 0)
			rc = do_list(ctx, &a);
	} else if (strcmp(sub, "create") == 0 || strcmp(sub, "update") == 0 ||
		   strcmp(sub, "remove") == 0 || strcmp(sub, "shell") == 0 ||
		   strcmp(sub, "exec") == 0) {
		rc = parse(argc - 1, argv + 1, &a, true);
		if (rc == 0) {
			if (sub[0] == 'c')
				rc = do_create(ctx, &a, false);
			else if (sub[0] == 'u')
				rc = do_create(ctx, &a, true);
			else if (sub[0] == 'r')
				rc = do_remove(ctx, &a);
			else
				rc = do_shell(ctx, &a, sub[0] == 'e');
		}
	} else {
		rc = bpo_cmd_usage_error(&cmd_chroot, "unknown subcommand '%s'; expected create, "
					 "update, list, remove, shell or exec", sub);
	}
	bpo_strv_destroy(&a.binds);
	return rc;
}
