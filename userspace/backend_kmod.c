// SPDX-License-Identifier: GPL-2.0
/*
 * The op25b kernel module over generic netlink, with libmnl.
 *
 * Every request asks for an ack (or is a dump, which ends in NLMSG_DONE),
 * so a reply is complete when the NLMSG_ERROR or NLMSG_DONE carrying its
 * sequence number arrives; the kernel's extended ack message, if any, ends
 * up in b->err.msg. A dump the kernel flags NLM_F_DUMP_INTR is read to its
 * end, thrown away and asked for again.
 */
#include <errno.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include "backend.h"

#define NOT_LOADED "the op25b kernel module is not loaded " \
	"(load it with 'insmod op25b.ko' or 'modprobe op25b')"

/* libmnl's MNL_SOCKET_DUMP_SIZE, which 1.0.4 lacks: the largest skb the
 * kernel builds for a dump. */
#define RECV_SIZE	32768
#define REQ_SIZE	256
#define DUMP_TRIES	5

/* More than the largest attribute type of any set parsed here. */
#define TB_SIZE		32
_Static_assert(OP25B_A_MAX < TB_SIZE && OP25B_PREFIX_A_MAX < TB_SIZE &&
	       OP25B_SOURCE_A_MAX < TB_SIZE && OP25B_TOTALS_A_MAX < TB_SIZE &&
	       CTRL_ATTR_FAMILY_ID < TB_SIZE && NLMSGERR_ATTR_MSG < TB_SIZE,
	       "TB_SIZE too small");

struct kmod {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	uint16_t family;		/* genetlink id of "op25b" */
	alignas(struct nlmsghdr) char req[REQ_SIZE];
	alignas(struct nlmsghdr) char buf[RECV_SIZE];
};

/* One message of a reply: 0, or -errno with b->err.msg set. */
typedef int (*parse_fn)(struct backend *b, const struct nlmsghdr *nlh,
			void *arg);

struct reply {
	uint16_t type;		/* of the data messages wanted */
	parse_fn parse;
	void *arg;
	int error;		/* first failure, positive errno */
	bool intr;		/* NLM_F_DUMP_INTR seen */
};

/* What a reply attribute must be; MNL_TYPE_UNSPEC: unknown, ignored. */
struct attr_policy {
	enum mnl_attr_data_type type;
	bool required;
};

struct attr_parse {
	const struct attr_policy *policy;
	unsigned int max;
	const struct nlattr **tb;
	int bad;		/* type of the first invalid attribute, or -1 */
};

static struct kmod *kmod(struct backend *b)
{
	return b->priv;
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int fail(struct backend *b, int code, const char *fmt, ...)
{
	va_list ap;

	b->err.code = code;
	va_start(ap, fmt);
	vsnprintf(b->err.msg, sizeof(b->err.msg), fmt, ap);
	va_end(ap);
	return -code;
}

/* ---- reply attributes ---- */

static int attr_cb(const struct nlattr *attr, void *data)
{
	struct attr_parse *p = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type > p->max || p->policy[type].type == MNL_TYPE_UNSPEC)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, p->policy[type].type) < 0) {
		if (p->bad < 0)
			p->bad = type;
		return MNL_CB_OK;
	}
	p->tb[type] = attr;
	return MNL_CB_OK;
}

/*
 * Check the attributes of a message (nest == NULL; they start after the
 * genetlink header) or of a nest against policy[0..max], into tb.
 */
static int parse_attrs(struct backend *b, const struct nlmsghdr *nlh,
		       const struct nlattr *nest, const char *what,
		       const struct attr_policy *policy, unsigned int max,
		       const struct nlattr **tb)
{
	struct attr_parse p = { policy, max, tb, -1 };
	unsigned int i;

	memset(tb, 0, TB_SIZE * sizeof(*tb));
	if (nest)
		mnl_attr_parse_nested(nest, attr_cb, &p);
	else
		mnl_attr_parse(nlh, GENL_HDRLEN, attr_cb, &p);
	if (p.bad >= 0)
		return fail(b, EPROTO, "malformed reply from the kernel: "
			    "bad attribute %d in %s", p.bad, what);
	for (i = 0; i <= max; i++)
		if (policy[i].required && !tb[i])
			return fail(b, EPROTO, "malformed reply from the kernel: "
				    "no attribute %u in %s", i, what);
	return 0;
}

