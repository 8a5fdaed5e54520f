// SPDX-License-Identifier: GPL-2.0
/*
 * op25b-fuzz: random and mutated generic netlink messages to the op25b
 * family, and a permission probe.
 *
 *   op25b-fuzz [-n COUNT] [-s SEED] [-T SECONDS] [-t DST4,DST6] [-E] [-v]
 *	Sends COUNT messages (default 20000) built from SEED (default: from
 *	the clock; always printed, and the same SEED gives the same messages):
 *	structured ones from the ABI's policy (every command, unknown ones,
 *	every attribute, unknown ones, wrong types and lengths, oversize,
 *	bad nesting, NLA_F_NESTED missing or set where it does not belong,
 *	bogus flags and header fields, dumps on commands without one),
 *	mutations of valid messages, truncated headers, several messages in
 *	one send, dumps read in part and abandoned, joins of the events group
 *	and requests to the controller about op25b. Replies are read and
 *	counted; errors are expected. Every SYNC messages a GET_STATUS on a
 *	fresh socket must be answered within 30 s.
 *	-t DST4,DST6: between messages, TCP SYNs from random sources to DST4
 *	and DST6 (ports 25, 587, random) through raw sockets, so that the
 *	packet path and the source table change under the commands.
 *	-E: the caller lacks CAP_NET_ADMIN: any successful op25b command
 *	(an ack without error, a reply, an event) is a failure.
 *	-T: stop after SECONDS even if COUNT is not reached (said so).
 *	-D: generate without sending (no module needed), to check the
 *	fuzzer itself, e.g. built with -fsanitize=address,undefined.
 *	Exit: 0 done, 1 the module stopped answering or -E was violated,
 *	2 usage or setup error.
 *
 *   op25b-fuzz -P [-U]
 *	Permission probe: one valid request per command (dumps as dumps) and
 *	a join of the events group, printing "CMD RESULT" per line, RESULT 0
 *	or an errno name. -U: open the socket first, then unshare a user and
 *	a network namespace (mapping the caller to root in it), and probe on
 *	that socket ("old CMD RESULT"), on a socket opened in the new netns
 *	("new CMD RESULT"), and try setns(2) back into PID 1's netns
 *	("setns-init RESULT").
 *
 * Only the op25b family and the controller (about op25b) are ever sent
 * requests: every header the kernel will parse in a send is checked to
 * name one of those (or a control type below NLMSG_MIN_TYPE) before it
 * goes, whatever the mutations did.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/op25b.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

#define BUF_SIZE	(256 * 1024)
#define MAX_MSG		(96 * 1024)
#define SYNC_EVERY	1000
#define SYNC_WAIT_MS	30000
#define MAX_HELD	4

/* ---- deterministic randomness ---- */

static uint64_t rng_state;

static uint64_t rnd64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* 0 .. n-1 */
static uint32_t rnd(uint32_t n)
{
	return n ? (uint32_t)(rnd64() % n) : 0;
}

/* true with probability pct percent */
static bool chance(unsigned int pct)
{
	return rnd(100) < pct;
}

/* ---- state ---- */

/* the message being built may break the policy (else: a valid request) */
static bool corrupt;

static bool bad(unsigned int pct)
{
	return corrupt && chance(pct);
}

static uint16_t family_id;
static uint32_t events_grp;
static uint32_t seq_no = 1;
static bool expect_eperm;
static bool verbose;
static bool dry;	/* -D: generate only, for checking the fuzzer itself */

static struct {
	unsigned long sent, bytes, send_err;
	unsigned long acks_ok, data, ctrl_data, done, overrun;
	unsigned long err[256];		/* by errno, 255: others */
	unsigned long ok_cmd[256];	/* acks without error by command */
	unsigned long reply_cmd[256];	/* op25b data replies by command */
	unsigned long abandoned, joins, syns, violations, syncs;
} st;

/* seq -> command of the op25b request sent with it (0: other) */
static uint8_t seq_cmd[65536];

static void die(int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("op25b-fuzz: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(rc);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* ---- sockets ---- */

static int nl_open(bool nonblock)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC |
			(nonblock ? SOCK_NONBLOCK : 0), NETLINK_GENERIC);
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, big = 4 << 20;

	if (fd < 0)
		die(2, "netlink socket: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die(2, "netlink bind: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return fd;
}

static ssize_t nl_send(int fd, const void *buf, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (dry)
		return (ssize_t)len;
	return sendto(fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa));
}

/* ---- message building ---- */

struct msg {
	uint8_t *b;
	size_t len, cap;
};

static void put_bytes(struct msg *m, const void *p, size_t n)
{
	if (m->len + n > m->cap)
		n = m->cap - m->len;
	if (p)
		memcpy(m->b + m->len, p, n);
	else
		memset(m->b + m->len, 0, n);
	m->len += n;
}

static void align4(struct msg *m)
{
	while (m->len % 4 && m->len < m->cap)
		m->b[m->len++] = 0;
}

/* an attribute header; returns its offset (for nests: fix the length) */
static size_t attr_start(struct msg *m, uint16_t type)
{
	struct nlattr a = { .nla_len = NLA_HDRLEN, .nla_type = type };
	size_t off;

	align4(m);
	off = m->len;
	put_bytes(m, &a, sizeof(a));
	return off;
}

static void attr_end(struct msg *m, size_t off)
{
	struct nlattr *a = (struct nlattr *)(m->b + off);
	size_t n = m->len - off;

	a->nla_len = n > 0xffff ? 0xffff : (uint16_t)n;
}

static void attr_put(struct msg *m, uint16_t type, const void *p, size_t n)
{
	size_t off = attr_start(m, type);

	put_bytes(m, p, n);
	attr_end(m, off);
	align4(m);
}

