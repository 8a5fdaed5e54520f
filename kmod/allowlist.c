// SPDX-License-Identifier: GPL-2.0
/*
 * op25b: prefix sets (the allowlist).
 *
 * A set is immutable once built: a change builds a new set beside the old
 * one and the policy that points at it is republished under RCU. Readers on
 * the packet path therefore take no lock and write nothing, and every CPU
 * reads the same cache lines without contention.
 *
 * A set keeps its prefixes sorted (for dumps and for building the next
 * version) and, for lookups, one open-addressing hash table per prefix
 * length in use, as ipset's hash:net does: a lookup masks the address once
 * per prefix length and probes one table. Its cost depends on how many
 * distinct prefix lengths are in use (at most 33 + 129), never on how many
 * entries there are.
 */
#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/random.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "op25b.h"

/* One prefix length of one family. */
struct op25b_ptable {
	union nf_inet_addr mask;
	u32 *slots;		/* 1 + index into entries; 0 is empty */
	u32 nslots_mask;	/* slots - 1; slots is a power of two */
	u32 seed;
};

struct op25b_set {
	refcount_t ref;
	u32 n;
	u8 ntables[2];		/* [0] IPv4, [1] IPv6 */
	struct op25b_ptable *tables[2];
	struct op25b_prefix *entries;
	char **comments;	/* parallel to entries; NULL if none has one */
	u32 *slots;		/* backing store of every table's slots */
};

static int family_idx(u8 family)
{
	return family == AF_INET6;
}

static u32 prefix_hash(const union nf_inet_addr *a, u8 family, u32 seed)
{
	if (family == AF_INET)
		return jhash_1word((__force u32)a->ip, seed);
	return jhash2(a->all, 4, seed);
}

static bool addr_eq(const union nf_inet_addr *a, const union nf_inet_addr *b)
{
	return ((a->all[0] ^ b->all[0]) | (a->all[1] ^ b->all[1]) |
		(a->all[2] ^ b->all[2]) | (a->all[3] ^ b->all[3])) == 0;
}

static void make_mask(union nf_inet_addr *mask, u8 family, u8 plen)
{
	int i;

	memset(mask, 0, sizeof(*mask));
	if (family == AF_INET) {
		mask->ip = plen ? htonl(~0U << (32 - plen)) : 0;
		return;
	}
	for (i = 0; i < 4; i++, plen -= min_t(u8, plen, 32))
		mask->ip6[i] = plen >= 32 ? htonl(~0U) :
			       plen ? htonl(~0U << (32 - plen)) : 0;
}

/* No bits set past the prefix length: the one form a set stores. */
bool op25b_prefix_masked(const struct op25b_prefix *p)
{
	union nf_inet_addr mask;
	int i;

	make_mask(&mask, p->family, p->plen);
	for (i = 0; i < 4; i++)
		if (p->addr.all[i] & ~mask.all[i])
			return false;
	return true;
}

static int prefix_cmp(const void *a, const void *b)
{
	const struct op25b_prefix *x = a, *y = b;
	int r;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	r = memcmp(&x->addr, &y->addr, sizeof(x->addr));
	if (r)
		return r;
	return x->plen - y->plen;
}

static void comments_free(char **comments, u32 n)
{
	u32 i;

	if (!comments)
		return;
	for (i = 0; i < n; i++)
		kfree(comments[i]);
	kvfree(comments);
}

static void set_free(struct op25b_set *set)
{
	comments_free(set->comments, set->n);
	kfree(set->tables[0]);
	kfree(set->tables[1]);
	kvfree(set->slots);
	kvfree(set->entries);
	kfree(set);
}

struct set_scratch {
	u32 count[2][129];
	u32 base[2][129];
	struct op25b_ptable *tab[2][129];
};

/*
 * Build the per-prefix-length tables for set->entries. Each table gets at
 * least twice as many slots as entries, so linear probing stays short and
 * always ends at an empty slot.
 */
