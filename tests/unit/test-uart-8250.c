// SPDX-License-Identifier: GPL-2.0
/*
 * The 16550A register model, against the National Semiconductor PC16550D
 * data sheet (and what Linux's 8250 driver expects of a 16550A). The
 * register offsets and bits are written here from the data sheet, not
 * taken from uart-8250.h.
 */
#include <string.h>

#include "unit.h"
#include "../../devices/uart-8250.h"

/* Data sheet, Table II "Summary of Registers" (reg-shift 0). */
#define RBR 0 /* DLAB 0, read */
#define THR 0 /* DLAB 0, write */
#define DLL 0 /* DLAB 1 */
#define IER 1 /* DLAB 0 */
#define DLM 1 /* DLAB 1 */
#define IIR 2 /* read */
#define FCR 2 /* write */
#define LCR 3
#define MCR 4
#define LSR 5
#define MSR 6
#define SCR 7

/* IER bits 0-3: ERBFI, ETBEI, ELSI, EDSSI; bits 4-7 always 0. */
#define IER_ERBFI 0x01
#define IER_ETBEI 0x02
#define IER_ELSI 0x04
#define IER_EDSSI 0x08

/*
 * IIR (Table IV): bit 0 is 0 while an interrupt is pending; bits 3:1 say
 * which: 011 receiver line status (highest), 010 received data available,
 * 110 character timeout, 001 THR empty, 000 modem status (lowest). Bits 7:6
 * are set when FCR bit 0 has enabled the FIFOs.
 */
#define IIR_NONE 0x01
#define IIR_RLS 0x06
#define IIR_RDA 0x04
#define IIR_CTI 0x0c
#define IIR_THRE 0x02
#define IIR_MS 0x00
#define IIR_ID_MASK 0x0f
#define IIR_FIFOS 0xc0

/* FCR: bit 0 FIFO enable, bit 1 RCVR FIFO reset, bit 2 XMIT FIFO reset. */
#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define FCR_CLEAR_TX 0x04

#define LCR_8N1 0x03
#define LCR_DLAB 0x80

/* MCR: DTR, RTS, OUT1, OUT2, LOOP; bits 5-7 always 0. */
#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10

/* LSR: DR, OE, PE, FE, BI, THRE, TEMT, RCVR FIFO error. */
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

/* MSR: DCTS, DDSR, TERI, DDCD (deltas), CTS, DSR, RI, DCD. */
#define MSR_DELTAS 0x0f
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80

/* The 16550A's receiver FIFO holds 16 bytes (data sheet, FIFO mode). */
#define HW_FIFO_DEPTH 16

static struct uart8250 u;

static void setup(void)
{
	uart8250_init(&u);
}

static uint8_t rd(unsigned int off)
{
	return uart8250_read(&u, off);
}

static int wr(unsigned int off, uint8_t val)
{
	return uart8250_write(&u, off, val);
}

static size_t rx(const char *s)
{
	return uart8250_receive(&u, (const uint8_t *)s, strlen(s));
}

/* The interrupt line follows IIR bit 0, whatever the cause. */
static void check_irq_matches_iir(void)
{
	struct uart8250 copy = u;
	uint8_t iir = uart8250_read(&copy, IIR);

	ck_assert_int_eq(uart8250_irq_pending(&u), !(iir & IIR_NONE));
}

/* Data sheet, Table III "UART Reset Configuration". */
START_TEST(test_uart_reset_state)
{
	ck_assert_uint_eq(rd(IER), 0);
	ck_assert_uint_eq(rd(IIR), IIR_NONE);
	ck_assert_uint_eq(rd(LCR), 0);
	ck_assert_uint_eq(rd(MCR), 0);
	ck_assert_uint_eq(rd(LSR), LSR_THRE | LSR_TEMT);
	/* No delta bits; CTS asserted so flow control lets bytes out. */
	ck_assert_uint_eq(rd(MSR) & MSR_DELTAS, 0);
	ck_assert_uint_eq(rd(MSR) & MSR_CTS, MSR_CTS);
	ck_assert(!uart8250_irq_pending(&u));
}
END_TEST

