// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the lens congestion-control core (module/cc/core/lens_cc_core.c):
 * ABC slow start and congestion avoidance, HyStart++ (RFC 9406), NewReno
 * (RFC 5681, RFC 6582), PRR against RFC 9937's own examples, RTO, ECN,
 * undo, parameters and helpers.
 *
 * The core is compiled into this module; the vectors and scenario drivers
 * are shared with the host runner through lens_cc_core_vectors.h.
 */
#include "../core/lens_cc_core.c"

#include <kunit/test.h>

#include "lens_cc_core_vectors.h"

/* A connection in congestion avoidance: cwnd 20, ssthresh 20. */
static void lens_test_ca(struct lens_cc *cc, struct lens_params *p,
			 u32 recovery, u32 snd_nxt)
{
	lens_tv_params_rfc(p);
	p->recovery = recovery;
	p->initial_ssthresh = 20;
	lens_cc_init(cc, p, 20, snd_nxt);
}

/* A duplicate ACK (one segment SACKed) with the given inflight. */
static struct lens_ack lens_test_dupack(u32 una, u32 nxt, u32 pipe)
{
	struct lens_ack ack = {
		.snd_una = una, .snd_nxt = nxt, .sacked = 1, .delivered = 1,
		.flight_size = (nxt - una) / LENS_TV_MSS, .sacked_out = 3,
		.pipe = pipe,
	};

	return ack;
}

/* ------------------------------------------------------------------------ */
/* Growth                                                                    */
/* ------------------------------------------------------------------------ */

static void lens_tv_grow_desc(const struct lens_tv_grow *v, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", v->name);
}

KUNIT_ARRAY_PARAM(lens_tv_grow, lens_tv_grow, lens_tv_grow_desc);

/* One ACK in slow start or CA: ABC, the ssthresh cap, CA credit. */
static void lens_grow_test(struct kunit *test)
{
	const struct lens_tv_grow *v = test->param_value;
	struct lens_decision d;
	struct lens_cc cc;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(lens_tv_bases); i++) {
		lens_tv_grow_run(v, lens_tv_bases[i], &cc, &d);
		KUNIT_EXPECT_EQ(test, cc.cwnd, v->exp_cwnd);
		KUNIT_EXPECT_EQ(test, cc.credit, v->exp_credit);
		KUNIT_EXPECT_EQ(test, cc.phase, v->exp_phase);
		KUNIT_EXPECT_EQ(test, d.ss_exit, v->exp_exit);
		KUNIT_EXPECT_EQ(test, d.reasons, v->exp_reasons);
		/* The last step: slow start's leftover goes to CA after it. */
		if (v->exp_reasons & LENS_TV_CA)
			KUNIT_EXPECT_EQ(test, d.reason, LENS_REASON_CA);
		else if (v->exp_reasons)
			KUNIT_EXPECT_EQ(test, d.reason, LENS_REASON_SS);
		else
			KUNIT_EXPECT_EQ(test, d.reason, LENS_REASON_NR);
		KUNIT_EXPECT_EQ(test, d.cwnd_in, v->cwnd);
		KUNIT_EXPECT_EQ(test, d.phase_out, cc.phase);
	}
}

/* RFC 3465 2.1: one segment per window of ACKed segments, across ACKs. */
static void lens_ca_credit_across_acks_test(struct kunit *test)
{
	struct lens_ack ack = { .acked = 1, .delivered = 1,
				.flags = LENS_ACK_CWND_LIMITED };
	struct lens_decision d;
	struct lens_params p;
	struct lens_cc cc;
	u32 i;

	lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, 0);
	for (i = 1; i < 20; i++) {
		ack.snd_una = i * LENS_TV_MSS;
		lens_cc_on_ack(&cc, &p, &ack, &d);
		KUNIT_EXPECT_EQ(test, cc.cwnd, 20U);
		KUNIT_EXPECT_EQ(test, cc.credit, i);
		KUNIT_EXPECT_EQ(test, d.reasons, 0);
	}
	lens_cc_on_ack(&cc, &p, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 21U);
	KUNIT_EXPECT_EQ(test, cc.credit, 0U);
	KUNIT_EXPECT_EQ(test, d.reasons, LENS_REASON_BIT(LENS_REASON_CA));

	/* A stretch ACK of 50 at cwnd 21: +2, 8 carried. */
	ack.acked = 50;
	lens_cc_on_ack(&cc, &p, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 23U);
	KUNIT_EXPECT_EQ(test, cc.credit, 8U);
	/* 15 more complete the window of 23. */
	ack.acked = 15;
	lens_cc_on_ack(&cc, &p, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 24U);
	KUNIT_EXPECT_EQ(test, cc.credit, 0U);
	/* ACKs that acknowledge nothing new do not grow the window. */
	ack.acked = 0;
	ack.sacked = 1;
	lens_cc_on_ack(&cc, &p, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 24U);
	KUNIT_EXPECT_EQ(test, cc.credit, 0U);
}

/* A connection in congestion avoidance at @cwnd with @credit, beta @beta. */
static void lens_test_ca_at(struct lens_cc *cc, struct lens_params *p,
			    u32 beta, u32 cwnd, u32 credit)
{
	lens_tv_params_rfc(p);
	p->beta = beta;
	p->initial_ssthresh = cwnd;
	lens_cc_init(cc, p, cwnd, 0);
	cc->credit = credit;
}

/*
 * The quick step's worked numbers. beta 0.7 at cwnd 100: one segment per
 * ceil(100 * 170 / 90) = 189 acknowledged. From credit 186 a two-segment
 * ACK leaves 188 and is taken; the next segment would complete 189 and is
 * refused, and the full step then grows cwnd to 101. beta 0.5 at cwnd 20:
 * one per 20.
 */
static void lens_ack_quick_test(struct kunit *test)
{
	struct lens_ack ack = { .flags = LENS_ACK_CWND_LIMITED };
	struct lens_decision d;
	struct lens_params p;
	struct lens_cc cc, was;

	lens_test_ca_at(&cc, &p, 70, 100, 186);
	KUNIT_ASSERT_EQ(test, cc.phase, LENS_PHASE_CA);
	KUNIT_EXPECT_TRUE(test, lens_cc_ack_quick(&cc, &p, 100, 100, 2896, 1448));
	KUNIT_EXPECT_EQ(test, cc.credit, 188U);
	was = cc;
	KUNIT_EXPECT_FALSE(test, lens_cc_ack_quick(&cc, &p, 100, 100, 1448, 1448));
	KUNIT_EXPECT_EQ(test, memcmp(&cc, &was, sizeof(cc)), 0);
	lens_ack_rules(&ack, 1448, 1448, 0);
	lens_cc_on_ack(&cc, &p, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 101U);
	KUNIT_EXPECT_EQ(test, cc.credit, 0U);
	KUNIT_EXPECT_EQ(test, d.reasons, LENS_REASON_BIT(LENS_REASON_CA));

	/* a partial segment counts whole; nothing acked adds nothing */
	lens_test_ca_at(&cc, &p, 50, 20, 18);
	KUNIT_EXPECT_TRUE(test, lens_cc_ack_quick(&cc, &p, 20, 20, 100, 1448));
	KUNIT_EXPECT_EQ(test, cc.credit, 19U);
	KUNIT_EXPECT_TRUE(test, lens_cc_ack_quick(&cc, &p, 20, 20, 0, 1448));
	KUNIT_EXPECT_EQ(test, cc.credit, 19U);
	KUNIT_EXPECT_FALSE(test, lens_cc_ack_quick(&cc, &p, 20, 20, 1, 1448));
	/* a stretch ACK past the window, and an SMSS of 0 taken as 1 */
	KUNIT_EXPECT_FALSE(test, lens_cc_ack_quick(&cc, &p, 20, 20, 14480,
						   1448));
	KUNIT_EXPECT_FALSE(test, lens_cc_ack_quick(&cc, &p, 20, 20, 1, 0));
	KUNIT_EXPECT_EQ(test, cc.credit, 19U);

	/* what the full step must see */
	lens_test_ca_at(&cc, &p, 70, 100, 0);
	was = cc;
	KUNIT_EXPECT_FALSE_MSG(test, lens_cc_ack_quick(&cc, &p, 99, 100, 1448,
						       1448),
			       "the stack changed cwnd");
	KUNIT_EXPECT_FALSE_MSG(test, lens_cc_ack_quick(&cc, &p, 100, 50, 1448,
						       1448),
			       "the stack changed ssthresh");
	cc.ssthresh = 120;
	KUNIT_EXPECT_FALSE_MSG(test, lens_cc_ack_quick(&cc, &p, 100, 120, 1448,
						       1448),
			       "cwnd below ssthresh: slow start again");
	cc = was;
	cc.phase = LENS_PHASE_CWR;
	KUNIT_EXPECT_FALSE_MSG(test, lens_cc_ack_quick(&cc, &p, 100, 100, 1448,
						       1448),
			       "a reduction in progress");
	lens_test_ca_at(&cc, &p, 70, LENS_QUICK_CWND_MAX + 1, 0);
	KUNIT_EXPECT_FALSE_MSG(test,
			       lens_cc_ack_quick(&cc, &p, LENS_QUICK_CWND_MAX + 1,
						 LENS_QUICK_CWND_MAX + 1, 1448,
						 1448),
			       "a window past LENS_QUICK_CWND_MAX");
	lens_tv_params_rfc(&p);
	lens_cc_init(&cc, &p, 10, 0);
	KUNIT_ASSERT_EQ(test, cc.phase, LENS_PHASE_SS);
	KUNIT_EXPECT_FALSE_MSG(test, lens_cc_ack_quick(&cc, &p, 10,
						       LENS_INFINITE_SSTHRESH,
						       1448, 1448),
			       "slow start");
}

/* xorshift32: the equivalence test's inputs, the same on every run. */
static u32 lens_test_rand(u32 *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/*
 * Whenever lens_cc_ack_quick() takes an ACK, lens_cc_sync() and
 * lens_cc_on_ack() would have left the very same state and recorded no
 * decision; whenever it refuses one, it left the state alone. Random
 * windows, credits, betas, ACK sizes and SMSSs, and a socket whose window
 * sometimes differs from the core's; both outcomes must occur often.
 */
static void lens_ack_quick_matches_full_test(struct kunit *test)
{
	static const u32 sizes[] = { 0, 1, 536, 1448, 1449, 2896, 2897, 9000 };
	u32 x = 0x1e45cc, i, taken = 0, refused = 0;

	for (i = 0; i < 20000; i++) {
		u32 r = lens_test_rand(&x), mss, bytes, cwnd, ssthresh, w;
		struct lens_ack ack = { .flags = LENS_ACK_CWND_LIMITED };
		struct lens_cc cc, full, was;
		struct lens_decision d;
		struct lens_params p;

		lens_test_ca_at(&cc, &p, 50 + r % 41,
				2 + lens_test_rand(&x) % 3000, 0);
		/* one in eight in another phase */
		if ((r & 0x700) == 0x700)
			cc.phase = (r >> 11) % LENS_PHASE_NR;
		w = lens_ai_window(cc.cwnd, p.beta);
		cc.credit = lens_test_rand(&x) % (w + w / 4);
		/* ssthresh up to cwnd, one in eight past it */
		cc.ssthresh = 2 + lens_test_rand(&x) % (cc.cwnd - 1);
		if ((r & 0x3800) == 0x3800)
			cc.ssthresh = cc.cwnd + 1;
		mss = (r & 0xc000) == 0xc000 ? 0 :
		      sizes[(r >> 16) % ARRAY_SIZE(sizes)];
		bytes = (r & 0x80000) ? lens_test_rand(&x) % 100000 :
			sizes[(r >> 20) % ARRAY_SIZE(sizes)];
		/* the socket's window: one in eight differs from the core's */
		cwnd = cc.cwnd;
		ssthresh = cc.ssthresh;
		if ((r & 0x7000000) == 0x7000000)
			cwnd += (r & 0x8000000) ? 1 : -1;
		if ((r & 0x70000000) == 0x70000000)
			ssthresh += (r & 0x80000000) ? 1 : -1;

		was = cc;
		full = cc;
		if (!lens_cc_ack_quick(&cc, &p, cwnd, ssthresh, bytes, mss)) {
			refused++;
			KUNIT_EXPECT_EQ_MSG(test, memcmp(&cc, &was, sizeof(cc)),
					    0, "refused ACK %u changed the state",
					    i);
			continue;
		}
		taken++;
		lens_cc_sync(&full, cwnd, ssthresh);
		lens_ack_rules(&ack, bytes, mss, 0);
		lens_cc_on_ack(&full, &p, &ack, &d);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(&cc, &full, sizeof(cc)), 0,
				    "ACK %u: quick and full steps differ", i);
		KUNIT_EXPECT_EQ_MSG(test, d.reasons, 0, "ACK %u", i);
		KUNIT_EXPECT_EQ_MSG(test, d.events, 0, "ACK %u", i);
		KUNIT_EXPECT_EQ_MSG(test, d.ss_exit, LENS_SS_EXIT_NONE,
				    "ACK %u", i);
		KUNIT_EXPECT_EQ_MSG(test, d.phase_out, d.phase_in, "ACK %u", i);
	}
	KUNIT_EXPECT_GT(test, taken, 2000U);
	KUNIT_EXPECT_GT(test, refused, 2000U);
}

