/*
 * aws_credentials.h: where the AWS provider's keys come from.
 *
 * Settings are read from the environment first (aws_config.h).
 * Credentials are then looked for in the order the SDKs look
 * (aws_credentials_resolve):
 *
 *   1. AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN;
 *   2. web identity: AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, traded
 *      with STS AssumeRoleWithWebIdentity (EKS service accounts);
 *   3. the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, else
 *      ~/.aws/credentials), profile AWS_PROFILE or "default", read by
 *      aws_ini.h;
 *   4. the container credentials endpoint of an ECS task role or an EKS
 *      Pod Identity: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on
 *      http://169.254.170.2) or AWS_CONTAINER_CREDENTIALS_FULL_URI, with
 *      the Authorization token of AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
 *      or AWS_CONTAINER_AUTHORIZATION_TOKEN;
 *   5. the EC2 instance metadata service, IMDSv2 only (a session token
 *      first), unless AWS_EC2_METADATA_DISABLED is true.
 *
 * Keys to member accounts come from STS AssumeRole (aws_sts_assume_role,
 * aws_sts.h); calls are signed with them by aws_request.h.  A secret,
 * session token or web identity token is never logged nor put in an error
 * message, and aws_credentials_clear() wipes it.
 */
#ifndef CLOUDPAM_CLOUD_AWS_CREDENTIALS_H
#define CLOUDPAM_CLOUD_AWS_CREDENTIALS_H

#include <stddef.h>
#include <time.h>

#include "cloud/aws_config.h"
#include "cloud/cloud.h"
#include "lib/err.h"

#define AWS_ACCOUNT_ID_SIZE 13 /* twelve digits and a NUL */
#define AWS_KEY_ID_MAX 129
#define AWS_SECRET_MAX 129
#define AWS_SESSION_TOKEN_MAX 8192
#define AWS_CREDENTIALS_FILE_MAX ((size_t)1 << 20)

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

/* Wipe creds (secret and token included). */
void aws_credentials_clear(struct aws_credentials *creds);

#endif
