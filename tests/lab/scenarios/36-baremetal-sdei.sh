#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 90
#
# SDEI through the guest's own calls, answered by lkvm: the bare-metal sdei
# guest checks VERSION, the Linux client's probe order, register / enable /
# status / info of event 0, a signal dropped on a masked PE, one held while
# event 0 is disabled and delivered at EVENT_ENABLE, the handler's entry
# registers and EVENT_CONTEXT, delivery with interrupts masked, COMPLETE and
# COMPLETE_AND_RESUME, and the spec's error codes. At EL1 (HVC) and at EL2
# with --nested (VHE, SMC), with one and two vCPUs, and at EL2 without VHE
# (--nested --e2h0): the SDEI client is the highest EL the vCPU has.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

for mode in "-c 1" "-c 2" "-c 1 --nested" "-c 2 --nested" "-c 1 --nested --e2h0"; do
	# shellcheck disable=SC2086
	run_lkvm sdei run -k "$LAB/guests/sdei.img" $mode
	has sdei out 'SDEI: PASS' ||
		fail "$mode: no 'SDEI: PASS' (lkvm exit $rc): $(grep -a 'SDEI: FAIL' "$W/sdei.out" | head -n 1)"
	[ "$rc" = 0 ] || fail "$mode: lkvm exited $rc"
done
checks=$(grep -a -o 'SDEI: PASS [0-9]* checks' "$W/sdei.out" | head -n 1)
# --no-sdei: the calls are not forwarded, KVM answers NOT_SUPPORTED and the
# guest reports failure at its first check.
run_lkvm sdei-off run -k "$LAB/guests/sdei.img" --no-sdei
[ "$rc" = 3 ] || fail "--no-sdei: lkvm exited $rc, expected 3"
grep -aq 'SDEI: FAIL VERSION' "$W/sdei-off.out" ||
	fail "--no-sdei: the guest did not see SDEI missing"
pass "$checks at EL1 and EL2 (VHE and nVHE), 1 and 2 vCPUs"
