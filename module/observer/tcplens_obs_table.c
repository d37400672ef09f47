// SPDX-License-Identifier: GPL-2.0
/*
 * tcplens_obs_table.c - the observer's connection table.
 *
 * One entry (struct tcplens_conn, 128 bytes) per tracked endpoint, keyed
 * by (netns, family, local address:port, remote address:port). "Local" is
 * the endpoint on this host: the source of a packet at LOCAL_OUT, the
 * destination at LOCAL_IN. A connection over loopback thus has two
 * entries, one per socket, as ss(8) shows two. For forwarded traffic the
 * responder (the side that received the first SYN; in mid-stream, the
 * lower port) is taken as local, and the entry is marked forwarded.
 *
 * The hash table is global and namespaces are part of the key, as in
 * nf_conntrack: one allocation sized to memory at load time (hashsize=)
 * rather than one per namespace, which would be either too small for a
 * busy host or too big for a thousand containers. A reader of one
 * namespace skips the others' entries.
 *
 * Lookups walk a chain under RCU (the hooks run under rcu_read_lock()),
 * then take the chain's lock (striped, tcplens_obs_locks[]) to update the
 * entry and re-check that it was not unhashed meanwhile (the DEAD flag);
 * what a segment does to an entry is tcplens_obs_packet.c. An entry's key
 * and chain link share its first cache line, so a lookup that misses
 * touches one line per entry it passes.
 * Entries are freed with call_rcu(): plain RCU rather than
 * SLAB_TYPESAFE_BY_RCU, because the rcu_head costs nothing here (it
 * shares its bytes with the wheel node, which a dead entry no longer
 * needs) and an entry's key then never changes under a reader, so there is
 * no re-validation dance and no nulls markers.
 *
 * Bounded: at most max_tracked entries per namespace (sysctl; default
 * scaled to memory), and max_total over all of them (module parameter:
 * a namespace's root may raise its own max_tracked, not the host's
 * memory use). When full, a new connection evicts a victim sampled
 * by the timing wheel (tcplens_obs_pick_victim(): the entries due soonest,
 * lowest class first: CLOSED, TIME_WAIT, SYN_RECV, SYN_SENT, then the
 * closing states); ESTABLISHED and CLOSE_WAIT entries are never evicted,
 * the new connection is refused instead, like nf_conntrack's early_drop.
 * A flood of spoofed SYNs therefore recycles SYN_RECV entries and never
 * grows the table nor pushes out live connections.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jhash.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <net/ip.h>

#include "tcplens_obs.h"

#define TCPLENS_LOCKS		1024	/* bucket lock stripes */
#define TCPLENS_HASH_MIN	1024	/* smallest hash table */
#define TCPLENS_HASH_MAX	BIT(22)	/* largest hash table */
/* Default table size: one bucket per 32 KiB of RAM (nf_conntrack: 16). */
#define TCPLENS_HASH_RAM_SHIFT	15
/* Default max_tracked: 1/256 of RAM in entries, within these bounds. */
#define TCPLENS_MAX_RAM_SHIFT	8
#define TCPLENS_MAX_MIN		4096
#define TCPLENS_MAX_MAX		BIT(22)
/* Default max_total, all namespaces: 1/64 of RAM in entries. */
#define TCPLENS_TOTAL_RAM_SHIFT	6

static struct kmem_cache *tcplens_conn_cache __read_mostly;
static struct hlist_head *tcplens_hash __read_mostly;
static u32 tcplens_hash_mask __read_mostly;
static u32 tcplens_hash_seed __read_mostly;
static spinlock_t tcplens_obs_locks[TCPLENS_LOCKS];
/* entries of all namespaces: at most tcplens_obs_max_total */
static atomic_t tcplens_obs_total = ATOMIC_INIT(0);

struct hlist_head *tcplens_obs_bucket(u32 i)
{
	return &tcplens_hash[i];
}

spinlock_t *tcplens_obs_bucket_lock(u32 i)
{
	return &tcplens_obs_locks[i % TCPLENS_LOCKS];
}

u32 tcplens_obs_table_buckets(void)
{
	return tcplens_hash_mask + 1;
}

unsigned int tcplens_obs_conn_size(void)
{
	return kmem_cache_size(tcplens_conn_cache);
}

