/*
 * sigv4.c: AWS Signature Version 4 signing.
 *
 * One pass per request: check every input once (prepare), build the
 * canonical request, hash it into the string to sign, derive the signing
 * key and sign, then write the Authorization value or the presigned query.
 * Header and query lists are sorted as arrays of items whose text lives in
 * one reused buffer, so a warm result signs without allocating.
 *
 * This file holds the checks of what is signed, the crypto, the steps
 * after the canonical request and the public entry points; the canonical
 * request itself and the percent-encoding are in sigv4_canonical.c.
 */
#include "cloud/sigv4.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "cloud/cloud_internal.h"
#include "lib/buf.h"
#include "lib/err.h"

#define SCOPE_TERMINATOR "aws4_request"
#define METHOD_MAX_LEN 32
#define HEADER_NAME_MAX_LEN 256
#define SECRET_MAX_LEN 256
#define SESSION_TOKEN_MAX_LEN 8192
#define SIGV4_FLAGS_ALL                                                        \
	(SIGV4_SINGLE_ENCODE | SIGV4_KEEP_PATH | SIGV4_SIGN_BODY |             \
	    SIGV4_OMIT_SESSION_TOKEN)

typedef int (*step_fn)(struct sigv4_context *, struct err *);
typedef int (*char_fn)(unsigned char);

static const char hex_lower[] = "0123456789abcdef";

static int
is_token_char(unsigned char c)
{
	/* RFC 9110 section 5.6.2: tchar */
	return cloud_sigv4_is_alnum(c) ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Visible ASCII: secrets, tokens and payload hashes hold nothing else. */
static int
is_visible(unsigned char c)
{
	return c > ' ' && c < 0x7f;
}

static int
is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static void
put_hex(char *out, const unsigned char *data, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = hex_lower[data[i] >> 4];
		out[2 * i + 1] = hex_lower[data[i] & 15];
	}
	out[2 * len] = '\0';
}

/*
 * OpenSSL 3 looks an algorithm up on every one-shot HMAC() or EVP_Digest()
 * call; fetching once per result and reusing the contexts makes signing
 * several times faster.
 */
static int
crypto_ready(struct sigv4_work *w, struct err *err)
{
	OSSL_PARAM params[2];
	EVP_MAC *algorithm;

	if (w->hmac != NULL)
		return 0;
	params[0] = OSSL_PARAM_construct_utf8_string("digest", "SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	w->sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
	w->sha256 = EVP_MD_CTX_new();
	if ((algorithm = EVP_MAC_fetch(NULL, "HMAC", NULL)) != NULL) {
		w->hmac = EVP_MAC_CTX_new(algorithm);
		EVP_MAC_free(algorithm); /* the context keeps a reference */
	}
	if (w->sha256_md == NULL || w->sha256 == NULL || w->hmac == NULL ||
	    EVP_MAC_CTX_set_params(w->hmac, params) != 1) {
		EVP_MAC_CTX_free(w->hmac);
		w->hmac = NULL;
		return err_set(err, 500, "internal", "OpenSSL has no SHA-256");
	}
	return 0;
}

static int
sha256(struct sigv4_work *w, const void *data, size_t len,
    unsigned char digest[SIGV4_SHA256_SIZE], struct err *err)
{
	unsigned int digest_len = 0;

	if (EVP_DigestInit_ex2(w->sha256, w->sha256_md, NULL) != 1 ||
	    EVP_DigestUpdate(w->sha256, data, len) != 1 ||
	    EVP_DigestFinal_ex(w->sha256, digest, &digest_len) != 1 ||
	    digest_len != SIGV4_SHA256_SIZE)
		return err_set(err, 500, "internal", "SHA-256 failed");
	return 0;
}

static int
sha256_hex(struct sigv4_work *w, const void *data, size_t len,
    char hex[SIGV4_SIGNATURE_SIZE], struct err *err)
{
	unsigned char digest[SIGV4_SHA256_SIZE];

	if (sha256(w, data, len, digest, err) == -1)
		return -1;
	put_hex(hex, digest, SIGV4_SHA256_SIZE);
	return 0;
}

static int
hmac_sha256(struct sigv4_work *w, const void *key, size_t key_len,
    const char *data, size_t len, unsigned char out[SIGV4_SHA256_SIZE],
    struct err *err)
{
	size_t out_len = 0;

	if (EVP_MAC_init(w->hmac, key, key_len, NULL) != 1 ||
	    EVP_MAC_update(w->hmac, (const unsigned char *)data, len) != 1 ||
	    EVP_MAC_final(w->hmac, out, &out_len, SIGV4_SHA256_SIZE) != 1 ||
	    out_len != SIGV4_SHA256_SIZE)
		return err_set(err, 500, "internal", "HMAC-SHA256 failed");
	return 0;
}

int
cloud_sigv4_check_memory(const struct sigv4_context *c, struct err *err)
{
	const struct sigv4_result *r = c->result;
	const struct sigv4_work *w = c->work;

	if (r->canonical_request.oom || r->string_to_sign.oom ||
	    r->authorization.oom || r->query.oom || w->text.oom ||
	    w->items.oom || w->canonical_headers.oom || w->signed_headers.oom)
		return err_set(err, 500, "internal", "out of memory signing");
	return 0;
}

int
cloud_sigv4_refuse(struct err *err, const char *field, const char *fmt, ...)
{
	char message[ERR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	return err_field(err, 400, "invalid_request", field, "%s", message);
}

/* A required string of at most max bytes, each one allowed. */
static int
check_string(const char *s, size_t max, char_fn allowed, const char *field,
    struct err *err)
{
	size_t i;

	if (s == NULL || *s == '\0')
		return cloud_sigv4_refuse(err, field, "%s is required", field);
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= max)
			return cloud_sigv4_refuse(err, field,
			    "%s is longer than %zu bytes", field, max);
		if (!allowed((unsigned char)s[i]))
			return cloud_sigv4_refuse(err, field,
			    "%s may not hold byte 0x%02x", field,
			    (unsigned char)s[i]);
	}
	return 0;
}

