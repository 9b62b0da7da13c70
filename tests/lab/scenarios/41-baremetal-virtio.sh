#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 90
#
# A hostile virtio-blk driver (guest-images/baremetal/tests/virtio-blk.c)
# on a 1 MiB image of zeros, at EL1 and at EL2 (--nested): good requests
# get their status; a looping chain, a buffer outside RAM, an available
# index far ahead and rings outside RAM each put the device in
# DEVICE_NEEDS_RESET (lkvm warns once and runs on); a valid write posted
# after the failure is not done; after each reset the device works; guest
# buffers a byte off alignment read and write like aligned ones. Here:
# lkvm exits 0, the image holds sector 0 (0xa5), sector 2 (0xc7), sector
# 3 (0x5e) and sectors 8-15 (0x3c) as written, and sector 1, written only
# after the failure, is still zeros.
# Then at EL1 with the image given ",direct" (O_DIRECT) on ext4 (L1's
# scratch disk, disk_fs), whose O_DIRECT refuses a buffer a byte off: the
# same, and lkvm's account (--loglevel info) shows requests O_DIRECT
# refused gone through the page cache.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

img=$W/disk.img
args=
# sector N of the image, as a sha256
sector() {
	dd if="$img" bs=512 skip="$1" count=1 2>/dev/null | sha256sum | cut -d' ' -f1
}
# a sector of byte value V (octal escape), as a sha256
pattern() {
	head -c 512 /dev/zero | tr '\0' "$1" | sha256sum | cut -d' ' -f1
}
# blocks N COUNT: sectors N.. of the image, COUNT of them, as a sha256
blocks() {
	dd if="$img" bs=512 skip="$1" count="$2" 2>/dev/null | sha256sum | cut -d' ' -f1
}
for mode in "-c 1" "-c 2 --nested" direct; do
	if [ "$mode" = direct ]; then
		disk_fs "$W/ext4" || fail "$disk_why"
		trap 'cd / && umount "$W/ext4" 2>/dev/null' EXIT
		img=$W/ext4/disk.img
		args=",direct --loglevel info"
	fi
	dd if=/dev/zero of="$img" bs=1M count=1 2>/dev/null
	# shellcheck disable=SC2086
	run_lkvm vblk run -k "$LAB/guests/virtio-blk.img" -d "$img"$args ${mode#direct}
	has vblk out 'VIRTIO-BLK: PASS' ||
		fail "$mode: no 'VIRTIO-BLK: PASS' (lkvm exit $rc): $(grep -a 'VIRTIO-BLK: FAIL' "$W/vblk.out" | head -n 1)"
	[ "$rc" = 0 ] || fail "$mode: lkvm exited $rc"
	[ "$(grep -c 'the device needs a reset' "$W/vblk.err")" = 4 ] ||
		fail "$mode: lkvm did not warn once for each of the 4 failures: $(grep -c 'needs a reset' "$W/vblk.err")"
	[ "$(sector 0)" = "$(pattern '\245')" ] || fail "$mode: sector 0 does not hold 0xa5"
	[ "$(sector 1)" = "$(pattern '\0')" ] || fail "$mode: sector 1 was written after the device failed"
	[ "$(sector 2)" = "$(pattern '\307')" ] || fail "$mode: sector 2 does not hold 0xc7"
	[ "$(sector 3)" = "$(pattern '\136')" ] || fail "$mode: sector 3 does not hold 0x5e"
	[ "$(blocks 8 8)" = "$(head -c 4096 /dev/zero | tr '\0' '\74' | sha256sum | cut -d' ' -f1)" ] ||
		fail "$mode: sectors 8-15 do not hold 0x3c"
done
# The ,direct run: requests O_DIRECT refused went through the page cache.
grep -aq 'virtio-blk vda: .*, direct' "$W/vblk.err" || fail "direct: lkvm did not open the image with O_DIRECT"
refused=$(sed -n 's/.*(O_DIRECT refused) \([0-9]*\).*/\1/p' "$W/vblk.err" | tail -n 1)
[ "${refused:-0}" -ge 2 ] || fail "direct: ${refused:-no} requests through the page cache, expected at least the 2 a byte off"
grep -a 'O_DIRECT refused' "$W/vblk.err" | sed "s/^.*lkvm: info: /lab: $name: direct: /"
grep -a 'needs a reset' "$W/vblk.err" | sed "s/^/lab: $name: /"
pass "$(grep -a -o 'VIRTIO-BLK: PASS [0-9]* checks' "$W/vblk.out") at EL1, EL2 and EL1 with ,direct on ext4 ($refused requests O_DIRECT refused went through the page cache); 4 hostile rings failed the device, nothing written after, the image as expected"
