// SPDX-License-Identifier: GPL-2.0
/*
 * 16550A register model, after the National Semiconductor PC16550D data
 * sheet: interrupt priorities (IIR), the THRE interrupt that reading IIR
 * clears, FIFOs, divisor latch and loopback. Transmission is instantaneous:
 * THR is always empty again by the time the guest looks.
 */
#include <string.h>

#include "uart-8250.h"

void uart8250_init(struct uart8250 *u)
{
	memset(u, 0, sizeof(*u));
	/* Carrier, data set ready and clear to send: a cable is attached. */
	u->msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
}

static bool rx_ready(const struct uart8250 *u)
{
	return u->rx_count > 0;
}

/* Data sheet table 4: the highest-priority enabled cause wins. */
static uint8_t uart8250_iir(const struct uart8250 *u)
{
	uint8_t fifo = (u->fcr & UART_FCR_ENABLE_FIFO) ? UART_IIR_FIFO_ENABLED :
							 0;

	if ((u->ier & UART_IER_RDI) && rx_ready(u))
		return fifo | UART_IIR_RDI;
	if ((u->ier & UART_IER_THRI) && u->thri_pending)
		return fifo | UART_IIR_THRI;
	return fifo | UART_IIR_NO_INT;
}

bool uart8250_irq_pending(const struct uart8250 *u)
{
	/*
	 * OUT2 gates the interrupt on PC hardware, but Linux's 8250 driver
	 * only sets it on ports with that quirk; DT ports have no such gate.
	 */
	return !(uart8250_iir(u) & UART_IIR_NO_INT);
}

static uint8_t rx_pop(struct uart8250 *u)
{
	uint8_t c;

	if (!rx_ready(u))
		return 0;
	c = u->rx[u->rx_head];
	u->rx_brk[u->rx_head] = false;
	u->rx_head = (u->rx_head + 1) % UART_RX_FIFO_SIZE;
	u->rx_count--;
	return c;
}

static size_t rx_push(struct uart8250 *u, const uint8_t *buf, size_t len)
{
	size_t n = 0;

	while (n < len && u->rx_count < UART_RX_FIFO_SIZE) {
		unsigned int tail =
			(u->rx_head + u->rx_count) % UART_RX_FIFO_SIZE;

		u->rx[tail] = buf[n++];
		u->rx_brk[tail] = false;
		u->rx_count++;
	}
	return n;
}

/* Data sheet 8.4, LSR bit 4: the break's zero character, flagged. */
bool uart8250_receive_break(struct uart8250 *u)
{
	static const uint8_t zero;
	unsigned int tail = (u->rx_head + u->rx_count) % UART_RX_FIFO_SIZE;

	if (!rx_push(u, &zero, 1))
		return false;
	u->rx_brk[tail] = true;
	return true;
}

/* In loopback the modem outputs feed the modem inputs (data sheet 8.6). */
static uint8_t loopback_msr(const struct uart8250 *u)
{
	uint8_t msr = 0;

	if (u->mcr & UART_MCR_RTS)
		msr |= UART_MSR_CTS;
	if (u->mcr & UART_MCR_DTR)
		msr |= UART_MSR_DSR;
	if (u->mcr & UART_MCR_OUT1)
		msr |= UART_MSR_RI;
	if (u->mcr & UART_MCR_OUT2)
		msr |= UART_MSR_DCD;
	return msr;
}

uint8_t uart8250_read(struct uart8250 *u, unsigned int off)
{
	uint8_t iir;

	switch (off & 7) {
	case UART_RBR:
		if (u->lcr & UART_LCR_DLAB)
			return u->dll;
		return rx_pop(u);
	case UART_IER:
		if (u->lcr & UART_LCR_DLAB)
			return u->dlm;
		return u->ier;
	case UART_IIR:
		iir = uart8250_iir(u);
		/* Reading IIR while it reports THRE clears that cause. */
		if ((iir & 0x0f) == UART_IIR_THRI)
			u->thri_pending = false;
		return iir;
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		/* BI goes with the character at the top of the FIFO. */
		return UART_LSR_THRE | UART_LSR_TEMT |
		       (rx_ready(u) ? UART_LSR_DR : 0) |
		       (rx_ready(u) && u->rx_brk[u->rx_head] ? UART_LSR_BI : 0);
	case UART_MSR:
		return (u->mcr & UART_MCR_LOOP) ? loopback_msr(u) : u->msr;
	default:
		return u->scr;
	}
}

int uart8250_write(struct uart8250 *u, unsigned int off, uint8_t val)
{
	int tx = -1;

	switch (off & 7) {
	case UART_THR:
		if (u->lcr & UART_LCR_DLAB) {
			u->dll = val;
			break;
		}
		if (u->mcr & UART_MCR_LOOP)
			rx_push(u, &val, 1);
		else
			tx = val;
		/* The byte left at once: THR is empty again. */
		u->thri_pending = true;
		break;
	case UART_IER:
		if (u->lcr & UART_LCR_DLAB) {
			u->dlm = val;
			break;
		}
		/* Enabling THRI while THR is empty raises it (Linux relies on it). */
		if ((val & UART_IER_THRI) && !(u->ier & UART_IER_THRI))
			u->thri_pending = true;
		u->ier = val & 0x0f;
		break;
	case UART_FCR:
		if (val & UART_FCR_CLEAR_RCVR)
			u->rx_head = u->rx_count = 0;
		u->fcr = val & UART_FCR_ENABLE_FIFO;
		break;
	case UART_LCR:
		u->lcr = val;
		break;
	case UART_MCR:
		u->mcr = val & 0x1f;
		break;
	case UART_LSR:
	case UART_MSR:
		/* Read-only in practice; writes are for factory test. */
		break;
	default:
		u->scr = val;
		break;
	}
	return tx;
}

size_t uart8250_receive(struct uart8250 *u, const uint8_t *buf, size_t len)
{
	/* In loopback the receiver is cut off from the outside world. */
	if (u->mcr & UART_MCR_LOOP)
		return 0;
	return rx_push(u, buf, len);
}

size_t uart8250_rx_space(const struct uart8250 *u)
{
	return UART_RX_FIFO_SIZE - u->rx_count;
}
