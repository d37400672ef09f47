// SPDX-License-Identifier: GPL-2.0
/*
 * tcplens_loadgen - TCP client/server load generator for the tcplens selftests.
 *
 * One process is either a server or a client.  Both are a single thread
 * around one level-triggered epoll set, with all sockets non-blocking.
 *
 * Server modes pick what the listener does with each connection, so that
 * every anomaly the observer detects can be produced on demand:
 *
 *   echo         read and send back, close when the peer closes
 *   never-close  read and discard, never close: leaks CLOSE_WAIT
 *   close-first  close right after accept (or first data): server TIME_WAIT
 *   slow-accept  tiny backlog, accept rarely or never: accept queue overflow
 *   rst          abort right after accept (or first data): RST, SO_LINGER 0
 *
 * The client keeps up to --conns connections in flight, opens new ones at
 * --rate per second, holds each one --hold ms once its optional payload was
 * exchanged, then closes it with FIN, RST, a half close or not at all.
 *
 * Economy (100k connections per process):
 *  - per-connection state is one 24-byte struct conn in an array indexed by
 *    fd, allocated once for the whole fd limit: no malloc per connection;
 *  - each timeout kind has a fixed delay, so the connections waiting on it
 *    are naturally sorted by deadline: one intrusive FIFO list per kind
 *    (prev/next are fd numbers) gives O(1) arm, cancel and expiry;
 *  - payload is sent from one static pattern buffer and read into one
 *    static scratch buffer; the echo server peeks, sends what the socket
 *    takes and only then consumes that much, so unsent bytes stay queued
 *    in the kernel instead of in a per-connection buffer.
 *
 * What the system needs for 100k concurrent connections (client and server
 * in the same machine means 200k sockets):
 *  - file descriptors: ulimit -n >= conns + 16 per process; the program
 *    raises its soft limit itself and, as root, its hard limit up to
 *    fs.nr_open (default 1048576), which it never changes itself;
 *  - ports: one (source address, destination address:port) pair allows
 *    at most net.ipv4.ip_local_port_range ports (32768-60999 = 28232 by
 *    default, 64511 with "1024 65535"); so use --src with several source
 *    addresses (any of 127.0.0.0/8 on loopback, or add a local route such
 *    as "ip route add local 10.0.0.0/16 dev lo", "ip -6 route add local
 *    fd00::/112 dev lo"), or a server port range.  IP_BIND_ADDRESS_NO_PORT
 *    lets the kernel pick the port per 4-tuple at connect time;
 *  - net.core.somaxconn and net.ipv4.tcp_max_syn_backlog >= the backlog
 *    (listen() silently clamps to somaxconn, 4096 by default);
 *  - net.ipv4.tcp_max_orphans >= conns when closing many at once (orphans
 *    beyond it are reset: "too many orphaned sockets"), and
 *    net.ipv4.tcp_max_tw_buckets >= conns to keep every TIME_WAIT;
 *  - memory: about 3-5 KiB of kernel memory per idle socket (sock, file,
 *    inode, epoll item), so ~1 GiB for 200k sockets plus socket buffers for
 *    any payload (see net.ipv4.tcp_mem); user memory is 24 bytes per fd;
 *  - nf_conntrack_max >= 2 * conns if connection tracking is loaded.
 *
 * Build: cc -O2 -Wall -Wextra -o tcplens_loadgen tcplens_loadgen.c
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* accept4() */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24	/* linux/in.h, since Linux 4.2 */
#endif

#define PROG "tcplens_loadgen"

#define EXIT_RUNTIME	1	/* setup or runtime failure */
#define EXIT_USAGE	2	/* bad command line */

#define IO_BUF_SIZE	65536	/* static send/receive buffer */
#define MAX_EVENTS	1024	/* epoll events handled per wakeup */
#define MAX_READS	16	/* reads per readable event, for fairness */
#define ACCEPT_BATCH	256	/* accepts per readable listener event */
#define OPEN_BATCH	256	/* connects per loop iteration at full speed */
#define FD_RESERVE	16	/* fds beyond connections: stdio, epoll, ... */
#define ACCEPT_PAUSE_MS	100	/* listener pause after EMFILE and friends */
#define MAX_WAIT_MS	100	/* longest epoll sleep, to notice signals */
#define SRC_MAX_ADDRS	(1ULL << 32)	/* source addresses used of a range */
#define SERVER_MAX_FDS	(1U << 20)	/* default server sizing cap */

/* Error counters: errno values (< 140 on Linux), plus pseudo-errors. */
#define ERR_SLOTS	160		/* errno 1..ERR_OTHER-1 counted one by one */
#define ERR_OTHER	(ERR_SLOTS - 3)	/* any larger errno */
#define ERR_TIMEOUT	(ERR_SLOTS - 2)	/* our own timeout expired */
#define ERR_EOF		(ERR_SLOTS - 1)	/* peer closed too early */

/* Where an error happened; first word of its "phase:NAME" report key. */
enum phase {
	PH_SOCKET,	/* socket() */
	PH_BIND,	/* bind() to a --src address */
	PH_CONNECT,	/* connect() or its asynchronous completion */
	PH_IO,		/* send()/recv()/shutdown() on a connection */
	PH_ECHO,	/* payload exchange not finished in time, or cut */
	PH_HALF,	/* half close: peer FIN not seen in time */
	PH_ACCEPT,	/* accept() */
	PH_COUNT
};

static const char *const phase_names[PH_COUNT] = {
	"socket", "bind", "connect", "io", "echo", "half", "accept",
};

/* Connection states; 0 is a free slot. */
enum conn_state {
	CS_FREE,
	CS_LISTENER,	/* server: a listening socket */
	/* client */
	CS_CONNECTING,	/* connect() in progress */
	CS_SENDING,	/* established, sending the --send payload */
	CS_ECHO_WAIT,	/* payload sent, reading the echo back */
	CS_HOLDING,	/* waiting for --hold to expire */
	CS_HALF,	/* shut down for writing, waiting for the peer's FIN */
	CS_KEPT,	/* --close none: never closed by us */
	/* server */
	CS_ECHO,	/* echoing; waiting for data */
	CS_ECHO_BLOCKED,/* echoing; waiting for send space */
	CS_DRAIN,	/* never-close: reading and discarding */
	CS_LEAKED,	/* never-close: peer closed, we keep CLOSE_WAIT */
	CS_WAIT_DATA,	/* close-first/rst --wait-data: waiting for data */
};

/* Timer lists; each has one fixed delay, so it is a FIFO by deadline. */
enum timer_list {
	TL_CONNECT,	/* --connect-timeout */
	TL_IO,		/* --io-timeout for the payload exchange */
	TL_HOLD,	/* --hold */
	TL_HALF,	/* --io-timeout for the peer's FIN after a half close */
	TL_COUNT,
	TL_NONE = 0xff
};

/* Per-fd connection state: 24 bytes. */
struct conn {
	int32_t prev;		/* previous fd on the timer list, -1 if none */
	int32_t next;		/* next fd on the timer list, -1 if none */
	uint32_t deadline;	/* timer expiry, ms since start */
	uint32_t sent;		/* payload bytes sent */
	uint32_t rcvd;		/* payload bytes received, saturating */
	uint8_t state;		/* enum conn_state */
	uint8_t timer;		/* enum timer_list, or TL_NONE */
	uint8_t events;		/* EPOLLIN/EPOLLOUT registered, 0 if none */
	uint8_t established;	/* counted in stats.established/accepted */
};

