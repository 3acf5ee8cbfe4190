# SPDX-License-Identifier: GPL-2.0-or-later
#
# scenarios.sh - the real-kernel tier's scenarios, one function each
# (sourced by main.sh; helpers in lib.sh). Path A is the scsi_debug disk
# with the lower H:C:T:L, B the other; faults are put on B, so that A
# keeps the map usable. Each returns non-zero at its first failed
# assertion; run_scenario restores the baseline before the next one.
#
# The fault knobs are those found to work on this kernel (Debian 6.1):
# a device set offline fails new opens with ENXIO and SG_IO on open fds
# with ENODEV; sg_start --stop on the sg node gives NOT READY 04/02;
# opts=2 with medium_error_start/count gives MEDIUM ERROR on READ of those
# blocks only (TUR passes); opts=4 with every_nth=1 drops every command
# (and must be turned off right after the check, or the error handler's
# own commands are dropped too and the disk goes offline); the host state
# "recovery" blocks open() and SG_IO until "running" and a device reset.

# --- a ----------------------------------------------------------------------------

scen_a() {
	local wa wb
	wa=$(cat "/sys/block/$A_DEV/device/wwid" 2>/dev/null)
	wb=$(cat "/sys/block/$B_DEV/device/wwid" 2>/dev/null)
	if [ -n "$wa" ] && [ "$wa" = "$wb" ]; then
		pass "$A_DEV and $B_DEV have one WWID: $wa"
	else
		fail "WWIDs differ or are missing: $A_DEV '$wa', $B_DEV '$wb'"
		return 1
	fi
	if dmsetup info "$MAP" >/dev/null 2>&1; then
		fail "$MAP exists before the test made it"
		return 1
	fi

	# The daemon first: it must find the map when it appears.
	T0=$(now_ms)
	start_daemon
	expect "path_is $A_DEV state up && path_is $B_DEV state up" 15 \
		"multipathd (pid $mpd_pid) started before the map: $A_DEV and $B_DEV up" || return 1
	path_is "$A_DEV" checker tur && path_is "$B_DEV" checker tur &&
		pass "the checker of SCSI disks is tur" ||
		{ fail "checker of $A_DEV is '$REPLY', want tur"; return 1; }
	path_is "$A_DEV" dm_state - && path_is "$B_DEV" dm_state - &&
		pass "no map yet: dm_state \"-\"" ||
		{ fail "dm_state of $A_DEV is '$REPLY' with no map"; return 1; }
	# No udevd here: the WWID comes from sysfs, in upstream's form.
	path_is "$A_DEV" wwid "3${wa#naa.}" && path_is "$B_DEV" wwid "3${wa#naa.}" &&
		pass "WWID of both paths as upstream's: 3${wa#naa.} (sysfs $wa)" ||
		{ fail "WWID of $A_DEV is '$REPLY', want 3${wa#naa.}"; return 1; }

	T0=$(now_ms)
	map_create "$A_DEVT" "$B_DEVT" || { fail "dmsetup create $MAP"; return 1; }
	refresh
	dm_is "$A_DEVT" A && dm_is "$B_DEVT" A ||
		{ fail "dmsetup status after create: $DMST"; return 1; }
	pass "dmsetup create $MAP -u $MAP_UUID over $A_DEVT $B_DEVT: both A in dmsetup status"
	expect "map_field $MAP uuid && [ \"\$REPLY\" = $MAP_UUID ] && mp_count $MAP 2 &&
		mp_is $MAP $A_DEVT dm_state active && mp_is $MAP $A_DEVT state up &&
		mp_is $MAP $B_DEVT dm_state active && mp_is $MAP $B_DEVT state up" 15 \
		"show maps json: $MAP ($MAP_UUID), $A_DEV and $B_DEV active and up" || return 1
	note "time from dmsetup create to show maps: $(secs $ELAPSED) s ($(target $ELAPSED 2))"
	expect "path_is $A_DEV map $MAP && path_is $A_DEV dm_state active &&
		path_is $B_DEV map $MAP && path_is $B_DEV dm_state active" 5 \
		"show paths json: both in $MAP, dm_state active"
}

# --- b ----------------------------------------------------------------------------

# mark_up DEV: T_UP := ELAPSED the first time DEV is seen up (for the
# "checker up to reinstated" time). Always true.
mark_up() {
	[ -z "$T_UP" ] && path_is "$1" state up && T_UP=$ELAPSED
	return 0
}

