// SPDX-License-Identifier: GPL-2.0
/* parse.c: addresses, prefixes and actions, to values and back to text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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
	};

	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
