#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make dkms-install / dkms-uninstall on the running kernel, from the source
# tree, as a user would run them:
#  - without dkms, dkms-install fails, says why and writes nothing;
#  - dkms-install has DKMS build the three modules against the running
#    kernel's headers and install them: dkms status says installed for
#    `uname -r`, the files under updates/dkms are the ones DKMS built, and
#    modinfo, modprobe and the autoloader behind
#    `sysctl net.ipv4.tcp_congestion_control=lens` pick exactly those
#    files, ahead of `make install`'s copies in extra/ (which the VM has:
#    scripts/check installs them before it boots): the loaded modules'
#    GNU build IDs are those of DKMS's files (the modules have no
#    MODULE_VERSION, so there is no srcversion to compare);
#  - dkms-uninstall while a socket uses lens removes the files and leaves
#    the running module alone (rmmod still refused until the socket is
#    gone);
#  - after it nothing of DKMS's is left: no dkms status, no files under
#    /usr/src, /var/lib/dkms or updates/dkms, no modules.dep entry, and
#    modprobe finds only what `make install` put in extra/ (or nothing).
# The module index and everything DKMS wrote are put back at exit, for the
# tests after this one in the same boot.
. "$(dirname "$0")/lib.sh"

need_root
need_cmd dkms make git modprobe modinfo depmod objcopy python3 ip
trap cleanup EXIT

rel=$(uname -r)
lib=/lib/modules/$rel
MODS="tcplens tcp_lens tcplens_observer"
tmp=$(mktemp -d /tmp/tl-dkms.XXXXXX)
holder=''
hdr_link=''
mok_new=0

cleanup() {
	[ -n "$holder" ] && kill "$holder" 2>/dev/null && wait "$holder" 2>/dev/null
	netns_cleanup
	wait_for 20 tcplens_unload_all
	# whatever DKMS left if the test stopped halfway; no depmod: the index
	# saved at the start goes back
	if [ -n "${ver:-}" ] && [ -e "/var/lib/dkms/tcplens/$ver" ]; then
		dkms remove -m tcplens -v "$ver" --all --no-depmod >/dev/null 2>&1
	fi
	rm -rf /var/lib/dkms/tcplens "/usr/src/tcplens-${ver:-none}"
	for m in $MODS; do rm -f "$lib/updates/dkms/$m.ko"*; done
	rmdir "$lib/updates/dkms" "$lib/updates" 2>/dev/null
	[ -d "$tmp/index" ] && cp -a "$tmp/index/." "$lib/"
	[ -n "$hdr_link" ] && rm -f "$hdr_link"
	[ "$mok_new" = 1 ] && rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
	rm -rf "$tmp"
}

# make_top TARGET [VAR=VALUE...]: a target of the top-level Makefile, run in
# the source tree as a user would; its output goes to $tmp/TARGET.log and,
# the last lines of it, to the TAP as diagnostics.
make_top() {
	local t=$1 rc
	echo "# + make -C $TCPLENS_TOP $*"
	make -C "$TCPLENS_TOP" --no-print-directory "$@" >"$tmp/$t.log" 2>&1
	rc=$?
	tail -n 12 "$tmp/$t.log" | sed 's/^/#   /'
	return $rc
}

ktap_header 12

# --- setup: nothing of ours loaded, the index saved, the headers in place
setup tcplens_unload_all
mkdir -p "$tmp/index"
setup cp -a "$lib"/modules.* "$tmp/index/"
# The version the Makefile gives DKMS (git describe), as it computes it.
ver=$(make -s -C "$TCPLENS_TOP" --no-print-directory \
	--eval 'tcplens-version: ; @echo $(VERSION)' tcplens-version)
echo "# VERSION $ver, kernel $rel"
setup test -n "$ver"
# DKMS builds against /lib/modules/<release>/build, which the headers
# package points at /usr/src/linux-headers-<release>: here the headers
# are unpacked elsewhere (scripts/setup), so make that path lead to them.
if [ ! -e "$lib/build/Makefile" ]; then
	hdr_link=$(readlink "$lib/build")
	case $hdr_link in
	/usr/src/linux-headers-*) ;;
	*) echo "Bail out! $lib/build -> '$hdr_link', not /usr/src/linux-headers-*"; exit $KSFT_FAIL ;;
	esac
	setup ln -sfn "$(readlink -f "$TCPLENS_KDIR")" "$hdr_link"
