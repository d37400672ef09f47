#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every column of /proc/net/tcplens/conns and of the ports file, checked
# against what was done to the connection and what the kernel says of it
# (ss -ti, TCP_INFO, nstat's MIB counters, nft counters). A python driver
# holds both ends of each connection (it moves between the namespaces
# with setns(2)), so that each one does exactly what is checked:
#
#   mid-stream  made before the observer is loaded: mss 0 0, wscale - -
#   8310        TCP_MAXSEG 1000 (client) and 1200 (listener): mss_* both
#               ways; wscale_* like ss's wscale:snd,rcv, different on the
#               two sides; ms_in_state and ms_idle grow with the clock,
#               ms_idle alone drops after a segment; family, flags "-"
#   8311        keepalive 1 s on an idle connection: keepalives ==
#               TcpExtTCPKeepAlive (the probes the kernel sent)
#   8312        B drops A's data (nft) until A retransmitted twice:
#               retrans == tcpi_total_retrans == TcpRetransSegs in A,
#               and in B the copies that got through after the first
#               (nft counted the drops)
#   8313        B's application stops reading: zero_win == the zero
#               windows B sent (nft), win_probes == TcpExtTCPWinProbe; the
#               connection recovers when B reads
#   8314        an RST from A outside B's window (raw socket): rsts 1 on
#               both sides, both still ESTABLISHED like ss; an abort then
#               ends the connection
#   8315        IPv6: family, [v6]:port like ss, mss 1440
#   8317-8319   ports: 3 CLOSE_WAIT, 2 FIN_WAIT2, 2 TIME_WAIT in B, aged
#               2 s or more: every ports line equals what B's conns add up to,
#               the histograms included
#
#   +-------------------------+          +----------------------------+
#   | netns tl-col-a (client) |   veth   | netns tl-col-b (server)    |
#   | 10.77.0.1  fd00:77::1  veth0 -- veth0 10.77.0.2  fd00:77::2     |
#   | raw RST (8314)          |          | nft in: drop 8312's data   |
#   |                         |          | nft out: count 8313's      |
#   |                         |          |   zero windows             |
#   +-------------------------+          +----------------------------+
#        ^ python3 driver (setns): the client and server sockets ^
#   TSO/GSO off on both veths: one skb is one segment, for the
#   observer as for the kernel's counters.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcplens_obs_lib.sh"

need_root
need_cmd ip ss nft nstat ethtool python3 modprobe

A=tl-col-a B=tl-col-b
DRV_PY=$(mktemp /tmp/tl-col-drv.XXXXXX.py)
DRV_ERR=$(mktemp /tmp/tl-col-drv.XXXXXX.err)
DRV_PID=""
at_exit() {
	[ -n "$DRV_PID" ] && kill "$DRV_PID" 2>/dev/null && wait "$DRV_PID" 2>/dev/null
	netns_cleanup
	rm -f "$DRV_PY" "$DRV_ERR"
}
trap at_exit EXIT

# The driver: one command a line on stdin, "ok key=value..." or "err why"
# on stdout. IDs name connections; SIDE is a (client) or b (server).
#   open ID FAMILY PORT [cmss=N] [smss=N] [rcvbuf=N]  A -> B:PORT; cport=
#   send ID SIDE N / recv ID SIDE N / xfer ID SIDE N (send, peer reads)
#   info ID SIDE          TCP_INFO: total_retrans unacked snd/rcv_wscale
#   keepalive ID IDLE INTVL, fill ID (A writes until blocked)
#   rst ID                a raw RST from A, 2^31 from its SND.NXT
#   abort ID SIDE (SO_LINGER 0), close ID SIDE, eofclose ID SIDE
#   wait_retrans ID N SECS, wait_acked ID SECS
cat >"$DRV_PY" <<'EOF_PY'
import ctypes, os, select, socket, struct, sys, time

NS = {"a": sys.argv[1], "b": sys.argv[2]}
ADDR = {("ipv4", "a"): "10.77.0.1", ("ipv4", "b"): "10.77.0.2",
        ("ipv6", "a"): "fd00:77::1", ("ipv6", "b"): "fd00:77::2"}
libc = ctypes.CDLL(None, use_errno=True)
listeners, conns = {}, {}

def enter(side):
    fd = os.open("/run/netns/" + NS[side], os.O_RDONLY)
    try:
        if libc.setns(fd, 0x40000000):		# CLONE_NEWNET
            e = ctypes.get_errno()
            raise OSError(e, "setns %s: %s" % (NS[side], os.strerror(e)))
    finally:
        os.close(fd)

