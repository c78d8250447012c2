/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness for recipe parsing (hostile YAML): any input must either
 * fail with a message or parse; a parsed recipe's normalised YAML must parse
 * again to the same recipe (same JSON), and the JSON output must not fail. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "recipe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *json_of(const struct bpo_recipe *r)
{
	struct bpo_buf b;
	struct bpo_error err;
	bpo_buf_init(&b, 64u << 20);
	if (bpo_recipe_write_json(r, &b, &err) < 0) {
		fprintf(stderr, "JSON output failed: %s\n", err.msg);
		abort();
	}
	return bpo_buf_steal(&b, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bpo_recipe r, again;
	struct bpo_error err;
	struct bpo_buf yaml;
	char *j1, *j2;

	bpo_error_init(&err);
	if (bpo_recipe_parse(&r, (const char *)data, size, "fuzz.yaml", &err) < 0) {
		if (!err.msg[0] || err.kind == BPO_E_NONE)
			abort(); /* every failure says why */
		return 0;
	}
	bpo_buf_init(&yaml, 64u << 20);
	if (bpo_recipe_write_yaml(&r, &yaml, &err) < 0) {
		fprintf(stderr, "YAML output failed: %s\n", err.msg);
		abort();
	}
	if (bpo_recipe_parse(&again, yaml.data, yaml.len, "fuzz.yaml", &err) < 0) {
		fprintf(stderr, "normalised output does not parse: %s\n%s", err.msg, yaml.data);
		abort();
	}
	j1 = json_of(&r);
	j2 = json_of(&again);
	if (strcmp(j1, j2) != 0) {
		fprintf(stderr, "round trip changed the recipe:\n%s%s", j1, j2);
		abort();
	}
	free(j1);
	free(j2);
	bpo_buf_destroy(&yaml);
	bpo_recipe_destroy(&again);
	bpo_recipe_destroy(&r);
	return 0;
}
