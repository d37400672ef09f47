// SPDX-License-Identifier: GPL-2.0
/*
 * tcplens_obs_proc.c - the observer's files in /proc/net/tcplens/.
 *
 * Each file shows its own namespace only and starts with a header line
 * naming the columns. Fields are separated by one space; states use the
 * kernel's names (ESTABLISHED, FIN_WAIT1, ..., CLOSE); addresses are
 * a.b.c.d:port or [v6]:port; times are milliseconds.
 *
 * states      "state count": entries per state, every state listed.
 * conns       one line per tracked connection:
 *               family local remote state ms_in_state ms_idle
 *               mss_local mss_remote wscale_local wscale_remote
 *               retrans zero_win win_probes keepalives rsts flags
 *             family is ipv4/ipv6; mss_* is the MSS option of that side's
 *             SYN (0: SYN or option not seen); wscale_* its window scale
 *             (-: SYN not seen, 0: a SYN without the option); the
 *             counters count segments of both directions (retransmitted,
 *             advertising a zero window, window probes, keepalives, RSTs
 *             whether acceptable or not) and saturate at 65535; flags is
 *             "fwd" for an entry of forwarded traffic (local =
 *             responder), else "-".
 *             A read resumes where the previous chunk ended: reading the
 *             whole file is linear in the table size.
 * anomalies   "kind family local remote count oldest_ms raised_ms", one
 *             line per raised anomaly: local is the service port or "*",
 *             remote "addr:port", "*:port" or "*"; count is connections
 *             (RSTs in the last second for rst_storm); oldest_ms the age
 *             of the oldest; raised_ms the time since it was raised.
 *             Then "total kind raised cleared active" and one
 *             "total <kind> ..." line per kind.
 * ports       "port <state>... close_wait_age fin_wait2_age time_wait_age":
 *             per local port, entries per state (CLOSE .. LAST_ACK), then
 *             three histograms of time in state, 16 comma-separated log2
 *             buckets: < 1 s, [1, 2) s, [2, 4) s ... >= 2^14 s. Built
 *             once at open(); "truncated N" at the end if ports were left
 *             out (the table grew while it was built).
 * stats       "name value" lines: packets, parse_<outcome> per parser
 *             outcome, entries, max_tracked, object_size (bytes per entry,
 *             the slab's), hash_buckets, created, evicted, refused,
 *             alloc_failed, expired_<reason>, wheel_ticks, wheel_expired,
 *             wheel_pending, tick_ms, wheel_slots, anomaly_records,
 *             anomaly_records_dropped, anomaly_rescans, rst_untracked,
 *             host_entries and max_total (all namespaces together).
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/vmalloc.h>
#include <net/net_namespace.h>

#include "tcplens_common.h"
#include "tcplens_obs.h"

#define TCPLENS_PORTS		65536	/* port numbers */
#define TCPLENS_HIST_KINDS	3	/* CLOSE_WAIT, FIN_WAIT2, TIME_WAIT */

static const char *const tcplens_obs_kill_names[TCPLENS_KILL_COUNT] = {
	[TCPLENS_KILL_CLOSED]		= "closed",
	[TCPLENS_KILL_TIME_WAIT]	= "time_wait",
	[TCPLENS_KILL_IDLE]		= "idle",
	[TCPLENS_KILL_EVICT]		= "evict",
	[TCPLENS_KILL_FLUSH]		= "flush",
};

static void tcplens_seq_addr(struct seq_file *seq, u8 family,
			     const union tcplens_addr *a, u16 port)
{
	if (family == 4)
		seq_printf(seq, " %pI4:%u", a->b, port);
	else
		seq_printf(seq, " [%pI6c]:%u", a->b, port);
}

/* ---- states ------------------------------------------------------------ */

static void tcplens_sum_stats(struct tcplens_obs_net *on,
			      struct tcplens_obs_stats *sum)
{
	int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct tcplens_obs_stats *s = per_cpu_ptr(on->stats, cpu);

		sum->packets += READ_ONCE(s->packets);
		for (i = 0; i < TCPLENS_PARSE_RESULT_COUNT; i++)
			sum->parse[i] += READ_ONCE(s->parse[i]);
		sum->created += READ_ONCE(s->created);
		sum->evicted += READ_ONCE(s->evicted);
		sum->refused += READ_ONCE(s->refused);
		sum->alloc_failed += READ_ONCE(s->alloc_failed);
		sum->rst_untracked += READ_ONCE(s->rst_untracked);
		for (i = 0; i < TCPLENS_STATE_COUNT; i++)
			sum->states[i] += READ_ONCE(s->states[i]);
	}
}

