#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The directio checker on real block devices: a loop device over a 1 MiB
# file, checked through tests/load-plugin asynchronously (the default, as
# a daemon runs it: libcheck_check then libcheck_pending) and synchronously
# (-s), both of which must report "up"; and a loop device over an empty
# file, where the read of block 0 comes back short: "down". The loop
# devices and the files are removed on every exit, also on failure.
#
# Needs root and /dev/loop-control; skips with a message without them.
# Environment: O (the build directory, default .). Exit 0: pass, 77: skip.
set -euo pipefail
cd "$(dirname "$0")/.."
O=${O:-.}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || { echo "skip: not root, cannot set up loop devices"; exit 77; }
[ -c /dev/loop-control ] || { echo "skip: no /dev/loop-control"; exit 77; }
command -v losetup >/dev/null || { echo "skip: losetup is not installed"; exit 77; }
load_plugin=$O/tests/load-plugin
plugins=$O/libmultipath/checkers
[ -x "$load_plugin" ] || fail "$load_plugin is not built (run make)"
[ -f "$plugins/libcheckdirectio.so" ] || fail "$plugins/libcheckdirectio.so is not built (run make)"

tmp=$(mktemp -d)
devs=()
cleanup() {
	local d
	for d in "${devs[@]}"; do
		losetup -d "$d" 2>/dev/null || echo "cannot detach $d" >&2
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# attach FILE: a loop device over FILE, in $dev, detached on exit.
attach() {
	if ! dev=$(losetup --find --show "$1" 2>"$tmp/losetup.err"); then
		echo "skip: losetup cannot attach a loop device here: $(cat "$tmp/losetup.err")"
		exit 77
	fi
	devs+=("$dev")
}

# check EXPECTED [OPTIONS]: run one check of $dev, expect state EXPECTED.
check() {
	local want=$1 out
	shift
	echo "== load-plugin ${*:-(async)} directio $dev"
	out=$("$load_plugin" -i -t 10 "$@" "$plugins" directio "$dev") ||
		fail "load-plugin $* exited with $?: $out"
	echo "$out"
	[[ $out == "directio: $want "* ]] || fail "expected $want, got: $out"
}

truncate -s 1M "$tmp/disk.img"
attach "$tmp/disk.img"
echo "== $dev over a 1 MiB file"
check up
check up -s

: >"$tmp/empty.img"
attach "$tmp/empty.img"
echo "== $dev over an empty file"
check down
check down -s
echo "PASS"
