#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 420
#
# kvmtool's guest CPU, seen by a Debian guest kernel (guest-init's
# lkvm.cpufeat): by default SVE, pointer authentication (paca, pacg), MTE
# (L1 is QEMU's virt machine with mte=on) and stolen time where L1's KVM
# has them, no PMU; --pmu adds a PMUv3 the
# kernel's driver takes (armv8_pmuv3 in /sys/bus/event_source);
# --sve-max-vl 256 limits SVE to 256 bits (32 bytes); --no-sve,
# --no-ptrauth, --no-pvtime, --disable-mte take each away. At EL1 and at EL2 (--nested).
# What L1's KVM offers comes from lkvm probe: a feature it lacks is
# reported, never assumed.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

run_lkvm probe probe --json
[ "$rc" = 0 ] || fail "lkvm probe exited $rc"
cap() { grep -qE "\"$1\"[[:space:]]*:[[:space:]]*true" "$W/probe.out"; }
for c in sve ptrauth pmu steal_time mte; do
	cap "$c" || fail "L1's KVM does not offer $c (lkvm probe --json: $(cat "$W/probe.out"))"
done

# feat TAG: the guest's LKVM-GUEST-CPUFEAT fields, into f_features
# (',features,' for word matches), f_vl, f_max, f_pmu, f_steal.
feat() {
	_l=$(grep -a 'LKVM-GUEST-CPUFEAT' "$W/$1.out" | head -n 1 | tr -d '\r')
	[ -n "$_l" ] || fail "$1: no LKVM-GUEST-CPUFEAT line (lkvm exit $rc)"
	f_features=,$(echo "$_l" | sed -n 's/.* features=\([^ ]*\).*/\1/p'),
	f_vl=$(echo "$_l" | sed -n 's/.* sve_vl=\([^ ]*\).*/\1/p')
	f_max=$(echo "$_l" | sed -n 's/.* sve_max=\([^ ]*\).*/\1/p')
	f_pmu=$(echo "$_l" | sed -n 's/.* pmu=\([^ ]*\).*/\1/p')
	f_steal=$(echo "$_l" | sed -n 's/.* steal=\([^ ]*\).*/\1/p')
	echo "lab: $name: $1: $_l"
}
has_feat() { case "$f_features" in *",$1,"*) return 0 ;; esac; return 1; }

summary=
for mode in el1 el2; do
	flags=
	[ "$mode" = el2 ] && flags=--nested
	# The defaults, and --pmu with SVE limited to 256 bits.
	# shellcheck disable=SC2086
	linux_run "def-$mode" -c 2 -p "quiet lkvm.cpufeat" $flags
	[ "$rc" = 0 ] || fail "$mode defaults: lkvm exited $rc"
	feat "def-$mode"
	has_feat sve || fail "$mode: no sve in the guest's features"
	has_feat paca && has_feat pacg || fail "$mode: no paca/pacg in the guest's features"
	[ "$f_steal" = yes ] || fail "$mode: the guest does not use stolen time"
	# KVM's nested virtualization hides MTE from vCPUs with EL2: then
	# lkvm must say so, and the guest must not see it.
	if has_feat mte; then
		mte=mte
	elif [ "$mode" = el2 ] && grep -q 'MTE: this host.s KVM does not give it to these vCPUs (vCPUs with EL2)' "$W/def-$mode.err"; then
		mte="no MTE (KVM hides it, lkvm says so)"
	else
		fail "$mode: no mte in the guest's features, and no word from lkvm why"
	fi
	[ "$f_pmu" = none ] || fail "$mode: a PMU without --pmu: $f_pmu"
	def_max=$f_max
	def_vl=$f_vl
	# shellcheck disable=SC2086
	linux_run "pmu-$mode" -c 2 -p "quiet lkvm.cpufeat" --pmu --sve-max-vl 256 $flags
	[ "$rc" = 0 ] || fail "$mode --pmu: lkvm exited $rc"
	feat "pmu-$mode"
	case "$f_pmu" in *armv8_pmuv3*) ;; *) fail "$mode --pmu: the guest has no armv8_pmuv3 PMU: $f_pmu" ;; esac
	has_feat sve || fail "$mode --sve-max-vl 256: no sve"
	[ "$f_max" = 32 ] || fail "$mode --sve-max-vl 256: the largest vector length is $f_max bytes, not 32"
	summary="$summary $mode: $mte, SVE up to $def_max bytes, default $def_vl (32 with --sve-max-vl 256), PMU with --pmu;"
done

# Each taken away (EL1).
linux_run off -c 1 -p "quiet lkvm.cpufeat" --no-sve --no-ptrauth --no-pvtime --disable-mte
[ "$rc" = 0 ] || fail "--no-sve --no-ptrauth --no-pvtime: lkvm exited $rc"
feat off
has_feat sve && fail "--no-sve: the guest has sve"
has_feat paca && fail "--no-ptrauth: the guest has paca"
has_feat mte && fail "--disable-mte: the guest has mte"
[ "$f_steal" = no ] || fail "--no-pvtime: the guest uses stolen time"
pass "paca, pacg, mte, stolen time by default;$summary --no-sve, --no-ptrauth, --no-pvtime, --disable-mte take them away"
