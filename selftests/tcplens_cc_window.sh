#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the stack skips for a congestion control with cong_control, done by
# lens instead, read from TCP_INFO, the tcp_lens:lens_cwnd tracepoint and
# /proc/net/tcplens/cc:
#  - restart after idle (RFC 5681 4.1, tcp_cwnd_restart()): a connection
#    idle for more than an RTO halves cwnd per idle RTO, not below
#    min(IW, cwnd), and raises ssthresh to 3/4 of the old window; traced as
#    "idle-restart", counted as idle_restart; with
#    net.ipv4.tcp_slow_start_after_idle=0 the window is kept;
#  - application-limited validation (RFC 2861, tcp_cwnd_application_limited()):
#    a sender that uses a fraction of its window for longer than an RTO
#    sees it cut towards what it used ("app-limited", app_limited);
#  - HyStart++ sets aside the RTT samples of ACKs that come while the
#    sender is not cwnd-limited (hystart_not_limited), unless
#    hystart_cwnd_limited=0;
#  - the pacing rate from the handshake's RTT on: a fresh connection, before
#    any data, paces at tcp_pacing_ss_ratio (200%) of IW * MSS / srtt, and
#    follows the sysctl; with pacing=1 it asks for TCP's internal pacing
#    (cc_conns: pacing internal), with pacing=0 it does not (none).
# A python client in S drives each connection (bulk, drain, pause, trickle)
# against a python sink in D; flows are told apart by their source port.
#
#   +-----------+      +--------------------------------+      +-----------+
#   | tl-win-s  |      | tl-win-r                       |      | tl-win-d  |
#   | python    | veth | r1: netem 20mbit, limit 2 BDP  | veth | python    |
#   | client    |------| r0: delay 10ms                 |------| sink :5301|
#   | 10.98.1.1 |      |                                |      | 10.98.2.2 |
#   +-----------+      +--------------------------------+      +-----------+
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcplens_cc_lib.sh"

need_root
need_cmd ip tc ethtool python3 modprobe
SINK_PID=""
at_exit() {
	[ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null && wait "$SINK_PID" 2>/dev/null
	lens_trace_remove
	netns_cleanup
}
trap at_exit EXIT

ktap_header 16
lens_fresh || { echo "# cannot load tcp_lens"; exit "$KSFT_FAIL"; }
topo3_create tl-win-s tl-win-r tl-win-d || { echo "# topology"; exit "$KSFT_FAIL"; }
topo3_path 20mbit 10ms $((2 * $(topo3_bdp_pkts 20 10))) 0% || exit "$KSFT_FAIL"
lens_trace_start || { echo "# cannot enable tcp_lens:lens_cwnd"; exit "$KSFT_FAIL"; }

# The sink: accepts and discards, a thread per connection.
echo "# + python3 sink on $TOPO3_D_ADDR:5301 in $TOPO3_D"
ip netns exec "$TOPO3_D" python3 - "$TOPO3_D_ADDR" <<'EOF_PY' &
import socket, sys, threading
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((sys.argv[1], 5301))
ls.listen(16)
def drain(c):
    while c.recv(65536):
        pass
    c.close()
while True:
    c, _ = ls.accept()
    threading.Thread(target=drain, args=(c,), daemon=True).start()
EOF_PY
SINK_PID=$!
wait_for 10 eval "ip netns exec $TOPO3_D ss -Htln 'sport = :5301' | grep -q ." ||
	{ echo "# the sink did not start"; exit "$KSFT_FAIL"; }

# client PORT MODE [ARG]: one lens connection from source port PORT.
# Prints key=value pairs (TCP_INFO's cwnd, ssthresh, rto, rtt, mss, pacing
# rate at the points MODE defines):
#   fresh            connect, read: pacing_rate rtt_us mss cwnd, and
#                    cc_conns's pacing column for the connection
#   idle SECONDS     3 MB, drain, read cwnd1/ssthresh1, sleep, send 1 byte,
#                    read cwnd2/ssthresh2
#   trickle SECONDS  3 MB, drain, read cwnd1, then 2 KB every 20 ms,
#                    read cwnd2
#   sparse SECONDS   from the start, 2 KB every 20 ms, read cwnd2
client() {
	ip netns exec "$TOPO3_S" python3 - "$TOPO3_D_ADDR" "$@" <<'EOF_PY'
import socket, struct, sys, time
dst, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
arg = float(sys.argv[4]) if len(sys.argv) > 4 else 0
def info(s):
    b = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 232)
    rto, = struct.unpack_from("I", b, 8)
    mss, = struct.unpack_from("I", b, 16)
    unacked, = struct.unpack_from("I", b, 24)
    rtt, = struct.unpack_from("I", b, 68)
    ssthresh, cwnd = struct.unpack_from("II", b, 76)
    pacing, = struct.unpack_from("Q", b, 104)
    notsent, = struct.unpack_from("I", b, 144)
    return dict(rto=rto, mss=mss, unacked=unacked, rtt=rtt,
                ssthresh=ssthresh, cwnd=cwnd, pacing=pacing, notsent=notsent)
def drain(s):
    deadline = time.time() + 20
    while time.time() < deadline:
        i = info(s)
        if not i["unacked"] and not i["notsent"]:
            return
        time.sleep(0.005)
    sys.exit("the bulk transfer did not drain")
s = socket.socket()
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, b"lens")
s.bind(("", port))
s.connect((dst, 5301))
i = info(s)
if mode == "fresh":
    rows = [l.split() for l in open("/proc/net/tcplens/cc_conns")]
    col = rows[0].index("pacing")
    mine = [r[col] for r in rows[1:] if r[0].endswith(":%d" % port)]
    print("pacing_rate=%d rtt_us=%d mss=%d cwnd=%d paced_by=%s" %
          (i["pacing"], i["rtt"], i["mss"], i["cwnd"],
           mine[0] if mine else "missing"))
    sys.exit(0)
