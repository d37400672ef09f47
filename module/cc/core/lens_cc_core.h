/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lens_cc_core.h - the pure congestion-control core of tcp_lens ("lens").
 *
 * Plain C on top of tcplens_pure.h: no struct sock, no locking, no clock.
 * The kernel glue snapshots what an ACK told the stack into a struct lens_ack,
 * calls the core, and copies cwnd and ssthresh back into the socket; KUnit
 * and the host tests call the very same functions. Windows are counted in
 * segments (one SMSS = 1), times in microseconds, and sequence numbers are
 * TCP's own, compared wrap-safely. The model is described at the top of
 * module/cc/core/lens_cc_core.c.
 *
 * Every entry point that may move cwnd or ssthresh fills a struct
 * lens_decision saying which RFC step moved them and why, so that the glue
 * can count and trace each change.
 *
 * From struct tcp_congestion_ops:
 *   init          lens_cc_init()
 *   cong_control  lens_cc_ack_quick(), or if it refuses the ACK
 *                 lens_cc_rtt_sample() (the rate sample's RTT),
 *                 lens_cc_sync(), lens_cc_on_ack(), tp->snd_cwnd =
 *                 lens_cc_linux_cwnd(), tp->snd_ssthresh = cc->ssthresh;
 *                 then sk_pacing_rate = lens_pacing_rate()
 *   ssthresh      lens_loss_ssthresh()
 *   set_state     Recovery: lens_cc_enter_recovery(); Loss:
 *                 lens_cc_on_rto(); CWR: lens_cc_on_cwr(); CWR to Open
 *                 or Disorder: lens_cc_cwr_done()
 *   undo_cwnd     lens_cc_undo()
 *   cwnd_event    TX_START after an idle period: lens_cc_restart_after_idle()
 *   (ACK path)    an application-limited RTO: lens_cc_app_limited()
 */
#ifndef _LENS_CC_CORE_H
#define _LENS_CC_CORE_H

#include "tcplens_pure.h"

/* Bytes of ICSK_CA_PRIV_SIZE left to the core once the glue took its part. */
#define LENS_CC_STATE_MAX		80

/* Windows, in segments. */
#define LENS_INFINITE_SSTHRESH		0x7fffffffU	/* TCP_INFINITE_SSTHRESH */
#define LENS_CWND_MAX			LENS_INFINITE_SSTHRESH	/* saturation */
#define LENS_MIN_SSTHRESH		2	/* RFC 5681 eq. (4): 2*SMSS */
#define LENS_LOSS_WINDOW		1	/* RFC 5681 3.1: cwnd after an RTO */
#define LENS_DUPTHRESH			3	/* RFC 5681 3.2: fast retransmit */

/* "No RTT sample yet" for every HyStart++ RTT field (RFC 9406 infinity). */
#define LENS_RTT_NONE			U32_MAX

/*
 * Module parameter ranges. A value outside [MIN, MAX] is refused by
 * lens_params_check() with -EINVAL.
 */
/*
 * ABC limit L, segments per ACK. RFC 3465 allows 2; RFC 9406 4.3 asks for 8
 * when not paced (and no limit when paced), because receivers and GRO
 * acknowledge many segments at once: with 16-segment ACKs, five rounds from
 * cwnd 10 reach 22 with L = 2 and 104 with L = 8.
 */
#define LENS_ABC_LIMIT_DEFAULT		8
#define LENS_ABC_LIMIT_MIN		0	/* 0: no limit (RFC 9406, paced) */
#define LENS_ABC_LIMIT_MAX		8
/* HyStart++ (RFC 9406 4.3) constants: defaults and accepted ranges. */
#define LENS_HSPP_MIN_RTT_THRESH_US	4000	/* MIN_RTT_THRESH, 4 ms */
#define LENS_HSPP_MAX_RTT_THRESH_US	16000	/* MAX_RTT_THRESH, 16 ms */
#define LENS_HSPP_RTT_THRESH_MIN_US	1	/* range of both thresholds */
#define LENS_HSPP_RTT_THRESH_MAX_US	1000000
#define LENS_HSPP_MIN_RTT_DIVISOR	8	/* MIN_RTT_DIVISOR */
#define LENS_HSPP_MIN_RTT_DIVISOR_MIN	1
#define LENS_HSPP_MIN_RTT_DIVISOR_MAX	64
#define LENS_HSPP_N_RTT_SAMPLE		8	/* N_RTT_SAMPLE */
#define LENS_HSPP_N_RTT_SAMPLE_MIN	1
#define LENS_HSPP_N_RTT_SAMPLE_MAX	255	/* lens_cc.rtt_samples is a u8 */
#define LENS_HSPP_CSS_GROWTH_DIVISOR	4	/* CSS_GROWTH_DIVISOR */
#define LENS_HSPP_CSS_GROWTH_DIVISOR_MIN 2	/* RFC 9406: MUST be >= 2 */
#define LENS_HSPP_CSS_GROWTH_DIVISOR_MAX 64
#define LENS_HSPP_CSS_ROUNDS		5	/* CSS_ROUNDS */
#define LENS_HSPP_CSS_ROUNDS_MIN	1
#define LENS_HSPP_CSS_ROUNDS_MAX	255	/* lens_cc.css_rounds is a u8 */
/*
 * Most the ACK-aggregation allowance adds to RttThresh, us: GSO on the
 * sender and GRO on the receiver delay ACKs by up to a few GSO packets'
 * time on the wire, more so as the window (and so the GSO size) grows
 * during slow start; tcp_cubic allows the same for its ACK trains.
 */
#define LENS_HSPP_ACK_DELAY_MAX_US	1000
/*
 * Multiplicative decrease beta, percent of FlightSize kept by a congestion
 * signal: RFC 5681's 50, or up to 90. Congestion avoidance then adds
 * alpha = 3 (1 - beta) / (1 + beta) segments per RTT (RFC 9438 4.3), the
 * AIMD pair that matches Reno's throughput at any loss rate: 1 for 50,
 * 0.53 for 70. 70 by default (CUBIC's beta and its Reno-friendly alpha):
 * a cut then leaves less of a shallow buffer unused.
 */
#define LENS_BETA_DEFAULT		70
#define LENS_BETA_MIN			50
#define LENS_BETA_MAX			90
/*
 * beta for an ECN-Echo (RFC 8511 ABE): a CE mark says an AQM keeps the
 * queue short, so the response may be milder than to a loss; RFC 8511
 * recommends 0.8 for Reno-like senders. Same range as beta.
 */
#define LENS_BETA_ECN_DEFAULT		80
/* Initial ssthresh: 0 means "arbitrarily high" (RFC 5681 3.1). */
#define LENS_INIT_SSTHRESH_MIN		LENS_MIN_SSTHRESH
#define LENS_INIT_SSTHRESH_MAX		LENS_INFINITE_SSTHRESH

/* Pacing gains, percent: the defaults of net.ipv4.tcp_pacing_{ss,ca}_ratio. */
#define LENS_PACING_SS_PERCENT		200
#define LENS_PACING_CA_PERCENT		120

/* How fast recovery sets cwnd. */
enum lens_recovery_mode {
	LENS_RECOVERY_NEWRENO,	/* RFC 5681 3.2 + RFC 6582 window inflation */
	LENS_RECOVERY_PRR,	/* RFC 9937 Proportional Rate Reduction */
	LENS_RECOVERY_NR,
};

/*
 * A snapshot of the module parameters, passed to every call. All fields are
 * u32 so that one setter can validate any of them through lens_params_check()
 * on a modified copy before publishing it.
 */
struct lens_params {
	u32 abc_limit;			/* ABC L, segments per ACK; 0: none */
	u32 hystart;			/* 1: HyStart++ in the initial SS */
	u32 hspp_min_rtt_thresh_us;	/* MIN_RTT_THRESH */
	u32 hspp_max_rtt_thresh_us;	/* MAX_RTT_THRESH, >= MIN_RTT_THRESH */
	u32 hspp_min_rtt_divisor;	/* MIN_RTT_DIVISOR */
	u32 hspp_n_rtt_sample;		/* N_RTT_SAMPLE */
	u32 hspp_css_growth_divisor;	/* CSS_GROWTH_DIVISOR */
	u32 hspp_css_rounds;		/* CSS_ROUNDS */
	u32 hspp_ack_delay;		/* 1: RttThresh + lens_ack.agg_us */
	u32 hspp_cwnd_limited;		/* 1: samples only while cwnd-limited */
	u32 hspp_css_rise;		/* 1: a second rise in CSS ends it */
	u32 hspp_block;			/* 1: each block of N_RTT_SAMPLE samples
					 * is checked against the round floor
					 */
	u32 recovery;			/* enum lens_recovery_mode */
	u32 initial_ssthresh;		/* segments; 0: infinite */
	u32 beta;			/* multiplicative decrease, percent */
	u32 beta_ecn;			/* ... for an ECN-Echo (RFC 8511) */
	u32 pacing;			/* 1: ask the stack to pace (no fq needed) */
};

/*
 * The default parameters, as an initializer (the module needs them before
 * its init runs, when module parameters are parsed). PRR is the default
 * recovery: with the same ssthresh, RFC 9937 keeps the ACK clock running
 * through recovery and leaves it with cwnd at ssthresh, where NewReno sends
 * nothing for half a window and then bursts. Goodput does not decide it:
 * under 1% random loss on scripts/bench's path the two are level (3.28 vs
 * 3.24 Mbit/s, median of 3), so the smoother sending pattern does.
 * Pacing is on and beta is 0.7: unpaced, lens (like reno and cubic) sends
 * line-rate bursts that overflow shallow buffers, and a cut by half leaves
 * them idle. On the paths of BENCHMARKS.md (median of 3) the pair took a
 * 0.1 BDP buffer from 4.1 to 25.5 Mbit/s and a 0.2 BDP one from 30.1 to
 * 42.5, with no cell worse. Its fairness to reno rests on RFC 9438's
 * argument until the benchmark measures it.
 */
#define LENS_PARAMS_DEFAULT {						\
	.abc_limit = LENS_ABC_LIMIT_DEFAULT,				\
	.hystart = 1,							\
	.hspp_min_rtt_thresh_us = LENS_HSPP_MIN_RTT_THRESH_US,		\
	.hspp_max_rtt_thresh_us = LENS_HSPP_MAX_RTT_THRESH_US,		\
	.hspp_min_rtt_divisor = LENS_HSPP_MIN_RTT_DIVISOR,		\
	.hspp_n_rtt_sample = LENS_HSPP_N_RTT_SAMPLE,			\
	.hspp_css_growth_divisor = LENS_HSPP_CSS_GROWTH_DIVISOR,	\
	.hspp_css_rounds = LENS_HSPP_CSS_ROUNDS,			\
	.hspp_ack_delay = 1,						\
	.hspp_cwnd_limited = 1,						\
	.hspp_css_rise = 1,						\
	.hspp_block = 1,						\
	.recovery = LENS_RECOVERY_PRR,					\
	.initial_ssthresh = 0,						\
	.beta = LENS_BETA_DEFAULT,					\
	.beta_ecn = LENS_BETA_ECN_DEFAULT,				\
	.pacing = 1,							\
}

