// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_lens.ko - "lens", a faithful and observable implementation of the
 * classic TCP congestion control of RFC 5681 and its successors.
 *
 * The model. The algorithm itself - slow start with Appropriate Byte
 * Counting (RFC 3465), HyStart++ (RFC 9406), additive increase, fast
 * recovery by NewReno (RFC 5681 3.2, RFC 6582) or Proportional Rate
 * Reduction (RFC 9937), the RTO loss window, ECN reductions and undo - is
 * the pure core in lens_cc_core.c. This file is the shell around it: it
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
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <net/netns/generic.h>
#include <net/tcp.h>

#include "tcplens_compat.h"
#include "lens_cc.h"

#define CREATE_TRACE_POINTS
#include "lens_cc_trace.h"

/* ------------------------------------------------------------------------
 * Parameters: an RCU-published snapshot, replaced whole by every write so
 * that an ACK always sees one consistent set. A write is validated by the
 * core (lens_params_check()) and refused with -EINVAL when out of range.
 */

static struct lens_params lens_params_boot = LENS_PARAMS_DEFAULT;

static struct lens_params __rcu *lens_params_cur = RCU_INITIALIZER(&lens_params_boot);
static DEFINE_MUTEX(lens_params_mutex);

const struct lens_params *lens_params_get(void)
{
	return rcu_dereference(lens_params_cur);
}

/* Replace one u32 field of the parameters, at byte offset @off. */
static int lens_param_update(const char *name, size_t off, u32 val)
{
	struct lens_params *old, *new;
	int err;

	mutex_lock(&lens_params_mutex);
	old = rcu_dereference_protected(lens_params_cur,
					lockdep_is_held(&lens_params_mutex));
	new = kmemdup(old, sizeof(*new), GFP_KERNEL);
	if (!new) {
		err = -ENOMEM;
		goto out;
	}
	*(u32 *)((u8 *)new + off) = val;
	err = lens_params_check(new);
	if (err) {
		pr_err("%s=%u refused: out of range (see modinfo tcp_lens)\n",
		       name, val);
		kfree(new);
		goto out;
	}
	rcu_assign_pointer(lens_params_cur, new);
	if (old != &lens_params_boot) {
		synchronize_rcu();
		kfree(old);
	}
out:
	mutex_unlock(&lens_params_mutex);
	return err;
}

static u32 lens_param_read(size_t off)
{
	u32 val;

	rcu_read_lock();
	val = *(const u32 *)((const u8 *)lens_params_get() + off);
	rcu_read_unlock();
	return val;
}

static size_t lens_param_off(const struct kernel_param *kp)
{
	return (size_t)(uintptr_t)kp->arg;
}

static int lens_param_set_u32(const char *buf, const struct kernel_param *kp)
{
	u32 val;
	int err;

	err = kstrtou32(buf, 0, &val);
	if (err) {
		pr_err("%s: '%s' is not a number\n", kp->name, buf);
		return -EINVAL;
	}
	return lens_param_update(kp->name, lens_param_off(kp), val);
}

static int lens_param_get_u32(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%u\n", lens_param_read(lens_param_off(kp)));
}

static const struct kernel_param_ops lens_param_u32_ops = {
	.set = lens_param_set_u32,
	.get = lens_param_get_u32,
};

/*
 * A boolean, spelt out: kstrtobool() looks at the first letters only and
 * would take "fast" for false and "yak" for true.
 */
static int lens_param_set_bool(const char *buf, const struct kernel_param *kp)
{
	static const char * const words[][2] = {	/* false, true */
		{ "0", "1" }, { "n", "y" }, { "N", "Y" }, { "no", "yes" },
		{ "off", "on" }, { "false", "true" },
	};
	u32 i, val;

	for (i = 0; i < ARRAY_SIZE(words); i++)
		for (val = 0; val < 2; val++)
			if (sysfs_streq(buf, words[i][val]))
				return lens_param_update(kp->name,
							 lens_param_off(kp),
							 val);
	pr_err("%s: '%s' is not a boolean (0/1, y/n, yes/no, on/off, true/false)\n",
	       kp->name, buf);
	return -EINVAL;
}

static const struct kernel_param_ops lens_param_bool_ops = {
	.set = lens_param_set_bool,
	.get = lens_param_get_u32,
};