static int tcplens_states_show(struct seq_file *seq, void *v)
{
	struct tcplens_obs_net *on = tcplens_obs_net(seq_file_single_net(seq));
	struct tcplens_obs_stats sum;
	int i;

	tcplens_sum_stats(on, &sum);
	seq_puts(seq, "state count\n");
	for (i = TCPLENS_STATE_CLOSED; i < TCPLENS_STATE_COUNT; i++)
		seq_printf(seq, "%s %d\n", tcplens_state_name(i),
			   max(sum.states[i], 0));
	return 0;
}

/* ---- stats ------------------------------------------------------------- */

static int tcplens_stats_show(struct seq_file *seq, void *v)
{
	struct tcplens_obs_net *on = tcplens_obs_net(seq_file_single_net(seq));
	u64 killed[TCPLENS_KILL_COUNT], ticks, expired;
	u32 pending, nrec;
	struct tcplens_obs_stats sum;
	int i;

	tcplens_sum_stats(on, &sum);
	spin_lock_bh(&on->tlock);
	memcpy(killed, on->killed, sizeof(killed));
	ticks = on->timer.ticks;
	expired = on->timer.wheel.expired;
	pending = tcplens_wheel_pending(&on->timer.wheel);
	nrec = on->anom.nrec;
	spin_unlock_bh(&on->tlock);

	seq_puts(seq, "name value\n");
	seq_printf(seq, "packets %llu\n", sum.packets);
	for (i = 0; i < TCPLENS_PARSE_RESULT_COUNT; i++)
		seq_printf(seq, "parse_%s %llu\n", tcplens_parse_result_name(i),
			   sum.parse[i]);
	seq_printf(seq, "entries %d\n", atomic_read(&on->count));
	seq_printf(seq, "max_tracked %u\n",
		   READ_ONCE(on->conf.tun[TCPLENS_TUN_MAX_TRACKED]));
	seq_printf(seq, "object_size %u\n", tcplens_obs_conn_size());
	seq_printf(seq, "hash_buckets %u\n", tcplens_obs_table_buckets());
	seq_printf(seq, "created %llu\n", sum.created);
	seq_printf(seq, "evicted %llu\n", sum.evicted);
	seq_printf(seq, "refused %llu\n", sum.refused);
	seq_printf(seq, "alloc_failed %llu\n", sum.alloc_failed);
	for (i = 0; i < TCPLENS_KILL_COUNT; i++)
		seq_printf(seq, "expired_%s %llu\n", tcplens_obs_kill_names[i],
			   killed[i]);
	seq_printf(seq, "wheel_ticks %llu\n", ticks);
	seq_printf(seq, "wheel_expired %llu\n", expired);
	seq_printf(seq, "wheel_pending %u\n", pending);
	seq_printf(seq, "tick_ms %u\n", tcplens_obs_tick_ms);
	seq_printf(seq, "wheel_slots %u\n", tcplens_obs_wheel_slots);
	seq_printf(seq, "anomaly_records %u\n", nrec);
	seq_printf(seq, "anomaly_records_dropped %llu\n", on->anom.rec_dropped);
	seq_printf(seq, "anomaly_rescans %llu\n", on->anom.rescans);
	seq_printf(seq, "rst_untracked %llu\n", sum.rst_untracked);
	seq_printf(seq, "host_entries %u\n", tcplens_obs_host_entries());
	seq_printf(seq, "max_total %u\n", tcplens_obs_max_total);
	return 0;
}

/* ---- anomalies --------------------------------------------------------- */

static int tcplens_anomalies_show(struct seq_file *seq, void *v)
{
	struct tcplens_obs_net *on = tcplens_obs_net(seq_file_single_net(seq));
	u32 now = jiffies, active[TCPLENS_ANOM_COUNT] = {};
	struct tcplens_anom_rec *r;
	unsigned int i;

	seq_puts(seq, "kind family local remote count oldest_ms raised_ms\n");
	spin_lock_bh(&on->tlock);
	for (i = 0; i < TCPLENS_AREC_BUCKETS; i++) {
		hlist_for_each_entry(r, &on->anom.arec[i], node) {
			if (!r->raised)
				continue;
			active[r->kind]++;
			seq_printf(seq, "%s ipv%u ", tcplens_anomaly_name(r->kind),
				   r->family);
			if (r->lport)
				seq_printf(seq, "%u", r->lport);
			else
				seq_puts(seq, "*");
			if (r->lport)
				seq_puts(seq, " *");
			else if (r->raddr.w[0] || r->raddr.w[1] ||
				 r->raddr.w[2] || r->raddr.w[3])
				tcplens_seq_addr(seq, r->family, &r->raddr,
						 r->rport);
			else
				seq_printf(seq, " *:%u", r->rport);
			seq_printf(seq, " %u %u %u\n", r->count,
				   tcplens_obs_jiffies_ms(r->oldest, now),
				   tcplens_obs_jiffies_ms(r->raised_at, now));
		}
	}
	seq_puts(seq, "total kind raised cleared active\n");
	for (i = TCPLENS_ANOM_NONE + 1; i < TCPLENS_ANOM_COUNT; i++)
		seq_printf(seq, "total %s %llu %llu %u\n",
			   tcplens_anomaly_name(i), on->anom.raised_total[i],
			   on->anom.cleared_total[i], active[i]);
	spin_unlock_bh(&on->tlock);
	return 0;
}

