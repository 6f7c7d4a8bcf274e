/*
 * aws_credentials.c: the AWS credential chain, endpoints, signing.
 *
 * The chain is the AWS SDKs' (environment, web identity, the shared
 * credentials file, the container credentials endpoint, IMDSv2); see
 * aws_credentials.h.  STS, which web identity needs, is in aws_sts.c.
 * The container endpoint and IMDS answer JSON, read with json-c.  Buffers
 * that held a secret are reserved once at their full size (so no realloc
 * leaves a copy behind) and wiped before they are freed.  Error messages
 * name the variable, file and line at fault, never the value.
 */
#include "cloud/aws_credentials.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cloud/aws_sts.h"
#include "cloud/http.h"
#include "cloud/sigv4.h"
#include "lib/buf.h"
#include "lib/err.h"
#include "lib/log.h"

#define IMDS_ANSWER_MAX ((size_t)16 << 10)
#define IMDS_TIMEOUT_MS 1000L
#define IMDS_TOKEN_TTL "21600"
#define TOKEN_FILE_MAX ((size_t)16 << 10)
#define CONTAINER_HOST "http://169.254.170.2"
#define CONTAINER_RELATIVE "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
#define CONTAINER_FULL "AWS_CONTAINER_CREDENTIALS_FULL_URI"
#define CONTAINER_TOKEN "AWS_CONTAINER_AUTHORIZATION_TOKEN"
#define CONTAINER_TOKEN_FILE "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"
#define CONTAINER_ANSWER_MAX ((size_t)16 << 10)
#define CONTAINER_TIMEOUT_MS 2000L

const char *const aws_service_names[AWS_SERVICE__MAX] = {
	"ec2",           /* AWS_EC2 */
	"sts",           /* AWS_STS */
	"organizations", /* AWS_ORGANIZATIONS */
};

const char *const aws_source_names[AWS_SOURCE__MAX] = {
	"environment",  /* AWS_SOURCE_ENVIRONMENT */
	"web_identity", /* AWS_SOURCE_WEB_IDENTITY */
	"shared_file",  /* AWS_SOURCE_SHARED_FILE */
	"container",    /* AWS_SOURCE_CONTAINER */
	"imds",         /* AWS_SOURCE_IMDS */
	"assume_role",  /* AWS_SOURCE_ASSUME_ROLE */
};

/* AWS_ENDPOINT_URL_<this>, by enum aws_service. */
static const char *const endpoint_variables[AWS_SERVICE__MAX] = {
	"AWS_ENDPOINT_URL_EC2",           /* AWS_EC2 */
	"AWS_ENDPOINT_URL_STS",           /* AWS_STS */
	"AWS_ENDPOINT_URL_ORGANIZATIONS", /* AWS_ORGANIZATIONS */
};

void
aws_credentials_clear(struct aws_credentials *creds)
{
	explicit_bzero(creds, sizeof(*creds));
}

static void
buf_wipe_free(struct buf *b)
{
	if (b->data != NULL)
		explicit_bzero(b->data, b->cap);
	buf_free(b);
}

/* --- settings ------------------------------------------------------ */

/* Copy variable name into dst: 1 when set and not empty, 0, or -1. */
static int
env_copy(char *dst, size_t size, const char *name, struct err *err)
{
	const char *v = getenv(name);
	size_t len;

	dst[0] = '\0';
	if (v == NULL || v[0] == '\0')
		return 0;
	len = strlen(v);
	if (len >= size)
		return err_field(err, 400, "invalid_config", name,
		    "%s is too long (at most %zu bytes)", name, size - 1);
	memcpy(dst, v, len + 1);
	return 1;
}

static int
region_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!islower((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]) && s[i] != '-')
			return 0;
	return i > 0;
}

/* http(s)://authority[/path], no query, no blanks; "/" added if bare. */
static int
endpoint_check(char *url, size_t size, const char *name, struct err *err)
{
	const char *rest;
	size_t i, len = strlen(url);

	if (strncmp(url, "https://", 8) == 0)
		rest = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		rest = url + 7;
	else
		return err_field(err, 400, "invalid_config", name,
		    "%s must start with http:// or https://", name);
	for (i = 0; i < len; i++)
		if ((unsigned char)url[i] <= ' ' || url[i] == '?' ||
		    url[i] == '#' || url[i] == 0x7f)
			return err_field(err, 400, "invalid_config", name,
			    "%s holds a blank, query or fragment", name);
	if (rest[0] == '\0' || rest[0] == '/' || strchr(rest, '@') != NULL)
		return err_field(err, 400, "invalid_config", name,
		    "%s has no host (or has user information)", name);
	if (strchr(rest, '/') == NULL) {
		if (len + 1 >= size)
			return err_field(err, 400, "invalid_config", name,
			    "%s is too long", name);
		url[len] = '/';
		url[len + 1] = '\0';
	}
	return 0;
}

