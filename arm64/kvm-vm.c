// SPDX-License-Identifier: GPL-2.0
/*
 * VM-wide ioctls, Documentation/virt/kvm/api.rst and
 * Documentation/virt/kvm/devices/arm-vgic-v3.rst.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kvm-compat.h"
#include "kvm-vm.h"
#include "../vmm/log.h"

int kvm_open(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int version;

	if (fd < 0) {
		pr_err("/dev/kvm: %s: KVM is not available on this host",
		       strerror(errno));
		return -1;
	}
	version = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (version < 0) {
		pr_err("/dev/kvm: KVM_GET_API_VERSION: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (version != KVM_API_VERSION) {
		pr_err("/dev/kvm: KVM API version %d, lkvm needs %d", version,
		       KVM_API_VERSION);
		close(fd);
		return -1;
	}
	return fd;
}

static int check_cap(int fd, long cap)
{
	int ret = ioctl(fd, KVM_CHECK_EXTENSION, cap);

	return ret < 0 ? 0 : ret;
}

/* Device and attribute queries need a VM; a throw-away one answers them. */
static void caps_read_from_vm(int vm_fd, struct kvm_caps *caps)
{
	struct kvm_create_device dev = {
		.type = KVM_DEV_TYPE_ARM_VGIC_V3,
		.flags = KVM_CREATE_DEVICE_TEST,
	};
	struct kvm_device_attr attr = {
		.group = KVM_ARM_VM_SMCCC_CTRL,
		.attr = KVM_ARM_VM_SMCCC_FILTER,
	};

	caps->vgic_v3 = !ioctl(vm_fd, KVM_CREATE_DEVICE, &dev);
	caps->smccc_filter = !ioctl(vm_fd, KVM_HAS_DEVICE_ATTR, &attr);
	caps->el2 = check_cap(vm_fd, KVM_CAP_ARM_EL2) > 0;
	caps->el2_e2h0 = check_cap(vm_fd, KVM_CAP_ARM_EL2_E2H0) > 0;
	caps->max_vcpus = check_cap(vm_fd, KVM_CAP_MAX_VCPUS);
}

int kvm_caps_read(int kvm_fd, struct kvm_caps *caps, bool vm_queries)
{
	int vm_fd;

	memset(caps, 0, sizeof(*caps));
	caps->api_version = ioctl(kvm_fd, KVM_GET_API_VERSION, 0);
	caps->max_vcpus = check_cap(kvm_fd, KVM_CAP_MAX_VCPUS);
	caps->recommended_vcpus = check_cap(kvm_fd, KVM_CAP_NR_VCPUS);
	/* 0 means the host only supports the legacy 40-bit IPA space. */
	caps->ipa_bits = check_cap(kvm_fd, KVM_CAP_ARM_VM_IPA_SIZE);
	caps->ipa_configurable = caps->ipa_bits > 0;
	if (!caps->ipa_bits)
		caps->ipa_bits = 40;
	caps->system_event_data = check_cap(kvm_fd, KVM_CAP_SYSTEM_EVENT_DATA);
	caps->el2 = check_cap(kvm_fd, KVM_CAP_ARM_EL2) > 0;
	caps->el2_e2h0 = check_cap(kvm_fd, KVM_CAP_ARM_EL2_E2H0) > 0;
	caps->sve = check_cap(kvm_fd, KVM_CAP_ARM_SVE) > 0;
	caps->ptrauth = check_cap(kvm_fd, KVM_CAP_ARM_PTRAUTH_ADDRESS) > 0 &&
			check_cap(kvm_fd, KVM_CAP_ARM_PTRAUTH_GENERIC) > 0;
	caps->pmu = check_cap(kvm_fd, KVM_CAP_ARM_PMU_V3) > 0;
	caps->steal_time = check_cap(kvm_fd, KVM_CAP_STEAL_TIME) > 0;
	caps->mte = check_cap(kvm_fd, KVM_CAP_ARM_MTE) > 0;
	caps->el1_32bit = check_cap(kvm_fd, KVM_CAP_ARM_EL1_32BIT) > 0;
	caps->counter_offset = check_cap(kvm_fd, KVM_CAP_COUNTER_OFFSET) > 0;
	if (!vm_queries)
		return 0;

	vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm_fd < 0) {
		pr_err("KVM_CREATE_VM: %s", strerror(errno));
		return -1;
	}
	caps_read_from_vm(vm_fd, caps);
	close(vm_fd);
	vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, KVM_VM_TYPE_ARM_PROTECTED);
	caps->protected_vm = vm_fd >= 0;
	caps->protected_errno = vm_fd >= 0 ? 0 : errno;
	if (vm_fd >= 0)
		close(vm_fd);
	return 0;
}

