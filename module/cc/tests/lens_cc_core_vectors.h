/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lens_cc_core_vectors.h - test vectors and scenario drivers for the lens
 * congestion-control core, shared by the KUnit suites
 * (module/cc/tests/lens_cc_core_kunit.c) and the host runner
 * (selftests/fuzz/kunit_host_runner.c).
 *
 * The drivers only compute: they feed the core a scripted connection and
 * report what it did; each test framework compares with its own
 * assertions. Expected values are the RFCs' own where the RFC gives them
 * (figures are quoted by number) and are derived by hand in the comments
 * otherwise.
 */
#ifndef _LENS_CC_CORE_VECTORS_H
#define _LENS_CC_CORE_VECTORS_H

#include "../core/lens_cc_core.h"

#define LENS_TV_MSS	1000	/* bytes per segment in sequence space */
#define LENS_TV_INF	LENS_INFINITE_SSTHRESH
#define LENS_TV_NA	0xff	/* a value the RFC figure does not show */
#define LENS_TV_BIT(n)	(1U << (n))

/* Sequence bases: a plain one and one that wraps within a few segments. */
static const u32 lens_tv_bases[] = { 1, 0xfffff000U };

/* The sequence number of segment @seg. */
static inline u32 lens_tv_seq(u32 base, u32 seg)
{
	return base + seg * LENS_TV_MSS;
}

/*
 * The parameters the vectors run with: the defaults, but RFC 5681's
 * halving (beta = 1/2, alpha = 1), for losses and ECN alike, in which the
 * RFCs work their examples. lens_beta_test covers 0.7 and RFC 8511's 0.8.
 */
static inline void lens_tv_params_rfc(struct lens_params *p)
{
	lens_params_default(p);
	p->beta = LENS_BETA_MIN;
	p->beta_ecn = LENS_BETA_MIN;
}

/* ------------------------------------------------------------------------ */
/* RFC 5681 eq. (4) at small windows                                         */
/* ------------------------------------------------------------------------ */

struct lens_tv_ssthresh {
	const char *name;
	u32 flight;		/* FlightSize when the loss is detected */
	u32 ssthresh;		/* max(FlightSize / 2, 2) */
};

static const struct lens_tv_ssthresh lens_tv_ssthresh[] = {
	{ "flight_0", 0, 2 },
	{ "flight_1", 1, 2 },
	{ "flight_2", 2, 2 },
	{ "flight_3", 3, 2 },
	{ "flight_4", 4, 2 },
	{ "flight_5", 5, 2 },
	{ "flight_6", 6, 3 },
	{ "flight_7", 7, 3 },
	{ "flight_20", 20, 10 },
	{ "flight_max", 0xffffffffU, LENS_INFINITE_SSTHRESH },
};

/* ------------------------------------------------------------------------ */
/* Growth: slow start with ABC, congestion avoidance credit                  */
/* ------------------------------------------------------------------------ */

struct lens_tv_grow {
	const char *name;
	u8 rto;			/* start in the slow start after an RTO */
	u8 abc;			/* ABC L; 0: no limit */
	u8 limited;		/* the sender is cwnd-limited */
	u8 exp_phase;		/* enum lens_phase after the ACK */
	u8 exp_exit;		/* enum lens_ss_exit reported */
	u16 exp_reasons;	/* LENS_REASON_BIT()s reported */
	u32 cwnd, ssthresh, credit;	/* before the ACK */
	u32 acked;		/* segments the ACK newly acknowledges */
	u32 exp_cwnd, exp_credit;	/* after it */
};

#define LENS_TV_SS	LENS_REASON_BIT(LENS_REASON_SS)
#define LENS_TV_CA	LENS_REASON_BIT(LENS_REASON_CA)

