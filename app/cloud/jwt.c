/*
 * jwt.c: compact JWS, RS256 and HS256, over OpenSSL's EVP interface.
 *
 * Signing is one EVP call per JWS: EVP_DigestSign for RSASSA-PKCS1-v1_5
 * (RSA's default padding) and EVP_Q_mac for HMAC.  The base64url coder is
 * written out here rather than borrowed from EVP_EncodeBlock, which pads,
 * wraps nothing but uses '+' and '/', and would need a second pass.
 */
#include "cloud/jwt.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "lib/buf.h"
#include "lib/err.h"

#define SHA256_SIZE 32
#define HMAC_KEY_MAX 512
#define HEADER_MAX 4096 /* bytes of a protected header */

const char *const jwt_alg_names[JWT_ALG__MAX] = {
	"RS256", /* JWT_RS256 */
	"HS256", /* JWT_HS256 */
};

struct jwt_key {
	enum jwt_alg alg;
	EVP_PKEY *pkey;                     /* JWT_RS256 */
	unsigned char secret[HMAC_KEY_MAX]; /* JWT_HS256 */
	size_t secret_len;
};

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

struct jwt_key *
jwt_key_rsa_pem(const char *pem, size_t len, struct err *err)
{
	struct jwt_key *key = NULL;
	EVP_PKEY *pkey = NULL;
	BIO *bio = NULL;

	if (len == 0 || len > JWT_PEM_MAX) {
		err_set(err, 400, "invalid_key",
		    "private key is empty or longer than %d bytes",
		    JWT_PEM_MAX);
		goto fail;
	}
	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL)
		goto oom;
	/* A NULL callback and password: an encrypted key is refused. */
	pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)"");
	if (pkey == NULL || !EVP_PKEY_is_a(pkey, "RSA")) {
		err_set(err, 400, "invalid_key",
		    "private key is not an unencrypted RSA key in PEM form");
		goto fail;
	}
	if (EVP_PKEY_get_bits(pkey) < JWT_RSA_BITS_MIN) {
		err_set(err, 400, "invalid_key",
		    "RSA key has %d bits; RS256 needs at least %d",
		    EVP_PKEY_get_bits(pkey), JWT_RSA_BITS_MIN);
		goto fail;
	}
	if ((key = calloc(1, sizeof(*key))) == NULL)
		goto oom;
	key->alg = JWT_RS256;
	key->pkey = pkey;
	BIO_free(bio);
	return key;
oom:
	err_set(err, 500, "internal", "out of memory reading a private key");
fail:
	EVP_PKEY_free(pkey);
	BIO_free(bio);
	return NULL;
}

struct jwt_key *
jwt_key_hmac(const void *secret, size_t len, struct err *err)
{
	struct jwt_key *key;

	if (len < JWT_HMAC_KEY_MIN || len > HMAC_KEY_MAX) {
		err_set(err, 400, "invalid_key",
		    "HS256 key has %zu bytes; it needs %d to %d", len,
		    JWT_HMAC_KEY_MIN, HMAC_KEY_MAX);
		return NULL;
	}
	if ((key = calloc(1, sizeof(*key))) == NULL) {
		err_set(err, 500, "internal", "out of memory");
		return NULL;
	}
	key->alg = JWT_HS256;
	memcpy(key->secret, secret, len);
	key->secret_len = len;
	return key;
}

void
jwt_key_free(struct jwt_key *key)
{
	if (key == NULL)
		return;
	EVP_PKEY_free(key->pkey);
	OPENSSL_cleanse(key, sizeof(*key));
	free(key);
}

enum jwt_alg
jwt_key_alg(const struct jwt_key *key)
{
	return key->alg;
}

void
jwt_base64url(struct buf *out, const void *data, size_t len)
{
	const unsigned char *p = data;
	char quad[4];
	uint32_t v;
	size_t i, n;

	if (len / 3 > (SIZE_MAX - 4) / 4) {
		out->oom = 1;
		return;
	}
	if (buf_reserve(out, len / 3 * 4 + 4) == -1)
		return;
	for (i = 0; i < len; i += 3) {
		n = len - i < 3 ? len - i : 3;
		v = (uint32_t)p[i] << 16;
		if (n > 1)
			v |= (uint32_t)p[i + 1] << 8;
		if (n > 2)
			v |= p[i + 2];
		quad[0] = alphabet[v >> 18 & 63];
		quad[1] = alphabet[v >> 12 & 63];
		quad[2] = alphabet[v >> 6 & 63];
		quad[3] = alphabet[v & 63];
		/* No padding (RFC 7515 section 2): n bytes need n + 1. */
		buf_append(out, quad, n + 1);
	}
}

static int
sextet(char c)
{
	const char *at;

	if (c == '\0' || (at = strchr(alphabet, c)) == NULL)
		return -1;
	return (int)(at - alphabet);
}