static struct kunit_case lens_growth_cases[] = {
	KUNIT_CASE_PARAM(lens_grow_test, lens_tv_grow_gen_params),
	KUNIT_CASE(lens_ca_credit_across_acks_test),
	KUNIT_CASE(lens_ack_quick_test),
	KUNIT_CASE(lens_ack_quick_matches_full_test),
	{}
};

static struct kunit_suite lens_growth_suite = {
	.name = "lens_cc_core_growth",
	.test_cases = lens_growth_cases,
};

/* ------------------------------------------------------------------------ */
/* HyStart++                                                                 */
/* ------------------------------------------------------------------------ */

static void lens_test_flow(struct lens_tv_flow *f, u32 base)
{
	struct lens_params p;

	lens_tv_params_rfc(&p);
	lens_tv_flow_init(f, &p, 10, base);
}

/*
 * Slow start, 8 samples of 100 ms in round 1 and 8 of 112.5 ms in round 2:
 * CSS begins on round 2's eighth ACK, the 18th. Returns at round 2's end.
 */
static void lens_test_flow_to_css(struct kunit *test, struct lens_tv_flow *f,
				  u32 base)
{
	lens_test_flow(f, base);
	KUNIT_ASSERT_EQ(test, lens_tv_flow_round(f, 100000, 8), 10U);
	lens_tv_flow_round(f, 112500, 8);
	KUNIT_ASSERT_EQ(test, f->cc.phase, LENS_PHASE_CSS);
	KUNIT_ASSERT_EQ(test, f->exit_ack[LENS_SS_EXIT_HYSTART_DELAY], 18U);
}

/* Rounds end when SND.UNA passes windowEnd, across the sequence wrap. */
static void lens_hspp_round_detection_test(struct kunit *test)
{
	struct lens_tv_flow f;
	u32 i, b;

	for (b = 0; b < ARRAY_SIZE(lens_tv_bases); b++) {
		u32 base = lens_tv_bases[b];

		lens_test_flow(&f, base);
		KUNIT_EXPECT_EQ(test, f.cc.window_end, base);
		/* The first ACK passes windowEnd = the initial SND.NXT. */
		lens_tv_flow_ack(&f, 0);
		KUNIT_EXPECT_TRUE(test, f.d.events & LENS_EV_ROUND);
		KUNIT_EXPECT_EQ(test, f.cc.window_end, lens_tv_seq(base, 10));
		/* ACKs up to windowEnd itself stay in the round. */
		for (i = 2; i <= 10; i++) {
			lens_tv_flow_ack(&f, 0);
			KUNIT_EXPECT_FALSE(test, f.d.events & LENS_EV_ROUND);
		}
		KUNIT_EXPECT_EQ(test, f.una, lens_tv_seq(base, 10));
		/*
		 * The next round's windowEnd is SND.NXT when its first ACK
		 * arrives: 10 segments acked plus cwnd, doubled to 20.
		 */
		KUNIT_EXPECT_EQ(test, f.cc.cwnd, 20U);
		lens_tv_flow_ack(&f, 0);
		KUNIT_EXPECT_TRUE(test, f.d.events & LENS_EV_ROUND);
		KUNIT_EXPECT_EQ(test, f.cc.window_end, lens_tv_seq(base, 30));
	}
}

static void lens_tv_hspp_thresh_desc(const struct lens_tv_hspp_thresh *v,
				     char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", v->name);
}

KUNIT_ARRAY_PARAM(lens_tv_hspp_thresh, lens_tv_hspp_thresh,
		  lens_tv_hspp_thresh_desc);

/* RFC 9406: CSS once currentRoundMinRTT >= lastRoundMinRTT + RttThresh. */
static void lens_hspp_thresh_test(struct kunit *test)
{
	const struct lens_tv_hspp_thresh *v = test->param_value;
	struct lens_tv_flow f;

	lens_test_flow(&f, lens_tv_bases[1]);
	lens_tv_flow_round(&f, v->last_rtt_us, 8);
	KUNIT_EXPECT_EQ(test, f.cc.phase, LENS_PHASE_SS);
	lens_tv_flow_round(&f, v->cur_rtt_us, 8);
	KUNIT_EXPECT_EQ(test, f.cc.phase,
			v->css ? LENS_PHASE_CSS : LENS_PHASE_SS);
	KUNIT_EXPECT_EQ(test, !!(f.ss_exits &
			LENS_TV_BIT(LENS_SS_EXIT_HYSTART_DELAY)), !!v->css);
	if (v->css) {
		KUNIT_EXPECT_EQ(test, f.exit_ack[LENS_SS_EXIT_HYSTART_DELAY],
				18U);
		KUNIT_EXPECT_EQ(test, f.cc.css_baseline_min_rtt, v->cur_rtt_us);
		KUNIT_EXPECT_EQ(test, f.cc.ssthresh, LENS_INFINITE_SSTHRESH);
	}
}

/* The delay check waits for N_RTT_SAMPLE samples in the round. */
static void lens_hspp_needs_n_samples_test(struct kunit *test)
{
	struct lens_tv_flow f;

	lens_test_flow(&f, 1);
	lens_tv_flow_round(&f, 100000, 8);
	lens_tv_flow_round(&f, 200000, 7);
	KUNIT_EXPECT_EQ(test, f.cc.phase, LENS_PHASE_SS);
	KUNIT_EXPECT_EQ(test, f.cc.rtt_samples, 7);
	/* Round 3 against round 2's 200 ms: the eighth sample decides. */
	lens_tv_flow_round(&f, 300000, 8);
	KUNIT_EXPECT_EQ(test, f.cc.phase, LENS_PHASE_CSS);
	KUNIT_EXPECT_EQ(test, f.cc.css_baseline_min_rtt, 300000U);
}

/* Zero and absent (negative) samples are no samples. */
static void lens_hspp_ignores_absent_samples_test(struct kunit *test)
{
	struct lens_tv_flow f;
	u32 i;

	lens_test_flow(&f, lens_tv_bases[1]);
	lens_tv_flow_round(&f, 100000, 8);
	for (i = 0; i < 4; i++)
		lens_tv_flow_ack(&f, 0);
	for (i = 0; i < 4; i++)
		lens_tv_flow_ack(&f, -1);
	KUNIT_EXPECT_EQ(test, f.cc.rtt_samples, 0);
	KUNIT_EXPECT_EQ(test, f.cc.cur_round_min_rtt, LENS_RTT_NONE);
	for (i = 0; i < 7; i++)
		lens_tv_flow_ack(&f, 150000);
	KUNIT_EXPECT_EQ(test, f.cc.phase, LENS_PHASE_SS);
	lens_tv_flow_ack(&f, 150000);
	KUNIT_EXPECT_EQ(test, f.cc.phase, LENS_PHASE_CSS);
	KUNIT_EXPECT_EQ(test, f.cc.rtt_samples, 8);
}

/* CSS grows by acked / CSS_GROWTH_DIVISOR, the fraction carried. */
static void lens_hspp_css_growth_test(struct kunit *test)
{
	struct lens_tv_flow f;
	u32 cwnd, i;

	lens_test_flow_to_css(test, &f, 1);
	cwnd = f.cc.cwnd;
	KUNIT_EXPECT_EQ(test, f.cc.credit, 0U);
	for (i = 1; i <= 3; i++) {
		lens_tv_flow_ack(&f, 0);
		KUNIT_EXPECT_EQ(test, f.cc.cwnd, cwnd);
		KUNIT_EXPECT_EQ(test, f.cc.credit, i);
	}
	lens_tv_flow_ack(&f, 0);
	KUNIT_EXPECT_EQ(test, f.cc.cwnd, cwnd + 1);
	KUNIT_EXPECT_EQ(test, f.cc.credit, 0U);
	KUNIT_EXPECT_EQ(test, f.d.reasons, LENS_REASON_BIT(LENS_REASON_CSS));
}

/* CSS returns to SS when a round's minimum falls under the baseline. */
static void lens_hspp_spurious_exit_test(struct kunit *test)
{
	struct lens_tv_flow f;

	lens_test_flow_to_css(test, &f, lens_tv_bases[1]);
	/* 7 samples under the baseline: not enough to judge. */
	lens_tv_flow_round(&f, 105000, 7);
	KUNIT_EXPECT_EQ(test, f.cc.phase, LENS_PHASE_CSS);
	KUNIT_EXPECT_FALSE(test, f.events & LENS_EV_CSS_SPURIOUS);
	/* 8: spurious, resume slow start with HyStart++. */
	lens_tv_flow_round(&f, 105000, 8);
	KUNIT_EXPECT_EQ(test, f.cc.phase, LENS_PHASE_SS);
	KUNIT_EXPECT_TRUE(test, f.events & LENS_EV_CSS_SPURIOUS);
	KUNIT_EXPECT_EQ(test, f.cc.css_baseline_min_rtt, LENS_RTT_NONE);
	KUNIT_EXPECT_EQ(test, f.cc.ssthresh, LENS_INFINITE_SSTHRESH);
	KUNIT_EXPECT_FALSE(test, f.cc.flags & LENS_F_HSPP_DONE);
	/* HyStart++ still runs: the next rise enters CSS again. */
	f.ss_exits = 0;
	lens_tv_flow_round(&f, 150000, 8);
	KUNIT_EXPECT_EQ(test, f.cc.phase, LENS_PHASE_CSS);
	KUNIT_EXPECT_TRUE(test, f.ss_exits &
			  LENS_TV_BIT(LENS_SS_EXIT_HYSTART_DELAY));
}

/* CSS ends after CSS_ROUNDS rounds, the partial first one included. */
static void lens_hspp_css_rounds_test(struct kunit *test)
{
	struct lens_tv_flow f;
	u32 r, acks;

	lens_test_flow_to_css(test, &f, lens_tv_bases[1]);
	KUNIT_EXPECT_EQ(test, f.cc.css_rounds, 1);
	for (r = 2; r <= LENS_HSPP_CSS_ROUNDS; r++) {
		lens_tv_flow_round(&f, 112500, 8);
		KUNIT_EXPECT_EQ(test, f.cc.phase, LENS_PHASE_CSS);
		KUNIT_EXPECT_EQ(test, f.cc.css_rounds, r);
	}
	KUNIT_EXPECT_FALSE(test, f.ss_exits & LENS_TV_BIT(LENS_SS_EXIT_CSS));
	/* The ACK that ends the fifth round enters CA, ssthresh = cwnd. */
	acks = f.acks;
	lens_tv_flow_ack(&f, 112500);
	KUNIT_EXPECT_EQ(test, f.cc.phase, LENS_PHASE_CA);
	KUNIT_EXPECT_EQ(test, f.exit_ack[LENS_SS_EXIT_CSS], acks + 1);
	KUNIT_EXPECT_EQ(test, f.exit_cwnd[LENS_SS_EXIT_CSS], f.cc.cwnd);
	KUNIT_EXPECT_EQ(test, f.cc.ssthresh, f.d.cwnd_in);
	KUNIT_EXPECT_EQ(test, f.d.reason, LENS_REASON_CSS);
	KUNIT_EXPECT_TRUE(test, f.cc.flags & LENS_F_HSPP_DONE);
}

/*
 * A second rise ends CSS at once (hystart_css_rise), worked numbers: the
 * baseline of 112.5 ms gives RttThresh = min(112.5 / 8, 16) = 14.0625 ms,
 * so a CSS round at 126.5625 ms or more ends slow start (ssthresh = cwnd,
 * CA), and one at 126.5 ms does not. Off, CSS runs all its rounds.
 */