static int
config_endpoints(struct aws_config *cfg, struct err *err)
{
	char all[AWS_URL_MAX], ignore[8];
	int i, rc;

	if (env_copy(ignore, sizeof(ignore),
	        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", err) == 1 &&
	    strcasecmp(ignore, "true") == 0)
		return 0;
	if ((rc = env_copy(all, sizeof(all), "AWS_ENDPOINT_URL", err)) == -1 ||
	    (rc == 1 && endpoint_check(
	                    all, sizeof(all), "AWS_ENDPOINT_URL", err) == -1))
		return -1;
	for (i = 0; i < AWS_SERVICE__MAX; i++) {
		const char *name = endpoint_variables[i];
		char *url = cfg->endpoint[i];

		rc = env_copy(url, AWS_URL_MAX, name, err);
		if (rc == -1 || (rc == 1 && endpoint_check(url, AWS_URL_MAX,
		                                name, err) == -1))
			return -1;
		if (rc == 0)
			memcpy(url, all, sizeof(all));
	}
	return 0;
}

static int
config_imds(struct aws_config *cfg, struct err *err)
{
	const char *name = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
	char flag[16];
	size_t len;
	int rc;

	if (env_copy(flag, sizeof(flag), "AWS_EC2_METADATA_DISABLED", err) ==
	        1 &&
	    strcasecmp(flag, "true") == 0)
		cfg->imds_disabled = 1;
	rc = env_copy(cfg->imds_endpoint, AWS_URL_MAX, name, err);
	if (rc == -1)
		return -1;
	if (rc == 0) {
		rc = env_copy(flag, sizeof(flag),
		    "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", err);
		snprintf(cfg->imds_endpoint, AWS_URL_MAX, "%s",
		    rc == 1 && strcasecmp(flag, "IPv6") == 0
		        ? "http://[fd00:ec2::254]/"
		        : "http://169.254.169.254/");
		return 0;
	}
	if (endpoint_check(cfg->imds_endpoint, AWS_URL_MAX, name, err) == -1)
		return -1;
	/* The paths we add start with "/": keep one slash. */
	len = strlen(cfg->imds_endpoint);
	if (len > 0 && cfg->imds_endpoint[len - 1] == '/')
		cfg->imds_endpoint[len - 1] = '\0';
	return 0;
}

static int
config_files(struct aws_config *cfg, struct err *err)
{
	const char *name = "AWS_SHARED_CREDENTIALS_FILE";
	const char *home = getenv("HOME");
	char path[PATH_MAX];
	int rc, n;

	rc = env_copy(path, sizeof(path), name, err);
	if (rc == -1)
		return -1;
	if (rc == 0)
		snprintf(path, sizeof(path), "~/.aws/credentials");
	n = 0;
	if (strncmp(path, "~/", 2) != 0)
		n = snprintf(cfg->credentials_file, PATH_MAX, "%s", path);
	else if (home != NULL && home[0] != '\0')
		n = snprintf(
		    cfg->credentials_file, PATH_MAX, "%s%s", home, path + 1);
	if (n < 0 || n >= PATH_MAX)
		return err_field(err, 400, "invalid_config", name,
		    "the credentials file path is too long");
	rc = env_copy(cfg->profile, sizeof(cfg->profile), "AWS_PROFILE", err);
	if (rc == -1)
		return -1;
	cfg->profile_explicit = rc == 1;
	if (rc == 0)
		snprintf(cfg->profile, sizeof(cfg->profile), "default");
	if (env_copy(cfg->web_identity_token_file, PATH_MAX,
	        "AWS_WEB_IDENTITY_TOKEN_FILE", err) == -1 ||
	    env_copy(cfg->role_arn, AWS_ARN_MAX, "AWS_ROLE_ARN", err) == -1 ||
	    env_copy(cfg->role_session_name, sizeof(cfg->role_session_name),
	        "AWS_ROLE_SESSION_NAME", err) == -1)
		return -1;
	return 0;
}

/* Does s hold a blank, a control byte or a fragment? */
static int
url_blank(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f || *s == '#')
			return 1;
	return 0;
}

/* Is s a dotted quad in 127.0.0.0/8: "127." and three decimal bytes? */
static int
ipv4_loopback(const char *s)
{
	int parts = 0, digits = 0, value = 0;

	if (strncmp(s, "127.", 4) != 0)
		return 0;
	for (s += 4;; s++) {
		if (isdigit((unsigned char)*s) && digits < 3) {
			value = value * 10 + (*s - '0');
			digits++;
			continue;
		}
		if (digits == 0 || value > 255)
			return 0;
		if (*s == '\0')
			return parts == 2;
		if (*s != '.' || ++parts > 2)
			return 0;
		digits = value = 0;
	}
}

/* May plain http reach host ("[v6]" in brackets)?  The SDKs' list. */
static int
container_host_allowed(const char *host)
{
	static const char *const hosts[] = { "169.254.170.2", /* ECS */
		"169.254.170.23", "[fd00:ec2::23]", /* EKS Pod Identity */
		"localhost", "[::1]",
		"[0000:0000:0000:0000:0000:0000:0000:0001]" };
	size_t i;

	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++)
		if (strcasecmp(host, hosts[i]) == 0)
			return 1;
	return ipv4_loopback(host);
}

