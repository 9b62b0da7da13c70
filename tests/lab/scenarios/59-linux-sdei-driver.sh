#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 300
#
# The guest kernel's own SDEI client, driven by the lab's test module
# (guest-images/linux/sdei-test, built by tests/lab/sdei-module), at EL1
# and at EL2 (--nested, VHE), 2 vCPUs, with the platform events 300
# (shared) and 100 (private) declared:
#   - the module registers and enables both through sdei_event_register()
#     and sdei_event_enable(); lkvm sdei status shows them registered and
#     enabled (300 with the route Linux asks for, 100 on both vCPUs);
#   - 300 signalled from the host 20 times, one at a time (every answer
#     "ok pending", none merged), reaches the handler 20 times;
#   - 100 signalled 10 times to each vCPU runs 10 times on that vCPU;
#   - while cpu1 spins 4 s with interrupts disabled (local_irq_save and
#     mdelay in the module), 5 signals of 100 to cpu1 all run there: the
#     NMI-like property SDEI users rely on;
#   - the guest powers off cleanly (exit 0).
# The counts come from the module's report, read on the guest's console.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

sockdir=${XDG_RUNTIME_DIR:+$XDG_RUNTIME_DIR/lkvm}
sockdir=${sockdir:-${HOME:-/}/.lkvm}

# report TAG EVENT CPU: the module's count for EVENT on CPU (0 if none).
report() {
	_c=$(grep -a "^LKVM-GUEST-SDEI-REPORT event=$2 cpu=$3 " "$W/$1.out" |
		tail -n 1 | sed -n 's/.* count=\([0-9]*\).*/\1/p')
	echo "${_c:-0}"
}

# signals TAG EVENT CPU N: N signals through sig-latency, 20 ms apart;
# every one must be answered "ok pending".
signals() {
	"$LAB/bin/sig-latency" "$sockdir/$g.sock" "$2" "$3" "$4" 20 >"$W/$1.sig" ||
		fail "$mode: sig-latency $2 $3 failed"
	_ok=$(grep -c ' ok pending$' "$W/$1.sig")
	[ "$_ok" = "$4" ] ||
		fail "$mode: event $2 cpu $3: $_ok of $4 signals answered 'ok pending': $(grep -v ' ok pending$' "$W/$1.sig" | head -n 1)"
}

mkfifo "$W/console"
exec 3<>"$W/console"
for mode in el1 el2; do
	flags=
	[ "$mode" = el2 ] && flags=--nested
	g=sdei-drv-$mode-$$
	tag=drv-$mode
	# shellcheck disable=SC2086
	LKVM_STDIN=$W/console start_lkvm "$tag" run -k "$LAB/l2/Image" \
		-i "$LAB/l2/initrd.cpio.gz" -m 256 -c 2 --name "$g" $flags \
		--sdei-event 300,shared --sdei-event 100 --loglevel info \
		-p "quiet lkvm.sdei-test=300,100 lkvm.wait-cmd"
	wait_out "$tag" LKVM-GUEST-READY 180 || fail "$mode: the guest never got ready"
	grep -a 'LKVM-GUEST-SDEI-TEST\|sdei' "$W/$tag.out" | tr -d '\r' | sed "s/^/lab: $name: guest: /"
	has "$tag" out 'LKVM-GUEST-SDEI-TEST loaded events=300,100' ||
		fail "$mode: the module did not load: $(grep -a 'LKVM-GUEST-SDEI-TEST' "$W/$tag.out" | tr -d '\r')"
	"$LKVM" sdei --name "$g" status --json >"$W/status.json" 2>&1 ||
		fail "$mode: sdei status: $(cat "$W/status.json")"
	grep -qF '{"event":300,"type":"shared","priority":"normal","signalable":false,"registered":true,"enabled":true,"running":false,"pending":false,"route":"RM_ANY"}' "$W/status.json" ||
		fail "$mode: event 300 is not registered and enabled: $(cat "$W/status.json")"
	grep -qF '"vcpus":[{"vcpu":0,"registered":true,"enabled":true,"running":false,"pending":false},{"vcpu":1,"registered":true,"enabled":true' "$W/status.json" ||
		fail "$mode: event 100 is not registered on both vCPUs: $(cat "$W/status.json")"

	signals shared 300 - 20
	signals cpu0 100 0 10
	signals cpu1 100 1 10
	# cpu1 spins 4 s with interrupts disabled; 5 more signals to it.
	echo "spin 1 4000" >&3
	wait_out "$tag" "LKVM-GUEST-SPIN start cpu=1" 60 || fail "$mode: the spin did not start"
	sleep 0.5
	signals spin 100 1 5
	wait_out "$tag" "LKVM-GUEST-SPIN done cpu=1" 60 || fail "$mode: the spin did not end"
	echo report >&3
	wait_out "$tag" LKVM-GUEST-READY 60 3 || fail "$mode: no report from the guest"
	grep -a '^LKVM-GUEST-SDEI-REPORT' "$W/$tag.out" | tr -d '\r' | sed "s/^/lab: $name: /"
	s0=$(report "$tag" 300 0)
	s1=$(report "$tag" 300 1)
	[ $((s0 + s1)) = 20 ] || fail "$mode: event 300 ran $s0 + $s1 times, expected 20"
	[ "$(report "$tag" 100 0)" = 10 ] && [ "$(report "$tag" 100 1)" = 15 ] ||
		fail "$mode: event 100 ran $(report "$tag" 100 0) times on cpu0, $(report "$tag" 100 1) on cpu1, expected 10 and 15"
	spin=$(grep -a '^LKVM-GUEST-SDEI-REPORT spin ' "$W/$tag.out" | tail -n 1 | tr -d '\r')
	case "$spin" in
	*"spin cpu=1 ms=4000 hits=5") ;;
	*) fail "$mode: while cpu1 spun with interrupts off: '${spin#LKVM-GUEST-SDEI-REPORT }', expected 5 hits" ;;
	esac
	echo poweroff >&3
	wait_lkvm
	[ "$rc" = 0 ] || fail "$mode: lkvm exited $rc"
	eval "split_$mode=\"$s0/$s1\""
done
exec 3>&-
# shellcheck disable=SC2154
pass "Linux's SDEI client took 20 host signals of shared 300 (cpu0/cpu1: $split_el1 at EL1, $split_el2 at EL2), 10 of private 100 on each vCPU, 5 of 5 while cpu1 spun with IRQs off"
