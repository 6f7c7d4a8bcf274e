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
 */
#include "cloud/cloud.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "cloud/gcp_json.h"
#include "cloud/http.h"
#include "cloud/jwt.h"
#include "cloud/sigv4.h"
#include "lib/arena.h"
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
#define TOKEN_MARGIN 300        /* renew a token this close to expiry */
#define TOKEN_MAX 4096          /* bytes of an access token */
#define KEY_FILE_MAX 65536      /* bytes of a service-account file */
#define PROJECT_MAX 128         /* Google allows 30, domain-scoped more */
#define PAGES_MAX 100000        /* of one list: a loop, not a project */
#define TIMEOUT_DEFAULT_MS 30000
#define ARENA_FIRST 16384

/* The service-account key file's fields that matter here. */
struct key_file {
	struct jwt_key *key;
	char *client_email;
	char *private_key_id; /* or NULL */
	char *token_uri;
};

struct gcp {
	const struct cloud_options *opt;
	const struct cloud_sink *out; /* the caller's */
	struct cloud_sink sink;       /* counts, stamps, filters, forwards */
	struct cloud_report *report;
	cloud_progress_fn progress;
	void *progress_ctx;
	const char *compute; /* base URL */
	struct key_file kf;  /* when a key file is used */
	char token[TOKEN_MAX];
	time_t token_expires;
	time_t now; /* discovered_at of every record */
	int sink_stopped;
	struct err sink_err;
	struct buf url, auth, body, page_token;
	struct http_response resp;
	struct arena *arena;
};

/* One Compute list walked for a project. */
struct list {
	enum gcp_resource resource;
	const char *path; /* after projects/{p}, query included */
	int addresses;    /* only with opt->addresses */
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

static const char *
env(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : fallback;
}

/* --- the sink between gcp_json and the caller ------------------------ */

static int
region_wanted(const struct gcp *g, const char *region)
{
	size_t i;

	if (g->opt->nregions == 0 || region == NULL ||
	    strcmp(region, "global") == 0)
		return 1;
	for (i = 0; i < g->opt->nregions; i++)
		if (strcmp(g->opt->regions[i], region) == 0)
			return 1;
	return 0;
}

/* The caller's callback said stop: remember why, for discover(). */
static int
stopped(struct gcp *g, int rc, const struct err *err)
{
	if (rc == -1 && !g->sink_stopped) {
		g->sink_stopped = 1;
		g->sink_err = *err;
	}
	return rc;
}

static int
on_network(void *ctx, const struct cloud_network *n, struct err *err)
{
	struct gcp *g = ctx;
	struct cloud_network copy = *n;

	copy.c.discovered_at = g->now;
	g->report->networks++;
	if (g->out->on_network == NULL)
		return 0;
	return stopped(g, g->out->on_network(g->out->ctx, &copy, err), err);
}

static int
on_subnet(void *ctx, const struct cloud_subnet *s, struct err *err)
{
	struct gcp *g = ctx;
	struct cloud_subnet copy = *s;

	if (!region_wanted(g, s->c.region))
		return 0;
	copy.c.discovered_at = g->now;
	g->report->subnets++;
	if (g->out->on_subnet == NULL)
		return 0;
	return stopped(g, g->out->on_subnet(g->out->ctx, &copy, err), err);
}

static int
on_address(void *ctx, const struct cloud_address *a, struct err *err)
{
	struct gcp *g = ctx;
	struct cloud_address copy = *a;

	if (!region_wanted(g, a->c.region))
		return 0;
	copy.c.discovered_at = g->now;
	g->report->addresses++;
	if (g->out->on_address == NULL)
		return 0;
	return stopped(g, g->out->on_address(g->out->ctx, &copy, err), err);
}

static int
on_error(
    void *ctx, enum cloud_kind kind, const char *resource, const char *message)
{
	struct gcp *g = ctx;
	struct err err = ERR_INIT;

	g->report->record_errors++;
	if (g->out->on_error == NULL)
		return 0;
	err_set(&err, 502, "bad_record", "the sink refused a record error");
	return stopped(
	    g, g->out->on_error(g->out->ctx, kind, resource, message), &err);
}

/* --- HTTP ------------------------------------------------------------ */

static void
request_init(const struct gcp *g, struct http_request *req, const char *method,
    const char *url)
{
	memset(req, 0, sizeof(*req));
	req->method = method;
	req->url = url;
	req->timeout_ms =
	    g->opt->timeout_ms > 0 ? g->opt->timeout_ms : TIMEOUT_DEFAULT_MS;
	req->max_retries = g->opt->max_retries;
	req->backoff_base_ms = g->opt->backoff_base_ms;
	req->backoff_cap_ms = g->opt->backoff_cap_ms;
}

/* The message of a Google error answer: OAuth's or the API's shape. */
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
		/* OAuth 2.0 (RFC 6749 section 5.2): error and its text. */
		code = json_object_get_string(error);
		if (json_object_object_get_ex(root, "error_description", &v))
			text = json_object_get_string(v);
	} else if (json_object_object_get_ex(error, "message", &v)) {
		text = json_object_get_string(v);
		if (json_object_object_get_ex(error, "status", &v))
			code = json_object_get_string(v);
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
perform(struct gcp *g, struct http_request *req, const char *what,
    const char *code, struct err *err)
{
	char why[ERR_MESSAGE_MAX], code_was[ERR_CODE_MAX];

	buf_reset(&g->resp.body);
	if (http_perform(req, NULL, &g->resp, g->report, err) == -1) {
		/* err_set() starts afresh: keep what it would overwrite. */
		snprintf(why, sizeof(why), "%s", err->message);
		snprintf(code_was, sizeof(code_was), "%s", err->code);
		return err_set(err, err->status ? err->status : 502, code_was,
		    "%s: %s", what, why);
	}
	if (g->resp.status == 200)
		return 0;
	answer_error(&g->resp.body, why, sizeof(why));
	return err_set(
	    err, 502, code, "%s: HTTP %ld: %s", what, g->resp.status, why);
}

/* --- credentials ----------------------------------------------------- */

/* Take access_token and expires_in (a number, or text from metadata). */
static int
token_read(struct gcp *g, const char *source, struct err *err)
{
	struct json_object *root, *v;
	const char *token = NULL;
	long long expires = 0;
	int rc = -1;

	root = json_tokener_parse(g->resp.body.data ? g->resp.body.data : "");
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
	snprintf(g->token, sizeof(g->token), "%s", token);
	g->token_expires = time(NULL) + (expires > 0 ? expires : 300);
	rc = 0;
fail:
	json_object_put(root);
	/* The answer held the token: leave no copy in a reused buffer. */
	OPENSSL_cleanse(g->resp.body.data, g->resp.body.len);
	buf_reset(&g->resp.body);
	return rc;
}

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
	const char *url = env("CLOUDPAM_GCP_TOKEN_URL", g->kf.token_uri);
	struct http_request req;
	char what[256];
	int rc = -1;

	buf_reset(&g->body);
	buf_puts(&g->body, "grant_type=");
	sigv4_uri_encode(&g->body, GRANT_TYPE, strlen(GRANT_TYPE), 0);
	buf_puts(&g->body, "&assertion=");
	if (assertion_make(g, &g->body, err) == -1)
		goto done;
	request_init(g, &req, "POST", url);
	req.body = g->body.data;
	req.body_len = g->body.len;
	http_request_header(
	    &req, "Content-Type", "application/x-www-form-urlencoded");
	snprintf(what, sizeof(what),
	    "GCP token endpoint %.120s, asked for a token for %.80s", url,
	    g->kf.client_email);
	if (perform(g, &req, what, "credentials_refused", err) == -1)
		goto done;
	rc = token_read(g, "the GCP token endpoint", err);
done:
	OPENSSL_cleanse(g->body.data, g->body.len);
	buf_reset(&g->body);
	return rc;
}

