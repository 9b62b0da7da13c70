// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu-kick.c: a kick sent while the vCPU thread is outside KVM_RUN is not
 * lost. KVM_RUN is stood in for by ppoll() with the run mask: like
 * KVM_RUN under KVM_SET_SIGNAL_MASK, it unblocks the kick while it waits
 * and returns EINTR at once if the kick is pending. Each test runs in its
 * own process (Check's fork mode), so signals and threads stay there.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>

#include "unit.h"
#include "../../vmm/vcpu-kick.h"

struct kick_test {
	sem_t outside; /* the thread is outside its "KVM_RUN" */
	sem_t kicked; /* the main thread has sent the kick */
	int run_ret, run_errno;
	bool taken_after;
};

static void sem_wait_intr(sem_t *s)
{
	while (sem_wait(s) && errno == EINTR)
		;
}

/* The stand-in for KVM_RUN: waits up to ms for the kick. */
static int fake_run(const sigset_t *run_mask, long ms, int *err)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	int ret = ppoll(NULL, 0, &ts, run_mask);

	*err = errno;
	return ret;
}

static void *vcpu_side(void *arg)
{
	struct kick_test *t = arg;
	sigset_t run_mask;

	ck_assert_int_eq(vcpu_kick_block(&run_mask), 0);
	/* Between "look at the requests" and "enter KVM_RUN". */
	sem_post(&t->outside);
	sem_wait_intr(&t->kicked);
	t->run_ret = fake_run(&run_mask, 3000, &t->run_errno);
	t->taken_after = vcpu_kick_take();
	return NULL;
}

START_TEST(kick_outside_run_not_lost)
{
	struct kick_test t = { 0 };
	pthread_t th;

	vcpu_kick_init();
	sem_init(&t.outside, 0, 0);
	sem_init(&t.kicked, 0, 0);
	ck_assert_int_eq(pthread_create(&th, NULL, vcpu_side, &t), 0);
	sem_wait_intr(&t.outside);
	vcpu_kick_send(th);
	sem_post(&t.kicked);
	pthread_join(th, NULL);
	/* The run returned at once for the kick instead of waiting. */
	ck_assert_int_eq(t.run_ret, -1);
	ck_assert_int_eq(t.run_errno, EINTR);
	/* It was consumed there: nothing stale for the next run. */
	ck_assert(!t.taken_after);
}
END_TEST

static void *take_side(void *arg)
{
	struct kick_test *t = arg;
	sigset_t run_mask;

	ck_assert_int_eq(vcpu_kick_block(&run_mask), 0);
	sem_post(&t->outside);
	sem_wait_intr(&t->kicked);
	/* Taken outside the run: once, and then the run waits again. */
	ck_assert(vcpu_kick_take());
	ck_assert(!vcpu_kick_take());
	t->run_ret = fake_run(&run_mask, 50, &t->run_errno);
	return NULL;
}

START_TEST(kick_taken_once)
{
	struct kick_test t = { 0 };
	pthread_t th;

	vcpu_kick_init();
	sem_init(&t.outside, 0, 0);
	sem_init(&t.kicked, 0, 0);
	ck_assert_int_eq(pthread_create(&th, NULL, take_side, &t), 0);
	sem_wait_intr(&t.outside);
	vcpu_kick_send(th);
	sem_post(&t.kicked);
	pthread_join(th, NULL);
	ck_assert_int_eq(t.run_ret, 0);
}
END_TEST

static void *timer_side(void *arg)
{
	struct kick_test *t = arg;
	sigset_t run_mask;
	timer_t timer;

	ck_assert_int_eq(vcpu_kick_block(&run_mask), 0);
	ck_assert_int_eq(vcpu_kick_timer_create(&timer), 0);
	vcpu_kick_timer_arm(timer, 1000000);
	t->run_ret = fake_run(&run_mask, 3000, &t->run_errno);
	vcpu_kick_timer_delete(timer);
	return NULL;
}

/* The retry timer kicks the thread that made it, even inside its run. */
START_TEST(kick_timer)
{
	struct kick_test t = { 0 };
	pthread_t th;

	vcpu_kick_init();
	ck_assert_int_eq(pthread_create(&th, NULL, timer_side, &t), 0);
	pthread_join(th, NULL);
	ck_assert_int_eq(t.run_ret, -1);
	ck_assert_int_eq(t.run_errno, EINTR);
}
END_TEST

Suite *kick_suite(void)
{
	Suite *s = suite_create("kick");
	TCase *tc = tcase_create("kick");

	tcase_add_test(tc, kick_outside_run_not_lost);
	tcase_add_test(tc, kick_taken_once);
	tcase_add_test(tc, kick_timer);
	suite_add_tcase(s, tc);
	return s;
}
