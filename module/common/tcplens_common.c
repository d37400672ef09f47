// SPDX-License-Identifier: GPL-2.0
/*
 * tcplens.ko - the piece the two tcplens modules share.
 *
 * Both tcp_lens.ko (congestion control) and tcplens_observer.ko put their
 * files under /proc/net/tcplens/, in every network namespace. procfs refuses
 * (with a WARN) a second directory of the same name, so neither of them may
 * own it: this module creates it once per namespace and the other two depend
 * on it. modprobe and the module autoloader load it first by themselves; it
 * is unloaded last.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/proc_fs.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "tcplens_common.h"

/* Per-namespace state: just the directory. */
struct tcplens_common_net {
	struct proc_dir_entry *dir;
};

static unsigned int tcplens_common_net_id __read_mostly;

struct proc_dir_entry *tcplens_proc_dir(const struct net *net)
{
	struct tcplens_common_net *cn = net_generic(net, tcplens_common_net_id);

	return cn->dir;
}
EXPORT_SYMBOL_GPL(tcplens_proc_dir);

static int __net_init tcplens_common_net_init(struct net *net)
{
	struct tcplens_common_net *cn = net_generic(net, tcplens_common_net_id);

	cn->dir = proc_net_mkdir(net, "tcplens", net->proc_net);
	return cn->dir ? 0 : -ENOMEM;
}

static void __net_exit tcplens_common_net_exit(struct net *net)
{
	remove_proc_subtree("tcplens", net->proc_net);
}

static struct pernet_operations tcplens_common_net_ops = {
	.init = tcplens_common_net_init,
	.exit = tcplens_common_net_exit,
	.id = &tcplens_common_net_id,
	.size = sizeof(struct tcplens_common_net),
};

static int __init tcplens_common_init(void)
{
	return register_pernet_subsys(&tcplens_common_net_ops);
}

static void __exit tcplens_common_exit(void)
{
	unregister_pernet_subsys(&tcplens_common_net_ops);
}

module_init(tcplens_common_init);
module_exit(tcplens_common_exit);

MODULE_AUTHOR("The tcplens authors");
MODULE_DESCRIPTION("tcplens: shared /proc/net/tcplens directory");
MODULE_LICENSE("GPL");
