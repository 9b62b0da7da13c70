/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running a VM (run.c): the vCPU threads and the I/O thread.
 */
#ifndef LKVM_RUN_H
#define LKVM_RUN_H

struct vm;

/* Runs the guest until it stops; returns the process exit code. */
int vm_run(struct vm *vm);

#endif
