// SPDX-License-Identifier: GPL-2.0
/*
 * probe_report: `lkvm probe` for people (one fact a line) and for scripts
 * (one JSON object, RFC 8259), captured with open_memstream. The JSON is
 * checked with a small parser written here, not by matching the printf.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "../../vmm/probe.h"

static char *capture(const struct kvm_caps *caps, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	probe_report(f, caps, json);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(strlen(buf), len);
	return buf;
}

static const struct kvm_caps caps_nested = {
	.api_version = 12,
	.vgic_v3 = true,
	.max_vcpus = 512,
	.recommended_vcpus = 8,
	.ipa_bits = 40,
	.el2 = true,
	.el2_e2h0 = false,
	.smccc_filter = true,
	.system_event_data = false,
	.protected_vm = false,
};

static const struct kvm_caps caps_inverse = {
	.api_version = 12,
	.vgic_v3 = false,
	.max_vcpus = 4096,
	.recommended_vcpus = 3,
	.ipa_bits = 52,
	.el2 = false,
	.el2_e2h0 = true,
	.smccc_filter = false,
	.system_event_data = true,
	.protected_vm = true,
};

/* --- A strict JSON parser (RFC 8259), keeping the top object's members. */

#define JSON_MAX_MEMBERS 32

struct json {
	const char *p;
	int nr;
	struct {
		char key[64];
		char value[64]; /* the raw text of a scalar value */
	} m[JSON_MAX_MEMBERS];
};

static bool json_value(struct json *j, int depth, char *raw, size_t raw_size);

static void json_ws(struct json *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

static bool json_string(struct json *j, char *out, size_t size)
{
	size_t n = 0;

	if (*j->p != '"')
		return false;
	for (j->p++; *j->p != '"'; j->p++) {
		unsigned char c = *j->p;

		if (c < 0x20)
			return false;
		if (c == '\\') {
			j->p++;
			if (!*j->p || !strchr("\"\\/bfnrtu", *j->p))
				return false;
			if (*j->p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)j->p[i]))
						return false;
				j->p += 4;
			}
		}
		if (out && n + 1 < size)
			out[n++] = c;
	}
	j->p++;
	if (out)
		out[n] = 0;
	return true;
}

static bool json_number(struct json *j)
{
	const char *s = j->p;

	if (*j->p == '-')
		j->p++;
	if (*j->p == '0')
		j->p++;
	else if (*j->p >= '1' && *j->p <= '9')
		while (isdigit((unsigned char)*j->p))
			j->p++;
	else
		return false;
	if (*j->p == '.') {
		j->p++;
		if (!isdigit((unsigned char)*j->p))
			return false;
		while (isdigit((unsigned char)*j->p))
			j->p++;
	}
	if (*j->p == 'e' || *j->p == 'E') {
		j->p++;
		if (*j->p == '+' || *j->p == '-')
			j->p++;
		if (!isdigit((unsigned char)*j->p))
			return false;
		while (isdigit((unsigned char)*j->p))
			j->p++;
	}
	return j->p > s;
}

static bool json_literal(struct json *j, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(j->p, word, n))
		return false;
	j->p += n;
	return true;
}

/* An object; at depth 0 its members are recorded. */
static bool json_object(struct json *j, int depth)
{
	j->p++; /* '{' */
	json_ws(j);
	if (*j->p == '}') {
		j->p++;
		return true;
	}
	for (;;) {
		char key[64], raw[64];

		json_ws(j);
		if (!json_string(j, key, sizeof(key)))
			return false;
		json_ws(j);
		if (*j->p++ != ':')
			return false;
		json_ws(j);
		if (!json_value(j, depth + 1, raw, sizeof(raw)))
			return false;
		if (depth == 0) {
			for (int i = 0; i < j->nr; i++)
				if (!strcmp(j->m[i].key, key))
					return false; /* duplicate key */
			if (j->nr == JSON_MAX_MEMBERS)
				return false;
			strcpy(j->m[j->nr].key, key);
			strcpy(j->m[j->nr].value, raw);
			j->nr++;
		}
		json_ws(j);
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p++ != '}')
			return false;
		return true;
	}
}

