// SPDX-License-Identifier: GPL-2.0
/*
 * output.c, prometheus.c, json.c: JSON strings, times, the orders of
 * sources, and each rendering: lists, stats (text, JSON, Prometheus),
 * status, events.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "json.h"
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

/* write(f, in) writes want */
static void written_is(void (*write)(FILE *f, const char *s),
		       const char *in, const char *want)
{
	struct capture c;

	write(capture_start(&c), in);
	capture_check(&c, want);
}

#define json_string_is(in, want) written_is(json_write_string, in, want)
#define label_is(in, want) written_is(prometheus_write_label, in, want)

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

/* the sources of v, in order, are want */
static void order_is(const struct op25b_source *v, size_t n,
		     const char *const *want)
{
	char buf[ADDR_STRLEN];
	size_t i;

	for (i = 0; i < n; i++)
		assert_string_equal(format_addr(v[i].family, v[i].addr,
						buf, sizeof(buf)), want[i]);
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
		source("10.1.0.8", 0),
		source("10.1.0.7", 0),
	};
	static const char *const by_denied[] = {
		"2001:db8::1", "10.1.0.2", "10.1.0.10", "192.0.2.1",
		"::1", "fd00::2", "10.1.0.9", "10.1.0.8", "10.1.0.7",
	};
	static const char *const by_source[] = {
		"10.1.0.2", "10.1.0.7", "10.1.0.8", "10.1.0.9", "10.1.0.10",
		"192.0.2.1", "::1", "2001:db8::1", "fd00::2",
	};
	static const char *const by_last[] = {
		"10.1.0.8", "10.1.0.9", "10.1.0.2", "10.1.0.7", "10.1.0.10",
		"192.0.2.1", "::1", "2001:db8::1", "fd00::2",
	};
	const size_t n = sizeof(v) / sizeof(v[0]);

	(void)state;
	/* denied ties: most audited first, then by address */
	v[7].audited = 5;		/* 10.1.0.8 */
	v[8].audited = 4;		/* 10.1.0.7 */
	v[7].last_seen = NS(T0 + 9);	/* 10.1.0.8 */
	v[4].last_seen = NS(T0 + 8);	/* 10.1.0.9 */
	v[2].last_seen = NS(T0 + 7);	/* 10.1.0.2 */
	sources_sort(v, n, ORDER_DENIED);
	order_is(v, n, by_denied);
	sources_sort(v, n, ORDER_SOURCE);
	order_is(v, n, by_source);
	sources_sort(v, n, ORDER_LAST);	/* never seen: by address */
	order_is(v, n, by_last);
	sources_sort(v, 0, ORDER_DENIED);
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
	struct op25b_entry v[] = {
		{ prefix("10.0.0.5"), OP25B_LIST_ALLOW, "main \"MTA\"" },
		{ prefix("192.0.2.0/28"), OP25B_LIST_ALLOW, "" },
		{ prefix("fd00::5"), OP25B_LIST_ALLOW, "caf\xc3\xa9" },
		{ prefix("2001:db8::/32"), OP25B_LIST_ALLOW, "" },
	};
	struct capture c;

	(void)state;
	output_entries(capture_start(&c), OUTPUT_TEXT, OP25B_LIST_ALLOW, v, 4);
	capture_check(&c, "10.0.0.5  # main \"MTA\"\n192.0.2.0/28\n"
		      "fd00::5  # caf\xc3\xa9\n2001:db8::/32\n");
	output_entries(capture_start(&c), OUTPUT_JSON, OP25B_LIST_ALLOW, v, 4);
	capture_check(&c, "{\"allow\": [\"10.0.0.5\", \"192.0.2.0/28\", "
		      "\"fd00::5\", \"2001:db8::/32\"], \"comments\": "
		      "{\"10.0.0.5\": \"main \\\"MTA\\\"\", "
		      "\"fd00::5\": \"caf\xc3\xa9\"}}\n");
	/* without comments: exactly {"allow": [...]}, as before */
	output_entries(capture_start(&c), OUTPUT_JSON, OP25B_LIST_ALLOW,
		       v + 1, 1);
	capture_check(&c, "{\"allow\": [\"192.0.2.0/28\"]}\n");
	output_entries(capture_start(&c), OUTPUT_TEXT, OP25B_LIST_ALLOW, v, 0);
	capture_check(&c, "");
	output_entries(capture_start(&c), OUTPUT_JSON, OP25B_LIST_ALLOW, v, 0);
	capture_check(&c, "{\"allow\": []}\n");
	/* the key is the list's name */
	output_entries(capture_start(&c), OUTPUT_JSON, OP25B_LIST_SCOPE,
		       v + 3, 1);
	capture_check(&c, "{\"scope\": [\"2001:db8::/32\"]}\n");
	output_entries(capture_start(&c), OUTPUT_JSON, OP25B_LIST_EXEMPT, v, 1);
	capture_check(&c, "{\"exempt\": [\"10.0.0.5\"], \"comments\": "
		      "{\"10.0.0.5\": \"main \\\"MTA\\\"\"}}\n");
}

