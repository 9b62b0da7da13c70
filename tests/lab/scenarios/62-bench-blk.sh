#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 600
# lab-l1-cpus: 2
# lab-suite: full
#
# Disk benchmark (figures, not a pass on speed): a Debian guest (EL1,
# 2 vCPUs) runs the lab's blkbench (tests/lab/tools/blkbench.c, O_DIRECT
# in the guest) on two 64 MiB raw virtio-blk disks, files written in full
# beforehand, one on each of two file systems of L1:
#   vda  tmpfs, the scenario's folder: every request is a page-cache copy;
#   vdb  ext4 on L1's scratch disk (disk_fs), block-backed: L1's page
#        cache is dropped before each read benchmark, so reads reach the
#        device.
# Five ways, one lkvm each, in the order A B C D E E D C B A (each way
# twice, its best figure kept, so that a burst of load on the shared
# machine spoils one of two): A io_uring, B --disk-io sync, C io_uring
# with ",direct" (O_DIRECT on the ext4 image; vdb only), D --disk-io sync
# with ",direct" (vdb only), E io_uring with disks that do not offer
# VIRTIO_F_EVENT_IDX (LKVM_BENCH_BLK_EVENT_IDX=off): what the event
# index's suppression of notifications and interrupts is worth, A/E. Whether tmpfs takes O_DIRECT is tried first, with
# the smoke guest. On each disk:
#   seqwrite 32 MiB (1 MiB writes, then fdatasync), seqread 32 MiB,
#   randread 4 KiB for 4 s with 4 threads at a time (queue depth 4).
# Each gives MiB/s or IOPS; the io_uring/sync ratios follow, per file
# system, buffered (A/B) and direct (C/D). Also, per way: KVM exits per
# request (KVM's debugfs statistics in L1, all vCPUs, and of them those
# that reached lkvm as MMIO) over the requests the guest's disks completed
# (/sys/block/vd?/stat); io_uring's io-wq workers alive in lkvm after the
# ext4 disk's benchmarks (threads iou-wrk-*); lkvm's own account at exit
# (--loglevel info, per disk): each request's mean and longest time inside
# lkvm, per kind how many went through io_uring and completed inline (in
# the notify that submitted them) or waited, the buffered reads done at
# once. It takes about 5-6 minutes.
# Fails only if a benchmark could not run.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

mkfifo "$W/console"
exec 3<>"$W/console"
mode=el1
g=bench-blk-$$
dbg=/sys/kernel/debug
[ -d "$dbg/kvm" ] || mount -t debugfs debugfs "$dbg" 2>/dev/null

# kvm_stat NAME: the VM's counter NAME (KVM's debugfs, this lkvm's VM).
kvm_stat() {
	cat "$dbg"/kvm/"$lkvm_pid"-*/"$1" 2>/dev/null | head -n 1
}

# disk_requests: sets reqs to the reads plus writes the guest's disks
# completed (not in a subshell: guest_run counts the guest's prompts).
disk_requests() {
	guest_run "cat /sys/block/vda/stat /sys/block/vdb/stat" >/dev/null ||
		fail "$run: no /sys/block/vd?/stat"
	reqs=$(awk '{ n += $1 + $5 } END { print n }' "$W/run.out")
}

# figure MODE FIELD: that field of the last blkbench line for MODE.
figure() {
	sed -n "s/^blkbench $1 .* $2=\([0-9.]*\).*/\1/p" "$W/run.out" | tail -n 1
}

