#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 420
#
# virtio-mmio devices under a Debian guest (EL1, 2 vCPUs), the guest's
# virtio_mmio, virtio_blk and virtio-rng modules loaded from its
# initramfs:
#   1. three disks: vda an ext4 image made here, vdb a raw 16 MiB image,
#      vdc a 1 MiB random image given read-only (-d FILE,ro); --rng.
#      The guest finds vda vdb vdc and virtio_rng.0 as its hwrng; mounts
#      vda, writes a text file and 6 MiB of random data, syncs, unmounts;
#      writes 4 MiB of random data to vdb with fsync; sees vdc read-only
#      and a write to it fails; discards a MiB of vdb (blkdiscard: the
#      image gets a hole there and reads zeros); reads the disks'
#      serials (GET_ID: lkvm-vda, lkvm-vdb); reads 4 KiB from /dev/hwrng (two reads
#      differ). After its poweroff, here: e2fsck finds the image clean,
#      the files read back through debugfs match byte for byte (by
#      sha256), vdb's first 4 MiB are what the guest wrote, vdc is
#      untouched.
#   2. the same images again with --disk-io sync: the guest reads back
#      the file and vdb and gets the same sha256, writes 2 MiB more to
#      the file system; e2fsck clean, the new file matches. lkvm holds an
#      io_uring file descriptor in 1 and none here (/proc/PID/fd).
#   3. lkvm stop during a write loop on vdb (256 KiB random blocks, each
#      written with fsync, which the guest's kernel turns into a FLUSH):
#      lkvm exits 6, and every block the guest had reported synced is in
#      the image, byte for byte.
#      The same with SIGTERM: lkvm exits 143, nothing synced is lost; and
#      with SIGKILL: 137, nothing synced is lost.
#      Each time the device under the images counted at least one flush
#      request per block the guest synced: lkvm's fsync reached it.
#   4. --console virtio: hvc0 carries the guest's output to lkvm's stdout
#      and a line typed on lkvm's stdin to the guest.
# The images live on a block-backed file system (disk_fs: L1's scratch
# disk, ext4), not on tmpfs, where a FLUSH that never reached fsync would
# go unseen. (e2fsprogs by full path: busybox has a mke2fs of its own.)
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

mkfifo "$W/console"
exec 3<>"$W/console"
mode=el1
g=blk-$$
disk_fs "$W/disk" || fail "$disk_why"
trap 'cd / && umount "$W/disk" 2>/dev/null' EXIT
if [ -n "${LAB_DISK:-}" ]; then
	wc=$(cat "/sys/block/${LAB_DISK##*/}/queue/write_cache")
	[ "$wc" = "write back" ] ||
		fail "$LAB_DISK has write cache '$wc': it gets no flush requests to count"
fi
root=$W/disk/root.img
raw=$W/disk/raw.img
ro=$W/disk/ro.img
dd if=/dev/zero of="$root" bs=1M count=0 seek=64 2>/dev/null
/usr/sbin/mke2fs -q -t ext4 -F "$root" >"$W/mke2fs.out" 2>&1 ||
	fail "mke2fs: $(cat "$W/mke2fs.out")"
dd if=/dev/zero of="$raw" bs=1M count=0 seek=16 2>/dev/null
head -c 1048576 /dev/urandom >"$ro"
sha_ro=$(sha256sum <"$ro" | cut -d' ' -f1)

# uring_fds: io_uring file descriptors of the running lkvm.
uring_fds() {
	ls -l "/proc/$lkvm_pid/fd" | grep -c 'io_uring'
}

# sha TEXT: the first sha256 in $W/run.out (a line "HASH  NAME" or "HASH  -").
sha() {
	sed -n 's/^\([0-9a-f]\{64\}\) .*/\1/p' "$W/run.out" | sed -n "${1:-1}p"
}

# boot TAG LKVM-OPTIONS...: starts the guest, waits for its wait-cmd.
boot() {
	tag=$1
	shift
	# shellcheck disable=SC2068
	LKVM_STDIN=$W/console start_lkvm "$tag" run -k "$LAB/l2/Image" \
		-i "$LAB/l2/initrd.cpio.gz" -m 256 -c 2 --name "$g" "$@"
	wait_out "$tag" LKVM-GUEST-READY 180 || fail "$tag: the guest never got ready"
	ready=1
	grep -a 'LKVM-GUEST-VIRTIO' "$W/$tag.out" | tr -d '\r' | sed "s/^/lab: $name: $tag: /"
}

