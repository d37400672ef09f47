// SPDX-License-Identifier: GPL-2.0
/*
 * tcplens_obs_timer.c - the per-namespace tick of the observer.
 *
 * Every entry of a namespace sits on its timing wheel (tcplens_wheel.c,
 * wheel_slots= slots of tick_ms= each) at the next moment something may
 * happen to it without a segment: its lifecycle ends it (tcplens_life.c:
 * TIME_WAIT's 2MSL, a CLOSED entry collected, a silent one forgotten), or
 * an anomaly threshold is crossed (tcplens_anomaly.c). A delayed work
 * advances the wheel once per tick and evaluates the entries due; it is
 * not armed while the namespace tracks nothing.
 *
 * Re-slotting is lazy: a segment only moves the entry's last_seen, and an
 * entry whose deadline came while it was busy is re-evaluated and put back
 * at its real deadline, so a busy connection costs one wheel operation per
 * idle-threshold period, not one per packet. A deadline can only have
 * moved later, except when the state changes, an anomaly may end, or a
 * threshold is lowered: then the entry is evaluated at the next tick
 * (tcplens_obs_schedule_soon()), or all entries are (resched_all).
 *
 * The work catches up after a late run by advancing as many ticks as have
 * passed, at most TCPLENS_TICK_CATCHUP: beyond that the wheel runs late
 * rather than stall a CPU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/slab.h>

#include "tcplens_obs.h"

#define TCPLENS_TICK_CATCHUP	64	/* ticks one run may advance */
#define TCPLENS_EVICT_SAMPLE	16	/* candidates a victim is picked from */
#define TCPLENS_RESCHED_SPREAD	16	/* resched_all spreads over N ticks */
#define TCPLENS_RESCAN_GAP	HZ	/* at most one oldest rescan per second */

/* The kill reason of each end of tcplens_life_due(). */
static const u8 tcplens_life_kill[] = {
	[TCPLENS_LIFE_CLOSED]		= TCPLENS_KILL_CLOSED,
	[TCPLENS_LIFE_TIME_WAIT]	= TCPLENS_KILL_TIME_WAIT,
	[TCPLENS_LIFE_IDLE]		= TCPLENS_KILL_IDLE,
};

static unsigned long tcplens_obs_tick_jiffies(void)
{
	return max(msecs_to_jiffies(tcplens_obs_tick_ms), 1UL);
}

/*
 * Milliseconds from @from to @to (32-bit jiffies), saturating at U32_MAX
 * (49.7 days). A segment may stamp an entry after the caller read the
 * clock: a span less than a second negative counts as 0. Any other span
 * is taken as positive, which holds for 2^32 jiffies (49.7 days at HZ=1000,
 * 199 days at HZ=250) before a stamp wraps.
 */
u32 tcplens_obs_jiffies_ms(u32 from, u32 to)
{
	u32 d = to - from;

	if (d == 0 || d > (u32)-HZ)
		return 0;
	return min_t(u64, jiffies64_to_msecs(d), U32_MAX);
}

/* Ticks from now until @ms have passed, rounded up: never early. */
static u32 tcplens_obs_ms_to_ticks(u32 ms)
{
	return max(DIV_ROUND_UP(ms, tcplens_obs_tick_ms), 1U);
}

/* Arm the tick if it is idle. Under tlock. */
static void tcplens_obs_arm(struct tcplens_obs_net *on)
{
	if (on->timer.running || on->timer.dying)
		return;
	on->timer.running = true;
	on->timer.tick_at = jiffies;
	on->timer.rst_window_end = jiffies + HZ;
	queue_delayed_work(system_power_efficient_wq, &on->timer.tick_work,
			   tcplens_obs_tick_jiffies());
}

void tcplens_obs_kick(struct tcplens_obs_net *on)
{
	spin_lock_bh(&on->tlock);
	tcplens_obs_arm(on);
	spin_unlock_bh(&on->tlock);
}

void tcplens_obs_schedule_soon(struct tcplens_obs_net *on,
			       struct tcplens_conn *c)
{
	spin_lock_bh(&on->tlock);
	/* DEAD is set with tlock held too: stable here */
	if (!(READ_ONCE(c->flags) & TCPLENS_CONN_DEAD)) {
		tcplens_wheel_schedule(&on->timer.wheel, &c->wnode, 1);
		tcplens_obs_arm(on);
	}
	spin_unlock_bh(&on->tlock);
}

