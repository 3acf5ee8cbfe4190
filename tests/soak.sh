#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# soak.sh - multipathd under churn for a long while (make soak; not part of
# make test). The ASan+UBSan build of the daemon monitors loop devices over
# tests/faultfs while, for SOAK_SECONDS (default 600), the script keeps:
#
#   - flipping faults: an image's reads made to fail (EIO), hang, or work;
#   - churning devices: loop devices detached and attached again;
#   - reconfiguring (SIGHUP and the command), and asking for show paths,
#     show maps, show status and show checkers.
#
# Every 5 s it samples the daemon's descriptors, resident memory and
# threads; every 30 s it lets things settle (hangs released, faults
# cleared) and checks that "show paths" lists exactly the loop devices
# attached to our images, all up. At the end the daemon is stopped, and
# the run fails on:
#
#   - growth: the last third's peak of descriptors or threads above the
#     first third's (after a warm-up) by more than a few, or of RSS by more
#     than 25 % + 16 MiB (ASan's quarantine, capped at 4 MiB here, and its
#     allocator's caches fill up over the first minutes: a leak that
#     matters outgrows that in a 10-minute run);
#   - a sanitizer report (ASan, UBSan, LeakSanitizer at exit) in its log;
#   - show paths disagreeing with the devices present, or the daemon not
#     answering, or not exiting 0.
#
# Needs root, /dev/fuse, /dev/loop-control and the ASan build (make soak
# builds it in build/asan). Everything is undone on every exit.
# Environment: O (the build, default build/asan), SOAK_SECONDS, SOAK_SEED.
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/script-util.sh
O=${O:-build/asan}
SECONDS_TOTAL=${SOAK_SECONDS:-600}
RANDOM=${SOAK_SEED:-$$}
[ "$(id -u)" -eq 0 ] || skip "not root: cannot mount FUSE or set up loop devices"
[ -c /dev/fuse ] || skip "no /dev/fuse"
[ -c /dev/loop-control ] || skip "no /dev/loop-control"
OABS=$(cd "$O" 2>/dev/null && pwd) || skip "no build in $O (make soak builds build/asan)"
MPD=$OABS/multipathd/multipathd
FAULTFS=$OABS/tests/faultfs
PLUGINS=$OABS/libmultipath/checkers
[ -x "$MPD" ] && [ -x "$FAULTFS" ] || skip "multipathd or faultfs not built in $O"

NR=6
export MULTIPATH_SOCKET_NAME=@mpd-soak-$$
# Leaks are reported at exit; a small quarantine keeps RSS meaningful.
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=4:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
tmp=$(mktemp -d /tmp/mpd-soak.XXXXXX) || exit 1
mnt=$tmp/mnt conf=$tmp/multipath.conf log=$tmp/multipathd.log
mkdir -p "$mnt"
ffs_pid= mpd_pid=
loops=()		# /dev/loopN per image: the name stays across churn
attached=()		# 1 when image i is attached now

cleanup() {
	local rc=$? i
	trap - EXIT INT TERM
	[ -w "$mnt/control" ] && echo release >"$mnt/control" 2>/dev/null
	stop_proc "$mpd_pid" 50
	for ((i = 0; i < NR; i++)); do
		[ "${attached[i]:-0}" = 1 ] && losetup -d "${loops[i]}" 2>/dev/null
	done
	sleep 0.5
	stop_proc "$ffs_pid" 30
	mountpoint -q "$mnt" 2>/dev/null && umount -l "$mnt"
	if [ $rc -ne 0 ] && [ -s "$log" ]; then
		echo "--- multipathd's log (tail):"
		tail -n 30 "$log" | sed 's/^/    /'
	fi
	rm -rf "$tmp"
	exit $rc
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $*"
	exit 1
}
ctl() { echo "$*" >"$mnt/control"; }
mpd() { timeout 10 "$MPD" "$@" 2>/dev/null; }
worker() { pgrep -P "$mpd_pid" -x multipathd | head -1; }

faultfs_mount "$FAULTFS" "$NR" "$mnt" "$tmp/faultfs.log" ||
	fail "faultfs did not start: $(cat "$tmp/faultfs.log")"
for ((i = 0; i < NR; i++)); do
	loops[i]=$(losetup -f --show --direct-io=off "$mnt/img$i") || fail "losetup img$i"
	attached[i]=1
done
{
	echo "defaults {"
	echo "	polling_interval 1"
	echo "	max_polling_interval 2"
	echo "	checker_timeout 2"
	echo "	plugin_dir \"$PLUGINS\""
	echo "}"
	echo "blacklist { devnode \".*\" }"
	echo "blacklist_exceptions {"
	for d in "${loops[@]}"; do
		echo "	devnode \"^${d#/dev/}\$\""
	done
	echo "}"
} >"$conf"
"$MPD" -d -v 3 -c "$conf" 2>"$log" &
mpd_pid=$!
for ((i = 0; i < 100; i++)); do
	[ "$(mpd show status | awk '/^paths:/ {print $2}')" = "$NR" ] && break
	sleep 0.1
done
w=$(worker)
[ -n "$w" ] || fail "multipathd did not start: $(tail -5 "$log")"
echo "soak: multipathd (ASan) on ${loops[*]}, ${SECONDS_TOTAL} s, seed $RANDOM"

# --- sampling ---------------------------------------------------------------------

