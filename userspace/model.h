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

struct op25b_totals {
	uint64_t inspected;
	uint64_t allowed;
	uint64_t denied;
	uint64_t untracked;
};

/* One denied source, as the kernel tracks it. Times: ns since the epoch. */
struct op25b_source {
	uint16_t family;
	uint8_t addr[16];
	uint64_t denied;
	uint64_t first_seen;
	uint64_t last_seen;
	uint8_t last_dst[16];	/* same family as addr */
	uint16_t last_port;
};

struct op25b_status {
	char version[64];
	bool enabled;
	uint8_t action;		/* enum op25b_action */
	uint16_t ports[OP25B_MAX_PORTS];
	size_t nports;
	uint32_t allow_entries;
	uint32_t allow_max;
	uint32_t sources;
	uint32_t sources_max;
	struct op25b_totals totals;
};

/* What OP25B_CMD_SET_CONFIG changes; fields without their set_ flag stay. */
struct op25b_config {
	bool set_enabled;
	bool enabled;
	bool set_action;
	uint8_t action;
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

/* Bytes in an address of this family: 4, 16, or 0 when unknown. */
size_t family_addr_len(uint16_t family);

#endif /* OP25BCTL_MODEL_H */
