/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void bpo_error_init(struct bpo_error *err)
{
	if (!err)
		return;
	err->kind = BPO_E_NONE;
	err->cls = NULL;
	err->msg[0] = '\0';
}

int bpo_error_set(struct bpo_error *err, enum bpo_errkind kind, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	err->kind = kind;
	err->cls = NULL;
	va_start(ap, fmt);
	if (vsnprintf(err->msg, sizeof(err->msg), fmt, ap) < 0)
		err->msg[0] = '\0';
	va_end(ap);
	return -1;
}

int bpo_error_class(struct bpo_error *err, const char *cls)
{
	if (err)
		err->cls = cls;
	return -1;
}

const char *bpo_error_class_of(const struct bpo_error *err, const char *otherwise)
{
	if (err->cls)
		return err->cls;
	if (err->kind == BPO_E_VERIFY)
		return "verify";
	if (err->kind == BPO_E_USAGE || err->kind == BPO_E_SYNTAX)
		return "usage";
	return otherwise;
}

int bpo_error_add(struct bpo_error *err, const struct bpo_error *one)
{
	size_t used, add;

	if (!err || !one || !one->msg[0])
		return -1;
	if (!err->msg[0] || err->kind == BPO_E_NONE) {
		if (!err->msg[0]) {
			*err = *one;
			return -1;
		}
		err->kind = one->kind;
	}
	used = strlen(err->msg);
	add = strlen(one->msg);
	if (used >= 4 && strcmp(err->msg + used - 4, "\n...") == 0)
		return -1; /* already full */
	if (used + 1 + add < sizeof(err->msg)) {
		err->msg[used] = '\n';
		memcpy(err->msg + used + 1, one->msg, add + 1);
	} else if (used + 4 < sizeof(err->msg)) {
		memcpy(err->msg + used, "\n...", 5);
	}
	return -1;
}

int bpo_error_prefix(struct bpo_error *err, const char *fmt, ...)
{
	char prefix[512], old[BPO_ERROR_MSG_MAX];
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	if (vsnprintf(prefix, sizeof(prefix), fmt, ap) < 0)
		prefix[0] = '\0';
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	if (snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old) < 0)
		err->msg[0] = '\0';
	return -1;
}

int bpo_error_exit_code(const struct bpo_error *err)
{
	if (!err)
		return BPO_EXIT_FAIL;
	switch (err->kind) {
	case BPO_E_NONE:
		return BPO_EXIT_OK;
	case BPO_E_USAGE:
	case BPO_E_SYNTAX:
		return BPO_EXIT_USAGE;
	case BPO_E_VERIFY:
		return BPO_EXIT_VERIFY;
	case BPO_E_FAIL:
	case BPO_E_IO:
	case BPO_E_NOTFOUND:
		break;
	}
	return BPO_EXIT_FAIL;
}

const char *bpo_error_kind_name(enum bpo_errkind kind)
{
	switch (kind) {
	case BPO_E_NONE: return "none";
	case BPO_E_FAIL: return "failed";
	case BPO_E_IO: return "io";
	case BPO_E_NOTFOUND: return "not-found";
	case BPO_E_USAGE: return "usage";
	case BPO_E_SYNTAX: return "syntax";
	case BPO_E_VERIFY: return "verify";
	}
	return "unknown";
}