# up_note: the times of a path coming back, from mark_up and ELAPSED.
up_note() {
	local d=$((ELAPSED - ${T_UP:-0}))
	note "checker up after $(secs "${T_UP:-0}") s; checker up to reinstated: $(secs $d) s$(
		((d == 0)) && echo " (both seen in the same poll of 0.1 s)")"
}

scen_b() {
	T0=$(now_ms)
	dev_state B offline
	expect "path_is $B_DEV state down && path_is $B_DEV dm_state failed && dm_is $B_DEVT F" 15 \
		"$B_DEV offline: tur down, dm_state failed, F in dmsetup status" || return 1
	pf "$B_DEV" message
	note "$B_DEV: $REPLY; $(target $ELAPSED $((MAXPOLL + 1))) (max_polling_interval + 1)"
	path_is "$A_DEV" state up && dm_is "$A_DEVT" A && pass "$A_DEV still up and active" ||
		{ fail "$A_DEV affected: $REPLY, $DMST"; return 1; }

	T0=$(now_ms)
	T_UP=
	dev_state B running
	expect "mark_up $B_DEV; path_is $B_DEV state up && path_is $B_DEV dm_state active && dm_is $B_DEVT A" 15 \
		"$B_DEV running: tur up, dm_state active, A in dmsetup status" || return 1
	up_note
}

# --- c ----------------------------------------------------------------------------

scen_c() {
	local dm off bad=0 n0 t_fail line
	dm=$(map_dev) && [ -b "$dm" ] || { fail "no device node for $MAP"; return 1; }
	n0=$(wc -l <"$LOG")

	# Offline, then at once direct reads at several offsets: round-robin
	# sends some to B, they fail there, the kernel fails B itself and
	# retries them on A, all before B's next check (up to
	# max_polling_interval away) could see it.
	T0=$(now_ms)
	dev_state B offline
	for off in 0 64 128 192 256 320 384 448 512 576; do
		dd if="$dm" of=/dev/null bs=4096 count=1 skip=$off iflag=direct 2>>"$RUN/dd.err" ||
			bad=$((bad + 1))
	done
	t_fail=$(($(now_ms) - T0))
	[ $bad -eq 0 ] && pass "10 direct reads of $dm with $B_DEV offline all succeeded (retried on $A_DEV), $(secs $t_fail) s" ||
		{ fail "$bad of 10 direct reads of $dm failed: $(tail -n 2 "$RUN/dd.err")"; return 1; }
	refresh
	if dm_is "$B_DEVT" F; then
		pass "the kernel failed $B_DEV in $MAP on the I/O error: $DMST"
	else
		fail "$B_DEV not failed in the map after the reads: $DMST"
		return 1
	fi
	line=$(tail -n +$((n0 + 1)) "$LOG" | grep -m1 "$B_DEV: failed in map $MAP")
	[ -n "$line" ] &&
		note "multipathd logged, after the kernel had failed it: $line"

	T0=$(now_ms)
	T_UP=
	dev_state B running
	expect "mark_up $B_DEV; path_is $B_DEV state up && dm_is $B_DEVT A && path_is $B_DEV dm_state active" 15 \
		"$B_DEV running: reinstated with no operator action (A in dmsetup status)" || return 1
	up_note
	line=$(tail -n +$((n0 + 1)) "$LOG" | grep -m1 "$B_DEV: reinstated in map $MAP")
	if [[ $line == *"failed by the kernel, checker up" ]]; then
		pass "log: ${line#* }"
	else
		fail "no \"$B_DEV: reinstated in map $MAP: failed by the kernel, checker up\" in the log (got: '${line:-nothing}')"
		return 1
	fi
}

# --- d ----------------------------------------------------------------------------

