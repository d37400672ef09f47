#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest half of `make demo` (scripts/demo-guest, which scripts/demo
# boots a VM to run), run as the demo runs it, and what it promises read
# back from its output:
#  - it exits 0;
#  - lens carried the shaped iperf3 flow: iperf3 moved data, the flow was
#    in cc_conns while it ran, and /proc/net/tcplens/cc counted the
#    connection and lens's decisions on it;
#  - the lens_cwnd trace had events and `tcplens plot` wrote the cwnd plot,
#    a well-formed SVG document with points in it;
#  - the observer in the server's namespace saw the CLOSE_WAIT pile and
#    the TIME_WAIT connections (its states file), as ss did;
#  - `tcplens status` and `tcplens export` worked there.
# The modules are unloaded and the trace buffer emptied at exit.
. "$(dirname "$0")/lib.sh"

need_root
need_cmd ip iperf3 tc ss python3 modprobe
[ -x "$LOADGEN" ] || skip_all "tcplens_loadgen is not built"
tr=/sys/kernel/tracing
[ -d "$tr/events" ] || skip_all "no tracefs at $tr"

out=$(mktemp -d /tmp/tl-demo.XXXXXX)
cleanup() {
	for n in client router server; do ip netns del "$n" 2>/dev/null; done
	echo 0 >"$tr/events/tcp_lens/lens_cwnd/enable" 2>/dev/null
	echo >"$tr/trace"
	wait_for 30 tcplens_unload_all
	rm -rf "$out"
}
trap cleanup EXIT

ktap_header 7
setup tcplens_unload_all
# the demo's own namespaces: none may be left from anything before
for n in client router server; do
	setup test ! -e "/run/netns/$n"
done

echo "# + $TCPLENS_TOP/scripts/demo-guest $TCPLENS_MODSRC $TCPLENS_KDIR $TCPLENS_BIN $out"
"$TCPLENS_TOP/scripts/demo-guest" "$TCPLENS_MODSRC" "$TCPLENS_KDIR" "$TCPLENS_BIN" "$out" \
	>"$out/demo.raw" 2>&1
rc=$?
# without the bold headings' escapes
sed 's/\x1b\[[0-9;]*m//g' "$out/demo.raw" >"$out/demo.log"
sed 's/^/#   /' "$out/demo.log"
log=$out/demo.log

check "demo-guest exits 0 (exit $rc) and prints something" test "$rc" = 0 -a -s "$log"

# section START: the lines after the first line starting with START, up
# to the next heading ("==>") or file ("--- ").
section() {
	awk -v s="$1" 'on && (/^==> / || /^--- /) { exit }
		on { print }
		index($0, s) == 1 { on = 1 }' "$log"
}
# value SECTION_START KEY: KEY's number in a "key value" section.
value() { section "$1" | awk -v k="$2" '$1 == k { print $2; exit }'; }

carried() {
	local sender init decided
	sender=$(grep -E ' sender$' "$log" | tail -n 1)
	echo "# iperf3: ${sender:-no sender line}"
	# e.g. "[  5]   0.00-10.00  sec  21.9 MBytes  18.4 Mbits/sec  93  sender"
	awk '{ for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") exit !($i > 0); exit 1 }' \
		<<<"$sender" || return 1
	section "--- /proc/net/tcplens/cc_conns (netns client)" | grep -q " 10.7.2.1:5201 " ||
		{ echo "# the flow is not in cc_conns"; return 1; }
	init=$(value "--- /proc/net/tcplens/cc (netns client)" conn_init)
	decided=$(section "--- /proc/net/tcplens/cc (netns client)" |
		awk '$1 !~ /^(param_|conn_)/ && $2 ~ /^[0-9]+$/ { n += $2 } END { print n + 0 }')
	echo "# cc: conn_init ${init:-none}, decision counters sum $decided"
	[ -n "$init" ] && [ "$init" -ge 1 ] && [ "$decided" -gt 0 ]
}
check "lens carried the flow: iperf3 moved data, cc_conns listed it, cc counted it and lens's decisions" carried

plotted() {
	local events points
	events=$(section "==> the trace, by reason" | awk '$2 ~ /^reason=/ { n += $1 } END { print n + 0 }')
	points=$(sed -n 's|^.*/cwnd.svg: \([0-9]*\) points$|\1|p' "$log")
	echo "# lens_cwnd events: $events; plot: ${points:-no} points"
	[ "$events" -gt 0 ] && [ -n "$points" ] && [ "$points" -gt 0 ] || return 1
	python3 - "$out/cwnd.svg" <<-'EOF'
	import sys, xml.etree.ElementTree as ET
	root = ET.parse(sys.argv[1]).getroot()
	shapes = [e for e in root.iter() if e.tag.split('}')[-1] in ('polyline', 'path')]
	print("# %s: <%s>, %d polyline/path" % (sys.argv[1], root.tag, len(shapes)))
	sys.exit(0 if root.tag.split('}')[-1] == 'svg' and shapes else 1)
	EOF
}
check "the lens_cwnd trace had events, and tcplens plot wrote cwnd.svg, well-formed SVG" plotted

# observed STATE: the observer's count of STATE in the server's namespace.
observed() { value "--- /proc/net/tcplens/states (netns server)" "$1"; }
seen() {
	local cw tw
	cw=$(observed CLOSE_WAIT) tw=$(observed TIME_WAIT)
	echo "# observer (server): CLOSE_WAIT ${cw:-none}, TIME_WAIT ${tw:-none}"
	[ -n "$cw" ] && [ "$cw" -gt 0 ] && [ -n "$tw" ] && [ "$tw" -gt 0 ]
}
check "the observer saw the CLOSE_WAIT pile and TIME_WAIT in the server's namespace" seen

ss_seen() {
	section "--- ss in the server namespace:" | grep -q " CLOSE-WAIT$" &&
		section "--- ss in the server namespace:" | grep -q " TIME-WAIT$"
}
check "... as ss did" ss_seen

status_ok() {
	local obs
	obs=$(grep -E '^observer: [0-9]+ of [0-9]+ entries tracked, [0-9]+ packets seen$' "$log")
	echo "# ${obs:-no observer line from tcplens status}"
	[ -n "$obs" ] && ! grep -q '^observer: 0 of' <<<"$obs" &&
		grep -qE '^lens: [0-9]+ connections now; conn_init [0-9]+' "$log" &&
		grep -qE '^ *tcplens_observer_connections' "$log"
}
check "tcplens status and export worked in the server's namespace" status_ok

ktap_finish
