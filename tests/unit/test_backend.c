// SPDX-License-Identifier: GPL-2.0
/*
 * backend_kmod.c against a fake kernel: the libmnl socket calls are
 * wrapped (-Wl,--wrap), requests are decoded here and replies are built
 * the way the kernel's generic netlink would build them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "backend.h"

#define FAMILY_ID	0x1c
#define PORTID		4242
#define NBATCH		16

struct batch {
	_Alignas(struct nlmsghdr) char buf[8192];
	size_t len;
};

/* The fake kernel. */
static struct {
	bool loaded;
	/* answers an op25b request by queueing batches */
	void (*handler)(const struct nlmsghdr *req);
	_Alignas(struct nlmsghdr) char req[512];	/* the latest request */
	unsigned int nreq;				/* op25b requests */
	unsigned int attempt;				/* of a dump */
	struct batch q[NBATCH];
	unsigned int head, tail;
} K;

/* ---- wrapped libmnl socket calls ---- */

struct mnl_socket *__wrap_mnl_socket_open(int bus);
int __wrap_mnl_socket_bind(struct mnl_socket *nl, unsigned int groups,
			   pid_t pid);
unsigned int __wrap_mnl_socket_get_portid(const struct mnl_socket *nl);
int __wrap_mnl_socket_setsockopt(const struct mnl_socket *nl, int type,
				 void *buf, socklen_t len);
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

int __wrap_mnl_socket_setsockopt(const struct mnl_socket *nl, int type,
				 void *buf, socklen_t len)
{
	(void)nl, (void)type, (void)buf, (void)len;
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
	msg_end(b, nlh);
	ack(b, req, 0, NULL, true);
}

ssize_t __wrap_mnl_socket_sendto(const struct mnl_socket *nl,
				 const void *req, size_t len)
{
	const struct nlmsghdr *nlh = req;

	(void)nl;
	assert_true(len == nlh->nlmsg_len && len <= sizeof(K.req));
	assert_true(nlh->nlmsg_flags & NLM_F_REQUEST);
	if (nlh->nlmsg_type == GENL_ID_CTRL) {
		resolve(nlh);
		return (ssize_t)len;
	}
	assert_int_equal(nlh->nlmsg_type, FAMILY_ID);
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
	assert_true(b->len <= len);
	memcpy(buf, b->buf, b->len);
	return (ssize_t)b->len;
}

/* ---- helpers ---- */

static const struct genlmsghdr *req_genl(void)
{
	return mnl_nlmsg_get_payload((const struct nlmsghdr *)K.req);
}

static int setup(void **state)
{
	(void)state;
	memset(&K, 0, sizeof(K));
	K.loaded = true;
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
	mnl_attr_nest_end(nlh, nest);
}

static bool status_without_version;

static void status_handler(const struct nlmsghdr *req)
{
	struct batch *b = batch();
	struct nlmsghdr *nlh = msg(b, req, FAMILY_ID, 0);

	if (!status_without_version)
		mnl_attr_put_strz(nlh, OP25B_A_VERSION, "0.1.0");
	mnl_attr_put_u8(nlh, OP25B_A_ENABLED, 1);
	mnl_attr_put_u8(nlh, OP25B_A_ACTION, OP25B_ACTION_DROP);
	mnl_attr_put_u16(nlh, OP25B_A_PORT, 25);
	mnl_attr_put_u16(nlh, OP25B_A_PORT, 587);
	mnl_attr_put_u32(nlh, OP25B_A_ALLOW_ENTRIES, 3);
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
			    "(load it with 'insmod op25b.ko' or 'modprobe op25b')");
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

	assert_int_equal(((struct nlmsghdr *)K.req)->nlmsg_flags,
			 NLM_F_REQUEST | NLM_F_ACK);
	assert_int_equal(req_genl()->cmd, OP25B_CMD_GET_STATUS);
	assert_int_equal(req_genl()->version, OP25B_GENL_VERSION);
	assert_int_equal(((struct nlmsghdr *)K.req)->nlmsg_len,
			 NLMSG_HDRLEN + GENL_HDRLEN);

	assert_string_equal(st.version, "0.1.0");
	assert_true(st.enabled);
	assert_int_equal(st.action, OP25B_ACTION_DROP);
	assert_int_equal(st.nports, 2);
	assert_int_equal(st.ports[0], 25);
	assert_int_equal(st.ports[1], 587);
	assert_int_equal(st.allow_entries, 3);
	assert_int_equal(st.allow_max, 1024);
	assert_int_equal(st.sources, 2);
	assert_int_equal(st.sources_max, 4096);
	assert_int_equal(st.totals.inspected, 12);
	assert_int_equal(st.totals.allowed, 4);
	assert_int_equal(st.totals.denied, 8);
	assert_int_equal(st.totals.untracked, 1ull << 40);
}

