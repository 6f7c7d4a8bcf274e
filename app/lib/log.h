/*
 * log.h: structured logs, one JSON object per line.
 *
 * Every line carries time (RFC 3339, milliseconds, UTC), level, pid and
 * message; while a request is served its id is added too, so a line can be
 * matched with the X-Request-Id the client saw.  Lines go to stderr or to
 * a file opened with O_APPEND, each written with a single write(2) so that
 * the workers of a pool never interleave within a line.
 */
#ifndef CLOUDPAM_LIB_LOG_H
#define CLOUDPAM_LIB_LOG_H

#include "lib/err.h"

enum log_level {
	LOG_LEVEL_DEBUG,
	LOG_LEVEL_INFO,
	LOG_LEVEL_WARN,
	LOG_LEVEL_ERROR,
	LOG_LEVEL__MAX
};

/* Names indexed by enum log_level: "debug", "info", "warn", "error". */
extern const char *const log_level_names[LOG_LEVEL__MAX];

/* Parse a level name.  -1 when unknown. */
int log_level_parse(const char *name);

/*
 * Send lines to path (appending), or to stderr when path is NULL or "" or
 * "-".  Returns -1 with err filled when the file cannot be opened; the
 * previous destination is kept then.
 */
int log_open(const char *path, struct err *err);

/* Lines below level are dropped. */
void log_set_level(enum log_level level);
int log_enabled(enum log_level level);

/*
 * The id of the request being served, added to every line until it is set
 * to NULL.  The string is copied.
 */
void log_set_request_id(const char *id);

/* A line with a printf-style message. */
void log_msg(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * A line with a message and extra string fields given as key, value pairs
 * ending with NULL: log_fields(LOG_LEVEL_INFO, "started", "listen",
 * "unix:var/cloudpam.sock", NULL).  A NULL value is skipped.
 */
void log_fields(enum log_level level, const char *msg, ...);

/* The access line of one request. */
void log_access(const char *method, const char *path, int status,
    double duration_ms, const char *remote_addr);

#endif
