#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh BUILD KERNEL...: the install targets of the top-level Makefile on
# the host, into a staging tree (nothing outside it is touched), for each
# KERNEL whose modules scripts/check built under BUILD/KERNEL/src:
#  - make install INSTALL_MOD_PATH=STAGE: the three modules land in
#    lib/modules/RELEASE/extra and depmod lists them, tcp_lens and the
#    observer depending on tcplens;
#  - make uninstall: they are gone, from the tree and from modules.dep,
#    and so are the KUnit suites where the kernel built them (debug);
#  - make tools-install DESTDIR=STAGE PREFIX=/usr: the tcplens command,
#    executable, answering --help, its man page, the exporter's systemd
#    units (ExecStart in PREFIX) and the alert rules.
# (Loading the installed modules, autoloading and DKMS need a kernel of
# their own: the smoke and cc_select selftests install in the VM.)
# Prints TAP; exits 1 if a point failed.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$TCPLENS_TOP/scripts/lib.sh"
build=${1:?usage: run.sh BUILD KERNEL...}
shift
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
MODS="tcplens tcp_lens tcplens_observer"

ktap_header $((2 * $# + 1))

# on_disk REL: the installed module files, one per line (all of extra/:
# the KUnit suites go to extra/module/*/tests).
on_disk() { find "$stage/lib/modules/$1/extra" -name '*.ko*' 2>/dev/null | sort; }
# listed REL: the modules.dep lines of ours.
listed() { grep -E '^extra/(tcplens|tcp_lens|tcplens_observer)\.ko' "$stage/lib/modules/$1/modules.dep" 2>/dev/null; }

installed() {
	local k=$1 rel=$2 m dep
	modules_target "$build/$k/src" "$k" install INSTALL_MOD_PATH="$stage" \
		>"$stage/$k.log" 2>&1 ||
		{ sed 's/^/# /' "$stage/$k.log"; return 1; }
	on_disk "$rel" | sed "s|^$stage/|#   |"
	dep=$(listed "$rel")
	sed 's/^/#   modules.dep: /' <<<"$dep"
	for m in $MODS; do
		on_disk "$rel" | grep -qE "/extra/$m\\.ko(\\.xz|\\.zst|\\.gz)?$" ||
			{ echo "# $m is not installed"; return 1; }
	done
	grep -qE '^extra/tcp_lens\.ko[^:]*: extra/tcplens\.ko' <<<"$dep" &&
		grep -qE '^extra/tcplens_observer\.ko[^:]*: extra/tcplens\.ko' <<<"$dep" &&
		[ "$(grep -c . <<<"$dep")" = 3 ] ||
		{ echo "# modules.dep does not list the three with their dependency"; return 1; }
}

uninstalled() {
	local k=$1 rel=$2
	modules_target "$build/$k/src" "$k" uninstall INSTALL_MOD_PATH="$stage" \
		>"$stage/$k.log" 2>&1 ||
		{ sed 's/^/# /' "$stage/$k.log"; return 1; }
	[ -z "$(on_disk "$rel")" ] && [ -z "$(listed "$rel")" ] &&
		[ -e "$stage/lib/modules/$rel/modules.dep" ]
}

for k in "$@"; do
	rel=$(kernel_release "$k")
	check "$k: make install INSTALL_MOD_PATH: the three modules in extra/, in modules.dep" \
		installed "$k" "$rel"
	check "$k: make uninstall: every module gone from extra/ and from modules.dep" \
		uninstalled "$k" "$rel"
done

tools_installed() {
	make -s -C "$TCPLENS_TOP" tools-install DESTDIR="$stage" PREFIX=/usr >"$stage/tools.log" 2>&1 ||
		{ sed 's/^/# /' "$stage/tools.log"; return 1; }
	[ -x "$stage/usr/sbin/tcplens" ] && "$stage/usr/sbin/tcplens" --help | grep -q '^usage: tcplens' &&
		[ -f "$stage/usr/share/man/man8/tcplens.8" ] &&
		grep -qx 'ExecStart=/usr/sbin/tcplens export -o /var/lib/prometheus/node-exporter/tcplens.prom' \
			"$stage/usr/lib/systemd/system/tcplens-export.service" &&
		[ -f "$stage/usr/lib/systemd/system/tcplens-export.timer" ] &&
		[ -f "$stage/usr/share/tcplens/prometheus/tcplens-alerts.yml" ]
}
check "make tools-install DESTDIR PREFIX=/usr: tcplens (answers --help), tcplens(8), the exporter's units, the alert rules" \
	tools_installed
ktap_finish
