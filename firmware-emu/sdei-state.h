/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SDEI handler state machine (DEN0054, "Handler states" and "Handler
 * state transitions", 6.1 and 6.1.2 in v1.0's numbering), as a table.
 * A state is a set of three flags with the EVENT_STATUS encoding:
 * registered (G), enabled (E), running (R).
 */
#ifndef LKVM_SDEI_STATE_H
#define LKVM_SDEI_STATE_H

#include <stdbool.h>

#include "sdei.h"

#define SDEI_ST_G SDEI_STATUS_REGISTERED
#define SDEI_ST_E SDEI_STATUS_ENABLED
#define SDEI_ST_R SDEI_STATUS_RUNNING
#define SDEI_NR_STATES 8

/* What may happen to an event's handler state. */
enum sdei_action {
	SDEI_ACT_REGISTER,
	SDEI_ACT_RELEASE, /* INTERRUPT_RELEASE: no change, only a check */
	SDEI_ACT_ENABLE,
	SDEI_ACT_DISABLE,
	SDEI_ACT_UNREGISTER,
	SDEI_ACT_ROUTING, /* EVENT_ROUTING_SET */
	SDEI_ACT_CONTEXT, /* EVENT_CONTEXT: only a check */
	SDEI_ACT_COMPLETE,
	SDEI_ACT_COMPLETE_RESUME,
	SDEI_ACT_DISPATCH, /* not a call: the dispatcher enters the handler */
	SDEI_NR_ACTIONS,
};

/* The state after act, or -1 if act is not allowed in state. */
int sdei_state_next(unsigned int state, enum sdei_action act);

/* Applies act to *state if allowed; false (and no change) otherwise. */
bool sdei_state_apply(unsigned char *state, enum sdei_action act);

#endif
