// SPDX-License-Identifier: GPL-2.0
/*
 * backend_kmod.c (with kmod_nl.c and kmod_events.c) against a fake kernel:
 * the libmnl socket calls and setsockopt are wrapped (-Wl,--wrap),
 * requests are decoded here and replies are built the way the kernel's
 * generic netlink would build them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "backend.h"

#define FAMILY_ID	0x1c
#define PORTID		4242
#define NBATCH		16
#define EVENTS_GROUP	9

struct batch {
	_Alignas(struct nlmsghdr) char buf[8192];
	size_t len;
	int error;		/* recv fails with this errno instead */
};

/* The fake kernel. */
static struct {
	bool loaded;
	bool no_groups;		/* the family has no multicast group */
	/* answers an op25b request by queueing batches */
	void (*handler)(const struct nlmsghdr *req);
	struct nlmsghdr *req;				/* the latest request */
	unsigned int nreq;				/* op25b requests */
	unsigned int attempt;				/* of a dump */
	struct batch q[NBATCH];
	unsigned int head, tail;
	int fd[2];		/* a pipe: the socket's fd, always readable */
	/* setsockopt(SOL_SOCKET): the latest value of each, and a refusal */
	int sndbuf, sndbufforce, sndbufforce_errno, rcvbufforce;
	unsigned int group;	/* joined (NETLINK_ADD_MEMBERSHIP) */
	int broadcast_error;	/* NETLINK_BROADCAST_ERROR */
} K;

/* ---- wrapped libmnl socket calls ---- */

struct mnl_socket *__wrap_mnl_socket_open(int bus);
int __wrap_mnl_socket_bind(struct mnl_socket *nl, unsigned int groups,
			   pid_t pid);
unsigned int __wrap_mnl_socket_get_portid(const struct mnl_socket *nl);
int __wrap_mnl_socket_get_fd(const struct mnl_socket *nl);
int __wrap_mnl_socket_setsockopt(const struct mnl_socket *nl, int type,
				 void *buf, socklen_t len);
int __wrap_setsockopt(int fd, int level, int name, const void *val,
		      socklen_t len);
int __wrap_mnl_socket_close(struct mnl_socket *nl);
ssize_t __wrap_mnl_socket_sendto(const struct mnl_socket *nl,
				 const void *req, size_t len);
ssize_t __wrap_mnl_socket_recvfrom(const struct mnl_socket *nl,
				   void *buf, size_t len);

static char fake_socket;

struct mnl_socket *__wrap_mnl_socket_open(int bus)
{
	assert_int_equal(bus, NETLINK_GENERIC);
	return (struct mnl_socket *)&fake_socket;
}

int __wrap_mnl_socket_bind(struct mnl_socket *nl, unsigned int groups,
			   pid_t pid)
{
	(void)nl, (void)groups, (void)pid;
	return 0;
}

unsigned int __wrap_mnl_socket_get_portid(const struct mnl_socket *nl)
{
	(void)nl;
	return PORTID;
}

int __wrap_mnl_socket_get_fd(const struct mnl_socket *nl)
{
	assert_ptr_equal(nl, &fake_socket);
	return K.fd[0];
}

int __wrap_mnl_socket_setsockopt(const struct mnl_socket *nl, int type,
				 void *buf, socklen_t len)
{
	(void)nl;
	if (type == NETLINK_ADD_MEMBERSHIP) {
		assert_int_equal(len, sizeof(unsigned int));
		memcpy(&K.group, buf, sizeof(K.group));
	} else if (type == NETLINK_BROADCAST_ERROR) {
		assert_int_equal(len, sizeof(int));
		memcpy(&K.broadcast_error, buf, sizeof(int));
	}
	return 0;
}

int __wrap_setsockopt(int fd, int level, int name, const void *val,
		      socklen_t len)
{
	assert_int_equal(fd, K.fd[0]);
	assert_int_equal(level, SOL_SOCKET);
	assert_int_equal(len, sizeof(int));
	if (name == SO_SNDBUFFORCE && K.sndbufforce_errno) {
		errno = K.sndbufforce_errno;
		return -1;
	}
	if (name == SO_SNDBUFFORCE)
		memcpy(&K.sndbufforce, val, sizeof(int));
	else if (name == SO_SNDBUF)
		memcpy(&K.sndbuf, val, sizeof(int));
	else if (name == SO_RCVBUFFORCE)
		memcpy(&K.rcvbufforce, val, sizeof(int));
	else
		fail_msg("setsockopt %d", name);
	return 0;
}

int __wrap_mnl_socket_close(struct mnl_socket *nl)
{
	assert_ptr_equal(nl, &fake_socket);
	return 0;
}

static struct batch *batch(void)
{
	struct batch *b;

	assert_true(K.tail < NBATCH);
	b = &K.q[K.tail++];
	memset(b, 0, sizeof(*b));
	return b;
}

/* A message of type in b answering req; genetlink header for data. */
static struct nlmsghdr *msg(struct batch *b, const struct nlmsghdr *req,
			    uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(b->buf + b->len);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = req->nlmsg_seq;
	nlh->nlmsg_pid = PORTID;
	if (type >= NLMSG_MIN_TYPE) {
		struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

		g->cmd = ((const struct genlmsghdr *)mnl_nlmsg_get_payload(req))->cmd;
		g->version = 1;
	}
	return nlh;
}

static void msg_end(struct batch *b, struct nlmsghdr *nlh)
{
	b->len += NLMSG_ALIGN(nlh->nlmsg_len);
	assert_true(b->len <= sizeof(b->buf));
}

