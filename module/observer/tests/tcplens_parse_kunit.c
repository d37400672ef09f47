// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the observer's packet parser (module/observer/core/tcplens_parse.c):
 * crafted IPv4 and IPv6 packets, every malformation the parser names,
 * every TCP option form, extension header chains and fragments, and a
 * truncation sweep. tcplens_pkt_read() is defined here over a byte array
 * and counts any read the parser attempts outside the packet: there must
 * be none, since the parser checks offsets before it reads.
 */
#include "../core/tcplens_parse.c"

#include <kunit/test.h>

/* The packet tcplens_pkt_read() serves. */
struct tpkt {
	const u8 *data;
	unsigned int len;
	bool copy;		/* serve through the caller's buffer */
	unsigned int *oob;	/* out-of-bounds reads attempted */
};

const void *tcplens_pkt_read(const void *pkt, unsigned int off,
			     unsigned int len, void *buf)
{
	const struct tpkt *t = pkt;

	if (off > t->len || len > t->len - off) {
		(*t->oob)++;
		return NULL;
	}
	if (!t->copy)
		return t->data + off;
	memcpy(buf, t->data + off, len);
	return buf;
}

#define BUF_LEN		256	/* room for every crafted packet */
#define SPORT		40000
#define DPORT		443
#define SEQ		0xfedcba98u
#define ACK		0x01234567u
#define WINDOW		29200
#define IPPROTO_TCP_	6
#define IPPROTO_UDP_	17
#define NH_HOP		0
#define NH_ROUTING	43
#define NH_FRAG		44
#define NH_ESP		50
#define NH_AH		51
#define NH_NONE		59
#define NH_DEST		60

static const u8 saddr4[4] = { 192, 0, 2, 1 };
static const u8 daddr4[4] = { 198, 51, 100, 2 };
static const u8 saddr6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const u8 daddr6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 2 };

static void put16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(u8 *p, u32 v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

/* A TCP header with @optlen (multiple of 4) option bytes and payload. */
static unsigned int put_tcp(u8 *p, u8 flags, const u8 *opt,
			    unsigned int optlen, unsigned int payload)
{
	unsigned int hlen = 20 + optlen;

	memset(p, 0, hlen);
	put16(p, SPORT);
	put16(p + 2, DPORT);
	put32(p + 4, SEQ);
	put32(p + 8, ACK);
	p[12] = (hlen / 4) << 4;
	p[13] = flags;
	put16(p + 14, WINDOW);
	if (optlen)
		memcpy(p + 20, opt, optlen);
	memset(p + hlen, 0xab, payload);
	return hlen + payload;
}

/* An IPv4 header of @ihl bytes (options are NOPs) for @l4len bytes. */
static unsigned int put_ipv4(u8 *p, unsigned int ihl, u8 proto,
			     unsigned int l4len)
{
	memset(p, 0, ihl);
	memset(p + 20, 1, ihl - 20);
	p[0] = 0x40 | ihl / 4;
	put16(p + 2, ihl + l4len);
	put16(p + 6, 0x4000);	/* DF */
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, saddr4, 4);
	memcpy(p + 16, daddr4, 4);
	return ihl;
}

static unsigned int put_ipv6(u8 *p, u8 nexthdr, unsigned int plen)
{
	memset(p, 0, 40);
	p[0] = 0x60;
	put16(p + 4, plen);
	p[6] = nexthdr;
	p[7] = 64;
	memcpy(p + 8, saddr6, 16);
	memcpy(p + 24, daddr6, 16);
	return 40;
}

/* A generic extension header of (@len8 + 1) * 8 bytes (padding inside). */
static unsigned int put_ext(u8 *p, u8 next, u8 len8)
{
	unsigned int hlen = (len8 + 1) * 8;

	memset(p, 0, hlen);
	p[0] = next;
	p[1] = len8;
	p[2] = 1;		/* PadN option covering the rest */
	p[3] = hlen - 4;
	return hlen;
}

static unsigned int put_frag(u8 *p, u8 next, u16 offset8, bool more)
{
	memset(p, 0, 8);
	p[0] = next;
	put16(p + 2, offset8 << 3 | more);
	put32(p + 4, 0x1234);
	return 8;
}

/* Parse @len bytes of @buf; no out-of-bounds read allowed. */
static enum tcplens_parse_result parse(struct kunit *test, int family,
				       const u8 *buf, unsigned int len,
				       struct tcplens_pkt *out)
{
	enum tcplens_parse_result res, res2;
	struct tcplens_pkt copy;
	unsigned int oob = 0;
	struct tpkt t = { .data = buf, .len = len, .oob = &oob };

