#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 900
# lab-l1-cpus: 2
# lab-suite: full
#
# lkvm beside a peer (figures, not a pass on speed): the same workloads
# with lkvm and with another kvmtool-compatible VMM, /lab/bin/peer
# (tests/lab/run's LAB_PEER, bench/run --peer; bench/build-peer builds
# kvmtool as one), alternating in each round (lkvm first in odd rounds,
# the peer first in even ones), in the same L1 boot; an even number of
# rounds of each timed kind, so that each VMM goes first as often (a boot
# right after another one was up to 1.8 s slower in the lab, whichever
# VMM ran it). Medians of the
# rounds, and each lkvm median over the peer's, *_lkvm_vs_peer (below 1:
# lkvm takes less time or memory; above 1 for disk figures: lkvm is
# faster). Without a peer, lkvm's own figures alone.
#
# Both VMMs get the same command line: --nodefaults (no kernel parameters
# of the VMM's own; console=ttyS0 is given), --network mode=none (kvmtool
# adds a user-mode virtio-net device by default, lkvm none) and
# --virtio-transport mmio (kvmtool's default is virtio-pci, lkvm has only
# virtio-mmio; the same guest driver then). What stays different is each
# VMM's own: kvmtool always puts a PCI host bridge and four 8250 UARTs in
# the device tree, lkvm one UART. Each runs under tests/lab/tools/vmm-time,
# on a pseudo terminal (its console), timed from the fork on one clock.
#
#   boot (ROUNDS): the lab's Debian kernel and initramfs, 256 MiB, 2 vCPUs,
#     "quiet": the guest's /init prints LKVM-GUEST-INIT and powers off.
#     start_to_init   the fork to the arrival of the LKVM-GUEST-INIT line
#     start_to_guest_clock  start_to_init less the guest's uptime there:
#                     the VMM's work before the guest runs, and the
#                     kernel's before its clock starts
#     start_to_exit   the fork to the VMM reaped (waitpid)
#     poweroff_to_exit  the guest kernel's "reboot: Power down" line (its
#                     last before PSCI SYSTEM_OFF) to the VMM reaped
#   poweroff, lkvm's parts (MROUNDS, lkvm alone, --loglevel info): the
#     guest's "reboot: Power down" to lkvm's "guest powered off" (SYSTEM_OFF
#     arrived), to lkvm's last line, to the reaping (below).
#   memory (MROUNDS): the same with lkvm.wait-cmd: at LKVM-GUEST-READY
#     (the guest idle at its prompt) /proc/PID/smaps is read and "poweroff"
#     typed. VMM memory besides guest RAM: Pss (and Rss) summed over
#     every mapping but the guest RAM, which is the mappings at least as
#     long as the guest's RAM (256 MiB; kvmtool maps 2 MiB more for
#     alignment); each VMM must have exactly one such mapping.
#   mmio (ROUNDS): build/guests/bench-mmio.img (1 vCPU, 64 MiB), reads of
#     the 8250's line status register at 0x1000005, kvm-unit-tests'
#     mmio_read_user exit, timed on the generic counter: ns per read.
#   disk (DROUNDS): the boot's guest with lkvm.virtio lkvm.wait-cmd and a
#     fresh 64 MiB raw disk (sparse, in L1's tmpfs) with each VMM's
#     default backend (lkvm: io_uring; kvmtool: Linux AIO when built with
#     libaio, as bench/build-peer does); 62-bench-blk's blkbench:
#     seqwrite 32 MiB, seqread 32 MiB (MiB/s), randread 4 KiB x4 5 s (IOPS).
#
# Fails only if a run could not be done or measured.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

ROUNDS=6
MROUNDS=3
DROUNDS=2
T=$LAB/bin/vmm-time
PEER=$LAB/bin/peer
vmms=lkvm
[ -x "$PEER" ] && vmms="lkvm peer"
[ -x "$T" ] || fail "no $T (make lab-tools)"
# kvmtool keeps its sockets in $HOME/.lkvm; lkvm's go there too (a
# folder of this user's alone, or lkvm refuses it).
export HOME=$W/home
mkdir -p "$HOME/.lkvm"
chmod 700 "$HOME" "$HOME/.lkvm"
SAME="--nodefaults --network mode=none --virtio-transport mmio"
BOOT="-k $LAB/l2/Image -i $LAB/l2/initrd.cpio.gz -m 256 -c 2"