# 1. Write through io_uring.
boot b1 -d "$root" -d "$raw" -d "$ro,ro" --rng --loglevel info \
	-p "quiet lkvm.virtio lkvm.wait-cmd"
has b1 out 'LKVM-GUEST-VIRTIO disks=vda vdb vdc hwrng=virtio_rng.0' ||
	fail "b1: the guest did not find vda, vdb, vdc and virtio-rng: $(grep -a LKVM-GUEST-VIRTIO "$W/b1.out" | tr -d '\r')"
grep -a 'virtio-blk' "$W/b1.err" | sed "s/^/lab: $name: b1: /"
has b1 err 'virtio-blk vda:' && has b1 err 'io_uring I/O' ||
	fail "b1: lkvm did not report vda on io_uring: $(grep -a virtio "$W/b1.err" | head -n 3)"
[ "$(uring_fds)" -ge 1 ] || fail "b1: lkvm holds no io_uring file descriptor: $(ls -l "/proc/$lkvm_pid/fd" | tail -n +2)"
guest_run "mkdir -p /mnt && mount -t ext4 /dev/vda /mnt && echo hello lkvm >/mnt/hello.txt && head -c 6291456 /dev/urandom >/mnt/rand.bin && sync && sha256sum /mnt/rand.bin && umount /mnt" ||
	fail "b1: writing to the ext4 disk failed: $(cat "$W/run.out")"
sha_file=$(sha)
guest_run "head -c 4194304 /dev/urandom >/tmp/r && dd if=/tmp/r of=/dev/vdb bs=65536 conv=fsync 2>&1 && sha256sum /tmp/r && rm /tmp/r" ||
	fail "b1: writing to vdb failed: $(cat "$W/run.out")"
sha_raw=$(sha)
# DISCARD: punch the second MiB of vdb (holes in the image file); GET_ID:
# the disk's serial.
guest_run "head -c 1048576 /dev/urandom | dd of=/dev/vdb bs=65536 seek=128 conv=fsync 2>/dev/null && cat /sys/block/vdb/queue/discard_max_bytes && blkdiscard -o 8388608 -l 1048576 /dev/vdb && sync && echo \$(cat /sys/block/vda/serial) && echo \$(cat /sys/block/vdb/serial)" ||
	fail "b1: discard or serial: $(cat "$W/run.out")"
[ "$(sed -n 2p "$W/run.out")" = lkvm-vda ] && [ "$(sed -n 3p "$W/run.out")" = lkvm-vdb ] ||
	fail "b1: the disks' serials (GET_ID): $(cat "$W/run.out")"
guest_run "cat /sys/block/vdc/ro; blockdev --getsize64 /dev/vdc" ||
	fail "b1: vdc: $(cat "$W/run.out")"
[ "$(head -n 1 "$W/run.out")" = 1 ] && [ "$(sed -n 2p "$W/run.out")" = 1048576 ] ||
	fail "b1: vdc is not a read-only 1 MiB disk: $(cat "$W/run.out")"
guest_run "dd if=/dev/zero of=/dev/vdc bs=4096 count=1 conv=fsync" &&
	fail "b1: a write to the read-only vdc succeeded"
echo "lab: $name: write to read-only vdc: $(tail -n 1 "$W/run.out")"
guest_run "cat /sys/class/misc/hw_random/rng_current; head -c 4096 /dev/hwrng | wc -c; head -c 64 /dev/hwrng | sha256sum; head -c 64 /dev/hwrng | sha256sum" ||
	fail "b1: reading /dev/hwrng failed: $(cat "$W/run.out")"
[ "$(sed -n 1p "$W/run.out")" = virtio_rng.0 ] && [ "$(sed -n 2p "$W/run.out" | tr -d ' ')" = 4096 ] &&
	[ -n "$(sha 1)" ] && [ "$(sha 1)" != "$(sha 2)" ] ||
	fail "b1: hwrng: $(cat "$W/run.out")"
