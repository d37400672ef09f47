// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/tcplens/cc and /proc/net/tcplens/cc_conns: what lens decided,
 * per network namespace. The formats are documented in the README and are
 * stable: new keys and columns are only ever appended.
 *
 *   cc        "key value" lines: the counters, then the parameters
 *   cc_conns  a header line, then one line per live lens connection
 */
#include <linux/mm.h>
#include <linux/overflow.h>
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
	[LENS_CNT_IDLE_RESTART] = "idle_restart",
	[LENS_CNT_APP_LIMITED] = "app_limited",
	[LENS_CNT_HSPP_AGG_HELD] = "hystart_agg_held",
	[LENS_CNT_HSPP_NOT_LIMITED] = "hystart_not_limited",
	[LENS_CNT_SS_EXIT_CSS_RISE] = "ss_exit_css_rise",
	[LENS_CNT_SS_EXIT_HYSTART_BLOCK] = "ss_exit_hystart_block",
};

/* Who paces the socket: nobody, TCP itself (lens's pacing=1), or fq. */
static const char *lens_pacing_name(u8 status)
{
	switch (status) {
	case SK_PACING_NONE:
		return "none";
	case SK_PACING_NEEDED:
		return "internal";
	case SK_PACING_FQ:
		return "fq";
	default:
		return "unknown";
	}
}

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
	seq_printf(seq, "param_hystart_ack_delay %u\n", p->hspp_ack_delay);
	seq_printf(seq, "param_hystart_cwnd_limited %u\n", p->hspp_cwnd_limited);
	seq_printf(seq, "param_hystart_css_rise %u\n", p->hspp_css_rise);
	seq_printf(seq, "param_hystart_block %u\n", p->hspp_block);
	seq_printf(seq, "param_recovery %s\n", lens_recovery_mode_name(p->recovery));
	seq_printf(seq, "param_initial_ssthresh %u\n", p->initial_ssthresh);
	seq_printf(seq, "param_beta %u\n", p->beta);
	seq_printf(seq, "param_beta_ecn %u\n", p->beta_ecn);
	seq_printf(seq, "param_pacing %u\n", p->pacing);
	rcu_read_unlock();
	return 0;
}

/*
 * cc_conns: a snapshot taken at open(), as ss(8) takes one. lens keeps no
 * list of its own (that would put a host-wide lock on every connect and
 * close): open() walks the namespace's TCP established hash as
 * /proc/net/tcp does, one bucket lock at a time, copying the rows of the
 * sockets that run lens, and read() formats the copy.
 */
struct lens_conn_row {
	struct in6_addr laddr, raddr;	/* IPv4 in the first word */
	u16 lport, rport;
	u8 family;			/* AF_INET or AF_INET6 */
	u8 state;			/* sk_state */
	u8 phase;			/* enum lens_phase */
	u8 pacing;			/* sk_pacing_status */
	bool in_recovery;
	u32 cwnd, ssthresh, srtt_us, min_rtt_us, flight, recovery_point;
	struct lens_cc_stats stats;
};

struct lens_conns_snap {
	u32 n;				/* rows filled */
	struct lens_conn_row rows[];
};

#define LENS_CONNS_SLACK	64	/* rows for connections opened meanwhile */

static void lens_conn_row_fill(struct lens_conn_row *row, struct sock *sk,
			       const struct lens_sock *ls)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	const struct lens_cc *cc = &ls->cc;

	memset(row, 0, sizeof(*row));
	row->family = sk->sk_family;
	row->lport = sk->sk_num;
	row->rport = ntohs(sk->sk_dport);
	row->laddr.s6_addr32[0] = sk->sk_rcv_saddr;
	row->raddr.s6_addr32[0] = sk->sk_daddr;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		row->laddr = sk->sk_v6_rcv_saddr;
		row->raddr = sk->sk_v6_daddr;
	}
#endif
	row->state = READ_ONCE(sk->sk_state);
	row->phase = READ_ONCE(cc->phase);
	row->pacing = READ_ONCE(sk->sk_pacing_status);
	row->in_recovery = lens_cc_in_recovery(cc);
	row->cwnd = tcp_snd_cwnd(tp);
	row->ssthresh = READ_ONCE(tp->snd_ssthresh);
	row->srtt_us = READ_ONCE(tp->srtt_us) >> 3;
	row->min_rtt_us = tcp_min_rtt(tp);
	row->flight = tcp_packets_in_flight(tp);
	row->recovery_point = READ_ONCE(cc->recovery_point);
	row->stats = cc->stats;
}

/* A full socket of @net that runs lens (the chains hold every family). */
static bool lens_conns_match(struct sock *sk, struct net *net)
{
	return sk_fullsock(sk) && net_eq(sock_net(sk), net) &&
	       lens_sk_is_lens(sk);
}

/*
 * Walk @net's established hash, bucket by bucket under the bucket's lock;
 * with @snap, copy up to its capacity. Return: the lens sockets seen.
 */
