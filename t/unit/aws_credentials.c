/*
 * Unit tests for app/cloud/aws_credentials.c: the strict INI reader of the
 * shared credentials file, the order of the credential chain (environment
 * first), refusals that name the line but never the secret, endpoints
 * from AWS_ENDPOINT_URL*, the container credentials endpoint (which URIs
 * are allowed, its JSON answer, its token and its place in the chain),
 * and AWS throttling and error codes.
 */
#include "cloud/aws_credentials.h"
#include "cloud/aws_config.h"
#include "cloud/aws_ini.h"
#include "cloud/aws_request.h"
#include "lib/buf.h"
#include "unit/tap.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY"

/* A file text, the profile asked for, and what should come of it. */
struct ini_case {
	const char *name;
	const char *text;
	const char *profile;
	int rc, found;
	const char *key;   /* want, when found */
	const char *token; /* want, when found */
	const char *error; /* a piece of the message, when refused */
};

static const struct ini_case ini_cases[] = {
	{ "default profile",
	    "[default]\naws_access_key_id = AKID1\n"
	    "aws_secret_access_key = " SECRET "\n",
	    "default", 0, 1, "AKID1", "", NULL },
	{ "named profile among others",
	    "[default]\naws_access_key_id=AKID1\naws_secret_access_key=x\n"
	    "[collector]\naws_access_key_id=AKID2\n"
	    "aws_secret_access_key=" SECRET "\n[other]\nregion=eu-west-1\n",
	    "collector", 0, 1, "AKID2", "", NULL },
	{ "comments, blank lines, CRLF",
	    "# a comment\r\n; another\r\n\r\n[p]\r\n"
	    "aws_access_key_id = AKID3\r\n  \r\n"
	    "aws_secret_access_key = " SECRET "\r\n",
	    "p", 0, 1, "AKID3", "", NULL },
	{ "blanks around = and at the ends",
	    "[ p ]  \naws_access_key_id\t=\tAKID4   \n"
	    "aws_secret_access_key =" SECRET "\n",
	    "p", 0, 1, "AKID4", "", NULL },
	{ "colon as the delimiter",
	    "[p]\naws_access_key_id: AKID5\naws_secret_access_key: " SECRET
	    "\n",
	    "p", 0, 1, "AKID5", "", NULL },
	{ "session token",
	    "[p]\naws_access_key_id=AKID6\n"
	    "aws_secret_access_key=" SECRET "\n"
	    "aws_session_token=FwoGZXIvYXdzEJr//token==\n",
	    "p", 0, 1, "AKID6", "FwoGZXIvYXdzEJr//token==", NULL },
	{ "nested block below an empty value",
	    "[p]\ns3 =\n  max_concurrent_requests = 20\n"
	    "aws_access_key_id=AKID7\naws_secret_access_key=" SECRET "\n",
	    "p", 0, 1, "AKID7", "", NULL },
	{ "profile absent",
	    "[default]\naws_access_key_id=AKID1\n"
	    "aws_secret_access_key=" SECRET "\n",
	    "missing", 0, 0, NULL, NULL, NULL },
	{ "profile without keys", "[p]\nrole_arn=arn:aws:iam::1:role/x\n", "p",
	    0, 0, NULL, NULL, NULL },
	{ "empty file", "", "default", 0, 0, NULL, NULL, NULL },
	{ "refuse a key outside a section",
	    "aws_secret_access_key=" SECRET "\n[p]\n", "p", -1, 0, NULL, NULL,
	    "line 1: a key outside any [section]" },
	{ "refuse a line that is not key = value",
	    "[p]\naws_access_key_id AKID\n" SECRET "\n", "p", -1, 0, NULL, NULL,
	    "line 2: neither a section nor key = value" },
	{ "refuse a section without ]", "[p\naws_access_key_id=A\n", "p", -1, 0,
	    NULL, NULL, "line 1: a section without its ']'" },
	{ "refuse an empty section name", "[ ]\n", "p", -1, 0, NULL, NULL,
	    "line 1: a malformed section name" },
	{ "refuse a section twice",
	    "[p]\naws_access_key_id=A\n[q]\n[p]\naws_secret_access_key=" SECRET
	    "\n",
	    "p", -1, 0, NULL, NULL, "line 4: a section named twice" },
	{ "refuse a key twice",
	    "[p]\naws_secret_access_key=" SECRET "\naws_access_key_id=A\n"
	    "aws_secret_access_key=" SECRET "\n",
	    "p", -1, 0, NULL, NULL, "line 4: a key given twice" },
	{ "refuse a key twice in another profile",
	    "[q]\nregion=a\nregion=b\n[p]\n", "p", -1, 0, NULL, NULL,
	    "line 3: a key given twice" },
	{ "refuse an indented line outside a nested block",
	    "[p]\naws_access_key_id=A\n  aws_secret_access_key=" SECRET "\n",
	    "p", -1, 0, NULL, NULL, "line 3: an indented line" },
	{ "refuse one key without the other", "[p]\naws_access_key_id=A\n", "p",
	    -1, 0, NULL, NULL,
	    "has aws_access_key_id but not aws_secret_access_key" },
	{ "refuse a secret without a key id",
	    "[p]\naws_secret_access_key=" SECRET "\n", "p", -1, 0, NULL, NULL,
	    "has aws_secret_access_key but not aws_access_key_id" },
	{ "refuse a blank inside a key value",
	    "[p]\naws_access_key_id=A\naws_secret_access_key=wJalr " SECRET
	    "\n",
	    "p", -1, 0, NULL, NULL, "line 3: a key value holding a blank" },
	{ "refuse a value without a key", "[p]\n= " SECRET "\n", "p", -1, 0,
	    NULL, NULL, "line 2: a value without a key" },
};

