// SPDX-License-Identifier: GPL-2.0
/*
 * op25b: deny counters.
 *
 * Totals are per-CPU. Denied and audited sources live in a hash table of fixed bucket
 * count whose chains only ever grow at the head, by cmpxchg: the packet
 * path finds or adds its source without taking a lock, and an entry, once
 * published, stays until the whole table is retired (by a reset, or when
 * its netns goes). The number of entries is bounded by max_sources; past
 * it a source is still denied (or audited) and counted as untracked, and
 * nothing is allocated.
 *
 * A table is refcounted so that a multi-part netlink dump can keep walking
 * the table it started on after a reset has replaced it.
 */
#include <linux/atomic.h>
#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/refcount.h>
#include <linux/seqlock.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/timekeeping.h>
#include <linux/u64_stats_sync.h>

#include "op25b.h"

struct op25b_source {
	struct op25b_source __rcu *next;
	union nf_inet_addr addr;
	unsigned long busy;		/* bit 0: an update is in progress */
	atomic64_t denied;
	atomic64_t audited;
	u64 first_seen;
	u64 last_seen;
	union nf_inet_addr last_dst;
	seqcount_t seq;			/* guards the last_* fields */
	__be16 last_port;
	u8 family;
};

struct op25b_pcpu_totals {
	u64_stats_t exempt;
	u64_stats_t allowed;
	u64_stats_t audited;
	u64_stats_t denied;
	u64_stats_t untracked;
	struct u64_stats_sync syncp;
};

struct op25b_stats {
	refcount_t ref;
	u32 max;
	atomic_t nr;
	u32 seed;
	u32 mask;			/* buckets - 1 */
	struct op25b_pcpu_totals __percpu *pcpu;
	struct op25b_source __rcu *buckets[];
};

static struct kmem_cache *op25b_source_cache;

/*
 * A quarter as many buckets as sources: chains of four at most on average
 * when the table is full, for 2 bytes of bucket array per possible source.
 */
static u32 stats_nbuckets(u32 max)
{
	return max < 64 ? 16 : roundup_pow_of_two(max) / 4;
}

struct op25b_stats *op25b_stats_new(u32 max)
{
	u32 nb = stats_nbuckets(max);
	struct op25b_stats *s;
	int cpu;

	s = kvzalloc(struct_size(s, buckets, nb), GFP_KERNEL_ACCOUNT);
	if (!s)
		return NULL;
	s->pcpu = alloc_percpu_gfp(struct op25b_pcpu_totals,
				   GFP_KERNEL_ACCOUNT);
	if (!s->pcpu) {
		kvfree(s);
		return NULL;
	}
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(s->pcpu, cpu)->syncp);
	refcount_set(&s->ref, 1);
	s->max = max;
	s->seed = get_random_u32();
	s->mask = nb - 1;
	return s;
}

void op25b_stats_get(struct op25b_stats *s)
{
	refcount_inc(&s->ref);
}

/*
 * The last reference goes only once no packet can reach @s: the netns drops
 * its own after a grace period, dumps are in process context.
 */
void op25b_stats_put(struct op25b_stats *s)
{
	struct op25b_source *e, *next;
	u32 b;

	if (!s || !refcount_dec_and_test(&s->ref))
		return;
	for (b = 0; b <= s->mask; b++) {
		for (e = rcu_dereference_protected(s->buckets[b], true); e;
		     e = next) {
			next = rcu_dereference_protected(e->next, true);
			kmem_cache_free(op25b_source_cache, e);
		}
	}
	free_percpu(s->pcpu);
	kvfree(s);
}

static u32 source_hash(const struct op25b_stats *s, const struct op25b_pkt *p)
{
	if (p->family == AF_INET)
		return jhash_1word((__force u32)p->saddr.ip, s->seed);
	return jhash2(p->saddr.all, 4, s->seed);
}

static bool source_is(const struct op25b_source *e, const struct op25b_pkt *p)
{
	return e->family == p->family &&
	       !memcmp(&e->addr, &p->saddr, sizeof(e->addr));
}

/* Search the chain from @e up to, not including, @stop. */
static struct op25b_source *chain_find(struct op25b_source *e,
				       const struct op25b_source *stop,
				       const struct op25b_pkt *p)
{
	for (; e && e != stop; e = rcu_dereference(e->next))
		if (source_is(e, p))
			return e;
	return NULL;
}

/*
 * Find the record of @p's source, or add one already counting this packet
 * (*added is then true). NULL: the table is full or memory is short.
 */
static struct op25b_source *source_get(struct op25b_stats *s,
				       const struct op25b_pkt *p, u64 now,
				       bool audited, bool *added)
{
	struct op25b_source __rcu **head;
	struct op25b_source *first, *cur, *old, *e;

	head = &s->buckets[source_hash(s, p) & s->mask];
	first = rcu_dereference(*head);
	e = chain_find(first, NULL, p);
	if (e)
		return e;

	if (!atomic_add_unless(&s->nr, 1, s->max))
		return NULL;
	e = kmem_cache_zalloc(op25b_source_cache, GFP_ATOMIC | __GFP_NOWARN);
	if (!e) {
		atomic_dec(&s->nr);
		return NULL;
	}
	e->addr = p->saddr;
	e->family = p->family;
	seqcount_init(&e->seq);
	atomic64_set(audited ? &e->audited : &e->denied, 1);
	e->first_seen = now;
	e->last_seen = now;
	e->last_dst = p->daddr;
	e->last_port = p->dport;

	/*
	 * Publish at the head. On a lost race only the entries added since
	 * @first need a look: the rest were searched above.
	 */
	for (;;) {
		RCU_INIT_POINTER(e->next, first);
		cur = unrcu_pointer(cmpxchg(head, RCU_INITIALIZER(first),
					    RCU_INITIALIZER(e)));
		if (cur == first) {
			*added = true;
			return e;
		}
		/* Not the head re-read: what cmpxchg saw is what was searched. */
		old = chain_find(cur, first, p);
		if (old) {
			kmem_cache_free(op25b_source_cache, e);
			atomic_dec(&s->nr);
			return old;
		}
		first = cur;
	}
}

