// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO exit benchmark, in the manner of kvm-unit-tests' mmio_read_user
 * (arm/micro-bench.c): a read of a device register that the VMM emulates
 * in user space, so that each read is one exit from the guest to the VMM
 * and back. The register is the 8250 UART's line status register at
 * LKVM_UART_BASE + 5, where kvmtool's arm64 layout has it too: the image
 * runs unchanged under lkvm and under kvmtool (bench/run --peer), and the
 * two round trips compare. Prints figures, never fails on a slow one.
 *
 * Time is the generic counter (CNTVCT_EL0 / CNTFRQ_EL0). A calibration
 * run sizes a batch to about BATCH_MS; BATCHES batches follow, and the
 * median and the fastest batch's ns per read are printed:
 *
 *   BENCH: mmio_read_user_ns <median> ns
 *   BENCH: mmio_read_user_min_ns <fastest batch> ns
 *   BENCH-MMIO: DONE
 *
 * or "BENCH-MMIO: FAIL <what>" and a failure code: 1 when CNTFRQ_EL0 reads
 * 0, 2 when the register does not read as an idle 8250's (transmitter
 * empty: LSR bits THRE and TEMT set), so no UART answered there.
 */
#include "runtime.h"

#include "arm64/layout.h"

#define UART_LSR (LKVM_UART_BASE + 5)
#define LSR_THRE 0x20 /* transmit holding register empty */
#define LSR_TEMT 0x40 /* transmitter empty */

#define BATCH_MS 20
#define BATCHES 25
#define CALIB_READS 64
#define MAX_READS 1000000
#define NSEC_PER_SEC 1000000000ULL

static u64 freq;

static u64 now(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

static u64 ticks_ns(u64 t)
{
	return t / freq * NSEC_PER_SEC + t % freq * NSEC_PER_SEC / freq;
}

/* n reads of the line status register; the ticks they took. */
static u64 time_reads(u64 n)
{
	u64 i, t0, t1;
	u8 bad = 0;

	t0 = now();
	for (i = 0; i < n; i++)
		bad |= (u8)~rt_readb(UART_LSR) & (LSR_THRE | LSR_TEMT);
	t1 = now();
	if (bad) {
		rt_printf(
			"BENCH-MMIO: FAIL the register at %#llx does not read as an idle 8250's LSR\n",
			UART_LSR);
		rt_test_fail(2);
	}
	return t1 - t0;
}

static void sort(u64 *a, unsigned int n)
{
	unsigned int i, j;
	u64 v;

	for (i = 1; i < n; i++) {
		v = a[i];
		for (j = i; j && a[j - 1] > v; j--)
			a[j] = a[j - 1];
		a[j] = v;
	}
}

int main(void *dtb)
{
	u64 per_read[BATCHES], n, t;
	unsigned int b;

	(void)dtb;
	freq = read_sysreg(cntfrq_el0);
	if (!freq) {
		rt_puts("BENCH-MMIO: FAIL CNTFRQ_EL0 reads 0");
		return 1;
	}
	/* Only the line's end needs to leave before the timed reads. */
	rt_printf("BENCH-MMIO: reading %#llx, counter at %llu Hz\n", UART_LSR,
		  freq);
	t = time_reads(CALIB_READS);
	n = CALIB_READS * (freq / 1000 * BATCH_MS) / (t ? t : 1);
	if (n < CALIB_READS)
		n = CALIB_READS;
	if (n > MAX_READS)
		n = MAX_READS;
	for (b = 0; b < BATCHES; b++)
		per_read[b] = ticks_ns(time_reads(n)) / n;
	sort(per_read, BATCHES);
	rt_printf("BENCH-MMIO: %u batches of %llu reads\n", BATCHES, n);
	rt_printf("BENCH: mmio_read_user_ns %llu ns\n", per_read[BATCHES / 2]);
	rt_printf("BENCH: mmio_read_user_min_ns %llu ns\n", per_read[0]);
	rt_puts("BENCH-MMIO: DONE");
	return 0;
}
