#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A retransmission timeout: a lens flow runs, then the router blackholes
# the path (netem loss 100%). The RTO must show in /proc/net/tcplens/cc and
# in cc_conns (phase "loss", cwnd at the loss window of 1 segment, RFC 5681
# 3.1), and the tracepoint must report it (reason "rto", cwnd -> 1). Once
# the path is restored the flow leaves the loss phase and slow-starts again.
#
#   +-----------+      +-------------------------------+      +-----------+
#   | tl-rto-s  |      | tl-rto-r                      |      | tl-rto-d  |
#   | iperf3    | veth | r1: netem 50mbit, limit 1 BDP,| veth | iperf3 -s |
#   | -C lens   |------|     then loss 100%            |------|           |
#   | 10.98.1.1 |      | r0: delay 40ms                |      | 10.98.2.2 |
#   +-----------+      +-------------------------------+      +-----------+
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcplens_cc_lib.sh"

need_root
need_cmd ip tc iperf3 ethtool modprobe
trap 'kill "$client" 2>/dev/null; lens_trace_remove; netns_cleanup' EXIT

ktap_header 7
lens_fresh || { echo "# cannot load tcp_lens"; exit "$KSFT_FAIL"; }
topo3_create tl-rto-s tl-rto-r tl-rto-d || { echo "# topology"; exit "$KSFT_FAIL"; }
bdp=$(topo3_bdp_pkts 50 40)
topo3_path 50mbit 40ms "$bdp" 0% || exit "$KSFT_FAIL"
topo3_iperf_server 5201 || { echo "# iperf3 server"; exit "$KSFT_FAIL"; }
lens_trace_start || { echo "# cannot enable tcp_lens:lens_cwnd"; exit "$KSFT_FAIL"; }

# flow: "phase cwnd rtos" of the lens flow towards the server.
flow() {
	lens_conns "$TOPO3_S" remote state phase cwnd rtos |
		awk -v r="$TOPO3_D_ADDR:5201" '$1 == r && $2 == "ESTAB" { print $3, $4, $5; exit }'
}
flow_is() { [ "$(flow | cut -d' ' -f1)" = "$1" ]; }
flow_open() { flow | grep -qE '^(ss|css|ca) '; }
flow_out_of_loss() { flow | grep -qE '^(ss|css|ca|recovery) '; }
rto_to_one() { lens_trace_events rto | awk '$4 == 1' | grep -q .; }

rto0=$(lens_cc "$TOPO3_S" rto)
# 30 s, ended by the test: the flow has to outlive the blackhole and the
# backed-off retransmission after it, however slow the emulator
echo "# + iperf3 -c $TOPO3_D_ADDR -t 30 -C lens &"
ip netns exec "$TOPO3_S" iperf3 -c "$TOPO3_D_ADDR" -t 30 -C lens \
	>/tmp/tl-rto-iperf.log 2>&1 &
client=$!
wait_for 5 flow_open
sleep 1
echo "# before: $(flow)"

run tc -n "$TOPO3_R" qdisc change dev r1 root netem rate 50mbit limit "$bdp" loss 100%
wait_for 5 flow_is loss
# read everything, then give the path back at once: every second of
# blackhole doubles the RTO backoff the flow waits through afterwards
read -r phase cwnd rtos <<<"$(flow)"
rto1=$(lens_cc "$TOPO3_S" rto)
rto_ev=$(lens_trace_events rto)
rto_one=0
rto_to_one && rto_one=1
lens_show_conns "$TOPO3_S" >/tmp/tl-rto-conns.txt
: >"$LENS_TRACE/trace"
run tc -n "$TOPO3_R" qdisc change dev r1 root netem rate 50mbit limit "$bdp" loss 0%

echo "# blackholed: $phase $cwnd $rtos"
cat /tmp/tl-rto-conns.txt
check "cc_conns: the flow is in phase loss" test "$phase" = loss
check "cc_conns: cwnd is the loss window, 1" test "$cwnd" = 1
check "cc_conns: the flow counted an RTO" test "${rtos:-0}" -ge 1
check "/proc/net/tcplens/cc counted the RTO" test "$rto1" -gt "$rto0"
echo "$rto_ev" | head -n 3 | sed 's/^/#   rto event: /'
check "the tracepoint reported the RTO with cwnd -> 1" test "$rto_one" = 1

wait_for 30 flow_out_of_loss
echo "# restored: $(flow)"
check "the flow leaves the loss phase once the path is back" flow_out_of_loss
ss_ev=$(lens_trace_events ss | wc -l)
check "and slow-starts again (ss events after the RTO)" test "$ss_ev" -ge 1
kill "$client" 2>/dev/null
wait "$client" 2>/dev/null
ktap_finish
