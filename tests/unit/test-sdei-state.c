// SPDX-License-Identifier: GPL-2.0
/*
 * The SDEI handler state machine (DEN0054 "Handler states" and "Handler
 * state transitions"), written a second time from the spec's prose as a
 * list of allowed transitions, in a different notation from sdei-state.c's
 * table. Everything not listed must be refused.
 */
#include <string.h>

#include "unit.h"
#include "../../firmware-emu/sdei-state.h"

/* "GER": registered, enabled, running; '-' where a flag is clear. */
static unsigned int st(const char *s)
{
	ck_assert_uint_eq(strlen(s), 3);
	return (s[0] == 'G' ? SDEI_STATUS_REGISTERED : 0) |
	       (s[1] == 'E' ? SDEI_STATUS_ENABLED : 0) |
	       (s[2] == 'R' ? SDEI_STATUS_RUNNING : 0);
}

struct allowed {
	enum sdei_action act;
	const char *from, *to;
};

/* From the spec text of each function, one line per sentence. */
static const struct allowed allowed[] = {
	/* REGISTER: only an unregistered event that is not running. */
	{ SDEI_ACT_REGISTER, "---", "G--" },
	/* INTERRUPT_RELEASE: the event must be unregistered, not running. */
	{ SDEI_ACT_RELEASE, "---", "---" },
	/* ENABLE: needs a registration; idempotent; fine while running. */
	{ SDEI_ACT_ENABLE, "G--", "GE-" },
	{ SDEI_ACT_ENABLE, "GE-", "GE-" },
	{ SDEI_ACT_ENABLE, "G-R", "GER" },
	{ SDEI_ACT_ENABLE, "GER", "GER" },
	/* DISABLE: the same, the other way. */
	{ SDEI_ACT_DISABLE, "G--", "G--" },
	{ SDEI_ACT_DISABLE, "GE-", "G--" },
	{ SDEI_ACT_DISABLE, "G-R", "G-R" },
	{ SDEI_ACT_DISABLE, "GER", "G-R" },
	/* UNREGISTER: also disables; a running handler keeps running. */
	{ SDEI_ACT_UNREGISTER, "G--", "---" },
	{ SDEI_ACT_UNREGISTER, "GE-", "---" },
	{ SDEI_ACT_UNREGISTER, "G-R", "--R" },
	{ SDEI_ACT_UNREGISTER, "GER", "--R" },
	/* ROUTING_SET: registered, disabled and not running only. */
	{ SDEI_ACT_ROUTING, "G--", "G--" },
	/* CONTEXT: from a running handler, registered or not. */
	{ SDEI_ACT_CONTEXT, "--R", "--R" },
	{ SDEI_ACT_CONTEXT, "G-R", "G-R" },
	{ SDEI_ACT_CONTEXT, "GER", "GER" },
	/* COMPLETE and COMPLETE_AND_RESUME: the handler stops running. */
	{ SDEI_ACT_COMPLETE, "--R", "---" },
	{ SDEI_ACT_COMPLETE, "G-R", "G--" },
	{ SDEI_ACT_COMPLETE, "GER", "GE-" },
	{ SDEI_ACT_COMPLETE_RESUME, "--R", "---" },
	{ SDEI_ACT_COMPLETE_RESUME, "G-R", "G--" },
	{ SDEI_ACT_COMPLETE_RESUME, "GER", "GE-" },
	/* Dispatch: registered, enabled, and not already running. */
	{ SDEI_ACT_DISPATCH, "GE-", "GER" },
};

static const char *const all_states[] = { "---", "G--", "-E-", "GE-",
					  "--R", "G-R", "-ER", "GER" };

static int expected(unsigned int state, enum sdei_action act)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(allowed); i++)
		if (allowed[i].act == act && st(allowed[i].from) == state)
			return (int)st(allowed[i].to);
	return -1;
}

