/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_audit: `bpo audit` says, per installed package and vulnerability, what OSV data says. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "deb822.h"
#include "fsutil.h"
#include "json.h"
#include "log.h"
#include "osv.h"
#include "version.h"

static int run_audit(struct bpo_ctx *ctx, int argc, char **argv);

static const struct bpo_cmd cmd_audit = {
	.name = "audit",
	.summary = "say which installed packages OSV data calls fixed or vulnerable",
	.usage =
		"Usage: bpo audit [--root DIR | --status FILE] [--ecosystem E] [--json]\n"
		"                 --osv PATH [--osv PATH...]\n"
		"\n"
		"Read a dpkg status (the host's, a root's, or a file) and OSV records (a\n"
		"bpo repository, one suite's dists/SUITE/osv, a local copy of a\n"
		"distribution's OSV data: files or directories of *.json), and say for each\n"
		"installed package and each vulnerability a record names for its source:\n"
		"  fixed       the installed version is fixed (the record that says so)\n"
		"  vulnerable  it is affected, and no record says it is fixed\n"
		"  unknown     only a version comparison says fixed, but the installed\n"
		"              version is a bpo backport that does not claim the fix\n"
		"A bpo repository's record decides over the distribution's: a backport that\n"
		"carries a fix is fixed even where its version sorts below the\n"
		"distribution's fixed version, and the report says so.\n"
		"\n"
		"Options:\n"
		"  --osv PATH      OSV records to read (repeatable, at least one)\n"
		"  --root DIR      audit the root DIR (its var/lib/dpkg/status, etc/os-release)\n"
		"  --status FILE   audit this dpkg status file\n"
		"  --ecosystem E   the OSV ecosystem of the installed release, e.g. Debian:12\n"
		"                  (default: from the root's /etc/os-release; none: any Debian)\n"
		"  --json          one JSON array of findings\n"
		"  -h, --help      show this help\n"
		"\n"
		"Exit status: 0 nothing is vulnerable, 10 something is vulnerable, 2 usage\n"
		"or unreadable OSV data, 1 the status could not be read.\n",
	.run = run_audit,
};
BPO_REGISTER_COMMAND(cmd_audit)

enum status { ST_FIXED, ST_VULNERABLE, ST_UNKNOWN };
static const char *const status_name[] = {"fixed", "vulnerable", "unknown"};

/* "Debian:12" from ROOT/etc/os-release (ID=debian, VERSION_ID), or NULL. */
static char *os_ecosystem(const char *root)
{
	char *path = bpo_path_join(root, "etc/os-release");
	struct bpo_buf b;
	char *eco = NULL, *id = NULL, *ver = NULL;

	bpo_buf_init(&b, 1u << 16);
	if (bpo_file_read(path, 1u << 16, &b, NULL) == 0 && b.data) {
		char *next = NULL;
		for (char *line = b.data; line; line = next) {
			next = strchr(line, '\n');
			if (next)
				*next++ = '\0';
			char **dst = strncmp(line, "ID=", 3) == 0           ? &id
				     : strncmp(line, "VERSION_ID=", 11) == 0 ? &ver
									 : NULL;
			if (!dst)
				continue;
			char *v = strchr(line, '=') + 1;
			size_t n = strlen(v);
			if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
				v++;
				n -= 2;
			}
			free(*dst);
			*dst = bpo_xstrndup(v, n);
		}
	}
	if (id && strcmp(id, "debian") == 0 && ver && *ver)
		eco = bpo_xasprintf("Debian:%s", ver);
	free(id);
	free(ver);
	free(path);
	bpo_buf_destroy(&b);
	return eco;
}

struct finding {
	const char *package, *version, *source, *srcver, *vuln;
	enum status st;
	const struct bpo_osv_record *by;   /* the record that decides */
	const char *fixed;                 /* its fixed version */
	const struct bpo_osv_record *dist; /* a distribution record that says otherwise */
	const char *dist_fixed;
};

static void print_text(const struct finding *f)
{
	printf("%-10s %s %s %s:", status_name[f->st], f->package, f->version, f->vuln);
	if (f->st == ST_UNKNOWN) {
		printf(" %s says fixed in %s by version, but %s %s is a bpo backport that does "
		       "not claim the fix\n", f->dist->id, f->dist_fixed ? f->dist_fixed : "?",
		       f->source, f->srcver);
		return;
	}
	printf(" %s", f->by->id);
	if (f->fixed)
		printf(" (fixed in %s)", f->fixed);
	if (f->dist)
		printf("; %s alone says vulnerable (fixed in %s): the repository's record decides",
		       f->dist->id, f->dist_fixed ? f->dist_fixed : "?");
	fputc('\n', stdout);
}

