/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text <-> values for what a user types: addresses, prefixes, actions.
 * Shared by the command line and (later) configuration files, so it knows
 * nothing of netlink or of how errors reach the user: a parser that fails
 * returns -1 and leaves a one-line reason in err.
 */
#ifndef OP25BCTL_PARSE_H
#define OP25BCTL_PARSE_H

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* Room for any address, or prefix, in text form, with its NUL. */
#define ADDR_STRLEN	INET6_ADDRSTRLEN
#define PREFIX_STRLEN	(INET6_ADDRSTRLEN + 4)

/* Room for a parse error message. */
#define PARSE_ERRLEN	192

/*
 * "ADDR" or "ADDR/PLEN", IPv4 or IPv6. ADDR is whatever inet_pton accepts;
 * PLEN is a decimal number without sign, spaces or leading zeros, at most
 * 32 or 128; without it the prefix is a host (/32 or /128). No bits may be
 * set in ADDR past PLEN. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) with
 * a prefix length of 96 or more becomes the IPv4 prefix it stands for,
 * since IPv4 packets are what carry such a source.
 */
int parse_prefix(const char *text, struct op25b_prefix *p,
		 char *err, size_t errlen);

/* "reject" or "drop". */
int parse_action(const char *text, uint8_t *action, char *err, size_t errlen);

/* "reject", "drop", or NULL for a value this op25bctl does not know. */
const char *action_name(uint8_t action);

/* Clear the bits of p->addr past p->plen. */
void prefix_mask(struct op25b_prefix *p);

/* inet_ntop into buf (ADDR_STRLEN); "?" for an unknown family. */
const char *format_addr(uint16_t family, const uint8_t *addr,
			char *buf, size_t len);

/* "10.0.0.5", "192.0.2.0/28", "fd00::5", "2001:db8::/32" (PREFIX_STRLEN). */
const char *format_prefix(const struct op25b_prefix *p, char *buf, size_t len);

#endif /* OP25BCTL_PARSE_H */
