/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netprobe: what the bpo build sandbox lets a build do.
 *   netprobe self        listen on 127.0.0.1, connect to it, exchange a byte
 *   netprobe connect P   try 127.0.0.1:P (a server of the host); exit 1 if reachable
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int connect_port(unsigned short port)
{
	struct sockaddr_in a;
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = errno;
		close(s);
		errno = e;
		return -1;
	}
	return s;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "self") == 0) {
		struct sockaddr_in a;
		socklen_t len = sizeof(a);
		int l = socket(AF_INET, SOCK_STREAM, 0), c, s;
		char ch = 0;

		memset(&a, 0, sizeof(a));
		a.sin_family = AF_INET;
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 1) < 0 ||
		    getsockname(l, (struct sockaddr *)&a, &len) < 0) {
			printf("BPO-PROBE self-connect=failed (listen: %s)\n", strerror(errno));
			return 1;
		}
		c = connect_port(ntohs(a.sin_port));
		s = c >= 0 ? accept(l, NULL, NULL) : -1;
		if (c < 0 || s < 0 || write(c, "x", 1) != 1 || read(s, &ch, 1) != 1 || ch != 'x') {
			printf("BPO-PROBE self-connect=failed (%s)\n", strerror(errno));
			return 1;
		}
		printf("BPO-PROBE self-connect=ok\n");
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "connect") == 0) {
		int s = connect_port((unsigned short)strtoul(argv[2], NULL, 10));
		if (s >= 0) {
			printf("BPO-PROBE host-connect=reachable port %s\n", argv[2]);
			return 1;
		}
		printf("BPO-PROBE host-connect=unreachable port %s (%s)\n", argv[2], strerror(errno));
		return 0;
	}
	fprintf(stderr, "usage: netprobe self | netprobe connect PORT\n");
	return 2;
}
