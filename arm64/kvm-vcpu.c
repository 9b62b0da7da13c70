// SPDX-License-Identifier: GPL-2.0
/* vCPU ioctls, Documentation/virt/kvm/api.rst (KVM_ARM_VCPU_INIT, ONE_REG). */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kvm-compat.h"
#include "kvm-vcpu.h"
#include "regs-dump.h"
#include "../vmm/log.h"

#define CORE_REG(name)                                         \
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
	 (offsetof(struct kvm_regs, name) / sizeof(__u32)))

#define REG_MPIDR_EL1 ARM64_SYS_REG(3, 0, 0, 0, 5)

int kvm_vcpu_create(struct kvm_vm *vm, unsigned int id, struct kvm_vcpu *vcpu)
{
	vcpu->id = id;
	vcpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)id);
	if (vcpu->fd < 0) {
		pr_err("KVM_CREATE_VCPU %u: %s", id, strerror(errno));
		return -1;
	}
	vcpu->run = mmap(NULL, vm->vcpu_mmap_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED) {
		pr_err("mmap of vCPU %u: %s", id, strerror(errno));
		return -1;
	}
	return 0;
}

void kvm_vcpu_destroy(struct kvm_vm *vm, struct kvm_vcpu *vcpu)
{
	/* No kvm_run: KVM_CREATE_VCPU never ran or failed, no fd to close. */
	if (!vcpu->run)
		return;
	if (vcpu->run != MAP_FAILED)
		munmap(vcpu->run, vm->vcpu_mmap_size);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	vcpu->run = NULL;
	vcpu->fd = -1;
}

int kvm_vcpu_init(struct kvm_vm *vm, struct kvm_vcpu *vcpu,
		  const struct vcpu_features *f, bool powered_off)
{
	struct kvm_vcpu_init init;

	memset(&init, 0, sizeof(init));
	if (ioctl(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &init)) {
		pr_err("KVM_ARM_PREFERRED_TARGET: %s", strerror(errno));
		return -1;
	}
	init.features[0] |= 1U << KVM_ARM_VCPU_PSCI_0_2;
	if (powered_off)
		init.features[0] |= 1U << KVM_ARM_VCPU_POWER_OFF;
	/* After init with HAS_EL2, PSTATE is EL2h with DAIF masked. */
	if (f->el2)
		init.features[0] |= 1U << KVM_ARM_VCPU_HAS_EL2;
	if (f->e2h0)
		init.features[0] |= 1U << KVM_ARM_VCPU_HAS_EL2_E2H0;
	if (f->sve)
		init.features[0] |= 1U << KVM_ARM_VCPU_SVE;
	/* Both or neither (api.rst, KVM_ARM_VCPU_INIT). */
	if (f->ptrauth)
		init.features[0] |= 1U << KVM_ARM_VCPU_PTRAUTH_ADDRESS |
				    1U << KVM_ARM_VCPU_PTRAUTH_GENERIC;
	if (f->pmu)
		init.features[0] |= 1U << KVM_ARM_VCPU_PMU_V3;
	if (f->aarch32)
		init.features[0] |= 1U << KVM_ARM_VCPU_EL1_32BIT;
	if (ioctl(vcpu->fd, KVM_ARM_VCPU_INIT, &init)) {
		pr_err("KVM_ARM_VCPU_INIT %u: %s", vcpu->id, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * KVM_REG_ARM64_SVE_VLS: bit (vq - 1) of the 512-bit set is vector length
 * vq * 128 bits. Keeps the lengths up to max_vq, which must be offered
 * (api.rst: the set must be one the host supports).
 */
static int sve_limit(struct kvm_vcpu *vcpu, unsigned int max_vq)
{
	uint64_t vls[KVM_ARM64_SVE_VLS_WORDS];
	struct kvm_one_reg reg = { .id = KVM_REG_ARM64_SVE_VLS,
				   .addr = (uintptr_t)vls };
	unsigned int vq;

	if (ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg)) {
		pr_err("vCPU %u: SVE vector lengths: %s", vcpu->id,
		       strerror(errno));
		return -1;
	}
	if (!(vls[(max_vq - 1) / 64] >> ((max_vq - 1) % 64) & 1)) {
		pr_err("--sve-max-vl %u: this host's SVE does not offer that vector length",
		       max_vq * 128);
		return -1;
	}
	for (vq = max_vq + 1; vq <= 64 * KVM_ARM64_SVE_VLS_WORDS; vq++)
		vls[(vq - 1) / 64] &= ~(1ULL << ((vq - 1) % 64));
	if (ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg)) {
		pr_err("vCPU %u: setting the SVE vector lengths: %s", vcpu->id,
		       strerror(errno));
		return -1;
	}
	return 0;
}

int kvm_vcpu_finalize(struct kvm_vcpu *vcpu, const struct vcpu_features *f)
{
	int what = KVM_ARM_VCPU_SVE;

	if (!f->sve)
		return 0;
	if (f->sve_max_vq && sve_limit(vcpu, f->sve_max_vq))
		return -1;
	if (ioctl(vcpu->fd, KVM_ARM_VCPU_FINALIZE, &what)) {
		pr_err("vCPU %u: KVM_ARM_VCPU_FINALIZE (SVE): %s", vcpu->id,
		       strerror(errno));
		return -1;
	}
	return 0;
}

static int vcpu_set_attr(struct kvm_vcpu *vcpu, uint32_t group, uint64_t attr,
			 void *val, const char *what)
{
	struct kvm_device_attr a = {
		.group = group,
		.attr = attr,
		.addr = (uintptr_t)val,
	};

	if (ioctl(vcpu->fd, KVM_SET_DEVICE_ATTR, &a)) {
		pr_err("vCPU %u: %s: %s", vcpu->id, what, strerror(errno));
		return -1;
	}
	return 0;
}

int kvm_vcpu_pmu_init(struct kvm_vcpu *vcpu, unsigned int intid)
{
	int irq = (int)intid;

	return vcpu_set_attr(vcpu, KVM_ARM_VCPU_PMU_V3_CTRL,
			     KVM_ARM_VCPU_PMU_V3_IRQ, &irq,
			     "PMU overflow interrupt") ||
	       vcpu_set_attr(vcpu, KVM_ARM_VCPU_PMU_V3_CTRL,
			     KVM_ARM_VCPU_PMU_V3_INIT, NULL, "PMU init");
}

int kvm_vcpu_pvtime_set(struct kvm_vcpu *vcpu, uint64_t ipa)
{
	return vcpu_set_attr(vcpu, KVM_ARM_VCPU_PVTIME_CTRL,
			     KVM_ARM_VCPU_PVTIME_IPA, &ipa, "stolen time");
}

int kvm_vcpu_get_reg(struct kvm_vcpu *vcpu, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)val };

	if (ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg)) {
		pr_err("vCPU %u: KVM_GET_ONE_REG 0x%llx: %s", vcpu->id,
		       (unsigned long long)id, strerror(errno));
		return -1;
	}
	return 0;
}

