// SPDX-License-Identifier: GPL-2.0
/*
 * tcplens_wheel.c - hashed timing wheel with round counts (pure core).
 *
 * The observer keeps one timer per tracked connection (idle, TIME_WAIT,
 * FIN_WAIT_2, SYN timeouts ...), possibly millions of them, re-armed on
 * almost every packet. A hashed timing wheel (Varghese & Lauck, 1987)
 * makes every operation O(1) and costs no allocation:
 *
 *  - a ring of N slots, N a power of two, each a list of nodes; the shell
 *    calls tcplens_wheel_advance() once per tick, which moves "now" one
 *    slot on and visits that slot only;
 *  - a node due in T ticks goes in slot (now + T) mod N with a round count
 *    of (T - 1) / N: the number of times its slot will be visited before
 *    the visit at which it is due. A visit fires the nodes whose count is
 *    0 and decrements the others;
 *  - the tick is whatever the shell advances by; it is also the
 *    resolution. A node scheduled for T ticks fires on exactly the T-th
 *    advance after tcplens_wheel_schedule(), never earlier, and T = 0
 *    counts as 1. The longest delay is 2^32 - 1 ticks. The tick counter
 *    wraps; since N divides 2^32 the slot index stays continuous;
 *  - nodes are intrusive (struct tcplens_wheel_node in the connection)
 *    and linked with a back pointer so that cancel needs no search. A
 *    visit unlinks a due node before its callback, which may then re-arm
 *    it, free it, or schedule / cancel any other node: the visit keeps its
 *    place in the slot in wheel->cursor, which cancel moves past a node it
 *    removes, and new nodes go to the head of their slot, so one scheduled
 *    into the slot being visited waits for the next revolution;
 *  - no locking: the shell serialises all calls on one wheel; no
 *    allocation: the shell provides the slot array.
 */

#include "tcplens_wheel.h"

bool tcplens_wheel_init(struct tcplens_wheel *wheel,
			struct tcplens_wheel_slot *slots, u32 nslots,
			tcplens_wheel_fn expire, void *ctx)
{
	u32 i;

	if (!nslots || (nslots & (nslots - 1)))
		return false;

	for (i = 0; i < nslots; i++)
		slots[i].first = NULL;
	wheel->slots = slots;
	wheel->mask = nslots - 1;
	wheel->now = 0;
	wheel->pending = 0;
	wheel->expired = 0;
	wheel->expire = expire;
	wheel->ctx = ctx;
	wheel->cursor = NULL;
	return true;
}

static void tcplens_wheel_link(struct tcplens_wheel_slot *slot,
			       struct tcplens_wheel_node *node)
{
	node->next = slot->first;
	if (node->next)
		node->next->pprev = &node->next;
	slot->first = node;
	node->pprev = &slot->first;
}

static void tcplens_wheel_unlink(struct tcplens_wheel *wheel,
				 struct tcplens_wheel_node *node)
{
	/* a callback removing the node advance() visits next */
	if (wheel->cursor == node)
		wheel->cursor = node->next;
	*node->pprev = node->next;
	if (node->next)
		node->next->pprev = node->pprev;
	node->next = NULL;
	node->pprev = NULL;
	wheel->pending--;
}

void tcplens_wheel_schedule(struct tcplens_wheel *wheel,
			    struct tcplens_wheel_node *node, u32 ticks)
{
	if (tcplens_wheel_is_scheduled(node))
		tcplens_wheel_unlink(wheel, node);
	if (!ticks)
		ticks = 1;

	/* next visit of the slot is ((ticks - 1) & mask) + 1 ticks away */
	node->rounds = (ticks - 1) / (wheel->mask + 1);
	tcplens_wheel_link(&wheel->slots[(wheel->now + ticks) & wheel->mask],
			   node);
	wheel->pending++;
}

bool tcplens_wheel_cancel(struct tcplens_wheel *wheel,
			  struct tcplens_wheel_node *node)
{
	if (!tcplens_wheel_is_scheduled(node))
		return false;
	tcplens_wheel_unlink(wheel, node);
	return true;
}

u32 tcplens_wheel_advance(struct tcplens_wheel *wheel)
{
	struct tcplens_wheel_node *node;
	u32 fired = 0;

	wheel->now++;
	node = wheel->slots[wheel->now & wheel->mask].first;
	while (node) {
		wheel->cursor = node->next;
		if (node->rounds) {
			node->rounds--;
		} else {
			tcplens_wheel_unlink(wheel, node);
			wheel->expired++;
			fired++;
			wheel->expire(wheel, node, wheel->ctx);
		}
		node = wheel->cursor;
	}
	return fired;
}
