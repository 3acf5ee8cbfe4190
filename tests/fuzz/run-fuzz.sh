#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs libFuzzer targets, each for FUZZ_SECONDS, as `make fuzz` does:
#
#	tests/fuzz/run-fuzz.sh build/fuzz/fuzz-config build/fuzz/fuzz-cli
#
# Target fuzz-NAME starts from a copy of its seeds tests/fuzz/corpus-NAME/
# in a temporary directory, so what it finds never dirties the tree. Any
# crash, leak, sanitizer report, slow input (over FUZZ_TIMEOUT seconds) or
# memory blow-up (over FUZZ_RSS_MB) fails the run; the input that did it is
# kept in build/fuzz/artifacts/NAME/ and the end of the log is shown.
#
# Environment: FUZZ_SECONDS (default 30), FUZZ_TIMEOUT (10),
# FUZZ_RSS_MB (2048), VERBOSE (show every log in full).
set -u
cd "$(dirname "$0")/../.."

secs=${FUZZ_SECONDS:-30}
failed=()

# A sanitizer report must stop the target, so that libFuzzer counts a
# crash and keeps the input (the targets are also built with
# -fno-sanitize-recover); LeakSanitizer checks after inputs and at exit.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

for bin in "$@"; do
	name=${bin##*/fuzz-}
	seeds=tests/fuzz/corpus-$name
	artifacts=build/fuzz/artifacts/$name
	work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-$name.XXXXXX")
	log=$work.log

	mkdir -p "$artifacts"
	if [ -d "$seeds" ]; then
		cp -R "$seeds/." "$work/"
	else
		echo "fuzz-$name: no seed corpus $seeds, starting empty"
	fi
	echo "fuzz-$name: ${secs}s from $(ls "$work" | wc -l) seeds"
	"$bin" -max_total_time="$secs" -detect_leaks=1 \
		-timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb="${FUZZ_RSS_MB:-2048}" \
		-error_exitcode=70 -timeout_exitcode=71 -print_final_stats=1 \
		-artifact_prefix="$artifacts/" "$work" >"$log" 2>&1
	rc=$?
	# A sanitizer that reports without stopping (a recoverable check
	# someone enabled) would not change the exit status: look as well.
	if [ $rc -eq 0 ] && grep -q -e '^SUMMARY: ' -e 'runtime error:' "$log"; then
		rc=1
	fi
	if [ $rc -eq 0 ]; then
		echo "PASS  fuzz-$name: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" |
			sed 's/.*: *//') runs, corpus $(ls "$work" | wc -l) inputs"
	else
		failed+=("fuzz-$name")
		echo "FAIL  fuzz-$name (exit $rc); inputs kept in $artifacts/"
		tail -80 "$log" | sed 's/^/    /'
	fi
	[ -n "${VERBOSE:-}" ] && sed 's/^/    /' "$log"
	rm -rf "$work" "$log"
done

echo
if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz: failed: ${failed[*]}"
	exit 1
fi
echo "fuzz: $# targets passed"
