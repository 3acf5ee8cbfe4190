#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The plugin SDK as a vendor uses it: install libmultipath into a staging
# root, check that the installed headers compile on their own, build
# examples/plugin-example against the staged install through pkg-config
# only, install the plugin with its own Makefile and load it with
# tests/load-plugin, with the permission check on.
#
# Environment: O (the build directory, default .). Exit 0: pass, 77: skip.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
O=${O:-.}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

for tool in pkg-config cc make install; do
	command -v "$tool" >/dev/null ||
		{ echo "skip: $tool is not installed"; exit 77; }
done
load_plugin=$O/tests/load-plugin
[ -x "$load_plugin" ] || fail "$load_plugin is not built (run make)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The default PREFIX: the plugin directory is compiled into the library, so
# another PREFIX would rebuild the shared build tree under the other tests.
echo "== make install DESTDIR=$tmp"
make -s -C "$repo" install DESTDIR="$tmp" O="$O" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; fail "make install failed"; }

# What a vendor's build sees: only the staged install, through pkg-config.
export PKG_CONFIG_PATH=$tmp/usr/local/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$tmp
unset PKG_CONFIG_LIBDIR
pkg-config --exists libmultipath || fail "pkg-config does not find the staged libmultipath.pc"
cflags=$(pkg-config --cflags libmultipath)
case $cflags in
*"$tmp/"*) ;;
*) fail "pkg-config --cflags does not point into the staging root: $cflags" ;;
esac

echo "== the installed headers compile on their own"
for h in checkers.h libmultipath.h mpath_scsi.h mpath_time.h; do
	# shellcheck disable=SC2086 # $cflags is a list of flags
	echo "#include <$h>" | cc -fsyntax-only -Wall -Wextra -Werror -x c - $cflags ||
		fail "<$h> does not compile on its own (C)"
	if command -v c++ >/dev/null; then
		# shellcheck disable=SC2086
		echo "#include <$h>" | c++ -fsyntax-only -Wall -Werror -x c++ - $cflags ||
			fail "<$h> does not compile on its own (C++)"
	fi
done

echo "== build examples/plugin-example against the staged install"
# A copy, so that no build product lands in the source tree.
cp -r "$repo/examples/plugin-example" "$tmp/plugin-example"
rm -f "$tmp/plugin-example/libcheckexample.so"
make -C "$tmp/plugin-example" >"$tmp/build.log" 2>&1 ||
	{ cat "$tmp/build.log"; fail "building the example plugin failed"; }
make -C "$tmp/plugin-example" install DESTDIR="$tmp" >>"$tmp/build.log" 2>&1 ||
	{ cat "$tmp/build.log"; fail "installing the example plugin failed"; }
plugindir=$tmp/usr/local/lib/multipath
[ -f "$plugindir/libcheckexample.so" ] ||
	fail "the example's install target did not install into $plugindir"

# expect WANT ARGS...: load-plugin ARGS must exit 0 and print WANT.
expect() {
	local want=$1 out rc=0
	shift
	out=$("$load_plugin" "$@" 2>&1) || rc=$?
	echo "load-plugin $* -> exit $rc: $out"
	[ $rc -eq 0 ] || fail "load-plugin $* exited $rc"
	grep -qF -- "$want" <<<"$out" || fail "load-plugin $*: no \"$want\" in: $out"
}

echo "== load the installed plugin, permission check on"
# Installed with mode 0755 into a 0755 directory owned by us: accepted.
up="example: up (fd is usable)"
expect "$up" "$plugindir" example /dev/null
expect "$up" -s "$plugindir" example /dev/null
# The plugin logs through libmultipath's mpath_log().
expect "example: check 1 of fd" -v "$plugindir" example /dev/null
# A directory is not a path: the plugin's generic "unsupported" answer.
expect "example: wild (checker does not support this device)" \
	"$plugindir" example "$tmp"

echo "== a group-writable plugin directory is refused unless -i"
chmod g+w "$plugindir"
rc=0
out=$("$load_plugin" "$plugindir" example /dev/null 2>&1) || rc=$?
echo "load-plugin $plugindir example -> exit $rc: $out"
[ $rc -eq 2 ] || fail "a group-writable plugin directory was not refused (exit $rc)"
grep -q "writable by group or others" <<<"$out" ||
	fail "the refusal does not say why: $out"
expect "$up" -i "$plugindir" example /dev/null

echo "PASS"
