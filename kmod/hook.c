// SPDX-License-Identifier: GPL-2.0
/*
 * op25b: the packet path. Parse, decide, act.
 *
 * Hooked at LOCAL_OUT (the gateway's own processes) and FORWARD (hosts
 * behind it), IPv4 and IPv6. Every header is read with skb_header_pointer,
 * so a truncated or non-linear packet is never read out of bounds.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/tcp.h>
#include <net/netfilter/ipv4/nf_reject.h>
#include <net/netfilter/ipv6/nf_reject.h>

#include "op25b.h"

/*
 * The TCP header up to and including the flags byte. A first fragment
 * that carries the ports but not the flags is treated as a SYN: splitting
 * the header across fragments must not let a SYN past (RFC 1858).
 */
static bool parse_tcp(const struct sk_buff *skb, unsigned int thoff,
		      struct op25b_pkt *pkt)
{
	u8 buf[offsetof(struct tcphdr, window)];
	const u8 *th;
	const __be16 *ports;
	u8 flags;

	th = skb_header_pointer(skb, thoff, sizeof(buf), buf);
	if (th) {
		flags = th[offsetof(struct tcphdr, window) - 1];
		pkt->dport = ((const __be16 *)th)[1];
		pkt->syn = (flags & (TCPHDR_SYN | TCPHDR_ACK)) == TCPHDR_SYN;
		return true;
	}
	ports = skb_header_pointer(skb, thoff, 2 * sizeof(__be16), buf);
	if (!ports)
		return false;
	pkt->dport = ports[1];
	pkt->syn = true;
	return true;
}

static bool parse_ipv4(const struct sk_buff *skb, struct op25b_pkt *pkt)
{
	const struct iphdr *iph;
	struct iphdr _iph;

	iph = skb_header_pointer(skb, skb_network_offset(skb), sizeof(_iph),
				 &_iph);
	/* Later fragments carry no TCP header to judge: the first one does. */
	if (!iph || iph->protocol != IPPROTO_TCP || iph->ihl < 5 ||
	    iph->frag_off & htons(IP_OFFSET))
		return false;
	pkt->family = AF_INET;
	pkt->saddr = (union nf_inet_addr){ .ip = iph->saddr };
	pkt->daddr = (union nf_inet_addr){ .ip = iph->daddr };
	return parse_tcp(skb, skb_network_offset(skb) + iph->ihl * 4, pkt);
}

static bool parse_ipv6(const struct sk_buff *skb, struct op25b_pkt *pkt)
{
	const struct ipv6hdr *ip6h;
	struct ipv6hdr _ip6h;
	__be16 frag_off;
	u8 nexthdr;
	int thoff;

	ip6h = skb_header_pointer(skb, skb_network_offset(skb), sizeof(_ip6h),
				  &_ip6h);
	if (!ip6h)
		return false;
	nexthdr = ip6h->nexthdr;
	thoff = ipv6_skip_exthdr(skb, skb_network_offset(skb) + sizeof(_ip6h),
				 &nexthdr, &frag_off);
	if (thoff < 0 || nexthdr != IPPROTO_TCP ||
	    frag_off & htons(~0x7))
		return false;
	pkt->family = AF_INET6;
	pkt->saddr.in6 = ip6h->saddr;
	pkt->daddr.in6 = ip6h->daddr;
	return parse_tcp(skb, thoff, pkt);
}

static bool port_blocked(const struct op25b_policy *policy, __be16 port)
{
	u16 p = ntohs(port);
	int i;

	for (i = 0; i < policy->nports; i++)
		if (policy->ports[i] == p)
			return true;
	return false;
}

static unsigned int deny(struct sk_buff *skb,
			 const struct nf_hook_state *state, u8 action)
{
	if (action != OP25B_ACTION_REJECT)
		return NF_DROP;
	/*
	 * A local connect() gets the error straight from its own send, as
	 * tcp_connect() returns ECONNREFUSED without waiting for a reply.
	 */
	if (state->hook == NF_INET_LOCAL_OUT)
		return NF_DROP_ERR(-ECONNREFUSED);
	if (state->pf == NFPROTO_IPV4)
		nf_send_reset(state->net, state->sk, skb, state->hook);
	else
		nf_send_reset6(state->net, state->sk, skb, state->hook);
	return NF_DROP;
}

static unsigned int op25b_hook(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	const struct op25b_policy *policy;
	struct op25b_stats *stats;
	struct op25b_pkt pkt;
	struct op25b_net *pn;
	bool ok;

	/* A local MTA on 127.0.0.1, or the gateway's own addresses. */
	if (state->out && state->out->flags & IFF_LOOPBACK)
		return NF_ACCEPT;

	ok = state->pf == NFPROTO_IPV4 ? parse_ipv4(skb, &pkt) :
					 parse_ipv6(skb, &pkt);
	if (!ok || !pkt.syn)
		return NF_ACCEPT;

	pn = op25b_pernet(state->net);
	policy = rcu_dereference(pn->policy);
	if (!port_blocked(policy, pkt.dport))
		return NF_ACCEPT;

	stats = rcu_dereference(pn->stats);
	if (op25b_set_match(policy->allow, pkt.family, &pkt.saddr)) {
		op25b_stats_allowed(stats);
		return NF_ACCEPT;
	}
	op25b_stats_denied(stats, &pkt);
	return deny(skb, state, policy->action);
}

static const struct nf_hook_ops op25b_ops[] = {
	{
		.hook		= op25b_hook,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_OUT,
		.priority	= NF_IP_PRI_FILTER,
	},
	{
		.hook		= op25b_hook,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_FORWARD,
		.priority	= NF_IP_PRI_FILTER,
	},
	{
		.hook		= op25b_hook,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_OUT,
		.priority	= NF_IP6_PRI_FILTER,
	},
	{
		.hook		= op25b_hook,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_FORWARD,
		.priority	= NF_IP6_PRI_FILTER,
	},
};

int op25b_hooks_register(struct net *net)
{
	return nf_register_net_hooks(net, op25b_ops, ARRAY_SIZE(op25b_ops));
}

void op25b_hooks_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, op25b_ops, ARRAY_SIZE(op25b_ops));
}
