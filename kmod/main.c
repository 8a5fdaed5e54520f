// SPDX-License-Identifier: GPL-2.0
/*
 * op25b: Outbound Port 25 Blocking.
 *
 * Module setup: parameters, per-netns state, registration order.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include "op25b.h"

/* Bounds on what userspace and traffic can make the module allocate. */
#define OP25B_LIMIT	BIT(24)

unsigned int op25b_max_allow = 65536;
module_param_named(max_allow, op25b_max_allow, uint, 0444);
MODULE_PARM_DESC(max_allow, "Most allowlist entries per netns (default 65536)");

unsigned int op25b_max_sources = 65536;
module_param_named(max_sources, op25b_max_sources, uint, 0444);
MODULE_PARM_DESC(max_sources,
		 "Most denied sources tracked per netns; more are counted as untracked (default 65536)");

static char *mode = "enforce";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "enforce or audit: the mode of every netns at first (default enforce)");

u8 op25b_default_mode;

static bool all_netns;
module_param(all_netns, bool, 0444);
MODULE_PARM_DESC(all_netns,
		 "Filter in every netns, existing and new, not only the initial one (default 0)");

unsigned int op25b_net_id __read_mostly;

/**
 * op25b_net_set_hooked - start or stop filtering in @net
 * @net: the netns, whose op25b_net.lock the caller holds
 * @on: register the hooks if true, unregister them if false
 *
 * Counters are allocated the first time a netns is enabled, so namespaces
 * that never use op25b cost only their policy.
 */
int op25b_net_set_hooked(struct net *net, bool on)
{
	struct op25b_net *pn = op25b_pernet(net);
	int err;

	if (on == pn->hooked)
		return 0;
	if (!on) {
		op25b_hooks_unregister(net);
		pn->hooked = false;
		return 0;
	}
	if (!op25b_stats_locked(pn)) {
		struct op25b_stats *stats = op25b_stats_new(op25b_max_sources);

		if (!stats)
			return -ENOMEM;
		rcu_assign_pointer(pn->stats, stats);
	}
	err = op25b_hooks_register(net);
	if (err)
		return err;
	pn->hooked = true;
	return 0;
}

static int __net_init op25b_net_init(struct net *net)
{
	struct op25b_net *pn = op25b_pernet(net);
	int err;

	mutex_init(&pn->lock);
	op25b_budget_init(&pn->log_budget);
	op25b_budget_init(&pn->event_budget);
	atomic64_set(&pn->events_suppressed, 0);
	err = op25b_policy_init(pn);
	if (err)
		return err;

	/*
	 * Other namespaces (containers, test hosts) opt in, as they start
	 * with an empty firewall: a module that suddenly filtered every
	 * container's mail would surprise more than it protects.
	 */
	if (net_eq(net, &init_net) || all_netns) {
		mutex_lock(&pn->lock);
		err = op25b_net_set_hooked(net, true);
		mutex_unlock(&pn->lock);
		if (err) {
			op25b_stats_put(rcu_dereference_protected(pn->stats,
								  true));
			op25b_policy_exit(pn);
			return err;
		}
	}
	return 0;
}

static void __net_exit op25b_net_pre_exit(struct net *net)
{
	struct op25b_net *pn = op25b_pernet(net);

	mutex_lock(&pn->lock);
	op25b_net_set_hooked(net, false);
	mutex_unlock(&pn->lock);
}

/* The core waits for a grace period between pre_exit and exit. */
static void __net_exit op25b_net_exit(struct net *net)
{
	struct op25b_net *pn = op25b_pernet(net);

	op25b_policy_exit(pn);
	op25b_stats_put(rcu_dereference_protected(pn->stats, true));
	mutex_destroy(&pn->lock);
}

static struct pernet_operations op25b_net_ops = {
	.init		= op25b_net_init,
	.pre_exit	= op25b_net_pre_exit,
	.exit		= op25b_net_exit,
	.id		= &op25b_net_id,
	.size		= sizeof(struct op25b_net),
};

static int __init op25b_init(void)
{
	int err;

	if (op25b_max_allow > OP25B_LIMIT || op25b_max_sources > OP25B_LIMIT) {
		pr_err("max_allow and max_sources may be %lu at most\n",
		       OP25B_LIMIT);
		return -EINVAL;
	}
	if (sysfs_streq(mode, "audit")) {
		op25b_default_mode = OP25B_MODE_AUDIT;
	} else if (!sysfs_streq(mode, "enforce")) {
		pr_err("mode must be enforce or audit, not '%s'\n", mode);
		return -EINVAL;
	}
	op25b_report_init();
	err = op25b_sources_init();
	if (err)
		return err;
	err = op25b_policy_wq_init();
	if (err)
		goto err_sources;
	err = register_pernet_subsys(&op25b_net_ops);
	if (err)
		goto err_wq;
	err = op25b_genl_init();
	if (err)
		goto err_pernet;
	pr_info(OP25B_VERSION " loaded, mode %s\n", mode);
	return 0;

err_pernet:
	unregister_pernet_subsys(&op25b_net_ops);
err_wq:
	op25b_policy_wq_exit();
err_sources:
	op25b_sources_exit();
	return err;
}

static void __exit op25b_exit(void)
{
	/* No more commands first; then no more packets; then free. */
	op25b_genl_exit();
	unregister_pernet_subsys(&op25b_net_ops);
	op25b_policy_wq_exit();
	op25b_sources_exit();
}

module_init(op25b_init);
module_exit(op25b_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("op25b developers");
MODULE_DESCRIPTION("Outbound Port 25 Blocking: deny SMTP SYNs from sources not on an allowlist");
MODULE_VERSION(OP25B_VERSION);
