// SPDX-License-Identifier: GPL-2.0
/* stats, reset, status: what op25b has seen and how it stands. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "parse.h"

struct stats_opts {
	enum source_order order;
	size_t top;		/* 0: all */
	enum output_format fmt;
};

/*
 * argv[*i] is --NAME VALUE or --NAME=VALUE: the value (*i past it), or
 * NULL if argv[*i] is not that option.
 */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t len = strlen(name);

	if (strncmp(argv[*i], name, len) != 0)
		return NULL;
	if (argv[*i][len] == '=')
		return argv[*i] + len + 1;
	if (argv[*i][len] || *i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static int parse_opts(const struct cmd_ctx *ctx, int argc, char **argv,
		      struct stats_opts *o)
{
	char err[PARSE_ERRLEN];
	struct cmd_ctx sub = *ctx;
	const char *v;
	int i;

	*o = (struct stats_opts){ ORDER_DENIED, 0, ctx->fmt };
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--prometheus") == 0) {
			if (ctx->fmt == OUTPUT_JSON)
				return cmd_bad_arg(ctx, NULL, "--prometheus "
						   "and -j exclude each other");
			o->fmt = OUTPUT_PROMETHEUS;
		} else if ((v = opt_value(argc, argv, &i, "--sort"))) {
			sub.verb = "--sort";
			if (parse_source_order(v, &o->order, err,
					       sizeof(err)) < 0)
				return cmd_bad_arg(&sub, v, err);
		} else if ((v = opt_value(argc, argv, &i, "--top"))) {
			sub.verb = "--top";
			if (parse_count(v, &o->top, err, sizeof(err)) < 0)
				return cmd_bad_arg(&sub, v, err);
		} else if (strcmp(argv[i], "--sort") == 0) {
			sub.verb = argv[i];
			return cmd_bad_arg(&sub, NULL, "missing argument "
					   "denied|last|source");
		} else if (strcmp(argv[i], "--top") == 0) {
			sub.verb = argv[i];
			return cmd_bad_arg(&sub, NULL, "missing argument N");
		} else {
			snprintf(err, sizeof(err), "unexpected argument '%s'",
				 argv[i]);
			return cmd_bad_arg(ctx, NULL, err);
		}
	}
	return EXIT_OK;
}

int cmd_stats(const struct cmd_ctx *ctx, int argc, char **argv)
{
	struct vec sources = VEC_INIT(struct op25b_source);
	struct op25b_status st;
	struct stats_opts o;
	struct backend b;
	size_t shown;
	int ret;

	ret = parse_opts(ctx, argc, argv, &o);
	if (ret)
		return ret;
	if (cmd_open(ctx, &b))
		return EXIT_FAIL;
	ret = b.ops->dump_sources(&b, &sources);
	if (ret == 0)
		ret = b.ops->get_status(&b, &st);
	if (ret == 0) {
		sources_sort(sources.items, sources.n, o.order);
		shown = o.top && o.top < sources.n ? o.top : sources.n;
		output_stats(stdout, o.fmt, sources.items, shown, sources.n,
			     &st.totals);
	}
	vec_free(&sources);
	return cmd_finish(ctx, &b, ret, NULL, NULL);
}

int cmd_status(const struct cmd_ctx *ctx, int argc, char **argv)
{
	struct vec scope = VEC_INIT(struct op25b_entry);
	struct vec exempt = VEC_INIT(struct op25b_entry);
	struct op25b_status st;
	struct backend b;
	int ret;

	(void)argc, (void)argv;
	if (cmd_open(ctx, &b))
		return EXIT_FAIL;
	ret = b.ops->get_status(&b, &st);
	if (ret == 0)
		ret = b.ops->list_prefixes(&b, OP25B_LIST_SCOPE, &scope);
	if (ret == 0)
		ret = b.ops->list_prefixes(&b, OP25B_LIST_EXEMPT, &exempt);
	if (ret == 0)
		output_status(stdout, ctx->fmt, &st, &scope, &exempt);
	vec_free(&scope);
	vec_free(&exempt);
	return cmd_finish(ctx, &b, ret, NULL, NULL);
}

int cmd_reset(const struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc, (void)argv;
	return cmd_call(ctx, ctx->backend->reset_stats);
}
