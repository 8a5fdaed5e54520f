/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The data op25bctl moves around: what parse.c produces, what a backend
 * fills in, and what output.c renders. Plain values, no I/O.
 */
#ifndef OP25BCTL_MODEL_H
#define OP25BCTL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/op25b.h>

/* An IPv4 or IPv6 prefix; a host has plen 32 or 128. */
struct op25b_prefix {
	uint16_t family;	/* AF_INET or AF_INET6 */
	uint8_t plen;
	uint8_t addr[16];	/* network order; 4 bytes used for AF_INET */
};

/* One entry of a prefix list (allow, scope or exempt). */
struct op25b_entry {
	struct op25b_prefix prefix;
	uint8_t list;				/* enum op25b_list */
	char comment[OP25B_COMMENT_MAX + 1];	/* "" for none */
};

struct op25b_totals {
	uint64_t inspected;
	uint64_t allowed;
	uint64_t denied;
	uint64_t untracked;
	uint64_t audited;
	uint64_t exempt;
};

/*
 * One denied or audited source, as the kernel tracks it. Times: ns since
 * the epoch; 0 when the backend cannot tell (nft), and then neither
 * last_dst nor last_port means anything.
 */
struct op25b_source {
	uint16_t family;
	uint8_t addr[16];
	uint64_t denied;
	uint64_t audited;
	uint64_t first_seen;
	uint64_t last_seen;
	uint8_t last_dst[16];	/* same family as addr */
	uint16_t last_port;
};

/* Orders of stats; ties go by address, IPv4 first. */
enum source_order {
	ORDER_DENIED,	/* most denied first, then most audited */
	ORDER_LAST,	/* most recently seen first */
	ORDER_SOURCE,	/* by address */
};

void sources_sort(struct op25b_source *sources, size_t n,
		  enum source_order order);

struct op25b_status {
	char version[64];
	bool enabled;
	uint8_t mode;		/* enum op25b_mode */
	uint8_t action;		/* enum op25b_action */
	uint16_t ports[OP25B_MAX_PORTS];
	size_t nports;
	uint32_t allow_entries;
	uint32_t scope_entries;
	uint32_t exempt_entries;
	uint32_t allow_max;
	uint32_t sources;
	uint32_t sources_max;
	struct op25b_totals totals;
};

/*
 * What OP25B_CMD_SET_CONFIG changes; fields without their set_ flag stay,
 * and so do the ports when nports is 0.
 */
struct op25b_config {
	bool set_enabled;
	bool enabled;
	bool set_mode;
	uint8_t mode;
	bool set_action;
	uint8_t action;
	uint16_t ports[OP25B_MAX_PORTS];
	size_t nports;
};

/* A growable array of fixed-size items (prefixes, sources). */
struct vec {
	void *items;
	size_t n;
	size_t cap;
	size_t size;	/* of one item */
};

#define VEC_INIT(type) { .items = NULL, .n = 0, .cap = 0, .size = sizeof(type) }

/* A new zeroed item at the end, or NULL (errno ENOMEM). */
void *vec_push(struct vec *v);
void vec_free(struct vec *v);

/*
 * The whole policy of a network namespace, as OP25B_CMD_LOAD replaces it
 * and a configuration file describes it.
 */
struct op25b_policy {
	uint8_t mode;
	uint8_t action;
	uint16_t ports[OP25B_MAX_PORTS];
	size_t nports;
	struct vec entries;	/* struct op25b_entry */
};

/* Defaults: enforce, reject, port 25, no entries. */
void policy_init(struct op25b_policy *p);
void policy_free(struct op25b_policy *p);

/*
 * Sort the entries by list, then as the kernel dumps them, and keep one of
 * each prefix in a list: the latest given, so its comment wins, as a
 * repeated OP25B_CMD_ADD_PREFIX would have it. -1 (errno ENOMEM) or 0.
 */
int policy_canonical(struct op25b_policy *p);

/* One denied or audited SYN, as OP25B_CMD_EVENT reports it. */
struct op25b_event {
	uint64_t time;		/* ns since the epoch */
	uint8_t verdict;	/* enum op25b_verdict */
	uint16_t family;
	uint8_t saddr[16];
	uint8_t daddr[16];
	uint16_t sport;		/* 0: unknown */
	uint16_t dport;
	uint8_t hook;		/* NF_INET_LOCAL_OUT or NF_INET_FORWARD */
	char outdev[16];	/* "" when not told */
	uint64_t suppressed;	/* events the rate limit lost before it */
};

/* Bytes in an address of this family: 4, 16, or 0 when unknown. */
size_t family_addr_len(uint16_t family);

/* IPv4 before IPv6, then by address. */
int addr_cmp(uint16_t fa, const uint8_t *a, uint16_t fb, const uint8_t *b);

/* The kernel's order of a list: IPv4 first, by address, then length. */
int prefix_cmp(const struct op25b_prefix *a, const struct op25b_prefix *b);

#endif /* OP25BCTL_MODEL_H */
