/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_incoming: `bpo incoming process` publishes a queue of signed uploads. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "incoming.h"
#include "log.h"
#include "repo.h"

static int run_incoming(struct bpo_ctx *ctx, int argc, char **argv);

static const struct bpo_cmd cmd_incoming = {
	.name = "incoming",
	.summary = "publish the signed uploads of an incoming queue",
	.usage =
		"Usage: bpo incoming process DIR --repo R [--watch] [--grace SEC]\n"
		"                [--lock-timeout SEC] [--json]\n"
		"\n"
		"Take each complete upload (NAME.changes and the files it lists) in the queue\n"
		"DIR, check it and publish it to the suite its Distribution names, as dak and\n"
		"reprepro's processincoming do. Its signature must be good by a key of the\n"
		"suite's uploaders keyring (bpo repo init --uploaders SUITE=KEYRING) that is\n"
		"valid now; every file's size and checksums must match; its version must be\n"
		"newer than what the suite has. A published upload moves to DIR/done/; a bad\n"
		"one to DIR/rejected/ with NAME.reason saying why in one line. An upload whose\n"
		"files are still arriving is left for the next run until --grace runs out.\n"
		"The repository's lock is held only while one upload is published. Uploads\n"
		"come from 'bpo build --upload DIR', or from debsign + dput.\n"
		"\n"
		"Options:\n"
		"  --repo R            the repository to publish to (required)\n"
		"  --watch             stay and process each upload as it arrives (inotify)\n"
		"                      until SIGINT or SIGTERM\n"
		"  --grace SEC         how long an incomplete upload may take (default 300)\n"
		"  --lock-timeout SEC  wait at most this long for the repository lock\n"
		"                      (default 300)\n"
		"  --json              one JSON object per upload: changes, source, version,\n"
		"                      suite, result (published, already-published, rejected,\n"
		"                      pending, failed), reason\n"
		"  -h, --help          show this help\n"
		"\n"
		"Exit status: 0 every upload was published (or is still arriving), 1 an\n"
		"upload was rejected or could not be published now (it stays queued), 2 usage.\n",
	.run = run_incoming,
};
BPO_REGISTER_COMMAND(cmd_incoming)

static int number(const char *opt, const char *s, unsigned *out)
{
	char *end;
	unsigned long n = strtoul(s, &end, 10);
	if (!*s || *end || s[0] == '-' || n > 7u * 86400)
		return bpo_cmd_usage_error(&cmd_incoming, "%s: expected seconds, got '%s'", opt, s);
	*out = (unsigned)n;
	return 0;
}

static int run_incoming(struct bpo_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"repo", required_argument, NULL, 'r'},
		{"watch", no_argument, NULL, 'w'},
		{"grace", required_argument, NULL, 'g'},
		{"lock-timeout", required_argument, NULL, 't'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct bpo_incoming_opts o = {.grace = 300, .lock_timeout = BPO_REPO_LOCK_TIMEOUT};
	struct bpo_incoming_stats st = {0};
	struct bpo_error err;
	bool watch = false;
	int c;

	(void)ctx;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': o.repo = optarg; break;
		case 'w': watch = true; break;
		case 'g':
			if (number("--grace", optarg, &o.grace) != 0)
				return BPO_EXIT_USAGE;
			break;
		case 't':
			if (number("--lock-timeout", optarg, &o.lock_timeout) != 0)
				return BPO_EXIT_USAGE;
			break;
		case 'j': o.json = true; break;
		case 'h': fputs(cmd_incoming.usage, stdout); return BPO_EXIT_OK;
		default:
			return bpo_cmd_usage_error(&cmd_incoming, "unknown option or missing value: '%s'",
						   argv[optind - 1]);
		}
	}
	if (argc - optind != 2 || strcmp(argv[optind], "process") != 0)
		return bpo_cmd_usage_error(&cmd_incoming, "expected: process DIR");
	if (!o.repo)
		return bpo_cmd_usage_error(&cmd_incoming, "--repo R is required");
	o.queue = argv[optind + 1];
	bpo_error_init(&err);
	if ((watch ? bpo_incoming_watch(&o, &st, &err) : bpo_incoming_process(&o, &st, &err)) < 0)
		return bpo_cmd_fail(&err);
	bpo_info("%zu published, %zu rejected, %zu still arriving, %zu left queued (failed)",
		 st.published, st.rejected, st.pending, st.failed);
	return st.rejected || st.failed ? BPO_EXIT_FAIL : BPO_EXIT_OK;
}
