// SPDX-License-Identifier: GPL-2.0
/*
 * The plan of `lkvm run`: the options checked against the files they name
 * (kernel, initrd, disks, the --user entry), the files opened, and guest
 * RAM laid out, before any VM exists. A problem is the user's: one line
 * naming the option and the file, and -1. No KVM, no thread: the unit
 * tests (tests/unit/test-plan.c) run it on files of their own.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/fs.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "log.h"
#include "plan.h"
#include "../arm64/layout.h"
#include "../devices/p9-fs.h"
#include "../devices/virtio-blk.h"

/* kvmtool's default console parameters; --nodefaults drops them. */
#define DEFAULT_BOOTARGS "console=ttyS0"
#define DEFAULT_BOOTARGS_VIRTIO "console=hvc0"
#define DEFAULT_BOOTARGS_ROOT "root=/dev/vda rw"

static int open_input(const char *what, const char *path, uint64_t *size)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		pr_err("%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		pr_err("%s %s: not a regular file", what, path);
		close(fd);
		return -1;
	}
	*size = st.st_size;
	return fd;
}

static int plan_kernel(struct vm_plan *plan, const char *path, bool aarch32)
{
	uint8_t head[IMAGE_HEADER_SIZE];
	uint64_t size;
	const char *why;
	ssize_t n;

	plan->kernel_fd = open_input("--kernel", path, &size);
	if (plan->kernel_fd < 0)
		return -1;
	/* --aarch32: a zImage or raw binary, kvmtool's way: no header. */
	if (aarch32) {
		if (!size) {
			pr_err("--kernel %s: the file is empty", path);
			return -1;
		}
		plan->kernel = (struct kernel_info){ .kind = KERNEL_AARCH32,
						     .file_size = size,
						     .image_size = size };
		return 0;
	}
	n = pread(plan->kernel_fd, head, sizeof(head), 0);
	if (n < 0) {
		pr_err("--kernel %s: %s", path, strerror(errno));
		return -1;
	}
	if (image_parse(head, n, size, &plan->kernel, &why)) {
		pr_err("--kernel %s: %s", path, why);
		return -1;
	}
	return 0;
}

/*
 * kvmtool's defaults, then -p: the console, and the first disk as the root
 * file system unless -p names a root (kvmtool adds root=/dev/vda rw also
 * without a disk; lkvm only with one, so that an initrd-only boot without
 * /init still fails at once instead of waiting for a missing vda).
 */
static char *plan_bootargs(const struct run_opts *opts)
{
	/* kvmtool gives firmware -p as it is, and no bootargs without it. */
	if (opts->firmware)
		return opts->params ? strdup(opts->params) : NULL;
	const char *console = opts->console == CONSOLE_VIRTIO ?
				      DEFAULT_BOOTARGS_VIRTIO :
				      DEFAULT_BOOTARGS;
	const char *params = opts->params ? opts->params : "";
	bool root = opts->nr_disks && !strstr(params, "root=");
	char *s;
	int n;

	if (opts->nodefaults)
		n = asprintf(&s, "%s", params);
	else
		n = asprintf(&s, "%s%s%s%s", console,
			     root ? " " DEFAULT_BOOTARGS_ROOT : "",
			     *params ? " " : "", params);
	return n < 0 ? NULL : s;
}

/* The size of a disk image: a regular file's, or a block device's. */
static int disk_size(int fd, const char *path, uint64_t *size)
{
	struct stat st;

	if (fstat(fd, &st)) {
		pr_err("--disk %s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode)) {
		*size = st.st_size;
		return 0;
	}
	if (S_ISBLK(st.st_mode) && !ioctl(fd, BLKGETSIZE64, size))
		return 0;
	pr_err("--disk %s: not a regular file or block device", path);
	return -1;
}

/*
 * Can the file punch holes (for DISCARD)? Punching past its end changes
 * nothing, and fails with EOPNOTSUPP where the file system cannot.
 */
static bool disk_can_discard(int fd, uint64_t size)
{
	return !fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, size,
			  VIRTIO_BLK_SECTOR);
}

/* O_DIRECT's alignments tried, smallest first. */
static const uint32_t dio_aligns[] = { VIRTIO_BLK_SECTOR, 4096 };
#define DIO_PROBE_MAX 4096
#define NR_DIO_ALIGNS (sizeof(dio_aligns) / sizeof(dio_aligns[0]))

/*
 * Whether an O_DIRECT read of len bytes at offset 0 into buf + shift
 * passes. A refusal is EINVAL; a file shorter than len reads short,
 * which passes too (the alignment was accepted).
 */
