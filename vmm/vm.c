// SPDX-License-Identifier: GPL-2.0
/*
 * `lkvm run`: create and run a VM from its plan (plan.c). Order of creation matters for KVM:
 * the vGIC device and its addresses before the vCPUs, KVM_ARM_VCPU_INIT for
 * every vCPU, then the vGIC's init (Documentation/virt/kvm/devices/
 * arm-vgic-v3.rst), and the boot registers last.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include "log.h"
#include "mem-selftest.h"
#include "vm.h"
#include "sdei-host.h"
#include "../arm64/kvm-compat.h"
#include "../arm64/layout.h"
#include "../devices/pvpanic.h"
#include "../devices/virtio-blk-dev.h"
#include "../devices/virtio-console-dev.h"
#include "../devices/virtio-mmio.h"
#include "../devices/virtio-rng-dev.h"
#include "../devices/virtio-net-dev.h"
#include "../devices/virtio-vsock-dev.h"
#include "../devices/virtio-fs-dev.h"
#include "../devices/virtio-9p-dev.h"
#include "../fdt/fdt.h"

/* SPIs the vGIC provides: enough for lkvm's devices, a multiple of 32. */
#define VM_NR_IRQS 128

/* Reads all of fd into guest RAM at gpa. */
static int load_file(struct vm *vm, int fd, uint64_t gpa, uint64_t size,
		     const char *what)
{
	uint8_t *dst = kvm_gpa_to_host(&vm->kvm, gpa, size);
	uint64_t done = 0;

	if (!dst) {
		pr_err("%s does not fit in guest RAM", what);
		return -1;
	}
	while (done < size) {
		ssize_t n = pread(fd, dst + done, size - done, done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			pr_err("reading %s: %s", what,
			       n ? strerror(errno) : "file shrank");
			return -1;
		}
		done += n;
	}
	return 0;
}

/*
 * virtio-mmio devices: the disks in -d order, then rng, then console, then
 * the network, then vsock, then virtio-fs, then the --9p shares in their
 * order.
 */
static unsigned int vm_nr_virtio(const struct vm *vm)
{
	return vm->nr_disks + (vm->rng != NULL) + (vm->vcon != NULL) +
	       (vm->net != NULL) + (vm->vsock != NULL) + (vm->vfs != NULL) +
	       vm->nr_p9;
}

static int vm_build_fdt(struct vm *vm)
{
	const struct boot_layout *l = &vm->plan.layout;
	struct vm_desc d = {
		.ram_base = LKVM_RAM_BASE,
		.ram_size = vm->plan.ram_size,
		.nr_cpus = vm->nr_vcpus,
		.mpidr = vm->mpidr,
		.bootargs = vm->plan.bootargs,
		.initrd_addr = l->initrd_addr,
		.initrd_size = l->initrd_size,
		.gic_dist_base = LKVM_GIC_DIST_BASE,
		.gic_dist_size = LKVM_GIC_DIST_SIZE,
		.gic_redist_base = LKVM_GIC_REDIST_BASE(vm->nr_vcpus),
		.gic_redist_size = vm->nr_vcpus * LKVM_GIC_REDIST_SIZE,
		.uart_base = LKVM_UART_BASE,
		.uart_size = LKVM_UART_SIZE,
		.uart_intid = LKVM_UART_INTID,
		.uart_clock = LKVM_UART_CLOCK,
		.pvpanic_base = LKVM_PVPANIC_BASE,
		.pvpanic_size = LKVM_PVPANIC_SIZE,
		/* An EL2 guest's HVCs go to its own vectors: firmware is SMC. */
		.psci_method = vm->opts->nested ? "smc" : "hvc",
		.el2 = vm->opts->nested,
		.gic_maint_intid = LKVM_GIC_MAINT_INTID,
		.sdei = vm->fw && fw_sdei(vm->fw),
		.pmu_intid = vm->features.pmu ? LKVM_PMU_INTID : 0,
		.nr_virtio = vm_nr_virtio(vm),
	};
	void *fdt = kvm_gpa_to_host(&vm->kvm, l->fdt_addr, l->fdt_max_size);
	int err;

	for (unsigned int i = 0; i < d.nr_virtio; i++)
		d.virtio[i] = (struct vm_desc_virtio){
			.base = LKVM_VIRTIO_ADDR(i),
			.size = VIRTIO_MMIO_SIZE,
			.intid = LKVM_VIRTIO_INTID(i),
		};

	if (getrandom(d.rng_seed, sizeof(d.rng_seed), 0) !=
		    sizeof(d.rng_seed) ||
	    getrandom(&d.kaslr_seed, sizeof(d.kaslr_seed), 0) !=
		    sizeof(d.kaslr_seed)) {
		pr_err("getrandom: %s", strerror(errno));
		return -1;
	}
	/* kvmtool's --kaslr-seed: the same layout run after run. */
	if (vm->opts->kaslr_seed_set)
		d.kaslr_seed = vm->opts->kaslr_seed;
	err = fdt_build(&d, fdt, l->fdt_max_size);
	if (err) {
		pr_err("building the device tree: libfdt error %d", err);
		return -1;
	}
	if (vm->plan.dump_dtb_fd >= 0) {
		uint32_t size = __builtin_bswap32(((uint32_t *)fdt)[1]);

		/* Opened when planned: the sandbox opens no file. */
		if (ftruncate(vm->plan.dump_dtb_fd, 0) ||
		    pwrite(vm->plan.dump_dtb_fd, fdt, size, 0) != size) {
			pr_err("--dump-dtb %s: %s", vm->opts->dump_dtb,
			       strerror(errno));
			return -1;
		}
	}
	return 0;
}

