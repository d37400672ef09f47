// SPDX-License-Identifier: GPL-2.0
/*
 * tcplens_fsm.c - TCP endpoint state rebuilt from packets (pure core).
 *
 * The observer sits at netfilter hooks and sees the segments a host sends
 * (OUT) and receives (IN), but not its sockets. From those it rebuilds the
 * state of the host's endpoint, as ss(8) on that host would show it, so
 * that it can report what the state implies: CLOSE_WAIT piles, TIME_WAIT
 * accumulation, FIN_WAIT_2 or LAST_ACK that never end, unanswered SYNs.
 *
 * Two parts, both pure functions of their inputs:
 *
 * 1. The sequence tracker (struct tcplens_seq_track, 16 bytes) keeps, for
 *    each direction, SND.NXT of its sender as seen on the wire (end[]), the
 *    last window it advertised and the scale of that window, and a few
 *    facts (SYN seen, FIN sent, everything acknowledged). With it each
 *    segment is classified: retransmission, zero window, window probe,
 *    keepalive, whether its ACK covers all its receiver sent ("full" ACK:
 *    that is how the ACK of a SYN or FIN is recognised), whether an RST is
 *    acceptable.
 *
 *    "Idle", for a keepalive, means everything sent was acknowledged; how
 *    long it has been idle is the shell's business (it has the clock).
 *
 *    A direction not seen yet takes its SND.NXT from the other side's ACK
 *    (the receiver has had everything up to it), so an entry picked up in
 *    the middle of a connection is checked from its first segments on.
 *
 *    RST acceptability (RFC 9293 3.10.7.4, RFC 5961 3.2). A synchronized
 *    endpoint resets only on SEG.SEQ == RCV.NXT and answers any other RST
 *    with a challenge ACK, staying open. The sender's end[] is the
 *    endpoint's RCV.NXT when everything sent arrived, and the right edge
 *    of its highest SACK block otherwise, which Linux accepts too
 *    (tcp_validate_incoming()), as it accepts RCV.NXT - 1 once the FIN is
 *    in. So an RST the tracked endpoint receives in a synchronized state
 *    is acceptable only at end[] (or end[] - 1 after the sender's FIN):
 *    an in-window guess no longer closes a live entry. Elsewhere the rule
 *    is the window's, [SND.NXT - RCV.WND, SND.NXT + RCV.WND] of the sender
 *    as nf_conntrack has it: for the endpoint's own RSTs, and in SYN_RECV
 *    (a request socket takes any in-window RST, tcp_check_req()). An
 *    orphan in FIN_WAIT_2 is a timewait socket, which takes any RST in
 *    [RCV.NXT, RCV.NXT + RCV.WND]; the exact rule keeps such an entry on
 *    a blind in-window guess, until its FIN_WAIT_2 timeout.
 *    An RST from a side never seen is acceptable only when it acknowledges
 *    exactly all the other side sent: the form RFC 9293 3.10.7.1 gives a
 *    reset answering a segment without ACK, and the one SYN-SENT accepts
 *    (3.10.7.3).
 *
 *    Window scale applies when both SYNs offered it (RFC 7323 2.2); the
 *    window of a SYN is never scaled. With the handshake not seen the
 *    scale is unknown and the raw window is used, which only narrows the
 *    RST check.
 *
 * 2. The state machine is a table state x direction x event; the event is
 *    made from the SYN/ACK/FIN/RST bits and the tracker's verdict by
 *    tcplens_fsm_event(). Its rows follow the RFC 9293 3.3.2 diagram, read
 *    from the tracked endpoint's side: an IN segment moves it the way its
 *    arrival does (the state after the endpoint processed it), an OUT one
 *    the way sending it does (SYN opens, FIN closes, RST aborts). Where the
 *    diagram leaves a choice or the observer starts late:
 *
 *    - segments a receiver drops change nothing: no SYN/ACK/FIN/RST bit, a
 *      FIN without ACK, SYN+FIN, an ACK of unsent data (RFC 9293
 *      3.10.7.4), a SYN in a synchronized state (RFC 5961 4: challenged),
 *      a FIN that is not where its sender's stream ends (an old duplicate,
 *      or data was sent past it);
 *    - an RST dominates the other bits, as in tcp_validate_incoming();
 *      an acceptable one closes any state, an unacceptable one nothing;
 *    - NONE is an entry that has learnt nothing. An ACK-only segment there
 *      means a connection already open: ESTABLISHED. A first-seen FIN is
 *      taken as the first one of the connection: FIN_WAIT_1 when we send
 *      it, CLOSE_WAIT when we receive it. An IN SYN+ACK means we had sent
 *      a SYN: ESTABLISHED (if we had not, our RST closes it);
 *    - CLOSED is sticky: only a SYN (a new incarnation) leaves it, in
 *      either direction, so a stray segment after an RST cannot revive an
 *      entry. The shell frees CLOSED entries; a later segment makes a new
 *      entry, picked up in the middle again;
 *    - TIME_WAIT + IN SYN -> SYN_RECV: Linux lets a SYN reopen a TIME_WAIT
 *      pair (tcp_timewait_state_process() -> TCP_TW_SYN, RFC 6191);
 *      TIME_WAIT + OUT SYN -> SYN_SENT is tcp_tw_reuse. The tracker starts
 *      over on such a SYN;
 *    - SYN_RECV + OUT ACK or FIN before any OUT SYN -> CLOSED: the reopen
 *      was refused. When Linux refuses a SYN to a TIME_WAIT pair (no
 *      listener, an old sequence) the timewait socket answers with a bare
 *      ACK, which no request socket sends; the peer then resets, and that
 *      RST ends the TIME_WAIT (tcp_rfc1337 = 0) but fails the sequence
 *      check, the tracker having started over with the SYN. This is the
 *      one step the table cannot hold (it needs the tracker's history):
 *      tcplens_fsm_refused_reopen();
 *    - TIME_WAIT + RST -> CLOSED, as Linux does with tcp_rfc1337 = 0;
 *    - an OUT ACK never moves an entry out of a state other than NONE;
 *    - retransmitted SYNs and FINs change nothing.
 *
 *    Known limits: a first-seen FIN guessed wrong (we had received the
 *    peer's FIN before the observer started) leaves FIN_WAIT_2 instead of
 *    CLOSED, which the shell's FIN_WAIT_2 timeout ends; a SYN that Linux
 *    rejects in TIME_WAIT (old sequence, PAWS) is still taken as a reopen.
 */