/* Entries in 1/2^@shift of RAM, within [@lo, @hi]. */
static u32 tcplens_obs_ram_entries(unsigned int shift, u32 lo, u32 hi)
{
	u64 n = ((u64)totalram_pages() << PAGE_SHIFT) >> shift;

	return clamp_t(u64, div_u64(n, sizeof(struct tcplens_conn)), lo, hi);
}

u32 tcplens_obs_default_max(void)
{
	return tcplens_obs_ram_entries(TCPLENS_MAX_RAM_SHIFT, TCPLENS_MAX_MIN,
				       TCPLENS_MAX_MAX);
}

u32 tcplens_obs_host_entries(void)
{
	return atomic_read(&tcplens_obs_total);
}

u32 tcplens_key_hash(const struct tcplens_obs_net *on,
		     const struct tcplens_key *k)
{
	u32 w[10];

	memcpy(&w[0], k->laddr.w, sizeof(k->laddr.w));
	memcpy(&w[4], k->raddr.w, sizeof(k->raddr.w));
	w[8] = (u32)k->lport << 16 | k->rport;
	w[9] = k->family;
	return jhash2(w, ARRAY_SIZE(w),
		      tcplens_hash_seed ^ net_hash_mix(on->net)) &
	       tcplens_hash_mask;
}

static void tcplens_key_of_conn(struct tcplens_key *k,
				const struct tcplens_conn *c)
{
	k->laddr = c->laddr;
	k->raddr = c->raddr;
	k->lport = c->lport;
	k->rport = c->rport;
	k->family = c->family;
}

void tcplens_key_of_pkt(struct tcplens_key *k, const struct tcplens_pkt *pkt,
			enum tcplens_dir dir)
{
	bool out = dir == TCPLENS_DIR_OUT;

	k->laddr = out ? pkt->saddr : pkt->daddr;
	k->raddr = out ? pkt->daddr : pkt->saddr;
	k->lport = out ? pkt->sport : pkt->dport;
	k->rport = out ? pkt->dport : pkt->sport;
	k->family = pkt->family;
}

static bool tcplens_key_match(const struct tcplens_conn *c,
			      const struct tcplens_obs_net *on,
			      const struct tcplens_key *k)
{
	return c->on == on && c->lport == k->lport && c->rport == k->rport &&
	       c->family == k->family &&
	       !memcmp(&c->laddr, &k->laddr, sizeof(k->laddr)) &&
	       !memcmp(&c->raddr, &k->raddr, sizeof(k->raddr));
}

struct tcplens_conn *tcplens_obs_lookup(struct tcplens_obs_net *on,
					const struct tcplens_key *k, u32 hash)
{
	struct tcplens_conn *c;

	hlist_for_each_entry_rcu(c, &tcplens_hash[hash], hnode,
				 lockdep_is_held(tcplens_obs_bucket_lock(hash)))
		if (tcplens_key_match(c, on, k))
			return c;
	return NULL;
}

/* The port an anomaly of this pair is attributed to: tcplens_anomaly.c */
static u16 tcplens_obs_service(struct tcplens_obs_net *on, u16 lport,
			       u16 rport, bool *remote)
{
	u32 lo, hi;

	tcplens_obs_ephemeral_range(on, &lo, &hi);
	return tcplens_anomaly_service(lport, rport, lo, hi, remote);
}

u16 tcplens_obs_service_port(struct tcplens_obs_net *on,
			     const struct tcplens_conn *c, bool *remote)
{
	return tcplens_obs_service(on, c->lport, c->rport, remote);
}

u16 tcplens_obs_key_service(struct tcplens_obs_net *on,
			    const struct tcplens_key *k, bool *remote)
{
	return tcplens_obs_service(on, k->lport, k->rport, remote);
}

bool tcplens_obs_port_ephemeral(struct tcplens_obs_net *on, u16 port)
{
	u32 lo, hi;

	tcplens_obs_ephemeral_range(on, &lo, &hi);
	return tcplens_port_ephemeral(port, lo, hi);
}

void tcplens_obs_snapshot(struct tcplens_obs_net *on,
			  const struct tcplens_conn *c,
			  struct tcplens_obs_snap *s)
{
	struct tcplens_key k;
	spinlock_t *lock;	/* the entry's bucket lock */

