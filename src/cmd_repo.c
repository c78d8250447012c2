/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_repo: `bpo repo init|list|show|remove|promote|verify|refresh`. */
#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "json.h"
#include "log.h"
#include "osv.h"
#include "repo.h"
#include "xmem.h"

static int run(struct bpo_ctx *ctx, int argc, char **argv);

static const struct bpo_cmd cmd_repo = {
	.name = "repo",
	.summary = "create, list, verify and maintain a repository",
	.usage =
		"Usage: bpo repo init DIR --origin O --label L --suite S[,S2...]\n"
		"                [--component C[,C2...]] --arch A[,A2...] --key FPR\n"
		"                [--gnupghome DIR | --key-file FILE] [--valid-days N] [--no-by-hash]\n"
		"                [--require-signed-uploads KEYRING] [--uploaders SUITE=KEYRING]\n"
		"                [--keep N]\n"
		"                [--description TEXT] [--not-automatic yes|no]\n"
		"                [--compress gz,xz|gz|xz|none] [--contents] [--no-debug-suites]\n"
		"       bpo repo list DIR [--suite S] [--fixes] [--json]\n"
		"       bpo repo show DIR SOURCE [--suite S] [--json]\n"
		"       bpo repo remove DIR SOURCE [VERSION] --suite S [--lock-timeout SEC]\n"
		"       bpo repo promote DIR SOURCE [VERSION] --from S1 --to S2 [--keep N]\n"
		"                [--lock-timeout SEC]\n"
		"       bpo repo verify DIR [--keyring FILE]\n"
		"       bpo repo refresh DIR [--suite S] [--lock-timeout SEC]\n"
		"\n"
		"Maintain a signed apt repository in DIR (pool/, dists/, conf/repo, key.asc,\n"
		"log/audit.log); 'bpo publish' adds uploads to it.\n"
		"\n"
		"init     create the configuration DIR/conf/repo (deb822), export the public\n"
		"         key to DIR/key.asc and write one empty signed suite per --suite.\n"
		"         The key is a full fingerprint of a secret key in --gnupghome (default:\n"
		"         gpg's own home) or in --key-file (imported into a private temporary\n"
		"         home for each signing). --component defaults to main. Suites named\n"
		"         *-backports get 'NotAutomatic: yes' and 'ButAutomaticUpgrades: yes'\n"
		"         unless --not-automatic says otherwise. --valid-days adds Valid-Until,\n"
		"         Indices are published under by-hash/SHA256 too (Acquire-By-Hash, as\n"
		"         Debian's archive) unless --no-by-hash. --keep N keeps\n"
		"         the N newest versions of each source per suite (default 1, 0: all).\n"
		"         --require-signed-uploads: publish only .changes signed by a key in\n"
		"         KEYRING; --uploaders SUITE=KEYRING (repeatable): uploads to SUITE\n"
		"         must be signed by a key in KEYRING (bpo incoming, bpo publish).\n"
		"         --compress names the compressed indices written besides\n"
		"         the plain Packages/Sources (default gz,xz; xz at level 1).\n"
		"         --contents writes COMPONENT/Contents-ARCH.gz for each suite (the\n"
		"         files of each package, for apt-file), kept up to date by every\n"
		"         change; each .deb is read once (DIR/cache/contents/).\n"
		"         Debug symbol packages (-dbgsym: Auto-Built-Package: debug-symbols)\n"
		"         go to suite S-debug, made beside each suite S, as Debian's\n"
		"         debian-debug archive (apt: 'deb URL S-debug C'); remove and promote\n"
		"         take them along. --no-debug-suites keeps them in S.\n"
		"list     print one line per package: suite, component, package, version,\n"
		"         architecture ('source' for source packages) and its source; --json\n"
		"         prints a JSON array of objects instead. --fixes prints the source\n"
		"         versions only, each with the security fixes it carries (its\n"
		"         Bpo-Fixes, published as OSV records under dists/SUITE/osv/).\n"
		"show     print each version of SOURCE per suite with the fixes it carries\n"
		"         and the OSV record of each.\n"
		"remove   drop SOURCE (all versions, or VERSION) with its binaries from suite\n"
		"         S; pool files no suite names any more are deleted.\n"
		"promote  copy SOURCE (VERSION, default the newest) with its binaries from\n"
		"         suite S1 to S2 without rebuilding; retention applies in S2.\n"
		"verify   check the signatures of every suite (InRelease, Release.gpg)\n"
		"         against the repository key (or the keys in --keyring), every index\n"
		"         hash in Release, and every pool file's size and SHA-256 named by an\n"
		"         index. Problems are printed one a line; pool files that no index\n"
		"         names are printed as warnings. Without --keyring it uses the\n"
		"         configured GnuPG home or key file, as publishing does; give\n"
		"         --keyring (e.g. a trusted copy of DIR/key.asc) to verify elsewhere.\n"
		"refresh  write suite S (default: all) anew from its indices with a new Date,\n"
		"         Valid-Until and signatures; run it (e.g. daily from cron) when\n"
		"         --valid-days is set.\n"
		"\n"
		"Every change first checks that the suite is as bpo signed it (signatures\n"
		"and the hashes in Release) and refuses to build on an edited suite (exit 3).\n"
		"Writers take the lock DIR/conf/lock and wait for it at most --lock-timeout\n"
		"seconds (default 300). Every change is a line in DIR/log/audit.log.\n"
		"\n"
		"Exit status: 0 success, 1 failure (I/O, lock timeout, not found),\n"
		"2 usage or bad input, 3 verification failed.\n",
	.run = run,
};
BPO_REGISTER_COMMAND(cmd_repo)

