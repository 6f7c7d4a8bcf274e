/*
 * http.c: the cloud providers' HTTP client, over libcurl (http.h).
 *
 * One libcurl easy handle is kept for the process and reset before each
 * attempt, so its connection cache carries keep-alive connections from
 * one call to the next (a discovery makes thousands of calls to a handful
 * of hosts).  Each attempt is signed afresh, its answer either streamed
 * (2xx) or held (anything else, at most ERROR_BODY_MAX bytes, so that the
 * throttling test can read it), and judged: an answer, a retry (429, 5xx,
 * throttling in a 4xx body, a timeout, a connection lost or an answer cut
 * short), or a failure.  Retries wait with exponential backoff and full
 * jitter ("Exponential Backoff And Jitter", AWS Architecture Blog, 2015):
 * a random time in [0, min(cap, base * 2^n)], or longer when Retry-After
 * (RFC 9110 section 10.2.3, delay-seconds form) asks for it.
 *
 * Only the method and the URL without its query reach the log and error
 * messages; header values (Authorization, tokens) never do.
 */
#include "cloud/http.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include <curl/curl.h>

#include "lib/buf.h"
#include "lib/err.h"
#include "lib/log.h"

#ifndef CLOUDPAM_VERSION
#define CLOUDPAM_VERSION "0.0.0"
#endif

#define ERROR_BODY_MAX ((size_t)64 << 10) /* a non-2xx answer, held */
#define RETRY_AFTER_MAX_MS 60000L         /* longer asks are not waited for */
#define TIMEOUT_DEFAULT_MS 30000L
#define URL_LOG_MAX 256

/* What one attempt came to. */
enum verdict {
	V_ANSWER,    /* an answer for the caller */
	V_THROTTLED, /* 429 or throttling in the body: retry */
	V_SERVER,    /* 5xx: retry, then hand it over */
	V_TIMEOUT,   /* no answer in time: retry */
	V_TRANSPORT, /* connection failed, lost or cut short: retry */
	V_FAILED,    /* stop now, err filled */
	V__MAX
};

/* One attempt's state, seen by the libcurl callbacks. */
struct attempt {
	CURL *curl;
	const struct http_stream *stream;
	struct http_response *resp;
	struct buf held; /* a body that is not streamed: non-2xx */
	long status;     /* 0 until the first byte of the body */
	int streaming;   /* this answer goes to the stream */
	int began;       /* stream->begin was called */
	size_t received;
	int too_large;
	int stopped; /* a callback said stop; why is in stop_err */
	struct err stop_err;
};

static CURL *shared_curl;
static int global_ready;
static uint64_t jitter_state;

void
http_response_init(struct http_response *resp)
{
	resp->status = 0;
	buf_init(&resp->body);
	resp->attempts = 0;
	resp->retry_after[0] = '\0';
}

void
http_response_free(struct http_response *resp)
{
	buf_free(&resp->body);
}

static void
jitter_seed(void)
{
	uint64_t seed = 0;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)&seed;
	jitter_state = seed != 0 ? seed : 0x9e3779b97f4a7c15ULL;
}

/* xorshift64*: jitter needs spread, not secrecy. */
static uint64_t
jitter_next(void)
{
	if (jitter_state == 0)
		jitter_seed();
	jitter_state ^= jitter_state >> 12;
	jitter_state ^= jitter_state << 25;
	jitter_state ^= jitter_state >> 27;
	return jitter_state * 0x2545f4914f6cdd1dULL;
}

int
http_global_init(struct err *err)
{
	CURLcode rc;

	if (global_ready)
		return 0;
	rc = curl_global_init(CURL_GLOBAL_DEFAULT);
	if (rc != CURLE_OK)
		return err_set(err, 500, "internal",
		    "libcurl set-up failed: %s", curl_easy_strerror(rc));
	jitter_seed();
	global_ready = 1;
	return 0;
}

/* A header name is an RFC 9110 token; a value holds no CR, LF or NUL. */
static int
header_valid(const char *name, const char *value)
{
	const char *s;

	if (name == NULL || name[0] == '\0' || value == NULL)
		return 0;
	for (s = name; *s != '\0'; s++)
		if (*s <= ' ' || *s == ':' || *s == 0x7f)
			return 0;
	return strpbrk(value, "\r\n") == NULL;
}

int
http_request_header(
    struct http_request *req, const char *name, const char *value)
{
	size_t i;