static void vm_serial_irq(void *ctx, bool level)
{
	vm_irq_set(ctx, LKVM_UART_INTID, level);
}

/*
 * The guest's crash kernel takes over after a panic (its console said so, or
 * pvpanic reported CRASH_LOADED): lkvm's panic detection stands down, so
 * the crash kernel runs, and watches for a panic of the crash kernel
 * itself. How the crash kernel ends gives the run's exit code
 * (vm_exit_code()).
 */
static void vm_crash_kernel_starts(struct vm *vm, const char *how)
{
	if (!atomic_exchange(&vm->crash_kernel, true))
		pr_warn("guest panicked and starts its crash kernel (%s): "
			"letting it run",
			how);
	atomic_store(&vm->panic_seen, false);
	vm_wake_io(vm);
}

/*
 * A Linux guest without a pvpanic driver panics on its console: stop once
 * the report has ended, or (the I/O thread's grace period) soon after its
 * first line, unless a crash kernel takes over first.
 */
static void vm_console_panic(void *ctx, enum console_event ev, const char *why)
{
	struct vm *vm = ctx;

	if (ev == CONSOLE_CRASH_KERNEL) {
		vm_crash_kernel_starts(vm, "its console");
		return;
	}
	if (!atomic_exchange(&vm->panic_seen, true))
		pr_err("guest panic, seen on its console: Kernel panic - not syncing: %s",
		       why);
	if (ev == CONSOLE_PANIC_END)
		vm_stop(vm, LKVM_EXIT_PANIC);
	else
		vm_wake_io(vm);
}

/*
 * The pvpanic register: the guest's own panic notifier writes it. Linux
 * reports CRASH_LOADED instead of PANICKED when a crash kernel is loaded
 * (drivers/misc/pvpanic/pvpanic.c), which it then starts.
 */
static void vm_pvpanic_mmio(void *opaque, uint64_t off, uint8_t *data,
			    unsigned int len, bool is_write)
{
	struct vm *vm = opaque;
	unsigned int ev = pvpanic_access(off, data, len, is_write);

	if (ev & PVPANIC_PANICKED) {
		pr_err("guest panic, reported by its pvpanic device");
		vm_stop(vm, LKVM_EXIT_PANIC);
	} else if (ev & PVPANIC_CRASH_LOADED) {
		vm_crash_kernel_starts(vm, "pvpanic");
	}
}

/*
 * The VM's side of its devices' dev_host (vm_dev_host_init): each op hands
 * the device's request to the VM's own function.
 */
static void vm_host_irq_set(void *ctx, uint32_t intid, bool level)
{
	vm_irq_set(ctx, intid, level);
}

/*
 * A device's line, which SDEI's INTERRUPT_BIND may then take
 * (vm_sdei_bindable); -1 when the table is full (the device logs it).
 */
static int vm_host_irq_add(void *ctx, uint32_t intid)
{
	struct vm *vm = ctx;

	if (vm->nr_irq_lines == VM_MAX_IRQ_LINES)
		return -1;
	vm->irq_lines[vm->nr_irq_lines++] =
		(struct vm_irq_line){ .intid = intid };
	return 0;
}

static int vm_host_watch_add(void *ctx, int fd, void (*ready)(void *),
			     void *opaque)
{
	return vm_watch_add(ctx, fd, ready, opaque);
}

