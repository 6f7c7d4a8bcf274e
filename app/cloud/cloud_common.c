/*
 * cloud_common.c: a discovery through a REST API with a bearer token, as
 * gcp.c and azure.c run it.
 *
 * The provider brings its rules and callbacks (struct cloud_session_ops):
 * where tokens come from, how a list's pages are asked for and read.
 * This file runs the rest, once: the sink between the parser and the
 * caller (stamp each record with the discovery time, count it, drop the
 * regions not asked for, remember a caller that said stop), HTTP requests
 * with the options' timeout and retries, an error answer's message in
 * either the OAuth 2.0 shape or the API's own, the access token and its
 * Authorization header, the page loop with its progress, and the walk
 * over accounts, where a failing account is recorded in the report and
 * the next one tried.  The token never reaches a log, an error message or
 * the report, and is wiped when the discovery ends.
 */
#include "cloud/cloud_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "cloud/cloud.h"
#include "cloud/http.h"
#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/err.h"

#define TOKEN_MARGIN 300           /* renew a token this close to expiry */
#define TOKEN_LIFETIME_DEFAULT 300 /* when the answer does not say */
#define TOKEN_LIFETIME_MAX 86400   /* a longer one is cut to this */
#define TIMEOUT_DEFAULT_MS 30000
#define ARENA_FIRST 16384

const char *
cloud_env(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : fallback;
}

int
cloud_err_prefix(struct err *err, const char *what)
{
	char why[ERR_MESSAGE_MAX], code[ERR_CODE_MAX];

	snprintf(why, sizeof(why), "%s", err->message);
	snprintf(code, sizeof(code), "%s", err->code);
	return err_set(err, err->status, code, "%s: %s", what, why);
}

/* --- the sink between the parser and the caller ---------------------- */

/* The caller's callback said stop: remember why, for discover(). */
static int
stopped(struct cloud_session *s, int rc, const struct err *err)
{
	if (rc == -1 && !s->sink_stopped) {
		s->sink_stopped = 1;
		s->sink_err = *err;
	}
	return rc;
}

static int
on_network(void *ctx, const struct cloud_network *n, struct err *err)
{
	struct cloud_session *s = ctx;
	struct cloud_network copy = *n;

	if (!s->ops->region_wanted(s->opt, CLOUD_NETWORK, n->c.region))
		return 0;
	copy.c.discovered_at = s->now;
	s->report->networks++;
	if (s->out->on_network == NULL)
		return 0;
	return stopped(s, s->out->on_network(s->out->ctx, &copy, err), err);
}

static int
on_subnet(void *ctx, const struct cloud_subnet *subnet, struct err *err)
{
	struct cloud_session *s = ctx;
	struct cloud_subnet copy = *subnet;

	if (!s->ops->region_wanted(s->opt, CLOUD_SUBNET, subnet->c.region))
		return 0;
	copy.c.discovered_at = s->now;
	s->report->subnets++;
	if (s->out->on_subnet == NULL)
		return 0;
	return stopped(s, s->out->on_subnet(s->out->ctx, &copy, err), err);
}

static int
on_address(void *ctx, const struct cloud_address *a, struct err *err)
{
	struct cloud_session *s = ctx;
	struct cloud_address copy = *a;

	if (!s->ops->region_wanted(s->opt, CLOUD_ADDRESS, a->c.region))
		return 0;
	copy.c.discovered_at = s->now;
	s->report->addresses++;
	if (s->out->on_address == NULL)
		return 0;
	return stopped(s, s->out->on_address(s->out->ctx, &copy, err), err);
}

static int
on_error(
    void *ctx, enum cloud_kind kind, const char *resource, const char *message)
{
	struct cloud_session *s = ctx;
	struct err err = ERR_INIT;

	s->report->record_errors++;
	if (s->out->on_error == NULL)
		return 0;
	err_set(&err, 502, "bad_record", "the sink refused a record error");
	return stopped(
	    s, s->out->on_error(s->out->ctx, kind, resource, message), &err);
}

/* --- HTTP ------------------------------------------------------------ */

void
cloud_session_request(const struct cloud_session *s, struct http_request *req,
    const char *method, const char *url)
{
	memset(req, 0, sizeof(*req));
	req->method = method;
	req->url = url;
	req->timeout_ms =
	    s->opt->timeout_ms > 0 ? s->opt->timeout_ms : TIMEOUT_DEFAULT_MS;
	req->max_retries = s->opt->max_retries;
	req->backoff_base_ms = s->opt->backoff_base_ms;
	req->backoff_cap_ms = s->opt->backoff_cap_ms;
}