# lp NAME DEV [ON_RESULT]: one check with tests/load-plugin, as multipathd
# would run it (asynchronously, checker_timeout CTO). LP_STATE, LP_MSG :=
# its result; LP_MS := ms until the result line was printed (stdout line
# buffered through coreutils' libstdbuf, so that the line is timed when
# it is written, not when the process exits); LP_EXIT_MS := ms until the
# process was gone (a read still in the kernel keeps it), empty if still
# there after 30 s; LP_ERR := its stderr. ON_RESULT is run as soon as the
# result line is there (to turn a fault off at once).
lp() {
	local name=$1 dev=$2 on=${3:-} t0 t out=$RUN/lp.out re
	: >"$out"
	LP_STATE= LP_MSG= LP_MS= LP_EXIT_MS=
	t0=$(now_ms)
	LD_PRELOAD=/usr/libexec/coreutils/libstdbuf.so _STDBUF_O=L \
		"$LP" -t "$CTO" "$PLUGINS" "$name" "$dev" >"$out" 2>"$RUN/lp.err" &
	LP_PID=$!
	for (( ; ; )); do
		t=$(($(now_ms) - t0))
		if [ -z "$LP_MS" ] && [ -s "$out" ]; then
			LP_MS=$t
			[ -n "$on" ] && eval "$on"
		fi
		proc_gone "$LP_PID" && { LP_EXIT_MS=$t; break; }
		((t > 30000)) && break
		sleep 0.02
	done
	[ -n "$LP_EXIT_MS" ] && wait "$LP_PID" 2>/dev/null
	[ -z "$LP_MS" ] && [ -s "$out" ] && LP_MS=$LP_EXIT_MS
	re="^$name: ([a-z]+) \((.*)\)$"
	[[ $(head -n 1 "$out") =~ $re ]] && LP_STATE=${BASH_REMATCH[1]} LP_MSG=${BASH_REMATCH[2]}
	LP_ERR=$(grep -v ': debug: ' "$RUN/lp.err" | tail -n 2 | tr '\n' ' ')
}

# lp_expect NAME DEV STATE_REGEX WHAT
lp_expect() {
	lp "$1" "$2"
	if [[ $LP_STATE =~ ^($3)$ ]]; then
		pass "$4: $1 $LP_STATE ($LP_MSG) in $(secs ${LP_MS:-0}) s"
	else
		fail "$4: $1 gave '${LP_STATE:-no result}' ($LP_MSG), want $3 [${LP_ERR}]"
	fi
}

# all_up WHAT: the three checkers report up on B.
all_up() {
	local c ok=0
	for c in tur readsector0 directio; do
		lp_expect $c "/dev/$B_DEV" up "$1" || ok=1
	done
	return $ok
}

# Wait (up to 20 s) until B answers TEST UNIT READY again: after a dropped
# command the error handler may still hold the device for a while.
b_settled() {
	local t0
	t0=$(now_ms)
	until sg_turs "/dev/$B_SG" >/dev/null 2>&1; do
		(($(now_ms) - t0 > 20000)) && { fail "$B_DEV does not answer TUR 20 s after the fault"; return 1; }
		sleep 0.2
	done
}

