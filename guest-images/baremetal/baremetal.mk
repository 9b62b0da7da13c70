# SPDX-License-Identifier: GPL-2.0
#
# The bare-metal test guests. Included by the top-level Makefile, which sets
# CROSS_COMPILE (aarch64-linux-gnu- on x86_64, empty on arm64) and BUILD;
# also works alone:
#
#   make -f guest-images/baremetal/baremetal.mk CROSS_COMPILE=aarch64-linux-gnu- BUILD=build guests
#
# For every tests/NAME.c: $(BUILD)/guests/NAME.img, an arm64 Image. For
# every name in BM_RAW_TESTS also $(BUILD)/guests/NAME-raw.bin, the same
# program without an Image header, for lkvm's raw-binary path. Everything
# else goes under $(BUILD)/guests/obj/. Variables and targets are prefixed
# (BM_, guests) so as not to collide with the including Makefile's.

BM_MK := $(lastword $(MAKEFILE_LIST))
BM_DIR := $(patsubst %/,%,$(dir $(BM_MK)))
BM_TOP := $(abspath $(BM_DIR)/../..)
BM_STANDALONE := $(if $(filter 1,$(words $(MAKEFILE_LIST))),y)

# Alone: pick the defaults the top-level Makefile would.
ifeq ($(origin CROSS_COMPILE),undefined)
CROSS_COMPILE := $(if $(filter aarch64 arm64,$(shell uname -m)),,aarch64-linux-gnu-)
endif
BUILD ?= build

BM_OUT := $(BUILD)/guests
BM_OBJ := $(BM_OUT)/obj

BM_CC := $(CROSS_COMPILE)gcc
BM_OBJCOPY := $(CROSS_COMPILE)objcopy

# -mstrict-align: with the MMU off RAM is Device memory, unaligned accesses
# fault. -mno-outline-atomics: the outline helpers need libc's HWCAP probe.
# -fno-tree-loop-distribute-patterns: string.c's loops must not become calls
# to themselves. -fno-pie: the image runs where it is linked.
BM_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror \
	-ffreestanding -fno-builtin -fno-common -fno-pie \
	-fno-stack-protector -fno-tree-loop-distribute-patterns \
	-fno-asynchronous-unwind-tables -fno-unwind-tables \
	-march=armv8-a -mstrict-align -mno-outline-atomics \
	-mbranch-protection=none -mcmodel=small \
	-I$(BM_DIR) -I$(BM_TOP) -MMD -MP

# The runtime uses no FP/SIMD register, so that its exception path works
# even when a test has disabled FP on purpose. Tests may use FP.
BM_RT_CFLAGS := $(BM_CFLAGS) -mgeneral-regs-only

BM_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,$(BM_DIR)/link.ld \
	-Wl,--build-id=none -Wl,-z,max-page-size=4096 \
	-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments

BM_RT_C_OBJS := $(patsubst %,$(BM_OBJ)/%.o,runtime console exceptions string)
BM_RT_S_OBJS := $(BM_OBJ)/vectors.o
BM_RT_OBJS := $(BM_RT_C_OBJS) $(BM_RT_S_OBJS)

# One image per tests/*.c, nothing else: a header in tests/ (one test built
# as several images, e.g. el2-common.h) is only included, and -MMD makes
# its includers depend on it.
BM_TESTS := $(sort $(basename $(notdir $(wildcard $(BM_DIR)/tests/*.c))))
BM_RAW_TESTS := smoke
BM_TEST_OBJS := $(patsubst %,$(BM_OBJ)/tests/%.o,$(BM_TESTS))

BM_IMGS := $(patsubst %,$(BM_OUT)/%.img,$(BM_TESTS))
BM_RAWS := $(patsubst %,$(BM_OUT)/%-raw.bin,$(BM_RAW_TESTS))
BM_ELFS := $(patsubst %,$(BM_OBJ)/%.elf,$(BM_TESTS))
BM_RAW_ELFS := $(patsubst %,$(BM_OBJ)/%-raw.elf,$(BM_RAW_TESTS))

BM_SAVED_DEFAULT_GOAL := $(.DEFAULT_GOAL)

.PHONY: guests clean-guests
guests: $(BM_IMGS) $(BM_RAWS)

clean-guests:
	rm -rf $(BM_OUT)

$(BM_RT_C_OBJS): $(BM_OBJ)/%.o: $(BM_DIR)/%.c $(BM_MK)
	@mkdir -p $(@D)
	$(BM_CC) $(BM_RT_CFLAGS) -c -o $@ $<

$(BM_OBJ)/start.o $(BM_RT_S_OBJS): $(BM_OBJ)/%.o: $(BM_DIR)/%.S $(BM_MK)
	@mkdir -p $(@D)
	$(BM_CC) $(BM_CFLAGS) -c -o $@ $<

# The raw variant's entry: the same code, the header's fields zeroed.
$(BM_OBJ)/start-raw.o: $(BM_DIR)/start.S $(BM_MK)
	@mkdir -p $(@D)
	$(BM_CC) $(BM_CFLAGS) -DRT_RAW_BINARY -c -o $@ $<

$(BM_TEST_OBJS): $(BM_OBJ)/tests/%.o: $(BM_DIR)/tests/%.c $(BM_MK)
	@mkdir -p $(@D)
	$(BM_CC) $(BM_CFLAGS) -c -o $@ $<

$(BM_ELFS): $(BM_OBJ)/%.elf: $(BM_OBJ)/start.o $(BM_RT_OBJS) \
		$(BM_OBJ)/tests/%.o $(BM_DIR)/link.ld
	$(BM_CC) $(BM_LDFLAGS) -o $@ $(filter %.o,$^) -lgcc

$(BM_RAW_ELFS): $(BM_OBJ)/%-raw.elf: $(BM_OBJ)/start-raw.o $(BM_RT_OBJS) \
		$(BM_OBJ)/tests/%.o $(BM_DIR)/link.ld
	$(BM_CC) $(BM_LDFLAGS) -o $@ $(filter %.o,$^) -lgcc

$(BM_IMGS): $(BM_OUT)/%.img: $(BM_OBJ)/%.elf
	$(BM_OBJCOPY) -O binary $< $@

$(BM_RAWS): $(BM_OUT)/%-raw.bin: $(BM_OBJ)/%-raw.elf
	$(BM_OBJCOPY) -O binary $< $@

-include $(wildcard $(BM_OBJ)/*.d $(BM_OBJ)/tests/*.d)

# Including this file must not change the including Makefile's default
# goal; alone, the default is guests.
ifeq ($(BM_STANDALONE),y)
.DEFAULT_GOAL := guests
else
.DEFAULT_GOAL := $(BM_SAVED_DEFAULT_GOAL)
endif
