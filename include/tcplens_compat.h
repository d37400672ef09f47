/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcplens_compat.h - every kernel-version difference tcplens cares about,
 * in one place. The rest of the code is written against the newest API and
 * never tests LINUX_VERSION_CODE itself.
 *
 * Supported: Debian 12's 6.1 and 6.12 kernels (and what lies between).
 */
#ifndef _TCPLENS_COMPAT_H
#define _TCPLENS_COMPAT_H

#include <linux/version.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>
#include <net/tcp.h>

/*
 * 6.10 (commit 57bfc7605ca5, "tcp: Add ack and flag arguments to
 * cong_control") passes the ACK number and the ACK's FLAG_* bits to
 * cong_control. tcplens computes what it needs from the socket, so the
 * wrapper only adapts the prototype.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define TCPLENS_DEFINE_CONG_CONTROL(name, impl)				\
	static void name(struct sock *sk, u32 ack, int flag,		\
			 const struct rate_sample *rs)			\
	{								\
		impl(sk, rs);						\
	}
#else
#define TCPLENS_DEFINE_CONG_CONTROL(name, impl)				\
	static void name(struct sock *sk, const struct rate_sample *rs)	\
	{								\
		impl(sk, rs);						\
	}
#endif

/*
 * 6.11 made sysctl handlers take a const struct ctl_table; declare handlers
 * with TCPLENS_CTL_TABLE so they match either prototype.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define TCPLENS_CTL_TABLE const struct ctl_table
#else
#define TCPLENS_CTL_TABLE struct ctl_table
#endif

/*
 * 6.6 added register_net_sysctl_sz() and, later, dropped the need for an
 * empty sentinel entry. tcplens tables always end with a sentinel (6.1
 * needs it) and pass the number of real entries (6.6+ uses it).
 */
static inline struct ctl_table_header *
tcplens_register_net_sysctl(struct net *net, const char *path,
			    struct ctl_table *table, size_t entries)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	return register_net_sysctl_sz(net, path, table, entries);
#else
	return register_net_sysctl(net, path, table);
#endif
}

#endif /* _TCPLENS_COMPAT_H */
