// SPDX-License-Identifier: GPL-2.0
/*
 * op25b: the generic netlink family. include/uapi/linux/op25b.h documents
 * the ABI; this file validates requests, applies them under op25b_lock and
 * answers. A request that fails has changed nothing.
 */
#include <linux/build_bug.h>
#include <linux/socket.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "op25b.h"

/*
 * A prefix names its list only inside OP25B_CMD_LOAD, and carries a
 * comment only where one is kept: each command gets the nest it accepts.
 */
#define OP25B_PREFIX_POLICY						\
	[OP25B_PREFIX_A_FAMILY]	= { .type = NLA_U16 },			\
	[OP25B_PREFIX_A_ADDR]	= { .type = NLA_BINARY,			\
				    .len = sizeof(struct in6_addr) },	\
	[OP25B_PREFIX_A_PLEN]	= NLA_POLICY_MAX(NLA_U8, 128)

#define OP25B_COMMENT_POLICY						\
	[OP25B_PREFIX_A_COMMENT] = { .type = NLA_NUL_STRING,		\
				     .len = OP25B_COMMENT_MAX }

static const struct nla_policy op25b_del_prefix_policy[OP25B_PREFIX_A_MAX + 1] = {
	OP25B_PREFIX_POLICY,
};

static const struct nla_policy op25b_add_prefix_policy[OP25B_PREFIX_A_MAX + 1] = {
	OP25B_PREFIX_POLICY,
	OP25B_COMMENT_POLICY,
};

static const struct nla_policy op25b_load_prefix_policy[OP25B_PREFIX_A_MAX + 1] = {
	OP25B_PREFIX_POLICY,
	OP25B_COMMENT_POLICY,
	[OP25B_PREFIX_A_LIST]	= NLA_POLICY_MAX(NLA_U8, OP25B_LIST_MAX),
};

static const struct nla_policy op25b_config_policy[OP25B_A_MAX + 1] = {
	[OP25B_A_ACTION]	= NLA_POLICY_MAX(NLA_U8, OP25B_ACTION_MAX),
	[OP25B_A_ENABLED]	= NLA_POLICY_MAX(NLA_U8, 1),
	[OP25B_A_MODE]		= NLA_POLICY_MAX(NLA_U8, OP25B_MODE_MAX),
	[OP25B_A_PORT]		= NLA_POLICY_MIN(NLA_U16, 1),
};

static const struct nla_policy op25b_load_policy[OP25B_A_MAX + 1] = {
	[OP25B_A_ACTION]	= NLA_POLICY_MAX(NLA_U8, OP25B_ACTION_MAX),
	[OP25B_A_MODE]		= NLA_POLICY_MAX(NLA_U8, OP25B_MODE_MAX),
	[OP25B_A_PORT]		= NLA_POLICY_MIN(NLA_U16, 1),
	[OP25B_A_PREFIX]	= NLA_POLICY_NESTED(op25b_load_prefix_policy),
};

static const struct nla_policy op25b_add_policy[OP25B_A_MAX + 1] = {
	[OP25B_A_LIST]		= NLA_POLICY_MAX(NLA_U8, OP25B_LIST_MAX),
	[OP25B_A_PREFIX]	= NLA_POLICY_NESTED(op25b_add_prefix_policy),
};

static const struct nla_policy op25b_del_policy[OP25B_A_MAX + 1] = {
	[OP25B_A_LIST]		= NLA_POLICY_MAX(NLA_U8, OP25B_LIST_MAX),
	[OP25B_A_PREFIX]	= NLA_POLICY_NESTED(op25b_del_prefix_policy),
};

static const struct nla_policy op25b_list_policy[OP25B_A_MAX + 1] = {
	[OP25B_A_LIST]		= NLA_POLICY_MAX(NLA_U8, OP25B_LIST_MAX),
};

static struct genl_family op25b_family;

static struct op25b_net *info_pernet(struct genl_info *info)
{
	return op25b_pernet(genl_info_net(info));
}

