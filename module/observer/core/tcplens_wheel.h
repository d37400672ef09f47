/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcplens_wheel.h - hashed timing wheel with round counts (pure core).
 * See module/observer/core/tcplens_wheel.c for the model.
 */
#ifndef _TCPLENS_WHEEL_H
#define _TCPLENS_WHEEL_H

#include "tcplens_pure.h"

/*
 * Embedded in each timed object. Zeroed (or tcplens_wheel_node_init()) is
 * "not scheduled". 20 bytes of fields, 24 with padding on 64-bit.
 */
struct tcplens_wheel_node {
	struct tcplens_wheel_node *next;	/* next node in the slot */
	struct tcplens_wheel_node **pprev;	/* link to us; NULL: idle */
	u32 rounds;				/* revolutions still to wait */
};

/* One slot: the head of a singly linked list with back links. */
struct tcplens_wheel_slot {
	struct tcplens_wheel_node *first;
};

struct tcplens_wheel;

/*
 * Called by tcplens_wheel_advance() for each node that is due, after it
 * was unlinked: it may schedule the node again, schedule or cancel other
 * nodes, or free the node.
 */
typedef void (*tcplens_wheel_fn)(struct tcplens_wheel *wheel,
				 struct tcplens_wheel_node *node, void *ctx);

struct tcplens_wheel {
	struct tcplens_wheel_slot *slots;	/* nslots heads, from the shell */
	u32 mask;				/* nslots - 1 */
	u32 now;				/* ticks so far; wraps */
	u32 pending;				/* nodes scheduled */
	u64 expired;				/* callbacks made, ever */
	tcplens_wheel_fn expire;		/* called for each due node */
	void *ctx;				/* passed to @expire */
	struct tcplens_wheel_node *cursor;	/* advance(): next to visit */
};

static inline void tcplens_wheel_node_init(struct tcplens_wheel_node *node)
{
	node->next = NULL;
	node->pprev = NULL;
	node->rounds = 0;
}

static inline bool
tcplens_wheel_is_scheduled(const struct tcplens_wheel_node *node)
{
	return node->pprev;
}

static inline u32 tcplens_wheel_pending(const struct tcplens_wheel *wheel)
{
	return wheel->pending;
}

/*
 * Set up @wheel over @slots (@nslots of them, a power of two), empty, at
 * tick 0. Returns false, leaving @wheel untouched, if @nslots is not a
 * power of two.
 */
bool tcplens_wheel_init(struct tcplens_wheel *wheel,
			struct tcplens_wheel_slot *slots, u32 nslots,
			tcplens_wheel_fn expire, void *ctx);

/*
 * (Re)schedule @node to expire on the @ticks-th tcplens_wheel_advance()
 * from now (0 counts as 1). Moves it if it was scheduled already.
 */
void tcplens_wheel_schedule(struct tcplens_wheel *wheel,
			    struct tcplens_wheel_node *node, u32 ticks);

/* Unschedule @node. Returns whether it was scheduled. */
bool tcplens_wheel_cancel(struct tcplens_wheel *wheel,
			  struct tcplens_wheel_node *node);

/* One tick: expire the nodes due now. Returns how many expired. */
u32 tcplens_wheel_advance(struct tcplens_wheel *wheel);

#endif /* _TCPLENS_WHEEL_H */
