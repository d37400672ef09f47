#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Smoke test: the three modules load, lens can be selected, data moves,
# every procfs file reads, rmmod is refused while lens is in use, and
# everything unloads without a trace.
#
#   +----------------------+            +----------------------+
#   | netns tl-smoke-a     |            | netns tl-smoke-b     |
#   |  sender (lens)       |   veth     |  iperf3 -s           |
#   |  10.99.1.1/24     veth-a ------ veth-b  10.99.1.2/24    |
#   |  fd00:99::1/64       |            |  fd00:99::2/64       |
#   +----------------------+            +----------------------+
. "$(dirname "$0")/lib.sh"

need_root
need_cmd ip iperf3 python3 modprobe ss
trap 'netns_cleanup; pkill -f tl-smoke-hold 2>/dev/null' EXIT

A=tl-smoke-a B=tl-smoke-b
ktap_header 17

# Make sure nothing of ours is loaded, then install the freshly built ones.
tcplens_unload_all >/dev/null 2>&1
tcplens_install_modules || { echo "# make install failed"; exit $KSFT_FAIL; }

check "modprobe loads tcp_lens and tcplens_observer (and tcplens)" \
	run modprobe -a tcp_lens tcplens_observer
check "lens is listed in tcp_available_congestion_control" \
	grep -qw lens /proc/sys/net/ipv4/tcp_available_congestion_control

netns_add "$A" "$B"
run ip link add veth-a netns "$A" type veth peer name veth-b netns "$B"
run ip -n "$A" addr add 10.99.1.1/24 dev veth-a
run ip -n "$B" addr add 10.99.1.2/24 dev veth-b
run ip -n "$A" addr add fd00:99::1/64 dev veth-a nodad
run ip -n "$B" addr add fd00:99::2/64 dev veth-b nodad
run ip -n "$A" link set veth-a up
run ip -n "$B" link set veth-b up

check "sysctl selects lens in a namespace" \
	run ip netns exec "$A" sysctl -qw net.ipv4.tcp_congestion_control=lens
check "the sysctl reads back lens" \
	test "$(ip netns exec "$A" sysctl -n net.ipv4.tcp_congestion_control)" = lens

check "setsockopt(TCP_CONGESTION, lens) on fresh, established, listening and child sockets" \
	run_nested ip netns exec "$B" "$TCPLENS_BIN/tcplens_cc_sockopt"

run ip netns exec "$B" iperf3 -s -D -1 -p 5201 --logfile /tmp/tl-smoke-iperf.log
wait_for 25 eval "ip netns exec $B ss -Htln 'sport = :5201' | grep -q 5201"
check "iperf3 moves data over veth with lens (IPv4)" \
	run ip netns exec "$A" iperf3 -c 10.99.1.2 -p 5201 -t 2 -C lens
run ip netns exec "$B" iperf3 -s -D -1 -p 5202 --logfile /tmp/tl-smoke-iperf6.log
wait_for 25 eval "ip netns exec $B ss -Htln 'sport = :5202' | grep -q 5202"
check "iperf3 moves data over veth with lens (IPv6)" \
	run ip netns exec "$A" iperf3 -c fd00:99::2 -p 5202 -t 1 -C lens

cc_value() { ip netns exec "$1" awk -v k="$2" '$1 == k { print $2 }' /proc/net/tcplens/cc; }
check "/proc/net/tcplens/cc counted the sender's connections" \
	test "$(cc_value "$A" conn_init)" -ge 2

# read_all NS: each of the seven files (README) exists, reads without an
# error and is not empty (each has at least a header line).
read_all() {
	local ns=$1 f
	for f in cc cc_conns states conns anomalies ports stats; do
		echo "# --- $ns: /proc/net/tcplens/$f"
		ip netns exec "$ns" cat "/proc/net/tcplens/$f" >/tmp/tl-smoke-read ||
			{ echo "# cannot read /proc/net/tcplens/$f in $ns"; return 1; }
		[ -s /tmp/tl-smoke-read ] || { echo "# /proc/net/tcplens/$f is empty in $ns"; return 1; }
		head -n 40 /tmp/tl-smoke-read | sed 's/^/#   /'
	done
}
check "all seven /proc/net/tcplens files read, in both namespaces" \
	eval 'read_all "$A" && read_all "$B"'
rm -f /tmp/tl-smoke-read