	tcplens_key_of_conn(&k, c);
	lock = tcplens_obs_bucket_lock(tcplens_key_hash(on, &k));
	spin_lock_bh(lock);
	s->state = c->state;
	s->dead = c->flags & TCPLENS_CONN_DEAD;
	s->answered = c->trk.flags[TCPLENS_DIR_OUT] & TCPLENS_TRK_SYN;
	s->retrans = c->retrans;
	s->state_since = c->state_since;
	s->last_seen = c->last_seen;
	spin_unlock_bh(lock);
}

/*
 * Take one entry's room in @on (max_tracked) and on the host (max_total:
 * the namespaces together, whatever their own limits say); false, and
 * nothing taken, if either is full.
 */
static bool tcplens_obs_charge(struct tcplens_obs_net *on, u32 max)
{
	if (atomic_inc_return(&on->count) > max)
		goto ns_full;
	if (atomic_inc_return(&tcplens_obs_total) > tcplens_obs_max_total)
		goto host_full;
	return true;

host_full:
	atomic_dec(&tcplens_obs_total);
ns_full:
	atomic_dec(&on->count);
	return false;
}

static void tcplens_obs_uncharge(struct tcplens_obs_net *on)
{
	atomic_dec(&tcplens_obs_total);
	atomic_dec(&on->count);
}

/*
 * Make room for one more entry. Evicts a victim of this namespace if it
 * or the host is full; false if there is none to evict (the namespace
 * holds only entries that are never evicted).
 */
static bool tcplens_obs_reserve(struct tcplens_obs_net *on)
{
	u32 max = READ_ONCE(on->conf.tun[TCPLENS_TUN_MAX_TRACKED]);
	struct tcplens_conn *victim;
	bool freed = false;

	if (tcplens_obs_charge(on, max))
		return true;

	spin_lock_bh(&on->tlock);
	victim = tcplens_obs_pick_victim(on);
	if (victim)
		freed = tcplens_obs_kill(on, victim, TCPLENS_KILL_EVICT);
	spin_unlock_bh(&on->tlock);
	if (freed) {
		this_cpu_inc(on->stats->evicted);
		if (tcplens_obs_charge(on, max))
			return true;
	}
	this_cpu_inc(on->stats->refused);
	return false;
}

struct tcplens_conn *tcplens_obs_conn_alloc(struct tcplens_obs_net *on)
{
	struct tcplens_conn *c;

	if (!tcplens_obs_reserve(on))
		return NULL;
	c = kmem_cache_zalloc(tcplens_conn_cache, GFP_ATOMIC);
	if (!c) {
		tcplens_obs_uncharge(on);
		this_cpu_inc(on->stats->alloc_failed);
	}
	return c;
}

void tcplens_obs_conn_discard(struct tcplens_obs_net *on,
			      struct tcplens_conn *c)
{
	kmem_cache_free(tcplens_conn_cache, c);
	tcplens_obs_uncharge(on);
}

void tcplens_obs_state_delta(struct tcplens_obs_net *on,
			     enum tcplens_state from, enum tcplens_state to)
{
	if (from != TCPLENS_STATE_NONE)
		this_cpu_dec(on->stats->states[from]);
	if (to != TCPLENS_STATE_NONE)
		this_cpu_inc(on->stats->states[to]);
}

static void tcplens_obs_conn_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(tcplens_conn_cache,
			container_of(head, struct tcplens_conn, rcu));
}

/*
 * Remove @c from the table and free it after a grace period. Called with
 * on->tlock held (BH off). False if it was removed already.
 */
bool tcplens_obs_kill(struct tcplens_obs_net *on, struct tcplens_conn *c,
		      enum tcplens_obs_kill why)
{
	struct tcplens_key k;
	enum tcplens_state state;
	spinlock_t *lock;	/* the entry's bucket lock */

	lockdep_assert_held(&on->tlock);
	tcplens_key_of_conn(&k, c);
	lock = tcplens_obs_bucket_lock(tcplens_key_hash(on, &k));

	spin_lock(lock);
	if (c->flags & TCPLENS_CONN_DEAD) {
		spin_unlock(lock);
		return false;
	}
	c->flags |= TCPLENS_CONN_DEAD;
	hlist_del_rcu(&c->hnode);
	state = c->state;
	spin_unlock(lock);

