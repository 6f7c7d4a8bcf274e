/*
 * Unit tests for app/cloud/jwt.c.
 *
 * base64url both ways (RFC 4648 section 10 vectors, the URL-safe
 * characters, refused text), then the RFC 7520 vectors in testdata/jose:
 * section 4.1 RS256 signed with the PKCS#8 form of the example key must
 * give exactly the published signature and compact JWS, and verify with
 * the matching public key; section 4.4 HS256 likewise.  Refused keys and
 * headers last.  The testdata root is $CLOUDPAM_TESTDATA, or
 * ../shared/testdata from the repository root.
 */
#include "cloud/jwt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "lib/buf.h"
#include "lib/err.h"
#include "unit/tap.h"

#define FILE_MAX (1 << 20)
#define PATH_LEN 1024

static const struct {
	const char *bytes;
	size_t len;
	const char *text;
} encodings[] = {
	{ "", 0, "" },                 /* RFC 4648 section 10 */
	{ "f", 1, "Zg" },              /* two characters, no padding */
	{ "fo", 2, "Zm8" },            /* three characters, no padding */
	{ "foo", 3, "Zm9v" },          /* a whole group */
	{ "foob", 4, "Zm9vYg" },       /* ... and two */
	{ "fooba", 5, "Zm9vYmE" },     /* ... and three */
	{ "foobar", 6, "Zm9vYmFy" },   /* two whole groups */
	{ "\xfb\xff", 2, "-_8" },      /* '+' and '/' in base64 */
	{ "\x00\x00\x00", 3, "AAAA" }, /* NUL bytes are data */
};

static const struct {
	const char *text;
	const char *why;
} refused[] = {
	{ "Zm9vY", "one character past a whole group" },
	{ "Zm9v+g", "'+' is base64, not base64url" },
	{ "Zm9v/w", "'/' is base64, not base64url" },
	{ "Zg==", "padding is not used (RFC 7515 section 2)" },
	{ "Zm 9v", "white space" },
};

static char *
read_file(const char *dir, const char *name, size_t *len)
{
	char path[PATH_LEN];
	struct stat st;
	FILE *f;
	char *text;

	snprintf(path, sizeof(path), "%s/jose/%s", dir, name);
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fstat(fileno(f), &st) == -1 || st.st_size > FILE_MAX ||
	    (text = malloc((size_t)st.st_size + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	*len = fread(text, 1, (size_t)st.st_size, f);
	text[*len] = '\0';
	fclose(f);
	return text;
}

static struct json_object *
read_vector(const char *dir, const char *name)
{
	struct json_object *root;
	size_t len;
	char *text;

	if ((text = read_file(dir, name, &len)) == NULL)
		return NULL;
	root = json_tokener_parse(text);
	free(text);
	return root;
}

/* The string at a dotted path of o ("signing.sig"), or "". */
static const char *
at(struct json_object *o, const char *path)
{
	char part[64];
	const char *dot;
	size_t n;

	while (o != NULL && *path != '\0') {
		dot = strchr(path, '.');
		n = dot ? (size_t)(dot - path) : strlen(path);
		snprintf(part, sizeof(part), "%.*s", (int)n, path);
		if (!json_object_object_get_ex(o, part, &o))
			return "";
		path += dot ? n + 1 : n;
	}
	return o ? json_object_get_string(o) : "";
}

static void
test_base64url(void)
{
	struct buf b = BUF_INIT;
	struct err err = ERR_INIT;
	char name[64];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(encodings) / sizeof(encodings[0]); i++) {
		buf_reset(&b);
		jwt_base64url(&b, encodings[i].bytes, encodings[i].len);
		snprintf(name, sizeof(name), "base64url of %zu bytes is \"%s\"",
		    encodings[i].len, encodings[i].text);
		tap_str(b.len ? b.data : "", encodings[i].text, name);
		buf_reset(&b);
		rc = jwt_base64url_decode(
		    &b, encodings[i].text, strlen(encodings[i].text), &err);
		tap_ok(rc == 0 && b.len == encodings[i].len &&
		           memcmp(b.data ? b.data : "", encodings[i].bytes,
		               b.len) == 0,
		    "base64url decodes \"%s\"", encodings[i].text);
	}
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		buf_reset(&b);
		err_clear(&err);
		rc = jwt_base64url_decode(
		    &b, refused[i].text, strlen(refused[i].text), &err);
		if (!tap_ok(
		        rc == -1 && strcmp(err.code, "invalid_base64url") == 0,
		        "refuse \"%s\" (%s)", refused[i].text, refused[i].why))
			tap_diag("have: rc %d code \"%s\"; want: -1 "
			         "\"invalid_base64url\"",
			    rc, err.code);
	}
	buf_free(&b);
}