/* A feature stays only where the VM's own answer keeps it too. */
static void caps_narrow(int vm_fd, struct kvm_caps *caps)
{
	struct kvm_caps vm_caps = *caps;
	unsigned int max_vcpus;

	caps_read_from_vm(vm_fd, &vm_caps);
	caps->vgic_v3 = vm_caps.vgic_v3;
	caps->smccc_filter = vm_caps.smccc_filter;
	caps->el2 &= vm_caps.el2;
	caps->el2_e2h0 &= vm_caps.el2_e2h0;
	max_vcpus = vm_caps.max_vcpus;
	if (max_vcpus < caps->max_vcpus)
		caps->max_vcpus = max_vcpus;
	caps->sve &= check_cap(vm_fd, KVM_CAP_ARM_SVE) > 0;
	caps->ptrauth &= check_cap(vm_fd, KVM_CAP_ARM_PTRAUTH_ADDRESS) > 0 &&
			 check_cap(vm_fd, KVM_CAP_ARM_PTRAUTH_GENERIC) > 0;
	caps->pmu &= check_cap(vm_fd, KVM_CAP_ARM_PMU_V3) > 0;
	caps->steal_time &= check_cap(vm_fd, KVM_CAP_STEAL_TIME) > 0;
	caps->mte &= check_cap(vm_fd, KVM_CAP_ARM_MTE) > 0;
	caps->el1_32bit &= check_cap(vm_fd, KVM_CAP_ARM_EL1_32BIT) > 0;
	caps->counter_offset &= check_cap(vm_fd, KVM_CAP_COUNTER_OFFSET) > 0;
}

int kvm_caps_read_protected(int kvm_fd, unsigned int ipa_bits,
			    struct kvm_caps *caps)
{
	unsigned long type = KVM_VM_TYPE_ARM_PROTECTED;
	int vm_fd;

	if (ipa_bits)
		type |= KVM_VM_TYPE_ARM_IPA_SIZE(ipa_bits);
	vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, type);
	if (vm_fd < 0)
		return -1;
	caps_narrow(vm_fd, caps);
	caps->protected_vm = true;
	close(vm_fd);
	return 0;
}

/*
 * An MMIO access without an instruction syndrome (ESR_EL2.ISV = 0: a load
 * or store pair, a writeback form) is one KVM cannot emulate; by default
 * KVM_RUN then fails with ENOSYS, so any guest could end its VM that way.
 * With NISV_TO_USER it exits to lkvm, which answers as hardware without a
 * device there would: an external data abort, injected with
 * KVM_SET_VCPU_EVENTS (KVM_CAP_ARM_INJECT_EXT_DABT). Both since Linux 5.5;
 * without them lkvm keeps the old behaviour (the run ends with an error).
 */
static void kvm_enable_nisv(struct kvm_vm *vm)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_ARM_NISV_TO_USER };

	if (check_cap(vm->vm_fd, KVM_CAP_ARM_INJECT_EXT_DABT) <= 0 ||
	    check_cap(vm->vm_fd, KVM_CAP_ARM_NISV_TO_USER) <= 0)
		return;
	vm->nisv_to_user = !ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap);
}

