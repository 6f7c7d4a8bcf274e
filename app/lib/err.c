/*
 * err.c: filling struct err.  Messages are truncated to fit, never
 * overflowed; a truncated message still ends in a NUL.
 */
#include "lib/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void
err_fill(struct err *err, int status, const char *code, const char *field,
    const char *fmt, va_list ap)
{
	err->status = status;
	snprintf(err->code, sizeof(err->code), "%s", code);
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
}

int
err_set(struct err *err, int status, const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_fill(err, status, code, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

int
err_field(struct err *err, int status, const char *code, const char *field,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_fill(err, status, code, field, fmt, ap);
	va_end(ap);
	return -1;
}

void
err_clear(struct err *err)
{
	memset(err, 0, sizeof(*err));
}
