// SPDX-License-Identifier: GPL-2.0
/*
 * lens_ack_bench.c - CPU per ACK: lens's ACK path against reno's.
 *
 * Method. A bulk flow over a path with a bottleneck queue is simulated once
 * per congestion control, untimed, and each ACK is recorded as the socket
 * fields the stack has updated by the time congestion control runs. The
 * recording is then replayed, timed: every ACK is copied into a model
 * socket and that congestion control's per-ACK work runs on it:
 *
 *   lens  module/cc/core/lens_cc_core.c itself (linked in), behind a model
 *         of module/cc/lens_cc_main.c: in_ack_event, cong_control (its
 *         quick step, lens_cc_ack_quick(), or the full one) and, at a loss,
 *         ssthresh and set_state, with the same calls in the same order.
 *         Socket reads become model-socket reads; the tracepoint is off,
 *         as it is unless somebody traces.
 *   reno  a model of what Linux 6.1 runs for tcp_reno instead: the body of
 *         tcp_cong_control() with tcp_cwnd_reduction() (PRR),
 *         tcp_may_raise_cwnd(), tcp_reno_cong_avoid(), tcp_slow_start(),
 *         tcp_cong_avoid_ai() and tcp_update_pacing_rate(); at a loss
 *         tcp_reno_ssthresh().
 *   null  the replay alone (copying each ACK, nothing else): the harness
 *         cost, subtracted from both.
 *
 * What the stack does around congestion control (tcp_ack(), the SACK
 * scoreboard, tcp_init_cwnd_reduction(), tcp_end_cwnd_reduction()) runs for
 * either alike; the replay applies its effects but it is not what is
 * compared. The replay must end with the window the simulation ended with,
 * or the run fails (exit 1): the figures are for the decisions the flow
 * really took.
 *
 * Output: ns per ACK for each variant (median and range of samples taken
 * in turn, lens, reno, null, lens, ...), and lens's ACKs per phase. Each
 * variant replays its flow 1 + REPEATS * SAMPLES times; under valgrind
 * --tool=callgrind the inclusive cost of the noinline bench_replay_*()
 * functions over that many replays gives instructions per ACK.
 * Userspace code: not part of any module.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../../module/cc/core/lens_cc_core.h"

/* The path: a bulk sender, a bottleneck, delayed ACKs. */
#define B_MSS		1448	/* bytes per segment */
#define B_BASE_RTT_US	40000	/* RTT with an empty queue */
#define B_BDP		100	/* segments in flight with an empty queue */
#define B_QUEUE		100	/* bottleneck queue, segments: loss beyond */
#define B_PER_ACK	2	/* segments per ACK */
#define B_IW		10	/* initial window */

/* tcp_sock's FLAG_DATA_ACKED / FLAG_SND_UNA_ADVANCED, as one bit here. */
#define B_FLAG_ADVANCED	0x01

/* What the stack did on this ACK before congestion control ran. */
enum b_event {
	B_EV_NONE,
	B_EV_RECOVERY,	/* fast recovery entered (tcp_enter_recovery()) */
	B_EV_OPEN,	/* recovery complete (tcp_end_cwnd_reduction()) */
};

/* One ACK: what the stack set in the socket before congestion control. */
struct b_ack {
	u32 snd_una;		/* bytes */
	u32 snd_nxt;		/* bytes */
	u32 packets_out;
	u32 sacked_out;
	u32 lost_out;
	u32 retrans_out;
	u32 data_segs_out;
	u32 prr_out;
	u32 srtt_us;		/* << 3, as tp->srtt_us */
	s32 rtt_us;		/* the ACK's RTT sample, -1: none (Karn) */
	u32 acked_sacked;	/* rs->acked_sacked */
	s32 losses;		/* rs->losses */
	u8 event;		/* enum b_event */
	u8 flag;		/* B_FLAG_* */
	u8 cwnd_limited;	/* tp->is_cwnd_limited */
};