static void lens_hspp_css_rise_test(struct kunit *test)
{
	struct lens_tv_flow f;
	u32 acks, i;

	lens_test_flow_to_css(test, &f, lens_tv_bases[1]);
	lens_tv_flow_round(&f, 126500, 8);
	KUNIT_EXPECT_EQ(test, f.cc.phase, LENS_PHASE_CSS);
	KUNIT_EXPECT_EQ(test, f.cc.css_rounds, 2);
	/* 7 samples are not enough to judge; the eighth ends CSS. */
	acks = f.acks;
	for (i = 0; i < 7; i++)
		lens_tv_flow_ack(&f, 126563);
	KUNIT_EXPECT_EQ(test, f.cc.css_rounds, 3);
	KUNIT_EXPECT_EQ(test, f.cc.phase, LENS_PHASE_CSS);
	lens_tv_flow_ack(&f, 126563);
	KUNIT_EXPECT_EQ(test, f.cc.phase, LENS_PHASE_CA);
	KUNIT_EXPECT_EQ(test, f.exit_ack[LENS_SS_EXIT_CSS_RISE], acks + 8);
	KUNIT_EXPECT_FALSE(test, f.ss_exits & LENS_TV_BIT(LENS_SS_EXIT_CSS));
	KUNIT_EXPECT_EQ(test, f.cc.ssthresh, f.cc.cwnd);
	KUNIT_EXPECT_EQ(test, f.d.reason, LENS_REASON_CSS_RISE);
	KUNIT_EXPECT_EQ(test, f.d.phase_out, LENS_PHASE_CA);
	KUNIT_EXPECT_TRUE(test, f.cc.flags & LENS_F_HSPP_DONE);

	/* Off: rounds far above the baseline leave CSS only at its end. */
	lens_test_flow_to_css(test, &f, lens_tv_bases[0]);
	f.p.hspp_css_rise = 0;
	while (f.cc.phase == LENS_PHASE_CSS)
		lens_tv_flow_round(&f, 200000, 8);
	KUNIT_EXPECT_EQ(test, f.ss_exits,
			LENS_TV_BIT(LENS_SS_EXIT_HYSTART_DELAY) |
			LENS_TV_BIT(LENS_SS_EXIT_CSS));
}

/*
 * A loss in CSS ends slow start. Proved spurious and undone, slow start
 * resumes, and HyStart++ with it: an RTT rise moves it to CSS again.
 */
static void lens_hspp_loss_ends_test(struct kunit *test)
{
	struct lens_tv_flow f;
	struct lens_decision d;
	struct lens_ack ack;

	lens_test_flow_to_css(test, &f, 1);
	ack = lens_test_dupack(f.una, f.nxt, f.cc.cwnd - 4);
	lens_cc_enter_recovery(&f.cc, &f.p, f.cc.cwnd, ack.snd_nxt, &ack, &d);
	KUNIT_EXPECT_EQ(test, d.ss_exit, LENS_SS_EXIT_LOSS);
	KUNIT_EXPECT_EQ(test, d.phase_in, LENS_PHASE_CSS);
	KUNIT_EXPECT_EQ(test, d.phase_out, LENS_PHASE_RECOVERY);
	/* Undone, the connection slow-starts again, HyStart++ watching. */
	lens_cc_undo(&f.cc, &d);
	KUNIT_EXPECT_EQ(test, f.cc.phase, LENS_PHASE_SS);
	lens_cc_rtt_sample(&f.cc, 500000);
	KUNIT_EXPECT_EQ(test, f.cc.pending_samples, 1);
	f.ss_exits = 0;
	lens_tv_flow_round(&f, 500000, 8);
	/* Within RttThresh of the new baseline: CSS goes on. */
	lens_tv_flow_round(&f, 510000, 8);
	KUNIT_EXPECT_EQ(test, f.cc.phase, LENS_PHASE_CSS);
	KUNIT_EXPECT_EQ(test, f.ss_exits,
			LENS_TV_BIT(LENS_SS_EXIT_HYSTART_DELAY));
}

/* With hystart=0 slow start ignores the RTT. */
static void lens_hspp_disabled_test(struct kunit *test)
{
	struct lens_tv_flow f;
	struct lens_params p;

	lens_tv_params_rfc(&p);
	p.hystart = 0;
	lens_tv_flow_init(&f, &p, 10, 1);
	lens_tv_flow_round(&f, 100000, 8);
	lens_tv_flow_round(&f, 200000, 8);
	lens_tv_flow_round(&f, 400000, 8);
	KUNIT_EXPECT_EQ(test, f.cc.phase, LENS_PHASE_SS);
	KUNIT_EXPECT_EQ(test, f.ss_exits, 0U);
	/* Slow start doubled the window each round: 10, 20, 40, 80. */
	KUNIT_EXPECT_EQ(test, f.cc.cwnd, 80U);
}

/*
 * The ACK-aggregation allowance, worked numbers: lastRoundMinRTT 40 ms
 * gives RttThresh = max(4, min(40 / 8, 16)) = 5 ms. A round at 45.5 ms
 * rises by 5.5 ms: CSS without the allowance; with a 1 ms allowance the
 * bar is 46 ms, so it is held; 46 ms clears it. An allowance above 1 ms
 * counts as 1 ms.
 */
static void lens_hspp_ack_delay_test(struct kunit *test)
{
	static const struct {
		u32 ack_delay, agg_us, rtt_us, css;
	} v[] = {
		{ 0, 1000, 45500, 1 },	/* parameter off */
		{ 1, 0, 45500, 1 },	/* no aggregation measured */
		{ 1, 1000, 45500, 0 },	/* held */
		{ 1, 1000, 45999, 0 },
		{ 1, 1000, 46000, 1 },
		{ 1, 5000, 46000, 1 },	/* capped at 1 ms */
		{ 1, 400, 45400, 1 },
		{ 1, 400, 45399, 0 },
	};
	struct lens_tv_flow f;
	struct lens_params p;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		lens_tv_params_rfc(&p);
		p.hspp_ack_delay = v[i].ack_delay;
		lens_tv_flow_init(&f, &p, 10,
				  lens_tv_bases[i % ARRAY_SIZE(lens_tv_bases)]);
		f.agg_us = v[i].agg_us;
		lens_tv_flow_round(&f, 40000, 8);
		lens_tv_flow_round(&f, v[i].rtt_us, 8);
		KUNIT_EXPECT_EQ_MSG(test, f.cc.phase,
				    v[i].css ? LENS_PHASE_CSS : LENS_PHASE_SS,
				    "vector %u", i);
		KUNIT_EXPECT_EQ_MSG(test, !!(f.events & LENS_EV_HSPP_AGG_HELD),
				    !v[i].css, "vector %u", i);
	}
}

/*
 * RTT samples of ACKs that come while the sender is not cwnd-limited do
 * not count: such a round of 150 ms after one of 100 ms neither fills the
 * round's sample count nor moves SS to CSS; the same samples on
 * cwnd-limited ACKs do. With hspp_cwnd_limited=0 they count as before.
 */
static void lens_hspp_cwnd_limited_test(struct kunit *test)
{
	struct lens_tv_flow f;
	struct lens_params p;
	u32 i;

	lens_test_flow(&f, lens_tv_bases[1]);
	lens_tv_flow_round(&f, 100000, 8);
	f.not_limited = true;
	for (i = 0; i < 8; i++)
		lens_tv_flow_ack(&f, 150000);
	KUNIT_EXPECT_EQ(test, f.cc.phase, LENS_PHASE_SS);
	KUNIT_EXPECT_EQ(test, f.cc.rtt_samples, 0);
	KUNIT_EXPECT_EQ(test, f.cc.cur_round_min_rtt, LENS_RTT_NONE);
	KUNIT_EXPECT_TRUE(test, f.events & LENS_EV_HSPP_NOT_LIMITED);
	f.not_limited = false;
	for (i = 0; i < 7; i++)
		lens_tv_flow_ack(&f, 150000);
	KUNIT_EXPECT_EQ(test, f.cc.phase, LENS_PHASE_SS);
	lens_tv_flow_ack(&f, 150000);
	KUNIT_EXPECT_EQ(test, f.cc.phase, LENS_PHASE_CSS);

	lens_tv_params_rfc(&p);
	p.hspp_cwnd_limited = 0;
	lens_tv_flow_init(&f, &p, 10, lens_tv_bases[1]);
	lens_tv_flow_round(&f, 100000, 8);
	f.not_limited = true;
	for (i = 0; i < 8; i++)
		lens_tv_flow_ack(&f, 150000);
	KUNIT_EXPECT_EQ(test, f.cc.phase, LENS_PHASE_CSS);
	KUNIT_EXPECT_FALSE(test, f.events & LENS_EV_HSPP_NOT_LIMITED);
}

/*
 * A round whose first @n_lo ACKs carry @lo and next @n_hi carry @hi, the
 * rest none; it stops early, after @stop ACKs, if @stop is not 0.
 */
static void lens_test_ramp_round(struct lens_tv_flow *f, s32 lo, u32 n_lo,
				 s32 hi, u32 n_hi, u32 stop)
{
	u32 i = 0;

	do {
		lens_tv_flow_ack(f, i < n_lo ? lo : i < n_lo + n_hi ? hi : 0);
		if (++i == stop)
			return;
	} while (!tcplens_seq_after(f->una + LENS_TV_MSS, f->cc.window_end));
}

/*
 * hystart_block, worked numbers. Round 1: 8 samples of 100 ms. Round 2
 * (20 ACKs): 8 of 100 ms, then a queue: its minimum stays 100 ms, so RFC
 * 9406's rule sees no rise, but the second block of 8 is a whole RttThresh
 * (100 / 8 = 12.5 ms) over the floor of 100 ms: 112.5 ms moves SS to CSS
 * on that block's last ACK, the 16th of the round (26th of the flow),
 * with the block minimum for baseline; 112.499 ms does not. Off, neither.
 */
static void lens_hspp_block_test(struct kunit *test)
{
	static const s32 hi[] = { 112499, 112500 };
	struct lens_tv_flow f;
	u32 i, on;

	for (on = 0; on <= 1; on++) {
		for (i = 0; i < ARRAY_SIZE(hi); i++) {
			lens_test_flow(&f, lens_tv_bases[1]);
			f.p.hspp_block = on;
			lens_tv_flow_round(&f, 100000, 8);
			lens_test_ramp_round(&f, 100000, 8, hi[i], 8, 16);
			KUNIT_EXPECT_EQ(test, f.cc.cur_round_min_rtt, 100000U);
			if (on && i) {
				KUNIT_EXPECT_EQ(test, f.cc.phase,
						LENS_PHASE_CSS);
				KUNIT_EXPECT_EQ(test,
						f.exit_ack[LENS_SS_EXIT_HYSTART_BLOCK],
						26U);
				KUNIT_EXPECT_EQ(test, f.cc.css_baseline_min_rtt,
						112500U);
				KUNIT_EXPECT_EQ(test, f.cc.ssthresh,
						LENS_INFINITE_SSTHRESH);
				KUNIT_EXPECT_EQ(test, f.d.ss_exit,
						LENS_SS_EXIT_HYSTART_BLOCK);
			} else {
				KUNIT_EXPECT_EQ(test, f.cc.phase, LENS_PHASE_SS);
				KUNIT_EXPECT_EQ(test, f.ss_exits, 0U);
			}
		}
	}
	/* A lone late sample in a block is not a rise: the minimum decides. */
	lens_test_flow(&f, lens_tv_bases[0]);
	lens_tv_flow_round(&f, 100000, 8);
	lens_test_ramp_round(&f, 100000, 8, 200000, 7, 15);
	lens_tv_flow_ack(&f, 100000);
	KUNIT_EXPECT_EQ(test, f.cc.phase, LENS_PHASE_SS);
	KUNIT_EXPECT_EQ(test, f.cc.block_samples, 0);
}

/* Round 2 of lens_hspp_block_test, up to CSS on its 16th ACK. */
static void lens_test_flow_to_block_css(struct kunit *test,
					struct lens_tv_flow *f, u32 base)
{
	lens_test_flow(f, base);
	lens_tv_flow_round(f, 100000, 8);
	lens_test_ramp_round(f, 100000, 8, 112500, 8, 16);
	KUNIT_ASSERT_EQ(test, f->cc.phase, LENS_PHASE_CSS);
	KUNIT_ASSERT_TRUE(test, f->ss_exits &
			  LENS_TV_BIT(LENS_SS_EXIT_HYSTART_BLOCK));
}

