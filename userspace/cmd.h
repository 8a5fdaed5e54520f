/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The subcommands of op25bctl and what they share. A handler gets its
 * arguments already counted against the command table (op25bctl.c), parses
 * them all, and only then opens the backend.
 */
#ifndef OP25BCTL_CMD_H
#define OP25BCTL_CMD_H

#include "backend.h"
#include "output.h"

/* Exit status */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* the operation failed */
	EXIT_USAGE = 2,		/* nothing was attempted */
};

struct cmd_ctx;

struct command {
	const char *name;
	int (*run)(const struct cmd_ctx *ctx, int argc, char **argv);
	const char *args;	/* synopsis of the arguments, e.g. "ADDR[/PLEN]" */
	int min_args;
	int max_args;
	const char *summary;	/* one line */
	const char *details;	/* more lines for "help COMMAND", or NULL */
};

struct cmd_ctx {
	const struct command *cmd;
	const char *verb;	/* of "scope add": "add"; or NULL */
	enum output_format fmt;
	const struct backend_ops *backend;
};

/* cmd_rules.c: the prefix lists */
int cmd_allow(const struct cmd_ctx *ctx, int argc, char **argv);
int cmd_remove(const struct cmd_ctx *ctx, int argc, char **argv);
int cmd_list(const struct cmd_ctx *ctx, int argc, char **argv);
int cmd_flush(const struct cmd_ctx *ctx, int argc, char **argv);
int cmd_scope(const struct cmd_ctx *ctx, int argc, char **argv);
int cmd_exempt(const struct cmd_ctx *ctx, int argc, char **argv);
/* cmd_stats.c: counters and status */
int cmd_stats(const struct cmd_ctx *ctx, int argc, char **argv);
int cmd_reset(const struct cmd_ctx *ctx, int argc, char **argv);
int cmd_status(const struct cmd_ctx *ctx, int argc, char **argv);
/* cmd_config.c: mode, action, port (one directive each), enable, disable */
int cmd_set(const struct cmd_ctx *ctx, int argc, char **argv);
int cmd_enable(const struct cmd_ctx *ctx, int argc, char **argv);
int cmd_disable(const struct cmd_ctx *ctx, int argc, char **argv);
/* cmd_load.c: the whole configuration */
int cmd_load(const struct cmd_ctx *ctx, int argc, char **argv);
int cmd_save(const struct cmd_ctx *ctx, int argc, char **argv);
/* cmd_monitor.c */
int cmd_monitor(const struct cmd_ctx *ctx, int argc, char **argv);

/* "op25bctl: CMD[ VERB][ ARG]: why" on stderr; EXIT_USAGE. */
int cmd_bad_arg(const struct cmd_ctx *ctx, const char *arg, const char *why);

/* cmd_bad_arg for a parse error of argv (parse.h). */
struct parse_error;
int cmd_bad_parse(const struct cmd_ctx *ctx, char **argv,
		  const struct parse_error *e);

/* Open ctx's backend into b: 0, or EXIT_FAIL once the failure is told. */
int cmd_open(const struct cmd_ctx *ctx, struct backend *b);

/*
 * Close b and turn ret (0 or -errno of the latest operation) into an exit
 * status, telling a failure as "op25bctl: WHAT: REASON[: detail]". WHAT is
 * the command, with arg if not NULL; REASON is reason if not NULL, else
 * derived from the error.
 */
int cmd_finish(const struct cmd_ctx *ctx, struct backend *b, int ret,
	       const char *arg, const char *reason);

/* op25bctl.c: -b NAME (EXIT_OK or EXIT_USAGE, told); the command's
 * arguments past the global options after it (-1: a bad -b, told). */
int set_backend(struct cmd_ctx *ctx, const char *name);
int command_args(int argc, char **argv, struct cmd_ctx *ctx, int *help);

/* Open the backend, run op, close: the exit status. */
int cmd_call(const struct cmd_ctx *ctx, int (*op)(struct backend *b));

#endif /* OP25BCTL_CMD_H */
