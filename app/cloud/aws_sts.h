/*
 * aws_sts.h: the calls the AWS provider makes to STS, the Security Token
 * Service: AssumeRole (keys to a member account), AssumeRoleWithWebIdentity
 * (keys for an EKS service account's token) and GetCallerIdentity (whose
 * keys these are).
 *
 * STS answers XML; a refusal becomes an err whose message carries the AWS
 * error code and message, never a key, secret or token.  Keys handed out
 * land in a struct aws_credentials the caller owns and wipes with
 * aws_credentials_clear().
 */
#ifndef CLOUDPAM_CLOUD_AWS_STS_H
#define CLOUDPAM_CLOUD_AWS_STS_H

#include <stddef.h>

#include "cloud/aws_credentials.h"
#include "cloud/cloud.h"
#include "lib/err.h"

/*
 * Trade base for keys of role_arn (STS AssumeRole, one hour).  session
 * names the session in CloudTrail.  Returns 0 with out filled, or -1 with
 * err: the AWS error code and message when STS refuses (403 and the code
 * first: "AccessDenied: …"), the HTTP error otherwise.
 */
int aws_sts_assume_role(const struct aws_config *cfg,
    const struct aws_credentials *base, const char *role_arn,
    const char *session, struct cloud_report *report,
    struct aws_credentials *out, struct err *err);

/*
 * Trade the web identity token (len bytes, owned by the caller, who wipes
 * it) for keys of cfg->role_arn, in a session named cfg->role_session_name
 * or "cloudpam-collector" (STS AssumeRoleWithWebIdentity, unsigned).
 * Returns 0 with out filled (source AWS_SOURCE_WEB_IDENTITY), or -1 with
 * err as aws_sts_assume_role.
 */
int aws_sts_assume_role_with_web_identity(const struct aws_config *cfg,
    const char *token, size_t len, struct cloud_report *report,
    struct aws_credentials *out, struct err *err);

/* The account of creds (STS GetCallerIdentity).  As aws_sts_assume_role. */
int aws_sts_caller_account(const struct aws_config *cfg,
    const struct aws_credentials *creds, struct cloud_report *report,
    char account[AWS_ACCOUNT_ID_SIZE], struct err *err);

#endif