int kvm_vcpu_set_reg(struct kvm_vcpu *vcpu, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	if (ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg)) {
		pr_err("vCPU %u: KVM_SET_ONE_REG 0x%llx: %s", vcpu->id,
		       (unsigned long long)id, strerror(errno));
		return -1;
	}
	return 0;
}

int kvm_vcpu_get_x(struct kvm_vcpu *vcpu, unsigned int n, uint64_t *val)
{
	if (n > 30)
		return -1;
	return kvm_vcpu_get_reg(vcpu, CORE_REG(regs.regs[0]) + 2 * n, val);
}

int kvm_vcpu_set_x(struct kvm_vcpu *vcpu, unsigned int n, uint64_t val)
{
	if (n > 30)
		return -1;
	return kvm_vcpu_set_reg(vcpu, CORE_REG(regs.regs[0]) + 2 * n, val);
}

int kvm_vcpu_inject_ext_dabt(struct kvm_vcpu *vcpu)
{
	struct kvm_vcpu_events ev;

	/* Everything else zero: no SError is pended or changed. */
	memset(&ev, 0, sizeof(ev));
	ev.exception.ext_dabt_pending = 1;
	if (ioctl(vcpu->fd, KVM_SET_VCPU_EVENTS, &ev)) {
		pr_err("vCPU %u: KVM_SET_VCPU_EVENTS (data abort): %s",
		       vcpu->id, strerror(errno));
		return -1;
	}
	return 0;
}

int kvm_vcpu_set_mp_state(struct kvm_vcpu *vcpu, uint32_t state)
{
	struct kvm_mp_state mp = { .mp_state = state };

	if (ioctl(vcpu->fd, KVM_SET_MP_STATE, &mp)) {
		pr_err("vCPU %u: KVM_SET_MP_STATE %u: %s", vcpu->id, state,
		       strerror(errno));
		return -1;
	}
	return 0;
}

#define REG_ELR_EL1 CORE_REG(elr_el1)
#define REG_SPSR_EL1 CORE_REG(spsr[KVM_SPSR_EL1])
#define REG_SCTLR_EL1 ARM64_SYS_REG(3, 0, 1, 0, 0)
#define REG_VBAR_EL1 ARM64_SYS_REG(3, 0, 12, 0, 0)
#define REG_ELR_EL2 ARM64_SYS_REG(3, 4, 4, 0, 1)
#define REG_SPSR_EL2 ARM64_SYS_REG(3, 4, 4, 0, 0)
#define REG_SCTLR_EL2 ARM64_SYS_REG(3, 4, 1, 0, 0)
#define REG_VBAR_EL2 ARM64_SYS_REG(3, 4, 12, 0, 0)
#define REG_HCR_EL2 ARM64_SYS_REG(3, 4, 1, 1, 0)

