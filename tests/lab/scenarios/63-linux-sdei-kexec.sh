#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 300
#
# kexec into a second kernel with the SDEI test module, 2 vCPUs, at EL1 and
# at EL2 (--nested, VHE), events 300 (shared) and 100 (private): the first
# kernel loads the module and takes 3 host signals of 300 (on whichever
# vCPU lkvm gives them); then it kexecs (the guest's "kexec" command: the
# same Image, the plain initramfs, which holds the module too); its reboot
# notifier runs SDEI's resets: the guest itself sees them (the module's
# notifier, run after the SDEI client's, reads EVENT_STATUS 0 for both
# events), and lkvm's debug log has PRIVATE_RESET on each vCPU and
# SHARED_RESET again; the second kernel probes SDEI cleanly ("detected in
# firmware", no other sdei line), finds both events unregistered before
# it registers them (EVENT_STATUS 0), loads the module again (its
# registrations succeed: nothing stale was left registered), and takes 3
# signals of 300 and 2 of 100 on cpu1.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

# The first kernel's initramfs, with kexec and /Image (lib.sh).
kexec_initrd "$W/initrd"

mkfifo "$W/console"
exec 3<>"$W/console"
for mode in el1 el2; do
	flags=
	[ "$mode" = el2 ] && flags=--nested
	g=sdei-kexec-$mode-$$
	tag=kx-$mode
	ready=1
	# shellcheck disable=SC2086
	LKVM_STDIN=$W/console start_lkvm "$tag" run -k "$LAB/l2/Image" \
		-i "$W/initrd" -m 512 -c 2 --name "$g" $flags \
		--sdei-event 300,shared --sdei-event 100 --loglevel debug \
		-p "quiet lkvm.sdei-test=300,100 lkvm.wait-cmd"
	wait_out "$tag" LKVM-GUEST-READY 180 || fail "$mode: the first kernel never got ready"
	has "$tag" out 'LKVM-GUEST-SDEI-TEST loaded events=300,100' ||
		fail "$mode: the module did not load in the first kernel"
	signals first 300 - 3
	command report
	[ $(($(report "$tag" 300 0) + $(report "$tag" 300 1))) = 3 ] ||
		fail "$mode: the first kernel took $(report "$tag" 300 0) + $(report "$tag" 300 1) of 3 signals"
	# The second kernel's report starts from the module's reload.
	from=$(lines "$W/$tag.out")

	p1=$(grep -ac 'SDEI PRIVATE_RESET' "$W/$tag.err")
	s1=$(grep -ac 'SDEI SHARED_RESET' "$W/$tag.err")
	echo kexec >&3
	ready=$((ready + 1))
	wait_out "$tag" LKVM-GUEST-READY 180 "$ready" || fail "$mode: the second kernel never got ready: $(grep -a 'LKVM-GUEST-KEXEC' "$W/$tag.out" | tr -d '\r')"
	grep -a 'LKVM-GUEST-KEXEC\|sdei' "$W/$tag.out" | tr -d '\r' | sed "s/^/lab: $name: guest: /"
	# What the guest saw first of the firmware's state across the kexec.
	tail -n +"$from" "$W/$tag.out" | tr -d '\r' >"$W/second.out"
	for e in 300 100; do
		grep -qF "sdei_test: after the reboot notifiers: event $e status 0" "$W/second.out" ||
			fail "$mode: at the kexec, event $e: $(grep -a "after the reboot notifiers: event $e " "$W/second.out" | head -n 1)"
		grep -qF "sdei_test: event $e status 0 before register" "$W/second.out" ||
			fail "$mode: the second kernel found event $e: $(grep -a "sdei_test: event $e status" "$W/second.out" | head -n 1)"
	done
	# The first kernel's kexec path and the second kernel's probe.
	p2=$(grep -ac 'SDEI PRIVATE_RESET' "$W/$tag.err")
	s2=$(grep -ac 'SDEI SHARED_RESET' "$W/$tag.err")
	[ $((p2 - p1)) -ge 4 ] && [ $((s2 - s1)) -ge 2 ] ||
		fail "$mode: across the kexec PRIVATE_RESET $((p2 - p1)) (want 4: reboot notifier and probe on 2 vCPUs), SHARED_RESET $((s2 - s1)) (want 2)"
	n=$(grep -a '^LKVM-GUEST-DMESG ' "$W/$tag.out" | grep -cF 'sdei: SDEIv1.1 (0x0) detected in firmware.')
	[ "$n" = 2 ] || fail "$mode: $n kernels detected SDEI, expected 2"
	if grep -a '^LKVM-GUEST-DMESG .*sdei:' "$W/$tag.out" |
		grep -vF 'detected in firmware' >"$W/sdei-bad"; then
		fail "$mode: a kernel says: $(head -n 1 "$W/sdei-bad" | tr -d '\r')"
	fi
	[ "$(grep -ac 'LKVM-GUEST-SDEI-TEST loaded events=300,100' "$W/$tag.out")" = 2 ] ||
		fail "$mode: the module did not load in the second kernel: $(grep -a 'LKVM-GUEST-SDEI-TEST' "$W/$tag.out" | tail -n 1 | tr -d '\r')"
	signals second 300 - 3
	signals second1 100 1 2
	command report
	tail -n +"$from" "$W/$tag.out" >"$W/second.out"
	n=$(grep -a '^LKVM-GUEST-SDEI-REPORT event=300 ' "$W/second.out" | tr -d '\r' |
		sed -n 's/.* count=\([0-9]*\).*/\1/p' | awk '{ n += $1 } END { print n + 0 }')
	[ "$n" = 3 ] && [ "$(report "$tag" 100 1)" = 2 ] ||
		fail "$mode: the second kernel took 300 $n of 3 times, 100 on cpu1 $(report "$tag" 100 1) of 2"
	echo poweroff >&3
	wait_lkvm
	[ "$rc" = 0 ] || fail "$mode: lkvm exited $rc"
done
exec 3>&-
pass "EL1 and EL2: events reach the module before and after kexec; the resets ran, the second kernel probed cleanly and registered afresh"
