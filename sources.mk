# SPDX-License-Identifier: GPL-2.0
#
# lkvm's sources, the one list the Makefile and tests/fuzz/fuzz.mk share
# (paths from the top of the tree).

# The pure core: no ioctls, no threads; builds and runs on any host.
CORE_SRCS := arm64/image.c arm64/boot.c arm64/regs-dump.c fdt/fdt.c devices/uart-8250.c \
	devices/pvpanic.c devices/console-watch.c vmm/console-escape.c \
	vmm/options.c vmm/log.c vmm/mmio.c vmm/probe.c vmm/control-proto.c \
	vmm/control-status.c \
	firmware-emu/sdei-state.c firmware-emu/sdei-catalogue.c \
	firmware-emu/sdei.c firmware-emu/sdei-dispatch.c firmware-emu/psci.c \
	firmware-emu/fw.c \
	devices/virtq.c devices/virtio-mmio.c devices/virtio-blk.c \
	devices/p9-proto.c devices/virtio-net.c devices/virtio-vsock.c \
	devices/vhost-user-proto.c devices/virtio-fs.c devices/virtio-9p.c
# The edge: KVM ioctls, threads, file descriptors. vmm/plan.c is here: it
# opens, locks and measures the user's files (BLKGETSIZE64 is an ioctl,
# FALLOC_FL_PUNCH_HOLE probes the file system) and reads /etc/passwd, so
# its answers depend on the host, not on its arguments alone.
EDGE_SRCS := arm64/kvm-vm.c arm64/kvm-vcpu.c devices/serial.c vmm/vcpu.c \
	vmm/vcpu-hypercall.c vmm/sdei-host.c vmm/control.c vmm/vm-control.c \
	vmm/plan.c vmm/vm.c vmm/sandbox.c devices/virtio-dev.c \
	devices/virtio-blk-dev.c devices/virtio-rng-dev.c \
	devices/virtio-console-dev.c vmm/vcpu-kick.c vmm/run.c vmm/main.c \
	vmm/mem-selftest.c devices/p9-fs.c devices/virtio-net-dev.c \
	devices/net-backend.c devices/net-tap.c devices/net-slirp.c \
	devices/virtio-vsock-dev.c devices/virtio-fs-dev.c \
	devices/virtio-9p-dev.c
# Edge sources the unit tests build natively as well: they need no KVM,
# only files, eventfds, locks and signals, which a test can give them (a
# virtio device gets a dev_host of the test's own; vcpu-kick.c's kicks go
# between the test's threads).
UNIT_EDGE_SRCS := vmm/plan.c devices/virtio-dev.c devices/virtio-rng-dev.c \
	vmm/vcpu-kick.c devices/p9-fs.c
