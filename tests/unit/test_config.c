// SPDX-License-Identifier: GPL-2.0
/*
 * config.c: configuration files (load) and the canonical form (save):
 * directives, comments, errors naming their line, duplicates, and
 * save | load being an identity.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "config.h"
#include "parse.h"

/* config_read of len bytes of text (len 0: strlen) as file "t.conf" */
static int read_text(const char *text, size_t len, struct op25b_policy *p,
		     char *err)
{
	FILE *f = fmemopen((void *)text, len ? len : strlen(text), "r");
	int ret;

	assert_non_null(f);
	err[0] = '\0';
	ret = config_read(f, "t.conf", p, err, CONFIG_ERRLEN);
	fclose(f);
	return ret;
}

/* text is read; p holds it */
static void good(const char *text, struct op25b_policy *p)
{
	char err[CONFIG_ERRLEN];

	if (read_text(text, 0, p, err) != 0)
		fail_msg("refused: %s", err);
}

/* len bytes of text (0: strlen) are refused with exactly want */
static void bad(const char *text, size_t len, const char *want)
{
	char err[CONFIG_ERRLEN];
	struct op25b_policy p;

	if (read_text(text, len, &p, err) != -1)
		fail_msg("accepted: %s", text);
	assert_string_equal(err, want);
	assert_null(p.entries.items);		/* freed */
}

