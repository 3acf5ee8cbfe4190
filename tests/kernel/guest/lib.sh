# SPDX-License-Identifier: GPL-2.0-or-later
#
# lib.sh - the guest payload's helpers (sourced by main.sh): assertions
# with pass/fail counters and timings, the daemon, its JSON, dmsetup
# status, and the scsi_debug paths.
#
# Conventions. A scenario is a function that returns non-zero at its first
# failed assertion (the rest of it would only fail for the same reason);
# run_scenario counts it, prints its time and what is needed to debug it,
# and the next scenario starts from a restored baseline (baseline). Every
# wait has a generous deadline (TCG runs the guest 10-50 times slower than
# hardware) and prints the measured time, so that a slow run is visible
# without being a failure.

. /payload/script-util.sh	# proc_gone, stop_proc, json_field

MPD=/usr/sbin/multipathd
LP=/usr/bin/load-plugin
PLUGINS=/usr/lib/multipath
RUN=/run/mpath
CONF=$RUN/multipath.conf
LOG=$RUN/multipathd.log
MAP=mpatha
MAP_UUID=mpath-test1
export MULTIPATH_SOCKET_NAME=@mpd-kernel-tier

POLL=1		# polling_interval
MAXPOLL=2	# max_polling_interval
CTO=3		# checker_timeout (SG_IO timeout of tur and readsector0)
SD_TIMEOUT=5	# the disks' own command timeout (directio's reads, map I/O)

PASS_N=0 FAIL_N=0
SCEN_PASSED=() SCEN_FAILED=()
mpd_pid=

# --- time --------------------------------------------------------------------

now_ms() {
	local t=${EPOCHREALTIME/[.,]/}
	echo $((t / 1000))
}
secs() {	# ms -> "1.234"
	printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000))
}
# target MS LIMIT_S: "met" or "exceeded" against a target that is not a
# deadline (TCG timings vary; the deadlines are generous).
target() {
	((${1} <= ${2} * 1000)) && echo "target ${2} s: met" || echo "target ${2} s: exceeded"
}

# --- assertions ----------------------------------------------------------------

pass() {
	PASS_N=$((PASS_N + 1))
	echo "  PASS  $*"
}
fail() {
	FAIL_N=$((FAIL_N + 1))
	echo "  FAIL  $*"
	return 1
}
note() {
	echo "  note  $*"
}

# --- what the daemon and the kernel say -----------------------------------------------

# mpd COMMAND...: the client, never waiting long.
mpd() {
	timeout 5 "$MPD" "$@" 2>&1
}

# refresh: JSON := show paths json, MJSON := show maps json, DMST :=
# dmsetup status of the map (each empty when there is no answer).
refresh() {
	JSON=$(timeout 5 "$MPD" show paths json 2>/dev/null) || JSON=
	MJSON=$(timeout 5 "$MPD" show maps json 2>/dev/null) || MJSON=
	DMST=$(dmsetup status "$MAP" 2>/dev/null) || DMST=
}

# pf DEV KEY: REPLY := the field of path DEV in $JSON.
pf() {
	json_field "$@"
}

# path_is DEV KEY VALUE_REGEX
path_is() {
	pf "$1" "$2" && [[ $REPLY =~ ^($3)$ ]]
}

# gone DEV: the daemon answered, and DEV is not listed.
gone() {
	[ -n "$JSON" ] && ! pf "$1" state
}

# map_line MAP: REPLY := the map's line in $MJSON (one map per line).
map_line() {
	local line
	REPLY=
	while IFS= read -r line; do
		[[ $line == *"\"name\": \"$1\""* ]] || continue
		REPLY=$line
		return 0
	done <<<"$MJSON"
	return 1
}