/*
 * AWS_CONTAINER_CREDENTIALS_FULL_URI: https anywhere, plain http only to
 * loopback or the container agents, so that the token never crosses a
 * network in the clear; no user information (RFC 3986 section 3.2.1).
 */
static int
container_full_check(const char *url, struct err *err)
{
	const char *name = CONTAINER_FULL, *host;
	char h[AWS_URL_MAX];
	size_t len, authority;
	int https = strncasecmp(url, "https://", 8) == 0;

	if (!https && strncasecmp(url, "http://", 7) != 0)
		return err_field(err, 400, "invalid_config", name,
		    "%s must start with http:// or https://", name);
	if (url_blank(url))
		return err_field(err, 400, "invalid_config", name,
		    "%s holds a blank, control byte or fragment", name);
	host = url + (https ? 8 : 7);
	authority = strcspn(host, "/?");
	len = host[0] == '[' ? strcspn(host, "]") + 1 : strcspn(host, ":/?");
	/* strchr() finds the NUL too: a host with nothing after it. */
	if (memchr(host, '@', authority) != NULL || len == 0 ||
	    (host[0] == '[' && len <= 2) || len > authority ||
	    strchr(":/?", host[len]) == NULL)
		return err_field(err, 400, "invalid_config", name,
		    "%s has no host (or has user information)", name);
	memcpy(h, host, len);
	h[len] = '\0';
	if (https || container_host_allowed(h))
		return 0;
	return err_field(err, 400, "invalid_config", name,
	    "%s must be https, or http to a loopback address or the ECS or "
	    "EKS container agent",
	    name);
}

/* The container endpoint: the relative URI first, as the SDKs do. */
static int
config_container(struct aws_config *cfg, struct err *err)
{
	char path[AWS_URL_MAX];
	int rc, n;

	rc = env_copy(path, sizeof(path), CONTAINER_RELATIVE, err);
	if (rc == 1) {
		cfg->container_variable = CONTAINER_RELATIVE;
		if (path[0] != '/' || url_blank(path))
			return err_field(err, 400, "invalid_config",
			    CONTAINER_RELATIVE, "%s must be a path (\"/...\")",
			    CONTAINER_RELATIVE);
		n = snprintf(cfg->container_url, AWS_URL_MAX, "%s%s",
		    CONTAINER_HOST, path);
		if (n < 0 || n >= AWS_URL_MAX)
			return err_field(err, 400, "invalid_config",
			    CONTAINER_RELATIVE, "%s is too long",
			    CONTAINER_RELATIVE);
	} else if (rc == 0) {
		rc = env_copy(
		    cfg->container_url, AWS_URL_MAX, CONTAINER_FULL, err);
		if (rc == 1)
			cfg->container_variable = CONTAINER_FULL;
		if (rc == 1 &&
		    container_full_check(cfg->container_url, err) == -1)
			return -1;
	}
	if (rc == -1 || env_copy(cfg->container_token_file, PATH_MAX,
	                    CONTAINER_TOKEN_FILE, err) == -1)
		return -1;
	return 0;
}

int
aws_config_from_env(struct aws_config *cfg, struct err *err)
{
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	cfg->timeout_ms = 30000;
	cfg->max_retries = 3;
	cfg->backoff_base_ms = 100;
	cfg->backoff_cap_ms = 20000;
	rc = env_copy(cfg->region, sizeof(cfg->region), "AWS_REGION", err);
	if (rc == 0)
		rc = env_copy(cfg->region, sizeof(cfg->region),
		    "AWS_DEFAULT_REGION", err);
	if (rc == -1)
		return -1;
	if (rc == 0)
		snprintf(cfg->region, sizeof(cfg->region), "us-east-1");
	if (!region_valid(cfg->region))
		return err_field(err, 400, "invalid_config", "AWS_REGION",
		    "AWS_REGION is not a region name ([a-z0-9-])");
	if (config_endpoints(cfg, err) == -1 || config_imds(cfg, err) == -1 ||
	    config_files(cfg, err) == -1 || config_container(cfg, err) == -1)
		return -1;
	return 0;
}

const char *
aws_partition(const char *region)
{
	if (strncmp(region, "cn-", 3) == 0)
		return "aws-cn";
	if (strncmp(region, "us-gov-", 7) == 0)
		return "aws-us-gov";
	return "aws";
}