static void attr_u8(struct msg *m, uint16_t type, uint8_t v)
{
	attr_put(m, type, &v, 1);
}

static void attr_u16(struct msg *m, uint16_t type, uint16_t v)
{
	attr_put(m, type, &v, 2);
}

static void rnd_fill(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)rnd64();
}

/* an attribute of random type, length and content */
static void attr_junk(struct msg *m, uint16_t maxtype)
{
	static const size_t lens[] = { 0, 1, 2, 3, 4, 5, 8, 16, 17, 255, 256, 1000 };
	uint8_t data[1024];
	size_t n = chance(80) ? lens[rnd(sizeof(lens) / sizeof(lens[0]))] :
				rnd(sizeof(data));
	uint16_t type = (uint16_t)rnd(maxtype + 8u);

	if (chance(15))
		type |= NLA_F_NESTED;
	if (chance(10))
		type |= NLA_F_NET_BYTEORDER;
	rnd_fill(data, n);
	attr_put(m, type, data, n);
}

/* a nest of junk, possibly nested again: bad nesting of every kind */
static void nest_junk(struct msg *m, uint16_t maxtype, int depth)
{
	size_t off = attr_start(m, (uint16_t)(rnd(maxtype + 4u) |
				(chance(70) ? NLA_F_NESTED : 0)));
	unsigned int i, n = rnd(4);

	for (i = 0; i < n; i++) {
		if (depth < 12 && chance(40))
			nest_junk(m, maxtype, depth + 1);
		else
			attr_junk(m, maxtype);
	}
	attr_end(m, off);
}

/* u8/u16 of the right or a wrong size */
static void attr_int(struct msg *m, uint16_t type, uint32_t v, size_t size)
{
	static const size_t wrong[] = { 0, 1, 2, 3, 4, 8 };
	uint8_t b[8] = { 0 };

	if (bad(6))
		size = wrong[rnd(6)];
	memcpy(b, &v, size < 4 ? size : 4);
	attr_put(m, type, b, size);
}

static uint32_t pick_u8(uint32_t max)
{
	return bad(15) ? rnd(256) : rnd(max + 1);
}

static const uint16_t ports[] = { 25, 587, 465, 2525, 0, 1, 65535 };

/* k port attributes: distinct and valid, unless corrupt */
static void put_ports(struct msg *m, unsigned int k)
{
	unsigned int i, first = rnd(4);

	for (i = 0; i < k; i++) {
		uint16_t p = ports[(first + i) % 4];

		if (bad(20))
			p = chance(50) ? ports[rnd(7)] : (uint16_t)rnd(65536);
		attr_int(m, OP25B_A_PORT, p, 2);
	}
}

/* a prefix nest: mostly valid, from a small pool so that removals hit */
static void put_prefix(struct msg *m, bool comment, bool list)
{
	static const uint8_t plens4[] = { 32, 32, 32, 24, 16, 8, 0, 31, 33 };
	static const uint8_t plens6[] = { 128, 128, 64, 48, 0, 127, 129, 200 };
	size_t off = attr_start(m, OP25B_A_PREFIX | (bad(5) ? 0 : NLA_F_NESTED));
	bool v6 = chance(40);
	uint8_t addr[32] = { 0 };
	size_t alen = v6 ? 16 : 4;
	uint8_t plen;
	unsigned int i, nattr;

	if (v6) {
		addr[0] = 0x20; addr[1] = 0x01; addr[2] = 0x0d; addr[3] = 0xb8;
		addr[14] = (uint8_t)rnd(4);
		addr[15] = (uint8_t)rnd(16);
		plen = plens6[rnd(corrupt ? sizeof(plens6) : 5)];
	} else {
		addr[0] = 10; addr[1] = 9;
		addr[2] = (uint8_t)rnd(4);
		addr[3] = (uint8_t)rnd(16);
		plen = plens4[rnd(corrupt ? sizeof(plens4) : 7)];
	}
	/* host bits past the prefix cleared, mostly */
	if (!bad(10) && plen <= alen * 8) {
		for (i = 0; i < alen; i++) {
			int keep = (int)plen - (int)i * 8;

			if (keep <= 0)
				addr[i] = 0;
			else if (keep < 8)
				addr[i] &= (uint8_t)(0xff << (8 - keep));
		}
	}
	if (bad(5))
		alen = rnd(33);			/* wrong address length */
	if (bad(3))
		v6 = !v6;			/* family does not match */

	nattr = 3 + (comment ? 1 : 0) + (list ? 1 : 0);
	for (i = 0; i < nattr; i++) {
		if (bad(4))
			continue;		/* a required one missing */
		switch (i) {
		case 0:
			attr_int(m, OP25B_PREFIX_A_FAMILY, bad(3) ? rnd(65536) :
				 (v6 ? AF_INET6 : AF_INET), 2);
			break;
		case 1:
			attr_put(m, OP25B_PREFIX_A_ADDR, addr, alen);
			break;
		case 2:
			attr_int(m, OP25B_PREFIX_A_PLEN, bad(5) ? rnd(256) : plen, 1);
			break;
		default:
			if (comment && i == 3 && chance(50)) {
				char c[1100];
				size_t n = !bad(15) ? rnd(40) : chance(50) ?
					   OP25B_COMMENT_MAX - 1 + rnd(3) : rnd(1024);
				size_t k;

				for (k = 0; k < n; k++)
					c[k] = (char)('a' + rnd(26));
				c[n] = 0;
				/* mostly NUL-terminated */
				attr_put(m, OP25B_PREFIX_A_COMMENT, c,
					 bad(5) ? n : n + 1);
			} else if (list) {
				attr_int(m, OP25B_PREFIX_A_LIST,
					 pick_u8(OP25B_LIST_MAX), 1);
			}
		}
		if (bad(3))
			attr_junk(m, OP25B_PREFIX_A_MAX);
	}
	if (bad(3))
		nest_junk(m, OP25B_PREFIX_A_MAX, 0);
	attr_end(m, off);
}