/* The tcp_sock fields congestion control reads and writes, and lens's. */
struct b_sock {
	struct b_ack in;	/* the stack's side, copied from the ACK */
	u8 ca_state;		/* 0 Open, 1 Recovery */
	u32 snd_cwnd;
	u32 snd_ssthresh;
	u32 snd_cwnd_cnt;
	u32 snd_cwnd_clamp;
	u32 snd_cwnd_stamp;
	u32 prior_cwnd;
	u32 prr_delivered;
	u32 high_seq;
	u64 pacing_rate;
	u64 max_pacing_rate;
	u32 gso_max_size;
	/* lens_sock */
	struct lens_cc cc;
	u32 prior_snd_una;
	u32 prior_sacked_out;
	u32 reduction_segs_out;
	bool ack_ece;
	u32 counters[8];	/* lens_count()'s per-netns counters */
	u32 quick_acks;		/* ACKs lens_cc_ack_quick() took */
};

struct b_ops {
	const char *name;
	void (*init)(struct b_sock *s);
	u32 (*ssthresh)(struct b_sock *s);
	void (*enter_recovery)(struct b_sock *s);
	void (*ack)(struct b_sock *s, const struct b_ack *a);
};

static const u32 b_now = 1000;	/* tcp_jiffies32: a fixed instant */
static const u32 b_rto = 200;	/* icsk_rto, jiffies */
static const u32 b_ss_ratio = 200, b_ca_ratio = 120;	/* the sysctls */
static struct lens_params b_params = LENS_PARAMS_DEFAULT;

static u32 b_in_flight(const struct b_sock *s)
{
	return s->in.packets_out - s->in.sacked_out - s->in.lost_out +
	       s->in.retrans_out;
}

static void b_sock_init(struct b_sock *s)
{
	memset(s, 0, sizeof(*s));
	s->snd_cwnd = B_IW;
	s->snd_ssthresh = LENS_INFINITE_SSTHRESH;
	s->snd_cwnd_clamp = 0xffffffffU;
	s->max_pacing_rate = U64_MAX;
	s->gso_max_size = 65536;
	s->snd_cwnd_stamp = b_now;
}

/* ---- lens: module/cc/lens_cc_main.c on the model socket -------------- */

static u32 lens_b_agg_us(const struct b_sock *s)
{
	if (!s->pacing_rate || s->pacing_rate == U64_MAX)
		return 0;
	return min_t(u64, LENS_HSPP_ACK_DELAY_MAX_US,
		     (u64)s->gso_max_size * 4 * 1000000 / s->pacing_rate);
}

static void lens_b_fill(const struct b_sock *s, const struct b_ack *a,
			struct lens_ack *ack)
{
	u32 una_bytes = 0;

	if (tcplens_seq_after(s->in.snd_una, s->prior_snd_una))
		una_bytes = s->in.snd_una - s->prior_snd_una;
	ack->snd_una = s->in.snd_una;
	ack->snd_nxt = s->in.snd_nxt;
	ack->sacked = s->in.sacked_out > s->prior_sacked_out ?
		      s->in.sacked_out - s->prior_sacked_out : 0;
	ack->delivered = a ? a->acked_sacked : 0;
	ack->flight_size = s->in.packets_out;
	ack->sacked_out = s->in.sacked_out;
	ack->pipe = b_in_flight(s);
	ack->prr_out = s->in.data_segs_out - s->reduction_segs_out;
	ack->agg_us = 0;
	if (lens_cc_hspp_tracking(&s->cc))
		ack->agg_us = lens_b_agg_us(s);
	ack->flags = 0;
	if (s->in.cwnd_limited)
		ack->flags |= LENS_ACK_CWND_LIMITED;
	lens_ack_rules(ack, una_bytes, B_MSS, a ? a->losses : 0);
}

static void lens_b_apply_window(struct b_sock *s)
{
	u32 cwnd = lens_cc_linux_cwnd(&s->cc, s->in.packets_out,
				      s->in.sacked_out);

	s->snd_cwnd = clamp_t(u32, cwnd, 1, s->snd_cwnd_clamp);
	s->snd_ssthresh = s->cc.ssthresh;
}

