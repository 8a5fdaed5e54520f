// SPDX-License-Identifier: GPL-2.0
/* action, enable, disable: the policy of this network namespace. */
#include <stdio.h>

#include "cmd.h"
#include "parse.h"

static int set_config(const struct cmd_ctx *ctx,
		      const struct op25b_config *cfg)
{
	struct backend b;

	if (cmd_open(ctx, &b))
		return EXIT_FAIL;
	return cmd_finish(ctx, &b, b.ops->set_config(&b, cfg), NULL, NULL);
}

int cmd_action(const struct cmd_ctx *ctx, int argc, char **argv)
{
	struct op25b_config cfg = { .set_action = true };
	char err[PARSE_ERRLEN];

	(void)argc;
	if (parse_action(argv[0], &cfg.action, err, sizeof(err)) < 0)
		return cmd_bad_arg(ctx, argv[0], err);
	return set_config(ctx, &cfg);
}

int cmd_enable(const struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct op25b_config cfg = { .set_enabled = true, .enabled = true };

	(void)argc, (void)argv;
	return set_config(ctx, &cfg);
}

int cmd_disable(const struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct op25b_config cfg = { .set_enabled = true, .enabled = false };

	(void)argc, (void)argv;
	return set_config(ctx, &cfg);
}
