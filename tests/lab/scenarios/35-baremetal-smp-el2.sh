#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 60
#
# Secondary vCPUs of a guest with EL2: PSCI CPU_ON brings each up at EL2 with
# the boot vCPU's features, in VHE (--nested) and nVHE (--nested --e2h0)
# mode. The smp guest checks every secondary runs at the boot CPU's EL.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

for mode in "--nested" "--nested --e2h0"; do
	# shellcheck disable=SC2086
	run_lkvm smp-el2 run -k "$LAB/guests/smp.img" -c 4 $mode
	has smp-el2 out 'SMP: PASS with 4 CPUs' ||
		fail "$mode: no 'SMP: PASS with 4 CPUs' (lkvm exit $rc)"
	[ "$rc" = 0 ] || fail "$mode: lkvm exited $rc"
	# Each secondary reports its EL when it comes up (cpu1 twice: the
	# guest stops and restarts it).
	for n in 1 2 3; do
		grep -aq "SMP: cpu$n up, .*EL2" "$W/smp-el2.out" ||
			fail "$mode: cpu$n did not report EL2"
	done
	grep -aq 'SMP: cpu[0-9]* up, .*EL1' "$W/smp-el2.out" &&
		fail "$mode: a secondary came up at EL1"
done
pass "4 vCPUs at EL2 through PSCI CPU_ON, VHE and nVHE"
