#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# fetch-kernel.sh - a Debian kernel for the real-kernel tier, unpacked in a
# cache outside the source tree and never installed.
#
# The host that builds the project often has neither a SCSI layer nor
# device-mapper (containers, CI runners), so the tier boots Debian's own
# kernel under QEMU. That kernel is taken with `apt-get download` (the
# package apt would install for linux-image-amd64, resolved to its
# versioned linux-image-<abi> dependency) and unpacked with `dpkg-deb -x`:
# nothing lands in /boot or /lib/modules of the host, and nothing is
# registered with dpkg.
#
# The unpacked tree is kept and reused: a second run does not download
# anything when the package apt resolves to is already unpacked. Without
# apt's package lists (or without network) the newest tree in the cache is
# used, so that the tier keeps working offline once it has run once.
#
# Prints on stdout, one per line:
#   KERNEL_VMLINUZ=<path of vmlinuz>
#   KERNEL_MODULES=<path of lib/modules/<abi>>
# Progress goes to stderr.
#
# Exit status: 0 done; 77 no kernel could be had (no apt-get or dpkg-deb,
# the package cannot be resolved or downloaded, and nothing cached); 1 any
# other error.
#
# Environment:
#   MPATH_KERNEL_CACHE  the cache directory (default
#                       /var/cache/libmultipath-kernel-tier)
#   MPATH_KERNEL_PKG    the package to fetch (default linux-image-amd64; a
#                       meta-package is resolved to its versioned
#                       dependency, e.g. linux-image-6.12-amd64 to
#                       linux-image-6.12.NN+deb12-amd64). One kernel is
#                       kept per cache: give another MPATH_KERNEL_CACHE to
#                       keep two.
set -u
export PATH=$PATH:/usr/sbin:/sbin

CACHE=${MPATH_KERNEL_CACHE:-/var/cache/libmultipath-kernel-tier}
PKG=${MPATH_KERNEL_PKG:-linux-image-amd64}

say() {
	echo "fetch-kernel: $*" >&2
}
skip() {
	say "$*"
	exit 77
}
die() {
	say "$*"
	exit 1
}

# An unpacked tree is DIR with a .complete stamp, written only once
# dpkg-deb has finished: a run killed halfway leaves no stamp and the next
# run starts that package afresh.
print_tree() {
	local dir=$1 vmlinuz mods
	vmlinuz=$(ls -1 "$dir"/boot/vmlinuz-* 2>/dev/null | head -n 1)
	mods=$(ls -1d "$dir"/lib/modules/*/ 2>/dev/null | head -n 1)
	mods=${mods%/}
	[ -f "$vmlinuz" ] && [ -f "$mods/modules.dep" ] || return 1
	echo "KERNEL_VMLINUZ=$vmlinuz"
	echo "KERNEL_MODULES=$mods"
}

# The newest complete tree in the cache, for when apt cannot tell us which
# one is current.
newest_cached() {
	local stamp
	stamp=$(ls -1t "$CACHE"/*/.complete 2>/dev/null | head -n 1)
	[ -n "$stamp" ] || return 1
	say "using the cached $(basename "$(dirname "$stamp")")"
	print_tree "$(dirname "$stamp")"
}

command -v apt-cache >/dev/null && command -v apt-get >/dev/null &&
	command -v dpkg-deb >/dev/null && command -v depmod >/dev/null ||
	{ newest_cached && exit 0; skip "apt-get, apt-cache, dpkg-deb or depmod missing: not a Debian host, no kernel to boot"; }

mkdir -p "$CACHE" 2>/dev/null && [ -w "$CACHE" ] ||
	skip "cannot write the cache $CACHE (not root? set MPATH_KERNEL_CACHE to a directory of yours)"
# Two runs at once (make test-kernel with two O=) share the cache: one
# downloads, the other waits and then finds the tree.
exec 9>"$CACHE/.lock" || die "cannot open $CACHE/.lock"
flock -w 900 9 || die "another fetch-kernel.sh holds $CACHE/.lock"

