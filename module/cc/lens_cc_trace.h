/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoint of tcp_lens.ko: one tcp_lens:lens_cwnd event for every change
 * of cwnd or ssthresh, with the step of the algorithm that made it. This is
 * the data source of scripts' cwnd plots:
 *
 *   echo 1 > /sys/kernel/tracing/events/tcp_lens/lens_cwnd/enable
 *   cat /sys/kernel/tracing/trace_pipe
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM tcp_lens

#if !defined(_LENS_CC_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _LENS_CC_TRACE_H

#include <linux/tracepoint.h>
#include <net/sock.h>

#include "core/lens_cc_core.h"

#define LENS_TRACE_REASONS					\
	{ LENS_REASON_SS, "ss" },				\
	{ LENS_REASON_CSS, "css" },				\
	{ LENS_REASON_CA, "ca" },				\
	{ LENS_REASON_RECOVERY_ENTER, "recovery-enter" },	\
	{ LENS_REASON_RECOVERY_ACK, "recovery-ack" },		\
	{ LENS_REASON_PARTIAL_ACK, "partial-ack" },		\
	{ LENS_REASON_FULL_ACK, "full-ack" },			\
	{ LENS_REASON_RTO, "rto" },				\
	{ LENS_REASON_UNDO, "undo" },				\
	{ LENS_REASON_ECN, "ecn" },				\
	{ LENS_REASON_CWR, "cwr" },				\
	{ LENS_REASON_CWR_ACK, "cwr-ack" },			\
	{ LENS_REASON_CWR_DONE, "cwr-done" },			\
	{ LENS_REASON_IDLE, "idle-restart" },			\
	{ LENS_REASON_APP_LIMITED, "app-limited" },		\
	{ LENS_REASON_CSS_RISE, "css-rise" }

#define LENS_TRACE_PHASES					\
	{ LENS_PHASE_SS, "ss" },				\
	{ LENS_PHASE_CSS, "css" },				\
	{ LENS_PHASE_CA, "ca" },				\
	{ LENS_PHASE_RECOVERY, "recovery" },			\
	{ LENS_PHASE_LOSS, "loss" },				\
	{ LENS_PHASE_CWR, "cwr" }

TRACE_EVENT(lens_cwnd,

	TP_PROTO(const struct sock *sk, const struct lens_decision *d,
		 u32 reason, u32 cwnd, u32 ssthresh, u32 srtt_us, u32 inflight),

	TP_ARGS(sk, d, reason, cwnd, ssthresh, srtt_us, inflight),

	TP_STRUCT__entry(
		__field(u16, family)
		__field(u16, sport)
		__field(u16, dport)
		__field(u32, reason)
		__field(u32, phase)
		__field(u32, cwnd_old)
		__field(u32, cwnd)
		__field(u32, ssthresh_old)
		__field(u32, ssthresh)
		__field(u32, srtt_us)
		__field(u32, inflight)
		__field(u32, phase_old)
	),

	TP_fast_assign(
		__entry->family = sk->sk_family;
		__entry->sport = sk->sk_num;
		__entry->dport = ntohs(sk->sk_dport);
		__entry->reason = reason;
		__entry->phase = d->phase_out;
		__entry->cwnd_old = d->cwnd_in;
		__entry->cwnd = cwnd;
		__entry->ssthresh_old = d->ssthresh_in;
		__entry->ssthresh = ssthresh;
		__entry->srtt_us = srtt_us;
		__entry->inflight = inflight;
		__entry->phase_old = d->phase_in;
	),

	TP_printk("family=%u sport=%u dport=%u reason=%s phase=%s cwnd=%u->%u ssthresh=%u->%u srtt_us=%u inflight=%u phase_old=%s",
		  __entry->family, __entry->sport, __entry->dport,
		  __print_symbolic(__entry->reason, LENS_TRACE_REASONS),
		  __print_symbolic(__entry->phase, LENS_TRACE_PHASES),
		  __entry->cwnd_old, __entry->cwnd,
		  __entry->ssthresh_old, __entry->ssthresh,
		  __entry->srtt_us, __entry->inflight,
		  __print_symbolic(__entry->phase_old, LENS_TRACE_PHASES))
);

#endif /* _LENS_CC_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE lens_cc_trace
#include <trace/define_trace.h>
