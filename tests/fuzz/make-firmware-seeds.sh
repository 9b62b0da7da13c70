#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Writes the seed corpus of tests/fuzz/fuzz-firmware.c (its header comment
# describes the byte format) into tests/fuzz/corpus/fuzz-firmware/.
set -eu
out=${1:-$(dirname "$0")/corpus/fuzz-firmware}
mkdir -p "$out"

buf=()
b() { buf+=("$@"); }
save() {
	: >"$out/$1"
	for x in "${buf[@]}"; do printf "\\$(printf '%03o' "$((x))")"; done >"$out/$1"
	buf=()
}

# Argument selectors (arg_value()).
Z=0x00
ev() { echo $((0x01 | $1 << 4)); }	# catalogue event i (0: event 0)
mp() { echo $((0x04 | $1 << 4)); }	# vCPU j's MPIDR
aff() { echo $((0x84 | $1 << 4)); }	# its affinity fields (PSCI)
EP=0x06					# a handler entry point
sm() { echo $((0x07 | $1 << 4)); }	# small integer
I32=0x08				# INTID 32
RAM=0x1c				# an address in RAM (PSCI entry)
RESUME=0xfc				# a resume address
# Calls: call VCPU FN ARG1..ARG5 (FN: SDEI function 0x00-0x12).
call() { b $(($1 << 4)) "$2" "${3:-0}" "${4:-0}" "${5:-0}" "${6:-0}" "${7:-0}"; }
psci() { b $(($1 << 4)) $((176 + 2 * $2 + $3)) "${4:-0}" "${5:-0}" "${6:-0}" 0 0; }
VERSION=0x00 REGISTER=0x01 ENABLE=0x02 DISABLE=0x03 CONTEXT=0x04
COMPLETE=0x05 RESUME_=0x06 UNREGISTER=0x07 STATUS=0x08 GET_INFO=0x09
ROUTING_SET=0x0a PE_MASK=0x0b PE_UNMASK=0x0c BIND=0x0d RELEASE=0x0e
SIGNAL=0x0f FEATURES=0x10 PRIVATE_RESET=0x11 SHARED_RESET=0x12
trigger() { b $((7 | $1 << 4)) "$2"; }		# vCPU, catalogue index
irq() { b $((8 | $2 << 7)) "$1"; }		# INTID selector (0: 32), level
run() { b $((10 | $1 << 4)); }			# a stop, if one is due
run_entry() { b $((9 | $1 << 4)) "$2"; }	# the same, KVM owes an entry
run_kicked() { b 0x0b; }
ctx() { b $((12 | $1 << 4)) "$2"; }
fault() { b $((13 | $1 << 4)) "$2"; }
probe() { b 0x0f "$1"; }

# Linux's probe on 4 vCPUs (booted with PSCI CPU_ON, strict power).
b 0x23 0x02 0x08 0x01 0 1 2 3
psci 0 0 0
call 0 $VERSION
call 0 $FEATURES
call 0 $SHARED_RESET
for j in 1 2 3; do psci 0 3 1 "$(aff $j)" $RAM "$(sm $j)"; run $j; done
psci 0 4 1 "$(aff 1)"
for j in 0 1 2 3; do call $j $PRIVATE_RESET; done
for j in 0 1 2 3; do call $j $PE_UNMASK; done
save linux-probe

# Event 0: register, enable, signal itself, context, complete; then resume.
b 0x01 0x00 0x00 0x00 0 0
call 0 $REGISTER "$(ev 0)" $EP "$(sm 7)"
call 0 $ENABLE "$(ev 0)"
call 0 $PE_UNMASK
call 0 $SIGNAL "$(ev 0)" "$(mp 0)"
call 0 $CONTEXT "$(sm 0)"
call 0 $CONTEXT "$(sm 15)"
call 0 $STATUS "$(ev 0)"
call 0 $COMPLETE
call 0 $SIGNAL "$(ev 0)" "$(mp 1)"
run_kicked
call 1 $REGISTER "$(ev 0)" $EP "$(sm 3)"
call 1 $ENABLE "$(ev 0)"
call 1 $PE_UNMASK
call 0 $SIGNAL "$(ev 0)" "$(mp 1)"
run_kicked
call 1 $RESUME_ $RESUME
call 1 $UNREGISTER "$(ev 0)"
save event0

