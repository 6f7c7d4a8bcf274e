/*
 * aws_request.c: what every call to an AWS API shares (aws_request.h):
 * the SigV4 signing callback for http_perform(), reading the error code
 * and message of an XML or JSON refusal, telling throttling from other
 * refusals, and the call helper that collects an answer.
 *
 * An answer may carry keys (STS, the container endpoint, IMDS), so
 * aws_call() reserves room for the whole of it before the first byte
 * arrives (no realloc leaves a copy behind) and wipes what an earlier
 * attempt left before a retry fills it again.
 */
#include "cloud/aws_request.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cloud/aws_config.h"
#include "cloud/aws_credentials.h"
#include "cloud/http.h"
#include "cloud/sigv4.h"
#include "lib/buf.h"
#include "lib/err.h"

/* --- signing ------------------------------------------------------- */

void
aws_signer_init(struct aws_signer *s, const struct aws_credentials *credentials,
    const char *region, enum aws_service service)
{
	memset(s, 0, sizeof(*s));
	s->credentials = credentials;
	s->region = region;
	s->service = service;
	sigv4_result_init(&s->result);
}

void
aws_signer_free(struct aws_signer *s)
{
	sigv4_result_free(&s->result);
}

/* Drop what an earlier signing added, so each attempt starts clean. */
static void
signature_headers_drop(struct http_request *req)
{
	static const char *const ours[] = { "Authorization", "X-Amz-Date",
		"X-Amz-Security-Token", "X-Amz-Content-Sha256" };
	size_t i, j, kept = 0;
	int drop;

	for (i = 0; i < req->nheaders; i++) {
		drop = 0;
		for (j = 0; j < sizeof(ours) / sizeof(ours[0]); j++)
			drop |= strcasecmp(req->headers[i].name, ours[j]) == 0;
		if (!drop)
			req->headers[kept++] = req->headers[i];
	}
	req->nheaders = kept;
}

/* Split url into the signer's host and path; *query after '?' or "". */
static int
url_split(struct aws_signer *s, const char *url, char *path, size_t size,
    const char **query, struct err *err)
{
	const char *host = strstr(url, "://"), *end;
	size_t hlen, plen;

	if (host == NULL)
		return err_set(err, 400, "invalid_request", "URL without host");
	host += 3;
	end = host + strcspn(host, "/?");
	hlen = (size_t)(end - host);
	plen = strcspn(end, "?");
	if (hlen == 0 || hlen >= sizeof(s->host) || plen >= size)
		return err_set(err, 400, "invalid_request", "URL too long");
	memcpy(s->host, host, hlen);
	s->host[hlen] = '\0';
	memcpy(path, end, plen);
	path[plen] = '\0';
	*query = end[plen] == '?' ? end + plen + 1 : "";
	return 0;
}

int
aws_signer_sign(void *ctx, struct http_request *req, struct err *err)
{
	struct aws_signer *s = ctx;
	struct sigv4_header headers[HTTP_HEADERS_MAX];
	struct sigv4_req sr;
	char path[AWS_URL_MAX];
	size_t i;

	signature_headers_drop(req);
	memset(&sr, 0, sizeof(sr));
	if (url_split(s, req->url, path, sizeof(path), &sr.query, err) == -1)
		return -1;
	if (http_request_header(req, "Host", s->host) == -1)
		return err_set(err, 400, "invalid_request", "too many headers");
	for (i = 0; i < req->nheaders; i++) {
		headers[i].name = req->headers[i].name;
		headers[i].value = req->headers[i].value;
	}
	sr.method = req->method;
	sr.path = path[0] != '\0' ? path : "/";
	sr.headers = headers;
	sr.headers_len = req->nheaders;
	sr.body = req->body;
	sr.body_len = req->body_len;
	sr.region = s->region;
	sr.service = aws_service_names[s->service];
	sr.credentials.access_key_id = s->credentials->access_key_id;
	sr.credentials.secret_access_key = s->credentials->secret_access_key;
	sr.credentials.session_token = s->credentials->session_token;
	sr.signing_time = time(NULL);
	if (sigv4_sign(&sr, &s->result, err) == -1)
		return -1;
	for (i = 0; i < s->result.added_len; i++)
		if (http_request_header(req, s->result.added[i].name,
		        s->result.added[i].value) == -1)
			return err_set(err, 400, "invalid_request",
			    "too many headers to sign");
	return 0;
}

/* --- answers ------------------------------------------------------- */

/* The first key in the len bytes at body, or NULL (memmem is GNU). */
static const char *
find(const char *body, size_t len, const char *key)
{
	size_t n = strlen(key), i;

	for (i = 0; n > 0 && i + n <= len; i++)
		if (body[i] == key[0] && memcmp(body + i, key, n) == 0)
			return body + i;
	return NULL;
}