static void lens_b_pacing(struct b_sock *s)
{
	u64 rate;

	if (!s->in.srtt_us)
		return;
	rate = lens_pacing_rate(lens_pacing_window(s->snd_cwnd,
						   s->in.packets_out),
				B_MSS, s->in.srtt_us >> 3,
				lens_pacing_percent(s->snd_cwnd,
						    s->snd_ssthresh,
						    b_ss_ratio, b_ca_ratio));
	WRITE_ONCE(s->pacing_rate, min_t(u64, rate, s->max_pacing_rate));
}

static void lens_b_apply(struct b_sock *s)
{
	lens_b_apply_window(s);
	lens_b_pacing(s);
}

static void lens_b_remember(struct b_sock *s)
{
	s->prior_snd_una = s->in.snd_una;
	s->prior_sacked_out = s->in.sacked_out;
	s->ack_ece = false;
}

/* lens_report(): the counters; the tracepoint's static key is off. */
static void lens_b_report(struct b_sock *s, const struct lens_decision *d)
{
	if (d->ss_exit != LENS_SS_EXIT_NONE && d->ss_exit < LENS_SS_EXIT_NR)
		s->counters[0]++;
	if (d->events & LENS_EV_CSS_SPURIOUS)
		s->counters[1]++;
	if (d->events & LENS_EV_PARTIAL_ACK)
		s->counters[2]++;
	if (d->events & LENS_EV_RECOVERY_EXIT)
		s->counters[3]++;
	if (d->events & LENS_EV_HSPP_AGG_HELD)
		s->counters[4]++;
	if (d->events & LENS_EV_HSPP_NOT_LIMITED)
		s->counters[5]++;
}

static void lens_b_init(struct b_sock *s)
{
	b_sock_init(s);
	lens_cc_init(&s->cc, &b_params, s->snd_cwnd, 0);
	lens_cc_sync(&s->cc, s->snd_cwnd, s->snd_ssthresh);
	lens_b_remember(s);
	lens_b_apply(s);
}

static u32 lens_b_ssthresh(struct b_sock *s)
{
	return lens_loss_ssthresh(lens_flight_size(s->in.packets_out,
						   s->snd_cwnd),
				  b_params.beta);
}

static void lens_b_enter_recovery(struct b_sock *s)
{
	struct lens_decision d;
	struct lens_ack ack;

	s->reduction_segs_out = s->in.data_segs_out;
	lens_b_fill(s, NULL, &ack);
	lens_cc_enter_recovery(&s->cc, &b_params,
			       lens_flight_size(s->in.packets_out, s->snd_cwnd),
			       s->high_seq, &ack, &d);
	s->counters[6]++;
	lens_b_apply(s);
	lens_b_remember(s);
	lens_b_report(s, &d);
}

/* lens_ack_quick() */
static bool lens_b_quick(struct b_sock *s)
{
	u32 una_bytes = 0;

	if (s->snd_cwnd > s->snd_cwnd_clamp || !s->in.cwnd_limited)
		return false;
	if (tcplens_seq_after(s->in.snd_una, s->prior_snd_una))
		una_bytes = s->in.snd_una - s->prior_snd_una;
	return lens_cc_ack_quick(&s->cc, &b_params, s->snd_cwnd,
				 s->snd_ssthresh, una_bytes, B_MSS);
}

/* lens_ack_full() */
static void lens_b_full(struct b_sock *s, const struct b_ack *a)
{
	struct lens_decision d;
	struct lens_ack ack;

	lens_cc_rtt_sample(&s->cc, a->rtt_us);
	lens_cc_sync(&s->cc, s->snd_cwnd, s->snd_ssthresh);
	/* lens_validate_cwnd()'s tests; a bulk sender stops at the first */
	if (!s->in.cwnd_limited && (s32)(b_now - s->snd_cwnd_stamp) >= b_rto)
		s->snd_cwnd_stamp = b_now;
	lens_b_fill(s, a, &ack);
	lens_cc_on_ack(&s->cc, &b_params, &ack, &d);
	lens_b_apply_window(s);
	lens_b_report(s, &d);
}

/* in_ack_event, then cong_control (lens_cong_control_impl()) */
static void lens_b_ack(struct b_sock *s, const struct b_ack *a)
{
	s->ack_ece = false;				/* in_ack_event */
	if (lens_b_quick(s))
		s->quick_acks++;
	else
		lens_b_full(s, a);
	lens_b_pacing(s);
	lens_b_remember(s);
}

