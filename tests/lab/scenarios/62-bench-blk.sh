#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 420
#
# Disk benchmark (figures, not a pass on speed): a Debian guest (EL1,
# 2 vCPUs) runs the lab's blkbench (tests/lab/tools/blkbench.c, O_DIRECT)
# on a 64 MiB raw virtio-blk disk, once with lkvm's io_uring backend and
# once with --disk-io sync, in the same run:
#   seqwrite 32 MiB (1 MiB writes, then fdatasync), seqread 32 MiB,
#   randread 4 KiB for 5 s with 4 threads at a time.
# Each gives MiB/s or IOPS; the io_uring/sync ratios follow. KVM exits per
# request: the VM's exits (KVM's debugfs statistics in L1, all vCPUs, and
# of them those that reached lkvm as MMIO) over the requests the guest's
# disk completed (/sys/block/vda/stat), across the three runs.
# lkvm's own account at exit (--loglevel info): each request's mean and
# longest time inside lkvm, from decoding to completion, per backend.
# Fails only if a benchmark could not run.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

mkfifo "$W/console"
exec 3<>"$W/console"
mode=el1
g=bench-blk-$$
disk=$W/disk.img
dd if=/dev/zero of="$disk" bs=1M count=0 seek=64 2>/dev/null
dbg=/sys/kernel/debug
[ -d "$dbg/kvm" ] || mount -t debugfs debugfs "$dbg" 2>/dev/null

# kvm_stat NAME: the VM's counter NAME (KVM's debugfs, this lkvm's VM).
kvm_stat() {
	cat "$dbg"/kvm/"$lkvm_pid"-*/"$1" 2>/dev/null | head -n 1
}

# disk_requests: sets reqs to the reads plus writes the guest's vda
# completed (not in a subshell: guest_run counts the guest's prompts).
disk_requests() {
	guest_run "cat /sys/block/vda/stat" >/dev/null || fail "$io: no /sys/block/vda/stat"
	reqs=$(awk '{ print $1 + $5 }' "$W/run.out")
}

# figure MODE FIELD: that field of the last blkbench line for MODE.
figure() {
	sed -n "s/^blkbench $1 .* $2=\([0-9.]*\).*/\1/p" "$W/run.out" | tail -n 1
}

for io in uring sync; do
	tag=b-$io
	LKVM_STDIN=$W/console start_lkvm "$tag" run -k "$LAB/l2/Image" \
		-i "$LAB/l2/initrd.cpio.gz" -m 256 -c 2 --name "$g" -d "$disk" \
		--disk-io "$io" --loglevel info -p "quiet lkvm.virtio lkvm.wait-cmd"
	wait_out "$tag" LKVM-GUEST-READY 180 || fail "$io: the guest never got ready"
	ready=1
	disk_requests
	req0=$reqs
	exits0=$(kvm_stat exits)
	user0=$(kvm_stat mmio_exit_user)
	guest_run "blkbench /dev/vda seqwrite 32" || fail "$io: seqwrite: $(cat "$W/run.out")"
	eval "seqwrite_$io=$(figure seqwrite mib_s)"
	guest_run "blkbench /dev/vda seqread 32" || fail "$io: seqread: $(cat "$W/run.out")"
	eval "seqread_$io=$(figure seqread mib_s)"
	guest_run "blkbench /dev/vda randread 5 4" || fail "$io: randread: $(cat "$W/run.out")"
	eval "randread_$io=$(figure randread iops)"
	disk_requests
	req1=$reqs
	exits1=$(kvm_stat exits)
	user1=$(kvm_stat mmio_exit_user)
	echo poweroff >&3
	wait_lkvm
	[ "$rc" = 0 ] || fail "$io: lkvm exited $rc"
	reqs=$((req1 - req0))
	[ "$reqs" -gt 0 ] || fail "$io: the disk completed no request"
	if [ -n "$exits0" ] && [ -n "$exits1" ]; then
		eval "exits_$io=$(calc "($exits1 - $exits0) / $reqs")"
		eval "user_$io=$(calc "($user1 - $user0) / $reqs")"
	else
		eval "exits_$io=n/a user_$io=n/a"
	fi
	eval "reqs_$io=$reqs"
	# lkvm's own account of the disk (--loglevel info, at exit): where
	# a request's time goes inside lkvm, decoding to completion.
	acct=$(grep -a 'virtio-blk vda: .* requests' "$W/$tag.err" | tail -n 1)
	echo "lab: $name: $io: ${acct#*lkvm: info: }"
	eval "mean_$io=$(echo "$acct" | sed -n 's/.*mean \([0-9]*\) us.*/\1/p')"
	eval "max_$io=$(echo "$acct" | sed -n 's/.*max \([0-9]*\) us.*/\1/p')"
done
exec 3>&-

# shellcheck disable=SC2154
{
	metric seqwrite_mib_s_uring "$seqwrite_uring" MiB/s
	metric seqwrite_mib_s_sync "$seqwrite_sync" MiB/s
	metric seqread_mib_s_uring "$seqread_uring" MiB/s
	metric seqread_mib_s_sync "$seqread_sync" MiB/s
	metric randread_iops_uring "$randread_uring" IOPS
	metric randread_iops_sync "$randread_sync" IOPS
	metric seqwrite_uring_vs_sync "$(calc "$seqwrite_uring / $seqwrite_sync")" x
	metric seqread_uring_vs_sync "$(calc "$seqread_uring / $seqread_sync")" x
	metric randread_uring_vs_sync "$(calc "$randread_uring / $randread_sync")" x
	metric exits_per_request_uring "$exits_uring" exits
	metric exits_per_request_sync "$exits_sync" exits
	metric user_exits_per_request_uring "$user_uring" exits
	metric user_exits_per_request_sync "$user_sync" exits
	metric lkvm_request_mean_us_uring "${mean_uring:-n/a}" us
	metric lkvm_request_mean_us_sync "${mean_sync:-n/a}" us
	metric lkvm_request_max_us_uring "${max_uring:-n/a}" us
	metric lkvm_request_max_us_sync "${max_sync:-n/a}" us
}
pass "io_uring / sync: seqwrite $seqwrite_uring / $seqwrite_sync MiB/s, seqread $seqread_uring / $seqread_sync MiB/s, randread 4K x4 $randread_uring / $randread_sync IOPS; KVM exits per request $exits_uring / $exits_sync (to lkvm: $user_uring / $user_sync) over $reqs_uring / $reqs_sync requests"
