# SPDX-License-Identifier: GPL-2.0-or-later
#
# script-util.sh - for the scripts that run multipathd and faultfs
# (tests/t-multipathd-e2e.sh, scripts/demo.sh, bench/bench-detect.sh):
# stopping the processes they started, and reading "show paths json".
# Sourced, not run.

# proc_gone PID: true when PID has exited (or is a zombie: PID 1 may be
# slow to reap a daemon's worker once its supervisor is gone). An empty
# PID is gone.
proc_gone() {
	local st
	[ -z "$1" ] && return 0
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 0
	[ "$st" = Z ]
}

# stop_proc PID GRACE_TENTHS: SIGTERM, then SIGKILL after the grace period
# (tenths of a second), saying so on stderr; then reap it if it is ours.
stop_proc() {
	local pid=$1 i
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < $2; i++)); do
		proc_gone "$pid" && break
		sleep 0.1
	done
	if ! proc_gone "$pid"; then
		echo "${0##*/}: cleanup: pid $pid still there after SIGTERM: SIGKILL" >&2
		kill -KILL "$pid" 2>/dev/null
		for ((i = 0; i < 50; i++)); do
			proc_gone "$pid" && break
			sleep 0.1
		done
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
