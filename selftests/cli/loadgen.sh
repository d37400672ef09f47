#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# loadgen.sh LOADGEN: tcplens_loadgen on the host's loopback (no module
# needed): exit status 0, 1 and 2 as its usage promises, and what each
# server mode does to a client, read from the final JSON reports.
#
#   +-------------------------------------------------------------+
#   | host loopback: server 127.0.0.1 / [::1] : P..P+3  <- client |
#   +-------------------------------------------------------------+
#
# Prints TAP; exits 1 if a point failed.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
LG=${1:?usage: loadgen.sh LOADGEN}
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
# a port range of our own, away from the ephemeral range
P=$((20000 + $$ % 5000 * 2))

ktap_header 12

# serve MODE ADDR PORT[-PORT] [ARGS]: a server in the background, listening
# on return; PID in SRV, its final report in $tmp/srv.json.
serve() {
	local last=${3##*-}
	"$LG" server -m "$1" -l "$2" -p "$3" -d 20 -j -q "${@:4}" >"$tmp/srv.json" 2>&1 &
	SRV=$!
	wait_for 5 eval "ss -Htln 'sport = :$last' | grep -q ."
}
stop() { kill "$SRV" 2>/dev/null; wait "$SRV"; }
# client ARGS: a client in the foreground; report in $tmp/cli.json, stderr
# in $tmp/cli.err, exit status in RC.
# shellcheck disable=SC2034 # RC is read in the checks' eval
client() {
	"$LG" client -j -q "$@" >"$tmp/cli.json" 2>"$tmp/cli.err"
	RC=$?	# read by the checks (in eval)
}
# report_is FILE NAME=VALUE...: each field of the JSON report has that
# value (the errors field as "phase:ERRNO=N,...").
report_is() {
	python3 - "$@" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
r["errors"] = ",".join(f"{k}={v}" for k, v in r["errors"].items())
want = dict(kv.split("=", 1) for kv in sys.argv[2:])
bad = {k: v for k, v in want.items() if str(r.get(k)) != v}
for k, v in bad.items():
    print(f"# {k} is {r.get(k)!r}, not {v}")
if bad:
    print(f"# report: {json.dumps(r)}")
sys.exit(bool(bad))
EOF
}

check "bad arguments: exit 2 with a message, each" \
	usage_errors "$LG" "" "bogus" "client" "server" "client -t 127.0.0.1" \
	"client -t 127.0.0.1:0" "client -t 127.0.0.1:70000" "client -t host:80" \
	"server -p 8080 -m bogus" "server -p 9-8" "client -t 127.0.0.1:80 -d 0" \
	"client -t 127.0.0.1:80 -n x" "client -t 127.0.0.1:80 -c sideways" \
	"client -t 127.0.0.1:80 --bogus"
check "--help: exit 0, the usage on stdout" \
	eval '"$LG" --help >"$tmp/help" && grep -q "^Usage: tcplens_loadgen server" "$tmp/help"'

client -t "127.0.0.1:$P" -n 2 -N 4 -d 5
check "a client that establishes nothing exits 1, saying so" \
	eval '[ "$RC" = 1 ] && grep -q "no connection was established (4 attempted; errors: connect:ECONNREFUSED=4)" "$tmp/cli.err"'

serve echo 127.0.0.1 "$P"
"$LG" server -l 127.0.0.1 -p "$P" -d 2 -q >/dev/null 2>"$tmp/err"
rc=$?
check "a server whose port is taken exits 1, saying so" \
	eval '[ "$rc" = 1 ] && grep -q "Address already in use" "$tmp/err"'
client -t "127.0.0.1:$P" -n 4 -N 12 -s 100 -c fin -d 10
check "echo: 12 connections, 100 bytes each way, closed, no error" \
	eval '[ "$RC" = 0 ] && report_is "$tmp/cli.json" stop=total established=12 closed=12 \
		peak_live=4 rx_bytes=1200 tx_bytes=1200 error_total=0'
stop
check "a server stopped by a signal exits 0 with its final report" \
	eval '[ $? = 0 ] && report_is "$tmp/srv.json" stop=signal accepted=12 peer_fin=12 rx_bytes=1200'

serve rst 127.0.0.1 "$((P + 1))"
client -t "127.0.0.1:$((P + 1))" -n 2 -N 6 -s 10 -d 10
check "rst: every connection is reset after the handshake (exit 0: they connected)" \
	eval '[ "$RC" = 0 ] && report_is "$tmp/cli.json" established=6 error_total=6 \
		errors=io:ECONNRESET=6'
stop
check "rst: the server counts the 6 resets it sent" report_is "$tmp/srv.json" resets=6

serve close-first 127.0.0.1 "$((P + 1))"
client -t "127.0.0.1:$((P + 1))" -n 3 -N 3 -c none -d 2
check "close-first: the server's FIN reaches every client" \
	eval '[ "$RC" = 0 ] && report_is "$tmp/cli.json" established=3 peer_fin=3'
stop

serve never-close 127.0.0.1 "$((P + 2))"
client -t "127.0.0.1:$((P + 2))" -n 3 -N 3 -c fin -d 10
# the clients' FINs reach the kernel at once, the server's loop a moment
# later: wait for the three CLOSE_WAIT sockets, then give it that moment
for _ in $(seq 50); do
	[ "$(ss -Htn state close-wait "( sport = :$((P + 2)) )" | wc -l)" -ge 3 ] && break
	sleep 0.1
done
sleep 0.5
stop
check "never-close: the server leaked the 3 connections the clients closed" \
	report_is "$tmp/srv.json" accepted=3 peer_fin=3 leaked=3

serve echo 127.0.0.1 "$P-$((P + 3))"
client -t "127.0.0.1:$P-$((P + 3))" -n 8 -N 8 -d 10
stop
check "a port range: 8 connections round-robin over 4 listeners" \
	eval '[ "$RC" = 0 ] && report_is "$tmp/cli.json" established=8 && report_is "$tmp/srv.json" accepted=8 &&
		[ "$(ss -Htan "( sport >= :$P and sport <= :$((P + 3)) )" | awk "{ print \$4 }" | sort -u | wc -l)" -le 4 ]'

if [ -e /proc/net/if_inet6 ] && grep -q '^0\{31\}1 ' /proc/net/if_inet6; then
	serve echo ::1 "$P"
	client -t "[::1]:$P" -n 2 -N 4 -s 50 -d 10
	stop
	check "IPv6: [::1]:PORT, echo" \
		eval '[ "$RC" = 0 ] && report_is "$tmp/cli.json" established=4 rx_bytes=200'
else
	ktap_result SKIP "IPv6: [::1]:PORT, echo" "this host has no ::1"
fi
ktap_finish