# A shared event, RM_ANY, triggered by the host, taken by a kicked vCPU.
b 0x02 0x01 0x01 0x00 0 0 0
call 0 $REGISTER "$(ev 1)" $EP "$(sm 9)" 0 0
call 0 $GET_INFO "$(ev 1)" "$(sm 3)"
call 0 $ENABLE "$(ev 1)"
call 1 $PE_UNMASK
call 2 $PE_UNMASK
trigger 0 1
run_kicked
call 1 $CONTEXT "$(sm 1)"
call 1 $COMPLETE
call 0 $DISABLE "$(ev 1)"
call 0 $ROUTING_SET "$(ev 1)" "$(sm 1)" "$(mp 2)"
call 0 $GET_INFO "$(ev 1)" "$(sm 4)"
call 0 $ENABLE "$(ev 1)"
trigger 0 1
run_kicked
call 2 $UNREGISTER "$(ev 1)"
call 2 $COMPLETE
save shared-rm-any

# Two takers for one RM_ANY event: vCPU 0 is kicked, vCPU 1 takes it in
# its own call, vCPU 0 stops with nothing to do (then a private event of
# vCPU 0 is one operation away).
b 0x01 0x02 0x01 0x00 0 0
call 0 $REGISTER "$(ev 1)" $EP 0 0 0
call 0 $ENABLE "$(ev 1)"
call 0 $REGISTER "$(ev 2)" $EP 0
call 0 $ENABLE "$(ev 2)"
call 0 $PE_UNMASK
call 1 $PE_UNMASK
trigger 0 1
call 1 $STATUS "$(ev 1)"
run 0
call 1 $COMPLETE
save shared-two-takers

# CPU_OFF with handlers running: event 0 on vCPU 1, a shared event too.
b 0x01 0x01 0x03 0x00 0 0
psci 0 3 1 "$(aff 1)" $RAM 0
run 1
call 1 $REGISTER "$(ev 0)" $EP 0
call 1 $ENABLE "$(ev 0)"
call 0 $REGISTER "$(ev 1)" $EP 0 "$(sm 1)" "$(mp 1)"
call 0 $ENABLE "$(ev 1)"
call 1 $PE_UNMASK
trigger 0 1
run 1
call 0 $SIGNAL "$(ev 0)" "$(mp 1)"
run 1
psci 1 2 0
psci 0 4 1 "$(aff 1)"
call 0 $STATUS "$(ev 1)"
psci 0 3 1 "$(aff 1)" $RAM 0
run 1
save cpu-off-running

# Critical over normal on one vCPU, then nesting unwinds.
b 0x00 0x02 0x08 0x00 0
call 0 $REGISTER "$(ev 1)" $EP 0
call 0 $REGISTER "$(ev 2)" $EP 0
call 0 $ENABLE "$(ev 1)"
call 0 $ENABLE "$(ev 2)"
call 0 $PE_UNMASK
trigger 0 1
run 0
trigger 0 2
run 0
call 0 $REGISTER "$(ev 0)" $EP 0
call 0 $ENABLE "$(ev 0)"
call 0 $SIGNAL "$(ev 0)" "$(mp 0)"
call 0 $CONTEXT "$(sm 2)"
call 0 $COMPLETE
call 0 $COMPLETE
call 0 $COMPLETE
trigger 0 2
trigger 0 1
run 0
call 0 $RESUME_ $RESUME
save critical-over-normal

# A bound SPI: BIND, REGISTER the slot, the line high, complete, release.
b 0x41 0x00 0x00 0x06 0 0
call 0 $FEATURES
call 0 $BIND $I32
call 0 $BIND $I32
call 0 $REGISTER "$(ev 1)" $EP 0
call 0 $ENABLE "$(ev 1)"
call 0 $PE_UNMASK
irq 0 1
run_kicked
call 0 $COMPLETE
irq 0 0
call 0 $COMPLETE
call 0 $UNREGISTER "$(ev 1)"
call 0 $RELEASE "$(ev 1)"
call 1 $BIND 0x28
call 1 $REGISTER "$(ev 3)" $EP 0
irq 2 1
call 1 $SHARED_RESET
save bind-spi

