/*
 * gcp.c: discovery in Google Cloud, the cloud_gcp provider.
 *
 * Credentials come first, once per discovery: a service-account key file
 * (GOOGLE_APPLICATION_CREDENTIALS) gives an OAuth2 JWT assertion signed
 * RS256 (RFC 7523 section 2.1, Google's "Using OAuth 2.0 for Server to
 * Server Applications") traded at the token endpoint for an access token;
 * without a key file the metadata server of the VM we run on gives one.
 * Then, for each project asked for, the Compute v1 lists are walked page
 * by page (networks, aggregated subnetworks, and with addresses asked for
 * aggregated instances and addresses), each page handed to gcp_json as it
 * arrives.  A project that fails is recorded in the report and the next
 * one is tried; only a failure to get credentials ends the discovery.
 *
 * Endpoints can be pointed elsewhere, for tests and private access:
 *   CLOUDPAM_GCP_TOKEN_URL         where the assertion is sent (its "aud"
 *                                  stays the key file's token_uri)
 *   GCE_METADATA_HOST              host[:port] of the metadata server
 *   CLOUDPAM_GCP_COMPUTE_ENDPOINT  Compute base, ".../compute/v1"
 * The private key and the access token never reach a log, an error
 * message or the report, and are wiped when the discovery ends.
 *
 * This file holds what is Google's own: the key file, the assertion, the
 * metadata server, Compute's URLs and page tokens.  The sink, HTTP, the
 * token's lifetime and the walk over projects and pages are shared with
 * azure.c (cloud_common.c).
 */
#include "cloud/cloud.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "cloud/cloud_internal.h"
#include "cloud/gcp_json.h"
#include "cloud/http.h"
#include "cloud/jwt.h"
#include "cloud/sigv4.h"
#include "lib/buf.h"
#include "lib/err.h"

#define SCOPE "https://www.googleapis.com/auth/compute.readonly"
#define TOKEN_URL_DEFAULT "https://oauth2.googleapis.com/token"
#define GRANT_TYPE "urn:ietf:params:oauth:grant-type:jwt-bearer"
#define METADATA_HOST_DEFAULT "metadata.google.internal"
#define METADATA_TOKEN_PATH                                                    \
	"/computeMetadata/v1/instance/service-accounts/default/token"
#define COMPUTE_DEFAULT "https://compute.googleapis.com/compute/v1"
#define PAGE_SIZE "500"         /* Compute's largest maxResults */
#define ASSERTION_LIFETIME 3600 /* Google accepts at most an hour */
#define TOKEN_MAX 4096          /* bytes of an access token */
#define KEY_FILE_MAX 65536      /* bytes of a service-account file */
#define PROJECT_MAX 128         /* Google allows 30, domain-scoped more */

/* The service-account key file's fields that matter here. */
struct key_file {
	struct jwt_key *key;
	char *client_email;
	char *private_key_id; /* or NULL */
	char *token_uri;
};

/* One Compute list walked for a project. */
struct list {
	enum gcp_resource resource;
	const char *path; /* after projects/{p}, query included */
	int addresses;    /* only with opt->addresses */
};

struct gcp {
	struct cloud_session s;
	const char *compute;   /* base URL */
	struct key_file kf;    /* when a key file is used */
	struct buf page_token; /* the last one followed */
	const char *project;   /* whose list is walked */
	const struct list *list;
};

static const struct list lists[] = {
	{ GCP_NETWORKS, "/global/networks?", 0 },
	{ GCP_SUBNETWORKS, "/aggregated/subnetworks?returnPartialSuccess=true&",
	    0 },
	{ GCP_INSTANCES, "/aggregated/instances?returnPartialSuccess=true&",
	    1 },
	{ GCP_ADDRESSES, "/aggregated/addresses?returnPartialSuccess=true&",
	    1 },
};

