// SPDX-License-Identifier: GPL-2.0
/*
 * The SDEI status that `lkvm sdei --name N status [--json]` shows, from
 * firmware-emu's status query: every PE's mask and running handlers, every
 * event (bind slots only while bound) with its type, priority and, per
 * vCPU for private events, its state and pending trigger. Pure.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "control-status.h"

struct out {
	char *buf;
	size_t size, len;
	bool full;
	unsigned int lines;
};

static void put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len) {
		o->full = true;
		return;
	}
	o->len += n;
}

static void end_line(struct out *o)
{
	put(o, "\n");
	o->lines++;
}

static const char *state_words(unsigned int state, bool pending, char *buf,
			       size_t size)
{
	snprintf(buf, size, "%s%s%s%s",
		 state & SDEI_STATUS_REGISTERED ? " registered" : "",
		 state & SDEI_STATUS_ENABLED ? " enabled" : "",
		 state & SDEI_STATUS_RUNNING ? " running" : "",
		 pending ? " pending" : "");
	return buf[0] ? buf + 1 : "-";
}

static bool listed(const struct sdei_event_status *ev)
{
	return !ev->bind_slot || ev->bound;
}

static void text_pes(struct out *o, const struct sdei *s)
{
	put(o, "vCPU  PE        running handlers");
	end_line(o);
	for (unsigned int v = 0; v < sdei_nr_vcpus(s); v++) {
		struct sdei_pe_status ps;

		sdei_pe_status(s, v, &ps);
		put(o, "%-5u %-9s", v, ps.masked ? "masked" : "unmasked");
		for (unsigned int d = 0; d < ps.depth; d++)
			put(o, " %u", ps.running[d]);
		if (!ps.depth)
			put(o, " -");
		end_line(o);
	}
}

static void text_entry(struct out *o, const struct sdei_event_status *ev,
		       const struct sdei_entry_status *es, int vcpu)
{
	char words[64];

	put(o, "%-10u %-7s %-8s ", ev->num, ev->shared ? "shared" : "private",
	    ev->critical ? "critical" : "normal");
	if (vcpu < 0)
		put(o, "%-5s", "-");
	else
		put(o, "%-5d", vcpu);
	put(o, " %s",
	    state_words(es->state, es->pending, words, sizeof(words)));
	if (ev->shared && (es->state & SDEI_STATUS_REGISTERED))
		put(o, "; route %s", es->rm_pe ? "RM_PE to MPIDR" : "RM_ANY");
	if (ev->shared && es->rm_pe)
		put(o, " 0x%llx", (unsigned long long)es->affinity);
	if (ev->bound)
		put(o, "; INTID %u", ev->intid);
	end_line(o);
}

static void text_events(struct out *o, const struct sdei *s)
{
	put(o, "event      type    priority vCPU  state");
	end_line(o);
	for (unsigned int i = 0; i < sdei_nr_events(s); i++) {
		struct sdei_event_status ev;
		struct sdei_entry_status es;

		if (sdei_event_status(s, i, &ev) || !listed(&ev))
			continue;
		for (unsigned int v = 0; v < (ev.shared ? 1 : sdei_nr_vcpus(s));
		     v++) {
			sdei_entry_status(s, i, v, &es);
			text_entry(o, &ev, &es, ev.shared ? -1 : (int)v);
		}
	}
}

static void json_entry(struct out *o, const struct sdei_entry_status *es)
{
	put(o, "\"registered\":%s,\"enabled\":%s,\"running\":%s,\"pending\":%s",
	    es->state & SDEI_STATUS_REGISTERED ? "true" : "false",
	    es->state & SDEI_STATUS_ENABLED ? "true" : "false",
	    es->state & SDEI_STATUS_RUNNING ? "true" : "false",
	    es->pending ? "true" : "false");
}

static void json_event(struct out *o, const struct sdei *s, unsigned int i,
		       const struct sdei_event_status *ev)
{
	struct sdei_entry_status es;

	put(o, "{\"event\":%u,\"type\":\"%s\",\"priority\":\"%s\"", ev->num,
	    ev->shared ? "shared" : "private",
	    ev->critical ? "critical" : "normal");
	put(o, ",\"signalable\":%s", ev->signalable ? "true" : "false");
	if (ev->bind_slot)
		put(o, ",\"intid\":%u", ev->intid);
	if (ev->shared) {
		sdei_entry_status(s, i, 0, &es);
		put(o, ",");
		json_entry(o, &es);
		if (es.state & SDEI_STATUS_REGISTERED)
			put(o, ",\"route\":\"%s\"",
			    es.rm_pe ? "RM_PE" : "RM_ANY");
		if (es.rm_pe)
			put(o, ",\"affinity\":%llu",
			    (unsigned long long)es.affinity);
		put(o, "}");
		return;
	}
	put(o, ",\"vcpus\":[");
	for (unsigned int v = 0; v < sdei_nr_vcpus(s); v++) {
		sdei_entry_status(s, i, v, &es);
		put(o, "%s{\"vcpu\":%u,", v ? "," : "", v);
		json_entry(o, &es);
		put(o, "}");
	}
	put(o, "]}");
}

static void json_status(struct out *o, const struct sdei *s)
{
	bool first = true;

	put(o, "{\"vcpus\":[");
	for (unsigned int v = 0; v < sdei_nr_vcpus(s); v++) {
		struct sdei_pe_status ps;

		sdei_pe_status(s, v, &ps);
		put(o, "%s{\"vcpu\":%u,\"masked\":%s,\"running\":[",
		    v ? "," : "", v, ps.masked ? "true" : "false");
		for (unsigned int d = 0; d < ps.depth; d++)
			put(o, "%s%u", d ? "," : "", ps.running[d]);
		put(o, "]}");
	}
	put(o, "],\"events\":[");
	for (unsigned int i = 0; i < sdei_nr_events(s); i++) {
		struct sdei_event_status ev;

		if (sdei_event_status(s, i, &ev) || !listed(&ev))
			continue;
		put(o, "%s", first ? "" : ",");
		first = false;
		json_event(o, s, i, &ev);
	}
	put(o, "]}");
	end_line(o);
}

int control_sdei_status(const struct sdei *s, bool json, char *buf, size_t size,
			unsigned int *lines)
{
	struct out o = { .buf = buf, .size = size };

	if (!size)
		return -1;
	buf[0] = 0;
	if (json) {
		json_status(&o, s);
	} else {
		text_pes(&o, s);
		text_events(&o, s);
	}
	*lines = o.lines;
	return o.full ? -1 : 0;
}