static struct op25b_net *cb_pernet(const struct netlink_callback *cb)
{
	return op25b_pernet(sock_net(cb->skb->sk));
}

static int addr_len(u8 family)
{
	return family == AF_INET ? sizeof(struct in_addr) :
	       family == AF_INET6 ? sizeof(struct in6_addr) : 0;
}

static int put_addr(struct sk_buff *skb, int type, u8 family,
		    const union nf_inet_addr *addr)
{
	return nla_put(skb, type, addr_len(family), addr);
}

/* A prefix, the list it names (allow if none) and its comment (or NULL). */
struct parsed_prefix {
	struct op25b_prefix p;
	u8 list;
	const char *comment;
};

static int parse_prefix(const struct nlattr *nest,
			const struct nla_policy *policy, struct parsed_prefix *pp,
			struct netlink_ext_ack *extack)
{
	struct nlattr *tb[OP25B_PREFIX_A_MAX + 1];
	struct op25b_prefix *p = &pp->p;
	int err, len;
	u16 family;

	err = nla_parse_nested(tb, OP25B_PREFIX_A_MAX, nest, policy, extack);
	if (err)
		return err;
	pp->list = tb[OP25B_PREFIX_A_LIST] ?
		   nla_get_u8(tb[OP25B_PREFIX_A_LIST]) : OP25B_LIST_ALLOW;
	pp->comment = tb[OP25B_PREFIX_A_COMMENT] ?
		      nla_data(tb[OP25B_PREFIX_A_COMMENT]) : NULL;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, OP25B_PREFIX_A_FAMILY) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, OP25B_PREFIX_A_ADDR) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, OP25B_PREFIX_A_PLEN))
		return -EINVAL;

	memset(p, 0, sizeof(*p));
	family = nla_get_u16(tb[OP25B_PREFIX_A_FAMILY]);
	len = family == AF_INET || family == AF_INET6 ? addr_len(family) : 0;
	if (!len) {
		NL_SET_ERR_MSG_ATTR(extack, tb[OP25B_PREFIX_A_FAMILY],
				    "family must be AF_INET or AF_INET6");
		return -EINVAL;
	}
	p->family = family;
	if (nla_len(tb[OP25B_PREFIX_A_ADDR]) != len) {
		NL_SET_ERR_MSG_ATTR(extack, tb[OP25B_PREFIX_A_ADDR],
				    "address length does not match family");
		return -EINVAL;
	}
	memcpy(&p->addr, nla_data(tb[OP25B_PREFIX_A_ADDR]), len);
	p->plen = nla_get_u8(tb[OP25B_PREFIX_A_PLEN]);
	if (p->plen > len * 8) {
		NL_SET_ERR_MSG_ATTR(extack, tb[OP25B_PREFIX_A_PLEN],
				    "prefix length too long for family");
		return -EINVAL;
	}
	if (!op25b_prefix_masked(p)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[OP25B_PREFIX_A_ADDR],
				    "address has bits set past the prefix length");
		return -EINVAL;
	}
	return 0;
}

/*
 * The repeated OP25B_A_PORT attributes of a request: 1 to OP25B_MAX_PORTS
 * distinct ports. Return: how many, 0 if none, or an error.
 */
static int parse_ports(struct genl_info *info, u16 *ports)
{
	const struct nlattr *a;
	int rem, n = 0, i;

	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		u16 port;

		if (nla_type(a) != OP25B_A_PORT)
			continue;
		port = nla_get_u16(a);
		if (n == OP25B_MAX_PORTS) {
			NL_SET_ERR_MSG_ATTR(info->extack, a, "too many ports");
			return -EINVAL;
		}
		for (i = 0; i < n; i++) {
			if (ports[i] == port) {
				NL_SET_ERR_MSG_ATTR(info->extack, a,
						    "port given twice");
				return -EINVAL;
			}
		}
		ports[n++] = port;
	}
	return n;
}

static u8 list_attr(struct nlattr **attrs)
{
	return attrs && attrs[OP25B_A_LIST] ?
	       nla_get_u8(attrs[OP25B_A_LIST]) : OP25B_LIST_ALLOW;
}

