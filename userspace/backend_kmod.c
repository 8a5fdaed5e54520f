// SPDX-License-Identifier: GPL-2.0
/*
 * The op25b kernel module as a backend: its commands over generic netlink
 * (include/uapi/linux/op25b.h). The conversation itself is kmod_nl.c's,
 * the events kmod_events.c's.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>

#include "kmod.h"

/* ---- status and configuration ---- */

static int parse_totals(struct backend *b, const struct nlattr *nest,
			struct op25b_totals *t)
{
	static const struct attr_policy policy[OP25B_TOTALS_A_MAX + 1] = {
		[OP25B_TOTALS_A_INSPECTED] = { MNL_TYPE_U64, true },
		[OP25B_TOTALS_A_ALLOWED] = { MNL_TYPE_U64, true },
		[OP25B_TOTALS_A_DENIED] = { MNL_TYPE_U64, true },
		[OP25B_TOTALS_A_UNTRACKED] = { MNL_TYPE_U64, true },
		[OP25B_TOTALS_A_AUDITED] = { MNL_TYPE_U64, true },
		[OP25B_TOTALS_A_EXEMPT] = { MNL_TYPE_U64, true },
	};
	const struct nlattr *tb[TB_SIZE];
	int ret;

	ret = kmod_parse_attrs(b, NULL, nest, "OP25B_A_TOTALS", policy,
			       OP25B_TOTALS_A_MAX, tb);
	if (ret < 0)
		return ret;
	t->inspected = mnl_attr_get_u64(tb[OP25B_TOTALS_A_INSPECTED]);
	t->allowed = mnl_attr_get_u64(tb[OP25B_TOTALS_A_ALLOWED]);
	t->denied = mnl_attr_get_u64(tb[OP25B_TOTALS_A_DENIED]);
	t->untracked = mnl_attr_get_u64(tb[OP25B_TOTALS_A_UNTRACKED]);
	t->audited = mnl_attr_get_u64(tb[OP25B_TOTALS_A_AUDITED]);
	t->exempt = mnl_attr_get_u64(tb[OP25B_TOTALS_A_EXEMPT]);
	return 0;
}

static int parse_status(struct backend *b, const struct nlmsghdr *nlh,
			void *arg)
{
	static const struct attr_policy policy[OP25B_A_MAX + 1] = {
		[OP25B_A_VERSION] = { MNL_TYPE_NUL_STRING, true },
		[OP25B_A_ENABLED] = { MNL_TYPE_U8, true },
		[OP25B_A_MODE] = { MNL_TYPE_U8, true },
		[OP25B_A_ACTION] = { MNL_TYPE_U8, true },
		[OP25B_A_ALLOW_ENTRIES] = { MNL_TYPE_U32, true },
		[OP25B_A_SCOPE_ENTRIES] = { MNL_TYPE_U32, true },
		[OP25B_A_EXEMPT_ENTRIES] = { MNL_TYPE_U32, true },
		[OP25B_A_ALLOW_MAX] = { MNL_TYPE_U32, true },
		[OP25B_A_SOURCES] = { MNL_TYPE_U32, true },
		[OP25B_A_SOURCES_MAX] = { MNL_TYPE_U32, true },
		[OP25B_A_PORT] = { MNL_TYPE_U16, false },
		[OP25B_A_TOTALS] = { MNL_TYPE_NESTED, true },
	};
	const struct nlattr *tb[TB_SIZE], *attr;
	struct op25b_status *st = arg;
	int ret;

	ret = kmod_parse_attrs(b, nlh, NULL, "OP25B_CMD_GET_STATUS", policy,
			       OP25B_A_MAX, tb);
	if (ret < 0)
		return ret;
	memset(st, 0, sizeof(*st));
	snprintf(st->version, sizeof(st->version), "%s",
		 mnl_attr_get_str(tb[OP25B_A_VERSION]));
	st->enabled = mnl_attr_get_u8(tb[OP25B_A_ENABLED]) != 0;
	st->mode = mnl_attr_get_u8(tb[OP25B_A_MODE]);
	st->action = mnl_attr_get_u8(tb[OP25B_A_ACTION]);
	st->allow_entries = mnl_attr_get_u32(tb[OP25B_A_ALLOW_ENTRIES]);
	st->scope_entries = mnl_attr_get_u32(tb[OP25B_A_SCOPE_ENTRIES]);
	st->exempt_entries = mnl_attr_get_u32(tb[OP25B_A_EXEMPT_ENTRIES]);
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
	return kmod_doit(b, kmod_request(b, OP25B_CMD_GET_STATUS, NLM_F_ACK),
			 parse_status, st);
}

