// SPDX-License-Identifier: GPL-2.0
/* allow, remove, list, flush: the allowlist. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

#include "cmd.h"
#include "parse.h"

/* allow ADDR[/PLEN] (add) or remove ADDR[/PLEN]. */
static int change(const struct cmd_ctx *ctx, const char *arg, bool add)
{
	char err[PARSE_ERRLEN];
	struct op25b_prefix p;
	struct backend b;
	int ret;

	if (parse_prefix(arg, &p, err, sizeof(err)) < 0)
		return cmd_bad_arg(ctx, arg, err);
	if (cmd_open(ctx, &b))
		return EXIT_FAIL;
	if (add)
		return cmd_finish(ctx, &b, b.ops->add_prefix(&b, &p), arg, NULL);
	ret = b.ops->del_prefix(&b, &p);
	return cmd_finish(ctx, &b, ret, arg,
			  ret == -ENOENT ? "not in the allowlist" : NULL);
}

int cmd_allow(const struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	return change(ctx, argv[0], true);
}

int cmd_remove(const struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	return change(ctx, argv[0], false);
}

int cmd_list(const struct cmd_ctx *ctx, int argc, char **argv)
{
	struct vec prefixes = VEC_INIT(struct op25b_prefix);
	struct backend b;
	int ret;

	(void)argc, (void)argv;
	if (cmd_open(ctx, &b))
		return EXIT_FAIL;
	ret = b.ops->list_prefixes(&b, &prefixes);
	if (ret == 0)
		output_prefixes(stdout, ctx->fmt, prefixes.items, prefixes.n);
	vec_free(&prefixes);
	return cmd_finish(ctx, &b, ret, NULL, NULL);
}

int cmd_flush(const struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc, (void)argv;
	return cmd_call(ctx, ctx->backend->flush_prefixes);
}
