/*
 * aws_config.c: the AWS provider's settings, read once from the
 * environment under the names the AWS SDKs use, and the endpoint each
 * service is called at (aws_config.h).
 *
 * Every value is copied into a fixed field of struct aws_config and
 * checked there: a region of [a-z0-9-], endpoints that are http(s) URLs
 * without user information, query or blanks, a container credentials URI
 * that keeps its token off the network unless it is https.  Error messages
 * name the variable at fault, never its value.
 */
#include "cloud/aws_config.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/err.h"

#define CONTAINER_HOST "http://169.254.170.2"
#define CONTAINER_RELATIVE "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
#define CONTAINER_FULL "AWS_CONTAINER_CREDENTIALS_FULL_URI"
#define CONTAINER_TOKEN_FILE "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"

const char *const aws_service_names[AWS_SERVICE__MAX] = {
	"ec2",           /* AWS_EC2 */
	"sts",           /* AWS_STS */
	"organizations", /* AWS_ORGANIZATIONS */
};

/* AWS_ENDPOINT_URL_<this>, by enum aws_service. */
static const char *const endpoint_variables[AWS_SERVICE__MAX] = {
	"AWS_ENDPOINT_URL_EC2",           /* AWS_EC2 */
	"AWS_ENDPOINT_URL_STS",           /* AWS_STS */
	"AWS_ENDPOINT_URL_ORGANIZATIONS", /* AWS_ORGANIZATIONS */
};

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
