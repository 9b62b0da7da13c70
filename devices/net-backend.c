// SPDX-License-Identifier: GPL-2.0
/* The backend -n names: tap or libslirp's user mode. */
#include <stddef.h>

#include "net-backend.h"

struct net_backend *net_backend_open(const struct net_opt *o)
{
	switch (o->mode) {
	case NET_TAP:
		return net_tap_open(o);
	case NET_USER:
		return net_slirp_open(o);
	case NET_NONE:
		break;
	}
	return NULL;
}
