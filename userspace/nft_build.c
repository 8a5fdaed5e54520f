// SPDX-License-Identifier: GPL-2.0
/*
 * The nft backend's writing side: table inet op25b, built as one libnftnl
 * batch per command (nft_int.h). The ruleset, as `nft list table inet
 * op25b` shows it (docs/backends.md):
 *
 *	chain output  { type filter hook output priority filter; policy accept;
 *		meta oiftype loopback accept
 *		meta l4proto tcp tcp flags & (syn | ack) == syn
 *			tcp dport @ports_a jump judge }
 *	chain forward { type filter hook forward priority filter; ...
 *		the same, without the loopback rule }
 *	chain judge {
 *		counter name "inspected" comment "op25b: mode ..., ..."
 *		ip daddr @exempt4_a counter name "exempt" accept	(and ip6)
 *		ip saddr @allow4_a counter name "allowed" accept	(and ip6)
 *		[mode audit]	goto audit
 *		[scope]		ip saddr != @scope4_a goto audit	(and ip6)
 *		goto deny }
 *	chain deny {
 *		update @deny { ip6 saddr counter }  (an IPv4 source as
 *						     ::ffff:a.b.c.d)
 *		ip6 saddr != @deny counter name "untracked"
 *		counter name "denied" reject with tcp reset | drop }
 *	chain audit { the same with set audit, "audited", accept }
 *
 * Disabled, the hooked chains are empty. A full dynamic set breaks the
 * update rule only: the packet goes on to be counted as untracked and to
 * its verdict, as with the module.
 *
 * The sets the rules look up (ports, and the union of each list) come in
 * two generations, _a and _b. A change to a list fills the generation no
 * rule uses, which the caller has made sure is empty, and rewrites the
 * rules to look it up, all in one batch; the comment records which
 * generation is in use (nft.h). Flushing and refilling the set in use
 * instead let lookups during the commit miss elements that stayed: at the
 * generation flip the old elements turn inactive and the new ones active,
 * and the old ones leave the tree one by one after it. Until then the tree
 * holds both copies of a key, and 6.1's rbtree lookup walks left at an
 * inactive one (missing an active twin to its right) and takes the
 * nearest start below the key without asking if it is active (the MTA was
 * denied under load: tests/vm 95-load-stream).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <linux/if_arp.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "nft_int.h"

/* nft's datatypes, for `nft list` to show the keys */
enum { TYPE_IPADDR = 7, TYPE_IP6ADDR = 8, TYPE_INET_SERVICE = 13 };
#define CONCAT(a, b)	(((a) << 6) | (b))

/* Elements per NEWSETELEM message: a nest's length is 16 bits. */
#define ELEMS_PER_MSG	64
#define ELEM_ROOM	(2 * 16 + OP25B_COMMENT_MAX + 128)
#define MSG_ROOM	4096

/* what the rules look up, as NAME_a and NAME_b; [NLISTS]: the ports */
static const char *const looked_up[NLISTS + 1][2] = {
	[OP25B_LIST_ALLOW] = { "allow4", "allow6" },
	[OP25B_LIST_SCOPE] = { "scope4", "scope6" },
	[OP25B_LIST_EXEMPT] = { "exempt4", "exempt6" },
	[NLISTS] = { "ports", "ports" },
};

static const char *const entry_sets[NLISTS][2] = {
	[OP25B_LIST_ALLOW] = { "allow4_entries", "allow6_entries" },
	[OP25B_LIST_SCOPE] = { "scope4_entries", "scope6_entries" },
	[OP25B_LIST_EXEMPT] = { "exempt4_entries", "exempt6_entries" },
};

static const char *const counters[] = {
	"inspected", "allowed", "denied", "untracked", "audited", "exempt",
};

/* IPv6 addresses; an IPv4 source as ::ffff:a.b.c.d (nft_source_key) */
static const char *const source_sets[] = { "deny", "audit" };

static const char *const chains[] = { "output", "forward", "judge", "deny",
				      "audit" };

const char *nft_set_name(char *buf, unsigned int which, uint16_t family,
			 bool alt)
{
	snprintf(buf, NFT_SET_NAME_MAX, "%s_%c",
		 looked_up[which][family == AF_INET6], alt ? 'b' : 'a');
	return buf;
}


