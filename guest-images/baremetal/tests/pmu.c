// SPDX-License-Identifier: GPL-2.0
/*
 * The PMU lkvm gives with --pmu (run with -c 1): PMUv3 is there
 * (ID_AA64DFR0_EL1.PMUVer), the cycle counter counts at this EL, and its
 * overflow raises PMU interrupt PPI 7 (INTID 23, the device tree's): the
 * redistributor shows it pending, and with the GIC set up the CPU takes
 * it (ICC_IAR1_EL1 reads 23) with PMOVSSET_EL0's cycle bit set. Prints
 * "PMU: PASS ..." or "PMU: FAIL <why>" (exit codes below). At EL1, and at
 * EL2 with --nested (PMCCFILTR_EL0.NSH makes the counter count at EL2).
 */
#include "runtime.h"

#include "arm64/layout.h"

#define PMU_INTID LKVM_PMU_INTID
/* -c 1: vCPU 0's redistributor, RD_base then SGI_base. */
#define GICR_RD LKVM_GIC_REDIST_BASE(1)
#define GICR_SGI (GICR_RD + 0x10000)
#define GICR_WAKER (GICR_RD + 0x14)
#define GICR_IGROUPR0 (GICR_SGI + 0x80)
#define GICR_ISENABLER0 (GICR_SGI + 0x100)
#define GICR_ISPENDR0 (GICR_SGI + 0x200)
#define GICR_IPRIORITYR(n) (GICR_SGI + 0x400 + (n))
#define GICD_CTLR LKVM_GIC_DIST_BASE
#define GICD_CTLR_ENABLE_G1 (1u << 1)
#define GICD_CTLR_ARE (1u << 4)

#define PMCR_E (1u << 0)
#define PMCR_C (1u << 2) /* cycle counter reset */
#define PMCCFILTR_NSH (1u << 27) /* count at EL2 */
#define PMU_CYCLE_BIT (1u << 31)

enum {
	PMU_F_NO_PMU = 1,
	PMU_F_NOT_COUNTING = 2,
	PMU_F_NO_OVERFLOW = 3,
	PMU_F_NOT_PENDING = 4,
	PMU_F_NO_IRQ = 5,
	PMU_F_WRONG_IRQ = 6,
};

/* Each PMU register access traps to KVM: poll by the clock, not by count. */
static u64 deadline(unsigned int ms)
{
	isb();
	return read_sysreg(cntvct_el0) + read_sysreg(cntfrq_el0) / 1000 * ms;
}

static bool before(u64 t)
{
	isb();
	return read_sysreg(cntvct_el0) < t;
}

static volatile u32 irq_intid, irq_calls;
static volatile u64 last_iar;
static volatile u64 irq_ovs;

static void __noreturn fail(int code, const char *what, u64 v)
{
	rt_printf("PMU: FAIL %s (%#llx) (code %d)\n", what, v, code);
	rt_test_fail(code);
}

/* GICv3 CPU interface: acknowledge, note, stop the counter, end. */
static bool pmu_irq(struct exception_frame *frame, unsigned int vector)
{
	u64 iar = read_sysreg(s3_0_c12_c12_0); /* ICC_IAR1_EL1 */

	(void)vector;
	irq_calls++;
	/* A spurious one (1023), or a storm: return with IRQs masked. */
	if ((iar & 0xffffff) >= 1020 || irq_calls > 100) {
		last_iar = iar;
		frame->spsr |= DAIF_I;
		return true;
	}
	if (!irq_intid) {
		irq_intid = iar & 0xffffff;
		irq_ovs = read_sysreg(pmovsset_el0);
	}
	write_sysreg(PMU_CYCLE_BIT, pmintenclr_el1);
	write_sysreg(PMU_CYCLE_BIT, pmovsclr_el0);
	isb();
	write_sysreg(iar, s3_0_c12_c12_1); /* ICC_EOIR1_EL1 */
	isb();
	return true;
}

static void gic_setup(void)
{
	rt_writel(rt_readl(GICR_WAKER) & ~2u, GICR_WAKER); /* ProcessorSleep */
	rt_writel(rt_readl(GICD_CTLR) | GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1,
		  GICD_CTLR);
	rt_writel(rt_readl(GICR_IGROUPR0) | 1u << PMU_INTID, GICR_IGROUPR0);
	*(volatile u8 *)GICR_IPRIORITYR(PMU_INTID) = 0xa0;
	rt_writel(1u << PMU_INTID, GICR_ISENABLER0);
	write_sysreg(read_sysreg(s3_0_c12_c12_5) | 1, s3_0_c12_c12_5); /* SRE */
	isb();
	write_sysreg(0xff, s3_0_c4_c6_0); /* ICC_PMR_EL1 */
	write_sysreg(1, s3_0_c12_c12_7); /* ICC_IGRPEN1_EL1 */
	isb();
}

