/* SPDX-License-Identifier: GPL-2.0 */
/* `lkvm probe`: what the host's KVM offers lkvm, for people and scripts. */
#ifndef LKVM_PROBE_H
#define LKVM_PROBE_H

#include <stdbool.h>
#include <stdio.h>

#include "../arm64/kvm-vm.h"

/* Writes the report as aligned text or as one JSON object. Pure. */
void probe_report(FILE *out, const struct kvm_caps *caps, bool json);

#endif