static bool json_array(struct json *j, int depth)
{
	j->p++; /* '[' */
	json_ws(j);
	if (*j->p == ']') {
		j->p++;
		return true;
	}
	for (;;) {
		json_ws(j);
		if (!json_value(j, depth + 1, NULL, 0))
			return false;
		json_ws(j);
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		return *j->p++ == ']';
	}
}

static bool json_value(struct json *j, int depth, char *raw, size_t raw_size)
{
	const char *start = j->p;
	bool ok;

	if (depth > 16)
		return false;
	switch (*j->p) {
	case '{':
		ok = json_object(j, depth);
		break;
	case '[':
		ok = json_array(j, depth);
		break;
	case '"':
		ok = json_string(j, NULL, 0);
		break;
	case 't':
		ok = json_literal(j, "true");
		break;
	case 'f':
		ok = json_literal(j, "false");
		break;
	case 'n':
		ok = json_literal(j, "null");
		break;
	default:
		ok = json_number(j);
		break;
	}
	if (ok && raw)
		snprintf(raw, raw_size, "%.*s", (int)(j->p - start), start);
	return ok;
}

/* Parses text that must be exactly one JSON object (and whitespace). */
static void json_parse(struct json *j, const char *text)
{
	memset(j, 0, sizeof(*j));
	j->p = text;
	json_ws(j);
	ck_assert_msg(*j->p == '{', "not a JSON object: %s", text);
	ck_assert_msg(json_object(j, 0), "invalid JSON near '%.20s': %s", j->p,
		      text);
	json_ws(j);
	ck_assert_msg(*j->p == 0, "text after the JSON object: %s", j->p);
}

static const char *json_get(const struct json *j, const char *key)
{
	for (int i = 0; i < j->nr; i++)
		if (!strcmp(j->m[i].key, key))
			return j->m[i].value;
	ck_abort_msg("JSON has no member \"%s\"", key);
	return NULL;
}

/* --- Text: one "label: value" line per fact. */

/*
 * The one line whose label (the text before its first ':') names word and
 * not the word not; failing that, the one line that mentions word at all.
 */
static char *text_line(const char *text, const char *word, const char * not )
{
	static char line[256];
	int found = 0;

	for (int anywhere = 0; anywhere < 2 && !found; anywhere++) {
		const char *s = text;

		while (*s) {
			size_t n = strcspn(s, "\n");
			size_t label = anywhere ? n : strcspn(s, ":\n");

			if (memmem(s, label, word, strlen(word)) &&
			    (!not || !memmem(s, n, not, strlen(not )))) {
				snprintf(line, sizeof(line), "%.*s", (int)n, s);
				found++;
			}
			s += n + (s[n] == '\n');
		}
	}
	ck_assert_msg(found == 1, "%d lines are about %s:\n%s", found, word,
		      text);
	return line;
}

/* Yes or no, after the line's colon, as a word. */
static void check_yes_no(const char *text, const char *word, const char * not,
			 bool yes)
{
	char *line = text_line(text, word, not );
	char *value = strchr(line, ':');

	ck_assert_msg(value, "no ':' in '%s'", line);
	value++;
	value += strspn(value, " ");
	ck_assert_msg(!strncmp(value, yes ? "yes" : "no", yes ? 3 : 2) &&
			      !isalpha((unsigned char)value[yes ? 3 : 2]),
		      "'%s' does not say %s", line, yes ? "yes" : "no");
}