static const struct b_ops lens_ops = {
	.name = "lens",
	.init = lens_b_init,
	.ssthresh = lens_b_ssthresh,
	.enter_recovery = lens_b_enter_recovery,
	.ack = lens_b_ack,
};

/* ---- reno: what Linux 6.1 runs for tcp_reno -------------------------- */

static void reno_b_init(struct b_sock *s)
{
	b_sock_init(s);
}

static u32 reno_b_ssthresh(struct b_sock *s)
{
	return max(s->snd_cwnd >> 1U, 2U);
}

static void reno_b_enter_recovery(struct b_sock *s)
{
}

static bool reno_b_cwnd_limited(const struct b_sock *s)
{
	if (s->in.cwnd_limited)
		return true;
	if (s->snd_cwnd < s->snd_ssthresh)
		return s->snd_cwnd < 2 * s->in.packets_out;
	return false;
}

/* tcp_cwnd_reduction(): PRR (RFC 6937), as the 6.1 stack has it. */
static void reno_b_prr(struct b_sock *s, int delivered, int lost, int flag)
{
	int delta = s->snd_ssthresh - b_in_flight(s);
	int sndcnt;

	if (delivered <= 0 || !s->prior_cwnd)
		return;
	s->prr_delivered += delivered;
	if (delta < 0) {
		u64 dividend = (u64)s->snd_ssthresh * s->prr_delivered +
			       s->prior_cwnd - 1;

		sndcnt = div_u64(dividend, s->prior_cwnd) - s->in.prr_out;
	} else {
		sndcnt = max_t(int, s->prr_delivered - s->in.prr_out,
			       delivered);
		if ((flag & B_FLAG_ADVANCED) && !lost)
			sndcnt++;
		sndcnt = min(delta, sndcnt);
	}
	sndcnt = max(sndcnt, s->in.prr_out ? 0 : 1);
	s->snd_cwnd = b_in_flight(s) + sndcnt;
}

/* tcp_reno_cong_avoid() with tcp_slow_start() and tcp_cong_avoid_ai(). */
static void reno_b_cong_avoid(struct b_sock *s, u32 acked)
{
	u32 w;

	if (!reno_b_cwnd_limited(s))
		return;
	if (s->snd_cwnd < s->snd_ssthresh) {
		u32 cwnd = min(s->snd_cwnd + acked, s->snd_ssthresh);

		acked -= cwnd - s->snd_cwnd;
		s->snd_cwnd = min(cwnd, s->snd_cwnd_clamp);
		if (!acked)
			return;
	}
	w = s->snd_cwnd;
	if (s->snd_cwnd_cnt >= w) {
		s->snd_cwnd_cnt = 0;
		s->snd_cwnd++;
	}
	s->snd_cwnd_cnt += acked;
	if (s->snd_cwnd_cnt >= w) {
		u32 delta = s->snd_cwnd_cnt / w;

		s->snd_cwnd_cnt -= delta * w;
		s->snd_cwnd += delta;
	}
	s->snd_cwnd = min(s->snd_cwnd, s->snd_cwnd_clamp);
}

/* tcp_update_pacing_rate(). */
static void reno_b_pacing(struct b_sock *s)
{
	u64 rate = (u64)B_MSS * ((1000000 / 100) << 3);

	if (s->snd_cwnd < s->snd_ssthresh / 2)
		rate *= b_ss_ratio;
	else
		rate *= b_ca_ratio;
	rate *= max(s->snd_cwnd, s->in.packets_out);
	if (likely(s->in.srtt_us))
		rate /= s->in.srtt_us;
	WRITE_ONCE(s->pacing_rate, min_t(u64, rate, s->max_pacing_rate));
}

/* The body of tcp_cong_control() for a congestion control without one. */
static void reno_b_ack(struct b_sock *s, const struct b_ack *a)
{
	if (s->ca_state) {
		reno_b_prr(s, a->acked_sacked, a->losses, a->flag);
	} else if (a->flag & B_FLAG_ADVANCED) {
		reno_b_cong_avoid(s, a->acked_sacked);
		s->snd_cwnd_stamp = b_now;
	}
	reno_b_pacing(s);
}

