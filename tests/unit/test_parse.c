// SPDX-License-Identifier: GPL-2.0
/*
 * parse.c: addresses, prefixes, actions, modes, ports, comments and
 * directives, to values and back to text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "parse.h"

/* text parses to want (in the canonical text form) */
static void good(const char *text, uint16_t family, const char *want)
{
	char err[PARSE_ERRLEN] = "", buf[PREFIX_STRLEN];
	struct op25b_prefix p;

	if (parse_prefix(text, &p, err, sizeof(err)) != 0)
		fail_msg("'%s' refused: %s", text, err);
	assert_int_equal(p.family, family);
	assert_string_equal(format_prefix(&p, buf, sizeof(buf)), want);
}

/* text is refused with a message that contains msg */
static void bad(const char *text, const char *msg)
{
	char err[PARSE_ERRLEN] = "";
	struct op25b_prefix p;

	if (parse_prefix(text, &p, err, sizeof(err)) != -1)
		fail_msg("'%s' accepted", text);
	if (!strstr(err, msg))
		fail_msg("'%s': message '%s' lacks '%s'", text, err, msg);
}

static void test_hosts(void **state)
{
	(void)state;
	good("10.0.0.5", AF_INET, "10.0.0.5");
	good("10.0.0.5/32", AF_INET, "10.0.0.5");
	good("0.0.0.0", AF_INET, "0.0.0.0");
	good("255.255.255.255", AF_INET, "255.255.255.255");
	good("fd00::5", AF_INET6, "fd00::5");
	good("fd00::5/128", AF_INET6, "fd00::5");
	good("FD00:0:0::5", AF_INET6, "fd00::5");
	good("2001:db8:25::25", AF_INET6, "2001:db8:25::25");
	good("::1", AF_INET6, "::1");
}

static void test_prefixes(void **state)
{
	(void)state;
	good("192.0.2.0/28", AF_INET, "192.0.2.0/28");
	good("10.0.0.0/8", AF_INET, "10.0.0.0/8");
	good("0.0.0.0/0", AF_INET, "0.0.0.0/0");
	good("10.0.0.4/31", AF_INET, "10.0.0.4/31");
	good("2001:db8::/32", AF_INET6, "2001:db8::/32");
	good("::/0", AF_INET6, "::/0");
	good("fd00::4/127", AF_INET6, "fd00::4/127");
	good("2001:db8:8000::/33", AF_INET6, "2001:db8:8000::/33");
}

static void test_v4_mapped(void **state)
{
	char err[PARSE_ERRLEN];
	struct op25b_prefix p;

	(void)state;
	good("::ffff:10.0.0.5", AF_INET, "10.0.0.5");
	good("::ffff:10.0.0.5/128", AF_INET, "10.0.0.5");
	good("::ffff:10.0.0.0/120", AF_INET, "10.0.0.0/24");
	good("::ffff:0:0/96", AF_INET, "0.0.0.0/0");
	/* shorter than /96 covers more than IPv4: it stays IPv6 */
	good("::/80", AF_INET6, "::/80");
	/* the hint speaks the family the user wrote */
	bad("::ffff:10.0.0.5/120", "did you mean ::ffff:10.0.0.0/120?");
	/* the address of an unmapped prefix is clean past 4 bytes */
	assert_int_equal(parse_prefix("::ffff:192.0.2.1", &p, err, sizeof(err)), 0);
	assert_int_equal(p.plen, 32);
	assert_memory_equal(p.addr, "\xc0\x00\x02\x01\0\0\0\0\0\0\0\0\0\0\0\0", 16);
}