#include "tcplens_fsm.h"

#define TCPLENS_TRK_SIZE	16	/* budget of struct tcplens_seq_track */

/* The kernel's names, TCP_* less the prefix (include/net/tcp_states.h) */
static const char *const tcplens_state_names[] = {
	[TCPLENS_STATE_NONE]		= "NONE",
	[TCPLENS_STATE_CLOSED]		= "CLOSE",
	[TCPLENS_STATE_SYN_SENT]	= "SYN_SENT",
	[TCPLENS_STATE_SYN_RECV]	= "SYN_RECV",
	[TCPLENS_STATE_ESTABLISHED]	= "ESTABLISHED",
	[TCPLENS_STATE_FIN_WAIT_1]	= "FIN_WAIT1",
	[TCPLENS_STATE_FIN_WAIT_2]	= "FIN_WAIT2",
	[TCPLENS_STATE_CLOSING]		= "CLOSING",
	[TCPLENS_STATE_TIME_WAIT]	= "TIME_WAIT",
	[TCPLENS_STATE_CLOSE_WAIT]	= "CLOSE_WAIT",
	[TCPLENS_STATE_LAST_ACK]	= "LAST_ACK",
};

const char *tcplens_state_name(enum tcplens_state state)
{
	BUILD_BUG_ON(ARRAY_SIZE(tcplens_state_names) != TCPLENS_STATE_COUNT);

	if ((unsigned int)state >= TCPLENS_STATE_COUNT)
		return "INVALID";
	return tcplens_state_names[state];
}

