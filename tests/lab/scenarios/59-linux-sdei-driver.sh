#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 360
#
# The guest kernel's own SDEI client, driven by the lab's test module
# (guest-images/linux/sdei-test, built by tests/lab/sdei-module), at EL1
# and at EL2 (--nested, VHE), 2 vCPUs, with the platform events 300 and
# 301 (shared), 100 (private) and 200 (private, critical) declared:
#   - the module registers and enables them through sdei_event_register()
#     and sdei_event_enable(); lkvm sdei status shows each of them
#     registered and enabled (300 with the route Linux asks for, RM_ANY;
#     100 and 200 on both vCPUs);
#   - 300 signalled from the host 20 times, one at a time (each once the
#     event is idle: every answer "ok pending", none merged or held),
#     reaches the handler 20 times, on whichever vCPU lkvm gave it to;
#   - 100 signalled 10 times to each vCPU runs 10 times on that vCPU;
#   - while cpu1 spins with interrupts disabled (local_irq_save in the
#     module) until 5 handler runs arrived there, 5 signals of 100 to
#     cpu1 all run there: the NMI-like property SDEI users rely on (the
#     spin gives up after 20 s, and then reports fewer);
#   - critical preempts normal: while shared 300's handler holds on the
#     vCPU lkvm sdei status shows it running on, a normal 100 signalled
#     there stays pending (status shows it) and a critical 200 gets in
#     (the module records which came first);
#   - hotplug: with cpu1 offline, 100 to cpu1 is answered
#     "held=unregistered" (Linux's hotplug callback unregistered it) and
#     not delivered; back online, the driver's re-registration works and
#     the next signal runs there;
#   - 50 timed signals of 100 to cpu0 (sig-latency): the median time from
#     the request, and from lkvm's reply, to the Linux handler's entry
#     (the module stamps the counter; lkvm logs its offset to the host's);
#   - unload while an event is in flight: 301, routed RM_PE to cpu0 by
#     the module (EVENT_ROUTING_SET), lingers in its handler on cpu0
#     (the guest's poller sees it there) while rmmod runs on cpu1; the kernel's
#     UNREGISTER gets PENDING (-EINPROGRESS), the module lets the handler
#     finish, the firmware's EVENT_STATUS then reads unregistered, rmmod
#     returns and the module is gone; lkvm shows every event unregistered
#     and answers a signal of 301 "held=unregistered" (nothing runs the
#     freed handler); loading the module again (300, 100, 200) registers
#     afresh and events reach it;
#   - a reboot (--reboot=restart): the guest's own view of the firmware
#     after the kernel's reboot notifiers (the module's notifier runs
#     last: every event's EVENT_STATUS is 0, the SDEI client's resets
#     reached lkvm), then the next kernel loads the module again, its
#     registrations succeed afresh and the shared event reaches it;
#   - the guest powers off cleanly (exit 0).
# The counts come from the module's report, read on the guest's console.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

