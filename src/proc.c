/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "proc.h"
#include "xmem.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void child(const char *const argv[], const struct bpo_proc_opts *o, int in_fd, int out_fd)
{
	int devnull = open("/dev/null", O_RDWR);

	if (o && o->cwd && chdir(o->cwd) < 0) {
		fprintf(stderr, "bpo: %s: cannot change directory: %s\n", o->cwd, strerror(errno));
		_exit(127);
	}
	dup2(in_fd >= 0 ? in_fd : devnull, STDIN_FILENO);
	if (out_fd >= 0)
		dup2(out_fd, STDOUT_FILENO);
	else if (o && o->log_fd >= 0)
		dup2(o->log_fd, STDOUT_FILENO);
	if (o && o->log_fd >= 0)
		dup2(o->log_fd, STDERR_FILENO);
	else if (o && o->quiet_stderr)
		dup2(devnull, STDERR_FILENO);
	if (o && o->setenv)
		for (const char *const *e = o->setenv; *e; e++) {
			const char *eq = strchr(*e, '=');
			if (eq) {
				char *name = bpo_xstrndup(*e, (size_t)(eq - *e));
				setenv(name, eq + 1, 1);
				free(name);
			}
		}
	signal(SIGPIPE, SIG_DFL);
	execvp(argv[0], (char *const *)argv);
	fprintf(stderr, "bpo: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int bpo_proc_run(const char *const argv[], const struct bpo_proc_opts *o, int *status,
		 struct bpo_error *err)
{
	int outp[2] = {-1, -1}, inp[2] = {-1, -1}, wst = 0, rc = -1;
	bool timed_out = false;
	size_t in_off = 0, in_len = (o && o->input) ? strlen(o->input) : 0;
	time_t deadline = (o && o->timeout) ? time(NULL) + o->timeout : 0;
	pid_t pid;

	if (o && o->out && pipe2(outp, O_CLOEXEC) < 0)
		return bpo_error_set(err, BPO_E_IO, "pipe: %s", strerror(errno));
	if (o && o->input && pipe2(inp, O_CLOEXEC) < 0) {
		bpo_error_set(err, BPO_E_IO, "pipe: %s", strerror(errno));
		goto out;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		bpo_error_set(err, BPO_E_IO, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0)
		child(argv, o, inp[0], outp[1]);
	if (outp[1] >= 0) {
		close(outp[1]);
		outp[1] = -1;
	}
	if (inp[0] >= 0) {
		close(inp[0]);
		inp[0] = -1;
	}
	if (inp[1] >= 0 && in_len == 0) {
		close(inp[1]);
		inp[1] = -1;
	}
	while (outp[0] >= 0 || inp[1] >= 0) {
		struct pollfd pf[2];
		int np = 0, ms = -1;
		if (outp[0] >= 0)
			pf[np++] = (struct pollfd){.fd = outp[0], .events = POLLIN};
		if (inp[1] >= 0)
			pf[np++] = (struct pollfd){.fd = inp[1], .events = POLLOUT};
		if (deadline) {
			time_t now = time(NULL);
			if (now >= deadline) {
				timed_out = true;
				break;
			}
			ms = (int)(deadline - now) * 1000;
		}
		if (poll(pf, (nfds_t)np, ms) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < np; i++) {
			if (!pf[i].revents)
				continue;
			if (pf[i].fd == outp[0]) {
				char chunk[16384];
				ssize_t n = read(outp[0], chunk, sizeof(chunk));
				if (n > 0) {
					if (bpo_buf_append(o->out, chunk, (size_t)n, NULL) < 0) {
						close(outp[0]);
						outp[0] = -1;
					}
				} else if (n == 0 || errno != EINTR) {
					close(outp[0]);
					outp[0] = -1;
				}
			} else {
				ssize_t n = write(inp[1], o->input + in_off, in_len - in_off);
				if (n > 0)
					in_off += (size_t)n;
				if (n < 0 || in_off >= in_len) {
					close(inp[1]);
					inp[1] = -1;
				}
			}
		}
	}
	for (;;) {
		pid_t w = deadline ? waitpid(pid, &wst, WNOHANG) : waitpid(pid, &wst, 0);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			break;
		if (deadline && (timed_out || time(NULL) >= deadline)) {
			timed_out = true;
			kill(pid, SIGTERM);
			sleep(1);
			kill(pid, SIGKILL);
			waitpid(pid, &wst, 0);
			break;
		}
		if (deadline) {
			struct timespec ts = {0, 50 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
	}
	if (timed_out) {
		bpo_error_set(err, BPO_E_FAIL, "%s: timed out after %u s", argv[0], o->timeout);
		bpo_error_class(err, "timeout");
		goto out;
	}
	if (status)
		*status = WIFEXITED(wst) ? WEXITSTATUS(wst) : 128 + WTERMSIG(wst);
	rc = 0;
out:
	for (int i = 0; i < 2; i++) {
		if (outp[i] >= 0)
			close(outp[i]);
		if (inp[i] >= 0)
			close(inp[i]);
	}
	return rc;
}

int bpo_proc_run_ok(const char *const argv[], const struct bpo_proc_opts *opts, struct bpo_error *err)
{
	int status = 0;
	if (bpo_proc_run(argv, opts, &status, err) < 0)
		return -1;
	if (status == 127)
		return bpo_error_set(err, BPO_E_FAIL, "%s: could not be run (is it installed?)",
				     argv[0]);
	if (status != 0)
		return bpo_error_set(err, BPO_E_FAIL, "%s exited with status %d", argv[0], status);
	return 0;
}
