# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# dkms_built KERNEL SOURCETREE VERSION WORK: `dkms build` of
# SOURCETREE/tcplens-VERSION (Kbuild, include/, module/, dkms.conf)
# against KERNEL's headers, with private --dkmstree, --sourcetree and
# --installtree under WORK, so nothing of the host's DKMS is touched. True
# when the build gives every module dkms.conf names.
dkms_built() {
	local k=$1 srct=$2 ver=$3 work=$4 rel m out
	rel=$(kernel_release "$k")
	out=$work/tree/tcplens/$ver
	mkdir -p "$work/tree" "$work/install"
	dkms build -m tcplens -v "$ver" -k "$rel" --kernelsourcedir "$(kernel_build_dir "$k")" \
		--dkmstree "$work/tree" --sourcetree "$srct" --installtree "$work/install" \
		>"$work/$k.log" 2>&1 || { tail -n 20 "$work/$k.log" | sed 's/^/# /'; return 1; }
	for m in $(sed -n 's/^BUILT_MODULE_NAME\[[0-9]*\]="\(.*\)"/\1/p' "$srct/tcplens-$ver/dkms.conf"); do
		ls "$out/$rel/x86_64/module/$m.ko"* >/dev/null 2>&1 ||
			{ echo "# $m.ko not built for $rel"; return 1; }
	done
}