scen_d() {
	local c r=0 t0
	t0=$(now_ms)
	all_up "healthy" || return 1
	note "healthy: $(secs $(($(now_ms) - t0))) s"

	t0=$(now_ms)
	sg_start --stop "/dev/$B_SG" || { fail "sg_start --stop /dev/$B_SG"; return 1; }
	lp_expect tur "/dev/$B_DEV" down "not ready (sg_start --stop)" || r=1
	lp_expect readsector0 "/dev/$B_DEV" down "not ready (sg_start --stop)" || r=1
	lp directio "/dev/$B_DEV"
	note "not ready: directio ${LP_STATE:-no result} ($LP_MSG) (not asserted: a READ of a stopped unit is the block layer's to fail or retry)"
	sg_start --start "/dev/$B_SG" || { fail "sg_start --start /dev/$B_SG"; return 1; }
	all_up "not ready undone (sg_start --start)" || r=1
	note "not ready: $(secs $(($(now_ms) - t0))) s"
	[ $r -eq 0 ] || return 1

	t0=$(now_ms)
	sd_knob medium_error_start 0
	sd_knob medium_error_count 1
	sd_knob opts 2
	lp_expect readsector0 "/dev/$B_DEV" down "medium error on block 0 (opts=2)" || r=1
	lp_expect directio "/dev/$B_DEV" down "medium error on block 0 (opts=2)" || r=1
	lp_expect tur "/dev/$B_DEV" up "medium error on block 0 (opts=2), TUR unaffected" || r=1
	restore_knobs
	all_up "medium error undone" || r=1
	note "medium error: $(secs $(($(now_ms) - t0))) s"
	[ $r -eq 0 ] || return 1

	# An offline disk refuses new opens (ENXIO); the sg node opened with
	# O_NONBLOCK, as load-plugin and multipathd open, still opens, and its
	# SG_IO fails: tur and readsector0 are tried there. directio needs
	# the block device, which cannot be opened: multipathd, which holds
	# its fd from before, would see its O_DIRECT reopen fail instead.
	t0=$(now_ms)
	dev_state B offline
	lp_expect tur "/dev/$B_SG" down "transport: $B_DEV offline (on /dev/$B_SG)" || r=1
	lp_expect readsector0 "/dev/$B_SG" down "transport: $B_DEV offline (on /dev/$B_SG)" || r=1
	lp directio "/dev/$B_DEV"
	if [ -z "$LP_STATE" ] && [[ $LP_ERR == *"No such device or address"* ]]; then
		pass "transport: $B_DEV offline: /dev/$B_DEV cannot be opened for directio (ENXIO)"
	elif [ "$LP_STATE" = down ]; then
		pass "transport: $B_DEV offline: directio down ($LP_MSG)"
	else
		fail "transport: directio on /dev/$B_DEV gave '${LP_STATE:-no result}' ($LP_MSG) [$LP_ERR]"
		r=1
	fi
	dev_state B running
	all_up "transport undone (running)" || r=1
	note "transport: $(secs $(($(now_ms) - t0))) s"
	[ $r -eq 0 ] || return 1

	# Dropped commands: each check must report timeout at checker_timeout,
	# while its I/O is still in the kernel (the caller is not blocked);
	# opts goes back to 0 as soon as the result is there.
	for c in tur readsector0 directio; do
		t0=$(now_ms)
		sd_knob every_nth 1
		sd_knob opts 4
		lp $c "/dev/$B_DEV" "sd_knob opts 0; sd_knob every_nth 0"
		restore_knobs
		if [ "$LP_STATE" = timeout ] && ((LP_MS <= (CTO + 2) * 1000)); then
			pass "dropped command: $c timeout ($LP_MSG) after $(secs $LP_MS) s (checker_timeout $CTO s + 2 s)"
		else
			fail "dropped command: $c gave '${LP_STATE:-no result}' after $(secs ${LP_MS:-0}) s, want timeout within $((CTO + 2)) s [$LP_ERR]"
			r=1
		fi
		if [ -n "$LP_EXIT_MS" ]; then
			note "load-plugin exited after $(secs $LP_EXIT_MS) s (its dropped I/O ended in the kernel)"
		else
			note "load-plugin still there 30 s later (pid $LP_PID), its I/O in the kernel"
		fi
		b_settled || return 1
		lp_expect $c "/dev/$B_DEV" up "dropped command undone" || r=1
		note "dropped command, $c: $(secs $(($(now_ms) - t0))) s"
	done
	return $r
}

# --- e ----------------------------------------------------------------------------

scen_e() {
	T0=$(now_ms)
	map_reload "$A_DEVT" || { fail "dmsetup reload/resume $MAP with $A_DEV only"; return 1; }
	expect "mp_count $MAP 1 && mp_is $MAP $A_DEVT dm_state active &&
		path_is $B_DEV map '' && path_is $B_DEV dm_state - && path_is $B_DEV state up" 10 \
		"reloaded with $A_DEV only: show maps has 1 path, $B_DEV has map \"\", dm_state \"-\"" || return 1
	note "$(target $ELAPSED 2)"
	T0=$(now_ms)
	map_reload "$A_DEVT" "$B_DEVT" || { fail "dmsetup reload/resume $MAP with both"; return 1; }
	expect "mp_count $MAP 2 && mp_is $MAP $A_DEVT dm_state active && mp_is $MAP $B_DEVT dm_state active &&
		path_is $B_DEV map $MAP && path_is $B_DEV dm_state active" 10 \
		"reloaded with both: show maps has 2 paths, $B_DEV back in $MAP, active" || return 1
	note "$(target $ELAPSED 2)"
}

# --- i ----------------------------------------------------------------------------

# log_since N PATTERN: the first line after line N of the daemon's log
# that contains PATTERN, in REPLY; fails if there is none.
log_since() {
	REPLY=$(tail -n +$(($1 + 1)) "$LOG" | grep -m1 -F -- "$2")
	[ -n "$REPLY" ]
}

