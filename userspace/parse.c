// SPDX-License-Identifier: GPL-2.0
#include <limits.h>
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

static const char *const mode_names[] = {
	[OP25B_MODE_ENFORCE] = "enforce",
	[OP25B_MODE_AUDIT] = "audit",
};

static const char *const list_names[] = {
	[OP25B_LIST_ALLOW] = "allow",
	[OP25B_LIST_SCOPE] = "scope",
	[OP25B_LIST_EXEMPT] = "exempt",
};

static const char *const order_names[] = {
	[ORDER_DENIED] = "denied",
	[ORDER_LAST] = "last",
	[ORDER_SOURCE] = "source",
};

#define NAMES(a) (a), sizeof(a) / sizeof((a)[0])

/* The index of text in names, or -1. */
static int lookup(const char *const *names, size_t n, const char *text)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(text, names[i]) == 0)
			return (int)i;
	return -1;
}

static const char *name_of(const char *const *names, size_t n, size_t v)
{
	return v < n ? names[v] : NULL;
}

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

/* ---- numbers ---- */

enum decimal {
	DECIMAL_OK,
	DECIMAL_NOT_NUMBER,	/* empty, or not digits only */
	DECIMAL_LEADING_ZERO,
	DECIMAL_RANGE,		/* more than max */
};

/* Strict decimal: digits only, no sign, no spaces, no leading zero. */
static enum decimal parse_decimal(const char *text, unsigned long max,
				  unsigned long *v)
{
	const char *c;

	*v = 0;
	if (!*text)
		return DECIMAL_NOT_NUMBER;
	for (c = text; *c; c++) {
		if (*c < '0' || *c > '9')
			return DECIMAL_NOT_NUMBER;
		if (*v <= max)	/* stop growing once out of range */
			*v = 10 * *v + (unsigned long)(*c - '0');
	}
	if (text[0] == '0' && text[1])
		return DECIMAL_LEADING_ZERO;
	return *v > max ? DECIMAL_RANGE : DECIMAL_OK;
}

static unsigned int max_plen(uint16_t family)
{
	return (unsigned int)family_addr_len(family) * 8;
}

static int parse_plen(const char *text, uint16_t family, uint8_t *plen,
		      char *err, size_t errlen)
{
	unsigned int max = max_plen(family);
	unsigned long v;

	if (!*text)
		return fail(err, errlen, "missing prefix length after '/'");
	switch (parse_decimal(text, max, &v)) {
	case DECIMAL_NOT_NUMBER:
		return fail(err, errlen,
			    "prefix length '%s' is not a decimal number", text);
	case DECIMAL_LEADING_ZERO:
		return fail(err, errlen,
			    "prefix length '%s' has a leading zero", text);
	case DECIMAL_RANGE:
		return fail(err, errlen,
			    "prefix length %s is out of range 0-%u for %s",
			    text, max, family == AF_INET ? "IPv4" : "IPv6");
	case DECIMAL_OK:
		break;
	}
	*plen = (uint8_t)v;
	return 0;
}

/* One port of a list, in text of len bytes. */
static int parse_port(const char *text, size_t len, uint16_t *port,
		      char *err, size_t errlen)
{
	char buf[16];
	unsigned long v;

	if (!len)
		return fail(err, errlen, "empty port number");
	snprintf(buf, sizeof(buf), "%.*s", (int)len, text);
	if (len >= sizeof(buf))
		return fail(err, errlen, "'%.*s' is not a port number",
			    (int)len, text);
	switch (parse_decimal(buf, 65535, &v)) {
	case DECIMAL_NOT_NUMBER:
		return fail(err, errlen, "'%s' is not a port number", buf);
	case DECIMAL_LEADING_ZERO:
		return fail(err, errlen, "port '%s' has a leading zero", buf);
	case DECIMAL_RANGE:
	case DECIMAL_OK:
		break;
	}
	if (v < 1 || v > 65535)
		return fail(err, errlen, "port %s is out of range 1-65535",
			    buf);
	*port = (uint16_t)v;
	return 0;
}

