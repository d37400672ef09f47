// SPDX-License-Identifier: GPL-2.0
/*
 * tcplens_obs_anom.c - the observer's anomaly records.
 *
 * A record is one group of connections the rules (tcplens_anomaly.c) put
 * together: a kind and a service port, or a kind and a remote
 * address:port. The tick (tcplens_obs_timer.c) moves each connection it
 * evaluates into the record its classification names, and out of it when
 * that changes or the entry dies; so a record's count is exact, and it is
 * raised or cleared at the moment its count crosses the threshold. All of
 * it runs under the namespace's tlock.
 *
 * The oldest age of a raised record is the earliest start (state entry,
 * or last segment for half_open) among its members. Adding a member keeps
 * it exact; removing one may leave it too old, which marks the record
 * stale, and a rescan of the namespace's entries (at most once a second,
 * and only while a raised record is stale) puts it right.
 *
 * RST storms have no member connections: the packet path counts RSTs per
 * service port in a small table (TCPLENS_RST_SLOTS ports at once, the rest
 * counted in rst_untracked), and once per second the tick turns the last
 * second's count of each port into its record's count.
 *
 * Records are bounded (TCPLENS_AREC_MAX per namespace; beyond, a
 * connection is not counted and rec_dropped says so) and freed when empty.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hash.h>
#include <linux/jhash.h>
#include <linux/slab.h>

#include "tcplens_obs.h"

#define TCPLENS_AREC_MAX	4096	/* records per namespace at most */

/*
 * A connection's ->anomaly: the kind of the record it counts in, and how
 * that record was keyed. The key is kept, not recomputed: whether the
 * local port is ephemeral depends on ip_local_port_range, which may change
 * while the connection counts.
 */
#define TCPLENS_ANOM_KIND	0x7f	/* enum tcplens_anomaly_kind */
#define TCPLENS_ANOM_BY_REMOTE	0x80	/* keyed by remote address:port */

/* The identity of a record. */
struct tcplens_anom_key {
	union tcplens_addr raddr;
	u16 lport;
	u16 rport;
	u8 family;
	u8 kind;
};

static u32 tcplens_anom_hash(const struct tcplens_anom_key *k)
{
	u32 h = jhash(k->raddr.b, sizeof(k->raddr.b),
		      (u32)k->lport << 16 | k->rport);

	return hash_32(h ^ ((u32)k->family << 8 | k->kind), TCPLENS_AREC_BITS);
}

/* The key of @c's record for @kind, by remote address:port or local port. */
static void tcplens_anom_key(const struct tcplens_conn *c,
			     enum tcplens_anomaly_kind kind, bool by_remote,
			     struct tcplens_anom_key *k)
{
	memset(k, 0, sizeof(*k));
	k->family = c->family;
	k->kind = kind;
	if (by_remote) {
		k->raddr = c->raddr;
		k->rport = c->rport;
	} else {
		k->lport = c->lport;
	}
}

/* Whether @c's record for @kind goes by the remote end (rule above). */
static bool tcplens_anom_by_remote(struct tcplens_obs_net *on,
				   const struct tcplens_conn *c,
				   enum tcplens_anomaly_kind kind)
{
	bool remote;

	tcplens_obs_service_port(on, c, &remote);
	return remote || tcplens_anomaly_by_remote(kind);
}

/* The key of the record @c counts in now; false if none. */
static bool tcplens_anom_key_counted(const struct tcplens_conn *c,
				     struct tcplens_anom_key *k)
{
	u8 a = READ_ONCE(c->anomaly);

	if ((a & TCPLENS_ANOM_KIND) == TCPLENS_ANOM_NONE)
		return false;
	tcplens_anom_key(c, a & TCPLENS_ANOM_KIND, a & TCPLENS_ANOM_BY_REMOTE, k);
	return true;
}

static bool tcplens_anom_match(const struct tcplens_anom_rec *r,
			       const struct tcplens_anom_key *k)
{
	return r->kind == k->kind && r->family == k->family &&
	       r->lport == k->lport && r->rport == k->rport &&
	       !memcmp(&r->raddr, &k->raddr, sizeof(k->raddr));
}

static struct tcplens_anom_rec *
tcplens_anom_find(struct tcplens_obs_net *on, const struct tcplens_anom_key *k,
		  bool create)
{
	struct hlist_head *head = &on->anom.arec[tcplens_anom_hash(k)];
	struct tcplens_anom_rec *r;

	hlist_for_each_entry(r, head, node)
		if (tcplens_anom_match(r, k))
			return r;
	if (!create)
		return NULL;
	if (on->anom.nrec >= TCPLENS_AREC_MAX) {
		on->anom.rec_dropped++;
		return NULL;
	}
	r = kzalloc(sizeof(*r), GFP_ATOMIC);
	if (!r) {
		on->anom.rec_dropped++;
		return NULL;
	}
	r->raddr = k->raddr;
	r->lport = k->lport;
	r->rport = k->rport;
	r->family = k->family;
	r->kind = k->kind;
	r->oldest = (u32)jiffies;
	hlist_add_head(&r->node, head);
	on->anom.nrec++;
	return r;
}