def sock(cid, side):
    return conns[cid][0 if side == "a" else 1]

def peer(side):
    return "b" if side == "a" else "a"

def do_open(cid, fam, port, *opts):
    o = dict(a.split("=", 1) for a in opts)
    port = int(port)
    af = socket.AF_INET if fam == "ipv4" else socket.AF_INET6
    if (fam, port) not in listeners:
        enter("b")
        ls = socket.socket(af, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if "smss" in o:
            ls.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, int(o["smss"]))
        if "rcvbuf" in o:
            ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, int(o["rcvbuf"]))
        ls.bind((ADDR[fam, "b"], port))
        ls.listen(64)
        ls.settimeout(10)
        listeners[fam, port] = ls
    enter("a")
    c = socket.socket(af, socket.SOCK_STREAM)
    if "cmss" in o:
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, int(o["cmss"]))
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    c.settimeout(10)
    c.connect((ADDR[fam, "b"], port))
    s, _ = listeners[fam, port].accept()
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.settimeout(10)
    conns[cid] = (c, s, fam, port)
    return "cport=%d" % c.getsockname()[1]

def do_recv(cid, side, n):
    s, n, got = sock(cid, side), int(n), 0
    while got < n:
        b = s.recv(min(65536, n - got))
        if not b:
            raise OSError("EOF after %d of %d bytes" % (got, n))
        got += len(b)
    return "bytes=%d" % got

def do_send(cid, side, n):
    sock(cid, side).sendall(b"x" * int(n))
    return "bytes=%d" % int(n)

def do_xfer(cid, side, n):
    do_send(cid, side, n)
    return do_recv(cid, peer(side), n)

def tcp_info(s):
    b = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    ws = b[6]
    return dict(state=b[0], snd_wscale=ws & 15, rcv_wscale=ws >> 4,
                unacked=struct.unpack_from("I", b, 24)[0],
                total_retrans=struct.unpack_from("I", b, 100)[0])

def do_info(cid, side):
    return " ".join("%s=%d" % i for i in tcp_info(sock(cid, side)).items())

def do_keepalive(cid, idle, intvl):
    c = sock(cid, "a")
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, int(idle))
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, int(intvl))
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 100)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    return "idle=%s intvl=%s" % (idle, intvl)

def do_fill(cid):
    c, sent = sock(cid, "a"), 0
    c.setblocking(False)
    last = time.time()
    while time.time() - last < 1.0:	# full: no write for a second
        try:
            sent += c.send(b"f" * 65536)
            last = time.time()
        except BlockingIOError:
            select.select([], [c], [], 0.1)
    c.settimeout(10)
    return "bytes=%d" % sent

def csum(data):
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def do_rst(cid):
    c, s, fam, port = conns[cid]
    cport = c.getsockname()[1]
    enter("b")
    sniff = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    sniff.settimeout(5)
    c.sendall(b"s")
    do_recv(cid, "b", 1)
    while True:
        pkt = sniff.recv(65536)
        ihl = (pkt[0] & 15) * 4
        sp, dp, seq, ack, off = struct.unpack_from("!HHIIB", pkt, ihl)
        plen = len(pkt) - ihl - (off >> 4) * 4
        if (sp, dp) == (cport, port) and plen > 0:
            break
    sniff.close()
    nxt = (seq + plen) & 0xffffffff
    rseq = (nxt + 0x80000000) & 0xffffffff
    src, dst = (socket.inet_aton(ADDR[fam, x]) for x in "ab")
    hdr = struct.pack("!HHIIBBHHH", cport, port, rseq, ack, 5 << 4,
                      0x14, 0, 0, 0)		# RST|ACK, window 0
    pseudo = src + dst + struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(hdr))
    hdr = hdr[:16] + struct.pack("!H", csum(pseudo + hdr)) + hdr[18:]
    enter("a")
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    raw.bind((ADDR[fam, "a"], 0))
    raw.sendto(hdr, (ADDR[fam, "b"], 0))
    raw.close()
    return "snd_nxt=%d rst_seq=%d" % (nxt, rseq)

def do_abort(cid, side):
    x = sock(cid, side)
    x.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    x.close()
    return "aborted=" + side

def do_close(cid, side):
    sock(cid, side).close()
    return "closed=" + side

def do_eofclose(cid, side):
    x = sock(cid, side)
    while x.recv(65536):
        pass
    x.close()
    return "closed=" + side

def wait_info(cid, secs, cond, what):
    deadline = time.time() + float(secs)
    while time.time() < deadline:
        i = tcp_info(sock(cid, "a"))
        if cond(i):
            return "total_retrans=%d unacked=%d" % (i["total_retrans"], i["unacked"])
        time.sleep(0.02)
    raise OSError(what)