enum {
	O_ORIGIN = 1000, O_LABEL, O_SUITE, O_COMPONENT, O_ARCH, O_KEY, O_GNUPGHOME, O_KEYFILE,
	O_VALID, O_BYHASH, O_REQSIGNED, O_KEEP, O_DESC, O_NOTAUTO, O_JSON, O_FROM, O_TO,
	O_LOCKTIMEOUT, O_KEYRING, O_COMPRESS, O_NOBYHASH, O_FIXES, O_UPLOADERS, O_CONTENTS,
	O_NODEBUG,
};

static const struct option opts[] = {
	{"origin", required_argument, NULL, O_ORIGIN},
	{"label", required_argument, NULL, O_LABEL},
	{"suite", required_argument, NULL, O_SUITE},
	{"component", required_argument, NULL, O_COMPONENT},
	{"arch", required_argument, NULL, O_ARCH},
	{"key", required_argument, NULL, O_KEY},
	{"gnupghome", required_argument, NULL, O_GNUPGHOME},
	{"key-file", required_argument, NULL, O_KEYFILE},
	{"valid-days", required_argument, NULL, O_VALID},
	{"by-hash", no_argument, NULL, O_BYHASH},
	{"no-by-hash", no_argument, NULL, O_NOBYHASH},
	{"require-signed-uploads", required_argument, NULL, O_REQSIGNED},
	{"keep", required_argument, NULL, O_KEEP},
	{"description", required_argument, NULL, O_DESC},
	{"not-automatic", required_argument, NULL, O_NOTAUTO},
	{"json", no_argument, NULL, O_JSON},
	{"from", required_argument, NULL, O_FROM},
	{"to", required_argument, NULL, O_TO},
	{"lock-timeout", required_argument, NULL, O_LOCKTIMEOUT},
	{"keyring", required_argument, NULL, O_KEYRING},
	{"compress", required_argument, NULL, O_COMPRESS},
	{"fixes", no_argument, NULL, O_FIXES},
	{"uploaders", required_argument, NULL, O_UPLOADERS},
	{"contents", no_argument, NULL, O_CONTENTS},
	{"no-debug-suites", no_argument, NULL, O_NODEBUG},
	{NULL, 0, NULL, 0},
};

