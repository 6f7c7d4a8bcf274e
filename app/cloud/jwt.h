/*
 * jwt.h: JSON Web Signatures in compact serialization (RFC 7515), signed
 * RS256 or HS256 (RFC 7518 section 3), and the base64url they are made of.
 *
 * The GCP provider signs its OAuth2 service-account assertion (RFC 7523)
 * with RS256 and a key read from the service-account file; HS256 is here
 * so that both RFC 7520 vectors check the same code.  RSASSA-PKCS1-v1_5
 * is deterministic: one key and one signing input give one signature,
 * which is what t/unit/jwt.c compares byte for byte.
 *
 * The key is opaque so that no caller sees OpenSSL; it holds secret
 * material, is made once per discovery and wiped by jwt_key_free().
 */
#ifndef CLOUDPAM_CLOUD_JWT_H
#define CLOUDPAM_CLOUD_JWT_H

#include <stddef.h>

#include "lib/buf.h"
#include "lib/err.h"

#define JWT_RSA_BITS_MIN 2048 /* RFC 7518 section 3.3 */
#define JWT_HMAC_KEY_MIN 32   /* RFC 7518 section 3.2: >= the hash size */
#define JWT_PEM_MAX 16384     /* bytes of a PEM private key */

enum jwt_alg {
	JWT_RS256, /* RSASSA-PKCS1-v1_5 using SHA-256 */
	JWT_HS256, /* HMAC using SHA-256 */
	JWT_ALG__MAX
};

/* "RS256", "HS256": the "alg" header values, indexed by enum jwt_alg. */
extern const char *const jwt_alg_names[JWT_ALG__MAX];

struct jwt_key;

/*
 * An RS256 key from a PEM private key (PKCS#8 "PRIVATE KEY" as in a GCP
 * service-account file, or PKCS#1 "RSA PRIVATE KEY"), len bytes, no NUL
 * needed.  Returns NULL with err filled: 400 "invalid_key" when the text
 * is not an RSA private key of at least JWT_RSA_BITS_MIN bits, 500 when
 * memory runs out.  The caller frees the key with jwt_key_free().
 */
struct jwt_key *jwt_key_rsa_pem(const char *pem, size_t len, struct err *err);

/*
 * An HS256 key of len secret bytes (at least JWT_HMAC_KEY_MIN).  As
 * jwt_key_rsa_pem() otherwise.
 */
struct jwt_key *jwt_key_hmac(const void *secret, size_t len, struct err *err);

/* Wipe and release key.  Accepts NULL. */
void jwt_key_free(struct jwt_key *key);

/* The algorithm key signs with. */
enum jwt_alg jwt_key_alg(const struct jwt_key *key);

/*
 * Append len bytes of data to out in base64url without padding (RFC 7515
 * section 2, RFC 4648 section 5).  Memory failure is recorded in out->oom.
 */
void jwt_base64url(struct buf *out, const void *data, size_t len);

/*
 * Append the bytes that the base64url text (len characters, no padding,
 * no white space) stands for to out.  Returns 0, or -1 with 400
 * "invalid_base64url" (out then holds what was decoded before the fault)
 * or 500 when memory runs out.
 */
int jwt_base64url_decode(
    struct buf *out, const char *text, size_t len, struct err *err);

/*
 * Sign the JWS signing input (RFC 7515 section 5.1 step 5: the
 * base64url header, '.', the base64url payload) and append the base64url
 * signature to out.  Returns 0, or -1 with err filled (500 "internal"
 * when OpenSSL or memory fails); out may then hold part of a signature.
 */
int jwt_sign_input(const struct jwt_key *key, const char *input, size_t len,
    struct buf *out, struct err *err);

/*
 * Append a whole compact JWS to out: base64url(header) '.'
 * base64url(payload) '.' signature.  header is the protected header's JSON
 * text exactly as it is to be signed; it must be an object whose "alg"
 * names key's algorithm (400 "invalid_header" otherwise), so a header that
 * lies about its signature is never signed.  As jwt_sign_input() otherwise.
 */
int jwt_sign_compact(const struct jwt_key *key, const char *header,
    size_t header_len, const char *payload, size_t payload_len, struct buf *out,
    struct err *err);

#endif
