# SPDX-License-Identifier: GPL-2.0
#
# libFuzzer harnesses of the pure core (see tests/fuzz/README.md).
#
#   make fuzz-build   every tests/fuzz/fuzz-*.c into $(BUILD)/fuzz/NAME
#   make fuzz         each harness for FUZZ_SECONDS (60), one after another;
#                     FUZZ_RUNS=N stops each after N executions instead
#                     (FUZZ_SECONDS stays the bound on its time)
#   make fuzz-smoke   the same for FUZZ_SMOKE_SECONDS (5) each, for CI
#   make fuzz-clean   remove $(BUILD)/fuzz (reproducers included)
#
# Run from the top of the tree. The top-level Makefile includes this file
# and gives BUILD and CORE_SRCS (from sources.mk); alone (make -f
# tests/fuzz/fuzz.mk ...) it reads sources.mk itself and builds in
# build/. FUZZ_NAMES="fuzz-virtq fuzz-image" limits the
# harnesses built and run. Each run works on a scratch copy of the seed
# corpus, $(BUILD)/fuzz/corpus-NAME, so the repository's corpus does not
# grow; a crash fails the target and leaves $(BUILD)/fuzz/NAME-crash-*
# (or -leak-, -timeout-, -oom-), to replay with: $(BUILD)/fuzz/NAME FILE.
# A harness that ran no input at all (a broken build or seed corpus, a
# harness that returns before fuzzing) fails as well: it proved nothing.

FUZZ_STANDALONE := $(if $(filter-out $(lastword $(MAKEFILE_LIST)),$(MAKEFILE_LIST)),,y)
FUZZ_SAVED_GOAL := $(.DEFAULT_GOAL)

BUILD ?= build

# The top-level Makefile's source list, for use without it.
ifndef CORE_SRCS
include sources.mk
endif

FUZZ_CC ?= clang
FUZZ_DIR := tests/fuzz
FUZZ_OUT := $(BUILD)/fuzz
FUZZ_NAMES ?= $(patsubst $(FUZZ_DIR)/%.c,%,$(wildcard $(FUZZ_DIR)/fuzz-*.c))
FUZZ_BINS := $(FUZZ_NAMES:%=$(FUZZ_OUT)/%)
FUZZ_CORE_OBJS := $(CORE_SRCS:%.c=$(FUZZ_OUT)/obj/%.o)
# Edge sources a harness links besides the core (from sources.mk's
# UNIT_EDGE_SRCS: no KVM, only files): FUZZ_EDGE_SRCS_NAME.
FUZZ_EDGE_SRCS_fuzz-p9 := devices/p9-fs.c
fuzz_edge_objs = $(FUZZ_EDGE_SRCS_$(1):%.c=$(FUZZ_OUT)/obj/%.o)
FUZZ_EDGE_OBJS := $(sort $(foreach n,$(FUZZ_NAMES),$(call fuzz_edge_objs,$(n))))

FUZZ_CFLAGS := -std=gnu11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror \
	-fno-omit-frame-pointer
FUZZ_SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_DEFS :=
FUZZ_LIBS := -lfdt
# Per-source extra flags, should a core source need one under clang, e.g.
# FUZZ_CFLAGS_vmm/log.c := -Wno-something (none is needed with clang 14).

FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 5
# -max_len per harness; FUZZ_MAX_LEN for the others.
FUZZ_MAX_LEN ?= 4096
FUZZ_MAX_LEN_fuzz-virtq ?= 65536
FUZZ_MAX_LEN_fuzz-virtio-mmio ?= 65536
FUZZ_MAX_LEN_fuzz-virtio-blk ?= 65536
FUZZ_MAX_LEN_fuzz-virtio-net ?= 65536
FUZZ_FLAGS := -workers=1 -jobs=1 -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 $(if $(FUZZ_RUNS),-runs=$(FUZZ_RUNS))
FUZZ_ENV := ASAN_OPTIONS=detect_leaks=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

.PHONY: fuzz fuzz-build fuzz-smoke fuzz-clean fuzz-always
fuzz-always:

fuzz-build: $(FUZZ_BINS)

# The core with coverage instrumentation but without libFuzzer's main.
$(FUZZ_OUT)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CFLAGS_$<) $(FUZZ_SANFLAGS) \
		-fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

