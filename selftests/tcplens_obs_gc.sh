#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the observer keeps and forgets, as the README says:
#  - LOCAL_OUT is hooked first: a FIN that an output rule drops still moved
#    the sender's state (FIN_WAIT1, as in ss), while the peer, which never
#    saw it, stays ESTABLISHED;
#  - gc_established_ms forgets silent ESTABLISHED entries (ss still shows
#    the sockets), in that namespace only, counted as expired_idle;
#  - gc_idle_ms forgets silent entries in the other states (FIN_WAIT2
#    here) but never a CLOSE_WAIT one.
#
#   +-------------------------+          +---------------------------+
#   | netns tl-gc-a (client)  |   veth   | netns tl-gc-b (server)    |
#   | 10.77.0.1  fd00:77::1  veth0 -- veth0 10.77.0.2 fd00:77::2     |
#   | nft: drop outgoing FINs |          | loadgen echo/never-close  |
#   +-------------------------+          +---------------------------+
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcplens_obs_lib.sh"

need_root
need_cmd ip ss nft modprobe
[ -x "$LOADGEN" ] || skip_all "tcplens_loadgen is not built"
trap 'netns_cleanup' EXIT

A=tl-gc-a B=tl-gc-b
ktap_header 10
obs_load
obs_pair "$A" "$B"

# ss_count NS STATE PORT: sockets of NS in STATE toward or from PORT.
ss_count() {
	ip netns exec "$1" ss -Htan state "$2" "( sport = :$3 or dport = :$3 )" | wc -l
}
# obs_count NS STATE PORT: the observer's entries of NS in STATE on PORT.
obs_count() { obs_conns "$1" | grep -c -- ":$3 .*$2$"; }

# ---- a FIN dropped by an output rule
setup ip netns exec "$A" nft add table inet tl_gc
setup ip netns exec "$A" nft add chain inet tl_gc out \
	'{ type filter hook output priority 0; }'
setup ip netns exec "$A" nft add rule inet tl_gc out \
	tcp dport 8080 tcp flags '& fin == fin' drop
obs_serve "$B" 10.77.0.2 8080 -m echo -d 30
loadgen_bg "$A" client -t 10.77.0.2:8080 -n 2 -N 2 -H 300 -c fin -d 10
wait_for 10 eval '[ "$(ss_count "$A" fin-wait-1 8080)" = 2 ]'
check "a FIN an output rule drops: FIN_WAIT1 on the client, conns == ss" \
	conns_match_ss "$A" ":8080 FIN_WAIT1$" 2
check "... the server never saw it: ESTABLISHED there, conns == ss" \
	conns_match_ss "$B" ":8080 .*ESTABLISHED$" 2
run ip netns exec "$A" nft delete table inet tl_gc
# closed_both: the client in TIME_WAIT, nothing left on the server
closed_both() {
	conns_match_ss "$A" ":8080 TIME_WAIT$" 2 >/dev/null &&
		conns_match_ss "$B" ":8080 " 0 >/dev/null
}
check "the rule gone, the FIN gets through: TIME_WAIT on the client, nothing on the server" \
	wait_for 15 closed_both
loadgen_stop_all

# ---- gc_established_ms: three silent connections
obs_serve "$B" 10.77.0.2 8081 -m echo -d 60
loadgen_bg "$A" client -t 10.77.0.2:8081 -n 3 -H 60000 -c fin -d 60
wait_for 10 eval '[ "$(ss_count "$A" established 8081)" = 3 ]'
sleep 0.5
check "three silent connections: client conns == ss" conns_match_ss "$A" ":8081 " 3
before=$(obs_stat "$A" expired_idle)
run obs_sysctl "$A" gc_established_ms 1000
check "gc_established_ms=1000: the silent ESTABLISHED entries are forgotten" \
	wait_for 5 eval '[ "$(obs_count "$A" ESTABLISHED 8081)" = 0 ]'
echo "# expired_idle $before -> $(obs_stat "$A" expired_idle); ss: $(ss_count "$A" established 8081) established"
check "... counted as expired_idle; the sockets are still there (ss)" \
	test "$(($(obs_stat "$A" expired_idle) - before))" -ge 3 -a "$(ss_count "$A" established 8081)" = 3
check "... in that namespace only: the server still tracks its 3" \
	conns_match_ss "$B" ":8081 " 3
run obs_sysctl "$A" gc_established_ms 432000000
loadgen_stop_all

# ---- gc_idle_ms: FIN_WAIT2 on the client, CLOSE_WAIT on the server
obs_serve "$B" 10.77.0.2 8082 -m never-close -d 60
loadgen_bg "$A" client -t 10.77.0.2:8082 -n 2 -N 2 -c fin -d 10
wait_for 10 eval '[ "$(ss_count "$B" close-wait 8082)" = 2 ]'
sleep 0.5
check "FIN_WAIT2 on the client, CLOSE_WAIT on the server: conns == ss on both" \
	eval 'conns_match_ss "$A" ":8082 FIN_WAIT2$" 2 && conns_match_ss "$B" ":8082 .*CLOSE_WAIT$" 2'
run obs_sysctl "$A" gc_idle_ms 1000
run obs_sysctl "$B" gc_idle_ms 1000
check "gc_idle_ms=1000: the silent FIN_WAIT2 entries are forgotten (ss keeps them)" \
	wait_for 5 eval '[ "$(obs_count "$A" FIN_WAIT2 8082)" = 0 ] && [ "$(ss_count "$A" fin-wait-2 8082)" = 2 ]'
sleep $(((3 * OBS_TICK_MS * OBS_SLOW + 1999) / 1000))
check "... never the CLOSE_WAIT ones: the server still tracks both" \
	conns_match_ss "$B" ":8082 .*CLOSE_WAIT$" 2
loadgen_stop_all
netns_cleanup
ktap_finish