static void put_ports(struct nlmsghdr *nlh, const uint16_t *ports, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		mnl_attr_put_u16(nlh, OP25B_A_PORT, ports[i]);
}

static int kmod_set_config(struct backend *b, const struct op25b_config *cfg)
{
	struct nlmsghdr *nlh = kmod_request(b, OP25B_CMD_SET_CONFIG,
					    NLM_F_ACK);

	if (cfg->set_enabled)
		mnl_attr_put_u8(nlh, OP25B_A_ENABLED, cfg->enabled);
	if (cfg->set_mode)
		mnl_attr_put_u8(nlh, OP25B_A_MODE, cfg->mode);
	if (cfg->set_action)
		mnl_attr_put_u8(nlh, OP25B_A_ACTION, cfg->action);
	put_ports(nlh, cfg->ports, cfg->nports);
	return kmod_doit(b, nlh, NULL, NULL);
}

/* ---- prefix lists ---- */

/* How an entry is put in a request. */
enum put {
	PUT_PREFIX,		/* the prefix alone (del) */
	PUT_COMMENT,		/* with its comment (add) */
	PUT_LIST,		/* with its comment and list (load) */
};

/* The bytes of an attribute with a payload of len. */
static size_t attr_size(size_t len)
{
	return MNL_ALIGN(MNL_ATTR_HDRLEN + len);
}

static size_t entry_size(const struct op25b_entry *e, enum put what)
{
	size_t size = attr_size(0) + attr_size(sizeof(uint16_t)) +
		      attr_size(family_addr_len(e->prefix.family)) +
		      attr_size(sizeof(uint8_t));

	if (what == PUT_LIST)
		size += attr_size(sizeof(uint8_t));
	if (what != PUT_PREFIX && e->comment[0])
		size += attr_size(strlen(e->comment) + 1);
	return size;
}

static void put_entry(struct nlmsghdr *nlh, const struct op25b_entry *e,
		      enum put what)
{
	const struct op25b_prefix *p = &e->prefix;
	struct nlattr *nest = mnl_attr_nest_start(nlh, OP25B_A_PREFIX);

	mnl_attr_put_u16(nlh, OP25B_PREFIX_A_FAMILY, p->family);
	mnl_attr_put(nlh, OP25B_PREFIX_A_ADDR, family_addr_len(p->family),
		     p->addr);
	mnl_attr_put_u8(nlh, OP25B_PREFIX_A_PLEN, p->plen);
	if (what == PUT_LIST)
		mnl_attr_put_u8(nlh, OP25B_PREFIX_A_LIST, e->list);
	if (what != PUT_PREFIX && e->comment[0])
		mnl_attr_put_strz(nlh, OP25B_PREFIX_A_COMMENT, e->comment);
	mnl_attr_nest_end(nlh, nest);
}

static int prefix_cmd(struct backend *b, uint8_t cmd,
		      const struct op25b_entry *e, enum put what)
{
	struct nlmsghdr *nlh = kmod_request(b, cmd, NLM_F_ACK);

	mnl_attr_put_u8(nlh, OP25B_A_LIST, e->list);
	put_entry(nlh, e, what);
	return kmod_doit(b, nlh, NULL, NULL);
}

static int kmod_add_prefix(struct backend *b, const struct op25b_entry *e)
{
	return prefix_cmd(b, OP25B_CMD_ADD_PREFIX, e, PUT_COMMENT);
}

static int kmod_del_prefix(struct backend *b, const struct op25b_entry *e)
{
	return prefix_cmd(b, OP25B_CMD_DEL_PREFIX, e, PUT_PREFIX);
}

