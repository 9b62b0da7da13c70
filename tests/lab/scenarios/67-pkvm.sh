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
# commands (lkvm.wait-cmd) and runs lkvm there, twice, each time the
# memory self-test (LKVM_MEM_SELFTEST=read, vmm/mem-selftest.h) with
# secret.img, which writes a word of its RAM, has lkvm read it through
# lkvm's own mapping, prints SECRET: PASS and powers off (lkvm in L2 exits
# 0): without --protected lkvm reads the pattern back (the control: the
# check does see readable memory), with --protected (a pKVM protected VM)
# its read faults (SIGSEGV: pKVM took the page from the host's stage 2)
# and the guest's word is intact. L2 then powers off: exit 0. (Each L3
# run costs about 20 s of L2 time, so the scenario runs no other L3
# guest: these two are an unprotected and a protected guest that boot,
# run and power off.)
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

# l3 TAG ENV LKVM-RUN-OPTIONS...: lkvm run in L2 (through wait-cmd's
# run) with the environment assignments ENV (may be empty), timed by L2's
# uptime; sets l3rc (its exit status) and l3wall, and keeps its output
# (stdout and stderr) in $W/TAG.l3, shown in the log.
l3() {
	_t=$1
	_env=$2
	shift 2
	guest_run "sh -c 'read a _ </proc/uptime; $_env /l3/lkvm run $*; rc=\$?; read b _ </proc/uptime; echo L3-TIME \$a \$b; exit \$rc'" 300
	l3rc=$(sed -n 's/^LKVM-GUEST-RC \([0-9]*\).*/\1/p' "$W/run.all" | tail -n 1)
	cp "$W/run.out" "$W/$_t.l3"
	sed "s/^/lab: $name: $_t: /" "$W/$_t.l3"
	l3wall=$(sed -n 's/^L3-TIME \([0-9.]*\) \([0-9.]*\).*/\1 \2/p' "$W/$_t.l3" |
		awk '{ printf "%.2f", $2 - $1 }')
	[ -n "$l3wall" ] && metric "l3_${_t}_wall" "$l3wall" s
	echo "lab: $name: $_t: exit ${l3rc:-?} in ${l3wall:-?}s"
}

# What lkvm probe says of this host, for the log.
guest_run "/l3/lkvm probe" 120
sed "s/^/lab: $name: probe: /" "$W/run.out"
# The memory self-test (secret.img writes a word, lkvm reads it through
# its own mapping, LKVM_MEM_SELFTEST=read): without --protected the host
# reads the word (the control: the check sees a readable page as
# readable), with --protected the read faults.
l3 plain LKVM_MEM_SELFTEST=read -k /l3/guests/secret.img
plain_rc=$l3rc
plain_wall=$l3wall
l3 psecret LKVM_MEM_SELFTEST=read --protected --loglevel info -k /l3/guests/secret.img
psecret_rc=$l3rc

# Anything but a command ends wait-cmd: the guest powers off.
echo end >&3
wait_lkvm
[ "$rc" = 0 ] || fail "lkvm exited $rc"
metric lkvm_wall "$wall" s

grep -q 'SECRET: PASS' "$W/plain.l3" && [ "$plain_rc" = 0 ] ||
	fail "L3: the guest under lkvm in the pKVM guest did not pass (lkvm exit ${plain_rc:-?}): $(grep -v '^L3-TIME' "$W/plain.l3" | tail -n 3 | tr '\n' ' ')"
grep -q 'mem-selftest: guest word at 0x[0-9a-f]*: the host read 0x' "$W/plain.l3" &&
	grep -q 'SECRET: the host read the pattern' "$W/plain.l3" ||
	fail "without --protected the host could not read the guest's word: $(grep 'SECRET:\|mem-selftest' "$W/plain.l3" | tr '\n' ' ')"
grep -q 'SECRET: PASS' "$W/psecret.l3" && [ "$psecret_rc" = 0 ] ||
	fail "memory self-test with --protected did not run (lkvm exit $psecret_rc): $(grep -v '^L3-TIME' "$W/psecret.l3" | tail -n 3 | tr '\n' ' ')"
grep -q "mem-selftest: guest word at 0x[0-9a-f]*: the host's read faulted" "$W/psecret.l3" &&
	grep -q "SECRET: the host's read faulted" "$W/psecret.l3" ||
	fail "--protected: the host read the protected guest's word: $(grep 'SECRET:\|mem-selftest' "$W/psecret.l3" | tr '\n' ' ')"
pass "pKVM up at ${t_pkvm:-?}s guest time; L3 guest under lkvm in L2: SECRET: PASS, exit 0 in ${plain_wall:-?}s, the host reads its word back; --protected: the guest passes, the host's read of its word faults; L2 lkvm ${wall}s"
