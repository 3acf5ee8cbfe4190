#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# multipathd as systemd runs it, without systemd: the protocol's two ends
# are played by this script.
#
#   a. socket activation: systemd-socket-activate (from the systemd
#      package) listens on a private abstract name and starts multipathd at
#      the first connection with that socket (LISTEN_FDS=1); the connection
#      that started it is answered;
#   b. readiness: a datagram socket of the test is NOTIFY_SOCKET; READY=1
#      arrives with a STATUS= line counting the paths, from the worker
#      process (a child of the main PID: hence NotifyAccess=all in the unit);
#      reconfigure: RELOADING=1, then READY=1; SIGTERM: STOPPING=1, exit 0;
#   c. WATCHDOG_USEC=400000 for this process: WATCHDOG=1 at least twice a
#      second; without it, never;
#   d. two passed sockets are refused with a clear message, exit 1;
#   e. systemd-analyze verify finds nothing to say about the units;
#   f. -B -n -w are accepted, an unknown option is not (-s is in a.);
#      with stderr the stream $JOURNAL_STREAM names, lines carry "<level>".
#
# The daemon sees no devices (its configuration blacklists them all), so it
# needs no root. The notification socket's listener is a few lines of
# python3 that print each datagram on one line with the sender's pid.
# Environment: O (the build directory, default .). Exit 0 pass, 77 skip.
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/script-util.sh
O=${O:-.}

OABS=$(cd "$O" && pwd)
MPD=$OABS/multipathd/multipathd
[ -x "$MPD" ] || skip "multipathd is not built ($MPD)"
command -v systemd-socket-activate >/dev/null ||
	skip "systemd-socket-activate is not installed (package systemd)"
command -v python3 >/dev/null || skip "python3 is not installed"

