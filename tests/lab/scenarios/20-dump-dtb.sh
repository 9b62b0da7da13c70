#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 30
#
# --dump-dtb writes the device tree lkvm gives the guest; dtc decompiles it
# without a single warning, and it has the nodes a Linux guest needs.
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

run_lkvm dump run -k "$LAB/guests/smoke.img" --dump-dtb "$W/x.dtb"
[ "$rc" = 0 ] || fail "lkvm run --dump-dtb exited $rc"
[ -s "$W/x.dtb" ] || fail "--dump-dtb wrote no file"

dtc -I dtb -O dts -o "$W/x.dts" "$W/x.dtb" 2>"$W/dtc.err"
drc=$?
last=dtc
[ "$drc" = 0 ] || fail "dtc exited $drc: $(head -n 1 "$W/dtc.err")"
[ -s "$W/dtc.err" ] && fail "dtc warns: $(head -n 1 "$W/dtc.err")"
cat "$W/x.dts"

# Top-level nodes: one tab deep in dtc's output.
for node in chosen memory cpus psci timer; do
	grep -qE "^	$node(@[0-9a-fA-F]+)? \{" "$W/x.dts" ||
		fail "no /$node node"
done
grep -qE '^		cpu@0 \{' "$W/x.dts" || fail "no /cpus/cpu@0 node"
grep -qE '^	+serial@[0-9a-fA-F]+ \{' "$W/x.dts" || fail "no serial node"
# The GIC: whatever its name (kvmtool's is intc), the node that has the
# interrupt-controller property (DT spec 2.4.2.1) and is a GICv3.
grep -qE '^	+interrupt-controller;' "$W/x.dts" ||
	fail "no interrupt-controller (no node has the interrupt-controller property)"
grep -qF '"arm,gic-v3"' "$W/x.dts" || fail "no arm,gic-v3 interrupt controller"

# SDEI is offered by default (/firmware/sdei, arm,sdei-1.0, PSCI's conduit)
# and --no-sdei takes the node away.
grep -qF 'compatible = "arm,sdei-1.0";' "$W/x.dts" ||
	fail "no /firmware/sdei node with arm,sdei-1.0"
run_lkvm dump-nosdei run -k "$LAB/guests/smoke.img" --no-sdei \
	--dump-dtb "$W/y.dtb"
[ "$rc" = 0 ] || fail "lkvm run --no-sdei --dump-dtb exited $rc"
# No sdei in the tree means something only if the tree is whole.
dtc -I dtb -O dts -o "$W/y.dts" "$W/y.dtb" 2>"$W/dtc-nosdei.err"
drc=$?
[ "$drc" = 0 ] ||
	fail "--no-sdei: dtc exited $drc: $(head -n 1 "$W/dtc-nosdei.err")"
for node in chosen memory cpus psci timer; do
	grep -qE "^	$node(@[0-9a-fA-F]+)? \{" "$W/y.dts" ||
		fail "--no-sdei: no /$node node"
done
grep -q 'sdei' "$W/y.dts" && fail "--no-sdei still has an sdei node"

pass "$(wc -c <"$W/x.dtb") bytes, decompiles cleanly, sdei node unless --no-sdei"
