#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 90
#
# A hostile virtio-blk driver (guest-images/baremetal/tests/virtio-blk.c)
# on a 1 MiB image of zeros, at EL1 and at EL2 (--nested): good requests
# get their status; a looping chain, a buffer outside RAM, an available
# index far ahead and rings outside RAM each put the device in
# DEVICE_NEEDS_RESET (lkvm warns once and runs on); a valid write posted
# after the failure is not done; after each reset the device works. Here:
# lkvm exits 0, the image holds sector 0 (0xa5) and sector 2 (0xc7) as
# written, and sector 1, written only after the failure, is still zeros.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

img=$W/disk.img
# sector N of the image, as a sha256
sector() {
	dd if="$img" bs=512 skip="$1" count=1 2>/dev/null | sha256sum | cut -d' ' -f1
}
# a sector of byte value V (octal escape), as a sha256
pattern() {
	head -c 512 /dev/zero | tr '\0' "$1" | sha256sum | cut -d' ' -f1
}
for mode in "-c 1" "-c 2 --nested"; do
	dd if=/dev/zero of="$img" bs=1M count=1 2>/dev/null
	# shellcheck disable=SC2086
	run_lkvm vblk run -k "$LAB/guests/virtio-blk.img" -d "$img" $mode
	has vblk out 'VIRTIO-BLK: PASS' ||
		fail "$mode: no 'VIRTIO-BLK: PASS' (lkvm exit $rc): $(grep -a 'VIRTIO-BLK: FAIL' "$W/vblk.out" | head -n 1)"
	[ "$rc" = 0 ] || fail "$mode: lkvm exited $rc"
	[ "$(grep -c 'the device needs a reset' "$W/vblk.err")" = 4 ] ||
		fail "$mode: lkvm did not warn once for each of the 4 failures: $(grep -c 'needs a reset' "$W/vblk.err")"
	[ "$(sector 0)" = "$(pattern '\245')" ] || fail "$mode: sector 0 does not hold 0xa5"
	[ "$(sector 1)" = "$(pattern '\0')" ] || fail "$mode: sector 1 was written after the device failed"
	[ "$(sector 2)" = "$(pattern '\307')" ] || fail "$mode: sector 2 does not hold 0xc7"
done
grep -a 'needs a reset' "$W/vblk.err" | sed "s/^/lab: $name: /"
pass "$(grep -a -o 'VIRTIO-BLK: PASS [0-9]* checks' "$W/vblk.out") at EL1 and EL2; 4 hostile rings failed the device, nothing written after, the image as expected"
