/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_run: `bpo run` builds many recipes in dependency order. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bpoconf.h"
#include "cmd.h"
#include "fsutil.h"
#include "json.h"
#include "log.h"
#include "pipeline.h"
#include "plan.h"
#include "recipe.h"

static int run_run(struct bpo_ctx *ctx, int argc, char **argv);

static const struct bpo_cmd cmd_run = {
	.name = "run",
	.summary = "build many recipes in dependency order",
	.usage =
		"Usage: bpo run [OPTIONS] DIR|RECIPE...\n"
		"       bpo run --plan [--format=text|make|gitlab-ci] DIR|RECIPE...\n"
		"\n"
		"Build every recipe (a directory means its *.yaml files) with 'bpo build', in\n"
		"dependency order: a recipe whose source build-depends on a binary package\n"
		"that another recipe builds waits until that one is published, so apt in the\n"
		"build root finds it. A recipe that does not parse, or whose dependency\n"
		"failed, is reported and does not stop the others.\n"
		"\n"
		"Options:\n"
		"  --plan            print the order and stop (resolves each source, builds\n"
		"                    nothing); build dependency cycles are errors naming them\n"
		"  --format=FORMAT   with --plan: text (default); make, a Makefile with one\n"
		"                    'bpo build RECIPE' target per recipe for make -jN; or\n"
		"                    gitlab-ci, a GitLab CI pipeline: per recipe a build job\n"
		"                    ('bpo build --upload $BPO_QUEUE') and a publish job\n"
		"                    ('bpo incoming process $BPO_QUEUE --repo $BPO_REPO'), a\n"
		"                    build needing the publish jobs of what it waits for\n"
		"  --outdated        build only the recipes 'bpo check' reports out of date\n"
		"  -j, --jobs N      run up to N independent builds at once (default 1)\n"
		"  --rebuild         build even what is already published\n"
		"  --no-qa           skip the qa stage of each build\n"
		"  --repo DIR        publish to DIR instead of each recipe's publish.repo\n"
		"  --json            print a JSON array, one object per recipe (as\n"
		"                    'bpo build --json' prints)\n"
		"  --force-version, --no-index-check, --target-archive URL,\n"
		"  --target-keyring FILE, --target-suites LIST\n"
		"                    passed to each 'bpo build' (see bpo build --help)\n"
		"  -h, --help        show this help\n"
		"\n"
		"Exit status: 0 every recipe built (or had nothing to do), 2 a recipe did not\n"
		"parse or the recipes form a cycle, otherwise the first failing build's status\n"
		"(1 build failed, 3 verification failed).\n",
	.run = run_run,
};
BPO_REGISTER_COMMAND(cmd_run)

enum node_state { N_PENDING, N_RUNNING, N_OK, N_FAILED, N_SKIPPED, N_UNCHANGED };

struct node {
	char *file;
	char *name;
	struct bpo_recipe recipe;
	struct bpo_resolved rv;
	bool loaded, resolved;
	int exit_code;
	enum node_state state;
	pid_t pid;
	char *out_path;      /* the child's --json output */
	const char *cls; /* failure class when not built by a child (bpo(1)) */
	char *error;
};

enum {
	OPT_PLAN = 256, OPT_FORMAT, OPT_OUTDATED, OPT_REBUILD, OPT_REPO, OPT_JSON,
	OPT_FORCE, OPT_NOINDEX, OPT_TARCHIVE, OPT_TKEYRING, OPT_TSUITES, OPT_NOQA,
};

struct run_opts {
	bool plan, outdated, rebuild, json, force, noindex, noqa;
	const char *format, *repo, *tarchive, *tkeyring, *tsuites;
	long jobs;
};

static char *self_exe(void)
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n <= 0)
		return bpo_xstrdup("bpo");
	buf[n] = '\0';
	return bpo_xstrdup(buf);
}

/* The options of `bpo run` that each `bpo build` gets. */
static void build_flags(const struct run_opts *o, struct bpo_strv *av)
{
	if (o->rebuild)
		bpo_strv_push(av, "--rebuild");
	if (o->force)
		bpo_strv_push(av, "--force-version");
	if (o->noindex)
		bpo_strv_push(av, "--no-index-check");
	if (o->noqa)
		bpo_strv_push(av, "--no-qa");
#define PASS(flag, val)                        \
	if (val) {                             \
		bpo_strv_push(av, flag);       \
		bpo_strv_push(av, val);        \
	}
	PASS("--repo", o->repo)
	PASS("--target-archive", o->tarchive)
	PASS("--target-keyring", o->tkeyring)
	PASS("--target-suites", o->tsuites)
#undef PASS
}

