/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything op25bctl tells the user on stdout: the prefix lists, the
 * statistics, the status and the events, each rendered from the model
 * (model.h) as text or as JSON; the statistics also for Prometheus
 * (prometheus.c). The configuration file format is config.c's.
 */
#ifndef OP25BCTL_OUTPUT_H
#define OP25BCTL_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include "model.h"

enum output_format {
	OUTPUT_TEXT,
	OUTPUT_JSON,
	OUTPUT_PROMETHEUS,	/* stats only */
};

/*
 * list, scope list, exempt list: one entry a line ("10.0.0.5  # main
 * MTA"), or {"allow": ["10.0.0.5", ...]} (the key is the list's name),
 * with "comments": {"10.0.0.5": "main MTA"} when any entry has one.
 */
void output_entries(FILE *f, enum output_format fmt, uint8_t list,
		    const struct op25b_entry *entries, size_t n);

/*
 * stats: sources in the order given (see sources_sort), and totals;
 * tracked is how many sources the kernel tracks, n how many of them show.
 */
void output_stats(FILE *f, enum output_format fmt,
		  const struct op25b_source *sources, size_t n, size_t tracked,
		  const struct op25b_totals *totals);

/* status: "key: value" lines, or one JSON object; with two lists. */
void output_status(FILE *f, enum output_format fmt,
		   const struct op25b_status *st,
		   const struct vec *scope, const struct vec *exempt);

/*
 * monitor: one event, a line of text (after a line "(N events
 * suppressed)" if the rate limit dropped some before it) or of JSON.
 */
void output_event(FILE *f, enum output_format fmt,
		  const struct op25b_event *ev);

/* stats --prometheus (prometheus.c). */
void prometheus_stats(FILE *f, const struct op25b_source *sources, size_t n,
		      size_t tracked, const struct op25b_totals *totals);

/* A label value of the Prometheus text format, quotes included. */
void prometheus_write_label(FILE *f, const char *s);

/* RFC 3339 UTC, to the second: "2026-12-04T17:47:20Z". */
#define TIME_STRLEN 32
const char *format_time(uint64_t ns, char *buf, size_t len);

/* "denied", "audited", or NULL. */
const char *verdict_name(uint8_t verdict);

#endif /* OP25BCTL_OUTPUT_H */