const char *nft_entry_set(uint8_t list, uint16_t family)
{
	return entry_sets[list][family == AF_INET6];
}

/* ---- the batch buffer ---- */

static int reserve(struct backend *b, size_t room)
{
	struct nft *n = nft(b);
	size_t cap = n->bcap ? n->bcap : 65536;
	char *p;

	if (n->blen + room <= n->bcap)
		return 0;
	while (cap < n->blen + room)
		cap *= 2;
	p = realloc(n->batch, cap);
	if (!p)
		return backend_fail(b, ENOMEM, "building a batch of %zu bytes",
				    cap);
	memset(p + n->bcap, 0, cap - n->bcap);
	n->batch = p;
	n->bcap = cap;
	return 0;
}

/* A new message of type at the end of the batch, with room bytes. */
static struct nlmsghdr *msg(struct backend *b, uint16_t type, uint16_t flags,
			    size_t room)
{
	struct nft *n = nft(b);

	if (reserve(b, room) < 0)
		return NULL;
	n->last = n->blen;
	return nftnl_nlmsg_build_hdr(n->batch + n->blen, type, NFPROTO_INET,
				     flags, ++n->seq);
}

/* The message built at the end is complete. */
static void msg_done(struct backend *b, const struct nlmsghdr *nlh)
{
	nft(b)->blen += NLMSG_ALIGN(nlh->nlmsg_len);
}

static int batch_begin(struct backend *b, uint32_t genid)
{
	struct nft *n = nft(b);
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;

	n->blen = 0;
	if (reserve(b, MSG_ROOM) < 0)
		return -ENOMEM;
	nlh = mnl_nlmsg_put_header(n->batch);
	nlh->nlmsg_type = NFNL_MSG_BATCH_BEGIN;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++n->seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons(NFNL_SUBSYS_NFTABLES);
	/* refused with ERESTART if the ruleset changed since we read it */
	mnl_attr_put_u32(nlh, NFNL_BATCH_GENID, htonl(genid));
	msg_done(b, nlh);
	return 0;
}

#define NO_OBJECT "table inet op25b lacks a chain or a set that op25bctl " \
	"writes (was it changed by hand?): " NFT_REMAKE "; or the kernel " \
	"lacks an nf_tables module (nft_reject_inet, nft_objref)"

/*
 * The kernel's answer to the batch just sent: 0 or -errno. nfnetlink
 * handles a batch within sendto, so every reply is queued by now: an
 * error for each message that failed, one for the batch (ERESTART: the
 * generation moved; or the commit's), and the ack of the last message.
 * All are read, so that none is left for the next request; the first
 * error counts.
 */
static int batch_replies(struct backend *b)
{
	struct nft *n = nft(b);
	bool answered = false;
	ssize_t len;
	int ret, err = 0;

	for (;;) {
		len = recv(mnl_socket_get_fd(n->nl), n->buf, sizeof(n->buf),
			   MSG_DONTWAIT);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (len < 0)
			return backend_fail(b, errno, "reading the kernel's reply");
		/* seq 0: the reply to any message of the batch */
		ret = mnl_cb_run(n->buf, (size_t)len, 0, n->portid, NULL,
				 NULL);
		answered = true;
		if (ret < 0 && !err)
			err = errno;
	}
	if (err == ENOENT)
		return backend_fail(b, err, NO_OBJECT);
	if (err)
		return -err;
	return answered ? 0 : backend_fail(b, EPROTO, "nf_tables did not "
					   "answer the batch");
}

static int batch_send(struct backend *b)
{
	struct nft *n = nft(b);
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;
	size_t last = n->last;
	int size;

	if (reserve(b, MSG_ROOM) < 0)
		return -ENOMEM;
	/* the last command is acked; any failing one answers by itself */
	((struct nlmsghdr *)(n->batch + last))->nlmsg_flags |= NLM_F_ACK;
	nlh = mnl_nlmsg_put_header(n->batch + n->blen);
	nlh->nlmsg_type = NFNL_MSG_BATCH_END;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++n->seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons(NFNL_SUBSYS_NFTABLES);
	msg_done(b, nlh);

	size = n->blen > (size_t)1 << 30 ? 1 << 30 : (int)n->blen;
	if (setsockopt(mnl_socket_get_fd(n->nl), SOL_SOCKET, SO_SNDBUFFORCE,
		       &size, sizeof(size)) < 0)
		setsockopt(mnl_socket_get_fd(n->nl), SOL_SOCKET, SO_SNDBUF,
			   &size, sizeof(size));
	if (mnl_socket_sendto(n->nl, n->batch, n->blen) < 0)
		return backend_fail(b, errno, "sending a batch of %zu bytes",
				    n->blen);
	return batch_replies(b);
}