static int put_totals(struct sk_buff *skb, const struct op25b_stats *stats)
{
	struct op25b_totals t;
	struct nlattr *nest;

	op25b_stats_totals(stats, &t);
	nest = nla_nest_start(skb, OP25B_A_TOTALS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, OP25B_TOTALS_A_INSPECTED,
			      t.exempt + t.allowed + t.audited + t.denied,
			      OP25B_TOTALS_A_PAD) ||
	    nla_put_u64_64bit(skb, OP25B_TOTALS_A_EXEMPT, t.exempt,
			      OP25B_TOTALS_A_PAD) ||
	    nla_put_u64_64bit(skb, OP25B_TOTALS_A_AUDITED, t.audited,
			      OP25B_TOTALS_A_PAD) ||
	    nla_put_u64_64bit(skb, OP25B_TOTALS_A_ALLOWED, t.allowed,
			      OP25B_TOTALS_A_PAD) ||
	    nla_put_u64_64bit(skb, OP25B_TOTALS_A_DENIED, t.denied,
			      OP25B_TOTALS_A_PAD) ||
	    nla_put_u64_64bit(skb, OP25B_TOTALS_A_UNTRACKED, t.untracked,
			      OP25B_TOTALS_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int fill_status(struct sk_buff *skb, struct op25b_net *pn)
{
	const struct op25b_policy *policy = op25b_policy_locked(pn);
	struct op25b_stats *stats;
	int i;

	stats = op25b_stats_locked(pn);
	if (nla_put_string(skb, OP25B_A_VERSION, OP25B_VERSION) ||
	    nla_put_u8(skb, OP25B_A_ENABLED, pn->hooked) ||
	    nla_put_u8(skb, OP25B_A_MODE, policy->mode) ||
	    nla_put_u8(skb, OP25B_A_ACTION, policy->action) ||
	    nla_put_u32(skb, OP25B_A_ALLOW_ENTRIES,
			op25b_set_size(policy->lists[OP25B_LIST_ALLOW])) ||
	    nla_put_u32(skb, OP25B_A_SCOPE_ENTRIES,
			op25b_set_size(policy->lists[OP25B_LIST_SCOPE])) ||
	    nla_put_u32(skb, OP25B_A_EXEMPT_ENTRIES,
			op25b_set_size(policy->lists[OP25B_LIST_EXEMPT])) ||
	    nla_put_u32(skb, OP25B_A_ALLOW_MAX, op25b_max_allow) ||
	    nla_put_u32(skb, OP25B_A_SOURCES, op25b_stats_nsources(stats)) ||
	    nla_put_u32(skb, OP25B_A_SOURCES_MAX, op25b_max_sources))
		return -EMSGSIZE;
	for (i = 0; i < policy->nports; i++)
		if (nla_put_u16(skb, OP25B_A_PORT, policy->ports[i]))
			return -EMSGSIZE;
	return put_totals(skb, stats);
}

static int op25b_nl_get_status(struct sk_buff *skb, struct genl_info *info)
{
	struct op25b_net *pn = info_pernet(info);
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &op25b_family, 0,
				OP25B_CMD_GET_STATUS);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err;
	}
	mutex_lock(&pn->lock);
	err = fill_status(msg, pn);
	mutex_unlock(&pn->lock);
	if (err)
		goto err;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err:
	nlmsg_free(msg);
	return err;
}

