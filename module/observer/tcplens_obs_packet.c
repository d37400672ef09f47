// SPDX-License-Identifier: GPL-2.0
/*
 * tcplens_obs_packet.c - one segment through the observer's table.
 *
 * The hooks (tcplens_obs_main.c) hand every parsed TCP segment here with
 * its direction: OUT for what the host sends, IN for what it receives,
 * and forwarded segments without one. A segment of a tracked endpoint
 * steps its state machine (core/tcplens_fsm.c) under the entry's bucket
 * lock and counts what the tracker classified; a segment that opens or
 * shows a connection not tracked yet makes a new entry, if the table
 * (tcplens_obs_table.c) has room or can evict. A forwarded segment
 * belongs to the entry of either end; a new one is oriented by
 * tcplens_fsm_fwd_dir().
 *
 * Changes that may move a deadline earlier, or end an anomaly, put the
 * entry on the wheel for the next tick (tcplens_obs_timer.c); everything
 * else only moves last_seen.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>

#include "tcplens_obs.h"

static void tcplens_sat_inc(u16 *v)
{
	if (*v != U16_MAX)
		(*v)++;
}

/* What a segment's classification adds to the entry's counters. */
static void tcplens_obs_count(struct tcplens_conn *c,
			      const struct tcplens_pkt *pkt,
			      enum tcplens_dir dir, u16 seg)
{
	if (seg & TCPLENS_SEG_RETRANS)
		tcplens_sat_inc(&c->retrans);
	if (seg & TCPLENS_SEG_ZERO_WIN)
		tcplens_sat_inc(&c->zero_win);
	if (seg & TCPLENS_SEG_WIN_PROBE)
		tcplens_sat_inc(&c->win_probes);
	if (seg & TCPLENS_SEG_KEEPALIVE)
		tcplens_sat_inc(&c->keepalives);
	if (pkt->flags & TCPLENS_TCP_RST)
		tcplens_sat_inc(&c->rsts);
	if ((pkt->flags & TCPLENS_TCP_SYN) && (pkt->opts & TCPLENS_OPT_MSS))
		c->mss[dir] = pkt->mss;
}

/*
 * One segment through an entry found in the table. Returns false if the
 * entry died meanwhile (the caller then starts a new one).
 */
static bool tcplens_obs_update(struct tcplens_obs_net *on,
			       struct tcplens_conn *c, u32 hash,
			       const struct tcplens_pkt *pkt,
			       enum tcplens_dir dir)
{
	spinlock_t *lock = tcplens_obs_bucket_lock(hash);
	enum tcplens_state old, new;
	bool resched;
	u16 seg;

	spin_lock_bh(lock);
	if (c->flags & TCPLENS_CONN_DEAD) {
		spin_unlock_bh(lock);
		return false;
	}
	old = c->state;
	new = tcplens_fsm_input(old, &c->trk, dir, pkt, &seg);
	tcplens_obs_count(c, pkt, dir, seg);
	c->last_seen = (u32)jiffies;
	if (new != old) {
		c->state = new;
		c->state_since = c->last_seen;
		tcplens_obs_state_delta(on, old, new);
	}
	/* the wheel is re-slotted lazily: tcplens_life_recheck() */
	resched = tcplens_life_recheck(old, new,
				       READ_ONCE(c->anomaly) != TCPLENS_ANOM_NONE,
				       seg);
	spin_unlock_bh(lock);

	if (resched)
		tcplens_obs_schedule_soon(on, c);
	return true;
}

/* A segment of an endpoint not in the table: start tracking it. */
static void tcplens_obs_create(struct tcplens_obs_net *on,
			       const struct tcplens_key *k, u32 hash,
			       const struct tcplens_pkt *pkt,
			       enum tcplens_dir dir, bool fwd)
{
	spinlock_t *lock = tcplens_obs_bucket_lock(hash);
	struct tcplens_seq_track trk = {};
	struct tcplens_conn *c, *old;
	enum tcplens_state state;
	u16 seg;

