/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything op25bctl tells the user on stdout: the allowlist, the deny
 * statistics and the status, each rendered from the model (model.h) as
 * text or as JSON.
 */
#ifndef OP25BCTL_OUTPUT_H
#define OP25BCTL_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include "model.h"

enum output_format {
	OUTPUT_TEXT,
	OUTPUT_JSON,
};

/* list: one prefix a line, or {"allow": [...]}. */
void output_prefixes(FILE *f, enum output_format fmt,
		     const struct op25b_prefix *prefixes, size_t n);

/* stats: sources (sorted here, see sources_sort) and totals. */
void output_stats(FILE *f, enum output_format fmt,
		  struct op25b_source *sources, size_t n,
		  const struct op25b_totals *totals);

/* status: "key: value" lines, or one JSON object. */
void output_status(FILE *f, enum output_format fmt,
		   const struct op25b_status *st);

/* Most denied first; ties by address, IPv4 before IPv6. */
void sources_sort(struct op25b_source *sources, size_t n);

/* RFC 3339 UTC, to the second: "2026-12-04T17:47:20Z". */
#define TIME_STRLEN 32
const char *format_time(uint64_t ns, char *buf, size_t len);

/* A JSON string literal, quotes included; invalid UTF-8 becomes U+FFFD. */
void json_write_string(FILE *f, const char *s);

#endif /* OP25BCTL_OUTPUT_H */
