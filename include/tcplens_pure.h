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

#else /* userspace build of a pure core */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef uint16_t __be16;
typedef uint32_t __be32;

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define BUILD_BUG_ON(cond) _Static_assert(!(cond), #cond)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define clamp_t(t, v, lo, hi) min_t(t, max_t(t, v, lo), hi)
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define READ_ONCE(x) (*(const volatile typeof(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile typeof(x) *)&(x) = (v))

#define U16_MAX ((u16)~0U)
#define U32_MAX ((u32)~0U)
#define U64_MAX ((u64)~0ULL)

static inline u64 div_u64(u64 dividend, u32 divisor)
{
	return dividend / divisor;
}

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