static pid_t spawn_build(const struct bpo_ctx *ctx, const struct run_opts *o, const char *exe,
			 struct node *nd, const char *tmpdir)
{
	struct bpo_strv av;
	pid_t pid;
	int fd;

	memset(&av, 0, sizeof(av));
	nd->out_path = bpo_xasprintf("%s/%s.json", tmpdir, nd->name);
	bpo_strv_push(&av, exe);
	if (ctx->config_path) {
		bpo_strv_push(&av, "--config");
		bpo_strv_push(&av, ctx->config_path);
	}
	bpo_strv_push(&av, "build");
	bpo_strv_push(&av, "--json");
	build_flags(o, &av);
	bpo_strv_push(&av, nd->file);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		fd = open(nd->out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
			_exit(127);
		execv(exe, av.v);
		_exit(127);
	}
	bpo_strv_destroy(&av);
	return pid;
}

/* Does node i wait for a node that has not finished well? */
static bool blocked(const struct bpo_plan *plan, struct node *nodes, size_t i, bool *failed_dep,
		    size_t *which)
{
	*failed_dep = false;
	for (size_t k = 0; k < plan->n_needs[i]; k++) {
		struct node *d = &nodes[plan->needs[i][k]];
		if (d->state == N_FAILED || d->state == N_SKIPPED) {
			*failed_dep = true;
			*which = plan->needs[i][k];
			return true;
		}
		if (d->state != N_OK && d->state != N_UNCHANGED)
			return true;
	}
	return false;
}

static void read_result(struct node *nd)
{
	struct bpo_buf b;
	bpo_buf_init(&b, 1u << 24);
	if (bpo_file_read(nd->out_path, 1u << 24, &b, NULL) == 0 && b.len) {
		/* keep the child's JSON object as it is */
		free(nd->error);
		nd->error = bpo_buf_steal(&b, NULL);
	}
	bpo_buf_destroy(&b);
}

