#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 240
#
# SDEI events raised from the host with `lkvm sdei --name N signal`, in the
# bare-metal sdei-host guest (2 vCPUs, platform events 100 private normal,
# 200 private critical, 300 shared normal), at EL1 and at EL2 (--nested).
# At each "SDEI-HOST: WAIT <what>" line of the guest the scenario sends the
# signal that stage waits for:
#   regs        100 on cpu0: interrupts a loop with DAIF masked holding
#               known x0..x30; the guest checks the handler's registers,
#               EVENT_CONTEXT and the exact resume
#   normal      100 on cpu0, whose handler then asks for... (while it
#               runs, lkvm sdei status [--json] shows it running on cpu0)
#   critical    200 on cpu0: preempts the running normal handler
#   route-pe1, route-pe0, route-any   300 by its route (RM_PE cpu1, RM_PE
#               cpu0, RM_ANY): the guest checks where it ran
#   unregister  300, whose handler unregisters it (PENDING until COMPLETE)
#   masked      100 on masked cpu1 (lkvm answers "held=masked"), then 100
#               on cpu0 as the go-ahead; cpu1's PE_UNMASK delivers it
# Before the first stage, the control socket's refusals: an undeclared
# event, a private event without a vCPU, a shared one with a vCPU, a vCPU
# that does not exist, an unknown guest, a second guest of the same name;
# the guest must go on undisturbed.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

events="--sdei-event 100 --sdei-event 200,critical --sdei-event 300,shared"

# sig ARGS...: lkvm sdei --name $g signal ARGS; sets reply (stdout) and src.
sig() {
	reply=$("$LKVM" sdei --name "$g" signal "$@" 2>"$W/sig.err")
	src=$?
	echo "lab: $name: signal $* -> $src: $reply$(cat "$W/sig.err")"
}

# refused WHY ARGS...: the signal fails with WHY in lkvm's error line.
refused() {
	_why=$1
	shift
	sig "$@"
	[ "$src" = 1 ] && grep -qF -- "$_why" "$W/sig.err" ||
		fail "$mode: signal $* was not refused with '$_why' (exit $src: $reply$(cat "$W/sig.err"))"
}

# stage WAIT-TEXT EXPECTED-REPLY ARGS...: waits for the guest's line, then
# signals and checks lkvm's reply.
stage() {
	_text=$1
	_want=$2
	shift 2
	wait_out "$tag" "SDEI-HOST: WAIT $_text" 90 ||
		fail "$mode: no 'SDEI-HOST: WAIT $_text' (lkvm exit ${rc:-?}): $(grep -a 'SDEI-HOST: FAIL' "$W/$tag.out" | head -n 1)"
	sig "$@"
	[ "$src" = 0 ] && [ "$reply" = "$_want" ] ||
		fail "$mode: $_text: signal $* answered '$reply' (exit $src), expected '$_want'"
}

for mode in el1 el2; do
	flags=
	[ "$mode" = el2 ] && flags=--nested
	tag=host-$mode
	g=sdei-host-$mode-$$
	# shellcheck disable=SC2086
	start_lkvm "$tag" run -k "$LAB/guests/sdei-host.img" -c 2 --name "$g" \
		$events $flags --loglevel info
	wait_out "$tag" 'SDEI-HOST: WAIT regs' 90 ||
		fail "$mode: the guest never got to its first stage"
	if [ "$mode" = el1 ]; then
		refused "is not declared" 999 --cpu 0
		refused "is private" 100
		refused "is shared" 300 --cpu 1
		refused "does not exist" 100 --cpu 2
		g0=$g
		g=no-such-guest
		refused "no such guest" 0 --cpu 0
		g=$g0
		run_lkvm dup run -k "$LAB/guests/sdei-host.img" --name "$g"
		[ "$rc" = 1 ] && has dup err "a guest of that name is running" ||
			fail "a second guest named $g: exit $rc, $(head -n 1 "$W/dup.err")"
		last=$tag
		# A trigger for a vCPU that never registered: pending, held.
		stage regs "ok pending held=unregistered" 200 --cpu 1
	fi
	stage regs "ok pending" 100 --cpu 0
	stage normal "ok pending" 100 --cpu 0
	# The normal handler now runs on cpu0, waiting for the critical event.
	wait_out "$tag" "SDEI-HOST: WAIT critical" 90 ||
		fail "$mode: the normal handler did not start"
	"$LKVM" sdei --name "$g" status --json >"$W/status.json" 2>&1 ||
		fail "$mode: sdei status --json: $(cat "$W/status.json")"
	grep -qF '{"vcpu":0,"masked":false,"running":[100]}' "$W/status.json" &&
		grep -qF '{"event":100,"type":"private","priority":"normal","signalable":false,"vcpus":[{"vcpu":0,"registered":true,"enabled":true,"running":true,"pending":false}' "$W/status.json" &&
		grep -qF '{"event":300,"type":"shared","priority":"normal","signalable":false,"registered":false' "$W/status.json" ||
		fail "$mode: sdei status --json while the handler runs: $(cat "$W/status.json")"
	"$LKVM" sdei --name "$g" status >"$W/status.txt" 2>&1 ||
		fail "$mode: sdei status: $(cat "$W/status.txt")"
	grep -q '^0 *unmasked *100$' "$W/status.txt" &&
		grep -q '^100 *private *normal *0 *registered enabled running$' "$W/status.txt" ||
		fail "$mode: sdei status: $(cat "$W/status.txt")"
	stage critical "ok pending" 200 --cpu 0
	stage route-pe1 "ok pending" 300
	stage route-pe0 "ok pending" 300
	stage route-any "ok pending" 300
	stage unregister "ok pending" 300
	stage masked "ok pending held=masked" 100 --cpu 1
	sig 100 --cpu 0
	[ "$src" = 0 ] || fail "$mode: the go-ahead signal failed: $reply"
	wait_lkvm
	has "$tag" out 'SDEI-HOST: PASS' ||
		fail "$mode: no 'SDEI-HOST: PASS' (lkvm exit $rc): $(grep -a 'SDEI-HOST: FAIL' "$W/$tag.out" | head -n 1)"
	[ "$rc" = 0 ] || fail "$mode: lkvm exited $rc"
	[ ! -e "$sockdir/$g.sock" ] || fail "$mode: lkvm left its socket behind"
done
checks=$(grep -a -o 'SDEI-HOST: PASS [0-9]* checks' "$W/host-el1.out" | head -n 1)
pass "$checks at EL1 and EL2; refusals of the control socket clear, guest undisturbed"
