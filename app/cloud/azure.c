/*
 * azure.c: discovery in Microsoft Azure, the cloud_azure provider.
 *
 * Credentials come first, once per discovery: a service principal's
 * client secret (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET) is
 * traded at the Microsoft identity platform for an ARM access token (OAuth
 * 2.0 client credentials, RFC 6749 section 4.4); without a secret the
 * managed identity of the VM we run on asks the Instance Metadata Service
 * (IMDS) for one, user-assigned when AZURE_CLIENT_ID names it.  Then, for
 * each subscription asked for, ARM's subscription-wide lists are walked
 * (virtualNetworks, and with addresses asked for networkInterfaces and
 * publicIPAddresses), following nextLink to the last page and handing
 * each page to azure_json as it arrives.  A subscription that fails is
 * recorded in the report and the next one is tried; only a failure to get
 * credentials ends the discovery.
 *
 * Endpoints can be pointed elsewhere, for tests and sovereign clouds:
 *   AZURE_AUTHORITY_HOST           identity platform, as the Azure SDKs
 *                                  read it ("https://login.microsoftonline
 *                                  .com")
 *   CLOUDPAM_AZURE_IMDS_ENDPOINT   IMDS base URL ("http://169.254.169.254");
 *                                  else AZURE_POD_IDENTITY_AUTHORITY_HOST,
 *                                  as the Azure SDKs read it
 *   CLOUDPAM_AZURE_ARM_ENDPOINT    ARM base ("https://management.azure.com")
 * A nextLink is followed only when it names the ARM host we called, so the
 * token is never sent elsewhere.  The client secret and the access token
 * never reach a log, an error message or the report, and are wiped when
 * the discovery ends.
 */
#include "cloud/cloud.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "cloud/azure_json.h"
#include "cloud/http.h"
#include "cloud/sigv4.h"
#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/err.h"

#define AUTHORITY_DEFAULT "https://login.microsoftonline.com"
#define IMDS_DEFAULT "http://169.254.169.254"
#define IMDS_TOKEN_PATH "/metadata/identity/oauth2/token?api-version=2018-02-01"
#define ARM_DEFAULT "https://management.azure.com"
#define ARM_RESOURCE "https://management.azure.com/"
#define ARM_SCOPE "https://management.azure.com/.default"
#define API_VERSION "2024-05-01"
#define TOKEN_MARGIN 300 /* renew a token this close to expiry */
#define TOKEN_MAX 8192   /* bytes of an access token (JWTs run long) */
#define PAGES_MAX 100000 /* of one list: a loop, not a subscription */
#define TIMEOUT_DEFAULT_MS 30000
#define ARENA_FIRST 16384

struct azure {
	const struct cloud_options *opt;
	const struct cloud_sink *out; /* the caller's */
	struct cloud_sink sink;       /* counts, stamps, filters, forwards */
	struct cloud_report *report;
	cloud_progress_fn progress;
	void *progress_ctx;
	const char *arm;   /* base URL, no trailing '/' */
	size_t origin_len; /* of "scheme://host[:port]" in arm */
	const char *tenant, *client_id, *secret; /* from the environment */
	char token[TOKEN_MAX];
	time_t token_expires;
	time_t now; /* discovered_at of every record */
	int sink_stopped;
	struct err sink_err;
	struct buf url, auth, body, last_link;
	struct http_response resp;
	struct arena *arena;
};

/* One subscription-wide list. */
struct list {
	enum azure_resource resource;
	int addresses; /* only with opt->addresses */
};

static const struct list lists[] = {
	{ AZURE_VIRTUAL_NETWORKS, 0 },
	{ AZURE_NETWORK_INTERFACES, 1 },
	{ AZURE_PUBLIC_IP_ADDRESSES, 1 },
};

static const char *
env(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : fallback;
}

/* base without the trailing '/' the SDK variables often carry. */
static void
base_put(struct buf *out, const char *base)
{
	size_t len = strlen(base);

	while (len > 0 && base[len - 1] == '/')
		len--;
	buf_append(out, base, len);
}

/* --- the sink between azure_json and the caller ---------------------- */

static int
region_wanted(const struct azure *a, const char *region)
{
	size_t i;

	if (a->opt->nregions == 0 || region == NULL || *region == '\0')
		return 1;
	for (i = 0; i < a->opt->nregions; i++)
		if (strcasecmp(a->opt->regions[i], region) == 0)
			return 1;
	return 0;
}

