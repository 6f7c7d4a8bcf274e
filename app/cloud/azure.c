/*
 * azure.c: discovery in Microsoft Azure, the cloud_azure provider.
 *
 * Credentials come first, once per discovery: a service principal's
 * client secret (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET) is
 * traded at the Microsoft identity platform for an ARM access token (OAuth
 * 2.0 client credentials, RFC 6749 section 4.4); without a secret a
 * managed identity gives one, user-assigned when AZURE_CLIENT_ID names it:
 * App Service's, Functions' or Container Apps' through the endpoint they
 * name in IDENTITY_ENDPOINT (with their IDENTITY_HEADER), else the VM's
 * through the Instance Metadata Service (IMDS).  The token is for ARM's
 * own cloud: Azure Government's or Azure China's when
 * CLOUDPAM_AZURE_ARM_ENDPOINT names their Resource Manager, else the
 * public one (Private Link keeps the public names).  Then, for
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
 * token is never sent elsewhere.  The client secret, the identity header
 * and the access token never reach a log, an error message or the report;
 * the token is wiped when the discovery ends.
 *
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
#define IDENTITY_API_VERSION "2019-08-01" /* App Service, Container Apps */
#define ARM_DEFAULT "https://management.azure.com"
#define API_VERSION "2024-05-01"
#define TOKEN_MAX 8192 /* bytes of an access token (JWTs run long) */

/*
 * The Resource Manager of one cloud: its host, and what a token for it is
 * asked for, as a resource (managed identity, OAuth 2.0 v1) or a scope
 * (identity platform v2.0).
 */
struct arm_cloud {
	const char *host;
	const char *resource;
	const char *scope;
};

static const struct arm_cloud arm_public = { "management.azure.com",
	"https://management.azure.com/",
	"https://management.azure.com/.default" };

/* The sovereign clouds, whose Resource Manager refuses public tokens. */
static const struct arm_cloud arm_sovereign[] = {
	{ "management.usgovcloudapi.net", /* Azure Government */
	    "https://management.usgovcloudapi.net/",
	    "https://management.usgovcloudapi.net/.default" },
	{ "management.chinacloudapi.cn", /* Azure China (21Vianet) */
	    "https://management.chinacloudapi.cn/",
	    "https://management.chinacloudapi.cn/.default" },
};

/* One subscription-wide list. */
struct list {
	enum azure_resource resource;
	int addresses; /* only with opt->addresses */
};

struct azure {
	struct cloud_session s;
	const char *arm;               /* base URL, no trailing '/' */
	size_t origin_len;             /* of "scheme://host[:port]" in arm */
	const struct arm_cloud *cloud; /* the cloud arm is in */
	const char *tenant, *client_id, *secret; /* from the environment */
	const char *identity_endpoint, *identity_header; /* both or neither */
	struct buf last_link; /* the last one followed */
	const char *name;     /* of the list walked */
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
	struct buf *url = &a->s.token_url;
	struct http_request req;
	char what[256];
	int rc = -1;

