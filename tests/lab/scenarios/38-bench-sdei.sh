#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 120
#
# SDEI benchmark figures (printed, never judged: the lab machine is shared
# and emulated): a forwarded call's round trip (SDEI_VERSION, answered by
# lkvm) against one KVM answers itself (SMCCC_VERSION), self-signalled
# events per second, and the latency of an event signalled to the other
# vCPU, at EL1 and at EL2 (--nested), all from one lab run. The scenario
# fails only if the guest does not finish or reports a functional error.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

for el in el1 el2; do
	flags="-c 2"
	[ "$el" = el2 ] && flags="-c 2 --nested"
	# shellcheck disable=SC2086
	run_lkvm bench-$el run -k "$LAB/guests/bench-sdei.img" $flags
	has "bench-$el" out 'BENCH-SDEI: DONE' ||
		fail "$el: no 'BENCH-SDEI: DONE' (lkvm exit $rc): $(grep -a 'BENCH-SDEI: FAIL' "$W/bench-$el.out" | head -n 1)"
	[ "$rc" = 0 ] || fail "$el: lkvm exited $rc"
	grep -a '^BENCH: ' "$W/bench-$el.out" | tr -d '\r' |
		while read -r _ key value unit; do
			# Not "name": lib.sh's metric prefixes the scenario's name.
			metric "${el}_$key" "$value" "$unit"
		done
done
ratio=$(grep -a '^BENCH: forwarded_vs_kernel_ratio' "$W/bench-el1.out" | tr -d '\r' | cut -d' ' -f3)
pass "figures printed (EL1 forwarded/kernel call ratio ${ratio}x)"