# Rewritten only when FUZZ_DEFS changes, so that the harnesses are rebuilt.
$(FUZZ_OUT)/defs: fuzz-always
	@mkdir -p $(dir $@)
	@echo '$(FUZZ_DEFS)' | cmp -s - $@ || echo '$(FUZZ_DEFS)' >$@

$(foreach n,$(FUZZ_NAMES),$(eval $(FUZZ_OUT)/$(n): $(call fuzz_edge_objs,$(n))))

$(FUZZ_BINS): $(FUZZ_OUT)/%: $(FUZZ_DIR)/%.c $(FUZZ_DIR)/fuzz.h $(FUZZ_CORE_OBJS) $(FUZZ_OUT)/defs
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_DEFS) $(FUZZ_SANFLAGS) -fsanitize=fuzzer \
		-MMD -MP -MF $@.d -MT $@ -o $@ $< $(FUZZ_CORE_OBJS) \
		$(call fuzz_edge_objs,$*) $(FUZZ_LIBS)

# name:max_len for each harness.
FUZZ_PLAN = $(foreach n,$(FUZZ_NAMES),$(n):$(or $(FUZZ_MAX_LEN_$(n)),$(FUZZ_MAX_LEN)))

# $(call fuzz_run_all,SECONDS): one harness at a time; fails if any crashed.
# It runs in $(FUZZ_OUT): with -jobs, libFuzzer's job writes fuzz-0.log in
# the current folder (the parent copies it into NAME.log).
fuzz_run_all = fail=0; \
	for e in $(FUZZ_PLAN); do \
		n=$${e%%:*}; len=$${e\#*:}; \
		dir=$(FUZZ_OUT)/corpus-$$n; log=$(FUZZ_OUT)/$$n.log; \
		rm -rf "$$dir"; mkdir -p "$$dir"; \
		if [ -d $(FUZZ_DIR)/corpus/$$n ]; then \
			cp $(FUZZ_DIR)/corpus/$$n/* "$$dir"/ 2>/dev/null; \
		fi; \
		before=$$(ls $(FUZZ_OUT) | grep -Ec "^$$n-(crash|leak|timeout|oom)-"); \
		start=$$(date +%s); \
		(cd $(FUZZ_OUT) && $(FUZZ_ENV) ./$$n $(FUZZ_FLAGS) \
			-max_len=$$len -max_total_time=$(1) \
			-artifact_prefix=./$$n- corpus-$$n >$$n.log 2>&1); \
		rc=$$?; \
		rm -f $(FUZZ_OUT)/fuzz-0.log; \
		secs=$$(($$(date +%s) - start)); \
		execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' "$$log" | tail -n 1); \
		after=$$(ls $(FUZZ_OUT) | grep -Ec "^$$n-(crash|leak|timeout|oom)-"); \
		crashes=$$((after - before)); \
		if [ $$rc -ne 0 ] && [ $$crashes -eq 0 ]; then crashes=1; fi; \
		echo "fuzz: $$n: $${execs:-0} executions in $$secs s, $$crashes crashes"; \
		if [ "$${execs:-0}" -eq 0 ] && [ $$rc -eq 0 ]; then \
			fail=1; \
			echo "fuzz: $$n: FAILED: it ran no input (log $$log)"; \
		fi; \
		if [ $$rc -ne 0 ]; then \
			fail=1; \
			echo "fuzz: $$n: FAILED (exit $$rc); log $$log, reproducer:"; \
			ls -t $(FUZZ_OUT) | grep -E "^$$n-(crash|leak|timeout|oom)-" | \
				head -n 1 | sed 's|^|  $(FUZZ_OUT)/|'; \
			grep -E '^(==[0-9]+==ERROR|SUMMARY|.*check failed|.*runtime error)' "$$log" | head -n 5; \
		fi; \
	done; \
	exit $$fail

fuzz: fuzz-build
	@$(call fuzz_run_all,$(FUZZ_SECONDS))

fuzz-smoke: fuzz-build
	@$(call fuzz_run_all,$(FUZZ_SMOKE_SECONDS))

fuzz-clean:
	rm -rf $(FUZZ_OUT)

-include $(FUZZ_CORE_OBJS:.o=.d) $(FUZZ_EDGE_OBJS:.o=.d) $(FUZZ_BINS:=.d)

# Alone, fuzz-build is the default goal; included, the includer's stays.
ifeq ($(FUZZ_STANDALONE),y)
.DEFAULT_GOAL := fuzz-build
else
.DEFAULT_GOAL := $(FUZZ_SAVED_GOAL)
endif
