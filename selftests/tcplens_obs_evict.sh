#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Eviction: what the observer gives up when its table is full.
#
# order: B's table (max_tracked 16, the minimum: the victim sample of 16
# covers the whole table) is filled with a known mix, each entry checked
# against ss: 3 TIME_WAIT (B closes first; made one at a time, oldest
# first), 3 SYN_RECV (raw SYNs from A, 300 ms apart, whose SYN+ACKs an nft
# rule in A drops), 2 SYN_SENT (B connects to a port where A drops SYNs),
# 2 FIN_WAIT2 (B closes first, A keeps its end open), 2 CLOSE_WAIT (A
# closes, B's application keeps its socket) and 4 ESTABLISHED. Once the
# kernel is done with the handshakes (tcp_syn_retries and
# tcp_synack_retries 2 in B: nothing is retransmitted later that would
# bring an evicted handshake back), new held connections A -> B come one
# at a time; each must evict exactly one entry: the three TIME_WAIT
# first, the longest idle first, then the three SYN_RECV, oldest first,
# then the SYN_SENT, then the FIN_WAIT2, and never an ESTABLISHED or
# CLOSE_WAIT one. With only those left the next connection is refused
# (`refused` grows, nothing is evicted) and is not tracked, while ss has
# it.
#
# flood: D's table (max_tracked 16) holds 6 ESTABLISHED entries when 200
# spoofed SYNs (raw socket in C, 50 source addresses, one source port
# each) come 10 ms apart. The table never holds more than 16 entries
# while they come, exactly 190 SYN_RECV entries are evicted (the flood
# less the 10 free places), none refused, the 6 ESTABLISHED are kept, and
# the 10 SYN_RECV entries left are those of the last 10 SYNs: the flood
# recycled its own entries. D's tcp_synack_retries is 0, so that the
# kernel sends each SYN+ACK once: a retransmitted one would bring back an
# entry evicted before (an outgoing SYN+ACK opens an entry too) and blur
# which are the newest.
#
#   +---------------------------+          +------------------------------+
#   | netns tl-ev-a             |   veth   | netns tl-ev-b                |
#   | 10.77.0.1                veth0 -- veth0 10.77.0.2                   |
#   | loadgen clients -> :8301-5|          | close-first :8301 (TIME_WAIT)|
#   | raw SYNs :30001-3 -> :8305|          |   and :8302 (FIN_WAIT2)      |
#   | nft in: drop sport 8305,  |          | never-close :8303 (CLOSE_WAIT|
#   |   drop dport 8309         |          | echo :8304 (held), :8305     |
#   |                           |          | client -> 10.77.0.1:8309     |
#   +---------------------------+          +------------------------------+
#   then, anew:
#   +---------------------------+          +------------------------------+
#   | netns tl-ev-c             |   veth   | netns tl-ev-d                |
#   | 10.77.0.1                veth0 -- veth0 10.77.0.2                   |
#   | loadgen client -> :8306   |          | echo :8306 (held), :8307     |
#   | raw SYNs from 10.77.0.100-|          | tcp_synack_retries 0         |
#   |   .149 -> :8307           |          |                              |
#   +---------------------------+          +------------------------------+
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcplens_obs_lib.sh"

need_root
need_cmd ip ss nft python3 modprobe sysctl
[ -x "$LOADGEN" ] || skip_all "tcplens_loadgen is not built"
trap 'loadgen_stop_all; netns_cleanup' EXIT

A=tl-ev-a B=tl-ev-b C=tl-ev-c D=tl-ev-d
MAX=16
# the mix in B, in eviction order (the class table of tcplens_life.c),
# then what is never evicted
CLASSES=(TIME_WAIT SYN_RECV SYN_SENT FIN_WAIT2)
declare -A NUM=([TIME_WAIT]=3 [SYN_RECV]=3 [SYN_SENT]=2 [FIN_WAIT2]=2
	[CLOSE_WAIT]=2 [ESTABLISHED]=4)
