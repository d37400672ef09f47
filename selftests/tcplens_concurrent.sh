#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every observer scenario at once, through a router that observes the
# forwarded traffic, with lens as the clients' congestion control; then a
# lossy lens flow with a blackout (recovery, RTO, HyStart++, the
# tracepoint, parameter writes under load); then teardown with entries,
# anomaly records and timers still live: a namespace deleted, the
# observer unloaded.
#
# This is the debug kernel's main test (KASAN, lockdep, kmemleak): it
# drives every path of the glue that the one-scenario-at-a-time tests
# drive (both families, local and forwarded hooks, each state, each
# anomaly raised and cleared, eviction and refusal, each procfs file read
# under load, sysctl writes good and bad, netns exit and module exit with
# live entries) in a few minutes there, where those tests take forty. It
# checks that each path was really driven (the anomaly raised, the
# counter moved); the exact numbers are the other tests' business, on the
# Debian kernels. It runs on every kernel: all at once is a load no
# other test makes.
#
#   +-----------------+        +------------------------------+        +-----------------+
#   | tl-cc-a clients |  veth  | tl-cc-r router, forward=1    |  veth  | tl-cc-b servers |
#   | 10.79.1.1     veth0 -- veth1 10.79.1.2     10.79.2.2 veth2 -- veth0 10.79.2.1      |
#   | fd00:79:1::1    |        | fd00:79:1::2   fd00:79:2::2  |        | fd00:79:2::1    |
#   | lens default    |        | max_tracked 24 (evicts,      |        | nft: drop bare  |
#   | nft: drop       |        |   refuses)                   |        | ACKs to 8202    |
#   | SYN+ACK of 8203 |        | lens phase: netem on both    |        |                 |
#   +-----------------+        +------------------------------+        +-----------------+
#
#   port  family  server (B)      client (A)               raises
#   8201  ipv4    never-close     3 conns, close           close_wait (B), fin_wait2 (A)
#   8202  ipv4    echo            3 conns, data, close     last_ack (B)
#   8203  ipv4    echo            6 conns, SYN+ACK lost    syn_flood (B), connect_timeout (A)
#   8204  ipv4    slow-accept -b1 8 conns                  syn_dropped (B), connect_timeout (A)
#   8205  ipv6    rst             40 conns/s               rst_storm (B)
#   8206  ipv6    echo            20 conns, 4 at a time    time_wait (A)
#   8207  ipv4    echo            3 silent conns           half_open (B and A)
#
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcplens_obs_lib.sh"
. "$(dirname "$0")/tcplens_cc_lib.sh"

need_root
need_cmd ip ss nft tc iperf3 ethtool modprobe
[ -x "$LOADGEN" ] || skip_all "tcplens_loadgen is not built"
trap 'loadgen_stop_all; lens_trace_remove; netns_cleanup' EXIT

A=tl-cc-a R=tl-cc-r B=tl-cc-b
A4=10.79.1.1 B4=10.79.2.1 B6=fd00:79:2::1
ktap_header 26

tcplens_unload_all >/dev/null 2>&1
tcplens_install_modules || { echo "# make install failed"; exit "$KSFT_FAIL"; }
setup modprobe -a tcp_lens tcplens_observer
obs_router "$A" "$R" "$B"
setup ip netns exec "$A" sysctl -qw net.ipv4.tcp_congestion_control=lens \
	net.tcplens.fin_wait2_ms=300 net.tcplens.half_open_ms=1500 \
	net.tcplens.time_wait_count=10 net.tcplens.connect_timeout_retries=1
setup ip netns exec "$B" sysctl -qw net.tcplens.close_wait_ms=300 \
	net.tcplens.last_ack_ms=300 net.tcplens.half_open_ms=1500 \
	net.tcplens.syn_wait_ms=500 net.tcplens.syn_flood_count=4 \
	net.tcplens.syn_dropped_count=2 net.tcplens.rst_storm_rate=10 \
	net.tcplens.log=1
