// SPDX-License-Identifier: GPL-2.0
/*
 * stats --prometheus: the Prometheus text exposition format (version
 * 0.0.4), for node_exporter's textfile collector. Each metric family is
 * one group: its # HELP and # TYPE lines, then its samples.
 */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "output.h"
#include "parse.h"

void prometheus_write_label(FILE *f, const char *s)
{
	putc('"', f);
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			putc(*s, f);
	}
	putc('"', f);
}

static void family(FILE *f, const char *name, const char *type,
		   const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static const struct {
	const char *name;
	size_t offset;		/* in struct op25b_totals */
	const char *help;
} totals_metrics[] = {
	{ "op25b_inspected_total", offsetof(struct op25b_totals, inspected),
	  "TCP SYNs to a blocked port that op25b judged." },
	{ "op25b_exempt_total", offsetof(struct op25b_totals, exempt),
	  "SYNs passed because their destination is exempt." },
	{ "op25b_allowed_total", offsetof(struct op25b_totals, allowed),
	  "SYNs passed because their source is allowed." },
	{ "op25b_audited_total", offsetof(struct op25b_totals, audited),
	  "SYNs that would have been denied, passed by audit mode or scope." },
	{ "op25b_denied_total", offsetof(struct op25b_totals, denied),
	  "SYNs denied." },
	{ "op25b_untracked_total", offsetof(struct op25b_totals, untracked),
	  "Denied or audited SYNs not counted per source (table full)." },
};

enum source_metric { SOURCE_DENIED, SOURCE_AUDITED, SOURCE_LAST_SEEN };

static const struct {
	const char *name;
	const char *type;
	const char *help;
} source_metrics[] = {
	[SOURCE_DENIED] = { "op25b_source_denied_total", "counter",
			    "SYNs denied, by source." },
	[SOURCE_AUDITED] = { "op25b_source_audited_total", "counter",
			     "SYNs audited, by source." },
	[SOURCE_LAST_SEEN] = { "op25b_source_last_seen_timestamp_seconds",
			       "gauge",
			       "Latest denial or audit of the source, "
			       "in seconds since the epoch." },
};

/* ns as seconds: "1796406601", "1796406601.5" */
static void print_seconds(FILE *f, uint64_t ns)
{
	uint64_t frac = ns % 1000000000u;
	int digits = 9;

	fprintf(f, "%" PRIu64, ns / 1000000000u);
	if (!frac)
		return;
	for (; frac % 10 == 0; frac /= 10)
		digits--;
	fprintf(f, ".%0*" PRIu64, digits, frac);
}

static void source_sample(FILE *f, enum source_metric m,
			  const struct op25b_source *s)
{
	char addr[ADDR_STRLEN];

	fprintf(f, "%s{source=", source_metrics[m].name);
	prometheus_write_label(f, format_addr(s->family, s->addr,
					      addr, sizeof(addr)));
	fputs("} ", f);
	switch (m) {
	case SOURCE_DENIED:
		fprintf(f, "%" PRIu64, s->denied);
		break;
	case SOURCE_AUDITED:
		fprintf(f, "%" PRIu64, s->audited);
		break;
	case SOURCE_LAST_SEEN:
		print_seconds(f, s->last_seen);
		break;
	}
	putc('\n', f);
}

void prometheus_stats(FILE *f, const struct op25b_source *sources, size_t n,
		      size_t tracked, const struct op25b_totals *totals)
{
	size_t i, m;

	for (m = 0; m < sizeof(totals_metrics) / sizeof(totals_metrics[0]);
	     m++) {
		const char *field = (const char *)totals +
				    totals_metrics[m].offset;
		uint64_t v;

		memcpy(&v, field, sizeof(v));
		family(f, totals_metrics[m].name, "counter",
		       totals_metrics[m].help);
		fprintf(f, "%s %" PRIu64 "\n", totals_metrics[m].name, v);
	}
	family(f, "op25b_tracked_sources", "gauge",
	       "Sources in the per-source table.");
	fprintf(f, "op25b_tracked_sources %zu\n", tracked);
	for (m = 0; m < sizeof(source_metrics) / sizeof(source_metrics[0]);
	     m++) {
		family(f, source_metrics[m].name, source_metrics[m].type,
		       source_metrics[m].help);
		for (i = 0; i < n; i++)	/* no time: the backend has none */
			if (m != SOURCE_LAST_SEEN || sources[i].last_seen)
				source_sample(f, (enum source_metric)m,
					      &sources[i]);
	}
}
