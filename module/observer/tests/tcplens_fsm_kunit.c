// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the observer's TCP endpoint state machine and sequence
 * tracker (module/observer/core/tcplens_fsm.c).
 *
 * The table test checks every state x direction x flag byte x ACK verdict
 * x RST verdict against a reference written here from the RFC 9293 3.3.2
 * diagram and the observer's documented choices, in a different form (a
 * first-match rule list over flag patterns) from the implementation's
 * dense table. The scenario tests drive whole connections, packet by
 * packet, through tracker and state machine together.
 */
#include "../core/tcplens_fsm.c"

#include <kunit/test.h>

/* ---- reference transitions ---------------------------------------- */

#define S_	TCPLENS_TCP_SYN
#define A_	TCPLENS_TCP_ACK
#define F_	TCPLENS_TCP_FIN
#define R_	TCPLENS_TCP_RST

#define REF_ST(s)	BIT(TCPLENS_STATE_##s)
#define OUT_	BIT(TCPLENS_DIR_OUT)
#define IN_	BIT(TCPLENS_DIR_IN)

/* What the ACK field of a segment does, as the tracker would judge it. */
enum ref_ack {
	REF_PART,	/* acks less than all the receiver sent */
	REF_FULL,	/* acks exactly all of it */
	REF_UNSENT,	/* acks more than was sent */
	REF_ACK_KINDS
};

#define REF_ANY	REF_ACK_KINDS	/* rule ignores the ACK verdict */

struct ref_rule {
	unsigned int states;	/* REF_ST() set the rule applies in */
	unsigned int dirs;	/* OUT_ / IN_ */
	u8 need;		/* S_ A_ F_ bits that must be set */
	u8 forbid;		/* ... and that must be clear */
	u8 ack;			/* enum ref_ack, or REF_ANY */
	u8 next;		/* resulting state */
};

/* First match wins; no match: the state does not change. */
static const struct ref_rule ref_rules[] = {
	/* CLOSED -> SYN-SENT "snd SYN": active open, also TIME-WAIT reuse */
	{ REF_ST(NONE) | REF_ST(CLOSED) | REF_ST(TIME_WAIT), OUT_, S_, A_ | F_, REF_ANY,
	  TCPLENS_STATE_SYN_SENT },
	/* LISTEN / SYN-SENT -> SYN-RCVD "snd SYN,ACK" */
	{ REF_ST(NONE) | REF_ST(CLOSED) | REF_ST(SYN_SENT) | REF_ST(TIME_WAIT), OUT_,
	  S_ | A_, F_, REF_ANY, TCPLENS_STATE_SYN_RECV },
	/* we send on a connection we never saw open */
	{ REF_ST(NONE), OUT_, A_, S_ | F_, REF_ANY, TCPLENS_STATE_ESTABLISHED },
	/* CLOSE "snd FIN" from SYN-RCVD / ESTAB, or first thing seen */
	{ REF_ST(NONE) | REF_ST(SYN_RECV) | REF_ST(ESTABLISHED), OUT_, A_ | F_, S_,
	  REF_ANY, TCPLENS_STATE_FIN_WAIT_1 },
	/* CLOSE-WAIT -> LAST-ACK "snd FIN" */
	{ REF_ST(CLOSE_WAIT), OUT_, A_ | F_, S_, REF_ANY, TCPLENS_STATE_LAST_ACK },
	/* "rcv SYN": LISTEN, SYN-SENT (simultaneous open), reopen */
	{ REF_ST(NONE) | REF_ST(CLOSED) | REF_ST(SYN_SENT) | REF_ST(TIME_WAIT), IN_, S_,
	  A_ | F_, REF_ANY, TCPLENS_STATE_SYN_RECV },
	/* "rcv SYN,ACK": our SYN was sent before we looked */
	{ REF_ST(NONE), IN_, S_ | A_, F_, REF_ANY, TCPLENS_STATE_ESTABLISHED },
	/* SYN-SENT "rcv SYN,ACK"; SYN-RCVD "rcv ACK of SYN" with SYN */
	{ REF_ST(SYN_SENT) | REF_ST(SYN_RECV), IN_, S_ | A_, F_, REF_FULL,
	  TCPLENS_STATE_ESTABLISHED },
	/* the peer sends on a connection we never saw open */
	{ REF_ST(NONE), IN_, A_, S_ | F_, REF_ANY, TCPLENS_STATE_ESTABLISHED },
	/* SYN-RCVD "rcv ACK of SYN" */
	{ REF_ST(SYN_RECV), IN_, A_, S_ | F_, REF_FULL,
	  TCPLENS_STATE_ESTABLISHED },
	/* FIN-WAIT-1 "rcv ACK of FIN" */
	{ REF_ST(FIN_WAIT_1), IN_, A_, S_ | F_, REF_FULL,
	  TCPLENS_STATE_FIN_WAIT_2 },
	/* CLOSING "rcv ACK of FIN" */
	{ REF_ST(CLOSING), IN_, A_, S_ | F_, REF_FULL, TCPLENS_STATE_TIME_WAIT },
	/* LAST-ACK "rcv ACK of FIN" */
	{ REF_ST(LAST_ACK), IN_, A_, S_ | F_, REF_FULL, TCPLENS_STATE_CLOSED },
	/* ESTAB "rcv FIN"; a first-seen FIN is the peer closing first */
	{ REF_ST(NONE) | REF_ST(ESTABLISHED), IN_, A_ | F_, S_, REF_ANY,
	  TCPLENS_STATE_CLOSE_WAIT },
	/* SYN-RCVD: the ACK of our SYN completes, then its FIN */
	{ REF_ST(SYN_RECV), IN_, A_ | F_, S_, REF_FULL,
	  TCPLENS_STATE_CLOSE_WAIT },
	/* FIN-WAIT-1 "rcv FIN" with the ACK of ours: straight on */
	{ REF_ST(FIN_WAIT_1), IN_, A_ | F_, S_, REF_FULL,
	  TCPLENS_STATE_TIME_WAIT },
	/* FIN-WAIT-1 "rcv FIN" without: simultaneous close */
	{ REF_ST(FIN_WAIT_1), IN_, A_ | F_, S_, REF_PART, TCPLENS_STATE_CLOSING },
	/* FIN-WAIT-2 "rcv FIN" */
	{ REF_ST(FIN_WAIT_2), IN_, A_ | F_, S_, REF_ANY, TCPLENS_STATE_TIME_WAIT },
	/* the peer's FIN again, now carrying the ACK of ours */
	{ REF_ST(CLOSING), IN_, A_ | F_, S_, REF_FULL, TCPLENS_STATE_TIME_WAIT },
	{ REF_ST(LAST_ACK), IN_, A_ | F_, S_, REF_FULL, TCPLENS_STATE_CLOSED },
};

static enum tcplens_state ref_next(enum tcplens_state state,
				   enum tcplens_dir dir, u8 flags,
				   enum ref_ack ack, bool rst_ok, bool bad_fin)
{
	unsigned int i;