setup obs_sysctl "$R" max_tracked 24
check "a bad value is refused (EINVAL) and leaves the threshold as it was" \
	eval 'einval ip netns exec $B sysctl -w net.tcplens.close_wait_ms=50 &&
		[ "$(ip netns exec $B sysctl -n net.tcplens.close_wait_ms)" = 300 ]'

setup ip netns exec "$A" nft add table inet tl_cc
setup ip netns exec "$A" nft add chain inet tl_cc in '{ type filter hook input priority 0; }'
setup ip netns exec "$A" nft add rule inet tl_cc in \
	tcp sport 8203 tcp flags '& (syn | ack) == syn | ack' drop
setup ip netns exec "$B" nft add table inet tl_cc
setup ip netns exec "$B" nft add chain inet tl_cc in '{ type filter hook input priority 0; }'
# the handshake's bare ACK is dropped too: the client's data completes it
setup ip netns exec "$B" nft add rule inet tl_cc in \
	ip saddr "$A4" tcp dport 8202 tcp flags == ack drop

obs_serve "$B" "$B4" 8201 -m never-close -d 120
obs_serve "$B" "$B4" 8202-8203 -m echo -d 120
obs_serve "$B" "$B4" 8204 -m slow-accept -b 1 -d 120
full=$SRV_PID
obs_serve "$B" "$B6" 8205 -m rst -d 120
rstsrv=$SRV_PID
obs_serve "$B" "$B6" 8206 -m echo -d 120
obs_serve "$B" "$B4" 8207 -m echo -d 120
loadgen_bg "$A" client -t "$B4:8201" -n 3 -N 3 -c fin -d 120
loadgen_bg "$A" client -t "$B4:8202" -n 3 -N 3 -s 10 -c fin -d 10
loadgen_bg "$A" client -t "$B4:8203" -n 6 -H 20000 -d 120
loadgen_bg "$A" client -t "$B4:8204" -n 8 -H 20000 -d 120
fullcli=$LG_PID
loadgen_bg "$A" client -t "[$B6]:8205" -n 10 -r 40 -d 120
rstcli=$LG_PID
loadgen_bg "$A" client -t "[$B6]:8206" -n 4 -N 20 -c fin -d 20
tw_start=$(date +%s)
loadgen_bg "$A" client -t "$B4:8207" -n 3 -H 120000 -c fin -d 120

# every kind, where it belongs: "NS KIND WHERE" (a local port, or the
# remote address:port)
want="$B close_wait 8201
$A fin_wait2 $B4:8201
$B last_ack 8202
$B syn_flood 8203
$A connect_timeout $B4:8203
$B syn_dropped 8204
$B rst_storm 8205
$A time_wait [$B6]:8206
$B half_open 8207
$A half_open $B4:8207"
# snap: both anomalies files, once (an exec costs half a second on the
# debug kernel); in_snap NS KIND WHERE: KIND is raised on WHERE in NS's.
snap() {
	SNAP_A=$(obs_cat "$A" anomalies) && SNAP_B=$(obs_cat "$B" anomalies) && return 0
	echo "# cannot read the anomalies files"
	return 1
}
in_snap() {
	local text k l r rest
	if [ "$1" = "$A" ]; then text=$SNAP_A; else text=$SNAP_B; fi
	while read -r k _ l r rest; do
		[ "$k" = "$2" ] && { [ "$l" = "$3" ] || [ "$r" = "$3" ]; } && return 0
	done <<<"$text"
	return 1
}
# seen: the raises so far, each a line of want (matched by the shell
# itself: under this load an exec takes seconds on the debug kernel).
# Once a cause has done its work it goes (a dropping rule, the full
# listener, the RST storm), so that the retransmissions it caused are
# answered while their backoff is short, and the load drops. The full
# listener's clients go once its SYNs are answered by RSTs (clients
# killed in SYN_SENT would leave the server's entries to the idle timer).
seen=$'\n' nseen=0 nwant=0
while read -r _; do nwant=$((nwant + 1)); done <<<"$want"
seen_has() { [[ $seen == *$'\n'"$1"$'\n'* ]]; }
all_raised() {
	local ns kind where
	snap || return 1
	if [ -n "$fullcli" ] && seen_has "$B syn_dropped 8204" &&
		! in_snap "$B" syn_dropped 8204; then
		loadgen_stop "$fullcli"
		fullcli=''
	fi
	while read -r ns kind where; do
		seen_has "$ns $kind $where" && continue
		in_snap "$ns" "$kind" "$where" || continue
		seen+="$ns $kind $where"$'\n'
		nseen=$((nseen + 1))
		case $kind in
		last_ack) run ip netns exec "$B" nft delete table inet tl_cc ;;
		syn_dropped) loadgen_stop "$full" ;;
		rst_storm) loadgen_stop "$rstcli" "$rstsrv" ;;
		connect_timeout | syn_flood)
			seen_has "$A connect_timeout $B4:8203" && seen_has "$B syn_flood 8203" &&
				run ip netns exec "$A" nft delete table inet tl_cc ;;
		esac
	done <<<"$want"
	[ "$nseen" = "$nwant" ]
}
wait_for 30 all_raised
echo "# raised: $nseen of $nwant"
for ns in "$A" "$B"; do
	obs_cat "$ns" anomalies | grep -v "^total .* 0 0 0$" | sed "s/^/#   ${ns#tl-cc-}: /"