static int op25b_nl_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct net *net = genl_info_net(info);
	struct op25b_net *pn = op25b_pernet(net);
	struct op25b_policy *policy = NULL;
	u16 ports[OP25B_MAX_PORTS] = {};
	int nports, err = 0;

	nports = parse_ports(info, ports);
	if (nports < 0)
		return nports;
	if (!attrs[OP25B_A_ACTION] && !attrs[OP25B_A_MODE] && !nports &&
	    !attrs[OP25B_A_ENABLED]) {
		NL_SET_ERR_MSG(info->extack, "nothing to set");
		return -EINVAL;
	}

	mutex_lock(&pn->lock);
	if (attrs[OP25B_A_ACTION] || attrs[OP25B_A_MODE] || nports) {
		policy = op25b_policy_dup(op25b_policy_locked(pn));
		if (!policy) {
			err = -ENOMEM;
			goto out;
		}
		if (attrs[OP25B_A_ACTION])
			policy->action = nla_get_u8(attrs[OP25B_A_ACTION]);
		if (attrs[OP25B_A_MODE])
			policy->mode = nla_get_u8(attrs[OP25B_A_MODE]);
		if (nports) {
			policy->nports = nports;
			memcpy(policy->ports, ports, sizeof(ports));
		}
	}
	/* Enabling can fail, so it goes before anything is published. */
	if (attrs[OP25B_A_ENABLED]) {
		err = op25b_net_set_hooked(net, nla_get_u8(attrs[OP25B_A_ENABLED]));
		if (err) {
			op25b_policy_free(policy);
			goto out;
		}
	}
	if (policy)
		op25b_policy_publish(pn, policy);
out:
	mutex_unlock(&pn->lock);
	return err;
}

static int op25b_nl_change_prefix(struct genl_info *info, bool add)
{
	struct op25b_net *pn = info_pernet(info);
	struct op25b_policy *old, *policy;
	u8 list = list_attr(info->attrs);
	struct parsed_prefix pp;
	struct op25b_set *set;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, OP25B_A_PREFIX))
		return -EINVAL;
	err = parse_prefix(info->attrs[OP25B_A_PREFIX],
			   add ? op25b_add_prefix_policy : op25b_del_prefix_policy,
			   &pp, info->extack);
	if (err)
		return err;

	mutex_lock(&pn->lock);
	old = op25b_policy_locked(pn);
	err = op25b_set_change(old->lists[list], &pp.p, pp.comment, add,
			       op25b_max_allow, &set);
	if (err == -ENOSPC)
		NL_SET_ERR_MSG(info->extack,
			       "list is full (module parameter max_allow)");
	if (err || !set)
		goto out;
	policy = op25b_policy_dup(old);
	if (!policy) {
		op25b_set_put(set);
		err = -ENOMEM;
		goto out;
	}
	op25b_set_put(policy->lists[list]);
	policy->lists[list] = set;
	op25b_policy_publish(pn, policy);
out:
	mutex_unlock(&pn->lock);
	return err;
}

static int op25b_nl_add_prefix(struct sk_buff *skb, struct genl_info *info)
{
	return op25b_nl_change_prefix(info, true);
}

static int op25b_nl_del_prefix(struct sk_buff *skb, struct genl_info *info)
{
	return op25b_nl_change_prefix(info, false);
}

static int op25b_nl_flush_prefixes(struct sk_buff *skb, struct genl_info *info)
{
	struct op25b_net *pn = info_pernet(info);
	u8 list = list_attr(info->attrs);
	struct op25b_policy *policy;
	struct op25b_set *empty;
	int err = -ENOMEM;

	empty = op25b_set_new_empty();
	if (!empty)
		return -ENOMEM;
	mutex_lock(&pn->lock);
	policy = op25b_policy_dup(op25b_policy_locked(pn));
	if (policy) {
		op25b_set_put(policy->lists[list]);
		policy->lists[list] = empty;
		op25b_policy_publish(pn, policy);
		err = 0;
	}
	mutex_unlock(&pn->lock);
	if (err)
		op25b_set_put(empty);
	return err;
}

/* A dump walks the set it started on, whatever is published meanwhile. */
struct prefix_dump {
	struct op25b_set *set;
	u32 next;
};

static int op25b_nl_prefixes_start(struct netlink_callback *cb)
{
	struct prefix_dump *ctx = (struct prefix_dump *)cb->ctx;
	struct op25b_net *pn = cb_pernet(cb);

	u8 list = list_attr(genl_dumpit_info(cb)->attrs);

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));
	mutex_lock(&pn->lock);
	ctx->set = op25b_policy_locked(pn)->lists[list];
	op25b_set_get(ctx->set);
	mutex_unlock(&pn->lock);
	ctx->next = 0;
	return 0;
}