# map_field MAP KEY: REPLY := a field of the map itself (before "paths").
map_field() {
	local re="\"$2\": (\"([^\"]*)\"|([^,}]*))"
	map_line "$1" || return 1
	REPLY=${REPLY%%\"paths\":*}
	[[ $REPLY =~ $re ]] || { REPLY=; return 1; }
	REPLY=${BASH_REMATCH[2]}${BASH_REMATCH[3]}
}

# map_paths MAP: MPATHS := the path objects of the map, one per element.
map_paths() {
	local rest re='^[^{]*(\{[^{}]*\})(.*)$'
	MPATHS=()
	map_line "$1" || return 1
	rest=${REPLY#*\"paths\": [}
	[ "$rest" != "$REPLY" ] || return 1
	rest=${rest%%]*}
	while [[ $rest =~ $re ]]; do
		MPATHS+=("${BASH_REMATCH[1]}")
		rest=${BASH_REMATCH[2]}
	done
	return 0
}

# mp_field MAP DEVT KEY: REPLY := KEY of the map's path with that dev_t.
mp_field() {
	local p re="\"$3\": (\"([^\"]*)\"|([^,}]*))"
	REPLY=
	map_paths "$1" || return 1
	for p in "${MPATHS[@]}"; do
		[[ $p == *"\"dev_t\": \"$2\""* ]] || continue
		[[ $p =~ $re ]] || return 1
		REPLY=${BASH_REMATCH[2]}${BASH_REMATCH[3]}
		return 0
	done
	return 1
}

# mp_is MAP DEVT KEY VALUE_REGEX
mp_is() {
	mp_field "$1" "$2" "$3" && [[ $REPLY =~ ^($4)$ ]]
}

# mp_count MAP N: the map is listed with exactly N paths.
mp_count() {
	map_paths "$1" && [ ${#MPATHS[@]} -eq "$2" ]
}

# map_listed MAP / map_unlisted MAP (the daemon answered show maps).
map_listed() {
	map_line "$1"
}
map_unlisted() {
	[[ $MJSON == *'"maps"'* ]] && ! map_line "$1"
}

# dm_path DEVT: REPLY := A or F, that path's state in the map per the
# kernel ($DMST: "... 8:0 A 0 1 8:16 F 1 1 ..."); fails if not in it.
dm_path() {
	local -a w
	local i
	REPLY=
	read -r -a w <<<"$DMST"
	for ((i = 0; i + 1 < ${#w[@]}; i++)); do
		if [ "${w[i]}" = "$1" ] && [[ ${w[i + 1]} == [AF] ]]; then
			REPLY=${w[i + 1]}
			return 0
		fi
	done
	return 1
}
dm_is() {
	dm_path "$1" && [ "$REPLY" = "$2" ]
}

# wait_for COND LIMIT_MS: refresh and evaluate the shell condition COND
# every 100 ms until it holds; ELAPSED := ms since T0. Fails after LIMIT_MS.
wait_for() {
	local cond=$1 limit=$2
	for (( ; ; )); do
		refresh
		ELAPSED=$(($(now_ms) - T0))
		eval "$cond" && return 0
		((ELAPSED > limit)) && return 1
		sleep 0.1
	done
}

# expect COND LIMIT_S WHAT: wait_for, then PASS "WHAT after N s" or FAIL
# "WHAT: not within LIMIT s". T0 is the caller's.
expect() {
	local c=${1//$'\t'/}
	if wait_for "$1" $(($2 * 1000)); then
		pass "$3 after $(secs $ELAPSED) s"
	else
		fail "$3: not within $2 s (condition: ${c//$'\n'/ })"
	fi
}

# --- the scsi_debug paths -------------------------------------------------------

SDP=/sys/bus/pseudo/drivers/scsi_debug
SDM=/sys/module/scsi_debug/parameters
declare -A KNOBS0=()

# The disks of scsi_debug, by H:C:T:L (sd names depend on probe order).
scsi_debug_hctls() {
	local d hctl
	for d in /sys/class/scsi_device/*; do
		[ -e "$d/device/block" ] || continue
		# The model is space-padded to 16 characters.
		[[ $(cat "$d/device/model" 2>/dev/null) == "scsi_debug"* ]] || continue
		hctl=${d##*/}
		echo "$hctl"
	done | sort -t: -k1,1n -k2,2n -k3,3n -k4,4n
}

# resolve P HCTL: P_DEV (sdX), P_DEVT (maj:min), P_SG (sgN), P_HOST (N)
# for path P (A or B) at that H:C:T:L. Fails if the disk is not there.
resolve() {
	local p=$1 hctl=$2 blk sg
	blk=$(ls "/sys/class/scsi_device/$hctl/device/block" 2>/dev/null | head -n 1)
	sg=$(ls "/sys/class/scsi_device/$hctl/device/scsi_generic" 2>/dev/null | head -n 1)
	printf -v "${p}_HCTL" '%s' "$hctl"
	printf -v "${p}_DEV" '%s' "$blk"
	printf -v "${p}_SG" '%s' "$sg"
	printf -v "${p}_HOST" '%s' "${hctl%%:*}"
	printf -v "${p}_DEVT" '%s' "$(cat "/sys/block/$blk/dev" 2>/dev/null)"
	[ -n "$blk" ] && [ -n "$sg" ] && [ -b "/dev/$blk" ] && [ -c "/dev/$sg" ]
}
resolve_paths() {
	resolve A "$A_HCTL" && resolve B "$B_HCTL"
}

# sd_knob NAME VALUE: a writable scsi_debug parameter (driver attribute,
# else module parameter). A few refuse a change while commands are
# queued (EBUSY): retried for up to 5 s.
sd_knob() {
	local f=$SDP/$1 i
	[ -w "$f" ] || f=$SDM/$1
	for ((i = 0; i < 50; i++)); do
		echo "$2" 2>/dev/null >"$f" && return 0
		sleep 0.1
	done
	echo "$2" >"$f"
}
knob() {
	cat "$SDP/$1" 2>/dev/null || cat "$SDM/$1"
}

# The global fault knobs, as found after modprobe (restored by baseline).
KNOB_NAMES=(opts every_nth delay ndelay medium_error_start medium_error_count)
save_knobs() {
	local k
	for k in "${KNOB_NAMES[@]}"; do
		KNOBS0[$k]=$(knob "$k")
	done
}
restore_knobs() {
	local k
	for k in "${KNOB_NAMES[@]}"; do
		[ "$(knob "$k")" = "${KNOBS0[$k]}" ] || sd_knob "$k" "${KNOBS0[$k]}"
	done
}

dev_state() {	# dev_state P STATE: the SCSI device's state (running/offline)
	local hctl=${1}_HCTL
	echo "$2" >"/sys/class/scsi_device/${!hctl}/device/state"
}
host_state() {	# host_state P STATE: the SCSI host's state
	local host=${1}_HOST
	echo "$2" >"/sys/class/scsi_host/host${!host}/state"
}

# --- the map -------------------------------------------------------------------------

# mp_table DEVT...: a round-robin multipath table over these paths, no
# features, no hardware handler (one attached by the kernel is kept).
mp_table() {
	local size d args=
	size=$(blockdev --getsz "/dev/$A_DEV") || return 1
	for d in "$@"; do
		args="$args $d 1"
	done
	echo "0 $size multipath 0 0 1 1 round-robin 0 $# 1$args"
}

# The map's device node: without udevd, dmsetup makes no /dev/mapper
# link; /dev/dm-N is devtmpfs's.
map_dev() {
	local minor
	minor=$(dmsetup info -c --noheadings -o minor "$MAP" 2>/dev/null) || return 1
	echo "/dev/dm-${minor// /}"
}

map_create() {
	mp_table "$@" | dmsetup create "$MAP" -u "$MAP_UUID" && dmsetup mknodes "$MAP"
}
map_reload() {
	mp_table "$@" | dmsetup reload "$MAP" && dmsetup resume "$MAP"
}

# --- the daemon ------------------------------------------------------------------------

write_conf() {
	mkdir -p "$RUN"
	cat >"$CONF" <<-EOF
	defaults {
		polling_interval $POLL
		max_polling_interval $MAXPOLL
		checker_timeout $CTO
		plugin_dir "$PLUGINS"
	}
	blacklist {
		devnode ".*"
	}
	blacklist_exceptions {
		devnode "^sd[a-z]+\$"
	}
	EOF
}

daemon_alive() {
	[ -n "$mpd_pid" ] && ! proc_gone "$mpd_pid"
}

# start_daemon: multipathd in the foreground mode, in the background
# (mpd_pid := the supervisor), its log appended to $LOG.
start_daemon() {
	echo "--- multipathd started $(date +%T)" >>"$LOG"
	"$MPD" -d -v 3 -c "$CONF" >>"$LOG" 2>&1 </dev/null &
	mpd_pid=$!
}

stop_daemon() {
	[ -n "$mpd_pid" ] || return 0
	stop_proc "$mpd_pid" 30
	mpd_pid=
}

# worker_of PID: the daemon's worker, the supervisor's child (no pgrep in
# busybox: /proc/*/stat field 4 is the parent).
worker_of() {
	local s f
	for s in /proc/[0-9]*/stat; do
		read -r -a f <"$s" 2>/dev/null || continue
		# comm "(multipathd)" is one word: field 4 is index 3.
		[ "${f[3]}" = "$1" ] && { echo "${f[0]}"; return 0; }
	done
	return 1
}

# --- failure context -------------------------------------------------------------------

dump_context() {
	echo "  --- context for the failure"
	echo "  show paths:"
	mpd show paths | sed 's/^/    /'
	echo "  show maps:"
	mpd show maps | sed 's/^/    /'
	echo "  dmsetup status / table:"
	dmsetup status 2>&1 | sed 's/^/    /'
	dmsetup table 2>&1 | sed 's/^/    /'
	echo "  multipathd (pid ${mpd_pid:-none}): $(daemon_alive && echo alive || echo gone); its log, last 40 lines:"
	tail -n 40 "$LOG" 2>/dev/null | sed 's/^/    /'
	echo "  dmesg, last 15 lines:"
	dmesg | tail -n 15 | sed 's/^/    /'
}

# --- baseline between scenarios --------------------------------------------------------------

# baseline NEED_MAP: every fault undone, both paths present and running,
# the daemon running with both paths up; with NEED_MAP the map exists over
# both paths with both active in the kernel. Not an assertion: what had to
# be repaired is said in a note, so that a failure of one scenario does
# not cascade into the next.
baseline() {
	local need_map=$1 p h host T0 ELAPSED tbl want t1 t2
	restore_knobs
	for p in A B; do
		h=${p}_HCTL
		host=host${!h%%:*}
		[ "$(cat "/sys/class/scsi_host/$host/state")" = running ] ||
			echo running >"/sys/class/scsi_host/$host/state"
	done
	if ! resolve_paths; then
		note "baseline: a path is missing: rescanning the scsi_debug hosts"
		for p in A B; do
			h=${p}_HCTL
			echo "- - -" >"/sys/class/scsi_host/host${!h%%:*}/scan"
		done
		T0=$(now_ms)
		until resolve_paths; do
			(($(now_ms) - T0 > 10000)) && { fail "baseline: paths not back after a rescan"; return 1; }
			sleep 0.2
		done
	fi
	for p in A B; do
		h=${p}_HCTL
		[ "$(cat "/sys/class/scsi_device/${!h}/device/state")" = running ] || dev_state $p running
		h=${p}_SG
		sg_start --start "/dev/${!h}" >/dev/null 2>&1
	done
	if ! daemon_alive; then
		[ -n "$mpd_pid" ] && note "baseline: multipathd (pid $mpd_pid) had exited: starting a new one"
		start_daemon
	fi
	if [ "$need_map" = map ]; then
		want=$(mp_table "$A_DEVT" "$B_DEVT")
		if ! tbl=$(dmsetup table "$MAP" 2>/dev/null); then
			map_create "$A_DEVT" "$B_DEVT" || { fail "baseline: cannot create $MAP"; return 1; }
		elif read -r -a t1 <<<"$tbl" && read -r -a t2 <<<"$want" &&
			[ "${t1[*]}" != "${t2[*]}" ]; then
			note "baseline: reloading $MAP over $A_DEV and $B_DEV (was: $tbl)"
			map_reload "$A_DEVT" "$B_DEVT" || { fail "baseline: cannot reload $MAP"; return 1; }
		fi
	fi
	T0=$(now_ms)
	if ! wait_for "path_is $A_DEV state up && path_is $B_DEV state up" 20000; then
		fail "baseline: $A_DEV and $B_DEV not both up within 20 s"
		return 1
	fi
	[ "$need_map" = map ] || return 0
	# Give the daemon its chance to reinstate, then do it by hand.
	if ! wait_for "dm_is $A_DEVT A && dm_is $B_DEVT A" 6000; then
		note "baseline: a path stayed failed in the kernel's map: reinstate_path by hand ($DMST)"
		dmsetup message "$MAP" 0 reinstate_path "$A_DEVT" 2>/dev/null
		dmsetup message "$MAP" 0 reinstate_path "$B_DEVT" 2>/dev/null
	fi
	return 0
}

# run_scenario ID TITLE FUNCTION map|nomap: the scenario if selected
# (MPATH_TIER_ONLY), with its time and, on failure, the context.
run_scenario() {
	local id=$1 title=$2 fn=$3 need=$4 t0 rc n0
	if [ -n "${MPATH_TIER_ONLY:-}" ] && [[ ,$MPATH_TIER_ONLY, != *,$id,* ]]; then
		return 0
	fi
	echo
	echo "=== $id. $title"
	CUR_SCEN=$id
	t0=$(now_ms)
	n0=$({ wc -l <"$LOG"; } 2>/dev/null || echo 0)
	if [ "$id" = a ] || baseline "$need"; then
		"$fn"
		rc=$?
	else
		rc=1
	fi
	if [ -n "${MPATH_TIER_VERBOSE:-}" ]; then
		echo "  --- multipathd's log during $id:"
		tail -n +$((n0 + 1)) "$LOG" | sed 's/^/    /'
	fi
	if [ $rc -eq 0 ]; then
		SCEN_PASSED+=("$id")
		echo "--- $id: PASS ($(secs $(($(now_ms) - t0))) s)"
	else
		SCEN_FAILED+=("$id")
		dump_context
		echo "--- $id: FAIL ($(secs $(($(now_ms) - t0))) s)"
	fi
}