/* Where the connection is. Stored in lens_cc.phase. */
enum lens_phase {
	LENS_PHASE_SS,		/* slow start, RFC 5681 3.1 with RFC 3465 ABC */
	LENS_PHASE_CSS,		/* HyStart++ Conservative Slow Start */
	LENS_PHASE_CA,		/* congestion avoidance */
	LENS_PHASE_RECOVERY,	/* fast recovery, NewReno or PRR */
	LENS_PHASE_LOSS,	/* after an RTO until its SND.NXT is acked */
	LENS_PHASE_CWR,		/* PRR reduction without retransmission: ECN,
				 * local congestion, a TLP-repaired loss
				 */
	LENS_PHASE_NR,
};

/* Why cwnd or ssthresh changed: exactly one per change. */
enum lens_reason {
	LENS_REASON_SS,			/* slow-start growth */
	LENS_REASON_CSS,		/* CSS growth, or CSS done: ssthresh */
	LENS_REASON_CA,			/* congestion-avoidance growth */
	LENS_REASON_RECOVERY_ENTER,	/* ssthresh cut, recovery window */
	LENS_REASON_RECOVERY_ACK,	/* dup ACK/SACK in recovery */
	LENS_REASON_PARTIAL_ACK,	/* RFC 6582 partial ACK */
	LENS_REASON_FULL_ACK,		/* recovery done: cwnd = ssthresh */
	LENS_REASON_RTO,		/* retransmission timeout */
	LENS_REASON_UNDO,		/* spurious reduction undone */
	LENS_REASON_ECN,		/* ECN-Echo: once per window */
	LENS_REASON_CWR,		/* other CWR: local congestion, TLP */
	LENS_REASON_CWR_ACK,		/* PRR step of a CWR reduction */
	LENS_REASON_CWR_DONE,		/* CWR over: cwnd = ssthresh */
	LENS_REASON_IDLE,		/* restart after idle, RFC 5681 4.1 */
	LENS_REASON_APP_LIMITED,	/* cwnd validation, RFC 2861 */
	LENS_REASON_CSS_RISE,		/* CSS saw a second rise: ssthresh */
	LENS_REASON_NR,
};

