#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 30
#
# A guest that reports failure (PSCI SYSTEM_RESET2, vendor reset type, see
# vmm/exit-codes.h) makes lkvm exit 3 and report the guest's code.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

run_lkvm fail run -k "$LAB/guests/fail.img"
[ "$rc" = 3 ] || fail "lkvm exited $rc, expected 3 (guest reported failure)"
# Exit 3 alone would also be a crash of the guest (the runtime's code
# 0xe000 + vector): it must be the guest's own failure, code 42.
has fail out 'FAIL-GUEST: failing on purpose' ||
	fail "no 'FAIL-GUEST: failing on purpose' from the guest"
has fail err 'guest reported failure: code 42 (' ||
	fail "lkvm did not report code 42: $(head -n 1 "$W/fail.err")"
pass "exit 3, code 42"