/* NLMSG_ERROR: error 0 acks; extack text optional; capped or not. */
static void ack(struct batch *b, const struct nlmsghdr *req, int error,
		const char *extack, bool capped)
{
	uint16_t flags = (capped ? NLM_F_CAPPED : 0) |
			 (extack ? NLM_F_ACK_TLVS : 0);
	struct nlmsghdr *nlh = msg(b, req, NLMSG_ERROR, flags);
	size_t size = sizeof(struct nlmsgerr) - sizeof(struct nlmsghdr) +
		      (capped ? sizeof(struct nlmsghdr) : req->nlmsg_len);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, size);

	e->error = error;
	memcpy(&e->msg, req, capped ? sizeof(*req) : req->nlmsg_len);
	if (extack)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, extack);
	msg_end(b, nlh);
}

static void done(struct batch *b, const struct nlmsghdr *req, int error,
		 const char *extack, uint16_t flags)
{
	struct nlmsghdr *nlh = msg(b, req, NLMSG_DONE, NLM_F_MULTI | flags |
				   (extack ? NLM_F_ACK_TLVS : 0));
	int *e = mnl_nlmsg_put_extra_header(nlh, sizeof(int));

	*e = error;
	if (extack)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, extack);
	msg_end(b, nlh);
}

static void resolve(const struct nlmsghdr *req)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(req);
	const struct nlattr *a;
	struct nlmsghdr *nlh;
	struct batch *b = batch();
	bool named = false;

	assert_int_equal(g->cmd, CTRL_CMD_GETFAMILY);
	mnl_attr_for_each(a, req, sizeof(*g))
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_NAME)
			named = strcmp(mnl_attr_get_str(a), "op25b") == 0;
	assert_true(named);
	if (!K.loaded) {
		ack(b, req, -ENOENT, NULL, true);
		return;
	}
	nlh = msg(b, req, GENL_ID_CTRL, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "op25b");
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, FAMILY_ID);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, 1);
	if (!K.no_groups) {
		struct nlattr *groups, *grp;

		/* as the kernel's ctrl_fill_info: an array of nests */
		groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
		grp = mnl_attr_nest_start(nlh, 1);
		mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 5);
		mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "other");
		mnl_attr_nest_end(nlh, grp);
		grp = mnl_attr_nest_start(nlh, 2);
		mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, EVENTS_GROUP);
		mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "events");
		mnl_attr_nest_end(nlh, grp);
		mnl_attr_nest_end(nlh, groups);
	}
	msg_end(b, nlh);
	ack(b, req, 0, NULL, true);
}

ssize_t __wrap_mnl_socket_sendto(const struct mnl_socket *nl,
				 const void *req, size_t len)
{
	const struct nlmsghdr *nlh = req;

	(void)nl;
	assert_true(len == nlh->nlmsg_len);
	assert_true(nlh->nlmsg_flags & NLM_F_REQUEST);
	if (nlh->nlmsg_type == GENL_ID_CTRL) {
		resolve(nlh);
		return (ssize_t)len;
	}
	assert_int_equal(nlh->nlmsg_type, FAMILY_ID);
	free(K.req);
	K.req = malloc(len);
	assert_non_null(K.req);
	memcpy(K.req, req, len);
	K.nreq++;
	assert_non_null(K.handler);
	K.handler(nlh);
	return (ssize_t)len;
}

ssize_t __wrap_mnl_socket_recvfrom(const struct mnl_socket *nl,
				   void *buf, size_t len)
{
	struct batch *b;

	(void)nl;
	if (K.head == K.tail)
		fail_msg("recv with no reply queued: it would block");
	b = &K.q[K.head++];
	if (b->error) {
		errno = b->error;
		return -1;
	}
	assert_true(b->len <= len);
	memcpy(buf, b->buf, b->len);
	return (ssize_t)b->len;
}

/* ---- helpers ---- */

static const struct genlmsghdr *req_genl(void)
{
	return mnl_nlmsg_get_payload(K.req);
}

static int setup(void **state)
{
	(void)state;
	memset(&K, 0, sizeof(K));
	K.loaded = true;
	assert_int_equal(pipe(K.fd), 0);
	assert_int_equal(write(K.fd[1], "", 1), 1);	/* readable */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(K.req);
	close(K.fd[0]);
	close(K.fd[1]);
	return 0;
}

static void open_ok(struct backend *b)
{
	memset(b, 0, sizeof(*b));
	b->ops = &backend_kmod;
	assert_int_equal(b->ops->open(b), 0);
}

static void put_totals(struct nlmsghdr *nlh)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, OP25B_A_TOTALS);

	/* as nla_put_u64_64bit on x86_64: 8-byte payloads, pads alongside */
	mnl_attr_put(nlh, OP25B_TOTALS_A_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, OP25B_TOTALS_A_INSPECTED, 12);
	mnl_attr_put_u64(nlh, OP25B_TOTALS_A_ALLOWED, 4);
	mnl_attr_put_u64(nlh, OP25B_TOTALS_A_DENIED, 8);
	mnl_attr_put_u64(nlh, OP25B_TOTALS_A_UNTRACKED, 1ull << 40);
	mnl_attr_put_u64(nlh, OP25B_TOTALS_A_AUDITED, 9);
	mnl_attr_put_u64(nlh, OP25B_TOTALS_A_EXEMPT, 10);
	mnl_attr_nest_end(nlh, nest);
}

static int status_without;	/* an attribute the status leaves out */

