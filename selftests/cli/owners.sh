#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# owners.sh: `tcplens conns -o` and `tcplens anomalies` name the process
# that holds a local socket. A helper on the host's loopback holds a
# CLOSE_WAIT socket (its client closed, it did not) over IPv4 and IPv6;
# procfs files recorded in the observer's format list those connections
# and a close_wait anomaly on the helper's port, and tcplens must join
# them to the helper through /proc/net/tcp* and /proc/PID/fd.
# Prints TAP; exits 1 if a point failed.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
TOOL=$TCPLENS_TOP/scripts/tcplens
tmp=$(mktemp -d)
helper=""
trap '[ -n "$helper" ] && kill "$helper" 2>/dev/null; rm -rf "$tmp"' EXIT

ktap_header 4

# The helper: for each family a listener, a client that connects and
# closes, and the accepted socket kept open: CLOSE_WAIT. It writes
# "family local remote" per socket, then waits to be killed.
python3 - "$tmp/socks" <<'PY' &
import os, socket, sys, time
out = []
keep = []
for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
    try:
        srv = socket.socket(fam, socket.SOCK_STREAM)
        srv.bind((host, 0))
    except OSError:
        continue
    srv.listen(1)
    cli = socket.create_connection((host, srv.getsockname()[1]))
    acc, _ = srv.accept()
    cli.close()
    keep += [srv, acc]
    l, r = acc.getsockname()[:2], acc.getpeername()[:2]
    f = (lambda a: f"{a[0]}:{a[1]}") if fam == socket.AF_INET else \
        (lambda a: f"[{a[0]}]:{a[1]}")
    out.append(f"{'ipv4' if fam == socket.AF_INET else 'ipv6'} {f(l)} {f(r)}")
time.sleep(0.3)
with open(sys.argv[1] + ".tmp", "w") as fh:
    fh.write("\n".join(out) + "\n")
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(600)
PY
helper=$!
for _ in $(seq 50); do [ -s "$tmp/socks" ] && break; sleep 0.1; done

mkdir -p "$tmp/proc"
{
	echo "family local remote state ms_in_state ms_idle mss_local mss_remote wscale_local wscale_remote retrans zero_win win_probes keepalives rsts flags"
	while read -r fam l r; do
		echo "$fam $l $r CLOSE_WAIT 90000 90000 65483 65483 7 7 0 0 0 0 0 -"
	done <"$tmp/socks"
	echo "ipv4 10.1.1.1:80 10.1.1.2:40000 ESTABLISHED 100 1 1460 1460 7 7 0 0 0 0 0 fwd"
} >"$tmp/proc/conns"
port=$(awk 'NR == 1 { n = split($2, a, ":"); print a[n] }' "$tmp/socks")
{
	echo "kind family local remote count oldest_ms raised_ms"
	echo "close_wait ipv4 $port * 1 90000 30000"
	echo "total kind raised cleared active"
	echo "total close_wait 1 0 1"
} >"$tmp/proc/anomalies"
nsocks=$(wc -l <"$tmp/socks")
comm=$(cat "/proc/$helper/comm")
echo "# the helper (pid $helper) holds $nsocks CLOSE_WAIT sockets:"
sed 's/^/#   /' "$tmp/socks"

check "the helper holds a CLOSE_WAIT socket (over IPv4 at least)" \
	eval '[ "$nsocks" -ge 1 ] && ss -Htn state close-wait | grep -q ":$port "'
"$TOOL" --proc "$tmp/proc" conns -o >"$tmp/out" 2>&1
sed 's/^/# /' "$tmp/out"
check "conns -o: each of the helper's sockets held by $helper/$comm, the forwarded one by nobody" \
	eval '[ "$(grep -c " $helper/$comm$" "$tmp/out")" = "$nsocks" ] &&
		grep -qE "^ipv4 +10\.1\.1\.1:80 .* -$" "$tmp/out" && head -n 1 "$tmp/out" | grep -q "PROCESS$"'
"$TOOL" --proc "$tmp/proc" anomalies >"$tmp/out" 2>&1
check "anomalies: the close_wait on port $port held by $helper/$comm" \
	eval 'grep -qx "  held by $helper/$comm" "$tmp/out" || { sed "s/^/# /" "$tmp/out"; false; }'
"$TOOL" --proc "$tmp/proc" anomalies --json >"$tmp/out" 2>&1
check "anomalies --json: the owner as {pid, comm}" \
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if d["active"][0]["owners"] == [{"pid": int(sys.argv[2]), "comm": sys.argv[3]}] else 1)' \
	"$tmp/out" "$helper" "$comm"
ktap_finish
