#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 900
#
# Protected KVM (pKVM) inside an lkvm guest, and lkvm inside that guest:
#
#   L1 (nested KVM) -> lkvm --nested --e2h0 -c 1: L2, Debian's kernel with
#   kvm-arm.mode=protected -> lkvm in L2 -> L3, a bare-metal test guest
#
# L2 starts at EL2 without VHE, brings up its KVM in protected mode (the
# hypervisor deprivileges the kernel behind its own host stage 2): "kvm
# [1]: Protected nVHE mode initialized successfully". Its initramfs is
# the lab's L2 one plus the lkvm add-on (tests/lab/run: the same static
# lkvm as /l3/lkvm, the test guests in /l3/guests); its init waits for
# commands (lkvm.wait-cmd) and runs lkvm there: the smoke guest prints
# SMOKE: PASS and powers off, lkvm in L2 exits 0. L2 then powers off:
# exit 0.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

cat "$LAB/l2/initrd.cpio.gz" "$LAB/l2/lkvm.cpio.gz" >"$W/initrd"
mkfifo "$W/console"
exec 3<>"$W/console"
tag=pkvm
mode=pkvm
g=pkvm-$$

LKVM_STDIN=$W/console start_lkvm "$tag" run -k "$LAB/l2/Image" -i "$W/initrd" \
	-m 1024 -c 1 --nested --e2h0 --name "$g" --loglevel info \
	-p "quiet kvm-arm.mode=protected lkvm.wait-cmd"
wait_out "$tag" LKVM-GUEST-READY 600 || fail "the pKVM guest never got ready (lkvm exit: $(kill -0 "$lkvm_pid" 2>/dev/null && echo running || echo gone))"
ready=1
grep -a 'LKVM-GUEST-' "$W/$tag.out" | tr -d '\r' | sed "s/^/lab: $name: guest: /"
t_ready=$(now)
metric ready_wall "$(calc "$t_ready - $t0")" s

guest_says "$tag" 'CPU: All CPU(s) started at EL2' ||
	fail "the guest does not say 'CPU: All CPU(s) started at EL2'"
pk=$(grep -a '^LKVM-GUEST-DMESG ' "$W/$tag.out" |
	grep -F 'Protected nVHE mode initialized successfully' | head -n 1 | tr -d '\r')
[ -n "$pk" ] || fail "the guest's KVM does not say 'Protected nVHE mode initialized successfully': $(grep -a '^LKVM-GUEST-DMESG .*kvm \[' "$W/$tag.out" | tr -d '\r' | tail -n 2)"
# "[   41.123456] kvm [1]: Protected nVHE mode initialized successfully"
t_pkvm=$(echo "$pk" | sed -n 's/^LKVM-GUEST-DMESG \[ *\([0-9.]*\)\].*/\1/p')
[ -n "$t_pkvm" ] && metric pkvm_initialized "$t_pkvm" s

# l3 TAG LKVM-RUN-OPTIONS...: lkvm run in L2 (through wait-cmd's run),
# timed by L2's uptime; sets l3rc (its exit status) and l3wall, and keeps
# its output in $W/TAG.l3.
l3() {
	_t=$1
	shift
	guest_run "sh -c 'read a _ </proc/uptime; /l3/lkvm run $*; rc=\$?; read b _ </proc/uptime; echo L3-TIME \$a \$b; exit \$rc'" 300
	l3rc=$(sed -n 's/^LKVM-GUEST-RC \([0-9]*\).*/\1/p' "$W/run.all" | tail -n 1)
	cp "$W/run.out" "$W/$_t.l3"
	l3wall=$(sed -n 's/^L3-TIME \([0-9.]*\) \([0-9.]*\).*/\1 \2/p' "$W/$_t.l3" |
		awk '{ printf "%.2f", $2 - $1 }')
}

l3 smoke -k /l3/guests/smoke.img
grep -q 'SMOKE: PASS' "$W/smoke.l3" ||
	fail "L3: no 'SMOKE: PASS' from the smoke guest under lkvm in the pKVM guest (exit ${l3rc:-?}): $(grep -v '^L3-TIME' "$W/smoke.l3" | tail -n 3 | tr '\n' ' ')"
[ "$l3rc" = 0 ] || fail "L3: lkvm in the pKVM guest exited $l3rc"
[ -n "$l3wall" ] && metric l3_smoke_wall "$l3wall" s
smoke_wall=$l3wall

# Anything but a command ends wait-cmd: the guest powers off.
echo end >&3
wait_lkvm
[ "$rc" = 0 ] || fail "lkvm exited $rc"
metric lkvm_wall "$wall" s
pass "pKVM up at ${t_pkvm:-?}s guest time; L3 smoke guest under lkvm in L2: SMOKE: PASS, exit 0 in ${smoke_wall:-?}s; L2 lkvm ${wall}s"