static int lens_param_set_recovery(const char *buf,
				   const struct kernel_param *kp)
{
	u32 mode;

	for (mode = 0; mode < LENS_RECOVERY_NR; mode++)
		if (sysfs_streq(buf, lens_recovery_mode_name(mode)))
			return lens_param_update(kp->name, lens_param_off(kp),
						 mode);
	pr_err("%s: '%s' is not a recovery mode (newreno, prr)\n",
	       kp->name, buf);
	return -EINVAL;
}

static int lens_param_get_recovery(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  lens_recovery_mode_name(lens_param_read(lens_param_off(kp))));
}

static const struct kernel_param_ops lens_param_recovery_ops = {
	.set = lens_param_set_recovery,
	.get = lens_param_get_recovery,
};

/* kernel_param.arg of each parameter: the offset of its field. */
#define LENS_PARAM_FIELD(field) ((void *)offsetof(struct lens_params, field))

module_param_cb(abc_limit, &lens_param_u32_ops,
		LENS_PARAM_FIELD(abc_limit), 0644);
MODULE_PARM_DESC(abc_limit,
		 "slow-start ABC limit L in segments per ACK, 0 = none [0..8, default 8] (RFC 3465, RFC 9406)");
module_param_cb(hystart, &lens_param_bool_ops, LENS_PARAM_FIELD(hystart), 0644);
MODULE_PARM_DESC(hystart,
		 "use HyStart++ to leave the initial slow start [default 1] (RFC 9406)");
module_param_cb(hystart_min_rtt_thresh_us, &lens_param_u32_ops,
		LENS_PARAM_FIELD(hspp_min_rtt_thresh_us), 0644);
MODULE_PARM_DESC(hystart_min_rtt_thresh_us,
		 "HyStart++ MIN_RTT_THRESH in us [1..1000000, <= max, default 4000]");
module_param_cb(hystart_max_rtt_thresh_us, &lens_param_u32_ops,
		LENS_PARAM_FIELD(hspp_max_rtt_thresh_us), 0644);
MODULE_PARM_DESC(hystart_max_rtt_thresh_us,
		 "HyStart++ MAX_RTT_THRESH in us [1..1000000, >= min, default 16000]");
module_param_cb(hystart_min_rtt_divisor, &lens_param_u32_ops,
		LENS_PARAM_FIELD(hspp_min_rtt_divisor), 0644);
MODULE_PARM_DESC(hystart_min_rtt_divisor,
		 "HyStart++ MIN_RTT_DIVISOR [1..64, default 8]");
module_param_cb(hystart_n_rtt_sample, &lens_param_u32_ops,
		LENS_PARAM_FIELD(hspp_n_rtt_sample), 0644);
MODULE_PARM_DESC(hystart_n_rtt_sample,
		 "HyStart++ N_RTT_SAMPLE, RTT samples per round [1..255, default 8]");
module_param_cb(hystart_css_growth_divisor, &lens_param_u32_ops,
		LENS_PARAM_FIELD(hspp_css_growth_divisor), 0644);
MODULE_PARM_DESC(hystart_css_growth_divisor,
		 "HyStart++ CSS_GROWTH_DIVISOR [2..64, default 4]");
module_param_cb(hystart_css_rounds, &lens_param_u32_ops,
		LENS_PARAM_FIELD(hspp_css_rounds), 0644);
MODULE_PARM_DESC(hystart_css_rounds,
		 "HyStart++ CSS_ROUNDS [1..255, default 5]");
module_param_cb(recovery, &lens_param_recovery_ops,
		LENS_PARAM_FIELD(recovery), 0644);
MODULE_PARM_DESC(recovery,
		 "fast recovery: newreno (RFC 5681+6582) or prr (RFC 9937) [default prr]");
module_param_cb(initial_ssthresh, &lens_param_u32_ops,
		LENS_PARAM_FIELD(initial_ssthresh), 0644);
MODULE_PARM_DESC(initial_ssthresh,
		 "initial ssthresh in segments, 0 = infinite [0 or 2..2147483647, default 0]");