static void
test_ini(void)
{
	struct aws_credentials c;
	struct err err;
	size_t i;
	int found, rc;

	for (i = 0; i < sizeof(ini_cases) / sizeof(ini_cases[0]); i++) {
		const struct ini_case *t = &ini_cases[i];

		memset(&c, 0, sizeof(c));
		err_clear(&err);
		found = -1;
		rc = aws_credentials_parse_ini(t->text, strlen(t->text),
		    t->profile, "creds", &c, &found, &err);
		if (!tap_ok(
		        rc == t->rc && found == t->found, "ini: %s", t->name))
			tap_diag(
			    "have: rc %d found %d (%s); want: rc %d found %d",
			    rc, found, err.message, t->rc, t->found);
		if (t->key != NULL) {
			tap_str(c.access_key_id, t->key, "  access key id");
			tap_str(c.secret_access_key, SECRET, "  secret");
			tap_str(c.session_token, t->token, "  session token");
		}
		if (t->error == NULL)
			continue;
		if (!tap_ok(strstr(err.message, t->error) != NULL &&
		                strcmp(err.code, "invalid_credentials") == 0,
		        "  says why"))
			tap_diag("have: \"%s\"; want: \"%s\"", err.message,
			    t->error);
		tap_ok(strstr(err.message, "wJalr") == NULL &&
		           strstr(err.message, "AKID") == NULL,
		    "  quotes no value");
	}
}

static void
test_ini_bytes(void)
{
	static const char nul[] = "[p]\naws_access_key_id=A\0B\n";
	struct aws_credentials c;
	struct buf big = BUF_INIT;
	struct err err = ERR_INIT;
	size_t i;
	int found;

	tap_int(aws_credentials_parse_ini(
	            nul, sizeof(nul) - 1, "p", "creds", &c, &found, &err),
	    -1, "ini: refuse a NUL byte");
	tap_ok(strstr(err.message, "NUL") != NULL, "  says so");
	buf_puts(&big, "[p]\naws_access_key_id=");
	for (i = 0; i < AWS_INI_LINE_MAX; i++)
		buf_putc(&big, 'A');
	buf_puts(&big, "\n");
	tap_int(aws_credentials_parse_ini(
	            big.data, big.len, "p", "creds", &c, &found, &err),
	    -1, "ini: refuse a line past AWS_INI_LINE_MAX");
	tap_ok(strstr(err.message, "line 2: a line too long") != NULL,
	    "  names the line");
	buf_reset(&big);
	buf_puts(&big, "[p]\naws_access_key_id=A\naws_secret_access_key=");
	for (i = 0; i < AWS_SECRET_MAX; i++)
		buf_putc(&big, 'S');
	tap_int(aws_credentials_parse_ini(
	            big.data, big.len, "p", "creds", &c, &found, &err),
	    -1, "ini: refuse a secret longer than AWS_SECRET_MAX");
	buf_free(&big);
}

