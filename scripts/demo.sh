#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The demo (make demo, make run): multipathd monitoring three loop devices
# whose storage misbehaves on a schedule. The loop devices sit over the
# images of tests/faultfs, a FUSE file system whose I/O is switched at run
# time to fail with EIO or to hang. Every second the demo shows
# "multipathd show paths" and what the daemon logged meanwhile, and says
# what it does:
#
#    3 s  EIO on the first path: it goes down
#    7 s  its I/O works again: up
#   10 s  the second path's I/O hangs: its check times out
#   17 s  the hang is released: up
#   22 s  multipathd is stopped (SIGTERM)
#
# Everything is undone on every exit (also Ctrl-C): hangs released, the
# daemon stopped, the loop devices detached, faultfs stopped and unmounted.
# The daemon uses a private socket, and only these loop devices are let
# through the blacklist.
#
# Needs root, /dev/fuse and /dev/loop-control. Without them it says why and
# instead runs multipathd for a few seconds on its built-in defaults.
# Environment: O (the build directory, default .).
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/script-util.sh
O=${O:-.}
OABS=$(cd "$O" && pwd)
MPD=$OABS/multipathd/multipathd
FAULTFS=$OABS/tests/faultfs
PLUGINS=$OABS/libmultipath/checkers
export MULTIPATH_SOCKET_NAME=@mpd-demo-$$

[ -x "$MPD" ] && [ -x "$FAULTFS" ] || { echo "demo: build first (make all)" >&2; exit 1; }

say() {
	printf '\n\033[1m== %s\033[0m\n' "$*"
}

# --- the fallback: no loop devices here ----------------------------------------------

why=
[ "$(id -u)" -eq 0 ] || why="not root"
[ -z "$why" ] && ! [ -w /dev/fuse ] && why="no usable /dev/fuse"
[ -z "$why" ] && ! [ -w /dev/loop-control ] && why="no usable /dev/loop-control"
[ -z "$why" ] && ! command -v losetup >/dev/null && why="no losetup"
[ -z "$why" ] && ! command -v fusermount3 >/dev/null && why="no fusermount3"
if [ -n "$why" ]; then
	say "demo: $why, so no faulty loop devices: multipathd on its built-in defaults instead"
	"$MPD" -d -c /nonexistent/multipath.conf &
	pid=$!
	trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
	sleep 1
	for cmd in "show status" "show paths" "show checkers"; do
		say "multipathd $cmd"
		timeout 5 "$MPD" $cmd
	done
	say "stopping multipathd"
	kill -TERM $pid
	wait $pid
	echo "multipathd exited with status $?"
	trap - EXIT
	exit 0
fi

# --- setup ------------------------------------------------------------------------------

tmp=$(mktemp -d /tmp/mpd-demo.XXXXXX) || exit 1
mnt=$tmp/mnt
log=$tmp/multipathd.log
ffs_pid= mpd_pid=
loops=()

cleanup() {
	local d bf i
	trap - EXIT INT TERM HUP
	trap '' PIPE	# the reader may be gone: cleanup goes on
	[ -w "$mnt/control" ] && echo release >"$mnt/control" 2>/dev/null
	stop_proc "$mpd_pid" 20
	for d in "${loops[@]}"; do
		bf=$(cat "/sys/block/${d#/dev/}/loop/backing_file" 2>/dev/null) &&
			[[ $bf == "$mnt"/img* ]] && losetup -d "$d" 2>/dev/null
	done
	stop_proc "$ffs_pid" 20
	mountpoint -q "$mnt" 2>/dev/null && umount -l "$mnt"
	rm -rf "$tmp"
	echo "demo: cleaned up (loop devices detached, faultfs unmounted)"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

die() {
	echo "demo: $*" >&2
	[ -s "$log" ] && tail -n 20 "$log" >&2
	exit 1
}

mkdir "$mnt"
faultfs_mount "$FAULTFS" 3 "$mnt" "$tmp/faultfs.log" ||
	die "faultfs did not mount: $(cat "$tmp/faultfs.log")"
for i in 0 1 2; do
	d=$(losetup --find --show --direct-io=on "$mnt/img$i" 2>/dev/null) ||
		d=$(losetup --find --show "$mnt/img$i") || die "losetup failed"
	loops+=("$d")
done
L=("${loops[@]#/dev/}")

cat >"$tmp/multipath.conf" <<EOF
defaults {
	polling_interval 1
	max_polling_interval 2
	checker_timeout 2
	plugin_dir "$PLUGINS"
}
blacklist {
	devnode ".*"
}
blacklist_exceptions {
	devnode "^${L[0]}\$"
	devnode "^${L[1]}\$"
	devnode "^${L[2]}\$"
}
EOF

say "three loop devices over faultfs images: ${L[0]} (img0), ${L[1]} (img1), ${L[2]} (img2)"
echo "multipath.conf: checked every 1-2 s (polling_interval 1, max_polling_interval 2),"
echo "a check that does not answer in 2 s times out (checker_timeout 2); loop devices"
echo "are blacklisted by default; the configuration blacklists every device and"
echo "lets exactly these three in."
say "starting multipathd -d -c multipath.conf (no device-mapper here: it monitors and reports)"
"$MPD" -d -c "$tmp/multipath.conf" >"$log" 2>&1 &
mpd_pid=$!
for ((i = 0; i < 50; i++)); do
	n=$(timeout 5 "$MPD" show paths 2>/dev/null | grep -c " up ")
	[ "${n:-0}" -ge 3 ] && break
	proc_gone "$mpd_pid" && die "multipathd exited"
	sleep 0.1
done

# --- the schedule ---------------------------------------------------------------------

logged=0
# show T: what the daemon logged since the last time, and the paths now.
show() {
	local n
	printf '\n\033[2m--- %2d s ---------------------------------------------------------------\033[0m\n' "$1"
	n=$(wc -l <"$log")
	if [ "$n" -gt "$logged" ]; then
		tail -n +$((logged + 1)) "$log" | head -n $((n - logged)) |
			sed 's/^[0-9.]* multipathd: /multipathd log: /'
		logged=$n
	fi
	timeout 5 "$MPD" show paths 2>&1
}

ctl() {
	echo "$1" >"$mnt/control"
}

start=${EPOCHREALTIME/[.,]/}
for ((t = 0; t <= 21; t++)); do
	case $t in
	3)	say "injecting EIO on ${L[0]}: every read of img0 now fails"
		ctl "eio img0" ;;
	7)	say "restoring ${L[0]}: img0 reads succeed again"
		ctl "ok img0" ;;
	10)	say "hanging ${L[1]}: reads of img1 now block and never answer"
		ctl "hang img1" ;;
	17)	say "releasing ${L[1]}: the hung read completes, new ones succeed"
		ctl "release img1" ;;
	esac
	show $t
	# Sleep until the next whole second since the start.
	now=${EPOCHREALTIME/[.,]/}
	left=$(((start + (t + 1) * 1000000 - now) / 1000))
	((left > 0)) && sleep "$(printf '%d.%03d' $((left / 1000)) $((left % 1000)))"
done

say "multipathd show status"
timeout 5 "$MPD" show status
say "stopping multipathd (SIGTERM)"
t0=${EPOCHREALTIME/[.,]/}
kill -TERM "$mpd_pid"
wait "$mpd_pid"
rc=$?
t1=${EPOCHREALTIME/[.,]/}
mpd_pid=
tail -n +$((logged + 1)) "$log" | sed 's/^[0-9.]* multipathd: /multipathd log: /'
echo "multipathd exited with status $rc after $(((t1 - t0) / 1000)) ms"
