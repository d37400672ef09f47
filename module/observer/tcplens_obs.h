/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcplens_obs.h - internals of tcplens_observer.ko, shared by its files:
 *
 *   tcplens_obs_main.c    module, namespaces, netfilter hooks, packet path
 *   tcplens_obs_table.c   connection table: hash, entries, eviction
 *   tcplens_obs_timer.c   per-namespace timing wheel and its tick
 *   tcplens_obs_anom.c    anomaly records (the rules: tcplens_anomaly.c)
 *   tcplens_obs_proc.c    /proc/net/tcplens/{states,conns,anomalies,...}
 *   tcplens_obs_sysctl.c  net.tcplens.* sysctls
 *
 * Locking, in this order (a CPU holding one never takes one above it):
 *   on->tlock     the namespace's wheel, the wheel nodes of its entries,
 *                 its anomaly records and every entry's ->anomaly
 *   bucket lock   tcplens_obs_locks[]: a hash chain and the packet state
 *                 of its entries (state, tracker, times, counters, flags)
 *   on->rst_lock  the RST rate table
 * The packet path takes a bucket lock, drops it, and only then tlock.
 * All are taken with BH disabled: LOCAL_OUT runs in process context too.
 */
#ifndef _TCPLENS_OBS_H
#define _TCPLENS_OBS_H

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

#include "core/tcplens_anomaly.h"
#include "core/tcplens_fsm.h"
#include "core/tcplens_life.h"
#include "core/tcplens_parse.h"
#include "core/tcplens_wheel.h"

/* Budget of one tracked connection, checked at build time. */
#define TCPLENS_CONN_MAX_SIZE	128
/* The key and the hash chain of an entry share its first 64 bytes. */
#define TCPLENS_KEY_LINE	64

/* Bounds of the max_total module parameter (entries, all namespaces). */
#define TCPLENS_OBS_TOTAL_MIN	16
#define TCPLENS_OBS_TOTAL_MAX	BIT(24)

/* struct tcplens_conn.flags */
#define TCPLENS_CONN_FWD	0x01	/* forwarded: "local" is the responder */
#define TCPLENS_CONN_DEAD	0x02	/* unhashed: freed after a grace period */

/*
 * One tracked endpoint, keyed by (netns, family, local addr:port, remote
 * addr:port). 128 bytes on 64-bit, a cache-line pair; nf_conntrack's entry
 * is 256-320. Counters saturate at U16_MAX.
 */
struct tcplens_conn {
	/* first cache line: what a lookup reads (TCPLENS_KEY_LINE) */
	struct tcplens_obs_net *on;		/* owning namespace */
	union tcplens_addr laddr;		/* local address */
	union tcplens_addr raddr;		/* remote address */
	u16 lport;				/* local port, host order */
	u16 rport;				/* remote port, host order */
	u8 family;				/* 4 or 6 */
	u8 state;				/* enum tcplens_state */
	u8 flags;				/* TCPLENS_CONN_* */
	u8 anomaly;				/* its record: kind + key bit, tlock */
	struct hlist_node hnode;		/* hash chain, RCU */
	/* second: the rest */
	union {
		struct tcplens_wheel_node wnode; /* deadline, under on->tlock */
		struct rcu_head rcu;		/* once DEAD: deferred free */
	};
	struct tcplens_seq_track trk;		/* both directions' sequences */
	u32 state_since;			/* jiffies: entered ->state */
	u32 last_seen;				/* jiffies: last segment */
	u16 mss[TCPLENS_DIR_COUNT];		/* MSS option of each SYN, 0: none */
	u16 retrans;				/* retransmitted segments */
	u16 zero_win;				/* zero-window advertisements */
	u16 win_probes;				/* persist-timer probes */
	u16 keepalives;				/* keepalive probes */
	u16 rsts;				/* RST segments (accepted or not) */
};

