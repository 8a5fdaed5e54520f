// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "model.h"

void *vec_push(struct vec *v)
{
	char *item;

	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 16;
		void *items;

		if (cap > SIZE_MAX / v->size) {
			errno = ENOMEM;
			return NULL;
		}
		items = realloc(v->items, cap * v->size);
		if (!items)
			return NULL;
		v->items = items;
		v->cap = cap;
	}
	item = (char *)v->items + v->n++ * v->size;
	memset(item, 0, v->size);
	return item;
}

void vec_free(struct vec *v)
{
	free(v->items);
	v->items = NULL;
	v->n = v->cap = 0;
}

size_t family_addr_len(uint16_t family)
{
	switch (family) {
	case AF_INET:
		return 4;
	case AF_INET6:
		return 16;
	default:
		return 0;
	}
}

int addr_cmp(uint16_t fa, const uint8_t *a, uint16_t fb, const uint8_t *b)
{
	if (fa != fb)
		return fa < fb ? -1 : 1;	/* AF_INET < AF_INET6 */
	return memcmp(a, b, family_addr_len(fa));
}

int prefix_cmp(const struct op25b_prefix *a, const struct op25b_prefix *b)
{
	int c = addr_cmp(a->family, a->addr, b->family, b->addr);

	if (c)
		return c;
	return a->plen == b->plen ? 0 : a->plen < b->plen ? -1 : 1;
}

void policy_init(struct op25b_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->mode = OP25B_MODE_ENFORCE;
	p->action = OP25B_ACTION_REJECT;
	p->ports[0] = 25;
	p->nports = 1;
	p->entries = (struct vec)VEC_INIT(struct op25b_entry);
}

void policy_free(struct op25b_policy *p)
{
	vec_free(&p->entries);
}

static int entry_cmp(const struct op25b_entry *a, const struct op25b_entry *b)
{
	if (a->list != b->list)
		return a->list < b->list ? -1 : 1;
	return prefix_cmp(&a->prefix, &b->prefix);
}

/* Indices into the entries: equal entries stay in the order given. */
static int index_cmp(const void *pa, const void *pb, void *arg)
{
	const struct op25b_entry *e = arg;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c = entry_cmp(&e[a], &e[b]);

	if (c)
		return c;
	return a < b ? -1 : a > b;
}

int policy_canonical(struct op25b_policy *p)
{
	struct vec out = VEC_INIT(struct op25b_entry);
	const struct op25b_entry *in = p->entries.items;
	size_t i, n = p->entries.n, *order;

	if (n < 2)
		return 0;
	order = calloc(n, sizeof(*order));
	if (!order)
		return -1;
	for (i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(*order), index_cmp, p->entries.items);
	for (i = 0; i < n; i++) {
		struct op25b_entry *slot;

		/* of equal entries, the latest given is the last of its run */
		if (i + 1 < n &&
		    entry_cmp(&in[order[i]], &in[order[i + 1]]) == 0)
			continue;
		slot = vec_push(&out);
		if (!slot) {
			free(order);
			vec_free(&out);
			return -1;
		}
		*slot = in[order[i]];
	}
	free(order);
	vec_free(&p->entries);
	p->entries = out;
	return 0;
}

/* Larger first */
static int desc(uint64_t a, uint64_t b)
{
	return a == b ? 0 : a > b ? -1 : 1;
}

static int source_cmp(const void *pa, const void *pb, void *arg)
{
	const struct op25b_source *a = pa, *b = pb;
	enum source_order order = *(const enum source_order *)arg;
	int c = 0;

	switch (order) {
	case ORDER_DENIED:
		c = desc(a->denied, b->denied);
		if (!c)
			c = desc(a->audited, b->audited);
		break;
	case ORDER_LAST:
		c = desc(a->last_seen, b->last_seen);
		break;
	case ORDER_SOURCE:
		break;
	}
	return c ? c : addr_cmp(a->family, a->addr, b->family, b->addr);
}

void sources_sort(struct op25b_source *sources, size_t n,
		  enum source_order order)
{
	if (n > 1)
		qsort_r(sources, n, sizeof(*sources), source_cmp, &order);
}
