#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The responder-side anomalies seen from a router (net.tcplens.forward=1),
# where the server is the local side of each forwarded entry. First a
# control: ordinary forwarded traffic raises nothing. Then, once each
# (IPv4 and IPv6 in turn), the router raises on the server's port, within
# threshold + 1 tick, and clears when the cause goes away, while its
# entries agree with ss in the server's namespace:
#
#   last_ack     the router drops the client's bare ACKs (nft, forward
#                hook, ahead of the observer's): the server's FIN is never
#                acknowledged;
#   fin_wait2    the server closes at once, the client never does;
#   half_open    connections that stay silent;
#   syn_flood    the client drops the SYN+ACKs: SYN_RECV on the server;
#   syn_dropped  a listener whose accept queue is full ignores SYNs.
#
# time_wait and connect_timeout are the initiator's (toward one remote
# address:port): tcplens_obs_rst_tw.sh and tcplens_obs_syn.sh cover them
# on the endpoint; close_wait and rst_storm forwarded are in
# tcplens_obs_forward.sh.
#
#   +----------------+        +--------------------------+        +----------------+
#   | tl-fs-a client |  veth  | tl-fs-r router           |  veth  | tl-fs-b server |
#   | 10.79.1.1    veth0 -- veth1 10.79.1.2  10.79.2.2 veth2 -- veth0 10.79.2.1     |
#   | fd00:79:1::1   |        | fd00:79:1::2 fd00:79:2::2 |        | fd00:79:2::1   |
#   | nft: drop      |        | nft: drop the client's    |        |                |
#   | SYN+ACK        |        | bare ACKs (last_ack)      |        |                |
#   +----------------+        +--------------------------+        +----------------+
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcplens_obs_lib.sh"

need_root
need_cmd ip ss nft modprobe sysctl
[ -x "$LOADGEN" ] || skip_all "tcplens_loadgen is not built"
trap 'netns_cleanup' EXIT

A=tl-fs-a R=tl-fs-r B=tl-fs-b
THR=2000 SYNW=1000 FLOOD=8 DROPPED=4
ktap_header 28
obs_load
obs_router "$A" "$R" "$B"
for k in last_ack fin_wait2 half_open; do
	run obs_sysctl "$R" "${k}_ms" $THR
done
run obs_sysctl "$R" syn_wait_ms $SYNW
run obs_sysctl "$R" syn_flood_count $FLOOD
run obs_sysctl "$R" syn_dropped_count $DROPPED

# raised_checks FAMILY KIND PORT COUNT THRESHOLD_MS: KIND is raised in the
# router on the server's PORT, within its threshold + 1 tick, with COUNT
# connections ("" = any count)
raised_checks() {
	local fam=$1 kind=$2 port=$3 count=$4 thr=$5 line
	anomaly_wait $((thr / 1000 + 4)) "$R" "$kind" "$port" "$count"
	line=$ANOM_LINE
	echo "# $line"
	check "$fam: $kind raised in the router on port $port" test -n "$line"
	if [ -n "$count" ]; then
		check "$fam: ... with the $count connections" \
			test "$(awk '{ print $5 }' <<<"${line:-x 0 0 0 0}")" = "$count"
	fi
	check "$fam: ... within threshold + 1 tick" raised_in_time "$line" "$thr"
}

# control: echo traffic with every close style raises nothing
obs_serve "$B" 10.79.2.1 8089 -m echo -d 20
for c in fin rst half; do
	run ip netns exec "$A" "$LOADGEN" client -t 10.79.2.1:8089 -n 4 -N 8 \
		-s 100 -c "$c" -d $((5 * OBS_SLOW)) -q >/dev/null
done
loadgen_stop "$SRV_PID"
# an entry left stuck by the control would be raised after its threshold
sleep $(((THR / 1000 + 1) * OBS_SLOW))
check "control: ordinary forwarded traffic raises nothing" anomaly_none "$R"

# last_ack, IPv4
setup ip netns exec "$R" nft add table inet tl_fs
setup ip netns exec "$R" nft add chain inet tl_fs fw \
	'{ type filter hook forward priority 0; }'
setup ip netns exec "$R" nft add rule inet tl_fs fw \
	ip saddr 10.79.1.1 tcp dport 8090 tcp flags == ack drop
obs_serve "$B" 10.79.2.1 8090 -m echo -d 30
# the handshake's bare ACK is dropped too: the client's data completes it
loadgen_bg "$A" client -t 10.79.2.1:8090 -n 3 -N 3 -s 10 -c fin -d 3
check "ipv4: the server is in LAST_ACK (ss)" \
	wait_for 8 eval '[ "$(ip netns exec $B ss -Htan state last-ack | wc -l)" = 3 ]'
