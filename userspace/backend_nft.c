// SPDX-License-Identifier: GPL-2.0
/*
 * The nftables backend: the op25b policy as table inet op25b, for the
 * gateways that cannot load the module (docs/backends.md). This file runs
 * the operations; nft_read.c reads the table back, nft_build.c writes it.
 * Every change reads what it needs, then writes one batch guarded by the
 * ruleset generation it read, and starts again if another writer came
 * between.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/netfilter/nfnetlink.h>
#include <sys/socket.h>

#include "nft_int.h"

#define TRIES	32	/* batches refused because the ruleset changed */

#define NO_TABLE "no nftables table inet op25b in this network namespace " \
	"(any op25bctl --backend nft command that changes the policy " \
	"creates it, e.g. 'op25bctl -b nft enable' or 'op25bctl -b nft " \
	"load FILE')"

/* ---- changes ---- */

/*
 * After a race lost to another writer: wait a random time, up to a bound
 * that doubles with each loss (1 ms to 256 ms), so that writers that
 * collide spread out instead of colliding again. Twelve op25bctl started
 * at once beside twelve nft ran out of immediate retries on the debug
 * kernel (45-nft-coexist).
 */
static void backoff(int tries)
{
	static unsigned int seed;
	long us;

	if (!seed)
		seed = (unsigned int)getpid() ^ (unsigned int)time(NULL);
	us = rand_r(&seed) % (1000L << (tries < 8 ? tries : 8));
	nanosleep(&(struct timespec){ us / 1000000, us % 1000000 * 1000 },
		  NULL);
}

typedef int (*edit_fn)(struct backend *b, struct nft_state *st,
		       const void *arg, unsigned *what);

/*
 * After a change that wrote the sets of what in the spare generation and
 * pointed the rules at them: empty the generation the rules left, so that
 * `nft list` shows each list once and the next change finds it empty.
 * The batch carries the generation ours made (genid + 1); if another
 * writer came between, read which sets are spare now and try again. Best
 * effort: the policy is in place already, and a change that finds a spare
 * set not empty empties it first.
 */
static void retire(struct backend *b, unsigned what, uint8_t alt,
		   uint32_t genid)
{
	struct nft_state st;
	int ret, tries;

	ret = nft_flush_spare(b, what, alt, genid + 1);
	for (tries = 0; tries < TRIES && (ret == -ERESTART || ret == -EINTR);
	     tries++) {
		backoff(tries);
		nft_state_init(&st);
		ret = nft_get_genid(b, &genid);
		if (ret == 0)
			ret = nft_read_state(b, &st, 0);
		if (ret == 0 && st.exists)
			ret = nft_flush_spare(b, what, st.settings.alt, genid);
		nft_state_free(&st);
	}
	memset(&b->err, 0, sizeof(b->err));
}

/*
 * Read the lists in the mask lists, let edit change the state and say
 * what to write, write it in one batch; again if the ruleset changed
 * meanwhile (the batch refused with ERESTART, or a dump interrupted:
 * EINTR). The sets the batch fills must be empty (nft_int.h): if a
 * change before did not get to empty them, that comes first, as a batch
 * of its own that no rule sees. With repair (load), a table op25bctl does
 * not understand (a set, a chain or the settings comment missing, as after
 * a hand edit: the read fails, or a later step with ENOENT) is replaced
 * whole, in the one batch.
 */