struct args {
	struct bpo_repo_config cfg;
	const char *suite, *from, *to, *keyring;
	bool json, have_keep, fixes;
	unsigned lock_timeout;
	int keep;
	const char *pos[4];
	int npos;
};

static void split(const char *s, struct bpo_strv *sv)
{
	const char *p = s;
	while (*p) {
		size_t n = strcspn(p, ",");
		if (n)
			bpo_strv_push_owned(sv, bpo_xstrndup(p, n));
		p += n;
		if (*p == ',')
			p++;
	}
}

static int number(const char *opt, const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long n;
	if (!*s || s[0] == '-')
		return bpo_cmd_usage_error(&cmd_repo, "%s: expected a number, got '%s'", opt, s);
	n = strtoul(s, &end, 10);
	if (*end || n > max)
		return bpo_cmd_usage_error(&cmd_repo, "%s: expected a number up to %u, got '%s'", opt,
					   max, s);
	*out = (unsigned)n;
	return 0;
}

static const char *opt_name(int val)
{
	for (size_t i = 0; opts[i].name; i++)
		if (opts[i].val == val)
			return opts[i].name;
	return "?";
}

/* Parse the options of every subcommand; which ones a subcommand accepts is checked after. */
static int parse(int argc, char **argv, const char *allowed, struct args *a)
{
	int opt;
	unsigned n;

	memset(a, 0, sizeof(*a));
	a->cfg.keep = 1;
	a->cfg.compress = BPO_REPO_GZ | BPO_REPO_XZ;
	a->cfg.by_hash = true; /* as Debian's archive: apt never reads a half-swapped index */
	a->cfg.debug = true;   /* -dbgsym packages in SUITE-debug, as Debian's debian-debug */
	a->keep = -1;
	a->lock_timeout = BPO_REPO_LOCK_TIMEOUT;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt >= O_ORIGIN && !strchr(allowed, 'a' + (opt - O_ORIGIN)))
			return bpo_cmd_usage_error(&cmd_repo, "%s: option --%s does not apply",
						   argv[0], opt_name(opt));
		switch (opt) {
		case O_ORIGIN: a->cfg.origin = bpo_xstrdup(optarg); break;
		case O_LABEL: a->cfg.label = bpo_xstrdup(optarg); break;
		case O_SUITE:
			split(optarg, &a->cfg.suites);
			a->suite = optarg;
			break;
		case O_COMPONENT: split(optarg, &a->cfg.components); break;
		case O_ARCH: split(optarg, &a->cfg.archs); break;
		case O_KEY: a->cfg.key = bpo_xstrdup(optarg); break;
		case O_GNUPGHOME: a->cfg.gnupghome = bpo_xstrdup(optarg); break;
		case O_KEYFILE: a->cfg.keyfile = bpo_xstrdup(optarg); break;
		case O_VALID:
			if (number("--valid-days", optarg, 3650, &a->cfg.valid_days) < 0)
				return BPO_EXIT_USAGE;
			break;
		case O_BYHASH: a->cfg.by_hash = true; break;
		case O_CONTENTS: a->cfg.contents = true; break;
		case O_NODEBUG: a->cfg.debug = false; break;
		case O_NOBYHASH: a->cfg.by_hash = false; break;
		case O_REQSIGNED: a->cfg.upload_keyring = bpo_xstrdup(optarg); break;
		case O_KEEP:
			if (number("--keep", optarg, 10000, &n) < 0)
				return BPO_EXIT_USAGE;
			a->cfg.keep = n;
			a->keep = (int)n;
			break;
		case O_DESC: a->cfg.description = bpo_xstrdup(optarg); break;
		case O_NOTAUTO:
			if (strcmp(optarg, "yes") != 0 && strcmp(optarg, "no") != 0)
				return bpo_cmd_usage_error(&cmd_repo, "--not-automatic: yes or no");
			a->cfg.not_automatic = bpo_xstrdup(optarg);
			break;
		case O_JSON: a->json = true; break;
		case O_FIXES: a->fixes = true; break;
		case O_UPLOADERS:
			if (!strchr(optarg, '=') || optarg[0] == '=' || !strchr(optarg, '=')[1])
				return bpo_cmd_usage_error(&cmd_repo, "--uploaders: expected "
							   "SUITE=KEYRING, got '%s'", optarg);
			bpo_strv_push(&a->cfg.uploaders, optarg);
			*strchr(a->cfg.uploaders.v[a->cfg.uploaders.n - 1], '=') = ' ';
			break;
		case O_FROM: a->from = optarg; break;
		case O_TO: a->to = optarg; break;
		case O_LOCKTIMEOUT:
			if (number("--lock-timeout", optarg, 86400, &a->lock_timeout) < 0)
				return BPO_EXIT_USAGE;
			break;
		case O_KEYRING: a->keyring = optarg; break;
		case O_COMPRESS:
			if (bpo_repo_parse_compressions(optarg, &a->cfg.compress) < 0)
				return bpo_cmd_usage_error(&cmd_repo,
							   "--compress: expected gz, xz, gz,xz or none");
			break;
		default:
			fprintf(stderr, "Try 'bpo repo --help'.\n");
			return BPO_EXIT_USAGE;
		}
	}
	for (int i = optind; i < argc; i++) {
		if (a->npos == 4)
			return bpo_cmd_usage_error(&cmd_repo, "%s: too many arguments", argv[0]);
		a->pos[a->npos++] = argv[i];
	}
	if (a->npos == 0)
		return bpo_cmd_usage_error(&cmd_repo, "%s: no repository directory given", argv[0]);
	return 0;
}

