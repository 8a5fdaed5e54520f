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
#include <unistd.h>
#include <cmocka.h>

#include "cmd.h"
#include "parse.h"

/* ---- the fake backend ---- */

static struct {
	int open_ret;		/* open fails with this, unavailable */
	int op_ret;		/* every operation returns this */
	const char *detail;	/* and leaves this in err.msg */
	int opened, closed;
	const char *op;		/* name of the latest operation */
	struct op25b_prefix prefix;
	struct op25b_config cfg;
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
	st->nports = 1;
	st->ports[0] = 25;
	st->totals.inspected = 5;
	st->totals.denied = 5;
	return op(b, "get_status");
}

static int fake_set_config(struct backend *b, const struct op25b_config *cfg)
{
	F.cfg = *cfg;
	return op(b, "set_config");
}

static int fake_add_prefix(struct backend *b, const struct op25b_prefix *p)
{
	F.prefix = *p;
	return op(b, "add_prefix");
}

static int fake_del_prefix(struct backend *b, const struct op25b_prefix *p)
{
	F.prefix = *p;
	return op(b, "del_prefix");
}

static int fake_flush_prefixes(struct backend *b)
{
	return op(b, "flush_prefixes");
}

static int fake_list_prefixes(struct backend *b, struct vec *out)
{
	struct op25b_prefix *p = vec_push(out);
	char err[PARSE_ERRLEN];

	assert_non_null(p);
	assert_int_equal(parse_prefix("192.0.2.0/28", p, err, sizeof(err)), 0);
	return op(b, "list_prefixes");
}

static int fake_dump_sources(struct backend *b, struct vec *out)
{
	struct op25b_source *s = vec_push(out);

	assert_non_null(s);
	s->family = AF_INET;
	s->addr[0] = 10;
	s->denied = 5;
	return op(b, "dump_sources");
}

static int fake_reset_stats(struct backend *b)
{
	return op(b, "reset_stats");
}

/* What op25bctl.c opens. */
const struct backend_ops backend_kmod = {
	.name = "fake",
	.open = fake_open,
	.close = fake_close,
	.get_status = fake_get_status,
	.set_config = fake_set_config,
	.add_prefix = fake_add_prefix,
	.del_prefix = fake_del_prefix,
	.flush_prefixes = fake_flush_prefixes,
	.list_prefixes = fake_list_prefixes,
	.dump_sources = fake_dump_sources,
	.reset_stats = fake_reset_stats,
};

/* ---- running op25bctl with stdout and stderr captured ---- */

int op25bctl_main(int argc, char **argv);

static struct {
	int status;
	char out[2048];
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
	return 0;
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
	  "allow", "10.0.0.5/24", "x")					\
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
	X("op25bctl: remove '': empty address\n", "remove", "")	\
	X("op25bctl: remove: missing argument ADDR[/PLEN]\n", "remove") \
	X("op25bctl: action foo: not an action (reject or drop)\n",	\
	  "action", "foo")						\
	X("op25bctl: action: missing argument reject|drop\n", "action") \
	X("op25bctl: list: unexpected argument 'x'\n", "list", "x")	\
	X("op25bctl: stats: unexpected argument '-'\n", "stats", "-")	\
	X("op25bctl: unknown command 'frob'\ntry 'op25bctl help'\n",	\
	  "frob")							\
	X("op25bctl: unknown option '-x'\ntry 'op25bctl help'\n",	\
	  "-x", "status")						\
	X("op25bctl: unknown option '--jsn'\ntry 'op25bctl help'\n",	\
	  "--jsn", "status")						\
	X("op25bctl: help frob: no such command\n", "help", "frob")

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
	assert_non_null(strstr(R.err, "usage: op25bctl [-j|--json] COMMAND"));
	assert_int_equal(F.opened, 0);
}

static void test_help(void **state)
{
	(void)state;
	run("help", NULL);
	assert_int_equal(R.status, EXIT_OK);
	assert_non_null(strstr(R.out, "  allow ADDR[/PLEN]     add an MTA"));
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
	assert_int_equal(F.opened, 0);
}

static void test_allow_remove(void **state)
{
	(void)state;
	run("allow", "2001:db8::/32", NULL);
	assert_int_equal(R.status, EXIT_OK);
	assert_string_equal(R.err, "");
	assert_string_equal(R.out, "");
	assert_string_equal(F.op, "add_prefix");
	assert_int_equal(F.prefix.family, AF_INET6);
	assert_int_equal(F.prefix.plen, 32);
	assert_int_equal(F.prefix.addr[1], 0x01);
	assert_int_equal(F.opened, 1);
	assert_int_equal(F.closed, 1);

	run("remove", "10.0.0.9", NULL);
	assert_int_equal(R.status, EXIT_OK);
	assert_string_equal(F.op, "del_prefix");
	assert_int_equal(F.prefix.family, AF_INET);
	assert_int_equal(F.prefix.plen, 32);
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
	assert_true(F.cfg.set_action && !F.cfg.set_enabled);
	assert_int_equal(F.cfg.action, OP25B_ACTION_DROP);
	run("action", "reject", NULL);
	assert_int_equal(F.cfg.action, OP25B_ACTION_REJECT);

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
	assert_non_null(strstr(R.out, "\"ports\": [25]"));

	run("stats", NULL);
	assert_int_equal(R.status, EXIT_OK);
	assert_non_null(strstr(R.out, "\n10.0.0.0  5  "));
	assert_non_null(strstr(R.out, "totals: inspected 5 allowed 0 denied 5 "
			       "untracked 0\n"));

	run("reset", NULL);
	assert_int_equal(R.status, EXIT_OK);
	assert_string_equal(F.op, "reset_stats");
	assert_string_equal(R.out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_usage_errors_touch_nothing, setup),
		cmocka_unit_test_setup(test_help, setup),
		cmocka_unit_test_setup(test_allow_remove, setup),
		cmocka_unit_test_setup(test_failures_told, setup),
		cmocka_unit_test_setup(test_unavailable, setup),
		cmocka_unit_test_setup(test_config, setup),
		cmocka_unit_test_setup(test_outputs, setup),
	};

	return cmocka_run_group_tests_name("cmd", tests, NULL, NULL);
}