static void test_bad_addresses(void **state)
{
	(void)state;
	bad("10.0.0.300", "not an IPv4 or IPv6 address");
	bad("10.0.0.5x", "not an IPv4 or IPv6 address");
	bad("x10.0.0.5", "not an IPv4 or IPv6 address");
	bad(" 10.0.0.5", "not an IPv4 or IPv6 address");
	bad("10.0.0.5 ", "not an IPv4 or IPv6 address");
	bad("10.0.0", "not an IPv4 or IPv6 address");
	bad("1.2.3.4.5", "not an IPv4 or IPv6 address");
	bad("010.0.0.5", "not an IPv4 or IPv6 address");
	bad("fe80::1%eth0", "not an IPv4 or IPv6 address");
	bad("fd00:::5", "not an IPv4 or IPv6 address");
	bad("localhost", "not an IPv4 or IPv6 address");
	bad("1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa:bbbb",
	    "not an IPv4 or IPv6 address");
	bad("", "empty address");
	/* with a prefix length, the message names the address part */
	bad("10.0.0.300/24", "'10.0.0.300' is not an IPv4 or IPv6 address");
	bad("/8", "'' is not an IPv4 or IPv6 address");
}

static void test_bad_prefix_lengths(void **state)
{
	(void)state;
	bad("10.0.0.5/33", "prefix length 33 is out of range 0-32");
	bad("fd00::/129", "prefix length 129 is out of range 0-128");
	bad("10.0.0.0/99999999999999999999",
	    "prefix length 99999999999999999999 is out of range");
	bad("10.0.0.0/-1", "prefix length '-1' is not a decimal number");
	bad("10.0.0.0/+8", "prefix length '+8' is not a decimal number");
	bad("10.0.0.0/abc", "prefix length 'abc' is not a decimal number");
	bad("10.0.0.0/ 8", "prefix length ' 8' is not a decimal number");
	bad("10.0.0.0/8 ", "prefix length '8 ' is not a decimal number");
	bad("10.0.0.5/24 x", "prefix length '24 x' is not a decimal number");
	bad("10.0.0.0/8/8", "prefix length '8/8' is not a decimal number");
	bad("10.0.0.0//8", "prefix length '/8' is not a decimal number");
	bad("10.0.0.0/0x8", "prefix length '0x8' is not a decimal number");
	bad("10.0.0.0/", "missing prefix length");
	bad("10.0.0.0/08", "prefix length '08' has a leading zero");
}

static void test_host_bits(void **state)
{
	(void)state;
	bad("192.0.2.1/28", "host bits set, did you mean 192.0.2.0/28?");
	bad("10.0.0.5/24", "host bits set, did you mean 10.0.0.0/24?");
	bad("10.0.0.1/0", "host bits set, did you mean 0.0.0.0/0?");
	bad("10.0.0.5/31", "host bits set, did you mean 10.0.0.4/31?");
	bad("2001:db8::1/32", "host bits set, did you mean 2001:db8::/32?");
	bad("fd00::5/127", "host bits set, did you mean fd00::4/127?");
	bad("2001:db8:ffff::/33", "did you mean 2001:db8:8000::/33?");
}

static void test_prefix_mask(void **state)
{
	static const struct {
		const char *addr;
		uint8_t plen;
		const char *want;
	} cases[] = {
		{ "255.255.255.255", 0, "0.0.0.0/0" },
		{ "255.255.255.255", 1, "128.0.0.0/1" },
		{ "255.255.255.255", 7, "254.0.0.0/7" },
		{ "255.255.255.255", 9, "255.128.0.0/9" },
		{ "255.255.255.255", 31, "255.255.255.254/31" },
		{ "255.255.255.255", 32, "255.255.255.255" },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 127,
		  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127" },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65,
		  "ffff:ffff:ffff:ffff:8000::/65" },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0, "::/0" },
	};
	char buf[PREFIX_STRLEN];
	struct op25b_prefix p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&p, 0, sizeof(p));
		p.family = strchr(cases[i].addr, ':') ? AF_INET6 : AF_INET;
		assert_int_equal(inet_pton(p.family, cases[i].addr, p.addr), 1);
		p.plen = cases[i].plen;
		prefix_mask(&p);
		assert_string_equal(format_prefix(&p, buf, sizeof(buf)),
				    cases[i].want);
	}
}