/* Head of one timer list. */
struct tlist {
	int32_t head;		/* fd expiring first, -1 if empty */
	int32_t tail;		/* fd expiring last, -1 if empty */
	uint32_t delay;		/* ms from arming to expiry */
};

/* An IPv4 or IPv6 address as a number, to step through ranges. */
struct ip {
	int family;		/* AF_INET or AF_INET6 */
	uint64_t hi;		/* IPv6 bits 127..64; 0 for IPv4 */
	uint64_t lo;		/* IPv6 bits 63..0, or the IPv4 address */
};

/* Source addresses used round-robin by the client. */
struct src_range {
	struct ip first;	/* first address */
	uint64_t count;		/* number of addresses, 0 = no --src */
	uint64_t next;		/* index of the next one to use */
};

enum role { ROLE_CLIENT, ROLE_SERVER };

enum server_mode {
	MODE_ECHO, MODE_NEVER_CLOSE, MODE_CLOSE_FIRST, MODE_SLOW_ACCEPT,
	MODE_RST, MODE_COUNT
};

static const char *const mode_names[MODE_COUNT] = {
	"echo", "never-close", "close-first", "slow-accept", "rst",
};

enum close_style { CLOSE_FIN, CLOSE_RST, CLOSE_HALF, CLOSE_NONE, CLOSE_COUNT };

static const char *const close_names[CLOSE_COUNT] = {
	"fin", "rst", "half", "none",
};

/* Command line settings. */
struct config {
	enum role role;
	struct ip addr;		/* client target / server listen address */
	uint16_t port_lo;	/* first target/listen port */
	uint16_t port_hi;	/* last target/listen port */
	uint32_t duration_s;	/* run time bound */
	uint32_t interval_s;	/* periodic report interval, 0 = none */
	bool quiet;		/* no periodic reports */
	bool json;		/* final report as JSON */
	/* client */
	uint32_t conns;		/* concurrent connections */
	uint32_t rate;		/* new connections per second, 0 = max */
	uint64_t total;		/* connections overall, 0 = until duration */
	uint32_t hold_ms;	/* time to keep each connection open */
	enum close_style close;	/* how to close */
	uint32_t send;		/* payload bytes per connection */
	bool no_echo;		/* do not wait for the payload to come back */
	struct src_range src;	/* source addresses */
	uint32_t connect_timeout_ms;	/* 0 = the kernel's SYN retries */
	uint32_t io_timeout_ms;	/* payload exchange and half-close bound */
	/* server */
	enum server_mode mode;
	uint32_t backlog;	/* listen() backlog */
	uint32_t accept_rate;	/* slow-accept: accepts per second */
	bool wait_data;		/* close-first/rst: wait for the first data */
	uint32_t max_conns;	/* live connection cap, 0 = fd limit */
};

/* Counters, reported periodically and at exit. */
struct stats {
	uint64_t attempted;	/* client: connect attempts */
	uint64_t established;	/* client: connected; server: accepted */
	uint64_t closed;	/* established connections that ended */
	uint64_t peer_fin;	/* connections the peer closed first */
	uint64_t leaked;	/* server never-close: CLOSE_WAIT kept */
	uint64_t resets;	/* connections we aborted with RST */
	uint64_t rx;		/* payload bytes received */
	uint64_t tx;		/* payload bytes sent */
	uint64_t live;		/* connections open now (not listeners) */
	uint64_t peak_live;	/* maximum of live */
	uint64_t errors;	/* sum of err[][] */
	uint64_t err[PH_COUNT][ERR_SLOTS];	/* errors by phase and errno */
};

static struct config cfg;
static struct stats st;
static struct conn *conns;	/* indexed by fd */
static size_t nconns;		/* entries in conns[] = fd limit */
static struct tlist timers[TL_COUNT];
static int epfd = -1;
static uint64_t start_ms;	/* CLOCK_MONOTONIC at start */
static volatile sig_atomic_t stop_signal;
static char io_buf[IO_BUF_SIZE];	/* payload pattern / scratch space */

/* Server listeners. */
static int *listeners;
static unsigned int nlisteners;
static uint64_t accept_pause_until;	/* ms; 0 = no EMFILE back-off */
static bool listeners_armed;		/* listeners are in the epoll set */

/* Pacing of client connects (--rate) or slow-accept accepts (--accept-rate). */
static double pace_credit = 1.0;	/* operations allowed right now */
static uint32_t pace_last_ms;		/* last credit update */
static uint32_t open_not_before;	/* client back-off after a failure */
static uint32_t next_port;	/* target port round-robin index */

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Milliseconds since start, the unit of all deadlines. */
static uint32_t rel_ms(void)
{
	return (uint32_t)(now_ms() - start_ms);
}

static void fatal(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_RUNTIME);
}

static void usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '" PROG " --help'.\n");
	exit(EXIT_USAGE);
}

/* Name of an errno or pseudo-error slot, for reports. */
static const char *err_name(unsigned int slot)
{
	static const struct { int e; const char *name; } names[] = {
		{ EPERM, "EPERM" }, { EINTR, "EINTR" }, { EAGAIN, "EAGAIN" },
		{ ENOMEM, "ENOMEM" }, { EACCES, "EACCES" },
		{ EINVAL, "EINVAL" }, { ENFILE, "ENFILE" },
		{ EMFILE, "EMFILE" }, { EPIPE, "EPIPE" },
		{ EPROTO, "EPROTO" }, { ENOBUFS, "ENOBUFS" },
		{ EADDRINUSE, "EADDRINUSE" },
		{ EADDRNOTAVAIL, "EADDRNOTAVAIL" },
		{ ENETDOWN, "ENETDOWN" }, { ENETUNREACH, "ENETUNREACH" },
		{ ECONNABORTED, "ECONNABORTED" },
		{ ECONNRESET, "ECONNRESET" }, { ENOTCONN, "ENOTCONN" },
		{ ETIMEDOUT, "ETIMEDOUT" }, { ECONNREFUSED, "ECONNREFUSED" },
		{ EHOSTDOWN, "EHOSTDOWN" }, { EHOSTUNREACH, "EHOSTUNREACH" },
		{ EAFNOSUPPORT, "EAFNOSUPPORT" },
	};
	static char buf[16];
	size_t i;

	if (slot == ERR_TIMEOUT)
		return "timeout";
	if (slot == ERR_EOF)
		return "eof";
	if (slot == ERR_OTHER)
		return "other";
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == (int)slot)
			return names[i].name;
	snprintf(buf, sizeof(buf), "E%u", slot);
	return buf;
}

static void count_error(enum phase ph, int e)
{
	unsigned int slot = e > 0 && e < ERR_OTHER ? (unsigned int)e :
			    (e == ERR_TIMEOUT || e == ERR_EOF) ?
			    (unsigned int)e : ERR_OTHER;

	st.err[ph][slot]++;
	st.errors++;
}

/* ------------------------------------------------------------------ */
/* Command line parsing                                                */
/* ------------------------------------------------------------------ */

/* Parse a whole decimal number in [min, max]; anything else is a usage error. */
static uint64_t parse_num(const char *opt, const char *s, uint64_t min,
			  uint64_t max)
{
	unsigned long long v;
	char *end;

	if (!s || s[0] < '0' || s[0] > '9')
		usage_error("%s: '%s' is not a decimal number", opt, s ? s : "");
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end != '\0')
		usage_error("%s: '%s' is not a decimal number", opt, s);
	if (errno == ERANGE)
		usage_error("%s: '%s' is too large", opt, s);
	if (v < min || v > max)
		usage_error("%s: %llu is out of range [%" PRIu64 ", %" PRIu64 "]",
			    opt, v, min, max);
	return v;
}

