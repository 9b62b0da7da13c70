/* SPDX-License-Identifier: GPL-2.0 */
/* The SDEI status of a guest as text lines or one JSON line. Pure. */
#ifndef LKVM_CONTROL_STATUS_H
#define LKVM_CONTROL_STATUS_H

#include <stdbool.h>
#include <stddef.h>

#include "../firmware-emu/sdei.h"

/*
 * Writes the status of s into buf: text lines (a PE table, then an event
 * table with a row per private event and vCPU), or with json one line
 * holding one JSON object:
 *
 *   {"vcpus":[{"vcpu":0,"masked":false,"running":[100]},...],
 *    "events":[{"event":0,"type":"private","priority":"normal",
 *               "signalable":true,"vcpus":[{"vcpu":0,"registered":true,
 *               "enabled":true,"running":true,"pending":false},...]},
 *              {"event":300,"type":"shared",...,"registered":true,...,
 *               "route":"RM_PE","affinity":1}]}
 *
 * Each line ends with a newline; *lines says how many. Bind slots appear
 * while bound, with their "intid". Returns 0, or -1 if buf is too small.
 */
int control_sdei_status(const struct sdei *s, bool json, char *buf, size_t size,
			unsigned int *lines);

#endif