/* Per-CPU counters of one namespace, summed by the stats file. */
struct tcplens_obs_stats {
	u64 packets;				/* TCP/IP packets hooked */
	u64 parse[TCPLENS_PARSE_RESULT_COUNT];	/* parse outcome */
	u64 created;				/* entries allocated */
	u64 evicted;				/* entries evicted when full */
	u64 refused;				/* not tracked: table full */
	u64 alloc_failed;			/* kmem_cache_alloc failed */
	u64 rst_untracked;			/* RST of a port not in the table */
	s32 states[TCPLENS_STATE_COUNT];	/* entries per state (delta) */
};

/* Why an entry left the table; counters in struct tcplens_obs_net. */
enum tcplens_obs_kill {
	TCPLENS_KILL_CLOSED,		/* CLOSED: collected */
	TCPLENS_KILL_TIME_WAIT,		/* TIME_WAIT ran its 2MSL */
	TCPLENS_KILL_IDLE,		/* no segment for gc_*_ms */
	TCPLENS_KILL_EVICT,		/* evicted for a new entry */
	TCPLENS_KILL_FLUSH,		/* namespace exit */
	TCPLENS_KILL_COUNT
};

/* Tunables of one namespace that are not anomaly thresholds. */
enum tcplens_obs_tun {
	TCPLENS_TUN_MAX_TRACKED,	/* entries at most */
	TCPLENS_TUN_FORWARD,		/* 1: also observe forwarded traffic */
	TCPLENS_TUN_LOG,		/* 1: pr_info when an anomaly is raised */
	TCPLENS_TUN_GC_IDLE_MS,		/* forget a silent non-ESTABLISHED */
	TCPLENS_TUN_GC_ESTABLISHED_MS,	/* ... a silent ESTABLISHED/CLOSE_WAIT */
	TCPLENS_TUN_COUNT
};

/* RST rate table: ports counted over one-second windows. */
#define TCPLENS_RST_SLOTS	64	/* ports tracked at once */
#define TCPLENS_RST_PROBE	4	/* slots probed per port */

struct tcplens_rst_slot {
	u16 port;		/* service port */
	u8 family;		/* 4 or 6; 0: slot unused */
	bool remote;		/* @port is the remote side's */
	u32 cur;		/* RSTs in the current window */
	u32 last;		/* RSTs in the last complete window */
};

/* Per-namespace state (net_generic). */
struct tcplens_obs_net {
	struct net *net;
	struct tcplens_obs_stats __percpu *stats;
	atomic_t count;				/* entries of this namespace */

	/* configuration: tcplens_obs_sysctl.c, the forward hooks */
	struct {
		u32 tun[TCPLENS_TUN_COUNT];	/* enum tcplens_obs_tun */
		struct tcplens_anomaly_thresh thresh; /* anomaly thresholds */
		struct ctl_table *sysctl_table;
		struct ctl_table_header *sysctl_hdr;
		struct mutex fwd_mutex;		/* forward hooks (un)registration */
		bool fwd_hooks;			/* forward hooks registered */
	} conf;

	/*
	 * The namespace's lock for what happens between segments: the
	 * wheel, the tick's state, the anomaly records and the kill counts.
	 */
	spinlock_t tlock;
	u64 killed[TCPLENS_KILL_COUNT];		/* entries removed, by reason */

	/* timing: tcplens_obs_timer.c, under tlock */
	struct {
		struct tcplens_wheel wheel;
		struct tcplens_wheel_slot *slots;
		struct delayed_work tick_work;
		unsigned long tick_at;		/* jiffies of the last tick */
		unsigned long rst_window_end;	/* jiffies: RST window closes */
		unsigned long rescan_at;	/* jiffies: earliest next rescan */
		bool running;			/* tick_work is armed */
		bool resched_all;		/* thresholds changed */
		bool dying;			/* namespace exit: do not re-arm */
		u64 ticks;			/* wheel advances, ever */
	} timer;