/* The caller's callback said stop: remember why, for discover(). */
static int
stopped(struct azure *a, int rc, const struct err *err)
{
	if (rc == -1 && !a->sink_stopped) {
		a->sink_stopped = 1;
		a->sink_err = *err;
	}
	return rc;
}

static int
on_network(void *ctx, const struct cloud_network *n, struct err *err)
{
	struct azure *a = ctx;
	struct cloud_network copy = *n;

	if (!region_wanted(a, n->c.region))
		return 0;
	copy.c.discovered_at = a->now;
	a->report->networks++;
	if (a->out->on_network == NULL)
		return 0;
	return stopped(a, a->out->on_network(a->out->ctx, &copy, err), err);
}

static int
on_subnet(void *ctx, const struct cloud_subnet *s, struct err *err)
{
	struct azure *a = ctx;
	struct cloud_subnet copy = *s;

	if (!region_wanted(a, s->c.region))
		return 0;
	copy.c.discovered_at = a->now;
	a->report->subnets++;
	if (a->out->on_subnet == NULL)
		return 0;
	return stopped(a, a->out->on_subnet(a->out->ctx, &copy, err), err);
}

static int
on_address(void *ctx, const struct cloud_address *addr, struct err *err)
{
	struct azure *a = ctx;
	struct cloud_address copy = *addr;

	if (!region_wanted(a, addr->c.region))
		return 0;
	copy.c.discovered_at = a->now;
	a->report->addresses++;
	if (a->out->on_address == NULL)
		return 0;
	return stopped(a, a->out->on_address(a->out->ctx, &copy, err), err);
}

static int
on_error(
    void *ctx, enum cloud_kind kind, const char *resource, const char *message)
{
	struct azure *a = ctx;
	struct err err = ERR_INIT;

	a->report->record_errors++;
	if (a->out->on_error == NULL)
		return 0;
	err_set(&err, 502, "bad_record", "the sink refused a record error");
	return stopped(
	    a, a->out->on_error(a->out->ctx, kind, resource, message), &err);
}

/* --- HTTP ------------------------------------------------------------ */

static void
request_init(const struct azure *a, struct http_request *req,
    const char *method, const char *url)
{
	memset(req, 0, sizeof(*req));
	req->method = method;
	req->url = url;
	req->timeout_ms =
	    a->opt->timeout_ms > 0 ? a->opt->timeout_ms : TIMEOUT_DEFAULT_MS;
	req->max_retries = a->opt->max_retries;
	req->backoff_base_ms = a->opt->backoff_base_ms;
	req->backoff_cap_ms = a->opt->backoff_cap_ms;
}

/*
 * The message of an error answer: the identity platform's OAuth shape
 * {"error": "invalid_client", "error_description": "AADSTS..."} or ARM's
 * {"error": {"code": "AuthorizationFailed", "message": "..."}}.
 */
static void
answer_error(const struct buf *body, char *out, size_t size)
{
	struct json_object *root, *error, *v;
	const char *code = NULL, *text = NULL;

	snprintf(out, size, "(no error message)");
	root = body->len > 0 ? json_tokener_parse(body->data) : NULL;
	if (root == NULL || !json_object_object_get_ex(root, "error", &error))
		goto done;
	if (json_object_is_type(error, json_type_string)) {
		code = json_object_get_string(error);
		if (json_object_object_get_ex(root, "error_description", &v))
			text = json_object_get_string(v);
	} else {
		if (json_object_object_get_ex(error, "code", &v))
			code = json_object_get_string(v);
		if (json_object_object_get_ex(error, "message", &v))
			text = json_object_get_string(v);
	}
	snprintf(out, size, "%.64s%s%.300s", code ? code : "",
	    code && text ? ": " : "", text ? text : "");
done:
	json_object_put(root);
}

/*
 * Perform req.  A failure to get an answer keeps http_perform's code; an
 * answer other than 200 is 502 with code.  Either message starts with
 * what was asked.
 */