/* ---- objects ---- */

/* NFT_MSG_NEWTABLE (created if absent) or NFT_MSG_DELTABLE */
static int table(struct backend *b, uint16_t type)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh = msg(b, type, type == NFT_MSG_NEWTABLE ?
				   NLM_F_CREATE : 0, MSG_ROOM);

	if (!t || !nlh) {
		nftnl_table_free(t);
		return backend_fail(b, ENOMEM, "building the table");
	}
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_TABLE);
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	msg_done(b, nlh);
	return 0;
}

/* A base chain when hook >= 0, else a regular one. */
static int add_chain(struct backend *b, const char *name, int hook)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh = msg(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE,
				   MSG_ROOM);

	if (!c || !nlh) {
		nftnl_chain_free(c);
		return backend_fail(b, ENOMEM, "building a chain");
	}
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NFT_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	if (hook >= 0) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, (uint32_t)hook);
		/* the module's NF_IP_PRI_FILTER: see docs/backends.md */
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, 0);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	msg_done(b, nlh);
	return 0;
}

/* Delete every rule of chain. */
static int flush_chain(struct backend *b, const char *name)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh = msg(b, NFT_MSG_DELRULE, 0, MSG_ROOM);

	if (!r || !nlh) {
		nftnl_rule_free(r);
		return backend_fail(b, ENOMEM, "building a rule");
	}
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, name);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	msg_done(b, nlh);
	return 0;
}

static int counter_obj(struct backend *b, const char *name, uint16_t type)
{
	struct nftnl_obj *o = nftnl_obj_alloc();
	struct nlmsghdr *nlh = msg(b, type, type == NFT_MSG_NEWOBJ ?
				   NLM_F_CREATE : 0, MSG_ROOM);

	if (!o || !nlh) {
		nftnl_obj_free(o);
		return backend_fail(b, ENOMEM, "building a counter");
	}
	nftnl_obj_set_str(o, NFTNL_OBJ_TABLE, NFT_TABLE);
	nftnl_obj_set_str(o, NFTNL_OBJ_NAME, name);
	nftnl_obj_set_u32(o, NFTNL_OBJ_TYPE, NFT_OBJECT_COUNTER);
	nftnl_obj_nlmsg_build_payload(nlh, o);
	nftnl_obj_free(o);
	msg_done(b, nlh);
	return 0;
}

static int add_set(struct backend *b, const char *name, uint32_t flags,
		   uint32_t type, uint32_t len, uint32_t size)
{
	static uint32_t id;
	struct nftnl_set *s = nftnl_set_alloc();
	struct nlmsghdr *nlh = msg(b, NFT_MSG_NEWSET, NLM_F_CREATE, MSG_ROOM);

	if (!s || !nlh) {
		nftnl_set_free(s);
		return backend_fail(b, ENOMEM, "building a set");
	}
	nftnl_set_set_str(s, NFTNL_SET_TABLE, NFT_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, flags);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, len);
	nftnl_set_set_u32(s, NFTNL_SET_ID, ++id);
	if (size)
		nftnl_set_set_u32(s, NFTNL_SET_DESC_SIZE, size);
	nftnl_set_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	msg_done(b, nlh);
	return 0;
}

static struct nftnl_set *elem_set(const char *name)
{
	struct nftnl_set *s = nftnl_set_alloc();

	if (s) {
		nftnl_set_set_str(s, NFTNL_SET_TABLE, NFT_TABLE);
		nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	}
	return s;
}

/* Delete every element of set. */
static int flush_set(struct backend *b, const char *name)
{
	struct nftnl_set *s = elem_set(name);
	struct nlmsghdr *nlh = msg(b, NFT_MSG_DELSETELEM, 0, MSG_ROOM);

	if (!s || !nlh) {
		nftnl_set_free(s);
		return backend_fail(b, ENOMEM, "building a set");
	}
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	msg_done(b, nlh);
	return 0;
}

