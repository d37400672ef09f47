# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers of the observer selftests (tcplens_obs_*.sh). Source it after
# lib.sh.

# The debug kernel (KASAN, lockdep, kmemleak) under TCG runs several times
# slower: scale waits and load generator durations by OBS_SLOW there, and
# poll once a second (each poll's execs cost seconds there, not ms).
if [ "${TCPLENS_KERNEL:-}" = debug ]; then
	OBS_SLOW=${OBS_SLOW:-5}
	WAIT_POLL=${WAIT_POLL:-1}
else
	OBS_SLOW=${OBS_SLOW:-1}
fi

# wait_for SECONDS COMMAND...: lib.sh's, with SECONDS scaled by OBS_SLOW.
eval "lib_$(declare -f wait_for)"
wait_for() {
	local t=$(($1 * OBS_SLOW))
	shift
	lib_wait_for "$t" "$@"
}

# obs_load: fresh modules, observer loaded.
obs_load() {
	tcplens_unload_all >/dev/null 2>&1
	tcplens_install_modules || { echo "# make install failed"; exit $KSFT_FAIL; }
	run modprobe tcplens_observer || { echo "# modprobe failed"; exit $KSFT_FAIL; }
	OBS_TICK_MS=$(cat /sys/module/tcplens_observer/parameters/tick_ms)
}

# obs_pair A B: two namespaces joined by a veth pair (a step that fails
# bails out: no scenario runs on half a topology),
# A = 10.77.0.1 / fd00:77::1, B = 10.77.0.2 / fd00:77::2.
obs_pair() {
	setup netns_add "$1" "$2"
	setup ip link add veth0 netns "$1" type veth peer name veth0 netns "$2"
	setup ip -n "$1" addr add 10.77.0.1/24 dev veth0
	setup ip -n "$2" addr add 10.77.0.2/24 dev veth0
	setup ip -n "$1" addr add fd00:77::1/64 dev veth0 nodad
	setup ip -n "$2" addr add fd00:77::2/64 dev veth0 nodad
	setup ip -n "$1" link set veth0 up
	setup ip -n "$2" link set veth0 up
}

# obs_router A R B: client A and server B on two links through router R,
# which forwards and observes forwarded traffic (net.tcplens.forward=1);
# a step that fails bails out, as in obs_pair.
# A = 10.79.1.1 / fd00:79:1::1, B = 10.79.2.1 / fd00:79:2::1; R has .2 on
# each link.
obs_router() {
	local a=$1 r=$2 b=$3 l
	setup netns_add "$a" "$r" "$b"
	setup ip link add veth0 netns "$a" type veth peer name veth1 netns "$r"
	setup ip link add veth2 netns "$r" type veth peer name veth0 netns "$b"
	setup ip -n "$a" addr add 10.79.1.1/24 dev veth0
	setup ip -n "$a" addr add fd00:79:1::1/64 dev veth0 nodad
	setup ip -n "$r" addr add 10.79.1.2/24 dev veth1
	setup ip -n "$r" addr add fd00:79:1::2/64 dev veth1 nodad
	setup ip -n "$r" addr add 10.79.2.2/24 dev veth2
	setup ip -n "$r" addr add fd00:79:2::2/64 dev veth2 nodad
	setup ip -n "$b" addr add 10.79.2.1/24 dev veth0
	setup ip -n "$b" addr add fd00:79:2::1/64 dev veth0 nodad
	for l in "$a veth0" "$r veth1" "$r veth2" "$b veth0"; do
		setup ip -n "${l% *}" link set "${l#* }" up
	done
	setup ip -n "$a" route add default via 10.79.1.2
	setup ip -n "$a" -6 route add default via fd00:79:1::2
	setup ip -n "$b" route add default via 10.79.2.2
	setup ip -n "$b" -6 route add default via fd00:79:2::2
	setup ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=1
	setup ip netns exec "$r" sysctl -qw net.ipv6.conf.all.forwarding=1
	setup obs_sysctl "$r" forward 1
}