static int
verify_rs256(const char *dir, const char *input, const char *sig_b64u)
{
	struct buf sig = BUF_INIT;
	struct err err = ERR_INIT;
	EVP_PKEY *pub = NULL;
	EVP_MD_CTX *md = NULL;
	size_t len;
	char *pem;
	BIO *bio;
	int ok = 0;

	if ((pem = read_file(dir, "4_1.rsa_public_key.spki.pem", &len)) == NULL)
		return 0;
	bio = BIO_new_mem_buf(pem, (int)len);
	pub = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	if (pub != NULL && (md = EVP_MD_CTX_new()) != NULL &&
	    jwt_base64url_decode(&sig, sig_b64u, strlen(sig_b64u), &err) == 0 &&
	    EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pub) == 1)
		ok = EVP_DigestVerify(md, (unsigned char *)sig.data, sig.len,
		         (const unsigned char *)input, strlen(input)) == 1;
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pub);
	BIO_free(bio);
	free(pem);
	buf_free(&sig);
	return ok;
}

/* Sign a vector's sig-input and its header + payload with key. */
static void
check_vector(struct jwt_key *key, struct json_object *v, const char *name)
{
	const char *protected_b64u = at(v, "signing.protected_b64u");
	const char *payload = at(v, "input.payload");
	struct buf out = BUF_INIT, header = BUF_INIT;
	struct err err = ERR_INIT;
	int rc;

	rc = jwt_sign_input(key, at(v, "signing.sig-input"),
	    strlen(at(v, "signing.sig-input")), &out, &err);
	tap_int(rc, 0, name);
	tap_str(out.data, at(v, "signing.sig"), "signature is the RFC's");
	buf_reset(&out);
	/* The protected header as the RFC signed it, byte for byte. */
	jwt_base64url_decode(
	    &header, protected_b64u, strlen(protected_b64u), &err);
	rc = jwt_sign_compact(
	    key, header.data, header.len, payload, strlen(payload), &out, &err);
	tap_int(rc, 0, "sign header and payload (UTF-8, U+2019)");
	tap_str(out.data, at(v, "output.compact"), "compact JWS is the RFC's");
	buf_free(&out);
	buf_free(&header);
}

static void
test_rs256(const char *dir)
{
	struct json_object *v = read_vector(dir, "4_1.rsa_v15_signature.json");
	struct err err = ERR_INIT;
	struct jwt_key *key = NULL;
	size_t len = 0;
	char *pem = read_file(dir, "4_1.rsa_private_key.pkcs8.pem", &len);

	if (!tap_ok(v != NULL && pem != NULL, "read RFC 7520 4.1 from %s/jose",
	        dir))
		goto done;
	key = jwt_key_rsa_pem(pem, len, &err);
	if (!tap_ok(key != NULL, "load the PKCS#8 example key"))
		tap_diag("have: %s; want: a key", err.message);
	if (key == NULL)
		goto done;
	tap_int(jwt_key_alg(key), JWT_RS256, "the key signs RS256");
	check_vector(key, v, "RS256 signs the 4.1 signing input");
	tap_ok(
	    verify_rs256(dir, at(v, "signing.sig-input"), at(v, "signing.sig")),
	    "the signature verifies with the SPKI public key");
done:
	jwt_key_free(key);
	free(pem);
	json_object_put(v);
}