/* A THR write transmits its byte; nothing else does. */
START_TEST(test_uart_transmit)
{
	ck_assert_int_eq(wr(THR, 'A'), 'A');
	ck_assert_int_eq(wr(THR, 0x00), 0x00);
	ck_assert_int_eq(wr(THR, 0xff), 0xff);
	/* Transmission is instant: THR and the shifter are empty again. */
	ck_assert_uint_eq(rd(LSR) & (LSR_THRE | LSR_TEMT), LSR_THRE | LSR_TEMT);
	for (unsigned int off = 1; off < 8; off++)
		ck_assert_int_eq(wr(off, 0), -1);
}
END_TEST

/*
 * Setting ETBEI while THR is empty raises the THRE interrupt; reading IIR
 * while it reports THRE clears it (data sheet, Table IV: "Reading the IIR
 * Register (if source of interrupt) or Writing into the Transmitter Holding
 * Register").
 */
START_TEST(test_uart_thre_on_ier_enable)
{
	ck_assert_int_eq(wr(IER, IER_ETBEI), -1);
	ck_assert(uart8250_irq_pending(&u));
	ck_assert_uint_eq(rd(IIR), IIR_THRE);
	ck_assert(!uart8250_irq_pending(&u));
	ck_assert_uint_eq(rd(IIR), IIR_NONE);
	/* IER reads back as written. */
	ck_assert_uint_eq(rd(IER), IER_ETBEI);
}
END_TEST

/* THR written (and sent at once): THRE is raised again. */
START_TEST(test_uart_thre_after_thr_write)
{
	wr(IER, IER_ETBEI);
	ck_assert_uint_eq(rd(IIR), IIR_THRE);
	ck_assert_uint_eq(rd(IIR), IIR_NONE);
	for (int c = 'a'; c <= 'z'; c++) {
		ck_assert_int_eq(wr(THR, c), c);
		ck_assert(uart8250_irq_pending(&u));
		ck_assert_uint_eq(rd(IIR), IIR_THRE);
		ck_assert(!uart8250_irq_pending(&u));
	}
}
END_TEST

/* With ETBEI clear, an empty THR raises nothing. */
START_TEST(test_uart_thre_masked)
{
	wr(THR, 'x');
	ck_assert(!uart8250_irq_pending(&u));
	ck_assert_uint_eq(rd(IIR), IIR_NONE);
	wr(IER, IER_ERBFI | IER_ELSI | IER_EDSSI);
	ck_assert(!uart8250_irq_pending(&u));
	ck_assert_uint_eq(rd(IIR), IIR_NONE);
}
END_TEST

/*
 * Linux, drivers/tty/serial/8250/8250_port.c, serial8250_do_startup: the
 * test for UARTs that do not re-assert THRE. A real 16550A raises THRE on
 * both IER writes; a UART that fails gets UART_BUG_THRE and is then driven
 * by a timer instead of its interrupt.
 */
START_TEST(test_uart_linux_thre_test)
{
	uint8_t iir1, iir, lsr;

	/* "Clear the interrupt registers": LSR, RX, IIR, MSR. */
	rd(LSR);
	rd(RBR);
	rd(IIR);
	rd(MSR);
	wr(LCR, LCR_8N1);
	wr(MCR, MCR_DTR | MCR_RTS | MCR_OUT2);

	/* wait_for_xmitr(up, UART_LSR_THRE) */
	ck_assert(rd(LSR) & LSR_THRE);
	wr(IER, IER_ETBEI);
	iir1 = rd(IIR);
	wr(IER, 0);
	wr(IER, IER_ETBEI);
	iir = rd(IIR);
	wr(IER, 0);

	/* The bug test: (!(iir1 & UART_IIR_NO_INT) && (iir & UART_IIR_NO_INT)) */
	ck_assert_msg(!(!(iir1 & IIR_NONE) && (iir & IIR_NONE)),
		      "looks like the THRE bug: iir1 0x%02x, iir 0x%02x", iir1,
		      iir);
	ck_assert_uint_eq(iir1 & IIR_ID_MASK, IIR_THRE);
	ck_assert_uint_eq(iir & IIR_ID_MASK, IIR_THRE);
	ck_assert(!uart8250_irq_pending(&u));

	/*
	 * Then the quick TX-enable test: with the transmitter empty, setting
	 * ETBEI must show an interrupt at once, or Linux sets UART_BUG_TXEN.
	 */
	wr(IER, IER_ETBEI);
	lsr = rd(LSR);
	iir = rd(IIR);
	wr(IER, 0);
	ck_assert_msg(!((lsr & LSR_TEMT) && (iir & IIR_NONE)),
		      "looks like the TXEN bug: lsr 0x%02x, iir 0x%02x", lsr,
		      iir);
	ck_assert(!uart8250_irq_pending(&u));
}
END_TEST