# A nested guest's EL2 code under an EL1 client: dispatch waits.
b 0x01 0x01 0x00 0x00 0 0
call 0 $REGISTER "$(ev 1)" $EP 0
call 0 $ENABLE "$(ev 1)"
call 0 $PE_UNMASK
ctx 0 0x07
trigger 0 1
run_kicked
run 0
ctx 0 0x08
run 0
call 0 $COMPLETE
save nested-el2

# Client at EL2 with MTE; a handler resumed; then PSCI SYSTEM_RESET.
b 0x19 0x01 0x02 0x00 0x30 0x26
call 0 $REGISTER "$(ev 1)" $EP 0
call 0 $ENABLE "$(ev 1)"
call 0 $PE_UNMASK
trigger 0 1
run 0
call 0 $RESUME_ $RESUME
psci 0 9 0
call 0 $STATUS "$(ev 1)"
probe 0x05
save el2-mte-reset

# Client at EL2 (the vCPUs have EL2): an event waits while the client's
# own guest runs (EL1, HCR_EL2.TGE 0, VM 1), retried at each stop; it is
# taken in a VHE host's user space (E2H, TGE: PAN from SCTLR_EL2.SPAN),
# then, under an nVHE client, at EL2 and resumed there (PAN kept).
b 0x08 0x01 0x00 0x00 0x00
call 0 $REGISTER "$(ev 1)" $EP 0
call 0 $ENABLE "$(ev 1)"
call 0 $PE_UNMASK
ctx 0 0x4f
trigger 0 1
run 0
run 0
ctx 0 0x75
run 0
call 0 $COMPLETE
ctx 0 0x4d
trigger 0 1
run 0
ctx 0 0x41
run 0
call 0 $RESUME_ $RESUME
save el2-guest-of-guest

# KVM owes the vCPU an entry (an injected abort, an MMIO load): the stop
# asks for it first, then the event interrupts the vector or the load.
b 0x00 0x01 0x00 0x00 0x00
call 0 $REGISTER "$(ev 1)" $EP 0
call 0 $ENABLE "$(ev 1)"
call 0 $PE_UNMASK
trigger 0 1
run_entry 0 0x01
call 0 $COMPLETE
trigger 0 1
run_entry 0 0x04
call 0 $CONTEXT "$(sm 2)"
call 0 $COMPLETE
save entry-pending

# EVENT_SIGNAL: dropped at a masked PE and where event 0 is unregistered;
# kept while it is registered but disabled or running.
b 0x01 0x00 0x00 0x00 0 0
call 0 $SIGNAL "$(ev 0)" "$(mp 1)"
call 1 $PE_UNMASK
call 0 $SIGNAL "$(ev 0)" "$(mp 1)"
call 1 $REGISTER "$(ev 0)" $EP 0
call 0 $SIGNAL "$(ev 0)" "$(mp 1)"
call 1 $ENABLE "$(ev 0)"
call 1 $SIGNAL "$(ev 0)" "$(mp 1)"
call 1 $COMPLETE
call 1 $COMPLETE
call 1 $PE_MASK
call 0 $SIGNAL "$(ev 0)" "$(mp 1)"
call 1 $PE_UNMASK
save event-signal-dropped

# A bound level line: high then low before any dispatch takes the event
# back; a running handler is not affected, COMPLETE looks at the line
# again; UNREGISTER hands a high line back to the GIC.
b 0x00 0x00 0x00 0x01 0
call 0 $BIND $I32
call 0 $REGISTER "$(ev 1)" $EP 0 0 0
call 0 $ENABLE "$(ev 1)"
irq 0 1
irq 0 0
call 0 $PE_UNMASK
irq 0 1
run 0
irq 0 0
irq 0 1
call 0 $COMPLETE
irq 0 0
call 0 $COMPLETE
irq 0 1
call 0 $UNREGISTER "$(ev 1)"
run 0
call 0 $COMPLETE
irq 0 0
save level-line-drop

