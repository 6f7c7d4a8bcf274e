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
 * the discovery ends. *
 * This file holds what is Azure's own: the identity platform, IMDS, ARM's
 * URLs and nextLinks.  The sink, HTTP, the token's lifetime and the walk
 * over subscriptions and pages are shared with gcp.c (cloud_common.c).
 */
#include "cloud/cloud.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "cloud/azure_json.h"
#include "cloud/cloud_internal.h"
#include "cloud/http.h"
#include "cloud/sigv4.h"
#include "lib/buf.h"
#include "lib/err.h"

#define AUTHORITY_DEFAULT "https://login.microsoftonline.com"
#define IMDS_DEFAULT "http://169.254.169.254"
#define IMDS_TOKEN_PATH "/metadata/identity/oauth2/token?api-version=2018-02-01"
#define ARM_DEFAULT "https://management.azure.com"
#define ARM_RESOURCE "https://management.azure.com/"
#define ARM_SCOPE "https://management.azure.com/.default"
#define API_VERSION "2024-05-01"
#define TOKEN_MAX 8192 /* bytes of an access token (JWTs run long) */

/* One subscription-wide list. */
struct list {
	enum azure_resource resource;
	int addresses; /* only with opt->addresses */
};

struct azure {
	struct cloud_session s;
	const char *arm;   /* base URL, no trailing '/' */
	size_t origin_len; /* of "scheme://host[:port]" in arm */
	const char *tenant, *client_id, *secret; /* from the environment */
	struct buf last_link;                    /* the last one followed */
	const char *name;                        /* of the list walked */
	const struct list *list;
};

static const struct list lists[] = {
	{ AZURE_VIRTUAL_NETWORKS, 0 },
	{ AZURE_NETWORK_INTERFACES, 1 },
	{ AZURE_PUBLIC_IP_ADDRESSES, 1 },
};

/* base without the trailing '/' the SDK variables often carry. */
static void
base_put(struct buf *out, const char *base)
{
	size_t len = strlen(base);

	while (len > 0 && base[len - 1] == '/')
		len--;
	buf_append(out, base, len);
}

/* Regions are compared as ARM does, in any case; "" is everywhere. */
static int
azure_region_wanted(
    const struct cloud_options *opt, enum cloud_kind kind, const char *region)
{
	size_t i;

	(void)kind;
	if (opt->nregions == 0 || region == NULL || *region == '\0')
		return 1;
	for (i = 0; i < opt->nregions; i++)
		if (strcasecmp(opt->regions[i], region) == 0)
			return 1;
	return 0;
}

/* ARM's shape: {"error": {"code": "AuthorizationFailed", "message"}}. */
static void
azure_api_error(struct json_object *error, const char **code, const char **text)
{
	struct json_object *v;

	if (json_object_object_get_ex(error, "code", &v))
		*code = json_object_get_string(v);
	if (json_object_object_get_ex(error, "message", &v))
		*text = json_object_get_string(v);
}

/* --- credentials ----------------------------------------------------- */

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

	buf_reset(&a->s.url);
	base_put(
	    &a->s.url, cloud_env("AZURE_AUTHORITY_HOST", AUTHORITY_DEFAULT));
	buf_putc(&a->s.url, '/');
	sigv4_uri_encode(&a->s.url, a->tenant, strlen(a->tenant), 0);
	buf_puts(&a->s.url, "/oauth2/v2.0/token");
	buf_reset(&a->s.body);
	form_put(&a->s.body, "grant_type", "client_credentials");
	form_put(&a->s.body, "client_id", a->client_id);
	form_put(&a->s.body, "client_secret", a->secret);
	form_put(&a->s.body, "scope", ARM_SCOPE);
	if (a->s.url.oom || a->s.body.oom) {
		err_set(err, 500, "internal", "out of memory");
		goto done;
	}
	cloud_session_request(&a->s, &req, "POST", a->s.url.data);
	req.body = a->s.body.data;
	req.body_len = a->s.body.len;
	http_request_header(
	    &req, "Content-Type", "application/x-www-form-urlencoded");
	snprintf(what, sizeof(what),
	    "Azure identity platform %.120s, asked for a token for %.64s",
	    a->s.url.data, a->client_id);
	if (cloud_session_perform(
	        &a->s, &req, what, "credentials_refused", err) == -1)
		goto done;
	rc =
	    cloud_session_token_read(&a->s, "the Azure identity platform", err);
done:
	OPENSSL_cleanse(a->s.body.data, a->s.body.len);
	buf_reset(&a->s.body);
	return rc;
}

/* Managed identity through IMDS. */
static int
token_from_imds(struct azure *a, struct err *err)
{
	const char *base = cloud_env("CLOUDPAM_AZURE_IMDS_ENDPOINT",
	    cloud_env("AZURE_POD_IDENTITY_AUTHORITY_HOST", IMDS_DEFAULT));
	struct http_request req;

	buf_reset(&a->s.url);
	base_put(&a->s.url, base);
	buf_puts(&a->s.url, IMDS_TOKEN_PATH "&resource=");
	sigv4_uri_encode(&a->s.url, ARM_RESOURCE, strlen(ARM_RESOURCE), 0);
	if (a->client_id != NULL) {
		buf_puts(&a->s.url, "&client_id=");
		sigv4_uri_encode(
		    &a->s.url, a->client_id, strlen(a->client_id), 0);
	}
	if (a->s.url.oom)
		return err_set(err, 500, "internal", "out of memory");
	cloud_session_request(&a->s, &req, "GET", a->s.url.data);
	http_request_header(&req, "Metadata", "true");
	if (cloud_session_perform(&a->s, &req,
	        "AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET are "
	        "not all set, and the managed identity endpoint (IMDS)",
	        "credentials_refused", err) == -1)
		return -1;
	return cloud_session_token_read(
	    &a->s, "the Azure managed identity endpoint", err);
}