int parse_ports(const char *text, uint16_t *ports, size_t *nports,
		char *err, size_t errlen)
{
	const char *c = text;
	size_t n = 0, i;

	for (;;) {
		size_t len = strcspn(c, ",");
		uint16_t port = 0;

		if (parse_port(c, len, &port, err, errlen) < 0)
			return -1;
		for (i = 0; i < n; i++)
			if (ports[i] == port)
				return fail(err, errlen,
					    "port %u given twice", port);
		if (n == OP25B_MAX_PORTS)
			return fail(err, errlen, "more than %d ports",
				    OP25B_MAX_PORTS);
		ports[n++] = port;
		if (!c[len])
			break;
		c += len + 1;
	}
	*nports = n;
	return 0;
}

int parse_count(const char *text, size_t *n, char *err, size_t errlen)
{
	unsigned long v;

	switch (parse_decimal(text, INT_MAX, &v)) {
	case DECIMAL_OK:
		if (v >= 1)
			break;
		/* fall through */
	case DECIMAL_NOT_NUMBER:
	case DECIMAL_LEADING_ZERO:
		return fail(err, errlen, "'%s' is not a whole number of "
			    "at least 1", text);
	case DECIMAL_RANGE:
		return fail(err, errlen, "%s is too large", text);
	}
	*n = v;
	return 0;
}

/* ---- addresses and prefixes ---- */

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

/* ---- names ---- */

int parse_action(const char *text, uint8_t *action, char *err, size_t errlen)
{
	int v = lookup(NAMES(action_names), text);

	if (v < 0)
		return fail(err, errlen, "not an action (reject or drop)");
	*action = (uint8_t)v;
	return 0;
}

int parse_mode(const char *text, uint8_t *mode, char *err, size_t errlen)
{
	int v = lookup(NAMES(mode_names), text);

	if (v < 0)
		return fail(err, errlen, "not a mode (enforce or audit)");
	*mode = (uint8_t)v;
	return 0;
}

int parse_source_order(const char *text, enum source_order *order,
		       char *err, size_t errlen)
{
	int v = lookup(NAMES(order_names), text);

	if (v < 0)
		return fail(err, errlen,
			    "not an order (denied, last or source)");
	*order = (enum source_order)v;
	return 0;
}

const char *action_name(uint8_t action)
{
	return name_of(NAMES(action_names), action);
}

const char *mode_name(uint8_t mode)
{
	return name_of(NAMES(mode_names), mode);
}

const char *list_name(uint8_t list)
{
	return name_of(NAMES(list_names), list);
}

/* ---- comments ---- */

int parse_comment(int argc, char *const *argv, char *out,
		  char *err, size_t errlen)
{
	size_t len = 0;
	int i;

	for (i = 0; i < argc; i++) {
		const char *c = argv[i];

		for (c += strspn(c, BLANKS); *c; c += strspn(c, BLANKS)) {
			size_t n = strcspn(c, BLANKS), k;

			for (k = 0; k < n; k++)
				if ((unsigned char)c[k] < 0x20 || c[k] == 0x7f)
					return fail(err, errlen, "comment has "
						    "a control character");
			if (len + !!len + n > OP25B_COMMENT_MAX)
				return fail(err, errlen, "comment is longer "
					    "than %d bytes", OP25B_COMMENT_MAX);
			if (len)
				out[len++] = ' ';
			memcpy(out + len, c, n);
			len += n;
			c += n;
		}
	}
	out[len] = '\0';
	if (!len)
		return fail(err, errlen, "empty comment");
	return 0;
}

