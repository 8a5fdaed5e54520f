// SPDX-License-Identifier: GPL-2.0
/*
 * nft_policy.c: how the nft backend turns the entries of a list (which may
 * overlap) into the disjoint intervals of an nftables interval set, netmasks
 * back into prefix lengths, and the settings comment both ways.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "nft.h"
#include "parse.h"

/* The ranges of the prefixes given, as "START-END" (END exclusive, or
 * "end" when open), joined by " ". */
static void ranges(uint16_t family, const char *want, ...)
{
	struct op25b_entry e[16];
	struct nft_range r[16];
	char err[PARSE_ERRLEN], got[1024] = "", a[64], z[64];
	const char *text;
	size_t n = 0, nr, i;
	va_list ap;

	va_start(ap, want);
	while ((text = va_arg(ap, const char *))) {
		memset(&e[n], 0, sizeof(e[n]));
		if (parse_prefix(text, &e[n].prefix, err, sizeof(err)) < 0)
			fail_msg("%s: %s", text, err);
		n++;
	}
	va_end(ap);
	nr = nft_ranges(e, n, family, r);
	for (i = 0; i < nr; i++) {
		inet_ntop(family, r[i].start, a, sizeof(a));
		if (r[i].open_end)
			snprintf(z, sizeof(z), "end");
		else
			inet_ntop(family, r[i].end, z, sizeof(z));
		snprintf(got + strlen(got), sizeof(got) - strlen(got),
			 "%s%s-%s", i ? " " : "", a, z);
	}
	assert_string_equal(got, want);
}

static void test_ranges(void **state)
{
	(void)state;
	ranges(AF_INET, "", NULL);
	ranges(AF_INET, "10.0.0.5-10.0.0.6", "10.0.0.5", NULL);
	/* a host inside a prefix: one range */
	ranges(AF_INET, "10.0.0.0-11.0.0.0", "10.0.0.5", "10.0.0.0/8", NULL);
	ranges(AF_INET, "10.0.0.0-11.0.0.0", "10.0.0.0/8", "10.0.0.5", NULL);
	/* adjacent prefixes merge; a gap keeps two */
	ranges(AF_INET, "10.0.0.0-10.0.0.4", "10.0.0.0/31", "10.0.0.2/31",
	       NULL);
	ranges(AF_INET, "10.0.0.0-10.0.0.2 10.0.0.3-10.0.0.4", "10.0.0.0/31",
	       "10.0.0.3", NULL);
	/* the other family is left out */
	ranges(AF_INET, "192.0.2.0-192.0.3.0", "2001:db8::/32",
	       "192.0.2.0/24", NULL);
	ranges(AF_INET6, "2001:db8::-2001:db9::", "2001:db8::/32",
	       "192.0.2.0/24", "2001:db8:1::25", NULL);
	/* up to the last address: no end element */
	ranges(AF_INET, "255.255.255.255-end", "255.255.255.255", NULL);
	ranges(AF_INET, "0.0.0.0-end", "0.0.0.0/0", "10.0.0.0/8",
	       "255.255.255.255", NULL);
	ranges(AF_INET, "128.0.0.0-end", "255.0.0.0/8", "128.0.0.0/1", NULL);
	ranges(AF_INET6, "ffff::-end", "ffff::/16", "ffff:ffff::/32", NULL);
	ranges(AF_INET6, "::-::2", "::/127", NULL);
	/* the same prefix twice, and nested ones in any order */
	ranges(AF_INET, "10.1.0.0-10.2.0.0 10.3.0.0-10.3.0.16", "10.3.0.0/28",
	       "10.1.0.0/16", "10.1.2.0/24", "10.1.0.0/16", NULL);
}

static void test_masks(void **state)
{
	uint8_t m[16];
	int plen;

	(void)state;
	for (plen = 0; plen <= 128; plen++) {
		nft_mask((uint8_t)plen, m, 16);
		assert_int_equal(nft_mask_plen(m, 16), plen);
		if (plen <= 32) {
			nft_mask((uint8_t)plen, m, 4);
			assert_int_equal(nft_mask_plen(m, 4), plen);
		}
	}
	memcpy(m, "\xff\x00\xff\x00", 4);
	assert_int_equal(nft_mask_plen(m, 4), -1);
	memcpy(m, "\xff\xfe\x01\x00", 4);
	assert_int_equal(nft_mask_plen(m, 4), -1);
	memcpy(m, "\x7f\xff\xff\xff", 4);
	assert_int_equal(nft_mask_plen(m, 4), -1);
}

