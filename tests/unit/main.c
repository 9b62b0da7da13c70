// SPDX-License-Identifier: GPL-2.0
/*
 * Runs every suite of the pure core. Exits non-zero when a check fails, so
 * that `make unit` and `make unit-san` fail too.
 *
 * UNIT_SHARD=I/N runs only the suites whose index is I modulo N, so that
 * N runs side by side cover them all once: make unit-san does that, since
 * LeakSanitizer's check at the end of each forked test is most of its
 * time.
 */
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

static Suite *(*const suites[])(void) = {
	image_suite,	    boot_suite,		 fdt_suite,
	options_suite,	    plan_suite,		 uart8250_suite,
	mmio_suite,	    probe_suite,	 sdei_state_suite,
	sdei_calls_suite,   sdei_dispatch_suite, psci_suite,
	control_suite,	    console_suite,	 virtq_suite,
	virtio_mmio_suite,  virtio_blk_suite,	 virtio_net_suite,
	virtio_vsock_suite, virtio_9p_suite,	 kick_suite,
	fw_suite,	    dev_host_suite,	 regs_dump_suite,
	p9_proto_suite,	    p9_fs_suite,	 vhost_user_suite,
};

/* UNIT_SHARD's I and N; 0 and 1 without it. -1 if it is malformed. */
static int shard_of(unsigned int *i, unsigned int *n)
{
	const char *s = getenv("UNIT_SHARD");

	*i = 0;
	*n = 1;
	if (!s)
		return 0;
	if (sscanf(s, "%u/%u", i, n) != 2 || !*n || *i >= *n)
		return -1;
	return 0;
}

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	unsigned int i, n;
	int failed;

	if (shard_of(&i, &n)) {
		fprintf(stderr, "UNIT_SHARD: I/N with I < N wanted\n");
		return EXIT_FAILURE;
	}
	for (unsigned int k = 0; k < sizeof(suites) / sizeof(*suites); k++)
		if (k % n == i)
			srunner_add_suite(sr, suites[k]());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
