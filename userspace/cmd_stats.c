// SPDX-License-Identifier: GPL-2.0
/* stats, reset, status: what op25b has seen and how it stands. */
#include <stdbool.h>
#include <stdio.h>

#include "cmd.h"

/* status, or with the sources (stats): both show the totals. */
static int show(const struct cmd_ctx *ctx, bool with_sources)
{
	struct vec sources = VEC_INIT(struct op25b_source);
	struct op25b_status st;
	struct backend b;
	int ret = 0;

	if (cmd_open(ctx, &b))
		return EXIT_FAIL;
	if (with_sources)
		ret = b.ops->dump_sources(&b, &sources);
	if (ret == 0)
		ret = b.ops->get_status(&b, &st);
	if (ret == 0 && with_sources)
		output_stats(stdout, ctx->fmt, sources.items, sources.n,
			     &st.totals);
	else if (ret == 0)
		output_status(stdout, ctx->fmt, &st);
	vec_free(&sources);
	return cmd_finish(ctx, &b, ret, NULL, NULL);
}

int cmd_stats(const struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc, (void)argv;
	return show(ctx, true);
}

int cmd_status(const struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc, (void)argv;
	return show(ctx, false);
}

int cmd_reset(const struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc, (void)argv;
	return cmd_call(ctx, ctx->backend->reset_stats);
}