	res = family == 4 ? tcplens_parse_ipv4(&t, len, out) :
			    tcplens_parse_ipv6(&t, len, out);
	/* same answer whether the reader copies or not */
	t.copy = true;
	res2 = family == 4 ? tcplens_parse_ipv4(&t, len, &copy) :
			     tcplens_parse_ipv6(&t, len, &copy);
	KUNIT_EXPECT_EQ(test, res, res2);
	KUNIT_EXPECT_TRUE(test, !memcmp(out, &copy, sizeof(copy)));
	KUNIT_EXPECT_EQ(test, oob, 0U);
	return res;
}

/* A complete IPv4 TCP packet; returns its length. */
static unsigned int v4_packet(u8 *buf, u8 flags, const u8 *opt,
			      unsigned int optlen, unsigned int payload)
{
	unsigned int l4 = 20 + optlen + payload;

	put_ipv4(buf, 20, IPPROTO_TCP_, l4);
	return 20 + put_tcp(buf + 20, flags, opt, optlen, payload);
}

static const u8 syn_opts[] = {
	2, 4, 0x05, 0xb4,			/* MSS 1460 */
	4, 2,					/* SACK permitted */
	8, 10, 0, 0, 0x12, 0x34, 0, 0, 0, 0,	/* TSval 0x1234, TSecr 0 */
	1,					/* NOP */
	3, 3, 7,				/* window scale 7 */
};

static void tcplens_parse_ipv4_syn(struct kunit *test)
{
	u8 buf[BUF_LEN];
	struct tcplens_pkt pkt;
	unsigned int len;

	len = v4_packet(buf, TCPLENS_TCP_SYN, syn_opts, sizeof(syn_opts), 0);
	KUNIT_ASSERT_EQ(test, parse(test, 4, buf, len, &pkt), TCPLENS_PARSE_OK);
	KUNIT_EXPECT_EQ(test, pkt.family, 4);
	KUNIT_EXPECT_TRUE(test, !memcmp(pkt.saddr.b, saddr4, 4));
	KUNIT_EXPECT_TRUE(test, !memcmp(pkt.daddr.b, daddr4, 4));
	KUNIT_EXPECT_EQ(test, pkt.saddr.w[1] | pkt.saddr.w[2] | pkt.saddr.w[3],
			0U);
	KUNIT_EXPECT_EQ(test, pkt.sport, SPORT);
	KUNIT_EXPECT_EQ(test, pkt.dport, DPORT);
	KUNIT_EXPECT_EQ(test, pkt.seq, SEQ);
	KUNIT_EXPECT_EQ(test, pkt.ack, ACK);
	KUNIT_EXPECT_EQ(test, pkt.flags, TCPLENS_TCP_SYN);
	KUNIT_EXPECT_EQ(test, pkt.window, WINDOW);
	KUNIT_EXPECT_EQ(test, pkt.doff, 10);
	KUNIT_EXPECT_EQ(test, pkt.l4_off, 20);
	KUNIT_EXPECT_EQ(test, pkt.payload_len, 0U);
	KUNIT_EXPECT_EQ(test, pkt.opts, TCPLENS_OPT_MSS | TCPLENS_OPT_SACK_PERM |
			TCPLENS_OPT_TS | TCPLENS_OPT_WSCALE);
	KUNIT_EXPECT_EQ(test, pkt.mss, 1460);
	KUNIT_EXPECT_EQ(test, pkt.wscale, 7);
	KUNIT_EXPECT_EQ(test, pkt.tsval, 0x1234U);
	KUNIT_EXPECT_EQ(test, pkt.tsecr, 0U);
	KUNIT_EXPECT_EQ(test, pkt.info, 0);
}

static void tcplens_parse_ipv4_layout(struct kunit *test)
{
	u8 buf[BUF_LEN];
	struct tcplens_pkt pkt;
	unsigned int l4;

	/* IP options (IHL 8) and 6 bytes of link padding after tot_len */
	l4 = put_tcp(buf + 32, TCPLENS_TCP_ACK | TCPLENS_TCP_PSH, NULL, 0, 100);
	put_ipv4(buf, 32, IPPROTO_TCP_, l4);
	memset(buf + 32 + l4, 0xee, 6);
	KUNIT_EXPECT_EQ(test, parse(test, 4, buf, 32 + l4 + 6, &pkt),
			TCPLENS_PARSE_OK);
	KUNIT_EXPECT_EQ(test, pkt.l4_off, 32);
	KUNIT_EXPECT_EQ(test, pkt.payload_len, 100U);
	KUNIT_EXPECT_EQ(test, pkt.flags, TCPLENS_TCP_ACK | TCPLENS_TCP_PSH);

	/* IHL 15: 40 bytes of IP options */
	l4 = put_tcp(buf + 60, TCPLENS_TCP_ACK, NULL, 0, 3);
	put_ipv4(buf, 60, IPPROTO_TCP_, l4);
	KUNIT_EXPECT_EQ(test, parse(test, 4, buf, 60 + l4, &pkt),
			TCPLENS_PARSE_OK);
	KUNIT_EXPECT_EQ(test, pkt.payload_len, 3U);
}

