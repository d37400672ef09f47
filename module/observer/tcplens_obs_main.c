// SPDX-License-Identifier: GPL-2.0
/*
 * tcplens_observer.ko - the netfilter TCP connection-state observer.
 *
 * It rebuilds the state of every TCP endpoint of a host from the segments
 * the host sends and receives, and reports in /proc/net/tcplens/ what
 * ss(8), conntrack and tcpstates do not: time in state, CLOSE_WAIT and
 * TIME_WAIT piles per port, stuck FIN_WAIT2 / LAST_ACK, SYN floods,
 * silently dropped SYNs, unanswered connects, RST storms, silent
 * connections.
 *
 * This file is the packet path and the module's frame: per-namespace
 * netfilter hooks at LOCAL_IN and LOCAL_OUT for IPv4 and IPv6 (plus
 * FORWARD while net.tcplens.forward is 1) parse each segment with the
 * pure parser and hand it to the connection table. The hooks always
 * return NF_ACCEPT.
 *
 * Hook priorities are chosen so that the observer sees what the local
 * socket sees, which is what its state follows:
 *  - LOCAL_OUT at NF_IP_PRI_FIRST: a segment the socket sent has moved
 *    its state even if an output rule drops it later;
 *  - LOCAL_IN and FORWARD at NF_IP_PRI_LAST: after every filter, so a
 *    segment a rule drops (say, the last ACK in a test) is not taken as
 *    received. Reassembly (conntrack defrag, -400) is done by then.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/log2.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/percpu.h>
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/netns/generic.h>

#include "tcplens_obs.h"

#define TCPLENS_TICK_MS_MIN	10
#define TCPLENS_TICK_MS_MAX	10000
#define TCPLENS_SLOTS_MIN	64
#define TCPLENS_SLOTS_MAX	65536

unsigned int tcplens_obs_tick_ms = 100;
module_param_named(tick_ms, tcplens_obs_tick_ms, uint, 0444);
MODULE_PARM_DESC(tick_ms, "timing wheel tick, ms (10-10000, default 100)");

unsigned int tcplens_obs_wheel_slots = 1024;
module_param_named(wheel_slots, tcplens_obs_wheel_slots, uint, 0444);
MODULE_PARM_DESC(wheel_slots,
		 "timing wheel slots, a power of two (64-65536, default 1024)");

unsigned int tcplens_obs_hashsize;
module_param_named(hashsize, tcplens_obs_hashsize, uint, 0444);
MODULE_PARM_DESC(hashsize,
		 "connection hash buckets, all namespaces (0: from RAM size)");

unsigned int tcplens_obs_max_total;
module_param_named(max_total, tcplens_obs_max_total, uint, 0444);
MODULE_PARM_DESC(max_total,
		 "tracked connections at most, all namespaces together (16-16777216; 0: 1/64 of RAM)");

static unsigned int tcplens_obs_net_id __read_mostly;

struct tcplens_obs_net *tcplens_obs_net(const struct net *net)
{
	return net_generic(net, tcplens_obs_net_id);
}

void tcplens_obs_ephemeral_range(struct tcplens_obs_net *on, u32 *lo, u32 *hi)
{
	int l, h;

	inet_get_local_port_range(on->net, &l, &h);
	*lo = l;
	*hi = h;
}

/* The parser's window on a packet: the network header onwards. */
const void *tcplens_pkt_read(const void *pkt, unsigned int off,
			     unsigned int len, void *buf)
{
	const struct sk_buff *skb = pkt;

	return skb_header_pointer(skb, skb_network_offset(skb) + off, len, buf);
}