static void status_handler(const struct nlmsghdr *req)
{
	struct batch *b = batch();
	struct nlmsghdr *nlh = msg(b, req, FAMILY_ID, 0);

	if (status_without != OP25B_A_VERSION)
		mnl_attr_put_strz(nlh, OP25B_A_VERSION, "0.1.0");
	mnl_attr_put_u8(nlh, OP25B_A_ENABLED, 1);
	if (status_without != OP25B_A_MODE)
		mnl_attr_put_u8(nlh, OP25B_A_MODE, OP25B_MODE_AUDIT);
	mnl_attr_put_u8(nlh, OP25B_A_ACTION, OP25B_ACTION_DROP);
	mnl_attr_put_u16(nlh, OP25B_A_PORT, 25);
	mnl_attr_put_u16(nlh, OP25B_A_PORT, 587);
	mnl_attr_put_u32(nlh, OP25B_A_ALLOW_ENTRIES, 3);
	mnl_attr_put_u32(nlh, OP25B_A_SCOPE_ENTRIES, 4);
	if (status_without != OP25B_A_EXEMPT_ENTRIES)
		mnl_attr_put_u32(nlh, OP25B_A_EXEMPT_ENTRIES, 5);
	mnl_attr_put_u32(nlh, OP25B_A_ALLOW_MAX, 1024);
	mnl_attr_put_u32(nlh, OP25B_A_SOURCES, 2);
	mnl_attr_put_u32(nlh, OP25B_A_SOURCES_MAX, 4096);
	mnl_attr_put_u32(nlh, 200, 7);		/* from a newer module */
	put_totals(nlh);
	msg_end(b, nlh);
	ack(b, req, 0, NULL, true);
}

/* ---- tests ---- */

static void test_not_loaded(void **state)
{
	struct backend b = { .ops = &backend_kmod };

	(void)state;
	K.loaded = false;
	assert_int_equal(b.ops->open(&b), -ENOENT);
	assert_true(b.err.unavailable);
	assert_string_equal(b.err.msg, "the op25b kernel module is not loaded "
			    "(load it with 'insmod op25b.ko' or 'modprobe op25b'; "
			    "where it cannot be loaded, 'op25bctl --backend nft' "
			    "programs the same policy through nftables)");
	assert_null(b.priv);
}

static void test_status(void **state)
{
	struct op25b_status st;
	struct backend b;

	(void)state;
	K.handler = status_handler;
	open_ok(&b);
	assert_int_equal(b.ops->get_status(&b, &st), 0);
	b.ops->close(&b);

	assert_int_equal(K.req->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	assert_int_equal(req_genl()->cmd, OP25B_CMD_GET_STATUS);
	assert_int_equal(req_genl()->version, OP25B_GENL_VERSION);
	assert_int_equal(K.req->nlmsg_len, NLMSG_HDRLEN + GENL_HDRLEN);

	assert_string_equal(st.version, "0.1.0");
	assert_true(st.enabled);
	assert_int_equal(st.mode, OP25B_MODE_AUDIT);
	assert_int_equal(st.action, OP25B_ACTION_DROP);
	assert_int_equal(st.nports, 2);
	assert_int_equal(st.ports[0], 25);
	assert_int_equal(st.ports[1], 587);
	assert_int_equal(st.allow_entries, 3);
	assert_int_equal(st.scope_entries, 4);
	assert_int_equal(st.exempt_entries, 5);
	assert_int_equal(st.allow_max, 1024);
	assert_int_equal(st.sources, 2);
	assert_int_equal(st.sources_max, 4096);
	assert_int_equal(st.totals.inspected, 12);
	assert_int_equal(st.totals.allowed, 4);
	assert_int_equal(st.totals.denied, 8);
	assert_int_equal(st.totals.untracked, 1ull << 40);
	assert_int_equal(st.totals.audited, 9);
	assert_int_equal(st.totals.exempt, 10);
}

static void test_status_malformed(void **state)
{
	static const struct {
		int without;
		const char *msg;
	} cases[] = {
		{ OP25B_A_VERSION, "malformed reply from the kernel: "
		  "no attribute 2 in OP25B_CMD_GET_STATUS" },
		{ OP25B_A_MODE, "malformed reply from the kernel: "
		  "no attribute 14 in OP25B_CMD_GET_STATUS" },
		{ OP25B_A_EXEMPT_ENTRIES, "malformed reply from the kernel: "
		  "no attribute 16 in OP25B_CMD_GET_STATUS" },
	};
	struct op25b_status st;
	struct backend b;
	size_t i;

	(void)state;
	K.handler = status_handler;
	open_ok(&b);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		status_without = cases[i].without;
		assert_int_equal(b.ops->get_status(&b, &st), -EPROTO);
		assert_string_equal(b.err.msg, cases[i].msg);
	}
	b.ops->close(&b);
	status_without = 0;
}

static void ack_handler(const struct nlmsghdr *req)
{
	ack(batch(), req, 0, NULL, true);
}

/*
 * Check the nest a (OP25B_A_PREFIX) holds the entry e: its prefix, and
 * its list and comment when they are meant to be there.
 */
static void check_prefix_nest(const struct nlattr *a,
			      const struct op25b_entry *e, bool with_list,
			      bool with_comment)
{
	const struct nlattr *n;
	unsigned int seen = 0, want = 3;

	assert_int_equal(a->nla_type, NLA_F_NESTED | OP25B_A_PREFIX);
	mnl_attr_for_each_nested(n, a) {
		switch (mnl_attr_get_type(n)) {
		case OP25B_PREFIX_A_FAMILY:
			assert_int_equal(mnl_attr_get_payload_len(n), 2);
			assert_int_equal(mnl_attr_get_u16(n), e->prefix.family);
			break;
		case OP25B_PREFIX_A_ADDR:
			assert_int_equal(mnl_attr_get_payload_len(n),
					 family_addr_len(e->prefix.family));
			assert_memory_equal(mnl_attr_get_payload(n),
					    e->prefix.addr,
					    family_addr_len(e->prefix.family));
			break;
		case OP25B_PREFIX_A_PLEN:
			assert_int_equal(mnl_attr_get_payload_len(n), 1);
			assert_int_equal(mnl_attr_get_u8(n), e->prefix.plen);
			break;
		case OP25B_PREFIX_A_LIST:
			assert_true(with_list);
			assert_int_equal(mnl_attr_get_payload_len(n), 1);
			assert_int_equal(mnl_attr_get_u8(n), e->list);
			break;
		case OP25B_PREFIX_A_COMMENT:
			assert_true(with_comment && e->comment[0]);
			/* NUL-terminated, as NLA_NUL_STRING wants */
			assert_int_equal(mnl_attr_validate(n,
						MNL_TYPE_NUL_STRING), 0);
			assert_string_equal(mnl_attr_get_str(n), e->comment);
			break;
		default:
			fail_msg("attribute %u", mnl_attr_get_type(n));
		}
		seen++;
	}
	want += with_list;
	want += with_comment && e->comment[0];
	assert_int_equal(seen, want);
}

