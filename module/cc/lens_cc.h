/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lens_cc.h - what the pieces of tcp_lens.ko share: the per-socket private
 * area, the list of live connections, the per-namespace counters and the
 * parameters. Internal to the module.
 */
#ifndef _LENS_CC_H
#define _LENS_CC_H

#include <linux/percpu.h>
#include <net/inet_connection_sock.h>

#include "core/lens_cc_core.h"

/*
 * The congestion-control private area of a socket (icsk_ca_priv): the pure
 * core's state plus what the glue needs to turn an ACK into a struct lens_ack.
 */
struct lens_sock {
	struct lens_cc cc;	/* the algorithm's state (lens_cc_core.h) */
	bool ack_ece;		/* the ACK being processed echoed CE */
	u32 prior_snd_una;	/* SND.UNA after the previous ACK */
	u32 prior_sacked_out;	/* tp->sacked_out after the previous ACK */
	u32 reduction_segs_out;	/* tp->data_segs_out when the reduction
				 * episode began: PRR's prr_out is the
				 * difference (the stack's tp->prr_out is
				 * not reset when recovery follows CWR)
				 */
};

static inline struct lens_sock *lens_sk(const struct sock *sk)
{
	return inet_csk_ca(sk);
}

/*
 * True once init() ran for this socket: the stack sets icsk_ca_initialized
 * right after it. A child socket that never reached ESTABLISHED carries a
 * copy of its listener's private area, and must not be taken for one.
 */
static inline bool lens_sk_ready(const struct sock *sk)
{
	return inet_csk(sk)->icsk_ca_initialized;
}

/* True if @sk (a full socket) runs lens and init() ran for it. */
bool lens_sk_is_lens(const struct sock *sk);

/* Per-namespace counters of /proc/net/tcplens/cc, in file order. */
enum lens_counter {
	LENS_CNT_CONN_INIT,
	LENS_CNT_CONN_RELEASE,
	LENS_CNT_SS_EXIT_SSTHRESH,
	LENS_CNT_SS_EXIT_HYSTART_DELAY,
	LENS_CNT_SS_EXIT_CSS,
	LENS_CNT_SS_EXIT_LOSS,
	LENS_CNT_CSS_SPURIOUS,
	LENS_CNT_RECOVERY_NEWRENO,
	LENS_CNT_RECOVERY_PRR,
	LENS_CNT_PARTIAL_ACK,
	LENS_CNT_FULL_ACK,
	LENS_CNT_RTO,
	LENS_CNT_UNDO,
	LENS_CNT_ECN,
	LENS_CNT_CWR_OTHER,
	LENS_CNT_IDLE_RESTART,
	LENS_CNT_APP_LIMITED,
	LENS_CNT_HSPP_AGG_HELD,
	LENS_CNT_HSPP_NOT_LIMITED,
	LENS_CNT_SS_EXIT_CSS_RISE,
	LENS_CNT_SS_EXIT_HYSTART_BLOCK,
	LENS_CNT_NR,
};

struct lens_counters {
	u64 v[LENS_CNT_NR];
};

struct lens_net {
	struct lens_counters __percpu *counters;
};

struct lens_net *lens_net(const struct net *net);

static inline void lens_count(const struct sock *sk, enum lens_counter c)
{
	this_cpu_inc(lens_net(sock_net(sk))->counters->v[c]);
}

/* lens_cc_params.c: the parameters in force, under rcu_read_lock() */
const struct lens_params *lens_params_get(void);
void lens_params_free(void);

/* lens_cc_proc.c */
int lens_proc_init_net(struct net *net);
void lens_proc_exit_net(struct net *net);

#endif /* _LENS_CC_H */
