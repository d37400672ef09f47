#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms.sh KERNEL...: what `make dkms-install` hands DKMS builds against
# each Debian kernel's headers. The sources go to a private source tree as
# dkms-install lays them out (Kbuild, include/, module/ without tests/,
# dkms.conf with its version), and dkms_lib.sh's `dkms build` in private
# trees must give the three modules dkms.conf names.
# Prints TAP; exits 1 if a point failed.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$TCPLENS_TOP/scripts/lib.sh"
. "$here/dkms_lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ver=0.0test

ktap_header "$#"
if ! command -v dkms >/dev/null; then
	for k in "$@"; do ktap_result FAIL "$k: dkms build" "dkms is not installed (scripts/setup installs it)"; done
	ktap_finish
fi

src=$tmp/src/tcplens-$ver
mkdir -p "$src"
(cd "$TCPLENS_TOP" && cp -r Kbuild include module "$src/") && rm -rf "$src"/module/*/tests
sed "s/@VERSION@/$ver/" "$TCPLENS_TOP/dkms.conf" >"$src/dkms.conf"

for k in "$@"; do
	check "$k: dkms build of the dkms-install sources gives the three modules" dkms_built "$k" "$tmp/src" "$ver" "$tmp"
done
ktap_finish