/* Elements in chunks: add(), then done() at the end. */
struct elems {
	struct backend *b;
	struct nftnl_set *s;
	size_t n;
	int ret;
};

static void elems_start(struct elems *x, struct backend *b, const char *set)
{
	x->b = b;
	x->s = elem_set(set);
	x->n = 0;
	x->ret = x->s ? 0 : backend_fail(b, ENOMEM, "building elements");
}

/* The elements gathered go out in one message; a new set gathers more. */
static void elems_send(struct elems *x)
{
	struct nftnl_set *old = x->s;
	struct nlmsghdr *nlh;

	nlh = msg(x->b, NFT_MSG_NEWSETELEM, NLM_F_CREATE,
		  ELEMS_PER_MSG * ELEM_ROOM + MSG_ROOM);
	if (!nlh) {
		x->ret = -ENOMEM;
		return;
	}
	nftnl_set_elems_nlmsg_build_payload(nlh, old);
	msg_done(x->b, nlh);
	x->s = elem_set(nftnl_set_get_str(old, NFTNL_SET_NAME));
	nftnl_set_free(old);
	x->n = 0;
	if (!x->s)
		x->ret = backend_fail(x->b, ENOMEM, "building elements");
}

static void elems_add(struct elems *x, const void *key, size_t len,
		      uint32_t flags, const char *comment)
{
	struct nftnl_set_elem *e;
	struct nftnl_udata_buf *u;

	if (x->ret < 0)
		return;
	e = nftnl_set_elem_alloc();
	if (!e) {
		x->ret = backend_fail(x->b, ENOMEM, "building elements");
		return;
	}
	nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key, (uint32_t)len);
	if (flags)
		nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_FLAGS, flags);
	if (comment && *comment) {
		u = nftnl_udata_buf_alloc(OP25B_COMMENT_MAX + 16);
		if (u) {
			size_t len = strlen(comment);

			/* the length is a byte: a comment of 255 goes
			 * without its NUL (nft then shows none) */
			nftnl_udata_put(u, NFTNL_UDATA_SET_ELEM_COMMENT,
					(uint32_t)(len < 255 ? len + 1 : len),
					comment);
			nftnl_set_elem_set(e, NFTNL_SET_ELEM_USERDATA,
					   nftnl_udata_buf_data(u),
					   nftnl_udata_buf_len(u));
			nftnl_udata_buf_free(u);
		}
	}
	nftnl_set_elem_add(x->s, e);
	if (++x->n == ELEMS_PER_MSG)
		elems_send(x);
}

static int elems_done(struct elems *x)
{
	if (x->ret == 0 && x->n)
		elems_send(x);
	nftnl_set_free(x->s);
	return x->ret;
}

/* ---- rules ---- */

struct rule {
	struct backend *b;
	struct nftnl_rule *r;
	bool oom;
};

static struct nftnl_expr *expr(struct rule *r, const char *name)
{
	struct nftnl_expr *e = r->r ? nftnl_expr_alloc(name) : NULL;

	if (!e)
		r->oom = true;
	return e;
}

static void put(struct rule *r, struct nftnl_expr *e)
{
	if (e)
		nftnl_rule_add_expr(r->r, e);
}

static void meta(struct rule *r, uint32_t key)
{
	struct nftnl_expr *e = expr(r, "meta");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	}
	put(r, e);
}

static void cmp(struct rule *r, const void *data, uint32_t len)
{
	struct nftnl_expr *e = expr(r, "cmp");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
		nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	}
	put(r, e);
}

static void payload_to(struct rule *r, uint32_t base, uint32_t off,
		       uint32_t len, uint32_t reg)
{
	struct nftnl_expr *e = expr(r, "payload");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, reg);
	}
	put(r, e);
}

static void payload(struct rule *r, uint32_t base, uint32_t off,
		    uint32_t len)
{
	payload_to(r, base, off, len, NFT_REG_1);
}

static void lookup(struct rule *r, const char *set, bool inv)
{
	struct nftnl_expr *e = expr(r, "lookup");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
		nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
		if (inv)
			nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_FLAGS,
					   NFT_LOOKUP_F_INV);
	}
	put(r, e);
}

