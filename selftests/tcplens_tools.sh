#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/tcplens, the command-line tool, against the live modules: a lens
# flow (traced) and a CLOSE_WAIT pile in the server's namespace, then
#  - status, conns and anomalies agree with the procfs files and with ss;
#  - export is valid Prometheus text (HELP and TYPE once per family, well
#    formed samples), and its values are the procfs values; -o writes the
#    file in one piece;
#  - plot draws every traced cwnd change of the flow into well-formed SVG;
#  - bad arguments are usage errors (2), an unloaded module a clear error (1).
#
#   +----------------------+            +----------------------+
#   | netns tl-tool-a      |   veth     | netns tl-tool-b      |
#   |  iperf3 -C lens      |            |  iperf3 -s           |
#   |  loadgen client, FIN |            |  loadgen never-close |
#   |  10.77.0.1        veth0 ------ veth0  10.77.0.2         |
#   +----------------------+            +----------------------+
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcplens_obs_lib.sh"
. "$(dirname "$0")/tcplens_cc_lib.sh"

need_root
need_cmd ip ss iperf3 python3 modprobe
[ -x "$LOADGEN" ] || skip_all "tcplens_loadgen is not built"
trap 'lens_trace_remove; netns_cleanup' EXIT

TOOL=$TCPLENS_TOP/scripts/tcplens
A=tl-tool-a B=tl-tool-b
OUT=$(mktemp -d /tmp/tl-tool.XXXXXX)
ktap_header 15
obs_load
lens_fresh >/dev/null || { echo "# modprobe tcp_lens failed"; exit $KSFT_FAIL; }
obs_pair "$A" "$B"
run obs_sysctl "$B" close_wait_ms 1000

tool() {
	local ns=$1
	shift
	ip netns exec "$ns" "$TOOL" "$@"
}

# a traced lens flow, then five connections left in CLOSE_WAIT on :8080
lens_trace_start || { echo "# tracing is not available"; exit $KSFT_FAIL; }
run ip netns exec "$B" iperf3 -s -D -1 -p 5201 --logfile /dev/null
wait_for 5 eval "ip netns exec $B ss -Htln 'sport = :5201' | grep -q 5201"
run ip netns exec "$A" iperf3 -c 10.77.0.2 -p 5201 -t 2 -C lens >/dev/null
lens_trace_stop
cat "$LENS_TRACE/trace" >"$OUT/trace"
obs_serve "$B" 10.77.0.2 8080 -m never-close -d 30
loadgen_bg "$A" client -t 10.77.0.2:8080 -n 5 -N 5 -c fin -d 3
wait_for 5 eval '[ "$(ip netns exec $B ss -Htan state close-wait | wc -l)" = 5 ]'
wait_for 5 anomaly_raised "$B" close_wait 8080

check "status runs and shows the close_wait anomaly" \
	eval 'tool $B status >"$OUT/status"; rc=$?; sed "s/^/#   /" "$OUT/status"
		[ "$rc" = 0 ] && grep -q "^close_wait .* 8080 " "$OUT/status"'
check "conns --state CLOSE_WAIT --count == ss" \
	test "$(tool "$B" conns -s close_wait -c)" = \
	"$(ip netns exec "$B" ss -Htan state close-wait | wc -l)"
check "--netns B conns -s close_wait -c, run from the init namespace == ss in B" \
	test "$("$TOOL" --netns "$B" conns -s close_wait -c)" = \
	"$(ip netns exec "$B" ss -Htan state close-wait | wc -l)"
check "conns --port 8080 lists each of the server's connections once" \
	test "$(tool "$B" conns -p 8080 | tail -n +2 | awk '{ print $2, $3 }' | sort -u | wc -l)" = 5
check "anomalies shows the totals of every kind" \
	test "$(tool "$B" anomalies | awk 'p && NF == 4 { n++ } /^KIND +RAISED/ { p = 1 } END { print n }')" = \
	"$(obs_cat "$B" anomalies | awk '$1 == "total" && $2 != "kind"' | wc -l)"

