# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared helpers of the tcplens shell selftests. Source it.
#
# Environment (set by scripts/selftests-guest; each has a fallback so a test
# can be run by hand on a host that has the modules installed):
#   TCPLENS_MODSRC  kbuild dir holding tcplens.ko, tcp_lens.ko, ...
#   TCPLENS_KDIR    the kernel build dir the modules were built against
#   TCPLENS_BIN     where the selftest binaries (tcplens_loadgen) were built

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

TCPLENS_SELFTESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TCPLENS_TOP=${TCPLENS_TOP:-$(cd "$TCPLENS_SELFTESTS/.." && pwd)}
TCPLENS_BIN=${TCPLENS_BIN:-$TCPLENS_SELFTESTS}
# shellcheck disable=SC2034 # used by the tests that source this
LOADGEN=$TCPLENS_BIN/tcplens_loadgen

ktap_n=0
ktap_fail=0
ktap_skip=0
ktap_t=$SECONDS

ktap_header() { echo "TAP version 13"; echo "1..$1"; }

# ktap_result OK|FAIL|SKIP DESCRIPTION [REASON]
# A result that took 5 s or more since the previous one says how long:
# where a run's time goes is then read off its TAP.
ktap_result() {
	ktap_n=$((ktap_n + 1))
	[ $((SECONDS - ktap_t)) -lt 5 ] || echo "# ($((SECONDS - ktap_t)) s since the previous result)"
	ktap_t=$SECONDS
	case $1 in
	OK) echo "ok $ktap_n $2" ;;
	FAIL) ktap_fail=$((ktap_fail + 1)); echo "not ok $ktap_n $2${3:+ # $3}" ;;
	SKIP) ktap_skip=$((ktap_skip + 1)); echo "ok $ktap_n $2 # SKIP ${3:-}" ;;
	esac
}

# check DESCRIPTION COMMAND...: one test point, pass if COMMAND succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then
		ktap_result OK "$desc"
	else
		ktap_result FAIL "$desc" "command failed: $*"
	fi
}

# ktap_finish: exit with the kselftest code the results add up to.
ktap_finish() {
	echo "# totals: $((ktap_n - ktap_fail - ktap_skip)) pass, $ktap_fail fail, $ktap_skip skip, in $SECONDS s"
	[ "$ktap_fail" -gt 0 ] && exit $KSFT_FAIL
	[ "$ktap_n" -gt 0 ] && [ "$ktap_skip" = "$ktap_n" ] && exit $KSFT_SKIP
	exit $KSFT_PASS
}

# skip_all REASON: the whole test cannot run here.
skip_all() {
	echo "1..0 # SKIP $1"
	exit $KSFT_SKIP
}

# run COMMAND...: echo what runs (as WireGuard's netns.sh does), then run it.
run() {
	echo "# + $*"
	"$@"
}

# setup COMMAND...: run a step the test cannot go on without; if it fails,
# bail out (KTAP "Bail out!") and fail the whole test.
setup() {
	run "$@" && return 0
	echo "Bail out! setup failed: $*"
	exit $KSFT_FAIL
}

# run_nested PROGRAM [ARGS...]: run a TAP-printing program (a kselftest
# harness binary) inside this test; its lines become "# " diagnostics.
run_nested() {
	echo "# + $*"
	"$@" 2>&1 | sed 's/^/# /'
	return "${PIPESTATUS[0]}"
}

# usage_errors "PROGRAM [ARG...]" ARGS...: PROGRAM, given each ARGS string
# in turn (split into words), exits 2 and says why on stderr.
usage_errors() {
	local prog=$1 args rc bad=0 err
	shift
	err=$(mktemp)
	for args in "$@"; do
		# shellcheck disable=SC2086 # one word per argument
		$prog $args >/dev/null 2>"$err"
		rc=$?
		[ "$rc" = 2 ] && [ -s "$err" ] && continue
		echo "# '${prog##*/} $args' exited $rc (not 2) or said nothing"
		bad=1
	done
	rm -f "$err"
	return $bad
}