static int execute(const struct bpo_ctx *ctx, const struct run_opts *o, struct node *nodes,
		   size_t n, const struct bpo_plan *plan)
{
	char *exe = self_exe();
	struct bpo_error err;
	char *tmpdir = bpo_mkdtemp(NULL, "bpo-run", &err);
	size_t running = 0, left = 0;
	int rc = BPO_EXIT_OK;

	if (!tmpdir) {
		free(exe);
		return bpo_cmd_fail(&err);
	}
	for (size_t i = 0; i < n; i++)
		if (nodes[i].state == N_PENDING)
			left++;
	while (left > 0 || running > 0) {
		bool started = false;
		for (size_t k = 0; k < plan->n && running < (size_t)o->jobs; k++) {
			size_t i = plan->order[k], which = 0;
			bool failed_dep;
			if (nodes[i].state != N_PENDING)
				continue;
			if (blocked(plan, nodes, i, &failed_dep, &which)) {
				if (failed_dep) {
					nodes[i].state = N_SKIPPED;
					nodes[i].exit_code = nodes[which].exit_code;
					nodes[i].error = bpo_xasprintf("not built: it needs %s, which "
								       "failed", nodes[which].name);
					nodes[i].cls = "dep-wait";
					bpo_error("%s: %s", nodes[i].file, nodes[i].error);
					left--;
					started = true;
				}
				continue;
			}
			bpo_info("building %s (%s %s)", nodes[i].file, nodes[i].rv.source,
				 nodes[i].rv.version);
			nodes[i].pid = spawn_build(ctx, o, exe, &nodes[i], tmpdir);
			if (nodes[i].pid < 0) {
				nodes[i].state = N_FAILED;
				nodes[i].exit_code = BPO_EXIT_FAIL;
				left--;
				continue;
			}
			nodes[i].state = N_RUNNING;
			running++;
			left--;
			started = true;
		}
		if (running == 0) {
			if (!started && left > 0)
				break; /* cannot happen with an acyclic plan */
			continue;
		}
		int st;
		pid_t pid = waitpid(-1, &st, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (size_t i = 0; i < n; i++) {
			if (nodes[i].state != N_RUNNING || nodes[i].pid != pid)
				continue;
			nodes[i].exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			nodes[i].state = nodes[i].exit_code == 0 ? N_OK : N_FAILED;
			read_result(&nodes[i]);
			running--;
			if (nodes[i].state == N_OK)
				bpo_info("%s: done", nodes[i].file);
			else
				bpo_error("%s: failed (exit %d)", nodes[i].file, nodes[i].exit_code);
		}
	}
	for (size_t i = 0; i < n; i++)
		if ((nodes[i].state == N_FAILED || nodes[i].state == N_SKIPPED) && rc == BPO_EXIT_OK)
			rc = nodes[i].exit_code ? nodes[i].exit_code : BPO_EXIT_FAIL;
	bpo_rm_rf(tmpdir, NULL);
	free(tmpdir);
	free(exe);
	return rc;
}

static void print_plan_text(const struct bpo_plan *plan, struct node *nodes)
{
	for (size_t k = 0; k < plan->n; k++) {
		size_t i = plan->order[k];
		printf("%zu. %s: %s %s%s", k + 1, nodes[i].name, nodes[i].rv.source,
		       nodes[i].rv.version, nodes[i].rv.outdated ? "" : " (published)");
		if (plan->n_needs[i]) {
			fputs(" after", stdout);
			for (size_t j = 0; j < plan->n_needs[i]; j++)
				printf(" %s", nodes[plan->needs[i][j]].name);
		}
		fputc('\n', stdout);
	}
}

static void print_json(struct node *nodes, size_t n)
{
	fputc('[', stdout);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', stdout);
		struct node *nd = &nodes[i];
		if ((nd->state == N_OK || nd->state == N_FAILED) && nd->error && nd->error[0] == '{') {
			/* the child's own JSON object, without its trailing newline */
			size_t l = strlen(nd->error);
			while (l && (nd->error[l - 1] == '\n' || nd->error[l - 1] == ' '))
				l--;
			fwrite(nd->error, 1, l, stdout);
			continue;
		}
		printf("{\"schema_version\":%d,\"recipe\":", BPO_JSON_SCHEMA_VERSION);
		bpo_json_fputs(stdout, nd->file);
		printf(",\"stage\":\"%s\",\"exit\":%d,\"skipped\":%s,\"source\":",
		       nd->loaded ? "resolve" : "recipe", nd->exit_code,
		       nd->state == N_UNCHANGED ? "true" : "false");
		bpo_json_fputs(stdout, nd->resolved ? nd->rv.source : NULL);
		fputs(",\"upstream_version\":", stdout);
		bpo_json_fputs(stdout, nd->resolved ? nd->rv.version : NULL);
		fputs(",\"error\":", stdout);
		bpo_json_fputs(stdout, nd->state == N_UNCHANGED ? NULL : nd->error);
		fputs(",\"class\":", stdout); /* "internal": a child without its JSON */
		bpo_json_fputs(stdout, nd->state == N_UNCHANGED ? NULL
				       : nd->cls ? nd->cls : nd->exit_code >= 128 ? "interrupted"
				       : nd->exit_code ? "internal" : NULL);
		fputc('}', stdout);
	}
	fputs("]\n", stdout);
}

static char *recipe_name(const char *file)
{
	const char *b = strrchr(file, '/');
	b = b ? b + 1 : file;
	size_t n = strlen(b);
	if (bpo_str_has_suffix(b, ".yaml"))
		n -= 5;
	else if (bpo_str_has_suffix(b, ".yml"))
		n -= 4;
	return bpo_xstrndup(b, n);
}

