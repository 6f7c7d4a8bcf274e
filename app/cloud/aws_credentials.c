/*
 * aws_credentials.c: the AWS credential chain.
 *
 * The chain is the AWS SDKs' (environment, web identity, the shared
 * credentials file, the container credentials endpoint, IMDSv2); see
 * aws_credentials.h.  Settings come from aws_config.c, the strict reader
 * of the shared credentials file is aws_ini.c, calls go through
 * aws_request.c, and STS, which web identity needs, is in aws_sts.c.
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
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cloud/aws_config.h"
#include "cloud/aws_ini.h"
#include "cloud/aws_request.h"
#include "cloud/aws_sts.h"
#include "cloud/http.h"
#include "lib/buf.h"
#include "lib/err.h"

#define IMDS_ANSWER_MAX ((size_t)16 << 10)
#define IMDS_TIMEOUT_MS 1000L
#define IMDS_TOKEN_TTL "21600"
#define TOKEN_FILE_MAX ((size_t)16 << 10)
#define CONTAINER_TOKEN "AWS_CONTAINER_AUTHORIZATION_TOKEN"
#define CONTAINER_TOKEN_FILE "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"
#define CONTAINER_ANSWER_MAX ((size_t)16 << 10)
#define CONTAINER_TIMEOUT_MS 2000L

const char *const aws_source_names[AWS_SOURCE__MAX] = {
	"environment",  /* AWS_SOURCE_ENVIRONMENT */
	"web_identity", /* AWS_SOURCE_WEB_IDENTITY */
	"shared_file",  /* AWS_SOURCE_SHARED_FILE */
	"container",    /* AWS_SOURCE_CONTAINER */
	"imds",         /* AWS_SOURCE_IMDS */
	"assume_role",  /* AWS_SOURCE_ASSUME_ROLE */
};

void
aws_credentials_clear(struct aws_credentials *creds)
{
	explicit_bzero(creds, sizeof(*creds));
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
