// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/tcplens/cc and /proc/net/tcplens/cc_conns: what lens decided,
 * per network namespace. The formats are documented in the README and are
 * stable: new keys and columns are only ever appended.
 *
 *   cc        "key value" lines: the counters, then the parameters
 *   cc_conns  a header line, then one line per live lens connection
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/ipv6.h>
#include <net/tcp.h>

#include "tcplens_common.h"
#include "lens_cc.h"

static const char *const lens_counter_names[LENS_CNT_NR] = {
	[LENS_CNT_CONN_INIT] = "conn_init",
	[LENS_CNT_CONN_RELEASE] = "conn_release",
	[LENS_CNT_SS_EXIT_SSTHRESH] = "ss_exit_ssthresh",
	[LENS_CNT_SS_EXIT_HYSTART_DELAY] = "ss_exit_hystart_delay",
	[LENS_CNT_SS_EXIT_CSS] = "ss_exit_css",
	[LENS_CNT_SS_EXIT_LOSS] = "ss_exit_loss",
	[LENS_CNT_CSS_SPURIOUS] = "css_spurious",
	[LENS_CNT_RECOVERY_NEWRENO] = "recovery_newreno",
	[LENS_CNT_RECOVERY_PRR] = "recovery_prr",
	[LENS_CNT_PARTIAL_ACK] = "partial_ack",
	[LENS_CNT_FULL_ACK] = "full_ack",
	[LENS_CNT_RTO] = "rto",
	[LENS_CNT_UNDO] = "undo",
	[LENS_CNT_ECN] = "ecn",
	[LENS_CNT_CWR_OTHER] = "cwr_other",
};

/* Socket states as `ss` names them. */
static const char *lens_sk_state_name(int state)
{
	static const char *const names[] = {
		[TCP_ESTABLISHED] = "ESTAB",
		[TCP_SYN_SENT] = "SYN-SENT",
		[TCP_SYN_RECV] = "SYN-RECV",
		[TCP_FIN_WAIT1] = "FIN-WAIT-1",
		[TCP_FIN_WAIT2] = "FIN-WAIT-2",
		[TCP_TIME_WAIT] = "TIME-WAIT",
		[TCP_CLOSE] = "UNCONN",
		[TCP_CLOSE_WAIT] = "CLOSE-WAIT",
		[TCP_LAST_ACK] = "LAST-ACK",
		[TCP_LISTEN] = "LISTEN",
		[TCP_CLOSING] = "CLOSING",
	};

	if (state >= 0 && state < ARRAY_SIZE(names) && names[state])
		return names[state];
	return "UNKNOWN";
}

static struct sock *lens_sock_sk(const struct lens_sock *ls)
{
	return (struct sock *)((char *)ls -
			       offsetof(struct inet_connection_sock, icsk_ca_priv));
}

static int lens_cc_show(struct seq_file *seq, void *v)
{
	struct lens_net *ln = lens_net(seq_file_single_net(seq));
	const struct lens_params *p;
	u64 sum[LENS_CNT_NR] = {};
	int cpu, i;

	for_each_possible_cpu(cpu) {
		const struct lens_counters *c = per_cpu_ptr(ln->counters, cpu);

		for (i = 0; i < LENS_CNT_NR; i++)
			sum[i] += READ_ONCE(c->v[i]);
	}
	for (i = 0; i < LENS_CNT_NR; i++)
		seq_printf(seq, "%s %llu\n", lens_counter_names[i], sum[i]);

	rcu_read_lock();
	p = lens_params_get();
	seq_printf(seq, "param_abc_limit %u\n", p->abc_limit);
	seq_printf(seq, "param_hystart %u\n", p->hystart);
	seq_printf(seq, "param_hystart_min_rtt_thresh_us %u\n", p->hspp_min_rtt_thresh_us);
	seq_printf(seq, "param_hystart_max_rtt_thresh_us %u\n", p->hspp_max_rtt_thresh_us);
	seq_printf(seq, "param_hystart_min_rtt_divisor %u\n", p->hspp_min_rtt_divisor);
	seq_printf(seq, "param_hystart_n_rtt_sample %u\n", p->hspp_n_rtt_sample);
	seq_printf(seq, "param_hystart_css_growth_divisor %u\n", p->hspp_css_growth_divisor);
	seq_printf(seq, "param_hystart_css_rounds %u\n", p->hspp_css_rounds);
	seq_printf(seq, "param_recovery %s\n", lens_recovery_mode_name(p->recovery));
	seq_printf(seq, "param_initial_ssthresh %u\n", p->initial_ssthresh);
	rcu_read_unlock();
	return 0;
}