/* the attributes of a command, mostly as its policy wants */
static void put_attrs(struct msg *m, uint8_t cmd, bool valid)
{
	unsigned int i, n;

	switch (cmd) {
	case OP25B_CMD_SET_CONFIG:
		n = 0;
		if (chance(40)) {
			attr_int(m, OP25B_A_ENABLED, pick_u8(1), 1);
			n++;
		}
		if (chance(40)) {
			attr_int(m, OP25B_A_MODE, pick_u8(OP25B_MODE_MAX), 1);
			n++;
		}
		if (chance(40)) {
			attr_int(m, OP25B_A_ACTION, pick_u8(OP25B_ACTION_MAX), 1);
			n++;
		}
		if (chance(40) || !n)
			put_ports(m, bad(10) ? rnd(12) : 1 + rnd(4));
		break;
	case OP25B_CMD_ADD_PREFIX:
	case OP25B_CMD_DEL_PREFIX:
		if (chance(50))
			attr_int(m, OP25B_A_LIST, pick_u8(OP25B_LIST_MAX), 1);
		if (!bad(3))
			put_prefix(m, cmd == OP25B_CMD_ADD_PREFIX || bad(5), bad(5));
		if (bad(3))
			put_prefix(m, true, false);	/* twice */
		break;
	case OP25B_CMD_FLUSH_PREFIXES:
	case OP25B_CMD_GET_PREFIXES:
		if (chance(60))
			attr_int(m, OP25B_A_LIST, pick_u8(OP25B_LIST_MAX), 1);
		break;
	case OP25B_CMD_LOAD:
		if (!bad(3))
			attr_int(m, OP25B_A_MODE, pick_u8(OP25B_MODE_MAX), 1);
		if (!bad(3))
			attr_int(m, OP25B_A_ACTION, pick_u8(OP25B_ACTION_MAX), 1);
		put_ports(m, bad(5) ? rnd(12) : 1 + rnd(4));
		n = chance(90) ? rnd(64) : chance(80) ? rnd(1000) : rnd(3000);
		for (i = 0; i < n && m->len + 400 < m->cap; i++)
			put_prefix(m, true, true);
		break;
	default:
		break;
	}
	if (valid)
		return;
	/* strays: unknown types, attributes of other commands, junk nests */
	n = chance(75) ? 0 : 1 + rnd(4);
	for (i = 0; i < n; i++) {
		switch (rnd(5)) {
		case 0:
			attr_junk(m, OP25B_A_MAX);
			break;
		case 1:
			nest_junk(m, OP25B_A_MAX, 0);
			break;
		case 2:
			put_prefix(m, true, true);
			break;
		case 3:
			attr_int(m, (uint16_t)(1 + rnd(OP25B_A_MAX)), rnd64(), 1 + rnd(4));
			break;
		default: {
			uint8_t big[4096];
			size_t len = sizeof(big) - rnd(16);

			rnd_fill(big, len);
			attr_put(m, (uint16_t)rnd(OP25B_A_MAX + 2u), big, len);
		}
		}
	}
}

static uint8_t pick_cmd(void)
{
	uint32_t r = rnd(100);

	if (r < 85)
		return (uint8_t)(OP25B_CMD_GET_STATUS + rnd(OP25B_CMD_LOAD));
	if (r < 90)
		return chance(50) ? OP25B_CMD_UNSPEC : OP25B_CMD_EVENT;
	return (uint8_t)(OP25B_CMD_MAX + 1 + rnd(255 - OP25B_CMD_MAX));
}

static uint16_t pick_flags(uint8_t cmd)
{
	uint16_t f = chance(97) ? NLM_F_REQUEST : 0;

	if (chance(80))
		f |= NLM_F_ACK;
	if (cmd == OP25B_CMD_GET_PREFIXES || cmd == OP25B_CMD_GET_SOURCES ?
	    chance(85) : chance(8))
		f |= chance(95) ? NLM_F_DUMP : chance(50) ? NLM_F_ROOT : NLM_F_MATCH;
	if (chance(4))
		f |= NLM_F_ECHO;
	if (chance(8))
		f |= (uint16_t)(1u << (4 + rnd(12)));	/* a bogus bit */
	return f;
}

/* a genetlink request header; returns the message start */
static size_t msg_start(struct msg *m, uint16_t type, uint16_t flags,
			uint8_t cmd, uint8_t version, uint16_t reserved)
{
	struct nlmsghdr h = {
		.nlmsg_type = type, .nlmsg_flags = flags, .nlmsg_seq = seq_no,
	};
	struct genlmsghdr g = { .cmd = cmd, .version = version,
				.reserved = reserved };
	size_t off;

	align4(m);
	off = m->len;
	seq_cmd[seq_no & 0xffff] = type == family_id ? cmd : 0;
	seq_no++;
	put_bytes(m, &h, sizeof(h));
	put_bytes(m, &g, sizeof(g));
	return off;
}

static void msg_end(struct msg *m, size_t off)
{
	((struct nlmsghdr *)(m->b + off))->nlmsg_len = (uint32_t)(m->len - off);
}

