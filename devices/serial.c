// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "serial.h"

void serial_init(struct serial *s, int out_fd, int log_fd,
		 void (*set_irq)(void *ctx, bool level), void *irq_ctx,
		 serial_watch_fn on_watch, void *watch_ctx)
{
	pthread_mutex_init(&s->lock, NULL);
	uart8250_init(&s->uart);
	s->out_fd = out_fd;
	s->log_fd = log_fd;
	s->irq_level = false;
	s->set_irq = set_irq;
	s->irq_ctx = irq_ctx;
	console_watch_init(&s->watch);
	s->on_watch = on_watch;
	s->watch_ctx = watch_ctx;
}

/* Called with the lock held: drives the line only when its level changes. */
static void serial_update_irq(struct serial *s)
{
	bool level = uart8250_irq_pending(&s->uart);

	if (level != s->irq_level) {
		s->irq_level = level;
		s->set_irq(s->irq_ctx, level);
	}
}

static void write_byte(int fd, uint8_t c)
{
	ssize_t n;

	/* A closed or full stdout must not stop the guest: drop the byte. */
	do {
		n = write(fd, &c, 1);
	} while (n < 0 && errno == EINTR);
}

static void serial_output(struct serial *s, uint8_t c)
{
	write_byte(s->out_fd, c);
	if (s->log_fd >= 0)
		write_byte(s->log_fd, c);
}

/* Called with the lock held: the watcher sees bytes in their order. */
static void serial_watch(struct serial *s, uint8_t c)
{
	enum console_event ev = console_watch_byte(&s->watch, c);

	if (ev != CONSOLE_NONE && s->on_watch)
		s->on_watch(s->watch_ctx, ev, s->watch.why);
}

void serial_mmio(void *opaque, uint64_t offset, uint8_t *data, unsigned int len,
		 bool is_write)
{
	struct serial *s = opaque;
	int tx = -1;

	pthread_mutex_lock(&s->lock);
	if (is_write) {
		/* Wider accesses write their low byte, as on a byte-wide bus. */
		tx = uart8250_write(&s->uart, offset, data[0]);
		if (tx >= 0)
			serial_watch(s, tx);
	} else {
		memset(data, 0, len);
		data[0] = uart8250_read(&s->uart, offset);
	}
	serial_update_irq(s);
	pthread_mutex_unlock(&s->lock);

	if (tx >= 0)
		serial_output(s, tx);
}

size_t serial_input(struct serial *s, const uint8_t *buf, size_t len)
{
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = uart8250_receive(&s->uart, buf, len);
	serial_update_irq(s);
	pthread_mutex_unlock(&s->lock);
	return n;
}

bool serial_input_sysrq(struct serial *s, uint8_t key)
{
	bool ok;

	pthread_mutex_lock(&s->lock);
	ok = uart8250_rx_space(&s->uart) >= 2 &&
	     uart8250_receive_break(&s->uart) &&
	     uart8250_receive(&s->uart, &key, 1) == 1;
	serial_update_irq(s);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

/* Writes all of buf to fd; a closed or full fd drops the rest. */
static void write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= n;
	}
}

void serial_console_output(struct serial *s, const uint8_t *buf, size_t len)
{
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < len; i++)
		serial_watch(s, buf[i]);
	pthread_mutex_unlock(&s->lock);
	write_all(s->out_fd, buf, len);
	if (s->log_fd >= 0)
		write_all(s->log_fd, buf, len);
}
