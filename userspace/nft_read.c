// SPDX-License-Identifier: GPL-2.0
/*
 * The nft backend's reading side: table inet op25b back from the kernel
 * through libnftnl (nft_int.h): whether it exists, the settings, the
 * ports, the entries of the lists, the counters and the sources.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <sys/socket.h>

#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/gen.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "nft_int.h"

/* ---- requests ---- */

typedef int (*parse_fn)(const struct nlmsghdr *nlh, void *arg);

struct reply {
	parse_fn parse;
	void *arg;
	int error;	/* of parse, positive errno */
};

static int reply_cb(const struct nlmsghdr *nlh, void *data)
{
	struct reply *r = data;
	int ret;

	if (r->error)
		return MNL_CB_OK;	/* read on to the end */
	ret = r->parse(nlh, r->arg);
	if (ret < 0)
		r->error = -ret;
	return MNL_CB_OK;
}

/*
 * The rest of a dump that ended early, up to its NLMSG_DONE (or error), so
 * that the next request starts on an empty socket. n->buf holds the len
 * bytes read last.
 */
static int drain(struct backend *b, ssize_t len, uint32_t seq)
{
	struct nft *n = nft(b);

	for (;;) {
		const struct nlmsghdr *nlh = (const void *)n->buf;
		int rem = (int)len;

		for (; mnl_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem))
			if (nlh->nlmsg_seq == seq &&
			    (nlh->nlmsg_type == NLMSG_DONE ||
			     nlh->nlmsg_type == NLMSG_ERROR))
				return 0;
		len = mnl_socket_recvfrom(n->nl, n->buf, sizeof(n->buf));
		if (len < 0)
			return backend_fail(b, errno, "reading nf_tables' reply");
	}
}

/*
 * Send nlh (a get, maybe a dump) and parse every reply: 0 or -errno.
 * -EINTR: the ruleset changed during the dump (NLM_F_DUMP_INTR, which
 * libmnl reports as EINTR); what was parsed is incomplete, read again.
 */
static int request(struct backend *b, struct nlmsghdr *nlh, parse_fn parse,
		   void *arg)
{
	struct nft *n = nft(b);
	struct reply r = { parse, arg, 0 };
	uint32_t seq = nlh->nlmsg_seq;
	ssize_t len;
	int ret;

	if (mnl_socket_sendto(n->nl, nlh, nlh->nlmsg_len) < 0)
		return backend_fail(b, errno, "sending a request to nf_tables");
	do {
		len = mnl_socket_recvfrom(n->nl, n->buf, sizeof(n->buf));
		if (len < 0)
			return backend_fail(b, errno, "reading nf_tables' reply");
		ret = mnl_cb_run(n->buf, (size_t)len, seq, n->portid,
				 reply_cb, &r);
	} while (ret > 0);
	if (ret < 0 && errno == EINTR) {
		ret = drain(b, len, seq);
		return ret ? ret : backend_fail(b, EINTR, "the nftables "
						"ruleset changed during a read");
	}
	if (ret < 0)
		return -errno;
	if (r.error)
		return backend_fail(b, r.error, "parsing nf_tables' reply");
	return 0;
}

static struct nlmsghdr *get(struct backend *b, uint16_t type, uint16_t flags)
{
	struct nft *n = nft(b);

	return nftnl_nlmsg_build_hdr(n->buf, type, NFPROTO_INET,
				     NLM_F_ACK | flags, ++n->seq);
}

static int parse_gen(const struct nlmsghdr *nlh, void *arg)
{
	struct nftnl_gen *g = nftnl_gen_alloc();
	int ret = -ENOMEM;

	if (g && nftnl_gen_nlmsg_parse(nlh, g) >= 0) {
		*(uint32_t *)arg = nftnl_gen_get_u32(g, NFTNL_GEN_ID);
		ret = 0;
	} else if (g) {
		ret = -EPROTO;
	}
	nftnl_gen_free(g);
	return ret;
}

int nft_get_genid(struct backend *b, uint32_t *genid)
{
	struct nlmsghdr *nlh = get(b, NFT_MSG_GETGEN, 0);

	return request(b, nlh, parse_gen, genid);
}