	flags &= S_ | A_ | F_ | R_;
	/* RFC 9293 3.10.7.3/4 "check the RST bit", before anything else */
	if (flags & R_) {
		if (rst_ok && state != TCPLENS_STATE_NONE &&
		    state != TCPLENS_STATE_CLOSED)
			return TCPLENS_STATE_CLOSED;
		return state;
	}
	/* 3.10.7.4 "check the ACK field": ACK of unsent data, dropped */
	if ((flags & A_) && ack == REF_UNSENT)
		return state;
	/* 3.10.7.4 "first check sequence number": an old FIN, dropped */
	if ((flags & F_) && bad_fin)
		return state;

	for (i = 0; i < ARRAY_SIZE(ref_rules); i++) {
		const struct ref_rule *r = &ref_rules[i];

		if (!(r->states & BIT(state)) || !(r->dirs & BIT(dir)))
			continue;
		if ((flags & r->need) != r->need || (flags & r->forbid))
			continue;
		if (r->ack != REF_ANY && r->ack != ack)
			continue;
		return r->next;
	}
	return state;
}

/* The tracker verdict bits that stand for @ack, @rst_ok and @bad_fin. */
static u16 ref_seg(u8 flags, enum ref_ack ack, bool rst_ok, bool bad_fin)
{
	u16 seg = bad_fin && (flags & F_) ? TCPLENS_SEG_BAD_FIN : 0;

	if (ack == REF_FULL)
		seg |= TCPLENS_SEG_FULL_ACK;
	if (ack == REF_UNSENT)
		seg |= TCPLENS_SEG_ACK_UNSENT;
	if (flags & R_)
		seg |= rst_ok ? TCPLENS_SEG_RST_OK : TCPLENS_SEG_RST_BAD;
	return seg;
}

static void tcplens_fsm_table_exhaustive(struct kunit *test)
{
	const unsigned int per_state = 4 * REF_ACK_KINDS * 256 *
				       TCPLENS_DIR_COUNT;
	unsigned int i, bad = 0;

	/*
	 * i enumerates state x dir x flag byte x ACK verdict x RST verdict
	 * x FIN verdict
	 */
	for (i = 0; i < TCPLENS_STATE_COUNT * per_state; i++) {
		bool bad_fin = i & 1, rst_ok = i & 2;
		enum ref_ack ack = i / 4 % REF_ACK_KINDS;
		u8 flags = i / (4 * REF_ACK_KINDS) % 256;
		enum tcplens_dir dir = i / (4 * REF_ACK_KINDS * 256) %
				       TCPLENS_DIR_COUNT;
		enum tcplens_state state = i / per_state;
		enum tcplens_state got, want;
		enum tcplens_event ev;

		ev = tcplens_fsm_event(flags,
				       ref_seg(flags, ack, rst_ok, bad_fin));
		got = tcplens_fsm_next(state, dir, ev);
		want = ref_next(state, dir, flags, ack, rst_ok, bad_fin);
		if (got == want)
			continue;
		if (++bad <= 10)
			KUNIT_FAIL(test,
				   "%s %s flags %#x ack %u rst_ok %u bad_fin %u: %s, want %s",
				   tcplens_state_name(state),
				   dir ? "IN" : "OUT", flags, ack, rst_ok,
				   bad_fin, tcplens_state_name(got),
				   tcplens_state_name(want));
	}
	KUNIT_EXPECT_EQ(test, bad, 0U);
	/* the last index is the last state: all were visited */
	KUNIT_EXPECT_EQ(test, (i - 1) / per_state, TCPLENS_STATE_COUNT - 1U);
}

static void tcplens_fsm_event_mapping(struct kunit *test)
{
	/* the 16 SYN/ACK/FIN/RST combinations, ACK verdict partial */
	static const u8 want[(S_ | A_ | F_) + 1] = {
		[0]			= TCPLENS_EV_INVALID,
		[F_]			= TCPLENS_EV_INVALID,
		[S_]			= TCPLENS_EV_SYN,
		[S_ | F_]		= TCPLENS_EV_INVALID,
		[A_]			= TCPLENS_EV_ACK,
		[A_ | F_]		= TCPLENS_EV_FIN,
		[A_ | S_]		= TCPLENS_EV_SYNACK,
		[A_ | S_ | F_]		= TCPLENS_EV_INVALID,
	};
	const u8 other = TCPLENS_TCP_PSH | TCPLENS_TCP_URG | TCPLENS_TCP_ECE |
			 TCPLENS_TCP_CWR;
	unsigned int f;

	for (f = 0; f < 16; f++) {
		u8 flags = (f & 1 ? F_ : 0) | (f & 2 ? S_ : 0) |
			   (f & 4 ? R_ : 0) | (f & 8 ? A_ : 0);

		if (flags & R_) {
			KUNIT_EXPECT_EQ(test,
					tcplens_fsm_event(flags, TCPLENS_SEG_RST_OK),
					TCPLENS_EV_RST);
			KUNIT_EXPECT_EQ(test,
					tcplens_fsm_event(flags, TCPLENS_SEG_RST_BAD),
					TCPLENS_EV_RST_BAD);
			/* no verdict is no acceptance */
			KUNIT_EXPECT_EQ(test, tcplens_fsm_event(flags, 0),
					TCPLENS_EV_RST_BAD);
			continue;
		}
		KUNIT_EXPECT_EQ_MSG(test, tcplens_fsm_event(flags, 0),
				    want[flags & (S_ | A_ | F_)],
				    "flags %#x", flags);
		/* PSH, URG, ECE, CWR change nothing */
		KUNIT_EXPECT_EQ(test, tcplens_fsm_event(flags | other, 0),
				tcplens_fsm_event(flags, 0));
	}
	KUNIT_EXPECT_EQ(test, tcplens_fsm_event(A_, TCPLENS_SEG_FULL_ACK),
			TCPLENS_EV_ACK_FULL);
	KUNIT_EXPECT_EQ(test, tcplens_fsm_event(A_ | F_, TCPLENS_SEG_FULL_ACK),
			TCPLENS_EV_FIN_FULL);
	KUNIT_EXPECT_EQ(test, tcplens_fsm_event(A_ | S_, TCPLENS_SEG_FULL_ACK),
			TCPLENS_EV_SYNACK_FULL);
	/* ACK verdicts mean nothing without the ACK bit */
	KUNIT_EXPECT_EQ(test, tcplens_fsm_event(S_, TCPLENS_SEG_ACK_UNSENT),
			TCPLENS_EV_SYN);
	KUNIT_EXPECT_EQ(test, tcplens_fsm_event(A_ | F_, TCPLENS_SEG_ACK_UNSENT),
			TCPLENS_EV_INVALID);
}

