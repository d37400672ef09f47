/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcplens_life.h - the lifecycle of an observer entry (pure core): when an
 * entry that gets no segment ends, and which one goes when the table is
 * full. See tcplens_life.c for the model.
 */
#ifndef _TCPLENS_LIFE_H
#define _TCPLENS_LIFE_H

#include "tcplens_pure.h"
#include "tcplens_fsm.h"

/* Linux keeps TIME_WAIT for 60 s (TCP_TIMEWAIT_LEN), so do we. */
#define TCPLENS_TIME_WAIT_MS	60000

/* Eviction classes: lower goes first; TCPLENS_EVICT_NEVER never goes. */
#define TCPLENS_EVICT_NEVER	5

/* What becomes of an entry that came due. */
enum tcplens_life_end {
	TCPLENS_LIFE_KEEP,		/* lives on, until the next deadline */
	TCPLENS_LIFE_CLOSED,		/* CLOSED, or never learnt a state */
	TCPLENS_LIFE_TIME_WAIT,		/* TIME_WAIT ran its 2MSL */
	TCPLENS_LIFE_IDLE,		/* silent for its state's idle limit */
};

/* The namespace's idle limits (sysctls gc_idle_ms, gc_established_ms). */
struct tcplens_life_limits {
	u32 idle_ms;		/* silent entries in handshake and closing states */
	u32 established_ms;	/* silent ESTABLISHED and CLOSE_WAIT entries */
};

/* How long an entry in @state may stay silent before it is forgotten. */
u32 tcplens_life_idle_limit(const struct tcplens_life_limits *lim,
			    enum tcplens_state state);

/*
 * An entry in @state for @age_ms, silent for @idle_ms, came due: its end,
 * or TCPLENS_LIFE_KEEP and in *@next_ms the time until its lifecycle's
 * next deadline (an anomaly's may be sooner).
 */
enum tcplens_life_end tcplens_life_due(const struct tcplens_life_limits *lim,
				       enum tcplens_state state, u32 age_ms,
				       u32 idle_ms, u32 *next_ms);

/*
 * Must an entry that a segment (classified @seg) moved from @old to @new
 * be evaluated again at the next tick? @counted: it is counted in an
 * anomaly. Otherwise the segment only moved its last_seen. Inline: it runs
 * for every packet (tcplens_obs_packet.c).
 */
static inline bool tcplens_life_recheck(enum tcplens_state old,
					enum tcplens_state new, bool counted,
					u16 seg)
{
	return new != old || counted ||
	       (old == TCPLENS_STATE_SYN_SENT && (seg & TCPLENS_SEG_RETRANS));
}

/* The eviction class of @state (0 for a state out of range). */
u8 tcplens_life_evict_class(enum tcplens_state state);

/*
 * Is an entry of class @cls, silent for @idle_ms, a better victim than the
 * best so far (@best_cls, @best_idle_ms; TCPLENS_EVICT_NEVER when none)?
 */
bool tcplens_life_better_victim(u8 cls, u32 idle_ms, u8 best_cls,
				u32 best_idle_ms);

#endif /* _TCPLENS_LIFE_H */