static int change(struct backend *b, unsigned lists, edit_fn edit,
		  const void *arg, bool repair)
{
	struct nft_state st;
	uint32_t genid;
	unsigned what;
	uint8_t alt = 0;
	bool empty, broken = false, ours;
	int ret, tries;

	for (tries = 0; tries < TRIES; tries++) {
		nft_state_init(&st);
		ret = nft_get_genid(b, &genid);
		if (ret == 0)
			ret = nft_read_state(b, &st, lists);
		what = 0;
		ours = false;
		if (repair && (ret == -EPROTO || ret == -ENOENT ||
			       (ret == 0 && broken && st.exists))) {
			/* the defaults, on a table made anew */
			nft_state_free(&st);
			nft_state_init(&st);
			memset(&b->err, 0, sizeof(b->err));
			what = BUILD_REPLACE;
			ret = 0;
		}
		if (ret == 0)
			ret = edit(b, &st, arg, &what);
		if (ret == 0 && st.exists && what & BUILD_SETS) {
			ret = nft_spare_empty(b, &st, what, &empty);
			if (ret == 0 && !empty) {
				ret = nft_flush_spare(b, what, st.settings.alt,
						      genid);
				/* read again: the generation moved */
				ours = ret == 0;
				if (ret == 0)
					ret = -ERESTART;
			}
		}
		if (ret == 0) {
			st.scope_nonempty = st.entries[OP25B_LIST_SCOPE].n > 0;
			alt = nft_alt_after(&st, what);
			ret = nft_build(b, &st, what, genid);
		}
		/* a set or a chain missing: read again, to replace it all */
		if (ret == -ENOENT && repair && !(what & BUILD_REPLACE)) {
			broken = ours = true;
			ret = -ERESTART;
		}
		if (ret == 0 && st.exists && what & BUILD_SETS)
			retire(b, what, alt, genid);
		if (ret == 0 && what & BUILD_REPLACE)
			fprintf(stderr, "op25bctl: note: table inet op25b was not "
				"as op25bctl writes it (changed by hand?): "
				"made anew, its counters restart from zero\n");
		nft_state_free(&st);
		if (ret != -ERESTART && ret != -EINTR)
			return ret;
		memset(&b->err, 0, sizeof(b->err));
		if (!ours)	/* not a step of ours: a race lost */
			backoff(tries);
	}
	return backend_fail(b, EAGAIN, "the nftables ruleset kept changing "
			    "while op25bctl wrote its batch");
}

/* A read that a change interrupted (-EINTR), again; b->err cleared. */
static bool reread(struct backend *b, int ret, int *tries)
{
	if (ret != -EINTR || ++*tries >= TRIES)
		return false;
	memset(&b->err, 0, sizeof(b->err));
	backoff(*tries);
	return true;
}

static bool same_prefix(const struct op25b_prefix *a,
			const struct op25b_prefix *b)
{
	return a->family == b->family && a->plen == b->plen &&
	       memcmp(a->addr, b->addr, family_addr_len(a->family)) == 0;
}

static struct op25b_entry *find(struct vec *v, const struct op25b_prefix *p)
{
	struct op25b_entry *e = v->items;
	size_t i;

	for (i = 0; i < v->n; i++)
		if (same_prefix(&e[i].prefix, p))
			return &e[i];
	return NULL;
}

static int edit_add(struct backend *b, struct nft_state *st,
		    const void *arg, unsigned *what)
{
	const struct op25b_entry *e = arg;
	struct vec *v = &st->entries[e->list];
	struct op25b_entry *x = find(v, &e->prefix);

	if (!x && v->n >= NFT_MAX_ENTRIES)
		return backend_fail(b, ENOSPC, "a list holds at most %d entries "
				    "(max_allow)", NFT_MAX_ENTRIES);
	if (!x)
		x = vec_push(v);
	if (!x)
		return backend_fail(b, ENOMEM, "adding the entry");
	*x = *e;
	*what = BUILD_LIST(e->list);
	return 0;
}

static int edit_del(struct backend *b, struct nft_state *st,
		    const void *arg, unsigned *what)
{
	const struct op25b_entry *e = arg;
	struct vec *v = &st->entries[e->list];
	struct op25b_entry *x = find(v, &e->prefix);

	if (!st->exists) {
		b->err.unavailable = true;
		return backend_fail(b, ENOENT, NO_TABLE);
	}
	if (!x)
		return -ENOENT;
	memmove(x, x + 1, ((struct op25b_entry *)v->items + v->n - x - 1) *
		sizeof(*x));
	v->n--;
	*what = BUILD_LIST(e->list);
	return 0;
}

static int edit_flush(struct backend *b, struct nft_state *st,
		      const void *arg, unsigned *what)
{
	uint8_t list = *(const uint8_t *)arg;

	(void)b;
	st->entries[list].n = 0;
	*what = BUILD_LIST(list);
	return 0;
}

