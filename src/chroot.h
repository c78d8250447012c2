/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * chroot: base images of an old release and running commands inside a
 * throwaway root entered with Linux namespaces.
 *
 * Images: `mmdebstrap --variant=buildd` from the configured mirror, verified
 * with the release's keyring, stored in <cache>/chroots/ as
 *   <release>-<arch>.tar.zst   the tarball (numeric owners, as mmdebstrap writes)
 *   <release>-<arch>.meta      "Key: value" lines: Release, Architecture, Suite,
 *                              Mirror-SHA256 (the URL itself is never written),
 *                              Created (UTC), Tarball, SHA256, Size
 * and unpacked once into <cache>/chroots/unpacked/<sha256 of the tarball>/,
 * which read-only overlayfs mounts share (a new image has a new sha256, so
 * stale unpacked trees are never used).
 *
 * Running: bpo_chroot_run() forks a child that enters new mount, pid, ipc and
 * uts namespaces (a user namespace first when bpo is not root, mapped with
 * newuidmap/newgidmap from /etc/subuid and /etc/subgid), and optionally a new
 * network namespace with only `lo` up; mounts an overlay (lower layers
 * read-only, a private upper directory), a minimal /dev, /proc and tmpfs
 * /tmp, pivots into it and runs argv as the requested uid. All mounts live in
 * the private mount namespace, so they vanish with its last process; killing
 * the namespace's init (timeout, SIGINT/SIGTERM) kills every process in it.
 *
 * Ownership: structs own their strings; free with the matching _destroy.
 */
#ifndef BPO_CHROOT_H
#define BPO_CHROOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "err.h"
#include "xmem.h"

struct bpo_config;

/* Cap on a chroot config or metadata file. */
#define BPO_CHROOT_MAX_CONF (64u << 10)
/* Uid/gid of the unprivileged `build` user inside the root. */
#define BPO_CHROOT_BUILD_UID 1000
/* Sub-ids a rootless user needs (as mmdebstrap's unshare mode). */
#define BPO_CHROOT_SUBID_COUNT 65536

/* One release's configuration: chroot/<release>.yaml. */
struct bpo_chroot_conf {
	char *release;          /* the name used on the command line */
	char *suite;            /* the archive suite (codename) */
	struct bpo_strv components;
	char *keyring;          /* verifies the suite's Release file */
	struct bpo_strv extra_suites;   /* on the main mirror, e.g. bookworm-updates */
	char *security_suite;   /* on the security mirror, or NULL */
};

void bpo_chroot_conf_init(struct bpo_chroot_conf *c);
void bpo_chroot_conf_destroy(struct bpo_chroot_conf *c);
/* Parse the YAML text of a chroot config; name is used in "name:line:col:" errors. */
int bpo_chroot_conf_parse(struct bpo_chroot_conf *c, const char *text, size_t len,
			  const char *name, struct bpo_error *err);
/* Find and load <release>.yaml from $BPO_CHROOT_DIR, /etc/bpo/chroot, then
 * PKGDATADIR/chroot. BPO_E_NOTFOUND names the places looked in. */
int bpo_chroot_conf_load(struct bpo_chroot_conf *c, const char *release, struct bpo_error *err);

/* An image's metadata. */
struct bpo_chroot_meta {
	char *release, *arch, *suite;
	char *mirror_sha256; /* sha256 of the mirror URL the image came from */
	char *created;       /* ISO 8601 UTC */
	char *tarball;       /* file name, in the same directory */
	char sha256[65];
	uint64_t size;
};

void bpo_chroot_meta_init(struct bpo_chroot_meta *m);
void bpo_chroot_meta_destroy(struct bpo_chroot_meta *m);
/* Parse metadata text ("Key: value" lines); every field is required. */
int bpo_chroot_meta_parse(struct bpo_chroot_meta *m, const char *text, size_t len,
			  const char *name, struct bpo_error *err);
/* Metadata as text (owned string). */
char *bpo_chroot_meta_format(const struct bpo_chroot_meta *m);
/* Load <cache>/chroots/<release>-<arch>.meta. BPO_E_NOTFOUND says how to create it. */
int bpo_chroot_meta_load(struct bpo_chroot_meta *m, const char *cache_dir, const char *release,
			 const char *arch, struct bpo_error *err);
/* Check that the tarball exists and has the recorded size and sha256 (BPO_E_VERIFY). */
int bpo_chroot_meta_verify(const struct bpo_chroot_meta *m, const char *cache_dir,
			   struct bpo_error *err);
/* All images in the cache, sorted by release then arch. */
int bpo_chroot_list(const char *cache_dir, struct bpo_chroot_meta **out, size_t *n,
		    struct bpo_error *err);
void bpo_chroot_list_free(struct bpo_chroot_meta *v, size_t n);

/* The dpkg architecture of this machine (owned), e.g. "amd64". */
char *bpo_chroot_host_arch(struct bpo_error *err);
/* A release/arch name fit for a file name (letters, digits, '-', '.', '_'). */
bool bpo_chroot_name_ok(const char *name);

/* How namespaces are entered: as root directly, otherwise through a user
 * namespace with the caller's subordinate ids. */
struct bpo_ns {
	bool rootless;
	uid_t uid;            /* the real caller */
	gid_t gid;
	unsigned long subuid, subuid_n, subgid, subgid_n;
};

/* Decide the mode. Rootless: read /etc/subuid and /etc/subgid (a missing range
 * is an error that names the line to add) and check that user namespaces are
 * allowed (an error that names the sysctl to change). */
int bpo_ns_init(struct bpo_ns *ns, struct bpo_error *err);
/* Parse one subid file's text for user name/uid: the first range with at least
 * `need` ids. Returns 0 and fills start/count, or -1 (BPO_E_NOTFOUND). */
