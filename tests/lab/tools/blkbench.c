// SPDX-License-Identifier: GPL-2.0
/*
 * blkbench: the lab's disk benchmark, run inside the L2 guest on a
 * virtio-blk disk (Debian's fio needs a dozen libraries the initramfs
 * does not carry). O_DIRECT, so the guest's page cache stays out of it.
 *
 *   blkbench DEV seqwrite MIB   write MIB MiB from offset 0, 1 MiB a
 *                               write, then fdatasync
 *   blkbench DEV seqread MIB    read them back, 1 MiB a read
 *   blkbench DEV randread SECONDS THREADS
 *                               4 KiB reads at random 4 KiB-aligned offsets
 *                               of the first 64 MiB, THREADS at a time
 *
 * Prints one line: "blkbench MODE ops=N bytes=N seconds=S mib_s=X iops=Y".
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SEQ_BLOCK (1 << 20)
#define RAND_BLOCK 4096
#define RAND_SPAN (64ULL << 20)
#define MAX_THREADS 64

static const char *dev;
static double deadline;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "blkbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int open_dev(int flags)
{
	int fd = open(dev, flags | O_DIRECT);

	if (fd < 0)
		die(dev);
	return fd;
}

static void *aligned(size_t size)
{
	void *p;

	if (posix_memalign(&p, 4096, size))
		die("posix_memalign");
	memset(p, 0x5a, size);
	return p;
}

static void report(const char *mode, uint64_t ops, uint64_t bytes, double s)
{
	printf("blkbench %s ops=%llu bytes=%llu seconds=%.3f mib_s=%.2f iops=%.1f\n",
	       mode, (unsigned long long)ops, (unsigned long long)bytes, s,
	       bytes / s / (1 << 20), ops / s);
}

static void seq(const char *mode, unsigned int mib, int write)
{
	uint8_t *buf = aligned(SEQ_BLOCK);
	int fd = open_dev(write ? O_WRONLY : O_RDONLY);
	double t0 = now();

	for (unsigned int i = 0; i < mib; i++) {
		ssize_t n =
			write ? pwrite(fd, buf, SEQ_BLOCK,
				       (off_t)i * SEQ_BLOCK) :
				pread(fd, buf, SEQ_BLOCK, (off_t)i * SEQ_BLOCK);

		if (n != SEQ_BLOCK)
			die(write ? "pwrite" : "pread");
	}
	if (write && fdatasync(fd))
		die("fdatasync");
	report(mode, mib, (uint64_t)mib * SEQ_BLOCK, now() - t0);
	close(fd);
	free(buf);
}

struct worker {
	pthread_t thread;
	uint64_t seed;
	uint64_t ops;
};

static void *rand_worker(void *arg)
{
	struct worker *w = arg;
	uint8_t *buf = aligned(RAND_BLOCK);
	int fd = open_dev(O_RDONLY);

	while (now() < deadline) {
		/* xorshift64: any 4 KiB block of the span, evenly. */
		w->seed ^= w->seed << 13;
		w->seed ^= w->seed >> 7;
		w->seed ^= w->seed << 17;
		if (pread(fd, buf, RAND_BLOCK,
			  (off_t)(w->seed % (RAND_SPAN / RAND_BLOCK)) *
				  RAND_BLOCK) != RAND_BLOCK)
			die("pread");
		w->ops++;
	}
	close(fd);
	free(buf);
	return NULL;
}

static void randread(unsigned int seconds, unsigned int threads)
{
	static struct worker w[MAX_THREADS];
	uint64_t ops = 0;
	double t0 = now();

	deadline = t0 + seconds;
	for (unsigned int i = 0; i < threads; i++) {
		w[i].seed = 0x9e3779b97f4a7c15ULL * (i + 1);
		if (pthread_create(&w[i].thread, NULL, rand_worker, &w[i]))
			die("pthread_create");
	}
	for (unsigned int i = 0; i < threads; i++) {
		pthread_join(w[i].thread, NULL);
		ops += w[i].ops;
	}
	report("randread", ops, ops * RAND_BLOCK, now() - t0);
}

int main(int argc, char **argv)
{
	unsigned long a, b = 1;

	if (argc < 4) {
		fprintf(stderr,
			"usage: blkbench DEV seqwrite|seqread MIB | randread SECONDS THREADS\n");
		return 2;
	}
	dev = argv[1];
	a = strtoul(argv[3], NULL, 0);
	if (argc > 4)
		b = strtoul(argv[4], NULL, 0);
	if (!a || !b || b > MAX_THREADS) {
		fprintf(stderr, "blkbench: bad numbers\n");
		return 2;
	}
	if (!strcmp(argv[2], "seqwrite"))
		seq("seqwrite", a, 1);
	else if (!strcmp(argv[2], "seqread"))
		seq("seqread", a, 0);
	else if (!strcmp(argv[2], "randread"))
		randread(a, b);
	else
		return 2;
	return 0;
}
