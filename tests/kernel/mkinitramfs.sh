#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# mkinitramfs.sh - the guest's whole root file system, as an initramfs.
#
#   O=<build dir> tests/kernel/mkinitramfs.sh OUTPUT MODULES_DIR
#
# OUTPUT is written as a gzip'd newc cpio; MODULES_DIR is the unpacked
# kernel's lib/modules/<abi> (tests/kernel/fetch-kernel.sh). The archive is
# staged in a temporary directory, never in the source tree, and holds:
#
#   /init                 tests/kernel/init (busybox sh)
#   /usr/bin/busybox      busybox-static, with a link for every applet that
#                         no real program below provides
#   bash, coreutils dd, dmsetup, sg_start, sg_reset, sg_turs, sg_inq, and
#   coreutils' libstdbuf.so (stdbuf -oL, so that a tool's result line can
#   be timed as it is printed), with every library ldd lists and the
#   dynamic loader, at their host paths (under a merged /usr, as on the
#   host: /bin, /sbin, /lib, /lib64 are links into /usr)
#   /usr/sbin/multipathd, /usr/bin/load-plugin   from $O
#   libmultipath.so.N     from $O, next to libc: the loader's default path
#                         (multipathd's RUNPATH $ORIGIN/../libmultipath and
#                         load-plugin's absolute build-tree RUNPATH point
#                         nowhere in the guest, as after an install)
#   /usr/lib/multipath/libcheck*.so   the checker plugins: multipathd and
#                         load-plugin refuse a plugin whose file or
#                         directory is not root's or is group/other-writable,
#                         so the directory is 0755, the files 0644, and the
#                         archive is written with owner 0:0 (cpio -R 0:0)
#   /lib/modules/<abi>    scsi_debug, sg, sd_mod, dm_mod, dm_multipath,
#                         dm_round_robin, scsi_dh_{alua,rdac,emc,hp_sw} and
#                         what they depend on (modprobe --show-depends on
#                         the unpacked tree), with a modules.dep made by
#                         depmod -b for busybox modprobe; the load order is
#                         in /etc/mpath-kernel-tier/modules
#   /payload              tests/kernel/guest/*.sh and tests/script-util.sh
#
# Debian 12's modules are plain .ko files; a compressed .ko.xz/.ko.zst is
# decompressed here, because busybox-static's modprobe is not relied on to
# read compressed modules.
set -u
set -o pipefail

export PATH=$PATH:/usr/sbin:/sbin
TOP=$(cd "$(dirname "$0")/../.." && pwd) || exit 1
O=${O:-.}

die() {
	echo "mkinitramfs: $*" >&2
	exit 1
}