static int vm_host_hook_add(void *ctx, const struct io_hook *hook)
{
	struct vm *vm = ctx;

	if (vm->nr_hooks == VM_MAX_HOOKS) {
		pr_err("internal: too many I/O hooks");
		return -1;
	}
	vm->hooks[vm->nr_hooks++] = hook;
	return 0;
}

static int vm_host_ioeventfd(void *ctx, uint64_t addr, unsigned int len,
			     uint64_t datamatch, int fd)
{
	struct vm *vm = ctx;

	return kvm_ioeventfd(&vm->kvm, addr, len, datamatch, fd);
}

static void vm_host_console_output(void *ctx, const uint8_t *buf, size_t len)
{
	struct vm *vm = ctx;

	serial_console_output(&vm->serial, buf, len);
}

/* Once guest RAM exists: what the devices may use of this VM. */
static void vm_dev_host_init(struct vm *vm)
{
	vm->dev_host = (struct dev_host){
		.ctx = vm,
		.irq_add = vm_host_irq_add,
		.irq_set = vm_host_irq_set,
		.mmio = &vm->mmio,
		.watch_add = vm_host_watch_add,
		.hook_add = vm_host_hook_add,
		.ioeventfd = vm_host_ioeventfd,
		.ram = {
			.host = vm->kvm.ram,
			.base = vm->kvm.ram_base,
			.size = vm->kvm.ram_size,
		},
		.console_output = vm_host_console_output,
	};
}

/* The virtio-mmio devices, each in the next window with the next SPI. */
static int vm_add_virtio(struct vm *vm)
{
	const struct run_opts *o = vm->opts;
	unsigned int n = 0;

	vm_dev_host_init(vm);
	for (unsigned int i = 0; i < o->nr_disks; i++, n++) {
		struct virtio_blk_dev_cfg c = {
			.path = o->disks[i].path,
			.fd = vm->plan.disk_fd[i],
			.size = vm->plan.disk_size[i],
			.read_only = o->disks[i].read_only,
			.discard = vm->plan.disk_discard[i],
			.sync = o->disk_sync,
			.direct_fd = vm->plan.disk_direct_fd[i],
			.dio_mem_align = vm->plan.disk_dio_mem_align[i],
			.dio_offset_align = vm->plan.disk_dio_offset_align[i],
			.index = i,
		};

		vm->disks[i] = virtio_blk_dev_create(&vm->dev_host, &c,
						     LKVM_VIRTIO_ADDR(n),
						     LKVM_VIRTIO_INTID(n));
		if (!vm->disks[i])
			return -1;
		vm->nr_disks++;
	}
	if (o->rng) {
		vm->rng = virtio_rng_dev_create(&vm->dev_host,
						LKVM_VIRTIO_ADDR(n),
						LKVM_VIRTIO_INTID(n));
		if (!vm->rng)
			return -1;
		n++;
	}
	if (o->console == CONSOLE_VIRTIO) {
		vm->vcon = virtio_console_dev_create(&vm->dev_host,
						     LKVM_VIRTIO_ADDR(n),
						     LKVM_VIRTIO_INTID(n));
		if (!vm->vcon)
			return -1;
		n++;
	}
	if (vm->net_backend) {
		/* kvmtool's default guest MAC, unless guest_mac= said. */
		static const uint8_t mac[6] = { 0x02, 0x15, 0x15,
						0x15, 0x15, 0x15 };

		vm->net = virtio_net_dev_create(
			&vm->dev_host, LKVM_VIRTIO_ADDR(n),
			LKVM_VIRTIO_INTID(n), vm->net_backend,
			o->net.mac_set ? o->net.mac : mac);
		if (!vm->net)
			return -1;
		n++;
	}
	if (o->vsock_cid) {
		vm->vsock = virtio_vsock_dev_create(
			&vm->dev_host, LKVM_VIRTIO_ADDR(n),
			LKVM_VIRTIO_INTID(n), vm->vhost_vsock_fd,
			vm->vhost_vsock_features, o->vsock_cid);
		if (!vm->vsock)
			return -1;
		n++;
	}
	if (vm->vfs_backend) {
		vm->vfs = virtio_fs_dev_create(&vm->dev_host,
					       LKVM_VIRTIO_ADDR(n),
					       LKVM_VIRTIO_INTID(n),
					       vm->vfs_backend, vm->plan.ram_fd,
					       o->vfs.tag);
		if (!vm->vfs)
			return -1;
		n++;
	}
	for (unsigned int i = 0; i < o->nr_p9; i++, n++) {
		vm->p9[i] = virtio_9p_dev_create(&vm->dev_host,
						 LKVM_VIRTIO_ADDR(n),
						 LKVM_VIRTIO_INTID(n),
						 vm->plan.p9[i], o->p9[i].tag);
		if (!vm->p9[i])
			return -1;
		vm->nr_p9++;
	}
	return 0;
}