int
aws_endpoint(const struct aws_config *cfg, enum aws_service service,
    const char *region, char url[AWS_URL_MAX],
    char signing_region[AWS_REGION_MAX], struct err *err)
{
	const char *partition = aws_partition(region);
	const char *suffix = strcmp(partition, "aws-cn") == 0
	                         ? "amazonaws.com.cn"
	                         : "amazonaws.com";
	const char *host_region = region;
	int n;

	/* Organizations is global: one endpoint per partition. */
	if (service == AWS_ORGANIZATIONS)
		host_region =
		    strcmp(partition, "aws-cn") == 0       ? "cn-northwest-1"
		    : strcmp(partition, "aws-us-gov") == 0 ? "us-gov-west-1"
		                                           : "us-east-1";
	if (!region_valid(host_region) || strlen(host_region) >= AWS_REGION_MAX)
		return err_set(err, 400, "invalid_region",
		    "\"%.64s\" is not a region name", host_region);
	memcpy(signing_region, host_region, strlen(host_region) + 1);
	if (cfg->endpoint[service][0] != '\0')
		n = snprintf(url, AWS_URL_MAX, "%s", cfg->endpoint[service]);
	else
		n = snprintf(url, AWS_URL_MAX, "https://%s.%s.%s/",
		    aws_service_names[service], host_region, suffix);
	if (n < 0 || n >= AWS_URL_MAX)
		return err_set(err, 400, "invalid_region", "endpoint too long");
	return 0;
}

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

/* --- keys from an answer ------------------------------------------- */

/* "2011-07-15T23:28:33.359Z" (fraction optional) as seconds, or -1. */
static time_t
time_parse(const char *s)
{
	struct tm tm;
	int n = 0;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
	        &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
	    tm.tm_year < 1970 || tm.tm_mon < 1 || tm.tm_mon > 12)
		return -1;
	s += n;
	if (*s == '.')
		while (isdigit((unsigned char)*++s))
			;
	if (strcmp(s, "Z") != 0 && strcmp(s, "+00:00") != 0)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

/* The err code of a keyless answer, by enum aws_source. */
static const char *const answer_codes[AWS_SOURCE__MAX] = {
	"invalid_credentials", /* AWS_SOURCE_ENVIRONMENT */
	"sts_answer",          /* AWS_SOURCE_WEB_IDENTITY */
	"invalid_credentials", /* AWS_SOURCE_SHARED_FILE */
	"container_answer",    /* AWS_SOURCE_CONTAINER */
	"imds_answer",         /* AWS_SOURCE_IMDS */
	"sts_answer",          /* AWS_SOURCE_ASSUME_ROLE */
};

int
aws_credentials_set(struct aws_credentials *out, const char *key,
    const char *secret, const char *token, const char *expiration,
    enum aws_source source, struct err *err)
{
	time_t when = 0;

	if (key[0] == '\0' || secret[0] == '\0' || token[0] == '\0' ||
	    strlen(key) >= AWS_KEY_ID_MAX || strlen(secret) >= AWS_SECRET_MAX ||
	    strlen(token) >= AWS_SESSION_TOKEN_MAX)
		return err_set(err, 502, answer_codes[source],
		    "%s: an answer without usable keys",
		    aws_source_names[source]);
	if (expiration[0] != '\0' && (when = time_parse(expiration)) == -1)
		return err_set(err, 502, answer_codes[source],
		    "%s: an expiration that cannot be read",
		    aws_source_names[source]);
	aws_credentials_clear(out);
	memcpy(out->access_key_id, key, strlen(key) + 1);
	memcpy(out->secret_access_key, secret, strlen(secret) + 1);
	memcpy(out->session_token, token, strlen(token) + 1);
	out->expiration = when;
	out->source = source;
	return 0;
}

/*
 * The one JSON object in len bytes of text (blanks may follow it), or
 * NULL.  The caller puts it.
 */
