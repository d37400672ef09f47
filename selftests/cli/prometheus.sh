#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# prometheus.sh: what tcplens gives Prometheus, checked by Prometheus's own
# tools (promtool from Debian's prometheus package, which scripts/setup
# unpacks into the cache) and by systemd's:
#  - `tcplens export` of each recorded procfs sample passes
#    `promtool check metrics` without a finding;
#  - scripts/prometheus/tcplens-alerts.yml passes `promtool check rules`,
#    and `promtool test rules` runs its unit tests (each alert fires on its
#    series, after its "for", and not on the control series);
#  - the exporter's service and timer pass `systemd-analyze verify`.
# Prints TAP; exits 1 if a point failed.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$TCPLENS_TOP/scripts/lib.sh"
TOOL=$TCPLENS_TOP/scripts/tcplens
PROMTOOL=${PROMTOOL:-$(promtool_path)}
# shellcheck disable=SC2034 # used by the eval'd checks
RULES=$TCPLENS_TOP/scripts/prometheus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ktap_header 5

# metrics_clean SAMPLE: export it, promtool finds nothing to say
metrics_clean() {
	"$TOOL" --proc "$here/$1" export >"$tmp/$1.prom" || return 1
	grep -q '^tcplens_module_loaded' "$tmp/$1.prom" || return 1
	"$PROMTOOL" check metrics <"$tmp/$1.prom" >"$tmp/lint" 2>&1
	local rc=$?
	sed 's/^/# promtool: /' "$tmp/lint"
	[ "$rc" = 0 ] && [ ! -s "$tmp/lint" ]
}

units_verify() {
	mkdir -p "$tmp/units" "$tmp/man/man8"
	cp "$TCPLENS_TOP/scripts/tcplens.8" "$tmp/man/man8/"
	sed "s|@SBINDIR@|$TCPLENS_TOP/scripts|" "$TCPLENS_TOP/scripts/systemd/tcplens-export.service" \
		>"$tmp/units/tcplens-export.service"
	cp "$TCPLENS_TOP/scripts/systemd/tcplens-export.timer" "$tmp/units/"
	MANPATH=$tmp/man systemd-analyze verify "$tmp/units/tcplens-export.service" \
		"$tmp/units/tcplens-export.timer" >"$tmp/verify" 2>&1
	local rc=$?
	sed 's/^/# systemd-analyze: /' "$tmp/verify"
	[ "$rc" = 0 ]
}

if [ ! -x "$PROMTOOL" ]; then
	for d in "export busy/" "export cc-only/" "check rules" "test rules"; do
		ktap_result SKIP "promtool $d" "no promtool at $PROMTOOL (scripts/setup fetches it)"
	done
else
	check "export of busy/ (both modules): promtool check metrics finds nothing" metrics_clean busy
	check "export of cc-only/ (tcp_lens alone): promtool check metrics finds nothing" metrics_clean cc-only
	check "tcplens-alerts.yml: promtool check rules, 7 rules" \
		eval '"$PROMTOOL" check rules "$RULES/tcplens-alerts.yml" | tee "$tmp/rules" | sed "s/^/# /"; grep -q "SUCCESS: 7 rules found" "$tmp/rules"'
	check "tcplens-alerts-test.yml: promtool test rules passes every case" \
		eval '(cd "$RULES" && "$PROMTOOL" test rules tcplens-alerts-test.yml) >"$tmp/test" 2>&1; rc=$?; sed "s/^/# /" "$tmp/test"; [ $rc = 0 ] && grep -q SUCCESS "$tmp/test"'
fi
if command -v systemd-analyze >/dev/null; then
	check "tcplens-export.service and .timer: systemd-analyze verify" units_verify
else
	ktap_result SKIP "systemd units" "no systemd-analyze on this machine"
fi
ktap_finish
