// SPDX-License-Identifier: GPL-2.0
/*
 * op25b: the packet path. Parse, decide, act.
 *
 * Hooked at LOCAL_OUT (the gateway's own processes) and FORWARD (hosts
 * behind it), IPv4 and IPv6. Past the network header, which the stack keeps
 * linear on these hooks, every header is read with skb_header_pointer, so a
 * truncated or non-linear packet is never read out of bounds.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <asm/unaligned.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/tcp.h>
#include <net/netfilter/ipv4/nf_reject.h>
#include <net/netfilter/ipv6/nf_reject.h>

#include "op25b.h"

enum parse_result {
	PARSE_PASS,	/* nothing for op25b: not TCP, or not judgeable */
	PARSE_INSPECT,	/* a TCP segment: see pkt */
	PARSE_DROP,	/* a fragment that can only be an attack */
};

/*
 * The TCP header up to and including the flags byte. A first fragment
 * that carries the ports but not the flags is treated as a SYN, so that
 * splitting the header across fragments cannot let a SYN past (RFC 1858).
 * A first fragment without even the ports breaks RFC 7112; it may still
 * be a SYN to a blocked port for a lenient receiver, so it is judged as one
 * to an unknown port (0).
 */
static enum parse_result parse_tcp(const struct sk_buff *skb,
				   unsigned int thoff, bool fragment,
				   struct op25b_pkt *pkt)
{
	u8 buf[offsetof(struct tcphdr, window)];
	const __be16 *ports;
	const u8 *th;

	th = skb_header_pointer(skb, thoff, sizeof(buf), buf);
	if (th) {
		u8 flags = th[offsetof(struct tcphdr, window) - 1];

		pkt->sport = get_unaligned((const __be16 *)th);
		pkt->dport = get_unaligned((const __be16 *)(th + 2));
		pkt->port_unknown = false;
		pkt->syn = (flags & (TCPHDR_SYN | TCPHDR_ACK)) == TCPHDR_SYN;
		return PARSE_INSPECT;
	}
	ports = skb_header_pointer(skb, thoff, 2 * sizeof(__be16), buf);
	if (!ports && !fragment)
		return PARSE_PASS;	/* a runt no receiver takes for a SYN */
	pkt->sport = ports ? ports[0] : 0;
	pkt->dport = ports ? ports[1] : 0;
	pkt->port_unknown = !ports;
	pkt->syn = true;
	return PARSE_INSPECT;
}

/*
 * A TCP fragment at offset 8 can only rewrite the flags of a first fragment
 * already judged, since no real stack sends a first fragment that short
 * (RFC 1858, section 3.2).
 */
static enum parse_result parse_later_fragment(int proto, unsigned int offset)
{
	return proto == IPPROTO_TCP && offset == 8 ? PARSE_DROP : PARSE_PASS;
}

static enum parse_result parse_ipv4(const struct sk_buff *skb,
				    struct op25b_pkt *pkt)
{
	const struct iphdr *iph;
	struct iphdr _iph;
	u16 frag;

	iph = skb_header_pointer(skb, skb_network_offset(skb), sizeof(_iph),
				 &_iph);
	if (!iph || iph->protocol != IPPROTO_TCP || iph->ihl < 5)
		return PARSE_PASS;
	frag = ntohs(iph->frag_off);
	if (frag & IP_OFFSET)
		return parse_later_fragment(IPPROTO_TCP, (frag & IP_OFFSET) * 8);
	pkt->family = AF_INET;
	return parse_tcp(skb, skb_network_offset(skb) + iph->ihl * 4,
			 frag & IP_MF, pkt);
}

static enum parse_result parse_ipv6(struct sk_buff *skb,
				    struct op25b_pkt *pkt)
{
	unsigned int thoff = 0;
	unsigned short fragoff;
	int proto, flags = 0;
	bool fragment;

