#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 60
#
# --aarch32: a bare-metal A32 program (its words written here, each with
# its instruction) runs at EL1 in AArch32. lkvm loads it at RAM + 0x8000
# and enters it as kvmtool does: SVC mode, r0 = 0, r1 = ~0, r2 = the DTB.
# It checks r0, r1, CPSR's mode (SVC, 0x13) and the DTB's magic at r2
# without branching (MOVNE sets a flag), prints "AARCH32: PASS" or
# "AARCH32: FAIL" on the UART with conditional stores, and powers off
# with PSCI SYSTEM_OFF (SMC32 ID, HVC), answered by lkvm. Without
# --aarch32 the same file does not run as A32 (no PASS).
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

# say COND TEXT: MOV r5, #c and STRB<COND> r5, [r4] for each character.
say() {
	_st=$1
	printf '%s' "$2" | od -An -tx1 -v | tr -s ' ' '\n' | sed '/^$/d' |
		while read -r c; do
			le32 "e3a050$c" # mov r5, #c
			le32 "$_st"     # strb<cond> r5, [r4]
		done
}
{
	le32 e1a08000 # mov r8, r0
	le32 e1a09001 # mov r9, r1
	le32 e1a0a002 # mov r10, r2
	le32 e3a07000 # mov r7, #0: no check failed yet
	le32 e3004000 # movw r4, #0
	le32 e3404100 # movt r4, #0x0100: the UART
	le32 e3580000 # cmp r8, #0
	le32 13a07001 # movne r7, #1
	le32 e3790001 # cmn r9, #1: r1 == ~0?
	le32 13a07001 # movne r7, #1
	le32 e10f5000 # mrs r5, cpsr
	le32 e205501f # and r5, r5, #0x1f
	le32 e3550013 # cmp r5, #0x13: SVC
	le32 13a07001 # movne r7, #1
	le32 e59a5000 # ldr r5, [r10]: the DTB's first word
	le32 e3006dd0 # movw r6, #0x0dd0
	le32 e34e6dfe # movt r6, #0xedfe: 0xd00dfeed, big-endian
	le32 e1550006 # cmp r5, r6
	le32 13a07001 # movne r7, #1
	le32 e3570000 # cmp r7, #0
	say 05c45000 "AARCH32: PASS" # strbeq
	say 15c45000 "AARCH32: FAIL" # strbne
	le32 e3a0500a # mov r5, #'\n'
	le32 e5c45000 # strb r5, [r4]
	le32 e3000008 # movw r0, #8
	le32 e3480400 # movt r0, #0x8400: PSCI SYSTEM_OFF
	le32 e1400070 # hvc #0
	le32 eafffffe # b .
} >"$W/a32.bin"
[ "$(wc -c <"$W/a32.bin")" = 312 ] || fail "a32.bin has $(wc -c <"$W/a32.bin") bytes, not 312"

run_lkvm a32 run -k "$W/a32.bin" --aarch32 --timeout 30
has a32 out 'AARCH32: PASS' ||
	fail "no 'AARCH32: PASS' (lkvm exit $rc): $(tr -d '\r' <"$W/a32.out" | head -n 3)"
[ "$rc" = 0 ] || fail "--aarch32: lkvm exited $rc"
run_lkvm a64 run -k "$W/a32.bin" --timeout 5
has a64 out 'AARCH32: PASS' && fail "without --aarch32 the A32 program passed"
pass "an A32 program at RAM + 0x8000 in SVC mode with r0 = 0, r1 = ~0, r2 = the DTB; PSCI SYSTEM_OFF from AArch32; exit 0"
