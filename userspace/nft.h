/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The nftables backend (backend_nft.c): the op25b policy as one table,
 * "table inet op25b", built and read with libnftnl (docs/backends.md). This
 * header holds what is pure computation, so the unit tests can reach it
 * (nft_policy.c): prefixes as interval set elements, and the settings that
 * nftables cannot hold itself, kept in a rule comment.
 */
#ifndef OP25BCTL_NFT_H
#define OP25BCTL_NFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define NFT_TABLE	"op25b"
/* Sources per dynamic set (deny, audit), unless OP25B_NFT_MAX_SOURCES. */
#define NFT_MAX_SOURCES	65536
/* Entries per list, as the module's max_allow default. */
#define NFT_MAX_ENTRIES	65536

/*
 * One interval of an interval set: [start, end), end exclusive; open_end
 * when it runs to the last address (there is no end element then).
 */
struct nft_range {
	uint8_t start[16];
	uint8_t end[16];
	bool open_end;
};

/*
 * The union of the prefixes of family (AF_INET or AF_INET6) among entries
 * as disjoint, non-adjacent ranges in address order, into out (room for n
 * ranges): their count. Overlapping entries are legal in op25b, not in an
 * nftables interval set; the entries themselves are kept in a plain set.
 */
size_t nft_ranges(const struct op25b_entry *entries, size_t n,
		  uint16_t family, struct nft_range *out);

/* The netmask of plen bits, len bytes. */
void nft_mask(uint8_t plen, uint8_t *mask, size_t len);

/* The prefix length of a netmask of len bytes, or -1 if not contiguous. */
int nft_mask_plen(const uint8_t *mask, size_t len);

/*
 * The sets the rules look up come in two generations, _a and _b: a change
 * fills the one no rule uses, then points the rules at it in the same
 * batch, so that no packet ever looks up a set while its elements are
 * being replaced (docs/backends.md). One bit per list (1 << OP25B_LIST_*)
 * and one for the ports: set, the rules use the _b generation.
 */
#define NFT_ALT_PORTS	(1u << (OP25B_LIST_MAX + 1))
#define NFT_ALT_ALL	((NFT_ALT_PORTS << 1) - 1)

/*
 * The settings kept in the comment of the judge chain's first rule; the
 * ports are those of the ports set, in the order given (a set has none).
 */
struct nft_settings {
	uint8_t mode;
	uint8_t action;
	bool enabled;
	uint16_t ports[OP25B_MAX_PORTS];
	size_t nports;
	uint8_t alt;		/* NFT_ALT_*: the generations in use */
};

/* a rule comment's length is a byte, with its NUL */
#define NFT_SETTINGS_MAX 255
/*
 * "op25b: mode enforce, action reject, enabled, sets allow_a scope_a
 * exempt_b ports_a, ports 25,2525"
 */
void nft_settings_format(const struct nft_settings *s, char *buf, size_t len);
/* 0, or -1 if str is not such a comment. */
int nft_settings_parse(const char *str, struct nft_settings *s);

#endif /* OP25BCTL_NFT_H */
