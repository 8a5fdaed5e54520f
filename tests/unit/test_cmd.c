// SPDX-License-Identifier: GPL-2.0
/*
 * op25bctl's command line over a fake backend (op25bctl.c is built with
 * main renamed, and this file provides backend_kmod): arguments are checked
 * before the backend is opened, results reach the backend as values, and
 * failures are told on stderr with the exit status the documentation
 * promises.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "cmd.h"
#include "parse.h"

/* ---- the fake backend ---- */

#define MAX_EVENTS 4

static struct {
	int open_ret;		/* open fails with this, unavailable */
	int op_ret;		/* every operation returns this */
	const char *detail;	/* and leaves this in err.msg */
	int opened, closed;
	const char *op;		/* name of the latest operation */
	struct op25b_entry entry;
	uint8_t list;		/* of the latest flush or list */
	struct op25b_config cfg;
	struct op25b_policy policy;	/* loaded, or listed by save */
	unsigned int nsources;		/* dump_sources gives this many */
	/* read_events: one batch of events a call, then a signal */
	struct op25b_event events[MAX_EVENTS];
	unsigned int nevents, reads;
	int read_ret[MAX_EVENTS];	/* of each call (-ENOBUFS) */
} F;

static int op(struct backend *b, const char *name)
{
	F.op = name;
	if (F.op_ret < 0) {
		b->err.code = -F.op_ret;
		snprintf(b->err.msg, sizeof(b->err.msg), "%s",
			 F.detail ? F.detail : "");
	}
	return F.op_ret;
}

static int fake_open(struct backend *b)
{
	F.opened++;
	if (F.open_ret < 0) {
		b->err.code = -F.open_ret;
		b->err.unavailable = true;
		snprintf(b->err.msg, sizeof(b->err.msg), "the fake is off");
	}
	return F.open_ret;
}

static void fake_close(struct backend *b)
{
	(void)b;
	F.closed++;
}

static int fake_get_status(struct backend *b, struct op25b_status *st)
{
	memset(st, 0, sizeof(*st));
	snprintf(st->version, sizeof(st->version), "9.9");
	st->enabled = true;
	st->mode = F.policy.mode;
	st->action = F.policy.action;
	st->nports = F.policy.nports;
	memcpy(st->ports, F.policy.ports, sizeof(st->ports));
	st->totals.inspected = 7;
	st->totals.denied = 5;
	st->totals.audited = 2;
	return op(b, "get_status");
}

static int fake_set_config(struct backend *b, const struct op25b_config *cfg)
{
	F.cfg = *cfg;
	return op(b, "set_config");
}

static int fake_add_prefix(struct backend *b, const struct op25b_entry *e)
{
	F.entry = *e;
	return op(b, "add_prefix");
}

static int fake_del_prefix(struct backend *b, const struct op25b_entry *e)
{
	F.entry = *e;
	return op(b, "del_prefix");
}

static int fake_flush_prefixes(struct backend *b, uint8_t list)
{
	F.list = list;
	return op(b, "flush_prefixes");
}

/* The entries of F.policy on list, or one made up when it has none. */
static int fake_list_prefixes(struct backend *b, uint8_t list,
			      struct vec *out)
{
	const struct op25b_entry *e = F.policy.entries.items;
	struct op25b_entry *slot;
	char err[PARSE_ERRLEN];
	size_t i;

	F.list = list;
	for (i = 0; i < F.policy.entries.n; i++) {
		if (e[i].list != list)
			continue;
		slot = vec_push(out);
		assert_non_null(slot);
		*slot = e[i];
	}
	if (!F.policy.entries.n) {
		slot = vec_push(out);
		assert_non_null(slot);
		assert_int_equal(parse_prefix(list ? "10.1.0.0/16" :
					      "192.0.2.0/28", &slot->prefix,
					      err, sizeof(err)), 0);
		slot->list = list;
	}
	return op(b, "list_prefixes");
}

static int fake_load(struct backend *b, const struct op25b_policy *p)
{
	struct op25b_entry *slot;
	size_t i;

	policy_free(&F.policy);
	F.policy = *p;
	F.policy.entries = (struct vec)VEC_INIT(struct op25b_entry);
	for (i = 0; i < p->entries.n; i++) {
		slot = vec_push(&F.policy.entries);
		assert_non_null(slot);
		*slot = ((const struct op25b_entry *)p->entries.items)[i];
	}
	return op(b, "load");
}

/* 10.0.0.1 .. 10.0.0.N, N denied, seen N seconds after the epoch */
static int fake_dump_sources(struct backend *b, struct vec *out)
{
	unsigned int i;

	for (i = 1; i <= F.nsources; i++) {
		struct op25b_source *s = vec_push(out);

		assert_non_null(s);
		s->family = AF_INET;
		s->addr[0] = 10;
		s->addr[3] = (uint8_t)i;
		s->denied = i;
		s->audited = 10 - i;
		s->last_seen = (10 - i) * 1000000000ull;
	}
	return op(b, "dump_sources");
}