static const char *const aws_variables[] = { "AWS_ACCESS_KEY_ID",
	"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
	"AWS_SHARED_CREDENTIALS_FILE", "AWS_WEB_IDENTITY_TOKEN_FILE",
	"AWS_ROLE_ARN", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL",
	"AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL_STS",
	"AWS_ENDPOINT_URL_ORGANIZATIONS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
	"AWS_EC2_METADATA_SERVICE_ENDPOINT",
	"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	"AWS_CONTAINER_CREDENTIALS_FULL_URI",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE" };

static void
env_clean(void)
{
	size_t i;

	for (i = 0; i < sizeof(aws_variables) / sizeof(aws_variables[0]); i++)
		unsetenv(aws_variables[i]);
	/* Never ask a real instance metadata service from a unit test. */
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("HOME", "/nonexistent-cloudpam-home", 1);
}

static int
chain(struct aws_credentials *c, struct err *err)
{
	struct aws_config cfg;

	err_clear(err);
	memset(c, 0, sizeof(*c));
	if (aws_config_from_env(&cfg, err) == -1)
		return -1;
	return aws_credentials_resolve(&cfg, NULL, c, err);
}

static void
file_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

static void
test_chain(void)
{
	char path[] = "/tmp/cloudpam-creds-XXXXXX";
	struct aws_credentials c;
	struct err err;
	int fd = mkstemp(path);

	if (fd != -1)
		close(fd);
	file_write(path, "[default]\naws_access_key_id=AKIDFILE\n"
	                 "aws_secret_access_key=" SECRET "\n"
	                 "[collector]\naws_access_key_id=AKIDPROFILE\n"
	                 "aws_secret_access_key=" SECRET "\n");
	env_clean();
	tap_int(chain(&c, &err), -1, "chain: nothing anywhere");
	tap_str(err.code, "no_credentials", "  no_credentials");

	setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
	tap_int(chain(&c, &err), 0, "chain: the shared file");
	tap_str(c.access_key_id, "AKIDFILE", "  default profile");
	tap_str(aws_source_names[c.source], "shared_file", "  source");

	setenv("AWS_PROFILE", "collector", 1);
	tap_int(chain(&c, &err), 0, "chain: AWS_PROFILE");
	tap_str(c.access_key_id, "AKIDPROFILE", "  its keys");

	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", SECRET, 1);
	setenv("AWS_SESSION_TOKEN", "envtoken", 1);
	tap_int(chain(&c, &err), 0, "chain: environment and file");
	tap_str(c.access_key_id, "AKIDENV", "  the environment comes first");
	tap_str(c.session_token, "envtoken", "  with its session token");
	tap_str(aws_source_names[c.source], "environment", "  source");

	unsetenv("AWS_SECRET_ACCESS_KEY");
	tap_int(chain(&c, &err), -1, "chain: a key id without a secret");
	tap_str(err.code, "invalid_credentials", "  invalid_credentials");
	tap_ok(strstr(err.message, "AWS_SECRET_ACCESS_KEY is not") != NULL,
	    "  names the missing variable");
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SESSION_TOKEN");

	setenv("AWS_PROFILE", "absent", 1);
	tap_int(chain(&c, &err), -1, "chain: a named profile not in the file");
	tap_ok(strstr(err.message, "no keys for profile absent") != NULL,
	    "  says so");

	unsetenv("AWS_PROFILE");
	file_write(path, "[default]\naws_access_key_id=AKIDFILE\n"
	                 "aws_secret_access_key " SECRET "\n");
	tap_int(chain(&c, &err), -1, "chain: a malformed file is refused");
	tap_ok(strstr(err.message, "line 3") != NULL &&
	           strstr(err.message, "wJalr") == NULL,
	    "  names the line, not the secret");

	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
	setenv("AWS_PROFILE", "collector", 1);
	tap_int(chain(&c, &err), -1, "chain: AWS_PROFILE without the file");
	tap_str(err.code, "invalid_credentials", "  invalid_credentials");
	unlink(path);
	env_clean();
	aws_credentials_clear(&c);
}