/* update @set { KEY counter } */
static void update(struct rule *r, const char *set)
{
	struct nftnl_expr *e = expr(r, "dynset"), *c = expr(r, "counter");

	if (e && c) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_DYNSET_SREG_KEY, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_DYNSET_OP,
				   NFT_DYNSET_OP_UPDATE);
		nftnl_expr_set_str(e, NFTNL_EXPR_DYNSET_SET_NAME, set);
		nftnl_expr_set(e, NFTNL_EXPR_DYNSET_EXPR, c, 0);
		c = NULL;	/* e owns it */
	}
	if (c)
		nftnl_expr_free(c);
	put(r, e);
}

static void counter(struct rule *r, const char *name)
{
	struct nftnl_expr *e = expr(r, "objref");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_OBJREF_IMM_TYPE,
				   NFT_OBJECT_COUNTER);
		nftnl_expr_set_str(e, NFTNL_EXPR_OBJREF_IMM_NAME, name);
	}
	put(r, e);
}

static void verdict(struct rule *r, int v, const char *chain)
{
	struct nftnl_expr *e = expr(r, "immediate");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)v);
		if (chain)
			nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain);
	}
	put(r, e);
}

static void reject(struct rule *r)
{
	struct nftnl_expr *e = expr(r, "reject");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_REJECT_TYPE,
				   NFT_REJECT_TCP_RST);
		nftnl_expr_set_u8(e, NFTNL_EXPR_REJECT_CODE, 0);
	}
	put(r, e);
}

/* meta nfproto ipv4|ipv6, then the source or destination in reg 1 */
static void addr(struct rule *r, uint16_t family, bool src)
{
	uint8_t proto = family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6;

	meta(r, NFT_META_NFPROTO);
	cmp(r, &proto, sizeof(proto));
	if (family == AF_INET)
		payload(r, NFT_PAYLOAD_NETWORK_HEADER, src ? 12 : 16, 4);
	else
		payload(r, NFT_PAYLOAD_NETWORK_HEADER, src ? 8 : 24, 16);
}

/*
 * meta nfproto, then the source as an IPv6 address in reg 1 (NFT_REG32_00
 * to _03): an IPv4 source as ::ffff:a.b.c.d, so that one set of
 * NFT_MAX_SOURCES holds both families, as the module's table does.
 */
static void source_key(struct rule *r, uint16_t family)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	struct nftnl_expr *e;

	if (family == AF_INET6) {
		addr(r, AF_INET6, true);
		return;
	}
	meta(r, NFT_META_NFPROTO);
	cmp(r, &(const uint8_t){ NFPROTO_IPV4 }, 1);
	e = expr(r, "immediate");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG32_00);
		nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, mapped,
			       sizeof(mapped));
	}
	put(r, e);
	payload_to(r, NFT_PAYLOAD_NETWORK_HEADER, 12, 4, NFT_REG32_03);
}

