// SPDX-License-Identifier: GPL-2.0
/* The nft backend's pure part: ranges of prefixes, the settings comment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>

#include "nft.h"
#include "parse.h"

void nft_mask(uint8_t plen, uint8_t *mask, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (plen >= 8)
			mask[i] = 0xff;
		else
			mask[i] = (uint8_t)(0xff00u >> plen);
		plen = plen >= 8 ? plen - 8 : 0;
	}
}

int nft_mask_plen(const uint8_t *mask, size_t len)
{
	uint8_t want[16];
	int plen = 0;
	size_t i;

	if (len > sizeof(want))
		return -1;
	for (i = 0; i < len; i++) {
		uint8_t m = mask[i];

		while (m & 0x80) {
			plen++;
			m = (uint8_t)(m << 1);
		}
		if (mask[i] != 0xff)
			break;
	}
	nft_mask((uint8_t)plen, want, len);
	return memcmp(want, mask, len) == 0 ? plen : -1;
}

/* a = a + 1 over len bytes, big-endian: true when it wrapped to 0. */
static bool addr_inc(uint8_t *a, size_t len)
{
	while (len--)
		if (++a[len])
			return false;
	return true;
}

/* An inclusive range [lo, hi] of one prefix. */
struct span {
	uint8_t lo[16];
	uint8_t hi[16];
};

static size_t span_len;	/* bytes compared by span_cmp */

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	int c = memcmp(x->lo, y->lo, span_len);

	return c ? c : memcmp(x->hi, y->hi, span_len);
}

size_t nft_ranges(const struct op25b_entry *entries, size_t n,
		  uint16_t family, struct nft_range *out)
{
	size_t len = family_addr_len(family), i, m = 0, k, nr = 0;
	struct span *s = calloc(n ? n : 1, sizeof(*s));
	uint8_t mask[16], next[16];

	if (!s || !len) {
		free(s);
		return 0;
	}
	for (i = 0; i < n; i++) {
		const struct op25b_prefix *p = &entries[i].prefix;

		if (p->family != family)
			continue;
		nft_mask(p->plen, mask, len);
		for (k = 0; k < len; k++) {
			s[m].lo[k] = p->addr[k] & mask[k];
			s[m].hi[k] = p->addr[k] | (uint8_t)~mask[k];
		}
		m++;
	}
	span_len = len;
	qsort(s, m, sizeof(*s), span_cmp);
	for (i = 0; i < m; i++) {
		struct nft_range *r = &out[nr];
		uint8_t hi[16];

		memcpy(hi, s[i].hi, len);
		/* swallow every span that starts at or before hi + 1 */
		for (k = i + 1; k < m; k++) {
			memcpy(next, hi, len);
			if (addr_inc(next, len))	/* hi is the last address */
				break;
			if (memcmp(s[k].lo, next, len) > 0)
				break;
			if (memcmp(s[k].hi, hi, len) > 0)
				memcpy(hi, s[k].hi, len);
		}
		memset(r, 0, sizeof(*r));
		memcpy(r->start, s[i].lo, len);
		memcpy(r->end, hi, len);
		r->open_end = addr_inc(r->end, len);
		nr++;
		if (r->open_end)
			break;
		i = k - 1;
	}
	free(s);
	return nr;
}

static const char *const alt_names[] = { "allow", "scope", "exempt",
					  "ports" };

/* ports last: a scanset of digits and commas takes what follows a comma */
void nft_settings_format(const struct nft_settings *s, char *buf, size_t len)
{
	size_t i, n;

	n = (size_t)snprintf(buf, len, "op25b: mode %s, action %s, %s, sets",
			     mode_name(s->mode) ? mode_name(s->mode) : "?",
			     action_name(s->action) ?
			     action_name(s->action) : "?",
			     s->enabled ? "enabled" : "disabled");
	for (i = 0; i < sizeof(alt_names) / sizeof(alt_names[0]) && n < len;
	     i++)
		n += (size_t)snprintf(buf + n, len - n, " %s_%c", alt_names[i],
				      s->alt & 1u << i ? 'b' : 'a');
	for (i = 0; i < s->nports && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%u",
				      i ? "," : ", ports ", s->ports[i]);
}

int nft_settings_parse(const char *str, struct nft_settings *s)
{
	char mode[16], action[16], enabled[16], ports[64], err[PARSE_ERRLEN];
	char gen[4], end;
	size_t i;

	if (sscanf(str, "op25b: mode %15[a-z], action %15[a-z], %15[a-z], "
		   "sets allow_%c scope_%c exempt_%c ports_%c, ports "
		   "%63[0-9,]%c", mode, action, enabled, &gen[0], &gen[1],
		   &gen[2], &gen[3], ports, &end) != 8)
		return -1;
	if (parse_ports(ports, s->ports, &s->nports, err, sizeof(err)) < 0)
		return -1;
	if (parse_mode(mode, &s->mode, err, sizeof(err)) < 0 ||
	    parse_action(action, &s->action, err, sizeof(err)) < 0)
		return -1;
	if (strcmp(enabled, "enabled") == 0)
		s->enabled = true;
	else if (strcmp(enabled, "disabled") == 0)
		s->enabled = false;
	else
		return -1;
	s->alt = 0;
	for (i = 0; i < sizeof(gen); i++) {
		if (gen[i] != 'a' && gen[i] != 'b')
			return -1;
		if (gen[i] == 'b')
			s->alt |= 1u << i;
	}
	return 0;
}