static const struct b_ops reno_ops = {
	.name = "reno",
	.init = reno_b_init,
	.ssthresh = reno_b_ssthresh,
	.enter_recovery = reno_b_enter_recovery,
	.ack = reno_b_ack,
};

/* ---- the stack's side, alike for both -------------------------------- */

/* What the stack does at the ACK's signal, before congestion control. */
static void b_stack_event(struct b_sock *s, const struct b_ops *ops, u8 ev)
{
	if (ev == B_EV_RECOVERY) {	/* tcp_init_cwnd_reduction() */
		s->high_seq = s->in.snd_nxt;
		s->prior_cwnd = s->snd_cwnd;
		s->prr_delivered = 0;
		s->snd_ssthresh = ops->ssthresh(s);
		ops->enter_recovery(s);
		s->ca_state = 1;
	} else if (ev == B_EV_OPEN) {	/* tcp_end_cwnd_reduction() */
		s->snd_cwnd = s->snd_ssthresh;
		s->ca_state = 0;
	}
}

/* ---- the simulated path ---------------------------------------------- */

/* The path's state, in segments. */
struct b_path {
	u32 una, nxt;
	u32 sacked, lost, retrans;
	u32 high;		/* recovery point; 0: not in recovery */
	u32 data_segs_out, prr_out;
	u32 srtt8;		/* srtt << 3, us */
	u32 rng;
	bool dropped;		/* the last send overflowed the queue */
};

static u32 b_rand(struct b_path *p)
{
	p->rng = p->rng * 1103515245U + 12345U;
	return p->rng >> 16;
}

/* The next ACK the path delivers, as the stack leaves the socket. */
static void b_path_ack(struct b_path *p, struct b_ack *a)
{
	u32 flight = p->nxt - p->una, n;
	s32 rtt;

	memset(a, 0, sizeof(*a));
	rtt = (s32)((u64)B_BASE_RTT_US * max_t(u32, flight, B_BDP) / B_BDP);
	rtt += (s32)(b_rand(p) % 200) - 100;		/* +-0.1 ms jitter */
	a->rtt_us = rtt;
	if (p->high && p->sacked + p->lost >= p->high - p->una) {
		/* the retransmission arrived: everything to high is acked */
		n = p->high - p->una;
		a->acked_sacked = n - p->sacked;
		a->flag = B_FLAG_ADVANCED;
		a->rtt_us = -1;				/* Karn */
		a->event = B_EV_OPEN;
		p->una = p->high;
		p->sacked = p->lost = p->retrans = 0;
		p->high = 0;
	} else if (p->high) {
		n = min_t(u32, B_PER_ACK, p->high - p->una - p->sacked - p->lost);
		p->sacked += n;
		a->acked_sacked = n;
	} else if (p->dropped) {
		/* the first SACK past the hole: fast retransmit */
		p->dropped = false;
		p->high = p->nxt;
		p->lost = 1;
		p->sacked = B_PER_ACK;
		a->acked_sacked = B_PER_ACK;
		a->losses = 1;
		a->event = B_EV_RECOVERY;
		p->prr_out = 0;
	} else {
		n = min_t(u32, B_PER_ACK, flight);
		p->una += n;
		a->acked_sacked = n;
		a->flag = n ? B_FLAG_ADVANCED : 0;
	}
	if (a->rtt_us > 0)	/* tcp_rtt_estimator(), in short */
		p->srtt8 = p->srtt8 ? p->srtt8 - (p->srtt8 >> 3) + a->rtt_us :
			   (u32)a->rtt_us << 3;
	a->snd_una = p->una * B_MSS;
	a->snd_nxt = p->nxt * B_MSS;
	a->packets_out = p->nxt - p->una;
	a->sacked_out = p->sacked;
	a->lost_out = p->lost;
	a->retrans_out = p->retrans;
	a->data_segs_out = p->data_segs_out;
	a->prr_out = p->prr_out;
	a->srtt_us = p->srtt8;
	a->cwnd_limited = 1;
}

