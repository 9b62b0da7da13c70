/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bare-metal test runtime: everything a test under tests/ may use.
 *
 * A test is one C file that defines int main(void *dtb). The runtime boots
 * it on CPU 0 at EL1 or EL2 (whichever lkvm entered at), with the MMU and
 * caches off, DAIF masked, FP/SIMD usable and a 16 KiB stack. main()
 * returning 0 passes the test (PSCI SYSTEM_OFF, lkvm exits 0); any other
 * value fails it with that code (PSCI SYSTEM_RESET2, lkvm exits 3 and
 * prints the code). See vmm/exit-codes.h.
 *
 * With the MMU off every data access is Device-nGnRnE: unaligned accesses
 * fault, which is why everything is built with -mstrict-align.
 *
 * Every function and variable here is named rt_*, so that grep and ctags
 * never confuse it with libc's (rt_printf, rt_memset) or with lkvm's own
 * (rt_psci_cpu_on against firmware-emu's psci_cpu_on); so are the macros
 * lkvm defines too (RT_ARRAY_SIZE, psci.h's RT_PSCI_*). The other macros
 * and the types keep their usual names (u64, READ_ONCE, read_sysreg,
 * spinlock_t): neither lkvm nor libc defines them.
 */
#ifndef BAREMETAL_RUNTIME_H
#define BAREMETAL_RUNTIME_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "psci.h"
#include "rt-defs.h"

/* Kernel-style fixed-size types; u64 is unsigned long long, print it %llx. */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long long s64;

#define __noreturn __attribute__((__noreturn__))
#define __printf(a, b) __attribute__((__format__(printf, a, b)))
#define __aligned(x) __attribute__((__aligned__(x)))
#define __maybe_unused __attribute__((__unused__))

#define __stringify_1(x) #x
#define __stringify(x) __stringify_1(x)
#define RT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val)                               \
	do {                                             \
		*(volatile __typeof__(x) *)&(x) = (val); \
	} while (0)

/* ---- system registers and barriers ---- */

#define read_sysreg(r)                                                 \
	({                                                             \
		u64 __val;                                             \
		asm volatile("mrs %0, " __stringify(r) : "=r"(__val)); \
		__val;                                                 \
	})

#define write_sysreg(v, r)                                                   \
	do {                                                                 \
		u64 __val = (u64)(v);                                        \
		asm volatile("msr " __stringify(r) ", %x0" : : "rZ"(__val)); \
	} while (0)

#define isb() asm volatile("isb" : : : "memory")
#define dsb(opt) asm volatile("dsb " #opt : : : "memory")
#define dmb(opt) asm volatile("dmb " #opt : : : "memory")

/*
 * Full-system barriers for ordering between CPUs: with the MMU off, RAM is
 * Device memory (Outer Shareable), so do not rely on the inner domain.
 */
#define smp_mb() dmb(sy)
#define smp_rmb() dmb(ld)
#define smp_wmb() dmb(st)

static inline void rt_cpu_relax(void)
{
	asm volatile("yield" : : : "memory");
}

static inline void rt_wfi(void)
{
	asm volatile("wfi" : : : "memory");
}

static inline void rt_wfe(void)
{
	asm volatile("wfe" : : : "memory");
}

static inline void rt_sev(void)
{
	asm volatile("sev" : : : "memory");
}

/* The exception level the runtime runs at: 1, or 2 with lkvm --nested. */
static inline unsigned int rt_current_el(void)
{
	return (read_sysreg(CurrentEL) >> 2) & 3;
}

/* MPIDR_EL1 affinity fields (Aff3, Aff2, Aff1, Aff0), as PSCI takes them. */
#define MPIDR_HWID_MASK 0xff00ffffffULL

/*
 * KVM's default MPIDR for vCPU index n (arch/arm64/kvm/sys_regs.c,
 * reset_mpidr): Aff0 holds 16 vCPUs, Aff1 the next bits. A VMM may set
 * other values; this is the one to try when the DTB is not parsed.
 */
static inline u64 rt_kvm_vcpu_mpidr(unsigned int n)
{
	return (u64)(n & 0xf) | (u64)((n >> 4) & 0xff) << 8 |
	       (u64)((n >> 12) & 0xff) << 16;
}

/* PSTATE.DAIF bits as read_sysreg(daif) returns them. */
#define DAIF_D (1U << 9)
#define DAIF_A (1U << 8)
#define DAIF_I (1U << 7)
#define DAIF_F (1U << 6)
#define DAIF_MASK (DAIF_D | DAIF_A | DAIF_I | DAIF_F)

static inline void rt_local_irq_enable(void)
{
	asm volatile("msr daifclr, #2" : : : "memory");
}

static inline void rt_local_irq_disable(void)
{
	asm volatile("msr daifset, #2" : : : "memory");
}

static inline u64 rt_local_daif_save(void)
{
	u64 flags = read_sysreg(daif);

	asm volatile("msr daifset, #0xf" : : : "memory");
	return flags;
}

static inline void rt_local_daif_restore(u64 flags)
{
	asm volatile("msr daif, %0" : : "r"(flags) : "memory");
}

/* ---- MMIO ---- */

/*
 * Plain [Xn] addressing only: KVM can emulate an MMIO access only from an
 * instruction whose syndrome it gets (ESR ISV), which excludes writeback
 * and pair forms the compiler might pick for a volatile access.
 */
static inline u8 rt_readb(unsigned long addr)
{
	u8 val;

	asm volatile("ldrb %w0, [%1]" : "=r"(val) : "r"(addr) : "memory");
	return val;
}

static inline void rt_writeb(u8 val, unsigned long addr)
{
	asm volatile("strb %w0, [%1]" : : "rZ"(val), "r"(addr) : "memory");
}

static inline u16 rt_readw(unsigned long addr)
{
	u16 val;

	asm volatile("ldrh %w0, [%1]" : "=r"(val) : "r"(addr) : "memory");
	return val;
}

static inline void rt_writew(u16 val, unsigned long addr)
{
	asm volatile("strh %w0, [%1]" : : "rZ"(val), "r"(addr) : "memory");
}

static inline u32 rt_readl(unsigned long addr)
{
	u32 val;

	asm volatile("ldr %w0, [%1]" : "=r"(val) : "r"(addr) : "memory");
	return val;
}

static inline void rt_writel(u32 val, unsigned long addr)
{
	asm volatile("str %w0, [%1]" : : "rZ"(val), "r"(addr) : "memory");
}

static inline u64 rt_readq(unsigned long addr)
{
	u64 val;

	asm volatile("ldr %x0, [%1]" : "=r"(val) : "r"(addr) : "memory");
	return val;
}

static inline void rt_writeq(u64 val, unsigned long addr)
{
	asm volatile("str %x0, [%1]" : : "rZ"(val), "r"(addr) : "memory");
}

/* The DTB is big-endian; the CPU runs little-endian. */
static inline u32 rt_be32_to_cpu(u32 x)
{
	return __builtin_bswap32(x);
}

static inline u64 rt_be64_to_cpu(u64 x)
{
	return __builtin_bswap64(x);
}

/* ---- console (the 8250 UART lkvm provides) ---- */

int rt_putchar(int c);
/* As in C: writes s and a newline. */
int rt_puts(const char *s);
/*
 * %d %i %u %x %X %o %c %s %p %%, with the flags - 0 # + and space, a
 * width and a precision (digits or *), and the lengths hh h l ll z j t.
 * No floating point. Output from concurrent CPUs is not interleaved
 * within one call.
 */
int rt_printf(const char *fmt, ...) __printf(1, 2);
int rt_vprintf(const char *fmt, va_list ap) __printf(1, 0);
int rt_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int rt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__printf(3, 0);

/*
 * ---- the C library subset ----
 *
 * The compiler may call memset, memcpy, memmove and memcmp itself:
 * string.c defines those names too, for it alone.
 */

void *rt_memset(void *s, int c, size_t n);
void *rt_memcpy(void *dst, const void *src, size_t n);
void *rt_memmove(void *dst, const void *src, size_t n);
int rt_memcmp(const void *a, const void *b, size_t n);
size_t rt_strlen(const char *s);
size_t rt_strnlen(const char *s, size_t max);
int rt_strcmp(const char *a, const char *b);
int rt_strncmp(const char *a, const char *b, size_t n);

/* ---- SMCCC (Arm DEN0028) ---- */

struct smccc_res {
	u64 x0, x1, x2, x3;
};

enum smccc_conduit {
	SMCCC_CONDUIT_HVC,
	SMCCC_CONDUIT_SMC,
};

/*
 * HVC at EL1 (lkvm's KVM traps it), SMC at EL2: a guest's HVC at EL2 would
 * go to its own EL2 vectors.
 */
enum smccc_conduit rt_smccc_conduit(void);

/* A fast call with up to 3 or 7 arguments, through rt_smccc_conduit(). */
struct smccc_res rt_smccc_call(u32 fid, u64 a1, u64 a2, u64 a3);
struct smccc_res rt_smccc_call7(u32 fid, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5,
				u64 a6, u64 a7);
/* The same through a given conduit, to test the other one on purpose. */
struct smccc_res rt_smccc_call_via(enum smccc_conduit conduit, u32 fid, u64 a1,
				   u64 a2, u64 a3, u64 a4, u64 a5, u64 a6,
				   u64 a7);

/* ---- PSCI (Arm DEN0022); each returns the PSCI result ---- */

u32 rt_psci_version(void);
int rt_psci_features(u32 fid);
int rt_psci_cpu_on(u64 target_mpidr, u64 entry, u64 context_id);
int rt_psci_cpu_off(void);
int rt_psci_affinity_info(u64 target_mpidr, u32 lowest_level);
/* These return only when the call failed. */
int rt_psci_system_off(void);
int rt_psci_system_reset(void);
int rt_psci_system_reset2(u32 reset_type, u64 cookie);

/* ---- test result ---- */

/* Passes the test: PSCI SYSTEM_OFF, lkvm exits 0. */
void rt_test_pass(void) __noreturn;
/*
 * Fails the test with code 1..0xffff: PSCI SYSTEM_RESET2 with reset type
 * LKVM_RESET2_GUEST_FAILURE | code; lkvm exits 3 and prints the code. Tests
 * use codes below 0xe000 (rt-defs.h lists the runtime's own). Never passes:
 * should SYSTEM_RESET2 return, it tries SYSTEM_RESET, then stops the CPU.
 */
void rt_test_fail(int code) __noreturn;

/* ---- SMP ---- */

/*
 * This CPU's logical number: 0 for the boot CPU, rt_cpu_on()'s for others.
 * Kept in TPIDR_EL1 (TPIDR_EL2 at EL2): tests must leave that alone.
 */
unsigned int rt_smp_processor_id(void);

typedef void (*cpu_fn_t)(void *arg);

/*
 * Starts logical CPU cpu (1..RT_MAX_CPUS-1) with PSCI CPU_ON on the PE
 * target_mpidr: it runs fn(arg) on its own stack, at the same EL, with the
 * runtime's vectors and FP enabled, then turns itself off with CPU_OFF.
 * Returns the PSCI result; RT_PSCI_RET_INVALID_PARAMS for a bad cpu or fn,
 * RT_PSCI_RET_ALREADY_ON if that logical CPU still runs. Call it from one CPU
 * at a time.
 */
int rt_cpu_on(unsigned int cpu, u64 target_mpidr, cpu_fn_t fn, void *arg);

/*
 * Waits until logical CPU cpu has returned from its fn and PSCI
 * AFFINITY_INFO no longer reports it on, so that rt_cpu_on() can start it
 * again.
 */
void rt_cpu_wait_off(unsigned int cpu);

/*
 * Spinlocks and atomics use the exclusives (LDAXR/STLXR). With the MMU off
 * they act on Device memory, where the architecture leaves exclusives
 * IMPLEMENTATION DEFINED: they work on QEMU's TCG (the lab), should on
 * hosts where KVM forces stage-2 write-back (FEAT_S2FWB), and may not on
 * an older real CPU. The runtime uses them only once a second CPU runs.
 */
typedef struct {
	u32 lock;
} spinlock_t;

/* Zero-initialised (static) locks are unlocked too. */
#define SPINLOCK_INIT ((spinlock_t){ .lock = 0 })

static inline bool rt_spin_trylock(spinlock_t *l)
{
	return !__atomic_exchange_n(&l->lock, 1, __ATOMIC_ACQUIRE);
}

static inline void rt_spin_lock(spinlock_t *l)
{
	while (!rt_spin_trylock(l)) {
		while (__atomic_load_n(&l->lock, __ATOMIC_RELAXED))
			rt_cpu_relax();
	}
}

static inline void rt_spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->lock, 0, __ATOMIC_RELEASE);
}