/* Three sources, most denied first. */
static void stats_sources(struct op25b_source v[3])
{
	v[0] = source("10.1.0.2", 3);
	inet_pton(AF_INET, "203.0.113.25", v[0].last_dst);
	v[0].first_seen = NS(T0) + 123456789u;
	v[0].last_seen = NS(T0 + 161) + 500000000u;
	v[0].last_port = 25;
	v[1] = source("10.1.0.10", 3);
	v[1].audited = 12;
	inet_pton(AF_INET, "198.51.100.7", v[1].last_dst);
	v[1].first_seen = NS(T0 + 1);
	v[1].last_seen = NS(T0 + 2);
	v[1].last_port = 25;
	v[2] = source("fd00::7", 1);
	inet_pton(AF_INET6, "2001:db8:25::25", v[2].last_dst);
	v[2].first_seen = v[2].last_seen = NS(T0 + 5) + 1;
	v[2].last_port = 587;
}

static const struct op25b_totals totals = {
	.inspected = 27, .allowed = 4, .denied = 8, .untracked = 1,
	.audited = 12, .exempt = 3,
};

static void test_stats_text(void **state)
{
	struct op25b_source v[3];
	struct capture c;

	(void)state;
	stats_sources(v);
	output_stats(capture_start(&c), OUTPUT_TEXT, v, 3, 3, &totals);
	capture_check(&c,
"SOURCE     DENIED  AUDITED  FIRST_SEEN            LAST_SEEN             LAST_DESTINATION\n"
"10.1.0.2   3       0        2026-12-04T17:47:20Z  2026-12-04T17:50:01Z  203.0.113.25:25\n"
"10.1.0.10  3       12       2026-12-04T17:47:21Z  2026-12-04T17:47:22Z  198.51.100.7:25\n"
"fd00::7    1       0        2026-12-04T17:47:25Z  2026-12-04T17:47:25Z  [2001:db8:25::25]:587\n"
"totals: inspected 27 allowed 4 denied 8 untracked 1 audited 12 exempt 3\n");

	output_stats(capture_start(&c), OUTPUT_TEXT, v, 0, 3, &totals);
	capture_check(&c,
"SOURCE  DENIED  AUDITED  FIRST_SEEN  LAST_SEEN  LAST_DESTINATION\n"
"totals: inspected 27 allowed 4 denied 8 untracked 1 audited 12 exempt 3\n");
}