static void tcplens_parse_ipv4_malformed(struct kunit *test)
{
	u8 buf[BUF_LEN];
	struct tcplens_pkt pkt;
	unsigned int len;

	len = v4_packet(buf, TCPLENS_TCP_ACK, NULL, 0, 10);
	KUNIT_EXPECT_EQ(test, parse(test, 4, buf, 19, &pkt),
			TCPLENS_PARSE_IP_TRUNC);
	KUNIT_EXPECT_EQ(test, parse(test, 4, buf, 0, &pkt),
			TCPLENS_PARSE_IP_TRUNC);

	buf[0] = 0x65;
	KUNIT_EXPECT_EQ(test, parse(test, 4, buf, len, &pkt),
			TCPLENS_PARSE_IP_VERSION);
	buf[0] = 0x44;
	KUNIT_EXPECT_EQ(test, parse(test, 4, buf, len, &pkt),
			TCPLENS_PARSE_IP_IHL);
	buf[0] = 0x4f;	/* 60 bytes of header in a 50-byte packet */
	KUNIT_EXPECT_EQ(test, parse(test, 4, buf, len, &pkt),
			TCPLENS_PARSE_IP_IHL);
	buf[0] = 0x45;

	put16(buf + 2, len + 1);
	KUNIT_EXPECT_EQ(test, parse(test, 4, buf, len, &pkt),
			TCPLENS_PARSE_IP_LEN);
	put16(buf + 2, 19);
	KUNIT_EXPECT_EQ(test, parse(test, 4, buf, len, &pkt),
			TCPLENS_PARSE_IP_LEN);
	put16(buf + 2, 0);	/* BIG TCP only above 64k */
	KUNIT_EXPECT_EQ(test, parse(test, 4, buf, len, &pkt),
			TCPLENS_PARSE_IP_LEN);
	put16(buf + 2, 20 + 19);
	KUNIT_EXPECT_EQ(test, parse(test, 4, buf, len, &pkt),
			TCPLENS_PARSE_TCP_TRUNC);
	put16(buf + 2, len);

	buf[9] = IPPROTO_UDP_;
	KUNIT_EXPECT_EQ(test, parse(test, 4, buf, len, &pkt),
			TCPLENS_PARSE_NOT_TCP);
	buf[9] = IPPROTO_TCP_;

	buf[32] = 4 << 4;	/* data offset 4 */
	KUNIT_EXPECT_EQ(test, parse(test, 4, buf, len, &pkt),
			TCPLENS_PARSE_TCP_DOFF);
	buf[32] = 8 << 4;	/* 32 bytes of header in 30 */
	KUNIT_EXPECT_EQ(test, parse(test, 4, buf, len, &pkt),
			TCPLENS_PARSE_TCP_DOFF);
	buf[32] = 7 << 4;	/* 28 of 30: fits, payload read as options */
	KUNIT_EXPECT_EQ(test, parse(test, 4, buf, len, &pkt),
			TCPLENS_PARSE_OPT_OVERRUN);
	KUNIT_EXPECT_EQ(test, pkt.payload_len, 2U);
}

static void tcplens_parse_ipv4_fragments(struct kunit *test)
{
	u8 buf[BUF_LEN];
	struct tcplens_pkt pkt;
	unsigned int len;

	len = v4_packet(buf, TCPLENS_TCP_ACK, NULL, 0, 40);
	put16(buf + 6, 0x2000);		/* MF, offset 0: first fragment */
	KUNIT_EXPECT_EQ(test, parse(test, 4, buf, len, &pkt), TCPLENS_PARSE_OK);
	KUNIT_EXPECT_EQ(test, pkt.info, TCPLENS_PKT_FRAG);
	KUNIT_EXPECT_EQ(test, pkt.payload_len, 40U);

	put16(buf + 6, 0x2000 | 5);	/* MF, offset 40 */
	KUNIT_EXPECT_EQ(test, parse(test, 4, buf, len, &pkt),
			TCPLENS_PARSE_NOT_FIRST_FRAG);
	put16(buf + 6, 1);		/* last fragment */
	KUNIT_EXPECT_EQ(test, parse(test, 4, buf, len, &pkt),
			TCPLENS_PARSE_NOT_FIRST_FRAG);

	/* a first fragment too short for the TCP header */
	put16(buf + 6, 0x2000);
	put16(buf + 2, 28);
	KUNIT_EXPECT_EQ(test, parse(test, 4, buf, 28, &pkt),
			TCPLENS_PARSE_TCP_TRUNC);
}

