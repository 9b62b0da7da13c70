/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PSCI (Arm DEN0022) function IDs and return codes, as plain #defines so
 * that start.S can use them. The SMC64 form of a function is used wherever
 * one exists, as lkvm expects. Prefixed RT_: lkvm's own PSCI
 * (firmware-emu/psci.h) defines the same names.
 */
#ifndef BAREMETAL_PSCI_H
#define BAREMETAL_PSCI_H

#define RT_PSCI_FN_PSCI_VERSION 0x84000000
#define RT_PSCI_FN_CPU_OFF 0x84000002
#define RT_PSCI_FN64_CPU_ON 0xc4000003
#define RT_PSCI_FN64_AFFINITY_INFO 0xc4000004
#define RT_PSCI_FN_SYSTEM_OFF 0x84000008
#define RT_PSCI_FN_SYSTEM_RESET 0x84000009
#define RT_PSCI_FN_PSCI_FEATURES 0x8400000a
#define RT_PSCI_FN64_SYSTEM_RESET2 0xc4000012

/* DEN0022 5.2.2: return codes, sign-extended in x0. */
#define RT_PSCI_RET_SUCCESS 0
#define RT_PSCI_RET_NOT_SUPPORTED (-1)
#define RT_PSCI_RET_INVALID_PARAMS (-2)
#define RT_PSCI_RET_DENIED (-3)
#define RT_PSCI_RET_ALREADY_ON (-4)
#define RT_PSCI_RET_ON_PENDING (-5)
#define RT_PSCI_RET_INTERNAL_FAILURE (-6)
#define RT_PSCI_RET_NOT_PRESENT (-7)
#define RT_PSCI_RET_DISABLED (-8)
#define RT_PSCI_RET_INVALID_ADDRESS (-9)

/* AFFINITY_INFO results (DEN0022 5.7). */
#define RT_PSCI_AFFINITY_ON 0
#define RT_PSCI_AFFINITY_OFF 1
#define RT_PSCI_AFFINITY_ON_PENDING 2

#endif