/* The lab checks the text report this way (tests/lab/scenarios/10-probe). */
START_TEST(test_probe_text)
{
	char *out = capture(&caps_nested, false);
	size_t len = strlen(out);

	ck_assert_uint_gt(len, 0);
	ck_assert_int_eq(out[len - 1], '\n');
	ck_assert_ptr_null(strstr(out, "\n\n"));
	ck_assert_ptr_nonnull(strstr(text_line(out, "API", NULL), "12"));
	check_yes_no(out, "GIC", NULL, true);
	ck_assert_ptr_nonnull(strstr(text_line(out, "vCPU", NULL), "512"));
	ck_assert_ptr_nonnull(strstr(text_line(out, "vCPU", NULL), "8"));
	ck_assert_ptr_nonnull(strstr(text_line(out, "IPA", NULL), "40"));
	check_yes_no(out, "EL2", "E2H0", true);
	check_yes_no(out, "E2H0", NULL, false);
	check_yes_no(out, "SMCCC", NULL, true);
	check_yes_no(out, "SYSTEM_EVENT_DATA", NULL, false);
	check_yes_no(out, "--protected", NULL, false);
	free(out);
}
END_TEST

START_TEST(test_probe_text_inverse)
{
	char *out = capture(&caps_inverse, false);

	check_yes_no(out, "GIC", NULL, false);
	ck_assert_ptr_nonnull(strstr(text_line(out, "vCPU", NULL), "4096"));
	ck_assert_ptr_nonnull(strstr(text_line(out, "IPA", NULL), "52"));
	check_yes_no(out, "EL2", "E2H0", false);
	check_yes_no(out, "E2H0", NULL, true);
	check_yes_no(out, "SMCCC", NULL, false);
	check_yes_no(out, "SYSTEM_EVENT_DATA", NULL, true);
	/* pKVM accepts the type, but a protected VM needs the vGICv3. */
	check_yes_no(out, "--protected", NULL, false);
	free(out);
}
END_TEST

/* Every fact is a member, with JSON's own types. */
START_TEST(test_probe_json)
{
	char *out = capture(&caps_nested, true);
	struct json j;

	json_parse(&j, out);
	ck_assert_str_eq(json_get(&j, "api_version"), "12");
	ck_assert_str_eq(json_get(&j, "vgic_v3"), "true");
	ck_assert_str_eq(json_get(&j, "max_vcpus"), "512");
	ck_assert_str_eq(json_get(&j, "recommended_vcpus"), "8");
	ck_assert_str_eq(json_get(&j, "ipa_bits"), "40");
	ck_assert_str_eq(json_get(&j, "el2"), "true");
	ck_assert_str_eq(json_get(&j, "el2_e2h0"), "false");
	ck_assert_str_eq(json_get(&j, "smccc_filter"), "true");
	ck_assert_str_eq(json_get(&j, "system_event_data"), "false");
	ck_assert_str_eq(json_get(&j, "nested"), "true");
	ck_assert_str_eq(json_get(&j, "e2h0"), "false");
	ck_assert_str_eq(json_get(&j, "protected"), "false");
	/* One line, for line-oriented tools. */
	ck_assert_ptr_eq(strchr(out, '\n'), out + strlen(out) - 1);
	free(out);
}
END_TEST

START_TEST(test_probe_json_inverse)
{
	char *out = capture(&caps_inverse, true);
	struct json j;

	json_parse(&j, out);
	ck_assert_str_eq(json_get(&j, "vgic_v3"), "false");
	ck_assert_str_eq(json_get(&j, "max_vcpus"), "4096");
	ck_assert_str_eq(json_get(&j, "recommended_vcpus"), "3");
	ck_assert_str_eq(json_get(&j, "ipa_bits"), "52");
	ck_assert_str_eq(json_get(&j, "el2"), "false");
	ck_assert_str_eq(json_get(&j, "el2_e2h0"), "true");
	ck_assert_str_eq(json_get(&j, "smccc_filter"), "false");
	ck_assert_str_eq(json_get(&j, "system_event_data"), "true");
	free(out);
}
END_TEST