static u8 big[70000];	/* an IPv4 BIG TCP / IPv6 jumbo packet */

static void tcplens_parse_jumbo(struct kunit *test)
{
	struct tcplens_pkt pkt;
	u8 *tcp;

	/* IPv4 BIG TCP: tot_len 0 for a packet above 64k */
	put_ipv4(big, 20, IPPROTO_TCP_, 0);
	put16(big + 2, 0);
	put_tcp(big + 20, TCPLENS_TCP_ACK, NULL, 0, 0);
	KUNIT_EXPECT_EQ(test, parse(test, 4, big, sizeof(big), &pkt),
			TCPLENS_PARSE_OK);
	KUNIT_EXPECT_EQ(test, pkt.info, TCPLENS_PKT_JUMBO);
	KUNIT_EXPECT_EQ(test, pkt.payload_len, sizeof(big) - 40U);

	/* IPv6: payload length 0 with a hop-by-hop header */
	put_ipv6(big, NH_HOP, 0);
	put_ext(big + 40, IPPROTO_TCP_, 0);
	tcp = big + 48;
	put_tcp(tcp, TCPLENS_TCP_ACK, NULL, 0, 0);
	KUNIT_EXPECT_EQ(test, parse(test, 6, big, sizeof(big), &pkt),
			TCPLENS_PARSE_OK);
	KUNIT_EXPECT_EQ(test, pkt.info, TCPLENS_PKT_JUMBO);
	KUNIT_EXPECT_EQ(test, pkt.payload_len, sizeof(big) - 68U);

	/* ... but without one it is an empty packet */
	put_ipv6(big, IPPROTO_TCP_, 0);
	KUNIT_EXPECT_EQ(test, parse(test, 6, big, sizeof(big), &pkt),
			TCPLENS_PARSE_TCP_TRUNC);
}

/* Parse an IPv4 packet whose TCP options are @opt (multiple of 4 long). */
static enum tcplens_parse_result parse_opts(struct kunit *test, const u8 *opt,
					    unsigned int optlen,
					    struct tcplens_pkt *pkt)
{
	u8 buf[BUF_LEN];
	unsigned int len;

	len = v4_packet(buf, TCPLENS_TCP_SYN, opt, optlen, 5);
	return parse(test, 4, buf, len, pkt);
}

#define OPTS(test, pkt, ...) ({						\
	static const u8 __o[] = { __VA_ARGS__ };			\
	BUILD_BUG_ON(sizeof(__o) % 4);					\
	parse_opts(test, __o, sizeof(__o), pkt);			\
})

