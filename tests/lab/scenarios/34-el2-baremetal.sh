#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 120
#
# Bare-metal guests at EL2: el2-vhe.img with --nested and el2-e2h0.img with
# --nested --e2h0 check CurrentEL is 2 and HCR_EL2.E2H matches the mode,
# install their own VBAR_EL2, drop to EL1 with ERET and take an HVC back into
# their EL2 handler (a hyp-stub round trip), print "EL2: PASS e2h=1" (or
# e2h=0) and power off: exit 0. Without --nested el2-vhe.img starts at EL1
# and must fail with its code 1: lkvm exits 3.
#
# Metrics: each run's lkvm start to guest poweroff (to the millisecond) and
# wall time (with lkvm's teardown), against the EL1 smoke guest's run the
# same way first (the EL2/EL1 ratios in the summary).
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

for img in el2-vhe.img el2-e2h0.img smoke.img; do
	[ -f "$LAB/guests/$img" ] || fail "no $img in the test guests (make builds build/guests/$img)"
done

# bare TAG METRIC-PREFIX ARGS...: lkvm run --loglevel info ARGS; metrics
# <prefix>_to_poweroff and <prefix>_wall.
bare() {
	_b=$1
	_p=$2
	shift 2
	run_lkvm "$_b" run --loglevel info "$@"
	powered_off "$_b"
	[ -n "$off" ] && metric "${_p}_to_poweroff" "$(awk "BEGIN { printf \"%.3f\", $off - $t0f }")" s
	metric "${_p}_wall" "$wall" s
}

# A first, unmeasured run: the first VM in a fresh L1 costs more (about
# 0.15 s more), whatever the guest.
run_lkvm warm-up run -k "$LAB/guests/smoke.img"
bare el1 el1 -k "$LAB/guests/smoke.img"
has el1 out 'SMOKE: PASS' || fail "EL1 reference: no 'SMOKE: PASS' from smoke.img (exit $rc)"
[ "$rc" = 0 ] || fail "EL1 reference: smoke.img: lkvm exited $rc"

bare vhe vhe -k "$LAB/guests/el2-vhe.img" --nested
has vhe out 'EL2: PASS e2h=1' || fail "el2-vhe.img --nested: no 'EL2: PASS e2h=1' (exit $rc)"
[ "$rc" = 0 ] || fail "el2-vhe.img --nested: lkvm exited $rc"
[ -n "$off" ] || fail "el2-vhe.img --nested: no 'guest powered off (t=...)' line from lkvm"
vhe=$wall

bare e2h0 e2h0 -k "$LAB/guests/el2-e2h0.img" --nested --e2h0
has e2h0 out 'EL2: PASS e2h=0' || fail "el2-e2h0.img --nested --e2h0: no 'EL2: PASS e2h=0' (exit $rc)"
[ "$rc" = 0 ] || fail "el2-e2h0.img --nested --e2h0: lkvm exited $rc"
e2h0=$wall

# At EL1 the guest fails through the runtime's path: PSCI SYSTEM_RESET2
# with code 1 (EL2T_FAIL_NOT_EL2), lkvm exits 3 and names the code. A
# crash, a sanitizer's exit or another failure of the guest is not that.
run_lkvm at-el1 run -k "$LAB/guests/el2-vhe.img"
[ "$rc" = 3 ] || fail "el2-vhe.img without --nested: lkvm exited $rc, expected 3 (the guest reports failure)"
has at-el1 out 'EL2: FAIL running at EL1, not EL2' ||
	fail "el2-vhe.img without --nested: no 'EL2: FAIL running at EL1, not EL2' from the guest"
has at-el1 err 'guest reported failure: code 1 (' ||
	fail "el2-vhe.img without --nested: lkvm did not report the guest's code 1: $(head -n 1 "$W/at-el1.err")"
pass "VHE and E2H0 hyp-stub round trips pass (${vhe}s, ${e2h0}s); at EL1 the guest fails with code 1 (exit 3)"