	/* anomalies: tcplens_obs_anom.c, under tlock */
	struct {
		struct hlist_head *arec;	/* record hash */
		u32 nrec;			/* records allocated */
		u32 nraised;			/* records raised */
		bool stale;			/* a raised record's oldest left */
		u64 raised_total[TCPLENS_ANOM_COUNT];
		u64 cleared_total[TCPLENS_ANOM_COUNT];
		u64 rec_dropped;		/* record table full */
		u64 rescans;			/* oldest-age recomputations */
	} anom;

	/* RST rates: tcplens_obs_anom.c, under rst.lock */
	struct {
		spinlock_t lock;		/* guards slot[] */
		struct tcplens_rst_slot slot[TCPLENS_RST_SLOTS];
	} rst;
};

/* Anomaly record hash of a namespace. */
#define TCPLENS_AREC_BITS	8
#define TCPLENS_AREC_BUCKETS	BIT(TCPLENS_AREC_BITS)

/* An anomaly record: a group of connections, or a port's RST rate. */
struct tcplens_anom_rec {
	struct hlist_node node;			/* in on->arec */
	union tcplens_addr raddr;		/* remote (by-remote kinds) */
	u16 lport;				/* local port, 0 for by-remote */
	u16 rport;				/* remote port, 0 for by-port */
	u8 family;				/* 4 or 6 */
	u8 kind;				/* enum tcplens_anomaly_kind */
	bool raised;				/* currently an anomaly */
	bool stale;				/* @oldest may be too old */
	u32 count;				/* connections (RSTs/s) */
	u32 oldest;				/* jiffies: oldest member's start */
	u32 scratch;				/* rescan: oldest found */
	unsigned long raised_at;		/* jiffies: raised */
};

/* Module parameters (tcplens_obs_main.c), fixed after load. */
extern unsigned int tcplens_obs_tick_ms;
extern unsigned int tcplens_obs_wheel_slots;
extern unsigned int tcplens_obs_hashsize;
extern unsigned int tcplens_obs_max_total;

/* tcplens_obs_main.c */
struct tcplens_obs_net *tcplens_obs_net(const struct net *net);
int tcplens_obs_set_forward(struct tcplens_obs_net *on, bool on_off);
void tcplens_obs_ephemeral_range(struct tcplens_obs_net *on, u32 *lo,
				 u32 *hi);

/* tcplens_obs_table.c */
int tcplens_obs_table_init(void);
void tcplens_obs_table_exit(void);
u32 tcplens_obs_table_buckets(void);
unsigned int tcplens_obs_conn_size(void);
u32 tcplens_obs_default_max(void);
u32 tcplens_obs_host_entries(void);
bool tcplens_obs_kill(struct tcplens_obs_net *on, struct tcplens_conn *c,
		      enum tcplens_obs_kill why);
void tcplens_obs_flush(struct tcplens_obs_net *on);
void tcplens_obs_walk(struct tcplens_obs_net *on,
		      void (*fn)(struct tcplens_obs_net *on,
				 struct tcplens_conn *c, u32 bucket));
struct hlist_head *tcplens_obs_bucket(u32 i);
spinlock_t *tcplens_obs_bucket_lock(u32 i);
u16 tcplens_obs_service_port(struct tcplens_obs_net *on,
			     const struct tcplens_conn *c, bool *remote);
bool tcplens_obs_port_ephemeral(struct tcplens_obs_net *on, u16 port);

/* A lookup key: the fields of struct tcplens_conn that identify it. */
struct tcplens_key {
	union tcplens_addr laddr;
	union tcplens_addr raddr;
	u16 lport;
	u16 rport;
	u8 family;
};

/* The key of the endpoint a packet travelling @dir belongs to. */
void tcplens_key_of_pkt(struct tcplens_key *k, const struct tcplens_pkt *pkt,
			enum tcplens_dir dir);