# router_conns R: the forwarded entries of router R, as the server's ss
# would list them (the responder is the local side).
router_conns() {
	local -
	set -o pipefail
	obs_cat "$1" conns |
		awk 'NR > 1 && $4 != "CLOSE" && $NF == "fwd" { print $2, $3, $4 }' | sort
}

# router_match_server R B [REGEX [COUNT]]: R's forwarded entries agree
# with ss in B (only those whose line matches REGEX, if given); COUNT as
# for lists_agree.
router_match_server() {
	local o k
	o=$(router_conns "$1") || { echo "# cannot read conns in $1"; return 1; }
	k=$(ss_conns "$2") || { echo "# ss failed in $2"; return 1; }
	lists_agree "router $1 and ss in $2" "${3:-.}" "$o" "$k" "${4:-}"
}

# obs_sysctl NS NAME VALUE
obs_sysctl() {
	ip netns exec "$1" sysctl -qw "net.tcplens.$2=$3"
}

# obs_cat NS FILE
obs_cat() {
	ip netns exec "$1" cat "/proc/net/tcplens/$2"
}

# obs_conns NS: "local remote STATE" of tracked connections, sorted
# (CLOSE entries are about to be collected: left out).
obs_conns() {
	local -
	set -o pipefail
	obs_cat "$1" conns | awk 'NR > 1 && $4 != "CLOSE" { print $2, $3, $4 }' | sort
}

# ss_conns NS: the same from ss(8), kernel state names, no listeners.
ss_conns() {
	local -
	set -o pipefail
	ip netns exec "$1" ss -Htan | awk '
	BEGIN {
		m["ESTAB"] = "ESTABLISHED"; m["SYN-SENT"] = "SYN_SENT"
		m["SYN-RECV"] = "SYN_RECV"; m["FIN-WAIT-1"] = "FIN_WAIT1"
		m["FIN-WAIT-2"] = "FIN_WAIT2"; m["TIME-WAIT"] = "TIME_WAIT"
		m["CLOSE-WAIT"] = "CLOSE_WAIT"; m["LAST-ACK"] = "LAST_ACK"
		m["CLOSING"] = "CLOSING"
	}
	$1 in m { print $4, $5, m[$1] }' | sort
}

# conns_match_ss NS [REGEX [COUNT]]: the observer agrees with ss on every
# 4-tuple (only those whose line matches REGEX, if given); COUNT as for
# lists_agree. The scenarios give their own port: an earlier scenario's
# TIME_WAIT ends at 2MSL in the observer but up to a timer-wheel granule
# (seconds at 60 s) later in ss.
conns_match_ss() {
	local o k
	o=$(obs_conns "$1") || { echo "# cannot read conns in $1"; return 1; }
	k=$(ss_conns "$1") || { echo "# ss failed in $1"; return 1; }
	lists_agree "conns and ss in $1" "${2:-.}" "$o" "$k" "${3:-}"
}

# lists_agree WHAT REGEX A B [COUNT]: the lines of A and B that match REGEX
# are the same ("local remote STATE" lists, sorted); a diff is shown if
# not. There must be COUNT of them (0: the scenario expects none); without
# COUNT at least one, so that two empty lists never agree by accident.
lists_agree() {
	local a b n
	a=$(grep -E -- "$2" <<<"$3")
	b=$(grep -E -- "$2" <<<"$4")
	if [ "$a" != "$b" ]; then
		echo "# $1 differ (< observer, > ss):"
		diff <(echo "$a") <(echo "$b") | head -n 20 | sed 's/^/#   /'
		return 1
	fi
	n=$(grep -c . <<<"$a")
	if [ -n "${5:-}" ] && [ "$n" != "$5" ]; then
		echo "# $1 agree on $n connections, but the scenario has $5"
		return 1
	elif [ -z "${5:-}" ] && [ "$n" = 0 ]; then
		echo "# $1: nothing to compare (no connection matches '$2')"
		return 1
	fi
	echo "# $1: $n connections agree"
}

