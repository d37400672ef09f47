#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The forwarded view: with net.tcplens.forward=1 a router namespace tracks
# the connections it forwards, taking the responder (the server) as the
# local side. Its entries follow the server's sockets: they agree with ss
# in the server's namespace, and a server that never closes raises
# close_wait on its port in the router, cleared once it is gone; a server
# that aborts every connection raises rst_storm there, cleared once the
# clients stop. IPv4 and IPv6. forward=0 removes the hooks: nothing new is
# tracked.
#
#   +----------------+        +--------------------------+        +----------------+
#   | tl-fw-a client |  veth  | tl-fw-r router           |  veth  | tl-fw-b server |
#   | 10.79.1.1    veth0 -- veth1 10.79.1.2  10.79.2.2 veth2 -- veth0 10.79.2.1     |
#   | fd00:79:1::1   |        | fd00:79:1::2 fd00:79:2::2 |        | fd00:79:2::1   |
#   +----------------+        +--------------------------+        +----------------+
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcplens_obs_lib.sh"

need_root
need_cmd ip ss modprobe sysctl
[ -x "$LOADGEN" ] || skip_all "tcplens_loadgen is not built"
trap 'netns_cleanup' EXIT

A=tl-fw-a R=tl-fw-r B=tl-fw-b
THR=2000 RST_RATE=20
ktap_header 20
obs_load
obs_router "$A" "$R" "$B"
run obs_sysctl "$R" close_wait_ms $THR
check "forward rejects 2 (EINVAL)" \
	eval 'einval obs_sysctl "$R" forward 2 &&
		[ "$(ip netns exec $R sysctl -n net.tcplens.forward)" = 1 ]'

scenario() {
	local fam=$1 addr=$2 target=$3 port=$4 line
	obs_serve "$B" "$addr" "$port" -m never-close -d 30
	srv=$SRV_PID
	loadgen_bg "$A" client -t "$target" -n 4 -N 4 -c fin -d 3
	wait_for 8 eval '[ "$(ip netns exec $B ss -Htan state close-wait | wc -l)" -ge 4 ]'
	sleep 0.3
	check "$fam: router entries == server's ss (CLOSE_WAIT)" router_match_server "$R" "$B" ":$port "
	anomaly_wait $((THR / 1000 + 3)) "$R" close_wait "$port" 4
	line=$ANOM_LINE
	echo "# $line"
	check "$fam: close_wait raised in the router on port $port" \
		test "$(awk '{ print $5 }' <<<"$line")" = 4
	check "$fam: ... within threshold + 1 tick" raised_in_time "$line" $THR
	loadgen_stop "$srv"
	check "$fam: cleared once the server is gone" \
		wait_for 8 anomaly_gone "$R" close_wait "$port"
	check "$fam: router entries == server's ss (none)" router_match_server "$R" "$B" ":$port " 0
	loadgen_stop_all
}

scenario ipv4 10.79.2.1 10.79.2.1:8080 8080
scenario ipv6 fd00:79:2::1 '[fd00:79:2::1]:8081' 8081

run obs_sysctl "$R" rst_storm_rate $RST_RATE
# rst_storm: a server that aborts every connection, seen from the router
rst_storm_scenario "$R" "$B" "$A" ipv4 10.79.2.1 10.79.2.1:8084 8084 $RST_RATE
rst_storm_scenario "$R" "$B" "$A" ipv6 fd00:79:2::1 '[fd00:79:2::1]:8085' 8085 $RST_RATE
check "a forwarded RST storm raised nothing else" \
	test -z "$(obs_cat "$R" anomalies | awk '$1 != "total" && $1 != "kind" && $1 != "rst_storm"')"

run obs_sysctl "$R" forward 0
before=$(obs_stat "$R" created)
obs_serve "$B" 10.79.2.1 8082 -m echo -d 20
echo "# + ip netns exec $A $LOADGEN client -t 10.79.2.1:8082 -n 2 -N 4 -d $((5 * OBS_SLOW)) -j"
report=$(ip netns exec "$A" "$LOADGEN" client -t 10.79.2.1:8082 -n 2 -N 4 \
	-d $((5 * OBS_SLOW)) -j -q 2>/dev/null)
echo "# $report"
check "forward=0: 4 connections crossed the router ..." \
	grep -q '"established":4,' <<<"$report"
check "... and nothing new was tracked there" \
	test "$(obs_stat "$R" created)" = "$before"
loadgen_stop "$SRV_PID"
loadgen_stop_all
netns_cleanup
ktap_finish
