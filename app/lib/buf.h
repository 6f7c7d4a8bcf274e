/*
 * buf.h: a growable byte buffer.
 *
 * Used for response bodies, rendered templates and anything else built up
 * piece by piece.  The contents are always NUL-terminated (the NUL is not
 * counted in len).  A buf outlives requests: buf_reset() empties it and
 * keeps its memory, but gives back anything past BUF_KEEP_MAX so one huge
 * response does not pin a worker's memory for good.
 *
 * Appending never fails silently: when memory runs out the buf remembers
 * it (oom is set), later appends do nothing, and the owner checks oom once
 * at the end.
 */
#ifndef CLOUDPAM_LIB_BUF_H
#define CLOUDPAM_LIB_BUF_H

#include <stdarg.h>
#include <stddef.h>

#define BUF_KEEP_MAX ((size_t)1 << 20)

struct buf {
	char *data; /* owned; NUL-terminated when cap > 0 */
	size_t len;
	size_t cap;
	int oom; /* an append failed for want of memory */
};

#define BUF_INIT                                                               \
	{                                                                      \
		NULL, 0, 0, 0                                                  \
	}

void buf_init(struct buf *b);

/* Release the memory.  Accepts a zeroed or already-freed buf. */
void buf_free(struct buf *b);

/*
 * Zero all cap bytes, then release the memory as buf_free() does: for a
 * buf that held a secret.  Only the memory the buf holds now is wiped, not
 * what an earlier realloc copied away, so such a buf reserves its full
 * size first.  Accepts a zeroed or already-freed buf.
 */
void buf_wipe_free(struct buf *b);

/* Empty the buf; memory past BUF_KEEP_MAX is returned. */
void buf_reset(struct buf *b);

/* Make room for n more bytes.  Returns 0, or -1 (and sets oom). */
int buf_reserve(struct buf *b, size_t n);

void buf_append(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);

/*
 * Append s with & < > " ' replaced by entities: the one HTML escaper of
 * CloudPAM, used for text and attribute values alike.
 */
void buf_html_escape(struct buf *b, const char *s, size_t len);

/* Append s percent-encoded for a URL query value (RFC 3986 unreserved
 * characters and '/' kept). */
void buf_url_encode(struct buf *b, const char *s);

/* Append s as a JSON string literal, quotes included. */
void buf_json_string(struct buf *b, const char *s, size_t len);

#endif
