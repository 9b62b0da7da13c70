/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The firmware core from the host's side (sdei-host.c): device lines and
 * the control socket's SDEI requests.
 */
#ifndef LKVM_SDEI_HOST_H
#define LKVM_SDEI_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "control.h"

struct vm;

/* A device drives its interrupt line (to the GIC, or to a bound event). */
void vm_irq_set(struct vm *vm, uint32_t intid, bool level);
/* The control socket's SDEI requests (with fw_lock not held). */
void vm_sdei_signal(struct vm *vm, const struct control_req *req, char *reply,
		    size_t size);
void vm_sdei_status(struct vm *vm, const struct control_req *req, char *reply,
		    size_t size);

#endif