#define LENS_REASON_BIT(r)	((u16)(1U << (r)))

/* How slow start (SS and CSS) ended, if it did. */
enum lens_ss_exit {
	LENS_SS_EXIT_NONE,
	LENS_SS_EXIT_SSTHRESH,		/* cwnd reached ssthresh */
	LENS_SS_EXIT_HYSTART_DELAY,	/* HyStart++ RTT rise: SS -> CSS */
	LENS_SS_EXIT_CSS,		/* CSS_ROUNDS done: CSS -> CA */
	LENS_SS_EXIT_LOSS,		/* congestion signal: loss, RTO, ECN */
	LENS_SS_EXIT_CSS_RISE,		/* CSS saw a second rise: CSS -> CA */
	LENS_SS_EXIT_HYSTART_BLOCK,	/* a block of samples rose: SS -> CSS */
	LENS_SS_EXIT_NR,
};

/* lens_decision.events: what happened besides cwnd/ssthresh changes. */
#define LENS_EV_ROUND		0x01	/* a HyStart++ round began */
#define LENS_EV_CSS_SPURIOUS	0x02	/* CSS judged the SS exit spurious */
#define LENS_EV_RECOVERY_EXIT	0x04	/* fast recovery completed */
#define LENS_EV_LOSS_EXIT	0x08	/* the RTO episode completed */
#define LENS_EV_CWR_IGNORED	0x10	/* CWR in an already cut window */
#define LENS_EV_PARTIAL_ACK	0x20	/* a partial ACK in fast recovery */
#define LENS_EV_HSPP_AGG_HELD	0x40	/* a rise >= RttThresh stayed within
					 * the ACK-aggregation allowance
					 */
