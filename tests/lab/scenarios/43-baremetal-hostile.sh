#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 400
#
# A hostile bare-metal guest (guest-images/baremetal/tests/hostile.c, 3
# vCPUs, events 100 private, 200 private critical, 300 shared), at EL1 and
# at EL2 (--nested): cpu0 sweeps every function ID lkvm takes from KVM with
# random arguments and checks each answer against the spec, powers cpu2 off
# with CPU_OFF's random arguments, calls COMPLETE, COMPLETE_AND_RESUME and
# EVENT_CONTEXT with no event, registers junk entry points, resumes to junk
# addresses (also from a critical handler nested in a normal one, the
# critical event sent from here), and reads and writes unmapped addresses,
# with pairs and writeback forms KVM cannot decode too; cpu1 keeps working
# meanwhile and must get right answers throughout. lkvm must run on to the
# guest's own poweroff (exit 0), warn about the unmapped and undecodable
# accesses, and show nothing running after the nested junk resumes.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

events="--sdei-event 100 --sdei-event 200,critical --sdei-event 300,shared"

# host_signal EVENT: lkvm sdei --name $g signal EVENT --cpu 0; fails the
# scenario unless lkvm answers "ok pending".
host_signal() {
	reply=$("$LKVM" sdei --name "$g" signal "$1" --cpu 0 2>&1)
	echo "lab: $name: signal $1 --cpu 0 -> $reply"
	[ "$reply" = "ok pending" ] ||
		fail "$mode: signal $1 --cpu 0 answered '$reply'"
}

for mode in el1 el2; do
	flags=
	[ "$mode" = el2 ] && flags=--nested
	tag=hostile-$mode
	g=hostile-$mode-$$
	# shellcheck disable=SC2086
	start_lkvm "$tag" run -k "$LAB/guests/hostile.img" -c 3 -m 128 \
		--name "$g" $events $flags --loglevel info
	wait_out "$tag" 'HOSTILE: WAIT critical' 300 ||
		fail "$mode: the guest did not reach the nested stage (lkvm exit ${rc:-?}): $(grep -a 'HOSTILE: FAIL' "$W/$tag.out" | head -n 1)"
	host_signal 200
	wait_out "$tag" 'HOSTILE: WAIT status' 90 ||
		fail "$mode: the nested stage did not end (lkvm exit ${rc:-?}): $(grep -a 'HOSTILE: FAIL' "$W/$tag.out" | head -n 1)"
	"$LKVM" sdei --name "$g" status >"$W/status-$mode.txt" 2>&1 ||
		fail "$mode: sdei status: $(cat "$W/status-$mode.txt")"
	cat "$W/status-$mode.txt"
	# No handler runs anywhere; events 0 and 200 registered and enabled
	# on cpu0, left by the junk resumes in no other state.
	[ "$(grep -cE '^[0-9] +(un)?masked +-$' "$W/status-$mode.txt")" = 3 ] &&
		grep -qE '^200 +private +critical +0 +registered enabled$' "$W/status-$mode.txt" ||
		fail "$mode: lkvm's status after the nested junk resumes: $(cat "$W/status-$mode.txt")"
	host_signal 100
	wait_lkvm
	has "$tag" out 'HOSTILE: PASS' ||
		fail "$mode: no 'HOSTILE: PASS' (lkvm exit $rc): $(grep -a 'HOSTILE: FAIL' "$W/$tag.out" | head -n 1)"
	[ "$rc" = 0 ] || fail "$mode: lkvm exited $rc"
	grep -q 'unmapped address' "$W/$tag.err" &&
		grep -q 'that KVM cannot decode.*data abort injected' "$W/$tag.err" ||
		fail "$mode: lkvm did not warn about the unmapped or undecodable accesses: $(head -n 5 "$W/$tag.err")"
	grep -a 'HOSTILE: ' "$W/$tag.out"
	rate=$(sed -n 's/.*HOSTILE: sweep: .* (\([0-9]*\) calls\/s).*/\1/p' "$W/$tag.out")
	metric "sweep_calls_per_s_$mode" "${rate:-0}" calls/s
	metric "wall_$mode" "$wall" s
done
checks=$(grep -a -o 'HOSTILE: PASS [0-9]* checks, [0-9]* calls' "$W/hostile-el1.out" | head -n 1)
checks2=$(grep -a -o 'HOSTILE: PASS [0-9]* checks, [0-9]* calls' "$W/hostile-el2.out" | head -n 1)
pass "EL1: ${checks#HOSTILE: PASS }; EL2: ${checks2#HOSTILE: PASS }; lkvm ran on, cpu1 unharmed"
