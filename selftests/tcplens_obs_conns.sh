#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The observer's view of local connections agrees with ss(8): for IPv4 and
# IPv6, with connections open and after they closed (TIME_WAIT on the
# side that closed first, nothing on the other), on both ends; the states
# file counts the same; another namespace sees none of it; max_tracked
# bounds the table and established entries are refused, never evicted;
# max_total (module parameter) bounds all namespaces together, and bad
# module parameters are refused at load.
#
#   +-------------------------+          +-------------------------+
#   | netns tl-cn-a (client)  |   veth   | netns tl-cn-b (server)  |
#   | 10.77.0.1  fd00:77::1  veth0 -- veth0 10.77.0.2 fd00:77::2   |
#   | loadgen client          |          | loadgen server :8080    |
#   +-------------------------+          +-------------------------+
#   netns tl-cn-c: idle, must show nothing
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcplens_obs_lib.sh"

need_root
need_cmd ip ss modprobe
[ -x "$LOADGEN" ] || skip_all "tcplens_loadgen is not built"
trap 'netns_cleanup' EXIT

A=tl-cn-a B=tl-cn-b C=tl-cn-c
N=40
ktap_header 20
obs_load
obs_pair "$A" "$B"
netns_add "$C"

# scenario FAMILY SERVER_ADDR TARGET LOCAL_RE: LOCAL_RE picks the family's
# lines; the previous scenario's TIME_WAIT may expire meanwhile, at a
# slightly different moment in the kernel and in the observer.
# closed LOCAL_RE: the kernel has settled: only TIME_WAIT on the client,
# nothing on the server.
closed() {
	[ -z "$(ss_conns "$A" | grep -E -- "$1" | grep -v ' TIME_WAIT$')" ] &&
		[ -z "$(ss_conns "$B" | grep -E -- "$1")" ]
}

scenario() {
	local fam=$1 addr=$2 target=$3 re=$4
	obs_serve "$B" "$addr" 8080 -m echo -d 120
	srv=$SRV_PID
	loadgen_bg "$A" client -t "$target" -n $N -H 120000 -c fin -d 120
	cli=$LG_PID
	wait_for 30 eval '[ "$(ip netns exec $A ss -Htan state established | wc -l)" -ge $N ]'
	sleep 0.5
	check "$fam: $N open connections: client conns == ss" conns_match_ss "$A" "$re"
	check "$fam: $N open connections: server conns == ss" conns_match_ss "$B" "$re"
	check "$fam: states counts ESTABLISHED like ss" \
		test "$(obs_state_count "$A" ESTABLISHED)" = \
		"$(ip netns exec "$A" ss -Htan state established | wc -l)"
	# the client exits: FIN from the client, TIME_WAIT on its side
	loadgen_stop "$cli"
	wait_for 15 closed "$re"
	sleep $(((2 * OBS_TICK_MS * OBS_SLOW + 999) / 1000))
	check "$fam: closed: client conns == ss (TIME_WAIT)" conns_match_ss "$A" "$re"
	check "$fam: closed: server conns == ss (none)" conns_match_ss "$B" "$re" 0
	loadgen_stop "$srv"
	loadgen_stop_all
}

scenario ipv4 10.77.0.2 10.77.0.2:8080 '^10\.77\.'
scenario ipv6 fd00:77::2 '[fd00:77::2]:8080' '^\[fd00:77::'

check "another namespace sees none of it" \
	test "$(obs_cat "$C" conns | wc -l)" = 1 -a "$(obs_stat "$C" entries)" = 0
check "object size per connection is at most 128 bytes" \
	test "$(obs_stat "$A" object_size)" -le 128
echo "# object_size $(obs_stat "$A" object_size)"

# max_tracked: 16 entries at most, ESTABLISHED never evicted
run obs_sysctl "$B" max_tracked 16
check "max_tracked rejects 0 (EINVAL) and keeps its value" \
	eval 'einval obs_sysctl "$B" max_tracked 0 &&
		[ "$(ip netns exec $B sysctl -n net.tcplens.max_tracked)" = 16 ]'
loadgen_bg "$B" server -m echo -l 10.77.0.2 -p 8081 -d 20
wait_for 5 eval "ip netns exec $B ss -Htln 'sport = :8081' | grep -q 8081"
loadgen_bg "$A" client -t 10.77.0.2:8081 -n 30 -H 60000 -d 15
wait_for 20 eval '[ "$(ip netns exec $A ss -Htan state established | wc -l)" -ge 30 ]'
sleep 0.5
echo "# entries $(obs_stat "$B" entries) refused $(obs_stat "$B" refused) evicted $(obs_stat "$B" evicted)"
check "max_tracked bounds the table" test "$(obs_stat "$B" entries)" -le 16
check "the rest is refused: no ESTABLISHED entry gives way" \
	test "$(obs_stat "$B" refused)" -gt 0 -a \
	"$(obs_state_count "$B" ESTABLISHED)" = "$(obs_stat "$B" entries)"
loadgen_stop_all

check "a control run of normal traffic raised nothing (client)" anomaly_none "$A"
check "a control run of normal traffic raised nothing (server)" anomaly_none "$B"
netns_cleanup
check "the observer unloads" run rmmod tcplens_observer

# max_total: 64 entries over both namespaces; 40 connections make 80
check "modprobe refuses tick_ms=5, wheel_slots=1000, max_total=8 (EINVAL)" \
	eval 'einval modprobe tcplens_observer tick_ms=5 &&
		einval modprobe tcplens_observer wheel_slots=1000 &&
		einval modprobe tcplens_observer max_total=8 && ! tcplens_loaded tcplens_observer'
setup modprobe tcplens_observer max_total=64
obs_pair "$A" "$B"
obs_serve "$B" 10.77.0.2 8082 -m echo -d 30
loadgen_bg "$A" client -t 10.77.0.2:8082 -n 40 -H 60000 -d 25
cli=$LG_PID
wait_for 20 eval '[ "$(ip netns exec $A ss -Htan state established | wc -l)" -ge 40 ]'
sleep $(((2 * OBS_TICK_MS * OBS_SLOW + 999) / 1000))
echo "# host_entries $(obs_stat "$A" host_entries) of $(obs_stat "$A" max_total);" \
	"refused $(obs_stat "$A" refused) + $(obs_stat "$B" refused)"
check "max_total bounds the namespaces together; the rest is refused" \
	test "$(obs_stat "$A" host_entries)" = 64 -a \
	$(($(obs_stat "$A" entries) + $(obs_stat "$B" entries))) = 64 -a \
	$(($(obs_stat "$A" refused) + $(obs_stat "$B" refused))) -gt 0
loadgen_stop "$cli" "$SRV_PID"
netns_cleanup
run rmmod tcplens_observer
ktap_finish