int vm_watch_add(struct vm *vm, int fd, void (*ready)(void *), void *opaque)
{
	if (vm->nr_watches == VM_MAX_WATCHES) {
		pr_err("internal: too many descriptors for the I/O thread");
		return -1;
	}
	vm->watches[vm->nr_watches++] = (struct io_watch){
		.fd = fd,
		.ready = ready,
		.opaque = opaque,
	};
	return 0;
}

void vm_devices_drain(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_disks; i++)
		virtio_blk_dev_drain(vm->disks[i]);
	for (unsigned int i = 0; i < vm->nr_p9; i++)
		virtio_9p_dev_drain(vm->p9[i]);
}

static void vm_devices_destroy(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_disks; i++)
		virtio_blk_dev_destroy(vm->disks[i]);
	memset(vm->disks, 0, sizeof(vm->disks));
	vm->nr_disks = 0;
	virtio_rng_dev_destroy(vm->rng);
	vm->rng = NULL;
	virtio_console_dev_destroy(vm->vcon);
	vm->vcon = NULL;
	virtio_net_dev_destroy(vm->net);
	vm->net = NULL;
	virtio_vsock_dev_destroy(vm->vsock);
	vm->vsock = NULL;
	virtio_fs_dev_destroy(vm->vfs);
	vm->vfs = NULL;
	for (unsigned int i = 0; i < vm->nr_p9; i++)
		virtio_9p_dev_destroy(vm->p9[i]);
	memset(vm->p9, 0, sizeof(vm->p9));
	vm->nr_p9 = 0;
	vm->nr_watches = 0;
	vm->nr_hooks = 0;
}

static int vm_add_devices(struct vm *vm)
{
	struct mmio_region uart = {
		.base = LKVM_UART_BASE,
		.size = LKVM_UART_SIZE,
		.handler = serial_mmio,
		.opaque = &vm->serial,
		.name = "8250 UART",
	};
	struct mmio_region pvpanic = {
		.base = LKVM_PVPANIC_BASE,
		.size = LKVM_PVPANIC_SIZE,
		.handler = vm_pvpanic_mmio,
		.opaque = vm,
		.name = "pvpanic",
	};

	serial_init(&vm->serial, STDOUT_FILENO, vm->plan.console_log_fd,
		    vm_serial_irq, vm, vm_console_panic, vm);
	vm->irq_lines[vm->nr_irq_lines++] =
		(struct vm_irq_line){ .intid = LKVM_UART_INTID };
	if (mmio_bus_add(&vm->mmio, &uart) ||
	    mmio_bus_add(&vm->mmio, &pvpanic)) {
		pr_err("internal: MMIO map");
		return -1;
	}
	/* Lab only: the memory self-test register (mem-selftest.h). */
	if (mem_selftest_enabled()) {
		struct mmio_region selftest;

		if (mem_selftest_region(&vm->kvm, &selftest) ||
		    mmio_bus_add(&vm->mmio, &selftest))
			return -1;
	}
	return vm_add_virtio(vm);
}

/*
 * KVM takes KVM_CAP_ARM_MTE for any VM, but may still hide MTE from the
 * vCPUs (its nested virtualization does, for vCPUs with EL2): the vCPU's
 * ID_AA64PFR1_EL1.MTE says what the guest gets.
 */
static void vm_check_mte(struct vm *vm)
{
	uint64_t pfr1;

	if (!vm->mte)
		return;
	if (kvm_vcpu_get_reg(&vm->vcpus[0].kvm, ARM64_SYS_REG(3, 0, 0, 4, 1),
			     &pfr1) ||
	    ((pfr1 >> 8) & 0xf) < 2) {
		pr_info("MTE: this host's KVM does not give it to these vCPUs%s",
			vm->features.el2 ? " (vCPUs with EL2)" : "");
		vm->mte = false;
	}
}