static int
perform(struct azure *a, struct http_request *req, const char *what,
    const char *code, struct err *err)
{
	char why[ERR_MESSAGE_MAX], code_was[ERR_CODE_MAX];

	buf_reset(&a->resp.body);
	if (http_perform(req, NULL, &a->resp, a->report, err) == -1) {
		/* err_set() starts afresh: keep what it would overwrite. */
		snprintf(why, sizeof(why), "%s", err->message);
		snprintf(code_was, sizeof(code_was), "%s", err->code);
		return err_set(err, err->status ? err->status : 502, code_was,
		    "%s: %s", what, why);
	}
	if (a->resp.status == 200)
		return 0;
	answer_error(&a->resp.body, why, sizeof(why));
	return err_set(
	    err, 502, code, "%s: HTTP %ld: %s", what, a->resp.status, why);
}

/* Put what before err's message. Returns -1. */
static int
prefix(struct err *err, const char *what)
{
	char why[ERR_MESSAGE_MAX], code[ERR_CODE_MAX];

	snprintf(why, sizeof(why), "%s", err->message);
	snprintf(code, sizeof(code), "%s", err->code);
	return err_set(err, err->status, code, "%s: %s", what, why);
}

/* --- credentials ----------------------------------------------------- */

/* Take access_token and expires_in (a number; text from IMDS). */
static int
token_read(struct azure *a, const char *source, struct err *err)
{
	struct json_object *root, *v;
	const char *token = NULL;
	long long expires = 0;
	int rc = -1;

	root = json_tokener_parse(a->resp.body.data ? a->resp.body.data : "");
	if (root != NULL && json_object_object_get_ex(root, "access_token", &v))
		token = json_object_get_string(v);
	if (root != NULL && json_object_object_get_ex(root, "expires_in", &v))
		expires = json_object_get_int64(v);
	if (token == NULL || *token == '\0' || strlen(token) >= TOKEN_MAX ||
	    strpbrk(token, "\r\n ") != NULL) {
		err_set(err, 502, "token_invalid",
		    "%s answered without a usable access_token", source);
		goto fail;
	}
	snprintf(a->token, sizeof(a->token), "%s", token);
	a->token_expires = time(NULL) + (expires > 0 ? expires : 300);
	rc = 0;
fail:
	json_object_put(root);
	/* The answer held the token: leave no copy in a reused buffer. */
	OPENSSL_cleanse(a->resp.body.data, a->resp.body.len);
	buf_reset(&a->resp.body);
	return rc;
}

static void
form_put(struct buf *out, const char *name, const char *value)
{
	if (out->len > 0)
		buf_putc(out, '&');
	buf_puts(out, name);
	buf_putc(out, '=');
	sigv4_uri_encode(out, value, strlen(value), 0);
}

/* Client credentials grant, Microsoft identity platform v2.0. */
static int
token_from_secret(struct azure *a, struct err *err)
{
	struct http_request req;
	char what[256];
	int rc = -1;

	buf_reset(&a->url);
	base_put(&a->url, env("AZURE_AUTHORITY_HOST", AUTHORITY_DEFAULT));
	buf_putc(&a->url, '/');
	sigv4_uri_encode(&a->url, a->tenant, strlen(a->tenant), 0);
	buf_puts(&a->url, "/oauth2/v2.0/token");
	buf_reset(&a->body);
	form_put(&a->body, "grant_type", "client_credentials");
	form_put(&a->body, "client_id", a->client_id);
	form_put(&a->body, "client_secret", a->secret);
	form_put(&a->body, "scope", ARM_SCOPE);
	if (a->url.oom || a->body.oom) {
		err_set(err, 500, "internal", "out of memory");
		goto done;
	}
	request_init(a, &req, "POST", a->url.data);
	req.body = a->body.data;
	req.body_len = a->body.len;
	http_request_header(
	    &req, "Content-Type", "application/x-www-form-urlencoded");
	snprintf(what, sizeof(what),
	    "Azure identity platform %.120s, asked for a token for %.64s",
	    a->url.data, a->client_id);
	if (perform(a, &req, what, "credentials_refused", err) == -1)
		goto done;
	rc = token_read(a, "the Azure identity platform", err);
done:
	OPENSSL_cleanse(a->body.data, a->body.len);
	buf_reset(&a->body);
	return rc;
}