echo poweroff >&3
wait_lkvm
[ "$rc" = 0 ] || fail "b1: lkvm exited $rc"
/usr/sbin/e2fsck -fn "$root" >"$W/fsck.out" 2>&1 || fail "b1: e2fsck: $(tail -n 5 "$W/fsck.out")"
[ "$(/usr/sbin/debugfs -R 'cat /hello.txt' "$root" 2>/dev/null)" = "hello lkvm" ] ||
	fail "b1: /hello.txt in the image: '$(/usr/sbin/debugfs -R 'cat /hello.txt' "$root" 2>&1)'"
/usr/sbin/debugfs -R "dump /rand.bin $W/rand.bin" "$root" >/dev/null 2>&1
[ "$(sha256sum <"$W/rand.bin" | cut -d' ' -f1)" = "$sha_file" ] && [ -n "$sha_file" ] ||
	fail "b1: /rand.bin in the image differs from what the guest wrote"
[ "$(head -c 4194304 "$raw" | sha256sum | cut -d' ' -f1)" = "$sha_raw" ] && [ -n "$sha_raw" ] ||
	fail "b1: vdb's first 4 MiB differ from what the guest wrote"
[ "$(dd if="$raw" bs=1048576 skip=8 count=1 2>/dev/null | sha256sum | cut -d' ' -f1)" = \
	"$(head -c 1048576 /dev/zero | sha256sum | cut -d' ' -f1)" ] ||
	fail "b1: the discarded MiB of vdb does not read as zeros"
blocks=$(stat -c %b "$raw")
[ "$blocks" -le $((4 * 2048 + 64)) ] ||
	fail "b1: vdb's image holds $blocks 512-byte blocks: the discard punched no hole"
[ "$(sha256sum <"$ro" | cut -d' ' -f1)" = "$sha_ro" ] || fail "b1: the read-only image changed"
rm -f "$W/rand.bin"

# 2. Read back, and write, through the synchronous backend.
boot b2 -d "$root" -d "$raw" --disk-io sync --loglevel info \
	-p "quiet lkvm.virtio lkvm.wait-cmd"
has b2 err 'synchronous I/O' || fail "b2: lkvm did not use synchronous I/O"
[ "$(uring_fds)" = 0 ] || fail "b2: with --disk-io sync lkvm holds an io_uring: $(ls -l "/proc/$lkvm_pid/fd" | grep io_uring)"
guest_run "mkdir -p /mnt && mount -t ext4 /dev/vda /mnt && cat /mnt/hello.txt && sha256sum /mnt/rand.bin && head -c 2097152 /dev/urandom >/mnt/sync.bin && sync && sha256sum /mnt/sync.bin && umount /mnt" ||
	fail "b2: the ext4 disk: $(cat "$W/run.out")"
[ "$(head -n 1 "$W/run.out")" = "hello lkvm" ] && [ "$(sha 1)" = "$sha_file" ] ||
	fail "b2: read back: $(cat "$W/run.out")"
sha_sync=$(sha 2)
guest_run "head -c 4194304 /dev/vdb | sha256sum" || fail "b2: reading vdb failed"
[ "$(sha)" = "$sha_raw" ] || fail "b2: vdb read back differs: $(cat "$W/run.out")"
echo poweroff >&3
wait_lkvm
[ "$rc" = 0 ] || fail "b2: lkvm exited $rc"
/usr/sbin/e2fsck -fn "$root" >"$W/fsck.out" 2>&1 || fail "b2: e2fsck: $(tail -n 5 "$W/fsck.out")"
/usr/sbin/debugfs -R "dump /sync.bin $W/sync.bin" "$root" >/dev/null 2>&1
[ "$(sha256sum <"$W/sync.bin" | cut -d' ' -f1)" = "$sha_sync" ] && [ -n "$sha_sync" ] ||
	fail "b2: /sync.bin in the image differs from what the guest wrote"

