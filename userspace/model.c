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