static int op25b_nl_prefixes_done(struct netlink_callback *cb)
{
	struct prefix_dump *ctx = (struct prefix_dump *)cb->ctx;

	op25b_set_put(ctx->set);
	return 0;
}

static int fill_prefix(struct sk_buff *skb, const struct op25b_prefix *p,
		       const char *comment)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, OP25B_A_PREFIX);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u16(skb, OP25B_PREFIX_A_FAMILY, p->family) ||
	    put_addr(skb, OP25B_PREFIX_A_ADDR, p->family, &p->addr) ||
	    nla_put_u8(skb, OP25B_PREFIX_A_PLEN, p->plen) ||
	    (comment && nla_put_string(skb, OP25B_PREFIX_A_COMMENT, comment))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static void *dump_msg_start(struct sk_buff *skb, struct netlink_callback *cb,
			    u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
			   cb->nlh->nlmsg_seq, &op25b_family, NLM_F_MULTI, cmd);
}

static int op25b_nl_prefixes_dump(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	struct prefix_dump *ctx = (struct prefix_dump *)cb->ctx;
	const struct op25b_prefix *p;

	while ((p = op25b_set_entry(ctx->set, ctx->next))) {
		void *hdr = dump_msg_start(skb, cb, OP25B_CMD_GET_PREFIXES);

		if (!hdr)
			break;
		if (fill_prefix(skb, p, op25b_set_comment(ctx->set, ctx->next))) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		ctx->next++;
	}
	return skb->len;
}

struct source_dump {
	struct op25b_stats *stats;
	struct op25b_stats_cursor cur;
};

struct source_fill {
	struct sk_buff *skb;
	struct netlink_callback *cb;
};

static int op25b_nl_sources_start(struct netlink_callback *cb)
{
	struct source_dump *ctx = (struct source_dump *)cb->ctx;
	struct op25b_net *pn = cb_pernet(cb);

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));
	mutex_lock(&pn->lock);
	ctx->stats = op25b_stats_locked(pn);
	if (ctx->stats)
		op25b_stats_get(ctx->stats);
	mutex_unlock(&pn->lock);
	memset(&ctx->cur, 0, sizeof(ctx->cur));
	return 0;
}

static int op25b_nl_sources_done(struct netlink_callback *cb)
{
	struct source_dump *ctx = (struct source_dump *)cb->ctx;

	op25b_stats_put(ctx->stats);
	return 0;
}

static int fill_source(const struct op25b_source_info *s, void *arg)
{
	struct source_fill *f = arg;
	struct sk_buff *skb = f->skb;
	struct nlattr *nest;
	void *hdr;

	hdr = dump_msg_start(skb, f->cb, OP25B_CMD_GET_SOURCES);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, OP25B_A_SOURCE);
	if (!nest ||
	    nla_put_u16(skb, OP25B_SOURCE_A_FAMILY, s->family) ||
	    put_addr(skb, OP25B_SOURCE_A_ADDR, s->family, &s->addr) ||
	    nla_put_u64_64bit(skb, OP25B_SOURCE_A_DENIED, s->denied,
			      OP25B_SOURCE_A_PAD) ||
	    nla_put_u64_64bit(skb, OP25B_SOURCE_A_AUDITED, s->audited,
			      OP25B_SOURCE_A_PAD) ||
	    nla_put_u64_64bit(skb, OP25B_SOURCE_A_FIRST_SEEN, s->first_seen,
			      OP25B_SOURCE_A_PAD) ||
	    nla_put_u64_64bit(skb, OP25B_SOURCE_A_LAST_SEEN, s->last_seen,
			      OP25B_SOURCE_A_PAD) ||
	    put_addr(skb, OP25B_SOURCE_A_LAST_DST, s->family, &s->last_dst) ||
	    nla_put_u16(skb, OP25B_SOURCE_A_LAST_PORT, s->last_port)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

static int op25b_nl_sources_dump(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct source_dump *ctx = (struct source_dump *)cb->ctx;
	struct source_fill f = { .skb = skb, .cb = cb };

	if (ctx->stats)
		op25b_stats_walk(ctx->stats, &ctx->cur, fill_source, &f);
	return skb->len;
}

static int op25b_nl_reset_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct op25b_net *pn = info_pernet(info);
	struct op25b_stats *stats, *old;

	mutex_lock(&pn->lock);
	old = op25b_stats_locked(pn);
	if (!old) {		/* never enabled: nothing counted */
		mutex_unlock(&pn->lock);
		return 0;
	}
	stats = op25b_stats_new(op25b_max_sources);
	if (!stats) {
		mutex_unlock(&pn->lock);
		return -ENOMEM;
	}
	rcu_assign_pointer(pn->stats, stats);
	mutex_unlock(&pn->lock);
	/* Packets still counting into @old finish before it can go. */
	synchronize_rcu();
	op25b_stats_put(old);
	return 0;
}

