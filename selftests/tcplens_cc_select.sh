#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Selecting lens. After `make install` (into the guest's copy-on-write
# module tree), the sysctl alone autoloads tcp_lens; lens is then in
# tcp_available_congestion_control, a namespace's default and a socket's
# choice by setsockopt(TCP_CONGESTION). In a non-initial namespace the
# global tcp_allowed_congestion_control is honoured: an unprivileged
# process may pick lens while it is allowed and gets EPERM once it is not
# (a privileged one still may). Not tested: that such a namespace may not
# make a restricted lens its default - 6.1's
# tcp_set_default_congestion_control() takes a module reference before
# that EPERM check and never drops it, so tcp_lens could not be unloaded
# for the rest of the run.
# Finally rmmod is refused (EBUSY) while a flow uses lens, and the flow
# goes on unharmed. (tcplens_smoke.sh covers EBUSY for a namespace default
# and a listening socket, and tcplens_cc_sockopt every kind of socket.)
#
#   +-----------+      +-------------------------------+      +-----------+
#   | tl-sel-s  |      | tl-sel-r                      |      | tl-sel-d  |
#   | default   | veth | r1: netem 50mbit, limit 1 BDP | veth | iperf3 -s |
#   | cc: lens  |------| r0: delay 10ms                |------|           |
#   | 10.98.1.1 |      |                               |      | 10.98.2.2 |
#   +-----------+      +-------------------------------+      +-----------+
#   +-----------------------------------+
#   | tl-sel-u  default reno; processes |
#   | as root and as nobody (uid 65534) |
#   +-----------------------------------+
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcplens_cc_lib.sh"

need_root
need_cmd ip tc iperf3 ethtool python3 modprobe modinfo
ALLOWED=/proc/sys/net/ipv4/tcp_allowed_congestion_control
allowed_before=""
# at exit: the allowed list as it was, if the test stopped half-way (once
# tcp_lens is unloaded the kernel drops lens from the list itself, and a
# list naming lens could not be written), then the namespaces
restore_at_exit() {
	[ -n "$allowed_before" ] && tcplens_loaded tcp_lens &&
		[ "$(cat "$ALLOWED")" != "$allowed_before" ] &&
		echo "$allowed_before" >"$ALLOWED"
	netns_cleanup
}
trap restore_at_exit EXIT
U=tl-sel-u

ktap_header 16
if tcplens_loaded tcp_lens; then
	rmmod tcp_lens || { echo "# tcp_lens is in use"; exit "$KSFT_FAIL"; }
fi
tcplens_install_modules || { echo "# make install failed"; exit "$KSFT_FAIL"; }
echo "# modinfo -n tcp_lens: $(modinfo -n tcp_lens)"
installed() { modinfo -n tcp_lens | grep -q "/extra/tcp_lens.ko"; }
check "make install put tcp_lens.ko where modprobe finds it (extra/)" installed
check "tcp_lens is not loaded before the sysctl" test ! -d /sys/module/tcp_lens

topo3_create tl-sel-s tl-sel-r tl-sel-d || { echo "# topology"; exit "$KSFT_FAIL"; }
topo3_path 50mbit 10ms "$(topo3_bdp_pkts 50 10)" 0% || exit "$KSFT_FAIL"
netns_add "$U"
run ip netns exec "$U" sysctl -qw net.ipv4.tcp_congestion_control=reno

autoloads() {
	run ip netns exec "$TOPO3_S" sysctl -w net.ipv4.tcp_congestion_control=lens &&
		tcplens_loaded tcp_lens
}
check "sysctl net.ipv4.tcp_congestion_control=lens autoloads tcp_lens" autoloads
check "lens is in tcp_available_congestion_control" \
	grep -qw lens /proc/sys/net/ipv4/tcp_available_congestion_control

# try_cc NS USER CC: as root or nobody in NS, setsockopt(TCP_CONGESTION, CC)
# on a new socket (CC "" to leave the default); prints "ok CC-in-use" or
# the errno's name.
try_cc() {
	ip netns exec "$1" python3 - "$2" "$3" <<'EOF_PY'
import errno, os, socket, sys
user, cc = sys.argv[1], sys.argv[2]
if user != "root":
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)
s = socket.socket()
try:
    if cc:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, cc.encode())
