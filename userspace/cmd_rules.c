// SPDX-License-Identifier: GPL-2.0
/*
 * The prefix lists: allow, remove, list, flush (the allowlist), and
 * scope|exempt add|del|list|flush.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "parse.h"

/* The list as the messages name it. */
static const char *const titles[] = {
	[OP25B_LIST_ALLOW] = "allowlist",
	[OP25B_LIST_SCOPE] = "scope list",
	[OP25B_LIST_EXEMPT] = "exempt list",
};

/* add (PREFIX [comment TEXT]) or del (PREFIX) on list */
static int change(const struct cmd_ctx *ctx, uint8_t list, bool add,
		  int argc, char **argv)
{
	char reason[96];
	struct parse_error e;
	struct op25b_entry entry;
	struct backend b;
	int ret;

	if (parse_list_entry(list, argc, argv, add, &entry, &e) < 0)
		return cmd_bad_parse(ctx, argv, &e);
	if (cmd_open(ctx, &b))
		return EXIT_FAIL;
	if (add)
		ret = b.ops->add_prefix(&b, &entry);
	else
		ret = b.ops->del_prefix(&b, &entry);
	if (ret == -ENOENT && !add)
		snprintf(reason, sizeof(reason), "not in the %s", titles[list]);
	else if (ret == -ENOSPC)
		snprintf(reason, sizeof(reason), "the %s is full (see the "
			 "module parameter max_allow)", titles[list]);
	else
		reason[0] = '\0';
	return cmd_finish(ctx, &b, ret, argv[0], reason[0] ? reason : NULL);
}

static int show(const struct cmd_ctx *ctx, uint8_t list)
{
	struct vec entries = VEC_INIT(struct op25b_entry);
	struct backend b;
	int ret;

	if (cmd_open(ctx, &b))
		return EXIT_FAIL;
	ret = b.ops->list_prefixes(&b, list, &entries);
	if (ret == 0)
		output_entries(stdout, ctx->fmt, list, entries.items,
			       entries.n);
	vec_free(&entries);
	return cmd_finish(ctx, &b, ret, NULL, NULL);
}

static int flush(const struct cmd_ctx *ctx, uint8_t list)
{
	struct backend b;

	if (cmd_open(ctx, &b))
		return EXIT_FAIL;
	return cmd_finish(ctx, &b, b.ops->flush_prefixes(&b, list), NULL, NULL);
}

int cmd_allow(const struct cmd_ctx *ctx, int argc, char **argv)
{
	return change(ctx, OP25B_LIST_ALLOW, true, argc, argv);
}

int cmd_remove(const struct cmd_ctx *ctx, int argc, char **argv)
{
	return change(ctx, OP25B_LIST_ALLOW, false, argc, argv);
}

int cmd_list(const struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc, (void)argv;
	return show(ctx, OP25B_LIST_ALLOW);
}

int cmd_flush(const struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc, (void)argv;
	return flush(ctx, OP25B_LIST_ALLOW);
}

/* VERB [ARGS...] on list: add, del, list or flush. */
static int list_verb(const struct cmd_ctx *ctx, uint8_t list,
		     int argc, char **argv)
{
	struct cmd_ctx sub = *ctx;
	const char *verb = argv[0];
	bool add = strcmp(verb, "add") == 0;

	if (!add && strcmp(verb, "del") && strcmp(verb, "list") &&
	    strcmp(verb, "flush"))
		return cmd_bad_arg(ctx, verb,
				   "not a verb (add, del, list or flush)");
	sub.verb = verb;
	argc--, argv++;
	if (add || strcmp(verb, "del") == 0) {
		if (argc == 0)
			return cmd_bad_arg(&sub, NULL,
					   "missing argument PREFIX");
		return change(&sub, list, add, argc, argv);
	}
	if (argc > 0) {
		char why[PARSE_ERRLEN];

		snprintf(why, sizeof(why), "unexpected argument '%s'", argv[0]);
		return cmd_bad_arg(&sub, NULL, why);
	}
	return verb[0] == 'l' ? show(&sub, list) : flush(&sub, list);
}

int cmd_scope(const struct cmd_ctx *ctx, int argc, char **argv)
{
	return list_verb(ctx, OP25B_LIST_SCOPE, argc, argv);
}

int cmd_exempt(const struct cmd_ctx *ctx, int argc, char **argv)
{
	return list_verb(ctx, OP25B_LIST_EXEMPT, argc, argv);
}
