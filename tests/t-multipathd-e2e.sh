#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# multipathd end to end: a real daemon process monitoring loop devices over
# the images of tests/faultfs, whose I/O is made to fail (EIO) or hang at
# run time. With polling_interval 1, max_polling_interval 2 and
# checker_timeout 2 (the directio checker, the default for loop devices):
#
#   a. EIO on a path: down within its polling interval + 1 s; ok: up again
#   b. a hang: timeout (or down) within checker_timeout + its polling
#      interval + 1 s, while another path is still checked at least once
#      per max_polling_interval + 1 s; release: up again
#   c. a loop device detached (losetup -d) while its check hangs: the
#      daemon survives, lets the device go once the read returns (it
#      disappears from show paths) and the kernel really detaches it
#   d. fail path / reinstate path, by name and by MAJ:MIN; refusals
#      ("fail" and the reason; the client exits 1) for an unknown path or
#      command; show paths raw format; del path (kept out across a
#      reconfigure) and add path; a map command this daemon does not do
#   e. a non-root client may show but not fail a path
#   f. reconfigure and SIGHUP keep the paths; show config shows the config
#   h. clients that connect and send nothing, and many at once, stall
#      neither checking nor answering
#   g. SIGTERM without a check in flight: exit 0 within 1 s (the ASan build
#      with its leak check at exit); then a new daemon, SIGTERM with a hung
#      check in flight: stopping logged and the socket closed within 1 s,
#      exit status 0 once the hung I/O is released (the kernel does not let
#      a process with aio in flight finish exiting)
#
# A note on "within": an up path is checked every max_polling_interval
# (the adaptive interval grows to it while the path stays up), so a fault
# is seen after at most that interval, not polling_interval. The limits
# below use the path's current interval as the daemon reports it
# (interval_s in "show paths json"), and each line says how the measured
# time compares with polling_interval + 1 s as well.
#
# The daemon uses a private abstract socket (MULTIPATH_SOCKET_NAME) and a
# configuration that blacklists every device but this test's loop devices
# (its blacklist_exceptions). Everything is undone on every exit, also after a failed
# assertion: hangs released, the daemon stopped (SIGKILL after a grace
# period), our loop devices detached, faultfs stopped and unmounted, the
# temporary directory removed; cleanup then checks that nothing is left.
# faultfs -t 30 is the safety net for I/O hung in a process killed meanwhile.
#
# Needs root, /dev/fuse, /dev/loop-control, fusermount3, losetup and the
# multipathd binary; skips (exit 77) without them. About 20 s.
# Environment: O (the build directory, default .).
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/script-util.sh
O=${O:-.}

[ "$(id -u)" -eq 0 ] || skip "not root: cannot mount FUSE or set up loop devices"
[ -c /dev/fuse ] && [ -w /dev/fuse ] || skip "no usable /dev/fuse"
[ -c /dev/loop-control ] && [ -w /dev/loop-control ] || skip "no usable /dev/loop-control"
command -v fusermount3 >/dev/null || skip "fusermount3 is not installed (fuse3)"
command -v losetup >/dev/null || skip "losetup is not installed"
OABS=$(cd "$O" && pwd)
MPD=$OABS/multipathd/multipathd
FAULTFS=$OABS/tests/faultfs
PLUGINS=$OABS/libmultipath/checkers
[ -x "$MPD" ] || skip "multipathd is not built ($MPD)"
[ -x "$FAULTFS" ] || skip "faultfs is not built ($FAULTFS)"
[ -f "$PLUGINS/libcheckdirectio.so" ] || skip "the directio checker is not built"

NR=4			# images and loop devices
POLL=1			# polling_interval
MAXPOLL=2		# max_polling_interval
CTO=2			# checker_timeout

export MULTIPATH_SOCKET_NAME=@mpd-e2e-$$

tmp=$(mktemp -d /tmp/mpd-e2e.XXXXXX) || { echo "FAIL: mktemp"; exit 1; }
mnt=$tmp/mnt
conf=$tmp/multipath.conf
log=$tmp/multipathd.log
ffs_pid= mpd_pid=
loops=()		# /dev/loopN, index = image

# --- cleanup -----------------------------------------------------------------

