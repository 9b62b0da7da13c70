#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 480
#
# kexec inside a --nested --e2h0 guest (1 vCPU, 1 GiB): the first kernel
# starts at EL2 and brings up its nVHE KVM through its hyp-stub; its init
# (lkvm.kexec, see tests/lab/guest-init) loads the same kernel Image with
# Debian's kexec-tools and runs kexec -e: KVM's teardown (HVC_RESET_VECTORS)
# and cpu_soft_restart (HVC_SOFT_RESTART) go through the hyp-stub, and the
# second kernel (kvm-arm.mode=none, to skip a second minute-long KVM init)
# again says "CPU: All CPU(s) started at EL2", reaches init and powers off:
# exit 0.
#
# The initramfs: the lab's L2 one, the kexec add-on (kexec, its libraries,
# the L2 initramfs again as /initrd2.cpio.gz for the second kernel) and an
# uncompressed archive with /Image appended here (the kernel accepts
# concatenated archives; an uncompressed one must start 4-byte aligned).
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

kexec_initrd "$W/initrd"

linux_run linux -i "$W/initrd" -m 1024 -c 1 --nested --e2h0 -p "quiet lkvm.kexec"
lockups=$(grep -a 'soft lockup' "$W/linux.out" | grep -vc '^LKVM-GUEST-DMESG')
metric soft_lockups "$lockups" count

# The first kernel's lines come before the LKVM-GUEST-KEXEC line, the
# second kernel's after it.
awk '/LKVM-GUEST-KEXEC/ { k = 1 } { print > (k ? "'"$W/second"'" : "'"$W/first"'") }' "$W/linux.out"
first_says() { grep -a '^LKVM-GUEST-DMESG ' "$W/first" | grep -qF -- "$1"; }
second_says() { grep -a '^LKVM-GUEST-DMESG ' "$W/second" | grep -qF -- "$1"; }

[ -n "$marker" ] || fail "no LKVM-GUEST-INIT marker from the first kernel (lkvm exit $rc after ${wall}s)"
first_says 'CPU: All CPU(s) started at EL2' ||
	fail "the first kernel does not say 'CPU: All CPU(s) started at EL2'"
first_says 'kvm [1]: Hyp nVHE mode initialized successfully' ||
	fail "the first kernel's KVM does not say 'Hyp nVHE mode initialized successfully'"
kx=$(grep -a 'LKVM-GUEST-KEXEC' "$W/linux.out" | head -n 1 | tr -d '\r')
[ -n "$kx" ] || fail "no LKVM-GUEST-KEXEC line: init did not get to kexec"
case "$kx" in
*"LKVM-GUEST-KEXEC loaded"*) ;;
*) fail "kexec: ${kx#*LKVM-GUEST-KEXEC }" ;;
esac
grep -aq 'LKVM-GUEST-INIT' "$W/second" ||
	fail "no LKVM-GUEST-INIT marker from the second kernel (lkvm exit $rc after ${wall}s)"
uptime2=$(grep -a 'LKVM-GUEST-INIT' "$W/second" | head -n 1 | sed -n 's/.*uptime=\([0-9.]*\).*/\1/p')
[ -n "$uptime2" ] && metric second_uptime_at_init "$uptime2" s
second_says 'CPU: All CPU(s) started at EL2' ||
	fail "the second kernel does not say 'CPU: All CPU(s) started at EL2'"
[ "$rc" = 0 ] || fail "lkvm exited $rc"
pass "nVHE KVM up, kexec, second kernel started at EL2 and powered off; lkvm ${wall}s ($lockups soft lockup warnings)"