/* a structured op25b request */
static void gen_structured(struct msg *m, bool valid)
{
	uint8_t cmd = valid ? (uint8_t)(1 + rnd(OP25B_CMD_LOAD)) : pick_cmd();
	uint16_t flags;
	size_t off;

	if (valid)
		flags = NLM_F_REQUEST | NLM_F_ACK |
			(cmd == OP25B_CMD_GET_PREFIXES || cmd == OP25B_CMD_GET_SOURCES ?
			 NLM_F_DUMP : 0);
	else
		flags = pick_flags(cmd);
	corrupt = !valid;
	off = msg_start(m, family_id, flags, cmd,
			valid || chance(93) ? OP25B_GENL_VERSION : (uint8_t)rnd(256),
			valid || chance(95) ? 0 : (uint16_t)(1 + rnd(65535)));
	put_attrs(m, cmd, valid);
	msg_end(m, off);
}

/* a valid request, then bytes changed, inserted, removed or cut */
static void gen_mutated(struct msg *m)
{
	static const uint8_t interesting[] = { 0, 1, 2, 3, 4, 5, 7, 8, 0x10,
		0x7f, 0x80, 0xfe, 0xff, 25, 128, 129, 255 };
	size_t off = m->len, body, n, i;
	unsigned int k = 1 + rnd(6);

	gen_structured(m, true);
	body = off + NLMSG_HDRLEN;
	for (i = 0; i < k; i++) {
		size_t span = m->len > body ? m->len - body : 0;
		size_t at = body + rnd((uint32_t)(span + 1));

		switch (rnd(7)) {
		case 0:	/* flip a bit */
			if (at < m->len)
				m->b[at] ^= (uint8_t)(1u << rnd(8));
			break;
		case 1:	/* an interesting byte */
			if (at < m->len)
				m->b[at] = interesting[rnd(sizeof(interesting))];
			break;
		case 2:	/* an interesting 16-bit word: lengths and types */
			if (at + 2 <= m->len) {
				uint16_t v = chance(50) ? interesting[rnd(sizeof(interesting))] :
					     (uint16_t)(rnd(OP25B_A_MAX + 3u) |
							(chance(50) ? NLA_F_NESTED : 0));

				memcpy(m->b + at, &v, 2);
			}
			break;
		case 3:	/* insert random bytes */
			n = 1 + rnd(16);
			if (m->len + n <= m->cap && at <= m->len) {
				memmove(m->b + at + n, m->b + at, m->len - at);
				rnd_fill(m->b + at, n);
				m->len += n;
			}
			break;
		case 4:	/* remove bytes */
			n = 1 + rnd(16);
			if (at + n <= m->len) {
				memmove(m->b + at, m->b + at + n, m->len - at - n);
				m->len -= n;
			}
			break;
		case 5:	/* cut */
			m->len = at;
			break;
		default: /* repeat a chunk */
			n = 1 + rnd(64);
			if (at + n <= m->len && m->len + n <= m->cap) {
				memmove(m->b + at + n, m->b + at, m->len - at);
				m->len += n;
			}
		}
	}
	if (m->len < off + NLMSG_HDRLEN)
		m->len = off + NLMSG_HDRLEN;
	/* the header's length: true, or shorter or longer than the bytes */
	if (chance(90))
		msg_end(m, off);
	else
		((struct nlmsghdr *)(m->b + off))->nlmsg_len =
			(uint32_t)(m->len - off) + rnd(64) - 32;
}

/* headers cut short or lying about their length */
static void gen_truncated(struct msg *m)
{
	size_t off = m->len;

	switch (rnd(4)) {
	case 0:	/* less than a netlink header */
		gen_structured(m, true);
		m->len = off + rnd(NLMSG_HDRLEN);
		break;
	case 1:	/* a genetlink header cut short */
		gen_structured(m, true);
		m->len = off + NLMSG_HDRLEN + rnd(GENL_HDRLEN);
		msg_end(m, off);
		break;
	case 2:	/* nlmsg_len below the header size */
		gen_structured(m, true);
		((struct nlmsghdr *)(m->b + off))->nlmsg_len = rnd(NLMSG_HDRLEN);
		break;
	default: /* nlmsg_len past the end */
		gen_structured(m, chance(50));
		((struct nlmsghdr *)(m->b + off))->nlmsg_len += 1 + rnd(4096);
	}
}

/* the controller, about op25b: family by name or id, its policy dump */
static void gen_ctrl(struct msg *m)
{
	uint8_t cmd = chance(50) ? CTRL_CMD_GETFAMILY :
		      chance(90) ? CTRL_CMD_GETPOLICY : (uint8_t)rnd(16);
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK |
			 (cmd == CTRL_CMD_GETPOLICY || chance(20) ? NLM_F_DUMP : 0);
	size_t off = msg_start(m, GENL_ID_CTRL, flags, cmd, 1, 0);

	if (chance(50))
		attr_put(m, CTRL_ATTR_FAMILY_NAME, OP25B_GENL_NAME,
			 sizeof(OP25B_GENL_NAME));
	else
		attr_u16(m, CTRL_ATTR_FAMILY_ID, family_id);
	if (cmd == CTRL_CMD_GETPOLICY && chance(60)) {
		uint32_t op = chance(80) ? rnd(OP25B_CMD_MAX + 1) : rnd(256);

		attr_put(m, CTRL_ATTR_OP, &op, sizeof(op));
	}
	msg_end(m, off);
}

/*
 * Walk the send buffer as netlink_rcv_skb() will and make every header it
 * parses name op25b, the controller or a control type: a mutation must
 * never turn into a request to another family.
 */
static void make_safe(struct msg *m)
{
	size_t pos = 0;

	while (pos + NLMSG_HDRLEN <= m->len) {
		struct nlmsghdr *h = (struct nlmsghdr *)(m->b + pos);

		if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > m->len - pos)
			return;
		if (h->nlmsg_type != family_id && h->nlmsg_type != GENL_ID_CTRL &&
		    h->nlmsg_type >= NLMSG_MIN_TYPE)
			h->nlmsg_type = family_id;
		pos += NLMSG_ALIGN(h->nlmsg_len);
	}
}