/* Two-letter state names, for the table only. */
#define ST_NO	TCPLENS_STATE_NONE
#define ST_CL	TCPLENS_STATE_CLOSED
#define ST_SS	TCPLENS_STATE_SYN_SENT
#define ST_SR	TCPLENS_STATE_SYN_RECV
#define ST_ES	TCPLENS_STATE_ESTABLISHED
#define ST_F1	TCPLENS_STATE_FIN_WAIT_1
#define ST_F2	TCPLENS_STATE_FIN_WAIT_2
#define ST_CG	TCPLENS_STATE_CLOSING
#define ST_TW	TCPLENS_STATE_TIME_WAIT
#define ST_CW	TCPLENS_STATE_CLOSE_WAIT
#define ST_LA	TCPLENS_STATE_LAST_ACK

/* One row: the next state for each event, in enum tcplens_event order. */
#define FSM_ROW(inv, syn, sa, saf, ack, ackf, fin, finf, rst, rstb) {	\
	[TCPLENS_EV_INVALID]	 = ST_##inv,				\
	[TCPLENS_EV_SYN]	 = ST_##syn,				\
	[TCPLENS_EV_SYNACK]	 = ST_##sa,				\
	[TCPLENS_EV_SYNACK_FULL] = ST_##saf,				\
	[TCPLENS_EV_ACK]	 = ST_##ack,				\
	[TCPLENS_EV_ACK_FULL]	 = ST_##ackf,				\
	[TCPLENS_EV_FIN]	 = ST_##fin,				\
	[TCPLENS_EV_FIN_FULL]	 = ST_##finf,				\
	[TCPLENS_EV_RST]	 = ST_##rst,				\
	[TCPLENS_EV_RST_BAD]	 = ST_##rstb,				\
}