/*
 * Linux's transmit path: start_tx sets ETBEI, the interrupt handler reads
 * IIR and LSR and fills THR, and stop_tx clears ETBEI once the buffer is
 * empty. The line must drop at the end, or the guest loops in its handler.
 */
START_TEST(test_uart_linux_tx_cycle)
{
	const char *msg = "hello";
	size_t sent = 0;

	wr(IER, IER_ERBFI);
	wr(IER, IER_ERBFI | IER_ETBEI);
	for (int irqs = 0; uart8250_irq_pending(&u); irqs++) {
		uint8_t iir = rd(IIR);

		ck_assert_int_lt(irqs, 10);
		ck_assert_uint_eq(iir & IIR_ID_MASK, IIR_THRE);
		ck_assert(rd(LSR) & LSR_THRE);
		if (msg[sent]) {
			ck_assert_int_eq(wr(THR, msg[sent]), msg[sent]);
			sent++;
		} else {
			wr(IER, IER_ERBFI);
		}
	}
	ck_assert_uint_eq(sent, strlen(msg));
	ck_assert_uint_eq(rd(IIR), IIR_NONE);
}
END_TEST

/* Received data: LSR DR, the RDA interrupt, bytes in order on RBR. */
START_TEST(test_uart_receive)
{
	ck_assert_uint_eq(rx("abc"), 3);
	ck_assert_uint_eq(rd(LSR) & LSR_DR, LSR_DR);
	/* Masked until ERBFI is set. */
	ck_assert(!uart8250_irq_pending(&u));
	ck_assert_uint_eq(rd(IIR), IIR_NONE);
	wr(IER, IER_ERBFI);
	ck_assert(uart8250_irq_pending(&u));
	ck_assert_uint_eq(rd(IIR), IIR_RDA);
	/* Reading IIR does not clear RDA; only reading the data does. */
	ck_assert_uint_eq(rd(IIR), IIR_RDA);
	ck_assert_uint_eq(rd(RBR), 'a');
	ck_assert_uint_eq(rd(RBR), 'b');
	ck_assert(uart8250_irq_pending(&u));
	ck_assert_uint_eq(rd(RBR), 'c');
	ck_assert_uint_eq(rd(LSR) & LSR_DR, 0);
	ck_assert(!uart8250_irq_pending(&u));
	ck_assert_uint_eq(rd(IIR), IIR_NONE);
	ck_assert_uint_eq(rd(LSR), LSR_THRE | LSR_TEMT);
}
END_TEST

/*
 * A break (magic SysRq's start on Linux's console): a zero character
 * whose LSR shows BI while it is at the top of the FIFO, and data ready;
 * the key after it is plain data. No room, no break.
 */
