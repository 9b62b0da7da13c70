#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 240
# lab-l1-cpus: 2
#
# kvmtool's command line, as tools made for kvmtool send it. Every kvmtool
# `run` option for arm64 is in one of the two tables below:
#  - honoured: a bare-metal guest runs with it (SMOKE: PASS, exit 0), and
#    where lkvm does something for it, that is checked (-m in kvmtool's
#    forms: the device tree's memory node; --debug: debug lines; the
#    kernel parameters with a disk: root=/dev/vda rw; --debug-mmio: every
#    unmapped access logged, not just the first 10; --vcpu-affinity: the
#    vCPU threads' allowed CPUs; the vCPU features are
#    checked from inside a Linux guest by 64-linux-cpu-features);
#  - refused: exit 1, one line on stderr that starts with the option's
#    name and says why (never "unknown option"), and no VM created.
# And `lkvm --help`, `lkvm help` and `lkvm` alone print kvmtool's command
# list, which tools use to recognise the tool.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

smoke=$LAB/guests/smoke.img
failed=0
n=0
first=

bad() { # CASE WHY
	echo "lab: $name: case $1 FAILED: $2"
	show "$1" 10
	failed=$((failed + 1))
	[ -n "$first" ] || first="$1: $2"
}

# honoured CASE ARGS...: lkvm run ARGS boots the smoke guest to its poweroff.
honoured() {
	_case=$1
	shift
	n=$((n + 1))
	run_lkvm "$_case" run "$@"
	if [ "$rc" != 0 ] || ! has "$_case" out 'SMOKE: PASS'; then
		bad "$_case" "exit $rc, $(grep -ac 'SMOKE: PASS' "$W/$_case.out") SMOKE: PASS lines: $(head -n 1 "$W/$_case.err")"
		return 1
	fi
	echo "lab: $name: case $_case ok"
}

# refused CASE OPTION ARGS...: lkvm run -k smoke ARGS exits 1 with one
# line "lkvm: OPTION: why", and creates no VM (no "creating VM" at debug).
refused() {
	_case=$1
	_opt=$2
	shift 2
	n=$((n + 1))
	run_lkvm "$_case" run --loglevel debug -k "$smoke" "$@"
	if [ "$rc" != 1 ]; then
		bad "$_case" "exit $rc, expected 1"
	elif [ "$(lines "$W/$_case.err")" != 1 ]; then
		bad "$_case" "$(lines "$W/$_case.err") lines on stderr, expected 1"
	elif ! grep -q "^lkvm: $_opt: ..........." "$W/$_case.err"; then
		bad "$_case" "the line does not start with 'lkvm: $_opt: ' and a reason"
	elif grep -qi 'unknown option' "$W/$_case.err"; then
		bad "$_case" "refused as an unknown option"
	elif grep -q 'creating VM' "$W/$_case.err"; then
		bad "$_case" "a VM was created"
	else
		echo "lab: $name: case $_case ok: $(cat "$W/$_case.err")"
	fi
}

# mem_node CASE: the memory node's reg of the DTB CASE.dtb, as dtc prints it.
mem_node() {
	dtc -I dtb -O dts "$W/$1.dtb" 2>/dev/null |
		sed -n '/memory@/,/}/s/.*reg = <\(.*\)>;.*/\1/p' | head -n 1
}

# --- honoured ------------------------------------------------------------
# What tools made for kvmtool send, unchanged.
honoured tool-line --nodefaults --network mode=none --loglevel=warning \
	--kernel "$smoke" --params "quiet" --mem 256 --cpus 2
honoured tool-line-nested --nodefaults --network mode=none --loglevel=warning \
	--kernel "$smoke" --params "quiet" --mem 256 --cpus 2 --nested
