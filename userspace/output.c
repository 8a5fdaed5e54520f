// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "output.h"
#include "parse.h"

/* ---- a small JSON emitter: one line, ", " and ": " between items ---- */

struct json {
	FILE *f;
	bool first;	/* nothing written yet in the open container */
	bool after_key;	/* a key was written, its value comes next */
};

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_seq_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xc2)
		return 0;
	if (s[0] < 0xe0) {
		n = 2;
	} else if (s[0] < 0xf0) {
		n = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (s[0] == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (s[0] < 0xf5) {
		n = 4;
		if (s[0] == 0xf0)
			lo = 0x90;	/* overlong */
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* past U+10FFFF */
	} else {
		return 0;
	}
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

void json_write_string(FILE *f, const char *str)
{
	static const char *const escape[0x20] = {
		['\b'] = "\\b", ['\f'] = "\\f", ['\n'] = "\\n",
		['\r'] = "\\r", ['\t'] = "\\t",
	};
	const unsigned char *s = (const unsigned char *)str;

	putc('"', f);
	while (*s) {
		size_t n = utf8_seq_len(s);

		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if (*s < 0x20 && escape[*s])
			fputs(escape[*s], f);
		else if (*s < 0x20 || *s == 0x7f)
			fprintf(f, "\\u%04x", *s);
		else if (n)
			fwrite(s, 1, n, f);
		else
			fputs("\\ufffd", f);
		s += n ? n : 1;
	}
	putc('"', f);
}

static void json_sep(struct json *j)
{
	if (j->after_key)
		j->after_key = false;
	else if (!j->first)
		fputs(", ", j->f);
	j->first = false;
}

static void json_open(struct json *j, char c)
{
	json_sep(j);
	putc(c, j->f);
	j->first = true;
}

static void json_close(struct json *j, char c)
{
	putc(c, j->f);
	j->first = false;
}

static void json_key(struct json *j, const char *key)
{
	json_sep(j);
	json_write_string(j->f, key);
	fputs(": ", j->f);
	j->after_key = true;
}

static void json_str(struct json *j, const char *s)
{
	json_sep(j);
	json_write_string(j->f, s);
}

static void json_u64(struct json *j, uint64_t v)
{
	json_sep(j);
	fprintf(j->f, "%" PRIu64, v);
}

static void json_bool(struct json *j, bool v)
{
	json_sep(j);
	fputs(v ? "true" : "false", j->f);
}

static void json_kv_str(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_str(j, s);
}

static void json_kv_u64(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_u64(j, v);
}

/* ---- values as text ---- */

const char *format_time(uint64_t ns, char *buf, size_t len)
{
	time_t secs = (time_t)(ns / 1000000000u);
	struct tm tm;

	if (!gmtime_r(&secs, &tm) ||
	    !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "?");
	return buf;
}

/* "203.0.113.25:25", "[2001:db8::25]:25" */
static const char *format_endpoint(uint16_t family, const uint8_t *addr,
				   uint16_t port, char *buf, size_t len)
{
	char a[ADDR_STRLEN];

	format_addr(family, addr, a, sizeof(a));
	snprintf(buf, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u",
		 a, port);
	return buf;
}

static const char *action_text(uint8_t action)
{
	const char *name = action_name(action);

	return name ? name : "unknown";
}

/* ---- list ---- */

void output_prefixes(FILE *f, enum output_format fmt,
		     const struct op25b_prefix *prefixes, size_t n)
{
	struct json j = { .f = f, .first = true };
	char buf[PREFIX_STRLEN];
	size_t i;

	if (fmt == OUTPUT_JSON) {
		json_open(&j, '{');
		json_key(&j, "allow");
		json_open(&j, '[');
	}
	for (i = 0; i < n; i++) {
		format_prefix(&prefixes[i], buf, sizeof(buf));
		if (fmt == OUTPUT_JSON)
			json_str(&j, buf);
		else
			fprintf(f, "%s\n", buf);
	}
	if (fmt == OUTPUT_JSON) {
		json_close(&j, ']');
		json_close(&j, '}');
		putc('\n', f);
	}
}

/* ---- stats ---- */

static int source_addr_cmp(const struct op25b_source *a,
			   const struct op25b_source *b)
{
	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	return memcmp(a->addr, b->addr, sizeof(a->addr));
}

static int source_cmp(const void *pa, const void *pb)
{
	const struct op25b_source *a = pa, *b = pb;

	if (a->denied != b->denied)
		return a->denied > b->denied ? -1 : 1;
	return source_addr_cmp(a, b);
}

void sources_sort(struct op25b_source *sources, size_t n)
{
	if (n > 1)
		qsort(sources, n, sizeof(*sources), source_cmp);
}

enum { COL_SOURCE, COL_DENIED, COL_FIRST, COL_LAST, COL_DST, NCOLS };

static const char *const stats_header[NCOLS] = {
	"SOURCE", "DENIED", "FIRST_SEEN", "LAST_SEEN", "LAST_DESTINATION",
};

/* One source as the text of its table cells. */
struct source_row {
	char source[ADDR_STRLEN];
	char denied[24];
	char first[TIME_STRLEN];
	char last[TIME_STRLEN];
	char dst[ADDR_STRLEN + 8];
	const char *cell[NCOLS];
};

static void source_row(const struct op25b_source *s, struct source_row *r)
{
	format_addr(s->family, s->addr, r->source, sizeof(r->source));
	snprintf(r->denied, sizeof(r->denied), "%" PRIu64, s->denied);
	format_time(s->first_seen, r->first, sizeof(r->first));
	format_time(s->last_seen, r->last, sizeof(r->last));
	format_endpoint(s->family, s->last_dst, s->last_port,
			r->dst, sizeof(r->dst));
	r->cell[COL_SOURCE] = r->source;
	r->cell[COL_DENIED] = r->denied;
	r->cell[COL_FIRST] = r->first;
	r->cell[COL_LAST] = r->last;
	r->cell[COL_DST] = r->dst;
}

/* Left-aligned columns two spaces apart, no trailing blanks. */
static void print_row(FILE *f, const char *const *cell, const int *width)
{
	int c;

	for (c = 0; c < NCOLS - 1; c++)
		fprintf(f, "%-*s  ", width[c], cell[c]);
	fprintf(f, "%s\n", cell[NCOLS - 1]);
}

static void stats_text(FILE *f, const struct op25b_source *sources, size_t n,
		       const struct op25b_totals *t)
{
	struct source_row r;
	int width[NCOLS];
	size_t i;
	int c;

	for (c = 0; c < NCOLS; c++)
		width[c] = (int)strlen(stats_header[c]);
	for (i = 0; i < n; i++) {
		source_row(&sources[i], &r);
		for (c = 0; c < NCOLS; c++)
			if ((int)strlen(r.cell[c]) > width[c])
				width[c] = (int)strlen(r.cell[c]);
	}
	print_row(f, stats_header, width);
	for (i = 0; i < n; i++) {
		source_row(&sources[i], &r);
		print_row(f, r.cell, width);
	}
	fprintf(f, "totals: inspected %" PRIu64 " allowed %" PRIu64
		" denied %" PRIu64 " untracked %" PRIu64 "\n",
		t->inspected, t->allowed, t->denied, t->untracked);
}

static void json_totals(struct json *j, const struct op25b_totals *t)
{
	json_key(j, "totals");
	json_open(j, '{');
	json_kv_u64(j, "inspected", t->inspected);
	json_kv_u64(j, "allowed", t->allowed);
	json_kv_u64(j, "denied", t->denied);
	json_kv_u64(j, "untracked", t->untracked);
	json_close(j, '}');
}

static void stats_json(FILE *f, const struct op25b_source *sources, size_t n,
		       const struct op25b_totals *t)
{
	struct json j = { .f = f, .first = true };
	char buf[TIME_STRLEN > ADDR_STRLEN ? TIME_STRLEN : ADDR_STRLEN];
	size_t i;

	json_open(&j, '{');
	json_key(&j, "sources");
	json_open(&j, '[');
	for (i = 0; i < n; i++) {
		const struct op25b_source *s = &sources[i];

		json_open(&j, '{');
		json_kv_str(&j, "source",
			    format_addr(s->family, s->addr, buf, sizeof(buf)));
		json_kv_u64(&j, "denied", s->denied);
		json_kv_str(&j, "first_seen",
			    format_time(s->first_seen, buf, sizeof(buf)));
		json_kv_str(&j, "last_seen",
			    format_time(s->last_seen, buf, sizeof(buf)));
		json_kv_str(&j, "last_destination",
			    format_addr(s->family, s->last_dst,
					buf, sizeof(buf)));
		json_kv_u64(&j, "last_port", s->last_port);
		json_close(&j, '}');
	}
	json_close(&j, ']');
	json_totals(&j, t);
	json_close(&j, '}');
	putc('\n', f);
}

void output_stats(FILE *f, enum output_format fmt,
		  struct op25b_source *sources, size_t n,
		  const struct op25b_totals *totals)
{
	sources_sort(sources, n);
	if (fmt == OUTPUT_JSON)
		stats_json(f, sources, n, totals);
	else
		stats_text(f, sources, n, totals);
}

/* ---- status ---- */

static void status_text(FILE *f, const struct op25b_status *st)
{
	const struct op25b_totals *t = &st->totals;
	size_t i;

	fprintf(f, "version: %s\n", st->version);
	fprintf(f, "enabled: %s\n", st->enabled ? "yes" : "no");
	fprintf(f, "action: %s\n", action_text(st->action));
	fputs("ports: ", f);
	for (i = 0; i < st->nports; i++)
		fprintf(f, "%s%u", i ? "," : "", st->ports[i]);
	putc('\n', f);
	fprintf(f, "allow_entries: %" PRIu32 " (max %" PRIu32 ")\n",
		st->allow_entries, st->allow_max);
	fprintf(f, "sources: %" PRIu32 " (max %" PRIu32 ")\n",
		st->sources, st->sources_max);
	fprintf(f, "inspected: %" PRIu64 "\n", t->inspected);
	fprintf(f, "allowed: %" PRIu64 "\n", t->allowed);
	fprintf(f, "denied: %" PRIu64 "\n", t->denied);
	fprintf(f, "untracked: %" PRIu64 "\n", t->untracked);
}

static void status_json(FILE *f, const struct op25b_status *st)
{
	struct json j = { .f = f, .first = true };
	size_t i;

	json_open(&j, '{');
	json_kv_str(&j, "version", st->version);
	json_key(&j, "enabled");
	json_bool(&j, st->enabled);
	json_kv_str(&j, "action", action_text(st->action));
	json_key(&j, "ports");
	json_open(&j, '[');
	for (i = 0; i < st->nports; i++)
		json_u64(&j, st->ports[i]);
	json_close(&j, ']');
	json_kv_u64(&j, "allow_entries", st->allow_entries);
	json_kv_u64(&j, "allow_max", st->allow_max);
	json_kv_u64(&j, "sources", st->sources);
	json_kv_u64(&j, "sources_max", st->sources_max);
	json_totals(&j, &st->totals);
	json_close(&j, '}');
	putc('\n', f);
}

void output_status(FILE *f, enum output_format fmt,
		   const struct op25b_status *st)
{
	if (fmt == OUTPUT_JSON)
		status_json(f, st);
	else
		status_text(f, st);
}