/* ---- conns: resumable walk of the hash table ---------------------------- */

struct tcplens_conns_iter {
	struct seq_net_private p;	/* first: seq_file_net() */
	u32 bucket;			/* bucket of the current entry */
	u32 offset;			/* its index among @on's in the bucket */
	loff_t pos;			/* its *pos; 0: none */
};

/* The @offset-th entry of @on in bucket @b, under RCU. */
static struct tcplens_conn *tcplens_conns_nth(struct tcplens_obs_net *on,
					      u32 b, u32 offset)
{
	struct tcplens_conn *c;

	hlist_for_each_entry_rcu(c, tcplens_obs_bucket(b), hnode)
		if (c->on == on && !offset--)
			return c;
	return NULL;
}

/* The entry at (bucket, offset), or the first one after it. */
static struct tcplens_conn *tcplens_conns_seek(struct tcplens_obs_net *on,
					       struct tcplens_conns_iter *it)
{
	u32 n = tcplens_obs_table_buckets();
	struct tcplens_conn *c;

	for (; it->bucket < n; it->bucket++, it->offset = 0) {
		c = tcplens_conns_nth(on, it->bucket, it->offset);
		if (c)
			return c;
	}
	return NULL;
}

static void *tcplens_conns_start(struct seq_file *seq, loff_t *pos)
	__acquires(RCU)
{
	struct tcplens_obs_net *on = tcplens_obs_net(seq_file_net(seq));
	struct tcplens_conns_iter *it = seq->private;
	struct tcplens_conn *c;
	loff_t i;

	rcu_read_lock();
	if (!*pos)
		return SEQ_START_TOKEN;
	/* the common case: the next chunk of a sequential read */
	if (it->pos && *pos == it->pos) {
		c = tcplens_conns_seek(on, it);
		if (c)
			return c;
	}
	it->bucket = 0;
	it->offset = 0;
	it->pos = 0;
	c = tcplens_conns_seek(on, it);
	for (i = 1; c && i < *pos; i++) {
		it->offset++;
		c = tcplens_conns_seek(on, it);
	}
	if (c)
		it->pos = *pos;
	return c;
}

static void *tcplens_conns_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct tcplens_obs_net *on = tcplens_obs_net(seq_file_net(seq));
	struct tcplens_conns_iter *it = seq->private;
	struct tcplens_conn *c;

	++*pos;
	if (v == SEQ_START_TOKEN) {
		it->bucket = 0;
		it->offset = 0;
	} else {
		it->offset++;
	}
	c = tcplens_conns_seek(on, it);
	it->pos = c ? *pos : 0;
	return c;
}

static void tcplens_conns_stop(struct seq_file *seq, void *v)
	__releases(RCU)
{
	rcu_read_unlock();
}

static void tcplens_seq_wscale(struct seq_file *seq,
			       const struct tcplens_seq_track *trk,
			       enum tcplens_dir dir)
{
	if (trk->flags[dir] & TCPLENS_TRK_SYN)
		seq_printf(seq, " %u", (trk->flags[dir] & TCPLENS_TRK_WS) ?
			   trk->wscale[dir] : 0);
	else
		seq_puts(seq, " -");
}