static const u8 tcplens_fsm_table[TCPLENS_STATE_COUNT][TCPLENS_DIR_COUNT]
				 [TCPLENS_EV_COUNT] = {
	/*		   inv  syn  s+a  s+a! ack  ack! fin  fin! rst  rst? */
	[TCPLENS_STATE_NONE] = {
		/* we open (SYN), answer a SYN unseen, are mid-stream, close */
		FSM_ROW(NO,  SS,  SR,  SR,  ES,  ES,  F1,  F1,  NO,  NO),
		/* passive open; our SYN unseen; mid-stream; the peer closes */
		FSM_ROW(NO,  SR,  ES,  ES,  ES,  ES,  CW,  CW,  NO,  NO),
	},
	[TCPLENS_STATE_CLOSED] = {
		/* no TCB: only a new incarnation's SYN leaves */
		FSM_ROW(CL,  SS,  SR,  SR,  CL,  CL,  CL,  CL,  CL,  CL),
		FSM_ROW(CL,  SR,  CL,  CL,  CL,  CL,  CL,  CL,  CL,  CL),
	},
	[TCPLENS_STATE_SYN_SENT] = {
		/* SYN retransmitted; SYN+ACK: a peer SYN we did not see */
		FSM_ROW(SS,  SS,  SR,  SR,  SS,  SS,  SS,  SS,  CL,  SS),
		/* simultaneous open; SYN+ACK of our SYN completes (3.10.7.3) */
		FSM_ROW(SS,  SR,  SS,  ES,  SS,  SS,  SS,  SS,  CL,  SS),
	},
	[TCPLENS_STATE_SYN_RECV] = {
		/* SYN+ACK retransmitted; close() before the ACK sends FIN */
		FSM_ROW(SR,  SR,  SR,  SR,  SR,  SR,  F1,  F1,  CL,  SR),
		/* ACK of our SYN+ACK completes; with a FIN it also closes */
		FSM_ROW(SR,  SR,  SR,  ES,  SR,  ES,  SR,  CW,  CL,  SR),
	},
	[TCPLENS_STATE_ESTABLISHED] = {
		/* active close */
		FSM_ROW(ES,  ES,  ES,  ES,  ES,  ES,  F1,  F1,  CL,  ES),
		/* passive close; SYN / SYN+ACK challenged (RFC 5961 4) */
		FSM_ROW(ES,  ES,  ES,  ES,  ES,  ES,  CW,  CW,  CL,  ES),
	},
	[TCPLENS_STATE_FIN_WAIT_1] = {
		/* FIN retransmitted */
		FSM_ROW(F1,  F1,  F1,  F1,  F1,  F1,  F1,  F1,  CL,  F1),
		/* ACK of our FIN; FIN alone: simultaneous close; both */
		FSM_ROW(F1,  F1,  F1,  F1,  F1,  F2,  CG,  TW,  CL,  F1),
	},
	[TCPLENS_STATE_FIN_WAIT_2] = {
		/* nothing we send moves it */
		FSM_ROW(F2,  F2,  F2,  F2,  F2,  F2,  F2,  F2,  CL,  F2),
		/* data still arrives (half close) until the peer's FIN */
		FSM_ROW(F2,  F2,  F2,  F2,  F2,  F2,  TW,  TW,  CL,  F2),
	},
	[TCPLENS_STATE_CLOSING] = {
		/* FIN retransmitted */
		FSM_ROW(CG,  CG,  CG,  CG,  CG,  CG,  CG,  CG,  CL,  CG),
		/* ACK of our FIN, alone or on a retransmitted FIN */
		FSM_ROW(CG,  CG,  CG,  CG,  CG,  TW,  CG,  TW,  CL,  CG),
	},
	[TCPLENS_STATE_TIME_WAIT] = {
		/* reuse by our connect() (tcp_tw_reuse) */
		FSM_ROW(TW,  SS,  SR,  SR,  TW,  TW,  TW,  TW,  CL,  TW),
		/* reopened by the peer's SYN; its FIN retransmitted */
		FSM_ROW(TW,  SR,  TW,  TW,  TW,  TW,  TW,  TW,  CL,  TW),
	},
	[TCPLENS_STATE_CLOSE_WAIT] = {
		/* our close() */
		FSM_ROW(CW,  CW,  CW,  CW,  CW,  CW,  LA,  LA,  CL,  CW),
		/* the peer's FIN retransmitted */
		FSM_ROW(CW,  CW,  CW,  CW,  CW,  CW,  CW,  CW,  CL,  CW),
	},
	[TCPLENS_STATE_LAST_ACK] = {
		/* FIN retransmitted */
		FSM_ROW(LA,  LA,  LA,  LA,  LA,  LA,  LA,  LA,  CL,  LA),
		/* ACK of our FIN ends it */
		FSM_ROW(LA,  LA,  LA,  LA,  LA,  CL,  LA,  CL,  CL,  LA),
	},
};

#undef FSM_ROW
#undef ST_NO
#undef ST_CL
#undef ST_SS
#undef ST_SR
#undef ST_ES
#undef ST_F1
#undef ST_F2
#undef ST_CG
#undef ST_TW
#undef ST_CW
#undef ST_LA

enum tcplens_event tcplens_fsm_event(u8 tcp_flags, u16 seg)
{
	bool full = false;

	if (tcp_flags & TCPLENS_TCP_RST)
		return seg & TCPLENS_SEG_RST_OK ? TCPLENS_EV_RST :
						  TCPLENS_EV_RST_BAD;
	if (tcp_flags & TCPLENS_TCP_ACK) {
		if (seg & TCPLENS_SEG_ACK_UNSENT)
			return TCPLENS_EV_INVALID;
		full = seg & TCPLENS_SEG_FULL_ACK;
	}
	if ((tcp_flags & TCPLENS_TCP_FIN) && (seg & TCPLENS_SEG_BAD_FIN))
		return TCPLENS_EV_INVALID;