static int
check_credentials(const struct sigv4_credentials *c, struct err *err)
{
	if (check_string(c->access_key_id, SIGV4_ACCESS_KEY_MAX_LEN,
	        cloud_sigv4_is_alnum, "access_key_id", err) == -1 ||
	    check_string(c->secret_access_key, SECRET_MAX_LEN, is_visible,
	        "secret_access_key", err) == -1)
		return -1;
	if (c->session_token == NULL || *c->session_token == '\0')
		return 0;
	return check_string(c->session_token, SESSION_TOKEN_MAX_LEN, is_visible,
	    "session_token", err);
}

/* Path and query go on the request line: no control bytes. */
static int
check_target(const struct sigv4_req *req, struct err *err)
{
	const char *s;

	if (req->path == NULL || (*req->path != '\0' && *req->path != '/'))
		return cloud_sigv4_refuse(
		    err, "path", "path must start with /");
	for (s = req->path; *s != '\0'; s++)
		if (is_control((unsigned char)*s) || *s == '?' || *s == '#')
			return cloud_sigv4_refuse(
			    err, "path", "path holds a control byte, ? or #");
	for (s = req->query ? req->query : ""; *s != '\0'; s++)
		if (is_control((unsigned char)*s) || *s == '#')
			return cloud_sigv4_refuse(
			    err, "query", "query holds a control byte or #");
	return 0;
}

static int
check_header(const struct sigv4_header *h, struct err *err)
{
	const char *s;

	/* The name is not quoted back: it may hold CR or LF. */
	if (h->name == NULL || h->value == NULL ||
	    check_string(h->name, HEADER_NAME_MAX_LEN, is_token_char, "headers",
	        err) == -1)
		return cloud_sigv4_refuse(err, "headers",
		    "a header name is missing, too long or not an RFC 9110 "
		    "token, or its value is missing");
	if (strcasecmp(h->name, "authorization") == 0)
		return cloud_sigv4_refuse(err, "headers",
		    "Authorization is made by the signer, not signed");
	/* RFC 9110 section 5.5: a field value holds no CR, LF or NUL. */
	for (s = h->value; *s != '\0'; s++) {
		if (*s == '\r' || *s == '\n')
			return cloud_sigv4_refuse(err, "headers",
			    "header %s holds CR or LF", h->name);
		if (is_control((unsigned char)*s) && *s != '\t')
			return cloud_sigv4_refuse(err, "headers",
			    "header %s holds a control byte", h->name);
	}
	return 0;
}