# obs_state_count NS STATE: the states file's count.
obs_state_count() {
	obs_cat "$1" states | awk -v s="$2" '$1 == s { print $2 }'
}

# state_count_like_ss NS STATE SS_STATE: the states file counts STATE as
# ss counts SS_STATE in NS. Sockets keep ageing out between the two reads
# (an earlier scenario's TIME_WAIT on a slow kernel), so a count is judged
# only when ss gives the same number before and after the observer's read;
# it is retried for a few seconds, and the last numbers are shown.
state_count_like_ss() {
	local _ a o b
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		a=$(ip netns exec "$1" ss -Htan state "$3" | wc -l)
		o=$(obs_state_count "$1" "$2")
		b=$(ip netns exec "$1" ss -Htan state "$3" | wc -l)
		[ "$a" = "$b" ] && [ "$o" = "$a" ] && return 0
		sleep 0.5
	done
	echo "# $2 in $1: ss $a then $b, observer ${o:-nothing}"
	return 1
}

# obs_stat NS NAME
obs_stat() {
	obs_cat "$1" stats | awk -v k="$2" '$1 == k { print $2 }'
}

# obs_anomalies NS: the anomalies file into ANOMALIES; fails, saying so,
# if it cannot be read (a check on it must never pass on nothing).
obs_anomalies() {
	ANOMALIES=$(obs_cat "$1" anomalies) && return 0
	echo "# cannot read /proc/net/tcplens/anomalies in $1" >&2
	return 1
}

# anomaly_line NS KIND LOCAL: the raised anomaly's line, if any.
anomaly_line() {
	obs_anomalies "$1" || return 1
	awk -v k="$2" -v p="$3" '$1 == k && $3 == p' <<<"$ANOMALIES"
}

# anomaly_remote_line NS KIND REMOTE
anomaly_remote_line() {
	obs_anomalies "$1" || return 1
	awk -v k="$2" -v r="$3" '$1 == k && $4 == r' <<<"$ANOMALIES"
}

anomaly_raised() { local l; l=$(anomaly_line "$@") && [ -n "$l" ]; }
anomaly_gone() { local l; l=$(anomaly_line "$@") && [ -z "$l" ]; }
anomaly_remote_gone() { local l; l=$(anomaly_remote_line "$@") && [ -z "$l" ]; }

# anomaly_wait SECONDS NS KIND WHERE [COUNT]: wait until KIND is raised on
# WHERE, a local port or a remote address:port, with COUNT members if
# given (each connection joins at the tick its own age crosses the
# threshold, so the first raise may not have them all yet). The last line
# read is left in ANOM_LINE.
anomaly_wait() {
	local t=$1
	shift
	ANOM_LINE=
	wait_for "$t" anomaly_has "$@"
}

anomaly_has() {
	obs_anomalies "$1" || return 1
	ANOM_LINE=$(awk -v k="$2" -v w="$3" '$1 == k && ($3 == w || $4 == w)' <<<"$ANOMALIES")
	[ -n "$ANOM_LINE" ] && { [ -z "${4:-}" ] ||
		[ "$(awk '{ print $5 }' <<<"$ANOM_LINE")" = "$4" ]; }
}

# anomaly_total NS KIND FIELD: FIELD is raised, cleared or active.
anomaly_total() {
	obs_cat "$1" anomalies | awk -v k="$2" -v f="$3" '
		$1 == "total" && $2 == k {
			print (f == "raised") ? $3 : (f == "cleared") ? $4 : $5
		}'
}

# anomaly_none NS: nothing raised, ever.
anomaly_none() {
	local n
	obs_anomalies "$1" || return 1
	grep -q '^total ' <<<"$ANOMALIES" || { echo "# no totals in the anomalies file of $1"; return 1; }
	n=$(awk '$1 == "total" && $2 != "kind" { s += $3 } END { print s + 0 }' <<<"$ANOMALIES")
	[ "$n" = 0 ] || { sed 's/^/#   /' <<<"$ANOMALIES"; return 1; }
}