/*
 * Whether `lkvm run --nested` and `--e2h0` can work here. KVM gives a vCPU
 * EL2 (KVM_ARM_VCPU_HAS_EL2) only with KVM_CAP_ARM_EL2, and nested
 * virtualization needs the in-kernel vGICv3; EL2 without VHE further needs
 * KVM_CAP_ARM_EL2_E2H0 (Documentation/virt/kvm/api.rst).
 */
START_TEST(test_probe_verdicts)
{
	struct kvm_caps c = caps_nested;
	bool nested, e2h0, prot;
	struct json j;
	char *out;

	c.vgic_v3 = _i & 1;
	c.el2 = _i & 2;
	c.el2_e2h0 = _i & 4;
	c.protected_vm = _i & 8;
	nested = c.vgic_v3 && c.el2;
	e2h0 = nested && c.el2_e2h0;
	/* pKVM's protected VMs: the VM type accepted, and its vGICv3. */
	prot = c.protected_vm && c.vgic_v3;

	out = capture(&c, false);
	check_yes_no(out, "--nested", NULL, nested);
	check_yes_no(out, "--e2h0", NULL, e2h0);
	check_yes_no(out, "--protected", NULL, prot);
	/* A "no" says what is missing. */
	if (!nested)
		ck_assert_uint_gt(strlen(text_line(out, "--nested", NULL)),
				  strlen("run --nested: no: "));
	free(out);

	out = capture(&c, true);
	json_parse(&j, out);
	ck_assert_str_eq(json_get(&j, "nested"), nested ? "true" : "false");
	ck_assert_str_eq(json_get(&j, "e2h0"), e2h0 ? "true" : "false");
	ck_assert_str_eq(json_get(&j, "el2"), c.el2 ? "true" : "false");
	ck_assert_str_eq(json_get(&j, "protected"), prot ? "true" : "false");
	free(out);
}
END_TEST

/* Numbers at the ends of their types stay valid JSON numbers. */
START_TEST(test_probe_json_extremes)
{
	struct kvm_caps c = {
		.api_version = -1,
		.max_vcpus = 4294967295u,
		.recommended_vcpus = 0,
		.ipa_bits = 0,
	};
	char *out = capture(&c, true);
	struct json j;

	json_parse(&j, out);
	ck_assert_str_eq(json_get(&j, "api_version"), "-1");
	ck_assert_str_eq(json_get(&j, "max_vcpus"), "4294967295");
	ck_assert_str_eq(json_get(&j, "recommended_vcpus"), "0");
	free(out);
}
END_TEST

/* The parser itself refuses what is not JSON (it guards the tests above). */
START_TEST(test_probe_json_parser)
{
	static const char *const bad[] = {
		"{\"a\": True}",	"{\"a\": 01}",
		"{\"a\": 1,}",		"{'a': 1}",
		"{\"a\": 1} x",		"{\"a\" 1}",
		"{\"a\": 1, \"a\": 2}", "{\"a\": .5}",
		"{\"a\": yes}",		"{\"a\": \"\x01\"}",
		"{\"a\": [1,]}",	"{\"a\": 1",
	};
	struct json j;

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&j, 0, sizeof(j));
		j.p = bad[i];
		ck_assert_msg(!json_object(&j, 0) || (json_ws(&j), *j.p),
			      "parser accepts %s", bad[i]);
	}
	json_parse(
		&j,
		" {\"a\": [1, -2.5e3, {\"b\": null}], \"c\": \"\\u00e9\"}\n");
	ck_assert_int_eq(j.nr, 2);
}
END_TEST

Suite *probe_suite(void)
{
	Suite *s = suite_create("probe");
	TCase *tc = tcase_create("report");

	tcase_add_test(tc, test_probe_text);
	tcase_add_test(tc, test_probe_text_inverse);
	tcase_add_test(tc, test_probe_json);
	tcase_add_test(tc, test_probe_json_inverse);
	tcase_add_test(tc, test_probe_json_extremes);
	tcase_add_loop_test(tc, test_probe_verdicts, 0, 16);
	tcase_add_test(tc, test_probe_json_parser);
	suite_add_tcase(s, tc);
	return s;
}
