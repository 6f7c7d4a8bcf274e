/*
 * aws_credentials.h: where the AWS provider's keys come from, where its
 * calls go, and how they are signed.
 *
 * Settings are read from the environment once, under the names the AWS
 * SDKs use (aws_config_from_env).  Credentials are then looked for in the
 * order the SDKs look (aws_credentials_resolve):
 *
 *   1. AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN;
 *   2. web identity: AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, traded
 *      with STS AssumeRoleWithWebIdentity (EKS service accounts);
 *   3. the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, else
 *      ~/.aws/credentials), profile AWS_PROFILE or "default";
 *   4. the container credentials endpoint of an ECS task role or an EKS
 *      Pod Identity: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on
 *      http://169.254.170.2) or AWS_CONTAINER_CREDENTIALS_FULL_URI, with
 *      the Authorization token of AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
 *      or AWS_CONTAINER_AUTHORIZATION_TOKEN;
 *   5. the EC2 instance metadata service, IMDSv2 only (a session token
 *      first), unless AWS_EC2_METADATA_DISABLED is true.
 *
 * Keys to member accounts come from STS AssumeRole (aws_sts_assume_role).
 * Endpoints are the public ones unless AWS_ENDPOINT_URL_<SERVICE> or
 * AWS_ENDPOINT_URL says otherwise (AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
 * turns both off).  A secret, session token or web identity token is never
 * logged nor put in an error message, and aws_credentials_clear() wipes it.
 */
#ifndef CLOUDPAM_CLOUD_AWS_CREDENTIALS_H
#define CLOUDPAM_CLOUD_AWS_CREDENTIALS_H

#include <limits.h>
#include <stddef.h>
#include <time.h>

#include "cloud/cloud.h"
#include "cloud/http.h"
#include "cloud/sigv4.h"
#include "lib/buf.h"
#include "lib/err.h"

#define AWS_REGION_MAX 64
#define AWS_URL_MAX 512
#define AWS_ARN_MAX 2048
#define AWS_PROFILE_MAX 128
#define AWS_ACCOUNT_ID_SIZE 13 /* twelve digits and a NUL */
#define AWS_KEY_ID_MAX 129
#define AWS_SECRET_MAX 129
#define AWS_SESSION_TOKEN_MAX 8192
#define AWS_CREDENTIALS_FILE_MAX ((size_t)1 << 20)
#define AWS_INI_LINE_MAX 8192

enum aws_service { AWS_EC2, AWS_STS, AWS_ORGANIZATIONS, AWS_SERVICE__MAX };

/* Signing names, "ec2", "sts", "organizations", by enum aws_service. */
extern const char *const aws_service_names[AWS_SERVICE__MAX];

enum aws_source {
	AWS_SOURCE_ENVIRONMENT,
	AWS_SOURCE_WEB_IDENTITY,
	AWS_SOURCE_SHARED_FILE,
	AWS_SOURCE_CONTAINER,
	AWS_SOURCE_IMDS,
	AWS_SOURCE_ASSUME_ROLE,
	AWS_SOURCE__MAX
};

/* "environment", "web_identity", …, by enum aws_source. */
extern const char *const aws_source_names[AWS_SOURCE__MAX];

struct aws_credentials {
	char access_key_id[AWS_KEY_ID_MAX];
	char secret_access_key[AWS_SECRET_MAX];
	char session_token[AWS_SESSION_TOKEN_MAX]; /* "" for long-term keys */
	time_t expiration;                         /* 0: does not expire */
	enum aws_source source;
};

/* What the environment says; every string is a checked copy. */
struct aws_config {
	char region[AWS_REGION_MAX]; /* AWS_REGION, AWS_DEFAULT_REGION */
	char profile[AWS_PROFILE_MAX];
	int profile_explicit;            /* AWS_PROFILE was set */
	char credentials_file[PATH_MAX]; /* "" when there is no home */
	char endpoint[AWS_SERVICE__MAX][AWS_URL_MAX]; /* "": the public one */
	char imds_endpoint[AWS_URL_MAX];
	int imds_disabled;
	char web_identity_token_file[PATH_MAX];
	char role_arn[AWS_ARN_MAX];
	char role_session_name[65];
	char container_url[AWS_URL_MAX]; /* "": no container endpoint */
	const char *container_variable;  /* the variable that gave it */
	char container_token_file[PATH_MAX];
	long timeout_ms; /* per call; set from cloud_options */
	int max_retries;
	long backoff_base_ms, backoff_cap_ms;
};

/*
 * Fill cfg from the environment, with the HTTP settings at their defaults
 * (30 s, 3 retries, 100 ms doubling to 20 s).  Returns -1 with err (400
 * "invalid_config" naming the variable, never its value) when a value is
 * too long or malformed: a region that is not [a-z0-9-], an endpoint that
 * is not http(s)://, a container relative URI that is not a path, a
 * container full URI that is neither https nor http to a loopback address
 * (127.0.0.0/8, [::1], localhost) or the ECS or EKS Pod Identity agent
 * (169.254.170.2, 169.254.170.23, [fd00:ec2::23]), as the AWS SDKs allow.
 */
int aws_config_from_env(struct aws_config *cfg, struct err *err);

/*
 * The endpoint URL of service for region into url (ending in "/" when it
 * has no path) and the region its signature names into signing_region
 * (Organizations is signed for us-east-1 in the aws partition).  -1 with
 * err when it does not fit.
 */
int aws_endpoint(const struct aws_config *cfg, enum aws_service service,
    const char *region, char url[AWS_URL_MAX],
    char signing_region[AWS_REGION_MAX], struct err *err);

/* "aws", "aws-cn" or "aws-us-gov": the ARN partition of region. */
const char *aws_partition(const char *region);

