// SPDX-License-Identifier: GPL-2.0
/*
 * tcplens_parse.c - defensive IPv4/IPv6 + TCP header parser (pure core).
 *
 * The observer sees packets at netfilter hooks, where the network header
 * is at offset 0. This file turns the bytes from there into a struct
 * tcplens_pkt, and trusts nothing:
 *
 *  - every read goes through tcplens_pkt_read() (skb_header_pointer() in
 *    the kernel), and every offset is first checked, overflow-safe, against
 *    the end of the IP datagram as its length field states, which itself
 *    is checked against the buffer; bytes past the datagram (link-layer
 *    padding) are never taken for TCP payload;
 *  - IPv4: version, IHL (options skipped, not parsed), total length.
 *    Fragments with a non-zero offset carry no TCP header and are
 *    ignored; a first fragment is parsed and flagged, its payload_len
 *    being partial. At LOCAL_IN the stack has reassembled already and at
 *    LOCAL_OUT it has not fragmented yet, so only FORWARD sees these;
 *  - IPv6: the extension header chain (hop-by-hop, which must come first,
 *    routing, destination options, mobility, HIP, shim6, fragment, AH) is
 *    walked up to TCPLENS_IPV6_MAX_EXTHDRS headers; ESP and No Next
 *    Header end it (not TCP, nothing to see);
 *  - a zero length field with a length the field cannot express (IPv4
 *    BIG TCP, IPv6 jumbogram / BIG TCP hop-by-hop) takes the length from
 *    the buffer;
 *  - TCP: data offset 5..15 and inside the datagram; options parsed like
 *    tcp_parse_options(): EOL ends, NOP pads, a length of 0/1 or past the
 *    header ends option parsing, a known kind with a wrong length is
 *    skipped. Those are reported (first one wins) but the segment is
 *    still returned, since the endpoint will process it too.
 */

#include "tcplens_parse.h"

#define TCPLENS_IPV4_HLEN	20	/* fixed IPv4 header */
#define TCPLENS_IPV6_HLEN	40	/* fixed IPv6 header */
#define TCPLENS_IPV4_MAX_TOTLEN	0xffff	/* largest tot_len value */
#define TCPLENS_IPV4_FRAG_OFF	0x1fff	/* frag_off: offset, 8-byte units */
#define TCPLENS_IPV4_FRAG_MF	0x2000	/* frag_off: more fragments */
#define TCPLENS_IPV6_EXT_MIN	8	/* smallest extension header */
#define TCPLENS_IPV6_FRAG_OFF	0xfff8	/* fragment header: offset bits */
#define TCPLENS_IPV6_FRAG_M	0x0001	/* fragment header: more fragments */
#define TCPLENS_TCP_HLEN	20	/* fixed TCP header */
#define TCPLENS_TCP_MAX_HLEN	60	/* data offset 15 */

/* IP protocol / IPv6 next header values (IANA). */
#define TCPLENS_NEXTHDR_HOP	0	/* hop-by-hop options */
#define TCPLENS_NEXTHDR_TCP	6
#define TCPLENS_NEXTHDR_ROUTING	43
#define TCPLENS_NEXTHDR_FRAGMENT 44
#define TCPLENS_NEXTHDR_AH	51	/* length in 4-byte units, minus 2 */
#define TCPLENS_NEXTHDR_DEST	60	/* destination options */
#define TCPLENS_NEXTHDR_MOBILITY 135
#define TCPLENS_NEXTHDR_HIP	139
#define TCPLENS_NEXTHDR_SHIM6	140

