// SPDX-License-Identifier: GPL-2.0
/*
 * tcplens_parse_fuzz - libFuzzer target for the observer's pure cores:
 * the packet parser, the sequence tracker and the state machine.
 *
 * The whole input is first given to both parsers as one packet. It is then
 * read as records, each <ctl, len, len bytes>, fed in turn to one
 * connection (state + tracker):
 *   ctl bit 0: direction (0 OUT, 1 IN);
 *   ctl bit 1: the bytes are a packet for the IPv4 (bit 2 clear) or IPv6
 *              parser, whose segment, if any, is fed;
 *              else they describe a segment directly (see fuzz_segment()),
 *              with sequence numbers near the tracker's when ctl bit 3 is
 *              set, to reach the sequence-dependent paths quickly.
 *
 * Invariants checked (abort on violation): the parser never reads outside
 * the packet (tcplens_pkt_read() traps; ASan guards the buffer, which is
 * exactly the packet's size), returns a result in range and a segment
 * consistent with the packet length, and answers the same twice; the
 * state stays in range, the transition agrees with the table, CLOSED is
 * left only by a SYN, the tracker's flags stay consistent, an RST leaves
 * the tracker unchanged, and the classification bits are coherent.
 *
 *   make -C selftests/fuzz fuzz && ./tcplens_parse_fuzz -runs=200000
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcplens_fsm.h"
#include "tcplens_parse.h"

#define FUZZ_SEG_BYTES	16	/* bytes fuzz_segment() reads */
#define SEG_BITS_ALL	0x03ff	/* every TCPLENS_SEG_* bit */
#define TRK_BITS_ALL	0x7f	/* every TCPLENS_TRK_* bit */

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: invariant broken: %s\n", \
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

struct fuzz_buf {
	const u8 *data;
	unsigned int len;
};

const void *tcplens_pkt_read(const void *pkt, unsigned int off,
			     unsigned int len, void *buf)
{
	const struct fuzz_buf *b = pkt;

	/* the parser checks offsets before reading: this is never needed */
	CHECK(off <= b->len && len <= b->len - off);
	/* serve odd offsets through the copy path, even ones in place */
	if (off & 1) {
		memcpy(buf, b->data + off, len);
		return buf;
	}
	return b->data + off;
}

static void check_pkt(enum tcplens_parse_result res, int family,
		      unsigned int len, const struct tcplens_pkt *pkt)
{
	const char *name = tcplens_parse_result_name(res);

	CHECK((unsigned int)res < TCPLENS_PARSE_RESULT_COUNT);
	CHECK(name && strcmp(name, "invalid"));
	CHECK(pkt->family == family);
	if (!tcplens_parse_has_segment(res))
		return;
	CHECK(pkt->doff >= 5);
	CHECK((u64)pkt->l4_off + pkt->doff * 4 + pkt->payload_len <= len);
	CHECK(pkt->l4_off >= (family == 4 ? 20 : 40));
	CHECK(pkt->wscale <= TCPLENS_MAX_WSCALE);
	CHECK(pkt->sack_blocks <= 4);
	CHECK(!(pkt->opts & TCPLENS_OPT_SACK) == !pkt->sack_blocks);
	CHECK(!(pkt->opts & TCPLENS_OPT_WSCALE_CLAMPED) ||
	      (pkt->opts & TCPLENS_OPT_WSCALE));
	CHECK(!(pkt->info & ~(TCPLENS_PKT_FRAG | TCPLENS_PKT_JUMBO)));
}

/* Parse @len bytes (exactly that much memory) as IPv@family, twice. */
static enum tcplens_parse_result fuzz_parse(const u8 *data, size_t len,
					    int family, struct tcplens_pkt *pkt)
{
	enum tcplens_parse_result res, again;
	struct tcplens_pkt pkt2;
	struct fuzz_buf b;
	u8 *copy;

	copy = malloc(len ? len : 1);
	CHECK(copy);
	memcpy(copy, data, len);
	b.data = copy;
	b.len = len;

	if (family == 4) {
		res = tcplens_parse_ipv4(&b, len, pkt);
		again = tcplens_parse_ipv4(&b, len, &pkt2);
	} else {
		res = tcplens_parse_ipv6(&b, len, pkt);
		again = tcplens_parse_ipv6(&b, len, &pkt2);
	}
	free(copy);
	check_pkt(res, family, len, pkt);
	CHECK(res == again && !memcmp(pkt, &pkt2, sizeof(pkt2)));
	return res;
}

struct fuzz_conn {
	enum tcplens_state state;
	struct tcplens_seq_track trk;
};

static void check_track(const struct tcplens_seq_track *trk)
{
	unsigned int d;

	for (d = 0; d < TCPLENS_DIR_COUNT; d++) {
		u8 f = trk->flags[d];

		CHECK(!(f & ~TRK_BITS_ALL));
		CHECK(!(f & TCPLENS_TRK_SEEN) || (f & TCPLENS_TRK_KNOWN));
		CHECK(!(f & TCPLENS_TRK_FIN) || (f & TCPLENS_TRK_SEEN));
		CHECK(!(f & TCPLENS_TRK_WS) || (f & TCPLENS_TRK_SYN));
		CHECK(trk->wscale[d] <= TCPLENS_MAX_WSCALE);
		CHECK(tcplens_track_window(trk, d) <=
		      (u32)0xffff << TCPLENS_MAX_WSCALE);
	}
}

