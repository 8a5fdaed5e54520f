/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink conversation of the kmod backend (kmod_nl.c), shared
 * by its files: backend_kmod.c (the commands) and kmod_events.c (the
 * events group). Not for the rest of op25bctl, which sees backend.h only.
 *
 * Every request asks for an ack (or is a dump, which ends in NLMSG_DONE),
 * so a reply is complete when the NLMSG_ERROR or NLMSG_DONE carrying its
 * sequence number arrives; the kernel's extended ack message, if any, ends
 * up in b->err.msg. A dump the kernel flags NLM_F_DUMP_INTR is read to its
 * end, thrown away and asked for again.
 */
#ifndef OP25BCTL_KMOD_H
#define OP25BCTL_KMOD_H

#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "backend.h"

/* libmnl's MNL_SOCKET_DUMP_SIZE, which 1.0.4 lacks: the largest skb the
 * kernel builds for a dump. */
#define RECV_SIZE	32768
/* Any request but OP25B_CMD_LOAD, which has a buffer of its own. */
#define REQ_SIZE	512

/* More than the largest attribute type of any set parsed here. */
#define TB_SIZE		32
_Static_assert(OP25B_A_MAX < TB_SIZE && OP25B_PREFIX_A_MAX < TB_SIZE &&
	       OP25B_SOURCE_A_MAX < TB_SIZE && OP25B_TOTALS_A_MAX < TB_SIZE &&
	       OP25B_EVENT_A_MAX < TB_SIZE && CTRL_ATTR_MAX < TB_SIZE &&
	       CTRL_ATTR_MCAST_GRP_MAX < TB_SIZE &&
	       NLMSGERR_ATTR_MAX < TB_SIZE, "TB_SIZE too small");

struct kmod {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	uint16_t family;		/* genetlink id of "op25b" */
	uint32_t events_group;		/* of OP25B_MCGRP_EVENTS, or 0 */
	alignas(struct nlmsghdr) char req[REQ_SIZE];
	alignas(struct nlmsghdr) char buf[RECV_SIZE];
};

static inline struct kmod *kmod(struct backend *b)
{
	return b->priv;
}


/* ---- attributes of replies ---- */

/* What a reply attribute must be; MNL_TYPE_UNSPEC: unknown, ignored. */
struct attr_policy {
	enum mnl_attr_data_type type;
	bool required;
};

/*
 * Check the attributes of a message (nest == NULL; they start after the
 * genetlink header) or of a nest against policy[0..max], into tb
 * (TB_SIZE). what names the set in errors.
 */
int kmod_parse_attrs(struct backend *b, const struct nlmsghdr *nlh,
		     const struct nlattr *nest, const char *what,
		     const struct attr_policy *policy, unsigned int max,
		     const struct nlattr **tb);

/*
 * A message that carries one nest of the given type (OP25B_A_PREFIX,
 * OP25B_A_SOURCE): check it is there and parse it against policy into tb.
 */
int kmod_parse_nest(struct backend *b, const struct nlmsghdr *nlh,
		    uint16_t type, const char *what,
		    const struct attr_policy *policy, unsigned int max,
		    const struct nlattr **tb);

/* An address of family (u16 attribute) from a binary attribute. */
int kmod_get_addr(struct backend *b, const struct nlattr *fattr,
		  const struct nlattr *aattr, const char *what,
		  uint16_t *family, uint8_t *addr);

/* ---- requests ---- */

/* One data message of a reply: 0, or -errno with b->err.msg set. */
typedef int (*parse_fn)(struct backend *b, const struct nlmsghdr *nlh,
			void *arg);

/* A new op25b request in buf (k->req, or a larger one of the caller's). */
struct nlmsghdr *kmod_request_in(struct backend *b, void *buf, uint8_t cmd,
				 uint16_t flags);

/* A new op25b request in k->req. */
struct nlmsghdr *kmod_request(struct backend *b, uint8_t cmd, uint16_t flags);

/* Send the request nlh (an op25b doit) and read its reply, data messages
 * to parse (or none expected when NULL): 0 or -errno. */
int kmod_doit(struct backend *b, const struct nlmsghdr *nlh, parse_fn parse,
	      void *arg);

/* A dump of cmd into out (request attributes: a list, unless list < 0). */
int kmod_dump(struct backend *b, uint8_t cmd, int list, parse_fn parse,
	      struct vec *out);

/* Append a copy of item to a dump's results. */
int kmod_push(struct backend *b, struct vec *out, const void *item);

/* ---- the socket ---- */

/* Open the socket and resolve the family and its events group. */
int kmod_open(struct backend *b);
void kmod_close(struct backend *b);

/* Events (kmod_events.c). */
int kmod_subscribe(struct backend *b);
int kmod_read_events(struct backend *b, const sigset_t *sigmask,
		     event_fn fn, void *arg);

#endif /* OP25BCTL_KMOD_H */
