#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 60
#
# Bad input from the user: each case exits 1 with exactly one line on stderr
# that names the problem, and creates no VM: run again with --loglevel debug,
# lkvm must not reach its "creating VM" debug line (logged right before
# KVM_CREATE_VM). A control run of a good guest first proves that line shows.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

smoke=$LAB/guests/smoke.img

# The files the cases need.
: >"$W/empty"
gzip -c "$smoke" >"$W/smoke.img.gz"
# EFI zboot: "MZ", two zero bytes, "zimg", then zeros up to 64 bytes.
{
	printf 'MZ\000\000zimg'
	head -c 56 /dev/zero
} >"$W/zboot.efi"
head -c 40 "$LAB/l2/Image" >"$W/short-header"
# A real Image header whose image_size (LE u64 at byte 16) is 4 GiB.
head -c 65536 "$LAB/l2/Image" >"$W/huge-image"
printf '\000\000\000\000\001\000\000\000' |
	dd of="$W/huge-image" bs=1 seek=16 conv=notrunc 2>/dev/null
truncate -s 100M "$W/initrd-100m"

# A case is only as good as its file: one that could not be made would be
# refused for another reason ("no such file" names --initrd too).
bytes() { # FILE [SKIP COUNT]: the bytes in hex
	od -An -tx1 ${2:+-j "$2"} ${3:+-N "$3"} "$1" | tr -d ' \n'
}
fixture() { # FILE SIZE
	[ -f "$1" ] || fail "could not make the test file ${1##*/}"
	[ "$(wc -c <"$1")" = "$2" ] ||
		fail "the test file ${1##*/} has $(wc -c <"$1") bytes, not $2"
}
fixture "$W/empty" 0
fixture "$W/zboot.efi" 64
fixture "$W/short-header" 40
fixture "$W/huge-image" 65536
fixture "$W/initrd-100m" 104857600
[ "$(bytes "$W/smoke.img.gz" 0 2)" = 1f8b ] ||
	fail "could not make the test file smoke.img.gz (no gzip magic)"
[ "$(bytes "$W/huge-image" 16 8)" = 0000000001000000 ] ||
	fail "huge-image: image_size is not 4 GiB ($(bytes "$W/huge-image" 16 8))"

first=
failed=0
n=0

# check NAME WHAT ARGS...: "lkvm run ARGS" must fail as described above, with WHAT
# (case-insensitive; "RAM" as a word) in its one line on stderr.
check() {
	_case=$1
	_what=$2
	shift 2
	n=$((n + 1))
	_why=
	run_lkvm "$_case" run "$@"
	if [ "$rc" != 1 ]; then
		_why="exit $rc, expected 1"
	elif [ "$(lines "$W/$_case.err")" != 1 ]; then
		_why="$(lines "$W/$_case.err") lines on stderr, expected 1"
	elif [ "$_what" = RAM ] && ! grep -qiw ram "$W/$_case.err"; then
		_why="message does not mention RAM"
	elif [ "$_what" != RAM ] && ! grep -qiF -- "$_what" "$W/$_case.err"; then
		_why="message does not mention '$_what'"
	else
		# Same again at debug level: no VM may be created.
		run_lkvm "$_case-debug" run --loglevel debug "$@"
		if [ "$rc" != 1 ]; then
			_why="with --loglevel debug: exit $rc, expected 1"
		elif grep -q 'creating VM' "$W/$_case-debug.err" "$W/$_case-debug.out"; then
			_why="a VM was created (lkvm logged 'creating VM')"
		fi
	fi
	if [ -n "$_why" ]; then
		echo "lab: $name: case $_case FAILED: $_why"
		show "$_case"
		failed=$((failed + 1))
		[ -n "$first" ] || first="$_case: $_why"
	else
		echo "lab: $name: case $_case ok: $(head -n 1 "$W/$_case.err")"
	fi
}

# Control: a good guest at debug level does log "creating VM", so that its
# absence below means something.
run_lkvm control run --loglevel debug -k "$smoke"
grep -q 'creating VM' "$W/control.err" ||
	fail "control: 'lkvm run --loglevel debug -k smoke.img' logs no 'creating VM' (exit $rc)"
last=

check missing-kernel "$W/no-such-kernel" -k "$W/no-such-kernel"
check empty-kernel empty -k "$W/empty"
check elf ELF -k "$LAB/bin/busybox"
check gzip gzip -k "$W/smoke.img.gz"
check zboot zboot -k "$W/zboot.efi"
check truncated-header truncated -k "$W/short-header"
check image-size RAM -k "$W/huge-image" -m 64
check initrd-too-big initrd -k "$smoke" -i "$W/initrd-100m" -m 64
check mem-0 --mem -k "$smoke" -m 0
check cpus-0 --cpus -k "$smoke" -c 0
check cpus-4096 --cpus -k "$smoke" -c 4096
check unknown-option frobnicate --frobnicate -k "$smoke"
check e2h0-alone --nested --e2h0 -k "$smoke"
# A disk ",direct" on a file system that refuses O_DIRECT (sysfs).
check direct-refused "refuses O_DIRECT" -k "$smoke" -d /sys/devices/system/cpu/online,ro,direct

last=
[ "$failed" = 0 ] || fail "$failed of $n cases failed, first: $first"
pass "$n cases: one clear line, exit 1, no VM"
