// SPDX-License-Identifier: GPL-2.0
/* The kmod backend's events: the op25b family's "events" multicast group. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "kmod.h"

/* Room for a whole second of the module's event budget (1000). */
#define EVENTS_RCVBUF	(4 << 20)

int kmod_subscribe(struct backend *b)
{
	struct kmod *k = kmod(b);
	unsigned int group = k->events_group;
	int fd = mnl_socket_get_fd(k->nl), size = EVENTS_RCVBUF, on = 1;

	if (!group)
		return backend_fail(b, EPROTONOSUPPORT, "the op25b module has no "
				    "\"" OP25B_MCGRP_EVENTS "\" multicast group");
	/*
	 * An overrun must be reported to the module, which then counts the
	 * event as suppressed, instead of vanishing silently.
	 */
	if (mnl_socket_setsockopt(k->nl, NETLINK_BROADCAST_ERROR, &on,
				  sizeof(on)) < 0)
		return backend_fail(b, errno, "setting NETLINK_BROADCAST_ERROR");
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (mnl_socket_setsockopt(k->nl, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0)
		return backend_fail(b, errno, "joining the \"" OP25B_MCGRP_EVENTS
				    "\" multicast group");
	return 0;
}

static int parse_event(struct backend *b, const struct nlmsghdr *nlh,
		       struct op25b_event *ev)
{
	static const struct attr_policy msg_policy[OP25B_A_MAX + 1] = {
		[OP25B_A_EVENT] = { MNL_TYPE_NESTED, true },
		[OP25B_A_EVENTS_SUPPRESSED] = { MNL_TYPE_U64, false },
	};
	static const struct attr_policy policy[OP25B_EVENT_A_MAX + 1] = {
		[OP25B_EVENT_A_TIME] = { MNL_TYPE_U64, true },
		[OP25B_EVENT_A_VERDICT] = { MNL_TYPE_U8, true },
		[OP25B_EVENT_A_FAMILY] = { MNL_TYPE_U16, true },
		[OP25B_EVENT_A_SADDR] = { MNL_TYPE_BINARY, true },
		[OP25B_EVENT_A_DADDR] = { MNL_TYPE_BINARY, true },
		[OP25B_EVENT_A_SPORT] = { MNL_TYPE_U16, true },
		[OP25B_EVENT_A_DPORT] = { MNL_TYPE_U16, true },
		[OP25B_EVENT_A_HOOK] = { MNL_TYPE_U8, true },
		[OP25B_EVENT_A_OUTDEV] = { MNL_TYPE_NUL_STRING, false },
	};
	const struct nlattr *msg[TB_SIZE], *tb[TB_SIZE];
	uint16_t dfamily;
	int ret;

	memset(ev, 0, sizeof(*ev));
	ret = kmod_parse_attrs(b, nlh, NULL, "OP25B_CMD_EVENT", msg_policy,
			       OP25B_A_MAX, msg);
	if (ret == 0)
		ret = kmod_parse_attrs(b, NULL, msg[OP25B_A_EVENT],
				       "OP25B_A_EVENT", policy,
				       OP25B_EVENT_A_MAX, tb);
	if (ret == 0)
		ret = kmod_get_addr(b, tb[OP25B_EVENT_A_FAMILY],
				    tb[OP25B_EVENT_A_SADDR], "OP25B_A_EVENT",
				    &ev->family, ev->saddr);
	if (ret == 0)
		ret = kmod_get_addr(b, tb[OP25B_EVENT_A_FAMILY],
				    tb[OP25B_EVENT_A_DADDR], "OP25B_A_EVENT",
				    &dfamily, ev->daddr);
	if (ret < 0)
		return ret;
	ev->time = mnl_attr_get_u64(tb[OP25B_EVENT_A_TIME]);
	ev->verdict = mnl_attr_get_u8(tb[OP25B_EVENT_A_VERDICT]);
	ev->sport = mnl_attr_get_u16(tb[OP25B_EVENT_A_SPORT]);
	ev->dport = mnl_attr_get_u16(tb[OP25B_EVENT_A_DPORT]);
	ev->hook = mnl_attr_get_u8(tb[OP25B_EVENT_A_HOOK]);
	if (tb[OP25B_EVENT_A_OUTDEV])
		snprintf(ev->outdev, sizeof(ev->outdev), "%s",
			 mnl_attr_get_str(tb[OP25B_EVENT_A_OUTDEV]));
	if (msg[OP25B_A_EVENTS_SUPPRESSED])
		ev->suppressed =
			mnl_attr_get_u64(msg[OP25B_A_EVENTS_SUPPRESSED]);
	return 0;
}

/* The events among the messages of one recv(). */
static int handle_events(struct backend *b, const void *buf, int len,
			 event_fn fn, void *arg)
{
	const struct nlmsghdr *nlh = buf;
	struct op25b_event ev;
	int ret;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

		if (nlh->nlmsg_type != kmod(b)->family ||
		    mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN ||
		    genl->cmd != OP25B_CMD_EVENT)
			continue;
		ret = parse_event(b, nlh, &ev);
		if (ret == 0)
			ret = fn(&ev, arg);
		if (ret)
			return ret;
	}
	return 0;
}

int kmod_read_events(struct backend *b, const sigset_t *sigmask,
		     event_fn fn, void *arg)
{
	struct kmod *k = kmod(b);
	struct pollfd pfd = {
		.fd = mnl_socket_get_fd(k->nl),
		.events = POLLIN,
	};
	ssize_t n;

	memset(&b->err, 0, sizeof(b->err));
	if (ppoll(&pfd, 1, NULL, sigmask) < 0) {
		if (errno == EINTR)
			return -EINTR;
		return backend_fail(b, errno, "waiting for events");
	}
	n = mnl_socket_recvfrom(k->nl, k->buf, sizeof(k->buf));
	if (n < 0 && errno == EINTR)
		return -EINTR;
	if (n < 0 && errno == ENOBUFS)
		return backend_fail(b, ENOBUFS, "events were lost: the socket's "
				    "receive buffer overflowed");
	if (n < 0)
		return backend_fail(b, errno, "receiving events");
	return handle_events(b, k->buf, (int)n, fn, arg);
}