/* Parse "PORT" or "FIRST-LAST". */
static void parse_ports(const char *opt, const char *s, uint16_t *lo,
			uint16_t *hi)
{
	const char *dash = strchr(s, '-');
	char first[8];
	size_t len;

	if (!dash) {
		*lo = *hi = (uint16_t)parse_num(opt, s, 1, 65535);
		return;
	}
	len = (size_t)(dash - s);
	if (len == 0 || len >= sizeof(first))
		usage_error("%s: bad port range '%s'", opt, s);
	memcpy(first, s, len);
	first[len] = '\0';
	*lo = (uint16_t)parse_num(opt, first, 1, 65535);
	*hi = (uint16_t)parse_num(opt, dash + 1, 1, 65535);
	if (*hi < *lo)
		usage_error("%s: port range '%s' is reversed", opt, s);
}

/* Parse a numeric IPv4 or IPv6 address (no names, no brackets). */
static bool parse_ip(const char *s, struct ip *ip)
{
	struct in6_addr a6;
	struct in_addr a4;
	int i;

	if (inet_pton(AF_INET, s, &a4) == 1) {
		ip->family = AF_INET;
		ip->hi = 0;
		ip->lo = ntohl(a4.s_addr);
		return true;
	}
	if (inet_pton(AF_INET6, s, &a6) == 1) {
		ip->family = AF_INET6;
		ip->hi = ip->lo = 0;
		for (i = 0; i < 8; i++) {
			ip->hi = ip->hi << 8 | a6.s6_addr[i];
			ip->lo = ip->lo << 8 | a6.s6_addr[i + 8];
		}
		return true;
	}
	return false;
}

/* Copy [s, s + len) into buf as a C string; false if it does not fit. */
static bool copy_part(char *buf, size_t size, const char *s, size_t len)
{
	if (len == 0 || len >= size)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return true;
}

/* Parse "A", "A-B" or "A/PREFIX" into a source address range. */
static void parse_src(const char *opt, const char *s, struct src_range *r)
{
	const char *sep = strpbrk(s, "-/");
	unsigned int bits, plen, host;
	char a[INET6_ADDRSTRLEN];
	struct ip last;

	if (!copy_part(a, sizeof(a), s, sep ? (size_t)(sep - s) : strlen(s)) ||
	    !parse_ip(a, &r->first))
		usage_error("%s: bad address in '%s'", opt, s);
	r->count = 1;
	r->next = 0;
	if (!sep)
		return;

	if (*sep == '-') {
		if (!parse_ip(sep + 1, &last) || last.family != r->first.family)
			usage_error("%s: bad range end in '%s' (same family needed)",
				    opt, s);
		if (last.hi < r->first.hi ||
		    (last.hi == r->first.hi && last.lo < r->first.lo))
			usage_error("%s: range '%s' is reversed", opt, s);
		if (last.hi != r->first.hi || last.lo - r->first.lo >= SRC_MAX_ADDRS)
			r->count = SRC_MAX_ADDRS;
		else
			r->count = last.lo - r->first.lo + 1;
		return;
	}
	bits = r->first.family == AF_INET ? 32 : 128;

	/* CIDR: mask to the network, then skip the network address. */
	plen = (unsigned int)parse_num(opt, sep + 1, 0, bits);
	host = bits - plen;
	if (host >= 64) {
		r->first.hi &= host >= 128 ? 0 : ~0ULL << (host - 64);
		r->first.lo = 0;
	} else if (host > 0) {
		r->first.lo &= ~0ULL << host;
	}
	r->count = host >= 32 ? SRC_MAX_ADDRS : 1ULL << host;
	/* RFC 3021/6164: /31 and /127 have no network/broadcast address. */
	if (host >= 2) {
		r->first.lo++;		/* low bits are 0: never carries */
		r->count--;		/* network (IPv6: subnet anycast) */
		if (r->first.family == AF_INET)
			r->count--;	/* IPv4 broadcast */
	}
}

/* Parse the client target "IPv4:PORT[-PORT]" or "[IPv6]:PORT[-PORT]". */
static void parse_target(const char *opt, const char *s)
{
	char a[INET6_ADDRSTRLEN];
	const char *colon;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':' ||
		    !copy_part(a, sizeof(a), s + 1, (size_t)(close - s - 1)) ||
		    !parse_ip(a, &cfg.addr) || cfg.addr.family != AF_INET6)
			usage_error("%s: bad target '%s', expected [IPV6]:PORT",
				    opt, s);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || strchr(s, ':') != colon)
			usage_error("%s: bad target '%s', expected IPV4:PORT or [IPV6]:PORT",
				    opt, s);
		if (!copy_part(a, sizeof(a), s, (size_t)(colon - s)) ||
		    !parse_ip(a, &cfg.addr))
			usage_error("%s: bad address in '%s'", opt, s);
	}
	parse_ports(opt, colon + 1, &cfg.port_lo, &cfg.port_hi);
}

static int parse_name(const char *opt, const char *s,
		      const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	usage_error("%s: unknown value '%s'", opt, s);
	return -1;
}

static void usage(void)
{
	printf(
"Usage: " PROG " server [options]\n"
"       " PROG " client -t ADDR:PORT [options]\n"
"\n"
"TCP load generator: a server whose behaviour produces TCP anomalies on\n"
"demand, and a client opening many concurrent connections.  Addresses are\n"
"numeric IPv4 or IPv6.  Periodic reports go to stderr, the final report to\n"
"stdout.  Exit status: 0 ok, 1 runtime failure (set-up failed, or a\n"
"client established no connection at all), 2 usage error.\n"
"\n"
"Common options:\n"
"  -d, --duration SEC       stop after SEC seconds (1-604800, default 30)\n"
"  -i, --interval SEC       report every SEC seconds (0 = never, default 1)\n"
"  -q, --quiet              no periodic reports\n"
"  -j, --json               final report as one JSON object\n"
"  -h, --help               this help\n"
"\n"
"Server options:\n"
"  -m, --mode MODE          echo (default): echo data, close on peer close\n"
"                           never-close: read, never close (CLOSE_WAIT leak)\n"
"                           close-first: close at once (server TIME_WAIT)\n"
"                           slow-accept: small backlog, accept rarely/never\n"
"                           rst: abort at once with SO_LINGER 0\n"
"  -l, --listen ADDR        listen address (default 127.0.0.1)\n"
"  -p, --port PORT[-PORT]   port or port range to listen on (required)\n"
"  -b, --backlog N          listen backlog (default 4096, slow-accept 4)\n"
"      --accept-rate N      slow-accept: accepts per second (default 0)\n"
"      --wait-data          close-first/rst: first read data, then close\n"
"      --max-conns N        stop accepting at N live connections\n"
"                           (default: as many as fds allow)\n"
"\n"
"Client options:\n"
"  -t, --target ADDR:PORT[-PORT]  server, [IPV6]:PORT for IPv6; a port\n"
"                           range is used round-robin (required)\n"
"  -n, --conns N            concurrent connections (default 1)\n"
"  -r, --rate N             new connections per second (0 = max, default)\n"
"  -N, --total N            connections overall (0 = until --duration)\n"
"  -H, --hold MS            keep each connection open MS ms (default 0)\n"
"  -c, --close STYLE        fin (default), rst (SO_LINGER 0), half\n"
"                           (shutdown write, wait for the peer's FIN),\n"
"                           none (never close, keep until exit)\n"
"  -s, --send BYTES         payload per connection (default 0)\n"
"      --no-echo            do not wait for the payload to be echoed\n"
"  -S, --src RANGE          source addresses, round-robin: ADDR,\n"
"                           ADDR-ADDR or ADDR/PREFIX (IPv4 or IPv6)\n"
"      --connect-timeout MS give up connecting after MS ms (default 0 =\n"
"                           the kernel's SYN retries)\n"
"      --io-timeout MS      bound on echo and half close (default 10000)\n"
"\n"
"Examples:\n"
"  " PROG " server -p 8080 -m never-close -d 20\n"
"  " PROG " client -t 127.0.0.1:8080 -n 1000 --hold 5000 -d 10\n"
"  " PROG " server -l ::1 -p 9000-9003 -d 60\n"
"  " PROG " client -t [::1]:9000-9003 -n 20000 -r 5000 -s 100 --json\n"
"  " PROG " client -t 127.0.0.1:8080 -n 100000 -S 127.0.0.1-127.0.0.8 \\\n"
"      -c none -d 30\n"
"  " PROG " server -p 8081 -m slow-accept -b 2 --accept-rate 1\n"
"  " PROG " client -t 127.0.0.1:8081 -n 50 --connect-timeout 3000\n"
"\n"
"100k connections need ulimit -n / fs.nr_open above 100k and several\n"
"source addresses (or ports): see the comment at the top of the source.\n");
}

