/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qa: checks on a build before it is published (see qa.h). */
#include "config.h"
#include "qa.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bpoconf.h"
#include "chroot.h"
#include "deb822.h"
#include "debfile.h"
#include "dsc.h"
#include "fetch.h"
#include "fsutil.h"
#include "hash.h"
#include "index.h"
#include "json.h"
#include "log.h"
#include "root.h"
#include "recipe.h"
#include "version.h"
#include "xmem.h"

/* Where the staged build is bound (read-only) inside every root. */
#define IN_ROOT "/srv/bpo-qa"
/* Caps: files a .changes may list, output kept from one tool run. */
#define MAX_CHANGES_FILES 1024
#define MAX_TOOL_OUTPUT (64u << 20)
#define APT_TIMEOUT 3600u
#define LINTIAN_TIMEOUT 3600u
#define AUTOPKGTEST_TIMEOUT 14400u
/* Bump when the tools layer's contents change. */
#define TOOLS_LAYER_TAG "bpo qa tools 2: lintian autopkgtest, man-db auto-update off"

static const char *const check_names[BPO_QA_N] = BPO_RECIPE_QA_KEYS;
_Static_assert(sizeof(((struct bpo_recipe *)0)->qa) / sizeof(char *) == BPO_QA_N,
	       "the recipe's qa policies are qa.h's checks");

/* A name for check c. */
const char *bpo_qa_check_name(enum bpo_qa_check c)
{
	return (unsigned)c < BPO_QA_N ? check_names[c] : "?";
}

/* The check called name, or -1. */
int bpo_qa_check_from_name(const char *name)
{
	for (int i = 0; i < BPO_QA_N; i++)
		if (name && strcmp(name, check_names[i]) == 0)
			return i;
	return -1;
}

/* The policy's name. */
const char *bpo_qa_policy_name(enum bpo_qa_policy p)
{
	switch (p) {
	case BPO_QA_POLICY_FAIL:
		return "fail";
	case BPO_QA_POLICY_WARN:
		return "warn";
	case BPO_QA_POLICY_SKIP:
		return "skip";
	default:
		return "default";
	}
}

/* Parse fail|warn|skip. */
int bpo_qa_policy_parse(const char *s, enum bpo_qa_policy *p)
{
	if (!s)
		return -1;
	if (strcmp(s, "fail") == 0)
		*p = BPO_QA_POLICY_FAIL;
	else if (strcmp(s, "warn") == 0)
		*p = BPO_QA_POLICY_WARN;
	else if (strcmp(s, "skip") == 0)
		*p = BPO_QA_POLICY_SKIP;
	else
		return -1;
	return 0;
}

/* install, upgrade, autopkgtest: fail; lintian, regression: warn. */
enum bpo_qa_policy bpo_qa_policy_default(enum bpo_qa_check c)
{
	return (c == BPO_QA_LINTIAN || c == BPO_QA_REGRESSION) ? BPO_QA_POLICY_WARN
							       : BPO_QA_POLICY_FAIL;
}

/* The status's name. */
const char *bpo_qa_status_name(enum bpo_qa_status s)
{
	switch (s) {
	case BPO_QA_PASSED:
		return "passed";
	case BPO_QA_FAILED:
		return "failed";
	case BPO_QA_ERROR:
		return "error";
	default:
		return "skipped";
	}
}

/* An empty report. */
void bpo_qa_report_init(struct bpo_qa_report *rep)
{
	memset(rep, 0, sizeof(*rep));
}

static void result_destroy(struct bpo_qa_result *r)
{
	for (size_t i = 0; i < r->n_items; i++) {
		free(r->items[i].name);
		free(r->items[i].what);
		free(r->items[i].message);
	}
	free(r->items);
	free(r->summary);
	memset(r, 0, sizeof(*r));
}

/* Free everything the report owns (it is left empty). */
void bpo_qa_report_free(struct bpo_qa_report *rep)
{
	if (!rep)
		return;
	free(rep->source);
	free(rep->version);
	free(rep->changes);
	free(rep->log_path);
	bpo_strv_destroy(&rep->packages);
	for (int i = 0; i < BPO_QA_N; i++)
		result_destroy(&rep->r[i]);
	memset(rep, 0, sizeof(*rep));
}

/* Findings are capped so that hostile tool output cannot grow a report without end. */
#define MAX_ITEMS 1000

static void add_item(struct bpo_qa_result *r, const char *name, const char *what,
		     const char *message)
{
	if (r->n_items >= MAX_ITEMS)
		return;
	BPO_GROW(r->items, r->cap_items, r->n_items + 1);
	r->items[r->n_items++] = (struct bpo_qa_item){
		bpo_xstrdup(name ? name : ""), bpo_xstrdup(what ? what : ""),
		bpo_xstrdup(message ? message : ""), false};
}

/* See qa.h. */
bool bpo_qa_debug_package(const char *ctl)
{
	for (const char *p = ctl; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		if (n > 19 && strncasecmp(p, "Auto-Built-Package:", 19) == 0) {
			char *v = bpo_xstrndup(p + 19, n - 19);
			bool yes = strstr(v, "debug-symbols") != NULL;
			free(v);
			return yes;
		}
		p = eol ? eol + 1 : p + n;
	}
	return false;
}

static void add_info(struct bpo_qa_result *r, const char *name, const char *what,
		     const char *message)
{
	size_t n = r->n_items;
	add_item(r, name, what, message);
	if (r->n_items > n)
		r->items[n].info = true;
}

/* items that are not information only */
static size_t n_differences(const struct bpo_qa_result *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n_items; i++)
		n += !r->items[i].info;
	return n;
}

static void set_summary(struct bpo_qa_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void set_summary(struct bpo_qa_result *r, const char *fmt, ...)
{
	va_list ap;
	free(r->summary);
	va_start(ap, fmt);
	r->summary = bpo_xvasprintf(fmt, ap);
	va_end(ap);
}

/* 1 when a fatal check failed. */
int bpo_qa_report_fatal(const struct bpo_qa_report *rep)
{
	for (int i = 0; i < BPO_QA_N; i++)
		if (rep->r[i].policy == BPO_QA_POLICY_FAIL &&
		    (rep->r[i].status == BPO_QA_FAILED || rep->r[i].status == BPO_QA_ERROR))
			return 1;
	return 0;
}

/* ------------------------------------------------------------ parsers */

static bool pkg_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > 200)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("+-.:", s[i]))
			return false;
	return true;
}

/* The line without surrounding blanks (owned). */
static char *trimmed(const char *line, size_t len)
{
	while (len && isspace((unsigned char)*line)) {
		line++;
		len--;
	}
	while (len && isspace((unsigned char)line[len - 1]))
		len--;
	return bpo_xstrndup(line, len);
}

/* Parse apt/dpkg output (see qa.h). */
const char *bpo_qa_parse_apt(const char *out, const char *step, const char *default_class,
			     const struct bpo_strv *packages, struct bpo_qa_result *r)
{
	const char *cur = out ? out : "", *line;
	size_t len;
	bool deps = false, any_pkg = false;
	char *last_pkg = NULL, *dpkg_err = NULL, *prev = NULL, *script_out = NULL;
	struct bpo_buf elines;
	/* lines of apt's and dpkg's own progress: not a maintainer script's output */
	static const char *const progress[] = {"Removing ", "Purging ", "Setting up ", "Unpacking ",
					       "Preparing ", "(Reading database", "Selecting ",
					       "Processing ", "dpkg: ", "Reading ", "Building ",
					       "Get:", "Fetched ", "Need to get", "After this",
					       "0 upgraded", "The following", "Errors were",
					       "W: ", "N: "};

	bpo_buf_init(&elines, 65536);
	while (bpo_deb822_next_line(&cur, &line, &len)) {
		char *l = trimmed(line, len);
		const char *dep;
		if (l[0] == 'E' && l[1] == ':') {
			if (elines.len < 4096)
				bpo_buf_printf(&elines, NULL, "%s%s", elines.len ? " " : "", l);
		} else if ((dep = strstr(l, " : ")) && (strstr(dep, "Depends: ") ||
							strstr(dep, "Breaks: ") ||
							strstr(dep, "Conflicts: "))) {
			/* " bpo-x : Depends: foo (>= 2) but it is not installable" */
			size_t n = (size_t)(dep - l);
			if (pkg_name_ok(l, n)) {
				free(last_pkg);
				last_pkg = bpo_xstrndup(l, n);
			}
			if (last_pkg) {
				deps = true;
				any_pkg = true;
				add_item(r, last_pkg, "deps", dep + 3);
			}
		} else if (last_pkg && deps && (strstr(l, "Depends: ") == l ||
						strstr(l, "PreDepends: ") == l) &&
			   strstr(l, " but ")) {
			/* a continuation line of the same package */
			add_item(r, last_pkg, "deps", l);
		} else if (bpo_str_has_prefix(l, "dpkg: error processing package ") ||
			   bpo_str_has_prefix(l, "dpkg: error processing archive ")) {
			/* "dpkg: error processing package P (--purge):" and the reason
			   on the next line */
			const char *p = l + strlen("dpkg: error processing package ");
			size_t n = strcspn(p, " (");
			free(dpkg_err);
			dpkg_err = bpo_xstrdup(l);
			free(script_out);
			script_out = NULL;
			bool is_progress = !prev;
			for (size_t i = 0; prev && i < sizeof(progress) / sizeof(progress[0]); i++)
				is_progress = is_progress || bpo_str_has_prefix(prev, progress[i]);
			if (!is_progress && strlen(prev) < 1024)
				script_out = bpo_xstrdup(prev);
			free(last_pkg);
			last_pkg = bpo_xstrndup(p, n);
			if (!pkg_name_ok(last_pkg, n)) {
				free(last_pkg);
				last_pkg = NULL;
			}
		} else if (dpkg_err && *l) {
			char *msg = bpo_xasprintf("%s %s%s%s%s", dpkg_err, l,
						  script_out ? " (the script's last output: " : "",
						  script_out ? script_out : "", script_out ? ")" : "");
			const char *name = last_pkg ? last_pkg : "";
			/* dpkg names a .deb path for archives: the package is unknown */
			add_item(r, name, step, msg);
			any_pkg = true;
			free(msg);
			free(dpkg_err);
			dpkg_err = NULL;
		}
		free(prev);
		prev = l;
	}
	if (!any_pkg) {
		/* no package named: one finding per built package apt's E: lines concern */
		const char *e = elines.data ? elines.data : "apt-get failed without an E: line";
		bool named = false;
		for (size_t i = 0; packages && i < packages->n; i++)
			if (elines.data && strstr(elines.data, packages->v[i])) {
				add_item(r, packages->v[i], step, e);
				named = true;
			}
		if (!named)
			add_item(r, "", step, e);
	} else if (elines.len) {
		add_item(r, "", step, elines.data);
	}
	free(last_pkg);
	free(dpkg_err);
	free(prev);
	free(script_out);
	bpo_buf_destroy(&elines);
	return deps ? "deps" : default_class;
}

/* Parse lintian's output: "E: pkg[ type]: tag [info]". */
void bpo_qa_parse_lintian(const char *out, struct bpo_qa_result *r)
{
	const char *cur = out ? out : "", *line;
	size_t len;

	while (bpo_deb822_next_line(&cur, &line, &len)) {
		int sev;
		if (len < 4 || line[1] != ':' || line[2] != ' ')
			continue;
		if (line[0] == 'E')
			sev = 0;
		else if (line[0] == 'W')
			sev = 1;
		else if (line[0] == 'I')
			sev = 2;
		else
			continue;
		char *l = bpo_xstrndup(line + 3, len - 3);
		char *colon = strstr(l, ": ");
		if (!colon) {
			free(l);
			continue;
		}
		r->lintian_counts[sev]++;
		if (sev == 0) {
			*colon = '\0';
			char *tag = colon + 2, *sp = strchr(tag, ' ');
			if (sp)
				*sp++ = '\0';
			add_item(r, l, tag, sp ? sp : "");
		}
		free(l);
	}
}