def do_wait_retrans(cid, n, secs):
    return wait_info(cid, secs, lambda i: i["total_retrans"] >= int(n),
                     "total_retrans stayed below " + n)

def do_wait_acked(cid, secs):
    return wait_info(cid, secs, lambda i: not i["unacked"], "data unacknowledged")

CMDS = {k[3:]: v for k, v in globals().items() if k.startswith("do_")}
print("ok ready", flush=True)
for line in sys.stdin:
    w = line.split()
    try:
        print("ok " + CMDS[w[0]](*w[1:]), flush=True)
    except Exception as e:
        print("err %s: %r" % (w[0], e), flush=True)
EOF_PY

# drv COMMAND...: one command to the driver (run or setup echo it); its
# answer in DRV_OUT.
drv() {
	echo "$*" >&"${DRV[1]}" || return 1
	DRV_OUT=
	IFS= read -r -t 60 DRV_OUT <&"${DRV[0]}" ||
		{ echo "# the driver did not answer: $(tail -n 3 "$DRV_ERR")"; return 1; }
	echo "#   $DRV_OUT"
	[[ $DRV_OUT == "ok "* ]]
}

# val KEY: KEY's value in the driver's last answer.
val() {
	local re=" $1=([^ ]*)"
	[[ " $DRV_OUT" =~ $re ]] && echo "${BASH_REMATCH[1]}"
}

now_ms() { date +%s%3N; }

CONNS_HDR="family local remote state ms_in_state ms_idle mss_local mss_remote wscale_local wscale_remote retrans zero_win win_probes keepalives rsts flags"
PORTS_HDR="port CLOSE SYN_SENT SYN_RECV ESTABLISHED FIN_WAIT1 FIN_WAIT2 CLOSING TIME_WAIT CLOSE_WAIT LAST_ACK close_wait_age fin_wait2_age time_wait_age"
declare -A COL
i=0
for c in $CONNS_HDR; do
	i=$((i + 1))
	COL[$c]=$i
done

# entry NS LOCAL REMOTE: the one conns line of that pair into ENTRY, read
# between T_LO and T_HI (ms); fails, saying why, unless there is exactly
# one, of 16 fields.
entry() {
	local out n
	ENTRY=
	T_LO=$(now_ms)
	out=$(obs_cat "$1" conns) || { echo "# cannot read conns in $1"; return 1; }
	T_HI=$(now_ms)
	ENTRY=$(awk -v l="$2" -v r="$3" 'NR > 1 && $2 == l && $3 == r' <<<"$out")
	n=$(grep -c . <<<"$ENTRY")
	[ "$n" = 1 ] && [ "$(wc -w <<<"$ENTRY")" = 16 ] && return 0
	echo "# $1: $n entries for $2 $3 (conns has $(($(wc -l <<<"$out") - 1)) lines)"
	ENTRY=
	return 1
}
# read_both A_END B_END: A's entry A_END -> B_END in EA, B's entry
# B_END -> A_END in EB (empty where not found once).
read_both() {
	local rc=0
	entry "$A" "$1" "$2" || rc=1
	EA=$ENTRY
	entry "$B" "$2" "$1" || rc=1
	EB=$ENTRY
	return $rc
}
# both_entries LABEL A_END B_END: A's entry A_END -> B_END and B's entry
# B_END -> A_END, each found once, in EA and EB (with A's read times in
# EA_LO, EA_HI), as checks.
both_entries() {
	check "$1: A's entry found" entry "$A" "$2" "$3"
	EA=$ENTRY EA_LO=$T_LO EA_HI=$T_HI
	check "$1: B's entry found" entry "$B" "$3" "$2"
	EB=$ENTRY
	echo "# A: $EA"
	echo "# B: $EB"
}

# f COLUMN [LINE]: one column of a conns line (ENTRY by default).
f() {
	local a
	read -r -a a <<<"${2-$ENTRY}"
	echo "${a[$((COL[$1] - 1))]:-}"
}

# fn COLUMN [LINE]: a numeric column, 0 if there is none.
fn() {
	local v
	v=$(f "$@")
	echo "${v:-0}"
}

# cols LINE COLUMN...: the columns' values, space-separated.
cols() {
	local line=$1 c out=()
	shift
	for c in "$@"; do out+=("$(f "$c" "$line")"); done
	echo "${out[*]}"
}

# is VALUE WANT: VALUE is WANT, and not empty.
is() {
	[ -n "$1" ] && [ "$1" = "$2" ] && return 0
	echo "# '$1', expected '$2'"
	return 1
}

