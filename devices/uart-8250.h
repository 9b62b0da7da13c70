/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The register model of a 16550A UART (the "8250" Linux drives with
 * compatible "ns16550a"). Pure: transmitted bytes and the interrupt line are
 * results the caller acts on; received bytes are handed in.
 */
#ifndef LKVM_UART_8250_H
#define LKVM_UART_8250_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UART_RX_FIFO_SIZE 64

/* Register offsets (reg-shift 0). */
enum {
	UART_RBR = 0, /* read, DLAB=0 */
	UART_THR = 0, /* write, DLAB=0 */
	UART_DLL = 0, /* DLAB=1 */
	UART_IER = 1, /* DLAB=0 */
	UART_DLM = 1, /* DLAB=1 */
	UART_IIR = 2, /* read */
	UART_FCR = 2, /* write */
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_MSR = 6,
	UART_SCR = 7,
};

#define UART_IER_RDI 0x01 /* received data available */
#define UART_IER_THRI 0x02 /* transmitter holding register empty */
#define UART_IER_RLSI 0x04 /* receiver line status */
#define UART_IER_MSI 0x08 /* modem status */

#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI 0x00
#define UART_IIR_THRI 0x02
#define UART_IIR_RDI 0x04
#define UART_IIR_FIFO_ENABLED 0xc0

#define UART_FCR_ENABLE_FIFO 0x01
#define UART_FCR_CLEAR_RCVR 0x02

#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10

#define UART_LSR_DR 0x01
#define UART_LSR_BI 0x10 /* break interrupt */
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40

#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_RI 0x40
#define UART_MSR_DCD 0x80

struct uart8250 {
	uint8_t ier, lcr, mcr, msr, scr, dll, dlm, fcr;
	/* THRE interrupt latched: set when THR empties, cleared by reading IIR. */
	bool thri_pending;
	uint8_t rx[UART_RX_FIFO_SIZE];
	bool rx_brk[UART_RX_FIFO_SIZE]; /* the character came with a break */
	unsigned int rx_head, rx_count;
};

void uart8250_init(struct uart8250 *u);

/* A guest read of register off (0..7). */
uint8_t uart8250_read(struct uart8250 *u, unsigned int off);

/*
 * A guest write of val to register off. Returns the byte to transmit, or -1
 * when the write transmits nothing (loopback mode, other registers).
 */
int uart8250_write(struct uart8250 *u, unsigned int off, uint8_t val);

/* Hands received bytes to the UART; returns how many fit in its FIFO. */
size_t uart8250_receive(struct uart8250 *u, const uint8_t *buf, size_t len);

/*
 * A break condition on the line: a zero character with LSR.BI, which
 * Linux's console takes as the start of a magic SysRq. False: no room.
 */
bool uart8250_receive_break(struct uart8250 *u);

/* Room left in the receive FIFO. */
size_t uart8250_rx_space(const struct uart8250 *u);

/* The level of the interrupt line: true while an enabled cause is pending. */
bool uart8250_irq_pending(const struct uart8250 *u);

#endif
