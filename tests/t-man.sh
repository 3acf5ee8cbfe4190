#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The man pages: every page the build made from man/*.in passes
# `mandoc -Tlint` (style messages aside) and `groff -ww` without a single
# warning, and the pages keep up with the code: multipathd.8 names every
# word of the command grammar (multipathd/cli-parse.c) and every option of
# multipathd's getopt string (multipathd/main.c); multipath.conf.5 names
# every section and keyword of the configuration's keyword table
# (multipathd/config-parse.c).
#
# Environment: O (the build directory, default .). Exit 0 pass, 77 skip.
set -u
cd "$(dirname "$0")/.." || exit 1
O=${O:-.}

skip() {
	echo "skip: $*"
	exit 77
}

command -v mandoc >/dev/null || skip "mandoc is not installed"
command -v groff >/dev/null || skip "groff is not installed"

status=0
bad() {
	echo "FAIL: $*"
	status=1
}

pages=()
for src in man/*.in; do
	page=$O/man/$(basename "$src" .in)
	[ -f "$page" ] || { bad "$page is not built (run make)"; continue; }
	[ "$src" -nt "$page" ] && bad "$page is older than $src (run make)"
	pages+=("$page")
done
[ ${#pages[@]} -ge 3 ] || bad "expected at least 3 pages, found ${#pages[@]}"

for page in "${pages[@]}"; do
	# -W warning: warnings and worse; mandoc's style hints are not faults.
	out=$(mandoc -Tlint -W warning "$page" 2>&1)
	[ -z "$out" ] || bad "mandoc -Tlint $page:"$'\n'"$out"
	out=$(groff -ww -man -Tutf8 -z "$page" 2>&1)
	[ -z "$out" ] || bad "groff -ww $page:"$'\n'"$out"
	echo "linted: $page"
done

# text PAGE: the page as a reader sees it, one word per line.
text() {
	# Overstrike (bold, underline) is "c BS c" and "_ BS c": keep the c.
	mandoc -Tascii "$1" 2>/dev/null | sed 's/.\x08//g' | tr -s ' \t' '\n\n'
}

# has WORDLIST PAGE WHAT: every word of WORDLIST appears in PAGE.
has() {
	local w missing=()
	for w in $1; do
		grep -qxF -- "$w" <<<"$WORDS" || grep -qwF -- "$w" <<<"$WORDS" ||
			missing+=("$w")
	done
	[ ${#missing[@]} -eq 0 ] || bad "$2 does not mention $3: ${missing[*]}"
}

if [ -f "$O/man/multipathd.8" ]; then
	WORDS=$(text "$O/man/multipathd.8")
	# The keywords of the command tree; DEV, MAP, FORMAT are arguments.
	cmds=$(grep -o '\.word = "[a-z][a-z]*"' multipathd/cli-parse.c |
	       sed 's/.*"\(.*\)"/\1/' | sort -u)
	[ -n "$cmds" ] || bad "no command words found in multipathd/cli-parse.c"
	has "$cmds" multipathd.8 "these command words"
	opts=$(sed -n 's/.*getopt(argc, argv, "+\([^"]*\)").*/\1/p' multipathd/main.c |
	       tr -d ':' | sed 's/./-& /g')
	[ -n "$opts" ] || bad "no getopt string found in multipathd/main.c"
	has "$opts" multipathd.8 "these options"
	echo "multipathd.8: $(wc -w <<<"$cmds") command words, options: $opts"
fi

if [ -f "$O/man/multipath.conf.5" ]; then
	WORDS=$(text "$O/man/multipath.conf.5")
	kws=$(sed -n 's/^[[:space:]]*{ "\([a-z_]*\)", KW_.*/\1/p' multipathd/config-parse.c |
	      sort -u)
	[ -n "$kws" ] || bad "no keywords found in multipathd/config-parse.c"
	has "$kws" multipath.conf.5 "these keywords"
	echo "multipath.conf.5: $(wc -w <<<"$kws") keywords"
fi

[ $status -eq 0 ] && echo "PASS"
exit $status
