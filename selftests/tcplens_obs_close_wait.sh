#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# close_wait and fin_wait2: a server that never closes leaks CLOSE_WAIT,
# and leaves the client that closed in FIN_WAIT2. The observer raises
# close_wait on the server's port and fin_wait2 toward the server on the
# client, each within its threshold + one tick, its conns agree with ss on
# both sides meanwhile, and both clear once the server is gone (it closes:
# LAST_ACK, then the client's TIME_WAIT). IPv4 and IPv6; in the IPv6 run
# the server's port becomes ephemeral (ip_local_port_range) before it
# closes, which must not leave its record behind.
#
#   +-------------------------+          +-------------------------+
#   | netns tl-cw-a (client)  |   veth   | netns tl-cw-b (server)  |
#   | 10.77.0.1  fd00:77::1  veth0 -- veth0 10.77.0.2 fd00:77::2   |
#   | loadgen client, FIN     |          | loadgen never-close     |
#   +-------------------------+          +-------------------------+
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcplens_obs_lib.sh"

need_root
need_cmd ip ss modprobe
[ -x "$LOADGEN" ] || skip_all "tcplens_loadgen is not built"
trap 'netns_cleanup' EXIT

A=tl-cw-a B=tl-cw-b
THR=2000
FW2=3000
ktap_header 24
obs_load
obs_pair "$A" "$B"
port_range=$(ip netns exec "$B" sysctl -n net.ipv4.ip_local_port_range | tr -s '\t ' ' ')
run obs_sysctl "$B" close_wait_ms $THR
run obs_sysctl "$B" log 1
run obs_sysctl "$A" fin_wait2_ms $FW2

# logged NS TEXT: the kernel log has "tcplens_observer: netns <NS's
# inode>: TEXT" since this scenario began (log_mark).
log_mark() { log_from=$(dmesg | wc -l); }
logged() {
	local ino
	ino=$(ip netns exec "$1" stat -L -c %i /proc/self/ns/net) || return 1
	dmesg | tail -n +$((log_from + 1)) | grep -qF "tcplens_observer: netns $ino: $2"
}

scenario() {
	local fam=$1 addr=$2 target=$3 port=$4 remote=$5 reranged=${6:-} line
	log_mark
	obs_serve "$B" "$addr" "$port" -m never-close -d 30
	srv=$SRV_PID
	loadgen_bg "$A" client -t "$target" -n 5 -N 5 -c fin -d 3
	wait_for 5 eval '[ "$(ip netns exec $B ss -Htan state close-wait | wc -l)" -ge 5 ]'
	check "$fam: CLOSE_WAIT on the server: conns == ss" conns_match_ss "$B" ":$port "
	check "$fam: FIN_WAIT2 on the client: conns == ss" conns_match_ss "$A" ":$port "
	anomaly_wait $((THR / 1000 + 3)) "$B" close_wait "$port" 5
	line=$ANOM_LINE
	echo "# $line"
	check "$fam: close_wait raised on port $port" test -n "$line"
	check "$fam: ... with the 5 connections" test "$(awk '{ print $5 }' <<<"$line")" = 5
	check "$fam: ... within threshold + 1 tick" raised_in_time "$line" $THR
	check "$fam: log=1 in the server's namespace: the raise is in the kernel log" \
		wait_for 2 logged "$B" "close_wait on local port $port: "
	anomaly_wait $((FW2 / 1000 + 3)) "$A" fin_wait2 "$remote" 5
	line=$ANOM_LINE
	echo "# $line"
	check "$fam: fin_wait2 raised toward $remote on the client" test -n "$line"
	check "$fam: ... within threshold + 1 tick" raised_in_time "$line" $FW2
	check "$fam: log=0 in the client's: not logged" \
		eval '! logged "$A" "fin_wait2 toward $remote: "'
	if [ -n "$reranged" ]; then
		# the service port turns ephemeral while its record is raised;
		# the record must still clear: an entry keeps the key it counts by
		run ip netns exec "$B" sysctl -qw net.ipv4.ip_local_port_range="1024 65001"
	fi
	loadgen_stop "$srv"
	loadgen_stop_all
	check "$fam: cleared when the server is gone" \
		wait_for 5 anomaly_gone "$B" close_wait "$port"
	check "$fam: fin_wait2 cleared too" \
		wait_for 5 anomaly_remote_gone "$A" fin_wait2 "$remote"
}

scenario ipv4 10.77.0.2 10.77.0.2:8080 8080 10.77.0.2:8080
scenario ipv6 fd00:77::2 '[fd00:77::2]:8081' 8081 '[fd00:77::2]:8081' reranged

# A threshold change applies to the entries already there, within 16
# ticks: two connections sit in CLOSE_WAIT under a 1-day threshold, which
# then drops to 100 ms. The delay is measured from the end of the write
# (a process start under TCG is long) to the raise as the kernel dates it
# (raised_ms: its age when read); it may even come out negative.
# (the IPv6 run made 8082 ephemeral: the port range back first, or the
# anomaly would count by remote address, the server looking like a client)
run ip netns exec "$B" sysctl -qw net.ipv4.ip_local_port_range="$port_range"
run obs_sysctl "$B" close_wait_ms 86400000
obs_serve "$B" 10.77.0.2 8082 -m never-close -d 30
loadgen_bg "$A" client -t 10.77.0.2:8082 -n 2 -N 2 -c fin -d 3
wait_for 5 eval '[ "$(ip netns exec $B ss -Htan state close-wait "sport = :8082" | wc -l)" = 2 ]'
sleep 1
check "close_wait_ms 1 day: two CLOSE_WAIT entries, nothing raised" \
	eval '[ "$(obs_conns "$B" | grep -c ":8082 .* CLOSE_WAIT$")" = 2 ] && anomaly_gone "$B" close_wait 8082'
run obs_sysctl "$B" close_wait_ms 100
t_w=$(date +%s%N)
anomaly_wait 5 "$B" close_wait 8082 2
line=$ANOM_LINE
echo "# $line"
delay=$((($(date +%s%N) - t_w) / 1000000 - $(awk '{ print $7 }' <<<"${line:-x 0 0 0 0 0 999999}")))
limit=$((16 * OBS_TICK_MS + 500 * OBS_SLOW))
echo "# raised ${delay} ms after the write returned (16 ticks: $((16 * OBS_TICK_MS)) ms; limit $limit ms)"
check "lowered to 100 ms: both raised within 16 ticks of the change" \
	test -n "$line" -a "$delay" -le "$limit"
loadgen_stop_all
obs_cat "$B" anomalies | sed 's/^/#   /'
netns_cleanup
ktap_finish
