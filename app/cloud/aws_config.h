/*
 * aws_config.h: the AWS provider's settings and where its calls go.
 *
 * Settings are read from the environment once, under the names the AWS
 * SDKs use (aws_config_from_env): the region, the profile and shared
 * credentials file, the web identity token file and role, the container
 * credentials endpoint, the EC2 instance metadata service.  Endpoints are
 * the public ones unless AWS_ENDPOINT_URL_<SERVICE> or AWS_ENDPOINT_URL
 * says otherwise (AWS_IGNORE_CONFIGURED_ENDPOINT_URLS turns both off).
 * The credentials themselves are found by aws_credentials_resolve
 * (aws_credentials.h).
 */
#ifndef CLOUDPAM_CLOUD_AWS_CONFIG_H
#define CLOUDPAM_CLOUD_AWS_CONFIG_H

#include <limits.h>

#include "lib/err.h"

#define AWS_REGION_MAX 64
#define AWS_URL_MAX 512
#define AWS_ARN_MAX 2048
#define AWS_PROFILE_MAX 128

enum aws_service { AWS_EC2, AWS_STS, AWS_ORGANIZATIONS, AWS_SERVICE__MAX };

/* Signing names, "ec2", "sts", "organizations", by enum aws_service. */
extern const char *const aws_service_names[AWS_SERVICE__MAX];

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

#endif