/* TCP option kinds and their only valid lengths (IANA, RFCs 9293 7323). */
#define TCPLENS_TCPOPT_EOL	0
#define TCPLENS_TCPOPT_NOP	1
#define TCPLENS_TCPOPT_MSS	2
#define TCPLENS_TCPOPT_WSCALE	3
#define TCPLENS_TCPOPT_SACK_PERM 4
#define TCPLENS_TCPOPT_SACK	5
#define TCPLENS_TCPOPT_TS	8
#define TCPLENS_TCPOLEN_MSS	4
#define TCPLENS_TCPOLEN_WSCALE	3
#define TCPLENS_TCPOLEN_SACK_PERM 2
#define TCPLENS_TCPOLEN_SACK_BASE 2	/* kind, length; then the blocks */
#define TCPLENS_TCPOLEN_SACK_BLOCK 8	/* left edge, right edge */
#define TCPLENS_TCPOLEN_TS	10

static const char *const tcplens_parse_result_names[] = {
	[TCPLENS_PARSE_OK]		= "ok",
	[TCPLENS_PARSE_OPT_LEN]		= "opt_len",
	[TCPLENS_PARSE_OPT_OVERRUN]	= "opt_overrun",
	[TCPLENS_PARSE_OPT_MSS]		= "opt_mss",
	[TCPLENS_PARSE_OPT_WSCALE]	= "opt_wscale",
	[TCPLENS_PARSE_OPT_SACK_PERM]	= "opt_sack_perm",
	[TCPLENS_PARSE_OPT_SACK]	= "opt_sack",
	[TCPLENS_PARSE_OPT_TS]		= "opt_ts",
	[TCPLENS_PARSE_NOT_TCP]		= "not_tcp",
	[TCPLENS_PARSE_NOT_FIRST_FRAG]	= "not_first_frag",
	[TCPLENS_PARSE_IP_TRUNC]	= "ip_trunc",
	[TCPLENS_PARSE_IP_VERSION]	= "ip_version",
	[TCPLENS_PARSE_IP_IHL]		= "ip_ihl",
	[TCPLENS_PARSE_IP_LEN]		= "ip_len",
	[TCPLENS_PARSE_EXT_TRUNC]	= "ext_trunc",
	[TCPLENS_PARSE_EXT_CHAIN]	= "ext_chain",
	[TCPLENS_PARSE_EXT_HOP_POS]	= "ext_hop_pos",
	[TCPLENS_PARSE_TCP_TRUNC]	= "tcp_trunc",
	[TCPLENS_PARSE_TCP_DOFF]	= "tcp_doff",
};

const char *tcplens_parse_result_name(enum tcplens_parse_result res)
{
	BUILD_BUG_ON(ARRAY_SIZE(tcplens_parse_result_names) !=
		     TCPLENS_PARSE_RESULT_COUNT);

	if ((unsigned int)res >= TCPLENS_PARSE_RESULT_COUNT)
		return "invalid";
	return tcplens_parse_result_names[res];
}

static u16 tcplens_get_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static u32 tcplens_get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/* Do @n bytes at @off end at or before @end? Safe against wrapping. */
static bool tcplens_fits(unsigned int off, unsigned int n, unsigned int end)
{
	return off <= end && n <= end - off;
}

/* Keep the first problem found; later ones do not replace it. */
static enum tcplens_parse_result
tcplens_first_error(enum tcplens_parse_result seen,
		    enum tcplens_parse_result now)
{
	return seen != TCPLENS_PARSE_OK ? seen : now;
}