/*
 * The message of an error answer: the OAuth 2.0 shape (RFC 6749 section
 * 5.2) {"error": "invalid_client", "error_description": "..."}, the API's
 * {"error": {...}}, read by ops->api_error, or the {"statusCode",
 * "message"} of App Service's managed identity endpoint.
 */
static void
answer_error(const struct cloud_session *s, char *out, size_t size)
{
	const struct buf *body = &s->resp.body;
	struct json_object *root, *error, *v;
	const char *code = NULL, *text = NULL;

	snprintf(out, size, "(no error message)");
	root = body->len > 0 ? json_tokener_parse(body->data) : NULL;
	if (root == NULL)
		goto done;
	if (!json_object_object_get_ex(root, "error", &error)) {
		if (!json_object_object_get_ex(root, "message", &v))
			goto done;
		text = json_object_get_string(v);
	} else if (json_object_is_type(error, json_type_string)) {
		code = json_object_get_string(error);
		if (json_object_object_get_ex(root, "error_description", &v))
			text = json_object_get_string(v);
	} else {
		s->ops->api_error(error, &code, &text);
	}
	snprintf(out, size, "%.64s%s%.300s", code ? code : "",
	    code && text ? ": " : "", text ? text : "");
done:
	json_object_put(root);
}

int
cloud_session_perform(struct cloud_session *s, struct http_request *req,
    const char *what, const char *code, struct err *err)
{
	char why[ERR_MESSAGE_MAX], code_was[ERR_CODE_MAX];

	buf_reset(&s->resp.body);
	if (http_perform(req, NULL, &s->resp, s->report, err) == -1) {
		/* err_set() starts afresh: keep what it would overwrite. */
		snprintf(why, sizeof(why), "%s", err->message);
		snprintf(code_was, sizeof(code_was), "%s", err->code);
		return err_set(err, err->status ? err->status : 502, code_was,
		    "%s: %s", what, why);
	}
	if (s->resp.status == 200)
		return 0;
	answer_error(s, why, sizeof(why));
	return err_set(
	    err, 502, code, "%s: HTTP %ld: %s", what, s->resp.status, why);
}

/* --- the token ------------------------------------------------------- */

/*
 * The whole number of seconds at key of root, a JSON number or text of
 * digits only (metadata services send "3599"); 0 when absent or not one.
 */
static long long
token_seconds(struct json_object *root, const char *key)
{
	struct json_object *v;
	const char *text;
	char *end;
	long long n;

	if (!json_object_object_get_ex(root, key, &v))
		return 0;
	if (json_object_is_type(v, json_type_int))
		return json_object_get_int64(v);
	if (!json_object_is_type(v, json_type_string))
		return 0;
	text = json_object_get_string(v);
	if (*text < '0' || *text > '9')
		return 0;
	errno = 0;
	n = strtoll(text, &end, 10);
	return errno == 0 && *end == '\0' ? n : 0;
}

/*
 * How long the token of root lives, in seconds: expires_in, else
 * expires_on less now, else the default; never more than a day, so the
 * sum with now cannot overflow.
 */
static long long
token_lifetime(struct json_object *root, time_t now)
{
	long long n = token_seconds(root, "expires_in");

	if (n <= 0) {
		n = token_seconds(root, "expires_on");
		n = n > (long long)now ? n - (long long)now : 0;
	}
	if (n <= 0)
		return TOKEN_LIFETIME_DEFAULT;
	return n < TOKEN_LIFETIME_MAX ? n : TOKEN_LIFETIME_MAX;
}

int
cloud_session_token_read(
    struct cloud_session *s, const char *source, struct err *err)
{
	struct json_object *root, *v;
	const char *token = NULL;
	time_t now = time(NULL);
	int rc = -1;

	root = json_tokener_parse(s->resp.body.data ? s->resp.body.data : "");
	if (root != NULL && json_object_object_get_ex(root, "access_token", &v))
		token = json_object_get_string(v);
	if (token == NULL || *token == '\0' ||
	    strlen(token) >= s->ops->token_max ||
	    strpbrk(token, "\r\n ") != NULL) {
		err_set(err, 502, "token_invalid",
		    "%s answered without a usable access_token", source);
		goto fail;
	}
	snprintf(s->token, sizeof(s->token), "%s", token);
	s->token_expires = now + (time_t)token_lifetime(root, now);
	rc = 0;
fail:
	json_object_put(root);
	/* The answer held the token: leave no copy in a reused buffer. */
	OPENSSL_cleanse(s->resp.body.data, s->resp.body.len);
	buf_reset(&s->resp.body);
	return rc;
}

