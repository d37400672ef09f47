#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lens's fast recovery under 1% random loss, in both recovery modes:
# newreno (RFC 5681 3.2 + RFC 6582) and prr (RFC 9937). For each mode, four
# lens flows run for 3 s from S to D, and
#  - cc_conns, read while they run, has a line for each of them;
#  - /proc/net/tcplens/cc counts recoveries of that mode (and none of the
#    other), partial ACKs and full ACKs;
#  - the tcp_lens:lens_cwnd tracepoint shows every recovery that ended on a
#    full ACK leave cwnd == ssthresh (RFC 6582 3.2 step 5, RFC 9937 6.4);
#    see recovery_exits() for how an exit is read from the trace.
#
#   +-----------+      +-------------------------------+      +-----------+
#   | tl-rec-s  |      | tl-rec-r                      |      | tl-rec-d  |
#   | 4 x iperf3| veth | r1: netem 50mbit, 1% loss,    | veth | iperf3 -s |
#   | -C lens   |------| limit 1 BDP; r0: delay 20ms   |------|           |
#   | 10.98.1.1 |      |                               |      | 10.98.2.2 |
#   +-----------+      +-------------------------------+      +-----------+
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcplens_cc_lib.sh"

need_root
need_cmd ip tc iperf3 ethtool nstat modprobe
trap 'lens_trace_remove; netns_cleanup' EXIT

ktap_header 13
lens_fresh || { echo "# cannot load tcp_lens"; exit "$KSFT_FAIL"; }
topo3_create tl-rec-s tl-rec-r tl-rec-d || { echo "# topology"; exit "$KSFT_FAIL"; }
topo3_path 50mbit 20ms "$(topo3_bdp_pkts 50 20)" 1% || exit "$KSFT_FAIL"
topo3_iperf_server 5201 || { echo "# iperf3 server"; exit "$KSFT_FAIL"; }
lens_trace_start || { echo "# cannot enable tcp_lens:lens_cwnd"; exit "$KSFT_FAIL"; }

# live_flows: cc_conns lines of established flows towards the server.
live_flows() {
	lens_conns "$TOPO3_S" remote state |
		grep -c "^$TOPO3_D_ADDR:5201 ESTAB$"
}

# recovery_exits: from the trace, for each flow in event order, the cwnd
# and ssthresh each recovery left behind: "reason cwnd ssthresh". The
# tracepoint fires on every change only, so a recovery whose window was
# already at ssthresh when the full ACK came (PRR converges to it) has no
# full-ack event; its exit shows as the flow's first later event outside
# the recovery phase, whose old cwnd and ssthresh are the ones recovery
# left. Exits by undo or by an RTO are not full ACKs and are left out.
recovery_exits() {
	lens_trace_events | awk '
	{
		reason = $1; phase = $2; sport = $7
		if (last[sport] == "recovery" && phase != "recovery" &&
		    reason != "undo" && reason != "rto") {
			if (reason == "full-ack")
				print reason, $4, $6
			else
				print reason, $3, $5
		}
		last[sport] = phase
	}'
}

# full_acks_at_ssthresh: every recovery seen to end left cwnd == ssthresh,
# and at least one was seen.
full_acks_at_ssthresh() {
	local ex bad
	ex=$(recovery_exits)
	bad=$(awk '$2 != $3' <<<"$ex")
	echo "# $(grep -c . <<<"$ex") recovery exits in the trace" \
		"($(grep -c '^full-ack' <<<"$ex") with a full-ack event);" \
		"cwnd != ssthresh in $(grep -c . <<<"$bad")"
	[ -n "$bad" ] && head -n 5 <<<"$bad" | sed 's/^/#   reason cwnd ssthresh: /'
	[ -n "$ex" ] && [ -z "$bad" ]
}

declare -A before
# delta KEY: how much a counter of S's /proc/net/tcplens/cc grew this round.
delta() { echo $(($(lens_cc "$TOPO3_S" "$1") - ${before[$1]})); }
# counted_as MODE OTHER: recoveries counted for MODE, none for OTHER.
counted_as() {
	[ "$(delta "recovery_$1")" -ge 1 ] && [ "$(delta "recovery_$2")" = 0 ]
}
flows_live() { [ "$(live_flows)" -ge 4 ]; }

for mode in newreno prr; do
	other=prr
	[ "$mode" = prr ] && other=newreno
	lens_param recovery "$mode"
	: >"$LENS_TRACE/trace"
	for k in recovery_newreno recovery_prr partial_ack full_ack; do
		before[$k]=$(lens_cc "$TOPO3_S" "$k")
	done

	log=/tmp/tl-rec-iperf-$mode.log
	echo "# + iperf3 -c $TOPO3_D_ADDR -t 3 -P 4 -C lens (recovery=$mode)"
	ip netns exec "$TOPO3_S" iperf3 -c "$TOPO3_D_ADDR" -t 3 -P 4 -C lens \
		>"$log" 2>&1 &
	client=$!
	# ESTAB rows towards the server are flows still running; under TCG
	# iperf3 may take seconds to open them, and each look costs about a
	# second, so the wait is longer than the flows' 3 s
	n=0
	wait_for 10 flows_live && n=4
	lens_show_conns "$TOPO3_S"
	check "$mode: cc_conns lists the 4 live flows while they run" test "$n" = 4
	wait "$client"
	rc=$?
	[ "$rc" = 0 ] || sed 's/^/# /' "$log"
	grep -E 'SUM.*(sender|receiver)' "$log" | sed 's/^/# /'
	check "$mode: the transfer completes" test "$rc" = 0

	echo "# $mode: recovery_$mode +$(delta "recovery_$mode")," \
		"recovery_$other +$(delta "recovery_$other"), partial_ack" \
		"+$(delta partial_ack), full_ack +$(delta full_ack)"
	check "$mode: recoveries counted as $mode, none as $other" \
		counted_as "$mode" "$other"
	check "$mode: partial ACKs counted" test "$(delta partial_ack)" -ge 1
	check "$mode: full ACKs counted" test "$(delta full_ack)" -ge 1
	check "$mode: cwnd == ssthresh after every recovery (tracepoint)" \
		full_acks_at_ssthresh
	if [ "$mode" = prr ]; then
		# PRR's first step: nothing delivered yet, only the fast
		# retransmit may leave (also when the RACK reorder timer, with
		# no ACK at all, starts recovery)
		check "prr: every recovery begins with cwnd <= inflight + 1 (no burst)" \
			eval 'ev=$(lens_trace_events recovery-enter | awk "\$8 != \"cwr\""); echo "# $(grep -c . <<<"$ev") recovery-enter events";
				[ -n "$ev" ] && awk "\$4 > \$9 + 1 { print \"#   burst: \" \$0; bad = 1 } END { exit bad }" <<<"$ev"'
	fi
done
ktap_finish