done
while read -r ns kind where; do
	check "$kind raised in ${ns#tl-cc-} on $where" seen_has "$ns $kind $where"
done <<<"$want"

# procfs under load: every file, in the three namespaces
read_all() {
	local ns
	for ns in "$A" "$R" "$B"; do
		# shellcheck disable=SC2016 # expanded by the inner bash
		ip netns exec "$ns" bash -c '
		for f in states conns anomalies ports stats cc cc_conns; do
			out=$(</proc/net/tcplens/$f) && [ -n "$out" ] && continue
			echo "# cannot read /proc/net/tcplens/$f in $1"
			exit 1
		done' - "$ns" || return 1
	done
}
check "every /proc/net/tcplens file reads in each namespace under load" read_all
check "the router tracks the forwarded connections" \
	eval '[ "$(obs_cat $R conns | awk '\''$NF == "fwd"'\'' | wc -l)" -gt 0 ]'
check "the router, at max_tracked 24, evicted or refused" \
	eval '[ $(($(obs_stat $R evicted) + $(obs_stat $R refused))) -gt 0 ] &&
		[ "$(obs_stat $R entries)" -le 24 ]'
check "log=1 logged the raises" \
	eval 'dmesg | grep -q "tcplens_observer: netns [0-9]*: close_wait on local port 8201: "'

# the causes go away: every raise clears, but A's time_wait, which lasts
# 2MSL (checked at the end; the handshakes to 8203 complete first: a connection
# killed in SYN_SENT sends nothing, so the observer would keep it)
wait_for 20 eval '[ -z "$(ip netns exec $A ss -Htan state syn-sent "dport = :8203")" ]'
loadgen_stop_all
fullcli=''
all_cleared() {
	local ns kind where
	snap || return 1
	while read -r ns kind where; do
		[ "$kind" = time_wait ] && continue
		uncleared="$ns $kind $where"
		in_snap "$ns" "$kind" "$where" && return 1
	done <<<"$want"
	uncleared=''
}
uncleared='(no snapshot could be read)'
wait_for 30 all_cleared
[ -z "$uncleared" ] || echo "# still raised: $uncleared"
check "every raise clears once its cause is gone" test -z "$uncleared"