static void tcplens_parse_tcp_options(struct kunit *test)
{
	struct tcplens_pkt pkt;

	/* EOL ends the list: what follows is not parsed */
	KUNIT_EXPECT_EQ(test, OPTS(test, &pkt, 0, 2, 4, 0), TCPLENS_PARSE_OK);
	KUNIT_EXPECT_EQ(test, pkt.opts, 0);
	KUNIT_EXPECT_EQ(test, pkt.payload_len, 5U);

	/* lengths 0 and 1 end parsing */
	KUNIT_EXPECT_EQ(test, OPTS(test, &pkt, 2, 0, 0, 0),
			TCPLENS_PARSE_OPT_LEN);
	KUNIT_EXPECT_EQ(test, OPTS(test, &pkt, 3, 1, 2, 4, 5, 0xb4, 1, 1),
			TCPLENS_PARSE_OPT_LEN);
	KUNIT_EXPECT_EQ(test, pkt.opts, 0);

	/* overrun: length byte missing, or length past the header */
	KUNIT_EXPECT_EQ(test, OPTS(test, &pkt, 1, 1, 1, 8),
			TCPLENS_PARSE_OPT_OVERRUN);
	KUNIT_EXPECT_EQ(test, OPTS(test, &pkt, 8, 10, 0, 0),
			TCPLENS_PARSE_OPT_OVERRUN);
	KUNIT_EXPECT_EQ(test, OPTS(test, &pkt, 2, 4, 5, 0xb4, 1, 3, 4, 0),
			TCPLENS_PARSE_OPT_OVERRUN);
	KUNIT_EXPECT_EQ(test, pkt.opts, TCPLENS_OPT_MSS);

	/* known kinds with a wrong length are skipped, parsing goes on */
	KUNIT_EXPECT_EQ(test, OPTS(test, &pkt, 2, 3, 5, 1),
			TCPLENS_PARSE_OPT_MSS);
	KUNIT_EXPECT_EQ(test, pkt.opts, 0);
	KUNIT_EXPECT_EQ(test, OPTS(test, &pkt, 3, 4, 7, 0),
			TCPLENS_PARSE_OPT_WSCALE);
	KUNIT_EXPECT_EQ(test, OPTS(test, &pkt, 4, 3, 0, 1),
			TCPLENS_PARSE_OPT_SACK_PERM);
	KUNIT_EXPECT_EQ(test, OPTS(test, &pkt, 8, 9, 0, 0, 0, 1, 0, 0, 0, 1,
				   0, 0), TCPLENS_PARSE_OPT_TS);
	KUNIT_EXPECT_EQ(test, pkt.opts, 0);
	/* the first problem is reported, later options still count */
	KUNIT_EXPECT_EQ(test, OPTS(test, &pkt, 2, 3, 0, 1, 8, 10, 0, 0, 0, 9,
				   0, 0, 0, 3, 1, 1), TCPLENS_PARSE_OPT_MSS);
	KUNIT_EXPECT_EQ(test, pkt.opts, TCPLENS_OPT_TS);
	KUNIT_EXPECT_EQ(test, pkt.tsval, 9U);
	KUNIT_EXPECT_EQ(test, pkt.tsecr, 3U);
	KUNIT_EXPECT_EQ(test, OPTS(test, &pkt, 3, 4, 7, 0, 2, 3, 0, 1),
			TCPLENS_PARSE_OPT_WSCALE);

	/* window scale above 14 is clamped (RFC 7323 2.3), not an error */
	KUNIT_EXPECT_EQ(test, OPTS(test, &pkt, 3, 3, 15, 1), TCPLENS_PARSE_OK);
	KUNIT_EXPECT_EQ(test, pkt.wscale, 14);
	KUNIT_EXPECT_EQ(test, pkt.opts,
			TCPLENS_OPT_WSCALE | TCPLENS_OPT_WSCALE_CLAMPED);
	KUNIT_EXPECT_EQ(test, OPTS(test, &pkt, 3, 3, 14, 1), TCPLENS_PARSE_OK);
	KUNIT_EXPECT_EQ(test, pkt.opts, TCPLENS_OPT_WSCALE);
	KUNIT_EXPECT_EQ(test, OPTS(test, &pkt, 3, 3, 255, 1), TCPLENS_PARSE_OK);
	KUNIT_EXPECT_EQ(test, pkt.wscale, 14);

	/* unknown kinds are skipped by their length */
	KUNIT_EXPECT_EQ(test, OPTS(test, &pkt, 254, 4, 0xf9, 0x89, 2, 4, 1, 0),
			TCPLENS_PARSE_OK);
	KUNIT_EXPECT_EQ(test, pkt.opts, TCPLENS_OPT_MSS);
	KUNIT_EXPECT_EQ(test, pkt.mss, 256);
}

static void tcplens_parse_sack(struct kunit *test)
{
	u8 opt[40];
	struct tcplens_pkt pkt;
	unsigned int blocks, len;

	/* 1 to 4 blocks: 2 + 8n bytes, after two NOPs */
	for (blocks = 1; blocks <= 4; blocks++) {
		len = 2 + 2 + 8 * blocks;
		memset(opt, 0, sizeof(opt));
		opt[0] = 1;
		opt[1] = 1;
		opt[2] = 5;
		opt[3] = 2 + 8 * blocks;
		KUNIT_EXPECT_EQ(test, parse_opts(test, opt, len, &pkt),
				TCPLENS_PARSE_OK);
		KUNIT_EXPECT_EQ(test, pkt.opts, TCPLENS_OPT_SACK);
		KUNIT_EXPECT_EQ(test, pkt.sack_blocks, blocks);
	}
	KUNIT_EXPECT_EQ(test, OPTS(test, &pkt, 5, 2, 1, 1),
			TCPLENS_PARSE_OPT_SACK);
	KUNIT_EXPECT_EQ(test, OPTS(test, &pkt, 5, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				   1), TCPLENS_PARSE_OPT_SACK);
	KUNIT_EXPECT_EQ(test, pkt.opts, 0);
}

/* IPv6 + @ext (chain already built, @extlen bytes) + TCP. */
static unsigned int v6_packet(u8 *buf, u8 first, const u8 *ext,
			      unsigned int extlen, unsigned int payload)
{
	unsigned int l4;

	if (extlen)
		memcpy(buf + 40, ext, extlen);
	l4 = put_tcp(buf + 40 + extlen, TCPLENS_TCP_SYN | TCPLENS_TCP_ACK,
		     syn_opts, sizeof(syn_opts), payload);
	put_ipv6(buf, first, extlen + l4);
	return 40 + extlen + l4;
}

