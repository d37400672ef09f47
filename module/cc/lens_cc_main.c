// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_lens.ko - "lens", a faithful and observable implementation of the
 * classic TCP congestion control of RFC 5681 and its successors.
 *
 * The model. The algorithm itself - slow start with Appropriate Byte
 * Counting (RFC 3465), HyStart++ (RFC 9406), additive increase, fast
 * recovery by NewReno (RFC 5681 3.2, RFC 6582) or Proportional Rate
 * Reduction (RFC 9937), the RTO loss window, ECN reductions and undo - is
 * the pure core in core/lens_cc_core.c. This file is the shell around it: it
 * turns the kernel's callbacks into calls of the core, copies cwnd and
 * ssthresh back into the socket, and reports every decision.
 *
 * Ownership of cwnd. lens registers cong_control, so the stack neither grows
 * cwnd (cong_avoid) nor runs its own PRR (tcp_cwnd_reduction), nor resets
 * cwnd at the end of recovery: on every ACK the core decides cwnd in every
 * phase. The stack still decides *when* to retransmit (dupthresh, RACK, the
 * RTO timer) and tells us through set_state(): entering TCP_CA_Recovery,
 * TCP_CA_Loss (RTO) or TCP_CA_CWR (ECN-Echo or local congestion). The
 * ssthresh() callback is the RFC 5681 equation (4) on FlightSize, with
 * beta (RFC 9438 4.3, 0.7 by default) in place of its 1/2.
 *
 * The ACK path. Most ACKs of a long flow come in congestion avoidance and
 * move nothing but the credit toward the next segment; lens_ack_quick()
 * hands those to lens_cc_ack_quick(), which takes them without the
 * snapshot of the ACK and the decision record (scripts/bench ack measures
 * the difference). Every other ACK takes the full step, lens_ack_full().
 * HyStart++'s RTT samples come from the rate sample in cong_control, so
 * lens needs no pkts_acked() (one indirect call per ACK fewer).
 *
 * What cong_control makes the stack skip, and where lens does it instead:
 *  - PRR in Recovery and CWR (tcp_cwnd_reduction()): the core's PRR, fed
 *    with lens's own count of segments sent in the episode
 *    (data_segs_out), because the stack does not restart tp->prr_out when
 *    recovery follows CWR; recovery entered by the RACK reorder timer,
 *    with no ACK, is held to inflight + 1;
 *  - cwnd = ssthresh at the end of recovery and CWR (tcp_end_cwnd_reduction());
 *  - restart after idle (tcp_cwnd_restart()): cwnd_event(TX_START);
 *  - application-limited validation (tcp_cwnd_application_limited()): on
 *    the ACK path, lens_validate_cwnd();
 *  - growth only on ACKs of new data while cwnd-limited
 *    (tcp_may_raise_cwnd(), tcp_is_cwnd_limited()): the core;
 *  - the pacing rate (tcp_update_pacing_rate()): lens_set_pacing_rate(),
 *    from init on, with the net.ipv4.tcp_pacing_*_ratio sysctls.
 * All of it honours net.ipv4.tcp_slow_start_after_idle where the stack does.
 *
 * Windows. The core counts in segments like the stack. In NewReno recovery
 * it keeps the RFC's inflated window, which RFC 5681 compares against
 * FlightSize; Linux compares cwnd against its pipe estimate, so the stack
 * gets lens_cc_linux_cwnd(), the same window restated for pipe (derived in
 * lens_cc_core.c).
 *
 * Pacing. With cong_control the stack does not update sk_pacing_rate, so
 * lens sets it as tcp_update_pacing_rate() would: tcp_pacing_ss_ratio
 * (200%) of max(cwnd, inflight)/srtt below half of ssthresh,
 * tcp_pacing_ca_ratio (120%) above. With the pacing parameter (default
 * on) a new connection also asks for TCP's internal pacing, as tcp_bbr
 * does, so that the rate applies without an fq qdisc (which, where it is
 * installed, takes over: sch_fq marks the socket SK_PACING_FQ).
 *
 * Observability. Per-namespace counters and one line per live connection in
 * /proc/net/tcplens/{cc,cc_conns} (lens_cc_proc.c), and the tracepoint
 * tcp_lens:lens_cwnd on every change of cwnd or ssthresh (lens_cc_trace.h).
 * The module parameters are lens_cc_params.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/rcupdate.h>
#include <net/netns/generic.h>
#include <net/tcp.h>

#include "tcplens_compat.h"
#include "lens_cc.h"