/* Parse autopkgtest's summary file. */
int bpo_qa_parse_autopkgtest(const char *summary, struct bpo_qa_result *r)
{
	static const struct {
		const char *word, *what;
	} results[] = {{"PASS", "pass"}, {"FAIL", "fail"}, {"SKIP", "skip"}, {"FLAKY", "flaky"},
		       {"NEUTRAL", "skip"}};
	const char *cur = summary ? summary : "", *line;
	size_t len;
	int failed = 0;

	while (bpo_deb822_next_line(&cur, &line, &len)) {
		char *l = trimmed(line, len), *sp = l + strcspn(l, " \t"), *word, *detail;
		if (!*l || !*sp) {
			free(l);
			continue;
		}
		*sp++ = '\0';
		word = sp + strspn(sp, " \t");
		detail = word + strcspn(word, " \t");
		if (*detail)
			*detail++ = '\0';
		detail += strspn(detail, " \t");
		for (size_t i = 0; i < sizeof(results) / sizeof(results[0]); i++)
			if (strcmp(word, results[i].word) == 0) {
				/* badpkg: the test's dependencies could not be installed
				   (counted by the caller, which knows which ones) */
				bool bad = i == 1 && strncmp(detail, "badpkg", 6) == 0;
				add_item(r, l, bad ? "badpkg" : results[i].what, detail);
				if (i == 1 && !bad)
					failed++;
				break;
			}
		free(l);
	}
	return failed;
}

/* Relation fields compared by the regression check. */
static const char *const rel_fields[] = {"Depends", "Pre-Depends", "Recommends", "Provides",
					 "Breaks", "Replaces", "Conflicts"};

/* A relation field as a list of "a | b" groups, versions and blanks dropped. */
static void rel_groups(const char *value, struct bpo_strv *out)
{
	const char *p = value ? value : "";
	while (*p) {
		size_t n = strcspn(p, ",");
		struct bpo_buf g;
		const char *q = p, *end = p + n;
		bpo_buf_init(&g, 65536);
		while (q < end) {
			size_t an = strcspn(q, "|");
			if (q + an > end)
				an = (size_t)(end - q);
			/* the name: up to a blank or '(' */
			const char *s = q;
			while (s < q + an && isspace((unsigned char)*s))
				s++;
			size_t nn = 0;
			while (s + nn < q + an && !isspace((unsigned char)s[nn]) && s[nn] != '(' &&
			       s[nn] != '[' && s[nn] != '<')
				nn++;
			if (nn)
				bpo_buf_printf(&g, NULL, "%s%.*s", g.len ? " | " : "", (int)nn, s);
			q += an;
			if (q < end && *q == '|')
				q++;
		}
		if (g.len)
			bpo_strv_push(out, g.data);
		bpo_buf_destroy(&g);
		p += n;
		if (*p == ',')
			p++;
	}
}

