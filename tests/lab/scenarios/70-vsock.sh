#!/bin/sh
# lab-timeout: 600
#
# --vsock CID through L1's vhost-vsock (Debian's vhost_vsock module, with
# vhost, vhost_iotlb, vsock and vmw_vsock_virtio_transport_common, from
# /lab/mods), under a Debian guest that loads vsock and its virtio
# transport from its initramfs:
#   1. without the module, --vsock 42 is refused before any VM, in one
#      line that names the module;
#   2. at EL1, and at EL2 (--nested), with --vsock 42: the guest's CID
#      is 42 (the config space); L1 connects to CID 42 and the guest's
#      vsock-echo echoes the line; the guest connects to CID 2 (the host)
#      and L1's vsock-echo echoes it;
#   3. a second lkvm with --vsock 42 while the first runs is refused in
#      one line (the CID is in use), exit 1, no VM;
#   4. at EL1, the guest unloads and reloads its transport (a device
#      reset, then the queues handed to vhost again): L1's echo works
#      again.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

mkfifo "$W/console"
exec 3<>"$W/console"
smoke=$LAB/guests/smoke.img
cleanup() {
	[ -n "${lkvm_pid:-}" ] && kill "$lkvm_pid" 2>/dev/null
	[ -n "${listen_pid:-}" ] && kill "$listen_pid" 2>/dev/null
}
trap cleanup EXIT

# --- 1. no vhost_vsock -------------------------------------------------
if [ ! -e /dev/vhost-vsock ]; then
	run_lkvm novhost run -k "$smoke" --vsock 42
	[ "$rc" = 1 ] || fail "without vhost_vsock: exit $rc, expected 1"
	[ "$(lines "$W/novhost.err")" = 1 ] ||
		fail "without vhost_vsock: not one line: $(cat "$W/novhost.err")"
	grep -q '^lkvm: --vsock: /dev/vhost-vsock: .*vhost_vsock' "$W/novhost.err" ||
		fail "without vhost_vsock: $(cat "$W/novhost.err")"
	echo "lab: $name: without the module: $(cat "$W/novhost.err")"
fi
for m in vsock vmw_vsock_virtio_transport_common vhost_iotlb vhost vhost_vsock; do
	[ -d "/sys/module/$m" ] || insmod "$LAB/mods/$m.ko" ||
		fail "insmod $m.ko failed"
done
# devtmpfs makes the node as the module registers its misc device.
n=0
while [ ! -e /dev/vhost-vsock ] && [ "$n" -lt 50 ]; do
	sleep 0.1
	n=$((n + 1))
done
[ -e /dev/vhost-vsock ] || fail "no /dev/vhost-vsock after insmod vhost_vsock"

guest_mods="insmod /mods/vsock.ko; insmod /mods/vmw_vsock_virtio_transport_common.ko; insmod /mods/vmw_vsock_virtio_transport.ko"

# l1_to_guest TEXT: the guest listens on 1234, L1 connects to CID 42.
l1_to_guest() {
	guest_run "rm -f /tmp/l.out; vsock-echo listen 1234 >/tmp/l.out 2>&1 & until grep -q listening /tmp/l.out; do sleep 0.1; done; cat /tmp/l.out" 30 ||
		fail "$mode: the guest's listener did not start: $(cat "$W/run.out")"
	got=$("$LAB/bin/vsock-echo" connect 42 1234 "$1" 2>&1)
	[ "$got" = "vsock-echo: reply $1" ] ||
		fail "$mode: L1 to CID 42: '$got'"
	echo "lab: $name: $mode: L1 -> guest: $got"
	guest_run "while ! grep -q echoed /tmp/l.out; do sleep 0.1; done; cat /tmp/l.out" 30 ||
		fail "$mode: the guest's listener did not finish"
	grep -q 'vsock-echo: echoed .* to CID 2$' "$W/run.out" ||
		fail "$mode: the guest's peer was not CID 2: $(cat "$W/run.out")"
}

