// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "parse.h"

static const char *const action_names[] = {
	[OP25B_ACTION_REJECT] = "reject",
	[OP25B_ACTION_DROP] = "drop",
};

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static unsigned int max_plen(uint16_t family)
{
	return (unsigned int)family_addr_len(family) * 8;
}

/* Strict decimal: digits only, no sign, no spaces, no leading zero. */
static int parse_plen(const char *text, uint16_t family, uint8_t *plen,
		      char *err, size_t errlen)
{
	unsigned int max = max_plen(family), v = 0;
	const char *c;

	if (!*text)
		return fail(err, errlen, "missing prefix length after '/'");
	for (c = text; *c; c++) {
		if (*c < '0' || *c > '9')
			return fail(err, errlen,
				    "prefix length '%s' is not a decimal number",
				    text);
		if (v <= max)	/* stop growing once out of range */
			v = 10 * v + (unsigned int)(*c - '0');
	}
	if (text[0] == '0' && text[1])
		return fail(err, errlen,
			    "prefix length '%s' has a leading zero", text);
	if (v > max)
		return fail(err, errlen,
			    "prefix length %s is out of range 0-%u for %s",
			    text, max, family == AF_INET ? "IPv4" : "IPv6");
	*plen = (uint8_t)v;
	return 0;
}

static int parse_addr(const char *text, struct op25b_prefix *p)
{
	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET, text, p->addr) == 1) {
		p->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, text, p->addr) == 1) {
		p->family = AF_INET6;
		return 0;
	}
	return -1;
}

static bool has_host_bits(const struct op25b_prefix *p)
{
	struct op25b_prefix masked = *p;

	prefix_mask(&masked);
	return memcmp(masked.addr, p->addr, sizeof(p->addr)) != 0;
}

/* ::ffff:a.b.c.d/96+N -> a.b.c.d/N */
static void unmap_v4(struct op25b_prefix *p)
{
	static const uint8_t v4mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};

	if (p->family != AF_INET6 || p->plen < 96 ||
	    memcmp(p->addr, v4mapped, sizeof(v4mapped)) != 0)
		return;
	memmove(p->addr, p->addr + 12, 4);
	memset(p->addr + 4, 0, sizeof(p->addr) - 4);
	p->family = AF_INET;
	p->plen -= 96;
}

int parse_prefix(const char *text, struct op25b_prefix *p,
		 char *err, size_t errlen)
{
	const char *slash = strchr(text, '/');
	char addr[ADDR_STRLEN + 1];
	size_t alen = slash ? (size_t)(slash - text) : strlen(text);

	if (!*text)
		return fail(err, errlen, "empty address");
	if (alen >= sizeof(addr))
		goto bad_addr;
	memcpy(addr, text, alen);
	addr[alen] = '\0';
	if (parse_addr(addr, p) < 0)
		goto bad_addr;

	p->plen = (uint8_t)max_plen(p->family);
	if (slash && parse_plen(slash + 1, p->family, &p->plen,
				err, errlen) < 0)
		return -1;

	if (has_host_bits(p)) {
		char hint[PREFIX_STRLEN];
		struct op25b_prefix masked = *p;

		prefix_mask(&masked);
		return fail(err, errlen, "host bits set, did you mean %s?",
			    format_prefix(&masked, hint, sizeof(hint)));
	}
	unmap_v4(p);
	return 0;

bad_addr:
	if (slash)
		return fail(err, errlen,
			    "'%.*s' is not an IPv4 or IPv6 address",
			    (int)alen, text);
	return fail(err, errlen, "not an IPv4 or IPv6 address");
}

int parse_action(const char *text, uint8_t *action, char *err, size_t errlen)
{
	uint8_t a;

	for (a = 0; a <= OP25B_ACTION_MAX; a++) {
		if (strcmp(text, action_names[a]) == 0) {
			*action = a;
			return 0;
		}
	}
	return fail(err, errlen, "not an action (reject or drop)");
}

const char *action_name(uint8_t action)
{
	return action <= OP25B_ACTION_MAX ? action_names[action] : NULL;
}

void prefix_mask(struct op25b_prefix *p)
{
	size_t i;

	for (i = 0; i < sizeof(p->addr); i++) {
		unsigned int bits = (unsigned int)i * 8u;

		if (bits >= p->plen)
			p->addr[i] = 0;
		else if (bits + 8 > p->plen)
			p->addr[i] &= (uint8_t)(0xff00u >> (p->plen - bits));
	}
}

const char *format_addr(uint16_t family, const uint8_t *addr,
			char *buf, size_t len)
{
	if (!family_addr_len(family) ||
	    !inet_ntop(family, addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

const char *format_prefix(const struct op25b_prefix *p, char *buf, size_t len)
{
	size_t n;

	format_addr(p->family, p->addr, buf, len);
	n = strlen(buf);
	if (p->plen != max_plen(p->family) && n < len)
		snprintf(buf + n, len - n, "/%u", p->plen);
	return buf;
}