START_TEST(test_uart_break)
{
	wr(IER, IER_ERBFI);
	ck_assert_uint_eq(rx("x"), 1);
	ck_assert(uart8250_receive_break(&u));
	ck_assert_uint_eq(rx("t"), 1);
	ck_assert(uart8250_irq_pending(&u));
	/* 'x' first: no BI yet. */
	ck_assert_uint_eq(rd(LSR) & (LSR_DR | 0x10), LSR_DR);
	ck_assert_uint_eq(rd(RBR), 'x');
	ck_assert_uint_eq(rd(LSR) & (LSR_DR | 0x10), LSR_DR | 0x10);
	ck_assert_uint_eq(rd(RBR), 0);
	ck_assert_uint_eq(rd(LSR) & (LSR_DR | 0x10), LSR_DR);
	ck_assert_uint_eq(rd(RBR), 't');
	ck_assert_uint_eq(rd(LSR), LSR_THRE | LSR_TEMT);
	/* A full FIFO takes no break, and a later slot holds no stale BI. */
	while (uart8250_rx_space(&u))
		rx("f");
	ck_assert(!uart8250_receive_break(&u));
	while (rd(LSR) & LSR_DR) {
		ck_assert_uint_eq(rd(LSR) & 0x10, 0);
		ck_assert_uint_eq(rd(RBR), 'f');
	}
}
END_TEST

/* Reading an empty RBR takes nothing away from later data. */
START_TEST(test_uart_rbr_empty)
{
	size_t space = uart8250_rx_space(&u);

	rd(RBR);
	rd(RBR);
	ck_assert_uint_eq(uart8250_rx_space(&u), space);
	ck_assert_uint_eq(rd(LSR) & LSR_DR, 0);
	ck_assert_uint_eq(rx("z"), 1);
	ck_assert_uint_eq(rd(RBR), 'z');
	ck_assert_uint_eq(rd(LSR) & LSR_DR, 0);
	ck_assert_uint_eq(uart8250_rx_space(&u), space);
}
END_TEST

/*
 * The receive FIFO: at least the 16550A's 16 bytes; when full, receive
 * takes no more (the caller holds the rest back) and nothing is lost or
 * reordered, across the wrap of the ring.
 */
START_TEST(test_uart_rx_fifo)
{
	uint8_t buf[1000];
	size_t cap = uart8250_rx_space(&u), n;
	unsigned int next_in = 0, next_out = 0;

	ck_assert_uint_ge(cap, HW_FIFO_DEPTH);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = i * 7;
	n = uart8250_receive(&u, buf, sizeof(buf));
	ck_assert_uint_eq(n, cap);
	next_in = n;
	ck_assert_uint_eq(uart8250_rx_space(&u), 0);
	ck_assert_uint_eq(uart8250_receive(&u, buf, 1), 0);

	/* Drain a few, refill a few, many times round the ring. */
	while (next_out < sizeof(buf)) {
		for (int i = 0; i < 5 && next_out < next_in; i++) {
			ck_assert_uint_eq(rd(LSR) & LSR_DR, LSR_DR);
			ck_assert_uint_eq(rd(RBR), buf[next_out]);
			next_out++;
		}
		n = uart8250_receive(&u, buf + next_in, sizeof(buf) - next_in);
		ck_assert_uint_le(n, sizeof(buf) - next_in);
		next_in += n;
		ck_assert_uint_eq(uart8250_rx_space(&u),
				  cap - (next_in - next_out));
	}
	ck_assert_uint_eq(next_in, sizeof(buf));
	ck_assert_uint_eq(rd(LSR) & LSR_DR, 0);
	ck_assert_uint_eq(uart8250_rx_space(&u), cap);
}
END_TEST

/*
 * IIR priorities (Table IV): received data available ranks above THR
 * empty. Reading IIR while it reports RDA leaves the THRE cause pending; it
 * shows once the data is read.
 */
START_TEST(test_uart_iir_priority)
{
	wr(IER, IER_ERBFI | IER_ETBEI);
	rx("xy");
	ck_assert_uint_eq(rd(IIR), IIR_RDA);
	ck_assert_uint_eq(rd(IIR), IIR_RDA);
	rd(RBR);
	ck_assert_uint_eq(rd(IIR), IIR_RDA);
	rd(RBR);
	ck_assert_uint_eq(rd(IIR), IIR_THRE);
	ck_assert_uint_eq(rd(IIR), IIR_NONE);
	/* Data arriving after THRE was raised again still ranks first. */
	wr(THR, '!');
	rx("z");
	ck_assert_uint_eq(rd(IIR), IIR_RDA);
	ck_assert_uint_eq(rd(RBR), 'z');
	ck_assert_uint_eq(rd(IIR), IIR_THRE);
	ck_assert_uint_eq(rd(IIR), IIR_NONE);
}
END_TEST