uint64_t kvm_vcpu_firmware_reg_id(unsigned int reg, bool el2)
{
	/* Order of firmware-emu/smccc.h's enum guest_reg after x30. */
	const uint64_t el1_ids[] = { CORE_REG(regs.pc), CORE_REG(regs.pstate),
				     REG_ELR_EL1,	REG_SPSR_EL1,
				     REG_SCTLR_EL1,	REG_VBAR_EL1,
				     REG_MPIDR_EL1,	0 };
	const uint64_t el2_ids[] = { CORE_REG(regs.pc), CORE_REG(regs.pstate),
				     REG_ELR_EL2,	REG_SPSR_EL2,
				     REG_SCTLR_EL2,	REG_VBAR_EL2,
				     REG_MPIDR_EL1,	REG_HCR_EL2 };

	if (reg <= 30)
		return CORE_REG(regs.regs[0]) + 2 * reg;
	reg -= 31;
	if (reg >= sizeof(el1_ids) / sizeof(*el1_ids))
		return 0;
	return el2 ? el2_ids[reg] : el1_ids[reg];
}

int kvm_vcpu_get_mpidr(struct kvm_vcpu *vcpu, uint64_t *mpidr)
{
	return kvm_vcpu_get_reg(vcpu, REG_MPIDR_EL1, mpidr);
}

int kvm_vcpu_set_boot_regs(struct kvm_vcpu *vcpu, const struct boot_regs *r)
{
	if (kvm_vcpu_set_reg(vcpu, CORE_REG(regs.pc), r->pc) ||
	    kvm_vcpu_set_reg(vcpu, CORE_REG(regs.pstate), r->pstate))
		return -1;
	/* Each xN is a 64-bit register: 2 u32 units apart in the core id. */
	for (unsigned int i = 0; i < 4; i++)
		if (kvm_vcpu_set_reg(vcpu, CORE_REG(regs.regs[0]) + 2 * i,
				     r->x[i]))
			return -1;
	return 0;
}

static uint64_t host_cntvct(void)
{
	uint64_t v;

	asm volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v)::"memory");
	return v;
}

int kvm_vcpu_counter_offset(struct kvm_vcpu *vcpu, int64_t *offset)
{
	uint64_t before, guest, after;

	before = host_cntvct();
	if (kvm_vcpu_get_reg(vcpu, KVM_REG_ARM_TIMER_CNT, &guest))
		return -1;
	after = host_cntvct();
	*offset = (int64_t)(before + (after - before) / 2 - guest);
	return 0;
}

/* For a dump: a read that may fail (an EL2 register KVM does not expose). */
static bool get_quiet(struct kvm_vcpu *vcpu, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)val };

	return !ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg);
}

void kvm_vcpu_read_dump(struct kvm_vcpu *vcpu, bool el2, struct vcpu_dump *d)
{
	static const uint64_t ids[DUMP_NR_REGS] = {
		[DUMP_PC] = CORE_REG(regs.pc),
		[DUMP_PSTATE] = CORE_REG(regs.pstate),
		[DUMP_LR] = CORE_REG(regs.regs[30]),
		[DUMP_SP_EL0] = CORE_REG(regs.sp),
		[DUMP_SP_EL1] = CORE_REG(sp_el1),
		[DUMP_SP_EL2] = ARM64_SYS_REG(3, 6, 4, 1, 0),
		[DUMP_ESR_EL1] = ARM64_SYS_REG(3, 0, 5, 2, 0),
		[DUMP_FAR_EL1] = ARM64_SYS_REG(3, 0, 6, 0, 0),
		[DUMP_ESR_EL2] = ARM64_SYS_REG(3, 4, 5, 2, 0),
		[DUMP_FAR_EL2] = ARM64_SYS_REG(3, 4, 6, 0, 0),
	};
	struct kvm_mp_state mp;

	d->id = vcpu->id;
	d->el2 = el2;
	d->missing = 0;
	d->off = !ioctl(vcpu->fd, KVM_GET_MP_STATE, &mp) &&
		 mp.mp_state == KVM_MP_STATE_STOPPED;
	for (unsigned int r = 0; r < DUMP_NR_REGS; r++) {
		bool el2_reg = r == DUMP_SP_EL2 || r == DUMP_ESR_EL2 ||
			       r == DUMP_FAR_EL2;

		if ((el2_reg && !el2) || !get_quiet(vcpu, ids[r], &d->reg[r]))
			d->missing |= 1u << r;
	}
}