static void fuzz_feed(struct fuzz_conn *c, enum tcplens_dir dir,
		      const struct tcplens_pkt *pkt)
{
	struct tcplens_seq_track before = c->trk;
	enum tcplens_state from = c->state, to, want;
	enum tcplens_event ev;
	u16 seg;

	to = tcplens_fsm_input(from, &c->trk, dir, pkt, &seg);
	ev = tcplens_fsm_event(pkt->flags, seg);

	CHECK((unsigned int)to < TCPLENS_STATE_COUNT);
	CHECK((unsigned int)ev < TCPLENS_EV_COUNT);
	/* the table's step, but for a refused reopen (tcplens_fsm.c) */
	want = tcplens_fsm_next(from, dir, ev);
	if (tcplens_fsm_refused_reopen(want, &c->trk, dir, pkt->flags)) {
		CHECK(dir == TCPLENS_DIR_OUT && !(pkt->flags & TCPLENS_TCP_SYN));
		want = TCPLENS_STATE_CLOSED;
	}
	CHECK(to == want);
	CHECK(strcmp(tcplens_state_name(to), "INVALID"));
	CHECK(!(seg & ~SEG_BITS_ALL));
	check_track(&c->trk);

	/* segments no receiver processes teach the tracker nothing */
	if (ev == TCPLENS_EV_INVALID && !(seg & (TCPLENS_SEG_ACK_UNSENT |
						 TCPLENS_SEG_BAD_FIN)))
		CHECK(!memcmp(&before, &c->trk, sizeof(before)));
	if (pkt->flags & TCPLENS_TCP_RST) {
		CHECK(!!(seg & TCPLENS_SEG_RST_OK) != !!(seg & TCPLENS_SEG_RST_BAD));
		CHECK(!(seg & ~(TCPLENS_SEG_RST_OK | TCPLENS_SEG_RST_BAD)));
		CHECK(!memcmp(&before, &c->trk, sizeof(before)));
	} else {
		CHECK(!(seg & (TCPLENS_SEG_RST_OK | TCPLENS_SEG_RST_BAD)));
	}
	if (!(pkt->flags & TCPLENS_TCP_ACK))
		CHECK(!(seg & (TCPLENS_SEG_FULL_ACK | TCPLENS_SEG_ACK_UNSENT)));
	CHECK((seg & (TCPLENS_SEG_FULL_ACK | TCPLENS_SEG_ACK_UNSENT)) !=
	      (TCPLENS_SEG_FULL_ACK | TCPLENS_SEG_ACK_UNSENT));
	if (seg & TCPLENS_SEG_NEW_ISN)
		CHECK(pkt->flags & TCPLENS_TCP_SYN);
	if (seg & TCPLENS_SEG_BAD_FIN)
		CHECK(pkt->flags & TCPLENS_TCP_FIN);
	CHECK(!(seg & TCPLENS_SEG_KEEPALIVE) || !(seg & TCPLENS_SEG_WIN_PROBE));
	/* only a new SYN leaves CLOSED; nothing goes back to NONE */
	if (from == TCPLENS_STATE_CLOSED && to != TCPLENS_STATE_CLOSED)
		CHECK(pkt->flags & TCPLENS_TCP_SYN);
	if (to == TCPLENS_STATE_NONE)
		CHECK(from == TCPLENS_STATE_NONE);
	c->state = to;
}

static u32 get32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/*
 * A segment straight from bytes: flags, seq, ack, window, length, window
 * scale option; with @near, seq and ack are small offsets from the
 * tracker's SND.NXT of each side.
 */
static void fuzz_segment(struct fuzz_conn *c, enum tcplens_dir dir,
			 bool near, const u8 *data, size_t len)
{
	u8 b[FUZZ_SEG_BYTES] = { 0 };
	struct tcplens_pkt pkt;

	memcpy(b, data, len < sizeof(b) ? len : sizeof(b));
	memset(&pkt, 0, sizeof(pkt));
	pkt.family = 4;
	pkt.doff = 5;
	pkt.flags = b[0];
	pkt.seq = get32(b + 1);
	pkt.ack = get32(b + 5);
	pkt.window = b[9] << 8 | b[10];
	pkt.payload_len = b[11] << 8 | b[12];
	if (b[13] & 0x80) {
		pkt.opts |= TCPLENS_OPT_WSCALE;
		pkt.wscale = b[13] & 0x0f;
		if (pkt.wscale > TCPLENS_MAX_WSCALE)
			pkt.wscale = TCPLENS_MAX_WSCALE;
	}
	if (near) {
		pkt.seq = c->trk.end[dir] + (s8)b[1];
		pkt.ack = c->trk.end[dir ^ 1] + (s8)b[5];
		pkt.payload_len &= 0x3;
	}
	fuzz_feed(c, dir, &pkt);
}

/* libFuzzer's entry point, by its asm name */
int tcplens_fuzz_one_input(const u8 *data, size_t size)
	__asm__("LLVMFuzzerTestOneInput");

int tcplens_fuzz_one_input(const u8 *data, size_t size)
{
	struct fuzz_conn c = { .state = TCPLENS_STATE_NONE };
	struct tcplens_pkt pkt;

	if (size > 0xffff + 100)	/* lengths are u32; keep runs fast */
		return 0;
	fuzz_parse(data, size, 4, &pkt);
	fuzz_parse(data, size, 6, &pkt);

	while (size >= 2) {
		u8 ctl = data[0];
		size_t n = data[1];
		enum tcplens_dir dir = ctl & 1 ? TCPLENS_DIR_IN :
						 TCPLENS_DIR_OUT;

		data += 2;
		size -= 2;
		if (n > size)
			n = size;
		if (ctl & 2) {
			int family = ctl & 4 ? 6 : 4;

			if (tcplens_parse_has_segment(fuzz_parse(data, n, family,
								 &pkt)))
				fuzz_feed(&c, dir, &pkt);
		} else {
			fuzz_segment(&c, dir, ctl & 8, data, n);
		}
		data += n;
		size -= n;
	}
	return 0;
}
