#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Two rules of the tree that no compiler checks:
#
#  1. The files of libmultipath and of multipathd call in one direction:
#     no file calls a file that calls it back, directly or round a longer
#     loop (docs/design.md, "The daemon's loop", shows the order). Read
#     from the objects: file A calls file B when A uses a global symbol B
#     defines.
#  2. No comment or document points outside the repository: to design,
#     style or lab notes that are not in the tree, or to an issue by
#     number.
#
# Environment: O (the build directory, default .). Exit 0: pass, 77: skip.
set -euo pipefail
cd "$(dirname "$0")/.."
O=${O:-.}
status=0

for tool in nm tsort join; do
	command -v "$tool" >/dev/null ||
		{ echo "skip: $tool is not installed"; exit 77; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for dir in libmultipath multipathd; do
	objs=("$O/$dir"/*.o)
	if [ ! -e "${objs[0]}" ]; then
		echo "FAIL: no objects in $O/$dir (run make)" >&2
		exit 1
	fi
	: >"$tmp/defs"
	: >"$tmp/uses"
	for o in "${objs[@]}"; do
		f=$(basename "$o" .o)
		nm --defined-only -g "$o" |
			awk -v f="$f" '$2 ~ /^[TDBR]$/ { print $3, f }' >>"$tmp/defs"
		nm -u "$o" | awk -v f="$f" '{ print $2, f }' >>"$tmp/uses"
	done
	sort -o "$tmp/defs" "$tmp/defs"
	sort -o "$tmp/uses" "$tmp/uses"
	# "symbol user definer" -> "user definer", once per pair of files.
	join "$tmp/uses" "$tmp/defs" | awk '$2 != $3 { print $2, $3 }' |
		sort -u >"$tmp/edges"
	echo "$dir: $(wc -l <"$tmp/edges") calls between $(echo "${objs[@]}" | wc -w) files"
	if ! tsort "$tmp/edges" >/dev/null 2>"$tmp/loop"; then
		echo "FAIL: $dir: files call each other round a loop:" >&2
		sed -n 's/^tsort: //p' "$tmp/loop" | grep -v 'input contains a loop' |
			tr '\n' ' ' >&2
		echo >&2
		# Each edge of the loop, with the symbols behind it.
		join "$tmp/uses" "$tmp/defs" | awk '$2 != $3' >"$tmp/why"
		for f in $(sed -n 's/^tsort: //p' "$tmp/loop" | grep -v 'input contains'); do
			awk -v f="$f" '$2 == f { print "  " $2 " -> " $3 ": " $1 }' \
				"$tmp/why" >&2
		done
		status=1
	fi
	# A function defined in two files of one program is a copy.
	awk '{ print $1 }' "$tmp/defs" | uniq -d >"$tmp/twice"
	if [ -s "$tmp/twice" ]; then
		echo "FAIL: $dir: defined in more than one file: $(tr '\n' ' ' <"$tmp/twice")" >&2
		status=1
	fi
done

# Rule 2, over what the repository holds (its own files, not build output).
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z >"$tmp/files"
else
	find . -path ./.git -prune -o -type f -print0 >"$tmp/files"
fi
# This script names the patterns it looks for; bench/REPORT.md and the
# configuration corpus are data, not comments.
if xargs -0 grep -nIE \
	'DESIGN(\.md| section)|STYLE\.md|kernel-lab|\.\./shared/|(^|[^A-Za-z])[Ii]ssue #?[0-9]+([^0-9.]|$)|(^|[^A-Za-z])[Ii]ssues? [0-9]+(,| and) ?[0-9]' \
	<"$tmp/files" 2>/dev/null |
	grep -vE '^(\./)?(tests/t-house\.sh|tests/conf/|tests/fuzz/corpus)' >"$tmp/refs"; then
	echo "FAIL: these point outside the repository:" >&2
	cat "$tmp/refs" >&2
	status=1
fi

[ "$status" = 0 ] && echo "one direction in each program; no reference outside the tree"
exit "$status"