static int tcplens_conns_show(struct seq_file *seq, void *v)
{
	struct tcplens_conns_iter *it = seq->private;
	struct tcplens_conn copy;
	u32 now = jiffies;
	spinlock_t *lock;	/* the entry's bucket lock */

	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, "family local remote state ms_in_state ms_idle mss_local mss_remote wscale_local wscale_remote retrans zero_win win_probes keepalives rsts flags\n");
		return 0;
	}
	/* a consistent copy: the packet path updates under this lock */
	lock = tcplens_obs_bucket_lock(it->bucket);
	spin_lock_bh(lock);
	copy = *(struct tcplens_conn *)v;
	spin_unlock_bh(lock);

	seq_printf(seq, "ipv%u", copy.family);
	tcplens_seq_addr(seq, copy.family, &copy.laddr, copy.lport);
	tcplens_seq_addr(seq, copy.family, &copy.raddr, copy.rport);
	seq_printf(seq, " %s %u %u %u %u", tcplens_state_name(copy.state),
		   tcplens_obs_jiffies_ms(copy.state_since, now),
		   tcplens_obs_jiffies_ms(copy.last_seen, now),
		   copy.mss[TCPLENS_DIR_OUT], copy.mss[TCPLENS_DIR_IN]);
	tcplens_seq_wscale(seq, &copy.trk, TCPLENS_DIR_OUT);
	tcplens_seq_wscale(seq, &copy.trk, TCPLENS_DIR_IN);
	seq_printf(seq, " %u %u %u %u %u %s\n", copy.retrans, copy.zero_win,
		   copy.win_probes, copy.keepalives, copy.rsts,
		   (copy.flags & TCPLENS_CONN_FWD) ? "fwd" : "-");
	return 0;
}

static const struct seq_operations tcplens_conns_ops = {
	.start = tcplens_conns_start,
	.next = tcplens_conns_next,
	.stop = tcplens_conns_stop,
	.show = tcplens_conns_show,
};

/* ---- ports: a snapshot built at open() --------------------------------- */

struct tcplens_port_row {
	u32 states[TCPLENS_STATE_COUNT];
	u32 hist[TCPLENS_HIST_KINDS][TCPLENS_AGE_BUCKETS];
	u16 port;
};

struct tcplens_ports_snap {
	u32 n;				/* rows */
	u32 truncated;			/* ports left out */
	u32 *order;			/* row indexes by port */
	struct tcplens_port_row *rows;
};

static int tcplens_hist_kind(u8 state)
{
	switch (state) {
	case TCPLENS_STATE_CLOSE_WAIT:
		return 0;
	case TCPLENS_STATE_FIN_WAIT_2:
		return 1;
	case TCPLENS_STATE_TIME_WAIT:
		return 2;
	default:
		return -1;
	}
}

static void tcplens_ports_add(struct tcplens_ports_snap *s, u32 *idx,
			      u32 cap, const struct tcplens_conn *c, u32 now)
{
	u8 state = READ_ONCE(c->state);
	u16 port = c->lport;
	struct tcplens_port_row *row;
	int h;

	if (state >= TCPLENS_STATE_COUNT)
		return;
	if (!idx[port]) {
		if (s->n == cap) {
			s->truncated++;
			return;
		}
		s->rows[s->n].port = port;
		idx[port] = ++s->n;
	}
	row = &s->rows[idx[port] - 1];
	row->states[state]++;
	h = tcplens_hist_kind(state);
	if (h >= 0) {
		u32 age = tcplens_obs_jiffies_ms(READ_ONCE(c->state_since), now);

		row->hist[h][tcplens_age_bucket(age)]++;
	}
}

static struct tcplens_ports_snap *tcplens_ports_build(struct tcplens_obs_net *on)
{
	u32 cap = min_t(u32, TCPLENS_PORTS, atomic_read(&on->count) + 64);
	u32 i, k, n = tcplens_obs_table_buckets(), now = jiffies;
	struct tcplens_ports_snap *s;
	struct tcplens_conn *c;
	u32 *idx;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	idx = kvcalloc(TCPLENS_PORTS, sizeof(*idx), GFP_KERNEL);
	if (!s || !idx)
		goto fail;
	s->rows = kvcalloc(cap, sizeof(*s->rows), GFP_KERNEL);
	s->order = kvcalloc(cap, sizeof(*s->order), GFP_KERNEL);
	if (!s->rows || !s->order)
		goto fail;
	for (i = 0; i < n; i++) {
		rcu_read_lock();
		hlist_for_each_entry_rcu(c, tcplens_obs_bucket(i), hnode)
			if (c->on == on)
				tcplens_ports_add(s, idx, cap, c, now);
		rcu_read_unlock();
		if (!(i & 1023))
			cond_resched();
	}
	for (i = 0, k = 0; i < TCPLENS_PORTS; i++)
		if (idx[i])
			s->order[k++] = idx[i] - 1;
	kvfree(idx);
	return s;

fail:
	kvfree(idx);
	if (s) {
		kvfree(s->rows);
		kvfree(s->order);
	}
	kfree(s);
	return NULL;
}

