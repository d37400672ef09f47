# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared helpers for the tcplens scripts. Source it; do not run it.
#
# Everything downloaded or built for testing lives under $TCPLENS_CACHE
# (default /var/cache/tcplens), never in the checkout and never in the
# host's /boot or /lib/modules:
#
#   src/<pkg-version>/linux-source-6.1/   Debian's kernel source, unpacked
#   kernels/<release>/                    a Debian kernel, dpkg -x'd:
#       vmlinuz, root/lib/modules/<release>/, build -> its headers
#   debug/<hash>/                         the KUnit/debug kernel (O= tree)
#   initramfs/<release>.cpio.gz           the VM's busybox initramfs

TCPLENS_CACHE=${TCPLENS_CACHE:-/var/cache/tcplens}
TCPLENS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export TCPLENS_CACHE TCPLENS_TOP

log() { printf '[tcplens] %s\n' "$*" >&2; }
die() { printf '[tcplens] error: %s\n' "$*" >&2; exit 1; }

# Debian's 6.1 source package, as installed by scripts/setup.
linux_source_tarball=/usr/src/linux-source-6.1.tar.xz

linux_source_version() {
	dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null ||
		die "linux-source-6.1 is not installed: run scripts/setup"
}

# The unpacked source tree of linux-source-6.1 (unpacked on first use).
linux_source_dir() {
	local ver dir
	ver=$(linux_source_version)
	dir=$TCPLENS_CACHE/src/$ver
	# Under a lock: two callers (make check and a helper script, say)
	# must not unpack into the same directory at once.
	if [ ! -e "$dir/.unpacked" ]; then
		mkdir -p "$TCPLENS_CACHE/src"
		(
			flock 9
			[ -e "$dir/.unpacked" ] && exit 0
			log "unpacking $linux_source_tarball into $dir"
			rm -rf "$dir" && mkdir -p "$dir" &&
				tar -C "$dir" -xJf "$linux_source_tarball" &&
				touch "$dir/.unpacked"
		) 9>"$TCPLENS_CACHE/src/.unpack.lock" || die "cannot unpack the kernel source"
	fi
	echo "$dir/linux-source-6.1"
}

# Hash of the debug kernel's inputs: the config fragment, the source package
# version and the compiler. Any change selects a new cache directory.
debug_kernel_key() {
	{
		cat "$TCPLENS_TOP/scripts/debug-kernel.config"
		linux_source_version
		gcc --version | head -n 1
	} | sha256sum | cut -c1-16
}

debug_kernel_dir() { echo "$TCPLENS_CACHE/debug/$(debug_kernel_key)"; }

# Releases of the Debian kernels in the matrix, as recorded by scripts/setup.
matrix_releases() {
	local f
	for f in "$TCPLENS_CACHE"/kernels/*/release; do
		[ -e "$f" ] && cat "$f"
	done
}

# kernel_dir NAME: NAME is "debian-6.1", "debian-6.12" or "debug".
kernel_dir() {
	case $1 in
	debug) debug_kernel_dir ;;
	debian-6.1 | debian-6.12)
		local link=$TCPLENS_CACHE/kernels/$1
		[ -e "$link" ] || die "kernel $1 is not set up: run scripts/setup"
		readlink -f "$link"
		;;
	*) die "unknown kernel '$1' (debian-6.1, debian-6.12, debug)" ;;
	esac
}

# promtool_path: promtool from Debian's prometheus package, unpacked by
# scripts/setup into the cache.
promtool_path() { echo "$TCPLENS_CACHE/prometheus/usr/bin/promtool"; }

# kernel_build_dir NAME: the KDIR to build modules against.
kernel_build_dir() {
	case $1 in
	debug) debug_kernel_dir ;;
	*) echo "$(kernel_dir "$1")/build" ;;
	esac
}

# modules_target SRC KERNEL TARGET [VAR=VALUE...]: a target of the top-level
# Makefile (install, uninstall) for the modules built in SRC against
# KERNEL, quietly.
modules_target() {
	local src=$1 k=$2 target=$3
	shift 3
	make -s -C "$src" -f "$TCPLENS_TOP/Makefile" "$target" \
		KDIR="$(kernel_build_dir "$k")" KERNELRELEASE="$(kernel_release "$k")" "$@"
}

# kernel_image NAME
kernel_image() {
	case $1 in
	debug) echo "$(debug_kernel_dir)/arch/x86/boot/bzImage" ;;
	*) echo "$(kernel_dir "$1")/vmlinuz" ;;
	esac
}

# kernel_release NAME
kernel_release() {
	case $1 in
	debug) cat "$(debug_kernel_dir)/include/config/kernel.release" ;;
	*) cat "$(kernel_dir "$1")/release" ;;
	esac
}

# kernel_modules_dir NAME: /lib/modules/<release> of that kernel, or empty
# for the debug kernel (it has no modular drivers of its own).
kernel_modules_dir() {
	case $1 in
	debug) echo "" ;;
	*) echo "$(kernel_dir "$1")/root/lib/modules/$(kernel_release "$1")" ;;
	esac
}

# shellcheck disable=SC2034 # used by the scripts that source this
all_kernels="debian-6.1 debian-6.12 debug"
