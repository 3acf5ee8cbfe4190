#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Figure 5, detection latency: how long after a path's reads start failing
# with EIO does "multipathd show paths" show the path down? A benchmark: it
# measures and reports, it asserts no time.
#
# A real multipathd (the directio checker) monitors one loop device with
# direct I/O over an image of tests/faultfs. A trial waits until the path
# is up and has been checked up once more, sleeps a random fraction of the
# polling interval P (so that the fault lands at a uniformly random phase
# of the polling cycle), switches the image to EIO and takes t0, then asks
# "show paths" back to back until the path shows down (t1). The latency is
# t1 - t0. The image is switched back to ok before the next trial, which
# begins by waiting for the path to be up again.
#
# Each P runs its own daemon with polling_interval P and max_polling_interval
# P: with the default max_polling_interval of 4 x P, a path that stays up
# is checked only every 4 x P (the interval doubles while it stays up), so
# detection may take up to 4 x P by design; the target "detected within
# polling_interval + 0.2 s" is for max_polling_interval = polling_interval.
#
# Prints a markdown fragment for bench/REPORT.md on stdout (progress goes
# to stderr). The binaries are copied at the start, so that a rebuild of
# the tree during the run changes nothing. Everything is undone on every
# exit, also after an error or a signal: the daemon stopped, the loop
# device detached, faultfs unmounted, the temporary directory removed.
#
# Needs root, /dev/fuse, /dev/loop-control, fusermount3, losetup and the
# built tree; without them prints "Skipped: <reason>." and exits 0.
# Takes about 3 x P per trial: 20 trials take about 1 min at P = 1 and
# 5 min at P = 5.
# Environment: O (the build directory, default .), TRIALS (per polling
# interval, default 20), INTERVALS (the polling intervals, default "1 5").
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/script-util.sh
O=${O:-.}
TRIALS=${TRIALS:-20}
INTERVALS=${INTERVALS:-1 5}
CTO=2			# checker_timeout: EIO returns at once anyway
SLACK_MS=200		# the target is P + 0.2 s

skip() {
	echo "Skipped: $*."
	exit 0
}

[ "${BASH_VERSINFO[0]}" -ge 5 ] || skip "bash 5 is needed (EPOCHREALTIME)"
[ "$(id -u)" -eq 0 ] || skip "not root: cannot mount FUSE or set up loop devices"
[ -c /dev/fuse ] && [ -w /dev/fuse ] || skip "no usable /dev/fuse"
[ -c /dev/loop-control ] && [ -w /dev/loop-control ] || skip "no usable /dev/loop-control"
command -v fusermount3 >/dev/null || skip "fusermount3 is not installed (fuse3)"
command -v losetup >/dev/null || skip "losetup is not installed"
OABS=$(cd "$O" 2>/dev/null && pwd) || skip "no build directory $O"
[ -x "$OABS/multipathd/multipathd" ] || skip "multipathd is not built ($OABS/multipathd/multipathd)"
[ -x "$OABS/tests/faultfs" ] || skip "faultfs is not built ($OABS/tests/faultfs)"
# The library under its SONAME (the Makefile's MAJOR), as the development
# link names it.
LIBMP=$(readlink -f "$OABS/libmultipath/libmultipath.so" 2>/dev/null)
[ -n "$LIBMP" ] && [ -f "$LIBMP" ] || skip "libmultipath is not built"
[ -f "$OABS/libmultipath/checkers/libcheckdirectio.so" ] || skip "the directio checker is not built"
[[ $TRIALS =~ ^[1-9][0-9]*$ ]] || { echo "bench-detect: TRIALS must be a positive integer" >&2; exit 2; }
for P in $INTERVALS; do
	[[ $P =~ ^[1-9][0-9]*$ ]] || { echo "bench-detect: INTERVALS: $P is not a whole number of seconds" >&2; exit 2; }
done

export MULTIPATH_SOCKET_NAME=@mpd-bench-detect-$$

tmp=$(mktemp -d /tmp/bench-detect.XXXXXX) || { echo "bench-detect: mktemp failed" >&2; exit 1; }
mnt=$tmp/mnt
conf=$tmp/multipath.conf
log=$tmp/multipathd.log
ffs_pid= mpd_pid= mpd_worker= loop=

# --- cleanup -----------------------------------------------------------------