static void tcplens_parse_ipv6_plain(struct kunit *test)
{
	u8 buf[BUF_LEN];
	struct tcplens_pkt pkt;
	unsigned int len;

	len = v6_packet(buf, IPPROTO_TCP_, NULL, 0, 7);
	KUNIT_ASSERT_EQ(test, parse(test, 6, buf, len, &pkt), TCPLENS_PARSE_OK);
	KUNIT_EXPECT_EQ(test, pkt.family, 6);
	KUNIT_EXPECT_TRUE(test, !memcmp(pkt.saddr.b, saddr6, 16));
	KUNIT_EXPECT_TRUE(test, !memcmp(pkt.daddr.b, daddr6, 16));
	KUNIT_EXPECT_EQ(test, pkt.l4_off, 40);
	KUNIT_EXPECT_EQ(test, pkt.payload_len, 7U);
	KUNIT_EXPECT_EQ(test, pkt.flags, TCPLENS_TCP_SYN | TCPLENS_TCP_ACK);
	KUNIT_EXPECT_EQ(test, pkt.mss, 1460);
	KUNIT_EXPECT_EQ(test, pkt.wscale, 7);

	/* trailing bytes past the payload length are not payload */
	KUNIT_EXPECT_EQ(test, parse(test, 6, buf, len + 9, &pkt),
			TCPLENS_PARSE_OK);
	KUNIT_EXPECT_EQ(test, pkt.payload_len, 7U);

	KUNIT_EXPECT_EQ(test, parse(test, 6, buf, 39, &pkt),
			TCPLENS_PARSE_IP_TRUNC);
	KUNIT_EXPECT_EQ(test, parse(test, 6, buf, len - 1, &pkt),
			TCPLENS_PARSE_IP_LEN);
	buf[0] = 0x45;
	KUNIT_EXPECT_EQ(test, parse(test, 6, buf, len, &pkt),
			TCPLENS_PARSE_IP_VERSION);
	/* and the IPv4 parser refuses IPv6 */
	buf[0] = 0x60;
	KUNIT_EXPECT_EQ(test, parse(test, 4, buf, len, &pkt),
			TCPLENS_PARSE_IP_VERSION);
}

static void tcplens_parse_ipv6_chain(struct kunit *test)
{
	u8 ext[128], buf[BUF_LEN];
	struct tcplens_pkt pkt;
	unsigned int n = 0, len;

	/* hop-by-hop, destination, routing, fragment (first), AH, TCP */
	n += put_ext(ext + n, NH_DEST, 0);
	n += put_ext(ext + n, NH_ROUTING, 1);
	n += put_ext(ext + n, NH_FRAG, 2);
	n += put_frag(ext + n, NH_AH, 0, true);
	memset(ext + n, 0, 12);
	ext[n] = IPPROTO_TCP_;
	ext[n + 1] = 1;		/* (1 + 2) * 4 = 12 bytes */
	n += 12;
	len = v6_packet(buf, NH_HOP, ext, n, 3);
	KUNIT_ASSERT_EQ(test, parse(test, 6, buf, len, &pkt), TCPLENS_PARSE_OK);
	KUNIT_EXPECT_EQ(test, pkt.l4_off, 40 + 8 + 16 + 24 + 8 + 12);
	KUNIT_EXPECT_EQ(test, pkt.info, TCPLENS_PKT_FRAG);
	KUNIT_EXPECT_EQ(test, pkt.payload_len, 3U);
	KUNIT_EXPECT_EQ(test, pkt.seq, SEQ);

	/* atomic fragment (offset 0, no more): not flagged */
	put_frag(ext, IPPROTO_TCP_, 0, false);
	len = v6_packet(buf, NH_FRAG, ext, 8, 0);
	KUNIT_EXPECT_EQ(test, parse(test, 6, buf, len, &pkt), TCPLENS_PARSE_OK);
	KUNIT_EXPECT_EQ(test, pkt.info, 0);
	/* non-first fragment */
	put_frag(ext, IPPROTO_TCP_, 1, true);
	len = v6_packet(buf, NH_FRAG, ext, 8, 0);
	KUNIT_EXPECT_EQ(test, parse(test, 6, buf, len, &pkt),
			TCPLENS_PARSE_NOT_FIRST_FRAG);
	put_frag(ext, IPPROTO_TCP_, 0x1fff, false);
	len = v6_packet(buf, NH_FRAG, ext, 8, 0);
	KUNIT_EXPECT_EQ(test, parse(test, 6, buf, len, &pkt),
			TCPLENS_PARSE_NOT_FIRST_FRAG);

	/* not TCP: ESP, no next header, UDP, unknown; also behind a header */
	len = v6_packet(buf, NH_ESP, NULL, 0, 0);
	KUNIT_EXPECT_EQ(test, parse(test, 6, buf, len, &pkt),
			TCPLENS_PARSE_NOT_TCP);
	len = v6_packet(buf, NH_NONE, NULL, 0, 0);
	KUNIT_EXPECT_EQ(test, parse(test, 6, buf, len, &pkt),
			TCPLENS_PARSE_NOT_TCP);
	len = v6_packet(buf, IPPROTO_UDP_, NULL, 0, 0);
	KUNIT_EXPECT_EQ(test, parse(test, 6, buf, len, &pkt),
			TCPLENS_PARSE_NOT_TCP);
	put_ext(ext, NH_ESP, 0);
	len = v6_packet(buf, NH_DEST, ext, 8, 0);
	KUNIT_EXPECT_EQ(test, parse(test, 6, buf, len, &pkt),
			TCPLENS_PARSE_NOT_TCP);
	put_ext(ext, 253, 0);
	len = v6_packet(buf, NH_DEST, ext, 8, 0);
	KUNIT_EXPECT_EQ(test, parse(test, 6, buf, len, &pkt),
			TCPLENS_PARSE_NOT_TCP);

	/* hop-by-hop anywhere but first */
	n = put_ext(ext, NH_HOP, 0);
	n += put_ext(ext + n, IPPROTO_TCP_, 0);
	len = v6_packet(buf, NH_DEST, ext, n, 0);
	KUNIT_EXPECT_EQ(test, parse(test, 6, buf, len, &pkt),
			TCPLENS_PARSE_EXT_HOP_POS);
}