# nst NS COUNTER: an absolute nstat counter of NS.
nst() {
	ip netns exec "$1" nstat -saz "$2" | awk -v k="$2" '$1 == k { print $2 }'
}

# ss_info NS FILTER: the -i line of the one connection ss shows.
ss_info() {
	ip netns exec "$1" ss -Htin state established "$2" | grep -v '^[A-Z]'
}

# ss_wscale NS FILTER: "rcv snd" from ss's wscale:snd,rcv.
ss_wscale() {
	ss_info "$1" "$2" | grep -o 'wscale:[0-9]*,[0-9]*' |
		awk -F'[:,]' 'NR == 1 { print $3, $2 }'
}

ktap_header 51
setup tcplens_install_modules
setup tcplens_unload_all
obs_pair "$A" "$B"
setup ip netns exec "$A" ethtool -K veth0 tso off gso off
setup ip netns exec "$B" ethtool -K veth0 tso off gso off
echo "# + python3 driver ($A, $B)"
coproc DRV { exec python3 -u "$DRV_PY" "$A" "$B" 2>"$DRV_ERR"; }
DRV_PID=$DRV_PID
IFS= read -r -t 30 DRV_OUT <&"${DRV[0]}"
[ "$DRV_OUT" = "ok ready" ] ||
	{ echo "Bail out! the driver did not start: $(cat "$DRV_ERR")"; exit "$KSFT_FAIL"; }

# ---- an entry picked up mid-stream: no SYN seen
setup drv open mid ipv4 8316 cmss=1000 smss=1200
mid=$(val cport)
obs_load
setup drv xfer mid a 100
both_entries mid-stream "10.77.0.1:$mid" 10.77.0.2:8316
ea=$EA eb=$EB
check "mid-stream: ESTABLISHED, mss_* 0 0, wscale_* - - on both sides" \
	eval 'is "$(cols "$ea" state mss_local mss_remote wscale_local wscale_remote)" "ESTABLISHED 0 0 - -" &&
		is "$(cols "$eb" state mss_local mss_remote wscale_local wscale_remote)" "ESTABLISHED 0 0 - -"'
run drv close mid a
run drv eofclose mid b

# ---- 8310: the handshake's options, the times, the identity columns
check "conns' header names the 16 documented columns" \
	is "$(obs_cat "$A" conns | head -n 1)" "$CONNS_HDR"
setup drv open c1 ipv4 8310 cmss=1000 smss=1200 rcvbuf=65536
c1=$(val cport)
both_entries 8310 "10.77.0.1:$c1" 10.77.0.2:8310
ea0=$EA lo0=$EA_LO hi0=$EA_HI eb=$EB
check "8310: family ipv4, ESTABLISHED, flags - on both sides" \
	eval 'is "$(cols "$ea0" family state flags)" "ipv4 ESTABLISHED -" &&
		is "$(cols "$eb" family state flags)" "ipv4 ESTABLISHED -"'
check "8310: A's mss_local mss_remote are 1000 1200 (its TCP_MAXSEG, the listener's)" \
	is "$(cols "$ea0" mss_local mss_remote)" "1000 1200"
check "8310: B's are 1200 1000" is "$(cols "$eb" mss_local mss_remote)" "1200 1000"
wa=$(ss_wscale "$A" "dport = :8310")
wb=$(ss_wscale "$B" "sport = :8310")
echo "# ss wscale (ours, the peer's): A $wa, B $wb"
check "8310: A's wscale_local wscale_remote are ss's rcv_wscale snd_wscale" \
	is "$(cols "$ea0" wscale_local wscale_remote)" "$wa"
check "8310: B's too" is "$(cols "$eb" wscale_local wscale_remote)" "$wb"
check "8310: the two sides' scales differ, each seen the other way round by the peer" \
	eval '[ "${wa% *}" != "${wb% *}" ] && is "$wa" "${wb#* } ${wb% *}"'
check "8310: retrans zero_win win_probes keepalives rsts all 0 on both sides" \
	eval 'is "$(cols "$ea0" retrans zero_win win_probes keepalives rsts)" "0 0 0 0 0" &&
		is "$(cols "$eb" retrans zero_win win_probes keepalives rsts)" "0 0 0 0 0"'