/* The request's attributes: OP25B_A_LIST, then one OP25B_A_PREFIX. */
static void check_prefix_request(uint8_t cmd, const struct op25b_entry *e,
				 bool with_comment)
{
	const struct nlattr *a;
	int n = 0;

	assert_int_equal(req_genl()->cmd, cmd);
	assert_int_equal(K.req->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	mnl_attr_for_each(a, K.req, GENL_HDRLEN) {
		if (n++ == 0) {
			assert_int_equal(mnl_attr_get_type(a), OP25B_A_LIST);
			assert_int_equal(mnl_attr_get_payload_len(a), 1);
			assert_int_equal(mnl_attr_get_u8(a), e->list);
		} else {
			check_prefix_nest(a, e, false, with_comment);
		}
	}
	assert_int_equal(n, 2);
}

static void test_prefix_requests(void **state)
{
	struct op25b_entry e = {
		.prefix = { .family = AF_INET6, .plen = 32,
			    .addr = { 0x20, 0x01, 0x0d, 0xb8 } },
		.list = OP25B_LIST_ALLOW,
	};
	const struct nlattr *a;
	struct backend b;

	(void)state;
	K.handler = ack_handler;
	open_ok(&b);
	assert_int_equal(b.ops->add_prefix(&b, &e), 0);
	check_prefix_request(OP25B_CMD_ADD_PREFIX, &e, true);

	e.list = OP25B_LIST_SCOPE;
	snprintf(e.comment, sizeof(e.comment), "pilot segment");
	assert_int_equal(b.ops->add_prefix(&b, &e), 0);
	check_prefix_request(OP25B_CMD_ADD_PREFIX, &e, true);

	/* del: the prefix alone, no comment */
	e.list = OP25B_LIST_EXEMPT;
	e.prefix = (struct op25b_prefix){ .family = AF_INET, .plen = 8,
					  .addr = { 10 } };
	assert_int_equal(b.ops->del_prefix(&b, &e), 0);
	check_prefix_request(OP25B_CMD_DEL_PREFIX, &e, false);

	assert_int_equal(b.ops->flush_prefixes(&b, OP25B_LIST_SCOPE), 0);
	assert_int_equal(req_genl()->cmd, OP25B_CMD_FLUSH_PREFIXES);
	a = mnl_nlmsg_get_payload_offset(K.req, GENL_HDRLEN);
	assert_int_equal(mnl_attr_get_type(a), OP25B_A_LIST);
	assert_int_equal(mnl_attr_get_u8(a), OP25B_LIST_SCOPE);
	assert_int_equal(K.req->nlmsg_len,
			 NLMSG_HDRLEN + GENL_HDRLEN + MNL_ATTR_HDRLEN + 4);
	b.ops->close(&b);
}

static void enoent_handler(const struct nlmsghdr *req)
{
	ack(batch(), req, -ENOENT, "prefix not in list", false);
}

static void test_del_prefix_absent(void **state)
{
	struct op25b_entry e = {
		.prefix = { .family = AF_INET, .plen = 32,
			    .addr = { 10, 0, 0, 9 } },
	};
	struct backend b;

	(void)state;
	K.handler = enoent_handler;
	open_ok(&b);
	assert_int_equal(b.ops->del_prefix(&b, &e), -ENOENT);
	assert_int_equal(b.err.code, ENOENT);
	assert_false(b.err.unavailable);
	assert_string_equal(b.err.msg, "prefix not in list");
	assert_int_equal(req_genl()->cmd, OP25B_CMD_DEL_PREFIX);
	b.ops->close(&b);
}

/* The attribute types of the latest request, and their u8/u16 values. */
static void check_config(const uint16_t *types, const uint16_t *values,
			 int n)
{
	const struct nlattr *a;
	int i = 0;

	assert_int_equal(req_genl()->cmd, OP25B_CMD_SET_CONFIG);
	mnl_attr_for_each(a, K.req, GENL_HDRLEN) {
		assert_true(i < n);
		assert_int_equal(mnl_attr_get_type(a), types[i]);
		if (types[i] == OP25B_A_PORT) {
			assert_int_equal(mnl_attr_get_payload_len(a), 2);
			assert_int_equal(mnl_attr_get_u16(a), values[i]);
		} else {
			assert_int_equal(mnl_attr_get_payload_len(a), 1);
			assert_int_equal(mnl_attr_get_u8(a), values[i]);
		}
		i++;
	}
	assert_int_equal(i, n);
}

static void test_set_config(void **state)
{
	struct op25b_config cfg = { .set_enabled = true, .enabled = false };
	struct backend b;

	(void)state;
	K.handler = ack_handler;
	open_ok(&b);
	assert_int_equal(b.ops->set_config(&b, &cfg), 0);
	check_config((uint16_t[]){ OP25B_A_ENABLED }, (uint16_t[]){ 0 }, 1);

	cfg = (struct op25b_config){ .set_action = true,
				     .action = OP25B_ACTION_DROP };
	assert_int_equal(b.ops->set_config(&b, &cfg), 0);
	check_config((uint16_t[]){ OP25B_A_ACTION },
		     (uint16_t[]){ OP25B_ACTION_DROP }, 1);

	cfg = (struct op25b_config){ .set_mode = true,
				     .mode = OP25B_MODE_AUDIT };
	assert_int_equal(b.ops->set_config(&b, &cfg), 0);
	check_config((uint16_t[]){ OP25B_A_MODE },
		     (uint16_t[]){ OP25B_MODE_AUDIT }, 1);

	/* ports: one attribute each, in the order given */
	cfg = (struct op25b_config){ .ports = { 587, 25, 2525 }, .nports = 3 };
	assert_int_equal(b.ops->set_config(&b, &cfg), 0);
	check_config((uint16_t[]){ OP25B_A_PORT, OP25B_A_PORT, OP25B_A_PORT },
		     (uint16_t[]){ 587, 25, 2525 }, 3);
	b.ops->close(&b);
}

static void put_prefix_msg(struct batch *b, const struct nlmsghdr *req,
			   uint8_t last, uint16_t flags)
{
	struct nlmsghdr *nlh = msg(b, req, FAMILY_ID, NLM_F_MULTI | flags);
	struct nlattr *nest = mnl_attr_nest_start(nlh, OP25B_A_PREFIX);
	uint8_t addr[4] = { 10, 0, K.attempt, last };

	mnl_attr_put_u16(nlh, OP25B_PREFIX_A_FAMILY, AF_INET);
	mnl_attr_put(nlh, OP25B_PREFIX_A_ADDR, 4, addr);
	mnl_attr_put_u8(nlh, OP25B_PREFIX_A_PLEN, 32);
	if (last == 2)
		mnl_attr_put_strz(nlh, OP25B_PREFIX_A_COMMENT, "main MTA");
	mnl_attr_nest_end(nlh, nest);
	msg_end(b, nlh);
}

/* Five prefixes over three recv()s. Attempts listed in intr_on are
 * flagged NLM_F_DUMP_INTR on their third message. */
static unsigned int intr_attempts;

static void prefixes_handler(const struct nlmsghdr *req)
{
	struct batch *b = NULL;
	uint8_t i;

	assert_true(req->nlmsg_flags & NLM_F_DUMP);
	K.attempt++;
	for (i = 1; i <= 5; i++) {
		if (i % 2)
			b = batch();
		put_prefix_msg(b, req, i, i == 3 && K.attempt <= intr_attempts ?
			       NLM_F_DUMP_INTR : 0);
	}
	done(b, req, 0, NULL, 0);
}

static void check_prefixes(const struct vec *v, uint8_t attempt, uint8_t list)
{
	const struct op25b_entry *e = v->items;
	size_t i;

	assert_int_equal(v->n, 5);
	for (i = 0; i < 5; i++) {
		uint8_t want[4] = { 10, 0, attempt, (uint8_t)(i + 1) };

		assert_int_equal(e[i].list, list);
		assert_int_equal(e[i].prefix.family, AF_INET);
		assert_int_equal(e[i].prefix.plen, 32);
		assert_memory_equal(e[i].prefix.addr, want, 4);
		assert_string_equal(e[i].comment, i == 1 ? "main MTA" : "");
	}
}

static void test_list_multipart(void **state)
{
	struct vec v = VEC_INIT(struct op25b_entry);
	const struct nlattr *a;
	struct backend b;

	(void)state;
	K.handler = prefixes_handler;
	open_ok(&b);
	assert_int_equal(b.ops->list_prefixes(&b, OP25B_LIST_EXEMPT, &v), 0);
	assert_int_equal(req_genl()->cmd, OP25B_CMD_GET_PREFIXES);
	a = mnl_nlmsg_get_payload_offset(K.req, GENL_HDRLEN);
	assert_int_equal(mnl_attr_get_type(a), OP25B_A_LIST);
	assert_int_equal(mnl_attr_get_u8(a), OP25B_LIST_EXEMPT);
	assert_int_equal(K.nreq, 1);
	check_prefixes(&v, 1, OP25B_LIST_EXEMPT);
	vec_free(&v);
	b.ops->close(&b);
}

static void test_dump_intr_retried(void **state)
{
	struct vec v = VEC_INIT(struct op25b_entry);
	struct backend b;

	(void)state;
	K.handler = prefixes_handler;
	intr_attempts = 2;
	open_ok(&b);
	assert_int_equal(b.ops->list_prefixes(&b, OP25B_LIST_ALLOW, &v), 0);
	assert_int_equal(K.nreq, 3);
	check_prefixes(&v, 3, OP25B_LIST_ALLOW);  /* nothing of the others */
	assert_int_equal(K.head, K.tail);	/* every reply read */
	vec_free(&v);
	b.ops->close(&b);
	intr_attempts = 0;
}

static void test_dump_intr_gives_up(void **state)
{
	struct vec v = VEC_INIT(struct op25b_entry);
	struct backend b;

	(void)state;
	K.handler = prefixes_handler;
	intr_attempts = 100;
	open_ok(&b);
	assert_int_equal(b.ops->list_prefixes(&b, OP25B_LIST_ALLOW, &v),
			 -EAGAIN);
	assert_int_equal(v.n, 0);
	assert_true(K.nreq > 1 && K.nreq < 10);
	vec_free(&v);
	b.ops->close(&b);
	intr_attempts = 0;
}

static bool bad_dst;

static void sources_handler(const struct nlmsghdr *req)
{
	struct batch *b = batch();
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint8_t src[16] = { 0xfd, [15] = 7 }, dst[16] = { 0x20, 0x01, [15] = 0x25 };

	/* a stale message of an earlier request is skipped */
	nlh = msg(b, req, FAMILY_ID, NLM_F_MULTI);
	nlh->nlmsg_seq--;
	msg_end(b, nlh);

	nlh = msg(b, req, FAMILY_ID, NLM_F_MULTI);
	nest = mnl_attr_nest_start(nlh, OP25B_A_SOURCE);
	mnl_attr_put_u16(nlh, OP25B_SOURCE_A_FAMILY, AF_INET6);
	mnl_attr_put(nlh, OP25B_SOURCE_A_ADDR, 16, src);
	mnl_attr_put(nlh, OP25B_SOURCE_A_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, OP25B_SOURCE_A_DENIED, 3);
	mnl_attr_put_u64(nlh, OP25B_SOURCE_A_AUDITED, 11);
	mnl_attr_put_u64(nlh, OP25B_SOURCE_A_FIRST_SEEN, 1796406440123456789ull);
	mnl_attr_put_u64(nlh, OP25B_SOURCE_A_LAST_SEEN, 1796406601000000000ull);
	mnl_attr_put(nlh, OP25B_SOURCE_A_LAST_DST, bad_dst ? 4 : 16, dst);
	mnl_attr_put_u16(nlh, OP25B_SOURCE_A_LAST_PORT, 587);
	mnl_attr_nest_end(nlh, nest);
	msg_end(b, nlh);
	done(b, req, 0, NULL, 0);
}

static void test_sources(void **state)
{
	struct vec v = VEC_INIT(struct op25b_source);
	const struct op25b_source *s;
	struct backend b;

	(void)state;
	K.handler = sources_handler;
	open_ok(&b);
	assert_int_equal(b.ops->dump_sources(&b, &v), 0);
	assert_int_equal(req_genl()->cmd, OP25B_CMD_GET_SOURCES);
	assert_int_equal(K.req->nlmsg_len, NLMSG_HDRLEN + GENL_HDRLEN);
	assert_int_equal(v.n, 1);
	s = v.items;
	assert_int_equal(s->family, AF_INET6);
	assert_int_equal(s->addr[0], 0xfd);
	assert_int_equal(s->addr[15], 7);
	assert_int_equal(s->denied, 3);
	assert_int_equal(s->audited, 11);
	assert_int_equal(s->first_seen, 1796406440123456789ull);
	assert_int_equal(s->last_seen, 1796406601000000000ull);
	assert_int_equal(s->last_dst[15], 0x25);
	assert_int_equal(s->last_port, 587);

	v.n = 0;
	bad_dst = true;
	assert_int_equal(b.ops->dump_sources(&b, &v), -EPROTO);
	assert_string_equal(b.err.msg, "malformed reply from the kernel: "
			    "bad address in OP25B_A_SOURCE");
	assert_int_equal(K.head, K.tail);	/* read to the end anyway */
	bad_dst = false;
	vec_free(&v);
	b.ops->close(&b);
}

static void dump_error_handler(const struct nlmsghdr *req)
{
	done(batch(), req, -EPERM, "needs CAP_NET_ADMIN", 0);
}

static void test_dump_error(void **state)
{
	struct vec v = VEC_INIT(struct op25b_source);
	struct backend b;

	(void)state;
	K.handler = dump_error_handler;
	open_ok(&b);
	assert_int_equal(b.ops->dump_sources(&b, &v), -EPERM);
	assert_int_equal(b.err.code, EPERM);
	assert_string_equal(b.err.msg, "needs CAP_NET_ADMIN");
	vec_free(&v);
	b.ops->close(&b);
}

/* ---- load ---- */

static struct op25b_entry *add(struct op25b_policy *p, uint8_t list,
			       uint16_t family, const char *addr,
			       uint8_t plen, const char *comment)
{
	struct op25b_entry *e = vec_push(&p->entries);

	assert_non_null(e);
	e->list = list;
	e->prefix.family = family;
	e->prefix.plen = plen;
	assert_int_equal(inet_pton(family, addr, e->prefix.addr), 1);
	snprintf(e->comment, sizeof(e->comment), "%s", comment);
	return e;
}

/* The latest request is a LOAD of p: every attribute, in order. */
static void check_load(const struct op25b_policy *p)
{
	const struct op25b_entry *e = p->entries.items;
	const struct nlattr *a;
	size_t i = 0, ports = 0, entries = 0;

	assert_int_equal(req_genl()->cmd, OP25B_CMD_LOAD);
	assert_int_equal(K.req->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	mnl_attr_for_each(a, K.req, GENL_HDRLEN) {
		uint16_t type = mnl_attr_get_type(a);

		switch (i++) {
		case 0:
			assert_int_equal(type, OP25B_A_MODE);
			assert_int_equal(mnl_attr_get_payload_len(a), 1);
			assert_int_equal(mnl_attr_get_u8(a), p->mode);
			continue;
		case 1:
			assert_int_equal(type, OP25B_A_ACTION);
			assert_int_equal(mnl_attr_get_payload_len(a), 1);
			assert_int_equal(mnl_attr_get_u8(a), p->action);
			continue;
		}
		if (ports < p->nports) {
			assert_int_equal(type, OP25B_A_PORT);
			assert_int_equal(mnl_attr_get_payload_len(a), 2);
			assert_int_equal(mnl_attr_get_u16(a), p->ports[ports]);
			ports++;
			continue;
		}
		assert_true(entries < p->entries.n);
		check_prefix_nest(a, &e[entries++], true, true);
	}
	assert_int_equal(ports, p->nports);
	assert_int_equal(entries, p->entries.n);
}

static void test_load(void **state)
{
	struct op25b_policy p;
	struct backend b;

	(void)state;
	policy_init(&p);
	p.mode = OP25B_MODE_AUDIT;
	p.action = OP25B_ACTION_DROP;
	p.ports[1] = 587;
	p.nports = 2;
	add(&p, OP25B_LIST_ALLOW, AF_INET, "10.0.0.5", 32, "main MTA");
	add(&p, OP25B_LIST_ALLOW, AF_INET6, "2001:db8:1::25", 128, "");
	add(&p, OP25B_LIST_SCOPE, AF_INET, "10.1.0.0", 16, "");
	add(&p, OP25B_LIST_EXEMPT, AF_INET6, "fd00::", 8, "relays");
	K.handler = ack_handler;
	open_ok(&b);
	assert_int_equal(b.ops->load(&b, &p), 0);
	check_load(&p);
	/* the send buffer holds the message */
	assert_true(K.sndbufforce >= (int)K.req->nlmsg_len);
	assert_int_equal(K.sndbuf, 0);

	/* SO_SNDBUFFORCE refused: SO_SNDBUF, which may still do */
	K.sndbufforce = 0;
	K.sndbufforce_errno = EPERM;
	assert_int_equal(b.ops->load(&b, &p), 0);
	assert_true(K.sndbuf >= (int)K.req->nlmsg_len);
	assert_int_equal(K.sndbufforce, 0);

	/* no entries at all: a valid policy */
	policy_free(&p);
	policy_init(&p);
	assert_int_equal(b.ops->load(&b, &p), 0);
	check_load(&p);
	b.ops->close(&b);
}

static void load_refused_handler(const struct nlmsghdr *req)
{
	ack(batch(), req, -ENOSPC, "list is full (module parameter max_allow)",
	    true);
}

static void test_load_refused(void **state)
{
	struct op25b_policy p;
	struct backend b;

	(void)state;
	policy_init(&p);
	K.handler = load_refused_handler;
	open_ok(&b);
	assert_int_equal(b.ops->load(&b, &p), -ENOSPC);
	assert_string_equal(b.err.msg, "list is full (module parameter "
			    "max_allow)");
	b.ops->close(&b);
}

/* 100,000 entries: one message of several MB, every entry in it. */
static void test_load_large(void **state)
{
	const size_t n = 100000;
	struct op25b_policy p;
	struct backend b;
	size_t i;

	(void)state;
	policy_init(&p);
	for (i = 0; i < n; i++) {
		struct op25b_entry *e = vec_push(&p.entries);

		assert_non_null(e);
		e->list = i % 3 ? OP25B_LIST_ALLOW : OP25B_LIST_EXEMPT;
		e->prefix.family = i % 2 ? AF_INET : AF_INET6;
		e->prefix.plen = i % 2 ? 32 : 128;
		e->prefix.addr[0] = 10;
		e->prefix.addr[1] = (uint8_t)(i >> 16);
		e->prefix.addr[2] = (uint8_t)(i >> 8);
		e->prefix.addr[3] = (uint8_t)i;
		if (i % 7 == 0)
			snprintf(e->comment, sizeof(e->comment), "mta %zu", i);
	}
	K.handler = ack_handler;
	open_ok(&b);
	assert_int_equal(b.ops->load(&b, &p), 0);
	assert_true(K.req->nlmsg_len > 4000000);
	assert_true(K.sndbufforce >= (int)K.req->nlmsg_len);
	check_load(&p);
	b.ops->close(&b);
	policy_free(&p);
}

/* ---- events ---- */

static void test_subscribe(void **state)
{
	struct backend b;

	(void)state;
	open_ok(&b);
	assert_int_equal(b.ops->subscribe(&b), 0);
	assert_int_equal(K.group, EVENTS_GROUP);	/* not "other" */
	/* overruns reported to the module; room for a second of events */
	assert_int_equal(K.broadcast_error, 1);
	assert_true(K.rcvbufforce >= 1 << 20);
	b.ops->close(&b);

	K.no_groups = true;
	K.group = 0;
	open_ok(&b);
	assert_int_equal(b.ops->subscribe(&b), -EPROTONOSUPPORT);
	assert_string_equal(b.err.msg, "the op25b module has no \"events\" "
			    "multicast group");
	assert_int_equal(K.group, 0);
	b.ops->close(&b);
}

/* An event as the module multicasts it (seq 0, portid 0). */
static void put_event(struct batch *b, uint8_t last, uint64_t suppressed,
		      bool with_outdev)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(b->buf + b->len);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	uint8_t saddr[4] = { 10, 1, 0, last }, daddr[4] = { 203, 0, 113, 25 };
	struct nlattr *nest;

	nlh->nlmsg_type = FAMILY_ID;
	g->cmd = OP25B_CMD_EVENT;
	g->version = OP25B_GENL_VERSION;
	nest = mnl_attr_nest_start(nlh, OP25B_A_EVENT);
	mnl_attr_put(nlh, OP25B_EVENT_A_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, OP25B_EVENT_A_TIME, 1796407200123456789ull);
	mnl_attr_put_u8(nlh, OP25B_EVENT_A_VERDICT, OP25B_VERDICT_AUDITED);
	mnl_attr_put_u16(nlh, OP25B_EVENT_A_FAMILY, AF_INET);
	mnl_attr_put(nlh, OP25B_EVENT_A_SADDR, 4, saddr);
	mnl_attr_put(nlh, OP25B_EVENT_A_DADDR, 4, daddr);
	mnl_attr_put_u16(nlh, OP25B_EVENT_A_SPORT, 51234);
	mnl_attr_put_u16(nlh, OP25B_EVENT_A_DPORT, 25);
	mnl_attr_put_u8(nlh, OP25B_EVENT_A_HOOK, 2);
	if (with_outdev)
		mnl_attr_put_strz(nlh, OP25B_EVENT_A_OUTDEV, "eth1");
	mnl_attr_nest_end(nlh, nest);
	if (suppressed) {
		mnl_attr_put(nlh, OP25B_A_PAD, 0, NULL);
		mnl_attr_put_u64(nlh, OP25B_A_EVENTS_SUPPRESSED, suppressed);
	}
	msg_end(b, nlh);
}

/* A message of the family that is no event: skipped. */
static void put_other(struct batch *b)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(b->buf + b->len);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	nlh->nlmsg_type = FAMILY_ID;
	g->cmd = OP25B_CMD_GET_STATUS;
	mnl_attr_put_u8(nlh, OP25B_A_MODE, 0);
	msg_end(b, nlh);
}

