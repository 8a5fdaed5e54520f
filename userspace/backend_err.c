// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>

#include "backend.h"

int backend_fail(struct backend *b, int code, const char *fmt, ...)
{
	va_list ap;

	b->err.code = code;
	va_start(ap, fmt);
	vsnprintf(b->err.msg, sizeof(b->err.msg), fmt, ap);
	va_end(ap);
	return -code;
}