static int
check_headers(const struct sigv4_req *req, struct err *err)
{
	size_t i;
	int host = 0;

	if (req->headers_len > 0 && req->headers == NULL)
		return cloud_sigv4_refuse(
		    err, "headers", "headers_len without headers");
	for (i = 0; i < req->headers_len; i++) {
		if (check_header(&req->headers[i], err) == -1)
			return -1;
		if (strcasecmp(req->headers[i].name, "host") == 0)
			host = 1;
	}
	if (!host)
		return cloud_sigv4_refuse(err, "headers",
		    "a Host header is required: SigV4 signs it");
	return 0;
}

static int
check_request(const struct sigv4_req *req, struct err *err)
{
	if ((req->flags & ~(unsigned int)SIGV4_FLAGS_ALL) != 0)
		return cloud_sigv4_refuse(
		    err, "flags", "unknown flags 0x%x", req->flags);
	if (req->expires < 0 || req->expires > SIGV4_EXPIRES_MAX)
		return cloud_sigv4_refuse(err, "expires",
		    "expires must be 1 to %d seconds", SIGV4_EXPIRES_MAX);
	if (req->body == NULL && req->body_len > 0)
		return cloud_sigv4_refuse(err, "body", "body_len without body");
	if (req->payload_hash != NULL &&
	    check_string(req->payload_hash, SIGV4_PAYLOAD_HASH_SIZE - 1,
	        is_visible, "payload_hash", err) == -1)
		return -1;
	if (check_string(req->method, METHOD_MAX_LEN, is_token_char, "method",
	        err) == -1 ||
	    check_string(req->region, SIGV4_NAME_MAX_LEN,
	        cloud_sigv4_is_unreserved, "region", err) == -1 ||
	    check_string(req->service, SIGV4_NAME_MAX_LEN,
	        cloud_sigv4_is_unreserved, "service", err) == -1 ||
	    check_credentials(&req->credentials, err) == -1 ||
	    check_target(req, err) == -1)
		return -1;
	return check_headers(req, err);
}

/*
 * A header the signer would add may already be in the request; it must
 * then say the same thing, or the signed request would carry two values.
 * Sets *present when the request has it.
 */
static int
check_preset(const struct sigv4_req *req, const char *name, const char *want,
    int *present, struct err *err)
{
	const char *value, *end;
	size_t i;

	*present = 0;
	for (i = 0; i < req->headers_len; i++) {
		if (strcasecmp(req->headers[i].name, name) != 0)
			continue;
		*present = 1;
		for (value = req->headers[i].value;
		     cloud_sigv4_is_blank(*value); value++)
			;
		end = value + strlen(value);
		while (end > value && cloud_sigv4_is_blank(end[-1]))
			end--;
		if ((size_t)(end - value) != strlen(want) ||
		    memcmp(value, want, strlen(want)) != 0)
			return cloud_sigv4_refuse(err, "headers",
			    "header %s disagrees with the signer", name);
	}
	return 0;
}

static int
format_date(time_t when, char date[SIGV4_DATE_SIZE], struct err *err)
{
	struct tm tm;

	/* Four-digit years only: the date is fixed-width in the scope. */
	if (gmtime_r(&when, &tm) == NULL || tm.tm_year < 70 ||
	    tm.tm_year > 9999 - 1900 ||
	    strftime(date, SIGV4_DATE_SIZE, "%Y%m%dT%H%M%SZ", &tm) !=
	        SIGV4_DATE_SIZE - 1)
		return cloud_sigv4_refuse(
		    err, "signing_time", "signing time is out of range");
	return 0;
}

static int
prepare_presets(struct sigv4_context *c, struct err *err)
{
	const struct sigv4_req *req = c->req;
	struct sigv4_result *r = c->result;
	int present;

	if (check_preset(req, "x-amz-date", r->date, &present, err) == -1)
		return -1;
	c->date_added = !c->presign && !present;
	c->content_added = 0;
	if (!c->presign && (req->flags & SIGV4_SIGN_BODY)) {
		if (check_preset(req, "x-amz-content-sha256", r->payload_hash,
		        &present, err) == -1)
			return -1;
		c->content_added = !present;
	}
	c->token_added = 0;
	c->token_signed = 0;
	if (c->token == NULL)
		return 0;
	if (check_preset(
	        req, "x-amz-security-token", c->token, &present, err) == -1)
		return -1;
	c->token_added = c->presign || !present;
	c->token_signed = !(req->flags & SIGV4_OMIT_SESSION_TOKEN);
	return 0;
}

