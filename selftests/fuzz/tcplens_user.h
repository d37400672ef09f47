/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcplens_user.h - userspace stand-ins for the kernel vocabulary that
 * include/tcplens_pure.h gives the pure cores, so that the host unit tests
 * and the fuzzers compile the very module sources. Userspace code: it is
 * not part of any module, and checkpatch is not run on it.
 */
#ifndef _TCPLENS_USER_H
#define _TCPLENS_USER_H


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

#define BIT(nr)		(1UL << (nr))
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define noinline __attribute__((noinline))
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


#endif /* _TCPLENS_USER_H */
