#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# last_ack and half_open.
#
# last_ack: the server closes in reply to the client's FIN, and an nft rule
# in the server's namespace drops the client's bare ACKs, so the final ACK
# never arrives and the server stays in LAST_ACK (ss agrees). Raised on the
# server port within the threshold + one tick; cleared once the rule is
# gone and the server's retransmitted FIN is acknowledged.
#
# half_open: connections that stay ESTABLISHED with nothing sent either
# way. Raised on the server port and toward the server on the client;
# cleared when the client closes them. IPv4 and IPv6.
#
#   +-------------------------+          +---------------------------+
#   | netns tl-la-a (client)  |   veth   | netns tl-la-b (server)    |
#   | 10.77.0.1  fd00:77::1  veth0 -- veth0 10.77.0.2 fd00:77::2     |
#   | loadgen client          |          | loadgen echo :8080/:8081  |
#   |                         |          | nft: drop bare ACKs in    |
#   +-------------------------+          +---------------------------+
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcplens_obs_lib.sh"

need_root
need_cmd ip ss nft modprobe
[ -x "$LOADGEN" ] || skip_all "tcplens_loadgen is not built"
trap 'netns_cleanup' EXIT

A=tl-la-a B=tl-la-b
LA=2000 HO=2000
ktap_header 20
obs_load
obs_pair "$A" "$B"
run obs_sysctl "$B" last_ack_ms $LA
run obs_sysctl "$B" half_open_ms $HO
run obs_sysctl "$A" half_open_ms $HO

last_ack() {
	local fam=$1 ip=$2 addr=$3 target=$4 port=$5 client=$6 line
	obs_serve "$B" "$addr" "$port" -m echo -d 30
	srv=$SRV_PID
	setup ip netns exec "$B" nft add table inet tl_la
	setup ip netns exec "$B" nft add chain inet tl_la in \
		'{ type filter hook input priority 0; }'
	setup ip netns exec "$B" nft add rule inet tl_la in \
		"$ip" saddr "$client" tcp dport "$port" tcp flags == ack drop
	# the bare ACK of the handshake is dropped too: the client's data
	# (PSH+ACK) completes it; its FIN+ACK passes, the ACK of ours not
	loadgen_bg "$A" client -t "$target" -n 3 -N 3 -s 10 -c fin -d 3
	wait_for 8 eval '[ "$(ip netns exec $B ss -Htan state last-ack "sport = :$port" | wc -l)" = 3 ]'
	check "$fam: LAST_ACK on the server: conns == ss" conns_match_ss "$B" ":$port "
	anomaly_wait $((LA / 1000 + 3)) "$B" last_ack "$port" 3
	line=$ANOM_LINE
	echo "# $line"
	check "$fam: last_ack raised on port $port with the 3 connections" test -n "$line" -a \
		"$(awk '{ print $5 }' <<<"${line:-x 0 0 0 0}")" = 3
	check "$fam: ... within threshold + 1 tick" raised_in_time "$line" $LA
	run ip netns exec "$B" nft delete table inet tl_la
	check "$fam: last_ack cleared once the final ACK gets through" \
		wait_for 15 anomaly_gone "$B" last_ack "$port"
	check "$fam: ... and the server's entries are gone, as in ss" \
		conns_match_ss "$B" ":$port " 0
	loadgen_stop "$srv"
	loadgen_stop_all
}

half_open() {
	local fam=$1 addr=$2 target=$3 port=$4 remote=$5 line
	obs_serve "$B" "$addr" "$port" -m echo -d 30
	srv=$SRV_PID
	loadgen_bg "$A" client -t "$target" -n 4 -H 60000 -c fin -d 60
	cli=$LG_PID
	anomaly_wait $((HO / 1000 + 4)) "$B" half_open "$port" 4
	line=$ANOM_LINE
	echo "# $line"
	check "$fam: half_open raised on port $port with 4 connections" \
		test "$(awk '{ print $5 }' <<<"${line:-x 0 0 0 0}")" = 4
	check "$fam: ... within threshold + 1 tick" raised_in_time "$line" $HO
	check "$fam: half_open raised toward $remote on the client" \
		anomaly_wait 2 "$A" half_open "$remote" 4
	check "$fam: silent connections: conns == ss" conns_match_ss "$A" ":$port "
	loadgen_stop "$cli"
	check "$fam: half_open cleared when the client closes" \
		wait_for 10 eval 'anomaly_gone $B half_open $port &&
			anomaly_remote_gone $A half_open $remote'
	loadgen_stop "$srv"
	loadgen_stop_all
}

last_ack ipv4 ip 10.77.0.2 10.77.0.2:8080 8080 10.77.0.1
last_ack ipv6 ip6 fd00:77::2 '[fd00:77::2]:8081' 8081 fd00:77::1
half_open ipv4 10.77.0.2 10.77.0.2:8082 8082 10.77.0.2:8082
half_open ipv6 fd00:77::2 '[fd00:77::2]:8083' 8083 '[fd00:77::2]:8083'
obs_cat "$B" anomalies | sed 's/^/#   /'
netns_cleanup
ktap_finish
