// SPDX-License-Identifier: GPL-2.0
/*
 * LKVM_MEM_SELFTEST=read (mem-selftest.h): the host's read of a guest word,
 * with a fault taken as an answer instead of the end of lkvm. pKVM takes a
 * protected guest's pages out of the host's stage 2 as the guest uses them;
 * the host's access then aborts and its kernel sends the reading task
 * SIGSEGV (Documentation/virt/kvm/arm/pkvm.rst).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mem-selftest.h"
#include "../arm64/layout.h"

struct mem_selftest {
	struct kvm_vm *kvm;
	uint64_t answer, value;
};

static struct mem_selftest selftest;

/* Set only around the one read: any other fault is lkvm's own bug. */
static __thread sigjmp_buf probe_env;
static __thread volatile sig_atomic_t probing;

static void probe_fault(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	if (probing) {
		probing = 0;
		siglongjmp(probe_env, sig);
	}
	/* Not ours: the default action, once the access runs again. */
	signal(sig, SIG_DFL);
}

bool mem_selftest_enabled(void)
{
	const char *s = getenv("LKVM_MEM_SELFTEST");

	return s && !strcmp(s, "read");
}

/* The host's read of the guest word at gpa: sets answer and value. */
static void probe_read(struct mem_selftest *t, uint64_t gpa)
{
	volatile uint64_t *p = kvm_gpa_to_host(t->kvm, gpa, sizeof(*p));
	int sig;

	if (!p || gpa % sizeof(*p)) {
		t->answer = MEM_SELFTEST_BAD_ADDR;
		t->value = 0;
		pr_warn("mem-selftest: 0x%llx is not an aligned word of guest RAM",
			(unsigned long long)gpa);
		return;
	}
	sig = sigsetjmp(probe_env, 1);
	if (!sig) {
		probing = 1;
		t->value = *p;
		probing = 0;
		t->answer = MEM_SELFTEST_READ;
		pr_warn("mem-selftest: guest word at 0x%llx: the host read 0x%016llx",
			(unsigned long long)gpa, (unsigned long long)t->value);
		return;
	}
	t->answer = MEM_SELFTEST_FAULT;
	t->value = sig;
	pr_warn("mem-selftest: guest word at 0x%llx: the host's read faulted (%s)",
		(unsigned long long)gpa, sig == SIGBUS ? "SIGBUS" : "SIGSEGV");
}

static void selftest_mmio(void *opaque, uint64_t off, uint8_t *data,
			  unsigned int len, bool is_write)
{
	struct mem_selftest *t = opaque;
	uint64_t v = 0;

	if (len != sizeof(v)) {
		if (!is_write)
			memset(data, 0, len);
		return;
	}
	if (is_write) {
		memcpy(&v, data, sizeof(v));
		if (off == 0)
			probe_read(t, v);
		return;
	}
	if (off == 0x08)
		v = t->answer;
	else if (off == 0x10)
		v = t->value;
	memcpy(data, &v, sizeof(v));
}

int mem_selftest_region(struct kvm_vm *kvm, struct mmio_region *r)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = probe_fault;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, NULL) || sigaction(SIGBUS, &sa, NULL)) {
		pr_err("mem-selftest: sigaction failed");
		return -1;
	}
	selftest = (struct mem_selftest){ .kvm = kvm };
	*r = (struct mmio_region){
		.base = LKVM_SELFTEST_BASE,
		.size = LKVM_SELFTEST_SIZE,
		.handler = selftest_mmio,
		.opaque = &selftest,
		.name = "memory self-test",
	};
	pr_warn("mem-selftest: LKVM_MEM_SELFTEST=read: the self-test register is at 0x%llx",
		(unsigned long long)LKVM_SELFTEST_BASE);
	return 0;
}