static int edit_config(struct backend *b, struct nft_state *st,
		       const void *arg, unsigned *what)
{
	const struct op25b_config *cfg = arg;

	(void)b;
	if (cfg->set_enabled)
		st->settings.enabled = cfg->enabled;
	if (cfg->set_mode)
		st->settings.mode = cfg->mode;
	if (cfg->set_action)
		st->settings.action = cfg->action;
	if (cfg->nports) {
		memcpy(st->ports, cfg->ports, sizeof(st->ports));
		st->nports = cfg->nports;
		*what = BUILD_PORTS;
	}
	return 0;
}

static int edit_load(struct backend *b, struct nft_state *st,
		     const void *arg, unsigned *what)
{
	const struct op25b_policy *p = arg;
	const struct op25b_entry *e = p->entries.items;
	struct op25b_entry *x;
	size_t i;
	uint8_t l;

	st->settings.mode = p->mode;
	st->settings.action = p->action;
	memcpy(st->ports, p->ports, sizeof(st->ports));
	st->nports = p->nports;
	for (l = 0; l < NLISTS; l++)
		st->entries[l].n = 0;
	for (i = 0; i < p->entries.n; i++) {
		struct vec *v = &st->entries[e[i].list];

		if (e[i].list > OP25B_LIST_MAX)
			return backend_fail(b, EINVAL, "no list %u", e[i].list);
		if (v->n >= NFT_MAX_ENTRIES)
			return backend_fail(b, ENOSPC, "a list holds at most %d "
					    "entries (max_allow)",
					    NFT_MAX_ENTRIES);
		x = vec_push(v);
		if (!x)
			return backend_fail(b, ENOMEM, "loading the policy");
		*x = e[i];
	}
	*what |= BUILD_PORTS;
	for (l = 0; l < NLISTS; l++)
		*what |= BUILD_LIST(l);
	return 0;
}

static int edit_reset(struct backend *b, struct nft_state *st,
		      const void *arg, unsigned *what)
{
	(void)b, (void)st, (void)arg;
	*what = BUILD_RESET;
	return 0;
}

static int nft_add_prefix(struct backend *b, const struct op25b_entry *e)
{
	return change(b, BUILD_LIST(e->list), edit_add, e, false);
}

static int nft_del_prefix(struct backend *b, const struct op25b_entry *e)
{
	return change(b, BUILD_LIST(e->list), edit_del, e, false);
}

static int nft_flush_prefixes(struct backend *b, uint8_t list)
{
	return change(b, 0, edit_flush, &list, false);
}

static int nft_set_config(struct backend *b, const struct op25b_config *cfg)
{
	return change(b, 0, edit_config, cfg, false);
}

static int nft_load(struct backend *b, const struct op25b_policy *p)
{
	return change(b, 0, edit_load, p, true);
}

static int nft_reset_stats(struct backend *b)
{
	return change(b, 0, edit_reset, NULL, false);
}

/* ---- reading: lists, counters, sources ---- */

/* The state of an existing table, else the "no table" failure. */
static int read_existing(struct backend *b, struct nft_state *st,
			 unsigned lists)
{
	int ret = nft_read_state(b, st, lists);

	if (ret == 0 && !st->exists) {
		b->err.unavailable = true;
		ret = backend_fail(b, ENOENT, NO_TABLE);
	}
	return ret;
}

static int nft_list_prefixes(struct backend *b, uint8_t list,
			     struct vec *out)
{
	size_t n0 = out->n;
	struct nft_state st;
	int ret, tries = 0;

	do {
		out->n = n0;
		ret = read_existing(b, &st, 0);
		if (ret == 0)
			ret = nft_get_entries(b, list, out);
		nft_state_free(&st);
	} while (reread(b, ret, &tries));
	return ret;
}

static int nft_dump_sources(struct backend *b, struct vec *out)
{
	size_t n0 = out->n;
	struct nft_state st;
	int ret, tries = 0;

	do {
		out->n = n0;
		ret = read_existing(b, &st, 0);
		nft_state_free(&st);
		if (ret == 0)
			ret = nft_get_sources(b, out);
	} while (reread(b, ret, &tries));
	return ret;
}