/* An address of family (u16 attribute) from a binary attribute. */
static int get_addr(struct backend *b, const struct nlattr *fattr,
		    const struct nlattr *aattr, const char *what,
		    uint16_t *family, uint8_t *addr)
{
	size_t len;

	*family = mnl_attr_get_u16(fattr);
	len = family_addr_len(*family);
	if (!len || mnl_attr_get_payload_len(aattr) != len)
		return fail(b, EPROTO, "malformed reply from the kernel: "
			    "bad address in %s", what);
	memcpy(addr, mnl_attr_get_payload(aattr), len);
	return 0;
}

/*
 * A dump message carries one nest of the given type (OP25B_A_PREFIX,
 * OP25B_A_SOURCE): check it is there and parse it against policy into tb.
 */
static int parse_entry(struct backend *b, const struct nlmsghdr *nlh,
		       uint16_t type, const char *what,
		       const struct attr_policy *policy, unsigned int max,
		       const struct nlattr **tb)
{
	struct attr_policy msg_policy[OP25B_A_MAX + 1] = { { 0 } };
	const struct nlattr *msg[TB_SIZE];
	int ret;

	msg_policy[type] = (struct attr_policy){ MNL_TYPE_NESTED, true };
	ret = parse_attrs(b, nlh, NULL, what, msg_policy, OP25B_A_MAX, msg);
	if (ret == 0)
		ret = parse_attrs(b, NULL, msg[type], what, policy, max, tb);
	return ret;
}

/* Append a copy of item to the dump's results. */
static int push(struct backend *b, struct vec *out, const void *item)
{
	void *slot = vec_push(out);

	if (!slot)
		return fail(b, ENOMEM, "while reading the kernel's reply");
	memcpy(slot, item, out->size);
	return 0;
}

/* ---- the netlink conversation ---- */

static struct nlmsghdr *request(struct kmod *k, uint16_t type, uint16_t flags,
				uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(k->req);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

/* The extack message in the TLVs at offset past the payload start. */
static void get_extack(struct backend *b, const struct nlmsghdr *nlh,
		       size_t offset)
{
	static const struct attr_policy policy[NLMSGERR_ATTR_MAX + 1] = {
		[NLMSGERR_ATTR_MSG] = { MNL_TYPE_NUL_STRING, false },
	};
	const struct nlattr *tb[TB_SIZE] = { NULL };
	struct attr_parse p = { policy, NLMSGERR_ATTR_MAX, tb, -1 };

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    offset > mnl_nlmsg_get_payload_len(nlh))
		return;
	mnl_attr_parse(nlh, (unsigned int)offset, attr_cb, &p);
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(b->err.msg, sizeof(b->err.msg), "%s",
			 mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]));
}

/* NLMSG_ERROR: an ack (error 0) or a refusal. */
static void on_error(struct backend *b, struct reply *r,
		     const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t offset = sizeof(*e);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		r->error = EPROTO;
		return;
	}
	if (e->error == 0)
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset += mnl_nlmsg_get_payload_len(&e->msg);
	get_extack(b, nlh, offset);
	if (!r->error)
		r->error = e->error < 0 ? -e->error : EPROTO;
}

/* NLMSG_DONE: the end of a dump, with the dump's error if it failed. */
static void on_done(struct backend *b, struct reply *r,
		    const struct nlmsghdr *nlh)
{
	int err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(err))
		return;
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err < 0) {
		get_extack(b, nlh, sizeof(err));
		if (!r->error)
			r->error = -err;
	}
}