int kvm_vm_create(struct kvm_vm *vm, int kvm_fd, uint64_t ram_base,
		  uint64_t ram_size, unsigned int ipa_bits, bool mte,
		  int ram_fd, bool protected_vm)
{
	struct kvm_enable_cap mte_cap = { .cap = KVM_CAP_ARM_MTE };
	struct kvm_userspace_memory_region region;
	unsigned long type = ipa_bits ? KVM_VM_TYPE_ARM_IPA_SIZE(ipa_bits) : 0;

	if (protected_vm)
		type |= KVM_VM_TYPE_ARM_PROTECTED;

	memset(vm, 0, sizeof(*vm));
	vm->kvm_fd = kvm_fd;
	vm->gic_fd = -1;
	vm->ram_base = ram_base;
	vm->ram_size = ram_size;

	vm->vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, type);
	if (vm->vm_fd < 0) {
		pr_err("KVM_CREATE_VM: %s", strerror(errno));
		return -1;
	}
	kvm_enable_nisv(vm);
	/* Before any vCPU and memory slot exists (api.rst). */
	if (mte && ioctl(vm->vm_fd, KVM_ENABLE_CAP, &mte_cap)) {
		pr_err("KVM_CAP_ARM_MTE: %s", strerror(errno));
		return -1;
	}
	vm->vcpu_mmap_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->vcpu_mmap_size < (int)sizeof(struct kvm_run)) {
		pr_err("KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
		return -1;
	}

	if (ram_fd >= 0) {
		/*
		 * --hugetlbfs or --virtio-fs: a boot starts from zeroed RAM,
		 * a restart too.
		 */
		if (fallocate(ram_fd,
			      FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0,
			      ram_size)) {
			pr_err("guest RAM (its file): %s", strerror(errno));
			return -1;
		}
		vm->ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
			       MAP_SHARED, ram_fd, 0);
	} else {
		vm->ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
			       0);
	}
	if (vm->ram == MAP_FAILED) {
		pr_err("guest RAM (%llu MiB%s): %s",
		       (unsigned long long)(ram_size >> 20),
		       ram_fd >= 0 ?
			       ", hugetlbfs: are enough huge pages free?" :
			       "",
		       strerror(errno));
		return -1;
	}
	/* Transparent huge pages cut stage-2 faults and TLB misses. */
	if (ram_fd < 0)
		madvise(vm->ram, ram_size, MADV_HUGEPAGE);

	region = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = ram_base,
		.memory_size = ram_size,
		.userspace_addr = (uintptr_t)vm->ram,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region)) {
		/* KVM takes only memory that can hold MTE tags with MTE on. */
		if (errno == EINVAL && mte && ram_fd >= 0)
			pr_err("guest RAM: this host's KVM refuses file-backed memory (--hugetlbfs, --virtio-fs) with MTE: add --disable-mte");
		else
			pr_err("KVM_SET_USER_MEMORY_REGION: %s",
			       strerror(errno));
		return -1;
	}
	return 0;
}

int kvm_vm_set_counter_offset(struct kvm_vm *vm, uint64_t offset)
{
	struct kvm_arm_counter_offset o = { .counter_offset = offset };

	if (check_cap(vm->vm_fd, KVM_CAP_COUNTER_OFFSET) <= 0) {
		pr_err("--counter-offset: this host's KVM cannot offset the guest's counter (KVM_CAP_COUNTER_OFFSET, Linux 6.4)");
		return -1;
	}
	if (ioctl(vm->vm_fd, KVM_ARM_SET_COUNTER_OFFSET, &o)) {
		pr_err("KVM_ARM_SET_COUNTER_OFFSET: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int kvm_vm_add_memory(struct kvm_vm *vm, unsigned int slot, uint64_t gpa,
		      uint64_t size)
{
	struct kvm_userspace_memory_region region;
	void *mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (mem == MAP_FAILED) {
		pr_err("guest memory at 0x%llx: %s", (unsigned long long)gpa,
		       strerror(errno));
		return -1;
	}
	region = (struct kvm_userspace_memory_region){
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)mem,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region)) {
		pr_err("KVM_SET_USER_MEMORY_REGION at 0x%llx: %s",
		       (unsigned long long)gpa, strerror(errno));
		munmap(mem, size);
		return -1;
	}
	vm->extra = mem;
	vm->extra_size = size;
	return 0;
}