/* What save writes of p. */
static char *saved(const struct op25b_policy *p)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(config_write(f, p), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

static const struct op25b_entry *entry(const struct op25b_policy *p,
				       size_t i)
{
	assert_true(i < p->entries.n);
	return (const struct op25b_entry *)p->entries.items + i;
}

/* entry i is list, prefix (text form) and comment */
static void entry_is(const struct op25b_policy *p, size_t i, uint8_t list,
		     const char *prefix, const char *comment)
{
	char buf[PREFIX_STRLEN];

	assert_int_equal(entry(p, i)->list, list);
	assert_string_equal(format_prefix(&entry(p, i)->prefix, buf,
					  sizeof(buf)), prefix);
	assert_string_equal(entry(p, i)->comment, comment);
}

static void test_issue_example(void **state)
{
	struct op25b_policy p;

	(void)state;
	good("mode enforce\n"
	     "action reject\n"
	     "port 25\n"
	     "allow 10.0.0.5            # main MTA\n"
	     "allow 2001:db8:1::25\n"
	     "allow 10.0.0.6 comment backup MTA\n"
	     "exempt 10.0.0.0/8         # internal relays\n"
	     "scope 10.1.0.0/16         # pilot segment\n", &p);
	assert_int_equal(p.mode, OP25B_MODE_ENFORCE);
	assert_int_equal(p.action, OP25B_ACTION_REJECT);
	assert_int_equal(p.nports, 1);
	assert_int_equal(p.ports[0], 25);
	assert_int_equal(p.entries.n, 5);
	/* by list (allow, scope, exempt), then IPv4 first, by address */
	entry_is(&p, 0, OP25B_LIST_ALLOW, "10.0.0.5", "main MTA");
	entry_is(&p, 1, OP25B_LIST_ALLOW, "10.0.0.6", "backup MTA");
	entry_is(&p, 2, OP25B_LIST_ALLOW, "2001:db8:1::25", "");
	entry_is(&p, 3, OP25B_LIST_SCOPE, "10.1.0.0/16", "pilot segment");
	entry_is(&p, 4, OP25B_LIST_EXEMPT, "10.0.0.0/8", "internal relays");
	policy_free(&p);
}

#define EMPTY_ERR "t.conf: no directive at all; to reset everything, " \
	"load a file that says 'mode enforce'"

static void test_defaults(void **state)
{
	static const char *const empty[] = {
		"", "\n", "# nothing\n\n   \n\t# here\n", "#", "  #\r\n",
	};
	struct op25b_policy p;
	size_t i;

	(void)state;
	/* a file with no directive: more likely a failed generator */
	for (i = 0; i < sizeof(empty) / sizeof(empty[0]); i++)
		bad(empty[i], 0, EMPTY_ERR);
	good("# all by default\nmode enforce\n", &p);
	assert_int_equal(p.mode, OP25B_MODE_ENFORCE);
	assert_int_equal(p.action, OP25B_ACTION_REJECT);
	assert_int_equal(p.nports, 1);
	assert_int_equal(p.ports[0], 25);
	assert_int_equal(p.entries.n, 0);
	policy_free(&p);
	good("mode audit\naction drop\nport 587,25,2525\n", &p);
	assert_int_equal(p.mode, OP25B_MODE_AUDIT);
	assert_int_equal(p.action, OP25B_ACTION_DROP);
	assert_int_equal(p.nports, 3);
	assert_int_equal(p.ports[0], 587);
	assert_int_equal(p.ports[2], 2525);
	policy_free(&p);
}

static void test_comments(void **state)
{
	struct op25b_policy p;

	(void)state;
	good("# a configuration\n"
	     "   # indented\n"
	     "mode audit # trailing, on a setting: a note only\n"
	     "allow 10.0.0.5#glued\n"
	     "allow 10.0.0.6   #   spaced   out   \n"
	     "allow 10.0.0.7 # ticket #42: keep\n"
	     "allow 10.0.0.8 comment explicit # wins over the note\n"
	     "allow 10.0.0.9 #\n"
	     "allow\t10.0.0.10\tcomment\ttabs\there\n"
	     "exempt 192.0.2.0/24 # relays\n", &p);
	assert_int_equal(p.mode, OP25B_MODE_AUDIT);
	assert_int_equal(p.entries.n, 7);
	entry_is(&p, 0, OP25B_LIST_ALLOW, "10.0.0.5", "glued");
	entry_is(&p, 1, OP25B_LIST_ALLOW, "10.0.0.6", "spaced out");
	entry_is(&p, 2, OP25B_LIST_ALLOW, "10.0.0.7", "ticket #42: keep");
	entry_is(&p, 3, OP25B_LIST_ALLOW, "10.0.0.8", "explicit");
	entry_is(&p, 4, OP25B_LIST_ALLOW, "10.0.0.9", "");
	entry_is(&p, 5, OP25B_LIST_ALLOW, "10.0.0.10", "tabs here");
	entry_is(&p, 6, OP25B_LIST_EXEMPT, "192.0.2.0/24", "relays");
	policy_free(&p);
}

static void test_line_ends(void **state)
{
	struct op25b_policy p;

	(void)state;
	/* CRLF, a byte order mark, no newline at the end */
	good("\xef\xbb\xbfmode audit\r\n"
	     "allow 10.0.0.5 # main MTA\r\n"
	     "\r\n"
	     "port 25,587", &p);
	assert_int_equal(p.mode, OP25B_MODE_AUDIT);
	assert_int_equal(p.nports, 2);
	entry_is(&p, 0, OP25B_LIST_ALLOW, "10.0.0.5", "main MTA");
	policy_free(&p);
	/* CRLF lines still count one each */
	bad("mode audit\r\n\r\nmode x\r\n", 0,
	    "t.conf:3: mode x: not a mode (enforce or audit)");
	/* a BOM elsewhere than at the start is no blank */
	bad("mode audit\n\xef\xbb\xbfport 25\n", 0,
	    "t.conf:2: \xef\xbb\xbfport: unknown directive");
	/* a lone CR inside a line is not a line end */
	bad("mode audit\rport 25\n", 0,
	    "t.conf:1: mode: unexpected argument '25'");
}

static void test_errors(void **state)
{
	static const struct {
		const char *text, *err;
	} cases[] = {
		{ "frob 1\n", "t.conf:1: frob: unknown directive" },
		{ "\n\n# x\nMode audit\n", "t.conf:4: Mode: unknown directive" },
		{ "mode\n", "t.conf:1: mode: missing argument enforce|audit" },
		{ "mode audit # x\nmode audit\n",
		  "t.conf:2: mode: given twice (first on line 1)" },
		{ "action drop\n\naction reject\n",
		  "t.conf:3: action: given twice (first on line 1)" },
		{ "port 25\nallow 10.0.0.5\nport 587\n",
		  "t.conf:3: port: given twice (first on line 1)" },
		{ "mode audit extra\n",
		  "t.conf:1: mode: unexpected argument 'extra'" },
		{ "action deny\n",
		  "t.conf:1: action deny: not an action (reject or drop)" },
		{ "port 0\n", "t.conf:1: port 0: port 0 is out of range 1-65535" },
		{ "port 25,25\n", "t.conf:1: port 25,25: port 25 given twice" },
		{ "port 1,2,3,4,5,6,7,8,9\n",
		  "t.conf:1: port 1,2,3,4,5,6,7,8,9: more than 8 ports" },
		{ "port 25 587\n", "t.conf:1: port: unexpected argument '587'" },
		{ "allow 10.0.0.5\nallow 10.0.0.300 # typo\n",
		  "t.conf:2: allow 10.0.0.300: not an IPv4 or IPv6 address" },
		{ "exempt 10.0.0.1/8\n", "t.conf:1: exempt 10.0.0.1/8: host "
		  "bits set, did you mean 10.0.0.0/8?" },
		{ "scope add 10.1.0.0/16\n",
		  "t.conf:1: scope add: not an IPv4 or IPv6 address" },
		{ "allow 10.0.0.5 extra\n",
		  "t.conf:1: allow: unexpected argument 'extra'" },
		{ "allow 10.0.0.5 comment\n",
		  "t.conf:1: allow: missing argument TEXT after 'comment'" },
		{ "allow 10.0.0.5 comment # the note is no TEXT\n",
		  "t.conf:1: allow: missing argument TEXT after 'comment'" },
		{ "allow 10.0.0.5 # a\x01 b\n",
		  "t.conf:1: allow 10.0.0.5: comment has a control character" },
		{ "allow\n", "t.conf:1: allow: missing argument ADDR[/PLEN] "
		  "[comment TEXT]" },
		{ "allow 10.0.0.5\nallow 10.0.0.6\nmode on",
		  "t.conf:3: mode on: not a mode (enforce or audit)" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		bad(cases[i].text, 0, cases[i].err);
}

static void test_long_comment(void **state)
{
	char text[600], err[CONFIG_ERRLEN];
	struct op25b_policy p;
	int n;

	(void)state;
	n = snprintf(text, sizeof(text), "allow 10.0.0.5 # %0*d\n",
		     OP25B_COMMENT_MAX, 0);
	assert_true(n > 0 && (size_t)n < sizeof(text));
	assert_int_equal(read_text(text, 0, &p, err), 0);
	assert_int_equal(strlen(entry(&p, 0)->comment), OP25B_COMMENT_MAX);
	policy_free(&p);
	snprintf(text, sizeof(text), "\nallow 10.0.0.5 # %0*d\n",
		 OP25B_COMMENT_MAX + 1, 0);
	bad(text, 0, "t.conf:2: allow 10.0.0.5: comment is longer than "
	    "255 bytes");
}

static void test_nul_byte(void **state)
{
	static const char text[] = "mode audit\nallow 10.0.0.5\0x\n";

	(void)state;
	bad(text, sizeof(text) - 1, "t.conf:2: a NUL byte in the line");
}

static void test_duplicates(void **state)
{
	struct op25b_policy p;

	(void)state;
	good("allow 10.0.0.5 # first\n"
	     "allow 10.0.0.6\n"
	     "allow 10.0.0.5\n"
	     "allow ::ffff:10.0.0.5 # last\n"	/* the same prefix */
	     "allow 10.0.0.5/32\n"
	     "exempt 10.0.0.5\n"		/* another list */
	     "allow 10.0.0.0/24\n"
	     "allow 10.0.0.0/8\n"		/* another length */
	     "allow 10.0.0.6\n", &p);
	assert_int_equal(p.entries.n, 5);
	entry_is(&p, 0, OP25B_LIST_ALLOW, "10.0.0.0/8", "");
	entry_is(&p, 1, OP25B_LIST_ALLOW, "10.0.0.0/24", "");
	/* the latest given: a repeat without a comment takes it away, as
	 * "allow" would */
	entry_is(&p, 2, OP25B_LIST_ALLOW, "10.0.0.5", "");
	entry_is(&p, 3, OP25B_LIST_ALLOW, "10.0.0.6", "");
	entry_is(&p, 4, OP25B_LIST_EXEMPT, "10.0.0.5", "");
	policy_free(&p);

	good("allow 10.0.0.5 # first\nallow 10.0.0.5 # second\n", &p);
	assert_int_equal(p.entries.n, 1);
	entry_is(&p, 0, OP25B_LIST_ALLOW, "10.0.0.5", "second");
	policy_free(&p);
}

static const char canonical[] =
	"mode audit\n"
	"action drop\n"
	"port 587,25\n"
	"allow 10.0.0.5  # main MTA\n"
	"allow 10.0.0.6  # ticket #42\n"
	"allow 192.0.2.0/28\n"
	"allow 2001:db8:1::25\n"
	"allow fd00::/64  # lab\n"
	"scope 10.1.0.0/16  # pilot segment\n"
	"exempt 10.0.0.0/8  # internal relays\n";

static void same_policy(const struct op25b_policy *a,
			const struct op25b_policy *b)
{
	assert_int_equal(a->mode, b->mode);
	assert_int_equal(a->action, b->action);
	assert_int_equal(a->nports, b->nports);
	assert_memory_equal(a->ports, b->ports, sizeof(a->ports));
	assert_int_equal(a->entries.n, b->entries.n);
	if (a->entries.n)
		assert_memory_equal(a->entries.items, b->entries.items,
				    a->entries.n * sizeof(struct op25b_entry));
}

static void test_save_round_trip(void **state)
{
	struct op25b_policy p, q;
	char *text, *again;

	(void)state;
	good("exempt 10.0.0.0/8 # internal relays\n"
	     "allow fd00::/64 comment lab\n"
	     "port 587,25\n"
	     "allow 2001:db8:1::25\n"
	     "scope 10.1.0.0/16   #  pilot   segment\n"
	     "allow 10.0.0.6 comment ticket #42\n"	/* '#' ends TEXT */
	     "allow 10.0.0.6 # ticket #42\n"
	     "allow 192.0.2.0/28\n"
	     "action drop\n"
	     "allow 10.0.0.5 # main MTA\n"
	     "mode audit\n", &p);
	text = saved(&p);
	assert_string_equal(text, canonical);
	/* parse(save(x)) == x, and save(parse(save(x))) == save(x) */
	good(text, &q);
	same_policy(&p, &q);
	again = saved(&q);
	assert_string_equal(again, text);
	free(text);
	free(again);
	policy_free(&p);
	policy_free(&q);

	/* the defaults are written out: the file is the whole policy */
	good("port 25\n", &p);
	text = saved(&p);
	assert_string_equal(text, "mode enforce\naction reject\nport 25\n");
	free(text);
	policy_free(&p);
}

static void test_save_unknown_values(void **state)
{
	struct op25b_policy p;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	policy_init(&p);
	p.mode = OP25B_MODE_MAX + 1;	/* from a newer module */
	f = open_memstream(&text, &len);
	assert_int_equal(config_write(f, &p), -1);
	fclose(f);
	assert_string_equal(text, "");	/* nothing half-written */
	free(text);
}

/* Many entries: each kept, in order, none lost to the buffer growing. */
static void test_many(void **state)
{
	const size_t n = 20000;
	char *text = malloc(n * 40), *c = text, *out;
	struct op25b_policy p, q;
	size_t i;

	(void)state;
	assert_non_null(text);
	for (i = n; i-- > 0;)	/* backwards: load sorts */
		c += sprintf(c, "allow 10.%zu.%zu.0/24 # mta %zu\n",
			     i / 256, i % 256, i);
	good(text, &p);
	assert_int_equal(p.entries.n, n);
	entry_is(&p, 0, OP25B_LIST_ALLOW, "10.0.0.0/24", "mta 0");
	entry_is(&p, n - 1, OP25B_LIST_ALLOW, "10.78.31.0/24", "mta 19999");
	out = saved(&p);
	good(out, &q);
	same_policy(&p, &q);
	free(out);
	free(text);
	policy_free(&p);
	policy_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_issue_example),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_line_ends),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_long_comment),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_save_round_trip),
		cmocka_unit_test(test_save_unknown_values),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