	switch (tcp_flags & (TCPLENS_TCP_SYN | TCPLENS_TCP_ACK |
			     TCPLENS_TCP_FIN)) {
	case TCPLENS_TCP_SYN:
		return TCPLENS_EV_SYN;
	case TCPLENS_TCP_SYN | TCPLENS_TCP_ACK:
		return full ? TCPLENS_EV_SYNACK_FULL : TCPLENS_EV_SYNACK;
	case TCPLENS_TCP_ACK:
		return full ? TCPLENS_EV_ACK_FULL : TCPLENS_EV_ACK;
	case TCPLENS_TCP_ACK | TCPLENS_TCP_FIN:
		return full ? TCPLENS_EV_FIN_FULL : TCPLENS_EV_FIN;
	default:
		/* no flag, FIN without ACK, SYN+FIN: dropped */
		return TCPLENS_EV_INVALID;
	}
}

enum tcplens_state tcplens_fsm_next(enum tcplens_state state,
				    enum tcplens_dir dir,
				    enum tcplens_event ev)
{
	if ((unsigned int)state >= TCPLENS_STATE_COUNT ||
	    (unsigned int)dir >= TCPLENS_DIR_COUNT ||
	    (unsigned int)ev >= TCPLENS_EV_COUNT)
		return TCPLENS_STATE_NONE;
	return tcplens_fsm_table[state][dir][ev];
}

/* Sequence space a segment occupies: payload, plus one each for SYN, FIN. */
static u32 tcplens_seg_len(const struct tcplens_pkt *pkt)
{
	return pkt->payload_len + !!(pkt->flags & TCPLENS_TCP_SYN) +
	       !!(pkt->flags & TCPLENS_TCP_FIN);
}

/* Would a receiver process a segment with these flags (RST aside)? */
static bool tcplens_flags_valid(u8 tcp_flags)
{
	if (tcp_flags & TCPLENS_TCP_SYN)
		return !(tcp_flags & TCPLENS_TCP_FIN);
	return tcp_flags & TCPLENS_TCP_ACK;
}

/* Is @seq within [@lo, @lo + @span], modulo 2^32? */
static bool tcplens_seq_in_span(u32 seq, u32 lo, u32 span)
{
	return seq - lo <= span;
}

/* No connection in progress: a SYN here opens a new incarnation. */
static bool tcplens_state_idle(enum tcplens_state state)
{
	return state == TCPLENS_STATE_NONE || state == TCPLENS_STATE_CLOSED ||
	       state == TCPLENS_STATE_TIME_WAIT ||
	       (unsigned int)state >= TCPLENS_STATE_COUNT;
}

static bool tcplens_state_handshake(enum tcplens_state state)
{
	return state == TCPLENS_STATE_SYN_SENT ||
	       state == TCPLENS_STATE_SYN_RECV;
}

/* Window shift of direction @d: both SYNs must have offered scaling. */
static unsigned int tcplens_track_shift(const struct tcplens_seq_track *trk,
					unsigned int d)
{
	const u8 need = TCPLENS_TRK_SYN | TCPLENS_TRK_WS;

	if ((trk->flags[d] & need) != need ||
	    (trk->flags[d ^ 1] & need) != need)
		return 0;
	return min_t(unsigned int, trk->wscale[d], TCPLENS_MAX_WSCALE);
}

u32 tcplens_track_window(const struct tcplens_seq_track *trk,
			 enum tcplens_dir dir)
{
	unsigned int d = dir;

	if (d >= TCPLENS_DIR_COUNT || !(trk->flags[d] & TCPLENS_TRK_SEEN))
		return 0;
	if (trk->flags[d] & TCPLENS_TRK_WIN_SYN)
		return trk->win[d];
	return (u32)trk->win[d] << tcplens_track_shift(trk, d);
}