bin() { # lkvm|peer
	if [ "$1" = peer ]; then echo "$PEER"; else echo "$LKVM"; fi
}

# order ROUND: the VMMs in this round's order (the peer first in even ones).
order() {
	if [ "$((${1} % 2))" = 0 ]; then echo "$vmms" | awk '{ for (i = NF; i; i--) printf "%s ", $i }'; else echo "$vmms"; fi
}

# vt FILE KEY [N]: from vmm-time's report FILE, "mark N" or "exit" or "mem".
vt() {
	grep "^VMM-TIME $2${3:+ $3} " "$1" | head -n 1 | cut -d' ' -f"$((${3:+1} + 3))-"
}

# median V...: the middle value (the mean of the two middle ones).
median() {
	echo "$*" | awk '{
		n = split($0, v, " ")
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) {
				t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
			}
		if (n % 2) m = v[(n + 1) / 2]; else m = (v[n / 2] + v[n / 2 + 1]) / 2
		printf "%.6g", m
	}'
}

# add VAR VALUE: appends VALUE to the list in VAR.
add() {
	eval "$1=\"\${$1:-} $2\""
}

# timed TAG VMM-TIME-ARGS...: vmm-time with those arguments (its options,
# "--", the VMM and its own), the console to $W/TAG.out, the report to
# $W/TAG.err; sets rc and last.
timed() {
	_tag=$1
	shift
	echo "lab: $name: $_tag: vmm-time $*"
	"$T" "$@" </dev/null >"$W/$_tag.out" 2>"$W/$_tag.err"
	rc=$?
	last=$_tag
	grep '^VMM-TIME' "$W/$_tag.err" | sed "s/^/lab: $name: $_tag: /"
}

# --- boot: start to init, start to exit, poweroff to exit --------------
r=1
while [ "$r" -le "$ROUNDS" ]; do
	for v in $(order "$r"); do
		tag=boot-$v-$r
		# shellcheck disable=SC2086
		timed "$tag" -l 240 -m LKVM-GUEST-INIT -m 'reboot: Power down' \
			-- "$(bin "$v")" run $SAME $BOOT -p "console=ttyS0 quiet"
		[ "$rc" = 0 ] || fail "$tag: $v exited $rc"
		init=$(vt "$W/$tag.err" mark 1)
		down=$(vt "$W/$tag.err" mark 2)
		ex=$(vt "$W/$tag.err" exit | cut -d' ' -f1)
		[ -n "$init" ] && [ "$init" != none ] || fail "$tag: no LKVM-GUEST-INIT line"
		[ -n "$down" ] && [ "$down" != none ] || fail "$tag: no 'reboot: Power down' line"
		# The guest's own clock at init (LKVM-GUEST-INIT uptime=U): the
		# rest of start_to_init is the VMM's work before the guest's
		# first instruction and the kernel's before its clock starts.
		up=$(tr -d '\r' <"$W/$tag.out" | sed -n 's/^LKVM-GUEST-INIT uptime=\([0-9.]*\).*/\1/p' | head -n 1)
		[ -n "$up" ] || fail "$tag: no uptime in the LKVM-GUEST-INIT line"
		add "init_$v" "$init"
		add "pre_$v" "$(awk "BEGIN { printf \"%.6f\", $init - $up }")"
		add "exit_$v" "$ex"
		add "down_$v" "$(awk "BEGIN { printf \"%.6f\", $ex - $down }")"
	done
	r=$((r + 1))
done