static void test_stats_json(void **state)
{
	struct op25b_source v[3];
	struct capture c;

	(void)state;
	stats_sources(v);
	output_stats(capture_start(&c), OUTPUT_JSON, v, 3, 3, &totals);
	capture_check(&c,
"{\"sources\": ["
"{\"source\": \"10.1.0.2\", \"denied\": 3, \"audited\": 0, "
"\"first_seen\": \"2026-12-04T17:47:20Z\", \"last_seen\": \"2026-12-04T17:50:01Z\", "
"\"last_destination\": \"203.0.113.25\", \"last_port\": 25}, "
"{\"source\": \"10.1.0.10\", \"denied\": 3, \"audited\": 12, "
"\"first_seen\": \"2026-12-04T17:47:21Z\", \"last_seen\": \"2026-12-04T17:47:22Z\", "
"\"last_destination\": \"198.51.100.7\", \"last_port\": 25}, "
"{\"source\": \"fd00::7\", \"denied\": 1, \"audited\": 0, "
"\"first_seen\": \"2026-12-04T17:47:25Z\", \"last_seen\": \"2026-12-04T17:47:25Z\", "
"\"last_destination\": \"2001:db8:25::25\", \"last_port\": 587}], "
"\"totals\": {\"inspected\": 27, \"allowed\": 4, \"denied\": 8, \"untracked\": 1, "
"\"audited\": 12, \"exempt\": 3}}\n");

	/* no source shown (--top cuts in cmd_stats.c): totals stay totals */
	output_stats(capture_start(&c), OUTPUT_JSON, v, 0, 3, &totals);
	capture_check(&c,
"{\"sources\": [], \"totals\": {\"inspected\": 27, \"allowed\": 4, "
"\"denied\": 8, \"untracked\": 1, \"audited\": 12, \"exempt\": 3}}\n");
}

/*
 * What a backend cannot tell (nft: times 0) shows as "-" and null; the
 * module's port 0 (unknown port, with times) stays a port.
 */
static void test_stats_unknown(void **state)
{
	struct op25b_source v[2];
	struct capture c;

	(void)state;
	v[0] = source("10.1.0.2", 3);
	v[0].audited = 1;
	v[1] = source("fd00::7", 1);
	inet_pton(AF_INET6, "2001:db8:25::25", v[1].last_dst);
	v[1].first_seen = v[1].last_seen = NS(T0);
	v[1].last_port = 0;
	output_stats(capture_start(&c), OUTPUT_TEXT, v, 2, 2, &totals);
	capture_check(&c,
"SOURCE    DENIED  AUDITED  FIRST_SEEN            LAST_SEEN             LAST_DESTINATION\n"
"10.1.0.2  3       1        -                     -                     -\n"
"fd00::7   1       0        2026-12-04T17:47:20Z  2026-12-04T17:47:20Z  [2001:db8:25::25]:0\n"
"totals: inspected 27 allowed 4 denied 8 untracked 1 audited 12 exempt 3\n");
	output_stats(capture_start(&c), OUTPUT_JSON, v, 1, 2, &totals);
	capture_check(&c,
"{\"sources\": ["
"{\"source\": \"10.1.0.2\", \"denied\": 3, \"audited\": 1, "
"\"first_seen\": null, \"last_seen\": null, "
"\"last_destination\": null, \"last_port\": null}], "
"\"totals\": {\"inspected\": 27, \"allowed\": 4, \"denied\": 8, \"untracked\": 1, "
"\"audited\": 12, \"exempt\": 3}}\n");
	/* no last_seen sample for it; the counters are there */
	output_stats(capture_start(&c), OUTPUT_PROMETHEUS, v, 1, 1, &totals);
	assert_int_equal(fclose(c.f), 0);
	assert_non_null(strstr(c.text, "op25b_source_denied_total{source=\"10.1.0.2\"} 3\n"));
	assert_non_null(strstr(c.text, "op25b_source_audited_total{source=\"10.1.0.2\"} 1\n"));
	assert_null(strstr(c.text, "op25b_source_last_seen_timestamp_seconds{"));
	free(c.text);
}