static struct json_object *
json_read(const char *text, size_t len)
{
	struct json_tokener *tok;
	struct json_object *o = NULL;
	size_t end;

	if (text == NULL || len > INT_MAX || (tok = json_tokener_new()) == NULL)
		return NULL;
	o = json_tokener_parse_ex(tok, text, (int)len);
	end = json_tokener_get_parse_end(tok);
	while (end < len && isspace((unsigned char)text[end]))
		end++;
	if (o != NULL &&
	    (end != len || !json_object_is_type(o, json_type_object))) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/* The string member key of o, or "" when absent or not a string. */
static const char *
json_text(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

/* The keys of an IMDS or container answer o, into out. */
static int
json_keys(struct json_object *o, enum aws_source source,
    struct aws_credentials *out, struct err *err)
{
	return aws_credentials_set(out, json_text(o, "AccessKeyId"),
	    json_text(o, "SecretAccessKey"), json_text(o, "Token"),
	    json_text(o, "Expiration"), source, err);
}

int
aws_credentials_parse_container(
    const char *text, size_t len, struct aws_credentials *out, struct err *err)
{
	struct json_object *o = json_read(text, len);
	int rc;

	if (o == NULL)
		return err_set(err, 502, "container_answer",
		    "container credentials: an answer that is not a JSON "
		    "object");
	rc = json_keys(o, AWS_SOURCE_CONTAINER, out, err);
	json_object_put(o);
	return rc;
}

/* --- the chain: environment ----------------------------------------- */

static int
from_env(struct aws_credentials *out, int *found, struct err *err)
{
	const char *key = getenv("AWS_ACCESS_KEY_ID");
	const char *secret = getenv("AWS_SECRET_ACCESS_KEY");
	const char *token = getenv("AWS_SESSION_TOKEN");
	int have_key = key != NULL && key[0] != '\0';
	int have_secret = secret != NULL && secret[0] != '\0';

	*found = 0;
	if (!have_key && !have_secret)
		return 0;
	if (!have_key || !have_secret)
		return err_set(err, 400, "invalid_credentials",
		    "%s is set but %s is not",
		    have_key ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
		    have_key ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
	if (token == NULL)
		token = "";
	if (strlen(key) >= AWS_KEY_ID_MAX || strlen(secret) >= AWS_SECRET_MAX ||
	    strlen(token) >= AWS_SESSION_TOKEN_MAX)
		return err_set(err, 400, "invalid_credentials",
		    "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or "
		    "AWS_SESSION_TOKEN is too long");
	aws_credentials_clear(out);
	memcpy(out->access_key_id, key, strlen(key) + 1);
	memcpy(out->secret_access_key, secret, strlen(secret) + 1);
	memcpy(out->session_token, token, strlen(token) + 1);
	out->source = AWS_SOURCE_ENVIRONMENT;
	*found = 1;
	return 0;
}

/* Read a whole small file into b (at most max bytes).  0, -1 (errno). */
static int
file_read(const char *path, size_t max, struct buf *b)
{
	char chunk[4096];
	ssize_t n;
	int fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (buf_reserve(b, max) == -1) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || (size_t)n > max - b->len) {
			rc = -1;
			errno = n == -1 ? errno : EFBIG;
			break;
		}
		buf_append(b, chunk, (size_t)n);
	}
	explicit_bzero(chunk, sizeof(chunk));
	close(fd);
	return rc;
}

/* --- the chain: the shared credentials file ------------------------- */

enum ini_key { INI_KEY_ID, INI_SECRET, INI_TOKEN, INI_KEY__MAX };

static const char *const ini_keys[INI_KEY__MAX] = {
	"aws_access_key_id",     /* INI_KEY_ID */
	"aws_secret_access_key", /* INI_SECRET */
	"aws_session_token",     /* INI_TOKEN */
};

static const size_t ini_limits[INI_KEY__MAX] = {
	AWS_KEY_ID_MAX,        /* INI_KEY_ID */
	AWS_SECRET_MAX,        /* INI_SECRET */
	AWS_SESSION_TOKEN_MAX, /* INI_TOKEN */
};

struct ini {
	const char *profile;
	const char *path;
	size_t line;
	int in_section, in_profile, found, nested;
	struct buf sections; /* names seen, each ending in NUL */
	struct buf keys;     /* keys of this section, each ending in NUL */
	int have[INI_KEY__MAX];
	struct aws_credentials *out;
};

static int
ini_refuse(struct ini *p, const char *why, struct err *err)
{
	return err_set(err, 400, "invalid_credentials", "%s line %zu: %s",
	    p->path, p->line, why);
}

/* Is name (len bytes) in the NUL-separated list?  Add it if not. */
static int
ini_seen(struct buf *list, const char *name, size_t len)
{
	size_t at = 0, n;

	while (at < list->len) {
		n = strlen(list->data + at);
		if (n == len && memcmp(list->data + at, name, len) == 0)
			return 1;
		at += n + 1;
	}
	buf_append(list, name, len);
	buf_putc(list, '\0');
	return 0;
}

static void
trim(const char **s, size_t *len)
{
	while (*len > 0 && (**s == ' ' || **s == '\t'))
		(*s)++, (*len)--;
	while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

static int
ini_section(struct ini *p, const char *s, size_t len, struct err *err)
{
	if (len < 2 || s[len - 1] != ']')
		return ini_refuse(p, "a section without its ']'", err);
	s++, len -= 2;
	trim(&s, &len);
	if (len == 0 || memchr(s, '[', len) || memchr(s, ']', len))
		return ini_refuse(p, "a malformed section name", err);
	if (ini_seen(&p->sections, s, len))
		return ini_refuse(p, "a section named twice", err);
	buf_reset(&p->keys);
	p->in_section = 1;
	p->nested = 0;
	p->in_profile =
	    strlen(p->profile) == len && memcmp(s, p->profile, len) == 0;
	p->found |= p->in_profile;
	return 0;
}

static int
ini_value(
    struct ini *p, enum ini_key k, const char *v, size_t len, struct err *err)
{
	char *dst = k == INI_KEY_ID   ? p->out->access_key_id
	            : k == INI_SECRET ? p->out->secret_access_key
	                              : p->out->session_token;
	size_t i;

	if (len >= ini_limits[k])
		return ini_refuse(p, "a value too long", err);
	for (i = 0; i < len; i++)
		if (!isgraph((unsigned char)v[i]))
			return ini_refuse(
			    p, "a key value holding a blank", err);
	memcpy(dst, v, len);
	dst[len] = '\0';
	p->have[k] = len > 0;
	return 0;
}

static int
ini_pair(struct ini *p, const char *s, size_t len, struct err *err)
{
	const char *key = s, *value;
	size_t at = 0, klen, vlen;
	int k;

	while (at < len && s[at] != '=' && s[at] != ':')
		at++;
	if (at == len)
		return ini_refuse(p, "neither a section nor key = value", err);
	if (!p->in_section)
		return ini_refuse(p, "a key outside any [section]", err);
	klen = at;
	trim(&key, &klen);
	value = s + at + 1;
	vlen = len - at - 1;
	trim(&value, &vlen);
	if (klen == 0)
		return ini_refuse(p, "a value without a key", err);
	if (ini_seen(&p->keys, key, klen))
		return ini_refuse(p, "a key given twice in a section", err);
	p->nested = vlen == 0;
	if (!p->in_profile)
		return 0;
	for (k = 0; k < INI_KEY__MAX; k++)
		if (strlen(ini_keys[k]) == klen &&
		    memcmp(key, ini_keys[k], klen) == 0)
			return ini_value(p, (enum ini_key)k, value, vlen, err);
	return 0;
}

static int
ini_line(struct ini *p, const char *s, size_t len, struct err *err)
{
	int indented = len > 0 && (s[0] == ' ' || s[0] == '\t');

	if (len > 0 && s[len - 1] == '\r')
		len--;
	if (len > AWS_INI_LINE_MAX)
		return ini_refuse(p, "a line too long", err);
	trim(&s, &len);
	if (len == 0 || s[0] == '#' || s[0] == ';')
		return 0;
	/* An indented line belongs to a nested block ("s3 =" and below). */
	if (indented) {
		if (!p->nested)
			return ini_refuse(p, "an indented line", err);
		return memchr(s, '=', len) != NULL
		           ? 0
		           : ini_refuse(p, "an indented line", err);
	}
	if (s[0] == '[')
		return ini_section(p, s, len, err);
	return ini_pair(p, s, len, err);
}

int
aws_credentials_parse_ini(const char *text, size_t len, const char *profile,
    const char *path, struct aws_credentials *out, int *found, struct err *err)
{
	struct aws_credentials tmp;
	struct ini p;
	const char *line = text, *end = text + len, *nl;
	int rc = 0;

	memset(&p, 0, sizeof(p));
	memset(&tmp, 0, sizeof(tmp));
	p.profile = profile;
	p.path = path;
	p.out = &tmp;
	*found = 0;
	if (memchr(text, '\0', len) != NULL)
		return err_set(err, 400, "invalid_credentials",
		    "%s: a NUL byte; not a text file", path);
	while (rc == 0 && line < end) {
		p.line++;
		nl = memchr(line, '\n', (size_t)(end - line));
		rc = ini_line(&p, line, (size_t)((nl ? nl : end) - line), err);
		line = nl ? nl + 1 : end;
	}
	if (rc == 0 && (p.sections.oom || p.keys.oom))
		rc = err_set(err, 500, "internal", "out of memory");
	if (rc == 0 && p.found && p.have[INI_KEY_ID] != p.have[INI_SECRET])
		rc = err_set(err, 400, "invalid_credentials",
		    "%s: profile %s has %s but not %s", path, profile,
		    ini_keys[p.have[INI_KEY_ID] ? INI_KEY_ID : INI_SECRET],
		    ini_keys[p.have[INI_KEY_ID] ? INI_SECRET : INI_KEY_ID]);
	if (rc == 0 && p.found && p.have[INI_KEY_ID]) {
		tmp.source = AWS_SOURCE_SHARED_FILE;
		*out = tmp;
		*found = 1;
	}
	aws_credentials_clear(&tmp);
	buf_free(&p.sections);
	buf_free(&p.keys);
	return rc;
}

static int
from_shared_file(const struct aws_config *cfg, struct aws_credentials *out,
    int *found, struct err *err)
{
	struct buf text = BUF_INIT;
	int rc;

	*found = 0;
	if (cfg->credentials_file[0] == '\0')
		return 0;
	if (file_read(cfg->credentials_file, AWS_CREDENTIALS_FILE_MAX, &text) ==
	    -1) {
		rc = errno == ENOENT
		         ? 0
		         : err_set(err, 400, "invalid_credentials", "%s: %s",
		               cfg->credentials_file, strerror(errno));
		if (rc == 0 && cfg->profile_explicit)
			rc = err_set(err, 400, "invalid_credentials",
			    "AWS_PROFILE is %s but %s does not exist",
			    cfg->profile, cfg->credentials_file);
		buf_wipe_free(&text);
		return rc;
	}
	rc = aws_credentials_parse_ini(text.data ? text.data : "", text.len,
	    cfg->profile, cfg->credentials_file, out, found, err);
	buf_wipe_free(&text);
	if (rc == 0 && !*found && cfg->profile_explicit)
		rc = err_set(err, 400, "invalid_credentials",
		    "%s: no keys for profile %s", cfg->credentials_file,
		    cfg->profile);
	return rc;
}

/* --- the chain: web identity ---------------------------------------- */

/*
 * Read the token file path (named by variable) into b, trailing blanks
 * dropped.  -1 with err when it cannot be read or is empty.
 */
static int
token_file_read(
    const char *path, const char *variable, struct buf *b, struct err *err)
{
	if (file_read(path, TOKEN_FILE_MAX, b) == -1)
		return err_field(err, 400, "invalid_credentials", variable,
		    "%s %s: %s", variable, path, strerror(errno));
	while (b->len > 0 && isspace((unsigned char)b->data[b->len - 1]))
		b->data[--b->len] = '\0';
	if (b->len == 0)
		return err_field(err, 400, "invalid_credentials", variable,
		    "%s %s is empty", variable, path);
	return 0;
}

static int
from_web_identity(const struct aws_config *cfg, struct cloud_report *report,
    struct aws_credentials *out, int *found, struct err *err)
{
	struct buf token = BUF_INIT;
	int rc;

	*found = 0;
	if (cfg->web_identity_token_file[0] == '\0' || cfg->role_arn[0] == '\0')
		return 0;
	rc = token_file_read(cfg->web_identity_token_file,
	    "AWS_WEB_IDENTITY_TOKEN_FILE", &token, err);
	if (rc == 0)
		rc = aws_sts_assume_role_with_web_identity(
		    cfg, token.data, token.len, report, out, err);
	*found = rc == 0;
	buf_wipe_free(&token);
	return rc;
}

/* --- the chain: the container credentials endpoint ------------------ */

/*
 * The Authorization value into *value: the token file, read afresh each
 * time because EKS rotates it, else AWS_CONTAINER_AUTHORIZATION_TOKEN,
 * else none (NULL).  *variable names where it came from, or is NULL.
 */
static int
container_token(const struct aws_config *cfg, struct buf *file,
    const char **value, const char **variable, struct err *err)
{
	const char *v = getenv(CONTAINER_TOKEN);
	int nul = 0;

	*value = *variable = NULL;
	if (cfg->container_token_file[0] != '\0') {
		*variable = CONTAINER_TOKEN_FILE;
		if (token_file_read(cfg->container_token_file,
		        CONTAINER_TOKEN_FILE, file, err) == -1)
			return -1;
		*value = file->data;
		nul = strlen(file->data) != file->len;
	} else if (v != NULL && v[0] != '\0') {
		*variable = CONTAINER_TOKEN;
		*value = v;
	}
	/* RFC 9110 section 5.5: no CR, LF or NUL in a field value. */
	if (*value != NULL && (nul || strpbrk(*value, "\r\n") != NULL))
		return err_field(err, 400, "invalid_credentials", *variable,
		    "%s holds a line break or a NUL byte", *variable);
	return 0;
}

/* "container credentials: " before the message of a failed call. */
static void
container_prefix(struct err *err)
{
	char code[ERR_CODE_MAX], message[ERR_MESSAGE_MAX];

	memcpy(code, err->code, sizeof(code));
	memcpy(message, err->message, sizeof(message));
	err_set(err, err->status, code, "container credentials: %s", message);
}

/* The error for an answer other than 200, naming the variables. */
static int
container_refused(const struct aws_config *cfg, long status,
    const char *variable, struct err *err)
{
	if (status != 401 && status != 403)
		return err_set(err, 502, "container_answer",
		    "container credentials: %s answered HTTP %ld",
		    cfg->container_variable, status);
	if (variable == NULL)
		return err_set(err, 401, "container_refused",
		    "container credentials: %s answered HTTP %ld: no "
		    "authorization token was sent (neither %s nor %s is set)",
		    cfg->container_variable, status, CONTAINER_TOKEN_FILE,
		    CONTAINER_TOKEN);
	return err_set(err, 401, "container_refused",
	    "container credentials: %s answered HTTP %ld: the authorization "
	    "token of %s was refused",
	    cfg->container_variable, status, variable);
}

static int
from_container(const struct aws_config *cfg, struct cloud_report *report,
    struct aws_credentials *out, int *found, struct err *err)
{
	struct buf file = BUF_INIT, body = BUF_INIT;
	struct http_request req;
	const char *token, *variable;
	long status = 0;
	int rc = -1;

	*found = 0;
	if (cfg->container_url[0] == '\0')
		return 0;
	if (container_token(cfg, &file, &token, &variable, err) == -1)
		goto done;
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = cfg->container_url;
	req.timeout_ms = CONTAINER_TIMEOUT_MS;
	req.max_retries = 2;
	req.backoff_base_ms = 100;
	req.backoff_cap_ms = 400;
	http_request_header(&req, "Accept", "application/json");
	if (token != NULL)
		http_request_header(&req, "Authorization", token);
	if (aws_call(&req, &body, CONTAINER_ANSWER_MAX, &status, report, err) ==
	    -1)
		container_prefix(err);
	else if (status != 200)
		container_refused(cfg, status, variable, err);
	else if (aws_credentials_parse_container(
	             body.data ? body.data : "", body.len, out, err) == 0)
		rc = 0;
	*found = rc == 0;
done:
	buf_wipe_free(&file);
	buf_wipe_free(&body);
	return rc;
}

/* --- the chain: IMDSv2 ---------------------------------------------- */

/* One IMDS call; the answer (at most IMDS_ANSWER_MAX) lands in body. */
static int
imds_call(const struct aws_config *cfg, const char *method, const char *path,
    const char *token, struct buf *body, long *status,
    struct cloud_report *report, struct err *err)
{
	char url[AWS_URL_MAX];
	struct http_request req;
	int n;

	n = snprintf(url, sizeof(url), "%s%s", cfg->imds_endpoint, path);
	if (n < 0 || (size_t)n >= sizeof(url))
		return err_set(err, 400, "invalid_config", "IMDS URL too long");
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.url = url;
	req.body = token == NULL ? "" : NULL;
	req.timeout_ms = IMDS_TIMEOUT_MS;
	req.max_retries = 1;
	req.backoff_base_ms = 50;
	req.backoff_cap_ms = 200;
	if (token == NULL)
		http_request_header(&req,
		    "X-aws-ec2-metadata-token-ttl-seconds", IMDS_TOKEN_TTL);
	else
		http_request_header(&req, "X-aws-ec2-metadata-token", token);
	return aws_call(&req, body, IMDS_ANSWER_MAX, status, report, err);
}

static int
imds_role_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("+=,.@_-", s[i]))
			return 0;
	return i > 0 && i <= 64;
}

