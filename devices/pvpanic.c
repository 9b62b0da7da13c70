// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <string.h>

#include "pvpanic.h"

unsigned int pvpanic_access(uint64_t off, uint8_t *data, unsigned int len,
			    bool is_write)
{
	if (is_write)
		return off == 0 && len ? data[0] & PVPANIC_EVENTS : 0;
	memset(data, 0, len);
	if (off == 0 && len)
		data[0] = PVPANIC_EVENTS;
	return 0;
}
