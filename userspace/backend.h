/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What op25bctl needs from whatever enforces the policy: the op25b kernel
 * module (backend_kmod.c) today, maybe an nftables ruleset later.
 *
 * Every operation returns 0, or a negative errno with b->err filled in.
 * Errors are the kernel's own where there is one: -ENOENT from del_prefix
 * means the prefix was absent, -ENOSPC from add_prefix that the list is
 * full, -EPERM that CAP_NET_ADMIN is missing.
 */
#ifndef OP25BCTL_BACKEND_H
#define OP25BCTL_BACKEND_H

#include <stdbool.h>

#include "model.h"

struct backend_error {
	int code;		/* positive errno */
	/*
	 * open: the backend is not there at all, and msg says so in full
	 * (e.g. the module is not loaded); code alone would mislead.
	 */
	bool unavailable;
	char msg[256];		/* the kernel's extack text, or "" */
};

struct backend;

struct backend_ops {
	const char *name;
	int (*open)(struct backend *b);
	void (*close)(struct backend *b);

	int (*get_status)(struct backend *b, struct op25b_status *st);
	int (*set_config)(struct backend *b, const struct op25b_config *cfg);

	/* On the allowlist. add of a present prefix succeeds. */
	int (*add_prefix)(struct backend *b, const struct op25b_prefix *p);
	int (*del_prefix)(struct backend *b, const struct op25b_prefix *p);
	int (*flush_prefixes)(struct backend *b);
	/* Appends struct op25b_prefix items to out, in the backend's order. */
	int (*list_prefixes)(struct backend *b, struct vec *out);

	/* Appends struct op25b_source items to out, in no order. */
	int (*dump_sources)(struct backend *b, struct vec *out);
	int (*reset_stats)(struct backend *b);
};

struct backend {
	const struct backend_ops *ops;
	struct backend_error err;	/* of the latest failure */
	void *priv;			/* the backend's own state */
};

extern const struct backend_ops backend_kmod;

#endif /* OP25BCTL_BACKEND_H */
