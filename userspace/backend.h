/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What op25bctl needs from whatever enforces the policy: the op25b kernel
 * module (backend_kmod.c), or an nftables table (backend_nft.c).
 *
 * Every operation returns 0, or a negative errno with b->err filled in.
 * Errors are the kernel's own where there is one: -ENOENT from del_prefix
 * means the prefix was absent, -ENOSPC from add_prefix that the list is
 * full, -EPERM that CAP_NET_ADMIN is missing.
 */
#ifndef OP25BCTL_BACKEND_H
#define OP25BCTL_BACKEND_H

#include <signal.h>
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

/* Called for each event read; nonzero stops the reading (its return). */
typedef int (*event_fn)(const struct op25b_event *ev, void *arg);

struct backend_ops {
	const char *name;
	int (*open)(struct backend *b);
	void (*close)(struct backend *b);

	int (*get_status)(struct backend *b, struct op25b_status *st);
	int (*set_config)(struct backend *b, const struct op25b_config *cfg);

	/* On e->list; add of a present prefix succeeds, with e's comment. */
	int (*add_prefix)(struct backend *b, const struct op25b_entry *e);
	int (*del_prefix)(struct backend *b, const struct op25b_entry *e);
	int (*flush_prefixes)(struct backend *b, uint8_t list);
	/* Appends struct op25b_entry items to out, in the backend's order. */
	int (*list_prefixes)(struct backend *b, uint8_t list, struct vec *out);
	/* Replaces the whole policy in one step. */
	int (*load)(struct backend *b, const struct op25b_policy *p);

	/* Appends struct op25b_source items to out, in no order. */
	int (*dump_sources)(struct backend *b, struct vec *out);
	int (*reset_stats)(struct backend *b);

	/* Start receiving the events of denied and audited SYNs. */
	int (*subscribe)(struct backend *b);
	/*
	 * Wait for events with the signal mask sigmask (-EINTR when a signal
	 * came), then give each one that arrived to fn. -ENOBUFS: events
	 * were lost (the receive buffer overflowed); reading may go on.
	 */
	int (*read_events)(struct backend *b, const sigset_t *sigmask,
			   event_fn fn, void *arg);
};

struct backend {
	const struct backend_ops *ops;
	struct backend_error err;	/* of the latest failure */
	void *priv;			/* the backend's own state */
};

extern const struct backend_ops backend_kmod;
extern const struct backend_ops backend_nft;

/* The backend called name ("kmod", "nft"), or NULL. */
const struct backend_ops *backend_find(const char *name);

/* b->err = code and the message; returns -code (backend_err.c). */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
int backend_fail(struct backend *b, int code, const char *fmt, ...);

#endif /* OP25BCTL_BACKEND_H */
