// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "json.h"
#include "output.h"
#include "parse.h"

/* after glibc's netinet/in.h (parse.h), which linux/in.h then defers to */
#include <linux/netfilter.h>

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

#define ENDPOINT_STRLEN (ADDR_STRLEN + 8)

/* A name, or "unknown" for a value this op25bctl does not know. */
static const char *known(const char *name)
{
	return name ? name : "unknown";
}

const char *verdict_name(uint8_t verdict)
{
	switch (verdict) {
	case OP25B_VERDICT_DENIED:
		return "denied";
	case OP25B_VERDICT_AUDITED:
		return "audited";
	default:
		return NULL;
	}
}

static const char *hook_name(uint8_t hook)
{
	switch (hook) {
	case NF_INET_FORWARD:
		return "forward";
	case NF_INET_LOCAL_OUT:
		return "output";
	default:
		return NULL;
	}
}

/* ---- prefix lists ---- */

static void entries_text(FILE *f, const struct op25b_entry *entries, size_t n)
{
	char buf[ENTRY_STRLEN];
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(f, "%s\n", format_entry(&entries[i], buf, sizeof(buf)));
}

/* "key": ["10.0.0.5", ...] */
static void json_prefixes(struct json *j, const char *key,
			  const struct op25b_entry *entries, size_t n)
{
	char buf[PREFIX_STRLEN];
	size_t i;

	json_key(j, key);
	json_open(j, '[');
	for (i = 0; i < n; i++)
		json_str(j, format_prefix(&entries[i].prefix, buf,
					  sizeof(buf)));
	json_close(j, ']');
}

static void entries_json(FILE *f, uint8_t list,
			 const struct op25b_entry *entries, size_t n)
{
	struct json j = JSON_INIT(f);
	char buf[PREFIX_STRLEN];
	bool comments = false;
	size_t i;

	json_open(&j, '{');
	json_prefixes(&j, known(list_name(list)), entries, n);
	for (i = 0; i < n; i++) {
		if (!entries[i].comment[0])
			continue;
		if (!comments) {
			json_key(&j, "comments");
			json_open(&j, '{');
			comments = true;
		}
		json_kv_str(&j, format_prefix(&entries[i].prefix, buf,
					      sizeof(buf)),
			    entries[i].comment);
	}
	if (comments)
		json_close(&j, '}');
	json_close(&j, '}');
	putc('\n', f);
}

void output_entries(FILE *f, enum output_format fmt, uint8_t list,
		    const struct op25b_entry *entries, size_t n)
{
	if (fmt == OUTPUT_JSON)
		entries_json(f, list, entries, n);
	else
		entries_text(f, entries, n);
}

/* ---- stats ---- */

enum {
	COL_SOURCE, COL_DENIED, COL_AUDITED, COL_FIRST, COL_LAST, COL_DST,
	NCOLS
};

static const char *const stats_header[NCOLS] = {
	"SOURCE", "DENIED", "AUDITED", "FIRST_SEEN", "LAST_SEEN",
	"LAST_DESTINATION",
};

/* One source as the text of its table cells. */
struct source_row {
	char source[ADDR_STRLEN];
	char denied[24];
	char audited[24];
	char first[TIME_STRLEN];
	char last[TIME_STRLEN];
	char dst[ENDPOINT_STRLEN];
	const char *cell[NCOLS];
};

static void source_row(const struct op25b_source *s, struct source_row *r)
{
	format_addr(s->family, s->addr, r->source, sizeof(r->source));
	snprintf(r->denied, sizeof(r->denied), "%" PRIu64, s->denied);
	snprintf(r->audited, sizeof(r->audited), "%" PRIu64, s->audited);
	/*
	 * Times of 0: the backend cannot tell (nft), nor the destination
	 * then; shown as "-". (Port 0 is the module's "unknown port".)
	 */
	if (s->first_seen)
		format_time(s->first_seen, r->first, sizeof(r->first));
	else
		snprintf(r->first, sizeof(r->first), "-");
	if (s->last_seen)
		format_time(s->last_seen, r->last, sizeof(r->last));
	else
		snprintf(r->last, sizeof(r->last), "-");
	if (s->last_seen)
		format_endpoint(s->family, s->last_dst, s->last_port,
				r->dst, sizeof(r->dst));
	else
		snprintf(r->dst, sizeof(r->dst), "-");
	r->cell[COL_SOURCE] = r->source;
	r->cell[COL_DENIED] = r->denied;
	r->cell[COL_AUDITED] = r->audited;
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
		" denied %" PRIu64 " untracked %" PRIu64 " audited %" PRIu64
		" exempt %" PRIu64 "\n", t->inspected, t->allowed, t->denied,
		t->untracked, t->audited, t->exempt);
}