# resolve PKG: REPLY := the versioned kernel package it stands for: its
# linux-image-<abi> dependency for a meta-package (linux-image-amd64,
# linux-image-6.12-amd64), else PKG itself.
resolve() {
	local line found=
	REPLY=
	while read -r line; do
		found=1
		case $line in
		Depends:\ linux-image-[0-9]*)
			REPLY=${line#Depends: }
			REPLY=${REPLY%% *}
			return 0 ;;
		esac
	done < <(apt-cache depends --no-recommends --no-suggests "$1" 2>/dev/null)
	[ -n "$found" ] || return 1
	REPLY=$1
}

if ! resolve "$PKG"; then
	# A fresh container has no package lists; CI runs apt-get update
	# before us, a developer as root gets it done here.
	if [ "$(id -u)" -eq 0 ]; then
		say "apt cannot resolve $PKG: apt-get update"
		apt-get update -qq >&2 2>&1
		resolve "$PKG"
	fi
fi
if [ -z "$REPLY" ]; then
	newest_cached && exit 0
	skip "apt cannot resolve $PKG to a kernel package (no package lists, or no such package), and nothing is cached in $CACHE"
fi
real=$REPLY
ver=$(apt-cache show --no-all-versions "$real" 2>/dev/null | sed -n 's/^Version: //p' | head -n 1)
if [ -z "$ver" ]; then
	newest_cached && exit 0
	skip "apt knows no version of $real, and nothing is cached in $CACHE"
fi
tree=$CACHE/${real}_${ver//:/%}

if [ -f "$tree/.complete" ] && print_tree "$tree"; then
	say "$real $ver: cached in $tree"
	exit 0
fi

# Download into a scratch directory of the cache (same file system as the
# tree, and away from the source tree). apt-get download drops to the
# _apt user when it can write there; otherwise it downloads as root and
# says so, which is harmless for a package that is only unpacked.
rm -rf "$tree" "$tree.tmp" "$CACHE/download"
mkdir -p "$CACHE/download" || die "cannot create $CACHE/download"
chmod 0755 "$CACHE/download"
chown _apt "$CACHE/download" 2>/dev/null
say "downloading $real $ver (70-110 MB) into $CACHE"
if ! (cd "$CACHE/download" && apt-get download -q "$real=$ver" >&2 2>&1); then
	rm -rf "$CACHE/download"
	newest_cached && exit 0
	skip "apt-get download $real=$ver failed (no network to the Debian mirror?), and nothing is cached in $CACHE"
fi
deb=$(ls -1 "$CACHE"/download/*.deb 2>/dev/null | head -n 1)
[ -f "$deb" ] || die "apt-get download left no .deb in $CACHE/download"
say "unpacking $(basename "$deb") (dpkg-deb -x, 0.4-0.6 GB)"
mkdir -p "$tree.tmp" && dpkg-deb -x "$deb" "$tree.tmp" ||
	{ rm -rf "$tree.tmp" "$CACHE/download"; die "dpkg-deb -x $deb failed"; }
rm -rf "$CACHE/download"
# The package has no modules.dep: its postinst runs depmod on the host.
# Here depmod runs on the unpacked tree (-b), once, so that modprobe
# --show-depends can later list what each module needs.
abi=$(ls -1 "$tree.tmp/lib/modules" 2>/dev/null | head -n 1)
[ -n "$abi" ] && depmod -b "$tree.tmp" "$abi" ||
	{ rm -rf "$tree.tmp"; die "depmod -b $tree.tmp $abi failed (is kmod installed?)"; }
mv "$tree.tmp" "$tree" && touch "$tree/.complete" || die "cannot finish $tree"
# Older trees are replaced by the new one: keep only this one.
for old in "$CACHE"/linux-image-*; do
	[ "$old" = "$tree" ] || rm -rf "$old"
done
print_tree "$tree" || die "$real has no vmlinuz or no modules.dep"