/* one send's worth: one message, or several */
static void gen_send(struct msg *m)
{
	uint32_t r = rnd(100);
	unsigned int i, n;

	if (r < 55) {
		gen_structured(m, chance(25));
	} else if (r < 80) {
		gen_mutated(m);
	} else if (r < 86) {
		gen_truncated(m);
	} else if (r < 92) {
		gen_ctrl(m);
	} else {
		n = 2 + rnd(6);
		for (i = 0; i < n && m->len + 8192 < m->cap; i++) {
			switch (rnd(4)) {
			case 0:
				gen_mutated(m);
				break;
			case 1:
				gen_ctrl(m);
				break;
			default:
				gen_structured(m, chance(50));
			}
			if (chance(20))
				align4(m);
			else
				m->len = NLMSG_ALIGN(m->len) <= m->cap ?
					 NLMSG_ALIGN(m->len) : m->len;
		}
		if (chance(15))
			gen_truncated(m);
	}
	make_safe(m);
}

/* ---- replies ---- */

static void count_err(int e)
{
	st.err[e > 0 && e < 255 ? e : 255]++;
}

static void on_message(const struct nlmsghdr *h)
{
	if (h->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(h);

		if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
			return;
		if (e->error == 0) {
			uint8_t cmd = seq_cmd[h->nlmsg_seq & 0xffff];

			st.acks_ok++;
			/* a request the family handled, not a skipped non-request */
			if (e->msg.nlmsg_type == family_id &&
			    e->msg.nlmsg_flags & NLM_F_REQUEST) {
				st.ok_cmd[cmd]++;
				if (expect_eperm) {
					st.violations++;
					fprintf(stderr, "op25b-fuzz: command %u (seq %u) succeeded without CAP_NET_ADMIN\n",
						cmd, h->nlmsg_seq);
				}
			}
		} else {
			count_err(-e->error);
		}
	} else if (h->nlmsg_type == NLMSG_DONE) {
		st.done++;
	} else if (h->nlmsg_type == family_id) {
		const struct genlmsghdr *g = NLMSG_DATA(h);

		st.data++;
		if (h->nlmsg_len >= NLMSG_LENGTH(GENL_HDRLEN))
			st.reply_cmd[g->cmd]++;
		if (expect_eperm) {
			st.violations++;
			fprintf(stderr, "op25b-fuzz: an op25b message (command %u) reached a caller without CAP_NET_ADMIN\n",
				h->nlmsg_len >= NLMSG_LENGTH(GENL_HDRLEN) ? g->cmd : 0);
		}
	} else if (h->nlmsg_type == GENL_ID_CTRL) {
		st.ctrl_data++;
	}
}

static uint8_t rbuf[BUF_SIZE] __attribute__((aligned(4)));

/* read what is there (max: at most that many recvs; 0 no limit) */
static void drain(int fd, unsigned int max)
{
	unsigned int n = 0;

	while (!max || n++ < max) {
		ssize_t len = recv(fd, rbuf, sizeof(rbuf), MSG_DONTWAIT);
		const struct nlmsghdr *h;
		int left;

		if (len < 0) {
			if (errno == ENOBUFS) {
				st.overrun++;
				continue;
			}
			if (errno == EINTR)
				continue;
			return;		/* EAGAIN: nothing more for now */
		}
		if (len == 0)
			return;
		left = (int)len;
		for (h = (const struct nlmsghdr *)rbuf; mnl_nlmsg_ok(h, left);
		     h = mnl_nlmsg_next(h, &left))
			on_message(h);
	}
}

/* ---- family ---- */

static void resolve_family(void)
{
	uint8_t buf[8192] __attribute__((aligned(4)));
	struct mnl_socket *nl = mnl_socket_open(NETLINK_GENERIC);
	struct nlmsghdr *h;
	struct genlmsghdr *g;
	struct nlattr *a, *grp, *ga;
	ssize_t len;

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die(2, "netlink: %s", strerror(errno));
	h = mnl_nlmsg_put_header(buf);
	h->nlmsg_type = GENL_ID_CTRL;
	h->nlmsg_flags = NLM_F_REQUEST;
	h->nlmsg_seq = 1;
	g = mnl_nlmsg_put_extra_header(h, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(h, CTRL_ATTR_FAMILY_NAME, OP25B_GENL_NAME);
	if (mnl_socket_sendto(nl, h, h->nlmsg_len) < 0)
		die(2, "netlink send: %s", strerror(errno));
	len = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (len < (ssize_t)NLMSG_HDRLEN)
		die(2, "netlink recv: %s", strerror(errno));
	h = (struct nlmsghdr *)buf;
	if (h->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);

		die(2, "family %s: %s (is op25b.ko loaded?)", OP25B_GENL_NAME,
		    strerror(-e->error));
	}
	mnl_attr_for_each(a, h, GENL_HDRLEN) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			family_id = mnl_attr_get_u16(a);
		if (mnl_attr_get_type(a) != CTRL_ATTR_MCAST_GROUPS)
			continue;
		mnl_attr_for_each_nested(grp, a) {
			uint32_t id = 0;
			bool events = false;

			mnl_attr_for_each_nested(ga, grp) {
				if (mnl_attr_get_type(ga) == CTRL_ATTR_MCAST_GRP_ID)
					id = mnl_attr_get_u32(ga);
				if (mnl_attr_get_type(ga) == CTRL_ATTR_MCAST_GRP_NAME &&
				    !strcmp(mnl_attr_get_str(ga), OP25B_MCGRP_EVENTS))
					events = true;
			}
			if (events)
				events_grp = id;
		}
	}
	mnl_socket_close(nl);
	if (!family_id)
		die(2, "no id for family %s", OP25B_GENL_NAME);
}