static void test_round_trip(void **state)
{
	static const char *const texts[] = {
		"10.0.0.5", "192.0.2.0/28", "0.0.0.0/0", "fd00::5",
		"2001:db8::/32", "::/0", "::1", "2001:db8:8000::/33",
	};
	char err[PARSE_ERRLEN], buf[PREFIX_STRLEN];
	struct op25b_prefix p, q;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		assert_int_equal(parse_prefix(texts[i], &p, err, sizeof(err)), 0);
		format_prefix(&p, buf, sizeof(buf));
		assert_string_equal(buf, texts[i]);
		assert_int_equal(parse_prefix(buf, &q, err, sizeof(err)), 0);
		assert_memory_equal(&p, &q, sizeof(p));
	}
}

static void test_format_addr(void **state)
{
	uint8_t addr[16] = { 203, 0, 113, 25 };
	char buf[ADDR_STRLEN];

	(void)state;
	assert_string_equal(format_addr(AF_INET, addr, buf, sizeof(buf)),
			    "203.0.113.25");
	assert_string_equal(format_addr(0, addr, buf, sizeof(buf)), "?");
}

static void test_actions(void **state)
{
	char err[PARSE_ERRLEN];
	uint8_t a = 99;

	(void)state;
	assert_int_equal(parse_action("reject", &a, err, sizeof(err)), 0);
	assert_int_equal(a, OP25B_ACTION_REJECT);
	assert_int_equal(parse_action("drop", &a, err, sizeof(err)), 0);
	assert_int_equal(a, OP25B_ACTION_DROP);
	assert_int_equal(parse_action("foo", &a, err, sizeof(err)), -1);
	assert_string_equal(err, "not an action (reject or drop)");
	assert_int_equal(parse_action("", &a, err, sizeof(err)), -1);
	assert_int_equal(parse_action("Reject", &a, err, sizeof(err)), -1);
	assert_int_equal(parse_action("drop ", &a, err, sizeof(err)), -1);
	assert_string_equal(action_name(OP25B_ACTION_REJECT), "reject");
	assert_string_equal(action_name(OP25B_ACTION_DROP), "drop");
	assert_null(action_name(OP25B_ACTION_MAX + 1));
}

static void test_modes(void **state)
{
	char err[PARSE_ERRLEN];
	uint8_t m = 99;

	(void)state;
	assert_int_equal(parse_mode("enforce", &m, err, sizeof(err)), 0);
	assert_int_equal(m, OP25B_MODE_ENFORCE);
	assert_int_equal(parse_mode("audit", &m, err, sizeof(err)), 0);
	assert_int_equal(m, OP25B_MODE_AUDIT);
	assert_int_equal(parse_mode("Audit", &m, err, sizeof(err)), -1);
	assert_string_equal(err, "not a mode (enforce or audit)");
	assert_int_equal(parse_mode("", &m, err, sizeof(err)), -1);
	assert_string_equal(mode_name(OP25B_MODE_AUDIT), "audit");
	assert_null(mode_name(OP25B_MODE_MAX + 1));
	assert_string_equal(list_name(OP25B_LIST_ALLOW), "allow");
	assert_string_equal(list_name(OP25B_LIST_SCOPE), "scope");
	assert_string_equal(list_name(OP25B_LIST_EXEMPT), "exempt");
	assert_null(list_name(OP25B_LIST_MAX + 1));
}

/* text parses to the ports in want ("25,587"), or fails with msg */
static void ports_are(const char *text, const char *want, const char *msg)
{
	char err[PARSE_ERRLEN] = "", buf[PORTS_STRLEN];
	uint16_t ports[OP25B_MAX_PORTS];
	size_t n = 99;
	int ret = parse_ports(text, ports, &n, err, sizeof(err));

	if (want) {
		if (ret != 0)
			fail_msg("'%s' refused: %s", text, err);
		assert_string_equal(format_ports(ports, n, buf, sizeof(buf)),
				    want);
		return;
	}
	if (ret != -1)
		fail_msg("'%s' accepted", text);
	assert_int_equal(n, 99);	/* untouched */
	assert_string_equal(err, msg);
}

