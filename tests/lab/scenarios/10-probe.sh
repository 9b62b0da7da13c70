#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 30
#
# lkvm probe: L1's KVM (nested, on FEAT_NV2) offers EL2 to guests. The text
# report has a line naming EL2 that says yes; --json has "el2": true; the
# verdicts "run --nested:" and "run --e2h0:" say yes, and --json has
# "nested": true and "e2h0": true.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

run_lkvm text probe
[ "$rc" = 0 ] || fail "lkvm probe exited $rc"
# The EL2 line (not the E2H0 one) must report support, not its absence.
el2=$(grep -w 'EL2' "$W/text.out" | grep -v 'E2H0' | head -n 1)
[ -n "$el2" ] || fail "lkvm probe prints no line about EL2"
if ! echo "$el2" | grep -qiwE 'yes|supported|available|true' ||
	echo "$el2" | grep -qiwE 'no|not|unsupported|unavailable|false'; then
	fail "lkvm probe does not report EL2: '$el2'"
fi

run_lkvm json probe --json
[ "$rc" = 0 ] || fail "lkvm probe --json exited $rc"
grep -qE '"el2"[[:space:]]*:[[:space:]]*true' "$W/json.out" ||
	fail "lkvm probe --json has no \"el2\": true"

# The verdicts: --nested and --e2h0 both work in this L1.
for opt in nested e2h0; do
	v=$(grep "^run --$opt:" "$W/text.out")
	echo "$v" | grep -qE "^run --$opt: +yes\$" ||
		fail "lkvm probe does not say 'run --$opt: yes': '$v'"
	grep -qE "\"$opt\"[[:space:]]*:[[:space:]]*true" "$W/json.out" ||
		fail "lkvm probe --json has no \"$opt\": true"
done

pass "EL2: $el2; run --nested and --e2h0: yes"