static struct {
	struct op25b_event ev[4];
	unsigned int n;
} got;

static int got_event(const struct op25b_event *ev, void *arg)
{
	assert_ptr_equal(arg, &got);
	assert_true(got.n < 4);
	got.ev[got.n++] = *ev;
	return 0;
}

static void test_read_events(void **state)
{
	sigset_t mask;
	struct batch *q;
	struct backend b;

	(void)state;
	sigemptyset(&mask);
	memset(&got, 0, sizeof(got));
	open_ok(&b);
	assert_int_equal(b.ops->subscribe(&b), 0);

	/* two events in one recv, with something else between them */
	q = batch();
	put_event(q, 2, 0, true);
	put_other(q);
	put_event(q, 3, 42, false);
	assert_int_equal(b.ops->read_events(&b, &mask, got_event, &got), 0);
	assert_int_equal(got.n, 2);
	assert_int_equal(got.ev[0].time, 1796407200123456789ull);
	assert_int_equal(got.ev[0].verdict, OP25B_VERDICT_AUDITED);
	assert_int_equal(got.ev[0].family, AF_INET);
	assert_memory_equal(got.ev[0].saddr, "\x0a\x01\x00\x02", 4);
	assert_memory_equal(got.ev[0].daddr, "\xcb\x00\x71\x19", 4);
	assert_int_equal(got.ev[0].sport, 51234);
	assert_int_equal(got.ev[0].dport, 25);
	assert_int_equal(got.ev[0].hook, 2);
	assert_string_equal(got.ev[0].outdev, "eth1");
	assert_int_equal(got.ev[0].suppressed, 0);
	assert_int_equal(got.ev[1].saddr[3], 3);
	assert_string_equal(got.ev[1].outdev, "");
	assert_int_equal(got.ev[1].suppressed, 42);

	/* the socket overran: told, and reading may go on */
	batch()->error = ENOBUFS;
	assert_int_equal(b.ops->read_events(&b, &mask, got_event, &got),
			 -ENOBUFS);
	assert_string_equal(b.err.msg, "events were lost: the socket's "
			    "receive buffer overflowed");
	put_event(batch(), 4, 0, true);
	assert_int_equal(b.ops->read_events(&b, &mask, got_event, &got), 0);
	assert_int_equal(got.n, 3);
	assert_int_equal(got.ev[2].saddr[3], 4);
	b.ops->close(&b);
}

