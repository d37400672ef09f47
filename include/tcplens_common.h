/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcplens_common.h - what tcplens.ko offers the other two modules: the
 * per-namespace /proc/net/tcplens directory both of them populate.
 */
#ifndef _TCPLENS_COMMON_H
#define _TCPLENS_COMMON_H

struct net;
struct proc_dir_entry;

/*
 * The /proc/net/tcplens directory of @net. It exists for as long as @net
 * does, from before any pernet_operations of a module that depends on
 * tcplens.ko run their ->init until after they ran their ->exit.
 */
struct proc_dir_entry *tcplens_proc_dir(const struct net *net);

#endif /* _TCPLENS_COMMON_H */
