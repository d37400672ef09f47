# SPDX-License-Identifier: GPL-2.0
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
LOADGEN=$TCPLENS_BIN/tcplens_loadgen

ktap_n=0
ktap_fail=0
ktap_skip=0

ktap_header() { echo "TAP version 13"; echo "1..$1"; }

# ktap_result OK|FAIL|SKIP DESCRIPTION [REASON]
ktap_result() {
	ktap_n=$((ktap_n + 1))
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
	echo "# totals: $((ktap_n - ktap_fail - ktap_skip)) pass, $ktap_fail fail, $ktap_skip skip"
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

# run_nested PROGRAM [ARGS...]: run a TAP-printing program (a kselftest
# harness binary) inside this test; its lines become "# " diagnostics.
run_nested() {
	echo "# + $*"
	"$@" 2>&1 | sed 's/^/# /'
	return "${PIPESTATUS[0]}"
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
# and the congestion-control autoloader find them. Idempotent.
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
wait_for() {
	local deadline=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -ge "$deadline" ] && return 1
		sleep 0.2
	done
}
