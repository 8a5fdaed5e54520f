// SPDX-License-Identifier: GPL-2.0
/* mode, action, port, enable, disable: the policy of this network namespace. */
#include <stdio.h>
#include <string.h>

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

/* mode, action or port: the directive named as the command. */
int cmd_set(const struct cmd_ctx *ctx, int argc, char **argv)
{
	struct op25b_config cfg = { 0 };
	struct parse_error e;
	struct directive d;

	if (parse_directive(ctx->cmd->name, argc, argv, &d, &e) < 0)
		return cmd_bad_parse(ctx, argv, &e);
	switch (d.kind) {
	case DIRECTIVE_MODE:
		cfg.set_mode = true;
		cfg.mode = d.value;
		break;
	case DIRECTIVE_ACTION:
		cfg.set_action = true;
		cfg.action = d.value;
		break;
	case DIRECTIVE_PORT:
		memcpy(cfg.ports, d.ports, sizeof(cfg.ports));
		cfg.nports = d.nports;
		break;
	case DIRECTIVE_ENTRY:
		return cmd_bad_arg(ctx, NULL, "not a setting");
	}
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
