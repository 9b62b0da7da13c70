/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The console UART: the 8250 register model wired to file descriptors and an
 * interrupt line. vCPU threads call serial_mmio; the I/O thread feeds input.
 */
#ifndef LKVM_SERIAL_H
#define LKVM_SERIAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uart-8250.h"

struct serial {
	pthread_mutex_t lock;
	struct uart8250 uart;
	int out_fd;
	bool irq_level; /* last level driven on the line */
	void (*set_irq)(void *ctx, bool level);
	void *irq_ctx;
};

void serial_init(struct serial *s, int out_fd,
		 void (*set_irq)(void *ctx, bool level), void *irq_ctx);

/* mmio_handler for the UART's registers. */
void serial_mmio(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		 bool is_write);

/* Input from the host side; returns how many bytes the UART took. */
size_t serial_input(struct serial *s, const uint8_t *buf, size_t len);

#endif
