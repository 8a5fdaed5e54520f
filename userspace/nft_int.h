/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the files of the nft backend only: backend_nft.c (the backend
 * operations), nft_read.c (reading the table back) and nft_build.c (the
 * batches that write it). The rest of op25bctl sees backend.h.
 */
#ifndef OP25BCTL_NFT_INT_H
#define OP25BCTL_NFT_INT_H

#include <stdalign.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

#include "backend.h"
#include "nft.h"

#define NFT_RECV_SIZE	65536
#define NLISTS		(OP25B_LIST_MAX + 1)

struct nft {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	/* the batch being built */
	char *batch;
	size_t blen, bcap;
	size_t last;		/* offset of the latest message */
	alignas(struct nlmsghdr) char buf[NFT_RECV_SIZE];
};

static inline struct nft *nft(struct backend *b)
{
	return b->priv;
}

/* The policy as the table holds it, or will. */
struct nft_state {
	bool exists;				/* table inet op25b */
	struct nft_settings settings;
	uint16_t ports[OP25B_MAX_PORTS];
	size_t nports;
	struct vec entries[NLISTS];		/* struct op25b_entry */
	bool scope_nonempty;
};

/* What nft_build writes beside the rules, which it always rewrites. */
enum {
	BUILD_PORTS = 1u << 0,
	BUILD_LIST0 = 1u << 1,		/* << list: that list's sets */
	BUILD_RESET = 1u << 8,		/* counters and source sets zeroed */
	BUILD_REPLACE = 1u << 9,	/* the table deleted, made anew */
};
#define BUILD_LIST(l)	(BUILD_LIST0 << (l))
/* what writes a set the rules look up */
#define BUILD_SETS	(BUILD_PORTS | (((BUILD_LIST0 << NLISTS) - 1) & \
				      ~(BUILD_LIST0 - 1)))


/*
 * One batch: the changes that take st from the table as it is (st->exists
 * says whether there is one) to st, guarded by the generation genid (the
 * kernel refuses it with -ERESTART if anything changed since). Sends it and
 * waits for the kernel's verdict: 0 or -errno. The sets it writes for what
 * (BUILD_SETS) are those of the generation the rules do not use: they must
 * be empty (nft_spare_empty, nft_flush_spare).
 */
int nft_build(struct backend *b, const struct nft_state *st, unsigned what,
	      uint32_t genid);

/* The generations in use (NFT_ALT_*) once nft_build wrote what. */
uint8_t nft_alt_after(const struct nft_state *st, unsigned int what);

/*
 * One batch, guarded by genid: empty the sets of what (BUILD_SETS) of the
 * generation that alt says the rules do not use.
 */
int nft_flush_spare(struct backend *b, unsigned int what, uint8_t alt,
		    uint32_t genid);

/*
 * The looked-up sets by which: a list (a set per family), or NLISTS: the
 * ports (one set). Their bit in what, their count, and whether alt
 * (NFT_ALT_*) says the rules use their _b generation.
 */
static inline unsigned int nft_build_of(unsigned int which)
{
	return which == NLISTS ? BUILD_PORTS : BUILD_LIST(which);
}

static inline int nft_families_of(unsigned int which)
{
	return which == NLISTS ? 1 : 2;
}

static inline bool nft_alt_of(uint8_t alt, unsigned int which)
{
	return alt & 1u << which;
}

/* What the messages about a table changed by hand advise. */
#define NFT_REMAKE "'op25bctl -b nft load FILE' makes the table anew (its " \
	"counters restart from zero)"

/* "allow4_a": a looked-up set of which (a list, or NLISTS: the ports). */
#define NFT_SET_NAME_MAX	16
const char *nft_set_name(char *buf, unsigned int which, uint16_t family,
			 bool alt);

/* ---- nft_read.c: the table as the kernel has it ---- */

/* The ruleset generation, for nft_build. */
int nft_get_genid(struct backend *b, uint32_t *genid);

/* The defaults (enforce, reject, enabled, port 25, empty lists). */
void nft_state_init(struct nft_state *st);
void nft_state_free(struct nft_state *st);

/*
 * The table as it is: settings, ports, and the entries of the lists in
 * the mask lists (BUILD_LIST; the scope's always, as the rules depend on
 * it). No table: the defaults, st->exists false.
 */
int nft_read_state(struct backend *b, struct nft_state *st, unsigned lists);

/* The entries of list appended to out, in the module's order. */
int nft_get_entries(struct backend *b, uint8_t list, struct vec *out);

/* The six named counters. */
int nft_get_totals(struct backend *b, struct op25b_totals *t);

/* Every source of sets deny and audit, one item per address. */
int nft_get_sources(struct backend *b, struct vec *out);

/* The size a set was made with (0: none). */
int nft_get_set_size(struct backend *b, const char *name, uint32_t *size);

/* Whether the sets of what that the rules do not use are all empty. */
int nft_spare_empty(struct backend *b, const struct nft_state *st,
		    unsigned int what, bool *empty);

/* The name of the entries set of list (AF_INET or AF_INET6). */
const char *nft_entry_set(uint8_t list, uint16_t family);

#endif /* OP25BCTL_NFT_INT_H */