static void tcplens_fsm_names_and_range(struct kunit *test)
{
	static const char *const procfs[TCPLENS_STATE_COUNT] = {
		"NONE", "CLOSE", "SYN_SENT", "SYN_RECV", "ESTABLISHED",
		"FIN_WAIT1", "FIN_WAIT2", "CLOSING", "TIME_WAIT",
		"CLOSE_WAIT", "LAST_ACK",
	};
	unsigned int s;

	for (s = 0; s < TCPLENS_STATE_COUNT; s++)
		KUNIT_EXPECT_STREQ(test, tcplens_state_name(s), procfs[s]);
	KUNIT_EXPECT_STREQ(test, tcplens_state_name(TCPLENS_STATE_COUNT),
			   "INVALID");

	KUNIT_EXPECT_EQ(test, tcplens_fsm_next(TCPLENS_STATE_COUNT,
					       TCPLENS_DIR_IN, TCPLENS_EV_ACK),
			TCPLENS_STATE_NONE);
	KUNIT_EXPECT_EQ(test, tcplens_fsm_next(TCPLENS_STATE_ESTABLISHED,
					       TCPLENS_DIR_COUNT,
					       TCPLENS_EV_ACK),
			TCPLENS_STATE_NONE);
	KUNIT_EXPECT_EQ(test, tcplens_fsm_next(TCPLENS_STATE_ESTABLISHED,
					       TCPLENS_DIR_IN,
					       TCPLENS_EV_COUNT),
			TCPLENS_STATE_NONE);
	KUNIT_EXPECT_LE(test, sizeof(struct tcplens_seq_track), 16UL);
}

/* ---- scenarios: tracker and state machine together ----------------- */

#define OUT	TCPLENS_DIR_OUT
#define IN	TCPLENS_DIR_IN
#define WIN	8192	/* raw window of the scenario segments */
#define LISS	1000	/* our initial sequence number */
#define PISS	5000	/* the peer's */

struct conn {
	enum tcplens_state st;
	struct tcplens_seq_track trk;
};

static void mkpkt(struct tcplens_pkt *p, u8 flags, u32 seq, u32 ack,
		  u32 len, u16 win)
{
	memset(p, 0, sizeof(*p));
	p->family = 4;
	p->flags = flags;
	p->seq = seq;
	p->ack = ack;
	p->payload_len = len;
	p->window = win;
	p->doff = 5;
}

/* Feed @p travelling @dir; expect @want. Returns the classification. */
static u16 feed(struct kunit *test, struct conn *c, enum tcplens_dir dir,
		const struct tcplens_pkt *p, enum tcplens_state want)
{
	enum tcplens_state from = c->st;
	u16 seg;

	c->st = tcplens_fsm_input(c->st, &c->trk, dir, p, &seg);
	KUNIT_EXPECT_EQ_MSG(test, c->st, want,
			    "%s %s flags %#x seq %u ack %u: %s, want %s",
			    tcplens_state_name(from), dir ? "IN" : "OUT",
			    p->flags, p->seq, p->ack, tcplens_state_name(c->st),
			    tcplens_state_name(want));
	return seg;
}

static u16 step(struct kunit *test, struct conn *c, enum tcplens_dir dir,
		u8 flags, u32 seq, u32 ack, u32 len, enum tcplens_state want)
{
	struct tcplens_pkt p;

	mkpkt(&p, flags, seq, ack, len, WIN);
	return feed(test, c, dir, &p, want);
}

/* A SYN or SYN+ACK offering window scale @ws (negative: no option). */
static u16 step_syn(struct kunit *test, struct conn *c, enum tcplens_dir dir,
		    u8 flags, u32 seq, u32 ack, int ws,
		    enum tcplens_state want)
{
	struct tcplens_pkt p;

	mkpkt(&p, flags, seq, ack, 0, 65535);
	if (ws >= 0) {
		p.opts |= TCPLENS_OPT_WSCALE;
		p.wscale = ws;
	}
	return feed(test, c, dir, &p, want);
}

static void establish(struct kunit *test, struct conn *c)
{
	memset(c, 0, sizeof(*c));
	step(test, c, OUT, S_, LISS, 0, 0, TCPLENS_STATE_SYN_SENT);
	step(test, c, IN, S_ | A_, PISS, LISS + 1, 0,
	     TCPLENS_STATE_ESTABLISHED);
	step(test, c, OUT, A_, LISS + 1, PISS + 1, 0,
	     TCPLENS_STATE_ESTABLISHED);
}

