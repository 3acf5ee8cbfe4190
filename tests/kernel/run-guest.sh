#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-guest.sh - the real-kernel tier (make test-kernel): multipathd, its
# checkers and dm-multipath against a real kernel's SCSI layer and
# device-mapper, in a throw-away QEMU guest.
#
# The host that builds the project may have neither SCSI nor
# device-mapper (a container, a CI runner), and root there must not be
# risked on fault injection anyway. So: Debian's own kernel
# (fetch-kernel.sh, cached outside the tree), an initramfs holding
# busybox, the tools and the build tree's binaries (mkinitramfs.sh), and
# QEMU booting it straight into the payload (guest/main.sh), whose
# scenarios use scsi_debug paths under a dm-multipath map. The guest
# prints one line "MPATH-KERNEL-TIER-RESULT: <status>" and powers off;
# this script streams the serial console to the terminal and to a log,
# and exits with that status.
#
# Exit status: 0 pass; 1 fail (a scenario failed, or the guest gave no
# result: crash, time limit); 77 skip, with the reason, when QEMU is not
# installed or no kernel can be had, or when QEMU cannot start any guest
# on this machine. Under CI=true only the last is a skip: a missing QEMU
# or kernel fails the run.
#
# Environment:
#   O                          the build directory (default .)
#   MPATH_KERNEL_TIMEOUT       the hard limit for the whole guest, s (600)
#   MPATH_KERNEL_ACCEL         kvm or tcg: no probing
#   MPATH_KERNEL_SCENARIOS     e.g. "a,c": only these scenarios
#   MPATH_KERNEL_VERBOSE=1     print multipathd's log of every scenario
#   MPATH_KERNEL_CACHE, MPATH_KERNEL_PKG   see fetch-kernel.sh
#   MPATH_KERNEL_LOG           the console log (default
#                              $O/tests/kernel/kernel-tier.log)
set -u
export PATH=$PATH:/usr/sbin:/sbin
TOP=$(cd "$(dirname "$0")/../.." && pwd) || exit 1
cd "$TOP" || exit 1
O=${O:-.}
OABS=$(cd "$O" 2>/dev/null && pwd) || { echo "run-guest: no build directory $O" >&2; exit 1; }
LIMIT=${MPATH_KERNEL_TIMEOUT:-600}
LOGF=${MPATH_KERNEL_LOG:-$OABS/tests/kernel/kernel-tier.log}
# KVM, when tried, must reach /init within this; else TCG is used.
KVM_PROBE_S=30

say() {
	echo "run-guest: $*"
}
# skip REASON: exit 77, a skip, for what a developer's machine may lack
# (QEMU, a Debian mirror). In CI (CI=true) those are installed and
# reachable, so there it fails the run instead.
skip() {
	if [ "${CI:-}" = true ]; then
		say "FAIL: $* (CI=true: the real-kernel tier must run in CI)"
		exit 1
	fi
	say "SKIP: $*"
	exit 77
}
# skip_cannot_run REASON: QEMU is there but cannot start any guest on
# this machine: a skip, with the reason, in CI too.
skip_cannot_run() {
	say "SKIP: $*"
	exit 77
}
die() {
	say "FAIL: $*"
	exit 1
}

[[ $LIMIT =~ ^[0-9]+$ ]] && ((LIMIT >= 60)) || die "MPATH_KERNEL_TIMEOUT must be a number of seconds >= 60"
QEMU=$(command -v qemu-system-x86_64) || skip "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"
[ "$(uname -m)" = x86_64 ] || skip_cannot_run "the tier boots an amd64 kernel: this host is $(uname -m)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mpath-kernel-tier.XXXXXX") || die "mktemp failed"
qpid= tpid=

