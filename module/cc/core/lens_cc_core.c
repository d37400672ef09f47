// SPDX-License-Identifier: GPL-2.0
/*
 * lens_cc_core.c - the pure congestion-control core of tcp_lens ("lens").
 *
 * lens is Reno-family congestion control written down one RFC step at a
 * time, so that every change of cwnd or ssthresh can be traced to the step
 * that made it (struct lens_decision). The unit is the segment (one SMSS is
 * 1), as in Linux; "byte counting" is counting acknowledged segments, and a
 * stretch ACK counts for all the segments it acknowledges.
 *
 * Phases (lens_cc.phase):
 *
 *           HyStart++ RTT rise             CSS_ROUNDS rounds
 *   SS  --------------------------->  CSS  ----------------->  CA
 *    |  <---------------------------'                          ^ |
 *    |     RTT back under baseline                             | |
 *    '------------------ cwnd reaches ssthresh ----------------' |
 *    ^------------- the stack cuts cwnd under ssthresh ----------'
 *
 *   SS, CSS, CA  --loss detected-->  RECOVERY  --full ACK-->  CA
 *   SS, CSS, CA  --ECN-Echo, local congestion-->  CWR  --window acked-->  CA
 *   CWR          --loss detected in the same window-->  RECOVERY (no new cut)
 *   any phase    --RTO-->  LOSS  --SND.UNA reaches the RTO's SND.NXT-->  SS/CA
 *   SS, CSS, CA  --idle or application-limited for an RTO-->  SS/CA
 *
 * Growth (SS, CSS, CA and LOSS, only when the sender is cwnd-limited, on
 * ACKs that advance SND.UNA):
 *  - slow start adds min(acked, L) per ACK (RFC 3465 ABC; L = 1 in the slow
 *    start that follows an RTO) up to ssthresh, and hands what is left of the
 *    ACK to congestion avoidance, like tcp_slow_start();
 *  - congestion avoidance adds alpha segments per cwnd segments
 *    acknowledged, alpha = 3 (1 - beta) / (1 + beta) (RFC 9438 4.3; 1 for
 *    RFC 5681's beta = 1/2), keeping the remainder as credit across ACKs
 *    (RFC 3465 2.1), with tcp_cong_avoid_ai()'s arithmetic;
 *  - HyStart++ (RFC 9406) runs in the initial slow start only: RTT samples
 *    taken between two ACK steps are charged to the current round, and a
 *    round ends when SND.UNA passes windowEnd. An RTT rise of RttThresh over
 *    the previous round moves SS to CSS, which grows by a quarter as fast;
 *    CSS returns to SS if the RTT falls back under its baseline, or ends in
 *    CA with ssthresh = cwnd after CSS_ROUNDS rounds. Four additions, each
 *    with a parameter: samples count only from ACKs that come while the
 *    sender is cwnd-limited (hspp_cwnd_limited); a rise must also clear
 *    the glue's ACK-aggregation allowance, at most 1 ms (hspp_ack_delay);
 *    the minimum of each block of N_RTT_SAMPLE samples is a rise too when
 *    it is RttThresh above the round floor, which sees the queue a paced
 *    round builds within that round (hspp_block); a second rise in CSS
 *    ends it (hspp_css_rise).
 *
 * Reductions:
 *  - fast recovery and RTO set ssthresh = max(FlightSize * beta, 2), RFC 5681
 *    eq. (4) with beta for its 1/2 (0.7 by default, the pair of RFC 9438
 *    4.3 that keeps Reno's throughput at the same loss rate); an RTO sets
 *    cwnd to the loss window, 1;
 *  - in fast recovery cwnd follows either NewReno (RFC 5681 3.2, RFC 6582)
 *    or PRR (RFC 9937). NewReno's window is kept in the RFC's convention,
 *    inflated by duplicate ACKs and compared against FlightSize;
 *    lens_newreno_linux_cwnd() translates it into Linux's, where cwnd is
 *    compared against the pipe and also gates retransmissions. PRR's
 *    window, inflight + SndCnt, already is in Linux's convention. Both end
 *    with cwnd = ssthresh;
 *  - CWR (ECN-Echo; local congestion or a loss a tail loss probe repaired)
 *    sets ssthresh from FlightSize like a loss and reduces cwnd to it by PRR
 *    over the window of data; a loss detected in that window continues the
 *    same reduction (one cut per window, as the stack does);
 *  - a window the sender did not use for an RTO is decayed: after an idle
 *    period it halves per RTO down to the restart window (RFC 5681 4.1,
 *    with Linux's and RFC 2861's decay rather than a cut straight to RW),
 *    and an application-limited one meets the used window halfway
 *    (RFC 2861 4.3, tcp_cwnd_application_limited()). Both raise ssthresh
 *    to 3/4 of the old window first, so slow start finds it again;
 *  - the first reduction of an episode records cwnd and ssthresh so that
 *    lens_cc_undo() can restore them when the loss proves spurious.
 *
 * Nothing here knows a socket: the glue fills struct lens_ack, enforces
 * Karn's rule on RTT samples, and copies cwnd/ssthresh in (lens_cc_sync())
 * and out (lens_cc_linux_cwnd()).
 */

#include "lens_cc_core.h"

/* lens_cc.flags */
#define LENS_F_HSPP_DONE	0x01	/* the initial slow start is over */
#define LENS_F_RTO_SS		0x02	/* slow start after an RTO: L = 1 */
#define LENS_F_PRR		0x04	/* this recovery episode runs PRR */
#define LENS_F_UNDO		0x08	/* prior_cwnd/prior_ssthresh are valid */
#define LENS_F_UNDO_HSPP	0x10	/* ... and the reduction cut short the
					 * initial slow start: undo resumes it,
					 * HyStart++ included
					 */
#define LENS_F_CSS_BLOCK	0x20	/* CSS began on a block's rise */
#define LENS_F_ROUND_BLOCK	0x40	/* this round completed a block */
#define LENS_F_ROUND_ROSE	0x80	/* ... and one of them rose */

/* ------------------------------------------------------------------------ */
/* Small helpers                                                             */
/* ------------------------------------------------------------------------ */

/* a + b, saturating at U32_MAX. */
static u32 lens_add_sat(u32 a, u32 b)
{
	return (u32)min_t(u64, (u64)a + b, U32_MAX);
}

/* Add one to an 8-bit counter, saturating. */
static void lens_inc_u8(u8 *c)
{
	if (*c != (u8)~0U)
		(*c)++;
}

/* Add one to a per-connection statistic, saturating. */
static void lens_stat_inc(u16 *c)
{
	if (*c != U16_MAX)
		(*c)++;
}

/* Set cwnd within [LENS_LOSS_WINDOW, LENS_CWND_MAX]; record why it moved. */
static void lens_set_cwnd(struct lens_cc *cc, u64 cwnd, enum lens_reason why,
			  struct lens_decision *d)
{
	u32 v = (u32)clamp_t(u64, cwnd, LENS_LOSS_WINDOW, LENS_CWND_MAX);

	if (v == cc->cwnd)
		return;
	cc->cwnd = v;
	d->reasons |= LENS_REASON_BIT(why);
	d->reason = why;
}

/* Set ssthresh within [LENS_MIN_SSTHRESH, LENS_INFINITE_SSTHRESH]. */
static void lens_set_ssthresh(struct lens_cc *cc, u32 ssthresh,
			      enum lens_reason why, struct lens_decision *d)
{
	u32 v = clamp_t(u32, ssthresh, LENS_MIN_SSTHRESH,
			LENS_INFINITE_SSTHRESH);

	if (v == cc->ssthresh)
		return;
	cc->ssthresh = v;
	d->reasons |= LENS_REASON_BIT(why);
	d->reason = why;
}

/* Start a decision record: note where the call begins. */
static void lens_decision_begin(struct lens_decision *d,
				const struct lens_cc *cc)
{
	memset(d, 0, sizeof(*d));
	d->reason = LENS_REASON_NR;
	d->cwnd_in = cc->cwnd;
	d->ssthresh_in = cc->ssthresh;
	d->phase_in = cc->phase;
}

/*
 * The reason a change of phase alone is reported under when neither cwnd
 * nor ssthresh moved (a full ACK that finds cwnd at ssthresh already, a
 * loss that joins a CWR reduction, HyStart++ moving SS to CSS).
 */
static enum lens_reason lens_phase_reason(const struct lens_decision *d)
{
	if (d->events & LENS_EV_RECOVERY_EXIT)
		return LENS_REASON_FULL_ACK;
	switch (d->phase_out) {
	case LENS_PHASE_RECOVERY:
		return LENS_REASON_RECOVERY_ENTER;
	case LENS_PHASE_LOSS:
		return LENS_REASON_RTO;
	case LENS_PHASE_CWR:
		return LENS_REASON_CWR;
	case LENS_PHASE_CSS:
		return LENS_REASON_CSS;
	default:
		break;
	}
	if (d->phase_in == LENS_PHASE_CWR)
		return LENS_REASON_CWR_DONE;
	if (d->phase_in == LENS_PHASE_CSS || d->ss_exit == LENS_SS_EXIT_CSS)
		return LENS_REASON_CSS;
	return d->phase_out == LENS_PHASE_SS ? LENS_REASON_SS : LENS_REASON_CA;
}

