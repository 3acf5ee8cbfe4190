#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The library's ABI is exactly what libmultipath.version says: every name in
# its global: sections is defined in libmultipath.so, and nothing else is
# exported (an internal function that leaks out becomes something other
# people's programs link against). And every plugin that was built links:
# its undefined symbols all resolve against libmultipath and libc, as they
# will when multipathd dlopen()s it.
#
# Environment: O (the build directory, default .). Exit 0: pass, 77: skip.
set -euo pipefail
cd "$(dirname "$0")/.."
O=${O:-.}

# The file the development link names: its SONAME major is the Makefile's.
lib=$(readlink -f "$O/libmultipath/libmultipath.so" || true)
script=libmultipath.version
status=0

for tool in nm ldd; do
	command -v "$tool" >/dev/null ||
		{ echo "skip: $tool is not installed"; exit 77; }
done
if [ -z "$lib" ] || [ ! -f "$lib" ]; then
	echo "FAIL: $O/libmultipath/libmultipath.so is not built (run make)" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The names in the version script's global: sections. Comments (/* */, over
# several lines too, and #) go first; then every "name;" between a global:
# and the next local: or closing brace is a name.
awk '
	{
		line = $0
		out = ""
		while (line != "") {
			if (incomment) {
				end = index(line, "*/")
				if (!end) { line = ""; break }
				line = substr(line, end + 2)
				incomment = 0
			} else {
				start = index(line, "/*")
				if (!start) { out = out line; line = ""; break }
				out = out substr(line, 1, start - 1)
				line = substr(line, start + 2)
				incomment = 1
			}
		}
		sub(/#.*/, "", out)
		n = split(out, words, /[ \t]+/)
		for (i = 1; i <= n; i++) {
			w = words[i]
			if (w == "global:") { inglobal = 1; continue }
			if (w == "local:" || w ~ /^}/) { inglobal = 0; continue }
			if (inglobal && w ~ /^[A-Za-z_][A-Za-z0-9_]*;$/)
				print substr(w, 1, length(w) - 1)
		}
	}
' "$script" | sort -u >"$tmp/expected"

# What the library defines for others: every defined dynamic symbol, minus
# the version node itself (an absolute symbol named after it), with the
# @@VERSION suffix newer binutils print stripped.
nm -D --defined-only "$lib" |
	awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' | sort -u >"$tmp/actual"

if [ ! -s "$tmp/expected" ]; then
	echo "FAIL: no exported names found in $script" >&2
	exit 1
fi
if ! cmp -s "$tmp/expected" "$tmp/actual"; then
	echo "FAIL: the exports of $lib differ from $script" >&2
	comm -23 "$tmp/expected" "$tmp/actual" | sed 's/^/  listed in the script, not exported: /' >&2
	comm -13 "$tmp/expected" "$tmp/actual" | sed 's/^/  exported, not in the script: /' >&2
	status=1
else
	echo "ok: $lib exports exactly the $(wc -l <"$tmp/expected") names of $script"
fi

# ldd -r performs the relocations the dynamic loader would and names any
# symbol nothing provides. The plugins find libmultipath.so.N in the build
# tree, the way the daemon's copy would satisfy them at run time.
plugins=()
for so in "$O"/libmultipath/checkers/libcheck*.so "$O"/tests/plugins/libcheck*.so; do
	[ -f "$so" ] && plugins+=("$so")
done
if [ ${#plugins[@]} -eq 0 ]; then
	echo "no plugins built: nothing to check for undefined symbols"
fi
for so in "${plugins[@]}"; do
	out=$(LD_LIBRARY_PATH=$O/libmultipath${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
		ldd -r "$so" 2>&1) || true
	if grep -Eq 'undefined symbol|not found' <<<"$out"; then
		echo "FAIL: $so does not link on its own:" >&2
		grep -E 'undefined symbol|not found' <<<"$out" | sed 's/^/  /' >&2
		status=1
	else
		echo "ok: $so"
	fi
done
exit $status