# stop_daemon: the supervisor, then wait for its worker process, which
# shuts down by itself once told (or once the supervisor is gone).
stop_daemon() {
	stop_proc "$mpd_pid" 20
	wait_gone "$mpd_worker" 30 || return 1
	mpd_pid= mpd_worker=
}

cleanup() {
	local rc=$? left=()

	trap - EXIT INT TERM HUP
	trap '' PIPE
	[ -w "$mnt/control" ] && echo ok >"$mnt/control" 2>/dev/null
	stop_daemon
	if [ $rc -ne 0 ] && [ -s "$log" ]; then
		echo "--- the end of multipathd's log:" >&2
		tail -n 30 "$log" | sed 's/^/    /' >&2
	fi
	loops_release "$mnt" "$loop"
	stop_proc "$ffs_pid" 30	# SIGTERM fails hung requests and unmounts
	mountpoint -q "$mnt" 2>/dev/null && umount -l "$mnt"
	rm -rf "$tmp"

	loop_backed_by "$loop" "$mnt" && left+=("$loop")
	[ -n "$mpd_pid" ] && ! proc_gone "$mpd_pid" && left+=("multipathd pid $mpd_pid")
	[ -n "$mpd_worker" ] && ! proc_gone "$mpd_worker" && left+=("multipathd worker pid $mpd_worker")
	[ -n "$ffs_pid" ] && ! proc_gone "$ffs_pid" && left+=("faultfs pid $ffs_pid")
	grep -q " $mnt " /proc/mounts && left+=("mount $mnt")
	[ -e "$tmp" ] && left+=("$tmp")
	if [ ${#left[@]} -gt 0 ]; then
		echo "bench-detect: cleanup left: ${left[*]}" >&2
		[ $rc -eq 0 ] && rc=1
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

# --- helpers -------------------------------------------------------------------

die() {
	echo "bench-detect: $*" >&2
	echo "Failed: $*."
	exit 1
}

progress() {
	echo "bench-detect: $*" >&2
}

# NOW := the wall clock in microseconds, without a fork (the daemon's log
# uses the wall clock too).
now() {
	NOW=${EPOCHREALTIME/[.,]/}
}

# fmt_s US [DIGITS]: microseconds -> seconds, "0.512".
fmt_s() {
	awk -v u="$1" -v d="${2:-3}" 'BEGIN { printf "%.*f", d, u / 1e6 }'
}

# opt_s US: fmt_s with " s", or "?" when US is empty.
opt_s() {
	if [ -n "$1" ]; then
		echo "$(fmt_s "$1") s"
	else
		echo "?"
	fi
}

# s_to_us "1.234": seconds (3 decimals at most) -> microseconds.
s_to_us() {
	local i=${1%%.*} f=
	[[ $1 == *.* ]] && f=${1#*.}
	f=${f}000
	echo $((10#${i:-0} * 1000000 + 10#${f:0:3} * 1000))
}

# fmt_ms US: microseconds -> milliseconds, "2.1".
fmt_ms() {
	awk -v u="$1" 'BEGIN { printf "%.1f", u / 1e3 }'
}

# stats V...: "MEDIAN MIN MAX" of integers.
stats() {
	printf '%s\n' "$@" | sort -n | awk '
		{ v[NR] = $1 }
		END {
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%d %d %d\n", m, v[1], v[NR]
		}'
}

# snap: JSON := show paths json, TS := the wall clock (us) half-way
# through the call (empty JSON when the daemon does not answer).
snap() {
	local a
	now; a=$NOW
	JSON=$(timeout 5 "$MPD" show paths json 2>/dev/null) || JSON=
	now; TS=$(((a + NOW) / 2))
}

# pf KEY: REPLY := that field of our path in $JSON; fails if not listed.
pf() {
	json_field "$dev" "$1"
}

ctl() {
	echo "$1" >"$mnt/control" || die "faultfs control: $1"
}

# wait_up_stable LIMIT_S: until the path is up and one more check has found
# it up. UPCHECKS := its checks counter then.
wait_up_stable() {
	local c=-1 t_end
	now; t_end=$((NOW + $1 * 1000000))
	for (( ; ; )); do
		snap
		if pf state && [ "$REPLY" = up ]; then
			pf checks
			if ((c < 0)); then
				c=$REPLY
			elif ((REPLY > c)); then
				UPCHECKS=$REPLY
				return 0
			fi
		else
			c=-1
		fi
		now
		((NOW > t_end)) && return 1
		kill -0 "$mpd_pid" 2>/dev/null || die "multipathd (pid $mpd_pid) is gone"
		sleep 0.05
	done
}

# poll_down LIMIT_US: ask "show paths" back to back until the path shows
# down. T1 := the end of the call that first showed it; POLLS += the
# duration (us) of each call. Fails after LIMIT_US since T0.
poll_down() {
	local out a st re="(^|"$'\n'")$dev +[^ ]+ +[^ ]+ +([^ ]+)"
	for (( ; ; )); do
		now; a=$NOW
		out=$("$MPD" show paths 2>/dev/null)
		now
		POLLS+=($((NOW - a)))
		st=
		[[ $out =~ $re ]] && st=${BASH_REMATCH[2]}
		if [ "$st" = down ]; then
			T1=$NOW
			return 0
		fi
		((NOW - T0 > $1)) && return 1
	done
}

# log_down_us: the wall clock (us) of the daemon's last "up -> down" line
# for our path, or empty.
log_down_us() {
	local line
	line=$(grep -F "multipathd: $dev: up -> down" "$log" | tail -n 1)
	[[ $line =~ ^([0-9]+)\.([0-9]{3})\  ]] || return 0
	echo $((BASH_REMATCH[1] * 1000000 + 10#${BASH_REMATCH[2]} * 1000))
}

write_conf() {	# write_conf P
	cat >"$conf" <<-EOF
	defaults {
		polling_interval $1
		max_polling_interval $1
		checker_timeout $CTO
		path_checker directio
		plugin_dir "$PLUGINS"
	}
	blacklist {
		devnode ".*"
	}
	blacklist_exceptions {
		devnode "^$dev\$"
	}
	EOF
}

start_daemon() {
	"$MPD" -d -v 3 -c "$conf" >>"$log" 2>&1 &
	mpd_pid=$!
	wait_up_stable 15 || die "multipathd (pid $mpd_pid) does not show $dev up within 15 s"
	mpd_worker=$(pgrep -P "$mpd_pid" 2>/dev/null | head -n 1)
}

# --- setup -----------------------------------------------------------------------

# Our own copies: a rebuild of the tree during the run must not swap the
# client or the plugin under us. multipathd finds its library through
# $ORIGIN/../libmultipath.
mkdir -p "$tmp/bin" "$tmp/libmultipath/checkers" "$mnt" || die "mkdir in $tmp"
cp "$OABS/multipathd/multipathd" "$tmp/bin/" &&
	cp "$LIBMP" "$tmp/libmultipath/" &&
	cp "$OABS/libmultipath/checkers/libcheckdirectio.so" "$tmp/libmultipath/checkers/" ||
	die "cannot copy the binaries (a rebuild in progress? run again)"
MPD=$tmp/bin/multipathd
PLUGINS=$tmp/libmultipath/checkers

faultfs_mount "$OABS/tests/faultfs" 1 "$mnt" "$tmp/faultfs.log" ||
	skip "faultfs cannot mount here: $(tr '\n' ' ' <"$tmp/faultfs.log")"

dio=on
if ! loop=$(losetup --find --show --direct-io=on "$mnt/img0" 2>"$tmp/losetup.err"); then
	loop=$(losetup --find --show "$mnt/img0" 2>"$tmp/losetup.err") ||
		skip "losetup cannot attach a loop device over faultfs: $(cat "$tmp/losetup.err")"
	dio=off
fi
dev=${loop#/dev/}
progress "faultfs on $mnt, img0 -> $dev (direct I/O $dio), socket $MULTIPATH_SOCKET_NAME"

# --- the trials --------------------------------------------------------------------

declare -A RES		# per P: "median min max", daemon side, misses ...
ALLPOLLS=()
MISSES=()		# one line per trial over the target
FAILS=()		# one line per trial not detected at all
CHKS=()			# us from a check being due to the daemon logging down
LATE=()			# latencies of trials where the first check missed the fault
start_all=$SECONDS

for P in $INTERVALS; do
	write_conf "$P"
	start_daemon
	progress "P = $P s: multipathd pid $mpd_pid, $dev up; $TRIALS trials"
	lats=() dlats=()
	POLLS=()
	for ((k = 1; k <= TRIALS; k++)); do
		((k > 1)) && { wait_up_stable $((3 * P + 10)) ||
			die "P = $P, trial $k: $dev not up (and checked up again) within $((3 * P + 10)) s after ok"; }
		# A uniformly random phase of the polling cycle.
		u=$((((RANDOM << 15) | RANDOM) % (P * 1000000)))
		sleep "$(fmt_s $u 6)"
		# The schedule as the daemon sees it just before the fault.
		snap
		pf next_check_s; due=$((TS + $(s_to_us "$REPLY")))
		pf pending; pend="no check in flight"
		[ "$REPLY" = true ] && pend="a check in flight"
		pf checks; checks0=$REPLY
		pf state; st0=$REPLY
		echo "eio img0" >"$mnt/control" || die "faultfs control: eio"
		now; T0=$NOW
		if ! poll_down $(((3 * P + CTO + 5) * 1000000)); then
			FAILS+=("P = $P s, trial $k: not down $(fmt_s $((NOW - T0))) s after the EIO")
			ctl "ok img0"
			continue
		fi
		lat=$((T1 - T0))
		ctl "ok img0"
		ld=$(log_down_us)
		dlat=
		[ -n "$ld" ] && ((ld >= T0 - 1000)) && dlat=$((ld - T0))
		lats+=($lat)
		[ -n "$dlat" ] && dlats+=($dlat)
		# How many checks it took: 1 unless the check due at the
		# injection had read block 0 before the fault took effect.
		snap
		pf checks; checks1=$REPLY
		nchk=$((checks1 - checks0))
		((nchk > 1)) && LATE+=("$(fmt_s $lat)")
		# From the check being due to the daemon logging down.
		[ -n "$dlat" ] && [ "$pend" = "no check in flight" ] && ((nchk == 1)) &&
			CHKS+=($((ld - due)))
		if ((lat > P * 1000000 + SLACK_MS * 1000)); then
			wait_due=$((due - T0)) chk=$((${ld:-$T1} - due)) seen=$((T1 - ${ld:-$T1}))
			if ((nchk > 1)); then
				cause="the check due at the injection did not see the fault (it read block 0 just before); the next one, P later, did"
			elif ((wait_due > P * 1000000 + 50000)); then
				cause="the check itself ran late: the daemon's next check was due only $(fmt_s $wait_due) s after the injection, more than P"
			elif ((chk >= seen)); then
				cause="the check that saw the EIO, or the collection of its result, took $(fmt_s $chk) s after it was due"
			else
				cause="the client saw it late: the first show paths answer with down came $(fmt_s $seen) s after the daemon logged it (a slow call)"
			fi
			MISSES+=("P = $P s, trial $k: seen down after $(fmt_s $lat) s. Just before the
  injection the path was $st0 with $pend, its next check due
  $(fmt_s $wait_due) s after the injection (next_check_s of show paths json);
  the daemon logged up -> down after $(opt_s "$dlat"); show paths showed it
  $(fmt_s $seen) s after that log line; checks counted from just before the
  injection to the detection: $nchk. Cause: $cause.")
		fi
		progress "P = $P s, trial $k/$TRIALS: down after $(fmt_s $lat) s (daemon log: $(opt_s "$dlat"); phase $(fmt_s $u) s)"
	done
	wait_up_stable $((3 * P + 10)) || die "P = $P: $dev not up again after the last trial"
	stop_daemon || die "the worker process $mpd_worker of multipathd is still there 3 s after its supervisor exited"
	ALLPOLLS+=("${POLLS[@]}")
	if [ ${#lats[@]} -gt 0 ]; then
		RES[$P]="${#lats[@]} $(stats "${lats[@]}")"
	else
		RES[$P]="0"
	fi
	if [ ${#dlats[@]} -gt 0 ]; then
		RES[d$P]=$(stats "${dlats[@]}")
	fi
done
elapsed=$((SECONDS - start_all))

# --- the report ------------------------------------------------------------------

rev=$(git rev-parse --short HEAD 2>/dev/null) &&
	[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] && rev="$rev + uncommitted changes"
read -r pmed pmin pmax <<<"$(stats "${ALLPOLLS[@]}")"
npolls=${#ALLPOLLS[@]}

cat <<EOF
\`bench/bench-detect.sh\`: a real \`multipathd\` (directio checker,
checker_timeout $CTO s) monitors one loop device (direct I/O $dio) over a
\`tests/faultfs\` image. A trial waits until the path is \`up\` and has been
checked up once more, sleeps a random fraction of the polling interval P
(the fault lands at a uniformly random phase of the polling cycle),
switches the image's reads to EIO and takes t0, then runs
\`multipathd show paths\` back to back until the path shows \`down\` (t1).
Latency = t1 - t0; then the image is switched back to ok. $TRIALS trials
per P, one daemon per P; ${elapsed} s in all${rev:+, tree $rev}.

max_polling_interval = polling_interval = P in these runs: with the
default max_polling_interval of 4 x P, a path that stays up is checked
only every 4 x P (the interval doubles while it stays up), by design, so
detection can take up to 4 x P; the target "detected within
polling_interval + 0.2 s" is measured with max_polling_interval =
polling_interval. Expected: uniform over 0..P, median about P/2.

Resolution: each poll is one client call (fork, exec, connect, command,
reply); over $npolls polls a call took $(fmt_ms $pmed) ms median ($(fmt_ms $pmin)-$(fmt_ms $pmax) ms).
t1 is the end of the first call that showed \`down\`, so a latency is late
by at most one call.

| polling_interval | trials | median (s) | min | max | target (P + 0.2 s) | met? |
|---:|---:|---:|---:|---:|---:|---|
EOF
missed=()
targets=()
for P in $INTERVALS; do
	read -r n med min max <<<"${RES[$P]}"
	tgt=$((P * 1000000 + SLACK_MS * 1000))
	if ((n == 0)); then
		echo "| $P s | 0 of $TRIALS | - | - | - | $(fmt_s $tgt 1) s | **no**: never detected |"
		missed+=("$P")
		targets+=("Target: detection within polling_interval + 0.2 s at polling_interval $P: MISSED (never detected)")
		continue
	fi
	met=yes
	if ((max > tgt || n < TRIALS)); then
		met="**no**"
		missed+=("$P")
	fi
	echo "| $P s | $n$( ((n < TRIALS)) && echo " of $TRIALS") | $(fmt_s $med) | $(fmt_s $min) | $(fmt_s $max) | $(fmt_s $tgt 1) s | $met |"
	targets+=("Target: detection within polling_interval + 0.2 s at polling_interval $P: $([ "$met" = yes ] && echo MET || echo MISSED) (median $(fmt_s $med) s, max $(fmt_s $max) s over $n trials)")
done
echo
printf '%s\n\n' "${targets[@]}"
line="The daemon's side, from its log (the \`up -> down\` line, ms timestamps), median (min-max):"
for P in $INTERVALS; do
	[ -n "${RES[d$P]:-}" ] || continue
	read -r med min max <<<"${RES[d$P]}"
	line+=" P = $P s: $(fmt_s $med) s ($(fmt_s $min)-$(fmt_s $max));"
done
echo "${line%;}."
if [ ${#CHKS[@]} -gt 0 ]; then
	read -r med min max <<<"$(stats "${CHKS[@]}")"
	echo "From the moment \`show paths json\` gave for the path's next check, just"
	echo "before the injection (next_check_s), to that line: $(fmt_ms $med) ms median"
	echo "($(fmt_ms $min) to $(fmt_ms $max) ms) over ${#CHKS[@]} trials: the EIO read and the collection"
	echo "of its result, less how early the check started (negative: before that moment)."
fi
if [ ${#LATE[@]} -gt 0 ]; then
	echo
	echo "In ${#LATE[@]} trial$( ((${#LATE[@]} > 1)) && echo s) (latency ${LATE[*]} s) a check was due within a few ms of"
	echo "the injection and did not see the fault (it read block 0 before the switch"
	echo "took effect); the next one, P later, did. This is the far end of the uniform"
	echo "phase: up to P plus the check's own time."
fi
echo
if [ ${#missed[@]} -eq 0 ]; then
	echo "Every trial met the target."
else
	echo "**Target missed** at polling_interval ${missed[*]} s:"
	echo
	for m in "${FAILS[@]}" "${MISSES[@]}"; do
		echo "- $m"
	done
fi
