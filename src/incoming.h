/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * incoming: process an incoming queue of signed uploads into a repository,
 * as dak, reprepro's processincoming and mini-dinstall do.
 *
 * Each QUEUE/NAME.changes (uploaded last, upload.h) is one upload to the suite
 * its Distribution names. It is
 *  - left for a later run while a file it lists is missing or shorter than
 *    listed and the .changes is younger than the grace time (still arriving);
 *  - rejected (moved with its files to QUEUE/rejected/, with NAME.reason
 *    saying why in one line) when it does not parse, names an unknown suite
 *    or one without an uploaders keyring (bpo repo init --uploaders), a file
 *    is still missing after the grace time, its signature is not good by a
 *    key of the suite's uploaders keyring that is valid now (unknown,
 *    expired, revoked), a file's size or checksum differs, or its version is
 *    older than the suite's newest or already published with other files;
 *  - published (the repository's lock held only for the publish) and moved
 *    to QUEUE/done/; an upload the suite already has file for file (a run
 *    killed after publishing) goes to done/ as well.
 * The .changes moves first, then its files, so that a run killed at any
 * point loses nothing: the upload is published or still queued, and a later
 * run moves files left behind by a finished upload. One processor works on a
 * queue at a time (QUEUE/.bpo-incoming.lock).
 */
#ifndef BPO_INCOMING_H
#define BPO_INCOMING_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct bpo_incoming_opts {
	const char *queue;
	const char *repo;
	unsigned grace;        /* seconds an incomplete upload may take (default 300) */
	unsigned lock_timeout; /* for the repository lock */
	bool json;             /* one JSON object per upload on stdout */
};

struct bpo_incoming_stats {
	size_t published, rejected, pending, failed;
};

/* One pass over the queue. -1 only when the queue cannot be processed at all
 * (not a directory, the repository does not open); a transient failure of
 * one upload (I/O, lock timeout) leaves it queued and counts it as failed. */
int bpo_incoming_process(const struct bpo_incoming_opts *o, struct bpo_incoming_stats *st,
			 struct bpo_error *err);

/* Process, then wait for files to arrive (inotify) and process again, until
 * SIGINT or SIGTERM. */
int bpo_incoming_watch(const struct bpo_incoming_opts *o, struct bpo_incoming_stats *st,
		       struct bpo_error *err);

#endif
