#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 900
#
# Hibernation of a Linux guest with the SDEI test module, 2 vCPUs, at EL1
# and at EL2 (--nested, VHE): the guest (512 MiB, a 256 MiB swap disk, vda)
# loads the module (events 300 shared, 100 private), takes host signals of
# 300 and of 100 on each vCPU, writes a file of random bytes into its
# initramfs root (RAM), and hibernates (echo disk > /sys/power/state): its
# SDEI client unregisters its events (freeze), the image goes to vda, the
# guest powers off and lkvm exits 0. A second lkvm run, a fresh lkvm that
# knows nothing of the first one's events, boots the same kernel with
# lkvm.resume: the image is restored and the hibernated kernel goes on; its
# SDEI client's restore callback resets the firmware and registers and
# enables both events again (lkvm sdei status shows them registered,
# enabled, on each vCPU for 100), host signals reach the handlers on every
# vCPU (the module's counts go on from where they were), and the file is
# there, byte for byte. Metrics: hibernate (command to lkvm's exit) and
# resume (lkvm start to the resumed kernel's first line) per mode.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

mkfifo "$W/console"
exec 3<>"$W/console"
summary=
opts="-k $LAB/l2/Image -i $LAB/l2/initrd.cpio.gz -m 512 -c 2 --sdei-event 300,shared --sdei-event 100 --loglevel info"

# count EVENT CPU: the module's count for EVENT on CPU (report, this run).
count() { report "$tag" "$1" "$2"; }

for mode in el1 el2; do
	flags=
	[ "$mode" = el2 ] && flags=--nested
	rm -f "$W/swap.img"
	dd if=/dev/zero of="$W/swap.img" bs=1M count=0 seek=256 2>/dev/null ||
		fail "$mode: cannot make the swap disk"

	# The first boot: events registered, signals taken, a file, hibernate.
	g=hib-$mode-$$
	tag=hib1-$mode
	ready=1
	# shellcheck disable=SC2086
	LKVM_STDIN=$W/console start_lkvm "$tag" run $opts --name "$g" $flags \
		-d "$W/swap.img" \
		-p "quiet lkvm.virtio lkvm.swap lkvm.sdei-test=300,100 lkvm.wait-cmd"
	wait_out "$tag" LKVM-GUEST-READY 300 || fail "$mode: the first boot never got ready"
	grep -a 'LKVM-GUEST-SWAP\|LKVM-GUEST-SDEI-TEST' "$W/$tag.out" | tr -d '\r' | sed "s/^/lab: $name: $mode: guest: /"
	has "$tag" out 'LKVM-GUEST-SWAP on' || fail "$mode: no swap: $(grep -a 'LKVM-GUEST-SWAP' "$W/$tag.out")"
	has "$tag" out 'LKVM-GUEST-SDEI-TEST loaded events=300,100' ||
		fail "$mode: the module did not load"
	signals before300 300 - 2
	signals before100c0 100 0 2
	signals before100c1 100 1 2
	command report
	b300=$(($(count 300 0) + $(count 300 1)))
	b100_0=$(count 100 0)
	b100_1=$(count 100 1)
	[ "$b300" = 2 ] && [ "$b100_0" = 2 ] && [ "$b100_1" = 2 ] ||
		fail "$mode: before hibernating: 300 taken $b300 of 2, 100 $b100_0 and $b100_1 of 2 on cpu0 and cpu1"
	guest_run "dd if=/dev/urandom of=/before bs=1k count=512 2>/dev/null && sha256sum /before" ||
		fail "$mode: writing /before failed"
	sum1=$(cut -d' ' -f1 "$W/run.out")
	[ -n "$sum1" ] || fail "$mode: no checksum of /before"

	hib_t=$(now)
	echo hibernate >&3
	wait_lkvm
	hib_s=$(calc "$t1 - $hib_t")
	[ "$rc" = 0 ] || fail "$mode: hibernating: lkvm exited $rc, expected 0 (the guest's poweroff)"
	metric "hibernate_$mode" "$hib_s" s

	# The second boot: a new lkvm resumes the image.
	g=hib-$mode-r-$$
	tag=hib2-$mode
	ready=1
	# shellcheck disable=SC2086
	LKVM_STDIN=$W/console start_lkvm "$tag" run $opts --name "$g" $flags \
		-d "$W/swap.img" -p "quiet lkvm.virtio lkvm.resume"
	res_t0=$t0
	wait_out "$tag" 'LKVM-GUEST-HIBERNATE back' 300 ||
		fail "$mode: the image was not resumed: $(grep -a 'LKVM-GUEST-RESUME\|PM: ' "$W/$tag.out" | tail -n 3 | tr -d '\r' | tr '\n' '|')"
	res_s=$(calc "$(now) - $res_t0")
	metric "resume_$mode" "$res_s" s
	wait_out "$tag" LKVM-GUEST-READY 60 || fail "$mode: the resumed guest did not ask for a command"
	grep -a 'LKVM-GUEST-HIBERNATE' "$W/$tag.out" | tr -d '\r' | sed "s/^/lab: $name: $mode: resumed: /"
	has "$tag" out 'LKVM-GUEST-HIBERNATE back rc=0' ||
		fail "$mode: the hibernation write failed: $(grep -a 'LKVM-GUEST-HIBERNATE' "$W/$tag.out" | tr -d '\r')"

	guest_run "sha256sum /before" || fail "$mode: /before is gone after resume"
	[ "$(cut -d' ' -f1 "$W/run.out")" = "$sum1" ] ||
		fail "$mode: /before changed across hibernation: $(cat "$W/run.out")"
	guest_run "cat /sys/devices/system/cpu/online" && [ "$(cat "$W/run.out")" = 0-1 ] ||
		fail "$mode: after resume the online CPUs are $(cat "$W/run.out")"

	# The restored kernel registered both events again with this lkvm.
	event_until 300 '"registered":true,"enabled":true' 60 ||
		fail "$mode: event 300 after resume: $(event_json "$W/status.json" 300)"
	for c in 0 1; do
		event_until "100:$c" '"registered":true,"enabled":true' 60 ||
			fail "$mode: event 100 on vCPU $c after resume: $(vcpu_entry "$W/status.json" 100 $c)"
	done
	signals after300 300 - 2
	signals after100c0 100 0 2
	signals after100c1 100 1 2
	command report
	a300=$(($(count 300 0) + $(count 300 1)))
	[ "$a300" = 4 ] && [ "$(count 100 0)" = 4 ] && [ "$(count 100 1)" = 4 ] ||
		fail "$mode: after resume the counts are 300 $a300, 100 $(count 100 0) and $(count 100 1), expected 4 each (2 before, 2 after)"
	echo poweroff >&3
	wait_lkvm
	[ "$rc" = 0 ] || fail "$mode: the resumed guest's poweroff: lkvm exited $rc"
	summary="$summary $mode hibernate ${hib_s}s resume ${res_s}s;"
done
exec 3>&-
pass "events 300 and 100 registered again after resume, signals reach them on both vCPUs, the file intact:$summary"
