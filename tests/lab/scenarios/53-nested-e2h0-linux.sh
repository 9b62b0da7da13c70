#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 400
# lab-l1-cpus: 2
#
# --nested --e2h0, 1 vCPU: the Debian kernel starts at EL2 without VHE and
# brings up its KVM in nVHE mode through its hyp-stub (HVC_SET_VECTORS, then
# the hyp init call): "kvm [1]: Hyp nVHE mode initialized successfully".
# Powers off: exit 0.
#
# Slow under emulation: the guest's nVHE KVM init (cpu_hyp_init, IRQs off)
# takes over a minute with 1 vCPU and far longer with 2, so 1 vCPU; a soft
# lockup warning during it is expected and counted (metric soft_lockups).
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

linux_run linux -m 256 -c 1 --nested --e2h0 -p "quiet"
# (the console's lines, not init's copies of them)
lockups=$(grep -a 'soft lockup' "$W/linux.out" | grep -vc '^LKVM-GUEST-DMESG')
metric soft_lockups "$lockups" count
[ -n "$marker" ] || fail "no LKVM-GUEST-INIT marker (lkvm exit $rc after ${wall}s)"
guest_says linux 'CPU: All CPU(s) started at EL2' ||
	fail "the guest does not say 'CPU: All CPU(s) started at EL2'"
guest_says linux 'kvm [1]: Hyp nVHE mode initialized successfully' ||
	fail "the guest's KVM does not say 'Hyp nVHE mode initialized successfully'"
[ "$rc" = 0 ] || fail "lkvm exited $rc"
pass "EL2 without VHE, nVHE KVM up; init at ${uptime}s guest time, lkvm ${wall}s (teardown ${teardown}s, $lockups soft lockup warnings)"