	/* only what opens or shows a connection makes an entry: no RST */
	state = tcplens_fsm_input(TCPLENS_STATE_NONE, &trk, dir, pkt, &seg);
	if (state == TCPLENS_STATE_NONE)
		return;
	c = tcplens_obs_conn_alloc(on);
	if (!c)
		return;
	c->on = on;
	c->laddr = k->laddr;
	c->raddr = k->raddr;
	c->lport = k->lport;
	c->rport = k->rport;
	c->family = k->family;
	c->state = state;
	c->flags = fwd ? TCPLENS_CONN_FWD : 0;
	c->trk = trk;
	c->state_since = (u32)jiffies;
	c->last_seen = c->state_since;
	tcplens_obs_count(c, pkt, dir, seg);

	spin_lock_bh(lock);
	old = tcplens_obs_lookup(on, k, hash);
	if (old && !(old->flags & TCPLENS_CONN_DEAD)) {
		/* another CPU created it first: use that one */
		spin_unlock_bh(lock);
		tcplens_obs_conn_discard(on, c);
		tcplens_obs_update(on, old, hash, pkt, dir);
		return;
	}
	hlist_add_head_rcu(&c->hnode, tcplens_obs_bucket(hash));
	tcplens_obs_state_delta(on, TCPLENS_STATE_NONE, state);
	spin_unlock_bh(lock);

	this_cpu_inc(on->stats->created);
	tcplens_obs_schedule_soon(on, c);
}

/* An RST counts toward its port's rate whether or not it is tracked. */
static void tcplens_obs_rst(struct tcplens_obs_net *on,
			    const struct tcplens_key *k)
{
	bool remote;
	u16 port = tcplens_obs_key_service(on, k, &remote);

	tcplens_obs_rst_event(on, k->family, port, remote);
}

/* @pkt, of the endpoint @k in direction @dir; @c is its entry, if any. */
static void tcplens_obs_apply(struct tcplens_obs_net *on,
			      const struct tcplens_key *k, u32 hash,
			      struct tcplens_conn *c,
			      const struct tcplens_pkt *pkt,
			      enum tcplens_dir dir, bool fwd)
{
	if (pkt->flags & TCPLENS_TCP_RST)
		tcplens_obs_rst(on, k);
	if (c && tcplens_obs_update(on, c, hash, pkt, dir))
		return;
	tcplens_obs_create(on, k, hash, pkt, dir, fwd);
}

void tcplens_obs_segment(struct tcplens_obs_net *on,
			 const struct tcplens_pkt *pkt, enum tcplens_dir dir,
			 bool fwd)
{
	struct tcplens_key k;
	u32 hash;

	tcplens_key_of_pkt(&k, pkt, dir);
	hash = tcplens_key_hash(on, &k);
	tcplens_obs_apply(on, &k, hash, tcplens_obs_lookup(on, &k, hash), pkt,
			  dir, fwd);
}

void tcplens_obs_forward(struct tcplens_obs_net *on,
			 const struct tcplens_pkt *pkt)
{
	struct tcplens_key k[TCPLENS_DIR_COUNT];
	u32 hash[TCPLENS_DIR_COUNT];
	struct tcplens_conn *c;
	enum tcplens_dir dir;

	/* an entry either way: the receiver of the first SYN is "local" */
	for (dir = TCPLENS_DIR_OUT; dir < TCPLENS_DIR_COUNT; dir++) {
		tcplens_key_of_pkt(&k[dir], pkt, dir);
		hash[dir] = tcplens_key_hash(on, &k[dir]);
		c = tcplens_obs_lookup(on, &k[dir], hash[dir]);
		if (c) {
			tcplens_obs_apply(on, &k[dir], hash[dir], c, pkt, dir,
					  true);
			return;
		}
	}
	dir = tcplens_fsm_fwd_dir(pkt);
	tcplens_obs_apply(on, &k[dir], hash[dir], NULL, pkt, dir, true);
}