START_TEST(every_state_and_action)
{
	unsigned int s, a, checked = 0, ok = 0;

	for (s = 0; s < ARRAY_SIZE(all_states); s++) {
		for (a = 0; a < SDEI_NR_ACTIONS; a++) {
			unsigned int state = st(all_states[s]);
			int want = expected(state, a);

			ck_assert_msg(sdei_state_next(state, a) == want,
				      "state %s action %u: got %d, want %d",
				      all_states[s], a,
				      sdei_state_next(state, a), want);
			checked++;
			ok += want >= 0;
		}
	}
	ck_assert_uint_eq(checked, 8 * 10);
	ck_assert_uint_eq(ok, ARRAY_SIZE(allowed));
}
END_TEST

START_TEST(apply_changes_only_on_success)
{
	unsigned char s = st("---");

	ck_assert(!sdei_state_apply(&s, SDEI_ACT_ENABLE));
	ck_assert_uint_eq(s, st("---"));
	ck_assert(sdei_state_apply(&s, SDEI_ACT_REGISTER));
	ck_assert_uint_eq(s, st("G--"));
	ck_assert(!sdei_state_apply(&s, SDEI_ACT_REGISTER));
	ck_assert_uint_eq(s, st("G--"));
	ck_assert(!sdei_state_apply(&s, SDEI_ACT_DISPATCH));
	ck_assert(sdei_state_apply(&s, SDEI_ACT_ENABLE));
	ck_assert(sdei_state_apply(&s, SDEI_ACT_DISPATCH));
	ck_assert_uint_eq(s, st("GER"));
	ck_assert(sdei_state_apply(&s, SDEI_ACT_UNREGISTER));
	ck_assert_uint_eq(s, st("--R"));
	ck_assert(!sdei_state_apply(&s, SDEI_ACT_UNREGISTER));
	ck_assert(!sdei_state_apply(&s, SDEI_ACT_REGISTER));
	ck_assert(sdei_state_apply(&s, SDEI_ACT_COMPLETE));
	ck_assert_uint_eq(s, st("---"));
}
END_TEST

START_TEST(out_of_range_is_refused)
{
	unsigned char bad = 8;

	ck_assert_int_eq(sdei_state_next(8, SDEI_ACT_REGISTER), -1);
	ck_assert_int_eq(sdei_state_next(255, SDEI_ACT_CONTEXT), -1);
	ck_assert_int_eq(sdei_state_next(0, SDEI_NR_ACTIONS), -1);
	ck_assert_int_eq(sdei_state_next(0, (enum sdei_action) - 1), -1);
	ck_assert(!sdei_state_apply(&bad, SDEI_ACT_COMPLETE));
	ck_assert_uint_eq(bad, 8);
}
END_TEST

/* Properties the spec implies, checked over the code's whole table. */
START_TEST(invariants)
{
	unsigned int s, a;

	for (s = 0; s < 8; s++) {
		for (a = 0; a < SDEI_NR_ACTIONS; a++) {
			int n = sdei_state_next(s, a);

			if (n < 0)
				continue;
			/* Enabled without registered is never reached. */
			ck_assert(!(n & SDEI_STATUS_ENABLED) ||
				  (n & SDEI_STATUS_REGISTERED));
			/* Only dispatch sets running; only completion clears. */
			if (a == SDEI_ACT_DISPATCH)
				ck_assert(n & SDEI_STATUS_RUNNING);
			else if (a == SDEI_ACT_COMPLETE ||
				 a == SDEI_ACT_COMPLETE_RESUME)
				ck_assert_int_eq(
					n, (int)(s & ~SDEI_STATUS_RUNNING));
			else
				ck_assert_uint_eq(n & SDEI_STATUS_RUNNING,
						  s & SDEI_STATUS_RUNNING);
			/* Nothing is allowed from an unreachable state. */
			ck_assert((s & SDEI_STATUS_REGISTERED) ||
				  !(s & SDEI_STATUS_ENABLED));
		}
	}
}
END_TEST

Suite *sdei_state_suite(void)
{
	Suite *s = suite_create("sdei-state");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, every_state_and_action);
	tcase_add_test(tc, apply_changes_only_on_success);
	tcase_add_test(tc, out_of_range_is_refused);
	tcase_add_test(tc, invariants);
	suite_add_tcase(s, tc);
	return s;
}