static bool strv_has(const struct bpo_strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

static int parse_one(const char *text, const char *name, struct bpo_deb822_para *para,
		     struct bpo_error *err)
{
	struct bpo_deb822_parser p;
	bpo_deb822_parser_init(&p, text, strlen(text), name, 0);
	int r = bpo_deb822_next(&p, para, err);
	if (r == 0)
		return bpo_error_set(err, BPO_E_SYNTAX, "%s: no control paragraph", name);
	return r < 0 ? -1 : 0;
}

/* The suffixes Debian's library transitions add to a binary package's name:
 * t64 (64-bit time_t, 2024), v5 (GCC 5's C++ ABI), c2 (GCC 3's), ldbl (long
 * double). */
static const char *const rename_suffixes[] = {"t64", "v5", "c2", "ldbl"};

static bool renamed_name(const char *a, size_t al, const char *b, size_t bl)
{
	for (size_t i = 0; i < sizeof(rename_suffixes) / sizeof(rename_suffixes[0]); i++) {
		size_t sl = strlen(rename_suffixes[i]);
		if (al == bl + sl && bl > 0 && memcmp(a, b, bl) == 0 &&
		    memcmp(a + bl, rename_suffixes[i], sl) == 0)
			return true;
		if (bl == al + sl && al > 0 && memcmp(a, b, al) == 0 &&
		    memcmp(b + al, rename_suffixes[i], sl) == 0)
			return true;
	}
	return false;
}

/* Whether two relation groups differ only by renames (see qa.h). */
bool bpo_qa_renamed(const char *a, const char *b)
{
	bool renamed = false;
	while (*a && *b) {
		size_t al = strcspn(a, " |"), bl = strcspn(b, " |");
		if (al == bl && memcmp(a, b, al) == 0)
			;
		else if (renamed_name(a, al, b, bl))
			renamed = true;
		else
			return false;
		a += al;
		b += bl;
		a += strspn(a, " |");
		b += strspn(b, " |");
	}
	return renamed && !*a && !*b;
}

/* Compare two control paragraphs of one package (see qa.h). */
int bpo_qa_compare_control(const char *package, const char *built, const char *newer,
			   struct bpo_qa_result *r, struct bpo_error *err)
{
	struct bpo_deb822_para b, n;
	int rc = -1;

	bpo_deb822_para_init(&b);
	bpo_deb822_para_init(&n);
	if (parse_one(built, "built control", &b, err) < 0 ||
	    parse_one(newer, "newer Packages stanza", &n, err) < 0)
		goto out;
	for (size_t f = 0; f < sizeof(rel_fields) / sizeof(rel_fields[0]); f++) {
		struct bpo_strv bg = {0}, ng = {0}, paired = {0};
		rel_groups(bpo_deb822_get(&b, rel_fields[f]), &bg);
		rel_groups(bpo_deb822_get(&n, rel_fields[f]), &ng);
		for (size_t i = 0; i < ng.n; i++) {
			if (strv_has(&bg, ng.v[i]))
				continue;
			/* a gained one that is this one renamed (t64 ...) */
			size_t k;
			for (k = 0; k < bg.n; k++)
				if (!strv_has(&ng, bg.v[k]) && !strv_has(&paired, bg.v[k]) &&
				    bpo_qa_renamed(ng.v[i], bg.v[k]))
					break;
			if (k < bg.n) {
				char *m = bpo_xasprintf("renamed: %s in the newer release, %s in "
							"the backport (a library transition such "
							"as t64)", ng.v[i], bg.v[k]);
				add_info(r, package, rel_fields[f], m);
				bpo_strv_push(&paired, bg.v[k]);
				free(m);
				continue;
			}
			char *m = bpo_xasprintf("lost %s (the newer release has it, the "
						"backport does not)", ng.v[i]);
			add_item(r, package, rel_fields[f], m);
			free(m);
		}
		for (size_t i = 0; i < bg.n; i++)
			if (!strv_has(&ng, bg.v[i]) && !strv_has(&paired, bg.v[i])) {
				char *m = bpo_xasprintf("gained %s (not in the newer release)",
							bg.v[i]);
				add_item(r, package, rel_fields[f], m);
				free(m);
			}
		bpo_strv_destroy(&bg);
		bpo_strv_destroy(&ng);
		bpo_strv_destroy(&paired);
	}
	{
		static const char *const plain[] = {"Multi-Arch", "Architecture"};
		for (size_t f = 0; f < 2; f++) {
			const char *bv = bpo_deb822_get(&b, plain[f]), *nv = bpo_deb822_get(&n, plain[f]);
			const char *bs = bv ? bv : "(none)", *ns = nv ? nv : "(none)";
			if (f == 0) {
				bs = bv ? bv : "no";
				ns = nv ? nv : "no";
			}
			if (strcmp(bs, ns) != 0) {
				char *m = bpo_xasprintf("changed from %s (newer release) to %s "
							"(backport)", ns, bs);
				add_item(r, package, plain[f], m);
				free(m);
			}
		}
	}
	rc = 0;
out:
	bpo_deb822_para_destroy(&b);
	bpo_deb822_para_destroy(&n);
	return rc;
}

/* ------------------------------------------------------------- report */

/* Human summary (see qa.h). */
void bpo_qa_report_text(const struct bpo_qa_report *rep, struct bpo_buf *out)
{
	bpo_buf_printf(out, NULL, "QA of %s %s (%s)\n", rep->source ? rep->source : "?",
		       rep->version ? rep->version : "?", rep->changes ? rep->changes : "?");
	for (int i = 0; i < BPO_QA_N; i++) {
		const struct bpo_qa_result *r = &rep->r[i];
		const char *mark = r->status == BPO_QA_PASSED ? "PASS"
				   : r->status == BPO_QA_SKIPPED ? "SKIP"
				   : r->policy == BPO_QA_POLICY_FAIL ? "FAIL" : "WARN";
		bpo_buf_printf(out, NULL, "  %-4s %-12s %s%s%s%s\n", mark, check_names[i],
			       r->summary ? r->summary : "",
			       r->failure_class ? " [" : "",
			       r->failure_class ? r->failure_class : "",
			       r->failure_class ? "]" : "");
		for (size_t j = 0; j < r->n_items; j++) {
			const struct bpo_qa_item *it = &r->items[j];
			if (r->status == BPO_QA_PASSED && i != BPO_QA_AUTOPKGTEST && !it->info)
				continue;
			bpo_buf_printf(out, NULL, "         %s%s%s%s: %s\n", it->info ? "info: " : "",
				       it->name, *it->name && *it->what ? " " : "", it->what,
				       it->message);
		}
	}
	if (rep->log_path)
		bpo_buf_printf(out, NULL, "  log: %s\n", rep->log_path);
	bpo_buf_printf(out, NULL, "QA %s\n", bpo_qa_report_fatal(rep) ? "FAILED (a fatal check failed)"
								      : "passed");
}

static void jkey(struct bpo_buf *out, const char *k, const char *v)
{
	bpo_buf_printf(out, NULL, "\"%s\":", k);
	bpo_json_str(out, v, NULL);
}

/* JSON report (see qa.h). */
int bpo_qa_report_json(const struct bpo_qa_report *rep, struct bpo_buf *out,
		       struct bpo_error *err)
{
	bpo_buf_puts(out, "{" BPO_JSON_SV ",", NULL);
	jkey(out, "source", rep->source);
	bpo_buf_puts(out, ",", NULL);
	jkey(out, "version", rep->version);
	bpo_buf_puts(out, ",", NULL);
	jkey(out, "changes", rep->changes);
	bpo_buf_puts(out, ",", NULL);
	jkey(out, "log", rep->log_path);
	bpo_buf_puts(out, ",\"packages\":[", NULL);
	for (size_t i = 0; i < rep->packages.n; i++) {
		if (i)
			bpo_buf_puts(out, ",", NULL);
		bpo_json_str(out, rep->packages.v[i], NULL);
	}
	bpo_buf_printf(out, NULL, "],\"fatal\":%s,\"checks\":{",
		       bpo_qa_report_fatal(rep) ? "true" : "false");
	for (int i = 0; i < BPO_QA_N; i++) {
		const struct bpo_qa_result *r = &rep->r[i];
		bpo_buf_printf(out, NULL, "%s\"%s\":{\"policy\":\"%s\",\"status\":\"%s\",",
			       i ? "," : "", check_names[i], bpo_qa_policy_name(r->policy),
			       bpo_qa_status_name(r->status));
		jkey(out, "class", r->failure_class);
		bpo_buf_puts(out, ",", NULL);
		jkey(out, "summary", r->summary);
		bpo_buf_printf(out, NULL, ",\"seconds\":%.3f,\"items\":[", r->seconds);
		for (size_t j = 0; j < r->n_items; j++) {
			bpo_buf_puts(out, j ? ",{" : "{", NULL);
			jkey(out, "name", r->items[j].name);
			bpo_buf_puts(out, ",", NULL);
			jkey(out, "what", r->items[j].what);
			bpo_buf_puts(out, ",", NULL);
			jkey(out, "message", r->items[j].message);
			bpo_buf_printf(out, NULL, ",\"info\":%s}", r->items[j].info ? "true" : "false");
		}
		bpo_buf_puts(out, "]", NULL);
		if (i == BPO_QA_LINTIAN)
			bpo_buf_printf(out, NULL, ",\"counts\":{\"E\":%u,\"W\":%u,\"I\":%u}",
				       r->lintian_counts[0], r->lintian_counts[1],
				       r->lintian_counts[2]);
		bpo_buf_puts(out, "}", NULL);
	}
	return bpo_buf_puts(out, "}}\n", err);
}

/* ------------------------------------------------------------ running */

static const char *const root_env[] = {
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"LANG=C.UTF-8", "LC_ALL=C.UTF-8", "SHELL=/bin/sh", "TMPDIR=/tmp", "TERM=dumb",
	"HOME=/root", "DEBIAN_FRONTEND=noninteractive", NULL,
};
static const char *const build_env[] = {
	"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "SHELL=/bin/sh",
	"TMPDIR=/tmp", "TERM=dumb", "HOME=/tmp", "USER=build", "LOGNAME=build", NULL,
};

struct qctx {
	const struct bpo_config *cfg;
	const struct bpo_qa_opts *o;
	struct bpo_qa_report *rep;
	struct bpo_ns ns;
	int log_fd;
	char *arch;
	char *tmp;                 /* private temporary directory */
	char *indir;               /* tmp/in: the verified build, bound at IN_ROOT */
	char *unpacked;            /* the image */
	char *tools;               /* the tools layer's upper dir, or NULL until made */
	char *lists;               /* tmp/lists: apt-get update's result on the image,
				      a lower layer of the install and upgrade roots
				      (one update for both), or NULL until made */
	char *changes_name;
	char *dsc_name;            /* NULL when no .dsc came with the build */
	bool has_tests;            /* the .dsc says Testsuite: autopkgtest */
	struct bpo_strv debs;      /* file names in indir, parallel to rep->packages */
	struct bpo_strv controls;  /* each .deb's control paragraph */
	struct bpo_chroot_conf conf;
	struct bpo_chroot_meta meta;
	struct bpo_chroot_bind *binds;
	size_t n_binds;
	struct bpo_chroot_file *files; /* apt sources, keys, apt.conf */
	size_t n_files;
	struct bpo_strv owned;     /* data of files */
};

/* Replace every occurrence of the mirror URLs in b by a placeholder: the
 * log and the report never name the configured mirror. */
static void redact(struct qctx *c, struct bpo_buf *b)
{
	const char *urls[2] = {c->cfg->mirror, c->cfg->security_mirror};
	const char *repl[2] = {"MIRROR", "SECURITY-MIRROR"};

	for (int u = 0; u < 2; u++) {
		const char *url = urls[u];
		size_t ul;
		char *p;
		if (!url || !*url || !b->data)
			continue;
		/* the host part: "http://host[:port]" */
		const char *h = strstr(url, "://");
		h = h ? h + 3 : url;
		ul = strcspn(h, "/");
		if (ul == 0)
			continue;
		while ((p = memmem(b->data, b->len, h, ul))) {
			size_t rl = strlen(repl[u]);
			size_t at = (size_t)(p - b->data), tail = b->len - at - ul;
			if (rl <= ul) {
				memcpy(p, repl[u], rl);
				memmove(p + rl, p + ul, tail);
				b->len -= ul - rl;
				b->data[b->len] = '\0';
			} else {
				break; /* placeholders are shorter than any host name we replace */
			}
		}
	}
}

/*
 * Run argv in a root over lower (top first) with its upper dir: stdout and
 * stderr together into out (redacted, also appended to the log). *status as
 * bpo_chroot_run.
 */
static int in_root(struct qctx *c, const char *const *lower, size_t n_lower, const char *upper,
		   bool net, bool as_build, const char *const *argv, struct bpo_buf *out,
		   unsigned timeout, int *status, struct bpo_error *err)
{
	/* the mount point per process: checks may run at the same time */
	char *merged = bpo_xasprintf("%s/root-%ld", c->tmp, (long)getpid());
	struct bpo_strv av = {0};
	struct bpo_buf local;
	int rc = -1;

	bpo_buf_init(&local, MAX_TOOL_OUTPUT);
	if (!out)
		out = &local;
	/* the shell only joins stderr to stdout; the program gets its argv intact */
	bpo_strv_push(&av, "/bin/sh");
	bpo_strv_push(&av, "-c");
	bpo_strv_push(&av, "exec \"$0\" \"$@\" 2>&1");
	for (size_t i = 0; argv[i]; i++)
		bpo_strv_push(&av, argv[i]);
	struct bpo_root_cmd cmd = {
		.ns = &c->ns, .lower = lower, .n_lower = n_lower, .upper = upper,
		.merged = merged, .net = net, .as_build = as_build,
		.argv = (const char *const *)av.v, .env = as_build ? build_env : root_env,
		.binds = c->binds, .n_binds = c->n_binds, .files = c->files, .n_files = c->n_files,
		.log_fd = -1, /* the output goes to the log redacted, below */
		.out = out, .timeout = timeout,
	};
	bpo_logf(c->log_fd, "\n== bpo qa: %s%s$", as_build ? "(build) " : "(root) ",
		 net ? "" : "(no network) ");
	for (size_t i = 0; argv[i]; i++)
		bpo_logf(c->log_fd, " %s", argv[i]);
	bpo_logf(c->log_fd, "\n");
	double t0 = bpo_now_s();
	rc = bpo_root_run(&cmd, status, err);
	redact(c, out);
	if (out->len && c->log_fd >= 0) {
		if (write(c->log_fd, out->data, out->len) < 0)
			bpo_warn("cannot write the QA log: %s", strerror(errno));
	}
	if (c->o->verbose && out->len)
		fwrite(out->data, 1, out->len, stderr);
	if (rc == 0)
		bpo_logf(c->log_fd, "== bpo qa: exit status %d after %.2f s\n", *status,
			 bpo_now_s() - t0);
	else
		bpo_logf(c->log_fd, "== bpo qa: %s\n", err ? err->msg : "failed");
	free(merged);
	bpo_strv_destroy(&av);
	bpo_buf_destroy(&local);
	return rc;
}

/* The apt configuration every root gets: sources (release + extra), their
 * keys, and apt.conf. */
static int apt_files(struct qctx *c, struct bpo_error *err)
{
	struct bpo_buf list;
	char *base = NULL;
	size_t cap = 0;
	int rc = -1;

	if (!c->cfg->mirror)
		return bpo_error_set(err, BPO_E_FAIL, "no Debian mirror configured and none found "
				     "in the apt sources (set mirror in bpo.conf or $BPO_MIRROR)");
	base = bpo_chroot_sources_list(&c->conf, c->cfg->mirror, c->cfg->security_mirror, c->cfg);
	bpo_buf_init(&list, 1u << 20);
	bpo_buf_puts(&list, base, NULL);
	for (size_t i = 0; i < c->o->n_extra; i++) {
		const char *line = c->o->extra_sources[i];
		const char *sb = strstr(line, "signed-by=");
		if (!bpo_str_has_prefix(line, "deb ") || !sb) {
			bpo_error_set(err, BPO_E_USAGE, "--extra-source \"%s\": expected \"deb "
				      "[signed-by=/ABS/KEY] URI SUITE COMPONENT...\"", line);
			goto out;
		}
		sb += strlen("signed-by=");
		size_t kl = strcspn(sb, " ]");
		char *kf = bpo_xstrndup(sb, kl);
		if (kf[0] != '/') {
			bpo_error_set(err, BPO_E_USAGE, "--extra-source: signed-by=%s: expected an "
				      "absolute path", kf);
			free(kf);
			goto out;
		}
		char *inroot = bpo_xasprintf("/etc/apt/keyrings/bpo-qa-extra-%zu.%s", i,
					     bpo_str_has_suffix(kf, ".asc") ? "asc" : "gpg");
		struct bpo_buf key;
		bpo_buf_init(&key, BPO_MAX_SIGNATURE * 8u);
		if (bpo_file_read(kf, BPO_MAX_SIGNATURE * 8u, &key, err) < 0) {
			free(kf);
			free(inroot);
			bpo_buf_destroy(&key);
			goto out;
		}
		char vopts[64];
		bpo_buf_printf(&list, NULL, "%.*s%s%s%s\n", (int)(sb - line), line, inroot,
			       bpo_config_apt_line_valid_until(c->cfg, line, vopts, sizeof(vopts)),
			       sb + kl);
		BPO_GROW(c->files, cap, c->n_files + 1);
		size_t klen = 0;
		char *kdata = bpo_buf_steal(&key, &klen);
		bpo_strv_push_owned(&c->owned, kdata);
		bpo_strv_push_owned(&c->owned, inroot);
		c->files[c->n_files++] = (struct bpo_chroot_file){inroot, kdata, klen, 0644};
		free(kf);
	}
	BPO_GROW(c->files, cap, c->n_files + 2);
	size_t llen = 0;
	char *ldata = bpo_buf_steal(&list, &llen);
	bpo_strv_push_owned(&c->owned, ldata);
	c->files[c->n_files++] = (struct bpo_chroot_file){"/etc/apt/sources.list", ldata, llen,
							  0644};
	/* as a user installs: Recommends too */
	static const char aptconf[] = "// written by bpo qa\nAcquire::Retries \"3\";\n"
				      "Dpkg::Use-Pty \"false\";\n";
	c->files[c->n_files++] = (struct bpo_chroot_file){"/etc/apt/apt.conf.d/90bpo-qa", aptconf,
							  sizeof(aptconf) - 1, 0644};
	rc = 0;
out:
	free(base);
	bpo_buf_destroy(&list);
	return rc;
}

/* apt-get update in a root; a failure is the check's error. */
static int apt_update(struct qctx *c, const char *const *lower, size_t n_lower, const char *upper,
		      struct bpo_qa_result *r, struct bpo_error *err)
{
	const char *argv[] = {"/usr/bin/apt-get", "-q", "update", NULL};
	struct bpo_buf out;
	int st = 0, rc = -1;

	bpo_buf_init(&out, MAX_TOOL_OUTPUT);
	if (in_root(c, lower, n_lower, upper, true, false, argv, &out, APT_TIMEOUT, &st, err) < 0)
		goto out;
	if (st != 0 || (out.data && strstr(out.data, "\nE: "))) {
		bpo_qa_parse_apt(out.data, "update", "error", NULL, r);
		bpo_error_set(err, BPO_E_FAIL, "apt-get update failed (status %d) in the %s root",
			      st, c->o->release);
		goto out;
	}
	rc = 0;
out:
	bpo_buf_destroy(&out);
	return rc;
}

static char *root_dir(struct qctx *c, const char *name)
{
	return bpo_path_join(c->tmp, name);
}

/* The install and upgrade roots' lowers, top first: the apt lists (when
 * made) over the image; the same for every mount of one upper. */
static size_t root_lowers(struct qctx *c, const char **lower)
{
	size_t n = 0;
	if (c->lists)
		lower[n++] = c->lists;
	lower[n++] = c->unpacked;
	return n;
}

/* apt-get update once for the install and upgrade checks (c->lists). */
static int lists_ready(struct qctx *c, struct bpo_qa_result *r, struct bpo_error *err)
{
	const char *lower[1] = {c->unpacked};
	if (c->lists)
		return 0;
	char *dir = root_dir(c, "lists");
	if (apt_update(c, lower, 1, dir, r, err) < 0) {
		if (bpo_path_exists(dir))
			bpo_ns_rm_rf(&c->ns, dir, NULL);
		free(dir);
		return -1;
	}
	c->lists = dir;
	return 0;
}

static bool is_pkg(struct qctx *c, const char *name)
{
	return strv_has(&c->rep->packages, name);
}

/* Every staged .deb, as paths inside the root; skip names in `except`. */
static void push_debs(struct qctx *c, struct bpo_strv *argv, const struct bpo_strv *except)
{
	for (size_t i = 0; i < c->debs.n; i++) {
		if (except && strv_has(except, c->rep->packages.v[i]))
			continue;
		bpo_strv_push_owned(argv, bpo_xasprintf(IN_ROOT "/%s", c->debs.v[i]));
	}
}

static void check_error(struct bpo_qa_result *r, const struct bpo_error *e)
{
	r->status = BPO_QA_ERROR;
	r->failure_class = "error";
	set_summary(r, "could not run: %s", e->msg);
}

/* Start argv as "apt-get -q -y VERB" (argv empty). */
static void apt_argv(struct bpo_strv *argv, const char *verb)
{
	bpo_strv_push(argv, "/usr/bin/apt-get");
	bpo_strv_push(argv, "-q");
	bpo_strv_push(argv, "-y");
	bpo_strv_push(argv, verb);
}

/* install: apt-get install ./x.deb ... in a fresh root. */
static void check_install(struct qctx *c, struct bpo_qa_result *r)
{
	const char *lower[2];
	size_t nl = 0;
	char *upper = root_dir(c, "install");
	struct bpo_strv argv = {0};
	struct bpo_buf out;
	struct bpo_error e;
	int st = 0;

	bpo_error_init(&e);
	bpo_buf_init(&out, MAX_TOOL_OUTPUT);
	bpo_info("[install] apt-get install of %zu package(s) in a fresh %s root", c->debs.n,
		 c->o->release);
	if (lists_ready(c, r, &e) < 0) {
		check_error(r, &e);
		goto out;
	}
	nl = root_lowers(c, lower);
	apt_argv(&argv, "install");
	push_debs(c, &argv, NULL);
	if (in_root(c, lower, nl, upper, true, false, (const char *const *)argv.v, &out,
		    APT_TIMEOUT, &st, &e) < 0) {
		check_error(r, &e);
		goto out;
	}
	if (st != 0) {
		r->status = BPO_QA_FAILED;
		r->failure_class = bpo_qa_parse_apt(out.data, "install", "install",
						    &c->rep->packages, r);
		set_summary(r, "apt-get install of the built packages failed (status %d)", st);
	} else {
		r->status = BPO_QA_PASSED;
		set_summary(r, "%zu package(s) installed with their dependencies", c->debs.n);
	}
out:
	bpo_ns_rm_rf(&c->ns, upper, NULL);
	free(upper);
	bpo_strv_destroy(&argv);
	bpo_buf_destroy(&out);
}

/* One apt-get step of the upgrade check; 0 when it succeeded. */
static int upgrade_step(struct qctx *c, const char *upper, const char *step, const char *cls,
			struct bpo_strv *argv, struct bpo_qa_result *r, struct bpo_error *e)
{
	const char *lower[2];
	size_t nl = root_lowers(c, lower);
	struct bpo_buf out;
	int st = 0, rc = -1;

	bpo_buf_init(&out, MAX_TOOL_OUTPUT);
	if (in_root(c, lower, nl, upper, true, false, (const char *const *)argv->v, &out,
		    APT_TIMEOUT, &st, e) < 0) {
		check_error(r, e);
		goto out;
	}
	/* dpkg errors during apt's run may leave apt's status 0 only in odd
	   cases; an "E: " line is a failure as well */
	if (st != 0 || (out.data && (strstr(out.data, "\nE: ") || bpo_str_has_prefix(out.data, "E: ")))) {
		r->status = BPO_QA_FAILED;
		r->failure_class = bpo_qa_parse_apt(out.data, step, cls, &c->rep->packages, r);
		set_summary(r, "step %s failed (apt-get status %d)", step, st);
		goto out;
	}
	rc = 0;
out:
	bpo_buf_destroy(&out);
	return rc;
}

/* Parse `apt-cache policy` output (see qa.h). */
void bpo_qa_parse_policy(const char *out, struct bpo_strv *have)
{
	const char *cur = out ? out : "", *line;
	size_t len;
	char *pkg = NULL;

	/* lines as they are: the indentation tells a package from its fields */
	for (; *cur; cur = line + len + (line[len] == '\n')) {
		line = cur;
		len = strcspn(cur, "\n");
		if (len > 1 && line[0] != ' ' && line[len - 1] == ':') {
			free(pkg);
			pkg = bpo_xstrndup(line, len - 1);
			if (!pkg_name_ok(pkg, len - 1)) {
				free(pkg);
				pkg = NULL;
			}
		} else if (pkg && len > 13 && strncmp(line, "  Candidate: ", 13) == 0) {
			char *v = bpo_xstrndup(line + 13, len - 13);
			if (strcmp(v, "(none)") != 0 && strspn(v, "0123456789abcdefghijklmnopqrstuvwxyz"
							   "ABCDEFGHIJKLMNOPQRSTUVWXYZ.+~:-") ==
								strlen(v))
				bpo_strv_push_owned(have, bpo_xasprintf("%s=%s", pkg, v));
			free(v);
			free(pkg);
			pkg = NULL;
		}
	}
	free(pkg);
}

/* Names of the "PACKAGE VALUE" lines of dpkg-query output whose VALUE is
 * want, added to out once each. */
static void protected_add(const char *out, const char *want, struct bpo_strv *set)
{
	const char *cur = out ? out : "", *line;
	size_t len;
	while (bpo_deb822_next_line(&cur, &line, &len)) {
		char *l = trimmed(line, len), *sp = strchr(l, ' ');
		if (sp) {
			*sp = '\0';
			if (strcmp(sp + 1, want) == 0 && !strv_has(set, l))
				bpo_strv_push(set, l);
		}
		free(l);
	}
}

/* Run TOOL ARGS... NAMES... in the upgrade root (upper over the unpacked
 * one, no network) with its output in out; its exit status is not checked
 * (dpkg-query exits 1 for a name it does not know). */
static int query_root(struct qctx *c, const char *upper, const char *const *args,
		      const struct bpo_strv *names, struct bpo_buf *out, struct bpo_qa_result *r)
{
	const char *lower[2];
	size_t nl = root_lowers(c, lower);
	struct bpo_strv argv = {0};
	struct bpo_error e;
	int st = 0, rc;
	bpo_error_init(&e);
	for (size_t i = 0; args[i]; i++)
		bpo_strv_push(&argv, args[i]);
	for (size_t i = 0; i < names->n; i++)
		bpo_strv_push(&argv, names->v[i]);
	bpo_buf_reset(out);
	rc = in_root(c, lower, nl, upper, false, false, (const char *const *)argv.v, out, 600, &st,
		     &e);
	if (rc < 0)
		check_error(r, &e);
	bpo_strv_destroy(&argv);
	return rc < 0 ? -1 : 0;
}

/* upgrade: the release's versions, then the backport; then remove and purge,
 * except for what the base system has installed or needs (Essential,
 * Priority: required): those are downgraded to the release's version and
 * upgraded again instead. */
static void check_upgrade(struct qctx *c, struct bpo_qa_result *r,
			  const struct bpo_qa_result *install)
{
	static const char *const policy_args[] = {"/usr/bin/apt-cache", "policy", NULL};
	static const char *const status_args[] = {"/usr/bin/dpkg-query", "-W", "-f",
						  "${Package} ${db:Status-Abbrev}\n", NULL};
	static const char *const base_args[] = {
		"/usr/bin/dpkg-query", "-W", "-f",
		"${Package} ${Essential}\n${Package} ${Priority}\n", NULL};
	const char *lower[2];
	size_t nl = 0;
	char *upper = root_dir(c, "upgrade");
	struct bpo_strv argv = {0}, have = {0}, left_out = {0}, names = {0}, protect = {0};
	size_t n_down = 0;
	struct bpo_buf out, note;
	struct bpo_error e;
	int st = 0;

	bpo_error_init(&e);
	bpo_buf_init(&out, MAX_TOOL_OUTPUT);
	bpo_buf_init(&note, 65536);
	/* packages the install check found uninstallable are reported there */
	for (size_t i = 0; install && i < install->n_items; i++)
		if (strcmp(install->items[i].what, "deps") == 0 && *install->items[i].name &&
		    !strv_has(&left_out, install->items[i].name) &&
		    is_pkg(c, install->items[i].name))
			bpo_strv_push(&left_out, install->items[i].name);
	for (size_t i = 0; i < c->rep->packages.n; i++)
		if (!strv_has(&left_out, c->rep->packages.v[i]))
			bpo_strv_push(&names, c->rep->packages.v[i]);
	for (size_t i = 0; i < left_out.n; i++)
		bpo_buf_printf(&note, NULL, "%s%s", i ? ", " : "", left_out.v[i]);
	if (names.n == 0) {
		r->status = BPO_QA_SKIPPED;
		set_summary(r, "nothing to upgrade: every package has unmet dependencies "
			    "(install check)");
		goto out;
	}
	bpo_info("[upgrade] release version, backport, remove, purge of %zu package(s)", names.n);
	if (lists_ready(c, r, &e) < 0) {
		check_error(r, &e);
		goto out;
	}
	nl = root_lowers(c, lower);
	if (query_root(c, upper, policy_args, &names, &out, r) < 0)
		goto out;
	bpo_qa_parse_policy(out.data, &have);
	/* what the root has installed before the check: the base system's own
	   packages (and those it depends on) are not removed */
	if (query_root(c, upper, status_args, &names, &out, r) < 0)
		goto out;
	protected_add(out.data, "ii", &protect);
	if (have.n) {
		memset(&argv, 0, sizeof(argv));
		apt_argv(&argv, "install");
		for (size_t i = 0; i < have.n; i++)
			bpo_strv_push(&argv, have.v[i]);
		if (upgrade_step(c, upper, "install-release", "upgrade", &argv, r, &e) < 0)
			goto out;
		bpo_strv_destroy(&argv);
	}
	memset(&argv, 0, sizeof(argv));
	apt_argv(&argv, "install");
	push_debs(c, &argv, &left_out);
	if (upgrade_step(c, upper, have.n ? "upgrade" : "install", "upgrade", &argv, r, &e) < 0)
		goto out;
	bpo_strv_destroy(&argv);
	/* Essential and Priority: required packages are never removed either */
	if (query_root(c, upper, base_args, &names, &out, r) < 0)
		goto out;
	protected_add(out.data, "yes", &protect);
	protected_add(out.data, "required", &protect);
	/* those: downgrade to the release's version and upgrade again */
	memset(&argv, 0, sizeof(argv));
	apt_argv(&argv, "install");
	bpo_strv_push(&argv, "--allow-downgrades");
	for (size_t i = 0; i < have.n; i++) {
		size_t n = strcspn(have.v[i], "=");
		for (size_t j = 0; j < protect.n; j++)
			if (strlen(protect.v[j]) == n && strncmp(protect.v[j], have.v[i], n) == 0) {
				bpo_strv_push(&argv, have.v[i]);
				n_down++;
				break;
			}
	}
	if (n_down) {
		if (upgrade_step(c, upper, "downgrade", "downgrade", &argv, r, &e) < 0)
			goto out;
		bpo_strv_destroy(&argv);
		memset(&argv, 0, sizeof(argv));
		apt_argv(&argv, "install");
		push_debs(c, &argv, &left_out);
		if (upgrade_step(c, upper, "upgrade-again", "upgrade", &argv, r, &e) < 0)
			goto out;
	}
	bpo_strv_destroy(&argv);
	memset(&argv, 0, sizeof(argv));
	apt_argv(&argv, "remove");
	for (size_t i = 0; i < names.n; i++)
		if (!strv_has(&protect, names.v[i]))
			bpo_strv_push(&argv, names.v[i]);
	if (argv.n > 4 && upgrade_step(c, upper, "remove", "remove", &argv, r, &e) < 0)
		goto out;
	/* purge what remove left (config-files state): apt no longer knows a
	   removed local package that left nothing behind */
	bpo_strv_destroy(&argv);
	memset(&argv, 0, sizeof(argv));
	bpo_strv_push(&argv, "/usr/bin/dpkg-query");
	bpo_strv_push(&argv, "-W");
	bpo_strv_push(&argv, "-f");
	bpo_strv_push(&argv, "${Package} ${db:Status-Abbrev}\n");
	for (size_t i = 0; i < names.n; i++)
		bpo_strv_push(&argv, names.v[i]);
	bpo_buf_reset(&out);
	if (in_root(c, lower, nl, upper, false, false, (const char *const *)argv.v, &out, 600, &st,
		    &e) < 0) {
		check_error(r, &e);
		goto out;
	}
	bpo_strv_destroy(&argv);
	memset(&argv, 0, sizeof(argv));
	apt_argv(&argv, "purge");
	{
		const char *cur = out.data ? out.data : "", *line;
		size_t len;
		while (bpo_deb822_next_line(&cur, &line, &len)) {
			char *l = trimmed(line, len), *sp = strchr(l, ' ');
			if (sp && bpo_str_has_prefix(sp + 1, "rc")) {
				*sp = '\0';
				if (is_pkg(c, l) && !strv_has(&protect, l))
					bpo_strv_push(&argv, l);
			}
			free(l);
		}
	}
	if (argv.n > 4 && upgrade_step(c, upper, "purge", "purge", &argv, r, &e) < 0)
		goto out;
	r->status = BPO_QA_PASSED;
	if (have.n && n_down)
		set_summary(r, "%zu package(s) upgraded from %s's version; %zu of the base system "
			    "downgraded and upgraded again, the others removed and purged%s%s",
			    have.n, c->o->release, n_down,
			    note.len ? "; left out (unmet dependencies): " : "",
			    note.len ? note.data : "");
	else if (have.n)
		set_summary(r, "%zu package(s) upgraded from %s's version, removed and purged%s%s",
			    have.n, c->o->release, note.len ? "; left out (unmet dependencies): " : "",
			    note.len ? note.data : "");
	else
		set_summary(r, "no built package is in %s; %zu installed, removed and purged%s%s",
			    c->o->release, names.n,
			    note.len ? "; left out (unmet dependencies): " : "",
			    note.len ? note.data : "");
out:
	if (r->status == BPO_QA_FAILED && note.len) {
		char *s = bpo_xasprintf("%s; left out (unmet dependencies): %s", r->summary,
					note.data);
		free(r->summary);
		r->summary = s;
	}
	bpo_ns_rm_rf(&c->ns, upper, NULL);
	free(upper);
	bpo_strv_destroy(&argv);
	bpo_strv_destroy(&have);
	bpo_strv_destroy(&left_out);
	bpo_strv_destroy(&names);
	bpo_strv_destroy(&protect);
	bpo_buf_destroy(&out);
	bpo_buf_destroy(&note);
}

/* The cached layer with lintian and autopkgtest over the image: made once per
 * image (aside, renamed into place when complete), shared by later runs. */
static int tools_layer(struct qctx *c, struct bpo_qa_result *r, struct bpo_error *err)
{
	const char *lower[1] = {c->unpacked};
	char key[BPO_HASH_HEX_MAX];
	char *layers = NULL, *layer = NULL, *dupper = NULL, *complete = NULL;
	struct bpo_buf out;
	int st = 0, rc = -1;

	if (c->tools)
		return 0;
	bpo_buf_init(&out, MAX_TOOL_OUTPUT);
	{
		char *k = bpo_xasprintf("%s\n%s\n%s\n", TOOLS_LAYER_TAG, c->meta.sha256, c->arch);
		bpo_sha256_hex_buf(k, strlen(k), key);
		free(k);
	}
	layers = bpo_xasprintf("%s/chroots/layers", c->cfg->cache_dir);
	/* named by its key, as build's layers are: `bpo chroot update` prunes
	   the layers whose "complete" names the old image */
	layer = bpo_xasprintf("%s/%s", layers, key);
	complete = bpo_path_join(layer, "complete");
	if (bpo_path_exists(complete)) {
		c->tools = bpo_path_join(layer, "upper");
		bpo_logf(c->log_fd, "== bpo qa: tools from the cached layer %s\n", layer);
		rc = 0;
		goto out;
	}
	bpo_info("[tools] installing lintian and autopkgtest into a cached layer (once per image)");
	dupper = root_dir(c, "tools");
	if (apt_update(c, lower, 1, dupper, r, err) < 0)
		goto out;
	{
		const char *argv[] = {"/usr/bin/apt-get", "-q", "-y", "--no-install-recommends",
				      "install", "lintian", "autopkgtest", NULL};
		if (in_root(c, lower, 1, dupper, true, false, argv, &out, APT_TIMEOUT, &st, err) < 0)
			goto out;
		if (st != 0) {
			bpo_qa_parse_apt(out.data, "tools", "error", NULL, r);
			bpo_error_set(err, BPO_E_FAIL, "apt-get install lintian autopkgtest failed "
				      "(status %d) in the %s root", st, c->o->release);
			goto out;
		}
	}
	{
		const char *argv[] = {"/usr/bin/apt-get", "clean", NULL};
		in_root(c, lower, 1, dupper, false, false, argv, NULL, 600, &st, NULL);
	}
	{
		/* lintian brings man-db, whose trigger rebuilds the man page index
		   after every installation that has man pages: seconds each time
		   autopkgtest installs a test's packages, for nothing a check
		   looks at. Its own switch (debconf man-db/auto-update) is this
		   file. */
		const char *argv[] = {"/bin/rm", "-f", "/var/lib/man-db/auto-update", NULL};
		in_root(c, lower, 1, dupper, false, false, argv, NULL, 600, &st, NULL);
	}
	{
		char *meta = bpo_xasprintf("Image-SHA256: %s\nArchitecture: %s\nTools: lintian "
					   "autopkgtest\n", c->meta.sha256, c->arch);
		int x = bpo_chroot_layer_commit(&c->ns, layers, key, dupper, NULL, NULL, 0, meta,
						&c->tools, err);
		free(meta);
		if (x < 0)
			goto out;
	}
	rc = 0;
out:
	if (dupper && bpo_path_exists(dupper))
		bpo_ns_rm_rf(&c->ns, dupper, NULL);
	free(dupper);
	free(layer);
	free(layers);
	free(complete);
	bpo_buf_destroy(&out);
	return rc;
}

/* lintian on the .changes as the unprivileged user, without network. */
static void check_lintian(struct qctx *c, struct bpo_qa_result *r)
{
	char *upper = root_dir(c, "lintian"), *changes = NULL;
	struct bpo_buf out;
	struct bpo_error e;
	int st = 0;

	bpo_error_init(&e);
	bpo_buf_init(&out, MAX_TOOL_OUTPUT);
	if (tools_layer(c, r, &e) < 0) {
		check_error(r, &e);
		goto out;
	}
	bpo_info("[lintian] %s's lintian on %s", c->o->release, c->changes_name);
	const char *lower[2] = {c->tools, c->unpacked};
	changes = bpo_xasprintf(IN_ROOT "/%s", c->changes_name);
	const char *argv[] = {"/usr/bin/lintian", "--info", "--display-info", "--no-tag-display-limit",
			      changes, NULL};
	if (in_root(c, lower, 2, upper, false, true, argv, &out, LINTIAN_TIMEOUT, &st, &e) < 0) {
		check_error(r, &e);
		goto out;
	}
	bpo_qa_parse_lintian(out.data, r);
	/* lintian(1): 0 normal operation, 2 tags at --fail-on's level (error by
	   default), 1 a run-time error (anything else: it failed too) */
	if (st != 0 && st != 2) {
		r->status = BPO_QA_ERROR;
		r->failure_class = "error";
		set_summary(r, "lintian failed (status %d), see the log", st);
		goto out;
	}
	r->status = r->lintian_counts[0] ? BPO_QA_FAILED : BPO_QA_PASSED;
	if (r->lintian_counts[0])
		r->failure_class = "lintian";
	set_summary(r, "%u error(s), %u warning(s), %u info tag(s)", r->lintian_counts[0],
		    r->lintian_counts[1], r->lintian_counts[2]);
out:
	bpo_ns_rm_rf(&c->ns, upper, NULL);
	free(upper);
	free(changes);
	bpo_buf_destroy(&out);
}

/* apt's lines on the dependencies of autopkgtest's pseudo package that it
 * could not install ("Broken autopkgtest-satdep:amd64 Depends on mmdebstrap:amd64
 * < none | 1.3.5-7 @un uH > (>= 1.3.7-1)", or "autopkgtest-satdep : Depends:
 * X but ..."), as "mmdebstrap (>= 1.3.7-1): the release has 1.3.5-7" or apt's
 * own words; *own when one of them is a built package. */
static void badpkg_deps(struct qctx *c, const char *log, struct bpo_strv *out, bool *own)
{
	const char *cur = log ? log : "", *line;
	size_t len;
	while (bpo_deb822_next_line(&cur, &line, &len)) {
		char *l = trimmed(line, len), *m = NULL, *name = NULL;
		const char *p;
		if ((p = strstr(l, "Broken autopkgtest-satdep")) && (p = strstr(p, " Depends on "))) {
			p += strlen(" Depends on ");
			name = bpo_xstrndup(p, strcspn(p, ": "));
			const char *lt = strchr(p, '<'), *gt = lt ? strchr(lt, '>') : NULL;
			const char *req = gt ? gt + 1 + strspn(gt + 1, " ") : "";
			char *have = NULL;
			if (lt && gt) {
				/* "< none | 1.3.5-7 @un uH >": the candidate after '|' */
				const char *bar = memchr(lt, '|', (size_t)(gt - lt));
				if (bar) {
					bar += 1 + strspn(bar + 1, " ");
					have = bpo_xstrndup(bar, strcspn(bar, " >"));
				}
			}
			m = bpo_xasprintf("%s%s%s: %s has %s", name, *req ? " " : "", req,
					  c->o->release, have ? have : "none");
			free(have);
		} else if ((p = strstr(l, "autopkgtest-satdep : Depends: ")) != NULL) {
			const char *d = p + strlen("autopkgtest-satdep : Depends: ");
			name = bpo_xstrndup(d, strcspn(d, " :("));
			m = bpo_xstrdup(d);
		}
		if (m) {
			if (is_pkg(c, name))
				*own = true;
			if (!strv_has(out, m))
				bpo_strv_push(out, m);
			free(m);
		}
		free(name);
		free(l);
	}
}

#define SUMMARY_MARK "== bpo qa: autopkgtest summary =="

/* autopkgtest on the .dsc with the built .debs, virt server null, in the root. */
static void check_autopkgtest(struct qctx *c, struct bpo_qa_result *r)
{
	char *upper = root_dir(c, "autopkgtest");
	struct bpo_strv argv = {0};
	struct bpo_buf out;
	struct bpo_error e;
	int st = 0;

	bpo_error_init(&e);
	bpo_buf_init(&out, MAX_TOOL_OUTPUT);
	if (!c->dsc_name || !c->has_tests) {
		r->status = BPO_QA_SKIPPED;
		set_summary(r, c->dsc_name ? "no tests: the .dsc has no Testsuite: autopkgtest"
					   : "no .dsc next to the .changes, so no tests to run");
		goto out;
	}
	if (tools_layer(c, r, &e) < 0) {
		check_error(r, &e);
		goto out;
	}
	bpo_info("[autopkgtest] %s's autopkgtest (virt server null) on %s", c->o->release,
		 c->dsc_name);
	const char *lower[2] = {c->tools, c->unpacked};
	if (apt_update(c, lower, 2, upper, r, &e) < 0) {
		check_error(r, &e);
		goto out;
	}
	/* the summary file lives in the root's /tmp: print it after a marker */
	bpo_strv_push(&argv, "/bin/sh");
	bpo_strv_push(&argv, "-c");
	bpo_strv_push(&argv, "/usr/bin/autopkgtest --summary-file=/tmp/bpo-qa-summary \"$@\" -- null;"
			     " st=$?; echo '" SUMMARY_MARK "'; cat /tmp/bpo-qa-summary 2>/dev/null;"
			     " exit $st");
	bpo_strv_push(&argv, "autopkgtest");
	push_debs(c, &argv, NULL);
	bpo_strv_push_owned(&argv, bpo_xasprintf(IN_ROOT "/%s", c->dsc_name));
	if (in_root(c, lower, 2, upper, true, false, (const char *const *)argv.v, &out,
		    AUTOPKGTEST_TIMEOUT, &st, &e) < 0) {
		check_error(r, &e);
		goto out;
	}
	/* the last marker: test output cannot fake it after autopkgtest ended */
	const char *sum = NULL;
	for (const char *p = out.data; p && (p = strstr(p, SUMMARY_MARK "\n")); p++)
		sum = p + strlen(SUMMARY_MARK "\n");
	int failed = bpo_qa_parse_autopkgtest(sum, r);
	/* autopkgtest: 0 passed, 2 some skipped, 4 some failed, 6 both, 8 no tests,
	   12 erroneous package, 16 testbed failure, 20 other */
	size_t ran = 0, nbad = 0, npass = 0;
	for (size_t i = 0; i < r->n_items; i++) {
		if (strcmp(r->items[i].what, "skip") != 0 && strcmp(r->items[i].what, "badpkg") != 0)
			ran++;
		nbad += strcmp(r->items[i].what, "badpkg") == 0;
		npass += strcmp(r->items[i].what, "pass") == 0;
	}
	/* A test whose own dependencies the release cannot install (a newer tool
	   than it has) could not run: not a failure of the backport, which cannot
	   change the release. It is one when what cannot be installed is a built
	   package (the install check fails then too). */
	struct bpo_strv unmet = {0};
	bool own = false;
	if (nbad)
		badpkg_deps(c, out.data, &unmet, &own);
	if (failed == 0 && nbad > 0 && unmet.n > 0 && !own) {
		struct bpo_buf why;
		bpo_buf_init(&why, 65536);
		for (size_t i = 0; i < unmet.n; i++)
			bpo_buf_printf(&why, NULL, "%s%s", i ? "; " : "", unmet.v[i]);
		for (size_t i = 0; i < r->n_items; i++)
			if (strcmp(r->items[i].what, "badpkg") == 0) {
				free(r->items[i].message);
				r->items[i].message = bpo_xasprintf(
					"could not run: its dependencies are not installable in %s (%s)",
					c->o->release, why.data);
				r->items[i].info = true;
			}
		r->status = npass ? BPO_QA_PASSED : BPO_QA_SKIPPED;
		set_summary(r, "%zu test(s) passed; %zu could not run: their test dependencies are "
			    "not installable in %s (%s)", npass, nbad, c->o->release, why.data);
		bpo_buf_destroy(&why);
	} else if (failed > 0 || nbad > 0 || st == 4 || st == 6) {
		failed += (int)nbad;
		r->status = BPO_QA_FAILED;
		r->failure_class = "test-failure";
		set_summary(r, "%d of %zu test(s) failed", failed > 0 ? failed : 1, r->n_items);
	} else if (st == 0 || st == 2 || (st == 8 && ran > 0)) {
		/* 8 also when every test that ran is superficial */
		r->status = BPO_QA_PASSED;
		set_summary(r, "%zu test(s): none failed", r->n_items);
	} else if (st == 8) {
		r->status = BPO_QA_SKIPPED;
		set_summary(r, "autopkgtest found no tests to run");
	} else {
		r->status = BPO_QA_ERROR;
		r->failure_class = st == 12 ? "deps" : "error";
		set_summary(r, "autopkgtest could not run the tests (status %d: %s), see the log",
			    st, st == 12 ? "erroneous package, e.g. unsatisfiable test dependencies"
			    : st == 16 ? "testbed failure" : "other failure");
	}
	bpo_strv_destroy(&unmet);
out:
	bpo_ns_rm_rf(&c->ns, upper, NULL);
	free(upper);
	bpo_strv_destroy(&argv);
	bpo_buf_destroy(&out);
}

/* ---------------------------------------------------------- regression */

/* <base>(.xz|.gz|) of the verified Release, decompressed into out
 * (bpo_index_load). 1 when the Release does not list it. */
static int load_packages(const struct bpo_release *rel, const char *base, struct bpo_buf *out,
			 struct bpo_error *err)
{
	char *shown = NULL;
	int rc = bpo_index_load(rel, base, out, &shown, err);
	free(shown);
	if (rc < 0 && err->kind == BPO_E_NOTFOUND)
		return 1;
	return rc < 0 ? -1 : 0;
}

/* The source name and version a Packages stanza comes from. */
static void stanza_source(const struct bpo_deb822_para *p, char **src, char **ver)
{
	const char *s = bpo_deb822_get(p, "Source"), *v = bpo_deb822_get(p, "Version");
	*src = NULL;
	*ver = NULL;
	if (s) {
		size_t n = strcspn(s, " (");
		*src = bpo_xstrndup(s, n);
		const char *o = strchr(s, '(');
		if (o) {
			size_t vn = strcspn(o + 1, ")");
			*ver = trimmed(o + 1, vn);
		}
	} else {
		s = bpo_deb822_get(p, "Package");
		if (s)
			*src = bpo_xstrdup(s);
	}
	if (!*ver && v)
		*ver = bpo_xstrdup(v);
}

/* regression: the built binaries against the newer release's binaries of the
 * same source (its highest version there). */
static void check_regression(struct qctx *c, struct bpo_qa_result *r)
{
	struct bpo_release rel;
	struct bpo_strv comps = {0}, names = {0}, stanzas = {0};
	struct bpo_buf text;
	struct bpo_error e;
	char *best = NULL;

	bpo_release_init(&rel);
	bpo_error_init(&e);
	bpo_buf_init(&text, BPO_MAX_INDEX);
	if (!c->o->newer_url || !c->o->newer_suite || !c->o->newer_keyring) {
		r->status = BPO_QA_SKIPPED;
		set_summary(r, "no newer release to compare with: a .dsc source has no suite; "
			    "give the recipe qa.newer-archive and qa.newer-suite (or "
			    "--newer-archive, --newer-suite, --newer-keyring)");
		goto out;
	}
	bpo_info("[regression] comparing with %s in the newer archive", c->o->newer_suite);
	if (bpo_index_fetch_release(c->o->newer_url, c->o->newer_suite, c->o->newer_keyring, c->cfg,
				    &rel, &e) < 0) {
		check_error(r, &e);
		goto out;
	}
	{
		const char *cv = bpo_deb822_get(&rel.para, "Components");
		const char *p = cv ? cv : "main";
		while (*p) {
			p += strspn(p, " \t\n");
			size_t n = strcspn(p, " \t\n");
			if (n && n < 64)
				bpo_strv_push_owned(&comps, bpo_xstrndup(p, n));
			p += n;
		}
	}
	for (size_t ci = 0; ci < comps.n; ci++) {
		char *base = bpo_xasprintf("%s/binary-%s/Packages", comps.v[ci], c->arch);
		struct bpo_deb822_parser p;
		int lr;
		bpo_buf_reset(&text);
		lr = load_packages(&rel, base, &text, &e);
		free(base);
		if (lr < 0) {
			check_error(r, &e);
			goto out;
		}
		if (lr > 0)
			continue;
		bpo_deb822_parser_init(&p, text.data ? text.data : "", text.len, "Packages", 0);
		for (;;) {
			struct bpo_deb822_para para;
			char *src = NULL, *ver = NULL;
			bpo_deb822_para_init(&para);
			int x = bpo_deb822_next(&p, &para, &e);
			if (x <= 0) {
				bpo_deb822_para_destroy(&para);
				if (x < 0) {
					check_error(r, &e);
					goto out;
				}
				break;
			}
			stanza_source(&para, &src, &ver);
			const char *pkg = bpo_deb822_get(&para, "Package");
			if (src && ver && pkg && strcmp(src, c->rep->source) == 0) {
				struct bpo_buf w;
				bpo_buf_init(&w, BPO_MAX_CONTROL);
				if (bpo_deb822_write(&para, &w, NULL) == 0) {
					bpo_strv_push_owned(&stanzas, bpo_xasprintf("%s\n%s", ver,
										    w.data ? w.data : ""));
					if (!best || bpo_version_compare_str(ver, best) > 0) {
						free(best);
						best = bpo_xstrdup(ver);
					}
				}
				bpo_buf_destroy(&w);
			}
			free(src);
			free(ver);
			bpo_deb822_para_destroy(&para);
		}
	}
	if (!best) {
		r->status = BPO_QA_PASSED;
		set_summary(r, "%s has no binary package of source %s: nothing to compare",
			    c->o->newer_suite, c->rep->source);
		goto out;
	}
	/* the newer release's packages of that version, compared one by one */
	for (size_t i = 0; i < stanzas.n; i++) {
		const char *nl = strchr(stanzas.v[i], '\n');
		if ((size_t)(nl - stanzas.v[i]) != strlen(best) ||
		    strncmp(stanzas.v[i], best, strlen(best)) != 0)
			continue;
		struct bpo_deb822_para para;
		bpo_deb822_para_init(&para);
		if (parse_one(nl + 1, "Packages", &para, &e) < 0) {
			bpo_deb822_para_destroy(&para);
			continue;
		}
		const char *pkg = bpo_deb822_get(&para, "Package");
		if (pkg && !strv_has(&names, pkg)) {
			bpo_strv_push(&names, pkg);
			size_t k;
			for (k = 0; k < c->rep->packages.n; k++)
				if (strcmp(c->rep->packages.v[k], pkg) == 0)
					break;
			if (k == c->rep->packages.n) {
				/* the backport builds it under its old name (t64 ...) */
				for (k = 0; k < c->rep->packages.n; k++)
					if (!strv_has(&names, c->rep->packages.v[k]) &&
					    bpo_qa_renamed(pkg, c->rep->packages.v[k]))
						break;
			}
			if (k < c->rep->packages.n && strcmp(c->rep->packages.v[k], pkg) != 0) {
				char *m = bpo_xasprintf("renamed: %s %s builds it as %s (a library "
							"transition such as t64)", c->o->newer_suite,
							best, pkg);
				add_info(r, c->rep->packages.v[k], "package", m);
				free(m);
				bpo_strv_push(&names, c->rep->packages.v[k]);
			}
			if (k == c->rep->packages.n) {
				char *m = bpo_xasprintf("%s %s builds it, the backport does not",
							c->o->newer_suite, best);
				add_item(r, pkg, "package", m);
				free(m);
			} else if (bpo_qa_compare_control(pkg, c->controls.v[k], nl + 1, r, &e) < 0) {
				add_item(r, pkg, "control", e.msg);
			}
		}
		bpo_deb822_para_destroy(&para);
	}
	for (size_t k = 0; k < c->rep->packages.n; k++)
		if (!strv_has(&names, c->rep->packages.v[k])) {
			/* a -dbgsym: the newer release's are in its debug archive
			   (debian-debug), never beside its packages */
			bool dbg = bpo_qa_debug_package(c->controls.v[k]);
			char *m = dbg ? bpo_xasprintf("debug symbols (Auto-Built-Package: "
						      "debug-symbols): %s keeps its own in the "
						      "debug archive", c->o->newer_suite)
				      : bpo_xasprintf("new: %s %s does not build it",
						      c->o->newer_suite, best);
			if (dbg)
				add_info(r, c->rep->packages.v[k], "package", m);
			else
				add_item(r, c->rep->packages.v[k], "package", m);
			free(m);
		}
	r->status = n_differences(r) ? BPO_QA_FAILED : BPO_QA_PASSED;
	if (n_differences(r))
		r->failure_class = "regression";
	/* the trap of relaxing: an older toolchain can lose what the newer
	   release's binaries declare; with the default policy a loss fails */
	size_t losses = 0;
	for (size_t i = 0; i < r->n_items; i++) {
		const struct bpo_qa_item *it = &r->items[i];
		if (it->info)
			continue;
		if (((strcmp(it->what, "Provides") == 0 || strcmp(it->what, "Breaks") == 0 ||
		      strcmp(it->what, "Replaces") == 0) && strncmp(it->message, "lost ", 5) == 0) ||
		    (strcmp(it->what, "package") == 0 && strstr(it->message, "the backport does not")))
			losses++;
	}
	bool elevated = losses && c->o->relaxed &&
			c->o->policy[BPO_QA_REGRESSION] == BPO_QA_POLICY_DEFAULT;
	if (elevated)
		r->policy = BPO_QA_POLICY_FAIL;
	set_summary(r, "%zu difference(s) from %s %s in %s%s%s", n_differences(r), c->rep->source,
		    best, c->o->newer_suite,
		    r->n_items > n_differences(r) ? " (and renames, information only)" : "",
		    elevated ? "; the build relaxed build dependencies and lost a Provides, "
			       "Breaks/Replaces or binary package: a failure (qa.regression: warn "
			       "lowers it)" : "");
out:
	bpo_release_destroy(&rel);
	bpo_strv_destroy(&comps);
	bpo_strv_destroy(&names);
	bpo_strv_destroy(&stanzas);
	bpo_buf_destroy(&text);
	free(best);
}

/* ------------------------------------------------------------- staging */

/* Copy dir/name to c->indir, checking size and sha256. */
static int stage_file(struct qctx *c, const char *dir, const char *name, uint64_t size,
		      const char *sha256, const char *listed_in, struct bpo_error *err)
{
	char *src = bpo_path_join(dir, name), *dst = bpo_path_join(c->indir, name);
	char hex[BPO_HASH_HEX_MAX];
	uint64_t got = 0;
	int rc = -1;

	if (!bpo_path_exists(src)) {
		bpo_error_set(err, BPO_E_NOTFOUND, "%s lists %s, which is not next to it", listed_in,
			      name);
		goto out;
	}
	if (bpo_file_copy(src, dst, 0644, err) < 0 ||
	    bpo_hash_file(dst, BPO_HASH_SHA256, hex, &got, err) < 0)
		goto out;
	if (got != size || strcmp(hex, sha256) != 0) {
		bpo_error_set(err, BPO_E_VERIFY, "%s: size %llu sha256 %s, but %s says size %llu "
			      "sha256 %s", src, (unsigned long long)got, hex, listed_in,
			      (unsigned long long)size, sha256);
		goto out;
	}
	rc = 0;
out:
	free(src);
	free(dst);
	return rc;
}

/* A .deb staged in indir: its control paragraph and package name. */
static int stage_deb(struct qctx *c, const char *name, struct bpo_error *err)
{
	char *path = bpo_path_join(c->indir, name);
	struct bpo_buf ctl;
	struct bpo_deb822_para para;
	int rc = -1;

	bpo_buf_init(&ctl, BPO_MAX_CONTROL);
	bpo_deb822_para_init(&para);
	if (bpo_debfile_read_control(path, &ctl, err) < 0 ||
	    parse_one(ctl.data ? ctl.data : "", name, &para, err) < 0)
		goto out;
	const char *pkg = bpo_deb822_get(&para, "Package");
	if (!pkg || !pkg_name_ok(pkg, strlen(pkg)) || strchr(pkg, ':')) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: no valid Package field in its control file",
			      name);
		goto out;
	}
	if (strv_has(&c->rep->packages, pkg)) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: package %s is built twice", name, pkg);
		goto out;
	}
	bpo_strv_push(&c->rep->packages, pkg);
	bpo_strv_push(&c->debs, name);
	bpo_strv_push(&c->controls, ctl.data);
	rc = 0;