static int ignore(const struct nlmsghdr *nlh, void *arg)
{
	(void)nlh, (void)arg;
	return 0;
}

/* 1 if table inet op25b exists, 0 if not, or -errno. */
static int table_exists(struct backend *b)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh = get(b, NFT_MSG_GETTABLE, 0);
	int ret;

	if (!t)
		return backend_fail(b, ENOMEM, "reading the table");
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_TABLE);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	ret = request(b, nlh, ignore, NULL);
	if (ret == -ENOENT) {
		memset(&b->err, 0, sizeof(b->err));
		return 0;
	}
	return ret < 0 ? ret : 1;
}

/* ---- reading set elements ---- */

static int parse_elems(const struct nlmsghdr *nlh, void *arg)
{
	return nftnl_set_elems_nlmsg_parse(nlh, arg) < 0 ? -EPROTO : 0;
}

/* Every element of set name into *out (free with nftnl_set_free). */
static int get_elems(struct backend *b, const char *name,
		     struct nftnl_set **out)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nlmsghdr *nlh = get(b, NFT_MSG_GETSETELEM, NLM_F_DUMP);
	int ret;

	if (!s)
		return backend_fail(b, ENOMEM, "reading set %s", name);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, NFT_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	ret = request(b, nlh, parse_elems, s);
	if (ret < 0) {
		nftnl_set_free(s);
		if (ret == -ENOENT)
			snprintf(b->err.msg, sizeof(b->err.msg), "no set %s "
				 "in table inet op25b (was it changed by "
				 "hand?): " NFT_REMAKE, name);
		return ret;
	}
	*out = s;
	return 0;
}

static int comment_cb(const struct nftnl_udata *attr, void *data)
{
	char *comment = data;
	uint8_t len = nftnl_udata_len(attr);

	/* NUL-terminated, as nft writes it, or 255 bytes (nft_build.c) */
	if (nftnl_udata_type(attr) == NFTNL_UDATA_SET_ELEM_COMMENT) {
		memcpy(comment, nftnl_udata_get(attr), len);
		comment[len] = '\0';
	}
	return 0;
}

struct entries_arg {
	struct backend *b;
	struct vec *out;
	uint8_t list;
	uint16_t family;
	int ret;
};

static int entry_cb(struct nftnl_set_elem *el, void *data)
{
	struct entries_arg *a = data;
	size_t len = family_addr_len(a->family);
	const uint8_t *key;
	struct op25b_entry *e;
	const void *ud;
	uint32_t klen, ulen;
	int plen;

	key = nftnl_set_elem_get(el, NFTNL_SET_ELEM_KEY, &klen);
	if (!key || klen != 2 * len || (plen = nft_mask_plen(key + len,
							     len)) < 0) {
		a->ret = backend_fail(a->b, EPROTO, "an element of set %s is "
				      "not ADDR . NETMASK",
				      nft_entry_set(a->list, a->family));
		return -1;
	}
	e = vec_push(a->out);
	if (!e) {
		a->ret = backend_fail(a->b, ENOMEM, "reading the entries");
		return -1;
	}
	e->list = a->list;
	e->prefix.family = a->family;
	e->prefix.plen = (uint8_t)plen;
	memcpy(e->prefix.addr, key, len);
	ud = nftnl_set_elem_get(el, NFTNL_SET_ELEM_USERDATA, &ulen);
	if (ud)
		nftnl_udata_parse(ud, ulen, comment_cb, e->comment);
	return 0;
}

static int entry_order(const void *a, const void *b)
{
	return prefix_cmp(&((const struct op25b_entry *)a)->prefix,
			  &((const struct op25b_entry *)b)->prefix);
}

/* The entries of list appended to out, in the module's order. */
int nft_get_entries(struct backend *b, uint8_t list, struct vec *out)
{
	struct entries_arg a = { b, out, list, AF_INET, 0 };
	struct nftnl_set *s;
	size_t n0 = out->n;
	int f, ret;

	for (f = 0; f < 2; f++) {
		a.family = f ? AF_INET6 : AF_INET;
		ret = get_elems(b, nft_entry_set(list, a.family), &s);
		if (ret < 0)
			return ret;
		nftnl_set_elem_foreach(s, entry_cb, &a);
		nftnl_set_free(s);
		if (a.ret < 0)
			return a.ret;
	}
	qsort((struct op25b_entry *)out->items + n0, out->n - n0,
	      out->size, entry_order);
	return 0;
}