/*
 * CSS begun on a block. Its round minima stay at the floor, under the
 * baseline, without making it spurious. A round with no block at
 * floor + RttThresh = 112.5 ms is: the queue is gone, SS resumes at that
 * round's end. A block RttThresh (112.5 / 8 = 14.0625 ms) over the
 * baseline, 126.5625 ms, is a second rise: ssthresh = cwnd, CA; 126.5 is
 * not.
 */
static void lens_hspp_block_css_test(struct kunit *test)
{
	struct lens_tv_flow f;

	lens_test_flow_to_block_css(test, &f, lens_tv_bases[1]);
	lens_test_ramp_round(&f, 0, 0, 0, 0, 0);	/* rest of round 2 */
	/* Round 3: the floor, then a block at 112.5 ms: still CSS. */
	lens_test_ramp_round(&f, 100000, 8, 112500, 8, 0);
	KUNIT_EXPECT_EQ(test, f.cc.phase, LENS_PHASE_CSS);
	KUNIT_EXPECT_FALSE(test, f.events & LENS_EV_CSS_SPURIOUS);
	/* Round 4: blocks of 112.499 ms at most: spurious at round 5. */
	lens_test_ramp_round(&f, 100000, 8, 112499, 16, 0);
	KUNIT_EXPECT_EQ(test, f.cc.phase, LENS_PHASE_CSS);
	lens_tv_flow_ack(&f, 0);
	KUNIT_EXPECT_EQ(test, f.cc.phase, LENS_PHASE_SS);
	KUNIT_EXPECT_TRUE(test, f.d.events & LENS_EV_CSS_SPURIOUS);
	KUNIT_EXPECT_EQ(test, f.cc.css_baseline_min_rtt, LENS_RTT_NONE);
	KUNIT_EXPECT_EQ(test, f.cc.ssthresh, LENS_INFINITE_SSTHRESH);

	lens_test_flow_to_block_css(test, &f, lens_tv_bases[0]);
	lens_test_ramp_round(&f, 0, 0, 0, 0, 0);
	lens_test_ramp_round(&f, 100000, 8, 126500, 8, 0);
	KUNIT_EXPECT_EQ(test, f.cc.phase, LENS_PHASE_CSS);
	lens_test_ramp_round(&f, 100000, 8, 126563, 8, 16);
	KUNIT_EXPECT_EQ(test, f.cc.phase, LENS_PHASE_CA);
	KUNIT_EXPECT_EQ(test, f.d.reason, LENS_REASON_CSS_RISE);
	KUNIT_EXPECT_EQ(test, f.cc.ssthresh, f.cc.cwnd);
	KUNIT_EXPECT_TRUE(test, f.ss_exits & LENS_TV_BIT(LENS_SS_EXIT_CSS_RISE));
}

static struct kunit_case lens_hystart_cases[] = {
	KUNIT_CASE(lens_hspp_round_detection_test),
	KUNIT_CASE_PARAM(lens_hspp_thresh_test, lens_tv_hspp_thresh_gen_params),
	KUNIT_CASE(lens_hspp_needs_n_samples_test),
	KUNIT_CASE(lens_hspp_ignores_absent_samples_test),
	KUNIT_CASE(lens_hspp_css_growth_test),
	KUNIT_CASE(lens_hspp_spurious_exit_test),
	KUNIT_CASE(lens_hspp_css_rounds_test),
	KUNIT_CASE(lens_hspp_loss_ends_test),
	KUNIT_CASE(lens_hspp_disabled_test),
	KUNIT_CASE(lens_hspp_ack_delay_test),
	KUNIT_CASE(lens_hspp_cwnd_limited_test),
	KUNIT_CASE(lens_hspp_css_rise_test),
	KUNIT_CASE(lens_hspp_block_test),
	KUNIT_CASE(lens_hspp_block_css_test),
	{}
};

static struct kunit_suite lens_hystart_suite = {
	.name = "lens_cc_core_hystart",
	.test_cases = lens_hystart_cases,
};

/* ------------------------------------------------------------------------ */
/* NewReno                                                                   */
/* ------------------------------------------------------------------------ */

/* RFC 5681 3.2 + RFC 6582 through duplicate, partial and full ACKs. */
static void lens_newreno_script_test(struct kunit *test)
{
	struct lens_decision d;
	struct lens_params p;
	struct lens_cc cc;
	u32 b, i;

	for (b = 0; b < ARRAY_SIZE(lens_tv_bases); b++) {
		lens_tv_newreno_init(&cc, &p, lens_tv_bases[b]);
		for (i = 0; i < ARRAY_SIZE(lens_tv_newreno); i++) {
			const struct lens_tv_nr_step *s = &lens_tv_newreno[i];
			u32 linux_cwnd;

			linux_cwnd = lens_tv_newreno_step(&cc, &p,
							  lens_tv_bases[b],
							  s, &d);
			KUNIT_EXPECT_EQ_MSG(test, cc.cwnd, s->exp_cwnd,
					    "%s", s->what);
			KUNIT_EXPECT_EQ_MSG(test, linux_cwnd, s->exp_linux,
					    "%s", s->what);
			KUNIT_EXPECT_EQ_MSG(test, cc.ssthresh, s->exp_ssthresh,
					    "%s", s->what);
			KUNIT_EXPECT_EQ_MSG(test, cc.phase, s->exp_phase,
					    "%s", s->what);
			KUNIT_EXPECT_EQ_MSG(test, d.reasons, s->exp_reasons,
					    "%s", s->what);
		}
		KUNIT_EXPECT_EQ(test, cc.stats.recoveries, 1);
		KUNIT_EXPECT_EQ(test, cc.stats.partial_acks, 1);
		KUNIT_EXPECT_EQ(test, cc.stats.full_acks, 1);
		KUNIT_EXPECT_TRUE(test, d.events & LENS_EV_RECOVERY_EXIT);
	}
}

/* The translation into Linux's convention, and its floor. */
static void lens_newreno_linux_cwnd_test(struct kunit *test)
{
	/* Fast retransmit: max(8, 12) - 3 = 9 over pipe 8. */
	KUNIT_EXPECT_EQ(test, lens_newreno_linux_cwnd(8, 12, 3), 9U);
	/* Inflated past FlightSize: new data the RFC allows, 15 - 12. */
	KUNIT_EXPECT_EQ(test, lens_newreno_linux_cwnd(15, 12, 10), 5U);
	/* Everything SACKed: nothing to send, still one segment. */
	KUNIT_EXPECT_EQ(test, lens_newreno_linux_cwnd(2, 4, 4), 1U);
	KUNIT_EXPECT_EQ(test, lens_newreno_linux_cwnd(0, 0, 9), 1U);
	KUNIT_EXPECT_EQ(test, lens_newreno_linux_cwnd(U32_MAX, 0, 0),
			LENS_CWND_MAX);
}

/* A partial ACK that also SACKs new segments re-inflates for them. */
static void lens_newreno_partial_ack_sack_test(struct kunit *test)
{
	struct lens_ack ack = lens_test_dupack(0, 22000, 18);
	struct lens_decision d;
	struct lens_params p;
	struct lens_cc cc;

	lens_test_ca(&cc, &p, LENS_RECOVERY_NEWRENO, 22000);
	lens_cc_enter_recovery(&cc, &p, 20, ack.snd_nxt, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 13U);
	ack.snd_una = 3000;
	ack.acked = 3;
	ack.sacked = 2;
	lens_cc_on_ack(&cc, &p, &ack, &d);
	/* 13 - 3 + 1 + 2 */
	KUNIT_EXPECT_EQ(test, cc.cwnd, 13U);
	ack.acked = 5;
	ack.sacked = 0;
	ack.snd_una = 8000;
	lens_cc_on_ack(&cc, &p, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 9U);
	KUNIT_EXPECT_EQ(test, cc.stats.partial_acks, 2);
	KUNIT_EXPECT_EQ(test, cc.phase, LENS_PHASE_RECOVERY);
	/* RFC 6582: less than one SMSS acked adds nothing back: 9 - 1 + 0 */
	ack.acked = 1;
	ack.snd_una = 8500;
	ack.flags |= LENS_ACK_SUB_SMSS;
	lens_cc_on_ack(&cc, &p, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 8U);
	KUNIT_EXPECT_EQ(test, cc.stats.partial_acks, 3);
	ack.flags &= ~LENS_ACK_SUB_SMSS;
	/* A full ACK beyond the recovery point ends recovery too. */
	ack.snd_una = 30000;
	ack.acked = 14;
	lens_cc_on_ack(&cc, &p, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10U);
	KUNIT_EXPECT_EQ(test, cc.phase, LENS_PHASE_CA);
}

/* The mode is chosen per episode: changing the parameter mid-way waits. */
static void lens_recovery_mode_per_episode_test(struct kunit *test)
{
	struct lens_ack ack = lens_test_dupack(0, 20000, 16);
	struct lens_decision d;
	struct lens_params p;
	struct lens_cc cc;

	lens_test_ca(&cc, &p, LENS_RECOVERY_NEWRENO, 20000);
	lens_cc_enter_recovery(&cc, &p, 20, ack.snd_nxt, &ack, &d);
	p.recovery = LENS_RECOVERY_PRR;
	lens_cc_on_ack(&cc, &p, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 14U);	/* 10 + 3 + 1: NewReno */
	KUNIT_EXPECT_EQ(test, lens_cc_linux_cwnd(&cc, 20, 4), 16U);
}

static struct kunit_case lens_newreno_cases[] = {
	KUNIT_CASE(lens_newreno_script_test),
	KUNIT_CASE(lens_newreno_linux_cwnd_test),
	KUNIT_CASE(lens_newreno_partial_ack_sack_test),
	KUNIT_CASE(lens_recovery_mode_per_episode_test),
	{}
};

static struct kunit_suite lens_newreno_suite = {
	.name = "lens_cc_core_newreno",
	.test_cases = lens_newreno_cases,
};

/* ------------------------------------------------------------------------ */
/* PRR                                                                       */
/* ------------------------------------------------------------------------ */

static void lens_tv_prr_case_desc(const struct lens_tv_prr_case *v,
				  char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", v->name);
}

KUNIT_ARRAY_PARAM(lens_tv_prr_cases, lens_tv_prr_cases,
		  lens_tv_prr_case_desc);

/* One column of a figure: what the core did against what is expected. */
static void lens_prr_expect_column(struct kunit *test,
				   const struct lens_tv_prr_col *e,
				   const struct lens_tv_prr_obs *o)
{
	if (e->cwnd != LENS_TV_NA)
		KUNIT_EXPECT_EQ_MSG(test, o->cwnd, (u16)e->cwnd,
				    "cwnd at ack#%u", e->ack);
	KUNIT_EXPECT_EQ_MSG(test, o->inflight, (u16)e->inflight,
			    "inflight at ack#%u", e->ack);
	KUNIT_EXPECT_EQ_MSG(test, o->sent_new, (u16)e->sent_new,
			    "new data sent at ack#%u", e->ack);
	KUNIT_EXPECT_EQ_MSG(test, o->sent_rtx, (u16)e->sent_rtx,
			    "retransmissions at ack#%u", e->ack);
}

/* RFC 9937 section 8 (and RFC 6937's SSRB figure), ACK by ACK. */
static void lens_prr_example_test(struct kunit *test)
{
	const struct lens_tv_prr_case *c = test->param_value;
	const struct lens_tv_prr_ex *ex = c->ex;
	struct lens_tv_prr_obs out[LENS_TV_PRR_COLS];
	u32 i, rfc_sent = 0, sent = 0;
	struct lens_cc cc;

	lens_tv_prr_run(ex, c->base, &cc, out);
	for (i = 0; i < ex->ncols; i++) {
		lens_prr_expect_column(test, lens_tv_prr_expected(ex, i),
				       &out[i]);
		rfc_sent += ex->col[i].sent_new + ex->col[i].sent_rtx;
		sent += out[i].sent_new + out[i].sent_rtx;
	}
	/* Where section 6.2 moves a transmission, the total is the RFC's. */
	KUNIT_EXPECT_EQ(test, sent, rfc_sent);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10U);
	KUNIT_EXPECT_EQ(test, cc.stats.recoveries, 1);
	if (ex == &lens_tv_prr_fig1) {
		/* ACK#22 completes recovery with cwnd = ssthresh. */
		KUNIT_EXPECT_EQ(test, cc.phase, LENS_PHASE_CA);
		KUNIT_EXPECT_EQ(test, cc.cwnd, 10U);
		KUNIT_EXPECT_EQ(test, cc.stats.full_acks, 1);
		KUNIT_EXPECT_EQ(test, cc.stats.partial_acks, 0);
		KUNIT_EXPECT_EQ(test, cc.recover_fs, 20U);
	} else {
		KUNIT_EXPECT_EQ(test, cc.phase, LENS_PHASE_RECOVERY);
		KUNIT_EXPECT_EQ(test, cc.stats.partial_acks,
				ex == &lens_tv_prr_fig2 ? 3 : 0);
	}
}

