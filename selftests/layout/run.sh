#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh: scripts/layout on this tree (clean), then on copies of it with
# one rule broken in each, which it must find and name. Prints TAP; exits
# 1 if a point failed.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
layout=$TCPLENS_TOP/scripts/layout
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# changed NAME FILE TEXT: layout's output on a copy of module/ and
# include/ with TEXT appended to FILE (created if new); its exit status
# in $rc.
changed() {
	local name=$1 file=$2 text=$3
	rm -rf "${tmp:?}/$name" && mkdir -p "$tmp/$name"
	cp -r "$TCPLENS_TOP/module" "$TCPLENS_TOP/include" "$tmp/$name/"
	mkdir -p "$(dirname "$tmp/$name/$file")"
	printf '%s\n' "$text" >>"$tmp/$name/$file"
	out=$("$layout" "$tmp/$name")
	rc=$?
	[ -z "$out" ] || sed 's/^/#   /' <<<"$out"
}
# broken NAME EXPECT FILE TEXT: layout must exit 1 and name EXPECT in FILE.
broken() {
	changed "$1" "$3" "$4"
	[ "$rc" = 1 ] && grep -q "^$3:.*$2" <<<"$out"
}
# kept NAME FILE TEXT: layout must still exit 0.
kept() {
	changed "$@"
	[ "$rc" = 0 ] && [ -z "$out" ]
}

ktap_header 10
out=$("$layout" "$TCPLENS_TOP") || sed 's/^/# /' <<<"$out"
check "this tree keeps every rule" test -z "$out"
check "a core that includes a kernel header" broken kinc "includes <linux/skbuff.h>" \
	module/observer/core/tcplens_fsm.c '#include <linux/skbuff.h>'
check "a core that takes a lock" broken lock "uses 'spin_lock_bh'" \
	module/cc/core/lens_cc_core.c 'static void f(void) { spin_lock_bh(0); }'
check "a core that allocates" broken alloc "uses 'kzalloc'" \
	module/observer/core/tcplens_wheel.c 'static void *g(void) { return kzalloc(8, 0); }'
check "a core that reads the clock" broken clock "uses 'jiffies'" \
	module/observer/core/tcplens_anomaly.c 'static unsigned long h(void) { return jiffies; }'
check "a core that includes glue" broken glue 'includes "../tcplens_obs.h"' \
	module/observer/core/tcplens_parse.c '#include "../tcplens_obs.h"'
check "words in comments and strings are not findings" kept comment \
	module/observer/core/tcplens_fsm.c '/* no sk_buff or spin_lock here */ static const char *s = "kmalloc";'
check "a version test outside tcplens_compat.h" broken version "tests the kernel version" \
	module/observer/tcplens_obs_main.c '#if LINUX_VERSION_CODE > 0'
check "a module that includes another's header" broken cross "private to module/observer" \
	module/cc/lens_cc_proc.c '#include "../observer/tcplens_obs.h"'
check "a file outside the modules' folders" broken flat "not in a module's folder" \
	module/stray.c 'int stray;'
ktap_finish
