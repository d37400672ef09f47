// SPDX-License-Identifier: GPL-2.0
/*
 * tcplens_observer.ko - the netfilter TCP connection-state observer.
 *
 * This file is the packet path: per-namespace netfilter hooks at LOCAL_IN
 * and LOCAL_OUT for IPv4 and IPv6 that parse every TCP segment with the
 * pure parser (tcplens_parse.c) and count what they saw, and
 * /proc/net/tcplens/stats. The hooks never change a verdict.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/percpu.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/skbuff.h>
#include <net/netns/generic.h>

#include "tcplens_common.h"
#include "tcplens_parse.h"

/*
 * Hook priority: after conntrack's defragmentation (NF_IP_PRI_CONNTRACK_DEFRAG
 * = -400) so reassembled packets are seen whole, before anything that may
 * drop (filter, 0) so that the observer sees what reached the host.
 */
#define TCPLENS_HOOK_PRIORITY	(NF_IP_PRI_RAW + 1)

struct tcplens_obs_stats {
	u64 packets;
	u64 parse[TCPLENS_PARSE_RESULT_COUNT];
};

struct tcplens_obs_net {
	struct tcplens_obs_stats __percpu *stats;
};

static unsigned int tcplens_obs_net_id __read_mostly;

static struct tcplens_obs_net *tcplens_obs_net(const struct net *net)
{
	return net_generic(net, tcplens_obs_net_id);
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
	return NF_ACCEPT;
}

static const struct nf_hook_ops tcplens_obs_hooks[] = {
	{
		.hook = tcplens_obs_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = TCPLENS_HOOK_PRIORITY,
	},
	{
		.hook = tcplens_obs_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = TCPLENS_HOOK_PRIORITY,
	},
	{
		.hook = tcplens_obs_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = TCPLENS_HOOK_PRIORITY,
	},
	{
		.hook = tcplens_obs_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = TCPLENS_HOOK_PRIORITY,
	},
};

static int tcplens_stats_show(struct seq_file *seq, void *v)
{
	struct tcplens_obs_net *on = tcplens_obs_net(seq_file_single_net(seq));
	u64 sum[TCPLENS_PARSE_RESULT_COUNT] = {};
	u64 packets = 0;
	int cpu, i;

	for_each_possible_cpu(cpu) {
		const struct tcplens_obs_stats *s = per_cpu_ptr(on->stats, cpu);

		packets += READ_ONCE(s->packets);
		for (i = 0; i < TCPLENS_PARSE_RESULT_COUNT; i++)
			sum[i] += READ_ONCE(s->parse[i]);
	}
	seq_printf(seq, "packets %llu\n", packets);
	for (i = 0; i < TCPLENS_PARSE_RESULT_COUNT; i++)
		seq_printf(seq, "parse_%s %llu\n", tcplens_parse_result_name(i),
			   sum[i]);
	return 0;
}

static int __net_init tcplens_obs_net_init(struct net *net)
{
	struct tcplens_obs_net *on = tcplens_obs_net(net);
	int err;

	on->stats = alloc_percpu(struct tcplens_obs_stats);
	if (!on->stats)
		return -ENOMEM;
	if (!proc_create_net_single("stats", 0444, tcplens_proc_dir(net),
				    tcplens_stats_show, NULL)) {
		err = -ENOMEM;
		goto free_stats;
	}
	err = nf_register_net_hooks(net, tcplens_obs_hooks,
				    ARRAY_SIZE(tcplens_obs_hooks));
	if (err)
		goto remove_proc;
	return 0;

remove_proc:
	remove_proc_entry("stats", tcplens_proc_dir(net));
free_stats:
	free_percpu(on->stats);
	return err;
}

static void __net_exit tcplens_obs_net_exit(struct net *net)
{
	nf_unregister_net_hooks(net, tcplens_obs_hooks,
				ARRAY_SIZE(tcplens_obs_hooks));
	remove_proc_entry("stats", tcplens_proc_dir(net));
	free_percpu(tcplens_obs_net(net)->stats);
}

static struct pernet_operations tcplens_obs_net_ops = {
	.init = tcplens_obs_net_init,
	.exit = tcplens_obs_net_exit,
	.id = &tcplens_obs_net_id,
	.size = sizeof(struct tcplens_obs_net),
};

static int __init tcplens_obs_init(void)
{
	return register_pernet_subsys(&tcplens_obs_net_ops);
}

static void __exit tcplens_obs_exit(void)
{
	unregister_pernet_subsys(&tcplens_obs_net_ops);
}

module_init(tcplens_obs_init);
module_exit(tcplens_obs_exit);

MODULE_AUTHOR("The tcplens authors");
MODULE_DESCRIPTION("tcplens: netfilter TCP connection-state observer");
MODULE_LICENSE("GPL");
