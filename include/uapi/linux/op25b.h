/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * op25b: Outbound Port 25 Blocking for Linux gateways.
 *
 * Generic netlink ABI between the op25b kernel module and op25bctl.
 *
 * Family name: OP25B_GENL_NAME ("op25b"), version OP25B_GENL_VERSION.
 *
 * The family is network-namespace aware: every command acts on the netns of
 * the netlink socket it arrives on, and every netns has its own policy
 * (mode, action, ports, allowlist, scope, exemptions) and its own counters.
 *
 * op25b filters in the initial netns from the moment the module loads. In
 * any other netns (containers, test hosts) it filters only once enabled
 * there (OP25B_A_ENABLED), or in every netns, existing and new, when the
 * module is loaded with all_netns=1: a netns that never asked for it sees
 * no change, just as it starts with an empty nftables ruleset.
 *
 * Permissions: every command, including the ones that only read, requires
 * CAP_NET_ADMIN in the user namespace that owns the socket's netns
 * (GENL_UNS_ADMIN_PERM). Anything else gets -EPERM. Listening to the
 * events group needs the same.
 *
 * Validation is strict: unknown attributes, attributes of the wrong type or
 * length, and reserved header fields that are not zero are refused with
 * -EINVAL and an extended ack message. A command that fails changes
 * nothing.
 *
 * Policy
 * ------
 *
 * A TCP SYN (SYN set, ACK clear) to a blocked port (OP25B_A_PORT, 25 by
 * default) leaving through a non-loopback device is "inspected", then
 * judged in this order:
 *	1. destination in the exempt list (internal relays):  exempt, passes
 *	2. source in the allow list (the MTAs):                allowed, passes
 *	3. mode audit, or the scope list is not empty and the
 *	   source is outside it:                               audited, passes
 *	4. otherwise:                                          denied (action)
 * A denied or audited packet is counted against its source in a table
 * bounded by the module parameter max_sources; past it, it is counted in
 * "untracked" instead. So, at any quiet moment:
 *	inspected == exempt + allowed + audited + denied
 *	audited + denied == untracked + sum over sources of (audited + denied)
 *
 * Commands
 * --------
 *
 * OP25B_CMD_GET_STATUS (doit)
 *	Request: no attributes.
 *	Reply: OP25B_A_VERSION, OP25B_A_ENABLED, OP25B_A_MODE,
 *	OP25B_A_ACTION, OP25B_A_PORT (one per blocked port, in order),
 *	OP25B_A_ALLOW_ENTRIES, OP25B_A_SCOPE_ENTRIES, OP25B_A_EXEMPT_ENTRIES,
 *	OP25B_A_ALLOW_MAX, OP25B_A_SOURCES, OP25B_A_SOURCES_MAX and
 *	OP25B_A_TOTALS.
 *
 * OP25B_CMD_SET_CONFIG (doit)
 *	Request: any of OP25B_A_ENABLED, OP25B_A_MODE, OP25B_A_ACTION, and
 *	OP25B_A_PORT (1 to OP25B_MAX_PORTS of them, non-zero, no repeats:
 *	they replace the blocked ports); at least one.
 *
 * OP25B_CMD_ADD_PREFIX (doit)
 *	Request: OP25B_A_PREFIX (required; FAMILY, ADDR, PLEN and optionally
 *	COMMENT), OP25B_A_LIST (optional, default OP25B_LIST_ALLOW). Adds the
 *	prefix to the list, with its comment. Adding a prefix that is already
 *	present succeeds, keeps a single entry and sets its comment (none if
 *	none is given). The address must have no bits set past the prefix
 *	length (-EINVAL otherwise). -ENOSPC when the list holds max_allow
 *	entries.
 *
 * OP25B_CMD_DEL_PREFIX (doit)
 *	Request: as OP25B_CMD_ADD_PREFIX, without COMMENT. -ENOENT if the
 *	prefix is absent.
 *
 * OP25B_CMD_FLUSH_PREFIXES (doit)
 *	Request: OP25B_A_LIST (optional, default OP25B_LIST_ALLOW). Empties
 *	the list.
 *
 * OP25B_CMD_GET_PREFIXES (dumpit, NLM_F_DUMP)
 *	Request: OP25B_A_LIST (optional, default OP25B_LIST_ALLOW).
 *	Reply: one message per entry, each with one OP25B_A_PREFIX (with its
 *	comment, if any), sorted: IPv4 first, by address, then length. The
 *	dump walks the list as it was when the dump started.
 *
 * OP25B_CMD_GET_SOURCES (dumpit, NLM_F_DUMP)
 *	Request: no attributes.
 *	Reply: one message per tracked source, each with one OP25B_A_SOURCE,
 *	in no particular order. The dump walks the table it started on, even
 *	if a reset replaces it meanwhile.
 *
 * OP25B_CMD_RESET_STATS (doit)
 *	Request: no attributes. Forgets every tracked source and zeroes the
 *	totals, in one step: a packet is counted either before or after.
 *
 * OP25B_CMD_LOAD (doit)
 *	Replaces the whole policy in one step: a packet sees either the old
 *	one or the new one, never a mix. Request: OP25B_A_MODE,
 *	OP25B_A_ACTION, OP25B_A_PORT (1 to OP25B_MAX_PORTS) all required, and
 *	any number of OP25B_A_PREFIX, each naming its list in
 *	OP25B_PREFIX_A_LIST (default allow; only LOAD takes LIST in a prefix).
 *	A prefix repeated in one list is kept once, as given last; max_allow
 *	applies after repeats are removed. Counters and the enabled state are
 *	left alone. A large
 *	policy makes a large message: raise the socket's send buffer
 *	(SO_SNDBUFFORCE).
 *
 * OP25B_CMD_EVENT (multicast, group OP25B_MCGRP_EVENTS)
 *	Sent by the module, never accepted: one message per denied or audited
 *	SYN, with OP25B_A_EVENT and, when events were dropped by the rate
 *	limit since the previous one, OP25B_A_EVENTS_SUPPRESSED. Nothing is
 *	built when nobody listens.
 */