out:
	free(path);
	bpo_buf_destroy(&ctl);
	bpo_deb822_para_destroy(&para);
	return rc;
}

/* Parse the .changes, stage what it lists (and the .dsc with its files). */
static int stage(struct qctx *c, struct bpo_error *err)
{
	const char *cpath = c->o->changes_path;
	char *dir = NULL, *dsc_path = NULL;
	struct bpo_buf raw, plain;
	struct bpo_deb822_para para;
	struct bpo_deb822_parser p;
	struct bpo_dsc dsc;
	bool is_signed = false;
	unsigned first_line = 1;
	size_t nfiles = 0;
	int rc = -1;

	bpo_buf_init(&raw, BPO_MAX_CONTROL);
	bpo_buf_init(&plain, BPO_MAX_CONTROL);
	bpo_deb822_para_init(&para);
	bpo_dsc_init(&dsc);
	{
		const char *slash = strrchr(cpath, '/');
		dir = slash ? bpo_xstrndup(cpath, (size_t)(slash - cpath)) : bpo_xstrdup(".");
		if (slash && slash == cpath) {
			free(dir);
			dir = bpo_xstrdup("/");
		}
		c->changes_name = bpo_xstrdup(slash ? slash + 1 : cpath);
	}
	if (!bpo_path_component_ok(c->changes_name) ||
	    !bpo_str_has_suffix(c->changes_name, ".changes")) {
		bpo_error_set(err, BPO_E_USAGE, "%s: expected a .changes file", cpath);
		goto out;
	}
	if (bpo_file_read(cpath, BPO_MAX_CONTROL, &raw, err) < 0 ||
	    bpo_deb822_clearsign_strip_at(raw.data ? raw.data : "", raw.len, cpath, &plain,
					  &is_signed, &first_line, err) < 0)
		goto out;
	bpo_deb822_parser_init(&p, plain.data ? plain.data : "", plain.len, cpath, 0);
	p.line = first_line; /* messages name the lines of the signed file */
	{
		int x = bpo_deb822_next(&p, &para, err);
		if (x < 0)
			goto out;
		if (x == 0) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s: empty .changes file", cpath);
			goto out;
		}
	}
	const char *src = bpo_deb822_get(&para, "Source"), *ver = bpo_deb822_get(&para, "Version");
	const char *sums = bpo_deb822_get(&para, "Checksums-Sha256");
	if (!src || !pkg_name_ok(src, strlen(src)) || strchr(src, ':') ||
	    !bpo_path_component_ok(src)) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: expected a Source field with a package "
			      "name", cpath, para.line);
		goto out;
	}
	if (!ver || !*ver || strlen(ver) > 200 ||
	    strspn(ver, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.+~:-") !=
		    strlen(ver)) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: expected a Version field", cpath, para.line);
		goto out;
	}
	if (!sums) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: no Checksums-Sha256 field", cpath,
			      para.line);
		goto out;
	}
	c->rep->source = bpo_xstrdup(src);
	c->rep->version = bpo_xstrdup(ver);
	c->rep->changes = bpo_xstrdup(cpath);
	{
		const struct bpo_deb822_field *f = bpo_deb822_find(&para, "Checksums-Sha256");
		const char *cur = sums, *line;
		size_t len;
		unsigned lno = f ? f->line : para.line;
		while (bpo_deb822_next_line(&cur, &line, &len)) {
			char sha[65], name[256];
			unsigned long long size;
			char *l = trimmed(line, len);
			lno++;
			if (!*l) {
				free(l);
				continue;
			}
			char *end = NULL;
			size_t shan = strcspn(l, " ");
			if (shan != 64) {
				bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: Checksums-Sha256: expected "
					      "\"SHA256 SIZE NAME\"", cpath, lno);
				free(l);
				goto out;
			}
			memcpy(sha, l, 64);
			sha[64] = '\0';
			errno = 0;
			size = strtoull(l + 65, &end, 10);
			const char *nm = end ? end + strspn(end, " ") : "";
			if (!bpo_sha256_hex_valid(sha) || errno || !end || end == l + 65 ||
			    *end != ' ' || strlen(nm) >= sizeof(name) ||
			    !bpo_path_component_ok(nm) || ++nfiles > MAX_CHANGES_FILES) {
				bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: Checksums-Sha256: expected "
					      "\"SHA256 SIZE NAME\" (at most %u files)", cpath,
					      lno, MAX_CHANGES_FILES);
				free(l);
				goto out;
			}
			memcpy(name, nm, strlen(nm) + 1);
			free(l);
			if (stage_file(c, dir, name, size, sha, cpath, err) < 0)
				goto out;
			if (bpo_str_has_suffix(name, ".deb") && stage_deb(c, name, err) < 0)
				goto out;
			if (bpo_str_has_suffix(name, ".dsc")) {
				free(c->dsc_name);
				c->dsc_name = bpo_xstrdup(name);
			}
		}
	}
	if (c->debs.n == 0) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: lists no .deb (nothing to test)", cpath);
		goto out;
	}
	{
		char *cdst = bpo_path_join(c->indir, c->changes_name);
		int x = bpo_file_copy(cpath, cdst, 0644, err);
		free(cdst);
		if (x < 0)
			goto out;
	}
	/* the source: listed, or next to the .changes as `bpo build` leaves it */
	if (!c->dsc_name) {
		const char *colon = strchr(ver, ':');
		char *name = bpo_xasprintf("%s_%s.dsc", src, colon ? colon + 1 : ver);
		char *cand = bpo_path_join(dir, name);
		if (bpo_path_exists(cand)) {
			c->dsc_name = name;
			name = NULL;
		}
		free(name);
		free(cand);
		if (c->dsc_name) {
			/* not covered by the .changes: copied, then its files checked */
			char *s2 = bpo_path_join(dir, c->dsc_name), *d2 = bpo_path_join(c->indir,
											c->dsc_name);
			int x = bpo_file_copy(s2, d2, 0644, err);
			free(s2);
			free(d2);
			if (x < 0)
				goto out;
		}
	}
	if (c->dsc_name) {
		dsc_path = bpo_path_join(c->indir, c->dsc_name);
		if (bpo_dsc_load(&dsc, dsc_path, err) < 0)
			goto out;
		for (size_t i = 0; i < dsc.n_files; i++) {
			char *have = bpo_path_join(c->indir, dsc.files[i].name);
			bool staged = bpo_path_exists(have);
			free(have);
			if (!staged && stage_file(c, dir, dsc.files[i].name, dsc.files[i].size,
						  dsc.files[i].sha256, c->dsc_name, err) < 0)
				goto out;
		}
		const char *ts = bpo_deb822_get(&dsc.para, "Testsuite");
		c->has_tests = ts && strstr(ts, "autopkgtest") != NULL;
	}
	rc = 0;