/* What OP25B_CMD_LOAD collects for one list before building its set. */
struct load_list {
	struct op25b_prefix *prefixes;
	char **comments;
	u32 n;
};

static void load_lists_free(struct load_list *l)
{
	u32 i;
	int k;

	for (k = 0; k <= OP25B_LIST_MAX; k++) {
		for (i = 0; l[k].comments && i < l[k].n; i++)
			kfree(l[k].comments[i]);
		kvfree(l[k].comments);
		kvfree(l[k].prefixes);
	}
}

/* Two passes over the prefixes: count and check, then copy. */
static int load_collect(struct genl_info *info, struct load_list *l)
{
	u32 count[OP25B_LIST_MAX + 1] = {};
	struct parsed_prefix pp;
	const struct nlattr *a;
	int rem, k, err;

	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(a) != OP25B_A_PREFIX)
			continue;
		err = parse_prefix(a, op25b_load_prefix_policy, &pp,
				   info->extack);
		if (err)
			return err;
		count[pp.list]++;
	}
	for (k = 0; k <= OP25B_LIST_MAX; k++) {
		l[k].prefixes = kvmalloc_array(count[k], sizeof(*l[k].prefixes),
					       GFP_KERNEL_ACCOUNT);
		l[k].comments = kvcalloc(count[k], sizeof(*l[k].comments),
					 GFP_KERNEL_ACCOUNT);
		if (count[k] && (!l[k].prefixes || !l[k].comments))
			return -ENOMEM;
	}
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		struct load_list *to;

		if (nla_type(a) != OP25B_A_PREFIX)
			continue;
		parse_prefix(a, op25b_load_prefix_policy, &pp, NULL);
		to = &l[pp.list];
		to->prefixes[to->n] = pp.p;
		if (pp.comment) {
			to->comments[to->n] =
				kstrdup(pp.comment, GFP_KERNEL_ACCOUNT);
			if (!to->comments[to->n])
				return -ENOMEM;
		}
		to->n++;
	}
	return 0;
}