enum long_only_opts {
	OPT_ACCEPT_RATE = 256, OPT_WAIT_DATA, OPT_MAX_CONNS, OPT_NO_ECHO,
	OPT_CONNECT_TIMEOUT, OPT_IO_TIMEOUT,
};

static const struct option long_opts[] = {
	{ "duration", required_argument, NULL, 'd' },
	{ "interval", required_argument, NULL, 'i' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ "mode", required_argument, NULL, 'm' },
	{ "listen", required_argument, NULL, 'l' },
	{ "port", required_argument, NULL, 'p' },
	{ "backlog", required_argument, NULL, 'b' },
	{ "accept-rate", required_argument, NULL, OPT_ACCEPT_RATE },
	{ "wait-data", no_argument, NULL, OPT_WAIT_DATA },
	{ "max-conns", required_argument, NULL, OPT_MAX_CONNS },
	{ "target", required_argument, NULL, 't' },
	{ "conns", required_argument, NULL, 'n' },
	{ "rate", required_argument, NULL, 'r' },
	{ "total", required_argument, NULL, 'N' },
	{ "hold", required_argument, NULL, 'H' },
	{ "close", required_argument, NULL, 'c' },
	{ "send", required_argument, NULL, 's' },
	{ "no-echo", no_argument, NULL, OPT_NO_ECHO },
	{ "src", required_argument, NULL, 'S' },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "io-timeout", required_argument, NULL, OPT_IO_TIMEOUT },
	{ NULL, 0, NULL, 0 }
};

/* Options valid only for one role, by option value. */
static bool option_is_server_only(int c)
{
	return c == 'm' || c == 'l' || c == 'p' || c == 'b' ||
	       c == OPT_ACCEPT_RATE || c == OPT_WAIT_DATA ||
	       c == OPT_MAX_CONNS;
}

static const char *option_name(int c)
{
	const struct option *o;

	for (o = long_opts; o->name; o++)
		if (o->val == c)
			return o->name;
	return "?";
}

