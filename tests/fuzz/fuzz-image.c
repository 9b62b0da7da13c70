// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for arm64/image.c: image_parse on the head of a kernel
 * file the user passed.
 *
 * Input layout: u8 mode, u64 x (little-endian), then the file's head. The
 * mode (v % 4) gives the file's size: 0 the head's length, 1 bigger
 * (head + 1 + x % 2^40), 2 smaller (cut inside the head), 3 x itself.
 *
 * The head is a heap copy of exactly its length; when the file is shorter
 * than the head, the bytes past the file's end are poisoned, so that ASan
 * proves image_parse never looks past the file either.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sanitizer/asan_interface.h>

#include "fuzz.h"
#include "../../arm64/image.h"

#define SZ_2M 0x200000ull

static uint64_t get_le(const uint8_t *p, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void check(const uint8_t *head, size_t head_len, uint64_t file_size,
		  int ret, const struct kernel_info *info, const char *why)
{
	size_t len = head_len < file_size ? head_len : (size_t)file_size;
	bool magic = len >= IMAGE_HEADER_SIZE &&
		     get_le(head + 0x38, 4) == IMAGE_MAGIC;

	CHECK(ret == 0 || ret == -EINVAL);
	if (ret) {
		/* One sentence, to follow the file's name on one line. */
		CHECK(why);
		CHECK(!strncmp(why, "is ", 3) || !strncmp(why, "has ", 4));
		CHECK(!strchr(why, '\n'));
		if (!file_size)
			CHECK(!strcmp(why, "is empty"));
		return;
	}
	CHECK(file_size > 0);
	CHECK(info->file_size == file_size);
	switch (info->kind) {
	case KERNEL_IMAGE:
		/* Documentation/arch/arm64/booting.rst. */
		CHECK(magic);
		CHECK(!(get_le(head + 24, 8) & 1)); /* little-endian only */
		CHECK(info->text_offset == get_le(head + 8, 8));
		CHECK(info->text_offset % 4096 == 0);
		CHECK(info->text_offset < SZ_2M);
		CHECK(info->image_size >= file_size);
		CHECK(info->page_size <= IMAGE_PAGE_64K);
		CHECK(info->page_size == ((get_le(head + 24, 8) >> 1) & 3));
		break;
	case KERNEL_RAW:
		CHECK(!magic);
		CHECK(info->text_offset == 0);
		CHECK(info->image_size == file_size);
		break;
	default:
		CHECK(!"unknown kernel kind");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kernel_info info, info2;
	const char *why = NULL, *why2 = NULL;
	uint64_t x = 0, file_size;
	size_t head_len, len, alloc;
	uint8_t mode, *head;
	int ret, ret2;

	if (size < 9)
		return 0;
	mode = data[0];
	for (unsigned int i = 0; i < 8; i++)
		x |= (uint64_t)data[1 + i] << (8 * i);
	head_len = size - 9;
	switch (mode % 4) {
	case 0:
		file_size = head_len;
		break;
	case 1:
		file_size = head_len + 1 + x % (1ull << 40);
		break;
	case 2:
		file_size = head_len ? x % head_len : 0;
		break;
	default:
		file_size = x;
		break;
	}

	/* Exactly head_len bytes; what lies past the file is off limits. */
	alloc = head_len ? head_len : 1;
	head = malloc(alloc);
	if (!head)
		abort();
	memcpy(head, data + 9, head_len);
	len = head_len < file_size ? head_len : (size_t)file_size;
	ASAN_POISON_MEMORY_REGION(head + len, alloc - len);

	ret = image_parse(head, head_len, file_size, &info, &why);
	check(head, head_len, file_size, ret, &info, why);

	/* Only the file's bytes count: the same answer from them alone. */
	ret2 = image_parse(head, len, file_size, &info2, &why2);
	CHECK(ret2 == ret);
	if (ret)
		CHECK(why2 == why);
	else
		CHECK(!memcmp(&info, &info2, sizeof(info)));

	ASAN_UNPOISON_MEMORY_REGION(head + len, alloc - len);
	free(head);
	return 0;
}
