/*
 * tap.h: the smallest TAP producer, for C unit tests run by prove.
 *
 * Each check prints one "ok N - name" or "not ok N - name" line; a failure
 * adds "#   have: ...; want: ..." so the log says what went wrong.  A test
 * ends with tap_done(), which prints the plan and returns the exit code.
 */
#ifndef CLOUDPAM_TAP_H
#define CLOUDPAM_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count;
static int tap_failed;

static inline int tap_ok(int pass, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static inline int
tap_ok(int pass, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (!pass)
		tap_failed++;
	printf("%sok %d - ", pass ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return pass;
}

static inline void tap_diag(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static inline void
tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("#   ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* Compare two strings; on failure print have and want. */
static inline int
tap_str(const char *have, const char *want, const char *name)
{
	int pass;

	pass = (have == NULL && want == NULL) ||
	       (have != NULL && want != NULL && strcmp(have, want) == 0);
	tap_ok(pass, "%s", name);
	if (!pass)
		tap_diag("have: \"%s\"; want: \"%s\"", have ? have : "(null)",
		    want ? want : "(null)");
	return pass;
}

static inline int
tap_int(long long have, long long want, const char *name)
{
	int pass = have == want;

	tap_ok(pass, "%s", name);
	if (!pass)
		tap_diag("have: %lld; want: %lld", have, want);
	return pass;
}

static inline int
tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