/* ---- liveness ---- */

/*
 * A GET_STATUS on a fresh socket must be answered (a reply, or an error
 * such as EPERM: the module answered) within SYNC_WAIT_MS.
 */
static void sync_check(unsigned long at)
{
	uint8_t buf[64] __attribute__((aligned(4)));
	struct msg m = { buf, 0, sizeof(buf) };
	int fd = nl_open(true);
	long until = now_ms() + SYNC_WAIT_MS;
	size_t off;

	off = msg_start(&m, family_id, NLM_F_REQUEST | NLM_F_ACK,
			OP25B_CMD_GET_STATUS, OP25B_GENL_VERSION, 0);
	msg_end(&m, off);
	if (nl_send(fd, m.b, m.len) < 0)
		die(1, "after %lu messages: GET_STATUS not sent: %s", at,
		    strerror(errno));
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long left = until - now_ms();
		ssize_t len;

		if (left <= 0)
			die(1, "after %lu messages: no answer to GET_STATUS within %d s",
			    at, SYNC_WAIT_MS / 1000);
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		len = recv(fd, rbuf, sizeof(rbuf), MSG_DONTWAIT);
		if (len >= (ssize_t)NLMSG_HDRLEN) {
			const struct nlmsghdr *h = (const struct nlmsghdr *)rbuf;

			if (h->nlmsg_type == family_id || h->nlmsg_type == NLMSG_ERROR)
				break;
		}
	}
	close(fd);
	st.syncs++;
}

/* ---- traffic ---- */

static int raw4 = -1, raw6 = -1;
static struct in_addr dst4;
static struct in6_addr dst6;

static void send_syn(void)
{
	uint8_t p[60] = { 0 };
	uint16_t dport = chance(50) ? 25 : chance(50) ? 587 : (uint16_t)rnd(65536);
	uint16_t sport = (uint16_t)(1024 + rnd(60000));
	uint8_t *th;
	size_t len;

	if (chance(60) && raw4 >= 0) {
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr = dst4 };

		p[0] = 0x45;
		p[8] = 64;
		p[9] = IPPROTO_TCP;
		p[12] = 10;
		p[13] = (uint8_t)(100 + rnd(100));
		p[14] = (uint8_t)rnd(256);
		p[15] = (uint8_t)(1 + rnd(254));
		memcpy(p + 16, &dst4, 4);
		th = p + 20;
		len = 40;
		th[0] = (uint8_t)(sport >> 8); th[1] = (uint8_t)sport;
		th[2] = (uint8_t)(dport >> 8); th[3] = (uint8_t)dport;
		th[12] = 0x50;
		th[13] = chance(90) ? 0x02 : (uint8_t)rnd(256);
		if (sendto(raw4, p, len, 0, (struct sockaddr *)&sa, sizeof(sa)) >= 0 ||
		    errno == ECONNREFUSED || errno == EPERM)
			st.syns++;
	} else if (raw6 >= 0) {
		struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = dst6 };

		p[0] = 0x60;
		p[5] = 20;
		p[6] = IPPROTO_TCP;
		p[7] = 64;
		p[8] = 0xfd;
		p[9] = 0x99;
		p[22] = (uint8_t)rnd(256);
		p[23] = (uint8_t)(1 + rnd(254));
		memcpy(p + 24, &dst6, 16);
		th = p + 40;
		len = 60;
		th[0] = (uint8_t)(sport >> 8); th[1] = (uint8_t)sport;
		th[2] = (uint8_t)(dport >> 8); th[3] = (uint8_t)dport;
		th[12] = 0x50;
		th[13] = 0x02;
		if (sendto(raw6, p, len, 0, (struct sockaddr *)&sa, sizeof(sa)) >= 0 ||
		    errno == ECONNREFUSED || errno == EPERM)
			st.syns++;
	}
}

static void traffic_setup(const char *arg)
{
	char a4[64], *a6;

	snprintf(a4, sizeof(a4), "%s", arg);
	a6 = strchr(a4, ',');
	if (!a6)
		die(2, "-t wants DST4,DST6, not '%s'", arg);
	*a6++ = 0;
	if (inet_pton(AF_INET, a4, &dst4) != 1)
		die(2, "-t: bad IPv4 address '%s'", a4);
	if (inet_pton(AF_INET6, a6, &dst6) != 1)
		die(2, "-t: bad IPv6 address '%s'", a6);
	raw4 = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	raw6 = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (raw4 < 0 || raw6 < 0)
		die(2, "raw socket: %s", strerror(errno));
}

/* ---- the fuzz loop ---- */

static const char *const cmd_names[] = {
	"unspec", "get_status", "set_config", "add_prefix", "del_prefix",
	"flush_prefixes", "get_prefixes", "get_sources", "reset_stats",
	"load", "event",
};
_Static_assert(sizeof(cmd_names) / sizeof(cmd_names[0]) == OP25B_CMD_MAX + 1,
	       "a name for every command");

static void sockopts(int fd)
{
	int v;

	v = chance(70);
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &v, sizeof(v));
	v = chance(30);
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &v, sizeof(v));
	v = chance(20);
	setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &v, sizeof(v));
}

/* a dump on a socket of its own, read in part (or not at all) */
static int held[MAX_HELD];

