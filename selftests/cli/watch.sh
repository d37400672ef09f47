#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# watch.sh: `tcplens watch` in a real terminal, a detached tmux session
# of 120x40, against a copy of the recorded files of busy/ (run.sh):
#
#   tmux (private server, -L) -- pane: stty -g; tcplens watch; stty -g
#                                  ^ send-keys q / C-c, capture-pane
#
# The screen shows every non-empty state, each active anomaly with its
# ages and the lens counters; a refresh shows what changed in the files
# (and by how much a counter grew); files that go away are reported, not
# fatal; q and Ctrl-C quit with status 0 and give the terminal back as it
# was (same stty settings, the alternate screen left). Without a terminal,
# with nothing to read and with bad arguments it fails with the documented
# status. Prints TAP; exits 1 if a point failed.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
TOOL=$TCPLENS_TOP/scripts/tcplens
tmp=$(mktemp -d)
sock=tcplens-watch-$$
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT

ktap_header 9
if ! command -v tmux >/dev/null; then
	for i in 1 2 3 4 5 6 7 8 9; do ktap_result FAIL "watch $i" "tmux is not installed (scripts/setup installs it)"; done
	ktap_finish
fi
cp -r "$here/busy" "$tmp/proc"

# pane_start NAME ARGS...: a pane running `tcplens --proc COPY watch
# ARGS`, between two `stty -g` readings, then saying how it exited.
pane_start() {
	local name=$1
	shift
	run tmux -L "$sock" new-session -d -x 120 -y 40 -s "$name" \
		"stty -g >$tmp/$name.before; $TOOL --proc $tmp/proc watch $*; echo EXIT=\$? >$tmp/$name.rc; stty -g >$tmp/$name.after; sleep 600"
}
pane() { tmux -L "$sock" capture-pane -p -t "$1"; }
# shows NAME REGEX [SECONDS]: the pane shows a line matching REGEX within
# SECONDS (default 10); the pane is printed if not.
shows() {
	local i
	for ((i = 0; i < ${3:-10} * 10; i++)); do
		pane "$1" | grep -qE -- "$2" && return 0
		sleep 0.1
	done
	echo "# pane $1 never showed '$2':"
	pane "$1" | sed 's/^/#   /'
	return 1
}
# quit_clean NAME: the watch ended with 0, its screen is gone, and the
# terminal settings are those it started with.
quit_clean() {
	wait_for 10 test -s "$tmp/$1.after" || { echo "# pane $1 did not end"; pane "$1" | sed 's/^/#   /'; return 1; }
	grep -qx EXIT=0 "$tmp/$1.rc" || { echo "# pane $1: $(cat "$tmp/$1.rc")"; return 1; }
	cmp -s "$tmp/$1.before" "$tmp/$1.after" || { echo "# stty changed: $(cat "$tmp/$1.before") -> $(cat "$tmp/$1.after")"; return 1; }
	! pane "$1" | grep -q '^tcplens watch:' || { echo "# the watch screen is still shown"; return 1; }
}

# What the recorded files hold, counted here rather than written down.
states_line=$(awk 'NR > 1 && $2 != 0 { printf "%s%s %s", sep, $1, $2; sep = "  " }' "$tmp/proc/states")
cw_age=$(awk '$1 == "close_wait" && NF == 7 { printf "%.1fs", $6 / 1000 }' "$tmp/proc/anomalies")
lens_conns=$(($(wc -l <"$tmp/proc/cc_conns") - 1))
conn_init=$(awk '$1 == "conn_init" { print $2 }' "$tmp/proc/cc")
echo "# recorded: states '$states_line', close_wait oldest $cw_age, $lens_conns lens connections, conn_init $conn_init"

pane_start w1 -i 1
screen_complete() {
	[ -n "$states_line" ] && [ -n "$cw_age" ] && [ "$lens_conns" -gt 0 ] || { echo "# the recorded files read empty"; return 1; }
	shows w1 '^tcplens watch:' &&
		shows w1 "^  $states_line\$" 1 &&
		shows w1 "^close_wait +ipv4 +8080 +\\* +2 +$cw_age " 1 &&
		shows w1 '^connect_timeout +ipv4 +\* +10\.77\.0\.2:9999 ' 1 &&
		shows w1 "^lens: $lens_conns connections now" 1 &&
		shows w1 "conn_init $conn_init " 1
}
check "the screen: every non-empty state, each anomaly with its age, lens's connections and counters" \
	screen_complete

# A refresh shows what changed: four more connections began, one more is
# ESTABLISHED.
sed -i "s/^conn_init $conn_init\$/conn_init $((conn_init + 4))/" "$tmp/proc/cc"
sed -i 's/^ESTABLISHED \([0-9]*\)$/echo "ESTABLISHED $((\1 + 1))"/e' "$tmp/proc/states"
check "a refresh shows the new values and a counter's growth (+4)" \
	eval "shows w1 'conn_init $((conn_init + 4)) \\(\\+4\\)' 5 && shows w1 'ESTABLISHED 4' 1"

# The observer's files go away (module unloaded): reported, the rest goes on.
mkdir "$tmp/saved" && mv "$tmp/proc/states" "$tmp/proc/anomalies" "$tmp/saved/"
check "the observer unloaded mid-watch: 'not loaded', lens still shown" \
	eval "shows w1 '^observer: not loaded' 5 && shows w1 '^lens: ' 1"
mv "$tmp/saved/"* "$tmp/proc/"

run tmux -L "$sock" send-keys -t w1 q
check "q quits: exit 0, the screen restored, the terminal settings unchanged" quit_clean w1

pane_start w2 -i 0.5
shows w2 '^tcplens watch:' >/dev/null
run tmux -L "$sock" send-keys -t w2 C-c
check "Ctrl-C quits: exit 0, the screen restored, the terminal settings unchanged" quit_clean w2

pane_start w3 -i 0.2 -n 3
check "-n 3: it ends by itself, exit 0, the terminal restored" quit_clean w3

rc_of() { "$@" >/dev/null 2>"$tmp/err"; echo $?; }
check "without a terminal: exit 2, and it says why" \
	eval '[ "$(rc_of "$TOOL" --proc "$tmp/proc" watch </dev/null)" = 2 ] && grep -q "needs a terminal" "$tmp/err"'
mkdir "$tmp/empty"
check "nothing to read: exit 1, and it says what to load" \
	eval '[ "$(rc_of "$TOOL" --proc "$tmp/empty" watch)" = 1 ] && grep -q "load tcp_lens or tcplens_observer" "$tmp/err"'
check "bad arguments: exit 2 with a reason (-i 0, -i x, -i 4000, -n 0, -n -1, stray word)" \
	usage_errors "$TOOL --proc $tmp/proc watch" "-i 0" "-i x" "-i 4000" "-n 0" "-n -1" "extra"
ktap_finish
