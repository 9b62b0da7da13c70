/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM object of `lkvm run` (vm.c): the guest's memory, vCPUs, devices,
 * firmware and the outcome of the run. Built from the plan, run (run.c)
 * until the guest or the user ends it.
 */
#ifndef LKVM_VM_H
#define LKVM_VM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "control.h"
#include "exit-codes.h"
#include "mmio.h"
#include "options.h"
#include "plan.h"
#include "../arm64/boot.h"
#include "../arm64/image.h"
#include "../arm64/kvm-vcpu.h"
#include "../arm64/kvm-vm.h"
#include "../devices/dev-host.h"
#include "../devices/serial.h"
#include "../firmware-emu/fw.h"
#include "vcpu.h"

/* An interrupt line one of lkvm's devices drives (an SPI). */
struct vm_irq_line {
	uint32_t intid;
};

#define VM_MAX_IRQ_LINES 16

/* A descriptor the I/O thread polls for a device; ready() runs there. */
struct io_watch {
	int fd;
	void (*ready)(void *opaque);
	void *opaque;
};

#define VM_MAX_WATCHES 48
/* Devices' io_hooks, and the descriptors all of them may poll. */
#define VM_MAX_HOOKS 4
#define VM_HOOK_FDS 512

struct virtio_blk_dev;
struct virtio_rng_dev;
struct virtio_console_dev;
struct virtio_net_dev;
struct io_hook;
struct net_backend;
struct virtio_vsock_dev;
struct virtio_fs_dev;
struct vfs_backend;
struct virtio_9p_dev;

struct vm {
	const struct run_opts *opts;
	struct vm_plan plan;
	struct kvm_vm kvm;
	unsigned int nr_vcpus;
	struct vcpu *vcpus;
	uint64_t *mpidr;
	struct mmio_bus mmio;
	struct serial serial;
	struct vm_irq_line irq_lines[VM_MAX_IRQ_LINES]; /* fixed at creation */
	unsigned int nr_irq_lines;
	struct control control; /* the I/O thread's */
	struct vcpu_features features;
	bool pvtime; /* stolen-time records at LKVM_PVTIME_BASE */
	bool mte; /* KVM_CAP_ARM_MTE enabled: the guest has MTE */
	/* --protected and KVM has no SMCCC filter for such a VM. */
	bool protected_no_filter;

	/*
	 * Firmware in user space: PSCI (and SDEI) calls reach lkvm through
	 * the SMCCC filter, and the core answers them. Without the filter
	 * (Linux < 6.4) KVM's PSCI answers and fw is NULL.
	 */
	pthread_mutex_t fw_lock; /* around every fw_*() and its drain */
	struct fw *fw;

	atomic_bool stopping;
	atomic_int exit_code; /* -1 while the guest runs */
	/*
	 * The first user's stop (lkvm_exit_is_user_stop()) of the whole run,
	 * or -1: kept across --reboot=restart's VMs, so that a stop that
	 * comes after a reset is not lost to the restart.
	 */
	atomic_int user_stop;
	int stop_fd; /* eventfd: wakes the I/O thread (stop, panic) */
	/* The console showed a panic's first line: its report is coming. */
	atomic_bool panic_seen;
	/*
	 * The guest panicked and its crash (kdump) kernel took over: the
	 * panic is the crash kernel's to handle, and the run's end says so
	 * (vm_exit_code()).
	 */
	atomic_bool crash_kernel;

	/* lkvm pause: the vCPU threads wait on pause_cond. */
	pthread_mutex_t pause_lock;
	pthread_cond_t pause_cond;
	bool paused; /* under pause_lock */
	/*
	 * Under pause_lock: every vCPU thread of this boot exists. Until
	 * then no vCPU runs (vcpus_release()), so no kick can look for a
	 * thread that is not there yet.
	 */
	bool vcpus_go;
	unsigned int parked; /* threads waiting, under pause_lock */
	/* Warnings given: unmapped accesses, undecodable ones (vcpu.c). */
	atomic_uint unhandled_mmio;
	atomic_uint undecodable_mmio;

	/*
	 * Devices on virtio-mmio, the one interface they have to this VM,
	 * and what the I/O thread polls for them.
	 */
	struct dev_host dev_host;
	struct virtio_blk_dev *disks[OPT_MAX_DISKS];
	unsigned int nr_disks;
	struct virtio_rng_dev *rng;
	struct virtio_console_dev *vcon; /* --console virtio */
	struct virtio_net_dev *net; /* -n mode=user|tap */
	/*
	 * Its backend, opened before the sandbox (cmd_run); it outlives
	 * each VM of --reboot=restart.
	 */
	struct net_backend *net_backend;
	struct virtio_vsock_dev *vsock; /* --vsock */
	struct virtio_9p_dev *p9[OPT_MAX_9P]; /* --9p, their servers the plan's */
	unsigned int nr_p9;
	/* /dev/vhost-vsock, opened before the sandbox; it outlives each VM. */
	int vhost_vsock_fd;
	uint64_t vhost_vsock_features;
	struct virtio_fs_dev *vfs; /* --virtio-fs */
	/* Its vhost-user back end, connected before the sandbox; outlives each VM. */
	struct vfs_backend *vfs_backend;
	struct io_watch watches[VM_MAX_WATCHES];
	unsigned int nr_watches;
	const struct io_hook *hooks[VM_MAX_HOOKS];
	unsigned int nr_hooks;
};

/*
 * Makes the I/O thread call ready(opaque) when fd is readable (before the
 * guest runs). Returns 0, or -1 after logging.
 */
int vm_watch_add(struct vm *vm, int fd, void (*ready)(void *), void *opaque);

/*
 * Once the vCPUs have stopped: waits for the devices' requests in flight
 * (disk writes reach their files before lkvm exits).
 */
void vm_devices_drain(struct vm *vm);

/* Creates the VM from a plan; -1 after logging on failure. */
int vm_create(struct vm *vm, const struct run_opts *opts, int kvm_fd);

/*
 * --protected, before the sandbox drops CAP_IPC_LOCK and CAP_SYS_RESOURCE:
 * KVM pins a protected guest's pages as the guest touches them and counts
 * them against RLIMIT_MEMLOCK, so the limit must cover guest RAM. Raises
 * it where it is lower; 0, or -1 after one line saying what to do.
 */
int vm_protected_memlock(uint64_t ram_size);

/*
 * Undoes vm_create (after vm_run returned): vCPUs, the VM, guest RAM,
 * SDEI and the devices go; the plan and the control socket stay, so that
 * vm_create can boot the same guest again (--reboot=restart).
 */
void vm_destroy(struct vm *vm);

/*
 * Records the outcome (the first one wins; a user's stop is kept apart as
 * well, see user_stop) and makes every vCPU and the I/O thread stop. Safe
 * from any thread.
 */
void vm_stop(struct vm *vm, int exit_code);

/* Wakes the I/O thread to look at the VM's state again. */
void vm_wake_io(struct vm *vm);

#endif