static void test_ports(void **state)
{
	(void)state;
	ports_are("25", "25", NULL);
	ports_are("1", "1", NULL);
	ports_are("65535", "65535", NULL);
	ports_are("587,25,2525", "587,25,2525", NULL);	/* order kept */
	ports_are("1,2,3,4,5,6,7,8", "1,2,3,4,5,6,7,8", NULL);
	ports_are("0", NULL, "port 0 is out of range 1-65535");
	ports_are("65536", NULL, "port 65536 is out of range 1-65535");
	ports_are("99999999999999999999", NULL,
		  "'99999999999999999999' is not a port number");
	ports_are("25x", NULL, "'25x' is not a port number");
	ports_are("x", NULL, "'x' is not a port number");
	ports_are("-1", NULL, "'-1' is not a port number");
	ports_are("+25", NULL, "'+25' is not a port number");
	ports_are(" 25", NULL, "' 25' is not a port number");
	ports_are("25 ", NULL, "'25 ' is not a port number");
	ports_are("25;587", NULL, "'25;587' is not a port number");
	ports_are("025", NULL, "port '025' has a leading zero");
	ports_are("", NULL, "empty port number");
	ports_are("25,", NULL, "empty port number");
	ports_are(",25", NULL, "empty port number");
	ports_are("25,,587", NULL, "empty port number");
	ports_are("25,587,25", NULL, "port 25 given twice");
	ports_are("1,2,3,4,5,6,7,8,9", NULL, "more than 8 ports");
	ports_are("25,x,26", NULL, "'x' is not a port number");
}