static void test_status_malformed(void **state)
{
	struct op25b_status st;
	struct backend b;

	(void)state;
	K.handler = status_handler;
	status_without_version = true;
	open_ok(&b);
	assert_int_equal(b.ops->get_status(&b, &st), -EPROTO);
	assert_string_equal(b.err.msg, "malformed reply from the kernel: "
			    "no attribute 2 in OP25B_CMD_GET_STATUS");
	b.ops->close(&b);
	status_without_version = false;
}

static void ack_handler(const struct nlmsghdr *req)
{
	ack(batch(), req, 0, NULL, true);
}

static void test_add_prefix_request(void **state)
{
	struct op25b_prefix p = { .family = AF_INET6, .plen = 32,
				  .addr = { 0x20, 0x01, 0x0d, 0xb8 } };
	const struct nlattr *a, *n;
	struct backend b;
	int seen = 0;

	(void)state;
	K.handler = ack_handler;
	open_ok(&b);
	assert_int_equal(b.ops->add_prefix(&b, &p), 0);
	b.ops->close(&b);

	assert_int_equal(req_genl()->cmd, OP25B_CMD_ADD_PREFIX);
	mnl_attr_for_each(a, (struct nlmsghdr *)K.req, GENL_HDRLEN) {
		assert_int_equal(a->nla_type, NLA_F_NESTED | OP25B_A_PREFIX);
		mnl_attr_for_each_nested(n, a) {
			switch (mnl_attr_get_type(n)) {
			case OP25B_PREFIX_A_FAMILY:
				assert_int_equal(mnl_attr_get_payload_len(n), 2);
				assert_int_equal(mnl_attr_get_u16(n), AF_INET6);
				break;
			case OP25B_PREFIX_A_ADDR:
				assert_int_equal(mnl_attr_get_payload_len(n), 16);
				assert_memory_equal(mnl_attr_get_payload(n),
						    p.addr, 16);
				break;
			case OP25B_PREFIX_A_PLEN:
				assert_int_equal(mnl_attr_get_payload_len(n), 1);
				assert_int_equal(mnl_attr_get_u8(n), 32);
				break;
			default:
				fail_msg("attribute %u", mnl_attr_get_type(n));
			}
			seen++;
		}
	}
	assert_int_equal(seen, 3);
}

static void enoent_handler(const struct nlmsghdr *req)
{
	ack(batch(), req, -ENOENT, "prefix not in list", false);
}

static void test_del_prefix_absent(void **state)
{
	struct op25b_prefix p = { .family = AF_INET, .plen = 32,
				  .addr = { 10, 0, 0, 9 } };
	struct backend b;

	(void)state;
	K.handler = enoent_handler;
	open_ok(&b);
	assert_int_equal(b.ops->del_prefix(&b, &p), -ENOENT);
	assert_int_equal(b.err.code, ENOENT);
	assert_false(b.err.unavailable);
	assert_string_equal(b.err.msg, "prefix not in list");
	assert_int_equal(req_genl()->cmd, OP25B_CMD_DEL_PREFIX);
	b.ops->close(&b);
}