static void print_json(const struct finding *f, bool first)
{
	bool unknown = f->st == ST_UNKNOWN;
	bpo_json_fput(stdout, first ? "{" BPO_JSON_SV ",\"package\":" : ",{" BPO_JSON_SV ",\"package\":", f->package);
	bpo_json_fput(stdout, ",\"version\":", f->version);
	bpo_json_fput(stdout, ",\"source\":", f->source);
	bpo_json_fput(stdout, ",\"source_version\":", f->srcver);
	bpo_json_fput(stdout, ",\"vulnerability\":", f->vuln);
	bpo_json_fput(stdout, ",\"status\":", status_name[f->st]);
	bpo_json_fput(stdout, ",\"record\":", unknown ? f->dist->id : f->by->id);
	bpo_json_fput(stdout, ",\"record_file\":", unknown ? f->dist->file : f->by->file);
	bpo_json_fput(stdout, ",\"fixed\":", unknown ? f->dist_fixed : f->fixed);
	printf(",\"decided_by_repository\":%s", f->st == ST_FIXED && f->dist ? "true" : "false");
	bpo_json_fput(stdout, ",\"distribution_record\":", f->dist ? f->dist->id : NULL);
	fputc('}', stdout);
}

/*
 * Decide one (installed source version, vulnerability). A bpo record decides
 * for the versions it names as carrying the fix (its database_specific), and
 * a version bpo published without claiming the fix is "unknown" where only a
 * version comparison says fixed; otherwise the ranges of the distribution's
 * records, then bpo's.
 */
static bool decide(const struct bpo_osv_db *db, const char *eco, struct finding *f)
{
	const struct bpo_osv_record *carries = NULL, *b_fixed = NULL, *b_aff = NULL,
				    *d_fixed = NULL, *d_aff = NULL;
	const char *cf = NULL, *bf = NULL, *ba = NULL, *df = NULL, *da = NULL;

	for (size_t i = 0; i < db->n_rec; i++) {
		const struct bpo_osv_record *r = &db->rec[i];
		const char *fx;
		enum bpo_osv_verdict v;
		if (strcmp(r->vuln, f->vuln) != 0)
			continue;
		v = bpo_osv_eval(r, r->bpo ? NULL : eco, f->source, f->srcver, &fx);
		if (r->bpo && !carries && bpo_osv_carries(r, f->source, f->srcver))
			carries = r, cf = fx;
		else if (v == BPO_OSV_FIXED && r->bpo && !b_fixed)
			b_fixed = r, bf = fx;
		else if (v == BPO_OSV_AFFECTED && r->bpo && !b_aff)
			b_aff = r, ba = fx;
		else if (v == BPO_OSV_FIXED && !r->bpo && !d_fixed)
			d_fixed = r, df = fx;
		else if (v == BPO_OSV_AFFECTED && !r->bpo && !d_aff)
			d_aff = r, da = fx;
	}
	const struct bpo_osv_published *pub = bpo_osv_find_published(db, f->source, f->srcver);
	if (carries) {
		f->st = ST_FIXED, f->by = carries, f->fixed = cf;
		if (d_aff)
			f->dist = d_aff, f->dist_fixed = da;
	} else if (pub && (d_fixed || b_fixed)) {
		f->st = ST_UNKNOWN;
		f->dist = d_fixed ? d_fixed : b_fixed;
		f->dist_fixed = d_fixed ? df : bf;
	} else if (d_aff) {
		f->st = ST_VULNERABLE, f->by = d_aff, f->fixed = da;
	} else if (d_fixed) {
		f->st = ST_FIXED, f->by = d_fixed, f->fixed = df;
	} else if (b_aff) {
		f->st = ST_VULNERABLE, f->by = b_aff, f->fixed = ba;
	} else if (b_fixed) {
		f->st = ST_FIXED, f->by = b_fixed, f->fixed = bf;
	} else {
		return false;
	}
	return true;
}

