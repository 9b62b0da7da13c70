#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 300
#
# Reboots inside the Linux guest with --reboot=restart, 2 vCPUs: two at
# EL1 (three boots, then poweroff), one at EL2 (--nested, VHE). Each boot takes cpu1 offline and online again
# (lkvm.hotplug: SDEI's hotplug callbacks PE_MASK and PE_UNMASK it). The
# guest's init (lkvm.wait-cmd) then reads a
# command from the console, which this scenario types through a FIFO:
# "reboot" on the first boot, "poweroff" on the second. Checks: the first
# kernel's SDEI client probes ("sdei: SDEIv1.1 (0x0) detected in
# firmware.", no other sdei: line), its reboot notifier runs the resets
# (lkvm's debug log: PRIVATE_RESET on each vCPU and SHARED_RESET, for the
# probe and again for the reboot, before lkvm restarts the guest), lkvm
# boots the guest again in a new VM, the second kernel probes SDEI again,
# and lkvm exits 0 at the final poweroff.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

# count TAG TEXT PART: lines of TAG's stderr holding TEXT, before (PART 1)
# or after (PART 2) lkvm's "restarting it" line.
count() {
	awk -v t="$2" -v p="$3" '/restarting it \(boot 2\)/ { part = 1 }
		index($0, t) && (p == 1) == !part { n++ }
		END { print n + 0 }' "$W/$1.err"
}

mkfifo "$W/console"
exec 3<>"$W/console"
for mode in el1 el2; do
	flags=
	el=EL1
	if [ "$mode" = el2 ]; then
		flags=--nested
		el=EL2
	fi
	tag=reboot-$mode
	# shellcheck disable=SC2086
	LKVM_STDIN=$W/console start_lkvm "$tag" run -k "$LAB/l2/Image" \
		-i "$LAB/l2/initrd.cpio.gz" -m 256 -c 2 $flags --reboot=restart \
		--loglevel debug -p "quiet lkvm.hotplug lkvm.wait-cmd"
	# At EL1 the guest reboots twice (three boots), at EL2 once.
	boots=3
	[ "$mode" = el2 ] && boots=2
	b=1
	while [ "$b" -lt "$boots" ]; do
		wait_out "$tag" LKVM-GUEST-READY 180 "$b" ||
			fail "$mode: boot $b never asked for a command"
		echo reboot >&3
		b=$((b + 1))
	done
	wait_out "$tag" LKVM-GUEST-READY 180 "$boots" ||
		fail "$mode: no boot $boots after the reboots"
	echo poweroff >&3
	wait_lkvm
	metric "${mode}_lkvm_wall" "$wall" s
	grep -a 'LKVM-GUEST-\|sdei' "$W/$tag.out" | tr -d '\r' | sed "s/^/lab: $name: guest: /"
	[ "$rc" = 0 ] || fail "$mode: lkvm exited $rc"
	has "$tag" err 'restarting it (boot 2)' ||
		fail "$mode: lkvm did not restart the guest"
	n=$(grep -ac 'restarting it (boot ' "$W/$tag.err")
	[ "$n" = $((boots - 1)) ] || fail "$mode: lkvm restarted the guest $n times, expected $((boots - 1))"
	has "$tag" err 'guest reset (vCPU' || fail "$mode: no PSCI reset logged"
	n=$(grep -a '^LKVM-GUEST-DMESG ' "$W/$tag.out" |
		grep -cF "CPU: All CPU(s) started at $el")
	[ "$n" = "$boots" ] || fail "$mode: $n boots say 'started at $el', expected $boots"
	n=$(grep -a '^LKVM-GUEST-DMESG ' "$W/$tag.out" |
		grep -cF 'sdei: SDEIv1.1 (0x0) detected in firmware.')
	[ "$n" = "$boots" ] || fail "$mode: $n boots detected SDEI, expected $boots"
	if grep -a '^LKVM-GUEST-DMESG .*sdei:' "$W/$tag.out" |
		grep -vF 'detected in firmware' >"$W/sdei-bad"; then
		fail "$mode: the guest says: $(head -n 1 "$W/sdei-bad" | tr -d '\r')"
	fi
	# cpu1 offline and online again in each boot, through SDEI's hotplug
	# callbacks: PE_MASK on the way down, PE_UNMASK on the way up.
	n=$(grep -ac '^LKVM-GUEST-HOTPLUG PASS ' "$W/$tag.out")
	[ "$n" = "$boots" ] || fail "$mode: cpu1 off/on passed in $n boots, expected $boots: $(grep -a '^LKVM-GUEST-HOTPLUG' "$W/$tag.out" | head -n 1 | tr -d '\r')"
	[ "$(count "$tag" 'vCPU 1: SDEI PE_MASK' 1)" -ge 1 ] &&
		[ "$(count "$tag" 'vCPU 1: SDEI PE_UNMASK' 1)" -ge 2 ] ||
		fail "$mode: no PE_MASK and PE_UNMASK of vCPU 1 around its hotplug"
	# Probe (one per vCPU, one shared) and reboot notifier: twice that.
	p1=$(count "$tag" 'SDEI PRIVATE_RESET' 1)
	s1=$(count "$tag" 'SDEI SHARED_RESET' 1)
	p2=$(count "$tag" 'SDEI PRIVATE_RESET' 2)
	s2=$(count "$tag" 'SDEI SHARED_RESET' 2)
	echo "lab: $name: $mode: PRIVATE_RESET $p1 and SHARED_RESET $s1 before the restart, $p2 and $s2 after"
	[ "$p1" -ge 4 ] && [ "$s1" -ge 2 ] ||
		fail "$mode: before the restart PRIVATE_RESET $p1 (want 4: probe and reboot on 2 vCPUs), SHARED_RESET $s1 (want 2)"
	[ "$p2" -ge 2 ] && [ "$s2" -ge 1 ] ||
		fail "$mode: the second boot's probe: PRIVATE_RESET $p2, SHARED_RESET $s2"
	if grep -a 'SDEI .*RESET.* = ' "$W/$tag.err" | grep -v '= 0x0$' >"$W/reset-bad"; then
		fail "$mode: a reset failed: $(head -n 1 "$W/reset-bad")"
	fi
done
exec 3>&-
pass "EL1 and EL2: SDEI resets at reboot (before the restart: $p1 PRIVATE_RESET, $s1 SHARED_RESET at EL2), probed again after it, exit 0"
