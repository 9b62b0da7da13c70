// SPDX-License-Identifier: GPL-2.0
/*
 * SDEI handler states (Arm DEN0054, "Handler states" and "Handler state
 * transitions"; 6.1 and 6.1.2 in v1.0's numbering) as one table, the way
 * Trusted Firmware-A's sdei_state.c keeps them. Each call handler asks this
 * table first and acts only on a transition it allows.
 *
 * The spec's rules, one line each:
 *  - REGISTER only from "unregistered, not running"; the event starts
 *    disabled (SDEI_EVENT_REGISTER).
 *  - ENABLE and DISABLE need a registration; both are idempotent and allowed
 *    while the handler runs (SDEI_EVENT_ENABLE, SDEI_EVENT_DISABLE).
 *  - UNREGISTER needs a registration; it also disables. While the handler
 *    runs, the event is left "running, unregistered" and the call answers
 *    PENDING; the registration ends at COMPLETE (SDEI_EVENT_UNREGISTER).
 *  - ROUTING_SET only when registered, disabled and not running
 *    (SDEI_EVENT_ROUTING_SET).
 *  - CONTEXT, COMPLETE and COMPLETE_AND_RESUME only while running; both
 *    completions clear R and keep the rest (SDEI_EVENT_COMPLETE).
 *  - INTERRUPT_RELEASE only when unregistered and not running
 *    (SDEI_INTERRUPT_RELEASE).
 *  - Dispatch only when registered, enabled and not running ("Event
 *    handling": an event is never nested within itself).
 *  - E without G cannot be reached: nothing leaves it and nothing is
 *    allowed from it.
 */
#include <assert.h>

#include "sdei-state.h"

#define NO 0xff /* action not allowed */

/* States, written as the three flags: g/G registered, e/E, r/R. */
#define reg 0
#define reG (SDEI_ST_G)
#define rEG (SDEI_ST_G | SDEI_ST_E)
#define Reg (SDEI_ST_R)
#define ReG (SDEI_ST_R | SDEI_ST_G)
#define REG (SDEI_ST_R | SDEI_ST_E | SDEI_ST_G)
#define rEg (SDEI_ST_E)
#define REg (SDEI_ST_R | SDEI_ST_E)

/* clang-format off */
static const unsigned char next_state[SDEI_NR_STATES][SDEI_NR_ACTIONS] = {
	/*        REGISTER RELEASE ENABLE DISABLE UNREG ROUTING CONTEXT COMPLETE RESUME DISPATCH */
	[reg] = { reG,     reg,    NO,    NO,     NO,   NO,     NO,     NO,      NO,    NO  },
	[reG] = { NO,      NO,     rEG,   reG,    reg,  reG,    NO,     NO,      NO,    NO  },
	[rEG] = { NO,      NO,     rEG,   reG,    reg,  NO,     NO,     NO,      NO,    REG },
	[Reg] = { NO,      NO,     NO,    NO,     NO,   NO,     Reg,    reg,     reg,   NO  },
	[ReG] = { NO,      NO,     REG,   ReG,    Reg,  NO,     ReG,    reG,     reG,   NO  },
	[REG] = { NO,      NO,     REG,   ReG,    Reg,  NO,     REG,    rEG,     rEG,   NO  },
	[rEg] = { NO,      NO,     NO,    NO,     NO,   NO,     NO,     NO,      NO,    NO  },
	[REg] = { NO,      NO,     NO,    NO,     NO,   NO,     NO,     NO,      NO,    NO  },
};
/* clang-format on */

int sdei_state_next(unsigned int state, enum sdei_action act)
{
	unsigned char next;

	if (state >= SDEI_NR_STATES || (unsigned int)act >= SDEI_NR_ACTIONS)
		return -1;
	next = next_state[state][act];
	return next == NO ? -1 : next;
}

bool sdei_state_apply(unsigned char *state, enum sdei_action act)
{
	int next = sdei_state_next(*state, act);

	if (next < 0)
		return false;
	assert(next < SDEI_NR_STATES);
	*state = (unsigned char)next;
	return true;
}