out:
	free(dir);
	free(dsc_path);
	bpo_buf_destroy(&raw);
	bpo_buf_destroy(&plain);
	bpo_deb822_para_destroy(&para);
	bpo_dsc_destroy(&dsc);
	return rc;
}

/* ------------------------------------------------------- running checks */

/* One check: its result in rep->r[i], its part of the log on c->log_fd. */
static void run_check(struct qctx *c, struct bpo_qa_report *rep, int i)
{
	struct bpo_qa_result *r = &rep->r[i];
	double t0 = bpo_now_s();
	free(r->summary);
	r->summary = NULL;
	bpo_logf(c->log_fd, "\n==== bpo qa: check %s ====\n", check_names[i]);
	switch (i) {
	case BPO_QA_INSTALL:
		check_install(c, r);
		break;
	case BPO_QA_UPGRADE:
		check_upgrade(c, r, rep->r[BPO_QA_INSTALL].policy == BPO_QA_POLICY_SKIP
					    ? NULL : &rep->r[BPO_QA_INSTALL]);
		break;
	case BPO_QA_LINTIAN:
		check_lintian(c, r);
		break;
	case BPO_QA_AUTOPKGTEST:
		check_autopkgtest(c, r);
		break;
	default:
		check_regression(c, r);
		break;
	}
	r->seconds = bpo_now_s() - t0;
	bpo_logf(c->log_fd, "==== bpo qa: %s %s: %s\n", check_names[i],
		  bpo_qa_status_name(r->status), r->summary ? r->summary : "");
}