#ifndef _UAPI_LINUX_OP25B_H
#define _UAPI_LINUX_OP25B_H

#define OP25B_GENL_NAME		"op25b"
#define OP25B_GENL_VERSION	1

/* Blocked destination ports at most; 25 by default. */
#define OP25B_MAX_PORTS		8

/* Longest OP25B_PREFIX_A_COMMENT, without its NUL. */
#define OP25B_COMMENT_MAX	255

/* Multicast group of OP25B_CMD_EVENT. */
#define OP25B_MCGRP_EVENTS	"events"

enum op25b_cmd {
	OP25B_CMD_UNSPEC,
	OP25B_CMD_GET_STATUS,
	OP25B_CMD_SET_CONFIG,
	OP25B_CMD_ADD_PREFIX,
	OP25B_CMD_DEL_PREFIX,
	OP25B_CMD_FLUSH_PREFIXES,
	OP25B_CMD_GET_PREFIXES,
	OP25B_CMD_GET_SOURCES,
	OP25B_CMD_RESET_STATS,
	OP25B_CMD_LOAD,
	OP25B_CMD_EVENT,

	__OP25B_CMD_MAX
};

#define OP25B_CMD_MAX (__OP25B_CMD_MAX - 1)

/* What happens to a denied SYN. */
enum op25b_action {
	/*
	 * Locally generated: connect() fails at once with ECONNREFUSED.
	 * Forwarded: the client is sent a TCP RST, then the SYN is dropped.
	 */
	OP25B_ACTION_REJECT,
	/* Dropped silently; the client waits out its SYN retries. */
	OP25B_ACTION_DROP,

	__OP25B_ACTION_MAX
};

#define OP25B_ACTION_MAX (__OP25B_ACTION_MAX - 1)

/* What happens to a SYN that the allowlist does not let through. */
enum op25b_mode {
	OP25B_MODE_ENFORCE,	/* denied, by the action */
	OP25B_MODE_AUDIT,	/* passes, counted and logged as audited */

	__OP25B_MODE_MAX
};

#define OP25B_MODE_MAX (__OP25B_MODE_MAX - 1)

/* Which prefix list a command acts on. */
enum op25b_list {
	/* Sources that may open connections to the blocked ports (MTAs). */
	OP25B_LIST_ALLOW,
	/* If not empty, only sources inside are enforced; others audited. */
	OP25B_LIST_SCOPE,
	/* Destinations any source may reach on the blocked ports. */
	OP25B_LIST_EXEMPT,

	__OP25B_LIST_MAX
};

#define OP25B_LIST_MAX (__OP25B_LIST_MAX - 1)

enum op25b_attr {
	OP25B_A_UNSPEC,
	OP25B_A_PAD,
	OP25B_A_VERSION,	/* NUL-terminated string: module version */
	OP25B_A_ACTION,		/* u8: enum op25b_action */
	OP25B_A_LIST,		/* u8: enum op25b_list */
	OP25B_A_PREFIX,		/* nest: enum op25b_prefix_attr */
	OP25B_A_SOURCE,		/* nest: enum op25b_source_attr */
	OP25B_A_TOTALS,		/* nest: enum op25b_totals_attr */
	OP25B_A_ALLOW_ENTRIES,	/* u32: entries in the allowlist */
	OP25B_A_ALLOW_MAX,	/* u32: module parameter max_allow */
	OP25B_A_SOURCES,	/* u32: sources tracked now */
	OP25B_A_SOURCES_MAX,	/* u32: module parameter max_sources */
	OP25B_A_PORT,		/* u16, host order: a blocked destination port */
	OP25B_A_ENABLED,	/* u8: 1 filters in this netns, 0 does not */
	OP25B_A_MODE,		/* u8: enum op25b_mode */
	OP25B_A_SCOPE_ENTRIES,	/* u32: entries in the scope list */
	OP25B_A_EXEMPT_ENTRIES,	/* u32: entries in the exempt list */
	OP25B_A_EVENT,		/* nest: enum op25b_event_attr */
	OP25B_A_EVENTS_SUPPRESSED, /* u64: events lost to the rate limit */

