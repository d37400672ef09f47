#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh: the tcplens command on the host, against recorded procfs files
# (tcplens --proc DIR), so that most of the CLI needs no VM:
#
#   busy/      all seven files, both modules loaded: connections in five
#              states, two active anomalies, three lens connections
#   cc-only/   tcp_lens alone (cc, cc_conns without a connection)
#   no-stats/  the observer's files with stats missing
#   trace      tcp_lens:lens_cwnd lines of two flows, and one garbled
#
# Every number checked is counted from the recorded files here, not
# written down twice. selftests/tcplens_tools.sh runs the same commands
# against the live modules in a VM. Prints TAP; exits 1 if a point failed.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
TOOL=$TCPLENS_TOP/scripts/tcplens
BUSY=$here/busy
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# t ARGS...: run tcplens ARGS, output in $tmp/out, stderr in $tmp/err,
# exit status in RC.
t() {
	"$TOOL" "$@" >"$tmp/out" 2>"$tmp/err"
	RC=$?
}
out() { cat "$tmp/out"; }
# rows FILE AWK-CONDITION: how many data lines of a recorded file match.
rows() { awk "NR > 1 && ($2)" "$BUSY/$1" | wc -l; }
# says WHAT REGEX: the last command's stdout matches REGEX (shown if not).
says() {
	grep -qE -- "$2" "$tmp/out" && return 0
	echo "# $1: no line matches '$2' in:"
	sed 's/^/#   /' "$tmp/out" "$tmp/err"
	return 1
}
exits() {
	[ "$RC" = "$1" ] && return 0
	echo "# exit $RC, not $1; stderr:"
	sed 's/^/#   /' "$tmp/err"
	return 1
}
# json PY-EXPR: the last command printed one JSON document, and PY-EXPR
# (with it as d) is true.
json_is() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)' "$tmp/out" "$1" && return 0
	echo "# not true of the JSON: $1"
	sed 's/^/#   /' "$tmp/out" "$tmp/err" | head -n 20
	return 1
}
count_is() {
	[ "$(out)" = "$1" ] && return 0
	echo "# counted '$(out)', the recorded file has $1"
	return 1
}

ktap_header 46

# ---- status, anomalies, cc
t --proc "$BUSY" status
check "status: exit 0" exits 0
check "status: entries, max_tracked and packets from stats" \
	says status '^observer: 8 of 108630 entries tracked, 1411 packets seen$'
check "status: the busy states, and only those" \
	says status '^  SYN_SENT 1, ESTABLISHED 3, TIME_WAIT 2, CLOSE_WAIT 2$'
check "status: both active anomalies" \
	eval 'says status "^close_wait +ipv4 +8080 +\\* +2 " &&
		says status "^connect_timeout +ipv4 +\\* +10\\.77\\.0\\.2:9999 +1 "'
check "status: ages as durations (45012 ms is 0m45s, 100 ms stays so)" \
	eval 'says status " 0m45s +0m43s ago$" && says status " 3100 ms +100 ms ago$"'
check "status: the lens summary (3 connections, counters from cc)" \
	says status '^lens: 3 connections now; conn_init 21, ss_exit_hystart_delay 2, ss_exit_css 1, recovery_prr 5, recovery_newreno 0, rto 1, ecn 2$'
t --proc "$tmp/none" status
check "status with nothing loaded: exit 1, saying what to load" \
	eval 'exits 1 && grep -q "load tcp_lens or tcplens_observer" "$tmp/err"'
t --proc "$here/no-stats" status
check "a missing file: exit 1, naming the file and its module" \
	eval 'exits 1 && grep -q "no-stats/stats not found: is the module that provides it loaded (modprobe tcplens_observer)" "$tmp/err"'