static int set_index(struct op25b_set *set)
{
	struct set_scratch *s;
	u32 total = 0, i;
	int f, p, err = -ENOMEM;

	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return -ENOMEM;
	for (i = 0; i < set->n; i++)
		s->count[family_idx(set->entries[i].family)][set->entries[i].plen]++;

	for (f = 0; f < 2; f++) {
		for (p = 0; p <= 128; p++) {
			if (!s->count[f][p])
				continue;
			s->base[f][p] = total;
			total += roundup_pow_of_two(s->count[f][p] * 2);
			set->ntables[f]++;
		}
		if (!set->ntables[f])
			continue;
		set->tables[f] = kcalloc(set->ntables[f],
					 sizeof(*set->tables[f]), GFP_KERNEL_ACCOUNT);
		if (!set->tables[f])
			goto out;
	}
	if (total) {
		set->slots = kvcalloc(total, sizeof(*set->slots), GFP_KERNEL_ACCOUNT);
		if (!set->slots)
			goto out;
	}

	/* Longest prefixes first: MTA hosts are the common match. */
	for (f = 0; f < 2; f++) {
		struct op25b_ptable *t = set->tables[f];

		for (p = 128; p >= 0; p--) {
			if (!s->count[f][p])
				continue;
			t->slots = set->slots + s->base[f][p];
			t->nslots_mask = roundup_pow_of_two(s->count[f][p] * 2) - 1;
			t->seed = get_random_u32();
			make_mask(&t->mask, f ? AF_INET6 : AF_INET, p);
			s->tab[f][p] = t++;
		}
	}

	for (i = 0; i < set->n; i++) {
		const struct op25b_prefix *e = &set->entries[i];
		struct op25b_ptable *t = s->tab[family_idx(e->family)][e->plen];
		u32 h = prefix_hash(&e->addr, e->family, t->seed);

		while (t->slots[h & t->nslots_mask])
			h++;
		t->slots[h & t->nslots_mask] = i + 1;
	}
	err = 0;
out:
	kfree(s);
	return err;
}

/*
 * Takes ownership of @entries, which must be sorted and free of duplicates,
 * and of @comments (may be NULL).
 */
static struct op25b_set *set_build(struct op25b_prefix *entries,
				   char **comments, u32 n)
{
	struct op25b_set *set;
	u32 i;

	set = kzalloc(sizeof(*set), GFP_KERNEL_ACCOUNT);
	if (!set) {
		kvfree(entries);
		comments_free(comments, n);
		return NULL;
	}
	refcount_set(&set->ref, 1);
	set->entries = entries;
	set->n = n;
	/* Keep a comment array only for a set that has a comment. */
	for (i = 0; comments && i < n; i++)
		if (comments[i])
			break;
	if (comments && i == n)
		comments_free(comments, n);
	else
		set->comments = comments;
	if (set_index(set)) {
		set_free(set);
		return NULL;
	}
	return set;
}

struct op25b_set *op25b_set_new_empty(void)
{
	return set_build(NULL, NULL, 0);
}

void op25b_set_get(struct op25b_set *set)
{
	refcount_inc(&set->ref);
}

void op25b_set_put(struct op25b_set *set)
{
	if (set && refcount_dec_and_test(&set->ref))
		set_free(set);
}

u32 op25b_set_size(const struct op25b_set *set)
{
	return set->n;
}

const struct op25b_prefix *op25b_set_entry(const struct op25b_set *set, u32 i)
{
	return i < set->n ? &set->entries[i] : NULL;
}

const char *op25b_set_comment(const struct op25b_set *set, u32 i)
{
	return set->comments && i < set->n ? set->comments[i] : NULL;
}

