#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 120
#
# The sandbox (vmm/sandbox.c), with lkvm started as root: while a guest
# runs, /proc/PID/status shows no capability left (effective, permitted,
# bounding), no_new_privs and one seccomp filter on every thread (the vCPU
# threads started after it included); the guest ticks on, lkvm stop still
# works and lkvm exits 6. --user 1000:1000: the same as uid and gid 1000
# without supplementary groups, and root's lkvm stop reaches it; an
# unknown user is one line and status 1. With --no-sandbox: root's capabilities, no
# filter. A call off the allow-list (LKVM_SANDBOX_SELFTEST makes lkvm call
# getppid, 173 on arm64) ends lkvm at once with status 1 and one line
# naming the call. With an ASan build (LKVM_ASAN=1, tests/lab/run --asan)
# also: LKVM_SANDBOX_SELFTEST=asan makes lkvm read past a heap buffer once
# sandboxed, and the whole ASan report comes out (the heap-buffer-overflow
# line, a stack naming lkvm's functions or its addresses, the summary),
# lkvm exits with ASan's exit code, and the sandbox refused nothing;
# without ASan that case is not run (and not counted). (Every other
# scenario runs sandboxed too: the lab as a whole is the proof that the
# allow-list holds what lkvm needs, with --asan the runtime's calls too.)
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

# field PID NAME: a /proc/PID/status field's value.
field() {
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status"
}

g=sandbox-$$
start_lkvm sb run -k "$LAB/guests/ticker.img" --name "$g" -c 2 --loglevel info
wait_out sb 'TICK 5 ' 30 || fail "the guest did not tick"
for f in CapEff CapPrm CapBnd NoNewPrivs Seccomp Seccomp_filters; do
	echo "lab: $name: lkvm $f: $(field "$lkvm_pid" $f)"
done
[ "$(field "$lkvm_pid" CapEff)" = 0000000000000000 ] &&
	[ "$(field "$lkvm_pid" CapPrm)" = 0000000000000000 ] &&
	[ "$(field "$lkvm_pid" CapBnd)" = 0000000000000000 ] ||
	fail "lkvm kept capabilities: $(grep '^Cap' "/proc/$lkvm_pid/status" | tr '\n' ' ')"
threads=0
for t in /proc/"$lkvm_pid"/task/*; do
	threads=$((threads + 1))
	[ "$(sed -n 's/^Seccomp:[[:space:]]*//p' "$t/status")" = 2 ] &&
		[ "$(sed -n 's/^NoNewPrivs:[[:space:]]*//p' "$t/status")" = 1 ] ||
		fail "thread ${t##*/} is not filtered: $(grep '^Seccomp\|^NoNewPrivs' "$t/status" | tr '\n' ' ')"
done
[ "$threads" -ge 3 ] || fail "only $threads threads (the I/O thread and 2 vCPUs expected)"
has sb err 'sandbox: no capabilities,' || fail "lkvm did not report its sandbox"
allowed=$(sed -n 's/.*sandbox: no capabilities, \([0-9]*\) system calls allowed.*/\1/p' "$W/sb.err")
"$LKVM" stop --name "$g" >"$W/stop.out" 2>&1 || fail "lkvm stop: $(cat "$W/stop.out")"
wait_lkvm
[ "$rc" = 6 ] || fail "lkvm exited $rc after lkvm stop"

start_lkvm nosb run -k "$LAB/guests/ticker.img" --name "$g" --no-sandbox
wait_out nosb 'TICK 2 ' 30 || fail "--no-sandbox: the guest did not tick"
[ "$(field "$lkvm_pid" Seccomp)" = 0 ] && [ "$(field "$lkvm_pid" CapEff)" != 0000000000000000 ] ||
	fail "--no-sandbox: Seccomp $(field "$lkvm_pid" Seccomp), CapEff $(field "$lkvm_pid" CapEff)"
"$LKVM" stop --name "$g" >/dev/null 2>&1
wait_lkvm