/* cc_conns: walk the global list under its lock, this namespace only. */
static void *lens_conns_start(struct seq_file *seq, loff_t *pos)
	__acquires(&lens_conns_lock)
{
	spin_lock_bh(&lens_conns_lock);
	return seq_list_start_head(&lens_conns, *pos);
}

static void *lens_conns_next(struct seq_file *seq, void *v, loff_t *pos)
{
	return seq_list_next(v, &lens_conns, pos);
}

static void lens_conns_stop(struct seq_file *seq, void *v)
	__releases(&lens_conns_lock)
{
	spin_unlock_bh(&lens_conns_lock);
}

static void lens_conns_show_addr(struct seq_file *seq, const struct sock *sk,
				 bool local)
{
	u16 port = local ? sk->sk_num : ntohs(sk->sk_dport);

#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		seq_printf(seq, "[%pI6c]:%u ", local ? &sk->sk_v6_rcv_saddr :
			   &sk->sk_v6_daddr, port);
		return;
	}
#endif
	seq_printf(seq, "%pI4:%u ", local ? &sk->sk_rcv_saddr : &sk->sk_daddr,
		   port);
}

static int lens_conns_show(struct seq_file *seq, void *v)
{
	const struct lens_sock *ls;
	const struct tcp_sock *tp;
	const struct lens_cc *cc;
	struct sock *sk;

	if (v == &lens_conns) {
		seq_puts(seq, "local remote state phase cwnd ssthresh srtt_us min_rtt_us flight recovery_point recoveries partial_acks full_acks rtos undos ecn cwr_other\n");
		return 0;
	}
	ls = list_entry(v, struct lens_sock, node);
	sk = lens_sock_sk(ls);
	if (!net_eq(sock_net(sk), seq_file_net(seq)))
		return 0;
	tp = tcp_sk(sk);
	cc = &ls->cc;

	lens_conns_show_addr(seq, sk, true);
	lens_conns_show_addr(seq, sk, false);
	seq_printf(seq, "%s %s %u %u %u %u %u ",
		   lens_sk_state_name(READ_ONCE(sk->sk_state)),
		   lens_phase_name(READ_ONCE(cc->phase)),
		   tcp_snd_cwnd(tp), READ_ONCE(tp->snd_ssthresh),
		   READ_ONCE(tp->srtt_us) >> 3, tcp_min_rtt(tp),
		   tcp_packets_in_flight(tp));
	if (lens_cc_in_recovery(cc))
		seq_printf(seq, "%u ", READ_ONCE(cc->recovery_point));
	else
		seq_puts(seq, "- ");
	seq_printf(seq, "%u %u %u %u %u %u %u\n",
		   cc->stats.recoveries, cc->stats.partial_acks,
		   cc->stats.full_acks, cc->stats.rtos, cc->stats.undos,
		   cc->stats.ecn_reductions, cc->stats.cwr_reductions);
	return 0;
}

static const struct seq_operations lens_conns_seq_ops = {
	.start = lens_conns_start,
	.next = lens_conns_next,
	.stop = lens_conns_stop,
	.show = lens_conns_show,
};

int lens_proc_init_net(struct net *net)
{
	struct proc_dir_entry *dir = tcplens_proc_dir(net);

	if (!proc_create_net_single("cc", 0444, dir, lens_cc_show, NULL))
		return -ENOMEM;
	if (!proc_create_net("cc_conns", 0444, dir, &lens_conns_seq_ops,
			     sizeof(struct seq_net_private))) {
		remove_proc_entry("cc", dir);
		return -ENOMEM;
	}
	return 0;
}

void lens_proc_exit_net(struct net *net)
{
	struct proc_dir_entry *dir = tcplens_proc_dir(net);

	remove_proc_entry("cc_conns", dir);
	remove_proc_entry("cc", dir);
}
