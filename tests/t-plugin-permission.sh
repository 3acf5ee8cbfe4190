#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# multipath.conf's plugin_permission_check, end to end: the directio plugin
# installed in a group-writable plugin directory is refused by a real
# multipathd by default (the refusal logged, no plugin loaded for the loop
# device's path), and loaded with "plugin_permission_check no" (the plugin
# listed by "show checkers", and one warning that the check is off).
#
# Needs root (the plugin and its directory must be owned by root or by the
# daemon's user, which a copy made as root is), /dev/loop-control, losetup
# and the multipathd binary; skips (exit 77) without them. About 2 s.
# Environment: O (the build directory, default .).
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/script-util.sh
O=${O:-.}

[ "$(id -u)" -eq 0 ] || skip "not root: cannot set up a loop device"
[ -c /dev/loop-control ] && [ -w /dev/loop-control ] || skip "no usable /dev/loop-control"
command -v losetup >/dev/null || skip "losetup is not installed"
OABS=$(cd "$O" && pwd)
MPD=$OABS/multipathd/multipathd
PLUGIN=$OABS/libmultipath/checkers/libcheckdirectio.so
[ -x "$MPD" ] || skip "multipathd is not built ($MPD)"
[ -f "$PLUGIN" ] || skip "the directio checker is not built"

export MULTIPATH_SOCKET_NAME=@mpd-perm-$$
tmp=$(mktemp -d /tmp/mpd-perm.XXXXXX) || { echo "FAIL: mktemp"; exit 1; }
plugins=$tmp/plugins
conf=$tmp/multipath.conf
log=$tmp/multipathd.log
loop= mpd_pid=

cleanup() {
	local rc=$?

	trap - EXIT INT TERM HUP
	stop_proc "$mpd_pid" 20
	[ -n "$loop" ] && losetup -d "$loop" 2>/dev/null
	rm -rf "$tmp"
	exit $rc
}
trap cleanup EXIT INT TERM HUP

fail() {
	echo "FAIL: $*"
	[ -f "$log" ] && { echo "--- multipathd's log:"; tail -n 30 "$log"; }
	exit 1
}

mpd() {
	timeout 5 "$MPD" "$@" 2>&1
}

# wait_log PATTERN: up to 10 s for PATTERN in the daemon's log.
wait_log() {
	local i
	for ((i = 0; i < 100; i++)); do
		grep -q -- "$1" "$log" && return 0
		proc_gone "$mpd_pid" && return 1
		sleep 0.1
	done
	return 1
}

# run_daemon SETTING: a daemon with "plugin_permission_check SETTING"
# (none at all for "default"), until the loop device's checker was looked up.
run_daemon() {
	{
		echo "defaults {"
		echo "	polling_interval 1"
		echo "	plugin_dir \"$plugins\""
		[ "$1" = default ] || echo "	plugin_permission_check $1"
		echo "}"
		echo "blacklist {"	# nothing of the host's: only ours
		echo "	devnode \".*\""
		echo "}"
		echo "blacklist_exceptions {"
		echo "	devnode \"^${loop#/dev/}\$\""
		echo "}"
	} >"$conf"
	: >"$log"
	"$MPD" -d -v 3 -c "$conf" >>"$log" 2>&1 &
	mpd_pid=$!
}

stop_daemon() {
	stop_proc "$mpd_pid" 20
	mpd_pid=
}

mkdir "$plugins" || fail "mkdir $plugins"
cp "$PLUGIN" "$plugins/" || fail "cp $PLUGIN"
chmod 0755 "$plugins/libcheckdirectio.so"
chmod 0775 "$plugins"		# group-writable, as some packages install
truncate -s 1M "$tmp/img" || fail "truncate"
loop=$(losetup -f --show "$tmp/img") || fail "losetup"

# 1. By default the plugin is refused, with the reason, and nothing loads.
run_daemon default
wait_log "libcheckdirectio.so refused: its directory .* writable by group or others" ||
	fail "default: the group-writable plugin directory was not refused"
out=$(mpd show checkers) || fail "default: show checkers: $out"
grep -q "^directio " <<<"$out" && fail "default: directio loaded anyway: $out"
grep -q "plugin_permission_check is off" "$log" &&
	fail "default: warned that the check is off"
stop_daemon
echo "ok: default: the plugin in a group-writable directory is refused"

# 2. The same with "yes" said out loud.
run_daemon yes
wait_log "libcheckdirectio.so refused" || fail "yes: the plugin was not refused"
stop_daemon
echo "ok: plugin_permission_check yes: refused"

# 3. "no": loaded and used for the path, and the daemon says the check is off.
run_daemon no
wait_log "plugin_permission_check is off" || fail "no: no warning that the check is off"
for ((i = 0; i < 100; i++)); do
	out=$(mpd show checkers)
	grep -q "^directio " <<<"$out" && break
	proc_gone "$mpd_pid" && fail "no: multipathd died"
	sleep 0.1
done
grep -q "^directio " <<<"$out" || fail "no: directio is not loaded: $out"
grep -q "refused" "$log" && fail "no: refused anyway"
[ "$(grep -c "plugin_permission_check is off" "$log")" -eq 1 ] ||
	fail "no: the warning is not logged exactly once"
stop_daemon
echo "ok: plugin_permission_check no: the plugin is loaded, with one warning"
echo "pass"