static int port_cb(struct nftnl_set_elem *el, void *data)
{
	struct nft_state *st = data;
	const uint16_t *port;
	uint32_t len;

	port = nftnl_set_elem_get(el, NFTNL_SET_ELEM_KEY, &len);
	if (port && len == sizeof(*port) && st->nports < OP25B_MAX_PORTS)
		st->ports[st->nports++] = ntohs(*port);
	return 0;
}

static int port_order(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* ---- reading the settings ---- */

static int rule_comment_cb(const struct nftnl_udata *attr, void *data)
{
	char *text = data;
	uint8_t len = nftnl_udata_len(attr);

	/* len <= NFT_SETTINGS_MAX: it is a byte */
	if (nftnl_udata_type(attr) == NFTNL_UDATA_RULE_COMMENT && len) {
		memcpy(text, nftnl_udata_get(attr), len);
		text[len - 1] = '\0';
	}
	return 0;
}

static int parse_rule(const struct nlmsghdr *nlh, void *arg)
{
	struct nft_state *st = arg;
	struct nftnl_rule *r = nftnl_rule_alloc();
	char text[NFT_SETTINGS_MAX] = "";
	const void *ud;
	uint32_t len;
	int ret = 0;

	if (!r)
		return -ENOMEM;
	if (nftnl_rule_nlmsg_parse(nlh, r) < 0) {
		ret = -EPROTO;
	} else {
		const char *chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
		const char *table = nftnl_rule_get_str(r, NFTNL_RULE_TABLE);

		ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);
		if (ud && chain && table && strcmp(table, NFT_TABLE) == 0 &&
		    strcmp(chain, "judge") == 0) {
			nftnl_udata_parse(ud, len, rule_comment_cb, text);
			if (nft_settings_parse(text, &st->settings) == 0)
				st->exists = true;	/* settings found */
		}
	}
	nftnl_rule_free(r);
	return ret;
}

void nft_state_init(struct nft_state *st)
{
	uint8_t l;

	memset(st, 0, sizeof(*st));
	st->settings.mode = OP25B_MODE_ENFORCE;
	st->settings.action = OP25B_ACTION_REJECT;
	st->settings.enabled = true;
	st->ports[0] = 25;
	st->nports = 1;
	for (l = 0; l < NLISTS; l++)
		st->entries[l] = (struct vec)VEC_INIT(struct op25b_entry);
}

void nft_state_free(struct nft_state *st)
{
	uint8_t l;

	for (l = 0; l < NLISTS; l++)
		vec_free(&st->entries[l]);
}

/*
 * The table as it is: settings, ports, and the entries of the lists in
 * the mask lists (the scope's always: the rules depend on it). A missing
 * table gives the defaults, st->exists false.
 */
int nft_read_state(struct backend *b, struct nft_state *st,
		      unsigned lists)
{
	char name[NFT_SET_NAME_MAX];
	struct nftnl_rule *r;
	struct nftnl_set *s;
	struct nlmsghdr *nlh;
	uint8_t l;
	int ret;

	nft_state_init(st);
	ret = table_exists(b);
	if (ret <= 0)
		return ret;
	r = nftnl_rule_alloc();
	if (!r)
		return backend_fail(b, ENOMEM, "reading the rules");
	nlh = get(b, NFT_MSG_GETRULE, NLM_F_DUMP);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, "judge");
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	ret = request(b, nlh, parse_rule, st);
	if (ret == 0 && !st->exists)
		ret = backend_fail(b, EPROTO, "table inet op25b has no settings "
				   "comment in chain judge (was it changed by "
				   "hand?): " NFT_REMAKE);
	if (ret < 0)
		return ret;
	ret = get_elems(b, nft_set_name(name, NLISTS, AF_INET,
					nft_alt_of(st->settings.alt,
						   NLISTS)), &s);
	if (ret < 0)
		return ret;
	st->nports = 0;
	nftnl_set_elem_foreach(s, port_cb, st);
	nftnl_set_free(s);
	qsort(st->ports, st->nports, sizeof(st->ports[0]), port_order);
	/* in the order given, if the comment's ports are the set's */
	if (st->settings.nports == st->nports) {
		uint16_t given[OP25B_MAX_PORTS];

		memcpy(given, st->settings.ports, sizeof(given));
		qsort(given, st->nports, sizeof(given[0]), port_order);
		if (memcmp(given, st->ports, st->nports * sizeof(given[0])) == 0)
			memcpy(st->ports, st->settings.ports, sizeof(given));
	}
	lists |= BUILD_LIST(OP25B_LIST_SCOPE);
	for (l = 0; l < NLISTS && ret == 0; l++)
		if (lists & BUILD_LIST(l))
			ret = nft_get_entries(b, l, &st->entries[l]);
	return ret;
}

