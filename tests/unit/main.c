// SPDX-License-Identifier: GPL-2.0
/*
 * Runs every suite of the pure core. Exits non-zero when a check fails, so
 * that `make unit` and `make unit-san` fail too.
 */
#include <stdlib.h>

#include "unit.h"

int main(void)
{
	SRunner *sr = srunner_create(image_suite());
	int failed;

	srunner_add_suite(sr, boot_suite());
	srunner_add_suite(sr, fdt_suite());
	srunner_add_suite(sr, options_suite());
	srunner_add_suite(sr, plan_suite());
	srunner_add_suite(sr, uart8250_suite());
	srunner_add_suite(sr, mmio_suite());
	srunner_add_suite(sr, probe_suite());
	srunner_add_suite(sr, sdei_state_suite());
	srunner_add_suite(sr, sdei_calls_suite());
	srunner_add_suite(sr, sdei_dispatch_suite());
	srunner_add_suite(sr, psci_suite());
	srunner_add_suite(sr, control_suite());
	srunner_add_suite(sr, console_suite());
	srunner_add_suite(sr, virtq_suite());
	srunner_add_suite(sr, virtio_mmio_suite());
	srunner_add_suite(sr, virtio_blk_suite());
	srunner_add_suite(sr, virtio_net_suite());
	srunner_add_suite(sr, virtio_vsock_suite());
	srunner_add_suite(sr, virtio_9p_suite());
	srunner_add_suite(sr, kick_suite());
	srunner_add_suite(sr, fw_suite());
	srunner_add_suite(sr, dev_host_suite());
	srunner_add_suite(sr, regs_dump_suite());
	srunner_add_suite(sr, p9_proto_suite());
	srunner_add_suite(sr, p9_fs_suite());
	srunner_add_suite(sr, vhost_user_suite());

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
