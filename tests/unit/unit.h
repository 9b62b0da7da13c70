/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The unit test suites of lkvm's pure core: one Check suite per module,
 * each in tests/unit/test-<module>.c, all run by tests/unit/main.c.
 */
#ifndef LKVM_TESTS_UNIT_H
#define LKVM_TESTS_UNIT_H

#include <check.h>

Suite *image_suite(void);
Suite *boot_suite(void);
Suite *fdt_suite(void);
Suite *options_suite(void);
Suite *plan_suite(void);
Suite *uart8250_suite(void);
Suite *mmio_suite(void);
Suite *probe_suite(void);
Suite *sdei_state_suite(void);
Suite *sdei_calls_suite(void);
Suite *sdei_dispatch_suite(void);
Suite *psci_suite(void);
Suite *control_suite(void);
Suite *console_suite(void);
Suite *virtq_suite(void);
Suite *virtio_mmio_suite(void);
Suite *virtio_blk_suite(void);

/* Number of elements of an array. */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
