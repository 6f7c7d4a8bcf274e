/*
 * log.c: JSON-lines logging.
 *
 * The line is built in a static buffer and written at once.  Logging must
 * never take a worker down: a failed write is ignored (there is nowhere
 * better to report it).
 */
#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"

const char *const log_level_names[LOG_LEVEL__MAX] = {
	"debug", /* LOG_LEVEL_DEBUG */
	"info",  /* LOG_LEVEL_INFO */
	"warn",  /* LOG_LEVEL_WARN */
	"error", /* LOG_LEVEL_ERROR */
};

static int log_fd = 2;
static enum log_level log_min = LOG_LEVEL_INFO;
static char log_request_id[80];
static struct buf log_line = BUF_INIT;

int
log_level_parse(const char *name)
{
	int i;

	for (i = 0; i < LOG_LEVEL__MAX; i++)
		if (strcmp(name, log_level_names[i]) == 0)
			return i;
	return -1;
}

int
log_open(const char *path, struct err *err)
{
	int fd;

	if (path == NULL || path[0] == '\0' || strcmp(path, "-") == 0) {
		if (log_fd > 2)
			close(log_fd);
		log_fd = 2;
		return 0;
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd == -1)
		return err_set(err, 500, "log_file",
		    "cannot open log file %s: %s", path, strerror(errno));
	if (log_fd > 2)
		close(log_fd);
	log_fd = fd;
	return 0;
}

void
log_set_level(enum log_level level)
{
	log_min = level;
}

int
log_enabled(enum log_level level)
{
	return level >= log_min;
}

void
log_set_request_id(const char *id)
{
	snprintf(log_request_id, sizeof(log_request_id), "%s", id ? id : "");
}

static void
line_field(const char *key, const char *value)
{
	buf_puts(&log_line, ",");
	buf_json_string(&log_line, key, strlen(key));
	buf_putc(&log_line, ':');
	buf_json_string(&log_line, value, strlen(value));
}

static void
line_begin(enum log_level level)
{
	struct timeval tv;
	struct tm tm;
	char stamp[40];

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	buf_reset(&log_line);
	buf_printf(&log_line,
	    "{\"time\":\"%s.%03ldZ\",\"level\":\"%s\",\"pid\":%ld", stamp,
	    (long)(tv.tv_usec / 1000), log_level_names[level], (long)getpid());
	if (log_request_id[0] != '\0')
		line_field("request_id", log_request_id);
}

static void
line_end(void)
{
	const char *p;
	size_t left;
	ssize_t n;

	buf_puts(&log_line, "}\n");
	if (log_line.oom)
		return;
	p = log_line.data;
	left = log_line.len;
	while (left > 0) {
		n = write(log_fd, p, left);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		left -= (size_t)n;
	}
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	line_begin(level);
	line_field("msg", msg.data ? msg.data : "");
	line_end();
	buf_free(&msg);
}

void
log_fields(enum log_level level, const char *msg, ...)
{
	const char *key, *value;
	va_list ap;

	if (!log_enabled(level))
		return;
	line_begin(level);
	line_field("msg", msg);
	va_start(ap, msg);
	while ((key = va_arg(ap, const char *)) != NULL) {
		value = va_arg(ap, const char *);
		if (value != NULL)
			line_field(key, value);
	}
	va_end(ap);
	line_end();
}

void
log_access(const char *method, const char *path, int status, double duration_ms,
    const char *remote_addr)
{
	if (!log_enabled(LOG_LEVEL_INFO))
		return;
	line_begin(LOG_LEVEL_INFO);
	line_field("msg", "request");
	line_field("method", method);
	line_field("path", path);
	buf_printf(&log_line, ",\"status\":%d,\"duration_ms\":%.3f", status,
	    duration_ms);
	if (remote_addr != NULL && remote_addr[0] != '\0')
		line_field("remote_addr", remote_addr);
	line_end();
}