#define CREATE_TRACE_POINTS
#include "lens_cc_trace.h"

/* ------------------------------------------------------------------------
 * Reporting a decision of the core: counters and the tracepoint.
 */

static const u8 lens_ss_exit_counter[LENS_SS_EXIT_NR] = {
	[LENS_SS_EXIT_NONE] = LENS_CNT_NR,
	[LENS_SS_EXIT_SSTHRESH] = LENS_CNT_SS_EXIT_SSTHRESH,
	[LENS_SS_EXIT_HYSTART_DELAY] = LENS_CNT_SS_EXIT_HYSTART_DELAY,
	[LENS_SS_EXIT_CSS] = LENS_CNT_SS_EXIT_CSS,
	[LENS_SS_EXIT_LOSS] = LENS_CNT_SS_EXIT_LOSS,
	[LENS_SS_EXIT_CSS_RISE] = LENS_CNT_SS_EXIT_CSS_RISE,
	[LENS_SS_EXIT_HYSTART_BLOCK] = LENS_CNT_SS_EXIT_HYSTART_BLOCK,
};

/*
 * Count what @d did, and trace the move from its cwnd_in/ssthresh_in to
 * @cwnd/@ssthresh, attributed to @reason, if there was one.
 */
static void lens_report_as(struct sock *sk, const struct lens_decision *d,
			   u32 reason, u32 cwnd, u32 ssthresh)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	if (d->ss_exit != LENS_SS_EXIT_NONE && d->ss_exit < LENS_SS_EXIT_NR)
		lens_count(sk, lens_ss_exit_counter[d->ss_exit]);
	if (d->events & LENS_EV_CSS_SPURIOUS)
		lens_count(sk, LENS_CNT_CSS_SPURIOUS);
	if (d->events & LENS_EV_PARTIAL_ACK)
		lens_count(sk, LENS_CNT_PARTIAL_ACK);
	if (d->events & LENS_EV_RECOVERY_EXIT)
		lens_count(sk, LENS_CNT_FULL_ACK);
	if (d->events & LENS_EV_HSPP_AGG_HELD)
		lens_count(sk, LENS_CNT_HSPP_AGG_HELD);
	if (d->events & LENS_EV_HSPP_NOT_LIMITED)
		lens_count(sk, LENS_CNT_HSPP_NOT_LIMITED);

	if (!trace_lens_cwnd_enabled())
		return;
	if (d->cwnd_in == cwnd && d->ssthresh_in == ssthresh &&
	    d->phase_in == d->phase_out)
		return;
	trace_lens_cwnd(sk, d, reason, cwnd, ssthresh, tp->srtt_us >> 3,
			tcp_packets_in_flight(tp));
}

/* One event per change of tp's cwnd/ssthresh, by the last step that made it. */
static void lens_report(struct sock *sk, const struct lens_decision *d)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	lens_report_as(sk, d, d->reason, tcp_snd_cwnd(tp), tp->snd_ssthresh);
}

/* ------------------------------------------------------------------------
 * The socket side.
 */

static struct tcp_congestion_ops tcp_lens_ops;

bool lens_sk_is_lens(const struct sock *sk)
{
	return inet_csk(sk)->icsk_ca_ops == &tcp_lens_ops && lens_sk_ready(sk);
}

/* The initial window, as tcp_init_cwnd() (not exported) computes it. */
static u32 lens_init_cwnd(struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	const struct dst_entry *dst = __sk_dst_get(sk);
	u32 cwnd = dst ? dst_metric(dst, RTAX_INITCWND) : 0;

	return min_t(u32, cwnd ? : TCP_INIT_CWND, tp->snd_cwnd_clamp);
}

/* net.ipv4.tcp_slow_start_after_idle: window decay after idle and app limits. */
static bool lens_decay_enabled(const struct sock *sk)
{
	return READ_ONCE(sock_net(sk)->ipv4.sysctl_tcp_slow_start_after_idle);
}

/*
 * HyStart++'s allowance for ACK aggregation, tcp_cubic's
 * hystart_ack_delay(): the time four GSO packets take at the pacing rate,
 * at most 1 ms; none before a rate is set. GSO on this side and GRO on the
 * receiver release ACKs in such bursts once the window is large, which
 * would read as a rise of the round's minimum RTT. Computed only while
 * HyStart++ watches rounds: congestion avoidance's ACKs skip the division.
 */
