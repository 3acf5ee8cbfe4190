#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs the test suite: every test binary $O/tests/test-* and every script
# tests/t-*.sh, each on its own with a time limit, so a hang or a crash
# fails that one test and not the run. Exit status 77 means "skipped" (the
# test says why). With VALGRIND=1 the binaries run under valgrind.
#
# Environment: O (build directory, default .), VALGRIND, TEST_TIMEOUT (s).
set -u
cd "$(dirname "$0")/.."
O=${O:-.}
export O
TEST_TIMEOUT=${TEST_TIMEOUT:-600}
pass=0 fail=0 skip=0
failed=()

run() {
	local name=$1; shift
	local log rc
	log=$(mktemp)
	timeout --kill-after=10 "$TEST_TIMEOUT" "$@" >"$log" 2>&1
	rc=$?
	case $rc in
	0)	pass=$((pass + 1)); echo "PASS  $name" ;;
	77)	skip=$((skip + 1)); echo "SKIP  $name: $(grep -m1 -i skip "$log")" ;;
	*)	fail=$((fail + 1)); failed+=("$name")
		[ $rc -eq 124 ] && echo "timed out after ${TEST_TIMEOUT}s" >>"$log"
		echo "FAIL  $name (exit $rc)"; sed 's/^/    /' "$log" | tail -60 ;;
	esac
	[ -n "${VERBOSE:-}" ] && sed 's/^/    /' "$log"
	rm -f "$log"
}

VG=()
if [ -n "${VALGRIND:-}" ]; then
	# Valgrind runs threads one at a time: stress tests cut their counts.
	export TEST_QUICK=1
	VG=(valgrind -q --error-exitcode=99 --leak-check=full
	    --errors-for-leak-kinds=definite --show-leak-kinds=definite
	    --suppressions=tests/valgrind.supp)
fi

for t in "$O"/tests/test-*; do
	[ -x "$t" ] && [ -f "$t" ] || continue
	case $t in *.c|*.o|*.h) continue ;; esac
	run "$(basename "$t")" "${VG[@]}" "$t"
done
for t in tests/t-*.sh; do
	[ -f "$t" ] || continue
	run "$(basename "$t")" bash "$t"
done

echo
[ ${#failed[@]} -gt 0 ] && echo "failed: ${failed[*]}"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