static void test_settings(void **state)
{
	struct nft_settings s = { OP25B_MODE_AUDIT, OP25B_ACTION_DROP, false,
				  { 2525, 25 }, 2,
				  1u << OP25B_LIST_SCOPE | NFT_ALT_PORTS };
	struct nft_settings t = { 0 };
	static const uint16_t eight[OP25B_MAX_PORTS] = { 65535, 1, 2, 3, 4, 5,
							 6, 2525 };
	char buf[NFT_SETTINGS_MAX];
	uint8_t mode, action;
	int enabled;

	(void)state;
	nft_settings_format(&s, buf, sizeof(buf));
	assert_string_equal(buf, "op25b: mode audit, action drop, disabled, "
			    "sets allow_a scope_b exempt_a ports_b, ports "
			    "2525,25");
	assert_int_equal(nft_settings_parse(buf, &t), 0);
	assert_memory_equal(&s, &t, sizeof(s));
	for (mode = 0; mode <= OP25B_MODE_MAX; mode++)
		for (action = 0; action <= OP25B_ACTION_MAX; action++)
			for (enabled = 0; enabled < 2; enabled++) {
				memset(&s, 0, sizeof(s));
				s.mode = mode;
				s.action = action;
				s.enabled = enabled;
				memcpy(s.ports, eight, sizeof(eight));
				s.nports = OP25B_MAX_PORTS;
				/* every generation, in turn */
				s.alt = (uint8_t)((mode * 4 + action * 2 +
						   enabled) * 3 & NFT_ALT_ALL);
				memset(&t, 0, sizeof(t));
				nft_settings_format(&s, buf, sizeof(buf));
				assert_true(strlen(buf) < sizeof(buf) - 1);
				assert_int_equal(nft_settings_parse(buf, &t),
						 0);
				assert_memory_equal(&s, &t, sizeof(s));
			}
	assert_int_equal(nft_settings_parse("", &t), -1);
	assert_int_equal(nft_settings_parse("op25b: mode audit, action drop, "
					    "enabled", &t), -1);
	assert_int_equal(nft_settings_parse("op25b: mode audit, action drop, "
					    "enabled, sets allow_a scope_a "
					    "exempt_a ports_a, ports 25,25", &t),
			 -1);
	assert_int_equal(nft_settings_parse("main MTA", &t), -1);
	assert_int_equal(nft_settings_parse("op25b: mode on, action drop, "
					    "enabled, sets allow_a scope_a "
					    "exempt_a ports_a, ports 25", &t),
			 -1);
	assert_int_equal(nft_settings_parse("op25b: mode audit, action "
					    "kill, enabled, sets allow_a "
					    "scope_a exempt_a ports_a, ports 25",
					    &t), -1);
	assert_int_equal(nft_settings_parse("op25b: mode audit, action "
					    "drop, maybe, sets allow_a scope_a "
					    "exempt_a ports_a, ports 25", &t),
			 -1);
	/* a table of the first layout, one set per list: not understood */
	assert_int_equal(nft_settings_parse("op25b: mode audit, action drop, "
					    "enabled, ports 25", &t), -1);
	assert_int_equal(nft_settings_parse("op25b: mode audit, action drop, "
					    "enabled, sets allow_a scope_c "
					    "exempt_a ports_a, ports 25", &t),
			 -1);
	assert_int_equal(nft_settings_parse("op25b: mode audit, action drop, "
					    "enabled, sets allow_a scope_a "
					    "exempt_a ports_a, ports 25x", &t),
			 -1);
	/* and the one it reads */
	assert_int_equal(nft_settings_parse("op25b: mode audit, action drop, "
					    "enabled, sets allow_a scope_a "
					    "exempt_a ports_b, ports 25", &t),
			 0);
	assert_int_equal(t.alt, NFT_ALT_PORTS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_masks),
		cmocka_unit_test(test_settings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
