// SPDX-License-Identifier: GPL-2.0
/*
 * A benchmark reference, not part of op25b: one netfilter hook on IPv4
 * FORWARD, at filter priority, in every netns, that accepts every packet
 * and does nothing else. tests/bench measures the pass path with it to
 * show what the hook call itself costs, below which no netfilter hook
 * filter can go.
 */
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <net/net_namespace.h>

static unsigned int noop_hook(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	return NF_ACCEPT;
}

static const struct nf_hook_ops noop_ops = {
	.hook		= noop_hook,
	.pf		= NFPROTO_IPV4,
	.hooknum	= NF_INET_FORWARD,
	.priority	= NF_IP_PRI_FILTER,
};

static int __net_init noop_net_init(struct net *net)
{
	return nf_register_net_hook(net, &noop_ops);
}

static void __net_exit noop_net_exit(struct net *net)
{
	nf_unregister_net_hook(net, &noop_ops);
}

static struct pernet_operations noop_net_ops = {
	.init = noop_net_init,
	.exit = noop_net_exit,
};

static int __init noop_init(void)
{
	return register_pernet_subsys(&noop_net_ops);
}

static void __exit noop_exit(void)
{
	unregister_pernet_subsys(&noop_net_ops);
}

module_init(noop_init);
module_exit(noop_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("op25b bench: an IPv4 FORWARD hook that accepts everything");