static int vm_create_vcpus(struct vm *vm)
{
	vm->vcpus = calloc(vm->nr_vcpus, sizeof(*vm->vcpus));
	vm->mpidr = calloc(vm->nr_vcpus, sizeof(*vm->mpidr));
	if (!vm->vcpus || !vm->mpidr) {
		pr_err("out of memory");
		return -1;
	}
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		v->vm = vm;
		if (kvm_vcpu_create(&vm->kvm, i, &v->kvm) ||
		    kvm_vcpu_init(&vm->kvm, &v->kvm, &vm->features, i > 0) ||
		    kvm_vcpu_finalize(&v->kvm, &vm->features) ||
		    kvm_vcpu_get_mpidr(&v->kvm, &vm->mpidr[i]))
			return -1;
	}
	vm_check_mte(vm);
	return 0;
}

/*
 * After the vGIC's init: each vCPU's PMU and its stolen-time record (in
 * memory of its own outside RAM, slot 1).
 */
static int vm_setup_vcpu_devices(struct vm *vm)
{
	if (vm->pvtime && kvm_vm_add_memory(&vm->kvm, 1, LKVM_PVTIME_BASE,
					    LKVM_PVTIME_SIZE(vm->nr_vcpus)))
		return -1;
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct kvm_vcpu *k = &vm->vcpus[i].kvm;

		if (vm->features.pmu && kvm_vcpu_pmu_init(k, LKVM_PMU_INTID))
			return -1;
		if (vm->pvtime &&
		    kvm_vcpu_pvtime_set(k, LKVM_PVTIME_BASE +
						   i * LKVM_PVTIME_RECORD))
			return -1;
	}
	return 0;
}

/*
 * kvmtool's vCPU: SVE, pointer authentication, stolen time and MTE
 * wherever KVM has them (unless turned off), the PMU on request. Asked for
 * explicitly and missing: the user's error.
 */
static int vm_choose_features(struct vm *vm, const struct kvm_caps *caps)
{
	const struct run_opts *o = vm->opts;
	struct vcpu_features *f = &vm->features;
	/* pKVM gives protected guests a fixed subset (vm_check_protected). */
	const char *who = o->protected_vm ? "protected guests" : "guests";

	if (o->pmu && !caps->pmu) {
		pr_err("--pmu: this host's KVM has no PMUv3 for %s (KVM_CAP_ARM_PMU_V3)",
		       who);
		return -1;
	}
	if (o->aarch32 && !caps->el1_32bit) {
		pr_err("--aarch32: this host's CPUs or KVM cannot run AArch32 at EL1 for %s (KVM_CAP_ARM_EL1_32BIT)",
		       who);
		return -1;
	}
	if (o->sve_max_vl && !caps->sve) {
		pr_err("--sve-max-vl: this host's KVM has no SVE for %s (KVM_CAP_ARM_SVE)",
		       who);
		return -1;
	}
	/* KVM refuses SVE, pointer authentication and MTE for AArch32. */
	f->aarch32 = o->aarch32;
	f->sve = caps->sve && !o->no_sve && !o->aarch32;
	f->sve_max_vq = o->sve_max_vl / 128;
	f->ptrauth = caps->ptrauth && !o->no_ptrauth && !o->aarch32;
	f->pmu = o->pmu;
	vm->pvtime = caps->steal_time && !o->no_pvtime;
	vm->mte = caps->mte && !o->disable_mte && !o->aarch32;
	pr_info("vCPU features: SVE %s, pointer authentication %s, PMU %s, stolen time %s, MTE %s",
		f->sve ? "on" : "off", f->ptrauth ? "on" : "off",
		f->pmu ? "on" : "off", vm->pvtime ? "on" : "off",
		vm->mte ? "on" : "off");
	return 0;
}

/*
 * --protected: the host's KVM must create protected VMs (pKVM, a host
 * booted with kvm-arm.mode=protected). What such a VM gets (its own
 * KVM_CHECK_EXTENSION answers) narrows caps: pKVM gives protected VMs a
 * fixed subset of the host's vCPU features, and may keep the SMCCC filter
 * from them (PSCI is then KVM's own, without SDEI).
 */
static int vm_check_protected(struct vm *vm, int kvm_fd, unsigned int ipa_bits,
			      struct kvm_caps *caps)
{
	const struct run_opts *o = vm->opts;

	if (kvm_caps_read_protected(kvm_fd, ipa_bits, caps)) {
		pr_err("--protected: this host's KVM does not create protected VMs (KVM_CREATE_VM with KVM_VM_TYPE_ARM_PROTECTED: %s): it needs pKVM, a host booted with kvm-arm.mode=protected",
		       strerror(errno));
		return -1;
	}
	if (!caps->vgic_v3) {
		pr_err("--protected: this host's KVM has no vGICv3 for protected VMs");
		return -1;
	}
	if (o->counter_offset && !caps->counter_offset) {
		pr_err("--counter-offset: this host's KVM does not offer it to protected guests (KVM_CAP_COUNTER_OFFSET)");
		return -1;
	}
	vm->protected_no_filter = !caps->smccc_filter;
	if (o->nr_sdei_events && vm->protected_no_filter) {
		pr_err("--sdei-event: this host's KVM has no SMCCC filter for protected VMs: lkvm cannot answer their SDEI calls");
		return -1;
	}
	return 0;
}

