#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make install and make uninstall.
#
#   a. Staged (always): make install DESTDIR=$tmp with the default PREFIX
#      puts multipathd in sbin with a RUNPATH of the installed libdir, the
#      library under its own SONAME (not upstream's libmultipath.so.0), the
#      headers, libmultipath.pc, the plugins, the man pages and the systemd
#      units with the installed paths filled in; make uninstall
#      DESTDIR=$tmp leaves no file and no link behind.
#
#   b. Beside the distribution's multipath-tools (MPATH_COINSTALL=1 only,
#      as root, with Debian's multipath-tools installed: .ci/run does that):
#      the real make install with the default prefix (/usr/local), then
#      upstream's `multipath -h` still runs on its own library, our
#      `multipathd -h` runs on ours, a plugin built with
#      `pkg-config libmultipath` (examples/plugin-example) links against
#      ours and loads into a program built the same way (tests/load-plugin.c),
#      and make uninstall restores /usr/local and the loader's cache exactly
#      as they were. It refuses to run when this project is already
#      installed there, rather than remove someone's installation. Whatever
#      happens, everything it installed is removed on exit.
#
# Environment: O (the build directory, default .), MPATH_COINSTALL.
# Exit 0 pass, 77 skip.
set -u
cd "$(dirname "$0")/.." || exit 1
repo=$PWD
O=${O:-.}

skip() {
	echo "skip: $*"
	exit 77
}
fail() {
	echo "FAIL: $*"
	exit 1
}

for tool in make readelf pkg-config cc find; do
	command -v "$tool" >/dev/null || skip "$tool is not installed"
done
[ -x "$O/multipathd/multipathd" ] || fail "multipathd is not built (run make)"

tmp=$(mktemp -d /tmp/mpd-install.XXXXXX) || fail "mktemp"
real_installed=
cleanup() {
	if [ -n "$real_installed" ]; then
		echo "cleanup: removing what the real install put in place"
		make -s -C "$tmp/plugin-example" uninstall >/dev/null 2>&1
		make -s -C "$repo" uninstall O="$O" >/dev/null 2>&1
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# soname FILE: the SONAME in FILE's dynamic section.
soname() {
	readelf -d "$1" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p'
}
runpath() {
	readelf -d "$1" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p'
}

echo "== a. make install DESTDIR=$tmp/stage"
stage=$tmp/stage
make -s -C "$repo" install DESTDIR="$stage" O="$O" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; fail "make install failed"; }
p=$stage/usr/local
lib=$(readlink "$p/lib/libmultipath.so") || fail "no $p/lib/libmultipath.so link"
[ -f "$p/lib/$lib" ] || fail "the link libmultipath.so points to nothing: $lib"
so=$(soname "$p/lib/$lib")
echo "library: lib/$lib, SONAME $so"
[ "$so" = "$lib" ] || fail "file $lib has SONAME $so"
[ "$so" != libmultipath.so.0 ] ||
	fail "SONAME libmultipath.so.0 is upstream multipath-tools' library"
for f in sbin/multipathd include/libmultipath/checkers.h \
	 include/libmultipath/libmultipath.h include/libmultipath/mpath_scsi.h \
	 include/libmultipath/mpath_time.h \
	 lib/pkgconfig/libmultipath.pc lib/multipath/libchecktur.so \
	 lib/multipath/libcheckdirectio.so \
	 share/man/man8/multipathd.8 share/man/man5/multipath.conf.5 \
	 share/man/man3/libmultipath-checkers.3; do
	[ -f "$p/$f" ] || fail "not installed: $f"
done
rp=$(runpath "$p/sbin/multipathd")
echo "multipathd: RUNPATH $rp, NEEDED $(readelf -d "$p/sbin/multipathd" | grep -o 'libmultipath[^]]*')"
[ "$rp" = /usr/local/lib ] || fail "the installed multipathd's RUNPATH is '$rp', not /usr/local/lib"
# systemd searches /usr/local/lib/systemd/system ahead of the
# distribution's directory, whose files are the package manager's.
unitdir=$p/lib/systemd/system
for u in multipathd.service multipathd.socket; do
	[ -f "$unitdir/$u" ] || fail "not installed: lib/systemd/system/$u"
done
grep -qx 'ExecStart=/usr/local/sbin/multipathd -d -s' "$unitdir/multipathd.service" ||
	fail "multipathd.service does not run /usr/local/sbin/multipathd -d -s"
grep -qx 'Type=notify' "$unitdir/multipathd.service" || fail "not Type=notify"
grep -qx 'NotifyAccess=all' "$unitdir/multipathd.service" || fail "not NotifyAccess=all"
grep -qx 'ExecReload=/usr/local/sbin/multipathd reconfigure' "$unitdir/multipathd.service" ||
	fail "no ExecReload reconfigure"
grep -qx 'ListenStream=@/org/kernel/linux/storage/multipathd' "$unitdir/multipathd.socket" ||
	fail "multipathd.socket does not listen on the default name"
grep -q '@[a-z]*@' "$unitdir"/* "$p"/share/man/man*/* &&
	fail "a placeholder was left in a unit or a man page"
