/*
 * sigv4.c: AWS Signature Version 4 signing.
 *
 * One pass per request: check every input once (prepare), build the
 * canonical request, hash it into the string to sign, derive the signing
 * key and sign, then write the Authorization value or the presigned query.
 * Header and query lists are sorted as arrays of items whose text lives in
 * one reused buffer, so a warm result signs without allocating.
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

#include "lib/buf.h"
#include "lib/err.h"

#define ALGORITHM "AWS4-HMAC-SHA256"
#define SCOPE_TERMINATOR "aws4_request"
#define SHA256_SIZE 32
#define NAME_MAX_LEN 64 /* region, service */
#define METHOD_MAX_LEN 32
#define HEADER_NAME_MAX_LEN 256
#define ACCESS_KEY_MAX_LEN 128 /* AWS documents 16 to 128 */
#define SECRET_MAX_LEN 256
#define SESSION_TOKEN_MAX_LEN 8192
#define SCOPE_SIZE (8 + 1 + NAME_MAX_LEN + 1 + NAME_MAX_LEN + 1 + 12 + 1)
#define CREDENTIAL_SIZE (ACCESS_KEY_MAX_LEN + 1 + SCOPE_SIZE)
#define SIGV4_FLAGS_ALL                                                        \
	(SIGV4_SINGLE_ENCODE | SIGV4_KEEP_PATH | SIGV4_SIGN_BODY |             \
	    SIGV4_OMIT_SESSION_TOKEN)

/*
 * One header or query parameter on its way to being sorted.  The text is
 * in work_text and found by offset while the buffer may still move; key and
 * value are filled in once it no longer does.
 */
struct item {
	size_t key_offset;
	size_t key_len;
	size_t value_offset;
	size_t value_len;
	size_t order; /* position in the input: equal headers keep it */
	const char *key;
	const char *value;
};

/*
 * A result's private memory, made on first use and kept until
 * sigv4_result_free(): text and items being sorted, the headers once
 * rendered, OpenSSL contexts, and the last signing key.  AWS's key is a
 * function of secret, date, region and service only, so one derivation
 * serves a worker all day.
 */
struct sigv4_work {
	struct buf text;
	struct buf items;
	struct buf canonical_headers;
	struct buf signed_headers;
	EVP_MAC_CTX *hmac;
	EVP_MD_CTX *sha256;
	EVP_MD *sha256_md;
	unsigned char key[SHA256_SIZE];
	unsigned char key_secret[SHA256_SIZE]; /* SHA-256 of its secret */
	char key_credential[CREDENTIAL_SIZE];  /* "" when key is unset */
};

/* State shared by the steps of one signing. */
struct context {
	const struct sigv4_req *req;
	struct sigv4_result *result;
	struct sigv4_work *work;
	const char *token; /* session token, NULL when none */
	int presign;
	int token_signed;  /* the token is part of the canonical request */
	int token_added;   /* the signer adds the token (header or query) */
	int date_added;    /* the signer adds X-Amz-Date */
	int content_added; /* the signer adds X-Amz-Content-Sha256 */
	char scope[SCOPE_SIZE]; /* 20150830/us-east-1/ec2/aws4_request */
	char credential[CREDENTIAL_SIZE]; /* access key id, '/', scope */
};

typedef int (*step_fn)(struct context *, struct err *);
typedef int (*char_fn)(unsigned char);

static const char hex_lower[] = "0123456789abcdef";
static const char hex_upper[] = "0123456789ABCDEF";

static int
is_alnum(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9');
}

