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
 * (allowlist, action) and its own deny counters.
 *
 * op25b filters in the initial netns from the moment the module loads. In
 * any other netns (containers, test hosts) it filters only once enabled
 * there (OP25B_A_ENABLED), or in every netns, existing and new, when the
 * module is loaded with all_netns=1: a netns that never asked for it sees
 * no change, just as it starts with an empty nftables ruleset.
 *
 * Permissions: every command, including the ones that only read, requires
 * CAP_NET_ADMIN in the user namespace that owns the socket's netns
 * (GENL_UNS_ADMIN_PERM). Anything else gets -EPERM.
 *
 * Validation is strict: unknown attributes, attributes of the wrong type or
 * length, and reserved header fields that are not zero are refused with
 * -EINVAL and an extended ack message. A command that fails changes
 * nothing.
 *
 * Commands
 * --------
 *
 * OP25B_CMD_GET_STATUS (doit)
 *	Request: no attributes.
 *	Reply: OP25B_A_VERSION, OP25B_A_ENABLED, OP25B_A_ACTION,
 *	OP25B_A_ALLOW_ENTRIES,
 *	OP25B_A_ALLOW_MAX, OP25B_A_SOURCES, OP25B_A_SOURCES_MAX, OP25B_A_PORT
 *	(one attribute per blocked destination port) and OP25B_A_TOTALS.
 *
 * OP25B_CMD_SET_CONFIG (doit)
 *	Request: any of OP25B_A_ENABLED, OP25B_A_ACTION; at least one.
 *
 * OP25B_CMD_ADD_PREFIX (doit)
 *	Request: OP25B_A_PREFIX (required), OP25B_A_LIST (optional, default
 *	OP25B_LIST_ALLOW). Adds the prefix to the list. Adding a prefix that
 *	is already present succeeds and keeps a single entry. The address
 *	must have no bits set past the prefix length (-EINVAL otherwise).
 *	-ENOSPC when the list holds the module's max_allow entries.
 *
 * OP25B_CMD_DEL_PREFIX (doit)
 *	Request: as OP25B_CMD_ADD_PREFIX. -ENOENT if the prefix is absent.
 *
 * OP25B_CMD_FLUSH_PREFIXES (doit)
 *	Request: OP25B_A_LIST (optional, default OP25B_LIST_ALLOW). Empties
 *	the list.
 *
 * OP25B_CMD_GET_PREFIXES (dumpit, NLM_F_DUMP)
 *	Request: OP25B_A_LIST (optional, default OP25B_LIST_ALLOW).
 *	Reply: one message per entry, each with one OP25B_A_PREFIX.
 *	A dump that spans a change of the list is flagged NLM_F_DUMP_INTR.
 *
 * OP25B_CMD_GET_SOURCES (dumpit, NLM_F_DUMP)
 *	Request: no attributes.
 *	Reply: one message per tracked source, each with one OP25B_A_SOURCE.
 *	Sources are in no particular order. A dump that spans a
 *	OP25B_CMD_RESET_STATS is flagged NLM_F_DUMP_INTR.
 *
 * OP25B_CMD_RESET_STATS (doit)
 *	Request: no attributes. Forgets every tracked source and zeroes the
 *	totals, in one step: a packet is counted either before or after.
 *
 * Counting
 * --------
 *
 * A packet is "inspected" when it is a TCP SYN (SYN set, ACK clear) to a
 * blocked port leaving through a non-loopback device; it is then either
 * "allowed" (its source matches the allowlist) or "denied". A denied packet
 * is counted against its source in a table bounded by the module parameter
 * max_sources; when the table is full, a new source is still denied but
 * counted in "untracked" instead. So, at any quiet moment:
 *	allowed + denied == inspected
 *	denied == untracked + sum of OP25B_SOURCE_A_DENIED over all sources
 */
#ifndef _UAPI_LINUX_OP25B_H
#define _UAPI_LINUX_OP25B_H

#define OP25B_GENL_NAME		"op25b"
#define OP25B_GENL_VERSION	1

/* Blocked destination ports at most; 25 by default. */
#define OP25B_MAX_PORTS		8

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

/* Which prefix list a command acts on. */
enum op25b_list {
	/* Sources that may open connections to the blocked ports (MTAs). */
	OP25B_LIST_ALLOW,

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

	__OP25B_A_MAX
};

#define OP25B_A_MAX (__OP25B_A_MAX - 1)

/* An IPv4 or IPv6 prefix; a host is a prefix of length 32 or 128. */
enum op25b_prefix_attr {
	OP25B_PREFIX_A_UNSPEC,
	OP25B_PREFIX_A_FAMILY,	/* u16: AF_INET or AF_INET6 */
	OP25B_PREFIX_A_ADDR,	/* binary: 4 or 16 bytes, network order */
	OP25B_PREFIX_A_PLEN,	/* u8: 0..32 or 0..128 */

	__OP25B_PREFIX_A_MAX
};

#define OP25B_PREFIX_A_MAX (__OP25B_PREFIX_A_MAX - 1)

/* One denied source. Times are wall-clock nanoseconds since the epoch. */
enum op25b_source_attr {
	OP25B_SOURCE_A_UNSPEC,
	OP25B_SOURCE_A_PAD,
	OP25B_SOURCE_A_FAMILY,		/* u16: AF_INET or AF_INET6 */
	OP25B_SOURCE_A_ADDR,		/* binary: 4 or 16 bytes */
	OP25B_SOURCE_A_DENIED,		/* u64: SYNs denied */
	OP25B_SOURCE_A_FIRST_SEEN,	/* u64: first denial */
	OP25B_SOURCE_A_LAST_SEEN,	/* u64: latest denial */
	OP25B_SOURCE_A_LAST_DST,	/* binary: 4 or 16 bytes, same family */
	OP25B_SOURCE_A_LAST_PORT,	/* u16, host order */

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

	__OP25B_TOTALS_A_MAX
};

#define OP25B_TOTALS_A_MAX (__OP25B_TOTALS_A_MAX - 1)

#endif /* _UAPI_LINUX_OP25B_H */