fi
setup test -e "$lib/build/Makefile"
[ -e /var/lib/dkms/mok.key ] || mok_new=1
setup test ! -e "/var/lib/dkms/tcplens"
if [ -d "$lib/extra" ]; then
	echo "# make install's copies (extra/): $(cd "$lib/extra" && echo tcplens*.ko* tcp_lens.ko*)"
fi

# build_id FILE: the module's GNU build ID note, as hex (FILE may be
# compressed as the kernel's own modules are).
build_id() {
	local f=$1 ko=$tmp/id.ko
	case $f in
	*.xz) xz -dc "$f" >"$ko" ;;
	*.zst) zstd -qdc "$f" >"$ko" ;;
	*.gz) gzip -dc "$f" >"$ko" ;;
	*) cp "$f" "$ko" ;;
	esac
	objcopy -O binary --only-section=.note.gnu.build-id "$ko" "$tmp/id.bin" &&
		od -An -tx1 "$tmp/id.bin" | tr -d ' \n'
}
# loaded_id MODULE: the build ID of what the kernel loaded (sysfs notes).
loaded_id() {
	od -An -tx1 "/sys/module/$1/notes/.note.gnu.build-id" 2>/dev/null | tr -d ' \n'
}
# same_as_dkms MODULE...: each loaded module is DKMS's file, by build ID.
same_as_dkms() {
	local m f a b bad=0
	for m in "$@"; do
		f=$(ls "$lib/updates/dkms/$m.ko"* 2>/dev/null | head -n 1)
		a=$(loaded_id "$m") b=''
		[ -n "$f" ] && b=$(build_id "$f")
		echo "# $m: loaded ${a:-none}, $f ${b:-none}"
		[ -n "$a" ] && [ "$a" = "$b" ] || bad=1
	done
	return $bad
}

# --- bad input: no dkms
nodkms_path=/usr/local/bin:/usr/bin:/bin
nodkms() {
	if PATH=$nodkms_path command -v dkms >/dev/null; then
		echo "# dkms is in $nodkms_path too: cannot hide it"
		return 1
	fi
	PATH=$nodkms_path make_top dkms-install && { echo "# dkms-install succeeded without dkms"; return 1; }
	grep -q "dkms is not installed" "$tmp/dkms-install.log" &&
		test ! -e "/usr/src/tcplens-$ver"
}
check "without dkms, make dkms-install fails, says so and writes nothing to /usr/src" nodkms

# --- make dkms-install
t0=$SECONDS
check "make dkms-install (dkms add, build, install for $rel)" make_top dkms-install
echo "# dkms-install took $((SECONDS - t0)) s"
grep -E 'Building module|Cleaning build|Signing|depmod|Installing to|version sanity' \
	"$tmp/dkms-install.log" | sed 's/^/#   /'

dkms_line() { dkms status -m tcplens -v "$ver" -k "$rel" 2>/dev/null; }
status_installed() {
	local s
	s=$(dkms_line)
	echo "# dkms status: ${s:-(nothing)}"
	[ "$s" = "tcplens/$ver, $rel, $(uname -m): installed" ]
}
check "dkms status: tcplens/$ver installed for $rel (no warning)" status_installed