/*
 * The last_* fields change together. A CPU that finds another one updating
 * them skips its update rather than wait: the other one's is as recent.
 */
static void source_touch(struct op25b_source *e, const struct op25b_pkt *p,
			 u64 now)
{
	if (test_and_set_bit_lock(0, &e->busy))
		return;
	raw_write_seqcount_begin(&e->seq);
	e->last_seen = now;
	e->last_dst = p->daddr;
	e->last_port = p->dport;
	raw_write_seqcount_end(&e->seq);
	clear_bit_unlock(0, &e->busy);
}

/* An exempt destination or an allowed source. */
void op25b_stats_passed(struct op25b_stats *s, bool exempt)
{
	struct op25b_pcpu_totals *t;

	local_bh_disable();
	t = this_cpu_ptr(s->pcpu);
	u64_stats_update_begin(&t->syncp);
	u64_stats_inc(exempt ? &t->exempt : &t->allowed);
	u64_stats_update_end(&t->syncp);
	local_bh_enable();
}

/*
 * A denied or audited SYN, counted against its source. Packet path, under
 * rcu_read_lock(). Return: true if the source is new to the table.
 */
bool op25b_stats_judged(struct op25b_stats *s, const struct op25b_pkt *p,
			bool audited)
{
	u64 now = ktime_get_coarse_real_ns();
	struct op25b_pcpu_totals *t;
	struct op25b_source *e;
	bool added = false;

	/*
	 * BH off: LOCAL_OUT runs in process context, and a softirq on this
	 * CPU must not see the per-CPU totals or a record mid-update.
	 */
	local_bh_disable();
	e = source_get(s, p, now, audited, &added);
	if (e && !added) {
		atomic64_inc(audited ? &e->audited : &e->denied);
		source_touch(e, p, now);
	}
	t = this_cpu_ptr(s->pcpu);
	u64_stats_update_begin(&t->syncp);
	u64_stats_inc(audited ? &t->audited : &t->denied);
	if (!e)
		u64_stats_inc(&t->untracked);
	u64_stats_update_end(&t->syncp);
	local_bh_enable();
	return added;
}

void op25b_stats_totals(const struct op25b_stats *s, struct op25b_totals *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	if (!s)
		return;
	for_each_possible_cpu(cpu) {
		const struct op25b_pcpu_totals *t = per_cpu_ptr(s->pcpu, cpu);
		struct op25b_totals c;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&t->syncp);
			c.exempt = u64_stats_read(&t->exempt);
			c.allowed = u64_stats_read(&t->allowed);
			c.audited = u64_stats_read(&t->audited);
			c.denied = u64_stats_read(&t->denied);
			c.untracked = u64_stats_read(&t->untracked);
		} while (u64_stats_fetch_retry(&t->syncp, start));
		sum->exempt += c.exempt;
		sum->allowed += c.allowed;
		sum->audited += c.audited;
		sum->denied += c.denied;
		sum->untracked += c.untracked;
	}
}

u32 op25b_stats_nsources(const struct op25b_stats *s)
{
	return s ? atomic_read(&s->nr) : 0;
}

static void source_read(const struct op25b_source *e,
			struct op25b_source_info *info)
{
	unsigned int seq;

	info->addr = e->addr;
	info->family = e->family;
	info->denied = atomic64_read(&e->denied);
	info->audited = atomic64_read(&e->audited);
	info->first_seen = e->first_seen;
	do {
		seq = read_seqcount_begin(&e->seq);
		info->last_seen = e->last_seen;
		info->last_dst = e->last_dst;
		info->last_port = ntohs(e->last_port);
	} while (read_seqcount_retry(&e->seq, seq));
}

/**
 * op25b_stats_walk - call @fn for each tracked source, resumably
 * @s: a table the caller holds a reference on
 * @cur: where to start; zeroed for the first call
 * @fn: returns 0 to go on, or an error to stop before this entry
 * @arg: passed to @fn
 *
 * Chains only grow at the head, so the entries of a bucket still to visit
 * are always the last @cur->left of its chain: a walk resumed after
 * insertions neither repeats nor skips an entry that existed when it
 * stopped.
 *
 * Return: 0 when the walk is complete, else what @fn returned.
 */
int op25b_stats_walk(struct op25b_stats *s, struct op25b_stats_cursor *cur,
		     int (*fn)(const struct op25b_source_info *info, void *arg),
		     void *arg)
{
	struct op25b_source_info info;
	int err = 0;

	rcu_read_lock();
	for (; cur->bucket <= s->mask; cur->bucket++, cur->left = 0) {
		struct op25b_source *first, *e;
		u32 len = 0, i = 0;

		first = rcu_dereference(s->buckets[cur->bucket]);
		for (e = first; e; e = rcu_dereference(e->next))
			len++;
		for (e = first; e; e = rcu_dereference(e->next), i++) {
			if (cur->left && i < len - cur->left)
				continue;
			source_read(e, &info);
			err = fn(&info, arg);
			if (err) {
				cur->left = len - i;
				goto out;
			}
		}
	}
out:
	rcu_read_unlock();
	return err;
}

int op25b_sources_init(void)
{
	op25b_source_cache = KMEM_CACHE(op25b_source, SLAB_ACCOUNT);
	return op25b_source_cache ? 0 : -ENOMEM;
}

void op25b_sources_exit(void)
{
	kmem_cache_destroy(op25b_source_cache);
}