int bpo_ns_subid_find(const char *text, const char *user, uid_t uid, unsigned long need,
		      unsigned long *start, unsigned long *count, struct bpo_error *err);

/* A bind mount into the root (dst absolute inside the root; created). */
struct bpo_chroot_bind {
	const char *src, *dst;
	bool ro;
};

/* A file written into the root (through the overlay) before the command runs. */
struct bpo_chroot_file {
	const char *path; /* absolute inside the root */
	const char *data;
	size_t len;
	mode_t mode;
};

struct bpo_chroot_spec {
	const char *const *lower; /* read-only layers, top first (at least one) */
	size_t n_lower;
	const char *upper, *work; /* overlay upper and work dirs (same file system) */
	const char *merged;       /* an empty directory to mount on */
	bool net;                 /* true: the host's network; false: a new netns, lo only */
	uid_t uid;                /* inside the root */
	gid_t gid;
	const char *cwd;          /* inside the root, NULL for "/" */
	const char *const *argv;
	const char *const *env;   /* the whole environment, NULL-terminated */
	const struct bpo_chroot_bind *binds;
	size_t n_binds;
	const struct bpo_chroot_file *files;
	size_t n_files;
	bool copy_resolv;         /* put the host's resolv.conf in the root */
	bool interactive;         /* inherit stdin/stdout/stderr (a shell) */
	int log_fd;               /* >= 0: stdout+stderr appended here */
	bool echo;                /* also copy the output to stderr */
	struct bpo_buf *out;      /* capture stdout here instead (stderr to the log) */
	unsigned timeout;         /* seconds, 0 = none */
};

/*
 * Run spec->argv in a fresh root. Returns 0 when the command ran (its exit
 * status, or 128+signal, in *status), -1 when the root could not be set up,
 * the timeout passed or SIGINT/SIGTERM arrived (err says which; every process
 * of the run is dead and no mount is left when it returns).
 */
int bpo_chroot_run(const struct bpo_ns *ns, const struct bpo_chroot_spec *spec, int *status,
		   struct bpo_error *err);

/* Install SIGINT/SIGTERM/SIGHUP handlers that make a running bpo_chroot_run
 * stop its namespace and return. */
void bpo_chroot_signals_install(void);
/* True once such a signal arrived (the signal number, else 0). */
int bpo_chroot_interrupted(void);

/* Run a host program as root of a user namespace with ns's mapping (or
 * directly when ns is not rootless): for tar and rm on trees holding
 * sub-id-owned files. */
int bpo_ns_exec(const struct bpo_ns *ns, const char *const argv[], int log_fd,
		struct bpo_error *err);
/* rm -rf a tree that may hold files owned by sub-ids. */
int bpo_ns_rm_rf(const struct bpo_ns *ns, const char *path, struct bpo_error *err);
/*
 * Keep the overlay upper directory `upper` as the cached layer LAYERS/KEY:
 * made aside in LAYERS/.new-KEY-PID with the files named in names/datas (n of
 * them) and "complete" (text complete) written next to upper/, then renamed
 * into place, so a layer is either whole or absent. When another process made
 * the same layer meanwhile, theirs is used and ours removed. On success
 * *layer_upper is LAYERS/KEY/upper (owned) and `upper` is gone.
 */
int bpo_chroot_layer_commit(const struct bpo_ns *ns, const char *layers, const char *key,
			    const char *upper, const char *const *names,
			    const char *const *datas, size_t n, const char *complete,
			    char **layer_upper, struct bpo_error *err);

/* A new private temporary directory <cache>/chroots/tmp/<prefix>.XXXXXX
 * holding a file "pid" with this process's id. Directories there whose process
 * is gone (a crashed or SIGKILLed bpo) are removed first. Returns the owned path. */
char *bpo_chroot_tmp_new(const struct bpo_ns *ns, const char *cache_dir, const char *prefix,
			 struct bpo_error *err);

/* <cache>/chroots/unpacked/<sha256>: unpack the image once (made aside and
 * renamed), after verifying the tarball against the metadata's size and
 * sha256 (BPO_E_VERIFY, saying how to recreate it): the copy is named by the
 * hash it was checked against, so a replaced image is never used through an
 * old copy. Returns the owned path. */
char *bpo_chroot_unpacked(const struct bpo_ns *ns, const struct bpo_chroot_meta *m,
			  const char *cache_dir, struct bpo_error *err);

struct bpo_chroot_create_opts {
	const char *release, *arch;
	bool update;     /* `chroot update`: replace an existing image */
	int log_fd;      /* mmdebstrap's output, -1 inherit */
};

/* Create (or replace) an image with mmdebstrap. The new tarball and metadata
 * are written aside and renamed over the old ones only once complete; then
 * the old image's unpacked tree and build-dependency layers are removed. */
int bpo_chroot_create(const struct bpo_config *cfg, const struct bpo_chroot_conf *conf,
		      const struct bpo_chroot_create_opts *o, struct bpo_chroot_meta *out,
		      struct bpo_error *err);
/* Remove an image, its metadata and its unpacked tree. */
int bpo_chroot_remove(const struct bpo_ns *ns, const char *cache_dir, const char *release,
		      const char *arch, struct bpo_error *err);

/* The apt sources.list text for a release on a mirror (and security mirror);
 * with cfg (may be NULL), a line of an archive whose Valid-Until it relaxes
 * (bpoconf.h's bpo_config_apt_valid_until) gets the apt options for that. */
char *bpo_chroot_sources_list(const struct bpo_chroot_conf *c, const char *mirror,
			      const char *security_mirror, const struct bpo_config *cfg);

#endif
