// SPDX-License-Identifier: GPL-2.0
/*
 * tcg-flags-probe [SECONDS]: does this CPU keep the arithmetic flags
 * across cmpxchg16b?  Exit 0 when it does (or has no CX16), 1 when not.
 *
 * cmpxchg16b changes ZF only. QEMU 7.2's TCG (Debian 12) computes the
 * flags it leaves from the lazy condition-code state that was last
 * written back to the CPU state, not from the one the translator holds:
 * translate.c calls the helper without gen_update_cc_op(). After
 * "cmpxchg16b; jmp; sub; cmpxchg16b" in two translation blocks, the
 * stale state says "flags are in CC_SRC", CC_SRC holds the sub's source
 * operand, and the flags become that register's low 32 bits plus ZF.
 * TF and IF included: an interrupt taken before the next flag-setting
 * instruction pushes that value, and iret loads it. In the kernel that is
 * the #DB or double fault in SLUB's this_cpu_cmpxchg16b fast path.
 *
 * Two checks, so that the fault shows in bounded time and without luck:
 *  1. pushfq right after the sequence, against pushfq after the sub
 *     alone, for a few operands: deterministic;
 *  2. for SECONDS (default 2; 0 skips it), the same sequence with TF|IF as the sub's
 *     source, followed by a run of blocks that leave the flags alone:
 *     any timer interrupt taken there returns to user mode with TF set,
 *     which is a SIGTRAP nobody asked for. Counted, and TF cleared.
 * scripts/stress-guest runs it; on a real CPU both counts are 0.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>

#define FL_ZF 0x40UL
#define FL_TF 0x100UL
#define FL_IF 0x200UL

static __int128 slot __attribute__((aligned(16)));
static volatile sig_atomic_t traps;

/* the flags after "sub src, dst" */
static uint64_t flags_after_sub(uint64_t dst, uint64_t src)
{
	uint64_t fl;

	asm volatile("sub %[s], %[d]\n\t"
		     "pushfq\n\t"
		     "popq %[f]"
		     : [d] "+r"(dst), [f] "=r"(fl)
		     : [s] "r"(src)
		     : "cc");
	return fl;
}

/*
 * The flags after "sub src, dst; cmpxchg16b": the compare succeeds (the
 * slot and rdx:rax are 0), so they must be the sub's with ZF set. The
 * first cmpxchg16b and the jmp make the written-back state "EFLAGS".
 */
static uint64_t flags_after_cmpxchg16b(uint64_t dst, uint64_t src)
{
	uint64_t fl, a = 0, d = 0;

	slot = 0;
	asm volatile("cmpxchg16b %[m]\n\t"
		     "jmp 1f\n"
		     "1:\n\t"
		     "sub %[s], %[d]\n\t"
		     "cmpxchg16b %[m]\n\t"
		     "pushfq\n\t"
		     "popq %[f]"
		     : [d] "+r"(dst), [f] "=&r"(fl), [m] "+m"(slot),
		       "+a"(a), "+d"(d)
		     : [s] "r"(src), "b"(0UL), "c"(0UL)
		     : "cc", "memory");
	return fl;
}

/* 8 blocks of moves, each ended by a jmp: the flags stay as they are */
#define QUIET8 "mov %%rax, %%r8\n\tmov %%rdx, %%r9\n\tjmp 2f\n2:\n\t"
#define QUIET64 QUIET8 QUIET8 QUIET8 QUIET8 QUIET8 QUIET8 QUIET8 QUIET8

static void flags_window(void)
{
	uint64_t d = 1, a = 0, dd = 0;

	slot = 0;
	asm volatile("cmpxchg16b %[m]\n\t"
		     "jmp 3f\n"
		     "3:\n\t"
		     "sub %[s], %[d]\n\t"
		     "cmpxchg16b %[m]\n\t"
		     "jz 3f\n"
		     "3:\n\t"
		     QUIET64 QUIET64 QUIET64 QUIET64
		     : [d] "+r"(d), [m] "+m"(slot), "+a"(a), "+d"(dd)
		     : [s] "r"(FL_TF | FL_IF | 0x2UL), "b"(0UL), "c"(0UL)
		     : "cc", "memory", "r8", "r9");
}

static void on_trap(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	(void)sig;
	(void)si;
	uc->uc_mcontext.gregs[REG_EFL] &= ~FL_TF;
	traps++;
}

int main(int argc, char **argv)
{
	static const uint64_t ops[][2] = {
		{ 1, 2 }, { 0, 0x8d5 }, { 5, 0x302 }, { 0x80, 1 }, { 7, 7 },
	};
	unsigned int eax, ebx, ecx, edx, i, bad = 0;
	struct sigaction sa;
	double secs = 2;
	char *rest = NULL;
	time_t end;

	if (argc == 2)
		secs = strtod(argv[1], &rest);
	if (argc > 2 || (rest && (rest == argv[1] || *rest)) || !(secs >= 0 && secs <= 3600)) {
		fprintf(stderr, "usage: tcg-flags-probe [SECONDS (0 to 3600)]\n");
		return 2;
	}
	if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & bit_CMPXCHG16B)) {
		printf("# tcg-flags-probe: no CX16: nothing here executes cmpxchg16b\n");
		return 0;
	}

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		uint64_t want = flags_after_sub(ops[i][0], ops[i][1]) | FL_ZF;
		uint64_t got = flags_after_cmpxchg16b(ops[i][0], ops[i][1]);

		if (got != want) {
			printf("# tcg-flags-probe: sub %#lx from %#lx then cmpxchg16b: flags %#lx, want %#lx\n",
			       (unsigned long)ops[i][1], (unsigned long)ops[i][0],
			       (unsigned long)got, (unsigned long)want);
			bad++;
		}
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_trap;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGTRAP, &sa, NULL);
	end = time(NULL) + (time_t)secs;
	while (time(NULL) < end)
		for (i = 0; i < 1000; i++)
			flags_window();

	printf("# tcg-flags-probe: %u of %zu flag checks wrong, %d stray single-step traps in %.0f s\n",
	       bad, sizeof(ops) / sizeof(ops[0]), (int)traps, secs);
	return bad || traps ? 1 : 0;
}
