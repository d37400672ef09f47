#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The handshake anomalies.
#
# syn_flood + connect_timeout: an nft rule in the client's namespace drops
# the SYN+ACKs. The server answered every SYN (SYN_RECV, as ss shows) and
# none completes: syn_flood on the server port. The client retransmits
# its SYNs unanswered: connect_timeout toward the server. Both clear once
# the rule is gone and the handshakes complete.
#
# syn_dropped: a listener that never accepts, with a backlog of 1: once
# its accept queue is full the kernel drops new SYNs without an answer.
# Raised on its port; cleared when the listener goes away (the clients
# then get RSTs).
#
#   +-------------------------+          +---------------------------+
#   | netns tl-sy-a (client)  |   veth   | netns tl-sy-b (server)    |
#   | 10.77.0.1  fd00:77::1  veth0 -- veth0 10.77.0.2 fd00:77::2     |
#   | loadgen client          |          | loadgen echo/slow-accept  |
#   | nft: drop SYN+ACK       |          |                           |
#   +-------------------------+          +---------------------------+
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcplens_obs_lib.sh"

need_root
need_cmd ip ss nft modprobe
[ -x "$LOADGEN" ] || skip_all "tcplens_loadgen is not built"
trap 'netns_cleanup' EXIT

A=tl-sy-a B=tl-sy-b
SYNW=1000 FLOOD=8 DROPPED=4 RETRIES=2
ktap_header 22
obs_load
obs_pair "$A" "$B"
run obs_sysctl "$B" syn_wait_ms $SYNW
run obs_sysctl "$B" syn_flood_count $FLOOD
run obs_sysctl "$B" syn_dropped_count $DROPPED
run obs_sysctl "$A" connect_timeout_retries $RETRIES

syn_flood() {
	local fam=$1 addr=$2 target=$3 port=$4 remote=$5 line
	obs_serve "$B" "$addr" "$port" -m echo -d 40
	srv=$SRV_PID
	setup ip netns exec "$A" nft add table inet tl_sy
	setup ip netns exec "$A" nft add chain inet tl_sy in \
		'{ type filter hook input priority 0; }'
	setup ip netns exec "$A" nft add rule inet tl_sy in \
		tcp sport "$port" tcp flags '& (syn | ack) == syn | ack' drop
	loadgen_bg "$A" client -t "$target" -n 12 -H 20000 -d 30
	cli=$LG_PID
	anomaly_wait $((SYNW / 1000 + 4)) "$B" syn_flood "$port" 12
	line=$ANOM_LINE
	echo "# $line"
	check "$fam: syn_flood raised on port $port" test -n "$line"
	check "$fam: ... with all 12 half-open handshakes" \
		test "$(awk '{ print $5 }' <<<"$line")" = 12
	check "$fam: SYN_RECV on the server: conns == ss" conns_match_ss "$B" ":$port "
	check "$fam: SYN_SENT on the client: conns == ss" conns_match_ss "$A" ":$port "
	# Linux retransmits a SYN after 1 s, then 2 s more
	anomaly_wait 6 "$A" connect_timeout "$remote"
	line=$ANOM_LINE
	echo "# $line"
	check "$fam: connect_timeout raised toward $remote" test -n "$line"
	run ip netns exec "$A" nft delete table inet tl_sy
	check "$fam: syn_flood cleared once the handshakes complete" \
		wait_for 20 anomaly_gone "$B" syn_flood "$port"
	check "$fam: connect_timeout cleared too" \
		wait_for 5 anomaly_remote_gone "$A" connect_timeout "$remote"
	check "$fam: completed: client conns == ss" conns_match_ss "$A" ":$port "
	loadgen_stop "$cli"
	loadgen_stop "$srv"
	loadgen_stop_all
}

syn_dropped() {
	local fam=$1 addr=$2 target=$3 port=$4 line
	obs_serve "$B" "$addr" "$port" -m slow-accept -b 1 -d 30
	srv=$SRV_PID
	loadgen_bg "$A" client -t "$target" -n 10 -H 20000 -d 30
	cli=$LG_PID
	anomaly_wait $((SYNW / 1000 + 5)) "$B" syn_dropped "$port"
	line=$ANOM_LINE
	echo "# $line"
	check "$fam: syn_dropped raised on port $port" test -n "$line"
	check "$fam: ... counting at least $DROPPED unanswered SYNs" \
		test "$(awk '{ print $5 }' <<<"$line")" -ge $DROPPED
	loadgen_stop "$srv"
	check "$fam: syn_dropped cleared when the listener is gone" \
		wait_for 20 anomaly_gone "$B" syn_dropped "$port"
	loadgen_stop "$cli"
	loadgen_stop_all
}

syn_flood ipv4 10.77.0.2 10.77.0.2:8080 8080 10.77.0.2:8080
syn_flood ipv6 fd00:77::2 '[fd00:77::2]:8081' 8081 '[fd00:77::2]:8081'
syn_dropped ipv4 10.77.0.2 10.77.0.2:8082 8082
syn_dropped ipv6 fd00:77::2 '[fd00:77::2]:8083' 8083
obs_cat "$B" anomalies | sed 's/^/#   /'
netns_cleanup
ktap_finish
