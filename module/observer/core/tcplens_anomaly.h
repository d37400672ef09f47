/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcplens_anomaly.h - the observer's anomaly rules (pure core): which
 * connections count toward which anomaly, and when a count is an anomaly.
 * See module/observer/core/tcplens_anomaly.c for the model.
 */
#ifndef _TCPLENS_ANOMALY_H
#define _TCPLENS_ANOMALY_H

#include "tcplens_pure.h"

/* What the observer reports; NONE: a connection that counts toward none. */
enum tcplens_anomaly_kind {
	TCPLENS_ANOM_NONE,
	TCPLENS_ANOM_CLOSE_WAIT,	/* application never closed */
	TCPLENS_ANOM_FIN_WAIT2,		/* peer never closes */
	TCPLENS_ANOM_LAST_ACK,		/* final ACK lost, or peer gone */
	TCPLENS_ANOM_HALF_OPEN,		/* ESTABLISHED, silent both ways */
	TCPLENS_ANOM_TIME_WAIT,		/* TIME_WAIT toward one peer */
	TCPLENS_ANOM_SYN_FLOOD,		/* answered SYNs never completed */
	TCPLENS_ANOM_SYN_DROPPED,	/* SYNs never answered */
	TCPLENS_ANOM_CONNECT_TIMEOUT,	/* our SYN retransmitted, unanswered */
	TCPLENS_ANOM_RST_STORM,		/* RSTs per second on a port */
	TCPLENS_ANOM_COUNT
};

/* Thresholds, one per tunable; each is a net.tcplens.<name> sysctl. */
enum tcplens_anomaly_param {
	TCPLENS_AP_CLOSE_WAIT_MS,	/* CLOSE_WAIT age */
	TCPLENS_AP_FIN_WAIT2_MS,	/* FIN_WAIT2 age */
	TCPLENS_AP_LAST_ACK_MS,		/* LAST_ACK age */
	TCPLENS_AP_HALF_OPEN_MS,	/* ESTABLISHED idle time */
	TCPLENS_AP_TIME_WAIT_COUNT,	/* TIME_WAIT toward one peer ... */
	TCPLENS_AP_TIME_WAIT_PCT,	/* ... or % of the ephemeral ports */
	TCPLENS_AP_SYN_WAIT_MS,		/* SYN_RECV age before it counts */
	TCPLENS_AP_SYN_FLOOD_COUNT,	/* uncompleted SYN_RECV per port */
	TCPLENS_AP_SYN_DROPPED_COUNT,	/* unanswered SYN_RECV per port */
	TCPLENS_AP_CONNECT_RETRIES,	/* SYN retransmissions */
	TCPLENS_AP_RST_RATE,		/* RSTs per second per port */
	TCPLENS_AP_COUNT
};

/* The current thresholds of one namespace, indexed by the enum above. */
struct tcplens_anomaly_thresh {
	u32 val[TCPLENS_AP_COUNT];
};

/* One tunable: its sysctl name, default and valid range (inclusive). */
struct tcplens_anomaly_param_desc {
	const char *name;
	u32 def;
	u32 min;
	u32 max;
};

/*
 * What the rules see of one connection. The shell fills it from the
 * connection entry; times are in milliseconds.
 */
struct tcplens_anomaly_conn {
	u8 state;		/* enum tcplens_state */
	bool answered;		/* local side sent its SYN or SYN+ACK */
	bool ephemeral;		/* local port in the ephemeral range */
	u32 age_ms;		/* time in the current state */
	u32 idle_ms;		/* time since the last segment */
	u32 retrans;		/* retransmitted segments (SYNs in SYN_SENT) */
};

/* No deadline: only a segment can change the classification. */
#define TCPLENS_ANOM_NEVER	U32_MAX

/* Log2 buckets of the ports file's age histograms: <1 s ... >= 2^14 s. */
#define TCPLENS_AGE_BUCKETS	16

const struct tcplens_anomaly_param_desc *
tcplens_anomaly_param(enum tcplens_anomaly_param id);

/* Fill @t with the defaults. */
void tcplens_anomaly_defaults(struct tcplens_anomaly_thresh *t);

/* Is @val in the range of tunable @id? */
bool tcplens_anomaly_param_valid(enum tcplens_anomaly_param id, u32 val);

/* "close_wait", ... ; "none" for NONE, "invalid" out of range. */
const char *tcplens_anomaly_name(enum tcplens_anomaly_kind kind);

/*
 * The anomaly @c counts toward now (TCPLENS_ANOM_NONE: none), and in
 * *@recheck_ms how long until that can change with time alone
 * (TCPLENS_ANOM_NEVER if only a segment can change it).
 */
enum tcplens_anomaly_kind
tcplens_anomaly_classify(const struct tcplens_anomaly_thresh *t,
			 const struct tcplens_anomaly_conn *c, u32 *recheck_ms);

/*
 * Is a group of @count connections of @kind (RSTs in the last second for
 * RST_STORM) an anomaly? @eph_ports is the size of the ephemeral range.
 */
bool tcplens_anomaly_raised(const struct tcplens_anomaly_thresh *t,
			    enum tcplens_anomaly_kind kind, u32 count,
			    u32 eph_ports);

/*
 * Is @kind attributed to the remote address:port whatever the local port
 * (TIME_WAIT, CONNECT_TIMEOUT), rather than to the service port?
 */
bool tcplens_anomaly_by_remote(enum tcplens_anomaly_kind kind);

/* Is @port in the ephemeral range [@lo, @hi] (ip_local_port_range)? */
bool tcplens_port_ephemeral(u16 port, u32 lo, u32 hi);

/*
 * The service port an anomaly of the pair (@lport, @rport) is counted on:
 * the local port, unless it is ephemeral (we are the client), then the
 * remote one, and *@remote says so.
 */
u16 tcplens_anomaly_service(u16 lport, u16 rport, u32 eph_lo, u32 eph_hi,
			    bool *remote);

/* Histogram bucket of an age: 0 for < 1 s, i for [2^(i-1), 2^i) s. */
unsigned int tcplens_age_bucket(u32 age_ms);

#endif /* _TCPLENS_ANOMALY_H */