static int gic_set_attr(struct kvm_vm *vm, uint32_t group, uint64_t attr,
			void *addr, const char *what)
{
	struct kvm_device_attr a = {
		.group = group,
		.attr = attr,
		.addr = (uintptr_t)addr,
	};

	if (ioctl(vm->gic_fd, KVM_SET_DEVICE_ATTR, &a)) {
		pr_err("vGICv3 %s: %s", what, strerror(errno));
		return -1;
	}
	return 0;
}

void kvm_vm_destroy(struct kvm_vm *vm)
{
	if (vm->gic_fd >= 0)
		close(vm->gic_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->ram && vm->ram != MAP_FAILED)
		munmap(vm->ram, vm->ram_size);
	if (vm->extra)
		munmap(vm->extra, vm->extra_size);
	vm->gic_fd = vm->vm_fd = -1;
	vm->ram = NULL;
	vm->extra = NULL;
}

int kvm_gic_create(struct kvm_vm *vm, uint64_t dist_base, uint64_t redist_base)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };

	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &dev)) {
		pr_err("cannot create an in-kernel vGICv3: %s (lkvm needs a GICv3 host)",
		       strerror(errno));
		return -1;
	}
	vm->gic_fd = dev.fd;
	if (gic_set_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR,
			 KVM_VGIC_V3_ADDR_TYPE_DIST, &dist_base,
			 "distributor address") ||
	    gic_set_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR,
			 KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist_base,
			 "redistributor address"))
		return -1;
	return 0;
}

int kvm_gic_finalize(struct kvm_vm *vm, unsigned int nr_irqs,
		     unsigned int maint_intid)
{
	uint32_t nr = nr_irqs, maint = maint_intid;

	/* The maintenance IRQ is refused (EBUSY) once the vGIC is ready. */
	if (maint && gic_set_attr(vm, KVM_DEV_ARM_VGIC_GRP_MAINT_IRQ, 0, &maint,
				  "maintenance interrupt"))
		return -1;
	if (gic_set_attr(vm, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr,
			 "number of IRQs") ||
	    gic_set_attr(vm, KVM_DEV_ARM_VGIC_GRP_CTRL,
			 KVM_DEV_ARM_VGIC_CTRL_INIT, NULL, "init"))
		return -1;
	return 0;
}

int kvm_smccc_forward(struct kvm_vm *vm, uint32_t base, uint32_t nr)
{
	struct kvm_smccc_filter filter = {
		.base = base,
		.nr_functions = nr,
		.action = KVM_SMCCC_FILTER_FWD_TO_USER,
	};
	struct kvm_device_attr attr = {
		.group = KVM_ARM_VM_SMCCC_CTRL,
		.attr = KVM_ARM_VM_SMCCC_FILTER,
		.addr = (uintptr_t)&filter,
	};

	return ioctl(vm->vm_fd, KVM_SET_DEVICE_ATTR, &attr) ? -1 : 0;
}

int kvm_irq_line(struct kvm_vm *vm, unsigned int intid, bool level)
{
	struct kvm_irq_level irq = {
		.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | intid,
		.level = level,
	};

	if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq)) {
		pr_warn("KVM_IRQ_LINE %u: %s", intid, strerror(errno));
		return -1;
	}
	return 0;
}

int kvm_ioeventfd(struct kvm_vm *vm, uint64_t addr, uint32_t len,
		  uint64_t datamatch, int fd)
{
	struct kvm_ioeventfd io = {
		.datamatch = datamatch,
		.addr = addr,
		.len = len,
		.fd = fd,
		.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
	};

	return ioctl(vm->vm_fd, KVM_IOEVENTFD, &io) ? -1 : 0;
}

void *kvm_gpa_to_host(struct kvm_vm *vm, uint64_t gpa, uint64_t len)
{
	if (gpa < vm->ram_base || gpa - vm->ram_base > vm->ram_size ||
	    len > vm->ram_size - (gpa - vm->ram_base))
		return NULL;
	return (uint8_t *)vm->ram + (gpa - vm->ram_base);
}