static int stop_event(const struct op25b_event *ev, void *arg)
{
	(void)ev;
	++*(int *)arg;
	return -EPIPE;
}

/* A callback's nonzero return stops the reading, and is returned. */
static void test_read_events_stop_and_malformed(void **state)
{
	struct nlmsghdr *nlh;
	struct batch *q;
	struct backend b;
	sigset_t mask;
	int calls = 0;

	(void)state;
	sigemptyset(&mask);
	open_ok(&b);
	q = batch();
	put_event(q, 2, 0, true);
	put_event(q, 3, 0, true);
	assert_int_equal(b.ops->read_events(&b, &mask, stop_event, &calls),
			 -EPIPE);
	assert_int_equal(calls, 1);

	/* an event without its source address */
	q = batch();
	nlh = mnl_nlmsg_put_header(q->buf);
	nlh->nlmsg_type = FAMILY_ID;
	((struct genlmsghdr *)mnl_nlmsg_put_extra_header(
		nlh, sizeof(struct genlmsghdr)))->cmd = OP25B_CMD_EVENT;
	mnl_attr_nest_end(nlh, mnl_attr_nest_start(nlh, OP25B_A_EVENT));
	msg_end(q, nlh);
	assert_int_equal(b.ops->read_events(&b, &mask, stop_event, &calls),
			 -EPROTO);
	assert_string_equal(b.err.msg, "malformed reply from the kernel: "
			    "no attribute 2 in OP25B_A_EVENT");
	assert_int_equal(calls, 1);
	b.ops->close(&b);
}