# in_place: the three modules are in updates/dkms, and each is the file
# DKMS built (byte for byte) for this kernel.
in_place() {
	local m f built bad=0
	for m in $MODS; do
		f=$(ls "$lib/updates/dkms/$m.ko"* 2>/dev/null | head -n 1)
		built=/var/lib/dkms/tcplens/$ver/$rel/$(uname -m)/module/${f##*/}
		echo "# $m: ${f:-missing}"
		[ -n "$f" ] && cmp "$f" "$built" || bad=1
	done
	return $bad
}
check "the three modules are in $lib/updates/dkms, as DKMS built them" in_place

# indexed: modinfo resolves each module to DKMS's file, ahead of extra/.
indexed() {
	local m n bad=0
	for m in $MODS; do
		n=$(modinfo -n "$m" 2>/dev/null)
		echo "# modinfo -n $m: ${n:-none}"
		[[ $n = "$lib/updates/dkms/$m.ko"* ]] || bad=1
	done
	return $bad
}
check "modinfo -n finds DKMS's files (depmod ranks updates/ before extra/)" indexed

probe_dkms() {
	local out
	out=$(modprobe -v "$1" 2>&1) || { echo "# $out"; return 1; }
	echo "$out" | sed 's/^/# /'
	# modprobe -v names each file it inserts: all of them DKMS's
	[ -n "$out" ] && ! grep -v "^insmod $lib/updates/dkms/" <<<"$out" | grep -q . &&
		same_as_dkms "${@:2}"
}
check "modprobe tcp_lens loads DKMS's tcplens and tcp_lens (build IDs match)" \
	probe_dkms tcp_lens tcplens tcp_lens
check "modprobe tcplens_observer loads DKMS's tcplens_observer (build ID matches)" \
	probe_dkms tcplens_observer tcplens_observer

# the autoloader: sysctl lens in a namespace, with tcp_lens unloaded
autoload() {
	run rmmod tcp_lens || return 1
	netns_add tl-dkms-a || return 1
	run ip netns exec tl-dkms-a sysctl -w net.ipv4.tcp_congestion_control=lens &&
		tcplens_loaded tcp_lens && same_as_dkms tcp_lens
}
check "sysctl net.ipv4.tcp_congestion_control=lens autoloads DKMS's tcp_lens" autoload
netns_cleanup

# --- make dkms-uninstall, with a socket using lens
python3 -c '
import socket, time
s = socket.socket()
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, b"lens")
s.bind(("127.0.0.1", 0)); s.listen()
print("ready", flush=True)
time.sleep(300)
' >"$tmp/hold.out" 2>&1 &
holder=$!
setup wait_for 60 grep -q ready "$tmp/hold.out"
t0=$SECONDS
check "make dkms-uninstall succeeds while a socket uses lens" make_top dkms-uninstall
echo "# dkms-uninstall took $((SECONDS - t0)) s"
still_running() {
	tcplens_loaded tcp_lens && same_as_dkms tcp_lens && tcplens_rmmod_busy tcp_lens
}
check "... and leaves the running tcp_lens alone (in use, rmmod refused)" still_running
kill "$holder"
wait "$holder" 2>/dev/null
holder=''
wait_for 10 eval '[ "$(cat /sys/module/tcp_lens/refcnt 2>/dev/null)" = 0 ]'
check "all modules unload once the socket is gone" run tcplens_unload_all

# gone: nothing of DKMS's is left, and modprobe can no longer find it.
gone() {
	local bad=0 m n s
	s=$(dkms status -m tcplens 2>&1)
	[ -z "$s" ] || { echo "# dkms status: $s"; bad=1; }
	for p in "/usr/src/tcplens-$ver" /var/lib/dkms/tcplens; do
		[ ! -e "$p" ] || { echo "# left: $p"; bad=1; }
	done
	for m in $MODS; do
		! ls "$lib/updates/dkms/$m.ko"* >/dev/null 2>&1 || { echo "# left: $lib/updates/dkms/$m.ko*"; bad=1; }
	done
	! grep -q "^updates/dkms/tc" "$lib/modules.dep" || { echo "# still in modules.dep"; bad=1; }
	for m in $MODS; do
		n=$(modinfo -n "$m" 2>/dev/null)
		echo "# modinfo -n $m: ${n:-none}"
		# what make install put in extra/ is all modprobe may find
		if [ -e "$lib/extra/$m.ko" ] || [ -e "$lib/extra/$m.ko.xz" ]; then
			[[ $n = "$lib/extra/$m.ko"* ]] || bad=1
		else
			[ -z "$n" ] && ! modprobe -n "$m" 2>/dev/null || bad=1
		fi
	done
	return $bad
}
check "after dkms-uninstall nothing of DKMS's is left (status, /usr/src, /var/lib/dkms, files, modules.dep; modprobe finds none)" gone

ktap_finish