sleep 1
entry "$A" "10.77.0.1:$c1" 10.77.0.2:8310
ea1=$ENTRY lo1=$T_LO hi1=$T_HI
slack=$OBS_TICK_MS
d_st=$(($(fn ms_in_state "$ea1") - $(fn ms_in_state "$ea0")))
d_id=$(($(fn ms_idle "$ea1") - $(fn ms_idle "$ea0")))
echo "# 1 s later: $ea1"
echo "# ms_in_state +$d_st, ms_idle +$d_id; the clock: $((lo1 - hi0))..$((hi1 - lo0)) ms between the reads"
check "8310: ms_in_state grew with the clock (slack: one tick, $slack ms)" \
	test -n "$ea1" -a "$d_st" -ge $((lo1 - hi0 - slack)) -a "$d_st" -le $((hi1 - lo0 + slack))
check "8310: nothing was sent: ms_idle grew exactly as much" \
	test -n "$ea1" -a "$d_id" = "$d_st" -a "$(f ms_idle "$ea1")" -le "$(f ms_in_state "$ea1")"
t_x=$(now_ms)
run drv xfer c1 a 100
entry "$A" "10.77.0.1:$c1" 10.77.0.2:8310
ea2=$ENTRY
echo "# after 100 bytes: $ea2"
check "8310: after a segment ms_idle dropped to the time since ($(f ms_idle "$ea2") <= $((T_HI - t_x)) ms)" \
	test -n "$ea2" -a "$(f ms_idle "$ea2")" -le $((T_HI - t_x + slack))
check "8310: ... while ms_in_state went on" \
	test -n "$ea2" -a "$(f ms_in_state "$ea2")" -ge $(($(f ms_in_state "$ea1") + T_LO - hi1 - slack))

# ---- 8311: keepalives
k0=$(nst "$A" TcpExtTCPKeepAlive)
setup drv open c2 ipv4 8311
c2=$(val cport)
run drv keepalive c2 1 1
t_ka=$(now_ms)
ka_a() { entry "$A" "10.77.0.1:$c2" 10.77.0.2:8311 >/dev/null && [ "$(f keepalives)" -ge 2 ]; }
wait_for 10 ka_a
# probes stop (the next would be an hour away), the last one's ACK lands;
# then the kernel's count, the entries, the kernel's again: judged when
# the kernel's did not move meanwhile
run drv keepalive c2 3600 3600
sleep 1
for _ in 1 2 3 4 5; do
	k1=$(nst "$A" TcpExtTCPKeepAlive)
	read_both "10.77.0.1:$c2" 10.77.0.2:8311
	ea=$EA eb=$EB
	k2=$(nst "$A" TcpExtTCPKeepAlive)
	t_ka_end=$(now_ms)
	[ "$k1" = "$k2" ] && break
done
echo "# A: $ea"
echo "# B: $eb"
echo "# TcpExtTCPKeepAlive in A: $k0 -> $k1 / $k2, in $((t_ka_end - t_ka)) ms"
check "8311: A's keepalives == TcpExtTCPKeepAlive (the probes A sent: $((k1 - k0)))" \
	eval '[ "$k1" = "$k2" ] && is "$(f keepalives "$ea")" $((k1 - k0))'
check "8311: B counted the same probes" is "$(f keepalives "$eb")" $((k1 - k0))
check "8311: at least 2, at most one a second" \
	eval '[ "$(f keepalives "$ea")" -ge 2 ] && [ "$(f keepalives "$ea")" -le $(((t_ka_end - t_ka) / 1000 + 1)) ]'
check "8311: still ESTABLISHED, no retrans, no window probe" \
	eval 'is "$(cols "$ea" state retrans win_probes)" "ESTABLISHED 0 0" &&
		is "$(cols "$eb" state retrans win_probes)" "ESTABLISHED 0 0"'
run drv close c2 a
run drv eofclose c2 b

# ---- 8312: retransmissions
setup drv open c3 ipv4 8312
c3=$(val cport)
setup ip netns exec "$B" nft add table inet tl_col
setup ip netns exec "$B" nft add counter inet tl_col dropped
setup ip netns exec "$B" nft add chain inet tl_col in '{ type filter hook input priority 0; }'
run ip netns exec "$B" nft add rule inet tl_col in tcp dport 8312 ip length gt 100 counter name dropped drop
r0=$(nst "$A" TcpRetransSegs) l0=$(nst "$A" TcpExtTCPLossProbes)
run drv send c3 a 100
run drv wait_retrans c3 2 15
run ip netns exec "$B" nft flush chain inet tl_col in
run drv wait_acked c3 15
run drv recv c3 b 100
check "8312: the 100 bytes arrived once B stopped dropping" test "$(val bytes)" = 100
run drv info c3 a
tr=$(val total_retrans)
r1=$(nst "$A" TcpRetransSegs) l1=$(nst "$A" TcpExtTCPLossProbes)
rs=$((r1 - r0))
dropped=$(ip netns exec "$B" nft list counter inet tl_col dropped | awk '$1 == "packets" { print $2 }')
read_both "10.77.0.1:$c3" 10.77.0.2:8312
ea=$EA eb=$EB
echo "# A: $ea"
echo "# B: $eb"
echo "# A: TcpRetransSegs +$rs, tcpi_total_retrans $tr, TcpExtTCPLossProbes +$((l1 - l0)); nft dropped $dropped of A's segments"
check "8312: A's retrans == TcpRetransSegs, the copies A sent after the first ($rs >= 2)" \
	eval '[ "$rs" -ge 2 ] && is "$(f retrans "$ea")" "$rs"'