typedef struct {
	int counter;
} atomic_t;

#define ATOMIC_INIT(i) ((atomic_t){ .counter = (i) })

static inline int rt_atomic_read(const atomic_t *v)
{
	return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);
}

static inline void rt_atomic_set(atomic_t *v, int i)
{
	__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);
}

/* The *_return and cmpxchg forms are fully ordered, as in Linux. */
static inline int rt_atomic_add_return(int i, atomic_t *v)
{
	return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);
}

static inline int rt_atomic_sub_return(int i, atomic_t *v)
{
	return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST);
}

static inline void rt_atomic_inc(atomic_t *v)
{
	rt_atomic_add_return(1, v);
}

static inline void rt_atomic_dec(atomic_t *v)
{
	rt_atomic_sub_return(1, v);
}

/* Returns the old value; the store happened if it equals old. */
static inline int rt_atomic_cmpxchg(atomic_t *v, int old, int new)
{
	__atomic_compare_exchange_n(&v->counter, &old, new, false,
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	return old;
}

/* ---- exceptions ---- */

/* Vector index: offset in the vector table / 0x80 (Arm ARM D1.3.1). */
enum vector {
	VECTOR_SYNC_CUR_SP0,
	VECTOR_IRQ_CUR_SP0,
	VECTOR_FIQ_CUR_SP0,
	VECTOR_SERROR_CUR_SP0,
	VECTOR_SYNC_CUR_SPX,
	VECTOR_IRQ_CUR_SPX,
	VECTOR_FIQ_CUR_SPX,
	VECTOR_SERROR_CUR_SPX,
	VECTOR_SYNC_LOWER_A64,
	VECTOR_IRQ_LOWER_A64,
	VECTOR_FIQ_LOWER_A64,
	VECTOR_SERROR_LOWER_A64,
	VECTOR_SYNC_LOWER_A32,
	VECTOR_IRQ_LOWER_A32,
	VECTOR_FIQ_LOWER_A32,
	VECTOR_SERROR_LOWER_A32,
	VECTOR_COUNT
};

/*
 * The interrupted context, as the vectors save it (layout: rt-defs.h). A
 * handler may change regs, elr and spsr: they are restored on return.
 * sp is the stack pointer of the EL taking the exception before the frame
 * was pushed; changing it has no effect. v, fpsr and fpcr are saved only
 * when FP/SIMD was enabled at this EL (fp_saved != 0).
 */
struct exception_frame {
	u64 regs[31];
	u64 sp;
	u64 elr;
	u64 spsr;
	u64 esr;
	u64 far;
	u64 fpsr;
	u64 fpcr;
	u64 fp_saved;
	u64 __pad;
	__uint128_t v[32];
};

/*
 * Returns true when it handled the exception: execution resumes at
 * frame->elr (add 4 to skip a trapping instruction). False makes it an
 * unexpected exception: a register dump and rt_test_fail(RT_FAIL_EXCEPTION +
 * vector). Runs with DAIF masked on the CPU that took the exception.
 */
typedef bool (*exception_handler_t)(struct exception_frame *frame,
				    unsigned int vector);

/* One handler per vector, shared by all CPUs; returns the previous one. */
exception_handler_t rt_install_exception_handler(unsigned int vector,
						 exception_handler_t fn);

/* The usual case: synchronous exceptions taken at the current EL. */
static inline exception_handler_t
rt_install_sync_handler(exception_handler_t fn)
{
	return rt_install_exception_handler(VECTOR_SYNC_CUR_SPX, fn);
}

/* ESR_ELx: exception class and the classes tests meet most. */
#define ESR_EC(esr) (((esr) >> 26) & 0x3f)
#define ESR_ISS(esr) (0x1ffffff & (esr))
#define ESR_EC_UNKNOWN 0x00
#define ESR_EC_WFX 0x01
#define ESR_EC_FP_ASIMD 0x07
#define ESR_EC_ILL 0x0e
#define ESR_EC_SVC64 0x15
#define ESR_EC_HVC64 0x16
#define ESR_EC_SMC64 0x17
#define ESR_EC_SYS64 0x18
#define ESR_EC_IABT_LOW 0x20
#define ESR_EC_IABT_CUR 0x21
#define ESR_EC_PC_ALIGN 0x22
#define ESR_EC_DABT_LOW 0x24
#define ESR_EC_DABT_CUR 0x25
#define ESR_EC_SP_ALIGN 0x26
#define ESR_EC_SERROR 0x2f
#define ESR_EC_BRK64 0x3c

/* ---- boot ---- */

/* x0..x3 as lkvm passed them to the boot CPU (booting.rst: x1..x3 = 0). */
extern u64 rt_boot_args[4];

/* The test: 0 passes, anything else fails with that code. */
int main(void *dtb);

#endif