# workers: io_uring's io-wq worker threads in lkvm now.
workers() {
	cat /proc/"$lkvm_pid"/task/*/comm 2>/dev/null | grep -c '^iou-wrk'
}

# cold: L1 forgets the images' cached pages (a no-op on tmpfs), so that
# the next reads reach the file system's device.
cold() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
}

# keep VAR VALUE: VAR becomes VALUE if it is unset or VALUE is larger
# (the best of a way's two runs).
keep() {
	eval "_old=\${$1:-}"
	# shellcheck disable=SC2154
	if [ -z "$_old" ] || [ "$(awk "BEGIN { print ($2 > $_old) }")" = 1 ]; then
		eval "$1=$2"
	fi
}

# step WAY FS DEV BENCH ARGS FIELD: one blkbench; the best figure is kept
# in BENCH_FS_WAY.
step() {
	guest_run "blkbench /dev/$3 $4 $5" 120 || fail "$1 $2: $4: $(cat "$W/run.out")"
	_f=$(figure "$4" "$6")
	[ -n "$_f" ] || fail "$1 $2: $4: no figure"
	keep "${4}_$2_$1" "$_f"
}

# disk WAY FS DEV: the three benchmarks on one disk.
disk() {
	step "$1" "$2" "$3" seqwrite 32 mib_s
	cold
	step "$1" "$2" "$3" seqread 32 mib_s
	cold
	step "$1" "$2" "$3" randread "4 4" iops
}

# bench WAY IO [,direct]: one lkvm, the benchmarks on both disks.
bench() {
	run=$1
	tag=b-$run
	if [ "$run" = noidx ]; then
		export LKVM_BENCH_BLK_EVENT_IDX=off
	else
		unset LKVM_BENCH_BLK_EVENT_IDX
	fi
	LKVM_STDIN=$W/console start_lkvm "$tag" run -k "$LAB/l2/Image" \
		-i "$LAB/l2/initrd.cpio.gz" -m 256 -c 2 --name "$g" \
		-d "$tmpfs_img" -d "$ext4_img$3" --disk-io "$2" --loglevel info \
		-p "quiet lkvm.virtio lkvm.wait-cmd"
	wait_out "$tag" LKVM-GUEST-READY 180 || fail "$run: the guest never got ready"
	ready=1
	disk_requests
	req0=$reqs
	exits0=$(kvm_stat exits)
	user0=$(kvm_stat mmio_exit_user)
	[ -n "$3" ] || disk "$run" tmpfs vda
	disk "$run" ext4 vdb
	keep "wrk_$run" "$(workers)"
	disk_requests
	req1=$reqs
	exits1=$(kvm_stat exits)
	user1=$(kvm_stat mmio_exit_user)
	echo poweroff >&3
	wait_lkvm
	[ "$rc" = 0 ] || fail "$run: lkvm exited $rc"
	# E: the disks really went without the event index.
	[ "$run" != noidx ] || [ "$(grep -ac 'virtio-blk vd[ab]: .*, no EVENT_IDX' "$W/$tag.err")" = 2 ] ||
		fail "$run: lkvm did not take LKVM_BENCH_BLK_EVENT_IDX=off: $(grep -a 'sectors' "$W/$tag.err")"
	reqs=$((req1 - req0))
	[ "$reqs" -gt 0 ] || fail "$run: the disks completed no request"
	if [ -n "$exits0" ] && [ -n "$exits1" ]; then
		eval "exits_$run=$(calc "($exits1 - $exits0) / $reqs")"
		eval "user_$run=$(calc "($user1 - $user0) / $reqs")"
	else
		eval "exits_$run=n/a user_$run=n/a"
	fi
	# lkvm's own account of the disks (--loglevel info, at exit): where
	# a request's time goes inside lkvm, decoding to completion.
	grep -a 'virtio-blk vd[ab]: ' "$W/$tag.err" | grep -v 'sectors' |
		sed "s/.*lkvm: info: /lab: $name: $run: /"
	for _d in vda vdb; do
		_fs=tmpfs
		[ "$_d" = vdb ] && _fs=ext4
		_acct=$(grep -a "virtio-blk $_d: .* requests" "$W/$tag.err" | tail -n 1)
		keep_low "mean_${_fs}_$run" "$(echo "$_acct" | sed -n 's/.*mean \([0-9]*\) us.*/\1/p')"
	done
}

# keep_low VAR VALUE: VAR becomes VALUE if it is unset or VALUE is lower.
keep_low() {
	[ -n "$2" ] || return 0
	eval "_old=\${$1:-}"
	if [ -z "$_old" ] || [ "$2" -lt "$_old" ]; then
		eval "$1=$2"
	fi
}

# image FILE: a 64 MiB image written in full (no hole: every read of the
# benchmark reads data the file system stored).
image() {
	dd if=/dev/zero of="$1" bs=1M count=64 2>/dev/null || fail "cannot write $1"
	sync
}