static void tcplens_anom_log(struct tcplens_obs_net *on,
			     const struct tcplens_anom_rec *r)
{
	if (!READ_ONCE(on->conf.tun[TCPLENS_TUN_LOG]))
		return;
	if (r->lport)
		pr_info_ratelimited("netns %u: %s on local port %u: %u\n",
				    on->net->ns.inum,
				    tcplens_anomaly_name(r->kind), r->lport,
				    r->count);
	else if (r->family == 4)
		pr_info_ratelimited("netns %u: %s toward %pI4:%u: %u\n",
				    on->net->ns.inum,
				    tcplens_anomaly_name(r->kind),
				    r->raddr.b, r->rport, r->count);
	else
		pr_info_ratelimited("netns %u: %s toward [%pI6c]:%u: %u\n",
				    on->net->ns.inum,
				    tcplens_anomaly_name(r->kind),
				    r->raddr.b, r->rport, r->count);
}

/* Raise or clear @r for its count; free it once empty. */
static void tcplens_anom_update(struct tcplens_obs_net *on,
				struct tcplens_anom_rec *r)
{
	u32 lo, hi;
	bool raised;

	tcplens_obs_ephemeral_range(on, &lo, &hi);
	raised = tcplens_anomaly_raised(&on->conf.thresh, r->kind, r->count,
					hi >= lo ? hi - lo + 1 : 0);
	if (raised && !r->raised) {
		r->raised = true;
		r->raised_at = jiffies;
		on->anom.nraised++;
		on->anom.raised_total[r->kind]++;
		tcplens_anom_log(on, r);
	} else if (!raised && r->raised) {
		r->raised = false;
		on->anom.nraised--;
		on->anom.cleared_total[r->kind]++;
	}
	if (!r->count) {
		hlist_del(&r->node);
		on->anom.nrec--;
		kfree(r);
	}
}

void tcplens_obs_anom_account(struct tcplens_obs_net *on,
			      struct tcplens_conn *c,
			      enum tcplens_anomaly_kind kind, u32 since)
{
	struct tcplens_anom_rec *r;
	struct tcplens_anom_key k;
	bool by_remote;

	lockdep_assert_held(&on->tlock);
	/* every kind fits below the key bit */
	BUILD_BUG_ON((TCPLENS_ANOM_COUNT - 1) & ~TCPLENS_ANOM_KIND);
	if ((c->anomaly & TCPLENS_ANOM_KIND) == kind)
		return;
	if (tcplens_anom_key_counted(c, &k)) {
		r = tcplens_anom_find(on, &k, false);
		if (r && r->count) {
			r->count--;
			/* it may have been the oldest one */
			if (r->count && r->raised) {
				r->stale = true;
				on->anom.stale = true;
			}
			tcplens_anom_update(on, r);
		}
	}
	WRITE_ONCE(c->anomaly, TCPLENS_ANOM_NONE);
	if (kind == TCPLENS_ANOM_NONE)
		return;

	by_remote = tcplens_anom_by_remote(on, c, kind);
	tcplens_anom_key(c, kind, by_remote, &k);
	r = tcplens_anom_find(on, &k, true);
	if (!r)
		return;
	/* a rescan under way collects its oldest in ->scratch */
	if (!r->count++ || (s32)(since - r->oldest) < 0)
		r->oldest = since;
	if (r->count == 1 || (s32)(since - r->scratch) < 0)
		r->scratch = since;
	WRITE_ONCE(c->anomaly, kind | (by_remote ? TCPLENS_ANOM_BY_REMOTE : 0));
	tcplens_anom_update(on, r);
}

/* Thresholds changed: raise or clear every record for its count. */
void tcplens_obs_anom_refresh(struct tcplens_obs_net *on)
{
	struct tcplens_anom_rec *r;
	struct hlist_node *tmp;
	unsigned int i;

	lockdep_assert_held(&on->tlock);
	for (i = 0; i < TCPLENS_AREC_BUCKETS; i++)
		hlist_for_each_entry_safe(r, tmp, &on->anom.arec[i], node)
			tcplens_anom_update(on, r);
}

/* Rescan: an entry's start lowers its stale record's oldest found. */
static void tcplens_anom_rescan_one(struct tcplens_obs_net *on,
				    struct tcplens_conn *c, u32 bucket)
{
	struct tcplens_anom_rec *r;
	struct tcplens_anom_key k;
	u32 since;

