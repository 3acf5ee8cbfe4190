# SPDX-License-Identifier: GPL-2.0-or-later
#
# main.sh - the payload of the real-kernel tier, run by /init under bash
# as root in the guest: two SCSI paths to one LUN from scsi_debug, a
# dm-multipath map over them, multipathd watching both; then the
# scenarios of scenarios.sh, in order (h, which stops the daemon, last).
#
# Exit status: 0 when every assertion passed, 1 otherwise. The last line
# is "N passed, N failed" (assertions), after the list of scenarios.
#
# Environment (from /init): MPATH_TIER_ONLY=a,c runs only those scenarios.
set -u
. /payload/lib.sh
. /payload/scenarios.sh

T_START=$(now_ms)
# /init's time limit: say where we were, stop the daemon, exit 143.
trap 'echo "main: SIGTERM (time limit) during scenario ${CUR_SCEN:-setup}"; dump_context; stop_daemon; exit 143' TERM

echo "guest: kernel $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo) MiB," \
	"booted in $(cut -d' ' -f1 /proc/uptime) s"
mkdir -p "$RUN"
write_conf

# --- the two paths -------------------------------------------------------------
#
# One scsi_debug LUN behind two hosts: with vpd_use_hostno=0 both disks
# report the same VPD 0x83 identifier, i.e. the same WWID, as two paths to
# one LUN do. 16 MiB is plenty: nothing is written.

setup() {
	local T0 hctls n
	T0=$(now_ms)
	modprobe scsi_debug add_host=2 num_tgts=1 max_luns=1 vpd_use_hostno=0 dev_size_mb=16 ||
		{ fail "setup: modprobe scsi_debug"; return 1; }
	# The disks are probed asynchronously.
	for (( ; ; )); do
		hctls=($(scsi_debug_hctls))
		n=${#hctls[@]}
		[ "$n" -ge 2 ] && resolve A "${hctls[0]}" && resolve B "${hctls[1]}" && break
		(($(now_ms) - T0 > 15000)) && { fail "setup: $n scsi_debug disks after 15 s (want 2)"; return 1; }
		sleep 0.1
	done
	# directio's reads and I/O through the map use the disk's own timeout
	# (30 s by default): short, so that a dropped command costs seconds.
	echo "$SD_TIMEOUT" >"/sys/block/$A_DEV/device/timeout"
	echo "$SD_TIMEOUT" >"/sys/block/$B_DEV/device/timeout"
	save_knobs
	echo "setup: scsi_debug paths after $(secs $(($(now_ms) - T0))) s:" \
		"A = $A_HCTL $A_DEV ($A_DEVT, $A_SG), B = $B_HCTL $B_DEV ($B_DEVT, $B_SG);" \
		"ALUA access_state $(cat /sys/class/scsi_device/$A_HCTL/device/access_state 2>/dev/null || echo -)" \
		"/ $(cat /sys/class/scsi_device/$B_HCTL/device/access_state 2>/dev/null || echo -)," \
		"handler $(cat /sys/class/scsi_device/$A_HCTL/device/dh_state 2>/dev/null || echo -)"
}

if setup; then
	run_scenario a "two paths with one WWID; multipathd first, then dmsetup create" scen_a nomap
	run_scenario b "tur on a real path: offline -> failed in the map, running -> reinstated" scen_b map
	run_scenario c "the kernel fails a path on an I/O error; multipathd reinstates it" scen_c map
	run_scenario d "checker fault matrix on a real SCSI path (load-plugin)" scen_d map
	run_scenario e "map reloaded without a path, then with it again" scen_e map
	run_scenario f "map removed while monitored, then created again" scen_f map
	run_scenario g "a SCSI device deleted while its check runs; rescan" scen_g map
	run_scenario i "the operator's fail holds; a path failed again at once is held off" scen_i map
	run_scenario h "shutdown with a hung check" scen_h map
fi
stop_daemon

echo
echo "scenarios passed: ${SCEN_PASSED[*]:-none}; failed: ${SCEN_FAILED[*]:-none}" \
	"(payload $(secs $(($(now_ms) - T_START))) s)"
echo "$PASS_N passed, $FAIL_N failed"
[ $FAIL_N -eq 0 ]