/* Clearing IER drops the line; setting it again brings the data back. */
START_TEST(test_uart_ier_gates_irq)
{
	wr(IER, IER_ERBFI);
	rx("q");
	ck_assert(uart8250_irq_pending(&u));
	wr(IER, 0);
	ck_assert(!uart8250_irq_pending(&u));
	ck_assert_uint_eq(rd(IIR), IIR_NONE);
	wr(IER, IER_ERBFI);
	ck_assert(uart8250_irq_pending(&u));
	ck_assert_uint_eq(rd(IIR), IIR_RDA);
}
END_TEST

/* FIFO mode: IIR bits 7:6 set; FCR bit 1 empties the receive FIFO. */
START_TEST(test_uart_fcr)
{
	size_t cap = uart8250_rx_space(&u);

	wr(FCR, FCR_ENABLE);
	ck_assert_uint_eq(rd(IIR), IIR_FIFOS | IIR_NONE);
	wr(IER, IER_ETBEI);
	ck_assert_uint_eq(rd(IIR), IIR_FIFOS | IIR_THRE);
	wr(IER, IER_ERBFI);
	rx("hello");
	ck_assert_uint_eq(rd(IIR), IIR_FIFOS | IIR_RDA);

	/* Linux's serial8250_clear_fifos. */
	wr(FCR, FCR_ENABLE);
	wr(FCR, FCR_ENABLE | FCR_CLEAR_RX | FCR_CLEAR_TX);
	ck_assert_uint_eq(rd(LSR) & LSR_DR, 0);
	ck_assert_uint_eq(uart8250_rx_space(&u), cap);
	ck_assert_uint_eq(rd(IIR), IIR_FIFOS | IIR_NONE);
	ck_assert(!uart8250_irq_pending(&u));
	/* FCR bits 1 and 2 clear themselves: the FIFO keeps new data. */
	rx("w");
	ck_assert_uint_eq(rd(RBR), 'w');

	/* FIFOs off: IIR bits 7:6 clear again. */
	wr(FCR, 0);
	ck_assert_uint_eq(rd(IIR), IIR_NONE);
	/* Writing FCR does not change LCR or IER (same offset as IIR). */
	ck_assert_uint_eq(rd(IER), IER_ERBFI);
}
END_TEST

/*
 * LCR bit 7 (DLAB) maps the divisor latch over RBR/THR and IER (Table II).
 * Linux sets 115200 baud from 1.8432 MHz with a divisor of 1.
 */
START_TEST(test_uart_divisor_latch)
{
	wr(IER, IER_ERBFI);
	rx("r");
	wr(LCR, LCR_DLAB | LCR_8N1);
	ck_assert_uint_eq(rd(LCR), LCR_DLAB | LCR_8N1);
	ck_assert_int_eq(wr(DLL, 0x0c), -1); /* no byte goes out */
	ck_assert_int_eq(wr(DLM, 0x34), -1);
	ck_assert_uint_eq(rd(DLL), 0x0c);
	ck_assert_uint_eq(rd(DLM), 0x34);
	/* Under DLAB, IER and the receive FIFO are untouched. */
	wr(LCR, LCR_8N1);
	ck_assert_uint_eq(rd(IER), IER_ERBFI);
	ck_assert_uint_eq(rd(RBR), 'r');
	ck_assert_uint_eq(rd(LCR), LCR_8N1);
	/* The latch keeps its value; THR works again. */
	wr(LCR, LCR_DLAB);
	ck_assert_uint_eq(rd(DLL), 0x0c);
	ck_assert_uint_eq(rd(DLM), 0x34);
	wr(DLL, 0x01);
	wr(DLM, 0x00);
	ck_assert_uint_eq(rd(DLL), 0x01);
	ck_assert_uint_eq(rd(DLM), 0x00);
	wr(LCR, LCR_8N1);
	ck_assert_int_eq(wr(THR, 'k'), 'k');
}
END_TEST