# The operator's fail holds against another tool; a path the kernel fails
# again right after its reinstatement is held off. "dmsetup message" plays
# the other tool, and the kernel (it is the kernel that changes the
# path's state either way, and multipathd learns of it from its event).
scen_i() {
	local n0 r t_hold

	n0=$(wc -l <"$LOG")
	T0=$(now_ms)
	r=$(mpd fail path "$B_DEV")
	[ "$r" = ok ] || { fail "fail path $B_DEV answered: $r"; return 1; }
	expect "dm_is $B_DEVT F && path_is $B_DEV operator_failed true && path_is $B_DEV dm_state failed" 5 \
		"fail path $B_DEV: F in the map, operator_failed" || return 1
	log_since "$n0" "$B_DEV: failed in map $MAP: failed by the operator" &&
		pass "log: ${REPLY#* }" || { fail "no 'failed by the operator' line"; return 1; }

	# Someone else reinstates it: the operator said failed, so it is again.
	T0=$(now_ms)
	dmsetup message "$MAP" 0 reinstate_path "$B_DEVT" ||
		{ fail "dmsetup message reinstate_path"; return 1; }
	expect "log_since $n0 '$B_DEV: reinstated in map $MAP, not by multipathd' && dm_is $B_DEVT F" 5 \
		"reinstated by another tool: multipathd fails it again (the operator's fail holds)" || return 1
	T0=$(now_ms)
	r=$(mpd reinstate path "$B_DEV")
	[ "$r" = ok ] || { fail "reinstate path $B_DEV answered: $r"; return 1; }
	expect "dm_is $B_DEVT A && path_is $B_DEV operator_failed false && path_is $B_DEV dm_state active" 5 \
		"reinstate path $B_DEV: A in the map" || return 1
	log_since "$n0" "$B_DEV: reinstated in map $MAP: failed by the operator, checker up" &&
		pass "log: ${REPLY#* }" || { fail "no 'reinstated ... failed by the operator' line"; return 1; }

	# Failed by the kernel moments after that reinstatement: a flap, held
	# off polling_interval << 1 = 2 s (at most max_polling_interval, 2 s),
	# then reinstated, the log saying who had failed it.
	n0=$(wc -l <"$LOG")
	T0=$(now_ms)
	dmsetup message "$MAP" 0 fail_path "$B_DEVT" || { fail "dmsetup message fail_path"; return 1; }
	expect "log_since $n0 '$B_DEV: failed again in map $MAP by the kernel'" 5 \
		"failed again right after its reinstatement: flapping noticed" || return 1
	pass "log: ${REPLY#* }"
	T0=$(now_ms)
	expect "dm_is $B_DEVT A" 10 "reinstated once the hold-off passed" || return 1
	t_hold=$ELAPSED
	((t_hold >= 1500)) && pass "it stayed failed $(secs $t_hold) s (hold-off 2 s)" ||
		{ fail "reinstated after $(secs $t_hold) s, within the 2 s hold-off"; return 1; }
	log_since "$n0" "$B_DEV: reinstated in map $MAP: failed by the kernel, checker up" &&
		pass "log: ${REPLY#* }" || { fail "no 'failed by the kernel, checker up' line"; return 1; }
}

# --- f ----------------------------------------------------------------------------

scen_f() {
	T0=$(now_ms)
	dmsetup remove "$MAP" || { fail "dmsetup remove $MAP"; return 1; }
	expect "map_unlisted $MAP && path_is $A_DEV dm_state - && path_is $B_DEV dm_state - &&
		path_is $A_DEV map '' && path_is $B_DEV map ''" 10 \
		"$MAP removed: gone from show maps, both paths in no map" || return 1
	note "$(target $ELAPSED 3)"
	daemon_alive || { fail "multipathd gone after the map was removed"; return 1; }
	# Still monitored: both checked again after the removal.
	pf "$A_DEV" checks
	local ca=$REPLY
	pf "$B_DEV" checks
	local cb=$REPLY
	T0=$(now_ms)
	expect "pf $A_DEV checks && ((REPLY > ca)) && pf $B_DEV checks && ((REPLY > cb)) &&
		path_is $A_DEV state up && path_is $B_DEV state up" 10 \
		"multipathd alive, both paths still checked and up" || return 1

	T0=$(now_ms)
	map_create "$A_DEVT" "$B_DEVT" || { fail "dmsetup create $MAP again"; return 1; }
	expect "mp_count $MAP 2 && mp_is $MAP $A_DEVT dm_state active && mp_is $MAP $B_DEVT dm_state active" 10 \
		"created again: $MAP back in show maps with both paths active" || return 1
}

# --- g ----------------------------------------------------------------------------