# --user: the guest runs as uid 1000, gid 1000, no groups, no
# capabilities; root's lkvm stop still reaches it.
start_lkvm user run -k "$LAB/guests/ticker.img" --name "$g" --user 1000:1000
wait_out user 'TICK 2 ' 30 || fail "--user: the guest did not tick"
echo "lab: $name: --user: Uid $(field "$lkvm_pid" Uid), Gid $(field "$lkvm_pid" Gid), Groups '$(field "$lkvm_pid" Groups)'"
[ "$(field "$lkvm_pid" Uid | tr -s '\t ' ' ')" = "1000 1000 1000 1000" ] &&
	[ "$(field "$lkvm_pid" Gid | tr -s '\t ' ' ')" = "1000 1000 1000 1000" ] &&
	[ -z "$(field "$lkvm_pid" Groups | tr -d ' \t')" ] &&
	[ "$(field "$lkvm_pid" CapEff)" = 0000000000000000 ] &&
	[ "$(field "$lkvm_pid" Seccomp)" = 2 ] ||
	fail "--user: $(grep '^Uid\|^Gid\|^Groups\|^CapEff\|^Seccomp:' "/proc/$lkvm_pid/status" | tr '\n' ' ')"
"$LKVM" stop --name "$g" >"$W/stop.out" 2>&1 || fail "--user: lkvm stop: $(cat "$W/stop.out")"
wait_lkvm
[ "$rc" = 6 ] || fail "--user: lkvm exited $rc after lkvm stop"
run_lkvm nouser run -k "$LAB/guests/ticker.img" --user "no-such-user-$$"
[ "$rc" = 1 ] && [ "$(lines "$W/nouser.err")" = 1 ] && has nouser err 'no such user' ||
	fail "--user of an unknown user: exit $rc: $(cat "$W/nouser.err")"

LKVM_SANDBOX_SELFTEST=1 run_lkvm self run -k "$LAB/guests/ticker.img"
[ "$rc" = 1 ] || fail "a refused call: lkvm exited $rc, expected 1"
has self err 'the sandbox refused system call 173' ||
	fail "a refused call: $(tail -n 2 "$W/self.err")"
has self out 'TICK' && fail "a refused call: the guest ran anyway"

asan=
if [ "${LKVM_ASAN:-0}" = 1 ]; then
	# ASan's exit code: the lab's ASAN_OPTIONS (l1-init) sets it
	want=$(echo "${ASAN_OPTIONS:-}" | sed -n 's/.*exitcode=\([0-9]*\).*/\1/p')
	want=${want:-1}
	LKVM_SANDBOX_SELFTEST=asan run_lkvm asan run -k "$LAB/guests/ticker.img" --loglevel info
	has asan err 'the sandbox refused system call' &&
		fail "ASan under the sandbox: $(grep -o 'the sandbox refused system call [0-9]*' "$W/asan.err")"
	has asan err 'ERROR: AddressSanitizer: heap-buffer-overflow' ||
		fail "ASan under the sandbox: no heap-buffer-overflow report (exit $rc)"
	[ "$rc" = "$want" ] || fail "ASan under the sandbox: lkvm exited $rc, expected $want"
	# the stack of the read: its frames, by name or by lkvm's address
	frames=$(sed -n '/ERROR: AddressSanitizer/,/^$/p' "$W/asan.err" | grep -c '^ *#[0-9]')
	[ "$frames" -ge 2 ] || fail "ASan under the sandbox: $frames stack frames"
	if grep -q '^ *#0 .* in sandbox_selftest_asan' "$W/asan.err"; then
		where="by name"
	elif grep -q '^ *#[0-9] .*lkvm+0x' "$W/asan.err"; then
		where="by address"
	else
		fail "ASan under the sandbox: the stack names no lkvm frame: $(grep -m 1 '^ *#0' "$W/asan.err")"
	fi
	has asan err 'SUMMARY: AddressSanitizer: heap-buffer-overflow' ||
		fail "ASan under the sandbox: no SUMMARY line (the report was cut)"
	has asan out 'TICK' && fail "ASan under the sandbox: the guest ran anyway"
	asan="; ASan under the sandbox: a whole heap-buffer-overflow report ($frames frames, lkvm's $where), exit $rc"
fi
pass "no capabilities (CapEff/CapPrm/CapBnd 0), seccomp on all $threads threads, $allowed calls allowed; --user 1000:1000 runs as that user, stop works; --no-sandbox keeps them; a refused call: exit 1, '$(grep -o 'refused system call [0-9]*' "$W/self.err")'$asan"