static void tcplens_fsm_active_open_close(struct kunit *test)
{
	struct conn c = {};
	u16 seg;

	seg = step(test, &c, OUT, S_, LISS, 0, 0, TCPLENS_STATE_SYN_SENT);
	KUNIT_EXPECT_TRUE(test, seg & TCPLENS_SEG_NEW_ISN);
	seg = step(test, &c, IN, S_ | A_, PISS, LISS + 1, 0,
		   TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_TRUE(test, seg & TCPLENS_SEG_FULL_ACK);
	step(test, &c, OUT, A_, LISS + 1, PISS + 1, 0,
	     TCPLENS_STATE_ESTABLISHED);
	step(test, &c, OUT, A_ | TCPLENS_TCP_PSH, LISS + 1, PISS + 1, 100,
	     TCPLENS_STATE_ESTABLISHED);
	seg = step(test, &c, IN, A_, PISS + 1, LISS + 101, 50,
		   TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, seg, TCPLENS_SEG_FULL_ACK);
	step(test, &c, OUT, A_ | F_, LISS + 101, PISS + 51, 0,
	     TCPLENS_STATE_FIN_WAIT_1);
	KUNIT_EXPECT_TRUE(test, c.trk.flags[OUT] & TCPLENS_TRK_FIN);
	/* an ACK of the data before our FIN is not the ACK of the FIN */
	step(test, &c, IN, A_, PISS + 51, LISS + 101, 0,
	     TCPLENS_STATE_FIN_WAIT_1);
	step(test, &c, IN, A_, PISS + 51, LISS + 102, 0,
	     TCPLENS_STATE_FIN_WAIT_2);
	/* half closed: the peer still sends */
	step(test, &c, IN, A_, PISS + 51, LISS + 102, 10,
	     TCPLENS_STATE_FIN_WAIT_2);
	step(test, &c, OUT, A_, LISS + 102, PISS + 61, 0,
	     TCPLENS_STATE_FIN_WAIT_2);
	step(test, &c, IN, A_ | F_, PISS + 61, LISS + 102, 0,
	     TCPLENS_STATE_TIME_WAIT);
	step(test, &c, OUT, A_, LISS + 102, PISS + 62, 0,
	     TCPLENS_STATE_TIME_WAIT);
}

static void tcplens_fsm_passive_open_close(struct kunit *test)
{
	struct conn c = {};
	u16 seg;

	step(test, &c, IN, S_, PISS, 0, 0, TCPLENS_STATE_SYN_RECV);
	step(test, &c, OUT, S_ | A_, LISS, PISS + 1, 0,
	     TCPLENS_STATE_SYN_RECV);
	/* an ACK that does not cover our SYN+ACK: still SYN_RECV */
	step(test, &c, IN, A_, PISS + 1, LISS, 0, TCPLENS_STATE_SYN_RECV);
	step(test, &c, IN, A_, PISS + 1, LISS + 1, 0,
	     TCPLENS_STATE_ESTABLISHED);
	step(test, &c, IN, A_ | F_, PISS + 1, LISS + 1, 0,
	     TCPLENS_STATE_CLOSE_WAIT);
	/* we keep sending after the peer's FIN: half close */
	step(test, &c, OUT, A_, LISS + 1, PISS + 2, 300,
	     TCPLENS_STATE_CLOSE_WAIT);
	step(test, &c, IN, A_, PISS + 2, LISS + 301, 0,
	     TCPLENS_STATE_CLOSE_WAIT);
	step(test, &c, OUT, A_ | F_, LISS + 301, PISS + 2, 0,
	     TCPLENS_STATE_LAST_ACK);
	seg = step(test, &c, OUT, A_ | F_, LISS + 301, PISS + 2, 0,
		   TCPLENS_STATE_LAST_ACK);
	KUNIT_EXPECT_TRUE(test, seg & TCPLENS_SEG_RETRANS);
	step(test, &c, IN, A_, PISS + 2, LISS + 301, 0,
	     TCPLENS_STATE_LAST_ACK);
	step(test, &c, IN, A_, PISS + 2, LISS + 302, 0, TCPLENS_STATE_CLOSED);
}

static void tcplens_fsm_simultaneous_open(struct kunit *test)
{
	struct conn c = {};

	step(test, &c, OUT, S_, LISS, 0, 0, TCPLENS_STATE_SYN_SENT);
	step(test, &c, IN, S_, PISS, 0, 0, TCPLENS_STATE_SYN_RECV);
	step(test, &c, OUT, S_ | A_, LISS, PISS + 1, 0,
	     TCPLENS_STATE_SYN_RECV);
	/* the peer's SYN+ACK, not yet acking our SYN, then acking it */
	step(test, &c, IN, S_ | A_, PISS, LISS, 0, TCPLENS_STATE_SYN_RECV);
	step(test, &c, IN, S_ | A_, PISS, LISS + 1, 0,
	     TCPLENS_STATE_ESTABLISHED);
	step(test, &c, OUT, A_, LISS + 1, PISS + 1, 0,
	     TCPLENS_STATE_ESTABLISHED);
}

static void tcplens_fsm_simultaneous_close(struct kunit *test)
{
	struct conn c;

	establish(test, &c);
	step(test, &c, OUT, A_ | F_, LISS + 1, PISS + 1, 0,
	     TCPLENS_STATE_FIN_WAIT_1);
	/* the peer's FIN crossed ours: it does not ack it */
	step(test, &c, IN, A_ | F_, PISS + 1, LISS + 1, 0,
	     TCPLENS_STATE_CLOSING);
	step(test, &c, OUT, A_, LISS + 2, PISS + 2, 0, TCPLENS_STATE_CLOSING);
	step(test, &c, IN, A_, PISS + 2, LISS + 2, 0, TCPLENS_STATE_TIME_WAIT);

	/* FIN+ACK acking our FIN: FIN_WAIT_1 -> TIME_WAIT directly */
	establish(test, &c);
	step(test, &c, OUT, A_ | F_, LISS + 1, PISS + 1, 0,
	     TCPLENS_STATE_FIN_WAIT_1);
	step(test, &c, IN, A_ | F_, PISS + 1, LISS + 2, 0,
	     TCPLENS_STATE_TIME_WAIT);

	/* CLOSING left by a retransmitted FIN that now acks ours */
	establish(test, &c);
	step(test, &c, OUT, A_ | F_, LISS + 1, PISS + 1, 0,
	     TCPLENS_STATE_FIN_WAIT_1);
	step(test, &c, IN, A_ | F_, PISS + 1, LISS + 1, 0,
	     TCPLENS_STATE_CLOSING);
	step(test, &c, IN, A_ | F_, PISS + 1, LISS + 2, 0,
	     TCPLENS_STATE_TIME_WAIT);
}

static void tcplens_fsm_rst_window(struct kunit *test)
{
	struct conn c;
	u16 seg;

	/*
	 * Synchronized, we reset only at RCV.NXT (RFC 5961 3.2): an RST in
	 * our window, or outside it, gets a challenge ACK and changes nothing.
	 */
	establish(test, &c);
	seg = step(test, &c, IN, R_, PISS + 1 + WIN + 1, 0, 0,
		   TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, seg, TCPLENS_SEG_RST_BAD);
	step(test, &c, IN, R_, PISS + 1 - WIN - 1, 0, 0,
	     TCPLENS_STATE_ESTABLISHED);
	step(test, &c, IN, R_ | A_, PISS + 1 + 0x80000000u, LISS + 1, 0,
	     TCPLENS_STATE_ESTABLISHED);
	seg = step(test, &c, IN, R_, PISS + 1 + WIN, 0, 0,
		   TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, seg, TCPLENS_SEG_RST_BAD);
	step(test, &c, IN, R_, PISS + 2, 0, 0, TCPLENS_STATE_ESTABLISHED);
	step(test, &c, IN, R_, PISS, 0, 0, TCPLENS_STATE_ESTABLISHED);
	seg = step(test, &c, IN, R_ | A_, PISS + 1, LISS + 1, 0,
		   TCPLENS_STATE_CLOSED);
	KUNIT_EXPECT_EQ(test, seg, TCPLENS_SEG_RST_OK);

	/* ours: the window's rule, [SND.NXT - WND, SND.NXT + WND] */
	establish(test, &c);
	step(test, &c, OUT, R_ | A_, LISS + 1 + WIN + 1, PISS + 1, 0,
	     TCPLENS_STATE_ESTABLISHED);
	step(test, &c, OUT, R_ | A_, LISS + 1 - WIN, PISS + 1, 0,
	     TCPLENS_STATE_CLOSED);
	establish(test, &c);
	step(test, &c, OUT, R_ | A_, LISS + 1, PISS + 1, 0,
	     TCPLENS_STATE_CLOSED);

	/* after the peer's FIN, RCV.NXT - 1 resets too (tcp_reset_check()) */
	establish(test, &c);
	step(test, &c, IN, A_ | F_, PISS + 1, LISS + 1, 0,
	     TCPLENS_STATE_CLOSE_WAIT);
	step(test, &c, IN, R_, PISS + 3, 0, 0, TCPLENS_STATE_CLOSE_WAIT);
	step(test, &c, IN, R_, PISS + 1, 0, 0, TCPLENS_STATE_CLOSED);
	establish(test, &c);
	step(test, &c, IN, A_ | F_, PISS + 1, LISS + 1, 0,
	     TCPLENS_STATE_CLOSE_WAIT);
	step(test, &c, IN, R_, PISS + 2, 0, 0, TCPLENS_STATE_CLOSED);

	/* data the peer sent moves the exact point */
	establish(test, &c);
	step(test, &c, IN, A_, PISS + 1, LISS + 1, 100,
	     TCPLENS_STATE_ESTABLISHED);
	step(test, &c, IN, R_, PISS + 1, 0, 0, TCPLENS_STATE_ESTABLISHED);
	step(test, &c, IN, R_, PISS + 101, 0, 0, TCPLENS_STATE_CLOSED);

	/* a zero window leaves only the exact sequence */
	establish(test, &c);
	{
		struct tcplens_pkt p;

		mkpkt(&p, A_, LISS + 1, PISS + 1, 0, 0);
		seg = feed(test, &c, OUT, &p, TCPLENS_STATE_ESTABLISHED);
		KUNIT_EXPECT_TRUE(test, seg & TCPLENS_SEG_ZERO_WIN);
	}
	step(test, &c, IN, R_, PISS + 2, 0, 0, TCPLENS_STATE_ESTABLISHED);
	step(test, &c, IN, R_, PISS, 0, 0, TCPLENS_STATE_ESTABLISHED);
	step(test, &c, IN, R_, PISS + 1, 0, 0, TCPLENS_STATE_CLOSED);

	/* RST in the other states */
	establish(test, &c);
	step(test, &c, OUT, A_ | F_, LISS + 1, PISS + 1, 0,
	     TCPLENS_STATE_FIN_WAIT_1);
	step(test, &c, IN, A_, PISS + 1, LISS + 2, 0,
	     TCPLENS_STATE_FIN_WAIT_2);
	step(test, &c, IN, R_, PISS + 1 + 2 * WIN, 0, 0,
	     TCPLENS_STATE_FIN_WAIT_2);
	step(test, &c, IN, R_, PISS + 1 + WIN, 0, 0,
	     TCPLENS_STATE_FIN_WAIT_2);
	step(test, &c, IN, R_, PISS + 1, 0, 0, TCPLENS_STATE_CLOSED);
	/* no TCB: an RST changes nothing */
	step(test, &c, IN, R_, PISS + 1, 0, 0, TCPLENS_STATE_CLOSED);
}

static void tcplens_fsm_rst_scaled_window(struct kunit *test)
{
	struct conn c = {};
	struct tcplens_pkt p;

	/* both offer scaling: a raw window 100 << 7 = 12800 bytes */
	step_syn(test, &c, OUT, S_, LISS, 0, 7, TCPLENS_STATE_SYN_SENT);
	/* the window in a SYN is never scaled */
	KUNIT_EXPECT_EQ(test, tcplens_track_window(&c.trk, OUT), 65535U);
	step_syn(test, &c, IN, S_ | A_, PISS, LISS + 1, 7,
		 TCPLENS_STATE_ESTABLISHED);
	/* scaling is agreed now, but not for the SYN+ACK's own window */
	KUNIT_EXPECT_EQ(test, tcplens_track_window(&c.trk, IN), 65535U);
	mkpkt(&p, A_, LISS + 1, PISS + 1, 0, 100);
	feed(test, &c, OUT, &p, TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, tcplens_track_window(&c.trk, OUT), 12800U);
	mkpkt(&p, A_, PISS + 1, LISS + 1, 0, 100);
	feed(test, &c, IN, &p, TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, tcplens_track_window(&c.trk, IN), 12800U);
	/* our own RST is checked against the peer's scaled window */
	step(test, &c, OUT, R_, LISS + 1 + 12801, 0, 0,
	     TCPLENS_STATE_ESTABLISHED);
	step(test, &c, OUT, R_, LISS + 1 + 12800, 0, 0, TCPLENS_STATE_CLOSED);

	/* the peer does not offer it: no scaling either way */
	memset(&c, 0, sizeof(c));
	step_syn(test, &c, OUT, S_, LISS, 0, 7, TCPLENS_STATE_SYN_SENT);
	step_syn(test, &c, IN, S_ | A_, PISS, LISS + 1, -1,
		 TCPLENS_STATE_ESTABLISHED);
	mkpkt(&p, A_, LISS + 1, PISS + 1, 0, 100);
	feed(test, &c, OUT, &p, TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, tcplens_track_window(&c.trk, OUT), 100U);
	mkpkt(&p, A_, PISS + 1, LISS + 1, 0, 100);
	feed(test, &c, IN, &p, TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, tcplens_track_window(&c.trk, IN), 100U);
	step(test, &c, OUT, R_, LISS + 1 + 101, 0, 0,
	     TCPLENS_STATE_ESTABLISHED);
	step(test, &c, OUT, R_, LISS + 1 + 100, 0, 0, TCPLENS_STATE_CLOSED);

	/* a shift above 14 is used as 14 (RFC 7323 2.3) */
	memset(&c, 0, sizeof(c));
	step_syn(test, &c, OUT, S_, LISS, 0, 15, TCPLENS_STATE_SYN_SENT);
	step_syn(test, &c, IN, S_ | A_, PISS, LISS + 1, 0,
		 TCPLENS_STATE_ESTABLISHED);
	mkpkt(&p, A_, LISS + 1, PISS + 1, 0, 65535);
	feed(test, &c, OUT, &p, TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, tcplens_track_window(&c.trk, OUT),
			65535U << TCPLENS_MAX_WSCALE);
}

static void tcplens_fsm_rst_handshake(struct kunit *test)
{
	struct conn c = {};

	/* connection refused: RST+ACK acking our SYN (RFC 9293 3.10.7.3) */
	step(test, &c, OUT, S_, LISS, 0, 0, TCPLENS_STATE_SYN_SENT);
	step(test, &c, IN, R_ | A_, 0, LISS + 5, 0, TCPLENS_STATE_SYN_SENT);
	step(test, &c, IN, R_, 0, 0, 0, TCPLENS_STATE_SYN_SENT);
	step(test, &c, IN, R_ | A_, 0, LISS + 1, 0, TCPLENS_STATE_CLOSED);

	/* we refuse a SYN */
	memset(&c, 0, sizeof(c));
	step(test, &c, IN, S_, PISS, 0, 0, TCPLENS_STATE_SYN_RECV);
	step(test, &c, OUT, R_ | A_, 0, PISS + 1, 0, TCPLENS_STATE_CLOSED);

	/* the peer aborts its half-open connection */
	memset(&c, 0, sizeof(c));
	step(test, &c, IN, S_, PISS, 0, 0, TCPLENS_STATE_SYN_RECV);
	step(test, &c, OUT, S_ | A_, LISS, PISS + 1, 0,
	     TCPLENS_STATE_SYN_RECV);
	step(test, &c, IN, R_, PISS + 1, 0, 0, TCPLENS_STATE_CLOSED);

	/* a SYN+ACK that does not ack our SYN is refused */
	memset(&c, 0, sizeof(c));
	step(test, &c, OUT, S_, LISS, 0, 0, TCPLENS_STATE_SYN_SENT);
	step(test, &c, IN, S_ | A_, PISS, LISS + 7, 0,
	     TCPLENS_STATE_SYN_SENT);
	step(test, &c, IN, S_ | A_, PISS, LISS, 0, TCPLENS_STATE_SYN_SENT);
}

static void tcplens_fsm_retransmissions(struct kunit *test)
{
	struct conn c = {};
	u16 seg;

	step(test, &c, OUT, S_, LISS, 0, 0, TCPLENS_STATE_SYN_SENT);
	seg = step(test, &c, OUT, S_, LISS, 0, 0, TCPLENS_STATE_SYN_SENT);
	KUNIT_EXPECT_TRUE(test, seg & TCPLENS_SEG_RETRANS);
	KUNIT_EXPECT_FALSE(test, seg & TCPLENS_SEG_NEW_ISN);

	memset(&c, 0, sizeof(c));
	step(test, &c, IN, S_, PISS, 0, 0, TCPLENS_STATE_SYN_RECV);
	step(test, &c, OUT, S_ | A_, LISS, PISS + 1, 0,
	     TCPLENS_STATE_SYN_RECV);
	seg = step(test, &c, IN, S_, PISS, 0, 0, TCPLENS_STATE_SYN_RECV);
	KUNIT_EXPECT_TRUE(test, seg & TCPLENS_SEG_RETRANS);
	seg = step(test, &c, OUT, S_ | A_, LISS, PISS + 1, 0,
		   TCPLENS_STATE_SYN_RECV);
	KUNIT_EXPECT_TRUE(test, seg & TCPLENS_SEG_RETRANS);
	/* the client re-tries with a new ISN while we are in SYN_RECV */
	seg = step(test, &c, IN, S_, PISS + 100000, 0, 0,
		   TCPLENS_STATE_SYN_RECV);
	KUNIT_EXPECT_TRUE(test, seg & TCPLENS_SEG_NEW_ISN);
	KUNIT_EXPECT_EQ(test, c.trk.end[IN], PISS + 100001U);

	/* data and FIN retransmitted */
	establish(test, &c);
	step(test, &c, OUT, A_, LISS + 1, PISS + 1, 500,
	     TCPLENS_STATE_ESTABLISHED);
	seg = step(test, &c, OUT, A_, LISS + 1, PISS + 1, 500,
		   TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_TRUE(test, seg & TCPLENS_SEG_RETRANS);
	seg = step(test, &c, OUT, A_, LISS + 301, PISS + 1, 200,
		   TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_TRUE(test, seg & TCPLENS_SEG_RETRANS);
	seg = step(test, &c, OUT, A_, LISS + 501, PISS + 1, 100,
		   TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_FALSE(test, seg & TCPLENS_SEG_RETRANS);
	step(test, &c, OUT, A_ | F_, LISS + 601, PISS + 1, 0,
	     TCPLENS_STATE_FIN_WAIT_1);
	seg = step(test, &c, OUT, A_ | F_, LISS + 601, PISS + 1, 0,
		   TCPLENS_STATE_FIN_WAIT_1);
	KUNIT_EXPECT_TRUE(test, seg & TCPLENS_SEG_RETRANS);
	/* nothing follows a FIN: end stays on it */
	step(test, &c, OUT, A_, LISS + 602, PISS + 1, 10,
	     TCPLENS_STATE_FIN_WAIT_1);
	KUNIT_EXPECT_EQ(test, c.trk.end[OUT], LISS + 602U);
	step(test, &c, IN, A_ | F_, PISS + 1, LISS + 602, 0,
	     TCPLENS_STATE_TIME_WAIT);
	/* the peer did not get our last ACK and sends its FIN again */
	seg = step(test, &c, IN, A_ | F_, PISS + 1, LISS + 602, 0,
		   TCPLENS_STATE_TIME_WAIT);
	KUNIT_EXPECT_TRUE(test, seg & TCPLENS_SEG_RETRANS);
}

static void tcplens_fsm_midstream_pickup(struct kunit *test)
{
	struct conn c = {};
	u16 seg;

	/* the observer starts while the connection runs */
	seg = step(test, &c, IN, A_, 7000, 3000, 100,
		   TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, seg, 0);
	/* our SND.NXT was learnt from the peer's ACK */
	KUNIT_EXPECT_EQ(test, c.trk.end[OUT], 3000U);
	seg = step(test, &c, OUT, A_, 3000, 7100, 0,
		   TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, seg, TCPLENS_SEG_FULL_ACK);
	seg = step(test, &c, IN, R_, 7100 + WIN + 1, 0, 0,
		   TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, seg, TCPLENS_SEG_RST_BAD);
	step(test, &c, OUT, R_, 3000, 0, 0, TCPLENS_STATE_CLOSED);

	/* a stray ACK to a closed port, and our RST (SEQ = SEG.ACK) */
	memset(&c, 0, sizeof(c));
	step(test, &c, IN, A_, 7000, 3000, 0, TCPLENS_STATE_ESTABLISHED);
	step(test, &c, OUT, R_, 3000, 0, 0, TCPLENS_STATE_CLOSED);

	/* a SYN+ACK we never asked for (backscatter) */
	memset(&c, 0, sizeof(c));
	step(test, &c, IN, S_ | A_, PISS, 4242, 0, TCPLENS_STATE_ESTABLISHED);
	step(test, &c, OUT, R_, 4242, 0, 0, TCPLENS_STATE_CLOSED);

	/* ours first */
	memset(&c, 0, sizeof(c));
	step(test, &c, OUT, A_, 3000, 7000, 10, TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, c.trk.end[IN], 7000U);

	/* first-seen FINs */
	memset(&c, 0, sizeof(c));
	step(test, &c, OUT, A_ | F_, 3000, 7000, 0, TCPLENS_STATE_FIN_WAIT_1);
	step(test, &c, IN, A_, 7000, 3001, 0, TCPLENS_STATE_FIN_WAIT_2);
	memset(&c, 0, sizeof(c));
	step(test, &c, IN, A_ | F_, 7000, 3000, 0, TCPLENS_STATE_CLOSE_WAIT);
	step(test, &c, OUT, A_ | F_, 3000, 7001, 0, TCPLENS_STATE_LAST_ACK);
	step(test, &c, IN, A_, 7001, 3001, 0, TCPLENS_STATE_CLOSED);

	/* nothing to learn from: no entry */
	memset(&c, 0, sizeof(c));
	step(test, &c, IN, R_ | A_, 7000, 3000, 0, TCPLENS_STATE_NONE);
	step(test, &c, IN, F_, 7000, 0, 0, TCPLENS_STATE_NONE);
	step(test, &c, IN, S_ | F_, 7000, 0, 0, TCPLENS_STATE_NONE);
	step(test, &c, OUT, 0, 3000, 0, 0, TCPLENS_STATE_NONE);
}

static void tcplens_fsm_closed_and_reuse(struct kunit *test)
{
	struct conn c;
	u16 seg;

	/* CLOSED ignores all but a new SYN */
	establish(test, &c);
	step(test, &c, IN, R_, PISS + 1, 0, 0, TCPLENS_STATE_CLOSED);
	step(test, &c, IN, A_, PISS + 1, LISS + 1, 10, TCPLENS_STATE_CLOSED);
	step(test, &c, OUT, A_, LISS + 1, PISS + 1, 0, TCPLENS_STATE_CLOSED);
	step(test, &c, IN, A_ | F_, PISS + 11, LISS + 1, 0,
	     TCPLENS_STATE_CLOSED);
	seg = step(test, &c, OUT, S_, 77777, 0, 0, TCPLENS_STATE_SYN_SENT);
	KUNIT_EXPECT_TRUE(test, seg & TCPLENS_SEG_NEW_ISN);
	KUNIT_EXPECT_FALSE(test, c.trk.flags[IN] & TCPLENS_TRK_KNOWN);

	/* the peer reopens the pair we hold in TIME_WAIT */
	establish(test, &c);
	step(test, &c, OUT, A_ | F_, LISS + 1, PISS + 1, 0,
	     TCPLENS_STATE_FIN_WAIT_1);
	step(test, &c, IN, A_ | F_, PISS + 1, LISS + 2, 0,
	     TCPLENS_STATE_TIME_WAIT);
	seg = step(test, &c, IN, S_, PISS + 200000, 0, 0,
		   TCPLENS_STATE_SYN_RECV);
	KUNIT_EXPECT_TRUE(test, seg & TCPLENS_SEG_NEW_ISN);
	KUNIT_EXPECT_FALSE(test, c.trk.flags[OUT] & TCPLENS_TRK_KNOWN);
	step(test, &c, OUT, S_ | A_, 9000, PISS + 200001, 0,
	     TCPLENS_STATE_SYN_RECV);
	seg = step(test, &c, IN, A_, PISS + 200001, 9001, 0,
		   TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_TRUE(test, seg & TCPLENS_SEG_FULL_ACK);

	/*
	 * Linux refuses the reopen: the timewait socket answers the SYN
	 * with a bare ACK (no SYN+ACK ever), and that ends the pair; the
	 * same ACK after our SYN+ACK is an ordinary one.
	 */
	establish(test, &c);
	step(test, &c, OUT, A_ | F_, LISS + 1, PISS + 1, 0,
	     TCPLENS_STATE_FIN_WAIT_1);
	step(test, &c, IN, A_ | F_, PISS + 1, LISS + 2, 0,
	     TCPLENS_STATE_TIME_WAIT);
	step(test, &c, IN, S_, PISS + 300000, 0, 0, TCPLENS_STATE_SYN_RECV);
	step(test, &c, OUT, A_, LISS + 2, PISS + 2, 0, TCPLENS_STATE_CLOSED);
	KUNIT_EXPECT_TRUE(test, tcplens_fsm_refused_reopen(TCPLENS_STATE_SYN_RECV,
							   &c.trk, OUT, A_));
	KUNIT_EXPECT_FALSE(test, tcplens_fsm_refused_reopen(TCPLENS_STATE_SYN_RECV,
							    &c.trk, IN, A_));
	KUNIT_EXPECT_FALSE(test, tcplens_fsm_refused_reopen(TCPLENS_STATE_SYN_RECV,
							    &c.trk, OUT, R_));
	KUNIT_EXPECT_FALSE(test, tcplens_fsm_refused_reopen(TCPLENS_STATE_ESTABLISHED,
							    &c.trk, OUT, A_));
	memset(&c, 0, sizeof(c));
	step(test, &c, IN, S_, PISS, 0, 0, TCPLENS_STATE_SYN_RECV);
	step(test, &c, OUT, S_ | A_, LISS, PISS + 1, 0, TCPLENS_STATE_SYN_RECV);
	step(test, &c, OUT, A_, LISS + 1, PISS + 1, 0, TCPLENS_STATE_SYN_RECV);

	/* we reuse it (tcp_tw_reuse) */
	establish(test, &c);
	step(test, &c, OUT, A_ | F_, LISS + 1, PISS + 1, 0,
	     TCPLENS_STATE_FIN_WAIT_1);
	step(test, &c, IN, A_ | F_, PISS + 1, LISS + 2, 0,
	     TCPLENS_STATE_TIME_WAIT);
	step(test, &c, OUT, S_, LISS + 65537, 0, 0, TCPLENS_STATE_SYN_SENT);
	step(test, &c, IN, S_ | A_, 31337, LISS + 65538, 0,
	     TCPLENS_STATE_ESTABLISHED);
}

static void tcplens_fsm_stray_segments(struct kunit *test)
{
	struct conn c;
	u32 end_in;
	u16 seg;

	/* a SYN in a synchronized state is challenged; nothing is learnt */
	establish(test, &c);
	end_in = c.trk.end[IN];
	seg = step(test, &c, IN, S_, 123456, 0, 0, TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, seg, 0);
	KUNIT_EXPECT_EQ(test, c.trk.end[IN], end_in);
	seg = step(test, &c, IN, S_ | A_, PISS, LISS + 1, 0,
		   TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_TRUE(test, seg & TCPLENS_SEG_RETRANS);
	step(test, &c, IN, R_, PISS + 1, 0, 0, TCPLENS_STATE_CLOSED);

	/* an ACK of data never sent is dropped, FIN or not */
	establish(test, &c);
	step(test, &c, OUT, A_ | F_, LISS + 1, PISS + 1, 0,
	     TCPLENS_STATE_FIN_WAIT_1);
	seg = step(test, &c, IN, A_, PISS + 1, LISS + 9, 0,
		   TCPLENS_STATE_FIN_WAIT_1);
	KUNIT_EXPECT_TRUE(test, seg & TCPLENS_SEG_ACK_UNSENT);
	step(test, &c, IN, A_ | F_, PISS + 1, LISS + 9, 0,
	     TCPLENS_STATE_FIN_WAIT_1);
	step(test, &c, IN, A_, PISS + 1, LISS + 2, 0,
	     TCPLENS_STATE_FIN_WAIT_2);

	/* FIN without ACK is dropped by the receiver */
	establish(test, &c);
	step(test, &c, IN, F_, PISS + 1, 0, 0, TCPLENS_STATE_ESTABLISHED);

	/* a FIN below data already sent: an old duplicate */
	step(test, &c, IN, A_, PISS + 1, LISS + 1, 100,
	     TCPLENS_STATE_ESTABLISHED);
	seg = step(test, &c, IN, A_ | F_, PISS + 1, LISS + 1, 0,
		   TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_TRUE(test, seg & TCPLENS_SEG_BAD_FIN);
	KUNIT_EXPECT_FALSE(test, c.trk.flags[IN] & TCPLENS_TRK_FIN);
	/* ... and one past a FIN already sent */
	step(test, &c, IN, A_ | F_, PISS + 101, LISS + 1, 0,
	     TCPLENS_STATE_CLOSE_WAIT);
	seg = step(test, &c, IN, A_ | F_, PISS + 102, LISS + 1, 0,
		   TCPLENS_STATE_CLOSE_WAIT);
	KUNIT_EXPECT_TRUE(test, seg & TCPLENS_SEG_BAD_FIN);
	KUNIT_EXPECT_EQ(test, c.trk.end[IN], PISS + 102U);
	step(test, &c, OUT, A_ | F_, LISS + 1, PISS + 102, 0,
	     TCPLENS_STATE_LAST_ACK);
	step(test, &c, IN, A_ | F_, PISS + 102, LISS + 2, 0,
	     TCPLENS_STATE_LAST_ACK);
	step(test, &c, IN, A_ | F_, PISS + 101, LISS + 2, 0,
	     TCPLENS_STATE_CLOSED);
}

static void tcplens_fsm_probes(struct kunit *test)
{
	const u16 ack = TCPLENS_SEG_FULL_ACK;	/* every OUT segment acks all */
	struct tcplens_pkt p;
	struct conn c;
	u16 seg;

	establish(test, &c);
	step(test, &c, OUT, A_, LISS + 1, PISS + 1, 100,
	     TCPLENS_STATE_ESTABLISHED);
	/* the peer acks all and closes its window */
	mkpkt(&p, A_, PISS + 1, LISS + 101, 0, 0);
	seg = feed(test, &c, IN, &p, TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, seg, TCPLENS_SEG_FULL_ACK | TCPLENS_SEG_ZERO_WIN);
	/* Linux persist probe: SND.UNA - 1, no data */
	seg = step(test, &c, OUT, A_, LISS + 100, PISS + 1, 0,
		   TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, seg, ack | TCPLENS_SEG_WIN_PROBE);
	/* BSD persist probe: one new byte past the closed window */
	seg = step(test, &c, OUT, A_, LISS + 101, PISS + 1, 1,
		   TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, seg, ack | TCPLENS_SEG_WIN_PROBE);
	/* window opens, all acked: idle */
	mkpkt(&p, A_, PISS + 1, LISS + 102, 0, 1000);
	seg = feed(test, &c, IN, &p, TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, seg, TCPLENS_SEG_FULL_ACK);
	/* keepalives: SND.NXT - 1 with no byte (Linux) or one (BSD) */
	seg = step(test, &c, OUT, A_, LISS + 101, PISS + 1, 0,
		   TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, seg, ack | TCPLENS_SEG_KEEPALIVE);
	seg = step(test, &c, OUT, A_, LISS + 101, PISS + 1, 1,
		   TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, seg, ack | TCPLENS_SEG_KEEPALIVE);
	/* the peer's keepalive, and our answer */
	seg = step(test, &c, IN, A_, PISS, LISS + 102, 0,
		   TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, seg, TCPLENS_SEG_FULL_ACK | TCPLENS_SEG_KEEPALIVE);
	/* with data in flight the same shape is a retransmission */
	step(test, &c, OUT, A_, LISS + 102, PISS + 1, 10,
	     TCPLENS_STATE_ESTABLISHED);
	seg = step(test, &c, OUT, A_, LISS + 111, PISS + 1, 1,
		   TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, seg, ack | TCPLENS_SEG_RETRANS);
	seg = step(test, &c, OUT, A_, LISS + 111, PISS + 1, 0,
		   TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, seg, ack);
	/* a FIN is never a probe */
	seg = step(test, &c, OUT, A_ | F_, LISS + 111, PISS + 1, 0,
		   TCPLENS_STATE_FIN_WAIT_1);
	KUNIT_EXPECT_FALSE(test, seg & (TCPLENS_SEG_KEEPALIVE |
					TCPLENS_SEG_WIN_PROBE));
}

static void tcplens_fsm_sequence_wrap(struct kunit *test)
{
	const u32 liss = 0xfffffff0u, piss = 0xffffff00u;
	struct conn c = {};
	u16 seg;

	step(test, &c, OUT, S_, liss, 0, 0, TCPLENS_STATE_SYN_SENT);
	step(test, &c, IN, S_ | A_, piss, liss + 1, 0,
	     TCPLENS_STATE_ESTABLISHED);
	/* 100 bytes across 2^32 */
	step(test, &c, OUT, A_, liss + 1, piss + 1, 100,
	     TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, c.trk.end[OUT], liss + 101);
	KUNIT_EXPECT_LT(test, c.trk.end[OUT], liss);
	seg = step(test, &c, OUT, A_, liss + 1, piss + 1, 100,
		   TCPLENS_STATE_ESTABLISHED);
	KUNIT_EXPECT_TRUE(test, seg & TCPLENS_SEG_RETRANS);
	step(test, &c, IN, A_, piss + 1, liss + 101, 300,
	     TCPLENS_STATE_ESTABLISHED);
	step(test, &c, OUT, A_ | F_, liss + 101, piss + 301, 0,
	     TCPLENS_STATE_FIN_WAIT_1);
	step(test, &c, IN, A_, piss + 301, liss + 101, 0,
	     TCPLENS_STATE_FIN_WAIT_1);
	step(test, &c, IN, A_, piss + 301, liss + 102, 0,
	     TCPLENS_STATE_FIN_WAIT_2);
	/* across the wrap: our RST's window, the peer's exact point */
	step(test, &c, OUT, R_, liss + 102 - WIN - 1, 0, 0,
	     TCPLENS_STATE_FIN_WAIT_2);
	step(test, &c, IN, R_, piss + 301 + WIN, 0, 0,
	     TCPLENS_STATE_FIN_WAIT_2);
	step(test, &c, IN, R_, piss + 300, 0, 0, TCPLENS_STATE_FIN_WAIT_2);
	step(test, &c, IN, R_, piss + 301, 0, 0, TCPLENS_STATE_CLOSED);
}

/* A forwarded flow's local end is its responder; mid-stream, the lower port. */
static void tcplens_fsm_forward_orientation(struct kunit *test)
{
	static const struct {
		u8 flags;
		u16 sport, dport;
		enum tcplens_dir dir;
	} v[] = {
		{ S_, 40000, 80, IN },		/* the SYN goes to the responder */
		{ S_, 80, 40000, IN },		/* whatever the ports */
		{ S_ | A_, 80, 40000, OUT },	/* the SYN+ACK comes from it */
		{ S_ | A_, 40000, 80, OUT },
		{ A_, 40000, 80, IN },		/* mid-stream: the lower port */
		{ A_, 80, 40000, OUT },
		{ A_ | F_, 443, 443, IN },	/* equal: taken as the receiver */
		{ R_, 22, 50000, OUT },
	};
	struct tcplens_pkt p;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		mkpkt(&p, v[i].flags, 1, 1, 0, WIN);
		p.sport = v[i].sport;
		p.dport = v[i].dport;
		KUNIT_EXPECT_EQ_MSG(test, tcplens_fsm_fwd_dir(&p), v[i].dir,
				    "row %u", i);
	}
}

static struct kunit_case tcplens_fsm_cases[] = {
	KUNIT_CASE(tcplens_fsm_table_exhaustive),
	KUNIT_CASE(tcplens_fsm_event_mapping),
	KUNIT_CASE(tcplens_fsm_names_and_range),
	KUNIT_CASE(tcplens_fsm_active_open_close),
	KUNIT_CASE(tcplens_fsm_passive_open_close),
	KUNIT_CASE(tcplens_fsm_simultaneous_open),
	KUNIT_CASE(tcplens_fsm_simultaneous_close),
	KUNIT_CASE(tcplens_fsm_rst_window),
	KUNIT_CASE(tcplens_fsm_rst_scaled_window),
	KUNIT_CASE(tcplens_fsm_rst_handshake),
	KUNIT_CASE(tcplens_fsm_retransmissions),
	KUNIT_CASE(tcplens_fsm_midstream_pickup),
	KUNIT_CASE(tcplens_fsm_closed_and_reuse),
	KUNIT_CASE(tcplens_fsm_stray_segments),
	KUNIT_CASE(tcplens_fsm_probes),
	KUNIT_CASE(tcplens_fsm_sequence_wrap),
	KUNIT_CASE(tcplens_fsm_forward_orientation),
	{}
};

static struct kunit_suite tcplens_fsm_suite = {
	.name = "tcplens_fsm",
	.test_cases = tcplens_fsm_cases,
};

kunit_test_suites(&tcplens_fsm_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the tcplens observer's TCP state machine");