[ $# -eq 2 ] || die "usage: O=BUILD_DIR $0 OUTPUT MODULES_DIR"
OUT=$1
MODS=$2
OABS=$(cd "$TOP" && cd "$O" && pwd) || die "no build directory $O"
[ -f "$MODS/modules.dep" ] || die "$MODS has no modules.dep"
ABI=$(basename "$MODS")

# The modules the tier needs. Everything else they need comes from
# modprobe --show-depends.
MODULES=(sg sd_mod scsi_debug dm_mod dm_multipath dm_round_robin
	 scsi_dh_alua scsi_dh_rdac scsi_dh_emc scsi_dh_hp_sw)
# Host programs copied with their libraries (the guest's own tools).
PROGS=(bash dd dmsetup sg_start sg_reset sg_turs sg_inq)

for t in busybox cpio gzip ldd modprobe depmod; do
	command -v "$t" >/dev/null || die "$t is not installed"
done
BUSYBOX=$(command -v busybox)
# Debian's busybox package is dynamically linked: the tier wants
# busybox-static's, which needs nothing from the archive's libraries.
if ldd "$BUSYBOX" >/dev/null 2>&1; then
	[ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 &&
		BUSYBOX=/bin/busybox ||
		die "$BUSYBOX is not static: install busybox-static"
fi

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/mpath-initramfs.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$STAGE"' EXIT
umask 022

# A merged /usr, as on Debian 12: copying a library to its ldd path
# (/lib/x86_64-linux-gnu/...) lands in usr/lib through the link.
mkdir -p "$STAGE"/usr/{bin,sbin,lib,lib64} "$STAGE"/{dev,proc,sys,run,tmp,etc,payload} ||
	die "cannot populate $STAGE"
for d in bin sbin lib lib64; do
	ln -s "usr/$d" "$STAGE/$d"
done
chmod 1777 "$STAGE/tmp"
# The kernel opens /dev/console on the initramfs before /init runs; the
# node can only be made as root. Without it /init reopens the console once
# devtmpfs is mounted.
mknod -m 600 "$STAGE/dev/console" c 5 1 2>/dev/null

# put SRC DEST: copy a file (dereferenced) to DEST in the stage.
put() {
	mkdir -p "$(dirname "$STAGE$2")" && cp -L "$1" "$STAGE$2" ||
		die "cannot copy $1"
}

declare -A LIBS_DONE=()
# with_libs BINARY: copy every library ldd lists for BINARY, and the loader.
# libmultipath.so.N is the build tree's (see LIBDIR below); for a plugin
# ldd says "not found" for it, as the plugin relies on the process that
# loads it to have it already.
with_libs() {
	local line lib path
	while read -r line; do
		lib= path=
		case $line in
		*" => not found"*)
			lib=${line%% *}
			case $lib in libmultipath.so.*) continue ;; esac
			die "$1 needs $lib, which ldd cannot find" ;;
		*" => "/*)
			lib=${line%% *}
			path=${line#* => }
			path=${path%% (*} ;;
		/*)	path=${line%% (*} ;;	# the loader
		*)	continue ;;		# linux-vdso.so.1
		esac
		[ -n "${LIBS_DONE[$path]:-}" ] && continue
		LIBS_DONE[$path]=1
		case $path in
		"$OABS"/*) ;;	# the project's own: placed below
		*) put "$path" "$path" ;;
		esac
	done < <(ldd "$1" 2>/dev/null)
}

# --- host programs ---------------------------------------------------------

put "$BUSYBOX" /usr/bin/busybox
for p in "${PROGS[@]}"; do
	src=$(command -v "$p") || die "$p is not installed (bash, coreutils, dmsetup, sg3-utils)"
	case $src in
	*/sbin/*) put "$src" "/usr/sbin/$p" ;;
	*) put "$src" "/usr/bin/$p" ;;
	esac
	with_libs "$src"
done
stdbuf_lib=$(ls /usr/libexec/coreutils/libstdbuf.so /usr/lib/*/coreutils/libstdbuf.so 2>/dev/null | head -n 1)
[ -n "$stdbuf_lib" ] || die "coreutils' libstdbuf.so not found"
put "$stdbuf_lib" /usr/libexec/coreutils/libstdbuf.so
with_libs "$stdbuf_lib"

