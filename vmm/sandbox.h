/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Least privilege for `lkvm run`: once the files, /dev/kvm and the control
 * socket are open, lkvm drops every capability (libcap-ng) and installs a
 * seccomp filter (libseccomp) that allows only the system calls its
 * threads make, ioctls only KVM's and the terminal's. A refused call ends
 * lkvm with a message naming it (status 1). --no-sandbox skips both.
 */
#ifndef LKVM_SANDBOX_H
#define LKVM_SANDBOX_H

/* The number of system calls the filter allows (for the docs and tests). */
unsigned int sandbox_nr_allowed(void);

/*
 * Drops the capabilities and installs the filter for the whole process
 * (every thread, those made later too). Returns 0, or -1 after logging.
 */
int sandbox_enter(void);

#endif
