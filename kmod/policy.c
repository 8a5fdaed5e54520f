// SPDX-License-Identifier: GPL-2.0
/*
 * op25b: the per-netns policy, copy-on-write.
 *
 * A writer (under op25b_net.lock) duplicates the published policy, changes the
 * copy and publishes it; the old one is freed after a grace period from a
 * workqueue, since freeing a large allowlist may sleep. A packet therefore
 * sees either the whole old policy or the whole new one.
 */
#include <linux/slab.h>

#include "op25b.h"

static struct workqueue_struct *op25b_wq;

void op25b_policy_free(struct op25b_policy *policy)
{
	int i;

	if (!policy)
		return;
	for (i = 0; i <= OP25B_LIST_MAX; i++)
		op25b_set_put(policy->lists[i]);
	kfree(policy);
}

static void policy_free_work(struct work_struct *work)
{
	op25b_policy_free(container_of(to_rcu_work(work), struct op25b_policy,
				       free_work));
}

struct op25b_policy *op25b_policy_dup(const struct op25b_policy *old)
{
	struct op25b_policy *p;
	int i;

	p = kmemdup(old, sizeof(*old), GFP_KERNEL_ACCOUNT);
	if (!p)
		return NULL;
	for (i = 0; i <= OP25B_LIST_MAX; i++)
		op25b_set_get(p->lists[i]);
	return p;
}

void op25b_policy_publish(struct op25b_net *pn, struct op25b_policy *new)
{
	struct op25b_policy *old = op25b_policy_locked(pn);

	rcu_assign_pointer(pn->policy, new);
	INIT_RCU_WORK(&old->free_work, policy_free_work);
	queue_rcu_work(op25b_wq, &old->free_work);
}

/* A policy with the defaults: @mode, reject, port 25, empty lists. */
struct op25b_policy *op25b_policy_new(u8 mode)
{
	struct op25b_policy *p;
	int i;

	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p)
		return NULL;
	for (i = 0; i <= OP25B_LIST_MAX; i++) {
		p->lists[i] = op25b_set_new_empty();
		if (!p->lists[i]) {
			op25b_policy_free(p);
			return NULL;
		}
	}
	p->mode = mode;
	p->action = OP25B_ACTION_REJECT;
	p->nports = 1;
	p->ports[0] = 25;
	return p;
}

int op25b_policy_init(struct op25b_net *pn)
{
	struct op25b_policy *p = op25b_policy_new(op25b_default_mode);

	if (!p)
		return -ENOMEM;
	RCU_INIT_POINTER(pn->policy, p);
	return 0;
}

/* The netns is going: its hooks are gone and a grace period has passed. */
void op25b_policy_exit(struct op25b_net *pn)
{
	op25b_policy_free(rcu_dereference_protected(pn->policy, true));
}

int op25b_policy_wq_init(void)
{
	op25b_wq = alloc_workqueue("op25b", 0, 0);
	return op25b_wq ? 0 : -ENOMEM;
}

/* After every netns has gone: wait for pending frees, then stop. */
void op25b_policy_wq_exit(void)
{
	rcu_barrier();
	destroy_workqueue(op25b_wq);
}
