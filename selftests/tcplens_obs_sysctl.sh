#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The observer's settings, as the README promises them: net.tcplens.* has
# exactly the documented sysctls, each with its documented default, in
# every new namespace; each refuses a value out of its range, a negative
# one, one past 32 bits and one that is not a number with EINVAL and keeps
# its value; each takes both ends of its range; a change in one namespace
# leaves another alone. The sizes that depend on memory (max_tracked,
# max_total, the hash table) follow RAM as documented, and hashsize= is
# rounded up to a power of two and clamped.
#
#   +--------------------+      +--------------------+
#   | netns tl-sy-one    |      | netns tl-sy-two    |
#   | every sysctl tried |      | must keep defaults |
#   +--------------------+      +--------------------+
# (no traffic: a python process in each namespace reads and writes
# /proc/sys/net/tcplens, one process for every check)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcplens_obs_lib.sh"

need_root
need_cmd ip modprobe python3
trap 'netns_cleanup' EXIT

ONE=tl-sy-one TWO=tl-sy-two
ktap_header 7
obs_load
setup netns_add "$ONE" "$TWO"

# name default min max, from the README's sysctl list (max_tracked's
# default depends on memory: checked below)
SYSCTLS='max_tracked - 16 16777216
forward 0 0 1
log 0 0 1
gc_idle_ms 300000 1000 86400000
gc_established_ms 432000000 1000 432000000
close_wait_ms 60000 100 86400000
fin_wait2_ms 30000 100 86400000
last_ack_ms 30000 100 86400000
half_open_ms 600000 100 432000000
time_wait_count 20000 1 10000000
time_wait_pct 50 1 100
syn_wait_ms 1000 100 60000
syn_flood_count 128 1 10000000
syn_dropped_count 16 1 10000000
connect_timeout_retries 3 1 100
rst_storm_rate 1000 1 100000000'

# sysctl_py NS MODE: the checks of MODE (names, defaults, einval, ends)
# in namespace NS, one process; prints what failed.
sysctl_py() {
	ip netns exec "$1" python3 - "$2" "$SYSCTLS" <<'EOF'
import errno, os, sys
mode, table = sys.argv[1], sys.argv[2]
base = "/proc/sys/net/tcplens/"
rows = [l.split() for l in table.splitlines()]
bad = 0


def fail(msg):
    global bad
    print(f"# {msg}")
    bad += 1


def read(name):
    with open(base + name) as f:
        return f.read().strip()


def write(name, value):
    """None if the write was taken, else the errno's name."""
    fd = os.open(base + name, os.O_WRONLY)
    try:
        os.write(fd, value.encode())
        return None
    except OSError as e:
        return errno.errorcode[e.errno]
    finally:
        os.close(fd)


if mode == "names":
    want = sorted(r[0] for r in rows)
    got = sorted(os.listdir(base))
    if got != want:
        fail(f"net.tcplens has {got}, the README documents {want}")
elif mode == "defaults":
    for name, default, lo, hi in rows:
        if default != "-" and read(name) != default:
            fail(f"{name} is {read(name)}, documented default {default}")
elif mode == "einval":
    for name, default, lo, hi in rows:
        before = read(name)
        tries = [str(int(hi) + 1), "-1", "4294967296", "x", "12abc"]
        if int(lo) > 0:
            tries.append(str(int(lo) - 1))
        for v in tries:
            err = write(name, v + "\n")
            if err != "EINVAL":
                fail(f"{name} = {v!r}: {err or 'accepted'}, not EINVAL")
            if read(name) != before:
                fail(f"{name} = {v!r} changed it: {before} -> {read(name)}")
elif mode == "ends":
    for name, default, lo, hi in rows:
        before = read(name)
        for v in (lo, hi, before):
            err = write(name, v + "\n")
            if err or read(name) != v:
                fail(f"{name} = {v}: {err or 'reads back ' + read(name)}")
sys.exit(bad > 0)
EOF
}

check "net.tcplens.* holds exactly the documented sysctls" sysctl_py "$ONE" names
check "every sysctl has its documented default in a new namespace" sysctl_py "$ONE" defaults
check "out of range, negative, past 32 bits, not a number: EINVAL, value kept (every sysctl)" \
	sysctl_py "$ONE" einval
check "both ends of each range are taken (every sysctl)" sysctl_py "$ONE" ends
run obs_sysctl "$ONE" close_wait_ms 100
run obs_sysctl "$ONE" max_tracked 16
check "a change in one namespace leaves another at its defaults" \
	eval 'sysctl_py "$TWO" defaults && [ "$(obs_cat "$TWO" stats | awk "\$1 == \"max_tracked\" { print \$2 }")" != 16 ]'

# The memory-sized defaults (README: max_tracked 1/256 of RAM in 128-byte
# entries, 4096..4M; max_total 1/64, 4096..16M; one hash bucket per 32 KiB,
# a power of two, 1024..4M). MemTotal is the kernel's totalram_pages.
mem=$(($(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo) * 1024))
clamp() { local v=$1; [ "$v" -lt "$2" ] && v=$2; [ "$v" -gt "$3" ] && v=$3; echo "$v"; }
pow2() { local n=1; while [ "$n" -lt "$1" ]; do n=$((n * 2)); done; echo "$n"; }
want="$(clamp $((mem / 256 / 128)) 4096 4194304) $(clamp $((mem / 64 / 128)) 4096 16777216) $(pow2 "$(clamp $((mem / 32768)) 1024 4194304)")"
got="$(ip netns exec "$TWO" sysctl -n net.tcplens.max_tracked) $(obs_stat "$TWO" max_total) $(obs_stat "$TWO" hash_buckets)"
echo "# MemTotal $mem bytes: max_tracked, max_total, hash_buckets $got (documented: $want)"
check "max_tracked, max_total and the hash table are sized to RAM as documented" \
	test "$got" = "$want"

netns_cleanup
setup rmmod tcplens_observer
# hash_is HASHSIZE BUCKETS: loaded with hashsize=HASHSIZE, the table has
# BUCKETS buckets.
hash_is() {
	local got
	setup modprobe tcplens_observer hashsize="$1"
	got=$(awk '$1 == "hash_buckets" { print $2 }' /proc/net/tcplens/stats)
	setup rmmod tcplens_observer
	echo "# hashsize=$1: $got buckets"
	[ "$got" = "$2" ]
}
check "hashsize= is rounded up to a power of two and clamped (3000: 4096, 1: 1024)" \
	eval 'hash_is 3000 4096 && hash_is 1 1024'
ktap_finish
