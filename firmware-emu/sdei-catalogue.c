// SPDX-License-Identifier: GPL-2.0
/*
 * The SDEI event catalogue of a VM (Arm DEN0054B, "Events"): event 0, the
 * platform events the user declares with --sdei-event, and the slots
 * INTERRUPT_BIND hands out. The spec leaves event discovery to the
 * platform (ACPI SDEI/GHES on servers); lkvm's user says which events exist.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdei-internal.h"
#include "sdei-state.h"

static int fail(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (err && size) {
		va_start(ap, fmt);
		vsnprintf(err, size, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Decimal or 0x-prefixed hex, no sign, no spaces; -1 if not a number. */
static int parse_num(const char *p, size_t len, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;
	size_t i = 0;

	if (len > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == len)
		return -1;
	for (; i < len; i++) {
		unsigned int d;

		if (p[i] >= '0' && p[i] <= '9')
			d = p[i] - '0';
		else if (base == 16 && p[i] >= 'a' && p[i] <= 'f')
			d = p[i] - 'a' + 10;
		else if (base == 16 && p[i] >= 'A' && p[i] <= 'F')
			d = p[i] - 'A' + 10;
		else
			return -1;
		if (v > (UINT64_MAX - d) / base)
			return -1;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

static bool word_is(const char *p, size_t len, const char *word)
{
	return strlen(word) == len && !memcmp(p, word, len);
}

int sdei_parse_event(const char *arg, struct sdei_event_desc *out, char *err,
		     size_t err_size)
{
	struct sdei_event_desc d = { 0 };
	bool have_type = false, have_prio = false;
	const char *p = arg, *comma;
	uint64_t num;
	size_t len;

	if (!arg)
		return fail(err, err_size, "--sdei-event: missing argument");
	comma = strchr(p, ',');
	len = comma ? (size_t)(comma - p) : strlen(p);
	if (parse_num(p, len, &num))
		return fail(
			err, err_size,
			"--sdei-event: '%s': expected NUM[,private|shared][,normal|critical]",
			arg);
	if (num == 0)
		return fail(
			err, err_size,
			"--sdei-event: '%s': event 0 is architected (software-signalled), use 1 to 0x%x",
			arg, SDEI_PLATFORM_EVENT_MAX);
	if (num > SDEI_PLATFORM_EVENT_MAX)
		return fail(
			err, err_size,
			"--sdei-event: '%s': event numbers go from 1 to 0x%x (0x%x and up name bound interrupts)",
			arg, SDEI_PLATFORM_EVENT_MAX, SDEI_BIND_EVENT_BASE);
	d.num = (uint32_t)num;

	while (comma) {
		bool *have;

		p = comma + 1;
		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		if (word_is(p, len, "private") || word_is(p, len, "shared")) {
			have = &have_type;
			d.shared = word_is(p, len, "shared");
		} else if (word_is(p, len, "normal") ||
			   word_is(p, len, "critical")) {
			have = &have_prio;
			d.critical = word_is(p, len, "critical");
		} else {
			return fail(
				err, err_size,
				"--sdei-event: '%s': '%.*s' is not one of private, shared, normal, critical",
				arg, (int)len, p);
		}
		if (*have)
			return fail(
				err, err_size,
				"--sdei-event: '%s': give private|shared and normal|critical at most once each",
				arg);
		*have = true;
	}
	*out = d;
	return 0;
}

int sdei_config_check(const struct sdei_config *cfg, char *err, size_t err_size)
{
	unsigned int i, j;

	if (!cfg->nr_vcpus || cfg->nr_vcpus > SDEI_MAX_VCPUS || !cfg->mpidr)
		return fail(err, err_size, "sdei: %u vCPUs: must be 1 to %d",
			    cfg->nr_vcpus, SDEI_MAX_VCPUS);
	if (cfg->client_el != 1 && cfg->client_el != 2)
		return fail(err, err_size, "sdei: client EL %u: must be 1 or 2",
			    cfg->client_el);
	if (cfg->nr_events > SDEI_MAX_PLATFORM_EVENTS ||
	    (cfg->nr_events && !cfg->events))
		return fail(err, err_size,
			    "--sdei-event: at most %d events can be declared",
			    SDEI_MAX_PLATFORM_EVENTS);
	if (cfg->nr_shared_slots > SDEI_MAX_BIND_SLOTS ||
	    cfg->nr_private_slots > SDEI_MAX_BIND_SLOTS)
		return fail(err, err_size,
			    "sdei: at most %d bind slots of each kind",
			    SDEI_MAX_BIND_SLOTS);
	if (cfg->nr_irqs > SDEI_INTID_LIMIT)
		return fail(err, err_size, "sdei: %u INTIDs: at most %d",
			    cfg->nr_irqs, SDEI_INTID_LIMIT);
	if (cfg->nr_bindable > SDEI_INTID_LIMIT ||
	    (cfg->nr_bindable && !cfg->bindable))
		return fail(err, err_size, "sdei: too many bindable INTIDs");

	for (i = 0; i < cfg->nr_events; i++) {
		const struct sdei_event_desc *d = &cfg->events[i];

		if (!d->num || d->num > SDEI_PLATFORM_EVENT_MAX)
			return fail(
				err, err_size,
				"--sdei-event: %u: event numbers go from 1 to 0x%x",
				d->num, SDEI_PLATFORM_EVENT_MAX);
		for (j = 0; j < i; j++)
			if (cfg->events[j].num == d->num)
				return fail(
					err, err_size,
					"--sdei-event: event %u is declared twice",
					d->num);
	}
	for (i = 0; i < cfg->nr_vcpus; i++) {
		if (cfg->mpidr[i] & ~SDEI_MPIDR_VALID_MASK)
			return fail(err, err_size,
				    "sdei: vCPU %u: MPIDR 0x%llx has RES0 bits",
				    i, (unsigned long long)cfg->mpidr[i]);
		for (j = 0; j < i; j++)
			if (!((cfg->mpidr[i] ^ cfg->mpidr[j]) &
			      SDEI_MPIDR_AFF_MASK))
				return fail(
					err, err_size,
					"sdei: vCPUs %u and %u have the same affinity",
					j, i);
	}
	for (i = 0; i < cfg->nr_bindable; i++) {
		uint32_t intid = cfg->bindable[i];
		unsigned int limit = cfg->nr_irqs ? cfg->nr_irqs :
						    SDEI_INTID_LIMIT;

		if (intid < SDEI_INTID_PPI_BASE || intid >= limit)
			return fail(err, err_size,
				    "sdei: INTID %u cannot be bound", intid);
	}
	return 0;
}

unsigned int sdei_event_find(const struct sdei *s, uint64_t num)
{
	unsigned int i;

	/*
	 * x1 is a 64-bit register; an event number is a positive 32-bit
	 * integer. Larger values name no event (INVALID_PARAMETERS), rather
	 * than being truncated onto a real one.
	 */
	if (num > SDEI_EVENT_NUM_MAX)
		return SDEI_NONE;
	for (i = 0; i < s->nr_events; i++)
		if (s->events[i].num == num)
			return i;
	return SDEI_NONE;
}

unsigned int sdei_event_find_intid(const struct sdei *s, uint32_t intid)
{
	unsigned int i;

	for (i = 0; i < s->nr_events; i++)
		if (s->events[i].kind == SDEI_KIND_BIND && s->events[i].bound &&
		    s->events[i].intid == intid)
			return i;
	return SDEI_NONE;
}

unsigned int sdei_vcpu_by_mpidr(const struct sdei *s, uint64_t mpidr)
{
	unsigned int i;

	/*
	 * Only the affinity fields name a PE. A guest may pass MPIDR_EL1 as
	 * it reads it (RES1 bit 31, U, MT): accept those bits, refuse the
	 * RES0 ones.
	 */
	if (mpidr & ~SDEI_MPIDR_VALID_MASK)
		return SDEI_NONE;
	for (i = 0; i < s->nr_vcpus; i++)
		if (s->pes[i].mpidr == (mpidr & SDEI_MPIDR_AFF_MASK))
			return i;
	return SDEI_NONE;
}

static unsigned int bindable_index(const struct sdei *s, uint32_t intid)
{
	unsigned int i;

	for (i = 0; i < s->nr_bindable; i++)
		if (s->bindable[i] == intid)
			return i;
	return SDEI_NONE;
}

bool sdei_intid_bindable(const struct sdei *s, uint32_t intid)
{
	return bindable_index(s, intid) != SDEI_NONE;
}

/* The recorded level of intid on vcpu (checked by the caller), or NULL. */
static bool *irq_level(const struct sdei *s, uint32_t intid, unsigned int vcpu)
{
	unsigned int i = bindable_index(s, intid);

	if (i == SDEI_NONE)
		return NULL;
	return &s->levels[i * s->nr_vcpus +
			  (intid >= SDEI_INTID_SPI_BASE ? 0 : vcpu)];
}

void sdei_irq_repend(struct sdei *s, unsigned int ev, unsigned int vcpu)
{
	const struct sdei_event *e = &s->events[ev];
	struct sdei_entry *se = sdei_entry(s, ev, vcpu);
	const bool *level;

	if (e->kind != SDEI_KIND_BIND || !e->bound || !(se->state & SDEI_ST_G))
		return;
	level = irq_level(s, e->intid, vcpu);
	if (level && *level)
		sdei_set_pending(s, se, true);
}

/*
 * A bound interrupt belongs to SDEI only while its event is registered
 * (TF-A hands it to EL3 at REGISTER and back at UNREGISTER); otherwise it
 * reaches the guest as a plain interrupt.
 */
bool sdei_irq_owned(const struct sdei *s, uint32_t intid, unsigned int vcpu)
{
	unsigned int ev = sdei_event_find_intid(s, intid);
	const struct sdei_event *e;

	if (ev == SDEI_NONE)
		return false;
	e = &s->events[ev];
	if (!e->shared && vcpu >= s->nr_vcpus)
		return false;
	return sdei_entry_const(s, ev, e->shared ? 0 : vcpu)->state & SDEI_ST_G;
}

int sdei_irq_set_level(struct sdei *s, uint32_t intid, unsigned int vcpu,
		       bool level)
{
	bool shared = intid >= SDEI_INTID_SPI_BASE;
	unsigned int ev;
	bool *slot;

	if (!shared && vcpu >= s->nr_vcpus)
		return -EINVAL;
	slot = irq_level(s, intid, vcpu);
	if (!slot)
		return 0;
	*slot = level;
	if (!sdei_irq_owned(s, intid, vcpu))
		return 0;
	ev = sdei_event_find_intid(s, intid);
	/*
	 * A level interrupt: pending while the line is high (triggers
	 * coalesce), and no longer once it drops before the event was
	 * dispatched, as a GIC level interrupt stops being pending when its
	 * line falls. A running handler is not affected: COMPLETE looks at
	 * the line again (sdei_irq_repend()).
	 */
	if (!(sdei_entry(s, ev, vcpu)->state & SDEI_ST_R))
		sdei_set_pending(s, sdei_entry(s, ev, vcpu), level);
	sdei_update_kicks(s, SDEI_NONE);
	return 1;
}
