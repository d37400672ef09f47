#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb.sh KERNEL...: `make deb` on the host, and what the package holds.
#  - it builds tcplens-dkms_VERSION_all.deb, architecture all, depending
#    on dkms;
#  - it carries the module sources (no KUnit tests) and a dkms.conf of its
#    own version under /usr/src/tcplens-VERSION, the command, its man page,
#    the systemd units, the alert rules, and the /etc examples as
#    conffiles;
#  - its maintainer scripts hand the sources to DKMS on configure, remove
#    them on remove, and start no unit;
#  - lintian finds nothing;
#  - DKMS builds the package's sources against each KERNEL's headers
#    (dkms_lib.sh, private trees);
#  - a bad version is refused with a message, and builds nothing.
# Installing the package on a real kernel is the VM's job (not here).
# Prints TAP; exits 1 if a point failed.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$TCPLENS_TOP/scripts/lib.sh"
. "$here/dkms_lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ktap_header $((7 + $#))

deb=''
built() {
	make -s -C "$TCPLENS_TOP" deb DEB_DIR="$tmp/out" >"$tmp/make.log" 2>&1 ||
		{ sed 's/^/# /' "$tmp/make.log" | tail -n 20; return 1; }
	deb=$(tail -n 1 "$tmp/make.log")
	echo "# $deb"
	[[ $deb = "$tmp"/out/tcplens-dkms_*_all.deb ]] && [ -s "$deb" ]
}
check "make deb builds tcplens-dkms_VERSION_all.deb" built
if [ ! -s "$deb" ]; then
	for i in $(seq $((6 + $#))); do ktap_result FAIL "package point $((i + 1))" "make deb built nothing"; done
	ktap_finish
fi
ver=$(dpkg-deb -f "$deb" Version)
x=$tmp/x
dpkg-deb -x "$deb" "$x" && dpkg-deb -e "$deb" "$x/DEBIAN"

check "the control file: tcplens-dkms $ver, architecture all, depends on dkms" \
	eval '[ "$(dpkg-deb -f "$deb" Package)" = tcplens-dkms ] &&
		[ "$(dpkg-deb -f "$deb" Architecture)" = all ] &&
		dpkg-deb -f "$deb" Depends | grep -qE "(^|, )dkms( |,|$)"'

# every file `make dkms-install` would ship, and nothing of the tests
shipped_ok() {
	local s=$x/usr/src/tcplens-$ver f want=0 miss=0
	while read -r f; do
		want=$((want + 1))
		[ -f "$s/$f" ] || { echo "# missing: $f"; miss=$((miss + 1)); }
	done < <(cd "$TCPLENS_TOP" && git ls-files Kbuild include module 2>/dev/null |
		grep -v '^module/[^/]*/tests/' || find Kbuild include module -type f -not -path '*/tests/*')
	echo "# $want source files expected under /usr/src/tcplens-$ver"
	[ "$want" -gt 10 ] && [ "$miss" = 0 ] && [ -z "$(find "$s" -path '*/tests*')" ] &&
		grep -qx "PACKAGE_VERSION=\"$ver\"" "$s/dkms.conf" &&
		grep -qx 'PACKAGE_NAME="tcplens"' "$s/dkms.conf"
}
check "the sources and a dkms.conf of version $ver under /usr/src/tcplens-$ver" shipped_ok

tools_ok() {
	local f
	for f in usr/sbin/tcplens usr/share/man/man8/tcplens.8.gz \
		lib/systemd/system/tcplens-export.service lib/systemd/system/tcplens-export.timer \
		usr/share/tcplens/prometheus/tcplens-alerts.yml \
		etc/modules-load.d/tcplens.conf etc/sysctl.d/60-tcplens.conf; do
		[ -f "$x/$f" ] || { echo "# missing: /$f"; return 1; }
	done
	[ -x "$x/usr/sbin/tcplens" ] && "$x/usr/sbin/tcplens" --help >/dev/null &&
		grep -q '^ExecStart=/usr/sbin/tcplens ' "$x/lib/systemd/system/tcplens-export.service" &&
		[ "$(sort "$x/DEBIAN/conffiles")" = "$(printf '%s\n' /etc/modules-load.d/tcplens.conf /etc/sysctl.d/60-tcplens.conf)" ]
}
check "the command, tcplens(8), the units, the alert rules; /etc files as conffiles" tools_ok

scripts_ok() {
	grep -q "^DKMS_NAME=tcplens$" "$x/DEBIAN/postinst" &&
		grep -qx "DKMS_VERSION=$ver" "$x/DEBIAN/postinst" &&
		grep -q '/usr/lib/dkms/common.postinst' "$x/DEBIAN/postinst" &&
		grep -q 'dkms remove -m $DKMS_NAME -v $DKMS_VERSION --all' "$x/DEBIAN/prerm" &&
		! grep -q 'deb-systemd-invoke start' "$x/DEBIAN/postinst"
}
check "postinst hands tcplens $ver to DKMS, prerm removes it, no unit is started" scripts_ok

lint_ok() {
	local out
	command -v lintian >/dev/null || { echo "# lintian is missing (scripts/setup installs it)"; return 1; }
	out=$(lintian --tag-display-limit 0 "$deb" 2>&1 | grep -v 'root privileges')
	[ -z "$out" ] || { sed 's/^/# /' <<<"$out"; return 1; }
}
check "lintian reports nothing" lint_ok

for k in "$@"; do
	check "$k: dkms build of the package's sources gives the three modules" \
		dkms_built "$k" "$x/usr/src" "$ver" "$tmp/dkms-$k"
done

refused() {
	local msg
	msg=$("$TCPLENS_TOP/scripts/mkdeb" -o "$tmp/bad" -v 1.0-1 2>&1) && return 1
	echo "# $msg"
	grep -q "version '1.0-1'" <<<"$msg" && [ -z "$(ls -A "$tmp/bad" 2>/dev/null)" ]
}
check "a version with a Debian revision (1.0-1) is refused, nothing built" refused
ktap_finish