#define LENS_EV_HSPP_NOT_LIMITED 0x80	/* RTT samples set aside: the ACK
					 * came while not cwnd-limited
					 */

/*
 * What one call did. Every entry point that takes one fills it completely
 * (the caller need not clear it).
 */
struct lens_decision {
	u32 cwnd_in;		/* cwnd before the call */
	u32 ssthresh_in;	/* ssthresh before the call */
	u16 reasons;		/* LENS_REASON_BIT()s of the steps that moved them */
	u8 reason;		/* the last of them; if none, the reason of a
				 * change of phase; else LENS_REASON_NR
				 */
	u8 events;		/* LENS_EV_* */
	u8 ss_exit;		/* enum lens_ss_exit */
	u8 phase_in;		/* enum lens_phase before the call */
	u8 phase_out;		/* enum lens_phase after the call */
};

/* lens_ack.flags */
#define LENS_ACK_SAFE		0x01	/* RFC 9937 SafeACK */
#define LENS_ACK_CWND_LIMITED	0x02	/* the sender used its whole cwnd */
#define LENS_ACK_NO_SACK	0x04	/* no SACK: delivered is an estimate */
#define LENS_ACK_SUB_SMSS	0x08	/* SND.UNA advanced by less than one
					 * SMSS (acked rounds it up to 1)
					 */

/*
 * What an ACK told the sender, in segments. The glue fills it after the
 * stack processed the ACK (scoreboard and loss marking updated). Without
 * SACK, delivered is RFC 9937's estimate: 1 per duplicate ACK, and on an
 * ACK that advances SND.UNA the advance less the duplicate ACKs already
 * counted; LENS_ACK_NO_SACK then caps an episode's total at RecoverFS.
 */
