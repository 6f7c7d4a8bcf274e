/*
 * secret.h: random tokens, keyed hashes and comparisons that do not leak
 * timing, for sessions, API keys, setup tokens and CSRF tokens.
 */
#ifndef CLOUDPAM_LIB_SECRET_H
#define CLOUDPAM_LIB_SECRET_H

#include <stddef.h>

/* 32 random bytes as unpadded base64url: 43 characters and a NUL. */
#define SECRET_TOKEN_LEN 43
#define SECRET_TOKEN_SIZE (SECRET_TOKEN_LEN + 1)

/* Fill buf with n bytes from the kernel's CSPRNG.  -1 on failure. */
int secret_random(void *buf, size_t n);

/* A fresh 256-bit token as base64url text.  -1 on failure. */
int secret_token(char out[SECRET_TOKEN_SIZE]);

/* Whether s is exactly a token's shape: 43 characters of [A-Za-z0-9_-]. */
int secret_token_valid(const char *s);

/* HMAC-SHA256(key, data) as unpadded base64url (43 characters). */
int secret_hmac(const void *key, size_t keylen, const void *data, size_t len,
    char out[SECRET_TOKEN_SIZE]);

/* Whether a and b are equal strings, in time independent of where they
 * differ (the lengths may leak). */
int secret_equal(const char *a, const char *b);

#endif