static void report_check(const struct bpo_qa_report *rep, int i)
{
	const struct bpo_qa_result *r = &rep->r[i];
	if (r->status != BPO_QA_PASSED && r->status != BPO_QA_SKIPPED)
		(r->policy == BPO_QA_POLICY_FAIL ? bpo_error : bpo_warn)(
			"[%s] %s", check_names[i], r->summary ? r->summary : "failed");
}

/* A result through a file from a check's process to bpo's: strings as a
 * length (UINT32_MAX: NULL) and the bytes. */
static void put_str(FILE *f, const char *s)
{
	uint32_t n = s ? (uint32_t)strlen(s) : UINT32_MAX;
	fwrite(&n, sizeof(n), 1, f);
	if (s)
		fwrite(s, 1, n, f);
}

static bool get_str(FILE *f, char **out)
{
	uint32_t n;
	*out = NULL;
	if (fread(&n, sizeof(n), 1, f) != 1)
		return false;
	if (n == UINT32_MAX)
		return true;
	if (n > MAX_TOOL_OUTPUT)
		return false;
	*out = bpo_xmalloc((size_t)n + 1);
	if (fread(*out, 1, n, f) != n) {
		free(*out);
		*out = NULL;
		return false;
	}
	(*out)[n] = '\0';
	return true;
}

