/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text <-> values for what a user types: addresses, prefixes, actions,
 * modes, ports, and whole directives ("allow 10.0.0.5 comment main MTA").
 * Shared by the command line and configuration files (config.c), so it
 * knows nothing of netlink or of how errors reach the user: a parser that
 * fails returns -1 and leaves a one-line reason in err.
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
/* Room for "1,2,...": OP25B_MAX_PORTS ports of up to 5 digits. */
#define PORTS_STRLEN	(OP25B_MAX_PORTS * 6)

/* Room for an entry with its comment, in text form. */
#define ENTRY_STRLEN	(PREFIX_STRLEN + 4 + OP25B_COMMENT_MAX)

/* What separates words: in a configuration file, and in a comment. */
#define BLANKS		" \t"

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

/* "enforce" or "audit". */
int parse_mode(const char *text, uint8_t *mode, char *err, size_t errlen);

/*
 * "PORT[,PORT...]": 1 to OP25B_MAX_PORTS distinct ports 1-65535, strict
 * decimal, kept in the order given.
 */
int parse_ports(const char *text, uint16_t *ports, size_t *nports,
		char *err, size_t errlen);

/* "denied", "last" or "source" (stats --sort). */
int parse_source_order(const char *text, enum source_order *order,
		       char *err, size_t errlen);

/* A whole number of at least 1 (stats --top). */
int parse_count(const char *text, size_t *n, char *err, size_t errlen);

/*
 * The words of a comment, split at blanks (space, tab) and joined again by
 * single spaces into out (OP25B_COMMENT_MAX + 1 bytes). Refused: no word
 * at all, a control character, more than OP25B_COMMENT_MAX bytes.
 */
int parse_comment(int argc, char *const *argv, char *out,
		  char *err, size_t errlen);

/* Names of values; NULL for a value this op25bctl does not know. */
const char *action_name(uint8_t action);
const char *mode_name(uint8_t mode);
const char *list_name(uint8_t list);	/* "allow", "scope", "exempt" */

/* ---- directives: one line of a configuration file, or a command ---- */

enum directive_kind {
	DIRECTIVE_MODE,		/* mode enforce|audit */
	DIRECTIVE_ACTION,	/* action reject|drop */
	DIRECTIVE_PORT,		/* port PORT[,PORT...] */
	DIRECTIVE_ENTRY,	/* allow|scope|exempt PREFIX [comment TEXT] */
};

struct directive {
	enum directive_kind kind;
	uint8_t value;			/* the mode or the action */
	uint16_t ports[OP25B_MAX_PORTS];
	size_t nports;
	struct op25b_entry entry;	/* comment "" when none was given */
};

struct parse_error {
	int arg;		/* index of the argument at fault, or -1 */
	char msg[PARSE_ERRLEN];
};

/*
 * KEYWORD ARGS...: keyword is mode, action, port, allow, scope or exempt,
 * and argv its argc arguments. On failure e names the argument at fault
 * (or -1 when the message says it all: "unexpected argument 'x'").
 */
int parse_directive(const char *keyword, int argc, char *const *argv,
		    struct directive *d, struct parse_error *e);

/*
 * PREFIX [comment TEXT] of a list; PREFIX alone unless with_comment (e.g.
 * what "remove" and "scope del" take).
 */
int parse_list_entry(uint8_t list, int argc, char *const *argv,
		     bool with_comment, struct op25b_entry *entry,
		     struct parse_error *e);

/* ---- values to text ---- */

/* Clear the bits of p->addr past p->plen. */
void prefix_mask(struct op25b_prefix *p);

/* inet_ntop into buf (ADDR_STRLEN); "?" for an unknown family. */
const char *format_addr(uint16_t family, const uint8_t *addr,
			char *buf, size_t len);

/* "10.0.0.5", "192.0.2.0/28", "fd00::5", "2001:db8::/32" (PREFIX_STRLEN). */
const char *format_prefix(const struct op25b_prefix *p, char *buf, size_t len);

/* "25,587" (PORTS_STRLEN), as parse_ports reads it. */
const char *format_ports(const uint16_t *ports, size_t n,
			 char *buf, size_t len);

/*
 * "10.0.0.5", or "10.0.0.5  # main MTA" with a comment (ENTRY_STRLEN),
 * its control characters (which op25bctl never sets) shown as '?'.
 */
const char *format_entry(const struct op25b_entry *e, char *buf, size_t len);

#endif /* OP25BCTL_PARSE_H */
