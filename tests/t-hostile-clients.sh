#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Hostile clients of multipathd's command socket, as local users would be:
# four unprivileged users created for the test open, all at once, hundreds
# of connections that send nothing, half a frame, a byte a second, or ask
# for "show paths json" on 8,000 paths and never read the reply (one user
# each). Meanwhile:
#
#   a. root's commands are answered within 3 s each, fail/reinstate included;
#   b. checking stays on time: the daemon's checks go on at the configured
#      rate (within 20 %);
#   c. no user holds more than CLIENTS_PER_UID (16) connections; the rest
#      are refused at once (or find the backlog full: connect() fails);
#   d. silent, half-sent and trickling connections are closed within the
#      request deadline (5 s), non-reading ones within the stall deadline
#      (10 s), plus a margin;
#   e. the daemon's memory and descriptors stay bounded: RSS grows by less
#      than 64 MiB while the clients run (the replies they do not read are
#      capped at 32 MiB; before the cap, 250 such clients took 440 MB), and
#      its descriptor count is back where it was once they are gone;
#   f. out of descriptors (a daemon with a limit of 48 and 48 connections
#      of four users), the daemon pauses accepting instead of spinning,
#      says so once, and answers again once the connections are gone;
#   g. root's idle connection is not closed (upstream's interactive
#      client keeps one open between commands).
#
# The daemon is bench/multipathd-bench: multipathd's own objects plus 8,000
# synthetic paths (bench/synthetic-paths.c) checked by the built-in "none"
# checker, so that replies are as large as on a big host. It uses a private
# socket name. Everything is undone on every exit: the clients and the
# daemon stopped, the users removed.
#
# Needs root (to create the users), useradd/userdel and runuser; skips
# (exit 77) without them. About 40 s.
# Environment: O (the build directory, default .).
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/script-util.sh
O=${O:-.}

[ "$(id -u)" -eq 0 ] || skip "not root: cannot create a user for the test"
for c in useradd userdel runuser; do
	command -v $c >/dev/null || skip "$c is not installed"
done
OABS=$(cd "$O" && pwd)
MPD=$OABS/bench/multipathd-bench
CLIENT=$OABS/multipathd/multipathd
HOSTILE=$OABS/tests/hostile-client
[ -x "$MPD" ] || skip "the benchmark daemon is not built ($MPD)"
[ -x "$HOSTILE" ] || skip "tests/hostile-client is not built"

NPATHS=8000
INTERVAL=2
# In the ASan build, freed memory waits in a quarantine (256 MiB by
# default) and would pass for growth: keep it small.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8
export MULTIPATH_SOCKET_NAME=@mpd-hostile-$$
users=(mpdh$$i mpdh$$h mpdh$$s mpdh$$n)	# one per kind of client
tmp=$(mktemp -d /tmp/mpd-hostile.XXXXXX) || { echo "FAIL: mktemp"; exit 1; }
chmod 755 "$tmp"
conf=$tmp/multipath.conf log=$tmp/multipathd.log
mpd_pid= hostile_pids=() users_made=()

cleanup() {
	local p
	for p in "${hostile_pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${hostile_pids[@]}"; do
		wait "$p" 2>/dev/null
	done
	stop_proc "$mpd_pid" 50
	for p in "${users_made[@]}"; do
		userdel "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $*"
	if [ -s "$log" ]; then
		echo "--- multipathd log (tail) ---"
		tail -20 "$log"
	fi
	exit 1
}
ok() { echo "ok    $*"; }

mpd() { "$CLIENT" "$@"; }
# Arithmetic on decimals: calc EXPR prints it, is EXPR is true when nonzero.
calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }
is() { awk "BEGIN { exit !($1) }"; }
now() { date +%s.%N; }

