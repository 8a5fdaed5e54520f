// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "parse.h"

/* "CMD[ VERB][ ARG]", with ARG quoted when it would not read as one word. */
static void print_what(const struct cmd_ctx *ctx, const char *arg)
{
	fprintf(stderr, "op25bctl: %s", ctx->cmd->name);
	if (ctx->verb)
		fprintf(stderr, " %s", ctx->verb);
	if (arg && (!*arg || strpbrk(arg, " \t\n")))
		fprintf(stderr, " '%s'", arg);
	else if (arg)
		fprintf(stderr, " %s", arg);
}

int cmd_bad_arg(const struct cmd_ctx *ctx, const char *arg, const char *why)
{
	print_what(ctx, arg);
	fprintf(stderr, ": %s\n", why);
	return EXIT_USAGE;
}

int cmd_bad_parse(const struct cmd_ctx *ctx, char **argv,
		  const struct parse_error *e)
{
	return cmd_bad_arg(ctx, e->arg >= 0 ? argv[e->arg] : NULL, e->msg);
}

static const char *reason_of(const struct backend_error *e)
{
	switch (e->code) {
	case EPERM:
		return "permission denied: CAP_NET_ADMIN is needed";
	case ENOSPC:	/* unless the kernel's own message names it */
		return strstr(e->msg, "max_allow") ? "too many entries" :
			"too many entries (see the module parameter max_allow)";
	default:
		return strerror(e->code);
	}
}

static int report(const struct cmd_ctx *ctx, const struct backend_error *e,
		  const char *arg, const char *reason)
{
	if (e->unavailable) {
		fprintf(stderr, "op25bctl: %s\n", e->msg);
		return EXIT_FAIL;
	}
	print_what(ctx, arg);
	fprintf(stderr, ": %s", reason ? reason : reason_of(e));
	if (e->msg[0])
		fprintf(stderr, ": %s", e->msg);
	putc('\n', stderr);
	return EXIT_FAIL;
}

int cmd_open(const struct cmd_ctx *ctx, struct backend *b)
{
	memset(b, 0, sizeof(*b));
	b->ops = ctx->backend;
	if (b->ops->open(b) < 0)
		return report(ctx, &b->err, NULL, NULL);
	return EXIT_OK;
}

int cmd_finish(const struct cmd_ctx *ctx, struct backend *b, int ret,
	       const char *arg, const char *reason)
{
	int status = EXIT_OK;

	if (ret < 0) {
		if (!b->err.code)
			b->err.code = -ret;
		status = report(ctx, &b->err, arg, reason);
	}
	b->ops->close(b);
	return status;
}

int cmd_call(const struct cmd_ctx *ctx, int (*op)(struct backend *b))
{
	struct backend b;

	if (cmd_open(ctx, &b))
		return EXIT_FAIL;
	return cmd_finish(ctx, &b, op(&b), NULL, NULL);
}