# Staged, its RUNPATH points at nothing yet: show it the staged library.
LD_LIBRARY_PATH=$p/lib "$p/sbin/multipathd" -h >/dev/null ||
	fail "the staged multipathd -h fails"

echo "== a. make uninstall DESTDIR=$tmp/stage"
make -s -C "$repo" uninstall DESTDIR="$stage" O="$O" >"$tmp/uninstall.log" 2>&1 ||
	{ cat "$tmp/uninstall.log"; fail "make uninstall failed"; }
left=$(find "$stage" ! -type d)
[ -z "$left" ] || fail "make uninstall left: $left"
echo "nothing left but directories"

if [ "${MPATH_COINSTALL:-}" != 1 ]; then
	echo "b. (beside multipath-tools in /usr/local) not run: MPATH_COINSTALL=1, as root (.ci/run)"
	echo "PASS"
	exit 0
fi

echo "== b. beside the distribution's multipath-tools, in /usr/local"
[ "$(id -u)" -eq 0 ] || fail "MPATH_COINSTALL=1 needs root"
theirs=$(command -v multipath || true)
[ -n "$theirs" ] || fail "multipath-tools is not installed (apt-get install multipath-tools)"
for f in /usr/local/sbin/multipathd /usr/local/lib/libmultipath.so \
	 /usr/local/lib/pkgconfig/libmultipath.pc /usr/local/include/libmultipath; do
	[ -e "$f" ] && fail "$f exists: this project is already installed; not touching it"
done
# Every file, link and directory under /usr/local, and the loader's cache.
snapshot() {
	find /usr/local -xdev -printf '%y %m %u %p -> %l\n' 2>/dev/null | sort
	ldconfig -p | grep -i multipath
}
snapshot >"$tmp/before"
real_installed=1
make -s -C "$repo" install O="$O" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; fail "make install failed"; }

"$theirs" -h >/dev/null 2>&1 || fail "$theirs -h fails once we are installed"
uplib=$(ldd "$theirs" | sed -n 's/^[[:space:]]*\(libmultipath\.so[^ ]*\) => \([^ ]*\).*/\1 \2/p')
echo "$theirs -h runs, with $uplib"
case $uplib in
*/usr/local/*) fail "$theirs loads our library: $uplib" ;;
esac
/usr/local/sbin/multipathd -h >/dev/null || fail "our multipathd -h fails"
ourlib=$(ldd /usr/local/sbin/multipathd | sed -n 's/^[[:space:]]*\(libmultipath\.so[^ ]*\) => \([^ ]*\).*/\1 \2/p')
echo "/usr/local/sbin/multipathd -h runs, with $ourlib"
case $ourlib in
*/usr/local/lib/*) ;;
*) fail "our multipathd does not load our library: $ourlib" ;;
esac
if [ -x /sbin/multipathd ] && [ /sbin/multipathd -ef /usr/local/sbin/multipathd ]; then
	fail "/sbin/multipathd is ours"
fi

# A vendor's plugin, built with nothing but pkg-config, and a program using
# the daemon API built the same way, which loads it.
cp -r "$repo/examples/plugin-example" "$tmp/plugin-example"
rm -f "$tmp/plugin-example/libcheckexample.so"
make -C "$tmp/plugin-example" >"$tmp/plugin.log" 2>&1 ||
	{ cat "$tmp/plugin.log"; fail "building the example plugin with pkg-config failed"; }
needed=$(readelf -d "$tmp/plugin-example/libcheckexample.so" | grep -o 'libmultipath[^]]*')
echo "example plugin built with pkg-config: NEEDED $needed"
[ "$needed" = "$lib" ] || fail "the plugin links $needed, not our $lib"
make -C "$tmp/plugin-example" install >>"$tmp/plugin.log" 2>&1 ||
	{ cat "$tmp/plugin.log"; fail "installing the example plugin failed"; }
# shellcheck disable=SC2046 # a list of flags
cc -o "$tmp/load-plugin" tests/load-plugin.c $(pkg-config --cflags --libs libmultipath) ||
	fail "tests/load-plugin.c does not build against the installed library"
out=$("$tmp/load-plugin" /usr/local/lib/multipath example /dev/null 2>&1) ||
	fail "the installed example plugin does not load: $out"
echo "load-plugin (built with pkg-config): $out"
grep -q 'example: up' <<<"$out" || fail "unexpected: $out"
ldd "$tmp/load-plugin" | grep -q '/usr/local/lib/libmultipath' ||
	fail "load-plugin does not run on the installed library"
"$theirs" -h >/dev/null 2>&1 || fail "$theirs -h fails after the plugin's install"

make -s -C "$tmp/plugin-example" uninstall >/dev/null 2>&1 ||
	fail "the example plugin's uninstall failed"
make -s -C "$repo" uninstall O="$O" >"$tmp/uninstall.log" 2>&1 ||
	{ cat "$tmp/uninstall.log"; fail "make uninstall failed"; }
real_installed=
snapshot >"$tmp/after"
if ! diff -u "$tmp/before" "$tmp/after"; then
	fail "make uninstall did not restore /usr/local and the loader's cache"
fi
"$theirs" -h >/dev/null 2>&1 || fail "$theirs -h fails after make uninstall"
echo "make uninstall restored /usr/local and the loader's cache"
echo "PASS"
