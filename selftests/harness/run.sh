#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh KSFT_DIR: the self-test of make check's counting, on the host.
#
#  1. scripts/ktap-results over recorded runner.sh output (recorded/*.tap:
#     skips outside and inside a test, a failed check, a timeout, a result
#     line garbled by printk, a duplicate, a VM that died mid-test) must
#     give exactly recorded/*.expected.
#  2. Three deliberate tests (a skip, a failed check, a hang) run through
#     kselftest's own runner.sh with a 3 s timeout; the parser must count
#     them as 1 skipped, 1 failed and 1 failed (TIMEOUT).
#
# Prints TAP; exits 1 if any point failed.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
ksft=${1:?usage: run.sh KSFT_DIR}
parser=$TCPLENS_TOP/scripts/ktap-results
tests="tcplens_harness_skip.sh tcplens_harness_fail.sh tcplens_harness_hang.sh"

recorded=("$here"/recorded/*.tap)
ktap_header $((${#recorded[@]} + 4))

for tap in "${recorded[@]}"; do
	name=$(basename "$tap" .tap)
	if diff -u "${tap%.tap}.expected" \
		<("$parser" --prefix k --expect "a.sh b.sh c.sh" --vm-rc 125 "$tap") |
		sed 's/^/# /'; [ "${PIPESTATUS[0]}" = 0 ]; then
		ktap_result OK "parser: recorded $name run"
	else
		ktap_result FAIL "parser: recorded $name run" "differs from $name.expected"
	fi
done

# kselftest's runner reads a test folder's settings from under BASE_DIR:
# a scratch BASE_DIR with links to the kselftest runner and to this folder.
base=$(mktemp -d)
trap 'rm -rf "$base"' EXIT
ln -s "$ksft/kselftest" "$base/kselftest"
ln -s "$here" "$base/tcplens_harness"
(
	cd "$base/tcplens_harness" || exit 1
	export BASE_DIR=$base
	# shellcheck disable=SC1091
	. "$base/kselftest/runner.sh"
	# shellcheck disable=SC2046,SC2086 # one word per test
	run_many $(printf './%s ' $tests)
) 2>&1 | cat >"$base/run.tap"   # a pipe: runner.sh reopens /dev/stdout
sed 's/^/# /' "$base/run.tap"
"$parser" --prefix harness --expect "$tests" "$base/run.tap" >"$base/results"
sed 's/^/# result: /' "$base/results"

# expect RESULT NAME DETAIL-PATTERN: one line of the parsed results.
expect() {
	awk -F '\t' -v r="$1" -v n="harness:$2" -v d="$3" \
		'$1 == r && $2 == n && $3 ~ d { f = 1 } END { exit !f }' "$base/results"
}
check "the deliberate skip is counted as skipped" \
	expect skip tcplens_harness_skip.sh "deliberately skipped"
check "the deliberate failure is counted as failed, naming its check" \
	expect fail tcplens_harness_fail.sh "exit=1; first failed check: a check that fails deliberately"
check "the deliberate hang is counted as failed (TIMEOUT)" \
	expect fail tcplens_harness_hang.sh "TIMEOUT 3 seconds"
check "nothing else is counted (1 skipped, 2 failed, 0 passed)" \
	test "$(cut -f1 "$base/results" | sort | tr '\n' ' ')" = "fail fail skip "
ktap_finish