/*
 * Finish a decision record: note where the call ends, and give a change of
 * phase that moved nothing a reason of its own (reasons stays 0).
 */
static void lens_decision_end(struct lens_decision *d,
			      const struct lens_cc *cc)
{
	d->phase_out = cc->phase;
	if (d->reason == LENS_REASON_NR && d->phase_in != d->phase_out)
		d->reason = lens_phase_reason(d);
}

/* True in the phases whose growth rule is slow start's. */
static bool lens_in_slow_start(const struct lens_cc *cc)
{
	return cc->phase == LENS_PHASE_SS || cc->phase == LENS_PHASE_CSS;
}

/* True while a reduction episode (recovery, RTO or CWR) is in progress. */
static bool lens_reducing(const struct lens_cc *cc)
{
	return cc->phase == LENS_PHASE_RECOVERY ||
	       cc->phase == LENS_PHASE_LOSS || cc->phase == LENS_PHASE_CWR;
}

/*
 * RFC 2861's max(ssthresh, 3/4 cwnd), rounded as tcp_current_ssthresh()
 * does (cwnd/2 + cwnd/4), so that lens decays a window as reno would.
 */
static u32 lens_current_ssthresh(const struct lens_cc *cc)
{
	return max_t(u32, cc->ssthresh, (cc->cwnd >> 1) + (cc->cwnd >> 2));
}

/* True while cwnd holds NewReno's inflated RFC 5681 window. */
static bool lens_newreno_recovery(const struct lens_cc *cc)
{
	return cc->phase == LENS_PHASE_RECOVERY && !(cc->flags & LENS_F_PRR);
}

/*
 * Leave a reduction (or an undone one) for the phase the window calls for:
 * slow start below ssthresh, congestion avoidance at or above it.
 */
static void lens_resume_open_phase(struct lens_cc *cc)
{
	cc->credit = 0;
	if (cc->cwnd < cc->ssthresh) {
		cc->phase = LENS_PHASE_SS;
	} else {
		cc->phase = LENS_PHASE_CA;
		cc->flags &= ~LENS_F_RTO_SS;
	}
}

/* ------------------------------------------------------------------------ */
/* Parameters                                                                */
/* ------------------------------------------------------------------------ */

/**
 * lens_params_default() - the parameters lens starts with
 * @p: filled with ABC L = 8, HyStart++ on with RFC 9406 constants, PRR
 *     recovery, an infinite initial ssthresh, beta 0.7 (ECN: 0.8) and
 *     pacing
 */
void lens_params_default(struct lens_params *p)
{
	*p = (struct lens_params)LENS_PARAMS_DEFAULT;
}

/* True if @v lies in [@lo, @hi]. */
static bool lens_in_range(u32 v, u32 lo, u32 hi)
{
	return v >= lo && v <= hi;
}

/**
 * lens_params_check() - validate a parameter set
 * @p: candidate parameters
 *
 * Each field must lie in its documented [MIN, MAX] range, the HyStart++
 * maximum RTT threshold must not be below the minimum one, and the initial
 * ssthresh must be 0 (infinite) or at least two segments. A module parameter
 * setter checks a modified copy of the current set and publishes it only
 * when this returns 0.
 *
 * Return: 0 if @p is valid, -EINVAL otherwise.
 */
