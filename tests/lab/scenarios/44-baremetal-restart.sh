#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 120
#
# --reboot=restart starts the guest afresh: RAM, GIC and SDEI. The
# bare-metal restart guest (2 vCPUs, --sdei-event 100 --sdei-event
# 300,shared) checks on every boot, before any SDEI reset call (it makes
# none), that nothing is left: no event registered, enabled or running, no
# binding, every PE masked, the GIC and a RAM word as a new VM has them
# ("RESTART: boot state fresh (N checks)"). Then it registers, enables,
# binds, unmasks, writes RAM and the GIC, and prints "RESTART: WAIT 300";
# the scenario signals event 300 (`lkvm sdei signal`), whose handler
# stays running on cpu1 while cpu0 leaves event 0 pending on both vCPUs
# and resets with PSCI SYSTEM_RESET from inside the bound UART event's
# handler, the UART's line still high. Three boots at EL1, two at EL2
# (--nested: each restart also costs the teardown of the nested stage-2
# MMUs); at the last boot's WAIT line `lkvm stop` ends it:
# exit 6. Checks the guest's lines of every boot and lkvm's "restarting it
# (boot N)" lines.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

# guest_fail TAG: the guest's first FAIL line, if any.
guest_fail() {
	grep -a 'RESTART: FAIL' "$W/$1.out" | head -n 1 | tr -d '\r'
}

for mode in el1 el2; do
	flags=
	boots=3
	if [ "$mode" = el2 ]; then
		flags=--nested
		boots=2
	fi
	tag=restart-$mode
	g=restart-$mode-$$
	# shellcheck disable=SC2086
	start_lkvm "$tag" run -k "$LAB/guests/restart.img" -c 2 -m 128 \
		--name "$g" --reboot=restart --sdei-event 100 \
		--sdei-event 300,shared $flags --loglevel info
	b=1
	while :; do
		wait_out "$tag" 'RESTART: boot state fresh (' 60 "$b" ||
			fail "$mode: no fresh state at boot $b: $(guest_fail "$tag")"
		wait_out "$tag" 'RESTART: WAIT 300' 60 "$b" ||
			fail "$mode: boot $b did not get to its WAIT line: $(guest_fail "$tag")"
		[ "$b" = "$boots" ] && break
		reply=$("$LKVM" sdei --name "$g" signal 300 2>&1)
		[ "$reply" = "ok pending" ] ||
			fail "$mode: boot $b: signal 300 answered '$reply'"
		b=$((b + 1))
	done
	"$LKVM" stop --name "$g" >"$W/stop.out" 2>&1 ||
		fail "$mode: lkvm stop: $(cat "$W/stop.out")"
	wait_lkvm
	metric "${mode}_wall" "$wall" s
	grep -a 'RESTART: ' "$W/$tag.out" | tr -d '\r' | sed "s/^/lab: $name: $mode: /"
	[ "$rc" = 6 ] || fail "$mode: lkvm exited $rc, expected 6 (lkvm stop)"
	[ -z "$(guest_fail "$tag")" ] || fail "$mode: $(guest_fail "$tag")"
	n=$(out_count "$tag" 'RESTART: boot state fresh (')
	[ "$n" = "$boots" ] || fail "$mode: $n fresh boots, expected $boots"
	n=$(out_count "$tag" 'RESTART: WAIT 300')
	[ "$n" = "$boots" ] || fail "$mode: $n WAIT lines, expected $boots"
	for n in $(seq 2 "$boots"); do
		has "$tag" err "restarting it (boot $n)" ||
			fail "$mode: no 'restarting it (boot $n)' line from lkvm"
	done
	n=$(grep -ac 'restarting it (boot ' "$W/$tag.err")
	[ "$n" = $((boots - 1)) ] ||
		fail "$mode: lkvm restarted the guest $n times, expected $((boots - 1))"
	n=$(grep -ac 'guest reset (vCPU 0)' "$W/$tag.err")
	[ "$n" = $((boots - 1)) ] ||
		fail "$mode: $n PSCI resets from vCPU 0 logged, expected $((boots - 1))"
	has "$tag" err 'control: stopping the guest (lkvm stop)' ||
		fail "$mode: lkvm did not log the stop"
done
fresh=$(grep -a -o 'boot state fresh ([0-9]* checks)' "$W/restart-el1.out" | head -n 1)
pass "3 boots at EL1, 2 at EL2, each $fresh; stopped: exit 6"