static int get_status(struct backend *b, struct op25b_status *out)
{
	struct vec sources = VEC_INIT(struct op25b_source);
	struct nft_state st;
	int ret;

	ret = read_existing(b, &st, BUILD_LIST(OP25B_LIST_ALLOW) |
			    BUILD_LIST(OP25B_LIST_EXEMPT));
	if (ret == 0)
		ret = nft_get_sources(b, &sources);
	if (ret == 0) {
		memset(out, 0, sizeof(*out));
		snprintf(out->version, sizeof(out->version),
			 "nft (table inet " NFT_TABLE ")");
		out->enabled = st.settings.enabled;
		out->mode = st.settings.mode;
		out->action = st.settings.action;
		memcpy(out->ports, st.ports, sizeof(out->ports));
		out->nports = st.nports;
		out->allow_entries =
			(uint32_t)st.entries[OP25B_LIST_ALLOW].n;
		out->scope_entries =
			(uint32_t)st.entries[OP25B_LIST_SCOPE].n;
		out->exempt_entries =
			(uint32_t)st.entries[OP25B_LIST_EXEMPT].n;
		out->allow_max = NFT_MAX_ENTRIES;
		out->sources = (uint32_t)sources.n;
		ret = nft_get_set_size(b, "deny", &out->sources_max);
		if (ret == 0)
			ret = nft_get_totals(b, &out->totals);
	}
	vec_free(&sources);
	nft_state_free(&st);
	return ret;
}

static int nft_get_status(struct backend *b, struct op25b_status *out)
{
	int ret, tries = 0;

	do
		ret = get_status(b, out);
	while (reread(b, ret, &tries));
	return ret;
}

/* ---- what nftables cannot do ---- */

static int nft_subscribe(struct backend *b)
{
	b->err.unavailable = true;
	return backend_fail(b, EOPNOTSUPP, "monitor: the nft backend has no "
			    "event stream (nftables cannot tell each denied SYN "
			    "to op25bctl); it needs the op25b kernel module. "
			    "Use 'op25bctl -b nft stats' for the counts");
}

static int nft_read_events(struct backend *b, const sigset_t *sigmask,
			   event_fn fn, void *arg)
{
	(void)sigmask, (void)fn, (void)arg;
	return nft_subscribe(b);
}

/* ---- the socket ---- */

static void nft_close(struct backend *b)
{
	struct nft *n = nft(b);

	if (!n)
		return;
	if (n->nl)
		mnl_socket_close(n->nl);
	free(n->batch);
	free(n);
	b->priv = NULL;
}

static int nft_open(struct backend *b)
{
	struct nft *n = calloc(1, sizeof(*n));
	int ret;

	b->priv = n;
	if (!n)
		return backend_fail(b, ENOMEM, "while opening the backend");
	n->seq = (uint32_t)time(NULL);
	n->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!n->nl || mnl_socket_bind(n->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = backend_fail(b, errno, "opening a netfilter netlink socket");
		if (errno == EPROTONOSUPPORT || errno == ENOENT) {
			b->err.unavailable = true;
			snprintf(b->err.msg, sizeof(b->err.msg), "the kernel "
				 "has no nfnetlink (load nf_tables: "
				 "'modprobe nf_tables')");
		}
		nft_close(b);
		return ret;
	}
	n->portid = mnl_socket_get_portid(n->nl);
	return 0;
}

const struct backend_ops backend_nft = {
	.name = "nft",
	.open = nft_open,
	.close = nft_close,
	.get_status = nft_get_status,
	.set_config = nft_set_config,
	.add_prefix = nft_add_prefix,
	.del_prefix = nft_del_prefix,
	.flush_prefixes = nft_flush_prefixes,
	.list_prefixes = nft_list_prefixes,
	.load = nft_load,
	.dump_sources = nft_dump_sources,
	.reset_stats = nft_reset_stats,
	.subscribe = nft_subscribe,
	.read_events = nft_read_events,
};
