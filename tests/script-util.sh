# SPDX-License-Identifier: GPL-2.0-or-later
#
# script-util.sh - for the scripts that run multipathd and faultfs
# (the tests/t-*.sh that start a daemon, tests/soak.sh, scripts/demo.sh,
# bench/bench-detect.sh): skipping a test, stopping the processes they
# started, and reading "show paths json". Sourced, not run.

# skip REASON: the test cannot run here; run-tests.sh counts exit 77 as a
# skip, not a failure.
skip() {
	echo "skip: $*"
	exit 77
}

# proc_gone PID: true when PID has exited (or is a zombie: PID 1 may be
# slow to reap a daemon's worker once its supervisor is gone). An empty
# PID is gone.
proc_gone() {
	local st
	[ -z "$1" ] && return 0
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 0
	[ "$st" = Z ]
}

# wait_gone PID TENTHS: wait up to TENTHS tenths of a second for PID to
# exit; true when it has.
wait_gone() {
	local i
	for ((i = 0; i < $2; i++)); do
		proc_gone "$1" && return 0
		sleep 0.1
	done
	proc_gone "$1"
}

# stop_proc PID GRACE_TENTHS: SIGTERM, then SIGKILL after the grace period
# (tenths of a second), saying so on stderr; then reap it if it is ours.
stop_proc() {
	local pid=$1
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	if ! wait_gone "$pid" "$2"; then
		echo "${0##*/}: cleanup: pid $pid still there after SIGTERM: SIGKILL" >&2
		kill -KILL "$pid" 2>/dev/null
		wait_gone "$pid" 50
	fi
	wait "$pid" 2>/dev/null
}

# faultfs_mount FAULTFS N MNT LOG: start tests/faultfs with N images on MNT
# in the background (ffs_pid := its pid; output to LOG, and -t 30: a hung
# request fails after 30 s, should a test die holding one) and wait up to
# 5 s for its control file. Fails if it does not appear.
faultfs_mount() {
	local i
	"$1" -n "$2" -t 30 "$3" >"$4" 2>&1 &
	ffs_pid=$!
	for ((i = 0; i < 50; i++)); do
		[ -e "$3/control" ] && return 0
		proc_gone "$ffs_pid" && return 1
		sleep 0.1
	done
	return 1
}

# json_field DEV KEY: REPLY := the field KEY of path DEV in $JSON (the
# reply to "show paths json", one path per line); fails if DEV is not there.
json_field() {
	local line re="\"$2\": (\"([^\"]*)\"|([^,}]*))"
	REPLY=
	while IFS= read -r line; do
		[[ $line == *"\"dev\": \"$1\""* ]] || continue
		[[ $line =~ $re ]] || return 1
		REPLY=${BASH_REMATCH[2]}${BASH_REMATCH[3]}
		return 0
	done <<<"$JSON"
	return 1
}

# loop_backed_by DEV DIR: true while loop device DEV is bound to an image
# DIR/img* (one the test made), not to anyone else's file.
loop_backed_by() {
	local bf
	[ -n "$1" ] || return 1
	bf=$(cat "/sys/block/${1#/dev/}/loop/backing_file" 2>/dev/null) || return 1
	[[ $bf == "$2"/img* ]]
}

# loops_release DIR DEV...: detach those of DEV... that are bound to an
# image in DIR, and wait up to 3 s for them to go (a device someone still
# holds goes at its last close). LOOPS_LEFT: those still bound then.
loops_release() {
	local dir=$1 d i

	shift
	for d; do
		loop_backed_by "$d" "$dir" && losetup -d "$d" 2>/dev/null
	done
	for ((i = 0; i < 30; i++)); do
		LOOPS_LEFT=()
		for d; do
			loop_backed_by "$d" "$dir" && LOOPS_LEFT+=("$d")
		done
		[ ${#LOOPS_LEFT[@]} -eq 0 ] && break
		sleep 0.1
	done
}
