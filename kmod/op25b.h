/* SPDX-License-Identifier: GPL-2.0 */
/*
 * op25b: types shared by the module's files.
 *
 * The packet path (hook.c) reads two RCU-published objects per netns: the
 * policy (what to filter, immutable once published) and the stats (where to
 * count, mutable only through per-CPU counters and per-source records).
 * Writers are the netlink handlers, serialised per netns by op25b_net.lock.
 */
#ifndef _OP25B_H
#define _OP25B_H

#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <net/netns/generic.h>
#include <linux/op25b.h>

#define OP25B_VERSION	"0.1.0"

struct net;

/* An address with its family; a host has plen 32 or 128. */
struct op25b_prefix {
	union nf_inet_addr addr;	/* bits past plen are zero */
	u8 family;			/* AF_INET or AF_INET6 */
	u8 plen;
};

/* What the packet path needs to know about one TCP segment. */
struct op25b_pkt {
	union nf_inet_addr saddr;	/* unused words are zero */
	union nf_inet_addr daddr;
	__be16 sport;
	__be16 dport;
	u8 family;
	bool syn;		/* SYN without ACK, or flags unreadable */
	bool port_unknown;	/* a first fragment without the ports */
};

/* allowlist.c: immutable prefix sets, shared between policies by refcount */
struct op25b_set;

bool op25b_prefix_masked(const struct op25b_prefix *p);
struct op25b_set *op25b_set_new_empty(void);
void op25b_set_get(struct op25b_set *set);
void op25b_set_put(struct op25b_set *set);
u32 op25b_set_size(const struct op25b_set *set);
const struct op25b_prefix *op25b_set_entry(const struct op25b_set *set,
					   u32 i);
const char *op25b_set_comment(const struct op25b_set *set, u32 i);
int op25b_set_change(const struct op25b_set *set,
		     const struct op25b_prefix *p, const char *comment,
		     bool add, u32 max, struct op25b_set **out);
struct op25b_set *op25b_set_from(const struct op25b_prefix *in,
				 char **comments, u32 n);
bool op25b_set_match(const struct op25b_set *set, u8 family,
		     const union nf_inet_addr *addr);

/* policy.c: copy-on-write per-netns policy */
struct op25b_policy {
	struct op25b_set *lists[OP25B_LIST_MAX + 1];	/* by enum op25b_list */
	u8 mode;			/* enum op25b_mode */
	u8 action;			/* enum op25b_action */
	u8 nports;
	u16 ports[OP25B_MAX_PORTS];	/* host order */
	struct rcu_work free_work;
};

struct op25b_stats;

/* A lock-free "so many per second" budget; see report.c. */
struct op25b_budget {
	unsigned long window;		/* jiffies the current second began */
	atomic_t used;
};

struct op25b_net {
	/* Read by every inspected SYN. */
	struct op25b_policy __rcu *policy;
	struct op25b_stats __rcu *stats;	/* NULL until first enabled */

	/* Written under a flood of denials: a cache line of their own. */
	struct op25b_budget log_budget ____cacheline_aligned_in_smp;
	struct op25b_budget event_budget;
	atomic64_t events_suppressed;

	struct mutex lock ____cacheline_aligned_in_smp;	/* writers */
	bool hooked;			/* hooks registered in this netns */
};

extern unsigned int op25b_net_id;
extern unsigned int op25b_max_allow;
extern unsigned int op25b_max_sources;
extern u8 op25b_default_mode;

static inline struct op25b_net *op25b_pernet(const struct net *net)
{
	return net_generic(net, op25b_net_id);
}

int op25b_net_set_hooked(struct net *net, bool on);
struct op25b_policy *op25b_policy_new(u8 mode);
struct op25b_policy *op25b_policy_dup(const struct op25b_policy *old);
void op25b_policy_free(struct op25b_policy *policy);
void op25b_policy_publish(struct op25b_net *pn, struct op25b_policy *new);
int op25b_policy_init(struct op25b_net *pn);
void op25b_policy_exit(struct op25b_net *pn);
int op25b_policy_wq_init(void);
void op25b_policy_wq_exit(void);

static inline struct op25b_policy *op25b_policy_locked(struct op25b_net *pn)
{
	return rcu_dereference_protected(pn->policy,
					 lockdep_is_held(&pn->lock));
}

static inline struct op25b_stats *op25b_stats_locked(struct op25b_net *pn)
{
	return rcu_dereference_protected(pn->stats,
					 lockdep_is_held(&pn->lock));
}

/* sources.c: per-CPU totals and the bounded per-source deny table */
struct op25b_totals {
	u64 exempt;
	u64 allowed;
	u64 audited;
	u64 denied;
	u64 untracked;
};

/* A consistent copy of one source record, for dumps. */
struct op25b_source_info {
	union nf_inet_addr addr;
	union nf_inet_addr last_dst;
	u64 denied;
	u64 audited;
	u64 first_seen;		/* ns since the epoch */
	u64 last_seen;
	u16 last_port;
	u8 family;
};

struct op25b_stats *op25b_stats_new(u32 max_sources);
void op25b_stats_get(struct op25b_stats *stats);
void op25b_stats_put(struct op25b_stats *stats);
void op25b_stats_passed(struct op25b_stats *stats, bool exempt);
bool op25b_stats_judged(struct op25b_stats *stats,
			const struct op25b_pkt *pkt, bool audited);
void op25b_stats_totals(const struct op25b_stats *stats,
			struct op25b_totals *t);
u32 op25b_stats_nsources(const struct op25b_stats *stats);

/* Resumable walk over tracked sources; see sources.c. */
struct op25b_stats_cursor {
	u32 bucket;
	u32 left;	/* entries of @bucket still to visit, 0: all */
};

int op25b_stats_walk(struct op25b_stats *stats,
		     struct op25b_stats_cursor *cur,
		     int (*fn)(const struct op25b_source_info *info, void *arg),
		     void *arg);
int op25b_sources_init(void);
void op25b_sources_exit(void);

/* hook.c */
int op25b_hooks_register(struct net *net);
void op25b_hooks_unregister(struct net *net);

/* report.c: kernel log lines and events for denied and audited SYNs */
void op25b_budget_init(struct op25b_budget *b);
void op25b_report_init(void);
void op25b_report(struct op25b_net *pn, const struct op25b_pkt *pkt,
		  const struct nf_hook_state *state, bool audited,
		  bool new_source);

/* netlink.c */
int op25b_genl_init(void);
void op25b_genl_exit(void);
bool op25b_nl_listened(struct net *net);
int op25b_nl_event(struct net *net, const struct op25b_pkt *pkt,
		   const struct nf_hook_state *state, bool audited,
		   u64 suppressed);

#endif /* _OP25B_H */
