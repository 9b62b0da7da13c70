#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-timeout: 180
# lab-l1-cpus: 2
#
# --nested, 2 vCPUs: the Debian kernel starts at EL2 ("CPU: All CPU(s)
# started at EL2"), brings up its own KVM in VHE mode ("kvm [1]: VHE mode
# initialized successfully"), prints no "[Firmware Bug]" line (the timer node
# has the EL2 virtual timer), has both CPUs online, takes cpu1 offline and
# online again (PSCI CPU_OFF, CPU_ON through SMC) and powers off: exit 0.
# Metrics: guest uptime at init, lkvm's wall time and teardown (guest
# poweroff to lkvm's exit).
# shellcheck source=tests/lab/lib.sh
. "$LAB/lib.sh"

linux_run linux -m 256 -c 2 --nested -p "quiet lkvm.hotplug"
[ -n "$marker" ] || fail "no LKVM-GUEST-INIT marker (lkvm exit $rc after ${wall}s)"
guest_says linux 'CPU: All CPU(s) started at EL2' ||
	fail "the guest does not say 'CPU: All CPU(s) started at EL2'"
guest_says linux 'kvm [1]: VHE mode initialized successfully' ||
	fail "the guest's KVM does not say 'VHE mode initialized successfully'"
if grep -a 'Firmware Bug' "$W/linux.out" >"$W/fwbug"; then
	fail "the guest says: $(head -n 1 "$W/fwbug" | tr -d '\r')"
fi
[ "$online" = 0-1 ] || fail "guest has online=$online, expected 0-1"
hp=$(grep -a '^LKVM-GUEST-HOTPLUG ' "$W/linux.out" | head -n 1 | tr -d '\r')
[ -n "$hp" ] || fail "no LKVM-GUEST-HOTPLUG line: the CPU hotplug did not finish"
case "$hp" in
"LKVM-GUEST-HOTPLUG PASS "*) ;;
*) fail "cpu1 offline/online: ${hp#LKVM-GUEST-HOTPLUG }" ;;
esac
[ "$rc" = 0 ] || fail "lkvm exited $rc"
[ -n "$off" ] || fail "no 'guest powered off (t=...)' line from lkvm"
pass "EL2, VHE KVM up, online=0-1, cpu1 off and on again; init at ${uptime}s guest time, lkvm ${wall}s (teardown ${teardown}s)"