/* The result's private memory, made on first use. */
static int
work_ready(struct sigv4_result *r, struct err *err)
{
	if (r->work == NULL && (r->work = calloc(1, sizeof(*r->work))) == NULL)
		return err_set(err, 500, "internal", "out of memory signing");
	return crypto_ready(r->work, err);
}

static int
prepare(struct sigv4_context *c, const struct sigv4_req *req,
    struct sigv4_result *r, struct err *err)
{
	memset(c, 0, sizeof(*c));
	c->req = req;
	c->result = r;
	buf_reset(&r->canonical_request);
	buf_reset(&r->string_to_sign);
	buf_reset(&r->authorization);
	buf_reset(&r->query);
	r->signature[0] = '\0';
	r->added_len = 0;
	if (check_request(req, err) == -1 ||
	    format_date(req->signing_time, r->date, err) == -1 ||
	    work_ready(r, err) == -1)
		return -1;
	c->work = r->work;
	c->presign = req->expires > 0;
	if (req->credentials.session_token != NULL &&
	    req->credentials.session_token[0] != '\0')
		c->token = req->credentials.session_token;
	snprintf(c->scope, sizeof(c->scope), "%.8s/%s/%s/%s", r->date,
	    req->region, req->service, SCOPE_TERMINATOR);
	snprintf(c->credential, sizeof(c->credential), "%s/%s",
	    req->credentials.access_key_id, c->scope);
	if (req->payload_hash != NULL)
		snprintf(r->payload_hash, sizeof(r->payload_hash), "%s",
		    req->payload_hash);
	else if (sha256_hex(c->work, req->body ? req->body : "", req->body_len,
	             r->payload_hash, err) == -1)
		return -1;
	return prepare_presets(c, err);
}

/* Step 2: algorithm, date, scope and the hash of the canonical request. */
static int
make_string_to_sign(struct sigv4_context *c, struct err *err)
{
	struct sigv4_result *r = c->result;
	struct buf *out = &r->string_to_sign;
	char hash[SIGV4_SIGNATURE_SIZE];

	if (sha256_hex(c->work, r->canonical_request.data,
	        r->canonical_request.len, hash, err) == -1)
		return -1;
	buf_puts(out, SIGV4_ALGORITHM "\n");
	buf_puts(out, r->date);
	buf_putc(out, '\n');
	buf_puts(out, c->scope);
	buf_putc(out, '\n');
	buf_puts(out, hash);
	return cloud_sigv4_check_memory(c, err);
}

/*
 * The signing key: HMAC of "AWS4" + secret over the date, then region,
 * service and "aws4_request".  It is kept while credential scope and
 * secret stay the same; the secret is recognised by its SHA-256, not kept.
 */
static int
signing_key(struct sigv4_context *c, struct err *err)
{
	const struct sigv4_req *req = c->req;
	struct sigv4_work *w = c->work;
	const char *secret = req->credentials.secret_access_key;
	unsigned char key_input[4 + SECRET_MAX_LEN],
	    fingerprint[SIGV4_SHA256_SIZE];
	unsigned char next[SIGV4_SHA256_SIZE];
	size_t len = strlen(secret);
	int rc = -1;

	if (sha256(w, secret, len, fingerprint, err) == -1)
		return -1;
	if (strcmp(w->key_credential, c->credential) == 0 &&
	    CRYPTO_memcmp(w->key_secret, fingerprint, SIGV4_SHA256_SIZE) == 0)
		return 0;
	w->key_credential[0] = '\0';
	memcpy(key_input, "AWS4", 4);
	memcpy(key_input + 4, secret, len);
	if (hmac_sha256(
	        w, key_input, 4 + len, c->result->date, 8, w->key, err) == -1 ||
	    hmac_sha256(w, w->key, SIGV4_SHA256_SIZE, req->region,
	        strlen(req->region), next, err) == -1 ||
	    hmac_sha256(w, next, SIGV4_SHA256_SIZE, req->service,
	        strlen(req->service), w->key, err) == -1 ||
	    hmac_sha256(w, w->key, SIGV4_SHA256_SIZE, SCOPE_TERMINATOR,
	        strlen(SCOPE_TERMINATOR), next, err) == -1)
		goto fail;
	memcpy(w->key, next, SIGV4_SHA256_SIZE);
	memcpy(w->key_secret, fingerprint, SIGV4_SHA256_SIZE);
	snprintf(
	    w->key_credential, sizeof(w->key_credential), "%s", c->credential);
	rc = 0;
fail:
	OPENSSL_cleanse(key_input, sizeof(key_input));
	OPENSSL_cleanse(next, sizeof(next));
	return rc;
}