# --- poweroff to exit, where lkvm's time goes (lkvm alone) -------------
# The boot again with --loglevel info, three more console marks: lkvm's
# "guest powered off" (it has the guest's PSCI SYSTEM_OFF) and its last
# line, "resident memory:" (then main returns; reading its smaps for that
# line is in lkvm's part). From the guest's last line to SYSTEM_OFF, from
# there to lkvm's last line, and from there to the reaping: the kernel's
# teardown of the process (guest RAM, the VM) and the pty's delivery.
r=1
while [ "$r" -le "$MROUNDS" ]; do
	tag=down-lkvm-$r
	# shellcheck disable=SC2086
	timed "$tag" -l 240 -m 'reboot: Power down' -m 'guest powered off' \
		-m 'resident memory:' \
		-- "$LKVM" run $SAME $BOOT --loglevel info -p "console=ttyS0 quiet"
	[ "$rc" = 0 ] || fail "$tag: lkvm exited $rc"
	m2=$(vt "$W/$tag.err" mark 1)
	m3=$(vt "$W/$tag.err" mark 2)
	m4=$(vt "$W/$tag.err" mark 3)
	ex=$(vt "$W/$tag.err" exit | cut -d' ' -f1)
	for m in "$m2" "$m3" "$m4"; do
		[ -n "$m" ] && [ "$m" != none ] || fail "$tag: a mark is missing: $m2 $m3 $m4"
	done
	add down_guest "$(awk "BEGIN { printf \"%.6f\", $m3 - $m2 }")"
	add down_vmm "$(awk "BEGIN { printf \"%.6f\", $m4 - $m3 }")"
	add down_kernel "$(awk "BEGIN { printf \"%.6f\", $ex - $m4 }")"
	r=$((r + 1))
done

# --- memory besides guest RAM, the guest idle at its prompt ------------
r=1
while [ "$r" -le "$MROUNDS" ]; do
	for v in $(order "$r"); do
		tag=mem-$v-$r
		# shellcheck disable=SC2086
		timed "$tag" -l 240 -s LKVM-GUEST-READY -r 256 -S "$W/$tag.smaps" -k 'poweroff\n' \
			-- "$(bin "$v")" run $SAME $BOOT -p "console=ttyS0 quiet lkvm.wait-cmd"
		[ "$rc" = 0 ] || fail "$tag: $v exited $rc"
		mem=$(vt "$W/$tag.err" mem)
		[ -n "$mem" ] || fail "$tag: no LKVM-GUEST-READY, no memory sample"
		set -- $mem
		[ "$3" = 1 ] || fail "$tag: $v has $3 mappings of at least 256 MiB, not one guest RAM mapping"
		add "pss_$v" "$1"
		add "rss_$v" "$2"
	done
	r=$((r + 1))
done
# Where it goes, for the log: each VMM's resident mappings in the last
# round, guest RAM left out.
for v in $vmms; do
	awk -v ram=$((256 << 20)) -v p="lab: $name: $v smaps:" '
		/^[0-9a-f]+-[0-9a-f]+ / { map = $1 " " $2 " " ($6 == "" ? "[anon]" : $6) }
		/^Size:/ { kib = $2; skip = kib * 1024 >= ram }
		/^Rss:/ { rss = $2 }
		/^Pss:/ && !skip && rss > 0 { printf "%s %s %d KiB: Rss %d Pss %d\n", p, map, kib, rss, $2 }
	' "$W/mem-$v-$MROUNDS.smaps"
done

# --- the MMIO exit round trip ------------------------------------------
r=1
while [ "$r" -le "$ROUNDS" ]; do
	for v in $(order "$r"); do
		tag=mmio-$v-$r
		# shellcheck disable=SC2086
		timed "$tag" -l 60 -- "$(bin "$v")" run $SAME -k "$LAB/guests/bench-mmio.img" -m 64 -c 1
		has "$tag" out 'BENCH-MMIO: DONE' || fail "$tag: no 'BENCH-MMIO: DONE' ($v exit $rc)"
		[ "$rc" = 0 ] || fail "$tag: $v exited $rc"
		ns=$(tr -d '\r' <"$W/$tag.out" | sed -n 's/^BENCH: mmio_read_user_ns \([0-9]*\) ns/\1/p')
		add "mmio_$v" "$ns"
	done
	r=$((r + 1))
done