/* The messages of one recv(). True once the reply is complete. */
static bool handle(struct backend *b, struct reply *r, uint32_t seq,
		   const void *buf, int len)
{
	const struct nlmsghdr *nlh = buf;
	struct kmod *k = kmod(b);
	int ret;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		if (!mnl_nlmsg_seq_ok(nlh, seq) ||
		    !mnl_nlmsg_portid_ok(nlh, k->portid))
			continue;	/* stale: not ours */
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			r->intr = true;
		switch (nlh->nlmsg_type) {
		case NLMSG_ERROR:
			on_error(b, r, nlh);
			return true;
		case NLMSG_DONE:
			on_done(b, r, nlh);
			return true;
		default:
			if (nlh->nlmsg_type != r->type || !r->parse || r->error)
				break;
			if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN)
				ret = fail(b, EPROTO, "malformed reply from "
					   "the kernel: short message");
			else
				ret = r->parse(b, nlh, r->arg);
			if (ret < 0)
				r->error = -ret;	/* read on to the end */
		}
	}
	return false;
}

/* Send the request in k->req, read its whole reply: 0 or -errno. */
static int transact(struct backend *b, struct reply *r)
{
	struct kmod *k = kmod(b);
	struct nlmsghdr *nlh = (void *)k->req;
	ssize_t n;

	nlh->nlmsg_seq = ++k->seq;
	memset(&b->err, 0, sizeof(b->err));
	r->error = 0;
	r->intr = false;
	if (mnl_socket_sendto(k->nl, nlh, nlh->nlmsg_len) < 0)
		return fail(b, errno, "sending to the kernel");
	for (;;) {
		n = mnl_socket_recvfrom(k->nl, k->buf, sizeof(k->buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail(b, errno, "receiving from the kernel");
		if (n == 0)
			return fail(b, EPROTO, "the kernel's reply ended early");
		if (handle(b, r, nlh->nlmsg_seq, k->buf, (int)n))
			break;
	}
	if (r->error) {
		b->err.code = r->error;
		return -r->error;
	}
	return 0;
}

/* A doit command of the op25b family; attributes already in k->req. */
static int doit(struct backend *b, parse_fn parse, void *arg)
{
	struct reply r = { kmod(b)->family, parse, arg, 0, false };

	return transact(b, &r);
}

static struct nlmsghdr *op25b_request(struct backend *b, uint8_t cmd,
				      uint16_t flags)
{
	return request(kmod(b), kmod(b)->family, flags, cmd,
		       OP25B_GENL_VERSION);
}

/* A dump into out, asked for again while the kernel flags it interrupted. */
static int dump(struct backend *b, uint8_t cmd, parse_fn parse,
		struct vec *out)
{
	struct reply r = { kmod(b)->family, parse, out, 0, false };
	size_t n0 = out->n;
	int tries, ret;

	op25b_request(b, cmd, NLM_F_DUMP);
	for (tries = 0; tries < DUMP_TRIES; tries++) {
		out->n = n0;
		ret = transact(b, &r);
		if (ret < 0 || !r.intr)
			return ret;
	}
	out->n = n0;
	return fail(b, EAGAIN, "the kernel's table kept changing during "
		    "the dump (%d tries)", DUMP_TRIES);
}

/* ---- family resolution ---- */

static int parse_family(struct backend *b, const struct nlmsghdr *nlh,
			void *arg)
{
	static const struct attr_policy policy[CTRL_ATTR_MAX + 1] = {
		[CTRL_ATTR_FAMILY_ID] = { MNL_TYPE_U16, true },
	};
	const struct nlattr *tb[TB_SIZE];
	int ret;

	ret = parse_attrs(b, nlh, NULL, "CTRL_CMD_GETFAMILY", policy,
			  CTRL_ATTR_MAX, tb);
	if (ret == 0)
		*(uint16_t *)arg = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	return ret;
}

static int resolve_family(struct backend *b)
{
	struct kmod *k = kmod(b);
	struct reply r = { GENL_ID_CTRL, parse_family, &k->family, 0, false };
	struct nlmsghdr *nlh;
	int ret;

	nlh = request(k, GENL_ID_CTRL, NLM_F_ACK, CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, OP25B_GENL_NAME);
	ret = transact(b, &r);
	if (ret == -ENOENT) {
		b->err.unavailable = true;
		snprintf(b->err.msg, sizeof(b->err.msg), NOT_LOADED);
	} else if (ret == 0 && !k->family) {
		ret = fail(b, EPROTO, "the kernel did not say the family id "
			   "of \"" OP25B_GENL_NAME "\"");
	}
	return ret;
}

static void kmod_close(struct backend *b)
{
	struct kmod *k = kmod(b);

	if (!k)
		return;
	if (k->nl)
		mnl_socket_close(k->nl);
	free(k);
	b->priv = NULL;
}

static int kmod_open(struct backend *b)
{
	struct kmod *k = calloc(1, sizeof(*k));
	int one = 1;

	b->priv = k;
	if (!k)
		return fail(b, ENOMEM, "while reading the kernel's reply");
	k->seq = (uint32_t)time(NULL);
	k->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!k->nl || mnl_socket_bind(k->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int ret = fail(b, errno, "opening a generic netlink socket");

		kmod_close(b);
		return ret;
	}
	k->portid = mnl_socket_get_portid(k->nl);
	/* Best effort: older kernels just lack the detail. */
	mnl_socket_setsockopt(k->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(k->nl, NETLINK_CAP_ACK, &one, sizeof(one));

	if (resolve_family(b) < 0) {
		int code = b->err.code;

		kmod_close(b);
		return -code;
	}
	return 0;
}

/* ---- status and configuration ---- */

static int parse_totals(struct backend *b, const struct nlattr *nest,
			struct op25b_totals *t)
{
	static const struct attr_policy policy[OP25B_TOTALS_A_MAX + 1] = {
		[OP25B_TOTALS_A_INSPECTED] = { MNL_TYPE_U64, true },
		[OP25B_TOTALS_A_ALLOWED] = { MNL_TYPE_U64, true },
		[OP25B_TOTALS_A_DENIED] = { MNL_TYPE_U64, true },
		[OP25B_TOTALS_A_UNTRACKED] = { MNL_TYPE_U64, true },
	};
	const struct nlattr *tb[TB_SIZE];
	int ret;

	ret = parse_attrs(b, NULL, nest, "OP25B_A_TOTALS", policy,
			  OP25B_TOTALS_A_MAX, tb);
	if (ret < 0)
		return ret;
	t->inspected = mnl_attr_get_u64(tb[OP25B_TOTALS_A_INSPECTED]);
	t->allowed = mnl_attr_get_u64(tb[OP25B_TOTALS_A_ALLOWED]);
	t->denied = mnl_attr_get_u64(tb[OP25B_TOTALS_A_DENIED]);
	t->untracked = mnl_attr_get_u64(tb[OP25B_TOTALS_A_UNTRACKED]);
	return 0;
}

static int parse_status(struct backend *b, const struct nlmsghdr *nlh,
			void *arg)
{
	static const struct attr_policy policy[OP25B_A_MAX + 1] = {
		[OP25B_A_VERSION] = { MNL_TYPE_NUL_STRING, true },
		[OP25B_A_ENABLED] = { MNL_TYPE_U8, true },
		[OP25B_A_ACTION] = { MNL_TYPE_U8, true },
		[OP25B_A_ALLOW_ENTRIES] = { MNL_TYPE_U32, true },
		[OP25B_A_ALLOW_MAX] = { MNL_TYPE_U32, true },
		[OP25B_A_SOURCES] = { MNL_TYPE_U32, true },
		[OP25B_A_SOURCES_MAX] = { MNL_TYPE_U32, true },
		[OP25B_A_PORT] = { MNL_TYPE_U16, false },
		[OP25B_A_TOTALS] = { MNL_TYPE_NESTED, true },
	};
	const struct nlattr *tb[TB_SIZE], *attr;
	struct op25b_status *st = arg;
	int ret;

	ret = parse_attrs(b, nlh, NULL, "OP25B_CMD_GET_STATUS", policy,
			  OP25B_A_MAX, tb);
	if (ret < 0)
		return ret;
	memset(st, 0, sizeof(*st));
	snprintf(st->version, sizeof(st->version), "%s",
		 mnl_attr_get_str(tb[OP25B_A_VERSION]));
	st->enabled = mnl_attr_get_u8(tb[OP25B_A_ENABLED]) != 0;
	st->action = mnl_attr_get_u8(tb[OP25B_A_ACTION]);
	st->allow_entries = mnl_attr_get_u32(tb[OP25B_A_ALLOW_ENTRIES]);
	st->allow_max = mnl_attr_get_u32(tb[OP25B_A_ALLOW_MAX]);
	st->sources = mnl_attr_get_u32(tb[OP25B_A_SOURCES]);
	st->sources_max = mnl_attr_get_u32(tb[OP25B_A_SOURCES_MAX]);
	/* One attribute per port, all validated above. */
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN)
		if (mnl_attr_get_type(attr) == OP25B_A_PORT &&
		    st->nports < OP25B_MAX_PORTS)
			st->ports[st->nports++] = mnl_attr_get_u16(attr);
	return parse_totals(b, tb[OP25B_A_TOTALS], &st->totals);
}

static int kmod_get_status(struct backend *b, struct op25b_status *st)
{
	op25b_request(b, OP25B_CMD_GET_STATUS, NLM_F_ACK);
	return doit(b, parse_status, st);
}

static int kmod_set_config(struct backend *b, const struct op25b_config *cfg)
{
	struct nlmsghdr *nlh = op25b_request(b, OP25B_CMD_SET_CONFIG,
					     NLM_F_ACK);

	if (cfg->set_enabled)
		mnl_attr_put_u8(nlh, OP25B_A_ENABLED, cfg->enabled);
	if (cfg->set_action)
		mnl_attr_put_u8(nlh, OP25B_A_ACTION, cfg->action);
	return doit(b, NULL, NULL);
}

/* ---- the allowlist ---- */

static void put_prefix(struct nlmsghdr *nlh, const struct op25b_prefix *p)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, OP25B_A_PREFIX);

	mnl_attr_put_u16(nlh, OP25B_PREFIX_A_FAMILY, p->family);
	mnl_attr_put(nlh, OP25B_PREFIX_A_ADDR, family_addr_len(p->family),
		     p->addr);
	mnl_attr_put_u8(nlh, OP25B_PREFIX_A_PLEN, p->plen);
	mnl_attr_nest_end(nlh, nest);
}

