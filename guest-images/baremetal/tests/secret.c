// SPDX-License-Identifier: GPL-2.0
/*
 * Can the host read this guest's memory? For lkvm's memory self-test
 * (LKVM_MEM_SELFTEST=read, vmm/mem-selftest.h): the guest writes a pattern
 * into a word of its RAM, cleans it to memory, and asks lkvm through the
 * self-test register to read that word from the host's side. It prints
 * what lkvm got, one of
 *   SECRET: the host read the pattern
 *   SECRET: the host read 0x<value>, not the pattern 0x<pattern>
 *   SECRET: the host's read faulted (signal N)
 * then checks its word is still the pattern, prints SECRET: PASS and
 * powers off. Which answer is right depends on the run (a protected guest
 * must fault, any other reads the pattern): the lab scenario decides.
 * Fails when the register does not answer (lkvm without the variable).
 */
#include "runtime.h"

#include "arm64/layout.h"

#define SECRET_PATTERN 0x4c4b564d53454352ULL /* "LKVMSECR" */
#define ST_ADDR (LKVM_SELFTEST_BASE + 0x00)
#define ST_ANSWER (LKVM_SELFTEST_BASE + 0x08)
#define ST_VALUE (LKVM_SELFTEST_BASE + 0x10)

/* vmm/mem-selftest.h's answers. */
#define ANSWER_READ 1
#define ANSWER_FAULT 2

/* A page of its own, so that the host's read touches nothing else. */
static u64 secret_page[512] __aligned(4096);

int main(void *dtb)
{
	volatile u64 *word = &secret_page[0];
	unsigned long gpa = (unsigned long)word; /* MMU off: VA = PA */
	u64 pattern = SECRET_PATTERN ^ gpa;
	u64 answer, value;

	(void)dtb;
	*word = pattern;
	/* MMU off, the store is Device memory; clean anyway for the host. */
	asm volatile("dc civac, %0\n\tdsb sy" : : "r"(gpa) : "memory");
	rt_printf("SECRET: wrote 0x%llx at %#lx\n", pattern, gpa);

	rt_writeq(gpa, ST_ADDR);
	answer = rt_readq(ST_ANSWER);
	value = rt_readq(ST_VALUE);
	if (answer == ANSWER_READ && value == pattern)
		rt_puts("SECRET: the host read the pattern");
	else if (answer == ANSWER_READ)
		rt_printf(
			"SECRET: the host read 0x%llx, not the pattern 0x%llx\n",
			value, pattern);
	else if (answer == ANSWER_FAULT)
		rt_printf("SECRET: the host's read faulted (signal %llu)\n",
			  value);
	else {
		rt_printf(
			"SECRET: FAIL the self-test register answered %llu (is LKVM_MEM_SELFTEST=read set?)\n",
			answer);
		return 1;
	}
	if (*word != pattern) {
		rt_printf(
			"SECRET: FAIL the guest's own word now reads 0x%llx\n",
			*word);
		return 2;
	}
	rt_puts("SECRET: PASS");
	return 0;
}
