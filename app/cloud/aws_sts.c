/*
 * aws_sts.c: STS AssumeRole, AssumeRoleWithWebIdentity and
 * GetCallerIdentity (aws_sts.h).
 *
 * Each call is one Query API POST to the STS endpoint of cfg's region,
 * signed with SigV4 except AssumeRoleWithWebIdentity, whose token is the
 * proof.  Answers are XML read with expat, keeping only the handful of
 * leaf elements we need; a DTD, nesting past 16 or a value past its limit
 * makes the answer unreadable rather than truncated.  The answer buffer
 * and every form that carried a token are wiped before they are freed.
 */
#include "cloud/aws_sts.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "cloud/aws_config.h"
#include "cloud/aws_credentials.h"
#include "cloud/aws_request.h"
#include "cloud/http.h"
#include "cloud/sigv4.h"
#include "lib/buf.h"
#include "lib/err.h"

#define STS_VERSION "2011-06-15"
#define STS_ANSWER_MAX ((size_t)64 << 10)
#define FORM_TYPE "application/x-www-form-urlencoded; charset=utf-8"
#define SESSION_DEFAULT "cloudpam-collector"

enum sts_field {
	STS_ACCESS_KEY_ID,
	STS_SECRET,
	STS_TOKEN,
	STS_EXPIRATION,
	STS_ACCOUNT,
	STS_CODE,
	STS_MESSAGE,
	STS__MAX
};

static const char *const sts_elements[STS__MAX] = {
	"AccessKeyId",     /* STS_ACCESS_KEY_ID */
	"SecretAccessKey", /* STS_SECRET */
	"SessionToken",    /* STS_TOKEN */
	"Expiration",      /* STS_EXPIRATION */
	"Account",         /* STS_ACCOUNT */
	"Code",            /* STS_CODE */
	"Message",         /* STS_MESSAGE */
};

static const size_t sts_limits[STS__MAX] = {
	AWS_KEY_ID_MAX - 1,        /* STS_ACCESS_KEY_ID */
	AWS_SECRET_MAX - 1,        /* STS_SECRET */
	AWS_SESSION_TOKEN_MAX - 1, /* STS_TOKEN */
	64,                        /* STS_EXPIRATION */
	AWS_ACCOUNT_ID_SIZE - 1,   /* STS_ACCOUNT */
	128,                       /* STS_CODE */
	ERR_MESSAGE_MAX / 2,       /* STS_MESSAGE */
};

struct sts_answer {
	XML_Parser xml;
	char text[STS__MAX][AWS_SESSION_TOKEN_MAX];
	size_t len[STS__MAX];
	int field; /* being read, or -1 */
	int depth;
	int refused; /* the root is <ErrorResponse> */
	int bad;     /* a DTD, too deep, a value too long */
};

/* --- the answer ---------------------------------------------------- */

static void XMLCALL
sts_start(void *data, const XML_Char *name, const XML_Char **attributes)
{
	struct sts_answer *a = data;
	int i;

	(void)attributes;
	if (a->depth == 0 && strcmp(name, "ErrorResponse") == 0)
		a->refused = 1;
	if (++a->depth > 16)
		a->bad = 1;
	a->field = -1;
	for (i = 0; i < STS__MAX; i++)
		if (strcmp(name, sts_elements[i]) == 0 && a->len[i] == 0)
			a->field = i;
}

static void XMLCALL
sts_end(void *data, const XML_Char *name)
{
	struct sts_answer *a = data;

	(void)name;
	a->depth--;
	a->field = -1;
}

static void XMLCALL
sts_text(void *data, const XML_Char *s, int len)
{
	struct sts_answer *a = data;
	int f = a->field;

	if (f < 0 || len <= 0)
		return;
	if ((size_t)len > sts_limits[f] - a->len[f]) {
		a->bad = 1;
		XML_StopParser(a->xml, XML_FALSE);
		return;
	}
	memcpy(a->text[f] + a->len[f], s, (size_t)len);
	a->len[f] += (size_t)len;
	a->text[f][a->len[f]] = '\0';
}