static int prefix_cmd(struct backend *b, uint8_t cmd,
		      const struct op25b_prefix *p)
{
	put_prefix(op25b_request(b, cmd, NLM_F_ACK), p);
	return doit(b, NULL, NULL);
}

static int kmod_add_prefix(struct backend *b, const struct op25b_prefix *p)
{
	return prefix_cmd(b, OP25B_CMD_ADD_PREFIX, p);
}

static int kmod_del_prefix(struct backend *b, const struct op25b_prefix *p)
{
	return prefix_cmd(b, OP25B_CMD_DEL_PREFIX, p);
}

static int kmod_flush_prefixes(struct backend *b)
{
	op25b_request(b, OP25B_CMD_FLUSH_PREFIXES, NLM_F_ACK);
	return doit(b, NULL, NULL);
}

static int parse_prefix_msg(struct backend *b, const struct nlmsghdr *nlh,
			    void *arg)
{
	static const struct attr_policy policy[OP25B_PREFIX_A_MAX + 1] = {
		[OP25B_PREFIX_A_FAMILY] = { MNL_TYPE_U16, true },
		[OP25B_PREFIX_A_ADDR] = { MNL_TYPE_BINARY, true },
		[OP25B_PREFIX_A_PLEN] = { MNL_TYPE_U8, true },
	};
	const struct nlattr *tb[TB_SIZE];
	struct op25b_prefix p = { 0 };
	int ret;

	ret = parse_entry(b, nlh, OP25B_A_PREFIX, "OP25B_A_PREFIX", policy,
			  OP25B_PREFIX_A_MAX, tb);
	if (ret == 0)
		ret = get_addr(b, tb[OP25B_PREFIX_A_FAMILY],
			       tb[OP25B_PREFIX_A_ADDR], "OP25B_A_PREFIX",
			       &p.family, p.addr);
	if (ret < 0)
		return ret;
	p.plen = mnl_attr_get_u8(tb[OP25B_PREFIX_A_PLEN]);
	if (p.plen > family_addr_len(p.family) * 8)
		return fail(b, EPROTO, "malformed reply from the kernel: "
			    "prefix length %u", p.plen);
	return push(b, arg, &p);
}

