#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 30
#
# Secondary vCPUs: the bare-metal smp guest starts every other vCPU with PSCI
# CPU_ON, checks each runs with its own MPIDR, stops and restarts one (CPU_OFF,
# AFFINITY_INFO, CPU_ON again); with 4 vCPUs it prints "SMP: PASS with 4
# CPUs" and powers off: exit 0. lkvm answers PSCI itself.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

run_lkvm smp run -k "$LAB/guests/smp.img" -c 4 --loglevel info
has smp out 'SMP: PASS with 4 CPUs' || fail "no 'SMP: PASS with 4 CPUs' (lkvm exit $rc)"
[ "$rc" = 0 ] || fail "lkvm exited $rc"
# The calls went to lkvm's own PSCI (the SMCCC filter forwards them).
has smp err 'answered by lkvm (SMCCC filter)' ||
	fail "lkvm did not answer PSCI itself (no SMCCC filter line)"
pass "4 vCPUs up through lkvm's PSCI CPU_ON, exit 0 in ${wall}s"