static void *tcplens_ports_start(struct seq_file *seq, loff_t *pos)
{
	struct tcplens_ports_snap *s = seq->private;

	if (!*pos)
		return SEQ_START_TOKEN;
	/* the rows, then the snapshot itself stands for the "truncated" line */
	if (*pos <= s->n)
		return &s->rows[s->order[*pos - 1]];
	return *pos == s->n + 1 && s->truncated ? s : NULL;
}

static void *tcplens_ports_next(struct seq_file *seq, void *v, loff_t *pos)
{
	++*pos;
	return tcplens_ports_start(seq, pos);
}

static void tcplens_ports_stop(struct seq_file *seq, void *v)
{
}

static int tcplens_ports_show(struct seq_file *seq, void *v)
{
	struct tcplens_ports_snap *s = seq->private;
	const struct tcplens_port_row *row = v;
	int st, h, b;

	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, "port");
		for (st = TCPLENS_STATE_CLOSED; st < TCPLENS_STATE_COUNT; st++)
			seq_printf(seq, " %s", tcplens_state_name(st));
		seq_puts(seq, " close_wait_age fin_wait2_age time_wait_age\n");
		return 0;
	}
	if (v == s) {
		seq_printf(seq, "truncated %u\n", s->truncated);
		return 0;
	}
	seq_printf(seq, "%u", row->port);
	for (st = TCPLENS_STATE_CLOSED; st < TCPLENS_STATE_COUNT; st++)
		seq_printf(seq, " %u", row->states[st]);
	for (h = 0; h < TCPLENS_HIST_KINDS; h++)
		for (b = 0; b < TCPLENS_AGE_BUCKETS; b++)
			seq_printf(seq, "%c%u", b ? ',' : ' ', row->hist[h][b]);
	seq_putc(seq, '\n');
	return 0;
}

static const struct seq_operations tcplens_ports_ops = {
	.start = tcplens_ports_start,
	.next = tcplens_ports_next,
	.stop = tcplens_ports_stop,
	.show = tcplens_ports_show,
};

static void tcplens_ports_free(struct tcplens_ports_snap *s)
{
	kvfree(s->rows);
	kvfree(s->order);
	kfree(s);
}

static int tcplens_ports_open(struct inode *inode, struct file *file)
{
	struct tcplens_ports_snap *s;
	int err;

	/* open() runs with the entry in use: the namespace is still there */
	s = tcplens_ports_build(tcplens_obs_net(pde_data(inode)));
	if (!s)
		return -ENOMEM;
	err = seq_open(file, &tcplens_ports_ops);
	if (err) {
		tcplens_ports_free(s);
		return err;
	}
	((struct seq_file *)file->private_data)->private = s;
	return 0;
}

static int tcplens_ports_release(struct inode *inode, struct file *file)
{
	tcplens_ports_free(((struct seq_file *)file->private_data)->private);
	return seq_release(inode, file);
}

static const struct proc_ops tcplens_ports_proc_ops = {
	.proc_open = tcplens_ports_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = tcplens_ports_release,
};

/* ---- registration ------------------------------------------------------ */

static const char *const tcplens_obs_files[] = {
	"states", "conns", "anomalies", "ports", "stats",
};

static void tcplens_obs_proc_remove(struct tcplens_obs_net *on, unsigned int n)
{
	struct proc_dir_entry *dir = tcplens_proc_dir(on->net);

	while (n--)
		remove_proc_entry(tcplens_obs_files[n], dir);
}

/* Creates the files in tcplens_obs_files[] order. */
int tcplens_obs_proc_init(struct tcplens_obs_net *on)
{
	struct proc_dir_entry *dir = tcplens_proc_dir(on->net);
	unsigned int n = 0;

	if (!proc_create_net_single("states", 0444, dir, tcplens_states_show,
				    NULL))
		goto fail;
	n++;
	if (!proc_create_net("conns", 0444, dir, &tcplens_conns_ops,
			     sizeof(struct tcplens_conns_iter)))
		goto fail;
	n++;
	if (!proc_create_net_single("anomalies", 0444, dir,
				    tcplens_anomalies_show, NULL))
		goto fail;
	n++;
	if (!proc_create_data("ports", 0444, dir, &tcplens_ports_proc_ops,
			      on->net))
		goto fail;
	n++;
	if (!proc_create_net_single("stats", 0444, dir, tcplens_stats_show,
				    NULL))
		goto fail;
	return 0;

fail:
	tcplens_obs_proc_remove(on, n);
	return -ENOMEM;
}

void tcplens_obs_proc_exit(struct tcplens_obs_net *on)
{
	tcplens_obs_proc_remove(on, ARRAY_SIZE(tcplens_obs_files));
}