/* A divisor write under DLAB is not a THR write: it raises no THRE. */
START_TEST(test_uart_divisor_no_thre)
{
	wr(IER, IER_ETBEI);
	ck_assert_uint_eq(rd(IIR), IIR_THRE);
	wr(LCR, LCR_DLAB);
	wr(DLL, 1);
	wr(DLM, 0);
	/* Writing DLM must not change IER either. */
	wr(LCR, 0);
	ck_assert_uint_eq(rd(IER), IER_ETBEI);
	ck_assert_uint_eq(rd(IIR), IIR_NONE);
}
END_TEST

/*
 * Loopback (MCR bit 4, data sheet "Modem Control Register"): the
 * transmitter output loops back to the receiver, and the modem outputs
 * feed the modem inputs: DTR -> DSR, RTS -> CTS, OUT1 -> RI, OUT2 -> DCD.
 */
START_TEST(test_uart_loopback_data)
{
	wr(MCR, MCR_LOOP);
	ck_assert_uint_eq(rd(MCR), MCR_LOOP);
	/* Nothing leaves the UART. */
	ck_assert_int_eq(wr(THR, 0x5a), -1);
	ck_assert_int_eq(wr(THR, 0xa5), -1);
	ck_assert_uint_eq(rd(LSR) & LSR_DR, LSR_DR);
	ck_assert_uint_eq(rd(RBR), 0x5a);
	ck_assert_uint_eq(rd(RBR), 0xa5);
	ck_assert_uint_eq(rd(LSR) & LSR_DR, 0);
	/* The outside world is cut off from the receiver. */
	ck_assert_uint_eq(rx("outside"), 0);
	ck_assert_uint_eq(rd(LSR) & LSR_DR, 0);
	/* Back to normal: bytes go out, received bytes come in. */
	wr(MCR, MCR_DTR | MCR_RTS);
	ck_assert_int_eq(wr(THR, 'n'), 'n');
	ck_assert_uint_eq(rx("i"), 1);
	ck_assert_uint_eq(rd(RBR), 'i');
}
END_TEST

/* Looped-back bytes raise RDA like received ones. */
START_TEST(test_uart_loopback_irq)
{
	wr(MCR, MCR_LOOP | MCR_OUT2);
	wr(IER, IER_ERBFI);
	ck_assert(!uart8250_irq_pending(&u));
	wr(THR, 'L');
	ck_assert(uart8250_irq_pending(&u));
	ck_assert_uint_eq(rd(IIR), IIR_RDA);
	ck_assert_uint_eq(rd(RBR), 'L');
	ck_assert(!uart8250_irq_pending(&u));
}
END_TEST

static const struct {
	uint8_t mcr, msr;
} loop_msr[] = {
	{ 0, 0 },
	{ MCR_DTR, MSR_DSR },
	{ MCR_RTS, MSR_CTS },
	{ MCR_OUT1, MSR_RI },
	{ MCR_OUT2, MSR_DCD },
	/* Linux's autoconfig loopback test: MCR 0x0a gives MSR 0x90. */
	{ MCR_RTS | MCR_OUT2, MSR_CTS | MSR_DCD },
	{ MCR_DTR | MCR_RTS | MCR_OUT1 | MCR_OUT2,
	  MSR_CTS | MSR_DSR | MSR_RI | MSR_DCD },
};

START_TEST(test_uart_loopback_msr)
{
	uint8_t outside = rd(MSR);

	wr(MCR, MCR_LOOP | loop_msr[_i].mcr);
	ck_assert_uint_eq(rd(MSR) & 0xf0, loop_msr[_i].msr);
	wr(MCR, loop_msr[_i].mcr);
	ck_assert_uint_eq(rd(MSR) & 0xf0, outside & 0xf0);
}
END_TEST

/* IER bits 4-7 and MCR bits 5-7 are always 0 (data sheet). */
START_TEST(test_uart_reserved_bits)
{
	wr(IER, 0xff);
	ck_assert_uint_eq(rd(IER), 0x0f);
	wr(IER, 0xf0);
	ck_assert_uint_eq(rd(IER), 0x00);
	wr(MCR, 0xef);
	ck_assert_uint_eq(rd(MCR), 0x0f);
	wr(MCR, 0xe0);
	ck_assert_uint_eq(rd(MCR), 0x00);
}
END_TEST

