// SPDX-License-Identifier: GPL-2.0
/*
 * op25b: telling admins who tries port 25, without letting a flood of SYNs
 * flood the kernel log or the event listeners.
 *
 * The first denial (or audit) of a source new to the counter table is
 * logged: that line is the inventory of devices still sending on port 25.
 * Those lines have a budget of their own, shared by every netns, so that
 * root in a user namespace spoofing new sources cannot flood the host's
 * log; it is generous enough that a real network never reaches it. Later
 * denials of a known source share a small budget per netns. Events go to
 * the netlink multicast group only when someone listens, under a larger
 * budget; what the budget refuses is counted and reported with the next
 * event that goes out.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/jiffies.h>
#include <linux/netdevice.h>
#include <linux/printk.h>

#include "op25b.h"

#define OP25B_LOG_NEW_PER_SEC	200
#define OP25B_LOG_PER_SEC	10
#define OP25B_EVENTS_PER_SEC	1000

static struct op25b_budget op25b_new_source_budget;

void op25b_budget_init(struct op25b_budget *b)
{
	b->window = jiffies - HZ;
	atomic_set(&b->used, 0);
}

void op25b_report_init(void)
{
	op25b_budget_init(&op25b_new_source_budget);
}

/*
 * Once the second's budget is spent, a caller only reads: a flood writes
 * no shared cache line here (but for the count of suppressed events, and
 * only while someone listens). Two CPUs starting a new second at once may
 * let a few more through; a budget, not an exact count.
 */
static bool budget_take(struct op25b_budget *b, unsigned int per_sec)
{
	unsigned long now = jiffies, w = READ_ONCE(b->window);
	bool current_second = time_before(now, w + HZ);

	if (current_second && atomic_read(&b->used) >= per_sec)
		return false;
	if (!current_second && cmpxchg(&b->window, w, now) == w)
		atomic_set(&b->used, 0);
	return atomic_inc_return(&b->used) <= per_sec;
}

static void report_log(const struct op25b_pkt *pkt,
		       const struct nf_hook_state *state, bool audited)
{
	const char *what = audited ? "would deny" : "denied";
	const char *hook = state->hook == NF_INET_FORWARD ? "forward" :
							     "output";
	const char *out = state->out ? state->out->name : "?";

	if (pkt->family == AF_INET)
		pr_info("%s %pI4:%u -> %pI4:%u (%s, out %s)\n", what,
			&pkt->saddr.ip, ntohs(pkt->sport), &pkt->daddr.ip,
			ntohs(pkt->dport), hook, out);
	else
		pr_info("%s [%pI6c]:%u -> [%pI6c]:%u (%s, out %s)\n", what,
			&pkt->saddr.in6, ntohs(pkt->sport), &pkt->daddr.in6,
			ntohs(pkt->dport), hook, out);
}

static void report_event(struct op25b_net *pn, const struct op25b_pkt *pkt,
			 const struct nf_hook_state *state, bool audited)
{
	u64 suppressed;

	if (!op25b_nl_listened(state->net))
		return;
	if (!budget_take(&pn->event_budget, OP25B_EVENTS_PER_SEC)) {
		atomic64_inc(&pn->events_suppressed);
		return;
	}
	suppressed = atomic64_xchg(&pn->events_suppressed, 0);
	if (op25b_nl_event(state->net, pkt, state, audited, suppressed))
		atomic64_add(suppressed + 1, &pn->events_suppressed);
}

/* Packet path, after the SYN was counted. */
void op25b_report(struct op25b_net *pn, const struct op25b_pkt *pkt,
		  const struct nf_hook_state *state, bool audited,
		  bool new_source)
{
	if (new_source ?
	    budget_take(&op25b_new_source_budget, OP25B_LOG_NEW_PER_SEC) :
	    budget_take(&pn->log_budget, OP25B_LOG_PER_SEC))
		report_log(pkt, state, audited);
	report_event(pn, pkt, state, audited);
}