static void rule_start(struct rule *r, struct backend *b, const char *chain)
{
	r->b = b;
	r->oom = false;
	r->r = nftnl_rule_alloc();
	if (!r->r) {
		r->oom = true;
		return;
	}
	nftnl_rule_set_str(r->r, NFTNL_RULE_TABLE, NFT_TABLE);
	nftnl_rule_set_str(r->r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(r->r, NFTNL_RULE_FAMILY, NFPROTO_INET);
}

static void rule_comment(struct rule *r, const char *text)
{
	struct nftnl_udata_buf *u = nftnl_udata_buf_alloc(NFT_SETTINGS_MAX +
							  16);

	if (!u || !r->r) {
		r->oom = true;
		nftnl_udata_buf_free(u);
		return;
	}
	nftnl_udata_put_strz(u, NFTNL_UDATA_RULE_COMMENT, text);
	nftnl_rule_set_data(r->r, NFTNL_RULE_USERDATA,
			    nftnl_udata_buf_data(u), nftnl_udata_buf_len(u));
	nftnl_udata_buf_free(u);
}

static int rule_end(struct rule *r)
{
	struct nlmsghdr *nlh = NULL;

	if (!r->oom)
		nlh = msg(r->b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND,
			  MSG_ROOM);
	if (nlh) {
		nftnl_rule_nlmsg_build_payload(nlh, r->r);
		msg_done(r->b, nlh);
	}
	nftnl_rule_free(r->r);
	return nlh ? 0 : backend_fail(r->b, ENOMEM, "building a rule");
}

/* The hooked chain's rules: a TCP SYN to a blocked port goes to judge. */
static int hook_rules(struct backend *b, const char *chain, bool local,
		      uint8_t alt)
{
	char name[NFT_SET_NAME_MAX];
	static const uint16_t loopback = ARPHRD_LOOPBACK;
	static const uint8_t tcp = IPPROTO_TCP, syn = 0x02, synack = 0x12;
	static const uint8_t zero = 0;
	struct rule r;
	struct nftnl_expr *e;
	int ret = 0;

	if (local) {	/* as the module: by the route's device */
		rule_start(&r, b, chain);
		meta(&r, NFT_META_OIFTYPE);
		cmp(&r, &loopback, sizeof(loopback));
		verdict(&r, NF_ACCEPT, NULL);
		ret = rule_end(&r);
	}
	rule_start(&r, b, chain);
	meta(&r, NFT_META_L4PROTO);
	cmp(&r, &tcp, sizeof(tcp));
	payload(&r, NFT_PAYLOAD_TRANSPORT_HEADER, 13, 1);
	e = expr(&r, "bitwise");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, 1);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &synack, 1);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &zero, 1);
	}
	put(&r, e);
	cmp(&r, &syn, sizeof(syn));
	payload(&r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
	lookup(&r, nft_set_name(name, NLISTS, AF_INET,
				nft_alt_of(alt, NLISTS)), false);
	verdict(&r, NFT_JUMP, "judge");
	return ret ? ret : rule_end(&r);
}

/* Count per source in set, untracked when it is full; then the verdict. */
static int verdict_rules(struct backend *b, const char *chain,
			 const char *set, const char *total, int v, bool rej)
{
	struct rule r;
	int f, ret = 0;

	for (f = 0; f < 2 && !ret; f++) {
		rule_start(&r, b, chain);
		source_key(&r, f ? AF_INET6 : AF_INET);
		update(&r, set);
		ret = rule_end(&r);
	}
	for (f = 0; f < 2 && !ret; f++) {
		rule_start(&r, b, chain);
		source_key(&r, f ? AF_INET6 : AF_INET);
		lookup(&r, set, true);
		counter(&r, "untracked");
		ret = rule_end(&r);
	}
	if (ret)
		return ret;
	rule_start(&r, b, chain);
	counter(&r, total);
	if (rej)
		reject(&r);
	else
		verdict(&r, v, NULL);
	return rule_end(&r);
}

/* In: [list]4/6 (source or destination), count and accept. */
static int match_rules(struct backend *b, uint8_t list, bool src,
		       const char *total, uint8_t alt)
{
	char name[NFT_SET_NAME_MAX];
	struct rule r;
	int f, ret = 0;

	for (f = 0; f < 2 && !ret; f++) {
		uint16_t family = f ? AF_INET6 : AF_INET;

		rule_start(&r, b, "judge");
		addr(&r, family, src);
		lookup(&r, nft_set_name(name, list, family,
					nft_alt_of(alt, list)), false);
		counter(&r, total);
		verdict(&r, NF_ACCEPT, NULL);
		ret = rule_end(&r);
	}
	return ret;
}

static int judge_rules(struct backend *b, const struct nft_state *st,
		       uint8_t alt)
{
	struct nft_settings settings = st->settings;
	char text[NFT_SETTINGS_MAX], name[NFT_SET_NAME_MAX];
	struct rule r;
	int f, ret;

	/* the ports' order, which a set cannot keep */
	memcpy(settings.ports, st->ports, sizeof(settings.ports));
	settings.nports = st->nports;
	settings.alt = alt;
	rule_start(&r, b, "judge");
	counter(&r, "inspected");
	nft_settings_format(&settings, text, sizeof(text));
	rule_comment(&r, text);
	ret = rule_end(&r);
	if (!ret)
		ret = match_rules(b, OP25B_LIST_EXEMPT, false, "exempt", alt);
	if (!ret)
		ret = match_rules(b, OP25B_LIST_ALLOW, true, "allowed", alt);
	if (!ret && st->settings.mode == OP25B_MODE_ENFORCE &&
	    st->scope_nonempty) {
		for (f = 0; f < 2 && !ret; f++) {
			uint16_t family = f ? AF_INET6 : AF_INET;

			rule_start(&r, b, "judge");
			addr(&r, family, true);
			lookup(&r, nft_set_name(name, OP25B_LIST_SCOPE, family,
						nft_alt_of(alt,
							   OP25B_LIST_SCOPE)),
			       true);
			verdict(&r, NFT_GOTO, "audit");
			ret = rule_end(&r);
		}
	}
	if (ret)
		return ret;
	rule_start(&r, b, "judge");
	verdict(&r, NFT_GOTO, st->settings.mode == OP25B_MODE_AUDIT ?
		"audit" : "deny");
	return rule_end(&r);
}

