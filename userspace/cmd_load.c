// SPDX-License-Identifier: GPL-2.0
/* load, save: the whole configuration, as a file (config.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "config.h"

/* load FILE|-: read it all, then replace the policy in one message. */
int cmd_load(const struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *path = argv[0], *name = path;
	char err[CONFIG_ERRLEN];
	struct op25b_policy p;
	struct backend b;
	FILE *f = stdin;
	int ret;

	(void)argc;
	if (strcmp(path, "-") == 0)
		name = "<stdin>";
	else
		f = fopen(path, "r");
	if (!f)
		return cmd_bad_arg(ctx, path, strerror(errno));
	ret = config_read(f, name, &p, err, sizeof(err));
	if (f != stdin)
		fclose(f);
	if (ret < 0) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	if (cmd_open(ctx, &b)) {
		policy_free(&p);
		return EXIT_FAIL;
	}
	ret = b.ops->load(&b, &p);
	policy_free(&p);
	return cmd_finish(ctx, &b, ret, path, NULL);
}

/* The policy as the backend has it. */
static int get_policy(struct backend *b, struct op25b_policy *p)
{
	struct op25b_status st;
	uint8_t list;
	int ret;

	ret = b->ops->get_status(b, &st);
	if (ret < 0)
		return ret;
	p->mode = st.mode;
	p->action = st.action;
	p->nports = st.nports;
	memcpy(p->ports, st.ports, sizeof(p->ports));
	for (list = 0; list <= OP25B_LIST_MAX && ret == 0; list++)
		ret = b->ops->list_prefixes(b, list, &p->entries);
	if (ret == 0 && policy_canonical(p) < 0)
		ret = -errno;
	return ret;
}

int cmd_save(const struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *reason = NULL;
	struct op25b_policy p;
	struct backend b;
	int ret;

	(void)argc, (void)argv;
	if (ctx->fmt == OUTPUT_JSON)
		return cmd_bad_arg(ctx, NULL, "no JSON form: save writes "
				   "the configuration file format");
	if (cmd_open(ctx, &b))
		return EXIT_FAIL;
	policy_init(&p);
	ret = get_policy(&b, &p);
	if (ret == 0 && config_write(stdout, &p) < 0) {
		ret = -EPROTO;
		reason = "the policy holds a value this op25bctl does not know";
	}
	policy_free(&p);
	return cmd_finish(ctx, &b, ret, NULL, reason);
}