static void dump_abandon(void)
{
	uint8_t buf[512] __attribute__((aligned(4)));
	struct msg m = { buf, 0, sizeof(buf) };
	uint8_t cmd = chance(50) ? OP25B_CMD_GET_SOURCES : OP25B_CMD_GET_PREFIXES;
	int fd = nl_open(true), small = 1, slot = (int)rnd(MAX_HELD);
	size_t off;

	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	sockopts(fd);
	off = msg_start(&m, family_id, NLM_F_REQUEST | NLM_F_DUMP |
			(chance(50) ? NLM_F_ACK : 0), cmd, OP25B_GENL_VERSION, 0);
	if (cmd == OP25B_CMD_GET_PREFIXES && chance(50))
		attr_u8(&m, OP25B_A_LIST, (uint8_t)rnd(OP25B_LIST_MAX + 1));
	msg_end(&m, off);
	if (nl_send(fd, m.b, m.len) < 0)
		st.send_err++;
	drain(fd, rnd(3));
	st.abandoned++;
	/* close now, or keep it open a while beside the other commands */
	if (chance(50)) {
		close(fd);
		return;
	}
	if (held[slot] > 0)
		close(held[slot]);
	held[slot] = fd;
}

static void fuzz(unsigned long count, long limit_ms)
{
	static uint8_t sbuf[MAX_MSG + 8192] __attribute__((aligned(4)));
	long t0 = now_ms();
	int fd = nl_open(true);
	unsigned long i;
	int k;

	for (i = 0; i < count; i++) {
		struct msg m = { sbuf, 0, chance(97) ? 16384 : MAX_MSG };
		uint32_t r = rnd(1000);

		if (limit_ms && now_ms() - t0 > limit_ms) {
			printf("op25b-fuzz: time limit reached after %lu of %lu messages\n",
			       i, count);
			break;
		}
		if (i && i % SYNC_EVERY == 0 && !dry)
			sync_check(i);
		if (raw4 >= 0) {
			unsigned int n = rnd(4);

			while (n--)
				send_syn();
		}
		if (r < 15) {			/* a new socket, new options */
			drain(fd, 0);
			close(fd);
			fd = nl_open(true);
			sockopts(fd);
		} else if (r < 40) {
			dump_abandon();
			continue;
		} else if (r < 45 && events_grp) {	/* join or leave events */
			int opt = chance(60) ? NETLINK_ADD_MEMBERSHIP :
					       NETLINK_DROP_MEMBERSHIP;

			if (!setsockopt(fd, SOL_NETLINK, opt, &events_grp,
					sizeof(events_grp)) &&
			    opt == NETLINK_ADD_MEMBERSHIP) {
				st.joins++;
				if (expect_eperm) {
					st.violations++;
					fprintf(stderr, "op25b-fuzz: joined the events group without CAP_NET_ADMIN\n");
				}
			}
		}
		gen_send(&m);
		if (verbose)
			fprintf(stderr, "msg %lu: %zu bytes\n", i, m.len);
		if (nl_send(fd, m.b, m.len) < 0)
			st.send_err++;
		st.sent++;
		st.bytes += m.len;
		/* mostly read at once; sometimes let replies and dumps pile up */
		if (chance(90))
			drain(fd, 0);
	}
	drain(fd, 0);
	close(fd);
	for (k = 0; k < MAX_HELD; k++)
		if (held[k] > 0)
			close(held[k]);
	if (!dry)
		sync_check(i);
	printf("op25b-fuzz: %lu messages (%lu bytes) in %.1f s; %lu syns sent\n",
	       st.sent, st.bytes, (now_ms() - t0) / 1000.0, st.syns);
}

static void report(void)
{
	int e;
	unsigned int c;

	printf("op25b-fuzz: replies: %lu acks ok, %lu op25b messages, %lu controller messages, %lu dumps done, %lu overruns\n",
	       st.acks_ok, st.data, st.ctrl_data, st.done, st.overrun);
	printf("op25b-fuzz: errors:");
	for (e = 1; e < 256; e++)
		if (st.err[e])
			printf(" %s=%lu", e < 255 ? strerrorname_np(e) : "other",
			       st.err[e]);
	printf("\nop25b-fuzz: ok by command:");
	for (c = 0; c <= OP25B_CMD_MAX; c++)
		printf(" %s=%lu", cmd_names[c], st.ok_cmd[c]);
	printf("\nop25b-fuzz: replies by command:");
	for (c = 0; c <= OP25B_CMD_MAX; c++)
		printf(" %s=%lu", cmd_names[c], st.reply_cmd[c]);
	printf("\nop25b-fuzz: %lu dumps abandoned, %lu joins of events, %lu liveness checks, %lu send errors\n",
	       st.abandoned, st.joins, st.syncs, st.send_err);
}

/* ---- permission probe ---- */

