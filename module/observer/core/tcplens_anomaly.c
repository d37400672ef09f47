// SPDX-License-Identifier: GPL-2.0
/*
 * tcplens_anomaly.c - the observer's anomaly rules (pure core).
 *
 * The observer groups connections into anomaly records: each connection
 * counts toward at most one record at a time, and a record is raised while
 * its count reaches the threshold of its kind. This file holds the rules
 * only; the shell (tcplens_obs_anom.c) keeps the records, and re-evaluates
 * a connection when a segment changes it or when the deadline this file
 * returns comes due on the timing wheel.
 *
 *  - state age: CLOSE_WAIT, FIN_WAIT2 and LAST_ACK connections count from
 *    the moment they have been in that state for the threshold; one such
 *    connection is an anomaly. A FIN_WAIT2 default below Linux's
 *    tcp_fin_timeout (60 s) reports an orphan before the kernel reaps it;
 *  - half_open: an ESTABLISHED connection with no segment either way for
 *    the idle threshold (the peer vanished and nothing probes it);
 *  - time_wait: TIME_WAIT connections whose local port is ephemeral (the
 *    ones that hold a port the next connect() may need), grouped by remote
 *    address:port; an anomaly at a count or a fraction of the ephemeral
 *    range, whichever comes first: the way to port exhaustion;
 *  - SYN_RECV connections older than syn_wait_ms: a SYN+ACK normally
 *    leaves at once and the handshake completes within an RTT. Answered
 *    (SYN+ACK seen) they count as syn_flood, unanswered as syn_dropped: the
 *    listener's queue was full and the kernel dropped the SYN silently.
 *    Each has a count per service port;
 *  - connect_timeout: a SYN_SENT connection whose SYN was retransmitted
 *    the threshold number of times (Linux retries after 1, 3, 7, 15 s ...;
 *    BSD after 6, 24, 75 s), grouped by remote address:port;
 *  - rst_storm: the shell counts RSTs per port over one second; a count
 *    of at least the rate is an anomaly.
 *
 * Attribution, done by the shell: TIME_WAIT and CONNECT_TIMEOUT go to the
 * remote address:port; the others to the service port, which is the local
 * port unless that is ephemeral (we are the client), else the remote one.
 */

#include "tcplens_anomaly.h"
#include "tcplens_fsm.h"

#define MS_PER_SEC	1000U
#define MS_PER_DAY	86400000U

static const struct tcplens_anomaly_param_desc tcplens_anomaly_params[] = {
	[TCPLENS_AP_CLOSE_WAIT_MS]	= { "close_wait_ms", 60000, 100, MS_PER_DAY },
	[TCPLENS_AP_FIN_WAIT2_MS]	= { "fin_wait2_ms", 30000, 100, MS_PER_DAY },
	[TCPLENS_AP_LAST_ACK_MS]	= { "last_ack_ms", 30000, 100, MS_PER_DAY },
	[TCPLENS_AP_HALF_OPEN_MS]	= { "half_open_ms", 600000, 100, 5 * MS_PER_DAY },
	[TCPLENS_AP_TIME_WAIT_COUNT]	= { "time_wait_count", 20000, 1, 10000000 },
	[TCPLENS_AP_TIME_WAIT_PCT]	= { "time_wait_pct", 50, 1, 100 },
	[TCPLENS_AP_SYN_WAIT_MS]	= { "syn_wait_ms", 1000, 100, 60000 },
	[TCPLENS_AP_SYN_FLOOD_COUNT]	= { "syn_flood_count", 128, 1, 10000000 },
	[TCPLENS_AP_SYN_DROPPED_COUNT]	= { "syn_dropped_count", 16, 1, 10000000 },
	[TCPLENS_AP_CONNECT_RETRIES]	= { "connect_timeout_retries", 3, 1, 100 },
	[TCPLENS_AP_RST_RATE]		= { "rst_storm_rate", 1000, 1, 100000000 },
};

static const char *const tcplens_anomaly_names[] = {
	[TCPLENS_ANOM_NONE]		= "none",
	[TCPLENS_ANOM_CLOSE_WAIT]	= "close_wait",
	[TCPLENS_ANOM_FIN_WAIT2]	= "fin_wait2",
	[TCPLENS_ANOM_LAST_ACK]		= "last_ack",
	[TCPLENS_ANOM_HALF_OPEN]	= "half_open",
	[TCPLENS_ANOM_TIME_WAIT]	= "time_wait",
	[TCPLENS_ANOM_SYN_FLOOD]	= "syn_flood",
	[TCPLENS_ANOM_SYN_DROPPED]	= "syn_dropped",
	[TCPLENS_ANOM_CONNECT_TIMEOUT]	= "connect_timeout",
	[TCPLENS_ANOM_RST_STORM]	= "rst_storm",
};

const struct tcplens_anomaly_param_desc *
tcplens_anomaly_param(enum tcplens_anomaly_param id)
{
	BUILD_BUG_ON(ARRAY_SIZE(tcplens_anomaly_params) != TCPLENS_AP_COUNT);

	if ((unsigned int)id >= TCPLENS_AP_COUNT)
		return NULL;
	return &tcplens_anomaly_params[id];
}

void tcplens_anomaly_defaults(struct tcplens_anomaly_thresh *t)
{
	unsigned int i;

	for (i = 0; i < TCPLENS_AP_COUNT; i++)
		t->val[i] = tcplens_anomaly_params[i].def;
}

