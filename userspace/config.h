/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Configuration files: what "load" reads and "save" writes.
 *
 * One directive a line, in the command line's own words (parse_directive):
 *	mode enforce|audit		(default enforce)
 *	action reject|drop		(default reject)
 *	port PORT[,PORT...]		(default 25)
 *	allow ADDR[/PLEN] [comment TEXT]
 *	scope PREFIX [comment TEXT]
 *	exempt PREFIX [comment TEXT]
 * '#' starts a comment, on a line of its own or after a directive; blank
 * lines, blanks around words, CRLF line ends and a UTF-8 byte order mark
 * are fine. mode, action and port may each be given once. The text after
 * '#' on an allow, scope or exempt line becomes the entry's comment unless
 * the line has "comment TEXT". A prefix given twice in a list is kept once,
 * with the comment of the latest. The file is the whole policy: what it
 * leaves out takes its default. A file without any directive is refused,
 * being more likely the output of a generator that failed than a wish to
 * reset everything (which "mode enforce" alone says).
 *
 * save writes the canonical form, which reads back to the same policy:
 *	mode enforce
 *	action reject
 *	port 25,587
 *	allow 10.0.0.5  # main MTA
 *	scope 10.1.0.0/16
 *	exempt 10.0.0.0/8  # internal relays
 * (entries by list, allow, scope, exempt, each in the kernel's order).
 */
#ifndef OP25BCTL_CONFIG_H
#define OP25BCTL_CONFIG_H

#include <stdio.h>

#include "model.h"

/* Room for an error: "NAME:LINE: message". */
#define CONFIG_ERRLEN 512

/*
 * Read all of f (called name in errors) into p, canonical (see
 * policy_canonical). 0, or -1 with "NAME:LINE: message" (or "NAME: ..."
 * for a read error or an empty file) in err and p freed.
 */
int config_read(FILE *f, const char *name, struct op25b_policy *p,
		char *err, size_t errlen);

/*
 * p in the save format: canonical if p is (policy_canonical). -1, with
 * nothing written, if p holds a value with no name.
 */
int config_write(FILE *f, const struct op25b_policy *p);

#endif /* OP25BCTL_CONFIG_H */