check "8312: ... == tcpi_total_retrans of A's socket ($tr)" is "$(f retrans "$ea")" "$tr"
check "8312: B's retrans == the copies it saw after the first (TcpRetransSegs - dropped)" \
	eval '[ "$dropped" -ge 2 ] && is "$(f retrans "$eb")" $((rs - dropped))'
check "8312: both still ESTABLISHED" \
	eval 'is "$(f state "$ea") $(f state "$eb")" "ESTABLISHED ESTABLISHED"'

# ---- 8313: zero window, window probes
p0=$(nst "$A" TcpExtTCPWinProbe) r0=$(nst "$A" TcpRetransSegs)
z0=$(nst "$B" TcpExtTCPToZeroWindowAdv)
setup ip netns exec "$B" nft add counter inet tl_col zero_win
setup ip netns exec "$B" nft add chain inet tl_col out '{ type filter hook output priority 0; }'
setup ip netns exec "$B" nft add rule inet tl_col out tcp sport 8313 tcp window 0 counter name zero_win
zw() { ip netns exec "$B" nft list counter inet tl_col zero_win | awk '$1 == "packets" { print $2 }'; }
setup drv open c4 ipv4 8313 rcvbuf=4096
c4=$(val cport)
t_zw=$(now_ms)
run drv fill c4
filled=$(val bytes)
wait_for 10 eval '[ $(($(nst "$A" TcpExtTCPWinProbe) - p0)) -ge 2 ]'
for _ in 1 2 3 4 5; do
	p1=$(nst "$A" TcpExtTCPWinProbe) n1=$(zw)
	read_both "10.77.0.1:$c4" 10.77.0.2:8313
	ea=$EA eb=$EB
	p2=$(nst "$A" TcpExtTCPWinProbe) n2=$(zw)
	t_zw_end=$(now_ms)
	[ "$p1" = "$p2" ] && [ "$n1" = "$n2" ] && break
done
z1=$(nst "$B" TcpExtTCPToZeroWindowAdv)
echo "# A: $ea"
echo "# B: $eb"
echo "# A filled $filled bytes; TcpExtTCPWinProbe in A +$((p1 - p0)); zero windows B sent (nft) $n1; TcpExtTCPToZeroWindowAdv in B +$((z1 - z0))"
check "8313: A's win_probes == TcpExtTCPWinProbe (the probes A sent: $((p1 - p0)) >= 2)" \
	eval '[ "$p1" = "$p2" ] && [ $((p1 - p0)) -ge 2 ] && is "$(f win_probes "$ea")" $((p1 - p0))'
check "8313: B counted the same probes" is "$(f win_probes "$eb")" $((p1 - p0))
check "8313: at most one probe per minimum RTO (200 ms) of the time waited" \
	test $((p1 - p0)) -le $(((t_zw_end - t_zw) / 200 + 1))
check "8313: B's zero_win == the zero windows B sent (nft: $n1), the kernel advertised one" \
	eval '[ "$n1" = "$n2" ] && [ "$n1" -ge 1 ] && [ $((z1 - z0)) -ge 1 ] && is "$(f zero_win "$eb")" "$n1"'
check "8313: A counted the same zero windows" is "$(f zero_win "$ea")" "$n1"
run drv recv c4 b "$filled"
check "8313: B reads: all $filled bytes arrive" test "$(val bytes)" = "$filled"
run drv wait_acked c4 15
rs=$(($(nst "$A" TcpRetransSegs) - r0))
read_both "10.77.0.1:$c4" 10.77.0.2:8313
ea=$EA eb=$EB
echo "# after the drain: A: $ea"
echo "#                  B: $eb (TcpRetransSegs in A +$rs)"
check "8313: recovered: ESTABLISHED, retrans == TcpRetransSegs ($rs) on both sides" \
	eval 'is "$(cols "$ea" state retrans)" "ESTABLISHED $rs" && is "$(cols "$eb" state retrans)" "ESTABLISHED $rs"'