	if (!header_valid(name, value))
		return -1;
	for (i = 0; i < req->nheaders; i++) {
		if (strcasecmp(req->headers[i].name, name) == 0) {
			req->headers[i].value = value;
			return 0;
		}
	}
	if (req->nheaders >= HTTP_HEADERS_MAX)
		return -1;
	req->headers[req->nheaders].name = name;
	req->headers[req->nheaders].value = value;
	req->nheaders++;
	return 0;
}

/* The URL without query or fragment: what may be logged. */
static void
url_for_log(const char *url, char out[URL_LOG_MAX])
{
	size_t n = strcspn(url, "?#");

	if (n >= URL_LOG_MAX)
		n = URL_LOG_MAX - 1;
	memcpy(out, url, n);
	out[n] = '\0';
}

static int
stream_begin(struct attempt *a)
{
	const struct http_stream *s = a->stream;

	a->began = 1;
	if (s->begin != NULL &&
	    s->begin(s->ctx, a->status, &a->stop_err) == -1) {
		a->stopped = 1;
		return -1;
	}
	return 0;
}

/* The first byte of a body: the status is known, choose its way. */
static int
answer_start(struct attempt *a)
{
	if (curl_easy_getinfo(a->curl, CURLINFO_RESPONSE_CODE, &a->status) !=
	        CURLE_OK ||
	    a->status == 0)
		a->status = -1;
	a->streaming = a->stream != NULL && a->status >= 200 && a->status < 300;
	if (a->streaming)
		return stream_begin(a);
	return 0;
}

static size_t
on_body(char *data, size_t size, size_t n, void *ctx)
{
	struct attempt *a = ctx;
	size_t len = size * n;

	if (a->status == 0 && answer_start(a) == -1)
		return 0;
	if (len > HTTP_BODY_MAX - a->received) {
		a->too_large = 1;
		return 0;
	}
	a->received += len;
	if (a->streaming) {
		if (a->stream->chunk(a->stream->ctx, data, len, &a->stop_err) ==
		    -1) {
			a->stopped = 1;
			return 0;
		}
		return len;
	}
	if (a->stream != NULL && a->received > ERROR_BODY_MAX) {
		a->too_large = 1;
		return 0;
	}
	buf_append(a->stream != NULL ? &a->held : &a->resp->body, data, len);
	return len;
}

/* Keep the last Retry-After of the final answer; never other values. */
static size_t
on_header(char *line, size_t size, size_t n, void *ctx)
{
	struct attempt *a = ctx;
	char *out = a->resp->retry_after;
	size_t len = size * n, i = 0, k = 0;

	if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		out[0] = '\0';
		return len;
	}
	if (len < 12 || strncasecmp(line, "Retry-After:", 12) != 0)
		return len;
	for (i = 12; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	while (i < len && line[i] != '\r' && line[i] != '\n' &&
	       k + 1 < sizeof(a->resp->retry_after))
		out[k++] = line[i++];
	out[k] = '\0';
	return len;
}

static CURL *
curl_handle(struct err *err)
{
	if (shared_curl == NULL && (shared_curl = curl_easy_init()) == NULL)
		err_set(err, 500, "internal", "libcurl handle not made");
	return shared_curl;
}

/* The request's headers as libcurl wants them, plus no 100-continue. */
static int
headers_make(
    const struct http_request *req, struct curl_slist **list, struct err *err)
{
	struct buf line = BUF_INIT;
	struct curl_slist *next;
	size_t i;
	int rc = 0;

	*list = curl_slist_append(NULL, "Expect:");
	for (i = 0; i < req->nheaders && *list != NULL && rc == 0; i++) {
		const struct http_header *h = &req->headers[i];

		if (!header_valid(h->name, h->value)) {
			rc = err_set(err, 400, "invalid_request",
			    "header %.64s is not valid", h->name);
			break;
		}
		buf_reset(&line);
		buf_printf(&line, h->value[0] != '\0' ? "%s: %s" : "%s;",
		    h->name, h->value);
		next = line.oom ? NULL : curl_slist_append(*list, line.data);
		if (next == NULL)
			curl_slist_free_all(*list);
		*list = next;
	}
	buf_free(&line);
	if (rc == 0 && *list == NULL)
		rc = err_set(err, 500, "internal", "out of memory (headers)");
	return rc;
}