static int op25b_nl_load(struct sk_buff *skb, struct genl_info *info)
{
	struct load_list l[OP25B_LIST_MAX + 1] = {};
	struct op25b_net *pn = info_pernet(info);
	struct op25b_policy *policy = NULL;
	u16 ports[OP25B_MAX_PORTS] = {};
	int nports, k, err;

	if (GENL_REQ_ATTR_CHECK(info, OP25B_A_MODE) ||
	    GENL_REQ_ATTR_CHECK(info, OP25B_A_ACTION))
		return -EINVAL;
	nports = parse_ports(info, ports);
	if (nports <= 0) {
		if (!nports)
			NL_SET_ERR_MSG(info->extack, "no port given");
		return nports ? nports : -EINVAL;
	}
	err = load_collect(info, l);
	if (err)
		goto out;

	err = -ENOMEM;
	policy = op25b_policy_new(nla_get_u8(info->attrs[OP25B_A_MODE]));
	if (!policy)
		goto out;
	policy->action = nla_get_u8(info->attrs[OP25B_A_ACTION]);
	policy->nports = nports;
	memcpy(policy->ports, ports, sizeof(ports));
	for (k = 0; k <= OP25B_LIST_MAX; k++) {
		struct op25b_set *set;

		set = op25b_set_from(l[k].prefixes, l[k].comments, l[k].n);
		if (!set)
			goto out;
		op25b_set_put(policy->lists[k]);
		policy->lists[k] = set;
		/* Counted once duplicates are gone. */
		if (op25b_set_size(set) > op25b_max_allow) {
			NL_SET_ERR_MSG(info->extack,
				       "list is full (module parameter max_allow)");
			err = -ENOSPC;
			goto out;
		}
	}

	mutex_lock(&pn->lock);
	op25b_policy_publish(pn, policy);
	mutex_unlock(&pn->lock);
	policy = NULL;
	err = 0;
out:
	op25b_policy_free(policy);
	load_lists_free(l);
	return err;
}

