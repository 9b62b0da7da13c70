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

#include "console-watch.h"
#include "uart-8250.h"

/* What the console watcher saw (called with the serial's lock held). */
typedef void (*serial_watch_fn)(void *ctx, enum console_event ev,
				const char *why);

struct serial {
	pthread_mutex_t lock;
	struct uart8250 uart;
	int out_fd;
	int log_fd; /* --console-log, or -1 */
	bool irq_level; /* last level driven on the line */
	void (*set_irq)(void *ctx, bool level);
	void *irq_ctx;
	struct console_watch watch;
	serial_watch_fn on_watch; /* NULL: nobody watches */
	void *watch_ctx;
};

/*
 * Output goes to out_fd and, unless it is -1, to log_fd; on_watch (may be
 * NULL) hears of panics in it.
 */
void serial_init(struct serial *s, int out_fd, int log_fd,
		 void (*set_irq)(void *ctx, bool level), void *irq_ctx,
		 serial_watch_fn on_watch, void *watch_ctx);

/* mmio_handler for the UART's registers. */
void serial_mmio(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		 bool is_write);

/*
 * Output of another console device (virtio-console): to the same stdout
 * and --console-log, past the same panic watcher.
 */
void serial_console_output(struct serial *s, const uint8_t *buf, size_t len);

/* Input from the host side; returns how many bytes the UART took. */
size_t serial_input(struct serial *s, const uint8_t *buf, size_t len);

/*
 * Magic SysRq key on the UART: a break, then key (both, or nothing when
 * the receive FIFO lacks room: false).
 */
bool serial_input_sysrq(struct serial *s, uint8_t key);

#endif