static void
endpoint_is(const char *name, enum aws_service s, const char *region,
    const char *want_url, const char *want_region)
{
	char url[AWS_URL_MAX], signing[AWS_REGION_MAX];
	struct aws_config cfg;
	struct err err = ERR_INIT;

	if (aws_config_from_env(&cfg, &err) == -1 ||
	    aws_endpoint(&cfg, s, region, url, signing, &err) == -1) {
		tap_ok(0, "endpoint: %s", name);
		tap_diag("have: %s; want: %s", err.message, want_url);
		return;
	}
	if (!tap_ok(
	        strcmp(url, want_url) == 0 && strcmp(signing, want_region) == 0,
	        "endpoint: %s", name))
		tap_diag("have: %s %s; want: %s %s", url, signing, want_url,
		    want_region);
}

static void
test_endpoints(void)
{
	struct aws_config cfg;
	struct err err = ERR_INIT;

	env_clean();
	endpoint_is("EC2 default", AWS_EC2, "eu-west-1",
	    "https://ec2.eu-west-1.amazonaws.com/", "eu-west-1");
	endpoint_is("STS regional", AWS_STS, "eu-west-1",
	    "https://sts.eu-west-1.amazonaws.com/", "eu-west-1");
	endpoint_is("Organizations is global", AWS_ORGANIZATIONS, "eu-west-1",
	    "https://organizations.us-east-1.amazonaws.com/", "us-east-1");
	endpoint_is("China partition", AWS_EC2, "cn-north-1",
	    "https://ec2.cn-north-1.amazonaws.com.cn/", "cn-north-1");
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566", 1);
	setenv("AWS_ENDPOINT_URL_EC2", "http://localhost:9000/ec2", 1);
	endpoint_is("AWS_ENDPOINT_URL_EC2 beats AWS_ENDPOINT_URL", AWS_EC2,
	    "eu-west-1", "http://localhost:9000/ec2", "eu-west-1");
	endpoint_is("AWS_ENDPOINT_URL for the rest, '/' added", AWS_STS,
	    "eu-west-1", "http://127.0.0.1:4566/", "eu-west-1");
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
	endpoint_is("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", AWS_EC2, "eu-west-1",
	    "https://ec2.eu-west-1.amazonaws.com/", "eu-west-1");
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	setenv("AWS_ENDPOINT_URL_STS", "ftp://x", 1);
	tap_int(aws_config_from_env(&cfg, &err), -1,
	    "config: refuse a scheme that is not http(s)");
	tap_str(err.field, "AWS_ENDPOINT_URL_STS", "  names the variable");
	unsetenv("AWS_ENDPOINT_URL_STS");
	setenv("AWS_REGION", "eu-west-1/../x", 1);
	tap_int(aws_config_from_env(&cfg, &err), -1,
	    "config: refuse a region that is not [a-z0-9-]");
	setenv("AWS_REGION", "ap-south-2", 1);
	setenv("AWS_DEFAULT_REGION", "us-west-1", 1);
	tap_int(aws_config_from_env(&cfg, &err), 0, "config: both regions");
	tap_str(cfg.region, "ap-south-2", "  AWS_REGION comes first");
	env_clean();
}

/* The container URI variables and the URL, or the refusal, they give. */
struct container_uri_case {
	const char *name;
	const char *relative, *full; /* NULL: unset */
	const char *url;             /* want; NULL: refused */
	const char *error;           /* a piece of the message */
};