/* Managed identity through IMDS. */
static int
token_from_imds(struct azure *a, struct err *err)
{
	const char *base = env("CLOUDPAM_AZURE_IMDS_ENDPOINT",
	    env("AZURE_POD_IDENTITY_AUTHORITY_HOST", IMDS_DEFAULT));
	struct http_request req;

	buf_reset(&a->url);
	base_put(&a->url, base);
	buf_puts(&a->url, IMDS_TOKEN_PATH "&resource=");
	sigv4_uri_encode(&a->url, ARM_RESOURCE, strlen(ARM_RESOURCE), 0);
	if (a->client_id != NULL) {
		buf_puts(&a->url, "&client_id=");
		sigv4_uri_encode(
		    &a->url, a->client_id, strlen(a->client_id), 0);
	}
	if (a->url.oom)
		return err_set(err, 500, "internal", "out of memory");
	request_init(a, &req, "GET", a->url.data);
	http_request_header(&req, "Metadata", "true");
	if (perform(a, &req,
	        "AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET are "
	        "not all set, and the managed identity endpoint (IMDS)",
	        "credentials_refused", err) == -1)
		return -1;
	return token_read(a, "the Azure managed identity endpoint", err);
}

/* Make sure a token good for a while is at hand, and the header for it. */
static int
token_ensure(struct azure *a, struct err *err)
{
	int rc;

	if (a->token[0] != '\0' && time(NULL) + TOKEN_MARGIN < a->token_expires)
		return 0;
	OPENSSL_cleanse(a->token, sizeof(a->token));
	rc = a->secret != NULL ? token_from_secret(a, err)
	                       : token_from_imds(a, err);
	if (rc == -1)
		return -1;
	OPENSSL_cleanse(a->auth.data, a->auth.len);
	buf_reset(&a->auth);
	buf_printf(&a->auth, "Bearer %s", a->token);
	if (a->auth.oom)
		return err_set(err, 500, "internal", "out of memory");
	return 0;
}

/* --- lists ----------------------------------------------------------- */

static void
url_first(struct azure *a, const char *subscription, const struct list *l)
{
	buf_reset(&a->url);
	buf_puts(&a->url, a->arm);
	buf_puts(&a->url, "/subscriptions/");
	sigv4_uri_encode(&a->url, subscription, strlen(subscription), 0);
	buf_printf(&a->url,
	    "/providers/Microsoft.Network/%s?api-version=" API_VERSION,
	    azure_resource_names[l->resource]);
}

/*
 * Take a nextLink: only to the ARM host we called (azure_json.h leaves
 * that check here), and never one we were given before, which would loop.
 */
static int
url_next(struct azure *a, const char *link, struct err *err)
{
	if (strncmp(link, a->arm, a->origin_len) != 0 ||
	    link[a->origin_len] != '/')
		return err_set(err, 502, "next_link_refused",
		    "nextLink leads away from %.*s; the token is not sent "
		    "there",
		    (int)a->origin_len, a->arm);
	if (strcmp(a->last_link.data ? a->last_link.data : "", link) == 0)
		return err_set(err, 502, "pagination_loop",
		    "ARM gave the same nextLink twice");
	buf_reset(&a->last_link);
	buf_puts(&a->last_link, link);
	buf_reset(&a->url);
	buf_puts(&a->url, link);
	return 0;
}

/* Every page of one list of subscription, into the sink. */
static int
list_walk(struct azure *a, const char *subscription, const struct list *l,
    const char *scope, struct err *err)
{
	const char *name = azure_resource_names[l->resource];
	struct http_request req;
	char *next = NULL;
	size_t pages;

	buf_reset(&a->last_link);
	url_first(a, subscription, l);
	for (pages = 0; pages < PAGES_MAX; pages++) {
		if (a->url.oom || a->last_link.oom)
			return err_set(err, 500, "internal", "out of memory");
		if (token_ensure(a, err) == -1)
			return -1;
		request_init(a, &req, "GET", a->url.data);
		http_request_header(&req, "Authorization", a->auth.data);
		if (perform(a, &req, name, "cloud_error", err) == -1)
			return -1;
		arena_reset(a->arena);
		if (azure_parse(l->resource, a->resp.body.data,
		        a->resp.body.len, &a->sink, a->arena, &next, err) == -1)
			return prefix(err, name);
		a->report->pages++;
		if (a->progress != NULL)
			a->progress(a->progress_ctx, a->report, scope);
		/* An empty page may still carry a nextLink: follow it. */
		if (next == NULL)
			return 0;
		if (url_next(a, next, err) == -1)
			return prefix(err, name);
	}
	return err_set(err, 502, "pagination_loop", "%s: more than %d pages",
	    name, PAGES_MAX);
}