static u32 lens_hspp_agg_us(const struct sock *sk)
{
	unsigned long rate = READ_ONCE(sk->sk_pacing_rate);

	if (!rate || rate == ~0UL)
		return 0;
	return min_t(u64, LENS_HSPP_ACK_DELAY_MAX_US,
		     div64_ul((u64)sk->sk_gso_max_size * 4 * USEC_PER_SEC, rate));
}

/* Snapshot what the ACK just processed told the stack, in segments. */
static void lens_fill_ack(const struct sock *sk, const struct lens_sock *ls,
			  const struct rate_sample *rs, struct lens_ack *ack)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 una_bytes = 0;

	if (after(tp->snd_una, ls->prior_snd_una))
		una_bytes = tp->snd_una - ls->prior_snd_una;

	ack->snd_una = tp->snd_una;
	ack->snd_nxt = tp->snd_nxt;
	ack->sacked = tp->sacked_out > ls->prior_sacked_out ?
		      tp->sacked_out - ls->prior_sacked_out : 0;
	ack->delivered = rs ? rs->acked_sacked : 0;
	ack->flight_size = tp->packets_out;
	ack->sacked_out = tp->sacked_out;
	ack->pipe = tcp_packets_in_flight(tp);
	ack->prr_out = tp->data_segs_out - ls->reduction_segs_out;
	ack->agg_us = 0;
	if (lens_cc_hspp_tracking(&ls->cc))
		ack->agg_us = lens_hspp_agg_us(sk);
	ack->flags = 0;
	if (tcp_is_cwnd_limited(sk))
		ack->flags |= LENS_ACK_CWND_LIMITED;
	if (!tcp_is_sack(tp))
		ack->flags |= LENS_ACK_NO_SACK;
	lens_ack_rules(ack, una_bytes, tp->mss_cache, rs ? rs->losses : 0);
}

/* The pacing rate tcp_update_pacing_rate() would set (none before an RTT). */
static void lens_set_pacing_rate(struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	const struct net *net = sock_net(sk);
	u32 cwnd = lens_pacing_window(tcp_snd_cwnd(tp), tp->packets_out);
	u32 pct;
	u64 rate;

	if (!tp->srtt_us)
		return;
	pct = lens_pacing_percent(tcp_snd_cwnd(tp), tp->snd_ssthresh,
				  READ_ONCE(net->ipv4.sysctl_tcp_pacing_ss_ratio),
				  READ_ONCE(net->ipv4.sysctl_tcp_pacing_ca_ratio));
	rate = lens_pacing_rate(cwnd, tp->mss_cache, tp->srtt_us >> 3, pct);
	rate = min_t(u64, rate, READ_ONCE(sk->sk_max_pacing_rate));
	WRITE_ONCE(sk->sk_pacing_rate, rate);
}

/* Hand the core's window to the stack. */
static void lens_apply_window(struct sock *sk, const struct lens_sock *ls)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 cwnd;

	cwnd = lens_cc_linux_cwnd(&ls->cc, tp->packets_out, tp->sacked_out);
	tcp_snd_cwnd_set(tp, clamp_t(u32, cwnd, 1, tp->snd_cwnd_clamp));
	tp->snd_ssthresh = ls->cc.ssthresh;
}

/* ... and set the pacing rate for it. */
static void lens_apply(struct sock *sk, struct lens_sock *ls)
{
	lens_apply_window(sk, ls);
	lens_set_pacing_rate(sk);
}

/* An ACK (or a signal) is done with: keep what the next ACK compares. */
static void lens_remember(struct sock *sk, struct lens_sock *ls)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	ls->prior_snd_una = tp->snd_una;
	ls->prior_sacked_out = tp->sacked_out;
	ls->ack_ece = false;
}

static void lens_init(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct lens_sock *ls = lens_sk(sk);
	const struct lens_params *p;

	rcu_read_lock();
	p = lens_params_get();
	if (p->initial_ssthresh)
		tp->snd_ssthresh = p->initial_ssthresh;
	/* internal pacing (tcp_needs_internal_pacing()) unless fq paces */
	if (p->pacing)
		cmpxchg(&sk->sk_pacing_status, SK_PACING_NONE,
			SK_PACING_NEEDED);
	lens_cc_init(&ls->cc, p, tcp_snd_cwnd(tp), tp->snd_nxt);
	rcu_read_unlock();
	lens_cc_sync(&ls->cc, tcp_snd_cwnd(tp), tp->snd_ssthresh);
	lens_remember(sk, ls);
	ls->reduction_segs_out = tp->data_segs_out;
	lens_set_pacing_rate(sk);
	lens_count(sk, LENS_CNT_CONN_INIT);
}