check "ipv4: LAST_ACK: router entries == server's ss" router_match_server "$R" "$B" ":8090 "
raised_checks ipv4 last_ack 8090 3 $THR
run ip netns exec "$R" nft delete table inet tl_fs
check "ipv4: last_ack cleared once the final ACKs get through" \
	wait_for 15 anomaly_gone "$R" last_ack 8090
check "ipv4: ... router entries == server's ss (none)" router_match_server "$R" "$B" ":8090 " 0
loadgen_stop "$SRV_PID"
loadgen_stop_all

# fin_wait2, IPv6: the client keeps its side open until it exits
obs_serve "$B" fd00:79:2::1 8091 -m close-first -d 30
loadgen_bg "$A" client -t '[fd00:79:2::1]:8091' -n 4 -N 4 -c none -d 30
cli=$LG_PID
check "ipv6: the server is in FIN_WAIT2 (ss)" \
	wait_for 5 eval '[ "$(ip netns exec $B ss -Htan state fin-wait-2 | wc -l)" = 4 ]'
check "ipv6: FIN_WAIT2: router entries == server's ss" router_match_server "$R" "$B" ":8091 "
raised_checks ipv6 fin_wait2 8091 4 $THR
loadgen_stop "$cli"
check "ipv6: fin_wait2 cleared once the client closes" \
	wait_for 8 anomaly_gone "$R" fin_wait2 8091
loadgen_stop "$SRV_PID"
loadgen_stop_all

# half_open, IPv4: four connections, silent until the client stops
obs_serve "$B" 10.79.2.1 8092 -m echo -d 30
loadgen_bg "$A" client -t 10.79.2.1:8092 -n 4 -H 60000 -c fin -d 60
cli=$LG_PID
raised_checks ipv4 half_open 8092 4 $THR
check "ipv4: silent connections: router entries == server's ss" \
	router_match_server "$R" "$B" ":8092 "
loadgen_stop "$cli"
check "ipv4: half_open cleared when the client closes" \
	wait_for 10 anomaly_gone "$R" half_open 8092
loadgen_stop "$SRV_PID"
loadgen_stop_all

# syn_flood, IPv6: the client drops the SYN+ACKs
obs_serve "$B" fd00:79:2::1 8093 -m echo -d 40
setup ip netns exec "$A" nft add table inet tl_fs
setup ip netns exec "$A" nft add chain inet tl_fs in \
	'{ type filter hook input priority 0; }'
setup ip netns exec "$A" nft add rule inet tl_fs in \
	tcp sport 8093 tcp flags '& (syn | ack) == syn | ack' drop
loadgen_bg "$A" client -t '[fd00:79:2::1]:8093' -n 12 -H 20000 -d 30
cli=$LG_PID
raised_checks ipv6 syn_flood 8093 12 $SYNW
check "ipv6: SYN_RECV: router entries == server's ss" router_match_server "$R" "$B" ":8093 "
run ip netns exec "$A" nft delete table inet tl_fs
check "ipv6: syn_flood cleared once the handshakes complete" \
	wait_for 20 anomaly_gone "$R" syn_flood 8093
loadgen_stop "$cli" "$SRV_PID"
loadgen_stop_all

# syn_dropped, IPv4: backlog 1, never accepting
obs_serve "$B" 10.79.2.1 8094 -m slow-accept -b 1 -d 30
loadgen_bg "$A" client -t 10.79.2.1:8094 -n 10 -H 20000 -d 30
cli=$LG_PID
anomaly_wait $((SYNW / 1000 + 5)) "$R" syn_dropped 8094
line=$ANOM_LINE
echo "# $line"
check "ipv4: syn_dropped raised in the router on port 8094" test -n "$line"
check "ipv4: ... counting at least $DROPPED unanswered SYNs" \
	test "$(awk '{ print $5 }' <<<"${line:-x 0 0 0 0}")" -ge $DROPPED
loadgen_stop "$SRV_PID"
check "ipv4: syn_dropped cleared when the listener is gone" \
	wait_for 20 anomaly_gone "$R" syn_dropped 8094
loadgen_stop "$cli"
loadgen_stop_all
check "nothing is left raised in the router" \
	wait_for 5 eval '[ -z "$(obs_cat $R anomalies | awk '"'"'$1 != "total" && $1 != "kind"'"'"')" ]'
obs_cat "$R" anomalies | sed 's/^/#   /'
netns_cleanup
ktap_finish