/* Copy the text after the first key (up to stop) into out, one line. */
static void
text_after(const char *body, size_t len, const char *key, char stop, char *out,
    size_t size)
{
	const char *p = find(body, len, key), *end;
	size_t n = 0;

	if (size == 0)
		return;
	out[0] = '\0';
	if (p == NULL)
		return;
	p += strlen(key);
	end = body + len;
	if (stop == '"') {
		while (p < end && (*p == ' ' || *p == ':'))
			p++;
		if (p == end || *p++ != '"')
			return;
	}
	while (p < end && *p != stop && *p != '\n' && n + 1 < size) {
		out[n++] = isprint((unsigned char)*p) ? *p : ' ';
		p++;
	}
	out[n] = '\0';
}

void
aws_error_read(const char *body, size_t len, char *code, size_t code_size,
    char *message, size_t message_size)
{
	char *hash;

	text_after(body, len, "<Code>", '<', code, code_size);
	if (code_size > 0 && code[0] == '\0') {
		text_after(body, len, "\"__type\"", '"', code, code_size);
		if ((hash = strrchr(code, '#')) != NULL)
			memmove(code, hash + 1, strlen(hash + 1) + 1);
	}
	text_after(body, len, "<Message>", '<', message, message_size);
	if (message_size > 0 && message[0] == '\0')
		text_after(
		    body, len, "\"message\"", '"', message, message_size);
	if (message_size > 0 && message[0] == '\0')
		text_after(
		    body, len, "\"Message\"", '"', message, message_size);
}

int
aws_code_is_auth(const char *code)
{
	static const char *const codes[] = { "AuthFailure",
		"SignatureDoesNotMatch", "InvalidClientTokenId",
		"IncompleteSignature", "MissingAuthenticationToken",
		"ExpiredToken", "RequestExpired", "UnrecognizedClientException",
		"InvalidSignatureException" };
	size_t i;

	for (i = 0; code != NULL && i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(code, codes[i]) == 0)
			return 1;
	return 0;
}

int
aws_is_throttle(long status, const char *body, size_t len)
{
	static const char *const codes[] = { "RequestLimitExceeded",
		"Throttling", "ThrottlingException", "TooManyRequestsException",
		"RequestThrottled", "RequestThrottledException" };
	char code[128];
	size_t i;

	if (status < 400)
		return 0;
	aws_error_read(body, len, code, sizeof(code), NULL, 0);
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(code, codes[i]) == 0)
			return 1;
	return 0;
}

void
aws_request_init(struct http_request *req, const struct aws_config *cfg,
    const char *url, const char *content_type, const struct buf *body)
{
	memset(req, 0, sizeof(*req));
	req->method = "POST";
	req->url = url;
	req->body = body->data != NULL ? body->data : "";
	req->body_len = body->len;
	req->timeout_ms = cfg->timeout_ms;
	req->max_retries = cfg->max_retries;
	req->backoff_base_ms = cfg->backoff_base_ms;
	req->backoff_cap_ms = cfg->backoff_cap_ms;
	req->is_throttle = aws_is_throttle;
	http_request_header(req, "Content-Type", content_type);
}

struct collect {
	struct buf *body;
	size_t max;
	long status;
};

static int
collect_begin(void *ctx, long status, struct err *err)
{
	struct collect *c = ctx;

	(void)err;
	c->status = status;
	if (c->body->data != NULL)
		explicit_bzero(c->body->data, c->body->cap);
	c->body->len = 0;
	return 0;
}

static int
collect_chunk(void *ctx, const char *data, size_t len, struct err *err)
{
	struct collect *c = ctx;

	if (len > c->max - c->body->len)
		return err_set(err, 502, "http_body_too_large",
		    "answer longer than %zu bytes", c->max);
	buf_append(c->body, data, len);
	if (c->body->oom)
		return err_set(err, 500, "internal", "out of memory");
	return 0;
}

int
aws_call(struct http_request *req, struct buf *body, size_t max, long *status,
    struct cloud_report *report, struct err *err)
{
	struct collect c = { body, max, 0 };
	struct http_stream stream = { &c, collect_begin, collect_chunk };
	struct http_response resp;
	int rc;

	/* Room for the whole answer now: no realloc copies a secret. */
	if (buf_reserve(body, max) == -1)
		return err_set(err, 500, "internal", "out of memory");
	http_response_init(&resp);
	rc = http_perform(req, &stream, &resp, report, err);
	http_response_free(&resp);
	*status = c.status;
	return rc;
}