static const struct genl_multicast_group op25b_mcgrps[] = {
	{ .name = OP25B_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

/* Cleared, and a grace period waited, before the family goes away. */
static bool op25b_events_on;

bool op25b_nl_listened(struct net *net)
{
	return READ_ONCE(op25b_events_on) &&
	       genl_has_listeners(&op25b_family, net, 0);
}

static size_t event_size(void)
{
	return nla_total_size(0) +			/* OP25B_A_EVENT */
	       nla_total_size_64bit(sizeof(u64)) +	/* TIME */
	       nla_total_size(sizeof(u8)) +		/* VERDICT */
	       nla_total_size(sizeof(u16)) +		/* FAMILY */
	       2 * nla_total_size(sizeof(struct in6_addr)) +
	       2 * nla_total_size(sizeof(u16)) +	/* SPORT, DPORT */
	       nla_total_size(sizeof(u8)) +		/* HOOK */
	       nla_total_size(IFNAMSIZ) +		/* OUTDEV */
	       nla_total_size_64bit(sizeof(u64));	/* SUPPRESSED */
}

/* Packet path: one OP25B_CMD_EVENT to the events group. */
int op25b_nl_event(struct net *net, const struct op25b_pkt *pkt,
		   const struct nf_hook_state *state, bool audited,
		   u64 suppressed)
{
	struct nlattr *nest;
	struct sk_buff *skb;
	void *hdr;
	int err;

	skb = genlmsg_new(event_size(), GFP_ATOMIC);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put(skb, 0, 0, &op25b_family, 0, OP25B_CMD_EVENT);
	if (!hdr)
		goto err;
	nest = nla_nest_start(skb, OP25B_A_EVENT);
	if (!nest ||
	    nla_put_u64_64bit(skb, OP25B_EVENT_A_TIME,
			      ktime_get_real_ns(), OP25B_EVENT_A_PAD) ||
	    nla_put_u8(skb, OP25B_EVENT_A_VERDICT,
		       audited ? OP25B_VERDICT_AUDITED : OP25B_VERDICT_DENIED) ||
	    nla_put_u16(skb, OP25B_EVENT_A_FAMILY, pkt->family) ||
	    put_addr(skb, OP25B_EVENT_A_SADDR, pkt->family, &pkt->saddr) ||
	    put_addr(skb, OP25B_EVENT_A_DADDR, pkt->family, &pkt->daddr) ||
	    nla_put_u16(skb, OP25B_EVENT_A_SPORT, ntohs(pkt->sport)) ||
	    nla_put_u16(skb, OP25B_EVENT_A_DPORT, ntohs(pkt->dport)) ||
	    nla_put_u8(skb, OP25B_EVENT_A_HOOK, state->hook) ||
	    (state->out &&
	     nla_put_string(skb, OP25B_EVENT_A_OUTDEV, state->out->name)))
		goto err;
	nla_nest_end(skb, nest);
	if (suppressed &&
	    nla_put_u64_64bit(skb, OP25B_A_EVENTS_SUPPRESSED, suppressed,
			      OP25B_A_PAD))
		goto err;
	genlmsg_end(skb, hdr);
	/*
	 * -ESRCH: the last listener just left. Any other error (a listener
	 * with NETLINK_BROADCAST_ERROR overran) makes the caller count the
	 * event as suppressed.
	 */
	err = genlmsg_multicast_netns(&op25b_family, net, skb, 0, 0,
				      GFP_ATOMIC);
	return err == -ESRCH ? 0 : err;

err:
	nlmsg_free(skb);
	return -EMSGSIZE;
}

/* Every command, reads included, needs CAP_NET_ADMIN over the netns. */
static const struct genl_ops op25b_genl_ops[] = {
	{
		.cmd	= OP25B_CMD_GET_STATUS,
		.flags	= GENL_UNS_ADMIN_PERM,
		.doit	= op25b_nl_get_status,
	},
	{
		.cmd	= OP25B_CMD_SET_CONFIG,
		.flags	= GENL_UNS_ADMIN_PERM,
		.doit	= op25b_nl_set_config,
		.policy	= op25b_config_policy,
		.maxattr = OP25B_A_MAX,
	},
	{
		.cmd	= OP25B_CMD_ADD_PREFIX,
		.flags	= GENL_UNS_ADMIN_PERM,
		.doit	= op25b_nl_add_prefix,
		.policy	= op25b_add_policy,
		.maxattr = OP25B_A_MAX,
	},
	{
		.cmd	= OP25B_CMD_DEL_PREFIX,
		.flags	= GENL_UNS_ADMIN_PERM,
		.doit	= op25b_nl_del_prefix,
		.policy	= op25b_del_policy,
		.maxattr = OP25B_A_MAX,
	},
	{
		.cmd	= OP25B_CMD_FLUSH_PREFIXES,
		.flags	= GENL_UNS_ADMIN_PERM,
		.doit	= op25b_nl_flush_prefixes,
		.policy	= op25b_list_policy,
		.maxattr = OP25B_A_MAX,
	},
	{
		.cmd	= OP25B_CMD_GET_PREFIXES,
		.flags	= GENL_UNS_ADMIN_PERM,
		.start	= op25b_nl_prefixes_start,
		.dumpit	= op25b_nl_prefixes_dump,
		.done	= op25b_nl_prefixes_done,
		.policy	= op25b_list_policy,
		.maxattr = OP25B_A_MAX,
	},
	{
		.cmd	= OP25B_CMD_GET_SOURCES,
		.flags	= GENL_UNS_ADMIN_PERM,
		.start	= op25b_nl_sources_start,
		.dumpit	= op25b_nl_sources_dump,
		.done	= op25b_nl_sources_done,
	},
	{
		.cmd	= OP25B_CMD_RESET_STATS,
		.flags	= GENL_UNS_ADMIN_PERM,
		.doit	= op25b_nl_reset_stats,
	},
	{
		.cmd	= OP25B_CMD_LOAD,
		.flags	= GENL_UNS_ADMIN_PERM,
		.doit	= op25b_nl_load,
		.policy	= op25b_load_policy,
		.maxattr = OP25B_A_MAX,
	},
};

static struct genl_family op25b_family __ro_after_init = {
	.name		= OP25B_GENL_NAME,
	.version	= OP25B_GENL_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= op25b_genl_ops,
	.n_ops		= ARRAY_SIZE(op25b_genl_ops),
	.mcgrps		= op25b_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(op25b_mcgrps),
};

int __init op25b_genl_init(void)
{
	int err = genl_register_family(&op25b_family);

	WRITE_ONCE(op25b_events_on, !err);
	return err;
}

void op25b_genl_exit(void)
{
	/* Hooks still run until the pernet ops go: stop their events first. */
	WRITE_ONCE(op25b_events_on, false);
	synchronize_rcu();
	genl_unregister_family(&op25b_family);
}