/* One option of @kind whose @size (kind and length bytes included) fits. */
static enum tcplens_parse_result
tcplens_parse_option(u8 kind, const u8 *body, unsigned int size,
		     struct tcplens_pkt *out)
{
	switch (kind) {
	case TCPLENS_TCPOPT_MSS:
		if (size != TCPLENS_TCPOLEN_MSS)
			return TCPLENS_PARSE_OPT_MSS;
		out->mss = tcplens_get_be16(body);
		out->opts |= TCPLENS_OPT_MSS;
		break;
	case TCPLENS_TCPOPT_WSCALE:
		if (size != TCPLENS_TCPOLEN_WSCALE)
			return TCPLENS_PARSE_OPT_WSCALE;
		out->wscale = body[0];
		out->opts |= TCPLENS_OPT_WSCALE;
		if (out->wscale > TCPLENS_MAX_WSCALE) {
			out->wscale = TCPLENS_MAX_WSCALE;
			out->opts |= TCPLENS_OPT_WSCALE_CLAMPED;
		}
		break;
	case TCPLENS_TCPOPT_SACK_PERM:
		if (size != TCPLENS_TCPOLEN_SACK_PERM)
			return TCPLENS_PARSE_OPT_SACK_PERM;
		out->opts |= TCPLENS_OPT_SACK_PERM;
		break;
	case TCPLENS_TCPOPT_SACK:
		if (size < TCPLENS_TCPOLEN_SACK_BASE + TCPLENS_TCPOLEN_SACK_BLOCK ||
		    (size - TCPLENS_TCPOLEN_SACK_BASE) % TCPLENS_TCPOLEN_SACK_BLOCK)
			return TCPLENS_PARSE_OPT_SACK;
		out->sack_blocks = (size - TCPLENS_TCPOLEN_SACK_BASE) /
				   TCPLENS_TCPOLEN_SACK_BLOCK;
		out->opts |= TCPLENS_OPT_SACK;
		break;
	case TCPLENS_TCPOPT_TS:
		if (size != TCPLENS_TCPOLEN_TS)
			return TCPLENS_PARSE_OPT_TS;
		out->tsval = tcplens_get_be32(body);
		out->tsecr = tcplens_get_be32(body + 4);
		out->opts |= TCPLENS_OPT_TS;
		break;
	default:
		/* MD5, AO, MPTCP, Fast Open, experimental: not ours */
		break;
	}
	return TCPLENS_PARSE_OK;
}

/* The @len option bytes at @opt, all in memory already. */
static enum tcplens_parse_result
tcplens_parse_options(const u8 *opt, unsigned int len, struct tcplens_pkt *out)
{
	enum tcplens_parse_result res = TCPLENS_PARSE_OK;
	unsigned int i = 0;

	while (i < len) {
		unsigned int size;

		if (opt[i] == TCPLENS_TCPOPT_EOL)
			break;
		if (opt[i] == TCPLENS_TCPOPT_NOP) {
			i++;
			continue;
		}
		if (len - i < 2)
			return tcplens_first_error(res, TCPLENS_PARSE_OPT_OVERRUN);
		size = opt[i + 1];
		if (size < 2)
			return tcplens_first_error(res, TCPLENS_PARSE_OPT_LEN);
		if (size > len - i)
			return tcplens_first_error(res, TCPLENS_PARSE_OPT_OVERRUN);
		res = tcplens_first_error(res,
					  tcplens_parse_option(opt[i], opt + i + 2,
							       size, out));
		i += size;
	}
	return res;
}

/* The TCP header at @off of a datagram that ends at @end. */
static enum tcplens_parse_result
tcplens_parse_tcp(const void *pkt, unsigned int off, unsigned int end,
		  struct tcplens_pkt *out)
{
	u8 hbuf[TCPLENS_TCP_HLEN];
	u8 obuf[TCPLENS_TCP_MAX_HLEN - TCPLENS_TCP_HLEN];
	unsigned int hlen;
	const u8 *th, *opt;

	if (!tcplens_fits(off, TCPLENS_TCP_HLEN, end))
		return TCPLENS_PARSE_TCP_TRUNC;
	th = tcplens_pkt_read(pkt, off, TCPLENS_TCP_HLEN, hbuf);
	if (!th)
		return TCPLENS_PARSE_TCP_TRUNC;

	out->doff = th[12] >> 4;
	hlen = out->doff * 4;
	if (hlen < TCPLENS_TCP_HLEN || !tcplens_fits(off, hlen, end))
		return TCPLENS_PARSE_TCP_DOFF;

