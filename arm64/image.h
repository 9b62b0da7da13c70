/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Recognising what the user passed as a kernel: an arm64 Image
 * (Documentation/arch/arm64/booting.rst, "Call the kernel image"), a raw
 * binary, or a kind of file that cannot be booted directly.
 */
#ifndef LKVM_ARM64_IMAGE_H
#define LKVM_ARM64_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The arm64 Image header is 64 bytes long. */
#define IMAGE_HEADER_SIZE 64
#define IMAGE_MAGIC 0x644d5241U /* "ARM\x64", little-endian, at 0x38 */

enum kernel_kind {
	KERNEL_IMAGE, /* arm64 Image with a valid header */
	KERNEL_RAW, /* no header: loaded at RAM + 0x80000, as kvmtool does */
	KERNEL_AARCH32, /* --aarch32: any file, at RAM + 0x8000 (zImage's) */
};

enum image_page_size {
	IMAGE_PAGE_UNSPECIFIED = 0,
	IMAGE_PAGE_4K = 1,
	IMAGE_PAGE_16K = 2,
	IMAGE_PAGE_64K = 3,
};

struct kernel_info {
	enum kernel_kind kind;
	uint64_t file_size;
	uint64_t text_offset; /* offset from a 2 MiB aligned base */
	uint64_t image_size; /* bytes the kernel needs, bss included */
	enum image_page_size page_size;
	bool phys_placement_any; /* flags bit 3 */
};

/*
 * Classifies a kernel file from its first bytes (head, head_len =
 * min(file_size, IMAGE_HEADER_SIZE) or more) and its size. Returns 0 and
 * fills info, or -EINVAL with *why set to a sentence (starting with "is" or
 * "has") that says what is wrong and, where it helps, what to pass instead.
 */
int image_parse(const void *head, size_t head_len, uint64_t file_size,
		struct kernel_info *info, const char **why);

#endif