static void
subscription_discover(struct azure *a, const char *subscription)
{
	char scope[sizeof(((struct cloud_failure *)0)->scope)];
	struct err err = ERR_INIT;
	size_t i;

	snprintf(scope, sizeof(scope), "azure:%s", subscription);
	if (*subscription == '\0' || strlen(subscription) >= AZURE_NAME_MAX) {
		cloud_report_fail(a->report, scope, "not a subscription id");
		return;
	}
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		if (lists[i].addresses && !a->opt->addresses)
			continue;
		if (list_walk(a, subscription, &lists[i], scope, &err) == 0)
			continue;
		if (a->sink_stopped)
			return;
		/* The rest is as unreadable: say so once. */
		cloud_report_fail(a->report, scope, err.message);
		return;
	}
}

/* The length of "scheme://host[:port]" at the start of url, or 0. */
static size_t
origin_len(const char *url)
{
	const char *host = strstr(url, "://"), *end;

	if (host == NULL || host == url)
		return 0;
	host += 3;
	end = host + strcspn(host, "/?#");
	return end == host ? 0 : (size_t)(end - url);
}

static int
azure_init(struct azure *a, struct err *err)
{
	a->sink = (struct cloud_sink){ a, on_network, on_subnet, on_address,
		on_error };
	buf_init(&a->url);
	buf_init(&a->auth);
	buf_init(&a->body);
	buf_init(&a->last_link);
	http_response_init(&a->resp);
	a->now = time(NULL);
	a->tenant = env("AZURE_TENANT_ID", NULL);
	a->client_id = env("AZURE_CLIENT_ID", NULL);
	a->secret = env("AZURE_CLIENT_SECRET", NULL);
	if (a->tenant == NULL || a->client_id == NULL)
		a->secret = NULL; /* half a service principal: use IMDS */
	/* The base, without the '/' a user may end it with. */
	base_put(&a->body, env("CLOUDPAM_AZURE_ARM_ENDPOINT", ARM_DEFAULT));
	if (a->body.oom || (a->arm = strdup(a->body.data)) == NULL)
		return err_set(err, 500, "internal", "out of memory");
	buf_reset(&a->body);
	if ((a->origin_len = origin_len(a->arm)) == 0)
		return err_set(err, 400, "invalid_endpoint",
		    "CLOUDPAM_AZURE_ARM_ENDPOINT is not a URL");
	if ((a->arena = arena_new(ARENA_FIRST)) == NULL)
		return err_set(err, 500, "internal", "out of memory");
	if (http_global_init(err) == -1)
		return -1;
	return token_ensure(a, err);
}

static void
azure_free(struct azure *a)
{
	OPENSSL_cleanse(a->token, sizeof(a->token));
	OPENSSL_cleanse(a->auth.data, a->auth.len);
	free((char *)a->arm);
	buf_free(&a->url);
	buf_free(&a->auth);
	buf_free(&a->body);
	buf_free(&a->last_link);
	http_response_free(&a->resp);
	arena_free(a->arena);
}

static int
azure_discover(const struct cloud_options *opt, const struct cloud_sink *sink,
    struct cloud_report *report, cloud_progress_fn progress, void *progress_ctx,
    struct err *err)
{
	struct azure a = { 0 };
	size_t i;
	int rc = -1;

	a.opt = opt;
	a.out = sink;
	a.report = report;
	a.progress = progress;
	a.progress_ctx = progress_ctx;
	if (opt->naccounts == 0)
		return err_set(err, 400, "no_subscriptions",
		    "no Azure subscription to discover: name at least one");
	if (azure_init(&a, err) == -1)
		goto done;
	for (i = 0; i < opt->naccounts && !a.sink_stopped; i++)
		subscription_discover(&a, opt->accounts[i]);
	if (a.sink_stopped) {
		*err = a.sink_err;
		goto done;
	}
	rc = 0;
done:
	azure_free(&a);
	return rc;
}

const struct cloud_provider_ops cloud_azure = {
	CLOUD_AZURE,
	"azure",
	azure_discover,
};