/* RFC 9937 6.1: RecoverFS leaves out what was SACKed before recovery. */
static void lens_prr_recover_fs_test(struct kunit *test)
{
	struct lens_ack ack = lens_test_dupack(0, 22000, 18);
	struct lens_decision d;
	struct lens_params p;
	struct lens_cc cc;

	lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, 22000);
	/* 22 outstanding, 3 SACKed of which 1 by this ACK: 22 - 3 + 1. */
	lens_cc_enter_recovery(&cc, &p, 20, ack.snd_nxt, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.recover_fs, 20U);
	/* After reordering: 10 SACKed earlier, 2 newly acked, 1 SACKed. */
	ack.sacked_out = 11;
	ack.acked = 2;
	lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, 22000);
	lens_cc_enter_recovery(&cc, &p, 20, ack.snd_nxt, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.recover_fs, 14U);
	/* Never zero: it divides. */
	ack.flight_size = 0;
	lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, 22000);
	lens_cc_enter_recovery(&cc, &p, 20, ack.snd_nxt, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.recover_fs, 1U);
}

/* prr_delivered * ssthresh needs 64 bits. */
static void lens_prr_64bit_test(struct kunit *test)
{
	struct lens_ack ack = {
		.snd_una = 0, .snd_nxt = 100, .delivered = 0xfffffff0U,
		.flight_size = 0x80000000U, .pipe = 0x40000001U,
		.prr_out = 0x7ffffff0U,
	};
	struct lens_decision d;
	struct lens_params p;
	struct lens_cc cc;

	lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, 100);
	/* ssthresh 2^30, RecoverFS 2^31: CEIL(0xfffffff0 / 2) - prr_out. */
	lens_cc_enter_recovery(&cc, &p, 0x80000000U, ack.snd_nxt, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 0x40000000U);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 0x40000001U + 8);
}

/* The first ACK forces the fast retransmit; later ones do not. */
static void lens_prr_forced_retransmit_test(struct kunit *test)
{
	struct lens_ack ack = lens_test_dupack(0, 20000, 10);
	struct lens_decision d;
	struct lens_params p;
	struct lens_cc cc;

	lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, 20000);
	/* inflight = ssthresh: the reduction bound allows 0, PRR sends 1. */
	lens_cc_enter_recovery(&cc, &p, 20, ack.snd_nxt, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 11U);
	KUNIT_EXPECT_EQ(test, d.reasons,
			LENS_REASON_BIT(LENS_REASON_RECOVERY_ENTER));
	ack.prr_out = 1;
	lens_cc_on_ack(&cc, &p, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10U);
	KUNIT_EXPECT_EQ(test, d.reasons,
			LENS_REASON_BIT(LENS_REASON_RECOVERY_ACK));
	KUNIT_EXPECT_EQ(test, d.reason, LENS_REASON_RECOVERY_ACK);
	/* Sent more than the proportion: no further sending, cwnd = pipe. */
	ack.pipe = 15;
	ack.prr_out = 9;
	lens_cc_on_ack(&cc, &p, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 15U);
}

/* An ACK that delivers nothing changes nothing (RFC 9937 6.2). */
static void lens_prr_zero_delivered_test(struct kunit *test)
{
	struct lens_ack ack = lens_test_dupack(0, 20000, 16);
	struct lens_decision d;
	struct lens_params p;
	struct lens_cc cc;

	lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, 20000);
	lens_cc_enter_recovery(&cc, &p, 20, ack.snd_nxt, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 17U);	/* 16 + CEIL(10 / 20) */
	ack.delivered = 0;
	ack.pipe = 3;
	lens_cc_on_ack(&cc, &p, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 17U);
	KUNIT_EXPECT_EQ(test, cc.prr_delivered, 1U);
	KUNIT_EXPECT_EQ(test, d.reasons, 0);
}

/* Without SACK an episode counts at most RecoverFS as delivered. */
static void lens_prr_no_sack_cap_test(struct kunit *test)
{
	struct lens_ack ack = lens_test_dupack(0, 20000, 16);
	struct lens_decision d;
	struct lens_params p;
	struct lens_cc cc;
	u32 i;

	ack.flags = LENS_ACK_NO_SACK;
	ack.sacked_out = 3;
	ack.flight_size = 20;
	lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, 20000);
	lens_cc_enter_recovery(&cc, &p, 20, ack.snd_nxt, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.recover_fs, 18U);	/* 20 - 3 + 1 */
	ack.pipe = 4;
	ack.prr_out = 1;
	for (i = 2; i <= 30; i++)
		lens_cc_on_ack(&cc, &p, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.prr_delivered, 18U);
	/* The capped duplicate ACKs delivered nothing: cwnd is left alone. */
	ack.pipe = 2;
	lens_cc_on_ack(&cc, &p, &ack, &d);
	KUNIT_EXPECT_EQ(test, d.reasons, 0);
	/* A 3-segment ACK near the cap counts only what is left of it. */
	lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, 20000);
	lens_cc_enter_recovery(&cc, &p, 20, ack.snd_nxt, &ack, &d);
	cc.prr_delivered = 17;
	ack.delivered = 3;
	lens_cc_on_ack(&cc, &p, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.prr_delivered, 18U);
	/* With SACK the ACKs are exact and not capped. */
	ack.flags = 0;
	lens_cc_on_ack(&cc, &p, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.prr_delivered, 21U);
}

static struct kunit_case lens_prr_cases[] = {
	KUNIT_CASE_PARAM(lens_prr_example_test, lens_tv_prr_cases_gen_params),
	KUNIT_CASE(lens_prr_recover_fs_test),
	KUNIT_CASE(lens_prr_64bit_test),
	KUNIT_CASE(lens_prr_forced_retransmit_test),
	KUNIT_CASE(lens_prr_zero_delivered_test),
	KUNIT_CASE(lens_prr_no_sack_cap_test),
	{}
};

static struct kunit_suite lens_prr_suite = {
	.name = "lens_cc_core_prr",
	.test_cases = lens_prr_cases,
};

/* ------------------------------------------------------------------------ */
/* RTO, ECN, undo                                                            */
/* ------------------------------------------------------------------------ */

static void lens_tv_ssthresh_desc(const struct lens_tv_ssthresh *v,
				  char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", v->name);
}

KUNIT_ARRAY_PARAM(lens_tv_ssthresh, lens_tv_ssthresh, lens_tv_ssthresh_desc);

/* RFC 5681 eq. (4) at small windows, by fast recovery and by RTO. */
static void lens_ssthresh_test(struct kunit *test)
{
	const struct lens_tv_ssthresh *v = test->param_value;
	struct lens_ack ack = lens_test_dupack(0, 5000, 1);
	struct lens_decision d;
	struct lens_params p;
	struct lens_cc cc;

	KUNIT_EXPECT_EQ(test, lens_loss_ssthresh(v->flight, LENS_BETA_MIN), v->ssthresh);
	lens_test_ca(&cc, &p, LENS_RECOVERY_NEWRENO, 5000);
	lens_cc_enter_recovery(&cc, &p, v->flight, ack.snd_nxt, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, v->ssthresh);
	KUNIT_EXPECT_EQ(test, cc.cwnd, min_t(u32, v->ssthresh + 3,
					     LENS_CWND_MAX));
	lens_test_ca(&cc, &p, LENS_RECOVERY_NEWRENO, 5000);
	lens_cc_on_rto(&cc, &p, v->flight, 5000, &d);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, v->ssthresh);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 1U);
}

/* RFC 5681 3.1: the loss window, a held ssthresh, the episode's end. */
static void lens_rto_test(struct kunit *test)
{
	struct lens_ack ack = { .acked = 1, .delivered = 1,
				.flags = LENS_ACK_CWND_LIMITED };
	struct lens_decision d;
	struct lens_params p;
	struct lens_cc cc;
	u32 base = lens_tv_bases[1];

	lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, lens_tv_seq(base, 20));
	lens_cc_on_rto(&cc, &p, 20, lens_tv_seq(base, 20), &d);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 1U);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10U);
	KUNIT_EXPECT_EQ(test, cc.phase, LENS_PHASE_LOSS);
	KUNIT_EXPECT_EQ(test, d.reasons, LENS_REASON_BIT(LENS_REASON_RTO));
	/* Backed-off timer, same episode: ssthresh is held. */
	lens_cc_on_rto(&cc, &p, 1, lens_tv_seq(base, 20), &d);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10U);
	KUNIT_EXPECT_EQ(test, cc.stats.rtos, 2);
	/* L = 1: a stretch ACK of 4 adds one segment. */
	ack.snd_una = lens_tv_seq(base, 4);
	ack.snd_nxt = lens_tv_seq(base, 20);
	ack.acked = 4;
	lens_cc_on_ack(&cc, &p, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 2U);
	KUNIT_EXPECT_EQ(test, cc.phase, LENS_PHASE_LOSS);
	/* SND.UNA reaches the RTO's SND.NXT: slow start, still L = 1. */
	ack.snd_una = lens_tv_seq(base, 20);
	ack.snd_nxt = lens_tv_seq(base, 22);
	lens_cc_on_ack(&cc, &p, &ack, &d);
	KUNIT_EXPECT_TRUE(test, d.events & LENS_EV_LOSS_EXIT);
	KUNIT_EXPECT_EQ(test, cc.phase, LENS_PHASE_SS);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 3U);
	/* ...until ssthresh; then ABC's L is back for later slow starts. */
	cc.cwnd = 9;
	lens_cc_on_ack(&cc, &p, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10U);
	KUNIT_EXPECT_EQ(test, cc.phase, LENS_PHASE_CA);
	KUNIT_EXPECT_EQ(test, d.ss_exit, LENS_SS_EXIT_SSTHRESH);
	KUNIT_EXPECT_FALSE(test, cc.flags & LENS_F_RTO_SS);
}

/* An RTO in fast recovery keeps the lower threshold and the undo record. */
static void lens_rto_during_recovery_test(struct kunit *test)
{
	struct lens_ack ack = lens_test_dupack(0, 20000, 16);
	struct lens_decision d;
	struct lens_params p;
	struct lens_cc cc;

	lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, 20000);
	lens_cc_enter_recovery(&cc, &p, 20, ack.snd_nxt, &ack, &d);
	lens_cc_on_rto(&cc, &p, 30, 20000, &d);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10U);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 1U);
	lens_cc_undo(&cc, &d);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 20U);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 20U);
}

/* Undo restores what the episode's first cut took, once. */
static void lens_undo_test(struct kunit *test)
{
	struct lens_ack ack = lens_test_dupack(0, 20000, 16);
	struct lens_decision d;
	struct lens_params p;
	struct lens_cc cc;
	u32 mode, held;

	for (mode = 0; mode < LENS_RECOVERY_NR; mode++) {
		lens_test_ca(&cc, &p, mode, 20000);
		lens_cc_enter_recovery(&cc, &p, 20, ack.snd_nxt, &ack, &d);
		lens_cc_on_ack(&cc, &p, &ack, &d);
		KUNIT_EXPECT_EQ(test, lens_cc_undo(&cc, &d), 20U);
		KUNIT_EXPECT_EQ(test, cc.ssthresh, 20U);
		KUNIT_EXPECT_EQ(test, cc.phase, LENS_PHASE_CA);
		KUNIT_EXPECT_EQ(test, cc.stats.undos, 1);
		KUNIT_EXPECT_EQ(test, d.reasons,
				LENS_REASON_BIT(LENS_REASON_UNDO));
		KUNIT_EXPECT_EQ(test, d.phase_in, LENS_PHASE_RECOVERY);
		/* The record is spent. */
		lens_cc_undo(&cc, &d);
		KUNIT_EXPECT_EQ(test, cc.stats.undos, 1);
		KUNIT_EXPECT_EQ(test, d.reasons, 0);
	}

	/* After an RTO: from the loss window back to 20, growth kept. */
	lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, 20000);
	lens_cc_on_rto(&cc, &p, 20, 20000, &d);
	cc.cwnd = 25;
	KUNIT_EXPECT_EQ(test, lens_cc_undo(&cc, &d), 25U);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 20U);

	/* After an ECN cut there is nothing to undo. */
	lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, 20000);
	lens_cc_enter_recovery(&cc, &p, 20, ack.snd_nxt, &ack, &d);
	ack.snd_una = 20000;
	lens_cc_on_ack(&cc, &p, &ack, &d);
	ack.pipe = 10;
	lens_cc_on_cwr(&cc, &p, 10, 30000, true, &ack, &d);
	held = cc.cwnd;
	KUNIT_EXPECT_EQ(test, lens_cc_undo(&cc, &d), held);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 5U);
	KUNIT_EXPECT_EQ(test, cc.stats.undos, 0);
}