/* one valid request of cmd on fd; 0 or a positive errno */
static int probe(int fd, uint8_t cmd)
{
	uint8_t buf[512] __attribute__((aligned(4)));
	struct msg m = { buf, 0, sizeof(buf) };
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
	uint32_t seq = seq_no;
	uint8_t addr[4] = { 192, 0, 2, 77 };
	long until = now_ms() + SYNC_WAIT_MS;
	bool dump = cmd == OP25B_CMD_GET_PREFIXES || cmd == OP25B_CMD_GET_SOURCES;
	size_t off, n;

	if (dump)
		flags |= NLM_F_DUMP;
	off = msg_start(&m, family_id, flags, cmd, OP25B_GENL_VERSION, 0);
	switch (cmd) {
	case OP25B_CMD_SET_CONFIG:
		attr_u8(&m, OP25B_A_ACTION, OP25B_ACTION_DROP);
		break;
	case OP25B_CMD_LOAD:
		attr_u8(&m, OP25B_A_MODE, OP25B_MODE_ENFORCE);
		attr_u8(&m, OP25B_A_ACTION, OP25B_ACTION_REJECT);
		attr_u16(&m, OP25B_A_PORT, 25);
		addr[3] = 78;
		/* fall through */
	case OP25B_CMD_ADD_PREFIX:
	case OP25B_CMD_DEL_PREFIX:
		n = attr_start(&m, OP25B_A_PREFIX | NLA_F_NESTED);
		attr_u16(&m, OP25B_PREFIX_A_FAMILY, AF_INET);
		attr_put(&m, OP25B_PREFIX_A_ADDR, addr, 4);
		attr_u8(&m, OP25B_PREFIX_A_PLEN, 32);
		attr_end(&m, n);
		break;
	case OP25B_CMD_FLUSH_PREFIXES:
		attr_u8(&m, OP25B_A_LIST, OP25B_LIST_EXEMPT);
		break;
	default:
		break;
	}
	msg_end(&m, off);
	if (nl_send(fd, m.b, m.len) < 0)
		return errno;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		const struct nlmsghdr *h;
		ssize_t len;
		int left;

		if (now_ms() > until)
			return ETIMEDOUT;
		if (poll(&p, 1, 1000) <= 0)
			continue;
		len = recv(fd, rbuf, sizeof(rbuf), MSG_DONTWAIT);
		if (len < 0)
			return errno == EAGAIN ? ETIMEDOUT : errno;
		left = (int)len;
		for (h = (const struct nlmsghdr *)rbuf; mnl_nlmsg_ok(h, left);
		     h = mnl_nlmsg_next(h, &left)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				if (e->error || !dump)
					return -e->error;
			} else if (h->nlmsg_type == NLMSG_DONE) {
				/* acked dumps end with DONE, then an ack */
				return *(const int *)NLMSG_DATA(h) < 0 ?
				       -*(const int *)NLMSG_DATA(h) : 0;
			}
		}
	}
}

static const char *errname(int e)
{
	return e ? strerrorname_np(e) : "0";
}

static void probe_all(int fd, const char *prefix)
{
	uint8_t cmd;
	int e = 0;

	for (cmd = OP25B_CMD_GET_STATUS; cmd <= OP25B_CMD_LOAD; cmd++)
		printf("%s%s %s\n", prefix, cmd_names[cmd], errname(probe(fd, cmd)));
	if (events_grp &&
	    setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &events_grp,
		       sizeof(events_grp)) < 0)
		e = errno;
	printf("%sevents %s\n", prefix, events_grp ? errname(e) : "ENOENT");
	fflush(stdout);
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		die(2, "%s: %s", path, strerror(errno));
	close(fd);
}

static int perm(bool userns)
{
	int fd = nl_open(false), nfd, e = 0;
	char map[64];
	unsigned int uid = getuid(), gid = getgid();

	if (!userns) {
		probe_all(fd, "");
		return 0;
	}
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
		die(2, "unshare(CLONE_NEWUSER | CLONE_NEWNET): %s", strerror(errno));
	snprintf(map, sizeof(map), "0 %u 1", uid);
	write_file("/proc/self/uid_map", map);
	write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %u 1", gid);
	write_file("/proc/self/gid_map", map);
	probe_all(fd, "old ");
	nfd = nl_open(false);
	probe_all(nfd, "new ");
	close(nfd);
	nfd = open("/proc/1/ns/net", O_RDONLY | O_CLOEXEC);
	if (nfd < 0 || setns(nfd, CLONE_NEWNET) < 0)
		e = errno;
	printf("setns-init %s\n", errname(e));
	if (!e)
		probe_all(fd, "init ");
	close(fd);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: op25b-fuzz [-n COUNT] [-s SEED] [-T SECONDS] [-t DST4,DST6] [-E] [-v] [-D]\n"
		"       op25b-fuzz -P [-U]\n");
	exit(2);
}

static unsigned long num(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || !*s || *end)
		die(2, "%s: not a number: '%s'", what, s);
	return v;
}

int main(int argc, char **argv)
{
	unsigned long count = 20000, limit = 0;
	uint64_t seed = 0;
	bool have_seed = false, do_perm = false, userns = false;
	const char *traffic = NULL;
	int c;

	while ((c = getopt(argc, argv, "n:s:T:t:EPUvDh")) != -1) {
		switch (c) {
		case 'n':
			count = num(optarg, "-n");
			break;
		case 's':
			seed = num(optarg, "-s");
			have_seed = true;
			break;
		case 'T':
			limit = num(optarg, "-T");
			break;
		case 't':
			traffic = optarg;
			break;
		case 'E':
			expect_eperm = true;
			break;
		case 'P':
			do_perm = true;
			break;
		case 'U':
			userns = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'D':
			dry = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || (userns && !do_perm))
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (dry)
		family_id = 0x20;
	else
		resolve_family();
	if (do_perm)
		return perm(userns);

	if (!have_seed) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (uint64_t)ts.tv_sec * 1000003u ^ (uint64_t)ts.tv_nsec ^
		       (uint64_t)getpid();
	}
	rng_state = seed;
	printf("op25b-fuzz: seed %" PRIu64 " (reproduce: op25b-fuzz -s %" PRIu64 " -n %lu%s%s%s)\n",
	       seed, seed, count, traffic ? " -t " : "", traffic ? traffic : "",
	       expect_eperm ? " -E" : "");
	if (traffic)
		traffic_setup(traffic);
	fuzz(count, (long)limit * 1000);
	report();
	if (st.violations) {
		printf("op25b-fuzz: FAIL: %lu successes without CAP_NET_ADMIN\n",
		       st.violations);
		return 1;
	}
	return 0;
}