/* Networks are global: the regions asked for filter the rest. */
static int
gcp_region_wanted(
    const struct cloud_options *opt, enum cloud_kind kind, const char *region)
{
	size_t i;

	if (kind == CLOUD_NETWORK || opt->nregions == 0 || region == NULL ||
	    strcmp(region, "global") == 0)
		return 1;
	for (i = 0; i < opt->nregions; i++)
		if (strcmp(opt->regions[i], region) == 0)
			return 1;
	return 0;
}

/* Compute's {"error": {"message", "status"}}; status only with a message. */
static void
gcp_api_error(struct json_object *error, const char **code, const char **text)
{
	struct json_object *v;

	if (!json_object_object_get_ex(error, "message", &v))
		return;
	*text = json_object_get_string(v);
	if (json_object_object_get_ex(error, "status", &v))
		*code = json_object_get_string(v);
}

/* --- credentials ----------------------------------------------------- */

static char *
json_dup(struct json_object *root, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(root, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return strdup(json_object_get_string(v));
}

static int
key_file_parse(
    struct key_file *kf, const char *text, const char *path, struct err *err)
{
	struct json_object *root, *v;
	const char *type = NULL, *pem = NULL;
	int rc = -1;

	if ((root = json_tokener_parse(text)) == NULL)
		return err_set(err, 400, "credentials_invalid",
		    "%s is not a JSON key file", path);
	if (json_object_object_get_ex(root, "type", &v))
		type = json_object_get_string(v);
	if (json_object_object_get_ex(root, "private_key", &v))
		pem = json_object_get_string(v);
	if (type != NULL && strcmp(type, "service_account") != 0) {
		err_set(err, 400, "credentials_invalid",
		    "%s is a \"%.40s\" file; a service_account key is needed",
		    path, type);
		goto fail;
	}
	kf->client_email = json_dup(root, "client_email");
	kf->private_key_id = json_dup(root, "private_key_id");
	kf->token_uri = json_dup(root, "token_uri");
	if (kf->token_uri == NULL)
		kf->token_uri = strdup(TOKEN_URL_DEFAULT);
	if (kf->client_email == NULL || pem == NULL || kf->token_uri == NULL) {
		err_set(err, 400, "credentials_invalid",
		    "%s lacks client_email or private_key", path);
		goto fail;
	}
	if ((kf->key = jwt_key_rsa_pem(pem, strlen(pem), err)) == NULL)
		goto fail;
	rc = 0;
fail:
	if (pem != NULL)
		OPENSSL_cleanse((void *)pem, strlen(pem));
	json_object_put(root);
	return rc;
}

static int
key_file_read(struct key_file *kf, const char *path, struct err *err)
{
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int rc = -1;

	if ((f = fopen(path, "rb")) == NULL)
		return err_set(err, 400, "credentials_invalid",
		    "cannot open GOOGLE_APPLICATION_CREDENTIALS file %s", path);
	if (fstat(fileno(f), &st) == -1 || st.st_size <= 0 ||
	    st.st_size > KEY_FILE_MAX) {
		err_set(err, 400, "credentials_invalid",
		    "%s is empty or larger than %d bytes", path, KEY_FILE_MAX);
		goto fail;
	}
	if ((text = malloc((size_t)st.st_size + 1)) == NULL) {
		err_set(err, 500, "internal", "out of memory");
		goto fail;
	}
	len = fread(text, 1, (size_t)st.st_size, f);
	text[len] = '\0';
	rc = key_file_parse(kf, text, path, err);
fail:
	if (text != NULL)
		OPENSSL_cleanse(text, len);
	free(text);
	fclose(f);
	return rc;
}

static void
key_file_free(struct key_file *kf)
{
	jwt_key_free(kf->key);
	free(kf->client_email);
	free(kf->private_key_id);
	free(kf->token_uri);
	memset(kf, 0, sizeof(*kf));
}

/* The JWT assertion of RFC 7523 section 3, for Google's token endpoint. */
static int
assertion_make(struct gcp *g, struct buf *out, struct err *err)
{
	struct json_object *header, *claims;
	const char *h, *c;
	time_t now = time(NULL);
	int rc;

	header = json_object_new_object();
	json_object_object_add(header, "alg", json_object_new_string("RS256"));
	json_object_object_add(header, "typ", json_object_new_string("JWT"));
	if (g->kf.private_key_id != NULL)
		json_object_object_add(header, "kid",
		    json_object_new_string(g->kf.private_key_id));
	claims = json_object_new_object();
	json_object_object_add(
	    claims, "iss", json_object_new_string(g->kf.client_email));
	json_object_object_add(claims, "scope", json_object_new_string(SCOPE));
	json_object_object_add(
	    claims, "aud", json_object_new_string(g->kf.token_uri));
	json_object_object_add(claims, "iat", json_object_new_int64(now));
	json_object_object_add(claims, "exp",
	    json_object_new_int64((int64_t)now + ASSERTION_LIFETIME));
	h = json_object_to_json_string_ext(
	    header, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	c = json_object_to_json_string_ext(
	    claims, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	rc = jwt_sign_compact(g->kf.key, h, strlen(h), c, strlen(c), out, err);
	json_object_put(header);
	json_object_put(claims);
	return rc;
}

static int
token_from_key(struct gcp *g, struct err *err)
{
	const char *url = cloud_env("CLOUDPAM_GCP_TOKEN_URL", g->kf.token_uri);
	struct http_request req;
	char what[256];
	int rc = -1;

	buf_reset(&g->s.body);
	buf_puts(&g->s.body, "grant_type=");
	sigv4_uri_encode(&g->s.body, GRANT_TYPE, strlen(GRANT_TYPE), 0);
	buf_puts(&g->s.body, "&assertion=");
	if (assertion_make(g, &g->s.body, err) == -1)
		goto done;
	cloud_session_request(&g->s, &req, "POST", url);
	req.body = g->s.body.data;
	req.body_len = g->s.body.len;
	http_request_header(
	    &req, "Content-Type", "application/x-www-form-urlencoded");
	snprintf(what, sizeof(what),
	    "GCP token endpoint %.120s, asked for a token for %.80s", url,
	    g->kf.client_email);
	if (cloud_session_perform(
	        &g->s, &req, what, "credentials_refused", err) == -1)
		goto done;
	rc = cloud_session_token_read(&g->s, "the GCP token endpoint", err);
done:
	OPENSSL_cleanse(g->s.body.data, g->s.body.len);
	buf_reset(&g->s.body);
	return rc;
}

static int
token_from_metadata(struct gcp *g, struct err *err)
{
	struct http_request req;

	buf_reset(&g->s.token_url);
	buf_printf(&g->s.token_url, "http://%s%s",
	    cloud_env("GCE_METADATA_HOST", METADATA_HOST_DEFAULT),
	    METADATA_TOKEN_PATH);
	if (g->s.token_url.oom)
		return err_set(err, 500, "internal", "out of memory");
	cloud_session_request(&g->s, &req, "GET", g->s.token_url.data);
	http_request_header(&req, "Metadata-Flavor", "Google");
	if (cloud_session_perform(&g->s, &req,
	        "GOOGLE_APPLICATION_CREDENTIALS is not set, and the GCP "
	        "metadata server",
	        "credentials_refused", err) == -1)
		return -1;
	return cloud_session_token_read(&g->s, "the GCP metadata server", err);
}

static int
gcp_token_fetch(void *ctx, struct err *err)
{
	struct gcp *g = ctx;

	return g->kf.key != NULL ? token_from_key(g, err)
	                         : token_from_metadata(g, err);
}

/* --- lists ----------------------------------------------------------- */

static void
url_build(struct gcp *g, const char *project, const struct list *l,
    const char *page_token)
{
	buf_reset(&g->s.url);
	buf_puts(&g->s.url, g->compute);
	buf_puts(&g->s.url, "/projects/");
	sigv4_uri_encode(&g->s.url, project, strlen(project), 0);
	buf_puts(&g->s.url, l->path);
	buf_puts(&g->s.url, "maxResults=" PAGE_SIZE);
	if (page_token == NULL)
		return;
	buf_puts(&g->s.url, "&pageToken=");
	sigv4_uri_encode(&g->s.url, page_token, strlen(page_token), 0);
}

/* Keep the token, and refuse one the API gave before: a loop. */
static int
gcp_page_next(void *ctx, const char *page_token, struct err *err)
{
	struct gcp *g = ctx;

	if (g->page_token.len > 0 &&
	    strcmp(g->page_token.data, page_token) == 0)
		return err_set(err, 502, "pagination_loop",
		    "the API gave the same nextPageToken twice");
	buf_reset(&g->page_token);
	buf_puts(&g->page_token, page_token);
	return 0;
}

static int
gcp_list_walk(void *ctx, const char *project, size_t i, const char *scope,
    struct err *err)
{
	struct gcp *g = ctx;

	if (lists[i].addresses && !g->s.opt->addresses)
		return 0;
	g->project = project;
	g->list = &lists[i];
	buf_reset(&g->page_token);
	return cloud_session_list(
	    &g->s, gcp_resource_names[lists[i].resource], scope, err);
}

static int
gcp_page_prepare(void *ctx, const char *next, struct err *err)
{
	struct gcp *g = ctx;

	url_build(g, g->project, g->list, next);
	if (g->s.url.oom)
		return err_set(err, 500, "internal", "out of memory");
	return 0;
}

static int
gcp_page_parse(void *ctx, char **next, struct err *err)
{
	struct gcp *g = ctx;

	return gcp_parse(g->list->resource, g->s.resp.body.data,
	    g->s.resp.body.len, g->project, &g->s.sink, g->s.arena, next, err);
}

/* --- the discovery --------------------------------------------------- */

static int
gcp_start(void *ctx, struct err *err)
{
	struct gcp *g = ctx;
	const char *path = cloud_env("GOOGLE_APPLICATION_CREDENTIALS", NULL);

	g->compute =
	    cloud_env("CLOUDPAM_GCP_COMPUTE_ENDPOINT", COMPUTE_DEFAULT);
	buf_init(&g->page_token);
	if (cloud_session_open(&g->s, err) == -1)
		return -1;
	if (path != NULL && key_file_read(&g->kf, path, err) == -1)
		return -1;
	return 0;
}

static void
gcp_stop(void *ctx)
{
	struct gcp *g = ctx;

	key_file_free(&g->kf);
	buf_free(&g->page_token);
}

static const struct cloud_session_ops session_ops = {
	.scope = "gcp",
	.no_accounts = "no_projects",
	.no_accounts_message = "no GCP project to discover: name at least one",
	.account_max = PROJECT_MAX,
	.bad_account = "not a project id",
	.token_max = TOKEN_MAX,
	.nlists = sizeof(lists) / sizeof(lists[0]),
	.region_wanted = gcp_region_wanted,
	.api_error = gcp_api_error,
	.start = gcp_start,
	.stop = gcp_stop,
	.token_fetch = gcp_token_fetch,
	.list_walk = gcp_list_walk,
	.page_prepare = gcp_page_prepare,
	.page_parse = gcp_page_parse,
	.page_next = gcp_page_next,
};

static int
gcp_discover(const struct cloud_options *opt, const struct cloud_sink *sink,
    struct cloud_report *report, cloud_progress_fn progress, void *progress_ctx,
    struct err *err)
{
	struct gcp g = { .s = { .ops = &session_ops, .ctx = &g } };

	return cloud_session_discover(
	    &g.s, opt, sink, report, progress, progress_ctx, err);
}

const struct cloud_provider_ops cloud_gcp = {
	CLOUD_GCP,
	"gcp",
	gcp_discover,
};