/* The ACK snapshot of a CWR or recovery start: nothing delivered yet. */
static struct lens_ack lens_test_signal(u32 una, u32 nxt, u32 pipe)
{
	struct lens_ack ack = {
		.snd_una = una, .snd_nxt = nxt, .pipe = pipe,
		.flight_size = pipe, .flags = LENS_ACK_CWND_LIMITED,
	};

	return ack;
}

/*
 * ECN-Echo: ssthresh = FlightSize / 2 at once, cwnd brought down by PRR
 * over the window (never raised), cwnd = ssthresh once SND.UNA passes the
 * CWR point; a second echo within the window is no second cut. Worked
 * numbers: cwnd 20, FlightSize 20, RecoverFS 20, ssthresh 10; an ACK of 2
 * segments with inflight 18 sends CEIL(2 * 10 / 20) - 0 = 1, cwnd 19.
 */
static void lens_ecn_once_per_window_test(struct kunit *test)
{
	struct lens_decision d;
	struct lens_params p;
	struct lens_ack ack;
	struct lens_cc cc;
	u32 b;

	for (b = 0; b < ARRAY_SIZE(lens_tv_bases); b++) {
		u32 base = lens_tv_bases[b];

		lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, lens_tv_seq(base, 20));
		ack = lens_test_signal(base, lens_tv_seq(base, 20), 20);
		lens_cc_on_cwr(&cc, &p, 20, lens_tv_seq(base, 20), true, &ack, &d);
		KUNIT_EXPECT_EQ(test, cc.cwnd, 20U);
		KUNIT_EXPECT_EQ(test, cc.ssthresh, 10U);
		KUNIT_EXPECT_EQ(test, cc.phase, LENS_PHASE_CWR);
		KUNIT_EXPECT_EQ(test, d.reasons,
				LENS_REASON_BIT(LENS_REASON_ECN));
		/* An ACK of two segments: one is sent. */
		ack.snd_una = lens_tv_seq(base, 2);
		ack.acked = 2;
		ack.delivered = 2;
		ack.pipe = 18;
		ack.flags |= LENS_ACK_SAFE;
		lens_cc_on_ack(&cc, &p, &ack, &d);
		KUNIT_EXPECT_EQ(test, cc.cwnd, 19U);
		KUNIT_EXPECT_EQ(test, d.reason, LENS_REASON_CWR_ACK);
		/* Within the window: ignored. */
		lens_cc_on_cwr(&cc, &p, 19, lens_tv_seq(base, 30), true, &ack, &d);
		KUNIT_EXPECT_EQ(test, cc.cwnd, 19U);
		KUNIT_EXPECT_EQ(test, cc.ssthresh, 10U);
		KUNIT_EXPECT_TRUE(test, d.events & LENS_EV_CWR_IGNORED);
		KUNIT_EXPECT_EQ(test, cc.stats.ecn_reductions, 1);
		/* SND.UNA at the CWR point is not past it yet. */
		ack.snd_una = lens_tv_seq(base, 20);
		ack.snd_nxt = lens_tv_seq(base, 30);
		ack.acked = 18;
		ack.delivered = 18;
		ack.pipe = 5;
		ack.prr_out = 1;
		lens_cc_on_ack(&cc, &p, &ack, &d);
		KUNIT_EXPECT_EQ(test, cc.phase, LENS_PHASE_CWR);
		KUNIT_EXPECT_LE(test, cc.cwnd, 10U);
		/* Past it: cwnd = ssthresh, congestion avoidance. */
		ack.snd_una = lens_tv_seq(base, 21);
		ack.acked = 1;
		ack.delivered = 1;
		lens_cc_on_ack(&cc, &p, &ack, &d);
		KUNIT_EXPECT_EQ(test, cc.cwnd, 10U);
		KUNIT_EXPECT_EQ(test, cc.phase, LENS_PHASE_CA);
		KUNIT_EXPECT_EQ(test, d.phase_in, LENS_PHASE_CWR);
		/* The next echo cuts again, from the FlightSize then. */
		ack = lens_test_signal(lens_tv_seq(base, 21),
				       lens_tv_seq(base, 31), 10);
		lens_cc_on_cwr(&cc, &p, 10, lens_tv_seq(base, 31), true, &ack, &d);
		KUNIT_EXPECT_EQ(test, cc.ssthresh, 5U);
		KUNIT_EXPECT_EQ(test, cc.stats.ecn_reductions, 2);
		/* The stack leaving CWR ends it too. */
		lens_cc_cwr_done(&cc, &d);
		KUNIT_EXPECT_EQ(test, cc.cwnd, 5U);
		KUNIT_EXPECT_EQ(test, cc.phase, LENS_PHASE_CA);
		lens_cc_cwr_done(&cc, &d);
		KUNIT_EXPECT_EQ(test, d.reasons, 0);
	}
}

/*
 * CWR for another cause (local congestion, a loss a TLP repaired) cuts like
 * ECN-Echo and is counted apart. From the transmit path (local congestion)
 * nothing was delivered: cwnd = min(cwnd, inflight + 1).
 */
static void lens_cwr_other_cause_test(struct kunit *test)
{
	struct lens_ack ack = lens_test_signal(0, 20, 12);
	struct lens_decision d;
	struct lens_params p;
	struct lens_cc cc;

	lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, 20);
	lens_cc_on_cwr(&cc, &p, 20, 20, false, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 13U);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10U);
	KUNIT_EXPECT_EQ(test, d.reasons, LENS_REASON_BIT(LENS_REASON_CWR));
	KUNIT_EXPECT_EQ(test, cc.stats.cwr_reductions, 1);
	KUNIT_EXPECT_EQ(test, cc.stats.ecn_reductions, 0);
	KUNIT_EXPECT_STREQ(test, lens_reason_name(LENS_REASON_CWR), "cwr");
	KUNIT_EXPECT_STREQ(test, lens_phase_name(LENS_PHASE_CWR), "cwr");
	/* An ECN-Echo in the same window is not a second cut. */
	lens_cc_on_cwr(&cc, &p, 13, 30, true, &ack, &d);
	KUNIT_EXPECT_TRUE(test, d.events & LENS_EV_CWR_IGNORED);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10U);
	KUNIT_EXPECT_EQ(test, cc.stats.ecn_reductions, 0);
	/* A TLP-repaired loss: the stack enters CWR and leaves it at once. */
	lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, 20);
	lens_cc_on_cwr(&cc, &p, 20, 20, false, &ack, &d);
	lens_cc_cwr_done(&cc, &d);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10U);
	KUNIT_EXPECT_EQ(test, d.reason, LENS_REASON_CWR_DONE);
}

/*
 * A loss detected while CWR reduces the same window continues that
 * reduction: one ssthresh cut (100 -> 50, not 25), the CWR's recovery
 * point, PRR's counts carried on.
 */
static void lens_cwr_then_loss_test(struct kunit *test)
{
	struct lens_ack ack = lens_test_signal(0, 100, 100);
	struct lens_decision d;
	struct lens_params p;
	struct lens_cc cc;
	u32 mode;

	for (mode = 0; mode < LENS_RECOVERY_NR; mode++) {
		lens_test_ca(&cc, &p, mode, 100);
		lens_cc_sync(&cc, 100, 100);
		lens_cc_on_cwr(&cc, &p, 100, 100, true, &ack, &d);
		KUNIT_EXPECT_EQ(test, cc.ssthresh, 50U);
		/* 4 delivered: CEIL(4 * 50 / 100) = 2 may go. */
		ack.snd_una = 4;
		ack.acked = 4;
		ack.delivered = 4;
		ack.pipe = 96;
		lens_cc_on_ack(&cc, &p, &ack, &d);
		KUNIT_EXPECT_EQ(test, cc.cwnd, 98U);
		KUNIT_EXPECT_EQ(test, cc.prr_delivered, 4U);
		/* Then dupthresh: recovery, in the same window. */
		ack = lens_test_signal(4, 102, 94);
		ack.sacked_out = 3;
		ack.prr_out = 2;
		lens_cc_enter_recovery(&cc, &p, 98, 100, &ack, &d);
		KUNIT_EXPECT_EQ(test, cc.ssthresh, 50U);
		KUNIT_EXPECT_EQ(test, cc.phase, LENS_PHASE_RECOVERY);
		KUNIT_EXPECT_EQ(test, cc.recovery_point, 100U);
		KUNIT_EXPECT_EQ(test, cc.stats.recoveries, 1);
		KUNIT_EXPECT_EQ(test, cc.stats.ecn_reductions, 1);
		KUNIT_EXPECT_FALSE(test, d.reasons &
				   LENS_REASON_BIT(LENS_REASON_RECOVERY_ENTER) &&
				   cc.ssthresh != d.ssthresh_in);
		if (mode == LENS_RECOVERY_PRR) {
			/* PRR goes on: no new episode, no burst */
			KUNIT_EXPECT_EQ(test, cc.prr_delivered, 4U);
			KUNIT_EXPECT_EQ(test, cc.recover_fs, 100U);
			KUNIT_EXPECT_EQ(test, cc.cwnd, 94U);
		} else {
			KUNIT_EXPECT_EQ(test, cc.cwnd, 53U);
		}
		/* Nothing to undo: ECN proved the congestion. */
		KUNIT_EXPECT_EQ(test, lens_cc_undo(&cc, &d), cc.cwnd);
		KUNIT_EXPECT_EQ(test, cc.stats.undos, 0);
		/* The full ACK, at the CWR's point, ends it. */
		ack.snd_una = 100;
		ack.acked = 96;
		ack.delivered = 96;
		lens_cc_on_ack(&cc, &p, &ack, &d);
		KUNIT_EXPECT_EQ(test, cc.cwnd, 50U);
		KUNIT_EXPECT_EQ(test, cc.phase, LENS_PHASE_CA);
		ack = lens_test_signal(0, 100, 100);
	}
}

/*
 * Recovery the RACK reorder timer starts has no ACK: nothing delivered.
 * cwnd 100, pipe 60 after 40 marked lost: one fast retransmit may leave
 * (cwnd 61), not 40 segments at once; the first ACK then runs PRR.
 */
static void lens_recovery_without_ack_test(struct kunit *test)
{
	struct lens_ack ack = lens_test_signal(0, 100, 60);
	struct lens_decision d;
	struct lens_params p;
	struct lens_cc cc;

	lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, 100);
	lens_cc_sync(&cc, 100, 100);
	ack.flight_size = 100;
	ack.sacked_out = 30;
	lens_cc_enter_recovery(&cc, &p, 100, 100, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 50U);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 61U);
	KUNIT_EXPECT_EQ(test, cc.recover_fs, 70U);
	/* The retransmission left: hold at inflight, no more. */
	ack.prr_out = 1;
	ack.pipe = 61;
	ack.sacked = 1;
	ack.delivered = 1;
	lens_cc_on_ack(&cc, &p, &ack, &d);
	/* pipe 61 > 50: CEIL(1 * 50 / 70) - 1 = 0 */
	KUNIT_EXPECT_EQ(test, cc.cwnd, 61U);
}

/*
 * A spurious cut of the initial slow start, undone, gives HyStart++ back:
 * slow start resumes below the restored (infinite) ssthresh and watches
 * rounds again. A cut of congestion avoidance does not.
 */
