// SPDX-License-Identifier: GPL-2.0
/* The kmod backend's generic netlink conversation, with libmnl (kmod.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/socket.h>

#include "kmod.h"

#define NOT_LOADED "the op25b kernel module is not loaded " \
	"(load it with 'insmod op25b.ko' or 'modprobe op25b'; where it " \
	"cannot be loaded, 'op25bctl --backend nft' programs the same " \
	"policy through nftables)"

#define DUMP_TRIES	5

/* A reply being read. */
struct reply {
	uint16_t type;		/* of the data messages wanted */
	parse_fn parse;
	void *arg;
	int error;		/* first failure, positive errno */
	bool intr;		/* NLM_F_DUMP_INTR seen */
};

struct attr_parse {
	const struct attr_policy *policy;
	unsigned int max;
	const struct nlattr **tb;
	int bad;		/* type of the first invalid attribute, or -1 */
};

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

int kmod_parse_attrs(struct backend *b, const struct nlmsghdr *nlh,
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
		return backend_fail(b, EPROTO, "malformed reply from the kernel: "
				    "bad attribute %d in %s", p.bad, what);
	for (i = 0; i <= max; i++)
		if (policy[i].required && !tb[i])
			return backend_fail(b, EPROTO, "malformed reply from the "
					    "kernel: no attribute %u in %s",
					    i, what);
	return 0;
}

int kmod_get_addr(struct backend *b, const struct nlattr *fattr,
		  const struct nlattr *aattr, const char *what,
		  uint16_t *family, uint8_t *addr)
{
	size_t len;

	*family = mnl_attr_get_u16(fattr);
	len = family_addr_len(*family);
	if (!len || mnl_attr_get_payload_len(aattr) != len)
		return backend_fail(b, EPROTO, "malformed reply from the kernel: "
				    "bad address in %s", what);
	memcpy(addr, mnl_attr_get_payload(aattr), len);
	return 0;
}

int kmod_parse_nest(struct backend *b, const struct nlmsghdr *nlh,
		    uint16_t type, const char *what,
		    const struct attr_policy *policy, unsigned int max,
		    const struct nlattr **tb)
{
	struct attr_policy msg_policy[OP25B_A_MAX + 1] = { { 0 } };
	const struct nlattr *msg[TB_SIZE];
	int ret;

	msg_policy[type] = (struct attr_policy){ MNL_TYPE_NESTED, true };
	ret = kmod_parse_attrs(b, nlh, NULL, what, msg_policy, OP25B_A_MAX,
			       msg);
	if (ret == 0)
		ret = kmod_parse_attrs(b, NULL, msg[type], what, policy, max,
				       tb);
	return ret;
}

int kmod_push(struct backend *b, struct vec *out, const void *item)
{
	void *slot = vec_push(out);

	if (!slot)
		return backend_fail(b, ENOMEM, "while reading the kernel's reply");
	memcpy(slot, item, out->size);
	return 0;
}

/* ---- the netlink conversation ---- */

static struct nlmsghdr *put_request(void *buf, uint16_t type, uint16_t flags,
				    uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

struct nlmsghdr *kmod_request_in(struct backend *b, void *buf, uint8_t cmd,
				 uint16_t flags)
{
	return put_request(buf, kmod(b)->family, flags, cmd,
			   OP25B_GENL_VERSION);
}

struct nlmsghdr *kmod_request(struct backend *b, uint8_t cmd, uint16_t flags)
{
	return kmod_request_in(b, kmod(b)->req, cmd, flags);
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
				ret = backend_fail(b, EPROTO, "malformed reply "
						   "from the kernel: short "
						   "message");
			else
				ret = r->parse(b, nlh, r->arg);
			if (ret < 0)
				r->error = -ret;	/* read on to the end */
		}
	}
	return false;
}