static const struct container_uri_case container_uri_cases[] = {
	{ "relative URI (ECS)", "/v2/credentials/3f1c0a7e", NULL,
	    "http://169.254.170.2/v2/credentials/3f1c0a7e", NULL },
	{ "relative URI beats full URI", "/v2/credentials/a",
	    "https://creds.example.com/x",
	    "http://169.254.170.2/v2/credentials/a", NULL },
	{ "full URI: 127.0.0.1 with a port", NULL,
	    "http://127.0.0.1:8080/v2/credentials/t",
	    "http://127.0.0.1:8080/v2/credentials/t", NULL },
	{ "full URI: anywhere in 127.0.0.0/8", NULL, "http://127.1.2.254/c",
	    "http://127.1.2.254/c", NULL },
	{ "full URI: localhost, a query", NULL,
	    "http://localhost:9001/2021-04-23/credentials?x=1",
	    "http://localhost:9001/2021-04-23/credentials?x=1", NULL },
	{ "full URI: [::1]", NULL, "http://[::1]:80/c", "http://[::1]:80/c",
	    NULL },
	{ "full URI: https to any host", NULL, "https://creds.example.com/c",
	    "https://creds.example.com/c", NULL },
	{ "full URI: EKS Pod Identity agent", NULL,
	    "http://169.254.170.23/v1/credentials",
	    "http://169.254.170.23/v1/credentials", NULL },
	{ "full URI: EKS Pod Identity agent, IPv6", NULL,
	    "http://[fd00:ec2::23]/v1/credentials",
	    "http://[fd00:ec2::23]/v1/credentials", NULL },
	{ "full URI: a bare loopback host", NULL, "http://127.0.0.1",
	    "http://127.0.0.1", NULL },
	{ "refuse full URI: http to a private address", NULL,
	    "http://10.0.0.5/v2/credentials/t", NULL,
	    "must be https, or http to a loopback address" },
	{ "refuse full URI: http to a host name", NULL,
	    "http://creds.example.com/c", NULL, "must be https" },
	{ "refuse full URI: loopback-looking host name", NULL,
	    "http://127.0.0.1.example.com/c", NULL, "must be https" },
	{ "refuse full URI: localhost as a prefix", NULL,
	    "http://localhost.example.com/c", NULL, "must be https" },
	{ "refuse full URI: an octet past 255", NULL, "http://127.0.0.256/c",
	    NULL, "must be https" },
	{ "refuse full URI: a short dotted quad", NULL, "http://127.1/c", NULL,
	    "must be https" },
	{ "refuse full URI: IPv6 other than ::1", NULL, "http://[::2]/c", NULL,
	    "must be https" },
	{ "refuse full URI: user information", NULL,
	    "http://127.0.0.1@creds.example.com/c", NULL,
	    "has no host (or has user information)" },
	{ "refuse full URI: no host", NULL, "http:///c", NULL, "has no host" },
	{ "refuse full URI: another scheme", NULL, "ftp://127.0.0.1/c", NULL,
	    "must start with http:// or https://" },
	{ "refuse full URI: a blank", NULL, "http://127.0.0.1/c d", NULL,
	    "holds a blank" },
	{ "refuse relative URI: not a path", "v2/credentials/x", NULL, NULL,
	    "must be a path" },
	{ "refuse relative URI: a line break", "/v2/credentials\r\nX: y", NULL,
	    NULL, "must be a path" },
};

static void
test_container_uri(void)
{
	struct aws_config cfg;
	struct err err;
	size_t i;
	int rc;

	for (i = 0;
	     i < sizeof(container_uri_cases) / sizeof(container_uri_cases[0]);
	     i++) {
		const struct container_uri_case *t = &container_uri_cases[i];

		env_clean();
		if (t->relative != NULL)
			setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
			    t->relative, 1);
		if (t->full != NULL)
			setenv(
			    "AWS_CONTAINER_CREDENTIALS_FULL_URI", t->full, 1);
		err_clear(&err);
		rc = aws_config_from_env(&cfg, &err);
		if (t->url != NULL) {
			if (!tap_ok(rc == 0 &&
			                strcmp(cfg.container_url, t->url) == 0,
			        "container URI: %s", t->name))
				tap_diag(
				    "have: rc %d \"%s\" (%s); want: \"%s\"", rc,
				    rc == 0 ? cfg.container_url : "",
				    err.message, t->url);
			continue;
		}
		if (!tap_ok(rc == -1 && strstr(err.message, t->error) != NULL &&
		                strcmp(err.code, "invalid_config") == 0,
		        "container URI: %s", t->name))
			tap_diag("have: rc %d \"%s\"; want: -1 \"%s\"", rc,
			    err.message, t->error);
		tap_ok(
		    strncmp(err.field, "AWS_CONTAINER_CREDENTIALS_", 26) == 0 &&
		        strstr(err.message, "example") == NULL &&
		        strstr(err.message, "127.") == NULL &&
		        strstr(err.message, "credentials/") == NULL,
		    "  names the variable, not its value");
	}
	env_clean();
}