static void lens_undo_resumes_hystart_test(struct kunit *test)
{
	struct lens_ack ack = lens_test_dupack(0, 20000, 16);
	struct lens_decision d;
	struct lens_params p;
	struct lens_cc cc;

	lens_tv_params_rfc(&p);
	lens_cc_init(&cc, &p, 20, 0);
	KUNIT_EXPECT_TRUE(test, lens_cc_hspp_tracking(&cc));
	lens_cc_enter_recovery(&cc, &p, 20, ack.snd_nxt, &ack, &d);
	KUNIT_EXPECT_FALSE(test, lens_cc_hspp_tracking(&cc));
	KUNIT_EXPECT_EQ(test, d.ss_exit, LENS_SS_EXIT_LOSS);
	lens_cc_undo(&cc, &d);
	KUNIT_EXPECT_EQ(test, cc.phase, LENS_PHASE_SS);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, LENS_INFINITE_SSTHRESH);
	KUNIT_EXPECT_TRUE(test, lens_cc_hspp_tracking(&cc));
	/* the same after a spurious RTO */
	lens_cc_init(&cc, &p, 20, 0);
	lens_cc_on_rto(&cc, &p, 20, 20000, &d);
	lens_cc_undo(&cc, &d);
	KUNIT_EXPECT_TRUE(test, lens_cc_hspp_tracking(&cc));
	/* congestion avoidance stays congestion avoidance */
	lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, 20000);
	lens_cc_enter_recovery(&cc, &p, 20, ack.snd_nxt, &ack, &d);
	lens_cc_undo(&cc, &d);
	KUNIT_EXPECT_EQ(test, cc.phase, LENS_PHASE_CA);
	KUNIT_EXPECT_FALSE(test, lens_cc_hspp_tracking(&cc));
}

/*
 * A change of phase that moves neither cwnd nor ssthresh still has a
 * reason (the glue traces every change of phase): here a full ACK that
 * finds PRR's window at ssthresh already.
 */
static void lens_phase_only_reason_test(struct kunit *test)
{
	struct lens_ack ack = lens_test_dupack(0, 20000, 16);
	struct lens_decision d;
	struct lens_params p;
	struct lens_cc cc;

	lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, 20000);
	lens_cc_enter_recovery(&cc, &p, 20, ack.snd_nxt, &ack, &d);
	cc.cwnd = cc.ssthresh;
	ack.snd_una = 20000;
	ack.acked = 4;
	lens_cc_on_ack(&cc, &p, &ack, &d);
	KUNIT_EXPECT_EQ(test, d.reasons, 0);
	KUNIT_EXPECT_EQ(test, d.reason, LENS_REASON_FULL_ACK);
	KUNIT_EXPECT_EQ(test, d.phase_in, LENS_PHASE_RECOVERY);
	KUNIT_EXPECT_EQ(test, d.phase_out, LENS_PHASE_CA);
	/* Nothing moved and no change of phase: no reason. */
	lens_cc_cwr_done(&cc, &d);
	KUNIT_EXPECT_EQ(test, d.reason, LENS_REASON_NR);
}

/* ssthresh = max(FlightSize / 2, 2); cwnd never raised; not in recovery. */
static void lens_ecn_small_windows_test(struct kunit *test)
{
	static const u32 v[][3] = {	/* cwnd = flight, ssthresh, at the end */
		{ 1, 2, 2 }, { 2, 2, 2 }, { 3, 2, 2 }, { 4, 2, 2 },
		{ 5, 2, 2 }, { 6, 3, 3 },
	};
	struct lens_ack ack = lens_test_dupack(0, 20000, 16);
	struct lens_decision d;
	struct lens_params p;
	struct lens_cc cc;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		struct lens_ack s = lens_test_signal(0, 20, v[i][0]);

		lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, 0);
		lens_cc_sync(&cc, v[i][0], 2);
		lens_cc_on_cwr(&cc, &p, v[i][0], 20, true, &s, &d);
		KUNIT_EXPECT_EQ(test, cc.ssthresh, v[i][1]);
		KUNIT_EXPECT_LE(test, cc.cwnd, v[i][0]);
		lens_cc_cwr_done(&cc, &d);
		KUNIT_EXPECT_EQ(test, cc.cwnd, v[i][2]);
	}
	/* In slow start it ends slow start. */
	lens_tv_params_rfc(&p);
	lens_cc_init(&cc, &p, 10, 0);
	ack = lens_test_signal(0, 10, 10);
	lens_cc_on_cwr(&cc, &p, 10, 10, true, &ack, &d);
	KUNIT_EXPECT_EQ(test, d.ss_exit, LENS_SS_EXIT_LOSS);
	KUNIT_EXPECT_EQ(test, cc.phase, LENS_PHASE_CWR);
	/* Fast recovery already cut this window. */
	ack = lens_test_dupack(0, 20000, 16);
	lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, 20000);
	lens_cc_enter_recovery(&cc, &p, 20, ack.snd_nxt, &ack, &d);
	lens_cc_on_cwr(&cc, &p, 16, 20000, true, &ack, &d);
	KUNIT_EXPECT_TRUE(test, d.events & LENS_EV_CWR_IGNORED);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10U);
	KUNIT_EXPECT_EQ(test, cc.stats.ecn_reductions, 0);
}

/*
 * beta and alpha (RFC 9438 4.3): ssthresh = max(FlightSize * beta, 2), and
 * congestion avoidance earns alpha = 3 (1 - beta) / (1 + beta) segments per
 * window of ACKed segments. Worked numbers: beta = 0.7 keeps 14 of 20;
 * alpha = 0.9 / 1.7 = 0.529, so at cwnd 10 it takes 10 / 0.529 = 18.9,
 * that is 19 ACKed segments, to earn one; beta = 0.5 takes exactly 10.
 */
static void lens_beta_test(struct kunit *test)
{
	static const u32 ss[][3] = {	/* flight, beta, ssthresh */
		{ 20, 50, 10 }, { 20, 70, 14 }, { 20, 90, 18 }, { 3, 70, 2 },
		{ 100, 70, 70 }, { 7, 50, 3 },
	};
	struct lens_ack ack = {
		.acked = 1, .delivered = 1, .flags = LENS_ACK_CWND_LIMITED,
	};
	struct lens_decision d;
	struct lens_params p;
	struct lens_cc cc;
	u32 i, n;

	for (i = 0; i < ARRAY_SIZE(ss); i++)
		KUNIT_EXPECT_EQ(test, lens_loss_ssthresh(ss[i][0], ss[i][1]),
				ss[i][2]);
	KUNIT_EXPECT_EQ(test, lens_ai_window(10, 50), 10U);
	KUNIT_EXPECT_EQ(test, lens_ai_window(10, 70), 19U);
	KUNIT_EXPECT_EQ(test, lens_ai_window(1000, 70), 1889U);
	KUNIT_EXPECT_EQ(test, lens_ai_window(0x7fffffff, 90), U32_MAX);
	/* 19 ACKs of one segment each: cwnd 10 -> 11 on the 19th */
	lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, 0);
	p.beta = 70;
	lens_cc_sync(&cc, 10, 10);
	for (n = 1; n <= 19; n++) {
		ack.snd_una = n * LENS_TV_MSS;
		lens_cc_on_ack(&cc, &p, &ack, &d);
		KUNIT_EXPECT_EQ(test, cc.cwnd, n < 19 ? 10U : 11U);
	}
	/* a loss keeps 70% of FlightSize */
	ack = lens_test_dupack(19 * LENS_TV_MSS, 39 * LENS_TV_MSS, 16);
	lens_cc_enter_recovery(&cc, &p, 20, ack.snd_nxt, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 14U);
	lens_cc_on_rto(&cc, &p, 30, 40 * LENS_TV_MSS, &d);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 14U);	/* min of the two */
	/* RFC 8511: an ECN-Echo keeps beta_ecn (80%), another CWR beta */
	lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, 20);
	p.beta = 70;
	p.beta_ecn = 80;
	ack = lens_test_signal(0, 20, 20);
	lens_cc_on_cwr(&cc, &p, 20, 20, true, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 16U);
	lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, 20);
	p.beta = 70;
	p.beta_ecn = 80;
	lens_cc_on_cwr(&cc, &p, 20, 20, false, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 14U);
}

/*
 * Restart after idle (RFC 5681 4.1 with RFC 2861's decay, as Linux's
 * tcp_cwnd_restart()): ssthresh = max(ssthresh, cwnd/2 + cwnd/4), cwnd
 * halved per idle RTO down to RW = min(IW, cwnd).
 */
static void lens_restart_after_idle_test(struct kunit *test)
{
	static const u32 v[][5] = {	/* cwnd, idle RTOs, cwnd, ssthresh, phase */
		{ 80, 1, 40, 60, LENS_PHASE_SS },
		{ 80, 3, 10, 60, LENS_PHASE_SS },
		{ 80, 10, 10, 60, LENS_PHASE_SS },
		{ 16, 5, 10, 40, LENS_PHASE_SS },	/* 16 -> 8, RW 10 */
		{ 4, 2, 4, 40, LENS_PHASE_SS },		/* below IW: RW = 4 */
		{ 80, 0, 80, 40, LENS_PHASE_CA },	/* not idle an RTO */
	};
	struct lens_ack ack = lens_test_dupack(0, 20000, 16);
	struct lens_decision d;
	struct lens_params p;
	struct lens_cc cc;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, 0);
		lens_cc_sync(&cc, v[i][0], 40);
		lens_cc_restart_after_idle(&cc, v[i][1], 10, &d);
		KUNIT_EXPECT_EQ(test, cc.cwnd, v[i][2]);
		KUNIT_EXPECT_EQ(test, cc.ssthresh, v[i][3]);
		KUNIT_EXPECT_EQ(test, cc.phase, v[i][4]);
		KUNIT_EXPECT_EQ(test, cc.stats.idle_restarts, v[i][1] ? 1 : 0);
		if (v[i][2] != v[i][0])
			KUNIT_EXPECT_EQ(test, d.reason, LENS_REASON_IDLE);
	}
	/* The initial slow start: HyStart++ is over, slow start goes on. */
	lens_tv_params_rfc(&p);
	lens_cc_init(&cc, &p, 40, 0);
	lens_cc_restart_after_idle(&cc, 1, 10, &d);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 20U);
	KUNIT_EXPECT_EQ(test, cc.phase, LENS_PHASE_SS);
	KUNIT_EXPECT_FALSE(test, lens_hspp_tracking(&cc));
	/* Never during a reduction. */
	lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, 20000);
	lens_cc_enter_recovery(&cc, &p, 20, ack.snd_nxt, &ack, &d);
	i = cc.cwnd;
	lens_cc_restart_after_idle(&cc, 4, 10, &d);
	KUNIT_EXPECT_EQ(test, cc.cwnd, i);
	KUNIT_EXPECT_EQ(test, d.reasons, 0);
	KUNIT_EXPECT_STREQ(test, lens_reason_name(LENS_REASON_IDLE),
			   "idle_restart");
}

/*
 * Application-limited for an RTO (RFC 2861 4.3, Linux's
 * tcp_cwnd_application_limited()): W_used = max(used, IW); if below cwnd,
 * ssthresh = max(ssthresh, cwnd/2 + cwnd/4), cwnd = (cwnd + W_used) / 2.
 */
static void lens_app_limited_test(struct kunit *test)
{
	static const u32 v[][4] = {	/* used, cwnd, ssthresh, phase */
		{ 30, 55, 60, LENS_PHASE_SS },
		{ 5, 45, 60, LENS_PHASE_SS },	/* W_used = IW = 10 */
		{ 79, 79, 60, LENS_PHASE_CA },
		{ 80, 80, 40, LENS_PHASE_CA },	/* the window was used */
		{ 90, 80, 40, LENS_PHASE_CA },
	};
	struct lens_ack ack = lens_test_dupack(0, 20000, 16);
	struct lens_decision d;
	struct lens_params p;
	struct lens_cc cc;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, 0);
		lens_cc_sync(&cc, 80, 40);
		lens_cc_app_limited(&cc, v[i][0], 10, &d);
		KUNIT_EXPECT_EQ(test, cc.cwnd, v[i][1]);
		KUNIT_EXPECT_EQ(test, cc.ssthresh, v[i][2]);
		KUNIT_EXPECT_EQ(test, cc.phase, v[i][3]);
		KUNIT_EXPECT_EQ(test, cc.stats.app_limited,
				v[i][1] != 80 ? 1 : 0);
	}
	/* Never during a reduction. */
	lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, 20000);
	lens_cc_enter_recovery(&cc, &p, 20, ack.snd_nxt, &ack, &d);
	i = cc.cwnd;
	lens_cc_app_limited(&cc, 0, 2, &d);
	KUNIT_EXPECT_EQ(test, cc.cwnd, i);
	KUNIT_EXPECT_EQ(test, cc.stats.app_limited, 0);
}