# interrupted TAG FIRST HOW EXIT: boots with vdb alone (vda in the guest),
# starts a loop writing 256 KiB random blocks FIRST to 63 (each with fsync,
# which the guest turns into a FLUSH, then "SYNCED I SHA256"), ends lkvm
# with HOW ("stop": lkvm stop; "term": SIGTERM; "kill": SIGKILL) after 8
# blocks (once the 9th is reported: the console may still be in the 8th's
# line), expects status EXIT, and checks every block reported synced is in
# the image, and that the disk under the image counted a flush request
# for each at least. Sets nsynced and nflushed.
interrupted() {
	boot "$1" -d "$raw" --loglevel info -p "quiet lkvm.virtio lkvm.wait-cmd"
	f0=$(flushes)
	echo "bg for i in \$(seq $2 63); do head -c 262144 /dev/urandom >/tmp/b && dd if=/tmp/b of=/dev/vda bs=262144 seek=\$i conv=fsync 2>/dev/null && echo \"SYNCED \$i \$(sha256sum </tmp/b | cut -d' ' -f1)\"; done" >&3
	wait_out "$1" "LKVM-GUEST-BG SYNCED $(($2 + 8)) " 120 || fail "$1: the write loop did not get going"
	case "$3" in
	stop) "$LKVM" stop --name "$g" >"$W/stop.out" 2>&1 || fail "$1: lkvm stop: $(cat "$W/stop.out")" ;;
	term) kill -TERM "$lkvm_pid" ;;
	kill) kill -KILL "$lkvm_pid" ;;
	esac
	wait_lkvm
	[ "$rc" = "$4" ] || fail "$1: lkvm exited $rc after $3, expected $4"
	nflushed=$(($(flushes) - f0))
	tr -d '\r' <"$W/$1.out" | sed -n 's/^LKVM-GUEST-BG SYNCED \([0-9]*\) \([0-9a-f]\{64\}\)$/\1 \2/p' >"$W/synced"
	nsynced=$(lines "$W/synced")
	[ "$nsynced" -ge 8 ] || fail "$1: only $nsynced blocks reported synced"
	[ "$nflushed" -ge "$nsynced" ] ||
		fail "$1: the guest synced $nsynced blocks, the disk under the image saw $nflushed flush requests"
	while read -r i h; do
		[ "$(dd if="$raw" bs=262144 skip="$i" count=1 2>/dev/null | sha256sum | cut -d' ' -f1)" = "$h" ] ||
			fail "$1: block $i, synced before the $3, is not in the image"
	done <"$W/synced"
}

# 3. lkvm stop, SIGTERM, SIGKILL while the guest writes and syncs.
interrupted b3 0 stop 6
nstop="$nsynced ($nflushed flushes)"
interrupted b3b 32 term 143
nterm="$nsynced ($nflushed flushes)"
interrupted b3c 16 kill 137
nkill="$nsynced ($nflushed flushes)"

# 4. The console on virtio-console (hvc0); ttyS0 stays /dev/console.
tag=b4
LKVM_STDIN=$W/console start_lkvm b4 run -k "$LAB/l2/Image" \
	-i "$LAB/l2/initrd.cpio.gz" -m 256 -c 2 --name "$g" --console virtio \
	-p "console=ttyS0 quiet lkvm.virtio lkvm.hvc"
wait_out b4 'LKVM-GUEST-HVC out' 180 || fail "b4: nothing came out of hvc0: $(grep -a 'LKVM-GUEST-HVC' "$W/b4.out" | tr -d '\r')"
echo "ping-from-the-host" >&3
wait_out b4 'LKVM-GUEST-HVC consoles' 60 || fail "b4: hvc0's input did not reach the guest"
wait_lkvm
[ "$rc" = 0 ] || fail "b4: lkvm exited $rc"
[ "$(grep -ac 'LKVM-GUEST-HVC got ping-from-the-host' "$W/b4.out")" -ge 2 ] ||
	fail "b4: the guest did not echo the line on hvc0 and ttyS0: $(grep -a 'LKVM-GUEST-HVC' "$W/b4.out" | tr -d '\r')"
consoles=$(grep -a 'LKVM-GUEST-HVC consoles' "$W/b4.out" | tr -d '\r' | sed 's/.*consoles //')
case " $consoles " in
*" hvc0 "*) ;;
*) fail "b4: hvc0 is not among the kernel's consoles: $consoles" ;;
esac
exec 3>&-
pass "ext4 on vda written (6 MiB random, synced), e2fsck clean, contents match; 4 MiB raw on vdb match; vdc ro refused a write; hwrng from virtio-rng; read back and written with --disk-io sync; DISCARD punched a hole; GET_ID serials; io_uring fd with uring, none with sync; lkvm stop, SIGTERM and SIGKILL during write loops kept all $nstop, $nterm and $nkill synced blocks; hvc0 both ways (consoles: $consoles)"
