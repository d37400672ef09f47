// SPDX-License-Identifier: GPL-2.0
/*
 * tcplens_obs_sysctl.c - net.tcplens.* of the observer, per namespace.
 *
 *   max_tracked        entries at most (16 - 2^24; default 1/256 of RAM)
 *   forward            1: also observe forwarded traffic (0/1)
 *   log                1: pr_info (rate-limited) when an anomaly is raised
 *   gc_idle_ms         forget a silent entry not ESTABLISHED/CLOSE_WAIT
 *                      (1 s - 1 day, default 300 s)
 *   gc_established_ms  forget a silent ESTABLISHED/CLOSE_WAIT entry
 *                      (1 s - 5 days, default 5 days as nf_conntrack)
 *   <threshold>        one per anomaly threshold, names and ranges in
 *                      tcplens_anomaly.c
 *
 * Every entry is a u32 read and written through one handler that parses
 * into a temporary and checks the range first: a bad value is -EINVAL and
 * changes nothing. A new threshold re-evaluates every entry within a few
 * ticks.
 */
#include <linux/slab.h>
#include <linux/sysctl.h>

#include "tcplens_compat.h"
#include "tcplens_obs.h"

#define MS_PER_DAY		86400000U
#define TCPLENS_MAX_TRACKED_MIN	16
#define TCPLENS_MAX_TRACKED_MAX	BIT(24)

/* Entries: the tunables of enum tcplens_obs_tun, then the thresholds. */
#define TCPLENS_SYSCTL_COUNT	(TCPLENS_TUN_COUNT + TCPLENS_AP_COUNT)

/* A tunable that is not an anomaly threshold: its name and range. */
struct tcplens_obs_tun_desc {
	const char *name;
	u32 min;
	u32 max;
};

static const struct tcplens_obs_tun_desc tcplens_obs_tuns[] = {
	[TCPLENS_TUN_MAX_TRACKED] = { "max_tracked", TCPLENS_MAX_TRACKED_MIN,
				      TCPLENS_MAX_TRACKED_MAX },
	[TCPLENS_TUN_FORWARD] = { "forward", 0, 1 },
	[TCPLENS_TUN_LOG] = { "log", 0, 1 },
	[TCPLENS_TUN_GC_IDLE_MS] = { "gc_idle_ms", 1000, MS_PER_DAY },
	[TCPLENS_TUN_GC_ESTABLISHED_MS] = { "gc_established_ms", 1000,
					    5 * MS_PER_DAY },
};

void tcplens_obs_sysctl_defaults(struct tcplens_obs_net *on)
{
	on->conf.tun[TCPLENS_TUN_MAX_TRACKED] = tcplens_obs_default_max();
	on->conf.tun[TCPLENS_TUN_FORWARD] = 0;
	on->conf.tun[TCPLENS_TUN_LOG] = 0;
	on->conf.tun[TCPLENS_TUN_GC_IDLE_MS] = 300000;
	on->conf.tun[TCPLENS_TUN_GC_ESTABLISHED_MS] = 5 * MS_PER_DAY;
	tcplens_anomaly_defaults(&on->conf.thresh);
}

static bool tcplens_obs_sysctl_valid(unsigned long idx, u32 val)
{
	if (idx < TCPLENS_TUN_COUNT)
		return val >= tcplens_obs_tuns[idx].min &&
		       val <= tcplens_obs_tuns[idx].max;
	return tcplens_anomaly_param_valid(idx - TCPLENS_TUN_COUNT, val);
}

/* Store a checked value of entry @idx, and act on it. */
static int tcplens_obs_sysctl_apply(struct tcplens_obs_net *on,
				    unsigned long idx, u32 *data, u32 val)
{
	/* the hooks and the value change together, under fwd_mutex */
	if (idx == TCPLENS_TUN_FORWARD)
		return tcplens_obs_set_forward(on, val);
	WRITE_ONCE(*data, val);
	if (idx >= TCPLENS_TUN_COUNT || idx == TCPLENS_TUN_GC_IDLE_MS ||
	    idx == TCPLENS_TUN_GC_ESTABLISHED_MS) {
		/* deadlines may move earlier: evaluate everything again */
		WRITE_ONCE(on->timer.resched_all, true);
		tcplens_obs_kick(on);
	}
	return 0;
}

static int tcplens_obs_sysctl_handler(TCPLENS_CTL_TABLE *table, int write,
				      void *buffer, size_t *lenp, loff_t *ppos)
{
	unsigned long idx = (unsigned long)table->extra2;
	struct tcplens_obs_net *on = table->extra1;
	u32 *data = table->data;
	u32 val = READ_ONCE(*data);
	struct ctl_table tmp = {
		.data = &val,
		.maxlen = sizeof(val),
		.mode = table->mode,
	};
	int err;

	err = proc_douintvec(&tmp, write, buffer, lenp, ppos);
	if (err || !write)
		return err;
	if (!tcplens_obs_sysctl_valid(idx, val))
		return -EINVAL;
	return tcplens_obs_sysctl_apply(on, idx, data, val);
}

int tcplens_obs_sysctl_init(struct tcplens_obs_net *on)
{
	struct ctl_table *t;
	unsigned long i;

	BUILD_BUG_ON(ARRAY_SIZE(tcplens_obs_tuns) != TCPLENS_TUN_COUNT);

	/* + 1: the empty sentinel 6.1 needs */
	t = kcalloc(TCPLENS_SYSCTL_COUNT + 1, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	for (i = 0; i < TCPLENS_SYSCTL_COUNT; i++) {
		if (i < TCPLENS_TUN_COUNT) {
			t[i].procname = tcplens_obs_tuns[i].name;
			t[i].data = &on->conf.tun[i];
		} else {
			t[i].procname =
				tcplens_anomaly_param(i - TCPLENS_TUN_COUNT)->name;
			t[i].data = &on->conf.thresh.val[i - TCPLENS_TUN_COUNT];
		}
		t[i].maxlen = sizeof(u32);
		t[i].mode = 0644;
		t[i].proc_handler = tcplens_obs_sysctl_handler;
		t[i].extra1 = on;
		t[i].extra2 = (void *)i;
	}
	on->conf.sysctl_hdr = tcplens_register_net_sysctl(on->net, "net/tcplens",
							  t, TCPLENS_SYSCTL_COUNT);
	if (!on->conf.sysctl_hdr) {
		kfree(t);
		return -ENOMEM;
	}
	on->conf.sysctl_table = t;
	return 0;
}

void tcplens_obs_sysctl_exit(struct tcplens_obs_net *on)
{
	if (!on->conf.sysctl_hdr)
		return;
	unregister_net_sysctl_table(on->conf.sysctl_hdr);
	on->conf.sysctl_hdr = NULL;
	kfree(on->conf.sysctl_table);
}