static int kmod_flush_prefixes(struct backend *b, uint8_t list)
{
	struct nlmsghdr *nlh = kmod_request(b, OP25B_CMD_FLUSH_PREFIXES,
					    NLM_F_ACK);

	mnl_attr_put_u8(nlh, OP25B_A_LIST, list);
	return kmod_doit(b, nlh, NULL, NULL);
}

static int parse_prefix_msg(struct backend *b, const struct nlmsghdr *nlh,
			    void *arg)
{
	static const struct attr_policy policy[OP25B_PREFIX_A_MAX + 1] = {
		[OP25B_PREFIX_A_FAMILY] = { MNL_TYPE_U16, true },
		[OP25B_PREFIX_A_ADDR] = { MNL_TYPE_BINARY, true },
		[OP25B_PREFIX_A_PLEN] = { MNL_TYPE_U8, true },
		[OP25B_PREFIX_A_COMMENT] = { MNL_TYPE_NUL_STRING, false },
	};
	const struct nlattr *tb[TB_SIZE];
	struct vec *out = arg;
	struct op25b_entry *e;
	struct op25b_prefix p = { 0 };
	int ret;

	ret = kmod_parse_nest(b, nlh, OP25B_A_PREFIX, "OP25B_A_PREFIX",
			      policy, OP25B_PREFIX_A_MAX, tb);
	if (ret == 0)
		ret = kmod_get_addr(b, tb[OP25B_PREFIX_A_FAMILY],
				    tb[OP25B_PREFIX_A_ADDR], "OP25B_A_PREFIX",
				    &p.family, p.addr);
	if (ret < 0)
		return ret;
	p.plen = mnl_attr_get_u8(tb[OP25B_PREFIX_A_PLEN]);
	if (p.plen > family_addr_len(p.family) * 8)
		return backend_fail(b, EPROTO, "malformed reply from the kernel: "
				    "prefix length %u", p.plen);
	e = vec_push(out);
	if (!e)
		return backend_fail(b, ENOMEM, "while reading the kernel's reply");
	e->prefix = p;
	if (tb[OP25B_PREFIX_A_COMMENT])
		snprintf(e->comment, sizeof(e->comment), "%s",
			 mnl_attr_get_str(tb[OP25B_PREFIX_A_COMMENT]));
	return 0;
}

static int kmod_list_prefixes(struct backend *b, uint8_t list,
			      struct vec *out)
{
	size_t i, n0 = out->n;
	int ret;

	ret = kmod_dump(b, OP25B_CMD_GET_PREFIXES, list, parse_prefix_msg,
			out);
	for (i = n0; i < out->n; i++)
		((struct op25b_entry *)out->items)[i].list = list;
	return ret;
}

/* ---- the whole policy at once ---- */

static size_t load_size(const struct op25b_policy *p)
{
	const struct op25b_entry *e = p->entries.items;
	size_t size, i;

	size = MNL_ALIGN(sizeof(struct nlmsghdr)) + MNL_ALIGN(GENL_HDRLEN) +
	       2 * attr_size(sizeof(uint8_t)) +
	       p->nports * attr_size(sizeof(uint16_t));
	for (i = 0; i < p->entries.n; i++)
		size += entry_size(&e[i], PUT_LIST);
	return size;
}

/*
 * Let the socket send a message of len bytes: the kernel refuses one
 * larger than its send buffer. SO_SNDBUFFORCE passes the rmem/wmem limits
 * (with CAP_NET_ADMIN, which load needs anyway); SO_SNDBUF may still do.
 */
static void raise_sndbuf(struct kmod *k, size_t len)
{
	int fd = mnl_socket_get_fd(k->nl);
	int size = len > INT_MAX / 2 ? INT_MAX / 2 : (int)len;

	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size,
		       sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
}

