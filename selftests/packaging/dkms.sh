#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms.sh KERNEL...: what `make dkms-install` hands DKMS builds against
# each Debian kernel's headers. The sources go to a private source tree as
# dkms-install lays them out (Kbuild, include/, module/ without tests/,
# dkms.conf with its version), and `dkms build` runs with private
# --dkmstree/--sourcetree/--installtree, so nothing of the host's DKMS is
# touched. Each build must give the three modules dkms.conf names.
# Prints TAP; exits 1 if a point failed.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$TCPLENS_TOP/scripts/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ver=0.0test

ktap_header "$#"
if ! command -v dkms >/dev/null; then
	for k in "$@"; do ktap_result FAIL "$k: dkms build" "dkms is not installed (scripts/setup installs it)"; done
	ktap_finish
fi

src=$tmp/src/tcplens-$ver
mkdir -p "$src" "$tmp/tree" "$tmp/install"
(cd "$TCPLENS_TOP" && cp -r Kbuild include module "$src/") && rm -rf "$src"/module/*/tests
sed "s/@VERSION@/$ver/" "$TCPLENS_TOP/dkms.conf" >"$src/dkms.conf"

dkms_built() {
	local k=$1 rel m out=$tmp/tree/tcplens/$ver
	rel=$(kernel_release "$k")
	dkms build -m tcplens -v "$ver" -k "$rel" --kernelsourcedir "$(kernel_build_dir "$k")" \
		--dkmstree "$tmp/tree" --sourcetree "$tmp/src" --installtree "$tmp/install" \
		>"$tmp/$k.log" 2>&1 || { tail -n 20 "$tmp/$k.log" | sed 's/^/# /'; return 1; }
	for m in $(sed -n 's/^BUILT_MODULE_NAME\[[0-9]*\]="\(.*\)"/\1/p' "$src/dkms.conf"); do
		ls "$out/$rel/x86_64/module/$m.ko"* >/dev/null 2>&1 ||
			{ echo "# $m.ko not built for $rel"; return 1; }
	done
}
for k in "$@"; do
	check "$k: dkms build of the dkms-install sources gives the three modules" dkms_built "$k"
done
ktap_finish