static bool dio_read_ok(int fd, uint8_t *buf, uint32_t shift, uint32_t len)
{
	return pread(fd, buf + shift, len, 0) >= 0;
}

/*
 * ,direct: opens the image again with O_DIRECT and finds, by trying
 * reads, the smallest alignments of offsets and lengths, then of buffers,
 * that O_DIRECT takes (statx's STATX_DIOALIGN is not in every kernel and
 * not filled by every file system; a read is the proof). One line and -1
 * when the file system refuses O_DIRECT.
 */
static int plan_disk_direct(struct vm_plan *plan, unsigned int i,
			    const struct disk_opt *d)
{
	static uint8_t buf[2 * DIO_PROBE_MAX]
		__attribute__((aligned(DIO_PROBE_MAX)));
	int fd = open(d->path, (d->read_only ? O_RDONLY : O_RDWR) | O_DIRECT |
				       O_CLOEXEC);
	unsigned int a, m;

	plan->disk_direct_fd[i] = fd;
	if (fd < 0) {
		pr_err("--disk %s,direct: %s", d->path,
		       errno == EINVAL ?
			       "the file system refuses O_DIRECT (drop ,direct)" :
			       strerror(errno));
		return -1;
	}
	for (a = 0; a < NR_DIO_ALIGNS; a++)
		if (dio_read_ok(fd, buf, 0, dio_aligns[a]))
			break;
	for (m = 0; a < NR_DIO_ALIGNS && m < NR_DIO_ALIGNS; m++)
		if (dio_read_ok(fd, buf, dio_aligns[m], dio_aligns[a]))
			break;
	if (a == NR_DIO_ALIGNS || m == NR_DIO_ALIGNS) {
		pr_err("--disk %s,direct: the file system refuses O_DIRECT reads (%s; drop ,direct)",
		       d->path, strerror(errno));
		return -1;
	}
	plan->disk_dio_offset_align[i] = dio_aligns[a];
	plan->disk_dio_mem_align[i] = dio_aligns[m];
	return 0;
}

/*
 * --9p DIR,TAG: DIR must be a folder; its server opens it now, before the
 * sandbox (which allows no open but openat2 beneath a descriptor).
 */
static int plan_9p(struct vm_plan *plan, unsigned int i, const struct p9_opt *o)
{
	struct stat st;
	int ret;

	if (stat(o->dir, &st)) {
		pr_err("--9p %s: %s", o->dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		pr_err("--9p %s: not a folder (the share is a host folder)",
		       o->dir);
		return -1;
	}
	plan->p9[i] = calloc(1, sizeof(*plan->p9[i]));
	if (!plan->p9[i]) {
		pr_err("--9p %s: out of memory", o->dir);
		return -1;
	}
	ret = p9_server_init(plan->p9[i], o->dir, 0);
	if (ret) {
		pr_err("--9p %s: %s", o->dir, strerror(-ret));
		free(plan->p9[i]);
		plan->p9[i] = NULL;
		return -1;
	}
	return 0;
}

/*
 * Each fid of a share holds two or three host descriptors (p9-fs.h), and
 * the guest may hold thousands: the soft limit on open files goes up to
 * the hard one, which the sandbox then keeps (no prlimit can raise it).
 */
static void plan_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		pr_warn("--9p: raising the open files limit: %s",
			strerror(errno));
	else
		pr_debug("--9p: open files limit raised to %llu",
			 (unsigned long long)rl.rlim_cur);
}

/*
 * Opens and checks a -d/--disk image. Another lkvm (or anything taking
 * flock locks) using it is refused: two writers would corrupt it.
 */