static CURLcode
method_set(CURL *c, const struct http_request *req)
{
	const char *body = req->body != NULL ? req->body : "";
	CURLcode rc = CURLE_OK;

	if (strcmp(req->method, "GET") == 0)
		return curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	if (strcmp(req->method, "POST") != 0)
		rc |= curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
	rc |= curl_easy_setopt(c, CURLOPT_POST, 1L);
	rc |= curl_easy_setopt(
	    c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
	rc |= curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	return rc;
}

static int
attempt_setup(CURL *c, const struct http_request *req, struct attempt *a,
    struct curl_slist *headers, char *errbuf, struct err *err)
{
	long timeout =
	    req->timeout_ms > 0 ? req->timeout_ms : TIMEOUT_DEFAULT_MS;
	CURLcode rc = CURLE_OK;

	curl_easy_reset(c);
	rc |= curl_easy_setopt(c, CURLOPT_URL, req->url);
	rc |= curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	rc |= curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	rc |= curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout);
	rc |= curl_easy_setopt(
	    c, CURLOPT_USERAGENT, "cloudpam/" CLOUDPAM_VERSION);
	rc |= curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	rc |= curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	rc |= curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	rc |= curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
	rc |= curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	rc |= curl_easy_setopt(c, CURLOPT_HEADERDATA, a);
	rc |= curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	rc |= method_set(c, req);
	if (rc != CURLE_OK)
		return err_set(
		    err, 500, "internal", "libcurl refused an option");
	return 0;
}

/* Transport errors worth another try: the network, not the request. */
static int
transient(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_PARTIAL_FILE:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

static enum verdict
judge_status(const struct http_request *req, const struct attempt *a)
{
	const struct buf *b = a->stream != NULL ? &a->held : &a->resp->body;
	long s = a->status;

	if (s == 429)
		return V_THROTTLED;
	if (s >= 400 && req->is_throttle != NULL &&
	    req->is_throttle(s, b->data ? b->data : "", b->len))
		return V_THROTTLED;
	if (s >= 500 && s != 501 && s != 505)
		return V_SERVER;
	return V_ANSWER;
}

static enum verdict
judge(const struct http_request *req, struct attempt *a, CURLcode rc,
    const char *errbuf, struct err *err)
{
	char url[URL_LOG_MAX];

	url_for_log(req->url, url);
	if (a->stopped) {
		*err = a->stop_err;
		return V_FAILED;
	}
	if (a->too_large) {
		err_set(err, 502, "http_body_too_large",
		    "%s %s: the answer is larger than %zu bytes", req->method,
		    url, a->streaming ? HTTP_BODY_MAX : ERROR_BODY_MAX);
		return V_FAILED;
	}
	if (a->held.oom || a->resp->body.oom) {
		err_set(err, 500, "internal", "out of memory reading %s", url);
		return V_FAILED;
	}
	if (rc == CURLE_OPERATION_TIMEDOUT)
		return V_TIMEOUT;
	if (rc != CURLE_OK) {
		err_set(err, 502, "http_transport", "%s %s: %s", req->method,
		    url, errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc));
		return transient(rc) ? V_TRANSPORT : V_FAILED;
	}
	if (a->status == 0)
		answer_start(a);
	return judge_status(req, a);
}

/* One attempt: sign, send, read.  The verdict says what comes next. */
static enum verdict
attempt_run(struct http_request *req, struct attempt *a, struct err *err)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *headers = NULL;
	CURLcode rc;
	enum verdict v;

	a->status = 0;
	a->streaming = a->began = a->too_large = a->stopped = 0;
	a->received = 0;
	buf_reset(&a->held);
	buf_reset(&a->resp->body);
	a->resp->retry_after[0] = '\0';
	if (req->sign != NULL && req->sign(req->sign_ctx, req, err) == -1)
		return V_FAILED;
	if (headers_make(req, &headers, err) == -1)
		return V_FAILED;
	if (attempt_setup(a->curl, req, a, headers, errbuf, err) == -1) {
		curl_slist_free_all(headers);
		return V_FAILED;
	}
	rc = curl_easy_perform(a->curl);
	v = judge(req, a, rc, errbuf, err);
	/* The handle keeps no pointer into this attempt once it is reset. */
	curl_easy_setopt(a->curl, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(a->curl, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(headers);
	return v;
}

/*
 * How long to wait before retry n (0 for the first): full jitter, or
 * Retry-After seconds when longer.  -1: the server asks for more than
 * RETRY_AFTER_MAX_MS, which is not worth waiting for.
 */
static long
backoff_ms(const struct http_request *req, unsigned n, const char *after)
{
	long base = req->backoff_base_ms > 0 ? req->backoff_base_ms : 100;
	long cap = req->backoff_cap_ms > 0 ? req->backoff_cap_ms : 20000;
	long ceiling = base, wait, seconds;
	char *end;

	while (n-- > 0 && ceiling < cap)
		ceiling = ceiling > cap / 2 ? cap : ceiling * 2;
	if (ceiling > cap)
		ceiling = cap;
	wait = (long)(jitter_next() % ((uint64_t)ceiling + 1));
	if (after[0] >= '0' && after[0] <= '9') {
		errno = 0;
		seconds = strtol(after, &end, 10);
		if (errno != 0 || *end != '\0' ||
		    seconds > RETRY_AFTER_MAX_MS / 1000)
			return -1;
		if (seconds * 1000 > wait)
			wait = seconds * 1000;
	}
	return wait;
}

static void
sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&t, &t) == -1 && errno == EINTR)
		;
}