scen_g() {
	local del_pid hctl=$B_HCTL host=$B_HOST old=$B_DEV olddevt=$B_DEVT t0 rc
	# Every command takes 1 s (delay is in jiffies, HZ=250), so that a
	# check of B is surely in flight when B is deleted.
	sd_knob delay 250
	T0=$(now_ms)
	expect "path_is $B_DEV pending true" 10 "a check of $B_DEV in flight (scsi_debug delay 1 s)" ||
		{ restore_knobs; return 1; }
	t0=$(now_ms)
	echo 1 >"/sys/class/scsi_device/$hctl/device/delete" &
	del_pid=$!
	T0=$(now_ms)
	wait $del_pid
	rc=$?
	restore_knobs
	[ $rc -eq 0 ] && pass "$old deleted mid-check; the delete took $(secs $(($(now_ms) - t0))) s" ||
		{ fail "echo 1 > .../$hctl/device/delete failed"; return 1; }
	T0=$t0
	expect "gone $old && path_is $A_DEV state up" 10 \
		"$old gone from show paths, $A_DEV still up, from the delete" || return 1
	daemon_alive && pass "multipathd alive" || { fail "multipathd died after the delete"; return 1; }
	refresh
	note "the map keeps the deleted disk ($olddevt): $DMST"

	T0=$(now_ms)
	echo "- - -" >"/sys/class/scsi_host/host$host/scan" || { fail "rescan of host$host"; return 1; }
	until resolve B "$hctl"; do
		(($(now_ms) - T0 > 10000)) && { fail "$hctl not back 10 s after the rescan"; return 1; }
		sleep 0.1
	done
	echo "$SD_TIMEOUT" >"/sys/block/$B_DEV/device/timeout"
	expect "path_is $B_DEV state up" 15 "rescan: $hctl back as $B_DEV ($B_DEVT; was $old, $olddevt), up in show paths"
}

# --- h ----------------------------------------------------------------------------

scen_h() {
	local first= checks0= t worker r rc exited= ok=1
	T0=$(now_ms)
	host_state B recovery
	# A check of B that hangs: pending, with the same check count, for
	# more than 1 s.
	for (( ; ; )); do
		refresh
		t=$(now_ms)
		if path_is "$B_DEV" pending true && pf "$B_DEV" checks; then
			if [ -z "$first" ] || [ "$REPLY" != "$checks0" ]; then
				first=$t checks0=$REPLY
			elif ((t - first > 1000)); then
				break
			fi
		else
			first=
		fi
		((t - T0 > 15000)) && { fail "no check of $B_DEV pending for 1 s within 15 s of host$B_HOST recovery"; break; }
		sleep 0.1
	done
	if [ -n "$first" ] && ((t - first > 1000)); then
		pass "a check of $B_DEV hangs (host$B_HOST in recovery): pending for $(secs $((t - first))) s"
		worker=$(worker_of "$mpd_pid")
		T0=$(now_ms)
		r=$(mpd shutdown)
		for (( ; ; )); do
			t=$(($(now_ms) - T0))
			proc_gone "$mpd_pid" && { exited=$t; break; }
			((t > 10000)) && break
			sleep 0.02
		done
		if [ -n "$exited" ]; then
			wait "$mpd_pid"
			rc=$?
			mpd_pid=
			if ((exited <= 1000)) && [ $rc -eq 0 ]; then
				ok=0
				pass "shutdown ('$r') with a hung check: the supervisor exited with status 0 after $(secs $exited) s (limit 1 s)"
			else
				fail "shutdown ('$r') with a hung check: the supervisor exited with status $rc after $(secs $exited) s (want 0 within 1 s)"
			fi
		else
			fail "shutdown ('$r') with a hung check: the supervisor (pid $mpd_pid) still there after 10 s"
		fi
	fi

	# Release: running first, then a device reset wakes the waiters.
	host_state B running
	sg_reset -d "/dev/$B_SG" >/dev/null 2>&1 || note "sg_reset -d /dev/$B_SG failed"
	if [ -n "${worker:-}" ]; then
		t=$(now_ms)
		while ! proc_gone "$worker"; do
			(($(now_ms) - t > 10000)) && { fail "the worker (pid $worker) still there 10 s after the release"; return 1; }
			sleep 0.05
		done
		note "the worker (pid $worker) gone $(secs $(($(now_ms) - t))) s after the release"
	fi
	return $ok
}