	out->sport = tcplens_get_be16(th);
	out->dport = tcplens_get_be16(th + 2);
	out->seq = tcplens_get_be32(th + 4);
	out->ack = tcplens_get_be32(th + 8);
	out->flags = th[13];
	out->window = tcplens_get_be16(th + 14);
	out->l4_off = off;
	out->payload_len = end - off - hlen;

	if (hlen == TCPLENS_TCP_HLEN)
		return TCPLENS_PARSE_OK;
	opt = tcplens_pkt_read(pkt, off + TCPLENS_TCP_HLEN,
			       hlen - TCPLENS_TCP_HLEN, obuf);
	if (!opt)
		return TCPLENS_PARSE_TCP_DOFF;
	return tcplens_parse_options(opt, hlen - TCPLENS_TCP_HLEN, out);
}

enum tcplens_parse_result tcplens_parse_ipv4(const void *pkt,
					     unsigned int len,
					     struct tcplens_pkt *out)
{
	u8 buf[TCPLENS_IPV4_HLEN];
	unsigned int ihl, end;
	const u8 *iph;
	u16 frag;

	memset(out, 0, sizeof(*out));
	out->family = 4;

	if (len < TCPLENS_IPV4_HLEN)
		return TCPLENS_PARSE_IP_TRUNC;
	iph = tcplens_pkt_read(pkt, 0, TCPLENS_IPV4_HLEN, buf);
	if (!iph)
		return TCPLENS_PARSE_IP_TRUNC;
	if (iph[0] >> 4 != 4)
		return TCPLENS_PARSE_IP_VERSION;
	ihl = (iph[0] & 0x0f) * 4;
	if (ihl < TCPLENS_IPV4_HLEN || ihl > len)
		return TCPLENS_PARSE_IP_IHL;

	end = tcplens_get_be16(iph + 2);
	if (!end && len > TCPLENS_IPV4_MAX_TOTLEN) {
		/* BIG TCP GSO packet: see iph_set_totlen() */
		end = len;
		out->info |= TCPLENS_PKT_JUMBO;
	}
	if (end < ihl || end > len)
		return TCPLENS_PARSE_IP_LEN;

	if (iph[9] != TCPLENS_NEXTHDR_TCP)
		return TCPLENS_PARSE_NOT_TCP;
	frag = tcplens_get_be16(iph + 6);
	if (frag & TCPLENS_IPV4_FRAG_OFF)
		return TCPLENS_PARSE_NOT_FIRST_FRAG;
	if (frag & TCPLENS_IPV4_FRAG_MF)
		out->info |= TCPLENS_PKT_FRAG;

	memcpy(out->saddr.b, iph + 12, 4);
	memcpy(out->daddr.b, iph + 16, 4);
	return tcplens_parse_tcp(pkt, ihl, end, out);
}

/* Extension headers that use the generic (length + 1) * 8 byte format. */
static bool tcplens_ipv6_generic_exthdr(u8 nexthdr)
{
	switch (nexthdr) {
	case TCPLENS_NEXTHDR_HOP:
	case TCPLENS_NEXTHDR_ROUTING:
	case TCPLENS_NEXTHDR_DEST:
	case TCPLENS_NEXTHDR_MOBILITY:
	case TCPLENS_NEXTHDR_HIP:
	case TCPLENS_NEXTHDR_SHIM6:
		return true;
	}
	return false;
}

static bool tcplens_ipv6_exthdr(u8 nexthdr)
{
	return tcplens_ipv6_generic_exthdr(nexthdr) ||
	       nexthdr == TCPLENS_NEXTHDR_FRAGMENT ||
	       nexthdr == TCPLENS_NEXTHDR_AH;
}

/*
 * Walk the extension headers from *@off, the first being @nexthdr, up to
 * the TCP header; *@off is left at the TCP header.
 */
