#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 60
#
# --pmu, from a bare-metal guest (guest-images/baremetal/tests/pmu.c): the
# vCPU has PMUv3, its cycle counter counts, and an overflow raises PPI 7
# (INTID 23), pending at the redistributor and taken through the GIC. At
# EL1 and at EL2 (--nested). Without --pmu the guest sees no PMU.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

for mode in el1 el2; do
	flags=
	[ "$mode" = el2 ] && flags=--nested
	# shellcheck disable=SC2086
	run_lkvm "pmu-$mode" run -k "$LAB/guests/pmu.img" -c 1 --pmu $flags
	has "pmu-$mode" out 'PMU: PASS' ||
		fail "$mode: no 'PMU: PASS' (lkvm exit $rc): $(grep -a 'PMU: FAIL' "$W/pmu-$mode.out" | head -n 1)"
	[ "$rc" = 0 ] || fail "$mode: lkvm exited $rc"
	grep -a 'PMU: ' "$W/pmu-$mode.out" | tr -d '\r'
done
run_lkvm nopmu run -k "$LAB/guests/pmu.img" -c 1
[ "$rc" = 3 ] && has nopmu out 'no PMUv3 (' ||
	fail "without --pmu: exit $rc, $(grep -a 'PMU: ' "$W/nopmu.out" | head -n 1)"
pass "cycle counter counts and its overflow interrupt (INTID 23) is taken, at EL1 and EL2; no PMU without --pmu"