static void parse_args(int argc, char **argv)
{
	bool have_target = false, have_port = false, have_backlog = false;
	bool have_hold = false, have_accept_rate = false;
	char optname[40];
	int c;

	if (argc < 2)
		usage_error("missing role: 'server' or 'client'");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage();
		exit(0);
	}
	if (!strcmp(argv[1], "server"))
		cfg.role = ROLE_SERVER;
	else if (!strcmp(argv[1], "client"))
		cfg.role = ROLE_CLIENT;
	else
		usage_error("unknown role '%s': expected 'server' or 'client'",
			    argv[1]);

	/* Defaults. */
	cfg.duration_s = 30;
	cfg.interval_s = 1;
	cfg.conns = 1;
	cfg.close = CLOSE_FIN;
	cfg.io_timeout_ms = 10000;
	cfg.mode = MODE_ECHO;
	cfg.backlog = 4096;
	parse_ip("127.0.0.1", &cfg.addr);

	optind = 2;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:i:qjhm:l:p:b:t:n:r:N:H:c:s:S:",
				long_opts, NULL)) != -1) {
		if (c == '?') {
			if (!strncmp(argv[optind - 1], "--", 2))
				usage_error("bad option '%s'", argv[optind - 1]);
			if (optopt)
				usage_error("unknown option '-%c'", optopt);
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
		if (c == ':')
			usage_error("option '%s' needs an argument",
				    argv[optind - 1]);
		snprintf(optname, sizeof(optname), "--%s", option_name(c));
		if (c != 'h' && option_is_server_only(c) !=
		    (cfg.role == ROLE_SERVER) &&
		    !(c == 'd' || c == 'i' || c == 'q' || c == 'j'))
			usage_error("%s is a %s option", optname,
				    cfg.role == ROLE_SERVER ? "client" : "server");
		switch (c) {
		case 'd':
			cfg.duration_s = (uint32_t)parse_num(optname, optarg, 1, 604800);
			break;
		case 'i':
			cfg.interval_s = (uint32_t)parse_num(optname, optarg, 0, 3600);
			break;
		case 'q':
			cfg.quiet = true;
			break;
		case 'j':
			cfg.json = true;
			break;
		case 'h':
			usage();
			exit(0);
		case 'm':
			cfg.mode = parse_name(optname, optarg, mode_names, MODE_COUNT);
			break;
		case 'l':
			if (!parse_ip(optarg, &cfg.addr))
				usage_error("%s: bad address '%s'", optname, optarg);
			break;
		case 'p':
			parse_ports(optname, optarg, &cfg.port_lo, &cfg.port_hi);
			have_port = true;
			break;
		case 'b':
			cfg.backlog = (uint32_t)parse_num(optname, optarg, 1, 65535);
			have_backlog = true;
			break;
		case OPT_ACCEPT_RATE:
			cfg.accept_rate = (uint32_t)parse_num(optname, optarg, 0, 1000000);
			have_accept_rate = true;
			break;
		case OPT_WAIT_DATA:
			cfg.wait_data = true;
			break;
		case OPT_MAX_CONNS:
			cfg.max_conns = (uint32_t)parse_num(optname, optarg, 1, 16000000);
			break;
		case 't':
			parse_target(optname, optarg);
			have_target = true;
			break;
		case 'n':
			cfg.conns = (uint32_t)parse_num(optname, optarg, 1, 16000000);
			break;
		case 'r':
			cfg.rate = (uint32_t)parse_num(optname, optarg, 0, 10000000);
			break;
		case 'N':
			cfg.total = parse_num(optname, optarg, 0, UINT64_MAX);
			break;
		case 'H':
			cfg.hold_ms = (uint32_t)parse_num(optname, optarg, 0, 86400000);
			have_hold = true;
			break;
		case 'c':
			cfg.close = parse_name(optname, optarg, close_names, CLOSE_COUNT);
			break;
		case 's':
			cfg.send = (uint32_t)parse_num(optname, optarg, 0, 1U << 30);
			break;
		case OPT_NO_ECHO:
			cfg.no_echo = true;
			break;
		case 'S':
			parse_src(optname, optarg, &cfg.src);
			break;
		case OPT_CONNECT_TIMEOUT:
			cfg.connect_timeout_ms = (uint32_t)parse_num(optname, optarg, 0, 86400000);
			break;
		case OPT_IO_TIMEOUT:
			cfg.io_timeout_ms = (uint32_t)parse_num(optname, optarg, 1, 86400000);
			break;
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);

	/* Required options and conflicts. */
	if (cfg.role == ROLE_SERVER) {
		if (!have_port)
			usage_error("server needs --port");
		if (have_accept_rate && cfg.mode != MODE_SLOW_ACCEPT)
			usage_error("--accept-rate needs --mode slow-accept");
		if (cfg.wait_data && cfg.mode != MODE_CLOSE_FIRST &&
		    cfg.mode != MODE_RST)
			usage_error("--wait-data needs --mode close-first or rst");
		if (cfg.mode == MODE_SLOW_ACCEPT && !have_backlog)
			cfg.backlog = 4;
	} else {
		if (!have_target)
			usage_error("client needs --target ADDR:PORT");
		if (cfg.close == CLOSE_NONE && have_hold)
			usage_error("--hold conflicts with --close none (never closed)");
		if (cfg.no_echo && !cfg.send)
			usage_error("--no-echo needs --send");
		if (cfg.src.count && cfg.src.first.family != cfg.addr.family)
			usage_error("--src and --target are of different address families");
		if (cfg.total && cfg.total < cfg.conns)
			cfg.conns = (uint32_t)cfg.total;	/* never more */
	}
	if (cfg.quiet)
		cfg.interval_s = 0;
}

/* ------------------------------------------------------------------ */
/* Setup                                                               */
/* ------------------------------------------------------------------ */

static uint64_t read_nr_open(void)
{
	unsigned long long v = 0;
	FILE *f = fopen("/proc/sys/fs/nr_open", "r");

	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

/*
 * Make RLIMIT_NOFILE at least @need: raise the soft limit, and the hard limit
 * too when privileged (never beyond fs.nr_open, which the kernel enforces).
 * @need == 0 means "as many as possible, up to SERVER_MAX_FDS".
 * The soft limit ends up exactly at the returned number of fds we keep state
 * for, so every fd the kernel hands out indexes conns[].
 */
static uint64_t raise_fd_limit(uint64_t need)
{
	uint64_t nr_open = read_nr_open();
	bool as_many = !need;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		fatal("getrlimit: %s", strerror(errno));
	if (as_many) {
		need = SERVER_MAX_FDS;
		if (nr_open && nr_open < need)
			need = nr_open;
	}
	if (rl.rlim_cur >= need) {
		/* Lower it to what we size for: the kernel then keeps fd < need. */
		rl.rlim_cur = need;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			fatal("setrlimit: %s", strerror(errno));
		return need;
	}
	if (rl.rlim_max < need) {
		struct rlimit want = { need, need };

		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			return need;
		if (as_many)
			need = rl.rlim_max;	/* unprivileged: take what there is */
	}
	rl.rlim_cur = need;
	if (rl.rlim_max >= need && setrlimit(RLIMIT_NOFILE, &rl) == 0)
		return need;
	if (getrlimit(RLIMIT_NOFILE, &rl))
		fatal("getrlimit: %s", strerror(errno));
	fatal("need %" PRIu64 " file descriptors, have %llu (hard limit %llu, "
	      "fs.nr_open %" PRIu64 "): raise ulimit -n (the hard limit needs "
	      "root or CAP_SYS_RESOURCE, at most fs.nr_open), "
	      "or use fewer connections",
	      need, (unsigned long long)rl.rlim_cur,
	      (unsigned long long)rl.rlim_max, nr_open);
	return 0;
}

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void setup_common(uint64_t fds_needed)
{
	struct sigaction sa;
	int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	nconns = raise_fd_limit(fds_needed);
	conns = calloc(nconns, sizeof(*conns));
	if (!conns)
		fatal("cannot allocate state for %zu fds", nconns);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		fatal("epoll_create1: %s", strerror(errno));
	for (i = 0; i < TL_COUNT; i++)
		timers[i].head = timers[i].tail = -1;
	timers[TL_CONNECT].delay = cfg.connect_timeout_ms;
	timers[TL_IO].delay = cfg.io_timeout_ms;
	timers[TL_HOLD].delay = cfg.hold_ms;
	timers[TL_HALF].delay = cfg.io_timeout_ms;
	memset(io_buf, 'L', sizeof(io_buf));
	start_ms = now_ms();
}

/* Fill a socket address for @ip + @offset and @port; returns its length. */
static socklen_t make_sockaddr(struct sockaddr_storage *ss, const struct ip *ip,
			       uint64_t offset, uint16_t port)
{
	uint64_t lo = ip->lo + offset, hi = ip->hi + (lo < ip->lo);
	int i;

	memset(ss, 0, sizeof(*ss));
	if (ip->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl((uint32_t)lo);
		sin->sin_port = htons(port);
		return sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		for (i = 0; i < 8; i++) {
			sin6->sin6_addr.s6_addr[i] = (uint8_t)(hi >> (56 - 8 * i));
			sin6->sin6_addr.s6_addr[i + 8] = (uint8_t)(lo >> (56 - 8 * i));
		}
		sin6->sin6_port = htons(port);
		return sizeof(*sin6);
	}
}

/* ------------------------------------------------------------------ */
/* Connection table, epoll interest and timers                         */
/* ------------------------------------------------------------------ */

/* Set the epoll interest of @fd to @ev (EPOLLIN/EPOLLOUT, 0 = none). */
static void set_events(int fd, uint8_t ev)
{
	struct conn *c = &conns[fd];
	struct epoll_event e = { .events = ev, .data.fd = fd };
	int op;

	if (c->events == ev)
		return;
	op = !c->events ? EPOLL_CTL_ADD : !ev ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
	if (epoll_ctl(epfd, op, fd, &e))
		fatal("epoll_ctl(fd %d): %s", fd, strerror(errno));
	c->events = ev;
}

static void timer_cancel(int fd)
{
	struct conn *c = &conns[fd];
	struct tlist *l;

	if (c->timer == TL_NONE)
		return;
	l = &timers[c->timer];
	if (c->prev >= 0)
		conns[c->prev].next = c->next;
	else
		l->head = c->next;
	if (c->next >= 0)
		conns[c->next].prev = c->prev;
	else
		l->tail = c->prev;
	c->prev = c->next = -1;
	c->timer = TL_NONE;
}

/* Arm timer list @t for @fd; the deadline is now + the list's fixed delay. */
static void timer_arm(int fd, enum timer_list t, uint32_t now)
{
	struct conn *c = &conns[fd];
	struct tlist *l = &timers[t];

	timer_cancel(fd);
	c->timer = t;
	c->deadline = now + l->delay;
	c->next = -1;
	c->prev = l->tail;
	if (l->tail >= 0)
		conns[l->tail].next = fd;
	else
		l->head = fd;
	l->tail = fd;
}

/* Take a fresh slot for @fd. */
static void conn_init(int fd, enum conn_state state)
{
	struct conn *c = &conns[fd];

	memset(c, 0, sizeof(*c));
	c->prev = c->next = -1;
	c->timer = TL_NONE;
	c->state = state;
	if (state != CS_LISTENER) {
		st.live++;
		if (st.live > st.peak_live)
			st.peak_live = st.live;
	}
}

/* Close @fd, with an RST if @abort; closing also drops it from epoll. */
static void conn_close(int fd, bool abort)
{
	struct conn *c = &conns[fd];

	if (abort) {
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };

		if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == 0)
			st.resets++;
	}
	timer_cancel(fd);
	close(fd);
	if (c->established)
		st.closed++;
	st.live--;
	c->state = CS_FREE;
	c->events = 0;
}

static void conn_fail(int fd, enum phase ph, int e)
{
	count_error(ph, e);
	conn_close(fd, false);
}