# ratio FS A B LABEL: the A/B ratios of FS's three figures, as metrics.
ratio() {
	for _b in seqwrite seqread randread; do
		eval "_a=\$${_b}_$1_$2 _s=\$${_b}_$1_$3"
		# shellcheck disable=SC2154
		metric "${_b}_$4_$1" "$(calc "$_a / $_s")" x
	done
}

t_start=$(now)
tmpfs_img=$W/disk.img
image "$tmpfs_img"
disk_fs "$W/ext4" || fail "$disk_why"
trap 'cd / && umount "$W/ext4" 2>/dev/null' EXIT
ext4_img=$W/ext4/disk.img
image "$ext4_img"

# Does tmpfs take O_DIRECT? (Linux 6.6 and later do.) The smoke guest
# runs with the image given ",direct": lkvm either takes it or refuses
# it in one line before the VM exists.
run_lkvm direct-probe run -k "$LAB/guests/smoke.img" -d "$tmpfs_img,direct" --loglevel info
if [ "$rc" = 0 ] && grep -aq 'virtio-blk vda: .*, direct' "$W/direct-probe.err"; then
	tmpfs_direct=yes
elif grep -aq 'refuses O_DIRECT' "$W/direct-probe.err"; then
	tmpfs_direct=no
else
	fail "lkvm with a ,direct tmpfs image: exit $rc, $(tail -n 1 "$W/direct-probe.err")"
fi
echo "lab: $name: tmpfs takes O_DIRECT: $tmpfs_direct ($(grep -a 'O_DIRECT\|, direct' "$W/direct-probe.err" | head -n 1))"

for way in "uring uring" "sync sync" "during uring ,direct" "dsync sync ,direct" \
	"noidx uring" "noidx uring" \
	"dsync sync ,direct" "during uring ,direct" "sync sync" "uring uring"; do
	# shellcheck disable=SC2086
	bench $way
done
exec 3>&-

for r in uring sync during dsync noidx; do
	fss="tmpfs ext4"
	[ "${r#d}" = "$r" ] || fss=ext4
	for fs in $fss; do
		eval "metric seqwrite_mib_s_${fs}_$r \$seqwrite_${fs}_$r MiB/s
		metric seqread_mib_s_${fs}_$r \$seqread_${fs}_$r MiB/s
		metric randread_iops_${fs}_$r \$randread_${fs}_$r IOPS
		metric lkvm_request_mean_us_${fs}_$r \${mean_${fs}_$r:-n/a} us"
	done
	eval "metric exits_per_request_$r \$exits_$r exits
	metric user_exits_per_request_$r \$user_$r exits
	metric iowq_workers_$r \$wrk_$r threads"
done
ratio tmpfs uring sync uring_vs_sync
ratio ext4 uring sync uring_vs_sync
ratio ext4 during dsync direct_uring_vs_sync
ratio ext4 during sync direct_uring_vs_buffered_sync
ratio tmpfs uring noidx event_idx_on_vs_off
ratio ext4 uring noidx event_idx_on_vs_off
# shellcheck disable=SC2154
if [ "$exits_uring" != n/a ] && [ "$exits_noidx" != n/a ]; then
	metric exits_per_request_event_idx_on_vs_off "$(calc "$exits_uring / $exits_noidx")" x
fi
metric duration "$(calc "$(now) - $t_start")" s
# shellcheck disable=SC2154
pass "io_uring / sync (best of 2; tmpfs takes O_DIRECT: $tmpfs_direct): ext4 seqwrite $seqwrite_ext4_uring / $seqwrite_ext4_sync MiB/s, seqread $seqread_ext4_uring / $seqread_ext4_sync MiB/s, randread 4K x4 $randread_ext4_uring / $randread_ext4_sync IOPS; ext4 ,direct: $seqwrite_ext4_during / $seqwrite_ext4_dsync, $seqread_ext4_during / $seqread_ext4_dsync, $randread_ext4_during / $randread_ext4_dsync; tmpfs: $seqwrite_tmpfs_uring / $seqwrite_tmpfs_sync, $seqread_tmpfs_uring / $seqread_tmpfs_sync, $randread_tmpfs_uring / $randread_tmpfs_sync"