int lens_params_check(const struct lens_params *p)
{
	if (p->abc_limit > LENS_ABC_LIMIT_MAX || p->hystart > 1 ||
	    !lens_in_range(p->hspp_min_rtt_thresh_us,
			   LENS_HSPP_RTT_THRESH_MIN_US,
			   LENS_HSPP_RTT_THRESH_MAX_US) ||
	    !lens_in_range(p->hspp_max_rtt_thresh_us,
			   p->hspp_min_rtt_thresh_us,
			   LENS_HSPP_RTT_THRESH_MAX_US) ||
	    !lens_in_range(p->hspp_min_rtt_divisor,
			   LENS_HSPP_MIN_RTT_DIVISOR_MIN,
			   LENS_HSPP_MIN_RTT_DIVISOR_MAX) ||
	    !lens_in_range(p->hspp_n_rtt_sample, LENS_HSPP_N_RTT_SAMPLE_MIN,
			   LENS_HSPP_N_RTT_SAMPLE_MAX) ||
	    !lens_in_range(p->hspp_css_growth_divisor,
			   LENS_HSPP_CSS_GROWTH_DIVISOR_MIN,
			   LENS_HSPP_CSS_GROWTH_DIVISOR_MAX) ||
	    !lens_in_range(p->hspp_css_rounds, LENS_HSPP_CSS_ROUNDS_MIN,
			   LENS_HSPP_CSS_ROUNDS_MAX) ||
	    p->hspp_ack_delay > 1 || p->hspp_cwnd_limited > 1 ||
	    p->hspp_css_rise > 1 || p->hspp_block > 1 ||
	    p->recovery >= LENS_RECOVERY_NR || p->pacing > 1 ||
	    !lens_in_range(p->beta, LENS_BETA_MIN, LENS_BETA_MAX) ||
	    !lens_in_range(p->beta_ecn, LENS_BETA_MIN, LENS_BETA_MAX) ||
	    (p->initial_ssthresh &&
	     !lens_in_range(p->initial_ssthresh, LENS_INIT_SSTHRESH_MIN,
			    LENS_INIT_SSTHRESH_MAX)))
		return -EINVAL;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Connection life                                                           */
/* ------------------------------------------------------------------------ */

/**
 * lens_cc_init() - start a connection in slow start
 * @cc: state to initialize
 * @p: parameters
 * @cwnd: initial window (the stack's, e.g. 10)
 * @snd_nxt: SND.NXT now, HyStart++'s first windowEnd
 */
void lens_cc_init(struct lens_cc *cc, const struct lens_params *p, u32 cwnd,
		  u32 snd_nxt)
{
	BUILD_BUG_ON(sizeof(struct lens_cc) > LENS_CC_STATE_MAX);
	BUILD_BUG_ON(LENS_PHASE_NR > 0xff || LENS_REASON_NR > 16);

	memset(cc, 0, sizeof(*cc));
	cc->cwnd = clamp_t(u32, cwnd, LENS_LOSS_WINDOW, LENS_CWND_MAX);
	cc->ssthresh = p->initial_ssthresh ? : LENS_INFINITE_SSTHRESH;
	cc->ssthresh = clamp_t(u32, cc->ssthresh, LENS_MIN_SSTHRESH,
			       LENS_INFINITE_SSTHRESH);
	cc->window_end = snd_nxt;
	cc->last_round_min_rtt = LENS_RTT_NONE;
	cc->cur_round_min_rtt = LENS_RTT_NONE;
	cc->css_baseline_min_rtt = LENS_RTT_NONE;
	cc->pending_min_rtt = LENS_RTT_NONE;
	cc->block_min_rtt = LENS_RTT_NONE;
	lens_resume_open_phase(cc);
	if (cc->phase != LENS_PHASE_SS)
		cc->flags |= LENS_F_HSPP_DONE;
}

/**
 * lens_cc_sync() - adopt cwnd and ssthresh as the stack holds them
 * @cc: state
 * @cwnd: the socket's cwnd (Linux convention)
 * @ssthresh: the socket's ssthresh
 *
 * The stack changes the window outside congestion control (restart after
 * idle, cwnd clamping, its own undo). The glue calls this before each step
 * so that the core works on the live values. Not during fast recovery: the
 * window is the core's own then (NewReno's is the RFC 5681 window, which
 * the socket never holds), and ssthresh stays what the episode set until
 * an undo, which lens_cc_undo() handles. Slow start and congestion
 * avoidance follow the window: a window cut below ssthresh slow-starts
 * again (HyStart++ only ever runs in the initial slow start).
 */
void lens_cc_sync(struct lens_cc *cc, u32 cwnd, u32 ssthresh)
{
	if (lens_cc_in_recovery(cc))
		return;
	cc->ssthresh = clamp_t(u32, ssthresh, LENS_MIN_SSTHRESH,
			       LENS_INFINITE_SSTHRESH);
	cc->cwnd = clamp_t(u32, cwnd, LENS_LOSS_WINDOW, LENS_CWND_MAX);

	if (lens_in_slow_start(cc) && cc->cwnd >= cc->ssthresh) {
		cc->flags |= LENS_F_HSPP_DONE;
		lens_resume_open_phase(cc);
	} else if (cc->phase == LENS_PHASE_CA && cc->cwnd < cc->ssthresh) {
		lens_resume_open_phase(cc);
	}
}

/* ------------------------------------------------------------------------ */
/* Growth: slow start with ABC, congestion avoidance                         */
/* ------------------------------------------------------------------------ */

/* ABC's L for this ACK: 1 in the slow start after an RTO (RFC 3465 2.3). */
static u32 lens_abc_limit(const struct lens_cc *cc, const struct lens_params *p)
{
	return (cc->flags & LENS_F_RTO_SS) ? 1 : p->abc_limit;
}

/* min(acked, L) with L = 0 meaning no limit. */
static u32 lens_abc_apply(u32 acked, u32 limit)
{
	return limit ? min_t(u32, acked, limit) : acked;
}

/*
 * Slow start end, for any reason: record why, and stop HyStart++ for the
 * rest of the connection (RFC 9406 4.3: initial slow start only).
 */
static void lens_end_slow_start(struct lens_cc *cc, enum lens_ss_exit why,
				struct lens_decision *d)
{
	d->ss_exit = why;
	cc->flags |= LENS_F_HSPP_DONE;
	cc->flags &= ~LENS_F_RTO_SS;
	cc->css_baseline_min_rtt = LENS_RTT_NONE;
	cc->pending_min_rtt = LENS_RTT_NONE;
	cc->pending_samples = 0;
	cc->credit = 0;
	cc->phase = LENS_PHASE_CA;
}

/*
 * RFC 5681 3.1 / RFC 3465 2.2: grow by min(acked, L), at most up to
 * ssthresh. Returns the segments of this ACK left for congestion avoidance:
 * none unless ssthresh was reached, as in tcp_slow_start().
 */
static u32 lens_slow_start(struct lens_cc *cc, const struct lens_params *p,
			   u32 acked, struct lens_decision *d)
{
	u32 inc = lens_abc_apply(acked, lens_abc_limit(cc, p));
	u32 room;

	if (cc->cwnd >= cc->ssthresh)
		return acked;
	room = cc->ssthresh - cc->cwnd;
	if (inc < room) {
		lens_set_cwnd(cc, (u64)cc->cwnd + inc, LENS_REASON_SS, d);
		return 0;
	}
	lens_set_cwnd(cc, cc->ssthresh, LENS_REASON_SS, d);
	return acked - room;
}

/*
 * The segments acknowledged per +1 of congestion avoidance: cwnd / alpha
 * rounded up, lens_ai_num() / lens_ai_den(); exactly cwnd for RFC 5681's
 * beta = 1/2.
 */
static u32 lens_ai_window(u32 cwnd, u32 beta)
{
	u32 den = lens_ai_den(beta);
	u64 w = div_u64(lens_ai_num(cwnd, beta) + den - 1, den);

	return (u32)min_t(u64, w, U32_MAX);
}

/*
 * RFC 5681 3.1 / RFC 3465 2.1: alpha segments per window of segments
 * acknowledged (alpha = 1 for beta = 1/2). The remainder stays in
 * cc->credit across ACKs; a stretch ACK may earn several segments at once.
 * Credit gathered at a larger window than the current one is paid out
 * gently first, as tcp_cong_avoid_ai() does.
 */
static void lens_cong_avoid(struct lens_cc *cc, const struct lens_params *p,
			    u32 acked, struct lens_decision *d)
{
	u32 w = lens_ai_window(cc->cwnd, p->beta);
	u64 cwnd = cc->cwnd;

	if (cc->credit >= w) {
		cc->credit = 0;
		cwnd++;
	}
	cc->credit = lens_add_sat(cc->credit, acked);
	if (cc->credit >= w) {
		u32 delta = cc->credit / w;

		cc->credit -= delta * w;
		cwnd += delta;
	}
	lens_set_cwnd(cc, cwnd, LENS_REASON_CA, d);
}

/*
 * RFC 9406 4.2: in CSS cwnd grows by min(acked, L) / CSS_GROWTH_DIVISOR;
 * the fraction is carried in cc->credit. Reaching ssthresh ends slow start.
 */
static void lens_css_grow(struct lens_cc *cc, const struct lens_params *p,
			  u32 acked, struct lens_decision *d)
{
	u32 div = max_t(u32, p->hspp_css_growth_divisor, 1);
	u32 delta;

	if (cc->cwnd >= cc->ssthresh) {
		lens_end_slow_start(cc, LENS_SS_EXIT_SSTHRESH, d);
		return;
	}
	cc->credit = lens_add_sat(cc->credit,
				  lens_abc_apply(acked, p->abc_limit));
	delta = cc->credit / div;
	cc->credit -= delta * div;
	lens_set_cwnd(cc, min_t(u64, (u64)cc->cwnd + delta, cc->ssthresh),
		      LENS_REASON_CSS, d);
	if (cc->cwnd >= cc->ssthresh)
		lens_end_slow_start(cc, LENS_SS_EXIT_SSTHRESH, d);
}

/* Grow the window for @acked newly acknowledged segments. */
static void lens_grow(struct lens_cc *cc, const struct lens_params *p,
		      u32 acked, struct lens_decision *d)
{
	switch (cc->phase) {
	case LENS_PHASE_SS:
	case LENS_PHASE_LOSS:
		acked = lens_slow_start(cc, p, acked, d);
		if (cc->cwnd < cc->ssthresh)
			return;
		/* The slow start after an RTO ends inside the LOSS phase. */
		if (cc->phase == LENS_PHASE_SS)
			lens_end_slow_start(cc, LENS_SS_EXIT_SSTHRESH, d);
		else if (cc->flags & LENS_F_RTO_SS)
			d->ss_exit = LENS_SS_EXIT_SSTHRESH;
		cc->flags &= ~LENS_F_RTO_SS;
		if (acked)
			lens_cong_avoid(cc, p, acked, d);
		break;
	case LENS_PHASE_CSS:
		lens_css_grow(cc, p, acked, d);
		break;
	case LENS_PHASE_CA:
		lens_cong_avoid(cc, p, acked, d);
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------------------ */
/* HyStart++ (RFC 9406)                                                      */
/* ------------------------------------------------------------------------ */

/* True while HyStart++ watches rounds: initial slow start, SS or CSS. */
static bool lens_hspp_tracking(const struct lens_cc *cc)
{
	return lens_in_slow_start(cc) && !(cc->flags & LENS_F_HSPP_DONE);
}

/*
 * The same, for the glue: only then does an ACK's lens_ack.agg_us matter,
 * so it computes that (a 64-bit division) only then. Nothing but undo,
 * which is not an ACK step, makes it true again once false.
 */
bool lens_cc_hspp_tracking(const struct lens_cc *cc)
{
	return lens_hspp_tracking(cc);
}

/* A new round: lastRoundMinRTT = currentRoundMinRTT, start afresh. */
static void lens_hspp_start_round(struct lens_cc *cc)
{
	cc->last_round_min_rtt = cc->cur_round_min_rtt;
	cc->cur_round_min_rtt = LENS_RTT_NONE;
	cc->rtt_samples = 0;
	cc->block_min_rtt = LENS_RTT_NONE;
	cc->block_samples = 0;
	cc->flags &= ~(LENS_F_ROUND_BLOCK | LENS_F_ROUND_ROSE);
}

/* Back from CSS to SS: the exit was spurious. */
static void lens_hspp_back_to_ss(struct lens_cc *cc, struct lens_decision *d)
{
	cc->css_baseline_min_rtt = LENS_RTT_NONE;
	cc->css_rounds = 0;
	cc->credit = 0;
	cc->flags &= ~LENS_F_CSS_BLOCK;
	cc->phase = LENS_PHASE_SS;
	d->events |= LENS_EV_CSS_SPURIOUS;
}

/* CSS_ROUNDS rounds of CSS are over: ssthresh = cwnd, enter CA. */
static void lens_hspp_finish_css(struct lens_cc *cc, struct lens_decision *d)
{
	lens_set_ssthresh(cc, cc->cwnd, LENS_REASON_CSS, d);
	lens_end_slow_start(cc, LENS_SS_EXIT_CSS, d);
}

/*
 * Round detection: the round ends when SND.UNA passes windowEnd, and
 * windowEnd becomes SND.NXT. In CSS the partial round it started in counts,
 * so CSS ends at the end of its CSS_ROUNDS-th round.
 */
static void lens_hspp_round_check(struct lens_cc *cc,
				  const struct lens_params *p,
				  const struct lens_ack *ack,
				  struct lens_decision *d)
{
	if (!tcplens_seq_after(ack->snd_una, cc->window_end))
		return;
	cc->window_end = ack->snd_nxt;
	d->events |= LENS_EV_ROUND;
	if (cc->phase == LENS_PHASE_CSS) {
		if (cc->css_rounds >= p->hspp_css_rounds) {
			lens_hspp_finish_css(cc, d);
			return;
		}
		lens_inc_u8(&cc->css_rounds);
		/*
		 * CSS begun on a block's rise: a whole round of blocks with
		 * none risen means the queue that made it is gone.
		 */
		if ((cc->flags & LENS_F_CSS_BLOCK) &&
		    (cc->flags & LENS_F_ROUND_BLOCK) &&
		    !(cc->flags & LENS_F_ROUND_ROSE))
			lens_hspp_back_to_ss(cc, d);
	}
	lens_hspp_start_round(cc);
}

/*
 * currentRoundMinRTT = min(currentRoundMinRTT, samples since the last ACK).
 * With hspp_cwnd_limited, samples from an ACK that came while the sender
 * was not cwnd-limited are set aside: such a round does not load the path,
 * so its RTTs say nothing about the queue this flow builds, and would let
 * the next cwnd-limited round look like a rise (RFC 9406 measures the delay
 * that slow start itself causes). Growth is gated the same way.
 */
static void lens_hspp_take_samples(struct lens_cc *cc,
				   const struct lens_params *p,
				   const struct lens_ack *ack,
				   struct lens_decision *d)
{
	if (!cc->pending_samples)
		return;
	if (p->hspp_cwnd_limited && !(ack->flags & LENS_ACK_CWND_LIMITED)) {
		cc->pending_min_rtt = LENS_RTT_NONE;
		cc->pending_samples = 0;
		d->events |= LENS_EV_HSPP_NOT_LIMITED;
		return;
	}
	cc->cur_round_min_rtt = min_t(u32, cc->cur_round_min_rtt,
				      cc->pending_min_rtt);
	cc->rtt_samples = (u8)min_t(u32, (u32)cc->rtt_samples +
				    cc->pending_samples, (u8)~0U);
	cc->block_min_rtt = min_t(u32, cc->block_min_rtt, cc->pending_min_rtt);
	cc->block_samples = (u8)min_t(u32, (u32)cc->block_samples +
				      cc->pending_samples, (u8)~0U);
	cc->pending_min_rtt = LENS_RTT_NONE;
	cc->pending_samples = 0;
}

/* RttThresh = max(MIN_RTT_THRESH, min(@rtt / MIN_RTT_DIVISOR, MAX)). */
static u32 lens_hspp_thresh_of(const struct lens_params *p, u32 rtt)
{
	u32 div = max_t(u32, p->hspp_min_rtt_divisor, 1);
	u32 t = min_t(u32, rtt / div, p->hspp_max_rtt_thresh_us);

	return max_t(u32, p->hspp_min_rtt_thresh_us, t);
}

/* RFC 9406's RttThresh, of lastRoundMinRTT. */
static u32 lens_hspp_rtt_thresh(const struct lens_cc *cc,
				const struct lens_params *p)
{
	return lens_hspp_thresh_of(p, cc->last_round_min_rtt);
}

/*
 * True if @rtt reached @thresh. With hspp_ack_delay it must also clear the
 * ACK-aggregation allowance the glue measured (lens_ack.agg_us): a rise
 * within it is GSO/GRO delay, not queue, and is reported as held.
 */
static bool lens_hspp_rose(const struct lens_params *p,
			   const struct lens_ack *ack, u32 rtt, u64 thresh,
			   struct lens_decision *d)
{
	if ((u64)rtt < thresh)
		return false;
	if (p->hspp_ack_delay &&
	    (u64)rtt < thresh + min_t(u32, ack->agg_us,
				      LENS_HSPP_ACK_DELAY_MAX_US)) {
		d->events |= LENS_EV_HSPP_AGG_HELD;
		return false;
	}
	return true;
}

/* SS -> CSS, cssBaselineMinRtt = @baseline. */
static void lens_hspp_enter_css(struct lens_cc *cc, u32 baseline,
				enum lens_ss_exit why, struct lens_decision *d)
{
	cc->css_baseline_min_rtt = baseline;
	cc->css_rounds = 1;
	cc->credit = 0;
	cc->phase = LENS_PHASE_CSS;
	if (why == LENS_SS_EXIT_HYSTART_BLOCK)
		cc->flags |= LENS_F_CSS_BLOCK;
	else
		cc->flags &= ~LENS_F_CSS_BLOCK;
	d->ss_exit = why;
}

/*
 * SS: a round minimum RttThresh above the last one's moves SS to CSS. With
 * hspp_ack_delay the rise must also clear the ACK-aggregation allowance
 * the glue measured (lens_ack.agg_us): a rise within it is GSO/GRO delay,
 * not queue, and is reported as held.
 */
static void lens_hspp_check_delay_increase(struct lens_cc *cc,
					   const struct lens_params *p,
					   const struct lens_ack *ack,
					   struct lens_decision *d)
{
	u64 thresh;

	if (cc->cur_round_min_rtt == LENS_RTT_NONE ||
	    cc->last_round_min_rtt == LENS_RTT_NONE)
		return;
	thresh = (u64)cc->last_round_min_rtt + lens_hspp_rtt_thresh(cc, p);
	if (!lens_hspp_rose(p, ack, cc->cur_round_min_rtt, thresh, d))
		return;
	lens_hspp_enter_css(cc, cc->cur_round_min_rtt,
			    LENS_SS_EXIT_HYSTART_DELAY, d);
}

/* CSS ends at once, as after its last round: ssthresh = cwnd, CA. */
static void lens_hspp_css_rise(struct lens_cc *cc, struct lens_decision *d)
{
	lens_set_ssthresh(cc, cc->cwnd, LENS_REASON_CSS_RISE, d);
	lens_end_slow_start(cc, LENS_SS_EXIT_CSS_RISE, d);
}

/*
 * CSS: a round minimum under the baseline means the exit was spurious.
 * With hspp_css_rise, one a further RttThresh (of the baseline) above it
 * means it was not: the queue this flow built is still growing, and the
 * rest of CSS's CSS_ROUNDS rounds, each up to a quarter larger, would
 * overflow a buffer of a BDP or less. CSS then ends at once, as after its
 * last round (ssthresh = cwnd, CA). RFC 9406 keeps CSS for its full
 * rounds; this is lens's addition, off with hystart_css_rise=0. A CSS begun
 * on a block's rise has a block minimum for its baseline, which round
 * minima stay under: lens_hspp_round_check() judges it instead.
 */
static void lens_hspp_check_css(struct lens_cc *cc,
				const struct lens_params *p,
				struct lens_decision *d)
{
	u32 base = cc->css_baseline_min_rtt;

	if (cc->cur_round_min_rtt >= base) {
		if (p->hspp_css_rise && base != LENS_RTT_NONE &&
		    cc->cur_round_min_rtt != LENS_RTT_NONE &&
		    (u64)cc->cur_round_min_rtt >=
		    (u64)base + lens_hspp_thresh_of(p, base)) {
			lens_hspp_css_rise(cc, d);
		}
		return;
	}
	if (!(cc->flags & LENS_F_CSS_BLOCK))
		lens_hspp_back_to_ss(cc, d);
}

/*
 * hspp_block: the minimum of each block of N_RTT_SAMPLE consecutive samples
 * in a round, against the round floor (the lower of this round's and the
 * last round's minimum). A paced round spreads its window over the round,
 * so the queue it builds grows through the round and drains before the
 * next one begins: the round minimum, taken from its first ACKs, stays at
 * the floor while the last ACKs of the round come back a queue later, and
 * RFC 9406's rule sees the rise a round late, after a buffer of a BDP or
 * less overflowed. A block minimum is as robust to a lone late ACK as a
 * round minimum, and sees the queue as it builds.
 *
 * SS: a block RttThresh (of the floor) above the floor moves SS to CSS, with
 * the block minimum as cssBaselineMinRtt. CSS: a block RttThresh above the
 * baseline is a second rise (hspp_css_rise); a CSS begun on a block is
 * spurious when a whole round's blocks stay under floor + RttThresh, since
 * its round minima never rise above the floor (lens_hspp_round_check()).
 */
static void lens_hspp_check_block(struct lens_cc *cc,
				  const struct lens_params *p,
				  const struct lens_ack *ack,
				  struct lens_decision *d)
{
	u32 floor = min_t(u32, cc->last_round_min_rtt, cc->cur_round_min_rtt);
	u32 block = cc->block_min_rtt;
	u32 base = cc->css_baseline_min_rtt;

	if (cc->block_samples < p->hspp_n_rtt_sample)
		return;
	cc->block_min_rtt = LENS_RTT_NONE;
	cc->block_samples = 0;
	if (floor == LENS_RTT_NONE || block == LENS_RTT_NONE)
		return;
	cc->flags |= LENS_F_ROUND_BLOCK;
	if (!lens_hspp_rose(p, ack, block,
			    (u64)floor + lens_hspp_thresh_of(p, floor), d))
		return;
	cc->flags |= LENS_F_ROUND_ROSE;
	if (cc->phase == LENS_PHASE_SS) {
		lens_hspp_enter_css(cc, block, LENS_SS_EXIT_HYSTART_BLOCK, d);
	} else if (p->hspp_css_rise && base != LENS_RTT_NONE &&
		   (u64)block >= (u64)base + lens_hspp_thresh_of(p, base)) {
		lens_hspp_css_rise(cc, d);
	}
}

/*
 * The checks RFC 9406 runs once a round has N_RTT_SAMPLE samples, then
 * hspp_block's, once a block has as many.
 */
static void lens_hspp_check(struct lens_cc *cc, const struct lens_params *p,
			    const struct lens_ack *ack,
			    struct lens_decision *d)
{
	if (cc->rtt_samples >= p->hspp_n_rtt_sample) {
		if (cc->phase == LENS_PHASE_SS)
			lens_hspp_check_delay_increase(cc, p, ack, d);
		else
			lens_hspp_check_css(cc, p, d);
	}
	if (p->hspp_block && lens_hspp_tracking(cc))
		lens_hspp_check_block(cc, p, ack, d);
}

/**
 * lens_cc_rtt_sample() - take an RTT sample for HyStart++
 * @cc: state
 * @rtt_us: the sample, in microseconds; <= 0 means none and is ignored
 *
 * The glue feeds samples from ACKs of never-retransmitted data only (Karn's
 * rule), just before the ACK's congestion step. The sample is charged to
 * the round that is current at that step, after its round detection, which
 * keeps RFC 9406's order of operations.
 */
void lens_cc_rtt_sample(struct lens_cc *cc, s32 rtt_us)
{
	if (rtt_us <= 0 || !lens_hspp_tracking(cc))
		return;
	cc->pending_min_rtt = min_t(u32, cc->pending_min_rtt, (u32)rtt_us);
	lens_inc_u8(&cc->pending_samples);
}

/* ------------------------------------------------------------------------ */
/* Fast recovery: NewReno (RFC 5681 3.2, RFC 6582)                           */
/* ------------------------------------------------------------------------ */

/* RFC 5681 3.2 step 3: cwnd = ssthresh + 3 for the three duplicate ACKs. */
static void lens_newreno_start(struct lens_cc *cc, struct lens_decision *d)
{
	cc->flags &= ~LENS_F_PRR;
	lens_set_cwnd(cc, (u64)cc->ssthresh + LENS_DUPTHRESH,
		      LENS_REASON_RECOVERY_ENTER, d);
}

/* RFC 5681 3.2 step 4: each segment a dup ACK or SACK reports adds one. */
static void lens_newreno_inflate(struct lens_cc *cc, const struct lens_ack *ack,
				 struct lens_decision *d)
{
	lens_set_cwnd(cc, (u64)cc->cwnd + ack->sacked,
		      LENS_REASON_RECOVERY_ACK, d);
}

/*
 * RFC 6582 3.2 step 5, partial ACK: deflate by the segments newly
 * cumulatively acknowledged, add one SMSS back if at least one SMSS was,
 * and inflate for segments this ACK newly SACKed. Recovery continues.
 */
static void lens_newreno_partial_ack(struct lens_cc *cc,
				     const struct lens_ack *ack,
				     struct lens_decision *d)
{
	u64 cwnd = cc->cwnd > ack->acked ? cc->cwnd - ack->acked : 0;
	u32 back = (ack->flags & LENS_ACK_SUB_SMSS) ? 0 : 1;

	lens_set_cwnd(cc, cwnd + back + ack->sacked, LENS_REASON_PARTIAL_ACK,
		      d);
}

/**
 * lens_newreno_linux_cwnd() - NewReno's RFC window in Linux's convention
 * @rfc_cwnd: the RFC 5681 (inflated) window, compared against FlightSize
 * @flight_size: FlightSize, SND.NXT - SND.UNA in segments (packets_out)
 * @sacked_out: segments above SND.UNA known to have left the network:
 *		SACKed, or counted by duplicate ACKs (tp->sacked_out)
 *
 * The RFC sends new data while FlightSize < cwnd, and sends the fast
 * retransmit and the retransmission after a partial ACK whatever cwnd says.
 * Linux sends anything, retransmissions included, while pipe < cwnd, with
 * pipe = FlightSize - sacked_out - lost + retransmitted. The same segments
 * may go out when
 *
 *   linux_cwnd - pipe = max(rfc_cwnd - FlightSize, 0) + (lost - retransmitted)
 *
 * that is, the RFC's allowance for new data plus the lost segments awaiting
 * their retransmission. Substituting pipe gives
 *
 *   linux_cwnd = max(rfc_cwnd, FlightSize) - sacked_out
 *
 * The RFC's inflation stands for the segments that left the network, which
 * Linux's pipe already leaves out; they are taken off again here. A result
 * below one segment reads 1: the stack needs a positive window.
 *
 * Return: the window for tp->snd_cwnd.
 */
u32 lens_newreno_linux_cwnd(u32 rfc_cwnd, u32 flight_size, u32 sacked_out)
{
	s64 cwnd = (s64)max_t(u32, rfc_cwnd, flight_size) - sacked_out;

	return (u32)clamp_t(s64, cwnd, LENS_LOSS_WINDOW, LENS_CWND_MAX);
}

/* ------------------------------------------------------------------------ */
/* Fast recovery: Proportional Rate Reduction (RFC 9937)                     */
/* ------------------------------------------------------------------------ */

/*
 * RFC 9937 6.1: RecoverFS = SND.NXT - SND.UNA - (SACKed in the scoreboard)
 * + (newly SACKed) + (newly cumulatively acknowledged), at least 1.
 */
static u32 lens_prr_recover_fs(const struct lens_ack *ack)
{
	s64 fs = (s64)ack->flight_size - ack->sacked_out + ack->sacked +
		 ack->acked;

	return (u32)clamp_t(s64, fs, 1, U32_MAX);
}

/*
 * Proportional part, while inflight > ssthresh: SndCnt =
 * CEIL(prr_delivered * ssthresh / RecoverFS) - prr_out, the product in
 * 64 bits.
 */
static s64 lens_prr_proportional(const struct lens_cc *cc,
				 const struct lens_ack *ack)
{
	u32 fs = max_t(u32, cc->recover_fs, 1);
	u64 out = div_u64((u64)cc->prr_delivered * cc->ssthresh + fs - 1, fs);

	return (s64)out - ack->prr_out;
}

/*
 * RFC 9937 6.2: DeliveredData. Without SACK it is estimated from duplicate
 * ACKs, and a receiver sending extraneous ones could inflate it [Savage99]:
 * an episode then never counts more than RecoverFS as delivered.
 */
static u32 lens_prr_delivered_data(const struct lens_cc *cc,
				   const struct lens_ack *ack)
{
	if (!(ack->flags & LENS_ACK_NO_SACK))
		return ack->delivered;
	if (cc->prr_delivered >= cc->recover_fs)
		return 0;
	return min_t(u32, ack->delivered,
		     cc->recover_fs - cc->prr_delivered);
}

/*
 * Reduction bound, once inflight fell to ssthresh: PRR-CRB sends what was
 * delivered (packet conservation), PRR-SSRB one more on a SafeACK; neither
 * beyond ssthresh.
 */
static s64 lens_prr_reduction_bound(const struct lens_cc *cc,
				    const struct lens_ack *ack, u32 delivered)
{
	s64 sndcnt = max_t(s64, (s64)cc->prr_delivered - ack->prr_out,
			   delivered);

	if (ack->flags & LENS_ACK_SAFE)
		sndcnt += 1;
	return min_t(s64, (s64)cc->ssthresh - ack->pipe, sndcnt);
}

/*
 * RFC 9937 6.2, per ACK: count DeliveredData into prr_delivered, choose
 * SndCnt, force the fast retransmit on the first ACK, cwnd = inflight +
 * SndCnt. A negative SndCnt (more sent than the proportion allows) permits
 * no more sending than zero does, so it is taken as zero, as Linux does.
 */
static void lens_prr_on_ack(struct lens_cc *cc, const struct lens_ack *ack,
			    enum lens_reason why, struct lens_decision *d)
{
	u32 delivered = lens_prr_delivered_data(cc, ack);
	s64 sndcnt;

	if (!delivered)
		return;
	cc->prr_delivered = lens_add_sat(cc->prr_delivered, delivered);
	if (ack->pipe > cc->ssthresh)
		sndcnt = lens_prr_proportional(cc, ack);
	else
		sndcnt = lens_prr_reduction_bound(cc, ack, delivered);
	if (!ack->prr_out && !sndcnt)
		sndcnt = 1;
	lens_set_cwnd(cc, (u64)ack->pipe + max_t(s64, sndcnt, 0), why, d);
}

/*
 * The step of the event that starts (or, from CWR, joins) a reduction. An
 * ACK runs PRR's per-ACK step. The stack may also start one with no ACK:
 * the RACK reorder timer marks segments lost, local congestion enters CWR.
 * Nothing was delivered then, and PRR allows only the forced fast
 * retransmit: cwnd = inflight + 1 until the first ACK, never more than it
 * was, so that no burst leaves before the ACK clock speaks.
 */
static void lens_prr_first_step(struct lens_cc *cc, const struct lens_ack *ack,
				enum lens_reason why, struct lens_decision *d)
{
	if (lens_prr_delivered_data(cc, ack)) {
		lens_prr_on_ack(cc, ack, why, d);
		return;
	}
	lens_set_cwnd(cc, min_t(u64, cc->cwnd,
				(u64)ack->pipe + (ack->prr_out ? 0 : 1)), why, d);
}

/* RFC 9937 6.1: initialize the episode, then run its first step. */
static void lens_prr_start(struct lens_cc *cc, const struct lens_ack *ack,
			   enum lens_reason why, struct lens_decision *d)
{
	cc->flags |= LENS_F_PRR;
	cc->prr_delivered = 0;
	cc->recover_fs = lens_prr_recover_fs(ack);
	lens_prr_first_step(cc, ack, why, d);
}

/* ------------------------------------------------------------------------ */
/* Fast recovery and RTO episodes                                            */
/* ------------------------------------------------------------------------ */

/**
 * lens_ack_rules() - what an ACK's cumulative advance means
 * @ack: the ACK; acked and the SAFE and SUB_SMSS flags are set here
 * @una_bytes: bytes SND.UNA advanced by
 * @mss: SMSS in bytes (0 is taken as 1)
 * @losses: segments this ACK newly marked lost (0 without a rate sample)
 *
 * Segments acked count partial segments as whole ones (the stack's own
 * rounding of a byte advance). RFC 9937 SafeACK: SND.UNA advanced and no
 * new loss was detected. An advance of less than one SMSS is flagged for
 * RFC 6582's partial-ACK rule.
 */
void lens_ack_rules(struct lens_ack *ack, u32 una_bytes, u32 mss, s32 losses)
{
	mss = max_t(u32, mss, 1);
	ack->acked = lens_segs_acked(una_bytes, mss);
	ack->flags &= ~(LENS_ACK_SAFE | LENS_ACK_SUB_SMSS);
	if (una_bytes && losses <= 0)
		ack->flags |= LENS_ACK_SAFE;
	if (una_bytes && una_bytes < mss)
		ack->flags |= LENS_ACK_SUB_SMSS;
}

/**
 * lens_flight_size() - FlightSize for RFC 5681 eq. (4)
 * @packets_out: segments outstanding (SND.NXT - SND.UNA)
 * @cwnd: the window when the loss was detected
 *
 * Without what Limited Transmit sent (RFC 5681 3.2 step 2). Linux's
 * Limited Transmit is the Disorder state sending while SACKs shrink the
 * pipe below an unchanged cwnd, so the segments out beyond cwnd are
 * exactly those; outside Disorder packets_out does not exceed cwnd.
 *
 * Return: min(@packets_out, @cwnd).
 */
u32 lens_flight_size(u32 packets_out, u32 cwnd)
{
	return min(packets_out, cwnd);
}

/**
 * lens_loss_ssthresh() - RFC 5681 eq. (4) with beta for its 1/2
 * @flight_size: segments outstanding when the loss was detected, without
 *		 the segments Limited Transmit sent (RFC 5681 3.2 step 2)
 * @beta: percent of FlightSize kept; 50 is the RFC's 1/2 (rounded down)
 *
 * Return: the new ssthresh, max(FlightSize * beta, 2), in segments.
 */
u32 lens_loss_ssthresh(u32 flight_size, u32 beta)
{
	u64 keep = div_u64((u64)flight_size *
			   clamp_t(u32, beta, LENS_BETA_MIN, LENS_BETA_MAX), 100);

	return (u32)clamp_t(u64, keep, LENS_MIN_SSTHRESH,
			    LENS_INFINITE_SSTHRESH);
}

/*
 * A congestion response begins: it ends slow start, and the first one of an
 * episode keeps the window it cuts for lens_cc_undo().
 */
static void lens_begin_reduction(struct lens_cc *cc, struct lens_decision *d)
{
	bool hspp = lens_hspp_tracking(cc);

	if (lens_in_slow_start(cc))
		lens_end_slow_start(cc, LENS_SS_EXIT_LOSS, d);
	if (lens_reducing(cc))
		return;
	cc->prior_cwnd = cc->cwnd;
	cc->prior_ssthresh = cc->ssthresh;
	cc->flags |= LENS_F_UNDO;
	if (hspp)
		cc->flags |= LENS_F_UNDO_HSPP;
	else
		cc->flags &= ~LENS_F_UNDO_HSPP;
}

/**
 * lens_cc_enter_recovery() - the loss detector starts fast recovery
 * @cc: state
 * @p: parameters; p->recovery chooses NewReno or PRR for the episode
 * @loss_flight: FlightSize for RFC 5681 eq. (4), without Limited Transmit
 *		 segments (Linux's Reno uses the cwnd here)
 * @high_seq: the stack's recovery point (tp->high_seq): SND.NXT when this
 *	      reduction began, which is earlier when it began in CWR
 * @ack: the ACK that triggered recovery; with no ACK (the RACK reorder
 *	 timer) delivered is 0
 * @d: what happened
 *
 * ssthresh = max(loss_flight * beta, 2). NewReno sets cwnd = ssthresh + 3; PRR
 * initializes RecoverFS and runs its first step on @ack. Called during an
 * episode, it starts a new congestion response (RFC 9937 6.1) and keeps the
 * undo record of the first one. A loss found while CWR reduces the same
 * window is part of that response: the stack does not ask for a new
 * ssthresh then, and PRR goes on with the episode's counts.
 */
void lens_cc_enter_recovery(struct lens_cc *cc, const struct lens_params *p,
			    u32 loss_flight, u32 high_seq,
			    const struct lens_ack *ack, struct lens_decision *d)
{
	bool from_cwr = cc->phase == LENS_PHASE_CWR;

	lens_decision_begin(d, cc);
	lens_begin_reduction(cc, d);
	if (!from_cwr)
		lens_set_ssthresh(cc, lens_loss_ssthresh(loss_flight, p->beta),
				  LENS_REASON_RECOVERY_ENTER, d);
	cc->recovery_point = high_seq;
	cc->credit = 0;
	cc->flags &= ~LENS_F_RTO_SS;
	cc->phase = LENS_PHASE_RECOVERY;
	lens_stat_inc(&cc->stats.recoveries);
	if (p->recovery != LENS_RECOVERY_PRR)
		lens_newreno_start(cc, d);
	else if (from_cwr && (cc->flags & LENS_F_PRR))
		lens_prr_first_step(cc, ack, LENS_REASON_RECOVERY_ENTER, d);
	else
		lens_prr_start(cc, ack, LENS_REASON_RECOVERY_ENTER, d);
	lens_decision_end(d, cc);
}

/*
 * The full ACK (SND.UNA at or past the recovery point) ends the episode:
 * cwnd = ssthresh (RFC 6582 3.2 step 5 option 2, RFC 9937 6.4).
 */
static void lens_recovery_complete(struct lens_cc *cc, struct lens_decision *d)
{
	lens_set_cwnd(cc, cc->ssthresh, LENS_REASON_FULL_ACK, d);
	lens_stat_inc(&cc->stats.full_acks);
	cc->flags &= ~LENS_F_PRR;
	lens_resume_open_phase(cc);
	d->events |= LENS_EV_RECOVERY_EXIT;
}

/* An ACK during fast recovery. */
static void lens_recovery_on_ack(struct lens_cc *cc,
				 const struct lens_ack *ack,
				 struct lens_decision *d)
{
	bool partial = ack->acked > 0;

	if (!tcplens_seq_before(ack->snd_una, cc->recovery_point)) {
		lens_recovery_complete(cc, d);
		return;
	}
	if (partial) {
		lens_stat_inc(&cc->stats.partial_acks);
		d->events |= LENS_EV_PARTIAL_ACK;
	}
	if (cc->flags & LENS_F_PRR)
		lens_prr_on_ack(cc, ack, partial ? LENS_REASON_PARTIAL_ACK :
			       LENS_REASON_RECOVERY_ACK, d);
	else if (partial)
		lens_newreno_partial_ack(cc, ack, d);
	else
		lens_newreno_inflate(cc, ack, d);
}

/**
 * lens_cc_on_rto() - the retransmission timer expired
 * @cc: state
 * @p: parameters (beta)
 * @loss_flight: FlightSize for RFC 5681 eq. (4)
 * @snd_nxt: SND.NXT; the episode ends when SND.UNA reaches it
 * @d: what happened
 *
 * RFC 5681 3.1: ssthresh = max(FlightSize * beta, 2) and cwnd = 1. A repeated
 * timeout of the same episode holds ssthresh; one during fast recovery or
 * CWR keeps the lower of the two thresholds. The slow start that follows
 * uses ABC's L = 1 (RFC 3465 2.3).
 */
void lens_cc_on_rto(struct lens_cc *cc, const struct lens_params *p,
		    u32 loss_flight, u32 snd_nxt, struct lens_decision *d)
{
	lens_decision_begin(d, cc);
	if (cc->phase != LENS_PHASE_LOSS) {
		u32 ssthresh = lens_loss_ssthresh(loss_flight, p->beta);

		if (lens_reducing(cc))
			ssthresh = min_t(u32, ssthresh, cc->ssthresh);
		lens_begin_reduction(cc, d);
		lens_set_ssthresh(cc, ssthresh, LENS_REASON_RTO, d);
	}
	lens_set_cwnd(cc, LENS_LOSS_WINDOW, LENS_REASON_RTO, d);
	cc->recovery_point = snd_nxt;
	cc->credit = 0;
	cc->flags &= ~LENS_F_PRR;
	cc->flags |= LENS_F_RTO_SS;
	cc->phase = LENS_PHASE_LOSS;
	lens_stat_inc(&cc->stats.rtos);
	lens_decision_end(d, cc);
}

/* An ACK after an RTO: slow start, until the RTO's SND.NXT is acked. */
static void lens_loss_on_ack(struct lens_cc *cc, const struct lens_params *p,
			     const struct lens_ack *ack,
			     struct lens_decision *d)
{
	if (!tcplens_seq_before(ack->snd_una, cc->recovery_point)) {
		lens_resume_open_phase(cc);
		d->events |= LENS_EV_LOSS_EXIT;
	}
	if (ack->acked && (ack->flags & LENS_ACK_CWND_LIMITED))
		lens_grow(cc, p, ack->acked, d);
}

/**
 * lens_cc_on_cwr() - congestion without a retransmission to make
 * @cc: state
 * @p: parameters (beta)
 * @loss_flight: FlightSize for RFC 5681 eq. (4), as for a loss
 * @high_seq: SND.NXT now (the stack's high_seq); the reduction lasts until
 *	      SND.UNA passes it, so there is at most one per window of data
 *	      (RFC 3168 6.1.2)
 * @ece: the peer echoed Congestion Experienced (RFC 3168); otherwise the
 *	 stack saw local congestion (its qdisc refused a segment) or a tail
 *	 loss probe repaired a loss (RFC 8985 7.4)
 * @ack: the ACK being processed; from the transmit path delivered is 0
 * @d: what happened
 *
 * RFC 3168 6.1.2 reacts to ECN "as to a dropped packet": ssthresh =
 * max(FlightSize * beta, 2), with RFC 8511's milder beta_ecn for an
 * ECN-Echo, and PRR (RFC 9937, which covers any reduction) brings cwnd
 * down to it over the window, never raising it. Ignored during another
 * reduction, which already cut this window. Congestion is proven: no undo
 * past it.
 */
void lens_cc_on_cwr(struct lens_cc *cc, const struct lens_params *p,
		    u32 loss_flight, u32 high_seq, bool ece,
		    const struct lens_ack *ack, struct lens_decision *d)
{
	enum lens_reason reason = ece ? LENS_REASON_ECN : LENS_REASON_CWR;

	lens_decision_begin(d, cc);
	if (lens_reducing(cc)) {
		d->events |= LENS_EV_CWR_IGNORED;
		lens_decision_end(d, cc);
		return;
	}
	if (lens_in_slow_start(cc))
		lens_end_slow_start(cc, LENS_SS_EXIT_LOSS, d);
	lens_set_ssthresh(cc, lens_loss_ssthresh(loss_flight,
						 ece ? p->beta_ecn : p->beta),
			  reason, d);
	cc->recovery_point = high_seq;
	cc->credit = 0;
	cc->flags &= ~(LENS_F_UNDO | LENS_F_RTO_SS);
	cc->phase = LENS_PHASE_CWR;
	lens_stat_inc(ece ? &cc->stats.ecn_reductions :
		      &cc->stats.cwr_reductions);
	lens_prr_start(cc, ack, reason, d);
	lens_decision_end(d, cc);
}

/* The CWR window is acknowledged: cwnd = ssthresh, as after recovery. */
static void lens_cwr_complete(struct lens_cc *cc, struct lens_decision *d)
{
	lens_set_cwnd(cc, cc->ssthresh, LENS_REASON_CWR_DONE, d);
	cc->flags &= ~LENS_F_PRR;
	lens_resume_open_phase(cc);
}

/**
 * lens_cc_cwr_done() - the stack left CWR
 * @cc: state
 * @d: what happened
 *
 * The stack ends CWR once SND.UNA passed the reduction's high_seq, or at
 * once after a TLP-repaired loss: cwnd = ssthresh (tcp_end_cwnd_reduction()
 * does the same for other congestion controls). Nothing happens unless a
 * CWR reduction is in progress.
 */
void lens_cc_cwr_done(struct lens_cc *cc, struct lens_decision *d)
{
	lens_decision_begin(d, cc);
	if (cc->phase == LENS_PHASE_CWR)
		lens_cwr_complete(cc, d);
	lens_decision_end(d, cc);
}

/* An ACK during CWR: a PRR step, or the end once the window is acked. */
static void lens_cwr_on_ack(struct lens_cc *cc, const struct lens_ack *ack,
			    struct lens_decision *d)
{
	if (tcplens_seq_after(ack->snd_una, cc->recovery_point))
		lens_cwr_complete(cc, d);
	else
		lens_prr_on_ack(cc, ack, LENS_REASON_CWR_ACK, d);
}

/**
 * lens_cc_restart_after_idle() - the sender starts again after an idle time
 * @cc: state
 * @idle_rtos: whole RTOs the connection sat idle, counted as Linux does:
 *	       the number of k >= 1 with k * RTO < idle time (0: no restart)
 * @init_cwnd: the initial window IW; the restart window RW = min(IW, cwnd)
 * @d: what happened
 *
 * RFC 5681 4.1: a window not used for longer than an RTO no longer says what
 * the path holds. ssthresh = max(ssthresh, 3/4 cwnd), then cwnd halves once
 * per idle RTO but not below RW (RFC 2861's decay, which Linux applies to
 * every other congestion control), and slow start climbs back towards the
 * old window.
 */
void lens_cc_restart_after_idle(struct lens_cc *cc, u32 idle_rtos,
				u32 init_cwnd, struct lens_decision *d)
{
	u32 rw, cwnd;

	lens_decision_begin(d, cc);
	if (!idle_rtos || lens_reducing(cc)) {
		lens_decision_end(d, cc);
		return;
	}
	rw = min_t(u32, max_t(u32, init_cwnd, LENS_LOSS_WINDOW), cc->cwnd);
	lens_set_ssthresh(cc, lens_current_ssthresh(cc), LENS_REASON_IDLE, d);
	cwnd = cc->cwnd;
	while (idle_rtos-- && cwnd > rw)
		cwnd >>= 1;
	lens_set_cwnd(cc, max_t(u32, cwnd, rw), LENS_REASON_IDLE, d);
	if (lens_in_slow_start(cc))
		cc->flags |= LENS_F_HSPP_DONE;
	lens_resume_open_phase(cc);
	lens_stat_inc(&cc->stats.idle_restarts);
	lens_decision_end(d, cc);
}

/**
 * lens_cc_app_limited() - the application left cwnd unused for an RTO
 * @cc: state
 * @used: the most the sender had in flight meanwhile (tp->snd_cwnd_used)
 * @init_cwnd: the initial window; the window is never cut below it
 * @d: what happened
 *
 * RFC 2861 4.3, as tcp_cwnd_application_limited() applies it: with
 * W_used = max(used, IW) below cwnd, ssthresh = max(ssthresh, 3/4 cwnd) and
 * cwnd = (cwnd + W_used) / 2. Growth already stops while the sender is not
 * cwnd-limited (RFC 7661's rule); this takes back what was never tested.
 */
void lens_cc_app_limited(struct lens_cc *cc, u32 used, u32 init_cwnd,
			 struct lens_decision *d)
{
	u32 win_used = max_t(u32, used, init_cwnd);

	lens_decision_begin(d, cc);
	if (!lens_reducing(cc) && win_used < cc->cwnd) {
		lens_set_ssthresh(cc, lens_current_ssthresh(cc),
				  LENS_REASON_APP_LIMITED, d);
		lens_set_cwnd(cc, ((u64)cc->cwnd + win_used) / 2,
			      LENS_REASON_APP_LIMITED, d);
		if (lens_in_slow_start(cc))
			cc->flags |= LENS_F_HSPP_DONE;
		lens_resume_open_phase(cc);
		lens_stat_inc(&cc->stats.app_limited);
	}
	lens_decision_end(d, cc);
}

/**
 * lens_cc_undo() - undo a reduction found spurious (DSACK, F-RTO, ...)
 * @cc: state
 * @d: what happened
 *
 * Restores the window and threshold recorded when the episode began:
 * ssthresh = max(ssthresh, prior), cwnd = max(cwnd, prior), where cwnd is
 * the deflated window in NewReno recovery. Keeping the larger of the two,
 * like tcp_reno_undo_cwnd(), keeps growth earned since the cut. A cut that
 * ended the initial slow start gives it back with HyStart++ watching
 * rounds again (in SS: a CSS is not resumed), so that the slow start that
 * follows still has its exit; otherwise it would run with neither
 * HyStart++ nor a finite ssthresh until the buffer overflows. The record
 * is used once; without one (none taken, already used, or a CWR cut since)
 * nothing changes.
 *
 * Return: the window to set, Linux convention.
 */
u32 lens_cc_undo(struct lens_cc *cc, struct lens_decision *d)
{
	lens_decision_begin(d, cc);
	if (cc->flags & LENS_F_UNDO) {
		u32 cwnd = cc->cwnd;

		if (lens_newreno_recovery(cc))
			cwnd = min_t(u32, cwnd, cc->ssthresh);
		lens_set_ssthresh(cc, max_t(u32, cc->ssthresh,
					    cc->prior_ssthresh),
				  LENS_REASON_UNDO, d);
		lens_set_cwnd(cc, max_t(u32, cwnd, cc->prior_cwnd),
			      LENS_REASON_UNDO, d);
		if (cc->flags & LENS_F_UNDO_HSPP)
			cc->flags &= ~LENS_F_HSPP_DONE;
		cc->flags &= ~(LENS_F_UNDO | LENS_F_UNDO_HSPP | LENS_F_PRR |
			       LENS_F_RTO_SS);
		lens_resume_open_phase(cc);
		lens_stat_inc(&cc->stats.undos);
	}
	lens_decision_end(d, cc);
	return cc->cwnd;
}

/* ------------------------------------------------------------------------ */
/* The per-ACK step                                                          */
/* ------------------------------------------------------------------------ */

/* An ACK in SS, CSS or CA: rounds, growth, then HyStart++'s checks. */
static void lens_open_on_ack(struct lens_cc *cc, const struct lens_params *p,
			     const struct lens_ack *ack,
			     struct lens_decision *d)
{
	if (lens_hspp_tracking(cc)) {
		if (cc->phase == LENS_PHASE_CSS && !p->hystart)
			cc->phase = LENS_PHASE_SS;
		lens_hspp_round_check(cc, p, ack, d);
	}
	if (ack->acked && (ack->flags & LENS_ACK_CWND_LIMITED))
		lens_grow(cc, p, ack->acked, d);
	if (lens_hspp_tracking(cc)) {
		lens_hspp_take_samples(cc, p, ack, d);
		if (p->hystart)
			lens_hspp_check(cc, p, ack, d);
	}
}

/**
 * lens_cc_on_ack() - the congestion step of one ACK
 * @cc: state
 * @p: parameters
 * @ack: what the ACK told the sender
 * @d: what happened
 *
 * Slow start, CSS or congestion avoidance grow the window (ACKs that advance
 * SND.UNA, sender cwnd-limited) and run HyStart++; in fast recovery the ACK
 * is a duplicate, partial or full ACK for NewReno or PRR; after an RTO it
 * slow-starts until the episode is over. The glue calls it for every ACK
 * after the stack updated its scoreboard, and lens_cc_enter_recovery()
 * instead for the ACK that starts fast recovery.
 */
void lens_cc_on_ack(struct lens_cc *cc, const struct lens_params *p,
		    const struct lens_ack *ack, struct lens_decision *d)
{
	lens_decision_begin(d, cc);
	switch (cc->phase) {
	case LENS_PHASE_RECOVERY:
		lens_recovery_on_ack(cc, ack, d);
		break;
	case LENS_PHASE_CWR:
		lens_cwr_on_ack(cc, ack, d);
		break;
	case LENS_PHASE_LOSS:
		lens_loss_on_ack(cc, p, ack, d);
		break;
	default:
		lens_open_on_ack(cc, p, ack, d);
		break;
	}
	lens_decision_end(d, cc);
}

/* ------------------------------------------------------------------------ */
/* Translations for the glue                                                 */
/* ------------------------------------------------------------------------ */

/**
 * lens_cc_linux_cwnd() - the window to write into tp->snd_cwnd
 * @cc: state
 * @flight_size: FlightSize, SND.NXT - SND.UNA in segments (packets_out)
 * @sacked_out: segments SACKed or counted by duplicate ACKs (sacked_out)
 *
 * Return: cc->cwnd, translated by lens_newreno_linux_cwnd() during NewReno
 * recovery (the only time it is in the RFC's convention).
 */
u32 lens_cc_linux_cwnd(const struct lens_cc *cc, u32 flight_size,
		       u32 sacked_out)
{
	if (lens_newreno_recovery(cc))
		return lens_newreno_linux_cwnd(cc->cwnd, flight_size,
					       sacked_out);
	return cc->cwnd;
}

/*
 * lens_pacing_rate()'s general case: cwnd * mss past 32 bits (or no RTT,
 * or a gain past 429496%). The division is split into quotient and
 * remainder so that no intermediate overflows; a result past U64_MAX
 * saturates.
 */
u64 lens_pacing_rate_wide(u32 cwnd, u32 mss, u32 srtt_us, u32 pct)
{
	u32 scale = min_t(u32, pct, LENS_PACING_PCT_MAX) * (1000000 / 100);
	u64 bytes = (u64)max_t(u32, cwnd, 1) * mss;
	u64 q, r, frac;

	if (!srtt_us)
		return U64_MAX;
	if (!scale)
		return 0;
	q = div_u64(bytes, srtt_us);
	r = bytes - q * srtt_us;
	if (q > div_u64(U64_MAX, scale))
		return U64_MAX;
	frac = div_u64(r * scale, srtt_us);	/* r < srtt_us: no overflow */
	if (q * scale > U64_MAX - frac)
		return U64_MAX;
	return q * scale + frac;
}

/* ------------------------------------------------------------------------ */
/* Names                                                                     */
/* ------------------------------------------------------------------------ */

static const char * const lens_phase_names[LENS_PHASE_NR] = {
	[LENS_PHASE_SS]		= "ss",
	[LENS_PHASE_CSS]	= "css",
	[LENS_PHASE_CA]		= "ca",
	[LENS_PHASE_RECOVERY]	= "recovery",
	[LENS_PHASE_LOSS]	= "loss",
	[LENS_PHASE_CWR]	= "cwr",
};

static const char * const lens_reason_names[LENS_REASON_NR] = {
	[LENS_REASON_SS]		= "ss",
	[LENS_REASON_CSS]		= "css",
	[LENS_REASON_CA]		= "ca",
	[LENS_REASON_RECOVERY_ENTER]	= "recovery_enter",
	[LENS_REASON_RECOVERY_ACK]	= "recovery_ack",
	[LENS_REASON_PARTIAL_ACK]	= "partial_ack",
	[LENS_REASON_FULL_ACK]		= "full_ack",
	[LENS_REASON_RTO]		= "rto",
	[LENS_REASON_UNDO]		= "undo",
	[LENS_REASON_ECN]		= "ecn",
	[LENS_REASON_CWR]		= "cwr",
	[LENS_REASON_CWR_ACK]		= "cwr_ack",
	[LENS_REASON_CWR_DONE]		= "cwr_done",
	[LENS_REASON_IDLE]		= "idle_restart",
	[LENS_REASON_APP_LIMITED]	= "app_limited",
	[LENS_REASON_CSS_RISE]		= "css_rise",
};

static const char * const lens_ss_exit_names[LENS_SS_EXIT_NR] = {
	[LENS_SS_EXIT_NONE]		= "none",
	[LENS_SS_EXIT_SSTHRESH]		= "ssthresh",
	[LENS_SS_EXIT_HYSTART_DELAY]	= "hystart_delay",
	[LENS_SS_EXIT_CSS]		= "css",
	[LENS_SS_EXIT_LOSS]		= "loss",
	[LENS_SS_EXIT_CSS_RISE]		= "css_rise",
	[LENS_SS_EXIT_HYSTART_BLOCK]	= "hystart_block",
};

static const char * const lens_recovery_mode_names[LENS_RECOVERY_NR] = {
	[LENS_RECOVERY_NEWRENO]	= "newreno",
	[LENS_RECOVERY_PRR]	= "prr",
};

/* names[i] if @i is within the table and the entry exists, else "unknown". */
static const char *lens_name(const char * const *names, u32 nr, u32 i)
{
	return i < nr && names[i] ? names[i] : "unknown";
}

/**
 * lens_phase_name() - name of a phase
 * @phase: enum lens_phase
 *
 * Return: a static string, "unknown" when out of range.
 */
const char *lens_phase_name(enum lens_phase phase)
{
	return lens_name(lens_phase_names, LENS_PHASE_NR, phase);
}

/**
 * lens_reason_name() - name of a reason
 * @reason: enum lens_reason
 *
 * Return: a static string, "unknown" when out of range.
 */
const char *lens_reason_name(enum lens_reason reason)
{
	return lens_name(lens_reason_names, LENS_REASON_NR, reason);
}

/**
 * lens_ss_exit_name() - name of a slow-start exit
 * @exit: enum lens_ss_exit
 *
 * Return: a static string, "unknown" when out of range.
 */
const char *lens_ss_exit_name(enum lens_ss_exit exit)
{
	return lens_name(lens_ss_exit_names, LENS_SS_EXIT_NR, exit);
}

/**
 * lens_recovery_mode_name() - name of a recovery mode
 * @mode: enum lens_recovery_mode
 *
 * Return: a static string, "unknown" when out of range.
 */
const char *lens_recovery_mode_name(enum lens_recovery_mode mode)
{
	return lens_name(lens_recovery_mode_names, LENS_RECOVERY_NR, mode);
}