# raised_in_time LINE THRESHOLD_MS: the anomaly was raised within its
# threshold + one tick of its oldest member's start (oldest_ms - raised_ms
# is measured in the kernel), with one more tick and 200 ms of scheduling
# slack: the tick is delayed work, and an emulated vCPU can stall it (a
# fresh-clone run saw up to threshold + 100 ms with a 100-ms tick).
raised_in_time() {
	local oldest raised delay
	oldest=$(awk '{ print $6 }' <<<"$1")
	raised=$(awk '{ print $7 }' <<<"$1")
	delay=$((oldest - raised))
	echo "# raised ${delay} ms after the cause (threshold $2 ms, tick $OBS_TICK_MS ms)"
	[ "$delay" -ge $(($2 - 10)) ] &&
		[ "$delay" -le $(($2 + 2 * OBS_TICK_MS * OBS_SLOW + 200)) ]
}

# loadgen_bg NS ARGS...: start the load generator in the background;
# its PID is left in LG_PID (ip netns exec execs it: same process).
loadgen_bg() {
	local ns=$1
	shift
	local args=() prev=
	for a in "$@"; do
		case $prev in -d | -H) a=$((a * OBS_SLOW)) ;; esac
		args+=("$a")
		prev=$a
	done
	echo "# + ip netns exec $ns $LOADGEN ${args[*]} &"
	ip netns exec "$ns" "$LOADGEN" "${args[@]}" -q >/dev/null 2>&1 &
	# shellcheck disable=SC2034 # read by the tests
	LG_PID=$!
}

# obs_serve NS ADDR PORT[-PORT] ARGS...: a load generator server on
# ADDR:PORT, started in the background and listening on return; its PID is SRV_PID.
obs_serve() {
	local ns=$1 addr=$2 port=$3 last=${3##*-}
	shift 3
	loadgen_bg "$ns" server -l "$addr" -p "$port" "$@"
	# shellcheck disable=SC2034 # read by the tests
	SRV_PID=$LG_PID
	wait_for 5 eval "ip netns exec $ns ss -Htln 'sport = :$last' | grep -q $last" && return 0
	echo "Bail out! the load generator server on $addr:$port in $ns never listened"
	exit "$KSFT_FAIL"
}

# rst_storm_scenario WATCH SRV CLI FAMILY ADDR TARGET PORT RATE: a server
# in SRV on ADDR:PORT aborts every connection, clients in CLI open 100 a
# second for 6 s. WATCH (the server's namespace, or a router's) raises
# rst_storm on PORT at >= RATE RSTs/s, and clears it once the clients stop.
# The wait outlasts the clients: their start can take seconds under TCG.
rst_storm_scenario() {
	local ns=$1 fam=$4 port=$7 rate=$8 line
	obs_serve "$2" "$5" "$port" -m rst -d 20
	loadgen_bg "$3" client -t "$6" -n 10 -r 100 -d 6
	anomaly_wait 8 "$ns" rst_storm "$port"
	line=$ANOM_LINE
	echo "# $line"
	check "$fam: rst_storm raised in $ns on port $port" test -n "$line"
	check "$fam: ... at >= $rate RSTs/s" \
		test "$(awk '{ print $5 }' <<<"${line:-x 0 0 0 0}")" -ge "$rate"
	check "$fam: rst_storm cleared in $ns once the clients stop" \
		wait_for 8 anomaly_gone "$ns" rst_storm "$port"
	loadgen_stop_all
}

# loadgen_stop PID...: stop load generators and reap them.
loadgen_stop() {
	kill "$@" 2>/dev/null
	wait "$@" 2>/dev/null
	return 0
}

# loadgen_stop_all: a scenario is over: stop whatever it left running in
# the background (a server or client still inside its --duration) and
# reap it, rather than wait out the duration.
loadgen_stop_all() {
	local pids
	pids=$(jobs -pr)
	# shellcheck disable=SC2086 # one word per PID
	[ -z "$pids" ] || kill $pids 2>/dev/null
	wait
	return 0
}
