/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The bpo build fixture's program. */
#include <stdio.h>

int main(void)
{
	puts("hello from bpo");
	return 0;
}
