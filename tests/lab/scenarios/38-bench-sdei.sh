#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 240
# lab-l1-cpus: 2
#
# SDEI benchmark figures (printed, never judged: the lab machine is shared
# and emulated): a forwarded call's round trip (SDEI_VERSION, answered by
# lkvm) against one KVM answers itself (SMCCC_VERSION) and against a plain
# MMIO exit to lkvm (a UART register read), self-signalled events per
# second, and the latency of an event signalled to the last vCPU, at EL1
# and at EL2 (--nested) with 2 vCPUs, and at EL1 with 64 vCPUs and 32
# declared events (half shared), all from one lab run. The 64-vCPU run's
# ratios to the 2-vCPU one at EL1: self-signal rate, and cross-vCPU
# latency over the round trip; and lkvm's resident memory per vCPU, from
# the two runs' Rss (/proc/PID/smaps_rollup, once the guest runs: every
# vCPU thread exists by then). Where a cross-vCPU event's time goes, from
# lkvm's own figures for the target vCPU (--loglevel info, its line
# "vCPU N: ... firmware stops" at the end; the target only spins, so its
# stops are the deliveries): from the kick (the signal sent by the
# signalling vCPU's thread) to the target's thread at its stop, and the
# stop itself (the dispatch: the core and its ONE_REG reads and writes,
# counted), each as a share of the guest's mean cross-vCPU latency. The
# scenario fails only if the guest does not finish or reports a
# functional error.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

events=
i=0
while [ $i -lt 32 ]; do
	kind=private
	[ $((i % 2)) = 1 ] && kind=shared
	events="$events --sdei-event $((100 + i)),$kind"
	i=$((i + 1))
done

# rss_kib: lkvm's resident set (KiB) now.
rss_kib() {
	awk '/^Rss:/ { print $2 }' "/proc/$lkvm_pid/smaps_rollup" 2>/dev/null
}

# bench VALUE-NAME RUN: one figure of a run's guest.
bench() {
	grep -a "^BENCH: $1 " "$W/bench-$2.out" | tr -d '\r' | cut -d' ' -f3
}

for run in el1 el2 el1_64; do
	case $run in
	el1) flags="-c 2" ;;
	el2) flags="-c 2 --nested" ;;
	el1_64) flags="-c 64 $events" ;;
	esac
	# shellcheck disable=SC2086
	start_lkvm "bench-$run" run -k "$LAB/guests/bench-sdei.img" $flags --loglevel info
	wait_out "bench-$run" 'BENCH-SDEI: at EL' 120 ||
		fail "$run: the guest never started (lkvm exit: $(kill -0 "$lkvm_pid" 2>/dev/null && echo running || echo gone))"
	eval "rss_$run=\$(rss_kib)"
	wait_lkvm
	has "bench-$run" out 'BENCH-SDEI: DONE' ||
		fail "$run: no 'BENCH-SDEI: DONE' (lkvm exit $rc): $(grep -a 'BENCH-SDEI: FAIL' "$W/bench-$run.out" | head -n 1)"
	[ "$rc" = 0 ] || fail "$run: lkvm exited $rc"
	grep -a '^BENCH: ' "$W/bench-$run.out" | tr -d '\r' |
		while read -r _ key value unit; do
			# Not "name": lib.sh's metric prefixes the scenario's name.
			metric "${run}_$key" "$value" "$unit"
		done
	# The target vCPU's (the last one's) stops.
	last_vcpu=$(($(bench vcpus "$run") - 1))
	stops=$(grep -a "vCPU $last_vcpu: [0-9]* firmware stops:" "$W/bench-$run.err" | tail -n 1)
	[ -n "$stops" ] || fail "$run: no 'vCPU $last_vcpu: ... firmware stops' line from lkvm --loglevel info"
	echo "lab: $name: $run: ${stops#lkvm: info: }"
	stop_us=$(echo "$stops" | sed -n 's/.*firmware stops: \([0-9.]*\) us each.*/\1/p')
	stop_ios=$(echo "$stops" | sed -n 's/.*, \([0-9.]*\) register accesses each.*/\1/p')
	wake_us=$(echo "$stops" | sed -n 's/.*from the kick to the stop \([0-9.]*\) us.*/\1/p')
	metric "${run}_target_kick_to_stop_us" "$wake_us" us
	metric "${run}_target_stop_us" "$stop_us" us
	metric "${run}_target_stop_register_accesses" "$stop_ios" each
	cross=$(bench cross_vcpu_mean_ns "$run")
	if [ -n "$cross" ] && [ "$cross" != 0 ]; then
		metric "${run}_kick_to_stop_share" "$(calc "$wake_us * 1000 / $cross")" x
		metric "${run}_stop_share" "$(calc "$stop_us * 1000 / $cross")" x
	fi
done

[ "$(bench vcpus el1_64)" = 64 ] ||
	fail "the 64-vCPU run's guest counted $(bench vcpus el1_64) vCPUs"
s2=$(bench self_signal_per_s el1)
s64=$(bench self_signal_per_s el1_64)
[ -n "$s2" ] && [ -n "$s64" ] && [ "$s2" != 0 ] &&
	metric self_signal_64_vs_2 "$(calc "$s64 / $s2")" x
if [ -n "$rss_el1" ] && [ -n "$rss_el1_64" ]; then
	metric rss_kib_2_vcpus "$rss_el1" KiB
	metric rss_kib_64_vcpus "$rss_el1_64" KiB
	metric rss_kib_per_vcpu "$(calc "($rss_el1_64 - $rss_el1) / 62")" KiB
fi
ratio=$(bench sdei_version_vs_mmio_read el1)
pass "figures printed (EL1 SDEI_VERSION over an MMIO exit ${ratio}x; 64 vCPUs: self-signal rate $(calc "${s64:-0} / ${s2:-1}")x of 2, cross-vCPU $(bench cross_vcpu_vs_roundtrip el1_64)x the round trip)"