static int kmod_load(struct backend *b, const struct op25b_policy *p)
{
	const struct op25b_entry *e = p->entries.items;
	size_t size = load_size(p), i;
	struct nlmsghdr *nlh;
	void *buf;
	int ret;

	if (size > UINT32_MAX)
		return backend_fail(b, EMSGSIZE, "the policy makes a message "
				    "of %zu bytes", size);
	buf = malloc(size);
	if (!buf)
		return backend_fail(b, ENOMEM, "the policy makes a message "
				    "of %zu bytes", size);
	nlh = kmod_request_in(b, buf, OP25B_CMD_LOAD, NLM_F_ACK);
	mnl_attr_put_u8(nlh, OP25B_A_MODE, p->mode);
	mnl_attr_put_u8(nlh, OP25B_A_ACTION, p->action);
	put_ports(nlh, p->ports, p->nports);
	for (i = 0; i < p->entries.n; i++)
		put_entry(nlh, &e[i], PUT_LIST);
	raise_sndbuf(kmod(b), size);
	ret = kmod_doit(b, nlh, NULL, NULL);
	if (ret == -EMSGSIZE)
		backend_fail(b, EMSGSIZE, "the policy makes a message of %zu "
			     "bytes, more than the socket may send", size);
	free(buf);
	return ret;
}

/* ---- statistics ---- */

static int parse_source_msg(struct backend *b, const struct nlmsghdr *nlh,
			    void *arg)
{
	static const struct attr_policy policy[OP25B_SOURCE_A_MAX + 1] = {
		[OP25B_SOURCE_A_FAMILY] = { MNL_TYPE_U16, true },
		[OP25B_SOURCE_A_ADDR] = { MNL_TYPE_BINARY, true },
		[OP25B_SOURCE_A_DENIED] = { MNL_TYPE_U64, true },
		[OP25B_SOURCE_A_AUDITED] = { MNL_TYPE_U64, true },
		[OP25B_SOURCE_A_FIRST_SEEN] = { MNL_TYPE_U64, true },
		[OP25B_SOURCE_A_LAST_SEEN] = { MNL_TYPE_U64, true },
		[OP25B_SOURCE_A_LAST_DST] = { MNL_TYPE_BINARY, true },
		[OP25B_SOURCE_A_LAST_PORT] = { MNL_TYPE_U16, true },
	};
	const struct nlattr *tb[TB_SIZE];
	struct op25b_source s = { 0 };
	uint16_t dst_family;
	int ret;

	ret = kmod_parse_nest(b, nlh, OP25B_A_SOURCE, "OP25B_A_SOURCE",
			      policy, OP25B_SOURCE_A_MAX, tb);
	if (ret == 0)
		ret = kmod_get_addr(b, tb[OP25B_SOURCE_A_FAMILY],
				    tb[OP25B_SOURCE_A_ADDR], "OP25B_A_SOURCE",
				    &s.family, s.addr);
	if (ret == 0)	/* the destination has the source's family */
		ret = kmod_get_addr(b, tb[OP25B_SOURCE_A_FAMILY],
				    tb[OP25B_SOURCE_A_LAST_DST],
				    "OP25B_A_SOURCE", &dst_family, s.last_dst);
	if (ret < 0)
		return ret;
	s.denied = mnl_attr_get_u64(tb[OP25B_SOURCE_A_DENIED]);
	s.audited = mnl_attr_get_u64(tb[OP25B_SOURCE_A_AUDITED]);
	s.first_seen = mnl_attr_get_u64(tb[OP25B_SOURCE_A_FIRST_SEEN]);
	s.last_seen = mnl_attr_get_u64(tb[OP25B_SOURCE_A_LAST_SEEN]);
	s.last_port = mnl_attr_get_u16(tb[OP25B_SOURCE_A_LAST_PORT]);
	return kmod_push(b, arg, &s);
}

static int kmod_dump_sources(struct backend *b, struct vec *out)
{
	return kmod_dump(b, OP25B_CMD_GET_SOURCES, -1, parse_source_msg, out);
}

static int kmod_reset_stats(struct backend *b)
{
	return kmod_doit(b, kmod_request(b, OP25B_CMD_RESET_STATS, NLM_F_ACK),
			 NULL, NULL);
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
	.load = kmod_load,
	.dump_sources = kmod_dump_sources,
	.reset_stats = kmod_reset_stats,
	.subscribe = kmod_subscribe,
	.read_events = kmod_read_events,
};