# Everything we started, by pid, on every exit path: QEMU (through the
# timeout(1) that runs it, which passes the signal on), the log follower,
# the temp directory.
cleanup() {
	local rc=$?
	trap - EXIT INT TERM HUP
	if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; then
		kill -TERM "$qpid" 2>/dev/null
		for _ in $(seq 50); do
			kill -0 "$qpid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$qpid" 2>/dev/null
		wait "$qpid" 2>/dev/null
	fi
	if [ -n "$tpid" ]; then
		kill "$tpid" 2>/dev/null
		wait "$tpid" 2>/dev/null
	fi
	rm -rf "$tmp"
	exit $rc
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# --- the kernel and the initramfs ------------------------------------------------------

t_start=$(date +%s)
kout=$(tests/kernel/fetch-kernel.sh)
rc=$?
[ $rc -eq 77 ] && skip "no kernel to boot (see fetch-kernel above)"
[ $rc -eq 0 ] || die "fetch-kernel.sh failed"
VMLINUZ= MODULES=
while IFS='=' read -r k v; do
	case $k in
	KERNEL_VMLINUZ) VMLINUZ=$v ;;
	KERNEL_MODULES) MODULES=$v ;;
	esac
done <<<"$kout"
[ -f "$VMLINUZ" ] && [ -d "$MODULES" ] || die "fetch-kernel.sh gave no kernel ($kout)"
say "kernel $VMLINUZ"
O="$OABS" tests/kernel/mkinitramfs.sh "$tmp/initrd.gz" "$MODULES" || die "mkinitramfs.sh failed"

# --- the accelerator -------------------------------------------------------------------------
#
# KVM only where it really works. /dev/kvm may exist without being
# hardware KVM: on the machines this tier was written on it is PVM
# (module kvm_pvm), and QEMU with -accel kvm fails there at once (it
# cannot set MSR 0x10a) or stops in early boot. Then TCG: slower (boot in
# 5-10 s), but it runs anywhere.

accel_probe() {
	if [ -n "${MPATH_KERNEL_ACCEL:-}" ]; then
		[[ $MPATH_KERNEL_ACCEL == @(kvm|tcg) ]] || die "MPATH_KERNEL_ACCEL must be kvm or tcg"
		ACCEL=$MPATH_KERNEL_ACCEL
		WHY="MPATH_KERNEL_ACCEL=$ACCEL"
		return
	fi
	ACCEL=tcg
	if [ ! -c /dev/kvm ]; then
		WHY="no /dev/kvm"
	elif ! { : <>/dev/kvm; } 2>/dev/null; then
		WHY="/dev/kvm is not usable by $(id -un)"
	elif [ -d /sys/module/kvm_pvm ] || grep -qs '^kvm_pvm ' /proc/modules; then
		WHY="/dev/kvm is PVM (kvm_pvm), not hardware KVM"
	elif ! grep -qsw -e vmx -e svm /proc/cpuinfo; then
		WHY="the CPU shows no vmx/svm"
	else
		ACCEL=kvm
		WHY="/dev/kvm usable; TCG if the guest does not reach /init within $KVM_PROBE_S s"
	fi
}

# --- the guest -----------------------------------------------------------------------------

mkdir -p "$(dirname "$LOGF")" || die "cannot create $(dirname "$LOGF")"
: >"$LOGF" || die "cannot write $LOGF"

