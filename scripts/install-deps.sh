#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Installs the Debian packages the project needs to build, test and benchmark
# (gnuplot-nox draws the benchmark report's plot), and to run the
# real-kernel tier (make test-kernel). Debian's multipath-tools is not in
# the list: .ci/run installs it for the co-installation test only.
# Used by the README's two commands and by .ci/run; does nothing when
# everything is already there, so it is cheap to call before every build.
set -euo pipefail

PKGS=(
	build-essential pkg-config
	liburcu-dev libcmocka-dev libaio-dev libudev-dev libdevmapper-dev
	libfuse3-dev fuse3
	valgrind binutils
	clang libclang-rt-dev
	gnuplot-nox
	# The real-kernel tier (make test-kernel, tests/kernel/): QEMU boots
	# Debian's kernel (fetched with apt-get download, unpacked with
	# dpkg-deb, its modules.dep made with kmod's depmod) from an initramfs
	# made with cpio, holding busybox-static as the guest's shell and
	# tools, dmsetup for the dm-multipath maps, sg3-utils' sg_start and
	# sg_reset for SCSI faults, xz-utils for kernels with compressed
	# modules. busybox-static replaces the dynamic busybox package.
	qemu-system-x86 busybox-static sg3-utils cpio kmod dmsetup xz-utils
	# multipathd under systemd: sd_notify() and sd_listen_fds() from
	# libsystemd; tests/t-systemd.sh plays systemd's part with
	# systemd-socket-activate (package systemd) and a python3 listener.
	libsystemd-dev systemd python3
	# tests/t-man.sh lints the man pages with both formatters.
	mandoc groff-base
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=
[ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "install-deps: installing ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