static int
token_from_metadata(struct gcp *g, struct err *err)
{
	struct http_request req;

	buf_reset(&g->url);
	buf_printf(&g->url, "http://%s%s",
	    env("GCE_METADATA_HOST", METADATA_HOST_DEFAULT),
	    METADATA_TOKEN_PATH);
	request_init(g, &req, "GET", g->url.data);
	http_request_header(&req, "Metadata-Flavor", "Google");
	if (perform(g, &req,
	        "GOOGLE_APPLICATION_CREDENTIALS is not set, and the GCP "
	        "metadata server",
	        "credentials_refused", err) == -1)
		return -1;
	return token_read(g, "the GCP metadata server", err);
}

/* Make sure a token good for a while is at hand, and the header for it. */
static int
token_ensure(struct gcp *g, struct err *err)
{
	int rc;

	if (g->token[0] != '\0' && time(NULL) + TOKEN_MARGIN < g->token_expires)
		return 0;
	OPENSSL_cleanse(g->token, sizeof(g->token));
	rc = g->kf.key != NULL ? token_from_key(g, err)
	                       : token_from_metadata(g, err);
	if (rc == -1)
		return -1;
	OPENSSL_cleanse(g->auth.data, g->auth.len);
	buf_reset(&g->auth);
	buf_printf(&g->auth, "Bearer %s", g->token);
	if (g->auth.oom)
		return err_set(err, 500, "internal", "out of memory");
	return 0;
}

/* --- lists ----------------------------------------------------------- */

