/*
 * http.h: the HTTP client of the cloud providers, over libcurl.
 *
 * One call is one request with a timeout; throttling (HTTP 429, AWS
 * RequestLimitExceeded/Throttling in a 400 body, 5xx) is retried up to
 * max_retries times with exponential backoff and full jitter, honouring
 * Retry-After.  The body is either collected into a buf (bounded) or
 * streamed to a callback as it arrives, so a large answer is never held
 * twice.  Secrets in headers (Authorization, tokens) are never logged.
 */
#ifndef CLOUDPAM_CLOUD_HTTP_H
#define CLOUDPAM_CLOUD_HTTP_H

#include <stddef.h>

#include "cloud/cloud.h"
#include "lib/buf.h"
#include "lib/err.h"

#define HTTP_HEADERS_MAX 16
#define HTTP_BODY_MAX ((size_t)256 << 20)

struct http_header {
	const char *name;
	const char *value;
};

/*
 * Streamed body: called with each chunk as it arrives (0 to go on, -1 to
 * stop with err).  begin() is called before the first chunk of every
 * attempt with the status, so a streaming parser can start afresh on a
 * retry.
 */
struct http_stream {
	void *ctx;
	int (*begin)(void *ctx, long status, struct err *err);
	int (*chunk)(void *ctx, const char *data, size_t len, struct err *err);
};

struct http_request {
	const char *method; /* "GET", "POST" */
	const char *url;
	struct http_header headers[HTTP_HEADERS_MAX];
	size_t nheaders;
	const char *body; /* or NULL */
	size_t body_len;
	long timeout_ms;
	int max_retries;
	long backoff_base_ms, backoff_cap_ms;
	/*
	 * Called before every attempt (the first and each retry) so that a
	 * signature that covers the time (SigV4) is made afresh; may add or
	 * replace headers.  NULL: none.
	 */
	int (*sign)(void *ctx, struct http_request *req, struct err *err);
	void *sign_ctx;
	/* Is a 4xx answer with this body throttling (retry)?  NULL: 429 only.
	 */
	int (*is_throttle)(long status, const char *body, size_t len);
};

struct http_response {
	long status;
	struct buf body; /* when not streamed; at most HTTP_BODY_MAX */
	unsigned attempts;
	char retry_after[32]; /* the last Retry-After, or "" */
};

void http_response_init(struct http_response *resp);
void http_response_free(struct http_response *resp);

/* Global libcurl set-up, once per process.  -1 with err on failure. */
int http_global_init(struct err *err);

/*
 * Perform req.  With stream NULL the body lands in resp->body.  Returns
 * 0 when an answer came (any status: the caller decides), -1 with err
 * (code "http_timeout", "http_transport", "http_throttled" after the last
 * retry, "http_body_too_large") otherwise.  report (may be NULL) counts
 * calls and retries.
 */
int http_perform(struct http_request *req, const struct http_stream *stream,
    struct http_response *resp, struct cloud_report *report, struct err *err);

/* Add a header to req (-1 when full or the value holds CR or LF). */
int http_request_header(
    struct http_request *req, const char *name, const char *value);

#endif