mkfifo "$W/console"
exec 3<>"$W/console"
for mode in el1 el2; do
	flags=
	[ "$mode" = el2 ] && flags=--nested
	g=sdei-drv-$mode-$$
	tag=drv-$mode
	# shellcheck disable=SC2086
	LKVM_STDIN=$W/console start_lkvm "$tag" run -k "$LAB/l2/Image" \
		-i "$LAB/l2/initrd.cpio.gz" -m 256 -c 2 --name "$g" $flags --reboot=restart \
		--sdei-event 300,shared --sdei-event 100 --sdei-event 200,critical \
		--sdei-event 301,shared \
		--loglevel info -p "quiet lkvm.sdei-test=300,100,200,301 lkvm.wait-cmd"
	wait_out "$tag" LKVM-GUEST-READY 180 || fail "$mode: the guest never got ready"
	grep -a 'LKVM-GUEST-SDEI-TEST\|sdei' "$W/$tag.out" | tr -d '\r' | sed "s/^/lab: $name: guest: /"
	has "$tag" out 'LKVM-GUEST-SDEI-TEST loaded events=300,100,200,301' ||
		fail "$mode: the module did not load: $(grep -a 'LKVM-GUEST-SDEI-TEST' "$W/$tag.out" | tr -d '\r')"
	status_json || fail "$mode: sdei status: $(cat "$W/status.json")"
	[ "$(event_json "$W/status.json" 300)" = '{"event":300,"type":"shared","priority":"normal","signalable":false,"registered":true,"enabled":true,"running":false,"pending":false,"route":"RM_ANY"}' ] ||
		fail "$mode: event 300 is not registered, enabled and idle with RM_ANY: $(event_json "$W/status.json" 300)"
	for e in 100 200; do
		for c in 0 1; do
			[ "$(vcpu_entry "$W/status.json" $e $c)" = "{\"vcpu\":$c,\"registered\":true,\"enabled\":true,\"running\":false,\"pending\":false}" ] ||
				fail "$mode: event $e is not registered and enabled on vCPU $c: $(event_json "$W/status.json" $e)"
		done
	done

	signals shared 300 - 20
	signals cpu0 100 0 10
	signals cpu1 100 1 10
	# cpu1 spins with interrupts disabled until 5 handler runs arrived
	# there; the signals go once the module says it spins.
	echo "spin 1 5" >&3
	wait_out "$tag" "LKVM-GUEST-SPIN spinning cpu=1" 60 ||
		fail "$mode: the spin did not start: $(grep -a 'LKVM-GUEST-SPIN' "$W/$tag.out" | tr -d '\r')"
	signals spin 100 1 5
	wait_out "$tag" "LKVM-GUEST-SPIN done cpu=1" 60 || fail "$mode: the spin did not end"
	ready=2

	# Critical preempts normal: 300's next handler run holds (20 s at
	# most) where lkvm gave it; a normal 100 there waits, pending; a
	# critical 200 gets in and ends the hold.
	command "set hold_event 300"
	[ "$(sig 300)" = "ok pending" ] || fail "$mode: signal of 300 to hold: lkvm answered '$(sig 300)'"
	event_until 300 '"running":true' 30 ||
		fail "$mode: event 300's handler was never seen running: $(event_json "$W/status.json" 300)"
	hc=$(running_on "$W/status.json" 300)
	case "$hc" in
	0 | 1) ;;
	*) fail "$mode: event 300 runs on vCPU(s) '$hc': $(cat "$W/status.json")" ;;
	esac
	[ "$(sig 100 "$hc")" = "ok pending" ] || fail "$mode: signal of 100 to vCPU $hc: lkvm answered '$(sig 100 "$hc")'"
	event_until "100:$hc" '"running":false,"pending":true' 10 ||
		fail "$mode: a normal 100 on vCPU $hc while 300 held there: $(event_json "$W/status.json" 100)"
	[ "$(sig 200 "$hc")" = "ok pending" ] || fail "$mode: signal of 200 to vCPU $hc: lkvm answered '$(sig 200 "$hc")'"
	idle 300 30 || fail "$mode: event 300's handler never completed: $(event_json "$W/status.json" 300)"
	idle "100:$hc" 10 && idle "200:$hc" 10 ||
		fail "$mode: 100 or 200 on vCPU $hc never ran: $(cat "$W/status.json")"

	# Hotplug: offline, cpu1's private event is not delivered and lkvm
	# says why; online again, the driver's re-registration works.
	command "cpu 1 0"
	wait_out "$tag" "LKVM-GUEST-CPU 1 online=0" 60 || fail "$mode: cpu1 did not go offline"
	[ "$(sig 100 1)" = "ok pending held=unregistered" ] ||
		fail "$mode: event 100 to offline cpu1: lkvm answered '$(sig 100 1)'"
	command "cpu 1 1"
	wait_out "$tag" "LKVM-GUEST-CPU 1 online=1" 60 || fail "$mode: cpu1 did not come back"
	[ "$(sig 100 1)" = "ok pending" ] ||
		fail "$mode: event 100 to cpu1 back online: lkvm answered '$(sig 100 1)'"
	idle 100:1 10 || fail "$mode: event 100 on cpu1 back online never ran: $(event_json "$W/status.json" 100)"
	command report
	grep -a '^LKVM-GUEST-SDEI-REPORT' "$W/$tag.out" | tr -d '\r' | sed "s/^/lab: $name: /"
	s0=$(report "$tag" 300 0)
	s1=$(report "$tag" 300 1)
	[ $((s0 + s1)) = 21 ] || fail "$mode: event 300 ran $s0 + $s1 times, expected 21"
	# 10 signals each, 5 during cpu1's spin and 1 after its hotplug on
	# cpu1, and the one held behind 300 on vCPU $hc.
	want0=$((10 + (hc == 0)))
	want1=$((16 + (hc == 1)))
	[ "$(report "$tag" 100 0)" = "$want0" ] && [ "$(report "$tag" 100 1)" = "$want1" ] ||
		fail "$mode: event 100 ran $(report "$tag" 100 0) times on cpu0, $(report "$tag" 100 1) on cpu1, expected $want0 and $want1"
	[ "$(report "$tag" 200 "$hc")" = 1 ] || fail "$mode: critical 200 ran $(report "$tag" 200 "$hc") times on cpu$hc"
	hold=$(grep -a '^LKVM-GUEST-SDEI-REPORT hold ' "$W/$tag.out" | tail -n 1 | tr -d '\r')
	[ "${hold#LKVM-GUEST-SDEI-REPORT }" = "hold event=300 cpu=$hc inner=200" ] ||
		fail "$mode: while 300's handler held: '${hold#LKVM-GUEST-SDEI-REPORT }', expected the critical 200 to get in first"
	spin=$(grep -a '^LKVM-GUEST-SDEI-REPORT spin ' "$W/$tag.out" | tail -n 1 | tr -d '\r')
	[ "${spin#LKVM-GUEST-SDEI-REPORT }" = "spin cpu=1 wanted=5 hits=5" ] ||
		fail "$mode: while cpu1 spun with interrupts off: '${spin#LKVM-GUEST-SDEI-REPORT }', expected 5 hits"
	# Latency from the host's signal to the Linux handler: 50 timed
	# signals of 100 to cpu0; the module stamps each handler entry.
	command "set stamp_event 100"
	"$LAB/bin/sig-latency" "$sockdir/$g.sock" 100 0 50 20 >"$W/lat.sig" 2>"$W/sig.err" ||
		fail "$mode: sig-latency failed: $(cat "$W/sig.err")"
	[ "$(grep -c '^SIG .* ok pending$' "$W/lat.sig")" = 50 ] ||
		fail "$mode: timed signals: $(grep -v ' ok pending$' "$W/lat.sig" | head -n 1)"
	command report
	off=$(sed -n 's/.*guest counter = host CNTVCT - \(-\{0,1\}[0-9]*\).*/\1/p' "$W/$tag.err" | head -n 1)
	freq=$(sed -n 's/^LKVM-GUEST-SDEI-REPORT freq \([0-9]*\).*/\1/p' "$W/$tag.out" | tail -n 1)
	grep -a '^LKVM-GUEST-SDEI-REPORT stamp ' "$W/$tag.out" | tail -n 50 | tr -d '\r' |
		awk '{ print $3, $4 }' >"$W/stamps"
	[ "$(lines "$W/stamps")" = 50 ] || fail "$mode: $(lines "$W/stamps") of 50 timed signals reached the handler"
	[ -n "$off" ] && [ -n "$freq" ] || fail "$mode: no counter offset or frequency"
	awk -v off="$off" -v f="$freq" '
		FNR == NR { entry[$1] = $2; next }
		($2 in entry) { print (entry[$2] - ($3 - off)) * 1e6 / f,
				      (entry[$2] - ($4 - off)) * 1e6 / f }' \
		"$W/stamps" "$W/lat.sig" >"$W/lat.us"
	send=$(cut -d' ' -f1 "$W/lat.us" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	lat=$(cut -d' ' -f2 "$W/lat.us" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	awk -v s="$send" -v l="$lat" 'BEGIN { exit !(s > 0 && s < 1e6 && l > -1e6 && l < 1e6) }' ||
		fail "$mode: medians $send us and $lat us: the clocks were not lined up"
	metric "${mode}_send_to_linux_handler_median" "$send" us
	metric "${mode}_reply_to_linux_handler_median" "$lat" us
	eval "lat_$mode=\$lat send_$mode=\$send"

	# Unload with an event in flight: 301, routed to cpu0, lingers in
	# its handler there until the module's exit releases it; rmmod runs
	# on cpu1.
	command "route 301 0"
	has "$tag" out "LKVM-GUEST-ROUTE 301 cpu=0 rc=0" || fail "$mode: routing 301 to cpu0 failed"
	status_json || fail "$mode: sdei status: $(cat "$W/status.json")"
	event_json "$W/status.json" 301 | grep -qF '"registered":true,"enabled":true,"running":false,"pending":false,"route":"RM_PE","affinity":0}' ||
		fail "$mode: 301 after ROUTING_SET to cpu0: $(event_json "$W/status.json" 301)"
	command "set linger_event 301"
	echo rmmod-inflight >&3
	ready=$((ready + 1))
	wait_out "$tag" "LKVM-GUEST-RMMOD waiting" 60 || fail "$mode: rmmod-inflight did not start"
	# (Not watched from here: the rmmod may be over before a status
	# request would see 301 running. The guest's poller saw it lingering,
	# on cpu0 (its route), and lkvm answered the kernel's UNREGISTER
	# PENDING: both are checked below.)
	[ "$(sig 301)" = "ok pending" ] || fail "$mode: signal of 301: lkvm answered '$(sig 301)'"
	wait_out "$tag" "LKVM-GUEST-RMMOD end" 60 || fail "$mode: rmmod with 301 in flight did not return"
	done=$(grep -a 'LKVM-GUEST-RMMOD done' "$W/$tag.out" | tail -n 1 | tr -d '\r')
	echo "lab: $name: $mode: $done"
	case "$done" in
	*"done lingering=0 rc=0 "*" loaded=0") ;;
	*) fail "$mode: rmmod while 301 ran on cpu0: '$done'" ;;
	esac
	rmmod_ms=$(echo "$done" | sed 's/.* t0=\([0-9.]*\) t1=\([0-9.]*\).*/\1 \2/' |
		awk '{ printf "%.0f", ($2 - $1) * 1000 }')
	status_json || fail "$mode: sdei status: $(cat "$W/status.json")"
	for e in 300 301; do
		[ "$(event_json "$W/status.json" $e)" = "{\"event\":$e,\"type\":\"shared\",\"priority\":\"normal\",\"signalable\":false,\"registered\":false,\"enabled\":false,\"running\":false,\"pending\":false}" ] ||
			fail "$mode: after the unload event $e is not unregistered and idle: $(event_json "$W/status.json" $e)"
	done
	grep -q '"registered":true' "$W/status.json" &&
		fail "$mode: after the unload an event is still registered: $(cat "$W/status.json")"
	[ "$(sig 301)" = "ok pending held=unregistered" ] ||
		fail "$mode: signal of 301 after the unload: lkvm answered '$(sig 301)'"
	command "insmod 300,100,200"
	tr -d '\r' <"$W/$tag.out" | grep -aqx 'LKVM-GUEST-SDEI-TEST loaded events=300,100,200' ||
		fail "$mode: the module did not load again after the unload"
	grep -a 'LKVM-GUEST-DMESG.*sdei_test: event 301' "$W/$tag.out" | tr -d '\r' | sort -u | sed "s/^/lab: $name: $mode: /"
	has "$tag" out 'sdei_test: event 301 unregister pending (-115)' ||
		fail "$mode: the kernel's UNREGISTER of running 301 did not get PENDING"
	has "$tag" out 'sdei_test: event 301 unregistered by the firmware at COMPLETE' ||
		fail "$mode: 301's unregistration did not take effect at COMPLETE"
	signals reload 300 - 3
	signals reload1 100 1 3
	command report
	[ $(($(report "$tag" 300 0) + $(report "$tag" 300 1))) = 3 ] && [ "$(report "$tag" 100 1)" = 3 ] ||
		fail "$mode: after the reload 300 ran $(report "$tag" 300 0) + $(report "$tag" 300 1) times, 100 on cpu1 $(report "$tag" 100 1), expected 3 and 3"
	eval "rmmod_$mode=\$rmmod_ms"

	# A guest reboot (--reboot=restart): the kernel's reboot notifiers
	# reset SDEI, as the module's own notifier (the last) sees; the next
	# kernel probes SDEI, loads the module again, registers afresh and
	# takes events.
	echo reboot >&3
	ready=$((ready + 1))
	wait_out "$tag" LKVM-GUEST-READY 180 "$ready" || fail "$mode: no second boot after the reboot"
	for e in 300 100 200; do
		has "$tag" out "sdei_test: after the reboot notifiers: event $e status 0" ||
			fail "$mode: at the reboot, event $e: $(grep -a "after the reboot notifiers: event $e " "$W/$tag.out" | tr -d '\r' | head -n 1)"
	done
	[ "$(grep -ac 'LKVM-GUEST-SDEI-TEST loaded events=300,100,200,301' "$W/$tag.out")" = 2 ] ||
		fail "$mode: the module did not load again after the reboot"
	signals again 300 - 3
	command report
	[ $(($(report "$tag" 300 0) + $(report "$tag" 300 1))) = 3 ] ||
		fail "$mode: after the reboot event 300 ran $(report "$tag" 300 0) + $(report "$tag" 300 1) times, expected 3"
	echo poweroff >&3
	wait_lkvm
	[ "$rc" = 0 ] || fail "$mode: lkvm exited $rc"
	has "$tag" err 'restarting it (boot 2)' || fail "$mode: lkvm did not restart the guest"
	eval "split_$mode=\"$s0/$s1\" hold_$mode=$hc"
done
exec 3>&-
# shellcheck disable=SC2154
pass "Linux's SDEI client: 20 host signals of shared 300 (cpu0/cpu1: $split_el1 at EL1, $split_el2 at EL2), 10 of private 100 on each vCPU, 5 of 5 while cpu1 spun with IRQs off, critical 200 inside a running 300 (on vCPU $hold_el1/$hold_el2), hotplug off (held=unregistered) and on, rmmod while 301 ran (PENDING, then unregistered at COMPLETE; rmmod took ${rmmod_el1}/${rmmod_el2} ms) and reload, reboot and again; host signal to Linux handler, median from request ${send_el1}/${send_el2} us, from reply ${lat_el1}/${lat_el2} us (EL1/EL2)"