/*
 * Receive and count what is readable, up to MAX_READS reads.  Returns 0 at
 * EOF, -1 when nothing more is readable or on error (then @fd was closed),
 * 1 when it stopped early: read cap, or a client echo just completed.
 */
static int read_some(int fd)
{
	struct conn *c = &conns[fd];
	ssize_t n;
	int i;

	for (i = 0; i < MAX_READS; i++) {
		n = recv(fd, io_buf, sizeof(io_buf), 0);
		if (n > 0) {
			st.rx += (uint64_t)n;
			c->rcvd = c->rcvd + (uint32_t)n < c->rcvd ?
				  UINT32_MAX : c->rcvd + (uint32_t)n;
			if (c->state == CS_ECHO_WAIT && c->rcvd >= cfg.send)
				return 1;
			continue;
		}
		if (n == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			conn_fail(fd, PH_IO, errno);
		return -1;
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* Client                                                              */
/* ------------------------------------------------------------------ */

static void client_hold(int fd, uint32_t now);

/* The hold time is over: close in the configured style. */
static void client_finish(int fd, uint32_t now)
{
	struct conn *c = &conns[fd];

	switch (cfg.close) {
	case CLOSE_FIN:
		conn_close(fd, false);
		break;
	case CLOSE_RST:
		conn_close(fd, true);
		break;
	case CLOSE_HALF:
		if (shutdown(fd, SHUT_WR)) {
			conn_fail(fd, PH_IO, errno);
			break;
		}
		c->state = CS_HALF;
		set_events(fd, EPOLLIN);
		timer_arm(fd, TL_HALF, now);
		break;
	case CLOSE_NONE:
	case CLOSE_COUNT:
		break;
	}
}

/* Payload done (or none): hold the connection, or close it now. */
static void client_hold(int fd, uint32_t now)
{
	struct conn *c = &conns[fd];

	timer_cancel(fd);
	c->state = CS_HOLDING;
	set_events(fd, EPOLLIN);
	if (cfg.close == CLOSE_NONE)
		return;
	if (!cfg.hold_ms)
		client_finish(fd, now);
	else
		timer_arm(fd, TL_HOLD, now);
}

/* Send as much of the payload as the socket takes. */
static void client_send(int fd, uint32_t now)
{
	struct conn *c = &conns[fd];
	ssize_t n;

	while (c->sent < cfg.send) {
		size_t len = cfg.send - c->sent;

		if (len > sizeof(io_buf))
			len = sizeof(io_buf);
		n = send(fd, io_buf, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				set_events(fd, EPOLLIN | EPOLLOUT);
				return;
			}
			conn_fail(fd, PH_IO, errno);
			return;
		}
		c->sent += (uint32_t)n;
		st.tx += (uint64_t)n;
	}
	if (cfg.no_echo) {
		client_hold(fd, now);
		return;
	}
	c->state = CS_ECHO_WAIT;
	set_events(fd, EPOLLIN);
	if (c->rcvd >= cfg.send)
		client_hold(fd, now);
}

static void client_established(int fd, uint32_t now)
{
	struct conn *c = &conns[fd];

	timer_cancel(fd);
	c->established = 1;
	st.established++;
	if (!cfg.send) {
		client_hold(fd, now);
		return;
	}
	c->state = CS_SENDING;
	timer_arm(fd, TL_IO, now);
	client_send(fd, now);
}

/* Start one connection attempt; false if it failed synchronously. */
static bool client_open(uint32_t now)
{
	struct sockaddr_storage ss;
	socklen_t len;
	uint16_t port;
	int fd, one = 1;

	st.attempted++;
	fd = socket(cfg.addr.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		count_error(PH_SOCKET, errno);
		return false;
	}
	conn_init(fd, CS_CONNECTING);

	if (cfg.src.count) {
		len = make_sockaddr(&ss, &cfg.src.first, cfg.src.next, 0);
		if (++cfg.src.next == cfg.src.count)
			cfg.src.next = 0;
		/* Defer the port choice to connect(), per 4-tuple. */
		setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&ss, len)) {
			conn_fail(fd, PH_BIND, errno);
			return false;
		}
	}

	port = (uint16_t)(cfg.port_lo + next_port);
	if (++next_port > (uint32_t)(cfg.port_hi - cfg.port_lo))
		next_port = 0;
	len = make_sockaddr(&ss, &cfg.addr, 0, port);
	if (connect(fd, (struct sockaddr *)&ss, len) == 0) {
		client_established(fd, now);
		return true;
	}
	if (errno != EINPROGRESS) {
		conn_fail(fd, PH_CONNECT, errno);
		return false;
	}
	set_events(fd, EPOLLOUT);
	if (cfg.connect_timeout_ms)
		timer_arm(fd, TL_CONNECT, now);
	return true;
}

/* Asynchronous connect finished (EPOLLOUT or an error). */
static void client_connected(int fd, uint32_t now)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
		err = errno;
	if (!err) {
		client_established(fd, now);
		return;
	}
	/*
	 * tcp_reset() reports ECONNREFUSED in SYN_SENT; ECONNRESET or EPIPE
	 * mean the handshake completed and the peer reset it before we got
	 * here (e.g. the rst server), so it counts as established.
	 */
	if (err == ECONNRESET || err == EPIPE) {
		conns[fd].established = 1;
		st.established++;
		conn_fail(fd, PH_IO, err);
		return;
	}
	conn_fail(fd, PH_CONNECT, err);
}

/* The peer closed its side (read returned 0). */
static void client_eof(int fd)
{
	struct conn *c = &conns[fd];

	switch (c->state) {
	case CS_SENDING:
	case CS_ECHO_WAIT:
		conn_fail(fd, PH_ECHO, ERR_EOF);
		break;
	case CS_HOLDING:
		st.peer_fin++;
		if (cfg.close == CLOSE_NONE) {
			/* Keep our side open: CLOSE_WAIT until exit. */
			set_events(fd, 0);
			c->state = CS_KEPT;
		} else {
			conn_close(fd, cfg.close == CLOSE_RST);
		}
		break;
	case CS_HALF:
		st.peer_fin++;
		conn_close(fd, false);
		break;
	default:
		break;
	}
}

static void client_event(int fd, uint32_t ev, uint32_t now)
{
	struct conn *c = &conns[fd];
	int r;

	if (c->state == CS_CONNECTING) {
		client_connected(fd, now);
		return;
	}
	if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
		r = read_some(fd);
		if (r == 0) {
			client_eof(fd);
			return;
		}
		if (c->state == CS_FREE)
			return;
		if (c->state == CS_ECHO_WAIT && c->rcvd >= cfg.send) {
			client_hold(fd, now);
			return;
		}
	}
	if ((ev & EPOLLOUT) && c->state == CS_SENDING)
		client_send(fd, now);
}

/* Expire due timers; returns ms until the next deadline (UINT32_MAX: none). */
static uint32_t run_timers(uint32_t now)
{
	uint32_t wait = UINT32_MAX;
	int t, fd;

	for (t = 0; t < TL_COUNT; t++) {
		while ((fd = timers[t].head) >= 0 &&
		       (int32_t)(conns[fd].deadline - now) <= 0) {
			timer_cancel(fd);
			switch (t) {
			case TL_CONNECT:
				conn_fail(fd, PH_CONNECT, ERR_TIMEOUT);
				break;
			case TL_IO:
				conn_fail(fd, PH_ECHO, ERR_TIMEOUT);
				break;
			case TL_HOLD:
				client_finish(fd, now);
				break;
			case TL_HALF:
				conn_fail(fd, PH_HALF, ERR_TIMEOUT);
				break;
			}
		}
		if (fd >= 0 && conns[fd].deadline - now < wait)
			wait = conns[fd].deadline - now;
	}
	return wait;
}

