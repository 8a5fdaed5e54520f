// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "parse.h"

#define BOM "\xef\xbb\xbf"

struct reader {
	const char *name;
	unsigned long line;
	/* the line of each setting given (mode, action, port), or 0 */
	unsigned long seen[DIRECTIVE_ENTRY];
	unsigned long directives;
	struct vec words;			/* char *, of the line */
	char *err;
	size_t errlen;
};

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int fail(struct reader *r, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	n = (size_t)snprintf(r->err, r->errlen, "%s:%lu: ", r->name, r->line);
	if (n < r->errlen) {
		va_start(ap, fmt);
		vsnprintf(r->err + n, r->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* "KEYWORD[ ARG]: message" of a directive that was refused. */
static int refused(struct reader *r, char **words,
		   const struct parse_error *e)
{
	if (e->arg >= 0)
		return fail(r, "%s %s: %s", words[0], words[1 + e->arg],
			    e->msg);
	return fail(r, "%s: %s", words[0], e->msg);
}

/* Split line at blanks into r->words. */
static int split(struct reader *r, char *line)
{
	char *save = NULL, *w;

	r->words.n = 0;
	for (w = strtok_r(line, BLANKS, &save); w;
	     w = strtok_r(NULL, BLANKS, &save)) {
		char **slot = vec_push(&r->words);

		if (!slot)
			return fail(r, "%s", strerror(errno));
		*slot = w;
	}
	return 0;
}

/* The text after '#' as the entry's comment, unless it has one. */
static int note_comment(struct reader *r, char **words, struct directive *d,
			char *note)
{
	struct parse_error e = { .arg = 0 };

	if (d->kind != DIRECTIVE_ENTRY || d->entry.comment[0] || !note ||
	    !note[strspn(note, BLANKS)])
		return 0;
	if (parse_comment(1, &note, d->entry.comment, e.msg,
			  sizeof(e.msg)) < 0)
		return refused(r, words, &e);
	return 0;
}

static int apply(struct reader *r, const struct directive *d,
		 const char *keyword, struct op25b_policy *p)
{
	struct op25b_entry *slot;

	if (d->kind == DIRECTIVE_ENTRY) {
		slot = vec_push(&p->entries);
		if (!slot)
			return fail(r, "%s", strerror(errno));
		*slot = d->entry;
		return 0;
	}
	if (r->seen[d->kind])
		return fail(r, "%s: given twice (first on line %lu)",
			    keyword, r->seen[d->kind]);
	r->seen[d->kind] = r->line;
	switch (d->kind) {
	case DIRECTIVE_MODE:
		p->mode = d->value;
		break;
	case DIRECTIVE_ACTION:
		p->action = d->value;
		break;
	case DIRECTIVE_PORT:
		memcpy(p->ports, d->ports, sizeof(p->ports));
		p->nports = d->nports;
		break;
	case DIRECTIVE_ENTRY:
		break;
	}
	return 0;
}

/* One line, without its line end. */
static int read_line(struct reader *r, char *line, struct op25b_policy *p)
{
	char *note = strchr(line, '#'), **words;
	struct parse_error e;
	struct directive d;

	if (note)
		*note++ = '\0';
	if (split(r, line) < 0)
		return -1;
	if (!r->words.n)
		return 0;
	words = r->words.items;
	if (parse_directive(words[0], (int)r->words.n - 1, words + 1,
			    &d, &e) < 0)
		return refused(r, words, &e);
	if (note_comment(r, words, &d, note) < 0)
		return -1;
	r->directives++;
	return apply(r, &d, words[0], p);
}

static int read_all(struct reader *r, FILE *f, struct op25b_policy *p)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int ret = 0;

	while (ret == 0 && (len = getline(&line, &cap, f)) >= 0) {
		char *text = line;

		r->line++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		if (r->line == 1 && strncmp(text, BOM, strlen(BOM)) == 0)
			text += strlen(BOM);
		if (strlen(line) != (size_t)len)
			ret = fail(r, "a NUL byte in the line");
		else
			ret = read_line(r, text, p);
	}
	if (ret == 0 && ferror(f)) {
		snprintf(r->err, r->errlen, "%s: %s", r->name,
			 strerror(errno));
		ret = -1;
	} else if (ret == 0 && !r->directives) {
		/* most likely a generator that failed: it would reset all */
		snprintf(r->err, r->errlen, "%s: no directive at all; to "
			 "reset everything, load a file that says "
			 "'mode enforce'", r->name);
		ret = -1;
	}
	free(line);
	return ret;
}

int config_read(FILE *f, const char *name, struct op25b_policy *p,
		char *err, size_t errlen)
{
	struct reader r = {
		.name = name, .words = VEC_INIT(char *),
		.err = err, .errlen = errlen,
	};
	int ret;

	policy_init(p);
	ret = read_all(&r, f, p);
	if (ret == 0 && policy_canonical(p) < 0) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		ret = -1;
	}
	vec_free(&r.words);
	if (ret < 0)
		policy_free(p);
	return ret;
}

int config_write(FILE *f, const struct op25b_policy *p)
{
	const struct op25b_entry *e = p->entries.items;
	const char *mode = mode_name(p->mode), *action = action_name(p->action);
	char buf[ENTRY_STRLEN];
	size_t i;

	if (!mode || !action)
		return -1;
	for (i = 0; i < p->entries.n; i++)
		if (!list_name(e[i].list))
			return -1;
	fprintf(f, "mode %s\naction %s\nport %s\n", mode, action,
		format_ports(p->ports, p->nports, buf, sizeof(buf)));
	for (i = 0; i < p->entries.n; i++)
		fprintf(f, "%s %s\n", list_name(e[i].list),
			format_entry(&e[i], buf, sizeof(buf)));
	return 0;
}
