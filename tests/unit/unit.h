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
Suite *virtio_net_suite(void);
Suite *virtio_vsock_suite(void);
Suite *virtio_9p_suite(void);
Suite *kick_suite(void);
Suite *fw_suite(void);
Suite *dev_host_suite(void);
Suite *regs_dump_suite(void);
Suite *p9_proto_suite(void);
Suite *p9_fs_suite(void);
Suite *vhost_user_suite(void);

/*
 * ret = expr, with what expr writes to stderr (lkvm's log) caught in the
 * char array buf, NUL-terminated, instead of shown. The test includes
 * <stdio.h> and <unistd.h> (not here: some tests name things as they do).
 */
#define UNIT_CAPTURE_STDERR(buf, ret, expr)                    \
	do {                                                   \
		FILE *__tmp = tmpfile();                       \
		int __saved = dup(STDERR_FILENO);              \
		size_t __n;                                    \
                                                               \
		ck_assert(__tmp != NULL && __saved >= 0);      \
		fflush(stderr);                                \
		dup2(fileno(__tmp), STDERR_FILENO);            \
		(ret) = (expr);                                \
		fflush(stderr);                                \
		dup2(__saved, STDERR_FILENO);                  \
		close(__saved);                                \
		rewind(__tmp);                                 \
		__n = fread((buf), 1, sizeof(buf) - 1, __tmp); \
		(buf)[__n] = 0;                                \
		fclose(__tmp);                                 \
	} while (0)

/* Number of elements of an array. */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