static const struct lens_tv_grow lens_tv_grow[] = {
	/* RFC 3465 2.2: cwnd += min(acked, L). */
	{ "ss_one_segment", 0, 2, 1, LENS_PHASE_SS, LENS_SS_EXIT_NONE,
	  LENS_TV_SS, 10, LENS_TV_INF, 0, 1, 11, 0 },
	{ "ss_delayed_ack", 0, 2, 1, LENS_PHASE_SS, LENS_SS_EXIT_NONE,
	  LENS_TV_SS, 10, LENS_TV_INF, 0, 2, 12, 0 },
	{ "ss_stretch_l2", 0, 2, 1, LENS_PHASE_SS, LENS_SS_EXIT_NONE,
	  LENS_TV_SS, 10, LENS_TV_INF, 0, 8, 12, 0 },
	{ "ss_stretch_l1", 0, 1, 1, LENS_PHASE_SS, LENS_SS_EXIT_NONE,
	  LENS_TV_SS, 10, LENS_TV_INF, 0, 8, 11, 0 },
	{ "ss_stretch_l8", 0, 8, 1, LENS_PHASE_SS, LENS_SS_EXIT_NONE,
	  LENS_TV_SS, 10, LENS_TV_INF, 0, 20, 18, 0 },
	{ "ss_stretch_no_limit", 0, 0, 1, LENS_PHASE_SS, LENS_SS_EXIT_NONE,
	  LENS_TV_SS, 10, LENS_TV_INF, 0, 20, 30, 0 },
	{ "ss_cwnd_1", 0, 2, 1, LENS_PHASE_SS, LENS_SS_EXIT_NONE,
	  LENS_TV_SS, 1, LENS_TV_INF, 0, 1, 2, 0 },
	/* Capped at ssthresh 10; the second segment is CA credit. */
	{ "ss_cap_leftover", 0, 2, 1, LENS_PHASE_CA, LENS_SS_EXIT_SSTHRESH,
	  LENS_TV_SS, 9, 10, 0, 2, 10, 1 },
	/* 1 segment reaches 10, 24 left: 24 / 10 = +2, credit 4. */
	{ "ss_stretch_into_ca", 0, 0, 1, LENS_PHASE_CA, LENS_SS_EXIT_SSTHRESH,
	  LENS_TV_SS | LENS_TV_CA, 9, 10, 0, 25, 12, 4 },
	{ "ss_cwnd_2_ssthresh_3", 0, 2, 1, LENS_PHASE_CA,
	  LENS_SS_EXIT_SSTHRESH, LENS_TV_SS, 2, 3, 0, 2, 3, 1 },
	{ "ss_not_cwnd_limited", 0, 2, 0, LENS_PHASE_SS, LENS_SS_EXIT_NONE,
	  0, 10, LENS_TV_INF, 0, 2, 10, 0 },
	/* RFC 3465 2.1: +1 per cwnd segments acknowledged. */
	{ "ca_one_segment", 0, 2, 1, LENS_PHASE_CA, LENS_SS_EXIT_NONE,
	  0, 10, 5, 0, 1, 10, 1 },
	{ "ca_credit_completes", 0, 2, 1, LENS_PHASE_CA, LENS_SS_EXIT_NONE,
	  LENS_TV_CA, 10, 5, 9, 1, 11, 0 },
	/* Credit 3 + 25 = 28: +2, 8 left. */
	{ "ca_stretch", 0, 2, 1, LENS_PHASE_CA, LENS_SS_EXIT_NONE,
	  LENS_TV_CA, 10, 5, 3, 25, 12, 8 },
	/* Credit 5 earned at a larger window: +1 now, then 1 of 2. */
	{ "ca_credit_from_larger_window", 0, 2, 1, LENS_PHASE_CA,
	  LENS_SS_EXIT_NONE, LENS_TV_CA, 2, 2, 5, 1, 3, 1 },
	{ "ca_cwnd_2", 0, 2, 1, LENS_PHASE_CA, LENS_SS_EXIT_NONE,
	  LENS_TV_CA, 2, 2, 1, 1, 3, 0 },
	{ "ca_not_cwnd_limited", 0, 2, 0, LENS_PHASE_CA, LENS_SS_EXIT_NONE,
	  0, 10, 5, 9, 1, 10, 9 },
	/* RFC 3465 2.3: L = 1 in the slow start after an RTO. */
	{ "rto_ss_l1", 1, 2, 1, LENS_PHASE_LOSS, LENS_SS_EXIT_NONE,
	  LENS_TV_SS, 1, 10, 0, 5, 2, 0 },
	{ "rto_ss_l1_to_ssthresh", 1, 2, 1, LENS_PHASE_LOSS,
	  LENS_SS_EXIT_SSTHRESH, LENS_TV_SS, 9, 10, 0, 5, 10, 4 },
};

/*
 * Run one growth vector: a connection in the vector's phase receives one
 * ACK. HyStart++ is off so that only ABC and CA arithmetic is measured.
 */
static inline void lens_tv_grow_run(const struct lens_tv_grow *v, u32 base,
				    struct lens_cc *cc,
				    struct lens_decision *d)
{
	struct lens_params p;
	struct lens_ack ack = { 0 };

	lens_tv_params_rfc(&p);
	p.hystart = 0;
	p.abc_limit = v->abc;
	p.initial_ssthresh = v->ssthresh == LENS_TV_INF ? 0 : v->ssthresh;
	lens_cc_init(cc, &p, v->cwnd, lens_tv_seq(base, 0));
	if (v->rto) {
		lens_cc_on_rto(cc, &p, 2 * v->ssthresh, lens_tv_seq(base, 100), d);
		lens_cc_sync(cc, v->cwnd, v->ssthresh);
	}
	cc->credit = v->credit;
	ack.snd_una = lens_tv_seq(base, v->acked);
	ack.snd_nxt = lens_tv_seq(base, 100);
	ack.acked = v->acked;
	ack.delivered = v->acked;
	ack.flags = v->limited ? LENS_ACK_CWND_LIMITED : 0;
	lens_cc_on_ack(cc, &p, &ack, d);
}

/* ------------------------------------------------------------------------ */
/* Parameter validation                                                      */
/* ------------------------------------------------------------------------ */