# guest_to_l1 TEXT: L1 listens on 2345, the guest connects to CID 2.
guest_to_l1() {
	rm -f "$W/l1.listen"
	"$LAB/bin/vsock-echo" listen 2345 >"$W/l1.listen" 2>&1 &
	listen_pid=$!
	n=0
	while ! grep -q listening "$W/l1.listen" 2>/dev/null; do
		kill -0 "$listen_pid" 2>/dev/null ||
			fail "$mode: L1's listener ended: $(cat "$W/l1.listen")"
		n=$((n + 1))
		[ "$n" -lt 300 ] || fail "$mode: L1's listener did not start"
		sleep 0.1
	done
	guest_run "vsock-echo connect 2 2345 $1" 30 ||
		fail "$mode: guest to CID 2 failed: $(cat "$W/run.out")"
	grep -qx "vsock-echo: reply $1" "$W/run.out" ||
		fail "$mode: guest to CID 2: $(cat "$W/run.out")"
	wait "$listen_pid" || fail "$mode: L1's listener failed: $(cat "$W/l1.listen")"
	listen_pid=
	grep -q 'vsock-echo: echoed .* to CID 42$' "$W/l1.listen" ||
		fail "$mode: L1's peer was not CID 42: $(cat "$W/l1.listen")"
	echo "lab: $name: $mode: guest -> L1: $(tail -n 1 "$W/l1.listen")"
}

# vsock MODE OPTIONS...: parts 2 and 3 (and 4 at EL1) at one level.
vsock() {
	mode=$1
	shift
	tag=v-$mode
	ready=1
	LKVM_STDIN=$W/console start_lkvm "$tag" run -k "$LAB/l2/Image" \
		-i "$LAB/l2/initrd.cpio.gz" -m 256 -c 1 --loglevel info \
		--vsock 42 "$@" -p "quiet lkvm.virtio lkvm.wait-cmd"
	wait_out "$tag" LKVM-GUEST-READY 240 || fail "$mode: the guest never got ready"
	has "$tag" err 'virtio-vsock: guest CID 42' ||
		fail "$mode: lkvm did not report the vsock device"
	guest_run "$guest_mods; vsock-echo cid" 30 ||
		fail "$mode: loading the guest's vsock modules failed: $(cat "$W/run.out")"
	grep -qx 'vsock-echo: local CID 42' "$W/run.out" ||
		fail "$mode: the guest's CID is not 42: $(cat "$W/run.out")"
	l1_to_guest "hello-guest-$mode"
	guest_to_l1 "hello-host-$mode"
	# 3. The CID is taken while this guest runs.
	run_lkvm "inuse-$mode" run -k "$smoke" --vsock 42
	[ "$rc" = 1 ] && [ "$(lines "$W/inuse-$mode.err")" = 1 ] &&
		grep -q '^lkvm: --vsock: CID 42 is already in use' "$W/inuse-$mode.err" ||
		fail "$mode: a second --vsock 42: exit $rc: $(cat "$W/inuse-$mode.err")"
	echo "lab: $name: $mode: a second --vsock 42: $(cat "$W/inuse-$mode.err")"
	last=$tag
	if [ "$mode" = el1 ]; then
		# 4. A driver reload: reset, then DRIVER_OK again.
		guest_run "rmmod vmw_vsock_virtio_transport && insmod /mods/vmw_vsock_virtio_transport.ko && vsock-echo cid" 30 ||
			fail "$mode: reloading the transport failed: $(cat "$W/run.out")"
		l1_to_guest "again-guest-$mode"
		guest_to_l1 "again-host-$mode"
	fi
	echo poweroff >&3
	wait_lkvm
	[ "$rc" = 0 ] || fail "$mode: lkvm exited $rc"
	grep -a 'sandbox\|vsock' "$W/$tag.err" | sed "s/^/lab: $name: $mode: /"
}

vsock el1
vsock el2 --nested
pass "vsock echo both ways at EL1 and EL2; refused without vhost_vsock and with a CID in use"
