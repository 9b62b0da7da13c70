# SPDX-License-Identifier: GPL-2.0
#
# make            static arm64 lkvm (cross-compiled on x86_64) and test guests
# make lkvm-asan  build/lkvm-asan: lkvm under ASan and UBSan, dynamically
#                 linked (the lab runs it with tests/lab/run --asan)
# make unit       unit tests of the pure core, natively (Check)
# make unit-san   the same under AddressSanitizer and UBSan
# make check      everything CI runs: set-up, build, unit tests, the lab
# make check-full the same with the lab scenarios make check leaves out
#                 ("# lab-suite: full"), then the whole lab again with lkvm
#                 under ASan and UBSan
# make demo       boot a Linux guest with lkvm under real KVM (in the lab)
# make bench      the benchmarks: figures from one lab run (bench/run)
# make hot-symbols  profile lkvm in the lab, and write the link order that
#                 keeps its hot code together (scripts/hot-symbols.txt)
# make install    build/lkvm and man/lkvm.1 under PREFIX (default /usr/local)
# make format     clang-format the C sources
# make fuzz       the libFuzzer harnesses, FUZZ_SECONDS (60) each
#                 (tests/fuzz/README.md; make fuzz-smoke: 5 s each)

BUILD ?= build
HOST_ARCH := $(shell uname -m)
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

ifeq ($(HOST_ARCH),aarch64)
CROSS_COMPILE ?=
SYSROOT :=
else
CROSS_COMPILE ?= aarch64-linux-gnu-
SYSROOT := .cache/sysroot
endif

WARN := -Wall -Wextra -Werror
COMMON_CFLAGS := -std=gnu11 -D_GNU_SOURCE -O2 -g $(WARN)
ARM64_CC := $(CROSS_COMPILE)gcc
ARM64_CFLAGS := $(COMMON_CFLAGS) -DLKVM_VERSION=\"$(VERSION)\"
# --wrap=fopen: libslirp's read of /etc/resolv.conf under the sandbox
# (devices/net-slirp.c).
ARM64_LDFLAGS := -static -pthread -Wl,--wrap=fopen
ifneq ($(SYSROOT),)
ARM64_CFLAGS += -I$(SYSROOT)/usr/include
ARM64_LDFLAGS += -L$(SYSROOT)/usr/lib/aarch64-linux-gnu
SYSROOT_STAMP := $(SYSROOT)/.stamp-net
endif
# Each function and object in its own section, for the linker to order.
ARM64_CFLAGS += -ffunction-sections -fdata-sections
# lkvm is linked by ld.lld (Debian's lld), which places the code and data
# that typical runs touch side by side, in the order scripts/hot-symbols.txt
# lists (scripts/hot-symbols makes it from a lab profile): the kernel maps
# an executable's text 64 KiB around every page a process faults on, so
# the hot code of glibc, glib and lkvm spread over 2 MB kept most of it
# resident in every lkvm. gcc finds ld.lld in the folder -B names.
LLD_DIR := $(BUILD)/lld
HOT_SYMBOLS := scripts/hot-symbols.txt
LKVM_LDFLAGS := -B$(LLD_DIR)/ -fuse-ld=lld \
	-Wl,--symbol-ordering-file=$(HOT_SYMBOLS) -Wl,--no-warn-symbol-ordering
# -n mode=user: libslirp, and the glib it needs (static: Debian's
# libglib2.0-dev and libpcre2-dev ship .a files; libslirp-dev does not,
# scripts/slirp-static builds it from Debian's source).
ARM64_LIBS := -lfdt -luring -lseccomp -lcap-ng -lslirp -lglib-2.0 -lpcre2-8 -lm

# The sources: the pure core and the edge (one list, for the fuzz build too).
include sources.mk
LKVM_SRCS := $(CORE_SRCS) $(EDGE_SRCS)
LKVM_OBJS := $(LKVM_SRCS:%.c=$(BUILD)/arm64/%.o)
# lkvm under ASan and UBSan (tests/lab/run --asan). The sanitizer runtimes
# exist only as shared libraries, so this one links dynamically against the
# cross glibc, libasan and libubsan; the sysroot's four libraries, which L1
# does not have, stay static.
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
ASAN_OBJS := $(LKVM_SRCS:%.c=$(BUILD)/arm64-asan/%.o)
ASAN_LDFLAGS := $(filter-out -static,$(ARM64_LDFLAGS))
ASAN_LIBS := -Wl,-Bstatic $(ARM64_LIBS) -Wl,-Bdynamic