static void test_count(void **state)
{
	char err[PARSE_ERRLEN];
	size_t n = 99;

	(void)state;
	assert_int_equal(parse_count("1", &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_int_equal(parse_count("250", &n, err, sizeof(err)), 0);
	assert_int_equal(n, 250);
	assert_int_equal(parse_count("0", &n, err, sizeof(err)), -1);
	assert_string_equal(err, "'0' is not a whole number of at least 1");
	assert_int_equal(parse_count("01", &n, err, sizeof(err)), -1);
	assert_int_equal(parse_count("-3", &n, err, sizeof(err)), -1);
	assert_int_equal(parse_count("", &n, err, sizeof(err)), -1);
	assert_int_equal(parse_count("99999999999", &n, err, sizeof(err)), -1);
	assert_string_equal(err, "99999999999 is too large");
	assert_int_equal(n, 250);

	assert_int_equal(parse_source_order("last", &(enum source_order){ 0 },
					    err, sizeof(err)), 0);
	assert_int_equal(parse_source_order("Last", &(enum source_order){ 0 },
					    err, sizeof(err)), -1);
	assert_string_equal(err, "not an order (denied, last or source)");
}

/* the words of argv (NULL-terminated) make the comment want, or msg */
static void comment_is(const char *want, const char *msg, ...)
{
	char out[OP25B_COMMENT_MAX + 1], err[PARSE_ERRLEN] = "";
	char *argv[8];
	int argc = 0, ret;
	va_list ap;

	va_start(ap, msg);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	ret = parse_comment(argc, argv, out, err, sizeof(err));
	if (want) {
		if (ret)
			fail_msg("refused: %s", err);
		assert_string_equal(out, want);
	} else {
		assert_int_equal(ret, -1);
		assert_string_equal(err, msg);
	}
}

static void test_comments(void **state)
{
	char long_ok[OP25B_COMMENT_MAX + 1], too_long[OP25B_COMMENT_MAX + 2];

	(void)state;
	comment_is("main MTA", NULL, "main", "MTA", NULL);
	comment_is("main MTA", NULL, "  main \t MTA  ", NULL);
	comment_is("a b c", NULL, "a", "", " b", "c\t", NULL);
	comment_is("ticket #42, caf\xc3\xa9", NULL, "ticket", "#42,",
		   "caf\xc3\xa9", NULL);
	comment_is(NULL, "empty comment", NULL);
	comment_is(NULL, "empty comment", "", " \t", NULL);
	comment_is(NULL, "comment has a control character", "a\nb", NULL);
	comment_is(NULL, "comment has a control character", "a\rb", NULL);
	comment_is(NULL, "comment has a control character", "\x7f", NULL);
	memset(long_ok, 'x', OP25B_COMMENT_MAX);
	long_ok[OP25B_COMMENT_MAX] = '\0';
	comment_is(long_ok, NULL, long_ok, NULL);
	memset(too_long, 'x', OP25B_COMMENT_MAX + 1);
	too_long[OP25B_COMMENT_MAX + 1] = '\0';
	comment_is(NULL, "comment is longer than 255 bytes", too_long, NULL);
	/* the joining space counts */
	long_ok[OP25B_COMMENT_MAX - 1] = '\0';
	comment_is(NULL, "comment is longer than 255 bytes", long_ok, "y",
		   NULL);
}

/* KEYWORD ARGS... (NULL-terminated) */
static int directive(struct directive *d, struct parse_error *e,
		     const char *keyword, ...)
{
	char *argv[16];
	int argc = 0;
	va_list ap;

	va_start(ap, keyword);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	memset(e, 0, sizeof(*e));
	return parse_directive(keyword, argc, argv, d, e);
}

static void test_directives(void **state)
{
	char buf[ENTRY_STRLEN];
	struct parse_error e;
	struct directive d;

	(void)state;
	assert_int_equal(directive(&d, &e, "mode", "audit", NULL), 0);
	assert_int_equal(d.kind, DIRECTIVE_MODE);
	assert_int_equal(d.value, OP25B_MODE_AUDIT);
	assert_int_equal(directive(&d, &e, "action", "drop", NULL), 0);
	assert_int_equal(d.kind, DIRECTIVE_ACTION);
	assert_int_equal(d.value, OP25B_ACTION_DROP);
	assert_int_equal(directive(&d, &e, "port", "25,587", NULL), 0);
	assert_int_equal(d.kind, DIRECTIVE_PORT);
	assert_int_equal(d.nports, 2);
	assert_int_equal(d.ports[1], 587);

	assert_int_equal(directive(&d, &e, "allow", "10.0.0.5", NULL), 0);
	assert_int_equal(d.kind, DIRECTIVE_ENTRY);
	assert_int_equal(d.entry.list, OP25B_LIST_ALLOW);
	assert_string_equal(format_entry(&d.entry, buf, sizeof(buf)),
			    "10.0.0.5");
	assert_int_equal(directive(&d, &e, "scope", "10.1.0.0/16", "comment",
				   "pilot", "segment", NULL), 0);
	assert_int_equal(d.entry.list, OP25B_LIST_SCOPE);
	assert_string_equal(format_entry(&d.entry, buf, sizeof(buf)),
			    "10.1.0.0/16  # pilot segment");
	assert_int_equal(directive(&d, &e, "exempt", "::ffff:10.0.0.0/104",
				   NULL), 0);
	assert_int_equal(d.entry.list, OP25B_LIST_EXEMPT);
	assert_string_equal(format_entry(&d.entry, buf, sizeof(buf)),
			    "10.0.0.0/8");
	/* a comment from another client stays on its line */
	snprintf(d.entry.comment, sizeof(d.entry.comment), "a\nallow 0.0.0.0/0"
		 "\x1b[2J\x7f\tb");
	assert_string_equal(format_entry(&d.entry, buf, sizeof(buf)),
			    "10.0.0.0/8  # a?allow 0.0.0.0/0?[2J??b");
}

/* KEYWORD ARGS... is refused: the argument at fault (-1: none), msg */
#define REFUSED(at, want, ...)						\
	do {								\
		assert_int_equal(directive(&d, &e, __VA_ARGS__, NULL), -1); \
		assert_int_equal(e.arg, at);				\
		assert_string_equal(e.msg, want);			\
	} while (0)

static void test_directive_errors(void **state)
{
	struct parse_error e;
	struct directive d;

	(void)state;
	REFUSED(-1, "unknown directive", "frob", "x");
	REFUSED(-1, "unknown directive", "Allow", "10.0.0.5");
	REFUSED(-1, "missing argument enforce|audit", "mode");
	REFUSED(-1, "missing argument ADDR[/PLEN] [comment TEXT]", "allow");
	REFUSED(-1, "missing argument PREFIX [comment TEXT]", "exempt");
	REFUSED(-1, "unexpected argument 'x'", "mode", "audit", "x");
	REFUSED(-1, "unexpected argument '587'", "port", "25", "587");
	REFUSED(0, "not a mode (enforce or audit)", "mode", "on");
	REFUSED(0, "not an action (reject or drop)", "action", "deny");
	REFUSED(0, "port 0 is out of range 1-65535", "port", "0");
	REFUSED(0, "not an IPv4 or IPv6 address", "allow", "10.0.0.300");
	REFUSED(0, "host bits set, did you mean 10.1.0.0/16?", "scope",
		"10.1.2.3/16");
	REFUSED(-1, "unexpected argument 'extra'", "allow", "10.0.0.5",
		"extra");
	REFUSED(-1, "unexpected argument 'Comment'", "allow", "10.0.0.5",
		"Comment", "x");
	REFUSED(-1, "missing argument TEXT after 'comment'", "allow",
		"10.0.0.5", "comment");
	REFUSED(0, "empty comment", "allow", "10.0.0.5", "comment", " ");
	REFUSED(0, "comment has a control character", "allow", "10.0.0.5",
		"comment", "a\x1b[31m");
}

static void test_list_entry(void **state)
{
	char *with[] = { "fd00::/64", "comment", "lab" };
	struct op25b_entry entry;
	struct parse_error e;

	(void)state;
	assert_int_equal(parse_list_entry(OP25B_LIST_EXEMPT, 3, with, true,
					  &entry, &e), 0);
	assert_int_equal(entry.list, OP25B_LIST_EXEMPT);
	assert_int_equal(entry.prefix.plen, 64);
	assert_string_equal(entry.comment, "lab");
	/* del: the prefix alone */
	assert_int_equal(parse_list_entry(OP25B_LIST_EXEMPT, 3, with, false,
					  &entry, &e), -1);
	assert_int_equal(e.arg, -1);
	assert_string_equal(e.msg, "unexpected argument 'comment'");
	assert_int_equal(parse_list_entry(OP25B_LIST_EXEMPT, 1, with, false,
					  &entry, &e), 0);
	assert_string_equal(entry.comment, "");
}

static void test_format_ports(void **state)
{
	uint16_t ports[OP25B_MAX_PORTS] = {
		65535, 65534, 65533, 65532, 65531, 65530, 65529, 65528,
	};
	char buf[PORTS_STRLEN];

	(void)state;
	assert_string_equal(format_ports(ports, 0, buf, sizeof(buf)), "");
	assert_string_equal(format_ports(ports, 1, buf, sizeof(buf)), "65535");
	assert_string_equal(format_ports(ports, OP25B_MAX_PORTS, buf,
					 sizeof(buf)),
			    "65535,65534,65533,65532,65531,65530,65529,65528");
	/* a short buffer: cut, terminated */
	assert_string_equal(format_ports(ports, 2, buf, 8), "65535,6");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_v4_mapped),
		cmocka_unit_test(test_bad_addresses),
		cmocka_unit_test(test_bad_prefix_lengths),
		cmocka_unit_test(test_host_bits),
		cmocka_unit_test(test_prefix_mask),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_format_addr),
		cmocka_unit_test(test_actions),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_directives),
		cmocka_unit_test(test_directive_errors),
		cmocka_unit_test(test_list_entry),
		cmocka_unit_test(test_format_ports),
	};

	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