/* ---- directives ---- */

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int fail_arg(struct parse_error *e, int arg, const char *fmt, ...)
{
	va_list ap;

	e->arg = arg;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* The message is in e already. */
static int fail_at(struct parse_error *e, int arg)
{
	e->arg = arg;
	return -1;
}

static int unexpected(struct parse_error *e, const char *arg)
{
	return fail_arg(e, -1, "unexpected argument '%s'", arg);
}

int parse_list_entry(uint8_t list, int argc, char *const *argv,
		     bool with_comment, struct op25b_entry *entry,
		     struct parse_error *e)
{
	memset(entry, 0, sizeof(*entry));
	entry->list = list;
	if (parse_prefix(argv[0], &entry->prefix, e->msg, sizeof(e->msg)) < 0)
		return fail_at(e, 0);
	if (argc == 1)
		return 0;
	if (!with_comment || strcmp(argv[1], "comment") != 0)
		return unexpected(e, argv[1]);
	if (argc == 2)
		return fail_arg(e, -1, "missing argument TEXT after 'comment'");
	if (parse_comment(argc - 2, argv + 2, entry->comment,
			  e->msg, sizeof(e->msg)) < 0)
		return fail_at(e, 0);
	return 0;
}

static const struct {
	const char *keyword;
	const char *args;	/* the synopsis */
	int max_args;
	enum directive_kind kind;
	uint8_t list;
} directives[] = {
	{ "mode", "enforce|audit", 1, DIRECTIVE_MODE, 0 },
	{ "action", "reject|drop", 1, DIRECTIVE_ACTION, 0 },
	{ "port", "PORT[,PORT...]", 1, DIRECTIVE_PORT, 0 },
	{ "allow", "ADDR[/PLEN] [comment TEXT]", INT_MAX, DIRECTIVE_ENTRY,
	  OP25B_LIST_ALLOW },
	{ "scope", "PREFIX [comment TEXT]", INT_MAX, DIRECTIVE_ENTRY,
	  OP25B_LIST_SCOPE },
	{ "exempt", "PREFIX [comment TEXT]", INT_MAX, DIRECTIVE_ENTRY,
	  OP25B_LIST_EXEMPT },
};

int parse_directive(const char *keyword, int argc, char *const *argv,
		    struct directive *d, struct parse_error *e)
{
	char *msg = e->msg;
	size_t i, len = sizeof(e->msg);

	memset(d, 0, sizeof(*d));
	for (i = 0; i < sizeof(directives) / sizeof(directives[0]); i++)
		if (strcmp(keyword, directives[i].keyword) == 0)
			break;
	if (i == sizeof(directives) / sizeof(directives[0]))
		return fail_arg(e, -1, "unknown directive");
	if (argc < 1)
		return fail_arg(e, -1, "missing argument %s",
				directives[i].args);
	if (argc > directives[i].max_args)
		return unexpected(e, argv[directives[i].max_args]);

	d->kind = directives[i].kind;
	e->arg = 0;
	switch (d->kind) {
	case DIRECTIVE_MODE:
		return parse_mode(argv[0], &d->value, msg, len);
	case DIRECTIVE_ACTION:
		return parse_action(argv[0], &d->value, msg, len);
	case DIRECTIVE_PORT:
		return parse_ports(argv[0], d->ports, &d->nports, msg, len);
	case DIRECTIVE_ENTRY:
		break;
	}
	return parse_list_entry(directives[i].list, argc, argv, true,
				&d->entry, e);
}

/* ---- values to text ---- */

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

const char *format_ports(const uint16_t *ports, size_t n,
			 char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%u",
					 i ? "," : "", ports[i]);
	return buf;
}

const char *format_entry(const struct op25b_entry *e, char *buf, size_t len)
{
	size_t n;
	char *c;

	format_prefix(&e->prefix, buf, len);
	n = strlen(buf);
	if (!e->comment[0] || n >= len)
		return buf;
	snprintf(buf + n, len - n, "  # %s", e->comment);
	/* one line, whatever another client may have put in the comment */
	for (c = buf + n; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return buf;
}