/* The classes a result may name (failure_class points at static strings). */
static const char *const known_classes[] = {"deps",   "install", "upgrade",      "downgrade",
					    "remove", "purge",   "test-failure", "lintian",
					    "regression", "error"};

static void put_result(FILE *f, const struct bpo_qa_result *r)
{
	int32_t st = (int32_t)r->status;
	uint32_t n = (uint32_t)r->n_items;
	fwrite(&st, sizeof(st), 1, f);
	put_str(f, r->failure_class);
	put_str(f, r->summary);
	fwrite(r->lintian_counts, sizeof(r->lintian_counts), 1, f);
	fwrite(&r->seconds, sizeof(r->seconds), 1, f);
	fwrite(&n, sizeof(n), 1, f);
	for (size_t i = 0; i < r->n_items; i++) {
		uint8_t info = r->items[i].info;
		put_str(f, r->items[i].name);
		put_str(f, r->items[i].what);
		put_str(f, r->items[i].message);
		fwrite(&info, 1, 1, f);
	}
}

static bool get_result(FILE *f, struct bpo_qa_result *r)
{
	int32_t st;
	uint32_t n;
	char *cls = NULL;
	if (fread(&st, sizeof(st), 1, f) != 1 || st < 0 || st > BPO_QA_ERROR || !get_str(f, &cls))
		return false;
	r->status = (enum bpo_qa_status)st;
	r->failure_class = NULL;
	for (size_t i = 0; cls && i < sizeof(known_classes) / sizeof(known_classes[0]); i++)
		if (strcmp(cls, known_classes[i]) == 0)
			r->failure_class = known_classes[i];
	if (cls && !r->failure_class)
		r->failure_class = "error";
	free(cls);
	free(r->summary);
	if (!get_str(f, &r->summary) ||
	    fread(r->lintian_counts, sizeof(r->lintian_counts), 1, f) != 1 ||
	    fread(&r->seconds, sizeof(r->seconds), 1, f) != 1 || fread(&n, sizeof(n), 1, f) != 1 ||
	    n > MAX_ITEMS)
		return false;
	for (uint32_t i = 0; i < n; i++) {
		char *name, *what, *msg;
		uint8_t info = 0;
		bool ok = get_str(f, &name) && get_str(f, &what) && get_str(f, &msg) &&
			  fread(&info, 1, 1, f) == 1;
		if (ok)
			(info ? add_info : add_item)(r, name, what, msg);
		free(name);
		free(what);
		free(msg);
		if (!ok)
			return false;
	}
	return true;
}