static unsigned int tcplens_obs_hook(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	struct tcplens_obs_net *on = tcplens_obs_net(state->net);
	unsigned int len = skb->len - skb_network_offset(skb);
	enum tcplens_parse_result res;
	struct tcplens_pkt pkt;

	if (state->pf == NFPROTO_IPV4)
		res = tcplens_parse_ipv4(skb, len, &pkt);
	else
		res = tcplens_parse_ipv6(skb, len, &pkt);
	this_cpu_inc(on->stats->packets);
	this_cpu_inc(on->stats->parse[res]);
	if (!tcplens_parse_has_segment(res))
		return NF_ACCEPT;

	switch (state->hook) {
	case NF_INET_LOCAL_OUT:
		tcplens_obs_segment(on, &pkt, TCPLENS_DIR_OUT, false);
		break;
	case NF_INET_LOCAL_IN:
		tcplens_obs_segment(on, &pkt, TCPLENS_DIR_IN, false);
		break;
	case NF_INET_FORWARD:
		tcplens_obs_forward(on, &pkt);
		break;
	}
	return NF_ACCEPT;
}

#define TCPLENS_HOOK(family, num, prio) {				\
	.hook = tcplens_obs_hook,					\
	.pf = (family),							\
	.hooknum = (num),						\
	.priority = (prio),						\
}

static const struct nf_hook_ops tcplens_obs_hooks[] = {
	TCPLENS_HOOK(NFPROTO_IPV4, NF_INET_LOCAL_IN, NF_IP_PRI_LAST),
	TCPLENS_HOOK(NFPROTO_IPV4, NF_INET_LOCAL_OUT, NF_IP_PRI_FIRST),
	TCPLENS_HOOK(NFPROTO_IPV6, NF_INET_LOCAL_IN, NF_IP6_PRI_LAST),
	TCPLENS_HOOK(NFPROTO_IPV6, NF_INET_LOCAL_OUT, NF_IP6_PRI_FIRST),
};

static const struct nf_hook_ops tcplens_obs_fwd_hooks[] = {
	TCPLENS_HOOK(NFPROTO_IPV4, NF_INET_FORWARD, NF_IP_PRI_LAST),
	TCPLENS_HOOK(NFPROTO_IPV6, NF_INET_FORWARD, NF_IP6_PRI_LAST),
};

int tcplens_obs_set_forward(struct tcplens_obs_net *on, bool enable)
{
	int err = 0;

	mutex_lock(&on->conf.fwd_mutex);
	if (enable && !on->conf.fwd_hooks)
		err = nf_register_net_hooks(on->net, tcplens_obs_fwd_hooks,
					    ARRAY_SIZE(tcplens_obs_fwd_hooks));
	else if (!enable && on->conf.fwd_hooks)
		nf_unregister_net_hooks(on->net, tcplens_obs_fwd_hooks,
					ARRAY_SIZE(tcplens_obs_fwd_hooks));
	if (!err) {
		on->conf.fwd_hooks = enable;
		WRITE_ONCE(on->conf.tun[TCPLENS_TUN_FORWARD], enable);
	}
	mutex_unlock(&on->conf.fwd_mutex);
	return err;
}

/* Free what init set up, once no hook can run on @on any more. */
static void tcplens_obs_net_free(struct tcplens_obs_net *on)
{
	tcplens_obs_proc_exit(on);
	tcplens_obs_timer_exit(on);
	tcplens_obs_flush(on);
	tcplens_obs_anom_exit(on);
	tcplens_obs_timer_free(on);
	free_percpu(on->stats);
}

static int __net_init tcplens_obs_net_init(struct net *net)
{
	struct tcplens_obs_net *on = tcplens_obs_net(net);
	int err;

	on->net = net;
	atomic_set(&on->count, 0);
	mutex_init(&on->conf.fwd_mutex);
	tcplens_obs_sysctl_defaults(on);
	on->stats = alloc_percpu(struct tcplens_obs_stats);
	if (!on->stats)
		return -ENOMEM;
	err = tcplens_obs_timer_init(on);
	if (err)
		goto free_stats;
	err = tcplens_obs_anom_init(on);
	if (err)
		goto free_timer;
	err = tcplens_obs_proc_init(on);
	if (err)
		goto free_anom;
	err = nf_register_net_hooks(net, tcplens_obs_hooks,
				    ARRAY_SIZE(tcplens_obs_hooks));
	if (err)
		goto free_proc;
	/* last: from here on a sysctl write may register the forward hooks */
	err = tcplens_obs_sysctl_init(on);
	if (err) {
		nf_unregister_net_hooks(net, tcplens_obs_hooks,
					ARRAY_SIZE(tcplens_obs_hooks));
		synchronize_net();
		tcplens_obs_net_free(on);
	}
	return err;

free_proc:
	tcplens_obs_proc_exit(on);
free_anom:
	tcplens_obs_anom_exit(on);
free_timer:
	tcplens_obs_timer_free(on);
free_stats:
	free_percpu(on->stats);
	return err;
}