	tcplens_obs_state_delta(on, state, TCPLENS_STATE_NONE);
	tcplens_wheel_cancel(&on->timer.wheel, &c->wnode);
	tcplens_obs_anom_account(on, c, TCPLENS_ANOM_NONE, 0);
	on->killed[why]++;
	tcplens_obs_uncharge(on);
	/* the wheel is done with c->wnode: its bytes become the rcu_head */
	call_rcu(&c->rcu, tcplens_obs_conn_free_rcu);
	return true;
}

/**
 * tcplens_obs_walk() - visit every entry of a namespace
 * @on: the namespace
 * @fn: called for each entry of @on with its hash bucket, on->tlock held,
 *	under RCU; it may kill the entry (hlist_del_rcu() keeps ->next: the
 *	walk goes on)
 *
 * The table is shared by all namespaces: a walk visits every bucket, and
 * sleeps between buckets, so process context only (the tick, sysctls,
 * namespace exit). Entries added meanwhile may or may not be visited.
 */
void tcplens_obs_walk(struct tcplens_obs_net *on,
		      void (*fn)(struct tcplens_obs_net *on,
				 struct tcplens_conn *c, u32 bucket))
{
	struct tcplens_conn *c;
	u32 i;

	for (i = 0; i <= tcplens_hash_mask; i++) {
		if (hlist_empty(&tcplens_hash[i]))
			continue;
		spin_lock_bh(&on->tlock);
		rcu_read_lock();
		hlist_for_each_entry_rcu(c, &tcplens_hash[i], hnode)
			if (c->on == on)
				fn(on, c, i);
		rcu_read_unlock();
		spin_unlock_bh(&on->tlock);
		cond_resched();
	}
}

static void tcplens_obs_flush_one(struct tcplens_obs_net *on,
				  struct tcplens_conn *c, u32 bucket)
{
	tcplens_obs_kill(on, c, TCPLENS_KILL_FLUSH);
}

/* Namespace exit, hooks and tick stopped: free every entry of @on. */
void tcplens_obs_flush(struct tcplens_obs_net *on)
{
	tcplens_obs_walk(on, tcplens_obs_flush_one);
}

int tcplens_obs_table_init(void)
{
	u32 n = tcplens_obs_hashsize, i;

	BUILD_BUG_ON(sizeof(struct tcplens_conn) > TCPLENS_CONN_MAX_SIZE);
	BUILD_BUG_ON(offsetof(struct tcplens_conn, on) != 0);
	BUILD_BUG_ON(offsetofend(struct tcplens_conn, hnode) > TCPLENS_KEY_LINE);

	if (!n)
		n = ((u64)totalram_pages() << PAGE_SHIFT) >>
		    TCPLENS_HASH_RAM_SHIFT;
	n = roundup_pow_of_two(clamp_t(u32, n, TCPLENS_HASH_MIN,
				       TCPLENS_HASH_MAX));
	tcplens_obs_hashsize = n;
	tcplens_hash_mask = n - 1;
	get_random_bytes(&tcplens_hash_seed, sizeof(tcplens_hash_seed));
	for (i = 0; i < TCPLENS_LOCKS; i++)
		spin_lock_init(&tcplens_obs_locks[i]);
	if (!tcplens_obs_max_total)
		tcplens_obs_max_total =
			tcplens_obs_ram_entries(TCPLENS_TOTAL_RAM_SHIFT,
						TCPLENS_MAX_MIN,
						TCPLENS_OBS_TOTAL_MAX);

	tcplens_hash = kvcalloc(n, sizeof(*tcplens_hash), GFP_KERNEL);
	if (!tcplens_hash)
		return -ENOMEM;
	/* no SLAB_HWCACHE_ALIGN: 128 bytes are two cache lines already */
	tcplens_conn_cache = kmem_cache_create("tcplens_conn",
					       sizeof(struct tcplens_conn), 0,
					       SLAB_HWCACHE_ALIGN, NULL);
	if (!tcplens_conn_cache) {
		kvfree(tcplens_hash);
		return -ENOMEM;
	}
	return 0;
}

void tcplens_obs_table_exit(void)
{
	/* every namespace was flushed: wait for their call_rcu()s */
	rcu_barrier();
	kmem_cache_destroy(tcplens_conn_cache);
	kvfree(tcplens_hash);
}