static int
imds_keys(const struct buf *body, struct aws_credentials *out, struct err *err)
{
	struct json_object *o = json_read(body->data, body->len);
	int rc = -1;

	if (o == NULL)
		err_set(err, 502, "imds_answer",
		    "IMDS: credentials that are not a JSON object");
	else if (strcmp(json_text(o, "Code"), "Success") != 0)
		err_set(err, 502, "imds_answer", "IMDS: credentials Code %.64s",
		    json_text(o, "Code"));
	else
		rc = json_keys(o, AWS_SOURCE_IMDS, out, err);
	json_object_put(o);
	return rc;
}

static int
from_imds(const struct aws_config *cfg, struct cloud_report *report,
    struct aws_credentials *out, int *found, struct err *err)
{
	static const char roles[] =
	    "/latest/meta-data/iam/security-credentials/";
	struct buf token = BUF_INIT, body = BUF_INIT;
	char path[sizeof(roles) + 72], role[72];
	long status;
	int rc = 0;

	*found = 0;
	if (cfg->imds_disabled)
		return 0;
	/* Not on EC2 (no answer, or no token): no credentials here. */
	if (imds_call(cfg, "PUT", "/latest/api/token", NULL, &token, &status,
	        report, err) == -1 ||
	    status != 200 || token.len == 0)
		goto done;
	if (imds_call(cfg, "GET", roles, token.data, &body, &status, report,
	        err) == -1 ||
	    status != 200)
		goto done; /* 404: no instance role */
	snprintf(role, sizeof(role), "%.*s", (int)strcspn(body.data, "\r\n"),
	    body.data);
	if (!imds_role_valid(role)) {
		rc = err_set(err, 502, "imds_answer", "IMDS: a bad role name");
		goto done;
	}
	snprintf(path, sizeof(path), "%s%s", roles, role);
	if (imds_call(cfg, "GET", path, token.data, &body, &status, report,
	        err) == -1 ||
	    status != 200)
		rc = err_set(err, 502, "imds_answer",
		    "IMDS: no credentials for role %s (HTTP %ld)", role,
		    status);
	else if ((rc = imds_keys(&body, out, err)) == 0)
		*found = 1;
done:
	buf_wipe_free(&token);
	buf_wipe_free(&body);
	return rc;
}

int
aws_credentials_resolve(const struct aws_config *cfg,
    struct cloud_report *report, struct aws_credentials *out, struct err *err)
{
	int found = 0;

	if (from_env(out, &found, err) == -1 || found)
		return found ? 0 : -1;
	if (from_web_identity(cfg, report, out, &found, err) == -1 || found)
		return found ? 0 : -1;
	if (from_shared_file(cfg, out, &found, err) == -1 || found)
		return found ? 0 : -1;
	if (from_container(cfg, report, out, &found, err) == -1 || found)
		return found ? 0 : -1;
	if (from_imds(cfg, report, out, &found, err) == -1 || found)
		return found ? 0 : -1;
	return err_set(err, 401, "no_credentials",
	    "no AWS credentials: none in the environment, no web identity, "
	    "no profile %s in %s, no container endpoint, and no instance "
	    "role (IMDS%s)",
	    cfg->profile,
	    cfg->credentials_file[0] ? cfg->credentials_file : "~/.aws",
	    cfg->imds_disabled ? " disabled" : " not reachable");
}