/* SCR is a plain scratch byte (Linux's autoconfig probes it). */
START_TEST(test_uart_scratch)
{
	for (unsigned int v = 0; v < 256; v += 0x33) {
		wr(SCR, v);
		ck_assert_uint_eq(rd(SCR), v);
	}
	/* LSR and MSR writes (factory test only) change nothing here. */
	wr(LSR, 0x00);
	wr(MSR, 0x00);
	ck_assert_uint_eq(rd(LSR), LSR_THRE | LSR_TEMT);
	ck_assert_uint_eq(rd(MSR) & MSR_CTS, MSR_CTS);
}
END_TEST

/* The line level always agrees with IIR bit 0, through a busy sequence. */
START_TEST(test_uart_irq_level)
{
	static const struct {
		int op; /* 0 write, 1 read, 2 receive */
		unsigned int off;
		uint8_t val;
	} seq[] = {
		{ 0, IER, IER_ETBEI }, { 1, IIR, 0 },	 { 0, THR, 'a' },
		{ 2, 0, 'b' },	       { 0, IER, 0x0f }, { 1, IIR, 0 },
		{ 1, RBR, 0 },	       { 1, IIR, 0 },	 { 0, FCR, 0x07 },
		{ 2, 0, 'c' },	       { 0, MCR, 0x1f }, { 0, THR, 'd' },
		{ 1, RBR, 0 },	       { 1, RBR, 0 },	 { 0, IER, 0 },
		{ 0, MCR, 0 },	       { 0, IER, 0x03 }, { 1, IIR, 0 },
		{ 1, IIR, 0 },	       { 0, LCR, 0x80 }, { 0, THR, 0x01 },
		{ 0, LCR, 0x03 },      { 1, LSR, 0 },	 { 1, MSR, 0 },
	};

	check_irq_matches_iir();
	for (unsigned int i = 0; i < ARRAY_SIZE(seq); i++) {
		uint8_t c = seq[i].val;

		if (seq[i].op == 0)
			wr(seq[i].off, seq[i].val);
		else if (seq[i].op == 1)
			rd(seq[i].off);
		else
			uart8250_receive(&u, &c, 1);
		check_irq_matches_iir();
	}
}
END_TEST

Suite *uart8250_suite(void)
{
	Suite *s = suite_create("uart-8250");
	TCase *tc = tcase_create("registers");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_uart_reset_state);
	tcase_add_test(tc, test_uart_transmit);
	tcase_add_test(tc, test_uart_reserved_bits);
	tcase_add_test(tc, test_uart_scratch);
	tcase_add_test(tc, test_uart_divisor_latch);
	tcase_add_test(tc, test_uart_divisor_no_thre);
	tcase_add_test(tc, test_uart_fcr);
	suite_add_tcase(s, tc);

	tc = tcase_create("interrupts");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_uart_thre_on_ier_enable);
	tcase_add_test(tc, test_uart_thre_after_thr_write);
	tcase_add_test(tc, test_uart_thre_masked);
	tcase_add_test(tc, test_uart_linux_thre_test);
	tcase_add_test(tc, test_uart_linux_tx_cycle);
	tcase_add_test(tc, test_uart_iir_priority);
	tcase_add_test(tc, test_uart_ier_gates_irq);
	tcase_add_test(tc, test_uart_irq_level);
	suite_add_tcase(s, tc);

	tc = tcase_create("receive and loopback");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_uart_receive);
	tcase_add_test(tc, test_uart_break);
	tcase_add_test(tc, test_uart_rbr_empty);
	tcase_add_test(tc, test_uart_rx_fifo);
	tcase_add_test(tc, test_uart_loopback_data);
	tcase_add_test(tc, test_uart_loopback_irq);
	tcase_add_loop_test(tc, test_uart_loopback_msr, 0,
			    ARRAY_SIZE(loop_msr));
	suite_add_tcase(s, tc);
	return s;
}