/*
 * release() also runs for sockets init() never saw (see lens_sk_ready());
 * only those that were counted in are counted out.
 */
static void lens_release(struct sock *sk)
{
	if (lens_sk_ready(sk))
		lens_count(sk, LENS_CNT_CONN_RELEASE);
}

/* FlightSize for RFC 5681 equation (4): lens_flight_size(). */
static u32 lens_loss_flight(const struct tcp_sock *tp)
{
	return lens_flight_size(tp->packets_out, tcp_snd_cwnd(tp));
}

/* RFC 5681 equation (4) with beta: max(FlightSize * beta, 2 * SMSS). */
static u32 lens_ssthresh(struct sock *sk)
{
	u32 ssthresh;

	rcu_read_lock();
	ssthresh = lens_loss_ssthresh(lens_loss_flight(tcp_sk(sk)),
				      lens_params_get()->beta);
	rcu_read_unlock();
	return ssthresh;
}

/*
 * RFC 2861 4.3 on the ACK path, where tcp_cwnd_validate() would call
 * tcp_cwnd_application_limited() for another congestion control: a window
 * the sender has not filled for an RTO, in Open state, with the
 * application (not the socket buffer) the limit.
 */
static void lens_validate_cwnd(struct sock *sk, struct lens_sock *ls)
{
	struct tcp_sock *tp = tcp_sk(sk);
	const struct socket *sock = sk->sk_socket;
	struct lens_decision d;

	if (!lens_decay_enabled(sk) || tcp_is_cwnd_limited(sk) ||
	    (s32)(tcp_jiffies32 - tp->snd_cwnd_stamp) < inet_csk(sk)->icsk_rto)
		return;
	if (inet_csk(sk)->icsk_ca_state == TCP_CA_Open && sock &&
	    !test_bit(SOCK_NOSPACE, &sock->flags)) {
		lens_cc_app_limited(&ls->cc, tp->snd_cwnd_used,
				    lens_init_cwnd(sk), &d);
		if (d.reasons) {
			lens_apply(sk, ls);
			lens_count(sk, LENS_CNT_APP_LIMITED);
			lens_report(sk, &d);
		}
		tp->snd_cwnd_used = 0;
	}
	tp->snd_cwnd_stamp = tcp_jiffies32;
}

/*
 * The common ACK of a long flow, which only adds to congestion avoidance's
 * credit: lens_cc_ack_quick() takes it when the glue's own steps would do
 * nothing either, that is when the sender is cwnd-limited (so
 * lens_validate_cwnd() returns at once) and the window lens last set is
 * within the clamp (so lens_apply() would write back the same values).
 */
static bool lens_ack_quick(struct sock *sk, struct lens_sock *ls,
			   const struct lens_params *p)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 cwnd = tcp_snd_cwnd(tp);
	u32 una_bytes = 0;

	if (cwnd > tp->snd_cwnd_clamp || !tcp_is_cwnd_limited(sk))
		return false;
	if (after(tp->snd_una, ls->prior_snd_una))
		una_bytes = tp->snd_una - ls->prior_snd_una;
	return lens_cc_ack_quick(&ls->cc, p, cwnd, tp->snd_ssthresh,
				 una_bytes, tp->mss_cache);
}

/* Every other ACK: the snapshot, the core's full step and its report. */
static void lens_ack_full(struct sock *sk, struct lens_sock *ls,
			  const struct lens_params *p,
			  const struct rate_sample *rs)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct lens_decision d;
	struct lens_ack ack;

	/*
	 * HyStart++'s RTT sample: the stack's ca_rtt_us, which it also hands
	 * pkts_acked() and which follows Karn's rule (none from retransmitted
	 * data). lens_ack_quick() never takes an ACK that HyStart++ watches.
	 */
	lens_cc_rtt_sample(&ls->cc,
			   (s32)clamp_t(long, rs->rtt_us, -1, S32_MAX));
	lens_cc_sync(&ls->cc, tcp_snd_cwnd(tp), tp->snd_ssthresh);
	lens_validate_cwnd(sk, ls);
	lens_fill_ack(sk, ls, rs, &ack);
	lens_cc_on_ack(&ls->cc, p, &ack, &d);
	lens_apply_window(sk, ls);
	lens_report(sk, &d);
}

