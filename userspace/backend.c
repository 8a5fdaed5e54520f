// SPDX-License-Identifier: GPL-2.0
#include <stddef.h>
#include <string.h>

#include "backend.h"

const struct backend_ops *backend_find(const char *name)
{
	static const struct backend_ops *const all[] = {
		&backend_kmod, &backend_nft,
	};
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(all[i]->name, name) == 0)
			return all[i];
	return NULL;
}