static unsigned usable_cpus(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		return (unsigned)CPU_COUNT(&set);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

/* The checks that do not depend on each other run at the same time when
 * there are cores for it: install then upgrade (which leaves out what
 * install found uninstallable), lintian, autopkgtest, each group in a
 * process of its own, regression here; each in its own root as always.
 * Each group logs to a file of its own, appended to the log in the order of
 * the checks when all are done, so the log reads as a sequential run. */
static int run_checks(struct qctx *c, struct bpo_qa_report *rep, struct bpo_error *err)
{
	static const int groups[][2] = {{BPO_QA_INSTALL, BPO_QA_UPGRADE},
					{BPO_QA_LINTIAN, -1},
					{BPO_QA_AUTOPKGTEST, -1},
					{BPO_QA_REGRESSION, -1}};
	enum { NG = sizeof(groups) / sizeof(groups[0]) };
	pid_t pid[NG] = {0};
	bool active[NG] = {false};
	size_t n_active = 0;
	int main_log = c->log_fd, rc = 0;

	for (size_t g = 0; g < NG; g++) {
		for (int k = 0; k < 2; k++)
			if (groups[g][k] >= 0 && rep->r[groups[g][k]].policy != BPO_QA_POLICY_SKIP)
				active[g] = true;
		n_active += active[g];
	}
	if (usable_cpus() < 2 || n_active < 2) {
		for (int i = 0; i < BPO_QA_N; i++) {
			if (rep->r[i].policy == BPO_QA_POLICY_SKIP)
				continue;
			if (bpo_chroot_interrupted())
				return bpo_error_set(err, BPO_E_FAIL, "interrupted by signal %d",
						     bpo_chroot_interrupted());
			run_check(c, rep, i);
			report_check(rep, i);
		}
		return 0;
	}
	/* the tools layer, once, before lintian and autopkgtest both need it */
	if ((active[1] || active[2]) && c->unpacked) {
		struct bpo_error e;
		bpo_error_init(&e);
		if (tools_layer(c, &rep->r[active[1] ? BPO_QA_LINTIAN : BPO_QA_AUTOPKGTEST], &e) < 0)
			for (size_t g = 1; g <= 2; g++)
				if (active[g]) {
					check_error(&rep->r[groups[g][0]], &e);
					active[g] = false;
				}
	}
	fflush(NULL);
	for (size_t g = 0; g < NG; g++) {
		if (!active[g])
			continue;
		char *log = bpo_xasprintf("%s/log-%zu", c->tmp, g);
		int fd = main_log >= 0 ? open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
		free(log);
		if (g == NG - 1) {
			/* the last group here, while the others run */
			c->log_fd = fd;
			for (int k = 0; k < 2; k++)
				if (groups[g][k] >= 0 &&
				    rep->r[groups[g][k]].policy != BPO_QA_POLICY_SKIP)
					run_check(c, rep, groups[g][k]);
			c->log_fd = main_log;
			if (fd >= 0)
				close(fd);
			continue;
		}
		pid[g] = fork();
		if (pid[g] < 0) {
			if (fd >= 0)
				close(fd);
			rc = bpo_error_set(err, BPO_E_FAIL, "fork: %s", strerror(errno));
			break;
		}
		if (pid[g] == 0) {
			char *res = bpo_xasprintf("%s/result-%zu", c->tmp, g);
			FILE *f;
			c->log_fd = fd;
			for (int k = 0; k < 2; k++)
				if (groups[g][k] >= 0 &&
				    rep->r[groups[g][k]].policy != BPO_QA_POLICY_SKIP &&
				    !bpo_chroot_interrupted())
					run_check(c, rep, groups[g][k]);
			f = fopen(res, "wbe");
			if (!f)
				_exit(1);
			for (int k = 0; k < 2; k++)
				if (groups[g][k] >= 0)
					put_result(f, &rep->r[groups[g][k]]);
			_exit(fclose(f) == 0 ? 0 : 1);
		}
		if (fd >= 0)
			close(fd);
	}
	/* wait for every check's process, also when interrupted */
	for (size_t g = 0; g < NG; g++) {
		int st = 0;
		if (pid[g] <= 0)
			continue;
		while (waitpid(pid[g], &st, 0) < 0 && errno == EINTR)
			;
		char *res = bpo_xasprintf("%s/result-%zu", c->tmp, g);
		FILE *f = fopen(res, "rbe");
		bool ok = f && WIFEXITED(st) && WEXITSTATUS(st) == 0;
		for (int k = 0; ok && k < 2; k++)
			if (groups[g][k] >= 0) {
				struct bpo_qa_result *r = &rep->r[groups[g][k]];
				enum bpo_qa_policy pol = r->policy;
				ok = get_result(f, r);
				r->policy = pol;
			}
		if (f)
			fclose(f);
		free(res);
		if (!ok)
			for (int k = 0; k < 2; k++)
				if (groups[g][k] >= 0 &&
				    rep->r[groups[g][k]].policy != BPO_QA_POLICY_SKIP) {
					struct bpo_qa_result *r = &rep->r[groups[g][k]];
					r->status = BPO_QA_ERROR;
					r->failure_class = "error";
					set_summary(r, "could not run: the check's process ended "
						    "without a result (status %d)", st);
				}
	}
	/* the log in the order of the checks */
	for (size_t g = 0; g < NG && main_log >= 0; g++) {
		char *log = bpo_xasprintf("%s/log-%zu", c->tmp, g);
		struct bpo_buf b;
		struct bpo_error e;
		bpo_error_init(&e);
		bpo_buf_init(&b, MAX_TOOL_OUTPUT * 4u);
		if (active[g] && bpo_file_read(log, MAX_TOOL_OUTPUT * 4u, &b, &e) == 0 && b.len &&
		    write(main_log, b.data, b.len) < 0)
			bpo_warn("cannot write the QA log: %s", strerror(errno));
		bpo_buf_destroy(&b);
		free(log);
	}
	for (int i = 0; i < BPO_QA_N; i++)
		if (rep->r[i].policy != BPO_QA_POLICY_SKIP)
			report_check(rep, i);
	return rc;
}

/* --------------------------------------------------------------- driver */
/* Run the checks (see qa.h). */
int bpo_qa_run(const struct bpo_config *cfg, const struct bpo_qa_opts *o,
	       struct bpo_qa_report *rep, struct bpo_error *err)
{
	struct qctx c = {.cfg = cfg, .o = o, .rep = rep, .log_fd = -1};
	bool need_root = false;
	int rc = -1;

	bpo_chroot_conf_init(&c.conf);
	bpo_chroot_meta_init(&c.meta);
	for (int i = 0; i < BPO_QA_N; i++) {
		rep->r[i].policy = o->policy[i] == BPO_QA_POLICY_DEFAULT
					   ? bpo_qa_policy_default((enum bpo_qa_check)i)
					   : o->policy[i];
		if (rep->r[i].policy != BPO_QA_POLICY_SKIP && i != BPO_QA_REGRESSION)
			need_root = true;
		set_summary(&rep->r[i], "skipped (policy skip)");
	}
	if (!o->changes_path || !o->release) {
		bpo_error_set(err, BPO_E_USAGE, "a .changes file and a release are required");
		goto out;
	}
	if (bpo_ns_init(&c.ns, err) < 0)
		goto out;
	c.arch = o->arch ? bpo_xstrdup(o->arch) : bpo_chroot_host_arch(err);
	if (!c.arch)
		goto out;
	if (bpo_chroot_conf_load(&c.conf, o->release, err) < 0)
		goto out;
	if (need_root && (bpo_chroot_meta_load(&c.meta, cfg->cache_dir, o->release, c.arch, err) < 0 ||
			  bpo_chroot_meta_verify(&c.meta, cfg->cache_dir, err) < 0))
		goto out;
	c.tmp = bpo_chroot_tmp_new(&c.ns, cfg->cache_dir, "qa", err);
	if (!c.tmp)
		goto out;
	c.indir = bpo_path_join(c.tmp, "in");
	if (bpo_mkdir_p(c.indir, 0755, err) < 0 || stage(&c, err) < 0)
		goto out;
	{
		const char *colon = strchr(rep->version, ':');
		const char *slash = strrchr(o->changes_path, '/');
		char *dir = slash ? bpo_xstrndup(o->changes_path, (size_t)(slash - o->changes_path))
				  : bpo_xstrdup(".");
		rep->log_path = o->log_path ? bpo_xstrdup(o->log_path)
					    : bpo_xasprintf("%s/%s_%s_%s.qa", *dir ? dir : "",
							    rep->source, colon ? colon + 1 : rep->version,
							    c.arch);
		free(dir);
	}
	c.log_fd = open(rep->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (c.log_fd < 0) {
		bpo_error_set(err, BPO_E_IO, "%s: %s", rep->log_path, strerror(errno));
		goto out;
	}
	bpo_logf(c.log_fd, "== bpo qa %s %s for %s/%s\n", rep->source, rep->version, o->release,
		  c.arch);
	/* binds: the staged build, and the host directories of file: sources */
	c.binds = bpo_xcalloc(1 + o->n_bind, sizeof(*c.binds));
	c.binds[c.n_binds++] = (struct bpo_chroot_bind){c.indir, IN_ROOT, true};
	for (size_t i = 0; i < o->n_bind; i++) {
		if (!o->bind_dirs[i] || o->bind_dirs[i][0] != '/' || !bpo_is_dir(o->bind_dirs[i])) {
			bpo_error_set(err, BPO_E_USAGE, "bind directory %s: expected an existing "
				      "absolute directory", o->bind_dirs[i] ? o->bind_dirs[i] : "");
			goto out;
		}
		c.binds[c.n_binds++] = (struct bpo_chroot_bind){o->bind_dirs[i], o->bind_dirs[i],
								true};
	}
	if (need_root) {
		if (apt_files(&c, err) < 0)
			goto out;
		c.unpacked = bpo_chroot_unpacked(&c.ns, &c.meta, cfg->cache_dir, err);
		if (!c.unpacked)
			goto out;
	}
	if (run_checks(&c, rep, err) < 0)
		goto out;
	if (bpo_chroot_interrupted()) {
		bpo_error_set(err, BPO_E_FAIL, "interrupted by signal %d", bpo_chroot_interrupted());
		goto out;
	}
	rc = 0;
out:
	if (c.tmp) {
		struct bpo_error e2;
		bpo_error_init(&e2);
		if (bpo_ns_rm_rf(&c.ns, c.tmp, &e2) < 0)
			bpo_warn("could not remove %s: %s", c.tmp, e2.msg);
	}
	if (c.log_fd >= 0)
		close(c.log_fd);
	free(c.arch);
	free(c.tmp);
	free(c.indir);
	free(c.unpacked);
	free(c.tools);
	free(c.lists);
	free(c.changes_name);
	free(c.dsc_name);
	free(c.binds);
	free(c.files);
	bpo_strv_destroy(&c.debs);
	bpo_strv_destroy(&c.controls);
	bpo_strv_destroy(&c.owned);
	bpo_chroot_conf_destroy(&c.conf);
	bpo_chroot_meta_destroy(&c.meta);
	return rc;
}
