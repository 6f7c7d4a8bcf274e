/*
 * response.h: building the answer to a request.
 *
 * A handler sets a status, headers and a body, then returns.  The worker
 * writes the response once the handler is done: web_response_head() makes
 * the CGI header block, which carries the security headers of every
 * CloudPAM response (a strict Content-Security-Policy among them).
 * Header values with CR or LF are refused, so no input can split a
 * response.
 */
#ifndef CLOUDPAM_WEB_RESPONSE_H
#define CLOUDPAM_WEB_RESPONSE_H

#include <json-c/json.h>

#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/err.h"

#define WEB_HEADERS_MAX 24

/* The Content-Security-Policy sent with every dynamic response. */
#define WEB_CSP                                                                \
	"default-src 'none'; script-src 'self'; style-src 'self'; "            \
	"img-src 'self' data:; connect-src 'self'; font-src 'self'; "          \
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

struct web_resp {
	int status;
	const char *content_type;
	struct web_pair_out {
		const char *name;
		const char *value;
	} headers[WEB_HEADERS_MAX];
	size_t nheaders;
	struct buf *body;       /* owned by the worker, reused */
	struct arena *arena;    /* the request's */
	const char *request_id; /* for error bodies */
	int head_only;          /* HEAD: send headers, no body */
};

/* Prepare resp for a new request; body is emptied. */
void web_response_init(struct web_resp *resp, struct arena *arena,
    struct buf *body, const char *request_id);

/*
 * Add a header.  -1 (and nothing added) when the value holds CR or LF,
 * the name is not a token, or the table is full.  The strings must live
 * until the response is sent (use the arena).
 */
int web_header_set(struct web_resp *resp, const char *name, const char *value);

/* As web_header_set with a printf-style value made in the arena. */
int web_header_setf(struct web_resp *resp, const char *name, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

/*
 * Serialise obj as the body with status and type application/json;
 * takes ownership of obj (it is released).  Returns 0.
 */
int web_json(struct web_resp *resp, int status, struct json_object *obj);

/* Plain text body. */
int web_text(struct web_resp *resp, int status, const char *content_type,
    const char *text);

/* A 303 (or given status) redirect to a local path. */
int web_redirect(struct web_resp *resp, int status, const char *location);

/*
 * The JSON error envelope of DESIGN.md for err:
 * {"error": code, "message": ..., "detail": {"field": ..., "request_id": ...}}.
 * A 5xx never shows err's message: it says "internal error" with the
 * request id (the caller logs the detail).  Returns 0.
 */
int web_fail(struct web_resp *resp, const struct err *err);

/* The reason phrase of status ("Not Found"), or "Unknown". */
const char *web_status_text(int status);

/* Append the CGI header block (Status, Content-Type, ..., blank line). */
void web_response_head(const struct web_resp *resp, struct buf *out);

#endif