static int
azure_token_fetch(void *ctx, struct err *err)
{
	struct azure *a = ctx;

	return a->secret != NULL ? token_from_secret(a, err)
	                         : token_from_imds(a, err);
}

/* --- lists ----------------------------------------------------------- */

static void
url_first(struct azure *a, const char *subscription, const struct list *l)
{
	buf_reset(&a->s.url);
	buf_puts(&a->s.url, a->arm);
	buf_puts(&a->s.url, "/subscriptions/");
	sigv4_uri_encode(&a->s.url, subscription, strlen(subscription), 0);
	buf_printf(&a->s.url,
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
	buf_reset(&a->s.url);
	buf_puts(&a->s.url, link);
	return 0;
}

static int
azure_list_walk(void *ctx, const char *subscription, size_t i,
    const char *scope, struct err *err)
{
	struct azure *a = ctx;

	if (lists[i].addresses && !a->s.opt->addresses)
		return 0;
	a->name = azure_resource_names[lists[i].resource];
	a->list = &lists[i];
	buf_reset(&a->last_link);
	url_first(a, subscription, &lists[i]);
	return cloud_session_list(&a->s, a->name, scope, err);
}

static int
azure_page_prepare(void *ctx, const char *next, struct err *err)
{
	struct azure *a = ctx;

	(void)next; /* url_first() or url_next() made the URL */
	if (a->s.url.oom || a->last_link.oom)
		return err_set(err, 500, "internal", "out of memory");
	return 0;
}

static int
azure_page_parse(void *ctx, char **next, struct err *err)
{
	struct azure *a = ctx;

	return azure_parse(a->list->resource, a->s.resp.body.data,
	    a->s.resp.body.len, &a->s.sink, a->s.arena, next, err);
}

static int
azure_page_next(void *ctx, const char *next, struct err *err)
{
	struct azure *a = ctx;

	if (url_next(a, next, err) == -1)
		return cloud_err_prefix(err, a->name);
	return 0;
}

/* --- the discovery --------------------------------------------------- */

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
azure_start(void *ctx, struct err *err)
{
	struct azure *a = ctx;

	buf_init(&a->last_link);
	a->tenant = cloud_env("AZURE_TENANT_ID", NULL);
	a->client_id = cloud_env("AZURE_CLIENT_ID", NULL);
	a->secret = cloud_env("AZURE_CLIENT_SECRET", NULL);
	if (a->tenant == NULL || a->client_id == NULL)
		a->secret = NULL; /* half a service principal: use IMDS */
	/* The base, without the '/' a user may end it with. */
	base_put(
	    &a->s.body, cloud_env("CLOUDPAM_AZURE_ARM_ENDPOINT", ARM_DEFAULT));
	if (a->s.body.oom || (a->arm = strdup(a->s.body.data)) == NULL)
		return err_set(err, 500, "internal", "out of memory");
	buf_reset(&a->s.body);
	if ((a->origin_len = origin_len(a->arm)) == 0)
		return err_set(err, 400, "invalid_endpoint",
		    "CLOUDPAM_AZURE_ARM_ENDPOINT is not a URL");
	return cloud_session_open(&a->s, err);
}

static void
azure_stop(void *ctx)
{
	struct azure *a = ctx;

	free((char *)a->arm);
	buf_free(&a->last_link);
}

static const struct cloud_session_ops session_ops = {
	.scope = "azure",
	.no_accounts = "no_subscriptions",
	.no_accounts_message =
	    "no Azure subscription to discover: name at least one",
	.account_max = AZURE_NAME_MAX,
	.bad_account = "not a subscription id",
	.token_max = TOKEN_MAX,
	.nlists = sizeof(lists) / sizeof(lists[0]),
	.region_wanted = azure_region_wanted,
	.api_error = azure_api_error,
	.start = azure_start,
	.stop = azure_stop,
	.token_fetch = azure_token_fetch,
	.list_walk = azure_list_walk,
	.page_prepare = azure_page_prepare,
	.page_parse = azure_page_parse,
	.page_next = azure_page_next,
};

static int
azure_discover(const struct cloud_options *opt, const struct cloud_sink *sink,
    struct cloud_report *report, cloud_progress_fn progress, void *progress_ctx,
    struct err *err)
{
	struct azure a = { .s = { .ops = &session_ops, .ctx = &a } };

	return cloud_session_discover(
	    &a.s, opt, sink, report, progress, progress_ctx, err);
}

const struct cloud_provider_ops cloud_azure = {
	CLOUD_AZURE,
	"azure",
	azure_discover,
};