static int count_elem(struct nftnl_set_elem *el, void *data)
{
	(void)el;
	++*(size_t *)data;
	return 0;
}

int nft_spare_empty(struct backend *b, const struct nft_state *st,
		    unsigned int what, bool *empty)
{
	char name[NFT_SET_NAME_MAX];
	struct nftnl_set *s;
	unsigned int which;
	size_t n = 0;
	int f, ret = 0;

	for (which = 0; which <= NLISTS && !ret && !n; which++) {
		bool spare = !nft_alt_of(st->settings.alt, which);

		if (!(what & nft_build_of(which)))
			continue;
		for (f = 0; f < nft_families_of(which) && !ret; f++) {
			ret = get_elems(b, nft_set_name(name, which, f ?
							AF_INET6 : AF_INET,
							spare), &s);
			if (ret == 0) {
				nftnl_set_elem_foreach(s, count_elem, &n);
				nftnl_set_free(s);
			}
		}
	}
	*empty = n == 0;
	return ret;
}

static int parse_obj(const struct nlmsghdr *nlh, void *arg)
{
	struct op25b_totals *t = arg;
	struct nftnl_obj *o = nftnl_obj_alloc();
	static const struct {
		const char *name;
		size_t off;
	} map[] = {
		{ "inspected", offsetof(struct op25b_totals, inspected) },
		{ "allowed", offsetof(struct op25b_totals, allowed) },
		{ "denied", offsetof(struct op25b_totals, denied) },
		{ "untracked", offsetof(struct op25b_totals, untracked) },
		{ "audited", offsetof(struct op25b_totals, audited) },
		{ "exempt", offsetof(struct op25b_totals, exempt) },
	};
	const char *name, *table;
	uint64_t v;
	size_t i;
	int ret = 0;

	if (!o)
		return -ENOMEM;
	if (nftnl_obj_nlmsg_parse(nlh, o) < 0) {
		ret = -EPROTO;
		goto out;
	}
	name = nftnl_obj_get_str(o, NFTNL_OBJ_NAME);
	table = nftnl_obj_get_str(o, NFTNL_OBJ_TABLE);
	if (!name || !table || strcmp(table, NFT_TABLE) != 0 ||
	    nftnl_obj_get_u32(o, NFTNL_OBJ_FAMILY) != NFPROTO_INET ||
	    nftnl_obj_get_u32(o, NFTNL_OBJ_TYPE) != NFT_OBJECT_COUNTER)
		goto out;
	v = nftnl_obj_get_u64(o, NFTNL_OBJ_CTR_PKTS);
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(name, map[i].name) == 0)
			memcpy((char *)t + map[i].off, &v, sizeof(v));
out:
	nftnl_obj_free(o);
	return ret;
}

int nft_get_totals(struct backend *b, struct op25b_totals *t)
{
	struct nftnl_obj *o = nftnl_obj_alloc();
	struct nlmsghdr *nlh = get(b, NFT_MSG_GETOBJ, NLM_F_DUMP);

	if (!o)
		return backend_fail(b, ENOMEM, "reading the counters");
	nftnl_obj_set_str(o, NFTNL_OBJ_TABLE, NFT_TABLE);
	nftnl_obj_set_u32(o, NFTNL_OBJ_TYPE, NFT_OBJECT_COUNTER);
	nftnl_obj_nlmsg_build_payload(nlh, o);
	nftnl_obj_free(o);
	memset(t, 0, sizeof(*t));
	return request(b, nlh, parse_obj, t);
}