/*
 * The entry the table gives up when full: among the first
 * TCPLENS_EVICT_SAMPLE entries due on the wheel (the ones nearest their
 * end anyway), the best by tcplens_life_better_victim(). Under tlock.
 */
struct tcplens_conn *tcplens_obs_pick_victim(struct tcplens_obs_net *on)
{
	struct tcplens_wheel *w = &on->timer.wheel;
	struct tcplens_conn *best = NULL;
	u32 best_idle = 0, now = jiffies;
	unsigned int k, seen = 0;
	u8 best_class = TCPLENS_EVICT_NEVER;

	lockdep_assert_held(&on->tlock);
	for (k = 1; k <= w->mask + 1 && seen < TCPLENS_EVICT_SAMPLE; k++) {
		struct tcplens_wheel_node *n = w->slots[(w->now + k) & w->mask].first;

		for (; n && seen < TCPLENS_EVICT_SAMPLE; n = n->next, seen++) {
			struct tcplens_conn *c =
				container_of(n, struct tcplens_conn, wnode);
			u8 cls = tcplens_life_evict_class(READ_ONCE(c->state));
			u32 idle = tcplens_obs_jiffies_ms(READ_ONCE(c->last_seen),
							 now);

			if (tcplens_life_better_victim(cls, idle, best_class,
						       best_idle)) {
				best = c;
				best_class = cls;
				best_idle = idle;
			}
		}
	}
	return best_class < TCPLENS_EVICT_NEVER ? best : NULL;
}

/*
 * An entry came due: end it, or count it where it belongs and put it back
 * at its next deadline. Called by the wheel under tlock.
 */
static void tcplens_obs_due(struct tcplens_wheel *wheel,
			    struct tcplens_wheel_node *node, void *ctx)
{
	struct tcplens_conn *c = container_of(node, struct tcplens_conn, wnode);
	struct tcplens_obs_net *on = ctx;
	struct tcplens_life_limits lim = {
		.idle_ms = on->conf.tun[TCPLENS_TUN_GC_IDLE_MS],
		.established_ms = on->conf.tun[TCPLENS_TUN_GC_ESTABLISHED_MS],
	};
	struct tcplens_anomaly_conn view;
	enum tcplens_anomaly_kind kind;
	enum tcplens_life_end end;
	struct tcplens_obs_snap s;
	u32 now, life_next, next;

	tcplens_obs_snapshot(on, c, &s);
	now = jiffies;
	if (s.dead)
		return;
	view.state = s.state;
	view.answered = s.answered;
	view.ephemeral = tcplens_obs_port_ephemeral(on, c->lport);
	view.age_ms = tcplens_obs_jiffies_ms(s.state_since, now);
	view.idle_ms = tcplens_obs_jiffies_ms(s.last_seen, now);
	view.retrans = s.retrans;

	end = tcplens_life_due(&lim, s.state, view.age_ms, view.idle_ms,
			       &life_next);
	if (end != TCPLENS_LIFE_KEEP) {
		tcplens_obs_kill(on, c, tcplens_life_kill[end]);
		return;
	}

	kind = tcplens_anomaly_classify(&on->conf.thresh, &view, &next);
	tcplens_obs_anom_account(on, c, kind,
				 kind == TCPLENS_ANOM_HALF_OPEN ?
				 s.last_seen : s.state_since);
	next = min(next, life_next);
	tcplens_wheel_schedule(wheel, node, tcplens_obs_ms_to_ticks(next));
}

/*
 * Thresholds changed: raise or clear the records for their counts now,
 * and evaluate every entry again within TCPLENS_RESCHED_SPREAD ticks.
 */
static void tcplens_obs_resched_one(struct tcplens_obs_net *on,
				    struct tcplens_conn *c, u32 bucket)
{
	if (!(READ_ONCE(c->flags) & TCPLENS_CONN_DEAD))
		tcplens_wheel_schedule(&on->timer.wheel, &c->wnode,
				       1 + bucket % TCPLENS_RESCHED_SPREAD);
}