t --proc "$BUSY" anomalies
check "anomalies: the two active ones and a line per kind" \
	eval 'exits 0 && [ "$(grep -cE "^(close_wait|connect_timeout) +ipv4" "$tmp/out")" = 2 ] &&
		[ "$(grep -cE "^[a-z_0-9]+ +[0-9]+ +[0-9]+ +[0-9]+$" "$tmp/out")" = $(grep -cE "^total [a-z_0-9]+ [0-9]" "$BUSY/anomalies") ]'
check "anomalies: the totals as recorded (close_wait 3 2 1)" says anomalies '^close_wait +3 +2 +1$'

t --proc "$BUSY" cc
check "cc: every counter and every connection, as recorded" \
	eval 'exits 0 && diff <(cat "$BUSY/cc"; echo; cat "$BUSY/cc_conns") "$tmp/out" | sed "s/^/# /"; [ "${PIPESTATUS[0]}" = 0 ]'
t --proc "$here/cc-only" cc
check "cc without a lens connection says so" \
	eval 'exits 0 && says cc "^no connection uses lens$"'

t --proc "$BUSY" anomalies
check "anomalies: each active kind explained in one line, with what to do" \
	eval 'says anomalies "^close_wait: the peer closed, the local application never did\. What to do: .*ss -tpn state close-wait" &&
		says anomalies "^connect_timeout: our SYNs to this remote go unanswered\. What to do: "'