static void json_totals(struct json *j, const struct op25b_totals *t)
{
	json_key(j, "totals");
	json_open(j, '{');
	json_kv_u64(j, "inspected", t->inspected);
	json_kv_u64(j, "allowed", t->allowed);
	json_kv_u64(j, "denied", t->denied);
	json_kv_u64(j, "untracked", t->untracked);
	json_kv_u64(j, "audited", t->audited);
	json_kv_u64(j, "exempt", t->exempt);
	json_close(j, '}');
}

/* A time, or null when the backend cannot tell (0). */
static void json_time(struct json *j, uint64_t ns)
{
	char buf[TIME_STRLEN];

	if (ns)
		json_str(j, format_time(ns, buf, sizeof(buf)));
	else
		json_null(j);
}

static void stats_json(FILE *f, const struct op25b_source *sources, size_t n,
		       const struct op25b_totals *t)
{
	struct json j = JSON_INIT(f);
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
		json_kv_u64(&j, "audited", s->audited);
		json_key(&j, "first_seen");
		json_time(&j, s->first_seen);
		json_key(&j, "last_seen");
		json_time(&j, s->last_seen);
		json_key(&j, "last_destination");
		if (s->last_seen)
			json_str(&j, format_addr(s->family, s->last_dst,
						 buf, sizeof(buf)));
		else
			json_null(&j);
		json_key(&j, "last_port");
		if (s->last_seen)
			json_u64(&j, s->last_port);
		else
			json_null(&j);
		json_close(&j, '}');
	}
	json_close(&j, ']');
	json_totals(&j, t);
	json_close(&j, '}');
	putc('\n', f);
}

void output_stats(FILE *f, enum output_format fmt,
		  const struct op25b_source *sources, size_t n, size_t tracked,
		  const struct op25b_totals *totals)
{
	switch (fmt) {
	case OUTPUT_JSON:
		stats_json(f, sources, n, totals);
		break;
	case OUTPUT_PROMETHEUS:
		prometheus_stats(f, sources, n, tracked, totals);
		break;
	case OUTPUT_TEXT:
		stats_text(f, sources, n, totals);
		break;
	}
}

/* ---- status ---- */

/* "scope: 10.1.0.0/16, fd00:1::/64", or "scope: (none)" */
static void list_line(FILE *f, const char *name, const struct vec *v)
{
	const struct op25b_entry *e = v->items;
	char buf[PREFIX_STRLEN];
	size_t i;

	fprintf(f, "%s: %s", name, v->n ? "" : "(none)");
	for (i = 0; i < v->n; i++)
		fprintf(f, "%s%s", i ? ", " : "",
			format_prefix(&e[i].prefix, buf, sizeof(buf)));
	putc('\n', f);
}

static void status_text(FILE *f, const struct op25b_status *st,
			const struct vec *scope, const struct vec *exempt)
{
	const struct op25b_totals *t = &st->totals;
	char ports[PORTS_STRLEN];

	fprintf(f, "version: %s\n", st->version);
	fprintf(f, "enabled: %s\n", st->enabled ? "yes" : "no");
	fprintf(f, "mode: %s\n", known(mode_name(st->mode)));
	fprintf(f, "action: %s\n", known(action_name(st->action)));
	fprintf(f, "ports: %s\n",
		format_ports(st->ports, st->nports, ports, sizeof(ports)));
	fprintf(f, "allow_entries: %" PRIu32 " (max %" PRIu32 ")\n",
		st->allow_entries, st->allow_max);
	list_line(f, "scope", scope);
	list_line(f, "exempt", exempt);
	fprintf(f, "sources: %" PRIu32 " (max %" PRIu32 ")\n",
		st->sources, st->sources_max);
	fprintf(f, "inspected: %" PRIu64 "\n", t->inspected);
	fprintf(f, "allowed: %" PRIu64 "\n", t->allowed);
	fprintf(f, "denied: %" PRIu64 "\n", t->denied);
	fprintf(f, "untracked: %" PRIu64 "\n", t->untracked);
	fprintf(f, "audited: %" PRIu64 "\n", t->audited);
	fprintf(f, "exempted: %" PRIu64 "\n", t->exempt);
}