/* States where the tracked endpoint resets only on an exact sequence. */
static bool tcplens_state_rst_exact(enum tcplens_state state)
{
	switch (state) {
	case TCPLENS_STATE_ESTABLISHED:
	case TCPLENS_STATE_FIN_WAIT_1:
	case TCPLENS_STATE_FIN_WAIT_2:
	case TCPLENS_STATE_CLOSING:
	case TCPLENS_STATE_TIME_WAIT:
	case TCPLENS_STATE_CLOSE_WAIT:
	case TCPLENS_STATE_LAST_ACK:
		return true;
	default:
		return false;
	}
}

/* Would the receiver of this RST from @d accept it (see the top)? */
static bool tcplens_rst_acceptable(const struct tcplens_seq_track *trk,
				   enum tcplens_state state, unsigned int d,
				   const struct tcplens_pkt *pkt)
{
	unsigned int r = d ^ 1;
	u32 wnd;

	if ((trk->flags[d] & TCPLENS_TRK_KNOWN) && d == TCPLENS_DIR_IN &&
	    tcplens_state_rst_exact(state))
		return pkt->seq == trk->end[d] ||
		       ((trk->flags[d] & TCPLENS_TRK_FIN) &&
			pkt->seq == trk->end[d] - 1);
	if (trk->flags[d] & TCPLENS_TRK_KNOWN) {
		wnd = tcplens_track_window(trk, r);
		return tcplens_seq_in_span(pkt->seq, trk->end[d] - wnd, 2 * wnd);
	}
	return (pkt->flags & TCPLENS_TCP_ACK) &&
	       (trk->flags[r] & TCPLENS_TRK_KNOWN) && pkt->ack == trk->end[r];
}

/* Does @pkt from @d re-send sequence space @d already sent? */
static bool tcplens_track_is_retrans(const struct tcplens_seq_track *trk,
				     unsigned int d,
				     const struct tcplens_pkt *pkt)
{
	return (trk->flags[d] & TCPLENS_TRK_KNOWN) && tcplens_seg_len(pkt) &&
	       tcplens_seq_before(pkt->seq, trk->end[d]);
}

/* Record what the SYN from @d tells: that it was seen, its window scale. */
static void tcplens_track_learn_syn(struct tcplens_seq_track *trk,
				    unsigned int d,
				    const struct tcplens_pkt *pkt)
{
	trk->flags[d] |= TCPLENS_TRK_SYN;
	trk->flags[d] &= ~TCPLENS_TRK_WS;
	trk->wscale[d] = 0;
	if (pkt->opts & TCPLENS_OPT_WSCALE) {
		trk->flags[d] |= TCPLENS_TRK_WS;
		trk->wscale[d] = min_t(u8, pkt->wscale, TCPLENS_MAX_WSCALE);
	}
}

/* Forget direction @d: its sender starts over with a new ISN. */
static void tcplens_track_forget(struct tcplens_seq_track *trk,
				 unsigned int d)
{
	trk->end[d] = 0;
	trk->win[d] = 0;
	trk->wscale[d] = 0;
	trk->flags[d] = 0;
}

/*
 * A SYN from @d in @state. Returns the classification bits and sets
 * *@stray when the endpoint drops it (synchronized states).
 */
static u16 tcplens_track_syn(struct tcplens_seq_track *trk,
			     enum tcplens_state state, unsigned int d,
			     const struct tcplens_pkt *pkt, bool *stray)
{
	*stray = false;
	if (tcplens_state_idle(state)) {
		memset(trk, 0, sizeof(*trk));
		tcplens_track_learn_syn(trk, d, pkt);
		return TCPLENS_SEG_NEW_ISN;
	}
	if (!tcplens_state_handshake(state)) {
		*stray = true;
		return tcplens_track_is_retrans(trk, d, pkt) ?
		       TCPLENS_SEG_RETRANS : 0;
	}
	if ((trk->flags[d] & TCPLENS_TRK_SYN) &&
	    !tcplens_seq_before(pkt->seq, trk->end[d])) {
		/* during the handshake, a SYN past the old one: a new ISN */
		tcplens_track_forget(trk, d);
		tcplens_track_learn_syn(trk, d, pkt);
		return TCPLENS_SEG_NEW_ISN;
	}
	tcplens_track_learn_syn(trk, d, pkt);
	return 0;
}