static struct kunit_case lens_signal_cases[] = {
	KUNIT_CASE_PARAM(lens_ssthresh_test, lens_tv_ssthresh_gen_params),
	KUNIT_CASE(lens_rto_test),
	KUNIT_CASE(lens_rto_during_recovery_test),
	KUNIT_CASE(lens_undo_test),
	KUNIT_CASE(lens_ecn_once_per_window_test),
	KUNIT_CASE(lens_ecn_small_windows_test),
	KUNIT_CASE(lens_cwr_other_cause_test),
	KUNIT_CASE(lens_cwr_then_loss_test),
	KUNIT_CASE(lens_recovery_without_ack_test),
	KUNIT_CASE(lens_beta_test),
	KUNIT_CASE(lens_restart_after_idle_test),
	KUNIT_CASE(lens_app_limited_test),
	KUNIT_CASE(lens_phase_only_reason_test),
	KUNIT_CASE(lens_undo_resumes_hystart_test),
	{}
};

static struct kunit_suite lens_signal_suite = {
	.name = "lens_cc_core_signals",
	.test_cases = lens_signal_cases,
};

/* ------------------------------------------------------------------------ */
/* Parameters, helpers, state                                                */
/* ------------------------------------------------------------------------ */

/* The per-connection state fits what the glue leaves of ICSK_CA_PRIV. */
static void lens_state_size_test(struct kunit *test)
{
	KUNIT_EXPECT_LE(test, sizeof(struct lens_cc),
			(size_t)LENS_CC_STATE_MAX);
}

/* The defaults are RFC 3465's and RFC 9406's, and valid. */
static void lens_params_default_test(struct kunit *test)
{
	struct lens_params p;

	lens_params_default(&p);
	KUNIT_EXPECT_EQ(test, lens_params_check(&p), 0);
	KUNIT_EXPECT_EQ(test, p.abc_limit, 8U);
	KUNIT_EXPECT_EQ(test, p.hystart, 1U);
	KUNIT_EXPECT_EQ(test, p.hspp_min_rtt_thresh_us, 4000U);
	KUNIT_EXPECT_EQ(test, p.hspp_max_rtt_thresh_us, 16000U);
	KUNIT_EXPECT_EQ(test, p.hspp_min_rtt_divisor, 8U);
	KUNIT_EXPECT_EQ(test, p.hspp_n_rtt_sample, 8U);
	KUNIT_EXPECT_EQ(test, p.hspp_css_growth_divisor, 4U);
	KUNIT_EXPECT_EQ(test, p.hspp_css_rounds, 5U);
	KUNIT_EXPECT_EQ(test, p.hspp_ack_delay, 1U);
	KUNIT_EXPECT_EQ(test, p.hspp_cwnd_limited, 1U);
	KUNIT_EXPECT_EQ(test, p.hspp_css_rise, 1U);
	KUNIT_EXPECT_EQ(test, p.hspp_block, 1U);
	KUNIT_EXPECT_EQ(test, p.initial_ssthresh, 0U);
	KUNIT_EXPECT_EQ(test, p.beta, 70U);
	KUNIT_EXPECT_EQ(test, p.beta_ecn, 80U);
	KUNIT_EXPECT_EQ(test, p.pacing, 1U);
}

static void lens_tv_param_desc(const struct lens_tv_param *v, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", v->name);
}

KUNIT_ARRAY_PARAM(lens_tv_params, lens_tv_params, lens_tv_param_desc);

/* Each field's range, one value at a time. */
static void lens_params_check_test(struct kunit *test)
{
	const struct lens_tv_param *v = test->param_value;
	struct lens_params p;

	lens_tv_param_apply(v, &p);
	KUNIT_EXPECT_EQ(test, lens_params_check(&p), v->ret);
}

static void lens_tv_pacing_desc(const struct lens_tv_pacing *v, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", v->name);
}

KUNIT_ARRAY_PARAM(lens_tv_pacing, lens_tv_pacing, lens_tv_pacing_desc);

/* gain * cwnd * mss / srtt without overflow. */
static void lens_pacing_test(struct kunit *test)
{
	const struct lens_tv_pacing *v = test->param_value;

	KUNIT_EXPECT_EQ(test, lens_pacing_rate(v->cwnd, v->mss, v->srtt_us,
					       v->pct), v->rate);
	/* the general case gives the same rate where one division does */
	KUNIT_EXPECT_EQ(test, lens_pacing_rate_wide(v->cwnd, v->mss,
						    v->srtt_us, v->pct),
			v->rate);
}

KUNIT_ARRAY_PARAM(lens_tv_pacing_pct, lens_tv_pacing_pct, NULL);

/* The slow-start gain below half of ssthresh only. */
static void lens_pacing_pct_test(struct kunit *test)
{
	const struct lens_tv_pacing_pct *v = test->param_value;

	KUNIT_EXPECT_EQ(test, lens_pacing_percent(v->cwnd, v->ssthresh, 200,
						  120), v->pct);
}

/* The rate covers what is in flight when cwnd was cut below it. */
static void lens_pacing_window_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, lens_pacing_window(10, 4), 10U);
	KUNIT_EXPECT_EQ(test, lens_pacing_window(10, 14), 14U);
	KUNIT_EXPECT_EQ(test, lens_pacing_window(0, 0), 0U);
}

/* Every value has its own name; out-of-range values read "unknown". */
static void lens_names_test(struct kunit *test)
{
	u32 i, j;

	for (i = 0; i < LENS_REASON_NR; i++) {
		KUNIT_EXPECT_STRNEQ(test, lens_reason_name(i), "unknown");
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_STRNEQ(test, lens_reason_name(i),
					    lens_reason_name(j));
	}
	for (i = 0; i < LENS_PHASE_NR; i++) {
		KUNIT_EXPECT_STRNEQ(test, lens_phase_name(i), "unknown");
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_STRNEQ(test, lens_phase_name(i),
					    lens_phase_name(j));
	}
	for (i = 0; i < LENS_SS_EXIT_NR; i++) {
		KUNIT_EXPECT_STRNEQ(test, lens_ss_exit_name(i), "unknown");
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_STRNEQ(test, lens_ss_exit_name(i),
					    lens_ss_exit_name(j));
	}
	KUNIT_EXPECT_STREQ(test, lens_reason_name(LENS_REASON_PARTIAL_ACK),
			   "partial_ack");
	KUNIT_EXPECT_STREQ(test, lens_recovery_mode_name(LENS_RECOVERY_PRR),
			   "prr");
	KUNIT_EXPECT_STREQ(test, lens_reason_name(LENS_REASON_NR), "unknown");
	KUNIT_EXPECT_STREQ(test, lens_phase_name(LENS_PHASE_NR), "unknown");
	KUNIT_EXPECT_STREQ(test, lens_ss_exit_name(LENS_SS_EXIT_NR),
			   "unknown");
	KUNIT_EXPECT_STREQ(test, lens_recovery_mode_name(LENS_RECOVERY_NR),
			   "unknown");
}

/* The stack's window changes are adopted, except during recovery. */
static void lens_sync_test(struct kunit *test)
{
	struct lens_ack ack = lens_test_dupack(0, 20000, 16);
	struct lens_decision d;
	struct lens_params p;
	struct lens_cc cc;

	/* Restart after idle cuts CA's window under ssthresh: slow start. */
	lens_test_ca(&cc, &p, LENS_RECOVERY_NEWRENO, 20000);
	lens_cc_sync(&cc, 10, 20);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10U);
	KUNIT_EXPECT_EQ(test, cc.phase, LENS_PHASE_SS);
	/* ... without HyStart++, which belongs to the initial one. */
	lens_cc_rtt_sample(&cc, 1000);
	KUNIT_EXPECT_EQ(test, cc.pending_samples, 0);
	/* Slow start meeting ssthresh this way becomes CA. */
	lens_cc_sync(&cc, 20, 20);
	KUNIT_EXPECT_EQ(test, cc.phase, LENS_PHASE_CA);
	/* In recovery the window and ssthresh are the episode's, both modes. */
	lens_cc_enter_recovery(&cc, &p, 20, ack.snd_nxt, &ack, &d);
	lens_cc_sync(&cc, 7, 4);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 13U);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10U);
	lens_test_ca(&cc, &p, LENS_RECOVERY_PRR, 20000);
	lens_cc_sync(&cc, 20, 20);
	lens_cc_enter_recovery(&cc, &p, 20, ack.snd_nxt, &ack, &d);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10U);
	lens_cc_sync(&cc, cc.cwnd + 5, 4);
	KUNIT_EXPECT_EQ(test, cc.cwnd, lens_cc_linux_cwnd(&cc, 20, 0));
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10U);
	/* Nonsense from outside is clamped. */
	lens_cc_init(&cc, &p, 0, 0);
	lens_cc_sync(&cc, 0, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 1U);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 2U);
}

/*
 * An ACK's byte advance: whole segments rounded up, SafeACK only without
 * a new loss, the sub-SMSS flag for less than one segment; the flags the
 * glue set are kept.
 */
static void lens_ack_rules_test(struct kunit *test)
{
	static const struct {
		u32 bytes, mss;
		s32 losses;
		u32 acked, flags;
	} v[] = {
		{ 0, 1448, 0, 0, 0 },
		{ 1448, 1448, 0, 1, LENS_ACK_SAFE },
		{ 1449, 1448, 0, 2, LENS_ACK_SAFE },
		{ 2896, 1448, 0, 2, LENS_ACK_SAFE },
		{ 2897, 1448, 0, 3, LENS_ACK_SAFE },
		/* 4294967295 = 2966137 * 1448 + 919: no wrap rounding up */
		{ U32_MAX, 1448, 0, 2966138, LENS_ACK_SAFE },
		{ 100, 1448, 0, 1, LENS_ACK_SAFE | LENS_ACK_SUB_SMSS },
		{ 14480, 1448, 1, 10, 0 },
		{ 14480, 1448, -1, 10, LENS_ACK_SAFE },
		{ 500, 0, 0, 500, LENS_ACK_SAFE },
		{ U32_MAX, 1, 0, U32_MAX, LENS_ACK_SAFE },
	};
	struct lens_ack ack;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		ack.acked = 77;
		ack.flags = LENS_ACK_CWND_LIMITED | LENS_ACK_SAFE |
			    LENS_ACK_SUB_SMSS;
		lens_ack_rules(&ack, v[i].bytes, v[i].mss, v[i].losses);
		KUNIT_EXPECT_EQ_MSG(test, ack.acked, v[i].acked, "row %u", i);
		KUNIT_EXPECT_EQ_MSG(test, ack.flags,
				    v[i].flags | LENS_ACK_CWND_LIMITED,
				    "row %u", i);
	}
}

/* FlightSize leaves out what Limited Transmit sent beyond cwnd. */
static void lens_flight_size_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, lens_flight_size(20, 20), 20U);
	KUNIT_EXPECT_EQ(test, lens_flight_size(22, 20), 20U);
	KUNIT_EXPECT_EQ(test, lens_flight_size(5, 20), 5U);
	KUNIT_EXPECT_EQ(test, lens_flight_size(0, 10), 0U);
	KUNIT_EXPECT_EQ(test, lens_loss_ssthresh(lens_flight_size(22, 20), 50),
			10U);
}

static struct kunit_case lens_api_cases[] = {
	KUNIT_CASE(lens_state_size_test),
	KUNIT_CASE(lens_params_default_test),
	KUNIT_CASE_PARAM(lens_params_check_test, lens_tv_params_gen_params),
	KUNIT_CASE_PARAM(lens_pacing_test, lens_tv_pacing_gen_params),
	KUNIT_CASE_PARAM(lens_pacing_pct_test, lens_tv_pacing_pct_gen_params),
	KUNIT_CASE(lens_pacing_window_test),
	KUNIT_CASE(lens_names_test),
	KUNIT_CASE(lens_sync_test),
	KUNIT_CASE(lens_ack_rules_test),
	KUNIT_CASE(lens_flight_size_test),
	{}
};

static struct kunit_suite lens_api_suite = {
	.name = "lens_cc_core_api",
	.test_cases = lens_api_cases,
};

kunit_test_suites(&lens_growth_suite, &lens_hystart_suite, &lens_newreno_suite,
		  &lens_prr_suite, &lens_signal_suite, &lens_api_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for the lens congestion-control core");