# cc_conns is read in page-sized chunks: 300 connections take several,
# and each must be listed exactly once.
# (not through run: $! must be the load generator itself, to stop it)
echo "# + ip netns exec $B $LOADGEN server -l 10.99.1.2 -p 8099 -m echo -d 300 -q &"
ip netns exec "$B" "$LOADGEN" server -l 10.99.1.2 -p 8099 -m echo -d 300 -q &
lg_srv=$!
wait_for 25 eval "ip netns exec $B ss -Htln 'sport = :8099' | grep -q 8099"
echo "# + ip netns exec $A $LOADGEN client -t 10.99.1.2:8099 -n 300 -r 100 -H 300000 -d 300 -q &"
ip netns exec "$A" "$LOADGEN" client -t 10.99.1.2:8099 -n 300 -r 100 \
	-H 300000 -d 300 -q &
lg_cli=$!
wait_for 120 eval '[ "$(ip netns exec $A ss -Htan state established "dport = :8099" | wc -l)" = 300 ]'
ip netns exec "$A" cat /proc/net/tcplens/cc_conns >/tmp/tl-smoke-cc
echo "# cc_conns: $(wc -l </tmp/tl-smoke-cc) lines, $(wc -c </tmp/tl-smoke-cc) bytes"
check "cc_conns lists each of 300 lens connections once" \
	test "$(awk '$2 == "10.99.1.2:8099"' /tmp/tl-smoke-cc | wc -l)" = 300 -a \
	"$(awk '$2 == "10.99.1.2:8099" { print $1 }' /tmp/tl-smoke-cc | sort -u | wc -l)" = 300
kill "$lg_cli" "$lg_srv" 2>/dev/null
wait "$lg_cli" "$lg_srv" 2>/dev/null
rm -f /tmp/tl-smoke-cc

# IPv6, and a state other than ESTAB: the server closes first and the
# clients never do, which leaves the lens sockets in CLOSE-WAIT.
echo "# + ip netns exec $B $LOADGEN server -l fd00:99::2 -p 8098 -m close-first -d 300 -q &"
ip netns exec "$B" "$LOADGEN" server -l fd00:99::2 -p 8098 -m close-first -d 300 -q &
lg_srv=$!
wait_for 25 eval "ip netns exec $B ss -Htln 'sport = :8098' | grep -q 8098"
echo "# + ip netns exec $A $LOADGEN client -t [fd00:99::2]:8098 -n 3 -N 3 -c none -d 300 -q &"
ip netns exec "$A" "$LOADGEN" client -t '[fd00:99::2]:8098' -n 3 -N 3 -c none -d 300 -q &
lg_cli=$!
wait_for 60 eval '[ "$(ip netns exec $A ss -Htan state close-wait "dport = :8098" | wc -l)" = 3 ]'
ip netns exec "$A" cat /proc/net/tcplens/cc_conns >/tmp/tl-smoke-cc
grep -F '[fd00:99::2]:8098' /tmp/tl-smoke-cc | sed 's/^/#   /'
check "cc_conns lists the 3 IPv6 lens sockets, [addr]:port, in CLOSE-WAIT" \
	test "$(awk '$1 ~ /^\[fd00:99::1\]:[0-9]+$/ && $2 == "[fd00:99::2]:8098" && $3 == "CLOSE-WAIT"' /tmp/tl-smoke-cc | wc -l)" = 3
check "... with recovery_point '-' (never in recovery) and no recovery counted" \
	test "$(awk '$2 == "[fd00:99::2]:8098" && $10 == "-" && $11 == 0' /tmp/tl-smoke-cc | wc -l)" = 3
kill "$lg_cli" "$lg_srv" 2>/dev/null
wait "$lg_cli" "$lg_srv" 2>/dev/null
rm -f /tmp/tl-smoke-cc

# rmmod must be refused while lens is in use: first as a namespace's
# default, then by one open socket.
check "rmmod tcp_lens fails (EBUSY) while lens is a namespace's default" \
	tcplens_rmmod_busy tcp_lens
run ip netns exec "$A" sysctl -qw net.ipv4.tcp_congestion_control=reno

ip netns exec "$A" python3 -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, b"lens")
s.bind(("10.99.1.1", 0)); s.listen()
print("ready", flush=True)
time.sleep(60)  # tl-smoke-hold
' >/tmp/tl-smoke-hold.out 2>&1 &
holder=$!
setup wait_for 60 grep -q ready /tmp/tl-smoke-hold.out
check "rmmod tcp_lens fails (EBUSY) while a socket uses lens" \
	tcplens_rmmod_busy tcp_lens
kill "$holder"
wait "$holder" 2>/dev/null
wait_for 10 eval '[ "$(cat /sys/module/tcp_lens/refcnt 2>/dev/null)" = 0 ]'
check "rmmod tcp_lens succeeds once the socket is gone" run rmmod tcp_lens

netns_cleanup
check "all modules unload" run tcplens_unload_all
check "nothing is left behind (/proc/net/tcplens, /sys/module)" \
	eval '! test -e /proc/net/tcplens && ! tcplens_loaded tcplens && ! tcplens_loaded tcplens_observer'
ktap_finish
