#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 60
#
# SDEI INTERRUPT_BIND of lkvm's UART interrupt (SPI 0, INTID 32): the
# bare-metal sdei-bind guest checks the slots FEATURES reports, BIND's
# refusals (SGIs, the timers' PPIs, SPIs of no device), the line leaving
# the GIC when the bound event registers and coming back at RELEASE,
# delivery as an SDEI event, level-sensitive re-delivery, SHARED_RESET
# releasing bindings. At EL1 and at EL2 (--nested), 2 vCPUs (the event is
# routed to vCPU 0).
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

for mode in "" "--nested"; do
	# shellcheck disable=SC2086
	run_lkvm bind run -k "$LAB/guests/sdei-bind.img" -c 2 $mode
	has bind out 'SDEI-BIND: PASS' ||
		fail "${mode:-EL1}: no 'SDEI-BIND: PASS' (lkvm exit $rc): $(grep -a 'SDEI-BIND: FAIL' "$W/bind.out" | head -n 1)"
	[ "$rc" = 0 ] || fail "${mode:-EL1}: lkvm exited $rc"
done
checks=$(grep -a -o 'SDEI-BIND: PASS [0-9]* checks' "$W/bind.out" | head -n 1)
pass "$checks at EL1 and EL2"