# ---- 8314: an RST that closes nothing, then one that does
setup drv open c5 ipv4 8314
c5=$(val cport)
run drv rst c5
rsts_seen() {
	entry "$A" "10.77.0.1:$c5" 10.77.0.2:8314 >/dev/null && [ "$(f rsts)" -ge 1 ] &&
		entry "$B" 10.77.0.2:8314 "10.77.0.1:$c5" >/dev/null && [ "$(f rsts)" -ge 1 ]
}
wait_for 3 rsts_seen
read_both "10.77.0.1:$c5" 10.77.0.2:8314
ea=$EA eb=$EB
echo "# A: $ea"
echo "# B: $eb"
check "8314: an RST outside B's window: rsts 1, ESTABLISHED on both sides" \
	eval 'is "$(cols "$ea" rsts state)" "1 ESTABLISHED" && is "$(cols "$eb" rsts state)" "1 ESTABLISHED"'
check "8314: ... as ss has it on both sides" \
	eval 'conns_match_ss "$A" ":8314 " 1 && conns_match_ss "$B" ":8314 " 1'
check "8314: the connection still carries data both ways" \
	eval 'run drv xfer c5 a 10 && run drv xfer c5 b 10'
run drv abort c5 a
closed_5() {
	local oa ob k
	oa=$(obs_conns "$A") && ob=$(obs_conns "$B") && k=$(ss_conns "$B") || return 1
	! grep -q ":8314 " <<<"$oa$ob$k"
}
check "8314: SO_LINGER 0: both entries closed (CLOSE or collected), ss in B has none" \
	wait_for 3 closed_5

# ---- 8315: IPv6
setup drv open c6 ipv6 8315
c6=$(val cport)
both_entries 8315 "[fd00:77::1]:$c6" "[fd00:77::2]:8315"
ea=$EA eb=$EB
check "8315: family ipv6, ESTABLISHED, mss 1440 1440 (MTU 1500), flags -" \
	eval 'is "$(cols "$ea" family state mss_local mss_remote flags)" "ipv6 ESTABLISHED 1440 1440 -" &&
		is "$(cols "$eb" family state mss_local mss_remote flags)" "ipv6 ESTABLISHED 1440 1440 -"'
check "8315: addresses as ss writes them" \
	eval 'conns_match_ss "$A" "^\[fd00:77::1\]:$c6 " 1 && conns_match_ss "$B" ":8315 " 1'
check "8315: wscale_* like ss on both sides" \
	eval 'is "$(cols "$ea" wscale_local wscale_remote)" "$(ss_wscale "$A" "dport = :8315")" &&
		is "$(cols "$eb" wscale_local wscale_remote)" "$(ss_wscale "$B" "sport = :8315")"'

# ---- ports: CLOSE_WAIT on 8317, FIN_WAIT2 on 8318, TIME_WAIT on 8319
for i in 1 2 3; do setup drv open cw$i ipv4 8317; done
for i in 1 2; do setup drv open fw$i ipv4 8318; done
for i in 1 2; do setup drv open tw$i ipv4 8319; done
for i in 1 2 3; do run drv close cw$i a; done
for i in 1 2; do run drv close fw$i b; done
for i in 1 2; do run drv close tw$i b && run drv eofclose tw$i a; done
# port_rows CONNS: "port state bucket" of every entry, sorted; the
# bucket of ms_in_state for the three states with a histogram, else "-"
port_rows() {
	awk 'NR > 1 {
		k = split($2, a, ":"); b = "-"
		if ($4 == "CLOSE_WAIT" || $4 == "FIN_WAIT2" || $4 == "TIME_WAIT") {
			b = 0
			if ($5 >= 1000) { b = 1; lim = 2000; while ($5 >= lim && b < 15) { b++; lim *= 2 } }
		}
		print a[k], $4, b
	}' <<<"$1" | sort
}
# expect_ports CONNS: the ports file's lines, as CONNS adds up
expect_ports() {
	port_rows "$1" | awk -v hdr="$PORTS_HDR" '
	BEGIN {
		split(hdr, h, " ")
		for (i = 2; i <= 11; i++) st[h[i]] = i
		hk["CLOSE_WAIT"] = 1; hk["FIN_WAIT2"] = 2; hk["TIME_WAIT"] = 3
	}
	{ seen[$1] = 1; n[$1, st[$2]]++; if ($2 in hk) g[$1, hk[$2], $3]++ }
	END {
		for (p in seen) {
			l = p
			for (i = 2; i <= 11; i++) l = l " " (n[p, i] + 0)
			for (k = 1; k <= 3; k++)
				for (b = 0; b < 16; b++) l = l (b ? "," : " ") (g[p, k, b] + 0)
			print l
		}
	}' | sort -n
}
aged() {
	local o
	o=$(obs_cat "$B" conns) || return 1
	[ "$(awk '$2 ~ /:831[789]$/ && $5 >= 2300' <<<"$o" | wc -l)" = 7 ]
}
wait_for 10 aged
# conns, ports, conns: judged when no entry changed state or bucket
# between the two conns reads
for _ in 1 2 3 4 5; do
	cn1=$(obs_cat "$B" conns)
	pt=$(obs_cat "$B" ports)
	cn2=$(obs_cat "$B" conns)
	[ "$(port_rows "$cn1")" = "$(port_rows "$cn2")" ] && break
	sleep 0.3
