#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 300
#
# Where is my guest? A raw binary that spins at its first instruction
# (b .) is stopped by --timeout 1: lkvm exits 5 and its stderr shows vCPU
# 0 at that instruction, RAM + 0x80000, in EL1h (EL2h with --nested); the
# same loop running shows there in lkvm debug --dump, twice in a row. A
# vCPU that fails (a self-test: no guest can make KVM_RUN fail) ends the
# run with status 1 and the same dump.
# Then a Linux guest that waits (2 vCPUs; the UART at EL1 and EL2,
# virtio-console at EL1): lkvm debug --dump prints one line per vCPU with
# a kernel PC and its EL, and the guest goes on running; lkvm debug
# --sysrq m reaches the kernel's magic SysRq (a break on the UART, Ctrl-O
# on hvc0): the console shows "sysrq: Show Memory".
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

le32 14000000 >"$W/spin.bin" # b .
[ "$(wc -c <"$W/spin.bin")" = 4 ] || fail "could not make spin.bin"

for mode in el1 el2; do
	flags=
	el=EL1
	want="pc 0x80080000 pstate 0x3c5 (EL1h, DAIF DAIF)"
	if [ "$mode" = el2 ]; then
		flags=--nested
		el=EL2
		want="pc 0x80080000 pstate 0x3c9 (EL2h, DAIF DAIF)"
	fi
	# shellcheck disable=SC2086
	run_lkvm "spin-$mode" run -k "$W/spin.bin" --timeout 1 $flags
	[ "$rc" = 5 ] || fail "$mode: spinning guest with --timeout 1: exit $rc, not 5"
	grep -qF "lkvm: vCPU 0: $want" "$W/spin-$mode.err" ||
		fail "$mode: no 'vCPU 0: $want' in lkvm's stderr: $(grep 'vCPU 0' "$W/spin-$mode.err")"
	# The same loop while it runs: lkvm debug --dump, twice (it runs on).
	g=spin-$mode-$$
	# shellcheck disable=SC2086
	start_lkvm "spinning-$mode" run -k "$W/spin.bin" --name "$g" $flags
	n=0
	until "$LKVM" debug --name "$g" --dump >"$W/sdump-$mode.out" 2>"$W/sdump-$mode.err"; do
		n=$((n + 1))
		[ "$n" -lt 100 ] && kill -0 "$lkvm_pid" 2>/dev/null ||
			fail "$mode: lkvm debug --dump of the spinning guest: $(cat "$W/sdump-$mode.err")"
		sleep 0.1
	done
	"$LKVM" debug --name "$g" --dump >>"$W/sdump-$mode.out" 2>>"$W/sdump-$mode.err" ||
		fail "$mode: a second lkvm debug --dump: $(cat "$W/sdump-$mode.err")"
	# (SP, ESR and FAR hold KVM's reset values: the loop sets none.)
	[ "$(grep -c "^vCPU 0: $want sp 0x[0-9a-f]* lr 0x0 esr_el${el#EL} 0x[0-9a-f]* far_el${el#EL} 0x[0-9a-f]*\$" "$W/sdump-$mode.out")" = 2 ] ||
		fail "$mode: lkvm debug --dump does not show the loop twice: $(cat "$W/sdump-$mode.out")"
	"$LKVM" stop --name "$g" >/dev/null 2>&1 || fail "$mode: lkvm stop failed"
	wait_lkvm
	[ "$rc" = 6 ] || fail "$mode: the spinning guest: exit $rc after lkvm stop, not 6"
done

# A vCPU that fails (KVM_RUN taken as failed at vCPU 0's first exit,
# LKVM_VCPU_SELFTEST=fail: no guest can make KVM fail): exit 1, and the
# dump shows vCPU 0 in the smoke guest's code, in RAM, at EL1h / EL2h.
for mode in el1 el2; do
	flags=
	el=EL1
	if [ "$mode" = el2 ]; then
		flags=--nested
		el=EL2
	fi
	# shellcheck disable=SC2086
	LKVM_VCPU_SELFTEST=fail run_lkvm "failed-$mode" run -k "$LAB/guests/smoke.img" $flags
	[ "$rc" = 1 ] || fail "$mode: a failed vCPU: exit $rc, not 1"
	grep -q 'KVM_RUN failed (LKVM_VCPU_SELFTEST)' "$W/failed-$mode.err" ||
		fail "$mode: the self-test did not fail the vCPU: $(head -n 3 "$W/failed-$mode.err")"
	grep -qE "^lkvm: vCPU 0: pc 0x80[0-9a-f]{6} pstate 0x[0-9a-f]+ \(${el}h, " "$W/failed-$mode.err" ||
		fail "$mode: no dump of vCPU 0 in RAM at ${el}h after the failure: $(grep 'vCPU 0' "$W/failed-$mode.err")"
done

summary=
# MODE: el1 (UART), el2 (--nested, UART), el1-hvc (virtio-console: hvc0
# comes with the virtio modules, lkvm.virtio).
for mode in el1 el2 el1-hvc; do
	flags=
	el=EL1
	con=serial
	words="quiet sysrq_always_enabled lkvm.wait-cmd"
	case $mode in
	el2)
		flags=--nested
		el=EL2
		;;
	el1-hvc)
		con=virtio
		# ttyS0 stays /dev/console (init talks there); hvc0 is a console too.
		words="console=ttyS0 quiet sysrq_always_enabled lkvm.virtio lkvm.hvc-hold lkvm.wait-cmd"
		;;
	esac
	g=debug-$mode-$$
	tag=dbg-$mode
	# shellcheck disable=SC2086
	start_lkvm "$tag" run -k "$LAB/l2/Image" -i "$LAB/l2/initrd.cpio.gz" \
		-c 2 --name "$g" --console $con $flags -p "$words"
	wait_out "$tag" LKVM-GUEST-READY 180 || fail "$mode: the guest never got ready"

	"$LKVM" debug --name "$g" --dump >"$W/dump-$mode.out" 2>"$W/dump-$mode.err" ||
		fail "$mode: lkvm debug --dump failed: $(cat "$W/dump-$mode.err")"
	cat "$W/dump-$mode.out"
	[ "$(lines "$W/dump-$mode.out")" = 2 ] ||
		fail "$mode: lkvm debug --dump printed $(lines "$W/dump-$mode.out") lines, not 2"
	for c in 0 1; do
		grep -qE "^vCPU $c: pc 0xffff[0-9a-f]{12} pstate 0x[0-9a-f]+ \\(${el}h, " "$W/dump-$mode.out" ||
			fail "$mode: no kernel PC at ${el}h for vCPU $c: $(grep "^vCPU $c" "$W/dump-$mode.out")"
	done
	reply=$("$LKVM" debug --name "$g" --sysrq m 2>&1)
	[ "$reply" = "ok sysrq m" ] || fail "$mode: lkvm debug --sysrq m: '$reply'"
	wait_out "$tag" "sysrq: Show Memory" 60 ||
		fail "$mode: the guest's console shows no 'sysrq: Show Memory' ($con console)"
	# The guest ran on after the dump: it answered the SysRq.
	"$LKVM" stop --name "$g" >/dev/null 2>&1 || fail "$mode: lkvm stop failed"
	wait_lkvm
	[ "$rc" = 6 ] || fail "$mode: lkvm exited $rc after lkvm stop, not 6"
	summary="$summary $mode: 2 vCPUs at ${el}h, SysRq through the $con console;"
done
pass "--timeout dump at the spinning PC (EL1h, EL2h), a failed vCPU's dump too;$summary"