static const char prometheus_totals[] =
"# HELP op25b_inspected_total TCP SYNs to a blocked port that op25b judged.\n"
"# TYPE op25b_inspected_total counter\n"
"op25b_inspected_total 27\n"
"# HELP op25b_exempt_total SYNs passed because their destination is exempt.\n"
"# TYPE op25b_exempt_total counter\n"
"op25b_exempt_total 3\n"
"# HELP op25b_allowed_total SYNs passed because their source is allowed.\n"
"# TYPE op25b_allowed_total counter\n"
"op25b_allowed_total 4\n"
"# HELP op25b_audited_total SYNs that would have been denied, passed by audit mode or scope.\n"
"# TYPE op25b_audited_total counter\n"
"op25b_audited_total 12\n"
"# HELP op25b_denied_total SYNs denied.\n"
"# TYPE op25b_denied_total counter\n"
"op25b_denied_total 8\n"
"# HELP op25b_untracked_total Denied or audited SYNs not counted per source (table full).\n"
"# TYPE op25b_untracked_total counter\n"
"op25b_untracked_total 1\n"
"# HELP op25b_tracked_sources Sources in the per-source table.\n"
"# TYPE op25b_tracked_sources gauge\n";

static const char prometheus_source_help[][200] = {
"# HELP op25b_source_denied_total SYNs denied, by source.\n"
"# TYPE op25b_source_denied_total counter\n",
"# HELP op25b_source_audited_total SYNs audited, by source.\n"
"# TYPE op25b_source_audited_total counter\n",
"# HELP op25b_source_last_seen_timestamp_seconds Latest denial or audit of "
"the source, in seconds since the epoch.\n"
"# TYPE op25b_source_last_seen_timestamp_seconds gauge\n",
};

static void test_stats_prometheus(void **state)
{
	struct op25b_source v[3];
	struct capture c;
	char want[4096];

	(void)state;
	stats_sources(v);
	output_stats(capture_start(&c), OUTPUT_PROMETHEUS, v, 3, 5, &totals);
	snprintf(want, sizeof(want), "%s%s%s%s%s%s%s%s%s%s%s%s%s%s",
		 prometheus_totals,
		 "op25b_tracked_sources 5\n",
		 prometheus_source_help[0],
		 "op25b_source_denied_total{source=\"10.1.0.2\"} 3\n",
		 "op25b_source_denied_total{source=\"10.1.0.10\"} 3\n",
		 "op25b_source_denied_total{source=\"fd00::7\"} 1\n",
		 prometheus_source_help[1],
		 "op25b_source_audited_total{source=\"10.1.0.2\"} 0\n"
		 "op25b_source_audited_total{source=\"10.1.0.10\"} 12\n",
		 "op25b_source_audited_total{source=\"fd00::7\"} 0\n",
		 prometheus_source_help[2],
		 "op25b_source_last_seen_timestamp_seconds"
		 "{source=\"10.1.0.2\"} 1796406601.5\n",
		 "op25b_source_last_seen_timestamp_seconds"
		 "{source=\"10.1.0.10\"} 1796406442\n",
		 "op25b_source_last_seen_timestamp_seconds"
		 "{source=\"fd00::7\"} 1796406445.000000001\n",
		 "");
	capture_check(&c, want);

	/* no source: every family still there, without samples */
	output_stats(capture_start(&c), OUTPUT_PROMETHEUS, v, 0, 0, &totals);
	snprintf(want, sizeof(want), "%sop25b_tracked_sources 0\n%s%s%s",
		 prometheus_totals, prometheus_source_help[0],
		 prometheus_source_help[1], prometheus_source_help[2]);
	capture_check(&c, want);
}

static void test_prometheus_labels(void **state)
{
	(void)state;
	label_is("10.1.0.2", "\"10.1.0.2\"");
	label_is("", "\"\"");
	label_is("a\\b", "\"a\\\\b\"");
	label_is("say \"hi\"", "\"say \\\"hi\\\"\"");
	label_is("two\nlines", "\"two\\nlines\"");
	label_is("tab\there caf\xc3\xa9", "\"tab\there caf\xc3\xa9\"");
}

static void status_lists(struct vec *scope, struct vec *exempt)
{
	struct op25b_entry *e;

	*scope = (struct vec)VEC_INIT(struct op25b_entry);
	*exempt = (struct vec)VEC_INIT(struct op25b_entry);
	e = vec_push(scope);
	e->prefix = prefix("10.1.0.0/16");
	snprintf(e->comment, sizeof(e->comment), "pilot");
	e = vec_push(scope);
	e->prefix = prefix("fd00:1::/64");
	e = vec_push(exempt);
	e->prefix = prefix("10.0.0.0/8");
}