/*
 * Unhook. nf_unregister_net_hooks() does not wait for hooks running on
 * other CPUs; the netns core does, with an RCU grace period between
 * ->pre_exit and ->exit, so ->exit frees nothing a hook still uses.
 */
static void __net_exit tcplens_obs_net_pre_exit(struct net *net)
{
	struct tcplens_obs_net *on = tcplens_obs_net(net);

	/* no sysctl write can turn forward hooks on again after this */
	tcplens_obs_sysctl_exit(on);
	tcplens_obs_set_forward(on, false);
	nf_unregister_net_hooks(net, tcplens_obs_hooks,
				ARRAY_SIZE(tcplens_obs_hooks));
}

static void __net_exit tcplens_obs_net_exit(struct net *net)
{
	tcplens_obs_net_free(tcplens_obs_net(net));
}

static struct pernet_operations tcplens_obs_net_ops = {
	.init = tcplens_obs_net_init,
	.pre_exit = tcplens_obs_net_pre_exit,
	.exit = tcplens_obs_net_exit,
	.id = &tcplens_obs_net_id,
	.size = sizeof(struct tcplens_obs_net),
};

static int __init tcplens_obs_init(void)
{
	int err;

	if (tcplens_obs_tick_ms < TCPLENS_TICK_MS_MIN ||
	    tcplens_obs_tick_ms > TCPLENS_TICK_MS_MAX) {
		pr_err("tick_ms=%u is out of range [%u, %u]\n",
		       tcplens_obs_tick_ms, TCPLENS_TICK_MS_MIN,
		       TCPLENS_TICK_MS_MAX);
		return -EINVAL;
	}
	if (tcplens_obs_wheel_slots < TCPLENS_SLOTS_MIN ||
	    tcplens_obs_wheel_slots > TCPLENS_SLOTS_MAX ||
	    !is_power_of_2(tcplens_obs_wheel_slots)) {
		pr_err("wheel_slots=%u is not a power of two in [%u, %u]\n",
		       tcplens_obs_wheel_slots, TCPLENS_SLOTS_MIN,
		       TCPLENS_SLOTS_MAX);
		return -EINVAL;
	}
	if (tcplens_obs_max_total &&
	    (tcplens_obs_max_total < TCPLENS_OBS_TOTAL_MIN ||
	     tcplens_obs_max_total > TCPLENS_OBS_TOTAL_MAX)) {
		pr_err("max_total=%u is out of range [%u, %lu] (0: default)\n",
		       tcplens_obs_max_total, TCPLENS_OBS_TOTAL_MIN,
		       TCPLENS_OBS_TOTAL_MAX);
		return -EINVAL;
	}
	err = tcplens_obs_table_init();
	if (err)
		return err;
	err = register_pernet_subsys(&tcplens_obs_net_ops);
	if (err)
		tcplens_obs_table_exit();
	return err;
}

static void __exit tcplens_obs_exit(void)
{
	unregister_pernet_subsys(&tcplens_obs_net_ops);
	tcplens_obs_table_exit();
}

module_init(tcplens_obs_init);
module_exit(tcplens_obs_exit);

MODULE_AUTHOR("The tcplens authors");
MODULE_DESCRIPTION("tcplens: netfilter TCP connection-state observer");
MODULE_LICENSE("GPL");