u32 tcplens_key_hash(const struct tcplens_obs_net *on,
		     const struct tcplens_key *k);
/* Under rcu_read_lock() or the bucket lock. May return a DEAD entry. */
struct tcplens_conn *tcplens_obs_lookup(struct tcplens_obs_net *on,
					const struct tcplens_key *k, u32 hash);
u16 tcplens_obs_key_service(struct tcplens_obs_net *on,
			    const struct tcplens_key *k, bool *remote);
/*
 * A zeroed entry charged to @on, evicting one if the table is full; NULL
 * (counted) if there is no room or no memory. An entry never hashed goes
 * back with tcplens_obs_conn_discard().
 */
struct tcplens_conn *tcplens_obs_conn_alloc(struct tcplens_obs_net *on);
void tcplens_obs_conn_discard(struct tcplens_obs_net *on,
			      struct tcplens_conn *c);
/* The per-state gauges: an entry moved from @from to @to. */
void tcplens_obs_state_delta(struct tcplens_obs_net *on,
			     enum tcplens_state from, enum tcplens_state to);

/* tcplens_obs_packet.c */
void tcplens_obs_segment(struct tcplens_obs_net *on,
			 const struct tcplens_pkt *pkt, enum tcplens_dir dir,
			 bool fwd);
void tcplens_obs_forward(struct tcplens_obs_net *on,
			 const struct tcplens_pkt *pkt);

/* A consistent copy of what the tick needs of an entry. */
struct tcplens_obs_snap {
	u8 state;		/* enum tcplens_state */
	bool dead;		/* unhashed */
	bool answered;		/* local SYN / SYN+ACK seen */
	u16 retrans;		/* retransmissions */
	u32 state_since;	/* jiffies */
	u32 last_seen;		/* jiffies */
};

void tcplens_obs_snapshot(struct tcplens_obs_net *on,
			  const struct tcplens_conn *c,
			  struct tcplens_obs_snap *s);

/* tcplens_obs_timer.c */
int tcplens_obs_timer_init(struct tcplens_obs_net *on);
void tcplens_obs_timer_exit(struct tcplens_obs_net *on);
void tcplens_obs_timer_free(struct tcplens_obs_net *on);
void tcplens_obs_schedule_soon(struct tcplens_obs_net *on,
			       struct tcplens_conn *c);
void tcplens_obs_kick(struct tcplens_obs_net *on);
u32 tcplens_obs_jiffies_ms(u32 from, u32 to);
struct tcplens_conn *tcplens_obs_pick_victim(struct tcplens_obs_net *on);

/* tcplens_obs_anom.c */
int tcplens_obs_anom_init(struct tcplens_obs_net *on);
void tcplens_obs_anom_exit(struct tcplens_obs_net *on);
void tcplens_obs_anom_account(struct tcplens_obs_net *on,
			      struct tcplens_conn *c,
			      enum tcplens_anomaly_kind kind, u32 since);
void tcplens_obs_anom_rescan(struct tcplens_obs_net *on);
void tcplens_obs_anom_refresh(struct tcplens_obs_net *on);
void tcplens_obs_rst_event(struct tcplens_obs_net *on, u8 family, u16 port,
			   bool remote);
void tcplens_obs_rst_window(struct tcplens_obs_net *on);
bool tcplens_obs_anom_busy(struct tcplens_obs_net *on);

/* tcplens_obs_proc.c */
int tcplens_obs_proc_init(struct tcplens_obs_net *on);
void tcplens_obs_proc_exit(struct tcplens_obs_net *on);

/* tcplens_obs_sysctl.c */
void tcplens_obs_sysctl_defaults(struct tcplens_obs_net *on);
int tcplens_obs_sysctl_init(struct tcplens_obs_net *on);
void tcplens_obs_sysctl_exit(struct tcplens_obs_net *on);

#endif /* _TCPLENS_OBS_H */
