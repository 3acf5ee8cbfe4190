#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs the benchmarks and writes bench/REPORT.md: the machine, the date, a
# summary of the targets, each figure's table, and bench/scale.png (CPU and
# memory of multipathd against the number of paths, drawn with gnuplot).
# Figures are medians of several runs with min and max; nothing here
# asserts a time. BENCH_QUICK=1 runs fewer rounds and sizes (trying things
# out; the report says so). About 15 minutes in full.
#
# Figures that need root, loop devices or FUSE say "Skipped: reason"
# instead when the machine cannot run them.
set -euo pipefail
cd "$(dirname "$0")/.."
O=${O:-.}
report=bench/REPORT.md
plot=bench/scale.png
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ "${BENCH_QUICK:-0}" = 1 ]; then
	ROUNDS=3 RUNS=1 SIZES="0 1000 10000" TRIALS=5 SHUT_RUNS=2
else
	ROUNDS=7 RUNS=3 SIZES="0 1000 2500 5000 10000" TRIALS=20 SHUT_RUNS=5
fi
daemon_bench() {
	"$O/bench/bench-daemon" "$O/bench/multipathd-bench" "$O/bench/plugins" "$@"
}

section() {
	printf '\n## %s\n\n' "$1"
}

# The figures, in the order of the report; each program prints markdown.
{
	section "1. Dispatch: the framework's own cost per check"
	echo "\`bench/bench-dispatch\`: a synchronous check of a plugin whose check"
	echo "returns at once, through the framework and called directly."
	echo
	"$O/bench/bench-dispatch" "$O/bench/plugins" "$ROUNDS"

	section "2. Asynchronous checks: executor versus thread per check"
	echo "\`bench/bench-async\`: rounds of starting N asynchronous checks and"
	echo "collecting their results; CPU time (user + system, all threads) per check."
	echo
	"$O/bench/bench-async" "$O/bench/plugins" 5
	cat <<'TEXT'

Findings:

- For checks that return at once, the executor costs about 1 to 2.5 us of
  CPU per check against about 18 to 21 us for a thread per check: the
  target (at most a fifth) is met. A burst of checks is drained by one or
  two workers; more are woken only when a queued job has waited 1 ms.
- For checks that block 1 ms the target is **missed** (about 3x, not 5x).
  The cause is the check itself: sleeping 1 ms and being woken costs this
  VM several microseconds of kernel CPU per check whoever runs it (column
  "the check itself", 64 plain threads with no framework), and that cost is
  in both columns. A thread per check adds its creation and exit on top.
  The executor's own share is the difference between its column and the
  check itself.
- Earlier, the pool woke a worker for every queued job and grew to 64
  workers on two cores: 14 to 17 us per quick check, slower than a thread
  per check. Growing on evidence of a backlog fixed that.
TEXT

	section "3. Real devices: directio on 64 loop devices"
	"$O/bench/bench-directio" "$O/libmultipath/checkers" 50
	cat <<'TEXT'

Findings: asynchronous checking costs about a quarter of the CPU of
synchronous checking per check, and a round takes a quarter of the time,
because the 64 reads are in flight together. The synchronous CPU figure
varies by about 1.5x between runs with the CPU the program runs on: one
of the two CPUs takes the disk's interrupts, and this kernel charges
interrupt time to whatever runs there.
TEXT

	section "4. multipathd at scale"
	echo "\`bench/bench-daemon\` runs \`bench/multipathd-bench\`: multipathd's own"
	echo "objects plus bench/synthetic-paths.c, which gives it N synthetic paths"
	echo "(each holds /dev/null open as its device) checked by the bexec0 plugin,"
	echo "whose check returns at once, so what is measured is the daemon and the"
	echo "framework. polling_interval 5 and max_polling_interval 5: every path is"
	echo "checked every 5 s (the default max_polling_interval, 20 s here, would"
	echo "check a healthy path four times less often)."
	echo
	echo "### All paths found at once (their checks fall due together)"
	echo
	daemon_bench scale "$RUNS" $SIZES -o "$work/scale.dat"
	echo
	echo "![CPU and memory of multipathd against the number of paths](scale.png)"
	echo
	echo "### Paths found at different times (their checks spread over the interval)"
	echo
	daemon_bench scale "$RUNS" 10000 -spread
	echo
	echo "### Wake-ups while nothing is due"
	echo
	daemon_bench idle "$RUNS" 10000
	cat <<'TEXT'

Findings:

- The first measurement of paths whose checks fall due at spread-out
  moments (as paths found at different times do) cost 23 % of a core at
  10,000 paths, against 0.4 % when all were due together: every check woke
  the event loop on its own, each wake-up walked the path table (three
  times), and each woke executor workers. Now the loop starts every check
  due within a fifth of its interval (at most 1 s) together, a little
  early, walks the table only when a check is due, and keeps the checks in
  flight in their own array; the spread case costs about what the
  bunched one does.
- Memory: a path costs its struct path (536 bytes: device facts,
  settings, the last message, the map name), the checker's per-path record
  (112 bytes, with the executor's job and its copy of the checker), their
  malloc headers, two pointers in the path table and the in-flight array,
  and an open descriptor (kernel memory, not counted here). The fixed part
  includes the executor's workers, which the first round of checks may
  start (idle ones exit after 30 s), so the cost per added path is the
  better guide.
- Wake-ups: the window above starts a second after the first round of
  checks. The executor's workers that round started exit 30 s after their
  last job: one wake-up each, once (64 at most). After that the daemon is
  a single thread that nothing wakes (watched for 40 s more at 10,000
  paths: no context switch at all).
- `show paths` formats the whole table in the event loop, between two
  events: at 10,000 paths that is a few milliseconds, during which checks
  wait; nothing else does.
TEXT

	section "5. Detection latency: EIO on a loop device until \`show paths\` says down"
	TRIALS=$TRIALS O=$O bench/bench-detect.sh

	section "6. Shutdown with hung checks"
	daemon_bench shutdown "$SHUT_RUNS" 1000
} >"$work/body.md"

# The plot: CPU (left axis) and memory (right axis) against paths.
plot_note=
if command -v gnuplot >/dev/null && [ -s "$work/scale.dat" ]; then
	gnuplot <<EOF
set terminal pngcairo size 900,540 font ",11" noenhanced
set output "$work/scale.png"
set title "multipathd, polling_interval 5: CPU and resident memory against paths"
set xlabel "paths"
set ylabel "CPU time per second, % of one core"
set y2label "resident memory, MiB"
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set key top left
set grid
plot "$work/scale.dat" using 1:2 axes x1y1 with linespoints lw 2 title "CPU, % of one core", \
     "$work/scale.dat" using 1:3 axes x1y2 with linespoints lw 2 title "resident memory, MiB"
EOF
	mv "$work/scale.png" "$plot"
else
	plot_note="The plot was not redrawn: gnuplot is missing (scripts/install-deps.sh installs gnuplot-nox)."
fi

{
	echo "# Benchmark report"
	echo
	echo "Written by \`make bench\` on $(date -u '+%Y-%m-%d %H:%M UTC')${BENCH_QUICK:+ (BENCH_QUICK=1: fewer runs)}."
	echo
	echo "- CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
	echo "- cores: $(nproc)"
	echo "- memory: $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
	echo "- kernel: $(uname -r)"
	echo "- build: $(${CC:-cc} --version | head -1), CFLAGS as in the Makefile"
	echo
	echo "Every figure is the median of several runs, with the minimum and maximum"
	echo "in brackets: median (min-max). Nothing here is asserted by a test."
	[ -n "$plot_note" ] && { echo; echo "$plot_note"; }
	echo
	echo "## Targets"
	echo
	grep '^Target' "$work/body.md" | sed 's/^Target: */- /; s/^Target */- /'
	grep -q '^Skipped' "$work/body.md" &&
		grep '^Skipped' "$work/body.md" | sed 's/^/- not measured: /'
	cat "$work/body.md"
} >"$work/report.md"
chmod 644 "$work/report.md"
mv "$work/report.md" "$report"
cat "$report"
