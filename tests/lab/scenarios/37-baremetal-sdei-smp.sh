#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 90
#
# SDEI across two vCPUs, answered by lkvm: event 0 signalled from one vCPU
# to the other runs on the target only, with its own registration; a masked
# target gets it at its PE_UNMASK; PSCI CPU_OFF then CPU_ON wipes the
# target's private registrations and brings it back masked; bad targets and
# events other than 0 are refused. At EL1 and at EL2 (--nested).
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

for mode in "-c 2" "-c 2 --nested"; do
	# shellcheck disable=SC2086
	run_lkvm sdei-smp run -k "$LAB/guests/sdei-smp.img" $mode
	has sdei-smp out 'SDEI-SMP: PASS' ||
		fail "$mode: no 'SDEI-SMP: PASS' (lkvm exit $rc): $(grep -a 'SDEI-SMP: FAIL' "$W/sdei-smp.out" | head -n 1)"
	[ "$rc" = 0 ] || fail "$mode: lkvm exited $rc"
done
checks=$(grep -a -o 'SDEI-SMP: PASS [0-9]* checks' "$W/sdei-smp.out" | head -n 1)
pass "$checks at EL1 and EL2"