need_root() { [ "$(id -u)" = 0 ] || skip_all "must be root"; }

need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || skip_all "'$c' is not installed"
	done
}

# tcplens_install_modules: `make install` the modules built for the running
# kernel into its (in the VM: copy-on-write) module tree, so that modprobe
# and the congestion-control autoloader find them. Idempotent: nothing to
# do where they are installed already (scripts/check installs them on the
# host, into the module tree the VM boots with).
tcplens_install_modules() {
	local rel
	rel=$(uname -r)
	if modinfo -n tcp_lens 2>/dev/null | grep -q "/extra/"; then
		return 0
	fi
	[ -n "${TCPLENS_MODSRC:-}" ] && [ -e "$TCPLENS_MODSRC/tcp_lens.ko" ] ||
		{ modinfo tcp_lens >/dev/null 2>&1 && return 0; skip_all "tcp_lens is neither built (TCPLENS_MODSRC) nor installed"; }
	echo "# installing the modules from $TCPLENS_MODSRC into /lib/modules/$rel/extra"
	make -s -C "$TCPLENS_MODSRC" -f "$TCPLENS_TOP/Makefile" install \
		KDIR="$TCPLENS_KDIR" KERNELRELEASE="$rel" INSTALL_MOD_STRIP=1 \
		>/tmp/tcplens-install.log 2>&1 ||
		{ cat /tmp/tcplens-install.log; return 1; }
}

tcplens_loaded() { [ -d "/sys/module/$1" ]; }

# tcplens_unload_all: unload the three modules, users first.
tcplens_unload_all() {
	local m
	for m in tcp_lens tcplens_observer tcplens; do
		if tcplens_loaded "$m"; then
			rmmod "$m" || return 1
		fi
	done
}

# Network namespaces created by a test, removed by netns_cleanup.
TCPLENS_NETNS=()

netns_add() {
	local ns
	for ns in "$@"; do
		ip netns add "$ns" || return 1
		ip -n "$ns" link set lo up
		TCPLENS_NETNS+=("$ns")
	done
}

netns_cleanup() {
	local ns
	for ns in "${TCPLENS_NETNS[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	TCPLENS_NETNS=()
}

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds.
# The clock is bash's own $EPOCHSECONDS: on the debug kernel under TCG an
# exec costs over a second, and a poll must not pay one for the time.
wait_for() {
	local deadline=$((EPOCHSECONDS + $1))
	shift
	until "$@"; do
		[ "$EPOCHSECONDS" -ge "$deadline" ] && return 1
		sleep "${WAIT_POLL:-0.2}"
	done
}

# ---------------------------------------------------------------------------
# topo3: the path of the congestion-control tests and of scripts/bench,
# three namespaces in a line (names chosen by the caller):
#
#   +-------------+      +--------------------------------+      +-------------+
#   | sender S    |      | router R (ip_forward)          |      | receiver D  |
#   |   10.98.1.1 s0 --- r0 10.98.1.2        10.98.2.1 r1 --- d0 10.98.2.2   |
#   +-------------+ veth | r0 egress: netem delay (RTT)   | veth +-------------+
#                        | r1 egress: netem rate, loss,   |
#                        |   limit = the bottleneck buffer|
#                        +--------------------------------+
#
# Data flows S -> D. Both qdiscs are on the router; the delay is put on the
# ACKs' way back rather than next to the rate because netem, given both a
# rate and a delay, counts a packet's queueing time as part of its delay: a
# standing queue would not lengthen the RTT until it outgrew the delay, and
# HyStart++ could not see it. Split this way the RTT is the delay plus the
# queueing at r1, and r1's netem limit is the buffer, in packets.
# Segmentation offloads are off on s0, so that netem sees (and drops) wire
# segments, not 64 KB aggregates; the sender keeps no TCP metrics, so that
# every connection starts from the same slow start.

