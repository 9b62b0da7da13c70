#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 240
#
# lkvm's exit status for what a Linux guest does (1 vCPU, EL1), through the
# guest's lkvm.wait-cmd, typed on its console through a FIFO:
#   - "panic" (echo c > /proc/sysrq-trigger): the Debian kernel has no
#     pvpanic driver, so lkvm sees the panic on the console: exit 4, with
#     "seen on its console" and the panic's reason, after the report's end
#     line reached the console; --console-log keeps a copy of all of it;
#   - "reboot" without --reboot (exit is the default): exit 2.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

mkfifo "$W/console"
exec 3<>"$W/console"

LKVM_STDIN=$W/console start_lkvm panic run -k "$LAB/l2/Image" \
	-i "$LAB/l2/initrd.cpio.gz" -m 256 --console-log "$W/console.log" \
	--loglevel info -p "quiet lkvm.wait-cmd"
wait_out panic LKVM-GUEST-READY 120 || fail "the guest never asked for a command"
echo panic >&3
wait_lkvm
metric panic_lkvm_wall "$wall" s
[ "$rc" = 4 ] || fail "a guest panic: lkvm exited $rc, expected 4"
has panic err 'guest panic, seen on its console: Kernel panic - not syncing: sysrq triggered crash' ||
	fail "lkvm did not say it saw the panic on the console: $(grep -a 'lkvm:' "$W/panic.err" | tail -n 3 | tr '\n' '|')"
has panic out -- '---[ end Kernel panic - not syncing' ||
	fail "lkvm stopped the guest before the end of its panic report"
grep -aqF 'Kernel panic - not syncing: sysrq triggered crash' "$W/console.log" &&
	grep -aqF 'LKVM-GUEST-READY' "$W/console.log" ||
	fail "--console-log holds no copy of the console"

LKVM_STDIN=$W/console start_lkvm reset run -k "$LAB/l2/Image" \
	-i "$LAB/l2/initrd.cpio.gz" -m 256 --loglevel info -p "quiet lkvm.wait-cmd"
wait_out reset LKVM-GUEST-READY 120 || fail "the second guest never asked for a command"
echo reboot >&3
wait_lkvm
[ "$rc" = 2 ] || fail "a guest reboot with --reboot=exit: lkvm exited $rc, expected 2"
exec 3>&-
pass "panic seen on the console: exit 4 (--console-log kept it); reboot: exit 2"