# prom_valid FILE: the exposition format's rules that a scraper enforces
prom_valid() {
	python3 - "$1" <<'EOF'
import re, sys
name_re = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
sample = re.compile(rf'^({name_re})(\{{({name_re}="(\\.|[^"\\])*"(,{name_re}="(\\.|[^"\\])*")*)?\}})? -?[0-9.e+]+$')
helped, typed, cur, bad = set(), set(), None, 0
for n, ln in enumerate(open(sys.argv[1]), 1):
    ln = ln.rstrip("\n")
    m = re.match(rf"^# (HELP|TYPE) ({name_re}) (.+)$", ln)
    if m:
        seen = helped if m[1] == "HELP" else typed
        if m[2] in seen:
            print(f"# line {n}: second {m[1]} for {m[2]}"); bad += 1
        seen.add(m[2]); cur = m[2]
        continue
    m = sample.match(ln)
    if not m or m[1] != cur or cur not in typed:
        print(f"# line {n}: bad sample: {ln}"); bad += 1
sys.exit(1 if bad or not typed else 0)
EOF
}

# metric FILE NAME [LABELS]: a sample's value
metric() {
	local k=$2
	[ -n "${3:-}" ] && k="$2{$3}"
	K=$k awk '$1 == ENVIRON["K"] { print $2 }' "$1"
}

tool "$B" export >"$OUT/b.prom"
tool "$A" export >"$OUT/a.prom"
check "export is valid Prometheus text (server namespace)" prom_valid "$OUT/b.prom"
check "export is valid Prometheus text (client namespace)" prom_valid "$OUT/a.prom"
# states_match: export's connections per state are the states file's, in a
# moment when the states file did not change around the export
states_match() {
	local before after
	for _ in 1 2 3 4 5; do
		before=$(obs_cat "$B" states | tail -n +2)
		tool "$B" export >"$OUT/s.prom"
		after=$(obs_cat "$B" states | tail -n +2)
		[ "$before" = "$after" ] && break
	done
	[ "$(awk -F'[{}"= ]+' '/^tcplens_observer_connections\{/ { print $3, $4 }' "$OUT/s.prom")" = "$after" ] ||
		{ echo "# states:"; echo "$after" | sed 's/^/#   /'; grep connections "$OUT/s.prom" | sed 's/^/#   /'; return 1; }
}
check "export: connections per state == the states file" states_match
check "export: close_wait anomaly with its 5 connections" \
	test "$(metric "$OUT/b.prom" tcplens_observer_anomaly_size \
		'kind="close_wait",family="ipv4",local="8080",remote="*"')" = 5
check "export: object size == stats" \
	test "$(metric "$OUT/b.prom" tcplens_observer_object_size_bytes)" = "$(obs_stat "$B" object_size)"
check "export: lens conn_init == /proc/net/tcplens/cc" \
	test "$(metric "$OUT/a.prom" tcplens_lens_conn_init_total)" = "$(lens_cc "$A" conn_init)"
check "export -o FILE writes the file whole, leaving no temporary" \
	eval 'tool $B export -o "$OUT/x.prom" && prom_valid "$OUT/x.prom" &&
		[ -z "$(find "$OUT" -name ".tcplens.*")" ]'

# plot: the iperf3 sender's port is the busiest in the trace
busiest=$(awk '/ lens_cwnd: / { for (i = 1; i <= NF; i++) if ($i ~ /^(sport|dport)=/) k = k " " $i; n[k]++; k = "" }
	END { for (k in n) if (n[k] > m) { m = n[k] } print m + 0 }' "$OUT/trace")
echo "# the trace holds $(grep -c ' lens_cwnd: ' "$OUT/trace") events, $busiest for the busiest flow"
check "plot draws every cwnd change of the busiest flow" \
	eval '[ "$busiest" -gt 0 ] &&
		[ "$("$TOOL" plot "$OUT/trace" -o "$OUT/cwnd.svg")" = "$OUT/cwnd.svg: $busiest points" ]'
check "... into well-formed SVG" \
	python3 -c 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); sys.exit(not r.tag.endswith("svg"))' "$OUT/cwnd.svg"

# (usage errors: selftests/cli, on the host)

loadgen_stop "$SRV_PID"
loadgen_stop_all
lens_trace_remove
netns_cleanup
tcplens_unload_all
check "without the modules: a clear error (exit 1)" \
	eval '"$TOOL" conns >/dev/null 2>"$OUT/err"; [ $? = 1 ] && grep -q "modprobe tcplens_observer" "$OUT/err"'
rm -rf "$OUT"
ktap_finish