# --- disk: blkbench with each VMM's default backend --------------------
mkfifo "$W/console"
exec 3<>"$W/console"
mode=disk
# figure MODE FIELD: that field of the last blkbench line for MODE.
figure() {
	sed -n "s/^blkbench $1 .* $2=\([0-9.]*\).*/\1/p" "$W/run.out" | tail -n 1
}
r=1
while [ "$r" -le "$DROUNDS" ]; do
	for v in $(order "$r"); do
		tag=disk-$v-$r
		disk=$W/disk.img
		rm -f "$disk"
		dd if=/dev/zero of="$disk" bs=1M count=0 seek=64 2>/dev/null
		# start_lkvm runs $LKVM: here vmm-time, with the VMM after "--".
		b=$(bin "$v")
		lkvm_bin=$LKVM
		LKVM=$T
		# shellcheck disable=SC2086
		LKVM_STDIN=$W/console start_lkvm "$tag" -l 400 -- "$b" \
			run $SAME $BOOT -d "$disk" -p "console=ttyS0 quiet lkvm.virtio lkvm.wait-cmd"
		LKVM=$lkvm_bin
		ready=0
		wait_out "$tag" LKVM-GUEST-READY 180 || fail "$tag: the guest never got ready"
		ready=1
		guest_run "blkbench /dev/vda seqwrite 32" || fail "$tag: seqwrite: $(cat "$W/run.out")"
		add "seqwrite_$v" "$(figure seqwrite mib_s)"
		guest_run "blkbench /dev/vda seqread 32" || fail "$tag: seqread: $(cat "$W/run.out")"
		add "seqread_$v" "$(figure seqread mib_s)"
		guest_run "blkbench /dev/vda randread 5 4" || fail "$tag: randread: $(cat "$W/run.out")"
		add "randread_$v" "$(figure randread iops)"
		echo poweroff >&3
		wait_lkvm
		[ "$rc" = 0 ] || fail "$tag: $v exited $rc"
	done
	r=$((r + 1))
done
exec 3>&-

# --- the figures ---------------------------------------------------------
# report NAME UNIT LIST RATIO: each VMM's median of the figures in the
# lists LIST_lkvm, LIST_peer as NAME_lkvm, NAME_peer, and lkvm's over the
# peer's as RATIO_lkvm_vs_peer (also in ratio_LIST).
report() {
	eval "_l=\$${3}_lkvm"
	_ml=$(median $_l)
	metric "${1}_lkvm" "$_ml" "$2"
	[ "$vmms" = lkvm ] && return
	eval "_p=\$${3}_peer"
	_mp=$(median $_p)
	metric "${1}_peer" "$_mp" "$2"
	metric "${4}_lkvm_vs_peer" "$(calc "$_ml / $_mp")" x
	eval "ratio_$3=$(calc "$_ml / $_mp")"
}
report start_to_init_s s init start_to_init
report start_to_exit_s s exit start_to_exit
report start_to_guest_clock_s s pre start_to_guest_clock
report poweroff_to_exit_s s down poweroff_to_exit
metric poweroff_to_sysoff_s_lkvm "$(median $down_guest)" s
metric sysoff_to_last_line_s_lkvm "$(median $down_vmm)" s
metric last_line_to_exit_s_lkvm "$(median $down_kernel)" s
report vmm_pss_kib KiB pss vmm_pss
report vmm_rss_kib KiB rss vmm_rss
report mmio_read_user_ns ns mmio mmio_read_user
report seqwrite_mib_s MiB/s seqwrite seqwrite
report seqread_mib_s MiB/s seqread seqread
report randread_iops IOPS randread randread
if [ "$vmms" = lkvm ]; then
	pass "lkvm alone (no /lab/bin/peer): $ROUNDS boots, start to exit $(median $exit_lkvm) s, memory besides guest RAM $(median $pss_lkvm) KiB Pss"
fi
# shellcheck disable=SC2154
pass "lkvm / peer medians: start to exit ${ratio_exit}x, poweroff to exit ${ratio_down}x, memory besides guest RAM (Pss) ${ratio_pss}x, MMIO read ${ratio_mmio}x, seqwrite ${ratio_seqwrite}x, seqread ${ratio_seqread}x, randread ${ratio_randread}x"