static void
url_build(struct gcp *g, const char *project, const struct list *l,
    const char *page_token)
{
	buf_reset(&g->url);
	buf_puts(&g->url, g->compute);
	buf_puts(&g->url, "/projects/");
	sigv4_uri_encode(&g->url, project, strlen(project), 0);
	buf_puts(&g->url, l->path);
	buf_puts(&g->url, "maxResults=" PAGE_SIZE);
	if (page_token == NULL)
		return;
	buf_puts(&g->url, "&pageToken=");
	sigv4_uri_encode(&g->url, page_token, strlen(page_token), 0);
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

/* Keep the token, and refuse one the API gave before: a loop. */
static int
token_new(struct gcp *g, const char *page_token, struct err *err)
{
	if (g->page_token.len > 0 &&
	    strcmp(g->page_token.data, page_token) == 0)
		return err_set(err, 502, "pagination_loop",
		    "the API gave the same nextPageToken twice");
	buf_reset(&g->page_token);
	buf_puts(&g->page_token, page_token);
	return 0;
}

/* Every page of one list of project, into the sink. */
static int
list_walk(struct gcp *g, const char *project, const struct list *l,
    const char *scope, struct err *err)
{
	const char *name = gcp_resource_names[l->resource];
	struct http_request req;
	char *next = NULL;
	size_t pages;

	buf_reset(&g->page_token);
	for (pages = 0; pages < PAGES_MAX; pages++) {
		url_build(g, project, l, next);
		if (g->url.oom || token_ensure(g, err) == -1)
			return g->url.oom ? err_set(err, 500, "internal",
			                        "out of memory")
			                  : -1;
		request_init(g, &req, "GET", g->url.data);
		http_request_header(&req, "Authorization", g->auth.data);
		if (perform(g, &req, name, "cloud_error", err) == -1)
			return -1;
		arena_reset(g->arena);
		if (gcp_parse(l->resource, g->resp.body.data, g->resp.body.len,
		        project, &g->sink, g->arena, &next, err) == -1)
			return prefix(err, name);
		g->report->pages++;
		if (g->progress != NULL)
			g->progress(g->progress_ctx, g->report, scope);
		if (next == NULL)
			return 0;
		if (token_new(g, next, err) == -1)
			return -1;
	}
	return err_set(err, 502, "pagination_loop", "%s: more than %d pages",
	    name, PAGES_MAX);
}

static void
project_discover(struct gcp *g, const char *project)
{
	char scope[sizeof(((struct cloud_failure *)0)->scope)];
	struct err err = ERR_INIT;
	size_t i;

	snprintf(scope, sizeof(scope), "gcp:%s", project);
	if (*project == '\0' || strlen(project) >= PROJECT_MAX) {
		cloud_report_fail(g->report, scope, "not a project id");
		return;
	}
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		if (lists[i].addresses && !g->opt->addresses)
			continue;
		if (list_walk(g, project, &lists[i], scope, &err) == 0)
			continue;
		if (g->sink_stopped)
			return;
		/* The rest of the project is as unreadable: say so once. */
		cloud_report_fail(g->report, scope, err.message);
		return;
	}
}

static int
gcp_init(struct gcp *g, struct err *err)
{
	const char *path = env("GOOGLE_APPLICATION_CREDENTIALS", NULL);

	g->compute = env("CLOUDPAM_GCP_COMPUTE_ENDPOINT", COMPUTE_DEFAULT);
	g->sink = (struct cloud_sink){ g, on_network, on_subnet, on_address,
		on_error };
	buf_init(&g->url);
	buf_init(&g->auth);
	buf_init(&g->body);
	buf_init(&g->page_token);
	http_response_init(&g->resp);
	g->now = time(NULL);
	if ((g->arena = arena_new(ARENA_FIRST)) == NULL)
		return err_set(err, 500, "internal", "out of memory");
	if (http_global_init(err) == -1)
		return -1;
	if (path != NULL && key_file_read(&g->kf, path, err) == -1)
		return -1;
	return token_ensure(g, err);
}

static void
gcp_free(struct gcp *g)
{
	key_file_free(&g->kf);
	OPENSSL_cleanse(g->token, sizeof(g->token));
	OPENSSL_cleanse(g->auth.data, g->auth.len);
	buf_free(&g->url);
	buf_free(&g->auth);
	buf_free(&g->body);
	buf_free(&g->page_token);
	http_response_free(&g->resp);
	arena_free(g->arena);
}

static int
gcp_discover(const struct cloud_options *opt, const struct cloud_sink *sink,
    struct cloud_report *report, cloud_progress_fn progress, void *progress_ctx,
    struct err *err)
{
	struct gcp g = { 0 };
	size_t i;
	int rc = -1;

	g.opt = opt;
	g.out = sink;
	g.report = report;
	g.progress = progress;
	g.progress_ctx = progress_ctx;
	if (opt->naccounts == 0)
		return err_set(err, 400, "no_projects",
		    "no GCP project to discover: name at least one");
	if (gcp_init(&g, err) == -1)
		goto done;
	for (i = 0; i < opt->naccounts && !g.sink_stopped; i++)
		project_discover(&g, opt->accounts[i]);
	if (g.sink_stopped) {
		*err = g.sink_err;
		goto done;
	}
	rc = 0;
done:
	gcp_free(&g);
	return rc;
}

const struct cloud_provider_ops cloud_gcp = {
	CLOUD_GCP,
	"gcp",
	gcp_discover,
};