static int vm_check_host(struct vm *vm, int kvm_fd, unsigned int *ipa_bits)
{
	struct kvm_caps caps;

	/* Only /dev/kvm's answers: the first VM lkvm creates is the guest's. */
	if (kvm_caps_read(kvm_fd, &caps, false))
		return -1;
	if (vm->nr_vcpus > caps.max_vcpus) {
		pr_err("--cpus %u: this host's KVM allows at most %u vCPUs",
		       vm->nr_vcpus, caps.max_vcpus);
		return -1;
	}
	*ipa_bits = boot_ipa_bits(LKVM_RAM_BASE + vm->plan.ram_size);
	if (*ipa_bits > caps.ipa_bits) {
		pr_err("--mem %llu: guest RAM ends above this host's %u-bit guest address space",
		       (unsigned long long)vm->opts->mem_mib, caps.ipa_bits);
		return -1;
	}
	/* Without KVM_CAP_ARM_VM_IPA_SIZE, only the default type is accepted. */
	if (!caps.ipa_configurable)
		*ipa_bits = 0;
	if (vm->opts->protected_vm &&
	    vm_check_protected(vm, kvm_fd, *ipa_bits, &caps))
		return -1;
	if (vm->opts->nested && !caps.el2) {
		pr_err("--nested: this host's KVM cannot give guests EL2 (it needs Linux 6.16 or later booted with kvm-arm.mode=nested, on a CPU with FEAT_NV2)");
		return -1;
	}
	if (vm->opts->e2h0 && !caps.el2_e2h0) {
		pr_err("--e2h0: this host's KVM cannot give guests EL2 without VHE (no KVM_CAP_ARM_EL2_E2H0)");
		return -1;
	}
	return vm_choose_features(vm, &caps);
}

/* PSCI's function IDs, SMC32 and SMC64 (DEN0028 6.2, DEN0022D 5.1). */
static const struct {
	uint32_t base, nr;
} user_firmware_ranges[] = {
	{ PSCI_0_2_FN_BASE, 0x20 },
	{ PSCI_0_2_FN64_BASE, 0x20 },
	{ SDEI_FID_BASE, SDEI_FID_LAST - SDEI_FID_BASE + 1 },
};

/*
 * The firmware core: PSCI, SDEI unless --no-sdei, and the device lines.
 * The SDEI client is the highest EL the vCPUs have (DEN0054B: the highest
 * Non-secure EL implemented): EL2 with --nested, with or without VHE.
 */
static int vm_create_fw(struct vm *vm)
{
	uint32_t lines[VM_MAX_IRQ_LINES];
	struct sdei_config sc = {
		.events = vm->opts->sdei_events,
		.nr_events = vm->opts->nr_sdei_events,
		.nr_irqs = VM_NR_IRQS,
		.client_el = vm->features.el2 ? 2 : 1,
		/* DEN0054B: handlers start with PSTATE.TCO set on FEAT_MTE2. */
		.mte = vm->mte,
		/*
		 * INTERRUPT_BIND takes the SPIs of lkvm's devices, one slot
		 * each: those lkvm raises itself and so can deliver as
		 * events. No PPI is lkvm's (the timers and the PMU are
		 * KVM's): no private slots.
		 */
		.nr_shared_slots = vm->nr_irq_lines,
	};
	struct fw_config cfg = {
		.nr_vcpus = vm->nr_vcpus,
		.mpidr = vm->mpidr,
		.ram_base = LKVM_RAM_BASE,
		.ram_size = vm->plan.ram_size,
		.sdei = vm->opts->no_sdei ? NULL : &sc,
		.lines = lines,
		.nr_lines = vm->nr_irq_lines,
		.aarch32 = vm->features.aarch32,
	};
	char err[256];

	for (unsigned int i = 0; i < vm->nr_irq_lines; i++)
		lines[i] = vm->irq_lines[i].intid;
	if (fw_create(&vm->fw, &cfg, err, sizeof(err))) {
		pr_err("--sdei-event: %s", err);
		return -1;
	}
	return 0;
}

