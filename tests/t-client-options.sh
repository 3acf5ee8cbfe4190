#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# What an operator meets at the edges of multipathd's options and socket:
#
#   a. -v with something other than 0..6 is refused (atoi() took "abc" as 0);
#   b. -c naming a file that does not exist is an error, not the defaults;
#   c. a configuration that is a FIFO is refused at once, not waited on;
#   d. the client does not need the configuration: with a syntax error in
#      it, or a file it may not read (mode 0600, a user's client), it warns
#      and talks to the default socket;
#   e. a second daemon on a taken socket name says who holds it;
#   f. a malformed frame (length 0, or over 4 KiB) is answered with the
#      reason before the connection is closed.
#
# d and e need the default socket name, so the test re-runs itself in a
# network namespace of its own (abstract socket names are per network
# namespace): nothing outside it is disturbed. Needs root and unshare;
# skips (exit 77) without them. About 5 s.
# Environment: O (the build directory, default .).
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/script-util.sh
O=${O:-.}
[ "$(id -u)" -eq 0 ] || skip "not root: needs a network namespace and another user"
command -v unshare >/dev/null || skip "unshare is not installed (util-linux)"
command -v runuser >/dev/null || skip "runuser is not installed"
OABS=$(cd "$O" && pwd)
MPD=$OABS/multipathd/multipathd
HOSTILE=$OABS/tests/hostile-client
[ -x "$MPD" ] && [ -x "$HOSTILE" ] || skip "multipathd or tests/hostile-client not built"
if [ -z "${MPATH_OPTIONS_NETNS:-}" ]; then
	unshare --net true 2>/dev/null || skip "cannot make a network namespace (unshare --net)"
	MPATH_OPTIONS_NETNS=1 exec unshare --net "$0" "$@"
fi
unset MULTIPATH_SOCKET_NAME
SOCK=@/org/kernel/linux/storage/multipathd

tmp=$(mktemp -d /tmp/mpd-options.XXXXXX) || exit 1
chmod 755 "$tmp"
conf=$tmp/multipath.conf log=$tmp/multipathd.log
mpd_pid=
cleanup() {
	stop_proc "$mpd_pid" 30
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $*"
	[ -s "$log" ] && { echo "--- multipathd's log:"; tail -n 10 "$log"; }
	exit 1
}
ok() { echo "ok    $*"; }

cat >"$conf" <<EOF
blacklist { devnode ".*" }
EOF

# a.
out=$("$MPD" -v abc -d -c "$conf" 2>&1)
rc=$?
[ $rc -eq 1 ] && [[ $out == *"-v abc: use 0 to 6"* ]] ||
	fail "a: -v abc: exit $rc, '$out'"
ok "a. -v abc refused: $out"

# b.
out=$("$MPD" -d -c "$tmp/nonexistent.conf" 2>&1)
rc=$?
[ $rc -eq 1 ] && [[ $out == *"no such file"* ]] || fail "b: -c missing: exit $rc, '$out'"
ok "b. -c with a missing file: $out"

# c.
mkfifo "$tmp/fifo.conf"
t0=$EPOCHREALTIME
out=$(timeout 10 "$MPD" -d -c "$tmp/fifo.conf" 2>&1)
rc=$?
[ $rc -eq 1 ] && [[ $out == *"not a regular file"* ]] || fail "c: a FIFO: exit $rc, '$out'"
ok "c. a FIFO as configuration refused at once: ${out##*: }"

# The daemon on the default name, in this namespace.
"$MPD" -d -c "$conf" 2>"$log" &
mpd_pid=$!
for ((i = 0; i < 50; i++)); do
	"$MPD" -c "$conf" show status >/dev/null 2>&1 && break
	sleep 0.1
done
w=$(pgrep -P "$mpd_pid" -x multipathd | head -1)
[ -n "$w" ] || fail "the daemon did not start"

# d.
printf 'defaults {\n' >"$tmp/broken.conf"
out=$("$MPD" -c "$tmp/broken.conf" show status 2>"$tmp/err")
rc=$?
[ $rc -eq 0 ] && [[ $out == *"paths:"* ]] &&
	grep -q "configuration not usable; trying the default socket" "$tmp/err" ||
	fail "d: with a broken configuration: exit $rc, '$out', stderr '$(cat "$tmp/err")'"
ok "d. broken configuration: the client warned and used the default socket"
cp "$conf" "$tmp/private.conf"
chmod 600 "$tmp/private.conf"
out=$(runuser -u nobody -- "$MPD" -c "$tmp/private.conf" show status 2>"$tmp/err")
rc=$?
[ $rc -eq 0 ] && [[ $out == *"paths:"* ]] ||
	fail "d: a mode-0600 configuration, as nobody: exit $rc, '$out', stderr '$(cat "$tmp/err")'"
ok "d. unreadable configuration (0600, as nobody): answered"

# e.
out=$(timeout 10 "$MPD" -d -c "$conf" 2>&1)
rc=$?
[ $rc -eq 1 ] && [[ $out == *"it is in use by pid $w (uid 0)"* ]] ||
	fail "e: second daemon: exit $rc, '$out' (holder $w)"
ok "e. second daemon: ${out##*error: }"

# f.
out=$("$HOSTILE" "$SOCK" badlen 1 1) || fail "f: no reply to a zero-length frame"
[[ $out == fail* && $out == *"malformed request"* ]] || fail "f: zero length answered '$out'"
out2=$("$HOSTILE" "$SOCK" badlen 1 1 big) || fail "f: no reply to an oversized frame"
[[ $out2 == fail* && $out2 == *"request too long"* ]] || fail "f: oversized answered '$out2'"
ok "f. malformed frames answered: '${out//$'\n'/ }', '${out2//$'\n'/ }'"
kill -0 "$mpd_pid" 2>/dev/null || fail "the daemon died"
echo PASS
