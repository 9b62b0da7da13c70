/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM-wide KVM/arm64 layer: /dev/kvm, the VM, its memory, the in-kernel
 * vGICv3 and interrupt lines. Thin: ioctls and their error messages only.
 */
#ifndef LKVM_KVM_VM_H
#define LKVM_KVM_VM_H

#include <stdbool.h>
#include <stdint.h>

/* What this host's KVM offers lkvm (lkvm probe, and checks before a VM). */
struct kvm_caps {
	int api_version;
	bool vgic_v3;
	unsigned int max_vcpus;
	unsigned int recommended_vcpus;
	unsigned int ipa_bits; /* largest guest physical address size */
	bool ipa_configurable; /* KVM_CAP_ARM_VM_IPA_SIZE: VM type sets it */
	bool el2; /* KVM_CAP_ARM_EL2 */
	bool el2_e2h0; /* KVM_CAP_ARM_EL2_E2H0 */
	bool smccc_filter;
	bool system_event_data; /* PSCI SYSTEM_RESET2 type readable */
	bool sve; /* KVM_CAP_ARM_SVE */
	bool ptrauth; /* KVM_CAP_ARM_PTRAUTH_ADDRESS and _GENERIC */
	bool pmu; /* KVM_CAP_ARM_PMU_V3 */
	bool steal_time; /* KVM_CAP_STEAL_TIME */
	bool mte; /* KVM_CAP_ARM_MTE */
	bool el1_32bit; /* KVM_CAP_ARM_EL1_32BIT */
	bool counter_offset; /* KVM_CAP_COUNTER_OFFSET */
	/*
	 * KVM_CREATE_VM takes KVM_VM_TYPE_ARM_PROTECTED (pKVM); else the
	 * errno it gave. Asked only with vm_queries (lkvm probe).
	 */
	bool protected_vm;
	int protected_errno;
};

struct kvm_vm {
	int kvm_fd;
	int vm_fd;
	int gic_fd;
	void *ram; /* host mapping of guest RAM */
	uint64_t ram_base, ram_size;
	int vcpu_mmap_size;
	/*
	 * KVM_CAP_ARM_NISV_TO_USER is on: a guest MMIO access KVM cannot
	 * decode exits with KVM_EXIT_ARM_NISV instead of failing KVM_RUN.
	 */
	bool nisv_to_user;
	/* kvm_vm_add_memory()'s mapping (the stolen-time records), or NULL. */
	void *extra;
	uint64_t extra_size;
};

/* Opens /dev/kvm and checks the API version. Returns the fd or -1. */
int kvm_open(void);

/*
 * Fills caps from /dev/kvm. vGICv3 and the SMCCC filter can only be asked of
 * a VM: with vm_queries, a throw-away VM answers them (for lkvm probe);
 * without, they are left false and no VM is created.
 */
int kvm_caps_read(int kvm_fd, struct kvm_caps *caps, bool vm_queries);

/*
 * What a protected VM gets: pKVM gives protected VMs a fixed subset of the
 * host's features and says so through KVM_CHECK_EXTENSION on the VM
 * (Documentation/virt/kvm/arm/pkvm.rst). Creates a throw-away VM of type
 * KVM_VM_TYPE_ARM_PROTECTED (IPA size ipa_bits, 0: KVM's default) and
 * narrows caps, filled by kvm_caps_read, to its answers. Returns 0, or -1
 * with KVM_CREATE_VM's errno and nothing logged: the caller knows what a
 * refusal means.
 */
int kvm_caps_read_protected(int kvm_fd, unsigned int ipa_bits,
			    struct kvm_caps *caps);

/*
 * ram_fd: guest RAM's file (--hugetlbfs; --virtio-fs's memfd), zeroed here and mapped shared, or
 * -1 for anonymous memory. protected_vm: a pKVM protected VM, whose
 * memory the host loses access to once the guest has touched it.
 * Creates the VM with RAM at ram_base, with an IPA space of ipa_bits (0: KVM's
 * default of 40 bits, for hosts without KVM_CAP_ARM_VM_IPA_SIZE) and the vGICv3 device with the given
 * distributor and redistributor addresses. Returns 0 or -1 (logged).
 */
int kvm_vm_create(struct kvm_vm *vm, int kvm_fd, uint64_t ram_base,
		  uint64_t ram_size, unsigned int ipa_bits, bool mte,
		  int ram_fd, bool protected_vm);
int kvm_gic_create(struct kvm_vm *vm, uint64_t dist_base, uint64_t redist_base);

/*
 * The guest's counters read the host's minus offset, on every vCPU
 * (before any runs). 0, or -1 (logged).
 */
int kvm_vm_set_counter_offset(struct kvm_vm *vm, uint64_t offset);

/*
 * Guest memory outside RAM, zeroed, at gpa (memory slot slot): for the
 * stolen-time records. One such region per VM. 0, or -1 (logged).
 */
int kvm_vm_add_memory(struct kvm_vm *vm, unsigned int slot, uint64_t gpa,
		      uint64_t size);

/*
 * After all vCPUs exist: the number of IRQs, the maintenance interrupt for
 * guests with EL2 (maint_intid, a PPI INTID; 0 for none) and the vGIC's init.
 */
int kvm_gic_finalize(struct kvm_vm *vm, unsigned int nr_irqs,
		     unsigned int maint_intid);

/*
 * Makes KVM forward the nr function IDs from base to user space as
 * KVM_EXIT_HYPERCALL (before any vCPU runs). Returns 0, or -1 with errno
 * set and nothing logged: the caller knows what a refusal means.
 */
int kvm_smccc_forward(struct kvm_vm *vm, uint32_t base, uint32_t nr);

/* Closes the vGIC and the VM and unmaps guest RAM (after its vCPUs). */
void kvm_vm_destroy(struct kvm_vm *vm);

/* Drives an SPI (INTID >= 32) line to level. */
int kvm_irq_line(struct kvm_vm *vm, unsigned int intid, bool level);

/*
 * Makes a guest write of len bytes of value datamatch at MMIO address addr
 * signal eventfd fd inside KVM (KVM_IOEVENTFD), without an exit to user
 * space. Returns 0, or -1 with errno set and nothing logged.
 */
int kvm_ioeventfd(struct kvm_vm *vm, uint64_t addr, uint32_t len,
		  uint64_t datamatch, int fd);

/* Host address of guest physical range [gpa, gpa + len), or NULL. */
void *kvm_gpa_to_host(struct kvm_vm *vm, uint64_t gpa, uint64_t len);

#endif