/* Step 3: sign the string to sign. */
static int
make_signature(struct sigv4_context *c, struct err *err)
{
	struct sigv4_result *r = c->result;
	unsigned char code[SIGV4_SHA256_SIZE];

	if (signing_key(c, err) == -1 ||
	    hmac_sha256(c->work, c->work->key, SIGV4_SHA256_SIZE,
	        r->string_to_sign.data, r->string_to_sign.len, code, err) == -1)
		return -1;
	put_hex(r->signature, code, SIGV4_SHA256_SIZE);
	return 0;
}

static void
add_header(struct sigv4_result *r, const char *name, const char *value)
{
	r->added[r->added_len].name = name;
	r->added[r->added_len].value = value;
	r->added_len++;
}

static int
make_authorization(struct sigv4_context *c, struct err *err)
{
	struct sigv4_result *r = c->result;
	struct sigv4_work *w = c->work;
	struct buf *out = &r->authorization;

	buf_puts(out, SIGV4_ALGORITHM " Credential=");
	buf_puts(out, c->credential);
	buf_puts(out, ", SignedHeaders=");
	buf_append(out, w->signed_headers.data, w->signed_headers.len);
	buf_puts(out, ", Signature=");
	buf_puts(out, r->signature);
	if (cloud_sigv4_check_memory(c, err) == -1)
		return -1;
	if (c->token_added)
		add_header(r, "X-Amz-Security-Token", c->token);
	if (c->date_added)
		add_header(r, "X-Amz-Date", r->date);
	if (c->content_added)
		add_header(r, "X-Amz-Content-Sha256", r->payload_hash);
	add_header(r, "Authorization", out->data);
	return 0;
}

/*
 * The request's own query as given, then the parameters in the order the
 * AWS SDKs send them.  An unsigned session token goes just before the
 * signature, as the aws-c-auth suite expects.
 */
static int
make_presigned_query(struct sigv4_context *c, struct err *err)
{
	const struct sigv4_req *req = c->req;
	struct sigv4_result *r = c->result;
	struct sigv4_work *w = c->work;
	struct buf *out = &r->query;

	if (req->query != NULL && req->query[0] != '\0') {
		buf_puts(out, req->query);
		buf_putc(out, '&');
	}
	buf_puts(out, "X-Amz-Algorithm=" SIGV4_ALGORITHM "&X-Amz-Credential=");
	sigv4_uri_encode(out, c->credential, strlen(c->credential), 0);
	buf_puts(out, "&X-Amz-Date=");
	buf_puts(out, r->date);
	buf_puts(out, "&X-Amz-SignedHeaders=");
	sigv4_uri_encode(out, w->signed_headers.data, w->signed_headers.len, 0);
	buf_printf(out, "&X-Amz-Expires=%ld", req->expires);
	if (c->token_added) {
		buf_puts(out, "&X-Amz-Security-Token=");
		sigv4_uri_encode(out, c->token, strlen(c->token), 0);
	}
	buf_puts(out, "&X-Amz-Signature=");
	buf_puts(out, r->signature);
	return cloud_sigv4_check_memory(c, err);
}

/* Step 4: what the caller sends. */
static int
make_output(struct sigv4_context *c, struct err *err)
{
	return c->presign ? make_presigned_query(c, err)
	                  : make_authorization(c, err);
}

