// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket's requests against a running VM: info (lkvm list),
 * stop, pause and resume, and the SDEI ones (sdei-host.c). Called on the
 * I/O thread.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "vm.h"
#include "../arm64/regs-dump.h"
#include "../devices/virtio-console-dev.h"
#include "sdei-host.h"
#include "vm-control.h"

/* How long pause waits for every vCPU thread to park. */
#define VM_PAUSE_TIMEOUT_S 5

void vcpu_park(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	pthread_mutex_lock(&vm->pause_lock);
	if (vm->paused && !atomic_load(&vm->stopping)) {
		vm->parked++;
		pthread_cond_broadcast(&vm->pause_cond);
		while (vm->paused && !atomic_load(&vm->stopping))
			pthread_cond_wait(&vm->pause_cond, &vm->pause_lock);
		vm->parked--;
	}
	pthread_mutex_unlock(&vm->pause_lock);
}

int vm_pause(struct vm *vm)
{
	struct timespec until;
	int ret = 0;

	pthread_mutex_lock(&vm->pause_lock);
	vm->paused = true;
	pthread_mutex_unlock(&vm->pause_lock);
	/* Out of KVM_RUN, after completing any MMIO: a clean stop. */
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += VM_PAUSE_TIMEOUT_S;
	pthread_mutex_lock(&vm->pause_lock);
	while (vm->parked < vm->nr_vcpus && !atomic_load(&vm->stopping) &&
	       ret != ETIMEDOUT)
		ret = pthread_cond_timedwait(&vm->pause_cond, &vm->pause_lock,
					     &until);
	ret = vm->parked == vm->nr_vcpus ? 0 : -1;
	pthread_mutex_unlock(&vm->pause_lock);
	return ret;
}

void vm_resume(struct vm *vm)
{
	pthread_mutex_lock(&vm->pause_lock);
	vm->paused = false;
	pthread_cond_broadcast(&vm->pause_cond);
	pthread_mutex_unlock(&vm->pause_lock);
}

static bool vm_is_paused(struct vm *vm)
{
	bool paused;

	pthread_mutex_lock(&vm->pause_lock);
	paused = vm->paused;
	pthread_mutex_unlock(&vm->pause_lock);
	return paused;
}

static void control_pause(struct vm *vm, char *reply, size_t size)
{
	if (vm_is_paused(vm)) {
		snprintf(reply, size, "error the guest is paused already");
		return;
	}
	if (vm_pause(vm)) {
		vm_resume(vm);
		snprintf(reply, size,
			 "error the vCPUs did not stop within %d s: not paused",
			 VM_PAUSE_TIMEOUT_S);
		return;
	}
	pr_info("control: guest paused");
	snprintf(reply, size, "ok paused");
}

static void control_resume(struct vm *vm, char *reply, size_t size)
{
	if (!vm_is_paused(vm)) {
		snprintf(reply, size, "error the guest is not paused");
		return;
	}
	vm_resume(vm);
	pr_info("control: guest resumed");
	snprintf(reply, size, "ok running");
}

void vm_dump_vcpus(struct vm *vm, void (*line)(void *ctx, const char *s),
		   void *ctx)
{
	char buf[256];

	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu_dump d;

		if (!vm->vcpus[i].kvm.run)
			continue;
		kvm_vcpu_read_dump(&vm->vcpus[i].kvm, vm->features.el2, &d);
		vcpu_dump_format(&d, buf, sizeof(buf));
		line(ctx, buf);
	}
}

struct dump_reply {
	char *buf;
	size_t size, len;
	unsigned int lines, dropped;
};

static void dump_reply_line(void *ctx, const char *s)
{
	struct dump_reply *r = ctx;
	size_t n = strlen(s);

	if (r->len + n + 64 > r->size) {
		r->dropped++;
		return;
	}
	r->len += snprintf(r->buf + r->len, r->size - r->len, "\n%s", s);
	r->lines++;
}

/*
 * lkvm debug --dump: "ok N" and a line per vCPU, read while the guest is
 * paused (a vCPU in KVM_RUN cannot be read), then running again unless
 * it was paused before.
 */
static void control_dump(struct vm *vm, char *reply, size_t size)
{
	static char body[CONTROL_REPLY_MAX];
	struct dump_reply r = { .buf = body, .size = sizeof(body) };
	bool was_paused = vm_is_paused(vm);

	if (!was_paused && vm_pause(vm)) {
		vm_resume(vm);
		snprintf(reply, size,
			 "error the vCPUs did not stop within %d s: no dump",
			 VM_PAUSE_TIMEOUT_S);
		return;
	}
	vm_dump_vcpus(vm, dump_reply_line, &r);
	if (!was_paused)
		vm_resume(vm);
	if (r.dropped)
		dump_reply_line(&r, "(the reply is full: vCPUs left out)");
	snprintf(reply, size, "ok %u%s", r.lines, body);
}

/*
 * lkvm debug --sysrq C: the console Linux reads gets magic SysRq C, as a
 * break then C on the UART, Ctrl-O then C on virtio-console (hvc).
 */
static void control_sysrq(struct vm *vm, char key, char *reply, size_t size)
{
	const uint8_t hvc[2] = { 0x0f, (uint8_t)key };
	bool ok = vm->vcon ? virtio_console_dev_input(vm->vcon, hvc, 2) == 2 :
			     serial_input_sysrq(&vm->serial, (uint8_t)key);

	if (!ok) {
		snprintf(
			reply, size,
			"error the console takes no input now (nothing read yet)");
		return;
	}
	pr_info("control: SysRq %c on the %s", key,
		vm->vcon ? "virtio console" : "UART");
	snprintf(reply, size, "ok sysrq %c", key);
}

void vm_control_handle(void *ctx, const struct control_req *req, char *reply,
		       size_t size)
{
	struct vm *vm = ctx;

	switch (req->op) {
	case CONTROL_INFO:
		snprintf(reply, size,
			 "ok name=%s pid=%d vcpus=%u mem=%llu state=%s",
			 vm->plan.name, (int)getpid(), vm->nr_vcpus,
			 (unsigned long long)(vm->plan.ram_size >> 20),
			 vm_is_paused(vm) ? "paused" : "running");
		break;
	case CONTROL_STOP:
		pr_info("control: stopping the guest (lkvm stop)");
		vm_stop(vm, LKVM_EXIT_STOPPED);
		snprintf(reply, size, "ok stopping");
		break;
	case CONTROL_PAUSE:
		control_pause(vm, reply, size);
		break;
	case CONTROL_RESUME:
		control_resume(vm, reply, size);
		break;
	case CONTROL_SDEI_SIGNAL:
		vm_sdei_signal(vm, req, reply, size);
		break;
	case CONTROL_SDEI_STATUS:
		vm_sdei_status(vm, req, reply, size);
		break;
	case CONTROL_DEBUG_DUMP:
		control_dump(vm, reply, size);
		break;
	case CONTROL_DEBUG_SYSRQ:
		control_sysrq(vm, req->key, reply, size);
		break;
	default:
		snprintf(reply, size, "error unknown request");
		break;
	}
}