	proto = ipv6_find_hdr(skb, &thoff, -1, &fragoff, &flags);
	fragment = flags & IP6_FH_F_FRAG;
	if (fragoff)
		return parse_later_fragment(proto, fragoff);
	if (proto != IPPROTO_TCP && !(proto == -EBADMSG && fragment))
		return PARSE_PASS;

	pkt->family = AF_INET6;
	/*
	 * A first fragment whose header chain ends before the upper-layer
	 * header breaks RFC 8200 and may hide a TCP SYN: judge it as one.
	 */
	if (proto == -EBADMSG) {
		pkt->sport = 0;
		pkt->dport = 0;
		pkt->port_unknown = true;
		pkt->syn = true;
		return PARSE_INSPECT;
	}
	return parse_tcp(skb, thoff, fragment, pkt);
}

/*
 * The addresses, read only for a SYN to a blocked port: most packets never
 * need them. The network header is linear at LOCAL_OUT and FORWARD.
 */
static void read_addrs(const struct sk_buff *skb, struct op25b_pkt *pkt)
{
	if (pkt->family == AF_INET) {
		const struct iphdr *iph = ip_hdr(skb);

		pkt->saddr = (union nf_inet_addr){ .ip = iph->saddr };
		pkt->daddr = (union nf_inet_addr){ .ip = iph->daddr };
	} else {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		pkt->saddr.in6 = ip6h->saddr;
		pkt->daddr.in6 = ip6h->daddr;
	}
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

/*
 * Inside the source scope: the scope is empty (everything is), or matches.
 * Outside it, op25b only audits: the staged rollout's pilot segment.
 */
static bool in_scope(const struct op25b_policy *policy,
		     const struct op25b_pkt *pkt)
{
	const struct op25b_set *scope = policy->lists[OP25B_LIST_SCOPE];

	return !op25b_set_size(scope) ||
	       op25b_set_match(scope, pkt->family, &pkt->saddr);
}

static unsigned int op25b_hook(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	const struct op25b_policy *policy;
	struct op25b_stats *stats;
	enum parse_result res;
	struct op25b_pkt pkt;
	const struct dst_entry *dst;
	struct op25b_net *pn;
	bool audit, new_source;

	/*
	 * A local MTA on 127.0.0.1, or the gateway's own addresses. The
	 * route, not state->out: a NAT in OUTPUT may have rerouted the packet
	 * (REDIRECT to a local relay) since the hook state was made.
	 */
	dst = skb_dst(skb);
	if (dst && dst->dev->flags & IFF_LOOPBACK)
		return NF_ACCEPT;

	res = state->pf == NFPROTO_IPV4 ? parse_ipv4(skb, &pkt) :
					  parse_ipv6(skb, &pkt);
	if (res == PARSE_DROP)
		return NF_DROP;
	if (res == PARSE_PASS || !pkt.syn)
		return NF_ACCEPT;

	pn = op25b_pernet(state->net);
	policy = rcu_dereference(pn->policy);
	if (!pkt.port_unknown && !port_blocked(policy, pkt.dport))
		return NF_ACCEPT;
	read_addrs(skb, &pkt);

	stats = rcu_dereference(pn->stats);
	if (op25b_set_match(policy->lists[OP25B_LIST_EXEMPT], pkt.family,
			    &pkt.daddr)) {
		op25b_stats_passed(stats, true);
		return NF_ACCEPT;
	}
	if (op25b_set_match(policy->lists[OP25B_LIST_ALLOW], pkt.family,
			    &pkt.saddr)) {
		op25b_stats_passed(stats, false);
		return NF_ACCEPT;
	}

	audit = policy->mode == OP25B_MODE_AUDIT || !in_scope(policy, &pkt);
	new_source = op25b_stats_judged(stats, &pkt, audit);
	op25b_report(pn, &pkt, state, audit, new_source);
	return audit ? NF_ACCEPT : deny(skb, state, policy->action);
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
