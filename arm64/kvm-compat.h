/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KVM uapi constants newer than the build machine's linux headers (Debian
 * bookworm's arm64 cross headers are Linux 6.1). Each is guarded so newer
 * headers win, with the kernel version that added it.
 */
#ifndef LKVM_KVM_COMPAT_H
#define LKVM_KVM_COMPAT_H

#include <linux/kvm.h>

/* Linux 6.4: SMCCC filter (Documentation/virt/kvm/devices/vm.rst). */
#ifndef KVM_ARM_VM_SMCCC_CTRL
#define KVM_ARM_VM_SMCCC_CTRL 0
#define KVM_ARM_VM_SMCCC_FILTER 0
#endif
#ifndef KVM_SMCCC_FILTER_FWD_TO_USER
struct kvm_smccc_filter {
	__u32 base;
	__u32 nr_functions;
	__u8 action;
	__u8 pad[15];
};
#define KVM_SMCCC_FILTER_HANDLE 0
#define KVM_SMCCC_FILTER_DENY 1
#define KVM_SMCCC_FILTER_FWD_TO_USER 2
#endif
/* Linux 6.4: KVM_EXIT_HYPERCALL flags, in what was hypercall.longmode. */
#ifndef KVM_HYPERCALL_EXIT_SMC
#define KVM_HYPERCALL_EXIT_SMC (1U << 0)
#define KVM_HYPERCALL_EXIT_16BIT (1U << 1)
#define kvm_hypercall_flags(run) ((run)->hypercall.longmode)
#else
#define kvm_hypercall_flags(run) ((run)->hypercall.flags)
#endif

/* Linux 6.4: one counter offset for the whole VM (api.rst 4.139). */
#ifndef KVM_CAP_COUNTER_OFFSET
#define KVM_CAP_COUNTER_OFFSET 227
struct kvm_arm_counter_offset {
	__u64 counter_offset;
	__u64 reserved;
};
#define KVM_ARM_SET_COUNTER_OFFSET \
	_IOW(KVMIO, 0xb5, struct kvm_arm_counter_offset)
#endif

/* Linux 6.16: virtual EL2 for guests (nested virtualization). */
#ifndef KVM_CAP_ARM_EL2
#define KVM_CAP_ARM_EL2 240
#endif
#ifndef KVM_CAP_ARM_EL2_E2H0
#define KVM_CAP_ARM_EL2_E2H0 241
#endif
#ifndef KVM_ARM_VCPU_HAS_EL2
#define KVM_ARM_VCPU_HAS_EL2 7
#endif
#ifndef KVM_ARM_VCPU_HAS_EL2_E2H0
#define KVM_ARM_VCPU_HAS_EL2_E2H0 8
#endif
/* Linux 6.9: the vGIC maintenance interrupt for guests with EL2. */
#ifndef KVM_DEV_ARM_VGIC_GRP_MAINT_IRQ
#define KVM_DEV_ARM_VGIC_GRP_MAINT_IRQ 9
#endif
/*
 * pKVM's protected VMs: the KVM_CREATE_VM type bit (Linux 7.x uapi; 7.3's
 * include/uapi/linux/kvm.h has it), accepted by a host booted with
 * kvm-arm.mode=protected.
 */
#ifndef KVM_VM_TYPE_ARM_PROTECTED
#define KVM_VM_TYPE_ARM_PROTECTED (1UL << 31)
#endif

#endif