/* ---- the batch ---- */

/*
 * The size of the source sets, fixed when the table is made: the module's
 * max_sources, from OP25B_NFT_MAX_SOURCES if set (docs/backends.md).
 */
static uint32_t max_sources(void)
{
	const char *v = getenv("OP25B_NFT_MAX_SOURCES");
	char *end;
	unsigned long n;

	if (!v || !*v)
		return NFT_MAX_SOURCES;
	n = strtoul(v, &end, 10);
	return *end || n < 1 || n > (1ul << 24) ? NFT_MAX_SOURCES :
	       (uint32_t)n;
}

static int skeleton(struct backend *b)
{
	static const struct { uint32_t type, len; } fam[2] = {
		{ TYPE_IPADDR, 4 }, { TYPE_IP6ADDR, 16 },
	};
	char name[NFT_SET_NAME_MAX];
	size_t i;
	int l, f, alt, ret;

	ret = table(b, NFT_MSG_NEWTABLE);
	for (l = 0; l < NLISTS && !ret; l++)
		for (f = 0; f < 2 && !ret; f++) {
			uint16_t family = f ? AF_INET6 : AF_INET;

			for (alt = 0; alt < 2 && !ret; alt++)
				ret = add_set(b, nft_set_name(name, l, family,
							      alt),
					      NFT_SET_INTERVAL, fam[f].type,
					      fam[f].len, 0);
			if (!ret)
				ret = add_set(b, entry_sets[l][f], 0,
					      CONCAT(fam[f].type, fam[f].type),
					      2 * fam[f].len, 0);
		}
	for (alt = 0; alt < 2 && !ret; alt++)
		ret = add_set(b, nft_set_name(name, NLISTS, AF_INET, alt), 0,
			      TYPE_INET_SERVICE, 2, 0);
	for (i = 0; i < 2 && !ret; i++)
		ret = add_set(b, source_sets[i], NFT_SET_EVAL, TYPE_IP6ADDR,
			      16, max_sources());
	for (i = 0; i < sizeof(counters) / sizeof(counters[0]) && !ret; i++)
		ret = counter_obj(b, counters[i], NFT_MSG_NEWOBJ);
	if (!ret)
		ret = add_chain(b, "output", NF_INET_LOCAL_OUT);
	if (!ret)
		ret = add_chain(b, "forward", NF_INET_FORWARD);
	for (i = 2; i < sizeof(chains) / sizeof(chains[0]) && !ret; i++)
		ret = add_chain(b, chains[i], -1);
	return ret;
}

/* The entries of list, and their union into generation alt (empty). */
static int list_elems(struct backend *b, const struct nft_state *st,
		      uint8_t list, bool alt)
{
	char name[NFT_SET_NAME_MAX];
	const struct op25b_entry *e = st->entries[list].items;
	size_t n = st->entries[list].n, i, k, nr;
	struct nft_range *r = calloc(n ? n : 1, sizeof(*r));
	uint8_t key[32];
	struct elems x;
	int f, ret = 0;

	if (!r)
		return backend_fail(b, ENOMEM, "building elements");
	for (f = 0; f < 2 && !ret; f++) {
		uint16_t family = f ? AF_INET6 : AF_INET;
		size_t len = family_addr_len(family);

		/* read by op25bctl only, never by a rule */
		if (st->exists)
			ret = flush_set(b, entry_sets[list][f]);
		if (ret)
			break;
		elems_start(&x, b, entry_sets[list][f]);
		for (i = 0; i < n; i++) {
			if (e[i].prefix.family != family)
				continue;
			memcpy(key, e[i].prefix.addr, len);
			nft_mask(e[i].prefix.plen, key + len, len);
			elems_add(&x, key, 2 * len, 0, e[i].comment);
		}
		ret = elems_done(&x);
		if (ret)
			break;
		nr = nft_ranges(e, n, family, r);
		elems_start(&x, b, nft_set_name(name, list, family, alt));
		for (k = 0; k < nr; k++) {
			elems_add(&x, r[k].start, len, 0, NULL);
			if (!r[k].open_end)
				elems_add(&x, r[k].end, len,
					  NFT_SET_ELEM_INTERVAL_END, NULL);
		}
		ret = elems_done(&x);
	}
	free(r);
	return ret;
}