	buf_reset(url);
	base_put(url, cloud_env("AZURE_AUTHORITY_HOST", AUTHORITY_DEFAULT));
	buf_putc(url, '/');
	sigv4_uri_encode(url, a->tenant, strlen(a->tenant), 0);
	buf_puts(url, "/oauth2/v2.0/token");
	buf_reset(&a->s.body);
	form_put(&a->s.body, "grant_type", "client_credentials");
	form_put(&a->s.body, "client_id", a->client_id);
	form_put(&a->s.body, "client_secret", a->secret);
	form_put(&a->s.body, "scope", a->cloud->scope);
	if (url->oom || a->s.body.oom) {
		err_set(err, 500, "internal", "out of memory");
		goto done;
	}
	cloud_session_request(&a->s, &req, "POST", url->data);
	req.body = a->s.body.data;
	req.body_len = a->s.body.len;
	http_request_header(
	    &req, "Content-Type", "application/x-www-form-urlencoded");
	snprintf(what, sizeof(what),
	    "Azure identity platform %.120s, asked for a token for %.64s",
	    url->data, a->client_id);
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

/*
 * What a managed identity endpoint is asked after its api-version: the
 * resource, and client_id when a user-assigned identity is named.
 */
static void
identity_query_put(struct azure *a, struct buf *url)
{
	buf_puts(url, "&resource=");
	sigv4_uri_encode(
	    url, a->cloud->resource, strlen(a->cloud->resource), 0);
	if (a->client_id == NULL)
		return;
	buf_puts(url, "&client_id=");
	sigv4_uri_encode(url, a->client_id, strlen(a->client_id), 0);
}

/*
 * Managed identity as App Service, Functions and Container Apps give it:
 * GET IDENTITY_ENDPOINT with their IDENTITY_HEADER, a secret of the
 * platform's, in X-IDENTITY-HEADER.
 */
static int
token_from_identity_endpoint(struct azure *a, struct err *err)
{
	struct buf *url = &a->s.token_url;
	struct http_request req;
	char what[256];

	buf_reset(url);
	buf_puts(url, a->identity_endpoint);
	buf_putc(url, strchr(a->identity_endpoint, '?') ? '&' : '?');
	buf_puts(url, "api-version=" IDENTITY_API_VERSION);
	identity_query_put(a, url);
	if (url->oom)
		return err_set(err, 500, "internal", "out of memory");
	cloud_session_request(&a->s, &req, "GET", url->data);
	/* Name the variable, never its value: the header is a secret. */
	if (http_request_header(
	        &req, "X-IDENTITY-HEADER", a->identity_header) == -1)
		return err_set(err, 400, "credentials_invalid",
		    "IDENTITY_HEADER holds a line break");
	snprintf(what, sizeof(what),
	    "Azure managed identity endpoint %.120s (IDENTITY_ENDPOINT, "
	    "with IDENTITY_HEADER)",
	    a->identity_endpoint);
	if (cloud_session_perform(
	        &a->s, &req, what, "credentials_refused", err) == -1)
		return -1;
	return cloud_session_token_read(&a->s,
	    "the Azure managed identity endpoint (IDENTITY_ENDPOINT)", err);
}

/* Managed identity of a VM, through IMDS. */
static int
token_from_imds(struct azure *a, struct err *err)
{
	const char *base = cloud_env("CLOUDPAM_AZURE_IMDS_ENDPOINT",
	    cloud_env("AZURE_POD_IDENTITY_AUTHORITY_HOST", IMDS_DEFAULT));
	struct buf *url = &a->s.token_url;
	struct http_request req;

	buf_reset(url);
	base_put(url, base);
	buf_puts(url, IMDS_TOKEN_PATH);
	identity_query_put(a, url);
	if (url->oom)
		return err_set(err, 500, "internal", "out of memory");
	cloud_session_request(&a->s, &req, "GET", url->data);
	http_request_header(&req, "Metadata", "true");
	if (cloud_session_perform(&a->s, &req,
	        "AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET are "
	        "not all set, nor IDENTITY_ENDPOINT and IDENTITY_HEADER, and "
	        "the managed identity endpoint (IMDS)",
	        "credentials_refused", err) == -1)
		return -1;
	return cloud_session_token_read(
	    &a->s, "the Azure managed identity endpoint", err);
}

static int
azure_token_fetch(void *ctx, struct err *err)
{
	struct azure *a = ctx;

	if (a->secret != NULL)
		return token_from_secret(a, err);
	if (a->identity_endpoint != NULL)
		return token_from_identity_endpoint(a, err);
	return token_from_imds(a, err);
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

/*
 * The cloud whose Resource Manager the origin of arm names (origin_len
 * bytes, as origin_len() found them after "://"), by its host, in any
 * case and on any port; the public cloud for any other host (Private
 * Link, tests).
 */
static const struct arm_cloud *
arm_cloud_find(const char *arm, size_t origin_len)
{
	const char *host = strstr(arm, "://") + 3, *colon;
	size_t len = (size_t)(arm + origin_len - host), i;

	if ((colon = memchr(host, ':', len)) != NULL)
		len = (size_t)(colon - host);
	for (i = 0; i < sizeof(arm_sovereign) / sizeof(arm_sovereign[0]); i++)
		if (strlen(arm_sovereign[i].host) == len &&
		    strncasecmp(host, arm_sovereign[i].host, len) == 0)
			return &arm_sovereign[i];
	return &arm_public;
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
		a->secret = NULL; /* half a service principal: managed */
	a->identity_endpoint = cloud_env("IDENTITY_ENDPOINT", NULL);
	a->identity_header = cloud_env("IDENTITY_HEADER", NULL);
	/* Without the header it is not App Service's (Azure Arc's is not). */
	if (a->identity_endpoint == NULL || a->identity_header == NULL)
		a->identity_endpoint = a->identity_header = NULL;
	/* The base, without the '/' a user may end it with. */
	base_put(
	    &a->s.body, cloud_env("CLOUDPAM_AZURE_ARM_ENDPOINT", ARM_DEFAULT));
	if (a->s.body.oom || (a->arm = strdup(a->s.body.data)) == NULL)
		return err_set(err, 500, "internal", "out of memory");
	buf_reset(&a->s.body);
	if ((a->origin_len = origin_len(a->arm)) == 0)
		return err_set(err, 400, "invalid_endpoint",
		    "CLOUDPAM_AZURE_ARM_ENDPOINT is not a URL");
	a->cloud = arm_cloud_find(a->arm, a->origin_len);
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
