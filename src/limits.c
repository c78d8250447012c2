/* SPDX-License-Identifier: GPL-2.0-or-later */
/* limits: see limits.h. */
#include "limits.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[] = BPO_LIMITS_KEYS;

uint64_t bpo_limit_default(enum bpo_limit k)
{
	switch (k) {
	case BPO_LIMIT_UNPACKED_SIZE: return BPO_ARCHIVE_MAX_TOTAL_DEFAULT;
	case BPO_LIMIT_MEMBERS: return BPO_ARCHIVE_MAX_MEMBERS_DEFAULT;
	case BPO_LIMIT_RATIO: return BPO_ARCHIVE_MAX_RATIO_DEFAULT;
	case BPO_LIMIT_DOWNLOAD_SIZE: return BPO_LIMIT_DOWNLOAD_DEFAULT;
	default: return 0;
	}
}

const char *bpo_limit_name(enum bpo_limit k)
{
	return (unsigned)k < BPO_LIMIT_N ? names[k] : "?";
}

int bpo_size_parse(const char *s, uint64_t *out)
{
	uint64_t v = 0, mult = 1;
	size_t i = 0;
	const char *suffix;

	if (!s || s[0] < '0' || s[0] > '9')
		return -1;
	for (; s[i] >= '0' && s[i] <= '9'; i++) {
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	suffix = s + i;
	if (*suffix) {
		static const char units[] = "KMGT";
		const char *u = strchr(units, *suffix);
		if (!u || !*u)
			return -1;
		mult = 1ull << (10 * (unsigned)(u - units + 1));
		if (suffix[1] && strcmp(suffix + 1, "iB") != 0)
			return -1;
	}
	if (v == 0 || v > UINT64_MAX / mult)
		return -1;
	*out = v * mult;
	return 0;
}

int bpo_limits_yaml(struct bpo_yaml *y, const yaml_node_t *node, const char *where,
		    struct bpo_limits *out, struct bpo_error *err)
{
	struct bpo_error all;

	if (!node || bpo_yaml_is_null(node))
		return 0;
	bpo_error_init(&all);
	if (bpo_yaml_expect_mapping(y, node, where, err) < 0)
		return -1;
	bpo_yaml_check_keys(y, node, names, where, &all); /* and the known keys too */
	for (int k = 0; k < BPO_LIMIT_N; k++) {
		yaml_node_t *v = bpo_yaml_get(y, node, names[k]);
		struct bpo_error one;
		char *s = NULL;
		char what[64];
		uint64_t x;
		bool is_size = k == BPO_LIMIT_UNPACKED_SIZE || k == BPO_LIMIT_DOWNLOAD_SIZE;
		if (!v)
			continue;
		bpo_error_init(&one);
		snprintf(what, sizeof(what), "%s.%s", where, names[k]);
		if (bpo_yaml_string(y, v, what, &s, &one) < 0) {
			bpo_error_add(&all, &one);
			continue;
		}
		if (!s)
			continue;
		if (bpo_size_parse(s, &x) < 0 || (!is_size && strspn(s, "0123456789") != strlen(s)))
			bpo_error_add(&all, (bpo_yaml_error(y, v, &one, "%s: expected %s, found '%.40s'",
							    what,
							    is_size ? "a size in bytes like "
								      "68719476736 or 64G"
								    : "a whole number above 0",
							    s),
					     &one));
		else
			out->v[k] = x;
		free(s);
	}
	if (!all.msg[0])
		return 0;
	bpo_yaml_sort_errors(y, &all);
	if (err)
		*err = all;
	return -1;
}

void bpo_limits_effective(const struct bpo_limits *conf, const struct bpo_limits *recipe,
			  struct bpo_limits *out)
{
	for (int k = 0; k < BPO_LIMIT_N; k++)
		out->v[k] = recipe && recipe->v[k]	 ? recipe->v[k]
			    : conf && conf->v[k] ? conf->v[k]
						 : bpo_limit_default((enum bpo_limit)k);
}

void bpo_limits_archive(const struct bpo_limits *eff, struct bpo_archive_limits *out)
{
	out->max_total = eff->v[BPO_LIMIT_UNPACKED_SIZE];
	out->max_members = eff->v[BPO_LIMIT_MEMBERS];
	out->max_ratio = eff->v[BPO_LIMIT_RATIO];
}