UNIT_SRCS := $(wildcard tests/unit/test-*.c) tests/unit/main.c
HOST_CC ?= gcc
HOST_CFLAGS := $(COMMON_CFLAGS) $(shell pkg-config --cflags check 2>/dev/null)
HOST_LIBS := $(shell pkg-config --libs check 2>/dev/null) -lfdt
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

.PHONY: all lkvm lkvm-asan hot-symbols lab-tools unit unit-san check check-full demo bench format format-check \
	clean deps install
all: lkvm guests lab-tools

lkvm: $(BUILD)/lkvm

$(SYSROOT)/.stamp-sandbox:
	scripts/debian-fetch $(SYSROOT) bookworm libfdt-dev:arm64 libfdt1:arm64 \
		liburing-dev:arm64 liburing2:arm64 libseccomp-dev:arm64 \
		libseccomp2:arm64 libcap-ng-dev:arm64 libcap-ng0:arm64
	touch $@

$(SYSROOT)/.stamp-net: $(SYSROOT)/.stamp-sandbox scripts/slirp-static
	scripts/debian-fetch $(SYSROOT) bookworm libslirp-dev:arm64 \
		libglib2.0-dev:arm64 libpcre2-dev:arm64
	scripts/slirp-static $(SYSROOT)
	touch $@

$(BUILD)/arm64/%.o: %.c $(SYSROOT_STAMP)
	@mkdir -p $(dir $@)
	$(ARM64_CC) $(ARM64_CFLAGS) -MMD -MP -c $< -o $@

$(LLD_DIR)/ld.lld:
	@mkdir -p $(dir $@)
	@command -v ld.lld >/dev/null || { echo "no ld.lld: apt-get install lld (scripts/setup)" >&2; exit 1; }
	ln -sf "$$(command -v ld.lld)" $@

$(BUILD)/lkvm: $(LKVM_OBJS) $(HOT_SYMBOLS) | $(LLD_DIR)/ld.lld
	$(ARM64_CC) $(ARM64_LDFLAGS) $(LKVM_LDFLAGS) -o $@ $(LKVM_OBJS) $(ARM64_LIBS)

# build/lkvm-profile: lkvm with each section of code and read-only data on
# pages of its own, and make hot-symbols: the lab's 99-hot-pages profile of
# it, turned into the link order of build/lkvm (scripts/hot-symbols.txt).
$(BUILD)/lkvm-profile: $(LKVM_OBJS) scripts/profile-link | $(LLD_DIR)/ld.lld
	scripts/profile-link $@ $(ARM64_CC) $(ARM64_LDFLAGS) -B$(LLD_DIR)/ \
		-fuse-ld=lld $(LKVM_OBJS) $(ARM64_LIBS)

hot-symbols: $(BUILD)/lkvm-profile
	LAB_SHARDS=1 LAB_LKVM=$(BUILD)/lkvm-profile tests/lab/run hot-pages \
		>$(BUILD)/hot-pages.out 2>&1 || { cat $(BUILD)/hot-pages.out; exit 1; }
	scripts/hot-symbols $(BUILD)/lkvm-profile \
		$$(sed -n 's/^lab: \[ *[0-9]*s\] log: //p' $(BUILD)/hot-pages.out | tail -n 1) \
		>$(HOT_SYMBOLS).new
	mv $(HOT_SYMBOLS).new $(HOT_SYMBOLS)

lkvm-asan: $(BUILD)/lkvm-asan

$(BUILD)/arm64-asan/%.o: %.c $(SYSROOT_STAMP)
	@mkdir -p $(dir $@)
	$(ARM64_CC) $(ARM64_CFLAGS) $(ASAN_FLAGS) -MMD -MP -c $< -o $@

$(BUILD)/lkvm-asan: $(ASAN_OBJS)
	$(ARM64_CC) $(ASAN_FLAGS) $(ASAN_LDFLAGS) -o $@ $^ $(ASAN_LIBS)

