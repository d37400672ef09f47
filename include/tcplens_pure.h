/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcplens_pure.h - the small vocabulary shared by the pure cores.
 *
 * The congestion arithmetic, the TCP state machine, the packet parser and
 * the timing wheel are plain C. They include only this header, so the same
 * files build inside the kernel (KUnit, the modules) and in userspace (the
 * fuzzers and host unit tests under selftests/fuzz/).
 */
#ifndef _TCPLENS_PURE_H
#define _TCPLENS_PURE_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/math64.h>
#include <linux/errno.h>
#include <linux/limits.h>

#else
/* The userspace build (selftests/fuzz) supplies the same vocabulary. */
#include "tcplens_user.h"
#endif /* __KERNEL__ */

/* Sequence-space comparisons (RFC 9293 section 3.4), wrap-safe. */
static inline bool tcplens_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

static inline bool tcplens_seq_after(u32 a, u32 b)
{
	return tcplens_seq_before(b, a);
}

#endif /* _TCPLENS_PURE_H */