/*
 * Forwards the firmware calls lkvm answers to user space, before any vCPU
 * runs. Hosts without the SMCCC filter (Linux < 6.4) keep KVM's PSCI.
 */
static int vm_setup_firmware(struct vm *vm)
{
	pthread_mutex_init(&vm->fw_lock, NULL);
	if (vm->protected_no_filter) {
		pr_info("protected VM: KVM has no SMCCC filter for it: PSCI is KVM's own, no SDEI");
		return 0;
	}
	for (unsigned int i = 0;
	     i < sizeof(user_firmware_ranges) / sizeof(*user_firmware_ranges);
	     i++) {
		/* --no-sdei: SDEI's IDs stay KVM's (NOT_SUPPORTED). */
		if (vm->opts->no_sdei &&
		    user_firmware_ranges[i].base == SDEI_FID_BASE)
			continue;
		if (!kvm_smccc_forward(&vm->kvm, user_firmware_ranges[i].base,
				       user_firmware_ranges[i].nr))
			continue;
		if (i == 0 && (errno == ENXIO || errno == EINVAL)) {
			pr_warn("this host's KVM has no SMCCC filter (Linux 6.4 or later): PSCI is KVM's own");
			return 0;
		}
		pr_err("SMCCC filter for 0x%x: %s",
		       user_firmware_ranges[i].base, strerror(errno));
		return -1;
	}
	pr_info("PSCI 1.1%s answered by lkvm (SMCCC filter)",
		vm->opts->no_sdei ? "" : " and SDEI 1.1");
	return vm_create_fw(vm);
}

int vm_create(struct vm *vm, const struct run_opts *opts, int kvm_fd)
{
	const struct boot_layout *l = &vm->plan.layout;
	struct boot_regs regs;
	unsigned int ipa_bits;
	int64_t offset;

	vm->opts = opts;
	vm->nr_vcpus = opts->nr_cpus;
	vm->features = (struct vcpu_features){
		.el2 = opts->nested,
		.e2h0 = opts->e2h0,
	};
	vm->pvtime = false;
	vm->mte = false;
	vm->protected_no_filter = false;
	atomic_init(&vm->stopping, false);
	atomic_init(&vm->exit_code, -1);
	atomic_init(&vm->panic_seen, false);
	atomic_init(&vm->crash_kernel, false);
	pthread_mutex_init(&vm->pause_lock, NULL);
	pthread_cond_init(&vm->pause_cond, NULL);
	vm->paused = false;
	vm->parked = 0;
	vm->vcpus_go = false;
	vm->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->stop_fd < 0) {
		pr_err("eventfd: %s", strerror(errno));
		return -1;
	}
	if (vm_check_host(vm, kvm_fd, &ipa_bits))
		return -1;

	pr_debug("creating VM: %u vCPUs, %llu MiB", vm->nr_vcpus,
		 (unsigned long long)opts->mem_mib);
	if (kvm_vm_create(&vm->kvm, kvm_fd, LKVM_RAM_BASE, vm->plan.ram_size,
			  ipa_bits, vm->mte, vm->plan.ram_fd,
			  opts->protected_vm) ||
	    kvm_gic_create(&vm->kvm, LKVM_GIC_DIST_BASE,
			   LKVM_GIC_REDIST_BASE(vm->nr_vcpus)) ||
	    vm_create_vcpus(vm) ||
	    (opts->counter_offset &&
	     kvm_vm_set_counter_offset(&vm->kvm, opts->counter_offset)) ||
	    kvm_gic_finalize(&vm->kvm, VM_NR_IRQS,
			     opts->nested ? LKVM_GIC_MAINT_INTID : 0) ||
	    vm_setup_vcpu_devices(vm))
		return -1;
	/* Devices first: SDEI learns their interrupt lines. */
	if (vm_add_devices(vm))
		return -1;
	if (vm_setup_firmware(vm))
		return -1;
	if (opts->nr_sdei_events && !vm->fw) {
		pr_err("--sdei-event: this host's KVM cannot forward SDEI calls to lkvm (no SMCCC filter: Linux 6.4 or later)");
		return -1;
	}

	if (load_file(vm, vm->plan.kernel_fd, l->kernel_addr,
		      vm->plan.kernel.file_size, "--kernel"))
		return -1;
	if (l->initrd_size && load_file(vm, vm->plan.initrd_fd, l->initrd_addr,
					l->initrd_size, "--initrd"))
		return -1;
	if (vm_build_fdt(vm))
		return -1;
	pr_debug(
		"kernel at 0x%llx-0x%llx, initrd at 0x%llx (%llu bytes), DTB at 0x%llx",
		(unsigned long long)l->kernel_addr,
		(unsigned long long)l->kernel_end,
		(unsigned long long)l->initrd_addr,
		(unsigned long long)l->initrd_size,
		(unsigned long long)l->fdt_addr);

	boot_regs_compute(l,
			  opts->nested	? BOOT_EL2 :
			  opts->aarch32 ? BOOT_EL1_AARCH32 :
					  BOOT_EL1,
			  &regs);
	if (kvm_vcpu_set_boot_regs(&vm->vcpus[0].kvm, &regs))
		return -1;
	if (log_enabled(LOG_INFO) &&
	    !kvm_vcpu_counter_offset(&vm->vcpus[0].kvm, &offset))
		pr_info("guest counter = host CNTVCT - %lld",
			(long long)offset);
	return 0;
}