done
echo "# B's conns on 8317-8319:"
grep -E ':831[789] ' <<<"$cn1" | sed 's/^/#   /'
echo "# B's ports:"
sed 's/^/#   /' <<<"$pt"
check "ports: B's entries on 8317-8319 agree with ss" conns_match_ss "$B" ':831[789] ' 7
check "ports: conns has 3 CLOSE_WAIT on 8317, 2 FIN_WAIT2 on 8318, 2 TIME_WAIT on 8319, all at least 2 s old" \
	is "$(port_rows "$cn1" | awk '$1 ~ /^831[789]$/ { print $1, $2, ($3 >= 2 ? "aged" : "young:" $3) }' |
		uniq -c | awk '{ print $1, $2, $3, $4 }' | tr '\n' ' ')" \
	"3 8317 CLOSE_WAIT aged 2 8318 FIN_WAIT2 aged 2 8319 TIME_WAIT aged "
check "ports: the header names every state and the three histograms" \
	is "$(head -n 1 <<<"$pt")" "$PORTS_HDR"
check "ports: nothing truncated, a line per local port, of 14 fields" \
	eval '! grep -q "^truncated" <<<"$pt" && [ -z "$(awk "NR > 1 && NF != 14" <<<"$pt")" ] &&
		[ "$(tail -n +2 <<<"$pt" | wc -l)" -ge 3 ]'
# port_line_is PORT FIELD N HIST: PORT's ports line counts N entries in
# state column FIELD (2-11) and none in any other, and histogram HIST
# (1 close_wait, 2 fin_wait2, 3 time_wait) holds the same N, none in
# the buckets under 2 s, while the other two histograms are empty. The
# exact buckets are the next check's: the age moves on under load.
port_line_is() {
	grep "^$1 " <<<"$pt" | awk -v f="$2" -v n="$3" -v h="$4" '
	NF != 14 { exit 1 }
	{
		for (i = 2; i <= 11; i++) if ($i != (i == f ? n : 0)) exit 1
		for (k = 1; k <= 3; k++) {
			c = split($(11 + k), b, ",")
			if (c != 16) exit 1
			t = 0
			for (j = 1; j <= 16; j++) t += b[j]
			if (t != (k == h ? n : 0) || b[1] + b[2] != 0) exit 1
		}
		ok = 1
	}
	END { exit !ok }'
}
check "ports: 8317: 3 CLOSE_WAIT, all in close_wait_age, none under 2 s" port_line_is 8317 10 3 1
check "ports: 8318: 2 FIN_WAIT2, in fin_wait2_age, none under 2 s" port_line_is 8318 7 2 2
check "ports: 8319: 2 TIME_WAIT, in time_wait_age, none under 2 s" port_line_is 8319 9 2 3
exp=$(expect_ports "$cn1")
check "ports: every line (all of B's ports) is what conns adds up to, histograms by ms_in_state" \
	eval '[ -n "$exp" ] && is "$(tail -n +2 <<<"$pt")" "$exp"'
[ "$(tail -n +2 <<<"$pt")" = "$exp" ] || diff <(echo "$exp") <(tail -n +2 <<<"$pt") | sed 's/^/#   /'

# all_local NS: NS's conns lists entries, none of them fwd
all_local() {
	local o
	o=$(obs_cat "$1" conns) || return 1
	echo "# $1: $(($(wc -l <<<"$o") - 1)) entries, flags: $(awk 'NR > 1 { print $16 }' <<<"$o" | sort | uniq -c | tr -s ' \n' ' ')"
	[ "$(wc -l <<<"$o")" -gt 1 ] && [ -z "$(awk 'NR > 1 && $16 != "-"' <<<"$o")" ]
}
check "no entry in either namespace is fwd: all are local" \
	eval 'all_local "$A" && all_local "$B"'
ktap_finish