honoured network-none-short -k "$smoke" -n mode=none --name kvmtool-opts-$$
honoured network-user -k "$smoke" -n mode=user
honoured psci -k "$smoke" --psci
honoured irqchip -k "$smoke" --irqchip gicv3
honoured irqchip-eq -k "$smoke" --irqchip=gicv3
honoured virtio-transport -k "$smoke" --virtio-transport mmio
honoured disable-mte -k "$smoke" --disable-mte
honoured no-pvtime -k "$smoke" --no-pvtime
honoured pmu -k "$smoke" --pmu
honoured pmu-nested -k "$smoke" --pmu --nested
honoured sve-max-vl -k "$smoke" --sve-max-vl 256
honoured nodefaults -k "$smoke" --nodefaults
honoured console-virtio -k "$smoke" --console virtio
honoured rng -k "$smoke" --rng
honoured loglevel-info -k "$smoke" --loglevel info
if honoured debug -k "$smoke" --debug; then
	grep -q 'lkvm: debug: ' "$W/debug.err" ||
		bad debug "--debug: no debug line from lkvm"
fi

# -m in kvmtool's forms: the guest's memory node says what it got.
for m in "0x100:0x00 0x80000000 0x00 0x10000000" \
	"262144K:0x00 0x80000000 0x00 0x10000000" \
	"1G:0x00 0x80000000 0x00 0x40000000" \
	"512M@2G:0x00 0x80000000 0x00 0x20000000" \
	"512@2048:0x00 0x80000000 0x00 0x20000000"; do
	arg=${m%%:*}
	want=${m#*:}
	c=mem-$(echo "$arg" | tr '@' '_')
	if honoured "$c" -k "$smoke" -m "$arg" --dump-dtb "$W/$c.dtb"; then
		got=$(mem_node "$c")
		[ "$got" = "$want" ] || bad "$c" "-m $arg: memory reg <$got>, not <$want>"
	fi
done
# --counter-offset 2^40: lkvm's measure of guest counter against the host's
# (its info line) is that offset, give or take the time of one read.
if honoured counter-offset -k "$smoke" --counter-offset 0x10000000000 --loglevel info; then
	off=$(sed -n 's/.*guest counter = host CNTVCT - \(-\{0,1\}[0-9]*\).*/\1/p' "$W/counter-offset.err")
	awk -v o="${off:-0}" 'BEGIN { d = o - 1099511627776; exit !(d > -1e9 && d < 1e9) }' ||
		bad counter-offset "lkvm measured an offset of '$off', not 2^40"
fi

# --kaslr-seed: the device tree's /chosen/kaslr-seed, as given.
if honoured kaslr-seed -k "$smoke" --kaslr-seed 0x123456789abcdef0 --dump-dtb "$W/kaslr-seed.dtb"; then
	dtc -I dtb -O dts "$W/kaslr-seed.dtb" 2>/dev/null |
		grep -q 'kaslr-seed = <0x12345678 0x9abcdef0>;' ||
		bad kaslr-seed "$(dtc -I dtb -O dts "$W/kaslr-seed.dtb" 2>/dev/null | grep kaslr-seed)"
fi

# kvmtool's default: 64 MiB a vCPU and 192 MiB besides.
if honoured mem-default -k "$smoke" -c 2 --dump-dtb "$W/mem-default.dtb"; then
	got=$(mem_node mem-default)
	[ "$got" = "0x00 0x80000000 0x00 0x14000000" ] ||
		bad mem-default "-c 2: memory reg <$got>, not 320 MiB"
fi

# -f/--firmware: the raw smoke binary (linked for RAM + 0x80000) placed
# there with --firmware-address, entered with x0 = the DTB, which lies at
# the next 2 MiB boundary (the guest checks x0 is a valid DTB).
if honoured firmware -f "$LAB/guests/smoke-raw.bin" --firmware-address 0x80080000; then
	grep -aq 'DTB at 0x80200000' "$W/firmware.out" ||
		bad firmware "the DTB is not at 0x80200000: $(grep -a 'DTB at' "$W/firmware.out")"
fi

# With a disk, kvmtool's root=/dev/vda rw unless -p names a root.
: >"$W/disk.img"
truncate -s 1M "$W/disk.img"
if honoured root-default -k "$smoke" -d "$W/disk.img" --dump-dtb "$W/root-default.dtb"; then
	dtc -I dtb -O dts "$W/root-default.dtb" 2>/dev/null |
		grep -q 'bootargs = "console=ttyS0 root=/dev/vda rw"' ||
		bad root-default "bootargs: $(dtc -I dtb -O dts "$W/root-default.dtb" 2>/dev/null | grep bootargs)"
fi
if honoured root-given -k "$smoke" -d "$W/disk.img" -p "root=/dev/vdb" --dump-dtb "$W/root-given.dtb"; then
	dtc -I dtb -O dts "$W/root-given.dtb" 2>/dev/null |
		grep -q 'bootargs = "console=ttyS0 root=/dev/vdb"' ||
		bad root-given "bootargs: $(dtc -I dtb -O dts "$W/root-given.dtb" 2>/dev/null | grep bootargs)"
fi

# --debug-mmio: a raw binary reads the unmapped address 0x1000 twelve
# times, then powers off (PSCI SYSTEM_OFF): lkvm logs each read with it,
# the first 10 without.
{
	le32 d2820000 # mov x0, #0x1000
	for _i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		le32 b9400001 # ldr w1, [x0]
	done
	le32 52800100 # mov w0, #0x8
	le32 72b08000 # movk w0, #0x8400, lsl #16: PSCI SYSTEM_OFF
	le32 d4000002 # hvc #0
} >"$W/mmio12.bin"
[ "$(wc -c <"$W/mmio12.bin")" = 64 ] || fail "could not make the test binary mmio12.bin"
for dm in plain debug-mmio; do
	n=$((n + 1))
	flag=
	[ "$dm" = debug-mmio ] && flag=--debug-mmio
	# shellcheck disable=SC2086
	run_lkvm "mmio-$dm" run -k "$W/mmio12.bin" $flag
	c=$(grep -c 'unmapped address 0x1000' "$W/mmio-$dm.err")
	want=10
	[ "$dm" = debug-mmio ] && want=12
	if [ "$rc" != 0 ] || [ "$c" != "$want" ]; then
		bad "mmio-$dm" "exit $rc, $c lines about 0x1000, expected $want"
	else
		echo "lab: $name: case mmio-$dm ok: $c lines"
	fi
done

# --vcpu-affinity 1: both vCPU threads ("vcpu 0", "vcpu 1") of a running
# guest may use host CPU 1 only; without it, both of L1's CPUs.
for aff in 1 none; do
	n=$((n + 1))
	c=affinity-$aff
	g=aff-$aff-$$
	flag="--vcpu-affinity 1"
	[ "$aff" = none ] && flag=
	# shellcheck disable=SC2086
	start_lkvm "$c" run -k "$LAB/guests/ticker.img" -c 2 --name "$g" $flag
	if ! wait_out "$c" 'TICKER: READY' 60; then
		bad "$c" "the ticker guest did not start"
		continue
	fi
	got=
	for t in /proc/"$lkvm_pid"/task/*; do
		case "$(cat "$t/comm")" in
		"vcpu "*) got="$got $(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "$t/status")" ;;
		esac
	done
	"$LKVM" stop --name "$g" >/dev/null 2>&1
	wait_lkvm
	want=" 1 1"
	[ "$aff" = none ] && want=" 0-1 0-1"
	if [ "$got" != "$want" ]; then
		bad "$c" "the vCPU threads' CPUs are '$got', not '$want'"
	else
		echo "lab: $name: case $c ok:$got"
	fi
done

# --hugetlbfs DIR: guest RAM (256 MiB) in 2 MiB pages of a hugetlbfs
# mount: while the guest runs, 128 huge pages are in use or reserved; a
# folder that is not hugetlbfs gets one line.
n=$((n + 1))
mkdir -p "$W/huge"
if ! mount -t hugetlbfs none "$W/huge" || ! echo 200 >/proc/sys/vm/nr_hugepages; then
	bad hugetlbfs "L1 could not mount hugetlbfs or reserve huge pages"
else
	hp() { awk -v k="HugePages_$1:" '$1 == k { print $2 }' /proc/meminfo; }
	g=huge-$$
	start_lkvm hugetlbfs run -k "$LAB/guests/ticker.img" -m 256 --name "$g" --hugetlbfs "$W/huge"
	if ! wait_out hugetlbfs 'TICKER: READY' 60; then
		bad hugetlbfs "the guest did not start: $(cat "$W/hugetlbfs.err")"
	else
		held=$(($(hp Total) - $(hp Free) + $(hp Rsvd)))
		"$LKVM" stop --name "$g" >/dev/null 2>&1
		wait_lkvm
		if [ "$held" -lt 128 ]; then
			bad hugetlbfs "only $held huge pages held for 256 MiB of guest RAM"
		else
			echo "lab: $name: case hugetlbfs ok: $held huge pages held"
		fi
	fi
	[ -z "$(ls -A "$W/huge")" ] || bad hugetlbfs "files left in the mount: $(ls "$W/huge")"
	umount "$W/huge"
	echo 0 >/proc/sys/vm/nr_hugepages
fi
n=$((n + 1))
run_lkvm hugetlbfs-not run -k "$smoke" --hugetlbfs "$W"
[ "$rc" = 1 ] && [ "$(lines "$W/hugetlbfs-not.err")" = 1 ] &&
	grep -q "^lkvm: --hugetlbfs $W: not a hugetlbfs mount" "$W/hugetlbfs-not.err" ||
	bad hugetlbfs-not "exit $rc: $(cat "$W/hugetlbfs-not.err")"

# --- refused -------------------------------------------------------------
refused network-guest-ip --network -n mode=user,guest_ip=10.0.2.16
refused network-hostfwd --network -n mode=user,hostfwd=tcp::22
refused network-vhost --network --network mode=tap,vhost=1
refused network-two --network -n mode=user -n mode=user
refused irqchip-its --irqchip --irqchip gicv3-its
refused irqchip-v2 --irqchip --irqchip gicv2
refused transport-pci --virtio-transport --virtio-transport pci
refused mem-address --mem -m 512M@0x80000000
refused mem-512k --mem -m 512K
for o in balloon vnc gtk sdl virtio-legacy force-pci no-dhcp \
	debug-single-step debug-ioport; do
	refused "$o" "--$o" "--$o"
done
# kvmtool's --9p DIR,TAG in its = form: a share the guest may mount.
mkdir -p "$W/share"
honoured 9p -k "$smoke" "--9p=$W/share,t"
for o in "dev=/dev/kvm" "tty=0" "sandbox=x.sh" \
	"flash=x" "vfio-pci=0000:00:01.0" "debug-iodelay=5" \
	"override-bad-firmware-cntfrq=1"; do
	refused "${o%%=*}" "--${o%%=*}" "--$o"
done
refused firmware-and-kernel --firmware -f "$smoke"
# --vsock CID: the reserved CIDs (0, 1, 2, U32_MAX) and non-numbers.
refused vsock-host --vsock --vsock 2
refused vsock-zero --vsock --vsock=0
refused vsock-any --vsock --vsock 4294967295
refused vsock-junk --vsock --vsock 3x
# --protected works only where KVM creates protected VMs (pKVM; 67-pkvm
# runs it there): elsewhere, as on L1 (kvm-arm.mode=nested), one line that
# says so, before any VM of the guest's exists.
if ! "$LKVM" probe | grep -q '^run --protected: *yes'; then
	n=$((n + 1))
	run_lkvm protected-host run -k "$smoke" --protected
	[ "$rc" = 1 ] && [ "$(lines "$W/protected-host.err")" = 1 ] &&
		grep -q "^lkvm: --protected: this host's KVM does not create protected VMs (KVM_CREATE_VM with KVM_VM_TYPE_ARM_PROTECTED: .*kvm-arm.mode=protected" "$W/protected-host.err" ||
		bad protected-host "exit $rc: $(cat "$W/protected-host.err")"
fi
refused flash-short --flash -F x

# --- the tool's recognition --------------------------------------------
for h in "--help" "help" ""; do
	n=$((n + 1))
	case "$h" in
	--help) c=help-option ;;
	help) c=help-command ;;
	*) c=no-command ;;
	esac
	# shellcheck disable=SC2086
	run_lkvm "$c" $h
	if [ "$rc" != 0 ] ||
		! grep -q '^ The most commonly used lkvm commands are:$' "$W/$c.out" ||
		! grep -q '^   run  ' "$W/$c.out"; then
		bad "$c" "lkvm $h: exit $rc, no kvmtool-shaped command list"
	else
		echo "lab: $name: case $c ok"
	fi
done

last=
[ "$failed" = 0 ] || fail "$failed of $n cases failed, first: $first"
pass "$n cases: kvmtool's options honoured (tool command lines, -m forms, --debug, --debug-mmio, root=/dev/vda) or refused with one line and no VM; lkvm --help in kvmtool's shape"