	if (!tcplens_anom_key_counted(c, &k))
		return;
	r = tcplens_anom_find(on, &k, false);
	if (!r || !r->stale)
		return;
	since = k.kind == TCPLENS_ANOM_HALF_OPEN ?
		READ_ONCE(c->last_seen) : READ_ONCE(c->state_since);
	if ((s32)(since - r->scratch) < 0)
		r->scratch = since;
}

/* Put the oldest age of stale raised records right. */
void tcplens_obs_anom_rescan(struct tcplens_obs_net *on)
{
	u32 i, now = jiffies;
	struct tcplens_anom_rec *r;

	spin_lock_bh(&on->tlock);
	on->anom.stale = false;
	on->anom.rescans++;
	for (i = 0; i < TCPLENS_AREC_BUCKETS; i++)
		hlist_for_each_entry(r, &on->anom.arec[i], node)
			r->scratch = now;
	spin_unlock_bh(&on->tlock);

	tcplens_obs_walk(on, tcplens_anom_rescan_one);

	spin_lock_bh(&on->tlock);
	for (i = 0; i < TCPLENS_AREC_BUCKETS; i++)
		hlist_for_each_entry(r, &on->anom.arec[i], node)
			if (r->stale) {
				r->oldest = r->scratch;
				r->stale = false;
			}
	spin_unlock_bh(&on->tlock);
}

void tcplens_obs_rst_event(struct tcplens_obs_net *on, u8 family, u16 port,
			   bool remote)
{
	u32 h = hash_32((u32)port << 2 | remote << 1 | (family == 6),
			ilog2(TCPLENS_RST_SLOTS));
	struct tcplens_rst_slot *s, *free = NULL;
	unsigned int i;

	spin_lock_bh(&on->rst.lock);
	for (i = 0; i < TCPLENS_RST_PROBE; i++) {
		s = &on->rst.slot[(h + i) % TCPLENS_RST_SLOTS];
		if (!s->family) {
			free = free ?: s;
			continue;
		}
		if (s->port == port && s->family == family &&
		    s->remote == remote) {
			s->cur++;
			goto out;
		}
	}
	if (free) {
		free->port = port;
		free->family = family;
		free->remote = remote;
		free->cur = 1;
		free->last = 0;
	} else {
		this_cpu_inc(on->stats->rst_untracked);
	}
out:
	spin_unlock_bh(&on->rst.lock);
	if (!READ_ONCE(on->timer.running))
		tcplens_obs_kick(on);
}

/* Once a second, under tlock: the last second's RSTs per port. */
void tcplens_obs_rst_window(struct tcplens_obs_net *on)
{
	struct tcplens_anom_rec *r;
	struct tcplens_anom_key k;
	unsigned int i;

	lockdep_assert_held(&on->tlock);
	spin_lock(&on->rst.lock);
	for (i = 0; i < TCPLENS_RST_SLOTS; i++) {
		struct tcplens_rst_slot *s = &on->rst.slot[i];

		if (!s->family)
			continue;
		s->last = s->cur;
		s->cur = 0;
		memset(&k, 0, sizeof(k));
		k.family = s->family;
		k.kind = TCPLENS_ANOM_RST_STORM;
		if (s->remote)
			k.rport = s->port;
		else
			k.lport = s->port;
		r = tcplens_anom_find(on, &k, s->last);
		if (r) {
			if (!r->count)
				r->oldest = (u32)jiffies;
			r->count = s->last;
			tcplens_anom_update(on, r);
		}
		if (!s->last)
			s->family = 0;	/* a quiet second frees the slot */
	}
	spin_unlock(&on->rst.lock);
}

/* Does the tick have anything to do besides the wheel? Under tlock. */
bool tcplens_obs_anom_busy(struct tcplens_obs_net *on)
{
	unsigned int i;

	if (on->anom.nrec)
		return true;
	for (i = 0; i < TCPLENS_RST_SLOTS; i++)
		if (READ_ONCE(on->rst.slot[i].family))
			return true;
	return false;
}

int tcplens_obs_anom_init(struct tcplens_obs_net *on)
{
	spin_lock_init(&on->rst.lock);
	on->anom.arec = kcalloc(TCPLENS_AREC_BUCKETS, sizeof(*on->anom.arec),
				GFP_KERNEL);
	return on->anom.arec ? 0 : -ENOMEM;
}

/* Every entry is gone, so is every record but RST ones: free those. */
void tcplens_obs_anom_exit(struct tcplens_obs_net *on)
{
	struct tcplens_anom_rec *r;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i < TCPLENS_AREC_BUCKETS; i++)
		hlist_for_each_entry_safe(r, tmp, &on->anom.arec[i], node) {
			hlist_del(&r->node);
			kfree(r);
		}
	kfree(on->anom.arec);
}
