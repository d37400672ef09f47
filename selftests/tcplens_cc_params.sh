#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module parameters of tcp_lens: every out-of-range or malformed value
# is refused with EINVAL, at load time (modprobe) and through
# /sys/module/tcp_lens/parameters, where the value in force stays as it
# was; never clamped into something else. Valid values are taken and
# shown in /proc/net/tcplens/cc (key "param_<name>"), and modinfo
# describes every parameter. No network: the parameters only.
#
#   +--------------------------------------------+
#   | init netns                                 |
#   |  modprobe tcp_lens NAME=VALUE              |
#   |  /sys/module/tcp_lens/parameters/NAME      |
#   |  /proc/net/tcplens/cc   param_NAME VALUE   |
#   +--------------------------------------------+
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcplens_cc_lib.sh"

need_root
need_cmd modprobe modinfo
trap 'tcplens_loaded tcp_lens && rmmod tcp_lens' EXIT

# Refused at load time and through /sys (NAME=VALUE).
BAD=(
	recovery=bogus recovery=PRR recovery=
	abc_limit=9 abc_limit=-1 abc_limit=two abc_limit=0x10 abc_limit
	hystart=2 hystart=maybe hystart=yak hystart=off2
	hystart_min_rtt_thresh_us=0 hystart_min_rtt_thresh_us=20000
	hystart_max_rtt_thresh_us=1000001 hystart_max_rtt_thresh_us=3999
	hystart_min_rtt_divisor=0 hystart_min_rtt_divisor=65
	hystart_n_rtt_sample=0 hystart_n_rtt_sample=256
	hystart_css_growth_divisor=1 hystart_css_growth_divisor=65
	hystart_css_rounds=0 hystart_css_rounds=256
	hystart_ack_delay=2 hystart_ack_delay=maybe
	hystart_cwnd_limited=2 hystart_cwnd_limited= hystart_css_rise=10
	hystart_block=2 hystart_block=on2
	initial_ssthresh=1 initial_ssthresh=2147483648
	initial_ssthresh=4294967296
	beta=49 beta=91 beta=0.7 beta_ecn=49 beta_ecn=91 pacing=2 pacing=fast
)
# Taken at load time, all together; min before max would be refused while
# the default max (16000) is lower than the new min: order matters.
GOOD_LOAD=(
	recovery=newreno abc_limit=0 hystart=0 hystart_max_rtt_thresh_us=30000
	hystart_min_rtt_thresh_us=20000 hystart_min_rtt_divisor=64
	hystart_n_rtt_sample=255 hystart_css_growth_divisor=2
	hystart_css_rounds=1 initial_ssthresh=2147483647 beta=90 beta_ecn=50
	pacing=0 hystart_ack_delay=0 hystart_cwnd_limited=0 hystart_css_rise=0
	hystart_block=0
)
# Taken through /sys, one by one, from the defaults.
GOOD_SYSFS=(
	recovery=newreno recovery=prr abc_limit=8 abc_limit=0 hystart=0
	hystart=1 hystart_max_rtt_thresh_us=1000000
	hystart_min_rtt_thresh_us=1 hystart_min_rtt_divisor=1
	hystart_n_rtt_sample=1 hystart_css_growth_divisor=64
	hystart_css_rounds=255 initial_ssthresh=2 initial_ssthresh=0
	beta=50 beta=70 beta=90 beta_ecn=90 beta_ecn=80 pacing=0 pacing=1
	hystart_ack_delay=0 hystart_ack_delay=1 hystart_cwnd_limited=0
	hystart_cwnd_limited=1 hystart_css_rise=0 hystart_css_rise=1
	hystart_block=0 hystart_block=1
)

ktap_header $((${#BAD[@]} * 2 + ${#GOOD_SYSFS[@]} + 2))
tcplens_loaded tcp_lens && { rmmod tcp_lens || exit "$KSFT_FAIL"; }
tcplens_install_modules || { echo "# make install failed"; exit "$KSFT_FAIL"; }

# proc_param NAME: the value /proc/net/tcplens/cc shows for NAME.
proc_param() {
	awk -v k="param_$1" '$1 == k { print $2 }' /proc/net/tcplens/cc
}

# load_refused NAME[=VALUE]: modprobe fails with EINVAL, nothing stays loaded.
load_refused() {
	local err
	err=$(modprobe tcp_lens "$1" 2>&1) && { echo "# loaded with $1"; rmmod tcp_lens; return 1; }
	echo "# $err"
	grep -q "Invalid argument" <<<"$err" && ! tcplens_loaded tcp_lens
}

for p in "${BAD[@]}"; do
	check "modprobe tcp_lens $p is refused with EINVAL" load_refused "$p"
done

# shown NAME=VALUE...: /sys and /proc show every value.
shown() {
	local p name val ok=0
	for p in "$@"; do
		name=${p%%=*} val=${p#*=}
		if [ "$(lens_param "$name")" != "$val" ] || [ "$(proc_param "$name")" != "$val" ]; then
			echo "# $name: wanted $val, /sys $(lens_param "$name"), /proc $(proc_param "$name")"
			ok=1
		fi
	done
	return $ok
}
load_taken() { run modprobe tcp_lens "$@" && shown "$@"; }
check "modprobe takes valid values; /sys and /proc/net/tcplens/cc show them" \
	load_taken "${GOOD_LOAD[@]}"
run rmmod tcp_lens
run modprobe tcp_lens || exit "$KSFT_FAIL"

# sysfs_refused NAME[=VALUE]: writing VALUE and a newline, as echo does,
# fails with EINVAL; /sys and /proc still show the value in force before.
sysfs_refused() {
	local name=${1%%=*} val=${1#*=} before after err
	[ "$name" = "$1" ] && val=""
	before=$(lens_param "$name")
	err=$( (echo "$val" >"$LENS_PARAMS/$name") 2>&1) &&
		{ echo "# $name accepted '$val'"; return 1; }
	after=$(lens_param "$name")
	echo "# $name='$val': ${err##*: }; before $before, after $after, /proc $(proc_param "$name")"
	grep -q "Invalid argument" <<<"$err" && [ "$before" = "$after" ] &&
		[ "$(proc_param "$name")" = "$before" ]
}

for p in "${BAD[@]}"; do
	check "writing $p to /sys is refused with EINVAL, value unchanged" \
		sysfs_refused "$p"
done

sysfs_taken() {
	lens_param "${1%%=*}" "${1#*=}" && shown "$1"
}
for p in "${GOOD_SYSFS[@]}"; do
	check "writing $p to /sys is taken and shown in /proc" sysfs_taken "$p"
done

# described: modinfo has a description for every parameter in /sys.
described() {
	local f name desc ok=0 n=0
	for f in "$LENS_PARAMS"/*; do
		name=${f##*/}
		n=$((n + 1))
		desc=$(modinfo -F parm tcp_lens | awk -F: -v p="$name" '$1 == p { sub(/^[^:]*:/, ""); print }')
		echo "# $name: $desc"
		[ -n "$desc" ] || ok=1
	done
	[ "$n" = 17 ] && return $ok
}
check "modinfo describes all 17 parameters" described
ktap_finish