static void test_set_config(void **state)
{
	struct op25b_config cfg = { .set_enabled = true, .enabled = false };
	const struct nlattr *a;
	struct backend b;
	int n = 0;

	(void)state;
	K.handler = ack_handler;
	open_ok(&b);
	assert_int_equal(b.ops->set_config(&b, &cfg), 0);
	assert_int_equal(req_genl()->cmd, OP25B_CMD_SET_CONFIG);
	mnl_attr_for_each(a, (struct nlmsghdr *)K.req, GENL_HDRLEN) {
		assert_int_equal(mnl_attr_get_type(a), OP25B_A_ENABLED);
		assert_int_equal(mnl_attr_get_u8(a), 0);
		n++;
	}
	assert_int_equal(n, 1);

	cfg = (struct op25b_config){ .set_action = true,
				     .action = OP25B_ACTION_DROP };
	assert_int_equal(b.ops->set_config(&b, &cfg), 0);
	n = 0;
	mnl_attr_for_each(a, (struct nlmsghdr *)K.req, GENL_HDRLEN) {
		assert_int_equal(mnl_attr_get_type(a), OP25B_A_ACTION);
		assert_int_equal(mnl_attr_get_u8(a), OP25B_ACTION_DROP);
		n++;
	}
	assert_int_equal(n, 1);
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

static void check_prefixes(const struct vec *v, uint8_t attempt)
{
	const struct op25b_prefix *p = v->items;
	size_t i;

	assert_int_equal(v->n, 5);
	for (i = 0; i < 5; i++) {
		uint8_t want[4] = { 10, 0, attempt, (uint8_t)(i + 1) };

		assert_int_equal(p[i].family, AF_INET);
		assert_int_equal(p[i].plen, 32);
		assert_memory_equal(p[i].addr, want, 4);
	}
}

static void test_list_multipart(void **state)
{
	struct vec v = VEC_INIT(struct op25b_prefix);
	struct backend b;

	(void)state;
	K.handler = prefixes_handler;
	open_ok(&b);
	assert_int_equal(b.ops->list_prefixes(&b, &v), 0);
	assert_int_equal(req_genl()->cmd, OP25B_CMD_GET_PREFIXES);
	assert_int_equal(K.nreq, 1);
	check_prefixes(&v, 1);
	vec_free(&v);
	b.ops->close(&b);
}

static void test_dump_intr_retried(void **state)
{
	struct vec v = VEC_INIT(struct op25b_prefix);
	struct backend b;

	(void)state;
	K.handler = prefixes_handler;
	intr_attempts = 2;
	open_ok(&b);
	assert_int_equal(b.ops->list_prefixes(&b, &v), 0);
	assert_int_equal(K.nreq, 3);
	check_prefixes(&v, 3);		/* nothing of the interrupted ones */
	assert_int_equal(K.head, K.tail);	/* every reply read */
	vec_free(&v);
	b.ops->close(&b);
	intr_attempts = 0;
}

static void test_dump_intr_gives_up(void **state)
{
	struct vec v = VEC_INIT(struct op25b_prefix);
	struct backend b;

	(void)state;
	K.handler = prefixes_handler;
	intr_attempts = 100;
	open_ok(&b);
	assert_int_equal(b.ops->list_prefixes(&b, &v), -EAGAIN);
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
	assert_int_equal(v.n, 1);
	s = v.items;
	assert_int_equal(s->family, AF_INET6);
	assert_int_equal(s->addr[0], 0xfd);
	assert_int_equal(s->addr[15], 7);
	assert_int_equal(s->denied, 3);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_not_loaded, setup),
		cmocka_unit_test_setup(test_status, setup),
		cmocka_unit_test_setup(test_status_malformed, setup),
		cmocka_unit_test_setup(test_add_prefix_request, setup),
		cmocka_unit_test_setup(test_del_prefix_absent, setup),
		cmocka_unit_test_setup(test_set_config, setup),
		cmocka_unit_test_setup(test_list_multipart, setup),
		cmocka_unit_test_setup(test_dump_intr_retried, setup),
		cmocka_unit_test_setup(test_dump_intr_gives_up, setup),
		cmocka_unit_test_setup(test_sources, setup),
		cmocka_unit_test_setup(test_dump_error, setup),
	};

	return cmocka_run_group_tests_name("backend_kmod", tests, NULL, NULL);
}