/* Hand a held answer to the stream: begin, then its one chunk. */
static int
deliver(struct attempt *a, struct err *err)
{
	const struct http_stream *s = a->stream;

	if (s == NULL || a->began)
		return 0;
	if (s->begin != NULL && s->begin(s->ctx, a->status, err) == -1)
		return -1;
	if (a->held.len > 0 &&
	    s->chunk(s->ctx, a->held.data, a->held.len, err) == -1)
		return -1;
	return 0;
}

/* Out of retries: the error for what the last attempt came to. */
static int
give_up(const struct http_request *req, const struct attempt *a, enum verdict v,
    struct err *err)
{
	char url[URL_LOG_MAX];
	unsigned n = a->resp->attempts;

	url_for_log(req->url, url);
	if (v == V_THROTTLED)
		return err_set(err, 503, "http_throttled",
		    "%s %s: still throttled (HTTP %ld) after %u attempt%s",
		    req->method, url, a->status, n, n == 1 ? "" : "s");
	if (v == V_TIMEOUT)
		return err_set(err, 504, "http_timeout",
		    "%s %s: no answer within %ld ms (%u attempt%s)",
		    req->method, url, req->timeout_ms, n, n == 1 ? "" : "s");
	/* V_TRANSPORT: err holds the transport error; say how often. */
	if (n > 1) {
		size_t len = strlen(err->message);

		snprintf(err->message + len, sizeof(err->message) - len,
		    " (%u attempts)", n);
	}
	return -1;
}

static void
retry_log(const struct http_request *req, const struct attempt *a,
    enum verdict v, long wait)
{
	static const char *const why[V__MAX] = {
		"",          /* V_ANSWER */
		"throttled", /* V_THROTTLED */
		"server",    /* V_SERVER */
		"timeout",   /* V_TIMEOUT */
		"transport", /* V_TRANSPORT */
		"",          /* V_FAILED */
	};
	char url[URL_LOG_MAX], status[24], ms[24];

	if (!log_enabled(LOG_LEVEL_INFO))
		return;
	url_for_log(req->url, url);
	snprintf(status, sizeof(status), "%ld", a->status);
	snprintf(ms, sizeof(ms), "%ld", wait);
	log_fields(LOG_LEVEL_INFO, "http retry", "method", req->method, "url",
	    url, "why", why[v], "status", status, "wait_ms", ms, NULL);
}

int
http_perform(struct http_request *req, const struct http_stream *stream,
    struct http_response *resp, struct cloud_report *report, struct err *err)
{
	struct attempt a;
	enum verdict v;
	long wait;
	int rc = -1;

	memset(&a, 0, sizeof(a));
	a.stream = stream;
	a.resp = resp;
	resp->attempts = 0;
	resp->status = 0;
	if (report != NULL)
		report->calls++;
	if ((a.curl = curl_handle(err)) == NULL)
		return -1;
	for (;;) {
		resp->attempts++;
		v = attempt_run(req, &a, err);
		resp->status = a.status > 0 ? a.status : 0;
		if (v == V_ANSWER || v == V_FAILED)
			break;
		wait = backoff_ms(req, resp->attempts - 1, resp->retry_after);
		if (resp->attempts > (unsigned)(req->max_retries > 0
		                                    ? req->max_retries
		                                    : 0) ||
		    wait < 0)
			break;
		retry_log(req, &a, v, wait);
		if (report != NULL)
			report->retries++;
		sleep_ms(wait);
	}
	if (v == V_ANSWER || v == V_SERVER)
		rc = deliver(&a, err);
	else if (v != V_FAILED)
		rc = give_up(req, &a, v, err);
	buf_free(&a.held);
	return rc;
}