# PSCI CPU_ON: an odd entry point and one past RAM are INVALID_ADDRESS;
# a good one boots the target at its own stop.
b 0x21 0x00 0x00 0x00 0 0
b 0x00 183 "$(aff 1)" 0x0b 0x01 0x00 0x10 0x80 0 0 0
psci 0 3 1 "$(aff 1)" 0xdc 0
psci 0 3 1 "$(aff 1)" $RAM "$(sm 5)"
psci 0 4 1 "$(aff 1)"
run 1
psci 0 4 1 "$(aff 1)"
save cpu-on-entry

# CPU_OFF with a shared RM_ANY event pending and this vCPU kicked for it:
# no dispatch there; the event goes to the other PE.
b 0x21 0x01 0x01 0x00 0 0
psci 0 3 1 "$(aff 1)" $RAM 0
run 1
call 0 $REGISTER "$(ev 1)" $EP 0 0 0
call 0 $ENABLE "$(ev 1)"
call 0 $PE_UNMASK
call 1 $PE_UNMASK
trigger 0 1
psci 0 2 0
run 1
call 1 $COMPLETE
save cpu-off-hand-over

# A VM without SDEI (--no-sdei): PSCI only, lines straight to the GIC.
b 0x01 0x00 0x00 0xe0 0 0
call 0 $VERSION
psci 0 0 0
psci 0 3 1 "$(aff 1)" $RAM 0
run 1
irq 0 1
irq 2 1
irq 0 0
trigger 0 1
probe 0x00
psci 0 8 0
save no-sdei

# Defects the harness found (fixed). 1: a vCPU kicked for a shared event
# that another vCPU took first in its own call stops with nothing to do;
# later work for it must kick it again.
b 0x01 0x02 0x01 0x00 0 0
call 0 $REGISTER "$(ev 1)" $EP 0 0 0
call 0 $ENABLE "$(ev 1)"
call 0 $REGISTER "$(ev 2)" $EP 0
call 0 $ENABLE "$(ev 2)"
call 0 $PE_UNMASK
call 1 $PE_UNMASK
trigger 0 1
call 1 $STATUS "$(ev 1)"
run 0
trigger 0 2
run 0
save regress-fuzz-firmware-1
# 2: CPU_OFF inside a bound level interrupt's handler: the line is still
# high, so the event is pending again (another PE takes it).
b 0x21 0x00 0x00 0x01 0 0
psci 0 3 1 "$(aff 1)" $RAM 0
run 1
call 1 $BIND $I32
call 1 $REGISTER "$(ev 1)" $EP 0 0 0
call 1 $ENABLE "$(ev 1)"
call 1 $PE_UNMASK
irq 0 1
run 1
psci 1 2 0
call 0 $PE_UNMASK
call 0 $COMPLETE
save regress-fuzz-firmware-2

# Register faults: the VM stops at the first one. In a dispatch after
# SIGNAL: access 0 is the call's PSTATE read, 1-21 the dispatch's reads,
# 22-27 its writes.
for n in 0 5 22 27; do
	b 0x80 0x00 0x00 0x00 0
	call 0 $REGISTER "$(ev 0)" $EP 0
	call 0 $ENABLE "$(ev 0)"
	call 0 $PE_UNMASK
	fault 0 $n
	call 0 $SIGNAL "$(ev 0)" "$(mp 0)"
	save register-fault-dispatch-$n
done
# In COMPLETE (1-18: x0-x17, then PC, PSTATE) and COMPLETE_AND_RESUME
# (1: SCTLR, then x0-x17, ELR, SPSR, PC, PSTATE).
for name in complete resume; do
	fn=$COMPLETE
	[ $name = resume ] && fn=$RESUME_
	for n in 1 5 20; do
		b 0x80 0x00 0x00 0x00 0
		call 0 $REGISTER "$(ev 0)" $EP 0
		call 0 $ENABLE "$(ev 0)"
		call 0 $PE_UNMASK
		call 0 $SIGNAL "$(ev 0)" "$(mp 0)"
		fault 0 $n
		call 0 "$fn" $RESUME
		save register-fault-$name-$n
	done
done

# Probes: bad vCPU indices, names, broken configurations.
b 0x43 0x13 0x06 0x05 0 0 0 0
for x in 0x00 0x81 0x12 0x23 0x34 0x45 0x56 0x67 0x78 0x89 0x9a 0xab 0xbc 0xcd 0xde 0xef; do
	probe $x
done
save probes