static void status_json(FILE *f, const struct op25b_status *st,
			const struct vec *scope, const struct vec *exempt)
{
	struct json j = JSON_INIT(f);
	size_t i;

	json_open(&j, '{');
	json_kv_str(&j, "version", st->version);
	json_key(&j, "enabled");
	json_bool(&j, st->enabled);
	json_kv_str(&j, "mode", known(mode_name(st->mode)));
	json_kv_str(&j, "action", known(action_name(st->action)));
	json_key(&j, "ports");
	json_open(&j, '[');
	for (i = 0; i < st->nports; i++)
		json_u64(&j, st->ports[i]);
	json_close(&j, ']');
	json_kv_u64(&j, "allow_entries", st->allow_entries);
	json_kv_u64(&j, "allow_max", st->allow_max);
	json_kv_u64(&j, "scope_entries", st->scope_entries);
	json_kv_u64(&j, "exempt_entries", st->exempt_entries);
	json_prefixes(&j, "scope", scope->items, scope->n);
	json_prefixes(&j, "exempt", exempt->items, exempt->n);
	json_kv_u64(&j, "sources", st->sources);
	json_kv_u64(&j, "sources_max", st->sources_max);
	json_totals(&j, &st->totals);
	json_close(&j, '}');
	putc('\n', f);
}

void output_status(FILE *f, enum output_format fmt,
		   const struct op25b_status *st,
		   const struct vec *scope, const struct vec *exempt)
{
	if (fmt == OUTPUT_JSON)
		status_json(f, st, scope, exempt);
	else
		status_text(f, st, scope, exempt);
}

/* ---- events ---- */

static void event_text(FILE *f, const struct op25b_event *ev)
{
	char time[TIME_STRLEN], src[ENDPOINT_STRLEN], dst[ENDPOINT_STRLEN];
	const char *hook = hook_name(ev->hook);

	if (ev->suppressed)
		fprintf(f, "(%" PRIu64 " events suppressed)\n", ev->suppressed);
	fprintf(f, "%s %s %s -> %s (",
		format_time(ev->time, time, sizeof(time)),
		known(verdict_name(ev->verdict)),
		format_endpoint(ev->family, ev->saddr, ev->sport,
				src, sizeof(src)),
		format_endpoint(ev->family, ev->daddr, ev->dport,
				dst, sizeof(dst)));
	if (hook)
		fputs(hook, f);
	else
		fprintf(f, "hook %u", ev->hook);
	if (ev->outdev[0])
		fprintf(f, ", out %s", ev->outdev);
	fputs(")\n", f);
}

static void event_json(FILE *f, const struct op25b_event *ev)
{
	struct json j = JSON_INIT(f);
	char buf[TIME_STRLEN > ADDR_STRLEN ? TIME_STRLEN : ADDR_STRLEN];

	json_open(&j, '{');
	json_kv_str(&j, "time", format_time(ev->time, buf, sizeof(buf)));
	json_kv_str(&j, "verdict", known(verdict_name(ev->verdict)));
	json_kv_str(&j, "source",
		    format_addr(ev->family, ev->saddr, buf, sizeof(buf)));
	json_kv_u64(&j, "source_port", ev->sport);
	json_kv_str(&j, "destination",
		    format_addr(ev->family, ev->daddr, buf, sizeof(buf)));
	json_kv_u64(&j, "port", ev->dport);
	json_kv_str(&j, "hook", known(hook_name(ev->hook)));
	if (ev->outdev[0])
		json_kv_str(&j, "out", ev->outdev);
	if (ev->suppressed)
		json_kv_u64(&j, "suppressed", ev->suppressed);
	json_close(&j, '}');
	putc('\n', f);
}

void output_event(FILE *f, enum output_format fmt,
		  const struct op25b_event *ev)
{
	if (fmt == OUTPUT_JSON)
		event_json(f, ev);
	else
		event_text(f, ev);
}