TOPO3_S_ADDR=10.98.1.1
TOPO3_D_ADDR=10.98.2.2

# topo3_create S R D: create and wire the three namespaces (unshaped).
topo3_create() {
	TOPO3_S=$1 TOPO3_R=$2 TOPO3_D=$3
	netns_add "$1" "$2" "$3" || return 1
	run ip link add s0 netns "$1" type veth peer name r0 netns "$2" &&
	run ip link add r1 netns "$2" type veth peer name d0 netns "$3" &&
	run ip -n "$1" addr add "$TOPO3_S_ADDR/24" dev s0 &&
	run ip -n "$2" addr add 10.98.1.2/24 dev r0 &&
	run ip -n "$2" addr add 10.98.2.1/24 dev r1 &&
	run ip -n "$3" addr add "$TOPO3_D_ADDR/24" dev d0 &&
	ip -n "$1" link set s0 up && ip -n "$2" link set r0 up &&
	ip -n "$2" link set r1 up && ip -n "$3" link set d0 up &&
	run ip -n "$1" route add default via 10.98.1.2 &&
	run ip -n "$3" route add default via 10.98.2.1 &&
	ip netns exec "$2" sysctl -qw net.ipv4.ip_forward=1 &&
	run ip netns exec "$1" ethtool -K s0 tso off gso off >/dev/null &&
	ip netns exec "$1" sysctl -qw net.ipv4.tcp_no_metrics_save=1 \
		net.ipv4.tcp_wmem="4096 131072 16777216" &&
	ip netns exec "$3" sysctl -qw net.ipv4.tcp_rmem="4096 131072 16777216"
}

# topo3_bdp_pkts MBIT RTT_MS: one bandwidth-delay product in full-size
# frames (1514 bytes on the wire, as netem counts them), rounded up.
topo3_bdp_pkts() {
	echo $((($1 * 1000 * $2 / 8 + 1513) / 1514))
}

# topo3_path RATE RTT LIMIT LOSS: shape the path, e.g. 50mbit 40ms 166 1%.
# LIMIT is the bottleneck buffer in packets; LOSS is random and applies to
# the data direction only.
topo3_path() {
	run tc -n "$TOPO3_R" qdisc replace dev r1 root netem rate "$1" \
		limit "$3" loss "$4" &&
	run tc -n "$TOPO3_R" qdisc replace dev r0 root netem delay "$2" \
		limit 100000
}

# topo3_iperf_server PORT...: iperf3 servers in D (stopped by netns_cleanup).
topo3_iperf_server() {
	local p
	for p in "$@"; do
		run ip netns exec "$TOPO3_D" iperf3 -s -D -p "$p" \
			--logfile "/tmp/topo3-iperf-$TOPO3_D-$p.log" || return 1
		wait_for 5 eval "ip netns exec $TOPO3_D ss -Htln 'sport = :$p' | grep -q ." ||
			return 1
	done
}

# topo3_retrans: the sender namespace's TcpRetransSegs counter.
topo3_retrans() {
	ip netns exec "$TOPO3_S" nstat -saz TcpRetransSegs |
		awk '$1 == "TcpRetransSegs" { print $2 }'
}

# tcplens_rmmod_busy MODULE: rmmod must fail with EBUSY ("in use") and
# leave the module loaded.
tcplens_rmmod_busy() {
	local err
	err=$(rmmod "$1" 2>&1) && return 1
	echo "# rmmod said: $err"
	tcplens_loaded "$1" && grep -qi "in use" <<<"$err"
}

# einval COMMAND...: COMMAND fails, and says why: EINVAL ("Invalid
# argument"), not just any error.
einval() {
	local err
	err=$("$@" 2>&1) && { echo "# accepted: $*"; return 1; }
	echo "# $*: $err"
	grep -q "Invalid argument" <<<"$err"
}

# median N...: the median of integers (the lower middle for an even count).
median() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