/* The ACK field of a segment from @d, about what the other side sent. */
static u16 tcplens_track_ack(struct tcplens_seq_track *trk, unsigned int d,
			     u32 ack)
{
	unsigned int r = d ^ 1;

	if (!(trk->flags[r] & TCPLENS_TRK_SEEN)) {
		/* nothing seen from r: its SND.NXT is at least @ack */
		if (!(trk->flags[r] & TCPLENS_TRK_KNOWN) ||
		    tcplens_seq_after(ack, trk->end[r]))
			trk->end[r] = ack;
		trk->flags[r] |= TCPLENS_TRK_KNOWN;
		if (ack == trk->end[r])
			trk->flags[r] |= TCPLENS_TRK_ACKED;
		return 0;
	}
	if (ack == trk->end[r]) {
		trk->flags[r] |= TCPLENS_TRK_ACKED;
		return TCPLENS_SEG_FULL_ACK;
	}
	return tcplens_seq_after(ack, trk->end[r]) ? TCPLENS_SEG_ACK_UNSENT : 0;
}

/*
 * Probes: a bare ACK of at most one byte at SND.NXT - 1 (what Linux sends
 * for both, tcp_xmit_probe_skb()), or one new byte past a zero window (the
 * BSD persist probe). Under a zero window it is a window probe, otherwise
 * a keepalive if all was acknowledged (the connection is idle).
 */
static u16 tcplens_track_probe(const struct tcplens_seq_track *trk,
			       unsigned int d, const struct tcplens_pkt *pkt)
{
	unsigned int r = d ^ 1;
	bool zero_wnd = (trk->flags[r] & TCPLENS_TRK_SEEN) && !trk->win[r];
	u8 ctl = pkt->flags & (TCPLENS_TCP_SYN | TCPLENS_TCP_ACK |
			       TCPLENS_TCP_FIN | TCPLENS_TCP_RST);

	if (ctl != TCPLENS_TCP_ACK || pkt->payload_len > 1)
		return 0;
	if (pkt->seq == trk->end[d] - 1) {
		if (zero_wnd)
			return TCPLENS_SEG_WIN_PROBE;
		if (trk->flags[d] & TCPLENS_TRK_ACKED)
			return TCPLENS_SEG_KEEPALIVE;
		return 0;
	}
	if (zero_wnd && pkt->seq == trk->end[d] && pkt->payload_len == 1)
		return TCPLENS_SEG_WIN_PROBE;
	return 0;
}

/* The sequence space of a segment from @d: classify, then advance end[]. */
static u16 tcplens_track_seq(struct tcplens_seq_track *trk, unsigned int d,
			     const struct tcplens_pkt *pkt)
{
	u32 seg_end = pkt->seq + tcplens_seg_len(pkt);
	bool fin = pkt->flags & TCPLENS_TCP_FIN;
	u8 *flags = &trk->flags[d];
	u16 seg = 0;

	if (!(*flags & TCPLENS_TRK_KNOWN)) {
		trk->end[d] = seg_end;
		*flags |= TCPLENS_TRK_KNOWN;
	} else {
		seg = tcplens_track_probe(trk, d, pkt);
		if (!seg && tcplens_track_is_retrans(trk, d, pkt))
			seg = TCPLENS_SEG_RETRANS;
		/* nothing legitimate follows a FIN in sequence space */
		if (tcplens_seq_after(seg_end, trk->end[d]) &&
		    !(*flags & TCPLENS_TRK_FIN)) {
			trk->end[d] = seg_end;
			*flags &= ~TCPLENS_TRK_ACKED;
		}
	}
	*flags |= TCPLENS_TRK_SEEN;
	if (fin && seg_end == trk->end[d])
		*flags |= TCPLENS_TRK_FIN;
	else if (fin)
		seg |= TCPLENS_SEG_BAD_FIN;
	return seg;
}