if mode != "sparse":
    s.sendall(b"x" * (3 << 20))
    drain(s)
a = info(s)
if mode == "idle":
    time.sleep(arg)
    s.send(b"y")
else:
    end = time.time() + arg
    while time.time() < end:
        s.send(b"z" * 2048)
        time.sleep(0.02)
b = info(s)
print("cwnd1=%d ssthresh1=%d cwnd2=%d ssthresh2=%d rto_us=%d" %
      (a["cwnd"], a["ssthresh"], b["cwnd"], b["ssthresh"], a["rto"]))
EOF_PY
}
# field KEY LINE: KEY's value in a client's key=value output.
field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }
# events PORT [REASON]: the trace events of one flow.
events() { lens_trace_events "${2:-}" | awk -v p="$1" '$7 == p'; }

declare -A before
mark() { local k; for k in "$@"; do before[$k]=$(lens_cc "$TOPO3_S" "$k"); done; }
delta() { echo $(($(lens_cc "$TOPO3_S" "$1") - ${before[$1]})); }

# ---- restart after idle
mark idle_restart
out=$(client 40021 idle 1.0) || { echo "# $out"; exit "$KSFT_FAIL"; }
echo "# idle 1.0 s: $out"
c1=$(field cwnd1 "$out") c2=$(field cwnd2 "$out")
s1=$(field ssthresh1 "$out") s2=$(field ssthresh2 "$out")
rw=$((c1 < 10 ? c1 : 10))
check "the bulk transfer grew cwnd past the initial window ($c1 > 10)" test "$c1" -gt 10
check "after 1 s idle, cwnd is at least halved: $c1 -> $c2" \
	test "$c2" -le $((c1 / 2 > rw ? c1 / 2 : rw))
check "... but not below min(IW, cwnd) = $rw" test "$c2" -ge "$rw"
want_ss=$(((c1 >> 1) + (c1 >> 2)))
want_ss=$((want_ss > s1 ? want_ss : s1))
check "... and ssthresh = max(ssthresh, 3/4 cwnd): $s1 -> $s2 (want $want_ss)" \
	test "$s2" = "$want_ss"
ev=$(events 40021 idle-restart)
echo "# idle-restart events: ${ev:-none}; idle_restart +$(delta idle_restart)"
check "... traced as idle-restart from $c1 to $c2, counted as idle_restart" \
	eval '[ "$(grep -c . <<<"$ev")" = 1 ] && [ "$(awk "{ print \$3, \$4 }" <<<"$ev")" = "$c1 $c2" ] &&
		[ "$(delta idle_restart)" = 1 ]'

run ip netns exec "$TOPO3_S" sysctl -qw net.ipv4.tcp_slow_start_after_idle=0
mark idle_restart
out=$(client 40022 idle 1.0) || { echo "# $out"; exit "$KSFT_FAIL"; }
echo "# idle 1.0 s, tcp_slow_start_after_idle=0: $out"
check "tcp_slow_start_after_idle=0: the window is kept" \
	eval '[ "$(field cwnd1 "$out")" = "$(field cwnd2 "$out")" ] &&
		[ -z "$(events 40022 idle-restart)" ] && [ "$(delta idle_restart)" = 0 ]'
run ip netns exec "$TOPO3_S" sysctl -qw net.ipv4.tcp_slow_start_after_idle=1

