# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers of the lens congestion-control selftests (tcplens_cc_*.sh) and of
# scripts/bench-guest. Source it after lib.sh.

LENS_PARAMS=/sys/module/tcp_lens/parameters
LENS_TRACE=/sys/kernel/tracing/instances/tcplens_cc

# lens_fresh [PARAM=VALUE...]: tcp_lens freshly loaded, from the installed
# modules, with these parameters.
lens_fresh() {
	if tcplens_loaded tcp_lens; then
		rmmod tcp_lens || return 1
	fi
	tcplens_install_modules || return 1
	run modprobe tcp_lens "$@"
}

# lens_param NAME [VALUE]: read, or write, a module parameter in /sys.
lens_param() {
	if [ $# -gt 1 ]; then
		echo "# + echo $2 > $LENS_PARAMS/$1"
		echo "$2" >"$LENS_PARAMS/$1"
	else
		cat "$LENS_PARAMS/$1"
	fi
}

# lens_cc NS KEY: the value of KEY in NS's /proc/net/tcplens/cc.
lens_cc() {
	ip netns exec "$1" awk -v k="$2" '$1 == k { print $2 }' /proc/net/tcplens/cc
}

# lens_conns NS [COLUMN...]: NS's cc_conns lines, without the header;
# with COLUMNs (header names), only those columns.
lens_conns() {
	local ns=$1
	shift
	ip netns exec "$ns" awk -v cols="$*" '
	NR == 1 {
		for (i = 1; i <= NF; i++)
			idx[$i] = i
		n = split(cols, want, " ")
		for (j = 1; j <= n; j++)
			if (!(want[j] in idx)) {
				print "lens_conns: no column " want[j] > "/dev/stderr"
				exit 1
			}
		next
	}
	!n { print; next }
	{
		line = $(idx[want[1]])
		for (j = 2; j <= n; j++)
			line = line " " $(idx[want[j]])
		print line
	}' /proc/net/tcplens/cc_conns
}

# lens_show_conns NS: cc_conns as test diagnostics.
lens_show_conns() {
	ip netns exec "$1" cat /proc/net/tcplens/cc_conns | sed 's/^/#   /'
}

# lens_trace_start: record tcp_lens:lens_cwnd in a tracing instance of our
# own, so that nobody else's tracing is disturbed.
lens_trace_start() {
	[ -d /sys/kernel/tracing/instances ] ||
		mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
	mkdir -p "$LENS_TRACE" &&
	echo 4096 >"$LENS_TRACE/buffer_size_kb" &&
	: >"$LENS_TRACE/trace" &&
	echo 1 >"$LENS_TRACE/events/tcp_lens/lens_cwnd/enable"
}

# lens_trace_stop: stop recording; the buffer stays readable.
lens_trace_stop() {
	[ -e "$LENS_TRACE/events/tcp_lens/lens_cwnd/enable" ] &&
		echo 0 >"$LENS_TRACE/events/tcp_lens/lens_cwnd/enable"
	return 0
}

# lens_trace_remove: drop the instance (an enabled event pins the module).
lens_trace_remove() {
	lens_trace_stop
	[ -d "$LENS_TRACE" ] && rmdir "$LENS_TRACE"
	return 0
}

# lens_trace_events [REASON]: the recorded events as "reason phase
# cwnd_old cwnd ssthresh_old ssthresh sport phase_old inflight", optionally
# of one reason.
lens_trace_events() {
	awk -v want="${1:-}" '
	/ lens_cwnd: / {
		for (i = 1; i <= NF; i++) {
			split($i, kv, "=")
			f[kv[1]] = kv[2]
		}
		if (want != "" && f["reason"] != want)
			next
		split(f["cwnd"], c, "->")
		split(f["ssthresh"], s, "->")
		print f["reason"], f["phase"], c[1], c[2], s[1], s[2], f["sport"],
			f["phase_old"], f["inflight"]
	}' "$LENS_TRACE/trace"
}