# ---- --json: one document each, numbers as numbers, counted from the files
t --proc "$BUSY" status --json
check "status --json: states, stats and anomalies as recorded" \
	eval 'exits 0 && json_is "d[\"observer\"][\"entries\"] == 8 and d[\"observer\"][\"packets\"] == 1411 and
		sum(d[\"observer\"][\"states\"].values()) == $(awk "NR > 1 {n += \$2} END {print n}" "$BUSY/states") and
		len(d[\"observer\"][\"anomalies\"]) == 2 and d[\"lens\"][\"connections\"] == $(rows cc_conns 1)"'
t --proc "$BUSY" anomalies --json
check "anomalies --json: active with meaning and action, totals as recorded" \
	eval 'exits 0 && json_is "[a[\"kind\"] for a in d[\"active\"]] == [\"close_wait\", \"connect_timeout\"] and
		d[\"active\"][0][\"local\"] == 8080 and d[\"active\"][0][\"remote\"] is None and
		all(a[\"meaning\"] and a[\"action\"] for a in d[\"active\"]) and
		d[\"totals\"][\"close_wait\"] == {\"raised\": 3, \"cleared\": 2, \"active\": 1} and
		len(d[\"totals\"]) == $(grep -cE "^total [a-z_0-9]+ [0-9]" "$BUSY/anomalies")"'
t --proc "$BUSY" conns --json -s established
check "conns --json: the filtered entries, every column, numbers as numbers" \
	eval 'exits 0 && json_is "len(d[\"conns\"]) == $(rows conns '"'"'$4 == "ESTABLISHED"'"'"') and
		len(d[\"conns\"][0]) == $(head -n 1 "$BUSY/conns" | wc -w) and
		[c[\"retrans\"] for c in d[\"conns\"] if c[\"local\"] == \"10.77.0.1:40001\"] == [12]"'
t --proc "$BUSY" conns --json -c
check "conns --json -c: the count alone" json_is "d == {\"count\": $(rows conns 1)}"
t --proc "$BUSY" ports --json
check "ports --json: each port, its states and 16-bucket age histograms" \
	eval 'exits 0 && json_is "len(d[\"ports\"]) == $(rows ports 1) and d[\"ports\"][0][\"port\"] == 8080 and
		d[\"ports\"][0][\"states\"][\"CLOSE_WAIT\"] == 2 and len(d[\"ports\"][0][\"close_wait_age\"]) == 16 and
		sum(d[\"ports\"][0][\"close_wait_age\"]) == 2"'
t --proc "$BUSY" ports
check "ports: a line per port with its busy states" \
	eval 'exits 0 && says ports "^8080 +CLOSE_WAIT 2$" && [ $(($(out | wc -l) - 1)) = $(rows ports 1) ]'
t --proc "$BUSY" cc --json
check "cc --json: every counter and every connection" \
	eval 'exits 0 && json_is "len(d[\"counters\"]) == $(grep -c . "$BUSY/cc") and len(d[\"conns\"]) == $(rows cc_conns 1) and
		d[\"conns\"][0][\"recovery_point\"] is None and d[\"conns\"][0][\"cwnd\"] == 88"'

# ---- conns and its filters
t --proc "$BUSY" conns
check "conns: a header and every recorded entry" \
	eval 'exits 0 && [ $(($(out | wc -l) - 1)) = $(rows conns 1) ] && says conns "^FAMILY +LOCAL +REMOTE +STATE "'
check "conns: the columns of an entry (retrans 12 of 10.77.0.1:40001)" \
	says conns '^ipv4 +10\.77\.0\.1:40001 +10\.98\.2\.2:5201 +ESTABLISHED +9\.1s +3ms +12 +0$'
t --proc "$BUSY" conns -c
check "conns -c counts every entry" count_is "$(rows conns 1)"
t --proc "$BUSY" conns -s close_wait -c
check "conns -s close_wait (any case)" count_is "$(rows conns '$4 == "CLOSE_WAIT"')"
t --proc "$BUSY" conns -s ESTABLISHED -s TIME_WAIT -c
check "conns -s twice: either state" count_is "$(rows conns '$4 == "ESTABLISHED" || $4 == "TIME_WAIT"')"
t --proc "$BUSY" conns -f 6 -c
check "conns -f 6: IPv6 only" count_is "$(rows conns '$1 == "ipv6"')"
t --proc "$BUSY" conns -f 4 -p 8080 -c
check "conns -f 4 -p 8080: local or remote port" count_is "$(rows conns '$1 == "ipv4" && ($2 ~ /:8080$/ || $3 ~ /:8080$/)')"
t --proc "$BUSY" conns --min-age 30000 -c
check "conns --min-age 30000: at least 30 s in the state" count_is "$(rows conns '$5 >= 30000')"
t --proc "$BUSY" conns --older-than 30s -c
check "conns --older-than 30s: the same as --min-age 30000" count_is "$(rows conns '$5 >= 30000')"
t --proc "$BUSY" conns --older-than 1m1s -c
check "conns --older-than 1m1s: none is that old" count_is 0
t --proc "$BUSY" conns --sort age
check "conns --sort age: the longest in its state first, ages as durations" \
	eval 'exits 0 && [ "$(out | awk "NR == 2 { print \$2, \$5 }")" = "10.77.0.1:51300 59.1s" ] &&
		[ "$(out | awk "NR > 1 { print \$2 }" | tr "\n" " ")" = "$(awk "NR > 1 { print \$5, \$2 }" "$BUSY/conns" | sort -rn | cut -d" " -f2 | tr "\n" " ")" ]'
t --proc "$BUSY" conns -s CLOSE_WAIT --min-age 30000
check "conns -s CLOSE_WAIT --min-age 30000: the one leak that is old" \
	eval '[ "$(out | wc -l)" = 2 ] && says conns "^ipv4 +10\\.77\\.0\\.2:8080 +10\\.77\\.0\\.1:51234 +CLOSE_WAIT +45\\.0s "'

# ---- export
t --proc "$BUSY" export -o "$tmp/busy.prom"
check "export -o: exit 0, the file whole, no temporary left" \
	eval 'exits 0 && [ -s "$tmp/busy.prom" ] && [ -z "$(find "$tmp" -name ".tcplens.*")" ]'
check "export: HELP and TYPE before each metric's samples, a number on each" \
	python3 - "$tmp/busy.prom" <<'EOF'
import re, sys
typed, bad = set(), 0
for n, ln in enumerate(open(sys.argv[1]), 1):
    m = re.match(r"# TYPE (\S+) (counter|gauge)$", ln)
    if m:
        typed.add(m[1])
    elif not ln.startswith("# HELP "):
        m = re.match(r'([a-z_]+)(\{([a-z_]+="[^"]*",?)*\})? (-?[0-9.e+]+)$', ln)
        if not m or m[1] not in typed:
            print(f"# line {n}: {ln.rstrip()}")
            bad += 1
sys.exit(bad > 0)
EOF
check "export: both modules up, states and stats as recorded" \
	eval 'grep -qx "tcplens_module_loaded{module=\"tcplens_observer\"} 1" "$tmp/busy.prom" &&
		grep -qx "tcplens_module_loaded{module=\"tcp_lens\"} 1" "$tmp/busy.prom" &&
		grep -qx "tcplens_observer_connections{state=\"CLOSE_WAIT\"} 2" "$tmp/busy.prom" &&
		grep -qx "tcplens_observer_packets_total 1411" "$tmp/busy.prom" &&
		grep -qx "tcplens_observer_entries 8" "$tmp/busy.prom" &&
		grep -qx "tcplens_lens_rto_total 1" "$tmp/busy.prom"'
check "export: an active anomaly with its labels, lens connections per phase" \
	eval 'grep -qx "tcplens_observer_anomaly_size{kind=\"close_wait\",family=\"ipv4\",local=\"8080\",remote=\"\\*\"} 2" "$tmp/busy.prom" &&
		grep -qx "tcplens_lens_connections{phase=\"recovery\"} 1" "$tmp/busy.prom"'
t --proc "$here/cc-only" export
check "export with tcp_lens alone: the observer reported down" \
	eval 'exits 0 && says export "^tcplens_module_loaded\\{module=\"tcplens_observer\"\\} 0$" &&
		! grep -q "^tcplens_observer_" "$tmp/out"'
t --proc "$BUSY" export -o "$tmp/no/such/dir/x.prom"
check "export -o into a missing directory: exit 1, saying why" \
	eval 'exits 1 && grep -q "No such file or directory" "$tmp/err"'

# ---- plot
# shellcheck disable=SC2034 # read in the eval below
busiest=$(grep -c 'sport=40001 dport=5201' "$here/trace")
t plot "$here/trace" -o "$tmp/p.svg"
check "plot: the busiest flow, every point, into well-formed SVG" \
	eval 'exits 0 && [ "$(out)" = "$tmp/p.svg: $busiest points" ] &&
		python3 -c "import sys, xml.etree.ElementTree as E; sys.exit(not E.parse(sys.argv[1]).getroot().tag.endswith(\"svg\"))" "$tmp/p.svg"'
# plot_shape SVG PHASES: the shaded bands are PHASES in order, each as wide
# as the time to the next change; the ticks of each axis are 0, s, 2s ...
# with s 1, 2 or 5 times a power of ten, the last at or above the data.
plot_shape() {
	python3 - "$1" "$2" "$here/trace" <<'EOF2'
import math, re, sys, xml.etree.ElementTree as E
svg, want, trace = sys.argv[1], sys.argv[2].split(), sys.argv[3]
ns = "{http://www.w3.org/2000/svg}"
root = E.parse(svg).getroot()
bands = [(r.find(ns + "title").text, float(r.get("width")))
         for r in root.iter(ns + "rect") if r.get("class") == "phase"]
if [b[0] for b in bands] != want:
    sys.exit(f"# bands {bands}, want {want}")
ts = [float(m[1]) for m in re.finditer(r"(\d+\.\d+): lens_cwnd: .*sport=40001 ", open(trace).read())]
for axis in ("xtick", "ytick"):
    v = [float(t.text) for t in root.iter(ns + "text") if t.get("class") == axis]
    step = v[1] - v[0]
    mant = step / 10 ** math.floor(math.log10(step))
    if v[0] != 0 or any(abs(b - a - step) > 1e-9 for a, b in zip(v, v[1:])) or \
            not any(abs(mant - m) < 1e-6 for m in (1, 2, 5)):
        sys.exit(f"# {axis} ticks not round: {v}")
xs = [t for t in root.iter(ns + "text") if t.get("class") == "xtick"]
if float(xs[-1].text) < ts[-1] - ts[0] - 1e-9:
    sys.exit(f"# the time axis ends at {xs[-1].text}, before the last change")
widths = [w for _, w in bands]
# ss ran 0.08 s, css 0.12 s, recovery 0.04 s: widths in that proportion
if abs(widths[1] / widths[0] - 1.5) > 0.02 or abs(widths[2] / widths[0] - 0.5) > 0.02:
    sys.exit(f"# band widths {widths} not as the phases lasted")
EOF2
}
check "plot: phases as shaded bands (ss, css, recovery, as long as each lasted) and round ticks on both axes" \
	plot_shape "$tmp/p.svg" "ss css recovery"
check "plot: the garbled line is counted, the other flow named" \
	eval 'grep -q "1 lens_cwnd lines not understood" "$tmp/err" && grep -q "2 connections in the trace, plotting 40001:5201" "$tmp/err"'
t plot --conn 37336:5202 -o "$tmp/q.svg" <"$here/trace"
check "plot --conn SPORT:DPORT from stdin: that flow (rto and undo marked)" \
	eval 'exits 0 && [ "$(out)" = "$tmp/q.svg: 3 points" ] && grep -q "<title>rto</title>" "$tmp/q.svg" &&
		grep -q "<title>undo</title>" "$tmp/q.svg"'
t plot --conn 1:2 -o "$tmp/r.svg" "$here/trace"
check "plot --conn of a flow not in the trace: exit 1, no file" \
	eval 'exits 1 && grep -q "no tcp_lens:lens_cwnd events for 1:2" "$tmp/err" && [ ! -e "$tmp/r.svg" ]'

# ---- the man page
manpage_covers() {
	local page=$TCPLENS_TOP/scripts/tcplens.8 text cmd kind
	LC_ALL=C.UTF-8 groff -man -ww -z "$page" 2>"$tmp/groff" && [ ! -s "$tmp/groff" ] ||
		{ sed 's/^/# groff: /' "$tmp/groff"; return 1; }
	text=$(LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$page" 2>/dev/null) || return 1
	for cmd in $("$TOOL" --help | awk '/^    [a-z]+/ { print $1 }'); do
		grep -q "^ *tcplens.* $cmd\b\|^ *$cmd\b" <<<"$text" ||
			{ echo "# tcplens(8) does not describe '$cmd'"; return 1; }
	done
	for kind in $(awk '$1 == "total" && $3 ~ /^[0-9]/ { print $2 }' "$BUSY/anomalies"); do
		grep -q "^ *$kind\b" <<<"$text" ||
			{ echo "# tcplens(8) does not explain '$kind'"; return 1; }
	done
}
check "tcplens(8): renders without a warning, every command and anomaly kind in it" \
	manpage_covers

# ---- --netns (entering one that exists: selftests/tcplens_tools.sh)
t --netns tl-cli-no-such-ns --proc "$BUSY" status
check "--netns of a namespace that does not exist: exit 1, and it says so" \
	eval 'exits 1 && grep -q "network namespace .tl-cli-no-such-ns. does not exist" "$tmp/err"'

# ---- usage errors
check "bad arguments: exit 2 with a message, each" \
	usage_errors "$TOOL --proc $BUSY" "" "bogus" "conns --state NOPE" \
	"--netns ../x status" "--netns . status" "--netns status" \
	"conns --port 0" "conns --port 65536" "conns -f 5" "conns --min-age -1" \
	"conns --min-age x" "conns --older-than 10" "conns --older-than 5x" \
	"conns --older-than 1m5" "conns --sort name" "plot $here/trace" "plot --conn 1 -o $tmp/s.svg" \
	"plot --conn 0:1 -o $tmp/s.svg" "export --bogus"
ktap_finish