static void tcplens_obs_resched_all(struct tcplens_obs_net *on)
{
	WRITE_ONCE(on->timer.resched_all, false);
	spin_lock_bh(&on->tlock);
	tcplens_obs_anom_refresh(on);
	spin_unlock_bh(&on->tlock);
	tcplens_obs_walk(on, tcplens_obs_resched_one);
}

/* Advance the wheel by the ticks that have passed, at most the catch-up. */
static void tcplens_obs_advance(struct tcplens_obs_net *on, unsigned long now,
				unsigned long tick)
{
	unsigned int n;

	for (n = 0; n < TCPLENS_TICK_CATCHUP; n++) {
		if (time_before(now, on->timer.tick_at + tick))
			break;
		spin_lock_bh(&on->tlock);
		on->timer.tick_at += tick;
		on->timer.ticks++;
		tcplens_wheel_advance(&on->timer.wheel);
		spin_unlock_bh(&on->tlock);
		cond_resched();
	}
}

/*
 * The once-a-second work (RST rates, a due rescan of the oldest ages),
 * and the next tick if anything is pending. Under tlock; true when the
 * oldest ages are to be rescanned (outside it).
 */
static bool tcplens_obs_after_tick(struct tcplens_obs_net *on,
				   unsigned long now, unsigned long tick)
{
	bool rescan = false;

	lockdep_assert_held(&on->tlock);
	if (time_after_eq(now, on->timer.tick_at + tick))
		on->timer.tick_at = now;	/* too far behind: run late */
	if (time_after_eq(now, on->timer.rst_window_end)) {
		tcplens_obs_rst_window(on);
		on->timer.rst_window_end = now + HZ;
	}
	if (on->anom.stale && time_after_eq(now, on->timer.rescan_at)) {
		on->timer.rescan_at = now + TCPLENS_RESCAN_GAP;
		rescan = true;
	}
	if (!on->timer.dying && (tcplens_wheel_pending(&on->timer.wheel) ||
				 tcplens_obs_anom_busy(on)))
		queue_delayed_work(system_power_efficient_wq,
				   &on->timer.tick_work,
				   max_t(long, on->timer.tick_at + tick - jiffies, 1));
	else
		on->timer.running = false;
	return rescan;
}

static void tcplens_obs_tick(struct work_struct *work)
{
	struct tcplens_obs_net *on = container_of(to_delayed_work(work),
						  struct tcplens_obs_net,
						  timer.tick_work);
	unsigned long tick = tcplens_obs_tick_jiffies(), now = jiffies;
	bool rescan;

	if (READ_ONCE(on->timer.resched_all))
		tcplens_obs_resched_all(on);
	tcplens_obs_advance(on, now, tick);
	spin_lock_bh(&on->tlock);
	rescan = tcplens_obs_after_tick(on, now, tick);
	spin_unlock_bh(&on->tlock);
	if (rescan)
		tcplens_obs_anom_rescan(on);
}

int tcplens_obs_timer_init(struct tcplens_obs_net *on)
{
	u32 n = tcplens_obs_wheel_slots;

	spin_lock_init(&on->tlock);
	INIT_DELAYED_WORK(&on->timer.tick_work, tcplens_obs_tick);
	on->timer.slots = kvcalloc(n, sizeof(*on->timer.slots), GFP_KERNEL);
	if (!on->timer.slots)
		return -ENOMEM;
	/* the slot count was checked to be a power of two at load time */
	if (!tcplens_wheel_init(&on->timer.wheel, on->timer.slots, n, tcplens_obs_due,
				on)) {
		kvfree(on->timer.slots);
		return -EINVAL;
	}
	return 0;
}

/* After the hooks are gone: stop the tick for good. */
void tcplens_obs_timer_exit(struct tcplens_obs_net *on)
{
	spin_lock_bh(&on->tlock);
	on->timer.dying = true;
	spin_unlock_bh(&on->tlock);
	cancel_delayed_work_sync(&on->timer.tick_work);
}

/* Last, once the table holds nothing of @on. */
void tcplens_obs_timer_free(struct tcplens_obs_net *on)
{
	WARN_ON_ONCE(tcplens_wheel_pending(&on->timer.wheel));
	kvfree(on->timer.slots);
}
