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
#  - make install signs with a MOK key pair (MOK_KEY, MOK_CERT) where the
#    headers have no key, and says NOT signed when there is none either
#    (on a copy of the first Debian kernel's build);
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

ktap_header $((2 * $# + 2))

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
		[ -f "$stage/usr/share/tcplens/prometheus/tcplens-alerts.yml" ] &&
		boot_files_kept
}
# The boot-time files: installed, every setting in them commented out, and
# a second install keeps a copy the admin edited.
boot_files_kept() {
	local f
	for f in modules-load.d/tcplens.conf sysctl.d/60-tcplens.conf; do
		[ -f "$stage/etc/$f" ] && ! grep -qvE '^(#|$)' "$stage/etc/$f" ||
			{ echo "# /etc/$f missing, or with an active line"; return 1; }
	done
	echo "tcplens_observer" >>"$stage/etc/modules-load.d/tcplens.conf"
	make -s -C "$TCPLENS_TOP" tools-install DESTDIR="$stage" PREFIX=/usr >/dev/null 2>&1 &&
		grep -qx tcplens_observer "$stage/etc/modules-load.d/tcplens.conf"
}
# signed_install K REL: on a copy of K's build, `make install` without a
# key says NOT signed; with MOK_KEY/MOK_CERT (a throw-away pair) every
# installed module carries a signature.
signed_install() {
	local k=$1 rel=$2 src=$stage/sign-$1 m f
	cp -a "$build/$k/src" "$src" || return 1
	# kbuild's modules.order names the build by absolute path
	sed -i "s|$build/$k/src/|$src/|" "$src/modules.order" || return 1
	modules_target "$src" "$k" install INSTALL_MOD_PATH="$stage/unsigned" \
		MOK_KEY=/nonexistent >"$stage/u.log" 2>&1 &&
		grep -q "^tcplens: NOT signed: .* no MOK key at /nonexistent" "$stage/u.log" ||
		{ sed 's/^/# /' "$stage/u.log"; return 1; }
	openssl req -new -nodes -utf8 -sha256 -days 1 -batch -x509 -outform DER \
		-subj /CN=tcplens-test/ -out "$stage/mok.der" -keyout "$stage/mok.key" \
		>/dev/null 2>&1 || return 1
	modules_target "$src" "$k" install INSTALL_MOD_PATH="$stage/signed" \
		MOK_KEY="$stage/mok.key" MOK_CERT="$stage/mok.der" >"$stage/s.log" 2>&1 &&
		grep -q "^tcplens: signed with $stage/mok.key" "$stage/s.log" ||
		{ sed 's/^/# /' "$stage/s.log"; return 1; }
	for m in $MODS; do
		f=$(find "$stage/signed/lib/modules/$rel/extra" -name "$m.ko*" | head -n 1)
		case $f in
		*.xz) xz -dc "$f" ;;
		*.zst) zstd -dcq "$f" ;;
		*) cat "$f" ;;
		esac | tail -c 28 | grep -qF '~Module signature appended~' ||
			{ echo "# $m (${f:-missing}) carries no signature"; return 1; }
	done
}
for k in "$@"; do
	[ "$k" = debug ] && continue
	check "$k: make install signs with MOK_KEY/MOK_CERT, and says NOT signed without a key" \
		signed_install "$k" "$(kernel_release "$k")"
	break
done
kernel_dirs=("$@")
if [[ " ${kernel_dirs[*]} " != *" debian-"* ]]; then
	ktap_result SKIP "make install signing" "no Debian kernel built"
fi
check "make tools-install DESTDIR PREFIX=/usr: tcplens (answers --help), tcplens(8), the exporter's units, the alert rules, /etc examples kept once edited" \
	tools_installed
ktap_finish