except OSError as e:
    print(errno.errorcode[e.errno])
    sys.exit(0)
got = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, 16)
print("ok", got.rstrip(b"\0").decode())
EOF_PY
}
# cc_is WANT NS USER CC
cc_is() {
	local got
	got=$(try_cc "$2" "$3" "$4")
	echo "# $3 in $2, setsockopt '$4': $got"
	[ "$got" = "$1" ]
}

check "a new socket in the namespace gets its default, lens" \
	cc_is "ok lens" "$TOPO3_S" root ""
check "setsockopt(TCP_CONGESTION, lens) as root" cc_is "ok lens" "$U" root lens

# Non-initial namespace, tcp_allowed_congestion_control (a global setting,
# read now that lens is registered).
allowed_before=$(cat "$ALLOWED")
echo "# tcp_allowed_congestion_control: $allowed_before"
check "lens is allowed by default (TCP_CONG_NON_RESTRICTED)" \
	grep -qw lens <<<"$allowed_before"
check "unprivileged setsockopt(lens) works while lens is allowed" \
	cc_is "ok lens" "$U" nobody lens
without=$(tr ' ' '\n' <<<"$allowed_before" | grep -vx lens | tr '\n' ' ')
# set_allowed LIST: the write succeeds and the kernel then allows exactly
# LIST's algorithms (it rewrites the list in its own order).
set_allowed() {
	local got
	echo "# + echo '$1' > $ALLOWED"
	echo "$1" >"$ALLOWED" || { echo "# the write failed"; return 1; }
	got=$(tr ' ' '\n' <"$ALLOWED" | grep . | sort | tr '\n' ' ')
	[ "$got" = "$(tr ' ' '\n' <<<"$1" | grep . | sort | tr '\n' ' ')" ] ||
		{ echo "# the kernel allows '$got'"; return 1; }
}
disallow_lens() { set_allowed "$without" && ! grep -qw lens "$ALLOWED"; }
check "lens is taken off the allowed list, every other algorithm kept" disallow_lens
check "unprivileged setsockopt(lens) fails with EPERM once lens is not allowed" \
	cc_is EPERM "$U" nobody lens
check "root (CAP_NET_ADMIN) may still select lens on its socket" \
	cc_is "ok lens" "$U" root lens
restore_allowed() { set_allowed "$allowed_before" && grep -qw lens "$ALLOWED"; }
check "the allowed list is restored, lens on it" restore_allowed
check "unprivileged setsockopt(lens) works again" cc_is "ok lens" "$U" nobody lens

# EBUSY while a flow uses lens, and the flow is not disturbed by it.
run ip netns exec "$TOPO3_S" sysctl -qw net.ipv4.tcp_congestion_control=reno
topo3_iperf_server 5201 || { echo "# iperf3 server"; exit "$KSFT_FAIL"; }
# 10 s: the flow must outlast iperf3's start and the rmmod under emulation
echo "# + iperf3 -c $TOPO3_D_ADDR -t 10 -C lens &"
ip netns exec "$TOPO3_S" iperf3 -c "$TOPO3_D_ADDR" -t 10 -C lens \
	>/tmp/tl-sel-iperf.log 2>&1 &
client=$!
flow_live() { lens_conns "$TOPO3_S" remote | grep -q "^$TOPO3_D_ADDR:5201$"; }
check "rmmod tcp_lens fails with EBUSY while a flow uses lens" \
	eval 'wait_for 8 flow_live && tcplens_rmmod_busy tcp_lens'
wait "$client"
rc=$?
grep -E '(sender|receiver)$' /tmp/tl-sel-iperf.log | sed 's/^/# /'
check "the flow completes normally" test "$rc" = 0
wait_for 10 eval '[ "$(cat /sys/module/tcp_lens/refcnt 2>/dev/null)" = 0 ]'
check "rmmod tcp_lens succeeds once the flow is gone" run rmmod tcp_lens
ktap_finish
