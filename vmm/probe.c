// SPDX-License-Identifier: GPL-2.0
#include "probe.h"

static const char *yes_no(bool v)
{
	return v ? "yes" : "no";
}

static const char *json_bool(bool v)
{
	return v ? "true" : "false";
}

/* What `lkvm run --nested` lacks on this host, or NULL when it works. */
static const char *nested_missing(const struct kvm_caps *c)
{
	if (!c->vgic_v3)
		return "no vGICv3";
	if (!c->el2)
		return "needs Linux 6.16 or later booted with kvm-arm.mode=nested, on a CPU with FEAT_NV2";
	return NULL;
}

static const char *e2h0_missing(const struct kvm_caps *c)
{
	if (nested_missing(c))
		return "--nested does not work";
	if (!c->el2_e2h0)
		return "no KVM_CAP_ARM_EL2_E2H0";
	return NULL;
}

/*
 * What `lkvm run --protected` lacks, or NULL when it works: KVM_CREATE_VM
 * refuses the protected type outside pKVM (EINVAL), and pKVM runs guests
 * only on its vGICv3.
 */
static const char *protected_missing(const struct kvm_caps *c)
{
	if (!c->protected_vm)
		return "KVM_CREATE_VM refuses KVM_VM_TYPE_ARM_PROTECTED: it needs pKVM, a host booted with kvm-arm.mode=protected";
	if (!c->vgic_v3)
		return "no vGICv3";
	return NULL;
}

/* "yes", or "no: <what is missing>". */
static void print_verdict(FILE *out, const char *what, const char *missing)
{
	fprintf(out, "%-19s%s%s\n", what, missing ? "no: " : "yes",
		missing ? missing : "");
}

static void probe_report_json(FILE *out, const struct kvm_caps *c)
{
	fprintf(out,
		"{\"api_version\": %d, \"vgic_v3\": %s, \"max_vcpus\": %u, "
		"\"recommended_vcpus\": %u, \"ipa_bits\": %u, \"el2\": %s, "
		"\"el2_e2h0\": %s, \"smccc_filter\": %s, "
		"\"system_event_data\": %s, \"nested\": %s, \"e2h0\": %s, "
		"\"sve\": %s, \"ptrauth\": %s, \"pmu\": %s, "
		"\"steal_time\": %s, \"mte\": %s, \"aarch32\": %s, "
		"\"protected\": %s}\n",
		c->api_version, json_bool(c->vgic_v3), c->max_vcpus,
		c->recommended_vcpus, c->ipa_bits, json_bool(c->el2),
		json_bool(c->el2_e2h0), json_bool(c->smccc_filter),
		json_bool(c->system_event_data), json_bool(!nested_missing(c)),
		json_bool(!e2h0_missing(c)), json_bool(c->sve),
		json_bool(c->ptrauth), json_bool(c->pmu),
		json_bool(c->steal_time), json_bool(c->mte),
		json_bool(c->el1_32bit), json_bool(!protected_missing(c)));
}

void probe_report(FILE *out, const struct kvm_caps *c, bool json)
{
	if (json) {
		probe_report_json(out, c);
		return;
	}
	fprintf(out, "KVM API version:   %d\n", c->api_version);
	fprintf(out, "vGICv3:            %s\n", yes_no(c->vgic_v3));
	fprintf(out, "max vCPUs:         %u (recommended %u)\n", c->max_vcpus,
		c->recommended_vcpus);
	fprintf(out, "IPA size:          %u bits\n", c->ipa_bits);
	fprintf(out, "EL2 (nested):      %s (KVM_CAP_ARM_EL2)\n",
		yes_no(c->el2));
	fprintf(out, "EL2 E2H0:          %s (KVM_CAP_ARM_EL2_E2H0)\n",
		yes_no(c->el2_e2h0));
	fprintf(out, "SMCCC filter:      %s\n", yes_no(c->smccc_filter));
	print_verdict(out, "run --nested:", nested_missing(c));
	print_verdict(out, "run --e2h0:", e2h0_missing(c));
	print_verdict(out, "run --protected:", protected_missing(c));
	fprintf(out, "reset type data:   %s (KVM_CAP_SYSTEM_EVENT_DATA)\n",
		yes_no(c->system_event_data));
	/* The vCPU features lkvm run gives guests (kvmtool's defaults). */
	fprintf(out,
		"SVE:               %s (KVM_CAP_ARM_SVE; on unless --no-sve)\n",
		yes_no(c->sve));
	fprintf(out,
		"pointer auth:      %s (KVM_CAP_ARM_PTRAUTH_*; on unless --no-ptrauth)\n",
		yes_no(c->ptrauth));
	fprintf(out, "PMUv3:             %s (KVM_CAP_ARM_PMU_V3; with --pmu)\n",
		yes_no(c->pmu));
	fprintf(out,
		"stolen time:       %s (KVM_CAP_STEAL_TIME; on unless --no-pvtime)\n",
		yes_no(c->steal_time));
	fprintf(out,
		"MTE:               %s (KVM_CAP_ARM_MTE; on unless --disable-mte)\n",
		yes_no(c->mte));
	fprintf(out,
		"AArch32 EL1:       %s (KVM_CAP_ARM_EL1_32BIT; --aarch32)\n",
		yes_no(c->el1_32bit));
}