/* A container endpoint answer and what should come of it. */
struct container_json_case {
	const char *name;
	const char *text;
	const char *key; /* want; NULL: refused */
	time_t expiration;
	const char *error; /* a piece of the message */
};

#define CONTAINER_OK_KEYS                                                      \
	"\"AccessKeyId\": \"ASIAEXAMPLE\", \"SecretAccessKey\": \"" SECRET     \
	"\", \"Token\": \"IQoJb3JpZ2luX2VjEXAMPLE==\""

static const struct container_json_case container_json_cases[] = {
	{ "an ECS answer",
	    "{" CONTAINER_OK_KEYS ", \"Expiration\": \"2024-05-01T12:00:00Z\","
	    " \"RoleArn\": \"arn:aws:iam::111111111111:role/task\"}",
	    "ASIAEXAMPLE", 1714564800, NULL },
	{ "fractional seconds, +00:00, blanks after",
	    "{" CONTAINER_OK_KEYS
	    ", \"Expiration\": \"2024-05-01T12:00:00.123+00:00\"}\n  ",
	    "ASIAEXAMPLE", 1714564800, NULL },
	{ "no expiration: does not expire", "{" CONTAINER_OK_KEYS "}",
	    "ASIAEXAMPLE", 0, NULL },
	{ "refuse an error answer",
	    "{\"code\": \"AccessDeniedException\", \"message\": \"no\"}", NULL,
	    0, "container: an answer without usable keys" },
	{ "refuse a missing session token",
	    "{\"AccessKeyId\": \"ASIAEXAMPLE\", \"SecretAccessKey\": \"" SECRET
	    "\"}",
	    NULL, 0, "an answer without usable keys" },
	{ "refuse a key that is not a string",
	    "{\"AccessKeyId\": 12, \"SecretAccessKey\": \"" SECRET
	    "\", \"Token\": \"t\"}",
	    NULL, 0, "an answer without usable keys" },
	{ "refuse an expiration that cannot be read",
	    "{" CONTAINER_OK_KEYS ", \"Expiration\": \"tomorrow\"}", NULL, 0,
	    "an expiration that cannot be read" },
	{ "refuse an array", "[{" CONTAINER_OK_KEYS "}]", NULL, 0,
	    "not a JSON object" },
	{ "refuse text after the object", "{" CONTAINER_OK_KEYS "} {}", NULL, 0,
	    "not a JSON object" },
	{ "refuse a cut answer", "{" CONTAINER_OK_KEYS, NULL, 0,
	    "not a JSON object" },
	{ "refuse an empty answer", "", NULL, 0, "not a JSON object" },
};

static void
test_container_json(void)
{
	struct aws_credentials c;
	struct err err;
	size_t i;
	int rc;

	for (i = 0;
	     i < sizeof(container_json_cases) / sizeof(container_json_cases[0]);
	     i++) {
		const struct container_json_case *t = &container_json_cases[i];

		memset(&c, 0, sizeof(c));
		err_clear(&err);
		rc = aws_credentials_parse_container(
		    t->text, strlen(t->text), &c, &err);
		if (t->key != NULL) {
			if (!tap_ok(rc == 0, "container JSON: %s", t->name))
				tap_diag("have: %s; want: keys", err.message);
			tap_str(c.access_key_id, t->key, "  access key id");
			tap_str(c.secret_access_key, SECRET, "  secret");
			tap_str(c.session_token,
			    "IQoJb3JpZ2luX2VjEXAMPLE==", "  session token");
			tap_int((long long)c.expiration,
			    (long long)t->expiration, "  expiration");
			tap_str(aws_source_names[c.source], "container",
			    "  source");
			continue;
		}
		if (!tap_ok(rc == -1 && strstr(err.message, t->error) != NULL &&
		                strcmp(err.code, "container_answer") == 0,
		        "container JSON: %s", t->name))
			tap_diag("have: rc %d %s \"%s\"; want: -1 "
			         "container_answer \"%s\"",
			    rc, err.code, err.message, t->error);
		tap_ok(strstr(err.message, "wJalr") == NULL &&
		           c.access_key_id[0] == '\0',
		    "  quotes no value, fills nothing");
	}
}