# Is /dev/loopN still bound to one of our images?
cleanup() {
	local rc=$? left=()

	trap - EXIT INT TERM HUP
	trap '' PIPE	# the reader may be gone: cleanup goes on
	[ -w "$mnt/control" ] && echo release >"$mnt/control" 2>/dev/null
	stop_proc "$mpd_pid" 20
	if [ $rc -ne 0 ] && [ -s "$log" ]; then
		echo "--- the end of multipathd's log:"
		tail -n 40 "$log" | sed 's/^/    /'
	fi
	loops_release "$mnt" "${loops[@]}"
	left=("${LOOPS_LEFT[@]}")
	stop_proc "$ffs_pid" 30	# SIGTERM fails hung requests and unmounts
	mountpoint -q "$mnt" 2>/dev/null && umount -l "$mnt"
	rm -rf "$tmp"

	# Nothing may be left behind.
	[ -n "$mpd_pid" ] && ! proc_gone "$mpd_pid" && left+=("multipathd pid $mpd_pid")
	[ -n "$ffs_pid" ] && ! proc_gone "$ffs_pid" && left+=("faultfs pid $ffs_pid")
	grep -q " $mnt " /proc/mounts && left+=("mount $mnt")
	[ -e "$tmp" ] && left+=("$tmp")
	if [ ${#left[@]} -gt 0 ]; then
		echo "FAIL: cleanup left: ${left[*]}"
		[ $rc -eq 0 ] && rc=1
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

# --- helpers -------------------------------------------------------------------

fail() {
	echo "FAIL: $*"
	[ -n "${JSON:-}" ] && { echo "--- the last show paths json:"; echo "$JSON"; }
	exit 1
}

# The time in ms (wall clock; good enough at this scale).
now_ms() {
	local t=${EPOCHREALTIME/[.,]/}
	echo $((t / 1000))
}
secs() {	# ms -> "1.234"
	printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000))
}

# mpd COMMAND...: the client, never waiting long.
mpd() {
	timeout 5 "$MPD" "$@" 2>&1
}

ctl() {
	echo "$*" >"$mnt/control" || fail "faultfs control: $*"
}

# hung IMG: requests to image IMG hanging in faultfs now.
hung() {
	local line
	while read -r line; do
		[[ $line =~ ^img$1\ .*hung=([0-9]+) ]] && { echo "${BASH_REMATCH[1]}"; return; }
	done <"$mnt/control"
	echo 0
}

# snap: JSON := show paths json (empty when the daemon does not answer).
snap() {
	JSON=$(timeout 5 "$MPD" show paths json 2>/dev/null) || JSON=
}

# pf DEV KEY: REPLY := that field of DEV in $JSON (tests/script-util.sh).
pf() {
	json_field "$@"
}

# WATCH: a device whose checks counter is followed while wait_for polls;
# WATCH_GAP is the longest time (ms) seen without it increasing.
WATCH= WATCH_GAP=0 WATCH_LAST=0 WATCH_CHECKS=-1 WATCH_N=0
watch_start() {
	WATCH=$1 WATCH_GAP=0 WATCH_N=0 WATCH_LAST=$(now_ms)
	snap
	pf "$WATCH" checks || fail "$WATCH is not listed"
	WATCH_CHECKS=$REPLY
}
watch_poll() {
	local t
	[ -n "$WATCH" ] || return 0
	pf "$WATCH" checks || return 0
	t=$(now_ms)
	if [ "$REPLY" != "$WATCH_CHECKS" ]; then
		WATCH_CHECKS=$REPLY
		WATCH_N=$((WATCH_N + 1))
		WATCH_LAST=$t
	fi
	((t - WATCH_LAST > WATCH_GAP)) && WATCH_GAP=$((t - WATCH_LAST))
}
watch_stop() {
	watch_poll
	WATCH=
}

# wait_for COND LIMIT_MS: poll show paths json every 100 ms until the shell
# condition COND holds; ELAPSED := ms since T0. Fails after LIMIT_MS.
wait_for() {
	local cond=$1 limit=$2 t
	for (( ; ; )); do
		snap
		watch_poll
		t=$(now_ms)
		ELAPSED=$((t - T0))
		eval "$cond" && return 0
		((ELAPSED > limit)) && return 1
		sleep 0.1
	done
}

# state_is DEV REGEX: DEV's state matches ^(REGEX)$.
state_is() {
	pf "$1" state && [[ $REPLY =~ ^($2)$ ]]
}

# state_not DEV REGEX: the daemon answered, DEV is listed, not in REGEX.
state_not() {
	pf "$1" state && ! [[ $REPLY =~ ^($2)$ ]]
}

# gone DEV: the daemon answered, and DEV is not listed.
gone() {
	[ -n "$JSON" ] && ! pf "$1" state
}

# in_flight DEV IMG: a check of DEV is pending, its read hung in faultfs.
in_flight() {
	pf "$1" pending && [ "$REPLY" = true ] && [ "$(hung "$2")" -ge 1 ]
}

all_up() {
	local d
	for d in "$@"; do
		state_is "${d#/dev/}" up || return 1
	done
}

# ok TEXT: one passed assertion.
ok() {
	echo "ok    $*"
}

alive() {
	kill -0 "$mpd_pid" 2>/dev/null && ! proc_gone "$mpd_pid"
}

# The path's polling interval now, in seconds.
interval_of() {
	snap
	pf "$1" interval_s || fail "$1 is not listed"
	echo "$REPLY"
}

write_conf() {	# write_conf LOOP...: the config, excepting exactly these
	local d
	{
		echo "defaults {"
		echo "	polling_interval $POLL"
		echo "	max_polling_interval $MAXPOLL"
		echo "	checker_timeout $CTO"
		echo "	plugin_dir \"$PLUGINS\""
		echo "}"
		echo "blacklist {"	# nothing of the host's: only ours
		echo "	devnode \".*\""
		echo "}"
		echo "blacklist_exceptions {"
		for d in "$@"; do
			echo "	devnode \"^${d#/dev/}\$\""
		done
		echo "}"
	} >"$conf"
}

# start_daemon N [ASAN_OPTIONS]: start multipathd, wait for the first N
# paths to be up.
start_daemon() {
	if [ $# -gt 1 ]; then
		ASAN_OPTIONS=$2 "$MPD" -d -v 3 -c "$conf" >>"$log" 2>&1 &
	else
		"$MPD" -d -v 3 -c "$conf" >>"$log" 2>&1 &
	fi
	mpd_pid=$!
	T0=$(now_ms)
	wait_for "all_up ${loops[*]:0:$1}" 10000 ||
		fail "multipathd (pid $mpd_pid) does not show ${L[*]:0:$1} up within 10 s"
	ok "multipathd started (pid $mpd_pid): ${L[*]:0:$1} up after $(secs $ELAPSED) s"
}

# --- setup -----------------------------------------------------------------------

mkdir "$mnt" || fail "mkdir $mnt"
faultfs_mount "$FAULTFS" $NR "$mnt" "$tmp/faultfs.log" ||
	skip "faultfs cannot mount here: $(tr '\n' ' ' <"$tmp/faultfs.log")"

dio=on
for ((i = 0; i < NR; i++)); do
	if ! d=$(losetup --find --show --direct-io=$dio "$mnt/img$i" 2>"$tmp/losetup.err"); then
		if [ $dio = on ] && d=$(losetup --find --show "$mnt/img$i" 2>"$tmp/losetup.err"); then
			echo "note: losetup --direct-io=on refused; loop devices without direct I/O"
			dio=off
		else
			skip "losetup cannot attach a loop device over faultfs: $(cat "$tmp/losetup.err")"
		fi
	fi
	loops+=("$d")
done
L=("${loops[@]#/dev/}")		# loop names: L[i] is over img$i
echo "faultfs on $mnt; img0..img3 -> ${L[*]} (direct I/O $dio); socket $MULTIPATH_SOCKET_NAME"
write_conf "${loops[@]}"
start_daemon $NR

# --- a. EIO ---------------------------------------------------------------------

iv=$(interval_of "${L[0]}")
ctl eio img0
T0=$(now_ms)
wait_for "state_is ${L[0]} down" $(((iv + 1) * 1000)) ||
	fail "a: ${L[0]} not down $(secs $ELAPSED) s after EIO (limit $((iv + 1)) s)"
pf "${L[0]}" message
ok "a. EIO on img0: ${L[0]} down after $(secs $ELAPSED) s (limit: interval $iv s + 1 s;" \
	"polling_interval + 1 = $((POLL + 1)) s: $( ((ELAPSED <= (POLL + 1) * 1000)) && echo met || echo exceeded)) [$REPLY]"
iv=$(interval_of "${L[0]}")
ctl ok img0
T0=$(now_ms)
wait_for "state_is ${L[0]} up" $(((iv + 1) * 1000)) ||
	fail "a: ${L[0]} not up $(secs $ELAPSED) s after ok (limit $((iv + 1)) s)"
ok "a. ok on img0: ${L[0]} up after $(secs $ELAPSED) s (limit: interval $iv s + 1 s)"

# --- b. a hang, and the other paths meanwhile ------------------------------------------

iv=$(interval_of "${L[1]}")
limit=$((CTO + iv + 1))
watch_start "${L[2]}"
ctl hang img1
T0=$(now_ms)
wait_for "state_is ${L[1]} 'timeout|down'" $((limit * 1000)) ||
	fail "b: ${L[1]} not timeout/down $(secs $ELAPSED) s after the hang (limit $limit s)"
pf "${L[1]}" state
st=$REPLY
pf "${L[1]}" message
ok "b. hang on img1: ${L[1]} $st after $(secs $ELAPSED) s (limit: checker_timeout $CTO s + interval $iv s + 1 s;" \
	"checker_timeout + polling_interval + 1 = $((CTO + POLL + 1)) s: $( ((ELAPSED <= (CTO + POLL + 1) * 1000)) && echo met || echo exceeded)) [$REPLY]"
# Stay hung a while longer: the path must not come back up by itself (its
# read still hangs), and the others keep being checked.
T0=$(now_ms)
if wait_for "state_not ${L[1]} 'timeout|down'" $((MAXPOLL * 1000 + 500)); then
	pf "${L[1]}" state
	fail "b: ${L[1]} went $REPLY while img1 still hangs"
fi
pf "${L[1]}" message
ok "b. ${L[1]} still $st $(secs $ELAPSED) s later, img1 still hung [$REPLY]"
watch_stop
((WATCH_N >= 2 && WATCH_GAP <= (MAXPOLL + 1) * 1000)) ||
	fail "b: ${L[2]} checked $WATCH_N times during the hang, longest gap $(secs $WATCH_GAP) s (limit $((MAXPOLL + 1)) s)"
ok "b. during the hang ${L[2]} was checked $WATCH_N times, longest gap $(secs $WATCH_GAP) s (limit $((MAXPOLL + 1)) s)"
iv=$(interval_of "${L[1]}")
limit=$((CTO + iv + 1))
ctl release img1
T0=$(now_ms)
wait_for "state_is ${L[1]} up" $((limit * 1000)) ||
	fail "b: ${L[1]} not up $(secs $ELAPSED) s after release (limit $limit s)"
ok "b. release img1: ${L[1]} up after $(secs $ELAPSED) s (limit $limit s)"

# --- c. a device detached while its check hangs ---------------------------------------
#
# LOOP_CLR_FD (losetup -d) on a loop device that others hold open only
# marks it autoclear: the kernel detaches it at its last close and sends
# the change event then. The daemon holds each path open, so it watches
# for that flag going from 0 to 1 after each check of a loop device and
# lets go; the kernel then detaches it. Here the check is hung when the
# detach is asked: the path must go once the hung read returns.

d3=${L[3]}
ctl hang img3
T0=$(now_ms)
wait_for "in_flight $d3 3" $(((MAXPOLL + 2) * 1000)) ||
	fail "c: no check of $d3 in flight $(secs $ELAPSED) s after the hang"
ok "c. check of $d3 in flight (hung in faultfs) after $(secs $ELAPSED) s"
losetup -d "${loops[3]}" || fail "c: losetup -d ${loops[3]}"
alive || fail "c: multipathd died after $d3 was detached"
ctl release img3
T0=$(now_ms)
wait_for "gone $d3" 4000 ||
	fail "c: $d3 detached (losetup -d) mid-check still listed $(secs $ELAPSED) s after its read was released"
ok "c. $d3 detached mid-check: gone from show paths after $(secs $ELAPSED) s"
T0=$(now_ms)
for (( ; ; )); do
	ELAPSED=$(($(now_ms) - T0))
	loop_backed_by "${loops[3]}" "$mnt" || break
	((ELAPSED > 5000)) && fail "c: $d3 still attached $(secs $ELAPSED) s after the daemon let go: something still holds it"
	sleep 0.1
done
ok "c. $d3 really detached $(secs $ELAPSED) s later (its last user closed it)"
alive || fail "c: multipathd died"
snap
[ -n "$JSON" ] && all_up "${loops[@]:0:3}" || fail "c: the other paths are not up, or multipathd does not answer"
ok "c. multipathd alive, answering, ${L[*]:0:3} up"

# --- d. operator commands -------------------------------------------------------------

d0=${L[0]}
r=$(mpd fail path "$d0")
[ "$r" = ok ] || fail "d: fail path $d0 answered: $r"
r=$(mpd show paths)
grep -E "^$d0 .*\[failed by operator\]" <<<"$r" >/dev/null || fail "d: show paths after fail path: $r"
snap
pf "$d0" operator_failed && [ "$REPLY" = true ] || fail "d: operator_failed is '$REPLY' after fail path"
ok "d. fail path $d0: [failed by operator], operator_failed true"
r=$(mpd reinstate path "$d0")
[ "$r" = ok ] || fail "d: reinstate path $d0 answered: $r"
r=$(mpd show paths)
grep "failed by operator" <<<"$r" >/dev/null && fail "d: still failed after reinstate: $r"
snap
pf "$d0" operator_failed && [ "$REPLY" = false ] || fail "d: operator_failed is '$REPLY' after reinstate"
ok "d. reinstate path $d0: cleared"
pf "$d0" dev_t
dt=$REPLY
r=$(mpd fail path "$dt")
[ "$r" = ok ] || fail "d: fail path $dt answered: $r"
snap
pf "$d0" operator_failed && [ "$REPLY" = true ] || fail "d: operator_failed is '$REPLY' after fail path $dt"
r=$(mpd reinstate path "$dt")
snap
pf "$d0" operator_failed && [ "$r" = ok ] && [ "$REPLY" = false ] ||
	fail "d: reinstate path $dt answered '$r', operator_failed '$REPLY'"
ok "d. fail path / reinstate path $dt: $d0 by its device number"
# A refusal is upstream's "fail\n" and the reason: our client shows the
# reason and exits 1.
r=$(mpd fail path nosuchdev9) && fail "d: fail path nosuchdev9 exited 0: $r"
[ "$r" = "no path nosuchdev9" ] || fail "d: fail path of an unknown device answered: $r"
ok "d. fail path nosuchdev9: '$r', exit 1"
r=$(mpd frobnicate the paths) && fail "d: an unknown command exited 0: $r"
[ "$r" = "unknown command 'frobnicate'" ] || fail "d: an unknown command answered: $r"
alive && [ "$(mpd show status | head -1)" ] || fail "d: multipathd gone after an unknown command"
ok "d. unknown command: '$r', daemon alive"
# Upstream's listing syntax, through our client (which quotes the format).
r=$(mpd show paths raw format "%d %T %c") || fail "d: show paths raw format exited 1: $r"
grep -qx "$d0 ready directio" <<<"$r" || fail "d: show paths raw format '%d %T %c': $r"
ok "d. show paths raw format '%d %T %c': $(grep "^$d0 " <<<"$r")"
# del path: no longer monitored, and kept out; add path: back, and checked.
d1=${L[1]}
r=$(mpd del path "$d1")
[ "$r" = ok ] || fail "d: del path $d1 answered: $r"
snap
gone "$d1" || fail "d: $d1 still listed after del path"
r=$(mpd reconfigure)
[ "$r" = ok ] || fail "d: reconfigure answered: $r"
T0=$(now_ms)
wait_for "state_is $d0 up" 5000 || fail "d: $d0 not up after reconfigure"
gone "$d1" || fail "d: $d1 back after a reconfigure, though deleted"
ok "d. del path $d1: gone, and kept out across a reconfigure"
r=$(mpd add path "$d1")
[ "$r" = ok ] || fail "d: add path $d1 answered: $r"
T0=$(now_ms)
wait_for "state_is $d1 up" 5000 || fail "d: $d1 not up $(secs $ELAPSED) s after add path"
ok "d. add path $d1: up again after $(secs $ELAPSED) s"
r=$(mpd resize map mpatha) && fail "d: resize map exited 0: $r"
[[ $r == *"does not manage maps"* ]] || fail "d: resize map answered: $r"
ok "d. resize map: refused, exit 1"

# --- e. a client that is not root ---------------------------------------------------------

# The socket is abstract: any user can connect; the daemon decides by the
# peer's credentials.
if command -v setpriv >/dev/null; then
	asuser=(setpriv --reuid=65534 --regid=65534 --clear-groups)
else
	asuser=(runuser -u nobody --)
fi
r=$(timeout 5 "${asuser[@]}" "$MPD" show paths 2>&1)
grep -q "^$d0 " <<<"$r" || fail "e: show paths as uid 65534: $r"
ok "e. uid 65534: show paths lists the paths"
r=$(timeout 5 "${asuser[@]}" "$MPD" fail path "$d0" 2>&1)
[[ $r == *"permission denied"* ]] || fail "e: fail path as uid 65534 answered: $r"
snap
pf "$d0" operator_failed && [ "$REPLY" = false ] || fail "e: $d0 failed by a non-root client"
ok "e. uid 65534: fail path -> '$r', path untouched"

# --- f. reconfigure, SIGHUP, show config --------------------------------------------------

nup=("${loops[@]:0:3}")
n0=$(grep -c "reconfigured:" "$log")
T0=$(now_ms)
r=$(mpd reconfigure)
[ "$r" = ok ] || fail "f: reconfigure answered: $r"
wait_for "[ \$(grep -c reconfigured: $log) -gt $n0 ] && all_up ${nup[*]}" 5000 ||
	fail "f: after reconfigure: not reconfigured, or paths not up, after $(secs $ELAPSED) s"
ok "f. reconfigure: ${L[*]:0:3} up, answering after $(secs $ELAPSED) s ($(grep reconfigured: "$log" | tail -1 | sed 's/^[0-9.]* //'))"
n0=$(grep -c "reconfigured:" "$log")
T0=$(now_ms)
kill -HUP "$mpd_pid"
wait_for "[ \$(grep -c reconfigured: $log) -gt $n0 ] && all_up ${nup[*]}" 5000 ||
	fail "f: after SIGHUP: not reconfigured, or paths not up, after $(secs $ELAPSED) s"
ok "f. SIGHUP: reconfigured, ${L[*]:0:3} up, answering after $(secs $ELAPSED) s"
r=$(mpd show config)
grep -q "polling_interval $POLL\$" <<<"$r" && grep -q "max_polling_interval $MAXPOLL\$" <<<"$r" &&
	grep -q "checker_timeout $CTO\$" <<<"$r" && grep -qF "\"^$d0\$\"" <<<"$r" ||
	fail "f: show config: $r"
ok "f. show config shows the file's settings and exceptions"

# --- h. silent and concurrent clients do not stall checking --------------------------
#
# Five clients connect and send nothing (multipathd -k on an idle FIFO),
# and 30 more ask "show paths" all at once; meanwhile an EIO must still be
# seen within the same limit as in a, and the daemon must keep answering.

mkfifo "$tmp/silent"
silent=()
for i in 1 2 3 4 5; do
	timeout 30 "$MPD" -k 0<>"$tmp/silent" >/dev/null 2>&1 &
	silent+=($!)
done
sleep 0.3
busy=()
for i in $(seq 30); do
	mpd show paths >/dev/null &
	busy+=($!)
done
iv=$(interval_of "${L[0]}")
ctl eio img0
T0=$(now_ms)
wait_for "state_is ${L[0]} down" $(((iv + 1) * 1000)) ||
	fail "h: ${L[0]} not down $(secs $ELAPSED) s after EIO with silent and busy clients (limit $((iv + 1)) s)"
ok "h. with 5 silent clients and 30 concurrent ones: ${L[0]} down after $(secs $ELAPSED) s (limit $((iv + 1)) s)"
failed_clients=0
for p in "${busy[@]}"; do
	wait "$p" || failed_clients=$((failed_clients + 1))
done
[ $failed_clients -eq 0 ] || fail "h: $failed_clients of 30 concurrent show paths failed"
ok "h. all 30 concurrent clients answered"
ctl ok img0
T0=$(now_ms)
wait_for "state_is ${L[0]} up" $(((iv + 1) * 1000)) ||
	fail "h: ${L[0]} not up again $(secs $ELAPSED) s after ok"
kill "${silent[@]}" 2>/dev/null
wait "${silent[@]}" 2>/dev/null
ok "h. silent clients still connected did not stall anything; ${L[0]} up again"

# --- g. shutdown ---------------------------------------------------------------------------

# stop_measured: SIGTERM now; TSTOP := ms until "stopping" is logged,
# TSOCK := ms until the socket stops answering.
stop_measured() {
	local t n
	TSTOP= TSOCK=
	n=$(wc -l <"$log")
	T0=$(now_ms)
	kill -TERM "$mpd_pid"
	for (( ; ; )); do
		t=$(($(now_ms) - T0))
		[ -z "$TSTOP" ] && tail -n +$((n + 1)) "$log" | grep -q "multipathd stopping" && TSTOP=$t
		[ -z "$TSOCK" ] && ! timeout 0.5 "$MPD" show status >/dev/null 2>&1 && TSOCK=$(($(now_ms) - T0))
		[ -n "$TSTOP" ] && [ -n "$TSOCK" ] && return 0
		((t > 3000)) && return 1
		sleep 0.02
	done
}

# wait_exit LIMIT_MS: EXITED := ms since T0 until the process is gone, RC
# its status. Fails after LIMIT_MS.
wait_exit() {
	for (( ; ; )); do
		EXITED=$(($(now_ms) - T0))
		proc_gone "$mpd_pid" && break
		((EXITED > $1)) && return 1
		sleep 0.02
	done
	wait "$mpd_pid"
	RC=$?
	mpd_pid=
}

# First the daemon that ran all of the above, with no check in flight: it
# must exit 0 within 1 s (in the ASan build, with its leak check at exit).
stop_measured || fail "g: without a hang: stopping logged: ${TSTOP:-no}, socket closed: ${TSOCK:-no} (ms)"
wait_exit 1000 || fail "g: without a hang, multipathd still there $(secs $EXITED) s after SIGTERM (limit 1 s)"
[ $RC -eq 0 ] || fail "g: multipathd exited with status $RC after SIGTERM"
ok "g. SIGTERM without a hang: exit status 0 after $(secs $EXITED) s (limit 1 s; stopping logged after $(secs $TSTOP) s, socket closed after $(secs $TSOCK) s)"

# Then a fresh daemon, stopped while a check hangs. Its read is still in
# the kernel when the process exits: the read's buffer and context are
# abandoned on purpose (they cannot be freed while the kernel may still
# write into them), which LeakSanitizer would report at exit. So this one
# daemon runs without the leak check.
start_daemon 3 "${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
d1=${L[1]}
ctl hang img1
T0=$(now_ms)
wait_for "in_flight $d1 1" $(((MAXPOLL + 2) * 1000)) ||
	fail "g: no check of $d1 in flight $(secs $ELAPSED) s after the hang"
worker=$(pgrep -P "$mpd_pid" | head -n 1)
[ -n "$worker" ] || fail "g: no worker process under the supervisor $mpd_pid"
stop_measured || fail "g: after SIGTERM, stopping logged: ${TSTOP:-no}, socket closed: ${TSOCK:-no} (ms)"
((TSTOP <= 1000 && TSOCK <= 1000)) ||
	fail "g: SIGTERM with a hung check: stopping logged after $(secs $TSTOP) s, socket closed after $(secs $TSOCK) s (limit 1 s)"
ok "g. SIGTERM with a hung check: 'stopping' logged after $(secs $TSTOP) s, socket closed after $(secs $TSOCK) s (limit 1 s)"
# The worker process cannot finish exiting while its read hangs in FUSE
# (exit waits for in-flight aio); the supervisor, the process that was
# signalled, exits with the worker's status as soon as the worker has shut
# down. The stuck worker goes when its read is released.
wait_exit 1000 || fail "g: with a hung check, multipathd still there $(secs $EXITED) s after SIGTERM (limit 1 s)"
[ $RC -eq 0 ] || fail "g: multipathd exited with status $RC after SIGTERM with a hung check"
ok "g. SIGTERM with a hung check: exit status 0 after $(secs $EXITED) s (limit 1 s)"
sleep 0.3
if [ -n "$worker" ] && ! proc_gone "$worker"; then
	before="still exiting (state $(awk '{print $3}' /proc/$worker/stat 2>/dev/null))"
else
	before="gone"
fi
ctl release img1
T1=$(now_ms)
while [ -n "$worker" ] && ! proc_gone "$worker"; do
	(($(now_ms) - T1 > 5000)) && fail "g: the worker process $worker still there 5 s after its hung read was released"
	sleep 0.02
done
ok "g. its worker process was $before while the read hung; gone $(secs $(($(now_ms) - T1))) s after the release"

grep -iE "AddressSanitizer|LeakSanitizer|ThreadSanitizer|runtime error" "$log" >/dev/null &&
	fail "sanitizer reports in multipathd's log: $(grep -iE -m3 'Sanitizer|runtime error' "$log")"
echo "PASS"
