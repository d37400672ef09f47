/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcplens_parse.h - defensive IPv4/IPv6 + TCP header parser of the
 * observer, a pure core: it never sees an sk_buff. The shell links in
 * tcplens_pkt_read() (skb_header_pointer() in the kernel, a bounds-checked
 * byte array in KUnit and userspace) and the parser reads every header
 * byte through it, after checking the offsets against the IP lengths.
 */
#ifndef _TCPLENS_PARSE_H
#define _TCPLENS_PARSE_H

#include "tcplens_pure.h"

/* TCP header flags byte (RFC 9293 section 3.1, RFC 3168). */
#define TCPLENS_TCP_FIN		0x01
#define TCPLENS_TCP_SYN		0x02
#define TCPLENS_TCP_RST		0x04
#define TCPLENS_TCP_PSH		0x08
#define TCPLENS_TCP_ACK		0x10
#define TCPLENS_TCP_URG		0x20
#define TCPLENS_TCP_ECE		0x40
#define TCPLENS_TCP_CWR		0x80

/* struct tcplens_pkt.opts: which TCP options were present and well formed */
#define TCPLENS_OPT_MSS		0x01	/* .mss valid */
#define TCPLENS_OPT_WSCALE	0x02	/* .wscale valid */
#define TCPLENS_OPT_WSCALE_CLAMPED 0x04	/* shift was > 14, clamped (RFC 7323 2.3) */
#define TCPLENS_OPT_SACK_PERM	0x08	/* SACK-permitted (RFC 2018) */
#define TCPLENS_OPT_SACK	0x10	/* SACK blocks, .sack_blocks of them */
#define TCPLENS_OPT_TS		0x20	/* .tsval/.tsecr valid (RFC 7323 3) */

/* struct tcplens_pkt.info */
#define TCPLENS_PKT_FRAG	0x01	/* first fragment: payload_len is partial */
#define TCPLENS_PKT_JUMBO	0x02	/* IP length field 0: length from buffer */

/* Largest window shift a sender may use (RFC 7323 section 2.3). */
#define TCPLENS_MAX_WSCALE	14

/* Extension headers followed before giving up on an IPv6 packet. */
#define TCPLENS_IPV6_MAX_EXTHDRS 8

/* An IPv4 address sits in w[0]; w[1..3] are zero. Network byte order. */
union tcplens_addr {
	u8 b[16];
	__be32 w[4];
};

/* One parsed TCP segment; integers in host byte order unless noted. */
struct tcplens_pkt {
	union tcplens_addr saddr;	/* source address, network order */
	union tcplens_addr daddr;	/* destination address, network order */
	u32 seq;			/* SEG.SEQ */
	u32 ack;			/* SEG.ACK, meaningful with TCPLENS_TCP_ACK */
	u32 tsval;			/* TSval, with TCPLENS_OPT_TS */
	u32 tsecr;			/* TSecr, with TCPLENS_OPT_TS */
	u32 payload_len;		/* TCP payload bytes after the header */
	u16 sport;			/* source port */
	u16 dport;			/* destination port */
	u16 window;			/* raw window field, not scaled */
	u16 mss;			/* MSS option value, with TCPLENS_OPT_MSS */
	u16 l4_off;			/* TCP header offset from the IP header */
	u8 family;			/* IP version: 4 or 6 */
	u8 flags;			/* TCPLENS_TCP_* */
	u8 doff;			/* TCP header length, 32-bit words */
	u8 wscale;			/* shift count (<= 14), with _OPT_WSCALE */
	u8 sack_blocks;			/* blocks in the SACK option (1..4) */
	u8 opts;			/* TCPLENS_OPT_* */
	u8 info;			/* TCPLENS_PKT_* */
};

/*
 * Parse outcome. The kernel keeps one counter per value, so each malformed
 * case has its own. Three groups, in this order:
 *  - OK and the option errors: *out holds the whole segment; a bad option
 *    is skipped (wrong length for its kind) or ends option parsing (length
 *    0/1 or overrun), as tcp_parse_options() does, and the receiving stack
 *    still processes the segment, so the observer should too;
 *  - NOT_TCP, NOT_FIRST_FRAG: not ours, not an error;
 *  - the rest: malformed; *out is not usable.
 */
enum tcplens_parse_result {
	TCPLENS_PARSE_OK,
	TCPLENS_PARSE_OPT_LEN,		/* option length 0 or 1 */
	TCPLENS_PARSE_OPT_OVERRUN,	/* option runs past the TCP header */
	TCPLENS_PARSE_OPT_MSS,		/* MSS length != 4 */
	TCPLENS_PARSE_OPT_WSCALE,	/* window scale length != 3 */
	TCPLENS_PARSE_OPT_SACK_PERM,	/* SACK-permitted length != 2 */
	TCPLENS_PARSE_OPT_SACK,		/* SACK length not 2 + 8n, n >= 1 */
	TCPLENS_PARSE_OPT_TS,		/* timestamps length != 10 */
	TCPLENS_PARSE_NOT_TCP,		/* other protocol, ESP, no next header */
	TCPLENS_PARSE_NOT_FIRST_FRAG,	/* fragment with a non-zero offset */
	TCPLENS_PARSE_IP_TRUNC,		/* shorter than the fixed IP header */
	TCPLENS_PARSE_IP_VERSION,	/* version nibble is not 4 / 6 */
	TCPLENS_PARSE_IP_IHL,		/* IHL < 5 or past the packet */
	TCPLENS_PARSE_IP_LEN,		/* IP length field vs packet length */
	TCPLENS_PARSE_EXT_TRUNC,	/* IPv6 extension header truncated */
	TCPLENS_PARSE_EXT_CHAIN,	/* more than TCPLENS_IPV6_MAX_EXTHDRS */
	TCPLENS_PARSE_EXT_HOP_POS,	/* hop-by-hop not first (RFC 8200 4.1) */
	TCPLENS_PARSE_TCP_TRUNC,	/* shorter than the fixed TCP header */
	TCPLENS_PARSE_TCP_DOFF,		/* data offset < 5 or past the packet */
	TCPLENS_PARSE_RESULT_COUNT
};

/* Does *out hold a segment the observer should process? */
static inline bool tcplens_parse_has_segment(enum tcplens_parse_result res)
{
	return res < TCPLENS_PARSE_NOT_TCP;
}

/* Is @res a malformation (worth a counter), rather than OK or not-ours? */
static inline bool tcplens_parse_is_error(enum tcplens_parse_result res)
{
	return res != TCPLENS_PARSE_OK && res != TCPLENS_PARSE_NOT_TCP &&
	       res != TCPLENS_PARSE_NOT_FIRST_FRAG;
}

/*
 * Provided by the shell: a pointer to @len bytes at offset @off of @pkt,
 * either in place or copied into @buf (at least @len bytes), or NULL when
 * the packet is shorter than @off + @len.
 */
const void *tcplens_pkt_read(const void *pkt, unsigned int off,
			     unsigned int len, void *buf);

/*
 * Parse the @len bytes of @pkt starting at its IPv4 / IPv6 header. @out is
 * fully written (zeroed first) whatever the result.
 */
enum tcplens_parse_result tcplens_parse_ipv4(const void *pkt,
					     unsigned int len,
					     struct tcplens_pkt *out);
enum tcplens_parse_result tcplens_parse_ipv6(const void *pkt,
					     unsigned int len,
					     struct tcplens_pkt *out);

/* Stable lower-case name of @res for the stats file ("ip_trunc", ...). */
const char *tcplens_parse_result_name(enum tcplens_parse_result res);

#endif /* _TCPLENS_PARSE_H */
