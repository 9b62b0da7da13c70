#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 30
#
# A guest that reports failure (PSCI SYSTEM_RESET2, vendor reset type, see
# vmm/exit-codes.h) makes lkvm exit 3.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

run_lkvm fail run -k "$LAB/guests/fail.img"
[ "$rc" = 3 ] || fail "lkvm exited $rc, expected 3 (guest reported failure)"
pass "exit 3"