static void tcplens_parse_ipv6_chain_limits(struct kunit *test)
{
	u8 ext[128], buf[BUF_LEN];
	struct tcplens_pkt pkt;
	unsigned int i, n, len;

	/* TCPLENS_IPV6_MAX_EXTHDRS headers are fine, one more is not */
	for (i = 0, n = 0; i < TCPLENS_IPV6_MAX_EXTHDRS; i++)
		n += put_ext(ext + n, i + 1 < TCPLENS_IPV6_MAX_EXTHDRS ?
			     NH_DEST : IPPROTO_TCP_, 0);
	len = v6_packet(buf, NH_DEST, ext, n, 0);
	KUNIT_EXPECT_EQ(test, parse(test, 6, buf, len, &pkt), TCPLENS_PARSE_OK);
	KUNIT_EXPECT_EQ(test, pkt.l4_off, 40 + 8 * TCPLENS_IPV6_MAX_EXTHDRS);

	for (i = 0, n = 0; i <= TCPLENS_IPV6_MAX_EXTHDRS; i++)
		n += put_ext(ext + n, i < TCPLENS_IPV6_MAX_EXTHDRS ?
			     NH_DEST : IPPROTO_TCP_, 0);
	len = v6_packet(buf, NH_DEST, ext, n, 0);
	KUNIT_EXPECT_EQ(test, parse(test, 6, buf, len, &pkt),
			TCPLENS_PARSE_EXT_CHAIN);

	/* a header longer than the payload length says */
	put_ext(ext, IPPROTO_TCP_, 0);
	ext[1] = 30;
	len = v6_packet(buf, NH_DEST, ext, 8, 0);
	KUNIT_EXPECT_EQ(test, parse(test, 6, buf, len, &pkt),
			TCPLENS_PARSE_EXT_TRUNC);
	/* AH likewise */
	put_ext(ext, IPPROTO_TCP_, 0);
	ext[1] = 60;
	len = v6_packet(buf, NH_AH, ext, 8, 0);
	KUNIT_EXPECT_EQ(test, parse(test, 6, buf, len, &pkt),
			TCPLENS_PARSE_EXT_TRUNC);
	/* fewer than 8 bytes left for the next header */
	put_ipv6(buf, NH_DEST, 4);
	KUNIT_EXPECT_EQ(test, parse(test, 6, buf, 44, &pkt),
			TCPLENS_PARSE_EXT_TRUNC);
}

/*
 * Every prefix of valid packets, with the IP length field made to match
 * the prefix (else IP_LEN catches them all): the result is the truncation
 * of the layer the cut falls in, and nothing is read outside.
 */