# lens: a lossy, queued path, then a blackout
run ip netns exec "$A" ethtool -K veth0 tso off gso off >/dev/null
setup tc -n "$R" qdisc replace dev veth2 root netem rate 4mbit limit 20 loss 1%
setup tc -n "$R" qdisc replace dev veth1 root netem delay 10ms limit 10000
setup ip netns exec "$B" iperf3 -s -D -1 -p 5201 --logfile /tmp/tl-cc-iperf-s.log
wait_for 5 eval "ip netns exec $B ss -Htln 'sport = :5201' | grep -q ."
lens_trace_start || { echo "# cannot enable tcp_lens:lens_cwnd"; exit "$KSFT_FAIL"; }
rto0=$(lens_cc "$A" rto)
echo "# + ip netns exec $A iperf3 -c $B4 -p 5201 -t 600 -C lens &"
ip netns exec "$A" iperf3 -c "$B4" -p 5201 -t 600 -C lens >/tmp/tl-cc-iperf.log 2>&1 &
iperf=$!
recovered() {
	[ $(($(lens_cc "$A" recovery_prr) + $(lens_cc "$A" recovery_newreno))) -gt 0 ]
}
# the data connection's phase, once it has taken an RTO
flow_phase() {
	lens_conns "$A" remote state phase rtos |
		awk -v r="$B4:5201" '$1 == r && $2 == "ESTAB" && $4 > 0 { print $3; exit }'
}
out_of_loss() { local p; p=$(flow_phase) && [ -n "$p" ] && [ "$p" != loss ]; }
wait_for 8 recovered
# parameter writes while lens runs (beta in percent)
param_writes() {
	lens_param hystart 0 && lens_param beta 60 &&
		[ "$(lens_param beta)" = 60 ] && [ "$(lens_param hystart)" = 0 ] &&
		lens_param hystart 1 && lens_param beta 70 &&
		[ "$(lens_param beta)" = 70 ] && [ "$(lens_param hystart)" = 1 ]
}
check "parameter writes under load are taken and read back" param_writes
run tc -n "$R" qdisc change dev veth2 root netem rate 4mbit limit 20 loss 100%
wait_for 10 eval '[ "$(lens_cc $A rto)" -gt "$rto0" ]'
run tc -n "$R" qdisc change dev veth2 root netem rate 4mbit limit 20 loss 1%
check "lens recovered from losses (PRR or NewReno)" recovered
check "lens took an RTO in the blackout" test "$(lens_cc "$A" rto)" -gt "$rto0"
check "the flow leaves the loss phase once the path is back" wait_for 30 out_of_loss
lens_show_conns "$A"
kill "$iperf"
wait "$iperf"
lens_trace_stop
check "lens left slow start" eval '[ $(($(lens_cc $A ss_exit_ssthresh) +
	$(lens_cc $A ss_exit_hystart_delay) + $(lens_cc $A ss_exit_css) +
	$(lens_cc $A ss_exit_hystart_block) + $(lens_cc $A ss_exit_css_rise) +
	$(lens_cc $A ss_exit_loss))) -gt 0 ]'
check "the tracepoint reported recovery and the RTO" \
	eval 'lens_trace_events | grep -q "^rto " &&
		lens_trace_events | grep -q "^recovery-enter "'
lens_trace_remove

# the first of 8206's TIME_WAIT entries runs out its 2MSL (60 s) about a
# minute after those clients started, however long the scenarios above took
tw_wait=$((tw_start + 60 + 30 - $(date +%s)))
[ "$tw_wait" -ge 5 ] || tw_wait=5
echo "# waiting up to $tw_wait s for 2MSL after the first TIME_WAIT"
check "TIME_WAIT entries expire at 2MSL (expired_time_wait)" \
	wait_for "$tw_wait" eval '[ "$(obs_stat $A expired_time_wait)" -gt 0 ]'

# teardown with live state: B's namespace goes, then the observer, while
# A and R still hold entries, records and timers
before=$(obs_stat "$A" host_entries)
# a process left in B would keep the namespace alive past the delete
ip netns pids "$B" | xargs -r kill 2>/dev/null
run ip netns del "$B"
check "a deleted namespace's entries leave the host count ($before before)" \
	wait_for 30 eval '[ "$(obs_stat $A host_entries)" -lt "$before" ]'
check "the observer unloads with live entries" \
	eval 'echo "# live in $A: $(obs_stat $A entries)"; rmmod tcplens_observer'
run ip netns exec "$A" sysctl -qw net.ipv4.tcp_congestion_control=reno
check "lens and tcplens unload once no socket uses lens" \
	wait_for 20 eval 'rmmod tcp_lens 2>/dev/null; rmmod tcplens 2>/dev/null;
		! tcplens_loaded tcp_lens && ! tcplens_loaded tcplens'
ktap_finish