struct lens_ack {
	u32 snd_una;		/* SND.UNA after this ACK */
	u32 snd_nxt;		/* SND.NXT */
	u32 acked;		/* newly cumulatively acked (SND.UNA advance) */
	u32 sacked;		/* newly SACKed; without SACK 1 per dup ACK */
	u32 delivered;		/* RFC 9937 DeliveredData */
	u32 flight_size;	/* SND.NXT - SND.UNA (tp->packets_out) */
	u32 sacked_out;		/* SACKed in the scoreboard, after this ACK */
	u32 pipe;		/* inflight estimate, tcp_packets_in_flight() */
	u32 prr_out;		/* sent since the reduction episode began */
	u32 agg_us;		/* HyStart++ allowance for ACK aggregation,
				 * us, <= LENS_HSPP_ACK_DELAY_MAX_US
				 */
	u32 flags;		/* LENS_ACK_* */
};

/* Per-connection event counters; they saturate at U16_MAX. */
struct lens_cc_stats {
	u16 recoveries;		/* fast recovery episodes begun */
	u16 partial_acks;	/* partial ACKs in recovery */
	u16 full_acks;		/* recoveries completed by a full ACK */
	u16 rtos;		/* retransmission timeouts */
	u16 undos;		/* reductions undone */
	u16 ecn_reductions;	/* CWR reductions for ECN-Echo */
	u16 cwr_reductions;	/* CWR reductions for other causes */
	u16 idle_restarts;	/* windows cut after an idle period */
	u16 app_limited;	/* windows cut after an app-limited RTO */
};

/*
 * Per-connection state: 80 bytes, at most LENS_CC_STATE_MAX. Windows in
 * segments, RTTs in microseconds, sequence numbers as on the wire.
 */
struct lens_cc {
	u32 cwnd;		/* window; RFC 5681 inflated in NewReno recovery */
	u32 ssthresh;		/* slow-start threshold */
	u32 credit;		/* CA: acked toward the next +1; CSS: acked not
				 * yet divided by CSS_GROWTH_DIVISOR
				 */
	u32 window_end;		/* HyStart++ windowEnd: the round ends past it */
	u32 last_round_min_rtt;	/* HyStart++ lastRoundMinRTT */
	u32 cur_round_min_rtt;	/* HyStart++ currentRoundMinRTT */
	u32 css_baseline_min_rtt; /* HyStart++ cssBaselineMinRtt */
	u32 pending_min_rtt;	/* min RTT sampled since the last ACK step */
	u32 block_min_rtt;	/* min of the block of samples being taken */
	u32 recovery_point;	/* the stack's high_seq: recovery, RTO or CWR
				 * is over once SND.UNA reaches it
				 */
	u32 prr_delivered;	/* RFC 9937 prr_delivered */
	u32 recover_fs;		/* RFC 9937 RecoverFS */
	u32 prior_cwnd;		/* cwnd before the reduction, for undo */
	u32 prior_ssthresh;	/* ssthresh before the reduction, for undo */
	struct lens_cc_stats stats;
	u8 phase;		/* enum lens_phase */
	u8 flags;		/* LENS_F_*, private to the core */
	u8 rtt_samples;		/* HyStart++ rttSampleCount, saturating */
	u8 pending_samples;	/* samples behind pending_min_rtt */
	u8 css_rounds;		/* CSS rounds begun, the partial first one too */
	u8 block_samples;	/* samples in the block, saturating */
};

/* Parameters. */
void lens_params_default(struct lens_params *p);
int lens_params_check(const struct lens_params *p);

/* Connection life. */
void lens_cc_init(struct lens_cc *cc, const struct lens_params *p, u32 cwnd,
		  u32 snd_nxt);
void lens_cc_sync(struct lens_cc *cc, u32 cwnd, u32 ssthresh);

/* Per-ACK steps. */
void lens_cc_rtt_sample(struct lens_cc *cc, s32 rtt_us);
void lens_cc_on_ack(struct lens_cc *cc, const struct lens_params *p,
		    const struct lens_ack *ack, struct lens_decision *d);
bool lens_cc_hspp_tracking(const struct lens_cc *cc);

/* Congestion signals and their undo. */
u32 lens_loss_ssthresh(u32 flight_size, u32 beta);
u32 lens_flight_size(u32 packets_out, u32 cwnd);
void lens_ack_rules(struct lens_ack *ack, u32 una_bytes, u32 mss, s32 losses);
void lens_cc_enter_recovery(struct lens_cc *cc, const struct lens_params *p,
			    u32 loss_flight, u32 high_seq,
			    const struct lens_ack *ack, struct lens_decision *d);