# Tools the lab runs in L1 beside lkvm (hostile control-socket peers).
LAB_TOOLS := $(BUILD)/lab-tools/ctl-junk $(BUILD)/lab-tools/sig-latency \
	$(BUILD)/lab-tools/pty-run $(BUILD)/lab-tools/blkbench \
	$(BUILD)/lab-tools/vsock-echo $(BUILD)/lab-tools/vmm-time \
	$(BUILD)/lab-tools/dns-answer
lab-tools: $(LAB_TOOLS)

$(BUILD)/lab-tools/%: tests/lab/tools/%.c $(SYSROOT_STAMP)
	@mkdir -p $(dir $@)
	$(ARM64_CC) $(ARM64_CFLAGS) -static -pthread -o $@ $<

# Unit tests: the pure core (and the edge files that need no KVM, see
# sources.mk) compiled natively, plain and with sanitizers.
# One object a source (make -j compiles them side by side).
UNIT_LKVM_SRCS := $(CORE_SRCS) $(UNIT_EDGE_SRCS)
UNIT_OBJS := $(UNIT_SRCS:%.c=$(BUILD)/host/obj/%.o) \
	$(UNIT_LKVM_SRCS:%.c=$(BUILD)/host/obj/%.o)
UNIT_SAN_OBJS := $(UNIT_OBJS:$(BUILD)/host/obj/%=$(BUILD)/host/san/%)

$(BUILD)/host/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/host/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) -MMD -MP -c $< -o $@

$(BUILD)/host/unit-tests: $(UNIT_OBJS)
	$(HOST_CC) -o $@ $^ $(HOST_LIBS)

$(BUILD)/host/unit-tests-san: $(UNIT_SAN_OBJS)
	$(HOST_CC) $(SAN_FLAGS) -o $@ $^ $(HOST_LIBS)

-include $(UNIT_OBJS:.o=.d) $(UNIT_SAN_OBJS:.o=.d)

unit: $(BUILD)/host/unit-tests
	$<

# Two runs side by side, half the suites each (tests/unit/main.c's
# UNIT_SHARD); each prints its own summary line.
UNIT_SAN_SHARDS ?= 2
unit-san: $(BUILD)/host/unit-tests-san
	@fail=0; pids=; \
	for i in $$(seq 0 $$(($(UNIT_SAN_SHARDS) - 1))); do \
		UNIT_SHARD=$$i/$(UNIT_SAN_SHARDS) \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
			$< >$(BUILD)/host/unit-san-$$i.log 2>&1 & pids="$$pids $$!"; \
	done; \
	for p in $$pids; do wait $$p || fail=1; done; \
	for i in $$(seq 0 $$(($(UNIT_SAN_SHARDS) - 1))); do \
		cat $(BUILD)/host/unit-san-$$i.log; \
	done; \
	exit $$fail

deps:
	scripts/setup

check:
	scripts/test

check-full:
	scripts/test --full

demo: deps all
	tests/lab/run --demo

bench: deps all
	bench/run

include tests/fuzz/fuzz.mk

FORMAT_SRCS = $(LKVM_SRCS) $(wildcard */*.h tests/unit/*.[ch]) \
	$(wildcard guest-images/baremetal/*.[ch] guest-images/baremetal/tests/*.[ch]) \
	$(wildcard tests/lab/tools/*.c guest-images/linux/*/*.c tests/fuzz/*.c)

format:
	clang-format -i $(FORMAT_SRCS)

format-check:
	clang-format --dry-run -Werror $(FORMAT_SRCS)

PREFIX ?= /usr/local
DESTDIR ?=

install: $(BUILD)/lkvm
	install -D -m 755 $(BUILD)/lkvm $(DESTDIR)$(PREFIX)/bin/lkvm
	install -D -m 644 man/lkvm.1 $(DESTDIR)$(PREFIX)/share/man/man1/lkvm.1

clean:
	rm -rf $(BUILD)

-include guest-images/baremetal/baremetal.mk
-include $(LKVM_OBJS:.o=.d)
-include $(ASAN_OBJS:.o=.d)