static int
is_unreserved(unsigned char c)
{
	/* RFC 3986 section 2.3 */
	return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static int
is_token_char(unsigned char c)
{
	/* RFC 9110 section 5.6.2: tchar */
	return is_alnum(c) ||
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

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void
put_encoded_byte(struct buf *out, unsigned char c)
{
	char triplet[3];

	if (is_unreserved(c)) {
		buf_putc(out, (char)c);
		return;
	}
	triplet[0] = '%';
	triplet[1] = hex_upper[c >> 4];
	triplet[2] = hex_upper[c & 15];
	buf_append(out, triplet, sizeof(triplet));
}

void
sigv4_uri_encode(struct buf *out, const void *data, size_t len, int keep_slash)
{
	const unsigned char *s = data;
	size_t i, start = 0;

	/* Copy runs that need no encoding in one append. */
	for (i = 0; i < len; i++) {
		if (is_unreserved(s[i]) || (keep_slash && s[i] == '/'))
			continue;
		buf_append(out, s + start, i - start);
		put_encoded_byte(out, s[i]);
		start = i + 1;
	}
	buf_append(out, s + start, len - start);
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Append a query key or value decoded and encoded again, so that "%7E",
 * "~" and "%7e" sign alike.  '+' is a plus sign (RFC 3986), not a space as
 * in HTML forms.  Returns -1 on a '%' not followed by two hex digits.
 */
static int
put_reencoded(struct buf *out, const char *s, size_t len)
{
	size_t i;
	int high, low;

	for (i = 0; i < len; i++) {
		if (s[i] != '%') {
			put_encoded_byte(out, (unsigned char)s[i]);
			continue;
		}
		if (len - i < 3)
			return -1;
		high = hex_value(s[i + 1]);
		low = hex_value(s[i + 2]);
		if (high < 0 || low < 0)
			return -1;
		put_encoded_byte(out, (unsigned char)(high << 4 | low));
		i += 2;
	}
	return 0;
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
    unsigned char digest[SHA256_SIZE], struct err *err)
{
	unsigned int digest_len = 0;

	if (EVP_DigestInit_ex2(w->sha256, w->sha256_md, NULL) != 1 ||
	    EVP_DigestUpdate(w->sha256, data, len) != 1 ||
	    EVP_DigestFinal_ex(w->sha256, digest, &digest_len) != 1 ||
	    digest_len != SHA256_SIZE)
		return err_set(err, 500, "internal", "SHA-256 failed");
	return 0;
}

static int
sha256_hex(struct sigv4_work *w, const void *data, size_t len,
    char hex[SIGV4_SIGNATURE_SIZE], struct err *err)
{
	unsigned char digest[SHA256_SIZE];

	if (sha256(w, data, len, digest, err) == -1)
		return -1;
	put_hex(hex, digest, SHA256_SIZE);
	return 0;
}

static int
hmac_sha256(struct sigv4_work *w, const void *key, size_t key_len,
    const char *data, size_t len, unsigned char out[SHA256_SIZE],
    struct err *err)
{
	size_t out_len = 0;

	if (EVP_MAC_init(w->hmac, key, key_len, NULL) != 1 ||
	    EVP_MAC_update(w->hmac, (const unsigned char *)data, len) != 1 ||
	    EVP_MAC_final(w->hmac, out, &out_len, SHA256_SIZE) != 1 ||
	    out_len != SHA256_SIZE)
		return err_set(err, 500, "internal", "HMAC-SHA256 failed");
	return 0;
}

static int
check_memory(const struct context *c, struct err *err)
{
	const struct sigv4_result *r = c->result;
	const struct sigv4_work *w = c->work;

	if (r->canonical_request.oom || r->string_to_sign.oom ||
	    r->authorization.oom || r->query.oom || w->text.oom ||
	    w->items.oom || w->canonical_headers.oom || w->signed_headers.oom)
		return err_set(err, 500, "internal", "out of memory signing");
	return 0;
}

static int refuse(struct err *err, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fill err for input that cannot be signed.  Returns -1. */
static int
refuse(struct err *err, const char *field, const char *fmt, ...)
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
		return refuse(err, field, "%s is required", field);
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= max)
			return refuse(err, field, "%s is longer than %zu bytes",
			    field, max);
		if (!allowed((unsigned char)s[i]))
			return refuse(err, field, "%s may not hold byte 0x%02x",
			    field, (unsigned char)s[i]);
	}
	return 0;
}

static int
check_credentials(const struct sigv4_credentials *c, struct err *err)
{
	if (check_string(c->access_key_id, ACCESS_KEY_MAX_LEN, is_alnum,
	        "access_key_id", err) == -1 ||
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
		return refuse(err, "path", "path must start with /");
	for (s = req->path; *s != '\0'; s++)
		if (is_control((unsigned char)*s) || *s == '?' || *s == '#')
			return refuse(
			    err, "path", "path holds a control byte, ? or #");
	for (s = req->query ? req->query : ""; *s != '\0'; s++)
		if (is_control((unsigned char)*s) || *s == '#')
			return refuse(
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
		return refuse(err, "headers",
		    "a header name is missing, too long or not an RFC 9110 "
		    "token, or its value is missing");
	if (strcasecmp(h->name, "authorization") == 0)
		return refuse(err, "headers",
		    "Authorization is made by the signer, not signed");
	/* RFC 9110 section 5.5: a field value holds no CR, LF or NUL. */
	for (s = h->value; *s != '\0'; s++) {
		if (*s == '\r' || *s == '\n')
			return refuse(err, "headers",
			    "header %s holds CR or LF", h->name);
		if (is_control((unsigned char)*s) && *s != '\t')
			return refuse(err, "headers",
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
		return refuse(err, "headers", "headers_len without headers");
	for (i = 0; i < req->headers_len; i++) {
		if (check_header(&req->headers[i], err) == -1)
			return -1;
		if (strcasecmp(req->headers[i].name, "host") == 0)
			host = 1;
	}
	if (!host)
		return refuse(err, "headers",
		    "a Host header is required: SigV4 signs it");
	return 0;
}

static int
check_request(const struct sigv4_req *req, struct err *err)
{
	if ((req->flags & ~(unsigned int)SIGV4_FLAGS_ALL) != 0)
		return refuse(err, "flags", "unknown flags 0x%x", req->flags);
	if (req->expires < 0 || req->expires > SIGV4_EXPIRES_MAX)
		return refuse(err, "expires", "expires must be 1 to %d seconds",
		    SIGV4_EXPIRES_MAX);
	if (req->body == NULL && req->body_len > 0)
		return refuse(err, "body", "body_len without body");
	if (req->payload_hash != NULL &&
	    check_string(req->payload_hash, SIGV4_PAYLOAD_HASH_SIZE - 1,
	        is_visible, "payload_hash", err) == -1)
		return -1;
	if (check_string(req->method, METHOD_MAX_LEN, is_token_char, "method",
	        err) == -1 ||
	    check_string(req->region, NAME_MAX_LEN, is_unreserved, "region",
	        err) == -1 ||
	    check_string(req->service, NAME_MAX_LEN, is_unreserved, "service",
	        err) == -1 ||
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
		for (value = req->headers[i].value; is_blank(*value); value++)
			;
		end = value + strlen(value);
		while (end > value && is_blank(end[-1]))
			end--;
		if ((size_t)(end - value) != strlen(want) ||
		    memcmp(value, want, strlen(want)) != 0)
			return refuse(err, "headers",
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
		return refuse(
		    err, "signing_time", "signing time is out of range");
	return 0;
}

static int
prepare_presets(struct context *c, struct err *err)
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
prepare(struct context *c, const struct sigv4_req *req, struct sigv4_result *r,
    struct err *err)
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

static void
push_item(
    struct sigv4_work *w, size_t key_offset, size_t value_offset, size_t order)
{
	struct item item;

	memset(&item, 0, sizeof(item));
	item.key_offset = key_offset;
	item.key_len = value_offset - key_offset;
	item.value_offset = value_offset;
	item.value_len = w->text.len - value_offset;
	item.order = order;
	buf_append(&w->items, &item, sizeof(item));
}

/* Fix the text pointers of the items, now that work_text is complete. */
static struct item *
resolve_items(struct sigv4_work *w, size_t *n)
{
	struct item *list;
	size_t i;

	if (w->items.oom || w->text.oom || w->items.len == 0) {
		*n = 0;
		return NULL;
	}
	/* realloc(3) memory is aligned for any type. */
	list = (struct item *)(void *)w->items.data;
	*n = w->items.len / sizeof(*list);
	for (i = 0; i < *n; i++) {
		list[i].key = w->text.data + list[i].key_offset;
		list[i].value = w->text.data + list[i].value_offset;
	}
	return list;
}

static int
compare_bytes(const char *a, size_t a_len, const char *b, size_t b_len)
{
	int c;

	c = memcmp(a, b, a_len < b_len ? a_len : b_len);
	if (c != 0)
		return c;
	return (a_len > b_len) - (a_len < b_len);
}

/* Headers: by lowercase name, equal names in the order they came. */
static int
compare_header(const void *left, const void *right)
{
	const struct item *a = left, *b = right;
	int c;

	c = compare_bytes(a->key, a->key_len, b->key, b->key_len);
	return c != 0 ? c : (a->order > b->order) - (a->order < b->order);
}

/* Query: by encoded key, then encoded value. */
static int
compare_query(const void *left, const void *right)
{
	const struct item *a = left, *b = right;
	int c;

	c = compare_bytes(a->key, a->key_len, b->key, b->key_len);
	if (c == 0)
		c = compare_bytes(
		    a->value, a->value_len, b->value, b->value_len);
	return c != 0 ? c : (a->order > b->order) - (a->order < b->order);
}

/* Lowercase name, then the value trimmed with inner blank runs as one. */
static void
push_header(
    struct sigv4_work *w, const char *name, const char *value, size_t order)
{
	size_t key_offset = w->text.len, value_offset, i;
	int blank = 0;

	for (i = 0; name[i] != '\0'; i++)
		buf_putc(&w->text,
		    name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
	value_offset = w->text.len;
	while (is_blank(*value))
		value++;
	for (; *value != '\0'; value++) {
		if (is_blank(*value)) {
			blank = 1;
			continue;
		}
		if (blank)
			buf_putc(&w->text, ' ');
		blank = 0;
		buf_putc(&w->text, *value);
	}
	push_item(w, key_offset, value_offset, order);
}

static void
render_headers(struct sigv4_work *w, const struct item *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i == 0 ||
		    compare_bytes(list[i - 1].key, list[i - 1].key_len,
		        list[i].key, list[i].key_len) != 0) {
			if (i > 0) {
				buf_putc(&w->canonical_headers, '\n');
				buf_putc(&w->signed_headers, ';');
			}
			buf_append(&w->canonical_headers, list[i].key,
			    list[i].key_len);
			buf_putc(&w->canonical_headers, ':');
			buf_append(
			    &w->signed_headers, list[i].key, list[i].key_len);
		} else {
			/* Repeated header: values joined in their order. */
			buf_putc(&w->canonical_headers, ',');
		}
		buf_append(
		    &w->canonical_headers, list[i].value, list[i].value_len);
	}
	if (n > 0)
		buf_putc(&w->canonical_headers, '\n');
}

static int
make_headers(struct context *c, struct err *err)
{
	const struct sigv4_req *req = c->req;
	struct sigv4_result *r = c->result;
	struct sigv4_work *w = c->work;
	struct item *list;
	size_t i, n;

	buf_reset(&w->text);
	buf_reset(&w->items);
	buf_reset(&w->canonical_headers);
	buf_reset(&w->signed_headers);
	for (i = 0; i < req->headers_len; i++) {
		if (c->token != NULL && !c->token_signed &&
		    strcasecmp(req->headers[i].name, "x-amz-security-token") ==
		        0)
			continue;
		push_header(w, req->headers[i].name, req->headers[i].value, i);
	}
	if (c->token_added && c->token_signed && !c->presign)
		push_header(w, "x-amz-security-token", c->token, i++);
	if (c->date_added)
		push_header(w, "x-amz-date", r->date, i++);
	if (c->content_added)
		push_header(w, "x-amz-content-sha256", r->payload_hash, i++);
	list = resolve_items(w, &n);
	if (n > 1)
		qsort(list, n, sizeof(*list), compare_header);
	render_headers(w, list, n);
	return check_memory(c, err);
}

/* The request's own parameters; a key without '=' has an empty value. */
static int
push_query(
    struct sigv4_work *w, const char *query, size_t *order, struct err *err)
{
	const char *p = query, *end, *equals;
	size_t key_offset, value_offset;

	while (*p != '\0') {
		end = p + strcspn(p, "&");
		equals = memchr(p, '=', (size_t)(end - p));
		if (equals == NULL)
			equals = end;
		key_offset = w->text.len;
		if (put_reencoded(&w->text, p, (size_t)(equals - p)) == -1)
			goto bad;
		value_offset = w->text.len;
		if (equals < end && put_reencoded(&w->text, equals + 1,
		                        (size_t)(end - equals - 1)) == -1)
			goto bad;
		/* "a&&b" has an empty piece between the ampersands: skip. */
		if (end > p)
			push_item(w, key_offset, value_offset, (*order)++);
		p = *end == '&' ? end + 1 : end;
	}
	return 0;
bad:
	return refuse(
	    err, "query", "query holds a %% not followed by two hex digits");
}

/*
 * The request's parameters may not include those presigning adds: the
 * request would send a value other than the one signed.
 */
static const char *const presign_names[] = {
	"X-Amz-Algorithm",
	"X-Amz-Credential",
	"X-Amz-Date",
	"X-Amz-Expires",
	"X-Amz-Security-Token",
	"X-Amz-SignedHeaders",
	"X-Amz-Signature",
};

static int
check_presign_collision(const struct item *list, size_t n, struct err *err)
{
	size_t i, j, len;

	for (i = 0; i < n; i++) {
		for (j = 0; j < sizeof(presign_names) / sizeof(*presign_names);
		     j++) {
			len = strlen(presign_names[j]);
			if (list[i].key_len == len &&
			    memcmp(list[i].key, presign_names[j], len) == 0)
				return refuse(err, "query",
				    "query already holds %s", presign_names[j]);
		}
	}
	return 0;
}

/* Add one parameter from a key and a value not yet encoded. */
static void
push_param(
    struct sigv4_work *w, const char *key, const char *value, size_t order)
{
	size_t key_offset = w->text.len, value_offset;

	sigv4_uri_encode(&w->text, key, strlen(key), 0);
	value_offset = w->text.len;
	sigv4_uri_encode(&w->text, value, strlen(value), 0);
	push_item(w, key_offset, value_offset, order);
}

static int
push_presign_params(struct context *c, size_t order, struct err *err)
{
	struct sigv4_result *r = c->result;
	struct sigv4_work *w = c->work;
	const struct item *list;
	size_t n;
	char expires[24];

	list = resolve_items(w, &n);
	if (check_presign_collision(list, n, err) == -1)
		return -1;
	snprintf(expires, sizeof(expires), "%ld", c->req->expires);
	push_param(w, "X-Amz-Algorithm", ALGORITHM, order++);
	push_param(w, "X-Amz-Credential", c->credential, order++);
	push_param(w, "X-Amz-Date", r->date, order++);
	push_param(w, "X-Amz-Expires", expires, order++);
	if (c->token_signed)
		push_param(w, "X-Amz-Security-Token", c->token, order++);
	push_param(w, "X-Amz-SignedHeaders",
	    w->signed_headers.data ? w->signed_headers.data : "", order);
	return check_memory(c, err);
}

static void
render_query(struct buf *out, const struct item *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(out, '&');
		buf_append(out, list[i].key, list[i].key_len);
		buf_putc(out, '=');
		buf_append(out, list[i].value, list[i].value_len);
	}
}

static void
put_segment(struct buf *out, const char *s, size_t len, unsigned int flags)
{
	if (flags & SIGV4_SINGLE_ENCODE)
		buf_append(out, s, len);
	else
		sigv4_uri_encode(out, s, len, 1);
}

/* Undo the last segment written since start, for "..". */
static void
drop_segment(struct buf *out, size_t start)
{
	if (out->oom || out->data == NULL)
		return;
	while (out->len > start && out->data[out->len - 1] != '/')
		out->len--;
	if (out->len > start)
		out->len--;
	out->data[out->len] = '\0';
}

/*
 * RFC 3986 section 5.2.4, as AWS applies it: empty and "." segments go,
 * ".." takes the previous segment with it, never above the root, and a
 * trailing slash stays.
 */
static void
put_normalized_path(struct buf *out, const char *path, unsigned int flags)
{
	size_t start = out->len, len;
	const char *p = path, *end;

	for (;;) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		end = p + strcspn(p, "/");
		len = (size_t)(end - p);
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			drop_segment(out, start);
		} else if (len != 1 || p[0] != '.') {
			buf_putc(out, '/');
			put_segment(out, p, len, flags);
		}
		p = end;
	}
	if (out->len == start || path[strlen(path) - 1] == '/')
		buf_putc(out, '/');
}

static void
put_path(struct buf *out, const char *path, unsigned int flags)
{
	if (*path == '\0')
		path = "/";
	if (flags & SIGV4_KEEP_PATH)
		put_segment(out, path, strlen(path), flags);
	else
		put_normalized_path(out, path, flags);
}

/* Step 1: method, path, query, headers, signed headers, payload hash. */
static int
make_canonical_request(struct context *c, struct err *err)
{
	const struct sigv4_req *req = c->req;
	struct sigv4_result *r = c->result;
	struct sigv4_work *w = c->work;
	struct buf *out = &r->canonical_request;
	struct item *list;
	size_t n, order = 0;

	if (make_headers(c, err) == -1)
		return -1;
	buf_reset(&w->text);
	buf_reset(&w->items);
	if (req->query != NULL && push_query(w, req->query, &order, err) == -1)
		return -1;
	if (c->presign && push_presign_params(c, order, err) == -1)
		return -1;
	list = resolve_items(w, &n);
	if (n > 1)
		qsort(list, n, sizeof(*list), compare_query);
	buf_puts(out, req->method);
	buf_putc(out, '\n');
	put_path(out, req->path, req->flags);
	buf_putc(out, '\n');
	render_query(out, list, n);
	buf_putc(out, '\n');
	buf_append(out, w->canonical_headers.data, w->canonical_headers.len);
	buf_putc(out, '\n');
	buf_append(out, w->signed_headers.data, w->signed_headers.len);
	buf_putc(out, '\n');
	buf_puts(out, r->payload_hash);
	return check_memory(c, err);
}

/* Step 2: algorithm, date, scope and the hash of the canonical request. */
static int
make_string_to_sign(struct context *c, struct err *err)
{
	struct sigv4_result *r = c->result;
	struct buf *out = &r->string_to_sign;
	char hash[SIGV4_SIGNATURE_SIZE];

	if (sha256_hex(c->work, r->canonical_request.data,
	        r->canonical_request.len, hash, err) == -1)
		return -1;
	buf_puts(out, ALGORITHM "\n");
	buf_puts(out, r->date);
	buf_putc(out, '\n');
	buf_puts(out, c->scope);
	buf_putc(out, '\n');
	buf_puts(out, hash);
	return check_memory(c, err);
}

/*
 * The signing key: HMAC of "AWS4" + secret over the date, then region,
 * service and "aws4_request".  It is kept while credential scope and
 * secret stay the same; the secret is recognised by its SHA-256, not kept.
 */
static int
signing_key(struct context *c, struct err *err)
{
	const struct sigv4_req *req = c->req;
	struct sigv4_work *w = c->work;
	const char *secret = req->credentials.secret_access_key;
	unsigned char key_input[4 + SECRET_MAX_LEN], fingerprint[SHA256_SIZE];
	unsigned char next[SHA256_SIZE];
	size_t len = strlen(secret);
	int rc = -1;

	if (sha256(w, secret, len, fingerprint, err) == -1)
		return -1;
	if (strcmp(w->key_credential, c->credential) == 0 &&
	    CRYPTO_memcmp(w->key_secret, fingerprint, SHA256_SIZE) == 0)
		return 0;
	w->key_credential[0] = '\0';
	memcpy(key_input, "AWS4", 4);
	memcpy(key_input + 4, secret, len);
	if (hmac_sha256(
	        w, key_input, 4 + len, c->result->date, 8, w->key, err) == -1 ||
	    hmac_sha256(w, w->key, SHA256_SIZE, req->region,
	        strlen(req->region), next, err) == -1 ||
	    hmac_sha256(w, next, SHA256_SIZE, req->service,
	        strlen(req->service), w->key, err) == -1 ||
	    hmac_sha256(w, w->key, SHA256_SIZE, SCOPE_TERMINATOR,
	        strlen(SCOPE_TERMINATOR), next, err) == -1)
		goto fail;
	memcpy(w->key, next, SHA256_SIZE);
	memcpy(w->key_secret, fingerprint, SHA256_SIZE);
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
make_signature(struct context *c, struct err *err)
{
	struct sigv4_result *r = c->result;
	unsigned char code[SHA256_SIZE];

	if (signing_key(c, err) == -1 ||
	    hmac_sha256(c->work, c->work->key, SHA256_SIZE,
	        r->string_to_sign.data, r->string_to_sign.len, code, err) == -1)
		return -1;
	put_hex(r->signature, code, SHA256_SIZE);
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
make_authorization(struct context *c, struct err *err)
{
	struct sigv4_result *r = c->result;
	struct sigv4_work *w = c->work;
	struct buf *out = &r->authorization;

	buf_puts(out, ALGORITHM " Credential=");
	buf_puts(out, c->credential);
	buf_puts(out, ", SignedHeaders=");
	buf_append(out, w->signed_headers.data, w->signed_headers.len);
	buf_puts(out, ", Signature=");
	buf_puts(out, r->signature);
	if (check_memory(c, err) == -1)
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
make_presigned_query(struct context *c, struct err *err)
{
	const struct sigv4_req *req = c->req;
	struct sigv4_result *r = c->result;
	struct sigv4_work *w = c->work;
	struct buf *out = &r->query;

	if (req->query != NULL && req->query[0] != '\0') {
		buf_puts(out, req->query);
		buf_putc(out, '&');
	}
	buf_puts(out, "X-Amz-Algorithm=" ALGORITHM "&X-Amz-Credential=");
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
	return check_memory(c, err);
}

/* Step 4: what the caller sends. */
static int
make_output(struct context *c, struct err *err)
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
		make_canonical_request,
		make_string_to_sign,
		make_signature,
		make_output,
	};
	struct context c;
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
		return refuse(err, "expires",
		    "a presigned request has no Authorization header");
	return sign_and_copy(req, STEPS_ALL,
	    offsetof(struct sigv4_result, authorization), out, err);
}

int
sigv4_presigned_query(
    const struct sigv4_req *req, struct buf *out, struct err *err)
{
	if (req->expires <= 0)
		return refuse(err, "expires", "expires is required to presign");
	return sign_and_copy(
	    req, STEPS_ALL, offsetof(struct sigv4_result, query), out, err);
}