/* What both renderings of test_status end with. */
#define STATUS_TEXT_TAIL						\
	"sources: 2 (max 4096)\n"					\
	"inspected: 18446744073709551615\n"				\
	"allowed: 2\n"							\
	"denied: 3\n"							\
	"untracked: 0\n"						\
	"audited: 4\n"							\
	"exempted: 5\n"
#define STATUS_JSON_TAIL						\
	"\"sources\": 2, \"sources_max\": 4096, "			\
	"\"totals\": {\"inspected\": 18446744073709551615, "		\
	"\"allowed\": 2, \"denied\": 3, \"untracked\": 0, "		\
	"\"audited\": 4, \"exempt\": 5}}\n"

static void test_status(void **state)
{
	struct op25b_status st = {
		.version = "0.1.0 \"dev\"",
		.enabled = true,
		.mode = OP25B_MODE_AUDIT,
		.action = OP25B_ACTION_DROP,
		.ports = { 25, 587 },
		.nports = 2,
		.allow_entries = 3,
		.scope_entries = 2,
		.exempt_entries = 1,
		.allow_max = 1024,
		.sources = 2,
		.sources_max = 4096,
		.totals = { 18446744073709551615u, 2, 3, 0, 4, 5 },
	};
	struct vec scope, exempt;
	struct capture c;

	(void)state;
	status_lists(&scope, &exempt);
	output_status(capture_start(&c), OUTPUT_TEXT, &st, &scope, &exempt);
	capture_check(&c,
		      "version: 0.1.0 \"dev\"\n"
		      "enabled: yes\n"
		      "mode: audit\n"
		      "action: drop\n"
		      "ports: 25,587\n"
		      "allow_entries: 3 (max 1024)\n"
		      "scope: 10.1.0.0/16, fd00:1::/64\n"
		      "exempt: 10.0.0.0/8\n"
		      STATUS_TEXT_TAIL);
	output_status(capture_start(&c), OUTPUT_JSON, &st, &scope, &exempt);
	capture_check(&c,
		      "{\"version\": \"0.1.0 \\\"dev\\\"\", \"enabled\": true, "
		      "\"mode\": \"audit\", "
		      "\"action\": \"drop\", \"ports\": [25, 587], "
		      "\"allow_entries\": 3, \"allow_max\": 1024, "
		      "\"scope_entries\": 2, \"exempt_entries\": 1, "
		      "\"scope\": [\"10.1.0.0/16\", \"fd00:1::/64\"], "
		      "\"exempt\": [\"10.0.0.0/8\"], "
		      STATUS_JSON_TAIL);

	st.enabled = false;
	st.mode = 42;
	st.action = 42;
	st.nports = 0;
	scope.n = exempt.n = 0;
	output_status(capture_start(&c), OUTPUT_TEXT, &st, &scope, &exempt);
	capture_check(&c,
		      "version: 0.1.0 \"dev\"\n"
		      "enabled: no\n"
		      "mode: unknown\n"
		      "action: unknown\n"
		      "ports: \n"
		      "allow_entries: 3 (max 1024)\n"
		      "scope: (none)\n"
		      "exempt: (none)\n"
		      STATUS_TEXT_TAIL);
	output_status(capture_start(&c), OUTPUT_JSON, &st, &scope, &exempt);
	capture_check(&c,
		      "{\"version\": \"0.1.0 \\\"dev\\\"\", \"enabled\": false, "
		      "\"mode\": \"unknown\", "
		      "\"action\": \"unknown\", \"ports\": [], "
		      "\"allow_entries\": 3, \"allow_max\": 1024, "
		      "\"scope_entries\": 2, \"exempt_entries\": 1, "
		      "\"scope\": [], \"exempt\": [], "
		      STATUS_JSON_TAIL);
	vec_free(&scope);
	vec_free(&exempt);
}

