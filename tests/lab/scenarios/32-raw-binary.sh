#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 30
#
# A file without the arm64 Image header (and of no other known kind) is
# loaded as a raw binary at RAM + 0x80000, as kvmtool does.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

run_lkvm raw run -k "$LAB/guests/smoke-raw.bin"
has raw out 'SMOKE: PASS' || fail "no 'SMOKE: PASS' (lkvm exit $rc)"
[ "$rc" = 0 ] || fail "lkvm exited $rc"
pass "SMOKE: PASS, exit 0"