struct lens_tv_param {
	const char *name;
	u32 offset;		/* offsetof(struct lens_params, field) */
	u32 value;		/* written into the default set */
	int ret;		/* lens_params_check() */
};

#define LENS_TV_PARAM(f, v, r) \
	{ #f "=" #v, offsetof(struct lens_params, f), v, r }

static const struct lens_tv_param lens_tv_params[] = {
	LENS_TV_PARAM(beta, 49, -EINVAL),
	LENS_TV_PARAM(beta, 50, 0),
	LENS_TV_PARAM(beta, 70, 0),
	LENS_TV_PARAM(beta, 90, 0),
	LENS_TV_PARAM(beta, 91, -EINVAL),
	LENS_TV_PARAM(beta_ecn, 49, -EINVAL),
	LENS_TV_PARAM(beta_ecn, 80, 0),
	LENS_TV_PARAM(beta_ecn, 91, -EINVAL),
	LENS_TV_PARAM(pacing, 1, 0),
	LENS_TV_PARAM(pacing, 2, -EINVAL),
	LENS_TV_PARAM(abc_limit, 0, 0),
	LENS_TV_PARAM(abc_limit, 8, 0),
	LENS_TV_PARAM(abc_limit, 9, -EINVAL),
	LENS_TV_PARAM(hystart, 0, 0),
	LENS_TV_PARAM(hystart, 2, -EINVAL),
	LENS_TV_PARAM(hspp_min_rtt_thresh_us, 0, -EINVAL),
	LENS_TV_PARAM(hspp_min_rtt_thresh_us, 1, 0),
	LENS_TV_PARAM(hspp_min_rtt_thresh_us, 16000, 0),
	LENS_TV_PARAM(hspp_min_rtt_thresh_us, 16001, -EINVAL),
	LENS_TV_PARAM(hspp_max_rtt_thresh_us, 3999, -EINVAL),
	LENS_TV_PARAM(hspp_max_rtt_thresh_us, 4000, 0),
	LENS_TV_PARAM(hspp_max_rtt_thresh_us, 1000000, 0),
	LENS_TV_PARAM(hspp_max_rtt_thresh_us, 1000001, -EINVAL),
	LENS_TV_PARAM(hspp_min_rtt_divisor, 0, -EINVAL),
	LENS_TV_PARAM(hspp_min_rtt_divisor, 1, 0),
	LENS_TV_PARAM(hspp_min_rtt_divisor, 64, 0),
	LENS_TV_PARAM(hspp_min_rtt_divisor, 65, -EINVAL),
	LENS_TV_PARAM(hspp_n_rtt_sample, 0, -EINVAL),
	LENS_TV_PARAM(hspp_n_rtt_sample, 1, 0),
	LENS_TV_PARAM(hspp_n_rtt_sample, 255, 0),
	LENS_TV_PARAM(hspp_n_rtt_sample, 256, -EINVAL),
	LENS_TV_PARAM(hspp_css_growth_divisor, 1, -EINVAL),
	LENS_TV_PARAM(hspp_css_growth_divisor, 2, 0),
	LENS_TV_PARAM(hspp_css_growth_divisor, 64, 0),
	LENS_TV_PARAM(hspp_css_growth_divisor, 65, -EINVAL),
	LENS_TV_PARAM(hspp_css_rounds, 0, -EINVAL),
	LENS_TV_PARAM(hspp_css_rounds, 1, 0),
	LENS_TV_PARAM(hspp_css_rounds, 255, 0),
	LENS_TV_PARAM(hspp_css_rounds, 256, -EINVAL),
	LENS_TV_PARAM(hspp_ack_delay, 0, 0),
	LENS_TV_PARAM(hspp_ack_delay, 1, 0),
	LENS_TV_PARAM(hspp_ack_delay, 2, -EINVAL),
	LENS_TV_PARAM(hspp_cwnd_limited, 0, 0),
	LENS_TV_PARAM(hspp_cwnd_limited, 1, 0),
	LENS_TV_PARAM(hspp_cwnd_limited, 2, -EINVAL),
	LENS_TV_PARAM(hspp_css_rise, 0, 0),
	LENS_TV_PARAM(hspp_css_rise, 1, 0),
	LENS_TV_PARAM(hspp_css_rise, 2, -EINVAL),
	LENS_TV_PARAM(hspp_block, 0, 0),
	LENS_TV_PARAM(hspp_block, 1, 0),
	LENS_TV_PARAM(hspp_block, 2, -EINVAL),
	LENS_TV_PARAM(recovery, 0, 0),
	LENS_TV_PARAM(recovery, 1, 0),
	LENS_TV_PARAM(recovery, 2, -EINVAL),
	LENS_TV_PARAM(initial_ssthresh, 0, 0),
	LENS_TV_PARAM(initial_ssthresh, 1, -EINVAL),
	LENS_TV_PARAM(initial_ssthresh, 2, 0),
	LENS_TV_PARAM(initial_ssthresh, 0x7fffffff, 0),
	LENS_TV_PARAM(initial_ssthresh, 0x80000000, -EINVAL),
};

/* The default parameter set with one field overwritten. */
static inline void lens_tv_param_apply(const struct lens_tv_param *v,
				       struct lens_params *p)
{
	lens_tv_params_rfc(p);
	memcpy((u8 *)p + v->offset, &v->value, sizeof(v->value));
}

/* ------------------------------------------------------------------------ */
/* Pacing                                                                    */
/* ------------------------------------------------------------------------ */

struct lens_tv_pacing {
	const char *name;
	u32 cwnd, mss, srtt_us;
	u32 pct;		/* gain, percent */
	u64 rate;		/* bytes per second */
};

static const struct lens_tv_pacing lens_tv_pacing[] = {
	/* 14480 B per 100 ms = 144800 B/s, times 2 or 1.2 */
	{ "ss_10x1448_100ms", 10, 1448, 100000, 200, 289600 },
	{ "ca_10x1448_100ms", 10, 1448, 100000, 120, 173760 },
	/* 3000 * 2e6 / 7 = 857142857.1 */
	{ "ss_rounds_down", 3, 1000, 7, 200, 857142857 },
	{ "cwnd_0_is_1", 0, 1000, 1000, 200, 2000000 },
	{ "srtt_0_unlimited", 10, 1448, 0, 120, U64_MAX },
	/* 3221225470500 B/s * 1.2, exactly */
	{ "ca_big_window_1s", 0x7fffffff, 1500, 1000000, 120, 3865470564600ULL },
	{ "saturates", 0x7fffffff, 0xffffffffU, 1, 200, U64_MAX },
	/* the last window below 4 GiB, 2^32 - 1 B, and the first above */
	{ "window_4g_less_1", 65537, 65535, 3, 1000, 14316557650000000ULL },
	/* 2^32 B * 1.2e6 / 7 = 736280107885714.29 */
	{ "window_4g", 65536, 65536, 7, 120, 736280107885714ULL },
	/* the sysctls' ends: 0% sends nothing, 1000% is ten times */
	{ "ratio_0", 10, 1448, 100000, 0, 0 },
	{ "ratio_1000", 10, 1448, 100000, 1000, 1448000 },
};

/*
 * Which gain: the slow-start one only below half of ssthresh
 * (tcp_update_pacing_rate()), with the sysctls' defaults 200 and 120.
 */
struct lens_tv_pacing_pct {
	u32 cwnd, ssthresh, pct;
};

static const struct lens_tv_pacing_pct lens_tv_pacing_pct[] = {
	{ 10, 0x7fffffff, 200 },	/* initial slow start */
	{ 49, 100, 200 },
	{ 50, 100, 120 },		/* half of ssthresh: CA gain */
	{ 99, 100, 120 },		/* slow start near ssthresh */
	{ 100, 100, 120 },
	{ 1, 2, 120 },			/* 1 < 2 / 2 is false */
	{ 0, 2, 200 },
};

/* ------------------------------------------------------------------------ */
/* HyStart++ (RFC 9406)                                                      */
/* ------------------------------------------------------------------------ */

/*
 * A bulk sender that keeps cwnd segments in flight and is ACKed segment by
 * segment, each ACK optionally carrying an RTT sample.
 */
struct lens_tv_flow {
	struct lens_params p;
	struct lens_cc cc;
	struct lens_decision d;		/* of the last ACK */
	u32 una, nxt;			/* SND.UNA, SND.NXT */
	u32 acks;			/* ACKs so far */
	u32 events;			/* LENS_EV_* seen */
	u32 ss_exits;			/* LENS_TV_BIT(enum lens_ss_exit) seen */
	u32 exit_ack[LENS_SS_EXIT_NR];	/* ACK number of each first exit */
	u32 exit_cwnd[LENS_SS_EXIT_NR];	/* cwnd right after it */
	u32 agg_us;			/* lens_ack.agg_us of every ACK */
	bool not_limited;		/* ACKs come while not cwnd-limited */
};

static inline void lens_tv_flow_send(struct lens_tv_flow *f)
{
	u32 limit = f->una + f->cc.cwnd * LENS_TV_MSS;

	if (tcplens_seq_before(f->nxt, limit))
		f->nxt = limit;
}

/* Start the connection and send the initial window. */
static inline void lens_tv_flow_init(struct lens_tv_flow *f,
				     const struct lens_params *p, u32 cwnd,
				     u32 base)
{
	memset(f, 0, sizeof(*f));
	f->p = *p;
	f->una = base;
	f->nxt = base;
	lens_cc_init(&f->cc, &f->p, cwnd, base);
	lens_tv_flow_send(f);
}

/* One ACK of one segment; @rtt_us <= 0 carries no sample. */
static inline void lens_tv_flow_ack(struct lens_tv_flow *f, s32 rtt_us)
{
	struct lens_ack ack = { 0 };

	f->una += LENS_TV_MSS;
	lens_cc_rtt_sample(&f->cc, rtt_us);
	ack.snd_una = f->una;
	ack.snd_nxt = f->nxt;
	ack.acked = 1;
	ack.delivered = 1;
	ack.flight_size = (f->nxt - f->una) / LENS_TV_MSS;
	ack.pipe = ack.flight_size;
	ack.agg_us = f->agg_us;
	ack.flags = f->not_limited ? 0 : LENS_ACK_CWND_LIMITED;
	lens_cc_on_ack(&f->cc, &f->p, &ack, &f->d);
	f->acks++;
	f->events |= f->d.events;
	if (f->d.ss_exit != LENS_SS_EXIT_NONE &&
	    !(f->ss_exits & LENS_TV_BIT(f->d.ss_exit))) {
		f->ss_exits |= LENS_TV_BIT(f->d.ss_exit);
		f->exit_ack[f->d.ss_exit] = f->acks;
		f->exit_cwnd[f->d.ss_exit] = f->cc.cwnd;
	}
	lens_tv_flow_send(f);
}

/*
 * One HyStart++ round: from the ACK that passes windowEnd to the last one
 * that does not. The first @n ACKs carry @rtt_us. Returns the ACK count.
 */
static inline u32 lens_tv_flow_round(struct lens_tv_flow *f, s32 rtt_us,
				     u32 n)
{
	u32 i = 0;

	do {
		lens_tv_flow_ack(f, i < n ? rtt_us : 0);
		i++;
	} while (!tcplens_seq_after(f->una + LENS_TV_MSS, f->cc.window_end));
	return i;
}

/* Delay-increase detection at the edges of RttThresh. */
struct lens_tv_hspp_thresh {
	const char *name;
	u32 last_rtt_us;	/* every sample of round 1 */
	u32 cur_rtt_us;		/* every sample of round 2 */
	u32 css;		/* round 2 enters CSS */
};

static const struct lens_tv_hspp_thresh lens_tv_hspp_thresh[] = {
	/* RttThresh = 100 ms / 8 = 12.5 ms */
	{ "div_below", 100000, 112499, 0 },
	{ "div_at", 100000, 112500, 1 },
	/* 20 ms / 8 = 2.5 ms, raised to MIN_RTT_THRESH 4 ms */
	{ "min_below", 20000, 23999, 0 },
	{ "min_at", 20000, 24000, 1 },
	/* 200 ms / 8 = 25 ms, lowered to MAX_RTT_THRESH 16 ms */
	{ "max_below", 200000, 215999, 0 },
	{ "max_at", 200000, 216000, 1 },
	{ "rtt_falls", 100000, 90000, 0 },
};

/* ------------------------------------------------------------------------ */
/* NewReno (RFC 5681 3.2, RFC 6582): a scripted recovery                     */
/* ------------------------------------------------------------------------ */

/*
 * Ten segments 0..9 are in flight with cwnd = ssthresh = 10; segments 0
 * and 5 are lost; the receiver does not SACK. Limited Transmit sends 10
 * and 11 on the first two duplicate ACKs; no other new data is sent. Linux
 * counts duplicate ACKs in sacked_out; the expected Linux window is
 * max(cwnd, FlightSize) - sacked_out (see lens_newreno_linux_cwnd()).
 */
struct lens_tv_nr_step {
	const char *what;
	u8 enter;		/* the loss detector starts recovery */
	u8 una, nxt;		/* SND.UNA and SND.NXT, segments */
	u8 acked, sacked;	/* newly cumulatively acked, dup ACKed */
	u8 sacked_out;		/* Linux's sacked_out after the ACK */
	u8 exp_cwnd;		/* RFC window */
	u8 exp_linux;		/* lens_cc_linux_cwnd() */
	u8 exp_ssthresh;
	u8 exp_phase;
	u16 exp_reasons;
};

#define LENS_TV_ENTER	LENS_REASON_BIT(LENS_REASON_RECOVERY_ENTER)
#define LENS_TV_DUP	LENS_REASON_BIT(LENS_REASON_RECOVERY_ACK)
#define LENS_TV_PARTIAL	LENS_REASON_BIT(LENS_REASON_PARTIAL_ACK)
#define LENS_TV_FULL	LENS_REASON_BIT(LENS_REASON_FULL_ACK)

static const struct lens_tv_nr_step lens_tv_newreno[] = {
	{ "dupack seg 1", 0, 0, 10, 0, 1, 1, 10, 10, 10, LENS_PHASE_CA, 0 },
	{ "dupack seg 2", 0, 0, 11, 0, 1, 2, 10, 10, 10, LENS_PHASE_CA, 0 },
	/* ssthresh = 10 / 2; cwnd = 5 + 3; Linux: 12 - 3, room for the
	 * fast retransmit over pipe 12 - 3 - 1 = 8.
	 */
	{ "dupack seg 3: fast retransmit", 1, 0, 12, 0, 1, 3, 8, 9, 5,
	  LENS_PHASE_RECOVERY, LENS_TV_ENTER },
	{ "dupack seg 4", 0, 0, 12, 0, 1, 4, 9, 8, 5,
	  LENS_PHASE_RECOVERY, LENS_TV_DUP },
	{ "dupack seg 6", 0, 0, 12, 0, 1, 5, 10, 7, 5,
	  LENS_PHASE_RECOVERY, LENS_TV_DUP },
	{ "dupack seg 7", 0, 0, 12, 0, 1, 6, 11, 6, 5,
	  LENS_PHASE_RECOVERY, LENS_TV_DUP },
	{ "dupack seg 8", 0, 0, 12, 0, 1, 7, 12, 5, 5,
	  LENS_PHASE_RECOVERY, LENS_TV_DUP },
	/* cwnd 13 > FlightSize 12: one new segment may go */
	{ "dupack seg 9", 0, 0, 12, 0, 1, 8, 13, 5, 5,
	  LENS_PHASE_RECOVERY, LENS_TV_DUP },
	{ "dupack seg 10", 0, 0, 12, 0, 1, 9, 14, 5, 5,
	  LENS_PHASE_RECOVERY, LENS_TV_DUP },
	{ "dupack seg 11", 0, 0, 12, 0, 1, 10, 15, 5, 5,
	  LENS_PHASE_RECOVERY, LENS_TV_DUP },
	/* Retransmitted 0 arrives: ACK 5. 15 - 5 + 1 = 11; Linux: the
	 * dup ACKs for 1..4 leave sacked_out, max(11, 7) - 6 = 5.
	 */
	{ "partial ACK 5", 0, 5, 12, 5, 0, 6, 11, 5, 5,
	  LENS_PHASE_RECOVERY, LENS_TV_PARTIAL },
	/* Retransmitted 5 arrives: ACK 12 = the recovery point. */
	{ "full ACK 12", 0, 12, 12, 7, 0, 0, 5, 5, 5, LENS_PHASE_CA,
	  LENS_TV_FULL },
};

/* Start the NewReno scenario: cwnd = ssthresh = 10, ten in flight. */
static inline void lens_tv_newreno_init(struct lens_cc *cc,
					struct lens_params *p, u32 base)
{
	lens_tv_params_rfc(p);
	p->recovery = LENS_RECOVERY_NEWRENO;
	p->initial_ssthresh = 10;
	lens_cc_init(cc, p, 10, lens_tv_seq(base, 10));
}

/* Feed one scripted ACK; returns lens_cc_linux_cwnd() after it. */
static inline u32 lens_tv_newreno_step(struct lens_cc *cc,
				       const struct lens_params *p, u32 base,
				       const struct lens_tv_nr_step *s,
				       struct lens_decision *d)
{
	struct lens_ack ack = { 0 };

	ack.snd_una = lens_tv_seq(base, s->una);
	ack.snd_nxt = lens_tv_seq(base, s->nxt);
	ack.acked = s->acked;
	ack.sacked = s->sacked;
	ack.delivered = s->acked ? 1 : s->sacked;
	ack.flight_size = s->nxt - s->una;
	ack.sacked_out = s->sacked_out;
	if (s->enter)
		lens_cc_enter_recovery(cc, p, 10, ack.snd_nxt, &ack, d);
	else
		lens_cc_on_ack(cc, p, &ack, d);
	return lens_cc_linux_cwnd(cc, ack.flight_size, ack.sacked_out);
}

/* ------------------------------------------------------------------------ */
/* PRR (RFC 9937): the RFC's examples, ACK by ACK                            */
/* ------------------------------------------------------------------------ */

/*
 * RFC 9937 section 8: Reno, cwnd = FlightSize = inflight = 20 segments
 * (0..19), so ssthresh becomes 10; Limited Transmit sends two new segments
 * on the first two duplicate ACKs, the third starts recovery. Every segment
 * that arrives is SACKed. The sender sends what cwnd - inflight allows,
 * lost segments first. A column is one ACK: the values after processing
 * it, before sending, and what is sent.
 */
struct lens_tv_prr_col {
	u8 ack;			/* the figure's ack#: the segment that arrived */
	u8 rtx;			/* ... as a retransmission */
	u8 cwnd;		/* "c", or LENS_TV_NA */
	u8 inflight;		/* "i" */
	u8 sent_new;		/* "s": N */
	u8 sent_rtx;		/* "s": R */
};

/* What the core did on one column, in the same terms. */
struct lens_tv_prr_obs {
	u16 cwnd, inflight, sent_new, sent_rtx;
};

#define LENS_TV_PRR_COLS	24	/* Figure 1 has 22 */

struct lens_tv_prr_ex {
	const char *name;
	u8 window;		/* segments in flight before the loss */
	u8 lost;		/* segments 0 .. lost - 1 are lost */
	u8 force_safe;		/* every ACK is SafeACK (RFC 6937 SSRB) */
	u8 ncols;
	struct lens_tv_prr_col col[LENS_TV_PRR_COLS];
	/*
	 * Columns where RFC 9937's per-ACK algorithm (section 6.2) and its
	 * figure disagree; the algorithm is normative, these are expected.
	 */
	u8 nfix;
	struct lens_tv_prr_col fix[2];
};

#define LENS_TV_N(a, c, i)	{ a, 0, c, i, 1, 0 }	/* one new segment */
#define LENS_TV_R(a, c, i)	{ a, 0, c, i, 0, 1 }	/* one retransmission */
#define LENS_TV_0(a, c, i)	{ a, 0, c, i, 0, 0 }	/* nothing sent */

/*
 * RFC 9937 Figure 1, PRR: a single loss (segment 0).
 *   a X  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15 16 17 18 19 20 21 22
 *   c   20 20 19 18 18 17 17 16 16 15 15 14 14 13 13 12 12 11 11 10 10 10
 *   i   19 19 18 18 17 17 16 16 15 15 14 14 13 13 12 12 11 11 10 10  9  9
 *   s    N  N  R     N     N     N     N     N     N     N     N     N  N
 * ACK#22 is the full ACK the retransmission of 0 elicits.
 *
 * At ACK#19 inflight is 10 = ssthresh, so section 6.2 takes the reduction
 * bound, MIN(ssthresh - inflight, ...) = 0, and sends nothing; the figure
 * shows the proportional step's 1 (CEIL(17 * 10 / 20) - 8) there instead.
 * The algorithm sends that segment on ACK#20. Totals and the final window
 * are the same.
 */
static const struct lens_tv_prr_ex lens_tv_prr_fig1 = {
	.name = "rfc9937_fig1",
	.window = 20, .lost = 1, .ncols = 22,
	.col = {
		LENS_TV_N(1, 20, 19), LENS_TV_N(2, 20, 19),
		LENS_TV_R(3, 19, 18), LENS_TV_0(4, 18, 18),
		LENS_TV_N(5, 18, 17), LENS_TV_0(6, 17, 17),
		LENS_TV_N(7, 17, 16), LENS_TV_0(8, 16, 16),
		LENS_TV_N(9, 16, 15), LENS_TV_0(10, 15, 15),
		LENS_TV_N(11, 15, 14), LENS_TV_0(12, 14, 14),
		LENS_TV_N(13, 14, 13), LENS_TV_0(14, 13, 13),
		LENS_TV_N(15, 13, 12), LENS_TV_0(16, 12, 12),
		LENS_TV_N(17, 12, 11), LENS_TV_0(18, 11, 11),
		LENS_TV_N(19, 11, 10), LENS_TV_0(20, 10, 10),
		LENS_TV_N(21, 10, 9),
		{ 0, 1, 10, 9, 1, 0 },	/* ACK#22: retransmitted 0 arrives */
	},
	.nfix = 2,
	.fix = { LENS_TV_0(19, 10, 10), LENS_TV_N(20, 10, 9) },
};

/*
 * RFC 9937 Figure 2, PRR: a burst of 15 losses (0..14). Inflight falls to
 * 4, below ssthresh; the ACKs are not SafeACKs, so PRR-CRB sends what is
 * delivered.
 *   a X ... X 15 16 17 18 19
 *   c         20 20  5  5  5
 *   i         19 19  4  4  4
 *   s          N  N  R  R  R
 * The round trip after it, worked from section 6.2 as section 8 describes
 * it: SACKs of the Limited Transmit segments 20 and 21 still get PRR-CRB;
 * the ACKs of retransmitted 0, 1 and 2 advance SND.UNA without new loss,
 * are SafeACKs, and PRR-SSRB raises inflight by one segment per ACK.
 *   a        20 21 R0 R1 R2
 *   c         5  5  6  7  8
 *   i         4  4  4  5  6
 *   s         R  R 2R 2R 2R
 */
static const struct lens_tv_prr_ex lens_tv_prr_fig2 = {
	.name = "rfc9937_fig2",
	.window = 20, .lost = 15, .ncols = 10,
	.col = {
		LENS_TV_N(15, 20, 19), LENS_TV_N(16, 20, 19),
		LENS_TV_R(17, 5, 4), LENS_TV_R(18, 5, 4),
		LENS_TV_R(19, 5, 4),
		LENS_TV_R(20, 5, 4), LENS_TV_R(21, 5, 4),
		{ 0, 1, 6, 4, 0, 2 }, { 1, 1, 7, 5, 0, 2 },
		{ 2, 1, 8, 6, 0, 2 },
	},
};

/*
 * RFC 6937 Figure 2, PRR-SSRB: the same burst when every ACK may take the
 * slow-start bound (RFC 6937 left the bound to the implementer; RFC 9937's
 * SafeACK now chooses it). cwnd is not shown there.
 *   ack#  X ... X 15 16 17 18 19
 *   pipe:         19 19  4  5  6
 *   sent:          N  N 2R 2R 2R
 */
static const struct lens_tv_prr_ex lens_tv_prr_6937_ssrb = {
	.name = "rfc6937_fig2_ssrb",
	.window = 20, .lost = 15, .force_safe = 1, .ncols = 5,
	.col = {
		LENS_TV_N(15, LENS_TV_NA, 19), LENS_TV_N(16, LENS_TV_NA, 19),
		{ 17, 0, LENS_TV_NA, 4, 0, 2 }, { 18, 0, LENS_TV_NA, 5, 0, 2 },
		{ 19, 0, LENS_TV_NA, 6, 0, 2 },
	},
};

/* An example at a sequence base. */
struct lens_tv_prr_case {
	const char *name;
	const struct lens_tv_prr_ex *ex;
	u32 base;
};

static const struct lens_tv_prr_case lens_tv_prr_cases[] = {
	{ "rfc9937_fig1", &lens_tv_prr_fig1, 1 },
	{ "rfc9937_fig1_seq_wrap", &lens_tv_prr_fig1, 0xfffff000U },
	{ "rfc9937_fig2", &lens_tv_prr_fig2, 1 },
	{ "rfc9937_fig2_seq_wrap", &lens_tv_prr_fig2, 0xfffff000U },
	{ "rfc6937_fig2_ssrb", &lens_tv_prr_6937_ssrb, 1 },
	{ "rfc6937_fig2_ssrb_seq_wrap", &lens_tv_prr_6937_ssrb, 0xfffff000U },
};

/* The expected column @i: the figure's, unless section 6.2 disagrees. */
static inline const struct lens_tv_prr_col *
lens_tv_prr_expected(const struct lens_tv_prr_ex *ex, u32 i)
{
	u32 j;

	for (j = 0; j < ex->nfix; j++)
		if (ex->fix[j].ack == ex->col[i].ack &&
		    ex->fix[j].rtx == ex->col[i].rtx)
			return &ex->fix[j];
	return &ex->col[i];
}

/* Segments of @mask in [@from, @to). */
static inline u32 lens_tv_count(u64 mask, u32 from, u32 to)
{
	u32 n = 0;

	for (; from < to; from++)
		n += (mask >> from) & 1;
	return n;
}

/*
 * Play an example through the core: SACK scoreboard, loss marking at the
 * third duplicate ACK, RFC 9937 inflight, prr_out, and a sender that sends
 * what cwnd allows. Fills @out with one observation per column.
 */
static inline void lens_tv_prr_run(const struct lens_tv_prr_ex *ex, u32 base,
				   struct lens_cc *cc,
				   struct lens_tv_prr_obs *out)
{
	/* Per-segment bits: arrived, marked lost, retransmitted in flight. */
	u64 delivered = 0, lost = 0, rtx = 0;
	u32 una = 0, nxt = ex->window, dupacks = 0, prr_out = 0, i;
	struct lens_params p;
	struct lens_decision d;

	lens_tv_params_rfc(&p);
	p.recovery = LENS_RECOVERY_PRR;
	p.initial_ssthresh = ex->window;
	lens_cc_init(cc, &p, ex->window, lens_tv_seq(base, nxt));

	for (i = 0; i < ex->ncols; i++) {
		const struct lens_tv_prr_col *c = &ex->col[i];
		struct lens_ack ack = { 0 };
		u32 sacked_before, old_una = una, room;
		bool enter = false;

		sacked_before = lens_tv_count(delivered, una, nxt);
		delivered |= 1ULL << c->ack;
		rtx &= ~(1ULL << c->ack);
		while (una < nxt && (delivered >> una) & 1)
			una++;
		if (una == old_una && ++dupacks == LENS_DUPTHRESH) {
			lost = (1ULL << ex->lost) - 1;
			enter = true;
		}
		ack.snd_una = lens_tv_seq(base, una);
		ack.snd_nxt = lens_tv_seq(base, nxt);
		ack.acked = una - old_una;
		ack.sacked = una == old_una;
		ack.sacked_out = lens_tv_count(delivered, una, nxt);
		ack.delivered = ack.acked + ack.sacked_out - sacked_before;
		ack.flight_size = nxt - una;
		ack.pipe = ack.flight_size - ack.sacked_out -
			   lens_tv_count(lost & ~delivered, una, nxt) +
			   lens_tv_count(rtx, una, nxt);
		ack.prr_out = prr_out;
		if (ex->force_safe || (ack.acked && !enter))
			ack.flags |= LENS_ACK_SAFE;
		if (enter)
			lens_cc_enter_recovery(cc, &p, ex->window, ack.snd_nxt, &ack, &d);
		else
			lens_cc_on_ack(cc, &p, &ack, &d);

		out[i].cwnd = (u16)min_t(u32, cc->cwnd, U16_MAX);
		out[i].inflight = (u16)min_t(u32, ack.pipe, U16_MAX);
		out[i].sent_new = 0;
		out[i].sent_rtx = 0;
		for (room = cc->cwnd > ack.pipe ? cc->cwnd - ack.pipe : 0;
		     room; room--) {
			u64 todo = lost & ~delivered & ~rtx;
			u32 s = 0;

			while (s < ex->window && !((todo >> s) & 1))
				s++;
			if (s < ex->window) {
				rtx |= 1ULL << s;
				out[i].sent_rtx++;
			} else {
				nxt++;
				out[i].sent_new++;
			}
			if (lens_cc_in_recovery(cc))
				prr_out++;
		}
	}
}

#endif /* _LENS_CC_CORE_VECTORS_H */