/* Refill the pacing credit at @rate per second, keeping at most 50 ms worth. */
static void pace_refill(uint32_t rate, uint32_t now)
{
	double cap = rate / 20.0 > 1.0 ? rate / 20.0 : 1.0;

	pace_credit += (double)(now - pace_last_ms) * rate / 1000.0;
	if (pace_credit > cap)
		pace_credit = cap;
	pace_last_ms = now;
}

/* Milliseconds until the pacing credit reaches one operation. */
static uint32_t pace_wait(uint32_t rate)
{
	return (uint32_t)((1.0 - pace_credit) * 1000.0 / rate) + 1;
}

/*
 * Open as many connections as --conns, --rate and --total allow now.
 * Returns ms until more may be opened (0: at once, UINT32_MAX: only when
 * a connection ends).
 */
static uint32_t client_open_more(uint32_t now)
{
	int batch = 0;

	if (cfg.rate)
		pace_refill(cfg.rate, now);
	if (now < open_not_before)
		return open_not_before - now;
	while (st.live < cfg.conns && (!cfg.total || st.attempted < cfg.total)) {
		if (batch++ == OPEN_BATCH)
			return 0;	/* let events in; continue at once */
		if (cfg.rate) {
			if (pace_credit < 1.0)
				return pace_wait(cfg.rate);
			pace_credit -= 1.0;
		}
		if (!client_open(now)) {
			/* Back off 1 ms so that a persistent error cannot spin. */
			open_not_before = now + 1;
			return 1;
		}
	}
	return UINT32_MAX;
}

/* ------------------------------------------------------------------ */
/* Server                                                              */
/* ------------------------------------------------------------------ */

static void listeners_arm(bool on)
{
	unsigned int i;

	if (on == listeners_armed)
		return;
	for (i = 0; i < nlisteners; i++)
		set_events(listeners[i], on ? EPOLLIN : 0);
	listeners_armed = on;
}

/* Below --max-conns: accepting more is allowed. */
static bool server_has_room(void)
{
	return !cfg.max_conns || st.live < cfg.max_conns;
}

static void server_listen(void)
{
	struct sockaddr_storage ss;
	unsigned int i;
	socklen_t len;
	int fd, one = 1;

	nlisteners = (unsigned int)(cfg.port_hi - cfg.port_lo) + 1;
	listeners = calloc(nlisteners, sizeof(*listeners));
	if (!listeners)
		fatal("out of memory");
	for (i = 0; i < nlisteners; i++) {
		uint16_t port = (uint16_t)(cfg.port_lo + i);

		fd = socket(cfg.addr.family, SOCK_STREAM | SOCK_NONBLOCK |
			    SOCK_CLOEXEC, 0);
		if (fd < 0)
			fatal("socket: %s", strerror(errno));
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		len = make_sockaddr(&ss, &cfg.addr, 0, port);
		if (bind(fd, (struct sockaddr *)&ss, len))
			fatal("bind port %u: %s", port, strerror(errno));
		if (listen(fd, (int)cfg.backlog))
			fatal("listen port %u: %s", port, strerror(errno));
		conn_init(fd, CS_LISTENER);
		listeners[i] = fd;
	}
}

/* Echo what is readable: peek, send what fits, then consume that much. */
static void server_echo(int fd)
{
	struct conn *c = &conns[fd];
	ssize_t n, w;
	int i;

	for (i = 0; i < MAX_READS; i++) {
		n = recv(fd, io_buf, sizeof(io_buf), MSG_PEEK);
		if (n == 0) {
			st.peer_fin++;
			conn_close(fd, false);
			return;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				conn_fail(fd, PH_IO, errno);
			return;
		}
		w = send(fd, io_buf, (size_t)n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				conn_fail(fd, PH_IO, errno);
				return;
			}
			w = 0;
		}
		if (w > 0) {
			/* Consume what was sent: it is queued, so all of it comes. */
			errno = 0;
			if (recv(fd, io_buf, (size_t)w, 0) != w) {
				conn_fail(fd, PH_IO, errno ? errno : EPROTO);
				return;
			}
			st.rx += (uint64_t)w;
			st.tx += (uint64_t)w;
		}
		if (w < n) {
			/* Send buffer full: stop reading until it drains. */
			c->state = CS_ECHO_BLOCKED;
			set_events(fd, EPOLLOUT);
			return;
		}
	}
}

/* never-close: discard data; at EOF stop watching but keep the socket. */
static void server_drain(int fd)
{
	struct conn *c = &conns[fd];

	if (read_some(fd) != 0)
		return;
	st.peer_fin++;
	st.leaked++;
	set_events(fd, 0);
	c->state = CS_LEAKED;
}

/* Handle a freshly accepted connection according to the mode. */
static void server_accepted(int fd)
{
	struct conn *c;

	conn_init(fd, CS_ECHO);
	c = &conns[fd];
	c->established = 1;
	st.established++;
	switch (cfg.mode) {
	case MODE_ECHO:
	case MODE_SLOW_ACCEPT:
		set_events(fd, EPOLLIN);
		break;
	case MODE_NEVER_CLOSE:
		c->state = CS_DRAIN;
		set_events(fd, EPOLLIN);
		break;
	case MODE_CLOSE_FIRST:
	case MODE_RST:
		if (cfg.wait_data) {
			c->state = CS_WAIT_DATA;
			set_events(fd, EPOLLIN);
		} else {
			conn_close(fd, cfg.mode == MODE_RST);
		}
		break;
	case MODE_COUNT:
		break;
	}
}

/* Accept up to @max connections from @lfd; returns how many. */
static unsigned int server_accept(int lfd, unsigned int max, uint32_t now)
{
	unsigned int n = 0;
	int fd;

	while (n < max && server_has_room()) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			count_error(PH_ACCEPT, errno);
			if (errno == ECONNABORTED || errno == EPROTO)
				continue;
			/* EMFILE, ENFILE, ENOBUFS, ENOMEM: back off. */
			accept_pause_until = now + ACCEPT_PAUSE_MS;
			break;
		}
		n++;
		server_accepted(fd);
	}
	return n;
}

/* slow-accept: accept --accept-rate connections per second, round-robin. */
static uint32_t server_slow_accept(uint32_t now)
{
	static unsigned int next;	/* listener to try first */
	unsigned int idle = 0, batch = 0;

	if (!cfg.accept_rate)
		return UINT32_MAX;
	pace_refill(cfg.accept_rate, now);
	while (pace_credit >= 1.0 && idle < nlisteners &&
	       batch++ < ACCEPT_BATCH) {
		if (server_accept(listeners[next], 1, now)) {
			pace_credit -= 1.0;
			idle = 0;
		} else {
			idle++;
		}
		next = (next + 1) % nlisteners;
	}
	if (pace_credit >= 1.0) {
		pace_credit = 1.0;	/* queues empty: do not bank more */
		return 1000 / cfg.accept_rate + 1;
	}
	return pace_wait(cfg.accept_rate);
}

