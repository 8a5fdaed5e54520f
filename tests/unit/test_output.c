// SPDX-License-Identifier: GPL-2.0
/* output.c: JSON strings, times, the order of sources, and each rendering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "output.h"
#include "parse.h"

#define NS(secs) ((uint64_t)(secs) * 1000000000u)
#define T0 1796406440u		/* 2026-12-04T17:47:20Z */

/* What a rendering wrote, collected with open_memstream. */
struct capture {
	FILE *f;
	char *text;
	size_t len;
};

static FILE *capture_start(struct capture *c)
{
	c->f = open_memstream(&c->text, &c->len);
	assert_non_null(c->f);
	return c->f;
}

static void capture_check(struct capture *c, const char *want)
{
	assert_int_equal(fclose(c->f), 0);
	assert_string_equal(c->text, want);
	free(c->text);
}

static void json_string_is(const char *in, const char *want)
{
	struct capture c;

	json_write_string(capture_start(&c), in);
	capture_check(&c, want);
}

static void test_json_escaping(void **state)
{
	(void)state;
	json_string_is("", "\"\"");
	json_string_is("10.0.0.5", "\"10.0.0.5\"");
	json_string_is("a\"b\\c/d", "\"a\\\"b\\\\c/d\"");
	json_string_is("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"");
	json_string_is("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
	/* valid UTF-8 passes, anything else becomes U+FFFD byte by byte */
	json_string_is("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa7",
		       "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa7\"");
	json_string_is("\xff", "\"\\ufffd\"");
	json_string_is("a\xc3", "\"a\\ufffd\"");
	json_string_is("\xc3(", "\"\\ufffd(\"");
	json_string_is("\xc0\xaf", "\"\\ufffd\\ufffd\"");		/* overlong */
	json_string_is("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");
	json_string_is("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");	/* surrogate */
	json_string_is("\xf4\x90\x80\x80",			/* > U+10FFFF */
		       "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	json_string_is("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"");
}

static void test_rfc3339(void **state)
{
	char buf[TIME_STRLEN];

	(void)state;
	assert_string_equal(format_time(0, buf, sizeof(buf)),
			    "1970-01-01T00:00:00Z");
	assert_string_equal(format_time(NS(T0), buf, sizeof(buf)),
			    "2026-12-04T17:47:20Z");
	/* second precision: the nanoseconds are cut, not rounded */
	assert_string_equal(format_time(NS(T0) + 999999999u, buf, sizeof(buf)),
			    "2026-12-04T17:47:20Z");
	assert_string_equal(format_time(NS(951782400u), buf, sizeof(buf)),
			    "2000-02-29T00:00:00Z");
	assert_string_equal(format_time(NS(4102444799u), buf, sizeof(buf)),
			    "2099-12-31T23:59:59Z");
}

static struct op25b_source source(const char *addr, uint64_t denied)
{
	struct op25b_source s = { .denied = denied };

	s.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(s.family, addr, s.addr), 1);
	return s;
}

static void test_sources_sort(void **state)
{
	struct op25b_source v[] = {
		source("10.1.0.10", 3),
		source("2001:db8::1", 7),
		source("10.1.0.2", 3),
		source("fd00::2", 3),
		source("10.1.0.9", 1),
		source("192.0.2.1", 3),
		source("::1", 3),
	};
	static const char *const want[] = {
		"2001:db8::1", "10.1.0.2", "10.1.0.10", "192.0.2.1",
		"::1", "fd00::2", "10.1.0.9",
	};
	char buf[ADDR_STRLEN];
	size_t i;

	(void)state;
	sources_sort(v, sizeof(v) / sizeof(v[0]));
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_string_equal(format_addr(v[i].family, v[i].addr,
						buf, sizeof(buf)), want[i]);
	sources_sort(v, 0);
}

static struct op25b_prefix prefix(const char *text)
{
	char err[PARSE_ERRLEN];
	struct op25b_prefix p;

	assert_int_equal(parse_prefix(text, &p, err, sizeof(err)), 0);
	return p;
}

static void test_list(void **state)
{
	const struct op25b_prefix v[] = {
		prefix("10.0.0.5"), prefix("192.0.2.0/28"),
		prefix("fd00::5"), prefix("2001:db8::/32"),
	};
	struct capture c;

	(void)state;
	output_prefixes(capture_start(&c), OUTPUT_TEXT, v, 4);
	capture_check(&c, "10.0.0.5\n192.0.2.0/28\nfd00::5\n2001:db8::/32\n");
	output_prefixes(capture_start(&c), OUTPUT_JSON, v, 2);
	capture_check(&c, "{\"allow\": [\"10.0.0.5\", \"192.0.2.0/28\"]}\n");
	output_prefixes(capture_start(&c), OUTPUT_TEXT, v, 0);
	capture_check(&c, "");
	output_prefixes(capture_start(&c), OUTPUT_JSON, v, 0);
	capture_check(&c, "{\"allow\": []}\n");
}

static void stats_sources(struct op25b_source v[3])
{
	v[0] = source("fd00::7", 1);
	inet_pton(AF_INET6, "2001:db8:25::25", v[0].last_dst);
	v[0].first_seen = v[0].last_seen = NS(T0 + 5);
	v[0].last_port = 587;
	v[1] = source("10.1.0.2", 3);
	inet_pton(AF_INET, "203.0.113.25", v[1].last_dst);
	v[1].first_seen = NS(T0) + 123456789u;
	v[1].last_seen = NS(T0 + 161);
	v[1].last_port = 25;
	v[2] = source("10.1.0.10", 3);
	inet_pton(AF_INET, "198.51.100.7", v[2].last_dst);
	v[2].first_seen = NS(T0 + 1);
	v[2].last_seen = NS(T0 + 2);
	v[2].last_port = 25;
}

static const struct op25b_totals totals = {
	.inspected = 12, .allowed = 4, .denied = 8, .untracked = 1,
};

static void test_stats_text(void **state)
{
	struct op25b_source v[3];
	struct capture c;

	(void)state;
	stats_sources(v);
	output_stats(capture_start(&c), OUTPUT_TEXT, v, 3, &totals);
	capture_check(&c,
"SOURCE     DENIED  FIRST_SEEN            LAST_SEEN             LAST_DESTINATION\n"
"10.1.0.2   3       2026-12-04T17:47:20Z  2026-12-04T17:50:01Z  203.0.113.25:25\n"
"10.1.0.10  3       2026-12-04T17:47:21Z  2026-12-04T17:47:22Z  198.51.100.7:25\n"
"fd00::7    1       2026-12-04T17:47:25Z  2026-12-04T17:47:25Z  [2001:db8:25::25]:587\n"
"totals: inspected 12 allowed 4 denied 8 untracked 1\n");

	output_stats(capture_start(&c), OUTPUT_TEXT, v, 0, &totals);
	capture_check(&c,
"SOURCE  DENIED  FIRST_SEEN  LAST_SEEN  LAST_DESTINATION\n"
"totals: inspected 12 allowed 4 denied 8 untracked 1\n");
}

static void test_stats_json(void **state)
{
	struct op25b_source v[3];
	struct capture c;

	(void)state;
	stats_sources(v);
	output_stats(capture_start(&c), OUTPUT_JSON, v, 3, &totals);
	capture_check(&c,
"{\"sources\": ["
"{\"source\": \"10.1.0.2\", \"denied\": 3, "
"\"first_seen\": \"2026-12-04T17:47:20Z\", \"last_seen\": \"2026-12-04T17:50:01Z\", "
"\"last_destination\": \"203.0.113.25\", \"last_port\": 25}, "
"{\"source\": \"10.1.0.10\", \"denied\": 3, "
"\"first_seen\": \"2026-12-04T17:47:21Z\", \"last_seen\": \"2026-12-04T17:47:22Z\", "
"\"last_destination\": \"198.51.100.7\", \"last_port\": 25}, "
"{\"source\": \"fd00::7\", \"denied\": 1, "
"\"first_seen\": \"2026-12-04T17:47:25Z\", \"last_seen\": \"2026-12-04T17:47:25Z\", "
"\"last_destination\": \"2001:db8:25::25\", \"last_port\": 587}], "
"\"totals\": {\"inspected\": 12, \"allowed\": 4, \"denied\": 8, \"untracked\": 1}}\n");

	output_stats(capture_start(&c), OUTPUT_JSON, v, 0, &totals);
	capture_check(&c,
"{\"sources\": [], \"totals\": {\"inspected\": 12, \"allowed\": 4, "
"\"denied\": 8, \"untracked\": 1}}\n");
}

static void test_status(void **state)
{
	struct op25b_status st = {
		.version = "0.1.0 \"dev\"",
		.enabled = true,
		.action = OP25B_ACTION_DROP,
		.ports = { 25, 587 },
		.nports = 2,
		.allow_entries = 3,
		.allow_max = 1024,
		.sources = 2,
		.sources_max = 4096,
		.totals = { 18446744073709551615u, 2, 3, 0 },
	};
	struct capture c;

	(void)state;
	output_status(capture_start(&c), OUTPUT_TEXT, &st);
	capture_check(&c,
		      "version: 0.1.0 \"dev\"\n"
		      "enabled: yes\n"
		      "action: drop\n"
		      "ports: 25,587\n"
		      "allow_entries: 3 (max 1024)\n"
		      "sources: 2 (max 4096)\n"
		      "inspected: 18446744073709551615\n"
		      "allowed: 2\n"
		      "denied: 3\n"
		      "untracked: 0\n");
	output_status(capture_start(&c), OUTPUT_JSON, &st);
	capture_check(&c,
		      "{\"version\": \"0.1.0 \\\"dev\\\"\", \"enabled\": true, "
		      "\"action\": \"drop\", \"ports\": [25, 587], "
		      "\"allow_entries\": 3, \"allow_max\": 1024, "
		      "\"sources\": 2, \"sources_max\": 4096, "
		      "\"totals\": {\"inspected\": 18446744073709551615, "
		      "\"allowed\": 2, \"denied\": 3, \"untracked\": 0}}\n");

	st.enabled = false;
	st.action = 42;
	st.nports = 0;
	output_status(capture_start(&c), OUTPUT_JSON, &st);
	capture_check(&c,
		      "{\"version\": \"0.1.0 \\\"dev\\\"\", \"enabled\": false, "
		      "\"action\": \"unknown\", \"ports\": [], "
		      "\"allow_entries\": 3, \"allow_max\": 1024, "
		      "\"sources\": 2, \"sources_max\": 4096, "
		      "\"totals\": {\"inspected\": 18446744073709551615, "
		      "\"allowed\": 2, \"denied\": 3, \"untracked\": 0}}\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_escaping),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_sources_sort),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_stats_text),
		cmocka_unit_test(test_stats_json),
		cmocka_unit_test(test_status),
	};

	return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
