#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 60
#
# The bare-metal smoke guest runs, prints SMOKE: PASS and powers off: exit 0.
# The vectors guest (the runtime's exception path: a test's handler, frame
# changes, FP/SIMD state kept, an FP trap with FP off) prints VECTORS: PASS
# and exits 0, at EL1 and at EL2 (--nested).
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

run_lkvm smoke run -k "$LAB/guests/smoke.img"
has smoke out 'SMOKE: PASS' || fail "no 'SMOKE: PASS' (lkvm exit $rc)"
[ "$rc" = 0 ] || fail "lkvm exited $rc"
metric wall "$wall" s
smoke_wall=$wall

for mode in el1 el2; do
	flags=
	[ "$mode" = el2 ] && flags=--nested
	# shellcheck disable=SC2086
	run_lkvm vectors-$mode run -k "$LAB/guests/vectors.img" $flags
	has vectors-$mode out "VECTORS: at EL${mode#el}" ||
		fail "vectors $mode: the guest does not say it runs at EL${mode#el} (lkvm exit $rc)"
	has vectors-$mode out 'VECTORS: PASS' ||
		fail "vectors $mode: no 'VECTORS: PASS' (lkvm exit $rc): $(grep -a 'VECTORS: FAIL' "$W/vectors-$mode.out" | head -n 1)"
	[ "$rc" = 0 ] || fail "vectors $mode: lkvm exited $rc"
done
pass "SMOKE: PASS, exit 0 in ${smoke_wall}s; VECTORS: PASS at EL1 and EL2"