static int run_run(struct bpo_ctx *ctx, int argc, char **argv)
{
	static const struct option lopts[] = {
		{"plan", no_argument, NULL, OPT_PLAN},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"outdated", no_argument, NULL, OPT_OUTDATED},
		{"jobs", required_argument, NULL, 'j'},
		{"rebuild", no_argument, NULL, OPT_REBUILD},
		{"repo", required_argument, NULL, OPT_REPO},
		{"json", no_argument, NULL, OPT_JSON},
		{"force-version", no_argument, NULL, OPT_FORCE},
		{"no-index-check", no_argument, NULL, OPT_NOINDEX},
		{"no-qa", no_argument, NULL, OPT_NOQA},
		{"target-archive", required_argument, NULL, OPT_TARCHIVE},
		{"target-keyring", required_argument, NULL, OPT_TKEYRING},
		{"target-suites", required_argument, NULL, OPT_TSUITES},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct run_opts o = {.format = "text", .jobs = 1};
	struct bpo_config cfg;
	struct bpo_error err;
	struct bpo_strv files;
	struct node *nodes = NULL;
	struct bpo_plan_node *pn = NULL;
	struct bpo_plan plan;
	size_t n = 0, n_ok = 0;
	int c, rc = BPO_EXIT_OK;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hj:", lopts, NULL)) != -1) {
		char *end;
		switch (c) {
		case OPT_PLAN: o.plan = true; break;
		case OPT_FORMAT: o.format = optarg; break;
		case OPT_OUTDATED: o.outdated = true; break;
		case 'j':
			o.jobs = strtol(optarg, &end, 10);
			if (*end || o.jobs < 1 || o.jobs > 64)
				return bpo_cmd_usage_error(&cmd_run, "--jobs: expected a number from 1 "
							   "to 64, not '%s'", optarg);
			break;
		case OPT_REBUILD: o.rebuild = true; break;
		case OPT_REPO: o.repo = optarg; break;
		case OPT_JSON: o.json = true; break;
		case OPT_FORCE: o.force = true; break;
		case OPT_NOINDEX: o.noindex = true; break;
		case OPT_NOQA: o.noqa = true; break;
		case OPT_TARCHIVE: o.tarchive = optarg; break;
		case OPT_TKEYRING: o.tkeyring = optarg; break;
		case OPT_TSUITES: o.tsuites = optarg; break;
		case 'h': fputs(cmd_run.usage, stdout); return BPO_EXIT_OK;
		default:
			return bpo_cmd_usage_error(&cmd_run, "unknown option or missing value: '%s'",
						   argv[optind - 1]);
		}
	}
	if (strcmp(o.format, "text") != 0 && strcmp(o.format, "make") != 0 &&
	    strcmp(o.format, "gitlab-ci") != 0)
		return bpo_cmd_usage_error(&cmd_run,
					   "--format: expected text, make or gitlab-ci, not '%s'",
					   o.format);
	if (optind >= argc)
		return bpo_cmd_usage_error(&cmd_run, "expected a recipe directory or files");

	bpo_error_init(&err);
	bpo_config_init(&cfg);
	memset(&files, 0, sizeof(files));
	memset(&plan, 0, sizeof(plan));
	if (bpo_config_load(&cfg, ctx->config_path, &err) < 0 ||
	    bpo_pipeline_collect(argv + optind, (size_t)(argc - optind), &files, &err) < 0) {
		rc = bpo_cmd_fail(&err);
		goto out;
	}
	n = files.n;
	nodes = bpo_xcalloc(n, sizeof(*nodes));
	pn = bpo_xcalloc(n, sizeof(*pn));
	/* Load and resolve every recipe; a bad one is reported and left out. */
	for (size_t i = 0; i < n; i++) {
		struct node *nd = &nodes[i];
		nd->file = files.v[i];
		nd->name = recipe_name(nd->file);
		bpo_recipe_init(&nd->recipe);
		bpo_error_init(&err);
		if (bpo_recipe_load(&nd->recipe, nd->file, &err) < 0 ||
		    !(nd->loaded = true) ||
		    bpo_pipeline_resolve(&nd->recipe, &cfg, o.repo, &nd->rv, &err) < 0) {
			bpo_error("%s", err.msg);
			nd->exit_code = bpo_error_exit_code(&err);
			nd->error = bpo_xstrdup(err.msg);
			nd->cls = bpo_error_class_of(&err, "fetch");
			nd->state = N_FAILED;
			if (rc == BPO_EXIT_OK)
				rc = nd->exit_code;
			continue;
		}
		nd->resolved = true;
		if (o.outdated && !nd->rv.outdated && !o.rebuild)
			nd->state = N_UNCHANGED;
	}
	/* The plan covers the resolved recipes. */
	size_t *map = bpo_xcalloc(n, sizeof(size_t));
	for (size_t i = 0; i < n; i++) {
		if (!nodes[i].resolved)
			continue;
		pn[n_ok] = (struct bpo_plan_node){
			.name = nodes[i].name,
			.recipe_path = nodes[i].file,
			.binaries = (const char *const *)nodes[i].rv.binaries.v,
			.build_deps = &nodes[i].rv.build_deps,
		};
		map[n_ok++] = i;
	}
	if (bpo_plan_make(&plan, pn, n_ok, &err) < 0) {
		free(map);
		rc = bpo_cmd_fail(&err);
		goto out;
	}
	/* Indices of the plan are positions in pn; turn them into node indices. */
	for (size_t k = 0; k < plan.n; k++) {
		plan.order[k] = map[plan.order[k]];
		for (size_t j = 0; j < plan.n_needs[k]; j++)
			plan.needs[k][j] = map[plan.needs[k][j]];
	}
	{
		/* needs[] is indexed by plan position too: re-index it by node. */
		size_t **needs = bpo_xcalloc(n, sizeof(size_t *));
		size_t *n_needs = bpo_xcalloc(n, sizeof(size_t));
		for (size_t k = 0; k < n_ok; k++) {
			needs[map[k]] = plan.needs[k];
			n_needs[map[k]] = plan.n_needs[k];
		}
		free(plan.needs);
		free(plan.n_needs);
		plan.needs = needs;
		plan.n_needs = n_needs;
		plan.n = n_ok;
	}
	free(map);
	if (o.plan) {
		if (strcmp(o.format, "text") != 0) {
			struct bpo_buf mk;
			struct bpo_plan_node *byidx = bpo_xcalloc(n, sizeof(*byidx));
			for (size_t i = 0; i < n; i++)
				byidx[i] = (struct bpo_plan_node){.name = nodes[i].name,
								  .recipe_path = nodes[i].file};
			struct bpo_strv bpo = {0}, flags = {0};
			bpo_strv_push(&bpo, "bpo");
			if (ctx->config_path) {
				bpo_strv_push(&bpo, "--config");
				bpo_strv_push(&bpo, ctx->config_path);
			}
			bool gitlab = strcmp(o.format, "gitlab-ci") == 0;
			/* in the pipeline, the repository is BPO_REPO's default */
			const char *repo = o.repo;
			if (gitlab)
				o.repo = NULL;
			build_flags(&o, &flags);
			o.repo = repo;
			bpo_buf_init(&mk, 1u << 24);
			if ((gitlab ? bpo_plan_write_gitlab(&plan, byidx, (const char *const *)bpo.v,
							    (const char *const *)flags.v, o.repo, &mk,
							    &err)
				    : bpo_plan_write_make(&plan, byidx, (const char *const *)bpo.v,
							  (const char *const *)flags.v, &mk, &err)) == 0)
				fputs(mk.data, stdout);
			else
				rc = bpo_cmd_fail(&err);
			bpo_strv_destroy(&bpo);
			bpo_strv_destroy(&flags);
			bpo_buf_destroy(&mk);
			free(byidx);
		} else {
			print_plan_text(&plan, nodes);
		}
		goto out;
	}
	int erc = execute(ctx, &o, nodes, n, &plan);
	if (rc == BPO_EXIT_OK)
		rc = erc;
	if (o.json)
		print_json(nodes, n);
	else
		for (size_t i = 0; i < n; i++) {
			static const char *const names[] = {"pending", "running", "built", "failed",
							    "skipped", "up to date"};
			printf("%-10s %s\n", names[nodes[i].state], nodes[i].file);
		}
out:
	if (plan.needs) {
		/* needs[] is indexed by node (n entries) after the re-index above */
		for (size_t i = 0; i < n; i++)
			free(plan.needs[i]);
		free(plan.needs);
		free(plan.n_needs);
		free(plan.order);
	}
	for (size_t i = 0; nodes && i < n; i++) {
		free(nodes[i].name);
		free(nodes[i].out_path);
		free(nodes[i].error);
		bpo_resolved_destroy(&nodes[i].rv);
		bpo_recipe_destroy(&nodes[i].recipe);
	}
	free(nodes);
	free(pn);
	bpo_strv_destroy(&files);
	bpo_config_destroy(&cfg);
	return rc;
}