# Every busybox applet that no real program above provides. Real programs
# win: bash is the payload's shell, coreutils dd has iflag=direct.
while read -r applet; do
	a=${applet##*/}
	[ -e "$STAGE/usr/bin/$a" ] || [ -e "$STAGE/usr/sbin/$a" ] && continue
	ln -s busybox "$STAGE/usr/bin/$a"
done < <("$BUSYBOX" --list)

# --- the project's binaries ----------------------------------------------------

MPD=$OABS/multipathd/multipathd
LP=$OABS/tests/load-plugin
# The file the development link names (its SONAME: the Makefile's MAJOR).
LIBMP=$(readlink -f "$OABS/libmultipath/libmultipath.so" || true)
LIBMP_SONAME=$(basename "$LIBMP")
for f in "$MPD" "$LP" "$LIBMP"; do
	[ -f "$f" ] || die "$f is not built (make all)"
done
put "$MPD" /usr/sbin/multipathd
put "$LP" /usr/bin/load-plugin
with_libs "$MPD"
with_libs "$LP"
with_libs "$LIBMP"
# Next to libc, the loader finds it with no ld.so.cache and no RUNPATH.
libc=$(ldd "$(command -v bash)" | sed -n 's/^[[:space:]]*libc\.so\.6 => \([^ ]*\) .*/\1/p')
[ -n "$libc" ] || die "cannot tell where libc.so.6 is"
LIBDIR=$(dirname "$libc")
put "$LIBMP" "$LIBDIR/$LIBMP_SONAME"
chmod 0755 "$STAGE$LIBDIR/$LIBMP_SONAME"

n=0
for p in "$OABS"/libmultipath/checkers/libcheck*.so; do
	[ -f "$p" ] || continue
	put "$p" "/usr/lib/multipath/$(basename "$p")"
	chmod 0644 "$STAGE/usr/lib/multipath/$(basename "$p")"
	with_libs "$p"
	n=$((n + 1))
done
[ $n -gt 0 ] || die "no checker plugins in $OABS/libmultipath/checkers (make all)"
chmod 0755 "$STAGE/usr/lib/multipath"

# --- kernel modules ------------------------------------------------------------

KROOT=${MODS%/lib/modules/*}
declare -A MOD_DONE=()
order=()
for m in "${MODULES[@]}"; do
	out=$(modprobe -d "$KROOT" -S "$ABI" --show-depends "$m" 2>&1) ||
		die "modprobe --show-depends $m: $out"
	while read -r verb path _; do
		[ "$verb" = insmod ] || continue	# "builtin NAME": nothing to load
		rel=${path#"$MODS"/}
		[ -n "${MOD_DONE[$rel]:-}" ] && continue
		MOD_DONE[$rel]=1
		dst=$rel
		case $rel in
		*.ko.xz)  dst=${rel%.xz};  mkdir -p "$(dirname "$STAGE/lib/modules/$ABI/$dst")" &&
			  xz -dc "$path" >"$STAGE/lib/modules/$ABI/$dst" || die "xz -d $path" ;;
		*.ko.zst) dst=${rel%.zst}; mkdir -p "$(dirname "$STAGE/lib/modules/$ABI/$dst")" &&
			  zstd -qdc "$path" >"$STAGE/lib/modules/$ABI/$dst" || die "zstd -d $path" ;;
		*.ko.gz)  dst=${rel%.gz};  mkdir -p "$(dirname "$STAGE/lib/modules/$ABI/$dst")" &&
			  gzip -dc "$path" >"$STAGE/lib/modules/$ABI/$dst" || die "gzip -d $path" ;;
		*)	  put "$path" "/lib/modules/$ABI/$dst" ;;
		esac
		order+=("$dst")
	done <<<"$out"
done
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -f "$MODS/$f" ] && put "$MODS/$f" "/lib/modules/$ABI/$f"
done
depmod -b "$STAGE" "$ABI" || die "depmod -b $STAGE $ABI failed"
mkdir -p "$STAGE/etc/mpath-kernel-tier"
printf '%s\n' "${order[@]}" >"$STAGE/etc/mpath-kernel-tier/modules"
echo "$ABI" >"$STAGE/etc/mpath-kernel-tier/abi"

# --- /init and the payload -----------------------------------------------------

install -m 0755 "$TOP/tests/kernel/init" "$STAGE/init" || die "no tests/kernel/init"
for f in "$TOP"/tests/kernel/guest/*.sh "$TOP/tests/script-util.sh"; do
	install -m 0644 "$f" "$STAGE/payload/" || die "cannot copy $f"
done
# Enough of /etc for the tools: a root user (peer credentials are checked
# by uid; names are only for humans).
echo "root:x:0:0:root:/:/usr/bin/bash" >"$STAGE/etc/passwd"
echo "root:x:0:" >"$STAGE/etc/group"

# --- the archive ---------------------------------------------------------------

mkdir -p "$(dirname "$OUT")" || die "cannot create $(dirname "$OUT")"
(cd "$STAGE" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0) | gzip -1 >"$OUT.tmp" &&
	mv "$OUT.tmp" "$OUT" || { rm -f "$OUT.tmp"; die "cpio/gzip failed"; }
echo "mkinitramfs: $OUT ($(du -k "$OUT" | cut -f1) KiB: ${#order[@]} modules, $n plugins, kernel $ABI)" >&2