int
jwt_base64url_decode(
    struct buf *out, const char *text, size_t len, struct err *err)
{
	unsigned char bytes[3];
	uint32_t v;
	size_t i, j, n;
	int s;

	/* One leftover character carries 6 bits: no whole byte. */
	if (len % 4 == 1)
		return err_set(err, 400, "invalid_base64url",
		    "base64url text of %zu characters cannot be whole", len);
	for (i = 0; i < len; i += 4) {
		n = len - i < 4 ? len - i : 4;
		v = 0;
		for (j = 0; j < 4; j++) {
			s = j < n ? sextet(text[i + j]) : 0;
			if (s < 0)
				return err_set(err, 400, "invalid_base64url",
				    "character %zu is not base64url", i + j);
			v = v << 6 | (uint32_t)s;
		}
		bytes[0] = (unsigned char)(v >> 16);
		bytes[1] = (unsigned char)(v >> 8);
		bytes[2] = (unsigned char)v;
		buf_append(out, bytes, n - 1);
	}
	if (out->oom)
		return err_set(err, 500, "internal", "out of memory");
	return 0;
}

static int
sign_rs256(const struct jwt_key *key, const char *input, size_t len,
    unsigned char **sig, size_t *sig_len)
{
	EVP_MD_CTX *md;
	int rc = -1;

	*sig = NULL;
	if ((md = EVP_MD_CTX_new()) == NULL)
		return -1;
	/* RSA's default padding is PKCS#1 v1.5: RS256 as RFC 7518 3.3. */
	if (EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key->pkey) != 1)
		goto fail;
	if (EVP_DigestSign(
	        md, NULL, sig_len, (const unsigned char *)input, len) != 1)
		goto fail;
	if ((*sig = malloc(*sig_len)) == NULL)
		goto fail;
	if (EVP_DigestSign(
	        md, *sig, sig_len, (const unsigned char *)input, len) != 1)
		goto fail;
	rc = 0;
fail:
	if (rc == -1) {
		free(*sig);
		*sig = NULL;
	}
	EVP_MD_CTX_free(md);
	return rc;
}

int
jwt_sign_input(const struct jwt_key *key, const char *input, size_t len,
    struct buf *out, struct err *err)
{
	unsigned char mac[SHA256_SIZE];
	unsigned char *sig = NULL;
	size_t sig_len = 0;

	if (key->alg == JWT_HS256) {
		if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key->secret,
		        key->secret_len, (const unsigned char *)input, len, mac,
		        sizeof(mac), &sig_len) == NULL)
			return err_set(err, 500, "internal", "HMAC failed");
		jwt_base64url(out, mac, sig_len);
	} else {
		if (sign_rs256(key, input, len, &sig, &sig_len) == -1)
			return err_set(
			    err, 500, "internal", "RSA signing failed");
		jwt_base64url(out, sig, sig_len);
		free(sig);
	}
	if (out->oom)
		return err_set(err, 500, "internal", "out of memory");
	return 0;
}

/* Is header a JSON object whose "alg" is alg?  RFC 7515 section 4.1.1. */
static int
header_names(const char *header, size_t len, enum jwt_alg alg)
{
	struct json_tokener *tok;
	struct json_object *root, *value;
	int ok = 0;

	if (len > HEADER_MAX || (tok = json_tokener_new()) == NULL)
		return 0;
	root = json_tokener_parse_ex(tok, header, (int)len);
	if (root != NULL && json_tokener_get_parse_end(tok) == len &&
	    json_object_is_type(root, json_type_object) &&
	    json_object_object_get_ex(root, "alg", &value) &&
	    json_object_is_type(value, json_type_string))
		ok = strcmp(json_object_get_string(value),
		         jwt_alg_names[alg]) == 0;
	json_object_put(root);
	json_tokener_free(tok);
	return ok;
}

int
jwt_sign_compact(const struct jwt_key *key, const char *header,
    size_t header_len, const char *payload, size_t payload_len, struct buf *out,
    struct err *err)
{
	size_t start = out->len, input_len;

	if (!header_names(header, header_len, key->alg))
		return err_set(err, 400, "invalid_header",
		    "JWS header is not a JSON object with \"alg\": \"%s\"",
		    jwt_alg_names[key->alg]);
	jwt_base64url(out, header, header_len);
	buf_putc(out, '.');
	jwt_base64url(out, payload, payload_len);
	input_len = out->len - start;
	buf_putc(out, '.');
	if (out->oom)
		return err_set(err, 500, "internal", "out of memory");
	/*
	 * The signing input (5.1 step 5) is what out holds from start on; it
	 * is read whole before the signature is appended.
	 */
	return jwt_sign_input(key, out->data + start, input_len, out, err);
}