/*
 * Look for credentials in the order above.  report (may be NULL) counts
 * the calls to STS, the container endpoint and IMDS.  Returns 0 with out
 * filled, or -1 with err: 401 "no_credentials" when no source has any; 400
 * "invalid_credentials" when a source is there but broken (one of the two
 * keys in the environment, a malformed credentials file, a named profile
 * missing, an unreadable container token file); 401 "container_refused"
 * when the container endpoint refuses its token; the STS, container or
 * IMDS error when the exchange fails.  A container endpoint that is set
 * but fails ends the search there, as in the SDKs: IMDS is not asked.
 */
int aws_credentials_resolve(const struct aws_config *cfg,
    struct cloud_report *report, struct aws_credentials *out, struct err *err);

/*
 * Read the keys of profile from the shared credentials file text (len
 * bytes; path only names it in messages).  Strict INI: [section] lines,
 * key = value lines, blank lines, comments starting with # or ;, and
 * indented lines only below a key with an empty value (a nested block).
 * Anything else, a key outside a section, a key twice in a section, a
 * section twice, a NUL byte or a line past AWS_INI_LINE_MAX is refused
 * with 400 "invalid_credentials" naming the line, never quoting it.
 * *found is 0 when the profile is not in the file (then 0 is returned and
 * out is untouched); a profile with only one of aws_access_key_id and
 * aws_secret_access_key is refused.
 */
int aws_credentials_parse_ini(const char *text, size_t len, const char *profile,
    const char *path, struct aws_credentials *out, int *found, struct err *err);

/*
 * Fill out with the keys of an STS, container or IMDS answer (source
 * names it; expiration "" or "2011-07-15T23:28:33Z", fraction and
 * "+00:00" allowed).  Returns -1 with err (502 "sts_answer",
 * "container_answer" or "imds_answer" by source, naming the source, never
 * a value) when a key, secret or session token is missing or too long or
 * the expiration cannot be read; out is then untouched.
 */
int aws_credentials_set(struct aws_credentials *out, const char *key,
    const char *secret, const char *token, const char *expiration,
    enum aws_source source, struct err *err);

/*
 * Read the JSON answer of the container credentials endpoint (len bytes,
 * not NUL-terminated): an object with string members AccessKeyId,
 * SecretAccessKey, Token and Expiration.  Returns 0 with out filled
 * (source AWS_SOURCE_CONTAINER), or -1 with err 502 "container_answer"
 * saying what is wrong, never quoting the answer.
 */
int aws_credentials_parse_container(
    const char *text, size_t len, struct aws_credentials *out, struct err *err);

/*
 * STS calls, defined in aws_sts.c and declared again in aws_sts.h (their
 * header, with AssumeRoleWithWebIdentity); kept here for the callers that
 * include only this header.
 *
 * Trade base for keys of role_arn (STS AssumeRole, one hour).  session
 * names the session in CloudTrail.  Returns 0 with out filled, or -1 with
 * err: the AWS error code and message when STS refuses (403 and the code
 * first: "AccessDenied: …"), the HTTP error otherwise.
 */
int aws_sts_assume_role(const struct aws_config *cfg,
    const struct aws_credentials *base, const char *role_arn,
    const char *session, struct cloud_report *report,
    struct aws_credentials *out, struct err *err);

/* The account of creds (STS GetCallerIdentity).  As aws_sts_assume_role. */
int aws_sts_caller_account(const struct aws_config *cfg,
    const struct aws_credentials *creds, struct cloud_report *report,
    char account[AWS_ACCOUNT_ID_SIZE], struct err *err);

/* Wipe creds (secret and token included). */
void aws_credentials_clear(struct aws_credentials *creds);

/*
 * Signing for http_request.sign: SigV4 with credentials for region and
 * service, made afresh before every attempt.  The Host header is set from
 * the URL; the headers added (X-Amz-Date, X-Amz-Security-Token,
 * Authorization) point into the signer, valid until it signs again or is
 * freed.
 */
struct aws_signer {
	const struct aws_credentials *credentials;
	const char *region;
	enum aws_service service;
	char host[AWS_URL_MAX];
	struct sigv4_result result;
};

void aws_signer_init(struct aws_signer *s,
    const struct aws_credentials *credentials, const char *region,
    enum aws_service service);
void aws_signer_free(struct aws_signer *s);
int aws_signer_sign(void *ctx, struct http_request *req, struct err *err);

/*
 * Is this 4xx/5xx answer AWS throttling?  For http_request.is_throttle:
 * the codes RequestLimitExceeded, Throttling, ThrottlingException,
 * TooManyRequestsException, RequestThrottled (XML <Code> or JSON __type).
 */
int aws_is_throttle(long status, const char *body, size_t len);

/*
 * Does this AWS error code mean the keys or the signature were refused
 * (AuthFailure, SignatureDoesNotMatch, InvalidClientTokenId, ExpiredToken,
 * …) rather than the call?
 */
int aws_code_is_auth(const char *code);

/*
 * The AWS error code of an XML (<Code>) or JSON ("__type", after any '#')
 * error answer into code, "" when none; the message (<Message>, "message"
 * or "Message") into message.
 */
void aws_error_read(const char *body, size_t len, char *code, size_t code_size,
    char *message, size_t message_size);

/*
 * A request to service at url for cfg: method POST, the content type and
 * body given (owned by the caller, alive while req is), the HTTP settings
 * of cfg.
 */
void aws_request_init(struct http_request *req, const struct aws_config *cfg,
    const char *url, const char *content_type, const struct buf *body);

/*
 * Perform req and collect at most max bytes of the answer into body.
 * Returns 0 with *status (any status), or -1 with err as http_perform().
 */
int aws_call(struct http_request *req, struct buf *body, size_t max,
    long *status, struct cloud_report *report, struct err *err);

#endif