static int do_init(struct args *a)
{
	struct bpo_error err;
	bpo_error_init(&err);
	if (a->npos != 1)
		return bpo_cmd_usage_error(&cmd_repo, "init: expected one directory");
	if (!a->cfg.origin || !a->cfg.label || !a->cfg.suites.n || !a->cfg.archs.n || !a->cfg.key)
		return bpo_cmd_usage_error(&cmd_repo,
					   "init: --origin, --label, --suite, --arch and --key are needed");
	if (!a->cfg.components.n)
		bpo_strv_push(&a->cfg.components, "main");
	if (bpo_repo_create(a->pos[0], &a->cfg, &err) < 0)
		return bpo_cmd_fail(&err);
	bpo_info("created repository %s", a->pos[0]);
	return BPO_EXIT_OK;
}

static size_t n_shown;

/* list --fixes and show: source versions with their fixes (and, for show, the records). */
static int print_sources(struct bpo_repo *r, const char *suite, const char *source, bool json,
			 struct bpo_error *err)
{
	struct bpo_repo_source *v;
	size_t n;
	if (bpo_repo_sources(r, suite, source, &v, &n, err) < 0)
		return -1;
	n_shown = n;
	if (json)
		fputc('[', stdout);
	for (size_t i = 0; i < n; i++) {
		const struct bpo_repo_source *x = &v[i];
		if (json) {
			bpo_json_fput(stdout,
				      i ? ",\n  {" BPO_JSON_SV ", \"suite\": " : "\n  {" BPO_JSON_SV ", \"suite\": ",
				      x->suite);
			bpo_json_fput(stdout, ", \"component\": ", x->component);
			bpo_json_fput(stdout, ", \"source\": ", x->source);
			bpo_json_fput(stdout, ", \"version\": ", x->version);
			fputs(", \"fixes\": ", stdout);
			bpo_json_fstrv(stdout, x->fixes.v, x->fixes.n, ", ");
			fputs("}", stdout);
			continue;
		}
		printf("%s %s %s %s fixes:", x->suite, x->component, x->source, x->version);
		for (size_t k = 0; k < x->fixes.n; k++)
			printf("%s %s", k ? "," : "", x->fixes.v[k]);
		fputs(x->fixes.n ? "\n" : " none\n", stdout);
		for (size_t k = 0; source && k < x->fixes.n; k++)
			printf("  %s: dists/%s/osv/%s%s-%s.json\n", x->fixes.v[k], x->suite,
			       BPO_OSV_ID_PREFIX, x->source, x->fixes.v[k]);
	}
	if (json)
		fputs(n ? "\n]\n" : "]\n", stdout);
	bpo_repo_sources_free(v, n);
	return 0;
}