static int fake_reset_stats(struct backend *b)
{
	return op(b, "reset_stats");
}

static int fake_subscribe(struct backend *b)
{
	return op(b, "subscribe");
}

/* Call n gives event n, or fails with read_ret[n]; past the events, a
 * SIGTERM comes while waiting, as in ppoll. */
static int fake_read_events(struct backend *b, const sigset_t *sigmask,
			    event_fn fn, void *arg)
{
	unsigned int n = F.reads++;

	F.op = "read_events";
	assert_false(sigismember(sigmask, SIGTERM));
	if (n < F.nevents) {
		if (F.read_ret[n]) {
			b->err.code = -F.read_ret[n];
			snprintf(b->err.msg, sizeof(b->err.msg), "lost some");
			return F.read_ret[n];
		}
		return fn(&F.events[n], arg);
	}
	assert_true(n < F.nevents + 1);		/* stopped by the signal */
	raise(SIGTERM);		/* blocked: pending until the wait */
	sigsuspend(sigmask);
	return -EINTR;
}

static const char *opened_backend;

static int fake_open_kmod(struct backend *b)
{
	opened_backend = "kmod";
	return fake_open(b);
}

static int fake_open_nft(struct backend *b)
{
	opened_backend = "nft";
	return fake_open(b);
}

/* What op25bctl.c opens: -b kmod (the default) or -b nft. */
const struct backend_ops backend_kmod = {
	.name = "kmod",
	.open = fake_open_kmod,
	.close = fake_close,
	.get_status = fake_get_status,
	.set_config = fake_set_config,
	.add_prefix = fake_add_prefix,
	.del_prefix = fake_del_prefix,
	.flush_prefixes = fake_flush_prefixes,
	.list_prefixes = fake_list_prefixes,
	.load = fake_load,
	.dump_sources = fake_dump_sources,
	.reset_stats = fake_reset_stats,
	.subscribe = fake_subscribe,
	.read_events = fake_read_events,
};

const struct backend_ops backend_nft = {
	.name = "nft",
	.open = fake_open_nft,
	.close = fake_close,
	.get_status = fake_get_status,
	.set_config = fake_set_config,
	.add_prefix = fake_add_prefix,
	.del_prefix = fake_del_prefix,
	.flush_prefixes = fake_flush_prefixes,
	.list_prefixes = fake_list_prefixes,
	.load = fake_load,
	.dump_sources = fake_dump_sources,
	.reset_stats = fake_reset_stats,
	.subscribe = fake_subscribe,
	.read_events = fake_read_events,
};

/* ---- running op25bctl with stdout and stderr captured ---- */

int op25bctl_main(int argc, char **argv);

static struct {
	int status;
	char out[4096];
	char err[1024];
} R;