static void XMLCALL
sts_doctype(void *data, const XML_Char *name, const XML_Char *system_id,
    const XML_Char *public_id, int internal)
{
	struct sts_answer *a = data;

	(void)name, (void)system_id, (void)public_id, (void)internal;
	a->bad = 1;
	XML_StopParser(a->xml, XML_FALSE);
}

/* Read an STS answer; a refusal becomes err "aws_error" "Code: Msg". */
static int
sts_parse(struct sts_answer *a, const struct buf *body, long status,
    const char *action, struct err *err)
{
	enum XML_Status rc;

	memset(a, 0, sizeof(*a));
	a->field = -1;
	if ((a->xml = XML_ParserCreate(NULL)) == NULL)
		return err_set(err, 500, "internal", "out of memory");
	XML_SetUserData(a->xml, a);
	XML_SetElementHandler(a->xml, sts_start, sts_end);
	XML_SetCharacterDataHandler(a->xml, sts_text);
	XML_SetStartDoctypeDeclHandler(a->xml, sts_doctype);
	rc = XML_Parse(
	    a->xml, body->data ? body->data : "", (int)body->len, XML_TRUE);
	XML_ParserFree(a->xml);
	a->xml = NULL;
	if (a->refused || (status >= 300 && rc == XML_STATUS_OK && !a->bad))
		return err_set(err, status >= 500 ? 502 : 403,
		    aws_code_is_auth(a->text[STS_CODE]) ? "aws_auth"
		                                        : "aws_error",
		    "STS %s: HTTP %ld %s: %s%s", action, status,
		    a->len[STS_CODE] ? a->text[STS_CODE] : "(no code)",
		    a->text[STS_MESSAGE],
		    aws_code_is_auth(a->text[STS_CODE])
		        ? " (the credentials or signature were refused)"
		        : "");
	if (rc != XML_STATUS_OK || a->bad || status < 200 || status >= 300)
		return err_set(err, 502, "sts_answer",
		    "STS %s: HTTP %ld, an answer that cannot be read", action,
		    status);
	return 0;
}

/* --- the call ------------------------------------------------------ */

/* One STS call: form is the Query API body; creds NULL: unsigned. */
static int
sts_call(const struct aws_config *cfg, const struct aws_credentials *creds,
    const struct buf *form, const char *action, struct cloud_report *report,
    struct sts_answer *answer, struct err *err)
{
	char url[AWS_URL_MAX], region[AWS_REGION_MAX];
	struct http_request req;
	struct aws_signer signer;
	struct buf body = BUF_INIT;
	long status = 0;
	int rc = -1;

	if (aws_endpoint(cfg, AWS_STS, cfg->region, url, region, err) == -1)
		return -1;
	aws_request_init(&req, cfg, url, FORM_TYPE, form);
	aws_signer_init(&signer, creds, region, AWS_STS);
	if (creds != NULL) {
		req.sign = aws_signer_sign;
		req.sign_ctx = &signer;
	}
	if (aws_call(&req, &body, STS_ANSWER_MAX, &status, report, err) == 0)
		rc = sts_parse(answer, &body, status, action, err);
	aws_signer_free(&signer);
	buf_wipe_free(&body);
	return rc;
}

static void
form_param(struct buf *form, const char *name, const char *value)
{
	buf_printf(form, "&%s=", name);
	sigv4_uri_encode(form, value, strlen(value), 0);
}

/* The keys in an answer read by sts_call, into out. */
static int
sts_keys(const struct sts_answer *a, enum aws_source source,
    struct aws_credentials *out, struct err *err)
{
	return aws_credentials_set(out, a->text[STS_ACCESS_KEY_ID],
	    a->text[STS_SECRET], a->text[STS_TOKEN], a->text[STS_EXPIRATION],
	    source, err);
}