EVICTABLE=10
FLOOD=200 FREE=10
ktap_header 20
obs_load

# syn_raw NS DST DPORT SRC NSRC SPORT COUNT GAP_MS: COUNT SYNs (with an
# MSS option) to DST:DPORT from a raw socket, GAP_MS apart; the i-th from
# the (i mod NSRC)-th address after SRC, port SPORT + i. Prints each
# source ADDR:PORT as it is sent.
syn_raw() {
	ip netns exec "$1" python3 - "${@:2}" <<'EOF_PY'
import socket, struct, sys, time

dst, dport, src, nsrc, sport, count, gap = sys.argv[1:8]
dport, nsrc, sport, count = int(dport), int(nsrc), int(sport), int(count)
gap = int(gap) / 1000
base = struct.unpack('!I', socket.inet_aton(src))[0]
dsta = socket.inet_aton(dst)
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)


def csum(b):
    v = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while v >> 16:
        v = (v & 0xffff) + (v >> 16)
    return ~v & 0xffff


for i in range(count):
    srca = struct.pack('!I', base + i % nsrc)
    sp = sport + i
    # 24 bytes: SYN, window 64240, MSS 1460
    tcp = struct.pack('!HHIIBBHHHBBH', sp, dport, 1000 + 7919 * i, 0,
                      6 << 4, 0x02, 64240, 0, 0, 2, 4, 1460)
    c = csum(srca + dsta + struct.pack('!BBH', 0, 6, len(tcp)) + tcp)
    tcp = tcp[:16] + struct.pack('!H', c) + tcp[18:]
    # the kernel fills in the IP checksum and ID
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 0, 0x4000,
                     64, 6, 0, srca, dsta)
    s.sendto(ip + tcp, (dst, 0))
    print('%s:%d' % (socket.inet_ntoa(srca), sp), flush=True)
    if i + 1 < count:
        time.sleep(gap)
EOF_PY
}

