#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 600
# lab-suite: named
#
# Not a test: the pages of lkvm's executable that typical runs touch, for
# scripts/hot-symbols. Fault-around off (debugfs fault_around_bytes =
# one page), so a present page is one lkvm ran or read. Three runs, each
# listed at a point where the guest is up: a Linux guest idle at its
# prompt (73-bench-peer's memory run), the same with a disk, user-mode
# networking, virtio-rng and a 9p share (quiet: the kernel's replay of
# its log when ttyS0 registers would cut init's lines in two), and the
# SMP SDEI bare-metal test (listed before its last check: then it powers
# off). `make hot-symbols` runs it on build/lkvm-profile
# (scripts/profile-link), where each section has pages of its own.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

T=$LAB/bin/vmm-time
[ -x "$T" ] || fail "no $T (make lab-tools)"
FA=/sys/kernel/debug/fault_around_bytes
[ -e "$FA" ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null
[ -w "$FA" ] || fail "no $FA"
old=$(cat "$FA")
echo 4096 >"$FA"
export HOME=$W/home
mkdir -p "$HOME/.lkvm" "$W/share"
chmod 700 "$HOME" "$HOME/.lkvm"
dd if=/dev/zero of="$W/disk.img" bs=1M count=0 seek=64 2>/dev/null
BOOT="-k $LAB/l2/Image -i $LAB/l2/initrd.cpio.gz -m 256 -c 2"

# prof TAG MARK VMM-ARGS...: lkvm under vmm-time, its pages at MARK.
prof() {
	_tag=$1 _mark=$2
	shift 2
	"$T" -l 240 -s "$_mark" -r 32 -P "$W/$_tag.pages" -k 'poweroff\n' \
		-- "$LKVM" "$@" </dev/null >"$W/$_tag.out" 2>"$W/$_tag.err"
	if [ ! -s "$W/$_tag.pages" ]; then
		echo "$old" >"$FA"
		tr -d '\r' <"$W/$_tag.out" | tail -n 20 | sed "s/^/lab: $name: $_tag: /"
		fail "$_tag: no pages: $(tail -n 1 "$W/$_tag.err")"
	fi
	echo "lab: $name: $_tag: $(wc -l <"$W/$_tag.pages") pages"
	sed "s/^/lab: $name: page $_tag /" "$W/$_tag.pages"
}

# shellcheck disable=SC2086
prof idle LKVM-GUEST-READY run --nodefaults --network mode=none $BOOT \
	-p "console=ttyS0 quiet lkvm.wait-cmd"
# shellcheck disable=SC2086
prof virtio LKVM-GUEST-READY run $BOOT -d "$W/disk.img" --rng \
	--network mode=user --9p "$W/share,share" -p "quiet lkvm.virtio lkvm.wait-cmd"
prof sdei 'SDEI-SMP: CPU_OFF/CPU_ON' run -k "$LAB/guests/sdei-smp.img" -c 4
echo "$old" >"$FA"
pass "pages listed: idle, virtio, sdei"