int
cloud_session_token_ensure(struct cloud_session *s, struct err *err)
{
	if (s->token[0] != '\0' && time(NULL) + TOKEN_MARGIN < s->token_expires)
		return 0;
	OPENSSL_cleanse(s->token, sizeof(s->token));
	if (s->ops->token_fetch(s->ctx, err) == -1)
		return -1;
	OPENSSL_cleanse(s->auth.data, s->auth.len);
	buf_reset(&s->auth);
	buf_printf(&s->auth, "Bearer %s", s->token);
	if (s->auth.oom)
		return err_set(err, 500, "internal", "out of memory");
	return 0;
}

/* --- lists and accounts ---------------------------------------------- */

int
cloud_session_list(struct cloud_session *s, const char *name, const char *scope,
    struct err *err)
{
	struct http_request req;
	char *next = NULL;
	size_t pages;

	for (pages = 0; pages < CLOUD_PAGES_MAX; pages++) {
		if (s->ops->page_prepare(s->ctx, next, err) == -1)
			return -1;
		/* A renewal here builds its URL in token_url: url is kept. */
		if (cloud_session_token_ensure(s, err) == -1)
			return -1;
		cloud_session_request(s, &req, "GET", s->url.data);
		http_request_header(&req, "Authorization", s->auth.data);
		if (cloud_session_perform(s, &req, name, "cloud_error", err) ==
		    -1)
			return -1;
		arena_reset(s->arena);
		if (s->ops->page_parse(s->ctx, &next, err) == -1)
			return cloud_err_prefix(err, name);
		s->report->pages++;
		if (s->progress != NULL)
			s->progress(s->progress_ctx, s->report, scope);
		/* An empty page may still carry a next one: follow it. */
		if (next == NULL)
			return 0;
		if (s->ops->page_next(s->ctx, next, err) == -1)
			return -1;
	}
	return err_set(err, 502, "pagination_loop", "%s: more than %d pages",
	    name, CLOUD_PAGES_MAX);
}

static void
account_discover(struct cloud_session *s, const char *account)
{
	char scope[sizeof(((struct cloud_failure *)0)->scope)];
	struct err err = ERR_INIT;
	size_t i;

	snprintf(scope, sizeof(scope), "%s:%s", s->ops->scope, account);
	if (*account == '\0' || strlen(account) >= s->ops->account_max) {
		cloud_report_fail(s->report, scope, s->ops->bad_account);
		return;
	}
	for (i = 0; i < s->ops->nlists; i++) {
		if (s->ops->list_walk(s->ctx, account, i, scope, &err) == 0)
			continue;
		if (s->sink_stopped)
			return;
		/* The rest of the account is as unreadable: say so once. */
		cloud_report_fail(s->report, scope, err.message);
		return;
	}
}

/* --- the discovery --------------------------------------------------- */

int
cloud_session_open(struct cloud_session *s, struct err *err)
{
	if ((s->arena = arena_new(ARENA_FIRST)) == NULL)
		return err_set(err, 500, "internal", "out of memory");
	return http_global_init(err);
}

static void
session_free(struct cloud_session *s)
{
	OPENSSL_cleanse(s->token, sizeof(s->token));
	OPENSSL_cleanse(s->auth.data, s->auth.len);
	buf_free(&s->url);
	buf_free(&s->token_url);
	buf_free(&s->auth);
	buf_free(&s->body);
	http_response_free(&s->resp);
	arena_free(s->arena);
}

int
cloud_session_discover(struct cloud_session *s, const struct cloud_options *opt,
    const struct cloud_sink *sink, struct cloud_report *report,
    cloud_progress_fn progress, void *progress_ctx, struct err *err)
{
	size_t i;
	int rc = -1;

	if (opt->naccounts == 0)
		return err_set(err, 400, s->ops->no_accounts, "%s",
		    s->ops->no_accounts_message);
	s->opt = opt;
	s->out = sink;
	s->report = report;
	s->progress = progress;
	s->progress_ctx = progress_ctx;
	s->sink = (struct cloud_sink){ s, on_network, on_subnet, on_address,
		on_error };
	buf_init(&s->url);
	buf_init(&s->token_url);
	buf_init(&s->auth);
	buf_init(&s->body);
	http_response_init(&s->resp);
	s->now = time(NULL);
	if (s->ops->start(s->ctx, err) == -1 ||
	    cloud_session_token_ensure(s, err) == -1)
		goto done;
	for (i = 0; i < opt->naccounts && !s->sink_stopped; i++)
		account_discover(s, opt->accounts[i]);
	if (s->sink_stopped) {
		*err = s->sink_err;
		goto done;
	}
	rc = 0;
done:
	s->ops->stop(s->ctx);
	session_free(s);
	return rc;
}