/* How many steps each entry point runs. */
#define STEPS_CANONICAL_REQUEST 1
#define STEPS_STRING_TO_SIGN 2
#define STEPS_SIGNATURE 3
#define STEPS_ALL 4

static int
run(const struct sigv4_req *req, struct sigv4_result *result, size_t steps,
    struct err *err)
{
	static const step_fn step[STEPS_ALL] = {
		cloud_sigv4_canonical_request,
		make_string_to_sign,
		make_signature,
		make_output,
	};
	struct sigv4_context c;
	size_t i;

	if (prepare(&c, req, result, err) == -1)
		return -1;
	for (i = 0; i < steps && i < STEPS_ALL; i++)
		if (step[i](&c, err) == -1)
			return -1;
	return 0;
}

void
sigv4_result_init(struct sigv4_result *result)
{
	/* All zero is an empty result: bufs, strings and the added list. */
	memset(result, 0, sizeof(*result));
}

void
sigv4_result_free(struct sigv4_result *result)
{
	struct sigv4_work *w = result->work;

	buf_free(&result->canonical_request);
	buf_free(&result->string_to_sign);
	buf_free(&result->authorization);
	buf_free(&result->query);
	if (w != NULL) {
		buf_free(&w->text);
		buf_free(&w->items);
		buf_free(&w->canonical_headers);
		buf_free(&w->signed_headers);
		EVP_MAC_CTX_free(w->hmac);
		EVP_MD_CTX_free(w->sha256);
		EVP_MD_free(w->sha256_md);
		OPENSSL_cleanse(w, sizeof(*w)); /* the cached signing key */
		free(w);
	}
	sigv4_result_init(result);
}

int
sigv4_sign(
    const struct sigv4_req *req, struct sigv4_result *result, struct err *err)
{
	return run(req, result, STEPS_ALL, err);
}

/*
 * Run the first steps on a result of its own and append the buffer found
 * at byte offset member of it (an offsetof() of struct sigv4_result).
 */
static int
sign_and_copy(const struct sigv4_req *req, size_t steps, size_t member,
    struct buf *out, struct err *err)
{
	struct sigv4_result r;
	const struct buf *from;
	int rc;

	sigv4_result_init(&r);
	rc = run(req, &r, steps, err);
	if (rc == 0) {
		from = (const struct buf *)(const void *)((const char *)&r +
		                                          member);
		buf_append(out, from->data, from->len);
		if (out->oom)
			rc = err_set(err, 500, "internal", "out of memory");
	}
	sigv4_result_free(&r);
	return rc;
}

int
sigv4_canonical_request(
    const struct sigv4_req *req, struct buf *out, struct err *err)
{
	return sign_and_copy(req, STEPS_CANONICAL_REQUEST,
	    offsetof(struct sigv4_result, canonical_request), out, err);
}

int
sigv4_string_to_sign(
    const struct sigv4_req *req, struct buf *out, struct err *err)
{
	return sign_and_copy(req, STEPS_STRING_TO_SIGN,
	    offsetof(struct sigv4_result, string_to_sign), out, err);
}

int
sigv4_signature(const struct sigv4_req *req,
    char signature[SIGV4_SIGNATURE_SIZE], struct err *err)
{
	struct sigv4_result r;
	int rc;

	signature[0] = '\0';
	sigv4_result_init(&r);
	rc = run(req, &r, STEPS_SIGNATURE, err);
	if (rc == 0)
		memcpy(signature, r.signature, SIGV4_SIGNATURE_SIZE);
	sigv4_result_free(&r);
	return rc;
}

int
sigv4_authorization(
    const struct sigv4_req *req, struct buf *out, struct err *err)
{
	if (req->expires > 0)
		return cloud_sigv4_refuse(err, "expires",
		    "a presigned request has no Authorization header");
	return sign_and_copy(req, STEPS_ALL,
	    offsetof(struct sigv4_result, authorization), out, err);
}

int
sigv4_presigned_query(
    const struct sigv4_req *req, struct buf *out, struct err *err)
{
	if (req->expires <= 0)
		return cloud_sigv4_refuse(
		    err, "expires", "expires is required to presign");
	return sign_and_copy(
	    req, STEPS_ALL, offsetof(struct sigv4_result, query), out, err);
}