module_param_cb(beta, &lens_param_u32_ops, LENS_PARAM_FIELD(beta), 0644);
MODULE_PARM_DESC(beta,
		 "multiplicative decrease in percent, with alpha = 3(1-beta)/(1+beta) [50..90, default 70] (RFC 9438 4.3; 50 is RFC 5681)");
module_param_cb(beta_ecn, &lens_param_u32_ops, LENS_PARAM_FIELD(beta_ecn), 0644);
MODULE_PARM_DESC(beta_ecn,
		 "multiplicative decrease for an ECN-Echo in percent [50..90, default 80] (RFC 8511 ABE)");
module_param_cb(pacing, &lens_param_bool_ops, LENS_PARAM_FIELD(pacing), 0644);
MODULE_PARM_DESC(pacing,
		 "pace new connections without fq (internal TCP pacing) [default 1]");

/* ------------------------------------------------------------------------
 * Reporting a decision of the core: counters and the tracepoint.
 */

static const u8 lens_ss_exit_counter[LENS_SS_EXIT_NR] = {
	[LENS_SS_EXIT_NONE] = LENS_CNT_NR,
	[LENS_SS_EXIT_SSTHRESH] = LENS_CNT_SS_EXIT_SSTHRESH,
	[LENS_SS_EXIT_HYSTART_DELAY] = LENS_CNT_SS_EXIT_HYSTART_DELAY,
	[LENS_SS_EXIT_CSS] = LENS_CNT_SS_EXIT_CSS,
	[LENS_SS_EXIT_LOSS] = LENS_CNT_SS_EXIT_LOSS,
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

/* Snapshot what the ACK just processed told the stack, in segments. */
static void lens_fill_ack(const struct sock *sk, const struct lens_sock *ls,
			  const struct rate_sample *rs, struct lens_ack *ack)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 mss = max_t(u32, tp->mss_cache, 1);
	u32 una_bytes = 0;

	if (after(tp->snd_una, ls->prior_snd_una))
		una_bytes = tp->snd_una - ls->prior_snd_una;

	ack->snd_una = tp->snd_una;
	ack->snd_nxt = tp->snd_nxt;
	ack->acked = DIV_ROUND_UP(una_bytes, mss);
	ack->sacked = tp->sacked_out > ls->prior_sacked_out ?
		      tp->sacked_out - ls->prior_sacked_out : 0;
	ack->delivered = rs ? rs->acked_sacked : 0;
	ack->flight_size = tp->packets_out;
	ack->sacked_out = tp->sacked_out;
	ack->pipe = tcp_packets_in_flight(tp);
	ack->prr_out = tp->data_segs_out - ls->reduction_segs_out;
	ack->flags = 0;
	/* RFC 9937 SafeACK: SND.UNA advanced and no new loss was detected. */
	if (una_bytes && (!rs || rs->losses <= 0))
		ack->flags |= LENS_ACK_SAFE;
	if (tcp_is_cwnd_limited(sk))
		ack->flags |= LENS_ACK_CWND_LIMITED;
	if (!tcp_is_sack(tp))
		ack->flags |= LENS_ACK_NO_SACK;
	if (una_bytes && una_bytes < mss)
		ack->flags |= LENS_ACK_SUB_SMSS;
}