int
aws_sts_assume_role(const struct aws_config *cfg,
    const struct aws_credentials *base, const char *role_arn,
    const char *session, struct cloud_report *report,
    struct aws_credentials *out, struct err *err)
{
	struct sts_answer *a;
	struct buf form = BUF_INIT;
	int rc = -1;

	if ((a = malloc(sizeof(*a))) == NULL)
		return err_set(err, 500, "internal", "out of memory");
	buf_puts(&form, "Action=AssumeRole&Version=" STS_VERSION);
	form_param(&form, "RoleArn", role_arn);
	form_param(&form, "RoleSessionName", session);
	buf_puts(&form, "&DurationSeconds=3600");
	if (form.oom)
		err_set(err, 500, "internal", "out of memory");
	else if (sts_call(cfg, base, &form, "AssumeRole", report, a, err) == 0)
		rc = sts_keys(a, AWS_SOURCE_ASSUME_ROLE, out, err);
	explicit_bzero(a, sizeof(*a));
	free(a);
	buf_free(&form);
	return rc;
}

int
aws_sts_assume_role_with_web_identity(const struct aws_config *cfg,
    const char *token, size_t len, struct cloud_report *report,
    struct aws_credentials *out, struct err *err)
{
	struct buf form = BUF_INIT;
	struct sts_answer *a;
	int rc = -1;

	if ((a = malloc(sizeof(*a))) == NULL)
		return err_set(err, 500, "internal", "out of memory");
	/* Room for every byte percent-encoded: no realloc copies the token. */
	buf_reserve(&form, len * 3 + AWS_ARN_MAX * 3 + 256);
	buf_puts(
	    &form, "Action=AssumeRoleWithWebIdentity&Version=" STS_VERSION);
	form_param(&form, "RoleArn", cfg->role_arn);
	form_param(&form, "RoleSessionName",
	    cfg->role_session_name[0] ? cfg->role_session_name
	                              : SESSION_DEFAULT);
	buf_puts(&form, "&WebIdentityToken=");
	sigv4_uri_encode(&form, token, len, 0);
	if (form.oom)
		err_set(err, 500, "internal", "out of memory");
	else if (sts_call(cfg, NULL, &form, "AssumeRoleWithWebIdentity", report,
	             a, err) == 0)
		rc = sts_keys(a, AWS_SOURCE_WEB_IDENTITY, out, err);
	explicit_bzero(a, sizeof(*a));
	free(a);
	buf_wipe_free(&form);
	return rc;
}

int
aws_sts_caller_account(const struct aws_config *cfg,
    const struct aws_credentials *creds, struct cloud_report *report,
    char account[AWS_ACCOUNT_ID_SIZE], struct err *err)
{
	struct sts_answer *a;
	struct buf form = BUF_INIT;
	size_t i;
	int rc = -1;

	if ((a = malloc(sizeof(*a))) == NULL)
		return err_set(err, 500, "internal", "out of memory");
	buf_puts(&form, "Action=GetCallerIdentity&Version=" STS_VERSION);
	if (sts_call(cfg, creds, &form, "GetCallerIdentity", report, a, err) ==
	    0) {
		rc = a->len[STS_ACCOUNT] == AWS_ACCOUNT_ID_SIZE - 1 ? 0 : -1;
		for (i = 0; rc == 0 && i < a->len[STS_ACCOUNT]; i++)
			if (!isdigit((unsigned char)a->text[STS_ACCOUNT][i]))
				rc = -1;
		if (rc == 0)
			memcpy(
			    account, a->text[STS_ACCOUNT], AWS_ACCOUNT_ID_SIZE);
		else
			err_set(err, 502, "sts_answer",
			    "STS GetCallerIdentity: no 12-digit account");
	}
	free(a);
	buf_free(&form);
	return rc;
}