/*
 * Beyond guest RAM, the pages KVM donates to the hypervisor for the VM (its
 * stage-2 tables, the hypervisor's copies of the VM and its vCPUs) are
 * counted too: a margin for them.
 */
#define PROTECTED_MEMLOCK_MARGIN (16ULL << 20)

int vm_protected_memlock(uint64_t ram_size)
{
	uint64_t need = ram_size + PROTECTED_MEMLOCK_MARGIN;
	struct rlimit r;

	if (getrlimit(RLIMIT_MEMLOCK, &r)) {
		pr_err("--protected: RLIMIT_MEMLOCK: %s", strerror(errno));
		return -1;
	}
	if (r.rlim_cur == RLIM_INFINITY || r.rlim_cur >= need)
		return 0;
	r.rlim_cur = need;
	if (r.rlim_max != RLIM_INFINITY && r.rlim_max < need)
		r.rlim_max = need;
	if (setrlimit(RLIMIT_MEMLOCK, &r)) {
		pr_err("--protected: the guest's %llu MiB of RAM are pinned and counted against RLIMIT_MEMLOCK, which lkvm cannot raise to %llu KiB (%s): raise it (ulimit -l) or start lkvm as root",
		       (unsigned long long)(ram_size >> 20),
		       (unsigned long long)(need >> 10), strerror(errno));
		return -1;
	}
	pr_info("protected VM: RLIMIT_MEMLOCK raised to %llu KiB (guest RAM is pinned)",
		(unsigned long long)(need >> 10));
	return 0;
}

void vm_destroy(struct vm *vm)
{
	/* Before guest RAM goes: requests in flight still write into it. */
	vm_devices_destroy(vm);
	for (unsigned int i = 0; vm->vcpus && i < vm->nr_vcpus; i++)
		kvm_vcpu_destroy(&vm->kvm, &vm->vcpus[i].kvm);
	free(vm->vcpus);
	free(vm->mpidr);
	vm->vcpus = NULL;
	vm->mpidr = NULL;
	fw_destroy(vm->fw);
	vm->fw = NULL;
	kvm_vm_destroy(&vm->kvm);
	close(vm->stop_fd);
	vm->stop_fd = -1;
	pthread_mutex_destroy(&vm->fw_lock);
	pthread_mutex_destroy(&vm->pause_lock);
	pthread_cond_destroy(&vm->pause_cond);
	pthread_mutex_destroy(&vm->serial.lock);
	memset(&vm->mmio, 0, sizeof(vm->mmio));
	memset(vm->irq_lines, 0, sizeof(vm->irq_lines));
	vm->nr_irq_lines = 0;
	atomic_store(&vm->unhandled_mmio, 0);
	atomic_store(&vm->undecodable_mmio, 0);
}

void vm_wake_io(struct vm *vm)
{
	uint64_t one = 1;

	if (write(vm->stop_fd, &one, sizeof(one)) < 0)
		pr_debug("wake eventfd: %s", strerror(errno));
}

void vm_stop(struct vm *vm, int exit_code)
{
	int expected = -1;

	atomic_compare_exchange_strong(&vm->exit_code, &expected, exit_code);
	expected = -1;
	if (lkvm_exit_is_user_stop(exit_code))
		atomic_compare_exchange_strong(&vm->user_stop, &expected,
					       exit_code);
	if (atomic_exchange(&vm->stopping, true))
		return;
	/* Parked vCPUs (lkvm pause) wake up to see the stop. */
	pthread_mutex_lock(&vm->pause_lock);
	pthread_cond_broadcast(&vm->pause_cond);
	pthread_mutex_unlock(&vm->pause_lock);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	vm_wake_io(vm);
}