static u32 lens_conns_walk(struct net *net, struct lens_conns_snap *snap,
			   u32 cap)
{
	struct inet_hashinfo *hinfo = net->ipv4.tcp_death_row.hashinfo;
	u32 bucket, seen = 0;

	for (bucket = 0; bucket <= hinfo->ehash_mask; bucket++) {
		struct inet_ehash_bucket *head = &hinfo->ehash[bucket];
		spinlock_t *lock = inet_ehash_lockp(hinfo, bucket);
		struct hlist_nulls_node *node;
		struct sock *sk;

		if (hlist_nulls_empty(&head->chain))
			continue;
		spin_lock_bh(lock);
		sk_nulls_for_each(sk, node, &head->chain) {
			if (!lens_conns_match(sk, net))
				continue;
			seen++;
			if (snap && snap->n < cap)
				lens_conn_row_fill(&snap->rows[snap->n++], sk,
						   lens_sk(sk));
		}
		spin_unlock_bh(lock);
		cond_resched();
	}
	return seen;
}

static struct lens_conns_snap *lens_conns_snapshot(struct net *net)
{
	struct lens_conns_snap *snap;
	u32 cap = lens_conns_walk(net, NULL, 0) + LENS_CONNS_SLACK;

	snap = kvmalloc(struct_size(snap, rows, cap), GFP_KERNEL_ACCOUNT);
	if (!snap)
		return NULL;
	snap->n = 0;
	lens_conns_walk(net, snap, cap);
	return snap;
}

static void *lens_conns_start(struct seq_file *seq, loff_t *pos)
{
	struct lens_conns_snap *snap = seq->private;

	if (!*pos)
		return SEQ_START_TOKEN;
	return *pos <= snap->n ? &snap->rows[*pos - 1] : NULL;
}

static void *lens_conns_next(struct seq_file *seq, void *v, loff_t *pos)
{
	++*pos;
	return lens_conns_start(seq, pos);
}

static void lens_conns_stop(struct seq_file *seq, void *v)
{
}

static void lens_conns_show_addr(struct seq_file *seq,
				 const struct lens_conn_row *row, bool local)
{
	const struct in6_addr *a = local ? &row->laddr : &row->raddr;
	u16 port = local ? row->lport : row->rport;

	if (row->family == AF_INET6)
		seq_printf(seq, "[%pI6c]:%u ", a, port);
	else
		seq_printf(seq, "%pI4:%u ", &a->s6_addr32[0], port);
}

static int lens_conns_show(struct seq_file *seq, void *v)
{
	const struct lens_conn_row *row = v;

	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, "local remote state phase cwnd ssthresh srtt_us min_rtt_us flight recovery_point recoveries partial_acks full_acks rtos undos ecn cwr_other idle_restarts app_limited pacing\n");
		return 0;
	}
	lens_conns_show_addr(seq, row, true);
	lens_conns_show_addr(seq, row, false);
	seq_printf(seq, "%s %s %u %u %u %u %u ",
		   lens_sk_state_name(row->state), lens_phase_name(row->phase),
		   row->cwnd, row->ssthresh, row->srtt_us, row->min_rtt_us,
		   row->flight);
	if (row->in_recovery)
		seq_printf(seq, "%u ", row->recovery_point);
	else
		seq_puts(seq, "- ");
	seq_printf(seq, "%u %u %u %u %u %u %u %u %u %s\n",
		   row->stats.recoveries, row->stats.partial_acks,
		   row->stats.full_acks, row->stats.rtos, row->stats.undos,
		   row->stats.ecn_reductions, row->stats.cwr_reductions,
		   row->stats.idle_restarts, row->stats.app_limited,
		   lens_pacing_name(row->pacing));
	return 0;
}

static const struct seq_operations lens_conns_seq_ops = {
	.start = lens_conns_start,
	.next = lens_conns_next,
	.stop = lens_conns_stop,
	.show = lens_conns_show,
};

static int lens_conns_open(struct inode *inode, struct file *file)
{
	struct lens_conns_snap *snap;
	int err;

	/* open() runs with the entry in use: the namespace is still there */
	snap = lens_conns_snapshot(pde_data(inode));
	if (!snap)
		return -ENOMEM;
	err = seq_open(file, &lens_conns_seq_ops);
	if (err) {
		kvfree(snap);
		return err;
	}
	((struct seq_file *)file->private_data)->private = snap;
	return 0;
}

static int lens_conns_release(struct inode *inode, struct file *file)
{
	kvfree(((struct seq_file *)file->private_data)->private);
	return seq_release(inode, file);
}

static const struct proc_ops lens_conns_proc_ops = {
	.proc_open = lens_conns_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = lens_conns_release,
};

int lens_proc_init_net(struct net *net)
{
	struct proc_dir_entry *dir = tcplens_proc_dir(net);

	if (!proc_create_net_single("cc", 0444, dir, lens_cc_show, NULL))
		return -ENOMEM;
	if (!proc_create_data("cc_conns", 0444, dir, &lens_conns_proc_ops,
			      net)) {
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