/* Send the request nlh, read its whole reply: 0 or -errno. */
static int transact(struct backend *b, struct nlmsghdr *nlh, struct reply *r)
{
	struct kmod *k = kmod(b);
	ssize_t n;

	nlh->nlmsg_seq = ++k->seq;
	memset(&b->err, 0, sizeof(b->err));
	r->error = 0;
	r->intr = false;
	if (mnl_socket_sendto(k->nl, nlh, nlh->nlmsg_len) < 0)
		return backend_fail(b, errno, "sending to the kernel");
	for (;;) {
		n = mnl_socket_recvfrom(k->nl, k->buf, sizeof(k->buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return backend_fail(b, errno, "receiving from the kernel");
		if (n == 0)
			return backend_fail(b, EPROTO,
					    "the kernel's reply ended early");
		if (handle(b, r, nlh->nlmsg_seq, k->buf, (int)n))
			break;
	}
	if (r->error) {
		b->err.code = r->error;
		return -r->error;
	}
	return 0;
}

int kmod_doit(struct backend *b, const struct nlmsghdr *nlh, parse_fn parse,
	      void *arg)
{
	struct reply r = { kmod(b)->family, parse, arg, 0, false };

	return transact(b, (struct nlmsghdr *)nlh, &r);
}

int kmod_dump(struct backend *b, uint8_t cmd, int list, parse_fn parse,
	      struct vec *out)
{
	struct reply r = { kmod(b)->family, parse, out, 0, false };
	struct nlmsghdr *nlh = kmod_request(b, cmd, NLM_F_DUMP);
	size_t n0 = out->n;
	int tries, ret;

	if (list >= 0)
		mnl_attr_put_u8(nlh, OP25B_A_LIST, (uint8_t)list);
	for (tries = 0; tries < DUMP_TRIES; tries++) {
		out->n = n0;
		ret = transact(b, nlh, &r);
		if (ret < 0 || !r.intr)
			return ret;
	}
	out->n = n0;
	return backend_fail(b, EAGAIN, "the kernel's table kept changing during "
			    "the dump (%d tries)", DUMP_TRIES);
}

/* ---- family resolution ---- */

/* The id of the events group, from CTRL_ATTR_MCAST_GROUPS. */
static int parse_groups(struct backend *b, const struct nlattr *groups)
{
	static const struct attr_policy policy[CTRL_ATTR_MCAST_GRP_MAX + 1] = {
		[CTRL_ATTR_MCAST_GRP_NAME] = { MNL_TYPE_NUL_STRING, true },
		[CTRL_ATTR_MCAST_GRP_ID] = { MNL_TYPE_U32, true },
	};
	const struct nlattr *grp, *tb[TB_SIZE];
	int ret;

	mnl_attr_for_each_nested(grp, groups) {
		ret = kmod_parse_attrs(b, NULL, grp, "CTRL_ATTR_MCAST_GROUPS",
				       policy, CTRL_ATTR_MCAST_GRP_MAX, tb);
		if (ret < 0)
			return ret;
		if (strcmp(mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]),
			   OP25B_MCGRP_EVENTS) == 0)
			kmod(b)->events_group =
				mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return 0;
}

static int parse_family(struct backend *b, const struct nlmsghdr *nlh,
			void *arg)
{
	static const struct attr_policy policy[CTRL_ATTR_MAX + 1] = {
		[CTRL_ATTR_FAMILY_ID] = { MNL_TYPE_U16, true },
		[CTRL_ATTR_MCAST_GROUPS] = { MNL_TYPE_NESTED, false },
	};
	const struct nlattr *tb[TB_SIZE];
	int ret;

	(void)arg;
	ret = kmod_parse_attrs(b, nlh, NULL, "CTRL_CMD_GETFAMILY", policy,
			       CTRL_ATTR_MAX, tb);
	if (ret < 0)
		return ret;
	kmod(b)->family = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_MCAST_GROUPS])
		ret = parse_groups(b, tb[CTRL_ATTR_MCAST_GROUPS]);
	return ret;
}

static int resolve_family(struct backend *b)
{
	struct kmod *k = kmod(b);
	struct reply r = { GENL_ID_CTRL, parse_family, NULL, 0, false };
	struct nlmsghdr *nlh;
	int ret;

	nlh = put_request(k->req, GENL_ID_CTRL, NLM_F_ACK, CTRL_CMD_GETFAMILY,
			  1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, OP25B_GENL_NAME);
	ret = transact(b, nlh, &r);
	if (ret == -ENOENT) {
		b->err.unavailable = true;
		snprintf(b->err.msg, sizeof(b->err.msg), NOT_LOADED);
	} else if (ret == 0 && !k->family) {
		ret = backend_fail(b, EPROTO, "the kernel did not say the family "
				   "id of \"" OP25B_GENL_NAME "\"");
	}
	return ret;
}

void kmod_close(struct backend *b)
{
	struct kmod *k = kmod(b);

	if (!k)
		return;
	if (k->nl)
		mnl_socket_close(k->nl);
	free(k);
	b->priv = NULL;
}

int kmod_open(struct backend *b)
{
	struct kmod *k = calloc(1, sizeof(*k));
	int one = 1;

	b->priv = k;
	if (!k)
		return backend_fail(b, ENOMEM, "while opening the backend");
	k->seq = (uint32_t)time(NULL);
	k->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!k->nl || mnl_socket_bind(k->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int ret = backend_fail(b, errno,
				       "opening a generic netlink socket");

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
