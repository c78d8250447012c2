/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main: global options, subcommand dispatch, exit codes. */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "hash.h"
#include "log.h"
#include "xmem.h"

#define MAX_COMMANDS 64

static const struct bpo_cmd *commands[MAX_COMMANDS];
static size_t n_commands;

void bpo_cmd_register(const struct bpo_cmd *cmd)
{
	if (n_commands < MAX_COMMANDS)
		commands[n_commands++] = cmd;
}

/* The whole command set of the design; the ones this build lacks are listed as planned. */
static const struct {
	const char *name, *summary;
} planned[] = {
	{"recipe", "validate recipes and print them normalised"},
	{"version", "compare and sort Debian version strings"},
	{"fetch", "download and verify a recipe's sources"},
	{"unpack", "verify and unpack a recipe's source package"},
	{"patch", "apply or check the backport patch series"},
	{"source", "build the backport's source package"},
	{"deps", "can a recipe's build dependencies be satisfied? (no chroot)"},
	{"chroot", "create, update, list, remove chroot images; open a shell"},
	{"build", "build a recipe or .dsc in an isolated chroot"},
	{"publish", "publish build results to a signed apt repository"},
	{"repo", "create, list, verify and maintain a repository"},
	{"run", "build many recipes in dependency order"},
	{"check", "report recipes whose source has a newer version"},
	{"qa", "install, upgrade, autopkgtest, lintian and regression checks"},
};

static const struct bpo_cmd *find_command(const char *name)
{
	for (size_t i = 0; i < n_commands; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bpo [OPTIONS] COMMAND [ARGS...]\n"
		"\n"
		"Build Debian backports: fetch and verify sources, apply a patch series,\n"
		"build in an isolated chroot of the old release, publish to a signed repository.\n"
		"\n"
		"Options:\n"
		"  -c, --config FILE  read FILE instead of the default configuration\n"
		"  -q, --quiet        print errors and warnings only\n"
		"  -v, --verbose      say more (twice: debug output)\n"
		"  -h, --help         show this help\n"
		"  -V, --version      show the version\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < sizeof(planned) / sizeof(planned[0]); i++) {
		const struct bpo_cmd *c = find_command(planned[i].name);
		if (c)
			fprintf(f, "  %-9s %s\n", c->name, c->summary);
	}
	for (size_t i = 0; i < n_commands; i++) {
		bool known = false;
		for (size_t j = 0; j < sizeof(planned) / sizeof(planned[0]); j++)
			known = known || strcmp(planned[j].name, commands[i]->name) == 0;
		if (!known)
			fprintf(f, "  %-9s %s\n", commands[i]->name, commands[i]->summary);
	}
	fprintf(f, "  %-9s %s\n", "help", "show help for bpo or one command");
	bool header = false;
	for (size_t i = 0; i < sizeof(planned) / sizeof(planned[0]); i++) {
		if (find_command(planned[i].name))
			continue;
		if (!header) {
			fprintf(f, "\nPlanned, not in this version yet:\n ");
			header = true;
		}
		fprintf(f, " %s", planned[i].name);
	}
	if (header)
		fputc('\n', f);
	fprintf(f,
		"\n"
		"Exit status: 0 success, 1 the work failed, 2 usage or bad input,\n"
		"3 verification failed, 10 (bpo check) something is out of date.\n"
		"Run 'bpo COMMAND --help' for a command's options; see bpo(1).\n");
}

int bpo_cmd_fail(const struct bpo_error *err)
{
	/* one line each (a recipe's several mistakes) */
	const char *m = err->msg[0] ? err->msg : "failed";
	do {
		size_t n = strcspn(m, "\n");
		bpo_error("%.*s", (int)n, m);
		m += n + (m[n] == '\n');
	} while (*m);
	return bpo_error_exit_code(err);
}

int bpo_cmd_usage_error(const struct bpo_cmd *cmd, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (cmd) {
		bpo_error("bpo %s: %s", cmd->name, msg);
		fprintf(stderr, "Try 'bpo %s --help'.\n", cmd->name);
	} else {
		bpo_error("bpo: %s", msg);
		fprintf(stderr, "Try 'bpo --help'.\n");
	}
	return BPO_EXIT_USAGE;
}

bool bpo_cmd_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return true;
	}
	return false;
}

static int help_for(const char *name)
{
	const struct bpo_cmd *c = find_command(name);
	if (!c) {
		for (size_t i = 0; i < sizeof(planned) / sizeof(planned[0]); i++)
			if (strcmp(planned[i].name, name) == 0) {
				bpo_error("'%s' is planned but not in this version of bpo", name);
				return BPO_EXIT_USAGE;
			}
		bpo_error("unknown command '%s'; run 'bpo help' for the list", name);
		return BPO_EXIT_USAGE;
	}
	fputs(c->usage, stdout);
	return BPO_EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	struct bpo_ctx ctx = {.config_path = NULL, .argv0 = argv[0]};
	int level = BPO_LOG_NORMAL, opt;
	const struct bpo_cmd *cmd;

	bpo_hash_global_init();
	/* '+': stop at the first non-option, the subcommand. */
	while ((opt = getopt_long(argc, argv, "+c:qvhV", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			ctx.config_path = optarg;
			break;
		case 'q':
			level = BPO_LOG_QUIET;
			break;
		case 'v':
			level = level < BPO_LOG_VERBOSE ? BPO_LOG_VERBOSE : BPO_LOG_DEBUG;
			break;
		case 'h':
			usage(stdout);
			return BPO_EXIT_OK;
		case 'V':
			printf("bpo %s\n", PACKAGE_VERSION);
			return BPO_EXIT_OK;
		default:
			fprintf(stderr, "Try 'bpo --help'.\n");
			return BPO_EXIT_USAGE;
		}
	}
	bpo_log_set_level((enum bpo_loglevel)level);
	if (optind >= argc) {
		usage(stderr);
		return BPO_EXIT_USAGE;
	}
	if (strcmp(argv[optind], "help") == 0) {
		if (optind + 1 < argc && strcmp(argv[optind + 1], "--help") != 0 &&
		    strcmp(argv[optind + 1], "-h") != 0)
			return help_for(argv[optind + 1]);
		usage(stdout);
		return BPO_EXIT_OK;
	}
	cmd = find_command(argv[optind]);
	if (!cmd)
		return help_for(argv[optind]);
	argc -= optind;
	argv += optind;
	if (bpo_cmd_wants_help(argc, argv)) {
		fputs(cmd->usage, stdout);
		return BPO_EXIT_OK;
	}
	optind = 0; /* reset getopt for the subcommand (glibc: full re-initialisation) */
	return cmd->run(&ctx, argc, argv);
}