bool tcplens_anomaly_param_valid(enum tcplens_anomaly_param id, u32 val)
{
	const struct tcplens_anomaly_param_desc *p = tcplens_anomaly_param(id);

	return p && val >= p->min && val <= p->max;
}

const char *tcplens_anomaly_name(enum tcplens_anomaly_kind kind)
{
	BUILD_BUG_ON(ARRAY_SIZE(tcplens_anomaly_names) != TCPLENS_ANOM_COUNT);

	if ((unsigned int)kind >= TCPLENS_ANOM_COUNT)
		return "invalid";
	return tcplens_anomaly_names[kind];
}

/*
 * A condition that holds once @elapsed reaches @limit: @kind if it does,
 * else NONE with the time left in *@recheck_ms.
 */
static enum tcplens_anomaly_kind
tcplens_anomaly_after(u32 elapsed, u32 limit, enum tcplens_anomaly_kind kind,
		      u32 *recheck_ms)
{
	if (elapsed >= limit)
		return kind;
	*recheck_ms = limit - elapsed;
	return TCPLENS_ANOM_NONE;
}

enum tcplens_anomaly_kind
tcplens_anomaly_classify(const struct tcplens_anomaly_thresh *t,
			 const struct tcplens_anomaly_conn *c, u32 *recheck_ms)
{
	const u32 *v = t->val;

	*recheck_ms = TCPLENS_ANOM_NEVER;
	switch (c->state) {
	case TCPLENS_STATE_CLOSE_WAIT:
		return tcplens_anomaly_after(c->age_ms, v[TCPLENS_AP_CLOSE_WAIT_MS],
					     TCPLENS_ANOM_CLOSE_WAIT, recheck_ms);
	case TCPLENS_STATE_FIN_WAIT_2:
		return tcplens_anomaly_after(c->age_ms, v[TCPLENS_AP_FIN_WAIT2_MS],
					     TCPLENS_ANOM_FIN_WAIT2, recheck_ms);
	case TCPLENS_STATE_LAST_ACK:
		return tcplens_anomaly_after(c->age_ms, v[TCPLENS_AP_LAST_ACK_MS],
					     TCPLENS_ANOM_LAST_ACK, recheck_ms);
	case TCPLENS_STATE_ESTABLISHED:
		return tcplens_anomaly_after(c->idle_ms, v[TCPLENS_AP_HALF_OPEN_MS],
					     TCPLENS_ANOM_HALF_OPEN, recheck_ms);
	case TCPLENS_STATE_TIME_WAIT:
		return c->ephemeral ? TCPLENS_ANOM_TIME_WAIT : TCPLENS_ANOM_NONE;
	case TCPLENS_STATE_SYN_RECV:
		return tcplens_anomaly_after(c->age_ms, v[TCPLENS_AP_SYN_WAIT_MS],
					     c->answered ? TCPLENS_ANOM_SYN_FLOOD :
					     TCPLENS_ANOM_SYN_DROPPED,
					     recheck_ms);
	case TCPLENS_STATE_SYN_SENT:
		return c->retrans >= v[TCPLENS_AP_CONNECT_RETRIES] ?
		       TCPLENS_ANOM_CONNECT_TIMEOUT : TCPLENS_ANOM_NONE;
	default:
		return TCPLENS_ANOM_NONE;
	}
}

bool tcplens_anomaly_raised(const struct tcplens_anomaly_thresh *t,
			    enum tcplens_anomaly_kind kind, u32 count,
			    u32 eph_ports)
{
	const u32 *v = t->val;

	if (!count)
		return false;
	switch (kind) {
	case TCPLENS_ANOM_CLOSE_WAIT:
	case TCPLENS_ANOM_FIN_WAIT2:
	case TCPLENS_ANOM_LAST_ACK:
	case TCPLENS_ANOM_HALF_OPEN:
	case TCPLENS_ANOM_CONNECT_TIMEOUT:
		return true;
	case TCPLENS_ANOM_TIME_WAIT:
		return count >= v[TCPLENS_AP_TIME_WAIT_COUNT] ||
		       (eph_ports && (u64)count * 100 >=
				     (u64)v[TCPLENS_AP_TIME_WAIT_PCT] * eph_ports);
	case TCPLENS_ANOM_SYN_FLOOD:
		return count >= v[TCPLENS_AP_SYN_FLOOD_COUNT];
	case TCPLENS_ANOM_SYN_DROPPED:
		return count >= v[TCPLENS_AP_SYN_DROPPED_COUNT];
	case TCPLENS_ANOM_RST_STORM:
		return count >= v[TCPLENS_AP_RST_RATE];
	default:
		return false;
	}
}

bool tcplens_anomaly_by_remote(enum tcplens_anomaly_kind kind)
{
	return kind == TCPLENS_ANOM_TIME_WAIT ||
	       kind == TCPLENS_ANOM_CONNECT_TIMEOUT;
}

bool tcplens_port_ephemeral(u16 port, u32 lo, u32 hi)
{
	return port >= lo && port <= hi;
}

u16 tcplens_anomaly_service(u16 lport, u16 rport, u32 eph_lo, u32 eph_hi,
			    bool *remote)
{
	*remote = tcplens_port_ephemeral(lport, eph_lo, eph_hi);
	return *remote ? rport : lport;
}

unsigned int tcplens_age_bucket(u32 age_ms)
{
	u32 secs = age_ms / MS_PER_SEC;
	unsigned int b = 0;

	while (secs && b < TCPLENS_AGE_BUCKETS - 1) {
		secs >>= 1;
		b++;
	}
	return b;
}
