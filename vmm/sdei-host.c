// SPDX-License-Identifier: GPL-2.0
/*
 * The firmware core from the host's side: the interrupt lines of lkvm's
 * own devices (which INTERRUPT_BIND can turn into SDEI events), and the
 * control socket's SDEI requests. The decisions are firmware-emu's; this
 * file holds the lock and hands the effects to vm_fw_drain().
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "control-status.h"
#include "log.h"
#include "vm.h"
#include "vcpu-hypercall.h"
#include "sdei-host.h"

void vm_irq_set(struct vm *vm, uint32_t intid, bool level)
{
	int ret = -ENOENT;

	if (vm->fw) {
		pthread_mutex_lock(&vm->fw_lock);
		/* A bound line becomes a pending event instead of a GIC one. */
		ret = fw_irq_set(vm->fw, intid, level);
		vm_fw_drain(vm);
		pthread_mutex_unlock(&vm->fw_lock);
	}
	if (ret)
		kvm_irq_line(&vm->kvm, intid, level);
}

/* Index of event num in the SDEI catalogue, or -1. */
static int find_event(const struct sdei *s, uint32_t num,
		      struct sdei_event_status *st)
{
	for (unsigned int i = 0; i < sdei_nr_events(s); i++)
		if (!sdei_event_status(s, i, st) && st->num == num)
			return i;
	return -1;
}

/*
 * Why a pending private event (or shared event with an RM_PE route)
 * waits, for the reply: scripts learn at once that nothing will run.
 */
static const char *held_reason(const struct sdei *s, unsigned int i,
			       const struct sdei_event_status *ev, int cpu)
{
	struct sdei_entry_status es;
	struct sdei_pe_status ps;

	if (sdei_entry_status(s, i, cpu < 0 ? 0 : cpu, &es))
		return NULL;
	if (!(es.state & SDEI_STATUS_REGISTERED))
		return "unregistered";
	if (!(es.state & SDEI_STATUS_ENABLED))
		return "disabled";
	if (es.state & SDEI_STATUS_RUNNING)
		return "running";
	if (ev->shared)
		return NULL;
	if (!sdei_pe_status(s, cpu, &ps) && ps.masked)
		return "masked";
	return NULL;
}

/* Whether req may signal catalogue event ev; 0, or -1 with reply set. */
static int signal_check(const struct vm *vm, const struct control_req *req,
			const struct sdei_event_status *ev, char *reply,
			size_t size)
{
	if (ev->bind_slot)
		snprintf(
			reply, size,
			"error event %u is an interrupt binding: its interrupt raises it",
			req->event);
	else if (ev->shared && req->cpu != CONTROL_CPU_ROUTED)
		snprintf(
			reply, size,
			"error event %u is shared: it goes where its route says; name no vCPU",
			req->event);
	else if (!ev->shared && req->cpu == CONTROL_CPU_ROUTED)
		snprintf(reply, size,
			 "error event %u is private: name the vCPU to signal",
			 req->event);
	else if (req->cpu >= (int)vm->nr_vcpus)
		snprintf(reply, size,
			 "error vCPU %d does not exist (the guest has %u)",
			 req->cpu, vm->nr_vcpus);
	else
		return 0;
	return -1;
}

void vm_sdei_signal(struct vm *vm, const struct control_req *req, char *reply,
		    size_t size)
{
	struct sdei *s = vm->fw ? fw_sdei(vm->fw) : NULL;
	struct sdei_event_status ev;
	struct sdei_entry_status es;
	unsigned int target;
	const char *held;
	int i;

	if (!s) {
		snprintf(
			reply, size,
			"error this guest has no SDEI (--no-sdei, or no SMCCC filter on this host)");
		return;
	}
	pthread_mutex_lock(&vm->fw_lock);
	i = find_event(s, req->event, &ev);
	if (i < 0) {
		snprintf(
			reply, size,
			"error event %u is not declared (lkvm run --sdei-event %u)",
			req->event, req->event);
		goto out;
	}
	if (signal_check(vm, req, &ev, reply, size))
		goto out;
	target = ev.shared ? SDEI_ROUTED : (unsigned int)req->cpu;
	sdei_entry_status(s, i, ev.shared ? 0 : target, &es);
	fw_trigger(vm->fw, req->event, target);
	held = held_reason(s, i, &ev, req->cpu);
	snprintf(reply, size, "ok %s%s%s", es.pending ? "merged" : "pending",
		 held ? " held=" : "", held ? held : "");
	vm_fw_drain(vm);
	if (ev.shared)
		pr_info("control: SDEI event %u signalled by its route: %s",
			req->event, reply + 3);
	else
		pr_info("control: SDEI event %u signalled on vCPU %d: %s",
			req->event, req->cpu, reply + 3);
out:
	pthread_mutex_unlock(&vm->fw_lock);
}

void vm_sdei_status(struct vm *vm, const struct control_req *req, char *reply,
		    size_t size)
{
	struct sdei *s = vm->fw ? fw_sdei(vm->fw) : NULL;
	unsigned int lines;
	int n;

	if (!s) {
		snprintf(
			reply, size,
			"error this guest has no SDEI (--no-sdei, or no SMCCC filter on this host)");
		return;
	}
	/* The body follows the "ok N" line, which is written last. */
	n = snprintf(reply, size, "ok %-8u\n", 0u);
	pthread_mutex_lock(&vm->fw_lock);
	if (control_sdei_status(s, req->json, reply + n, size - n, &lines)) {
		pthread_mutex_unlock(&vm->fw_lock);
		snprintf(reply, size, "error the status does not fit a reply");
		return;
	}
	pthread_mutex_unlock(&vm->fw_lock);
	/* No newline after the body's last line: the socket adds one. */
	reply[strlen(reply) - 1] = 0;
	snprintf(reply, n, "ok %-8u", lines);
	reply[n - 1] = '\n';
}