/* The sender fills what cwnd allows: the retransmission first. */
static void b_path_send(struct b_path *p, const struct b_sock *s)
{
	u32 pipe = b_in_flight(s), room;

	if (s->snd_cwnd <= pipe)
		return;
	room = s->snd_cwnd - pipe;
	if (p->lost > p->retrans) {
		p->retrans++;
		room--;
		p->data_segs_out++;
		p->prr_out++;
	}
	p->nxt += room;
	p->data_segs_out += room;
	if (p->high)
		p->prr_out += room;
	else if (p->nxt - p->una > B_BDP + B_QUEUE)
		p->dropped = true;
}

/* ---- simulation, replay, timing -------------------------------------- */

struct b_run {
	const struct b_ops *ops;
	struct b_ack *acks;
	u32 cwnd, ssthresh;	/* where the simulation ended */
	u32 phase_acks[LENS_PHASE_NR];	/* lens only */
	u32 recoveries;
	u32 quick_acks;		/* lens only */
};

static void b_step(struct b_sock *s, const struct b_ops *ops,
		   const struct b_ack *a)
{
	s->in = *a;
	b_stack_event(s, ops, a->event);
	ops->ack(s, a);
}

static void b_simulate(struct b_run *r, u32 n)
{
	struct b_path p = { .rng = 1 };
	struct b_sock s;
	u32 i;

	r->ops->init(&s);
	p.nxt = B_IW;
	p.data_segs_out = B_IW;
	memset(r->phase_acks, 0, sizeof(r->phase_acks));
	r->recoveries = 0;
	for (i = 0; i < n; i++) {
		b_path_ack(&p, &r->acks[i]);
		b_step(&s, r->ops, &r->acks[i]);
		if (r->ops == &lens_ops && s.cc.phase < LENS_PHASE_NR)
			r->phase_acks[s.cc.phase]++;
		r->recoveries += r->acks[i].event == B_EV_RECOVERY;
		b_path_send(&p, &s);
	}
	r->cwnd = s.snd_cwnd;
	r->ssthresh = s.snd_ssthresh;
	r->quick_acks = s.quick_acks;
}

static void b_null_ack(struct b_sock *s, const struct b_ack *a)
{
}

static const struct b_ops null_ops = {
	.name = "null",
	.init = reno_b_init,
	.ssthresh = reno_b_ssthresh,
	.enter_recovery = reno_b_enter_recovery,
	.ack = b_null_ack,
};

static noinline u32 b_replay(const struct b_ops *ops, const struct b_ack *acks,
			     u32 n, struct b_sock *s)
{
	u32 i;

	ops->init(s);
	for (i = 0; i < n; i++)
		b_step(s, ops, &acks[i]);
	return s->snd_cwnd;
}

/* One function per variant, so that callgrind can tell them apart. */
static noinline u32 bench_replay_lens(const struct b_ack *a, u32 n,
				      struct b_sock *s)
{
	return b_replay(&lens_ops, a, n, s);
}

static noinline u32 bench_replay_reno(const struct b_ack *a, u32 n,
				      struct b_sock *s)
{
	return b_replay(&reno_ops, a, n, s);
}

static noinline u32 bench_replay_null(const struct b_ack *a, u32 n,
				      struct b_sock *s)
{
	return b_replay(&null_ops, a, n, s);
}

static u64 b_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int b_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static u32 b_arg(const char *opt, const char *v, u32 lo, u32 hi)
{
	char *end;
	unsigned long x;

	errno = 0;
	x = strtoul(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || x < lo || x > hi) {
		fprintf(stderr, "lens_ack_bench: %s wants a number in [%u, %u], not '%s'\n",
			opt, lo, hi, v);
		exit(2);
	}
	return (u32)x;
}

