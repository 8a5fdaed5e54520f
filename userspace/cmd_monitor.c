// SPDX-License-Identifier: GPL-2.0
/* monitor: the events of denied and audited SYNs, live, until a signal. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int print_event(const struct op25b_event *ev, void *arg)
{
	const struct cmd_ctx *ctx = arg;

	output_event(stdout, ctx->fmt, ev);
	/* read through pipes: each line as it comes */
	if (fflush(stdout) == EOF)
		return -errno;
	return 0;
}

/*
 * Until SIGINT or SIGTERM: they are blocked but while waiting for events
 * (ppoll's mask), so one that comes at any other moment is not lost.
 */
static int watch(const struct cmd_ctx *ctx, struct backend *b)
{
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	sigset_t block, saved, wait_mask;
	int ret = 0;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &saved);
	wait_mask = saved;
	sigdelset(&wait_mask, SIGINT);
	sigdelset(&wait_mask, SIGTERM);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	stop = 0;
	while (!stop) {
		ret = b->ops->read_events(b, &wait_mask, print_event,
					  (void *)ctx);
		if (ret == -ENOBUFS)
			fprintf(stderr, "op25bctl: monitor: %s\n", b->err.msg);
		else if (ret < 0 && ret != -EINTR)
			break;
		ret = 0;
	}

	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	return ret;
}

int cmd_monitor(const struct cmd_ctx *ctx, int argc, char **argv)
{
	struct backend b;
	int ret;

	(void)argc, (void)argv;
	if (cmd_open(ctx, &b))
		return EXIT_FAIL;
	ret = b.ops->subscribe(&b);
	if (ret == 0)
		ret = watch(ctx, &b);
	return cmd_finish(ctx, &b, ret, NULL, NULL);
}
