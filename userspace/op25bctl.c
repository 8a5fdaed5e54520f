// SPDX-License-Identifier: GPL-2.0
/*
 * op25bctl: control op25b, Outbound Port 25 Blocking.
 *
 * The command table and the global options; the commands are in cmd_*.c.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static int cmd_help(const struct cmd_ctx *ctx, int argc, char **argv);

#define MANY INT_MAX	/* arguments: the command counts them itself */

static const struct command commands[] = {
	{ "allow", cmd_allow, "ADDR[/PLEN] [comment TEXT]", 1, MANY,
	  "add an MTA source (IPv4 or IPv6) to the allowlist",
	  "ADDR alone is a host (/32, /128). Adding an entry that is already\n"
	  "there succeeds, keeps one entry and replaces its comment. TEXT is\n"
	  "the rest of the words, at most 255 bytes." },
	{ "remove", cmd_remove, "ADDR[/PLEN]", 1, 1,
	  "delete an entry from the allowlist",
	  "Fails (exit status 1) if the entry is not there." },
	{ "list", cmd_list, "", 0, 0,
	  "print the allowlist, one entry per line", NULL },
	{ "flush", cmd_flush, "", 0, 0,
	  "empty the allowlist", NULL },
	{ "scope", cmd_scope, "add|del|list|flush [PREFIX [comment TEXT]]",
	  1, MANY,
	  "the sources to enforce on (staged rollout)",
	  "While the scope list is empty, every source is enforced on; else\n"
	  "only the sources inside it, and the others are audited." },
	{ "exempt", cmd_exempt, "add|del|list|flush [PREFIX [comment TEXT]]",
	  1, MANY,
	  "destinations anyone may reach (internal relays)",
	  "A SYN to an exempt destination passes, and is counted as exempt." },
	{ "mode", cmd_set, "enforce|audit", 1, 1,
	  "enforce, or only count (audit) what would be denied",
	  "audit: a SYN that would be denied passes and is counted against\n"
	  "its source as audited." },
	{ "action", cmd_set, "reject|drop", 1, 1,
	  "set what happens to a denied SYN",
	  "reject: a local connect() fails with ECONNREFUSED, a forwarded\n"
	  "client gets a TCP reset. drop: the SYN is dropped silently." },
	{ "port", cmd_set, "PORT[,PORT...]", 1, 1,
	  "set the blocked destination ports (default 25)",
	  "1 to 8 distinct ports, e.g. 25,2525." },
	{ "enable", cmd_enable, "", 0, 0,
	  "filter in the current network namespace", NULL },
	{ "disable", cmd_disable, "", 0, 0,
	  "stop filtering in the current network namespace", NULL },
	{ "load", cmd_load, "FILE|-", 1, 1,
	  "replace the whole configuration with a file's, at once",
	  "One directive per line, in the commands' words, '#' comments:\n"
	  "  mode enforce|audit          (default enforce)\n"
	  "  action reject|drop          (default reject)\n"
	  "  port PORT[,PORT...]         (default 25)\n"
	  "  allow ADDR[/PLEN] [comment TEXT]\n"
	  "  scope PREFIX [comment TEXT]\n"
	  "  exempt PREFIX [comment TEXT]\n"
	  "Text after '#' on an allow, scope or exempt line is its comment.\n"
	  "Any error: FILE:LINE: message, exit status 2, nothing changed." },
	{ "save", cmd_save, "", 0, 0,
	  "print the whole configuration as a file for load", NULL },
	{ "stats", cmd_stats, "[--sort denied|last|source] [--top N] "
	  "[--prometheus]", 0, MANY,
	  "per-source deny and audit counters, most denied first",
	  "--sort last: most recently seen first; source: by address.\n"
	  "--top N: the first N sources only.\n"
	  "--prometheus: the Prometheus text format (node_exporter's\n"
	  "textfile collector)." },
	{ "reset", cmd_reset, "", 0, 0,
	  "zero all counters", NULL },
	{ "monitor", cmd_monitor, "", 0, 0,
	  "print denied and audited SYNs live, until interrupted",
	  NULL },
	{ "status", cmd_status, "", 0, 0,
	  "version, mode, action, ports, lists, totals", NULL },
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
	char synopsis[80];
	size_t i;

	fputs("usage: op25bctl [-j|--json] [-b|--backend kmod|nft] COMMAND "
	      "[ARG...]\n"
	      "\n"
	      "Control op25b, Outbound Port 25 Blocking: SYNs to port 25 from\n"
	      "sources not on the allowlist are denied.\n"
	      "\n"
	      "commands:\n", f);
	for (i = 0; i < NCOMMANDS; i++) {
		snprintf(synopsis, sizeof(synopsis), "%s %s",
			 commands[i].name, commands[i].args);
		if (strlen(synopsis) < 22)
			fprintf(f, "  %-22s%s\n", synopsis,
				commands[i].summary);
		else	/* the summary on a line of its own */
			fprintf(f, "  %s\n  %-22s%s\n", synopsis, "",
				commands[i].summary);
	}
	fputs("\n"
	      "options:\n"
	      "  -j, --json            print JSON instead of text\n"
	      "  -b, --backend kmod|nft\n"
	      "                        kmod: the op25b kernel module (default);\n"
	      "                        nft: the same policy as the nftables\n"
	      "                        table inet op25b, where the module\n"
	      "                        cannot be loaded (no monitor; stats\n"
	      "                        show no times or destinations)\n"
	      "  -h, --help            this help\n"
	      "  --                    the words after it are arguments, even\n"
	      "                        those that start with '-'\n"
	      "\n"
	      "exit status: 0 done, 1 the operation failed, 2 usage error\n"
	      "'op25bctl help COMMAND' for more; the configuration file and\n"
	      "examples: man op25bctl\n",
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

/* -b NAME: ctx's backend, or EXIT_USAGE once told. */
int set_backend(struct cmd_ctx *ctx, const char *name)
{
	const struct backend_ops *ops = name ? backend_find(name) : NULL;

	if (!ops) {
		fprintf(stderr, "op25bctl: --backend: %s%s%s: want kmod or "
			"nft\n", name ? "unknown backend '" : "missing name",
			name ? name : "", name ? "'" : "");
		return EXIT_USAGE;
	}
	ctx->backend = ops;
	return EXIT_OK;
}

/*
 * The arguments of the command, argv[0..argc), moved down in place past
 * the global options that may follow the command (-j, --json, -h, --help,
 * -b NAME, --backend NAME, --backend=NAME) and a "--" after which every
 * word is an argument: their count, or -1 (told) for a bad -b.
 */
int command_args(int argc, char **argv, struct cmd_ctx *ctx, int *help)
{
	int i, n = 0, options = 1;

	for (i = 0; i < argc; i++) {
		if (options && strcmp(argv[i], "--") == 0)
			options = 0;
		else if (options && (strcmp(argv[i], "-b") == 0 ||
				     strcmp(argv[i], "--backend") == 0)) {
			if (set_backend(ctx, i + 1 < argc ? argv[++i] : NULL))
				return -1;
		} else if (options &&
			   strncmp(argv[i], "--backend=", 10) == 0) {
			if (set_backend(ctx, argv[i] + 10))
				return -1;
		}
		else if (options && (strcmp(argv[i], "-j") == 0 ||
				     strcmp(argv[i], "--json") == 0))
			ctx->fmt = OUTPUT_JSON;
		else if (options && (strcmp(argv[i], "-h") == 0 ||
				     strcmp(argv[i], "--help") == 0))
			*help = 1;
		else
			argv[n++] = argv[i];
	}
	return n;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "backend", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	struct cmd_ctx ctx = { .fmt = OUTPUT_TEXT, .backend = &backend_kmod };
	int opt, nargs, help = 0;
	char **args;

	opterr = 0;
	/* "+": up to the command; what follows it is command_args()' */
	while ((opt = getopt_long(argc, argv, "+jhb:", options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			ctx.fmt = OUTPUT_JSON;
			break;
		case 'h':
			help = 1;
			break;
		case 'b':
			if (set_backend(&ctx, optarg))
				return EXIT_USAGE;
			break;
		default:
			if (optopt == 'b')
				return set_backend(&ctx, NULL);
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
	args = argv + optind + 1;
	nargs = command_args(argc - optind - 1, args, &ctx, &help);
	if (nargs < 0)
		return EXIT_USAGE;
	if (help) {
		command_usage(stdout, ctx.cmd);
		return flush_stdout(EXIT_OK);
	}
	if (nargs < ctx.cmd->min_args) {
		fprintf(stderr, "op25bctl: %s: missing argument %s\n",
			ctx.cmd->name, ctx.cmd->args);
		return EXIT_USAGE;
	}
	if (nargs > ctx.cmd->max_args) {
		fprintf(stderr, "op25bctl: %s: unexpected argument '%s'\n",
			ctx.cmd->name, args[ctx.cmd->max_args]);
		return EXIT_USAGE;
	}
	return flush_stdout(ctx.cmd->run(&ctx, nargs, args));
}