static enum tcplens_parse_result
tcplens_ipv6_skip_exthdrs(const void *pkt, unsigned int *off,
			  unsigned int end, u8 nexthdr, struct tcplens_pkt *out)
{
	unsigned int n;

	for (n = 0; n < TCPLENS_IPV6_MAX_EXTHDRS; n++) {
		u8 buf[TCPLENS_IPV6_EXT_MIN];
		unsigned int hlen;
		const u8 *h;

		if (nexthdr == TCPLENS_NEXTHDR_TCP)
			return TCPLENS_PARSE_OK;
		if (!tcplens_ipv6_exthdr(nexthdr))
			return TCPLENS_PARSE_NOT_TCP;
		if (nexthdr == TCPLENS_NEXTHDR_HOP && n)
			return TCPLENS_PARSE_EXT_HOP_POS;
		if (!tcplens_fits(*off, TCPLENS_IPV6_EXT_MIN, end))
			return TCPLENS_PARSE_EXT_TRUNC;
		h = tcplens_pkt_read(pkt, *off, TCPLENS_IPV6_EXT_MIN, buf);
		if (!h)
			return TCPLENS_PARSE_EXT_TRUNC;

		if (nexthdr == TCPLENS_NEXTHDR_FRAGMENT) {
			u16 frag = tcplens_get_be16(h + 2);

			if (frag & TCPLENS_IPV6_FRAG_OFF)
				return TCPLENS_PARSE_NOT_FIRST_FRAG;
			if (frag & TCPLENS_IPV6_FRAG_M)
				out->info |= TCPLENS_PKT_FRAG;
			hlen = TCPLENS_IPV6_EXT_MIN;
		} else if (nexthdr == TCPLENS_NEXTHDR_AH) {
			hlen = (h[1] + 2) * 4;
		} else {
			hlen = (h[1] + 1) * 8;
		}
		if (!tcplens_fits(*off, hlen, end))
			return TCPLENS_PARSE_EXT_TRUNC;
		nexthdr = h[0];
		*off += hlen;
	}
	if (nexthdr == TCPLENS_NEXTHDR_TCP)
		return TCPLENS_PARSE_OK;
	return tcplens_ipv6_exthdr(nexthdr) ? TCPLENS_PARSE_EXT_CHAIN :
					      TCPLENS_PARSE_NOT_TCP;
}

enum tcplens_parse_result tcplens_parse_ipv6(const void *pkt,
					     unsigned int len,
					     struct tcplens_pkt *out)
{
	enum tcplens_parse_result res;
	u8 buf[TCPLENS_IPV6_HLEN];
	unsigned int plen, end, off;
	const u8 *ip6h;

	memset(out, 0, sizeof(*out));
	out->family = 6;

	if (len < TCPLENS_IPV6_HLEN)
		return TCPLENS_PARSE_IP_TRUNC;
	ip6h = tcplens_pkt_read(pkt, 0, TCPLENS_IPV6_HLEN, buf);
	if (!ip6h)
		return TCPLENS_PARSE_IP_TRUNC;
	if (ip6h[0] >> 4 != 6)
		return TCPLENS_PARSE_IP_VERSION;

	plen = tcplens_get_be16(ip6h + 4);
	end = TCPLENS_IPV6_HLEN + plen;
	if (!plen && ip6h[6] == TCPLENS_NEXTHDR_HOP) {
		/* jumbogram (RFC 2675) or BIG TCP: length from the buffer */
		end = len;
		out->info |= TCPLENS_PKT_JUMBO;
	}
	if (end > len)
		return TCPLENS_PARSE_IP_LEN;

	memcpy(out->saddr.b, ip6h + 8, 16);
	memcpy(out->daddr.b, ip6h + 24, 16);

	off = TCPLENS_IPV6_HLEN;
	res = tcplens_ipv6_skip_exthdrs(pkt, &off, end, ip6h[6], out);
	if (res != TCPLENS_PARSE_OK)
		return res;
	return tcplens_parse_tcp(pkt, off, end, out);
}