static struct op25b_event event(void)
{
	struct op25b_event ev = {
		.time = NS(1796407200u) + 999,	/* 2026-12-04T18:00:00Z */
		.verdict = OP25B_VERDICT_DENIED,
		.family = AF_INET,
		.sport = 51234,
		.dport = 25,
		.hook = 2,			/* NF_INET_FORWARD */
		.outdev = "eth1",
	};

	inet_pton(AF_INET, "10.1.0.2", ev.saddr);
	inet_pton(AF_INET, "203.0.113.25", ev.daddr);
	return ev;
}

static void test_event_text(void **state)
{
	struct op25b_event ev = event();
	struct capture c;

	(void)state;
	output_event(capture_start(&c), OUTPUT_TEXT, &ev);
	capture_check(&c, "2026-12-04T18:00:00Z denied 10.1.0.2:51234 -> "
		      "203.0.113.25:25 (forward, out eth1)\n");

	ev.verdict = OP25B_VERDICT_AUDITED;
	ev.family = AF_INET6;
	inet_pton(AF_INET6, "fd00:1::2", ev.saddr);
	inet_pton(AF_INET6, "2001:db8:25::25", ev.daddr);
	ev.hook = 3;				/* NF_INET_LOCAL_OUT */
	ev.suppressed = 17;
	output_event(capture_start(&c), OUTPUT_TEXT, &ev);
	capture_check(&c, "(17 events suppressed)\n"
		      "2026-12-04T18:00:00Z audited [fd00:1::2]:51234 -> "
		      "[2001:db8:25::25]:25 (output, out eth1)\n");

	ev.verdict = 9;
	ev.hook = 0;
	ev.outdev[0] = '\0';
	ev.suppressed = 0;
	ev.sport = 0;
	output_event(capture_start(&c), OUTPUT_TEXT, &ev);
	capture_check(&c, "2026-12-04T18:00:00Z unknown [fd00:1::2]:0 -> "
		      "[2001:db8:25::25]:25 (hook 0)\n");
}

static void test_event_json(void **state)
{
	struct op25b_event ev = event();
	struct capture c;

	(void)state;
	output_event(capture_start(&c), OUTPUT_JSON, &ev);
	capture_check(&c, "{\"time\": \"2026-12-04T18:00:00Z\", "
		      "\"verdict\": \"denied\", \"source\": \"10.1.0.2\", "
		      "\"source_port\": 51234, "
		      "\"destination\": \"203.0.113.25\", \"port\": 25, "
		      "\"hook\": \"forward\", \"out\": \"eth1\"}\n");

	ev.verdict = OP25B_VERDICT_AUDITED;
	ev.hook = 3;
	ev.suppressed = 18446744073709551615u;
	snprintf(ev.outdev, sizeof(ev.outdev), "we\"ird\\");
	output_event(capture_start(&c), OUTPUT_JSON, &ev);
	capture_check(&c, "{\"time\": \"2026-12-04T18:00:00Z\", "
		      "\"verdict\": \"audited\", \"source\": \"10.1.0.2\", "
		      "\"source_port\": 51234, "
		      "\"destination\": \"203.0.113.25\", \"port\": 25, "
		      "\"hook\": \"output\", \"out\": \"we\\\"ird\\\\\", "
		      "\"suppressed\": 18446744073709551615}\n");

	ev.hook = 1;
	ev.outdev[0] = '\0';
	ev.suppressed = 0;
	output_event(capture_start(&c), OUTPUT_JSON, &ev);
	capture_check(&c, "{\"time\": \"2026-12-04T18:00:00Z\", "
		      "\"verdict\": \"audited\", \"source\": \"10.1.0.2\", "
		      "\"source_port\": 51234, "
		      "\"destination\": \"203.0.113.25\", \"port\": 25, "
		      "\"hook\": \"unknown\"}\n");
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
		cmocka_unit_test(test_stats_unknown),
		cmocka_unit_test(test_stats_prometheus),
		cmocka_unit_test(test_prometheus_labels),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_event_text),
		cmocka_unit_test(test_event_json),
	};

	return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