void lens_cc_on_rto(struct lens_cc *cc, const struct lens_params *p,
		    u32 loss_flight, u32 snd_nxt, struct lens_decision *d);
void lens_cc_on_cwr(struct lens_cc *cc, const struct lens_params *p,
		    u32 loss_flight, u32 high_seq, bool ece,
		    const struct lens_ack *ack, struct lens_decision *d);
void lens_cc_cwr_done(struct lens_cc *cc, struct lens_decision *d);
u32 lens_cc_undo(struct lens_cc *cc, struct lens_decision *d);

/* Windows the application left unused (RFC 5681 4.1, RFC 2861). */
void lens_cc_restart_after_idle(struct lens_cc *cc, u32 idle_rtos,
				u32 init_cwnd, struct lens_decision *d);
void lens_cc_app_limited(struct lens_cc *cc, u32 used, u32 init_cwnd,
			 struct lens_decision *d);

/* Translations for the glue. */
u32 lens_newreno_linux_cwnd(u32 rfc_cwnd, u32 flight_size, u32 sacked_out);
u32 lens_cc_linux_cwnd(const struct lens_cc *cc, u32 flight_size,
		       u32 sacked_out);
u64 lens_pacing_rate_wide(u32 cwnd, u32 mss, u32 srtt_us, u32 pct);

/* Names for traces and /proc. Out-of-range values read "unknown". */
const char *lens_phase_name(enum lens_phase phase);
const char *lens_reason_name(enum lens_reason reason);
const char *lens_ss_exit_name(enum lens_ss_exit exit);
const char *lens_recovery_mode_name(enum lens_recovery_mode mode);

/**
 * lens_pacing_percent() - which pacing gain a window gets
 * @cwnd: the window paced, segments
 * @ssthresh: slow-start threshold
 * @ss_pct: the gain while the window may still double (net.ipv4.
 *	    tcp_pacing_ss_ratio, 200 by default)
 * @ca_pct: the gain otherwise (tcp_pacing_ca_ratio, 120)
 *
 * As tcp_update_pacing_rate() decides it: the slow-start gain only below
 * half of ssthresh, so that the rounds that approach ssthresh, and the
 * slow start after a loss, do not pace at twice the rate the window holds.
 *
 * Return: @ss_pct or @ca_pct.
 */
static inline u32 lens_pacing_percent(u32 cwnd, u32 ssthresh, u32 ss_pct,
				      u32 ca_pct)
{
	return cwnd < ssthresh / 2 ? ss_pct : ca_pct;
}

/**
 * lens_pacing_window() - the window a pacing rate is computed for
 * @cwnd: the congestion window, segments
 * @packets_out: segments in flight
 *
 * As tcp_update_pacing_rate(): the larger of the two, so that a window
 * just cut below what is in flight does not stall the flight's ACK clock.
 *
 * Return: max(@cwnd, @packets_out).
 */
static inline u32 lens_pacing_window(u32 cwnd, u32 packets_out)
{
	return max(cwnd, packets_out);
}

/*
 * The largest gain lens_pacing_rate() applies, percent: gain * USEC_PER_SEC
 * / 100 then fits in 32 bits (the sysctls stop at 1000%).
 */
#define LENS_PACING_PCT_MAX	400000

/**
 * lens_pacing_rate() - pacing rate for a window, in bytes per second
 * @cwnd: window paced, segments (0 is taken as 1): the larger of cwnd and
 *	  the segments in flight, as the stack uses
 * @mss: segment size, bytes
 * @srtt_us: smoothed RTT, microseconds (unscaled)
 * @pct: gain in percent (lens_pacing_percent()), at most
 *	 LENS_PACING_PCT_MAX
 *
 * rate = gain * cwnd * mss / srtt, rounded down. With cwnd * mss under
 * 4 GB, as on every ACK of a real path, the product with the gain fits in
 * 64 bits and one division does; lens_pacing_rate_wide() takes the rest.
 *
 * Return: the rate, or U64_MAX (no limit) while there is no RTT estimate.
 */