tmp=$(mktemp -d /tmp/mpd-systemd.XXXXXX) || { echo "FAIL: mktemp"; exit 1; }
listener_pid= act_pid= mpd_pid=
cleanup() {
	stop_proc "$act_pid" 30
	stop_proc "$mpd_pid" 30
	stop_proc "$listener_pid" 10
	rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*"
	for f in "$tmp"/*.log "$tmp"/notify.out; do
		[ -f "$f" ] && { echo "--- $f"; cat "$f"; }
	done
	exit 1
}

export MULTIPATH_SOCKET_NAME=@mpd-systemd-test-$$
conf=$tmp/multipath.conf
printf 'blacklist {\n\tdevnode ".*"\n}\n' >"$conf"

# The notification socket: one line per datagram, "PID: A|B|C".
python3 - "$tmp/notify" "$tmp/notify.out" <<'EOF' &
import socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
out = open(sys.argv[2], "a", buffering=1)
while True:
    msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
    pid = "?"
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            pid = struct.unpack("iII", data[:12])[0]
    out.write("%s: %s\n" % (pid, msg.decode(errors="replace").replace("\n", "|")))
EOF
listener_pid=$!
for ((i = 0; i < 50; i++)); do
	[ -S "$tmp/notify" ] && break
	sleep 0.1
done
[ -S "$tmp/notify" ] || fail "the notification listener did not start"
export NOTIFY_SOCKET=$tmp/notify

# wait_for PATTERN TENTHS: until notify.out has a line matching PATTERN.
wait_for() {
	local i
	for ((i = 0; i < $2; i++)); do
		grep -qE -- "$1" "$tmp/notify.out" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}


echo "== a. socket activation"
systemd-socket-activate -l "$MULTIPATH_SOCKET_NAME" \
	-E NOTIFY_SOCKET -E MULTIPATH_SOCKET_NAME \
	"$MPD" -d -s -v 3 -c "$conf" >"$tmp/activated.log" 2>&1 &
act_pid=$!	# it execs multipathd: the same pid, the service's main PID
for ((i = 0; i < 50; i++)); do
	grep -qs 'Listening on' "$tmp/activated.log" && break
	sleep 0.1
done
[ -s "$tmp/notify.out" ] && fail "multipathd started before any connection"
out=$("$MPD" show status 2>&1) || fail "the first connection was not answered: $out"
echo "show status through the activated socket: ${out%%$'\n'*}"
grep -q 'passed by systemd' "$tmp/activated.log" ||
	fail "multipathd did not say it listens on the socket systemd passed"
grep -q '^[0-9]\+\.[0-9]\{3\} multipathd' "$tmp/activated.log" &&
	fail "-s: the log still has timestamps"

echo "== b. readiness, status, reload, stopping"
wait_for 'READY=1' 50 || fail "no READY=1"
line=$(grep -m1 'READY=1' "$tmp/notify.out")
echo "$line"
grep -q 'STATUS=0 paths: 0 up, 0 down' <<<"$line" || fail "no STATUS= with READY=1: $line"
sender=${line%%:*}
[ "$sender" != "$act_pid" ] || fail "READY=1 came from the main process, not the worker"
ppid=$(awk '{print $4}' "/proc/$sender/stat" 2>/dev/null)
[ "$ppid" = "$act_pid" ] ||
	fail "READY=1 came from pid $sender, whose parent is $ppid, not the main PID $act_pid"
echo "sent by the worker $sender, child of the main PID $act_pid (NotifyAccess=all)"
out=$("$MPD" -k'show status' 2>&1) || fail "-k'show status' failed: $out"
grep -q '^paths: ' <<<"$out" || fail "-k'show status': $out"
"$MPD" reconfigure >/dev/null || fail "reconfigure refused"
wait_for 'RELOADING=1' 50 || fail "no RELOADING=1 on reconfigure"
n=$(grep -c 'READY=1' "$tmp/notify.out")
for ((i = 0; i < 50 && n < 2; i++)); do
	sleep 0.1
	n=$(grep -c 'READY=1' "$tmp/notify.out")
done
[ "$n" -ge 2 ] || fail "no READY=1 after the reconfigure"
grep -q 'WATCHDOG=1' "$tmp/notify.out" && fail "WATCHDOG=1 without WatchdogSec"
kill -TERM "$act_pid"
rc=0
wait_gone "$act_pid" 50
wait "$act_pid" || rc=$?
act_pid=
[ "$rc" -eq 0 ] || fail "SIGTERM: exit status $rc"
wait_for 'STOPPING=1' 10 || fail "no STOPPING=1"
echo "RELOADING=1, READY=1, STOPPING=1 seen; exit status 0"

echo "== c. the watchdog"
: >"$tmp/notify.out"
WATCHDOG_USEC=400000 bash -c 'WATCHDOG_PID=$$ exec "$@"' sh \
	"$MPD" -d -s -c "$conf" >"$tmp/watchdog.log" 2>&1 &
mpd_pid=$!
wait_for 'READY=1' 50 || fail "no READY=1 (watchdog run)"
sleep 1.1
n=$(grep -c 'WATCHDOG=1' "$tmp/notify.out")
echo "WATCHDOG=1 $n times in 1.1 s (every 200 ms expected)"
[ "$n" -ge 3 ] || fail "too few watchdog pings: $n"
stop_proc "$mpd_pid" 30
mpd_pid=

echo "== d. two passed sockets are refused"
rc=0
systemd-socket-activate -l "$MULTIPATH_SOCKET_NAME" -l "${MULTIPATH_SOCKET_NAME}-2" \
	-E MULTIPATH_SOCKET_NAME "$MPD" -d -c "$conf" >"$tmp/two.log" 2>&1 &
act_pid=$!
for ((i = 0; i < 50; i++)); do
	grep -qs 'Listening on' "$tmp/two.log" && break
	sleep 0.1
done
"$MPD" show status >/dev/null 2>&1
wait_gone "$act_pid" 50
wait "$act_pid" || rc=$?
act_pid=
[ "$rc" -eq 1 ] || fail "two passed sockets: exit status $rc, not 1"
grep -q 'expected one listening Unix stream socket' "$tmp/two.log" ||
	fail "two passed sockets: no clear message"
echo "refused: $(grep -m1 expected "$tmp/two.log")"

echo "== e. the units, as systemd reads them"
if command -v systemd-analyze >/dev/null && [ -f "$O/systemd/multipathd.service" ]; then
	# ExecStart= must name an existing binary: this build's.
	mkdir "$tmp/units"
	sed "s|^\(Exec[A-Za-z]*=\)[^ ]*/multipathd|\1$MPD|" "$O/systemd/multipathd.service" \
		>"$tmp/units/multipathd.service"
	cp "$O/systemd/multipathd.socket" "$tmp/units/"
	out=$(systemd-analyze verify "$tmp/units/multipathd.service" \
	      "$tmp/units/multipathd.socket" 2>&1) ||
		fail "systemd-analyze verify: $out"
	[ -z "$out" ] || fail "systemd-analyze verify warns: $out"
	echo "systemd-analyze verify: no complaint"
else
	echo "(systemd-analyze or the built units missing: not verified)"
fi

echo "== f. upstream's options; the journal"
"$MPD" -B -n -w -h >/dev/null || fail "-B -n -w refused"
"$MPD" -x >/dev/null 2>&1 && fail "an unknown option was accepted"
# stderr is the journal when it is the stream $JOURNAL_STREAM names: then
# each line starts with its syslog level, "<5>" for a notice.
: >"$tmp/journal.log"
JOURNAL_STREAM=$(stat -c '%d:%i' "$tmp/journal.log") \
	"$MPD" -d -c "$conf" 2>>"$tmp/journal.log" &
mpd_pid=$!
for ((i = 0; i < 50; i++)); do
	grep -q 'multipathd started' "$tmp/journal.log" && break
	sleep 0.1
done
stop_proc "$mpd_pid" 30
mpd_pid=
grep -q '^<5>multipathd started' "$tmp/journal.log" ||
	fail "to the journal, 'multipathd started' is not logged at level 5: $(head -3 "$tmp/journal.log")"
echo "to the journal: $(grep -m1 'multipathd started' "$tmp/journal.log")"

echo "PASS"