static int plan_disk(struct vm_plan *plan, unsigned int i,
		     const struct disk_opt *d)
{
	int fd = open(d->path, (d->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);

	plan->disk_fd[i] = fd;
	if (fd < 0) {
		pr_err("--disk %s: %s", d->path, strerror(errno));
		return -1;
	}
	if (disk_size(fd, d->path, &plan->disk_size[i]))
		return -1;
	if (plan->disk_size[i] < VIRTIO_BLK_SECTOR ||
	    plan->disk_size[i] % VIRTIO_BLK_SECTOR) {
		pr_err("--disk %s: its size, %llu bytes, is not a whole number of 512-byte sectors",
		       d->path, (unsigned long long)plan->disk_size[i]);
		return -1;
	}
	if (flock(fd, (d->read_only ? LOCK_SH : LOCK_EX) | LOCK_NB)) {
		pr_err("--disk %s: %s", d->path,
		       errno == EWOULDBLOCK ?
			       "in use by another process (or given twice)" :
			       strerror(errno));
		return -1;
	}
	plan->disk_discard[i] = !d->read_only &&
				disk_can_discard(fd, plan->disk_size[i]);
	return d->direct ? plan_disk_direct(plan, i, d) : 0;
}

/*
 * The entry of name (or of uid when name is a number) in the passwd file,
 * read by lkvm itself: a static lkvm has no NSS modules to ask.
 */
static bool passwd_find(const char *passwd, const char *name, bool numeric,
			unsigned long uid, unsigned int *out_uid,
			unsigned int *out_gid)
{
	FILE *f = fopen(passwd, "re");
	struct passwd *pw;
	bool found = false;

	while (f && !found && (pw = fgetpwent(f))) {
		found = numeric ? pw->pw_uid == uid :
				  !strcmp(pw->pw_name, name);
		if (found) {
			*out_uid = pw->pw_uid;
			*out_gid = pw->pw_gid;
		}
	}
	if (f)
		fclose(f);
	return found;
}

int plan_user(struct vm_plan *plan, const char *user, bool root,
	      const char *passwd)
{
	unsigned long uid, gid;
	char *end;

	if (!root) {
		pr_err("--user %s: only lkvm started as root can switch user",
		       user);
		return -1;
	}
	uid = strtoul(user, &end, 10);
	if (end != user && (!*end || *end == ':') && uid < UINT32_MAX) {
		plan->uid = uid;
		plan->gid = uid;
		if (*end == ':') {
			gid = strtoul(end + 1, &end, 10);
			if (*end || gid >= UINT32_MAX) {
				pr_err("--user %s: use NAME, UID or UID:GID",
				       user);
				return -1;
			}
			plan->gid = gid;
		} else {
			unsigned int u, g;

			if (passwd_find(passwd, NULL, true, uid, &u, &g))
				plan->gid = g;
		}
	} else if (!passwd_find(passwd, user, false, 0, &plan->uid,
				&plan->gid)) {
		pr_err("--user %s: no such user in %s", user, passwd);
		return -1;
	}
	if (!plan->uid) {
		pr_err("--user %s: that is root", user);
		return -1;
	}
	plan->switch_user = true;
	return 0;
}

static int vm_plan_firmware(struct vm_plan *plan, const struct run_opts *opts);
static int vm_plan_rest(struct vm_plan *plan, const struct run_opts *opts);

int vm_plan(struct vm_plan *plan, const struct run_opts *opts)
{
	uint64_t initrd_size = 0;
	const char *why;

	memset(plan, 0, sizeof(*plan));
	plan->initrd_fd = -1;
	plan->ram_size = opts->mem_mib << 20;
	if (opts->name[0])
		snprintf(plan->name, sizeof(plan->name), "%s", opts->name);
	else
		snprintf(plan->name, sizeof(plan->name), "guest-%d", getpid());

	if (opts->firmware)
		return vm_plan_firmware(plan, opts) ? -1 :
						      vm_plan_rest(plan, opts);
	if (plan_kernel(plan, opts->kernel, opts->aarch32))
		return -1;
	if (opts->initrd) {
		plan->initrd_fd =
			open_input("--initrd", opts->initrd, &initrd_size);
		if (plan->initrd_fd < 0)
			return -1;
	}
	if (boot_plan(LKVM_RAM_BASE, plan->ram_size, &plan->kernel, initrd_size,
		      &plan->layout, &why)) {
		pr_err("--mem %llu: %s", (unsigned long long)opts->mem_mib,
		       why);
		return -1;
	}
	plan->bootargs = plan_bootargs(opts);
	if (!plan->bootargs) {
		pr_err("out of memory");
		return -1;
	}
	return vm_plan_rest(plan, opts);
}

/* -f/--firmware: a raw image, kvmtool's placement (boot.h). */
static int vm_plan_firmware(struct vm_plan *plan, const struct run_opts *opts)
{
	uint64_t size;
	const char *why;

	plan->kernel_fd = open_input("--firmware", opts->firmware, &size);
	if (plan->kernel_fd < 0)
		return -1;
	if (!size) {
		pr_err("--firmware %s: the file is empty", opts->firmware);
		return -1;
	}
	plan->kernel = (struct kernel_info){
		.kind = KERNEL_RAW,
		.file_size = size,
		.image_size = size,
	};
	if (boot_plan_firmware(LKVM_RAM_BASE, plan->ram_size,
			       opts->firmware_addr, size, &plan->layout,
			       &why)) {
		pr_err("--firmware %s: %s", opts->firmware, why);
		return -1;
	}
	if (opts->initrd)
		pr_warn("--initrd %s: ignored with --firmware, as kvmtool does",
			opts->initrd);
	plan->bootargs = plan_bootargs(opts);
	if (opts->params && !plan->bootargs) {
		pr_err("out of memory");
		return -1;
	}
	return 0;
}

#define HUGETLBFS_MAGIC 0x958458f6 /* linux/magic.h */

/*
 * --hugetlbfs DIR, kvmtool's: guest RAM is a file there, made and unlinked
 * at once (so nothing is left behind), as big as RAM, which must be a
 * multiple of the file system's huge page size.
 */
static int plan_hugetlbfs(struct vm_plan *plan, const char *dir)
{
	char path[4096];
	struct statfs fs;

	if (statfs(dir, &fs)) {
		pr_err("--hugetlbfs %s: %s", dir, strerror(errno));
		return -1;
	}
	if ((unsigned long)fs.f_type != HUGETLBFS_MAGIC) {
		pr_err("--hugetlbfs %s: not a hugetlbfs mount (mount -t hugetlbfs none DIR)",
		       dir);
		return -1;
	}
	if (!fs.f_bsize || plan->ram_size % (uint64_t)fs.f_bsize) {
		pr_err("--hugetlbfs %s: guest RAM (%llu MiB) is not a multiple of its %ld KiB pages",
		       dir, (unsigned long long)(plan->ram_size >> 20),
		       (long)fs.f_bsize >> 10);
		return -1;
	}
	if (snprintf(path, sizeof(path), "%s/lkvm-ram-XXXXXX", dir) >=
	    (int)sizeof(path)) {
		pr_err("--hugetlbfs: the path is too long");
		return -1;
	}
	plan->ram_fd = mkostemp(path, O_CLOEXEC);
	if (plan->ram_fd < 0) {
		pr_err("--hugetlbfs %s: %s", dir, strerror(errno));
		return -1;
	}
	unlink(path);
	if (ftruncate(plan->ram_fd, plan->ram_size)) {
		pr_err("--hugetlbfs %s: %llu MiB: %s", dir,
		       (unsigned long long)(plan->ram_size >> 20),
		       strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * --virtio-fs: its vhost-user back end, another process, maps guest RAM
 * from a descriptor lkvm passes it, so RAM is a memfd mapped shared
 * rather than anonymous memory.
 */
static int plan_ram_memfd(struct vm_plan *plan)
{
	plan->ram_fd = memfd_create("lkvm-guest-ram", MFD_CLOEXEC);
	if (plan->ram_fd < 0 || ftruncate(plan->ram_fd, plan->ram_size)) {
		pr_err("--virtio-fs: guest RAM as a memfd (%llu MiB): %s",
		       (unsigned long long)(plan->ram_size >> 20),
		       strerror(errno));
		return -1;
	}
	return 0;
}

/* The files and the user, whatever boots. */
static int vm_plan_rest(struct vm_plan *plan, const struct run_opts *opts)
{
	plan->ram_fd = -1;
	if (opts->hugetlbfs && plan_hugetlbfs(plan, opts->hugetlbfs))
		return -1;
	if (!opts->hugetlbfs && opts->vfs.tag[0] && plan_ram_memfd(plan))
		return -1;
	plan->console_log_fd = -1;
	if (opts->console_log) {
		plan->console_log_fd =
			open(opts->console_log,
			     O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (plan->console_log_fd < 0) {
			pr_err("--console-log %s: %s", opts->console_log,
			       strerror(errno));
			return -1;
		}
	}
	if (opts->user && plan_user(plan, opts->user, !geteuid(), PLAN_PASSWD))
		return -1;
	plan->dump_dtb_fd = -1;
	if (opts->dump_dtb) {
		plan->dump_dtb_fd =
			open(opts->dump_dtb,
			     O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (plan->dump_dtb_fd < 0) {
			pr_err("--dump-dtb %s: %s", opts->dump_dtb,
			       strerror(errno));
			return -1;
		}
	}
	for (unsigned int i = 0; i < OPT_MAX_DISKS; i++)
		plan->disk_fd[i] = plan->disk_direct_fd[i] = -1;
	for (unsigned int i = 0; i < opts->nr_disks; i++)
		if (plan_disk(plan, i, &opts->disks[i]))
			return -1;
	if (opts->nr_p9)
		plan_raise_nofile();
	for (unsigned int i = 0; i < opts->nr_p9; i++)
		if (plan_9p(plan, i, &opts->p9[i]))
			return -1;
	if (opts->timeout_s)
		plan->timeout_at = log_monotonic_seconds() + opts->timeout_s;
	return 0;
}