# The daemon process (the supervisor's child) and what it holds.
worker() { pgrep -P "$mpd_pid" -x multipathd-benc | head -1; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
nfds() { ls "/proc/$1/fd" | wc -l; }
checks() { mpd show status | awk '/^checks started/ {print $3}'; }

for u in "${users[@]}"; do
	useradd -M -r -s /usr/sbin/nologin "$u" || fail "useradd $u"
	users_made+=("$u")
done

cat >"$conf" <<EOF
defaults {
	polling_interval $INTERVAL
	max_polling_interval $INTERVAL
	verbosity 2
}
blacklist { devnode ".*" }
blacklist_exceptions { devnode "^bench[0-9]+\$" }
devices {
	device { vendor "BENCH" product "SYNTHETIC" path_checker none }
}
EOF

MULTIPATHD_BENCH_PATHS=$NPATHS MULTIPATHD_BENCH_SPREAD=1 \
	"$MPD" -d -v 2 -c "$conf" 2>"$log" &
mpd_pid=$!
for ((i = 0; i < 100; i++)); do
	mpd show status 2>/dev/null | grep -q "^paths: $NPATHS " && break
	sleep 0.1
done
mpd show status 2>/dev/null | grep -q "^paths: $NPATHS " || fail "multipathd-bench did not come up with $NPATHS paths"
w=$(worker)
[ -n "$w" ] || fail "no daemon process under the supervisor $mpd_pid"
sleep $((INTERVAL + 1))		# every path checked once: a steady state
rss0=$(rss_kb "$w") fds0=$(nfds "$w")
reply_kb=$(( $(mpd show paths json | wc -c) / 1024 ))
ok "multipathd-bench up: $NPATHS paths, RSS $((rss0 / 1024)) MiB, $fds0 fds, show paths json is $reply_kb KiB"

# --- the attack ----------------------------------------------------------------------

HOLD=20
runh() {
	local u=$1
	shift
	runuser -u "$u" -- "$HOSTILE" "$MULTIPATH_SOCKET_NAME" "$@" \
		>"$tmp/$1.out" 2>&1 &
	hostile_pids+=($!)
}
runh "${users[0]}" idle 300 $HOLD
runh "${users[1]}" half 100 $HOLD
runh "${users[2]}" slow 50 $HOLD
runh "${users[3]}" noread 250 $HOLD "show paths json"
sleep 1

# a. root's commands, while the clients are there.
c0=$(checks) t0=$(now)
worst=0 rss_max=$rss0 fds_max=$fds0
for cmd in "show status" "show paths" "fail path bench7" "show maps" \
	   "reinstate path bench7" "show paths json" "show checkers"; do
	s=$(now)
	out=$(timeout 10 "$CLIENT" $cmd 2>&1) || fail "a: root's '$cmd' failed: $(head -c 200 <<<"$out")"
	e=$(calc "$(now) - $s")
	is "$e > $worst" && worst=$e
	is "$e > 3" && fail "a: root's '$cmd' took $e s (limit 3 s)"
	r=$(rss_kb "$w") f=$(nfds "$w")
	(( r > rss_max )) && rss_max=$r
	(( f > fds_max )) && fds_max=$f
	sleep 0.5
done
ok "a. root's commands answered during the attack, the slowest in $worst s (limit 3 s)"

# b. checks go on at their rate: NPATHS per INTERVAL.
sleep 4
c1=$(checks) t1=$(now)
rate=$(calc "($c1 - $c0) / ($t1 - $t0)")
want=$(calc "$NPATHS / $INTERVAL")
is "$rate >= 0.8 * $want" ||
	fail "b: $rate checks/s during the attack, expected about $want"
ok "b. checking on time: $rate checks/s during the attack (expected $want)"

# Memory and descriptors at their worst, with the non-reading clients in.
for ((i = 0; i < 10; i++)); do
	r=$(rss_kb "$w") f=$(nfds "$w")
	(( r > rss_max )) && rss_max=$r
	(( f > fds_max )) && fds_max=$f
	sleep 0.3
done

for p in "${hostile_pids[@]}"; do
	wait "$p" || fail "a hostile client failed"
done
hostile_pids=()

# c. and d. what each kind of client saw.
for m in idle half slow noread; do
	read -r _ conn _ refused _ closed _ first _ last _ kept <"$tmp/$m.out" ||
		fail "c: no report from the $m clients: $(cat "$tmp/$m.out")"
	echo "      $m: $(cat "$tmp/$m.out")"
	(( kept <= 16 )) || fail "c: $m: $kept connections of one user were kept (cap 16)"
	(( kept > 0 )) || fail "c: $m: no connection was kept: nothing was tested"
	(( closed == kept )) || fail "d: $m: $closed of $kept kept connections closed by the daemon within $HOLD s"
	limit=$([ $m = noread ] && echo 10 || echo 5)
	is "$last <= $limit + 2" ||
		fail "d: $m: the last kept connection was closed after $last s (deadline $limit s)"
done
ok "c. each user held at most 16 connections at a time; the rest were refused at once"
ok "d. silent, half-sent and trickling connections closed within the 5 s request deadline, non-reading ones within the 10 s stall deadline"

# e. bounded memory and descriptors.
grow=$(( (rss_max - rss0) / 1024 ))
# TSan's shadow memory grows with every byte touched: RSS means nothing.
if ldd "$MPD" 2>/dev/null | grep -q libtsan; then
	echo "      (TSan build: RSS growth of $grow MiB not judged)"
else
	(( grow < 64 )) || fail "e: RSS grew by $grow MiB during the attack (limit 64 MiB)"
fi
sleep 1
fds1=$(nfds "$w")
(( fds1 <= fds0 + 2 )) || fail "e: $fds1 descriptors after the clients left, $fds0 before"
ok "e. RSS grew by $grow MiB at most (limit 64), fds at most $fds_max during, $fds1 after ($fds0 before)"

stop_daemon() {
	kill -0 "$mpd_pid" 2>/dev/null || fail "multipathd-bench died"
	mpd shutdown >/dev/null || fail "shutdown refused"
	wait_gone "$mpd_pid" 50
	wait "$mpd_pid"
	rc=$?
	mpd_pid=
	[ $rc -eq 0 ] || fail "exit status $rc after shutdown"
	grep -E "AddressSanitizer|runtime error|ThreadSanitizer" "$log" &&
		fail "sanitizer report in the log"
}
stop_daemon

# f. Out of descriptors: a daemon whose limit is 48 (prlimit; it raises its
# soft limit to the hard one) and 4 users' 12 connections each. accept()
# fails with EMFILE while the connection waits in the backlog, so the
# socket stays readable: the daemon must pause accepting (logged once)
# instead of spinning, and accept again once descriptors are free (the
# connections, sending nothing, are closed after 5 s).
MULTIPATHD_BENCH_PATHS=10 prlimit --nofile=48:48 \
	"$MPD" -d -v 2 -c "$conf" 2>"$log" &
mpd_pid=$!
for ((i = 0; i < 50; i++)); do
	mpd show status 2>/dev/null | grep -q "^paths: 10 " && break
	sleep 0.1
done
w=$(worker)
[ -n "$w" ] || fail "f: no daemon process"
for u in "${users[@]}"; do
	runuser -u "$u" -- "$HOSTILE" "$MULTIPATH_SOCKET_NAME" idle 12 8 \
		>"$tmp/emfile-$u.out" 2>&1 &
	hostile_pids+=($!)
done
sleep 1
cpu0=$(awk '{print $14 + $15}' "/proc/$w/stat")
sleep 2
cpu1=$(awk '{print $14 + $15}' "/proc/$w/stat")
ticks=$(getconf CLK_TCK)
cpu=$(calc "($cpu1 - $cpu0) / $ticks")
is "$cpu < 0.3" || fail "f: the daemon used $cpu s of CPU in 2 s while out of descriptors (spinning?)"
n=$(grep -c "cannot accept command connections: Too many open files" "$log")
[ "$n" -eq 1 ] || fail "f: 'cannot accept' logged $n times (once expected)"
wait "${hostile_pids[@]}"
hostile_pids=()
s=$(now)
out=$(timeout 10 "$CLIENT" show status 2>&1) || fail "f: no answer after the descriptors were freed: $out"
grep -q "accepting command connections again" "$log" || fail "f: resuming not logged"
ok "f. out of descriptors: $cpu s CPU in 2 s (not spinning), logged once, answering again after $(calc "$(now) - $s") s"

# g. root, idle for longer than the request deadline, still connected.
"$HOSTILE" "$MULTIPATH_SOCKET_NAME" idle 1 7 >"$tmp/root-idle.out" 2>&1 ||
	fail "g: hostile-client failed"
read -r _ _ _ _ _ closed _ _ _ _ _ kept <"$tmp/root-idle.out"
[ "$closed" = 0 ] && [ "$kept" = 1 ] ||
	fail "g: root's idle connection was closed: $(cat "$tmp/root-idle.out")"
ok "g. root's connection idle for 7 s stays open"
stop_daemon
echo PASS