/* The pacing rate tcp_update_pacing_rate() would set (none before an RTT). */
static void lens_set_pacing_rate(struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	const struct net *net = sock_net(sk);
	u32 cwnd = max(tcp_snd_cwnd(tp), tp->packets_out);
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

/* Hand the core's window to the stack, and set the pacing rate. */
static void lens_apply(struct sock *sk, struct lens_sock *ls)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 cwnd;

	cwnd = lens_cc_linux_cwnd(&ls->cc, tp->packets_out, tp->sacked_out);
	tcp_snd_cwnd_set(tp, clamp_t(u32, cwnd, 1, tp->snd_cwnd_clamp));
	tp->snd_ssthresh = ls->cc.ssthresh;
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

/*
 * FlightSize for RFC 5681 equation (4), without what Limited Transmit sent
 * (RFC 5681 3.2 step 2). Linux's Limited Transmit is the Disorder state
 * sending while SACKs shrink the pipe below an unchanged cwnd, so the
 * segments out beyond cwnd are exactly those; outside Disorder
 * packets_out does not exceed cwnd and this is packets_out.
 */
static u32 lens_loss_flight(const struct tcp_sock *tp)
{
	return min(tp->packets_out, tcp_snd_cwnd(tp));
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

static void lens_cong_control_impl(struct sock *sk,
				   const struct rate_sample *rs)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct lens_sock *ls = lens_sk(sk);
	struct lens_decision d;
	struct lens_ack ack;

	/* The handshake's ACK arrives before init(): nothing to do yet. */
	if (unlikely(!lens_sk_ready(sk)))
		return;

	if (!lens_cc_in_recovery(&ls->cc))
		lens_cc_sync(&ls->cc, tcp_snd_cwnd(tp), tp->snd_ssthresh);
	lens_validate_cwnd(sk, ls);
	lens_fill_ack(sk, ls, rs, &ack);
	rcu_read_lock();
	lens_cc_on_ack(&ls->cc, lens_params_get(), &ack, &d);
	rcu_read_unlock();
	lens_apply(sk, ls);
	lens_remember(sk, ls);
	lens_report(sk, &d);
}

TCPLENS_DEFINE_CONG_CONTROL(lens_cong_control, lens_cong_control_impl)

/*
 * The stack tells us about congestion by changing ca_state; set_state()
 * runs just before the change, after ssthresh() was consulted.
 */
static void lens_set_state(struct sock *sk, u8 new_state)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct lens_sock *ls = lens_sk(sk);
	u8 old_state = inet_csk(sk)->icsk_ca_state;
	struct lens_decision d;
	struct lens_ack ack;

	if (unlikely(!lens_sk_ready(sk)) || new_state == old_state)
		return;

	switch (new_state) {
	case TCP_CA_Recovery:
		/* from CWR, the episode (and its count of sends) goes on */
		if (ls->cc.phase != LENS_PHASE_CWR)
			ls->reduction_segs_out = tp->data_segs_out;
		lens_fill_ack(sk, ls, NULL, &ack);
		rcu_read_lock();
		lens_cc_enter_recovery(&ls->cc, lens_params_get(),
				       lens_loss_flight(tp), tp->high_seq,
				       &ack, &d);
		lens_count(sk, lens_params_get()->recovery == LENS_RECOVERY_NEWRENO ?
			   LENS_CNT_RECOVERY_NEWRENO : LENS_CNT_RECOVERY_PRR);
		rcu_read_unlock();
		break;
	case TCP_CA_Loss:
		rcu_read_lock();
		lens_cc_on_rto(&ls->cc, lens_params_get(), tp->packets_out,
			       tp->snd_nxt, &d);
		rcu_read_unlock();
		lens_count(sk, LENS_CNT_RTO);
		break;
	case TCP_CA_CWR:
		ls->reduction_segs_out = tp->data_segs_out;
		lens_fill_ack(sk, ls, NULL, &ack);
		rcu_read_lock();
		lens_cc_on_cwr(&ls->cc, lens_params_get(), lens_loss_flight(tp),
			       tp->high_seq, ls->ack_ece, &ack, &d);
		rcu_read_unlock();
		if (!(d.events & LENS_EV_CWR_IGNORED))
			lens_count(sk, ls->ack_ece ? LENS_CNT_ECN :
				   LENS_CNT_CWR_OTHER);
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

/* Karn's rule: the stack's sample never comes from retransmitted data. */
static void lens_pkts_acked(struct sock *sk, const struct ack_sample *sample)
{
	struct lens_sock *ls = lens_sk(sk);

	if (sample->rtt_us > 0 && lens_sk_ready(sk))
		lens_cc_rtt_sample(&ls->cc, sample->rtt_us);
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
	.pkts_acked = lens_pkts_acked,
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
	struct lens_params *p;

	tcp_unregister_congestion_control(&tcp_lens_ops);
	unregister_pernet_subsys(&lens_net_ops);
	p = rcu_dereference_protected(lens_params_cur, true);
	if (p != &lens_params_boot)
		kfree(p);
}

module_init(tcp_lens_register);
module_exit(tcp_lens_unregister);

MODULE_AUTHOR("The tcplens authors");
MODULE_DESCRIPTION("TCP lens: observable RFC 5681/6582/9937/9406 congestion control");
MODULE_LICENSE("GPL");
MODULE_ALIAS("tcp_lens");