static int kmod_list_prefixes(struct backend *b, struct vec *out)
{
	return dump(b, OP25B_CMD_GET_PREFIXES, parse_prefix_msg, out);
}

/* ---- deny statistics ---- */

static int parse_source_msg(struct backend *b, const struct nlmsghdr *nlh,
			    void *arg)
{
	static const struct attr_policy policy[OP25B_SOURCE_A_MAX + 1] = {
		[OP25B_SOURCE_A_FAMILY] = { MNL_TYPE_U16, true },
		[OP25B_SOURCE_A_ADDR] = { MNL_TYPE_BINARY, true },
		[OP25B_SOURCE_A_DENIED] = { MNL_TYPE_U64, true },
		[OP25B_SOURCE_A_FIRST_SEEN] = { MNL_TYPE_U64, true },
		[OP25B_SOURCE_A_LAST_SEEN] = { MNL_TYPE_U64, true },
		[OP25B_SOURCE_A_LAST_DST] = { MNL_TYPE_BINARY, true },
		[OP25B_SOURCE_A_LAST_PORT] = { MNL_TYPE_U16, true },
	};
	const struct nlattr *tb[TB_SIZE];
	struct op25b_source s = { 0 };
	uint16_t dst_family;
	int ret;

	ret = parse_entry(b, nlh, OP25B_A_SOURCE, "OP25B_A_SOURCE", policy,
			  OP25B_SOURCE_A_MAX, tb);
	if (ret == 0)
		ret = get_addr(b, tb[OP25B_SOURCE_A_FAMILY],
			       tb[OP25B_SOURCE_A_ADDR], "OP25B_A_SOURCE",
			       &s.family, s.addr);
	if (ret == 0)	/* the destination has the source's family */
		ret = get_addr(b, tb[OP25B_SOURCE_A_FAMILY],
			       tb[OP25B_SOURCE_A_LAST_DST], "OP25B_A_SOURCE",
			       &dst_family, s.last_dst);
	if (ret < 0)
		return ret;
	s.denied = mnl_attr_get_u64(tb[OP25B_SOURCE_A_DENIED]);
	s.first_seen = mnl_attr_get_u64(tb[OP25B_SOURCE_A_FIRST_SEEN]);
	s.last_seen = mnl_attr_get_u64(tb[OP25B_SOURCE_A_LAST_SEEN]);
	s.last_port = mnl_attr_get_u16(tb[OP25B_SOURCE_A_LAST_PORT]);
	return push(b, arg, &s);
}

static int kmod_dump_sources(struct backend *b, struct vec *out)
{
	return dump(b, OP25B_CMD_GET_SOURCES, parse_source_msg, out);
}

static int kmod_reset_stats(struct backend *b)
{
	op25b_request(b, OP25B_CMD_RESET_STATS, NLM_F_ACK);
	return doit(b, NULL, NULL);
}

const struct backend_ops backend_kmod = {
	.name = "kmod",
	.open = kmod_open,
	.close = kmod_close,
	.get_status = kmod_get_status,
	.set_config = kmod_set_config,
	.add_prefix = kmod_add_prefix,
	.del_prefix = kmod_del_prefix,
	.flush_prefixes = kmod_flush_prefixes,
	.list_prefixes = kmod_list_prefixes,
	.dump_sources = kmod_dump_sources,
	.reset_stats = kmod_reset_stats,
};
