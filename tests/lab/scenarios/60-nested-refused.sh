#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-l1: plain
# lab-timeout: 60
#
# In an L1 booted without kvm-arm.mode=nested (its KVM offers no EL2):
# "lkvm run --nested" exits 1 before creating a VM, with one line on stderr
# naming what the host lacks (it mentions kvm-arm.mode=nested); so does
# --nested --e2h0; "lkvm probe" says "run --nested:      no: ..." and
# --json has "nested": false. And --e2h0 without --nested is refused the same
# way (exit 1, one line), as in any L1 (40-bad-input checks it in the nested
# one). (Natively, on a host whose KVM offers EL2, this scenario fails: boot
# the host without kvm-arm.mode=nested to run it.)
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

smoke=$LAB/guests/smoke.img

# refused TAG WHAT ARGS...: "lkvm run ARGS" exits 1 with one line on stderr
# containing WHAT, and (at debug level) creates no VM.
refused() {
	_t=$1
	_what=$2
	shift 2
	run_lkvm "$_t" run "$@" -k "$smoke"
	[ "$rc" = 1 ] || fail "lkvm run $*: exit $rc, expected 1"
	[ "$(lines "$W/$_t.err")" = 1 ] ||
		fail "lkvm run $*: $(lines "$W/$_t.err") lines on stderr, expected 1"
	grep -qF -- "$_what" "$W/$_t.err" ||
		fail "lkvm run $*: the message does not mention '$_what': $(head -n 1 "$W/$_t.err")"
	run_lkvm "$_t-debug" run --loglevel debug "$@" -k "$smoke"
	[ "$rc" = 1 ] || fail "lkvm run --loglevel debug $*: exit $rc, expected 1"
	grep -q 'creating VM' "$W/$_t-debug.err" "$W/$_t-debug.out" &&
		fail "lkvm run $*: a VM was created (lkvm logged 'creating VM')"
	echo "lab: $name: lkvm run $*: refused: $(cat "$W/$_t.err")"
}

refused nested kvm-arm.mode=nested --nested
msg=$(cat "$W/nested.err")
refused nested-e2h0 kvm-arm.mode=nested --nested --e2h0
refused e2h0-alone --nested --e2h0

run_lkvm probe probe
[ "$rc" = 0 ] || fail "lkvm probe exited $rc"
verdict=$(grep '^run --nested:' "$W/probe.out")
echo "$verdict" | grep -qE '^run --nested: +no: ' ||
	fail "lkvm probe does not say 'run --nested:      no: ...': '$verdict'"
run_lkvm json probe --json
[ "$rc" = 0 ] || fail "lkvm probe --json exited $rc"
grep -qE '"nested"[[:space:]]*:[[:space:]]*false' "$W/json.out" ||
	fail "lkvm probe --json has no \"nested\": false"

last=
pass "refused: $msg"