# ---- application-limited
mark app_limited idle_restart
out=$(client 40023 trickle 1.5) || { echo "# $out"; exit "$KSFT_FAIL"; }
echo "# 2 KB every 20 ms for 1.5 s: $out"
c1=$(field cwnd1 "$out") c2=$(field cwnd2 "$out")
ev=$(events 40023 app-limited)
echo "# app-limited events: $(grep -c . <<<"$ev"); app_limited +$(delta app_limited)"
check "a trickle for 1.5 s: cwnd cut towards what was used ($c1 -> $c2)" \
	eval '[ "$c1" -gt 10 ] && [ "$c2" -lt "$c1" ] && [ "$c2" -ge 10 ]'
check "... traced as app-limited, each (cwnd + max(used, IW)) / 2, counted" \
	eval '[ -n "$ev" ] && [ "$(delta app_limited)" -ge 1 ] &&
		awk "\$4 < (\$3 + 10) / 2 - 1 || \$4 >= \$3 { bad = 1 } END { exit bad }" <<<"$ev"'
check "... and no idle restart (the pauses are shorter than an RTO)" \
	test "$(delta idle_restart)" = 0

# ---- HyStart++ samples only while cwnd-limited
# 2 KB every 20 ms from the first byte: slow start with HyStart++ watching,
# never more than a few segments of its IW in flight.
mark hystart_not_limited
out=$(client 40027 sparse 1.0) || { echo "# $out"; exit "$KSFT_FAIL"; }
echo "# 2 KB every 20 ms from the start: $out; hystart_not_limited +$(delta hystart_not_limited)"
check "a sender that never fills its window: HyStart++ sets its RTT samples aside" \
	eval '[ "$(delta hystart_not_limited)" -ge 5 ]'
lens_param hystart_cwnd_limited 0
mark hystart_not_limited
out=$(client 40028 sparse 1.0) || { echo "# $out"; exit "$KSFT_FAIL"; }
lens_param hystart_cwnd_limited 1
echo "# the same with hystart_cwnd_limited=0: $out; hystart_not_limited +$(delta hystart_not_limited)"
check "... and with hystart_cwnd_limited=0 it counts them" \
	test "$(delta hystart_not_limited)" = 0

# ---- pacing from the first RTT sample
# pacing_ok LINE PCT: the rate is PCT% of cwnd * mss / rtt, within 5%
pacing_ok() {
	local rate rtt mss cwnd
	rate=$(field pacing_rate "$1") rtt=$(field rtt_us "$1")
	mss=$(field mss "$1") cwnd=$(field cwnd "$1")
	[ "$rtt" -gt 0 ] || return 1
	awk -v r="$rate" -v t="$rtt" -v m="$mss" -v c="$cwnd" -v p="$2" '
		BEGIN { want = p / 100 * c * m * 1e6 / t
			printf "#   rate %d B/s, want %.0f\n", r, want
			exit !(r > 0.95 * want && r < 1.05 * want) }'
}
lens_param pacing 0
out=$(client 40024 fresh) || { echo "# $out"; exit "$KSFT_FAIL"; }
echo "# a fresh connection: $out"
check "a fresh connection paces before its first ACK: 200% of IW * MSS / srtt" \
	pacing_ok "$out" 200
check "... and, with pacing=0, asks for no pacing of its own (cc_conns: none)" \
	test "$(field paced_by "$out")" = none
run ip netns exec "$TOPO3_S" sysctl -qw net.ipv4.tcp_pacing_ss_ratio=300
out=$(client 40025 fresh) || { echo "# $out"; exit "$KSFT_FAIL"; }
echo "# tcp_pacing_ss_ratio=300: $out"
check "... and follows net.ipv4.tcp_pacing_ss_ratio (300%)" pacing_ok "$out" 300
run ip netns exec "$TOPO3_S" sysctl -qw net.ipv4.tcp_pacing_ss_ratio=200
lens_param pacing 1
out=$(client 40026 fresh) || { echo "# $out"; exit "$KSFT_FAIL"; }
echo "# pacing=1: $out"
check "pacing=1: a new connection asks for TCP's internal pacing (cc_conns: internal)" \
	test "$(field paced_by "$out")" = internal
# counted_out: all eight connections (40021-40028) closed, each counted in and out once
counted_out() {
	[ "$(lens_cc "$TOPO3_S" conn_init)" = 8 ] &&
		[ "$(lens_cc "$TOPO3_S" conn_release)" = 8 ]
}
check "the eight connections were counted in (conn_init) and out (conn_release)" \
	wait_for 10 counted_out
echo "# conn_init $(lens_cc "$TOPO3_S" conn_init), conn_release $(lens_cc "$TOPO3_S" conn_release)"
lens_trace_remove
netns_cleanup
ktap_finish