samples=()		# "t fds rss_kb threads"
sample() {
	local t=$1 f r th
	f=$(ls "/proc/$w/fd" 2>/dev/null | wc -l)
	r=$(awk '/^VmRSS/ {print $2}' "/proc/$w/status" 2>/dev/null)
	th=$(awk '/^Threads/ {print $2}' "/proc/$w/status" 2>/dev/null)
	[ -n "$r" ] || fail "the daemon (pid $w) is gone at ${t} s: $(tail -5 "$log")"
	samples+=("$t $f $r $th")
}

# settle_and_compare: release hangs, clear faults, then show paths must
# list exactly the attached loop devices, all up, within 15 s.
settle_and_compare() {
	local want=() d i got json
	ctl release
	ctl ok
	for ((i = 0; i < NR; i++)); do
		[ "${attached[i]}" = 1 ] && want+=("${loops[i]#/dev/}")
	done
	for ((i = 0; i < 150; i++)); do
		json=$(mpd show paths json) || json=
		got=$(grep -o '"dev": "[^"]*"' <<<"$json" | cut -d'"' -f4 | sort | tr '\n' ' ')
		if [ "$got" = "$(printf '%s\n' "${want[@]}" | sort | tr '\n' ' ')" ] &&
		   ! grep -q '"state": "\(down\|timeout\|pending\|unchecked\)"' <<<"$json"; then
			return 0
		fi
		sleep 0.1
	done
	fail "show paths lists '$got', the attached devices are '${want[*]}' (or not all up): $json"
}

# --- the churn ----------------------------------------------------------------------

start=$(date +%s)
next_sample=0 next_settle=30 checks=0 actions=0
while :; do
	t=$(($(date +%s) - start))
	((t >= SECONDS_TOTAL)) && break
	if ((t >= next_sample)); then
		sample "$t"
		next_sample=$((t + 5))
	fi
	if ((t >= next_settle)); then
		settle_and_compare
		checks=$((checks + 1))
		next_settle=$((t + 30))
	fi
	i=$((RANDOM % NR))
	case $((RANDOM % 10)) in
	0|1)	ctl eio "$i" ;;
	2)	ctl hang "$i" ;;
	3|4)	ctl ok "$i"; ctl release "$i" ;;
	5)	# Churn: detach (the daemon lets go), or attach again.
		if [ "${attached[i]}" = 1 ]; then
			ctl release "$i"
			losetup -d "${loops[i]}" 2>/dev/null && attached[i]=0
		else
			losetup --direct-io=off "${loops[i]}" "$mnt/img$i" 2>/dev/null &&
				attached[i]=1
		fi ;;
	6)	if ((RANDOM % 2)); then kill -HUP "$mpd_pid"; else mpd reconfigure >/dev/null; fi ;;
	7)	mpd show paths json >/dev/null ;;
	8)	mpd show maps >/dev/null; mpd show checkers >/dev/null ;;
	9)	mpd show status >/dev/null ;;
	esac
	actions=$((actions + 1))
	sleep 0.$((2 + RANDOM % 6))
done
settle_and_compare
checks=$((checks + 1))
sample "$SECONDS_TOTAL"

# --- growth -----------------------------------------------------------------------

# Peaks of a column over the samples in [from, to) of the run.
peak() {
	local col=$1 from=$2 to=$3 s max=0 v ts
	for s in "${samples[@]}"; do
		read -r ts _ _ _ <<<"$s"
		((ts >= from && ts < to)) || continue
		v=$(cut -d' ' -f"$col" <<<"$s")
		((v > max)) && max=$v
	done
	echo "$max"
}
warm=$((SECONDS_TOTAL / 6))
third=$(((SECONDS_TOTAL - warm) / 3))
a0=$warm a1=$((warm + third)) b0=$((SECONDS_TOTAL - third)) b1=$((SECONDS_TOTAL + 1))
f_a=$(peak 2 $a0 $a1) f_b=$(peak 2 $b0 $b1)
r_a=$(peak 3 $a0 $a1) r_b=$(peak 3 $b0 $b1)
t_a=$(peak 4 $a0 $a1) t_b=$(peak 4 $b0 $b1)
echo "soak: $actions actions, $checks consistency checks, ${#samples[@]} samples"
echo "soak: peaks first third / last third: fds $f_a / $f_b, RSS $((r_a / 1024)) / $((r_b / 1024)) MiB, threads $t_a / $t_b"
((f_b <= f_a + 4)) || fail "descriptors grew: $f_a -> $f_b"
((t_b <= t_a + 4)) || fail "threads grew: $t_a -> $t_b"
((r_b <= r_a + r_a / 4 + 16384)) || fail "RSS grew: $((r_a / 1024)) -> $((r_b / 1024)) MiB"

# --- the end ------------------------------------------------------------------------

# Stop with no check in flight: directio deliberately leaves the buffer of
# a read still in the kernel at unload (freeing it could corrupt memory,
# waiting could take minutes), and LeakSanitizer would report that. So
# checks are made rare (polling_interval 60), and the stop waits for the
# last one to finish.
sed -i 's/polling_interval [0-9]*/polling_interval 60/' "$conf"
mpd reconfigure >/dev/null || fail "reconfigure refused"
for ((i = 0; i < 100; i++)); do
	mpd show status | grep -q "(0 checks in flight)" && break
	sleep 0.1
done
kill -TERM "$mpd_pid"
wait_gone "$mpd_pid" 100
wait "$mpd_pid"
rc=$?
mpd_pid=
[ $rc -eq 0 ] || fail "multipathd exited with status $rc"
if grep -E "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$log"; then
	fail "sanitizer report in multipathd's log"
fi
echo "PASS: $SECONDS_TOTAL s of churn, no growth, no sanitizer report"