static inline u64 lens_pacing_rate(u32 cwnd, u32 mss, u32 srtt_us, u32 pct)
{
	u64 bytes = (u64)max_t(u32, cwnd, 1) * mss;

	if (likely(srtt_us && pct <= LENS_PACING_PCT_MAX && !(bytes >> 32)))
		return div_u64(bytes * (pct * (1000000 / 100)), srtt_us);
	return lens_pacing_rate_wide(cwnd, mss, srtt_us, pct);
}

/* The quick step of congestion avoidance (the common ACK), inline. */

/*
 * Congestion avoidance adds alpha = 3 (1 - beta) / (1 + beta) segments per
 * window acknowledged (RFC 9438 4.3). With beta in percent, one segment is
 * earned per lens_ai_num() / lens_ai_den() = cwnd (100 + beta) /
 * (3 (100 - beta)) segments acknowledged.
 */
static inline u32 lens_ai_den(u32 beta)
{
	return 3 * (100 - clamp_t(u32, beta, LENS_BETA_MIN, LENS_BETA_MAX));
}

static inline u64 lens_ai_num(u32 cwnd, u32 beta)
{
	return (u64)max_t(u32, cwnd, 1) * (100 + beta);
}

/*
 * The segments an advance of SND.UNA by @una_bytes acknowledges, a partial
 * one counted whole (@mss >= 1). The one- and two-segment ACKs of a bulk
 * flow are told apart without a division; no sum can wrap.
 */
static inline u32 lens_segs_acked(u32 una_bytes, u32 mss)
{
	if (una_bytes <= mss)
		return una_bytes ? 1 : 0;
	if (una_bytes - mss <= mss)
		return 2;
	return una_bytes / mss + !!(una_bytes % mss);
}

/*
 * The largest window lens_cc_ack_quick() takes: its window of credit,
 * lens_ai_window(), then fits in 32 bits for every beta (2^24 segments are
 * 24 GB at a 1448-byte SMSS).
 */
#define LENS_QUICK_CWND_MAX	BIT(24)

/**
 * lens_cc_ack_quick() - the step of an ACK that only adds to CA's credit
 * @cc: state
 * @p: parameters
 * @cwnd: the socket's cwnd, segments, as lens_cc_sync() would take it
 * @ssthresh: the socket's ssthresh
 * @una_bytes: how far the ACK advanced SND.UNA, bytes (0: not at all)
 * @mss: SMSS, bytes (0 is taken as 1)
 *
 * Most ACKs of a long flow are congestion avoidance's, and most of those
 * move nothing: they add to the credit toward the next segment and leave
 * cwnd, ssthresh and the phase alone. For such an ACK of a cwnd-limited
 * sender, lens_cc_sync() and lens_cc_on_ack() would change cc->credit and
 * nothing else, and record no decision. This does the same with one
 * multiplication, without the snapshot of struct lens_ack. It refuses,
 * leaving @cc untouched, any ACK the full step must see: another phase, a
 * window the stack changed behind lens's back, or an ACK that completes an
 * increase (which is a decision, traced and counted).
 *
 * The caller vouches that the sender is cwnd-limited: otherwise its
 * application-limited check comes first and the ACK grows nothing.
 *
 * Return: true if the ACK was taken, false if it needs the full step.
 */
static inline bool lens_cc_ack_quick(struct lens_cc *cc,
				     const struct lens_params *p, u32 cwnd,
				     u32 ssthresh, u32 una_bytes, u32 mss)
{
	u64 credit;

	if (cc->phase != LENS_PHASE_CA || cwnd != cc->cwnd ||
	    ssthresh != cc->ssthresh || cwnd < ssthresh ||
	    cwnd > LENS_QUICK_CWND_MAX)
		return false;
	credit = (u64)cc->credit +
		 lens_segs_acked(una_bytes, max_t(u32, mss, 1));
	/* credit >= lens_ai_window(cwnd), without its division */
	if (credit * lens_ai_den(p->beta) >= lens_ai_num(cwnd, p->beta))
		return false;
	cc->credit = (u32)credit;
	return true;
}

/* True while a fast recovery episode is in progress. */
static inline bool lens_cc_in_recovery(const struct lens_cc *cc)
{
	return cc->phase == LENS_PHASE_RECOVERY;
}

#endif /* _LENS_CC_CORE_H */