struct sources_arg {
	struct backend *b;
	struct vec *out;
	bool audit;
	int ret;
};

static int count_cb(struct nftnl_expr *e, void *data)
{
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

	if (name && strcmp(name, "counter") == 0)
		*(uint64_t *)data += nftnl_expr_get_u64(e,
							NFTNL_EXPR_CTR_PACKETS);
	return 0;
}

static int source_cb(struct nftnl_set_elem *el, void *data)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	struct sources_arg *a = data;
	struct op25b_source *s;
	const uint8_t *key;
	uint64_t count = 0;
	uint32_t klen;

	key = nftnl_set_elem_get(el, NFTNL_SET_ELEM_KEY, &klen);
	if (!key || klen != 16)
		return 0;
	nftnl_set_elem_expr_foreach(el, count_cb, &count);
	s = vec_push(a->out);
	if (!s) {
		a->ret = backend_fail(a->b, ENOMEM, "reading the sources");
		return -1;
	}
	if (memcmp(key, mapped, sizeof(mapped)) == 0) {	/* IPv4 */
		s->family = AF_INET;
		memcpy(s->addr, key + 12, 4);
	} else {
		s->family = AF_INET6;
		memcpy(s->addr, key, 16);
	}
	if (a->audit)
		s->audited = count;
	else
		s->denied = count;
	return 0;
}

static int source_order(const void *a, const void *b)
{
	const struct op25b_source *x = a, *y = b;

	return addr_cmp(x->family, x->addr, y->family, y->addr);
}

/* Every source of sets deny and audit, one item per address. */
int nft_get_sources(struct backend *b, struct vec *out)
{
	static const char *const sets[] = { "deny", "audit" };
	struct sources_arg a = { b, NULL, false, 0 };
	struct vec all = VEC_INIT(struct op25b_source);
	struct op25b_source *s, *o;
	struct nftnl_set *set;
	size_t i;
	int ret = 0;

	a.out = &all;
	for (i = 0; i < 2 && ret == 0; i++) {
		a.audit = i == 1;
		ret = get_elems(b, sets[i], &set);
		if (ret == 0) {
			nftnl_set_elem_foreach(set, source_cb, &a);
			nftnl_set_free(set);
			ret = a.ret;
		}
	}
	s = all.items;
	if (ret == 0)
		qsort(s, all.n, sizeof(*s), source_order);
	/* a source both denied and audited is in two sets: merge */
	for (i = 0; i < all.n && ret == 0; i++) {
		if (i && source_order(&s[i], &s[i - 1]) == 0) {
			o = (struct op25b_source *)out->items + out->n - 1;
			o->denied += s[i].denied;
			o->audited += s[i].audited;
			continue;
		}
		o = vec_push(out);
		if (!o)
			ret = backend_fail(b, ENOMEM, "reading the sources");
		else
			*o = s[i];
	}
	vec_free(&all);
	return ret;
}

static int parse_set(const struct nlmsghdr *nlh, void *arg)
{
	struct nftnl_set *s = nftnl_set_alloc();
	int ret = -ENOMEM;

	if (s && nftnl_set_nlmsg_parse(nlh, s) >= 0) {
		*(uint32_t *)arg = nftnl_set_get_u32(s, NFTNL_SET_DESC_SIZE);
		ret = 0;
	} else if (s) {
		ret = -EPROTO;
	}
	nftnl_set_free(s);
	return ret;
}

/* The size a set was made with (0: none). */
int nft_get_set_size(struct backend *b, const char *name, uint32_t *size)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nlmsghdr *nlh = get(b, NFT_MSG_GETSET, 0);

	if (!s)
		return backend_fail(b, ENOMEM, "reading set %s", name);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, NFT_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	nftnl_set_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	*size = 0;
	return request(b, nlh, parse_set, size);
}