static void server_event(int fd, uint32_t ev, uint32_t now)
{
	struct conn *c = &conns[fd];

	switch (c->state) {
	case CS_LISTENER:
		server_accept(fd, ACCEPT_BATCH, now);
		break;
	case CS_ECHO:
		server_echo(fd);
		break;
	case CS_ECHO_BLOCKED:
		if (ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)) {
			c->state = CS_ECHO;
			set_events(fd, EPOLLIN);
			server_echo(fd);
		}
		break;
	case CS_DRAIN:
		server_drain(fd);
		break;
	case CS_WAIT_DATA:
		/* Consume the data first, so that close() sends a FIN. */
		if (read_some(fd) == 0)
			st.peer_fin++;
		if (c->state != CS_FREE)
			conn_close(fd, cfg.mode == MODE_RST);
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------------ */
/* Reports                                                             */
/* ------------------------------------------------------------------ */

static void print_errors(FILE *f, bool json)
{
	bool first = true;
	int ph;
	unsigned int s;

	for (ph = 0; ph < PH_COUNT; ph++)
		for (s = 1; s < ERR_SLOTS; s++) {
			if (!st.err[ph][s])
				continue;
			if (json)
				fprintf(f, "%s\"%s:%s\":%" PRIu64, first ? "" : ",",
					phase_names[ph], err_name(s), st.err[ph][s]);
			else
				fprintf(f, " %s:%s=%" PRIu64, phase_names[ph],
					err_name(s), st.err[ph][s]);
			first = false;
		}
}

/* One line of counters; @rate is connections per second. */
static void print_line(FILE *f, double t, double rate)
{
	if (cfg.role == ROLE_CLIENT)
		fprintf(f, "[%7.1fs] client conn/s=%.0f live=%" PRIu64
			" attempted=%" PRIu64 " established=%" PRIu64
			" closed=%" PRIu64 " peer_fin=%" PRIu64 " errors=%" PRIu64,
			t, rate, st.live, st.attempted, st.established,
			st.closed, st.peer_fin, st.errors);
	else
		fprintf(f, "[%7.1fs] server %s accept/s=%.0f live=%" PRIu64
			" accepted=%" PRIu64 " closed=%" PRIu64
			" peer_fin=%" PRIu64 " leaked=%" PRIu64 " resets=%" PRIu64
			" errors=%" PRIu64, t, mode_names[cfg.mode], rate,
			st.live, st.established, st.closed, st.peer_fin,
			st.leaked, st.resets, st.errors);
	print_errors(f, false);
	fputc('\n', f);
	fflush(f);
}

static void print_json(double t, const char *why)
{
	printf("{\"role\":\"%s\",", cfg.role == ROLE_CLIENT ? "client" : "server");
	if (cfg.role == ROLE_SERVER)
		printf("\"mode\":\"%s\",", mode_names[cfg.mode]);
	else
		printf("\"close\":\"%s\",\"attempted\":%" PRIu64 ",",
		       close_names[cfg.close], st.attempted);
	printf("\"stop\":\"%s\",\"elapsed_s\":%.3f,\"conn_per_s\":%.1f,"
	       "\"%s\":%" PRIu64 ",\"closed\":%" PRIu64 ",\"live\":%" PRIu64
	       ",\"peak_live\":%" PRIu64 ",\"peer_fin\":%" PRIu64
	       ",\"leaked\":%" PRIu64 ",\"resets\":%" PRIu64
	       ",\"rx_bytes\":%" PRIu64 ",\"tx_bytes\":%" PRIu64
	       ",\"error_total\":%" PRIu64 ",\"errors\":{",
	       why, t, t > 0 ? st.established / t : 0.0,
	       cfg.role == ROLE_CLIENT ? "established" : "accepted",
	       st.established, st.closed, st.live, st.peak_live, st.peer_fin,
	       st.leaked, st.resets, st.rx, st.tx, st.errors);
	print_errors(stdout, true);
	printf("}}\n");
	fflush(stdout);
}

/* ------------------------------------------------------------------ */
/* Main loop                                                           */
/* ------------------------------------------------------------------ */

/*
 * The run's exit status: a client that attempted connections and
 * established none has failed (no server, or every SYN lost); errors
 * beside established connections are the load, counted, not a failure.
 */
static int run(void)
{
	static struct epoll_event evs[MAX_EVENTS];
	uint64_t end = (uint64_t)cfg.duration_s * 1000;
	uint64_t interval = (uint64_t)cfg.interval_s * 1000;
	uint64_t next_report = interval, last_est = 0, last_report = 0;
	const char *why = "duration";
	uint32_t now, wait, w;
	size_t fd;
	int i, n;

	for (;;) {
		now = rel_ms();
		if (stop_signal) {
			why = "signal";
			break;
		}
		if (now >= end)
			break;

		wait = run_timers(now);
		if (cfg.role == ROLE_CLIENT) {
			w = client_open_more(now);
			if (w < wait)
				wait = w;
			if (cfg.total && st.attempted >= cfg.total && !st.live) {
				why = "total";
				break;
			}
		} else {
			if (accept_pause_until && now >= accept_pause_until)
				accept_pause_until = 0;
			if (accept_pause_until && accept_pause_until - now < wait)
				wait = (uint32_t)(accept_pause_until - now);
			/* slow-accept polls the listeners on its own schedule. */
			if (cfg.mode != MODE_SLOW_ACCEPT)
				listeners_arm(!accept_pause_until &&
					      server_has_room());
			else if (!accept_pause_until) {
				w = server_slow_accept(now);
				if (w < wait)
					wait = w;
			}
		}

		if (interval && now >= next_report) {
			double dt = (now - last_report) / 1000.0;

			print_line(stderr, now / 1000.0,
				   dt > 0 ? (st.established - last_est) / dt : 0);
			last_est = st.established;
			last_report = now;
			while (next_report <= now)
				next_report += interval;
		}
		if (interval && next_report - now < wait)
			wait = (uint32_t)(next_report - now);
		if (end - now < wait)
			wait = (uint32_t)(end - now);
		if (wait > MAX_WAIT_MS)
			wait = MAX_WAIT_MS;

		n = epoll_wait(epfd, evs, MAX_EVENTS, (int)wait);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fatal("epoll_wait: %s", strerror(errno));
		}
		now = rel_ms();
		for (i = 0; i < n; i++) {
			int efd = evs[i].data.fd;

			if (conns[efd].state == CS_FREE)
				continue;
			if (cfg.role == ROLE_CLIENT)
				client_event(efd, evs[i].events, now);
			else
				server_event(efd, evs[i].events, now);
		}
	}

	now = rel_ms();
	if (cfg.json)
		print_json(now / 1000.0, why);
	else
		print_line(stdout, now / 1000.0,
			   now ? st.established * 1000.0 / now : 0);

	/* Release everything; a client closing with --close rst aborts. */
	for (fd = 0; fd < nconns; fd++)
		if (conns[fd].state != CS_FREE && conns[fd].state != CS_LISTENER)
			conn_close((int)fd, cfg.role == ROLE_CLIENT &&
				   cfg.close == CLOSE_RST);
	for (i = 0; i < (int)nlisteners; i++)
		close(listeners[i]);
	if (cfg.role == ROLE_CLIENT && st.attempted && !st.established) {
		fprintf(stderr, PROG ": no connection was established (%" PRIu64
			" attempted; errors:", st.attempted);
		print_errors(stderr, false);
		fprintf(stderr, ")\n");
		return EXIT_RUNTIME;
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t need;
	int rc;

	parse_args(argc, argv);
	if (cfg.role == ROLE_CLIENT) {
		need = (uint64_t)cfg.conns + FD_RESERVE;
	} else {
		need = cfg.max_conns ? (uint64_t)cfg.max_conns + FD_RESERVE +
			(cfg.port_hi - cfg.port_lo + 1) : 0;
	}
	setup_common(need);
	if (cfg.role == ROLE_SERVER)
		server_listen();
	rc = run();
	free(conns);
	free(listeners);
	close(epfd);
	return rc;
}