static void
test_hs256(const char *dir)
{
	struct json_object *v =
	    read_vector(dir, "4_4.hmac-sha2_integrity_protection.json");
	struct buf secret = BUF_INIT;
	struct err err = ERR_INIT;
	struct jwt_key *key = NULL;
	const char *k = at(v, "input.key.k");

	if (!tap_ok(v != NULL, "read RFC 7520 4.4 from %s/jose", dir))
		goto done;
	jwt_base64url_decode(&secret, k, strlen(k), &err);
	key = jwt_key_hmac(secret.data, secret.len, &err);
	if (!tap_ok(key != NULL, "load the 4.4 HMAC key"))
		goto done;
	check_vector(key, v, "HS256 signs the 4.4 signing input");
done:
	jwt_key_free(key);
	buf_free(&secret);
	json_object_put(v);
}

static void
expect_refused(
    int rc, const struct err *err, const char *code, const char *name)
{
	if (!tap_ok(rc == -1 && strcmp(err->code, code) == 0, "%s", name))
		tap_diag(
		    "have: rc %d \"%s\"; want: -1 \"%s\"", rc, err->code, code);
}

/* A 1024-bit RSA key in PEM: too short for RS256. */
static void
test_short_rsa(void)
{
	struct err err = ERR_INIT;
	struct jwt_key *key;
	EVP_PKEY *pkey;
	BIO *bio;
	char *pem;
	long len;

	pkey = EVP_RSA_gen(1024);
	bio = BIO_new(BIO_s_mem());
	PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL);
	len = BIO_get_mem_data(bio, &pem);
	key = jwt_key_rsa_pem(pem, (size_t)len, &err);
	expect_refused(key ? 0 : -1, &err, "invalid_key",
	    "refuse a 1024-bit RSA key (RFC 7518 3.3 wants 2048)");
	jwt_key_free(key);
	BIO_free(bio);
	EVP_PKEY_free(pkey);
}

static void
test_refused(const char *dir)
{
	static const char garbage[] = "-----BEGIN PRIVATE KEY-----\nnot a "
	                              "key\n-----END PRIVATE KEY-----\n";
	struct buf out = BUF_INIT;
	struct err err = ERR_INIT;
	struct jwt_key *key;
	size_t len = 0;
	char *pem;
	int rc;

	key = jwt_key_rsa_pem(garbage, sizeof(garbage) - 1, &err);
	expect_refused(key ? 0 : -1, &err, "invalid_key", "refuse a bad PEM");
	jwt_key_free(key);
	key = jwt_key_hmac("short", 5, &err);
	expect_refused(
	    key ? 0 : -1, &err, "invalid_key", "refuse a 5-byte HS256 key");
	jwt_key_free(key);
	test_short_rsa();

	pem = read_file(dir, "4_1.rsa_private_key.pkcs8.pem", &len);
	key = pem ? jwt_key_rsa_pem(pem, len, &err) : NULL;
	if (key == NULL) {
		tap_ok(0, "load the example key for refusals");
		goto done;
	}
	rc = jwt_sign_compact(
	    key, "{\"alg\":\"HS256\"}", 15, "{}", 2, &out, &err);
	expect_refused(rc, &err, "invalid_header",
	    "refuse to sign a header naming HS256 with an RSA key");
	rc = jwt_sign_compact(
	    key, "{\"alg\":\"none\"}", 14, "{}", 2, &out, &err);
	expect_refused(rc, &err, "invalid_header", "refuse alg none");
	rc = jwt_sign_compact(
	    key, "{\"alg\":\"RS256\"", 14, "{}", 2, &out, &err);
	expect_refused(rc, &err, "invalid_header", "refuse a cut header");
	rc = jwt_sign_compact(
	    key, "{\"alg\":\"RS256\"}x", 16, "{}", 2, &out, &err);
	expect_refused(rc, &err, "invalid_header",
	    "refuse a header with bytes after the object");
	tap_int((long long)out.len, 0, "nothing written for a refused header");
done:
	jwt_key_free(key);
	free(pem);
	buf_free(&out);
}

int
main(void)
{
	const char *dir = getenv("CLOUDPAM_TESTDATA");

	if (dir == NULL || *dir == '\0')
		dir = "../shared/testdata";
	test_base64url();
	test_rs256(dir);
	test_hs256(dir);
	test_refused(dir);
	return tap_done();
}