static void slurp(FILE *f, char *buf, size_t len)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* op25bctl ARGS... (NULL-terminated) */
static void run(const char *arg0, ...)
{
	char *argv[16] = { (char *)"op25bctl", (char *)arg0 };
	FILE *out = tmpfile(), *err = tmpfile();
	int saved_out = dup(1), saved_err = dup(2);
	int argc = arg0 ? 2 : 1;
	va_list ap;

	va_start(ap, arg0);
	while (arg0 && argc < 15 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;

	assert_true(out && err && saved_out >= 0 && saved_err >= 0);
	fflush(stdout);
	fflush(stderr);
	dup2(fileno(out), 1);
	dup2(fileno(err), 2);
	optind = 0;		/* getopt starts over */
	R.status = op25bctl_main(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	slurp(out, R.out, sizeof(R.out));
	slurp(err, R.err, sizeof(R.err));
}

static int setup(void **state)
{
	(void)state;
	memset(&F, 0, sizeof(F));
	policy_init(&F.policy);
	F.nsources = 1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	policy_free(&F.policy);
	return 0;
}

/* A file of text, for load; its name in path (64 bytes). */
static void write_file(char *path, const char *text)
{
	int fd;

	strcpy(path, "/tmp/op25bctl-test-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* ---- tests ---- */

#define USAGE_CASES(X)							\
	X("op25bctl: allow 10.0.0.300: not an IPv4 or IPv6 address\n",	\
	  "allow", "10.0.0.300")					\
	X("op25bctl: allow 10.0.0.5x: not an IPv4 or IPv6 address\n",	\
	  "allow", "10.0.0.5x")						\
	X("op25bctl: allow '10.0.0.5/24 x': prefix length '24 x' is not a " \
	  "decimal number\n", "allow", "10.0.0.5/24 x")		\
	X("op25bctl: allow: unexpected argument 'x'\n",		\
	  "allow", "10.0.0.0/24", "x")					\
	X("op25bctl: allow: missing argument TEXT after 'comment'\n",	\
	  "allow", "10.0.0.5", "comment")				\
	X("op25bctl: allow 10.0.0.5: empty comment\n",			\
	  "allow", "10.0.0.5", "comment", "")				\
	X("op25bctl: allow 10.0.0.5: comment has a control character\n", \
	  "allow", "10.0.0.5", "comment", "a\nb")			\
	X("op25bctl: allow 192.0.2.1/28: host bits set, did you mean "	\
	  "192.0.2.0/28?\n", "allow", "192.0.2.1/28")			\
	X("op25bctl: allow 10.0.0.5/33: prefix length 33 is out of range " \
	  "0-32 for IPv4\n", "allow", "10.0.0.5/33")			\
	X("op25bctl: remove fd00::/129: prefix length 129 is out of range " \
	  "0-128 for IPv6\n", "remove", "fd00::/129")			\
	X("op25bctl: allow 10.0.0.0/-1: prefix length '-1' is not a "	\
	  "decimal number\n", "allow", "10.0.0.0/-1")			\
	X("op25bctl: allow 10.0.0.0/abc: prefix length 'abc' is not a "	\
	  "decimal number\n", "allow", "10.0.0.0/abc")			\
	X("op25bctl: allow -5: not an IPv4 or IPv6 address\n",		\
	  "allow", "-5")						\
	X("op25bctl: remove '': empty address\n", "remove", "")	\
	X("op25bctl: remove: missing argument ADDR[/PLEN]\n", "remove") \
	X("op25bctl: remove: unexpected argument 'comment'\n",		\
	  "remove", "10.0.0.5", "comment", "x")				\
	X("op25bctl: action foo: not an action (reject or drop)\n",	\
	  "action", "foo")						\
	X("op25bctl: action: missing argument reject|drop\n", "action") \
	X("op25bctl: mode on: not a mode (enforce or audit)\n",	\
	  "mode", "on")							\
	X("op25bctl: mode: unexpected argument 'x'\n",			\
	  "mode", "audit", "x")						\
	X("op25bctl: port 0: port 0 is out of range 1-65535\n",	\
	  "port", "0")							\
	X("op25bctl: port 65536: port 65536 is out of range 1-65535\n", \
	  "port", "65536")						\
	X("op25bctl: port 25x: '25x' is not a port number\n",		\
	  "port", "25x")						\
	X("op25bctl: port 1,2,3,4,5,6,7,8,9: more than 8 ports\n",	\
	  "port", "1,2,3,4,5,6,7,8,9")					\
	X("op25bctl: port 25,587,25: port 25 given twice\n",		\
	  "port", "25,587,25")						\
	X("op25bctl: port: unexpected argument '587'\n",		\
	  "port", "25", "587")						\
	X("op25bctl: scope frob: not a verb (add, del, list or flush)\n", \
	  "scope", "frob", "10.1.0.0/16")				\
	X("op25bctl: scope: missing argument add|del|list|flush "	\
	  "[PREFIX [comment TEXT]]\n", "scope")				\
	X("op25bctl: scope add: missing argument PREFIX\n",		\
	  "scope", "add")						\
	X("op25bctl: scope add 10.1.2.0/16: host bits set, did you mean " \
	  "10.1.0.0/16?\n", "scope", "add", "10.1.2.0/16")		\
	X("op25bctl: scope list: unexpected argument 'x'\n",		\
	  "scope", "list", "x")						\
	X("op25bctl: exempt del: unexpected argument 'comment'\n",	\
	  "exempt", "del", "10.0.0.0/8", "comment", "x")		\
	X("op25bctl: exempt flush: unexpected argument '10.0.0.0/8'\n", \
	  "exempt", "flush", "10.0.0.0/8")				\
	X("op25bctl: list: unexpected argument 'x'\n", "list", "x")	\
	X("op25bctl: stats: unexpected argument '-'\n", "stats", "-")	\
	X("op25bctl: stats: unexpected argument '-x'\n", "stats", "-x") \
	X("op25bctl: stats --sort foo: not an order (denied, last or "	\
	  "source)\n", "stats", "--sort", "foo")			\
	X("op25bctl: stats --sort: missing argument denied|last|source\n", \
	  "stats", "--sort")						\
	X("op25bctl: stats --top 0: '0' is not a whole number of at "	\
	  "least 1\n", "stats", "--top=0")				\
	X("op25bctl: stats --top x: 'x' is not a whole number of at "	\
	  "least 1\n", "stats", "--top", "x")				\
	X("op25bctl: stats --top: missing argument N\n", "stats", "--top") \
	X("op25bctl: stats: --prometheus and -j exclude each other\n",	\
	  "-j", "stats", "--prometheus")				\
	X("op25bctl: stats: --prometheus and -j exclude each other\n",	\
	  "stats", "--json", "--prometheus")				\
	X("op25bctl: load: missing argument FILE|-\n", "load")		\
	X("op25bctl: load /nonexistent/op25b.conf: No such file or "	\
	  "directory\n", "load", "/nonexistent/op25b.conf")		\
	X("op25bctl: save: no JSON form: save writes the configuration " \
	  "file format\n", "save", "-j")				\
	X("op25bctl: monitor: unexpected argument 'x'\n", "monitor", "x") \
	X("op25bctl: unknown command 'frob'\ntry 'op25bctl help'\n",	\
	  "frob")							\
	X("op25bctl: unknown option '-x'\ntry 'op25bctl help'\n",	\
	  "-x", "status")						\
	X("op25bctl: unknown option '--jsn'\ntry 'op25bctl help'\n",	\
	  "--jsn", "status")						\
	X("op25bctl: help frob: no such command\n", "help", "frob")	\
	X("op25bctl: --backend: unknown backend 'ipt': want kmod or nft\n", \
	  "-b", "ipt", "status")					\
	X("op25bctl: --backend: unknown backend '': want kmod or nft\n", \
	  "--backend=", "status")					\
	X("op25bctl: --backend: missing name: want kmod or nft\n",	\
	  "status", "-b")						\
	X("op25bctl: --backend: missing name: want kmod or nft\n", "-b") \
	X("op25bctl: --backend: unknown backend 'NFT': want kmod or nft\n", \
	  "list", "--backend", "NFT")

static void test_usage_errors_touch_nothing(void **state)
{
	(void)state;
#define X(want, ...)							\
	run(__VA_ARGS__, NULL);						\
	assert_int_equal(R.status, EXIT_USAGE);				\
	assert_string_equal(R.err, want);				\
	assert_string_equal(R.out, "");					\
	assert_int_equal(F.opened, 0);
	USAGE_CASES(X)
#undef X
	run(NULL);
	assert_int_equal(R.status, EXIT_USAGE);
	assert_non_null(strstr(R.err, "usage: op25bctl [-j|--json] "
			       "[-b|--backend kmod|nft] COMMAND"));
	assert_int_equal(F.opened, 0);
}

static void test_help(void **state)
{
	(void)state;
	run("help", NULL);
	assert_int_equal(R.status, EXIT_OK);
	assert_non_null(strstr(R.out, "\n  allow ADDR[/PLEN] [comment TEXT]\n"
			       "                        add an MTA"));
	assert_non_null(strstr(R.out, "\n  mode enforce|audit    enforce,"));
	assert_string_equal(R.err, "");
	run("-h", NULL);
	assert_int_equal(R.status, EXIT_OK);
	assert_non_null(strstr(R.out, "  status                version"));
	run("help", "remove", NULL);
	assert_int_equal(R.status, EXIT_OK);
	assert_non_null(strstr(R.out, "usage: op25bctl [-j|--json] remove "
			       "ADDR[/PLEN]\n"));
	run("remove", "--help", NULL);
	assert_int_equal(R.status, EXIT_OK);
	assert_non_null(strstr(R.out, "usage: op25bctl [-j|--json] remove "
			       "ADDR[/PLEN]\n"));
	run("help", "load", NULL);
	assert_non_null(strstr(R.out, "  exempt PREFIX [comment TEXT]\n"));
	assert_int_equal(F.opened, 0);
}

/* -b/--backend, before or after the command; kmod by default. */
static void test_backend_option(void **state)
{
	static const struct {
		const char *args[6];
		const char *want;
	} cases[] = {
		{ { "status" }, "kmod" },
		{ { "-b", "nft", "status" }, "nft" },
		{ { "--backend", "nft", "status" }, "nft" },
		{ { "--backend=nft", "status" }, "nft" },
		{ { "status", "-b", "nft" }, "nft" },
		{ { "-j", "status", "--backend=nft" }, "nft" },
		{ { "-b", "nft", "status", "-b", "kmod" }, "kmod" },
		{ { "-b", "kmod", "list" }, "kmod" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		opened_backend = NULL;
		run(cases[i].args[0], cases[i].args[1], cases[i].args[2],
		    cases[i].args[3], cases[i].args[4], NULL);
		assert_int_equal(R.status, EXIT_OK);
		assert_non_null(opened_backend);
		assert_string_equal(opened_backend, cases[i].want);
	}
	/* after "--" it is an argument, not an option */
	opened_backend = NULL;
	run("allow", "--", "-b", NULL);
	assert_int_equal(R.status, EXIT_USAGE);
	assert_null(opened_backend);
	run("help", NULL);
	assert_non_null(strstr(R.out, "  -b, --backend kmod|nft\n"));
}

static void test_allow_remove(void **state)
{
	(void)state;
	run("allow", "2001:db8::/32", NULL);
	assert_int_equal(R.status, EXIT_OK);
	assert_string_equal(R.err, "");
	assert_string_equal(R.out, "");
	assert_string_equal(F.op, "add_prefix");
	assert_int_equal(F.entry.list, OP25B_LIST_ALLOW);
	assert_int_equal(F.entry.prefix.family, AF_INET6);
	assert_int_equal(F.entry.prefix.plen, 32);
	assert_int_equal(F.entry.prefix.addr[1], 0x01);
	assert_string_equal(F.entry.comment, "");
	assert_int_equal(F.opened, 1);
	assert_int_equal(F.closed, 1);

	run("allow", "10.0.0.5", "comment", "main", " MTA ", NULL);
	assert_int_equal(R.status, EXIT_OK);
	assert_string_equal(F.entry.comment, "main MTA");
	/* words after "--" are arguments, options or not */
	run("allow", "10.0.0.5", "--", "comment", "-j", "--help", NULL);
	assert_int_equal(R.status, EXIT_OK);
	assert_string_equal(R.out, "");
	assert_string_equal(F.entry.comment, "-j --help");

	run("remove", "10.0.0.9", NULL);
	assert_int_equal(R.status, EXIT_OK);
	assert_string_equal(F.op, "del_prefix");
	assert_int_equal(F.entry.list, OP25B_LIST_ALLOW);
	assert_int_equal(F.entry.prefix.family, AF_INET);
	assert_int_equal(F.entry.prefix.plen, 32);
}

static void test_scope_exempt(void **state)
{
	(void)state;
	run("scope", "add", "10.1.0.0/16", "comment", "pilot", NULL);
	assert_int_equal(R.status, EXIT_OK);
	assert_string_equal(F.op, "add_prefix");
	assert_int_equal(F.entry.list, OP25B_LIST_SCOPE);
	assert_int_equal(F.entry.prefix.plen, 16);
	assert_string_equal(F.entry.comment, "pilot");

	run("exempt", "del", "fd00::/8", NULL);
	assert_int_equal(R.status, EXIT_OK);
	assert_string_equal(F.op, "del_prefix");
	assert_int_equal(F.entry.list, OP25B_LIST_EXEMPT);

	run("exempt", "flush", NULL);
	assert_string_equal(F.op, "flush_prefixes");
	assert_int_equal(F.list, OP25B_LIST_EXEMPT);
	run("flush", NULL);
	assert_int_equal(F.list, OP25B_LIST_ALLOW);

	run("scope", "list", NULL);
	assert_int_equal(R.status, EXIT_OK);
	assert_int_equal(F.list, OP25B_LIST_SCOPE);
	assert_string_equal(R.out, "10.1.0.0/16\n");
	run("-j", "exempt", "list", NULL);
	assert_string_equal(R.out, "{\"exempt\": [\"10.1.0.0/16\"]}\n");

	/* failures name the list */
	F.op_ret = -ENOENT;
	run("scope", "del", "10.9.0.0/16", NULL);
	assert_int_equal(R.status, EXIT_FAIL);
	assert_string_equal(R.err, "op25bctl: scope del 10.9.0.0/16: not in "
			    "the scope list\n");
	F.op_ret = -ENOSPC;
	run("exempt", "add", "10.9.0.0/16", NULL);
	assert_string_equal(R.err, "op25bctl: exempt add 10.9.0.0/16: the "
			    "exempt list is full (see the module parameter "
			    "max_allow)\n");
	F.op_ret = -EPERM;
	run("scope", "flush", NULL);
	assert_string_equal(R.err, "op25bctl: scope flush: permission denied: "
			    "CAP_NET_ADMIN is needed\n");
}

static void test_failures_told(void **state)
{
	static const struct {
		const char *cmd, *arg;
		int ret;
		const char *detail, *err;
	} cases[] = {
		{ "remove", "10.0.0.9", -ENOENT, NULL,
		  "op25bctl: remove 10.0.0.9: not in the allowlist\n" },
		{ "allow", "10.0.0.5", -ENOSPC, NULL,
		  "op25bctl: allow 10.0.0.5: the allowlist is full "
		  "(see the module parameter max_allow)\n" },
		{ "status", NULL, -EPERM, NULL,
		  "op25bctl: status: permission denied: "
		  "CAP_NET_ADMIN is needed\n" },
		{ "allow", "10.0.0.0/8", -EINVAL, "prefix refused",
		  "op25bctl: allow 10.0.0.0/8: Invalid argument: "
		  "prefix refused\n" },
		{ "flush", NULL, -EIO, NULL,
		  "op25bctl: flush: Input/output error\n" },
		{ "list", NULL, -EAGAIN, "kept changing",
		  "op25bctl: list: Resource temporarily unavailable: "
		  "kept changing\n" },
		{ "stats", NULL, -EPROTO, "malformed reply",
		  "op25bctl: stats: Protocol error: malformed reply\n" },
		{ "mode", "audit", -EPERM, NULL,
		  "op25bctl: mode: permission denied: "
		  "CAP_NET_ADMIN is needed\n" },
		{ "monitor", NULL, -EPROTONOSUPPORT, "no events group",
		  "op25bctl: monitor: Protocol not supported: "
		  "no events group\n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		F.op_ret = cases[i].ret;
		F.detail = cases[i].detail;
		run("-j", cases[i].cmd, cases[i].arg, NULL);
		assert_int_equal(R.status, EXIT_FAIL);
		assert_string_equal(R.err, cases[i].err);
		assert_string_equal(R.out, "");	/* nothing half-printed */
		assert_int_equal(F.opened, F.closed);
	}
}

static void test_unavailable(void **state)
{
	(void)state;
	F.open_ret = -ENOENT;
	run("-j", "list", NULL);
	assert_int_equal(R.status, EXIT_FAIL);
	assert_string_equal(R.err, "op25bctl: the fake is off\n");
	assert_string_equal(R.out, "");
	assert_null(F.op);
}

static void test_config(void **state)
{
	(void)state;
	run("action", "drop", NULL);
	assert_int_equal(R.status, EXIT_OK);
	assert_true(F.cfg.set_action && !F.cfg.set_enabled && !F.cfg.set_mode);
	assert_int_equal(F.cfg.nports, 0);
	assert_int_equal(F.cfg.action, OP25B_ACTION_DROP);
	run("action", "reject", NULL);
	assert_int_equal(F.cfg.action, OP25B_ACTION_REJECT);

	run("mode", "audit", NULL);
	assert_int_equal(R.status, EXIT_OK);
	assert_true(F.cfg.set_mode && !F.cfg.set_action && !F.cfg.set_enabled);
	assert_int_equal(F.cfg.mode, OP25B_MODE_AUDIT);
	run("mode", "enforce", NULL);
	assert_int_equal(F.cfg.mode, OP25B_MODE_ENFORCE);

	run("port", "587,25", NULL);
	assert_int_equal(R.status, EXIT_OK);
	assert_true(!F.cfg.set_mode && !F.cfg.set_action && !F.cfg.set_enabled);
	assert_int_equal(F.cfg.nports, 2);
	assert_int_equal(F.cfg.ports[0], 587);
	assert_int_equal(F.cfg.ports[1], 25);

	run("enable", NULL);
	assert_true(F.cfg.set_enabled && F.cfg.enabled && !F.cfg.set_action);
	run("disable", NULL);
	assert_true(F.cfg.set_enabled && !F.cfg.enabled && !F.cfg.set_action);
	assert_int_equal(R.status, EXIT_OK);
}

static void test_outputs(void **state)
{
	(void)state;
	run("list", NULL);
	assert_int_equal(R.status, EXIT_OK);
	assert_string_equal(R.out, "192.0.2.0/28\n");
	run("-j", "list", NULL);
	assert_string_equal(R.out, "{\"allow\": [\"192.0.2.0/28\"]}\n");
	run("list", "--json", NULL);		/* options may follow */
	assert_string_equal(R.out, "{\"allow\": [\"192.0.2.0/28\"]}\n");

	run("--json", "status", NULL);
	assert_int_equal(R.status, EXIT_OK);
	assert_non_null(strstr(R.out, "\"version\": \"9.9\""));
	assert_non_null(strstr(R.out, "\"mode\": \"enforce\""));
	assert_non_null(strstr(R.out, "\"ports\": [25]"));
	assert_non_null(strstr(R.out, "\"scope\": [\"10.1.0.0/16\"], "
			       "\"exempt\": [\"10.1.0.0/16\"]"));
	run("status", NULL);
	assert_non_null(strstr(R.out, "\nscope: 10.1.0.0/16\n"));

	run("stats", NULL);
	assert_int_equal(R.status, EXIT_OK);
	assert_non_null(strstr(R.out, "\n10.0.0.1  1       9        "));
	assert_non_null(strstr(R.out, "totals: inspected 7 allowed 0 denied 5 "
			       "untracked 0 audited 2 exempt 0\n"));

	run("reset", NULL);
	assert_int_equal(R.status, EXIT_OK);
	assert_string_equal(F.op, "reset_stats");
	assert_string_equal(R.out, "");
}

/* The sources of a stats -j, in order: "10.0.0.3 10.0.0.2 ..." */
static const char *stats_order(const char *arg0, ...)
{
	static char order[256];
	char *argv[8] = { (char *)"-j", (char *)"stats", (char *)arg0 };
	const char *c;
	size_t len = 0;
	va_list ap;
	int i = 3;

	va_start(ap, arg0);
	while (arg0 && i < 7 && (argv[i] = va_arg(ap, char *)))
		i++;
	va_end(ap);
	run(argv[0], argv[1], argv[2], argv[3], argv[4], argv[5], NULL);
	assert_int_equal(R.status, EXIT_OK);
	order[0] = '\0';
	for (c = R.out; (c = strstr(c, "\"source\": \"")); ) {
		c += strlen("\"source\": \"");
		len += (size_t)snprintf(order + len, sizeof(order) - len,
					"%s%.*s", len ? " " : "",
					(int)strcspn(c, "\""), c);
	}
	return order;
}

static void test_stats_options(void **state)
{
	(void)state;
	F.nsources = 3;		/* 10.0.0.N: N denied, 10 - N audited */
	assert_string_equal(stats_order(NULL), "10.0.0.3 10.0.0.2 10.0.0.1");
	assert_string_equal(stats_order("--sort", "denied", NULL),
			    "10.0.0.3 10.0.0.2 10.0.0.1");
	assert_string_equal(stats_order("--sort=last", NULL),
			    "10.0.0.1 10.0.0.2 10.0.0.3");
	assert_string_equal(stats_order("--sort", "source", NULL),
			    "10.0.0.1 10.0.0.2 10.0.0.3");
	assert_string_equal(stats_order("--top", "2", NULL),
			    "10.0.0.3 10.0.0.2");
	assert_string_equal(stats_order("--top", "1", "--sort", "source",
					NULL), "10.0.0.1");
	assert_string_equal(stats_order("--top=9", NULL),
			    "10.0.0.3 10.0.0.2 10.0.0.1");
	/* the latest --sort stands */
	assert_string_equal(stats_order("--sort", "last", "--sort", "denied",
					NULL), "10.0.0.3 10.0.0.2 10.0.0.1");
	assert_non_null(strstr(R.out, "\"totals\": {\"inspected\": 7, "));

	run("stats", "--prometheus", "--top", "1", NULL);
	assert_int_equal(R.status, EXIT_OK);
	assert_string_equal(R.err, "");
	assert_non_null(strstr(R.out, "\nop25b_denied_total 5\n"));
	assert_non_null(strstr(R.out, "\nop25b_tracked_sources 3\n"));
	assert_non_null(strstr(R.out, "\nop25b_source_denied_total"
			       "{source=\"10.0.0.3\"} 3\n"));
	assert_null(strstr(R.out, "10.0.0.2"));
	assert_non_null(strstr(R.out, "\nop25b_source_audited_total"
			       "{source=\"10.0.0.3\"} 7\n"));
	assert_non_null(strstr(R.out, "\nop25b_source_last_seen_timestamp_"
			       "seconds{source=\"10.0.0.3\"} 7\n"));
}

static const char conf[] =
	"# the gateway\n"
	"mode audit\n"
	"port 25,587\n"
	"allow 10.0.0.5   # main MTA\n"
	"allow 2001:db8:1::25\n"
	"exempt 10.0.0.0/8 # internal relays\n"
	"scope 10.1.0.0/16\n";

static const char conf_saved[] =
	"mode audit\n"
	"action reject\n"
	"port 25,587\n"
	"allow 10.0.0.5  # main MTA\n"
	"allow 2001:db8:1::25\n"
	"scope 10.1.0.0/16\n"
	"exempt 10.0.0.0/8  # internal relays\n";

static void test_load_save(void **state)
{
	char path[64], path2[64];

	(void)state;
	write_file(path, conf);
	run("load", path, NULL);
	assert_int_equal(R.status, EXIT_OK);
	assert_string_equal(R.err, "");
	assert_string_equal(R.out, "");
	assert_string_equal(F.op, "load");
	assert_int_equal(F.opened, 1);
	assert_int_equal(F.policy.mode, OP25B_MODE_AUDIT);
	assert_int_equal(F.policy.action, OP25B_ACTION_REJECT);
	assert_int_equal(F.policy.nports, 2);
	assert_int_equal(F.policy.entries.n, 4);

	/* save what was loaded; load it again; save the same */
	run("save", NULL);
	assert_int_equal(R.status, EXIT_OK);
	assert_string_equal(R.out, conf_saved);
	write_file(path2, R.out);
	run("load", path2, NULL);
	assert_int_equal(R.status, EXIT_OK);
	run("save", NULL);
	assert_string_equal(R.out, conf_saved);

	/* from stdin */
	assert_non_null(freopen(path, "r", stdin));
	run("load", "-", NULL);
	assert_non_null(freopen("/dev/null", "r", stdin));
	assert_int_equal(R.status, EXIT_OK);
	assert_int_equal(F.policy.entries.n, 4);
	unlink(path);
	unlink(path2);
}

static void test_load_errors(void **state)
{
	char path[64], want[256];

	(void)state;
	write_file(path, "mode audit\nallow 10.0.0.5\n\nallow 10.0.0.300\n");
	run("load", path, NULL);
	assert_int_equal(R.status, EXIT_USAGE);
	snprintf(want, sizeof(want), "%s:4: allow 10.0.0.300: not an IPv4 or "
		 "IPv6 address\n", path);
	assert_string_equal(R.err, want);
	assert_int_equal(F.opened, 0);	/* nothing at all was sent */
	unlink(path);

	write_file(path, "port 25\nport 587\n");
	assert_non_null(freopen(path, "r", stdin));
	run("load", "-", NULL);
	assert_non_null(freopen("/dev/null", "r", stdin));
	assert_int_equal(R.status, EXIT_USAGE);
	assert_string_equal(R.err, "<stdin>:2: port: given twice (first on "
			    "line 1)\n");
	assert_int_equal(F.opened, 0);
	unlink(path);

	/* nothing at all, as from a generator that failed */
	run("load", "-", NULL);		/* stdin: /dev/null */
	assert_int_equal(R.status, EXIT_USAGE);
	assert_string_equal(R.err, "<stdin>: no directive at all; to reset "
			    "everything, load a file that says 'mode "
			    "enforce'\n");
	assert_int_equal(F.opened, 0);

	/* the kernel refuses: exit 1, naming the file */
	write_file(path, "allow 10.0.0.5\n");
	F.op_ret = -ENOSPC;
	F.detail = "list is full";
	run("load", path, NULL);
	assert_int_equal(R.status, EXIT_FAIL);
	snprintf(want, sizeof(want), "op25bctl: load %s: too many entries (see "
		 "the module parameter max_allow): list is full\n", path);
	assert_string_equal(R.err, want);
	unlink(path);
}

static void test_save_unknown(void **state)
{
	(void)state;
	F.policy.mode = 7;
	run("save", NULL);
	assert_int_equal(R.status, EXIT_FAIL);
	assert_string_equal(R.out, "");
	assert_string_equal(R.err, "op25bctl: save: the policy holds a value "
			    "this op25bctl does not know\n");
}

static struct op25b_event event(uint8_t last)
{
	struct op25b_event ev = {
		.time = 1796407200000000000ull,
		.verdict = OP25B_VERDICT_DENIED,
		.family = AF_INET,
		.saddr = { 10, 1, 0, last },
		.daddr = { 203, 0, 113, 25 },
		.sport = 51234,
		.dport = 25,
		.hook = 2,
		.outdev = "eth1",
	};

	return ev;
}

static void test_monitor(void **state)
{
	sigset_t mask;

	(void)state;
	F.events[0] = event(2);
	F.events[1] = event(3);
	F.events[1].verdict = OP25B_VERDICT_AUDITED;
	F.events[1].suppressed = 4;
	F.read_ret[2] = -ENOBUFS;
	F.events[3] = event(4);
	F.nevents = 4;
	run("monitor", NULL);
	assert_int_equal(R.status, EXIT_OK);	/* SIGTERM ends it */
	assert_int_equal(F.reads, 5);
	assert_string_equal(R.out,
		"2026-12-04T18:00:00Z denied 10.1.0.2:51234 -> "
		"203.0.113.25:25 (forward, out eth1)\n"
		"(4 events suppressed)\n"
		"2026-12-04T18:00:00Z audited 10.1.0.3:51234 -> "
		"203.0.113.25:25 (forward, out eth1)\n"
		"2026-12-04T18:00:00Z denied 10.1.0.4:51234 -> "
		"203.0.113.25:25 (forward, out eth1)\n");
	assert_string_equal(R.err, "op25bctl: monitor: lost some\n");
	assert_int_equal(F.opened, 1);
	assert_int_equal(F.closed, 1);
	/* the signals are as they were */
	sigprocmask(SIG_SETMASK, NULL, &mask);
	assert_false(sigismember(&mask, SIGTERM));
	assert_false(sigismember(&mask, SIGINT));

	F.reads = 0;
	F.nevents = 2;
	run("-j", "monitor", NULL);
	assert_int_equal(R.status, EXIT_OK);
	assert_string_equal(R.out,
		"{\"time\": \"2026-12-04T18:00:00Z\", \"verdict\": \"denied\", "
		"\"source\": \"10.1.0.2\", \"source_port\": 51234, "
		"\"destination\": \"203.0.113.25\", \"port\": 25, "
		"\"hook\": \"forward\", \"out\": \"eth1\"}\n"
		"{\"time\": \"2026-12-04T18:00:00Z\", \"verdict\": \"audited\", "
		"\"source\": \"10.1.0.3\", \"source_port\": 51234, "
		"\"destination\": \"203.0.113.25\", \"port\": 25, "
		"\"hook\": \"forward\", \"out\": \"eth1\", "
		"\"suppressed\": 4}\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_usage_errors_touch_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_help, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backend_option, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_allow_remove, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_scope_exempt, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_failures_told, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unavailable, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outputs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats_options, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_load_save, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_load_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_save_unknown, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_monitor, setup, teardown),
	};

	return cmocka_run_group_tests_name("cmd", tests, NULL, NULL);
}