int main(void *dtb)
{
	unsigned int el = rt_current_el();
	u64 dfr0 = read_sysreg(id_aa64dfr0_el1);
	u64 c0, c1, n;

	(void)dtb;
	if (((dfr0 >> 8) & 0xf) == 0 || ((dfr0 >> 8) & 0xf) == 0xf)
		fail(PMU_F_NO_PMU, "ID_AA64DFR0_EL1.PMUVer: no PMUv3", dfr0);
	n = (read_sysreg(pmcr_el0) >> 11) & 0x1f;
	rt_printf("PMU: at EL%u, PMUv3 with %llu event counters\n", el, n);

	/*
	 * Their reset values are UNKNOWN (KVM leaves bits set): no counter
	 * runs, overflows or interrupts but the ones set up here.
	 */
	write_sysreg(~0ULL, pmcntenclr_el0);
	write_sysreg(~0ULL, pmintenclr_el1);
	write_sysreg(~0ULL, pmovsclr_el0);
	/* The cycle counter, counting at this EL. */
	write_sysreg(el == 2 ? PMCCFILTR_NSH : 0, pmccfiltr_el0);
	write_sysreg(PMU_CYCLE_BIT, pmcntenset_el0);
	write_sysreg(read_sysreg(pmcr_el0) | PMCR_E | PMCR_C, pmcr_el0);
	isb();
	c0 = read_sysreg(pmccntr_el0);
	for (volatile int i = 0; i < 100000; i++)
		;
	isb();
	c1 = read_sysreg(pmccntr_el0);
	if (c1 <= c0)
		fail(PMU_F_NOT_COUNTING, "the cycle counter did not advance",
		     c1);
	rt_printf("PMU: cycle counter %llu -> %llu\n", c0, c1);

	/* Overflow (32-bit: PMCR_EL0.LC is 0) with the interrupt enabled. */
	rt_install_exception_handler(VECTOR_IRQ_CUR_SPX, pmu_irq);
	write_sysreg(PMU_CYCLE_BIT, pmintenset_el1);
	write_sysreg(0xffffff00ULL, pmccntr_el0);
	isb();
	for (int i = 0;
	     i < 1000000 && !(read_sysreg(pmovsset_el0) & PMU_CYCLE_BIT); i++)
		isb();
	rt_printf("PMU: overflow flag %#llx, counter %#llx\n",
		  read_sysreg(pmovsset_el0), read_sysreg(pmccntr_el0));
	if (!(read_sysreg(pmovsset_el0) & PMU_CYCLE_BIT))
		fail(PMU_F_NO_OVERFLOW, "PMOVSSET_EL0 shows no cycle overflow",
		     read_sysreg(pmccntr_el0));
	/* The line at the GIC, before anything is set up there. */
	if (!(rt_readl(GICR_ISPENDR0) & 1u << PMU_INTID))
		fail(PMU_F_NOT_PENDING,
		     "PPI 23 not pending at the redistributor",
		     rt_readl(GICR_ISPENDR0));
	rt_printf("PMU: PPI %u pending at the redistributor\n", PMU_INTID);
	gic_setup();
	rt_printf("PMU: GIC set up\n");
	rt_local_irq_enable();
	for (u64 t = deadline(5000); before(t) && !irq_intid;)
		;
	rt_local_irq_disable();
	rt_printf("PMU: %u IRQ exceptions, INTID %u, last IAR %#llx\n",
		  irq_calls, irq_intid, last_iar);
	if (!irq_intid)
		fail(PMU_F_NO_IRQ, "no interrupt taken",
		     rt_readl(GICR_ISPENDR0));
	if (irq_intid != PMU_INTID || !(irq_ovs & PMU_CYCLE_BIT))
		fail(PMU_F_WRONG_IRQ, "the interrupt taken was not the PMU's",
		     irq_intid);
	rt_printf("PMU: PASS at EL%u: counting, overflow interrupt %u taken\n",
		  el, irq_intid);
	return 0;
}
