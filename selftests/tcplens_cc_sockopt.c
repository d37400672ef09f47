// SPDX-License-Identifier: GPL-2.0
/*
 * tcplens_cc_sockopt - selecting lens per socket with TCP_CONGESTION, on
 * every kind of socket the stack hands to a congestion control: a fresh
 * socket, an established one (the stack re-initialises its CC), a listener
 * (its children inherit lens and a copy of its private area) and the
 * children themselves. Needs tcp_lens loaded; run by tcplens_smoke.sh.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"

static int set_cc(int fd, const char *name)
{
	return setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, name, strlen(name));
}

static int get_cc(int fd, char *buf, socklen_t len)
{
	memset(buf, 0, len);
	return getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, buf, &len);
}

/* A listener on 127.0.0.1 and a connected client/server pair. */
FIXTURE(pair) {
	int listener;
	int client;
	int server;
	struct sockaddr_in addr;
};

FIXTURE_VARIANT(pair) {
	bool lens_on_listener;	/* select lens before listen() */
};

FIXTURE_VARIANT_ADD(pair, default_cc) {
	.lens_on_listener = false,
};

FIXTURE_VARIANT_ADD(pair, lens_listener) {
	.lens_on_listener = true,
};

FIXTURE_SETUP(pair)
{
	socklen_t alen = sizeof(self->addr);

	self->listener = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_GE(self->listener, 0);
	if (variant->lens_on_listener)
		ASSERT_EQ(0, set_cc(self->listener, "lens"));
	self->addr.sin_family = AF_INET;
	self->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(0, bind(self->listener, (struct sockaddr *)&self->addr,
			  sizeof(self->addr)));
	ASSERT_EQ(0, getsockname(self->listener, (struct sockaddr *)&self->addr,
				 &alen));
	ASSERT_EQ(0, listen(self->listener, 8));

	self->client = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_GE(self->client, 0);
	ASSERT_EQ(0, connect(self->client, (struct sockaddr *)&self->addr,
			     sizeof(self->addr)));
	self->server = accept(self->listener, NULL, NULL);
	ASSERT_GE(self->server, 0);
}

FIXTURE_TEARDOWN(pair)
{
	close(self->server);
	close(self->client);
	close(self->listener);
}

/* Switching an established connection to lens, and moving data with it. */
TEST_F(pair, established_switches_to_lens)
{
	char name[16], buf[4096] = { 0 };
	int i;

	ASSERT_EQ(0, set_cc(self->client, "lens"));
	ASSERT_EQ(0, get_cc(self->client, name, sizeof(name)));
	EXPECT_STREQ("lens", name);
	for (i = 0; i < 64; i++) {
		ASSERT_EQ(sizeof(buf), write(self->client, buf, sizeof(buf)));
		ASSERT_EQ(sizeof(buf), recv(self->server, buf, sizeof(buf),
					    MSG_WAITALL));
	}
}

/* A listener's lens is what its accepted children run. */
TEST_F(pair, child_inherits_listener_cc)
{
	char name[16];

	ASSERT_EQ(0, get_cc(self->server, name, sizeof(name)));
	if (variant->lens_on_listener) {
		EXPECT_STREQ("lens", name);
	} else {
		EXPECT_STRNE("lens", name);
	}
}

/* Switching back and forth never loses the connection. */
TEST_F(pair, switch_back_and_forth)
{
	char name[16];
	int i;

	for (i = 0; i < 8; i++) {
		ASSERT_EQ(0, set_cc(self->server, i & 1 ? "reno" : "lens"));
		ASSERT_EQ(1, write(self->server, "x", 1));
		ASSERT_EQ(1, read(self->client, name, 1));
	}
	ASSERT_EQ(0, get_cc(self->server, name, sizeof(name)));
	EXPECT_STREQ("reno", name);
}

/* The live connection is listed in cc_conns, by its local port. */
TEST_F(pair, listed_in_cc_conns)
{
	struct sockaddr_in me;
	socklen_t len = sizeof(me);
	char line[512], want[64];
	bool found = false;
	FILE *f;

	ASSERT_EQ(0, set_cc(self->client, "lens"));
	ASSERT_EQ(0, getsockname(self->client, (struct sockaddr *)&me, &len));
	snprintf(want, sizeof(want), "127.0.0.1:%u ", ntohs(me.sin_port));
	f = fopen("/proc/net/tcplens/cc_conns", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, want, strlen(want)))
			found = true;
	fclose(f);
	EXPECT_TRUE(found);
}

TEST(fresh_socket_selects_lens)
{
	int fd = socket(AF_INET6, SOCK_STREAM, 0);
	char name[16];

	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, set_cc(fd, "lens"));
	ASSERT_EQ(0, get_cc(fd, name, sizeof(name)));
	EXPECT_STREQ("lens", name);
	close(fd);
}

TEST(unknown_cc_is_refused)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(-1, set_cc(fd, "lens-no-such"));
	EXPECT_EQ(ENOENT, errno);
	close(fd);
}

TEST_HARNESS_MAIN
