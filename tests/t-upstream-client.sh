#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Upstream's client against our daemon: Debian's multipathd (package
# multipath-tools) in client mode, as scripts and tools run it, talks to
# this tree's multipathd monitoring loop devices over plain files. Each
# command's reply and the client's exit status are checked:
#
#   - listings with upstream's syntax and words: show daemon, show paths
#     [raw] format FMT (a format with blanks, quoted by the client), show
#     path DEV, show wildcards, show maps raw / json, show map MAP json,
#     show topology;
#   - fail / reinstate path by name and by MAJ:MIN; del path (kept out
#     across a reconfigure) and add path; reconfigure all;
#   - refusals: upstream's "fail\n" and the reason (an unknown path or map,
#     a blacklisted device, an unknown command, the map management this
#     daemon does not do). Upstream's client exits 1 on them from 0.9.8
#     on; 0.9.4 (Debian 12) exits 1 only on a bare "fail\n", so with it
#     the expected status is 0 and the reply is what is checked;
#   - -k with quit and exit, and -k"CMD"; our own client on a refusal:
#     the reason alone, exit 1; shutdown.
#
# Debian 12's client ignores MULTIPATH_SOCKET_NAME and always uses the
# default abstract name. Abstract names are per network namespace, so the
# test re-runs itself under "unshare --net": its daemon has the default
# name to itself and disturbs no other multipathd.
#
# Needs root, /dev/loop-control, losetup, unshare and the upstream client
# (MPATH_UPSTREAM_CLIENT, default Debian's /sbin/multipathd from the
# multipath-tools package); skips (exit 77) with the reason without them.
# About 5 s. Environment: O (the build directory, default .).
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/script-util.sh
O=${O:-.}

[ "$(id -u)" -eq 0 ] || skip "not root: cannot set up loop devices"
[ -c /dev/loop-control ] && [ -w /dev/loop-control ] || skip "no usable /dev/loop-control"
command -v losetup >/dev/null || skip "losetup is not installed"
command -v unshare >/dev/null || skip "unshare is not installed (util-linux)"
OABS=$(cd "$O" && pwd)
MPD=$OABS/multipathd/multipathd
PLUGINS=$OABS/libmultipath/checkers
[ -x "$MPD" ] || skip "multipathd is not built ($MPD)"
[ -f "$PLUGINS/libcheckdirectio.so" ] || skip "the directio checker is not built"

UP=${MPATH_UPSTREAM_CLIENT:-/sbin/multipathd}
[ -x "$UP" ] || skip "no upstream client: install Debian's multipath-tools (or set MPATH_UPSTREAM_CLIENT)"
[ "$(readlink -f "$UP")" != "$(readlink -f "$MPD")" ] || skip "$UP is this tree's multipathd"
# Its version decides the exit status of a refusal (above).
UPVER=$(dpkg-query -W -f='${Version}' multipath-tools 2>/dev/null)
if [ -n "$UPVER" ] && dpkg --compare-versions "$UPVER" lt 0.9.8; then
	FAIL_RC=0
else
	FAIL_RC=1
fi

if [ -z "${MPATH_UPSTREAM_NETNS:-}" ]; then
	unshare --net true 2>/dev/null || skip "cannot make a network namespace (unshare --net)"
	MPATH_UPSTREAM_NETNS=1 exec unshare --net "$0" "$@"
fi
# The default socket name, as upstream's client knows only that.
unset MULTIPATH_SOCKET_NAME

tmp=$(mktemp -d /tmp/mpd-upstream.XXXXXX) || { echo "FAIL: mktemp"; exit 1; }
conf=$tmp/multipath.conf
log=$tmp/multipathd.log
mpd_pid=
loops=()

