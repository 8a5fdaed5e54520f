// SPDX-License-Identifier: GPL-2.0
/*
 * op25bctl: control op25b, Outbound Port 25 Blocking.
 *
 * The command table and the global options; the commands are in cmd_*.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static int cmd_help(const struct cmd_ctx *ctx, int argc, char **argv);

static const struct command commands[] = {
	{ "allow", cmd_allow, "ADDR[/PLEN]", 1, 1,
	  "add an MTA source (IPv4 or IPv6) to the allowlist",
	  "ADDR alone is a host (/32, /128). Adding an entry that is already\n"
	  "there succeeds and keeps one entry." },
	{ "remove", cmd_remove, "ADDR[/PLEN]", 1, 1,
	  "delete an entry from the allowlist",
	  "Fails (exit status 1) if the entry is not there." },
	{ "list", cmd_list, "", 0, 0,
	  "print the allowlist, one entry per line", NULL },
	{ "flush", cmd_flush, "", 0, 0,
	  "empty the allowlist", NULL },
	{ "action", cmd_action, "reject|drop", 1, 1,
	  "set what happens to a denied SYN",
	  "reject: a local connect() fails with ECONNREFUSED, a forwarded\n"
	  "client gets a TCP reset. drop: the SYN is dropped silently." },
	{ "enable", cmd_enable, "", 0, 0,
	  "filter in the current network namespace", NULL },
	{ "disable", cmd_disable, "", 0, 0,
	  "stop filtering in the current network namespace", NULL },
	{ "stats", cmd_stats, "", 0, 0,
	  "per-source deny counters, most denied first", NULL },
	{ "reset", cmd_reset, "", 0, 0,
	  "zero all counters", NULL },
	{ "status", cmd_status, "", 0, 0,
	  "version, enabled, action, ports, allowlist size, totals", NULL },
	{ "help", cmd_help, "[COMMAND]", 0, 1,
	  "this help, or a command's", NULL },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void usage(FILE *f)
{
	char synopsis[40];
	size_t i;

	fputs("usage: op25bctl [-j|--json] COMMAND [ARG]\n"
	      "\n"
	      "Control op25b, Outbound Port 25 Blocking: SYNs to port 25 from\n"
	      "sources not on the allowlist are denied.\n"
	      "\n"
	      "commands:\n", f);
	for (i = 0; i < NCOMMANDS; i++) {
		snprintf(synopsis, sizeof(synopsis), "%s %s",
			 commands[i].name, commands[i].args);
		fprintf(f, "  %-22s%s\n", synopsis, commands[i].summary);
	}
	fputs("\n"
	      "options:\n"
	      "  -j, --json            print JSON instead of text\n"
	      "  -h, --help            this help\n"
	      "\n"
	      "exit status: 0 done, 1 the operation failed, 2 usage error\n",
	      f);
}

static void command_usage(FILE *f, const struct command *c)
{
	fprintf(f, "usage: op25bctl [-j|--json] %s%s%s\n\n%s\n", c->name,
		*c->args ? " " : "", c->args, c->summary);
	if (c->details)
		fprintf(f, "%s\n", c->details);
}

static int cmd_help(const struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct command *c;

	if (argc == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	c = find_command(argv[0]);
	if (!c)
		return cmd_bad_arg(ctx, argv[0], "no such command");
	command_usage(stdout, c);
	return EXIT_OK;
}

/* Everything written to stdout reached it: the exit status stands. */
static int flush_stdout(int status)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "op25bctl: writing the output: %s\n",
			strerror(errno));
		return status == EXIT_OK ? EXIT_FAIL : status;
	}
	return status;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cmd_ctx ctx = { .fmt = OUTPUT_TEXT, .backend = &backend_kmod };
	int opt, nargs, help = 0;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "jh", options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			ctx.fmt = OUTPUT_JSON;
			break;
		case 'h':
			help = 1;
			break;
		default:
			if (optopt)
				fprintf(stderr, "op25bctl: unknown option '-%c'\n",
					optopt);
			else
				fprintf(stderr, "op25bctl: unknown option '%s'\n",
					argv[optind - 1]);
			fputs("try 'op25bctl help'\n", stderr);
			return EXIT_USAGE;
		}
	}
	if (optind == argc) {
		usage(help ? stdout : stderr);
		return flush_stdout(help ? EXIT_OK : EXIT_USAGE);
	}

	ctx.cmd = find_command(argv[optind]);
	if (!ctx.cmd) {
		fprintf(stderr, "op25bctl: unknown command '%s'\n"
			"try 'op25bctl help'\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (help) {
		command_usage(stdout, ctx.cmd);
		return flush_stdout(EXIT_OK);
	}
	nargs = argc - optind - 1;
	if (nargs < ctx.cmd->min_args) {
		fprintf(stderr, "op25bctl: %s: missing argument %s\n",
			ctx.cmd->name, ctx.cmd->args);
		return EXIT_USAGE;
	}
	if (nargs > ctx.cmd->max_args) {
		fprintf(stderr, "op25bctl: %s: unexpected argument '%s'\n",
			ctx.cmd->name, argv[optind + 1 + ctx.cmd->max_args]);
		return EXIT_USAGE;
	}
	return flush_stdout(ctx.cmd->run(&ctx, nargs, argv + optind + 1));
}