/* The ports into generation alt (empty). */
static int port_elems(struct backend *b, const struct nft_state *st, bool alt)
{
	char name[NFT_SET_NAME_MAX];
	struct elems x;
	uint16_t port;
	size_t i;

	elems_start(&x, b, nft_set_name(name, NLISTS, AF_INET, alt));
	for (i = 0; i < st->nports; i++) {
		port = htons(st->ports[i]);
		elems_add(&x, &port, sizeof(port), 0, NULL);
	}
	return elems_done(&x);
}

/* The generations after a change that writes what. */
uint8_t nft_alt_after(const struct nft_state *st, unsigned int what)
{
	uint8_t alt = st->settings.alt;
	unsigned int which;

	if (!st->exists)
		return 0;
	for (which = 0; which <= NLISTS; which++)
		if (what & nft_build_of(which))
			alt ^= 1u << which;
	return alt;
}

int nft_build(struct backend *b, const struct nft_state *st, unsigned what,
	      uint32_t genid)
{
	uint8_t l, alt = nft_alt_after(st, what);
	size_t i;
	int ret;

	ret = batch_begin(b, genid);
	if (!ret && what & BUILD_REPLACE)
		ret = table(b, NFT_MSG_DELTABLE);
	if (!ret && !st->exists)
		ret = skeleton(b);
	if (!ret && (what & BUILD_PORTS || !st->exists))
		ret = port_elems(b, st, nft_alt_of(alt, NLISTS));
	for (l = 0; l < NLISTS && !ret; l++)
		if (what & BUILD_LIST(l) || !st->exists)
			ret = list_elems(b, st, l, nft_alt_of(alt, l));
	/* the rules, always: they depend on the settings and the scope */
	for (i = 0; i < sizeof(chains) / sizeof(chains[0]) && !ret; i++)
		if (st->exists)
			ret = flush_chain(b, chains[i]);
	if (!ret && what & BUILD_RESET) {
		for (i = 0; i < 2 && !ret; i++)
			ret = flush_set(b, source_sets[i]);
		for (i = 0; i < sizeof(counters) / sizeof(counters[0]) &&
			    !ret; i++) {
			ret = counter_obj(b, counters[i], NFT_MSG_DELOBJ);
			if (!ret)
				ret = counter_obj(b, counters[i],
						  NFT_MSG_NEWOBJ);
		}
	}
	if (!ret && st->settings.enabled) {
		ret = hook_rules(b, "output", true, alt);
		if (!ret)
			ret = hook_rules(b, "forward", false, alt);
	}
	if (!ret)
		ret = judge_rules(b, st, alt);
	if (!ret)
		ret = verdict_rules(b, "deny", "deny", "denied", NF_DROP,
				    st->settings.action ==
				    OP25B_ACTION_REJECT);
	if (!ret)
		ret = verdict_rules(b, "audit", "audit", "audited",
				    NF_ACCEPT, false);
	return ret ? ret : batch_send(b);
}

int nft_flush_spare(struct backend *b, unsigned int what, uint8_t alt,
		    uint32_t genid)
{
	char name[NFT_SET_NAME_MAX];
	unsigned int which;
	int f, ret;

	ret = batch_begin(b, genid);
	for (which = 0; which <= NLISTS && !ret; which++) {
		if (!(what & nft_build_of(which)))
			continue;
		for (f = 0; f < nft_families_of(which) && !ret; f++)
			ret = flush_set(b, nft_set_name(name, which,
							f ? AF_INET6 : AF_INET,
							!nft_alt_of(alt,
								    which)));
	}
	return ret ? ret : batch_send(b);
}