static int run_audit(struct bpo_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"osv", required_argument, NULL, 'o'},
		{"root", required_argument, NULL, 'r'},
		{"status", required_argument, NULL, 's'},
		{"ecosystem", required_argument, NULL, 'e'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct bpo_strv osv = {0};
	const char *root = NULL, *status = NULL, *eco_opt = NULL;
	char *eco = NULL, *status_path = NULL;
	bool json = false, first = true;
	struct bpo_osv_db db = {0};
	struct bpo_error err;
	struct bpo_buf data;
	struct bpo_deb822_parser p;
	struct bpo_deb822_para para;
	size_t n_vuln = 0, n_fixed = 0, n_unknown = 0, n_pkgs = 0;
	int c, rc = BPO_EXIT_OK;

	(void)ctx;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': bpo_strv_push(&osv, optarg); break;
		case 'r': root = optarg; break;
		case 's': status = optarg; break;
		case 'e': eco_opt = optarg; break;
		case 'j': json = true; break;
		case 'h': fputs(cmd_audit.usage, stdout); bpo_strv_destroy(&osv); return BPO_EXIT_OK;
		default:
			bpo_strv_destroy(&osv);
			return bpo_cmd_usage_error(&cmd_audit, "unknown option or missing value: '%s'",
						   argv[optind - 1]);
		}
	}
	if (optind < argc || !osv.n || (root && status)) {
		bpo_strv_destroy(&osv);
		return bpo_cmd_usage_error(&cmd_audit, optind < argc ? "unexpected argument '%s'"
						       : !osv.n ? "expected at least one --osv PATH%s"
								: "give --root or --status, not both%s",
					   optind < argc ? argv[optind] : "");
	}
	bpo_error_init(&err);
	bpo_buf_init(&data, 1u << 30);
	bpo_deb822_para_init(&para);
	for (size_t i = 0; i < osv.n; i++)
		if (bpo_osv_db_load(&db, osv.v[i], &err) < 0) {
			bpo_error("%s", err.msg);
			rc = BPO_EXIT_USAGE;
			goto out;
		}
	eco = eco_opt ? bpo_xstrdup(eco_opt) : status ? NULL : os_ecosystem(root ? root : "/");
	status_path = status ? bpo_xstrdup(status)
			     : bpo_path_join(root ? root : "/", "var/lib/dpkg/status");
	if (bpo_file_read(status_path, 1u << 30, &data, &err) < 0) {
		bpo_error("%s", err.msg);
		rc = BPO_EXIT_FAIL;
		goto out;
	}
	bpo_info("%zu OSV records from %zu files; ecosystem %s", db.n_rec, db.n_files,
		 eco ? eco : "any Debian");
	if (json)
		fputc('[', stdout);
	bpo_deb822_parser_init(&p, data.data ? data.data : "", data.len, status_path, 0);
	for (;;) {
		int x = bpo_deb822_next(&p, &para, &err);
		if (x < 0) {
			bpo_error("%s", err.msg);
			rc = BPO_EXIT_FAIL;
			break;
		}
		if (x == 0)
			break;
		const char *pkg = bpo_deb822_get(&para, "Package");
		const char *st = bpo_deb822_get(&para, "Status");
		const char *ver = bpo_deb822_get(&para, "Version");
		const char *srcf = bpo_deb822_get(&para, "Source");
		if (!pkg || !ver || !st || !bpo_str_has_suffix(st, " installed")) {
			bpo_deb822_para_destroy(&para);
			continue;
		}
		n_pkgs++;
		char *source = NULL, *srcver = NULL;
		if (srcf) {
			size_t n = strcspn(srcf, " (");
			source = bpo_xstrndup(srcf, n);
			const char *open = strchr(srcf, '('), *close = open ? strchr(open, ')') : NULL;
			if (close)
				srcver = bpo_xstrndup(open + 1, (size_t)(close - open - 1));
		}
		if (!source)
			source = bpo_xstrdup(pkg);
		if (!srcver)
			srcver = bpo_xstrdup(ver);
		/* each vulnerability once: the records about this source, by vulnerability */
		struct bpo_strv seen = {0};
		for (size_t i = 0; i < db.n_rec; i++) {
			const struct bpo_osv_record *r = &db.rec[i];
			bool about = false, dup = false;
			for (size_t k = 0; k < r->n_aff; k++)
				about |= strcmp(r->aff[k].name, source) == 0;
			for (size_t k = 0; about && k < seen.n; k++)
				dup |= strcmp(seen.v[k], r->vuln) == 0;
			if (!about || dup)
				continue;
			bpo_strv_push(&seen, r->vuln);
			struct finding f = {.package = pkg, .version = ver, .source = source,
					    .srcver = srcver, .vuln = r->vuln};
			if (!decide(&db, eco, &f))
				continue;
			if (f.st == ST_VULNERABLE)
				n_vuln++;
			else if (f.st == ST_UNKNOWN)
				n_unknown++;
			else
				n_fixed++;
			if (json)
				print_json(&f, first);
			else
				print_text(&f);
			first = false;
		}
		bpo_strv_destroy(&seen);
		free(source);
		free(srcver);
		bpo_deb822_para_destroy(&para);
	}
	if (json)
		fputs("]\n", stdout);
	bpo_info("%zu installed packages: %zu vulnerable, %zu unknown, %zu fixed", n_pkgs, n_vuln,
		 n_unknown, n_fixed);
	if (rc == BPO_EXIT_OK && n_vuln)
		rc = BPO_EXIT_OUTDATED;
out:
	bpo_deb822_para_destroy(&para);
	bpo_buf_destroy(&data);
	bpo_osv_db_destroy(&db);
	bpo_strv_destroy(&osv);
	free(eco);
	free(status_path);
	return rc;
}