static void on_usr1(int sig)
{
	(void)sig;
}

/* A signal while waiting: -EINTR, nothing read; blocked, it waits. */
static void test_read_events_signal(void **state)
{
	struct sigaction sa = { .sa_handler = on_usr1 }, old;
	sigset_t block, saved, wait_mask;
	struct backend b;
	char byte;

	(void)state;
	assert_int_equal(read(K.fd[0], &byte, 1), 1);	/* nothing to read */
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &saved);
	sigaction(SIGUSR1, &sa, &old);
	wait_mask = saved;
	sigdelset(&wait_mask, SIGUSR1);
	open_ok(&b);
	raise(SIGUSR1);			/* pending: comes in the wait */
	assert_int_equal(b.ops->read_events(&b, &wait_mask, got_event, &got),
			 -EINTR);
	assert_int_equal(K.head, K.tail);
	b.ops->close(&b);
	sigaction(SIGUSR1, &old, NULL);
	sigprocmask(SIG_SETMASK, &saved, NULL);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_not_loaded),
		T(test_status),
		T(test_status_malformed),
		T(test_prefix_requests),
		T(test_del_prefix_absent),
		T(test_set_config),
		T(test_list_multipart),
		T(test_dump_intr_retried),
		T(test_dump_intr_gives_up),
		T(test_sources),
		T(test_dump_error),
		T(test_load),
		T(test_load_refused),
		T(test_load_large),
		T(test_subscribe),
		T(test_read_events),
		T(test_read_events_stop_and_malformed),
		T(test_read_events_signal),
	};
#undef T

	return cmocka_run_group_tests_name("backend_kmod", tests, NULL, NULL);
}