# states NAME COUNT...: "NAME=COUNT " for each COUNT > 0, sorted: the form
# mix prints.
states() {
	while [ $# -gt 1 ]; do
		[ "$2" = 0 ] || echo "$1=$2"
		shift 2
	done | sort | tr '\n' ' '
}

# mix NS: what NS's table holds, per state (CLOSE entries too: nothing
# here may be closed), as states prints it; nothing if conns is unreadable.
mix() {
	local -
	set -o pipefail
	obs_cat "$1" conns | awk 'NR > 1 { print $4 }' | sort | uniq -c |
		awk '{ print $2 "=" $1 }' | sort | tr '\n' ' '
}

# left_after N: the mix once N new connections took their place, each
# evicting the first of the eviction order still there.
left_after() {
	local n=$1 c k args=()
	for c in "${CLASSES[@]}"; do
		k=$((NUM[$c] < n ? NUM[$c] : n))
		n=$((n - k))
		args+=("$c" $((NUM[$c] - k)))
	done
	states "${args[@]}" CLOSE_WAIT "${NUM[CLOSE_WAIT]}" \
		ESTABLISHED $((NUM[ESTABLISHED] + $1))
}

# victim_of N: the class the N-th new connection evicts.
victim_of() {
	local n=$1 c
	for c in "${CLASSES[@]}"; do
		[ "$n" -le "${NUM[$c]}" ] && { echo "$c"; return; }
		n=$((n - NUM[$c]))
	done
	echo none
}

# has NS LINE...: each "local remote STATE" LINE is in NS's table.
# lacks NS LINE...: none is.
has() {
	local ns=$1 now l
	shift
	now=$(obs_conns "$ns") || return 1
	for l in "$@"; do
		grep -qxF -- "$l" <<<"$now" || { echo "# missing: $l"; return 1; }
	done
}

lacks() {
	local ns=$1 now l
	shift
	now=$(obs_conns "$ns") || return 1
	for l in "$@"; do
		! grep -qxF -- "$l" <<<"$now" || { echo "# still there: $l"; return 1; }
	done
}

# stats_are NS ENTRIES EVICTED REFUSED ("-" for a value not checked)
stats_are() {
	local k want got i=0
	for k in entries evicted refused; do
		i=$((i + 1))
		want=${*:i+1:1}
		[ "$want" = - ] && continue
		got=$(obs_stat "$1" "$k")
		[ "$got" = "$want" ] || { echo "# $k: $got, not $want"; return 1; }
	done
}

# mix_is NS EXPECTED
mix_is() {
	local got
	got=$(mix "$1")
	[ "$got" = "$2" ] && return 0
	echo "# $1 holds: ${got:-nothing}; expected: $2"
	return 1
}

# open_one NS TARGET: one more held connection.
open_one() {
	loadgen_bg "$1" client -t "$2" -n 1 -N 1 -H 600000 -c fin -d 600
}

# ---- order
obs_pair "$A" "$B"
setup obs_sysctl "$B" max_tracked $MAX
setup ip netns exec "$B" sysctl -qw net.ipv4.tcp_syn_retries=2 net.ipv4.tcp_synack_retries=2
setup ip netns exec "$A" nft add table inet tl_ev
setup ip netns exec "$A" nft add chain inet tl_ev in \
	'{ type filter hook input priority 0; }'
setup ip netns exec "$A" nft add rule inet tl_ev in tcp sport 8305 drop
setup ip netns exec "$A" nft add rule inet tl_ev in tcp dport 8309 drop
obs_serve "$B" 10.77.0.2 8301-8302 -m close-first -d 600
obs_serve "$B" 10.77.0.2 8303 -m never-close -d 600
obs_serve "$B" 10.77.0.2 8304-8305 -m echo -d 600

est_b() { ip netns exec "$B" ss -Htan state established "sport = :$1" | wc -l; }
loadgen_bg "$A" client -t 10.77.0.2:8304 -n 4 -N 4 -H 600000 -c fin -d 600
wait_for 15 eval '[ "$(est_b 8304)" = 4 ]'
# A closes at once, B's application keeps its end: CLOSE_WAIT in B
loadgen_bg "$A" client -t 10.77.0.2:8303 -n 2 -N 2 -c fin -d 600
wait_for 15 eval '[ "$(ip netns exec $B ss -Htan state close-wait | wc -l)" = 2 ]'
# B closes, A keeps its end open: FIN_WAIT2 in B
loadgen_bg "$A" client -t 10.77.0.2:8302 -n 2 -N 2 -c none -d 600
wait_for 15 eval '[ "$(ip netns exec $B ss -Htan state fin-wait-2 | wc -l)" = 2 ]'
# B closes, A answers with its FIN: TIME_WAIT in B, one at a time, so
# that they are idle for different times
TW=()
for i in 1 2 3; do
	loadgen_bg "$A" client -t 10.77.0.2:8301 -n 1 -N 1 -H 600000 -c fin -d 600
	wait_for 15 eval '[ "$(obs_state_count $B TIME_WAIT)" = $i ]'
	TW+=("$(obs_conns "$B" | awk '$3 == "TIME_WAIT"' | grep -vxF -f <(printf '%s\n' "${TW[@]}" x))")
	echo "# TIME_WAIT $i: ${TW[i - 1]}"
	sleep 0.3
done
# B connects where A drops the SYNs: SYN_SENT in B, until B gives up
loadgen_bg "$B" client -t 10.77.0.1:8309 -n 2 -N 2 -d 60
# SYNs from A, 300 ms apart, answered by B, whose SYN+ACKs A drops
# (before its TCP, which would reset them): SYN_RECV in B
echo "# + syn_raw $A 10.77.0.2 8305 10.77.0.1 1 30001 3 300"
mapfile -t sent < <(syn_raw "$A" 10.77.0.2 8305 10.77.0.1 1 30001 3 300)
SR=()
for s in "${sent[@]}"; do SR+=("10.77.0.2:8305 $s SYN_RECV"); done
wait_for 10 eval '[ "$(ip netns exec $B ss -Htan state syn-sent state syn-recv | wc -l)" = 5 ]'
echo "# B: $(mix "$B")"
check "order: B's table holds the 16 entries set up, as ss does" \
	conns_match_ss "$B" . $MAX
initial=$(obs_conns "$B")
mapfile -t KEEP < <(awk '$3 == "ESTABLISHED" || $3 == "CLOSE_WAIT"' <<<"$initial")
set_up_ok() {
	mix_is "$B" "$(left_after 0)" && stats_are "$B" $MAX 0 0 &&
		[ ${#TW[@]} = 3 ] && [ ${#SR[@]} = 3 ] && [ ${#KEEP[@]} = 6 ] &&
		has "$B" "${TW[@]}" "${SR[@]}"
}
check "order: 3 TIME_WAIT, 3 SYN_RECV, 2 SYN_SENT, 2 FIN_WAIT2, 2 CLOSE_WAIT, 4 ESTABLISHED; nothing evicted" \
	set_up_ok
# The kernel gives up the handshakes (7 s after the first SYN: 2
# retransmissions): nothing more comes from them.
wait_for 20 eval '[ -z "$(ip netns exec $B ss -Htan state syn-sent state syn-recv)" ]'
unchanged() { [ "$(obs_conns "$1")" = "$2" ] || { echo "# $1's table changed"; return 1; }; }
check "order: the kernel is done with the handshakes; the table still holds all 16" \
	eval 'unchanged "$B" "$initial" && stats_are "$B" $MAX 0 0'

# step N: the N-th new connection A -> B evicted the entry the order names.
ORDER=("${TW[@]}" "${SR[@]}")
step_ok() {
	local n=$1 k=$(($1 < ${#ORDER[@]} ? $1 : ${#ORDER[@]}))
	mix_is "$B" "$(left_after "$n")" && stats_are "$B" $MAX "$n" 0 &&
		lacks "$B" "${ORDER[@]:0:k}" &&
		{ [ "$k" = ${#ORDER[@]} ] || has "$B" "${ORDER[@]:k}"; } &&
		has "$B" "${KEEP[@]}"
}
for n in $(seq 1 $EVICTABLE); do
	open_one "$A" 10.77.0.2:8304
	wait_for 15 eval '[ "$(obs_stat $B evicted)" -ge $n ] &&
		[ "$(obs_state_count $B ESTABLISHED)" -ge $((NUM[ESTABLISHED] + n)) ]'
	v=$(victim_of "$n")
	case $v in
	TIME_WAIT | SYN_RECV) what="the longest idle $v (${ORDER[n - 1]% *})" ;;
	*) what="a $v" ;;
	esac
	check "order: new connection $n evicts $what, nothing else" step_ok "$n"
done
# Only ESTABLISHED and CLOSE_WAIT are left: the next one is refused.
before=$(obs_conns "$B")
open_one "$A" 10.77.0.2:8304
wait_for 15 eval '[ "$(est_b 8304)" = $((NUM[ESTABLISHED] + EVICTABLE + 1)) ]'
sleep $(((2 * OBS_TICK_MS * OBS_SLOW + 999) / 1000))
echo "# B: $(mix "$B"); evicted $(obs_stat "$B" evicted), refused $(obs_stat "$B" refused)"
refused_ok() {
	mix_is "$B" "$(left_after $EVICTABLE)" && stats_are "$B" $MAX $EVICTABLE - &&
		[ "$(obs_stat "$B" refused)" -gt 0 ] && unchanged "$B" "$before"
}
check "order: with only ESTABLISHED and CLOSE_WAIT left, a new connection is refused, nothing evicted" \
	refused_ok
# (the evicted TIME_WAIT and FIN_WAIT2 sockets are still in ss too)
untracked=$(comm -13 <(obs_conns "$B") <(ss_conns "$B" | grep -E ' (ESTABLISHED|CLOSE_WAIT)$'))
echo "# in ss, not tracked: $untracked"
untracked_ok() {
	[ "$(grep -c . <<<"$untracked")" = 1 ] &&
		grep -q '^10\.77\.0\.2:8304 10\.77\.0\.1:[0-9]* ESTABLISHED$' <<<"$untracked" &&
		has "$B" "${KEEP[@]}"
}
check "order: the refused connection is in ss but not tracked; the first 4 ESTABLISHED and 2 CLOSE_WAIT are all kept" \
	untracked_ok
loadgen_stop_all
netns_cleanup

# ---- flood
obs_pair "$C" "$D"
setup obs_sysctl "$D" max_tracked $MAX
setup ip netns exec "$D" sysctl -qw net.ipv4.tcp_synack_retries=0
obs_serve "$D" 10.77.0.2 8306-8307 -m echo -d 600
loadgen_bg "$C" client -t 10.77.0.2:8306 -n 6 -N 6 -H 600000 -c fin -d 600
wait_for 15 eval '[ "$(obs_state_count $D ESTABLISHED)" = 6 ]'
check "flood: D's table holds the 6 held connections, as ss does" \
	eval 'conns_match_ss "$D" . 6 && stats_are "$D" 6 0 0'
held=$(obs_conns "$D")
mapfile -t KEEP < <(grep ' ESTABLISHED$' <<<"$held")
samples=$(mktemp)
# sample the table's size (entries) while the SYNs come (conns' lines
# would not do: a walk of the table may see an entry evicted behind it and
# its successor ahead)
(
	while :; do
		obs_stat "$D" entries
		sleep 0.05
	done
) >"$samples" 2>/dev/null &
sampler=$!
echo "# + syn_raw $C 10.77.0.2 8307 10.77.0.100 50 20001 $FLOOD 10"
mapfile -t sent < <(syn_raw "$C" 10.77.0.2 8307 10.77.0.100 50 20001 $FLOOD 10)
sleep 0.3
loadgen_stop "$sampler"
echo "# sent ${#sent[@]} SYNs, ${sent[0]:-} .. ${sent[${#sent[@]} - 1]:-}"
echo "# D: $(mix "$D"); evicted $(obs_stat "$D" evicted), refused $(obs_stat "$D" refused)"
nsamples=$(grep -c . "$samples")
peak=$(sort -n "$samples" | tail -n 1)
echo "# $nsamples samples of the table's size while the SYNs came, at most ${peak:-none}"
check "flood: the table never held more than $MAX entries while $FLOOD SYNs came" \
	test ${#sent[@]} = $FLOOD -a "$nsamples" -ge 3 -a "${peak:-0}" = $MAX
check "flood: $((FLOOD - FREE)) SYN_RECV entries evicted (the flood less the free places), none refused" \
	stats_are "$D" $MAX $((FLOOD - FREE)) 0
check "flood: the 6 ESTABLISHED entries are all kept" \
	eval 'mix_is "$D" "$(states ESTABLISHED 6 SYN_RECV $FREE)" && has "$D" "${KEEP[@]}"'
newest=$(for s in "${sent[@]: -FREE}"; do echo "10.77.0.2:8307 $s SYN_RECV"; done | sort)
newest_ok() {
	local left
	left=$(obs_conns "$D" | grep ' SYN_RECV$')
	[ "$(grep -c . <<<"$newest")" = $FREE ] && [ "$left" = "$newest" ] && return 0
	echo "# SYN_RECV left:"; sed 's/^/#   /' <<<"$left"
	return 1
}
check "flood: the SYN_RECV entries left are those of the last $FREE SYNs (recycled)" \
	newest_ok
rm -f "$samples"
loadgen_stop_all
netns_cleanup
ktap_finish