/* The window field of a segment from @d. */
static u16 tcplens_track_set_window(struct tcplens_seq_track *trk,
				    unsigned int d,
				    const struct tcplens_pkt *pkt)
{
	trk->win[d] = pkt->window;
	if (pkt->flags & TCPLENS_TCP_SYN)
		trk->flags[d] |= TCPLENS_TRK_WIN_SYN;
	else
		trk->flags[d] &= ~TCPLENS_TRK_WIN_SYN;
	return pkt->window ? 0 : TCPLENS_SEG_ZERO_WIN;
}

u16 tcplens_track_segment(struct tcplens_seq_track *trk,
			  enum tcplens_state state, enum tcplens_dir dir,
			  const struct tcplens_pkt *pkt)
{
	unsigned int d = dir;
	bool stray;
	u16 seg = 0;

	BUILD_BUG_ON(sizeof(struct tcplens_seq_track) > TCPLENS_TRK_SIZE);

	if (d >= TCPLENS_DIR_COUNT)
		return 0;
	if (pkt->flags & TCPLENS_TCP_RST)
		return tcplens_rst_acceptable(trk, state, d, pkt) ?
		       TCPLENS_SEG_RST_OK : TCPLENS_SEG_RST_BAD;
	/* no SYN nor ACK, FIN without ACK, SYN+FIN: dropped, learn nothing */
	if (!tcplens_flags_valid(pkt->flags))
		return 0;
	if (pkt->flags & TCPLENS_TCP_SYN) {
		seg = tcplens_track_syn(trk, state, d, pkt, &stray);
		if (stray)
			return seg;
	}
	if (pkt->flags & TCPLENS_TCP_ACK)
		seg |= tcplens_track_ack(trk, d, pkt->ack);
	seg |= tcplens_track_seq(trk, d, pkt);
	seg |= tcplens_track_set_window(trk, d, pkt);
	return seg;
}

enum tcplens_dir tcplens_fsm_fwd_dir(const struct tcplens_pkt *pkt)
{
	switch (pkt->flags & (TCPLENS_TCP_SYN | TCPLENS_TCP_ACK)) {
	case TCPLENS_TCP_SYN:
		return TCPLENS_DIR_IN;		/* to the responder */
	case TCPLENS_TCP_SYN | TCPLENS_TCP_ACK:
		return TCPLENS_DIR_OUT;		/* from the responder */
	default:
		return pkt->dport <= pkt->sport ? TCPLENS_DIR_IN :
						  TCPLENS_DIR_OUT;
	}
}

bool tcplens_fsm_refused_reopen(enum tcplens_state next,
				const struct tcplens_seq_track *trk,
				enum tcplens_dir dir, u8 tcp_flags)
{
	return next == TCPLENS_STATE_SYN_RECV && dir == TCPLENS_DIR_OUT &&
	       !(tcp_flags & (TCPLENS_TCP_SYN | TCPLENS_TCP_RST)) &&
	       !(trk->flags[TCPLENS_DIR_OUT] & TCPLENS_TRK_SYN);
}

enum tcplens_state tcplens_fsm_input(enum tcplens_state state,
				     struct tcplens_seq_track *trk,
				     enum tcplens_dir dir,
				     const struct tcplens_pkt *pkt, u16 *seg)
{
	u16 cls = tcplens_track_segment(trk, state, dir, pkt);
	enum tcplens_state next;

	if (seg)
		*seg = cls;
	next = tcplens_fsm_next(state, dir, tcplens_fsm_event(pkt->flags, cls));
	if (tcplens_fsm_refused_reopen(next, trk, dir, pkt->flags))
		return TCPLENS_STATE_CLOSED;
	return next;
}
