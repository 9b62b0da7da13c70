#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 30
#
# The bare-metal smoke guest runs, prints SMOKE: PASS and powers off: exit 0.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

run_lkvm smoke run -k "$LAB/guests/smoke.img"
has smoke out 'SMOKE: PASS' || fail "no 'SMOKE: PASS' (lkvm exit $rc)"
[ "$rc" = 0 ] || fail "lkvm exited $rc"
metric wall "$wall" s
pass "SMOKE: PASS, exit 0 in ${wall}s"