	__OP25B_A_MAX
};

#define OP25B_A_MAX (__OP25B_A_MAX - 1)

/* An IPv4 or IPv6 prefix; a host is a prefix of length 32 or 128. */
enum op25b_prefix_attr {
	OP25B_PREFIX_A_UNSPEC,
	OP25B_PREFIX_A_FAMILY,	/* u16: AF_INET or AF_INET6 */
	OP25B_PREFIX_A_ADDR,	/* binary: 4 or 16 bytes, network order */
	OP25B_PREFIX_A_PLEN,	/* u8: 0..32 or 0..128 */
	OP25B_PREFIX_A_LIST,	/* u8: enum op25b_list, in OP25B_CMD_LOAD */
	OP25B_PREFIX_A_COMMENT,	/* string: up to OP25B_COMMENT_MAX bytes */

	__OP25B_PREFIX_A_MAX
};

#define OP25B_PREFIX_A_MAX (__OP25B_PREFIX_A_MAX - 1)

/*
 * One denied or audited source. Times are wall-clock nanoseconds since the
 * epoch, of the first and the latest denial or audit. LAST_PORT 0: the
 * latest was a first fragment that did not carry the TCP ports.
 */
enum op25b_source_attr {
	OP25B_SOURCE_A_UNSPEC,
	OP25B_SOURCE_A_PAD,
	OP25B_SOURCE_A_FAMILY,		/* u16: AF_INET or AF_INET6 */
	OP25B_SOURCE_A_ADDR,		/* binary: 4 or 16 bytes */
	OP25B_SOURCE_A_DENIED,		/* u64: SYNs denied */
	OP25B_SOURCE_A_FIRST_SEEN,	/* u64: first denial or audit */
	OP25B_SOURCE_A_LAST_SEEN,	/* u64: latest denial or audit */
	OP25B_SOURCE_A_LAST_DST,	/* binary: 4 or 16 bytes, same family */
	OP25B_SOURCE_A_LAST_PORT,	/* u16, host order */
	OP25B_SOURCE_A_AUDITED,		/* u64: SYNs audited (passed) */

	__OP25B_SOURCE_A_MAX
};

#define OP25B_SOURCE_A_MAX (__OP25B_SOURCE_A_MAX - 1)

/* Totals since load or the latest OP25B_CMD_RESET_STATS; all u64. */
enum op25b_totals_attr {
	OP25B_TOTALS_A_UNSPEC,
	OP25B_TOTALS_A_PAD,
	OP25B_TOTALS_A_INSPECTED,
	OP25B_TOTALS_A_ALLOWED,
	OP25B_TOTALS_A_DENIED,
	OP25B_TOTALS_A_UNTRACKED,
	OP25B_TOTALS_A_AUDITED,
	OP25B_TOTALS_A_EXEMPT,

	__OP25B_TOTALS_A_MAX
};

#define OP25B_TOTALS_A_MAX (__OP25B_TOTALS_A_MAX - 1)

/* The verdict an event reports. */
enum op25b_verdict {
	OP25B_VERDICT_DENIED,
	OP25B_VERDICT_AUDITED,	/* would have been denied */

	__OP25B_VERDICT_MAX
};

#define OP25B_VERDICT_MAX (__OP25B_VERDICT_MAX - 1)

/* One denied or audited SYN, in OP25B_CMD_EVENT. */
enum op25b_event_attr {
	OP25B_EVENT_A_UNSPEC,
	OP25B_EVENT_A_PAD,
	OP25B_EVENT_A_TIME,	/* u64: wall-clock ns since the epoch */
	OP25B_EVENT_A_VERDICT,	/* u8: enum op25b_verdict */
	OP25B_EVENT_A_FAMILY,	/* u16: AF_INET or AF_INET6 */
	OP25B_EVENT_A_SADDR,	/* binary: 4 or 16 bytes */
	OP25B_EVENT_A_DADDR,	/* binary: 4 or 16 bytes */
	OP25B_EVENT_A_SPORT,	/* u16, host order; 0 if unknown */
	OP25B_EVENT_A_DPORT,	/* u16, host order; 0 if unknown */
	OP25B_EVENT_A_HOOK,	/* u8: NF_INET_LOCAL_OUT or NF_INET_FORWARD */
	OP25B_EVENT_A_OUTDEV,	/* string: the output device's name */

	__OP25B_EVENT_A_MAX
};

#define OP25B_EVENT_A_MAX (__OP25B_EVENT_A_MAX - 1)

#endif /* _UAPI_LINUX_OP25B_H */
