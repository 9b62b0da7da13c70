/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LKVM_MEM_SELFTEST=read, for the lab: can lkvm, the guest's host, read a
 * word of guest memory the guest has written? A protected guest's (pKVM)
 * must fault; any other guest's reads back as written. No guest can ask
 * this without the variable: the register does not exist then.
 *
 * The register, at LKVM_SELFTEST_BASE (arm64/layout.h), 64-bit accesses:
 *   0x00  write: the guest physical address of an 8-byte aligned word the
 *         guest has written (and cleaned to memory); lkvm reads that word
 *         through its own mapping of guest RAM, catching SIGSEGV/SIGBUS,
 *         and logs what happened
 *   0x08  read: the last answer, MEM_SELFTEST_*
 *   0x10  read: the word lkvm read, or the signal that stopped the read
 */
#ifndef LKVM_MEM_SELFTEST_H
#define LKVM_MEM_SELFTEST_H

#include <stdbool.h>

#include "mmio.h"
#include "../arm64/kvm-vm.h"

#define MEM_SELFTEST_NONE 0 /* nothing asked yet */
#define MEM_SELFTEST_READ 1 /* the host read the word (at 0x10) */
#define MEM_SELFTEST_FAULT 2 /* the read faulted (the signal at 0x10) */
#define MEM_SELFTEST_BAD_ADDR 3 /* not an aligned word of guest RAM */

/* Whether LKVM_MEM_SELFTEST=read asks for the register. */
bool mem_selftest_enabled(void);

/*
 * The register's MMIO region for this VM's RAM, with the fault handlers
 * installed. 0, or -1 (logged).
 */
int mem_selftest_region(struct kvm_vm *kvm, struct mmio_region *r);

#endif