/* A loopback port that refuses connections: bound, never listening. */
static int
closed_port(int *fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((*fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(*fd, (struct sockaddr *)&a, sizeof(a)) == -1 ||
	    getsockname(*fd, (struct sockaddr *)&a, &len) == -1)
		return 0;
	return ntohs(a.sin_port);
}

static void
test_chain_container(void)
{
	char path[] = "/tmp/cloudpam-creds-XXXXXX", url[64];
	struct aws_credentials c;
	struct err err;
	int fd = mkstemp(path), sock = -1;

	if (fd != -1)
		close(fd);
	env_clean();
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/v2/credentials/t",
	    closed_port(&sock));
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
	file_write(path, "[default]\naws_access_key_id=AKIDFILE\n"
	                 "aws_secret_access_key=" SECRET "\n");
	setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
	tap_int(
	    chain(&c, &err), 0, "chain: the shared file before the container");
	tap_str(aws_source_names[c.source], "shared_file", "  source");

	unsetenv("AWS_SHARED_CREDENTIALS_FILE");
	tap_int(chain(&c, &err), -1, "chain: a container endpoint that fails");
	tap_str(err.code, "http_transport",
	    "  the transport error, not "
	    "no_credentials");
	tap_ok(
	    strncmp(err.message, "container credentials: GET http://", 34) == 0,
	    "  says it was the container endpoint");

	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
	    "/nonexistent/eks-pod-identity-token", 1);
	tap_int(chain(&c, &err), -1, "chain: a container token file missing");
	tap_str(err.code, "invalid_credentials", "  invalid_credentials");
	tap_str(err.field, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
	    "  names the variable");

	file_write(path, "line one\nline two\n");
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", path, 1);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "not used", 1);
	tap_int(chain(&c, &err), -1,
	    "chain: a container token file with a line break");
	tap_ok(strstr(err.message, "holds a line break") != NULL &&
	           strstr(err.message, "line one") == NULL,
	    "  says so, without the token");

	unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "tok\r\nX-Injected: 1", 1);
	tap_int(chain(&c, &err), -1, "chain: a container token with CR LF");
	tap_str(err.field, "AWS_CONTAINER_AUTHORIZATION_TOKEN",
	    "  names the variable");

	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", SECRET, 1);
	tap_int(
	    chain(&c, &err), 0, "chain: the environment before the container");
	tap_str(aws_source_names[c.source], "environment", "  source");

	env_clean();
	tap_int(chain(&c, &err), -1, "chain: no container endpoint set");
	tap_ok(strstr(err.message, "no container endpoint") != NULL,
	    "  no_credentials says so");
	if (sock != -1)
		close(sock);
	unlink(path);
	aws_credentials_clear(&c);
}

static const struct {
	long status;
	const char *body;
	int want;
} throttles[] = {
	{ 503, "<Response><Errors><Error><Code>RequestLimitExceeded</Code>",
	    1 },
	{ 400, "<ErrorResponse><Error><Code>Throttling</Code></Error>", 1 },
	{ 400, "{\"__type\":\"com.amazon#TooManyRequestsException\"}", 1 },
	{ 400, "{\"__type\": \"ThrottlingException\", \"message\": \"x\"}", 1 },
	{ 400, "<Response><Errors><Error><Code>InvalidVpcID.NotFound</Code>",
	    0 },
	{ 403, "<Code>SignatureDoesNotMatch</Code>", 0 },
	{ 200, "<Code>Throttling</Code>", 0 },
	{ 400, "<Code>ThrottlingX</Code>", 0 },
};

static void
test_errors(void)
{
	static const char json[] = "{\"__type\":\"x.y#AccessDeniedException\","
	                           "\"Message\":\"no\"}";
	char code[64], message[64];
	size_t i;

	for (i = 0; i < sizeof(throttles) / sizeof(throttles[0]); i++)
		tap_int(aws_is_throttle(throttles[i].status, throttles[i].body,
		            strlen(throttles[i].body)),
		    throttles[i].want, throttles[i].body);
	aws_error_read(json, sizeof(json) - 1, code, sizeof(code), message,
	    sizeof(message));
	tap_str(code, "AccessDeniedException", "error code after '#'");
	tap_str(message, "no", "JSON Message");
}

int
main(void)
{
	test_ini();
	test_ini_bytes();
	test_chain();
	test_endpoints();
	test_container_uri();
	test_container_json();
	test_chain_container();
	test_errors();
	return tap_done();
}