# Is /dev/loopN still bound to one of our images?
cleanup() {
	local rc=$? left=()

	trap - EXIT INT TERM HUP
	stop_proc "$mpd_pid" 20
	if [ $rc -ne 0 ] && [ -s "$log" ]; then
		echo "--- the end of multipathd's log:"
		tail -n 30 "$log" | sed 's/^/    /'
	fi
	loops_release "$tmp" "${loops[@]}"
	left=("${LOOPS_LEFT[@]}")
	rm -rf "$tmp"
	[ -n "$mpd_pid" ] && ! proc_gone "$mpd_pid" && left+=("multipathd pid $mpd_pid")
	if [ ${#left[@]} -gt 0 ]; then
		echo "FAIL: cleanup left: ${left[*]}"
		[ $rc -eq 0 ] && rc=1
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
	echo "FAIL: $*"
	exit 1
}

ok() {
	echo "ok    $*"
}

# up ARG...: the upstream client; OUT := its output, RC := its status.
up() {
	OUT=$(timeout 10 "$UP" "$@" 2>&1)
	RC=$?
}

# expect_ok WHAT OUTPUT_PATTERN ARG...: status 0, output matches the
# (bash, whole-output) pattern.
expect_ok() {
	local what=$1 pat=$2
	shift 2
	up "$@"
	[ $RC -eq 0 ] || fail "$what: exit status $RC: $OUT"
	# shellcheck disable=SC2053
	[[ $OUT == $pat ]] || fail "$what: unexpected reply: $OUT"
	ok "$what: ${OUT%%$'\n'*}"
}

# expect_fail WHAT REASON_PATTERN ARG...: upstream's "fail" line, then a
# reason that matches; exit status FAIL_RC.
expect_fail() {
	local what=$1 pat=$2
	shift 2
	up "$@"
	[ $RC -eq $FAIL_RC ] || fail "$what: exit status $RC (expected $FAIL_RC): $OUT"
	# 0.9.8 and later print the reason without the "fail" line.
	[[ $OUT == "fail"$'\n'* ]] && OUT=${OUT#fail$'\n'}
	# shellcheck disable=SC2053
	[[ $OUT == $pat ]] || fail "$what: unexpected reason: $OUT"
	ok "$what: fail, '$OUT', exit $RC"
}

# The paths the daemon lists, by name, one line: "loop0 loop1".
listed() {
	up show paths raw format %d
	[ $RC -eq 0 ] || fail "show paths raw format %d: exit status $RC: $OUT"
	echo $(sort <<<"$OUT")
}

# --- setup -----------------------------------------------------------------------

for i in 0 1 2; do
	truncate -s 8M "$tmp/img$i" || fail "truncate"
	d=$(losetup -f --show "$tmp/img$i") || fail "losetup $tmp/img$i"
	loops+=("$d")
done
L0=${loops[0]#/dev/} L1=${loops[1]#/dev/} L2=${loops[2]#/dev/}
DT0=$(($(stat -c 0x%t "/dev/$L0"))):$(($(stat -c 0x%T "/dev/$L0")))
# L2 stays blacklisted: "add path" must refuse it.
cat >"$conf" <<EOF
defaults {
	polling_interval 1
	plugin_dir "$PLUGINS"
}
blacklist {
	devnode ".*"
}
blacklist_exceptions {
	devnode "^$L0\$"
	devnode "^$L1\$"
}
EOF
"$MPD" -d -v 3 -c "$conf" >>"$log" 2>&1 &
mpd_pid=$!
for ((i = 0; i < 100; i++)); do
	up show paths raw format "%d %T"
	[ "$(sort <<<"$OUT")" = "$L0 ready"$'\n'"$L1 ready" ] && break
	proc_gone "$mpd_pid" && fail "multipathd exited"
	sleep 0.1
done
[ $i -lt 100 ] || fail "$L0 and $L1 not ready within 10 s: $OUT"
ok "multipathd on $L0 $L1 (and $L2 blacklisted), client $UP ${UPVER:-(version unknown)}"

# --- listings ----------------------------------------------------------------------

expect_ok "show daemon" "pid [0-9]* running" show daemon
# The client quotes a word with blanks; the format comes through whole.
up show paths raw format "%d %D %T %c %m"
[ $RC -eq 0 ] && grep -qx "$L0 $DT0 ready directio \[orphan\]" <<<"$OUT" ||
	fail "show paths raw format: exit $RC: $OUT"
ok "show paths raw format \"%d %D %T %c %m\": $(grep "^$L0 " <<<"$OUT")"
expect_ok "list paths raw format with %%, an unknown wildcard dropped" \
	"*$L0%=*" list paths raw format "%d%%=%Z"
# Without raw: upstream's headers, each column as wide as its widest value.
up list paths format "%d %D %t %T %c"
[ $RC -eq 0 ] || fail "list paths format: exit status $RC: $OUT"
head=$(head -1 <<<"$OUT")
row=$(grep "^$L0 " <<<"$OUT") || fail "list paths format: no $L0: $OUT"
[ "$(echo $head)" = "dev dev_t dm_st chk_st checker" ] || fail "list paths format: header '$head'"
hpos=${head%%chk_st*}
[ "${row:${#hpos}:5}" = ready ] || fail "list paths format: columns not aligned: '$head' / '$row'"
[ "$(echo $row)" = "$L0 $DT0 undef ready directio" ] || fail "list paths format: row '$row'"
ok "list paths format: '$head' / '$row'"
expect_ok "show path $L0" "dev *"$'\n'"$L0 *directio*up*" show path "$L0"
expect_ok "show path $DT0" "dev *"$'\n'"$L0 *" show path "$DT0"
expect_fail "show path nosuchdev9" "no path nosuchdev9" show path nosuchdev9
expect_ok "show wildcards" "multipath format wildcards:"$'\n'"%n  name"$'\n'"*%d  dev"$'\n'"%D  dev_t"$'\n'"%t  dm_st"$'\n'"%T  chk_st*%c  checker*%m  multipath*" show wildcards
# Maps: whatever device-mapper holds on this host (none without it).
expect_ok "show maps raw" "*" show maps raw
[[ $OUT == fail* ]] && fail "show maps raw refused: $OUT"
expect_ok "show maps json" "{\"maps\": \[*]}" show maps json
expect_ok "show topology" "*" show topology
[[ $OUT == fail* ]] && fail "show topology refused: $OUT"
expect_fail "show map nosuchmap json" "no map nosuchmap" show map nosuchmap json

# --- paths ------------------------------------------------------------------------

expect_ok "fail path $L0" "ok" fail path "$L0"
up show paths raw format "%d %k"
grep -q "^$L0 \[failed by operator\]" <<<"$OUT" || fail "after fail path: $OUT"
expect_ok "reinstate path $DT0" "ok" reinstate path "$DT0"
up show paths raw format "%d %k"
grep -q "^$L0 \[failed by operator\]" <<<"$OUT" && fail "after reinstate path: $OUT"
expect_fail "fail path nosuchdev9" "no path nosuchdev9" fail path nosuchdev9
expect_ok "del path $L1" "ok" del path "$L1"
[ "$(listed)" = "$L0" ] || fail "after del path $L1: $(listed)"
expect_ok "reconfigure all" "ok" reconfigure all
sleep 0.5
[ "$(listed)" = "$L0" ] || fail "$L1 back after reconfigure: $(listed)"
ok "$L1 stays out across a reconfigure"
expect_ok "add path $L1" "ok" add path "$L1"
[ "$(listed)" = "$L0 $L1" ] || fail "after add path $L1: $(listed)"
expect_ok "add path $L1 again" "ok" add path "/dev/$L1"
expect_fail "del path nosuchdev9" "no path nosuchdev9" del path nosuchdev9
expect_fail "add path nosuchdev9" "no block device nosuchdev9" add path nosuchdev9
expect_fail "add path $L2 (blacklisted)" "$L2 is blacklisted" add path "$L2"
[ "$(listed)" = "$L0 $L1" ] || fail "after the refused adds: $(listed)"

# --- refusals ------------------------------------------------------------------------

for cmd in "resize map mpatha" "switchgroup map mpatha group 2" \
	   "disablequeueing maps" "restorequeueing map mpatha" \
	   "setprkey map mpatha key 0x1" "suspend map mpatha"; do
	# shellcheck disable=SC2086
	expect_fail "$cmd" "'${cmd%% *}' is not supported: *does not manage maps" $cmd
done
expect_fail "frobnicate" "unknown command 'frobnicate'" frobnicate
expect_fail "show paths format (no format)" "incomplete command 'show paths format'*" show paths format

# Our client on the same daemon: the reason alone, exit 1.
r=$(timeout 10 "$MPD" resize map mpatha 2>&1) && fail "our client: resize map exited 0: $r"
[[ $r == "'resize' is not supported"* ]] || fail "our client: resize map: $r"
ok "our client: resize map mpatha: '$r', exit 1"

# --- -k ---------------------------------------------------------------------------

OUT=$(printf 'show daemon\nquit\nshow status\n' | timeout 10 "$UP" -k 2>&1)
RC=$?
[ $RC -eq 0 ] && grep -q "pid [0-9]* running" <<<"$OUT" || fail "-k with quit: exit $RC: $OUT"
grep -q "^paths:" <<<"$OUT" && fail "-k went on after quit: $OUT"
ok "-k: show daemon, then quit ends it"
OUT=$(printf 'show paths raw format %%d\nexit\n' | timeout 10 "$UP" -k 2>&1)
[ $? -eq 0 ] && grep -q "$L0" <<<"$OUT" || fail "-k with exit: $OUT"
ok "-k: exit ends it"
expect_ok "-k\"show daemon\"" "pid [0-9]* running" -k"show daemon"

# --- shutdown -------------------------------------------------------------------------

expect_ok "shutdown" "ok" shutdown
wait_gone "$mpd_pid" 50 || fail "multipathd still running 5 s after shutdown"
wait "$mpd_pid"
st=$?
[ $st -eq 0 ] || fail "multipathd exit status $st after shutdown"
mpd_pid=
ok "multipathd exited with status 0"
echo PASS
