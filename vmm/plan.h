/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The plan of `lkvm run`: what the user asked for, checked against the
 * files it names and opened, and guest RAM laid out, before any VM exists.
 */
#ifndef LKVM_PLAN_H
#define LKVM_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "options.h"
#include "../arm64/boot.h"
#include "../arm64/image.h"

struct p9_server;

/* What the user asked for, checked before any VM exists. */
struct vm_plan {
	int kernel_fd;
	int initrd_fd; /* -1: none */
	struct kernel_info kernel;
	struct boot_layout layout;
	uint64_t ram_size;
	char name[OPT_NAME_MAX + 1];
	char *bootargs;
	int console_log_fd; /* --console-log, or -1 */
	int dump_dtb_fd; /* --dump-dtb, or -1 */
	bool switch_user; /* --user: become uid/gid in the sandbox */
	unsigned int uid, gid;
	int disk_fd[OPT_MAX_DISKS]; /* opened and checked, -1: none */
	uint64_t disk_size[OPT_MAX_DISKS];
	bool disk_discard[OPT_MAX_DISKS]; /* the file can punch holes */
	/* ,direct: the image opened again with O_DIRECT, else -1 ... */
	int disk_direct_fd[OPT_MAX_DISKS];
	/* ... and the alignments its buffers and offsets need. */
	uint32_t disk_dio_mem_align[OPT_MAX_DISKS];
	uint32_t disk_dio_offset_align[OPT_MAX_DISKS];
	/*
	 * --9p: each share's server, its folder opened (p9-fs.h); heap
	 * objects that outlive each VM of --reboot=restart.
	 */
	struct p9_server *p9[OPT_MAX_9P];
	double timeout_at; /* CLOCK_MONOTONIC seconds; 0: no --timeout */
	/*
	 * --hugetlbfs: guest RAM's file (unlinked); --virtio-fs: a memfd;
	 * or -1 for anonymous memory.
	 */
	int ram_fd;
};

/*
 * Checks the options and files and plans guest RAM, without touching KVM.
 * Returns 0, or -1 after logging one line naming the problem.
 */
int vm_plan(struct vm_plan *plan, const struct run_opts *opts);

/* Where vm_plan looks --user up. */
#define PLAN_PASSWD "/etc/passwd"

/*
 * --user NAME|UID[:GID] into plan's uid, gid and switch_user: a name from
 * the passwd file, or numbers (a UID's group from the passwd file, else
 * the same number). Only lkvm started as root (root) can switch, and never
 * to root. Returns 0, or -1 after logging one line. Apart from vm_plan so
 * that tests can give it their own passwd file and either answer to root.
 */
int plan_user(struct vm_plan *plan, const char *user, bool root,
	      const char *passwd);

#endif
