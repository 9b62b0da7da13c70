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

#include <stdbool.h>

/*
 * The number of system calls the filter allows (for the docs and tests),
 * with user-mode networking's (net_user) or without, with --9p's file
 * calls (p9) or without.
 */
unsigned int sandbox_nr_allowed(bool net_user, bool p9);

/*
 * Drops the capabilities (switching to uid and gid, supplementary groups
 * dropped, when switch_user) and installs the filter for the whole
 * process (every thread, those made later too). net_user (-n mode=user)
 * adds the socket calls libslirp makes for the guest's connections;
 * vhost_vsock (--vsock) the vhost ioctls each VM and DRIVER_OK make; p9
 * (--9p) the file calls a share's server makes (devices/p9-fs.h).
 * Returns 0, or -1 after logging.
 */
int sandbox_enter(bool switch_user, unsigned int uid, unsigned int gid,
		  bool net_user, bool vhost_vsock, bool p9);

/*
 * Before sandbox_enter: pid is a child lkvm started (--virtio-fs's
 * virtiofsd) that it may reap (wait4) and kill (SIGKILL) once sandboxed.
 */
void sandbox_allow_child(int pid);

#endif