static void b_usage(void)
{
	fprintf(stderr,
		"usage: lens_ack_bench [-n ACKS] [-r REPEATS] [-k SAMPLES]\n"
		"  -n ACKS     ACKs in the simulated flow (default 50000)\n"
		"  -r REPEATS  replays of the flow per sample (default 20)\n"
		"  -k SAMPLES  interleaved samples per variant (default 9)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	u32 n = 50000, reps = 20, k = 9, i, j, v;
	struct b_run runs[3] = {
		{ .ops = &lens_ops }, { .ops = &reno_ops }, { .ops = &null_ops },
	};
	u32 (*const replay[3])(const struct b_ack *, u32, struct b_sock *) = {
		bench_replay_lens, bench_replay_reno, bench_replay_null,
	};
	double *ns[3], med[3];
	static struct b_sock s;

	for (i = 1; i < (u32)argc; i++) {
		if (i + 1 >= (u32)argc)
			b_usage();
		if (!strcmp(argv[i], "-n"))
			n = b_arg("-n", argv[++i], 1000, 10000000);
		else if (!strcmp(argv[i], "-r"))
			reps = b_arg("-r", argv[++i], 1, 100000);
		else if (!strcmp(argv[i], "-k"))
			k = b_arg("-k", argv[++i], 1, 1000);
		else
			b_usage();
	}
	for (v = 0; v < 3; v++) {
		runs[v].acks = calloc(n, sizeof(*runs[v].acks));
		ns[v] = calloc(k, sizeof(double));
		if (!runs[v].acks || !ns[v]) {
			fprintf(stderr, "lens_ack_bench: out of memory\n");
			return 1;
		}
	}
	/* null replays lens's flow: the harness cost of the same ACKs */
	b_simulate(&runs[0], n);
	b_simulate(&runs[1], n);
	memcpy(runs[2].acks, runs[0].acks, (size_t)n * sizeof(*runs[0].acks));
	/* one untimed replay each, checked: the timed ones repeat it */
	for (v = 0; v < 3; v++) {
		u32 cwnd = replay[v](runs[v].acks, n, &s);

		if (v == 2)
			break;
		if (cwnd != runs[v].cwnd || s.snd_ssthresh != runs[v].ssthresh) {
			fprintf(stderr, "lens_ack_bench: %s replay ended at cwnd %u ssthresh %u, the flow at %u %u\n",
				runs[v].ops->name, cwnd, s.snd_ssthresh,
				runs[v].cwnd, runs[v].ssthresh);
			return 1;
		}
		if (!runs[v].recoveries) {
			fprintf(stderr, "lens_ack_bench: %s never entered recovery in %u ACKs\n",
				runs[v].ops->name, n);
			return 1;
		}
	}
	for (j = 0; j < k; j++) {
		for (v = 0; v < 3; v++) {
			u64 t0 = b_ns();

			for (i = 0; i < reps; i++)
				replay[v](runs[v].acks, n, &s);
			ns[v][j] = (double)(b_ns() - t0) / ((double)n * reps);
		}
	}
	printf("lens_ack_bench: %u ACKs per flow, %u replays per sample, %u samples, %u replays per variant\n",
	       n, reps, k, 1 + reps * k);
	printf("flow: lens %u recoveries, ends at cwnd %u; reno %u recoveries, ends at cwnd %u\n",
	       runs[0].recoveries, runs[0].cwnd, runs[1].recoveries,
	       runs[1].cwnd);
	printf("lens ACKs by phase:");
	for (i = 0; i < LENS_PHASE_NR; i++)
		if (runs[0].phase_acks[i])
			printf(" %s %u", lens_phase_name(i),
			       runs[0].phase_acks[i]);
	printf("\nlens ACKs taken by lens_cc_ack_quick(): %u of %u\n",
	       runs[0].quick_acks, n);
	for (v = 0; v < 3; v++) {
		qsort(ns[v], k, sizeof(double), b_cmp);
		med[v] = ns[v][k / 2];
		printf("ns_per_ack %-4s median %.2f min %.2f max %.2f\n",
		       runs[v].ops->name, med[v], ns[v][0], ns[v][k - 1]);
	}
	printf("net ns_per_ack (less null): lens %.2f reno %.2f ratio %.2f\n",
	       med[0] - med[2], med[1] - med[2],
	       med[1] > med[2] ? (med[0] - med[2]) / (med[1] - med[2]) : 0.0);
	for (v = 0; v < 3; v++) {
		free(runs[v].acks);
		free(ns[v]);
	}
	return 0;
}