static bool comment_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Index of the first entry not below @p. */
static u32 set_lower_bound(const struct op25b_set *set,
			   const struct op25b_prefix *p)
{
	u32 lo = 0, hi = set->n;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (prefix_cmp(&set->entries[mid], p) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Copy @set's comments into a new array of @n, leaving out entry @skip and
 * leaving a hole at @hole (either may be U32_MAX: none).
 */
static char **comments_copy(const struct op25b_set *set, u32 n, u32 skip,
			    u32 hole)
{
	char **c;
	u32 i, j;

	c = kvcalloc(n, sizeof(*c), GFP_KERNEL_ACCOUNT);
	if (!c)
		return NULL;
	for (i = 0, j = 0; i < set->n; i++, j++) {
		if (i == skip) {
			j--;
			continue;
		}
		if (j == hole)
			j++;
		if (!set->comments || !set->comments[i])
			continue;
		c[j] = kstrdup(set->comments[i], GFP_KERNEL_ACCOUNT);
		if (!c[j]) {
			comments_free(c, n);
			return NULL;
		}
	}
	return c;
}

/**
 * op25b_set_change - build a copy of @set with @p added or removed
 * @set: the current set
 * @p: a prefix with no bits set past its length
 * @comment: kept with @p when adding (may be NULL)
 * @add: add @p if true, remove it if false
 * @max: most entries the new set may hold
 * @out: the new set, or NULL when nothing changes (adding a present entry
 *	 with the same comment)
 *
 * Return: 0, -ENOENT when removing an absent entry, -ENOSPC when the set is
 * full, -ENOMEM.
 */
int op25b_set_change(const struct op25b_set *set,
		     const struct op25b_prefix *p, const char *comment,
		     bool add, u32 max, struct op25b_set **out)
{
	struct op25b_prefix *entries = NULL;
	u32 pos = set_lower_bound(set, p);
	bool present = pos < set->n && !prefix_cmp(&set->entries[pos], p);
	char **comments = NULL;
	u32 n = set->n;

	*out = NULL;
	if (add && present && comment_eq(comment, op25b_set_comment(set, pos)))
		return 0;
	if (!add && !present)
		return -ENOENT;
	if (add && !present && n >= max)
		return -ENOSPC;

	if (add && !present)
		n++;
	else if (!add)
		n--;
	if (!n)
		return (*out = set_build(NULL, NULL, 0)) ? 0 : -ENOMEM;

	entries = kvmalloc_array(n, sizeof(*entries), GFP_KERNEL_ACCOUNT);
	if (!entries)
		return -ENOMEM;
	memcpy(entries, set->entries, pos * sizeof(*entries));
	if (add && !present) {
		entries[pos] = *p;
		memcpy(entries + pos + 1, set->entries + pos,
		       (set->n - pos) * sizeof(*entries));
	} else {
		memcpy(entries + pos, set->entries + pos + !add,
		       (n - pos) * sizeof(*entries));
	}

	if (set->comments || (add && comment)) {
		comments = comments_copy(set, n, add ? U32_MAX : pos,
					 add && !present ? pos : U32_MAX);
		if (!comments)
			goto nomem;
		if (add) {
			kfree(comments[pos]);
			comments[pos] = comment ? kstrdup(comment, GFP_KERNEL_ACCOUNT) :
						  NULL;
			if (comment && !comments[pos])
				goto nomem;
		}
	}
	*out = set_build(entries, comments, n);
	return *out ? 0 : -ENOMEM;

nomem:
	comments_free(comments, n);
	kvfree(entries);
	return -ENOMEM;
}

struct loaded {
	struct op25b_prefix p;
	char *comment;
	u32 idx;
};

/* By prefix, then by position in the input: the last of equals wins. */
static int loaded_cmp(const void *a, const void *b)
{
	const struct loaded *x = a, *y = b;
	int r = prefix_cmp(&x->p, &y->p);

	return r ? r : (x->idx > y->idx) - (x->idx < y->idx);
}

/**
 * op25b_set_from - build a set from an unsorted array
 * @in: prefixes, each with no bits set past its length
 * @comments: parallel to @in, or NULL; the strings are taken over (set to
 *	      NULL in @comments) whether or not this succeeds
 * @n: entries in @in
 *
 * A prefix given more than once is kept once, as given last.
 * Return: the set, or NULL when memory is short.
 */
struct op25b_set *op25b_set_from(const struct op25b_prefix *in,
				 char **comments, u32 n)
{
	struct op25b_prefix *entries = NULL;
	char **c = NULL;
	struct loaded *l;
	u32 i, m = 0;

	l = kvmalloc_array(n, sizeof(*l), GFP_KERNEL_ACCOUNT);
	for (i = 0; i < n; i++) {
		char *comment = comments ? comments[i] : NULL;

		if (comments)
			comments[i] = NULL;
		if (!l) {
			kfree(comment);
			continue;
		}
		l[i] = (struct loaded){ .p = in[i], .comment = comment, .idx = i };
	}
	if (!l && n)
		return NULL;
	sort(l, n, sizeof(*l), loaded_cmp, NULL);
	for (i = 0; i < n; i++) {
		if (m && !prefix_cmp(&l[m - 1].p, &l[i].p)) {
			kfree(l[m - 1].comment);
			l[m - 1].comment = l[i].comment;
			continue;
		}
		l[m++] = l[i];
	}
	entries = kvmalloc_array(m, sizeof(*entries), GFP_KERNEL_ACCOUNT);
	if (comments)
		c = kvcalloc(m, sizeof(*c), GFP_KERNEL_ACCOUNT);
	if ((!entries && m) || (comments && !c && m))
		goto out;
	for (i = 0; i < m; i++) {
		entries[i] = l[i].p;
		if (c) {
			c[i] = l[i].comment;
			l[i].comment = NULL;
		}
	}
	kvfree(l);
	return set_build(entries, c, m);

out:
	for (i = 0; l && i < m; i++)
		kfree(l[i].comment);
	kvfree(l);
	kvfree(entries);
	kvfree(c);
	return NULL;
}

/* Packet path: called under rcu_read_lock(). */
bool op25b_set_match(const struct op25b_set *set, u8 family,
		     const union nf_inet_addr *addr)
{
	int f = family_idx(family);
	const struct op25b_ptable *t = set->tables[f];
	const struct op25b_ptable *end = t + set->ntables[f];

	for (; t < end; t++) {
		union nf_inet_addr key;
		u32 h, idx;
		int i;

		for (i = 0; i < 4; i++)
			key.all[i] = addr->all[i] & t->mask.all[i];
		h = prefix_hash(&key, family, t->seed);
		while ((idx = t->slots[h & t->nslots_mask])) {
			if (addr_eq(&set->entries[idx - 1].addr, &key))
				return true;
			h++;
		}
	}
	return false;
}
