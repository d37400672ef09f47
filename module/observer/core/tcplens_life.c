// SPDX-License-Identifier: GPL-2.0
/*
 * tcplens_life.c - the lifecycle of an observer entry (pure core).
 *
 * An entry changes state on segments (tcplens_fsm.c); this file decides
 * what happens to it between segments, as nf_conntrack's tcp_timeouts[]
 * does beside its state machine. The shell puts each entry on the timing
 * wheel at its next deadline and asks here when it comes due:
 *
 *   state                  ends when                       then
 *   CLOSED, NONE           at once                         collected
 *   TIME_WAIT              2MSL after it began (60 s)      time_wait
 *   ESTABLISHED,           silent for gc_established_ms    idle
 *   CLOSE_WAIT             (default: a day; never evicted)
 *   every other state      silent for gc_idle_ms           idle
 *
 * The wheel is re-slotted lazily: a segment only moves the entry's
 * last_seen, and an entry whose deadline passes computes it again, so a
 * busy connection costs one wheel operation per idle period, not one per
 * segment. What can make a deadline earlier or end an anomaly is
 * evaluated again at the next tick: a change of state, any segment of an
 * entry counted in an anomaly, and a retransmitted SYN (which is how a
 * connect that times out is seen).
 *
 * When the table is full, a new entry takes the place of an old one, the
 * lowest eviction class first and, within a class, the longest silent:
 * what is ending anyway (CLOSED, TIME_WAIT), then handshakes that may
 * never complete (SYN_RECV before SYN_SENT: a flood's half-open entries
 * go before the host's own connects), then closing states. ESTABLISHED
 * and CLOSE_WAIT are never evicted: they are what the anomalies are
 * about, and a flood of new entries must not hide them.
 */
#include "tcplens_life.h"

static const u8 tcplens_evict_class[TCPLENS_STATE_COUNT] = {
	[TCPLENS_STATE_NONE]		= 0,
	[TCPLENS_STATE_CLOSED]		= 0,
	[TCPLENS_STATE_TIME_WAIT]	= 1,
	[TCPLENS_STATE_SYN_RECV]	= 2,
	[TCPLENS_STATE_SYN_SENT]	= 3,
	[TCPLENS_STATE_FIN_WAIT_1]	= 4,
	[TCPLENS_STATE_FIN_WAIT_2]	= 4,
	[TCPLENS_STATE_CLOSING]		= 4,
	[TCPLENS_STATE_LAST_ACK]	= 4,
	[TCPLENS_STATE_ESTABLISHED]	= TCPLENS_EVICT_NEVER,
	[TCPLENS_STATE_CLOSE_WAIT]	= TCPLENS_EVICT_NEVER,
};

u32 tcplens_life_idle_limit(const struct tcplens_life_limits *lim,
			    enum tcplens_state state)
{
	return state == TCPLENS_STATE_ESTABLISHED ||
	       state == TCPLENS_STATE_CLOSE_WAIT ?
	       lim->established_ms : lim->idle_ms;
}

enum tcplens_life_end tcplens_life_due(const struct tcplens_life_limits *lim,
				       enum tcplens_state state, u32 age_ms,
				       u32 idle_ms, u32 *next_ms)
{
	u32 limit = tcplens_life_idle_limit(lim, state);

	if (state == TCPLENS_STATE_CLOSED || state == TCPLENS_STATE_NONE ||
	    (unsigned int)state >= TCPLENS_STATE_COUNT)
		return TCPLENS_LIFE_CLOSED;
	if (state == TCPLENS_STATE_TIME_WAIT && age_ms >= TCPLENS_TIME_WAIT_MS)
		return TCPLENS_LIFE_TIME_WAIT;
	if (idle_ms >= limit)
		return TCPLENS_LIFE_IDLE;
	*next_ms = limit - idle_ms;
	if (state == TCPLENS_STATE_TIME_WAIT)
		*next_ms = min_t(u32, *next_ms, TCPLENS_TIME_WAIT_MS - age_ms);
	return TCPLENS_LIFE_KEEP;
}

u8 tcplens_life_evict_class(enum tcplens_state state)
{
	return (unsigned int)state < TCPLENS_STATE_COUNT ?
	       tcplens_evict_class[state] : 0;
}

bool tcplens_life_better_victim(u8 cls, u32 idle_ms, u8 best_cls,
				u32 best_idle_ms)
{
	if (cls >= TCPLENS_EVICT_NEVER)
		return false;
	return cls < best_cls || (cls == best_cls && idle_ms > best_idle_ms);
}