static void tcplens_parse_truncation_sweep(struct kunit *test)
{
	u8 buf[BUF_LEN];
	struct tcplens_pkt pkt;
	unsigned int full, len;
	enum tcplens_parse_result want;

	full = v4_packet(buf, TCPLENS_TCP_SYN, syn_opts, sizeof(syn_opts), 0);
	for (len = 0; len <= full; len++) {
		if (len >= 20)
			put16(buf + 2, len);
		if (len < 20)
			want = TCPLENS_PARSE_IP_TRUNC;
		else if (len < 40)
			want = TCPLENS_PARSE_TCP_TRUNC;
		else if (len < full)
			want = TCPLENS_PARSE_TCP_DOFF;
		else
			want = TCPLENS_PARSE_OK;
		KUNIT_EXPECT_EQ_MSG(test, parse(test, 4, buf, len, &pkt), want,
				    "IPv4 cut at %u", len);
		KUNIT_EXPECT_EQ(test, tcplens_parse_has_segment(want),
				len == full);
	}

	{
		u8 ext[16];
		unsigned int n = put_ext(ext, IPPROTO_TCP_, 1);

		full = v6_packet(buf, NH_DEST, ext, n, 0);
		for (len = 0; len <= full; len++) {
			if (len >= 40)
				put16(buf + 4, len - 40);
			if (len < 40)
				want = TCPLENS_PARSE_IP_TRUNC;
			else if (len < 40 + n)
				want = TCPLENS_PARSE_EXT_TRUNC;
			else if (len < 40 + n + 20)
				want = TCPLENS_PARSE_TCP_TRUNC;
			else if (len < full)
				want = TCPLENS_PARSE_TCP_DOFF;
			else
				want = TCPLENS_PARSE_OK;
			KUNIT_EXPECT_EQ_MSG(test, parse(test, 6, buf, len, &pkt),
					    want, "IPv6 cut at %u", len);
		}
	}
}

static void tcplens_parse_names(struct kunit *test)
{
	unsigned int i, j;

	for (i = 0; i < TCPLENS_PARSE_RESULT_COUNT; i++) {
		const char *name = tcplens_parse_result_name(i);

		KUNIT_ASSERT_NOT_NULL(test, name);
		KUNIT_EXPECT_GT(test, strlen(name), 0UL);
		KUNIT_EXPECT_STRNEQ(test, name, "invalid");
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_STRNEQ(test, name,
					    tcplens_parse_result_name(j));
	}
	i = TCPLENS_PARSE_RESULT_COUNT;
	KUNIT_EXPECT_STREQ(test, tcplens_parse_result_name(i), "invalid");

	KUNIT_EXPECT_TRUE(test, tcplens_parse_has_segment(TCPLENS_PARSE_OK));
	KUNIT_EXPECT_TRUE(test, tcplens_parse_has_segment(TCPLENS_PARSE_OPT_TS));
	KUNIT_EXPECT_FALSE(test, tcplens_parse_has_segment(TCPLENS_PARSE_NOT_TCP));
	KUNIT_EXPECT_FALSE(test,
			   tcplens_parse_has_segment(TCPLENS_PARSE_IP_TRUNC));
	KUNIT_EXPECT_FALSE(test, tcplens_parse_is_error(TCPLENS_PARSE_OK));
	KUNIT_EXPECT_FALSE(test, tcplens_parse_is_error(TCPLENS_PARSE_NOT_TCP));
	KUNIT_EXPECT_FALSE(test,
			   tcplens_parse_is_error(TCPLENS_PARSE_NOT_FIRST_FRAG));
	KUNIT_EXPECT_TRUE(test, tcplens_parse_is_error(TCPLENS_PARSE_OPT_LEN));
	KUNIT_EXPECT_TRUE(test, tcplens_parse_is_error(TCPLENS_PARSE_TCP_DOFF));
}

static struct kunit_case tcplens_parse_cases[] = {
	KUNIT_CASE(tcplens_parse_ipv4_syn),
	KUNIT_CASE(tcplens_parse_ipv4_layout),
	KUNIT_CASE(tcplens_parse_ipv4_malformed),
	KUNIT_CASE(tcplens_parse_ipv4_fragments),
	KUNIT_CASE(tcplens_parse_jumbo),
	KUNIT_CASE(tcplens_parse_tcp_options),
	KUNIT_CASE(tcplens_parse_sack),
	KUNIT_CASE(tcplens_parse_ipv6_plain),
	KUNIT_CASE(tcplens_parse_ipv6_chain),
	KUNIT_CASE(tcplens_parse_ipv6_chain_limits),
	KUNIT_CASE(tcplens_parse_truncation_sweep),
	KUNIT_CASE(tcplens_parse_names),
	{}
};

static struct kunit_suite tcplens_parse_suite = {
	.name = "tcplens_parse",
	.test_cases = tcplens_parse_cases,
};

kunit_test_suites(&tcplens_parse_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the tcplens observer's packet parser");
