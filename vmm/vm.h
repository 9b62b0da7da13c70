/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM object of `lkvm run`: the guest's memory, vCPUs, devices and the
 * outcome of the run. Built from the options, run until the guest or the
 * user ends it.
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

struct vcpu {
	struct kvm_vcpu kvm;
	struct vm *vm;
	pthread_t thread;
	atomic_bool thread_started;
	/*
	 * The firmware core asked for a stop of this vCPU (fw_next_kick(),
	 * or its retry timer): its next stop calls fw_stop(). Other exits do
	 * not touch the firmware's lock.
	 */
	atomic_bool fw_kicked;
	/* Kicks this thread again later (vcpu-kick.h); the thread's own. */
	timer_t retry_timer;
	bool retry_timer_made;
	/*
	 * KVM owes the vCPU an entry: an MMIO load to finish, or an injected
	 * exception to take, at the next KVM_RUN.
	 */
	bool entry_pending;
};

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

struct virtio_blk_dev;
struct virtio_rng_dev;
struct virtio_console_dev;

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

	/* lkvm pause: the vCPU threads wait on pause_cond. */
	pthread_mutex_t pause_lock;
	pthread_cond_t pause_cond;
	bool paused; /* under pause_lock */
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
	struct io_watch watches[VM_MAX_WATCHES];
	unsigned int nr_watches;
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
 * Undoes vm_create (after vm_run returned): vCPUs, the VM, guest RAM,
 * SDEI and the devices go; the plan and the control socket stay, so that
 * vm_create can boot the same guest again (--reboot=restart).
 */
void vm_destroy(struct vm *vm);

/* Runs the guest until it stops; returns the process exit code. */
int vm_run(struct vm *vm);

/*
 * Records the outcome (the first one wins; a user's stop is kept apart as
 * well, see user_stop) and makes every vCPU and the I/O thread stop. Safe
 * from any thread.
 */
void vm_stop(struct vm *vm, int exit_code);

/* Wakes the I/O thread to look at the VM's state again. */
void vm_wake_io(struct vm *vm);

/*
 * After any step of the firmware core, with fw_lock held: kicks the vCPUs
 * it names and drives the GIC lines it changed (vcpu-hypercall.c).
 */
void vm_fw_drain(struct vm *vm);
/* The host's side of the firmware core (sdei-host.c). */
/* A device drives its interrupt line (to the GIC, or to a bound event). */
void vm_irq_set(struct vm *vm, uint32_t intid, bool level);
/* The control socket's SDEI requests (with fw_lock not held). */
void vm_sdei_signal(struct vm *vm, const struct control_req *req, char *reply,
		    size_t size);
void vm_sdei_status(struct vm *vm, const struct control_req *req, char *reply,
		    size_t size);

/* The control socket's requests, a control_handler (vm-control.c). */
void vm_control_handle(void *ctx, const struct control_req *req, char *reply,
		       size_t size);

/*
 * lkvm pause / resume: every vCPU thread parks at its next clean stop
 * (vcpu_park) until resume or the VM stops. vm_pause returns 0 once all
 * have parked, -1 if they did not within a few seconds.
 */
int vm_pause(struct vm *vm);
void vm_resume(struct vm *vm);
void vcpu_park(struct vcpu *vcpu);

/* Hypercalls and queued requests of a vCPU (vcpu-hypercall.c). */
void vcpu_handle_hypercall(struct vcpu *vcpu);
int vcpu_apply_requests(struct vcpu *vcpu);

/* vCPU threads (vcpu.c). */
int vcpu_start(struct vcpu *vcpu);
void vcpu_kick(struct vcpu *vcpu);
void vcpu_join(struct vcpu *vcpu);
void vcpu_signals_init(void);

#endif