# boot ACCEL LIMIT_S: run QEMU in the background (qpid), its console into
# $tmp/console and streamed to the terminal and $LOGF. Returns once QEMU
# has ended, or 2 when KVM was tried and did not reach /init in time.
boot() {
	local accel=$1 limit=$2 t0 append guest_limit
	# The payload's own limit, below ours: a payload that hangs still
	# reports (status 143) and powers off before QEMU is killed.
	guest_limit=$((limit < 120 ? limit - 30 : limit - 60))
	append="console=ttyS0 quiet panic=-1 mpath_tier.timeout=$guest_limit"
	[ -n "${MPATH_KERNEL_SCENARIOS:-}" ] && append="$append mpath_tier.only=$MPATH_KERNEL_SCENARIOS"
	[ -n "${MPATH_KERNEL_VERBOSE:-}" ] && append="$append mpath_tier.verbose=1"
	: >"$tmp/console"
	echo "run-guest: booting with $accel: $(date -u +%FT%TZ)" >>"$LOGF"
	timeout -k 10 "$limit" "$QEMU" -machine q35 -accel "$accel" -cpu max -m 1024 -smp 2 \
		-nographic -no-reboot -nodefaults -serial stdio \
		-kernel "$VMLINUZ" -initrd "$tmp/initrd.gz" -append "$append" \
		</dev/null >"$tmp/console" 2>&1 &
	qpid=$!
	# --pid: the follower ends by itself once QEMU is gone.
	# Without the carriage returns and the firmware's terminal escapes.
	tail -n +1 -f --pid="$qpid" "$tmp/console" |
		sed -u -e 's/\r//g' -e 's/\x1bc//g' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' |
		tee -a "$LOGF" &
	tpid=$!
	t0=$(date +%s)
	while kill -0 "$qpid" 2>/dev/null; do
		if [ "$accel" = kvm ] && ! grep -q MPATH-KERNEL-TIER-BOOTED "$tmp/console" &&
			(($(date +%s) - t0 > KVM_PROBE_S)); then
			kill -TERM "$qpid" 2>/dev/null
			wait "$qpid" 2>/dev/null
			qpid= QEMU_RC=
			wait "$tpid" 2>/dev/null
			tpid=
			return 2
		fi
		sleep 0.5
	done
	wait "$qpid"
	QEMU_RC=$?
	qpid=
	wait "$tpid" 2>/dev/null
	tpid=
	# KVM that failed at once (QEMU refuses an MSR, say): TCG too.
	[ "$accel" = kvm ] && ! grep -q MPATH-KERNEL-TIER-BOOTED "$tmp/console" && return 2
	return 0
}

accel_probe
say "accelerator: $ACCEL ($WHY); time limit $LIMIT s; log $LOGF"
QEMU_RC=
t_boot=$(date +%s)
boot "$ACCEL" "$LIMIT"
if [ $? -eq 2 ]; then
	say "KVM: the guest did not reach /init (QEMU status ${QEMU_RC:-killed after $KVM_PROBE_S s}): falling back to TCG"
	ACCEL=tcg
	t_boot=$(date +%s)
	boot tcg "$LIMIT"
fi
t_end=$(date +%s)

# --- the verdict ---------------------------------------------------------------------------

result=$(tr -d '\r' <"$tmp/console" | sed -n 's/^MPATH-KERNEL-TIER-RESULT: \([0-9][0-9]*\)$/\1/p' | tail -n 1)
summary=$(tr -d '\r' <"$tmp/console" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
times="guest $((t_end - t_boot)) s ($ACCEL), total $((t_end - t_start)) s"
if [ -z "$result" ]; then
	if [ "$QEMU_RC" = 124 ] || [ "$QEMU_RC" = 137 ]; then
		die "no result: the guest was killed at the time limit ($LIMIT s; MPATH_KERNEL_TIMEOUT); $times"
	fi
	if ! grep -q MPATH-KERNEL-TIER-BOOTED "$tmp/console"; then
		# QEMU itself could not start a guest (no emulator for this
		# machine, no memory): this host cannot run the tier.
		if [ "$QEMU_RC" != 0 ] && ! grep -q 'Linux version\|Booting\|Run /init' "$tmp/console" &&
			[ "$(wc -l <"$tmp/console")" -lt 10 ]; then
			skip_cannot_run "QEMU could not start a guest here (status $QEMU_RC): $(tr -d '\r' <"$tmp/console" | tail -n 3 | tr '\n' ' ')"
		fi
		die "the guest never reached /init (QEMU status $QEMU_RC); $times"
	fi
	die "the guest gave no result line (crash or panic: see $LOGF); QEMU status $QEMU_RC; $times"
fi
if [ "$result" -eq 0 ]; then
	say "PASS: ${summary:-no summary}; $times"
	exit 0
fi
say "FAIL: the payload exited with status $result: ${summary:-no summary}; $times; log $LOGF"
exit 1