static void lens_cong_control_impl(struct sock *sk,
				   const struct rate_sample *rs)
{
	struct lens_sock *ls = lens_sk(sk);
	const struct lens_params *p;

	/* The handshake's ACK arrives before init(): nothing to do yet. */
	if (unlikely(!lens_sk_ready(sk)))
		return;

	rcu_read_lock();
	p = lens_params_get();
	if (!lens_ack_quick(sk, ls, p))
		lens_ack_full(sk, ls, p, rs);
	rcu_read_unlock();
	lens_set_pacing_rate(sk);
	lens_remember(sk, ls);
}

TCPLENS_DEFINE_CONG_CONTROL(lens_cong_control, lens_cong_control_impl)

/* Fast retransmit: recovery begins (or goes on from a CWR reduction). */
static void lens_enter_recovery(struct sock *sk, struct lens_sock *ls,
				struct lens_decision *d)
{
	struct tcp_sock *tp = tcp_sk(sk);
	const struct lens_params *p;
	struct lens_ack ack;

	/* from CWR, the episode (and its count of sends) goes on */
	if (ls->cc.phase != LENS_PHASE_CWR)
		ls->reduction_segs_out = tp->data_segs_out;
	lens_fill_ack(sk, ls, NULL, &ack);
	rcu_read_lock();
	p = lens_params_get();
	lens_cc_enter_recovery(&ls->cc, p, lens_loss_flight(tp), tp->high_seq,
			       &ack, d);
	lens_count(sk, p->recovery == LENS_RECOVERY_NEWRENO ?
		   LENS_CNT_RECOVERY_NEWRENO : LENS_CNT_RECOVERY_PRR);
	rcu_read_unlock();
}

/* The retransmission timer fired. */
static void lens_enter_loss(struct sock *sk, struct lens_sock *ls,
			    struct lens_decision *d)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	rcu_read_lock();
	lens_cc_on_rto(&ls->cc, lens_params_get(), tp->packets_out,
		       tp->snd_nxt, d);
	rcu_read_unlock();
	lens_count(sk, LENS_CNT_RTO);
}

/* A reduction without retransmission: ECN-Echo or another cause. */
static void lens_enter_cwr(struct sock *sk, struct lens_sock *ls,
			   struct lens_decision *d)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct lens_ack ack;

	ls->reduction_segs_out = tp->data_segs_out;
	lens_fill_ack(sk, ls, NULL, &ack);
	rcu_read_lock();
	lens_cc_on_cwr(&ls->cc, lens_params_get(), lens_loss_flight(tp),
		       tp->high_seq, ls->ack_ece, &ack, d);
	rcu_read_unlock();
	if (!(d->events & LENS_EV_CWR_IGNORED))
		lens_count(sk, ls->ack_ece ? LENS_CNT_ECN : LENS_CNT_CWR_OTHER);
}

/*
 * The stack tells us about congestion by changing ca_state; set_state()
 * runs just before the change, after ssthresh() was consulted.
 */
static void lens_set_state(struct sock *sk, u8 new_state)
{
	struct lens_sock *ls = lens_sk(sk);
	u8 old_state = inet_csk(sk)->icsk_ca_state;
	struct lens_decision d;

	if (unlikely(!lens_sk_ready(sk)) || new_state == old_state)
		return;

	switch (new_state) {
	case TCP_CA_Recovery:
		lens_enter_recovery(sk, ls, &d);
		break;
	case TCP_CA_Loss:
		lens_enter_loss(sk, ls, &d);
		break;
	case TCP_CA_CWR:
		lens_enter_cwr(sk, ls, &d);
		break;
	case TCP_CA_Open:
	case TCP_CA_Disorder:
		if (old_state != TCP_CA_CWR)
			return;
		lens_cc_cwr_done(&ls->cc, &d);
		break;
	default:
		return;
	}
	lens_apply(sk, ls);
	/*
	 * cong_control() follows for this same ACK: what it acked and SACKed
	 * is already accounted for by the signal (NewReno's ssthresh + 3
	 * includes the duplicate ACK that triggered it).
	 */
	lens_remember(sk, ls);
	lens_report(sk, &d);
}

/*
 * A reduction was spurious (DSACK, F-RTO, timestamps): restore it. The
 * stack (tcp_undo_cwnd_reduction()) sets cwnd to what this returns, then
 * ssthresh to the larger of its own and prior_ssthresh; neither is in tp
 * yet, so the event shows the values they are about to take.
 */