static int run(struct bpo_ctx *ctx, int argc, char **argv)
{
	static const struct {
		const char *name, *allowed; /* allowed options: 'a' + (O_x - O_ORIGIN) */
		bool write;
	} subs[] = {
		/* a origin b label c suite d component e arch f key g gnupghome h key-file
		 * i valid-days j by-hash k require-signed l keep m description n not-automatic
		 * o json p from q to r lock-timeout s keyring t compress u no-by-hash
		 * v fixes w uploaders x contents y no-debug-suites */
		{"init", "abcdefghijklmntuwxy", true},
		{"list", "cov", false},
		{"remove", "cr", true},
		{"promote", "lpqr", true},
		{"verify", "rs", true},
		{"refresh", "cr", true},
		{"show", "co", false},
	};
	struct args a;
	struct bpo_repo *r = NULL;
	struct bpo_error err;
	int rc, which = -1;

	(void)ctx;
	if (argc < 2) {
		fputs(cmd_repo.usage, stderr);
		return BPO_EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			which = (int)i;
	if (which < 0)
		return bpo_cmd_usage_error(&cmd_repo,
					   "unknown subcommand '%s'; expected init, list, show, remove, "
					   "promote, verify or refresh",
					   argv[1]);
	optind = 0;
	rc = parse(argc - 1, argv + 1, subs[which].allowed, &a);
	if (rc != 0)
		goto out;
	if (which == 0) {
		rc = do_init(&a);
		goto out;
	}
	bpo_error_init(&err);
	if ((which == 2 && (!a.suite || a.npos < 2 || a.npos > 3)) ||
	    (which == 3 && (!a.from || !a.to || a.npos < 2 || a.npos > 3)) ||
	    (which == 6 && a.npos != 2) ||
	    ((which == 1 || (which >= 4 && which <= 5)) && a.npos != 1)) {
		rc = bpo_cmd_usage_error(&cmd_repo, "%s: wrong arguments", subs[which].name);
		goto out;
	}
	if (bpo_repo_open(&r, a.pos[0], subs[which].write, a.lock_timeout, &err) < 0) {
		rc = bpo_cmd_fail(&err);
		goto out;
	}
	switch (which) {
	case 1:
		rc = a.fixes ? print_sources(r, a.suite, NULL, a.json, &err)
			     : bpo_repo_list(r, a.suite, a.json, stdout, &err);
		break;
	case 6:
		rc = print_sources(r, a.suite, a.pos[1], a.json, &err);
		if (rc == 0 && !n_shown) {
			rc = bpo_error_set(&err, BPO_E_NOTFOUND, "%s: no source %s%s%s", a.pos[0],
					   a.pos[1], a.suite ? " in " : "", a.suite ? a.suite : "");
		}
		break;
	case 2:
		rc = bpo_repo_remove(r, a.pos[1], a.npos > 2 ? a.pos[2] : NULL, a.suite, &err);
		break;
	case 3:
		rc = bpo_repo_promote(r, a.pos[1], a.npos > 2 ? a.pos[2] : NULL, a.from, a.to, a.keep,
				      &err);
		break;
	case 4:
		rc = bpo_repo_verify(r, a.keyring, stdout, &err);
		break;
	default:
		rc = bpo_repo_refresh(r, a.suite, &err);
		break;
	}
	if (fflush(stdout) != 0 && rc == 0)
		rc = bpo_error_set(&err, BPO_E_IO, "cannot write to standard output");
	rc = rc < 0 ? bpo_cmd_fail(&err) : BPO_EXIT_OK;
out:
	bpo_repo_close(r);
	bpo_repo_config_destroy(&a.cfg);
	return rc;
}