static u32 lens_undo_cwnd(struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	struct lens_sock *ls = lens_sk(sk);
	struct lens_decision d;
	u32 cwnd;

	cwnd = max_t(u32, lens_cc_undo(&ls->cc, &d), 1);
	lens_count(sk, LENS_CNT_UNDO);
	lens_report_as(sk, &d, LENS_REASON_UNDO, cwnd,
		       max(tp->snd_ssthresh, tp->prior_ssthresh));
	return cwnd;
}

/*
 * The stack enters CWR for an ECN-Echo from within the ACK's processing,
 * after this callback; it also enters CWR when its qdisc refuses a segment
 * or a tail loss probe repaired a loss. Remember which ACK echoed CE so the
 * reduction can say why it happened.
 */
static void lens_in_ack_event(struct sock *sk, u32 flags)
{
	lens_sk(sk)->ack_ece = !!(flags & CA_ACK_ECE);
}

/*
 * The first transmission after the pipe emptied. After more than an RTO
 * without sending, RFC 5681 4.1's restart (tcp_cwnd_restart() for other
 * congestion controls; lsndtime still holds the previous send).
 */
static void lens_cwnd_event(struct sock *sk, enum tcp_ca_event ev)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct lens_sock *ls = lens_sk(sk);
	u32 rto = max_t(u32, inet_csk(sk)->icsk_rto, 1);
	struct lens_decision d;
	s32 idle;

	if (ev != CA_EVENT_TX_START || !lens_sk_ready(sk) || tp->packets_out ||
	    !lens_decay_enabled(sk))
		return;
	idle = tcp_jiffies32 - tp->lsndtime;
	if (idle <= (s32)rto)
		return;
	lens_cc_sync(&ls->cc, tcp_snd_cwnd(tp), tp->snd_ssthresh);
	lens_cc_restart_after_idle(&ls->cc, (idle - 1) / rto,
				   lens_init_cwnd(sk), &d);
	tp->snd_cwnd_stamp = tcp_jiffies32;
	tp->snd_cwnd_used = 0;
	if (!d.reasons)
		return;
	lens_apply(sk, ls);
	lens_count(sk, LENS_CNT_IDLE_RESTART);
	lens_report(sk, &d);
}

static struct tcp_congestion_ops tcp_lens_ops __read_mostly = {
	.name = "lens",
	.owner = THIS_MODULE,
	.flags = TCP_CONG_NON_RESTRICTED,
	.init = lens_init,
	.release = lens_release,
	.ssthresh = lens_ssthresh,
	.cong_control = lens_cong_control,
	.set_state = lens_set_state,
	.undo_cwnd = lens_undo_cwnd,
	.in_ack_event = lens_in_ack_event,
	.cwnd_event = lens_cwnd_event,
};

/* ------------------------------------------------------------------------
 * Namespaces and module life.
 */

static unsigned int lens_net_id __read_mostly;

struct lens_net *lens_net(const struct net *net)
{
	return net_generic(net, lens_net_id);
}

static int __net_init lens_net_init(struct net *net)
{
	struct lens_net *ln = lens_net(net);
	int err;

	ln->counters = alloc_percpu(struct lens_counters);
	if (!ln->counters)
		return -ENOMEM;
	err = lens_proc_init_net(net);
	if (err)
		free_percpu(ln->counters);
	return err;
}

static void __net_exit lens_net_exit(struct net *net)
{
	lens_proc_exit_net(net);
	free_percpu(lens_net(net)->counters);
}

static struct pernet_operations lens_net_ops = {
	.init = lens_net_init,
	.exit = lens_net_exit,
	.id = &lens_net_id,
	.size = sizeof(struct lens_net),
};

static int __init tcp_lens_register(void)
{
	int err;

	BUILD_BUG_ON(sizeof(struct lens_cc) > LENS_CC_STATE_MAX);
	BUILD_BUG_ON(sizeof(struct lens_sock) > ICSK_CA_PRIV_SIZE);

	err = register_pernet_subsys(&lens_net_ops);
	if (err)
		return err;
	err = tcp_register_congestion_control(&tcp_lens_ops);
	if (err)
		unregister_pernet_subsys(&lens_net_ops);
	return err;
}

static void __exit tcp_lens_unregister(void)
{
	tcp_unregister_congestion_control(&tcp_lens_ops);
	unregister_pernet_subsys(&lens_net_ops);
	lens_params_free();
}

module_init(tcp_lens_register);
module_exit(tcp_lens_unregister);

MODULE_AUTHOR("The tcplens authors");
MODULE_DESCRIPTION("TCP lens: observable RFC 5681/6582/9937/9406 congestion control");
MODULE_LICENSE("GPL");
MODULE_ALIAS("tcp_lens");
